/*
 * passwd.h - verifying a CRM account's password against its stored hash.
 *
 * Known and unknown users take the same path: the same lookup, one full
 * hash computation (a dummy hash for unknown ones), the same audit write
 * (a first login on an imported hash adds one hash: the upgrade).
 * The password policy's options live here too ([passwd] and
 * [passwd.role.NAME]); the checker is lib/core/pwpolicy.c.  Password
 * change comes with the password group (later).
 */
#ifndef CRM_PASSWD_H
#define CRM_PASSWD_H

#include "core/config.h"
#include "core/context.h"
#include "core/crm.h"
#include "core/pwpolicy.h"

/* What the decision takes, whoever asks. */
struct crm_passwd_opts {
	struct crm_common_opts common;
	struct crm_pwpolicy policy;
};

/* PAM-only: read by libpam's pam_get_authtok itself; listed so that they
 * are not reported as unknown. */
struct crm_passwd_pam_opts {
	int use_first_pass;
	int try_first_pass;
};

extern const struct crm_option crm_passwd_options[];
extern const size_t crm_passwd_option_count;

void crm_passwd_defaults(struct crm_passwd_opts *opts,
			 struct crm_passwd_pam_opts *pam);
int crm_passwd_load(struct crm_passwd_opts *opts,
		    struct crm_passwd_pam_opts *pam, int argc,
		    const char **argv, const struct crm_log *log);

/* crm_passwd_load, and the [passwd.role.NAME] sections into *roles
 * (free with crm_config_free_roles). */
int crm_passwd_load_roles(struct crm_passwd_opts *opts, int argc,
			  const char **argv, struct crm_role_sections *roles,
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

#endif
