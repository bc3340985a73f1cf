/*
 * test_lockout.c - pam_crm_lockout and pam_crm_passwd through the real
 * pam.d/crm stack (pam_start_confdir on the test's own service directory,
 * libpamtest where it fits): what a user and an administrator see.
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
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "fixture.h"

#define BASE_CONF "[lockout]\nnodelay = yes\n"

static struct fixture fx;

static int
setup(void **state)
{
	fx_setup(&fx, BASE_CONF);
	fx_user_add(&fx, "alice", "alice-Correct-Horse-1");
	fx_user_add(&fx, "bob", "bob-Battery-Staple-2");
	return 0;
}

static int
teardown(void **state)
{
	fx_teardown(&fx);
	return 0;
}

static void
lockout_conf(const char *extra)
{
	char conf[1024];

	snprintf(conf, sizeof(conf), "%s%s", BASE_CONF, extra);
	fx_write_conf(&fx, conf);
}

/* Through libpamtest, as the issue asks: one authenticate + account, on
 * a handle the fixture made (answering the password prompt). */
static void
login_ok(const char *user, const char *password)
{
	const struct fx_answer answers[] = {
		{ NULL, PAM_PROMPT_ECHO_OFF, password }, { NULL, 0, NULL },
	};
	const struct fx_login_opts opts = { .answers = answers };
	struct pam_testcase tests[] = {
		pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
		pam_test(PAMTEST_ACCOUNT, PAM_SUCCESS),
	};
	struct login l;
	enum pamtest_err perr;

	perr = run_pamtest("crm", user, NULL, tests,
			   fx_pam_start("crm", user, &opts, &l));
	assert_int_equal(perr, PAMTEST_ERR_OK);
	assert_int_equal(l.nprompts, 1);
	assert_int_equal(l.unanswered, 0);
}

static void
login_refused(const char *user, const char *password, struct login *out)
{
	fx_login("crm", user, password, NULL, out);
	assert_int_equal(out->auth_rc, PAM_AUTH_ERR);
}

static void
right_password_logs_in(void **state)
{
	login_ok("alice", "alice-Correct-Horse-1");
	assert_int_equal(fx_audit_count(&fx, "alice", "auth_ok"), 1);
	assert_int_equal(fx_failures(&fx, "alice"), 0);
}

static void
wrong_password_is_refused_and_counted(void **state)
{
	struct login l;

	login_refused("alice", "alice-wrong", &l);
	assert_string_equal(l.errors, "");	/* no lock message yet */
	assert_int_equal(fx_failures(&fx, "alice"), 1);
	assert_int_equal(fx_audit_count(&fx, "alice", "auth_fail"), 2);
}

static void
unknown_user_answers_like_a_wrong_password(void **state)
{
	struct login known, unknown;
	int i;

	lockout_conf("deny = 3\n");
	login_refused("alice", "guess", &known);
	login_refused("mallory", "guess", &unknown);
	assert_int_equal(known.auth_rc, unknown.auth_rc);
	assert_string_equal(known.errors, unknown.errors);
	assert_string_equal(known.infos, unknown.infos);
	/* Unknown names are counted and locked exactly like known ones. */
	for (i = 0; i < 2; i++) {
		login_refused("alice", "guess", &known);
		login_refused("mallory", "guess", &unknown);
		assert_string_equal(known.errors, unknown.errors);
	}
	assert_non_null(strstr(unknown.errors, "The account is locked"));
	/* The name typed is not written to the audit trail (it may be a
	 * password typed into the user field). */
	assert_int_equal(fx_audit_count(&fx, "mallory", NULL), 0);
	assert_true(fx_audit_count(&fx, "(unknown)", "auth_fail") > 0);
}

static void
locked_after_deny_failures(void **state)
{
	struct login l;

	lockout_conf("deny = 3\nunlock_time = 600\n");
	login_refused("alice", "wrong-1", &l);
	login_refused("alice", "wrong-2", &l);
	assert_string_equal(l.errors, "");
	login_refused("alice", "wrong-3", &l);
	assert_string_equal(l.errors, "The account is locked due to 3 failed "
			    "logins. (10 minutes left to unlock)");
	/* Now even the right password is refused, with the reason. */
	login_refused("alice", "alice-Correct-Horse-1", &l);
	assert_string_equal(l.errors, "The account is locked due to 3 failed "
			    "logins. (10 minutes left to unlock)");
	assert_int_equal(fx_audit_count(&fx, "alice", "locked"), 2);
	/* Other users are not affected. */
	login_ok("bob", "bob-Battery-Staple-2");
}

static void
unlocked_after_unlock_time(void **state)
{
	struct login l;

	lockout_conf("deny = 2\nunlock_time = 60\n");
	login_refused("alice", "wrong-1", &l);
	login_refused("alice", "wrong-2", &l);
	fx_clock_offset(30);
	login_refused("alice", "alice-Correct-Horse-1", &l);
	assert_non_null(strstr(l.errors, "(1 minutes left to unlock)"));
	fx_clock_offset(61);
	login_ok("alice", "alice-Correct-Horse-1");
	assert_int_equal(fx_audit_count(&fx, "alice", "unlocked"), 1);
	/* The count starts afresh: one failure does not lock again. */
	login_refused("alice", "wrong-3", &l);
	assert_string_equal(l.errors, "");
}

static void
admin_reset_unlocks(void **state)
{
	struct login l;
	char out[4096];

	lockout_conf("deny = 2\nunlock_time = 0\n");
	login_refused("alice", "wrong-1", &l);
	login_refused("alice", "wrong-2", &l);
	assert_string_equal(l.errors, "The account is locked due to 2 failed "
			    "logins. (an administrator must unlock it)");
	fx_clock_offset(30 * 86400);	/* a month later: still locked */
	login_refused("alice", "alice-Correct-Horse-1", &l);
	assert_non_null(strstr(l.errors, "administrator must unlock"));

	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "lockout",
				    "reset", "alice", NULL), 0);
	login_ok("alice", "alice-Correct-Horse-1");
	assert_int_equal(fx_audit_count(&fx, "alice", "admin:lockout reset"), 1);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "lockout",
				    "reset", "nobody-at-all", NULL), 1);
}

static void
success_clears_the_count(void **state)
{
	struct login l;

	lockout_conf("deny = 3\n");
	login_refused("alice", "wrong-1", &l);
	login_refused("alice", "wrong-2", &l);
	login_ok("alice", "alice-Correct-Horse-1");
	assert_int_equal(fx_failures(&fx, "alice"), 0);
	login_refused("alice", "wrong-3", &l);
	login_refused("alice", "wrong-4", &l);
	assert_string_equal(l.errors, "");
	login_ok("alice", "alice-Correct-Horse-1");
}

static void
root_is_exempt_unless_even_deny_root(void **state)
{
	struct login l;
	int i;

	fx_user_add(&fx, "root", "root-Pass-Phrase-9");
	lockout_conf("deny = 2\n");
	for (i = 0; i < 4; i++)
		login_refused("root", "wrong", &l);
	assert_string_equal(l.errors, "");
	login_ok("root", "root-Pass-Phrase-9");

	lockout_conf("deny = 2\neven_deny_root = yes\nunlock_time = 600\n"
		     "root_unlock_time = 30\n");
	login_refused("root", "wrong", &l);
	login_refused("root", "wrong", &l);
	assert_string_equal(l.errors, "The account is locked due to 2 failed "
			    "logins. (1 minutes left to unlock)");
	login_refused("root", "root-Pass-Phrase-9", &l);
	/* root_unlock_time, not unlock_time, applies to root. */
	fx_clock_offset(31);
	login_ok("root", "root-Pass-Phrase-9");
}

static void
deny_rhost_blocks_the_address_not_the_users(void **state)
{
	struct login l;
	const char *users[] = { "alice", "bob", "carol" };
	int i;

	lockout_conf("deny = 100\ndeny_rhost = 3\nrhost_interval = 600\n");
	/* PAM_RHOST is set on the handle, as a network front end sets it. */
	for (i = 0; i < 3; i++) {
		fx_login("crm", users[i], "sprayed-Password1", "192.0.2.7", &l);
		assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	}
	fx_login("crm", "alice", "alice-Correct-Horse-1", "192.0.2.7", &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_string_equal(l.errors, "Too many failed logins from this "
			    "address. Try again later.");
	assert_int_equal(fx_audit_count(&fx, "alice", "rhost_blocked"), 1);

	/* The users themselves are not locked: another address works. */
	fx_login("crm", "alice", "alice-Correct-Horse-1", "192.0.2.8", &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);

	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "lockout", "reset",
				    "--rhost", "192.0.2.7", NULL), 0);
	fx_login("crm", "bob", "bob-Battery-Staple-2", "192.0.2.7", &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
}

static void
per_role_threshold(void **state)
{
	struct login l;
	int i;

	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "add", "admin",
				    "--scope", "company", NULL), 0);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "grant", "bob",
				    "admin", NULL), 0);
	lockout_conf("deny = 5\n[lockout.role.admin]\ndeny = 2\n"
		     "unlock_time = 0\n");
	login_refused("bob", "wrong", &l);
	login_refused("bob", "wrong", &l);
	assert_string_equal(l.errors, "The account is locked due to 2 failed "
			    "logins. (an administrator must unlock it)");
	/* alice holds no such role: the module's deny = 5 applies. */
	for (i = 0; i < 4; i++)
		login_refused("alice", "wrong", &l);
	assert_string_equal(l.errors, "");
	login_ok("alice", "alice-Correct-Horse-1");
}

/* Locked alice, right password, with PAM_SILENT when flags say so: the
 * messages the conversation saw. */
static void
locked_login_messages(int flags, char *captured, size_t len)
{
	const struct fx_login_opts opts = {
		.default_answer = "alice-Correct-Horse-1",
	};
	struct pam_testcase tests[] = {
		pam_test_flags(PAMTEST_AUTHENTICATE, PAM_AUTH_ERR, flags),
	};
	struct login l;

	assert_int_equal(run_pamtest("crm", "alice", NULL, tests,
				     fx_pam_start("crm", "alice", &opts, &l)),
			 PAMTEST_ERR_OK);
	if (snprintf(captured, len, "%s%s", l.errors, l.infos) >= (int)len)
		fail_msg("messages longer than %zu bytes", len);
}

static void
silence_hides_messages_not_decisions(void **state)
{
	struct login l;
	char captured[PAM_MAX_MSG_SIZE];

	lockout_conf("deny = 1\n");
	login_refused("alice", "wrong", &l);
	locked_login_messages(0, captured, sizeof(captured));
	assert_non_null(strstr(captured, "The account is locked"));
	/* The application asks for silence (PAM_SILENT)... */
	locked_login_messages(PAM_SILENT, captured, sizeof(captured));
	assert_string_equal(captured, "");
	/* ...or the administrator does (silent), for front ends that abort
	 * on any message. */
	lockout_conf("deny = 1\nsilent = yes\n");
	locked_login_messages(0, captured, sizeof(captured));
	assert_string_equal(captured, "");
	/* Refused and audited every time: the lock, then three denials. */
	assert_int_equal(fx_audit_count(&fx, "alice", "locked"), 4);
}

static void
items_set_by_the_front_end_reach_the_audit_trail(void **state)
{
	static char out[1 << 16];
	const struct fx_answer answers[] = {
		{ "assword", PAM_PROMPT_ECHO_OFF, "alice-wrong" },
		{ NULL, 0, NULL },
	};
	const struct fx_login_opts opts = {
		.items = { "198.51.100.23", "web-frontend-7", "pts/9" },
		.answers = answers,
	};
	struct login l;

	fx_login_ex("crm", "alice", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_int_equal(l.nprompts, 1);
	assert_int_equal(l.prompt_style[0], PAM_PROMPT_ECHO_OFF);
	assert_int_equal(l.unanswered, 0);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "audit", "--user", "alice", NULL), 0);
	assert_non_null(strstr(out, "198.51.100.23"));
	assert_non_null(strstr(out, "web-frontend-7"));
	assert_non_null(strstr(out, "pts/9"));
}

static void
audit_chain_verifies_and_breaks_when_edited(void **state)
{
	struct login l;
	char out[4096];

	login_ok("alice", "alice-Correct-Horse-1");
	login_refused("bob", "wrong", &l);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "audit",
				    "verify", NULL), 0);
	assert_non_null(strstr(out, "intact"));

	/* Someone with write access to the file turns a failure into a
	 * success: the chain no longer holds. */
	assert_int_equal(fx_sql(&fx, "DROP TRIGGER audit_append_only;"
				"UPDATE audit SET result = 'ok' "
				"WHERE event = 'auth_fail';"), 0);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "audit",
				    "verify", NULL), 1);
}

/*
 * linux-pam #842 done better: an account phase in a service whose auth
 * is not ours (here pam_permit) would clear the count, and alternating
 * two wrong guesses with one such call gave unlimited guesses.
 */
static void
account_phase_alone_never_clears_failures(void **state)
{
	struct login l;
	int round;

	lockout_conf("deny = 3\nunlock_time = 600\n");
	for (round = 0; round < 2; round++) {
		login_refused("alice", "guess", &l);
		assert_string_equal(l.errors, "");
		fx_login("crm-nopasswd", "alice", NULL, NULL, &l);
		assert_int_equal(l.auth_rc, PAM_SUCCESS);
		assert_int_equal(l.acct_rc, PAM_SUCCESS);
	}
	/* The account calls cleared nothing: the third guess locks. */
	assert_int_equal(fx_failures(&fx, "alice"), 2);
	login_refused("alice", "guess", &l);
	assert_non_null(strstr(l.errors, "The account is locked"));
	login_refused("alice", "alice-Correct-Horse-1", &l);
	assert_non_null(strstr(l.errors, "The account is locked"));
	/* And the account phase alone refuses the locked user. */
	fx_login("crm-nopasswd", "alice", NULL, NULL, &l);
	assert_int_equal(l.acct_rc, PAM_PERM_DENIED);
	assert_non_null(strstr(l.errors, "The account is locked"));
}

/* A password typed into the user field must not be kept as typed. */
static void
unknown_names_are_stored_keyed(void **state)
{
	struct login l;
	char out[8192];

	login_refused("Tr0ub4dor&3-typed-as-name", "whatever", &l);
	/* tests/pam/test_passwd.c reads the database file for it. */
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "lockout",
				    "show", NULL), 0);
	assert_null(strstr(out, "Tr0ub4dor"));
	assert_non_null(strstr(out, "(unknown)"));
	/* Counting still works per name: asked by name, it is found. */
	assert_int_equal(fx_failures(&fx, "Tr0ub4dor&3-typed-as-name"), 1);
	assert_int_equal(fx_failures(&fx, "another-unknown"), 0);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "lockout",
				    "reset", "Tr0ub4dor&3-typed-as-name",
				    NULL), 0);
	assert_int_equal(fx_failures(&fx, "Tr0ub4dor&3-typed-as-name"), 0);
}

/* With per-role thresholds, "locked" after two tries tells who is an
 * admin; lock_message=generic says nothing of a lock. */
static void
generic_lock_message_reveals_no_role(void **state)
{
	struct login admin, plain;
	int i;

	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "add", "admin",
				    "--scope", "company", NULL), 0);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "grant", "bob",
				    "admin", NULL), 0);
	lockout_conf("deny = 5\nlock_message = generic\n"
		     "[lockout.role.admin]\ndeny = 2\n");
	for (i = 0; i < 3; i++) {
		login_refused("bob", "wrong", &admin);
		login_refused("alice", "wrong", &plain);
		assert_string_equal(admin.errors, plain.errors);
		assert_null(strstr(admin.errors, "locked"));
	}
	/* bob is locked all the same, alice is not. */
	login_refused("bob", "bob-Battery-Staple-2", &admin);
	assert_string_equal(admin.errors, "");
	login_ok("alice", "alice-Correct-Horse-1");
	assert_true(fx_audit_count(&fx, "bob", "locked") >= 2);
}

/* One address, one budget, however it is spelled. */
static void
deny_rhost_counts_one_address_once_in_any_spelling(void **state)
{
	static char out[1 << 16];
	const char *spellings[] = {
		"10.9.9.9", "::ffff:10.9.9.9", "::FFFF:10.9.9.9",
	};
	struct login l;
	size_t i;

	lockout_conf("deny = 100\ndeny_rhost = 3\n");
	for (i = 0; i < 3; i++) {
		fx_login("crm", "bob", "sprayed-Password1", spellings[i], &l);
		assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	}
	fx_login("crm", "alice", "alice-Correct-Horse-1",
		 "0:0:0:0:0:ffff:a09:909", &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_string_equal(l.errors, "Too many failed logins from this "
			    "address. Try again later.");
	/* Logged and audited in one spelling too. */
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "audit", NULL), 0);
	assert_null(strstr(out, "ffff"));
	assert_non_null(strstr(out, "\"10.9.9.9\""));
	/* The administrator may name it in any spelling as well. */
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "lockout", "reset",
				    "--rhost", "::ffff:10.9.9.9", NULL), 0);
	fx_login("crm", "alice", "alice-Correct-Horse-1", "10.9.9.9", &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
}

/* Rotating addresses inside one /64 buys no fresh guesses. */
static void
deny_rhost_counts_ipv6_per_prefix(void **state)
{
	struct login l;

	lockout_conf("deny = 100\ndeny_rhost = 2\n");
	fx_login("crm", "bob", "guess", "2001:db8:1:2::1", &l);
	fx_login("crm", "bob", "guess", "2001:DB8:1:2:0:0:0:2", &l);
	fx_login("crm", "alice", "alice-Correct-Horse-1",
		 "2001:db8:1:2:aaaa:bbbb:cccc:dddd", &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_non_null(strstr(l.errors, "Too many failed logins"));
	/* The next /64 is another client. */
	fx_login("crm", "alice", "alice-Correct-Horse-1", "2001:db8:1:3::1",
		 &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "lockout", "reset",
				    "--rhost", "2001:db8:1:2::77", NULL), 0);
	/* rhost_v6_prefix = 128 counts each address alone. */
	lockout_conf("deny = 100\ndeny_rhost = 2\nrhost_v6_prefix = 128\n");
	fx_login("crm", "bob", "guess", "2001:db8:1:2::1", &l);
	fx_login("crm", "bob", "guess", "2001:db8:1:2::2", &l);
	fx_login("crm", "alice", "alice-Correct-Horse-1", "2001:db8:1:2::3",
		 &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(right_password_logs_in),
		T(wrong_password_is_refused_and_counted),
		T(unknown_user_answers_like_a_wrong_password),
		T(locked_after_deny_failures),
		T(unlocked_after_unlock_time),
		T(admin_reset_unlocks),
		T(success_clears_the_count),
		T(root_is_exempt_unless_even_deny_root),
		T(deny_rhost_blocks_the_address_not_the_users),
		T(per_role_threshold),
		T(silence_hides_messages_not_decisions),
		T(items_set_by_the_front_end_reach_the_audit_trail),
		T(audit_chain_verifies_and_breaks_when_edited),
		T(account_phase_alone_never_clears_failures),
		T(unknown_names_are_stored_keyed),
		T(generic_lock_message_reveals_no_role),
		T(deny_rhost_counts_one_address_once_in_any_spelling),
		T(deny_rhost_counts_ipv6_per_prefix),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
