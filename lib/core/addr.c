/*
 * addr.c - canonical source addresses, counting keys and CIDR matching.
 *
 * Parsing is inet_pton's and printing inet_ntop's, so that an address has
 * exactly the spelling the C library gives it everywhere (log, audit row,
 * counter record, `crmauth lockout reset --rhost`).  What this file adds
 * is only what inet_pton does not know: brackets, zones and IPv4-mapped
 * addresses.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/addr.h"

/* "ADDR/128": the longest network text parse_cidr accepts. */
#define CIDR_TEXT_MAX	(INET6_ADDRSTRLEN + 4)

static const unsigned char v4_mapped_head[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static int
is_v4_mapped(const unsigned char bytes[16])
{
	return memcmp(bytes, v4_mapped_head, sizeof(v4_mapped_head)) == 0;
}

static unsigned int
family_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static size_t
family_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* Clear every bit past the first prefix bits. */
static void
mask_bytes(unsigned char *bytes, size_t len, unsigned int prefix)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (prefix >= 8) {
			prefix -= 8;
			continue;
		}
		bytes[i] &= (unsigned char)(0xff00 >> prefix);
		prefix = 0;
	}
}

/*
 * A zone names an interface (or its index).  Only the characters an
 * interface name is made of: a zone goes into logs and counter keys, and
 * "%" followed by anything else is more likely a trick than a link.
 */
static int
valid_zone(const char *zone)
{
	size_t len = strlen(zone);
	const char *p;

	if (len == 0 || len >= CRM_ADDR_ZONE_MAX)
		return 0;
	for (p = zone; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		      *p == '-'))
			return 0;
	}
	return 1;
}

/*
 * Parse rhost into *addr and zone (CRM_ADDR_ZONE_MAX bytes, "" when none).
 * CRM_OK for an address, CRM_NOTFOUND for a host name, CRM_INVALID for
 * text no source can have.
 */
static int
parse_literal(const char *rhost, struct crm_addr *addr, char *zone)
{
	char buf[CRM_RHOST_MAX];
	unsigned char bytes[16];
	char *text = buf, *percent;
	size_t len;
	int bracketed = 0;

	memset(addr, 0, sizeof(*addr));
	zone[0] = '\0';
	if (!crm_valid_name(rhost, CRM_RHOST_MAX, 0))
		return CRM_INVALID;
	len = strlen(rhost);
	memcpy(buf, rhost, len + 1);

	if (buf[0] == '[') {
		if (len < 3 || buf[len - 1] != ']')
			return CRM_NOTFOUND;
		buf[len - 1] = '\0';
		text = buf + 1;
		bracketed = 1;
	}
	percent = strchr(text, '%');
	if (percent != NULL) {
		*percent = '\0';
		if (!valid_zone(percent + 1))
			return CRM_NOTFOUND;
	}

	if (inet_pton(AF_INET, text, bytes) == 1) {
		/* Neither brackets nor zones belong to IPv4. */
		if (bracketed || percent != NULL)
			return CRM_NOTFOUND;
		addr->family = AF_INET;
		memcpy(addr->bytes, bytes, 4);
		return CRM_OK;
	}
	if (inet_pton(AF_INET6, text, bytes) != 1)
		return CRM_NOTFOUND;
	if (is_v4_mapped(bytes)) {
		/* The mapped IPv4 address is one host on the IPv4 side; a
		 * zone cannot apply to it. */
		if (percent != NULL)
			return CRM_NOTFOUND;
		addr->family = AF_INET;
		memcpy(addr->bytes, bytes + 12, 4);
		return CRM_OK;
	}
	addr->family = AF_INET6;
	memcpy(addr->bytes, bytes, 16);
	if (percent != NULL)
		memcpy(zone, percent + 1, strlen(percent + 1) + 1);
	return CRM_OK;
}

/* ADDR[%ZONE][/PREFIX]; prefix < 0: none. */
static int
format_addr(const struct crm_addr *addr, const char *zone, int prefix,
	    char *out, size_t outlen)
{
	char text[INET6_ADDRSTRLEN];
	char len_text[16] = "";
	int n;

	if (inet_ntop(addr->family, addr->bytes, text, sizeof(text)) == NULL)
		return CRM_INVALID;
	if (prefix >= 0)
		snprintf(len_text, sizeof(len_text), "/%d", prefix);
	n = snprintf(out, outlen, "%s%s%s%s", text, zone[0] ? "%" : "", zone,
		     len_text);
	if (n < 0 || (size_t)n >= outlen)
		return CRM_INVALID;
	return CRM_OK;
}

/* A host name goes out as given.  memmove: out may be rhost itself. */
static int
copy_name(const char *rhost, char *out, size_t outlen)
{
	size_t len = strlen(rhost);

	if (len >= outlen)
		return CRM_INVALID;
	memmove(out, rhost, len + 1);
	return CRM_NOTFOUND;
}

static void
clear_out(char *out, size_t outlen)
{
	if (out != NULL && outlen > 0)
		out[0] = '\0';
}

int
crm_addr_canonical(const char *rhost, char *out, size_t outlen)
{
	struct crm_addr addr;
	char zone[CRM_ADDR_ZONE_MAX];
	int rc;

	if (out == NULL || outlen == 0)
		return CRM_INVALID;
	rc = parse_literal(rhost, &addr, zone);
	if (rc == CRM_OK)
		rc = format_addr(&addr, zone, -1, out, outlen);
	else if (rc == CRM_NOTFOUND)
		rc = copy_name(rhost, out, outlen);
	if (rc == CRM_INVALID)
		clear_out(out, outlen);
	return rc;
}

int
crm_addr_counting_key(const char *rhost, unsigned int v6_prefix,
		      char *out, size_t outlen)
{
	struct crm_addr addr;
	char zone[CRM_ADDR_ZONE_MAX];
	int rc;

	if (out == NULL || outlen == 0)
		return CRM_INVALID;
	if (v6_prefix > 128) {
		rc = CRM_INVALID;
		goto out;
	}
	rc = parse_literal(rhost, &addr, zone);
	if (rc == CRM_NOTFOUND) {
		rc = copy_name(rhost, out, outlen);
		goto out;
	}
	if (rc != CRM_OK)
		goto out;
	if (addr.family == AF_INET) {
		rc = format_addr(&addr, zone, -1, out, outlen);
		goto out;
	}
	mask_bytes(addr.bytes, sizeof(addr.bytes), v6_prefix);
	rc = format_addr(&addr, zone, (int)v6_prefix, out, outlen);
out:
	if (rc == CRM_INVALID)
		clear_out(out, outlen);
	return rc;
}

int
crm_addr_parse(const char *text, struct crm_addr *out)
{
	char zone[CRM_ADDR_ZONE_MAX];
	int rc;

	rc = parse_literal(text, out, zone);
	if (rc != CRM_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* Decimal 0..max, no sign, no leading zero, no white space. */
static int
parse_prefix_len(const char *text, unsigned int max, unsigned int *out)
{
	unsigned int value = 0;
	const char *p;

	if (text[0] == '\0' || strlen(text) > 3 ||
	    (text[0] == '0' && text[1] != '\0'))
		return CRM_INVALID;
	for (p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return CRM_INVALID;
		value = value * 10 + (unsigned int)(*p - '0');
	}
	if (value > max)
		return CRM_INVALID;
	*out = value;
	return CRM_OK;
}

int
crm_addr_parse_cidr(const char *text, struct crm_addr *net,
		    unsigned int *prefix)
{
	char buf[CIDR_TEXT_MAX];
	struct crm_addr masked;
	char *slash;
	size_t len;
	unsigned int bits = 0;
	int rc = CRM_INVALID;

	memset(net, 0, sizeof(*net));
	*prefix = 0;
	if (text == NULL)
		goto out;
	len = strnlen(text, sizeof(buf));
	if (len == 0 || len >= sizeof(buf))
		goto out;
	memcpy(buf, text, len + 1);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';

	if (inet_pton(AF_INET, buf, net->bytes) == 1)
		net->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, net->bytes) == 1)
		net->family = AF_INET6;
	else
		goto out;

	bits = family_bits(net->family);
	if (slash != NULL &&
	    parse_prefix_len(slash + 1, bits, &bits) != CRM_OK)
		goto out;

	/* Addresses arrive with IPv4-mapped ones already turned into IPv4:
	 * a mapped rule must be turned too, or it could never match. */
	if (net->family == AF_INET6 && is_v4_mapped(net->bytes)) {
		if (bits < 96)
			goto out;
		net->family = AF_INET;
		memmove(net->bytes, net->bytes + 12, 4);
		memset(net->bytes + 4, 0, 12);
		bits -= 96;
	}

	masked = *net;
	mask_bytes(masked.bytes, family_len(masked.family), bits);
	if (memcmp(masked.bytes, net->bytes, sizeof(net->bytes)) != 0)
		goto out;
	*prefix = bits;
	rc = CRM_OK;
out:
	if (rc != CRM_OK) {
		memset(net, 0, sizeof(*net));
		*prefix = 0;
	}
	return rc;
}

int
crm_addr_in_prefix(const struct crm_addr *addr, const struct crm_addr *net,
		   unsigned int prefix)
{
	size_t whole = prefix / 8;
	unsigned int rest = prefix % 8;
	unsigned char mask;

	if (addr->family != net->family ||
	    (addr->family != AF_INET && addr->family != AF_INET6) ||
	    prefix > family_bits(addr->family))
		return 0;
	if (memcmp(addr->bytes, net->bytes, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff00 >> rest);
	return (addr->bytes[whole] & mask) == (net->bytes[whole] & mask);
}
