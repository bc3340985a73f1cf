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
			    common->busy_timeout_ms, &ctx->store, err, errlen);
	if (rc == CRM_OK)
		rc = crm_key_load(common->keyfile, &ctx->key, err, errlen);
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
	free(ctx);
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
	int64_t removed = 0;
	int rc;

	if (stamp == NULL)
		stamp = &written;
	rc = crm_audit_append(ctx->store, ctx->key, event, stamp);
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
