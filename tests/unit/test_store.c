/*
 * test_store.c - the SQLite store: schema creation and version checks,
 * records, and failing closed on missing, corrupt or future databases.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"

static char db_path[4096];

static void
remove_db(void)
{
	char path[4200];

	unlink(db_path);
	snprintf(path, sizeof(path), "%s-wal", db_path);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db_path);
	unlink(path);
}

static struct crm_store *
fresh_store(void)
{
	struct crm_store *s = NULL;
	char err[512];
	int from = -1;

	remove_db();
	assert_int_equal(crm_store_open(db_path, CRM_STORE_CREATE, 2000,
					CRM_DURABILITY_NORMAL, &s,
					err, sizeof(err)), CRM_OK);
	assert_int_equal(crm_store_migrate(s, &from), CRM_OK);
	assert_int_equal(from, 0);
	return s;
}

/* The database as it is, opened as a module opens it. */
static struct crm_store *
fresh_store_reopen(void)
{
	struct crm_store *s = NULL;
	char err[512];

	assert_int_equal(crm_store_open(db_path, CRM_STORE_EXISTING, 2000,
					CRM_DURABILITY_NORMAL, &s,
					err, sizeof(err)), CRM_OK);
	return s;
}

static void
set_user_version(int version)
{
	sqlite3 *db;
	char sql[64];

	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
migrations_bring_a_new_database_to_the_current_schema(void **state)
{
	struct crm_store *s = fresh_store();
	char err[512];
	int from = -1;

	crm_store_close(s);
	/* A module opens it as it is. */
	assert_int_equal(crm_store_open(db_path, CRM_STORE_EXISTING, 2000,
					CRM_DURABILITY_NORMAL, &s,
					err, sizeof(err)), CRM_OK);
	/* Migrating again is a no-op. */
	assert_int_equal(crm_store_migrate(s, &from), CRM_OK);
	assert_int_equal(from, CRM_SCHEMA_VERSION);
	crm_store_close(s);
}

static void
modules_refuse_other_schema_versions(void **state)
{
	struct crm_store *s = fresh_store();
	char err[512];

	crm_store_close(s);
	set_user_version(CRM_SCHEMA_VERSION + 1);
	assert_int_equal(crm_store_open(db_path, CRM_STORE_EXISTING, 2000,
					CRM_DURABILITY_NORMAL, &s,
					err, sizeof(err)), CRM_EDB);
	assert_null(s);
	assert_non_null(strstr(err, "schema version"));
	/* crmauth init refuses to "migrate" a database from the future. */
	assert_int_equal(crm_store_open(db_path, CRM_STORE_CREATE, 2000,
					CRM_DURABILITY_NORMAL, &s,
					err, sizeof(err)), CRM_OK);
	assert_int_equal(crm_store_migrate(s, NULL), CRM_EDB);
	crm_store_close(s);
}

static void
missing_and_corrupt_databases_fail(void **state)
{
	struct crm_store *s = NULL;
	char err[512];
	FILE *fp;

	remove_db();
	assert_int_equal(crm_store_open(db_path, CRM_STORE_EXISTING, 2000,
					CRM_DURABILITY_NORMAL, &s,
					err, sizeof(err)), CRM_EDB);
	assert_null(s);
	assert_int_equal(access(db_path, F_OK), -1);	/* not created */

	fp = fopen(db_path, "w");
	assert_non_null(fp);
	fputs("this is not a database, just garbage bytes .................."
	      "..............................................................",
	      fp);
	fclose(fp);
	assert_int_equal(crm_store_open(db_path, CRM_STORE_EXISTING, 2000,
					CRM_DURABILITY_NORMAL, &s,
					err, sizeof(err)), CRM_EDB);
	assert_non_null(strstr(err, "not a database"));
}

static int
count_role(void *arg, const char *name)
{
	(*(int *)arg)++;
	return 0;
}

static void
users_and_roles(void **state)
{
	struct crm_store *s = fresh_store();
	struct crm_user u;
	int roles = 0, known = -1;

	assert_int_equal(crm_store_user_add(s, "alice", "sales", "$y$hash",
					    1000), CRM_OK);
	assert_int_equal(crm_store_user_add(s, "alice", NULL, NULL, 1000),
			 CRM_EXISTS);
	assert_int_equal(crm_store_user_get(s, "alice", &u), CRM_OK);
	assert_string_equal(u.name, "alice");
	assert_string_equal(u.dept, "sales");
	assert_string_equal(u.password_hash, "$y$hash");
	assert_int_equal(u.status, CRM_USER_ACTIVE);
	assert_int_equal(u.password_changed_ms, 1000);
	crm_user_clear(&u);
	assert_int_equal(crm_store_user_get(s, "bob", &u), CRM_NOTFOUND);

	assert_int_equal(crm_store_role_add(s, "admin", CRM_SCOPE_COMPANY),
			 CRM_OK);
	assert_int_equal(crm_store_role_grant(s, "alice", "admin"), CRM_OK);
	assert_int_equal(crm_store_role_grant(s, "alice", "admin"), CRM_EXISTS);
	assert_int_equal(crm_store_role_grant(s, "bob", "admin"), CRM_NOTFOUND);
	assert_int_equal(crm_store_user_roles(s, "alice", count_role, &roles),
			 CRM_OK);
	assert_int_equal(roles, 1);
	/* An account with a role, one without, a name that is none. */
	roles = 0;
	assert_int_equal(crm_store_account_roles(s, "alice", &known,
						 count_role, &roles), CRM_OK);
	assert_int_equal(known, 1);
	assert_int_equal(roles, 1);
	assert_int_equal(crm_store_user_add(s, "carol", NULL, NULL, 1000),
			 CRM_OK);
	roles = 0;
	assert_int_equal(crm_store_account_roles(s, "carol", &known,
						 count_role, &roles), CRM_OK);
	assert_int_equal(known, 1);
	assert_int_equal(roles, 0);
	assert_int_equal(crm_store_account_roles(s, "bob", &known,
						 count_role, &roles), CRM_OK);
	assert_int_equal(known, 0);
	assert_int_equal(roles, 0);

	/* Deleting the user takes the grant with it. */
	assert_int_equal(crm_store_user_del(s, "alice"), CRM_OK);
	assert_int_equal(crm_store_user_del(s, "alice"), CRM_NOTFOUND);
	roles = 0;
	assert_int_equal(crm_store_user_roles(s, "alice", count_role, &roles),
			 CRM_OK);
	assert_int_equal(roles, 0);
	crm_store_close(s);
}

static void
failures_count_within_the_window(void **state)
{
	struct crm_store *s = fresh_store();
	struct crm_lock lock = { 5000, 0, 3 }, got;
	int64_t count = -1, latest = 0, removed = 0;

	assert_int_equal(crm_store_fail_add(s, "carol", "10.0.0.1", "crm", 1000),
			 CRM_OK);
	assert_int_equal(crm_store_fail_add(s, "carol", "10.0.0.2", "crm", 2000),
			 CRM_OK);
	assert_int_equal(crm_store_fail_add(s, "dave", NULL, "crm", 3000),
			 CRM_OK);
	assert_int_equal(crm_store_fail_count(s, "carol", 1500, &count, &latest),
			 CRM_OK);
	assert_int_equal(count, 1);
	assert_int_equal(latest, 2000);
	assert_int_equal(crm_store_fail_count(s, "carol", 0, &count, &latest),
			 CRM_OK);
	assert_int_equal(count, 2);

	assert_int_equal(crm_store_lock_get(s, "carol", &got), CRM_NOTFOUND);
	assert_int_equal(crm_store_lock_set(s, "carol", &lock), CRM_OK);
	assert_int_equal(crm_store_lock_get(s, "carol", &got), CRM_OK);
	assert_int_equal(got.failures, 3);
	assert_int_equal(got.until_ms, 0);

	assert_int_equal(crm_store_fail_prune(s, 1500), CRM_OK);
	assert_int_equal(crm_store_fail_count(s, "carol", 0, &count, &latest),
			 CRM_OK);
	assert_int_equal(count, 1);
	assert_int_equal(crm_store_fail_reset(s, "carol", &removed), CRM_OK);
	assert_int_equal(removed, 1);
	/* The lock is a record of its own: only lock_clear removes it. */
	assert_int_equal(crm_store_lock_get(s, "carol", &got), CRM_OK);
	assert_int_equal(crm_store_lock_clear(s, "carol"), CRM_OK);
	assert_int_equal(crm_store_lock_get(s, "carol", &got), CRM_NOTFOUND);
	crm_store_close(s);
}

static void
a_rolled_back_transaction_leaves_nothing(void **state)
{
	struct crm_store *s = fresh_store();
	struct crm_user u;

	assert_int_equal(crm_store_begin(s, CRM_TXN_WRITE), CRM_OK);
	assert_int_equal(crm_store_user_add(s, "erin", NULL, NULL, 1), CRM_OK);
	crm_store_rollback(s);
	assert_int_equal(crm_store_user_get(s, "erin", &u), CRM_NOTFOUND);
	crm_store_close(s);
}

/* Names collected by a crm_name_cb, joined with ','. */
struct joined {
	char text[512];
};

static int
join_name(void *arg, const char *name)
{
	struct joined *j = arg;
	size_t len = strlen(j->text);

	snprintf(j->text + len, sizeof(j->text) - len, "%s%s",
		 len > 0 ? "," : "", name);
	return 0;
}

static int
count_switch(void *arg, const struct crm_switch_rule *rule)
{
	(*(int *)arg)++;
	return 0;
}

/* What pam_crm_role reads of a user: permissions of roles and their
 * templates, sorted and unique; the widest scope; the department chain;
 * links and switch rules. */
static void
permissions_departments_links_and_switch_rules(void **state)
{
	struct crm_store *s = fresh_store();
	struct crm_switch_rule rule = { 0, CRM_SWITCH_ROLE, "support",
					CRM_SWITCH_USER, "sam",
					CRM_SWITCH_TRUST };
	struct joined j;
	enum crm_scope scope;
	int n, linked;
	int64_t id;

	assert_int_equal(crm_store_user_add(s, "sam", "east", NULL, 1), CRM_OK);
	assert_int_equal(crm_store_user_add(s, "sue", NULL, NULL, 1), CRM_OK);
	assert_int_equal(crm_store_role_add(s, "sales", CRM_SCOPE_DEPARTMENT),
			 CRM_OK);
	assert_int_equal(crm_store_role_add(s, "support", CRM_SCOPE_OWN),
			 CRM_OK);
	assert_int_equal(crm_store_role_perm_add(s, "sales", "lead.write"),
			 CRM_OK);
	assert_int_equal(crm_store_role_perm_add(s, "sales", "lead.write"),
			 CRM_EXISTS);
	assert_int_equal(crm_store_role_perm_add(s, "nope", "x"),
			 CRM_NOTFOUND);
	assert_int_equal(crm_store_template_add(s, "basic"), CRM_OK);
	assert_int_equal(crm_store_template_perm_add(s, "basic", "lead.read"),
			 CRM_OK);
	assert_int_equal(crm_store_template_perm_add(s, "basic", "lead.write"),
			 CRM_OK);
	assert_int_equal(crm_store_template_apply(s, "support", "basic"),
			 CRM_OK);
	assert_int_equal(crm_store_template_apply(s, "support", "basic"),
			 CRM_EXISTS);
	assert_int_equal(crm_store_template_apply(s, "support", "nope"),
			 CRM_NOTFOUND);

	/* No roles: no permissions, scope own. */
	memset(&j, 0, sizeof(j));
	assert_int_equal(crm_store_user_perms(s, "sam", join_name, &j), CRM_OK);
	assert_string_equal(j.text, "");
	assert_int_equal(crm_store_user_scope(s, "sam", &scope, &n), CRM_OK);
	assert_int_equal(n, 0);
	assert_int_equal(scope, CRM_SCOPE_OWN);
	assert_int_equal(crm_store_role_grant(s, "sam", "sales"), CRM_OK);
	assert_int_equal(crm_store_role_grant(s, "sam", "support"), CRM_OK);
	memset(&j, 0, sizeof(j));
	assert_int_equal(crm_store_user_perms(s, "sam", join_name, &j), CRM_OK);
	assert_string_equal(j.text, "lead.read,lead.write");
	assert_int_equal(crm_store_user_scope(s, "sam", &scope, &n), CRM_OK);
	assert_int_equal(n, 2);
	assert_int_equal(scope, CRM_SCOPE_DEPARTMENT);

	/* Departments: the top first; a missing parent refused. */
	assert_int_equal(crm_store_dept_add(s, "sales", NULL), CRM_OK);
	assert_int_equal(crm_store_dept_add(s, "east", "sales"), CRM_OK);
	assert_int_equal(crm_store_dept_add(s, "west", "nope"), CRM_NOTFOUND);
	assert_int_equal(crm_store_dept_add(s, "east", NULL), CRM_EXISTS);
	memset(&j, 0, sizeof(j));
	assert_int_equal(crm_store_dept_chain(s, "east", join_name, &j),
			 CRM_OK);
	assert_string_equal(j.text, "sales,east");
	memset(&j, 0, sizeof(j));
	assert_int_equal(crm_store_dept_chain(s, "flat", join_name, &j),
			 CRM_OK);
	assert_string_equal(j.text, "");

	/* Links go both ways and only once. */
	assert_int_equal(crm_store_user_link(s, "sue", "sam"), CRM_OK);
	assert_int_equal(crm_store_user_link(s, "sam", "sue"), CRM_EXISTS);
	assert_int_equal(crm_store_user_link(s, "sam", "sam"), CRM_NOTFOUND);
	assert_int_equal(crm_store_user_link(s, "sam", "zed"), CRM_NOTFOUND);
	assert_int_equal(crm_store_users_linked(s, "sam", "sue", &linked),
			 CRM_OK);
	assert_true(linked);
	memset(&j, 0, sizeof(j));
	assert_int_equal(crm_store_user_links(s, "sam", join_name, &j),
			 CRM_OK);
	assert_string_equal(j.text, "sue");

	/* A rule from a role reaches its holders' switches. */
	assert_int_equal(crm_store_switch_add(s, &rule, &id), CRM_OK);
	assert_int_equal(crm_store_switch_add(s, &rule, NULL), CRM_EXISTS);
	n = 0;
	assert_int_equal(crm_store_switch_from(s, "sam", count_switch, &n),
			 CRM_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(crm_store_switch_from(s, "sue", count_switch, &n),
			 CRM_OK);
	assert_int_equal(n, 0);
	assert_int_equal(crm_store_switch_del(s, id), CRM_OK);
	assert_int_equal(crm_store_switch_del(s, id), CRM_NOTFOUND);
	crm_store_close(s);
}

/* A cycle written into the file by hand ends, and is refused. */
static void
a_department_cycle_is_refused(void **state)
{
	struct crm_store *s = fresh_store();
	struct joined j;
	sqlite3 *db;

	assert_int_equal(crm_store_dept_add(s, "a", NULL), CRM_OK);
	assert_int_equal(crm_store_dept_add(s, "b", "a"), CRM_OK);
	crm_store_close(s);
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE depts SET parent_id ="
				      " (SELECT id FROM depts WHERE name = 'b')"
				      " WHERE name = 'a'", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	s = fresh_store_reopen();
	memset(&j, 0, sizeof(j));
	assert_int_equal(crm_store_dept_chain(s, "b", join_name, &j),
			 CRM_EDB);
	crm_store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrations_bring_a_new_database_to_the_current_schema),
		cmocka_unit_test(modules_refuse_other_schema_versions),
		cmocka_unit_test(missing_and_corrupt_databases_fail),
		cmocka_unit_test(users_and_roles),
		cmocka_unit_test(permissions_departments_links_and_switch_rules),
		cmocka_unit_test(a_department_cycle_is_refused),
		cmocka_unit_test(failures_count_within_the_window),
		cmocka_unit_test(a_rolled_back_transaction_leaves_nothing),
	};
	const char *work = getenv("CRM_TEST_WORK");

	snprintf(db_path, sizeof(db_path), "%s/unit.db",
		 work != NULL ? work : "/tmp");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
