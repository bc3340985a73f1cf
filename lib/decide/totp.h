/*
 * totp.h - the TOTP second factor (RFC 6238 through liboath): whether to
 * ask, and whether an answer is right.
 *
 * A login is two calls.  crm_totp_begin says whether the user is asked
 * at all (CRM_ASK), passes (CRM_IGNORE: not enrolled and not required, or
 * coming from a trusted network) or is refused (CRM_DENY: must have TOTP
 * and has none); when forced enrolment starts, the new seed's URI comes
 * back in a crm_totp_reveal for the user's eyes.  crm_totp_answer checks
 * the code or recovery code the user gave, in one write transaction with
 * the replay mark, so that one code never opens two logins.
 *
 * Names that are not accounts take the enrolled user's path: asked, then
 * refused after the same work (an unseal and a full window of codes).
 */
#ifndef CRM_TOTP_H
#define CRM_TOTP_H

#include "core/cidr.h"
#include "core/config.h"
#include "core/context.h"
#include "core/crm.h"
#include "core/otpauth.h"

#define CRM_TOTP_RECOVERY_CODES	10
/* "xxxx-xxxx-xx": ten base32 letters (50 bits) in groups. */
#define CRM_TOTP_RECOVERY_LEN	16

struct crm_totp_opts {
	struct crm_common_opts common;
	unsigned long digits;		/* 6..8 */
	unsigned long period;		/* seconds */
	unsigned int algorithm;		/* enum crm_totp_algorithm */
	unsigned long window;		/* steps each side */
	char require_roles[CRM_NAME_MAX]; /* "admin,manager"; "" none */
	int nullok;
	char trusted_nets_text[CRM_NAME_MAX];
	int enroll_at_login;
	unsigned long enroll_grace;	/* seconds */
	char issuer[CRM_NAME_MAX];
	struct crm_cidr_list trusted_nets; /* parsed from the text */
};

/* What only the PAM module reads. */
struct crm_totp_pam_opts {
	char prompt[CRM_NAME_MAX];
	int concat;
	int nodelay;
};

extern const struct crm_option crm_totp_options[];
extern const size_t crm_totp_option_count;

void crm_totp_defaults(struct crm_totp_opts *opts,
		       struct crm_totp_pam_opts *pam);
/* pam may be NULL (a tool). */
int crm_totp_load(struct crm_totp_opts *opts, struct crm_totp_pam_opts *pam,
		  int argc, const char **argv, const struct crm_log *log);
void crm_totp_free(struct crm_totp_opts *opts);

/*
 * Secrets for the user's eyes only, never in an outcome, a log or an
 * audit row: the URI of a seed enrolled at login, and the recovery codes
 * made when that enrolment is confirmed.  crm_totp_reveal_clear cleanses.
 */
struct crm_totp_reveal {
	unsigned int digits;		/* of the code to ask for (concat) */
	int optional;			/* no answer passes: a pending
					 * enrolment the user need not have */
	char uri[CRM_OTPAUTH_MAX];
	size_t recovery_count;
	char recovery[CRM_TOTP_RECOVERY_CODES][CRM_TOTP_RECOVERY_LEN];
};
void crm_totp_reveal_clear(struct crm_totp_reveal *reveal);

int crm_totp_begin(struct crm_ctx *ctx, const struct crm_totp_opts *opts,
		   const struct crm_request *req,
		   struct crm_totp_reveal *reveal, struct crm_outcome *out);
/* code: what the user typed (a code of the enrolment's digits, or a
 * recovery code); "" for none.  On CRM_ALLOW out->authenticated is set. */
int crm_totp_answer(struct crm_ctx *ctx, const struct crm_totp_opts *opts,
		    const struct crm_request *req, const char *code,
		    struct crm_totp_reveal *reveal, struct crm_outcome *out);

/* ---- for crmauth: enrolment, recovery codes, and a check ---- */

/*
 * Enrol user with a fresh random seed (pending until confirmed), replacing
 * any enrolment, and make ten recovery codes; the URI (issuer from opts)
 * and the codes go into reveal.  Inside the caller's write transaction.
 */
int crm_totp_enroll(struct crm_ctx *ctx, const struct crm_totp_opts *opts,
		    const char *user, enum crm_totp_algorithm algorithm,
		    unsigned int digits, unsigned int period,
		    struct crm_totp_reveal *reveal);
/* Enrol user with a given seed (an import): confirmed at once when
 * confirmed is set (the user has used it for years), the recovery codes
 * given (as typed, up to ten) stored keyed.  In the caller's write
 * transaction. */
int crm_totp_import_seed(struct crm_ctx *ctx, const char *user,
			 const unsigned char *seed, size_t seed_len,
			 enum crm_totp_algorithm algorithm, unsigned int digits,
			 unsigned int period, int confirmed,
			 const char *const *recovery, size_t recovery_count);
/*
 * A sealed seed from a backup, sealed for user from_id, made the seed of
 * t->user_id: opened under key (CRM_ECRYPTO: sealed under another key or
 * changed), and sealed anew when the id differs.  t->sealed and
 * t->sealed_len in and out.
 */
int crm_totp_rebind(const struct crm_key *key, int64_t from_id,
		    struct crm_totp *t);
/* New recovery codes for an enrolled user, replacing the old ones. */
int crm_totp_new_recovery(struct crm_ctx *ctx, const char *user,
			  struct crm_totp_reveal *reveal);

#endif
