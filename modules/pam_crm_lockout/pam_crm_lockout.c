/*
 * pam_crm_lockout - failed-login lockout over the pam-crm database.
 *
 * PAM glue only: options and items in, lib/lockout.c decides, the outcome
 * becomes a return code, a message and a log line.
 */
#include "autoconfig.h"

#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "decide/lockout.h"
#include "pam/pamglue.h"

#define MODULE_NAME "pam_crm_lockout"

/* faillock asks for the same: a pause that slows guessing. */
#define DENY_DELAY_USEC 2000000

static int
run(pam_handle_t *pamh, int flags, int argc, const char **argv,
    int account)
{
	int denied = account ? PAM_PERM_DENIED : PAM_AUTH_ERR;
	struct crm_lockout_opts opts;
	struct crm_request req;
	struct crm_outcome out;
	struct crm_ctx *ctx = NULL;
	struct crm_log log;
	enum crm_lockout_phase phase;
	int rc;

	crm_lockout_defaults(&opts);
	crm_pam_log_init(&log, pamh, 0);
	if (!account)
		opts.phase = CRM_LOCKOUT_PREAUTH;
	if (crm_lockout_load(&opts, argc, argv, &log) != CRM_OK) {
		pam_syslog(pamh, LOG_ERR, "configuration unusable: denying");
		return denied;
	}
	log.debug = opts.common.debug;
	phase = account ? CRM_LOCKOUT_ACCOUNT : (enum crm_lockout_phase)opts.phase;

	rc = crm_pam_request(pamh, &req, &log);
	if (rc != PAM_SUCCESS) {
		rc = rc == PAM_INCOMPLETE ? rc : denied;
		goto out;
	}
	rc = crm_pam_context(pamh, &opts.common, &log, &ctx);
	if (rc != PAM_SUCCESS) {
		rc = rc == PAM_BUF_ERR ? rc : denied;
		goto out;
	}

	crm_lockout_decide(ctx, &opts, phase, &req, &out);
	if (strcmp(out.event, "lockout_ok") != 0 || opts.common.debug)
		crm_pam_log_outcome(&log, MODULE_NAME, &req, &out, NULL);

	switch (out.verdict) {
	case CRM_ALLOW:
		rc = PAM_SUCCESS;
		break;
	case CRM_IGNORE:
		rc = PAM_IGNORE;
		break;
	case CRM_DENY:
		crm_pam_tell(pamh, flags, opts.common.silent, PAM_ERROR_MSG,
			     out.message);
		if (!opts.nodelay)
			pam_fail_delay(pamh, DENY_DELAY_USEC);
		rc = denied;
		break;
	case CRM_FAIL:
	default:
		rc = out.status == CRM_ENOMEM ? PAM_BUF_ERR : denied;
		break;
	}
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
