/*
 * passwd.c - crmauth passwd check: score a candidate password against the
 * policy of pam_crm.conf's [passwd] (and USER's roles), storing nothing
 * and writing no audit row.
 *
 * Exit status: 0 the password passes, 1 it does not (every reason is
 * printed), 2 an error.  A breached list or dictionary that cannot be
 * read is a refusal with its reason, not a pass.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/breached.h"
#include "core/crypto.h"
#include "core/pwpolicy.h"
#include "decide/passwd.h"
#include "store/store.h"

#include "crmauth.h"

static const char passwd_usage[] =
"usage: crmauth passwd check [USER] [--stdin] [--json]\n";

/* What the candidate is checked with; freed by check_env_free. */
struct check_env {
	struct crm_passwd_opts opts;
	struct crm_role_sections roles;
	struct crm_pwpolicy policy;
	struct crm_user user;
	int have_user;
	struct crm_breached *breached;
};

static void
check_env_free(struct check_env *env)
{
	crm_config_free_roles(&env->roles);
	if (env->have_user)
		crm_user_clear(&env->user);
	if (env->breached != NULL)
		crm_breached_close(env->breached);
}

int
ca_passwd_options(struct crmauth *ca, struct crm_passwd_opts *opts,
		  struct crm_role_sections *roles)
{
	char conf_arg[PATH_MAX + 8];
	const char *argv[1];
	int argc, rc;

	argc = ca_module_argv(ca, conf_arg, sizeof(conf_arg), argv);
	crm_passwd_defaults(opts, NULL);
	if (argc < 0)
		return ca_fail(ca, CRM_INVALID, "--conf");
	rc = crm_passwd_load_roles(opts, NULL, argc, argv, roles, &ca->log);
	if (rc != CRM_OK)
		return ca_fail(ca, rc, "reading the [passwd] options");
	return CA_EXIT_OK;
}

/* The options as pam_crm_passwd reads them, and USER's roles on top. */
static int
load_policy(struct crmauth *ca, const char *name, struct check_env *env)
{
	char err[PATH_MAX + 256];
	int rc;

	if ((rc = ca_passwd_options(ca, &env->opts, &env->roles)) !=
	    CA_EXIT_OK)
		return rc;
	env->policy = env->opts.policy;
	if (name != NULL) {
		if ((rc = ca_open(ca)) != CRM_OK)
			return ca_exit_code(rc);
		/* A name the database does not know is checked by its name
		 * alone: a system account, or one about to be made. */
		rc = crm_store_user_get(ca->ctx->store, name, &env->user);
		if (rc == CRM_OK)
			env->have_user = 1;
		else if (rc != CRM_NOTFOUND)
			return ca_fail(ca, rc, "user %s", name);
		rc = crm_passwd_policy_for(ca->ctx->store, &env->opts,
					   &env->roles, name, &env->policy,
					   &ca->log);
		if (rc != CRM_OK)
			return ca_fail(ca, rc, "the roles of user %s", name);
	}
	if (env->policy.breached[0] != '\0') {
		err[0] = '\0';
		rc = crm_breached_open(env->policy.breached, &env->breached,
				       err, sizeof(err));
		/* Not fatal here: the checker refuses for want of it. */
		if (rc != CRM_OK) {
			env->breached = NULL;
			if (err[0] != '\0')
				ca_warn("%s", err);
			else
				ca_warn("breached list %s: %s",
					env->policy.breached,
					crm_strerror(rc));
		}
	}
	return CA_EXIT_OK;
}

static int
print_json(const struct crm_pwverdict *verdict)
{
	json_object *obj, *arr, *item;
	size_t i;
	int rc = CRM_ENOMEM;

	obj = json_object_new_object();
	arr = json_object_new_array();
	if (obj == NULL || arr == NULL) {
		json_object_put(arr);
		goto out;
	}
	if (ca_json_bool(obj, "ok", verdict->count == 0) != CRM_OK ||
	    json_object_object_add(obj, "reasons", arr) != 0) {
		json_object_put(arr);
		goto out;
	}
	for (i = 0; i < verdict->count; i++) {
		item = json_object_new_object();
		if (item == NULL)
			goto out;
		if (json_object_array_add(arr, item) != 0) {
			json_object_put(item);
			goto out;
		}
		if (ca_json_str(item, "class", crm_pwreason_name(
				verdict->failures[i].reason)) != CRM_OK ||
		    ca_json_str(item, "message",
				verdict->failures[i].message) != CRM_OK)
			goto out;
	}
	rc = ca_json_print(obj);
out:
	json_object_put(obj);
	return rc;
}

static int
print_verdict(struct crmauth *ca, const struct crm_pwverdict *verdict)
{
	size_t i;
	int rc = CRM_OK;

	if (ca->json)
		rc = print_json(verdict);
	else if (verdict->count == 0)
		puts("ok");
	else
		for (i = 0; i < verdict->count; i++)
			puts(verdict->failures[i].message);
	if (rc != CRM_OK)
		return ca_fail(ca, rc, "printing the verdict");
	return verdict->count == 0 ? CA_EXIT_OK : CA_EXIT_REFUSED;
}

static int
passwd_check(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "stdin", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check_env *env;
	struct crm_pwcontext pwctx;
	struct crm_pwverdict verdict;
	char password[CA_PASSWORD_MAX + 1];
	const char *name = NULL;
	int from_stdin = 0, c, opt, rc, ret = CA_EXIT_ERROR;

	/* Seven PATH_MAX paths (options and policy): not on the stack. */
	env = calloc(1, sizeof(*env));
	if (env == NULL)
		return ca_fail(ca, CRM_ENOMEM, "passwd check");
	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts,
			      "passwd check")) != -1) {
		switch (c) {
		case 's':
			from_stdin = 1;
			break;
		default:
			opt = ca_verb_option(ca, c, passwd_usage);
			if (opt != CA_CONTINUE) {
				ret = opt;
				goto out;
			}
			break;
		}
	}
	if (argc - optind > 1) {
		ret = ca_usage_error(passwd_usage,
				     "passwd check: at most one USER");
		goto out;
	}
	if (argc - optind == 1) {
		name = argv[optind];
		if (ca_check_name("user", name) != CRM_OK)
			goto out;
	}
	if ((ret = load_policy(ca, name, env)) != CA_EXIT_OK)
		goto out;
	ret = CA_EXIT_ERROR;
	if (ca_read_candidate(from_stdin, password, sizeof(password)) !=
	    CRM_OK)
		goto out;

	memset(&pwctx, 0, sizeof(pwctx));
	pwctx.user = name;
	pwctx.department = env->have_user ? env->user.dept : NULL;
	pwctx.breached = env->breached;
	pwctx.log = &ca->log;
	rc = crm_pwpolicy_check(&env->policy, password, &pwctx, &verdict);
	crm_cleanse(password, sizeof(password));
	if (rc != CRM_OK) {
		ret = ca_fail(ca, rc, "checking the password");
		goto out;
	}
	ret = print_verdict(ca, &verdict);
out:
	check_env_free(env);
	free(env);
	return ret;
}

int
cmd_passwd(struct crmauth *ca, int argc, char **argv)
{
	static const struct ca_verb verbs[] = {
		{ "check", passwd_check },
	};

	return ca_dispatch(ca, argc, argv, verbs, CRM_ARRAY_SIZE(verbs),
			   passwd_usage);
}
