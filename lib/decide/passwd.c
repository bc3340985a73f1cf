/*
 * passwd.c - verifying a CRM account's password (pam_crm_passwd, auth).
 *
 * The path is the same for every name: look the user up, compute one
 * full hash (a dummy for accounts that do not exist or have no password),
 * write one audit row.  Only then does the answer depend on the user.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/clock.h"
#include "core/hash.h"
#include "decide/options.h"
#include "decide/passwd.h"
#include "store/store.h"

#define MODULE_NAME "pam_crm_passwd"

#define PAM_FIELD(name) offsetof(struct crm_passwd_pam_opts, name)
#define POLICY(name) offsetof(struct crm_passwd_opts, policy.name)

static const char *const store_choices[] = { "db", "next", NULL };

const struct crm_option crm_passwd_options[] = {
	CRM_COMMON_OPTIONS(struct crm_passwd_opts),
	/* The password policy, named as pwquality.conf(5) names it. */
	{ "minlen", CRM_OPT_UINT, POLICY(minlen), 0, 1024, NULL,
	  CRM_OPT_ROLE },
	{ "minclass", CRM_OPT_UINT, POLICY(minclass), 0, 4, NULL,
	  CRM_OPT_ROLE },
	{ "maxrepeat", CRM_OPT_UINT, POLICY(maxrepeat), 0, 1024, NULL,
	  CRM_OPT_ROLE },
	{ "maxsequence", CRM_OPT_UINT, POLICY(maxsequence), 0, 1024, NULL,
	  CRM_OPT_ROLE },
	{ "maxclassrepeat", CRM_OPT_UINT, POLICY(maxclassrepeat), 0, 1024,
	  NULL, CRM_OPT_ROLE },
	{ "difok", CRM_OPT_UINT, POLICY(difok), 0, 1024, NULL, CRM_OPT_ROLE },
	{ "usercheck", CRM_OPT_BOOL, POLICY(usercheck), 0, 1, NULL,
	  CRM_OPT_ROLE },
	{ "dictcheck", CRM_OPT_BOOL, POLICY(dictcheck), 0, 1, NULL,
	  CRM_OPT_ROLE },
	{ "enforce_for_root", CRM_OPT_BOOL, POLICY(enforce_for_root), 0, 1,
	  NULL, CRM_OPT_ROLE },
	{ "dictpath", CRM_OPT_PATH, POLICY(dictpath), 0, 0, NULL, 0 },
	{ "breached", CRM_OPT_PATH, POLICY(breached), 0, 0, NULL, 0 },
	{ "remember", CRM_OPT_UINT, offsetof(struct crm_passwd_opts, remember),
	  0, 400, NULL, 0 },
	{ "max_age", CRM_OPT_UINT, offsetof(struct crm_passwd_opts, max_age),
	  0, 100000, NULL, 0 },
	{ "warn_age", CRM_OPT_UINT, offsetof(struct crm_passwd_opts, warn_age),
	  0, 100000, NULL, 0 },
	{ "min_age", CRM_OPT_UINT, offsetof(struct crm_passwd_opts, min_age),
	  0, 100000, NULL, 0 },
	{ "store", CRM_OPT_ENUM, offsetof(struct crm_passwd_opts, store),
	  0, 0, store_choices, 0 },
	{ "retry", CRM_OPT_UINT, PAM_FIELD(retry), 1, 100, NULL, CRM_OPT_PAM },
	{ "use_authtok", CRM_OPT_BOOL, PAM_FIELD(use_authtok), 0, 1,
	  NULL, CRM_OPT_ARG_ONLY | CRM_OPT_PAM },
	{ "use_first_pass", CRM_OPT_BOOL, PAM_FIELD(use_first_pass), 0, 1,
	  NULL, CRM_OPT_ARG_ONLY | CRM_OPT_PAM },
	{ "try_first_pass", CRM_OPT_BOOL, PAM_FIELD(try_first_pass), 0, 1,
	  NULL, CRM_OPT_ARG_ONLY | CRM_OPT_PAM },
};

const size_t crm_passwd_option_count = CRM_ARRAY_SIZE(crm_passwd_options);

void
crm_passwd_defaults(struct crm_passwd_opts *opts,
		    struct crm_passwd_pam_opts *pam)
{
	memset(opts, 0, sizeof(*opts));
	crm_common_defaults(&opts->common);
	crm_pwpolicy_defaults(&opts->policy);
	opts->remember = 5;
	opts->max_age = 90;
	opts->warn_age = 7;
	opts->min_age = 0;
	opts->store = CRM_PASSWD_STORE_DB;
	if (pam != NULL) {
		memset(pam, 0, sizeof(*pam));
		pam->retry = 3;
	}
}

static void
spec_for(struct crm_passwd_opts *opts, struct crm_passwd_pam_opts *pam,
	 struct crm_config_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->section = "passwd";
	spec->options = crm_passwd_options;
	spec->option_count = crm_passwd_option_count;
	spec->values = opts;
	spec->values_size = sizeof(*opts);
	spec->pam_values = pam;
	spec->global_tables = crm_decide_option_tables(&spec->global_table_count);
}

int
crm_passwd_load(struct crm_passwd_opts *opts, struct crm_passwd_pam_opts *pam,
		int argc, const char **argv, const struct crm_log *log)
{
	struct crm_config_spec spec;

	spec_for(opts, pam, &spec);
	return crm_config_load(&spec, crm_default_conf(), argc, argv, NULL,
			       log);
}

int
crm_passwd_load_roles(struct crm_passwd_opts *opts,
		      struct crm_passwd_pam_opts *pam, int argc,
		      const char **argv, struct crm_role_sections *roles,
		      const struct crm_log *log)
{
	struct crm_config_spec spec;

	spec_for(opts, pam, &spec);
	return crm_config_load(&spec, crm_default_conf(), argc, argv, roles,
			       log);
}

int
crm_passwd_lockout_load(const struct crm_passwd_opts *opts,
			struct crm_lockout_opts *lockout,
			const struct crm_log *log)
{
	char conf[PATH_MAX + 8], db[PATH_MAX + 8];
	const char *args[2];

	crm_lockout_defaults(lockout, NULL);
	snprintf(conf, sizeof(conf), "conf=%s", opts->common.conf);
	snprintf(db, sizeof(db), "db=%s", opts->common.db);
	args[0] = conf;
	args[1] = db;
	return crm_lockout_load(lockout, NULL, 2, args, log);
}

/* ---- the policy in force for one user ---- */

struct policy_merge {
	const struct crm_passwd_opts *opts;
	const struct crm_role_sections *roles;
	struct crm_pwpolicy merged;
	int any;
	int rc;
	const struct crm_log *log;
};

static unsigned long
max_ul(unsigned long a, unsigned long b)
{
	return a > b ? a : b;
}

/* The stricter of two limits where 0 means no limit. */
static unsigned long
tighter_limit(unsigned long a, unsigned long b)
{
	if (a == 0 || b == 0)
		return a == 0 ? b : a;
	return a < b ? a : b;
}

static void
merge_policy(struct crm_pwpolicy *into, const struct crm_pwpolicy *one)
{
	into->minlen = max_ul(into->minlen, one->minlen);
	into->minclass = max_ul(into->minclass, one->minclass);
	into->difok = max_ul(into->difok, one->difok);
	into->maxrepeat = tighter_limit(into->maxrepeat, one->maxrepeat);
	into->maxsequence = tighter_limit(into->maxsequence,
					  one->maxsequence);
	into->maxclassrepeat = tighter_limit(into->maxclassrepeat,
					     one->maxclassrepeat);
	into->usercheck = into->usercheck || one->usercheck;
	into->dictcheck = into->dictcheck || one->dictcheck;
	into->enforce_for_root = into->enforce_for_root ||
				 one->enforce_for_root;
}

static int
merge_role(void *arg, const char *role)
{
	struct policy_merge *m = arg;
	const struct crm_role_section *section;
	struct crm_config_spec spec;
	struct crm_passwd_opts *one;

	section = crm_config_find_role(m->roles, role);
	if (section == NULL)
		return 0;
	/* About 20 KiB (five paths): on the heap, as a module's stack is
	 * not ours. */
	one = malloc(sizeof(*one));
	if (one == NULL) {
		m->rc = CRM_ENOMEM;
		return -1;
	}
	*one = *m->opts;
	spec_for(one, NULL, &spec);
	m->rc = crm_config_apply_role(&spec, section, one, m->log);
	if (m->rc == CRM_OK) {
		if (!m->any)
			m->merged = one->policy;
		else
			merge_policy(&m->merged, &one->policy);
		m->any = 1;
	}
	free(one);
	return m->rc == CRM_OK ? 0 : -1;
}

int
crm_passwd_policy_for(struct crm_store *store,
		      const struct crm_passwd_opts *opts,
		      const struct crm_role_sections *roles,
		      const char *user, struct crm_pwpolicy *out,
		      const struct crm_log *log)
{
	struct policy_merge m;
	int rc;

	*out = opts->policy;
	if (roles == NULL || roles->count == 0 || user == NULL)
		return CRM_OK;
	memset(&m, 0, sizeof(m));
	m.opts = opts;
	m.roles = roles;
	m.rc = CRM_OK;
	m.log = log;
	rc = crm_store_user_roles(store, user, merge_role, &m);
	if (m.rc != CRM_OK)
		return m.rc;
	if (rc != CRM_OK)
		return rc;
	if (m.any)
		*out = m.merged;
	return CRM_OK;
}

/*
 * Hash a right password again when it is stored under an older scheme.
 * Inside the write transaction of the login; a failure here is logged in
 * the detail and does not refuse a login that is otherwise right.
 */
static int
upgrade_hash(struct crm_ctx *ctx, const struct crm_user *user,
	     const char *password, struct crm_outcome *out)
{
	char fresh[CRM_HASH_MAX];
	int rc, old;

	old = crm_hash_needs_upgrade(user->password_hash);
	if (old <= 0)
		return CRM_OK;
	rc = crm_hash_password(password, fresh, sizeof(fresh));
	if (rc == CRM_OK)
		rc = crm_store_user_rehash(ctx->store, user->name,
					   user->password_hash, fresh);
	crm_cleanse(fresh, sizeof(fresh));
	if (rc == CRM_OK || rc == CRM_NOTFOUND) {
		if (rc == CRM_OK)
			snprintf(out->detail, sizeof(out->detail),
				 "password accepted; hash upgraded to yescrypt");
		return CRM_OK;
	}
	return rc;
}

int
crm_passwd_verify(struct crm_ctx *ctx, const struct crm_passwd_opts *opts,
		  const struct crm_request *req, const char *password,
		  struct crm_outcome *out)
{
	struct crm_user user;
	int64_t now = crm_now_ms();
	int known, match, rc;

	crm_outcome_init(out);
	memset(&user, 0, sizeof(user));
	if (!crm_valid_name(req->user, CRM_NAME_MAX, 0) ||
	    !crm_valid_name(req->rhost, CRM_RHOST_MAX, 1)) {
		crm_outcome_fail(out, CRM_INVALID,
				 "user or rhost malformed or too long");
		return CRM_INVALID;
	}

	rc = crm_store_user_get(ctx->store, req->user, &user);
	if (rc != CRM_OK && rc != CRM_NOTFOUND)
		goto fail;
	known = rc == CRM_OK;

	/* Always one full hash, whatever the account and the password. */
	rc = crm_hash_verify(password != NULL ? password : "",
			     known ? user.password_hash : NULL);
	match = rc == CRM_OK;
	out->audit = 1;
	if (rc == CRM_INVALID) {
		crm_outcome_fail(out, rc, "stored hash unreadable by libcrypt");
		goto audit;
	}
	if (rc != CRM_OK && rc != CRM_NOTFOUND)
		goto fail;
	/* An empty password never opens an account, whatever was stored. */
	if (password == NULL || password[0] == '\0')
		match = 0;

	if (known && match) {
		out->verdict = CRM_ALLOW;
		out->event = "auth_ok";
		out->authenticated = 1;
		snprintf(out->detail, sizeof(out->detail), "password accepted");
		/* The CRM account the front end may trust from here on;
		 * pam_crm_role adds roles and scope to it. */
		rc = crm_outcome_setenv(out, "CRM_USER", req->user);
		if (rc != CRM_OK)
			goto fail;
	} else {
		out->verdict = !known && opts->common.unknown ==
				CRM_UNKNOWN_IGNORE ? CRM_IGNORE : CRM_DENY;
		out->event = "auth_fail";
		snprintf(out->detail, sizeof(out->detail), "%s",
			 !known ? "unknown user"
			 : user.password_hash == NULL ? "no password set"
						      : "wrong password");
		out->user_masked = !known;
	}
audit:
	rc = crm_store_begin(ctx->store, CRM_TXN_WRITE);
	if (rc != CRM_OK)
		goto fail;
	if (out->verdict == CRM_ALLOW)
		rc = upgrade_hash(ctx, &user, password, out);
	if (rc == CRM_OK)
		rc = crm_ctx_record(ctx, MODULE_NAME, req, out, now);
	if (rc == CRM_OK && out->verdict == CRM_ALLOW)
		rc = crm_store_user_touch_login(ctx->store, req->user, now);
	if (rc != CRM_OK) {
		crm_store_rollback(ctx->store);
		goto fail;
	}
	rc = crm_store_commit(ctx->store);
	if (rc != CRM_OK)
		goto fail;
	crm_user_clear(&user);
	return out->verdict == CRM_FAIL ? out->status : CRM_OK;
fail:
	crm_user_clear(&user);
	crm_outcome_fail(out, rc, "%s: %s", crm_strerror(rc),
			 crm_store_errmsg(ctx->store));
	return rc;
}
