/*
 * lockout.c - crmauth lockout: what pam_crm_lockout has counted and
 * locked, and the administrator's reset (as faillock(8) shows and resets
 * pam_faillock's records).
 *
 * "failures" is every failure the store still holds (since 0), not only
 * those inside fail_interval: crmauth does not read a module's options,
 * and an administrator asking wants the whole record.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "decide/lockout.h"
#include "store/store.h"

#include "crmauth.h"

static const char lockout_usage[] =
"usage: crmauth lockout show [USER]\n"
"       crmauth lockout reset USER\n"
"       crmauth lockout reset --rhost ADDR\n";

/* Copies of the store's summaries: its strings live only in the
 * callback. */
struct user_fail {
	char *user;
	char *last_rhost;
	int64_t failures;
	int64_t latest_ms;
	int locked;			/* a lock holds now */
	int64_t lock_until_ms;		/* when locked: 0 until an admin */
};

struct rhost_fail {
	char *rhost;
	int64_t failures;
	int64_t latest_ms;
};

struct lockout_report {
	struct user_fail *users;
	size_t nusers, users_cap;
	struct rhost_fail *rhosts;
	size_t nrhosts, rhosts_cap;
};

static int
user_fail_cb(void *arg, const struct crm_lockout_entry *sum)
{
	struct lockout_report *report = arg;
	struct user_fail *entry;
	void *items = report->users;
	int rc;

	rc = crm_array_grow(&items, &report->users_cap, report->nusers,
			    sizeof(*report->users));
	report->users = items;
	if (rc != CRM_OK)
		return rc;
	entry = &report->users[report->nusers];
	memset(entry, 0, sizeof(*entry));
	if ((entry->user = strdup(sum->user)) == NULL)
		return CRM_ENOMEM;
	if (sum->last_rhost != NULL &&
	    (entry->last_rhost = strdup(sum->last_rhost)) == NULL) {
		free(entry->user);
		return CRM_ENOMEM;
	}
	entry->failures = sum->failures;
	entry->latest_ms = sum->latest_ms;
	entry->locked = sum->locked;
	entry->lock_until_ms = sum->lock_until_ms;
	report->nusers++;
	return 0;
}

static int
rhost_fail_cb(void *arg, const struct crm_rhost_summary *sum)
{
	struct lockout_report *report = arg;
	struct rhost_fail *entry;
	void *items = report->rhosts;
	int rc;

	rc = crm_array_grow(&items, &report->rhosts_cap, report->nrhosts,
			    sizeof(*report->rhosts));
	report->rhosts = items;
	if (rc != CRM_OK)
		return rc;
	entry = &report->rhosts[report->nrhosts];
	if ((entry->rhost = strdup(sum->rhost)) == NULL)
		return CRM_ENOMEM;
	entry->failures = sum->failures;
	entry->latest_ms = sum->latest_ms;
	report->nrhosts++;
	return 0;
}

static void
lockout_report_free(struct lockout_report *report)
{
	size_t i;

	for (i = 0; i < report->nusers; i++) {
		free(report->users[i].user);
		free(report->users[i].last_rhost);
	}
	for (i = 0; i < report->nrhosts; i++)
		free(report->rhosts[i].rhost);
	free(report->users);
	free(report->rhosts);
	memset(report, 0, sizeof(*report));
}

static int
lockout_read(struct crmauth *ca, const char *user, int64_t now_ms,
	     struct lockout_report *report)
{
	int rc;

	if ((rc = crm_store_begin(ca->ctx->store, CRM_TXN_READ)) != CRM_OK)
		return rc;
	rc = crm_lockout_list(ca->ctx, user, now_ms, user_fail_cb, report);
	/* Address blocks belong to no user: shown with the full list. */
	if (rc == CRM_OK && user == NULL)
		rc = crm_store_rhost_fail_list(ca->ctx->store, 0,
					       rhost_fail_cb, report);
	if (rc == CRM_OK)
		rc = crm_store_commit(ca->ctx->store);
	else
		crm_store_rollback(ca->ctx->store);
	return rc;
}

static int
lockout_json(const struct lockout_report *report, int64_t now_ms)
{
	json_object *top, *users = NULL, *rhosts = NULL, *obj = NULL;
	const struct user_fail *u;
	const struct rhost_fail *r;
	size_t i;
	int rc = CRM_ENOMEM, locked;

	if ((top = json_object_new_object()) == NULL)
		return CRM_ENOMEM;
	if ((users = json_object_new_array()) == NULL ||
	    (rhosts = json_object_new_array()) == NULL)
		goto out;
	for (i = 0; i < report->nusers; i++) {
		u = &report->users[i];
		locked = u->locked;
		if ((obj = json_object_new_object()) == NULL ||
		    ca_json_str(obj, "user", u->user) != CRM_OK ||
		    ca_json_int(obj, "failures", u->failures) != CRM_OK ||
		    ca_json_time(obj, "latest", u->latest_ms) != CRM_OK ||
		    ca_json_str(obj, "last_rhost", u->last_rhost) != CRM_OK ||
		    ca_json_bool(obj, "locked", locked) != CRM_OK ||
		    ca_json_time(obj, "lock_until",
				 locked ? u->lock_until_ms : 0) != CRM_OK ||
		    json_object_array_add(users, obj) != 0)
			goto out;
		obj = NULL;
	}
	for (i = 0; i < report->nrhosts; i++) {
		r = &report->rhosts[i];
		if ((obj = json_object_new_object()) == NULL ||
		    ca_json_str(obj, "rhost", r->rhost) != CRM_OK ||
		    ca_json_int(obj, "failures", r->failures) != CRM_OK ||
		    ca_json_time(obj, "latest", r->latest_ms) != CRM_OK ||
		    json_object_array_add(rhosts, obj) != 0)
			goto out;
		obj = NULL;
	}
	if (json_object_object_add(top, "users", users) != 0)
		goto out;
	users = NULL;
	if (json_object_object_add(top, "rhosts", rhosts) != 0)
		goto out;
	rhosts = NULL;
	rc = ca_json_print(top);
out:
	json_object_put(obj);
	json_object_put(users);
	json_object_put(rhosts);
	json_object_put(top);
	return rc;
}

static void
lock_text(const struct user_fail *entry, int64_t now_ms, char *buf,
	  size_t len)
{
	char until[64];

	if (!entry->locked) {
		snprintf(buf, len, "no");
	} else if (entry->lock_until_ms == 0) {
		snprintf(buf, len, "until admin reset");
	} else {
		crm_time_format(entry->lock_until_ms, until, sizeof(until));
		snprintf(buf, len, "until %s", until);
	}
}

static int
lockout_table(const struct lockout_report *report, int64_t now_ms,
	      int with_rhosts)
{
	static const char *const user_headers[] = {
		"USER", "FAILURES", "LATEST", "LAST RHOST", "LOCKED",
	};
	static const char *const rhost_headers[] = {
		"RHOST", "FAILURES", "LATEST",
	};
	char failures[32], latest[64], locked[96];
	const char *cells[CRM_ARRAY_SIZE(user_headers)];
	struct ca_table users, rhosts;
	size_t i;
	int rc = CRM_OK;

	ca_table_init(&users, CRM_ARRAY_SIZE(user_headers), user_headers);
	ca_table_init(&rhosts, CRM_ARRAY_SIZE(rhost_headers), rhost_headers);
	for (i = 0; rc == CRM_OK && i < report->nusers; i++) {
		snprintf(failures, sizeof(failures), "%lld",
			 (long long)report->users[i].failures);
		ca_time_text(report->users[i].latest_ms, latest,
			     sizeof(latest));
		lock_text(&report->users[i], now_ms, locked, sizeof(locked));
		cells[0] = report->users[i].user;
		cells[1] = failures;
		cells[2] = latest;
		cells[3] = report->users[i].last_rhost;
		cells[4] = locked;
		rc = ca_table_add(&users, cells);
	}
	for (i = 0; rc == CRM_OK && i < report->nrhosts; i++) {
		snprintf(failures, sizeof(failures), "%lld",
			 (long long)report->rhosts[i].failures);
		ca_time_text(report->rhosts[i].latest_ms, latest,
			     sizeof(latest));
		cells[0] = report->rhosts[i].rhost;
		cells[1] = failures;
		cells[2] = latest;
		rc = ca_table_add(&rhosts, cells);
	}
	if (rc == CRM_OK)
		rc = ca_table_print(&users);
	if (rc == CRM_OK && with_rhosts) {
		putchar('\n');
		rc = ca_table_print(&rhosts);
	}
	ca_table_free(&users);
	ca_table_free(&rhosts);
	return rc;
}

static int
lockout_show(struct crmauth *ca, int argc, char **argv)
{
	struct lockout_report report;
	const char *user = NULL;
	int64_t now_ms;
	int rc, ret;

	memset(&report, 0, sizeof(report));
	ret = ca_simple_args(ca, argc, argv, "lockout show", lockout_usage,
			     0, 1);
	if (ret != CA_CONTINUE)
		return ret;
	if (optind < argc) {
		user = argv[optind];
		if (ca_check_name("user", user) != CRM_OK)
			return CA_EXIT_ERROR;
	}
	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);
	now_ms = crm_now_ms();
	if ((rc = lockout_read(ca, user, now_ms, &report)) != CRM_OK) {
		ret = ca_fail(ca, rc, "lockout show");
		goto out;
	}
	rc = ca->json ? lockout_json(&report, now_ms) :
	     lockout_table(&report, now_ms, user == NULL);
	if (rc != CRM_OK) {
		ret = ca_fail(ca, rc, "lockout show");
		goto out;
	}
	ret = CA_EXIT_OK;
out:
	lockout_report_free(&report);
	return ret;
}

/* ---- lockout reset ---- */

static int
reset_user_apply(struct crmauth *ca, struct ca_change *change)
{
	struct crm_lockout_reset *result = change->arg;
	int rc;

	/* Unknown names are counted too (SPEC): the lib finds their keyed
	 * record from the name typed here. */
	rc = crm_lockout_reset_user(ca->ctx, change->name, result);
	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail),
			  "failures removed=%lld lock=%s",
			  (long long)result->failures_removed,
			  result->had_lock ? "cleared" : "none");
	return rc;
}

static int
reset_user_refuse(struct crmauth *ca, struct ca_change *change, int status)
{
	if (status == CRM_NOTFOUND) {
		/* Most likely a misspelled name, which the administrator
		 * should hear about (as for any other record). */
		ca_warn("lockout %s: no failures or lock recorded",
			change->name);
		return CA_EXIT_REFUSED;
	}
	return ca_fail(ca, status, "lockout reset %s", change->name);
}

static void
reset_user_done(struct crmauth *ca, struct ca_change *change)
{
	const struct crm_lockout_reset *result = change->arg;

	ca_done(ca, change->event, change->name,
		"lockout of %s reset: %lld failures removed, %s",
		change->name, (long long)result->failures_removed,
		result->had_lock ? "lock cleared" : "was not locked");
}

static int
reset_user(struct crmauth *ca, const char *user)
{
	struct crm_lockout_reset result;
	struct ca_change change = { 0 };

	memset(&result, 0, sizeof(result));
	change.apply = reset_user_apply;
	change.refuse = reset_user_refuse;
	change.done = reset_user_done;
	change.arg = &result;
	change.kind = "user";
	change.name = user;
	change.user = user;
	change.event = "admin:lockout reset";
	return ca_change(ca, &change);
}

/* The [lockout] options as the module reads them: the address is
 * counted as the module counts it (canonical, IPv6 per prefix). */
static int
load_lockout_opts(struct crmauth *ca, struct crm_lockout_opts *opts)
{
	char conf_arg[PATH_MAX + 8];
	const char *argv[1];
	int argc = ca_module_argv(ca, conf_arg, sizeof(conf_arg), argv);

	crm_lockout_defaults(opts, NULL);
	if (argc < 0)
		return CRM_INVALID;
	return crm_lockout_load(opts, NULL, argc, argv, &ca->log);
}

/* What lockout reset --rhost counts with and what it removed. */
struct rhost_reset {
	struct crm_lockout_opts opts;
	const char *rhost;		/* as typed */
	char key[CRM_RHOST_MAX + 8];	/* as counted */
	int64_t removed;
};

static int
reset_rhost_apply(struct crmauth *ca, struct ca_change *change)
{
	struct rhost_reset *reset = change->arg;
	int rc;

	rc = crm_lockout_reset_rhost(ca->ctx, &reset->opts, reset->rhost,
				     reset->key, sizeof(reset->key),
				     &reset->removed);
	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail),
			  "rhost=%s failures removed=%lld", reset->key,
			  (long long)reset->removed);
	return rc;
}

static int
reset_rhost_refuse(struct crmauth *ca, struct ca_change *change, int status)
{
	const struct rhost_reset *reset = change->arg;

	if (status == CRM_NOTFOUND) {
		ca_warn("lockout --rhost %s: no failures recorded",
			reset->rhost);
		return CA_EXIT_REFUSED;
	}
	return ca_fail(ca, status, "lockout reset --rhost %s", reset->rhost);
}

static void
reset_rhost_done(struct crmauth *ca, struct ca_change *change)
{
	const struct rhost_reset *reset = change->arg;

	ca_done(ca, change->event, reset->key,
		"address %s reset: %lld failures removed", reset->key,
		(long long)reset->removed);
}

static int
reset_rhost(struct crmauth *ca, const char *rhost)
{
	struct rhost_reset reset;
	struct ca_change change = { 0 };
	int rc, ret;

	memset(&reset, 0, sizeof(reset));
	reset.rhost = rhost;
	if ((rc = load_lockout_opts(ca, &reset.opts)) != CRM_OK) {
		ret = ca_exit_code(rc);
		goto out;
	}
	change.apply = reset_rhost_apply;
	change.refuse = reset_rhost_refuse;
	change.done = reset_rhost_done;
	change.arg = &reset;
	change.kind = "address";
	change.name = rhost;
	change.event = "admin:lockout reset";
	ret = ca_change(ca, &change);
out:
	crm_lockout_free(&reset.opts);
	return ret;
}

static int
lockout_reset(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rhost", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rhost = NULL;
	int c, opt;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts,
			      "lockout reset")) != -1) {
		switch (c) {
		case 'r':
			rhost = optarg;
			break;
		default:
			opt = ca_verb_option(ca, c, lockout_usage);
			if (opt != CA_CONTINUE)
				return opt;
			break;
		}
	}
	if (rhost != NULL) {
		if (argc != optind)
			return ca_usage_error(lockout_usage,
					      "lockout reset: USER or --rhost "
					      "ADDR, not both");
		if (!crm_valid_name(rhost, CRM_RHOST_MAX, 0)) {
			ca_warn("lockout reset: invalid address");
			return CA_EXIT_ERROR;
		}
		return reset_rhost(ca, rhost);
	}
	if (argc - optind != 1)
		return ca_usage_error(lockout_usage,
				      "lockout reset: expected USER or "
				      "--rhost ADDR");
	if (ca_check_name("user", argv[optind]) != CRM_OK)
		return CA_EXIT_ERROR;
	return reset_user(ca, argv[optind]);
}

int
cmd_lockout(struct crmauth *ca, int argc, char **argv)
{
	static const struct ca_verb verbs[] = {
		{ "show", lockout_show },
		{ "reset", lockout_reset },
	};

	return ca_dispatch(ca, argc, argv, verbs, CRM_ARRAY_SIZE(verbs),
			   lockout_usage);
}
