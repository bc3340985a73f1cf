/*
 * tzif.c - TZif reader and local time without TZ (see tzif.h).
 *
 * Every count in a file is checked against the bytes that are really
 * there before anything is allocated, and every time value against the
 * range the calendar arithmetic below is exact for, so that no input
 * can overflow, read past the image or loop for long.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/tzif.h"

#define HEADER_LEN	44
#define TYPES_MAX	256		/* a transition's type is one byte */
#define UTOFF_MIN	(-89999)	/* RFC 8536 3.2: -25 h < utoff < 26 h */
#define UTOFF_MAX	93599
#define ABBR_MAX	16		/* longest TZ string name we keep */
#define TZSTR_MAX	256
/* |t| beyond 2^56 s is past any year tm_year can hold (2^31 years are
 * 6.8e16 s): refusing it early keeps every sum below far from overflow. */
#define T_LIMIT		((int64_t)1 << 56)
#define SECS_PER_DAY	86400

struct tz_type {
	int32_t utoff;
	int isdst;
	uint32_t abbr;			/* index into chars */
};

enum rule_kind { RULE_JULIAN, RULE_ZERO_BASED, RULE_MONTH };

struct tz_rule {
	enum rule_kind kind;
	int day;			/* Jn: 1..365; n: 0..365 */
	int month, week, wday;		/* Mm.w.d */
	int32_t time;			/* seconds after local midnight */
};

struct tz_string {
	int present;			/* non-empty footer */
	int has_dst;
	int32_t std_off, dst_off;	/* utoff, east positive */
	char std_name[ABBR_MAX], dst_name[ABBR_MAX];
	struct tz_rule start, end;
};

struct crm_tz {
	size_t ntrans;
	int64_t *trans;
	unsigned char *trans_type;
	size_t ntypes;
	struct tz_type types[TYPES_MAX];
	char *chars;
	struct tz_string footer;
};

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- calendar: proleptic Gregorian, exact for any int64 day count in
 * the range T_LIMIT allows (H. Hinnant's algorithms) ---- */

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
month_days(int64_t y, int m)
{
	static const int len[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* ---- the footer: a POSIX TZ string with RFC 8536's extensions ---- */

/* std or dst: 3 or more letters, or <3 or more of [A-Za-z0-9+-]>. */
static int
parse_tz_name(const char **pp, char *out)
{
	const char *p = *pp;
	size_t n = 0;

	if (*p == '<') {
		p++;
		while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		       (*p >= '0' && *p <= '9') || *p == '+' || *p == '-') {
			if (n + 1 >= ABBR_MAX)
				return -1;
			out[n++] = *p++;
		}
		if (*p != '>')
			return -1;
		p++;
	} else {
		while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
			if (n + 1 >= ABBR_MAX)
				return -1;
			out[n++] = *p++;
		}
	}
	if (n < 3)
		return -1;
	out[n] = '\0';
	*pp = p;
	return 0;
}

/* 1 or 2 digits (3 when wide, for 167), at most max. */
static int
parse_number(const char **pp, int wide, int max, int *out)
{
	const char *p = *pp;
	int value = 0, digits = 0;

	while (*p >= '0' && *p <= '9' && digits < (wide ? 3 : 2)) {
		value = value * 10 + (*p - '0');
		p++;
		digits++;
	}
	if (digits == 0 || value > max)
		return -1;
	*pp = p;
	*out = value;
	return 0;
}

/* [+-]hh[:mm[:ss]], hh at most max_hours. */
static int
parse_hms(const char **pp, int max_hours, int32_t *out)
{
	const char *p = *pp;
	int sign = 1, h, m = 0, s = 0;

	if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
	}
	if (parse_number(&p, max_hours > 99, max_hours, &h) != 0)
		return -1;
	if (*p == ':') {
		p++;
		if (parse_number(&p, 0, 59, &m) != 0)
			return -1;
		if (*p == ':') {
			p++;
			if (parse_number(&p, 0, 59, &s) != 0)
				return -1;
		}
	}
	*out = sign * (h * 3600 + m * 60 + s);
	*pp = p;
	return 0;
}

static int
parse_rule(const char **pp, struct tz_rule *rule)
{
	const char *p = *pp;

	memset(rule, 0, sizeof(*rule));
	if (*p == 'J') {
		p++;
		rule->kind = RULE_JULIAN;
		if (parse_number(&p, 1, 365, &rule->day) != 0 ||
		    rule->day < 1)
			return -1;
	} else if (*p == 'M') {
		p++;
		rule->kind = RULE_MONTH;
		if (parse_number(&p, 0, 12, &rule->month) != 0 ||
		    rule->month < 1 || *p++ != '.' ||
		    parse_number(&p, 0, 5, &rule->week) != 0 ||
		    rule->week < 1 || *p++ != '.' ||
		    parse_number(&p, 0, 6, &rule->wday) != 0)
			return -1;
	} else {
		rule->kind = RULE_ZERO_BASED;
		if (parse_number(&p, 1, 365, &rule->day) != 0)
			return -1;
	}
	rule->time = 2 * 3600;
	if (*p == '/') {
		p++;
		if (parse_hms(&p, 167, &rule->time) != 0)
			return -1;
	}
	*pp = p;
	return 0;
}

static int
parse_tz_string(const char *text, struct tz_string *tzs)
{
	const char *p = text;
	int32_t off;

	memset(tzs, 0, sizeof(*tzs));
	if (*p == '\0')
		return 0;
	if (parse_tz_name(&p, tzs->std_name) != 0 ||
	    parse_hms(&p, 24, &off) != 0)
		return -1;
	tzs->std_off = -off;	/* POSIX counts west of Greenwich */
	tzs->present = 1;
	if (*p == '\0')
		return 0;
	if (parse_tz_name(&p, tzs->dst_name) != 0)
		return -1;
	tzs->has_dst = 1;
	tzs->dst_off = tzs->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if (parse_hms(&p, 24, &off) != 0)
			return -1;
		tzs->dst_off = -off;
	}
	/* POSIX leaves DST without rules to the implementation; a TZif
	 * footer always has them. */
	if (*p++ != ',' || parse_rule(&p, &tzs->start) != 0 ||
	    *p++ != ',' || parse_rule(&p, &tzs->end) != 0 || *p != '\0')
		return -1;
	return 0;
}

/* The first second of the rule's day in year y, as a local time. */
static int64_t
rule_local(const struct tz_rule *rule, int64_t y)
{
	int64_t jan1 = days_from_civil(y, 1, 1), day;
	int first_wday, mday;

	switch (rule->kind) {
	case RULE_JULIAN:
		day = rule->day - 1;
		if (is_leap(y) && rule->day >= 60)
			day++;
		break;
	case RULE_ZERO_BASED:
		day = rule->day;
		break;
	default: {
		int64_t first = days_from_civil(y, rule->month, 1);

		first_wday = (int)((first + 4) % 7 + 7) % 7;
		mday = 1 + (rule->wday - first_wday + 7) % 7 +
		       7 * (rule->week - 1);
		while (mday > month_days(y, rule->month))
			mday -= 7;
		day = first - jan1 + mday - 1;
		break;
	}
	}
	return (jan1 + day) * SECS_PER_DAY + rule->time;
}

/* Whether DST is in effect at t under the footer's rules: the state set
 * by the last change at or before t among those of the years around t.
 * Rule times may push a change into the next or previous year, so three
 * years are looked at.  A start and an end at the same instant (DST all
 * year, "EST5EDT,0/0,J365/25") leave DST in effect. */
static int
footer_isdst(const struct tz_string *tzs, int64_t t)
{
	int64_t y, d, best = 0, when;
	int m, day, found = 0, dst = 0;

	civil_from_days(floor_div(t + tzs->std_off, SECS_PER_DAY), &y, &m,
			&day);
	for (d = y - 1; d <= y + 1; d++) {
		/* A start happens in standard time, an end in DST. */
		when = rule_local(&tzs->end, d) - tzs->dst_off;
		if (when <= t && (!found || when > best)) {
			best = when;
			dst = 0;
			found = 1;
		}
		when = rule_local(&tzs->start, d) - tzs->std_off;
		if (when <= t && (!found || when >= best)) {
			best = when;
			dst = 1;
			found = 1;
		}
	}
	return dst;
}

/* ---- the binary format ---- */

struct reader {
	const unsigned char *p;
	size_t left;
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t
be64(const unsigned char *p)
{
	uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);

	return (int64_t)v;
}

struct header {
	int version;			/* 1, 2, 3 or 4 */
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int
read_header(struct reader *r, struct header *h, char *err, size_t errlen)
{
	const unsigned char *p = r->p;

	if (r->left < HEADER_LEN || memcmp(p, "TZif", 4) != 0) {
		set_err(err, errlen, "not a TZif file (no TZif header)");
		return -1;
	}
	switch (p[4]) {
	case 0:   h->version = 1; break;
	case '2': h->version = 2; break;
	case '3': h->version = 3; break;
	case '4': h->version = 4; break;
	default:
		set_err(err, errlen, "unknown TZif version 0x%02x", p[4]);
		return -1;
	}
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	r->p += HEADER_LEN;
	r->left -= HEADER_LEN;
	return 0;
}

/* The bytes of the data block after h, time values tsize bytes wide. */
static uint64_t
block_len(const struct header *h, unsigned int tsize)
{
	return (uint64_t)h->timecnt * (tsize + 1) + (uint64_t)h->typecnt * 6 +
	       h->charcnt + (uint64_t)h->leapcnt * (tsize + 4) +
	       h->isstdcnt + h->isutcnt;
}

static int
check_counts(const struct header *h, const struct reader *r,
	     unsigned int tsize, char *err, size_t errlen)
{
	if (h->typecnt == 0 || h->typecnt > TYPES_MAX) {
		set_err(err, errlen, "%u local time types (1 to %d allowed)",
			h->typecnt, TYPES_MAX);
		return -1;
	}
	if (h->charcnt == 0) {
		set_err(err, errlen, "no time zone designations");
		return -1;
	}
	if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
	    (h->isutcnt != 0 && h->isutcnt != h->typecnt)) {
		set_err(err, errlen, "isstdcnt or isutcnt is neither 0 nor "
			"typecnt");
		return -1;
	}
	if (block_len(h, tsize) > r->left) {
		set_err(err, errlen, "truncated: the header promises more "
			"data than the file holds");
		return -1;
	}
	return 0;
}

/* Parse the data block (after check_counts) into tz. */
static int
read_block(struct reader *r, const struct header *h, unsigned int tsize,
	   struct crm_tz *tz, char *err, size_t errlen)
{
	const unsigned char *p = r->p;
	size_t i;

	if (h->leapcnt != 0) {
		set_err(err, errlen, "leap-second tables (right/ zones) are "
			"not supported");
		return -1;
	}
	tz->ntrans = h->timecnt;
	tz->ntypes = h->typecnt;
	if (h->timecnt > 0) {
		tz->trans = calloc(h->timecnt, sizeof(*tz->trans));
		tz->trans_type = malloc(h->timecnt);
	}
	tz->chars = malloc(h->charcnt);
	if ((h->timecnt > 0 && (tz->trans == NULL ||
				tz->trans_type == NULL)) ||
	    tz->chars == NULL) {
		set_err(err, errlen, "out of memory");
		return -2;
	}
	for (i = 0; i < h->timecnt; i++, p += tsize) {
		tz->trans[i] = tsize == 8 ? be64(p) : (int32_t)be32(p);
		if (i > 0 && tz->trans[i] <= tz->trans[i - 1]) {
			set_err(err, errlen, "transition %zu is not after "
				"the one before", i);
			return -1;
		}
	}
	for (i = 0; i < h->timecnt; i++, p++) {
		if (*p >= h->typecnt) {
			set_err(err, errlen, "transition %zu names type %u "
				"of %u", i, *p, h->typecnt);
			return -1;
		}
		tz->trans_type[i] = *p;
	}
	for (i = 0; i < h->typecnt; i++, p += 6) {
		int32_t utoff = (int32_t)be32(p);

		if (utoff < UTOFF_MIN || utoff > UTOFF_MAX || p[4] > 1 ||
		    p[5] >= h->charcnt) {
			set_err(err, errlen, "local time type %zu is "
				"malformed", i);
			return -1;
		}
		tz->types[i].utoff = utoff;
		tz->types[i].isdst = p[4];
		tz->types[i].abbr = p[5];
	}
	memcpy(tz->chars, p, h->charcnt);
	p += h->charcnt;
	for (i = 0; i < h->typecnt; i++) {
		if (memchr(tz->chars + tz->types[i].abbr, '\0',
			   h->charcnt - tz->types[i].abbr) == NULL) {
			set_err(err, errlen, "designation of type %zu is not "
				"terminated", i);
			return -1;
		}
	}
	for (i = 0; i < h->isstdcnt; i++)
		if (p[i] > 1)
			goto bad_indicator;
	for (i = 0; i < h->isutcnt; i++)
		if (p[h->isstdcnt + i] > 1 ||
		    (p[h->isstdcnt + i] == 1 &&
		     (h->isstdcnt == 0 || p[i] != 1)))
			goto bad_indicator;
	r->p += block_len(h, tsize);
	r->left -= block_len(h, tsize);
	return 0;
bad_indicator:
	set_err(err, errlen, "malformed standard/UT indicators");
	return -1;
}

static int
read_footer(struct reader *r, struct crm_tz *tz, char *err, size_t errlen)
{
	char text[TZSTR_MAX];
	const unsigned char *nl;
	size_t len;

	if (r->left < 2 || r->p[0] != '\n') {
		set_err(err, errlen, "no footer (TZ string) after the data");
		return -1;
	}
	nl = memchr(r->p + 1, '\n', r->left - 1);
	if (nl == NULL) {
		set_err(err, errlen, "footer not terminated by a newline");
		return -1;
	}
	len = (size_t)(nl - (r->p + 1));
	if (len >= sizeof(text) || memchr(r->p + 1, '\0', len) != NULL) {
		set_err(err, errlen, "footer too long or holds a NUL");
		return -1;
	}
	if ((size_t)(nl - r->p) + 1 != r->left) {
		set_err(err, errlen, "bytes after the footer");
		return -1;
	}
	memcpy(text, r->p + 1, len);
	text[len] = '\0';
	if (parse_tz_string(text, &tz->footer) != 0) {
		set_err(err, errlen, "footer \"%.64s\" is not a TZ string "
			"this reader knows", text);
		return -1;
	}
	return 0;
}

int
crm_tz_parse(const unsigned char *data, size_t len, struct crm_tz **out,
	     char *err, size_t errlen)
{
	struct reader r = { data, len };
	struct header h;
	struct crm_tz *tz = NULL;
	int rc = CRM_INVALID, ret;

	set_err(err, errlen, "%s", "");
	*out = NULL;
	if (data == NULL) {
		set_err(err, errlen, "no data");
		goto out;
	}
	if (read_header(&r, &h, err, errlen) != 0 ||
	    check_counts(&h, &r, 4, err, errlen) != 0)
		goto out;
	tz = calloc(1, sizeof(*tz));
	if (tz == NULL) {
		set_err(err, errlen, "out of memory");
		rc = CRM_ENOMEM;
		goto out;
	}
	if (h.version >= 2) {
		/* Skip the 32-bit block: the 64-bit one says it all. */
		r.p += block_len(&h, 4);
		r.left -= block_len(&h, 4);
		if (read_header(&r, &h, err, errlen) != 0)
			goto out;
		if (h.version < 2) {
			set_err(err, errlen, "second header is version 1");
			goto out;
		}
		if (check_counts(&h, &r, 8, err, errlen) != 0)
			goto out;
	}
	ret = read_block(&r, &h, h.version >= 2 ? 8 : 4, tz, err, errlen);
	if (ret == -2)
		rc = CRM_ENOMEM;
	if (ret != 0)
		goto out;
	if (h.version >= 2 && read_footer(&r, tz, err, errlen) != 0)
		goto out;
	*out = tz;
	tz = NULL;
	rc = CRM_OK;
out:
	crm_tz_free(tz);
	return rc;
}

void
crm_tz_free(struct crm_tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->trans);
	free(tz->trans_type);
	free(tz->chars);
	free(tz);
}

/* ---- loading ---- */

static int
valid_zone_name(const char *name)
{
	size_t len, i;

	if (name == NULL)
		return 0;
	len = strnlen(name, CRM_TZ_NAME_MAX + 1);
	if (len == 0 || len > CRM_TZ_NAME_MAX || name[0] == '/' ||
	    name[len - 1] == '/' || strstr(name, "//") != NULL)
		return 0;
	/* No '.': so neither ".." nor "." can be a component. */
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '+' || c == '/'))
			return 0;
	}
	return 1;
}

int
crm_tz_load(const char *dir, const char *name, struct crm_tz **out,
	    char *err, size_t errlen)
{
	char path[4096];
	unsigned char *buf = NULL;
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd = -1, rc = CRM_INVALID, len;

	*out = NULL;
	set_err(err, errlen, "%s", "");
	if (!valid_zone_name(name)) {
		set_err(err, errlen, "\"%.*s\" is not a time zone name "
			"(Area/City)", CRM_TZ_NAME_MAX,
			name != NULL ? name : "(null)");
		goto out;
	}
	if (dir == NULL)
		dir = CRM_TZ_DIR_DEFAULT;
	len = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (len < 0 || (size_t)len >= sizeof(path)) {
		set_err(err, errlen, "zone directory path too long");
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		rc = errno == ENOENT || errno == ENOTDIR ? CRM_NOTFOUND :
		     CRM_ESYS;
		set_err(err, errlen, "%s: %s", name, rc == CRM_NOTFOUND ?
			"no such time zone" : strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		rc = CRM_ESYS;
		set_err(err, errlen, "%s: %s", name, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = CRM_NOTFOUND;
		set_err(err, errlen, "%s: no such time zone (not a file)",
			name);
		goto out;
	}
	if (st.st_size > CRM_TZ_FILE_MAX) {
		set_err(err, errlen, "%s: larger than %d bytes", name,
			CRM_TZ_FILE_MAX);
		goto out;
	}
	/* One byte more than allowed: a file that grew is still caught. */
	buf = malloc(CRM_TZ_FILE_MAX + 1);
	if (buf == NULL) {
		rc = CRM_ENOMEM;
		set_err(err, errlen, "out of memory");
		goto out;
	}
	for (;;) {
		n = read(fd, buf + got, CRM_TZ_FILE_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = CRM_ESYS;
			set_err(err, errlen, "%s: %s", name, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > CRM_TZ_FILE_MAX) {
			set_err(err, errlen, "%s: larger than %d bytes", name,
				CRM_TZ_FILE_MAX);
			goto out;
		}
	}
	rc = crm_tz_parse(buf, got, out, err, errlen);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}

/* ---- local time ---- */

static int
fill_tm(int64_t t, int32_t utoff, int isdst, const char *zone,
	struct tm *out)
{
	int64_t local = t + utoff, days, secs, y;
	int m, d;

	days = floor_div(local, SECS_PER_DAY);
	secs = local - days * SECS_PER_DAY;
	civil_from_days(days, &y, &m, &d);
	if (y - 1900 < INT_MIN || y - 1900 > INT_MAX)
		return CRM_INVALID;
	out->tm_year = (int)(y - 1900);
	out->tm_mon = m - 1;
	out->tm_mday = d;
	out->tm_yday = (int)(days - days_from_civil(y, 1, 1));
	out->tm_wday = (int)(((days + 4) % 7 + 7) % 7);
	out->tm_hour = (int)(secs / 3600);
	out->tm_min = (int)(secs / 60 % 60);
	out->tm_sec = (int)(secs % 60);
	out->tm_isdst = isdst;
	out->tm_gmtoff = utoff;
	out->tm_zone = zone;
	return CRM_OK;
}

int
crm_tz_localtime(const struct crm_tz *tz, int64_t t, struct tm *out)
{
	const struct tz_type *type;
	size_t lo, hi, mid;
	int rc = CRM_INVALID, dst;

	memset(out, 0, sizeof(*out));
	if (tz == NULL) {
		time_t tt = (time_t)t;

		if ((int64_t)tt == t && localtime_r(&tt, out) != NULL)
			rc = CRM_OK;
		goto out;
	}
	if (t < -T_LIMIT || t > T_LIMIT)
		goto out;
	if ((tz->ntrans == 0 || t >= tz->trans[tz->ntrans - 1]) &&
	    tz->footer.present) {
		const struct tz_string *f = &tz->footer;

		dst = f->has_dst && footer_isdst(f, t);
		rc = fill_tm(t, dst ? f->dst_off : f->std_off, dst,
			     dst ? f->dst_name : f->std_name, out);
		goto out;
	}
	if (tz->ntrans == 0 || t < tz->trans[0]) {
		type = &tz->types[0];
	} else {
		/* The last transition at or before t. */
		lo = 0;
		hi = tz->ntrans;
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (tz->trans[mid] <= t)
				lo = mid;
			else
				hi = mid;
		}
		type = &tz->types[tz->trans_type[lo]];
	}
	rc = fill_tm(t, type->utoff, type->isdst, tz->chars + type->abbr,
		     out);
out:
	if (rc != CRM_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}
