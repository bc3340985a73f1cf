/*
 * cidr.c - lists of networks (see cidr.h).
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cidr.h"
#include "core/crm.h"

/* Longer than any network text: "ffff:...:ffff/128" is 43 bytes. */
#define NET_TEXT_MAX 64

static int
add_net(struct crm_cidr_list *list, const char *text, char *err,
	size_t errlen)
{
	struct crm_net net;

	if (crm_addr_parse_cidr(text, &net.net, &net.prefix) != CRM_OK) {
		snprintf(err, errlen, "\"%.64s\" is not a network (ADDR/LEN) "
			 "or an address", text);
		return CRM_INVALID;
	}
	if (crm_array_grow((void **)&list->items, &list->cap, list->count,
			   sizeof(*list->items)) != CRM_OK) {
		snprintf(err, errlen, "out of memory");
		return CRM_ENOMEM;
	}
	list->items[list->count++] = net;
	return CRM_OK;
}

int
crm_cidr_list_parse(const char *text, struct crm_cidr_list *out, char *err,
		    size_t errlen)
{
	char one[NET_TEXT_MAX];
	const char *p = text;
	size_t len;
	int rc = CRM_OK;

	memset(out, 0, sizeof(*out));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	while (p != NULL && *p != '\0' && rc == CRM_OK) {
		p += strspn(p, ", \t");
		len = strcspn(p, ", \t");
		if (len == 0)
			break;
		if (len >= sizeof(one)) {
			snprintf(err, errlen, "\"%.32s...\" is too long for a "
				 "network", p);
			rc = CRM_INVALID;
			break;
		}
		memcpy(one, p, len);
		one[len] = '\0';
		rc = add_net(out, one, err, errlen);
		p += len;
	}
	if (rc != CRM_OK)
		crm_cidr_list_free(out);
	return rc;
}

void
crm_cidr_list_free(struct crm_cidr_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}

int
crm_cidr_list_match(const struct crm_cidr_list *list, const char *rhost)
{
	struct crm_addr addr;
	size_t i;

	if (rhost == NULL || crm_addr_parse(rhost, &addr) != CRM_OK)
		return 0;
	for (i = 0; i < list->count; i++)
		if (crm_addr_in_prefix(&addr, &list->items[i].net,
				       list->items[i].prefix))
			return 1;
	return 0;
}
