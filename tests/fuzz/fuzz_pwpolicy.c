/*
 * fuzz_pwpolicy.c - libFuzzer target for lib/core/pwpolicy: a candidate
 * password, a user name, a department and an old password are any bytes
 * a user or a database may hand in (NUL-separated in the input).
 *
 * Beyond not crashing: every reason appears once with a message of its
 * own that fits, an error leaves no verdict behind, and a policy with
 * every check off passes every password.  dictcheck stays off (cracklib
 * opens its dictionary on every call, and it is cracklib's code); the
 * breached list has fuzz_breached.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pwpolicy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

/* The next NUL-terminated field of buf (at most end), or NULL. */
static const char *
field(char **pos, char *end)
{
	char *start = *pos;

	if (start >= end)
		return NULL;
	*pos = start + strlen(start) + 1;
	return start;
}

static void
verdict_sane(const struct crm_pwverdict *v)
{
	size_t i, j;

	check(v->count <= CRM_PW_REASON_COUNT);
	for (i = 0; i < v->count; i++) {
		check((unsigned int)v->failures[i].reason <
		      CRM_PW_REASON_COUNT);
		check(v->failures[i].reason != CRM_PW_HISTORY);
		check(v->failures[i].message[0] != '\0');
		check(strlen(v->failures[i].message) < CRM_MSG_MAX);
		for (j = 0; j < i; j++)
			check(v->failures[j].reason != v->failures[i].reason);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crm_pwpolicy policy, none;
	struct crm_pwcontext ctx;
	struct crm_pwverdict v;
	char buf[4097], *pos = buf, *end;
	const char *pw;
	int rc;

	if (size >= sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	end = buf + size + 1;
	pw = field(&pos, end);
	memset(&ctx, 0, sizeof(ctx));
	ctx.user = field(&pos, end);
	ctx.department = field(&pos, end);
	ctx.old_password = field(&pos, end);

	crm_pwpolicy_defaults(&policy);
	policy.dictcheck = 0;
	policy.maxclassrepeat = 4;
	policy.difok = 3;
	rc = crm_pwpolicy_check(&policy, pw, &ctx, &v);
	check(rc == CRM_OK || rc == CRM_ENOMEM);
	if (rc != CRM_OK)
		check(v.count == 0);
	verdict_sane(&v);

	/* With every check off only "the same as the old one" is left. */
	memset(&none, 0, sizeof(none));
	rc = crm_pwpolicy_check(&none, pw, &ctx, &v);
	check(rc == CRM_OK || rc == CRM_ENOMEM);
	check(v.count == 0 ||
	      (v.count == 1 && v.failures[0].reason == CRM_PW_DIFOK &&
	       ctx.old_password != NULL));
	verdict_sane(&v);
	return 0;
}
