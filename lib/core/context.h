/*
 * context.h - what a decision needs open: the store, the key and a log.
 *
 * Opening checks everything that must hold before any question is
 * answered (database present with the current schema, key file safe), so
 * that a decision fails closed before it starts.  The key itself is read
 * on first use (crm_ctx_key), where it is also checked against the
 * database: most logins write no audit row and never pay for it, and a
 * decision that needs it and cannot have it fails closed there.  A module
 * keeps one context per PAM handle (pam_set_data), a tool one per run.
 */
#ifndef CRM_CONTEXT_H
#define CRM_CONTEXT_H

#include "core/config.h"
#include "core/crm.h"
#include "core/crypto.h"
#include "store/store.h"

/* What the store keys a name's failures by: the name of an account, a
 * keyed hash of anything else (lockout.c). */
#define CRM_RECORD_MAX 48

struct crm_ctx {
	struct crm_store *store;
	struct crm_key *key;		/* NULL until crm_ctx_key loads it */
	/* The phases of one login ask after the same name: its lookup and
	 * keyed hash are made once per context.  A context lives for one
	 * PAM handle or one tool run, where accounts do not come and go. */
	struct {
		int valid;
		int known;
		char name[CRM_NAME_MAX];
		char record[CRM_RECORD_MAX];
	} last_name;
	struct crm_log log;
	unsigned long audit_keep_days;
	char db[PATH_MAX];
	char keyfile[PATH_MAX];
};

/* On failure *out is NULL and err says why (a path and a reason). */
int crm_ctx_open(const struct crm_common_opts *common,
		 const struct crm_log *log, struct crm_ctx **out,
		 char *err, size_t errlen);
void crm_ctx_close(struct crm_ctx *ctx);

/* The meta name under which the database keeps its key check value. */
#define CRM_KEY_CHECK_META "key_check"

/*
 * The database's key check value against key's (crypto.h).  CRM_OK when
 * they are equal; CRM_EKEY when they differ; CRM_NOTFOUND when the
 * database holds none (made before key checks, or by hand): "crmauth
 * init" records it.  err says which files and what to do.
 */
int crm_ctx_key_verify(struct crm_store *store, const struct crm_key *key,
		       const char *db, const char *keyfile, char *err,
		       size_t errlen);
/* Record key's check value in the database (inside the caller's write
 * transaction). */
int crm_ctx_key_record(struct crm_store *store, const struct crm_key *key);

/*
 * The key, loaded and checked against the database's key check value on
 * the first call, kept for the context's life.  On failure *out is NULL,
 * the reason is logged through ctx->log at LOG_ERR and the status is
 * CRM_EKEY (or CRM_ENOMEM, CRM_ECRYPTO, a store error); the next call
 * tries again.
 */
int crm_ctx_key(struct crm_ctx *ctx, const struct crm_key **out);

/* True when ctx was opened from the same database and key file. */
int crm_ctx_matches(const struct crm_ctx *ctx,
		    const struct crm_common_opts *common);

/* Append one audit row (inside the caller's write transaction), pruning
 * rows past audit_keep_days now and then so that the cost stays flat. */
struct crm_audit_event;
struct crm_audit_stamp;
int crm_ctx_audit(struct crm_ctx *ctx, const struct crm_audit_event *event,
		  struct crm_audit_stamp *stamp);

/*
 * The one place a decision's audit row is built: from the module's name,
 * the request and the outcome (event, verdict, detail; the user shown as
 * "(unknown)" when out->user_masked).  Inside the caller's write
 * transaction.  out->audit_tag names the row for the log line.
 */
int crm_ctx_record(struct crm_ctx *ctx, const char *module,
		   const struct crm_request *req, struct crm_outcome *out,
		   int64_t now_ms);
/* The same in a write transaction of its own, for a decision that writes
 * nothing else; on any error out fails with the reason and the status is
 * returned. */
int crm_ctx_record_alone(struct crm_ctx *ctx, const char *module,
			 const struct crm_request *req,
			 struct crm_outcome *out, int64_t now_ms);

/* Built-in paths, set by configure. */
const char *crm_default_conf(void);

#endif
