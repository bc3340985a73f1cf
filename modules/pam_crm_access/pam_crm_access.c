/*
 * pam_crm_access - IP allowlisting and login hours over the pam-crm
 * database.
 *
 * PAM glue only: options, request, decide (lib/decide/access.c), finish.
 * In the auth group it stands first, so that a refused address or hour
 * is refused before any prompt; there an allowed login is PAM_IGNORE,
 * never PAM_SUCCESS, so that no stack can take the rule for an
 * authentication.  In the account group an allowed login is
 * PAM_SUCCESS.
 */
#include "autoconfig.h"

#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "decide/decide.h"
#include "pam/pamglue.h"

#define MODULE_NAME "pam_crm_access"

static int
run(pam_handle_t *pamh, int flags, int argc, const char **argv,
    int account)
{
	struct crm_access_opts opts;
	struct crm_access_pam_opts pam;
	struct crm_pam_items items;
	struct crm_outcome out;
	struct crm_call call;
	struct crm_log log;
	struct crm_pam_finish how = {
		.module = MODULE_NAME,
		.flags = flags,
		.denied = account ? PAM_PERM_DENIED : PAM_AUTH_ERR,
	};
	int rc;

	crm_access_defaults(&opts, &pam);
	crm_pam_log_init(&log, pamh, 0);
	if (crm_access_load(&opts, &pam, argc, argv, &log) != CRM_OK) {
		pam_syslog(pamh, LOG_ERR, "configuration unusable: denying");
		return how.denied;
	}
	log.debug = how.debug = opts.common.debug;
	how.silent = opts.common.silent;

	/* The user is needed (rules name users and roles); in the auth
	 * group this may be the conversation's first prompt, the one
	 * before any secret. */
	rc = crm_pam_request(pamh, &items, &log);
	if (rc != PAM_SUCCESS)
		return rc == PAM_INCOMPLETE ? rc : how.denied;
	call.kind = CRM_DECIDE_ACCESS;
	call.argc = argc;
	call.argv = argv;
	call.req = &items.req;
	call.u.access.opts = &opts;
	call.u.access.at_ms = 0;
	call.u.access.explain = NULL;
	crm_pam_decide(pamh, &call, &log, &out);
	rc = crm_pam_finish(pamh, &how, &items.req, &out, &log);
	if (!account && rc == PAM_SUCCESS)
		rc = PAM_IGNORE;
	return rc;
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
		    const char **argv)
{
	return run(pamh, flags, argc, argv, 0);
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_SUCCESS;
}

int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return run(pamh, flags, argc, argv, 1);
}
