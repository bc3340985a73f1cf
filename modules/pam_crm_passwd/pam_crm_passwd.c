/*
 * pam_crm_passwd - password verification against the pam-crm database.
 *
 * PAM glue only: the password comes from pam_get_authtok (which honours
 * use_first_pass / try_first_pass), lib/passwd.c decides.
 */
#include "autoconfig.h"

#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "pam/pamglue.h"
#include "decide/passwd.h"

#define MODULE_NAME "pam_crm_passwd"

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
		    const char **argv)
{
	struct crm_passwd_opts opts;
	struct crm_request req;
	struct crm_outcome out;
	struct crm_ctx *ctx = NULL;
	struct crm_log log;
	const char *password = NULL;
	int rc;

	crm_passwd_defaults(&opts);
	crm_pam_log_init(&log, pamh, 0);
	if (crm_passwd_load(&opts, argc, argv, &log) != CRM_OK) {
		pam_syslog(pamh, LOG_ERR, "configuration unusable: denying");
		return PAM_AUTH_ERR;
	}
	log.debug = opts.common.debug;

	rc = crm_pam_request(pamh, &req, &log);
	if (rc != PAM_SUCCESS)
		return rc == PAM_INCOMPLETE ? rc : PAM_AUTH_ERR;
	/* Open the database before asking: a broken one refuses everyone
	 * alike, before a password is typed. */
	rc = crm_pam_context(pamh, &opts.common, &log, &ctx);
	if (rc != PAM_SUCCESS)
		return rc == PAM_BUF_ERR ? rc : PAM_AUTH_ERR;

	rc = pam_get_authtok(pamh, PAM_AUTHTOK, &password, NULL);
	if (rc != PAM_SUCCESS) {
		crm_log(&log, LOG_NOTICE, "no password: %s",
			pam_strerror(pamh, rc));
		return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : PAM_AUTH_ERR;
	}

	crm_passwd_verify(ctx, &opts, &req, password, &out);
	crm_pam_log_outcome(&log, MODULE_NAME, &req, &out, NULL);
	switch (out.verdict) {
	case CRM_ALLOW:
		/* The CRM account the front end may trust from here on;
		 * pam_crm_role adds roles and scope to it. */
		return crm_pam_putenv(pamh, "CRM_USER", req.user, &log);
	case CRM_IGNORE:
		return PAM_IGNORE;
	case CRM_DENY:
		return PAM_AUTH_ERR;
	case CRM_FAIL:
	default:
		return out.status == CRM_ENOMEM ? PAM_BUF_ERR : PAM_AUTH_ERR;
	}
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_SUCCESS;
}
