/*
 * test_totp.c - pam_crm_totp through the real pam.d/crm stack: codes an
 * authenticator app makes (liboath, here as in the app) at and around
 * now, for each algorithm and length; replay, also by racing processes;
 * recovery codes; failures counted by pam_crm_lockout; require_roles,
 * nullok, pending and forced enrolment, trusted networks, concat; seeds
 * that were changed or moved; and oathtool agreeing with our seeds.
 *
 * The clock of this process (the modules run here) is frozen by
 * libfaketime at T0; crmauth runs on the real clock and is only used to
 * enrol, never to check codes.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <liboath/oath.h>
#include <security/pam_appl.h>

#include "fixture.h"

/* 2027-01-01 00:00:10 UTC: ten seconds into a 30 s step. */
#define T0 1798761610L
#define T0_TEXT "2027-01-01 00:00:10"

static struct fixture fx;

static const char base_conf[] =
	"[lockout]\nnodelay = yes\ndeny = 1000\n"
	"[totp]\nnodelay = yes\n";

static void
freeze_clock(long offset)
{
	char value[64];
	time_t t = (time_t)(T0 + offset);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(value, sizeof(value), "%Y-%m-%d %H:%M:%S", &tm);
	fx_faketime(value);
	assert_int_equal((long)time(NULL), T0 + offset);
}

static int
setup(void **state)
{
	oath_init();
	fx_setup(&fx, base_conf);
	freeze_clock(0);
	return 0;
}

static int
teardown(void **state)
{
	fx_clock_offset(0);
	fx_teardown(&fx);
	oath_done();
	return 0;
}

/* ---- enrolment as an administrator does it, and the app's side ---- */

struct seed {
	char secret[256];		/* raw bytes */
	size_t len;
	int flags;			/* OATH_TOTP_HMAC_* */
	unsigned int digits, period;
	char base32[160];
	char uri[600];
	char recovery[10][16];
};

static void
parse_uri_into(const char *uri, struct seed *s)
{
	const char *p;
	char *raw = NULL;
	size_t n;

	snprintf(s->uri, sizeof(s->uri), "%s", uri);
	p = strstr(uri, "secret=");
	assert_non_null(p);
	n = strcspn(p + 7, "&");
	assert_true(n < sizeof(s->base32));
	memcpy(s->base32, p + 7, n);
	s->base32[n] = '\0';
	assert_int_equal(oath_base32_decode(s->base32, n, &raw, &s->len),
			 OATH_OK);
	memcpy(s->secret, raw, s->len);
	free(raw);
	s->flags = strstr(uri, "algorithm=SHA256") ? OATH_TOTP_HMAC_SHA256
		 : strstr(uri, "algorithm=SHA512") ? OATH_TOTP_HMAC_SHA512 : 0;
	p = strstr(uri, "digits=");
	s->digits = p != NULL ? (unsigned int)atoi(p + 7) : 6;
	p = strstr(uri, "period=");
	s->period = p != NULL ? (unsigned int)atoi(p + 7) : 30;
}

/* crmauth --json totp enroll USER [ARGS...]: the seed as the app gets it
 * from the QR code's URI. */
static void
enroll(const char *user, struct seed *s, const char *a1, const char *a2,
       const char *a3, const char *a4)
{
	char out[16384];
	json_object *root, *uri, *codes;
	size_t i;

	memset(s, 0, sizeof(*s));
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "totp", "enroll", user, a1, a2, a3, a4,
				    NULL), 0);
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "uri", &uri));
	assert_true(json_object_object_get_ex(root, "recovery", &codes));
	assert_int_equal(json_object_array_length(codes), 10);
	for (i = 0; i < 10; i++)
		snprintf(s->recovery[i], sizeof(s->recovery[i]), "%s",
			 json_object_get_string(
				json_object_array_get_idx(codes, i)));
	parse_uri_into(json_object_get_string(uri), s);
	json_object_put(root);
}

/* The code the app shows at T0 + steps periods. */
static void
code_at(const struct seed *s, long steps, char *out)
{
	assert_int_equal(oath_totp_generate2(s->secret, s->len,
			 (time_t)(T0 + steps * (long)s->period), s->period, 0,
			 s->digits, s->flags, out), OATH_OK);
}

static void
add_user(const char *user)
{
	fx_user_add(&fx, user, "Pass-word-1234");
}

/* A login through pam.d/crm: the password, then code (NULL: no answer
 * for a code prompt, which refuses the conversation). */
static void
login_code(const char *user, const char *code, const char *rhost,
	   struct login *l)
{
	struct fx_answer answers[] = {
		{ "assword", PAM_PROMPT_ECHO_OFF, "Pass-word-1234" },
		{ "Verification code", PAM_PROMPT_ECHO_ON, code },
		{ NULL, 0, NULL },
	};
	struct fx_login_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.answers = answers;
	opts.items.rhost = rhost;
	fx_login_ex("crm", user, &opts, l);
}

static int
login_rc(const char *user, const char *code)
{
	struct login l;

	login_code(user, code, "192.0.2.10", &l);
	return l.auth_rc;
}

/* ---- the code window, algorithms, lengths ---- */

static void
codes_of_the_window_log_in_and_others_do_not(void **state)
{
	struct seed s;
	char code[16];

	add_user("win");
	enroll("win", &s, NULL, NULL, NULL, NULL);
	/* Two steps away is outside window=1 on either side. */
	code_at(&s, -2, code);
	assert_int_equal(login_rc("win", code), PAM_AUTH_ERR);
	code_at(&s, 2, code);
	assert_int_equal(login_rc("win", code), PAM_AUTH_ERR);
	assert_int_equal(fx_audit_count(&fx, "win", "totp_fail"), 2);
	/* One step back, now, one ahead: each a newer step than the last. */
	code_at(&s, -1, code);
	assert_int_equal(login_rc("win", code), PAM_SUCCESS);
	assert_int_equal(fx_audit_count(&fx, "win", "totp_enrol_confirmed"), 1);
	code_at(&s, 0, code);
	assert_int_equal(login_rc("win", code), PAM_SUCCESS);
	code_at(&s, 1, code);
	assert_int_equal(login_rc("win", code), PAM_SUCCESS);
	assert_int_equal(fx_audit_count(&fx, "win", "totp_ok"), 2);
	/* No code, a wrong one, letters: refused. */
	assert_int_equal(login_rc("win", ""), PAM_AUTH_ERR);
	assert_int_equal(login_rc("win", "000000x"), PAM_AUTH_ERR);
}

static void
every_algorithm_and_length_logs_in(void **state)
{
	static const char *const algorithms[] = { "SHA1", "SHA256", "SHA512" };
	static const char *const digits[] = { "6", "7", "8" };
	char user[32], code[16];
	struct seed s;
	size_t a, d;

	for (a = 0; a < 3; a++) {
		for (d = 0; d < 3; d++) {
			snprintf(user, sizeof(user), "alg%zu%zu", a, d);
			add_user(user);
			enroll(user, &s, "--algorithm", algorithms[a],
			       "--digits", digits[d]);
			assert_int_equal(s.digits, (unsigned int)atoi(digits[d]));
			assert_int_equal(s.len, a == 0 ? 20 : a == 1 ? 32 : 64);
			code_at(&s, 0, code);
			assert_int_equal(strlen(code), s.digits);
			assert_int_equal(login_rc(user, code), PAM_SUCCESS);
		}
	}
}

/* The seeds we enrol are what oathtool (and so any authenticator app)
 * reads: the code oathtool makes from the URI's secret logs in. */
static void
oathtool_agrees_with_enrolled_seeds(void **state)
{
	char cmd[512], code[32];
	struct seed s;
	FILE *p;

	add_user("oat");
	enroll("oat", &s, "--algorithm", "SHA256", "--digits", "8");
	/* Without this process's preloads (libfaketime, a sanitizer):
	 * oathtool is told the time itself. */
	snprintf(cmd, sizeof(cmd), "env -u LD_PRELOAD oathtool --totp=SHA256 --digits=8 "
		 "--base32 --now '%s UTC' %s", T0_TEXT, s.base32);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(code, sizeof(code), p));
	assert_int_equal(pclose(p), 0);
	code[strcspn(code, "\n")] = '\0';
	assert_int_equal(strlen(code), 8);
	assert_int_equal(login_rc("oat", code), PAM_SUCCESS);
}

/* ---- replay ---- */

static void
a_code_is_accepted_once(void **state)
{
	struct seed s;
	char code[16];

	add_user("rep");
	enroll("rep", &s, NULL, NULL, NULL, NULL);
	code_at(&s, 0, code);
	assert_int_equal(login_rc("rep", code), PAM_SUCCESS);
	assert_int_equal(login_rc("rep", code), PAM_AUTH_ERR);
	assert_int_equal(fx_audit_count(&fx, "rep", "totp_replay"), 1);
	/* An older step's code after a newer one is a replay as well. */
	code_at(&s, -1, code);
	assert_int_equal(login_rc("rep", code), PAM_AUTH_ERR);
	assert_int_equal(fx_audit_count(&fx, "rep", "totp_replay"), 2);
}

static void
racing_processes_with_one_code_let_exactly_one_in(void **state)
{
	enum { RACERS = 8 };
	struct seed s;
	char code[16];
	pid_t pids[RACERS];
	int fds[2], i, status, ok = 0, failed = 0;
	char go;

	add_user("race");
	enroll("race", &s, NULL, NULL, NULL, NULL);
	code_at(&s, 0, code);
	assert_int_equal(pipe(fds), 0);
	for (i = 0; i < RACERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			close(fds[1]);
			/* All start together: the pipe closes at once. */
			(void)read(fds[0], &go, 1);
			_exit(login_rc("race", code) == PAM_SUCCESS ? 0 : 1);
		}
	}
	close(fds[0]);
	close(fds[1]);
	for (i = 0; i < RACERS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == 0)
			ok++;
		else
			failed++;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(failed, RACERS - 1);
	assert_int_equal(fx_audit_count(&fx, "race", "totp_replay"),
			 RACERS - 1);
}

/* ---- recovery codes ---- */

static void
a_recovery_code_works_once(void **state)
{
	struct seed s;
	char upper[16];
	size_t i;

	add_user("rec");
	enroll("rec", &s, NULL, NULL, NULL, NULL);
	assert_int_equal(login_rc("rec", s.recovery[0]), PAM_SUCCESS);
	assert_int_equal(login_rc("rec", s.recovery[0]), PAM_AUTH_ERR);
	/* Typed in capitals and without the dashes: the same code. */
	for (i = 0; s.recovery[1][i] != '\0'; i++)
		upper[i] = s.recovery[1][i] == '-' ? ' ' :
			   (char)(s.recovery[1][i] >= 'a' &&
				  s.recovery[1][i] <= 'z'
				  ? s.recovery[1][i] - 'a' + 'A'
				  : s.recovery[1][i]);
	upper[i] = '\0';
	assert_int_equal(login_rc("rec", upper), PAM_SUCCESS);
	assert_int_equal(fx_audit_count(&fx, "rec", "recovery_used"), 2);
	/* Another user's code is not this user's. */
	add_user("rec2");
	enroll("rec2", &s, NULL, NULL, NULL, NULL);
	assert_int_equal(login_rc("rec", s.recovery[2]), PAM_AUTH_ERR);
}

/* ---- guessing is bounded by pam_crm_lockout ---- */

static void
wrong_codes_count_as_failures_and_lock(void **state)
{
	struct seed s;
	char code[16];

	fx_write_conf(&fx, "[lockout]\nnodelay = yes\ndeny = 3\n"
		      "[totp]\nnodelay = yes\n");
	add_user("guess");
	enroll("guess", &s, NULL, NULL, NULL, NULL);
	assert_int_equal(login_rc("guess", "111111"), PAM_AUTH_ERR);
	assert_int_equal(fx_failures(&fx, "guess"), 1);
	assert_int_equal(login_rc("guess", "222222"), PAM_AUTH_ERR);
	assert_int_equal(login_rc("guess", "333333"), PAM_AUTH_ERR);
	assert_int_equal(fx_failures(&fx, "guess"), 3);
	/* Locked: even the right code is refused now. */
	code_at(&s, 0, code);
	assert_int_equal(login_rc("guess", code), PAM_AUTH_ERR);
	assert_int_equal(fx_audit_count(&fx, "guess", "totp_ok"), 0);
	fx_write_conf(&fx, base_conf);
}

static void
a_right_code_marks_the_handle_authenticated(void **state)
{
	struct seed s;
	char code[16];

	/* pam.d/crm's authsucc clears the failures only after a success
	 * of the whole auth stack: a wrong code leaves them, a right one
	 * clears them. */
	add_user("mark");
	enroll("mark", &s, NULL, NULL, NULL, NULL);
	assert_int_equal(login_rc("mark", "123123"), PAM_AUTH_ERR);
	assert_int_equal(fx_failures(&fx, "mark"), 1);
	code_at(&s, 0, code);
	assert_int_equal(login_rc("mark", code), PAM_SUCCESS);
	assert_int_equal(fx_failures(&fx, "mark"), 0);
}

static int
totp_only_login(const char *user, const char *code)
{
	struct fx_answer answers[] = {
		{ "Verification code", PAM_PROMPT_ECHO_ON, code },
		{ NULL, 0, NULL },
	};
	struct fx_login_opts opts;
	struct login l;

	memset(&opts, 0, sizeof(opts));
	opts.answers = answers;
	fx_login_ex("crm-totponly", user, &opts, &l);
	return l.auth_rc == PAM_SUCCESS ? l.acct_rc : l.auth_rc;
}

/* The foundation's rule: an account phase clears failures only when our
 * modules saw the user authenticate in the same handle.  A right code is
 * such an authentication, a wrong one is not. */
static void
a_right_code_alone_lets_the_account_phase_clear_failures(void **state)
{
	struct seed s;
	char code[16];

	add_user("only");
	enroll("only", &s, NULL, NULL, NULL, NULL);
	assert_int_equal(login_rc("only", "121212"), PAM_AUTH_ERR);
	assert_int_equal(login_rc("only", "343434"), PAM_AUTH_ERR);
	assert_int_equal(fx_failures(&fx, "only"), 2);
	assert_int_equal(totp_only_login("only", "565656"), PAM_AUTH_ERR);
	assert_int_equal(fx_failures(&fx, "only"), 2);
	code_at(&s, 0, code);
	assert_int_equal(totp_only_login("only", code), PAM_SUCCESS);
	assert_int_equal(fx_failures(&fx, "only"), 0);
}

/* ---- who is asked ---- */

static void
require_roles_and_nullok(void **state)
{
	struct login l;

	fx_write_conf(&fx, "[lockout]\nnodelay = yes\ndeny = 1000\n"
		      "[totp]\nnodelay = yes\nrequire_roles = admin,manager\n");
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "add",
				    "manager", "--scope", "company", NULL), 0);
	add_user("boss");
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "grant",
				    "boss", "manager", NULL), 0);
	add_user("clerk");
	/* Not in a required role, not enrolled: the password is enough,
	 * and no code is asked. */
	login_code("clerk", NULL, "192.0.2.10", &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_null(strstr(l.prompts, "Verification"));
	/* In one, not enrolled: refused, with what to do. */
	login_code("boss", NULL, "192.0.2.10", &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_non_null(strstr(l.errors, "ask an administrator"));
	assert_int_equal(fx_audit_count(&fx, "boss", "totp_required"), 1);
	/* nullok: nobody must. */
	fx_write_conf(&fx, "[lockout]\nnodelay = yes\ndeny = 1000\n"
		      "[totp]\nnodelay = yes\nrequire_roles = admin,manager\n"
		      "nullok = yes\n");
	login_code("boss", NULL, "192.0.2.10", &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	fx_write_conf(&fx, base_conf);
}

static void
a_pending_enrolment_is_not_yet_a_factor(void **state)
{
	struct seed s;
	struct login l;
	char code[16];

	fx_write_conf(&fx, "[lockout]\nnodelay = yes\ndeny = 1000\n"
		      "[totp]\nnodelay = yes\nrequire_roles = admin\n");
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "add",
				    "admin", "--scope", "company", NULL), 0);
	add_user("pend");
	enroll("pend", &s, NULL, NULL, NULL, NULL);
	/* Not required: an empty answer leaves the login to the password
	 * while the enrolment is pending. */
	login_code("pend", "", "192.0.2.10", &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_non_null(strstr(l.prompts, "Verification code"));
	/* Required now (admin): pending does not count as having TOTP. */
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "grant",
				    "pend", "admin", NULL), 0);
	login_code("pend", "", "192.0.2.10", &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	/* The first code confirms it; from then on it is required. */
	code_at(&s, 0, code);
	login_code("pend", code, "192.0.2.10", &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(fx_audit_count(&fx, "pend", "totp_enrol_confirmed"),
			 1);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "revoke",
				    "pend", "admin", NULL), 0);
	login_code("pend", "", "192.0.2.10", &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	fx_write_conf(&fx, base_conf);
}

/* The user of a forced enrolment: reads the URI the conversation shows
 * and answers with the code of its seed. */
static const char *
scan_and_answer(const struct login *l, const char *prompt, void *arg)
{
	static char code[16];
	struct seed *s = arg;
	const char *uri = strstr(l->infos, "otpauth://");
	char line[700];

	if (strstr(prompt, "Verification") == NULL || uri == NULL)
		return NULL;
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(uri, "\n"), uri);
	parse_uri_into(line, s);
	code_at(s, 0, code);
	return code;
}

static void
forced_enrolment_inside_the_conversation(void **state)
{
	struct fx_answer answers[] = {
		{ "assword", PAM_PROMPT_ECHO_OFF, "Pass-word-1234" },
		{ NULL, 0, NULL },
	};
	struct fx_login_opts opts;
	struct seed s;
	struct login l;
	char code[16];

	fx_write_conf(&fx, "[lockout]\nnodelay = yes\ndeny = 1000\n"
		      "[totp]\nnodelay = yes\nrequire_roles = admin\n"
		      "enroll_at_login = yes\nenroll_grace = 24h\n"
		      "issuer = ACME\n");
	fx_crmauth(&fx, NULL, NULL, 0, "role", "add", "admin", "--scope",
		   "company", NULL);
	add_user("newadm");
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "grant",
				    "newadm", "admin", NULL), 0);
	memset(&opts, 0, sizeof(opts));
	memset(&s, 0, sizeof(s));
	opts.answers = answers;
	opts.items.rhost = "192.0.2.10";
	opts.answer_fn = scan_and_answer;
	opts.answer_arg = &s;
	fx_login_ex("crm", "newadm", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	/* It was shown the QR (half blocks), the URI with our issuer, and
	 * afterwards its recovery codes. */
	assert_non_null(strstr(l.infos, "\xe2\x96"));
	assert_non_null(strstr(l.infos, "otpauth://totp/ACME:newadm?"));
	assert_non_null(strstr(l.infos, "Recovery codes"));
	assert_int_equal(s.len, 20);
	assert_int_equal(fx_audit_count(&fx, "newadm", "totp_enrol_pending"),
			 1);
	assert_int_equal(fx_audit_count(&fx, "newadm", "totp_enrol_confirmed"),
			 1);
	/* Enrolled for good: the next login asks for a code of that seed. */
	code_at(&s, 1, code);
	assert_int_equal(login_rc("newadm", code), PAM_SUCCESS);
	assert_int_equal(login_rc("newadm", ""), PAM_AUTH_ERR);

	/* Another admin who never finishes: after the grace period, the
	 * login is refused with what to do. */
	add_user("lateadm");
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "role", "grant",
				    "lateadm", "admin", NULL), 0);
	login_code("lateadm", "", "192.0.2.10", &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_non_null(strstr(l.infos, "otpauth://"));
	freeze_clock(25 * 3600);
	login_code("lateadm", "", "192.0.2.10", &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_non_null(strstr(l.errors, "ask an administrator"));
	/* A pending seed from inside the grace period does not help
	 * after it: the login is refused before any code is asked. */
	assert_null(strstr(l.prompts, "Verification"));
	freeze_clock(0);
	fx_write_conf(&fx, base_conf);
}

static void
trusted_networks_skip_the_code(void **state)
{
	static const char *const trusted[] = {
		"10.1.2.3", "::ffff:10.1.2.3", "::FFFF:a01:203",
		"2001:db8:77::5", "[2001:db8::9]",
	};
	static const char *const outside[] = {
		"192.0.2.10", "11.0.0.1", "2001:db9::1", "::ffff:11.0.0.1",
		"10.example.com",
	};
	struct seed s;
	struct login l;
	size_t i;

	fx_write_conf(&fx, "[lockout]\nnodelay = yes\ndeny = 1000\n"
		      "[totp]\nnodelay = yes\n"
		      "trusted_nets = 10.0.0.0/8, 2001:db8::/32\n");
	add_user("office");
	enroll("office", &s, NULL, NULL, NULL, NULL);
	for (i = 0; i < (sizeof(trusted) / sizeof(trusted[0])); i++) {
		login_code("office", NULL, trusted[i], &l);
		assert_int_equal(l.auth_rc, PAM_SUCCESS);
		assert_null(strstr(l.prompts, "Verification"));
	}
	for (i = 0; i < (sizeof(outside) / sizeof(outside[0])); i++) {
		login_code("office", NULL, outside[i], &l);
		assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
		assert_non_null(strstr(l.prompts, "Verification"));
	}
	assert_int_equal(fx_audit_count(&fx, "office",
					 "totp_skipped_trusted_net"),
			 (long)(sizeof(trusted) / sizeof(trusted[0])));
	/* A list that does not parse trusts nobody and refuses: closed. */
	fx_write_conf(&fx, "[lockout]\nnodelay = yes\ndeny = 1000\n"
		      "[totp]\nnodelay = yes\ntrusted_nets = 10.0.0.1/8\n");
	login_code("office", NULL, "10.0.0.1", &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	fx_write_conf(&fx, base_conf);
}

static void
concat_cuts_the_code_off_the_password(void **state)
{
	struct fx_login_opts opts;
	struct seed s;
	struct login l;
	char code[16], both[64];

	add_user("web");
	enroll("web", &s, NULL, NULL, NULL, NULL);
	/* Confirmed first (here at a login that asks for the code): a
	 * pending enrolment is not cut off a single secret (below). */
	code_at(&s, -1, code);
	assert_int_equal(login_rc("web", code), PAM_SUCCESS);
	code_at(&s, 0, code);
	snprintf(both, sizeof(both), "Pass-word-1234%s", code);
	memset(&opts, 0, sizeof(opts));
	opts.default_answer = both;
	fx_login_ex("crm-concat", "web", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	/* One prompt only, as mod_authnz_pam answers one. */
	assert_int_equal(l.nprompts, 1);
	/* The right password with a wrong code, or the reverse: no. */
	snprintf(both, sizeof(both), "Pass-word-1234%s", "000000");
	fx_login_ex("crm-concat", "web", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	code_at(&s, 1, code);
	snprintf(both, sizeof(both), "Pass-word-1235%s", code);
	fx_login_ex("crm-concat", "web", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	/* Not enrolled: the whole secret is the password. */
	add_user("web2");
	opts.default_answer = "Pass-word-1234";
	fx_login_ex("crm-concat", "web2", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	/* Enrolled but not confirmed (and not required): still the
	 * password alone, not cut short by six characters. */
	enroll("web2", &s, NULL, NULL, NULL, NULL);
	fx_login_ex("crm-concat", "web2", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
}

/* ---- seeds at rest ---- */

static void
a_changed_or_moved_seed_fails_closed(void **state)
{
	struct seed a, b;
	char code[16], sql[512];

	add_user("sa");
	add_user("sb");
	enroll("sa", &a, NULL, NULL, NULL, NULL);
	enroll("sb", &b, NULL, NULL, NULL, NULL);
	/* sb's row gets sa's sealed seed: sa's codes must not open sb. */
	snprintf(sql, sizeof(sql),
		 "UPDATE totp SET seed = (SELECT t.seed FROM totp t JOIN users u "
		 "ON u.id = t.user_id WHERE u.name = 'sa') WHERE user_id = "
		 "(SELECT id FROM users WHERE name = 'sb');");
	assert_int_equal(fx_sql(&fx, sql), 0);
	code_at(&a, 0, code);
	assert_int_equal(login_rc("sb", code), PAM_AUTH_ERR);
	code_at(&b, 0, code);
	assert_int_equal(login_rc("sb", code), PAM_AUTH_ERR);
	/* One bit of sa's ciphertext flipped: sa's right code is refused. */
	assert_int_equal(fx_sql(&fx, "UPDATE totp SET seed = CAST("
		"substr(seed, 1, 20) || CASE WHEN substr(seed, 21, 1) = X'00' "
		"THEN X'01' ELSE X'00' END || substr(seed, 22) AS BLOB) "
		"WHERE user_id = (SELECT id FROM users WHERE name = 'sa');"), 0);
	code_at(&a, 1, code);
	assert_int_equal(login_rc("sa", code), PAM_AUTH_ERR);
	assert_int_equal(fx_audit_count(&fx, "sa", "totp_ok"), 0);
}

/* ---- migration from pam_oath and google-authenticator ---- */

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Whether a login with the password alone passes without a code being
 * asked: the user has no enrolment. */
static int
not_enrolled(const char *user)
{
	struct login l;

	login_code(user, NULL, "192.0.2.10", &l);
	return l.auth_rc == PAM_SUCCESS &&
	       strstr(l.prompts, "Verification") == NULL;
}

static void
a_pam_oath_usersfile_imports_and_its_codes_log_in(void **state)
{
	/* RFC 6238's SHA1 seed, and another, as pam_oath keeps them. */
	static const char file_text[] =
		"# pam_oath users\n"
		"HOTP/T30 imp1 - 3132333435363738393031323334353637383930\n"
		"\n"
		"HOTP/T60/8 imp2 - 00112233445566778899aabbccddeeff00112233 "
		"12 123456 2026-01-01T00:00:00L\n";
	struct seed s1, s2;
	char path[PATH_MAX], code[16];

	add_user("imp1");
	add_user("imp2");
	snprintf(path, sizeof(path), "%s/users.oath", fx.work);
	write_file(path, file_text);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "totp", "import",
				    "--oath-usersfile", path, NULL), 0);
	assert_int_equal(fx_audit_count(&fx, NULL, "admin:totp_import"), 1);
	memset(&s1, 0, sizeof(s1));
	memcpy(s1.secret, "12345678901234567890", 20);
	s1.len = 20;
	s1.digits = 6;
	s1.period = 30;
	memset(&s2, 0, sizeof(s2));
	memcpy(s2.secret, "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99"
	       "\xaa\xbb\xcc\xdd\xee\xff\x00\x11\x22\x33", 20);
	s2.len = 20;
	s2.digits = 8;
	s2.period = 60;
	/* Imported confirmed (in use for years): a code logs in, and no
	 * code is no login. */
	code_at(&s1, 0, code);
	assert_int_equal(login_rc("imp1", code), PAM_SUCCESS);
	assert_int_equal(login_rc("imp1", ""), PAM_AUTH_ERR);
	code_at(&s2, 0, code);
	assert_int_equal(strlen(code), 8);
	assert_int_equal(login_rc("imp2", code), PAM_SUCCESS);
}

static void
a_google_authenticator_file_imports_with_its_scratch_codes(void **state)
{
	static const char file_text[] =
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"
		"\" RATE_LIMIT 3 30 1798761600\n"
		"\" WINDOW_SIZE 17\n"
		"\" DISALLOW_REUSE\n"
		"\" TOTP_AUTH\n"
		"11223344\n"
		"55667788\n";
	struct seed s;
	char path[PATH_MAX], code[16];

	add_user("gimp");
	snprintf(path, sizeof(path), "%s/google_authenticator", fx.work);
	write_file(path, file_text);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "totp", "import",
				    "--google-authenticator", path, "gimp",
				    NULL), 0);
	memset(&s, 0, sizeof(s));
	memcpy(s.secret, "12345678901234567890", 20);
	s.len = 20;
	s.digits = 6;
	s.period = 30;
	code_at(&s, 0, code);
	assert_int_equal(login_rc("gimp", code), PAM_SUCCESS);
	/* Its scratch codes are recovery codes: each once. */
	assert_int_equal(login_rc("gimp", "55667788"), PAM_SUCCESS);
	assert_int_equal(login_rc("gimp", "55667788"), PAM_AUTH_ERR);
	assert_int_equal(fx_audit_count(&fx, "gimp", "recovery_used"), 1);
}

static void
a_failed_import_imports_nothing(void **state)
{
	char path[PATH_MAX], out[4096];
	long imports = fx_audit_count(&fx, NULL, "admin:totp_import");

	add_user("good1");
	add_user("good2");
	snprintf(path, sizeof(path), "%s/bad.oath", fx.work);
	/* A line the parser refuses: nothing is stored. */
	write_file(path,
		   "HOTP/T30 good1 - 3132333435363738393031323334353637383930\n"
		   "HOTP/E good2 - 3132333435363738393031323334353637383930\n");
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "totp",
				    "import", "--oath-usersfile", path, NULL), 1);
	/* A line the store refuses (no such account) after a good one:
	 * the good one is rolled back with it. */
	write_file(path,
		   "HOTP/T30 good1 - 3132333435363738393031323334353637383930\n"
		   "HOTP/T30 nosuch - 3132333435363738393031323334353637383930\n");
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "totp",
				    "import", "--oath-usersfile", path, NULL), 1);
	assert_true(not_enrolled("good1"));
	assert_true(not_enrolled("good2"));
	assert_int_equal(fx_audit_count(&fx, NULL, "admin:totp_import"),
			 imports);
	/* An enrolment in use is not replaced by an import. */
	write_file(path,
		   "HOTP/T30 good1 - 3132333435363738393031323334353637383930\n");
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "totp",
				    "import", "--oath-usersfile", path, NULL), 0);
	write_file(path,
		   "HOTP/T30 good2 - 3132333435363738393031323334353637383930\n"
		   "HOTP/T30 good1 - 00112233445566778899aabbccddeeff00112233\n");
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "totp",
				    "import", "--oath-usersfile", path, NULL), 1);
	assert_true(not_enrolled("good2"));
}

/* ---- secrets never logged ---- */

static void
codes_and_seeds_never_reach_the_log(void **state)
{
	struct seed s;
	char code[16], wrong[16] = "909090", log[65536] = "";

	add_user("quiet");
	enroll("quiet", &s, NULL, NULL, NULL, NULL);
	fx_log_begin(&fx);
	assert_int_equal(login_rc("quiet", wrong), PAM_AUTH_ERR);
	code_at(&s, -1, code);
	assert_int_equal(login_rc("quiet", code), PAM_SUCCESS);
	assert_null(strstr(log, code));
	code_at(&s, 0, code);
	assert_int_equal(login_rc("quiet", code), PAM_SUCCESS);
	assert_int_equal(login_rc("quiet", s.recovery[3]), PAM_SUCCESS);
	fx_log_end(&fx, log, sizeof(log));
	/* The positive control: the decisions are there. */
	assert_non_null(strstr(log, "pam_crm_totp: totp_fail user=quiet"));
	assert_non_null(strstr(log,
			       "pam_crm_totp: totp_enrol_confirmed user=quiet"));
	assert_non_null(strstr(log, "pam_crm_totp: totp_ok user=quiet"));
	assert_non_null(strstr(log, "recovery_used user=quiet"));
	assert_null(strstr(log, code));
	assert_null(strstr(log, wrong));
	assert_null(strstr(log, s.base32));
	assert_null(strstr(log, s.recovery[3]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes_of_the_window_log_in_and_others_do_not),
		cmocka_unit_test(every_algorithm_and_length_logs_in),
		cmocka_unit_test(oathtool_agrees_with_enrolled_seeds),
		cmocka_unit_test(a_code_is_accepted_once),
		cmocka_unit_test(racing_processes_with_one_code_let_exactly_one_in),
		cmocka_unit_test(a_recovery_code_works_once),
		cmocka_unit_test(wrong_codes_count_as_failures_and_lock),
		cmocka_unit_test(a_right_code_marks_the_handle_authenticated),
		cmocka_unit_test(a_right_code_alone_lets_the_account_phase_clear_failures),
		cmocka_unit_test(require_roles_and_nullok),
		cmocka_unit_test(a_pending_enrolment_is_not_yet_a_factor),
		cmocka_unit_test(forced_enrolment_inside_the_conversation),
		cmocka_unit_test(trusted_networks_skip_the_code),
		cmocka_unit_test(concat_cuts_the_code_off_the_password),
		cmocka_unit_test(a_changed_or_moved_seed_fails_closed),
		cmocka_unit_test(codes_and_seeds_never_reach_the_log),
		cmocka_unit_test(a_pam_oath_usersfile_imports_and_its_codes_log_in),
		cmocka_unit_test(a_google_authenticator_file_imports_with_its_scratch_codes),
		cmocka_unit_test(a_failed_import_imports_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
