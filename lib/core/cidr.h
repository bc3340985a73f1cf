/*
 * cidr.h - lists of networks, and whether a remote host lies in one.
 *
 * pam_crm_totp's trusted_nets and pam_crm_access's rules share it.  A
 * list is parsed once per configuration load; matching canonicalises the
 * host as addr.c does (IPv4-mapped IPv6 is IPv4), so that no spelling of
 * an address escapes its network.  A host name never matches: names are
 * the client's to choose.
 */
#ifndef CRM_CIDR_H
#define CRM_CIDR_H

#include <stddef.h>

#include "core/addr.h"

struct crm_net {
	struct crm_addr net;
	unsigned int prefix;
};

struct crm_cidr_list {
	struct crm_net *items;
	size_t count;
	size_t cap;
};

/*
 * Parse "10.0.0.0/8, 2001:db8::/32 192.0.2.7" (commas and blanks both
 * separate) into *out, which must be empty (zeroed) and is left empty on
 * error.  An empty text is an empty list.  CRM_OK, CRM_INVALID (err says
 * which entry and why), CRM_ENOMEM.
 */
int crm_cidr_list_parse(const char *text, struct crm_cidr_list *out,
			char *err, size_t errlen);
void crm_cidr_list_free(struct crm_cidr_list *list);

/* 1 when rhost (any spelling of an address) lies in a network of list;
 * 0 otherwise, for a host name, NULL or a malformed rhost too. */
int crm_cidr_list_match(const struct crm_cidr_list *list, const char *rhost);

#endif
