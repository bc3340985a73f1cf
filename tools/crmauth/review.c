/*
 * review.c - crmauth review: the periodic permission review, what an
 * auditor asks every quarter.  One read transaction; each finding is a
 * kind, the account, role or rule it is about, and why:
 *
 *   inactive              no login for N days (or none since created
 *                         N days ago); disabled accounts are closed
 *                         already and not listed here
 *   admin_without_totp    holds role admin without a confirmed TOTP
 *                         enrolment
 *   password_max_age      password older than --max-age-days (pam_crm
 *                         has no max_age option yet: 0, the default,
 *                         checks nothing)
 *   disabled_with_roles   disabled, and still holds roles
 *   trust_reaches_admin   a trust switch rule whose TO is role:admin or
 *                         a holder of admin: "log in as" an administrator
 *   role_unused           a role nobody holds
 *   role_beyond_templates a role with templates applied whose own
 *                         permissions are in none of them (roles
 *                         without templates are not managed by them)
 *
 * Exit status 0: nothing found; 1: findings; 2: error.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/store.h"

#include "crmauth.h"

#define DAY_MS	(24LL * 3600 * 1000)
/* The role whose holders are administrators (SPEC: pam_crm_role). */
#define ADMIN_ROLE	"admin"

static const char review_usage[] =
"usage: crmauth review [--inactive-days N] [--max-age-days N] [--json]\n"
"Lists inactive accounts, administrators without TOTP, passwords older\n"
"than --max-age-days (0: not checked), disabled accounts holding roles,\n"
"trust switch rules that reach administrators, roles nobody holds and\n"
"roles whose permissions go beyond their templates.  Exit status 0:\n"
"nothing found, 1: findings, 2: error.\n";

struct review_user {
	char *name;
	enum crm_user_status status;
	int64_t created_ms, last_login_ms, password_changed_ms;
	int has_password;
	int nroles;
	int admin;			/* holds ADMIN_ROLE */
};

struct review {
	struct crmauth *ca;
	int64_t now_ms;
	long inactive_days, max_age_days;
	struct review_user *users;
	size_t nusers, capusers;
	struct ca_strlist roles;	/* unused and template checks */
	struct ca_table table;		/* text */
	json_object *json;		/* --json: the findings array */
	size_t count;
};

static int
finding(struct review *r, const char *kind, const char *name,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
finding(struct review *r, const char *kind, const char *name,
	const char *fmt, ...)
{
	char detail[CRM_DETAIL_MAX];
	const char *cells[3];
	json_object *obj;
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	r->count++;
	if (r->json == NULL) {
		cells[0] = kind;
		cells[1] = name;
		cells[2] = detail;
		return ca_table_add(&r->table, cells);
	}
	obj = json_object_new_object();
	if (obj == NULL || ca_json_str(obj, "kind", kind) != CRM_OK ||
	    ca_json_str(obj, "name", name) != CRM_OK ||
	    ca_json_str(obj, "detail", detail) != CRM_OK ||
	    json_object_array_add(r->json, obj) != 0) {
		json_object_put(obj);
		return CRM_ENOMEM;
	}
	return CRM_OK;
}

static int
collect_user(void *arg, const struct crm_user *user)
{
	struct review *r = arg;
	struct review_user *u;

	if (crm_array_grow((void **)&r->users, &r->capusers, r->nusers,
			   sizeof(*r->users)) != CRM_OK)
		return CRM_ENOMEM;
	u = &r->users[r->nusers];
	memset(u, 0, sizeof(*u));
	if ((u->name = strdup(user->name)) == NULL)
		return CRM_ENOMEM;
	u->status = user->status;
	u->created_ms = user->created_ms;
	u->last_login_ms = user->last_login_ms;
	u->password_changed_ms = user->password_changed_ms;
	r->nusers++;
	return CRM_OK;
}

static int
count_role(void *arg, const char *name)
{
	struct review_user *u = arg;

	u->nroles++;
	if (strcmp(name, ADMIN_ROLE) == 0)
		u->admin = 1;
	return 0;
}

/* The users with what the checks need: roles held, whether a password
 * is set (the hash itself is cleared at once). */
static int
review_load_users(struct review *r)
{
	struct crm_store *store = r->ca->ctx->store;
	struct crm_user full;
	size_t i;
	int rc;

	if ((rc = crm_store_user_list(store, collect_user, r)) != CRM_OK)
		return rc;
	for (i = 0; i < r->nusers; i++) {
		rc = crm_store_user_roles(store, r->users[i].name, count_role,
					  &r->users[i]);
		if (rc == CRM_OK)
			rc = crm_store_user_get(store, r->users[i].name, &full);
		if (rc != CRM_OK)
			return rc;
		r->users[i].has_password = full.password_hash != NULL;
		crm_user_clear(&full);
	}
	return CRM_OK;
}

static const struct review_user *
review_user_find(const struct review *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nusers; i++)
		if (strcmp(r->users[i].name, name) == 0)
			return &r->users[i];
	return NULL;
}

static int
review_users(struct review *r)
{
	struct crm_store *store = r->ca->ctx->store;
	const struct review_user *u;
	int64_t inactive_before = r->now_ms - r->inactive_days * DAY_MS;
	struct crm_totp t;
	char when[64];
	size_t i;
	int rc = CRM_OK;

	for (i = 0; rc == CRM_OK && i < r->nusers; i++) {
		u = &r->users[i];
		if (u->status != CRM_USER_DISABLED &&
		    (u->last_login_ms > 0 ? u->last_login_ms < inactive_before
					  : u->created_ms < inactive_before)) {
			ca_time_text(u->last_login_ms > 0 ? u->last_login_ms :
				  u->created_ms, when, sizeof(when));
			rc = finding(r, "inactive", u->name, "%s %s (more than "
				     "%ld days)", u->last_login_ms > 0 ?
				     "last login" : "never logged in, created",
				     when, r->inactive_days);
		}
		if (rc == CRM_OK && u->admin) {
			rc = crm_store_totp_get(store, u->name, &t);
			if (rc == CRM_NOTFOUND || (rc == CRM_OK &&
						   t.confirmed_ms == 0))
				rc = finding(r, "admin_without_totp", u->name,
					     "holds role %s %s", ADMIN_ROLE,
					     rc == CRM_OK ? "with a TOTP "
					     "enrolment never confirmed" :
					     "without a TOTP enrolment");
			crm_cleanse(&t, sizeof(t));
		}
		if (rc == CRM_OK && r->max_age_days > 0 && u->has_password &&
		    u->password_changed_ms < r->now_ms - r->max_age_days *
		    DAY_MS) {
			ca_time_text(u->password_changed_ms, when, sizeof(when));
			rc = finding(r, "password_max_age", u->name,
				     "password set %s (more than %ld days)",
				     when, r->max_age_days);
		}
		if (rc == CRM_OK && u->status == CRM_USER_DISABLED &&
		    u->nroles > 0)
			rc = finding(r, "disabled_with_roles", u->name,
				     "disabled, holds %d role%s", u->nroles,
				     u->nroles == 1 ? "" : "s");
	}
	return rc;
}

static int
review_switch(void *arg, const struct crm_switch_rule *rule)
{
	struct review *r = arg;
	const struct review_user *target;
	char id[32];

	if (rule->mode != CRM_SWITCH_TRUST)
		return 0;
	snprintf(id, sizeof(id), "%lld", (long long)rule->id);
	if (rule->to_kind == CRM_SWITCH_ROLE &&
	    strcmp(rule->to_name, ADMIN_ROLE) == 0)
		return finding(r, "trust_reaches_admin", id,
			       "switch rule %s:%s -> role:%s --trust",
			       rule->from_kind == CRM_SWITCH_USER ? "user" :
			       "role", rule->from_name, ADMIN_ROLE);
	if (rule->to_kind == CRM_SWITCH_USER &&
	    (target = review_user_find(r, rule->to_name)) != NULL &&
	    target->admin)
		return finding(r, "trust_reaches_admin", id,
			       "switch rule %s:%s -> user:%s --trust "
			       "(holds role %s)",
			       rule->from_kind == CRM_SWITCH_USER ? "user" :
			       "role", rule->from_name, rule->to_name,
			       ADMIN_ROLE);
	return 0;
}

static int
review_role_list(void *arg, const struct crm_role *role)
{
	struct review *r = arg;

	if (role->members == 0 &&
	    finding(r, "role_unused", role->name, "nobody holds it") != CRM_OK)
		return CRM_ENOMEM;
	return ca_strlist_add(&r->roles, role->name);
}

/* The role's own permissions that none of its templates grants. */
static int
review_role_templates(struct review *r, const char *role)
{
	struct crm_store *store = r->ca->ctx->store;
	struct ca_strlist templates = { 0 }, own = { 0 }, granted = { 0 };
	struct ca_strlist beyond = { 0 };
	char *text = NULL;
	size_t i, j;
	int rc;

	rc = crm_store_role_templates(store, role, ca_strlist_cb, &templates);
	if (rc == CRM_OK && templates.count > 0)
		rc = crm_store_role_perms(store, role, ca_strlist_cb, &own);
	for (i = 0; rc == CRM_OK && i < templates.count && own.count > 0; i++)
		rc = crm_store_template_perms(store, templates.items[i],
					      ca_strlist_cb, &granted);
	for (i = 0; rc == CRM_OK && i < own.count; i++) {
		for (j = 0; j < granted.count; j++)
			if (strcmp(own.items[i], granted.items[j]) == 0)
				break;
		if (j == granted.count)
			rc = ca_strlist_add(&beyond, own.items[i]);
	}
	if (rc == CRM_OK && beyond.count > 0) {
		if ((text = ca_strlist_join(&beyond, ",")) == NULL)
			rc = CRM_ENOMEM;
		else
			rc = finding(r, "role_beyond_templates", role,
				     "permissions in none of its templates: "
				     "%s", text);
	}
	free(text);
	ca_strlist_free(&templates);
	ca_strlist_free(&own);
	ca_strlist_free(&granted);
	ca_strlist_free(&beyond);
	return rc;
}

static int
review_run(struct review *r)
{
	struct crm_store *store = r->ca->ctx->store;
	size_t i;
	int rc;

	if ((rc = review_load_users(r)) != CRM_OK ||
	    (rc = review_users(r)) != CRM_OK ||
	    (rc = crm_store_switch_list(store, review_switch, r)) != CRM_OK ||
	    (rc = crm_store_role_list(store, review_role_list, r)) != CRM_OK)
		return rc;
	for (i = 0; rc == CRM_OK && i < r->roles.count; i++)
		rc = review_role_templates(r, r->roles.items[i]);
	return rc;
}

static int
review_print(struct review *r)
{
	json_object *obj;
	int rc;

	if (r->json == NULL) {
		if (r->count == 0) {
			printf("nothing found\n");
			return CRM_OK;
		}
		return ca_table_print(&r->table);
	}
	obj = json_object_new_object();
	if (obj == NULL)
		return CRM_ENOMEM;
	rc = ca_json_int(obj, "inactive_days", r->inactive_days);
	if (rc == CRM_OK)
		rc = ca_json_int(obj, "max_age_days", r->max_age_days);
	if (rc == CRM_OK)
		rc = ca_json_int(obj, "count", (int64_t)r->count);
	if (rc == CRM_OK) {
		rc = json_object_object_add(obj, "findings", r->json) == 0 ?
		     CRM_OK : CRM_ENOMEM;
		if (rc == CRM_OK)
			r->json = NULL;	/* obj owns it now */
	}
	if (rc == CRM_OK)
		rc = ca_json_print(obj);
	json_object_put(obj);
	return rc;
}

static int
parse_days(const char *opt, const char *text, long *out)
{
	char *end;
	long v;

	v = strtol(text, &end, 10);
	if (end == text || *end != '\0' || v < 0 || v > 36500)
		return ca_usage_error(review_usage, "review: %s: a number of "
				      "days from 0 to 36500", opt);
	*out = v;
	return CA_CONTINUE;
}

int
cmd_review(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "inactive-days", required_argument, NULL, 'i' },
		{ "max-age-days", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const headers[] = { "FINDING", "NAME", "DETAIL" };
	struct review r;
	size_t i;
	int c, ret, rc;

	memset(&r, 0, sizeof(r));
	r.ca = ca;
	r.inactive_days = 90;
	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, "", longopts, "review")) != -1) {
		if (c == 'i')
			ret = parse_days("--inactive-days", optarg,
					 &r.inactive_days);
		else if (c == 'm')
			ret = parse_days("--max-age-days", optarg,
					 &r.max_age_days);
		else
			ret = ca_verb_option(ca, c, review_usage);
		if (ret != CA_CONTINUE)
			return ret;
	}
	if (optind != argc)
		return ca_usage_error(review_usage, "review: unexpected "
				      "argument '%s'", argv[optind]);
	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);
	r.now_ms = crm_now_ms();
	ca_table_init(&r.table, 3, headers);
	if (ca->json && (r.json = json_object_new_array()) == NULL) {
		ca_error(ca, CRM_ENOMEM, "review");
		ret = CA_EXIT_ERROR;
		goto out;
	}
	rc = crm_store_begin(ca->ctx->store, CRM_TXN_READ);
	if (rc == CRM_OK) {
		rc = review_run(&r);
		crm_store_rollback(ca->ctx->store);
	}
	if (rc == CRM_OK)
		rc = review_print(&r);
	if (rc != CRM_OK) {
		/* 1 means findings here: every error is 2. */
		ca_error(ca, rc, "review");
		ret = CA_EXIT_ERROR;
	} else
		ret = r.count > 0 ? CA_EXIT_REFUSED : CA_EXIT_OK;
out:
	json_object_put(r.json);
	ca_table_free(&r.table);
	ca_strlist_free(&r.roles);
	for (i = 0; i < r.nusers; i++)
		free(r.users[i].name);
	free(r.users);
	return ret;
}
