/*
 * passwd.h - verifying a CRM account's password against its stored hash.
 *
 * Known and unknown users take the same path: the same lookup, one full
 * hash computation (a dummy hash for unknown ones), the same audit write
 * (a first login on an imported hash adds one hash: the upgrade).
 * The password policy's options live here too ([passwd] and
 * [passwd.role.NAME]); the checker is lib/core/pwpolicy.c.  Ageing
 * (account) and the change (password group) are lib/decide/pwchange.c.
 */
#ifndef CRM_PASSWD_H
#define CRM_PASSWD_H

#include "core/config.h"
#include "core/context.h"
#include "core/crm.h"
#include "core/pwpolicy.h"

#include "decide/lockout.h"

/* Where a changed password goes. */
enum crm_passwd_store {
	CRM_PASSWD_STORE_DB,	/* the CRM account's hash in the database */
	CRM_PASSWD_STORE_NEXT,	/* PAM_AUTHTOK, for pam_unix use_authtok */
};

/* What the decision takes, whoever asks. */
struct crm_passwd_opts {
	struct crm_common_opts common;
	struct crm_pwpolicy policy;
	unsigned long remember;		/* history depth; 0: none */
	unsigned long max_age;		/* days; 0: never expires */
	unsigned long warn_age;		/* days before max_age */
	unsigned long min_age;		/* days between two changes */
	unsigned int store;		/* enum crm_passwd_store */
};

/* PAM-only: use_first_pass, try_first_pass and use_authtok are read by
 * libpam's pam_get_authtok itself; listed so that they are not reported
 * as unknown.  retry: how often the password group asks again. */
struct crm_passwd_pam_opts {
	int use_first_pass;
	int try_first_pass;
	int use_authtok;
	unsigned long retry;
};

extern const struct crm_option crm_passwd_options[];
extern const size_t crm_passwd_option_count;

void crm_passwd_defaults(struct crm_passwd_opts *opts,
			 struct crm_passwd_pam_opts *pam);
int crm_passwd_load(struct crm_passwd_opts *opts,
		    struct crm_passwd_pam_opts *pam, int argc,
		    const char **argv, const struct crm_log *log);

/* crm_passwd_load, and the [passwd.role.NAME] sections into *roles
 * (free with crm_config_free_roles).  pam may be NULL (a tool). */
int crm_passwd_load_roles(struct crm_passwd_opts *opts,
			  struct crm_passwd_pam_opts *pam, int argc,
			  const char **argv, struct crm_role_sections *roles,
			  const struct crm_log *log);

/* pam_crm_lockout's settings from the configuration file and database
 * of opts, so that a wrong current password counts as a failed login
 * (free with crm_lockout_free). */
int crm_passwd_lockout_load(const struct crm_passwd_opts *opts,
			    struct crm_lockout_opts *lockout,
			    const struct crm_log *log);

/*
 * The policy in force for user: opts->policy with the overrides of the
 * user's roles.  A user with several configured roles gets the strictest
 * value of each option: the largest minlen, minclass and difok, the
 * smallest limit of maxrepeat, maxsequence and maxclassrepeat (0 = off is
 * the least strict), usercheck, dictcheck and enforce_for_root when any
 * role sets them.  dictpath and breached are not per role.
 */
int crm_passwd_policy_for(struct crm_store *store,
			  const struct crm_passwd_opts *opts,
			  const struct crm_role_sections *roles,
			  const char *user, struct crm_pwpolicy *out,
			  const struct crm_log *log);

/*
 * On a right password: CRM_ALLOW, out->authenticated, CRM_USER in the
 * outcome's environment.  A right password stored under an older scheme
 * ($6$, $5$, $2b$, or yescrypt at another cost) is hashed again with
 * yescrypt at the default cost, so that the account answers in the same
 * time as every other (and as an unknown name).
 */

int crm_passwd_verify(struct crm_ctx *ctx, const struct crm_passwd_opts *opts,
		      const struct crm_request *req, const char *password,
		      struct crm_outcome *out);

/* ---- ageing (account) and change (password), lib/decide/pwchange.c ---- */

/*
 * Account phase: an administrator's flag (crmauth user expire, or a
 * temporary password) or a password older than max_age days refuses
 * with new_authtok_required and CRM_STATUS=expired (audited); within
 * warn_age days of max_age it allows with "Your password will expire in
 * N days".  An account without a password, or whose password's age is
 * unknown (0: set by an import that had none), does not age.
 */
int crm_passwd_account(struct crm_ctx *ctx, const struct crm_passwd_opts *opts,
		       const struct crm_request *req, struct crm_outcome *out);

/* How a change is asked for. */
#define CRM_PWCHANGE_ADMIN	0x1	/* root or crmauth: no current
					 * password, no min_age */
#define CRM_PWCHANGE_WARN_ONLY	0x2	/* policy failures are warnings
					 * (root without enforce_for_root,
					 * crmauth --force; audited) */
#define CRM_PWCHANGE_EXPIRE	0x4	/* must change at the next login */
#define CRM_PWCHANGE_CHECK_ONLY	0x8	/* check, store nothing (before the
					 * retype); a rejection is audited */

/*
 * The first step of a change (pam_chauthtok's preliminary check):
 * whether user may change the password now.  Unless CRM_PWCHANGE_ADMIN:
 * current is checked against the stored hash (one full hash, unknown
 * users too), a wrong one counts as a failed login in pam_crm_lockout's
 * tally when lockout is given (a locked user is refused first), and
 * min_age is enforced.  With store=next nothing is checked here: the
 * next module (pam_unix) owns the password.
 */
int crm_passwd_change_begin(struct crm_ctx *ctx,
			    const struct crm_passwd_opts *opts,
			    const struct crm_lockout_opts *lockout,
			    const struct crm_request *req, const char *current,
			    unsigned int how, struct crm_outcome *out);

/*
 * Check fresh against the policy for user (roles: [passwd.role.NAME],
 * may be NULL) and the last `remember` passwords; every reason goes in
 * out->message, one a line, and the reason classes in the audit row
 * (password_rejected).  Passing: with store=db the new hash is stored,
 * its age reset and the must-change flag cleared (set with
 * CRM_PWCHANGE_EXPIRE), with the history and the audit row
 * (password_changed) in the same transaction; with store=next only the
 * history and the row are written and the caller hands fresh on.
 * current is the old password when known (difok), else NULL.
 */
int crm_passwd_change(struct crm_ctx *ctx, const struct crm_passwd_opts *opts,
		      const struct crm_role_sections *roles,
		      const struct crm_request *req, const char *current,
		      const char *fresh, unsigned int how,
		      struct crm_outcome *out);

#endif
