/*
 * test_crash.c - a process killed at any point loses no committed
 * failure: writers fail logins through the real stack (crm-burst:
 * pam_crm_lockout preauth and authfail, one PAM handle a failure), a
 * parent kills them with SIGKILL at random moments, and afterwards every
 * failure a writer had seen answered is in the database, each with its
 * audit row, the audit chain verifies and SQLite finds the file intact.
 *
 * The moments that matter are after the write, inside COMMIT, and inside
 * the WAL checkpoint a commit runs every 64 frames (every fifth failure
 * here): with a kill every few milliseconds, each writer is killed within
 * a few failures of starting, so all three are hit many times.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
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
#include <sqlite3.h>

#include "fixture.h"

#define WRITERS 2		/* leaves a core to timing tests under -j2 */
#define PHASE_MS 4000		/* per durability mode */
#define MAX_PAUSE_US 12000	/* between two kills */
/* SQLite WAL frame: 24-byte header and a 4096-byte page. */
#define WAL_FRAME (24 + 4096)

#define PASSWORD "crash-Correct-Horse-1"
/* Every failure counted, no lock ever: the test is about losing none. */
#define CONF_LOCKOUT "[lockout]\nnodelay = yes\ndeny = 1000000\n"

static struct fixture fx;

struct writer {
	pid_t pid;
	int ack;		/* read end: one byte per committed failure */
	long acked;
	long acked_at_spawn;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
user_name(int i, char *buf, size_t len)
{
	snprintf(buf, len, "crash%d", i);
}

/*
 * A writer: failed logins of its own user until killed.  A byte goes to
 * the parent once pam_authenticate has answered, i.e. after authfail's
 * COMMIT.  (A database error is answered PAM_AUTH_ERR as well, fail
 * closed; the check below then reports that failure as lost, which is
 * right: no error may happen here.)  The handle comes from the test's own
 * service directory (pam_start_confdir): see tests/run-test for why no
 * pam_wrapper here.
 */
static int
writer_main(int index, int ack)
{
	const char *service_dir = getenv("CRM_TEST_SERVICE_DIR");
	struct pam_conv pc = { NULL, NULL };
	char user[32];

	if (service_dir == NULL)
		return 10;
	user_name(index, user, sizeof(user));
	for (;;) {
		pam_handle_t *pamh = NULL;
		int rc;

		if (pam_start_confdir("crm-burst", user, &pc, service_dir,
				      &pamh) != PAM_SUCCESS)
			return 11;
		pam_set_item(pamh, PAM_RHOST, "192.0.2.7");
		rc = pam_authenticate(pamh, 0);
		pam_end(pamh, rc);
		if (rc != PAM_AUTH_ERR) {
			fprintf(stderr, "writer %d: %s\n", index,
				pam_strerror(NULL, rc));
			return 12;
		}
		if (write(ack, "f", 1) != 1)
			return 13;
	}
}

static void
spawn(struct writer *w, int index)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	w->pid = fork();
	assert_true(w->pid >= 0);
	if (w->pid == 0) {
		close(fds[0]);
		_exit(writer_main(index, fds[1]));
	}
	close(fds[1]);
	/* Read without waiting (drain); at reap, all writers of the pipe
	 * are gone and a read ends at EOF. */
	assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	w->ack = fds[0];
	w->acked_at_spawn = w->acked;
}

/* What w acknowledged so far, without waiting. */
static void
drain(struct writer *w)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(w->ack, buf, sizeof(buf))) > 0)
		w->acked += n;
}

/* Kill (if still running), reap, and count what it acknowledged. */
static int
reap(struct writer *w)
{
	char buf[4096];
	ssize_t n;
	int status, clean;

	kill(w->pid, SIGKILL);
	assert_int_equal(waitpid(w->pid, &status, 0), w->pid);
	clean = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	if (!clean)
		fprintf(stderr, "writer %d ended by itself: %s %d\n",
			(int)w->pid, WIFEXITED(status) ? "exit" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status)
					  : WTERMSIG(status));
	while ((n = read(w->ack, buf, sizeof(buf))) > 0)
		w->acked += n;
	assert_int_equal(n, 0);
	close(w->ack);
	return clean;
}

static long
wal_frames(void)
{
	char wal[PATH_MAX + 8];
	struct stat st;

	snprintf(wal, sizeof(wal), "%s-wal", fx.db);
	if (stat(wal, &st) != 0 || st.st_size < 32)
		return 0;
	return (long)((st.st_size - 32) / WAL_FRAME);
}

static long
count_rows(sqlite3 *db, const char *sql, const char *user)
{
	sqlite3_stmt *st = NULL;
	long n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
			 SQLITE_OK);
	if (user != NULL)
		sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
kill_writers_at_random(const char *mode, struct writer *w,
		       unsigned int *seed)
{
	long kills = 0, in_checkpoint = 0, unclean = 0;
	/* Under valgrind a writer takes longer to start than a pause lasts:
	 * killed before its first commit every time, it would test nothing.
	 * There a writer is killed only once it has committed, still at a
	 * random moment of its later work. */
	int slow = getenv("CRM_TEST_VALGRIND") != NULL;
	double end;
	int i;

	for (i = 0; i < WRITERS; i++)
		spawn(&w[i], i);
	end = now_ms() + PHASE_MS;
	while (now_ms() < end) {
		usleep((useconds_t)(rand_r(seed) % MAX_PAUSE_US));
		i = (int)(rand_r(seed) % WRITERS);
		if (slow) {
			drain(&w[i]);
			if (w[i].acked == w[i].acked_at_spawn)
				continue;
		}
		/* 64 frames or more: a commit has a checkpoint to run, or
		 * one is running and has not yet truncated the WAL. */
		if (wal_frames() >= 64)
			in_checkpoint++;
		unclean += !reap(&w[i]);
		kills++;
		spawn(&w[i], i);
	}
	for (i = 0; i < WRITERS; i++)
		unclean += !reap(&w[i]);
	fprintf(stderr, "# durability=%s: %ld kills, %ld with a checkpoint "
		"due or running\n", mode, kills, in_checkpoint);
	assert_int_equal(unclean, 0);
	/* Natively ~200-500. */
	assert_true(kills >= (slow ? 3 : 20));
}

static void
killed_writers_lose_no_committed_failure(void **state)
{
	struct writer w[WRITERS];
	unsigned int seed = (unsigned int)getpid() ^ (unsigned int)time(NULL);
	char user[32], out[4096];
	long total = 0;
	sqlite3 *db;
	int i;

	fx_setup(&fx, CONF_LOCKOUT);
	memset(w, 0, sizeof(w));
	for (i = 0; i < WRITERS; i++) {
		user_name(i, user, sizeof(user));
		fx_user_add(&fx, user, PASSWORD);
	}
	fprintf(stderr, "# seed %u\n", seed);
	kill_writers_at_random("normal", w, &seed);
	fx_write_conf(&fx, "durability = full\n" CONF_LOCKOUT);
	kill_writers_at_random("full", w, &seed);

	assert_int_equal(sqlite3_open_v2(fx.db, &db, SQLITE_OPEN_READONLY,
					 NULL), SQLITE_OK);
	for (i = 0; i < WRITERS; i++) {
		long rows, audit;

		user_name(i, user, sizeof(user));
		rows = count_rows(db, "SELECT count(*) FROM failures"
				  " WHERE user = ?1", user);
		audit = count_rows(db, "SELECT count(*) FROM audit"
				   " WHERE user = ?1 AND event = 'auth_fail'",
				   user);
		fprintf(stderr, "# %s: %ld acknowledged, %ld failures, "
			"%ld audit rows\n", user, w[i].acked, rows, audit);
		/* More is fine (killed after COMMIT, before the byte). */
		assert_true(rows >= w[i].acked);
		/* The failure and its audit row commit together. */
		assert_int_equal(audit, rows);
		total += w[i].acked;
	}
	assert_true(total > 0);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM"
				    " pragma_integrity_check"
				    " WHERE integrity_check <> 'ok'", NULL), 0);
	sqlite3_close(db);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "audit",
				    "verify", NULL), 0);
	fx_teardown(&fx);
}

/* Answers every prompt with PASSWORD. */
static int
answer_password(int n, const struct pam_message **msg,
		struct pam_response **resp, void *arg)
{
	struct pam_response *r = calloc((size_t)n, sizeof(*r));
	int i;

	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		r[i].resp = strdup(PASSWORD);
		if (r[i].resp == NULL) {
			while (i-- > 0)
				free(r[i].resp);
			free(r);
			return PAM_BUF_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

/* The right password through pam.d/crm, on a handle of the test's own
 * service directory. */
static int
right_password_login(void)
{
	const char *service_dir = getenv("CRM_TEST_SERVICE_DIR");
	struct pam_conv pc = { answer_password, NULL };
	pam_handle_t *pamh = NULL;
	int rc;

	assert_non_null(service_dir);
	assert_int_equal(pam_start_confdir("crm", "crash0", &pc, service_dir,
					   &pamh), PAM_SUCCESS);
	rc = pam_authenticate(pamh, 0);
	pam_end(pamh, rc);
	return rc;
}

/* durability= is an option of its own, not an unknown name that would
 * be logged and ignored: a value other than normal or full fails closed. */
static void
durability_is_normal_or_full(void **state)
{
	fx_setup(&fx, NULL);
	fx_user_add(&fx, "crash0", PASSWORD);
	fx_write_conf(&fx, "durability = normal\n");
	assert_int_equal(right_password_login(), PAM_SUCCESS);
	fx_write_conf(&fx, "durability = full\n");
	assert_int_equal(right_password_login(), PAM_SUCCESS);
	fx_write_conf(&fx, "durability = sometimes\n");
	assert_int_not_equal(right_password_login(), PAM_SUCCESS);
	fx_teardown(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(durability_is_normal_or_full),
		cmocka_unit_test(killed_writers_lose_no_committed_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
