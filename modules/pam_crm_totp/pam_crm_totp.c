/*
 * pam_crm_totp - TOTP second factor over the pam-crm database.
 *
 * PAM glue only: options, request, decide (lib/decide/totp.c: whether to
 * ask, then the answer), finish.  Between the two calls this file holds
 * the conversation: a new seed's QR and URI when enrolment happens at
 * login, the prompt (or, with concat, the code cut off the password),
 * the recovery codes a confirmed enrolment made.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "core/crypto.h"
#include "core/qr.h"
#include "decide/decide.h"
#include "pam/pamglue.h"

#define MODULE_NAME "pam_crm_totp"

/* As pam_crm_lockout's: a pause that slows guessing. */
#define DENY_DELAY_USEC 2000000

static void
info(pam_handle_t *pamh, int quiet, const char *text)
{
	if (!quiet)
		pam_prompt(pamh, PAM_TEXT_INFO, NULL, "%s", text);
}

/* The seed of an enrolment made at login: a QR to scan, and the URI for
 * those who type it.  Both hold the secret: cleansed after use. */
static void
show_enrolment(pam_handle_t *pamh, int quiet,
	       const struct crm_totp_reveal *reveal, const struct crm_log *log)
{
	char *qr = NULL;

	info(pamh, quiet, "Two-factor authentication is required for this "
	     "account. Scan this code with an authenticator app, or enter "
	     "the link below in it, then answer with the code it shows.");
	if (crm_qr_text(reveal->uri, CRM_QR_ANSI, &qr) == CRM_OK) {
		info(pamh, quiet, qr);
		crm_cleanse(qr, strlen(qr));
		free(qr);
	} else {
		crm_log(log, LOG_ERR, "cannot draw the enrolment QR code");
	}
	info(pamh, quiet, reveal->uri);
}

static void
show_recovery(pam_handle_t *pamh, int quiet,
	      const struct crm_totp_reveal *reveal)
{
	char text[CRM_TOTP_RECOVERY_CODES * (CRM_TOTP_RECOVERY_LEN + 1) + 128];
	size_t i, len;

	len = (size_t)snprintf(text, sizeof(text), "Recovery codes, each "
			       "good for one login without the app; keep "
			       "them safe, they are not shown again:");
	for (i = 0; i < reveal->recovery_count && len < sizeof(text); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"\n  %s", reveal->recovery[i]);
	info(pamh, quiet, text);
	crm_cleanse(text, sizeof(text));
}

/*
 * concat: the front end sent one secret, the password followed by the
 * code.  It is read before anything is decided, so that the password
 * module after this one finds it whether a code is asked or not.
 */
static int
get_both(pam_handle_t *pamh, const struct crm_log *log)
{
	const char *token = NULL;
	int rc;

	rc = pam_get_authtok(pamh, PAM_AUTHTOK, &token, NULL);
	if (rc != PAM_SUCCESS || token == NULL) {
		crm_log(log, LOG_NOTICE, "concat: no password and code");
		return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : PAM_AUTH_ERR;
	}
	return PAM_SUCCESS;
}

/* A code is asked: cut the last digits characters off, and leave the
 * rest as the password.  *code is malloc'd (cleansed and freed by the
 * caller). */
static int
split_authtok(pam_handle_t *pamh, unsigned int digits, char **code)
{
	const void *item = NULL;
	const char *token;
	char *password;
	size_t len;
	int rc;

	*code = NULL;
	rc = pam_get_item(pamh, PAM_AUTHTOK, &item);
	if (rc != PAM_SUCCESS || item == NULL)
		return PAM_AUTH_ERR;
	token = item;
	len = strlen(token);
	if (len < digits) {
		*code = strdup("");
		return *code != NULL ? PAM_SUCCESS : PAM_BUF_ERR;
	}
	*code = strdup(token + len - digits);
	password = strndup(token, len - digits);
	if (*code == NULL || password == NULL) {
		free(password);
		return PAM_BUF_ERR;
	}
	rc = pam_set_item(pamh, PAM_AUTHTOK, password);
	crm_cleanse(password, strlen(password));
	free(password);
	return rc;
}

static int
ask_code(pam_handle_t *pamh, const char *prompt, char **code)
{
	int rc;

	*code = NULL;
	rc = pam_prompt(pamh, PAM_PROMPT_ECHO_ON, code, "%s", prompt);
	if (rc != PAM_SUCCESS)
		return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : PAM_AUTH_ERR;
	if (*code == NULL) {
		*code = strdup("");
		if (*code == NULL)
			return PAM_BUF_ERR;
	}
	return PAM_SUCCESS;
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
		    const char **argv)
{
	struct crm_totp_opts opts;
	struct crm_totp_pam_opts pam;
	struct crm_totp_reveal reveal;
	struct crm_pam_items items;
	struct crm_outcome out;
	struct crm_call call;
	struct crm_log log;
	struct crm_pam_finish how = {
		.module = MODULE_NAME,
		.flags = flags,
		.denied = PAM_AUTH_ERR,
	};
	char *code = NULL;
	int rc, quiet;

	memset(&reveal, 0, sizeof(reveal));
	crm_totp_defaults(&opts, &pam);
	crm_pam_log_init(&log, pamh, 0);
	if (crm_totp_load(&opts, &pam, argc, argv, &log) != CRM_OK) {
		pam_syslog(pamh, LOG_ERR, "configuration unusable: denying");
		crm_totp_free(&opts);
		return PAM_AUTH_ERR;
	}
	log.debug = how.debug = opts.common.debug;
	how.silent = opts.common.silent;
	how.fail_delay_usec = pam.nodelay ? 0 : DENY_DELAY_USEC;
	quiet = how.silent || (flags & PAM_SILENT);

	rc = crm_pam_request(pamh, &items, &log);
	if (rc == PAM_SUCCESS && pam.concat)
		rc = get_both(pamh, &log);
	if (rc != PAM_SUCCESS) {
		rc = rc == PAM_INCOMPLETE ? rc : PAM_AUTH_ERR;
		goto out;
	}
	call.kind = CRM_DECIDE_TOTP;
	call.argc = argc;
	call.argv = argv;
	call.req = &items.req;
	call.u.totp.opts = &opts;
	call.u.totp.phase = CRM_TOTP_BEGIN;
	call.u.totp.code = NULL;
	call.u.totp.reveal = &reveal;
	crm_pam_decide(pamh, &call, &log, &out);
	if (out.verdict != CRM_ASK) {
		rc = crm_pam_finish(pamh, &how, &items.req, &out, &log);
		goto out;
	}

	if (pam.concat && reveal.optional) {
		/* One secret, and an enrolment nobody confirmed yet: the
		 * secret is taken as the password alone, as before the
		 * enrolment (confirm it with crmauth totp confirm). */
		out.verdict = CRM_IGNORE;
		out.event = "totp_enrol_pending";
		rc = crm_pam_finish(pamh, &how, &items.req, &out, &log);
		goto out;
	}
	if (reveal.uri[0] != '\0')
		show_enrolment(pamh, quiet, &reveal, &log);
	if (pam.concat)
		rc = split_authtok(pamh, reveal.digits, &code);
	else
		rc = ask_code(pamh, pam.prompt, &code);
	crm_totp_reveal_clear(&reveal);
	if (rc != PAM_SUCCESS)
		goto out;

	call.u.totp.phase = CRM_TOTP_ANSWER;
	call.u.totp.code = code;
	crm_pam_decide(pamh, &call, &log, &out);
	if (reveal.recovery_count > 0 && out.verdict == CRM_ALLOW)
		show_recovery(pamh, quiet, &reveal);
	rc = crm_pam_finish(pamh, &how, &items.req, &out, &log);
out:
	if (code != NULL) {
		crm_cleanse(code, strlen(code));
		free(code);
	}
	crm_totp_reveal_clear(&reveal);
	crm_totp_free(&opts);
	return rc;
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_SUCCESS;
}
