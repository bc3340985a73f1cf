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

/* One worker: ATTEMPTS failed logins; the exit code counts surprises. */
static int
worker(void)
{
	struct pam_conv pc = { NULL, NULL };
	int i, surprises = 0;

	for (i = 0; i < ATTEMPTS; i++) {
		pam_handle_t *pamh = NULL;
		int rc;

		if (pam_start("crm-burst", "alice", &pc, &pamh) != PAM_SUCCESS)
			return 100;
		pam_set_item(pamh, PAM_RHOST, "198.51.100.9");
		rc = pam_authenticate(pamh, 0);
		if (rc != PAM_AUTH_ERR)
			surprises++;
		pam_end(pamh, rc);
	}
	return surprises;
}

static void
parallel_failures_are_counted_exactly(void **state)
{
	pid_t pids[PROCESSES];
	char out[4096];
	int i, status, surprises = 0;

	/* deny high enough never to lock.  The test is about counting, so
	 * the busy timeout is generous enough for valgrind's pace too (at
	 * native speed the default 2000 ms passes as well); a login that
	 * times out is refused, but its failure would go uncounted. */
	fx_setup(&fx, "busy_timeout_ms = 60000\n"
		 "[lockout]\nnodelay = yes\ndeny = 1000000\n");
	fx_user_add(&fx, "alice", "alice-Correct-Horse-1");

	for (i = 0; i < PROCESSES; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(worker());	/* _exit: pam_wrapper's files
						 * belong to the parent */
	}
	for (i = 0; i < PROCESSES; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
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
