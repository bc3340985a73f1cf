/*
 * fuzz_hours.c - libFuzzer target for lib/core/hours: an hours= rule is
 * an administrator's text and a typo must be refused, never crash.
 *
 * Beyond not crashing it checks what listings rely on: what parses has a
 * canonical text that parses to the same canonical text, and both
 * answer every fixed wall-clock time alike.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hours.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int times[][3] = {
		{ 0, 0, 0 }, { 1, 7, 59 }, { 1, 8, 0 }, { 5, 18, 59 },
		{ 5, 19, 0 }, { 5, 23, 0 }, { 6, 5, 59 }, { 6, 6, 0 },
		{ 6, 23, 59 }, { 3, 12, 0 }, { 7, 10, 0 }, { -1, 10, 0 },
		{ 2, 24, 0 }, { 2, 10, 60 }, { 4, -1, 0 },
	};
	char text[4097], canon[CRM_HOURS_TEXT_MAX], again[CRM_HOURS_TEXT_MAX];
	char err[256];
	struct crm_hours *h = NULL, *h2 = NULL;
	struct tm tm;
	size_t i;
	int rc;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	rc = crm_hours_parse(text, &h, err, sizeof(err));
	check(rc == CRM_OK || rc == CRM_INVALID || rc == CRM_ENOMEM);
	check(strlen(err) < sizeof(err));
	if (rc != CRM_OK) {
		check(h == NULL);
		check(err[0] != '\0');
		return 0;
	}
	check(crm_hours_format(h, canon, sizeof(canon)) == CRM_OK);
	check(crm_hours_parse(canon, &h2, err, sizeof(err)) == CRM_OK);
	check(crm_hours_format(h2, again, sizeof(again)) == CRM_OK);
	check(strcmp(canon, again) == 0);
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_wday = times[i][0];
		tm.tm_hour = times[i][1];
		tm.tm_min = times[i][2];
		rc = crm_hours_match(h, &tm);
		check(rc == 0 || rc == 1);
		check(rc == crm_hours_match(h2, &tm));
		if (tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_hour > 23 ||
		    tm.tm_hour < 0 || tm.tm_min > 59)
			check(rc == 0);
	}
	crm_hours_free(h);
	crm_hours_free(h2);
	return 0;
}
