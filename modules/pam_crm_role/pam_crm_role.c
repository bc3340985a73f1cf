/*
 * pam_crm_role - account status, roles for the front end and account
 * switching over the pam-crm database.
 *
 * PAM glue only: options, request, decide (lib/decide/role.c), finish.
 *  - account and session (open): refuse a disabled or suspended account
 *    or one without a role of require_role=, else export CRM_USER,
 *    CRM_ROLES, CRM_DATA_SCOPE, CRM_DEPARTMENT, CRM_PERMISSIONS (and
 *    CRM_SWITCHED_FROM after a switch in this handle).
 *  - auth with `switch`: PAM_RUSER asks to become PAM_USER; trust is
 *    PAM_SUCCESS, reauth PAM_IGNORE (the rest of the stack authenticates
 *    the target), anything else PAM_PERM_DENIED.  The grant is kept in
 *    the handle (pam_set_data) for the account and session phases.
 *    Without `switch`, auth is PAM_IGNORE.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "decide/decide.h"
#include "pam/pamglue.h"

#define MODULE_NAME "pam_crm_role"

/* The switch granted in this handle.  The name carries the version, as
 * every data name of ours does: two builds never share a layout. */
#define GRANT_DATA "pam_crm/" PACKAGE_VERSION "/switch"

static void
free_grant(pam_handle_t *pamh, void *data, int error_status)
{
	free(data);
}

static int
keep_grant(pam_handle_t *pamh, const struct crm_switch_grant *grant,
	   const struct crm_log *log)
{
	struct crm_switch_grant *copy = malloc(sizeof(*copy));

	if (copy == NULL) {
		crm_log(log, LOG_ERR, "cannot keep the switch: out of memory");
		return PAM_BUF_ERR;
	}
	*copy = *grant;
	if (pam_set_data(pamh, GRANT_DATA, copy, free_grant) != PAM_SUCCESS) {
		free(copy);
		crm_log(log, LOG_ERR, "cannot keep the switch");
		return PAM_BUF_ERR;
	}
	return PAM_SUCCESS;
}

/* This handle's grant, or NULL; writable so that the account phase can
 * mark it recorded. */
static struct crm_switch_grant *
find_grant(pam_handle_t *pamh)
{
	const void *data = NULL;

	if (pam_get_data(pamh, GRANT_DATA, &data) != PAM_SUCCESS)
		return NULL;
	return (struct crm_switch_grant *)(uintptr_t)data;
}

/* Every call starts the same: options and log. */
static int
load(pam_handle_t *pamh, int argc, const char **argv,
     struct crm_role_opts *opts, struct crm_log *log,
     struct crm_pam_finish *how)
{
	crm_role_defaults(opts);
	crm_pam_log_init(log, pamh, 0);
	if (crm_role_load(opts, argc, argv, log) != CRM_OK) {
		pam_syslog(pamh, LOG_ERR, "configuration unusable: denying");
		return how->denied;
	}
	log->debug = how->debug = opts->common.debug;
	how->silent = opts->common.silent;
	return PAM_SUCCESS;
}

static int
request(pam_handle_t *pamh, struct crm_pam_items *items,
	const struct crm_log *log, const struct crm_pam_finish *how)
{
	int rc = crm_pam_request(pamh, items, log);

	if (rc != PAM_SUCCESS)
		return rc == PAM_INCOMPLETE ? rc : how->denied;
	return PAM_SUCCESS;
}

static int
account(pam_handle_t *pamh, int flags, int argc, const char **argv,
	enum crm_role_phase phase)
{
	struct crm_role_opts opts;
	struct crm_pam_items items;
	struct crm_switch_grant *grant;
	struct crm_outcome out;
	struct crm_call call;
	struct crm_log log;
	struct crm_pam_finish how = {
		.module = MODULE_NAME,
		.flags = flags,
		.denied = PAM_PERM_DENIED,
	};
	int recorded = 0, rc;

	if ((rc = load(pamh, argc, argv, &opts, &log, &how)) != PAM_SUCCESS ||
	    (rc = request(pamh, &items, &log, &how)) != PAM_SUCCESS)
		return rc;
	grant = find_grant(pamh);
	call.kind = CRM_DECIDE_ROLE;
	call.argc = argc;
	call.argv = argv;
	call.req = &items.req;
	call.u.role.opts = &opts;
	call.u.role.phase = phase;
	call.u.role.grant = grant;
	call.u.role.recorded = &recorded;
	crm_pam_decide(pamh, &call, &log, &out);
	if (crm_role_refused_expired(&out))
		how.denied = PAM_ACCT_EXPIRED;
	rc = crm_pam_finish(pamh, &how, &items.req, &out, &log);
	/* switch_ok is written once per handle, however often the
	 * application asks for the account. */
	if (recorded && grant != NULL)
		grant->recorded = 1;
	return rc;
}

static int
switch_auth(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct crm_role_opts opts;
	struct crm_pam_items items;
	struct crm_switch_grant grant;
	struct crm_outcome out;
	struct crm_call call;
	struct crm_log log;
	struct crm_pam_finish how = {
		.module = MODULE_NAME,
		.flags = flags,
		.denied = PAM_PERM_DENIED,
	};
	int rc;

	if ((rc = load(pamh, argc, argv, &opts, &log, &how)) != PAM_SUCCESS)
		return rc;
	/* Not a switch service: nothing to say, and nothing to ask. */
	if (!opts.switch_auth)
		return PAM_IGNORE;
	if ((rc = request(pamh, &items, &log, &how)) != PAM_SUCCESS)
		return rc;
	/* A grant of an earlier attempt in this handle never carries over
	 * to this one. */
	if (find_grant(pamh) != NULL &&
	    pam_set_data(pamh, GRANT_DATA, NULL, NULL) != PAM_SUCCESS)
		return PAM_BUF_ERR;
	call.kind = CRM_DECIDE_SWITCH;
	call.argc = argc;
	call.argv = argv;
	call.req = &items.req;
	call.u.sw.opts = &opts;
	call.u.sw.grant = &grant;
	crm_pam_decide(pamh, &call, &log, &out);
	rc = crm_pam_finish(pamh, &how, &items.req, &out, &log);
	if (rc == PAM_SUCCESS || rc == PAM_IGNORE) {
		int kept = keep_grant(pamh, &grant, &log);

		if (kept != PAM_SUCCESS)
			rc = kept;
	}
	return rc;
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
		    const char **argv)
{
	return switch_auth(pamh, flags, argc, argv);
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_SUCCESS;
}

int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return account(pamh, flags, argc, argv, CRM_ROLE_ACCOUNT);
}

int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
		    const char **argv)
{
	return account(pamh, flags, argc, argv, CRM_ROLE_SESSION);
}

int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
		     const char **argv)
{
	return PAM_SUCCESS;
}

int
pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}
