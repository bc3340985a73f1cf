/*
 * switch.c - crmauth switch: the rules of account switching
 * (pam_crm_role(8), service crm-switch).
 *
 *	switch allow FROM TO [--trust|--reauth]
 *	switch del ID
 *	switch list
 *
 * FROM and TO are user:NAME or role:NAME.  A rule only says who may ask;
 * the module's escalation guard (a target holding a role the caller
 * lacks, a trust rule towards an admin) still applies when it is used.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#include "crmauth.h"

static const char switch_usage[] =
"usage: crmauth switch allow FROM TO [--trust|--reauth]\n"
"       crmauth switch del ID\n"
"       crmauth switch list\n"
"FROM, TO: user:NAME or role:NAME.  --reauth (the default): the target's\n"
"password (and code) is asked; --trust: no password (\"log in as\").\n";

static const char *
kind_name(enum crm_switch_kind kind)
{
	return kind == CRM_SWITCH_USER ? "user" : "role";
}

static const char *
mode_name(enum crm_switch_mode mode)
{
	return mode == CRM_SWITCH_TRUST ? "trust" : "reauth";
}

/* "user:NAME" or "role:NAME"; the name a valid item (no separator). */
static int
parse_end(const char *what, const char *text, enum crm_switch_kind *kind,
	  const char **name)
{
	if (strncmp(text, "user:", 5) == 0)
		*kind = CRM_SWITCH_USER;
	else if (strncmp(text, "role:", 5) == 0)
		*kind = CRM_SWITCH_ROLE;
	else
		return ca_usage_error(switch_usage, "switch allow: %s must be "
				      "user:NAME or role:NAME", what);
	*name = text + 5;
	if (ca_check_item(what, *name) != CRM_OK)
		return CA_EXIT_ERROR;
	return CA_CONTINUE;
}

/* ---- allow ---- */

struct allow {
	struct crm_switch_rule rule;
	const char *from_text, *to_text;	/* as given */
	int64_t id;
};

static int
allow_apply(struct crmauth *ca, struct ca_change *change)
{
	struct allow *a = change->arg;
	int rc = crm_store_switch_add(ca->ctx->store, &a->rule, &a->id);

	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail),
			  "rule %lld: %s:%s -> %s:%s %s", (long long)a->id,
			  kind_name(a->rule.from_kind), a->rule.from_name,
			  kind_name(a->rule.to_kind), a->rule.to_name,
			  mode_name(a->rule.mode));
	return rc;
}

static int
allow_refuse(struct crmauth *ca, struct ca_change *change, int status)
{
	const struct allow *a = change->arg;

	if (status == CRM_EXISTS) {
		ca_warn("switch allow: a rule from %s to %s exists already "
			"(switch list; switch del ID first to change it)",
			a->from_text, a->to_text);
		return CA_EXIT_REFUSED;
	}
	return CA_CONTINUE;
}

static void
allow_done(struct crmauth *ca, struct ca_change *change)
{
	const struct allow *a = change->arg;
	json_object *obj;

	if (!ca->json) {
		printf("switch rule %lld added: %s:%s -> %s:%s (%s)\n",
		       (long long)a->id, kind_name(a->rule.from_kind),
		       a->rule.from_name, kind_name(a->rule.to_kind),
		       a->rule.to_name, mode_name(a->rule.mode));
		return;
	}
	obj = json_object_new_object();
	if (obj == NULL || ca_json_str(obj, "result", "ok") != CRM_OK ||
	    ca_json_str(obj, "event", change->event) != CRM_OK ||
	    ca_json_int(obj, "id", a->id) != CRM_OK ||
	    ca_json_print(obj) != CRM_OK)
		ca_warn("out of memory");
	json_object_put(obj);
}

static int
switch_allow(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "trust", no_argument, NULL, 't' },
		{ "reauth", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ca_change change = { 0 };
	struct allow a;
	int c, ret, modes = 0;

	memset(&a, 0, sizeof(a));
	a.rule.mode = CRM_SWITCH_REAUTH;
	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts,
			      "switch allow")) != -1) {
		switch (c) {
		case 't':
			a.rule.mode = CRM_SWITCH_TRUST;
			modes |= 1;
			break;
		case 'r':
			a.rule.mode = CRM_SWITCH_REAUTH;
			modes |= 2;
			break;
		default:
			ret = ca_verb_option(ca, c, switch_usage);
			if (ret != CA_CONTINUE)
				return ret;
			break;
		}
	}
	if (modes == 3)
		return ca_usage_error(switch_usage, "switch allow: --trust or "
				      "--reauth, not both");
	if (argc - optind != 2)
		return ca_usage_error(switch_usage, "switch allow: expected "
				      "FROM and TO");
	ret = parse_end("FROM", argv[optind], &a.rule.from_kind,
			&a.rule.from_name);
	if (ret == CA_CONTINUE)
		ret = parse_end("TO", argv[optind + 1], &a.rule.to_kind,
				&a.rule.to_name);
	if (ret != CA_CONTINUE)
		return ret;
	a.from_text = argv[optind];
	a.to_text = argv[optind + 1];
	change.apply = allow_apply;
	change.refuse = allow_refuse;
	change.done = allow_done;
	change.arg = &a;
	change.kind = "switch rule";
	change.name = argv[optind];
	/* The audit row's user: the target, when TO is one account. */
	change.user = a.rule.to_kind == CRM_SWITCH_USER ? a.rule.to_name
							 : NULL;
	change.event = "admin:switch allow";
	return ca_change(ca, &change);
}

/* ---- del ---- */

static int
switch_del(struct crmauth *ca, int argc, char **argv)
{
	static const struct ca_numbered_rule what = {
		"switch del", switch_usage, "switch list", "switch rule",
		"admin:switch del", "switch rule removed",
		crm_store_switch_del,
	};

	return ca_delete_numbered(ca, argc, argv, &what);
}

/* ---- list ---- */

struct listing {
	struct ca_table table;
	json_object *array;
};

static int
list_rule(void *arg, const struct crm_switch_rule *rule)
{
	struct listing *l = arg;
	char id_text[32], from[CRM_NAME_MAX + 8], to[CRM_NAME_MAX + 8];
	const char *cells[4];
	json_object *obj;

	snprintf(id_text, sizeof(id_text), "%lld", (long long)rule->id);
	snprintf(from, sizeof(from), "%s:%s", kind_name(rule->from_kind),
		 rule->from_name);
	snprintf(to, sizeof(to), "%s:%s", kind_name(rule->to_kind),
		 rule->to_name);
	if (l->array != NULL) {
		obj = json_object_new_object();
		if (obj == NULL || ca_json_int(obj, "id", rule->id) != CRM_OK ||
		    ca_json_str(obj, "from", from) != CRM_OK ||
		    ca_json_str(obj, "to", to) != CRM_OK ||
		    ca_json_str(obj, "mode", mode_name(rule->mode)) !=
		    CRM_OK || json_object_array_add(l->array, obj) != 0) {
			json_object_put(obj);
			return CRM_ENOMEM;
		}
		return 0;
	}
	cells[0] = id_text;
	cells[1] = from;
	cells[2] = to;
	cells[3] = mode_name(rule->mode);
	return ca_table_add(&l->table, cells);
}

static int
switch_list(struct crmauth *ca, int argc, char **argv)
{
	static const char *const headers[] = { "ID", "FROM", "TO", "MODE" };
	struct listing l;
	int ret, rc;

	ret = ca_simple_args(ca, argc, argv, "switch list", switch_usage, 0,
			     0);
	if (ret != CA_CONTINUE)
		return ret;
	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);
	memset(&l, 0, sizeof(l));
	ca_table_init(&l.table, CRM_ARRAY_SIZE(headers), headers);
	if (ca->json && (l.array = json_object_new_array()) == NULL) {
		ca_table_free(&l.table);
		return ca_fail(ca, CRM_ENOMEM, "switch list");
	}
	rc = crm_store_begin(ca->ctx->store, CRM_TXN_READ);
	if (rc == CRM_OK)
		rc = crm_store_switch_list(ca->ctx->store, list_rule, &l);
	crm_store_rollback(ca->ctx->store);
	if (rc == CRM_OK)
		rc = ca->json ? ca_json_print(l.array)
			      : ca_table_print(&l.table);
	json_object_put(l.array);
	ca_table_free(&l.table);
	return rc == CRM_OK ? CA_EXIT_OK : ca_fail(ca, rc, "switch list");
}

int
cmd_switch(struct crmauth *ca, int argc, char **argv)
{
	static const struct ca_verb verbs[] = {
		{ "allow", switch_allow },
		{ "del", switch_del },
		{ "list", switch_list },
	};

	return ca_dispatch(ca, argc, argv, verbs, CRM_ARRAY_SIZE(verbs),
			   switch_usage);
}
