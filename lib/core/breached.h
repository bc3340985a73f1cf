/*
 * breached.h - an offline list of breached passwords, as the published
 * breach corpora ship it: one SHA-1 of a password a line, 40 hex digits
 * (either case), optionally ":COUNT", lines sorted by the hash, LF or
 * CRLF.
 *
 * The file is mapped, never read whole, and searched over byte offsets
 * by interpolation (SHA-1 hashes are spread evenly), with a halving
 * after any probe that does not halve the range: a few lines per lookup
 * whatever the size of the list, at worst about twice log2(lines).  A
 * line the search meets that is not of that form makes the lookup fail
 * (CRM_INVALID): a damaged list must not read as "not breached".
 */
#ifndef CRM_BREACHED_H
#define CRM_BREACHED_H

#include <stddef.h>

#include "core/crm.h"

#define CRM_SHA1_LEN 20

struct crm_breached;

/* Map path (a regular file; not followed if a symlink), for lookups
 * until crm_breached_close.  An empty file is a list of none. */
int crm_breached_open(const char *path, struct crm_breached **out,
		      char *err, size_t errlen);
void crm_breached_close(struct crm_breached *list);

/* Whether sha1 is in the list, and its count (0 when the line has
 * none); CRM_INVALID for a malformed line on the way.  An unsorted list
 * gives wrong answers, not errors: the list is the administrator's. */
int crm_breached_lookup(const struct crm_breached *list,
			const unsigned char sha1[CRM_SHA1_LEN], int *found,
			unsigned long *count);

/* The same for a password (its SHA-1 computed and cleared here). */
int crm_breached_password(const struct crm_breached *list,
			  const char *password, int *found,
			  unsigned long *count);

#endif
