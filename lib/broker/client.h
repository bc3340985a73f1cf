/*
 * client.h - a module's side of crm-authd: the call into a request, one
 * bounded round trip over the socket, the reply back into the outcome
 * and the call's out-parameters.
 *
 * Before anything is sent the client checks who answers: the socket must
 * be a socket owned by root (or by the caller itself), in a directory
 * nobody else may write, and the peer (SO_PEERCRED) must run as root or
 * as the caller.  Every wait is bounded by one deadline; a daemon that is
 * absent, too slow or fails a check is CRM_EUNAVAIL, which pamglue turns
 * into PAM_AUTHINFO_UNAVAIL (SSSD's convention).
 *
 * PAM-free: the tickets the handle keeps come in and go out as strings.
 */
#ifndef CRM_CLIENT_H
#define CRM_CLIENT_H

#include "broker/wire.h"
#include "decide/decide.h"

/* What a PAM handle keeps between calls: the daemon's tickets, and how
 * much of busy_timeout_ms the handle's calls have waited (one budget per
 * handle, as in one process). */
struct crm_broker_tickets {
	char auth[CRM_TICKET_MAX];
	char pwbegin[CRM_TICKET_MAX];
	char counted[CRM_TICKET_MAX];
	unsigned long busy_spent_ms;
};

/*
 * Ask crm-authd at socket_path to answer call; out is always filled (a
 * failure is CRM_FAIL with the reason in its detail, CRM_EUNAVAIL when
 * the daemon could not be asked).  tickets in: what this handle holds;
 * out: what the reply adds.  out->caller_refused when the daemon does not
 * let this uid ask.
 */
void crm_broker_ask(const char *socket_path, unsigned long timeout_ms,
		    const struct crm_call *call,
		    struct crm_broker_tickets *tickets,
		    struct crm_outcome *out);

#endif
