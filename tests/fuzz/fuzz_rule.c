/*
 * fuzz_rule.c - libFuzzer target for lib/core/rule: access rules come
 * from files and from the command line, so any bytes must be survived.
 *
 * Beyond not crashing it checks the promise rule.h makes: a rule that
 * parses has a canonical text, that text parses (with the same now_ms)
 * to a rule whose canonical text is the same, and a refusal leaves the
 * rule empty and says why in at most the error buffer.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fixed "now": relative times must give the same rule twice. */
#define NOW_MS 1767225600123LL	/* 2026-01-01T00:00:00.123Z */

static void
check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[CRM_RULE_MAX + 16];
	static char first[CRM_RULE_MAX], second[CRM_RULE_MAX];
	struct crm_rule rule, again;
	char err[160];
	int rc;

	if (size >= sizeof(line))
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';

	rc = crm_rule_parse(line, NOW_MS, &rule, err, sizeof(err));
	check(rc == CRM_OK || rc == CRM_NOTFOUND || rc == CRM_INVALID ||
	      rc == CRM_ENOMEM);
	check(strlen(err) < sizeof(err));
	if (rc != CRM_OK) {
		check(rule.wheres == NULL && rule.nwheres == 0 &&
		      rule.services == NULL && rule.nservices == 0);
		check((rc == CRM_INVALID) == (err[0] != '\0'));
		return 0;
	}
	check(rule.nwheres > 0);
	(void)crm_rule_where_matches(&rule, line, line);
	(void)crm_rule_where_matches(&rule, NULL, NULL);

	check(crm_rule_format(&rule, first, sizeof(first)) == CRM_OK);
	rc = crm_rule_parse(first, NOW_MS, &again, err, sizeof(err));
	if (rc != CRM_OK)
		abort();
	check(crm_rule_format(&again, second, sizeof(second)) == CRM_OK);
	if (strcmp(first, second) != 0)
		abort();
	check(again.nwheres == rule.nwheres &&
	      again.nservices == rule.nservices &&
	      again.from_ms == rule.from_ms && again.until_ms == rule.until_ms &&
	      strcmp(again.hours, rule.hours) == 0 &&
	      strcmp(again.tz, rule.tz) == 0);
	/* Too small a buffer is refused, never cut. */
	check(crm_rule_format(&rule, second, strlen(first)) == CRM_INVALID);
	check(second[0] == '\0');
	crm_rule_clear(&rule);
	crm_rule_clear(&again);
	return 0;
}
