/*
 * test_crash.c - a process killed at any point loses no committed
 * failure: writers record failures as pam_crm_lockout authfail does
 * (open, decide, close, once per failure), a parent kills them with
 * SIGKILL at random moments, and afterwards every failure a writer had
 * seen committed is in the database, each with its audit row, the audit
 * chain verifies and SQLite finds the file intact.
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
#include <sqlite3.h>

#include "core/context.h"
#include "decide/lockout.h"
#include "fixture.h"

#define WRITERS 2		/* leaves a core to timing tests under -j2 */
#define PHASE_MS 4000		/* per durability mode */
#define MAX_PAUSE_US 12000	/* between two kills */
/* SQLite WAL frame: 24-byte header and a 4096-byte page. */
#define WAL_FRAME (24 + 4096)

static struct fixture fx;

struct writer {
	pid_t pid;
	int ack;		/* read end: one byte per committed failure */
	long acked;
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

/* A writer: failures of its own user until killed.  A byte goes to the
 * parent only once crm_lockout_decide has returned, i.e. after COMMIT. */
static int
writer_main(int index, int ack)
{
	char user[32], conf_arg[PATH_MAX + 8], err[2 * PATH_MAX];
	const char *argv[] = { conf_arg, "deny=1000000", "nodelay" };
	struct crm_lockout_opts opts;
	struct crm_request req = { "crash", NULL, NULL, "192.0.2.7", NULL };
	struct crm_outcome out;
	struct crm_ctx *ctx;

	user_name(index, user, sizeof(user));
	req.user = user;
	snprintf(conf_arg, sizeof(conf_arg), "conf=%s", fx.conf);
	crm_lockout_defaults(&opts);
	if (crm_lockout_load(&opts, 3, argv, NULL) != CRM_OK)
		return 10;
	for (;;) {
		if (crm_ctx_open(&opts.common, NULL, &ctx, err,
				 sizeof(err)) != CRM_OK) {
			fprintf(stderr, "writer %d: %s\n", index, err);
			return 11;
		}
		if (crm_lockout_decide(ctx, &opts, CRM_LOCKOUT_AUTHFAIL, &req,
				       &out) != CRM_OK) {
			fprintf(stderr, "writer %d: %s\n", index, out.detail);
			return 12;
		}
		if (write(ack, "f", 1) != 1)
			return 13;
		crm_ctx_close(ctx);
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
	w->ack = fds[0];
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
	double end;
	int i;

	for (i = 0; i < WRITERS; i++)
		spawn(&w[i], i);
	end = now_ms() + PHASE_MS;
	while (now_ms() < end) {
		usleep((useconds_t)(rand_r(seed) % MAX_PAUSE_US));
		i = (int)(rand_r(seed) % WRITERS);
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
	assert_true(kills >= 20);	/* valgrind is slow; natively ~200-500 */
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

	fx_setup(&fx, NULL);
	memset(w, 0, sizeof(w));
	for (i = 0; i < WRITERS; i++) {
		user_name(i, user, sizeof(user));
		fx_user_add(&fx, user, "crash-Correct-Horse-1");
	}
	fprintf(stderr, "# seed %u\n", seed);
	kill_writers_at_random("normal", w, &seed);
	fx_write_conf(&fx, "durability = full\n");
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

/* durability= is an option of its own, not an unknown name that would
 * be logged and ignored: a value other than normal or full fails closed. */
static void
durability_is_normal_or_full(void **state)
{
	static const char *const values[] = { "normal", "full", "sometimes" };
	char conf_arg[PATH_MAX + 8], extra[64];
	const char *argv[] = { conf_arg };
	struct crm_lockout_opts opts;
	size_t i;

	fx_setup(&fx, NULL);
	snprintf(conf_arg, sizeof(conf_arg), "conf=%s", fx.conf);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(extra, sizeof(extra), "durability = %s\n", values[i]);
		fx_write_conf(&fx, extra);
		crm_lockout_defaults(&opts);
		assert_int_equal(crm_lockout_load(&opts, 1, argv, NULL),
				 i < 2 ? CRM_OK : CRM_INVALID);
		if (i < 2)
			assert_int_equal(opts.common.durability,
					 i == 0 ? CRM_DURABILITY_NORMAL
						: CRM_DURABILITY_FULL);
		crm_lockout_free(&opts);
	}
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
