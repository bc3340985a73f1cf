/*
 * test_audit.c - the HMAC chain: intact trails verify; an edited, removed
 * or reordered row, a changed id, removed newest or oldest rows and a
 * moved anchor are found; pruning keeps the rest verifiable.
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

/* One more row, as the next login would write it. */
static void
append_row(struct trail *t, const char *event)
{
	struct crm_audit_event ev = {
		.time_ms = 100000, .module = "test", .event = event,
		.result = "ok",
	};

	assert_int_equal(crm_store_begin(t->store, CRM_TXN_WRITE), CRM_OK);
	assert_int_equal(crm_audit_append(t->store, t->key, &ev, NULL), CRM_OK);
	assert_int_equal(crm_store_commit(t->store), CRM_OK);
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
	assert_int_equal(crm_audit_prune(t.store, t.key, 1, 86400000L + 3500,
					 &removed), CRM_OK);
	assert_int_equal(crm_store_commit(t.store), CRM_OK);
	assert_int_equal(removed, 3);
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 0);
	assert_int_equal(report.rows, 3);
	/* Rows written after pruning chain on from the kept ones. */
	append_row(&t, "auth_ok");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 0);
	assert_int_equal(report.rows, 4);
	close_trail(&t);
}

static void
changed_id_is_found(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	open_trail(&t, 5);
	tamper("UPDATE audit SET id = id + 100"
	       " WHERE id = (SELECT max(id) FROM audit)");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 105);
	close_trail(&t);
}

static void
changed_ids_of_every_row_are_found(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	/* Shifting every id keeps the order: only ids inside the mac show
	 * it. */
	open_trail(&t, 3);
	tamper("UPDATE audit SET id = id + 10");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_not_equal(report.first_bad_id, 0);
	close_trail(&t);
}

static void
removed_newest_row_is_found(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	open_trail(&t, 5);
	tamper("DELETE FROM audit WHERE id = 5");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 5);
	assert_int_equal(report.missing_after, 4);
	assert_int_equal(report.head_id, 5);
	close_trail(&t);
}

static void
removed_newest_rows_are_found(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	open_trail(&t, 6);
	tamper("DELETE FROM audit WHERE id > 2");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 3);
	assert_int_equal(report.missing_after, 2);
	close_trail(&t);
}

static void
removed_newest_row_stays_found_after_new_rows(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	/* The next logins must not paper over the removal. */
	open_trail(&t, 5);
	tamper("DELETE FROM audit WHERE id = 5");
	append_row(&t, "auth_ok");
	append_row(&t, "auth_ok");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 6);
	close_trail(&t);
}

static void
removed_all_rows_are_found(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	open_trail(&t, 4);
	tamper("DELETE FROM audit");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 1);
	assert_int_equal(report.missing_after, 0);
	close_trail(&t);
}

static void
removed_all_rows_and_the_head_are_found(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	open_trail(&t, 4);
	tamper("DELETE FROM audit; DELETE FROM meta");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_not_equal(report.first_bad_id, 0);
	close_trail(&t);
}

/* A blob of the database, read or written behind the store's back. */
static int
blob_read(const char *sql, int64_t arg, unsigned char *buf, int len)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	int n;

	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, arg);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_bytes(st, 0);
	assert_true(n > 0 && n <= len);
	memcpy(buf, sqlite3_column_blob(st, 0), (size_t)n);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void
head_write(const unsigned char *value, int len)
{
	sqlite3_stmt *st;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE meta SET value = ?1"
					    " WHERE name = 'audit_head'", -1,
					    &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, value, len, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
put_back_head_passes_without_a_witness(void **state)
{
	struct crm_audit_report report;
	unsigned char head[256];
	struct trail t;
	int n;

	/* The head of row 3, saved and put back after rows 4 and 5 were
	 * removed: exactly the state of two rows ago, which nothing in the
	 * database can tell from the real one.  The README says so; only a
	 * witness log finds it. */
	open_trail(&t, 3);
	n = blob_read("SELECT value FROM meta WHERE name = 'audit_head'"
		      " AND ?1 = ?1", 0, head, sizeof(head));
	append_row(&t, "auth_ok");
	append_row(&t, "auth_ok");
	tamper("DELETE FROM audit WHERE id > 3");
	head_write(head, n);
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 0);
	close_trail(&t);
}

static void
forged_head_is_found(void **state)
{
	struct crm_audit_report report;
	unsigned char head[8 + 32 + 8 + 32] = { 0 };
	struct trail t;

	/* After removing row 4, a head naming row 3 (its id, mac and the
	 * row count) with a tag not made by the key. */
	open_trail(&t, 4);
	tamper("DELETE FROM audit WHERE id = 4");
	head[7] = 3;
	blob_read("SELECT mac FROM audit WHERE id = ?1", 3, head + 8, 32);
	head[8 + 32 + 7] = 3;
	head_write(head, sizeof(head));
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 4);
	assert_non_null(strstr(report.reason, "head"));
	close_trail(&t);
}

static void
oversized_head_and_anchor_tag_are_findings(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	/* Values of the wrong size are tampering to report, not read
	 * errors that stop verify. */
	open_trail(&t, 3);
	tamper("UPDATE meta SET value = zeroblob(200)"
	       " WHERE name = 'audit_head'");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 4);
	tamper("UPDATE audit_anchor SET id = 1,"
	       " mac = (SELECT mac FROM audit WHERE id = 1);"
	       "DELETE FROM audit WHERE id = 1;"
	       "INSERT INTO meta VALUES ('audit_anchor_mac', zeroblob(200))");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 2);
	close_trail(&t);
}

static void
removed_oldest_rows_with_a_moved_anchor_are_found(void **state)
{
	struct crm_audit_report report;
	struct trail t;

	open_trail(&t, 5);
	tamper("UPDATE audit_anchor SET id = 2,"
	       " mac = (SELECT mac FROM audit WHERE id = 2);"
	       "DELETE FROM audit WHERE id <= 2");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 3);
	assert_non_null(strstr(report.reason, "anchor"));
	close_trail(&t);
}

static void
anchor_moved_past_a_pruned_one_is_found(void **state)
{
	struct crm_audit_report report;
	struct trail t;
	int64_t removed = 0;

	/* A tag that pruning wrote vouches for its anchor only. */
	open_trail(&t, 6);
	assert_int_equal(crm_store_begin(t.store, CRM_TXN_WRITE), CRM_OK);
	assert_int_equal(crm_audit_prune(t.store, t.key, 1, 86400000L + 2500,
					 &removed), CRM_OK);
	assert_int_equal(crm_store_commit(t.store), CRM_OK);
	assert_int_equal(removed, 2);
	tamper("UPDATE audit_anchor SET id = 4,"
	       " mac = (SELECT mac FROM audit WHERE id = 4);"
	       "DELETE FROM audit WHERE id <= 4");
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 5);
	close_trail(&t);
}

static void
pruning_keeps_a_changed_row(void **state)
{
	struct crm_audit_report report;
	struct trail t;
	int64_t removed = 0;

	/* Evidence stays: a trail that does not verify is not pruned. */
	open_trail(&t, 6);
	tamper("UPDATE audit SET result = 'ok' WHERE id = 2");
	assert_int_equal(crm_store_begin(t.store, CRM_TXN_WRITE), CRM_OK);
	assert_int_equal(crm_audit_prune(t.store, t.key, 1, 86400000L + 3500,
					 &removed), CRM_ECRYPTO);
	assert_int_equal(crm_store_commit(t.store), CRM_OK);
	assert_int_equal(removed, 0);
	assert_int_equal(crm_audit_verify(t.store, t.key, &report), CRM_OK);
	assert_int_equal(report.first_bad_id, 2);
	close_trail(&t);
}

/* ---- witness logs ---- */

static int
tag_line(void *arg, const struct crm_audit_row *row)
{
	struct crm_audit_stamp stamp;
	char tag[CRM_AUDIT_TAG_MAX];

	stamp.id = row->id;
	memcpy(stamp.mac, row->mac, CRM_MAC_LEN);
	crm_audit_tag(&stamp, tag, sizeof(tag));
	fprintf(arg, "Dec  1 10:00:%02d host pam_crm_lockout[42]: %s user=%s "
		"%s\n", (int)(row->id % 60), row->event, row->user, tag);
	return 0;
}

/* What syslog had: one line per row now in the trail. */
static FILE *
witness_of(struct trail *t)
{
	FILE *log = tmpfile();

	assert_non_null(log);
	assert_int_equal(crm_store_audit_list(t->store, NULL, tag_line, log),
			 CRM_OK);
	return log;
}

struct findings {
	int count;
	int64_t id[16];
	enum crm_witness_finding what[16];
};

static int
note_finding(void *arg, enum crm_witness_finding what, int64_t id)
{
	struct findings *f = arg;

	if (f->count < 16) {
		f->id[f->count] = id;
		f->what[f->count] = what;
	}
	f->count++;
	return CRM_OK;
}

static void
check_witness(struct trail *t, FILE *log, struct findings *f,
	      struct crm_audit_witness_report *report)
{
	memset(f, 0, sizeof(*f));
	rewind(log);
	assert_int_equal(crm_audit_witness_check(t->store, t->key, log,
						 note_finding, f, report),
			 CRM_OK);
	fclose(log);
}

static void
witness_finds_rows_removed_with_a_put_back_head(void **state)
{
	struct crm_audit_witness_report report;
	struct crm_audit_report verify;
	unsigned char head[256];
	struct findings f;
	struct trail t;
	FILE *log;
	int n;

	/* The case the database cannot tell (see above): the log can. */
	open_trail(&t, 3);
	n = blob_read("SELECT value FROM meta WHERE name = 'audit_head'"
		      " AND ?1 = ?1", 0, head, sizeof(head));
	append_row(&t, "auth_ok");
	append_row(&t, "auth_ok");
	log = witness_of(&t);
	tamper("DELETE FROM audit WHERE id > 3");
	head_write(head, n);
	assert_int_equal(crm_audit_verify(t.store, t.key, &verify), CRM_OK);
	assert_int_equal(verify.first_bad_id, 0);
	check_witness(&t, log, &f, &report);
	assert_int_equal(report.tags, 5);
	assert_int_equal(report.matched, 3);
	assert_int_equal(report.missing, 2);
	assert_int_equal(f.count, 2);
	assert_int_equal(f.id[0], 4);
	assert_int_equal(f.what[0], CRM_WITNESS_MISSING);
	assert_int_equal(f.id[1], 5);
	close_trail(&t);
}

static void
witness_finds_rows_written_in_place_of_removed_ones(void **state)
{
	struct crm_audit_witness_report report;
	struct findings f;
	struct trail t;
	FILE *log;

	open_trail(&t, 5);
	log = witness_of(&t);
	tamper("DELETE FROM audit WHERE id = 5");
	append_row(&t, "auth_ok");
	check_witness(&t, log, &f, &report);
	assert_int_equal(report.differs, 1);
	assert_int_equal(f.count, 1);
	assert_int_equal(f.id[0], 5);
	assert_int_equal(f.what[0], CRM_WITNESS_DIFFERS);
	close_trail(&t);
}

static void
witness_finds_every_removed_row(void **state)
{
	struct crm_audit_witness_report report;
	struct findings f;
	struct trail t;
	FILE *log;

	open_trail(&t, 4);
	log = witness_of(&t);
	tamper("DELETE FROM audit; DELETE FROM meta;"
	       "UPDATE audit_anchor SET id = 0, mac = zeroblob(32)");
	check_witness(&t, log, &f, &report);
	assert_int_equal(report.missing, 4);
	assert_int_equal(f.count, 4);
	close_trail(&t);
}

static void
witness_accepts_pruned_rows(void **state)
{
	struct crm_audit_witness_report report;
	struct findings f;
	struct trail t;
	int64_t removed = 0;
	FILE *log;

	open_trail(&t, 6);
	log = witness_of(&t);
	assert_int_equal(crm_store_begin(t.store, CRM_TXN_WRITE), CRM_OK);
	assert_int_equal(crm_audit_prune(t.store, t.key, 1, 86400000L + 3500,
					 &removed), CRM_OK);
	assert_int_equal(crm_store_commit(t.store), CRM_OK);
	check_witness(&t, log, &f, &report);
	assert_int_equal(report.pruned, 3);
	assert_int_equal(report.matched, 3);
	assert_int_equal(f.count, 0);
	close_trail(&t);
}

struct scanned {
	int count;
	int64_t id[8];
};

static int
note_tag(void *arg, int64_t id,
	 const unsigned char prefix[CRM_AUDIT_PREFIX_LEN])
{
	struct scanned *s = arg;

	(void)prefix;
	if (s->count < 8)
		s->id[s->count] = id;
	s->count++;
	return 0;
}

static void
witness_scan_takes_only_whole_tags(void **state)
{
	/* Each piece is scanned as its own chunk of one text. */
	static const char *const pieces[] = {
		"xaudit=1:0123456789abcdef ",		/* glued to a word */
		"audit=02:0123456789abcdef ",		/* leading zero */
		"audit=3:0123456789abcdef0 ",		/* 17 hex digits */
		"audit=4:0123456789abcde ",		/* 15 hex digits */
		"audit=99999999999999999999:0123456789abcdef ", /* > int64 */
		"\"audit=5:0123456789ABCDEF\" ",	/* quoted, upper case */
		"\0\377 audit=6:01234567", "89abcdef\n",	/* split */
		"aud", "it=7:0123456789abcdef",		/* at the very end */
	};
	static const size_t lens[] = { 26, 26, 26, 24, 44, 27, 19, 9, 3, 21 };
	struct crm_audit_scan scan;
	struct scanned s = { 0 };
	size_t i;

	crm_audit_witness_begin(&scan);
	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++)
		assert_int_equal(crm_audit_witness_parse(&scan, pieces[i],
							 lens[i], note_tag, &s),
				 0);
	assert_int_equal(crm_audit_witness_end(&scan, note_tag, &s), 0);
	assert_int_equal(s.count, 3);
	assert_int_equal(s.id[0], 5);
	assert_int_equal(s.id[1], 6);
	assert_int_equal(s.id[2], 7);
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
		cmocka_unit_test(changed_id_is_found),
		cmocka_unit_test(changed_ids_of_every_row_are_found),
		cmocka_unit_test(removed_newest_row_is_found),
		cmocka_unit_test(removed_newest_rows_are_found),
		cmocka_unit_test(removed_newest_row_stays_found_after_new_rows),
		cmocka_unit_test(removed_all_rows_are_found),
		cmocka_unit_test(removed_all_rows_and_the_head_are_found),
		cmocka_unit_test(put_back_head_passes_without_a_witness),
		cmocka_unit_test(forged_head_is_found),
		cmocka_unit_test(oversized_head_and_anchor_tag_are_findings),
		cmocka_unit_test(removed_oldest_rows_with_a_moved_anchor_are_found),
		cmocka_unit_test(anchor_moved_past_a_pruned_one_is_found),
		cmocka_unit_test(pruning_keeps_a_changed_row),
		cmocka_unit_test(witness_finds_rows_removed_with_a_put_back_head),
		cmocka_unit_test(witness_finds_rows_written_in_place_of_removed_ones),
		cmocka_unit_test(witness_finds_every_removed_row),
		cmocka_unit_test(witness_accepts_pruned_rows),
		cmocka_unit_test(witness_scan_takes_only_whole_tags),
	};
	const char *work = getenv("CRM_TEST_WORK");

	snprintf(db_path, sizeof(db_path), "%s/audit.db",
		 work != NULL ? work : "/tmp");
	snprintf(key_path, sizeof(key_path), "%s/audit.key",
		 work != NULL ? work : "/tmp");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
