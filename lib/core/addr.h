/*
 * addr.h - source addresses (PAM_RHOST): one spelling per address, the
 * key a source is counted under, and a parsed form for CIDR matching.
 *
 * Pure functions: no PAM, no store, no resolver.  A PAM_RHOST that
 * inet_pton() accepts as an address is canonical once it has been printed
 * back by inet_ntop(): IPv4 dotted quad, IPv6 per RFC 5952 (lower case,
 * longest zero run compressed).  An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d, in any spelling) is the IPv4 address.  Anything else is
 * a host name and stays exactly as given; it is never resolved.
 *
 * Accepted beyond inet_pton:
 *  - brackets around an IPv6 literal ("[::1]"), as URIs and some front
 *    ends write it; they are stripped.  Brackets around anything else make
 *    the whole text a host name.
 *  - an RFC 4007 zone on an IPv6 address ("fe80::1%eth0", what sshd hands
 *    over for a link-local client): kept, verbatim, after the canonical
 *    address, because the same address on two links is two clients.  A
 *    zone is 1 to CRM_ADDR_ZONE_MAX-1 characters of [A-Za-z0-9._-]; any
 *    other zone, or a zone on an IPv4 or IPv4-mapped address, makes the
 *    text a host name.  CIDR matching ignores the zone.
 *
 * Not addresses (host names, kept as given): glibc's inet_pton refuses
 * leading zeros in an IPv4 part ("010.009.009.009", which inet_aton would
 * read as octal), short forms ("1.2.3", "10"), trailing dots and any
 * white space.
 *
 * Every output fits in CRM_RHOST_MAX bytes.
 */
#ifndef CRM_ADDR_H
#define CRM_ADDR_H

#include <stddef.h>

#include "core/crm.h"

/* IF_NAMESIZE: the longest interface name, with its NUL. */
#define CRM_ADDR_ZONE_MAX	16

/* rhost_v6_prefix default: one client usually owns a whole /64. */
#define CRM_ADDR_V6_PREFIX_DEFAULT	64

struct crm_addr {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char bytes[16];	/* network order; IPv4 uses 4 */
};

/*
 * The canonical text of rhost into out (outlen >= CRM_RHOST_MAX always
 * suffices).  CRM_OK: rhost is an address and out its canonical text.
 * CRM_NOTFOUND: rhost is a host name and out a copy of it.  CRM_INVALID:
 * rhost is NULL, empty, CRM_RHOST_MAX bytes or longer, holds a control
 * character, or out is too small; out is then "" (when outlen > 0).
 */
int crm_addr_canonical(const char *rhost, char *out, size_t outlen);

/*
 * The key under which failures from rhost are counted (deny_rhost): the
 * canonical IPv4 address itself; for IPv6, the network of the first
 * v6_prefix bits (0..128) with its length, "2001:db8:1:2::/64", and the
 * zone before the length when there is one ("fe80::%eth0/64", RFC 4007).
 * /128 is written too ("2001:db8::1/128"), so that a key always says what
 * it counts.  rhost need not be canonical already.  Returns as
 * crm_addr_canonical; v6_prefix above 128 is CRM_INVALID.
 */
int crm_addr_counting_key(const char *rhost, unsigned int v6_prefix,
			  char *out, size_t outlen);

/*
 * Parse an address as crm_addr_canonical accepts it (brackets, zone;
 * IPv4-mapped becomes AF_INET).  CRM_OK, CRM_NOTFOUND for a host name, or
 * CRM_INVALID as above; *out is zeroed unless CRM_OK.
 */
int crm_addr_parse(const char *text, struct crm_addr *out);

/*
 * Parse a network "ADDR/LEN" or a bare address (LEN 32 or 128) for an
 * access rule.  LEN is decimal without leading zeros.  An IPv4-mapped
 * network "::ffff:10.0.0.0/104" becomes "10.0.0.0/8"; one shorter than
 * /96 is refused.  Bits set past LEN are refused ("10.0.0.1/8"), since
 * they mean the rule is not what its author thought.  No brackets, no
 * zone.  CRM_OK or CRM_INVALID; *net and *prefix are zeroed unless CRM_OK.
 */
int crm_addr_parse_cidr(const char *text, struct crm_addr *net,
			unsigned int *prefix);

/*
 * 1 when addr lies in net/prefix, 0 otherwise: a family mismatch or a
 * prefix longer than the family's is no match.
 */
int crm_addr_in_prefix(const struct crm_addr *addr,
		       const struct crm_addr *net, unsigned int prefix);

#endif
