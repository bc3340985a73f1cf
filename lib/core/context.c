/*
 * context.c - opening what a decision needs, once, and failing closed
 * before any question is answered when something is wrong.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "core/audit.h"
#include "core/clock.h"
#include "core/context.h"

/* Pruning once every this many rows keeps its cost off most logins. */
#define AUDIT_PRUNE_EVERY 1024

const char *
crm_default_conf(void)
{
	return CRM_SYSCONFDIR "/security/pam_crm.conf";
}

int
crm_ctx_open(const struct crm_common_opts *common, const struct crm_log *log,
	     struct crm_ctx **out, char *err, size_t errlen)
{
	struct crm_ctx *ctx;
	int rc;

	*out = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL) {
		snprintf(err, errlen, "out of memory");
		return CRM_ENOMEM;
	}
	if (log != NULL)
		ctx->log = *log;
	ctx->audit_keep_days = common->audit_keep_days;
	snprintf(ctx->db, sizeof(ctx->db), "%s", common->db);
	snprintf(ctx->keyfile, sizeof(ctx->keyfile), "%s", common->keyfile);

	rc = crm_store_open(common->db, CRM_STORE_EXISTING,
			    common->busy_timeout_ms,
			    (enum crm_durability)common->durability,
			    &ctx->store, err, errlen);
	/* Only what the file says of itself: reading and checking the key
	 * waits for crm_ctx_key. */
	if (rc == CRM_OK)
		rc = crm_key_check_file(common->keyfile, err, errlen);
	if (rc != CRM_OK) {
		crm_ctx_close(ctx);
		return rc;
	}
	*out = ctx;
	return CRM_OK;
}

void
crm_ctx_close(struct crm_ctx *ctx)
{
	if (ctx == NULL)
		return;
	crm_store_close(ctx->store);
	crm_key_free(ctx->key);
	/* The record of a name that is no account is a keyed hash of what
	 * was typed: no copy outlives the handle. */
	crm_cleanse(&ctx->last_name, sizeof(ctx->last_name));
	free(ctx);
}

int
crm_ctx_key(struct crm_ctx *ctx, const struct crm_key **out)
{
	char err[2 * PATH_MAX + 256];
	struct crm_key *key = NULL;
	int rc;

	*out = NULL;
	if (ctx->key != NULL) {
		*out = ctx->key;
		return CRM_OK;
	}
	err[0] = '\0';
	rc = crm_key_load(ctx->keyfile, &key, err, sizeof(err));
	if (rc == CRM_OK) {
		rc = crm_ctx_key_verify(ctx->store, key, ctx->db, ctx->keyfile,
					err, sizeof(err));
		if (rc == CRM_NOTFOUND)
			rc = CRM_EKEY;
	}
	if (rc != CRM_OK) {
		crm_log(&ctx->log, LOG_ERR, "%s",
			err[0] != '\0' ? err : crm_strerror(rc));
		crm_key_free(key);
		return rc;
	}
	ctx->key = key;
	*out = key;
	return CRM_OK;
}

int
crm_ctx_key_verify(struct crm_store *store, const struct crm_key *key,
		   const char *db, const char *keyfile, char *err,
		   size_t errlen)
{
	unsigned char want[CRM_HMAC_LEN], have[CRM_HMAC_LEN];
	size_t got = 0;
	int rc;

	rc = crm_key_check_value(key, want);
	if (rc != CRM_OK) {
		snprintf(err, errlen, "key file %s: cannot compute its key "
			 "check value: %s", keyfile, crm_strerror(rc));
		goto out;
	}
	rc = crm_store_meta_get(store, CRM_KEY_CHECK_META, have, sizeof(have),
				&got);
	if (rc == CRM_NOTFOUND) {
		snprintf(err, errlen, "database %s holds no key check value: "
			 "run \"crmauth init\" with the key file it was made "
			 "with (%s) to record one", db, keyfile);
		goto out;
	}
	if (rc != CRM_OK) {
		snprintf(err, errlen, "database %s: key check value: %s: %s",
			 db, crm_strerror(rc), crm_store_errmsg(store));
		goto out;
	}
	/* A key that is not the database's would make every audit row look
	 * forged and every sealed secret unreadable, or worse, chain new
	 * rows no one can verify: refuse it before any use. */
	if (got != sizeof(want) || !crm_equal(want, have, sizeof(want))) {
		snprintf(err, errlen, "key file %s does not match database %s "
			 "(key check value differs)", keyfile, db);
		rc = CRM_EKEY;
		goto out;
	}
	rc = CRM_OK;
out:
	crm_cleanse(want, sizeof(want));
	crm_cleanse(have, sizeof(have));
	return rc;
}

int
crm_ctx_key_record(struct crm_store *store, const struct crm_key *key)
{
	unsigned char value[CRM_HMAC_LEN];
	int rc;

	rc = crm_key_check_value(key, value);
	if (rc == CRM_OK)
		rc = crm_store_meta_set(store, CRM_KEY_CHECK_META, value,
					sizeof(value));
	crm_cleanse(value, sizeof(value));
	return rc;
}

int
crm_ctx_matches(const struct crm_ctx *ctx,
		const struct crm_common_opts *common)
{
	return strcmp(ctx->db, common->db) == 0 &&
	       strcmp(ctx->keyfile, common->keyfile) == 0;
}

int
crm_ctx_audit(struct crm_ctx *ctx, const struct crm_audit_event *event,
	      struct crm_audit_stamp *stamp)
{
	struct crm_audit_stamp written;
	const struct crm_key *key;
	int64_t removed = 0;
	int rc;

	if (stamp == NULL)
		stamp = &written;
	/* No row without the database's own key: fail the decision closed. */
	if ((rc = crm_ctx_key(ctx, &key)) != CRM_OK)
		return rc;
	rc = crm_audit_append(ctx->store, key, event, stamp);
	if (rc != CRM_OK || stamp->id % AUDIT_PRUNE_EVERY != 0)
		return rc;
	rc = crm_audit_prune(ctx->store, ctx->key, ctx->audit_keep_days,
			     crm_now_ms(), &removed);
	/* Pruning is upkeep, not part of the decision: a trail that does not
	 * verify is kept whole as evidence, and the decision stands. */
	if (rc == CRM_ECRYPTO) {
		crm_log(&ctx->log, LOG_ERR, "audit: old rows not pruned: the "
			"trail does not verify (crmauth audit verify)");
		return CRM_OK;
	}
	if (rc == CRM_OK && removed > 0)
		crm_log(&ctx->log, LOG_INFO,
			"audit: removed %lld rows older than %lu days",
			(long long)removed, ctx->audit_keep_days);
	return rc;
}

int
crm_ctx_record(struct crm_ctx *ctx, const char *module,
	       const struct crm_request *req, struct crm_outcome *out,
	       int64_t now_ms)
{
	struct crm_audit_event ev;
	struct crm_audit_stamp stamp;
	char detail[CRM_DETAIL_MAX + 48];
	int rc;

	memset(&ev, 0, sizeof(ev));
	ev.time_ms = now_ms;
	ev.req = req;
	ev.user = out->user_masked ? "(unknown)" : NULL;
	ev.module = module;
	ev.event = out->event;
	ev.result = crm_audit_result(out->verdict);
	ev.detail = out->detail;
	/* Through crm-authd the rhost is the caller's word: the row says
	 * whose. */
	if (req != NULL && req->via_broker) {
		snprintf(detail, sizeof(detail), "%s%sbroker_uid=%lu",
			 out->detail, out->detail[0] != '\0' ? " " : "",
			 req->broker_uid);
		ev.detail = detail;
	}
	rc = crm_ctx_audit(ctx, &ev, &stamp);
	if (rc == CRM_OK)
		crm_audit_tag(&stamp, out->audit_tag, sizeof(out->audit_tag));
	return rc;
}

int
crm_ctx_record_alone(struct crm_ctx *ctx, const char *module,
		     const struct crm_request *req, struct crm_outcome *out,
		     int64_t now_ms)
{
	int rc;

	rc = crm_store_begin(ctx->store, CRM_TXN_WRITE);
	if (rc == CRM_OK)
		rc = crm_ctx_record(ctx, module, req, out, now_ms);
	if (rc == CRM_OK)
		rc = crm_store_commit(ctx->store);
	if (rc == CRM_OK)
		return CRM_OK;
	crm_store_rollback(ctx->store);
	crm_outcome_fail(out, rc, "%s: %s", crm_strerror(rc),
			 crm_store_errmsg(ctx->store));
	return rc;
}
