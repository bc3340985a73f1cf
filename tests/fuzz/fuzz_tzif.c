/*
 * fuzz_tzif.c - libFuzzer target for lib/core/tzif: a zone file is read
 * from disk at every configuration load, and a damaged or hostile one
 * must be refused or read, never crash, overflow or hang.
 *
 * Beyond not crashing it checks what hours matching relies on: every
 * answer is CRM_OK with fields in their ranges, or CRM_INVALID with the
 * struct zeroed, for times up to the int64 extremes.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/tzif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
check_at(const struct crm_tz *tz, int64_t t)
{
	struct tm tm;
	int rc = crm_tz_localtime(tz, t, &tm);

	check(rc == CRM_OK || rc == CRM_INVALID);
	if (rc != CRM_OK) {
		check(tm.tm_year == 0 && tm.tm_zone == NULL);
		return;
	}
	check(tm.tm_sec >= 0 && tm.tm_sec <= 59);
	check(tm.tm_min >= 0 && tm.tm_min <= 59);
	check(tm.tm_hour >= 0 && tm.tm_hour <= 23);
	check(tm.tm_mday >= 1 && tm.tm_mday <= 31);
	check(tm.tm_mon >= 0 && tm.tm_mon <= 11);
	check(tm.tm_wday >= 0 && tm.tm_wday <= 6);
	check(tm.tm_yday >= 0 && tm.tm_yday <= 365);
	check(tm.tm_isdst == 0 || tm.tm_isdst == 1);
	check(tm.tm_gmtoff > -26 * 3600 && tm.tm_gmtoff < 26 * 3600);
	check(tm.tm_zone != NULL && strlen(tm.tm_zone) < 256);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t times[] = {
		INT64_MIN, INT64_MIN + 1, -((int64_t)1 << 56) - 1,
		-((int64_t)1 << 56), -((int64_t)1 << 40), -2208988800LL,
		-1, 0, 1, 951827696, 1806195600, 2147483647, 2147483648LL,
		4417977600LL, (int64_t)1 << 40, 67767976233532799LL,
		(int64_t)1 << 56, ((int64_t)1 << 56) + 1, INT64_MAX - 1,
		INT64_MAX,
	};
	struct crm_tz *tz = NULL;
	char err[256];
	size_t i;
	int rc;

	rc = crm_tz_parse(data, size, &tz, err, sizeof(err));
	check(rc == CRM_OK || rc == CRM_INVALID || rc == CRM_ENOMEM);
	check(strlen(err) < sizeof(err));
	if (rc != CRM_OK) {
		check(tz == NULL && err[0] != '\0');
		return 0;
	}
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		check_at(tz, times[i]);
	/* A spread over centuries, near whatever the file holds. */
	for (i = 0; i < 64; i++)
		check_at(tz, -4000000000LL + (int64_t)i * 190000037LL);
	crm_tz_free(tz);
	return 0;
}
