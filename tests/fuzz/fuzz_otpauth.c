/*
 * fuzz_otpauth.c - libFuzzer target for lib/core/otpauth: a key URI can
 * come from anyone (a pasted enrolment, an import), so the parser must
 * survive any bytes.
 *
 * Beyond not crashing it checks what enrolment relies on: whatever
 * parses builds again, and the built URI parses to the same key, issuer,
 * account and parameters; a refusal leaves the struct zeroed.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/otpauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Room for a URI with names near CRM_NAME_MAX, each byte as %XX:
 * CRM_OTPAUTH_MAX does not promise that much. */
#define BIG_URI_MAX	(4 * 3 * CRM_NAME_MAX)

static void
check(int ok)
{
	if (!ok)
		abort();
}

static int
is_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i] != 0)
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[4097], uri[BIG_URI_MAX], small[CRM_OTPAUTH_MAX];
	struct crm_otpauth first, second;
	int rc;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	rc = crm_otpauth_parse(text, &first);
	check(rc == CRM_OK || rc == CRM_INVALID);
	if (rc != CRM_OK) {
		check(is_zero(&first, sizeof(first)));
		return 0;
	}
	check(first.secret_len >= 1 &&
	      first.secret_len <= CRM_TOTP_SECRET_MAX);
	check(first.digits >= 6 && first.digits <= 8);
	check(first.period >= 1 && first.period <= 3600);
	check(crm_totp_algorithm_name(first.algorithm) != NULL);

	/* An account alone parses, with no issuer; building needs one. */
	if (first.issuer[0] == '\0') {
		check(crm_otpauth_build(&first, uri, sizeof(uri)) ==
		      CRM_INVALID);
		strcpy(first.issuer, "fuzz");
	}
	check(crm_otpauth_build(&first, uri, sizeof(uri)) == CRM_OK);
	check(crm_otpauth_parse(uri, &second) == CRM_OK);
	check(memcmp(&first, &second, sizeof(first)) == 0);

	/* The bounded buffer either holds the same URI or nothing. */
	rc = crm_otpauth_build(&first, small, sizeof(small));
	if (rc == CRM_OK)
		check(strcmp(small, uri) == 0);
	else
		check(rc == CRM_INVALID && small[0] == '\0');

	crm_otpauth_clear(&first);
	crm_otpauth_clear(&second);
	return 0;
}
