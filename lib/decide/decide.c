/*
 * decide.c - the one switch from a call to the decision that answers it.
 */
#include "autoconfig.h"

#include "decide/decide.h"

const struct crm_common_opts *
crm_call_common(const struct crm_call *call)
{
	switch (call->kind) {
	case CRM_DECIDE_LOCKOUT:
		return &call->u.lockout.opts->common;
	case CRM_DECIDE_PASSWD:
		return &call->u.passwd.opts->common;
	case CRM_DECIDE_TOTP:
		return &call->u.totp.opts->common;
	case CRM_DECIDE_ACCESS:
		return &call->u.access.opts->common;
	case CRM_DECIDE_ROLE:
		return &call->u.role.opts->common;
	case CRM_DECIDE_SWITCH:
		return &call->u.sw.opts->common;
	}
	return NULL;
}

static void
crm_passwd_call(struct crm_ctx *ctx, const struct crm_passwd_call *c,
		const struct crm_request *req, struct crm_outcome *out)
{
	switch (c->phase) {
	case CRM_PASSWD_AUTH:
		crm_passwd_verify(ctx, c->opts, req, c->password, out);
		break;
	case CRM_PASSWD_ACCOUNT:
		crm_passwd_account(ctx, c->opts, req, out);
		break;
	case CRM_PASSWD_CHANGE_BEGIN:
		crm_passwd_change_begin(ctx, c->opts, c->lockout, req,
					c->password, c->how, out);
		break;
	case CRM_PASSWD_CHANGE:
		crm_passwd_change(ctx, c->opts, c->roles, req, c->current,
				  c->password, c->how, out);
		break;
	}
}

int
crm_decide(struct crm_ctx *ctx, const struct crm_call *call,
	   struct crm_outcome *out)
{
	switch (call->kind) {
	case CRM_DECIDE_LOCKOUT:
		crm_lockout_decide(ctx, call->u.lockout.opts,
				   call->u.lockout.phase, call->req, out);
		break;
	case CRM_DECIDE_PASSWD:
		crm_passwd_call(ctx, &call->u.passwd, call->req, out);
		break;
	case CRM_DECIDE_TOTP:
		if (call->u.totp.phase == CRM_TOTP_BEGIN)
			crm_totp_begin(ctx, call->u.totp.opts, call->req,
				       call->u.totp.reveal, out);
		else
			crm_totp_answer(ctx, call->u.totp.opts, call->req,
					call->u.totp.code, call->u.totp.reveal,
					out);
		break;
	case CRM_DECIDE_ACCESS:
		crm_access_decide(ctx, call->u.access.opts, call->req,
				  call->u.access.at_ms, call->u.access.explain,
				  out);
		break;
	case CRM_DECIDE_ROLE:
		crm_role_decide(ctx, call->u.role.opts, call->u.role.phase,
				call->req, call->u.role.grant,
				call->u.role.recorded, out);
		break;
	case CRM_DECIDE_SWITCH:
		crm_switch_decide(ctx, call->u.sw.opts, call->req,
				  call->u.sw.grant, out);
		break;
	default:
		crm_outcome_init(out);
		crm_outcome_fail(out, CRM_INVALID, "unknown decision %d",
				 (int)call->kind);
		break;
	}
	return out->verdict == CRM_FAIL ? (int)out->status : CRM_OK;
}
