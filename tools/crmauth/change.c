/*
 * change.c - the audited change: one write transaction that also appends
 * the admin audit row, and the report that the change is done.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <json-c/json.h>

#include "core/audit.h"
#include "core/context.h"
#include "core/crm.h"
#include "store/store.h"

#include "crmauth.h"

int
ca_begin(struct crmauth *ca)
{
	int rc;

	if ((rc = ca_open(ca)) != CRM_OK)
		return rc;
	rc = crm_store_begin(ca->ctx->store, CRM_TXN_WRITE);
	if (rc != CRM_OK) {
		ca_error(ca, rc, "database %s", ca->ctx->db);
		return rc;
	}
	ca->in_txn = 1;
	return CRM_OK;
}

/* The request and event of an admin change: module "crmauth", ruser the
 * administrator, tty where they typed it, no service or address. */
void
ca_admin_request(const struct crmauth *ca, const char *user,
		 struct crm_request *req)
{
	memset(req, 0, sizeof(*req));
	req->user = user;
	req->ruser = ca->invoker;
	req->tty = ca->tty[0] != '\0' ? ca->tty : NULL;
}

static void
ca_admin_event(const struct crmauth *ca, const char *user, const char *event,
	       const char *detail, struct crm_request *req,
	       struct crm_audit_event *ev)
{
	ca_admin_request(ca, user, req);
	memset(ev, 0, sizeof(*ev));
	ev->time_ms = 0;
	ev->req = req;
	ev->user = user;
	ev->module = "crmauth";
	ev->event = event;
	ev->result = "ok";
	ev->detail = detail;
}

/*
 * The authpriv line of an admin change, as modules write one for every
 * decision.  Its tag lets a log kept elsewhere witness the row (audit
 * verify --witness), so it is written only once the row is committed: a
 * tag of a row rolled back would later read as a removed row.  Who did
 * what to whom, never the detail: a detail may name more than a log
 * reader should see.
 */
static void
ca_syslog(const struct crmauth *ca, const char *user, const char *event,
	  const struct crm_audit_stamp *stamp)
{
	char tag[CRM_AUDIT_TAG_MAX];

	crm_audit_tag(stamp, tag, sizeof(tag));
	ca_log_row(ca, user, event, tag);
}

void
ca_log_row(const struct crmauth *ca, const char *user, const char *event,
	   const char *tag)
{
	openlog("crmauth", LOG_PID, LOG_AUTHPRIV);
	syslog(LOG_NOTICE, "%s user=%s by=%s %s", event,
	       user != NULL ? user : "-",
	       ca->invoker[0] != '\0' ? ca->invoker : "-", tag);
	closelog();
}

int
ca_audit_append(struct crmauth *ca, struct crm_store *store,
		const struct crm_key *key, const char *user,
		const char *event, const char *detail)
{
	struct crm_audit_stamp stamp = { 0 };
	struct crm_request req;
	struct crm_audit_event ev;
	int rc;

	ca_admin_event(ca, user, event, detail, &req, &ev);
	rc = crm_audit_append(store, key, &ev, &stamp);
	/* The caller (init) commits: the one line written before its
	 * commit, so a failed init may leave a tag without a row. */
	if (rc == CRM_OK)
		ca_syslog(ca, user, event, &stamp);
	return rc;
}

int
ca_commit(struct crmauth *ca, const char *user, const char *event,
	  const char *detail)
{
	struct crm_audit_stamp stamp = { 0 };
	struct crm_request req;
	struct crm_audit_event ev;
	int rc;

	/* Through the context, which also prunes rows past
	 * audit_keep_days now and then. */
	ca_admin_event(ca, user, event, detail, &req, &ev);
	rc = crm_ctx_audit(ca->ctx, &ev, &stamp);
	if (rc != CRM_OK) {
		ca_error(ca, rc, "audit trail");
		goto out;
	}
	rc = crm_store_commit(ca->ctx->store);
	if (rc != CRM_OK) {
		ca_error(ca, rc, "database %s: commit", ca->ctx->db);
		goto out;
	}
	ca->in_txn = 0;
	ca_syslog(ca, user, event, &stamp);
out:
	if (rc != CRM_OK)
		ca_abort(ca);
	return rc;
}

void
ca_abort(struct crmauth *ca)
{
	if (ca->in_txn && ca->ctx != NULL)
		crm_store_rollback(ca->ctx->store);
	ca->in_txn = 0;
}

void
ca_detail(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0)
		buf[0] = '\0';
	else if ((size_t)n >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

void
ca_done(struct crmauth *ca, const char *event, const char *name,
	const char *fmt, ...)
{
	json_object *obj;
	va_list ap;

	if (!ca->json) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
		return;
	}
	obj = json_object_new_object();
	if (obj == NULL ||
	    ca_json_str(obj, "result", "ok") != CRM_OK ||
	    ca_json_str(obj, "event", event) != CRM_OK ||
	    ca_json_str(obj, "name", name) != CRM_OK ||
	    ca_json_print(obj) != CRM_OK)
		ca_warn("out of memory");
	json_object_put(obj);
}

int
ca_change(struct crmauth *ca, struct ca_change *change)
{
	int rc, ret;

	if ((rc = ca_begin(ca)) != CRM_OK)
		return ca_exit_code(rc);
	change->detail[0] = '\0';
	if ((rc = change->apply(ca, change)) != CRM_OK) {
		ret = change->reported ? ca_exit_code(rc) : CA_CONTINUE;
		if (ret == CA_CONTINUE && change->refuse != NULL)
			ret = change->refuse(ca, change, rc);
		if (ret == CA_CONTINUE)
			ret = ca_fail_record(ca, rc, change->kind,
					     change->name);
		goto out;
	}
	/* Inside the transaction: the files then follow the database's
	 * order of changes (see extrausers.c). */
	if (change->sync_logins && (rc = ca_extrausers_sync(ca)) != CRM_OK) {
		ret = ca_exit_code(rc);
		goto out;
	}
	rc = ca_commit(ca, change->user, change->event, change->detail);
	if (rc != CRM_OK) {
		ret = ca_exit_code(rc);
		/* The files went ahead of a change that is not made: back
		 * to what the database holds. */
		if (change->sync_logins && crm_store_begin(ca->ctx->store,
							   CRM_TXN_READ) ==
		    CRM_OK) {
			(void)ca_extrausers_sync(ca);
			crm_store_rollback(ca->ctx->store);
		}
		goto out;
	}
	if (change->done != NULL)
		change->done(ca, change);
	else
		ca_done(ca, change->event, change->name, "%s",
			change->done_text);
	ca_notify(ca, change);
	ret = CA_EXIT_OK;
out:
	ca_abort(ca);
	return ret;
}

/* ---- deleting a numbered rule ---- */

struct ca_numbered {
	int (*del)(struct crm_store *store, int64_t id);
	int64_t id;
};

static int
numbered_del_apply(struct crmauth *ca, struct ca_change *change)
{
	const struct ca_numbered *n = change->arg;
	int rc = n->del(ca->ctx->store, n->id);

	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail), "rule %lld",
			  (long long)n->id);
	return rc;
}

int
ca_delete_numbered(struct crmauth *ca, int argc, char **argv,
		   const struct ca_numbered_rule *what)
{
	struct ca_change change = { 0 };
	struct ca_numbered n = { what->del, 0 };
	char *end;
	int ret;

	ret = ca_simple_args(ca, argc, argv, what->cmd, what->usage, 1, 1);
	if (ret != CA_CONTINUE)
		return ret;
	n.id = strtoll(argv[optind], &end, 10);
	if (argv[optind][0] < '1' || argv[optind][0] > '9' || *end != '\0')
		return ca_usage_error(what->usage, "%s: ID is a rule number "
				      "(%s)", what->cmd, what->list_cmd);
	change.apply = numbered_del_apply;
	change.arg = &n;
	change.kind = what->kind;
	change.name = argv[optind];
	change.event = what->event;
	change.done_text = what->done_text;
	return ca_change(ca, &change);
}
