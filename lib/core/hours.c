/*
 * hours.c - login hours (see hours.h).
 *
 * An item is kept as written, a set of days and one range of minutes,
 * so that its canonical text says what the administrator wrote; a match
 * is a few comparisons per item.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hours.h"

#define MINUTES_PER_DAY	1440

struct hours_item {
	unsigned int days;		/* bit tm_wday: bit 0 Sunday */
	int start, end;			/* minutes, 0..1440 */
};

struct crm_hours {
	size_t count;
	struct hours_item items[CRM_HOURS_ITEMS_MAX];
};

/* Monday first, as people write a week; index + 1 mod 7 is tm_wday. */
static const char *const day_short[7] = {
	"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"
};
static const char *const day_long[7] = {
	"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
};

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* err may be NULL: the caller does not want the reason. */
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

static unsigned int
day_bit(int monday_index)
{
	return 1u << ((monday_index + 1) % 7);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A day name at *pp (Monday-first index), advancing past it; -1 if none. */
static int
parse_day(const char **pp)
{
	const char *p = *pp;
	int i;

	for (i = 0; i < 7; i++) {
		if (strncasecmp(p, day_long[i], 3) == 0) {
			*pp = p + 3;
			return i;
		}
	}
	for (i = 0; i < 7; i++) {
		if (strncasecmp(p, day_short[i], 2) == 0) {
			*pp = p + 2;
			return i;
		}
	}
	return -1;
}

/* HH:MM, 00:00 to 24:00, into minutes; -1 if malformed. */
static int
parse_time(const char **pp)
{
	const char *p = *pp;
	int h, m;

	if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' &&
	      p[2] == ':' && p[3] >= '0' && p[3] <= '9' && p[4] >= '0' &&
	      p[4] <= '9'))
		return -1;
	h = (p[0] - '0') * 10 + (p[1] - '0');
	m = (p[3] - '0') * 10 + (p[4] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	*pp = p + 5;
	return h * 60 + m;
}

/* DAYS at *pp into *days. */
static int
parse_days(const char **pp, unsigned int *days, char *err, size_t errlen,
	   size_t n)
{
	const char *p = *pp;
	unsigned int bits = 0, bit;
	int first, last, i;

	for (;;) {
		first = parse_day(&p);
		if (first < 0) {
			set_err(err, errlen, "item %zu: \"%.16s\" is not a "
				 "day (Mo Tu We Th Fr Sa Su)", n, p);
			return -1;
		}
		last = first;
		if (*p == '-') {
			p++;
			last = parse_day(&p);
			if (last < 0) {
				set_err(err, errlen, "item %zu: \"%.16s\" is "
					 "not a day (Mo Tu We Th Fr Sa Su)",
					 n, p);
				return -1;
			}
			if (last == first) {
				set_err(err, errlen, "item %zu: a day range "
					 "from %s to %s", n, day_short[first],
					 day_short[last]);
				return -1;
			}
		}
		for (i = first;; i = (i + 1) % 7) {
			bit = day_bit(i);
			if (bits & bit) {
				set_err(err, errlen, "item %zu: %s is listed "
					 "twice", n, day_short[i]);
				return -1;
			}
			bits |= bit;
			if (i == last)
				break;
		}
		if (*p != '+')
			break;
		p++;
	}
	*days = bits;
	*pp = p;
	return 0;
}

/* One ITEM, len bytes at text, blanks already trimmed. */
static int
parse_item(const char *text, size_t len, struct hours_item *item,
	   char *err, size_t errlen, size_t n)
{
	char buf[CRM_HOURS_TEXT_MAX];
	const char *p = buf;

	memcpy(buf, text, len);
	buf[len] = '\0';
	if (len == 0) {
		set_err(err, errlen, "item %zu is empty", n);
		return -1;
	}
	item->days = 0x7f;
	if (!(buf[0] >= '0' && buf[0] <= '9')) {
		if (parse_days(&p, &item->days, err, errlen, n) != 0)
			return -1;
		if (!is_blank(*p)) {
			set_err(err, errlen, "item %zu: days must be followed "
				 "by a blank and a range HH:MM-HH:MM", n);
			return -1;
		}
		while (is_blank(*p))
			p++;
	}
	item->start = parse_time(&p);
	item->end = -1;
	if (item->start >= 0 && *p == '-') {
		p++;
		item->end = parse_time(&p);
	}
	if (item->end < 0) {
		set_err(err, errlen, "item %zu: \"%.32s\" is not a range "
			 "HH:MM-HH:MM from 00:00 to 24:00", n, buf);
		return -1;
	}
	if (*p != '\0') {
		set_err(err, errlen, "item %zu: \"%.16s\" after the range",
			 n, p);
		return -1;
	}
	if (item->start == MINUTES_PER_DAY) {
		set_err(err, errlen, "item %zu: a range cannot start at "
			 "24:00", n);
		return -1;
	}
	if (item->start == item->end) {
		set_err(err, errlen, "item %zu: an empty range (start equals "
			 "end)", n);
		return -1;
	}
	return 0;
}

int
crm_hours_parse(const char *text, struct crm_hours **out, char *err,
		size_t errlen)
{
	struct crm_hours *h = NULL;
	const char *p, *end;
	size_t len;
	int rc = CRM_INVALID;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (text == NULL) {
		set_err(err, errlen, "no hours");
		goto out;
	}
	if (strnlen(text, CRM_HOURS_TEXT_MAX) >= CRM_HOURS_TEXT_MAX) {
		set_err(err, errlen, "hours longer than %d bytes",
			 CRM_HOURS_TEXT_MAX - 1);
		goto out;
	}
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		set_err(err, errlen, "out of memory");
		rc = CRM_ENOMEM;
		goto out;
	}
	p = text;
	for (;;) {
		if (h->count == CRM_HOURS_ITEMS_MAX) {
			set_err(err, errlen, "more than %d items",
				 CRM_HOURS_ITEMS_MAX);
			goto out;
		}
		len = strcspn(p, ",");
		end = p + len;
		while (p < end && is_blank(*p))
			p++;
		while (end > p && is_blank(end[-1]))
			end--;
		if (parse_item(p, (size_t)(end - p), &h->items[h->count], err,
			       errlen, h->count + 1) != 0)
			goto out;
		h->count++;
		p += strcspn(p, ",");
		if (*p == '\0')
			break;
		p++;
	}
	*out = h;
	h = NULL;
	rc = CRM_OK;
out:
	crm_hours_free(h);
	return rc;
}

void
crm_hours_free(struct crm_hours *h)
{
	free(h);
}

int
crm_hours_match(const struct crm_hours *h, const struct tm *tm)
{
	unsigned int today, yesterday;
	int minute;
	size_t i;

	if (h == NULL || tm == NULL || tm->tm_wday < 0 || tm->tm_wday > 6 ||
	    tm->tm_hour < 0 || tm->tm_hour > 23 || tm->tm_min < 0 ||
	    tm->tm_min > 59)
		return 0;
	today = 1u << tm->tm_wday;
	yesterday = 1u << ((tm->tm_wday + 6) % 7);
	minute = tm->tm_hour * 60 + tm->tm_min;
	for (i = 0; i < h->count; i++) {
		const struct hours_item *item = &h->items[i];

		if (item->start < item->end) {
			if ((item->days & today) && minute >= item->start &&
			    minute < item->end)
				return 1;
			continue;
		}
		/* Across midnight: the evening of a listed day, and the
		 * morning after it. */
		if ((item->days & today) && minute >= item->start)
			return 1;
		if ((item->days & yesterday) && minute < item->end)
			return 1;
	}
	return 0;
}

/* DAYS of an item, canonical, into out (room for 32 bytes). */
static void
format_days(unsigned int days, char *out, size_t len)
{
	size_t used = 0;
	int i = 0, j;

	out[0] = '\0';
	while (i < 7) {
		if (!(days & day_bit(i))) {
			i++;
			continue;
		}
		for (j = i; j + 1 < 7 && (days & day_bit(j + 1)); j++)
			;
		used += (size_t)snprintf(out + used, len - used, "%s%s%s%s",
					 used > 0 ? "+" : "", day_short[i],
					 j > i ? "-" : "",
					 j > i ? day_short[j] : "");
		i = j + 1;
	}
}

int
crm_hours_format(const struct crm_hours *h, char *out, size_t len)
{
	char days[32];
	size_t used = 0, i;
	int n;

	if (out == NULL || len == 0)
		return CRM_INVALID;
	out[0] = '\0';
	if (h == NULL)
		return CRM_INVALID;
	for (i = 0; i < h->count; i++) {
		const struct hours_item *item = &h->items[i];

		if (item->days == 0x7f)
			days[0] = '\0';
		else
			format_days(item->days, days, sizeof(days));
		n = snprintf(out + used, len - used, "%s%s%s%02d:%02d-%02d:%02d",
			     i > 0 ? "," : "", days, days[0] ? " " : "",
			     item->start / 60, item->start % 60,
			     item->end / 60, item->end % 60);
		if (n < 0 || (size_t)n >= len - used) {
			out[0] = '\0';
			return CRM_INVALID;
		}
		used += (size_t)n;
	}
	return CRM_OK;
}
