/*
 * pamglue.c - what every pam_crm module does with PAM itself.
 */
#include "autoconfig.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "broker/client.h"
#include "core/addr.h"
#include "core/crypto.h"
#include "pam/pamglue.h"

/* Data names carry the version: two modules of different builds in one
 * stack must never share a context whose layout they disagree on. */
#define CTX_DATA_PREFIX "pam_crm/" PACKAGE_VERSION "/ctx:"

static void
pam_log_sink(void *arg, int priority, const char *fmt, va_list ap)
{
	pam_vsyslog((pam_handle_t *)arg, priority, fmt, ap);
}

void
crm_pam_log_init(struct crm_log *log, pam_handle_t *pamh, int debug)
{
	log->fn = pam_log_sink;
	log->arg = pamh;
	log->debug = debug;
}

static int
get_string_item(pam_handle_t *pamh, int item, const char **out)
{
	const void *value = NULL;
	int rc = pam_get_item(pamh, item, &value);

	*out = rc == PAM_SUCCESS ? value : NULL;
	return rc;
}

/* Who our modules saw authenticate in this handle (pam_set_data). */
#define AUTHENTICATED_DATA "authenticated"
#define MARK_PREFIX "pam_crm/" PACKAGE_VERSION "/"

static void
free_marker(pam_handle_t *pamh, void *data, int error_status)
{
	free(data);
}

int
crm_pam_mark_user(pam_handle_t *pamh, const char *what, const char *user)
{
	char name[128];
	char *copy;

	if ((size_t)snprintf(name, sizeof(name), MARK_PREFIX "%s", what) >=
	    sizeof(name))
		return PAM_SYSTEM_ERR;
	copy = strdup(user);
	if (copy == NULL)
		return PAM_BUF_ERR;
	if (pam_set_data(pamh, name, copy, free_marker) != PAM_SUCCESS) {
		free(copy);
		return PAM_BUF_ERR;
	}
	return PAM_SUCCESS;
}

int
crm_pam_user_marked(pam_handle_t *pamh, const char *what, const char *user)
{
	const void *data = NULL;
	char name[128];

	if (user == NULL ||
	    (size_t)snprintf(name, sizeof(name), MARK_PREFIX "%s", what) >=
	    sizeof(name))
		return 0;
	return pam_get_data(pamh, name, &data) == PAM_SUCCESS &&
	       data != NULL && strcmp(data, user) == 0;
}

static int
mark_authenticated(pam_handle_t *pamh, const char *user)
{
	return crm_pam_mark_user(pamh, AUTHENTICATED_DATA, user);
}

/* The mark counts for the user it was set for only: a module that
 * changes PAM_USER after authentication gets no free reset. */
static int
was_authenticated(pam_handle_t *pamh, const char *user)
{
	return crm_pam_user_marked(pamh, AUTHENTICATED_DATA, user);
}

/* One spelling per address, before anything counts, logs or audits it:
 * ::ffff:10.9.9.9 and 10.9.9.9 are one source.  A host name stays as
 * given and is never resolved. */
static int
canonical_rhost(const char *rhost, char *out, size_t len)
{
	int rc = crm_addr_canonical(rhost, out, len);

	return rc == CRM_NOTFOUND ? CRM_OK : rc;
}

int
crm_pam_request(pam_handle_t *pamh, struct crm_pam_items *items,
		const struct crm_log *log)
{
	struct crm_request *req = &items->req;
	const char *user = NULL;
	int rc;

	memset(items, 0, sizeof(*items));
	rc = pam_get_user(pamh, &user, NULL);
	if (rc != PAM_SUCCESS) {
		crm_log(log, LOG_NOTICE, "cannot determine the user: %s",
			pam_strerror(pamh, rc));
		return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : rc;
	}
	if (!crm_valid_name(user, CRM_NAME_MAX, 0)) {
		/* Never echo it: it may be a password typed in the wrong box. */
		crm_log(log, LOG_NOTICE, "user name empty, too long, not "
			"UTF-8 or with control characters: refused");
		return PAM_AUTH_ERR;
	}
	req->user = user;
	if (get_string_item(pamh, PAM_SERVICE, &req->service) != PAM_SUCCESS ||
	    get_string_item(pamh, PAM_RUSER, &req->ruser) != PAM_SUCCESS ||
	    get_string_item(pamh, PAM_RHOST, &req->rhost) != PAM_SUCCESS ||
	    get_string_item(pamh, PAM_TTY, &req->tty) != PAM_SUCCESS) {
		crm_log(log, LOG_ERR, "cannot read PAM items");
		return PAM_SYSTEM_ERR;
	}
	/* An empty item is no item: local logins have no PAM_RHOST. */
	if (req->rhost != NULL && req->rhost[0] == '\0')
		req->rhost = NULL;
	if (req->ruser != NULL && req->ruser[0] == '\0')
		req->ruser = NULL;
	if (req->tty != NULL && req->tty[0] == '\0')
		req->tty = NULL;
	if (!crm_valid_name(req->service, CRM_NAME_MAX, 1) ||
	    !crm_valid_name(req->ruser, CRM_NAME_MAX, 1) ||
	    !crm_valid_name(req->rhost, CRM_RHOST_MAX, 1) ||
	    !crm_valid_name(req->tty, CRM_NAME_MAX, 1)) {
		crm_log(log, LOG_ERR, "service, ruser, rhost or tty malformed "
			"(not UTF-8, control characters) or too long: refused");
		return PAM_AUTH_ERR;
	}
	if (req->rhost != NULL) {
		if (canonical_rhost(req->rhost, items->rhost,
				    sizeof(items->rhost)) != CRM_OK) {
			crm_log(log, LOG_ERR, "rhost malformed: refused");
			return PAM_AUTH_ERR;
		}
		req->rhost = items->rhost;
	}
	req->authenticated = was_authenticated(pamh, user);
	return PAM_SUCCESS;
}

static void
ctx_cleanup(pam_handle_t *pamh, void *data, int error_status)
{
	crm_ctx_close(data);
}

static int
pam_context(pam_handle_t *pamh, const struct crm_common_opts *common,
	    const struct crm_log *log, struct crm_ctx **out)
{
	char name[sizeof(CTX_DATA_PREFIX) + 2 * PATH_MAX + 2];
	char err[2 * PATH_MAX];
	const void *cached = NULL;
	struct crm_ctx *ctx = NULL;
	int rc;

	*out = NULL;
	snprintf(name, sizeof(name), "%s%s|%s", CTX_DATA_PREFIX, common->db,
		 common->keyfile);
	if (pam_get_data(pamh, name, &cached) == PAM_SUCCESS &&
	    cached != NULL) {
		ctx = (struct crm_ctx *)(uintptr_t)cached;
		ctx->log = *log;	/* this module's pamh and debug */
		*out = ctx;
		return CRM_OK;
	}
	rc = crm_ctx_open(common, log, &ctx, err, sizeof(err));
	if (rc != CRM_OK) {
		crm_log(log, LOG_ERR, "%s", err);
		return rc;
	}
	if (pam_set_data(pamh, name, ctx, ctx_cleanup) != PAM_SUCCESS) {
		crm_log(log, LOG_ERR, "cannot keep the database handle");
		crm_ctx_close(ctx);
		return CRM_ENOMEM;
	}
	*out = ctx;
	return CRM_OK;
}

/* broker=auto: in this process when it may open the database and read
 * the key itself (root, or a test's own files), through crm-authd
 * otherwise (a web server as www-data). */
static int
use_broker(const struct crm_common_opts *common)
{
	switch ((enum crm_broker_mode)common->broker) {
	case CRM_BROKER_ALWAYS:
		return 1;
	case CRM_BROKER_NEVER:
		return 0;
	case CRM_BROKER_AUTO:
		break;
	}
	if (geteuid() == 0)
		return 0;
	return faccessat(AT_FDCWD, common->db, R_OK | W_OK, AT_EACCESS) != 0 ||
	       faccessat(AT_FDCWD, common->keyfile, R_OK, AT_EACCESS) != 0;
}

#define TICKETS_DATA MARK_PREFIX "broker-tickets"

static void
free_tickets(pam_handle_t *pamh, void *data, int error_status)
{
	crm_cleanse(data, sizeof(struct crm_broker_tickets));
	free(data);
}

/* The daemon's tickets this handle holds, made on first use. */
static struct crm_broker_tickets *
handle_tickets(pam_handle_t *pamh)
{
	const void *data = NULL;
	struct crm_broker_tickets *t;

	if (pam_get_data(pamh, TICKETS_DATA, &data) == PAM_SUCCESS &&
	    data != NULL)
		return (struct crm_broker_tickets *)(uintptr_t)data;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	if (pam_set_data(pamh, TICKETS_DATA, t, free_tickets) != PAM_SUCCESS) {
		free(t);
		return NULL;
	}
	return t;
}

void
crm_pam_decide(pam_handle_t *pamh, const struct crm_call *call,
	       const struct crm_log *log, struct crm_outcome *out)
{
	const struct crm_common_opts *common = crm_call_common(call);
	struct crm_broker_tickets *tickets;
	struct crm_ctx *ctx = NULL;
	int rc;

	if (use_broker(common)) {
		tickets = handle_tickets(pamh);
		if (tickets == NULL) {
			crm_outcome_init(out);
			crm_outcome_fail(out, CRM_ENOMEM, "out of memory");
			return;
		}
		crm_broker_ask(common->broker_socket,
			       common->broker_timeout_ms, call, tickets, out);
		return;
	}
	rc = pam_context(pamh, common, log, &ctx);
	if (rc != CRM_OK) {
		crm_outcome_init(out);
		crm_outcome_fail(out, rc, "%s (database or key file)",
				 crm_strerror(rc));
		return;
	}
	crm_decide(ctx, call, out);
}

static void
tell(pam_handle_t *pamh, int flags, int silent, int style,
     const char *message)
{
	if (message == NULL || message[0] == '\0' || silent ||
	    (flags & PAM_SILENT))
		return;
	pam_prompt(pamh, style, NULL, "%s", message);
}

static int
export(pam_handle_t *pamh, const char *name, const char *value,
       const struct crm_log *log)
{
	char entry[CRM_ENV_NAME_MAX + CRM_ENV_VALUE_MAX + 2];
	int rc;

	if ((size_t)snprintf(entry, sizeof(entry), "%s=%s", name, value) >=
	    sizeof(entry)) {
		crm_log(log, LOG_ERR, "%s: value too long", name);
		return PAM_SYSTEM_ERR;
	}
	rc = pam_putenv(pamh, entry);
	if (rc != PAM_SUCCESS)
		crm_log(log, LOG_ERR, "cannot export %s: %s", name,
			pam_strerror(pamh, rc));
	return rc;
}

/* One authpriv line per decision: module, event, user, rhost, detail,
 * and the audit row's tag, which a log kept elsewhere witnesses. */
static void
log_outcome(const struct crm_log *log, const char *module,
	    const struct crm_request *req, const struct crm_outcome *out)
{
	static const int priority[] = {
		[CRM_ALLOW] = LOG_INFO,
		[CRM_DENY] = LOG_NOTICE,
		[CRM_IGNORE] = LOG_INFO,
		[CRM_FAIL] = LOG_ERR,
		[CRM_ASK] = LOG_INFO,
	};
	const char *user = out->user_masked ? "(unknown)" : req->user;

	crm_log(log, priority[out->verdict],
		"%s: %s user=%s rhost=%s service=%s%s%s%s%s", module,
		out->event, user != NULL ? user : "?",
		req->rhost != NULL ? req->rhost : "-",
		req->service != NULL ? req->service : "-",
		out->audit_tag[0] != '\0' ? " " : "", out->audit_tag,
		out->detail[0] != '\0' ? ": " : "", out->detail);
}

/* The first refusal of a stack names its reason, as libpam returns the
 * first failing module's code: a disabled account whose password has
 * also expired stays CRM_STATUS=disabled. */
static int
kept_status(pam_handle_t *pamh, const char *name)
{
	return strcmp(name, "CRM_STATUS") == 0 &&
	       pam_getenv(pamh, "CRM_STATUS") != NULL;
}

int
crm_pam_finish(pam_handle_t *pamh, const struct crm_pam_finish *how,
	       const struct crm_request *req, const struct crm_outcome *out,
	       const struct crm_log *log)
{
	size_t i;
	int rc;

	if (out->audit || out->verdict != CRM_ALLOW || how->debug)
		log_outcome(log, how->module, req, out);
	tell(pamh, how->flags, how->silent,
	     out->message_style == CRM_MSG_INFO ? PAM_TEXT_INFO
						: PAM_ERROR_MSG,
	     out->message);
	switch (out->verdict) {
	case CRM_ALLOW:
		for (i = 0; i < out->env_count; i++) {
			rc = export(pamh, out->env[i].name, out->env[i].value,
				    log);
			if (rc != PAM_SUCCESS)
				return rc == PAM_BUF_ERR ? rc : PAM_SYSTEM_ERR;
		}
		if (out->authenticated && req->user != NULL) {
			rc = mark_authenticated(pamh, req->user);
			if (rc != PAM_SUCCESS) {
				crm_log(log, LOG_ERR, "cannot keep the "
					"authentication mark");
				return rc;
			}
		}
		return PAM_SUCCESS;
	case CRM_IGNORE:
		return PAM_IGNORE;
	case CRM_DENY:
		/* A refusal may name why (CRM_STATUS): the application can
		 * read it with pam_getenvlist before pam_end and show the
		 * right page.  Not being able to tell it changes nothing. */
		for (i = 0; i < out->env_count; i++)
			if (!kept_status(pamh, out->env[i].name))
				(void)export(pamh, out->env[i].name,
					     out->env[i].value, log);
		if (how->fail_delay_usec > 0)
			pam_fail_delay(pamh, how->fail_delay_usec);
		if (out->caller_refused)
			return PAM_PERM_DENIED;
		return out->new_authtok_required ? PAM_NEW_AUTHTOK_REQD
						 : how->denied;
	case CRM_FAIL:
	default:
		if (out->status == CRM_ENOMEM)
			return PAM_BUF_ERR;
		/* SSSD's answer when its responder cannot be asked: a
		 * stack can tell it from a wrong password. */
		return out->status == CRM_EUNAVAIL ? PAM_AUTHINFO_UNAVAIL
						   : how->denied;
	}
}
