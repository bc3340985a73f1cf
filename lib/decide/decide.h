/*
 * decide.h - every decision behind one call: what is asked (which
 * decision, its options, the request, a secret) in, an outcome out.
 *
 * This is the shape a broker serialises: a module in an unprivileged
 * front end sends the call to crm-authd and gets the outcome back; a
 * privileged one runs crm_decide itself.  Nothing here knows PAM.
 */
#ifndef CRM_DECIDE_H
#define CRM_DECIDE_H

#include "core/context.h"
#include "core/crm.h"
#include "decide/access.h"
#include "decide/lockout.h"
#include "decide/passwd.h"
#include "decide/role.h"
#include "decide/totp.h"

enum crm_decision {
	CRM_DECIDE_LOCKOUT,
	CRM_DECIDE_PASSWD,
	CRM_DECIDE_TOTP,
	CRM_DECIDE_ACCESS,
	CRM_DECIDE_ROLE,	/* account, session: status, who the user is */
	CRM_DECIDE_SWITCH,	/* auth with switch: may ruser become user */
};

/* pam_crm_passwd's calls: the password at login, its age, and a change
 * in pam_chauthtok's two steps. */
enum crm_passwd_phase {
	CRM_PASSWD_AUTH,
	CRM_PASSWD_ACCOUNT,
	CRM_PASSWD_CHANGE_BEGIN,	/* may the user change it now */
	CRM_PASSWD_CHANGE,		/* check and keep the new one */
};

/* A TOTP login is two calls: whether to ask, then the answer. */
enum crm_totp_phase { CRM_TOTP_BEGIN, CRM_TOTP_ANSWER };

struct crm_call {
	enum crm_decision kind;
	const struct crm_request *req;
	/* The module's arguments as PAM gave them: crm-authd loads the
	 * options itself from these (from its own configuration alone for
	 * a caller it does not trust), never from the caller's struct. */
	int argc;
	const char **argv;
	union {
		struct {
			const struct crm_lockout_opts *opts;
			enum crm_lockout_phase phase;
		} lockout;
		struct crm_passwd_call {
			const struct crm_passwd_opts *opts;
			enum crm_passwd_phase phase;
			/* AUTH: the password; CHANGE_BEGIN: the current one
			 * (NULL for an administrator); CHANGE: the new one.
			 * Secrets; never logged. */
			const char *password;
			const char *current;	/* CHANGE: NULL if unknown */
			/* CHANGE: [passwd.role.NAME]; may be NULL. */
			const struct crm_role_sections *roles;
			/* CHANGE_BEGIN: counts wrong current passwords;
			 * may be NULL. */
			const struct crm_lockout_opts *lockout;
			unsigned int how;	/* CRM_PWCHANGE_* */
		} passwd;
		struct {
			const struct crm_totp_opts *opts;
			enum crm_totp_phase phase;
			const char *code;	/* ANSWER; never logged */
			struct crm_totp_reveal *reveal;	/* secrets out */
		} totp;
		struct {
			const struct crm_access_opts *opts;
			int64_t at_ms;		/* 0: now */
			struct crm_access_explain *explain; /* may be NULL */
		} access;
		struct {
			const struct crm_role_opts *opts;
			enum crm_role_phase phase;
			/* This handle's switch (NULL: none). */
			const struct crm_switch_grant *grant;
			int *recorded;	/* out: switch_ok written */
		} role;
		struct {
			const struct crm_role_opts *opts;
			struct crm_switch_grant *grant;	/* out */
		} sw;
	} u;
};

/* Which database, key and timeouts the call's options name. */
const struct crm_common_opts *crm_call_common(const struct crm_call *call);

/* Returns what the outcome says: CRM_OK unless out->verdict is CRM_FAIL,
 * then out->status. */
int crm_decide(struct crm_ctx *ctx, const struct crm_call *call,
	       struct crm_outcome *out);

#endif
