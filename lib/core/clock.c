/*
 * clock.c - the time source and time parsing.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/crm.h"

int64_t
crm_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
crm_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
parse_relative(const char *text, int64_t now_ms, int64_t *out_ms)
{
	char *end;
	unsigned long long n;
	int64_t unit;

	errno = 0;
	n = strtoull(text + 1, &end, 10);
	if (errno != 0 || end == text + 1 || end[0] == '\0' || end[1] != '\0')
		return CRM_INVALID;
	switch (*end) {
	case 's': unit = 1000; break;
	case 'm': unit = 60 * 1000; break;
	case 'h': unit = 3600 * 1000; break;
	case 'd': unit = 86400 * 1000; break;
	default: return CRM_INVALID;
	}
	/* A century is more than any suspension needs; beyond it, refuse
	 * rather than overflow. */
	if (n > (unsigned long long)(36500LL * 86400 * 1000 / unit))
		return CRM_INVALID;
	*out_ms = now_ms + (int64_t)n * unit;
	return CRM_OK;
}

/* ".5", ".12", ".123" after the seconds: what crm_time_format writes,
 * so that its text parses back to the same millisecond. */
static const char *
parse_fraction(const char *text, int *out_ms)
{
	int value = 0, digits = 0;

	for (text++; *text >= '0' && *text <= '9' && digits < 3; text++) {
		value = value * 10 + (*text - '0');
		digits++;
	}
	if (digits == 0 || (*text >= '0' && *text <= '9'))
		return NULL;
	for (; digits < 3; digits++)
		value *= 10;
	*out_ms = value;
	return text;
}

int
crm_time_parse(const char *text, int64_t now_ms, int64_t *out_ms)
{
	struct tm tm;
	const char *rest;
	time_t t;
	int utc = 0, fraction_ms = 0;

	if (text == NULL || *text == '\0')
		return CRM_INVALID;
	if (text[0] == '+')
		return parse_relative(text, now_ms, out_ms);

	memset(&tm, 0, sizeof(tm));
	rest = strptime(text, "%Y-%m-%d", &tm);
	if (rest == NULL)
		return CRM_INVALID;
	if (*rest == 'T' || *rest == ' ') {
		const char *time_rest = strptime(rest + 1, "%H:%M:%S", &tm);

		if (time_rest != NULL && *time_rest == '.')
			time_rest = parse_fraction(time_rest, &fraction_ms);
		else if (time_rest == NULL)
			time_rest = strptime(rest + 1, "%H:%M", &tm);
		if (time_rest == NULL)
			return CRM_INVALID;
		rest = time_rest;
	}
	if (*rest == 'Z') {
		utc = 1;
		rest++;
	}
	if (*rest != '\0')
		return CRM_INVALID;
	tm.tm_isdst = -1;
	t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1)
		return CRM_INVALID;
	*out_ms = (int64_t)t * 1000 + fraction_ms;
	return CRM_OK;
}

void
crm_time_format(int64_t ms, char *buf, size_t len)
{
	struct tm tm;
	time_t t = (time_t)(ms / 1000);
	char base[32];

	if (len == 0)
		return;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%s.%03dZ", base, (int)(ms % 1000));
}
