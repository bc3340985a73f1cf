/*
 * access.h - IP allowlisting and login hours (pam_crm_access, account
 * and auth): which rule decides a login, first match wins.
 *
 * Rules come from the database (crmauth allow add) and, before them, from
 * accessfile= when set, one rule a line (rule.h).  The database's rules
 * are found by index probes (store.h), so the cost does not grow with
 * their number; the file is read whole at every decision and is meant
 * for a few static lines.  A host name in PAM_RHOST never matches a
 * network and is never resolved, unless resolve= is set: then it stands
 * for the addresses it forward-confirms to (resolve.h), and a login is
 * allowed only when every one of them is.
 */
#ifndef CRM_ACCESS_H
#define CRM_ACCESS_H

#include "core/config.h"
#include "core/context.h"
#include "core/crm.h"

enum crm_access_default { CRM_ACCESS_DEFAULT_DENY, CRM_ACCESS_DEFAULT_ALLOW };

struct crm_access_opts {
	struct crm_common_opts common;
	unsigned int default_action;	/* enum crm_access_default */
	char accessfile[PATH_MAX];	/* "" none */
	int resolve;			/* a host name rhost is looked up */
	unsigned long resolve_timeout_ms;	/* for all its lookups */
};

/* resolve_timeout bounds, in ms (pam_crm_access(8)). */
#define CRM_ACCESS_RESOLVE_TIMEOUT_DEFAULT	2000
#define CRM_ACCESS_RESOLVE_TIMEOUT_MIN		100
#define CRM_ACCESS_RESOLVE_TIMEOUT_MAX		30000

/* What only the PAM module reads: nothing yet (a refusal needs no
 * delay: it comes before any secret is asked). */
struct crm_access_pam_opts {
	int unused;
};

extern const struct crm_option crm_access_options[];
extern const size_t crm_access_option_count;

void crm_access_defaults(struct crm_access_opts *opts,
			 struct crm_access_pam_opts *pam);
int crm_access_load(struct crm_access_opts *opts,
		    struct crm_access_pam_opts *pam, int argc,
		    const char **argv, const struct crm_log *log);

/* Why a login was refused, as the user and the audit trail see it. */
enum crm_access_reason {
	CRM_ACCESS_BY_RULE,		/* a deny rule for this address */
	CRM_ACCESS_BY_HOURS,		/* allowed from here, not now */
	CRM_ACCESS_BY_EXPIRY,		/* allowed from here, not (any more) */
	CRM_ACCESS_BY_DEFAULT,		/* no rule: default= */
};

/* What decided: for crmauth allow test, and the audit detail. */
struct crm_access_explain {
	int64_t rule_id;		/* 0: none, or a file rule */
	unsigned int file_line;		/* 1-based when from accessfile */
	char rule[512];			/* the deciding rule's line */
	enum crm_access_reason reason;	/* when refused */
	/* resolve= and rhost a host name: the confirmed address that
	 * decided (a refused one, else the last allowed), or "" when the
	 * name gave none; resolve_error then says why. */
	char resolved[CRM_RHOST_MAX];
	char resolve_error[256];
};

/*
 * Decide for req at at_ms (0: now): CRM_ALLOW or CRM_DENY (with the
 * message for the user, naming no rule), or CRM_FAIL.  A login (explain
 * NULL) writes an access_denied audit row when refused (access_ok too
 * under debug); a question (explain set: crmauth allow test) writes
 * nothing and gets the deciding rule in *explain.
 */
int crm_access_decide(struct crm_ctx *ctx, const struct crm_access_opts *opts,
		      const struct crm_request *req, int64_t at_ms,
		      struct crm_access_explain *explain,
		      struct crm_outcome *out);

#endif
