/*
 * test_totp_import.c - what "crmauth totp import" takes from a pam_oath
 * usersfile and a ~/.google_authenticator, what it refuses, and that a
 * refusal names the line, leaves nothing behind and never shows the
 * secret.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli/totp_import.h"

/* RFC 6238's SHA1 test secret, in the files' two spellings. */
#define SECRET_ASCII	"12345678901234567890"
#define SECRET_HEX	"3132333435363738393031323334353637383930"
#define SECRET_B32	"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static int
oath(const char *text, struct crm_import *imp, char *err, size_t errlen)
{
	return crm_import_oath_usersfile(text, strlen(text), imp, err, errlen);
}

static int
google(const char *text, struct crm_import *imp, size_t *dropped,
       char *err, size_t errlen)
{
	return crm_import_google_authenticator(text, strlen(text), "alice",
					       imp, dropped, err, errlen);
}

/* Refused, with err starting "line N: " and holding want, no secret
 * text, and nothing in *out. */
static void
assert_oath_refused(const char *text, const char *line, const char *want)
{
	struct crm_import imp;
	char err[256];

	memset(&imp, 0xa5, sizeof(imp));
	assert_int_equal(oath(text, &imp, err, sizeof(err)), CRM_INVALID);
	assert_int_equal(strncmp(err, line, strlen(line)), 0);
	assert_non_null(strstr(err, want));
	assert_null(strstr(err, "3132"));
	assert_int_equal(imp.count, 0);
	assert_null(imp.entries);
	crm_import_free(&imp);
}

static void
assert_google_refused(const char *text, const char *want)
{
	struct crm_import imp;
	size_t dropped = 99;
	char err[256];

	memset(&imp, 0xa5, sizeof(imp));
	assert_int_equal(google(text, &imp, &dropped, err, sizeof(err)),
			 CRM_INVALID);
	assert_non_null(strstr(err, want));
	assert_null(strstr(err, "GEZD"));
	assert_int_equal(imp.count, 0);
	assert_null(imp.entries);
	assert_int_equal(dropped, 0);
	crm_import_free(&imp);
}

static void
a_usersfile_with_several_users_is_read_whole(void **state)
{
	static const char text[] =
		"# pam_oath users\n"
		"\n"
		"HOTP/T30\talice\t-\t" SECRET_HEX "\n"
		"   # indented comment\n"
		"HOTP/T60 bob - 00ff\n"
		"HOTP/T30/8 carol + ABCDEF0123 0 755224 "
			"2026-01-02T03:04:05L\n"
		"HOTP/T30/6  dave  -  0102030405060708090a  -1  123456\n"
		"HOTP/T60/7 erin - 0a 3\r\n"
		"HOTP/T60/8 frank - 0b";	/* no final newline */
	struct crm_import imp;
	char err[256] = "unset";

	assert_int_equal(oath(text, &imp, err, sizeof(err)), CRM_OK);
	assert_string_equal(err, "");
	assert_int_equal(imp.count, 6);

	assert_string_equal(imp.entries[0].user, "alice");
	assert_int_equal(imp.entries[0].secret_len, 20);
	assert_memory_equal(imp.entries[0].secret, SECRET_ASCII, 20);
	assert_int_equal(imp.entries[0].algorithm, CRM_IMPORT_SHA1);
	assert_int_equal(imp.entries[0].digits, 6);
	assert_int_equal(imp.entries[0].period, 30);
	assert_int_equal(imp.entries[0].window, 0);
	assert_int_equal(imp.entries[0].disallow_reuse, 0);
	assert_int_equal(imp.entries[0].recovery_count, 0);
	assert_int_equal(imp.entries[0].line, 3);

	assert_string_equal(imp.entries[1].user, "bob");
	assert_int_equal(imp.entries[1].period, 60);
	assert_int_equal(imp.entries[1].digits, 6);
	assert_int_equal(imp.entries[1].secret_len, 2);
	assert_memory_equal(imp.entries[1].secret, "\x00\xff", 2);
	assert_int_equal(imp.entries[1].line, 5);

	/* Upper-case hex, pam_oath's replay state after the secret. */
	assert_string_equal(imp.entries[2].user, "carol");
	assert_int_equal(imp.entries[2].digits, 8);
	assert_int_equal(imp.entries[2].period, 30);
	assert_memory_equal(imp.entries[2].secret, "\xab\xcd\xef\x01\x23", 5);

	assert_string_equal(imp.entries[3].user, "dave");
	assert_int_equal(imp.entries[3].digits, 6);
	assert_int_equal(imp.entries[3].secret_len, 10);

	assert_string_equal(imp.entries[4].user, "erin");
	assert_int_equal(imp.entries[4].digits, 7);
	assert_int_equal(imp.entries[4].period, 60);

	assert_string_equal(imp.entries[5].user, "frank");
	assert_int_equal(imp.entries[5].digits, 8);
	assert_int_equal(imp.entries[5].secret_len, 1);
	assert_int_equal(imp.entries[5].line, 9);

	crm_import_free(&imp);
	assert_int_equal(imp.count, 0);
	assert_null(imp.entries);
}

static void
many_users_are_all_kept(void **state)
{
	char text[64 * 40], *p = text;
	struct crm_import imp;
	char err[256];
	int i;

	/* Past the first growth of the entries array. */
	for (i = 0; i < 40; i++)
		p += snprintf(p, sizeof(text) - (size_t)(p - text),
			      "HOTP/T30 user%d - %02x\n", i, i);
	assert_int_equal(oath(text, &imp, err, sizeof(err)), CRM_OK);
	assert_int_equal(imp.count, 40);
	assert_string_equal(imp.entries[39].user, "user39");
	assert_int_equal(imp.entries[39].secret[0], 39);
	assert_int_equal(imp.entries[39].line, 40);
	crm_import_free(&imp);
}

static void
an_empty_usersfile_has_no_entries(void **state)
{
	struct crm_import imp;
	char err[256];

	assert_int_equal(oath("# nothing yet\n\n", &imp, err, sizeof(err)),
			 CRM_OK);
	assert_int_equal(imp.count, 0);
	crm_import_free(&imp);
	assert_int_equal(crm_import_oath_usersfile("", 0, &imp, err,
						   sizeof(err)), CRM_OK);
	assert_int_equal(imp.count, 0);
	crm_import_free(&imp);
}

static void
event_based_hotp_is_refused(void **state)
{
	assert_oath_refused("HOTP/T30 alice - 00\nHOTP/E bob - 00\n",
			    "line 2: ", "event-based HOTP");
	assert_oath_refused("HOTP carol - 00\n", "line 1: ",
			    "event-based HOTP");
	assert_oath_refused("HOTP/E/8 dave - 00\n", "line 1: ",
			    "event-based HOTP");
	/* liboath knows no other period. */
	assert_oath_refused("HOTP/T45 erin - 00\n", "line 1: ",
			    "unknown token type");
	assert_oath_refused("HOTP/T30/9 erin - 00\n", "line 1: ",
			    "unknown token type");
	assert_oath_refused("TOTP erin - 00\n", "line 1: ",
			    "unknown token type");
}

static void
a_pin_is_refused_and_the_error_says_why(void **state)
{
	assert_oath_refused("# one\nHOTP/T30 alice 1234 " SECRET_HEX "\n",
			    "line 2: ", "PIN+code form is not imported");
	/* A PIN field that is really the secret (the PIN was left out)
	 * never appears in the message. */
	assert_oath_refused("HOTP/T30 alice " SECRET_HEX "\n", "line 1: ",
			    "PIN");
}

static void
a_bad_secret_is_refused_by_line_without_its_text(void **state)
{
	char longer[256];

	assert_oath_refused("HOTP/T30 a - 00\nHOTP/T30 b - 3132333\n",
			    "line 2: ", "odd number of hex digits");
	assert_oath_refused("HOTP/T30 a - 3132zz\n", "line 1: ", "not hex");
	/* 65 bytes: one past what we store. */
	memset(longer, 0, sizeof(longer));
	strcpy(longer, "HOTP/T30 a - ");
	memset(longer + strlen(longer), 'a', 130);
	assert_oath_refused(longer, "line 1: ", "longer than 64 bytes");
	/* 64 bytes is fine. */
	{
		struct crm_import imp;
		char err[256];

		longer[strlen(longer) - 2] = '\0';
		assert_int_equal(oath(longer, &imp, err, sizeof(err)), CRM_OK);
		assert_int_equal(imp.entries[0].secret_len, 64);
		crm_import_free(&imp);
	}
}

static void
a_user_given_twice_is_refused(void **state)
{
	assert_oath_refused("HOTP/T30 alice - 00\n"
			    "HOTP/T30 bob - 00\n"
			    "HOTP/T60 alice - 01\n", "line 3: ",
			    "already given on line 1");
}

static void
a_missing_field_is_refused(void **state)
{
	assert_oath_refused("HOTP/T30\n", "line 1: ", "no user name");
	assert_oath_refused("HOTP/T30 alice\n", "line 1: ", "no PIN field");
	assert_oath_refused("\n\nHOTP/T30 alice -", "line 3: ", "no secret");
}

static void
a_malformed_line_is_refused(void **state)
{
	static const char nul[] = "HOTP/T30 alice - 00\nHOTP/T30 b\0b - 00\n";
	struct crm_import imp;
	char err[256];

	assert_oath_refused("HOTP/T30 a - 00 x\n", "line 1: ",
			    "counter is not a number");
	assert_oath_refused("HOTP/T30 a - 00 1 12ab\n", "line 1: ",
			    "last OTP");
	assert_oath_refused("HOTP/T30 a - 00 1 123456 t extra\n", "line 1: ",
			    "more than 7 fields");
	/* Names are checked as every outside name is. */
	assert_oath_refused("HOTP/T30 a\x1b[2Jb - 00\n", "line 1: ",
			    "user name");
	assert_oath_refused("HOTP/T30 \xc3\x28 - 00\n", "line 1: ",
			    "user name");

	assert_int_equal(crm_import_oath_usersfile(nul, sizeof(nul) - 1, &imp,
						   err, sizeof(err)),
			 CRM_INVALID);
	assert_string_equal(err, "line 2: NUL byte");
	assert_int_equal(imp.count, 0);
	/* Only len counts: what follows is not read. */
	assert_int_equal(crm_import_oath_usersfile(nul, 20, &imp, err,
						   sizeof(err)), CRM_OK);
	assert_int_equal(imp.count, 1);
	crm_import_free(&imp);
}

static const char real_google[] =
	SECRET_B32 "\n"
	"\" RATE_LIMIT 3 30 1234567890\n"
	"\" WINDOW_SIZE 17\n"
	"\" DISALLOW_REUSE\n"
	"\" TOTP_AUTH\n"
	"11111111\n"
	"22222222\n"
	"33333333\n"
	"44444444\n"
	"55555555\n";

static void
a_google_authenticator_file_is_read(void **state)
{
	struct crm_import imp;
	size_t dropped = 99;
	char err[256] = "unset";

	assert_int_equal(google(real_google, &imp, &dropped, err, sizeof(err)),
			 CRM_OK);
	assert_string_equal(err, "");
	assert_int_equal(dropped, 0);
	assert_int_equal(imp.count, 1);
	assert_string_equal(imp.entries[0].user, "alice");
	assert_int_equal(imp.entries[0].secret_len, 20);
	assert_memory_equal(imp.entries[0].secret, SECRET_ASCII, 20);
	assert_int_equal(imp.entries[0].algorithm, CRM_IMPORT_SHA1);
	assert_int_equal(imp.entries[0].digits, 6);
	assert_int_equal(imp.entries[0].period, 30);
	assert_int_equal(imp.entries[0].window, 8);
	assert_int_equal(imp.entries[0].disallow_reuse, 1);
	assert_int_equal(imp.entries[0].recovery_count, 5);
	assert_string_equal(imp.entries[0].recovery[0], "11111111");
	assert_string_equal(imp.entries[0].recovery[4], "55555555");
	assert_int_equal(imp.entries[0].line, 1);
	crm_import_free(&imp);
}

static void
google_options_and_spellings(void **state)
{
	struct crm_import imp;
	size_t dropped;
	char err[256];

	/* Lower case, spaces, padding, CRLF, no final newline; used time
	 * steps after DISALLOW_REUSE, as the PAM module writes them. */
	assert_int_equal(google("gezd gnbv gy3t qojq gezd gnbv gy3t qojq==\r\n"
				"\" TOTP_AUTH\r\n"
				"\" STEP_SIZE 60\r\n"
				"\" WINDOW_SIZE 3\r\n"
				"\" DISALLOW_REUSE 59000001 59000002\r\n"
				"12345678", &imp, &dropped, err,
				sizeof(err)), CRM_OK);
	assert_memory_equal(imp.entries[0].secret, SECRET_ASCII, 20);
	assert_int_equal(imp.entries[0].period, 60);
	assert_int_equal(imp.entries[0].window, 1);
	assert_int_equal(imp.entries[0].disallow_reuse, 1);
	assert_int_equal(imp.entries[0].recovery_count, 1);
	crm_import_free(&imp);

	/* Ten bytes (16 characters), the smallest google-authenticator
	 * writes; no window said. */
	assert_int_equal(google("GEZDGNBVGY3TQOJQ\n\" TOTP_AUTH\n", &imp,
				&dropped, err, sizeof(err)), CRM_OK);
	assert_int_equal(imp.entries[0].secret_len, 10);
	assert_int_equal(imp.entries[0].window, 0);
	assert_int_equal(imp.entries[0].disallow_reuse, 0);
	crm_import_free(&imp);

	/* An even window tries one more code ahead than behind: each side
	 * we take the smaller, never widening what the user had. */
	assert_int_equal(google(SECRET_B32 "\n\" TOTP_AUTH\n"
				"\" WINDOW_SIZE 4\n", &imp, &dropped, err,
				sizeof(err)), CRM_OK);
	assert_int_equal(imp.entries[0].window, 1);
	crm_import_free(&imp);
}

static void
a_google_file_without_totp_auth_is_refused(void **state)
{
	assert_google_refused(SECRET_B32 "\n\" WINDOW_SIZE 17\n11111111\n",
			      "TOTP_AUTH");
	assert_google_refused(SECRET_B32 "\n\" HOTP_COUNTER 1\n",
			      "line 2: HOTP_COUNTER");
	assert_google_refused(SECRET_B32 "\n\" TOTP_AUTH\n\" HOTP_COUNTER 1\n",
			      "line 3: HOTP_COUNTER");
}

static void
unknown_or_malformed_google_options_are_refused(void **state)
{
	assert_google_refused(SECRET_B32 "\n\" TOTP_AUTH\n\" PASSWORD x\n",
			      "line 3: unknown option");
	assert_google_refused(SECRET_B32 "\n\" TOTP_AUTH\n\"\n",
			      "line 3: not an option line");
	assert_google_refused(SECRET_B32 "\n\" TOTP_AUTH\n\" WINDOW_SIZE 0\n",
			      "line 3: WINDOW_SIZE: bad value");
	assert_google_refused(SECRET_B32 "\n\" TOTP_AUTH\n\" STEP_SIZE x\n",
			      "line 3: STEP_SIZE: bad value");
	assert_google_refused(SECRET_B32 "\n\" TOTP_AUTH\n\" RATE_LIMIT 3\n",
			      "line 3: RATE_LIMIT: bad value");
	assert_google_refused(SECRET_B32 "\n\" TOTP_AUTH\n\" TOTP_AUTH\n",
			      "line 3: TOTP_AUTH given twice");
	assert_google_refused(SECRET_B32 "\n\" TOTP_AUTH\n1234567\n",
			      "line 3: neither an option nor");
}

static void
more_than_ten_scratch_codes_keep_the_first_ten(void **state)
{
	char text[512];
	struct crm_import imp;
	size_t dropped = 99;
	char err[256];
	int i, n;

	n = snprintf(text, sizeof(text), "%s\n\" TOTP_AUTH\n", SECRET_B32);
	for (i = 0; i < 12; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      "%08d\n", 10000000 + i);
	assert_int_equal(google(text, &imp, &dropped, err, sizeof(err)),
			 CRM_OK);
	assert_int_equal(dropped, 2);
	assert_int_equal(imp.entries[0].recovery_count, 10);
	assert_string_equal(imp.entries[0].recovery[0], "10000000");
	assert_string_equal(imp.entries[0].recovery[9], "10000009");
	crm_import_free(&imp);
}

static void
a_bad_google_secret_is_refused_without_its_text(void **state)
{
	/* '1' and '8' are no base32; neither is '=' before the end. */
	assert_google_refused("GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ\n"
			      "\" TOTP_AUTH\n", "line 1: secret is not base32");
	assert_google_refused("GEZDGNBV=GY3TQOJQ\n\" TOTP_AUTH\n",
			      "line 1: secret is not base32");
	/* 17 characters: a partial byte no encoder writes. */
	assert_google_refused("GEZDGNBVGY3TQOJQG\n\" TOTP_AUTH\n",
			      "line 1: secret is not base32");
	assert_google_refused("GEZDGNBV\n\" TOTP_AUTH\n",
			      "line 1: secret shorter than 10 bytes");
	/* 65 bytes (104 characters). */
	assert_google_refused("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
			      "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
			      "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
			      "GEZDGNBV\n\" TOTP_AUTH\n",
			      "line 1: secret is not base32 of at most 64");
	assert_google_refused("", "empty file");
}

static void
a_bad_google_user_or_nul_is_refused(void **state)
{
	static const char nul[] = SECRET_B32 "\n\" TOTP_AUTH\n1111\0" "1111\n";
	struct crm_import imp;
	size_t dropped;
	char err[256];

	assert_int_equal(crm_import_google_authenticator(
		real_google, strlen(real_google), "bad\nname", &imp,
		&dropped, err, sizeof(err)), CRM_INVALID);
	assert_non_null(strstr(err, "user name"));
	assert_int_equal(imp.count, 0);
	assert_int_equal(crm_import_google_authenticator(
		nul, sizeof(nul) - 1, "alice", &imp, &dropped, err,
		sizeof(err)), CRM_INVALID);
	assert_string_equal(err, "line 3: NUL byte");
	assert_int_equal(imp.count, 0);
}

static void
a_short_error_buffer_is_still_terminated(void **state)
{
	struct crm_import imp;
	char err[8];

	assert_int_equal(oath("HOTP/E a - 00\n", &imp, err, sizeof(err)),
			 CRM_INVALID);
	assert_string_equal(err, "line 1:");
	assert_int_equal(oath("HOTP/E a - 00\n", &imp, NULL, 0), CRM_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_usersfile_with_several_users_is_read_whole),
		cmocka_unit_test(many_users_are_all_kept),
		cmocka_unit_test(an_empty_usersfile_has_no_entries),
		cmocka_unit_test(event_based_hotp_is_refused),
		cmocka_unit_test(a_pin_is_refused_and_the_error_says_why),
		cmocka_unit_test(a_bad_secret_is_refused_by_line_without_its_text),
		cmocka_unit_test(a_user_given_twice_is_refused),
		cmocka_unit_test(a_missing_field_is_refused),
		cmocka_unit_test(a_malformed_line_is_refused),
		cmocka_unit_test(a_google_authenticator_file_is_read),
		cmocka_unit_test(google_options_and_spellings),
		cmocka_unit_test(a_google_file_without_totp_auth_is_refused),
		cmocka_unit_test(unknown_or_malformed_google_options_are_refused),
		cmocka_unit_test(more_than_ten_scratch_codes_keep_the_first_ten),
		cmocka_unit_test(a_bad_google_secret_is_refused_without_its_text),
		cmocka_unit_test(a_bad_google_user_or_nul_is_refused),
		cmocka_unit_test(a_short_error_buffer_is_still_terminated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
