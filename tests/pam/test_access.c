/*
 * test_access.c - pam_crm_access through real PAM stacks (crm-access:
 * the module first in auth and in account; pam.d/crm-kiosk): network
 * boundaries, IPv4-mapped and host-name addresses, local and tty rules,
 * first match between user and role rules, services, hours (boundaries,
 * across midnight, a day not listed, a DST change, tz=), from/until,
 * default deny and allow, malformed rules refused, an accessfile error
 * failing closed, no prompt before a refusal, the audit rows, and
 * crmauth allow test.
 *
 * The clock of this process (the modules run here) is frozen with
 * libfaketime; rules are added with absolute times.
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <security/pam_appl.h>

#include "fixture.h"

#define PASSWORD "Pass-word-1234"

static struct fixture fx;
static const char base_conf[] = "[lockout]\nnodelay = yes\ndeny = 1000\n";

/* Freeze this process's clock at a UTC wall time "YYYY-MM-DD hh:mm:ss". */
static void
at(const char *utc)
{
	fx_faketime(utc);
}

static int
setup(void **state)
{
	fx_setup(&fx, base_conf);
	/* 2027-01-04 is a Monday. */
	at("2027-01-04 12:00:00");
	return 0;
}

static int
teardown(void **state)
{
	fx_clock_offset(0);
	fx_teardown(&fx);
	return 0;
}

static void
user(const char *name)
{
	fx_user_add(&fx, name, PASSWORD);
}

/* crmauth allow add ARGS...; its exit status. */
#define ALLOW(...) fx_crmauth(&fx, NULL, NULL, 0, "allow", "add", __VA_ARGS__, NULL)

/* A login through service with rhost and tty: the auth result (the
 * account result when auth passed). */
static int
login_from(const char *service, const char *name, const char *rhost,
	   const char *tty, struct login *l)
{
	struct fx_login_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.items.rhost = rhost;
	opts.items.tty = tty;
	opts.default_answer = PASSWORD;
	fx_login_ex(service, name, &opts, l);
	return l->auth_rc == PAM_SUCCESS ? l->acct_rc : l->auth_rc;
}

static int
from(const char *name, const char *rhost)
{
	struct login l;

	return login_from("crm-access", name, rhost, NULL, &l);
}

/* Start each case with no rules. */
static void
clear_rules(void)
{
	assert_int_equal(fx_sql(&fx, "DELETE FROM access_rules; "
				"DELETE FROM access_plens;"), 0);
}

static void
network_boundaries(void **state)
{
	clear_rules();
	user("net");
	assert_int_equal(ALLOW("allow", "user:net", "10.0.0.0/8,192.0.2.6/31,"
			       "198.51.100.7/32,2001:db8:1:2::/64,"
			       "2001:db8::2/127,2001:db8::ff/128"), 0);
	assert_int_equal(from("net", "10.0.0.0"), PAM_SUCCESS);
	assert_int_equal(from("net", "10.255.255.255"), PAM_SUCCESS);
	assert_int_equal(from("net", "11.0.0.0"), PAM_AUTH_ERR);
	assert_int_equal(from("net", "9.255.255.255"), PAM_AUTH_ERR);
	assert_int_equal(from("net", "192.0.2.6"), PAM_SUCCESS);
	assert_int_equal(from("net", "192.0.2.7"), PAM_SUCCESS);
	assert_int_equal(from("net", "192.0.2.8"), PAM_AUTH_ERR);
	assert_int_equal(from("net", "192.0.2.5"), PAM_AUTH_ERR);
	assert_int_equal(from("net", "198.51.100.7"), PAM_SUCCESS);
	assert_int_equal(from("net", "198.51.100.8"), PAM_AUTH_ERR);
	assert_int_equal(from("net", "2001:db8:1:2:ffff:ffff:ffff:ffff"),
			 PAM_SUCCESS);
	assert_int_equal(from("net", "2001:db8:1:3::"), PAM_AUTH_ERR);
	assert_int_equal(from("net", "2001:db8::3"), PAM_SUCCESS);
	assert_int_equal(from("net", "2001:db8::4"), PAM_AUTH_ERR);
	assert_int_equal(from("net", "2001:db8::ff"), PAM_SUCCESS);
	assert_int_equal(from("net", "2001:db8::fe"), PAM_AUTH_ERR);
	/* Any spelling of an address inside: IPv4-mapped, upper case. */
	assert_int_equal(from("net", "::ffff:10.1.2.3"), PAM_SUCCESS);
	assert_int_equal(from("net", "::FFFF:a01:203"), PAM_SUCCESS);
	/* A host name is never in a network, and never resolved. */
	assert_int_equal(from("net", "10.example.com"), PAM_AUTH_ERR);
	assert_int_equal(from("net", "localhost"), PAM_AUTH_ERR);
	/* /0 holds everything of its family. */
	assert_int_equal(ALLOW("allow", "user:net", "0.0.0.0/0"), 0);
	assert_int_equal(from("net", "203.0.113.1"), PAM_SUCCESS);
	assert_int_equal(from("net", "2001:db9::1"), PAM_AUTH_ERR);
}

static void
refused_before_any_prompt_and_audited(void **state)
{
	struct login l;

	clear_rules();
	user("early");
	assert_int_equal(login_from("crm-access", "early", "192.0.2.99", NULL,
				    &l), PAM_AUTH_ERR);
	/* The password was never asked for. */
	assert_int_equal(l.nprompts, 0);
	assert_non_null(strstr(l.errors, "Access denied from this address"));
	/* Named no rule to the user; the audit row says why. */
	assert_null(strstr(l.errors, "rule"));
	assert_int_equal(fx_audit_count(&fx, "early", "access_denied"), 1);
}

static void
first_match_between_user_and_role_rules(void **state)
{
	clear_rules();
	user("sam");
	user("sue");
	fx_crmauth(&fx, NULL, NULL, 0, "role", "add", "sales", "--scope",
		   "department", NULL);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "grant", "sam",
				    "sales", NULL), 0);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "grant", "sue",
				    "sales", NULL), 0);
	assert_int_equal(ALLOW("deny", "user:sam", "10.1.0.0/16"), 0);
	assert_int_equal(ALLOW("allow", "role:sales", "10.0.0.0/8"), 0);
	assert_int_equal(ALLOW("allow", "user:sue", "10.1.0.0/16"), 0);
	assert_int_equal(from("sam", "10.1.2.3"), PAM_AUTH_ERR);
	assert_int_equal(from("sam", "10.2.0.1"), PAM_SUCCESS);
	assert_int_equal(from("sue", "10.1.2.3"), PAM_SUCCESS);
	/* Service lists: a rule for another service does not apply. */
	assert_int_equal(ALLOW("allow", "user:sam", "10.1.0.0/16",
			       "--service", "other-service"), 0);
	assert_int_equal(from("sam", "10.1.9.9"), PAM_AUTH_ERR);
}

static void
hours_boundaries_midnight_and_days(void **state)
{
	struct login l;

	clear_rules();
	user("day");
	user("night");
	assert_int_equal(ALLOW("allow", "user:day", "*", "--hours",
			       "Mo-Fr 08:00-19:00"), 0);
	assert_int_equal(ALLOW("allow", "user:night", "*", "--hours",
			       "Fr 22:00-06:00"), 0);
	at("2027-01-04 07:59:59");
	assert_int_equal(login_from("crm-access", "day", "192.0.2.1", NULL,
				    &l), PAM_AUTH_ERR);
	assert_non_null(strstr(l.errors, "Access denied at this time"));
	at("2027-01-04 08:00:00");
	assert_int_equal(from("day", "192.0.2.1"), PAM_SUCCESS);
	at("2027-01-04 18:59:59");
	assert_int_equal(from("day", "192.0.2.1"), PAM_SUCCESS);
	at("2027-01-04 19:00:00");
	assert_int_equal(from("day", "192.0.2.1"), PAM_AUTH_ERR);
	at("2027-01-04 19:01:00");
	assert_int_equal(from("day", "192.0.2.1"), PAM_AUTH_ERR);
	/* Saturday is not listed. */
	at("2027-01-09 12:00:00");
	assert_int_equal(from("day", "192.0.2.1"), PAM_AUTH_ERR);
	/* Friday night into Saturday morning. */
	at("2027-01-08 23:00:00");
	assert_int_equal(from("night", "192.0.2.1"), PAM_SUCCESS);
	at("2027-01-09 05:59:00");
	assert_int_equal(from("night", "192.0.2.1"), PAM_SUCCESS);
	at("2027-01-09 06:00:00");
	assert_int_equal(from("night", "192.0.2.1"), PAM_AUTH_ERR);
	at("2027-01-07 23:00:00");	/* Thursday night */
	assert_int_equal(from("night", "192.0.2.1"), PAM_AUTH_ERR);
	at("2027-01-04 12:00:00");
}

static void
hours_in_a_zone_across_a_dst_change(void **state)
{
	clear_rules();
	user("berlin");
	/* 2027-03-28: Berlin goes from 02:00 CET to 03:00 CEST; 02:30 local
	 * does not happen.  08:00-09:00 local is 07:00-08:00 UTC that day,
	 * 06:00-07:00 UTC the Sunday after. */
	assert_int_equal(ALLOW("allow", "user:berlin", "*", "--hours",
			       "Su 08:00-09:00", "--tz", "Europe/Berlin"), 0);
	at("2027-03-21 07:30:00");	/* CET: 08:30 local */
	assert_int_equal(from("berlin", "192.0.2.1"), PAM_SUCCESS);
	at("2027-03-21 06:30:00");	/* 07:30 local */
	assert_int_equal(from("berlin", "192.0.2.1"), PAM_AUTH_ERR);
	at("2027-03-28 06:30:00");	/* CEST already: 08:30 local */
	assert_int_equal(from("berlin", "192.0.2.1"), PAM_SUCCESS);
	at("2027-03-28 07:30:00");	/* 09:30 local */
	assert_int_equal(from("berlin", "192.0.2.1"), PAM_AUTH_ERR);
	/* The hour that does not exist: 02:00-03:00 local that night. */
	assert_int_equal(ALLOW("allow", "user:berlin", "*", "--hours",
			       "Su 02:00-03:00", "--tz", "Europe/Berlin"), 0);
	at("2027-03-28 00:59:59");	/* 01:59:59 CET */
	assert_int_equal(from("berlin", "192.0.2.1"), PAM_AUTH_ERR);
	at("2027-03-28 01:00:00");	/* 03:00:00 CEST */
	assert_int_equal(from("berlin", "192.0.2.1"), PAM_AUTH_ERR);
	at("2027-01-04 12:00:00");
}

static void
rules_in_force_from_until(void **state)
{
	clear_rules();
	user("temp");
	assert_int_equal(ALLOW("allow", "user:temp", "*", "--from",
			       "2027-02-01T00:00:00Z", "--until",
			       "2027-03-01T00:00:00Z"), 0);
	at("2027-01-31 23:59:59");
	assert_int_equal(from("temp", "192.0.2.1"), PAM_AUTH_ERR);
	at("2027-02-01 00:00:00");
	assert_int_equal(from("temp", "192.0.2.1"), PAM_SUCCESS);
	at("2027-02-28 23:59:59");
	assert_int_equal(from("temp", "192.0.2.1"), PAM_SUCCESS);
	at("2027-03-01 00:00:00");
	assert_int_equal(from("temp", "192.0.2.1"), PAM_AUTH_ERR);
	at("2027-01-04 12:00:00");
}

static void
default_deny_and_allow(void **state)
{
	clear_rules();
	user("dflt");
	assert_int_equal(from("dflt", "192.0.2.1"), PAM_AUTH_ERR);
	fx_write_conf(&fx, "[lockout]\nnodelay = yes\ndeny = 1000\n"
		      "[access]\ndefault = allow\n");
	assert_int_equal(from("dflt", "192.0.2.1"), PAM_SUCCESS);
	/* A deny rule still refuses under default allow. */
	assert_int_equal(ALLOW("deny", "user:dflt", "192.0.2.0/24"), 0);
	assert_int_equal(from("dflt", "192.0.2.1"), PAM_AUTH_ERR);
	assert_int_equal(from("dflt", "198.51.100.1"), PAM_SUCCESS);
	fx_write_conf(&fx, base_conf);
}

static void
malformed_rules_are_refused_and_change_nothing(void **state)
{
	static const char *const bad[][2] = {
		{ "user:x", "10.0.0.0/33" },
		{ "user:x", "10.0.0" },
		{ "user:x", "::1/129" },
		{ "user:x", "10.0.0.1/8" },
		{ "user:x", "10.0.0.0/8x" },
		{ "group:x", "10.0.0.0/8" },
		{ "user:x", "*,10.0.0.0/8" },
	};
	char before[8192], after[8192];
	size_t i;

	clear_rules();
	assert_int_equal(ALLOW("allow", "user:x", "10.0.0.0/8"), 0);
	assert_int_equal(fx_crmauth(&fx, NULL, before, sizeof(before), "allow",
				    "list", NULL), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(ALLOW("allow", bad[i][0], bad[i][1]), 0);
	assert_int_not_equal(ALLOW("permit", "user:x", "10.0.0.0/8"), 0);
	assert_int_not_equal(ALLOW("allow", "user:x", "*", "--hours",
				   "Mo-Fx 08:00-19:00"), 0);
	assert_int_not_equal(ALLOW("allow", "user:x", "*", "--hours",
				   "Mo 19:00-19:00"), 0);
	assert_int_not_equal(ALLOW("allow", "user:x", "*", "--hours",
				   "Mo 25:00-26:00"), 0);
	assert_int_not_equal(ALLOW("allow", "user:x", "*", "--tz",
				   "Mars/Olympus_Mons"), 0);
	assert_int_not_equal(ALLOW("allow", "user:x", "*", "--from",
				   "2027-03-01T00:00:00Z", "--until",
				   "2027-02-01T00:00:00Z"), 0);
	assert_int_equal(fx_crmauth(&fx, NULL, after, sizeof(after), "allow",
				    "list", NULL), 0);
	assert_string_equal(before, after);
}

static void
an_accessfile_error_fails_closed(void **state)
{
	char path[PATH_MAX], conf[PATH_MAX + 200], log[16384] = "";
	FILE *f;

	clear_rules();
	user("filed");
	snprintf(path, sizeof(path), "%s/access.rules", fx.work);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# who may log in from where\n"
	      "allow user:filed 192.0.2.0/24\n", f);
	assert_int_equal(fclose(f), 0);
	snprintf(conf, sizeof(conf), "%s[access]\naccessfile = %s\n",
		 base_conf, path);
	fx_write_conf(&fx, conf);
	assert_int_equal(from("filed", "192.0.2.1"), PAM_SUCCESS);
	assert_int_equal(from("filed", "198.51.100.1"), PAM_AUTH_ERR);
	/* A bad line anywhere: nobody passes, and the log names it. */
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("allow user:filed 10.0.0.0/33\n", f);
	assert_int_equal(fclose(f), 0);
	fx_log_begin(&fx);
	assert_int_equal(from("filed", "198.51.100.1"), PAM_AUTH_ERR);
	/* Also the login an earlier line would have allowed. */
	assert_int_equal(from("filed", "192.0.2.1"), PAM_AUTH_ERR);
	fx_log_end(&fx, log, sizeof(log));
	assert_non_null(strstr(log, "access.rules line 3"));
	fx_write_conf(&fx, base_conf);
}

static void
names_that_are_no_account_are_never_logged_as_typed(void **state)
{
	char log[16384] = "";

	clear_rules();
	fx_log_begin(&fx);
	assert_int_equal(from("Hunter2-typed-as-name", "192.0.2.1"),
			 PAM_AUTH_ERR);
	fx_log_end(&fx, log, sizeof(log));
	assert_non_null(strstr(log, "access_denied user=(unknown)"));
	assert_null(strstr(log, "Hunter2"));
	assert_int_equal(fx_audit_count(&fx, "(unknown)", "access_denied"), 1);
	/* unknown=ignore leaves such names to the other modules. */
	fx_write_conf(&fx, "[lockout]\nnodelay = yes\ndeny = 1000\n"
		      "[access]\nunknown = ignore\n");
	assert_int_equal(from("Hunter2-typed-as-name", "192.0.2.1"),
			 PAM_AUTH_ERR);	/* pam_crm_passwd refuses it */
	assert_int_equal(fx_audit_count(&fx, "(unknown)", "access_denied"), 1);
	fx_write_conf(&fx, base_conf);
}

static void
kiosk_local_and_tty_rules(void **state)
{
	struct login l;

	clear_rules();
	user("desk");
	assert_int_equal(ALLOW("allow", "user:desk", "tty:tty[1-6]"), 0);
	assert_int_equal(ALLOW("allow", "user:desk", "local", "--hours",
			       "Mo-Fr 08:00-19:00"), 0);
	assert_int_equal(login_from("crm-kiosk", "desk", NULL, "tty3", &l),
			 PAM_SUCCESS);
	assert_int_equal(login_from("crm-kiosk", "desk", NULL, "/dev/tty3",
				    &l), PAM_SUCCESS);
	/* tty7 is not tty[1-6]; the local rule holds in working hours. */
	assert_int_equal(login_from("crm-kiosk", "desk", NULL, "tty7", &l),
			 PAM_SUCCESS);
	at("2027-01-04 20:00:00");
	assert_int_equal(login_from("crm-kiosk", "desk", NULL, "tty7", &l),
			 PAM_AUTH_ERR);
	assert_int_equal(l.nprompts, 0);
	assert_int_equal(login_from("crm-kiosk", "desk", NULL, "tty2", &l),
			 PAM_SUCCESS);
	/* A tty rule holds whatever the address; a local one only
	 * without an address. */
	assert_int_equal(login_from("crm-kiosk", "desk", "192.0.2.1", "tty2",
				    &l), PAM_SUCCESS);
	at("2027-01-04 12:00:00");
	assert_int_equal(login_from("crm-kiosk", "desk", "192.0.2.1", NULL,
				    &l), PAM_AUTH_ERR);
}

/* The shipped pam.d/crm (the web front end's service) obeys the rules
 * too, in both phases: the issue's own example rule. */
static void
the_web_service_obeys_the_rules(void **state)
{
	struct fx_login_opts acct_only;
	struct login l;

	clear_rules();
	user("wes");
	user("walt");
	fx_crmauth(&fx, NULL, NULL, 0, "role", "add", "sales", "--scope",
		   "department", NULL);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "grant", "wes",
				    "sales", NULL), 0);
	/* No rule: refused before the password is asked. */
	assert_int_equal(login_from("crm", "wes", "10.20.1.1", NULL, &l),
			 PAM_AUTH_ERR);
	assert_int_equal(l.nprompts, 0);
	assert_int_equal(ALLOW("allow", "role:sales", "10.20.0.0/16,"
			       "2001:db8::/32", "--service", "crm", "--hours",
			       "Mo-Fr 08:00-19:00"), 0);
	assert_int_equal(login_from("crm", "wes", "10.20.1.1", NULL, &l),
			 PAM_SUCCESS);
	assert_int_equal(login_from("crm", "wes", "::ffff:10.20.1.1", NULL,
				    &l), PAM_SUCCESS);
	assert_int_equal(login_from("crm", "wes", "10.21.1.1", NULL, &l),
			 PAM_AUTH_ERR);
	assert_int_equal(l.nprompts, 0);
	/* Not in the role; and another service's rules do not apply. */
	assert_int_equal(login_from("crm", "walt", "10.20.1.1", NULL, &l),
			 PAM_AUTH_ERR);
	assert_int_equal(login_from("crm-access", "wes", "10.20.1.1", NULL,
				    &l), PAM_AUTH_ERR);
	/* A front end that calls only the account phase is refused too. */
	memset(&acct_only, 0, sizeof(acct_only));
	acct_only.items.rhost = "10.21.1.1";
	acct_only.phases = FX_ACCT;
	fx_login_ex("crm", "wes", &acct_only, &l);
	assert_int_equal(l.acct_rc, PAM_PERM_DENIED);
	at("2027-01-04 19:00:00");
	assert_int_equal(login_from("crm", "wes", "10.20.1.1", NULL, &l),
			 PAM_AUTH_ERR);
	at("2027-01-04 12:00:00");
}

static void
allow_test_explains(void **state)
{
	char out[4096];
	json_object *root, *v;

	clear_rules();
	user("why");
	assert_int_equal(ALLOW("allow", "user:why", "10.0.0.0/8", "--hours",
			       "Mo-Fr 08:00-19:00"), 0);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "allow",
				    "test", "why", "10.1.1.1", "--at",
				    "2027-01-04T12:00:00Z", NULL), 0);
	assert_non_null(strstr(out, "allow: rule "));
	assert_non_null(strstr(out, "allow user:why 10.0.0.0/8"));
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "allow", "test", "why", "10.1.1.1", "--at",
				    "2027-01-04T20:00:00Z", NULL), 1);
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "result", &v));
	assert_string_equal(json_object_get_string(v), "deny");
	assert_true(json_object_object_get_ex(root, "reason", &v));
	assert_non_null(strstr(json_object_get_string(v), "not the time"));
	json_object_put(root);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "allow",
				    "test", "why", "192.0.2.1", NULL), 1);
	assert_non_null(strstr(out, "no rule matches"));
	/* A question, not a login: nothing audited. */
	assert_int_equal(fx_audit_count(&fx, "why", "access_denied"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(network_boundaries),
		cmocka_unit_test(refused_before_any_prompt_and_audited),
		cmocka_unit_test(first_match_between_user_and_role_rules),
		cmocka_unit_test(hours_boundaries_midnight_and_days),
		cmocka_unit_test(hours_in_a_zone_across_a_dst_change),
		cmocka_unit_test(rules_in_force_from_until),
		cmocka_unit_test(default_deny_and_allow),
		cmocka_unit_test(malformed_rules_are_refused_and_change_nothing),
		cmocka_unit_test(an_accessfile_error_fails_closed),
		cmocka_unit_test(names_that_are_no_account_are_never_logged_as_typed),
		cmocka_unit_test(kiosk_local_and_tty_rules),
		cmocka_unit_test(the_web_service_obeys_the_rules),
		cmocka_unit_test(allow_test_explains),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
