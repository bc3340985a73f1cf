/*
 * rule.c - access rules: parsing, the canonical text, WHERE matching
 * (see rule.h).
 *
 * Addresses are read by crm_addr_parse_cidr and nothing else; times by
 * crm_time_parse.  hours= and tz= are the hours parser's to read: here
 * they are only kept, as safe text.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/clock.h"
#include "core/rule.h"

#define BLANKS		" \t"
/* How much of an offending token an error shows. */
#define SHOWN_MAX	64
/* 9999-12-31T23:59:59.999Z: the last time crm_time_format writes with a
 * four-digit year, which crm_time_parse reads back. */
#define TIME_MAX_MS	253402300799999LL

enum option { OPT_SERVICE, OPT_HOURS, OPT_TZ, OPT_FROM, OPT_UNTIL, OPT_COUNT };

static const char *const option_names[OPT_COUNT] = {
	"service", "hours", "tz", "from", "until",
};

struct parser {
	struct crm_rule *rule;
	size_t wheres_cap;
	int64_t now_ms;
	char *err;
	size_t errlen;
};

static void
set_err(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
set_err(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->err == NULL || ps->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
}

/* At most SHOWN_MAX bytes of text[0..len), cut at a character boundary
 * (the line is valid UTF-8 by then), "..." when cut. */
static const char *
shown(char buf[SHOWN_MAX + 4], const char *text, size_t len)
{
	size_t n = len;

	if (n > SHOWN_MAX) {
		n = SHOWN_MAX;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf, text, n);
	if (n < len)
		memcpy(buf + n, "...", 4);
	else
		buf[n] = '\0';
	return buf;
}

/* The option word text[0..len) names, or -1. */
static int
option_index(const char *text, size_t len)
{
	int i;

	for (i = 0; i < OPT_COUNT; i++)
		if (strlen(option_names[i]) == len &&
		    memcmp(option_names[i], text, len) == 0)
			return i;
	return -1;
}

/* Whether the blank-separated token at text starts with "word=" for a
 * known option word. */
static int
starts_option(const char *text)
{
	size_t len = strcspn(text, BLANKS);
	const char *eq = memchr(text, '=', len);

	return eq != NULL && option_index(text, (size_t)(eq - text)) >= 0;
}

/* The next blank-separated token, NUL-terminated in place; "" at the end
 * of the line. */
static char *
take_token(char **cursor)
{
	char *start = *cursor + strspn(*cursor, BLANKS);
	char *end = start + strcspn(start, BLANKS);

	if (*end != '\0')
		*end++ = '\0';
	*cursor = end;
	return start;
}

static int
parse_subject(struct parser *ps, const char *token)
{
	struct crm_rule *r = ps->rule;
	char show[SHOWN_MAX + 4];
	const char *name;

	shown(show, token, strlen(token));
	if (token[0] == '\0') {
		set_err(ps, "missing SUBJECT (user:NAME, role:NAME or *)");
		return CRM_INVALID;
	}
	if (strcmp(token, "*") == 0) {
		r->subject_kind = CRM_SUBJECT_ANY;
		return CRM_OK;
	}
	if (strncmp(token, "user:", 5) == 0) {
		r->subject_kind = CRM_SUBJECT_USER;
	} else if (strncmp(token, "role:", 5) == 0) {
		r->subject_kind = CRM_SUBJECT_ROLE;
	} else {
		set_err(ps, "\"%s\" is not a subject (user:NAME, role:NAME "
			"or *)", show);
		return CRM_INVALID;
	}
	name = token + 5;
	if (name[0] == '\0') {
		set_err(ps, "\"%s\" names no one", show);
		return CRM_INVALID;
	}
	if (strchr(name, ',') != NULL ||
	    !crm_valid_name(name, CRM_NAME_MAX, 0)) {
		set_err(ps, "\"%s\": a name is at most %d bytes, without "
			"commas", show, CRM_NAME_MAX - 1);
		return CRM_INVALID;
	}
	memcpy(r->subject, name, strlen(name) + 1);
	return CRM_OK;
}

/* Zero the bits of a past prefix. */
static void
mask_addr(struct crm_addr *a, unsigned int prefix)
{
	unsigned int i;

	for (i = 0; i < sizeof(a->bytes); i++) {
		if (i * 8 >= prefix)
			a->bytes[i] = 0;
		else if (prefix < (i + 1) * 8)
			a->bytes[i] &= (unsigned char)(0xff00 >>
						       (prefix - i * 8));
	}
}

/* "10.0.0.0/8", "2001:db8::/32"; CRM_INVALID when it does not fit. */
static int
format_net(const struct crm_addr *net, unsigned int prefix, char *out,
	   size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	int n;

	if ((net->family != AF_INET && net->family != AF_INET6) ||
	    inet_ntop(net->family, net->bytes, addr, sizeof(addr)) == NULL)
		return CRM_INVALID;
	n = snprintf(out, len, "%s/%u", addr, prefix);
	return n < 0 || (size_t)n >= len ? CRM_INVALID : CRM_OK;
}

/*
 * Why crm_addr_parse_cidr refused text, for the error: the address, the
 * length, or bits past the length.  Only reads the parts back through
 * crm_addr_parse_cidr itself.
 */
static void
explain_net(struct parser *ps, const char *text)
{
	char show[SHOWN_MAX + 4], addr_text[INET6_ADDRSTRLEN + 1];
	char suggest[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(text, '/'), *len_text;
	struct crm_addr addr;
	unsigned int bits, max, len;
	size_t addr_len, digits;
	int mapped;

	shown(show, text, strlen(text));
	addr_len = slash != NULL ? (size_t)(slash - text) : strlen(text);
	if (slash == NULL || addr_len == 0 || addr_len >= sizeof(addr_text))
		goto not_an_entry;
	memcpy(addr_text, text, addr_len);
	addr_text[addr_len] = '\0';
	if (crm_addr_parse_cidr(addr_text, &addr, &bits) != CRM_OK)
		goto not_an_entry;

	max = strchr(addr_text, ':') != NULL ? 128 : 32;
	mapped = max == 128 && addr.family == AF_INET;
	len_text = slash + 1;
	digits = strspn(len_text, "0123456789");
	if (digits == 0 || digits > 3 || len_text[digits] != '\0' ||
	    (len_text[0] == '0' && digits > 1)) {
		set_err(ps, "\"%s\": the length after '/' must be a decimal "
			"number from 0 to %u", show, max);
		return;
	}
	len = (unsigned int)atoi(len_text);
	if (len > max) {
		set_err(ps, "\"%s\": /%u is longer than an IPv%d address "
			"(%u bits)", show, len, max == 32 ? 4 : 6, max);
		return;
	}
	if (mapped && len < 96) {
		set_err(ps, "\"%s\": an IPv4-mapped network needs /96 or "
			"longer", show);
		return;
	}
	if (mapped)
		len -= 96;
	mask_addr(&addr, len);
	if (format_net(&addr, len, suggest, sizeof(suggest)) != CRM_OK)
		goto not_an_entry;
	set_err(ps, "\"%s\" has bits set past its length (the network is "
		"%s)", show, suggest);
	return;
not_an_entry:
	set_err(ps, "\"%s\" is not an address, a network (ADDR/LEN), local, "
		"tty:PATTERN or *", show);
}

static int
same_where(const struct crm_where *a, const struct crm_where *b)
{
	if (a->kind != b->kind)
		return 0;
	if (a->kind == CRM_WHERE_NET)
		return a->prefix == b->prefix &&
		       a->net.family == b->net.family &&
		       memcmp(a->net.bytes, b->net.bytes,
			      sizeof(a->net.bytes)) == 0;
	if (a->kind == CRM_WHERE_TTY)
		return strcmp(a->tty, b->tty) == 0;
	return 1;
}

static int
parse_one_where(struct parser *ps, const char *text, struct crm_where *w)
{
	char show[SHOWN_MAX + 4];
	const char *p;

	memset(w, 0, sizeof(*w));
	shown(show, text, strlen(text));
	if (strcmp(text, "*") == 0) {
		w->kind = CRM_WHERE_ANY;
	} else if (strcmp(text, "local") == 0) {
		w->kind = CRM_WHERE_LOCAL;
	} else if (strncmp(text, "tty:", 4) == 0) {
		w->kind = CRM_WHERE_TTY;
		p = text + 4;
		if (*p == '\0' || strlen(p) > CRM_RULE_TTY_MAX) {
			set_err(ps, "\"%s\": a tty pattern is 1 to %d "
				"characters", show, CRM_RULE_TTY_MAX);
			return CRM_INVALID;
		}
		for (; *p != '\0'; p++)
			if (*p <= ' ' || *p > '~') {
				set_err(ps, "\"%s\": a tty pattern is "
					"printable ASCII", show);
				return CRM_INVALID;
			}
		memcpy(w->tty, text + 4, strlen(text + 4) + 1);
	} else {
		w->kind = CRM_WHERE_NET;
		if (crm_addr_parse_cidr(text, &w->net, &w->prefix) !=
		    CRM_OK) {
			explain_net(ps, text);
			return CRM_INVALID;
		}
	}
	return CRM_OK;
}

/* token: the WHERE list, which holds no blank. */
static int
parse_wheres(struct parser *ps, char *token)
{
	struct crm_rule *r = ps->rule;
	char show[SHOWN_MAX + 4];
	struct crm_where w;
	char *item = token, *comma;
	size_t i;
	int any = 0, rc;

	shown(show, token, strlen(token));
	if (token[0] == '\0') {
		set_err(ps, "missing WHERE (networks, local, tty:PATTERN "
			"or *)");
		return CRM_INVALID;
	}
	if (starts_option(token)) {
		set_err(ps, "missing WHERE before \"%s\"", show);
		return CRM_INVALID;
	}
	for (;;) {
		comma = strchr(item, ',');
		if (comma != NULL)
			*comma = '\0';
		if (item[0] == '\0') {
			set_err(ps, "\"%s\": an empty entry in WHERE", show);
			return CRM_INVALID;
		}
		rc = parse_one_where(ps, item, &w);
		if (rc != CRM_OK)
			return rc;
		for (i = 0; i < r->nwheres; i++)
			if (same_where(&r->wheres[i], &w)) {
				shown(show, item, strlen(item));
				set_err(ps, "\"%s\" is twice in WHERE", show);
				return CRM_INVALID;
			}
		if (w.kind == CRM_WHERE_ANY)
			any = 1;
		if (crm_array_grow((void **)&r->wheres, &ps->wheres_cap,
				   r->nwheres, sizeof(*r->wheres)) != CRM_OK) {
			set_err(ps, "out of memory");
			return CRM_ENOMEM;
		}
		r->wheres[r->nwheres++] = w;
		if (comma == NULL)
			break;
		item = comma + 1;
	}
	if (any && r->nwheres > 1) {
		set_err(ps, "\"%s\": * (anywhere) must stand alone in WHERE",
			show);
		return CRM_INVALID;
	}
	return CRM_OK;
}

static int
parse_services(struct parser *ps, char *value)
{
	struct crm_rule *r = ps->rule;
	char show[SHOWN_MAX + 4];
	size_t cap = 0, i;
	char *item = value, *comma, *copy;

	for (;;) {
		comma = strchr(item, ',');
		if (comma != NULL)
			*comma = '\0';
		shown(show, item, strlen(item));
		if (item[0] == '\0') {
			set_err(ps, "service=: an empty name in the list");
			return CRM_INVALID;
		}
		for (i = 0; i < r->nservices; i++)
			if (strcmp(r->services[i], item) == 0) {
				set_err(ps, "service=: \"%s\" is twice in the "
					"list", show);
				return CRM_INVALID;
			}
		if (crm_array_grow((void **)&r->services, &cap, r->nservices,
				   sizeof(*r->services)) != CRM_OK ||
		    (copy = strdup(item)) == NULL) {
			set_err(ps, "out of memory");
			return CRM_ENOMEM;
		}
		r->services[r->nservices++] = copy;
		if (comma == NULL)
			break;
		item = comma + 1;
	}
	return CRM_OK;
}

static int
parse_time(struct parser *ps, const char *name, const char *value,
	   int64_t *out_ms)
{
	char show[SHOWN_MAX + 4];
	int64_t ms = 0;

	shown(show, value, strlen(value));
	if (value[0] == '+' && (ps->now_ms < 0 || ps->now_ms > TIME_MAX_MS)) {
		set_err(ps, "%s=%s: no current time to count from", name,
			show);
		return CRM_INVALID;
	}
	if (crm_time_parse(value, ps->now_ms, &ms) != CRM_OK) {
		set_err(ps, "%s=%s is not a time (ISO 8601 such as "
			"2026-01-31T18:00:00Z, or +N followed by s, m, h or "
			"d)", name, show);
		return CRM_INVALID;
	}
	if (ms <= 0 || ms > TIME_MAX_MS) {
		set_err(ps, "%s=%s is outside 1970-01-01T00:00:00.001Z to "
			"9999-12-31T23:59:59.999Z", name, show);
		return CRM_INVALID;
	}
	*out_ms = ms;
	return CRM_OK;
}

/* value: trimmed, tabs made spaces, a valid name. */
static int
apply_option(struct parser *ps, int opt, char *value)
{
	struct crm_rule *r = ps->rule;
	const char *name = option_names[opt];
	char show[SHOWN_MAX + 4];

	shown(show, value, strlen(value));
	if ((opt == OPT_SERVICE || opt == OPT_TZ) &&
	    strchr(value, ' ') != NULL) {
		set_err(ps, "%s=%s holds a blank%s", name, show,
			opt == OPT_SERVICE ? " (write service=a,b)" : "");
		return CRM_INVALID;
	}
	switch (opt) {
	case OPT_SERVICE:
		return parse_services(ps, value);
	case OPT_HOURS:
		memcpy(r->hours, value, strlen(value) + 1);
		return CRM_OK;
	case OPT_TZ:
		memcpy(r->tz, value, strlen(value) + 1);
		return CRM_OK;
	case OPT_FROM:
		return parse_time(ps, name, value, &r->from_ms);
	default:
		return parse_time(ps, name, value, &r->until_ms);
	}
}

/* The options after WHERE, from *cursor to the end of the line. */
static int
parse_options(struct parser *ps, char *cursor)
{
	char show[SHOWN_MAX + 4];
	char *p, *value, *end, *scan, *next;
	const char *eq;
	size_t len;
	int seen[OPT_COUNT] = { 0 };
	int opt, rc;

	for (;;) {
		p = cursor + strspn(cursor, BLANKS);
		if (*p == '\0')
			return CRM_OK;
		len = strcspn(p, BLANKS);
		eq = memchr(p, '=', len);
		if (eq == NULL) {
			set_err(ps, "unexpected \"%s\" (options are "
				"word=VALUE)", shown(show, p, len));
			return CRM_INVALID;
		}
		opt = option_index(p, (size_t)(eq - p));
		if (opt < 0) {
			set_err(ps, "unknown option \"%s\"",
				shown(show, p, (size_t)(eq - p) + 1));
			return CRM_INVALID;
		}
		if (seen[opt]) {
			set_err(ps, "%s= given twice", option_names[opt]);
			return CRM_INVALID;
		}
		seen[opt] = 1;

		value = (char *)eq + 1;
		if (*value == '"') {
			value++;
			end = strchr(value, '"');
			if (end == NULL) {
				set_err(ps, "%s=: no closing '\"'",
					option_names[opt]);
				return CRM_INVALID;
			}
			next = end + 1;
			if (*next != '\0' && strchr(BLANKS, *next) == NULL) {
				set_err(ps, "%s=: \"%s\" after the closing "
					"'\"'", option_names[opt],
					shown(show, next, strcspn(next,
								  BLANKS)));
				return CRM_INVALID;
			}
		} else {
			/* To the next "word=" of a known option. */
			scan = value;
			for (;;) {
				end = scan + strcspn(scan, BLANKS);
				next = end + strspn(end, BLANKS);
				if (*next == '\0' || starts_option(next))
					break;
				scan = next;
			}
			if (memchr(value, '"', (size_t)(end - value)) !=
			    NULL) {
				set_err(ps, "%s=: '\"' inside a value (quote "
					"the whole value, or nothing)",
					option_names[opt]);
				return CRM_INVALID;
			}
		}
		*end = '\0';
		cursor = next;

		for (scan = value; *scan != '\0'; scan++)
			if (*scan == '\t')
				*scan = ' ';
		value += strspn(value, " ");
		for (len = strlen(value); len > 0 && value[len - 1] == ' ';
		     len--)
			value[len - 1] = '\0';
		if (value[0] == '\0') {
			set_err(ps, "%s= without a value", option_names[opt]);
			return CRM_INVALID;
		}
		if (!crm_valid_name(value, CRM_NAME_MAX, 0)) {
			set_err(ps, "%s=%s: a value is at most %d bytes",
				option_names[opt], shown(show, value, len),
				CRM_NAME_MAX - 1);
			return CRM_INVALID;
		}
		rc = apply_option(ps, opt, value);
		if (rc != CRM_OK)
			return rc;
	}
}

/* Valid UTF-8 without control characters other than tab. */
static int
check_text(struct parser *ps, const char *text)
{
	size_t len = strlen(text), at = 0, n;
	uint32_t cp;

	while (at < len) {
		n = crm_utf8_char(text + at, len - at, &cp);
		if (n == 0) {
			set_err(ps, "not valid UTF-8 at byte %zu", at + 1);
			return CRM_INVALID;
		}
		if (cp != '\t' && crm_is_control(cp)) {
			set_err(ps, "a control character at byte %zu", at + 1);
			return CRM_INVALID;
		}
		at += n;
	}
	return CRM_OK;
}

int
crm_rule_parse(const char *line, int64_t now_ms, struct crm_rule *out,
	       char *err, size_t errlen)
{
	struct parser ps = {
		.rule = out, .now_ms = now_ms, .err = err, .errlen = errlen,
	};
	char work[CRM_RULE_MAX];
	char from_text[32], until_text[32];
	char *cursor, *token;
	size_t len;
	int rc = CRM_INVALID;

	memset(out, 0, sizeof(*out));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (line == NULL) {
		set_err(&ps, "no rule text");
		goto out;
	}
	len = strnlen(line, sizeof(work));
	if (len >= sizeof(work)) {
		set_err(&ps, "a rule is at most %d bytes", CRM_RULE_MAX - 1);
		goto out;
	}
	memcpy(work, line, len + 1);
	if (len > 0 && work[len - 1] == '\n')
		work[--len] = '\0';
	if (len > 0 && work[len - 1] == '\r')
		work[--len] = '\0';
	rc = check_text(&ps, work);
	if (rc != CRM_OK)
		goto out;

	cursor = work + strspn(work, BLANKS);
	if (*cursor == '\0' || *cursor == '#') {
		rc = CRM_NOTFOUND;
		goto out;
	}
	rc = CRM_INVALID;
	token = take_token(&cursor);
	if (strcmp(token, "allow") == 0) {
		out->action = CRM_RULE_ALLOW;
	} else if (strcmp(token, "deny") == 0) {
		out->action = CRM_RULE_DENY;
	} else {
		char show[SHOWN_MAX + 4];

		set_err(&ps, "\"%s\" is not an action (allow or deny)",
			shown(show, token, strlen(token)));
		goto out;
	}
	rc = parse_subject(&ps, take_token(&cursor));
	if (rc != CRM_OK)
		goto out;
	rc = parse_wheres(&ps, take_token(&cursor));
	if (rc != CRM_OK)
		goto out;
	rc = parse_options(&ps, cursor);
	if (rc != CRM_OK)
		goto out;

	if (out->from_ms != 0 && out->until_ms != 0 &&
	    out->from_ms >= out->until_ms) {
		crm_time_format(out->from_ms, from_text, sizeof(from_text));
		crm_time_format(out->until_ms, until_text,
				sizeof(until_text));
		set_err(&ps, "from=%s is not before until=%s", from_text,
			until_text);
		rc = CRM_INVALID;
		goto out;
	}
	/* What parses must be writable, so that a stored rule can always
	 * be shown and read back. */
	if (crm_rule_format(out, work, sizeof(work)) != CRM_OK) {
		set_err(&ps, "a rule is at most %d bytes written out in full",
			CRM_RULE_MAX - 1);
		rc = CRM_INVALID;
		goto out;
	}
	rc = CRM_OK;
out:
	if (rc != CRM_OK)
		crm_rule_clear(out);
	if (rc == CRM_NOTFOUND && err != NULL && errlen > 0)
		err[0] = '\0';
	return rc;
}

struct builder {
	char *out;
	size_t len, used;
	int full;
};

static void
append(struct builder *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
append(struct builder *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->out + b->used, b->len - b->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->used)
		b->full = 1;
	else
		b->used += (size_t)n;
}

int
crm_rule_format(const struct crm_rule *r, char *out, size_t len)
{
	struct builder b = { .out = out, .len = len };
	char text[INET6_ADDRSTRLEN + 8];
	size_t i;
	int rc = CRM_INVALID;

	if (out == NULL || len == 0)
		return CRM_INVALID;
	out[0] = '\0';
	if (r == NULL || r->nwheres == 0)
		goto out;

	if (r->action == CRM_RULE_ALLOW)
		append(&b, "allow");
	else if (r->action == CRM_RULE_DENY)
		append(&b, "deny");
	else
		goto out;
	if (r->subject_kind == CRM_SUBJECT_ANY)
		append(&b, " *");
	else if (r->subject_kind == CRM_SUBJECT_USER)
		append(&b, " user:%s", r->subject);
	else if (r->subject_kind == CRM_SUBJECT_ROLE)
		append(&b, " role:%s", r->subject);
	else
		goto out;

	for (i = 0; i < r->nwheres; i++) {
		const struct crm_where *w = &r->wheres[i];
		const char *sep = i == 0 ? " " : ",";

		switch (w->kind) {
		case CRM_WHERE_ANY:
			append(&b, "%s*", sep);
			break;
		case CRM_WHERE_LOCAL:
			append(&b, "%slocal", sep);
			break;
		case CRM_WHERE_TTY:
			append(&b, "%stty:%s", sep, w->tty);
			break;
		case CRM_WHERE_NET:
			if (format_net(&w->net, w->prefix, text,
				       sizeof(text)) != CRM_OK)
				goto out;
			append(&b, "%s%s", sep, text);
			break;
		default:
			goto out;
		}
	}

	for (i = 0; i < r->nservices; i++)
		append(&b, "%s%s", i == 0 ? " service=" : ",",
		       r->services[i]);
	if (r->hours[0] != '\0')
		append(&b, strchr(r->hours, ' ') != NULL ? " hours=\"%s\"" :
		       " hours=%s", r->hours);
	if (r->tz[0] != '\0')
		append(&b, " tz=%s", r->tz);
	if (r->from_ms != 0) {
		crm_time_format(r->from_ms, text, sizeof(text));
		append(&b, " from=%s", text);
	}
	if (r->until_ms != 0) {
		crm_time_format(r->until_ms, text, sizeof(text));
		append(&b, " until=%s", text);
	}
	rc = b.full ? CRM_INVALID : CRM_OK;
out:
	if (rc != CRM_OK)
		out[0] = '\0';
	return rc;
}

int
crm_rule_where_matches(const struct crm_rule *r, const char *rhost,
		       const char *tty)
{
	struct crm_addr addr;
	int local, have_addr = 0;
	size_t i;

	if (r == NULL)
		return 0;
	local = rhost == NULL || rhost[0] == '\0';
	if (!local && crm_addr_parse(rhost, &addr) == CRM_OK)
		have_addr = 1;
	if (tty != NULL && strncmp(tty, "/dev/", 5) == 0)
		tty += 5;
	if (tty != NULL && tty[0] == '\0')
		tty = NULL;

	for (i = 0; i < r->nwheres; i++) {
		const struct crm_where *w = &r->wheres[i];

		switch (w->kind) {
		case CRM_WHERE_ANY:
			return 1;
		case CRM_WHERE_LOCAL:
			if (local)
				return 1;
			break;
		case CRM_WHERE_TTY:
			if (tty != NULL && fnmatch(w->tty, tty, 0) == 0)
				return 1;
			break;
		case CRM_WHERE_NET:
			if (have_addr &&
			    crm_addr_in_prefix(&addr, &w->net, w->prefix))
				return 1;
			break;
		}
	}
	return 0;
}

void
crm_rule_clear(struct crm_rule *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nservices; i++)
		free(r->services[i]);
	free(r->services);
	free(r->wheres);
	memset(r, 0, sizeof(*r));
}
