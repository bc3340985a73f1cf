/*
 * totp_import.c - pam_oath usersfiles and ~/.google_authenticator files
 * read into memory for "crmauth totp import" (totp_import.h).
 *
 * The input is bytes with a length, not a string: a file may hold NUL
 * bytes or end without a newline, and nothing here reads past len.  The
 * secrets go straight from the input into the entries, without an
 * intermediate copy; the entries array grows by copy-and-cleanse rather
 * than realloc, which would leave the old secrets in freed memory.
 */
#include "autoconfig.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli/totp_import.h"
#include "core/encode.h"
#include "core/crm.h"

/* TYPE USER PIN SECRET COUNTER LASTOTP TIME */
#define OATH_FIELDS_MAX	7
/* google-authenticator writes timestamps after some options. */
#define GA_FIELDS_MAX	64

struct field {
	const char *s;
	size_t len;
};

static void set_err(char *err, size_t errlen, unsigned int line,
		    const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "line N: reason", or only the reason when line is 0 (the whole file).
 * Callers never pass a field of the input: it may be the secret. */
static void
set_err(char *err, size_t errlen, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (err == NULL || errlen == 0)
		return;
	if (line != 0) {
		n = snprintf(err, errlen, "line %u: ", line);
		if (n < 0 || (size_t)n >= errlen)
			return;
	}
	va_start(ap, fmt);
	(void)vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

void
crm_import_free(struct crm_import *imp)
{
	if (imp == NULL)
		return;
	if (imp->entries != NULL) {
		/* The whole room, not only count: a failed parse leaves a
		 * half-written entry past count. */
		OPENSSL_cleanse(imp->entries,
				imp->cap * sizeof(imp->entries[0]));
		free(imp->entries);
	}
	memset(imp, 0, sizeof(*imp));
}

/*
 * A zeroed entry at imp->entries[imp->count], not yet counted: the caller
 * counts it once it is complete.  NULL when out of memory.
 */
static struct crm_import_entry *
next_entry(struct crm_import *imp)
{
	struct crm_import_entry *grown;
	size_t newcap;

	if (imp->count == imp->cap) {
		newcap = imp->cap != 0 ? imp->cap * 2 : 8;
		if (newcap < imp->cap ||
		    newcap > SIZE_MAX / sizeof(imp->entries[0]))
			return NULL;
		grown = calloc(newcap, sizeof(imp->entries[0]));
		if (grown == NULL)
			return NULL;
		if (imp->entries != NULL) {
			memcpy(grown, imp->entries,
			       imp->count * sizeof(imp->entries[0]));
			OPENSSL_cleanse(imp->entries,
					imp->cap * sizeof(imp->entries[0]));
			free(imp->entries);
		}
		imp->entries = grown;
		imp->cap = newcap;
	}
	memset(&imp->entries[imp->count], 0, sizeof(imp->entries[0]));
	return &imp->entries[imp->count];
}

/*
 * The next line of text[0..len) from *pos: its start and length without
 * the '\n' and without a '\r' before it (a file written on Windows).
 * 0 at the end; a final line without '\n' is a line.
 */
static int
next_line(const char *text, size_t len, size_t *pos, const char **line,
	  size_t *line_len)
{
	const char *nl;
	size_t n;

	if (*pos >= len)
		return 0;
	*line = text + *pos;
	nl = memchr(*line, '\n', len - *pos);
	n = nl != NULL ? (size_t)(nl - *line) : len - *pos;
	*pos += n + (nl != NULL ? 1 : 0);
	if (n > 0 && (*line)[n - 1] == '\r')
		n--;
	*line_len = n;
	return 1;
}

static int
is_blank(char c)
{
	/* liboath's separators (" \t\r\n"); '\n' never reaches here. */
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Split line into at most max fields at blanks.  The number of fields,
 * or max + 1 when there are more.
 */
static size_t
split_fields(const char *line, size_t len, struct field *fields, size_t max)
{
	size_t i = 0, n = 0, start;

	for (;;) {
		while (i < len && is_blank(line[i]))
			i++;
		if (i == len)
			return n;
		if (n == max)
			return max + 1;
		start = i;
		while (i < len && !is_blank(line[i]))
			i++;
		fields[n].s = line + start;
		fields[n].len = i - start;
		n++;
	}
}

static int
field_is(const struct field *f, const char *word)
{
	size_t n = strlen(word);

	return f->len == n && memcmp(f->s, word, n) == 0;
}

static int
all_digits(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* f as a decimal number 1..max; -1 when it is not one. */
static int
parse_number(const struct field *f, unsigned int max, unsigned int *value)
{
	unsigned long v = 0;
	size_t i;

	/* Nine digits fit, and pass any max we use. */
	if (!all_digits(f->s, f->len) || f->len > 9)
		return -1;
	for (i = 0; i < f->len; i++)
		v = v * 10 + (unsigned long)(f->s[i] - '0');
	if (v < 1 || v > max)
		return -1;
	*value = (unsigned int)v;
	return 0;
}

/* The user name in f, checked as every outside name is, into user. */
static int
copy_user(const struct field *f, char *user)
{
	if (f->len == 0 || f->len >= CRM_NAME_MAX)
		return -1;
	memcpy(user, f->s, f->len);
	user[f->len] = '\0';
	return crm_valid_name(user, CRM_NAME_MAX, 0) ? 0 : -1;
}


/* liboath 2.6's TOTP token types (usersfile.c, parse_type). */
static const struct {
	const char *name;
	unsigned int period;
	unsigned int digits;
} oath_types[] = {
	{ "HOTP/T30", 30, 6 },
	{ "HOTP/T30/6", 30, 6 },
	{ "HOTP/T30/7", 30, 7 },
	{ "HOTP/T30/8", 30, 8 },
	{ "HOTP/T60", 60, 6 },
	{ "HOTP/T60/6", 60, 6 },
	{ "HOTP/T60/7", 60, 7 },
	{ "HOTP/T60/8", 60, 8 },
};

/* One non-comment line of a usersfile into a new entry of out. */
static int
oath_line(const char *line, size_t len, unsigned int lineno,
	  struct crm_import *out, char *err, size_t errlen)
{
	struct field f[OATH_FIELDS_MAX];
	struct crm_import_entry *e;
	const struct field *secret;
	size_t nf, i, k;
	int hi, lo;

	nf = split_fields(line, len, f, OATH_FIELDS_MAX);
	if (nf > OATH_FIELDS_MAX) {
		set_err(err, errlen, lineno, "more than %d fields",
			OATH_FIELDS_MAX);
		return CRM_INVALID;
	}
	if ((e = next_entry(out)) == NULL) {
		set_err(err, errlen, lineno, "out of memory");
		return CRM_ENOMEM;
	}
	e->line = lineno;
	e->algorithm = CRM_IMPORT_SHA1;

	for (i = 0; i < CRM_ARRAY_SIZE(oath_types); i++)
		if (field_is(&f[0], oath_types[i].name))
			break;
	if (i == CRM_ARRAY_SIZE(oath_types)) {
		if (field_is(&f[0], "HOTP") ||
		    (f[0].len >= 6 && memcmp(f[0].s, "HOTP/E", 6) == 0))
			set_err(err, errlen, lineno, "event-based HOTP "
				"(a counter) is not imported: only TOTP "
				"(HOTP/T30, HOTP/T60)");
		else
			set_err(err, errlen, lineno, "unknown token type "
				"(HOTP/T30 or HOTP/T60, optionally /6, /7 "
				"or /8)");
		return CRM_INVALID;
	}
	e->period = oath_types[i].period;
	e->digits = oath_types[i].digits;

	if (nf < 2) {
		set_err(err, errlen, lineno, "no user name");
		return CRM_INVALID;
	}
	if (copy_user(&f[1], e->user) != 0) {
		set_err(err, errlen, lineno, "user name too long or not "
			"printable UTF-8");
		return CRM_INVALID;
	}
	for (k = 0; k < out->count; k++)
		if (strcmp(out->entries[k].user, e->user) == 0) {
			set_err(err, errlen, lineno, "user already given on "
				"line %u: one secret per user",
				out->entries[k].line);
			return CRM_INVALID;
		}

	if (nf < 3) {
		set_err(err, errlen, lineno, "no PIN field (\"-\" for none)");
		return CRM_INVALID;
	}
	/* "+" is pam_oath's "the password is checked by another module",
	 * which is how a pam-crm stack does it: no PIN in this file. */
	if (!field_is(&f[2], "-") && !field_is(&f[2], "+")) {
		set_err(err, errlen, lineno, "a PIN is set: pam_oath's "
			"PIN+code form is not imported (check the password "
			"with its own module, then set the PIN to \"-\")");
		return CRM_INVALID;
	}

	if (nf < 4) {
		set_err(err, errlen, lineno, "no secret");
		return CRM_INVALID;
	}
	secret = &f[3];
	if (secret->len % 2 != 0) {
		set_err(err, errlen, lineno, "secret is an odd number of hex "
			"digits");
		return CRM_INVALID;
	}
	if (secret->len / 2 > CRM_IMPORT_SECRET_MAX) {
		set_err(err, errlen, lineno, "secret longer than %d bytes",
			CRM_IMPORT_SECRET_MAX);
		return CRM_INVALID;
	}
	for (i = 0; i < secret->len; i += 2) {
		hi = crm_hex_digit((unsigned char)secret->s[i]);
		lo = crm_hex_digit((unsigned char)secret->s[i + 1]);
		if (hi < 0 || lo < 0) {
			set_err(err, errlen, lineno, "secret is not hex");
			return CRM_INVALID;
		}
		e->secret[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	e->secret_len = secret->len / 2;

	/* pam_oath's replay state.  We keep our own, so it is only checked
	 * to be what pam_oath writes: a line that is not is no usersfile
	 * line we understand. */
	if (nf > 4) {
		const struct field *c = &f[4];
		size_t sign = c->len > 0 && (c->s[0] == '-' || c->s[0] == '+');

		if (c->len - sign > 19 ||
		    !all_digits(c->s + sign, c->len - sign)) {
			set_err(err, errlen, lineno, "counter is not a number");
			return CRM_INVALID;
		}
	}
	if (nf > 5 && (f[5].len > 10 || !all_digits(f[5].s, f[5].len))) {
		set_err(err, errlen, lineno, "last OTP is not a code");
		return CRM_INVALID;
	}
	/* TIME (f[6]) is only shown to pam_oath's strptime: nothing of it
	 * is kept, and any text there is harmless. */

	out->count++;
	return CRM_OK;
}

int
crm_import_oath_usersfile(const char *text, size_t len,
			  struct crm_import *out, char *err, size_t errlen)
{
	const char *line;
	size_t pos = 0, line_len, i;
	unsigned int lineno = 0;
	int rc = CRM_OK;

	memset(out, 0, sizeof(*out));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	while (next_line(text, len, &pos, &line, &line_len)) {
		if (lineno == UINT_MAX) {
			set_err(err, errlen, 0, "too many lines");
			rc = CRM_INVALID;
			goto out;
		}
		lineno++;
		if (memchr(line, '\0', line_len) != NULL) {
			set_err(err, errlen, lineno, "NUL byte");
			rc = CRM_INVALID;
			goto out;
		}
		for (i = 0; i < line_len && is_blank(line[i]); i++)
			;
		/* liboath: a first field starting with '#' is a comment. */
		if (i == line_len || line[i] == '#')
			continue;
		rc = oath_line(line, line_len, lineno, out, err, errlen);
		if (rc != CRM_OK)
			goto out;
	}
out:
	if (rc != CRM_OK)
		crm_import_free(out);
	return rc;
}

/* The options a google-authenticator file may carry. */
enum ga_option {
	GA_TOTP_AUTH,
	GA_DISALLOW_REUSE,
	GA_WINDOW_SIZE,
	GA_RATE_LIMIT,
	GA_STEP_SIZE,
	GA_HOTP_COUNTER,
	GA_OPTIONS
};

static const char *const ga_option_names[GA_OPTIONS] = {
	"TOTP_AUTH", "DISALLOW_REUSE", "WINDOW_SIZE", "RATE_LIMIT",
	"STEP_SIZE", "HOTP_COUNTER",
};

/* Trailing timestamps (DISALLOW_REUSE, RATE_LIMIT) are numbers. */
static int
all_numbers(const struct field *f, size_t from, size_t nf)
{
	for (; from < nf; from++)
		if (f[from].len > 20 || !all_digits(f[from].s, f[from].len))
			return 0;
	return 1;
}

/* One '"' line.  Ranges are those pam_google_authenticator accepts. */
static int
ga_option(const char *line, size_t len, unsigned int lineno,
	  struct crm_import_entry *e, int *seen, char *err, size_t errlen)
{
	struct field f[GA_FIELDS_MAX];
	unsigned int n, m;
	size_t nf, opt;

	if (len < 2 || line[1] != ' ' ||
	    (nf = split_fields(line + 1, len - 1, f, GA_FIELDS_MAX)) == 0 ||
	    nf > GA_FIELDS_MAX) {
		set_err(err, errlen, lineno, "not an option line "
			"(\" NAME ...)");
		return CRM_INVALID;
	}
	for (opt = 0; opt < GA_OPTIONS; opt++)
		if (field_is(&f[0], ga_option_names[opt]))
			break;
	if (opt == GA_OPTIONS) {
		set_err(err, errlen, lineno, "unknown option");
		return CRM_INVALID;
	}
	if (seen[opt]) {
		set_err(err, errlen, lineno, "%s given twice",
			ga_option_names[opt]);
		return CRM_INVALID;
	}
	seen[opt] = 1;

	switch (opt) {
	case GA_TOTP_AUTH:
		if (nf != 1)
			goto bad_value;
		break;
	case GA_DISALLOW_REUSE:
		/* Followed by the time steps already used. */
		if (!all_numbers(f, 1, nf))
			goto bad_value;
		e->disallow_reuse = 1;
		break;
	case GA_WINDOW_SIZE:
		if (nf != 2 || parse_number(&f[1], 100, &n) != 0)
			goto bad_value;
		/* The total number of codes tried, ours each side. */
		e->window = (n - 1) / 2;
		break;
	case GA_RATE_LIMIT:
		/* Attempts, seconds, then the times of recent attempts.
		 * Our lockout policy does this job: checked, then ignored. */
		if (nf < 3 || parse_number(&f[1], 100, &n) != 0 ||
		    parse_number(&f[2], 3600, &m) != 0 ||
		    !all_numbers(f, 3, nf))
			goto bad_value;
		break;
	case GA_STEP_SIZE:
		if (nf != 2 || parse_number(&f[1], 60, &n) != 0)
			goto bad_value;
		e->period = n;
		break;
	case GA_HOTP_COUNTER:
		set_err(err, errlen, lineno, "HOTP_COUNTER: counter-based "
			"HOTP is not imported, only TOTP");
		return CRM_INVALID;
	}
	return CRM_OK;

bad_value:
	set_err(err, errlen, lineno, "%s: bad value", ga_option_names[opt]);
	return CRM_INVALID;
}

int
crm_import_google_authenticator(const char *text, size_t len,
				const char *user, struct crm_import *out,
				size_t *dropped, char *err, size_t errlen)
{
	struct crm_import_entry *e;
	const char *line;
	size_t pos = 0, line_len, i, extra = 0;
	unsigned int lineno = 0;
	int seen[GA_OPTIONS] = { 0 };
	int rc = CRM_INVALID;

	memset(out, 0, sizeof(*out));
	*dropped = 0;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((e = next_entry(out)) == NULL) {
		set_err(err, errlen, 0, "out of memory");
		rc = CRM_ENOMEM;
		goto out;
	}
	if (user == NULL || strlen(user) >= CRM_NAME_MAX ||
	    !crm_valid_name(user, CRM_NAME_MAX, 0)) {
		set_err(err, errlen, 0, "user name too long or not printable "
			"UTF-8");
		goto out;
	}
	memcpy(e->user, user, strlen(user) + 1);
	e->algorithm = CRM_IMPORT_SHA1;
	e->digits = 6;
	e->period = 30;
	e->line = 1;

	while (next_line(text, len, &pos, &line, &line_len)) {
		if (lineno == UINT_MAX) {
			set_err(err, errlen, 0, "too many lines");
			goto out;
		}
		lineno++;
		if (memchr(line, '\0', line_len) != NULL) {
			set_err(err, errlen, lineno, "NUL byte");
			goto out;
		}
		if (lineno == 1) {
			if (crm_base32_decode(line, line_len,
					      CRM_BASE32_LENIENT, e->secret,
					      sizeof(e->secret),
					      &e->secret_len) != CRM_OK) {
				set_err(err, errlen, lineno, "secret is not "
					"base32 of at most %d bytes",
					CRM_IMPORT_SECRET_MAX);
				goto out;
			}
			if (e->secret_len < 10) {
				set_err(err, errlen, lineno, "secret shorter "
					"than 10 bytes");
				goto out;
			}
			continue;
		}
		if (line_len > 0 && line[0] == '"') {
			rc = ga_option(line, line_len, lineno, e, seen, err,
				       errlen);
			if (rc != CRM_OK)
				goto out;
			rc = CRM_INVALID;
			continue;
		}
		for (i = 0; i < line_len && is_blank(line[i]); i++)
			;
		if (i == line_len)
			continue;
		if (line_len != 8 || !all_digits(line, line_len)) {
			set_err(err, errlen, lineno, "neither an option nor "
				"an 8-digit scratch code");
			goto out;
		}
		if (e->recovery_count == CRM_IMPORT_RECOVERY_MAX) {
			extra++;
			continue;
		}
		memcpy(e->recovery[e->recovery_count], line, line_len);
		e->recovery[e->recovery_count][line_len] = '\0';
		e->recovery_count++;
	}
	if (lineno == 0) {
		set_err(err, errlen, 0, "empty file: no secret");
		goto out;
	}
	if (seen[GA_HOTP_COUNTER] || !seen[GA_TOTP_AUTH]) {
		set_err(err, errlen, 0, "no \" TOTP_AUTH line: the file is "
			"for counter-based HOTP, which is not imported");
		goto out;
	}
	out->count = 1;
	*dropped = extra;
	rc = CRM_OK;
out:
	if (rc != CRM_OK)
		crm_import_free(out);
	return rc;
}
