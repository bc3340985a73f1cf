/*
 * otpauth.h - the otpauth://totp/ key URI that enrolment hands to an
 * authenticator app (Google Authenticator's "Key Uri Format"), built and
 * parsed.
 *
 * Pure functions: no PAM, no store, no clock.  The struct holds the TOTP
 * secret itself; whoever fills one clears it with crm_otpauth_clear().
 * Nothing here logs, and no error says anything about a secret.
 *
 * Built:  otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER
 *             &algorithm=SHA1&digits=6&period=30
 * with issuer and account percent-encoded (only RFC 3986 unreserved
 * characters stay as they are, so a ':' inside either part is %3A and the
 * one literal ':' is the separator) and the secret in RFC 4648 base32,
 * upper case, without padding.
 *
 * Parsed as the apps accept it:
 *  - scheme and type case-insensitive; only "totp" ("hotp" is refused);
 *  - label "ISSUER:ACCOUNT" (the first literal ':', or when there is
 *    none the first "%3A", separates) or "ACCOUNT" alone; spaces
 *    before the account are dropped (and build refuses an account that
 *    starts with one);
 *  - issuer= must equal the label's issuer when both are there; with
 *    neither, issuer is "";
 *  - algorithm, digits and period default to SHA1, 6 and 30;
 *  - secret base32 in either case, padding optional but correct when
 *    present, unused trailing bits zero;
 *  - parameter names and values percent-decoded, '+' in a value is a
 *    space (as Android's Uri.getQueryParameter reads it); unknown
 *    parameters ignored, a known one given twice refused;
 *  - strict: characters outside RFC 3986, a fragment, a bad or NUL
 *    escape, text crm_valid_name refuses, anything too long: CRM_INVALID.
 */
#ifndef CRM_OTPAUTH_H
#define CRM_OTPAUTH_H

#include <stddef.h>

#include "core/crm.h"

enum crm_totp_algorithm {
	CRM_TOTP_SHA1,
	CRM_TOTP_SHA256,
	CRM_TOTP_SHA512,
};

/* "SHA1", "SHA256", "SHA512"; NULL for anything else. */
const char *crm_totp_algorithm_name(enum crm_totp_algorithm a);

/* SHA1, SHA256 or SHA512 in any case: CRM_OK, else CRM_INVALID with *out
 * unchanged. */
int crm_totp_algorithm_parse(const char *text, enum crm_totp_algorithm *out);

/*
 * Room for a built URI.  The fixed parts and the longest secret (64 bytes
 * are 103 base32 characters) take 173 bytes with the NUL, which leaves
 * 339 for the issuer (written twice) and the account, percent-encoded: a
 * 100-character ASCII issuer and account fit; names near CRM_NAME_MAX do
 * not, and crm_otpauth_build refuses them rather than cut them.
 */
#define CRM_OTPAUTH_MAX		512
#define CRM_TOTP_SECRET_MAX	64

struct crm_otpauth {
	char issuer[CRM_NAME_MAX];	/* decoded */
	char account[CRM_NAME_MAX];	/* decoded label account part */
	unsigned char secret[CRM_TOTP_SECRET_MAX];
	size_t secret_len;
	enum crm_totp_algorithm algorithm;
	unsigned int digits;		/* 6, 7 or 8 */
	unsigned int period;		/* seconds, 1..3600 */
};

/*
 * The URI for *in into out.  CRM_INVALID when digits, period, algorithm
 * or secret_len (1..CRM_TOTP_SECRET_MAX) is out of range, issuer or
 * account is empty or not a valid name (crm_valid_name), or out is too
 * small; out is then "" (when outlen > 0) and holds no part of the
 * secret.  The URI carries the secret: the caller cleanses out.
 */
int crm_otpauth_build(const struct crm_otpauth *in, char *out, size_t outlen);

/*
 * Parse a key URI as described above.  CRM_OK or CRM_INVALID; *out is
 * cleared (crm_otpauth_clear) unless CRM_OK.
 */
int crm_otpauth_parse(const char *uri, struct crm_otpauth *out);

/* Cleanse the whole struct, secret included. */
void crm_otpauth_clear(struct crm_otpauth *o);

#endif
