/*
 * serve.h - crm-authd's side of a call: who asks, whether they may, the
 * options loaded the way the module loads them, and the same crm_decide
 * the in-process path runs.
 *
 * Trust follows the peer's uid (SO_PEERCRED).  Root and the daemon's own
 * uid could open the database themselves: their module arguments and
 * conf= are honoured, so a stack behaves the same in and out of process.
 * Anyone else must be named in broker_allow (for the request's service),
 * and gets the daemon's configuration only: a web server that has been
 * broken into must not lift its own lockout with deny=1000000, point
 * the daemon at another database, move the clock of an hours rule, claim
 * an authentication it did not see, or forge a switch.
 *
 * PAM-free and socket-free: the daemon reads and writes the frames.
 */
#ifndef CRM_SERVE_H
#define CRM_SERVE_H

#include <pthread.h>
#include <sys/types.h>

#include "broker/ticket.h"
#include "broker/wire.h"
#include "core/context.h"

/* broker_allow, parsed: "www-data:crm-web,crm-api @crmweb". */
#define CRM_ALLOW_ENTRIES	32
#define CRM_ALLOW_SERVICES	8

struct crm_allow_entry {
	int group;			/* @name */
	char name[CRM_NAME_MAX];
	size_t service_count;		/* 0: any service */
	char services[CRM_ALLOW_SERVICES][CRM_NAME_MAX];
};

struct crm_allow {
	size_t count;
	struct crm_allow_entry entries[CRM_ALLOW_ENTRIES];
};

/* CRM_OK, or CRM_INVALID with the reason in err; allow is zeroed first. */
int crm_allow_parse(const char *text, struct crm_allow *allow, char *err,
		    size_t errlen);

/* Who is on the other end of the socket. */
#define CRM_PEER_GROUPS 64
struct crm_peer {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	size_t group_count;
	gid_t groups[CRM_PEER_GROUPS];
};

/* Whether peer may ask about service under allow (names resolved now,
 * through NSS); service NULL: about any service. */
int crm_allow_match(const struct crm_allow *allow, const struct crm_peer *peer,
		    const char *service);

/* What one daemon run holds for every worker. */
struct crm_broker_policy {
	const char *conf;		/* the daemon's pam_crm.conf */
	uid_t self_uid;
	unsigned char ticket_key[CRM_TICKET_KEY_LEN];
	const struct crm_allow *allow;
};

/* One worker's open databases, kept between calls and reopened when the
 * file is replaced (a new inode: crmauth init, a restore). */
#define CRM_WORKER_SLOTS 8
struct crm_broker_worker {
	struct crm_log log;
	struct {
		struct crm_ctx *ctx;
		dev_t dev;
		ino_t ino;
		unsigned long used;
	} slots[CRM_WORKER_SLOTS];
	unsigned long clock;
	pthread_mutex_t *write_lock;	/* shared by the daemon's workers */
};

void crm_broker_worker_init(struct crm_broker_worker *w,
			    const struct crm_log *log);
void crm_broker_worker_close(struct crm_broker_worker *w);
/* The workers of one daemon write one at a time
 * (crm_store_share_write_lock). */
void crm_broker_worker_share(struct crm_broker_worker *w,
			     pthread_mutex_t *lock);

/*
 * Answer one decoded request into rep (zeroed first).  Every refusal and
 * error is an outcome in rep; a caller not allowed gets CRM_DENY with
 * rep->caller_refused and an audit row (broker_refused).
 */
void crm_broker_serve(struct crm_broker_worker *w,
		      const struct crm_broker_policy *policy,
		      const struct crm_peer *peer,
		      const struct crm_wire_request *wreq,
		      struct crm_wire_reply *rep);

#endif
