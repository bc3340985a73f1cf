/*
 * role.c - account status, roles for the front end and account switching
 * (see role.h).
 *
 * Names that end up in a CRM_ variable are checked again here, although
 * crmauth refuses them at write time: the database may have been written
 * by hand, and a role called "x,admin" must never become two roles in
 * CRM_ROLES.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "core/clock.h"
#include "decide/options.h"
#include "decide/role.h"
#include "store/store.h"

#define MODULE_NAME "pam_crm_role"

#define FIELD(name) offsetof(struct crm_role_opts, name)

/* The role whose holders no trust rule reaches from a caller without it. */
#define ADMIN_ROLE "admin"

const struct crm_option crm_role_options[] = {
	CRM_COMMON_OPTIONS(struct crm_role_opts),
	{ "require_role", CRM_OPT_STRING, FIELD(require_role), 0, 0, NULL,
	  0 },
	{ "switch", CRM_OPT_BOOL, FIELD(switch_auth), 0, 1, NULL, 0 },
	{ "switch_back", CRM_OPT_DURATION, FIELD(switch_back), 0,
	  CRM_ROLE_SWITCH_BACK_MAX, NULL, 0 },
};

const size_t crm_role_option_count = CRM_ARRAY_SIZE(crm_role_options);

void
crm_role_defaults(struct crm_role_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	crm_common_defaults(&opts->common);
	opts->switch_back = CRM_ROLE_SWITCH_BACK_DEFAULT;
}

/* require_role=a,b: every item a role name (no blank, no separator),
 * none empty: "a,,b" is a typo, not a wider list. */
static int
require_role_valid(const char *list, const struct crm_log *log)
{
	char item[CRM_NAME_MAX];
	const char *p = list;
	size_t len;

	if (list[0] == '\0')
		return 1;
	for (;;) {
		len = strcspn(p, ",");
		if (len == 0 || len >= sizeof(item))
			break;
		memcpy(item, p, len);
		item[len] = '\0';
		if (!crm_valid_item(item))
			break;
		if (p[len] == '\0')
			return 1;
		p += len + 1;
	}
	crm_log(log, LOG_ERR, "require_role: a comma list of role names, "
		"each without blanks or separators");
	return 0;
}

int
crm_role_load(struct crm_role_opts *opts, int argc, const char **argv,
	      const struct crm_log *log)
{
	struct crm_config_spec spec = {
		.section = "role",
		.options = crm_role_options,
		.option_count = crm_role_option_count,
		.values = opts,
		.values_size = sizeof(*opts),
	};
	int rc;

	spec.global_tables = crm_decide_option_tables(&spec.global_table_count);
	rc = crm_config_load(&spec, crm_default_conf(), argc, argv, NULL, log);
	if (rc == CRM_OK && !require_role_valid(opts->require_role, log))
		rc = CRM_INVALID;
	return rc;
}

/* ---- a list of names ---- */

struct names {
	char **items;
	size_t count, cap;
	int invalid;			/* a name held a separator */
};

static int
names_add(void *arg, const char *name)
{
	struct names *n = arg;
	void *items = n->items;

	if (!crm_valid_item(name)) {
		/* Kept out, but remembered: the login is refused. */
		n->invalid = 1;
		return 0;
	}
	if (crm_array_grow(&items, &n->cap, n->count, sizeof(*n->items)) !=
	    CRM_OK)
		return CRM_ENOMEM;
	n->items = items;
	if ((n->items[n->count] = strdup(name)) == NULL)
		return CRM_ENOMEM;
	n->count++;
	return 0;
}

static void
names_free(struct names *n)
{
	size_t i;

	for (i = 0; i < n->count; i++)
		free(n->items[i]);
	free(n->items);
	memset(n, 0, sizeof(*n));
}

static int
names_has(const struct names *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->count; i++)
		if (strcmp(n->items[i], name) == 0)
			return 1;
	return 0;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, each once: the front end may compare lists as strings. */
static void
names_sort_unique(struct names *n)
{
	size_t i, kept = 0;

	if (n->count == 0)
		return;
	qsort(n->items, n->count, sizeof(*n->items), compare_names);
	for (i = 1; i < n->count; i++) {
		if (strcmp(n->items[i], n->items[kept]) == 0)
			free(n->items[i]);
		else
			n->items[++kept] = n->items[i];
	}
	n->count = kept + 1;
}

/* The items joined with sep into buf; CRM_INVALID when they do not fit
 * (never cut: a cut list would name a permission nobody gave). */
static int
names_join(const struct names *n, const char *sep, char *buf, size_t len)
{
	size_t used = 0, i;
	int w;

	buf[0] = '\0';
	for (i = 0; i < n->count; i++) {
		w = snprintf(buf + used, len - used, "%s%s", i > 0 ? sep : "",
			     n->items[i]);
		if (w < 0 || (size_t)w >= len - used)
			return CRM_INVALID;
		used += (size_t)w;
	}
	return CRM_OK;
}

static const char *
mode_name(enum crm_switch_mode mode)
{
	return mode == CRM_SWITCH_TRUST ? "trust" : "reauth";
}

/* ---- the account's status ---- */

enum refusal {
	REFUSE_NONE,
	REFUSE_UNKNOWN,
	REFUSE_DISABLED,
	REFUSE_SUSPENDED,
	REFUSE_ROLE,
	REFUSE_NAME,			/* a stored name unusable */
	REFUSE_TOO_LONG,		/* a value past CRM_ENV_VALUE_MAX */
	REFUSE_REAUTH,			/* a reauth switch not authenticated */
};

/* A suspension whose until has passed is over: nothing to write, the
 * account is active again from that moment. */
static enum refusal
status_refusal(const struct crm_user *u, int64_t now_ms)
{
	switch (u->status) {
	case CRM_USER_ACTIVE:
		return REFUSE_NONE;
	case CRM_USER_DISABLED:
		return REFUSE_DISABLED;
	case CRM_USER_SUSPENDED:
		if (u->suspended_until_ms != 0 &&
		    u->suspended_until_ms <= now_ms)
			return REFUSE_NONE;
		return REFUSE_SUSPENDED;
	}
	return REFUSE_DISABLED;		/* a status this build does not know */
}

/* "2026-12-01 08:00" in the server's zone. */
static void
local_minute(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "%lld (epoch seconds)", (long long)t);
}

static int
require_role_met(const struct crm_role_opts *opts, const struct names *roles)
{
	char item[CRM_NAME_MAX];
	const char *p = opts->require_role;
	size_t len;

	if (p[0] == '\0')
		return 1;
	while (*p != '\0') {
		len = strcspn(p, ",");
		/* Validated at load: every item fits and is not empty. */
		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		if (names_has(roles, item))
			return 1;
		p += len;
		p += *p == ',';
	}
	return 0;
}

/* ---- who the user is, for the front end ---- */

struct identity {
	struct names roles;
	struct names perms;
	struct names chain;		/* department, top one first */
	enum crm_scope scope;
	int nroles;
};

static void
identity_free(struct identity *id)
{
	names_free(&id->roles);
	names_free(&id->perms);
	names_free(&id->chain);
}

static int
identity_read(struct crm_store *store, const char *user, const char *dept,
	      struct identity *id)
{
	int rc;

	rc = crm_store_user_roles(store, user, names_add, &id->roles);
	if (rc == CRM_OK)
		rc = crm_store_user_perms(store, user, names_add, &id->perms);
	if (rc == CRM_OK)
		rc = crm_store_user_scope(store, user, &id->scope,
					  &id->nroles);
	if (rc == CRM_OK && dept != NULL) {
		rc = crm_store_dept_chain(store, dept, names_add, &id->chain);
		/* A department not in the table stands for itself. */
		if (rc == CRM_OK && id->chain.count == 0 && !id->chain.invalid)
			rc = names_add(&id->chain, dept);
	}
	names_sort_unique(&id->roles);
	names_sort_unique(&id->perms);
	return rc;
}

/* Which name was refused, for the log and the audit detail. */
static const char *
identity_invalid(const struct identity *id)
{
	return id->roles.invalid ? "role" : id->perms.invalid ? "permission"
	     : id->chain.invalid ? "department" : NULL;
}

/* The variables of an allowed login; REFUSE_TOO_LONG names the one that
 * did not fit in *which. */
static int
identity_export(const struct identity *id, const char *user,
		const struct crm_switch_grant *grant, struct crm_outcome *out,
		const char **which)
{
	char value[CRM_ENV_VALUE_MAX];
	int rc;

	*which = "CRM_USER";
	rc = crm_outcome_setenv(out, "CRM_USER", user);
	if (rc == CRM_OK) {
		*which = "CRM_ROLES";
		rc = names_join(&id->roles, ",", value, sizeof(value));
	}
	if (rc == CRM_OK)
		rc = crm_outcome_setenv(out, "CRM_ROLES", value);
	if (rc == CRM_OK)
		rc = crm_outcome_setenv(out, "CRM_DATA_SCOPE",
					crm_scope_name(id->scope));
	if (rc == CRM_OK) {
		*which = "CRM_DEPARTMENT";
		rc = names_join(&id->chain, "/", value, sizeof(value));
	}
	if (rc == CRM_OK)
		rc = crm_outcome_setenv(out, "CRM_DEPARTMENT", value);
	if (rc == CRM_OK) {
		*which = "CRM_PERMISSIONS";
		rc = names_join(&id->perms, ",", value, sizeof(value));
	}
	if (rc == CRM_OK)
		rc = crm_outcome_setenv(out, "CRM_PERMISSIONS", value);
	if (rc == CRM_OK && grant != NULL) {
		*which = "CRM_SWITCHED_FROM";
		rc = crm_outcome_setenv(out, "CRM_SWITCHED_FROM", grant->from);
	}
	return rc;
}

/* ---- the account and session decision ---- */

static void
refuse(struct crm_outcome *out, enum refusal why, const struct crm_user *u,
       const char *what)
{
	char until[64];

	out->verdict = CRM_DENY;
	out->audit = 1;
	out->message_style = CRM_MSG_ERROR;
	out->event = "status_denied";
	switch (why) {
	case REFUSE_UNKNOWN:
		snprintf(out->detail, sizeof(out->detail), "reason=unknown");
		break;
	case REFUSE_DISABLED:
		snprintf(out->message, sizeof(out->message),
			 "Your account has been disabled");
		snprintf(out->detail, sizeof(out->detail), "reason=disabled");
		crm_outcome_setenv(out, "CRM_STATUS", CRM_STATUS_DISABLED);
		break;
	case REFUSE_SUSPENDED:
		if (u->suspended_until_ms != 0) {
			local_minute(u->suspended_until_ms, until,
				     sizeof(until));
			snprintf(out->message, sizeof(out->message),
				 "Your account is suspended until %s", until);
		} else {
			snprintf(out->message, sizeof(out->message),
				 "Your account is suspended");
		}
		snprintf(out->detail, sizeof(out->detail),
			 "reason=suspended until=%lld",
			 (long long)u->suspended_until_ms);
		crm_outcome_setenv(out, "CRM_STATUS", CRM_STATUS_SUSPENDED);
		break;
	case REFUSE_ROLE:
		out->event = "role_denied";
		snprintf(out->message, sizeof(out->message),
			 "Your account may not use this service");
		snprintf(out->detail, sizeof(out->detail),
			 "reason=require_role");
		break;
	case REFUSE_NAME:
		/* Not the user's doing: no detail for them, all for the
		 * administrator. */
		out->event = "env_refused";
		snprintf(out->detail, sizeof(out->detail), "reason=stored %s "
			 "name with a separator or control character", what);
		break;
	case REFUSE_TOO_LONG:
		out->event = "env_refused";
		snprintf(out->detail, sizeof(out->detail), "reason=%s longer "
			 "than %d bytes", what, CRM_ENV_VALUE_MAX - 1);
		break;
	case REFUSE_REAUTH:
		out->event = "switch_denied";
		snprintf(out->detail, sizeof(out->detail), "reason=reauth not "
			 "completed %s", what);
		break;
	case REFUSE_NONE:
		break;
	}
}

int
crm_role_refused_expired(const struct crm_outcome *out)
{
	size_t i;

	if (out->verdict != CRM_DENY)
		return 0;
	for (i = 0; i < out->env_count; i++)
		if (strcmp(out->env[i].name, "CRM_STATUS") == 0)
			return strcmp(out->env[i].value,
				      CRM_STATUS_DISABLED) == 0;
	return 0;
}

/* A grant counts for the account it was made for, by the caller that
 * asked: an application that changed PAM_USER or PAM_RUSER since gets
 * no CRM_SWITCHED_FROM. */
static const struct crm_switch_grant *
grant_for(const struct crm_switch_grant *grant, const struct crm_request *req)
{
	if (grant == NULL || req->ruser == NULL ||
	    strcmp(grant->target, req->user) != 0 ||
	    strcmp(grant->from, req->ruser) != 0)
		return NULL;
	return grant;
}

int
crm_role_decide(struct crm_ctx *ctx, const struct crm_role_opts *opts,
		enum crm_role_phase phase, const struct crm_request *req,
		const struct crm_switch_grant *grant, int *recorded,
		struct crm_outcome *out)
{
	struct identity id;
	struct crm_user u;
	enum refusal why = REFUSE_NONE;
	const char *what = NULL;
	int64_t now_ms = crm_now_ms();
	int known = 0, record_switch = 0, rc;

	crm_outcome_init(out);
	memset(&id, 0, sizeof(id));
	memset(&u, 0, sizeof(u));
	if (recorded != NULL)
		*recorded = 0;
	if (!crm_request_valid(req, out))
		return CRM_INVALID;
	grant = grant_for(grant, req);

	rc = crm_store_begin(ctx->store, CRM_TXN_READ);
	if (rc == CRM_OK) {
		rc = crm_store_user_get(ctx->store, req->user, &u);
		known = rc == CRM_OK;
		if (rc == CRM_NOTFOUND)
			rc = CRM_OK;
	}
	/* An unknown name takes the same lookups as an account. */
	if (rc == CRM_OK)
		rc = identity_read(ctx->store, req->user, known ? u.dept : NULL,
				   &id);
	crm_store_rollback(ctx->store);	/* read only */
	if (rc != CRM_OK) {
		crm_outcome_fail(out, rc, "%s: account unreadable",
				 crm_strerror(rc));
		goto out;
	}

	out->user_masked = !known;
	if (!known && opts->common.unknown == CRM_UNKNOWN_IGNORE) {
		out->verdict = CRM_IGNORE;
		out->event = "role_ignored";
		snprintf(out->detail, sizeof(out->detail), "not an account");
		goto out;
	}
	if (!known)
		why = REFUSE_UNKNOWN;
	if (why == REFUSE_NONE)
		why = status_refusal(&u, now_ms);
	if (why == REFUSE_NONE && !require_role_met(opts, &id.roles))
		why = REFUSE_ROLE;
	if (why == REFUSE_NONE && (what = identity_invalid(&id)) != NULL) {
		crm_log(&ctx->log, LOG_ERR, "%s: a stored %s name holds a list "
			"separator or a control character: refused, nothing "
			"exported", req->user, what);
		why = REFUSE_NAME;
	}
	/* A reauth switch is done only when the rest of the stack proved
	 * the target's identity in this handle. */
	record_switch = grant != NULL && !grant->recorded &&
			phase == CRM_ROLE_ACCOUNT;
	if (why == REFUSE_NONE && record_switch &&
	    grant->mode == CRM_SWITCH_REAUTH && !req->authenticated) {
		what = grant->basis;
		why = REFUSE_REAUTH;
	}
	/* In the session phase only a switch the account phase recorded
	 * is told to the front end. */
	if (grant != NULL && phase == CRM_ROLE_SESSION && !grant->recorded)
		grant = NULL;
	if (why == REFUSE_NONE) {
		rc = identity_export(&id, req->user, grant, out, &what);
		if (rc == CRM_INVALID) {
			crm_log(&ctx->log, LOG_ERR, "%s: %s longer than %d "
				"bytes: refused, nothing exported", req->user,
				what, CRM_ENV_VALUE_MAX - 1);
			why = REFUSE_TOO_LONG;
			out->env_count = 0;
		} else if (rc != CRM_OK) {
			crm_outcome_fail(out, rc, "%s: exporting %s",
					 crm_strerror(rc), what);
			goto out;
		}
	}
	if (why != REFUSE_NONE) {
		refuse(out, why, &u, what);
	} else if (record_switch) {
		out->verdict = CRM_ALLOW;
		out->event = "switch_ok";
		out->audit = 1;
		/* Both names are the row's user and ruser. */
		snprintf(out->detail, sizeof(out->detail), "%s %s",
			 grant->basis, mode_name(grant->mode));
	} else {
		out->verdict = CRM_ALLOW;
		out->event = "role_ok";
		out->audit = opts->common.debug;
		snprintf(out->detail, sizeof(out->detail), "roles=%d scope=%s",
			 id.nroles, crm_scope_name(id.scope));
	}
	if (out->audit &&
	    crm_ctx_record_alone(ctx, MODULE_NAME, req, out, now_ms) != CRM_OK)
		goto out;
	if (recorded != NULL)
		*recorded = record_switch && out->verdict == CRM_ALLOW;
out:
	identity_free(&id);
	crm_user_clear(&u);
	return out->verdict == CRM_FAIL ? (int)out->status : CRM_OK;
}

/* ---- switching ---- */

/* A copy of one rule: the store's strings live as long as its cursor. */
struct rule_copy {
	int64_t id;
	enum crm_switch_kind to_kind;
	char *to_name;
	enum crm_switch_mode mode;
};

struct rules {
	struct rule_copy *items;
	size_t count, cap;
};

static int
rules_add(void *arg, const struct crm_switch_rule *rule)
{
	struct rules *r = arg;
	void *items = r->items;

	if (crm_array_grow(&items, &r->cap, r->count, sizeof(*r->items)) !=
	    CRM_OK)
		return CRM_ENOMEM;
	r->items = items;
	r->items[r->count].id = rule->id;
	r->items[r->count].to_kind = rule->to_kind;
	r->items[r->count].mode = rule->mode;
	if ((r->items[r->count].to_name = strdup(rule->to_name)) == NULL)
		return CRM_ENOMEM;
	r->count++;
	return 0;
}

static void
rules_free(struct rules *r)
{
	size_t i;

	for (i = 0; i < r->count; i++)
		free(r->items[i].to_name);
	free(r->items);
	memset(r, 0, sizeof(*r));
}

/* What one switch is judged on, read in one transaction. */
struct switch_facts {
	struct crm_user caller_rec, target_rec;
	int caller_known, target_known;
	struct names caller_roles, target_roles;
	struct rules rules;
	int linked;
	int back;			/* switching back (below) */
};

static void
facts_free(struct switch_facts *f)
{
	crm_user_clear(&f->caller_rec);
	crm_user_clear(&f->target_rec);
	names_free(&f->caller_roles);
	names_free(&f->target_roles);
	rules_free(&f->rules);
}

/*
 * Switching back: the newest switch_ok into the caller within
 * switch_back came from the target, from the same rhost, was itself no
 * switch back, and the caller has not switched on since.  Then the
 * caller's session is the one the target switched out of, and the
 * target (who authenticated as themselves to get there) may return
 * without a rule.  Only the last switch is undone: a chain a->b->c
 * returns to b, and b's own return to a needs a rule.
 */
struct back_search {
	const char *caller, *target, *rhost;
	int64_t into_id;		/* the newest switch into the caller */
	int into_matches;		/* ...came from target, here */
	int switched_on;		/* the caller switched out after it */
};

static int
row_is_switch(const struct crm_audit_row *row)
{
	return row->module != NULL && strcmp(row->module, MODULE_NAME) == 0 &&
	       row->event != NULL && strcmp(row->event, "switch_ok") == 0;
}

static int
same_text(const char *a, const char *b)
{
	if (a == NULL || a[0] == '\0')
		return b == NULL || b[0] == '\0';
	return b != NULL && strcmp(a, b) == 0;
}

static int
back_into(void *arg, const struct crm_audit_row *row)
{
	struct back_search *b = arg;

	if (!row_is_switch(row))
		return 0;
	b->into_id = row->id;
	b->into_matches = row->ruser != NULL &&
			  strcmp(row->ruser, b->target) == 0 &&
			  same_text(row->rhost, b->rhost) &&
			  (row->detail == NULL ||
			   strncmp(row->detail, "back ", 5) != 0);
	return 0;
}

static int
back_out(void *arg, const struct crm_audit_row *row)
{
	struct back_search *b = arg;

	/* Rows since one switch are few: no need to stop early. */
	if (row_is_switch(row) && row->ruser != NULL &&
	    strcmp(row->ruser, b->caller) == 0)
		b->switched_on = 1;
	return 0;
}

static int
switching_back(struct crm_store *store, const struct crm_role_opts *opts,
	       const struct crm_request *req, int64_t now_ms, int *back)
{
	struct back_search b = { req->ruser, req->user, req->rhost, 0, 0, 0 };
	struct crm_audit_filter f;
	int rc;

	*back = 0;
	if (opts->switch_back == 0)
		return CRM_OK;
	memset(&f, 0, sizeof(f));
	f.user = req->ruser;
	f.event = "switch_ok";
	f.since_ms = now_ms - (int64_t)opts->switch_back * 1000;
	rc = crm_store_audit_list(store, &f, back_into, &b);
	if (rc != CRM_OK || !b.into_matches)
		return rc;
	memset(&f, 0, sizeof(f));
	f.event = "switch_ok";
	f.after_id = b.into_id;
	rc = crm_store_audit_list(store, &f, back_out, &b);
	*back = rc == CRM_OK && !b.switched_on;
	return rc;
}

static int
facts_read(struct crm_store *store, const struct crm_role_opts *opts,
	   const struct crm_request *req, int64_t now_ms,
	   struct switch_facts *f)
{
	int rc;

	rc = crm_store_user_get(store, req->ruser, &f->caller_rec);
	f->caller_known = rc == CRM_OK;
	if (rc == CRM_NOTFOUND)
		rc = CRM_OK;
	if (rc == CRM_OK) {
		rc = crm_store_user_get(store, req->user, &f->target_rec);
		f->target_known = rc == CRM_OK;
		if (rc == CRM_NOTFOUND)
			rc = CRM_OK;
	}
	if (rc == CRM_OK)
		rc = crm_store_user_roles(store, req->ruser, names_add,
					  &f->caller_roles);
	if (rc == CRM_OK)
		rc = crm_store_user_roles(store, req->user, names_add,
					  &f->target_roles);
	if (rc == CRM_OK)
		rc = crm_store_switch_from(store, req->ruser, rules_add,
					   &f->rules);
	if (rc == CRM_OK && f->caller_known && f->target_known)
		rc = crm_store_users_linked(store, req->ruser, req->user,
					    &f->linked);
	if (rc == CRM_OK && f->caller_known && f->target_known)
		rc = switching_back(store, opts, req, now_ms, &f->back);
	return rc;
}

/*
 * The escalation guard.  The roles the target holds and the caller
 * lacks are the escalation; a rule reaches the target only if its TO
 * names the target (user:NAME), or names a role (role:X) that is the
 * whole escalation: the target holds no role the caller lacks, or X is
 * the only one.  A rule for role:support therefore never reaches a
 * support agent who is also an admin, unless the caller is an admin.
 */
static int
guard_allows(const struct rule_copy *rule, const struct switch_facts *f)
{
	size_t i;

	if (rule->to_kind == CRM_SWITCH_USER)
		return 1;
	for (i = 0; i < f->target_roles.count; i++) {
		const char *role = f->target_roles.items[i];

		if (!names_has(&f->caller_roles, role) &&
		    strcmp(role, rule->to_name) != 0)
			return 0;
	}
	return 1;
}

/* A trust rule never reaches a holder of admin from a caller without it,
 * whatever its TO says: "log in as" an administrator is a password
 * away, always. */
static int
trust_allows(const struct rule_copy *rule, const struct switch_facts *f)
{
	return rule->mode != CRM_SWITCH_TRUST ||
	       !names_has(&f->target_roles, ADMIN_ROLE) ||
	       names_has(&f->caller_roles, ADMIN_ROLE);
}

static int
rule_reaches(const struct rule_copy *rule, const char *target,
	     const struct switch_facts *f)
{
	if (rule->to_kind == CRM_SWITCH_USER)
		return strcmp(rule->to_name, target) == 0;
	return names_has(&f->target_roles, rule->to_name);
}

/* The caller must be an account that may sign in now. */
static int
caller_active(const struct switch_facts *f, int64_t now_ms)
{
	return f->caller_known &&
	       status_refusal(&f->caller_rec, now_ms) == REFUSE_NONE;
}

static void
switch_deny(struct crm_outcome *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
switch_deny(struct crm_outcome *out, const char *fmt, ...)
{
	va_list ap;

	out->verdict = CRM_DENY;
	out->event = "switch_denied";
	out->audit = 1;
	out->message_style = CRM_MSG_ERROR;
	snprintf(out->message, sizeof(out->message),
		 "You may not switch to this account");
	va_start(ap, fmt);
	vsnprintf(out->detail, sizeof(out->detail), fmt, ap);
	va_end(ap);
}

static void
switch_grant(struct crm_outcome *out, struct crm_switch_grant *grant,
	     const struct crm_request *req, enum crm_switch_mode mode,
	     const char *basis)
{
	snprintf(grant->from, sizeof(grant->from), "%s", req->ruser);
	snprintf(grant->target, sizeof(grant->target), "%s", req->user);
	snprintf(grant->basis, sizeof(grant->basis), "%s", basis);
	grant->mode = mode;
	grant->recorded = 0;
	out->verdict = mode == CRM_SWITCH_TRUST ? CRM_ALLOW : CRM_IGNORE;
	/* Written now, so that a switch the application never completes
	 * is on record too; switch_ok follows in the account phase. */
	out->event = "switch_granted";
	out->audit = 1;
	snprintf(out->detail, sizeof(out->detail), "%s %s", basis,
		 mode_name(mode));
}

static void
switch_judge(const struct crm_request *req, const struct switch_facts *f,
	     int64_t now_ms, struct crm_switch_grant *grant,
	     struct crm_outcome *out)
{
	char basis[CRM_SWITCH_BASIS_MAX];
	int64_t guarded = 0, untrusted = 0;
	size_t i;

	out->user_masked = !f->target_known;
	if (!caller_active(f, now_ms)) {
		switch_deny(out, "reason=caller not an active account");
		return;
	}
	if (!f->target_known) {
		switch_deny(out, "reason=unknown target");
		return;
	}
	if (strcmp(req->ruser, req->user) == 0) {
		switch_deny(out, "reason=same account");
		return;
	}
	if (f->caller_roles.invalid || f->target_roles.invalid) {
		switch_deny(out, "reason=stored role name with a separator");
		return;
	}
	if (f->back) {
		switch_grant(out, grant, req, CRM_SWITCH_TRUST, "back");
		return;
	}
	for (i = 0; i < f->rules.count; i++) {
		const struct rule_copy *rule = &f->rules.items[i];

		if (!rule_reaches(rule, req->user, f))
			continue;
		if (!guard_allows(rule, f)) {
			guarded = guarded ? guarded : rule->id;
			continue;
		}
		if (!trust_allows(rule, f)) {
			untrusted = untrusted ? untrusted : rule->id;
			continue;
		}
		snprintf(basis, sizeof(basis), "rule=%lld",
			 (long long)rule->id);
		switch_grant(out, grant, req, rule->mode, basis);
		return;
	}
	/* A link names both accounts: the administrator meant these two,
	 * whatever roles they hold; the target still authenticates. */
	if (f->linked) {
		switch_grant(out, grant, req, CRM_SWITCH_REAUTH, "linked");
		return;
	}
	if (guarded != 0)
		switch_deny(out, "reason=escalation rule=%lld",
			    (long long)guarded);
	else if (untrusted != 0)
		switch_deny(out, "reason=trust to admin rule=%lld",
			    (long long)untrusted);
	else
		switch_deny(out, "reason=no rule");
}

int
crm_switch_decide(struct crm_ctx *ctx, const struct crm_role_opts *opts,
		  const struct crm_request *req,
		  struct crm_switch_grant *grant, struct crm_outcome *out)
{
	struct switch_facts f;
	int64_t now_ms = crm_now_ms();
	int rc;

	crm_outcome_init(out);
	memset(&f, 0, sizeof(f));
	memset(grant, 0, sizeof(*grant));
	if (!crm_request_valid(req, out))
		return CRM_INVALID;
	if (req->ruser == NULL ||
	    !crm_valid_name(req->ruser, CRM_NAME_MAX, 0)) {
		switch_deny(out, "reason=no signed-in user (ruser)");
	} else {
		rc = crm_store_begin(ctx->store, CRM_TXN_READ);
		if (rc == CRM_OK)
			rc = facts_read(ctx->store, opts, req, now_ms, &f);
		crm_store_rollback(ctx->store);	/* read only */
		if (rc != CRM_OK) {
			crm_outcome_fail(out, rc, "%s: switch rules unreadable",
					 crm_strerror(rc));
			goto out;
		}
		switch_judge(req, &f, now_ms, grant, out);
	}
	if (out->verdict == CRM_DENY)
		memset(grant, 0, sizeof(*grant));
	crm_ctx_record_alone(ctx, MODULE_NAME, req, out, now_ms);
out:
	facts_free(&f);
	return out->verdict == CRM_FAIL ? (int)out->status : CRM_OK;
}
