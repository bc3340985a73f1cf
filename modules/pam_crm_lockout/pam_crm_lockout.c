/*
 * pam_crm_lockout - failed-login lockout over the pam-crm database.
 *
 * PAM glue only: options, request, decide (lib/decide/lockout.c), finish.
 */
#include "autoconfig.h"

#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "decide/decide.h"
#include "pam/pamglue.h"

#define MODULE_NAME "pam_crm_lockout"

/* faillock asks for the same: a pause that slows guessing. */
#define DENY_DELAY_USEC 2000000

static int
run(pam_handle_t *pamh, int flags, int argc, const char **argv,
    int account)
{
	struct crm_lockout_opts opts;
	struct crm_lockout_pam_opts pam;
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

	crm_lockout_defaults(&opts, &pam);
	crm_pam_log_init(&log, pamh, 0);
	if (!account)
		pam.phase = CRM_LOCKOUT_PREAUTH;
	if (crm_lockout_load(&opts, &pam, argc, argv, &log) != CRM_OK) {
		pam_syslog(pamh, LOG_ERR, "configuration unusable: denying");
		return how.denied;
	}
	log.debug = how.debug = opts.common.debug;
	how.silent = opts.common.silent;
	how.fail_delay_usec = pam.nodelay ? 0 : DENY_DELAY_USEC;

	rc = crm_pam_request(pamh, &items, &log);
	if (rc != PAM_SUCCESS) {
		rc = rc == PAM_INCOMPLETE ? rc : how.denied;
		goto out;
	}
	call.kind = CRM_DECIDE_LOCKOUT;
	call.argc = argc;
	call.argv = argv;
	call.req = &items.req;
	call.u.lockout.opts = &opts;
	call.u.lockout.phase = account ? CRM_LOCKOUT_ACCOUNT
				       : (enum crm_lockout_phase)pam.phase;
	crm_pam_decide(pamh, &call, &log, &out);
	rc = crm_pam_finish(pamh, &how, &items.req, &out, &log);
out:
	crm_lockout_free(&opts);
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
