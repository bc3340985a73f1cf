/*
 * test_tzif.c - local time in a named zone without touching TZ: the
 * same answers as glibc's localtime_r, in the files' range and past it
 * (the footer's TZ string), on DST days, for fractional offsets; and
 * malformed files and unsafe names refused.
 *
 * Only this test sets TZ, to ask glibc what the answer should be.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/hours.h"
#include "core/tzif.h"

#define HOUR	3600
#define DAY	86400
/* 1960-01-01 and 2110-01-01 UTC. */
#define T_1960	(-315619200)
#define T_2110	((int64_t)4417977600)
/* 1973-01-01 UTC: glibc applies a TZ string's rules from 1973 on only
 * (compute_change in its tzset.c starts earlier years at 1970). */
#define T_1973	94694400

static void
glibc_zone(const char *tz)
{
	assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

static void
glibc_localtime(int64_t t, struct tm *out)
{
	time_t tt = (time_t)t;

	memset(out, 0, sizeof(*out));
	assert_non_null(localtime_r(&tt, out));
}

static void
assert_same_at(const struct crm_tz *tz, int64_t t)
{
	struct tm want, got;

	glibc_localtime(t, &want);
	assert_int_equal(crm_tz_localtime(tz, t, &got), CRM_OK);
	if (got.tm_year != want.tm_year || got.tm_mon != want.tm_mon ||
	    got.tm_mday != want.tm_mday || got.tm_hour != want.tm_hour ||
	    got.tm_min != want.tm_min || got.tm_sec != want.tm_sec ||
	    got.tm_wday != want.tm_wday || got.tm_yday != want.tm_yday ||
	    got.tm_isdst != want.tm_isdst ||
	    got.tm_gmtoff != want.tm_gmtoff ||
	    strcmp(got.tm_zone, want.tm_zone) != 0)
		fail_msg("t=%lld: got %04d-%02d-%02d %02d:%02d:%02d wday %d "
			 "yday %d dst %d off %ld %s, glibc %04d-%02d-%02d "
			 "%02d:%02d:%02d wday %d yday %d dst %d off %ld %s",
			 (long long)t, got.tm_year + 1900, got.tm_mon + 1,
			 got.tm_mday, got.tm_hour, got.tm_min, got.tm_sec,
			 got.tm_wday, got.tm_yday, got.tm_isdst,
			 got.tm_gmtoff, got.tm_zone, want.tm_year + 1900,
			 want.tm_mon + 1, want.tm_mday, want.tm_hour,
			 want.tm_min, want.tm_sec, want.tm_wday,
			 want.tm_yday, want.tm_isdst, want.tm_gmtoff,
			 want.tm_zone);
}

static long
glibc_offset(int64_t t)
{
	struct tm tm;

	glibc_localtime(t, &tm);
	return tm.tm_gmtoff * 2 + tm.tm_isdst;
}

/*
 * Every 7 hours from from to to, and wherever glibc's offset changes
 * between two samples, the exact second of the change (by bisection)
 * and the seconds around it.  Returns the number of changes seen.
 */
static int
assert_same_over(const struct crm_tz *tz, int64_t from, int64_t to,
		 int64_t step)
{
	int64_t t, lo, hi, mid;
	long before, now;
	int changes = 0;

	before = glibc_offset(from);
	for (t = from; t <= to; t += step) {
		assert_same_at(tz, t);
		now = glibc_offset(t);
		if (now == before)
			continue;
		lo = t - step;
		hi = t;
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (glibc_offset(mid) == before)
				lo = mid;
			else
				hi = mid;
		}
		assert_same_at(tz, hi - 1);
		assert_same_at(tz, hi);
		assert_same_at(tz, hi + 1);
		before = now;
		changes++;
	}
	return changes;
}

static struct crm_tz *
load(const char *name)
{
	struct crm_tz *tz = NULL;
	char err[256];

	if (crm_tz_load(NULL, name, &tz, err, sizeof(err)) != CRM_OK)
		fail_msg("%s: %s", name, err);
	return tz;
}

/* A version 2 image with no transitions: all of it is the footer. */
static size_t
footer_image(const char *footer, unsigned char *buf, size_t len)
{
	static const unsigned char block[10] = {
		0, 0, 0, 0, 0, 0, 'U', 'T', 'C', 0
	};
	unsigned char header[44];
	size_t used = 0, flen = strlen(footer);

	assert_true(2 * (sizeof(header) + sizeof(block)) + flen + 2 <= len);
	memset(header, 0, sizeof(header));
	memcpy(header, "TZif2", 5);
	header[39] = 1;		/* typecnt */
	header[43] = 4;		/* charcnt */
	memcpy(buf + used, header, sizeof(header));
	used += sizeof(header);
	memcpy(buf + used, block, sizeof(block));
	used += sizeof(block);
	memcpy(buf + used, header, sizeof(header));
	used += sizeof(header);
	memcpy(buf + used, block, sizeof(block));
	used += sizeof(block);
	buf[used++] = '\n';
	memcpy(buf + used, footer, flen);
	used += flen;
	buf[used++] = '\n';
	return used;
}

static struct crm_tz *
parse_footer(const char *footer)
{
	unsigned char buf[512];
	struct crm_tz *tz = NULL;
	char err[256];
	size_t len = footer_image(footer, buf, sizeof(buf));

	if (crm_tz_parse(buf, len, &tz, err, sizeof(err)) != CRM_OK)
		fail_msg("footer %s: %s", footer, err);
	return tz;
}

static void
assert_zone_like_glibc(const char *name, int min_changes)
{
	struct crm_tz *tz = load(name);
	int64_t t;

	glibc_zone(name);
	assert_true(assert_same_over(tz, T_1960, T_2110, 7 * HOUR) >=
		    min_changes);
	/* Far past and future: the first type, and the footer's rules. */
	for (t = T_2110; t < T_2110 + (int64_t)400 * 365 * DAY;
	     t += 7 * DAY + 5 * HOUR + 13)
		assert_same_at(tz, t);
	assert_same_at(tz, (int64_t)1 << 40);
	assert_same_at(tz, -((int64_t)1 << 36));
	crm_tz_free(tz);
}

/* Files made by "zic -b slim" (as Debian 12 and later ship): the
 * footer takes over after 1996 (Berlin) and 2007 (New York); glibc
 * reads the system's files. */
static void
slim_files_are_what_glibc_says(void **state)
{
	static const char *const names[] = {
		"Europe/Berlin", "America/New_York"
	};
	const char *srcdir = getenv("CRM_TEST_SRCDIR");
	struct crm_tz *tz = NULL;
	char dir[512], err[256];
	size_t i;

	assert_non_null(srcdir);
	snprintf(dir, sizeof(dir), "%s/tests/unit/zoneinfo-slim", srcdir);
	for (i = 0; i < CRM_ARRAY_SIZE(names); i++) {
		if (crm_tz_load(dir, names[i], &tz, err, sizeof(err)) != CRM_OK)
			fail_msg("%s: %s", names[i], err);
		glibc_zone(names[i]);
		assert_true(assert_same_over(tz, T_1960, T_2110, 7 * HOUR) >
			    2 * 120);
		crm_tz_free(tz);
	}
}

static void
berlin_is_what_glibc_says(void **state)
{
	/* Two changes a year since 1980. */
	assert_zone_like_glibc("Europe/Berlin", 2 * 120);
}

static void
new_york_is_what_glibc_says(void **state)
{
	assert_zone_like_glibc("America/New_York", 2 * 140);
}

static void
fractional_offsets_are_what_glibc_says(void **state)
{
	struct crm_tz *tz;
	struct tm tm;

	assert_zone_like_glibc("Asia/Kolkata", 0);
	assert_zone_like_glibc("Asia/Kathmandu", 1);
	assert_zone_like_glibc("Australia/Adelaide", 2 * 100);
	assert_zone_like_glibc("Australia/Lord_Howe", 2 * 80);

	/* 2024-01-01 00:00 UTC. */
	tz = load("Asia/Kolkata");
	assert_int_equal(crm_tz_localtime(tz, 1704067200, &tm), CRM_OK);
	assert_int_equal(tm.tm_hour * 60 + tm.tm_min, 5 * 60 + 30);
	assert_int_equal(tm.tm_gmtoff, 19800);
	crm_tz_free(tz);
	tz = load("Asia/Kathmandu");
	assert_int_equal(crm_tz_localtime(tz, 1704067200, &tm), CRM_OK);
	assert_int_equal(tm.tm_hour * 60 + tm.tm_min, 5 * 60 + 45);
	crm_tz_free(tz);
}

static void
utc_is_utc(void **state)
{
	struct crm_tz *tz = load("UTC");
	struct tm tm;

	/* 2000-02-29 12:34:56 UTC, a Tuesday. */
	assert_int_equal(crm_tz_localtime(tz, 951827696, &tm), CRM_OK);
	assert_int_equal(tm.tm_year, 100);
	assert_int_equal(tm.tm_mon, 1);
	assert_int_equal(tm.tm_mday, 29);
	assert_int_equal(tm.tm_hour, 12);
	assert_int_equal(tm.tm_min, 34);
	assert_int_equal(tm.tm_sec, 56);
	assert_int_equal(tm.tm_wday, 2);
	assert_int_equal(tm.tm_yday, 59);
	assert_int_equal(tm.tm_isdst, 0);
	assert_int_equal(tm.tm_gmtoff, 0);
	assert_string_equal(tm.tm_zone, "UTC");
	/* Before 1970. */
	assert_int_equal(crm_tz_localtime(tz, -1, &tm), CRM_OK);
	assert_int_equal(tm.tm_year, 69);
	assert_int_equal(tm.tm_hour, 23);
	assert_int_equal(tm.tm_sec, 59);
	assert_int_equal(tm.tm_wday, 3);
	glibc_zone("UTC");
	assert_same_over(tz, T_1960, T_2110, 7 * HOUR);
	crm_tz_free(tz);
}

/* Footers alone (a "slim" file past its last transition), every form
 * RFC 8536 3.3 allows, against glibc reading the same TZ string. */
static void
footer_strings_are_what_glibc_says(void **state)
{
	static const struct {
		const char *tz;
		int changes;
	} cases[] = {
		{ "CET-1CEST,M3.5.0,M10.5.0/3", 2 * 130 },
		{ "EST5EDT,M3.2.0,M11.1.0", 2 * 130 },
		{ "<+0530>-5:30", 0 },
		{ "<+0545>-5:45", 0 },
		{ "<-10>10", 0 },
		{ "<+14>-14", 0 },
		{ "<-0930>9:30", 0 },
		{ "AEST-10AEDT,M10.1.0,M4.1.0/3", 2 * 130 },
		{ "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 2 * 130 },
		{ "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", 2 * 130 },
		{ "IST-2IDT,M3.4.4/26,M10.5.0", 2 * 130 },
		{ "<-01>1<+00>,M3.5.0/0,M10.5.0/1", 2 * 130 },
		{ "XXX3YYY,J60/2,J300/2", 2 * 130 },
		{ "XXX3YYY,59,300/1:30:15", 2 * 130 },
		{ "XXX-12:45:30YYY-13:45:30,M9.5.0/2:45,M4.1.0/3:45",
		  2 * 130 },
		{ "<-02>2<-01>,M3.5.0/167,M10.5.0/-167", 2 * 130 },
		{ "NZST-12NZDT,M9.5.0,M4.1.0/3", 2 * 130 },
		{ "UTC0", 0 },
	};
	struct crm_tz *tz;
	size_t i;
	int changes;

	for (i = 0; i < CRM_ARRAY_SIZE(cases); i++) {
		tz = parse_footer(cases[i].tz);
		glibc_zone(cases[i].tz);
		changes = assert_same_over(tz, T_1973, T_2110, 7 * HOUR);
		if (changes < cases[i].changes)
			fail_msg("%s: %d changes", cases[i].tz, changes);
		assert_same_at(tz, (int64_t)1 << 40);
		crm_tz_free(tz);
	}
}

/* DST all year: the start and the end of a year meet. */
static void
dst_all_year_is_dst(void **state)
{
	struct crm_tz *tz = parse_footer("EST5EDT,0/0,J365/25");
	struct tm tm;
	int64_t t;

	for (t = T_1960; t < T_2110; t += 7 * HOUR + 17) {
		assert_int_equal(crm_tz_localtime(tz, t, &tm), CRM_OK);
		assert_int_equal(tm.tm_isdst, 1);
		assert_int_equal(tm.tm_gmtoff, -4 * HOUR);
	}
	crm_tz_free(tz);
}

/* A rule time that moves a change into the year before: the latest
 * change decides, as in tzcode (glibc looks at one year's rules only). */
static void
a_change_moved_into_another_year_counts_there(void **state)
{
	struct crm_tz *tz = parse_footer("<+13>-13<+14>,M11.1.0/167,"
					 "M1.1.0/-167");
	struct tm tm;

	/* 1973-12-30 01:00 +14 (the end of 1974's DST) is 1973-12-29
	 * 11:00 UTC; an hour later it is standard time. */
	assert_int_equal(crm_tz_localtime(tz, 126010800 - 1, &tm), CRM_OK);
	assert_int_equal(tm.tm_isdst, 1);
	assert_int_equal(crm_tz_localtime(tz, 126010800 + HOUR, &tm),
			 CRM_OK);
	assert_int_equal(tm.tm_isdst, 0);
	assert_int_equal(tm.tm_gmtoff, 13 * HOUR);
	crm_tz_free(tz);
}

/* 2027-03-28, Europe/Berlin: 01:59:59 CET is followed by 03:00:00 CEST,
 * so "Su 02:00-03:00" allows no instant of that day; on 2027-10-31
 * 02:30 happens twice, and both are inside. */
static void
assert_dst_days(const struct crm_tz *tz)
{
	struct crm_hours *hours = NULL;
	char err[256];
	struct tm tm;
	int64_t spring = 1806192000;	/* 2027-03-28 00:00 UTC */
	int64_t autumn = 1824940800;	/* 2027-10-31 00:00 UTC */
	int64_t t;
	int inside;

	assert_int_equal(crm_hours_parse("Su 02:00-03:00", &hours, err,
					 sizeof(err)), CRM_OK);

	assert_int_equal(crm_tz_localtime(tz, spring + HOUR - 1, &tm),
			 CRM_OK);
	assert_int_equal(tm.tm_hour * 10000 + tm.tm_min * 100 + tm.tm_sec,
			 15959);
	assert_int_equal(tm.tm_isdst, 0);
	assert_string_equal(tm.tm_zone, "CET");
	assert_int_equal(crm_tz_localtime(tz, spring + HOUR, &tm), CRM_OK);
	assert_int_equal(tm.tm_hour * 10000 + tm.tm_min * 100 + tm.tm_sec,
			 30000);
	assert_int_equal(tm.tm_isdst, 1);
	assert_string_equal(tm.tm_zone, "CEST");
	/* Sunday 00:00 CET to Monday 00:00 CEST. */
	for (t = spring - HOUR; t < spring + 22 * HOUR; t += 30) {
		assert_int_equal(crm_tz_localtime(tz, t, &tm), CRM_OK);
		assert_int_equal(tm.tm_wday, 0);
		assert_false(crm_hours_match(hours, &tm));
	}

	/* 00:30 UTC is 02:30 CEST, 01:30 UTC is 02:30 CET. */
	assert_int_equal(crm_tz_localtime(tz, autumn + HOUR / 2, &tm),
			 CRM_OK);
	assert_int_equal(tm.tm_hour * 100 + tm.tm_min, 230);
	assert_int_equal(tm.tm_isdst, 1);
	assert_true(crm_hours_match(hours, &tm));
	assert_int_equal(crm_tz_localtime(tz, autumn + 3 * HOUR / 2, &tm),
			 CRM_OK);
	assert_int_equal(tm.tm_hour * 100 + tm.tm_min, 230);
	assert_int_equal(tm.tm_isdst, 0);
	assert_true(crm_hours_match(hours, &tm));
	/* Two hours of that day are inside, one after the other. */
	inside = 0;
	for (t = autumn - 2 * HOUR; t < autumn + DAY; t += 60) {
		assert_int_equal(crm_tz_localtime(tz, t, &tm), CRM_OK);
		inside += crm_hours_match(hours, &tm);
	}
	assert_int_equal(inside, 120);
	crm_hours_free(hours);
}

static void
hours_on_berlin_dst_days(void **state)
{
	struct crm_tz *tz = load("Europe/Berlin");

	assert_dst_days(tz);
	crm_tz_free(tz);
	/* The same days from a slim file's footer alone. */
	tz = parse_footer("CET-1CEST,M3.5.0,M10.5.0/3");
	assert_dst_days(tz);
	crm_tz_free(tz);
}

static void
tz_is_never_set_by_the_library(void **state)
{
	struct crm_tz *tz;
	struct tm tm;

	glibc_zone("America/New_York");
	tz = load("Asia/Kolkata");
	assert_int_equal(crm_tz_localtime(tz, 0, &tm), CRM_OK);
	assert_string_equal(getenv("TZ"), "America/New_York");
	/* NULL: the process's own zone. */
	assert_int_equal(crm_tz_localtime(NULL, 0, &tm), CRM_OK);
	assert_int_equal(tm.tm_gmtoff, -5 * HOUR);
	assert_int_equal(tm.tm_hour, 19);
	crm_tz_free(tz);
}

static void
times_past_any_year_are_refused(void **state)
{
	static const int64_t bad[] = {
		INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1,
		(int64_t)1 << 62, -((int64_t)1 << 60),
	};
	struct crm_tz *tz = load("Europe/Berlin");
	struct tm tm;
	size_t i;

	for (i = 0; i < CRM_ARRAY_SIZE(bad); i++) {
		assert_int_equal(crm_tz_localtime(tz, bad[i], &tm),
				 CRM_INVALID);
		assert_int_equal(tm.tm_year, 0);
	}
	assert_int_equal(crm_tz_localtime(NULL, INT64_MAX, &tm),
			 CRM_INVALID);
	crm_tz_free(tz);
}

static size_t
read_zone_file(const char *name, unsigned char *buf, size_t len)
{
	char path[256];
	FILE *f;
	size_t got;

	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	got = fread(buf, 1, len, f);
	fclose(f);
	assert_true(got > 0 && got < len);
	return got;
}

static void
assert_refused(const unsigned char *image, size_t len, const char *why)
{
	struct crm_tz *tz = (struct crm_tz *)1;
	char err[256] = "";

	assert_int_equal(crm_tz_parse(image, len, &tz, err, sizeof(err)),
			 CRM_INVALID);
	assert_null(tz);
	if (why != NULL && strstr(err, why) == NULL)
		fail_msg("refused for \"%s\", not \"%s\"", err, why);
}

static void
malformed_files_are_refused(void **state)
{
	static unsigned char image[65536], copy[65536];
	size_t len, i;

	len = read_zone_file("Europe/Berlin", image, sizeof(image));
	/* Every truncation. */
	for (i = 0; i < len; i++)
		assert_refused(image, i, NULL);
	assert_refused(image, 0, "not a TZif");

	memcpy(copy, image, len);
	copy[1] = 'X';
	assert_refused(copy, len, "not a TZif");
	memcpy(copy, image, len);
	copy[4] = '9';
	assert_refused(copy, len, "version");
	memcpy(copy, image, len);
	copy[len] = 'x';
	assert_refused(copy, len + 1, "after the footer");
	/* The footer's rules cut short. */
	memcpy(copy, image, len);
	memcpy(copy + len - 4, "0/\n", 3);
	assert_refused(copy, len - 1, "TZ string");

	len = footer_image("CET-1CEST", image, sizeof(image));
	assert_refused(image, len, "TZ string");
	len = footer_image("CET-1CEST,M3.5.0,M10.5.0/168", image,
			   sizeof(image));
	assert_refused(image, len, "TZ string");
	len = footer_image("CET-25", image, sizeof(image));
	assert_refused(image, len, "TZ string");
	len = footer_image("CE-1", image, sizeof(image));
	assert_refused(image, len, "TZ string");
	len = footer_image("<CET-1", image, sizeof(image));
	assert_refused(image, len, "TZ string");
	len = footer_image("CET-1CEST,M13.5.0,M10.5.0", image, sizeof(image));
	assert_refused(image, len, "TZ string");
	len = footer_image("CET-1CEST,J0,M10.5.0", image, sizeof(image));
	assert_refused(image, len, "TZ string");
	len = footer_image("CET-1CEST,366,M10.5.0", image, sizeof(image));
	assert_refused(image, len, "TZ string");

	/* No types, and a designation index past the designations. */
	len = footer_image("UTC0", image, sizeof(image));
	memcpy(copy, image, len);
	copy[39] = 0;
	assert_refused(copy, len, "local time types");
	memcpy(copy, image, len);
	copy[54 + 44 + 5] = 4;
	assert_refused(copy, len, "type 0");
	/* A leap-second table is not civil time. */
	memcpy(copy, image, len);
	copy[54 + 31] = 1;
	assert_refused(copy, len, NULL);
	assert_refused(NULL, 0, NULL);
	{
		struct crm_tz *tz = (struct crm_tz *)1;

		assert_int_equal(crm_tz_parse(image, 10, &tz, NULL, 64),
				 CRM_INVALID);
		assert_null(tz);
	}
}

static void
transitions_must_ascend(void **state)
{
	static unsigned char image[65536];
	struct crm_tz *tz;
	char err[256];
	size_t len;
	uint32_t timecnt, typecnt, charcnt, isstd, isut;
	unsigned char *v2, *times;

	len = read_zone_file("America/New_York", image, sizeof(image));
	assert_int_equal(crm_tz_parse(image, len, &tz, err, sizeof(err)),
			 CRM_OK);
	crm_tz_free(tz);
	/* Find the 64-bit block and swap its first two transitions. */
#define BE32(p) ((uint32_t)(p)[0] << 24 | (uint32_t)(p)[1] << 16 | \
		 (uint32_t)(p)[2] << 8 | (p)[3])
	isut = BE32(image + 20);
	isstd = BE32(image + 24);
	timecnt = BE32(image + 32);
	typecnt = BE32(image + 36);
	charcnt = BE32(image + 40);
	v2 = image + 44 + timecnt * 5 + typecnt * 6 + charcnt + isstd + isut;
	assert_memory_equal(v2, "TZif", 4);
	assert_true(BE32(v2 + 32) >= 2);
	times = v2 + 44;
	{
		unsigned char first[8];

		memcpy(first, times, 8);
		memcpy(times, times + 8, 8);
		memcpy(times + 8, first, 8);
	}
	assert_refused(image, len, "transition 1");
}

static void
unsafe_names_are_refused(void **state)
{
	static const char *const bad[] = {
		"../etc/passwd", "/etc/localtime", "", "Europe/../../etc/passwd",
		"Europe//Berlin", "Europe/Berlin/", "./UTC", "Europe/Berlin\n",
		"Europe/Ber lin", "Europe\\Berlin", "..",
		"Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/X",
	};
	struct crm_tz *tz = (struct crm_tz *)1;
	char err[256];
	size_t i;

	for (i = 0; i < CRM_ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		assert_int_equal(crm_tz_load(NULL, bad[i], &tz, err,
					     sizeof(err)), CRM_INVALID);
		assert_null(tz);
		assert_non_null(strstr(err, "not a time zone name"));
	}
	assert_int_equal(crm_tz_load(NULL, NULL, &tz, err, sizeof(err)),
			 CRM_INVALID);
	assert_int_equal(crm_tz_load(NULL, "Mars/Olympus_Mons", &tz, err,
				     sizeof(err)), CRM_NOTFOUND);
	assert_null(tz);
	assert_int_equal(crm_tz_load(NULL, "Europe", &tz, err, sizeof(err)),
			 CRM_NOTFOUND);
	assert_int_equal(crm_tz_load("/nonexistent", "UTC", &tz, err,
				     sizeof(err)), CRM_NOTFOUND);
	/* A regular file, but not a TZif one. */
	{
		char dir[512], path[600];
		const char *work = getenv("CRM_TEST_WORK");
		FILE *f;

		snprintf(dir, sizeof(dir), "%s", work != NULL ? work : "/tmp");
		snprintf(path, sizeof(path), "%s/Not_A_Zone", dir);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs("Europe/Berlin\n", f);
		fclose(f);
		assert_int_equal(crm_tz_load(dir, "Not_A_Zone", &tz, err,
					     sizeof(err)), CRM_INVALID);
		assert_null(tz);
		assert_non_null(strstr(err, "not a TZif"));
		remove(path);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(berlin_is_what_glibc_says),
		cmocka_unit_test(slim_files_are_what_glibc_says),
		cmocka_unit_test(new_york_is_what_glibc_says),
		cmocka_unit_test(fractional_offsets_are_what_glibc_says),
		cmocka_unit_test(utc_is_utc),
		cmocka_unit_test(footer_strings_are_what_glibc_says),
		cmocka_unit_test(dst_all_year_is_dst),
		cmocka_unit_test(a_change_moved_into_another_year_counts_there),
		cmocka_unit_test(hours_on_berlin_dst_days),
		cmocka_unit_test(tz_is_never_set_by_the_library),
		cmocka_unit_test(times_past_any_year_are_refused),
		cmocka_unit_test(malformed_files_are_refused),
		cmocka_unit_test(transitions_must_ascend),
		cmocka_unit_test(unsafe_names_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
