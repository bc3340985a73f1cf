/*
 * test_text.c - bytes from outside never reach a terminal or a JSON
 * reader raw: a PAM user name that is not valid UTF-8, or holds a C1
 * control, is refused before any row is written; and rows that hold such
 * bytes anyway (written with the sqlite3 tool) come out of crmauth as
 * valid JSON and as text without control characters.
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
#include <json.h>
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

/*
 * NULL when text is valid UTF-8 without controls (C0 but newline, DEL,
 * C1), else what is wrong and where.  Written here from RFC 3629 rather
 * than taken from lib/, so that the check does not share a bug with what
 * it checks.
 */
static const char *
unclean(const char *text, char *why, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, n, k;
	uint32_t cp, min;

	while (p[i] != '\0') {
		if (p[i] < 0x80) {
			if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f)
				goto bad;
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 2; cp = p[i] & 0x1f; min = 0x80;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			n = 3; cp = p[i] & 0x0f; min = 0x800;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 4; cp = p[i] & 0x07; min = 0x10000;
		} else {
			goto bad;
		}
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp <= 0x9f))
			goto bad;
		i += n;
	}
	return NULL;
bad:
	snprintf(why, len, "byte 0x%02x at offset %zu", p[i], i);
	return why;
}

static void
assert_clean(const char *what, const char *text)
{
	char why[64];

	if (unclean(text, why, sizeof(why)) != NULL)
		fail_msg("%s: %s in:\n%s", what, why, text);
}

/* Parse as a strict reader would: UTF-8 checked. */
static void
assert_valid_json(const char *what, const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;

	assert_non_null(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, text, (int)strlen(text));
	if (root == NULL)
		fail_msg("%s: not valid JSON (%s):\n%s", what,
			 json_tokener_error_desc(json_tokener_get_error(tok)),
			 text);
	json_object_put(root);
	json_tokener_free(tok);
	assert_clean(what, text);
}

/* An audit row, failures and an address failure whose strings hold
 * invalid UTF-8, an overlong encoding, C1 controls and terminal escapes. */
static void
insert_hostile_rows(void)
{
	assert_int_equal(fx_sql(&fx,
		"INSERT INTO audit (time, service, user, ruser, rhost, tty,"
		" module, event, result, detail, mac) VALUES ("
		" CAST(strftime('%s', 'now') AS INTEGER) * 1000,"
		" 'crm', CAST(X'FFFE61' AS TEXT), CAST(X'C0AF' AS TEXT),"
		" CAST(X'3130C2852E31' AS TEXT), CAST(X'7474799B' AS TEXT),"
		" 'pam_crm_passwd', 'auth_fail', 'fail',"
		" CAST(X'1B5B324A7F09C080EDA080F4908080E282' AS TEXT),"
		" zeroblob(32));"
		"INSERT INTO failures (user, time, rhost, service) VALUES ("
		" CAST(X'FFFE62' AS TEXT),"
		" CAST(strftime('%s', 'now') AS INTEGER) * 1000,"
		" CAST(X'C28D1B5D303B' AS TEXT), 'crm');"
		"INSERT INTO rhost_failures (rhost, time) VALUES ("
		" CAST(X'3139322EC0AE' AS TEXT),"
		" CAST(strftime('%s', 'now') AS INTEGER) * 1000);"), 0);
}

static void
json_listings_of_hostile_rows_are_valid(void **state)
{
	static char out[1 << 20];

	insert_hostile_rows();
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "audit", NULL), 0);
	assert_valid_json("crmauth --json audit", out);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "lockout", "show", NULL), 0);
	assert_valid_json("crmauth --json lockout show", out);
	/* The rows are there, shown, not dropped. */
	assert_non_null(strstr(out, "\\\\xff\\\\xfeb"));
}

static void
text_listings_of_hostile_rows_are_clean(void **state)
{
	static char out[1 << 20];

	insert_hostile_rows();
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "audit",
				    NULL), 0);
	assert_clean("crmauth audit", out);
	assert_non_null(strstr(out, "\\xff\\xfea"));
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "lockout",
				    "show", NULL), 0);
	assert_clean("crmauth lockout show", out);
	assert_non_null(strstr(out, "\\xff\\xfeb"));
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
		T(json_listings_of_hostile_rows_are_valid),
		T(text_listings_of_hostile_rows_are_clean),
		T(login_with_a_name_that_is_not_utf8_is_refused_unrecorded),
		T(login_with_a_utf8_name_still_reaches_the_decision),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
