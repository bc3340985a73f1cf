/*
 * test_otpauth.c - the otpauth://totp/ URI an authenticator app scans:
 * what we build reads back, what the apps write reads in, and anything
 * doubtful is refused with nothing of the secret left behind.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/otpauth.h"

/* RFC 6238 appendix B's SHA1 seed, and its base32 (RFC 4648). */
#define RFC6238_SEED	"12345678901234567890"
#define RFC6238_BASE32	"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void
fill(struct crm_otpauth *o, const char *issuer, const char *account)
{
	memset(o, 0, sizeof(*o));
	strcpy(o->issuer, issuer);
	strcpy(o->account, account);
	memcpy(o->secret, RFC6238_SEED, strlen(RFC6238_SEED));
	o->secret_len = strlen(RFC6238_SEED);
	o->algorithm = CRM_TOTP_SHA1;
	o->digits = 6;
	o->period = 30;
}

static void
assert_built(const struct crm_otpauth *o, const char *want)
{
	char uri[CRM_OTPAUTH_MAX];

	assert_int_equal(crm_otpauth_build(o, uri, sizeof(uri)), CRM_OK);
	assert_string_equal(uri, want);
}

static void
assert_cleared(const struct crm_otpauth *o)
{
	struct crm_otpauth zero;

	memset(&zero, 0, sizeof(zero));
	assert_memory_equal(o, &zero, sizeof(zero));
}

static void
assert_refused(const char *uri)
{
	struct crm_otpauth o;

	memset(&o, 0x5a, sizeof(o));
	if (crm_otpauth_parse(uri, &o) != CRM_INVALID)
		fail_msg("accepted: %s", uri);
	assert_cleared(&o);
}

static void
parse_ok(const char *uri, struct crm_otpauth *o)
{
	if (crm_otpauth_parse(uri, o) != CRM_OK)
		fail_msg("refused: %s", uri);
}

static void
algorithms_have_one_name_in_any_case(void **state)
{
	enum crm_totp_algorithm a = CRM_TOTP_SHA512;

	assert_string_equal(crm_totp_algorithm_name(CRM_TOTP_SHA1), "SHA1");
	assert_string_equal(crm_totp_algorithm_name(CRM_TOTP_SHA256),
			    "SHA256");
	assert_string_equal(crm_totp_algorithm_name(CRM_TOTP_SHA512),
			    "SHA512");
	assert_null(crm_totp_algorithm_name((enum crm_totp_algorithm)3));
	assert_int_equal(crm_totp_algorithm_parse("sha1", &a), CRM_OK);
	assert_int_equal(a, CRM_TOTP_SHA1);
	assert_int_equal(crm_totp_algorithm_parse("Sha256", &a), CRM_OK);
	assert_int_equal(a, CRM_TOTP_SHA256);
	assert_int_equal(crm_totp_algorithm_parse("SHA512", &a), CRM_OK);
	assert_int_equal(a, CRM_TOTP_SHA512);
	assert_int_equal(crm_totp_algorithm_parse("SHA", &a), CRM_INVALID);
	assert_int_equal(crm_totp_algorithm_parse("SHA1 ", &a), CRM_INVALID);
	assert_int_equal(crm_totp_algorithm_parse("SHA5120", &a),
			 CRM_INVALID);
	assert_int_equal(crm_totp_algorithm_parse("MD5", &a), CRM_INVALID);
	assert_int_equal(crm_totp_algorithm_parse("", &a), CRM_INVALID);
	assert_int_equal(a, CRM_TOTP_SHA512);
}

static void
the_rfc6238_seed_is_written_as_rfc4648_base32(void **state)
{
	struct crm_otpauth o;

	fill(&o, "ACME", "alice");
	assert_built(&o, "otpauth://totp/ACME:alice?secret=" RFC6238_BASE32
		     "&issuer=ACME&algorithm=SHA1&digits=6&period=30");

	/* Every tail length base32 has: no padding, unused bits zero
	 * (RFC 4648 section 10). */
	memcpy(o.secret, "f", 1);
	o.secret_len = 1;
	assert_built(&o, "otpauth://totp/ACME:alice?secret=MY"
		     "&issuer=ACME&algorithm=SHA1&digits=6&period=30");
	memcpy(o.secret, "foob", 4);
	o.secret_len = 4;
	assert_built(&o, "otpauth://totp/ACME:alice?secret=MZXW6YQ"
		     "&issuer=ACME&algorithm=SHA1&digits=6&period=30");
	memcpy(o.secret, "fooba", 5);
	o.secret_len = 5;
	assert_built(&o, "otpauth://totp/ACME:alice?secret=MZXW6YTB"
		     "&issuer=ACME&algorithm=SHA1&digits=6&period=30");
}

static void
names_are_percent_encoded(void **state)
{
	struct crm_otpauth o, back;
	char uri[CRM_OTPAUTH_MAX];

	fill(&o, "ACME Corp", "alice@example.com");
	assert_built(&o, "otpauth://totp/ACME%20Corp:alice%40example.com"
		     "?secret=" RFC6238_BASE32 "&issuer=ACME%20Corp"
		     "&algorithm=SHA1&digits=6&period=30");

	/* A ':' inside either part is no separator; '&', '=', '+' and
	 * '%' are no syntax; UTF-8 goes byte by byte. */
	fill(&o, "x:y&z=1", "a:b+c%d");
	assert_built(&o, "otpauth://totp/x%3Ay%26z%3D1:a%3Ab%2Bc%25d"
		     "?secret=" RFC6238_BASE32 "&issuer=x%3Ay%26z%3D1"
		     "&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(crm_otpauth_build(&o, uri, sizeof(uri)), CRM_OK);
	parse_ok(uri, &back);
	assert_string_equal(back.issuer, "x:y&z=1");
	assert_string_equal(back.account, "a:b+c%d");

	fill(&o, "Société", "bob~-._");
	assert_built(&o, "otpauth://totp/Soci%C3%A9t%C3%A9:bob~-._"
		     "?secret=" RFC6238_BASE32 "&issuer=Soci%C3%A9t%C3%A9"
		     "&algorithm=SHA1&digits=6&period=30");
}

static void
every_algorithm_digits_and_period_read_back(void **state)
{
	static const enum crm_totp_algorithm algorithms[] = {
		CRM_TOTP_SHA1, CRM_TOTP_SHA256, CRM_TOTP_SHA512,
	};
	static const unsigned int digits[] = { 6, 7, 8 };
	static const unsigned int periods[] = { 30, 60 };
	struct crm_otpauth o, back;
	char uri[CRM_OTPAUTH_MAX];
	size_t a, d, p, i;

	for (a = 0; a < CRM_ARRAY_SIZE(algorithms); a++)
	for (d = 0; d < CRM_ARRAY_SIZE(digits); d++)
	for (p = 0; p < CRM_ARRAY_SIZE(periods); p++) {
		fill(&o, "ACME Corp", "alice@example.com");
		/* 20, 32 and 64 bytes: each algorithm's own key size. */
		o.secret_len = a == 2 ? CRM_TOTP_SECRET_MAX : 20 + a * 12;
		for (i = 0; i < o.secret_len; i++)
			o.secret[i] = (unsigned char)(i * 37 + a + d + p);
		o.algorithm = algorithms[a];
		o.digits = digits[d];
		o.period = periods[p];
		assert_int_equal(crm_otpauth_build(&o, uri, sizeof(uri)),
				 CRM_OK);
		parse_ok(uri, &back);
		assert_memory_equal(&back, &o, sizeof(o));
	}
}

static void
what_the_apps_write_reads_in(void **state)
{
	struct crm_otpauth o;

	/* The Key Uri Format's own example. */
	parse_ok("otpauth://totp/Example:alice@google.com"
		 "?secret=JBSWY3DPEHPK3PXP&issuer=Example", &o);
	assert_string_equal(o.issuer, "Example");
	assert_string_equal(o.account, "alice@google.com");
	assert_int_equal(o.secret_len, 10);
	assert_memory_equal(o.secret, "Hello!\xde\xad\xbe\xef", 10);
	assert_int_equal(o.algorithm, CRM_TOTP_SHA1);
	assert_int_equal(o.digits, 6);
	assert_int_equal(o.period, 30);

	/* Lower case and padded base32, upper case scheme, parameters in
	 * any order, unknown ones ignored, '+' a space in a value. */
	parse_ok("OTPAUTH://TOTP/ACME%20Corp:alice?image=https%3A%2F%2Fx"
		 "&period=60&digits=8&algorithm=sha256&issuer=ACME+Corp"
		 "&secret=gezdgnbvgy3tqojqgezdgnbvgy3tqojq&&", &o);
	assert_string_equal(o.issuer, "ACME Corp");
	assert_int_equal(o.secret_len, 20);
	assert_memory_equal(o.secret, RFC6238_SEED, 20);
	assert_int_equal(o.algorithm, CRM_TOTP_SHA256);
	assert_int_equal(o.digits, 8);
	assert_int_equal(o.period, 60);
	parse_ok("otpauth://totp/a?secret=MZXW6===", &o);
	assert_int_equal(o.secret_len, 3);
	assert_memory_equal(o.secret, "foo", 3);

	/* An account alone, the issuer from the parameter or nowhere. */
	parse_ok("otpauth://totp/alice?secret=MZXW6&issuer=ACME", &o);
	assert_string_equal(o.issuer, "ACME");
	assert_string_equal(o.account, "alice");
	parse_ok("otpauth://totp/alice?secret=MZXW6", &o);
	assert_string_equal(o.issuer, "");
	assert_string_equal(o.account, "alice");

	/* An encoded colon separates when there is no literal one, and
	 * spaces before the account are dropped. */
	parse_ok("otpauth://totp/ACME%3a%20%20alice?secret=MZXW6", &o);
	assert_string_equal(o.issuer, "ACME");
	assert_string_equal(o.account, "alice");
	parse_ok("otpauth://totp/ACME:a:b?secret=MZXW6", &o);
	assert_string_equal(o.issuer, "ACME");
	assert_string_equal(o.account, "a:b");
}

/* Two spellings of one key are one struct, byte for byte: callers may
 * compare them whole. */
static void
one_key_is_one_struct(void **state)
{
	struct crm_otpauth a, b;

	parse_ok("otpauth://totp/ACME:%20%20%20alice?secret=MZXW6", &a);
	parse_ok("otpauth://totp/ACME:alice?secret=mzxw6&issuer=ACME", &b);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void
doubtful_uris_are_refused(void **state)
{
	char too_long[600];

	assert_refused(NULL);
	assert_refused("");
	assert_refused("otpauth://totp/");
	assert_refused("otpauth://totp");
	assert_refused("otpauth://hotp/ACME:alice?secret=MZXW6&counter=0");
	assert_refused("https://totp/ACME:alice?secret=MZXW6");
	/* Missing, empty or bad secret. */
	assert_refused("otpauth://totp/ACME:alice");
	assert_refused("otpauth://totp/ACME:alice?issuer=ACME");
	assert_refused("otpauth://totp/ACME:alice?secret=");
	assert_refused("otpauth://totp/ACME:alice?secret");
	assert_refused("otpauth://totp/ACME:alice?secret=MZXW1");
	assert_refused("otpauth://totp/ACME:alice?secret=MZXW6=");
	assert_refused("otpauth://totp/ACME:alice?secret=MZXW6====");
	assert_refused("otpauth://totp/ACME:alice?secret=M");
	assert_refused("otpauth://totp/ACME:alice?secret=MZX");
	/* "MZ" would be "f" with a stray bit set. */
	assert_refused("otpauth://totp/ACME:alice?secret=MZ");
	assert_refused("otpauth://totp/ACME:alice?secret=MZXW%206");
	/* Longer than CRM_TOTP_SECRET_MAX bytes. */
	memset(too_long, 'A', sizeof(too_long));
	memcpy(too_long, "otpauth://totp/a?secret=", 24);
	too_long[24 + 112] = '\0';
	assert_refused(too_long);
	/* Issuers that disagree. */
	assert_refused("otpauth://totp/ACME:alice?secret=MZXW6&issuer=Evil");
	assert_refused("otpauth://totp/ACME:alice?secret=MZXW6&issuer=acme");
	/* Out of range, or not plain decimal. */
	assert_refused("otpauth://totp/a?secret=MZXW6&digits=9");
	assert_refused("otpauth://totp/a?secret=MZXW6&digits=5");
	assert_refused("otpauth://totp/a?secret=MZXW6&digits=06");
	assert_refused("otpauth://totp/a?secret=MZXW6&digits=+6");
	assert_refused("otpauth://totp/a?secret=MZXW6&period=0");
	assert_refused("otpauth://totp/a?secret=MZXW6&period=3601");
	assert_refused("otpauth://totp/a?secret=MZXW6&period=-30");
	assert_refused("otpauth://totp/a?secret=MZXW6&period=");
	assert_refused("otpauth://totp/a?secret=MZXW6&algorithm=MD5");
	/* A parameter twice, even spelled otherwise. */
	assert_refused("otpauth://totp/a?secret=MZXW6&secret=MZXW6");
	assert_refused("otpauth://totp/a?secret=MZXW6&sec%72et=MZXW6");
	assert_refused("otpauth://totp/a?secret=MZXW6&digits=6&digits=6");
	/* Bad escapes, a NUL, a fragment, characters no URI has. */
	assert_refused("otpauth://totp/ACME%2:alice?secret=MZXW6");
	assert_refused("otpauth://totp/ACME:alice%?secret=MZXW6");
	assert_refused("otpauth://totp/ACME:alice%zz?secret=MZXW6");
	assert_refused("otpauth://totp/ACME:al%00ice?secret=MZXW6");
	assert_refused("otpauth://totp/a?secret=MZXW6&x=%g0");
	assert_refused("otpauth://totp/a?secret=MZXW6#frag");
	assert_refused("otpauth://totp/AC ME:alice?secret=MZXW6");
	assert_refused("otpauth://totp/ACME:alice?secret=MZXW6\n");
	assert_refused("otpauth://totp/ACM\xc3\x89:a?secret=MZXW6");
	/* Names crm_valid_name refuses: empty, control, bad UTF-8. */
	assert_refused("otpauth://totp/:alice?secret=MZXW6");
	assert_refused("otpauth://totp/ACME:?secret=MZXW6");
	assert_refused("otpauth://totp/ACME:%20?secret=MZXW6");
	assert_refused("otpauth://totp/ACME:al%0Aice?secret=MZXW6");
	assert_refused("otpauth://totp/ACME:al%C3ice?secret=MZXW6");
	assert_refused("otpauth://totp/a?secret=MZXW6&issuer=");
	assert_refused("otpauth://totp/a?secret=MZXW6&issuer=%1B%5B2J");
}

static void
builds_out_of_range_are_refused(void **state)
{
	struct crm_otpauth o;
	char uri[CRM_OTPAUTH_MAX];

#define ASSERT_BUILD_REFUSED(change) do {				\
		fill(&o, "ACME", "alice");				\
		change;							\
		memset(uri, 'x', sizeof(uri));				\
		assert_int_equal(crm_otpauth_build(&o, uri, sizeof(uri)), \
				 CRM_INVALID);				\
		assert_string_equal(uri, "");				\
	} while (0)

	ASSERT_BUILD_REFUSED(o.digits = 9);
	ASSERT_BUILD_REFUSED(o.digits = 5);
	ASSERT_BUILD_REFUSED(o.period = 0);
	ASSERT_BUILD_REFUSED(o.period = 3601);
	ASSERT_BUILD_REFUSED(o.secret_len = 0);
	ASSERT_BUILD_REFUSED(o.secret_len = CRM_TOTP_SECRET_MAX + 1);
	ASSERT_BUILD_REFUSED(o.algorithm = (enum crm_totp_algorithm)3);
	ASSERT_BUILD_REFUSED(o.issuer[0] = '\0');
	ASSERT_BUILD_REFUSED(o.account[0] = '\0');
	ASSERT_BUILD_REFUSED(strcpy(o.account, "al\xc3ice"));
	ASSERT_BUILD_REFUSED(strcpy(o.issuer, "AC\tME"));
	ASSERT_BUILD_REFUSED(strcpy(o.account, " alice"));
	ASSERT_BUILD_REFUSED(memset(o.issuer, 'a', sizeof(o.issuer)));
#undef ASSERT_BUILD_REFUSED
}

static void
a_short_buffer_gets_no_part_of_the_secret(void **state)
{
	struct crm_otpauth o;
	char uri[CRM_OTPAUTH_MAX], zero[CRM_OTPAUTH_MAX];
	size_t len;

	fill(&o, "ACME", "alice");
	assert_int_equal(crm_otpauth_build(&o, uri, sizeof(uri)), CRM_OK);
	len = strlen(uri);

	/* One byte short of the NUL: refused, and cleansed through. */
	memset(zero, 0, sizeof(zero));
	memset(uri, 'x', sizeof(uri));
	assert_int_equal(crm_otpauth_build(&o, uri, len), CRM_INVALID);
	assert_memory_equal(uri, zero, len);
	assert_int_equal(crm_otpauth_build(&o, uri, len + 1), CRM_OK);
	assert_int_equal(strlen(uri), len);
	assert_int_equal(crm_otpauth_build(&o, uri, 0), CRM_INVALID);

	/* Long names that the CRM_OTPAUTH_MAX bound does not cover. */
	memset(o.account, '@', 200);
	o.account[200] = '\0';
	assert_int_equal(crm_otpauth_build(&o, uri, sizeof(uri)),
			 CRM_INVALID);
	assert_string_equal(uri, "");
}

static void
clearing_wipes_the_secret(void **state)
{
	struct crm_otpauth o;

	fill(&o, "ACME", "alice");
	crm_otpauth_clear(&o);
	assert_cleared(&o);
	crm_otpauth_clear(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(algorithms_have_one_name_in_any_case),
		cmocka_unit_test(the_rfc6238_seed_is_written_as_rfc4648_base32),
		cmocka_unit_test(names_are_percent_encoded),
		cmocka_unit_test(every_algorithm_digits_and_period_read_back),
		cmocka_unit_test(what_the_apps_write_reads_in),
		cmocka_unit_test(one_key_is_one_struct),
		cmocka_unit_test(doubtful_uris_are_refused),
		cmocka_unit_test(builds_out_of_range_are_refused),
		cmocka_unit_test(a_short_buffer_gets_no_part_of_the_secret),
		cmocka_unit_test(clearing_wipes_the_secret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
