/*
 * passwd.h - verifying a CRM account's password against its stored hash.
 *
 * Known and unknown users take the same path: the same lookup, one full
 * hash computation (a dummy hash for unknown ones), the same audit write
 * (a first login on an imported hash adds one hash: the upgrade).
 * Password policy and change come with the password group (later).
 */
#ifndef CRM_PASSWD_H
#define CRM_PASSWD_H

#include "core/config.h"
#include "core/context.h"
#include "core/crm.h"

/* What the decision takes, whoever asks. */
struct crm_passwd_opts {
	struct crm_common_opts common;
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
