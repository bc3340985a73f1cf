/*
 * test_concurrency.c - many processes failing at once: every failure is
 * counted (no lost update) and the audit chain stays one chain.
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
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "fixture.h"

#define PROCESSES 32
#define ATTEMPTS 50

static struct fixture fx;

/* One worker: ATTEMPTS failed logins; the exit code counts surprises.
 * The service comes from the test's own directory (pam_start_confdir),
 * as in every PAM-stack test: no per-process set-up that could race. */
static int
worker(const char *service_dir)
{
	struct pam_conv pc = { NULL, NULL };
	int i, surprises = 0;

	for (i = 0; i < ATTEMPTS; i++) {
		pam_handle_t *pamh = NULL;
		int rc;

		if (pam_start_confdir("crm-burst", "alice", &pc, service_dir,
				      &pamh) != PAM_SUCCESS)
			return 100;
		pam_set_item(pamh, PAM_RHOST, "198.51.100.9");
		rc = pam_authenticate(pamh, 0);
		if (rc != PAM_AUTH_ERR) {
			fprintf(stderr, "worker %d: attempt %d: %s\n",
				(int)getpid(), i, pam_strerror(pamh, rc));
			surprises++;
		}
		pam_end(pamh, rc);
	}
	return surprises;
}

static void
parallel_failures_are_counted_exactly(void **state)
{
	const char *service_dir = getenv("CRM_TEST_SERVICE_DIR");
	pid_t pids[PROCESSES];
	char out[4096];
	int i, status, surprises = 0;

	assert_non_null(service_dir);
	/* deny high enough never to lock.  The test is about counting, so
	 * the busy timeout is long enough for valgrind's pace too (natively
	 * the default 2000 ms passes as well); a login that timed out would
	 * be refused, but its failure would go uncounted. */
	fx_setup(&fx, "busy_timeout_ms = 600000\n"
		 "[lockout]\nnodelay = yes\ndeny = 1000000\n");
	fx_user_add(&fx, "alice", "alice-Correct-Horse-1");

	for (i = 0; i < PROCESSES; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(worker(service_dir));
	}
	for (i = 0; i < PROCESSES; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fprintf(stderr, "worker %d: %s %d\n", (int)pids[i],
				WIFEXITED(status) ? "exit" : "signal",
				WIFEXITED(status) ? WEXITSTATUS(status)
						  : WTERMSIG(status));
		assert_true(WIFEXITED(status));
		surprises += WEXITSTATUS(status);
	}
	assert_int_equal(surprises, 0);
	assert_int_equal(fx_failures(&fx, "alice"), PROCESSES * ATTEMPTS);
	assert_int_equal(fx_audit_count(&fx, "alice", "auth_fail"),
			 PROCESSES * ATTEMPTS);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "audit",
				    "verify", NULL), 0);
	fx_teardown(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parallel_failures_are_counted_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
