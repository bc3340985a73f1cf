/*
 * test_role.c - pam_crm_role through real PAM stacks (pam.d/crm and
 * pam.d/crm-switch as shipped): account status and a suspension that
 * ends while the test runs, CRM_STATUS on each refusal (pam_crm_lockout's
 * "locked" too), require_role, the CRM_ variables of a sales user, a
 * department manager and an administrator, names forged into the
 * database, and account switching: trust, reauth, linked, denied, the
 * escalation guard, trust never reaching an admin, locked, suspended,
 * IP-denied and TOTP-required targets, switching back, the audit rows,
 * crmauth switch and crm-login --switch-from.
 *
 * The clock of this process (the modules run here) is frozen with
 * libfaketime; crmauth runs on the real clock, so times given to it are
 * absolute.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <liboath/oath.h>
#include <security/pam_appl.h>

#include "fixture.h"

#define PW "Pass-word-1234"
#define RHOST "192.0.2.10"
/* crmauth's exit status for a refusal. */
#define REFUSED 1

static struct fixture fx;
static const char base_conf[] =
	"[lockout]\nnodelay = yes\ndeny = 3\n[totp]\nnodelay = yes\n";

/* crmauth ARGS...: its exit status. */
#define CA(...) fx_crmauth(&fx, NULL, NULL, 0, __VA_ARGS__, NULL)

/* Freeze this process's clock at a UTC wall time "YYYY-MM-DD hh:mm:ss". */
static void
at(const char *utc)
{
	fx_faketime(utc);
}

static int
setup(void **state)
{
	fx_setup(&fx, base_conf);
	/* fx_setup allows every login of service crm; switching too. */
	assert_int_equal(CA("allow", "add", "allow", "*", "*", "--service",
			    "crm-switch"), 0);
	at("2027-01-04 12:00:00");
	return 0;
}

static int
teardown(void **state)
{
	fx_clock_offset(0);
	fx_teardown(&fx);
	return 0;
}

static void
user(const char *name)
{
	fx_user_add(&fx, name, PW);
}

static void
role(const char *name, const char *scope)
{
	assert_int_equal(CA("role", "add", name, "--scope", scope), 0);
}

static void
grant(const char *name, const char *role_name)
{
	assert_int_equal(CA("role", "grant", name, role_name), 0);
}

/* A login through service: PAM_USER user, PAM_RUSER ruser (may be NULL),
 * every prompt answered with password (NULL: none answered). */
static void
run(const char *service, const char *name, const char *ruser,
    const char *password, struct login *l)
{
	struct fx_login_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.items.rhost = RHOST;
	opts.items.ruser = ruser;
	opts.default_answer = password;
	opts.phases = FX_AUTH | FX_ACCT | FX_SESSION;
	fx_login_ex(service, name, &opts, l);
}

/* The first failed result of a login, PAM_SUCCESS when all passed. */
static int
result(const struct login *l)
{
	if (l->auth_rc != PAM_SUCCESS)
		return l->auth_rc;
	if (l->acct_rc != PAM_SUCCESS)
		return l->acct_rc;
	return l->session_rc;
}

static int
login(const char *name)
{
	struct login l;

	run("crm", name, NULL, PW, &l);
	return result(&l);
}

/* crm-switch: caller (signed in) becomes target. */
static int
switch_to(const char *caller, const char *target, const char *password,
	  struct login *l)
{
	run("crm-switch", target, caller, password, l);
	return result(l);
}

static void
env_is(const struct login *l, const char *name, const char *value)
{
	const char *got = fx_env_get(l, name);

	if (got == NULL || strcmp(got, value) != 0)
		fail_msg("%s: expected \"%s\", got \"%s\"", name, value,
			 got != NULL ? got : "(unset)");
}

/* Whether crmauth audit holds a row of event for user and ruser whose
 * detail contains part (NULL: any). */
static int
audit_has(const char *event, const char *name, const char *ruser,
	  const char *part)
{
	static char out[1 << 20];
	json_object *root, *row, *v;
	const char *s;
	size_t i;
	int found = 0;

	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "audit", "--event", event, NULL), 0);
	root = json_tokener_parse(out);
	assert_non_null(root);
	for (i = 0; i < json_object_array_length(root) && !found; i++) {
		row = json_object_array_get_idx(root, i);
		if (!json_object_object_get_ex(row, "user", &v) ||
		    (s = json_object_get_string(v)) == NULL ||
		    strcmp(s, name) != 0)
			continue;
		if (!json_object_object_get_ex(row, "ruser", &v) ||
		    (s = json_object_get_string(v)) == NULL ||
		    (ruser != NULL && strcmp(s, ruser) != 0))
			continue;
		if (part != NULL &&
		    (!json_object_object_get_ex(row, "detail", &v) ||
		     (s = json_object_get_string(v)) == NULL ||
		     strstr(s, part) == NULL))
			continue;
		found = 1;
	}
	json_object_put(root);
	return found;
}

/* ---- status ---- */

static void
status_disabled_suspended_and_a_suspension_that_ends(void **state)
{
	struct login l;

	user("alice");
	assert_int_equal(login("alice"), PAM_SUCCESS);

	assert_int_equal(CA("user", "disable", "alice"), 0);
	run("crm", "alice", NULL, PW, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(l.acct_rc, PAM_ACCT_EXPIRED);
	assert_non_null(strstr(l.errors, "Your account has been disabled"));
	/* Readable after the refused pam_acct_mgmt, before pam_end. */
	env_is(&l, "CRM_STATUS", "disabled");
	assert_null(fx_env_get(&l, "CRM_ROLES"));
	assert_int_equal(fx_audit_count(&fx, "alice", "status_denied"), 1);

	assert_int_equal(CA("user", "enable", "alice"), 0);
	assert_int_equal(login("alice"), PAM_SUCCESS);

	assert_int_equal(CA("user", "suspend", "alice", "--until",
			    "2027-01-04T14:00:00Z"), 0);
	run("crm", "alice", NULL, PW, &l);
	assert_int_equal(l.acct_rc, PAM_PERM_DENIED);
	assert_non_null(strstr(l.errors, "Your account is suspended until "
			       "2027-01-04 14:00"));
	env_is(&l, "CRM_STATUS", "suspended");
	at("2027-01-04 13:59:59");
	assert_int_equal(login("alice"), PAM_PERM_DENIED);
	/* The suspension ends by itself: nothing written, nothing to do. */
	at("2027-01-04 14:00:00");
	run("crm", "alice", NULL, PW, &l);
	assert_int_equal(result(&l), PAM_SUCCESS);
	assert_null(fx_env_get(&l, "CRM_STATUS"));
	env_is(&l, "CRM_USER", "alice");
	assert_int_equal(fx_audit_count(&fx, "alice", "status_denied"), 3);
}

static void
a_locked_account_exports_crm_status_locked(void **state)
{
	struct login l;
	int i;

	user("bob");
	for (i = 0; i < 3; i++) {
		run("crm", "bob", NULL, "wrong", &l);
		assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	}
	run("crm", "bob", NULL, PW, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	env_is(&l, "CRM_STATUS", "locked");
	/* generic lock messages never say "locked", nor does CRM_STATUS. */
	fx_write_conf(&fx, "[lockout]\nnodelay = yes\ndeny = 3\n"
		      "lock_message = generic\n");
	run("crm", "bob", NULL, PW, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_null(fx_env_get(&l, "CRM_STATUS"));
}

static void
unknown_users_are_refused_or_ignored(void **state)
{
	struct login l;
	struct fx_login_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.phases = FX_ACCT;
	fx_login_ex("crm", "nobody-here", &opts, &l);
	assert_int_equal(l.acct_rc, PAM_PERM_DENIED);
	assert_int_equal(fx_audit_count(&fx, "(unknown)", "status_denied"), 1);
	assert_int_equal(fx_audit_count(&fx, "nobody-here", NULL), 0);
	fx_write_conf(&fx, "[role]\nunknown = ignore\n");
	fx_login_ex("crm-role-only", "nobody-here", &opts, &l);
	/* PAM_IGNORE: on to pam_deny (PAM_AUTH_ERR), not a refusal. */
	assert_int_equal(l.acct_rc, PAM_AUTH_ERR);
}

static void
require_role_restricts_a_service(void **state)
{
	struct login l;
	struct fx_login_opts opts;

	role("admin", "company");
	role("manager", "department");
	user("root1");
	user("plain");
	user("mgr");
	grant("root1", "admin");
	grant("mgr", "manager");
	memset(&opts, 0, sizeof(opts));
	opts.phases = FX_ACCT;
	fx_login_ex("crm-admin", "plain", &opts, &l);
	assert_int_equal(l.acct_rc, PAM_PERM_DENIED);
	assert_non_null(strstr(l.errors,
			       "Your account may not use this service"));
	assert_null(fx_env_get(&l, "CRM_ROLES"));
	assert_int_equal(fx_audit_count(&fx, "plain", "role_denied"), 1);
	fx_login_ex("crm-admin", "root1", &opts, &l);
	assert_int_equal(l.acct_rc, PAM_SUCCESS);
	env_is(&l, "CRM_ROLES", "admin");
	fx_login_ex("crm-admin", "mgr", &opts, &l);
	assert_int_equal(l.acct_rc, PAM_SUCCESS);
	/* A malformed list fails closed. */
	fx_write_conf(&fx, "[role]\nrequire_role = admin,,manager\n");
	fx_login_ex("crm-role-only", "root1", &opts, &l);
	assert_int_equal(l.acct_rc, PAM_PERM_DENIED);
}

/* ---- who the user is ---- */

static void
identity_of_a_sales_user_a_manager_and_an_admin(void **state)
{
	struct login l;

	assert_int_equal(CA("dept", "add", "sales"), 0);
	assert_int_equal(CA("dept", "add", "east", "--parent", "sales"), 0);
	assert_int_equal(CA("role", "add", "sales", "--scope", "own",
			    "--perm", "lead.read", "--perm", "lead.write"), 0);
	assert_int_equal(CA("role", "add", "manager", "--scope", "department",
			    "--perm", "report.read", "--perm", "lead.read"),
			 0);
	assert_int_equal(CA("role", "add", "admin", "--scope", "company",
			    "--perm", "user.admin"), 0);
	assert_int_equal(CA("role", "add", "audit", "--scope", "own"), 0);
	assert_int_equal(CA("template", "add", "exports", "--perm",
			    "export.csv", "--perm", "lead.read"), 0);
	assert_int_equal(CA("template", "apply", "audit", "exports"), 0);
	assert_int_equal(fx_crmauth(&fx, PW "\n", NULL, 0, "user", "add",
				    "sam", "--dept", "east", "--role", "sales",
				    "--password-stdin", NULL), 0);
	assert_int_equal(fx_crmauth(&fx, PW "\n", NULL, 0, "user", "add",
				    "mia", "--dept", "east", "--role",
				    "manager", "--role", "sales",
				    "--password-stdin", NULL), 0);
	assert_int_equal(fx_crmauth(&fx, PW "\n", NULL, 0, "user", "add",
				    "ada", "--dept", "hq", "--role", "sales",
				    "--role", "admin", "--role", "audit",
				    "--password-stdin", NULL), 0);
	user("nora");

	run("crm", "sam", NULL, PW, &l);
	assert_int_equal(result(&l), PAM_SUCCESS);
	env_is(&l, "CRM_USER", "sam");
	env_is(&l, "CRM_ROLES", "sales");
	env_is(&l, "CRM_DATA_SCOPE", "own");
	env_is(&l, "CRM_DEPARTMENT", "sales/east");
	env_is(&l, "CRM_PERMISSIONS", "lead.read,lead.write");
	assert_null(fx_env_get(&l, "CRM_SWITCHED_FROM"));

	run("crm", "mia", NULL, PW, &l);
	assert_int_equal(result(&l), PAM_SUCCESS);
	env_is(&l, "CRM_ROLES", "manager,sales");
	env_is(&l, "CRM_DATA_SCOPE", "department");
	env_is(&l, "CRM_DEPARTMENT", "sales/east");
	env_is(&l, "CRM_PERMISSIONS", "lead.read,lead.write,report.read");

	/* A department not in the table stands for itself; the template's
	 * permissions join the roles' own, each once. */
	run("crm", "ada", NULL, PW, &l);
	assert_int_equal(result(&l), PAM_SUCCESS);
	env_is(&l, "CRM_ROLES", "admin,audit,sales");
	env_is(&l, "CRM_DATA_SCOPE", "company");
	env_is(&l, "CRM_DEPARTMENT", "hq");
	env_is(&l, "CRM_PERMISSIONS",
	       "export.csv,lead.read,lead.write,user.admin");

	run("crm", "nora", NULL, PW, &l);
	assert_int_equal(result(&l), PAM_SUCCESS);
	env_is(&l, "CRM_ROLES", "");
	env_is(&l, "CRM_DATA_SCOPE", "own");
	env_is(&l, "CRM_DEPARTMENT", "");
	env_is(&l, "CRM_PERMISSIONS", "");

	/* An allowed login is audited only under debug (account and
	 * session: one row each). */
	assert_int_equal(fx_audit_count(&fx, "nora", "role_ok"), 0);
	fx_write_conf(&fx, "[lockout]\nnodelay = yes\n[role]\ndebug = yes\n");
	run("crm", "nora", NULL, PW, &l);
	assert_int_equal(result(&l), PAM_SUCCESS);
	assert_int_equal(fx_audit_count(&fx, "nora", "role_ok"), 2);
}

static void
fifty_roles_fit_and_a_list_too_long_is_refused(void **state)
{
	char name[64], sql[512];
	struct login l;
	const char *roles;
	int i;

	user("many");
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "role-%02d-with-a-longish-name",
			 i);
		role(name, "own");
		grant("many", name);
	}
	run("crm", "many", NULL, PW, &l);
	assert_int_equal(result(&l), PAM_SUCCESS);
	roles = fx_env_get(&l, "CRM_ROLES");
	assert_non_null(roles);
	assert_int_equal(strlen(roles), 50 * 27 + 49);
	assert_non_null(strstr(roles, "role-00-with-a-longish-name,"
			       "role-01-with-a-longish-name,"));
	/* Past CRM_ENV_VALUE_MAX: refused and logged, never cut. */
	for (i = 0; i < 20; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO role_perms "
			 "(role_id, perm) SELECT id, 'p%02d-%0200d' FROM roles "
			 "WHERE name = 'role-00-with-a-longish-name';", i, 0);
		assert_int_equal(fx_sql(&fx, sql), 0);
	}
	fx_log_begin(&fx);
	run("crm", "many", NULL, PW, &l);
	assert_int_equal(l.acct_rc, PAM_PERM_DENIED);
	assert_null(fx_env_get(&l, "CRM_PERMISSIONS"));
	assert_null(fx_env_get(&l, "CRM_ROLES"));
	{
		char log[16384];

		fx_log_end(&fx, log, sizeof(log));
		assert_non_null(strstr(log, "CRM_PERMISSIONS longer than"));
	}
	assert_int_equal(fx_audit_count(&fx, "many", "env_refused"), 1);
}

/* A name forged into the database with a separator, a '=' or a newline
 * must never split a list or add a variable: the login is refused. */
static void
forged_names_refuse_the_login(void **state)
{
	static const char *const forged[] = {
		"UPDATE roles SET name = 'sales,admin' WHERE name = 'sales';",
		"UPDATE roles SET name = 'x=1' WHERE name = 'sales';",
		"UPDATE roles SET name = 'a' || char(10) || 'CRM_USER=root' "
		"WHERE name = 'sales';",
		"INSERT INTO role_perms (role_id, perm) SELECT id, "
		"'lead.read,user.admin' FROM roles WHERE name = 'sales';",
		"INSERT INTO role_perms (role_id, perm) SELECT id, "
		"'x' || char(10) || 'CRM_DATA_SCOPE=company' FROM roles "
		"WHERE name = 'sales';",
		"UPDATE users SET dept = 'east/../hq' WHERE name = 'sam';",
		"UPDATE depts SET name = 'sa,les' WHERE name = 'sales';",
		"UPDATE depts SET name = 'sa=les' WHERE name = 'sales';",
	};
	struct login l;
	size_t i;

	for (i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		fx_teardown(&fx);
		setup(state);
		assert_int_equal(CA("dept", "add", "sales"), 0);
		assert_int_equal(CA("dept", "add", "east", "--parent",
				    "sales"), 0);
		assert_int_equal(CA("role", "add", "sales", "--scope", "own",
				    "--perm", "lead.read"), 0);
		assert_int_equal(fx_crmauth(&fx, PW "\n", NULL, 0, "user",
					    "add", "sam", "--dept", "east",
					    "--role", "sales",
					    "--password-stdin", NULL), 0);
		run("crm", "sam", NULL, PW, &l);
		assert_int_equal(result(&l), PAM_SUCCESS);
		assert_int_equal(fx_sql(&fx, forged[i]), 0);
		run("crm", "sam", NULL, PW, &l);
		if (l.acct_rc != PAM_PERM_DENIED)
			fail_msg("forged name %zu: account %d", i, l.acct_rc);
		assert_null(fx_env_get(&l, "CRM_ROLES"));
		assert_null(fx_env_get(&l, "CRM_PERMISSIONS"));
		assert_null(fx_env_get(&l, "CRM_DEPARTMENT"));
		assert_null(fx_env_get(&l, "CRM_DATA_SCOPE"));
		assert_int_equal(fx_audit_count(&fx, "sam", "env_refused"),
				 1);
	}
}

/* ---- switching ---- */

/* support (role support) may "log in as" any sales user; alice and
 * alice2 are linked; eve has no rule at all. */
static void
switch_people(void)
{
	role("admin", "company");
	role("support", "company");
	role("sales", "own");
	role("finance", "department");
	user("sup");
	user("sam");
	user("sara");
	user("ada");
	user("eve");
	user("alice");
	user("alice2");
	grant("sup", "support");
	grant("sam", "sales");
	grant("sara", "sales");
	grant("ada", "admin");
	grant("ada", "sales");
}

static void
trust_reauth_linked_and_denied(void **state)
{
	struct login l;

	switch_people();
	assert_int_equal(CA("switch", "allow", "role:support", "role:sales",
			    "--trust"), 0);
	assert_int_equal(CA("switch", "allow", "user:eve", "user:sam"), 0);
	assert_int_equal(CA("user", "link", "alice", "alice2"), 0);

	/* trust: no prompt at all. */
	assert_int_equal(switch_to("sup", "sam", NULL, &l), PAM_SUCCESS);
	assert_int_equal(l.nprompts, 0);
	env_is(&l, "CRM_USER", "sam");
	env_is(&l, "CRM_ROLES", "sales");
	env_is(&l, "CRM_SWITCHED_FROM", "sup");
	assert_true(audit_has("switch_ok", "sam", "sup", "rule=1 trust"));
	assert_true(audit_has("switch_granted", "sam", "sup", "rule=1 trust"));

	/* reauth: the target's password. */
	assert_int_equal(switch_to("eve", "sam", "wrong", &l), PAM_AUTH_ERR);
	assert_null(fx_env_get(&l, "CRM_SWITCHED_FROM"));
	assert_false(audit_has("switch_ok", "sam", "eve", NULL));
	assert_int_equal(fx_failures(&fx, "sam"), 1);
	assert_int_equal(switch_to("eve", "sam", PW, &l), PAM_SUCCESS);
	assert_int_equal(l.nprompts, 1);
	env_is(&l, "CRM_SWITCHED_FROM", "eve");
	assert_true(audit_has("switch_ok", "sam", "eve", "rule=2 reauth"));

	/* linked: reauth, both ways. */
	assert_int_equal(switch_to("alice", "alice2", NULL, &l),
			 PAM_AUTH_ERR);
	assert_int_equal(switch_to("alice2", "alice", PW, &l), PAM_SUCCESS);
	env_is(&l, "CRM_SWITCHED_FROM", "alice2");
	assert_true(audit_has("switch_ok", "alice", "alice2",
			      "linked reauth"));

	/* no rule. */
	assert_int_equal(switch_to("eve", "sara", PW, &l), PAM_PERM_DENIED);
	assert_non_null(strstr(l.errors, "You may not switch to this "
			       "account"));
	assert_int_equal(l.nprompts, 0);
	assert_true(audit_has("switch_denied", "sara", "eve", "no rule"));
	/* A caller that is no account, none, or a disabled one. */
	assert_int_equal(switch_to("ghost", "sam", PW, &l), PAM_PERM_DENIED);
	assert_int_equal(switch_to(NULL, "sam", PW, &l), PAM_PERM_DENIED);
	assert_int_equal(switch_to("", "sam", PW, &l), PAM_PERM_DENIED);
	assert_int_equal(CA("user", "disable", "sup"), 0);
	assert_int_equal(switch_to("sup", "sam", NULL, &l), PAM_PERM_DENIED);
	assert_true(audit_has("switch_denied", "sam", "sup",
			      "caller not an active account"));
	/* Unknown target: masked. */
	assert_int_equal(CA("user", "enable", "sup"), 0);
	assert_int_equal(switch_to("sup", "nobody", NULL, &l),
			 PAM_PERM_DENIED);
	assert_true(audit_has("switch_denied", "(unknown)", "sup",
			      "unknown target"));
	/* The service crm knows no switching: PAM_RUSER changes nothing. */
	run("crm", "sam", "sup", NULL, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
}

static void
the_escalation_guard(void **state)
{
	struct login l;

	switch_people();
	user("sam-fin");
	grant("sam-fin", "sales");
	grant("sam-fin", "finance");
	/* support may reach sales users, and sara by name. */
	assert_int_equal(CA("switch", "allow", "role:support", "role:sales",
			    "--reauth"), 0);
	/* A sales user who also holds finance: role:sales is not enough. */
	assert_int_equal(switch_to("sup", "sam-fin", PW, &l),
			 PAM_PERM_DENIED);
	assert_true(audit_has("switch_denied", "sam-fin", "sup",
			      "escalation rule=1"));
	/* A rule naming the extra role... */
	assert_int_equal(CA("switch", "allow", "role:support",
			    "role:finance"), 0);
	/* ...still not: sam-fin holds sales too, which the caller lacks and
	 * that rule does not name. */
	assert_int_equal(switch_to("sup", "sam-fin", PW, &l),
			 PAM_PERM_DENIED);
	/* Naming the account does it. */
	assert_int_equal(CA("switch", "allow", "role:support",
			    "user:sam-fin"), 0);
	assert_int_equal(switch_to("sup", "sam-fin", PW, &l), PAM_SUCCESS);
	assert_true(audit_has("switch_ok", "sam-fin", "sup", "rule=3"));
	/* A caller holding the target's other roles needs none named. */
	user("lead");
	grant("lead", "finance");
	assert_int_equal(CA("switch", "allow", "user:lead", "role:sales"), 0);
	assert_int_equal(switch_to("lead", "sam-fin", PW, &l), PAM_SUCCESS);
}

static void
trust_never_reaches_an_admin(void **state)
{
	struct login l;

	switch_people();
	/* Even naming ada, even through her sales role. */
	assert_int_equal(CA("switch", "allow", "role:support", "user:ada",
			    "--trust"), 0);
	assert_int_equal(switch_to("sup", "ada", NULL, &l), PAM_PERM_DENIED);
	assert_true(audit_has("switch_denied", "ada", "sup",
			      "trust to admin rule=1"));
	assert_int_equal(CA("switch", "allow", "role:support", "role:admin",
			    "--trust"), 0);
	assert_int_equal(switch_to("sup", "ada", NULL, &l), PAM_PERM_DENIED);
	/* reauth may, when a rule says so: ada's password is asked. */
	assert_int_equal(CA("switch", "allow", "role:support", "user:ada",
			    "--reauth"), REFUSED);
	assert_int_equal(CA("switch", "del", "1"), 0);
	assert_int_equal(CA("switch", "allow", "role:support", "user:ada",
			    "--reauth"), 0);
	assert_int_equal(switch_to("sup", "ada", NULL, &l), PAM_AUTH_ERR);
	assert_int_equal(switch_to("sup", "ada", PW, &l), PAM_SUCCESS);
	env_is(&l, "CRM_SWITCHED_FROM", "sup");
	/* An admin may trust-switch to an admin. */
	user("ada2");
	grant("ada2", "admin");
	assert_int_equal(CA("switch", "allow", "role:admin", "role:admin",
			    "--trust"), 0);
	assert_int_equal(switch_to("ada", "ada2", NULL, &l), PAM_SUCCESS);
}

static void
the_target_status_lock_address_and_code_still_apply(void **state)
{
	struct login l;
	int i;

	switch_people();
	assert_int_equal(CA("switch", "allow", "role:support", "role:sales",
			    "--trust"), 0);
	/* Locked: a trust switch skips the password, not the lock. */
	for (i = 0; i < 3; i++)
		run("crm", "sam", NULL, "wrong", &l);
	assert_int_equal(switch_to("sup", "sam", NULL, &l), PAM_PERM_DENIED);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(l.acct_rc, PAM_PERM_DENIED);
	env_is(&l, "CRM_STATUS", "locked");
	assert_null(fx_env_get(&l, "CRM_SWITCHED_FROM"));
	assert_false(audit_has("switch_ok", "sam", "sup", NULL));
	/* Suspended and disabled. */
	assert_int_equal(CA("user", "suspend", "sara", "--until",
			    "2027-02-01T00:00:00Z"), 0);
	assert_int_equal(switch_to("sup", "sara", NULL, &l), PAM_PERM_DENIED);
	env_is(&l, "CRM_STATUS", "suspended");
	assert_non_null(strstr(l.errors, "suspended until 2027-02-01 00:00"));
	assert_int_equal(CA("user", "disable", "sara"), 0);
	assert_int_equal(switch_to("sup", "sara", NULL, &l),
			 PAM_ACCT_EXPIRED);
	env_is(&l, "CRM_STATUS", "disabled");
	assert_false(audit_has("switch_ok", "sara", "sup", NULL));
	/* The target's address rules: refused before anything is asked. */
	assert_int_equal(fx_sql(&fx, "DELETE FROM access_rules; "
				"DELETE FROM access_plens;"), 0);
	user("sid");
	grant("sid", "sales");
	assert_int_equal(CA("allow", "add", "deny", "user:sid", RHOST "/32",
			    "--service", "crm-switch"), 0);
	assert_int_equal(CA("allow", "add", "allow", "*", "*", "--service",
			    "crm-switch"), 0);
	assert_int_equal(switch_to("sup", "sid", NULL, &l), PAM_AUTH_ERR);
	assert_true(fx_audit_count(&fx, "sid", "access_denied") >= 1);
	assert_int_equal(fx_audit_count(&fx, "sid", "switch_granted"), 0);
}

static void
a_reauth_switch_to_a_totp_target_asks_the_code(void **state)
{
	struct fx_answer answers[] = {
		{ "assword", PAM_PROMPT_ECHO_OFF, PW },
		{ "Verification code", PAM_PROMPT_ECHO_ON, NULL },
		{ NULL, 0, NULL },
	};
	char out[16384], code[16], *raw = NULL, base32[128];
	struct fx_login_opts opts;
	struct login l;
	const char *p;
	size_t n, len;
	time_t now;

	/* crmauth runs on the real clock: so do the modules here. */
	fx_clock_offset(0);
	fx_write_conf(&fx, "[lockout]\nnodelay = yes\ndeny = 3\n"
		      "[totp]\nnodelay = yes\nrequire_roles = finance\n");
	switch_people();
	user("fin");
	grant("fin", "finance");
	assert_int_equal(CA("switch", "allow", "role:support", "user:fin"),
			 0);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "totp", "enroll", "fin", NULL), 0);
	p = strstr(out, "secret=");
	assert_non_null(p);
	n = strcspn(p + 7, "&\"");
	assert_true(n < sizeof(base32));
	memcpy(base32, p + 7, n);
	base32[n] = '\0';
	assert_int_equal(oath_init(), OATH_OK);
	assert_int_equal(oath_base32_decode(base32, n, &raw, &len), OATH_OK);
	now = time(NULL);
	assert_int_equal(oath_totp_generate2(raw, len, now, 30, 0, 6, 0,
					     code), OATH_OK);
	assert_int_equal(CA("totp", "confirm", "fin", code), 0);

	memset(&opts, 0, sizeof(opts));
	opts.items.rhost = RHOST;
	opts.items.ruser = "sup";
	opts.answers = answers;
	opts.phases = FX_AUTH | FX_ACCT;
	answers[1].text = "000000";
	if (strcmp(code, "000000") == 0)
		answers[1].text = "111111";
	fx_login_ex("crm-switch", "fin", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_non_null(strstr(l.prompts, "Verification code"));
	/* The next step's code (this one was used to confirm). */
	assert_int_equal(oath_totp_generate2(raw, len, now + 30, 30, 0, 6, 0,
					     code), OATH_OK);
	answers[1].text = code;
	fx_login_ex("crm-switch", "fin", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(l.acct_rc, PAM_SUCCESS);
	env_is(&l, "CRM_SWITCHED_FROM", "sup");
	free(raw);
	oath_done();
}

static void
switching_back(void **state)
{
	struct login l;

	switch_people();
	assert_int_equal(CA("switch", "allow", "role:support", "role:sales",
			    "--reauth"), 0);
	/* Never switched: no way back without a rule. */
	assert_int_equal(switch_to("sam", "sup", NULL, &l), PAM_PERM_DENIED);
	assert_int_equal(switch_to("sup", "sam", PW, &l), PAM_SUCCESS);
	/* sam's session was switched from sup: back, without a password. */
	assert_int_equal(switch_to("sam", "sup", NULL, &l), PAM_SUCCESS);
	assert_int_equal(l.nprompts, 0);
	env_is(&l, "CRM_SWITCHED_FROM", "sam");
	assert_true(audit_has("switch_ok", "sup", "sam", "back trust"));
	/* Once: the way back is used. */
	assert_int_equal(switch_to("sam", "sup", NULL, &l), PAM_PERM_DENIED);
	/* And a switch back is no switch to return from: sup goes to sam
	 * again only with sam's password. */
	assert_int_not_equal(switch_to("sup", "sam", NULL, &l), PAM_SUCCESS);
	assert_int_equal(l.nprompts, 1);

	/* Not to someone else, not after switching on, not from another
	 * address, not past switch_back. */
	assert_int_equal(switch_to("sup", "sam", PW, &l), PAM_SUCCESS);
	assert_int_equal(switch_to("sam", "sara", NULL, &l), PAM_PERM_DENIED);
	{
		struct fx_login_opts opts;

		memset(&opts, 0, sizeof(opts));
		opts.items.rhost = "198.51.100.9";
		opts.items.ruser = "sam";
		opts.phases = FX_AUTH | FX_ACCT;
		fx_login_ex("crm-switch", "sup", &opts, &l);
		assert_int_equal(l.auth_rc, PAM_PERM_DENIED);
	}
	at("2027-01-04 20:00:01");
	assert_int_equal(switch_to("sam", "sup", NULL, &l), PAM_PERM_DENIED);
	at("2027-01-04 19:59:00");
	assert_int_equal(switch_to("sam", "sup", NULL, &l), PAM_SUCCESS);

	/* A chain returns one step: sup -> sam -> sara, back to sam only. */
	assert_int_equal(CA("switch", "allow", "user:sam", "user:sara",
			    "--reauth"), 0);
	assert_int_equal(switch_to("sup", "sam", PW, &l), PAM_SUCCESS);
	assert_int_equal(switch_to("sam", "sara", PW, &l), PAM_SUCCESS);
	assert_int_equal(switch_to("sam", "sup", NULL, &l), PAM_PERM_DENIED);
	assert_int_equal(switch_to("sara", "sam", NULL, &l), PAM_SUCCESS);
	assert_int_equal(switch_to("sam", "sup", NULL, &l), PAM_PERM_DENIED);

	/* A reauth switch whose password was wrong is no switch to return
	 * from. */
	assert_int_equal(switch_to("sup", "sara", "wrong", &l), PAM_AUTH_ERR);
	assert_int_equal(switch_to("sara", "sup", NULL, &l), PAM_PERM_DENIED);
}

/* An application that calls the account phase after a failed reauth
 * gets no switch: the target never authenticated in this handle. */
static void
a_reauth_switch_needs_the_authentication(void **state)
{
	struct fx_login_opts opts;
	struct login l;

	switch_people();
	assert_int_equal(CA("switch", "allow", "user:eve", "user:sam"), 0);
	memset(&opts, 0, sizeof(opts));
	opts.items.rhost = RHOST;
	opts.items.ruser = "eve";
	opts.default_answer = "wrong";
	opts.phases = FX_AUTH | FX_ACCT;
	opts.keep_going = 1;
	fx_login_ex("crm-switch", "sam", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_AUTH_ERR);
	assert_int_equal(l.acct_rc, PAM_PERM_DENIED);
	assert_null(fx_env_get(&l, "CRM_SWITCHED_FROM"));
	assert_false(audit_has("switch_ok", "sam", "eve", NULL));
	assert_true(audit_has("switch_denied", "sam", "eve",
			      "reauth not completed"));
}

/* A switch counts for the target and caller it was granted for: an
 * application that changes PAM_USER after it gets no CRM_SWITCHED_FROM
 * and records no switch. */
static void
a_grant_is_for_its_target_only(void **state)
{
	struct fx_login_opts opts;
	struct login l;
	char **env;
	size_t i;
	int switched = 0;

	switch_people();
	assert_int_equal(CA("switch", "allow", "role:support", "role:sales",
			    "--trust"), 0);
	memset(&opts, 0, sizeof(opts));
	opts.items.rhost = RHOST;
	opts.items.ruser = "sup";
	opts.phases = FX_AUTH;
	opts.keep_handle = 1;
	fx_login_ex("crm-switch", "sam", &opts, &l);
	assert_int_equal(l.auth_rc, PAM_SUCCESS);
	assert_int_equal(pam_set_item(l.pamh, PAM_USER, "sara"), PAM_SUCCESS);
	assert_int_equal(pam_acct_mgmt(l.pamh, 0), PAM_SUCCESS);
	env = pam_getenvlist(l.pamh);
	assert_non_null(env);
	for (i = 0; env[i] != NULL; i++) {
		switched |= strncmp(env[i], "CRM_SWITCHED_FROM=", 18) == 0;
		free(env[i]);
	}
	free(env);
	fx_login_end(&l);
	assert_false(switched);
	assert_false(audit_has("switch_ok", "sara", "sup", NULL));
	assert_false(audit_has("switch_ok", "sam", "sup", NULL));
}

static void
crmauth_switch_commands(void **state)
{
	char out[8192];
	json_object *root, *rule, *v;

	assert_int_equal(CA("switch", "allow", "role:support", "role:sales",
			    "--trust"), 0);
	assert_int_equal(CA("switch", "allow", "user:eve", "user:sam"), 0);
	assert_int_equal(CA("switch", "allow", "user:eve", "user:sam"),
			 REFUSED);
	assert_int_equal(CA("switch", "allow", "group:x", "user:sam"), 2);
	assert_int_equal(CA("switch", "allow", "user:a,b", "user:sam"), 2);
	assert_int_equal(CA("switch", "allow", "user:eve", "role:"), 2);
	assert_int_equal(CA("switch", "allow", "user:eve", "user:sam",
			    "--trust", "--reauth"), 2);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "switch", "list", NULL), 0);
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_int_equal(json_object_array_length(root), 2);
	rule = json_object_array_get_idx(root, 0);
	assert_true(json_object_object_get_ex(rule, "from", &v));
	assert_string_equal(json_object_get_string(v), "role:support");
	assert_true(json_object_object_get_ex(rule, "to", &v));
	assert_string_equal(json_object_get_string(v), "role:sales");
	assert_true(json_object_object_get_ex(rule, "mode", &v));
	assert_string_equal(json_object_get_string(v), "trust");
	rule = json_object_array_get_idx(root, 1);
	assert_true(json_object_object_get_ex(rule, "mode", &v));
	assert_string_equal(json_object_get_string(v), "reauth");
	json_object_put(root);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "switch",
				    "list", NULL), 0);
	assert_non_null(strstr(out, "role:support"));
	assert_int_equal(CA("switch", "del", "1"), 0);
	assert_int_equal(CA("switch", "del", "1"), 1);
	assert_int_equal(fx_audit_count(&fx, NULL, "admin:switch allow"), 2);
	assert_int_equal(fx_audit_count(&fx, NULL, "admin:switch del"), 1);
}

/* crm-login --switch-from drives crm-switch as a front end would. */
static void
crm_login_switch_from(void **state)
{
	const char *crm_login = getenv("CRM_TEST_CRM_LOGIN");
	char out[8192];

	assert_non_null(crm_login);
	switch_people();
	assert_int_equal(CA("switch", "allow", "role:support", "role:sales",
			    "--trust"), 0);
	assert_int_equal(fx_run_wrapped("", out, sizeof(out), crm_login,
					"-s", "crm-switch", "-r", RHOST,
					"--switch-from", "sup", "--stdin",
					"sam", NULL), 0);
	assert_non_null(strstr(out, "CRM_SWITCHED_FROM=sup"));
	assert_non_null(strstr(out, "CRM_ROLES=sales"));
	assert_int_equal(fx_run_wrapped("", out, sizeof(out), crm_login,
					"-s", "crm-switch", "-r", RHOST,
					"--switch-from", "eve", "--stdin",
					"sam", NULL), 1);
	assert_null(strstr(out, "CRM_SWITCHED_FROM"));
	/* A refusal shows its CRM_STATUS. */
	assert_int_equal(CA("user", "disable", "sara"), 0);
	assert_int_equal(fx_run_wrapped(PW "\n", out, sizeof(out), crm_login,
					"-s", "crm", "--stdin", "sara", NULL),
			 1);
	assert_non_null(strstr(out, "CRM_STATUS=disabled"));
}

/* What a front end built on crm-login shows: the identity of a sales
 * user, a department manager and an admin, and CRM_STATUS for each
 * refusal (disabled, suspended, locked). */
static void
crm_login_shows_the_identity_and_each_status(void **state)
{
	const char *crm_login = getenv("CRM_TEST_CRM_LOGIN");
	char out[8192];
	int i;

	assert_non_null(crm_login);
	assert_int_equal(CA("dept", "add", "sales"), 0);
	assert_int_equal(CA("dept", "add", "east", "--parent", "sales"), 0);
	assert_int_equal(CA("role", "add", "sales", "--scope", "own",
			    "--perm", "lead.read"), 0);
	assert_int_equal(CA("role", "add", "manager", "--scope", "department",
			    "--perm", "report.read"), 0);
	assert_int_equal(CA("role", "add", "admin", "--scope", "company",
			    "--perm", "user.admin"), 0);
	assert_int_equal(fx_crmauth(&fx, PW "\n", NULL, 0, "user", "add",
				    "sam", "--dept", "east", "--role", "sales",
				    "--password-stdin", NULL), 0);
	assert_int_equal(fx_crmauth(&fx, PW "\n", NULL, 0, "user", "add",
				    "mia", "--dept", "east", "--role",
				    "manager", "--role", "sales",
				    "--password-stdin", NULL), 0);
	assert_int_equal(fx_crmauth(&fx, PW "\n", NULL, 0, "user", "add",
				    "ada", "--dept", "sales", "--role", "admin",
				    "--password-stdin", NULL), 0);

	assert_int_equal(fx_run_wrapped(PW "\n", out, sizeof(out), crm_login,
					"--stdin", "sam", NULL), 0);
	assert_non_null(strstr(out, "CRM_ROLES=sales\n"));
	assert_non_null(strstr(out, "CRM_DATA_SCOPE=own\n"));
	assert_non_null(strstr(out, "CRM_DEPARTMENT=sales/east\n"));
	assert_non_null(strstr(out, "CRM_PERMISSIONS=lead.read\n"));
	assert_int_equal(fx_run_wrapped(PW "\n", out, sizeof(out), crm_login,
					"--stdin", "mia", NULL), 0);
	assert_non_null(strstr(out, "CRM_ROLES=manager,sales\n"));
	assert_non_null(strstr(out, "CRM_DATA_SCOPE=department\n"));
	assert_non_null(strstr(out, "CRM_DEPARTMENT=sales/east\n"));
	assert_non_null(strstr(out, "CRM_PERMISSIONS=lead.read,report.read\n"));
	assert_int_equal(fx_run_wrapped(PW "\n", out, sizeof(out), crm_login,
					"--stdin", "ada", NULL), 0);
	assert_non_null(strstr(out, "CRM_ROLES=admin\n"));
	assert_non_null(strstr(out, "CRM_DATA_SCOPE=company\n"));
	assert_non_null(strstr(out, "CRM_DEPARTMENT=sales\n"));
	assert_non_null(strstr(out, "CRM_PERMISSIONS=user.admin\n"));
	assert_null(strstr(out, "CRM_STATUS"));

	assert_int_equal(CA("user", "disable", "sam"), 0);
	assert_int_equal(fx_run_wrapped(PW "\n", out, sizeof(out), crm_login,
					"--stdin", "sam", NULL), 1);
	assert_non_null(strstr(out, "CRM_STATUS=disabled"));
	/* Absolute: crmauth runs on the real clock, crm-login on the test's. */
	assert_int_equal(CA("user", "suspend", "mia", "--until",
			    "2099-01-01T00:00:00Z"), 0);
	assert_int_equal(fx_run_wrapped(PW "\n", out, sizeof(out), crm_login,
					"--stdin", "mia", NULL), 1);
	assert_non_null(strstr(out, "CRM_STATUS=suspended"));
	/* deny = 3 wrong passwords lock ada. */
	for (i = 0; i < 3; i++)
		assert_int_equal(fx_run_wrapped("wrong-Pass-word-9\n", out,
						sizeof(out), crm_login,
						"--stdin", "ada", NULL), 1);
	assert_int_equal(fx_run_wrapped(PW "\n", out, sizeof(out), crm_login,
					"--stdin", "ada", NULL), 1);
	assert_non_null(strstr(out, "CRM_STATUS=locked"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(status_disabled_suspended_and_a_suspension_that_ends),
		T(crm_login_shows_the_identity_and_each_status),
		T(a_locked_account_exports_crm_status_locked),
		T(unknown_users_are_refused_or_ignored),
		T(require_role_restricts_a_service),
		T(identity_of_a_sales_user_a_manager_and_an_admin),
		T(fifty_roles_fit_and_a_list_too_long_is_refused),
		T(forged_names_refuse_the_login),
		T(trust_reauth_linked_and_denied),
		T(the_escalation_guard),
		T(trust_never_reaches_an_admin),
		T(the_target_status_lock_address_and_code_still_apply),
		T(a_reauth_switch_to_a_totp_target_asks_the_code),
		T(switching_back),
		T(a_reauth_switch_needs_the_authentication),
		T(a_grant_is_for_its_target_only),
		T(crmauth_switch_commands),
		T(crm_login_switch_from),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
