/*
 * fuzz_addr.c - libFuzzer target for lib/core/addr: PAM_RHOST and access
 * rules come from outside, so every function must survive any bytes.
 *
 * Beyond not crashing it checks what callers rely on: a canonical address
 * is its own canonical form, parses to the same bytes, lies in its own
 * counting network, and a host name comes back unchanged.  The same text
 * as a network list (trusted_nets, access rules): every network it
 * yields contains its own address, a host name is never in it.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/cidr.h"

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
	char text[4097], canon[CRM_RHOST_MAX], again[CRM_RHOST_MAX];
	char key[CRM_RHOST_MAX];
	struct crm_addr addr, addr2, net;
	unsigned int prefix, v6_prefix;
	int rc, rc2;

	/* The first byte picks the IPv6 prefix (129 tests the refusal),
	 * the rest is the text. */
	if (size < 1 || size > sizeof(text))
		return 0;
	v6_prefix = data[0] % 130;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	rc = crm_addr_canonical(text, canon, sizeof(canon));
	check(rc == CRM_OK || rc == CRM_NOTFOUND || rc == CRM_INVALID);
	check(strlen(canon) < sizeof(canon));
	if (rc == CRM_NOTFOUND)
		check(strcmp(canon, text) == 0);
	if (rc == CRM_OK) {
		check(crm_addr_canonical(canon, again, sizeof(again)) ==
		      CRM_OK);
		check(strcmp(canon, again) == 0);
	}

	rc2 = crm_addr_parse(text, &addr);
	check(rc2 == rc || (rc == CRM_INVALID && rc2 == CRM_INVALID));
	if (rc2 == CRM_OK) {
		check(crm_addr_parse(canon, &addr2) == CRM_OK);
		check(memcmp(&addr, &addr2, sizeof(addr)) == 0);
	}

	rc2 = crm_addr_counting_key(text, v6_prefix, key, sizeof(key));
	check(strlen(key) < sizeof(key));
	if (v6_prefix <= 128)
		check(rc2 == rc);
	else
		check(rc2 == CRM_INVALID);

	/* The network of a key holds the address it was made from. */
	if (rc == CRM_OK && rc2 == CRM_OK && strchr(key, '%') == NULL) {
		check(crm_addr_parse_cidr(key, &net, &prefix) == CRM_OK);
		check(crm_addr_in_prefix(&addr, &net, prefix));
	}

	rc = crm_addr_parse_cidr(text, &net, &prefix);
	check(rc == CRM_OK || rc == CRM_INVALID);
	if (rc == CRM_OK) {
		check(prefix <= 128);
		check(crm_addr_in_prefix(&net, &net, prefix));
	}
	if (crm_addr_parse(text, &addr) == CRM_OK)
		(void)crm_addr_in_prefix(&addr, &net, prefix);
	{
		struct crm_cidr_list list;
		char err[256];
		size_t i;

		rc = crm_cidr_list_parse(text, &list, err, sizeof(err));
		check(rc == CRM_OK || rc == CRM_INVALID || rc == CRM_ENOMEM);
		if (rc != CRM_OK)
			check(list.count == 0 && list.items == NULL);
		for (i = 0; rc == CRM_OK && i < list.count; i++)
			check(crm_addr_in_prefix(&list.items[i].net,
						 &list.items[i].net,
						 list.items[i].prefix));
		if (rc == CRM_OK && crm_addr_parse(text, &addr) == CRM_NOTFOUND)
			check(!crm_cidr_list_match(&list, text));
		crm_cidr_list_free(&list);
	}
	return 0;
}
