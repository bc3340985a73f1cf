/*
 * pwpolicy.c - the password policy checker (see pwpolicy.h for which
 * checks are ours and which cracklib's).
 *
 * The candidate is decoded once into code points, so that minlen counts
 * characters and the run checks see characters, not bytes.  A byte that
 * starts no valid UTF-8 character counts as one character of class
 * "others".  Character classes are ASCII's: a-z, A-Z, 0-9; every other
 * character (including non-ASCII letters) is "others", which keeps the
 * verdict independent of the process's locale.
 */
#include "autoconfig.h"

#include <libintl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <crack.h>

#include "core/crypto.h"
#include "core/pwpolicy.h"

/* Code points past U+10FFFF: the invalid bytes, kept apart from any
 * real character and from each other. */
#define INVALID_BASE 0x110000u

enum char_class { CLASS_LOWER, CLASS_UPPER, CLASS_DIGIT, CLASS_OTHER };

static const char *const reason_names[CRM_PW_REASON_COUNT] = {
	[CRM_PW_MINLEN] = "minlen",
	[CRM_PW_MINCLASS] = "minclass",
	[CRM_PW_MAXREPEAT] = "maxrepeat",
	[CRM_PW_MAXSEQUENCE] = "maxsequence",
	[CRM_PW_MAXCLASSREPEAT] = "maxclassrepeat",
	[CRM_PW_USERCHECK] = "usercheck",
	[CRM_PW_DEPARTMENT] = "department",
	[CRM_PW_DIFOK] = "difok",
	[CRM_PW_HISTORY] = "history",
	[CRM_PW_BREACHED] = "breached",
	[CRM_PW_DICTCHECK] = "dictcheck",
	[CRM_PW_UNCHECKED] = "unchecked",
};

const char *
crm_pwreason_name(enum crm_pwreason reason)
{
	if ((unsigned int)reason >= CRM_PW_REASON_COUNT)
		return "unknown";
	return reason_names[reason];
}

void
crm_pwpolicy_defaults(struct crm_pwpolicy *policy)
{
	memset(policy, 0, sizeof(*policy));
	policy->minlen = 12;
	policy->minclass = 3;
	policy->maxrepeat = 3;
	policy->maxsequence = 4;
	policy->maxclassrepeat = 0;
	policy->difok = 1;
	policy->usercheck = 1;
	policy->dictcheck = 1;
}

/* A text as code points, ASCII letters folded to lower case when fold. */
struct cps {
	uint32_t *cp;
	size_t n;
};

static int
decode(const char *s, int fold, struct cps *out)
{
	size_t len = strlen(s), i = 0, k;
	uint32_t cp;

	out->n = 0;
	if (len >= SIZE_MAX / sizeof(uint32_t))
		return CRM_ENOMEM;
	out->cp = malloc((len + 1) * sizeof(uint32_t));
	if (out->cp == NULL)
		return CRM_ENOMEM;
	while (i < len) {
		k = crm_utf8_char(s + i, len - i, &cp);
		if (k == 0) {
			cp = INVALID_BASE + (unsigned char)s[i];
			k = 1;
		}
		if (fold && cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		out->cp[out->n++] = cp;
		i += k;
	}
	return CRM_OK;
}

static void
cps_free(struct cps *c)
{
	if (c->cp != NULL) {
		crm_cleanse(c->cp, c->n * sizeof(uint32_t));
		free(c->cp);
	}
	c->cp = NULL;
	c->n = 0;
}

static enum char_class
class_of(uint32_t cp)
{
	if (cp >= 'a' && cp <= 'z')
		return CLASS_LOWER;
	if (cp >= 'A' && cp <= 'Z')
		return CLASS_UPPER;
	if (cp >= '0' && cp <= '9')
		return CLASS_DIGIT;
	return CLASS_OTHER;
}

static void
add_failure(struct crm_pwverdict *out, enum crm_pwreason reason,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
add_failure(struct crm_pwverdict *out, enum crm_pwreason reason,
	    const char *fmt, ...)
{
	struct crm_pwfailure *f;
	va_list ap;
	size_t i;

	for (i = 0; i < out->count; i++)
		if (out->failures[i].reason == reason)
			return;
	f = &out->failures[out->count++];
	f->reason = reason;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
}

static void
check_length_and_classes(const struct crm_pwpolicy *policy,
			 const struct cps *pw, struct crm_pwverdict *out)
{
	int seen[4] = { 0, 0, 0, 0 };
	unsigned long kinds = 0, need;
	size_t i;

	if (policy->minlen > 0 && pw->n < policy->minlen)
		add_failure(out, CRM_PW_MINLEN,
			    "The password is shorter than %lu characters",
			    policy->minlen);
	for (i = 0; i < pw->n; i++)
		seen[class_of(pw->cp[i])] = 1;
	for (i = 0; i < 4; i++)
		kinds += (unsigned long)seen[i];
	need = policy->minclass > 4 ? 4 : policy->minclass;
	if (kinds < need)
		add_failure(out, CRM_PW_MINCLASS,
			    "The password has too few kinds of characters "
			    "(needs %lu of: lower case, upper case, digits, "
			    "others)", need);
}

/* For a sequence, letters count without case: "aBcDe" is abcde. */
static uint32_t
seq_value(uint32_t cp)
{
	return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
}

static void
sequence_example(unsigned long len, char first, char last, char *buf,
		 size_t buflen)
{
	size_t i, n = len;

	if (n > (size_t)(last - first) + 1)
		n = (size_t)(last - first) + 1;
	if (n >= buflen)
		n = buflen - 1;
	for (i = 0; i < n; i++)
		buf[i] = (char)(first + (char)i);
	buf[n] = '\0';
}

static void
check_runs(const struct crm_pwpolicy *policy, const struct cps *pw,
	   struct crm_pwverdict *out)
{
	unsigned long same = 1, kind = 1, seq = 1;
	int dir = 0, d;
	size_t i;
	uint32_t a, b;
	char letters[32], digits[16];

	for (i = 1; i < pw->n; i++) {
		same = pw->cp[i] == pw->cp[i - 1] ? same + 1 : 1;
		kind = class_of(pw->cp[i]) == class_of(pw->cp[i - 1]) ?
		       kind + 1 : 1;
		a = seq_value(pw->cp[i - 1]);
		b = seq_value(pw->cp[i]);
		d = b == a + 1 ? 1 : a == b + 1 ? -1 : 0;
		if (d != 0 && d == dir) {
			seq++;
		} else {
			seq = d != 0 ? 2 : 1;
			dir = d;
		}
		if (policy->maxrepeat > 0 && same > policy->maxrepeat)
			add_failure(out, CRM_PW_MAXREPEAT,
				    "The password has more than %lu same "
				    "characters in a row", policy->maxrepeat);
		if (policy->maxclassrepeat > 0 &&
		    kind > policy->maxclassrepeat)
			add_failure(out, CRM_PW_MAXCLASSREPEAT,
				    "The password has more than %lu characters "
				    "of the same kind in a row",
				    policy->maxclassrepeat);
		if (policy->maxsequence > 0 && seq > policy->maxsequence) {
			sequence_example(policy->maxsequence + 1, 'a', 'z',
					 letters, sizeof(letters));
			sequence_example(policy->maxsequence + 1, '1', '9',
					 digits, sizeof(digits));
			add_failure(out, CRM_PW_MAXSEQUENCE,
				    "The password contains a sequence longer "
				    "than %lu characters, such as %s or %s",
				    policy->maxsequence, letters, digits);
		}
	}
}

/* Whether needle, forwards or backwards, is inside hay. */
static int
contains(const struct cps *hay, const struct cps *needle)
{
	size_t i, j, n = needle->n;

	if (n == 0 || n > hay->n)
		return 0;
	for (i = 0; i + n <= hay->n; i++) {
		for (j = 0; j < n && hay->cp[i + j] == needle->cp[j]; j++)
			;
		if (j == n)
			return 1;
		for (j = 0; j < n && hay->cp[i + j] == needle->cp[n - 1 - j];
		     j++)
			;
		if (j == n)
			return 1;
	}
	return 0;
}

/* As pwquality: names shorter than 3 characters are not looked for
 * (every password would hold "al" or "jo" somewhere). */
static int
check_name(const struct cps *folded, const char *name,
	   enum crm_pwreason reason, const char *message,
	   struct crm_pwverdict *out)
{
	struct cps n = { NULL, 0 };
	int rc;

	if (name == NULL || name[0] == '\0')
		return CRM_OK;
	rc = decode(name, 1, &n);
	if (rc != CRM_OK)
		return rc;
	if (n.n >= 3 && contains(folded, &n))
		add_failure(out, reason, "%s", message);
	cps_free(&n);
	return CRM_OK;
}

/*
 * difok as pwquality defines it: the number of characters of the new
 * password that are not in the old one (each old character matches one
 * new character at most).  The same password, or the same but for the
 * case of its letters, is refused even with difok 0.
 */
static int
check_difok(const struct crm_pwpolicy *policy, const struct cps *folded,
	    const char *password, const char *old, struct crm_pwverdict *out)
{
	struct cps o = { NULL, 0 };
	unsigned long fresh = 0;
	size_t i, j;
	int rc, same;

	if (old == NULL)
		return CRM_OK;
	rc = decode(old, 1, &o);
	if (rc != CRM_OK)
		return rc;
	same = strcmp(password, old) == 0 ||
	       (o.n == folded->n &&
		memcmp(o.cp, folded->cp, o.n * sizeof(uint32_t)) == 0);
	for (i = 0; i < folded->n; i++) {
		for (j = 0; j < o.n && o.cp[j] != folded->cp[i]; j++)
			;
		if (j < o.n)
			o.cp[j] = UINT32_MAX;	/* used up */
		else
			fresh++;
	}
	if (same || fresh < policy->difok)
		add_failure(out, CRM_PW_DIFOK,
			    "The new password is too much like the old one");
	cps_free(&o);
	return CRM_OK;
}

static void
unchecked(const struct crm_pwcontext *ctx, struct crm_pwverdict *out,
	  const char *what)
{
	crm_log(ctx->log, LOG_ERR, "password policy: %s", what);
	add_failure(out, CRM_PW_UNCHECKED,
		    "The password could not be checked: %s", what);
}

static int
check_breached(const struct crm_pwpolicy *policy, const char *password,
	       const struct crm_pwcontext *ctx, struct crm_pwverdict *out)
{
	unsigned long count;
	int found = 0, rc;

	if (policy->breached[0] == '\0')
		return CRM_OK;
	if (ctx->breached == NULL) {
		unchecked(ctx, out, "the list of breached passwords "
			  "cannot be read");
		return CRM_OK;
	}
	rc = crm_breached_password(ctx->breached, password, &found, &count);
	if (rc == CRM_ENOMEM)
		return rc;
	if (rc != CRM_OK)
		unchecked(ctx, out, "the list of breached passwords "
			  "is damaged");
	else if (found)
		add_failure(out, CRM_PW_BREACHED,
			    "The password is in a list of breached passwords");
	return CRM_OK;
}

/* cracklib's message matched untranslated and in the process's locale. */
static int
crack_says(const char *msg, const char *msgid)
{
	return strcmp(msg, msgid) == 0 ||
	       strcmp(msg, dgettext("cracklib", msgid)) == 0;
}

static int
dict_readable(const char *path)
{
	char file[PATH_MAX + 8];
	int n;

	n = snprintf(file, sizeof(file), "%s.pwd", path);
	if (n < 0 || (size_t)n >= sizeof(file) || access(file, R_OK) != 0)
		return 0;
	n = snprintf(file, sizeof(file), "%s.pwi", path);
	return n >= 0 && (size_t)n < sizeof(file) && access(file, R_OK) == 0;
}

/*
 * FascistCheck runs its own checks first (length, different characters,
 * simplicity, the account's GECOS) and stops at the first that fails, so
 * the dictionary is looked up only when those pass: ours cover them.
 */
static void
check_dictionary(const struct crm_pwpolicy *policy, const char *password,
		 const struct crm_pwcontext *ctx, struct crm_pwverdict *out)
{
	const char *path, *msg;

	if (!policy->dictcheck)
		return;
	path = policy->dictpath[0] != '\0' ? policy->dictpath
					   : GetDefaultCracklibDict();
	if (path == NULL || !dict_readable(path)) {
		unchecked(ctx, out, "the dictionary cannot be read");
		return;
	}
	msg = ctx->user != NULL ?
	      FascistCheckUser(password, path, ctx->user, NULL) :
	      FascistCheck(password, path);
	if (msg == NULL)
		return;
	if (crack_says(msg, "it is based on a dictionary word") ||
	    crack_says(msg, "it is based on a (reversed) dictionary word"))
		add_failure(out, CRM_PW_DICTCHECK,
			    "The password is based on a dictionary word");
	else if (crack_says(msg, "error loading dictionary"))
		unchecked(ctx, out, "the dictionary cannot be read");
}

int
crm_pwpolicy_check(const struct crm_pwpolicy *policy, const char *password,
		   const struct crm_pwcontext *ctx, struct crm_pwverdict *out)
{
	struct cps raw = { NULL, 0 }, folded = { NULL, 0 };
	int rc;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (policy == NULL || password == NULL || ctx == NULL || out == NULL)
		return CRM_INVALID;
	rc = decode(password, 0, &raw);
	if (rc == CRM_OK)
		rc = decode(password, 1, &folded);
	if (rc != CRM_OK)
		goto out;

	check_length_and_classes(policy, &raw, out);
	check_runs(policy, &raw, out);
	if (policy->usercheck) {
		rc = check_name(&folded, ctx->user, CRM_PW_USERCHECK,
				"The password contains the user name", out);
		if (rc == CRM_OK)
			rc = check_name(&folded, ctx->department,
					CRM_PW_DEPARTMENT,
					"The password contains the "
					"department name", out);
		if (rc != CRM_OK)
			goto out;
	}
	rc = check_difok(policy, &folded, password, ctx->old_password, out);
	if (rc == CRM_OK)
		rc = check_breached(policy, password, ctx, out);
	if (rc != CRM_OK)
		goto out;
	check_dictionary(policy, password, ctx, out);
out:
	cps_free(&raw);
	cps_free(&folded);
	if (rc != CRM_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}
