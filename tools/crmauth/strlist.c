/*
 * strlist.c - a growable list of strings: the roles of a user, repeated
 * --role options.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/crm.h"

#include "crmauth.h"

int
ca_strlist_add(struct ca_strlist *list, const char *item)
{
	void *items = list->items;
	int rc;

	rc = crm_array_grow(&items, &list->cap, list->count,
			    sizeof(*list->items));
	list->items = items;
	if (rc != CRM_OK)
		return rc;
	if ((list->items[list->count] = strdup(item)) == NULL)
		return CRM_ENOMEM;
	list->count++;
	return CRM_OK;
}

char *
ca_strlist_join(const struct ca_strlist *list, const char *sep)
{
	size_t total = 1, seplen = strlen(sep), i, n;
	char *out, *p;

	for (i = 0; i < list->count; i++) {
		n = strlen(list->items[i]) + (i > 0 ? seplen : 0);
		if (n > SIZE_MAX - total)
			return NULL;
		total += n;
	}
	if ((out = malloc(total)) == NULL)
		return NULL;
	p = out;
	for (i = 0; i < list->count; i++) {
		if (i > 0) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		n = strlen(list->items[i]);
		memcpy(p, list->items[i], n);
		p += n;
	}
	*p = '\0';
	return out;
}

void
ca_strlist_free(struct ca_strlist *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

int
ca_strlist_cb(void *arg, const char *name)
{
	return ca_strlist_add(arg, name);
}
