/*
 * pam_crm_passwd - CRM passwords: verification (auth), ageing (account)
 * and change under the password policy (password).
 *
 * PAM glue only: options, request, the secrets from pam_get_authtok
 * (which honours use_first_pass / try_first_pass / use_authtok and asks
 * "Current password: ", "New password: ", "Retype new password: "),
 * decide (lib/decide/passwd.c, pwchange.c), finish.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "decide/decide.h"
#include "pam/pamglue.h"

#define MODULE_NAME "pam_crm_passwd"
/* This handle passed the first step of a change for the user. */
#define BEGIN_MARK "passwd-begin"

/* Everything a call of this module holds; passwd_end frees it. */
struct passwd_call {
	struct crm_passwd_opts opts;
	struct crm_passwd_pam_opts pam;
	struct crm_role_sections roles;
	struct crm_pam_items items;
	struct crm_log log;
	struct crm_pam_finish how;
	int argc;
	const char **argv;
};

/* Options (and, for a change, the role sections), then the request.
 * A PAM code; PAM_SUCCESS to go on. */
static int
passwd_start(pam_handle_t *pamh, int flags, int argc, const char **argv,
	     int denied, int with_roles, struct passwd_call *c)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->argc = argc;
	c->argv = argv;
	crm_passwd_defaults(&c->opts, &c->pam);
	crm_pam_log_init(&c->log, pamh, 0);
	c->how.module = MODULE_NAME;
	c->how.flags = flags;
	c->how.denied = denied;
	rc = with_roles ? crm_passwd_load_roles(&c->opts, &c->pam, argc, argv,
						&c->roles, &c->log)
			: crm_passwd_load(&c->opts, &c->pam, argc, argv,
					  &c->log);
	if (rc != CRM_OK) {
		pam_syslog(pamh, LOG_ERR, "configuration unusable: denying");
		return denied;
	}
	c->log.debug = c->how.debug = c->opts.common.debug;
	c->how.silent = c->opts.common.silent;
	rc = crm_pam_request(pamh, &c->items, &c->log);
	if (rc != PAM_SUCCESS)
		return rc == PAM_INCOMPLETE ? rc : denied;
	return PAM_SUCCESS;
}

static void
passwd_end(struct passwd_call *c)
{
	crm_config_free_roles(&c->roles);
}

static void
passwd_call_init(struct crm_call *call, const struct passwd_call *c,
		 enum crm_passwd_phase phase)
{
	memset(call, 0, sizeof(*call));
	call->kind = CRM_DECIDE_PASSWD;
	call->req = &c->items.req;
	call->argc = c->argc;
	call->argv = c->argv;
	call->u.passwd.opts = &c->opts;
	call->u.passwd.phase = phase;
	call->u.passwd.roles = &c->roles;
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
		    const char **argv)
{
	struct passwd_call c;
	struct crm_outcome out;
	struct crm_call call;
	const char *password = NULL;
	int rc;

	rc = passwd_start(pamh, flags, argc, argv, PAM_AUTH_ERR, 0, &c);
	if (rc != PAM_SUCCESS)
		goto out;
	rc = pam_get_authtok(pamh, PAM_AUTHTOK, &password, NULL);
	if (rc != PAM_SUCCESS) {
		crm_log(&c.log, LOG_NOTICE, "no password: %s",
			pam_strerror(pamh, rc));
		rc = rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : PAM_AUTH_ERR;
		goto out;
	}
	passwd_call_init(&call, &c, CRM_PASSWD_AUTH);
	call.u.passwd.password = password;
	crm_pam_decide(pamh, &call, &c.log, &out);
	rc = crm_pam_finish(pamh, &c.how, &c.items.req, &out, &c.log);
out:
	passwd_end(&c);
	return rc;
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_SUCCESS;
}

/* Expired or flagged: PAM_NEW_AUTHTOK_REQD (crm_pam_finish); soon to
 * expire: the warning. */
int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct passwd_call c;
	struct crm_outcome out;
	struct crm_call call;
	int rc;

	rc = passwd_start(pamh, flags, argc, argv, PAM_PERM_DENIED, 0, &c);
	if (rc == PAM_SUCCESS) {
		passwd_call_init(&call, &c, CRM_PASSWD_ACCOUNT);
		crm_pam_decide(pamh, &call, &c.log, &out);
		rc = crm_pam_finish(pamh, &c.how, &c.items.req, &out, &c.log);
	}
	passwd_end(&c);
	return rc;
}

/* The preliminary check: may this user change the password now. */
static int
change_begin(pam_handle_t *pamh, struct passwd_call *c, int admin)
{
	struct crm_lockout_opts lockout;
	struct crm_outcome out;
	struct crm_call call;
	const char *current = NULL;
	int rc;

	if (c->opts.store == CRM_PASSWD_STORE_NEXT)
		return PAM_SUCCESS;	/* the next module owns the password */
	if (!admin) {
		rc = pam_get_authtok(pamh, PAM_OLDAUTHTOK, &current, NULL);
		if (rc != PAM_SUCCESS) {
			crm_log(&c->log, LOG_NOTICE, "no current password: %s",
				pam_strerror(pamh, rc));
			return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE
						    : PAM_AUTHTOK_RECOVERY_ERR;
		}
	}
	if (crm_passwd_lockout_load(&c->opts, &lockout, &c->log) != CRM_OK) {
		crm_log(&c->log, LOG_ERR, "[lockout] unusable: denying");
		return PAM_AUTHTOK_ERR;
	}
	passwd_call_init(&call, c, CRM_PASSWD_CHANGE_BEGIN);
	call.u.passwd.password = current;
	call.u.passwd.lockout = &lockout;
	call.u.passwd.how = admin ? CRM_PWCHANGE_ADMIN : 0;
	crm_pam_decide(pamh, &call, &c->log, &out);
	crm_lockout_free(&lockout);
	if (out.verdict == CRM_DENY && strcmp(out.event, "auth_fail") == 0)
		c->how.denied = PAM_AUTH_ERR;
	rc = crm_pam_finish(pamh, &c->how, &c->items.req, &out, &c->log);
	if (rc == PAM_SUCCESS)
		rc = crm_pam_mark_user(pamh, BEGIN_MARK, c->items.req.user);
	else
		(void)pam_set_item(pamh, PAM_OLDAUTHTOK, NULL);
	return rc;
}

/* The new password: asked, checked (every reason told), retyped, kept;
 * up to retry times. */
static int
change_update(pam_handle_t *pamh, struct passwd_call *c, int admin)
{
	struct crm_outcome out;
	struct crm_call call;
	const void *item = NULL;
	const char *current, *fresh = NULL;
	unsigned int how = 0;
	unsigned long attempt;
	int rc;

	/* Only a handle whose first step passed changes a stored hash:
	 * a stack that lets the preliminary check fail (optional) must
	 * not make it a change without the current password. */
	if (c->opts.store == CRM_PASSWD_STORE_DB &&
	    !crm_pam_user_marked(pamh, BEGIN_MARK, c->items.req.user)) {
		crm_log(&c->log, LOG_ERR, "password change for %s without "
			"its preliminary check: refused", c->items.req.user);
		return PAM_AUTHTOK_ERR;
	}
	if (pam_get_item(pamh, PAM_OLDAUTHTOK, &item) != PAM_SUCCESS)
		item = NULL;
	current = item;
	if (admin)
		how |= CRM_PWCHANGE_ADMIN;
	if (admin && !c->opts.policy.enforce_for_root)
		how |= CRM_PWCHANGE_WARN_ONLY;

	for (attempt = 0; attempt < c->pam.retry; attempt++) {
		rc = pam_get_authtok_noverify(pamh, &fresh, NULL);
		if (rc != PAM_SUCCESS || fresh == NULL) {
			crm_log(&c->log, LOG_NOTICE, "no new password: %s",
				pam_strerror(pamh, rc));
			return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE
						    : PAM_AUTHTOK_ERR;
		}
		passwd_call_init(&call, c, CRM_PASSWD_CHANGE);
		call.u.passwd.password = fresh;
		call.u.passwd.current = current;
		call.u.passwd.how = how | CRM_PWCHANGE_CHECK_ONLY;
		crm_pam_decide(pamh, &call, &c->log, &out);
		rc = crm_pam_finish(pamh, &c->how, &c->items.req, &out,
				    &c->log);
		if (out.verdict == CRM_FAIL)
			return rc;
		if (rc != PAM_SUCCESS) {
			/* Another, unless the password came from an earlier
			 * module. */
			if (c->pam.use_authtok)
				return PAM_AUTHTOK_ERR;
			(void)pam_set_item(pamh, PAM_AUTHTOK, NULL);
			continue;
		}
		rc = pam_get_authtok_verify(pamh, &fresh, NULL);
		if (rc != PAM_SUCCESS) {
			/* libpam said "Sorry, passwords do not match." */
			(void)pam_set_item(pamh, PAM_AUTHTOK, NULL);
			if (rc == PAM_CONV_AGAIN)
				return PAM_INCOMPLETE;
			continue;
		}
		passwd_call_init(&call, c, CRM_PASSWD_CHANGE);
		call.u.passwd.password = fresh;
		call.u.passwd.current = current;
		call.u.passwd.how = how;
		crm_pam_decide(pamh, &call, &c->log, &out);
		out.message[0] = '\0';	/* told at the check */
		return crm_pam_finish(pamh, &c->how, &c->items.req, &out,
				      &c->log);
	}
	crm_log(&c->log, LOG_NOTICE, "%s: no acceptable password after %lu "
		"tries", c->items.req.user, c->pam.retry);
	return PAM_AUTHTOK_ERR;
}

int
pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct passwd_call c;
	int admin, rc;

	rc = passwd_start(pamh, flags, argc, argv, PAM_AUTHTOK_ERR, 1, &c);
	if (rc != PAM_SUCCESS)
		goto out;
	/* As pam_unix and pam_pwquality decide it: root changing a
	 * password is an administrator (no current password, and the
	 * policy warns only, unless enforce_for_root); root changing an
	 * expired one at login is the user. */
	admin = getuid() == 0 && !(flags & PAM_CHANGE_EXPIRED_AUTHTOK);
	if (flags & PAM_PRELIM_CHECK)
		rc = change_begin(pamh, &c, admin);
	else if (flags & PAM_UPDATE_AUTHTOK)
		rc = change_update(pamh, &c, admin);
	else
		rc = PAM_SERVICE_ERR;
out:
	passwd_end(&c);
	return rc;
}
