/*
 * test_addr.c - one spelling per source address, counting per IPv6
 * prefix, host names left alone, and CIDR matching.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "core/addr.h"

static void
assert_canonical(const char *rhost, int rc, const char *want)
{
	char out[CRM_RHOST_MAX];

	memset(out, 'x', sizeof(out));
	assert_int_equal(crm_addr_canonical(rhost, out, sizeof(out)), rc);
	assert_string_equal(out, want);
}

static void
assert_key(const char *rhost, unsigned int prefix, int rc, const char *want)
{
	char out[CRM_RHOST_MAX];

	memset(out, 'x', sizeof(out));
	assert_int_equal(crm_addr_counting_key(rhost, prefix, out,
					       sizeof(out)), rc);
	assert_string_equal(out, want);
}

static void
every_spelling_of_an_ipv4_source_is_one(void **state)
{
	assert_canonical("10.9.9.9", CRM_OK, "10.9.9.9");
	assert_canonical("::ffff:10.9.9.9", CRM_OK, "10.9.9.9");
	assert_canonical("::FFFF:10.9.9.9", CRM_OK, "10.9.9.9");
	assert_canonical("0:0:0:0:0:ffff:a09:909", CRM_OK, "10.9.9.9");
	assert_canonical("[::ffff:10.9.9.9]", CRM_OK, "10.9.9.9");
	assert_key("::ffff:10.9.9.9", 64, CRM_OK, "10.9.9.9");
	assert_key("10.9.9.9", 0, CRM_OK, "10.9.9.9");
}

static void
ipv6_is_written_as_rfc5952_says(void **state)
{
	/* Of two equal zero runs the first is compressed (RFC 5952 4.2.3). */
	assert_canonical("2001:DB8:0:0:1::1", CRM_OK, "2001:db8::1:0:0:1");
	assert_canonical("2001:db8:0:0:0:1:0:1", CRM_OK, "2001:db8::1:0:1");
	assert_canonical("2001:0db8:0000:0000:0000:0000:0000:0001", CRM_OK,
			 "2001:db8::1");
	assert_canonical("[2001:db8::1]", CRM_OK, "2001:db8::1");
	assert_canonical("::1", CRM_OK, "::1");
	/* A zone says which link: kept as given, after the address. */
	assert_canonical("FE80::0:1%eth0", CRM_OK, "fe80::1%eth0");
	assert_canonical("[fe80::1%2]", CRM_OK, "fe80::1%2");
}

static void
ipv6_sources_count_per_prefix(void **state)
{
	assert_key("2001:db8:1:2::5", 64, CRM_OK, "2001:db8:1:2::/64");
	assert_key("2001:DB8:1:2:aaaa:bbbb:cccc:dddd", 64, CRM_OK,
		   "2001:db8:1:2::/64");
	assert_key("2001:db8:1:3::5", 64, CRM_OK, "2001:db8:1:3::/64");
	assert_key("2001:db8:1:2::5", 128, CRM_OK, "2001:db8:1:2::5/128");
	assert_key("2001:db8:1:2::6", 128, CRM_OK, "2001:db8:1:2::6/128");
	assert_key("2001:db8:1:2::5", 56, CRM_OK, "2001:db8:1::/56");
	assert_key("2001:db8:1:2::5", 0, CRM_OK, "::/0");
	assert_key("fe80::1%eth0", 64, CRM_OK, "fe80::%eth0/64");
	assert_key("2001:db8::1", 129, CRM_INVALID, "");
}

static void
host_names_stay_as_given(void **state)
{
	assert_canonical("crm.example.com", CRM_NOTFOUND, "crm.example.com");
	assert_canonical("CRM.Example.COM", CRM_NOTFOUND, "CRM.Example.COM");
	assert_key("crm.example.com", 64, CRM_NOTFOUND, "crm.example.com");
	/* glibc's inet_pton refuses leading zeros, which inet_aton would
	 * read as octal: not an address, so never a CIDR match. */
	assert_canonical("010.009.009.009", CRM_NOTFOUND, "010.009.009.009");
	assert_canonical("10.9.9.9.", CRM_NOTFOUND, "10.9.9.9.");
	assert_canonical("1.2.3", CRM_NOTFOUND, "1.2.3");
	assert_canonical("::ffff:1.2.3.4.5", CRM_NOTFOUND, "::ffff:1.2.3.4.5");
	assert_canonical("10.9.9.9 ", CRM_NOTFOUND, "10.9.9.9 ");
	assert_canonical(" 10.9.9.9", CRM_NOTFOUND, " 10.9.9.9");
	assert_canonical("[10.9.9.9]", CRM_NOTFOUND, "[10.9.9.9]");
	assert_canonical("[::1", CRM_NOTFOUND, "[::1");
	assert_canonical("10.9.9.9%eth0", CRM_NOTFOUND, "10.9.9.9%eth0");
	assert_canonical("::ffff:10.9.9.9%eth0", CRM_NOTFOUND,
			 "::ffff:10.9.9.9%eth0");
	assert_canonical("fe80::1%", CRM_NOTFOUND, "fe80::1%");
	assert_canonical("fe80::1%eth0/1", CRM_NOTFOUND, "fe80::1%eth0/1");
	assert_canonical("2001:db8::1/64", CRM_NOTFOUND, "2001:db8::1/64");
}

static void
unusable_text_is_refused(void **state)
{
	char longest[CRM_RHOST_MAX + 1];
	char too_long[300];
	char small[8];

	memset(too_long, 'a', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	assert_canonical(too_long, CRM_INVALID, "");
	assert_key(too_long, 64, CRM_INVALID, "");
	memset(longest, '1', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	assert_canonical(longest, CRM_INVALID, "");
	/* CRM_RHOST_MAX - 1 bytes is the longest source accepted. */
	longest[sizeof(longest) - 2] = '\0';
	assert_canonical(longest, CRM_NOTFOUND, longest);

	assert_canonical("", CRM_INVALID, "");
	assert_canonical(NULL, CRM_INVALID, "");
	assert_canonical("10.9.9.9\n", CRM_INVALID, "");
	assert_canonical("host\tname", CRM_INVALID, "");

	/* A buffer too small is an error, never a truncated key. */
	assert_int_equal(crm_addr_canonical("10.9.9.9", small, sizeof(small)),
			 CRM_INVALID);
	assert_string_equal(small, "");
	assert_int_equal(crm_addr_counting_key("2001:db8::1", 64, small,
					       sizeof(small)), CRM_INVALID);
	assert_int_equal(crm_addr_canonical("example.com", small,
					    sizeof(small)), CRM_INVALID);
}

static void
cidr_rules_match_by_prefix(void **state)
{
	struct crm_addr addr, net;
	unsigned int prefix;

	assert_int_equal(crm_addr_parse_cidr("10.0.0.0/8", &net, &prefix),
			 CRM_OK);
	assert_int_equal(net.family, AF_INET);
	assert_int_equal(prefix, 8);
	assert_int_equal(crm_addr_parse("10.200.1.1", &addr), CRM_OK);
	assert_true(crm_addr_in_prefix(&addr, &net, prefix));
	/* An IPv4-mapped source matches the IPv4 rule. */
	assert_int_equal(crm_addr_parse("::ffff:10.200.1.1", &addr), CRM_OK);
	assert_int_equal(addr.family, AF_INET);
	assert_true(crm_addr_in_prefix(&addr, &net, prefix));
	assert_int_equal(crm_addr_parse("11.0.0.1", &addr), CRM_OK);
	assert_false(crm_addr_in_prefix(&addr, &net, prefix));

	assert_int_equal(crm_addr_parse_cidr("2001:db8:1::/48", &net,
					     &prefix), CRM_OK);
	assert_int_equal(crm_addr_parse("2001:db8:1:ffff::1", &addr), CRM_OK);
	assert_true(crm_addr_in_prefix(&addr, &net, prefix));
	assert_int_equal(crm_addr_parse("2001:db8:2::1", &addr), CRM_OK);
	assert_false(crm_addr_in_prefix(&addr, &net, prefix));
	/* No family crosses over. */
	assert_int_equal(crm_addr_parse("10.0.0.1", &addr), CRM_OK);
	assert_false(crm_addr_in_prefix(&addr, &net, prefix));

	/* Odd lengths compare the partial byte. */
	assert_int_equal(crm_addr_parse_cidr("192.168.4.0/22", &net, &prefix),
			 CRM_OK);
	assert_int_equal(crm_addr_parse("192.168.7.255", &addr), CRM_OK);
	assert_true(crm_addr_in_prefix(&addr, &net, prefix));
	assert_int_equal(crm_addr_parse("192.168.8.0", &addr), CRM_OK);
	assert_false(crm_addr_in_prefix(&addr, &net, prefix));

	/* Bare addresses are host rules; /0 matches its whole family. */
	assert_int_equal(crm_addr_parse_cidr("2001:db8::1", &net, &prefix),
			 CRM_OK);
	assert_int_equal(prefix, 128);
	assert_int_equal(crm_addr_parse_cidr("0.0.0.0/0", &net, &prefix),
			 CRM_OK);
	assert_true(crm_addr_in_prefix(&addr, &net, prefix));

	/* A mapped rule is an IPv4 rule. */
	assert_int_equal(crm_addr_parse_cidr("::ffff:192.168.0.0/112", &net,
					     &prefix), CRM_OK);
	assert_int_equal(net.family, AF_INET);
	assert_int_equal(prefix, 16);
	assert_true(crm_addr_in_prefix(&addr, &net, prefix));

	/* Host names never parse, so never match. */
	assert_int_equal(crm_addr_parse("crm.example.com", &addr),
			 CRM_NOTFOUND);
	assert_int_equal(addr.family, 0);
	assert_int_equal(crm_addr_parse("", &addr), CRM_INVALID);
}

static void
malformed_cidr_rules_are_refused(void **state)
{
	static const char *const bad[] = {
		"10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/08",
		"10.0.0.0/+8", "10.0.0.0/8 ", "10.0.0.0/8/8", "2001:db8::/129",
		"::ffff:10.0.0.0/95", "[2001:db8::]/32", "fe80::%eth0/64",
		"010.0.0.0/8", "example.com/8", "", "/8",
		"2001:db8:0:0:0:0:0:0:0/64",
	};
	struct crm_addr net;
	unsigned int prefix;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		prefix = 99;
		assert_int_equal(crm_addr_parse_cidr(bad[i], &net, &prefix),
				 CRM_INVALID);
		assert_int_equal(prefix, 0);
		assert_int_equal(net.family, 0);
	}
	assert_int_equal(crm_addr_parse_cidr(NULL, &net, &prefix),
			 CRM_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_spelling_of_an_ipv4_source_is_one),
		cmocka_unit_test(ipv6_is_written_as_rfc5952_says),
		cmocka_unit_test(ipv6_sources_count_per_prefix),
		cmocka_unit_test(host_names_stay_as_given),
		cmocka_unit_test(unusable_text_is_refused),
		cmocka_unit_test(cidr_rules_match_by_prefix),
		cmocka_unit_test(malformed_cidr_rules_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
