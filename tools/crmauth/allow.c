/*
 * allow.c - crmauth allow: the access rules of pam_crm_access (add,
 * del, list) and the question "would this login pass, and why" (test).
 *
 * A rule is checked whole before it is stored (rule.c, and the hours and
 * zone it names), and stored in its canonical spelling: what list shows
 * is what the module reads.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/clock.h"
#include "core/hours.h"
#include "core/rule.h"
#include "core/tzif.h"
#include "decide/access.h"
#include "store/store.h"

#include "crmauth.h"

static const char allow_usage[] =
"usage: crmauth allow add (allow|deny) SUBJECT WHERE [--service S] [--hours SPEC]\n"
"                         [--tz ZONE] [--from TIME] [--until TIME]\n"
"       crmauth allow del ID\n"
"       crmauth allow list\n"
"       crmauth allow test USER ADDR [--service S] [--tty T] [--at TIME]\n"
"SUBJECT: user:NAME, role:NAME or *.  WHERE: CIDRs, addresses, local,\n"
"tty:PATTERN or *, comma-separated.  ADDR: an address, a host name or\n"
"local.\n";

/* ---- add ---- */

struct add {
	struct crm_rule rule;
	char line[CRM_RULE_MAX];
	int64_t id;
};

/* The hours and the zone a rule names must be readable now, or the
 * module would fail closed on it at every login. */
static int
check_hours_and_zone(const struct crm_rule *r, char *err, size_t errlen)
{
	struct crm_hours *hours = NULL;
	struct crm_tz *tz = NULL;
	int rc = CRM_OK;

	if (r->hours[0] != '\0')
		rc = crm_hours_parse(r->hours, &hours, err, errlen);
	if (rc == CRM_OK && r->tz[0] != '\0')
		rc = crm_tz_load(NULL, r->tz, &tz, err, errlen);
	crm_hours_free(hours);
	crm_tz_free(tz);
	return rc;
}

int
ca_rule_store(struct crmauth *ca, const struct crm_rule *rule,
	      const char *line, int64_t *id)
{
	static const enum crm_access_subject subjects[] = {
		[CRM_SUBJECT_ANY] = CRM_ACCESS_SUBJECT_ANY,
		[CRM_SUBJECT_USER] = CRM_ACCESS_SUBJECT_USER,
		[CRM_SUBJECT_ROLE] = CRM_ACCESS_SUBJECT_ROLE,
	};
	struct crm_access_key *keys;
	const struct crm_where *w;
	size_t i;
	int rc;

	keys = calloc(rule->nwheres, sizeof(*keys));
	if (keys == NULL)
		return CRM_ENOMEM;
	for (i = 0; i < rule->nwheres; i++) {
		w = &rule->wheres[i];
		switch (w->kind) {
		case CRM_WHERE_NET:
			keys[i].kind = CRM_ACCESS_NET;
			keys[i].family = w->net.family == AF_INET ? 4 : 6;
			keys[i].prefix = w->prefix;
			memcpy(keys[i].net, w->net.bytes,
			       keys[i].family == 4 ? 4 : 16);
			break;
		case CRM_WHERE_LOCAL:
			keys[i].kind = CRM_ACCESS_LOCAL;
			break;
		case CRM_WHERE_TTY:
			keys[i].kind = CRM_ACCESS_TTY;
			break;
		case CRM_WHERE_ANY:
			keys[i].kind = CRM_ACCESS_ANY;
			break;
		}
	}
	rc = crm_store_access_add(ca->ctx->store, line,
				  subjects[rule->subject_kind], rule->subject,
				  keys, rule->nwheres, id);
	free(keys);
	return rc;
}

int
ca_rule_read(const char *text, struct crm_rule *rule, char *line,
	     size_t len, char *err, size_t errlen)
{
	int rc;

	err[0] = '\0';
	rc = crm_rule_parse(text, crm_now_ms(), rule, err, errlen);
	if (rc == CRM_OK)
		rc = check_hours_and_zone(rule, err, errlen);
	if (rc == CRM_OK)
		rc = crm_rule_format(rule, line, len);
	return rc;
}

static int
add_apply(struct crmauth *ca, struct ca_change *change)
{
	struct add *a = change->arg;
	int rc;

	rc = ca_rule_store(ca, &a->rule, a->line, &a->id);
	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail),
			  "rule %lld: %s", (long long)a->id, a->line);
	return rc;
}

static void
add_done(struct crmauth *ca, struct ca_change *change)
{
	const struct add *a = change->arg;
	char id[32];

	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	ca_done(ca, change->event, id, "rule %lld added: %s",
		(long long)a->id, a->line);
}

/* Append " name=value" (quoted: values may hold blanks) to line. */
static int
append_option(char *line, size_t len, const char *name, const char *value)
{
	size_t used = strlen(line);

	if (value == NULL)
		return CRM_OK;
	if (strchr(value, '"') != NULL)
		return CRM_INVALID;
	if ((size_t)snprintf(line + used, len - used, " %s=\"%s\"", name,
			     value) >= len - used)
		return CRM_INVALID;
	return CRM_OK;
}

static int
allow_add(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "service", required_argument, NULL, 's' },
		{ "hours", required_argument, NULL, 'H' },
		{ "tz", required_argument, NULL, 'z' },
		{ "from", required_argument, NULL, 'f' },
		{ "until", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *service = NULL, *hours = NULL, *tz = NULL;
	const char *from = NULL, *until = NULL;
	struct ca_change change = { 0 };
	char text[CRM_RULE_MAX], err[256];
	struct add *a;
	int c, ret, rc;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, "", longopts, "allow add")) != -1) {
		switch (c) {
		case 's': service = optarg; break;
		case 'H': hours = optarg; break;
		case 'z': tz = optarg; break;
		case 'f': from = optarg; break;
		case 'u': until = optarg; break;
		default:
			ret = ca_verb_option(ca, c, allow_usage);
			if (ret != CA_CONTINUE)
				return ret;
			break;
		}
	}
	if (optind + 3 != argc)
		return ca_usage_error(allow_usage, "allow add: ACTION SUBJECT "
				      "WHERE");
	if ((size_t)snprintf(text, sizeof(text), "%s %s %s", argv[optind],
			     argv[optind + 1], argv[optind + 2]) >=
	    sizeof(text) ||
	    append_option(text, sizeof(text), "service", service) != CRM_OK ||
	    append_option(text, sizeof(text), "hours", hours) != CRM_OK ||
	    append_option(text, sizeof(text), "tz", tz) != CRM_OK ||
	    append_option(text, sizeof(text), "from", from) != CRM_OK ||
	    append_option(text, sizeof(text), "until", until) != CRM_OK)
		return ca_usage_error(allow_usage, "allow add: rule too long, "
				      "or a value with '\"'");
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return ca_fail(ca, CRM_ENOMEM, "allow add");
	rc = ca_rule_read(text, &a->rule, a->line, sizeof(a->line), err,
			  sizeof(err));
	if (rc != CRM_OK) {
		ca_warn("allow add: %s; nothing changed",
			err[0] != '\0' ? err : crm_strerror(rc));
		ret = rc == CRM_ENOMEM ? CA_EXIT_ERROR : CA_EXIT_ERROR;
		goto out;
	}
	change.apply = add_apply;
	change.done = add_done;
	change.arg = a;
	change.kind = "rule";
	change.name = a->line;
	change.user = a->rule.subject_kind == CRM_SUBJECT_USER
			      ? a->rule.subject : NULL;
	change.event = "admin:allow add";
	ret = ca_change(ca, &change);
out:
	crm_rule_clear(&a->rule);
	free(a);
	return ret;
}

/* ---- del ---- */

static int
allow_del(struct crmauth *ca, int argc, char **argv)
{
	static const struct ca_numbered_rule what = {
		"allow del", allow_usage, "allow list", "rule",
		"admin:allow del", "rule removed", crm_store_access_del,
	};

	return ca_delete_numbered(ca, argc, argv, &what);
}

/* ---- list ---- */

struct listing {
	struct ca_table table;
	json_object *array;
	int status;
};

static int
list_rule(void *arg, int64_t id, const char *line)
{
	struct listing *l = arg;
	char id_text[32];
	const char *cells[2];
	json_object *obj;

	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	if (l->array != NULL) {
		obj = json_object_new_object();
		if (obj == NULL || ca_json_int(obj, "id", id) != CRM_OK ||
		    ca_json_str(obj, "rule", line) != CRM_OK ||
		    json_object_array_add(l->array, obj) != 0) {
			json_object_put(obj);
			return CRM_ENOMEM;
		}
		return 0;
	}
	cells[0] = id_text;
	cells[1] = line;
	return ca_table_add(&l->table, cells);
}

static int
allow_list(struct crmauth *ca, int argc, char **argv)
{
	static const char *const headers[] = { "ID", "RULE" };
	struct listing l;
	int ret, rc;

	ret = ca_simple_args(ca, argc, argv, "allow list", allow_usage, 0, 0);
	if (ret != CA_CONTINUE)
		return ret;
	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);
	memset(&l, 0, sizeof(l));
	ca_table_init(&l.table, CRM_ARRAY_SIZE(headers), headers);
	if (ca->json && (l.array = json_object_new_array()) == NULL)
		return ca_fail(ca, CRM_ENOMEM, "allow list");
	rc = crm_store_access_list(ca->ctx->store, list_rule, &l);
	if (rc == CRM_OK)
		rc = ca->json ? ca_json_print(l.array)
			      : ca_table_print(&l.table);
	json_object_put(l.array);
	ca_table_free(&l.table);
	return rc == CRM_OK ? CA_EXIT_OK : ca_fail(ca, rc, "allow list");
}

/* ---- test ---- */

static const char *
reason_text(enum crm_access_reason reason)
{
	switch (reason) {
	case CRM_ACCESS_BY_RULE:
		return "a deny rule matches";
	case CRM_ACCESS_BY_HOURS:
		return "an allow rule matches the address, not the time";
	case CRM_ACCESS_BY_EXPIRY:
		return "an allow rule matches, but is not in force (from/until)";
	case CRM_ACCESS_BY_DEFAULT:
	default:
		return "no rule matches: default";
	}
}

static int
allow_test(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "service", required_argument, NULL, 's' },
		{ "tty", required_argument, NULL, 't' },
		{ "at", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct crm_access_explain ex;
	struct crm_access_opts opts;
	struct crm_outcome out;
	struct crm_request req;
	const char *at = NULL;
	char conf_arg[PATH_MAX + 8];
	const char *args[1];
	int64_t at_ms = 0;
	int c, ret, rc, nargs, allowed;
	json_object *obj;

	memset(&req, 0, sizeof(req));
	req.service = "crm";
	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, "", longopts, "allow test")) != -1) {
		switch (c) {
		case 's': req.service = optarg; break;
		case 't': req.tty = optarg; break;
		case 'a': at = optarg; break;
		default:
			ret = ca_verb_option(ca, c, allow_usage);
			if (ret != CA_CONTINUE)
				return ret;
			break;
		}
	}
	if (optind + 2 != argc)
		return ca_usage_error(allow_usage, "allow test: USER ADDR");
	if (ca_check_name("user", argv[optind]) != CRM_OK)
		return CA_EXIT_ERROR;
	if (at != NULL && ca_parse_time(at, 1, &at_ms) != CRM_OK)
		return CA_EXIT_ERROR;
	req.user = argv[optind];
	req.rhost = strcmp(argv[optind + 1], "local") == 0 ? NULL
							   : argv[optind + 1];
	nargs = ca_module_argv(ca, conf_arg, sizeof(conf_arg), args);
	crm_access_defaults(&opts, NULL);
	if (nargs < 0 ||
	    crm_access_load(&opts, NULL, nargs, args, &ca->log) != CRM_OK)
		return CA_EXIT_ERROR;
	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);
	crm_access_decide(ca->ctx, &opts, &req, at_ms, &ex, &out);
	if (out.verdict == CRM_FAIL)
		return ca_fail(ca, out.status, "allow test: %s", out.detail);
	allowed = out.verdict == CRM_ALLOW;
	if (ca->json) {
		obj = json_object_new_object();
		rc = obj == NULL ? CRM_ENOMEM : CRM_OK;
		if (rc == CRM_OK)
			rc = ca_json_str(obj, "result", allowed ? "allow"
								: "deny");
		if (rc == CRM_OK && ex.rule[0] != '\0')
			rc = ex.file_line > 0
				? ca_json_int(obj, "accessfile_line",
					      ex.file_line)
				: ca_json_int(obj, "rule_id", ex.rule_id);
		if (rc == CRM_OK)
			rc = ca_json_str(obj, "rule", ex.rule[0] != '\0'
						      ? ex.rule : NULL);
		if (rc == CRM_OK && ex.resolved[0] != '\0')
			rc = ca_json_str(obj, "resolved", ex.resolved);
		if (rc == CRM_OK && ex.resolve_error[0] != '\0')
			rc = ca_json_str(obj, "resolve_error",
					 ex.resolve_error);
		if (rc == CRM_OK && !allowed)
			rc = ca_json_str(obj, "reason", reason_text(ex.reason));
		if (rc == CRM_OK && !allowed)
			rc = ca_json_str(obj, "message", out.message);
		if (rc == CRM_OK)
			rc = ca_json_print(obj);
		json_object_put(obj);
		if (rc != CRM_OK)
			return ca_fail(ca, rc, "allow test");
		return allowed ? CA_EXIT_OK : CA_EXIT_REFUSED;
	}
	/* resolve=: which address decided, or why the name stood for
	 * none. */
	if (ex.resolved[0] != '\0')
		printf("%s: resolved to %s\n", req.rhost, ex.resolved);
	else if (ex.resolve_error[0] != '\0')
		printf("%s: not resolved: %s\n", req.rhost, ex.resolve_error);
	if (ex.rule[0] != '\0') {
		printf("%s: %s %lld: %s\n", allowed ? "allow" : "deny",
		       ex.file_line > 0 ? "accessfile line" : "rule",
		       ex.file_line > 0 ? (long long)ex.file_line
					: (long long)ex.rule_id, ex.rule);
	} else {
		printf("%s: %s\n", allowed ? "allow" : "deny",
		       allowed ? "no rule matches: default allow"
			       : reason_text(ex.reason));
	}
	return allowed ? CA_EXIT_OK : CA_EXIT_REFUSED;
}

int
cmd_allow(struct crmauth *ca, int argc, char **argv)
{
	static const struct ca_verb verbs[] = {
		{ "add", allow_add },
		{ "del", allow_del },
		{ "list", allow_list },
		{ "test", allow_test },
	};

	return ca_dispatch(ca, argc, argv, verbs, CRM_ARRAY_SIZE(verbs),
			   allow_usage);
}
