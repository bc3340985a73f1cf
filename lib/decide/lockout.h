/*
 * lockout.h - failed-login lockout, as pam_faillock does it, plus per-role
 * thresholds and source-address blocking (deny_rhost), and the lockout
 * rules an administrator's tool applies (show, reset).
 *
 * A user is locked when `deny` failures fall within `fail_interval` of the
 * latest one; the lock lasts `unlock_time` after the failure that set it
 * (0: until an administrator resets it).  Root (uid 0) and members of
 * admin_group are never locked unless even_deny_root, and then use
 * root_unlock_time.  Unknown user names are counted like known ones, under
 * a keyed hash of the name (what was typed may be a password).  Failures
 * are cleared only by a successful authentication seen in the same
 * conversation (crm_request.authenticated, or the authsucc phase, which
 * stands after one); the account phase alone never clears them and refuses
 * a locked user.  Every phase is one transaction: the count, the decision
 * and the audit row are read and written together.
 *
 * This file is the only place that knows when a lock holds.
 */
#ifndef CRM_LOCKOUT_H
#define CRM_LOCKOUT_H

#include "core/config.h"
#include "core/context.h"
#include "core/crm.h"
#include "store/store.h"

enum crm_lockout_phase {
	CRM_LOCKOUT_PREAUTH,
	CRM_LOCKOUT_AUTHFAIL,
	CRM_LOCKOUT_AUTHSUCC,
	CRM_LOCKOUT_ACCOUNT,
};

enum crm_lock_message { CRM_LOCK_MESSAGE_DETAILED, CRM_LOCK_MESSAGE_GENERIC };

/* What the decision takes, whoever asks (a module, a tool, a broker). */
struct crm_lockout_opts {
	struct crm_common_opts common;
	unsigned long deny;
	unsigned long fail_interval;	/* seconds */
	unsigned long unlock_time;	/* seconds; 0: admin only */
	unsigned long root_unlock_time;	/* seconds */
	int even_deny_root;
	char admin_group[CRM_NAME_MAX];
	int audit;			/* log unknown user names */
	unsigned long deny_rhost;	/* 0: off */
	unsigned long rhost_interval;	/* seconds */
	unsigned long rhost_v6_prefix;	/* IPv6 sources count per prefix */
	unsigned int lock_message;	/* enum crm_lock_message */
	struct crm_role_sections roles;	/* [lockout.role.NAME] */
	unsigned long keep_failures;	/* seconds: the longest interval any
					 * role uses; older records go */
};

/* What only the PAM module reads: its place in the stack, its delay. */
struct crm_lockout_pam_opts {
	unsigned int phase;		/* enum crm_lockout_phase */
	int nodelay;
};

/* root_unlock_time when not given: the same as unlock_time. */
#define CRM_LOCKOUT_UNSET ((unsigned long)-1)

extern const struct crm_option crm_lockout_options[];
extern const size_t crm_lockout_option_count;

void crm_lockout_defaults(struct crm_lockout_opts *opts,
			  struct crm_lockout_pam_opts *pam);
/* pam may be NULL (a tool): PAM-only options are then checked nowhere
 * and ignored. */
int crm_lockout_load(struct crm_lockout_opts *opts,
		     struct crm_lockout_pam_opts *pam, int argc,
		     const char **argv, const struct crm_log *log);
void crm_lockout_free(struct crm_lockout_opts *opts);

int crm_lockout_decide(struct crm_ctx *ctx,
		       const struct crm_lockout_opts *opts,
		       enum crm_lockout_phase phase,
		       const struct crm_request *req,
		       struct crm_outcome *out);

/* ---- the administrator's side (crmauth lockout) ---- */

/* Whether a stored lock holds at now_ms (0 until: until an admin). */
int crm_lockout_lock_holds(int64_t lock_until_ms, int64_t now_ms);

/* What show lists for one name: the account's name, or "(unknown)" for a
 * name that is not an account (stored keyed, never as typed). */
struct crm_lockout_entry {
	const char *user;
	int64_t failures;
	int64_t latest_ms;
	const char *last_rhost;		/* NULL when none */
	int locked;			/* a lock holds now */
	int64_t lock_until_ms;		/* when locked: 0 until an admin */
};
typedef int (*crm_lockout_entry_cb)(void *arg,
				    const struct crm_lockout_entry *entry);

/* One entry per name with failures or a lock (user NULL: every name;
 * else that name, known or not, with zero failures when none).  Inside
 * the caller's transaction. */
int crm_lockout_list(struct crm_ctx *ctx, const char *user, int64_t now_ms,
		     crm_lockout_entry_cb cb, void *arg);

struct crm_lockout_reset {
	int64_t failures_removed;
	int had_lock;
};
/* Clear the failures and the lock of user (known or not); CRM_NOTFOUND
 * when nothing was recorded.  Inside the caller's write transaction. */
int crm_lockout_reset_user(struct crm_ctx *ctx, const char *user,
			   struct crm_lockout_reset *result);
/* Clear the failures counted against the source rhost (canonicalised,
 * counted per rhost_v6_prefix as the module counts it); *key gets what
 * was cleared.  CRM_NOTFOUND when nothing was recorded. */
int crm_lockout_reset_rhost(struct crm_ctx *ctx,
			    const struct crm_lockout_opts *opts,
			    const char *rhost, char *key, size_t keylen,
			    int64_t *removed);

#endif
