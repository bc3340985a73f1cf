/*
 * role.h - account status, roles for the front end and account switching
 * (pam_crm_role).
 *
 * Two decisions, both PAM-free so that a broker can answer them:
 *  - crm_role_decide (account and session): the account's status
 *    (disabled, suspended until a time), require_role=, and, when
 *    allowed, who the user is for the front end: CRM_USER, CRM_ROLES,
 *    CRM_DATA_SCOPE, CRM_DEPARTMENT, CRM_PERMISSIONS, CRM_SWITCHED_FROM.
 *    Every stored name is checked again before it is exported: a name
 *    with a list separator (written into the database behind crmauth's
 *    back) refuses the login rather than split or add a variable.
 *  - crm_switch_decide (auth with `switch`): whether the signed-in user
 *    (ruser) may become the target (user), and how: trust (no target
 *    password), reauth (the rest of the stack authenticates the target)
 *    or not at all.  The grant it returns is kept by the caller (the PAM
 *    handle) and handed to the account phase, which records switch_ok
 *    once the target's account checks have passed.
 */
#ifndef CRM_ROLE_H
#define CRM_ROLE_H

#include "core/config.h"
#include "core/context.h"
#include "core/crm.h"
#include "store/store.h"

struct crm_role_opts {
	struct crm_common_opts common;
	char require_role[CRM_NAME_MAX];	/* "a,b"; "" none */
	int switch_auth;			/* the `switch` option */
	unsigned long switch_back;		/* seconds; 0: never */
};

/* switch_back: how long after a switch the account may switch back
 * without a rule (pam_crm_role(8)). */
#define CRM_ROLE_SWITCH_BACK_DEFAULT	(8 * 3600)
#define CRM_ROLE_SWITCH_BACK_MAX	(7L * 86400)

extern const struct crm_option crm_role_options[];
extern const size_t crm_role_option_count;

void crm_role_defaults(struct crm_role_opts *opts);
int crm_role_load(struct crm_role_opts *opts, int argc, const char **argv,
		  const struct crm_log *log);

/* Why a switch was allowed, in the audit detail: "rule=ID", "linked" or
 * "back". */
#define CRM_SWITCH_BASIS_MAX 32

/* What a granted switch hands from the auth phase to the account and
 * session phases of the same handle. */
struct crm_switch_grant {
	char from[CRM_NAME_MAX];	/* the caller (ruser) */
	char target[CRM_NAME_MAX];	/* the account switched to (user) */
	enum crm_switch_mode mode;
	char basis[CRM_SWITCH_BASIS_MAX];
	int recorded;			/* switch_ok written */
};

/* The phase crm_role_decide answers for. */
enum crm_role_phase { CRM_ROLE_ACCOUNT, CRM_ROLE_SESSION };

/*
 * Account or session: CRM_ALLOW with the CRM_ variables in out->env,
 * CRM_DENY (status, require_role, an unusable stored name; CRM_STATUS in
 * out->env for a status refusal), CRM_IGNORE (unknown=ignore) or
 * CRM_FAIL.  grant is this handle's switch (NULL: none); in the account
 * phase a grant not yet recorded is recorded (switch_ok) when the
 * account is allowed, and *recorded is set then (may be NULL).
 */
int crm_role_decide(struct crm_ctx *ctx, const struct crm_role_opts *opts,
		    enum crm_role_phase phase, const struct crm_request *req,
		    const struct crm_switch_grant *grant, int *recorded,
		    struct crm_outcome *out);

/* Whether a refusal of crm_role_decide is for a disabled account (a PAM
 * front end answers PAM_ACCT_EXPIRED then, PAM_PERM_DENIED otherwise). */
int crm_role_refused_expired(const struct crm_outcome *out);

/*
 * Auth with `switch`: req->ruser (the caller) asks to become req->user.
 * CRM_ALLOW (trust), CRM_IGNORE (reauth: the rest of the stack must
 * authenticate the target), CRM_DENY (switch_denied) or CRM_FAIL; grant
 * is filled when allowed or ignored.
 */
int crm_switch_decide(struct crm_ctx *ctx, const struct crm_role_opts *opts,
		      const struct crm_request *req,
		      struct crm_switch_grant *grant,
		      struct crm_outcome *out);

#endif
