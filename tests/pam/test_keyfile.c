/*
 * test_keyfile.c - a key file that is no regular file (a FIFO) is refused
 * at once instead of hanging every login and every crmauth.
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
	fprintf(fp, "#!/bin/sh\nexec timeout %d '%s' \"$@\"\n",
		PROMPT_SECONDS, fx.crmauth);
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
		T(fifo_key_file_fails_at_once),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
