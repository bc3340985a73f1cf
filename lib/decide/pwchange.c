/*
 * pwchange.c - a password's age (pam_crm_passwd, account) and its change
 * (password group, crmauth user passwd).
 *
 * The change is two steps, as pam_chauthtok makes them: may this user
 * change now (the current password, the lock, min_age), then is the new
 * one good enough (the policy, the history) and, if so, store it with its
 * history and audit row in one transaction.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "core/audit.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/hash.h"
#include "decide/passwd.h"
#include "store/store.h"

#define MODULE_NAME "pam_crm_passwd"
#define DAY_MS (24LL * 60 * 60 * 1000)

/* ---- account: ageing ---- */

/* Refuse with "change it now": the code front ends run pam_chauthtok
 * on, and CRM_STATUS=expired for those that show a page instead. */
static int
refuse_expired(struct crm_outcome *out, const char *why)
{
	out->verdict = CRM_DENY;
	out->event = "password_expired";
	out->audit = 1;
	out->new_authtok_required = 1;
	snprintf(out->message, sizeof(out->message),
		 "You are required to change your password immediately "
		 "(%s)", why);
	snprintf(out->detail, sizeof(out->detail), "%s", why);
	return crm_outcome_setenv(out, "CRM_STATUS", "expired");
}

int
crm_passwd_account(struct crm_ctx *ctx, const struct crm_passwd_opts *opts,
		   const struct crm_request *req, struct crm_outcome *out)
{
	struct crm_user user;
	int64_t now = crm_now_ms(), expires, left;
	int rc;

	crm_outcome_init(out);
	if (!crm_request_valid(req, out))
		return out->status;
	rc = crm_store_user_get(ctx->store, req->user, &user);
	if (rc == CRM_NOTFOUND) {
		/* Not a CRM account: its age is another module's (pam_unix)
		 * and whether it may log in pam_crm_role's. */
		out->user_masked = 1;
		out->verdict = opts->common.unknown == CRM_UNKNOWN_IGNORE ?
			       CRM_IGNORE : CRM_DENY;
		out->event = "password_unknown";
		out->audit = out->verdict == CRM_DENY;
		snprintf(out->detail, sizeof(out->detail), "unknown user");
		goto record;
	}
	if (rc != CRM_OK) {
		crm_outcome_fail(out, rc, "%s: account unreadable: %s",
				 crm_strerror(rc),
				 crm_store_errmsg(ctx->store));
		return rc;
	}

	out->verdict = CRM_ALLOW;
	out->event = "password_ok";
	if (user.password_hash == NULL) {
		snprintf(out->detail, sizeof(out->detail), "no password");
	} else if (user.must_change) {
		rc = refuse_expired(out, "administrator enforced");
	} else if (opts->max_age > 0 && user.password_changed_ms > 0) {
		expires = user.password_changed_ms +
			  (int64_t)opts->max_age * DAY_MS;
		left = expires - now;
		if (left <= 0) {
			rc = refuse_expired(out, "password expired");
		} else if (left <= (int64_t)opts->warn_age * DAY_MS) {
			int64_t days = (left + DAY_MS - 1) / DAY_MS;

			out->message_style = CRM_MSG_INFO;
			snprintf(out->message, sizeof(out->message),
				 "Your password will expire in %lld day%s",
				 (long long)days, days == 1 ? "" : "s");
			snprintf(out->detail, sizeof(out->detail),
				 "expires in %lld days", (long long)days);
		}
	}
	crm_user_clear(&user);
	if (rc != CRM_OK) {
		crm_outcome_fail(out, rc, "%s", crm_strerror(rc));
		return rc;
	}
record:
	if (!out->audit)
		return CRM_OK;
	return crm_ctx_record_alone(ctx, MODULE_NAME, req, out, now);
}

/* ---- change, first step: may the user change it now ---- */

static void
refuse(struct crm_outcome *out, const char *event, const char *message,
       const char *detail)
{
	out->verdict = CRM_DENY;
	out->event = event;
	out->audit = 1;
	snprintf(out->message, sizeof(out->message), "%s", message);
	snprintf(out->detail, sizeof(out->detail), "%s", detail);
}

int
crm_passwd_change_begin(struct crm_ctx *ctx,
			const struct crm_passwd_opts *opts,
			const struct crm_lockout_opts *lockout,
			const struct crm_request *req, const char *current,
			unsigned int how, struct crm_outcome *out)
{
	struct crm_outcome counted;
	struct crm_user user;
	int64_t now = crm_now_ms();
	int known, match, wrong_current = 0, rc;

	crm_outcome_init(out);
	if (!crm_request_valid(req, out))
		return out->status;
	if (opts->store == CRM_PASSWD_STORE_NEXT) {
		out->verdict = CRM_ALLOW;
		out->event = "password_begin";
		return CRM_OK;
	}
	/* A locked account cannot be changed into an open one, and the
	 * current-password prompt must not be a guessing oracle that
	 * pam_crm_lockout does not count. */
	if (lockout != NULL && !(how & CRM_PWCHANGE_ADMIN)) {
		rc = crm_lockout_decide(ctx, lockout, CRM_LOCKOUT_PREAUTH, req,
					out);
		if (out->verdict != CRM_ALLOW)
			return rc;
		crm_outcome_init(out);
	}

	rc = crm_store_user_get(ctx->store, req->user, &user);
	if (rc != CRM_OK && rc != CRM_NOTFOUND) {
		crm_outcome_fail(out, rc, "%s: account unreadable: %s",
				 crm_strerror(rc),
				 crm_store_errmsg(ctx->store));
		return rc;
	}
	known = rc == CRM_OK;
	match = 1;
	if (!(how & CRM_PWCHANGE_ADMIN)) {
		/* One full hash whatever the account, as at login. */
		rc = crm_hash_verify(current != NULL ? current : "",
				     known ? user.password_hash : NULL);
		match = rc == CRM_OK && current != NULL && current[0] != '\0';
		if (rc != CRM_OK && rc != CRM_NOTFOUND) {
			crm_user_clear(&user);
			crm_outcome_fail(out, rc, "%s: stored hash unusable",
					 crm_strerror(rc));
			return rc;
		}
	}
	if (!known && (how & CRM_PWCHANGE_ADMIN)) {
		out->user_masked = 1;
		if (opts->common.unknown == CRM_UNKNOWN_IGNORE) {
			out->verdict = CRM_IGNORE;
			out->event = "password_unknown";
			return CRM_OK;
		}
		refuse(out, "password_rejected", "No such CRM account",
		       "unknown user");
	} else if (!known || !match) {
		/* The same words for a name that is not an account. */
		out->user_masked = !known;
		wrong_current = 1;
		refuse(out, "auth_fail", "The current password is wrong",
		       known ? "wrong current password" : "unknown user");
	} else if (!(how & CRM_PWCHANGE_ADMIN) && opts->min_age > 0 &&
		   user.password_changed_ms > 0 && !user.must_change &&
		   now - user.password_changed_ms <
		   (int64_t)opts->min_age * DAY_MS) {
		refuse(out, "password_rejected",
		       "You must wait longer to change your password",
		       "reason=min_age");
	} else {
		out->verdict = CRM_ALLOW;
		out->event = "password_begin";
	}
	crm_user_clear(&user);
	if (out->verdict == CRM_ALLOW)
		return CRM_OK;
	rc = crm_ctx_record_alone(ctx, MODULE_NAME, req, out, now);
	if (rc != CRM_OK)
		return rc;
	/* A wrong current password is a failed login: counted, and the
	 * lock set at the deny-th, by the same rules. */
	if (lockout != NULL && wrong_current) {
		rc = crm_lockout_decide(ctx, lockout, CRM_LOCKOUT_AUTHFAIL,
					req, &counted);
		if (counted.verdict == CRM_FAIL) {
			*out = counted;
			return rc;
		}
		if (counted.message[0] != '\0')
			snprintf(out->message, sizeof(out->message), "%s",
				 counted.message);
	}
	return CRM_OK;
}

/* ---- change, second step: the new password ---- */

/* The hashes a new password must not match. */
struct history {
	char **hashes;
	size_t count, size;
};

static int
history_keep(void *arg, const char *hash)
{
	struct history *h = arg;

	if (h->count == h->size)
		return 0;
	h->hashes[h->count] = strdup(hash);
	if (h->hashes[h->count] == NULL)
		return CRM_ENOMEM;
	h->count++;
	return 0;
}

static void
history_free(struct history *h)
{
	size_t i;

	for (i = 0; i < h->count; i++) {
		crm_cleanse(h->hashes[i], strlen(h->hashes[i]));
		free(h->hashes[i]);
	}
	free(h->hashes);
}

/*
 * *used: whether fresh is one of the last `remember` passwords: the
 * newest rows of the history (where every change through us puts the
 * new hash, so the current password is its newest row) and the current
 * hash when it came another way (user add, an import).  Every hash is
 * computed, matched or not, so that the time does not say which matched.
 */
static int
history_used(struct crm_ctx *ctx, const struct crm_passwd_opts *opts,
	     const char *name, const char *current_hash, const char *fresh,
	     int *used, int *current_missing)
{
	struct history h = { NULL, 0, 0 };
	size_t i;
	int rc;

	*used = 0;
	*current_missing = 0;
	if (opts->remember == 0)
		return CRM_OK;
	h.size = opts->remember + 1;
	h.hashes = calloc(h.size, sizeof(*h.hashes));
	if (h.hashes == NULL)
		return CRM_ENOMEM;
	rc = crm_store_history_each(ctx->store, name, opts->remember,
				    history_keep, &h);
	if (rc == CRM_OK && current_hash != NULL &&
	    (h.count == 0 || strcmp(h.hashes[0], current_hash) != 0)) {
		*current_missing = 1;
		rc = history_keep(&h, current_hash);
	}
	for (i = 0; rc == CRM_OK && i < h.count; i++) {
		int v = crm_hash_verify(fresh, h.hashes[i]);

		if (v == CRM_OK)
			*used = 1;
		else if (v != CRM_NOTFOUND && v != CRM_INVALID)
			rc = v;
	}
	history_free(&h);
	return rc;
}

/* Every reason in the message, one a line; the classes in the detail. */
static void
describe(const struct crm_pwverdict *v, const char *prefix,
	 struct crm_outcome *out)
{
	size_t i, m = 0, d;

	d = (size_t)snprintf(out->detail, sizeof(out->detail), "%sreason=",
			     prefix);
	out->message[0] = '\0';
	for (i = 0; i < v->count; i++) {
		const char *cls = crm_pwreason_name(v->failures[i].reason);

		if (m < sizeof(out->message))
			m += (size_t)snprintf(out->message + m,
					      sizeof(out->message) - m,
					      "%s%s", i > 0 ? "\n" : "",
					      v->failures[i].message);
		if (d < sizeof(out->detail))
			d += (size_t)snprintf(out->detail + d,
					      sizeof(out->detail) - d,
					      "%s%s", i > 0 ? "," : "", cls);
	}
}

static void
add_history_failure(struct crm_pwverdict *v)
{
	struct crm_pwfailure *f = &v->failures[v->count++];

	f->reason = CRM_PW_HISTORY;
	snprintf(f->message, sizeof(f->message),
		 "The password was used before");
}

/* The policy verdict for fresh (breached list opened for this check). */
static int
check_policy(struct crm_ctx *ctx, const struct crm_passwd_opts *opts,
	     const struct crm_role_sections *roles, const char *user,
	     const char *dept, const char *current, const char *fresh,
	     struct crm_pwverdict *verdict)
{
	struct crm_pwpolicy policy;
	struct crm_pwcontext pc;
	struct crm_breached *list = NULL;
	char err[PATH_MAX + 128];
	int rc;

	rc = crm_passwd_policy_for(ctx->store, opts, roles, user, &policy,
				   &ctx->log);
	if (rc != CRM_OK)
		return rc;
	if (policy.breached[0] != '\0' &&
	    crm_breached_open(policy.breached, &list, err, sizeof(err)) !=
	    CRM_OK)
		crm_log(&ctx->log, LOG_ERR, "%s", err);
	memset(&pc, 0, sizeof(pc));
	pc.user = user;
	pc.department = dept;
	pc.old_password = current;
	pc.breached = list;
	pc.log = &ctx->log;
	rc = crm_pwpolicy_check(&policy, fresh, &pc, verdict);
	if (list != NULL)
		crm_breached_close(list);
	return rc;
}

int
crm_passwd_change(struct crm_ctx *ctx, const struct crm_passwd_opts *opts,
		  const struct crm_role_sections *roles,
		  const struct crm_request *req, const char *current,
		  const char *fresh, unsigned int how, struct crm_outcome *out)
{
	struct crm_pwverdict verdict;
	struct crm_user user;
	char hash[CRM_HASH_MAX];
	int64_t now = crm_now_ms();
	int next = opts->store == CRM_PASSWD_STORE_NEXT;
	int known, used = 0, current_missing = 0, rc;

	crm_outcome_init(out);
	memset(&user, 0, sizeof(user));
	hash[0] = '\0';
	if (!crm_request_valid(req, out))
		return out->status;
	if (fresh == NULL || fresh[0] == '\0') {
		crm_outcome_fail(out, CRM_INVALID, "no new password");
		return CRM_INVALID;
	}
	rc = crm_store_user_get(ctx->store, req->user, &user);
	if (rc != CRM_OK && rc != CRM_NOTFOUND)
		goto fail;
	known = rc == CRM_OK;
	if (!known && !next) {
		out->user_masked = 1;
		refuse(out, "password_rejected",
		       "Authentication token manipulation error",
		       "unknown user");
		goto record;
	}

	rc = check_policy(ctx, opts, roles, req->user,
			  known ? user.dept : NULL, current, fresh, &verdict);
	if (rc == CRM_OK)
		rc = history_used(ctx, opts, req->user,
				  known && !next ? user.password_hash : NULL,
				  fresh, &used, &current_missing);
	if (rc != CRM_OK)
		goto fail;
	if (used && verdict.count < CRM_PW_REASON_COUNT)
		add_history_failure(&verdict);

	if (verdict.count > 0 && !(how & CRM_PWCHANGE_WARN_ONLY)) {
		out->verdict = CRM_DENY;
		out->event = "password_rejected";
		out->audit = 1;
		describe(&verdict, "", out);
		goto record;
	}
	if (verdict.count > 0) {
		/* Root's or --force's choice, told and audited. */
		describe(&verdict, "weak, accepted by an administrator: ",
			 out);
		out->message_style = CRM_MSG_INFO;
	} else {
		snprintf(out->detail, sizeof(out->detail), "%s",
			 next ? "handed to the next module"
			 : (how & CRM_PWCHANGE_ADMIN) ? "set by an administrator"
						      : "changed by the user");
	}
	out->verdict = CRM_ALLOW;
	out->event = "password_changed";
	if (how & CRM_PWCHANGE_CHECK_ONLY) {
		out->event = "password_checked";
		crm_user_clear(&user);
		return CRM_OK;
	}
	out->audit = 1;

	rc = crm_hash_password(fresh, hash, sizeof(hash));
	if (rc != CRM_OK)
		goto fail;
	rc = crm_store_begin(ctx->store, CRM_TXN_WRITE);
	if (rc != CRM_OK)
		goto fail;
	if (!next) {
		rc = crm_store_user_set_password(ctx->store, req->user, hash,
						 now);
		if (rc == CRM_OK && (how & CRM_PWCHANGE_EXPIRE))
			rc = crm_store_user_set_must_change(ctx->store,
							    req->user, 1);
	}
	/* A password that came another way (user add, an import) enters
	 * the history as it is replaced. */
	if (rc == CRM_OK && current_missing)
		rc = crm_store_history_add(ctx->store, req->user,
					   user.password_hash,
					   user.password_changed_ms,
					   opts->remember);
	if (rc == CRM_OK)
		rc = crm_store_history_add(ctx->store, req->user, hash, now,
					   opts->remember);
	if (rc == CRM_OK)
		rc = crm_ctx_record(ctx, MODULE_NAME, req, out, now);
	if (rc == CRM_OK)
		rc = crm_store_commit(ctx->store);
	else
		crm_store_rollback(ctx->store);
	if (rc != CRM_OK)
		goto fail;
	crm_cleanse(hash, sizeof(hash));
	crm_user_clear(&user);
	return CRM_OK;
record:
	crm_user_clear(&user);
	return crm_ctx_record_alone(ctx, MODULE_NAME, req, out, now);
fail:
	crm_cleanse(hash, sizeof(hash));
	crm_user_clear(&user);
	crm_outcome_fail(out, rc, "%s: %s", crm_strerror(rc),
			 crm_store_errmsg(ctx->store));
	return rc;
}
