/*
 * test_passwd.c - pam_crm_passwd: hashes it accepts, passwords it
 * refuses, secrets it never keeps, and the same answer and time for
 * unknown users.
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
#include <time.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "fixture.h"

static struct fixture fx;

static int
setup(void **state)
{
	fx_setup(&fx, "[lockout]\nnodelay = yes\ndeny = 1000\n");
	fx_user_add(&fx, "alice", "alice-Correct-Horse-1");
	return 0;
}

static int
teardown(void **state)
{
	fx_teardown(&fx);
	return 0;
}

static int
login(const char *user, const char *password)
{
	struct login l;

	fx_login("crm", user, password, NULL, &l);
	return l.auth_rc;
}

static void
imported_hashes_verify(void **state)
{
	/* A SHA-512 crypt hash of "secret", as imported from /etc/shadow. */
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "user", "add", "olduser",
				    NULL), 0);
	assert_int_equal(fx_sql(&fx, "UPDATE users SET password_hash = "
		"'$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDe"
		"hy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1' WHERE name = 'olduser'"),
		0);
	assert_int_equal(login("olduser", "Secret"), PAM_AUTH_ERR);
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM users WHERE name = 'olduser' AND "
			      "password_hash LIKE '$6$%'"));
	assert_int_equal(login("olduser", "secret"), PAM_SUCCESS);
	/* The first good login stores it again as yescrypt, so that it
	 * answers in the time every account does; its age is kept. */
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM users WHERE name = 'olduser' AND "
			      "password_hash LIKE '$y$%' AND "
			      "password_changed = 0"));
	assert_int_equal(fx_audit_count(&fx, "olduser", "auth_ok"), 1);
	assert_int_equal(login("olduser", "secret"), PAM_SUCCESS);
	assert_int_equal(login("olduser", "Secret"), PAM_AUTH_ERR);
}

static void
accounts_without_password_and_empty_passwords_are_refused(void **state)
{
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "user", "add", "nopass",
				    NULL), 0);
	assert_int_equal(login("nopass", ""), PAM_AUTH_ERR);
	assert_int_equal(login("nopass", "anything"), PAM_AUTH_ERR);
	assert_int_equal(login("alice", ""), PAM_AUTH_ERR);
	assert_int_equal(fx_audit_count(&fx, "nopass", "auth_fail"), 4);
}

static void
good_password_exports_crm_user(void **state)
{
	const struct fx_answer answers[] = {
		{ "assword", PAM_PROMPT_ECHO_OFF, "alice-Correct-Horse-1" },
		{ NULL, 0, NULL },
	};
	const struct fx_answer wrong[] = {
		{ "assword", PAM_PROMPT_ECHO_OFF, "alice-wrong" },
		{ NULL, 0, NULL },
	};
	struct fx_login_opts opts = { .answers = answers };
	struct login l;

	fx_login_ex("crm", "alice", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(l.acct_rc, PAM_SUCCESS);
	assert_int_equal(l.nprompts, 1);
	assert_int_equal(l.unanswered, 0);
	assert_non_null(fx_env_get(&l, "CRM_USER"));
	assert_string_equal(fx_env_get(&l, "CRM_USER"), "alice");
	/* No secret in the environment. */
	assert_null(strstr(l.env, "Horse"));

	opts.answers = wrong;
	fx_login_ex("crm", "alice", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_null(fx_env_get(&l, "CRM_USER"));
}

/* crm-login calls pam_start("crm") itself: the one place for pam_wrapper. */
static void
a_client_with_a_fixed_service_name_logs_in(void **state)
{
	const char *crm_login = getenv("CRM_TEST_CRM_LOGIN");
	char out[4096];

	assert_non_null(crm_login);
	assert_int_equal(fx_run_wrapped("alice-Correct-Horse-1\n", out,
					sizeof(out), crm_login, "-s", "crm",
					"--stdin", "alice", NULL), 0);
	assert_non_null(strstr(out, "CRM_USER=alice"));
	assert_int_equal(fx_run_wrapped("alice-wrong\n", out, sizeof(out),
					crm_login, "-s", "crm", "--stdin",
					"alice", NULL), 1);
	assert_null(strstr(out, "CRM_USER="));
}

static void
changed_password_takes_effect(void **state)
{
	assert_int_equal(fx_crmauth(&fx, "Quiet-New-Horse-2\n", NULL, 0, "user",
				    "passwd", "alice", "--stdin", NULL), 0);
	assert_int_equal(login("alice", "alice-Correct-Horse-1"), PAM_AUTH_ERR);
	assert_int_equal(login("alice", "Quiet-New-Horse-2"), PAM_SUCCESS);
}

/* Whether text occurs anywhere in the file's bytes. */
static int
file_holds(const char *path, const char *text)
{
	static char buf[8 << 20];
	FILE *fp = fopen(path, "rb");
	size_t got;

	if (fp == NULL)
		return 0;
	got = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	return memmem(buf, got, text, strlen(text)) != NULL;
}

/* A line of the captured syslog at LOG_NOTICE (a denial, as expected)
 * holds text. */
static void
expect_logged(const char *logged, const char *text)
{
	char notice[16];
	const char *line, *end;

	snprintf(notice, sizeof(notice), "<%d> ", LOG_AUTHPRIV | LOG_NOTICE);
	for (line = logged; *line != '\0'; line = *end != '\0' ? end + 1 : end) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		if (strncmp(line, notice, strlen(notice)) == 0 &&
		    memmem(line, (size_t)(end - line), text, strlen(text)) != NULL)
			return;
	}
	fail_msg("no notice with \"%s\" in the log:\n%s", text, logged);
}

static void
secrets_never_reach_the_database_the_audit_or_the_log(void **state)
{
	static char out[1 << 20];
	const char *password = "Zq9-Marker-Password";
	const char *typed_as_user = "Zq9-Marker-In-User-Field";
	char logged[65536], wal[4200];

	fx_log_begin(&fx);
	assert_int_equal(login("alice", password), PAM_AUTH_ERR);
	assert_int_equal(login(typed_as_user, password), PAM_AUTH_ERR);
	fx_log_end(&fx, logged, sizeof(logged));
	/* First that the log was captured at all: the failures are there,
	 * from both modules, the unknown name masked.  Without this, an
	 * empty capture would pass the checks below. */
	expect_logged(logged, "pam_crm_passwd: auth_fail user=alice ");
	expect_logged(logged, "pam_crm_lockout: auth_fail user=alice ");
	expect_logged(logged, "pam_crm_passwd: auth_fail user=(unknown) ");
	expect_logged(logged, "pam_crm_lockout: auth_fail user=(unknown) ");
	/* Then that neither the password nor the name typed is in it. */
	assert_null(strstr(logged, password));
	assert_null(strstr(logged, typed_as_user));

	snprintf(wal, sizeof(wal), "%s-wal", fx.db);
	assert_false(file_holds(fx.db, password));
	assert_false(file_holds(wal, password));
	/* The failure of a name that is no account is counted under a
	 * keyed hash, never under what was typed. */
	assert_false(file_holds(fx.db, typed_as_user));
	assert_false(file_holds(wal, typed_as_user));

	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "audit", NULL), 0);
	assert_null(strstr(out, password));
	assert_null(strstr(out, typed_as_user));
	assert_non_null(strstr(out, "(unknown)"));

	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "user", "show", "alice", NULL), 0);
	assert_null(strstr(out, "$y$"));	/* no hash in listings */
}

static double
seconds_for(const char *user, int rounds)
{
	struct timespec a, b;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < rounds; i++)
		assert_int_equal(login(user, "not-the-password"), PAM_AUTH_ERR);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Known and unknown names in turn, so that the load of a shared machine
 * falls on both alike, compared by their medians, so that one slow
 * login (another job's burst) decides nothing.  Without the dummy hash
 * an unknown name answers some twenty times faster: the bounds catch
 * that and leave room for noise.
 */
static void
unknown_users_take_as_long_as_known_ones(void **state)
{
	enum { ROUNDS = 11 };
	double known[ROUNDS], unknown[ROUNDS], ratio;
	int i;

	seconds_for("alice", 2);	/* warm up */
	for (i = 0; i < ROUNDS; i++) {
		known[i] = seconds_for("alice", 1);
		unknown[i] = seconds_for("nobody-here", 1);
	}
	qsort(known, ROUNDS, sizeof(known[0]), by_value);
	qsort(unknown, ROUNDS, sizeof(unknown[0]), by_value);
	ratio = unknown[ROUNDS / 2] / known[ROUNDS / 2];
	printf("# wrong password, median: known %.1f ms, unknown %.1f ms\n",
	       known[ROUNDS / 2] * 1000, unknown[ROUNDS / 2] * 1000);
	assert_true(ratio > 0.6 && ratio < 1.6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(imported_hashes_verify),
		T(accounts_without_password_and_empty_passwords_are_refused),
		T(good_password_exports_crm_user),
		T(a_client_with_a_fixed_service_name_logs_in),
		T(changed_password_takes_effect),
		T(secrets_never_reach_the_database_the_audit_or_the_log),
		T(unknown_users_take_as_long_as_known_ones),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
