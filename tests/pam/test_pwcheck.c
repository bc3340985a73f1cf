/*
 * test_pwcheck.c - crmauth passwd check, as an administrator uses it:
 * "ok" and exit 0 for a strong password, every reason and exit 1 for a
 * weak one, the same as JSON, the user's name and department checked
 * when USER is given, [passwd.role.admin] minlen = 16 for an admin (and
 * the strictest value for a user with several roles), a breached list
 * that cannot be read refusing, usage errors exit 2, and nothing stored
 * or audited.  crmauth user passwd under the same policy and history:
 * a refusal changes no hash and is audited, --force sets it and says
 * so in one password_changed row, --expire and user expire make the
 * next login through "crm" end in PAM_NEW_AUTHTOK_REQD.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "fixture.h"

#define STRONG "Xk9#mQ2$vL7@pq"		/* 14 characters */
#define PW "Pass-word-1234"

static struct fixture fx;
static char dict[1200];

#define CA(...) fx_crmauth(&fx, NULL, NULL, 0, __VA_ARGS__, NULL)

static void
conf_with(const char *extra)
{
	char conf[8192];

	assert_true(snprintf(conf, sizeof(conf), "[passwd]\ndictpath = %s\n%s",
			     dict, extra != NULL ? extra : "") <
		    (int)sizeof(conf));
	fx_write_conf(&fx, conf);
}

static int
setup(void **state)
{
	char cmd[2048];

	(void)state;
	fx_setup(&fx, NULL);
	snprintf(dict, sizeof(dict), "%s/dict", fx.work);
	snprintf(cmd, sizeof(cmd),
		 "printf 'monkey\\npassword\\nsunshine\\n' | %s %s >/dev/null",
		 CRACKLIB_PACKER, dict);
	assert_int_equal(system(cmd), 0);
	conf_with("[passwd.role.admin]\nminlen = 16\n"
		  "[passwd.role.ops]\nminlen = 14\nmaxrepeat = 2\n");
	assert_int_equal(CA("dept", "add", "sales"), 0);
	assert_int_equal(CA("role", "add", "admin", "--scope", "company"), 0);
	assert_int_equal(CA("role", "add", "ops", "--scope", "own"), 0);
	assert_int_equal(fx_crmauth(&fx, PW "\n", NULL, 0, "user", "add",
				    "bob", "--dept", "sales",
				    "--password-stdin", NULL), 0);
	assert_int_equal(fx_crmauth(&fx, PW "\n", NULL, 0, "user", "add",
				    "ada", "--role", "admin",
				    "--password-stdin", NULL), 0);
	assert_int_equal(fx_crmauth(&fx, PW "\n", NULL, 0, "user", "add",
				    "max", "--role", "admin", "--role", "ops",
				    "--password-stdin", NULL), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fx_teardown(&fx);
	return 0;
}

/* crmauth passwd check [USER] --stdin with pw; its output into out. */
static int
pwcheck(const char *user, const char *pw, int json, char *out, size_t len)
{
	char in[256];

	snprintf(in, sizeof(in), "%s\n", pw);
	if (json)
		return user != NULL ?
		       fx_crmauth(&fx, in, out, len, "--json", "passwd",
				  "check", user, "--stdin", NULL) :
		       fx_crmauth(&fx, in, out, len, "--json", "passwd",
				  "check", "--stdin", NULL);
	return user != NULL ?
	       fx_crmauth(&fx, in, out, len, "passwd", "check", user,
			  "--stdin", NULL) :
	       fx_crmauth(&fx, in, out, len, "passwd", "check", "--stdin",
			  NULL);
}

static void
strong_ok_weak_every_reason(void **state)
{
	char out[4096];
	long rows = fx_audit_count(&fx, NULL, NULL);

	(void)state;
	assert_int_equal(pwcheck(NULL, STRONG, 0, out, sizeof(out)), 0);
	assert_string_equal(out, "ok\n");
	assert_int_equal(pwcheck(NULL, "sunshine", 0, out, sizeof(out)), 1);
	assert_string_equal(out,
		"The password is shorter than 12 characters\n"
		"The password has too few kinds of characters (needs 3 of: "
		"lower case, upper case, digits, others)\n"
		"The password is based on a dictionary word\n");
	assert_int_equal(pwcheck(NULL, "Abcdefgh1111", 0, out, sizeof(out)),
			 1);
	assert_non_null(strstr(out, "The password has more than 3 same "
			       "characters in a row\n"));
	assert_non_null(strstr(out, "The password contains a sequence longer "
			       "than 4 characters, such as abcde or 12345\n"));
	/* Nothing stored, nothing audited. */
	assert_int_equal(fx_audit_count(&fx, NULL, NULL), rows);
}

static void
json_lists_class_and_message(void **state)
{
	char out[4096];
	json_object *root, *ok, *reasons, *item, *cls, *msg;

	(void)state;
	assert_int_equal(pwcheck(NULL, "sunshine", 1, out, sizeof(out)), 1);
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "ok", &ok));
	assert_false(json_object_get_boolean(ok));
	assert_true(json_object_object_get_ex(root, "reasons", &reasons));
	assert_int_equal(json_object_array_length(reasons), 3);
	item = json_object_array_get_idx(reasons, 0);
	assert_true(json_object_object_get_ex(item, "class", &cls));
	assert_true(json_object_object_get_ex(item, "message", &msg));
	assert_string_equal(json_object_get_string(cls), "minlen");
	assert_string_equal(json_object_get_string(msg),
			    "The password is shorter than 12 characters");
	item = json_object_array_get_idx(reasons, 2);
	assert_true(json_object_object_get_ex(item, "class", &cls));
	assert_string_equal(json_object_get_string(cls), "dictcheck");
	json_object_put(root);

	assert_int_equal(pwcheck(NULL, STRONG, 1, out, sizeof(out)), 0);
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "ok", &ok));
	assert_true(json_object_get_boolean(ok));
	assert_true(json_object_object_get_ex(root, "reasons", &reasons));
	assert_int_equal(json_object_array_length(reasons), 0);
	json_object_put(root);
}

static void
user_name_and_department(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(pwcheck("bob", "x9#Bob-Selas-Q", 0, out,
				 sizeof(out)), 1);
	assert_string_equal(out, "The password contains the user name\n"
			    "The password contains the department name\n");
	/* Without USER the names are not known, and the password passes. */
	assert_int_equal(pwcheck(NULL, "x9#Bob-Selas-Q", 0, out, sizeof(out)),
			 0);
	/* A name the database does not know is checked by the name. */
	assert_int_equal(pwcheck("nobody", "x9#NOBODY-Q!pq", 0, out,
				 sizeof(out)), 1);
	assert_string_equal(out, "The password contains the user name\n");
}

static void
role_override_and_strictest_of_several(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(pwcheck("bob", STRONG, 0, out, sizeof(out)), 0);
	assert_int_equal(pwcheck("ada", STRONG, 0, out, sizeof(out)), 1);
	assert_string_equal(out, "The password is shorter than 16 "
			    "characters\n");
	assert_int_equal(pwcheck("ada", STRONG "zq", 0, out, sizeof(out)), 0);
	/* admin (minlen 16) and ops (minlen 14, maxrepeat 2): both the
	 * larger minlen and the smaller maxrepeat. */
	assert_int_equal(pwcheck("max", "Xk9#mQ2$vL7@pqqq", 0, out,
				 sizeof(out)), 1);
	assert_string_equal(out, "The password has more than 2 same "
			    "characters in a row\n");
	assert_int_equal(pwcheck("max", STRONG "zq", 0, out, sizeof(out)), 0);
	assert_int_equal(pwcheck("max", STRONG "z", 0, out, sizeof(out)), 1);
	assert_string_equal(out, "The password is shorter than 16 "
			    "characters\n");
}

static void
unreadable_breached_list_refuses(void **state)
{
	char out[4096], err[4096], conf[PATH_MAX + 64];
	int rc;

	(void)state;
	assert_true(snprintf(conf, sizeof(conf), "breached = %s/no-such-list\n",
			     fx.work) < (int)sizeof(conf));
	conf_with(conf);
	rc = fx_crmauth_err(&fx, STRONG "\n", out, sizeof(out), err,
			    sizeof(err), "passwd", "check", "--stdin", NULL);
	assert_int_equal(rc, 1);
	assert_string_equal(out, "The password could not be checked: the "
			    "list of breached passwords cannot be read\n");
	assert_non_null(strstr(err, "no-such-list"));
}

static void
usage_errors_exit_2(void **state)
{
	(void)state;
	assert_int_equal(fx_crmauth(&fx, STRONG "\n", NULL, 0, "passwd",
				    "check", "bob", "ada", "--stdin", NULL),
			 2);
	assert_int_equal(fx_crmauth(&fx, "\n", NULL, 0, "passwd", "check",
				    "--stdin", NULL), 2);
	assert_int_equal(CA("passwd", "frobnicate"), 2);
}

/* crmauth user passwd bob with pw on stdin and extra options. */
static int
set_password(const char *pw, const char *opt1, const char *opt2, char *err,
	     size_t errlen)
{
	char in[256];

	snprintf(in, sizeof(in), "%s\n", pw);
	return fx_crmauth_err(&fx, in, NULL, 0, err, errlen, "user", "passwd",
			      "bob", "--stdin", opt1, opt2, NULL);
}

/* The stored hash of user, as the sqlite3 shell prints it. */
static void
stored_hash(const char *user, char *out, size_t len)
{
	char query[256];

	snprintf(query, sizeof(query), "SELECT password_hash FROM users "
		 "WHERE name = '%s';", user);
	assert_int_equal(fx_sql_text(&fx, query, out, len), 0);
	assert_int_not_equal(out[0], '\0');
}

static int
login_auth(const char *user, const char *pw)
{
	struct login l;

	fx_login("crm", user, pw, NULL, &l);
	return l.auth_rc;
}

/* An administrator is held to the policy and the history too, unless
 * --force, which the audit row says. */
static void
user_passwd_applies_the_policy(void **state)
{
	char err[4096], out[65536], before[256], after[256];

	(void)state;
	stored_hash("bob", before, sizeof(before));
	assert_int_equal(set_password("bob-short", NULL, NULL, err,
				      sizeof(err)), 1);
	assert_non_null(strstr(err, "crmauth: user bob: The password is "
			       "shorter than 12 characters\n"));
	assert_non_null(strstr(err, "crmauth: user bob: The password "
			       "contains the user name\n"));
	stored_hash("bob", after, sizeof(after));
	assert_string_equal(after, before);
	assert_int_equal(login_auth("bob", PW), PAM_SUCCESS);
	assert_int_equal(fx_audit_count(&fx, "bob", "password_rejected"), 1);
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM audit WHERE user = 'bob' "
				 "AND event = 'password_rejected' AND detail "
				 "LIKE 'reason=minlen%usercheck%'"));
	assert_int_equal(fx_audit_count(&fx, "bob", "password_changed"), 0);

	assert_int_equal(fx_crmauth(&fx, STRONG "\n", out, sizeof(out),
				    "--json", "user", "passwd", "bob",
				    "--stdin", NULL), 0);
	assert_non_null(strstr(out, "\"password_changed\""));
	stored_hash("bob", after, sizeof(after));
	assert_string_not_equal(after, before);
	assert_int_equal(login_auth("bob", STRONG), PAM_SUCCESS);
	assert_int_equal(login_auth("bob", PW), PAM_AUTH_ERR);
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM audit WHERE user = 'bob' "
				 "AND event = 'password_changed' AND detail = "
				 "'set by an administrator' AND ruser IS NOT "
				 "NULL"));
	/* One row for one change, and the one an auditor looks for. */
	assert_int_equal(fx_audit_count(&fx, "bob", "password_changed"), 1);
	assert_int_equal(fx_audit_count(&fx, "bob", "admin:user passwd"), 0);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "audit",
				    "--event", "password_changed", NULL), 0);
	assert_non_null(strstr(out, "set by an administrator"));
	assert_non_null(strstr(out, "bob"));
	/* Reuse: the current one, and the one before it. */
	assert_int_equal(set_password(STRONG, NULL, NULL, err, sizeof(err)),
			 1);
	assert_non_null(strstr(err, "The password was used before"));
	assert_int_equal(set_password(PW, NULL, NULL, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "The password was used before"));
	assert_int_equal(login_auth("bob", STRONG), PAM_SUCCESS);
	/* --force takes a used one too, and says so. */
	assert_int_equal(set_password(PW, "--force", NULL, err, sizeof(err)),
			 0);
	assert_non_null(strstr(err, "warning: The password was used before"));
	assert_int_equal(login_auth("bob", PW), PAM_SUCCESS);
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM audit WHERE user = 'bob' "
				 "AND event = 'password_changed' AND detail = "
				 "'weak, accepted by an administrator: "
				 "reason=history'"));

	assert_int_equal(set_password("bob-short", "--force", NULL, err,
				      sizeof(err)), 0);
	assert_non_null(strstr(err, "warning: The password is shorter"));
	assert_int_equal(login_auth("bob", "bob-short"), PAM_SUCCESS);
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM audit WHERE user = 'bob' "
				 "AND event = 'password_changed' AND detail "
				 "LIKE 'weak, accepted by an administrator: "
				 "reason=minlen%usercheck%'"));
	assert_int_equal(CA("user", "passwd", "nobody-here", "--stdin"), 1);
}

/* --expire and user expire: the next login must change the password. */
static void
expire_forces_a_change(void **state)
{
	struct login l;
	char err[4096], out[65536];

	(void)state;
	assert_int_equal(set_password(STRONG, "--expire", NULL, err,
				      sizeof(err)), 0);
	fx_login("crm", "bob", STRONG, NULL, &l);
	assert_int_equal(l.acct_rc, PAM_NEW_AUTHTOK_REQD);
	assert_string_equal(fx_env_get(&l, "CRM_STATUS"), "expired");

	fx_login("crm", "ada", PW, NULL, &l);
	assert_int_equal(l.acct_rc, PAM_SUCCESS);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "user",
				    "show", "ada", NULL), 0);
	assert_null(strstr(out, "must be changed"));
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "user",
				    "expire", "ada", NULL), 0);
	assert_string_equal(out, "user ada must change the password at the "
			    "next login\n");
	fx_login("crm", "ada", PW, NULL, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(l.acct_rc, PAM_NEW_AUTHTOK_REQD);
	assert_string_equal(fx_env_get(&l, "CRM_STATUS"), "expired");
	assert_int_equal(fx_audit_count(&fx, "ada", "admin:user expire"), 1);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "user",
				    "show", "ada", NULL), 0);
	assert_non_null(strstr(out, "password:          set, must be "
			       "changed\n"));
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "user", "show", "ada", NULL), 0);
	assert_non_null(strstr(out, "\"must_change\": true"));
	assert_int_equal(CA("user", "expire", "nobody-here"), 1);
}

/* [passwd] store = next is for a PAM stack with pam_unix after the
 * module; the tool has none, and sets the account's hash all the same. */
static void
user_passwd_stores_whatever_the_stack_store(void **state)
{
	char err[4096];

	(void)state;
	conf_with("store = next\n");
	assert_int_equal(set_password(STRONG, NULL, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(login_auth("bob", STRONG), PAM_SUCCESS);
	assert_int_equal(login_auth("bob", PW), PAM_AUTH_ERR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(strong_ok_weak_every_reason,
						setup, teardown),
		cmocka_unit_test_setup_teardown(json_lists_class_and_message,
						setup, teardown),
		cmocka_unit_test_setup_teardown(user_name_and_department,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			role_override_and_strictest_of_several, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			unreadable_breached_list_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(usage_errors_exit_2, setup,
						teardown),
		cmocka_unit_test_setup_teardown(user_passwd_applies_the_policy,
						setup, teardown),
		cmocka_unit_test_setup_teardown(expire_forces_a_change, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			user_passwd_stores_whatever_the_stack_store, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
