/*
 * template.c - crmauth template and crmauth dept: permission templates
 * (a named set of permissions applied to roles) and nested departments.
 *
 * A template applied to a role stays linked to it: the role's
 * permissions for the front end are its own and those of its templates
 * (CRM_PERMISSIONS, pam_crm_role(8)), and a review can tell a role that
 * was given permissions of its own beside them.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#include "crmauth.h"

static const char template_usage[] =
"usage: crmauth template add NAME --perm P...\n"
"       crmauth template apply ROLE NAME\n"
"       crmauth template list\n";

static const char dept_usage[] =
"usage: crmauth dept add NAME [--parent P]\n"
"       crmauth dept list\n";

/* ---- template add ---- */

static int
template_add_apply(struct crmauth *ca, struct ca_change *change)
{
	const struct ca_strlist *perms = change->arg;
	char *perm_text;
	size_t i;
	int rc;

	rc = crm_store_template_add(ca->ctx->store, change->name);
	for (i = 0; rc == CRM_OK && i < perms->count; i++) {
		rc = crm_store_template_perm_add(ca->ctx->store, change->name,
						 perms->items[i]);
		if (rc == CRM_EXISTS)	/* the same --perm twice */
			rc = CRM_OK;
	}
	if (rc != CRM_OK)
		return rc;
	if ((perm_text = ca_strlist_join(perms, ",")) == NULL)
		return CRM_ENOMEM;
	ca_detail(change->detail, sizeof(change->detail),
		  "template=%s perms=%s", change->name, perm_text);
	free(perm_text);
	return CRM_OK;
}

static int
template_add(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "perm", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ca_change change = { 0 };
	struct ca_strlist perms = { 0 };
	char done[CRM_MSG_MAX];
	const char *name;
	int c, opt, ret = CA_EXIT_ERROR;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts,
			      "template add")) != -1) {
		switch (c) {
		case 'p':
			if (ca_check_item("permission", optarg) != CRM_OK)
				goto out;
			if (ca_strlist_add(&perms, optarg) != CRM_OK) {
				ca_warn("out of memory");
				goto out;
			}
			break;
		default:
			opt = ca_verb_option(ca, c, template_usage);
			if (opt != CA_CONTINUE) {
				ret = opt;
				goto out;
			}
			break;
		}
	}
	if (argc - optind != 1) {
		ret = ca_usage_error(template_usage,
				     "template add: expected one NAME");
		goto out;
	}
	if (perms.count == 0) {
		ret = ca_usage_error(template_usage,
				     "template add: at least one --perm");
		goto out;
	}
	name = argv[optind];
	if (ca_check_item("template", name) != CRM_OK)
		goto out;
	snprintf(done, sizeof(done), "template %s added", name);
	change.apply = template_add_apply;
	change.arg = &perms;
	change.kind = "template";
	change.name = name;
	change.event = "admin:template add";
	change.done_text = done;
	ret = ca_change(ca, &change);
out:
	ca_strlist_free(&perms);
	return ret;
}

/* ---- template apply ---- */

static int
template_apply_apply(struct crmauth *ca, struct ca_change *change)
{
	const char *template = change->arg;
	struct ca_strlist perms = { 0 };
	int rc;

	/* Which of the two is missing, for the refusal. */
	rc = crm_store_template_perms(ca->ctx->store, template,
				      ca_strlist_cb, &perms);
	if (rc == CRM_OK && perms.count == 0)
		rc = CRM_NOTFOUND;	/* templates hold one at least */
	ca_strlist_free(&perms);
	if (rc != CRM_OK) {
		change->kind = "template";
		change->name = template;
		return rc;
	}
	rc = crm_store_template_apply(ca->ctx->store, change->name,
				      template);
	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail),
			  "role=%s template=%s", change->name, template);
	return rc;
}

static int
template_apply_refuse(struct crmauth *ca, struct ca_change *change,
		      int status)
{
	if (status == CRM_EXISTS) {
		ca_warn("role %s: template %s is applied already",
			change->name, (const char *)change->arg);
		return CA_EXIT_REFUSED;
	}
	return CA_CONTINUE;
}

static int
template_apply(struct crmauth *ca, int argc, char **argv)
{
	struct ca_change change = { 0 };
	char done[CRM_MSG_MAX];
	const char *role, *name;
	int ret;

	ret = ca_simple_args(ca, argc, argv, "template apply", template_usage,
			     2, 2);
	if (ret != CA_CONTINUE)
		return ret;
	role = argv[optind];
	name = argv[optind + 1];
	if (ca_check_role(role) != CRM_OK ||
	    ca_check_item("template", name) != CRM_OK)
		return CA_EXIT_ERROR;
	snprintf(done, sizeof(done), "template %s applied to role %s", name,
		 role);
	change.apply = template_apply_apply;
	change.refuse = template_apply_refuse;
	change.arg = (void *)(uintptr_t)name;
	change.kind = "role";
	change.name = role;
	change.event = "admin:template apply";
	change.done_text = done;
	return ca_change(ca, &change);
}

/* ---- template list ---- */

static int
template_list(struct crmauth *ca, int argc, char **argv)
{
	static const char *const headers[] = { "NAME", "PERMISSIONS" };
	struct ca_strlist names = { 0 }, perms = { 0 };
	json_object *array = NULL, *obj;
	struct ca_table table;
	const char *cells[2];
	char *joined;
	size_t i;
	int rc, ret;

	ret = ca_simple_args(ca, argc, argv, "template list", template_usage,
			     0, 0);
	if (ret != CA_CONTINUE)
		return ret;
	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);
	ca_table_init(&table, CRM_ARRAY_SIZE(headers), headers);
	ret = CA_EXIT_ERROR;
	if ((rc = crm_store_begin(ca->ctx->store, CRM_TXN_READ)) != CRM_OK)
		goto fail;
	rc = crm_store_template_list(ca->ctx->store, ca_strlist_cb, &names);
	if (rc == CRM_OK && ca->json && (array = json_object_new_array()) ==
	    NULL)
		rc = CRM_ENOMEM;
	/* The permissions after the list: one cursor at a time. */
	for (i = 0; rc == CRM_OK && i < names.count; i++) {
		ca_strlist_free(&perms);
		rc = crm_store_template_perms(ca->ctx->store, names.items[i],
					      ca_strlist_cb, &perms);
		if (rc != CRM_OK)
			break;
		if ((joined = ca_strlist_join(&perms, ",")) == NULL) {
			rc = CRM_ENOMEM;
			break;
		}
		if (array != NULL) {
			obj = json_object_new_object();
			if (obj == NULL ||
			    ca_json_str(obj, "name", names.items[i]) != CRM_OK ||
			    ca_json_str(obj, "perms", joined) != CRM_OK ||
			    json_object_array_add(array, obj) != 0) {
				json_object_put(obj);
				rc = CRM_ENOMEM;
			}
		} else {
			cells[0] = names.items[i];
			cells[1] = joined;
			rc = ca_table_add(&table, cells);
		}
		free(joined);
	}
	crm_store_rollback(ca->ctx->store);
	if (rc == CRM_OK)
		rc = array != NULL ? ca_json_print(array) :
		     ca_table_print(&table);
fail:
	if (rc != CRM_OK)
		ret = ca_fail(ca, rc, "template list");
	else
		ret = CA_EXIT_OK;
	json_object_put(array);
	ca_table_free(&table);
	ca_strlist_free(&names);
	ca_strlist_free(&perms);
	return ret;
}

int
cmd_template(struct crmauth *ca, int argc, char **argv)
{
	static const struct ca_verb verbs[] = {
		{ "add", template_add },
		{ "apply", template_apply },
		{ "list", template_list },
	};

	return ca_dispatch(ca, argc, argv, verbs, CRM_ARRAY_SIZE(verbs),
			   template_usage);
}

/* ---- dept add | list ---- */

static int
dept_add_apply(struct crmauth *ca, struct ca_change *change)
{
	const char *parent = change->arg;
	struct ca_strlist chain = { 0 };
	int rc;

	rc = crm_store_dept_add(ca->ctx->store, change->name, parent);
	if (rc == CRM_NOTFOUND) {
		/* The department itself is new: it is the parent that is
		 * missing. */
		change->kind = "department";
		change->name = parent;
		return rc;
	}
	if (rc != CRM_OK)
		return rc;
	rc = crm_store_dept_chain(ca->ctx->store, change->name,
				  ca_strlist_cb, &chain);
	ca_strlist_free(&chain);
	if (rc == CRM_EDB) {
		ca_warn("department %s: nested deeper than %d", change->name,
			CRM_DEPT_DEPTH_MAX);
		change->reported = 1;
		return CRM_INVALID;
	}
	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail),
			  "dept=%s parent=%s", change->name,
			  parent != NULL ? parent : "-");
	return rc;
}

static int
dept_add(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "parent", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ca_change change = { 0 };
	char done[CRM_MSG_MAX];
	const char *name, *parent = NULL;
	int c, opt;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts,
			      "dept add")) != -1) {
		switch (c) {
		case 'p':
			parent = optarg;
			break;
		default:
			opt = ca_verb_option(ca, c, dept_usage);
			if (opt != CA_CONTINUE)
				return opt;
			break;
		}
	}
	if (argc - optind != 1)
		return ca_usage_error(dept_usage, "dept add: expected one NAME");
	name = argv[optind];
	if (ca_check_item("department", name) != CRM_OK ||
	    (parent != NULL && ca_check_item("department", parent) != CRM_OK))
		return CA_EXIT_ERROR;
	/* A parent must exist before its child, so no cycle can be made;
	 * but the chain has a bound (CRM_DEPT_DEPTH_MAX), checked here. */
	if (parent != NULL && strcmp(parent, name) == 0)
		return ca_usage_error(dept_usage, "dept add: a department "
				      "cannot be its own parent");
	if (parent != NULL)
		snprintf(done, sizeof(done), "department %s added under %s",
			 name, parent);
	else
		snprintf(done, sizeof(done), "department %s added", name);
	change.apply = dept_add_apply;
	change.arg = (void *)(uintptr_t)parent;
	change.kind = "department";
	change.name = name;
	change.event = "admin:dept add";
	change.done_text = done;
	return ca_change(ca, &change);
}

struct dept_listing {
	struct ca_table table;
	json_object *array;
};

static int
dept_list_cb(void *arg, const char *name, const char *parent)
{
	struct dept_listing *listing = arg;
	const char *cells[2];
	json_object *obj;

	if (listing->array != NULL) {
		obj = json_object_new_object();
		if (obj == NULL || ca_json_str(obj, "name", name) != CRM_OK ||
		    ca_json_str(obj, "parent", parent) != CRM_OK ||
		    json_object_array_add(listing->array, obj) != 0) {
			json_object_put(obj);
			return CRM_ENOMEM;
		}
		return 0;
	}
	cells[0] = name;
	cells[1] = parent != NULL ? parent : "-";
	return ca_table_add(&listing->table, cells);
}

static int
dept_list(struct crmauth *ca, int argc, char **argv)
{
	static const char *const headers[] = { "NAME", "PARENT" };
	struct dept_listing listing;
	int rc, ret;

	memset(&listing, 0, sizeof(listing));
	ret = ca_simple_args(ca, argc, argv, "dept list", dept_usage, 0, 0);
	if (ret != CA_CONTINUE)
		return ret;
	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);
	ca_table_init(&listing.table, CRM_ARRAY_SIZE(headers), headers);
	if (ca->json && (listing.array = json_object_new_array()) == NULL)
		rc = CRM_ENOMEM;
	if (rc == CRM_OK)
		rc = crm_store_dept_list(ca->ctx->store, dept_list_cb,
					 &listing);
	if (rc == CRM_OK)
		rc = ca->json ? ca_json_print(listing.array) :
		     ca_table_print(&listing.table);
	ret = rc == CRM_OK ? CA_EXIT_OK : ca_fail(ca, rc, "dept list");
	json_object_put(listing.array);
	ca_table_free(&listing.table);
	return ret;
}

int
cmd_dept(struct crmauth *ca, int argc, char **argv)
{
	static const struct ca_verb verbs[] = {
		{ "add", dept_add },
		{ "list", dept_list },
	};

	return ca_dispatch(ca, argc, argv, verbs, CRM_ARRAY_SIZE(verbs),
			   dept_usage);
}
