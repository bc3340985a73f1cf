/*
 * lockout.h - failed-login lockout, as pam_faillock does it, plus per-role
 * thresholds and source-address blocking (deny_rhost).
 *
 * A user is locked when `deny` failures fall within `fail_interval` of the
 * latest one; the lock lasts `unlock_time` after the failure that set it
 * (0: until an administrator resets it).  Root (uid 0) and members of
 * admin_group are never locked unless even_deny_root, and then use
 * root_unlock_time.  Unknown user names are counted like known ones.
 * Every phase is one write transaction: the count, the decision and the
 * audit row are read and written together.
 */
#ifndef CRM_LOCKOUT_H
#define CRM_LOCKOUT_H

#include "core/config.h"
#include "core/context.h"
#include "core/crm.h"

enum crm_lockout_phase {
	CRM_LOCKOUT_PREAUTH,
	CRM_LOCKOUT_AUTHFAIL,
	CRM_LOCKOUT_AUTHSUCC,
	CRM_LOCKOUT_ACCOUNT,
};

struct crm_lockout_opts {
	struct crm_common_opts common;
	unsigned int phase;		/* enum crm_lockout_phase, argument */
	unsigned long deny;
	unsigned long fail_interval;	/* seconds */
	unsigned long unlock_time;	/* seconds; 0: admin only */
	unsigned long root_unlock_time;	/* seconds */
	int even_deny_root;
	char admin_group[CRM_NAME_MAX];
	int nodelay;
	int audit;			/* log unknown user names */
	unsigned long deny_rhost;	/* 0: off */
	unsigned long rhost_interval;	/* seconds */
	struct crm_role_sections roles;	/* [lockout.role.NAME] */
	unsigned long keep_failures;	/* seconds: the longest interval any
					 * role uses; older records go */
};

/* root_unlock_time when not given: the same as unlock_time. */
#define CRM_LOCKOUT_UNSET ((unsigned long)-1)

extern const struct crm_option crm_lockout_options[];
extern const size_t crm_lockout_option_count;

void crm_lockout_defaults(struct crm_lockout_opts *opts);
int crm_lockout_load(struct crm_lockout_opts *opts, int argc,
		     const char **argv, const struct crm_log *log);
void crm_lockout_free(struct crm_lockout_opts *opts);

int crm_lockout_decide(struct crm_ctx *ctx,
		       const struct crm_lockout_opts *opts,
		       enum crm_lockout_phase phase,
		       const struct crm_request *req,
		       struct crm_outcome *out);

#endif
