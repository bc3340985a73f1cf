/*
 * test_audit.c - the HMAC chain: intact trails verify, an edited, removed
 * or reordered row is found, pruning keeps the rest verifiable.
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

#include "core/audit.h"

static char db_path[4096], key_path[4096];

struct trail {
	struct crm_store *store;
	struct crm_key *key;
};

static void
open_trail(struct trail *t, int rows)
{
	struct crm_request req = {
		.service = "crm", .user = "alice", .rhost = "10.0.0.1",
	};
	char err[512], detail[64], wal[4200];
	int i;

	snprintf(wal, sizeof(wal), "%s-wal", db_path);
	unlink(wal);
	unlink(db_path);
	unlink(key_path);
	assert_int_equal(crm_store_open(db_path, CRM_STORE_CREATE, 2000,
					CRM_DURABILITY_NORMAL,
					&t->store, err, sizeof(err)), CRM_OK);
	assert_int_equal(crm_store_migrate(t->store, NULL), CRM_OK);
	assert_int_equal(crm_key_create(key_path, err, sizeof(err)), CRM_OK);
	assert_int_equal(crm_key_load(key_path, &t->key, err, sizeof(err)),
			 CRM_OK);
	for (i = 1; i <= rows; i++) {
		struct crm_audit_event ev = {
			.time_ms = 1000L * i, .req = &req,
			.module = "test", .event = "auth_fail",
			.result = "deny", .detail = detail,
		};

		snprintf(detail, sizeof(detail), "failure %d", i);
		assert_int_equal(crm_store_begin(t->store, CRM_TXN_WRITE), CRM_OK);
		assert_int_equal(crm_audit_append(t->store, t->key, &ev, NULL),
				 CRM_OK);
		assert_int_equal(crm_store_commit(t->store), CRM_OK);
	}
}

static void
close_trail(struct trail *t)
{
	crm_store_close(t->store);
	crm_key_free(t->key);
}

/* Change the database behind the store's back, as an intruder would. */
static void
tamper(const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER IF EXISTS "
				      "audit_append_only", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
intact_trail_verifies(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	open_trail(&t, 5);
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 0);
	assert_int_equal(report.rows, 5);
	close_trail(&t);
}

static void
rows_cannot_be_updated_in_place(void **state)
{
	struct trail t;
	sqlite3 *db;

	open_trail(&t, 2);
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET result = 'ok'",
					  NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	close_trail(&t);
}

static void
edited_row_is_found(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	open_trail(&t, 5);
	tamper("UPDATE audit SET result = 'ok' WHERE id = 3");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 3);
	close_trail(&t);
}

static void
removed_row_is_found(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	open_trail(&t, 5);
	tamper("DELETE FROM audit WHERE id = 2");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 3);
	close_trail(&t);
}

static void
swapped_rows_are_found(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	open_trail(&t, 4);
	tamper("UPDATE audit SET id = 100 WHERE id = 2;"
	       "UPDATE audit SET id = 2 WHERE id = 3;"
	       "UPDATE audit SET id = 3 WHERE id = 100;");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 2);
	close_trail(&t);
}

static void
another_key_cannot_vouch_for_the_trail(void **state)
{
	struct crm_audit_report report;
	struct crm_key *other = NULL;
	struct trail t;
	char err[512];

	open_trail(&t, 3);
	unlink(key_path);
	assert_int_equal(crm_key_create(key_path, err, sizeof(err)), CRM_OK);
	assert_int_equal(crm_key_load(key_path, &other, err, sizeof(err)),
			 CRM_OK);
	assert_int_equal(crm_audit_verify(t.store, other, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 1);
	crm_key_free(other);
	close_trail(&t);
}

static void
pruning_keeps_the_rest_verifiable(void **state)
{
	struct crm_audit_report report;
	struct trail t;
	int64_t removed = 0;

	open_trail(&t, 6);
	/* Rows are at 1..6 s; keep_days=1 at 1 day + 3.5 s drops 1..3. */
	assert_int_equal(crm_store_begin(t.store, CRM_TXN_WRITE), CRM_OK);
	assert_int_equal(crm_audit_prune(t.store, 1, 86400000L + 3500,
					 &removed), CRM_OK);
	assert_int_equal(crm_store_commit(t.store), CRM_OK);
	assert_int_equal(removed, 3);
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 0);
	assert_int_equal(report.rows, 3);
	close_trail(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intact_trail_verifies),
		cmocka_unit_test(rows_cannot_be_updated_in_place),
		cmocka_unit_test(edited_row_is_found),
		cmocka_unit_test(removed_row_is_found),
		cmocka_unit_test(swapped_rows_are_found),
		cmocka_unit_test(another_key_cannot_vouch_for_the_trail),
		cmocka_unit_test(pruning_keeps_the_rest_verifiable),
	};
	const char *work = getenv("CRM_TEST_WORK");

	snprintf(db_path, sizeof(db_path), "%s/audit.db",
		 work != NULL ? work : "/tmp");
	snprintf(key_path, sizeof(key_path), "%s/audit.key",
		 work != NULL ? work : "/tmp");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
