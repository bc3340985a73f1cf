/*
 * test_store_conformance.c - what every storage backend must do, checked
 * through store.h alone, so that the PostgreSQL backend is held to the
 * same cases as SQLite.
 *
 * The location comes from CRM_TEST_STORE_LOCATION (any db= value; it must
 * name a test database: the cases change its contents).  Without it each
 * case gets a fresh SQLite file in the test's work directory.  Names are
 * unique per run and audit checks are relative to the trail's tail, so
 * the cases hold on a database that is not empty as well.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"

#define WORKERS 8
#define WORKER_TXNS 50

static char location[4096];
static int fresh_sqlite;	/* location is ours: remove it per case */
static char run_tag[32];	/* makes names unique to this run */

static void
remove_location(void)
{
	char path[4200];

	unlink(location);
	snprintf(path, sizeof(path), "%s-wal", location);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", location);
	unlink(path);
}

static struct crm_store *
open_store(unsigned long busy_timeout_ms)
{
	struct crm_store *s = NULL;
	char err[512];

	if (crm_store_open(location, CRM_STORE_EXISTING, busy_timeout_ms,
			   CRM_DURABILITY_NORMAL, &s,
			   err, sizeof(err)) != CRM_OK)
		fail_msg("open: %s", err);
	return s;
}

static int
setup(void **state)
{
	struct crm_store *s = NULL;
	char err[512];

	if (fresh_sqlite)
		remove_location();
	if (crm_store_open(location, CRM_STORE_CREATE, 2000,
			   CRM_DURABILITY_NORMAL, &s, err,
			   sizeof(err)) != CRM_OK)
		fail_msg("create: %s", err);
	assert_int_equal(crm_store_migrate(s, NULL), CRM_OK);
	crm_store_close(s);
	*state = open_store(2000);
	return 0;
}

static int
teardown(void **state)
{
	crm_store_close(*state);
	if (fresh_sqlite)
		remove_location();
	return 0;
}

/* name + this run's tag, in one of a few rotating buffers: use it at
 * once, keep a copy (KEEP) for longer. */
static const char *
N(const char *name)
{
	static char buf[8][CRM_NAME_MAX];
	static unsigned int next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s-%s", name, run_tag);
	return b;
}

/* ---- users ---- */

struct seen {
	char want[CRM_NAME_MAX];
	int found;
	int count;
	char last[CRM_NAME_MAX];
	int in_order;
};

static int
see_user(void *arg, const struct crm_user *u)
{
	struct seen *sn = arg;

	if (sn->count > 0 && strcmp(sn->last, u->name) > 0)
		sn->in_order = 0;
	snprintf(sn->last, sizeof(sn->last), "%s", u->name);
	sn->count++;
	if (strcmp(u->name, sn->want) == 0)
		sn->found++;
	/* Listings never carry the hash. */
	if (u->password_hash != NULL)
		sn->found = -1000;
	return 0;
}

static void
users_are_added_read_changed_and_removed(void **state)
{
	struct crm_store *s = *state;
	struct crm_user u;
	struct seen sn = { "", 0, 0, "", 1 };

	snprintf(sn.want, sizeof(sn.want), "%s", N("alice"));
	assert_int_equal(crm_store_user_add(s, N("alice"), "sales", "$y$hash",
					    1000), CRM_OK);
	assert_int_equal(crm_store_user_add(s, N("alice"), NULL, NULL, 2000),
			 CRM_EXISTS);
	assert_int_equal(crm_store_user_add(s, N("bob"), NULL, NULL, 3000),
			 CRM_OK);

	assert_int_equal(crm_store_user_get(s, N("alice"), &u), CRM_OK);
	assert_string_equal(u.name, N("alice"));
	assert_string_equal(u.dept, "sales");
	assert_string_equal(u.password_hash, "$y$hash");
	assert_int_equal(u.status, CRM_USER_ACTIVE);
	assert_int_equal(u.created_ms, 1000);
	assert_int_equal(u.last_login_ms, 0);
	crm_user_clear(&u);
	assert_int_equal(crm_store_user_get(s, N("bob"), &u), CRM_OK);
	assert_null(u.dept);
	assert_null(u.password_hash);
	crm_user_clear(&u);
	assert_int_equal(crm_store_user_get(s, N("nobody"), &u), CRM_NOTFOUND);

	assert_int_equal(crm_store_user_set_status(s, N("alice"),
		CRM_USER_SUSPENDED, 99000), CRM_OK);
	assert_int_equal(crm_store_user_set_password(s, N("alice"), "$y$new",
						     5000), CRM_OK);
	assert_int_equal(crm_store_user_touch_login(s, N("alice"), 6000),
			 CRM_OK);
	assert_int_equal(crm_store_user_get(s, N("alice"), &u), CRM_OK);
	assert_int_equal(u.status, CRM_USER_SUSPENDED);
	assert_int_equal(u.suspended_until_ms, 99000);
	assert_string_equal(u.password_hash, "$y$new");
	assert_int_equal(u.password_changed_ms, 5000);
	assert_int_equal(u.last_login_ms, 6000);
	crm_user_clear(&u);
	assert_int_equal(crm_store_user_set_status(s, N("nobody"),
		CRM_USER_DISABLED, 0), CRM_NOTFOUND);

	assert_int_equal(crm_store_user_list(s, see_user, &sn), CRM_OK);
	assert_int_equal(sn.found, 1);
	assert_true(sn.count >= 2);
	assert_true(sn.in_order);		/* by name */

	assert_int_equal(crm_store_user_del(s, N("alice")), CRM_OK);
	assert_int_equal(crm_store_user_get(s, N("alice"), &u), CRM_NOTFOUND);
	assert_int_equal(crm_store_user_del(s, N("alice")), CRM_NOTFOUND);
}

/* ---- roles ---- */

static int
collect_name(void *arg, const char *name)
{
	char *buf = arg;
	size_t used = strlen(buf);

	snprintf(buf + used, 1024 - used, "%s%s", used > 0 ? "," : "", name);
	return 0;
}

struct role_seen {
	char want[CRM_NAME_MAX];
	int64_t members;
	enum crm_scope scope;
	int found;
};

static int
see_role(void *arg, const struct crm_role *r)
{
	struct role_seen *rs = arg;

	if (strcmp(r->name, rs->want) == 0) {
		rs->found++;
		rs->members = r->members;
		rs->scope = r->scope;
	}
	return 0;
}

static void
roles_are_granted_listed_and_revoked(void **state)
{
	struct crm_store *s = *state;
	struct role_seen rs = { "", -1, CRM_SCOPE_OWN, 0 };
	char names[1024] = "", expect[1024];

	snprintf(rs.want, sizeof(rs.want), "%s", N("admin"));
	assert_int_equal(crm_store_user_add(s, N("carol"), NULL, NULL, 1), CRM_OK);
	assert_int_equal(crm_store_role_add(s, N("admin"), CRM_SCOPE_COMPANY),
			 CRM_OK);
	assert_int_equal(crm_store_role_add(s, N("admin"), CRM_SCOPE_OWN),
			 CRM_EXISTS);
	assert_int_equal(crm_store_role_add(s, N("sales"), CRM_SCOPE_OWN),
			 CRM_OK);
	assert_int_equal(crm_store_role_grant(s, N("carol"), N("sales")), CRM_OK);
	assert_int_equal(crm_store_role_grant(s, N("carol"), N("admin")), CRM_OK);
	assert_int_equal(crm_store_role_grant(s, N("carol"), N("admin")),
			 CRM_EXISTS);
	assert_int_equal(crm_store_role_grant(s, N("nobody"), N("admin")),
			 CRM_NOTFOUND);
	assert_int_equal(crm_store_role_grant(s, N("carol"), N("nothing")),
			 CRM_NOTFOUND);

	/* A user's roles come by name, in name order. */
	assert_int_equal(crm_store_user_roles(s, N("carol"), collect_name, names),
			 CRM_OK);
	snprintf(expect, sizeof(expect), "%s,%s", N("admin"), N("sales"));
	assert_string_equal(names, expect);
	names[0] = '\0';
	assert_int_equal(crm_store_user_roles(s, N("nobody"), collect_name,
					      names), CRM_OK);
	assert_string_equal(names, "");

	assert_int_equal(crm_store_role_list(s, see_role, &rs), CRM_OK);
	assert_int_equal(rs.found, 1);
	assert_int_equal(rs.members, 1);
	assert_int_equal(rs.scope, CRM_SCOPE_COMPANY);

	assert_int_equal(crm_store_role_revoke(s, N("carol"), N("admin")), CRM_OK);
	assert_int_equal(crm_store_role_revoke(s, N("carol"), N("admin")),
			 CRM_NOTFOUND);
	names[0] = '\0';
	assert_int_equal(crm_store_user_roles(s, N("carol"), collect_name, names),
			 CRM_OK);
	assert_string_equal(names, N("sales"));

	/* Removing a role or a user removes the grants with it. */
	assert_int_equal(crm_store_role_del(s, N("sales")), CRM_OK);
	names[0] = '\0';
	assert_int_equal(crm_store_user_roles(s, N("carol"), collect_name, names),
			 CRM_OK);
	assert_string_equal(names, "");
	assert_int_equal(crm_store_role_del(s, N("sales")), CRM_NOTFOUND);
}

/* ---- failures, locks, addresses ---- */

struct fail_seen {
	char want[CRM_NAME_MAX];
	struct crm_fail_summary sum;
	char last_rhost[CRM_RHOST_MAX];
	int found;
};

static int
see_fail(void *arg, const struct crm_fail_summary *f)
{
	struct fail_seen *fs = arg;

	if (strcmp(f->user, fs->want) == 0) {
		fs->found++;
		fs->sum = *f;
		snprintf(fs->last_rhost, sizeof(fs->last_rhost), "%s",
			 f->last_rhost != NULL ? f->last_rhost : "");
	}
	return 0;
}

static void
failures_are_counted_in_a_window_reset_and_pruned(void **state)
{
	struct crm_store *s = *state;
	struct fail_seen fs = { "", { 0 }, "", 0 };
	int64_t count = -1, latest = -1, removed = -1;

	snprintf(fs.want, sizeof(fs.want), "%s", N("dave"));

	/* Failures need no account: unknown names count the same way. */
	assert_int_equal(crm_store_fail_add(s, N("dave"), "192.0.2.1", "crm",
					    10000), CRM_OK);
	assert_int_equal(crm_store_fail_add(s, N("dave"), "192.0.2.2", "crm",
					    20000), CRM_OK);
	assert_int_equal(crm_store_fail_add(s, N("dave"), NULL, "crm", 30000),
			 CRM_OK);
	assert_int_equal(crm_store_fail_add(s, N("erin"), NULL, "crm", 30000),
			 CRM_OK);

	assert_int_equal(crm_store_fail_count(s, N("dave"), 0, &count, &latest),
			 CRM_OK);
	assert_int_equal(count, 3);
	assert_int_equal(latest, 30000);
	assert_int_equal(crm_store_fail_count(s, N("dave"), 20000, &count,
					      &latest), CRM_OK);
	assert_int_equal(count, 2);		/* since is inclusive */
	assert_int_equal(crm_store_fail_count(s, N("dave"), 30001, &count,
					      &latest), CRM_OK);
	assert_int_equal(count, 0);
	assert_int_equal(crm_store_fail_count(s, N("nobody"), 0, &count,
					      &latest), CRM_OK);
	assert_int_equal(count, 0);

	assert_int_equal(crm_store_fail_list(s, N("dave"), 15000, see_fail, &fs),
			 CRM_OK);
	assert_int_equal(fs.found, 1);
	assert_int_equal(fs.sum.failures, 2);
	assert_int_equal(fs.sum.first_ms, 20000);
	assert_int_equal(fs.sum.latest_ms, 30000);
	assert_int_equal(fs.sum.lock_until_ms, -1);	/* no lock */

	/* Pruning drops what is older than the cut, of every user. */
	assert_int_equal(crm_store_fail_prune(s, 20000), CRM_OK);
	assert_int_equal(crm_store_fail_count(s, N("dave"), 0, &count, &latest),
			 CRM_OK);
	assert_int_equal(count, 2);

	assert_int_equal(crm_store_fail_reset(s, N("dave"), &removed), CRM_OK);
	assert_int_equal(removed, 2);
	assert_int_equal(crm_store_fail_count(s, N("dave"), 0, &count, &latest),
			 CRM_OK);
	assert_int_equal(count, 0);
	assert_int_equal(crm_store_fail_reset(s, N("dave"), NULL), CRM_OK);
	/* Another user's failures are untouched. */
	assert_int_equal(crm_store_fail_count(s, N("erin"), 0, &count, &latest),
			 CRM_OK);
	assert_int_equal(count, 1);
}

static void
locks_are_set_read_replaced_and_cleared(void **state)
{
	struct crm_store *s = *state;
	struct crm_lock lock = { 1000, 0, 3 }, got;
	struct fail_seen fs = { "", { 0 }, "", 0 };

	snprintf(fs.want, sizeof(fs.want), "%s", N("frank"));
	assert_int_equal(crm_store_lock_get(s, N("frank"), &got), CRM_NOTFOUND);
	assert_int_equal(crm_store_lock_set(s, N("frank"), &lock), CRM_OK);
	assert_int_equal(crm_store_lock_get(s, N("frank"), &got), CRM_OK);
	assert_int_equal(got.locked_ms, 1000);
	assert_int_equal(got.until_ms, 0);	/* until an admin resets */
	assert_int_equal(got.failures, 3);

	/* A lock outlives the failure window: listed without failures. */
	assert_int_equal(crm_store_fail_list(s, N("frank"), 0, see_fail, &fs),
			 CRM_OK);
	assert_int_equal(fs.found, 1);
	assert_int_equal(fs.sum.failures, 0);
	assert_int_equal(fs.sum.lock_until_ms, 0);
	assert_int_equal(fs.sum.lock_failures, 3);

	lock.locked_ms = 2000;
	lock.until_ms = 62000;
	lock.failures = 5;
	assert_int_equal(crm_store_lock_set(s, N("frank"), &lock), CRM_OK);
	assert_int_equal(crm_store_lock_get(s, N("frank"), &got), CRM_OK);
	assert_int_equal(got.until_ms, 62000);
	assert_int_equal(got.failures, 5);

	assert_int_equal(crm_store_lock_clear(s, N("frank")), CRM_OK);
	assert_int_equal(crm_store_lock_get(s, N("frank"), &got), CRM_NOTFOUND);
	assert_int_equal(crm_store_lock_clear(s, N("frank")), CRM_OK);
}

struct rhost_seen {
	const char *want;
	int64_t failures, latest_ms;
	int found;
};

static int
see_rhost(void *arg, const struct crm_rhost_summary *r)
{
	struct rhost_seen *rs = arg;

	if (strcmp(r->rhost, rs->want) == 0) {
		rs->found++;
		rs->failures = r->failures;
		rs->latest_ms = r->latest_ms;
	}
	return 0;
}

static void
address_failures_are_counted_apart_from_users(void **state)
{
	struct crm_store *s = *state;
	char addr[64], other[80];
	struct rhost_seen rs = { addr, 0, 0, 0 };
	int64_t count = -1, removed = -1;

	/* A documentation address unique to this run. */
	snprintf(addr, sizeof(addr), "2001:db8::%x", (unsigned)getpid() & 0xffff);
	snprintf(other, sizeof(other), "%s:1", addr);
	assert_int_equal(crm_store_rhost_fail_add(s, addr, 1000), CRM_OK);
	assert_int_equal(crm_store_rhost_fail_add(s, addr, 2000), CRM_OK);
	assert_int_equal(crm_store_rhost_fail_add(s, other, 2000), CRM_OK);
	assert_int_equal(crm_store_rhost_fail_count(s, addr, 0, &count), CRM_OK);
	assert_int_equal(count, 2);
	assert_int_equal(crm_store_rhost_fail_count(s, addr, 1500, &count),
			 CRM_OK);
	assert_int_equal(count, 1);
	assert_int_equal(crm_store_rhost_fail_list(s, 0, see_rhost, &rs), CRM_OK);
	assert_int_equal(rs.found, 1);
	assert_int_equal(rs.failures, 2);
	assert_int_equal(rs.latest_ms, 2000);

	assert_int_equal(crm_store_rhost_fail_reset(s, addr, &removed), CRM_OK);
	assert_int_equal(removed, 2);
	assert_int_equal(crm_store_rhost_fail_count(s, addr, 0, &count), CRM_OK);
	assert_int_equal(count, 0);
	assert_int_equal(crm_store_rhost_fail_count(s, other, 0, &count), CRM_OK);
	assert_int_equal(count, 1);
	/* Address failures are pruned with user failures. */
	assert_int_equal(crm_store_fail_prune(s, 2001), CRM_OK);
	assert_int_equal(crm_store_rhost_fail_count(s, other, 0, &count), CRM_OK);
	assert_int_equal(count, 0);
}

/* ---- audit ---- */

/* The caller names the row's id: the one after the tail (or the anchor,
 * on an empty trail), as audit.c does inside its transaction. */
static int
insert_next(struct crm_store *s, struct crm_audit_row *row)
{
	unsigned char mac[CRM_MAC_LEN];
	int64_t tail = 0;
	int rc = crm_store_audit_tail(s, &tail, mac);

	if (rc == CRM_NOTFOUND)
		rc = crm_store_audit_anchor(s, &tail, mac);
	if (rc != CRM_OK)
		return rc;
	row->id = tail + 1;
	return crm_store_audit_insert(s, row);
}

/* Pruning as audit.c does it: find the newest row before the time, make
 * it the anchor, remove it and everything older. */
static int
prune_before(struct crm_store *s, int64_t before_ms, int64_t *removed)
{
	unsigned char mac[CRM_MAC_LEN];
	int64_t id = 0;
	int rc = crm_store_audit_prune_point(s, before_ms, &id, mac);

	*removed = 0;
	if (rc == CRM_NOTFOUND)
		return CRM_OK;
	if (rc != CRM_OK)
		return rc;
	return crm_store_audit_move_anchor(s, id, mac, removed);
}

static void
fill_row(struct crm_audit_row *row, const char *user, const char *event,
	 int64_t time_ms, unsigned char mark)
{
	memset(row, 0, sizeof(*row));
	row->time_ms = time_ms;
	row->service = "crm";
	row->user = user;
	row->ruser = NULL;
	row->rhost = "192.0.2.9";
	row->tty = NULL;
	row->module = "pam_crm_lockout";
	row->event = event;
	row->result = "fail";
	row->detail = "1 of 5";
	memset(row->mac, mark, sizeof(row->mac));
}

struct audit_seen {
	int count;
	int64_t ids[16];
	unsigned char marks[16];
	char users[16][CRM_NAME_MAX];
	int fields_ok;
};

static int
see_audit(void *arg, const struct crm_audit_row *r)
{
	struct audit_seen *as = arg;

	if (as->count < 16) {
		as->ids[as->count] = r->id;
		as->marks[as->count] = r->mac[CRM_MAC_LEN - 1];
		snprintf(as->users[as->count], CRM_NAME_MAX, "%s",
			 r->user != NULL ? r->user : "");
		if (r->ruser != NULL || r->tty != NULL ||
		    r->rhost == NULL || strcmp(r->rhost, "192.0.2.9") != 0 ||
		    strcmp(r->service, "crm") != 0 ||
		    strcmp(r->detail, "1 of 5") != 0)
			as->fields_ok = 0;
	}
	as->count++;
	return 0;
}

static void
audit_rows_keep_their_order_and_ids_and_survive_pruning(void **state)
{
	struct crm_store *s = *state;
	struct crm_audit_row row;
	struct crm_audit_filter all = { NULL, NULL, 0, 0 };
	struct audit_seen as = { 0 };
	unsigned char mac[CRM_MAC_LEN], want[CRM_MAC_LEN];
	int64_t start = 0, id = 0, anchor_id = -1, removed = -1, ids[3];
	int i, rc;

	rc = crm_store_audit_tail(s, &start, mac);
	assert_true(rc == CRM_OK || rc == CRM_NOTFOUND);
	if (rc == CRM_NOTFOUND) {
		/* An empty trail starts from the anchor. */
		assert_int_equal(crm_store_audit_anchor(s, &start, mac), CRM_OK);
	}

	for (i = 0; i < 3; i++) {
		fill_row(&row, i == 1 ? N("gina") : N("hank"),
			 i == 2 ? "locked" : "auth_fail", 1000 + i,
			 (unsigned char)(i + 1));
		assert_int_equal(crm_store_begin(s, CRM_TXN_WRITE), CRM_OK);
		assert_int_equal(insert_next(s, &row), CRM_OK);
		assert_int_equal(crm_store_commit(s), CRM_OK);
		/* Ids grow strictly. */
		assert_true(row.id > (i == 0 ? start : ids[i - 1]));
		ids[i] = row.id;
		assert_int_equal(crm_store_audit_tail(s, &id, mac), CRM_OK);
		assert_int_equal(id, row.id);
		memset(want, i + 1, sizeof(want));
		assert_memory_equal(mac, want, CRM_MAC_LEN);
	}

	all.after_id = start;
	as.fields_ok = 1;
	assert_int_equal(crm_store_audit_list(s, &all, see_audit, &as), CRM_OK);
	assert_int_equal(as.count, 3);
	assert_true(as.fields_ok);
	for (i = 0; i < 3; i++) {
		assert_int_equal(as.ids[i], ids[i]);	/* id order */
		assert_int_equal(as.marks[i], i + 1);
	}

	/* Filters: user, event, time, and the id to start after. */
	memset(&as, 0, sizeof(as));
	all.user = N("hank");
	assert_int_equal(crm_store_audit_list(s, &all, see_audit, &as), CRM_OK);
	assert_int_equal(as.count, 2);
	memset(&as, 0, sizeof(as));
	all.event = "locked";
	assert_int_equal(crm_store_audit_list(s, &all, see_audit, &as), CRM_OK);
	assert_int_equal(as.count, 1);
	assert_int_equal(as.ids[0], ids[2]);
	memset(&as, 0, sizeof(as));
	all.user = all.event = NULL;
	all.since_ms = 1001;
	all.after_id = ids[1];
	assert_int_equal(crm_store_audit_list(s, &all, see_audit, &as), CRM_OK);
	assert_int_equal(as.count, 1);
	assert_int_equal(as.ids[0], ids[2]);

	/* Pruning moves the anchor to the newest removed row. */
	assert_int_equal(crm_store_begin(s, CRM_TXN_WRITE), CRM_OK);
	assert_int_equal(prune_before(s, 1002, &removed), CRM_OK);
	assert_int_equal(crm_store_commit(s), CRM_OK);
	assert_true(removed >= 2);
	assert_int_equal(crm_store_audit_anchor(s, &anchor_id, mac), CRM_OK);
	assert_int_equal(anchor_id, ids[1]);
	memset(want, 2, sizeof(want));
	assert_memory_equal(mac, want, CRM_MAC_LEN);
	memset(&as, 0, sizeof(as));
	all.since_ms = 0;
	all.after_id = 0;
	all.user = N("gina");
	assert_int_equal(crm_store_audit_list(s, &all, see_audit, &as), CRM_OK);
	assert_int_equal(as.count, 0);

	/* An id is never reused, even once every row is gone. */
	assert_int_equal(prune_before(s, INT64_MAX, &removed), CRM_OK);
	assert_true(removed >= 1);
	assert_int_equal(crm_store_audit_tail(s, &id, mac), CRM_NOTFOUND);
	fill_row(&row, N("hank"), "auth_fail", 5000, 9);
	assert_int_equal(insert_next(s, &row), CRM_OK);
	assert_true(row.id > ids[2]);
}

/* ---- named values ---- */

static void
meta_values_are_binary_and_replaced(void **state)
{
	struct crm_store *s = *state;
	const unsigned char value[] = { 0x00, 0xff, 0x10, 0x00, 0x7f };
	unsigned char buf[64];
	size_t got = 99;

	assert_int_equal(crm_store_meta_get(s, N("meta"), buf, sizeof(buf),
					    &got), CRM_NOTFOUND);
	assert_int_equal(crm_store_meta_set(s, N("meta"), value, sizeof(value)),
			 CRM_OK);
	assert_int_equal(crm_store_meta_get(s, N("meta"), buf, sizeof(buf),
					    &got), CRM_OK);
	assert_int_equal(got, sizeof(value));
	assert_memory_equal(buf, value, sizeof(value));
	assert_int_equal(crm_store_meta_set(s, N("meta"), "xy", 2), CRM_OK);
	assert_int_equal(crm_store_meta_get(s, N("meta"), buf, sizeof(buf),
					    &got), CRM_OK);
	assert_int_equal(got, 2);
	assert_memory_equal(buf, "xy", 2);
	/* A value larger than the caller's buffer is an error, not a
	 * truncated copy. */
	assert_int_not_equal(crm_store_meta_get(s, N("meta"), buf, 1, &got),
			     CRM_OK);
}

/* ---- access rules ---- */

struct hits {
	char got[1024];			/* lines, ' '-joined */
	int count;
	int stop_after;			/* 0: never */
};

static int
see_rule(void *arg, int64_t id, const char *line)
{
	struct hits *h = arg;
	size_t used = strlen(h->got);

	(void)id;
	snprintf(h->got + used, sizeof(h->got) - used, "%s%s",
		 used > 0 ? " " : "", line);
	h->count++;
	return h->stop_after > 0 && h->count >= h->stop_after
		? CRM_ACCESS_STOP : 0;
}

static struct crm_access_key
net_key(int family, unsigned int prefix, const char *bytes)
{
	struct crm_access_key k;

	memset(&k, 0, sizeof(k));
	k.kind = CRM_ACCESS_NET;
	k.family = family;
	k.prefix = prefix;
	memcpy(k.net, bytes, family == 4 ? 4 : 16);
	return k;
}

static struct crm_access_key
kind_key(enum crm_access_where kind)
{
	struct crm_access_key k;

	memset(&k, 0, sizeof(k));
	k.kind = kind;
	return k;
}

static int64_t
add_rule(struct crm_store *s, const char *line, enum crm_access_subject kind,
	 const char *subject, struct crm_access_key key)
{
	int64_t id = 0;

	assert_int_equal(crm_store_access_add(s, line, kind, subject, &key, 1,
					      &id), CRM_OK);
	assert_true(id > 0);
	return id;
}

static void
probe(struct crm_store *s, const char *user, const char *role, int family,
      const char *addr, int local, int tty, struct hits *h, int stop_after)
{
	const char *roles[1] = { role };
	struct crm_access_probe p;

	memset(&p, 0, sizeof(p));
	memset(h, 0, sizeof(*h));
	h->stop_after = stop_after;
	p.family = family;
	if (family != 0)
		memcpy(p.addr, addr, family == 4 ? 4 : 16);
	p.local = local;
	p.tty = tty;
	p.user = user;
	p.roles = roles;
	p.nroles = role != NULL ? 1 : 0;
	assert_int_equal(crm_store_access_candidates(s, &p, see_rule, h),
			 CRM_OK);
}

static void
access_rules_are_found_by_probe_in_match_order(void **state)
{
	struct crm_store *s = *state;
	char user[CRM_NAME_MAX], role[CRM_NAME_MAX], other[CRM_NAME_MAX];
	static const char v6net[16] = "\x20\x01\x0d\xb8";
	static const char v6addr[16] = "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0"
				       "\0\0\0\x05";
	struct hits h;
	int64_t a;
	char addr[4];
	int i;

	snprintf(user, sizeof(user), "%s", N("ursula"));
	snprintf(role, sizeof(role), "%s", N("sales"));
	snprintf(other, sizeof(other), "%s", N("otto"));
	assert_int_equal(crm_store_begin(s, CRM_TXN_WRITE), CRM_OK);
	a = add_rule(s, "A", CRM_ACCESS_SUBJECT_USER, user,
		     net_key(4, 16, "\x0a\x01\0\0"));
	add_rule(s, "B", CRM_ACCESS_SUBJECT_ROLE, role,
		 net_key(4, 24, "\x0a\x01\x02\0"));
	add_rule(s, "C", CRM_ACCESS_SUBJECT_USER, user, net_key(6, 32, v6net));
	add_rule(s, "D", CRM_ACCESS_SUBJECT_USER, user,
		 kind_key(CRM_ACCESS_LOCAL));
	add_rule(s, "E", CRM_ACCESS_SUBJECT_USER, user,
		 kind_key(CRM_ACCESS_TTY));
	add_rule(s, "F", CRM_ACCESS_SUBJECT_USER, user,
		 kind_key(CRM_ACCESS_ANY));
	add_rule(s, "G", CRM_ACCESS_SUBJECT_USER, other,
		 net_key(4, 32, "\x0a\x01\x02\x03"));
	assert_int_equal(crm_store_commit(s), CRM_OK);

	/* The networks that hold the address, the user's and the role's,
	 * then "*", in the order the rules were added; not other users'. */
	probe(s, user, role, 4, "\x0a\x01\x02\x03", 0, 0, &h, 0);
	assert_string_equal(h.got, "A B F");
	probe(s, user, NULL, 4, "\x0a\x01\xff\xff", 0, 0, &h, 0);
	assert_string_equal(h.got, "A F");
	probe(s, user, role, 4, "\x0a\x02\0\0", 0, 0, &h, 0);
	assert_string_equal(h.got, "F");
	probe(s, other, NULL, 4, "\x0a\x01\x02\x03", 0, 0, &h, 0);
	assert_string_equal(h.got, "G");
	probe(s, user, NULL, 6, v6addr, 0, 0, &h, 0);
	assert_string_equal(h.got, "C F");
	/* No address: local rules; a tty: tty rules (the caller matches
	 * the pattern). */
	probe(s, user, NULL, 0, NULL, 1, 1, &h, 0);
	assert_string_equal(h.got, "D E F");
	/* The walk stops where the caller says. */
	probe(s, user, role, 4, "\x0a\x01\x02\x03", 0, 0, &h, 1);
	assert_string_equal(h.got, "A");

	assert_int_equal(crm_store_begin(s, CRM_TXN_WRITE), CRM_OK);
	assert_int_equal(crm_store_access_del(s, a), CRM_OK);
	assert_int_equal(crm_store_access_del(s, a), CRM_NOTFOUND);
	/* Many rules of one length for other addresses: a probe still
	 * finds only what holds its address. */
	for (i = 0; i < 2000; i++) {
		addr[0] = (char)172;
		addr[1] = 16;
		addr[2] = (char)(i / 256);
		addr[3] = (char)(i % 256);
		add_rule(s, "H", CRM_ACCESS_SUBJECT_USER, user,
			 net_key(4, 32, addr));
	}
	assert_int_equal(crm_store_commit(s), CRM_OK);
	probe(s, user, role, 4, "\x0a\x01\x02\x03", 0, 0, &h, 0);
	assert_string_equal(h.got, "B F");
	probe(s, user, NULL, 4, "\xac\x10\x05\x05", 0, 0, &h, 0);
	assert_string_equal(h.got, "F H");	/* F came first */

	/* Listing: every rule in match order (at least ours). */
	memset(&h, 0, sizeof(h));
	assert_int_equal(crm_store_access_list(s, see_rule, &h), CRM_OK);
	assert_true(h.count >= 2006);
}

/* ---- transactions ---- */

static void
rollback_discards_and_commit_keeps(void **state)
{
	struct crm_store *s = *state, *other = open_store(2000);
	struct crm_user u;
	int64_t count = -1, latest;

	assert_int_equal(crm_store_begin(s, CRM_TXN_WRITE), CRM_OK);
	assert_int_equal(crm_store_user_add(s, N("ivan"), NULL, NULL, 1), CRM_OK);
	assert_int_equal(crm_store_fail_add(s, N("ivan"), NULL, "crm", 1), CRM_OK);
	/* Not visible to another connection before the commit. */
	assert_int_equal(crm_store_user_get(other, N("ivan"), &u), CRM_NOTFOUND);
	crm_store_rollback(s);
	assert_int_equal(crm_store_user_get(s, N("ivan"), &u), CRM_NOTFOUND);
	assert_int_equal(crm_store_fail_count(s, N("ivan"), 0, &count, &latest),
			 CRM_OK);
	assert_int_equal(count, 0);
	/* Rolling back with nothing open is harmless. */
	crm_store_rollback(s);

	assert_int_equal(crm_store_begin(s, CRM_TXN_WRITE), CRM_OK);
	assert_int_equal(crm_store_user_add(s, N("ivan"), NULL, NULL, 1), CRM_OK);
	assert_int_equal(crm_store_commit(s), CRM_OK);
	assert_int_equal(crm_store_user_get(other, N("ivan"), &u), CRM_OK);
	crm_user_clear(&u);
	crm_store_close(other);
}

static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
a_second_writer_waits_then_gets_busy(void **state)
{
	struct crm_store *s = *state, *other = open_store(300);
	struct crm_user u;
	int64_t t0, waited;

	assert_int_equal(crm_store_begin(s, CRM_TXN_WRITE), CRM_OK);
	t0 = monotonic_ms();
	assert_int_equal(crm_store_begin(other, CRM_TXN_WRITE), CRM_BUSY);
	waited = monotonic_ms() - t0;
	/* It waited for busy_timeout_ms, not much less, not forever. */
	assert_true(waited >= 250);
	assert_true(waited < 10000);
	/* Readers do not wait for a writer. */
	assert_int_equal(crm_store_begin(other, CRM_TXN_READ), CRM_OK);
	assert_int_equal(crm_store_user_get(other, N("nobody"), &u),
			 CRM_NOTFOUND);
	assert_int_equal(crm_store_commit(other), CRM_OK);
	assert_int_equal(crm_store_commit(s), CRM_OK);
	/* Once the first commits, the second gets the lock. */
	assert_int_equal(crm_store_begin(other, CRM_TXN_WRITE), CRM_OK);
	assert_int_equal(crm_store_commit(other), CRM_OK);
	crm_store_close(other);
}

/*
 * One worker: WORKER_TXNS write transactions, each reading the failure
 * count and the audit tail, then adding a failure and an audit row whose
 * mac names the tail it read.  Exit code: 0, or what went wrong.
 */
static int
worker(int n)
{
	struct crm_store *s = NULL;
	struct crm_audit_row row;
	unsigned char mac[CRM_MAC_LEN];
	char err[512];
	int64_t count, latest, tail;
	int i, rc;

	if (crm_store_open(location, CRM_STORE_EXISTING, 600000,
			   CRM_DURABILITY_NORMAL, &s, err,
			   sizeof(err)) != CRM_OK)
		return 10;
	for (i = 0; i < WORKER_TXNS; i++) {
		if (crm_store_begin(s, CRM_TXN_WRITE) != CRM_OK)
			return 11;
		if (crm_store_fail_count(s, N("june"), 0, &count, &latest)
		    != CRM_OK)
			return 12;
		rc = crm_store_audit_tail(s, &tail, mac);
		if (rc == CRM_NOTFOUND)
			rc = crm_store_audit_anchor(s, &tail, mac);
		if (rc != CRM_OK)
			return 13;
		if (crm_store_fail_add(s, N("june"), NULL, "crm", 1000 + count)
		    != CRM_OK)
			return 14;
		fill_row(&row, N("june"), "auth_fail", 1000 + count, 0);
		memcpy(row.mac, &tail, sizeof(tail));
		row.mac[CRM_MAC_LEN - 1] = (unsigned char)n;
		if (insert_next(s, &row) != CRM_OK)
			return 15;
		if (crm_store_commit(s) != CRM_OK)
			return 16;
	}
	crm_store_close(s);
	return 0;
}

struct chain {
	int64_t prev;
	int rows, broken;
};

static int
follow_chain(void *arg, const struct crm_audit_row *r)
{
	struct chain *c = arg;
	int64_t named;

	memcpy(&named, r->mac, sizeof(named));
	if (c->rows > 0 && named != c->prev)
		c->broken++;
	c->prev = r->id;
	c->rows++;
	return 0;
}

static void
concurrent_writers_lose_no_update(void **state)
{
	struct crm_store *s = *state;
	struct crm_audit_filter mine = { NULL, NULL, 0, 0 };
	struct chain c = { 0, 0, 0 };
	pid_t pids[WORKERS];
	int64_t count = -1, latest = -1;
	int i, status, bad = 0;

	mine.user = N("june");
	for (i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(worker(i));
	}
	for (i = 0; i < WORKERS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "worker %d: status %d\n", i, status);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* Every read-modify-write was serialised: the count is exact, and
	 * the latest failure was written by a worker that saw all others. */
	assert_int_equal(crm_store_fail_count(s, N("june"), 0, &count, &latest),
			 CRM_OK);
	assert_int_equal(count, WORKERS * WORKER_TXNS);
	assert_int_equal(latest, 1000 + WORKERS * WORKER_TXNS - 1);
	/* Each row names the row before it: no two writers read one tail. */
	assert_int_equal(crm_store_audit_list(s, &mine, follow_chain, &c),
			 CRM_OK);
	assert_int_equal(c.rows, WORKERS * WORKER_TXNS);
	assert_int_equal(c.broken, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(users_are_added_read_changed_and_removed),
		T(roles_are_granted_listed_and_revoked),
		T(access_rules_are_found_by_probe_in_match_order),
		T(failures_are_counted_in_a_window_reset_and_pruned),
		T(locks_are_set_read_replaced_and_cleared),
		T(address_failures_are_counted_apart_from_users),
		T(audit_rows_keep_their_order_and_ids_and_survive_pruning),
		T(meta_values_are_binary_and_replaced),
		T(rollback_discards_and_commit_keeps),
		T(a_second_writer_waits_then_gets_busy),
		T(concurrent_writers_lose_no_update),
#undef T
	};
	const char *given = getenv("CRM_TEST_STORE_LOCATION");
	const char *work = getenv("CRM_TEST_WORK");

	if (given != NULL && *given != '\0') {
		snprintf(location, sizeof(location), "%s", given);
	} else {
		snprintf(location, sizeof(location), "%s/conformance.db",
			 work != NULL ? work : "/tmp");
		fresh_sqlite = 1;
	}
	snprintf(run_tag, sizeof(run_tag), "%ld-%ld", (long)getpid(),
		 (long)time(NULL));
	printf("# store conformance against %s\n",
	       fresh_sqlite ? location : "CRM_TEST_STORE_LOCATION");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
