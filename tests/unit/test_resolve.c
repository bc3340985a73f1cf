/*
 * test_resolve.c - what crm_resolve_confirmed refuses before it asks any
 * resolver: no name, a name no client can send, no room, no time.  What
 * it answers for real names (confirmed, an alias, several addresses, a
 * silent name server) is tests/pam/test_access_resolve.c, in namespaces
 * of its own.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/resolve.h"

static int
resolve(const char *name, unsigned int timeout_ms, size_t max,
	size_t *count, char *err, size_t errlen)
{
	struct crm_addr addrs[CRM_RESOLVE_MAX];

	*count = 99;
	return crm_resolve_confirmed(name, timeout_ms, addrs, max, count, err,
				     errlen);
}

static void
refused_without_a_lookup(void **state)
{
	char long_name[CRM_RHOST_MAX + 1];
	char err[256];
	size_t count;

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(resolve(NULL, 500, 4, &count, err, sizeof(err)),
			 CRM_INVALID);
	assert_int_equal(count, 0);
	assert_true(err[0] != '\0');
	assert_int_equal(resolve("", 500, 4, &count, err, sizeof(err)),
			 CRM_INVALID);
	assert_int_equal(resolve("bad\nname.test", 500, 4, &count, err,
				 sizeof(err)), CRM_INVALID);
	assert_int_equal(resolve(long_name, 500, 4, &count, err, sizeof(err)),
			 CRM_INVALID);
	assert_int_equal(resolve("crm-desk.test", 0, 4, &count, err,
				 sizeof(err)), CRM_INVALID);
	assert_int_equal(resolve("crm-desk.test", 500, 0, &count, err,
				 sizeof(err)), CRM_INVALID);
	assert_int_equal(count, 0);
	/* No room for the reason is no reason to fail otherwise. */
	assert_int_equal(resolve("", 500, 4, &count, NULL, 0), CRM_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_without_a_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
