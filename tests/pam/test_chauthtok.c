/*
 * test_chauthtok.c - pam_crm_passwd's password and account groups
 * through real pam_chauthtok and pam_acct_mgmt calls: every rejection
 * in its own words, the history, min_age, the current password counted
 * by the lockout, expiry to PAM_NEW_AUTHTOK_REQD and the change that
 * follows (also through crm-login), store=next handing the password on
 * (to a test module, and to the real pam_unix for a system user this
 * test creates).
 *
 * A user changing their own password is a process whose real uid is not
 * root (passwd(1) is setuid root): the test takes real uid 65534 around
 * those calls and keeps effective uid 0.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <crypt.h>
#include <shadow.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "fixture.h"

#define OLD_PW "alice-Correct-Horse-1"
#define NEW_PW "Tulip-Harbour-Orbit-42"
#define BREACHED_PW "Breached-Pass-2024!"
/* sha1sum of BREACHED_PW, in the list among 1,000,000 others. */
#define BREACHED_SHA1 "8931E3D1ABD1E7501EDC005FC68A03F7EF12EE65"
#define LIST_LINES 1000000UL
/* "Ünïcödé-Pä1": 11 characters, 16 bytes. */
#define UTF8_11 "\xc3\x9c" "n" "\xc3\xaf" "c" "\xc3\xb6" "d" "\xc3\xa9" \
	"-P" "\xc3\xa4" "1"

static struct fixture fx;
static char list_dir[] = "/tmp/crm-chauthtok.XXXXXX";
static char list_path[PATH_MAX];

static const char base_conf[] =
	"[lockout]\nnodelay = yes\ndeny = 1000\n"
	"[passwd]\nretry = 1\nremember = 3\n";

/* A sorted list of SHA-1 hex lines with counts, as the breach corpora
 * ship, with BREACHED_SHA1 at its place. */
static int
group_setup(void **state)
{
	FILE *f;
	unsigned long i;
	int written = 0;

	assert_non_null(mkdtemp(list_dir));
	snprintf(list_path, sizeof(list_path), "%s/breached.txt", list_dir);
	f = fopen(list_path, "w");
	assert_non_null(f);
	for (i = 0; i < LIST_LINES; i++) {
		char line[64];

		snprintf(line, sizeof(line), "%08lX%016lX%016lX",
			 (unsigned long)((i * 4294967296ULL) / LIST_LINES),
			 i * 2654435761UL, i);
		if (!written && strcmp(BREACHED_SHA1, line) < 0) {
			fprintf(f, "%s:12\n", BREACHED_SHA1);
			written = 1;
		}
		fprintf(f, "%s:%lu\n", line, i % 97 + 1);
	}
	assert_int_equal(fclose(f), 0);
	assert_true(written);
	return 0;
}

static int
group_teardown(void **state)
{
	unlink(list_path);
	rmdir(list_dir);
	return 0;
}

static void
write_conf(const char *extra)
{
	char conf[PATH_MAX + 4096];

	snprintf(conf, sizeof(conf), "%sbreached = %s\n%s", base_conf,
		 list_path, extra != NULL ? extra : "");
	fx_write_conf(&fx, conf);
}

static int
setup(void **state)
{
	fx_setup(&fx, NULL);
	write_conf(NULL);
	fx_user_add(&fx, "alice", OLD_PW);
	return 0;
}

static int
teardown(void **state)
{
	fx_teardown(&fx);
	return 0;
}

/* Real uid 65534 (a user at passwd(1)) or back to root. */
static void
as_user(int user)
{
	assert_int_equal(setresuid(user ? 65534 : 0, 0, (uid_t)-1), 0);
}

/* pam_chauthtok through service with the three answers (NULL: none). */
static void
change(const char *service, const char *user, const char *current,
       const char *fresh, const char *retype, int by_user, struct login *l)
{
	struct fx_answer answers[] = {
		{ "Current password", 0, current },
		{ "New password", 0, fresh },
		{ "Retype new password", 0, retype },
		{ NULL, 0, NULL },
	};
	struct fx_answer *a = answers, *kept = answers;
	struct fx_login_opts o = { .phases = FX_CHAUTHTOK };

	/* Drop the answers not given, keep the list's end. */
	for (; a->match != NULL; a++)
		if (a->text != NULL)
			*kept++ = *a;
	kept->match = NULL;
	kept->text = NULL;
	o.answers = answers;
	if (by_user)
		as_user(1);
	fx_login_ex(service, user, &o, l);
	if (by_user)
		as_user(0);
}

/* The user changes their own password in service crm. */
static int
user_change(const char *current, const char *fresh, struct login *l)
{
	change("crm", "alice", current, fresh, fresh, 1, l);
	return l->chauthtok_rc;
}

static int
login(const char *user, const char *password)
{
	struct login l;

	fx_login("crm", user, password, NULL, &l);
	return l.auth_rc;
}

/* ---- the password group ---- */

static void
prompts_and_strong_password(void **state)
{
	struct login l;

	assert_int_equal(user_change(OLD_PW, NEW_PW, &l), PAM_SUCCESS);
	assert_non_null(strstr(l.prompts, "Current password: "));
	assert_non_null(strstr(l.prompts, "New password: "));
	assert_non_null(strstr(l.prompts, "Retype new password: "));
	assert_int_equal(l.nprompts, 3);
	assert_int_equal(login("alice", NEW_PW), PAM_SUCCESS);
	assert_int_equal(login("alice", OLD_PW), PAM_AUTH_ERR);
	assert_int_equal(fx_audit_count(&fx, "alice", "password_changed"), 1);
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM users WHERE name = 'alice' AND "
			      "password_hash LIKE '$y$%' AND must_change = 0"));
	/* The history holds hashes only. */
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM password_history WHERE "
			      "name = 'alice' AND hash LIKE '$y$%'"));
	assert_false(fx_sql_holds(&fx, "SELECT 1 FROM password_history WHERE "
			       "hash LIKE '%Tulip%'"));
}

struct rejection {
	const char *password;
	const char *message;
	const char *reason;		/* in the audit detail */
};

static void
every_rejection_in_plain_words(void **state)
{
	static const struct rejection cases[] = {
		{ "Sh0rt-Pw!", "The password is shorter than 12 characters",
		  "minlen" },
		{ "My-alice-Is-Great-24", "The password contains the user name",
		  "usercheck" },
		{ "My-ecila-Is-Great-24", "The password contains the user name",
		  "usercheck" },
		{ BREACHED_PW, "The password is in a list of breached passwords",
		  "breached" },
		{ "Representative1", "The password is based on a dictionary word",
		  "dictcheck" },
		{ "lowercase-only-here",
		  "The password has too few kinds of characters (needs 3 of: "
		  "lower case, upper case, digits, others)", "minclass" },
		/* UTF-8 counted in characters: 11 of them in 16 bytes. */
		{ UTF8_11,
		  "The password is shorter than 12 characters", "minlen" },
	};
	char query[512];
	struct login l;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(user_change(OLD_PW, cases[i].password, &l),
				 PAM_AUTHTOK_ERR);
		if (strstr(l.errors, cases[i].message) == NULL)
			fail_msg("%s: %s not in \"%s\"", cases[i].password,
				 cases[i].message, l.errors);
		/* Refused before the retype. */
		assert_null(strstr(l.prompts, "Retype"));
		snprintf(query, sizeof(query), "SELECT 1 FROM audit WHERE "
			 "event = 'password_rejected' AND detail LIKE "
			 "'%%reason=%%%s%%'", cases[i].reason);
		assert_true(fx_sql_holds(&fx, query));
	}
	assert_int_equal(fx_audit_count(&fx, "alice", "password_rejected"),
			 (long)(sizeof(cases) / sizeof(cases[0])));
	/* Nothing was changed, and no candidate reached a row or a log. */
	assert_int_equal(login("alice", OLD_PW), PAM_SUCCESS);
	assert_false(fx_sql_holds(&fx, "SELECT 1 FROM audit WHERE detail LIKE "
			       "'%Sh0rt%' OR detail LIKE '%Representative%'"));
	/* 12 characters of UTF-8 pass where 11 did not. */
	assert_int_equal(user_change(OLD_PW, UTF8_11 "2", &l), PAM_SUCCESS);
}

/* Each rule at its boundary: one character more refused, at the limit
 * accepted. */
static void
rules_at_their_boundaries(void **state)
{
	static const struct {
		const char *refused, *accepted, *message;
	} cases[] = {
		{ "Kq7#Zw2$Lp9", "Kq7#Zw2$Lp9x", "shorter than 12 characters" },
		{ "kqzwlpxmvbnrtg", "kqzwlpxmvbnrT7", "too few kinds" },
		{ "Kq7#Zwwww2Lp9x", "Kq7#Zwww2Lp9xr", "same characters in a row" },
		{ "Kq7#Z12345Lp9x", "Kq7#Z1234Lp9xr", "a sequence longer than 4" },
	};
	char current[64];
	struct login l;
	size_t i;

	snprintf(current, sizeof(current), "%s", OLD_PW);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(user_change(current, cases[i].refused, &l),
				 PAM_AUTHTOK_ERR);
		if (strstr(l.errors, cases[i].message) == NULL)
			fail_msg("%s: \"%s\" not in \"%s\"", cases[i].refused,
				 cases[i].message, l.errors);
		if (user_change(current, cases[i].accepted, &l) != PAM_SUCCESS)
			fail_msg("%s refused: %s", cases[i].accepted,
				 l.errors);
		snprintf(current, sizeof(current), "%s", cases[i].accepted);
	}
}

/* [passwd.role.admin] minlen = 16 holds for admins only. */
static void
role_override(void **state)
{
	struct login l;

	write_conf("[passwd.role.admin]\nminlen = 16\n");
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "add", "admin",
				    "--scope", "company", NULL), 0);
	fx_user_add(&fx, "root-ann", "Quiet-Forest-Lamp-55");
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "grant",
				    "root-ann", "admin", NULL), 0);
	change("crm", "root-ann", "Quiet-Forest-Lamp-55", "Kq7#Zw2$Lp9xRt",
	       "Kq7#Zw2$Lp9xRt", 1, &l);
	assert_int_equal(l.chauthtok_rc, PAM_AUTHTOK_ERR);
	assert_non_null(strstr(l.errors, "shorter than 16 characters"));
	assert_int_equal(user_change(OLD_PW, "Kq7#Zw2$Lp9xRt", &l),
			 PAM_SUCCESS);
	change("crm", "root-ann", "Quiet-Forest-Lamp-55", "Kq7#Zw2$Lp9xRtYu",
	       "Kq7#Zw2$Lp9xRtYu", 1, &l);
	assert_int_equal(l.chauthtok_rc, PAM_SUCCESS);
}

static void
retry_and_mismatch(void **state)
{
	struct fx_answer answers[] = {
		{ "Current password", 0, OLD_PW },
		{ "New password", 0, "weak" },
		{ "New password", 0, NEW_PW },
		{ "Retype new password", 0, NEW_PW },
		{ NULL, 0, NULL },
	};
	struct fx_login_opts o = { .phases = FX_CHAUTHTOK, .answers = answers };
	struct login l;

	/* retry=1: a retype that differs ends it. */
	change("crm", "alice", OLD_PW, NEW_PW, "Tulip-Harbour-Orbit-43", 1, &l);
	assert_int_equal(l.chauthtok_rc, PAM_AUTHTOK_ERR);
	assert_non_null(strstr(l.errors, "Sorry, passwords do not match"));
	assert_int_equal(login("alice", OLD_PW), PAM_SUCCESS);

	/* retry=2: a weak one, told why, then a strong one. */
	write_conf("retry = 2\n");
	as_user(1);
	fx_login_ex("crm", "alice", &o, &l);
	as_user(0);
	assert_int_equal(l.chauthtok_rc, PAM_SUCCESS);
	assert_non_null(strstr(l.errors,
			       "The password is shorter than 12 characters"));
	assert_int_equal(login("alice", NEW_PW), PAM_SUCCESS);
}

static void
history_refuses_the_last_remember(void **state)
{
	static const char *const pw[] = {
		"Amber-Violin-Quartz-71", "Birch-Lantern-Comet-82",
		"Cedar-Meadow-Prism-93", "Delta-Harvest-Onyx-14",
	};
	struct login l;

	/* remember = 3: the current password and the two before it. */
	assert_int_equal(user_change(OLD_PW, pw[0], &l), PAM_SUCCESS);
	assert_int_equal(user_change(pw[0], pw[0], &l), PAM_AUTHTOK_ERR);
	assert_non_null(strstr(l.errors, "The password was used before"));
	assert_int_equal(user_change(pw[0], pw[1], &l), PAM_SUCCESS);
	assert_int_equal(user_change(pw[1], pw[0], &l), PAM_AUTHTOK_ERR);
	assert_non_null(strstr(l.errors, "The password was used before"));
	assert_int_equal(user_change(pw[1], pw[2], &l), PAM_SUCCESS);
	assert_int_equal(user_change(pw[2], pw[0], &l), PAM_AUTHTOK_ERR);
	assert_int_equal(user_change(pw[2], pw[3], &l), PAM_SUCCESS);
	/* Three newer passwords later, the first may come back. */
	assert_int_equal(user_change(pw[3], pw[0], &l), PAM_SUCCESS);
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM (SELECT count(*) AS n FROM "
			      "password_history WHERE name = 'alice') "
			      "WHERE n = 3"));
	/* A password set another way (user add) is remembered too, once
	 * it is replaced. */
	fx_user_add(&fx, "bob", "Quiet-Forest-Lamp-55");
	change("crm", "bob", "Quiet-Forest-Lamp-55", pw[0], pw[0], 1, &l);
	assert_int_equal(l.chauthtok_rc, PAM_SUCCESS);
	change("crm", "bob", pw[0], "Quiet-Forest-Lamp-55",
	       "Quiet-Forest-Lamp-55", 1, &l);
	assert_int_equal(l.chauthtok_rc, PAM_AUTHTOK_ERR);
	assert_non_null(strstr(l.errors, "The password was used before"));
	/* An account deleted takes its history with it. */
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "user", "del", "alice",
				    NULL), 0);
	assert_false(fx_sql_holds(&fx, "SELECT 1 FROM password_history WHERE "
			       "name = 'alice'"));
}

static void
min_age_refuses_a_second_change(void **state)
{
	struct login l;

	write_conf("min_age = 1\n");
	/* Set two days ago by the administrator. */
	assert_int_equal(fx_sql(&fx, "UPDATE users SET password_changed = "
				"password_changed - 2 * 86400000"), 0);
	assert_int_equal(user_change(OLD_PW, NEW_PW, &l), PAM_SUCCESS);
	assert_int_equal(user_change(NEW_PW, "Amber-Violin-Quartz-71", &l),
			 PAM_AUTHTOK_ERR);
	assert_non_null(strstr(l.errors,
			       "You must wait longer to change your password"));
	assert_int_equal(login("alice", NEW_PW), PAM_SUCCESS);
	/* A day later it may. */
	assert_int_equal(fx_sql(&fx, "UPDATE users SET password_changed = "
				"password_changed - 86400001"), 0);
	assert_int_equal(user_change(NEW_PW, "Amber-Violin-Quartz-71", &l),
			 PAM_SUCCESS);
}

/* An attacker with a handle calls only pam_chauthtok to guess the
 * current password: each guess is a failed login, and the lock holds. */
static void
current_password_guesses_are_counted(void **state)
{
	struct login l;
	int i;

	write_conf("[lockout]\ndeny = 3\n");
	for (i = 0; i < 3; i++) {
		assert_int_equal(user_change("guess-Number-1", NEW_PW, &l),
				 PAM_AUTH_ERR);
		assert_null(strstr(l.prompts, "New password"));
	}
	assert_int_equal(fx_failures(&fx, "alice"), 3);
	assert_int_equal(user_change(OLD_PW, NEW_PW, &l), PAM_AUTHTOK_ERR);
	assert_non_null(strstr(l.errors, "locked"));
	assert_int_equal(login("alice", OLD_PW), PAM_AUTH_ERR);
	/* An unknown name answers in the same words. */
	assert_int_equal(user_change("guess-Number-1", NEW_PW, &l),
			 PAM_AUTHTOK_ERR);
	change("crm", "nobody-here", "guess-Number-1", NEW_PW, NEW_PW, 1, &l);
	assert_int_equal(l.chauthtok_rc, PAM_AUTH_ERR);
	assert_non_null(strstr(l.errors, "The current password is wrong"));
}

/* A stack that lets the preliminary check fail must not turn the update
 * into a change without the current password. */
static void
update_without_preliminary_check_refused(void **state)
{
	struct login l;

	change("crm-pwoptional", "alice", "guess-Number-1", NEW_PW, NEW_PW, 1,
	       &l);
	assert_int_equal(login("alice", OLD_PW), PAM_SUCCESS);
	assert_int_equal(login("alice", NEW_PW), PAM_AUTH_ERR);
	assert_int_equal(fx_audit_count(&fx, "alice", "password_changed"), 0);
}

/* Root is an administrator: no current password; the policy warns
 * unless enforce_for_root. */
static void
root_warned_unless_enforced(void **state)
{
	struct login l;

	change("crm-enforce", "alice", NULL, "Sh0rt-Pw!", "Sh0rt-Pw!", 0, &l);
	assert_int_equal(l.chauthtok_rc, PAM_AUTHTOK_ERR);
	assert_non_null(strstr(l.errors, "shorter than 12"));
	assert_int_equal(login("alice", OLD_PW), PAM_SUCCESS);

	change("crm", "alice", NULL, "Sh0rt-Pw!", "Sh0rt-Pw!", 0, &l);
	assert_int_equal(l.chauthtok_rc, PAM_SUCCESS);
	assert_null(strstr(l.prompts, "Current password"));
	assert_non_null(strstr(l.infos, "shorter than 12"));
	assert_int_equal(login("alice", "Sh0rt-Pw!"), PAM_SUCCESS);
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM audit WHERE event = "
			      "'password_changed' AND detail LIKE "
			      "'weak, accepted by an administrator%minlen%'"));
}

/* ---- the account group: ageing ---- */

static void
expired_change_then_login(void **state)
{
	struct login l;
	struct fx_answer answers[] = {
		{ "Current password", 0, OLD_PW },
		{ "New password", 0, NEW_PW },
		{ "Retype new password", 0, NEW_PW },
		{ "Password", 0, OLD_PW },
		{ NULL, 0, NULL },
	};
	struct fx_login_opts o = {
		.phases = FX_AUTH | FX_ACCT | FX_CHAUTHTOK,
		.answers = answers,
	};

	assert_int_equal(fx_sql(&fx, "UPDATE users SET must_change = 1"), 0);
	fx_login_ex("crm", "alice", &o, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(l.acct_rc, PAM_NEW_AUTHTOK_REQD);
	assert_string_equal(fx_env_get(&l, "CRM_STATUS"), "expired");
	assert_non_null(strstr(l.errors, "You are required to change your "
			       "password immediately (administrator "
			       "enforced)"));
	/* Changing an expired password at login is the user's change:
	 * the current one is asked, even of root's process. */
	assert_int_equal(l.chauthtok_rc, PAM_SUCCESS);
	assert_non_null(strstr(l.prompts, "Current password"));
	assert_int_equal(fx_audit_count(&fx, "alice", "password_expired"), 1);

	fx_login("crm", "alice", NEW_PW, NULL, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(l.acct_rc, PAM_SUCCESS);
	assert_null(fx_env_get(&l, "CRM_STATUS"));
}

static void
max_age_and_warn_age(void **state)
{
	struct login l;

	/* 85 of 90 days: five left, warn_age 7. */
	assert_int_equal(fx_sql(&fx, "UPDATE users SET password_changed = "
				"CAST(strftime('%s','now') AS INTEGER) * 1000 "
				"- 85 * 86400000"), 0);
	fx_login("crm", "alice", OLD_PW, NULL, &l);
	assert_int_equal(l.acct_rc, PAM_SUCCESS);
	assert_non_null(strstr(l.infos, "Your password will expire in 5 days"));

	assert_int_equal(fx_sql(&fx, "UPDATE users SET password_changed = "
				"CAST(strftime('%s','now') AS INTEGER) * 1000 "
				"- 91 * 86400000"), 0);
	fx_login("crm", "alice", OLD_PW, NULL, &l);
	assert_int_equal(l.acct_rc, PAM_NEW_AUTHTOK_REQD);
	assert_string_equal(fx_env_get(&l, "CRM_STATUS"), "expired");
	assert_non_null(strstr(l.errors, "(password expired)"));

	/* max_age = 0: never. */
	write_conf("max_age = 0\n");
	fx_login("crm", "alice", OLD_PW, NULL, &l);
	assert_int_equal(l.acct_rc, PAM_SUCCESS);
	assert_null(strstr(l.infos, "expire"));
}

/* A disabled account whose password has also expired is refused as
 * disabled: the first refusal names the reason. */
static void
first_refusal_keeps_its_status(void **state)
{
	struct login l;

	assert_int_equal(fx_sql(&fx, "UPDATE users SET must_change = 1"), 0);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "user", "disable",
				    "alice", NULL), 0);
	fx_login("crm", "alice", OLD_PW, NULL, &l);
	assert_int_not_equal(l.acct_rc, PAM_SUCCESS);
	assert_int_not_equal(l.acct_rc, PAM_NEW_AUTHTOK_REQD);
	assert_string_equal(fx_env_get(&l, "CRM_STATUS"), "disabled");
}

/* crm-login changes an expired password on the spot, as login(1). */
static void
crm_login_expired_flow(void **state)
{
	const char *crm_login = getenv("CRM_TEST_CRM_LOGIN");
	char out[8192];

	assert_non_null(crm_login);
	assert_int_equal(fx_sql(&fx, "UPDATE users SET must_change = 1"), 0);
	assert_int_equal(fx_run_wrapped(OLD_PW "\n" OLD_PW "\n" NEW_PW "\n"
					NEW_PW "\n", out, sizeof(out),
					crm_login, "-s", "crm", "--stdin",
					"alice", NULL), 0);
	assert_int_equal(fx_run_wrapped(NEW_PW "\n", out, sizeof(out),
					crm_login, "-s", "crm", "--stdin",
					"alice", NULL), 0);
	assert_non_null(strstr(out, "CRM_USER=alice"));
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM users WHERE name = 'alice' AND "
			      "must_change = 0"));
}

/* ---- store=next ---- */

static void
store_next_hands_authtok_on(void **state)
{
	struct login l;
	char log[16384];

	/* A system account: no CRM row; the history is kept by name. */
	fx_log_begin(&fx);
	change("crm-next", "sysuser", NULL, "Next-Module-Gets-This-9",
	       "Next-Module-Gets-This-9", 1, &l);
	fx_log_end(&fx, log, sizeof(log));
	assert_int_equal(l.chauthtok_rc, PAM_SUCCESS);
	assert_null(strstr(l.prompts, "Current password"));
	assert_non_null(strstr(log, "pam_test_authtok: PAM_AUTHTOK as expected"));
	assert_true(fx_sql_holds(&fx, "SELECT 1 FROM password_history WHERE "
			      "name = 'sysuser'"));
	/* The next module sees what we passed, nothing else. */
	change("crm-next", "sysuser", NULL, "Other-Strong-Pass-77",
	       "Other-Strong-Pass-77", 1, &l);
	assert_int_equal(l.chauthtok_rc, PAM_AUTHTOK_ERR);
	/* Reuse is ours to refuse, before the next module. */
	fx_log_begin(&fx);
	change("crm-next", "sysuser", NULL, "Next-Module-Gets-This-9",
	       "Next-Module-Gets-This-9", 1, &l);
	fx_log_end(&fx, log, sizeof(log));
	assert_int_equal(l.chauthtok_rc, PAM_AUTHTOK_ERR);
	assert_non_null(strstr(l.errors, "The password was used before"));
	assert_null(strstr(log, "pam_test_authtok"));
	/* A weak one never reaches it either. */
	change("crm-next", "sysuser", NULL, "weak", "weak", 1, &l);
	assert_int_equal(l.chauthtok_rc, PAM_AUTHTOK_ERR);
}

/* A system tool, as an administrator runs it: without this test's
 * preloads (the syslog shim, libfaketime, the sanitizers' runtime),
 * which make useradd's nscd call abort. */
static int
run(const char *cmd)
{
	char line[512];
	int rc;

	snprintf(line, sizeof(line),
		 "env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin %s", cmd);
	rc = system(line);

	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/*
 * /etc/shadow holds a yescrypt hash of password for user: what pam_unix
 * wrote is what we checked.  (Calling crypt_r here also links libcrypt
 * into the test, which AddressSanitizer's crypt_r interceptor needs
 * before pam_unix.so is loaded.)
 */
static void
shadow_holds(const char *user, const char *password)
{
	struct crypt_data data;
	struct spwd *sp;
	const char *hash;

	sp = getspnam(user);
	assert_non_null(sp);
	assert_int_equal(strncmp(sp->sp_pwdp, "$y$", 3), 0);
	memset(&data, 0, sizeof(data));
	hash = crypt_r(password, sp->sp_pwdp, &data);
	assert_non_null(hash);
	assert_string_equal(hash, sp->sp_pwdp);
}

/* The real pam_unix use_authtok writes what we checked into /etc/shadow
 * for a system user made here. */
static void
store_next_with_pam_unix(void **state)
{
	struct login l;

	(void)run("userdel crmpwunix >/dev/null 2>&1");
	assert_int_equal(run("useradd -M -s /usr/sbin/nologin crmpwunix"), 0);
	change("crm-unix", "crmpwunix", NULL, "Unix-Gets-It-From-Us-7",
	       "Unix-Gets-It-From-Us-7", 0, &l);
	assert_int_equal(l.chauthtok_rc, PAM_SUCCESS);
	shadow_holds("crmpwunix", "Unix-Gets-It-From-Us-7");
	fx_login("crm-unix", "crmpwunix", "Unix-Gets-It-From-Us-7", NULL, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	fx_login("crm-unix", "crmpwunix", "Unix-Gets-It-From-Us-8", NULL, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	/* The user's own change: pam_unix asks the current password, we
	 * refuse a weak new one before pam_unix sees it. */
	change("crm-unix", "crmpwunix", "Unix-Gets-It-From-Us-7", "weak-one",
	       "weak-one", 1, &l);
	assert_int_equal(l.chauthtok_rc, PAM_AUTHTOK_ERR);
	assert_non_null(strstr(l.errors, "shorter than 12"));
	fx_login("crm-unix", "crmpwunix", "Unix-Gets-It-From-Us-7", NULL, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(run("userdel crmpwunix"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(prompts_and_strong_password),
		T(every_rejection_in_plain_words),
		T(rules_at_their_boundaries),
		T(role_override),
		T(retry_and_mismatch),
		T(history_refuses_the_last_remember),
		T(min_age_refuses_a_second_change),
		T(current_password_guesses_are_counted),
		T(update_without_preliminary_check_refused),
		T(root_warned_unless_enforced),
		T(expired_change_then_login),
		T(max_age_and_warn_age),
		T(first_refusal_keeps_its_status),
		T(crm_login_expired_flow),
		T(store_next_hands_authtok_on),
		T(store_next_with_pam_unix),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
