/*
 * test_hours.c - login hours: what a rule allows at its edges, across
 * midnight and on days it does not list; its canonical text; and every
 * malformed rule refused with its reason.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/hours.h"

enum { SU, MO, TU, WE, TH, FR, SA };

static struct crm_hours *
parse(const char *text)
{
	struct crm_hours *h = NULL;
	char err[256];

	if (crm_hours_parse(text, &h, err, sizeof(err)) != CRM_OK)
		fail_msg("\"%s\": %s", text, err);
	return h;
}

static int
at(const struct crm_hours *h, int wday, int hour, int min)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_wday = wday;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = 59;
	return crm_hours_match(h, &tm);
}

static void
office_hours_start_inclusive_end_exclusive(void **state)
{
	struct crm_hours *h = parse("Mo-Fr 08:00-19:00");
	int d;

	for (d = MO; d <= FR; d++) {
		assert_false(at(h, d, 7, 59));
		assert_true(at(h, d, 8, 0));
		assert_true(at(h, d, 12, 30));
		assert_true(at(h, d, 18, 59));
		assert_false(at(h, d, 19, 0));
		assert_false(at(h, d, 19, 1));
	}
	/* Days not listed. */
	assert_false(at(h, SA, 12, 0));
	assert_false(at(h, SU, 12, 0));
	crm_hours_free(h);
}

static void
items_add_up(void **state)
{
	struct crm_hours *h = parse("Mo-Fr 08:00-19:00,Sa 09:00-12:00");

	assert_true(at(h, SA, 9, 0));
	assert_true(at(h, SA, 11, 59));
	assert_false(at(h, SA, 12, 0));
	assert_false(at(h, SA, 8, 0));
	assert_true(at(h, WE, 18, 0));
	assert_false(at(h, SU, 10, 0));
	crm_hours_free(h);

	h = parse("Mo+We+Fr 09:00-17:00");
	assert_true(at(h, MO, 9, 0));
	assert_false(at(h, TU, 9, 0));
	assert_true(at(h, WE, 9, 0));
	assert_false(at(h, TH, 9, 0));
	assert_true(at(h, FR, 16, 59));
	crm_hours_free(h);
}

static void
a_range_across_midnight_belongs_to_its_start_day(void **state)
{
	struct crm_hours *h = parse("Fr 22:00-06:00");

	assert_true(at(h, FR, 23, 0));
	assert_true(at(h, FR, 22, 0));
	assert_true(at(h, SA, 0, 0));
	assert_true(at(h, SA, 5, 59));
	assert_false(at(h, SA, 6, 0));
	assert_false(at(h, FR, 21, 59));
	assert_false(at(h, TH, 23, 0));
	assert_false(at(h, FR, 5, 0));		/* Thursday's night */
	assert_false(at(h, SA, 23, 0));
	crm_hours_free(h);

	/* Sunday night runs into Monday morning. */
	h = parse("Mo-Su 22:00-06:00");
	assert_true(at(h, MO, 3, 0));
	assert_true(at(h, SU, 23, 0));
	assert_false(at(h, WE, 12, 0));
	crm_hours_free(h);
	h = parse("Su 22:00-06:00");
	assert_true(at(h, MO, 5, 59));
	assert_false(at(h, SU, 5, 59));
	crm_hours_free(h);
}

static void
whole_days_and_every_day(void **state)
{
	struct crm_hours *h = parse("Sa-Su 00:00-24:00");

	assert_true(at(h, SA, 0, 0));
	assert_true(at(h, SU, 23, 59));
	assert_false(at(h, MO, 0, 0));
	assert_false(at(h, FR, 23, 59));
	crm_hours_free(h);

	h = parse("18:00-24:00");
	assert_true(at(h, TU, 23, 59));
	assert_true(at(h, SU, 18, 0));
	assert_false(at(h, WE, 0, 0));
	assert_false(at(h, TH, 17, 59));
	crm_hours_free(h);
}

static void
day_ranges_wrap_and_names_have_two_spellings(void **state)
{
	struct crm_hours *h = parse("fr-MO 10:00-11:00");
	int d;

	for (d = SU; d <= SA; d++)
		assert_int_equal(at(h, d, 10, 0),
				 d == FR || d == SA || d == SU || d == MO);
	crm_hours_free(h);
	h = parse("Mon-Wed 10:00-11:00, sun 12:00-13:00");
	assert_true(at(h, TU, 10, 0));
	assert_false(at(h, TH, 10, 0));
	assert_true(at(h, SU, 12, 0));
	crm_hours_free(h);
}

static void
a_broken_time_matches_nothing(void **state)
{
	struct crm_hours *h = parse("00:00-24:00");
	struct tm tm;

	assert_true(at(h, MO, 0, 0));
	assert_false(at(h, 7, 10, 0));
	assert_false(at(h, -1, 10, 0));
	assert_false(at(h, MO, 24, 0));
	assert_false(at(h, MO, 10, 60));
	assert_false(at(h, MO, -1, 0));
	memset(&tm, 0, sizeof(tm));
	assert_false(crm_hours_match(NULL, &tm));
	assert_false(crm_hours_match(h, NULL));
	crm_hours_free(h);
}

static void
assert_canonical(const char *text, const char *want)
{
	struct crm_hours *h = parse(text), *again;
	char out[CRM_HOURS_TEXT_MAX], out2[CRM_HOURS_TEXT_MAX];

	assert_int_equal(crm_hours_format(h, out, sizeof(out)), CRM_OK);
	assert_string_equal(out, want);
	again = parse(out);
	assert_int_equal(crm_hours_format(again, out2, sizeof(out2)), CRM_OK);
	assert_string_equal(out2, out);
	crm_hours_free(again);
	crm_hours_free(h);
}

static void
canonical_text_round_trips(void **state)
{
	struct crm_hours *h;
	char small[8];

	assert_canonical("Mo-Fr 08:00-19:00,Sa 09:00-12:00",
			 "Mo-Fr 08:00-19:00,Sa 09:00-12:00");
	assert_canonical("  mon-fri\t08:00-19:00 ,  SAT   09:00-12:00 ",
			 "Mo-Fr 08:00-19:00,Sa 09:00-12:00");
	assert_canonical("Fr-Mo 22:00-06:00", "Mo+Fr-Su 22:00-06:00");
	assert_canonical("Mo-Su 00:00-24:00", "00:00-24:00");
	assert_canonical("Tu-Mo 01:00-02:00", "01:00-02:00");
	assert_canonical("Su+Mo+We+Th 01:00-02:00", "Mo+We-Th+Su 01:00-02:00");
	assert_canonical("Mo+Tu 01:00-02:00", "Mo-Tu 01:00-02:00");
	assert_canonical("Sa-Su 23:59-00:00,07:00-07:01",
			 "Sa-Su 23:59-00:00,07:00-07:01");
	/* A buffer too small is an error, not a cut text. */
	h = parse("Mo-Fr 08:00-19:00");
	assert_int_equal(crm_hours_format(h, small, sizeof(small)),
			 CRM_INVALID);
	assert_string_equal(small, "");
	crm_hours_free(h);
}

static void
the_longest_rules_fit(void **state)
{
	char text[CRM_HOURS_TEXT_MAX];
	struct crm_hours *h = NULL;
	size_t used = 0;
	char err[256];
	int i;

	/* The longest canonical item, as many times as allowed. */
	for (i = 0; i < CRM_HOURS_ITEMS_MAX; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "%sMo-Tu+Th-Fr+Su 00:00-24:00",
					 i ? "," : "");
	assert_true(used < sizeof(text));
	assert_canonical(text, text);
	/* One item more is refused. */
	snprintf(text, sizeof(text), "00:00-01:00");
	for (i = 1; i <= CRM_HOURS_ITEMS_MAX; i++)
		strcat(text, ",00:00-01:00");
	assert_int_equal(crm_hours_parse(text, &h, err, sizeof(err)),
			 CRM_INVALID);
	assert_non_null(strstr(err, "more than"));
}

static void
malformed_rules_are_refused_with_a_reason(void **state)
{
	static const struct {
		const char *text;
		const char *why;
	} bad[] = {
		{ "", "item 1 is empty" },
		{ "   ", "item 1 is empty" },
		{ "Mo-Fr 08:00-19:00,", "item 2 is empty" },
		{ ",Mo 08:00-09:00", "item 1 is empty" },
		{ "Mo 08:00-09:00,,Tu 08:00-09:00", "item 2 is empty" },
		{ "Xy 08:00-19:00", "\"Xy 08:00-19:00\" is not a day" },
		{ "Mo-Xy 08:00-19:00", "\"Xy 08:00-19:00\" is not a day" },
		{ "Monday 08:00-19:00", "days must be followed by a blank" },
		{ "Mo-Fr", "days must be followed by a blank" },
		{ "Mo-Fr ", "days must be followed by a blank" },
		{ "Mo-Fr08:00-19:00", "days must be followed by a blank" },
		{ "Mo,Fr 08:00-19:00", "item 1: days must be followed" },
		{ "Mo-Mo 08:00-19:00", "a day range from Mo to Mo" },
		{ "Mo-Fr+We 08:00-19:00", "We is listed twice" },
		{ "Mo+Mo 08:00-19:00", "Mo is listed twice" },
		{ "Mo+ 08:00-19:00", "is not a day" },
		{ "Mo 25:00-26:00", "is not a range" },
		{ "Mo 08:60-09:00", "is not a range" },
		{ "Mo 08:00-24:01", "is not a range" },
		{ "Mo 8:00-19:00", "is not a range" },
		{ "Mo 08:00-19", "is not a range" },
		{ "Mo 08:00", "is not a range" },
		{ "Mo 08:00-", "is not a range" },
		{ "Mo 08:00 - 19:00", "is not a range" },
		{ "08:00-19:00x", "\"x\" after the range" },
		{ "Mo 08:00-19:00 Tu", "\" Tu\" after the range" },
		{ "Mo 24:00-08:00", "cannot start at 24:00" },
		{ "Mo 08:00-08:00", "an empty range" },
		{ "00:00-00:00", "an empty range" },
		{ "Sa 09:00-12:00,Su 10:00-10:00", "item 2: an empty range" },
	};
	struct crm_hours *h;
	char err[256];
	size_t i;

	for (i = 0; i < CRM_ARRAY_SIZE(bad); i++) {
		h = (struct crm_hours *)1;
		err[0] = '\0';
		if (crm_hours_parse(bad[i].text, &h, err, sizeof(err)) !=
		    CRM_INVALID)
			fail_msg("\"%s\" accepted", bad[i].text);
		assert_null(h);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("\"%s\": \"%s\", not \"%s\"", bad[i].text,
				 err, bad[i].why);
	}
	h = (struct crm_hours *)1;
	assert_int_equal(crm_hours_parse(NULL, &h, err, sizeof(err)),
			 CRM_INVALID);
	assert_null(h);
	/* A caller that does not want the reason. */
	assert_int_equal(crm_hours_parse("Xy 08:00-09:00", &h, NULL, 64),
			 CRM_INVALID);
	assert_int_equal(crm_hours_format(NULL, err, sizeof(err)),
			 CRM_INVALID);
	{
		char longer[CRM_HOURS_TEXT_MAX + 8];

		memset(longer, ' ', sizeof(longer) - 1);
		longer[sizeof(longer) - 1] = '\0';
		memcpy(longer, "00:00-01:00", 11);
		assert_int_equal(crm_hours_parse(longer, &h, err, sizeof(err)),
				 CRM_INVALID);
		assert_non_null(strstr(err, "longer than"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(office_hours_start_inclusive_end_exclusive),
		cmocka_unit_test(items_add_up),
		cmocka_unit_test(a_range_across_midnight_belongs_to_its_start_day),
		cmocka_unit_test(whole_days_and_every_day),
		cmocka_unit_test(day_ranges_wrap_and_names_have_two_spellings),
		cmocka_unit_test(a_broken_time_matches_nothing),
		cmocka_unit_test(canonical_text_round_trips),
		cmocka_unit_test(the_longest_rules_fit),
		cmocka_unit_test(malformed_rules_are_refused_with_a_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
