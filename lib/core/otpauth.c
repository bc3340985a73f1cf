/*
 * otpauth.c - build and parse otpauth://totp/ key URIs.
 *
 * The base32 codec is our own, not liboath's oath_base32_encode/decode:
 * those copy the secret into buffers of their own that they free without
 * cleansing, pad on output (apps and the Key Uri Format want no padding),
 * and on input skip spaces and accept unused trailing bits that are not
 * zero, so that two spellings would read as one secret.  RFC 4648 base32
 * is thirty lines.
 *
 * Every byte of the URI is checked before it is used; a decoded value
 * goes into a buffer of known size or is refused, never cut.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/encode.h"
#include "core/otpauth.h"

#define URI_PREFIX		"otpauth://totp/"
#define URI_PREFIX_LEN		(sizeof(URI_PREFIX) - 1)

#define DIGITS_MIN		6
#define DIGITS_MAX		8
#define PERIOD_MAX		3600
#define DEFAULT_DIGITS		6
#define DEFAULT_PERIOD		30

/* The longest base32 text of a secret we hold, padded: 64 bytes are 103
 * characters, 104 with padding. */
#define SECRET_TEXT_MAX		(((CRM_TOTP_SECRET_MAX + 4) / 5) * 8 + 1)
/* Room for the value of algorithm=, digits=, period= and a known name. */
#define SHORT_TEXT_MAX		16


static const char *const algorithm_names[] = {
	[CRM_TOTP_SHA1] = "SHA1",
	[CRM_TOTP_SHA256] = "SHA256",
	[CRM_TOTP_SHA512] = "SHA512",
};

/* ASCII only: the locale must not decide what "sha1" is (tr_TR). */
static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
ascii_equal_nocase(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ascii_lower((unsigned char)a[i]) !=
		    ascii_lower((unsigned char)b[i]))
			return 0;
		if (a[i] == '\0')
			return 1;
	}
	return 1;
}

const char *
crm_totp_algorithm_name(enum crm_totp_algorithm a)
{
	if ((unsigned int)a >= CRM_ARRAY_SIZE(algorithm_names))
		return NULL;
	return algorithm_names[a];
}

int
crm_totp_algorithm_parse(const char *text, enum crm_totp_algorithm *out)
{
	size_t i;

	if (text == NULL)
		return CRM_INVALID;
	for (i = 0; i < CRM_ARRAY_SIZE(algorithm_names); i++) {
		if (ascii_equal_nocase(text, algorithm_names[i],
				       strlen(algorithm_names[i]) + 1)) {
			*out = (enum crm_totp_algorithm)i;
			return CRM_OK;
		}
	}
	return CRM_INVALID;
}

void
crm_otpauth_clear(struct crm_otpauth *o)
{
	if (o != NULL)
		OPENSSL_cleanse(o, sizeof(*o));
}

/* ---- building ---- */

/* Appends to a fixed buffer; once something does not fit, nothing more
 * is written and the build fails. */
struct sink {
	char *buf;
	size_t len;
	size_t cap;
	int full;
};

static void
put(struct sink *s, const char *text, size_t n)
{
	if (s->full || n >= s->cap - s->len) {
		s->full = 1;
		return;
	}
	memcpy(s->buf + s->len, text, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

static void
put_str(struct sink *s, const char *text)
{
	put(s, text, strlen(text));
}

static int
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/* RFC 3986: everything but the unreserved characters as %XX, so that no
 * ':', '&', '=' or '+' inside a name can be read as syntax. */
static void
put_encoded(struct sink *s, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char esc[3];

	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (is_unreserved(*p)) {
			put(s, (const char *)p, 1);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[*p >> 4];
		esc[2] = hex[*p & 0x0f];
		put(s, esc, sizeof(esc));
	}
}

/* RFC 4648 section 6, upper case, no padding (encode.c). */
static void
put_base32(struct sink *s, const unsigned char *in, size_t len)
{
	char text[(CRM_TOTP_SECRET_MAX * 8 + 4) / 5 + 1];

	if (crm_base32_encode(in, len, text, sizeof(text)) != CRM_OK) {
		s->full = 1;
		return;
	}
	put(s, text, strlen(text));
	OPENSSL_cleanse(text, sizeof(text));
}

int
crm_otpauth_build(const struct crm_otpauth *in, char *out, size_t outlen)
{
	struct sink s = { out, 0, outlen, 0 };
	char numbers[64];
	const char *algorithm;
	int rc = CRM_INVALID;

	if (out == NULL || outlen == 0)
		return CRM_INVALID;
	out[0] = '\0';
	if (in == NULL)
		goto out;
	algorithm = crm_totp_algorithm_name(in->algorithm);
	if (algorithm == NULL ||
	    in->digits < DIGITS_MIN || in->digits > DIGITS_MAX ||
	    in->period < 1 || in->period > PERIOD_MAX ||
	    in->secret_len < 1 || in->secret_len > CRM_TOTP_SECRET_MAX)
		goto out;
	if (!crm_valid_name(in->issuer, sizeof(in->issuer), 0) ||
	    !crm_valid_name(in->account, sizeof(in->account), 0))
		goto out;
	/* Parsing drops spaces after the label's ':' (the Key Uri Format
	 * allows them there): such an account would not read back. */
	if (in->account[0] == ' ')
		goto out;

	put_str(&s, URI_PREFIX);
	put_encoded(&s, in->issuer);
	put_str(&s, ":");
	put_encoded(&s, in->account);
	put_str(&s, "?secret=");
	put_base32(&s, in->secret, in->secret_len);
	put_str(&s, "&issuer=");
	put_encoded(&s, in->issuer);
	snprintf(numbers, sizeof(numbers), "&algorithm=%s&digits=%u&period=%u",
		 algorithm, in->digits, in->period);
	put_str(&s, numbers);
	if (!s.full)
		rc = CRM_OK;
out:
	if (rc != CRM_OK) {
		/* A URI cut short may still hold part of the secret. */
		OPENSSL_cleanse(out, outlen);
		out[0] = '\0';
	}
	return rc;
}

/* ---- parsing ---- */

/* What RFC 3986 lets stand unescaped after the authority: unreserved,
 * sub-delims, ':', '@', '/', '?' and '%' (an escape).  Not '#': a
 * fragment has no place in a key URI. */
static int
is_uri_char(unsigned char c)
{
	return is_unreserved(c) || strchr("!$&'()*+,;=:@/?%", c) != NULL;
}


/*
 * Percent-decode n bytes of p into dst (cap bytes, NUL-terminated); dst
 * NULL only checks.  '+' is a space when plus_space (query values).  0
 * for a '%' not followed by two hex digits, for %00 (it would cut the
 * text) and when the result does not fit.
 */
static int
pct_decode(const char *p, size_t n, int plus_space, char *dst, size_t cap)
{
	size_t i, len = 0;
	int hi, lo;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (c == '%') {
			if (n - i < 3)
				return 0;
			hi = crm_hex_digit((unsigned char)p[i + 1]);
			lo = crm_hex_digit((unsigned char)p[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return 0;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (dst != NULL) {
			if (len + 1 >= cap)
				return 0;
			dst[len] = (char)c;
		}
		len++;
	}
	if (dst != NULL)
		dst[len] = '\0';
	return 1;
}

/* Decode a name (issuer or account) and check it as every name is. */
static int
decode_name(const char *p, size_t n, int plus_space, char *dst, size_t cap)
{
	return pct_decode(p, n, plus_space, dst, cap) &&
	       crm_valid_name(dst, cap, 0);
}

/* Decimal min..max: digits only, no sign, no leading zero. */
static int
parse_uint(const char *text, unsigned int min, unsigned int max,
	   unsigned int *out)
{
	unsigned int value = 0;
	const char *p;

	if (text[0] == '\0' || strlen(text) > 4 || text[0] == '0')
		return 0;
	for (p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		value = value * 10 + (unsigned int)(*p - '0');
	}
	if (value < min || value > max)
		return 0;
	*out = value;
	return 1;
}

/*
 * ISSUER:ACCOUNT or ACCOUNT.  The separator is the first literal ':';
 * when there is none, the first "%3A", which the Key Uri Format allows
 * too.  Spaces before the account are dropped, as the format says
 * (with or without an issuer, so that no account starts with one).
 */
static int
parse_label(const char *label, size_t n, struct crm_otpauth *out)
{
	const char *sep;
	size_t sep_len = 1, skip = 0, len, i;

	sep = memchr(label, ':', n);
	if (sep == NULL) {
		sep_len = 3;
		for (i = 0; i + 3 <= n; i++) {
			if (label[i] == '%' && label[i + 1] == '3' &&
			    ascii_lower((unsigned char)label[i + 2]) == 'a') {
				sep = label + i;
				break;
			}
		}
	}
	if (sep == NULL) {
		sep = label;
	} else {
		if (!decode_name(label, (size_t)(sep - label), 0, out->issuer,
				 sizeof(out->issuer)))
			return 0;
		sep += sep_len;
	}
	if (!pct_decode(sep, n - (size_t)(sep - label), 0, out->account,
			sizeof(out->account)))
		return 0;
	while (out->account[skip] == ' ')
		skip++;
	len = strlen(out->account + skip);
	memmove(out->account, out->account + skip, len);
	/* The tail too: one key must be one struct, byte for byte. */
	memset(out->account + len, 0, sizeof(out->account) - len);
	return crm_valid_name(out->account, sizeof(out->account), 0);
}

enum param {
	PARAM_SECRET = 1 << 0,
	PARAM_ISSUER = 1 << 1,
	PARAM_ALGORITHM = 1 << 2,
	PARAM_DIGITS = 1 << 3,
	PARAM_PERIOD = 1 << 4,
};

static const struct {
	const char *name;
	enum param param;
} known_params[] = {
	{ "secret", PARAM_SECRET },
	{ "issuer", PARAM_ISSUER },
	{ "algorithm", PARAM_ALGORITHM },
	{ "digits", PARAM_DIGITS },
	{ "period", PARAM_PERIOD },
};

/* The parameter a (raw) name decodes to; 0 for one we do not know; -1
 * for a bad escape. */
static int
param_of(const char *p, size_t n)
{
	char name[SHORT_TEXT_MAX];
	size_t i;

	if (!pct_decode(p, n, 1, NULL, 0))
		return -1;
	if (n >= sizeof(name))
		return 0;	/* decodes to at most n bytes: none we know */
	if (!pct_decode(p, n, 1, name, sizeof(name)))
		return -1;
	for (i = 0; i < CRM_ARRAY_SIZE(known_params); i++) {
		if (strcmp(name, known_params[i].name) == 0)
			return (int)known_params[i].param;
	}
	return 0;
}

/* One name=value of the query into *out; issuer= goes to issuer (cap
 * CRM_NAME_MAX) to be compared with the label's. */
static int
parse_param(const char *p, size_t n, unsigned int *seen,
	    struct crm_otpauth *out, char *issuer)
{
	char secret_text[SECRET_TEXT_MAX];
	char short_text[SHORT_TEXT_MAX];
	const char *eq, *value;
	size_t value_len;
	int param, ok = 0;

	eq = memchr(p, '=', n);
	value = eq != NULL ? eq + 1 : p + n;
	value_len = n - (size_t)(value - p);
	param = param_of(p, eq != NULL ? (size_t)(eq - p) : n);
	if (param < 0)
		return 0;
	if (param == 0)	/* unknown: ignored, but still well-formed */
		return pct_decode(value, value_len, 1, NULL, 0);
	if (*seen & (unsigned int)param)
		return 0;
	*seen |= (unsigned int)param;

	switch (param) {
	case PARAM_SECRET:
		ok = pct_decode(value, value_len, 1, secret_text,
				sizeof(secret_text)) &&
		     crm_base32_decode(secret_text, strlen(secret_text), 0,
				       out->secret, sizeof(out->secret),
				       &out->secret_len) == CRM_OK &&
		     out->secret_len > 0;
		OPENSSL_cleanse(secret_text, sizeof(secret_text));
		break;
	case PARAM_ISSUER:
		ok = decode_name(value, value_len, 1, issuer, CRM_NAME_MAX);
		break;
	case PARAM_ALGORITHM:
		ok = pct_decode(value, value_len, 1, short_text,
				sizeof(short_text)) &&
		     crm_totp_algorithm_parse(short_text,
					      &out->algorithm) == CRM_OK;
		break;
	case PARAM_DIGITS:
		ok = pct_decode(value, value_len, 1, short_text,
				sizeof(short_text)) &&
		     parse_uint(short_text, DIGITS_MIN, DIGITS_MAX,
				&out->digits);
		break;
	case PARAM_PERIOD:
		ok = pct_decode(value, value_len, 1, short_text,
				sizeof(short_text)) &&
		     parse_uint(short_text, 1, PERIOD_MAX, &out->period);
		break;
	}
	return ok;
}

int
crm_otpauth_parse(const char *uri, struct crm_otpauth *out)
{
	char issuer[CRM_NAME_MAX] = "";
	const char *rest, *query, *p, *amp;
	unsigned int seen = 0;
	size_t label_len, n;
	int rc = CRM_INVALID;

	if (out == NULL)
		return CRM_INVALID;
	crm_otpauth_clear(out);
	out->algorithm = CRM_TOTP_SHA1;
	out->digits = DEFAULT_DIGITS;
	out->period = DEFAULT_PERIOD;
	if (uri == NULL)
		goto out;
	/* Scheme and host are case-insensitive (RFC 3986 3.1, 3.2.2). */
	if (strnlen(uri, URI_PREFIX_LEN) < URI_PREFIX_LEN ||
	    !ascii_equal_nocase(uri, URI_PREFIX, URI_PREFIX_LEN))
		goto out;
	rest = uri + URI_PREFIX_LEN;
	for (p = rest; *p != '\0'; p++) {
		if (!is_uri_char((unsigned char)*p))
			goto out;
	}

	query = strchr(rest, '?');
	label_len = query != NULL ? (size_t)(query - rest) : strlen(rest);
	if (!parse_label(rest, label_len, out))
		goto out;

	for (p = query != NULL ? query + 1 : NULL; p != NULL;
	     p = amp != NULL ? amp + 1 : NULL) {
		amp = strchr(p, '&');
		n = amp != NULL ? (size_t)(amp - p) : strlen(p);
		if (n == 0)	/* "&&", a trailing '&': nothing said */
			continue;
		if (!parse_param(p, n, &seen, out, issuer))
			goto out;
	}

	if (!(seen & PARAM_SECRET))
		goto out;
	if (seen & PARAM_ISSUER) {
		if (out->issuer[0] == '\0')
			memcpy(out->issuer, issuer, sizeof(out->issuer));
		else if (strcmp(out->issuer, issuer) != 0)
			goto out;
	}
	rc = CRM_OK;
out:
	if (rc != CRM_OK)
		crm_otpauth_clear(out);
	return rc;
}
