/*
 * lockout.c - the failed-login lockout decision (pam_crm_lockout).
 *
 * Semantics follow pam_faillock: failures are recorded per user name, a
 * user is locked once `deny` of them fall within `fail_interval` of the
 * latest, and the lock holds for `unlock_time`.  Beyond faillock, the lock
 * is a record of its own (it outlives the pruning of old failures and an
 * administrator sees when it ends), thresholds can differ per role, and a
 * source address can be blocked across all users (deny_rhost).
 *
 * Checks that find nothing to change run in a read transaction, so that
 * ordinary logins do not queue for the write lock; every change (a failure,
 * a lock, a reset) and its audit row are one write transaction.
 */
#include "autoconfig.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/audit.h"
#include "core/clock.h"
#include "decide/lockout.h"
#include "decide/options.h"
#include "store/store.h"

#define MODULE_NAME "pam_crm_lockout"
#define MAX_SECONDS 315360000L		/* ten years */

static const char *const lock_message_choices[] = {
	"detailed", "generic", NULL
};

#define PAM_FIELD(name) offsetof(struct crm_lockout_pam_opts, name)

const struct crm_option crm_lockout_options[] = {
	CRM_COMMON_OPTIONS(struct crm_lockout_opts),
	{ "preauth", CRM_OPT_WORD, PAM_FIELD(phase), CRM_LOCKOUT_PREAUTH, 0,
	  NULL, CRM_OPT_ARG_ONLY | CRM_OPT_PAM },
	{ "authfail", CRM_OPT_WORD, PAM_FIELD(phase), CRM_LOCKOUT_AUTHFAIL, 0,
	  NULL, CRM_OPT_ARG_ONLY | CRM_OPT_PAM },
	{ "authsucc", CRM_OPT_WORD, PAM_FIELD(phase), CRM_LOCKOUT_AUTHSUCC, 0,
	  NULL, CRM_OPT_ARG_ONLY | CRM_OPT_PAM },
	{ "nodelay", CRM_OPT_BOOL, PAM_FIELD(nodelay), 0, 1, NULL,
	  CRM_OPT_PAM },
	{ "deny", CRM_OPT_UINT, offsetof(struct crm_lockout_opts, deny),
	  0, 1000000000L, NULL, CRM_OPT_ROLE },
	{ "fail_interval", CRM_OPT_UINT,
	  offsetof(struct crm_lockout_opts, fail_interval),
	  1, MAX_SECONDS, NULL, CRM_OPT_ROLE },
	{ "unlock_time", CRM_OPT_UINT,
	  offsetof(struct crm_lockout_opts, unlock_time),
	  0, MAX_SECONDS, NULL, CRM_OPT_ROLE },
	{ "root_unlock_time", CRM_OPT_UINT,
	  offsetof(struct crm_lockout_opts, root_unlock_time),
	  0, MAX_SECONDS, NULL, CRM_OPT_ROLE },
	{ "even_deny_root", CRM_OPT_BOOL,
	  offsetof(struct crm_lockout_opts, even_deny_root), 0, 1, NULL, 0 },
	{ "admin_group", CRM_OPT_STRING,
	  offsetof(struct crm_lockout_opts, admin_group), 0, 0, NULL, 0 },
	{ "audit", CRM_OPT_BOOL, offsetof(struct crm_lockout_opts, audit),
	  0, 1, NULL, 0 },
	{ "deny_rhost", CRM_OPT_UINT,
	  offsetof(struct crm_lockout_opts, deny_rhost),
	  0, 1000000000L, NULL, 0 },
	{ "rhost_interval", CRM_OPT_UINT,
	  offsetof(struct crm_lockout_opts, rhost_interval),
	  1, MAX_SECONDS, NULL, 0 },
	{ "rhost_v6_prefix", CRM_OPT_UINT,
	  offsetof(struct crm_lockout_opts, rhost_v6_prefix), 0, 128, NULL, 0 },
	{ "lock_message", CRM_OPT_ENUM,
	  offsetof(struct crm_lockout_opts, lock_message), 0, 0,
	  lock_message_choices, 0 },
};

const size_t crm_lockout_option_count = CRM_ARRAY_SIZE(crm_lockout_options);

void
crm_lockout_defaults(struct crm_lockout_opts *opts,
		     struct crm_lockout_pam_opts *pam)
{
	memset(opts, 0, sizeof(*opts));
	crm_common_defaults(&opts->common);
	opts->deny = 5;
	opts->fail_interval = 900;
	opts->unlock_time = 600;
	opts->root_unlock_time = CRM_LOCKOUT_UNSET;
	opts->rhost_interval = 900;
	opts->rhost_v6_prefix = CRM_ADDR_V6_PREFIX_DEFAULT;
	opts->lock_message = CRM_LOCK_MESSAGE_DETAILED;
	if (pam != NULL) {
		memset(pam, 0, sizeof(*pam));
		pam->phase = CRM_LOCKOUT_ACCOUNT;
	}
}

static void
spec_for(struct crm_lockout_opts *opts, struct crm_lockout_pam_opts *pam,
	 struct crm_config_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->section = "lockout";
	spec->options = crm_lockout_options;
	spec->option_count = crm_lockout_option_count;
	spec->values = opts;
	spec->values_size = sizeof(*opts);
	spec->pam_values = pam;
	spec->global_tables =
		crm_decide_option_tables(&spec->global_table_count);
}

static unsigned long
max_ul(unsigned long a, unsigned long b)
{
	return a > b ? a : b;
}

int
crm_lockout_load(struct crm_lockout_opts *opts,
		 struct crm_lockout_pam_opts *pam, int argc, const char **argv,
		 const struct crm_log *log)
{
	struct crm_config_spec spec;
	struct crm_lockout_opts scratch;
	size_t i;
	int rc;

	spec_for(opts, pam, &spec);
	rc = crm_config_load(&spec, crm_default_conf(), argc, argv,
			     &opts->roles, log);
	if (rc != CRM_OK)
		return rc;

	/* Old failures may go once no role could still count them; a day at
	 * least, so that `crmauth lockout show` has something to show. */
	opts->keep_failures = max_ul(max_ul(opts->fail_interval,
					    opts->rhost_interval), 86400);
	spec.pam_values = NULL;
	for (i = 0; i < opts->roles.count; i++) {
		scratch = *opts;
		spec.values = &scratch;
		rc = crm_config_apply_role(&spec, &opts->roles.items[i],
					   &scratch, log);
		if (rc != CRM_OK) {
			crm_lockout_free(opts);
			return rc;
		}
		opts->keep_failures = max_ul(opts->keep_failures,
					     scratch.fail_interval);
	}
	return CRM_OK;
}

void
crm_lockout_free(struct crm_lockout_opts *opts)
{
	crm_config_free_roles(&opts->roles);
}

/* ---- the policy in force for one user ---- */

struct policy {
	unsigned long deny;
	unsigned long fail_interval;
	unsigned long unlock_time;	/* 0: admin only */
	int exempt;			/* root or admin_group, not even_deny_root */
};

/* 0 means "never unlocks by itself", the strictest of all. */
static int
longer_unlock(unsigned long a, unsigned long b)
{
	if (a == 0 || b == 0)
		return a == 0 && b != 0;
	return a > b;
}

struct role_merge {
	const struct crm_lockout_opts *opts;
	struct crm_lockout_opts base;	/* module values, role-free */
	struct crm_lockout_opts merged;
	int any;
	int rc;
	const struct crm_log *log;
};

/* A user with several roles gets the strictest value of each. */
static int
merge_role(void *arg, const char *role)
{
	struct role_merge *m = arg;
	const struct crm_role_section *section;
	struct crm_config_spec spec;
	struct crm_lockout_opts one;

	section = crm_config_find_role(&m->opts->roles, role);
	if (section == NULL)
		return 0;
	one = m->base;
	spec_for(&one, NULL, &spec);
	m->rc = crm_config_apply_role(&spec, section, &one, m->log);
	if (m->rc != CRM_OK)
		return -1;
	if (!m->any) {
		m->merged = one;
		m->any = 1;
		return 0;
	}
	if (one.deny != 0 && (m->merged.deny == 0 || one.deny < m->merged.deny))
		m->merged.deny = one.deny;
	m->merged.fail_interval = max_ul(m->merged.fail_interval,
					 one.fail_interval);
	if (longer_unlock(one.unlock_time, m->merged.unlock_time))
		m->merged.unlock_time = one.unlock_time;
	if (one.root_unlock_time != CRM_LOCKOUT_UNSET &&
	    (m->merged.root_unlock_time == CRM_LOCKOUT_UNSET ||
	     longer_unlock(one.root_unlock_time, m->merged.root_unlock_time)))
		m->merged.root_unlock_time = one.root_unlock_time;
	return 0;
}

/* uid 0, or a member of admin_group (primary or supplementary). */
static int
is_admin(const struct crm_lockout_opts *opts, const char *user)
{
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	char *buf;
	size_t buflen = 16384;
	int admin = 0;
	char **member;

	buf = malloc(buflen);
	if (buf == NULL)
		return -1;
	if (getpwnam_r(user, &pw, buf, buflen, &pwp) == 0 && pwp != NULL &&
	    pwp->pw_uid == 0)
		admin = 1;
	if (!admin && opts->admin_group[0] != '\0') {
		gid_t primary = pwp != NULL ? pwp->pw_gid : (gid_t)-1;
		char *gbuf = malloc(buflen);

		if (gbuf == NULL) {
			free(buf);
			return -1;
		}
		if (getgrnam_r(opts->admin_group, &gr, gbuf, buflen, &grp) == 0 &&
		    grp != NULL) {
			if (pwp != NULL && primary == grp->gr_gid)
				admin = 1;
			for (member = grp->gr_mem; !admin && *member != NULL;
			     member++)
				if (strcmp(*member, user) == 0)
					admin = 1;
		}
		free(gbuf);
	}
	free(buf);
	return admin;
}

static int
policy_for(struct crm_ctx *ctx, const struct crm_lockout_opts *opts,
	   const char *user, struct policy *pol)
{
	struct role_merge m;
	const struct crm_lockout_opts *eff = opts;
	unsigned long root_unlock;
	int admin, rc;

	memset(&m, 0, sizeof(m));
	/* Every name takes this path, known or not: only a name that holds
	 * a configured role gets other values. */
	if (opts->roles.count > 0) {
		m.opts = opts;
		m.base = *opts;
		m.base.roles.items = NULL;
		m.base.roles.count = 0;
		m.log = &ctx->log;
		m.rc = CRM_OK;
		rc = crm_store_user_roles(ctx->store, user, merge_role, &m);
		if (m.rc != CRM_OK)
			return m.rc;
		if (rc != CRM_OK)
			return rc;
		if (m.any)
			eff = &m.merged;
	}
	admin = is_admin(opts, user);
	if (admin < 0)
		return CRM_ENOMEM;

	pol->deny = eff->deny;
	pol->fail_interval = eff->fail_interval;
	pol->unlock_time = eff->unlock_time;
	pol->exempt = 0;
	if (admin) {
		/* As in faillock: root_unlock_time implies even_deny_root. */
		root_unlock = eff->root_unlock_time;
		if (!opts->even_deny_root && root_unlock == CRM_LOCKOUT_UNSET)
			pol->exempt = 1;
		pol->unlock_time = root_unlock == CRM_LOCKOUT_UNSET
					   ? eff->unlock_time : root_unlock;
	}
	return CRM_OK;
}

/* ---- the record of a name ---- */

/*
 * Failures and locks of an account are kept under its name, which an
 * administrator reads.  Any other name is kept as a keyed hash: a name
 * typed into the user field may be a password, and the store must never
 * hold one as typed.  Counting still works per name.
 */
#define UNKNOWN_PREFIX "(unknown):"
#define RECORD_MAX (sizeof(UNKNOWN_PREFIX) + 2 * 16)
_Static_assert(RECORD_MAX <= CRM_RECORD_MAX, "a record fits the context");

static int
keyed_name(struct crm_ctx *ctx, const char *name, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[CRM_HMAC_LEN];
	struct crm_buf part = { name, strlen(name) };
	size_t prefix = sizeof(UNKNOWN_PREFIX) - 1, i;
	const struct crm_key *key = NULL;
	int rc;

	if (len < RECORD_MAX)
		return CRM_INVALID;
	rc = crm_ctx_key(ctx, &key);
	if (rc == CRM_OK)
		rc = crm_hmac(key, CRM_KEY_NAME, &part, 1, mac);
	if (rc != CRM_OK)
		return rc;
	memcpy(out, UNKNOWN_PREFIX, prefix);
	for (i = 0; i < 16; i++) {
		out[prefix + 2 * i] = hex[mac[i] >> 4];
		out[prefix + 2 * i + 1] = hex[mac[i] & 0xf];
	}
	out[prefix + 32] = '\0';
	crm_cleanse(mac, sizeof(mac));
	return CRM_OK;
}

/* *known: the name is an account.  record gets what the store keys it by.
 * The hash is computed for every name, so that known and unknown names
 * cost the same; the phases of one login reuse the answer. */
static int
record_name(struct crm_ctx *ctx, const char *name, int *known, char *record,
	    size_t len)
{
	struct crm_user user;
	int rc;

	if (ctx->last_name.valid && strcmp(ctx->last_name.name, name) == 0) {
		*known = ctx->last_name.known;
		if ((size_t)snprintf(record, len, "%s",
				     ctx->last_name.record) >= len)
			return CRM_INVALID;
		return CRM_OK;
	}
	rc = crm_store_user_get(ctx->store, name, &user);
	crm_user_clear(&user);
	if (rc != CRM_OK && rc != CRM_NOTFOUND)
		return rc;
	*known = rc == CRM_OK;
	rc = keyed_name(ctx, name, record, len);
	if (rc == CRM_OK && *known) {
		if ((size_t)snprintf(record, len, "%s", name) >= len)
			return CRM_INVALID;
	}
	if (rc == CRM_OK && strlen(name) < sizeof(ctx->last_name.name) &&
	    strlen(record) < sizeof(ctx->last_name.record)) {
		ctx->last_name.valid = 1;
		ctx->last_name.known = *known;
		strcpy(ctx->last_name.name, name);
		strcpy(ctx->last_name.record, record);
	}
	return rc;
}

/* The source as counted: one client owns a whole IPv6 prefix, and
 * rotating addresses inside it must not buy fresh guesses. */
static int
rhost_key(const struct crm_lockout_opts *opts, const char *rhost, char *out,
	  size_t len)
{
	int rc = crm_addr_counting_key(rhost, (unsigned int)opts->rhost_v6_prefix,
				       out, len);

	return rc == CRM_NOTFOUND ? CRM_OK : rc;
}

/* ---- messages ---- */

int
crm_lockout_lock_holds(int64_t lock_until_ms, int64_t now_ms)
{
	return lock_until_ms == 0 || now_ms < lock_until_ms;
}

/*
 * "generic" never says "locked": with per-role thresholds the moment the
 * message appears tells an attacker which names hold a role.  The user
 * then learns only that the login failed.
 */
static void
lock_message(const struct crm_lockout_opts *opts, struct crm_outcome *out,
	     const struct crm_lock *lock, int64_t now_ms)
{
	out->message_style = CRM_MSG_ERROR;
	if (opts->lock_message == CRM_LOCK_MESSAGE_GENERIC) {
		/* Nor CRM_STATUS: the page a front end shows would say it. */
		out->message[0] = '\0';
		return;
	}
	/* The front end's page for it (pam_crm_role(8), CRM_STATUS); an
	 * outcome always has room for one variable. */
	(void)crm_outcome_setenv(out, "CRM_STATUS", CRM_STATUS_LOCKED);
	if (lock->until_ms == 0) {
		snprintf(out->message, sizeof(out->message),
			 "The account is locked due to %lld failed logins. "
			 "(an administrator must unlock it)",
			 (long long)lock->failures);
		return;
	}
	snprintf(out->message, sizeof(out->message),
		 "The account is locked due to %lld failed logins. "
		 "(%lld minutes left to unlock)", (long long)lock->failures,
		 (long long)((lock->until_ms - now_ms + 59999) / 60000));
}

/* ---- one evaluation ---- */

struct eval {
	struct crm_ctx *ctx;
	const struct crm_lockout_opts *opts;
	enum crm_lockout_phase phase;
	const struct crm_request *req;
	struct crm_outcome *out;
	struct policy pol;
	int have_policy;	/* pol is filled in */
	int64_t now;
	int known;		/* the name is an account */
	char record[CRM_NAME_MAX];	/* the name as the store keys it */
	char rhost[CRM_RHOST_MAX + 8];	/* the source as counted */
	int keyed;		/* record and rhost are filled in */
	int writing;		/* inside a write transaction */
	int needs_write;	/* set by a read pass that found work */
};

/*
 * The policy is looked up only when an answer depends on it: when a lock
 * exists or a failure is counted.  What asks for it is the same for every
 * name, known or not, so the work done still tells nothing about
 * accounts.
 */
static int
need_policy(struct eval *e)
{
	int rc;

	if (e->have_policy)
		return CRM_OK;
	rc = policy_for(e->ctx, e->opts, e->req->user, &e->pol);
	e->have_policy = rc == CRM_OK;
	return rc;
}

/* A denial or a change is written with its audit row. */
static void
must_write(struct eval *e)
{
	e->out->audit = 1;
	if (!e->writing)
		e->needs_write = 1;
}

static int
check_rhost(struct eval *e, int *blocked)
{
	int64_t count = 0;
	int rc;

	*blocked = 0;
	if (e->opts->deny_rhost == 0 || e->req->rhost == NULL)
		return CRM_OK;
	rc = crm_store_rhost_fail_count(e->ctx->store, e->rhost,
					e->now - (int64_t)e->opts->rhost_interval * 1000,
					&count);
	if (rc == CRM_OK && count >= (int64_t)e->opts->deny_rhost) {
		*blocked = 1;
		e->out->verdict = CRM_DENY;
		e->out->event = "rhost_blocked";
		e->out->message_style = CRM_MSG_ERROR;
		snprintf(e->out->message, sizeof(e->out->message),
			 "Too many failed logins from this address. "
			 "Try again later.");
		snprintf(e->out->detail, sizeof(e->out->detail),
			 "%lld failures from %.128s within %lu s",
			 (long long)count,
			 e->rhost, e->opts->rhost_interval);
		must_write(e);
	}
	return rc;
}

/*
 * Look at the user's lock.  *locked is set when it holds; an expired one
 * is removed (with the failures behind it) when writing, or flags the
 * need to write.  Expiry is time, not proof of identity: it may clear
 * failures in any phase, as faillock resets the tally.
 */
static int
check_lock(struct eval *e, int *locked)
{
	struct crm_outcome note;
	struct crm_lock lock;
	int rc;

	*locked = 0;
	rc = crm_store_lock_get(e->ctx->store, e->record, &lock);
	if (rc == CRM_NOTFOUND)
		return CRM_OK;
	if (rc == CRM_OK)
		rc = need_policy(e);
	if (rc != CRM_OK)
		return rc;
	if (crm_lockout_lock_holds(lock.until_ms, e->now) && !e->pol.exempt) {
		*locked = 1;
		e->out->verdict = CRM_DENY;
		e->out->event = "locked";
		lock_message(e->opts, e->out, &lock, e->now);
		snprintf(e->out->detail, sizeof(e->out->detail),
			 "locked after %lld failures", (long long)lock.failures);
		must_write(e);
		return CRM_OK;
	}
	if (!e->writing) {
		e->needs_write = 1;
		return CRM_OK;
	}
	rc = crm_store_lock_clear(e->ctx->store, e->record);
	if (rc == CRM_OK)
		rc = crm_store_fail_reset(e->ctx->store, e->record, NULL);
	if (rc != CRM_OK)
		return rc;
	note = *e->out;
	note.verdict = CRM_ALLOW;
	note.event = "unlocked";
	snprintf(note.detail, sizeof(note.detail),
		 "lock expired (unlock_time elapsed)");
	return crm_ctx_record(e->ctx, MODULE_NAME, e->req, &note, e->now);
}

static void
allow(struct eval *e)
{
	e->out->verdict = CRM_ALLOW;
	if (e->opts->common.unknown == CRM_UNKNOWN_IGNORE && !e->known)
		e->out->verdict = CRM_IGNORE;
	e->out->event = "lockout_ok";
	e->out->detail[0] = '\0';
}

static int
preauth(struct eval *e)
{
	int blocked, locked, rc;

	rc = check_rhost(e, &blocked);
	if (rc != CRM_OK || blocked)
		return rc;
	rc = check_lock(e, &locked);
	if (rc != CRM_OK || locked || e->needs_write)
		return rc;
	allow(e);
	return CRM_OK;
}

static int
authfail(struct eval *e)
{
	const struct crm_request *req = e->req;
	struct crm_store *store = e->ctx->store;
	struct crm_lock lock;
	int64_t count = 0, latest = 0, rhost_count = 0;
	int rc;

	e->out->audit = 1;
	rc = need_policy(e);
	if (rc == CRM_OK)
		rc = crm_store_fail_prune(store, e->now -
				  (int64_t)e->opts->keep_failures * 1000);
	if (rc == CRM_OK)
		rc = crm_store_fail_add(store, e->record, req->rhost,
					req->service, e->now);
	if (rc == CRM_OK && e->opts->deny_rhost > 0 && req->rhost != NULL) {
		rc = crm_store_rhost_fail_add(store, e->rhost, e->now);
		if (rc == CRM_OK)
			rc = crm_store_rhost_fail_count(store, e->rhost,
				e->now - (int64_t)e->opts->rhost_interval * 1000,
				&rhost_count);
	}
	if (rc != CRM_OK)
		return rc;

	e->out->verdict = CRM_DENY;
	rc = crm_store_lock_get(store, e->record, &lock);
	if (rc == CRM_OK && crm_lockout_lock_holds(lock.until_ms, e->now) &&
	    !e->pol.exempt) {
		/* Already locked (a stack without preauth): stays locked. */
		e->out->event = "locked";
		lock_message(e->opts, e->out, &lock, e->now);
		snprintf(e->out->detail, sizeof(e->out->detail),
			 "failure while locked");
		return CRM_OK;
	}
	if (rc != CRM_OK && rc != CRM_NOTFOUND)
		return rc;

	rc = crm_store_fail_count(store, e->record,
				  e->now - (int64_t)e->pol.fail_interval * 1000,
				  &count, &latest);
	if (rc != CRM_OK)
		return rc;
	if (e->pol.deny > 0 && count >= (int64_t)e->pol.deny &&
	    !e->pol.exempt) {
		lock.locked_ms = e->now;
		lock.until_ms = e->pol.unlock_time == 0
			? 0 : e->now + (int64_t)e->pol.unlock_time * 1000;
		lock.failures = count;
		rc = crm_store_lock_set(store, e->record, &lock);
		if (rc != CRM_OK)
			return rc;
		e->out->event = "locked";
		lock_message(e->opts, e->out, &lock, e->now);
		snprintf(e->out->detail, sizeof(e->out->detail),
			 "locked: %lld failures within %lu s",
			 (long long)count, e->pol.fail_interval);
	} else {
		e->out->event = "auth_fail";
		snprintf(e->out->detail, sizeof(e->out->detail),
			 "failure %lld of %lu%s", (long long)count, e->pol.deny,
			 e->pol.exempt ? " (exempt: root or admin_group)" : "");
	}
	if (rhost_count >= (int64_t)e->opts->deny_rhost &&
	    e->opts->deny_rhost > 0) {
		size_t len = strlen(e->out->detail);

		snprintf(e->out->detail + len, sizeof(e->out->detail) - len,
			 "; address %.128s blocked after %lld failures", e->rhost,
			 (long long)rhost_count);
	}
	return CRM_OK;
}

/*
 * authsucc stands after a successful authentication, and so proves one;
 * the account phase has one only when this conversation saw it.  Both
 * refuse a locked user; only a proven authentication clears failures, so
 * that a service whose auth is not ours (pam_permit, a public key, a
 * front end calling only pam_acct_mgmt) cannot reset the count.
 */
static int
success(struct eval *e)
{
	int proven = e->phase == CRM_LOCKOUT_AUTHSUCC || e->req->authenticated;
	int64_t count = 0, latest = 0, removed = 0;
	struct crm_lock lock;
	int locked = 0, rc;

	rc = check_lock(e, &locked);
	if (rc != CRM_OK || locked || e->needs_write)
		return rc;
	if (!proven) {
		allow(e);
		return CRM_OK;
	}
	if (!e->writing) {
		rc = crm_store_fail_count(e->ctx->store, e->record, 0, &count,
					  &latest);
		if (rc == CRM_OK)
			rc = crm_store_lock_get(e->ctx->store, e->record,
						&lock);
		if (rc == CRM_OK || count > 0) {
			e->needs_write = 1;
			return CRM_OK;
		}
		if (rc != CRM_NOTFOUND)
			return rc;
		allow(e);
		e->out->authenticated = e->phase == CRM_LOCKOUT_AUTHSUCC;
		return CRM_OK;
	}
	rc = crm_store_fail_reset(e->ctx->store, e->record, &removed);
	if (rc == CRM_OK)
		rc = crm_store_lock_clear(e->ctx->store, e->record);
	if (rc != CRM_OK)
		return rc;
	allow(e);
	e->out->authenticated = e->phase == CRM_LOCKOUT_AUTHSUCC;
	if (removed > 0) {
		e->out->event = "unlocked";
		e->out->audit = 1;
		snprintf(e->out->detail, sizeof(e->out->detail),
			 "%lld failures cleared by a successful login",
			 (long long)removed);
	}
	return CRM_OK;
}

static int
evaluate(struct eval *e)
{
	int rc;

	switch (e->phase) {
	case CRM_LOCKOUT_PREAUTH:
		rc = preauth(e);
		break;
	case CRM_LOCKOUT_AUTHFAIL:
		rc = authfail(e);
		break;
	case CRM_LOCKOUT_AUTHSUCC:
	case CRM_LOCKOUT_ACCOUNT:
		rc = success(e);
		break;
	default:
		return CRM_INVALID;
	}
	/* Names that are not accounts are logged as "(unknown)" unless
	 * audit is set. */
	e->out->user_masked = !e->known && !e->opts->audit;
	return rc;
}

/* Run one pass inside a transaction of the given kind. */
static int
pass(struct eval *e, enum crm_txn txn)
{
	int rc;

	crm_outcome_init(e->out);
	e->writing = txn == CRM_TXN_WRITE;
	e->needs_write = 0;
	rc = crm_store_begin(e->ctx->store, txn);
	if (rc != CRM_OK)
		return rc;
	/* The name's record and the source's key depend on the request
	 * alone: a write pass after a read pass reuses them (one lookup,
	 * one keyed hash per decision). */
	if (!e->keyed) {
		rc = record_name(e->ctx, e->req->user, &e->known, e->record,
				 sizeof(e->record));
		if (rc == CRM_OK && e->req->rhost != NULL)
			rc = rhost_key(e->opts, e->req->rhost, e->rhost,
				       sizeof(e->rhost));
		e->keyed = rc == CRM_OK;
	}
	if (rc == CRM_OK)
		rc = evaluate(e);
	if (rc == CRM_OK && e->writing && e->out->audit &&
	    e->out->verdict != CRM_FAIL)
		rc = crm_ctx_record(e->ctx, MODULE_NAME, e->req, e->out,
				    e->now);
	if (rc != CRM_OK) {
		crm_store_rollback(e->ctx->store);
		return rc;
	}
	return crm_store_commit(e->ctx->store);
}

int
crm_lockout_decide(struct crm_ctx *ctx, const struct crm_lockout_opts *opts,
		   enum crm_lockout_phase phase, const struct crm_request *req,
		   struct crm_outcome *out)
{
	struct eval e;
	int rc;

	crm_outcome_init(out);
	if (!crm_request_valid(req, out))
		return CRM_INVALID;
	memset(&e, 0, sizeof(e));
	e.ctx = ctx;
	e.opts = opts;
	e.phase = phase;
	e.req = req;
	e.out = out;
	e.now = crm_now_ms();

	/* Failures always write; the other phases look first and write only
	 * when they found something to change or to audit. */
	if (phase == CRM_LOCKOUT_AUTHFAIL) {
		rc = pass(&e, CRM_TXN_WRITE);
	} else {
		rc = pass(&e, CRM_TXN_READ);
		if (rc == CRM_OK && e.needs_write)
			rc = pass(&e, CRM_TXN_WRITE);
	}
	if (rc != CRM_OK)
		crm_outcome_fail(out, rc, "%s: %s", crm_strerror(rc),
				 crm_store_errmsg(ctx->store));
	return rc;
}

/* ---- the administrator's side ---- */

struct list_visit {
	const char *asked;		/* the name asked for, or NULL */
	int64_t now;
	crm_lockout_entry_cb cb;
	void *arg;
	int seen;
};

static int
visit_summary(void *arg, const struct crm_fail_summary *sum)
{
	struct list_visit *v = arg;
	struct crm_lockout_entry entry;

	memset(&entry, 0, sizeof(entry));
	/* A keyed record shows what the administrator typed, or nothing
	 * of the name at all. */
	entry.user = strncmp(sum->user, UNKNOWN_PREFIX,
			     sizeof(UNKNOWN_PREFIX) - 1) != 0 ? sum->user
		   : v->asked != NULL ? v->asked : "(unknown)";
	entry.failures = sum->failures;
	entry.latest_ms = sum->latest_ms;
	entry.last_rhost = sum->last_rhost;
	entry.locked = sum->lock_until_ms >= 0 &&
		       crm_lockout_lock_holds(sum->lock_until_ms, v->now);
	entry.lock_until_ms = entry.locked ? sum->lock_until_ms : -1;
	v->seen = 1;
	return v->cb(v->arg, &entry);
}

int
crm_lockout_list(struct crm_ctx *ctx, const char *user, int64_t now_ms,
		 crm_lockout_entry_cb cb, void *arg)
{
	struct list_visit v = { user, now_ms, cb, arg, 0 };
	struct crm_lockout_entry none;
	char record[CRM_NAME_MAX];
	int known, rc;

	if (user != NULL) {
		rc = record_name(ctx, user, &known, record, sizeof(record));
		if (rc != CRM_OK)
			return rc;
	}
	rc = crm_store_fail_list(ctx->store, user != NULL ? record : NULL, 0,
				 visit_summary, &v);
	if (rc != CRM_OK || user == NULL || v.seen)
		return rc;
	/* A name without records is shown with none, so that a script
	 * reads 0 rather than an empty list. */
	memset(&none, 0, sizeof(none));
	none.user = user;
	none.lock_until_ms = -1;
	return cb(arg, &none);
}

int
crm_lockout_reset_user(struct crm_ctx *ctx, const char *user,
		       struct crm_lockout_reset *result)
{
	char record[CRM_NAME_MAX];
	struct crm_lock lock;
	int known, rc;

	memset(result, 0, sizeof(*result));
	rc = record_name(ctx, user, &known, record, sizeof(record));
	if (rc == CRM_OK)
		rc = crm_store_fail_reset(ctx->store, record,
					  &result->failures_removed);
	if (rc != CRM_OK)
		return rc;
	rc = crm_store_lock_get(ctx->store, record, &lock);
	if (rc != CRM_OK && rc != CRM_NOTFOUND)
		return rc;
	result->had_lock = rc == CRM_OK;
	if (result->failures_removed == 0 && !result->had_lock)
		return CRM_NOTFOUND;
	return crm_store_lock_clear(ctx->store, record);
}

int
crm_lockout_reset_rhost(struct crm_ctx *ctx,
			const struct crm_lockout_opts *opts, const char *rhost,
			char *key, size_t keylen, int64_t *removed)
{
	int rc;

	*removed = 0;
	rc = rhost_key(opts, rhost, key, keylen);
	if (rc == CRM_OK)
		rc = crm_store_rhost_fail_reset(ctx->store, key, removed);
	if (rc == CRM_OK && *removed == 0)
		rc = CRM_NOTFOUND;
	return rc;
}
