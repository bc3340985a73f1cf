/*
 * resolve.h - a host name turned into the addresses it forward-confirms
 * to, within a bounded time (pam_crm_access resolve=).
 *
 * No PAM, no store, no global mutable state, no signals.  A forward
 * lookup (getaddrinfo, any family) gives the name's addresses; each one
 * counts only when its reverse lookup (getnameinfo, NI_NAMEREQD) names
 * the same host again, compared without case and without a trailing dot.
 * An address whose reverse record names another host is what anyone who
 * controls a forward zone could claim, and is dropped.  IPv4-mapped IPv6
 * addresses come back as IPv4, as crm_addr_parse gives them.
 *
 * The C library's lookups cannot be interrupted, so they run in a worker
 * thread that the caller waits for at most timeout_ms in all; a thread
 * still busy then is left to finish on its own and frees what it holds.
 * The code it runs must stay mapped until then: the modules are linked
 * with -z nodelete (Makefile.am).
 */
#ifndef CRM_RESOLVE_H
#define CRM_RESOLVE_H

#include <stddef.h>

#include "core/addr.h"
#include "core/crm.h"

/* More distinct confirmed addresses than this is a failure, never a
 * truncated list: a decision over some of a name's addresses is not a
 * decision over the name. */
#define CRM_RESOLVE_MAX		16

/*
 * The addresses name forward-confirms to, into addrs[0..*count-1] (in
 * the resolver's order, without duplicates), within timeout_ms (1 or
 * more).  CRM_OK: *count >= 1.  CRM_NOTFOUND: the name has no address,
 * or none whose reverse lookup names it.  CRM_ESYS: the lookup timed out
 * or failed, or more than max addresses confirmed.  CRM_INVALID: name is
 * no valid host name text (crm_valid_name, CRM_RHOST_MAX).  CRM_ENOMEM.
 * Unless CRM_OK, *count is 0; err then says why (never a secret: a host
 * name and resolver messages only).
 */
int crm_resolve_confirmed(const char *name, unsigned int timeout_ms,
			  struct crm_addr *addrs, size_t max, size_t *count,
			  char *err, size_t errlen);

#endif
