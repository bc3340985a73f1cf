/*
 * test_broker_load.c - crm-authd under load, and killed under load.
 *
 * 2 x 16 client processes as nobody log in through a lockout stack that
 * always fails (pam_deny in the password's place), so that every login
 * is two decisions that write (preauth, authfail): the failures counted
 * must be exactly the logins refused, however the daemon's workers
 * interleave them.  Then the daemon is killed with SIGKILL in the middle
 * of a run: every login in flight fails closed within broker_timeout_ms,
 * a restarted daemon answers again, no failure a client was told about
 * is missing, and the audit chain verifies.  Needs root.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "fixture.h"

#define NOBODY 65534
#define GROUPS 2
#define CLIENTS 16
#define LOGINS 500		/* 1,000 decisions a client */
#define TIMEOUT_MS 1000

static struct fixture fx;
static char sock_dir[PATH_MAX];
static char sock_path[PATH_MAX + 16];
static pid_t daemon_pid = -1;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
start_daemon(void)
{
	char bin[PATH_MAX];
	struct stat st;
	int i;

	unlink(sock_path);
	snprintf(bin, sizeof(bin), "%s/tools/crm-authd/crm-authd",
		 getenv("CRM_TEST_BUILDDIR"));
	daemon_pid = fork();
	assert_true(daemon_pid >= 0);
	if (daemon_pid == 0) {
		execl(bin, bin, "--socket", sock_path, "--conf", fx.conf,
		      (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500; i++) {
		if (lstat(sock_path, &st) == 0 && S_ISSOCK(st.st_mode))
			return;
		usleep(10000);
	}
	fail_msg("crm-authd made no socket");
}

static void
stop_daemon(int sig)
{
	int status;

	if (daemon_pid <= 0)
		return;
	kill(daemon_pid, sig);
	waitpid(daemon_pid, &status, 0);
	daemon_pid = -1;
}

static int
setup(void **state)
{
	char extra[2 * PATH_MAX], lockout[2 * PATH_MAX], text[8 * PATH_MAX];
	char path[PATH_MAX + 32];
	FILE *fp;

	memset(&fx, 0, sizeof(fx));
	snprintf(fx.work, sizeof(fx.work), "%s", getenv("CRM_TEST_WORK"));
	snprintf(sock_dir, sizeof(sock_dir), "%s/run", fx.work);
	snprintf(sock_path, sizeof(sock_path), "%s/authd.sock", sock_dir);
	snprintf(extra, sizeof(extra),
		 "broker_socket = %s\nbroker_timeout_ms = %d\n"
		 "broker_allow = nobody:crm-load\n"
		 "[lockout]\ndeny = 1000000\nfail_interval = 86400\n"
		 "nodelay = yes\nunknown = ignore\n", sock_path, TIMEOUT_MS);
	fx_setup(&fx, extra);
	{
		char name[32];
		int i;

		/* One account a client: each client's failures are counted
		 * exactly while 31 others write beside it.  (One account
		 * with 16,000 stored failures would measure the count of
		 * its rows, which deny keeps small in practice.) */
		for (i = 0; i < GROUPS * CLIENTS; i++) {
			snprintf(name, sizeof(name), "victim%02d", i);
			fx_user_add(&fx, name, "victim-Correct-Horse-1");
		}
	}
	assert_int_equal(chmod(fx.work, 0711), 0);
	assert_int_equal(chmod(getenv("CRM_TEST_SERVICE_DIR"), 0755), 0);
	close(open(getenv("CRM_TEST_SYSLOG"), O_WRONLY | O_CREAT, 0666));
	assert_int_equal(chmod(getenv("CRM_TEST_SYSLOG"), 0666), 0);
	mkdir(sock_dir, 0755);
	assert_int_equal(chmod(sock_dir, 0755), 0);

	snprintf(lockout, sizeof(lockout),
		 "%s/modules/pam_crm_lockout/.libs/pam_crm_lockout.so conf=%s",
		 getenv("CRM_TEST_BUILDDIR"), fx.conf);
	snprintf(text, sizeof(text),
		 "auth requisite %s preauth\n"
		 "auth [success=1 default=ignore] pam_deny.so\n"
		 "auth [default=die] %s authfail\n"
		 "auth sufficient %s authsucc\n"
		 "auth required pam_deny.so\n", lockout, lockout, lockout);
	snprintf(path, sizeof(path), "%s/crm-load",
		 getenv("CRM_TEST_SERVICE_DIR"));
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	start_daemon();
	return 0;
}

static int
teardown(void **state)
{
	stop_daemon(SIGTERM);
	fx_teardown(&fx);
	return 0;
}

/* What a client saw: how many of each result, and the slowest refusal
 * that was not a counted failure. */
struct tally {
	long refused;		/* PAM_AUTH_ERR: the failure was counted */
	long unavailable;	/* PAM_AUTHINFO_UNAVAIL */
	long other;
	double worst_unavailable_ms;
	double ms[LOGINS];	/* each login, for the percentiles */
};

static void
client(struct tally *t, int index, int logins, double stop_at)
{
	char user[32];
	struct fx_login_opts opts;
	struct login l;
	double t0, took;
	int i;

	if (setgroups(0, NULL) != 0 || setresgid(NOBODY, NOBODY, NOBODY) != 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) != 0)
		_exit(120);
	memset(&opts, 0, sizeof(opts));
	opts.default_answer = "wrong";
	opts.items.rhost = "192.0.2.9";
	opts.phases = FX_AUTH;
	snprintf(user, sizeof(user), "victim%02d", index);
	for (i = 0; i < logins && (stop_at == 0 || now_ms() < stop_at); i++) {
		t0 = now_ms();
		fx_login_ex("crm-load", user, &opts, &l);
		took = now_ms() - t0;
		if (i < LOGINS)
			t->ms[i] = took;
		if (l.auth_rc == PAM_AUTH_ERR) {
			t->refused++;
		} else if (l.auth_rc == PAM_AUTHINFO_UNAVAIL) {
			t->unavailable++;
			if (took > t->worst_unavailable_ms)
				t->worst_unavailable_ms = took;
		} else {
			t->other++;
		}
	}
	_exit(0);
}

static struct tally *
run_clients(int n, int logins, double stop_at, void (*meanwhile)(void))
{
	struct tally *t = mmap(NULL, n * sizeof(*t), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pids[GROUPS * CLIENTS];
	int i, status;

	assert_true(t != MAP_FAILED);
	memset(t, 0, n * sizeof(*t));
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			client(&t[i], i, logins, stop_at);
	}
	if (meanwhile != NULL)
		meanwhile();
	for (i = 0; i < n; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	return t;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
counting_is_exact_under_load(void **state)
{
	static double all[GROUPS * CLIENTS * LOGINS];
	int n = GROUPS * CLIENTS, i, j;
	struct tally *t;
	long refused = 0, k = 0;
	double t0, took;

	t0 = now_ms();
	t = run_clients(n, LOGINS, 0, NULL);
	took = now_ms() - t0;
	for (i = 0; i < n; i++) {
		char user[32];

		assert_int_equal(t[i].other, 0);
		assert_int_equal(t[i].unavailable, 0);
		assert_int_equal(t[i].refused, LOGINS);
		snprintf(user, sizeof(user), "victim%02d", i);
		/* Every refusal the client saw is one stored failure. */
		assert_int_equal(fx_failures(&fx, user), t[i].refused);
		refused += t[i].refused;
		for (j = 0; j < LOGINS; j++)
			all[k++] = t[i].ms[j];
	}
	qsort(all, (size_t)k, sizeof(all[0]), cmp_double);
	fprintf(stderr, "# %d clients x %d logins (%ld decisions) in %.1f s: "
		"%.0f decisions/s; a login p50 %.2f ms, p99 %.2f ms\n", n,
		LOGINS, 2 * refused, took / 1e3, 2 * refused / (took / 1e3),
		all[k / 2], all[k * 99 / 100]);
	assert_int_equal(refused, (long)n * LOGINS);
	munmap(t, n * sizeof(*t));
}

static double kill_after_ms;

static void
kill_and_restart(void)
{
	usleep((useconds_t)(kill_after_ms * 1000));
	stop_daemon(SIGKILL);
	/* Long enough that logins in flight and new ones meet no daemon. */
	usleep(1500 * 1000);
	start_daemon();
}

static void
killed_under_load_loses_nothing(void **state)
{
	int n = CLIENTS, i;
	struct tally *t;
	long refused = 0, unavailable = 0, failures;
	double worst = 0;
	char out[4096];

	kill_after_ms = 700;
	t = run_clients(n, 100000, now_ms() + 4500, kill_and_restart);
	failures = 0;
	for (i = 0; i < n; i++) {
		char user[32];
		long stored;

		assert_int_equal(t[i].other, 0);
		snprintf(user, sizeof(user), "victim%02d", i);
		stored = fx_failures(&fx, user);
		/* Nothing a client was told is lost; a failure the daemon
		 * committed but could not report (killed before its reply)
		 * may be one more. */
		assert_true(stored >= t[i].refused);
		assert_true(stored <= t[i].refused + t[i].unavailable);
		failures += stored;
		refused += t[i].refused;
		unavailable += t[i].unavailable;
		if (t[i].worst_unavailable_ms > worst)
			worst = t[i].worst_unavailable_ms;
	}
	fprintf(stderr, "# killed under load: %ld refused (counted), %ld "
		"unavailable (slowest %.0f ms), %ld failures stored\n",
		refused, unavailable, worst, failures);
	/* The kill was seen, and a login then failed closed in time. */
	assert_true(unavailable > 0);
	assert_true(worst < TIMEOUT_MS + 500);
	/* The restarted daemon answered again. */
	assert_true(refused > 0);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "audit",
				    "verify", NULL), 0);
	assert_non_null(strstr(out, "intact"));
	munmap(t, n * sizeof(*t));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(counting_is_exact_under_load,
						setup, teardown),
		cmocka_unit_test_setup_teardown(killed_under_load_loses_nothing,
						setup, teardown),
	};

	if (geteuid() != 0) {
		printf("# needs root: skipped\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
