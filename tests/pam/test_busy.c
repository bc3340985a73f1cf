/*
 * test_busy.c - busy_timeout_ms bounds the wait of a whole login, not of
 * each module: a database held locked by another process is refused
 * once, after about busy_timeout_ms, however many modules of the stack
 * want to write.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>
#include <sqlite3.h>

#include "fixture.h"

#define PASSWORD "alice-Correct-Horse-1"
#define BUDGET_MS 300

static struct fixture fx;

static double
now_ms(void)
{
	struct timespec ts;

	/* run-test keeps libfaketime off CLOCK_MONOTONIC. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
timed_login(const char *password, struct login *l)
{
	double start = now_ms();

	fx_login("crm", "alice", password, NULL, l);
	return now_ms() - start;
}

/*
 * In pam.d/crm a wrong password makes two modules write: pam_crm_passwd
 * (its audit row) and pam_crm_lockout authfail (the failure).  With one
 * deadline per module the client waited 2 x busy_timeout_ms; the budget
 * is the handle's, so the second module gives up at once.
 */
static void
locked_database_refused_within_one_budget(void **state)
{
	int ready[2], release[2], status;
	char byte = 0;
	double unlocked, locked;
	pid_t pid;
	struct login l;

	fx_setup(&fx, "busy_timeout_ms = 300\n[lockout]\nnodelay = yes\n");
	fx_user_add(&fx, "alice", PASSWORD);
	/* The same wrong login on a free database: what is not waiting. */
	unlocked = timed_login("wrong", &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_int_equal(fx_failures(&fx, "alice"), 1);

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(release), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sqlite3 *db;

		if (sqlite3_open(fx.db, &db) != SQLITE_OK ||
		    sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL)
		    != SQLITE_OK)
			_exit(1);
		if (write(ready[1], "x", 1) != 1 ||
		    read(release[0], &byte, 1) != 1)
			_exit(1);
		sqlite3_close(db);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &byte, 1), 1);
	locked = timed_login("wrong", &l);
	assert_int_equal(write(release[1], "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	fprintf(stderr, "# locked: %.0f ms, unlocked: %.0f ms, budget %d ms\n",
		locked, unlocked, BUDGET_MS);
	/* It did wait for the lock (a refusal at once would hide a lost
	 * failure behind a short lock), but once, not once per module. */
	assert_true(locked >= BUDGET_MS);
	assert_true(locked - unlocked < 1.5 * BUDGET_MS);
	/* The failure could not be counted: still one. */
	assert_int_equal(fx_failures(&fx, "alice"), 1);

	/* Released: the next login has its whole budget again. */
	locked = timed_login(PASSWORD, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(l.acct_rc, PAM_SUCCESS);
	fx_teardown(&fx);
	close(ready[0]);
	close(ready[1]);
	close(release[0]);
	close(release[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(locked_database_refused_within_one_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
