/*
 * test_audit_verify.c - `crmauth audit verify` finds what an intruder with
 * the database but not the key does to the trail (through the sqlite3
 * tool), and `--witness` finds what only a log kept elsewhere can show: a
 * database put back to an older copy.
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
#include <json-c/json.h>
#include <sqlite3.h>

#include "fixture.h"

static struct fixture fx;

/* init wrote row 1; three accounts make rows 2 to 4. */
static int
setup(void **state)
{
	fx_setup(&fx, NULL);
	fx_user_add(&fx, "alice", "alice-Correct-Horse-1");
	fx_user_add(&fx, "bob", "bob-Correct-Horse-22");
	fx_user_add(&fx, "carol", "carol-Correct-Horse-3");
	return 0;
}

static int
teardown(void **state)
{
	fx_teardown(&fx);
	return 0;
}

static void
attack(const char *sql)
{
	char full[1024];

	snprintf(full, sizeof(full), "DROP TRIGGER IF EXISTS "
		 "audit_append_only; %s", sql);
	assert_int_equal(fx_sql(&fx, full), 0);
}

/* Exit status of `crmauth --json audit verify [--witness FILE]`, with the
 * integer field (NULL: none wanted) in *value (-1 when null). */
static int
verify_json(const char *witness, const char *field, int64_t *value)
{
	char out[65536];
	json_object *root, *v;
	int rc;

	if (witness != NULL)
		rc = fx_crmauth(&fx, NULL, out, sizeof(out), "--json", "audit",
				"verify", "--witness", witness, NULL);
	else
		rc = fx_crmauth(&fx, NULL, out, sizeof(out), "--json", "audit",
				"verify", NULL);
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "intact", &v));
	assert_int_equal(json_object_get_boolean(v), rc == 0);
	if (field != NULL) {
		assert_true(json_object_object_get_ex(root, field, &v));
		*value = v == NULL ? -1 : json_object_get_int64(v);
	}
	json_object_put(root);
	return rc;
}

static int
verify_text(char *out, size_t len)
{
	return fx_crmauth(&fx, NULL, out, len, "audit", "verify", NULL);
}

static void
intact_trail_verifies(void **state)
{
	int64_t rows = 0;

	assert_int_equal(verify_json(NULL, "rows", &rows), 0);
	assert_int_equal(rows, 5);
}

static void
changed_row_is_reported(void **state)
{
	char out[4096];

	attack("UPDATE audit SET user = 'mallory' WHERE id = 2;");
	assert_int_equal(verify_text(out, sizeof(out)), 1);
	assert_non_null(strstr(out, "broken at row 2"));
}

static void
removed_middle_row_is_reported(void **state)
{
	int64_t bad = 0;

	attack("DELETE FROM audit WHERE id = 2;");
	assert_int_equal(verify_json(NULL, "first_bad_id", &bad), 1);
	assert_int_equal(bad, 3);
}

static void
removed_newest_row_is_reported(void **state)
{
	int64_t after = 0;

	attack("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit);");
	assert_int_equal(verify_json(NULL, "missing_after", &after), 1);
	assert_int_equal(after, 4);
}

static void
removed_newest_rows_are_reported_after_more_changes(void **state)
{
	int64_t bad = 0;

	/* The next admin change writes row 3 again: the recorded head
	 * (row 5) stays, and says the trail lost its end. */
	attack("DELETE FROM audit WHERE id > 2;");
	fx_user_add(&fx, "dave", "dave-Correct-Horse-44");
	assert_int_equal(verify_json(NULL, "first_bad_id", &bad), 1);
	assert_int_not_equal(bad, 0);
}

static void
removed_all_rows_are_reported(void **state)
{
	int64_t after = 0;

	attack("DELETE FROM audit;");
	assert_int_equal(verify_json(NULL, "missing_after", &after), 1);
	assert_int_equal(after, 0);
}

static void
removed_oldest_rows_with_a_moved_anchor_are_reported(void **state)
{
	char out[4096];

	attack("UPDATE audit_anchor SET id = 2,"
	       " mac = (SELECT mac FROM audit WHERE id = 2);"
	       "DELETE FROM audit WHERE id <= 2;");
	assert_int_equal(verify_text(out, sizeof(out)), 1);
	assert_non_null(strstr(out, "anchor"));
}

static void
changed_id_is_reported(void **state)
{
	int64_t bad = 0;

	attack("UPDATE audit SET id = id + 100"
	       " WHERE id = (SELECT max(id) FROM audit);");
	assert_int_equal(verify_json(NULL, "first_bad_id", &bad), 1);
	assert_int_not_equal(bad, 0);
}

/* What syslog kept of the trail: a line with each row's tag. */
static void
write_witness(const char *path)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	FILE *log;
	int i;

	assert_non_null(log = fopen(path, "w"));
	assert_int_equal(sqlite3_open(fx.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, event, mac FROM"
					    " audit ORDER BY id", -1, &st,
					    NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *mac = sqlite3_column_blob(st, 2);

		assert_int_equal(sqlite3_column_bytes(st, 2), 32);
		fprintf(log, "Dec  1 10:00:00 host crmauth[7]: %s user=x "
			"by=root audit=%lld:", sqlite3_column_text(st, 1),
			(long long)sqlite3_column_int64(st, 0));
		for (i = 0; i < 8; i++)
			fprintf(log, "%02x", mac[i]);
		fputc('\n', log);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_int_equal(fclose(log), 0);
}

static void
witness_of_an_intact_trail_passes(void **state)
{
	char witness[PATH_MAX + 16];
	int64_t tags = 0;

	snprintf(witness, sizeof(witness), "%s/auth.log", fx.work);
	write_witness(witness);
	assert_int_equal(verify_json(witness, "witness_tags", &tags), 0);
	assert_int_equal(tags, 5);
	unlink(witness);
}

static void
older_copy_of_the_database_is_found_by_the_witness(void **state)
{
	char witness[PATH_MAX + 16], copy[PATH_MAX + 16], sql[PATH_MAX + 64];
	char wal[PATH_MAX + 16];
	int64_t rows = 0;

	/* A copy taken at row 5, rows 6 and 7 logged, the copy put back:
	 * in the database all is as it was at row 5. */
	snprintf(witness, sizeof(witness), "%s/auth.log", fx.work);
	snprintf(copy, sizeof(copy), "%s/old.db", fx.work);
	snprintf(sql, sizeof(sql), "VACUUM INTO '%s'", copy);
	unlink(copy);
	assert_int_equal(fx_sql(&fx, sql), 0);
	fx_user_add(&fx, "dave", "dave-Correct-Horse-44");
	fx_user_add(&fx, "erin", "erin-Correct-Horse-55");
	write_witness(witness);
	snprintf(wal, sizeof(wal), "%s-wal", fx.db);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", fx.db);
	unlink(wal);
	assert_int_equal(rename(copy, fx.db), 0);

	assert_int_equal(verify_json(NULL, "rows", &rows), 0);
	assert_int_equal(rows, 5);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "audit", "verify",
				    "--witness", witness, NULL), 1);
	{
		char out[65536];
		json_object *root, *missing;

		assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out),
					    "--json", "audit", "verify",
					    "--witness", witness, NULL), 1);
		root = json_tokener_parse(out);
		assert_non_null(root);
		assert_true(json_object_object_get_ex(root, "witness_missing",
						      &missing));
		assert_int_equal(json_object_array_length(missing), 2);
		assert_int_equal(json_object_get_int64(
				 json_object_array_get_idx(missing, 0)), 6);
		assert_int_equal(json_object_get_int64(
				 json_object_array_get_idx(missing, 1)), 7);
		json_object_put(root);
	}
	unlink(witness);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(intact_trail_verifies,
						setup, teardown),
		cmocka_unit_test_setup_teardown(changed_row_is_reported,
						setup, teardown),
		cmocka_unit_test_setup_teardown(removed_middle_row_is_reported,
						setup, teardown),
		cmocka_unit_test_setup_teardown(removed_newest_row_is_reported,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			removed_newest_rows_are_reported_after_more_changes,
			setup, teardown),
		cmocka_unit_test_setup_teardown(removed_all_rows_are_reported,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			removed_oldest_rows_with_a_moved_anchor_are_reported,
			setup, teardown),
		cmocka_unit_test_setup_teardown(changed_id_is_reported,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			witness_of_an_intact_trail_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(
			older_copy_of_the_database_is_found_by_the_witness,
			setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
