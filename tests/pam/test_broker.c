/*
 * test_broker.c - logins from a process that may not read the database
 * or the key, through a real crm-authd the test starts: what a web server
 * as www-data gets, and what it cannot do when it has been broken into.
 *
 * The daemon runs as root on a socket in the test's directory; the
 * logins run in children as nobody (65534), through pam.d/crm and
 * services the test writes, with the modules choosing the broker
 * themselves (broker=auto: nobody cannot open the files).  Needs root.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "broker/client.h"
#include "fixture.h"

#define PASSWORD "alice-Correct-Horse-1"
#define NOBODY 65534
/* A uid with no name: in no broker_allow entry. */
#define STRANGER 65533

static struct fixture fx;
static char sock_dir[PATH_MAX];
static char sock_path[PATH_MAX + 16];
static pid_t daemon_pid = -1;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
write_conf(const char *allow, unsigned int timeout_ms)
{
	char extra[2 * PATH_MAX + 512];

	snprintf(extra, sizeof(extra),
		 "broker_socket = %s\nbroker_timeout_ms = %u\n"
		 "broker_allow = %s\n[lockout]\ndeny = 3\nnodelay = yes\n",
		 sock_path, timeout_ms, allow);
	fx_write_conf(&fx, extra);
}

#define ALLOW_NOBODY "nobody:crm,crm-lax,crm-acctonly"

static void
start_daemon(void)
{
	char bin[PATH_MAX];
	struct stat st;
	int i;

	/* A socket left by a daemon killed before it could remove it must
	 * not pass for the new one's. */
	unlink(sock_path);
	snprintf(bin, sizeof(bin), "%s/tools/crm-authd/crm-authd",
		 getenv("CRM_TEST_BUILDDIR"));
	daemon_pid = fork();
	assert_true(daemon_pid >= 0);
	if (daemon_pid == 0) {
		execl(bin, bin, "--foreground", "--socket", sock_path,
		      "--conf", fx.conf, "--workers", "4", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500; i++) {
		if (lstat(sock_path, &st) == 0 && S_ISSOCK(st.st_mode))
			return;
		usleep(10000);
	}
	fail_msg("crm-authd made no socket at %s", sock_path);
}

static void
stop_daemon(void)
{
	int status;

	if (daemon_pid <= 0)
		return;
	kill(daemon_pid, SIGCONT);
	kill(daemon_pid, SIGTERM);
	waitpid(daemon_pid, &status, 0);
	daemon_pid = -1;
}

static int
setup(void **state)
{
	if (geteuid() != 0) {
		print_message("needs root (a daemon as root, logins as "
			      "nobody): skipped\n");
		return -1;
	}
	memset(&fx, 0, sizeof(fx));
	snprintf(fx.work, sizeof(fx.work), "%s", getenv("CRM_TEST_WORK"));
	snprintf(sock_dir, sizeof(sock_dir), "%s/run", fx.work);
	snprintf(sock_path, sizeof(sock_path), "%s/authd.sock", sock_dir);
	fx_setup(&fx, NULL);
	write_conf(ALLOW_NOBODY, 2000);
	fx_user_add(&fx, "alice", PASSWORD);
	/* nobody must reach the socket and read pam_crm.conf and the
	 * service files, as www-data reaches /run and /etc; the database
	 * and the key stay root's. */
	assert_int_equal(chmod(fx.work, 0711), 0);
	assert_int_equal(chmod(getenv("CRM_TEST_SERVICE_DIR"), 0755), 0);
	/* What the children log (the syslog shim) is kept too. */
	close(open(getenv("CRM_TEST_SYSLOG"), O_WRONLY | O_CREAT, 0666));
	assert_int_equal(chmod(getenv("CRM_TEST_SYSLOG"), 0666), 0);
	mkdir(sock_dir, 0755);
	assert_int_equal(chmod(sock_dir, 0755), 0);
	start_daemon();
	return 0;
}

static int
teardown(void **state)
{
	stop_daemon();
	fx_teardown(&fx);
	return 0;
}

/* A service file of this test (written before the login that reads it:
 * libpam reads the file at every pam_start). */
static void
write_service(const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", getenv("CRM_TEST_SERVICE_DIR"),
		 name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void
module_path(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/modules/pam_crm_%s/.libs/pam_crm_%s.so conf=%s",
		 getenv("CRM_TEST_BUILDDIR"), name, name, fx.conf);
}

static void
become(uid_t uid)
{
	if (setgroups(0, NULL) != 0 || setresgid(uid, uid, uid) != 0 ||
	    setresuid(uid, uid, uid) != 0)
		_exit(120);
}

/* A pipe gives a large struct in pieces: read until all of it or EOF. */
static ssize_t
read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* A login as uid in a child: the outcome comes back through a pipe. */
static void
login_as(uid_t uid, const char *service, const char *user,
	 const char *password, int phases, struct login *out)
{
	struct fx_login_opts opts;
	int p[2], status;
	ssize_t got;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct login l;

		close(p[0]);
		become(uid);
		memset(&opts, 0, sizeof(opts));
		opts.default_answer = password;
		opts.items.rhost = "192.0.2.7";
		opts.phases = phases;
		fx_login_ex(service, user, &opts, &l);
		l.pamh = NULL;
		if (write(p[1], &l, sizeof(l)) != (ssize_t)sizeof(l))
			_exit(121);
		_exit(0);
	}
	close(p[1]);
	got = read_all(p[0], out, sizeof(*out));
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(got, (ssize_t)sizeof(*out));
}

static void
web_login_through_the_broker(void **state)
{
	struct login l;

	login_as(NOBODY, "crm", "alice", PASSWORD, 0, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(l.acct_rc, PAM_SUCCESS);
	/* What pam_crm_role tells the front end came across too. */
	assert_string_equal(fx_env_get(&l, "CRM_USER"), "alice");
	/* The row says through whom: the rhost is the caller's word. */
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM audit WHERE "
				 "user = 'alice' AND event = 'auth_ok' AND "
				 "detail LIKE '%broker_uid=65534%'"));

	login_as(NOBODY, "crm", "alice", "wrong-password-1", 0, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_int_equal(fx_failures(&fx, "alice"), 1);
}

static void
unprivileged_process_cannot_read_secrets(void **state)
{
	int p[2], status;
	int errs[2] = { 0, 0 };
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int e[2];

		close(p[0]);
		become(NOBODY);
		e[0] = open(fx.db, O_RDONLY) < 0 ? errno : 0;
		e[1] = open(fx.key, O_RDONLY) < 0 ? errno : 0;
		if (write(p[1], e, sizeof(e)) != (ssize_t)sizeof(e))
			_exit(121);
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read_all(p[0], errs, sizeof(errs)), (ssize_t)sizeof(errs));
	close(p[0]);
	waitpid(pid, &status, 0);
	assert_int_equal(errs[0], EACCES);
	assert_int_equal(errs[1], EACCES);
}

static void
caller_not_allowed_is_refused_and_audited(void **state)
{
	struct login l;

	login_as(STRANGER, "crm", "alice", PASSWORD, 0, &l);
	assert_int_equal(l.auth_rc, PAM_PERM_DENIED);
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM audit WHERE "
				 "event = 'broker_refused' AND "
				 "detail LIKE '%uid 65533%'"));
	/* Allowed, but not for this service. */
	write_conf("nobody:crm-lax", 2000);
	kill(daemon_pid, SIGHUP);
	usleep(300000);
	login_as(NOBODY, "crm", "alice", PASSWORD, 0, &l);
	assert_int_equal(l.auth_rc, PAM_PERM_DENIED);
	/* Back in the list after a reload. */
	write_conf(ALLOW_NOBODY, 2000);
	kill(daemon_pid, SIGHUP);
	usleep(300000);
	login_as(NOBODY, "crm", "alice", PASSWORD, 0, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
}

/* A broken-into web server writes its own module arguments: the daemon
 * takes a stranger's options from its own configuration (deny = 3). */
static void
untrusted_module_arguments_are_ignored(void **state)
{
	char lockout[PATH_MAX + 256], passwd[PATH_MAX + 256];
	char text[6 * PATH_MAX];
	struct login l;
	int i;

	module_path("lockout", lockout, sizeof(lockout));
	module_path("passwd", passwd, sizeof(passwd));
	snprintf(text, sizeof(text),
		 "auth requisite %s preauth deny=1000000 unknown=ignore\n"
		 "auth [success=1 default=ignore] %s\n"
		 "auth [default=die] %s authfail deny=1000000\n"
		 "auth sufficient %s authsucc deny=1000000\n"
		 "auth required pam_deny.so\n"
		 "account required %s deny=1000000\n",
		 lockout, passwd, lockout, lockout, lockout);
	write_service("crm-lax", text);
	for (i = 0; i < 3; i++) {
		login_as(NOBODY, "crm-lax", "alice", "wrong-password-1", 0, &l);
		assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	}
	login_as(NOBODY, "crm-lax", "alice", PASSWORD, 0, &l);
	assert_int_not_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(fx_failures(&fx, "alice"), 3);
}

/* Only a successful authentication the daemon saw clears failures: an
 * account call after pam_permit claims nothing it can prove. */
static void
account_phase_without_ticket_clears_nothing(void **state)
{
	char lockout[PATH_MAX + 256], text[3 * PATH_MAX];
	struct login l;

	module_path("lockout", lockout, sizeof(lockout));
	snprintf(text, sizeof(text), "auth required pam_permit.so\n"
		 "account required %s\n", lockout);
	write_service("crm-acctonly", text);
	login_as(NOBODY, "crm", "alice", "wrong-password-1", 0, &l);
	login_as(NOBODY, "crm", "alice", "wrong-password-2", 0, &l);
	assert_int_equal(fx_failures(&fx, "alice"), 2);
	login_as(NOBODY, "crm-acctonly", "alice", "", 0, &l);
	assert_int_equal(fx_failures(&fx, "alice"), 2);
	/* The right password through the real stack does clear them. */
	login_as(NOBODY, "crm", "alice", PASSWORD, 0, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(fx_failures(&fx, "alice"), 0);
}

/* authsucc sent straight to the daemon, without the password step's
 * ticket: it must neither clear the failures nor hand out a ticket. */
static void
authsucc_without_a_ticket_is_refused(void **state)
{
	int p[2], status;
	struct {
		struct crm_outcome out;
		struct crm_broker_tickets tickets;
	} got;
	pid_t pid;
	struct login l;

	login_as(NOBODY, "crm", "alice", "wrong-password-1", 0, &l);
	login_as(NOBODY, "crm", "alice", "wrong-password-2", 0, &l);
	assert_int_equal(fx_failures(&fx, "alice"), 2);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct crm_request req;
		struct crm_lockout_opts opts;
		struct crm_call call;
		char conf_arg[PATH_MAX + 8];
		const char *argv[1] = { conf_arg };

		close(p[0]);
		become(NOBODY);
		memset(&got, 0, sizeof(got));
		memset(&req, 0, sizeof(req));
		memset(&call, 0, sizeof(call));
		snprintf(conf_arg, sizeof(conf_arg), "conf=%s", fx.conf);
		crm_lockout_defaults(&opts, NULL);
		if (crm_lockout_load(&opts, NULL, 1, argv, NULL) != CRM_OK)
			_exit(122);
		req.service = "crm";
		req.user = "alice";
		call.kind = CRM_DECIDE_LOCKOUT;
		call.req = &req;
		call.argc = 1;
		call.argv = argv;
		call.u.lockout.opts = &opts;
		call.u.lockout.phase = CRM_LOCKOUT_AUTHSUCC;
		crm_broker_ask(sock_path, 2000, &call, &got.tickets, &got.out);
		if (write(p[1], &got, sizeof(got)) != (ssize_t)sizeof(got))
			_exit(121);
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read_all(p[0], &got, sizeof(got)), (ssize_t)sizeof(got));
	close(p[0]);
	waitpid(pid, &status, 0);
	assert_int_equal(got.out.verdict, CRM_FAIL);
	assert_string_equal(got.tickets.auth, "");
	assert_int_equal(fx_failures(&fx, "alice"), 2);
}

/* A broken-into web server asks for the password check again and again
 * and never sends authfail: the daemon counts each refusal itself, locks
 * at deny = 3, and then does not even check the right password. */
static void
guesses_without_authfail_are_counted(void **state)
{
	int p[2], status, i;
	struct crm_outcome out[4];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct crm_broker_tickets tickets;
		struct crm_request req;
		struct crm_passwd_opts opts;
		struct crm_call call;
		char conf_arg[PATH_MAX + 8];
		const char *argv[1] = { conf_arg };
		struct crm_outcome o;

		close(p[0]);
		become(NOBODY);
		memset(&req, 0, sizeof(req));
		memset(&call, 0, sizeof(call));
		memset(&opts, 0, sizeof(opts));
		crm_common_defaults(&opts.common);
		req.service = "crm";
		req.user = "alice";
		snprintf(conf_arg, sizeof(conf_arg), "conf=%s", fx.conf);
		call.kind = CRM_DECIDE_PASSWD;
		call.req = &req;
		call.argc = 1;
		call.argv = argv;
		call.u.passwd.opts = &opts;
		call.u.passwd.phase = CRM_PASSWD_AUTH;
		for (i = 0; i < 4; i++) {
			/* A new handle each time: no ticket carried over. */
			memset(&tickets, 0, sizeof(tickets));
			call.u.passwd.password = i < 3 ? "guess-1234567" : PASSWORD;
			crm_broker_ask(sock_path, 2000, &call, &tickets, &o);
			if (write(p[1], &o, sizeof(o)) != (ssize_t)sizeof(o))
				_exit(121);
		}
		_exit(0);
	}
	close(p[1]);
	for (i = 0; i < 4; i++)
		assert_int_equal(read_all(p[0], &out[i], sizeof(out[i])),
				 (ssize_t)sizeof(out[i]));
	close(p[0]);
	waitpid(pid, &status, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(out[i].verdict, CRM_DENY);
	assert_int_equal(fx_failures(&fx, "alice"), 3);
	/* Locked: the right password is refused unchecked. */
	assert_int_equal(out[3].verdict, CRM_DENY);
	assert_int_equal(out[3].authenticated, 0);
}

/* Send the update step of a password change straight to the daemon,
 * without the preliminary check that proves the current password. */
static void
password_update_without_the_check_is_refused(void **state)
{
	int p[2], status;
	struct crm_outcome out;
	pid_t pid;
	struct login l;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct crm_broker_tickets tickets;
		struct crm_request req;
		struct crm_passwd_opts opts;
		struct crm_call call;
		char conf_arg[PATH_MAX + 8];
		const char *argv[1] = { conf_arg };

		close(p[0]);
		become(NOBODY);
		memset(&tickets, 0, sizeof(tickets));
		memset(&req, 0, sizeof(req));
		memset(&call, 0, sizeof(call));
		memset(&opts, 0, sizeof(opts));
		crm_common_defaults(&opts.common);
		req.service = "crm";
		req.user = "alice";
		snprintf(conf_arg, sizeof(conf_arg), "conf=%s", fx.conf);
		call.kind = CRM_DECIDE_PASSWD;
		call.req = &req;
		call.argc = 1;
		call.argv = argv;
		call.u.passwd.opts = &opts;
		call.u.passwd.phase = CRM_PASSWD_CHANGE;
		call.u.passwd.password = "Mallory-Owns-Alice-42";
		crm_broker_ask(sock_path, 2000, &call, &tickets, &out);
		if (write(p[1], &out, sizeof(out)) != (ssize_t)sizeof(out))
			_exit(121);
		/* Only checked, not stored: still no, or the history check
		 * tells anyone's old passwords. */
		call.u.passwd.how = CRM_PWCHANGE_CHECK_ONLY;
		call.u.passwd.password = PASSWORD;
		crm_broker_ask(sock_path, 2000, &call, &tickets, &out);
		if (write(p[1], &out, sizeof(out)) != (ssize_t)sizeof(out))
			_exit(121);
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read_all(p[0], &out, sizeof(out)), (ssize_t)sizeof(out));
	assert_int_equal(out.verdict, CRM_FAIL);
	assert_non_null(strstr(out.detail, "preliminary check"));
	assert_int_equal(read_all(p[0], &out, sizeof(out)), (ssize_t)sizeof(out));
	assert_int_equal(out.verdict, CRM_FAIL);
	assert_non_null(strstr(out.detail, "preliminary check"));
	close(p[0]);
	waitpid(pid, &status, 0);
	login_as(NOBODY, "crm", "alice", "Mallory-Owns-Alice-42", 0, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	login_as(NOBODY, "crm", "alice", PASSWORD, 0, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
}

static void
daemon_down_or_stuck_is_authinfo_unavail(void **state)
{
	struct login l;
	double t0, took;

	stop_daemon();
	t0 = now_s();
	login_as(NOBODY, "crm", "alice", PASSWORD, 0, &l);
	took = now_s() - t0;
	assert_int_equal(l.auth_rc, PAM_AUTHINFO_UNAVAIL);
	assert_true(took < 1.0);

	/* Stopped, not gone: the wait ends at broker_timeout_ms. */
	write_conf(ALLOW_NOBODY, 500);
	start_daemon();
	kill(daemon_pid, SIGSTOP);
	t0 = now_s();
	login_as(NOBODY, "crm", "alice", PASSWORD, FX_AUTH, &l);
	took = now_s() - t0;
	kill(daemon_pid, SIGCONT);
	assert_int_equal(l.auth_rc, PAM_AUTHINFO_UNAVAIL);
	if (took < 0.45 || took > 2.0)
		fail_msg("refused after %.2f s; broker_timeout_ms is 500", took);
	login_as(NOBODY, "crm", "alice", PASSWORD, 0, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
}

/* A socket in a directory others may write could be anyone's: nothing is
 * sent to it. */
static void
socket_in_a_writable_directory_is_not_trusted(void **state)
{
	struct login l;

	assert_int_equal(chmod(sock_dir, 0777), 0);
	login_as(NOBODY, "crm", "alice", PASSWORD, 0, &l);
	assert_int_equal(chmod(sock_dir, 0755), 0);
	assert_int_equal(l.auth_rc, PAM_AUTHINFO_UNAVAIL);
	assert_true(fx_sql_holds(&fx, "SELECT count(*) = 0 FROM audit WHERE "
				 "user = 'alice' AND event = 'auth_ok'"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(web_login_through_the_broker,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			unprivileged_process_cannot_read_secrets, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			caller_not_allowed_is_refused_and_audited, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			untrusted_module_arguments_are_ignored, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			account_phase_without_ticket_clears_nothing, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			password_update_without_the_check_is_refused, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			authsucc_without_a_ticket_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
			guesses_without_authfail_are_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(
			daemon_down_or_stuck_is_authinfo_unavail, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			socket_in_a_writable_directory_is_not_trusted, setup,
			teardown),
	};

	if (geteuid() != 0) {
		printf("# needs root: skipped\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
