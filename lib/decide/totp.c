/*
 * totp.c - the TOTP second factor (pam_crm_totp, auth): see totp.h.
 *
 * Codes are made with liboath for every step of the window and compared
 * with CRYPTO_memcmp, all of them, so that neither a match nor its place
 * shows in the time taken.  The step a code belongs to is moved into the
 * store in the same write transaction that accepts it (replay refusal
 * across processes); a recovery code is marked used the same way.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <liboath/oath.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/clock.h"
#include "core/crypto.h"
#include "decide/options.h"
#include "decide/totp.h"
#include "store/store.h"

#define MODULE_NAME "pam_crm_totp"

#define FIELD(name) offsetof(struct crm_totp_opts, name)
#define PAM_FIELD(name) offsetof(struct crm_totp_pam_opts, name)

static const char *const algorithm_choices[] = {
	"SHA1", "SHA256", "SHA512", NULL,
};

const struct crm_option crm_totp_options[] = {
	CRM_COMMON_OPTIONS(struct crm_totp_opts),
	{ "digits", CRM_OPT_UINT, FIELD(digits), 6, 8, NULL, 0 },
	{ "period", CRM_OPT_UINT, FIELD(period), 1, 3600, NULL, 0 },
	{ "algorithm", CRM_OPT_ENUM, FIELD(algorithm), 0, 0,
	  algorithm_choices, 0 },
	{ "window", CRM_OPT_UINT, FIELD(window), 0, 10, NULL, 0 },
	{ "require_roles", CRM_OPT_STRING, FIELD(require_roles), 0, 0, NULL,
	  0 },
	{ "nullok", CRM_OPT_BOOL, FIELD(nullok), 0, 1, NULL, 0 },
	{ "trusted_nets", CRM_OPT_STRING, FIELD(trusted_nets_text), 0, 0,
	  NULL, 0 },
	{ "enroll_at_login", CRM_OPT_BOOL, FIELD(enroll_at_login), 0, 1, NULL,
	  0 },
	{ "enroll_grace", CRM_OPT_DURATION, FIELD(enroll_grace), 0,
	  366L * 86400, NULL, 0 },
	{ "issuer", CRM_OPT_STRING, FIELD(issuer), 0, 0, NULL, 0 },
	{ "prompt", CRM_OPT_STRING, PAM_FIELD(prompt), 0, 0, NULL,
	  CRM_OPT_PAM },
	{ "concat", CRM_OPT_BOOL, PAM_FIELD(concat), 0, 1, NULL, CRM_OPT_PAM },
	{ "nodelay", CRM_OPT_BOOL, PAM_FIELD(nodelay), 0, 1, NULL,
	  CRM_OPT_PAM },
};

const size_t crm_totp_option_count = CRM_ARRAY_SIZE(crm_totp_options);

void
crm_totp_defaults(struct crm_totp_opts *opts, struct crm_totp_pam_opts *pam)
{
	memset(opts, 0, sizeof(*opts));
	crm_common_defaults(&opts->common);
	opts->digits = 6;
	opts->period = 30;
	opts->algorithm = CRM_TOTP_SHA1;
	opts->window = 1;
	opts->enroll_grace = 86400;
	snprintf(opts->issuer, sizeof(opts->issuer), "CRM");
	if (pam != NULL) {
		memset(pam, 0, sizeof(*pam));
		snprintf(pam->prompt, sizeof(pam->prompt),
			 "Verification code: ");
	}
}

int
crm_totp_load(struct crm_totp_opts *opts, struct crm_totp_pam_opts *pam,
	      int argc, const char **argv, const struct crm_log *log)
{
	struct crm_config_spec spec = {
		.section = "totp",
		.options = crm_totp_options,
		.option_count = crm_totp_option_count,
		.values = opts,
		.values_size = sizeof(*opts),
		.pam_values = pam,
	};
	char err[256];
	int rc;

	spec.global_tables = crm_decide_option_tables(&spec.global_table_count);
	rc = crm_config_load(&spec, crm_default_conf(), argc, argv, NULL, log);
	if (rc != CRM_OK)
		return rc;
	/* A list that does not parse would silently trust nobody, or be
	 * read some other way than its author meant: fail closed. */
	rc = crm_cidr_list_parse(opts->trusted_nets_text, &opts->trusted_nets,
				 err, sizeof(err));
	if (rc != CRM_OK)
		crm_log(log, LOG_ERR, "trusted_nets: %s", err);
	return rc;
}

void
crm_totp_free(struct crm_totp_opts *opts)
{
	crm_cidr_list_free(&opts->trusted_nets);
}

void
crm_totp_reveal_clear(struct crm_totp_reveal *reveal)
{
	crm_cleanse(reveal, sizeof(*reveal));
}

/* ---- seeds, codes ---- */

static size_t
seed_len(enum crm_totp_algorithm algorithm)
{
	switch (algorithm) {
	case CRM_TOTP_SHA256:
		return 32;
	case CRM_TOTP_SHA512:
		return 64;
	case CRM_TOTP_SHA1:
	default:
		return 20;	/* RFC 4226's recommended 160 bits */
	}
}

static int
oath_flags(unsigned int algorithm)
{
	switch (algorithm) {
	case CRM_TOTP_SHA256:
		return OATH_TOTP_HMAC_SHA256;
	case CRM_TOTP_SHA512:
		return OATH_TOTP_HMAC_SHA512;
	default:
		return 0;
	}
}

/* The associated data of a sealed seed: what it is and whose it is, so
 * that a row copied to another user does not open. */
static void
seed_aad(int64_t user_id, unsigned char aad[32])
{
	static const char label[] = "pam-crm totp seed v1";
	uint64_t id = (uint64_t)user_id;
	int i;

	memset(aad, 0, 32);
	memcpy(aad, label, sizeof(label) - 1);
	for (i = 0; i < 8; i++)
		aad[24 + i] = (unsigned char)(id >> (56 - 8 * i));
}

static int
seal_seed(const struct crm_key *key, int64_t user_id,
	  const unsigned char *seed, size_t len, struct crm_totp *t)
{
	unsigned char aad[32];

	if (len + CRM_SEAL_OVERHEAD > sizeof(t->sealed))
		return CRM_INVALID;
	seed_aad(user_id, aad);
	t->sealed_len = len + CRM_SEAL_OVERHEAD;
	return crm_seal(key, aad, sizeof(aad), seed, len, t->sealed,
			t->sealed_len);
}

static int
open_seed(const struct crm_key *key, const struct crm_totp *t,
	  unsigned char *seed, size_t *len)
{
	unsigned char aad[32];

	if (t->sealed_len <= CRM_SEAL_OVERHEAD ||
	    t->sealed_len - CRM_SEAL_OVERHEAD > CRM_TOTP_SECRET_MAX)
		return CRM_INVALID;
	*len = t->sealed_len - CRM_SEAL_OVERHEAD;
	seed_aad(t->user_id, aad);
	return crm_unseal(key, aad, sizeof(aad), t->sealed, t->sealed_len,
			  seed, *len);
}

int
crm_totp_rebind(const struct crm_key *key, int64_t from_id,
		struct crm_totp *t)
{
	unsigned char seed[CRM_TOTP_SECRET_MAX];
	struct crm_totp from = *t;
	size_t len = 0;
	int rc;

	from.user_id = from_id;
	rc = open_seed(key, &from, seed, &len);
	if (rc == CRM_OK && from_id != t->user_id)
		rc = seal_seed(key, t->user_id, seed, len, t);
	crm_cleanse(seed, sizeof(seed));
	crm_cleanse(&from, sizeof(from));
	return rc;
}

/*
 * The step of the window whose code equals code, newest first when two
 * do; -1 when none.  Every step's code is made and compared.
 */
static int64_t
matching_step(const unsigned char *seed, size_t len, unsigned int algorithm,
	      unsigned int digits, unsigned int period, unsigned long window,
	      int64_t now_s, const char *code)
{
	char made[16];
	int64_t step = now_s / (int64_t)period, found = -1, k;
	size_t code_len = strlen(code);
	int same;

	for (k = -(int64_t)window; k <= (int64_t)window; k++) {
		if (step + k < 0)
			continue;
		memset(made, 0, sizeof(made));
		if (oath_totp_generate2((const char *)seed, len,
					(time_t)((step + k) * (int64_t)period),
					period, 0, digits, oath_flags(algorithm),
					made) != OATH_OK)
			continue;
		same = code_len == digits &&
		       CRYPTO_memcmp(made, code, digits) == 0;
		if (same)
			found = step + k;
	}
	OPENSSL_cleanse(made, sizeof(made));
	return found;
}

/* ---- recovery codes ---- */

static const char base32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/*
 * What is kept of a recovery code: upper case, without the dashes and
 * blanks people type.  Ours are ten base32 letters; codes imported from
 * google-authenticator are its eight-digit scratch codes.  CRM_INVALID
 * for anything else.
 */
static int
normalize_recovery(const char *code, char out[11])
{
	size_t n = 0, digits = 0;
	char c;

	for (; *code != '\0'; code++) {
		c = *code;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n == 10 || ((c < '0' || c > '9') &&
				strchr(base32, c) == NULL))
			return CRM_INVALID;
		digits += c >= '0' && c <= '9';
		out[n++] = c;
	}
	out[n] = '\0';
	if (n == 8 && digits == 8)
		return CRM_OK;
	if (n == 10 && strcspn(out, "0189") == n)
		return CRM_OK;
	return CRM_INVALID;
}

static int
recovery_mac(const struct crm_key *key, int64_t user_id, const char *norm,
	     unsigned char mac[CRM_MAC_LEN])
{
	unsigned char id[8];
	struct crm_buf parts[2];
	int i;

	for (i = 0; i < 8; i++)
		id[i] = (unsigned char)((uint64_t)user_id >> (56 - 8 * i));
	parts[0].ptr = id;
	parts[0].len = sizeof(id);
	parts[1].ptr = norm;
	parts[1].len = strlen(norm);
	return crm_hmac(key, CRM_KEY_RECOVERY, parts, 2, mac);
}

/* Ten fresh codes, stored keyed, shown once through reveal. */
static int
make_recovery(struct crm_ctx *ctx, const struct crm_key *key,
	      int64_t user_id, struct crm_totp_reveal *reveal)
{
	unsigned char rnd[10], mac[CRM_MAC_LEN];
	char norm[11];
	size_t i, j;
	int rc;

	rc = crm_store_recovery_clear(ctx->store, user_id);
	for (i = 0; rc == CRM_OK && i < CRM_TOTP_RECOVERY_CODES; i++) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
			rc = CRM_ECRYPTO;
			break;
		}
		for (j = 0; j < 10; j++)
			norm[j] = base32[rnd[j] & 31];
		norm[10] = '\0';
		rc = recovery_mac(key, user_id, norm, mac);
		if (rc == CRM_OK)
			rc = crm_store_recovery_add(ctx->store, user_id, mac);
		/* Shown as "abcd-efgh-ij": lower case reads more easily. */
		for (j = 0; j < 10; j++)
			if (norm[j] >= 'A' && norm[j] <= 'Z')
				norm[j] = (char)(norm[j] - 'A' + 'a');
		snprintf(reveal->recovery[i], sizeof(reveal->recovery[i]),
			 "%.4s-%.4s-%.2s", norm, norm + 4, norm + 8);
	}
	reveal->recovery_count = rc == CRM_OK ? CRM_TOTP_RECOVERY_CODES : 0;
	if (rc != CRM_OK)
		crm_cleanse(reveal->recovery, sizeof(reveal->recovery));
	OPENSSL_cleanse(rnd, sizeof(rnd));
	OPENSSL_cleanse(norm, sizeof(norm));
	return rc;
}

/* ---- who must have TOTP ---- */

struct role_match {
	const char *wanted;		/* "admin,manager" */
	int found;
};

static int
match_role(void *arg, const char *role)
{
	struct role_match *m = arg;
	size_t len = strlen(role);
	const char *p = m->wanted;

	while (*p != '\0') {
		size_t item = strcspn(p, ", ");

		if (item == len && strncmp(p, role, len) == 0)
			m->found = 1;
		p += item;
		p += strspn(p, ", ");
	}
	return 0;
}

static int
must_have_totp(struct crm_ctx *ctx, const struct crm_totp_opts *opts,
	       const char *user, int *required)
{
	struct role_match m = { opts->require_roles, 0 };
	int rc;

	*required = 0;
	if (opts->nullok || opts->require_roles[0] == '\0')
		return CRM_OK;
	rc = crm_store_user_roles(ctx->store, user, match_role, &m);
	*required = m.found;
	return rc;
}

/* ---- building a seed's URI ---- */

static int
seed_uri(const struct crm_totp_opts *opts, const char *user,
	 const unsigned char *seed, size_t len, const struct crm_totp *t,
	 struct crm_totp_reveal *reveal)
{
	struct crm_otpauth o;
	int rc;

	memset(&o, 0, sizeof(o));
	snprintf(o.issuer, sizeof(o.issuer), "%s", opts->issuer);
	snprintf(o.account, sizeof(o.account), "%s", user);
	memcpy(o.secret, seed, len);
	o.secret_len = len;
	o.algorithm = (enum crm_totp_algorithm)t->algorithm;
	o.digits = t->digits;
	o.period = t->period;
	rc = crm_otpauth_build(&o, reveal->uri, sizeof(reveal->uri));
	crm_otpauth_clear(&o);
	return rc;
}

/* A fresh pending enrolment for user (id), its URI into reveal. */
static int
enroll_fresh(struct crm_ctx *ctx, const struct crm_totp_opts *opts,
	     const char *user, int64_t user_id,
	     enum crm_totp_algorithm algorithm, unsigned int digits,
	     unsigned int period, struct crm_totp_reveal *reveal)
{
	unsigned char seed[CRM_TOTP_SECRET_MAX];
	const struct crm_key *key = NULL;
	size_t len = seed_len(algorithm);
	struct crm_totp t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.user_id = user_id;
	t.algorithm = algorithm;
	t.digits = digits;
	t.period = period;
	t.created_ms = crm_now_ms();
	rc = crm_ctx_key(ctx, &key);
	if (rc == CRM_OK && RAND_bytes(seed, (int)len) != 1)
		rc = CRM_ECRYPTO;
	if (rc == CRM_OK)
		rc = seal_seed(key, user_id, seed, len, &t);
	if (rc == CRM_OK)
		rc = crm_store_totp_put(ctx->store, &t);
	if (rc == CRM_OK)
		rc = seed_uri(opts, user, seed, len, &t, reveal);
	OPENSSL_cleanse(seed, sizeof(seed));
	return rc;
}

/* The URI of a pending enrolment's seed, for a second look. */
static int
show_again(struct crm_ctx *ctx, const struct crm_totp_opts *opts,
	   const char *user, const struct crm_totp *t,
	   struct crm_totp_reveal *reveal)
{
	unsigned char seed[CRM_TOTP_SECRET_MAX];
	const struct crm_key *key = NULL;
	size_t len = 0;
	int rc;

	rc = crm_ctx_key(ctx, &key);
	if (rc == CRM_OK)
		rc = open_seed(key, t, seed, &len);
	if (rc == CRM_OK)
		rc = seed_uri(opts, user, seed, len, t, reveal);
	OPENSSL_cleanse(seed, sizeof(seed));
	return rc;
}

/* ---- the login ---- */

/* Commit with the audit row when the outcome wants one. */
static int
finish_write(struct crm_ctx *ctx, const struct crm_request *req,
	     struct crm_outcome *out, int64_t now)
{
	int rc = CRM_OK;

	if (out->audit)
		rc = crm_ctx_record(ctx, MODULE_NAME, req, out, now);
	if (rc != CRM_OK) {
		crm_store_rollback(ctx->store);
		return rc;
	}
	return crm_store_commit(ctx->store);
}

static int
fail_with(struct crm_ctx *ctx, struct crm_outcome *out,
	  struct crm_totp_reveal *reveal, int rc)
{
	crm_store_rollback(ctx->store);
	crm_totp_reveal_clear(reveal);
	crm_outcome_fail(out, rc, "%s: %s", crm_strerror(rc),
			 crm_store_errmsg(ctx->store));
	return rc;
}

static const char must_enrol_message[] =
	"Two-factor authentication is required for this account and it has "
	"none: ask an administrator to enrol you.";

/*
 * One look at the user: read-only first; when what it finds must be
 * written (an audit row, the grace mark, a new enrolment) *needs_write
 * is set and the caller runs it again inside a write transaction, so
 * that what is written is what that transaction saw.
 */
static int
begin_pass(struct crm_ctx *ctx, const struct crm_totp_opts *opts,
	   const struct crm_request *req, struct crm_totp_reveal *reveal,
	   struct crm_outcome *out, int writing, int *needs_write)
{
	struct crm_user user;
	struct crm_totp t;
	int64_t now = crm_now_ms(), since = 0, user_id = 0;
	int rc, known, enrolled, required = 0;

	crm_outcome_init(out);
	memset(reveal, 0, sizeof(*reveal));
	memset(&t, 0, sizeof(t));
	*needs_write = 0;
	reveal->digits = (unsigned int)opts->digits;

	rc = crm_store_begin(ctx->store, writing ? CRM_TXN_WRITE
						  : CRM_TXN_READ);
	if (rc != CRM_OK)
		return fail_with(ctx, out, reveal, rc);
	rc = crm_store_user_get(ctx->store, req->user, &user);
	known = rc == CRM_OK;
	user_id = user.id;
	crm_user_clear(&user);
	if (rc != CRM_OK && rc != CRM_NOTFOUND)
		return fail_with(ctx, out, reveal, rc);
	rc = crm_store_totp_get(ctx->store, req->user, &t);
	enrolled = rc == CRM_OK;
	if (rc != CRM_OK && rc != CRM_NOTFOUND)
		return fail_with(ctx, out, reveal, rc);
	rc = known ? must_have_totp(ctx, opts, req->user, &required) : CRM_OK;
	if (rc != CRM_OK && rc != CRM_NOTFOUND)
		return fail_with(ctx, out, reveal, rc);

	out->event = "totp_ask";
	out->verdict = CRM_ASK;
	out->user_masked = !known;
	if (crm_cidr_list_match(&opts->trusted_nets, req->rhost)) {
		/* Before anything about the user: from a trusted network
		 * every name is treated alike. */
		out->verdict = CRM_IGNORE;
		out->event = "totp_skipped_trusted_net";
		out->audit = 1;
		snprintf(out->detail, sizeof(out->detail),
			 "from a trusted network: no code asked");
	} else if (!known) {
		/* Asked as an enrolled user is; refused at the answer. */
		if (opts->common.unknown == CRM_UNKNOWN_IGNORE) {
			out->verdict = CRM_IGNORE;
			out->event = "totp_ignored";
		}
	} else if (enrolled && (t.confirmed_ms != 0 || !required ||
				!opts->enroll_at_login)) {
		reveal->digits = t.digits;
		reveal->optional = t.confirmed_ms == 0 && !required;
		if (t.confirmed_ms == 0)
			snprintf(out->detail, sizeof(out->detail),
				 "enrolment pending: a first code confirms it");
	} else if (!required) {
		out->verdict = CRM_IGNORE;
		out->event = "totp_not_enrolled";
		snprintf(out->detail, sizeof(out->detail),
			 "not enrolled, not required");
	} else if (!opts->enroll_at_login) {
		out->verdict = CRM_DENY;
		out->event = "totp_required";
		out->audit = 1;
		snprintf(out->message, sizeof(out->message), "%s",
			 must_enrol_message);
		snprintf(out->detail, sizeof(out->detail),
			 "required by role, not enrolled");
	} else if (!writing) {
		*needs_write = 1;
	} else {
		/* Forced enrolment: the grace period runs from the first
		 * login that asked for it. */
		rc = crm_store_totp_grace_get(ctx->store, user_id, &since);
		if (rc == CRM_NOTFOUND) {
			since = now;
			rc = crm_store_totp_grace_set(ctx->store, user_id,
						      since);
		}
		if (rc != CRM_OK)
			return fail_with(ctx, out, reveal, rc);
		out->audit = 1;
		if (now - since > (int64_t)opts->enroll_grace * 1000) {
			out->verdict = CRM_DENY;
			out->event = "totp_required";
			snprintf(out->message, sizeof(out->message), "%s",
				 must_enrol_message);
			snprintf(out->detail, sizeof(out->detail),
				 "required by role; enrolment grace of %lu s "
				 "over", opts->enroll_grace);
		} else {
			/* A seed shown at an earlier login and not confirmed
			 * is shown again: that user may not have scanned it. */
			rc = enrolled ? show_again(ctx, opts, req->user, &t,
						   reveal)
				      : enroll_fresh(ctx, opts, req->user,
					user_id,
					(enum crm_totp_algorithm)opts->algorithm,
					(unsigned int)opts->digits,
					(unsigned int)opts->period, reveal);
			if (rc != CRM_OK)
				return fail_with(ctx, out, reveal, rc);
			reveal->digits = enrolled ? t.digits
						  : (unsigned int)opts->digits;
			out->event = "totp_enrol_pending";
			snprintf(out->detail, sizeof(out->detail),
				 "enrolment at login: seed shown, awaiting "
				 "a first code");
		}
	}
	crm_cleanse(&t, sizeof(t));
	if (!writing && out->audit)
		*needs_write = 1;
	if (*needs_write) {
		crm_store_rollback(ctx->store);
		return CRM_OK;
	}
	rc = finish_write(ctx, req, out, now);
	if (rc != CRM_OK)
		return fail_with(ctx, out, reveal, rc);
	return CRM_OK;
}

int
crm_totp_begin(struct crm_ctx *ctx, const struct crm_totp_opts *opts,
	       const struct crm_request *req, struct crm_totp_reveal *reveal,
	       struct crm_outcome *out)
{
	int rc, needs_write = 0;

	crm_outcome_init(out);
	memset(reveal, 0, sizeof(*reveal));
	if (!crm_request_valid(req, out))
		return CRM_INVALID;
	rc = begin_pass(ctx, opts, req, reveal, out, 0, &needs_write);
	if (rc == CRM_OK && needs_write)
		rc = begin_pass(ctx, opts, req, reveal, out, 1, &needs_write);
	return rc;
}

/* What an answer for a name that is no account costs: the codes of a
 * whole window over a seed of the usual length, and the keyed hash a
 * recovery code gets. */
static void
dummy_work(const struct crm_key *key, const struct crm_totp_opts *opts,
	   int64_t now_s, const char *code)
{
	unsigned char seed[20], mac[CRM_MAC_LEN];
	char norm[11];

	memset(seed, 0x5a, sizeof(seed));
	(void)matching_step(seed, sizeof(seed), opts->algorithm,
			    (unsigned int)opts->digits,
			    (unsigned int)opts->period, opts->window, now_s,
			    code);
	if (normalize_recovery(code, norm) != CRM_OK)
		snprintf(norm, sizeof(norm), "AAAAAAAAAA");
	(void)recovery_mac(key, 0, norm, mac);
	OPENSSL_cleanse(norm, sizeof(norm));
	OPENSSL_cleanse(mac, sizeof(mac));
}

static int
check_recovery(struct crm_ctx *ctx, const struct crm_key *key,
	       const struct crm_totp *t, const char *code, int64_t now,
	       struct crm_outcome *out)
{
	unsigned char mac[CRM_MAC_LEN];
	int64_t unused = 0, used = 0;
	char norm[11];
	int rc;

	if (normalize_recovery(code, norm) != CRM_OK)
		return CRM_NOTFOUND;
	rc = recovery_mac(key, t->user_id, norm, mac);
	OPENSSL_cleanse(norm, sizeof(norm));
	if (rc == CRM_OK)
		rc = crm_store_recovery_use(ctx->store, t->user_id, mac, now);
	if (rc == CRM_OK)
		rc = crm_store_recovery_count(ctx->store, t->user_id, &unused,
					      &used);
	if (rc == CRM_OK) {
		out->event = "recovery_used";
		snprintf(out->detail, sizeof(out->detail),
			 "recovery code accepted; %lld left",
			 (long long)unused);
		if (unused <= 2)
			snprintf(out->message, sizeof(out->message),
				 "A recovery code was used: %lld left. Ask "
				 "an administrator for new ones.",
				 (long long)unused);
	}
	return rc;
}

int
crm_totp_answer(struct crm_ctx *ctx, const struct crm_totp_opts *opts,
		const struct crm_request *req, const char *code,
		struct crm_totp_reveal *reveal, struct crm_outcome *out)
{
	unsigned char seed[CRM_TOTP_SECRET_MAX];
	const struct crm_key *key = NULL;
	struct crm_totp t;
	int64_t now = crm_now_ms(), step;
	size_t len = 0;
	int rc, required = 0, recovery_left = 0;
	int64_t unused = 0, used = 0;

	crm_outcome_init(out);
	memset(reveal, 0, sizeof(*reveal));
	if (!crm_request_valid(req, out))
		return CRM_INVALID;
	if (code == NULL)
		code = "";
	out->audit = 1;
	out->verdict = CRM_DENY;
	out->event = "totp_fail";

	rc = crm_store_begin(ctx->store, CRM_TXN_WRITE);
	if (rc != CRM_OK)
		return fail_with(ctx, out, reveal, rc);
	rc = crm_ctx_key(ctx, &key);
	if (rc != CRM_OK)
		return fail_with(ctx, out, reveal, rc);
	rc = crm_store_totp_get(ctx->store, req->user, &t);
	if (rc == CRM_NOTFOUND) {
		dummy_work(key, opts, now / 1000, code);
		out->user_masked = 1;
		snprintf(out->detail, sizeof(out->detail),
			 "no TOTP enrolment");
		goto write;
	}
	if (rc != CRM_OK)
		return fail_with(ctx, out, reveal, rc);
	rc = must_have_totp(ctx, opts, req->user, &required);
	if (rc != CRM_OK)
		return fail_with(ctx, out, reveal, rc);

	if (code[0] == '\0') {
		if (t.confirmed_ms == 0 && !required) {
			/* A pending enrolment is not yet a factor: no
			 * answer leaves the login as it was. */
			out->verdict = CRM_IGNORE;
			out->event = "totp_enrol_pending";
			snprintf(out->detail, sizeof(out->detail),
				 "enrolment pending; no code given");
		} else {
			snprintf(out->detail, sizeof(out->detail),
				 "no code given");
		}
		goto write;
	}

	rc = open_seed(key, &t, seed, &len);
	if (rc != CRM_OK) {
		/* A changed ciphertext, a row moved from another user, or
		 * another key: never a yes. */
		OPENSSL_cleanse(seed, sizeof(seed));
		crm_outcome_fail(out, rc, "sealed seed does not open (changed, "
				 "moved or another key)");
		out->audit = 1;
		goto write;
	}
	step = matching_step(seed, len, t.algorithm, t.digits, t.period,
			     opts->window, now / 1000, code);
	OPENSSL_cleanse(seed, sizeof(seed));

	if (step >= 0) {
		if (step <= t.last_step) {
			out->event = "totp_replay";
			snprintf(out->detail, sizeof(out->detail),
				 "code of step %lld already used",
				 (long long)step);
			goto write;
		}
		rc = crm_store_totp_use_step(ctx->store, t.user_id, step);
		if (rc == CRM_NOTFOUND) {
			out->event = "totp_replay";
			snprintf(out->detail, sizeof(out->detail),
				 "code of step %lld used meanwhile",
				 (long long)step);
			goto write;
		}
		if (rc != CRM_OK)
			return fail_with(ctx, out, reveal, rc);
		out->verdict = CRM_ALLOW;
		out->event = "totp_ok";
		snprintf(out->detail, sizeof(out->detail), "code accepted");
		if (t.confirmed_ms == 0) {
			rc = crm_store_totp_confirm(ctx->store, t.user_id, now);
			if (rc == CRM_OK)
				rc = crm_store_recovery_count(ctx->store,
					t.user_id, &unused, &used);
			/* Enrolled at login: its recovery codes are made
			 * now, and shown once. */
			if (rc == CRM_OK && unused + used == 0) {
				rc = make_recovery(ctx, key, t.user_id,
						   reveal);
				recovery_left = 1;
			}
			if (rc != CRM_OK)
				return fail_with(ctx, out, reveal, rc);
			out->event = "totp_enrol_confirmed";
			snprintf(out->detail, sizeof(out->detail),
				 "first code accepted: enrolment confirmed%s",
				 recovery_left ? "; recovery codes shown" : "");
		}
	} else {
		rc = check_recovery(ctx, key, &t, code, now, out);
		if (rc == CRM_OK) {
			out->verdict = CRM_ALLOW;
		} else if (rc == CRM_NOTFOUND) {
			snprintf(out->detail, sizeof(out->detail),
				 "wrong code");
		} else {
			return fail_with(ctx, out, reveal, rc);
		}
	}
	if (out->verdict == CRM_ALLOW)
		out->authenticated = 1;
write:
	crm_cleanse(&t, sizeof(t));
	rc = finish_write(ctx, req, out, now);
	if (rc != CRM_OK)
		return fail_with(ctx, out, reveal, rc);
	return out->verdict == CRM_FAIL ? out->status : CRM_OK;
}

/* ---- crmauth ---- */

static int
user_id_of(struct crm_ctx *ctx, const char *user, int64_t *id)
{
	struct crm_user u;
	int rc = crm_store_user_get(ctx->store, user, &u);

	*id = u.id;
	crm_user_clear(&u);
	return rc;
}

int
crm_totp_enroll(struct crm_ctx *ctx, const struct crm_totp_opts *opts,
		const char *user, enum crm_totp_algorithm algorithm,
		unsigned int digits, unsigned int period,
		struct crm_totp_reveal *reveal)
{
	const struct crm_key *key = NULL;
	int64_t id = 0;
	int rc;

	memset(reveal, 0, sizeof(*reveal));
	if (digits < 6 || digits > 8 || period < 1 || period > 3600 ||
	    algorithm > CRM_TOTP_SHA512)
		return CRM_INVALID;
	rc = user_id_of(ctx, user, &id);
	if (rc == CRM_OK)
		rc = crm_ctx_key(ctx, &key);
	if (rc == CRM_OK)
		rc = enroll_fresh(ctx, opts, user, id, algorithm, digits,
				  period, reveal);
	if (rc == CRM_OK)
		rc = make_recovery(ctx, key, id, reveal);
	reveal->digits = digits;
	if (rc != CRM_OK)
		crm_totp_reveal_clear(reveal);
	return rc;
}

int
crm_totp_import_seed(struct crm_ctx *ctx, const char *user,
		     const unsigned char *seed, size_t seed_len,
		     enum crm_totp_algorithm algorithm, unsigned int digits,
		     unsigned int period, int confirmed,
		     const char *const *recovery, size_t recovery_count)
{
	const struct crm_key *key = NULL;
	unsigned char mac[CRM_MAC_LEN];
	struct crm_totp t;
	char norm[11];
	size_t i;
	int64_t id = 0;
	int rc;

	if (seed_len == 0 || seed_len > CRM_TOTP_SECRET_MAX || digits < 6 ||
	    digits > 8 || period < 1 || period > 3600 ||
	    algorithm > CRM_TOTP_SHA512 ||
	    recovery_count > CRM_TOTP_RECOVERY_CODES)
		return CRM_INVALID;
	memset(&t, 0, sizeof(t));
	rc = user_id_of(ctx, user, &id);
	if (rc == CRM_OK)
		rc = crm_ctx_key(ctx, &key);
	t.user_id = id;
	t.algorithm = algorithm;
	t.digits = digits;
	t.period = period;
	t.created_ms = crm_now_ms();
	if (rc == CRM_OK)
		rc = seal_seed(key, id, seed, seed_len, &t);
	if (rc == CRM_OK)
		rc = crm_store_totp_put(ctx->store, &t);
	if (rc == CRM_OK && confirmed)
		rc = crm_store_totp_confirm(ctx->store, id, t.created_ms);
	for (i = 0; rc == CRM_OK && i < recovery_count; i++) {
		/* google-authenticator's scratch codes are eight digits;
		 * they are kept as typed, keyed the same way. */
		rc = normalize_recovery(recovery[i], norm);
		if (rc == CRM_OK)
			rc = recovery_mac(key, id, norm, mac);
		if (rc == CRM_OK)
			rc = crm_store_recovery_add(ctx->store, id, mac);
	}
	OPENSSL_cleanse(norm, sizeof(norm));
	crm_cleanse(&t, sizeof(t));
	return rc;
}

int
crm_totp_new_recovery(struct crm_ctx *ctx, const char *user,
		      struct crm_totp_reveal *reveal)
{
	const struct crm_key *key = NULL;
	struct crm_totp t;
	int rc;

	memset(reveal, 0, sizeof(*reveal));
	rc = crm_store_totp_get(ctx->store, user, &t);
	if (rc == CRM_OK)
		rc = crm_ctx_key(ctx, &key);
	if (rc == CRM_OK)
		rc = make_recovery(ctx, key, t.user_id, reveal);
	crm_cleanse(&t, sizeof(t));
	return rc;
}
