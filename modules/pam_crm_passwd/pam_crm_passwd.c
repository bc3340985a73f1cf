/*
 * pam_crm_passwd - password verification against the pam-crm database.
 *
 * PAM glue only: options, request, the password from pam_get_authtok
 * (which honours use_first_pass / try_first_pass), decide
 * (lib/decide/passwd.c), finish.
 */
#include "autoconfig.h"

#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "decide/decide.h"
#include "pam/pamglue.h"

#define MODULE_NAME "pam_crm_passwd"

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
		    const char **argv)
{
	struct crm_passwd_opts opts;
	struct crm_passwd_pam_opts pam;
	struct crm_pam_items items;
	struct crm_outcome out;
	struct crm_call call;
	struct crm_log log;
	struct crm_pam_finish how = {
		.module = MODULE_NAME,
		.flags = flags,
		.denied = PAM_AUTH_ERR,
	};
	const char *password = NULL;
	int rc;

	crm_passwd_defaults(&opts, &pam);
	crm_pam_log_init(&log, pamh, 0);
	if (crm_passwd_load(&opts, &pam, argc, argv, &log) != CRM_OK) {
		pam_syslog(pamh, LOG_ERR, "configuration unusable: denying");
		return PAM_AUTH_ERR;
	}
	log.debug = how.debug = opts.common.debug;
	how.silent = opts.common.silent;

	rc = crm_pam_request(pamh, &items, &log);
	if (rc != PAM_SUCCESS)
		return rc == PAM_INCOMPLETE ? rc : PAM_AUTH_ERR;
	rc = pam_get_authtok(pamh, PAM_AUTHTOK, &password, NULL);
	if (rc != PAM_SUCCESS) {
		crm_log(&log, LOG_NOTICE, "no password: %s",
			pam_strerror(pamh, rc));
		return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : PAM_AUTH_ERR;
	}
	call.kind = CRM_DECIDE_PASSWD;
	call.req = &items.req;
	call.u.passwd.opts = &opts;
	call.u.passwd.password = password;
	crm_pam_decide(pamh, &call, &log, &out);
	return crm_pam_finish(pamh, &how, &items.req, &out, &log);
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_SUCCESS;
}
