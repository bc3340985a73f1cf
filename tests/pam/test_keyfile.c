/*
 * test_keyfile.c - the key file a database was made with, and only that
 * one, is used: another well-formed key is refused (the audit chain and
 * sealed secrets would silently break under it), a database that holds
 * no key check value is refused until "crmauth init" records one, and a
 * key file that is no regular file (a FIFO) is refused at once instead
 * of hanging every login and every crmauth.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "fixture.h"

#define PASSWORD "alice-Correct-Horse-1"

/* Long enough for a loaded machine, far shorter than a hang. */
#define PROMPT_SECONDS 10

static struct fixture fx;

static int
setup(void **state)
{
	fx_setup(&fx, "[lockout]\nnodelay = yes\n");
	fx_user_add(&fx, "alice", PASSWORD);
	return 0;
}

static int
teardown(void **state)
{
	unlink(fx.key);
	fx_teardown(&fx);
	return 0;
}

static void
write_key(const unsigned char bytes[32])
{
	int fd;

	unlink(fx.key);
	fd = open(fx.key, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, 32), 32);
	assert_int_equal(close(fd), 0);
}

/* Put 32 other random bytes, mode 0600, where the key file was: a key
 * that passes every check of the file itself.  The old one goes into
 * saved. */
static void
replace_key_with_another(unsigned char saved[32])
{
	unsigned char bytes[32];
	int fd;

	fd = open(fx.key, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, saved, 32), 32);
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, bytes, sizeof(bytes)), (ssize_t)sizeof(bytes));
	close(fd);
	write_key(bytes);
}

/*
 * Log in with the right password in a child, which the parent kills when
 * it has not answered within PROMPT_SECONDS.  Returns 0 when the login was
 * refused and the log holds reason, 1 when it succeeded, 2 when the log
 * does not say reason, 3 when it hung.
 */
static int
login_refused_promptly(const char *reason)
{
	time_t deadline = time(NULL) + PROMPT_SECONDS;
	int status;
	pid_t pid, done;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct login l;
		char logged[65536];

		fx_log_begin(&fx);
		fx_login("crm", "alice", PASSWORD, NULL, &l);
		fx_log_end(&fx, logged, sizeof(logged));
		if (strstr(logged, reason) == NULL)
			fprintf(stderr, "log does not say \"%s\":\n%s\n",
				reason, logged);
		_exit(l.auth_rc == PAM_SUCCESS ? 1 :
		      strstr(logged, reason) == NULL ? 2 : 0);
	}
	for (;;) {
		done = waitpid(pid, &status, WNOHANG);
		if (done == pid)
			break;
		assert_int_equal(done, 0);
		if (time(NULL) > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 3;
		}
		usleep(20000);
	}
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* crmauth ARGS under timeout(1), its standard error into logged.  Returns
 * its exit status (124 when it hung). */
static int
crmauth_timed(char *logged, size_t len, const char *a1, const char *a2)
{
	char wrapper[sizeof(fx.work) + 16], real[sizeof(fx.crmauth)];
	FILE *fp;
	int rc;

	snprintf(wrapper, sizeof(wrapper), "%s/crmauth-timed", fx.work);
	fp = fopen(wrapper, "w");
	assert_non_null(fp);
	/* Its standard error joins the captured log, which fx_log_end
	 * reads from where fx_log_begin left it. */
	fprintf(fp, "#!/bin/sh\nexec timeout %d '%s' \"$@\" "
		"2>>\"$CRM_TEST_SYSLOG\"\n", PROMPT_SECONDS, fx.crmauth);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(wrapper, 0700), 0);

	memcpy(real, fx.crmauth, sizeof(real));
	snprintf(fx.crmauth, sizeof(fx.crmauth), "%s", wrapper);
	fx_log_begin(&fx);
	rc = fx_crmauth(&fx, NULL, NULL, 0, a1, a2, NULL);
	fx_log_end(&fx, logged, len);
	memcpy(fx.crmauth, real, sizeof(real));
	return rc;
}

static void
the_key_made_with_the_database_works(void **state)
{
	struct login l;

	fx_login("crm", "alice", PASSWORD, NULL, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(l.acct_rc, PAM_SUCCESS);
}

static void
another_key_is_refused_by_logins(void **state)
{
	char reason[PATH_MAX * 2 + 64];
	unsigned char saved[32];
	long rows = fx_audit_count(&fx, NULL, NULL);

	replace_key_with_another(saved);
	snprintf(reason, sizeof(reason),
		 "key file %s does not match database %s", fx.key, fx.db);
	assert_int_equal(login_refused_promptly(reason), 0);
	/* Nothing was chained under the wrong key. */
	write_key(saved);
	assert_int_equal(fx_audit_count(&fx, NULL, NULL), rows);
}

static void
another_key_is_refused_by_crmauth(void **state)
{
	char logged[65536], reason[PATH_MAX * 2 + 64];
	unsigned char saved[32];
	int rc;

	replace_key_with_another(saved);
	snprintf(reason, sizeof(reason),
		 "key file %s does not match database %s", fx.key, fx.db);
	rc = crmauth_timed(logged, sizeof(logged), "lockout", "show");
	assert_int_equal(rc, 2);
	if (strstr(logged, reason) == NULL)
		fail_msg("crmauth does not say \"%s\":\n%s", reason, logged);
	/* init must not paper over it by recording the new key. */
	rc = crmauth_timed(logged, sizeof(logged), "init", NULL);
	assert_int_not_equal(rc, 0);
	if (strstr(logged, reason) == NULL)
		fail_msg("crmauth init does not say \"%s\":\n%s", reason,
			 logged);
}

static void
database_without_key_check_is_refused_until_init(void **state)
{
	struct login l;
	char logged[65536];
	int rc;

	assert_int_equal(fx_sql(&fx, "DELETE FROM meta WHERE name = "
				     "'key_check'"), 0);
	assert_int_equal(login_refused_promptly("crmauth init"), 0);
	rc = crmauth_timed(logged, sizeof(logged), "lockout", "show");
	assert_int_equal(rc, 2);
	if (strstr(logged, "crmauth init") == NULL)
		fail_msg("crmauth does not say to run init:\n%s", logged);

	rc = crmauth_timed(logged, sizeof(logged), "init", NULL);
	assert_int_equal(rc, 0);
	fx_login("crm", "alice", PASSWORD, NULL, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
}

static void
init_records_no_key_check_for_a_trail_under_another_key(void **state)
{
	char logged[65536];
	unsigned char saved[32];
	struct login l;
	int rc;

	assert_int_equal(fx_sql(&fx, "DELETE FROM meta WHERE name = "
				     "'key_check'"), 0);
	replace_key_with_another(saved);
	rc = crmauth_timed(logged, sizeof(logged), "init", NULL);
	assert_int_equal(rc, 2);
	if (strstr(logged, "does not verify under this key") == NULL)
		fail_msg("crmauth init does not refuse the key:\n%s", logged);
	/* Still refused, and the right key still gets its check recorded. */
	assert_int_equal(login_refused_promptly("crmauth init"), 0);
	write_key(saved);
	assert_int_equal(crmauth_timed(logged, sizeof(logged), "init", NULL),
			 0);
	fx_login("crm", "alice", PASSWORD, NULL, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
}

static void
fifo_key_file_fails_at_once(void **state)
{
	char logged[65536];
	int rc;

	assert_int_equal(unlink(fx.key), 0);
	assert_int_equal(mkfifo(fx.key, 0600), 0);
	assert_int_equal(login_refused_promptly(fx.key), 0);

	rc = crmauth_timed(logged, sizeof(logged), "lockout", "show");
	assert_int_not_equal(rc, 124);
	assert_int_equal(rc, 2);
	if (strstr(logged, fx.key) == NULL ||
	    strstr(logged, "not a regular file") == NULL)
		fail_msg("crmauth does not name the key file:\n%s", logged);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(the_key_made_with_the_database_works),
		T(another_key_is_refused_by_logins),
		T(another_key_is_refused_by_crmauth),
		T(database_without_key_check_is_refused_until_init),
		T(init_records_no_key_check_for_a_trail_under_another_key),
		T(fifo_key_file_fails_at_once),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
