/*
 * test_rule.c - access rules: what parses, its one canonical text, what is
 * refused and why, and which requests a rule's WHERE covers.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <cmocka.h>

#include "core/rule.h"

/* 2026-01-01T00:00:00Z */
#define NOW_MS 1767225600000LL

/* line parses; its canonical text is want, which parses to itself. */
static void
assert_canonical(const char *line, const char *want)
{
	struct crm_rule rule, again;
	char err[256], text[CRM_RULE_MAX], text2[CRM_RULE_MAX];

	memset(err, 'x', sizeof(err));
	if (crm_rule_parse(line, NOW_MS, &rule, err, sizeof(err)) != CRM_OK)
		fail_msg("\"%s\" refused: %s", line, err);
	assert_string_equal(err, "");
	assert_int_equal(crm_rule_format(&rule, text, sizeof(text)), CRM_OK);
	assert_string_equal(text, want);
	assert_int_equal(crm_rule_parse(text, NOW_MS, &again, err,
					sizeof(err)), CRM_OK);
	assert_int_equal(crm_rule_format(&again, text2, sizeof(text2)),
			 CRM_OK);
	assert_string_equal(text2, want);
	assert_int_equal(again.from_ms, rule.from_ms);
	assert_int_equal(again.until_ms, rule.until_ms);
	assert_string_equal(again.hours, rule.hours);
	crm_rule_clear(&rule);
	crm_rule_clear(&again);
}

/* line is refused, and the reason holds because. */
static void
assert_refused(const char *line, const char *because)
{
	struct crm_rule rule;
	char err[256];

	memset(&rule, 'x', sizeof(rule));
	if (crm_rule_parse(line, NOW_MS, &rule, err, sizeof(err)) !=
	    CRM_INVALID)
		fail_msg("\"%s\" accepted", line);
	if (strstr(err, because) == NULL)
		fail_msg("\"%s\": \"%s\" does not say \"%s\"", line, err,
			 because);
	assert_null(rule.wheres);
	assert_int_equal(rule.nwheres, 0);
	assert_null(rule.services);
	assert_string_equal(rule.hours, "");
}

static void
parse_ok(const char *line, struct crm_rule *rule)
{
	char err[256];

	if (crm_rule_parse(line, NOW_MS, rule, err, sizeof(err)) != CRM_OK)
		fail_msg("\"%s\" refused: %s", line, err);
}

static void
every_shape_has_one_canonical_text(void **state)
{
	struct crm_rule rule;

	assert_canonical("allow user:alice 10.0.0.0/8",
			 "allow user:alice 10.0.0.0/8");
	assert_canonical("deny role:temps 192.0.2.7",
			 "deny role:temps 192.0.2.7/32");
	assert_canonical("allow * 2001:DB8:0:0::1",
			 "allow * 2001:db8::1/128");
	assert_canonical("allow * 2001:0db8:0000::/32",
			 "allow * 2001:db8::/32");
	assert_canonical("allow * *", "allow * *");
	assert_canonical("allow * *\r\n", "allow * *");
	assert_canonical("deny * 0.0.0.0/0,::/0", "deny * 0.0.0.0/0,::/0");
	assert_canonical("  allow\tuser:bob\tlocal,tty:tty[1-6],tty:pts/*  "
			 "service=sshd,login \t\n",
			 "allow user:bob local,tty:tty[1-6],tty:pts/* "
			 "service=sshd,login");
	/* Options in any order, written in one. */
	assert_canonical("allow * * tz=Europe/Berlin until=+1d service=crm "
			 "hours=Mo-Fr from=+1h",
			 "allow * * service=crm hours=Mo-Fr tz=Europe/Berlin "
			 "from=2026-01-01T01:00:00.000Z "
			 "until=2026-01-02T00:00:00.000Z");
	/* '#' is a comment only at the start of the line. */
	assert_canonical("allow user:a#b tty:#1", "allow user:a#b tty:#1");

	parse_ok("deny role:ops 10.0.0.0/8,local,tty:tty1,::1 service=a,b",
		 &rule);
	assert_int_equal(rule.action, CRM_RULE_DENY);
	assert_int_equal(rule.subject_kind, CRM_SUBJECT_ROLE);
	assert_string_equal(rule.subject, "ops");
	assert_int_equal(rule.nwheres, 4);
	assert_int_equal(rule.wheres[0].kind, CRM_WHERE_NET);
	assert_int_equal(rule.wheres[0].net.family, AF_INET);
	assert_int_equal(rule.wheres[0].prefix, 8);
	assert_int_equal(rule.wheres[1].kind, CRM_WHERE_LOCAL);
	assert_int_equal(rule.wheres[2].kind, CRM_WHERE_TTY);
	assert_string_equal(rule.wheres[2].tty, "tty1");
	assert_int_equal(rule.wheres[3].net.family, AF_INET6);
	assert_int_equal(rule.wheres[3].prefix, 128);
	assert_int_equal(rule.nservices, 2);
	assert_string_equal(rule.services[1], "b");
	assert_string_equal(rule.hours, "");
	assert_int_equal(rule.from_ms, 0);
	crm_rule_clear(&rule);

	parse_ok("allow * *", &rule);
	assert_int_equal(rule.subject_kind, CRM_SUBJECT_ANY);
	assert_string_equal(rule.subject, "");
	assert_int_equal(rule.wheres[0].kind, CRM_WHERE_ANY);
	assert_int_equal(rule.nservices, 0);
	crm_rule_clear(&rule);
}

static void
ipv4_mapped_networks_become_ipv4(void **state)
{
	assert_canonical("allow * ::ffff:10.0.0.0/104", "allow * 10.0.0.0/8");
	assert_canonical("allow * ::FFFF:192.0.2.7", "allow * 192.0.2.7/32");
	assert_refused("allow * ::ffff:10.0.0.0/104,10.0.0.0/8",
		       "\"10.0.0.0/8\" is twice in WHERE");
	assert_refused("allow * ::ffff:0.0.0.0/95",
		       "an IPv4-mapped network needs /96 or longer");
}

static void
blank_and_comment_lines_hold_no_rule(void **state)
{
	const char *lines[] = { "", "   ", "\t \n", "# allow * *",
				"   \t# deny * *", "\n" };
	struct crm_rule rule;
	char err[64];
	size_t i;

	for (i = 0; i < CRM_ARRAY_SIZE(lines); i++) {
		strcpy(err, "x");
		assert_int_equal(crm_rule_parse(lines[i], NOW_MS, &rule, err,
						sizeof(err)), CRM_NOTFOUND);
		assert_string_equal(err, "");
		assert_null(rule.wheres);
	}
	assert_refused("allow * * # not a comment", "unexpected \"#\"");
}

static void
hours_run_to_the_next_option_or_are_quoted(void **state)
{
	struct crm_rule rule;

	parse_ok("allow * * hours=Mo-Fr 08:00-19:00,Sa 09:00-12:00 "
		 "tz=Europe/Berlin", &rule);
	assert_string_equal(rule.hours, "Mo-Fr 08:00-19:00,Sa 09:00-12:00");
	assert_string_equal(rule.tz, "Europe/Berlin");
	crm_rule_clear(&rule);

	parse_ok("allow * * hours=\"Mo-Fr 08:00-19:00,Sa 09:00-12:00\" "
		 "tz=UTC", &rule);
	assert_string_equal(rule.hours, "Mo-Fr 08:00-19:00,Sa 09:00-12:00");
	assert_string_equal(rule.tz, "UTC");
	crm_rule_clear(&rule);

	/* Quotes keep an option-like token inside the value. */
	parse_ok("allow * * hours=\"Mo tz=x\"", &rule);
	assert_string_equal(rule.hours, "Mo tz=x");
	assert_string_equal(rule.tz, "");
	crm_rule_clear(&rule);

	/* Only known option words end a value; trimmed, tabs are spaces. */
	parse_ok("allow * * hours=  Mo\t08:00-09:00 foo=bar  ", &rule);
	assert_string_equal(rule.hours, "Mo 08:00-09:00 foo=bar");
	crm_rule_clear(&rule);

	assert_canonical("allow * * hours=Mo-Fr 08:00-19:00 service=crm",
			 "allow * * service=crm hours=\"Mo-Fr 08:00-19:00\"");
	assert_canonical("allow * * hours=\"Mo-Fr\"",
			 "allow * * hours=Mo-Fr");
	assert_canonical("allow * * hours=\" Mo 08:00-09:00 \" tz=UTC",
			 "allow * * hours=\"Mo 08:00-09:00\" tz=UTC");

	assert_refused("allow * * hours=\"Mo-Fr 08:00", "no closing '\"'");
	assert_refused("allow * * hours=\"Mo\"x", "\"x\" after the closing");
	assert_refused("allow * * hours=Mo\"Fr", "'\"' inside a value");
	assert_refused("allow * * hours= tz=UTC", "hours= without a value");
	assert_refused("allow * * hours=\"\"", "hours= without a value");
	assert_refused("allow * * tz=Europe/Berlin x", "tz=Europe/Berlin x "
		       "holds a blank");
}

static void
from_and_until_are_relative_or_absolute(void **state)
{
	struct crm_rule rule;

	parse_ok("allow * * from=+2h until=+7d", &rule);
	assert_int_equal(rule.from_ms, NOW_MS + 2 * 3600 * 1000LL);
	assert_int_equal(rule.until_ms, NOW_MS + 7 * 86400 * 1000LL);
	crm_rule_clear(&rule);

	parse_ok("allow * * from=2026-01-31T18:00:00Z "
		 "until=2026-02-28 18:00", &rule);	/* TZ=UTC (main) */
	assert_int_equal(rule.from_ms, 1769882400000LL);
	assert_int_equal(rule.until_ms, 1772301600000LL);
	crm_rule_clear(&rule);

	parse_ok("allow * * until=+45s", &rule);
	assert_int_equal(rule.from_ms, 0);
	assert_int_equal(rule.until_ms, NOW_MS + 45000);
	crm_rule_clear(&rule);

	assert_canonical("deny user:x * until=2026-02-28 18:00 "
			 "from=2026-01-31T18:00:00.25Z",
			 "deny user:x * from=2026-01-31T18:00:00.250Z "
			 "until=2026-02-28T18:00:00.000Z");

	assert_refused("allow * * from=+2h until=+1h",
		       "from=2026-01-01T02:00:00.000Z is not before "
		       "until=2026-01-01T01:00:00.000Z");
	assert_refused("allow * * from=+1h until=+60m", "is not before");
	assert_refused("allow * * from=yesterday", "from=yesterday is not a "
		       "time");
	assert_refused("allow * * until=1970-01-01T00:00:00Z",
		       "is outside 1970-01-01T00:00:00.001Z");
}

static void
the_time_of_a_rule_keeps_its_milliseconds(void **state)
{
	struct crm_rule rule, again;
	char text[CRM_RULE_MAX], err[128];

	assert_int_equal(crm_rule_parse("allow * * until=+2h", NOW_MS + 123,
					&rule, err, sizeof(err)), CRM_OK);
	assert_int_equal(crm_rule_format(&rule, text, sizeof(text)), CRM_OK);
	assert_string_equal(text,
			    "allow * * until=2026-01-01T02:00:00.123Z");
	assert_int_equal(crm_rule_parse(text, 0, &again, err, sizeof(err)),
			 CRM_OK);
	assert_int_equal(again.until_ms, rule.until_ms);
	crm_rule_clear(&rule);
	crm_rule_clear(&again);
}

static void
malformed_networks_are_refused_with_the_reason(void **state)
{
	assert_refused("allow * 10.0.0.0/33",
		       "\"10.0.0.0/33\": /33 is longer than an IPv4 address");
	assert_refused("allow * 10.0.0",
		       "\"10.0.0\" is not an address, a network");
	assert_refused("allow * ::1/129",
		       "\"::1/129\": /129 is longer than an IPv6 address");
	assert_refused("allow * 10.0.0.1/8",
		       "\"10.0.0.1/8\" has bits set past its length (the "
		       "network is 10.0.0.0/8)");
	assert_refused("allow * 2001:db8::1/32",
		       "(the network is 2001:db8::/32)");
	assert_refused("allow * 10.0.0.0/8x",
		       "\"10.0.0.0/8x\": the length after '/' must be a "
		       "decimal number");
	assert_refused("allow * 10.0.0.0/08", "the length after '/'");
	assert_refused("allow * host.example.com",
		       "\"host.example.com\" is not an address");
	assert_refused("allow * [::1]", "\"[::1]\" is not an address");
	assert_refused("allow * fe80::1%eth0", "is not an address");
}

static void
malformed_rules_are_refused_with_the_reason(void **state)
{
	char tty[80], line[200];

	assert_refused("permit * *", "\"permit\" is not an action");
	assert_refused("Allow * *", "\"Allow\" is not an action");
	assert_refused("allow", "missing SUBJECT");
	assert_refused("allow group:x *", "\"group:x\" is not a subject");
	assert_refused("allow user: *", "\"user:\" names no one");
	assert_refused("allow user:a,b *", "without commas");
	assert_refused("allow *", "missing WHERE");
	assert_refused("allow * service=sshd",
		       "missing WHERE before \"service=sshd\"");
	assert_refused("allow * 10.0.0.0/8,", "an empty entry in WHERE");
	assert_refused("allow * ,local", "an empty entry in WHERE");
	assert_refused("allow * *,local", "must stand alone");
	assert_refused("allow * local,*", "must stand alone");
	assert_refused("allow * local,local", "\"local\" is twice");
	assert_refused("allow * 192.0.2.7,192.0.2.7/32",
		       "\"192.0.2.7/32\" is twice");
	assert_refused("allow * tty:tty1,tty:tty1", "\"tty:tty1\" is twice");
	assert_refused("allow * * color=red", "unknown option \"color=\"");
	assert_refused("allow * * Service=a", "unknown option \"Service=\"");
	assert_refused("allow * * tz=UTC tz=UTC", "tz= given twice");
	assert_refused("allow * * service=a service=b",
		       "service= given twice");
	assert_refused("allow * * extra", "unexpected \"extra\"");
	assert_refused("allow * * service=a,,b", "an empty name");
	assert_refused("allow * * service=a, b", "service=a, b holds a blank");
	assert_refused("allow * * service=a,a", "\"a\" is twice");
	assert_refused("allow * tty:", "a tty pattern is 1 to 64");
	assert_refused("allow * tty:\xc3\xa9", "printable ASCII");
	assert_refused("allow * * hours=Mo\x01", "a control character at "
		       "byte 19");
	assert_refused("allow user:\xff *", "not valid UTF-8 at byte 12");

	/* 64 bytes of pattern are enough; 65 are refused. */
	memset(tty, 'x', 64);
	tty[64] = '\0';
	snprintf(line, sizeof(line), "allow * tty:%s", tty);
	assert_canonical(line, line);
	strcat(tty, "y");
	snprintf(line, sizeof(line), "allow * tty:%s", tty);
	assert_refused(line, "a tty pattern is 1 to 64 characters");
}

static void
errors_show_at_most_64_bytes_of_a_token(void **state)
{
	struct crm_rule rule;
	char line[600], err[512], run[66];

	memset(run, 'a', 65);
	run[65] = '\0';
	snprintf(line, sizeof(line), "allow * %s%s", run, run);
	assert_int_equal(crm_rule_parse(line, NOW_MS, &rule, err,
					sizeof(err)), CRM_INVALID);
	assert_null(strstr(err, run));
	assert_non_null(strstr(err, "aaaa...\""));

	/* Cut at a character, never inside one: "é" at bytes 63 and 64
	 * of the token. */
	memset(line, 0, sizeof(line));
	strcpy(line, "allow user:");
	memset(line + 11, 'b', 58);
	strcat(line, "\xc3\xa9,x *");
	assert_int_equal(crm_rule_parse(line, NOW_MS, &rule, err,
					sizeof(err)), CRM_INVALID);
	assert_non_null(strstr(err, "bbb...\""));
	assert_null(strstr(err, "\xc3"));

	/* A too small error buffer still gets a terminated prefix. */
	assert_int_equal(crm_rule_parse("permit * *", NOW_MS, &rule, err, 8),
			 CRM_INVALID);
	assert_string_equal(err, "\"permit");
	assert_int_equal(crm_rule_parse("permit * *", NOW_MS, &rule, NULL,
					0), CRM_INVALID);
}

static void
lines_and_their_texts_are_bounded(void **state)
{
	struct crm_rule rule;
	char *line, text[32], err[128];
	size_t i, len;

	/* Bare addresses ("1000::") up to 4094 bytes as written: too long
	 * written out with their lengths ("1000::/128"). */
	line = malloc(CRM_RULE_MAX + 16);
	assert_non_null(line);
	strcpy(line, "allow * ");
	len = strlen(line);
	for (i = 0; len + 8 < CRM_RULE_MAX - 1; i++) {
		len += (size_t)sprintf(line + len, "%s%x::", i ? "," : "",
				       (unsigned int)(i % 15 + 1) << 12 |
				       (unsigned int)(i / 15));
	}
	assert_int_equal(crm_rule_parse(line, NOW_MS, &rule, err,
					sizeof(err)), CRM_INVALID);
	assert_non_null(strstr(err, "written out in full"));

	memset(line, ' ', CRM_RULE_MAX);
	memcpy(line, "allow * *", 9);
	line[CRM_RULE_MAX] = '\0';
	assert_int_equal(crm_rule_parse(line, NOW_MS, &rule, err,
					sizeof(err)), CRM_INVALID);
	assert_non_null(strstr(err, "a rule is at most 4095 bytes"));
	free(line);

	/* Too small an output is refused, not cut. */
	parse_ok("allow user:alice 10.0.0.0/8", &rule);
	assert_int_equal(crm_rule_format(&rule, text, 27), CRM_INVALID);
	assert_string_equal(text, "");
	assert_int_equal(crm_rule_format(&rule, text, 28), CRM_OK);
	crm_rule_clear(&rule);
}

/* The rule line's WHERE covers rhost/tty (1) or not (0). */
static void
assert_covers(const char *line, const char *rhost, const char *tty,
	      int want)
{
	struct crm_rule rule;

	parse_ok(line, &rule);
	if (crm_rule_where_matches(&rule, rhost, tty) != want)
		fail_msg("\"%s\" %s rhost %s tty %s", line,
			 want ? "misses" : "covers", rhost ? rhost : "NULL",
			 tty ? tty : "NULL");
	crm_rule_clear(&rule);
}

static void
ipv4_networks_cover_their_boundaries(void **state)
{
	assert_covers("allow * 0.0.0.0/0", "0.0.0.0", NULL, 1);
	assert_covers("allow * 0.0.0.0/0", "255.255.255.255", NULL, 1);
	assert_covers("allow * 0.0.0.0/0", "2001:db8::1", NULL, 0);
	assert_covers("allow * 0.0.0.0/0", NULL, NULL, 0);
	assert_covers("allow * 10.0.0.0/8", "10.0.0.0", NULL, 1);
	assert_covers("allow * 10.0.0.0/8", "10.255.255.255", NULL, 1);
	assert_covers("allow * 10.0.0.0/8", "11.0.0.0", NULL, 0);
	assert_covers("allow * 10.0.0.0/8", "9.255.255.255", NULL, 0);
	assert_covers("allow * 192.0.2.6/31", "192.0.2.6", NULL, 1);
	assert_covers("allow * 192.0.2.6/31", "192.0.2.7", NULL, 1);
	assert_covers("allow * 192.0.2.6/31", "192.0.2.5", NULL, 0);
	assert_covers("allow * 192.0.2.6/31", "192.0.2.8", NULL, 0);
	assert_covers("allow * 192.0.2.7", "192.0.2.7", NULL, 1);
	assert_covers("allow * 192.0.2.7/32", "192.0.2.6", NULL, 0);
	assert_covers("allow * 192.0.2.7/32", "192.0.2.8", NULL, 0);
	/* A mapped source is its IPv4 address, in any spelling. */
	assert_covers("allow * 10.0.0.0/8", "::ffff:10.1.2.3", NULL, 1);
	assert_covers("allow * 10.0.0.0/8", "[::FFFF:a01:203]", NULL, 1);
	assert_covers("allow * ::ffff:10.0.0.0/104", "10.1.2.3", NULL, 1);
}

static void
ipv6_networks_cover_their_boundaries(void **state)
{
	const char *net64 = "allow * 2001:db8:1:2::/64";
	const char *net127 = "allow * 2001:db8::2/127";

	assert_covers(net64, "2001:db8:1:2::", NULL, 1);
	assert_covers(net64, "2001:db8:1:2:ffff:ffff:ffff:ffff", NULL, 1);
	assert_covers(net64, "2001:db8:1:1:ffff:ffff:ffff:ffff", NULL, 0);
	assert_covers(net64, "2001:db8:1:3::", NULL, 0);
	assert_covers(net64, "fe80::1%eth0", NULL, 0);
	assert_covers("allow * fe80::/64", "fe80::1%eth0", NULL, 1);
	assert_covers(net127, "2001:db8::2", NULL, 1);
	assert_covers(net127, "2001:db8::3", NULL, 1);
	assert_covers(net127, "2001:db8::1", NULL, 0);
	assert_covers(net127, "2001:db8::4", NULL, 0);
	assert_covers("allow * 2001:db8::1/128", "2001:db8::1", NULL, 1);
	assert_covers("allow * 2001:db8::1", "2001:0DB8::0001", NULL, 1);
	assert_covers("allow * 2001:db8::1/128", "2001:db8::", NULL, 0);
	assert_covers("allow * 2001:db8::1/128", "2001:db8::2", NULL, 0);
	assert_covers("allow * ::/0", "10.0.0.1", NULL, 0);
	assert_covers("allow * ::/0", "::ffff:10.0.0.1", NULL, 0);
}

static void
host_names_and_local_logins_are_never_in_a_network(void **state)
{
	assert_covers("allow * 0.0.0.0/0,::/0", "example.com", NULL, 0);
	assert_covers("allow * 10.0.0.0/8", "10.0.0.1.example.com", NULL, 0);
	assert_covers("allow * 0.0.0.0/0,::/0", "", NULL, 0);
	assert_covers("allow * local", NULL, NULL, 1);
	assert_covers("allow * local", "", NULL, 1);
	assert_covers("allow * local", "", "tty1", 1);
	assert_covers("allow * local", "127.0.0.1", NULL, 0);
	assert_covers("allow * local", "localhost", NULL, 0);
	assert_covers("allow * *", NULL, NULL, 1);
	assert_covers("allow * *", "example.com", NULL, 1);
	assert_covers("allow * *", "2001:db8::1", "pts/0", 1);
}

static void
tty_patterns_are_globs(void **state)
{
	assert_covers("allow * tty:tty[1-6]", NULL, "tty1", 1);
	assert_covers("allow * tty:tty[1-6]", NULL, "tty6", 1);
	assert_covers("allow * tty:tty[1-6]", NULL, "tty7", 0);
	assert_covers("allow * tty:tty[1-6]", NULL, "tty10", 0);
	assert_covers("allow * tty:tty[1-6]", NULL, "/dev/tty3", 1);
	assert_covers("allow * tty:tty*", NULL, "ttyS0", 1);
	assert_covers("allow * tty:tty*", NULL, "pts/0", 0);
	assert_covers("allow * tty:pts/*", "192.0.2.7", "pts/12", 1);
	assert_covers("allow * tty:pts/*", NULL, "/dev/pts/0", 1);
	assert_covers("allow * tty:pts/*", NULL, "tty1", 0);
	assert_covers("allow * tty:tty1", NULL, NULL, 0);
	assert_covers("allow * tty:*", NULL, "", 0);
	assert_covers("allow * tty:*", NULL, "ssh", 1);
	/* Entries are alternatives. */
	assert_covers("allow * 10.0.0.0/8,tty:tty1", "192.0.2.7", "tty1", 1);
	assert_covers("allow * 10.0.0.0/8,tty:tty1", "10.0.0.9", "pts/1", 1);
	assert_covers("allow * 10.0.0.0/8,tty:tty1", "192.0.2.7", "pts/1",
		      0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_shape_has_one_canonical_text),
		cmocka_unit_test(ipv4_mapped_networks_become_ipv4),
		cmocka_unit_test(blank_and_comment_lines_hold_no_rule),
		cmocka_unit_test(hours_run_to_the_next_option_or_are_quoted),
		cmocka_unit_test(from_and_until_are_relative_or_absolute),
		cmocka_unit_test(the_time_of_a_rule_keeps_its_milliseconds),
		cmocka_unit_test(malformed_networks_are_refused_with_the_reason),
		cmocka_unit_test(malformed_rules_are_refused_with_the_reason),
		cmocka_unit_test(errors_show_at_most_64_bytes_of_a_token),
		cmocka_unit_test(lines_and_their_texts_are_bounded),
		cmocka_unit_test(ipv4_networks_cover_their_boundaries),
		cmocka_unit_test(ipv6_networks_cover_their_boundaries),
		cmocka_unit_test(host_names_and_local_logins_are_never_in_a_network),
		cmocka_unit_test(tty_patterns_are_globs),
	};

	/* "2026-02-28 18:00" is local time: make it UTC here. */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
