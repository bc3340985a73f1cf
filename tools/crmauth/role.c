/*
 * role.c - crmauth role: roles, their data scope and who holds them.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#include "crmauth.h"

static const char role_usage[] =
"usage: crmauth role add NAME --scope own|department|company [--perm P]...\n"
"       crmauth role del NAME\n"
"       crmauth role list\n"
"       crmauth role grant USER ROLE\n"
"       crmauth role revoke USER ROLE\n";

/* ---- role add | del ---- */

struct role_new {
	enum crm_scope scope;
	struct ca_strlist perms;
};

static int
role_add_apply(struct crmauth *ca, struct ca_change *change)
{
	const struct role_new *role = change->arg;
	char *perm_text;
	size_t i;
	int rc;

	rc = crm_store_role_add(ca->ctx->store, change->name, role->scope);
	if (rc != CRM_OK)
		return rc;
	for (i = 0; i < role->perms.count; i++) {
		rc = crm_store_role_perm_add(ca->ctx->store, change->name,
					     role->perms.items[i]);
		/* --perm p --perm p: the second finds the first. */
		if (rc != CRM_OK && rc != CRM_EXISTS)
			return rc;
	}
	if ((perm_text = ca_strlist_join(&role->perms, ",")) == NULL)
		return CRM_ENOMEM;
	ca_detail(change->detail, sizeof(change->detail),
		  "role=%s scope=%s perms=%s", change->name,
		  crm_scope_name(role->scope),
		  perm_text[0] != '\0' ? perm_text : "-");
	free(perm_text);
	return CRM_OK;
}

static int
role_add(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "scope", required_argument, NULL, 's' },
		{ "perm", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ca_change change = { 0 };
	struct role_new role = { 0 };
	char done[CRM_MSG_MAX];
	const char *name, *scope_text = NULL;
	int c, opt, ret = CA_EXIT_ERROR;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts,
			      "role add")) != -1) {
		switch (c) {
		case 's':
			scope_text = optarg;
			break;
		case 'p':
			if (ca_check_item("permission", optarg) != CRM_OK)
				goto out;
			if (ca_strlist_add(&role.perms, optarg) != CRM_OK) {
				ca_warn("out of memory");
				goto out;
			}
			break;
		default:
			opt = ca_verb_option(ca, c, role_usage);
			if (opt != CA_CONTINUE) {
				ret = opt;
				goto out;
			}
			break;
		}
	}
	if (argc - optind != 1) {
		ret = ca_usage_error(role_usage, "role add: expected one NAME");
		goto out;
	}
	name = argv[optind];
	if (scope_text == NULL) {
		ret = ca_usage_error(role_usage,
				     "role add: --scope is required");
		goto out;
	}
	if (crm_scope_parse(scope_text, &role.scope) != CRM_OK) {
		ret = ca_usage_error(role_usage,
				     "role add: --scope: own, department or "
				     "company, not '%s'", scope_text);
		goto out;
	}
	if (ca_check_role(name) != CRM_OK)
		goto out;

	snprintf(done, sizeof(done), "role %s added (scope %s)", name,
		 crm_scope_name(role.scope));
	change.apply = role_add_apply;
	change.arg = &role;
	change.kind = "role";
	change.name = name;
	change.event = "admin:role add";
	change.done_text = done;
	ret = ca_change(ca, &change);
out:
	ca_strlist_free(&role.perms);
	return ret;
}

static int
role_del_apply(struct crmauth *ca, struct ca_change *change)
{
	int rc;

	rc = crm_store_role_del(ca->ctx->store, change->name);
	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail), "role=%s",
			  change->name);
	return rc;
}

static int
role_del(struct crmauth *ca, int argc, char **argv)
{
	struct ca_change change = { 0 };
	char done[CRM_MSG_MAX];
	const char *name;
	int ret;

	ret = ca_simple_args(ca, argc, argv, "role del", role_usage, 1, 1);
	if (ret != CA_CONTINUE)
		return ret;
	name = argv[optind];
	if (ca_check_name("role", name) != CRM_OK)
		return CA_EXIT_ERROR;
	snprintf(done, sizeof(done), "role %s deleted", name);
	change.apply = role_del_apply;
	change.kind = "role";
	change.name = name;
	change.event = "admin:role del";
	change.done_text = done;
	return ca_change(ca, &change);
}

/* ---- role grant | revoke ---- */

/* What role grant and revoke change: who, which role, which way. */
struct role_member {
	const char *role;
	int grant;
};

/* The user is looked up first inside the same transaction, so that a
 * refusal can say which of the two is missing. */
static int
role_member_apply(struct crmauth *ca, struct ca_change *change)
{
	const struct role_member *member = change->arg;
	struct crm_user user;
	int rc;

	memset(&user, 0, sizeof(user));
	rc = crm_store_user_get(ca->ctx->store, change->name, &user);
	if (rc != CRM_OK)
		return rc;
	crm_user_clear(&user);
	if (member->grant)
		rc = crm_store_role_grant(ca->ctx->store, change->name,
					  member->role);
	else
		rc = crm_store_role_revoke(ca->ctx->store, change->name,
					   member->role);
	if (rc != CRM_OK) {
		/* From here on a failure is the role's. */
		change->kind = "role";
		return rc;
	}
	ca_detail(change->detail, sizeof(change->detail), "role=%s",
		  member->role);
	return CRM_OK;
}

static int
role_member_refuse(struct crmauth *ca, struct ca_change *change, int status)
{
	const struct role_member *member = change->arg;

	if (strcmp(change->kind, "role") != 0)
		return CA_CONTINUE;
	if (status == CRM_EXISTS) {
		ca_warn("user %s: already holds role %s", change->name,
			member->role);
		return CA_EXIT_REFUSED;
	}
	if (status == CRM_NOTFOUND && !member->grant) {
		ca_warn("user %s: does not hold role %s", change->name,
			member->role);
		return CA_EXIT_REFUSED;
	}
	/* ca_fail_record names the role, not the user. */
	return ca_fail_record(ca, status, "role", member->role);
}

/* Both take USER ROLE. */
static int
role_change(struct crmauth *ca, int argc, char **argv, int grant)
{
	const char *cmd = grant ? "role grant" : "role revoke";
	struct role_member member = { NULL, grant };
	struct ca_change change = { 0 };
	char done[CRM_MSG_MAX];
	const char *name;
	int ret;

	ret = ca_simple_args(ca, argc, argv, cmd, role_usage, 2, 2);
	if (ret != CA_CONTINUE)
		return ret;
	name = argv[optind];
	member.role = argv[optind + 1];
	if (ca_check_name("user", name) != CRM_OK ||
	    ca_check_name("role", member.role) != CRM_OK)
		return CA_EXIT_ERROR;
	snprintf(done, sizeof(done), grant ? "user %s granted role %s" :
		 "user %s no longer holds role %s", name, member.role);
	change.apply = role_member_apply;
	change.refuse = role_member_refuse;
	change.arg = &member;
	change.kind = "user";
	change.name = name;
	change.user = name;
	change.event = grant ? "admin:role grant" : "admin:role revoke";
	change.done_text = done;
	return ca_change(ca, &change);
}

static int
role_grant(struct crmauth *ca, int argc, char **argv)
{
	return role_change(ca, argc, argv, 1);
}

static int
role_revoke(struct crmauth *ca, int argc, char **argv)
{
	return role_change(ca, argc, argv, 0);
}

/* ---- role list ---- */

struct role_listing {
	struct ca_table table;
	json_object *array;		/* with --json */
};

static int
role_list_cb(void *arg, const struct crm_role *role)
{
	struct role_listing *listing = arg;
	char members[32];
	const char *cells[3];
	json_object *obj;

	if (listing->array != NULL) {
		if ((obj = json_object_new_object()) == NULL)
			return CRM_ENOMEM;
		if (ca_json_str(obj, "name", role->name) != CRM_OK ||
		    ca_json_str(obj, "scope",
				crm_scope_name(role->scope)) != CRM_OK ||
		    ca_json_int(obj, "members", role->members) != CRM_OK ||
		    json_object_array_add(listing->array, obj) != 0) {
			json_object_put(obj);
			return CRM_ENOMEM;
		}
		return 0;
	}
	snprintf(members, sizeof(members), "%lld", (long long)role->members);
	cells[0] = role->name;
	cells[1] = crm_scope_name(role->scope);
	cells[2] = members;
	return ca_table_add(&listing->table, cells);
}

static int
role_list(struct crmauth *ca, int argc, char **argv)
{
	static const char *const headers[] = { "NAME", "SCOPE", "MEMBERS" };
	struct role_listing listing;
	int rc, ret;

	memset(&listing, 0, sizeof(listing));
	ret = ca_simple_args(ca, argc, argv, "role list", role_usage, 0, 0);
	if (ret != CA_CONTINUE)
		return ret;
	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);
	ca_table_init(&listing.table, CRM_ARRAY_SIZE(headers), headers);
	if (ca->json && (listing.array = json_object_new_array()) == NULL) {
		ret = ca_fail(ca, CRM_ENOMEM, "role list");
		goto out;
	}
	rc = crm_store_role_list(ca->ctx->store, role_list_cb, &listing);
	if (rc == CRM_OK)
		rc = ca->json ? ca_json_print(listing.array) :
		     ca_table_print(&listing.table);
	if (rc != CRM_OK) {
		ret = ca_fail(ca, rc, "role list");
		goto out;
	}
	ret = CA_EXIT_OK;
out:
	json_object_put(listing.array);
	ca_table_free(&listing.table);
	return ret;
}

int
cmd_role(struct crmauth *ca, int argc, char **argv)
{
	static const struct ca_verb verbs[] = {
		{ "add", role_add },
		{ "del", role_del },
		{ "list", role_list },
		{ "grant", role_grant },
		{ "revoke", role_revoke },
	};

	return ca_dispatch(ca, argc, argv, verbs, CRM_ARRAY_SIZE(verbs),
			   role_usage);
}
