/*
 * test_config.c - pam_crm.conf and module arguments: precedence, unknown
 * names, malformed values, role sections.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <cmocka.h>

#include "decide/access.h"
#include "decide/lockout.h"
#include "decide/passwd.h"

static char conf_path[4096];
static char logged[8192];
static struct crm_lockout_pam_opts pam_opts;

static void
capture(void *arg, int priority, const char *fmt, va_list ap)
{
	size_t used = strlen(logged);

	vsnprintf(logged + used, sizeof(logged) - used, fmt, ap);
	used = strlen(logged);
	snprintf(logged + used, sizeof(logged) - used, "\n");
}

static const struct crm_log log_sink = { capture, NULL, 1 };

/* The same, each line prefixed with its priority ("4 " for LOG_WARNING). */
static void
capture_priority(void *arg, int priority, const char *fmt, va_list ap)
{
	size_t used = strlen(logged);

	snprintf(logged + used, sizeof(logged) - used, "%d ", priority);
	capture(arg, priority, fmt, ap);
}

static const struct crm_log priority_sink = { capture_priority, NULL, 1 };

/* True when a line logged at priority holds text. */
static int
logged_at(int priority, const char *text)
{
	char prefix[16];
	const char *line = logged, *end;
	size_t plen;

	plen = (size_t)snprintf(prefix, sizeof(prefix), "%d ", priority);
	for (; *line != '\0'; line = *end != '\0' ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (strncmp(line, prefix, plen) == 0 &&
		    memmem(line, (size_t)(end - line), text, strlen(text)) != NULL)
			return 1;
	}
	return 0;
}

static void
write_conf(const char *text)
{
	FILE *fp = fopen(conf_path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
load(struct crm_lockout_opts *opts, int argc, const char **argv)
{
	char conf_arg[4200];
	const char *args[16];
	int i;

	snprintf(conf_arg, sizeof(conf_arg), "conf=%s", conf_path);
	args[0] = conf_arg;
	for (i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	logged[0] = '\0';
	crm_lockout_defaults(opts, &pam_opts);
	return crm_lockout_load(opts, &pam_opts, argc + 1, args, &log_sink);
}

static void
defaults_without_file_entries(void **state)
{
	struct crm_lockout_opts opts;

	write_conf("");
	assert_int_equal(load(&opts, 0, NULL), CRM_OK);
	assert_int_equal(opts.deny, 5);
	assert_int_equal(opts.fail_interval, 900);
	assert_int_equal(opts.unlock_time, 600);
	assert_int_equal(opts.common.busy_timeout_ms, 2000);
	assert_int_equal(opts.common.unknown, CRM_UNKNOWN_DENY);
	crm_lockout_free(&opts);
}

static void
argument_beats_section_beats_global(void **state)
{
	struct crm_lockout_opts opts;
	const char *args[] = { "deny=9" };

	/* [lockout] before [global] in the file: order must not matter. */
	write_conf("[lockout]\ndeny = 7\nunlock_time = 30\n"
		   "[global]\ndeny = 6\nunlock_time = 20\nfail_interval = 60\n");
	assert_int_equal(load(&opts, 1, args), CRM_OK);
	assert_int_equal(opts.deny, 9);		/* argument */
	assert_int_equal(opts.unlock_time, 30);	/* [lockout] */
	assert_int_equal(opts.fail_interval, 60);	/* [global] */
	crm_lockout_free(&opts);
}

static void
unknown_names_are_logged_and_ignored(void **state)
{
	struct crm_lockout_opts opts;
	const char *args[] = { "no_such_option=1", "authfail" };

	write_conf("[lockout]\nfrobnicate = yes\n[passwd]\nwhatever = 1\n");
	assert_int_equal(load(&opts, 2, args), CRM_OK);
	assert_non_null(strstr(logged, "frobnicate: unknown option"));
	assert_non_null(strstr(logged, "unknown option no_such_option"));
	/* Another module's section is none of this module's business. */
	assert_null(strstr(logged, "whatever"));
	assert_int_equal(pam_opts.phase, CRM_LOCKOUT_AUTHFAIL);
	crm_lockout_free(&opts);
}

static void
global_typo_warns_other_modules_options_do_not(void **state)
{
	struct crm_passwd_opts popts;
	struct crm_lockout_opts lopts;
	char conf_arg[4200];
	const char *args[] = { conf_arg };

	snprintf(conf_arg, sizeof(conf_arg), "conf=%s", conf_path);
	/* [global] is read by every module: deny is the lockout module's,
	 * nodelay too, deny_rhots is nobody's, and preauth is a module
	 * argument that no file can set. */
	write_conf("[global]\ndeny = 5\nnodelay = yes\ndeny_rhots = 3\n"
		   "preauth = 1\n");
	logged[0] = '\0';
	crm_passwd_defaults(&popts, NULL);
	assert_int_equal(crm_passwd_load(&popts, NULL, 1, args, &priority_sink),
			 CRM_OK);
	if (!logged_at(LOG_WARNING, "[global] deny_rhots: unknown option"))
		fail_msg("no warning for deny_rhots:\n%s", logged);
	if (!logged_at(LOG_WARNING, "[global] preauth: unknown option"))
		fail_msg("no warning for preauth:\n%s", logged);
	if (logged_at(LOG_WARNING, "[global] deny:") ||
	    logged_at(LOG_WARNING, "[global] nodelay:"))
		fail_msg("another module's option warned of:\n%s", logged);

	/* The same from the module that owns deny. */
	logged[0] = '\0';
	crm_lockout_defaults(&lopts, NULL);
	assert_int_equal(crm_lockout_load(&lopts, NULL, 1, args, &priority_sink),
			 CRM_OK);
	assert_int_equal(lopts.deny, 5);
	if (!logged_at(LOG_WARNING, "[global] deny_rhots: unknown option"))
		fail_msg("no warning for deny_rhots:\n%s", logged);
	if (logged_at(LOG_WARNING, "[global] deny:"))
		fail_msg("deny warned of:\n%s", logged);
	crm_lockout_free(&lopts);
}

static void
malformed_values_fail(void **state)
{
	struct crm_lockout_opts opts;
	const char *bad_arg[] = { "deny=five" };
	const char *neg_arg[] = { "unlock_time=-1" };
	const char *rel_arg[] = { "db=relative/crm.db" };

	write_conf("");
	assert_int_equal(load(&opts, 1, bad_arg), CRM_INVALID);
	assert_non_null(strstr(logged, "deny=five: invalid value"));
	assert_int_equal(load(&opts, 1, neg_arg), CRM_INVALID);
	assert_int_equal(load(&opts, 1, rel_arg), CRM_INVALID);

	write_conf("[lockout]\neven_deny_root = maybe\n");
	assert_int_equal(load(&opts, 0, NULL), CRM_INVALID);
	assert_non_null(strstr(logged, "even_deny_root = maybe: invalid value"));

	/* A bare word is a syntax error in the file (libinih). */
	write_conf("[lockout]\neven_deny_root\n");
	assert_int_equal(load(&opts, 0, NULL), CRM_INVALID);
	assert_non_null(strstr(logged, "line 2: syntax error"));
}

static void
named_file_must_exist(void **state)
{
	struct crm_lockout_opts opts;
	const char *args[] = { "conf=/nonexistent/pam_crm.conf" };

	logged[0] = '\0';
	crm_lockout_defaults(&opts, NULL);
	assert_int_equal(crm_lockout_load(&opts, NULL, 1, args, &log_sink),
			 CRM_INVALID);
	assert_non_null(strstr(logged, "/nonexistent/pam_crm.conf"));
}

static void
role_sections_are_validated_and_kept(void **state)
{
	struct crm_lockout_opts opts;
	const struct crm_role_section *rs;

	write_conf("[lockout.role.admin]\ndeny = 3\nunlock_time = 0\n"
		   "[lockout.role.sales]\nfail_interval = 172800\n");
	assert_int_equal(load(&opts, 0, NULL), CRM_OK);
	assert_int_equal(opts.roles.count, 2);
	rs = crm_config_find_role(&opts.roles, "admin");
	assert_non_null(rs);
	assert_int_equal(rs->count, 2);
	assert_null(crm_config_find_role(&opts.roles, "nobody"));
	/* Failures are kept as long as the longest role interval: two days
	 * here, above the one-day floor, so only the role can explain it. */
	assert_int_equal(opts.fail_interval, 900);
	assert_int_equal(opts.keep_failures, 172800);
	crm_lockout_free(&opts);

	write_conf("[lockout.role.admin]\ndeny = lots\n");
	assert_int_equal(load(&opts, 0, NULL), CRM_INVALID);
	assert_int_equal(opts.roles.count, 0);

	/* Options that make no sense per role are reported, not applied. */
	write_conf("[lockout.role.admin]\ndb = /elsewhere.db\n");
	assert_int_equal(load(&opts, 0, NULL), CRM_OK);
	assert_non_null(strstr(logged, "not a per-role option"));
	crm_lockout_free(&opts);
}

/* uid_range's type: what an administrator types, and what is refused. */
static void
ranges_parse_strictly(void **state)
{
	static const struct crm_option range_opt = {
		"r", CRM_OPT_RANGE, 0, 1000, 2147483646L, NULL, 0,
	};
	static const char *const bad[] = {
		"", "-", "70000-", "-79999", "79999-70000", "999-2000",
		"70000-2147483647", "70000 - 79999", "70000-79999x", "7e4-8e4",
		"+70000-79999", "70000--79999", "0x11170-79999",
	};
	struct crm_range r;
	size_t i;

	(void)state;
	assert_int_equal(crm_config_set(&range_opt, &r, "70000-79999"),
			 CRM_OK);
	assert_int_equal(r.lo, 70000);
	assert_int_equal(r.hi, 79999);
	assert_int_equal(crm_config_set(&range_opt, &r, "1000"), CRM_OK);
	assert_int_equal(r.lo, 1000);
	assert_int_equal(r.hi, 1000);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r.lo = r.hi = 5;
		assert_int_equal(crm_config_set(&range_opt, &r, bad[i]),
				 CRM_INVALID);
		/* A refused value leaves the option as it was. */
		assert_int_equal(r.lo, 5);
		assert_int_equal(r.hi, 5);
	}
	assert_int_equal(crm_config_set(&range_opt, &r, NULL), CRM_INVALID);
}

/* pam_crm_access resolve_timeout=value as a module argument: the load's
 * result, the milliseconds in *ms. */
static int
resolve_timeout(const char *value, unsigned long *ms)
{
	struct crm_access_opts opts;
	char conf_arg[4200], arg[64];
	const char *args[2];
	int rc;

	write_conf("[access]\nresolve = yes\n");
	snprintf(conf_arg, sizeof(conf_arg), "conf=%s", conf_path);
	snprintf(arg, sizeof(arg), "resolve_timeout=%s", value);
	args[0] = conf_arg;
	args[1] = arg;
	logged[0] = '\0';
	crm_access_defaults(&opts, NULL);
	rc = crm_access_load(&opts, NULL, 2, args, &log_sink);
	assert_int_equal(opts.resolve, 1);
	*ms = opts.resolve_timeout_ms;
	return rc;
}

static void
a_timeout_in_milliseconds_or_seconds_within_its_bounds(void **state)
{
	static const char *const refused[] = {
		"99ms", "31s", "1m", "2h", "ms", "", "5 ms", "0.5s", "-1s",
		"500MS", "500ms ", "2ss",
	};
	struct crm_access_opts opts;
	unsigned long ms;
	size_t i;

	crm_access_defaults(&opts, NULL);
	assert_int_equal(opts.resolve, 0);
	assert_int_equal(opts.resolve_timeout_ms, 2000);
	assert_int_equal(resolve_timeout("500ms", &ms), CRM_OK);
	assert_int_equal(ms, 500);
	assert_int_equal(resolve_timeout("100ms", &ms), CRM_OK);
	assert_int_equal(ms, 100);
	assert_int_equal(resolve_timeout("2s", &ms), CRM_OK);
	assert_int_equal(ms, 2000);
	/* A bare number is seconds, as for every other duration. */
	assert_int_equal(resolve_timeout("3", &ms), CRM_OK);
	assert_int_equal(ms, 3000);
	assert_int_equal(resolve_timeout("30s", &ms), CRM_OK);
	assert_int_equal(ms, 30000);
	for (i = 0; i < CRM_ARRAY_SIZE(refused); i++)
		assert_int_not_equal(resolve_timeout(refused[i], &ms), CRM_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_without_file_entries),
		cmocka_unit_test(a_timeout_in_milliseconds_or_seconds_within_its_bounds),
		cmocka_unit_test(argument_beats_section_beats_global),
		cmocka_unit_test(unknown_names_are_logged_and_ignored),
		cmocka_unit_test(global_typo_warns_other_modules_options_do_not),
		cmocka_unit_test(malformed_values_fail),
		cmocka_unit_test(named_file_must_exist),
		cmocka_unit_test(role_sections_are_validated_and_kept),
		cmocka_unit_test(ranges_parse_strictly),
	};
	const char *work = getenv("CRM_TEST_WORK");

	snprintf(conf_path, sizeof(conf_path), "%s/test.conf",
		 work != NULL ? work : "/tmp");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
