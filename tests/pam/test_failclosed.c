/*
 * test_failclosed.c - every error on the way to a yes is a no, and the
 * reason is logged: missing, unreadable, corrupt or locked database, an
 * unsafe key file, a malformed configuration.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/capability.h>
#include <security/pam_appl.h>
#include <sqlite3.h>

#include "fixture.h"

#define PASSWORD "alice-Correct-Horse-1"

static struct fixture fx;

static int
setup(void **state)
{
	fx_setup(&fx, "busy_timeout_ms = 300\n[lockout]\nnodelay = yes\n");
	fx_user_add(&fx, "alice", PASSWORD);
	return 0;
}

static int
teardown(void **state)
{
	chmod(fx.db, 0600);
	chmod(fx.key, 0600);
	fx_teardown(&fx);
	return 0;
}

/* The right password is refused, and the log says why. */
static void
right_password_refused_because(const char *reason)
{
	struct login l;
	char logged[65536];

	fx_log_begin(&fx);
	fx_login("crm", "alice", PASSWORD, NULL, &l);
	fx_log_end(&fx, logged, sizeof(logged));
	assert_int_not_equal(l.auth_rc, PAM_SUCCESS);
	if (strstr(logged, reason) == NULL)
		fail_msg("log does not say \"%s\":\n%s", reason, logged);
}

static void
the_stack_works_before_anything_breaks(void **state)
{
	struct login l;

	fx_login("crm", "alice", PASSWORD, NULL, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(l.acct_rc, PAM_SUCCESS);
}

static void
missing_database(void **state)
{
	char moved[4200];

	snprintf(moved, sizeof(moved), "%s.moved", fx.db);
	assert_int_equal(rename(fx.db, moved), 0);
	right_password_refused_because("unable to open database file");
	assert_int_equal(rename(moved, fx.db), 0);
}

static void
corrupt_database(void **state)
{
	FILE *fp;
	int i;

	/* The last commits live in crm.db-wal, which the modules keep:
	 * move them into crm.db first, so that the damage is to what
	 * SQLite reads. */
	assert_int_equal(fx_sql(&fx, "PRAGMA wal_checkpoint(TRUNCATE);"), 0);
	fp = fopen(fx.db, "r+");
	assert_non_null(fp);
	for (i = 0; i < 4096; i++)
		fputc((i * 7919) & 0xff, fp);
	fclose(fp);
	right_password_refused_because("file is not a database");
}

/* Root reads any file: drop the capabilities that let it, as a service
 * account would lack them. */
static void
drop_dac_override(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (geteuid() != 0)
		return;
	assert_int_equal(syscall(SYS_capget, &hdr, data), 0);
	data[0].effective &= ~((1u << CAP_DAC_OVERRIDE) |
			       (1u << CAP_DAC_READ_SEARCH));
	assert_int_equal(syscall(SYS_capset, &hdr, data), 0);
}

static void
unreadable_database(void **state)
{
	pid_t pid;
	int status;

	/* The process's own permission: crm-authd (make check-broker)
	 * reads the file whatever this process may. */
	if (getenv("CRM_TEST_BROKER_SOCKET") != NULL)
		skip();

	assert_int_equal(chmod(fx.db, 0000), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct login l;
		char logged[65536];

		drop_dac_override();
		fx_log_begin(&fx);
		fx_login("crm", "alice", PASSWORD, NULL, &l);
		fx_log_end(&fx, logged, sizeof(logged));
		_exit(l.auth_rc == PAM_SUCCESS ? 1 :
		      strstr(logged, "unable to open database") == NULL ? 2 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
database_held_locked_past_the_timeout(void **state)
{
	int ready[2], release[2], status;
	char byte = 0;
	pid_t pid;
	struct login l;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(release), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sqlite3 *db;

		if (sqlite3_open(fx.db, &db) != SQLITE_OK ||
		    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL)
		    != SQLITE_OK)
			_exit(1);
		if (write(ready[1], "x", 1) != 1 ||
		    read(release[0], &byte, 1) != 1)
			_exit(1);
		sqlite3_close(db);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &byte, 1), 1);
	right_password_refused_because("database is locked");
	/* A wrong password cannot be counted either: still a no. */
	fx_login("crm", "alice", "wrong", NULL, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);

	assert_int_equal(write(release[1], "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	fx_login("crm", "alice", PASSWORD, NULL, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
}

static void
key_file_readable_by_others(void **state)
{
	assert_int_equal(chmod(fx.key, 0644), 0);
	right_password_refused_because("mode 0644 gives access to group or others");
}

static void
malformed_configuration(void **state)
{
	fx_write_conf(&fx, "[lockout]\ndeny = five\n");
	right_password_refused_because("deny = five: invalid value");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(the_stack_works_before_anything_breaks),
		T(missing_database),
		T(corrupt_database),
		T(unreadable_database),
		T(database_held_locked_past_the_timeout),
		T(key_file_readable_by_others),
		T(malformed_configuration),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
