/*
 * test_text.c - bytes from outside never reach a terminal or a JSON
 * reader raw: a PAM user name that is not valid UTF-8, or holds a C1
 * control, is refused before any row is written.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "fixture.h"

#define PASSWORD "alice-Correct-Horse-1"

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
	fx_teardown(&fx);
	return 0;
}

static void
login_with_a_name_that_is_not_utf8_is_refused_unrecorded(void **state)
{
	static const char *const names[] = {
		"\xff\xfe",		/* no UTF-8 at all */
		"\xc0\xaf",		/* overlong '/' */
		"a\xed\xa0\x80",	/* a surrogate */
		"\xf4\x90\x80\x80",	/* past U+10FFFF */
		"ab\xe2\x82",		/* truncated */
		"al\xc2\x85ice",	/* C1 control NEL */
		"\xc2\x9b" "31m",	/* C1 CSI */
	};
	struct login l;
	long rows, fails;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rows = fx_audit_count(&fx, NULL, NULL);
		fails = fx_failures(&fx, NULL);
		fx_login("crm", names[i], PASSWORD, NULL, &l);
		if (l.auth_rc != PAM_AUTH_ERR)
			fail_msg("name %zu: pam_authenticate %d, not "
				 "PAM_AUTH_ERR", i, l.auth_rc);
		if (fx_audit_count(&fx, NULL, NULL) != rows)
			fail_msg("name %zu: an audit row was written", i);
		if (fx_failures(&fx, NULL) != fails)
			fail_msg("name %zu: a failure was counted", i);
	}
}

static void
login_with_a_utf8_name_still_reaches_the_decision(void **state)
{
	struct login l;
	long rows = fx_audit_count(&fx, NULL, NULL);

	fx_user_add(&fx, "j\xc3\xbcrgen", PASSWORD);
	rows = fx_audit_count(&fx, NULL, NULL);
	fx_login("crm", "j\xc3\xbcrgen", PASSWORD, NULL, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_true(fx_audit_count(&fx, "j\xc3\xbcrgen", "auth_ok") == 1);
	assert_true(fx_audit_count(&fx, NULL, NULL) > rows);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(login_with_a_name_that_is_not_utf8_is_refused_unrecorded),
		T(login_with_a_utf8_name_still_reaches_the_decision),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
