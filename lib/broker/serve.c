/*
 * serve.c - crm-authd's answer to one request (serve.h).
 */
#include "autoconfig.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "broker/serve.h"
#include "core/addr.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "decide/decide.h"

#define MODULE_NAME "crm-authd"

/* ---- broker_allow ---- */

static int
allow_fail(char *err, size_t errlen, const char *what, const char *token)
{
	snprintf(err, errlen, "broker_allow: %s in \"%.64s\"", what, token);
	return CRM_INVALID;
}

static int
parse_entry(char *token, struct crm_allow_entry *e, char *err, size_t errlen)
{
	char *services = strchr(token, ':');
	char *name = token, *svc, *save = NULL;

	if (services != NULL)
		*services++ = '\0';
	if (name[0] == '@') {
		e->group = 1;
		name++;
	}
	if (!crm_valid_item(name) || strlen(name) >= sizeof(e->name))
		return allow_fail(err, errlen, "not a user or group name",
				  token);
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (services == NULL)
		return CRM_OK;
	if (services[0] == '\0')
		return allow_fail(err, errlen, "empty service list", token);
	for (svc = strtok_r(services, ",", &save); svc != NULL;
	     svc = strtok_r(NULL, ",", &save)) {
		if (e->service_count == CRM_ALLOW_SERVICES)
			return allow_fail(err, errlen, "too many services",
					  token);
		if (!crm_valid_item(svc))
			return allow_fail(err, errlen, "not a service name",
					  svc);
		snprintf(e->services[e->service_count++], CRM_NAME_MAX, "%s",
			 svc);
	}
	/* strtok_r skips empty items: "a,,b" and "a," are refused. */
	if (strstr(services, ",,") != NULL)
		return allow_fail(err, errlen, "empty service name", token);
	return CRM_OK;
}

int
crm_allow_parse(const char *text, struct crm_allow *allow, char *err,
		size_t errlen)
{
	char copy[CRM_NAME_MAX];
	char *token, *save = NULL;
	int rc;

	memset(allow, 0, sizeof(*allow));
	if (text == NULL || text[0] == '\0')
		return CRM_OK;
	if (strlen(text) >= sizeof(copy))
		return allow_fail(err, errlen, "too long", text);
	snprintf(copy, sizeof(copy), "%s", text);
	for (token = strtok_r(copy, " \t", &save); token != NULL;
	     token = strtok_r(NULL, " \t", &save)) {
		size_t len = strlen(token);

		if (allow->count == CRM_ALLOW_ENTRIES)
			return allow_fail(err, errlen, "too many entries",
					  token);
		if (len > 0 && (token[len - 1] == ',' || token[0] == ',' ||
				strstr(token, ":,") != NULL)) {
			memset(allow, 0, sizeof(*allow));
			return allow_fail(err, errlen, "empty service name",
					  token);
		}
		rc = parse_entry(token, &allow->entries[allow->count++], err,
				 errlen);
		if (rc != CRM_OK) {
			memset(allow, 0, sizeof(*allow));
			return rc;
		}
	}
	return CRM_OK;
}

/* NSS entries can be large (a group of many members): grow the buffer
 * on ERANGE instead of taking a failed lookup for "not a member". */
#define NSS_BUF_MAX (1024 * 1024)

static int
peer_in_group(const struct crm_peer *peer, const char *group)
{
	struct group gr, *found = NULL;
	size_t size = 4096, i;
	char *buf = NULL, *bigger;
	int rc, member = 0;

	for (;;) {
		bigger = realloc(buf, size);
		if (bigger == NULL)
			break;
		buf = bigger;
		rc = getgrnam_r(group, &gr, buf, size, &found);
		if (rc != ERANGE || size >= NSS_BUF_MAX)
			break;
		size *= 2;
	}
	if (buf != NULL && found != NULL) {
		member = peer->gid == found->gr_gid;
		for (i = 0; i < peer->group_count && !member; i++)
			member = peer->groups[i] == found->gr_gid;
	}
	free(buf);
	return member;
}

static int
peer_is_user(const struct crm_peer *peer, const char *user)
{
	struct passwd pw, *found = NULL;
	size_t size = 4096;
	char *buf = NULL, *bigger;
	int rc, same = 0;

	for (;;) {
		bigger = realloc(buf, size);
		if (bigger == NULL)
			break;
		buf = bigger;
		rc = getpwnam_r(user, &pw, buf, size, &found);
		if (rc != ERANGE || size >= NSS_BUF_MAX)
			break;
		size *= 2;
	}
	if (buf != NULL && found != NULL)
		same = found->pw_uid == peer->uid;
	free(buf);
	return same;
}

int
crm_allow_match(const struct crm_allow *allow, const struct crm_peer *peer,
		const char *service)
{
	size_t i, j;

	for (i = 0; i < allow->count; i++) {
		const struct crm_allow_entry *e = &allow->entries[i];
		int service_ok = e->service_count == 0;

		/* NULL: whether any entry names the peer (before its
		 * request is read). */
		if (service == NULL)
			service_ok = 1;
		for (j = 0; j < e->service_count && service != NULL; j++)
			if (strcmp(e->services[j], service) == 0)
				service_ok = 1;
		if (!service_ok)
			continue;
		if (e->group ? peer_in_group(peer, e->name)
			     : peer_is_user(peer, e->name))
			return 1;
	}
	return 0;
}

/* ---- the open databases of one worker ---- */

void
crm_broker_worker_init(struct crm_broker_worker *w, const struct crm_log *log)
{
	memset(w, 0, sizeof(*w));
	w->log = *log;
}

void
crm_broker_worker_share(struct crm_broker_worker *w, pthread_mutex_t *lock)
{
	w->write_lock = lock;
}

void
crm_broker_worker_close(struct crm_broker_worker *w)
{
	size_t i;

	for (i = 0; i < CRM_WORKER_SLOTS; i++)
		crm_ctx_close(w->slots[i].ctx);
	memset(w->slots, 0, sizeof(w->slots));
}

/* The context for common's database and key, opened once and reused
 * while the database file is the same file. */
static int
worker_ctx(struct crm_broker_worker *w, const struct crm_common_opts *common,
	   struct crm_ctx **out, char *err, size_t errlen)
{
	struct stat st;
	size_t i, victim = 0;
	int have_stat = stat(common->db, &st) == 0;
	int rc;

	w->clock++;
	for (i = 0; i < CRM_WORKER_SLOTS; i++) {
		struct crm_ctx *ctx = w->slots[i].ctx;

		if (ctx == NULL || !crm_ctx_matches(ctx, common))
			continue;
		if (have_stat && st.st_dev == w->slots[i].dev &&
		    st.st_ino == w->slots[i].ino) {
			w->slots[i].used = w->clock;
			ctx->log = w->log;
			/* The cache is for one login's phases; between
			 * requests accounts come and go. */
			ctx->last_name.valid = 0;
			*out = ctx;
			return CRM_OK;
		}
		crm_ctx_close(ctx);
		w->slots[i].ctx = NULL;
	}
	for (i = 0; i < CRM_WORKER_SLOTS; i++) {
		if (w->slots[i].ctx == NULL) {
			victim = i;
			break;
		}
		if (w->slots[i].used < w->slots[victim].used)
			victim = i;
	}
	crm_ctx_close(w->slots[victim].ctx);
	memset(&w->slots[victim], 0, sizeof(w->slots[victim]));
	rc = crm_ctx_open(common, &w->log, out, err, errlen);
	if (rc != CRM_OK)
		return rc;
	crm_store_share_write_lock((*out)->store, w->write_lock);
	/* Stat again after the open: the inode the context holds. */
	if (stat(common->db, &st) == 0) {
		w->slots[victim].dev = st.st_dev;
		w->slots[victim].ino = st.st_ino;
	}
	w->slots[victim].ctx = *out;
	w->slots[victim].used = w->clock;
	return CRM_OK;
}

/* ---- one call ---- */

/* Everything a call may load, on the heap: together too big for a
 * worker's stack. */
struct loaded {
	struct crm_lockout_opts lockout;
	struct crm_lockout_pam_opts lockout_pam;
	struct crm_lockout_opts pw_lockout;
	struct crm_passwd_opts passwd;
	struct crm_passwd_pam_opts passwd_pam;
	struct crm_role_sections roles;
	struct crm_totp_opts totp;
	struct crm_totp_pam_opts totp_pam;
	struct crm_totp_reveal reveal;
	struct crm_access_opts access;
	struct crm_access_pam_opts access_pam;
	struct crm_role_opts role;
	struct crm_switch_grant grant_in;
	struct crm_switch_grant grant_out;
	int lockout_loaded, pw_lockout_loaded, totp_loaded;
	int recorded;
	char conf_arg[PATH_MAX + 8];
	const char *argv[CRM_WIRE_ARGS_MAX];
	char rhost[CRM_RHOST_MAX];
};

static void
refuse(struct crm_wire_reply *rep, const char *event, const char *why)
{
	crm_outcome_init(&rep->out);
	rep->out.verdict = CRM_DENY;
	rep->out.event = event;
	rep->out.audit = 1;
	snprintf(rep->out.detail, sizeof(rep->out.detail), "%s", why);
}

static const char *
opt_string(const struct crm_wire_request *wreq, unsigned int bit,
	   const char *value)
{
	return (wreq->has & bit) ? value : NULL;
}

/* The options of the call, the module's way: from the caller's arguments
 * when it is trusted, from the daemon's configuration alone otherwise. */
static int
load_options(const struct crm_broker_policy *policy, int trusted,
	     const struct crm_wire_request *wreq, struct loaded *L,
	     struct crm_call *call, const struct crm_log *log)
{
	int argc = 0, rc = CRM_INVALID;
	size_t i;

	if (trusted) {
		for (i = 0; i < wreq->argc; i++)
			L->argv[i] = wreq->argv[i];
		argc = (int)wreq->argc;
	} else {
		snprintf(L->conf_arg, sizeof(L->conf_arg), "conf=%s",
			 policy->conf);
		L->argv[0] = L->conf_arg;
		argc = 1;
	}
	call->argc = argc;
	call->argv = L->argv;
	switch (call->kind) {
	case CRM_DECIDE_LOCKOUT:
		crm_lockout_defaults(&L->lockout, &L->lockout_pam);
		L->lockout_loaded = 1;
		rc = crm_lockout_load(&L->lockout, &L->lockout_pam, argc,
				      L->argv, log);
		call->u.lockout.opts = &L->lockout;
		break;
	case CRM_DECIDE_PASSWD:
		crm_passwd_defaults(&L->passwd, &L->passwd_pam);
		rc = crm_passwd_load_roles(&L->passwd, &L->passwd_pam, argc,
					   L->argv, &L->roles, log);
		call->u.passwd.opts = &L->passwd;
		call->u.passwd.roles = &L->roles;
		if (rc == CRM_OK &&
		    call->u.passwd.phase == CRM_PASSWD_CHANGE_BEGIN) {
			L->pw_lockout_loaded = 1;
			rc = crm_passwd_lockout_load(&L->passwd, &L->pw_lockout,
						     log);
			call->u.passwd.lockout = &L->pw_lockout;
		}
		break;
	case CRM_DECIDE_TOTP:
		crm_totp_defaults(&L->totp, &L->totp_pam);
		L->totp_loaded = 1;
		rc = crm_totp_load(&L->totp, &L->totp_pam, argc, L->argv, log);
		call->u.totp.opts = &L->totp;
		call->u.totp.reveal = &L->reveal;
		break;
	case CRM_DECIDE_ACCESS:
		crm_access_defaults(&L->access, &L->access_pam);
		rc = crm_access_load(&L->access, &L->access_pam, argc, L->argv,
				     log);
		call->u.access.opts = &L->access;
		break;
	case CRM_DECIDE_ROLE:
		crm_role_defaults(&L->role);
		rc = crm_role_load(&L->role, argc, L->argv, log);
		call->u.role.opts = &L->role;
		call->u.role.recorded = &L->recorded;
		break;
	case CRM_DECIDE_SWITCH:
		crm_role_defaults(&L->role);
		rc = crm_role_load(&L->role, argc, L->argv, log);
		call->u.sw.opts = &L->role;
		call->u.sw.grant = &L->grant_out;
		break;
	}
	return rc;
}

static void
free_options(struct loaded *L)
{
	if (L->lockout_loaded)
		crm_lockout_free(&L->lockout);
	if (L->pw_lockout_loaded)
		crm_lockout_free(&L->pw_lockout);
	if (L->totp_loaded)
		crm_totp_free(&L->totp);
	crm_config_free_roles(&L->roles);
	crm_totp_reveal_clear(&L->reveal);
}

/* The call's kind and phase as numbers the enums hold, and what only a
 * trusted caller may ask.  NULL when fine, else why not. */
static const char *
shape_call(const struct crm_wire_request *wreq, int trusted, int root,
	   struct loaded *L, struct crm_call *call)
{
	call->kind = (enum crm_decision)wreq->kind;
	switch (wreq->kind) {
	case CRM_DECIDE_LOCKOUT:
		if (wreq->phase > CRM_LOCKOUT_ACCOUNT)
			return "unknown lockout phase";
		call->u.lockout.phase = (enum crm_lockout_phase)wreq->phase;
		return NULL;
	case CRM_DECIDE_PASSWD:
		if (wreq->phase > CRM_PASSWD_CHANGE)
			return "unknown password phase";
		call->u.passwd.phase = (enum crm_passwd_phase)wreq->phase;
		call->u.passwd.how = wreq->how;
		if ((wreq->how & ~(unsigned int)(CRM_PWCHANGE_ADMIN |
		    CRM_PWCHANGE_WARN_ONLY | CRM_PWCHANGE_EXPIRE |
		    CRM_PWCHANGE_CHECK_ONLY)) != 0)
			return "unknown password change flag";
		/* An administrator's change skips the current password:
		 * only root is one. */
		if (!root && (wreq->how & (CRM_PWCHANGE_ADMIN |
		    CRM_PWCHANGE_WARN_ONLY | CRM_PWCHANGE_EXPIRE)))
			return "an administrator's change from a caller "
			       "not root";
		call->u.passwd.password =
			opt_string(wreq, CRM_HAS_PASSWORD, wreq->password);
		call->u.passwd.current =
			opt_string(wreq, CRM_HAS_CURRENT, wreq->current);
		return NULL;
	case CRM_DECIDE_TOTP:
		if (wreq->phase > CRM_TOTP_ANSWER)
			return "unknown TOTP phase";
		call->u.totp.phase = (enum crm_totp_phase)wreq->phase;
		call->u.totp.code = (wreq->has & CRM_HAS_CODE) ? wreq->code
							       : "";
		return NULL;
	case CRM_DECIDE_ACCESS:
		/* Another moment than now is for tests and tools: a
		 * caller must not pick the hour its rules see. */
		if (wreq->at_ms != 0 && !trusted)
			return "a decision at another time";
		call->u.access.at_ms = wreq->at_ms;
		call->u.access.explain = NULL;
		return NULL;
	case CRM_DECIDE_ROLE:
		if (wreq->phase > CRM_ROLE_SESSION)
			return "unknown role phase";
		call->u.role.phase = (enum crm_role_phase)wreq->phase;
		call->u.role.grant = NULL;
		if (wreq->grant.present) {
			/* Switching is for privileged callers (crm-switch,
			 * sshd); a grant from anyone else is forged. */
			if (!trusted)
				return "a switch grant from an unprivileged "
				       "caller";
			snprintf(L->grant_in.from, sizeof(L->grant_in.from),
				 "%s", wreq->grant.from);
			snprintf(L->grant_in.target,
				 sizeof(L->grant_in.target), "%s",
				 wreq->grant.target);
			if (wreq->grant.mode > CRM_SWITCH_REAUTH)
				return "unknown switch mode";
			L->grant_in.mode = (enum crm_switch_mode)wreq->grant.mode;
			snprintf(L->grant_in.basis, sizeof(L->grant_in.basis),
				 "%s", wreq->grant.basis);
			L->grant_in.recorded = wreq->grant.recorded != 0;
			call->u.role.grant = &L->grant_in;
		}
		return NULL;
	case CRM_DECIDE_SWITCH:
		if (!trusted)
			return "a switch from an unprivileged caller";
		return NULL;
	}
	return "unknown decision";
}

static void
fill_reply(const struct crm_call *call, const struct loaded *L,
	   const struct crm_broker_policy *policy, const char *user,
	   int64_t now_s, struct crm_wire_reply *rep)
{
	const struct crm_outcome *out = &rep->out;
	size_t i;

	if (out->verdict == CRM_ALLOW && out->authenticated && user != NULL)
		(void)crm_ticket_make(policy->ticket_key, CRM_TICKET_AUTH, user,
				      now_s, rep->ticket_auth,
				      sizeof(rep->ticket_auth));
	if (call->kind == CRM_DECIDE_PASSWD &&
	    call->u.passwd.phase == CRM_PASSWD_CHANGE_BEGIN &&
	    out->verdict == CRM_ALLOW && user != NULL)
		(void)crm_ticket_make(policy->ticket_key, CRM_TICKET_PWBEGIN,
				      user, now_s, rep->ticket_pwbegin,
				      sizeof(rep->ticket_pwbegin));
	if (call->kind == CRM_DECIDE_ROLE)
		rep->recorded = L->recorded;
	if (call->kind == CRM_DECIDE_SWITCH &&
	    (out->verdict == CRM_ALLOW || out->verdict == CRM_IGNORE)) {
		rep->grant.present = 1;
		snprintf(rep->grant.from, sizeof(rep->grant.from), "%s",
			 L->grant_out.from);
		snprintf(rep->grant.target, sizeof(rep->grant.target), "%s",
			 L->grant_out.target);
		rep->grant.mode = (uint32_t)L->grant_out.mode;
		snprintf(rep->grant.basis, sizeof(rep->grant.basis), "%s",
			 L->grant_out.basis);
		rep->grant.recorded = L->grant_out.recorded;
	}
	if (call->kind == CRM_DECIDE_TOTP) {
		rep->totp_digits = L->reveal.digits;
		rep->totp_optional = L->reveal.optional;
		memcpy(rep->totp_uri, L->reveal.uri, sizeof(rep->totp_uri));
		rep->recovery_count = L->reveal.recovery_count;
		for (i = 0; i < L->reveal.recovery_count &&
			    i < CRM_TOTP_RECOVERY_CODES; i++)
			memcpy(rep->recovery[i], L->reveal.recovery[i],
			       sizeof(rep->recovery[i]));
	}
}

/* The daemon's own [lockout] (its configuration, whoever asks): what it
 * audits a refused caller under and counts failures with itself.  Free
 * with crm_lockout_free, also on failure. */
static int
daemon_lockout(const struct crm_broker_policy *policy,
	       struct crm_lockout_opts *opts, const struct crm_log *log)
{
	char conf_arg[PATH_MAX + 8];
	const char *argv[1] = { conf_arg };

	snprintf(conf_arg, sizeof(conf_arg), "conf=%s", policy->conf);
	crm_lockout_defaults(opts, NULL);
	return crm_lockout_load(opts, NULL, 1, argv, log);
}

/* A refused caller is audited in the daemon's own database. */
static void
audit_refusal(struct crm_broker_worker *w,
	      const struct crm_broker_policy *policy,
	      const struct crm_request *req, struct crm_wire_reply *rep)
{
	struct crm_lockout_opts opts;
	struct crm_ctx *ctx = NULL;
	char err[2 * PATH_MAX];

	if (daemon_lockout(policy, &opts, &w->log) == CRM_OK &&
	    worker_ctx(w, &opts.common, &ctx, err, sizeof(err)) == CRM_OK)
		(void)crm_ctx_record_alone(ctx, MODULE_NAME, req, &rep->out,
					   crm_now_ms());
	else
		crm_log(&w->log, LOG_ERR, "cannot audit a refused caller");
	crm_lockout_free(&opts);
	/* The refusal stands even when its row could not be written. */
	rep->out.verdict = CRM_DENY;
	rep->out.event = "broker_refused";
}

/*
 * A caller the daemon does not trust may ask for the password or the
 * code and never send authfail (a broken-into web server guessing): for
 * it the daemon keeps the lockout itself.  A locked user's secret is not
 * even checked; a refusal is counted here, and a "counted" ticket makes
 * the module's own authfail after it count nothing twice.
 */
static int
counts_itself(const struct crm_call *call, int trusted)
{
	if (trusted)
		return 0;
	return (call->kind == CRM_DECIDE_PASSWD &&
		call->u.passwd.phase == CRM_PASSWD_AUTH) ||
	       (call->kind == CRM_DECIDE_TOTP &&
		call->u.totp.phase == CRM_TOTP_ANSWER);
}

static void
decide_counted(struct crm_broker_worker *w, struct crm_ctx *ctx,
	       const struct crm_broker_policy *policy,
	       const struct crm_request *req, const struct crm_call *call,
	       int64_t now_s, struct crm_wire_reply *rep)
{
	struct crm_lockout_opts opts;
	struct crm_outcome step;
	struct crm_call lockout;

	if (daemon_lockout(policy, &opts, &w->log) != CRM_OK) {
		crm_outcome_fail(&rep->out, CRM_INVALID,
				 "[lockout] of the daemon unusable");
		goto out;
	}
	memset(&lockout, 0, sizeof(lockout));
	lockout.kind = CRM_DECIDE_LOCKOUT;
	lockout.req = req;
	lockout.u.lockout.opts = &opts;
	lockout.u.lockout.phase = CRM_LOCKOUT_PREAUTH;
	crm_decide(ctx, &lockout, &step);
	if (step.verdict == CRM_DENY || step.verdict == CRM_FAIL) {
		rep->out = step;
		goto out;
	}
	crm_decide(ctx, call, &rep->out);
	if (rep->out.verdict != CRM_DENY)
		goto out;
	lockout.u.lockout.phase = CRM_LOCKOUT_AUTHFAIL;
	crm_decide(ctx, &lockout, &step);
	if (step.verdict == CRM_FAIL) {
		/* Not counted: the refusal stands, and authfail will try. */
		crm_log(&w->log, LOG_ERR, "a failure could not be counted: %s",
			step.detail);
		goto out;
	}
	(void)crm_ticket_make(policy->ticket_key, CRM_TICKET_COUNTED,
			      req->user, now_s, rep->ticket_counted,
			      sizeof(rep->ticket_counted));
out:
	crm_lockout_free(&opts);
}

void
crm_broker_serve(struct crm_broker_worker *w,
		 const struct crm_broker_policy *policy,
		 const struct crm_peer *peer,
		 const struct crm_wire_request *wreq,
		 struct crm_wire_reply *rep)
{
	int trusted = peer->uid == 0 || peer->uid == policy->self_uid;
	int64_t now_s = crm_now_ms() / 1000;
	struct crm_request req;
	struct crm_call call;
	struct crm_ctx *ctx = NULL;
	struct loaded *L;
	char err[2 * PATH_MAX];
	const char *why;

	memset(rep, 0, sizeof(*rep));
	crm_outcome_init(&rep->out);
	memset(&req, 0, sizeof(req));
	req.service = opt_string(wreq, CRM_HAS_SERVICE, wreq->service);
	req.user = opt_string(wreq, CRM_HAS_USER, wreq->user);
	req.ruser = opt_string(wreq, CRM_HAS_RUSER, wreq->ruser);
	req.tty = opt_string(wreq, CRM_HAS_TTY, wreq->tty);
	req.via_broker = 1;
	req.broker_uid = (unsigned long)peer->uid;

	L = calloc(1, sizeof(*L));
	if (L == NULL) {
		crm_outcome_fail(&rep->out, CRM_ENOMEM, "out of memory");
		return;
	}
	/* The same spelling the module makes: a caller cannot buy a
	 * second budget with ::ffff:10.9.9.9. */
	if (wreq->has & CRM_HAS_RHOST) {
		if (crm_addr_canonical(wreq->rhost, L->rhost,
				       sizeof(L->rhost)) == CRM_NOTFOUND)
			snprintf(L->rhost, sizeof(L->rhost), "%s",
				 wreq->rhost);
		else if (L->rhost[0] == '\0') {
			crm_outcome_fail(&rep->out, CRM_INVALID,
					 "rhost malformed");
			goto out;
		}
		req.rhost = L->rhost;
	}
	if (!crm_request_valid(&req, &rep->out))
		goto out;
	if (!trusted && (policy->allow == NULL || req.service == NULL ||
			 !crm_allow_match(policy->allow, peer, req.service))) {
		char why_text[96];

		snprintf(why_text, sizeof(why_text),
			 "uid %lu not in broker_allow for this service",
			 (unsigned long)peer->uid);
		crm_log(&w->log, LOG_NOTICE, "refused: %s (service %s)",
			why_text, req.service != NULL ? req.service : "-");
		refuse(rep, "broker_refused", why_text);
		rep->caller_refused = 1;
		audit_refusal(w, policy, &req, rep);
		goto out;
	}
	req.authenticated = crm_ticket_valid(policy->ticket_key,
					     CRM_TICKET_AUTH, req.user,
					     wreq->ticket_auth, now_s);
	memset(&call, 0, sizeof(call));
	call.req = &req;
	why = shape_call(wreq, trusted, peer->uid == 0, L, &call);
	/* In a stack authsucc proves an authentication by where it stands;
	 * a caller the daemon does not trust proves it with a ticket, or
	 * could clear anyone's failures (and earn a ticket) by asking. */
	if (why == NULL && !trusted && call.kind == CRM_DECIDE_LOCKOUT &&
	    call.u.lockout.phase == CRM_LOCKOUT_AUTHSUCC &&
	    !req.authenticated)
		why = "authsucc without an authentication this daemon saw";
	if (why != NULL) {
		crm_log(&w->log, LOG_WARNING, "uid %lu asked %s: refused",
			(unsigned long)peer->uid, why);
		crm_outcome_fail(&rep->out, CRM_INVALID, "refused: %s", why);
		goto out;
	}
	if (load_options(policy, trusted, wreq, L, &call, &w->log) !=
	    CRM_OK) {
		crm_outcome_fail(&rep->out, CRM_INVALID,
				 "configuration unusable");
		goto out;
	}
	/* A new password goes into the database only after this handle
	 * proved the current one (store=next leaves it to the next
	 * module, which asks for itself).  A caller the daemon does not
	 * trust needs the proof even to have a candidate checked: the
	 * history check would otherwise tell it anyone's old passwords. */
	if (call.kind == CRM_DECIDE_PASSWD &&
	    call.u.passwd.phase == CRM_PASSWD_CHANGE &&
	    (!trusted ||
	     (!(call.u.passwd.how & CRM_PWCHANGE_CHECK_ONLY) &&
	      L->passwd.store == CRM_PASSWD_STORE_DB)) &&
	    !crm_ticket_valid(policy->ticket_key, CRM_TICKET_PWBEGIN,
			      req.user, wreq->ticket_pwbegin, now_s)) {
		crm_log(&w->log, LOG_WARNING, "uid %lu asked a password "
			"update without the preliminary check: refused",
			(unsigned long)peer->uid);
		crm_outcome_fail(&rep->out, CRM_INVALID, "refused: a password "
				 "update without the preliminary check");
		goto out;
	}
	if (worker_ctx(w, crm_call_common(&call), &ctx, err, sizeof(err)) !=
	    CRM_OK) {
		crm_log(&w->log, LOG_ERR, "%s", err);
		crm_outcome_fail(&rep->out, CRM_EDB, "%s (database or key "
				 "file)", "cannot open");
		goto out;
	}
	{
		unsigned long budget = crm_call_common(&call)->busy_timeout_ms;

		crm_store_busy_budget(ctx->store, wreq->busy_left_ms < budget
						  ? wreq->busy_left_ms
						  : budget);
	}
	if (counts_itself(&call, trusted))
		decide_counted(w, ctx, policy, &req, &call, now_s, rep);
	else if (!trusted && call.kind == CRM_DECIDE_LOCKOUT &&
		 call.u.lockout.phase == CRM_LOCKOUT_AUTHFAIL &&
		 crm_ticket_valid(policy->ticket_key, CRM_TICKET_COUNTED,
				  req.user, wreq->ticket_counted, now_s)) {
		/* Counted when the password or code was refused. */
		rep->out.verdict = CRM_DENY;
		rep->out.event = "auth_fail";
		snprintf(rep->out.detail, sizeof(rep->out.detail),
			 "counted by crm-authd");
	} else {
		crm_decide(ctx, &call, &rep->out);
	}
	rep->busy_spent_ms = (uint32_t)crm_store_busy_spent(ctx->store);
	fill_reply(&call, L, policy, req.user, now_s, rep);
out:
	free_options(L);	/* cleanses the TOTP reveal, L's one secret */
	free(L);
}
