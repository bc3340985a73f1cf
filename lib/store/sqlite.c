/*
 * sqlite.c - the SQLite backend of store.h, and the only file in pam-crm
 * that holds SQL.
 *
 * One connection per store, WAL journal (readers never wait for the
 * writer), foreign keys on.  Statements are prepared once per connection
 * and reused; every value is bound, never formatted into SQL.
 *
 * A PAM client opens and closes the database on every login, so what
 * SQLite does at open and close is most of a login's cost.  The WAL is
 * kept between connections (no checkpoint at close, which would sync
 * three times and delete the WAL and -shm files, only for the next login
 * to create them again); instead a commit that leaves WAL_CHECKPOINT_FRAMES
 * or more frames checkpoints and truncates the WAL, so that it stays small
 * and the next open has little to read.  durability=normal
 * (synchronous=NORMAL) syncs at that checkpoint only: a power cut may lose
 * the commits since the last one, never corrupt the file.  durability=full
 * (synchronous=FULL) syncs the WAL at every commit.  A crash of the
 * process loses nothing committed in either mode: the WAL is written
 * before COMMIT returns.
 */
#include "autoconfig.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/crypto.h"
#include "core/clock.h"
#include "store/sqlite.h"
#include "store/store.h"

/* ---- schema: numbered migrations, never edited once released ---- */

static const char *const migrations[] = {
	/* 1: users, roles, lockout, audit */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  dept TEXT,"
	"  password_hash TEXT,"
	"  status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),"
	"  suspended_until INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  password_changed INTEGER NOT NULL DEFAULT 0,"
	"  last_login INTEGER NOT NULL DEFAULT 0,"
	"  must_change INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE roles ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  scope INTEGER NOT NULL CHECK (scope IN (0, 1, 2)));"
	"CREATE TABLE user_roles ("
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (user_id, role_id)) WITHOUT ROWID;"
	"CREATE INDEX user_roles_role ON user_roles(role_id);"
	/* Failures are keyed by the name typed, known or not. */
	"CREATE TABLE failures ("
	"  id INTEGER PRIMARY KEY,"
	"  user TEXT NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  rhost TEXT,"
	"  service TEXT);"
	"CREATE INDEX failures_user_time ON failures(user, time);"
	"CREATE INDEX failures_time ON failures(time);"
	"CREATE TABLE locks ("
	"  user TEXT PRIMARY KEY,"
	"  locked INTEGER NOT NULL,"
	"  until INTEGER NOT NULL,"
	"  failures INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE rhost_failures ("
	"  id INTEGER PRIMARY KEY,"
	"  rhost TEXT NOT NULL,"
	"  time INTEGER NOT NULL);"
	"CREATE INDEX rhost_failures_rhost_time ON rhost_failures(rhost, time);"
	"CREATE INDEX rhost_failures_time ON rhost_failures(time);"
	/* AUTOINCREMENT: an id is never reused after rows are removed. */
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  time INTEGER NOT NULL,"
	"  service TEXT, user TEXT, ruser TEXT, rhost TEXT, tty TEXT,"
	"  module TEXT NOT NULL,"
	"  event TEXT NOT NULL,"
	"  result TEXT NOT NULL,"
	"  detail TEXT,"
	"  mac BLOB NOT NULL);"
	"CREATE INDEX audit_time ON audit(time);"
	"CREATE INDEX audit_user ON audit(user);"
	/* A guard against mistakes; the HMAC chain is the real protection. */
	"CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit "
	"  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
	"CREATE TABLE audit_anchor ("
	"  id INTEGER NOT NULL,"
	"  mac BLOB NOT NULL);"
	"INSERT INTO audit_anchor VALUES (0, zeroblob(32));",
	/* 2: named values of the database itself (the key check value, the
	 * authenticated audit anchor and head); failures of names that are
	 * not accounts are dropped, since version 1 kept them as typed and
	 * a name typed in the user field may be a password. */
	"CREATE TABLE meta ("
	"  name TEXT PRIMARY KEY,"
	"  value BLOB NOT NULL) WITHOUT ROWID;"
	"DELETE FROM failures WHERE user NOT IN (SELECT name FROM users);"
	"DELETE FROM locks WHERE user NOT IN (SELECT name FROM users);",
	/* 3: TOTP enrolments (the seed sealed), recovery codes (keyed
	 * hashes), and when forced enrolment was first asked for. */
	"CREATE TABLE totp ("
	"  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
	"  seed BLOB NOT NULL,"
	"  algorithm INTEGER NOT NULL CHECK (algorithm IN (0, 1, 2)),"
	"  digits INTEGER NOT NULL CHECK (digits IN (6, 7, 8)),"
	"  period INTEGER NOT NULL CHECK (period BETWEEN 1 AND 3600),"
	"  confirmed INTEGER NOT NULL DEFAULT 0,"
	"  last_step INTEGER NOT NULL DEFAULT -1,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE totp_recovery ("
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  code BLOB NOT NULL,"
	"  used INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (user_id, code)) WITHOUT ROWID;"
	"CREATE TABLE totp_grace ("
	"  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
	"  since INTEGER NOT NULL);",
	/* 4: access rules (pam_crm_access): the canonical line, and one
	 * row per place of its WHERE with the subject beside it, indexed
	 * for probes; the network lengths in use, so that a login probes
	 * only those. */
	"CREATE TABLE access_rules ("
	"  id INTEGER PRIMARY KEY,"
	"  position INTEGER NOT NULL UNIQUE,"
	"  line TEXT NOT NULL,"
	"  subject_kind INTEGER NOT NULL CHECK (subject_kind IN (0, 1, 2)),"
	"  subject TEXT NOT NULL);"
	"CREATE TABLE access_where ("
	"  rule_id INTEGER NOT NULL REFERENCES access_rules(id) ON DELETE CASCADE,"
	"  kind INTEGER NOT NULL CHECK (kind IN (0, 1, 2, 3)),"
	"  family INTEGER NOT NULL,"
	"  plen INTEGER NOT NULL,"
	"  net BLOB NOT NULL,"
	"  subject_kind INTEGER NOT NULL,"
	"  subject TEXT NOT NULL);"
	"CREATE INDEX access_where_probe ON access_where"
	"  (kind, family, plen, net, subject_kind, subject);"
	"CREATE INDEX access_where_rule ON access_where(rule_id);"
	"CREATE TABLE access_plens ("
	"  family INTEGER NOT NULL,"
	"  plen INTEGER NOT NULL,"
	"  PRIMARY KEY (family, plen)) WITHOUT ROWID;",
	/* 5: CRM accounts with a login shell (sshd, the kiosk): the uid
	 * crmauth gave them, kept when the shell is taken away so that
	 * giving one back does not hand the account another's files. */
	"ALTER TABLE users ADD COLUMN uid INTEGER"
	"  CHECK (uid IS NULL OR uid > 0);"
	"ALTER TABLE users ADD COLUMN login_shell TEXT;"
	"CREATE UNIQUE INDEX users_uid ON users(uid) WHERE uid IS NOT NULL;",
	/* 6: pam_crm_role: permissions of roles and of templates applied
	 * to roles, nested departments, linked accounts (two of one
	 * person), account switching rules. */
	"CREATE TABLE role_perms ("
	"  role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,"
	"  perm TEXT NOT NULL,"
	"  PRIMARY KEY (role_id, perm)) WITHOUT ROWID;"
	"CREATE TABLE templates ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE template_perms ("
	"  template_id INTEGER NOT NULL REFERENCES templates(id)"
	"    ON DELETE CASCADE,"
	"  perm TEXT NOT NULL,"
	"  PRIMARY KEY (template_id, perm)) WITHOUT ROWID;"
	"CREATE TABLE role_templates ("
	"  role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,"
	"  template_id INTEGER NOT NULL REFERENCES templates(id)"
	"    ON DELETE CASCADE,"
	"  PRIMARY KEY (role_id, template_id)) WITHOUT ROWID;"
	"CREATE INDEX role_templates_template ON role_templates(template_id);"
	"CREATE TABLE depts ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  parent_id INTEGER REFERENCES depts(id) ON DELETE RESTRICT);"
	"CREATE TABLE user_links ("
	"  a INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  b INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (a, b), CHECK (a < b)) WITHOUT ROWID;"
	"CREATE INDEX user_links_b ON user_links(b);"
	"CREATE TABLE switch_rules ("
	"  id INTEGER PRIMARY KEY,"
	"  from_kind INTEGER NOT NULL CHECK (from_kind IN (0, 1)),"
	"  from_name TEXT NOT NULL,"
	"  to_kind INTEGER NOT NULL CHECK (to_kind IN (0, 1)),"
	"  to_name TEXT NOT NULL,"
	"  mode INTEGER NOT NULL CHECK (mode IN (0, 1)),"
	"  UNIQUE (from_kind, from_name, to_kind, to_name));",
	/* 7: pam_crm_passwd: the hashes of the last passwords of a name,
	 * newest by id.  Keyed by name, not by users.id: with store=next
	 * the name is a system account that has no row in users.  A
	 * deleted CRM account takes its history with it. */
	"CREATE TABLE password_history ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  changed INTEGER NOT NULL,"
	"  hash TEXT NOT NULL);"
	"CREATE INDEX password_history_name ON password_history(name, id);"
	"CREATE TRIGGER users_history_delete AFTER DELETE ON users BEGIN"
	"  DELETE FROM password_history WHERE name = OLD.name;"
	" END;",
};

#define MIGRATION_COUNT ((int)CRM_ARRAY_SIZE(migrations))

/*
 * The WAL size at which a commit checkpoints.  Small, since every open
 * reads the whole WAL to rebuild its index and the frames since the last
 * checkpoint are what a power cut may lose at durability=normal.  A
 * failed login writes 14 frames (the tails of the failures, rhost and
 * audit tables and of their indexes), so a checkpoint comes every fifth
 * failure, and copies mostly the same few pages each time.
 */
#define WAL_CHECKPOINT_FRAMES 64

/* ---- statements ---- */

enum stmt_id {
	ST_BEGIN_READ, ST_BEGIN_WRITE, ST_COMMIT, ST_ROLLBACK,
	ST_USER_ADD, ST_USER_DEL, ST_USER_GET, ST_USER_STATUS,
	ST_USER_PASSWORD, ST_USER_REHASH, ST_USER_TOUCH, ST_USER_LIST,
	ST_USER_LOGIN, ST_USER_UID_TAKEN, ST_USER_LOGINS, ST_USER_MUST_CHANGE,
	ST_HISTORY_ADD, ST_HISTORY_PRUNE, ST_HISTORY_LIST,
	ST_ROLE_ADD, ST_ROLE_DEL, ST_ROLE_LIST, ST_ROLE_GRANT, ST_ROLE_REVOKE,
	ST_USER_ROLES, ST_ACCOUNT_ROLES,
	ST_FAIL_ADD, ST_FAIL_COUNT, ST_FAIL_RESET, ST_FAIL_PRUNE,
	ST_RHOST_PRUNE, ST_FAIL_LIST,
	ST_LOCK_GET, ST_LOCK_SET, ST_LOCK_CLEAR,
	ST_RHOST_ADD, ST_RHOST_COUNT, ST_RHOST_RESET, ST_RHOST_LIST,
	ST_AUDIT_TAIL, ST_AUDIT_INSERT, ST_AUDIT_LIST, ST_AUDIT_ANCHOR,
	ST_AUDIT_MAC, ST_AUDIT_PRUNE_FIND, ST_AUDIT_PRUNE_ANCHOR,
	ST_AUDIT_PRUNE_DELETE,
	ST_META_GET, ST_META_SET,
	ST_ROLE_PERM_ADD, ST_ROLE_PERMS, ST_TEMPLATE_ADD, ST_TEMPLATE_PERM_ADD,
	ST_TEMPLATE_LIST, ST_TEMPLATE_PERMS, ST_TEMPLATE_APPLY,
	ST_ROLE_TEMPLATES, ST_DEPT_ADD, ST_DEPT_LIST, ST_DEPT_CHAIN,
	ST_LINK_ADD, ST_LINKED, ST_LINKS, ST_SWITCH_ADD, ST_SWITCH_DEL,
	ST_SWITCH_LIST, ST_SWITCH_FROM, ST_USER_PERMS, ST_USER_SCOPE,
	ST_TOTP_GET, ST_TOTP_PUT, ST_TOTP_DEL, ST_TOTP_CONFIRM, ST_TOTP_STEP,
	ST_RECOVERY_ADD, ST_RECOVERY_CLEAR, ST_RECOVERY_USE, ST_RECOVERY_COUNT,
	ST_RECOVERY_LIST,
	ST_GRACE_GET, ST_GRACE_SET,
	ST_ACCESS_ADD, ST_ACCESS_WHERE_ADD, ST_ACCESS_PLEN_ADD, ST_ACCESS_DEL,
	ST_ACCESS_PLEN_PRUNE, ST_ACCESS_LIST, ST_ACCESS_PLENS, ST_ACCESS_PROBE,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN_READ] = "BEGIN",
	[ST_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_USER_ADD] =
		"INSERT INTO users (name, dept, password_hash, created,"
		" password_changed) VALUES (?1, ?2, ?3, ?4,"
		" CASE WHEN ?3 IS NULL THEN 0 ELSE ?4 END)",
	[ST_USER_DEL] = "DELETE FROM users WHERE name = ?1",
	[ST_USER_GET] =
		"SELECT id, name, dept, password_hash, status, suspended_until,"
		" created, password_changed, last_login, must_change, uid,"
		" login_shell FROM users WHERE name = ?1",
	[ST_USER_STATUS] =
		"UPDATE users SET status = ?2, suspended_until = ?3"
		" WHERE name = ?1",
	[ST_USER_PASSWORD] =
		"UPDATE users SET password_hash = ?2, password_changed = ?3,"
		" must_change = 0 WHERE name = ?1",
	[ST_USER_MUST_CHANGE] =
		"UPDATE users SET must_change = ?2 WHERE name = ?1",
	[ST_HISTORY_ADD] =
		"INSERT INTO password_history (name, changed, hash)"
		" VALUES (?1, ?2, ?3)",
	/* Keep the newest ?2 of name. */
	[ST_HISTORY_PRUNE] =
		"DELETE FROM password_history WHERE name = ?1 AND id NOT IN"
		" (SELECT id FROM password_history WHERE name = ?1"
		"  ORDER BY id DESC LIMIT ?2)",
	[ST_HISTORY_LIST] =
		"SELECT hash FROM password_history WHERE name = ?1"
		" ORDER BY id DESC LIMIT ?2",
	/* Only the hash: the password is the same, its age too. */
	[ST_USER_REHASH] =
		"UPDATE users SET password_hash = ?3"
		" WHERE name = ?1 AND password_hash = ?2",
	[ST_USER_TOUCH] = "UPDATE users SET last_login = ?2 WHERE name = ?1",
	[ST_USER_LIST] =
		"SELECT id, name, dept, NULL, status, suspended_until,"
		" created, password_changed, last_login, must_change, uid,"
		" login_shell FROM users ORDER BY name",
	[ST_USER_LOGIN] =
		"UPDATE users SET uid = ?2, login_shell = ?3 WHERE name = ?1",
	[ST_USER_UID_TAKEN] = "SELECT 1 FROM users WHERE uid = ?1",
	/* Through the partial index users_uid: the accounts with a uid,
	 * not every account. */
	[ST_USER_LOGINS] =
		"SELECT id, name, dept, NULL, status, suspended_until,"
		" created, password_changed, last_login, must_change, uid,"
		" login_shell FROM users"
		" WHERE uid IS NOT NULL AND login_shell IS NOT NULL ORDER BY uid",
	[ST_ROLE_ADD] = "INSERT INTO roles (name, scope) VALUES (?1, ?2)",
	[ST_ROLE_DEL] = "DELETE FROM roles WHERE name = ?1",
	[ST_ROLE_LIST] =
		"SELECT r.id, r.name, r.scope,"
		" (SELECT count(*) FROM user_roles ur WHERE ur.role_id = r.id)"
		" FROM roles r ORDER BY r.name",
	[ST_ROLE_GRANT] =
		"INSERT INTO user_roles (user_id, role_id)"
		" SELECT u.id, r.id FROM users u, roles r"
		" WHERE u.name = ?1 AND r.name = ?2",
	[ST_ROLE_REVOKE] =
		"DELETE FROM user_roles"
		" WHERE user_id = (SELECT id FROM users WHERE name = ?1)"
		" AND role_id = (SELECT id FROM roles WHERE name = ?2)",
	[ST_USER_ROLES] =
		"SELECT r.name FROM users u"
		" JOIN user_roles ur ON ur.user_id = u.id"
		" JOIN roles r ON r.id = ur.role_id"
		" WHERE u.name = ?1 ORDER BY r.name",
	/* One row with a NULL name for an account without roles, none for
	 * a name that is no account. */
	[ST_ACCOUNT_ROLES] =
		"SELECT r.name FROM users u"
		" LEFT JOIN user_roles ur ON ur.user_id = u.id"
		" LEFT JOIN roles r ON r.id = ur.role_id"
		" WHERE u.name = ?1 ORDER BY r.name",
	[ST_FAIL_ADD] =
		"INSERT INTO failures (user, time, rhost, service)"
		" VALUES (?1, ?2, ?3, ?4)",
	[ST_FAIL_COUNT] =
		"SELECT count(*), coalesce(max(time), 0) FROM failures"
		" WHERE user = ?1 AND time >= ?2",
	[ST_FAIL_RESET] = "DELETE FROM failures WHERE user = ?1",
	[ST_FAIL_PRUNE] = "DELETE FROM failures WHERE time < ?1",
	[ST_RHOST_PRUNE] = "DELETE FROM rhost_failures WHERE time < ?1",
	[ST_FAIL_LIST] =
		"WITH names AS ("
		"  SELECT user FROM failures"
		"   WHERE time >= ?1 AND (?2 IS NULL OR user = ?2)"
		"  UNION SELECT user FROM locks WHERE ?2 IS NULL OR user = ?2)"
		" SELECT n.user,"
		"  (SELECT count(*) FROM failures f"
		"    WHERE f.user = n.user AND f.time >= ?1),"
		"  (SELECT coalesce(min(time), 0) FROM failures f"
		"    WHERE f.user = n.user AND f.time >= ?1),"
		"  (SELECT coalesce(max(time), 0) FROM failures f"
		"    WHERE f.user = n.user AND f.time >= ?1),"
		"  (SELECT rhost FROM failures f WHERE f.user = n.user"
		"    ORDER BY time DESC LIMIT 1),"
		"  coalesce(l.until, -1), coalesce(l.failures, 0)"
		" FROM names n LEFT JOIN locks l ON l.user = n.user"
		" ORDER BY n.user",
	[ST_LOCK_GET] =
		"SELECT locked, until, failures FROM locks WHERE user = ?1",
	[ST_LOCK_SET] =
		"INSERT OR REPLACE INTO locks (user, locked, until, failures)"
		" VALUES (?1, ?2, ?3, ?4)",
	[ST_LOCK_CLEAR] = "DELETE FROM locks WHERE user = ?1",
	[ST_RHOST_ADD] =
		"INSERT INTO rhost_failures (rhost, time) VALUES (?1, ?2)",
	[ST_RHOST_COUNT] =
		"SELECT count(*) FROM rhost_failures"
		" WHERE rhost = ?1 AND time >= ?2",
	[ST_RHOST_RESET] = "DELETE FROM rhost_failures WHERE rhost = ?1",
	[ST_RHOST_LIST] =
		"SELECT rhost, count(*), max(time) FROM rhost_failures"
		" WHERE time >= ?1 GROUP BY rhost ORDER BY rhost",
	[ST_AUDIT_TAIL] = "SELECT id, mac FROM audit ORDER BY id DESC LIMIT 1",
	[ST_AUDIT_INSERT] =
		"INSERT INTO audit (id, time, service, user, ruser, rhost, tty,"
		" module, event, result, detail, mac)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[ST_AUDIT_LIST] =
		"SELECT id, time, service, user, ruser, rhost, tty, module,"
		" event, result, detail, mac FROM audit"
		" WHERE (?1 IS NULL OR user = ?1) AND (?2 IS NULL OR event = ?2)"
		" AND time >= ?3 AND id > ?4 ORDER BY id",
	[ST_AUDIT_ANCHOR] = "SELECT id, mac FROM audit_anchor",
	[ST_AUDIT_MAC] = "SELECT id, mac FROM audit WHERE id = ?1",
	[ST_AUDIT_PRUNE_FIND] =
		"SELECT id, mac FROM audit WHERE time < ?1"
		" ORDER BY id DESC LIMIT 1",
	[ST_AUDIT_PRUNE_ANCHOR] = "UPDATE audit_anchor SET id = ?1, mac = ?2",
	[ST_AUDIT_PRUNE_DELETE] = "DELETE FROM audit WHERE id <= ?1",
	[ST_META_GET] = "SELECT value FROM meta WHERE name = ?1",
	[ST_META_SET] =
		"INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2)",
	[ST_ROLE_PERM_ADD] =
		"INSERT INTO role_perms (role_id, perm)"
		" SELECT id, ?2 FROM roles WHERE name = ?1",
	[ST_ROLE_PERMS] =
		"SELECT p.perm FROM roles r JOIN role_perms p ON p.role_id = r.id"
		" WHERE r.name = ?1 ORDER BY p.perm",
	[ST_TEMPLATE_ADD] = "INSERT INTO templates (name) VALUES (?1)",
	[ST_TEMPLATE_PERM_ADD] =
		"INSERT INTO template_perms (template_id, perm)"
		" SELECT id, ?2 FROM templates WHERE name = ?1",
	[ST_TEMPLATE_LIST] = "SELECT name FROM templates ORDER BY name",
	[ST_TEMPLATE_PERMS] =
		"SELECT p.perm FROM templates t"
		" JOIN template_perms p ON p.template_id = t.id"
		" WHERE t.name = ?1 ORDER BY p.perm",
	[ST_TEMPLATE_APPLY] =
		"INSERT INTO role_templates (role_id, template_id)"
		" SELECT r.id, t.id FROM roles r, templates t"
		" WHERE r.name = ?1 AND t.name = ?2",
	[ST_ROLE_TEMPLATES] =
		"SELECT t.name FROM roles r"
		" JOIN role_templates rt ON rt.role_id = r.id"
		" JOIN templates t ON t.id = rt.template_id"
		" WHERE r.name = ?1 ORDER BY t.name",
	[ST_DEPT_ADD] =
		"INSERT INTO depts (name, parent_id) SELECT ?1, CASE"
		" WHEN ?2 IS NULL THEN NULL"
		" ELSE (SELECT id FROM depts WHERE name = ?2) END"
		" WHERE ?2 IS NULL OR EXISTS (SELECT 1 FROM depts WHERE name = ?2)",
	[ST_DEPT_LIST] =
		"SELECT d.name, p.name FROM depts d"
		" LEFT JOIN depts p ON p.id = d.parent_id ORDER BY d.name",
	/* Root first; bounded, so that a cycle written into the file by
	 * hand ends (and is then refused by the caller). */
	[ST_DEPT_CHAIN] =
		"WITH RECURSIVE chain(id, name, parent_id, depth) AS ("
		"  SELECT id, name, parent_id, 0 FROM depts WHERE name = ?1"
		"  UNION ALL"
		"  SELECT d.id, d.name, d.parent_id, c.depth + 1"
		"  FROM depts d JOIN chain c ON d.id = c.parent_id"
		"  WHERE c.depth < ?2)"
		" SELECT name, depth FROM chain ORDER BY depth DESC",
	[ST_LINK_ADD] =
		"INSERT INTO user_links (a, b)"
		" SELECT min(x.id, y.id), max(x.id, y.id) FROM users x, users y"
		" WHERE x.name = ?1 AND y.name = ?2 AND x.id <> y.id",
	[ST_LINKED] =
		"SELECT 1 FROM user_links l, users x, users y"
		" WHERE x.name = ?1 AND y.name = ?2"
		" AND l.a = min(x.id, y.id) AND l.b = max(x.id, y.id)",
	[ST_LINKS] =
		"SELECT o.name FROM users u JOIN user_links l"
		"  ON u.id IN (l.a, l.b)"
		" JOIN users o ON o.id = CASE WHEN l.a = u.id THEN l.b ELSE l.a END"
		" WHERE u.name = ?1 ORDER BY o.name",
	[ST_SWITCH_ADD] =
		"INSERT INTO switch_rules (from_kind, from_name, to_kind, to_name,"
		" mode) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_SWITCH_DEL] = "DELETE FROM switch_rules WHERE id = ?1",
	[ST_SWITCH_LIST] =
		"SELECT id, from_kind, from_name, to_kind, to_name, mode"
		" FROM switch_rules ORDER BY id",
	/* The rules whose FROM is this user or one of its roles. */
	[ST_SWITCH_FROM] =
		"SELECT id, from_kind, from_name, to_kind, to_name, mode"
		" FROM switch_rules WHERE (from_kind = 0 AND from_name = ?1)"
		" OR (from_kind = 1 AND from_name IN (SELECT r.name FROM users u"
		"  JOIN user_roles ur ON ur.user_id = u.id"
		"  JOIN roles r ON r.id = ur.role_id WHERE u.name = ?1))"
		" ORDER BY id",
	/* Union of the user's roles' own permissions and of the templates
	 * applied to them: sorted, each once. */
	[ST_USER_PERMS] =
		"SELECT p.perm FROM users u"
		" JOIN user_roles ur ON ur.user_id = u.id"
		" JOIN role_perms p ON p.role_id = ur.role_id WHERE u.name = ?1"
		" UNION"
		" SELECT tp.perm FROM users u"
		" JOIN user_roles ur ON ur.user_id = u.id"
		" JOIN role_templates rt ON rt.role_id = ur.role_id"
		" JOIN template_perms tp ON tp.template_id = rt.template_id"
		" WHERE u.name = ?1 ORDER BY 1",
	[ST_USER_SCOPE] =
		"SELECT max(r.scope), count(*) FROM users u"
		" JOIN user_roles ur ON ur.user_id = u.id"
		" JOIN roles r ON r.id = ur.role_id WHERE u.name = ?1",
	[ST_TOTP_GET] =
		"SELECT t.user_id, t.seed, t.algorithm, t.digits, t.period,"
		" t.confirmed, t.last_step, t.created"
		" FROM users u JOIN totp t ON t.user_id = u.id WHERE u.name = ?1",
	[ST_TOTP_PUT] =
		"INSERT OR REPLACE INTO totp (user_id, seed, algorithm, digits,"
		" period, confirmed, last_step, created)"
		" VALUES (?1, ?2, ?3, ?4, ?5, 0, -1, ?6)",
	[ST_TOTP_DEL] =
		"DELETE FROM totp"
		" WHERE user_id = (SELECT id FROM users WHERE name = ?1)",
	[ST_TOTP_CONFIRM] =
		"UPDATE totp SET confirmed = ?2"
		" WHERE user_id = ?1 AND confirmed = 0",
	[ST_TOTP_STEP] =
		"UPDATE totp SET last_step = ?2"
		" WHERE user_id = ?1 AND last_step < ?2",
	[ST_RECOVERY_ADD] =
		"INSERT INTO totp_recovery (user_id, code) VALUES (?1, ?2)",
	[ST_RECOVERY_CLEAR] = "DELETE FROM totp_recovery WHERE user_id = ?1",
	[ST_RECOVERY_USE] =
		"UPDATE totp_recovery SET used = ?3"
		" WHERE user_id = ?1 AND code = ?2 AND used = 0",
	[ST_RECOVERY_COUNT] =
		"SELECT coalesce(sum(used = 0), 0), coalesce(sum(used <> 0), 0)"
		" FROM totp_recovery WHERE user_id = ?1",
	[ST_RECOVERY_LIST] =
		"SELECT code, used FROM totp_recovery WHERE user_id = ?1"
		" ORDER BY code",
	[ST_GRACE_GET] = "SELECT since FROM totp_grace WHERE user_id = ?1",
	[ST_GRACE_SET] =
		"INSERT OR REPLACE INTO totp_grace (user_id, since) VALUES (?1, ?2)",
	[ST_ACCESS_ADD] =
		"INSERT INTO access_rules (position, line, subject_kind, subject)"
		" VALUES ((SELECT coalesce(max(position), 0) + 1"
		" FROM access_rules), ?1, ?2, ?3)",
	[ST_ACCESS_WHERE_ADD] =
		"INSERT INTO access_where (rule_id, kind, family, plen, net,"
		" subject_kind, subject) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_ACCESS_PLEN_ADD] =
		"INSERT OR IGNORE INTO access_plens (family, plen) VALUES (?1, ?2)",
	[ST_ACCESS_DEL] = "DELETE FROM access_rules WHERE id = ?1",
	[ST_ACCESS_PLEN_PRUNE] =
		"DELETE FROM access_plens WHERE NOT EXISTS (SELECT 1"
		" FROM access_where w WHERE w.kind = 0"
		" AND w.family = access_plens.family"
		" AND w.plen = access_plens.plen)",
	[ST_ACCESS_LIST] =
		"SELECT id, position, line FROM access_rules ORDER BY position",
	[ST_ACCESS_PLENS] =
		"SELECT plen FROM access_plens WHERE family = ?1 ORDER BY plen",
	[ST_ACCESS_PROBE] =
		"SELECT r.id, r.position, r.line FROM access_where w"
		" JOIN access_rules r ON r.id = w.rule_id"
		" WHERE w.kind = ?1 AND w.family = ?2 AND w.plen = ?3"
		" AND w.net = ?4 AND w.subject_kind = ?5 AND w.subject = ?6",
};

struct crm_store {
	sqlite3 *db;
	sqlite3_stmt *stmts[ST_COUNT];
	unsigned long busy_timeout_ms;	/* budget of all waits together */
	unsigned long busy_spent_ms;	/* waited so far, all waits */
	int64_t busy_last_ms;		/* monotonic, last call of this wait */
	unsigned int jitter_seed;
	/* crm-authd's workers: one process's writers queue here rather
	 * than sleep in busy_wait against each other. */
	pthread_mutex_t *write_lock;
	int write_locked;
	char errmsg[256];
};

/* ---- helpers ---- */

static int
map_rc(struct crm_store *s, int rc)
{
	if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
		return CRM_OK;
	snprintf(s->errmsg, sizeof(s->errmsg), "%s",
		 s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return CRM_BUSY;
	case SQLITE_NOMEM:
		return CRM_ENOMEM;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE ||
		    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return CRM_EXISTS;
		return CRM_INVALID;
	default:
		return CRM_EDB;
	}
}

/* A ready statement: prepared on first use, reset and unbound after. */
static int
stmt(struct crm_store *s, enum stmt_id id, sqlite3_stmt **out)
{
	int rc;

	if (s->stmts[id] == NULL) {
		rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1,
					SQLITE_PREPARE_PERSISTENT,
					&s->stmts[id], NULL);
		if (rc != SQLITE_OK)
			return map_rc(s, rc);
	}
	*out = s->stmts[id];
	return CRM_OK;
}

static void
done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int
bind_text(sqlite3_stmt *st, int idx, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, text, -1, SQLITE_STATIC);
}

/* Run a statement that returns no rows. */
static int
run(struct crm_store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	rc = rc == SQLITE_DONE ? CRM_OK : map_rc(s, rc);
	done(st);
	return rc;
}

static char *
column_dup(sqlite3_stmt *st, int col, int *oom)
{
	const unsigned char *text = sqlite3_column_text(st, col);
	char *copy;

	if (text == NULL)
		return NULL;
	copy = strdup((const char *)text);
	if (copy == NULL)
		*oom = 1;
	return copy;
}

static const char *
column_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

static int
exec_sql(struct crm_store *s, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK && msg != NULL) {
		snprintf(s->errmsg, sizeof(s->errmsg), "%s", msg);
		sqlite3_free(msg);
		switch (rc & 0xff) {
		case SQLITE_BUSY:
		case SQLITE_LOCKED:
			return CRM_BUSY;
		case SQLITE_NOMEM:
			return CRM_ENOMEM;
		default:
			return CRM_EDB;
		}
	}
	sqlite3_free(msg);
	return rc == SQLITE_OK ? CRM_OK : map_rc(s, rc);
}

static int
schema_version(struct crm_store *s, int *version)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(s, rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		rc = CRM_OK;
	} else {
		rc = map_rc(s, rc);
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- waiting for the write lock ---- */


/*
 * SQLite's own busy handler backs off to 100 ms between tries, and the
 * lock goes to whoever asks at the right moment: with many logins at
 * once a waiter can lose every race until its timeout, and its failure
 * would go uncounted.  Short jittered sleeps give every waiter many
 * chances.
 *
 * busy_timeout_ms is a budget for the store, not for one wait: a PAM
 * handle keeps one store for every module of its stack, and a login in
 * which two modules write (pam_crm_passwd's audit row, then authfail)
 * must not keep the client waiting twice as long.  Each call charges the
 * time since the previous one of the same wait to the store.
 */
static int
busy_wait(void *arg, int attempts)
{
	struct crm_store *s = arg;
	struct timespec pause;
	int64_t now = crm_monotonic_ms();

	if (attempts > 0 && now > s->busy_last_ms)
		s->busy_spent_ms += (unsigned long)(now - s->busy_last_ms);
	if (s->busy_spent_ms >= s->busy_timeout_ms) {
		s->busy_spent_ms = s->busy_timeout_ms;
		return 0;
	}
	s->busy_last_ms = now;
	pause.tv_sec = 0;
	pause.tv_nsec = (1 + rand_r(&s->jitter_seed) % 4) * 1000000L;
	nanosleep(&pause, NULL);
	return 1;
}

/*
 * Called after every commit (the write lock released) with the WAL's size
 * in frames.  The checkpoint runs without the busy handler: it must not
 * spend the login's busy budget, nor wait for another process's readers;
 * when one holds the WAL the checkpoint copies what it can and a later
 * commit tries again.  The commit has happened whatever the checkpoint
 * does, so its outcome is never the commit's.
 */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct crm_store *s = arg;

	if (frames < WAL_CHECKPOINT_FRAMES)
		return SQLITE_OK;
	sqlite3_busy_handler(db, NULL, NULL);
	(void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE,
					NULL, NULL);
	sqlite3_busy_handler(db, busy_wait, s);
	return SQLITE_OK;
}

/* ---- open, close, transactions ---- */

int
crm_sqlite_open(const char *location, enum crm_store_mode mode,
		unsigned long busy_timeout_ms, enum crm_durability durability,
		struct crm_store **out, char *err, size_t errlen)
{
	struct crm_store *s;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE;
	int rc, version = -1;

	*out = NULL;
	if (mode == CRM_STORE_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "database %s: out of memory", location);
		return CRM_ENOMEM;
	}
	rc = sqlite3_open_v2(location, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "database %s: %s", location,
			 s->db != NULL ? sqlite3_errmsg(s->db)
				       : sqlite3_errstr(rc));
		rc = rc == SQLITE_NOMEM ? CRM_ENOMEM : CRM_EDB;
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	s->busy_timeout_ms = busy_timeout_ms;
	s->jitter_seed = (unsigned int)getpid() ^ (unsigned int)crm_monotonic_ms();
	sqlite3_busy_handler(s->db, busy_wait, s);
	rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
			       NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "database %s: %s", location,
			 sqlite3_errmsg(s->db));
		rc = map_rc(s, rc);
		goto fail;
	}
	sqlite3_wal_hook(s->db, wal_hook, s);
	/* Reading the version is the first read of the file: a missing,
	 * unreadable or corrupt database fails here. */
	rc = exec_sql(s, durability == CRM_DURABILITY_FULL ?
			 "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;" :
			 "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
	if (rc == CRM_OK)
		rc = schema_version(s, &version);
	if (rc != CRM_OK) {
		snprintf(err, errlen, "database %s: %s", location, s->errmsg);
		goto fail;
	}
	if (mode == CRM_STORE_EXISTING && version != CRM_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "database %s: schema version %d, this build needs %d "
			 "(run crmauth init)", location, version,
			 CRM_SCHEMA_VERSION);
		rc = CRM_EDB;
		goto fail;
	}
	*out = s;
	return CRM_OK;
fail:
	crm_store_close(s);
	return rc;
}

void
crm_store_close(struct crm_store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	sqlite3_close_v2(s->db);
	free(s);
}

void
crm_store_busy_budget(struct crm_store *s, unsigned long ms)
{
	s->busy_timeout_ms = ms;
	s->busy_spent_ms = 0;
}

unsigned long
crm_store_busy_spent(const struct crm_store *s)
{
	return s->busy_spent_ms;
}

const char *
crm_store_errmsg(const struct crm_store *s)
{
	return s->errmsg[0] != '\0' ? s->errmsg : "no error";
}

int
crm_store_migrate(struct crm_store *s, int *from_version)
{
	int rc, version = 0, v;

	/* WAL mode is a property of the file: set once, kept for good. */
	rc = exec_sql(s, "PRAGMA journal_mode = WAL;");
	if (rc != CRM_OK)
		return rc;
	rc = exec_sql(s, "BEGIN IMMEDIATE");
	if (rc != CRM_OK)
		return rc;
	rc = schema_version(s, &version);
	if (rc != CRM_OK)
		goto fail;
	if (from_version != NULL)
		*from_version = version;
	if (version > MIGRATION_COUNT) {
		snprintf(s->errmsg, sizeof(s->errmsg),
			 "schema version %d is newer than this build (%d)",
			 version, MIGRATION_COUNT);
		rc = CRM_EDB;
		goto fail;
	}
	for (v = version; v < MIGRATION_COUNT; v++) {
		char pragma[64];

		rc = exec_sql(s, migrations[v]);
		if (rc != CRM_OK)
			goto fail;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
			 v + 1);
		rc = exec_sql(s, pragma);
		if (rc != CRM_OK)
			goto fail;
	}
	return exec_sql(s, "COMMIT");
fail:
	exec_sql(s, "ROLLBACK");
	return rc;
}

static void
write_unlock(struct crm_store *s)
{
	if (s->write_locked) {
		s->write_locked = 0;
		pthread_mutex_unlock(s->write_lock);
	}
}

void
crm_store_share_write_lock(struct crm_store *s, pthread_mutex_t *lock)
{
	s->write_lock = lock;
}

int
crm_store_begin(struct crm_store *s, enum crm_txn txn)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (txn == CRM_TXN_WRITE && s->write_lock != NULL &&
	    !s->write_locked) {
		pthread_mutex_lock(s->write_lock);
		s->write_locked = 1;
	}
	rc = stmt(s, txn == CRM_TXN_WRITE ? ST_BEGIN_WRITE : ST_BEGIN_READ,
		  &st);
	if (rc == CRM_OK)
		rc = run(s, st);
	if (rc != CRM_OK)
		write_unlock(s);
	return rc;
}

int
crm_store_commit(struct crm_store *s)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_COMMIT, &st);

	if (rc == CRM_OK)
		rc = run(s, st);
	if (rc != CRM_OK)
		crm_store_rollback(s);
	write_unlock(s);
	return rc;
}

void
crm_store_rollback(struct crm_store *s)
{
	sqlite3_stmt *st = NULL;

	if (!sqlite3_get_autocommit(s->db) &&
	    stmt(s, ST_ROLLBACK, &st) == CRM_OK)
		run(s, st);
	write_unlock(s);
}

/* ---- users ---- */

/* Changes-counting statements: CRM_NOTFOUND when nothing matched. */
static int
run_changed(struct crm_store *s, sqlite3_stmt *st)
{
	int rc = run(s, st);

	if (rc == CRM_OK && sqlite3_changes(s->db) == 0)
		rc = CRM_NOTFOUND;
	return rc;
}

int
crm_store_user_add(struct crm_store *s, const char *name, const char *dept,
		   const char *password_hash, int64_t now_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_USER_ADD, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	bind_text(st, 2, dept);
	bind_text(st, 3, password_hash);
	sqlite3_bind_int64(st, 4, now_ms);
	return run(s, st);
}

int
crm_store_user_del(struct crm_store *s, const char *name)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_USER_DEL, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	return run_changed(s, st);
}

static int
read_user(sqlite3_stmt *st, struct crm_user *u)
{
	int oom = 0;

	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, 0);
	u->name = column_dup(st, 1, &oom);
	u->dept = column_dup(st, 2, &oom);
	u->password_hash = column_dup(st, 3, &oom);
	u->status = (enum crm_user_status)sqlite3_column_int(st, 4);
	u->suspended_until_ms = sqlite3_column_int64(st, 5);
	u->created_ms = sqlite3_column_int64(st, 6);
	u->password_changed_ms = sqlite3_column_int64(st, 7);
	u->last_login_ms = sqlite3_column_int64(st, 8);
	u->must_change = sqlite3_column_int(st, 9);
	u->uid = sqlite3_column_int64(st, 10);
	u->login_shell = column_dup(st, 11, &oom);
	if (oom || u->name == NULL) {
		crm_user_clear(u);
		return CRM_ENOMEM;
	}
	return CRM_OK;
}

int
crm_store_user_get(struct crm_store *s, const char *name,
		   struct crm_user *out)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_USER_GET, &st);

	memset(out, 0, sizeof(*out));
	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = read_user(st, out);
	else if (rc == SQLITE_DONE)
		rc = CRM_NOTFOUND;
	else
		rc = map_rc(s, rc);
	done(st);
	return rc;
}

int
crm_store_user_set_status(struct crm_store *s, const char *name,
			  enum crm_user_status status, int64_t until_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_USER_STATUS, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, (int)status);
	sqlite3_bind_int64(st, 3, status == CRM_USER_SUSPENDED ? until_ms : 0);
	return run_changed(s, st);
}

int
crm_store_user_set_password(struct crm_store *s, const char *name,
			    const char *password_hash, int64_t now_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_USER_PASSWORD, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	bind_text(st, 2, password_hash);
	sqlite3_bind_int64(st, 3, now_ms);
	return run_changed(s, st);
}

int
crm_store_user_set_must_change(struct crm_store *s, const char *name,
			       int must_change)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_USER_MUST_CHANGE, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, must_change ? 1 : 0);
	return run_changed(s, st);
}

int
crm_store_history_add(struct crm_store *s, const char *name,
		      const char *hash, int64_t now_ms, unsigned long keep)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (keep > 0) {
		rc = stmt(s, ST_HISTORY_ADD, &st);
		if (rc != CRM_OK)
			return rc;
		bind_text(st, 1, name);
		sqlite3_bind_int64(st, 2, now_ms);
		bind_text(st, 3, hash);
		rc = run(s, st);
		if (rc != CRM_OK)
			return rc;
	}
	rc = stmt(s, ST_HISTORY_PRUNE, &st);
	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)keep);
	return run(s, st);
}

int
crm_store_user_rehash(struct crm_store *s, const char *name,
		      const char *old_hash, const char *new_hash)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_USER_REHASH, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	bind_text(st, 2, old_hash);
	bind_text(st, 3, new_hash);
	return run_changed(s, st);
}

int
crm_store_user_touch_login(struct crm_store *s, const char *name,
			   int64_t now_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_USER_TOUCH, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, now_ms);
	return run_changed(s, st);
}

/* Step through rows, handing each to visit; stops early on non-zero. */
typedef int (*row_fn)(sqlite3_stmt *st, void *arg);

static int
each_row(struct crm_store *s, sqlite3_stmt *st, row_fn visit, void *arg)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int stop = visit(st, arg);

		if (stop != 0) {
			done(st);
			return stop > 0 && stop <= CRM_ECRYPTO ? stop
							       : CRM_INVALID;
		}
	}
	rc = rc == SQLITE_DONE ? CRM_OK : map_rc(s, rc);
	done(st);
	return rc;
}

struct user_visit {
	crm_user_cb cb;
	void *arg;
};

static int
visit_user(sqlite3_stmt *st, void *arg)
{
	struct user_visit *v = arg;
	struct crm_user u;
	int rc = read_user(st, &u);

	if (rc == CRM_OK)
		rc = v->cb(v->arg, &u);
	crm_user_clear(&u);
	return rc;
}

static int
users_of(struct crm_store *s, enum stmt_id id, crm_user_cb cb, void *arg)
{
	struct user_visit v = { cb, arg };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, id, &st);

	return rc != CRM_OK ? rc : each_row(s, st, visit_user, &v);
}

int
crm_store_user_list(struct crm_store *s, crm_user_cb cb, void *arg)
{
	return users_of(s, ST_USER_LIST, cb, arg);
}

int
crm_store_login_users(struct crm_store *s, crm_user_cb cb, void *arg)
{
	return users_of(s, ST_USER_LOGINS, cb, arg);
}

int
crm_store_user_set_login(struct crm_store *s, const char *name, int64_t uid,
			 const char *login_shell)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_USER_LOGIN, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	if (uid > 0)
		sqlite3_bind_int64(st, 2, uid);
	else
		sqlite3_bind_null(st, 2);
	bind_text(st, 3, login_shell);
	return run_changed(s, st);
}

int
crm_store_uid_taken(struct crm_store *s, int64_t uid, int *taken)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_USER_UID_TAKEN, &st);

	*taken = 0;
	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, uid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*taken = 1;
	rc = map_rc(s, rc);
	done(st);
	return rc;
}

/* ---- roles ---- */

int
crm_store_role_add(struct crm_store *s, const char *name,
		   enum crm_scope scope)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_ROLE_ADD, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, (int)scope);
	return run(s, st);
}

int
crm_store_role_del(struct crm_store *s, const char *name)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_ROLE_DEL, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	return run_changed(s, st);
}

struct role_visit {
	crm_role_cb cb;
	void *arg;
};

static int
visit_role(sqlite3_stmt *st, void *arg)
{
	struct role_visit *v = arg;
	struct crm_role r;

	r.id = sqlite3_column_int64(st, 0);
	r.name = (char *)(uintptr_t)column_text(st, 1);
	r.scope = (enum crm_scope)sqlite3_column_int(st, 2);
	r.members = sqlite3_column_int64(st, 3);
	return r.name == NULL ? CRM_ENOMEM : v->cb(v->arg, &r);
}

int
crm_store_role_list(struct crm_store *s, crm_role_cb cb, void *arg)
{
	struct role_visit v = { cb, arg };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_ROLE_LIST, &st);

	return rc != CRM_OK ? rc : each_row(s, st, visit_role, &v);
}

static int
user_role_change(struct crm_store *s, enum stmt_id id, const char *user,
		 const char *role)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, id, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, user);
	bind_text(st, 2, role);
	return run_changed(s, st);
}

int
crm_store_role_grant(struct crm_store *s, const char *user, const char *role)
{
	return user_role_change(s, ST_ROLE_GRANT, user, role);
}

int
crm_store_role_revoke(struct crm_store *s, const char *user, const char *role)
{
	return user_role_change(s, ST_ROLE_REVOKE, user, role);
}

struct name_visit {
	crm_name_cb cb;
	void *arg;
};

static int
visit_name(sqlite3_stmt *st, void *arg)
{
	struct name_visit *v = arg;
	const char *name = column_text(st, 0);

	return name == NULL ? CRM_ENOMEM : v->cb(v->arg, name);
}

int
crm_store_user_roles(struct crm_store *s, const char *user, crm_name_cb cb,
		     void *arg)
{
	struct name_visit v = { cb, arg };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_USER_ROLES, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, user);
	return each_row(s, st, visit_name, &v);
}

int
crm_store_history_each(struct crm_store *s, const char *name,
		       unsigned long limit, crm_name_cb cb, void *arg)
{
	struct name_visit v = { cb, arg };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_HISTORY_LIST, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	return each_row(s, st, visit_name, &v);
}

/* ---- permissions, templates, departments (pam_crm_role) ---- */

/* A statement of two names that inserts one row; CRM_NOTFOUND when the
 * row it refers to by name does not exist, CRM_EXISTS when it is there. */
static int
insert_by_names(struct crm_store *s, enum stmt_id id, const char *a,
		const char *b)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, id, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, a);
	bind_text(st, 2, b);
	return run_changed(s, st);
}

/* Each name of the first column of a one-name query. */
static int
names_of(struct crm_store *s, enum stmt_id id, const char *key,
	 crm_name_cb cb, void *arg)
{
	struct name_visit v = { cb, arg };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, id, &st);

	if (rc != CRM_OK)
		return rc;
	if (key != NULL)
		bind_text(st, 1, key);
	return each_row(s, st, visit_name, &v);
}

int
crm_store_role_perm_add(struct crm_store *s, const char *role,
			const char *perm)
{
	return insert_by_names(s, ST_ROLE_PERM_ADD, role, perm);
}

int
crm_store_role_perms(struct crm_store *s, const char *role, crm_name_cb cb,
		     void *arg)
{
	return names_of(s, ST_ROLE_PERMS, role, cb, arg);
}

int
crm_store_template_add(struct crm_store *s, const char *name)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_TEMPLATE_ADD, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	return run(s, st);
}

int
crm_store_template_perm_add(struct crm_store *s, const char *name,
			    const char *perm)
{
	return insert_by_names(s, ST_TEMPLATE_PERM_ADD, name, perm);
}

int
crm_store_template_list(struct crm_store *s, crm_name_cb cb, void *arg)
{
	return names_of(s, ST_TEMPLATE_LIST, NULL, cb, arg);
}

int
crm_store_template_perms(struct crm_store *s, const char *name,
			 crm_name_cb cb, void *arg)
{
	return names_of(s, ST_TEMPLATE_PERMS, name, cb, arg);
}

int
crm_store_template_apply(struct crm_store *s, const char *role,
			 const char *name)
{
	return insert_by_names(s, ST_TEMPLATE_APPLY, role, name);
}

int
crm_store_role_templates(struct crm_store *s, const char *role,
			 crm_name_cb cb, void *arg)
{
	return names_of(s, ST_ROLE_TEMPLATES, role, cb, arg);
}

int
crm_store_dept_add(struct crm_store *s, const char *name, const char *parent)
{
	return insert_by_names(s, ST_DEPT_ADD, name, parent);
}

struct dept_visit {
	crm_dept_cb cb;
	void *arg;
};

static int
visit_dept(sqlite3_stmt *st, void *arg)
{
	struct dept_visit *v = arg;
	const char *name = column_text(st, 0);

	if (name == NULL)
		return CRM_ENOMEM;
	return v->cb(v->arg, name, column_text(st, 1));
}

int
crm_store_dept_list(struct crm_store *s, crm_dept_cb cb, void *arg)
{
	struct dept_visit v = { cb, arg };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_DEPT_LIST, &st);

	return rc != CRM_OK ? rc : each_row(s, st, visit_dept, &v);
}

struct chain_visit {
	crm_name_cb cb;
	void *arg;
	int deepest;
};

static int
visit_chain(sqlite3_stmt *st, void *arg)
{
	struct chain_visit *v = arg;
	const char *name = column_text(st, 0);
	int depth = sqlite3_column_int(st, 1);

	if (name == NULL)
		return CRM_ENOMEM;
	if (depth > v->deepest)
		v->deepest = depth;
	return v->cb(v->arg, name);
}

int
crm_store_dept_chain(struct crm_store *s, const char *name, crm_name_cb cb,
		     void *arg)
{
	struct chain_visit v = { cb, arg, 0 };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_DEPT_CHAIN, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	/* One more than the deepest chain allowed: a chain that reaches
	 * it is longer than any crmauth makes, or a cycle. */
	sqlite3_bind_int(st, 2, CRM_DEPT_DEPTH_MAX);
	rc = each_row(s, st, visit_chain, &v);
	if (rc == CRM_OK && v.deepest >= CRM_DEPT_DEPTH_MAX) {
		snprintf(s->errmsg, sizeof(s->errmsg),
			 "department %s: parents deeper than %d or a cycle",
			 name, CRM_DEPT_DEPTH_MAX);
		rc = CRM_EDB;
	}
	return rc;
}

/* ---- linked accounts and switch rules ---- */

int
crm_store_user_link(struct crm_store *s, const char *a, const char *b)
{
	return insert_by_names(s, ST_LINK_ADD, a, b);
}

int
crm_store_users_linked(struct crm_store *s, const char *a, const char *b,
		       int *linked)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_LINKED, &st);

	*linked = 0;
	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, a);
	bind_text(st, 2, b);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*linked = 1;
	rc = map_rc(s, rc);
	done(st);
	return rc;
}

int
crm_store_user_links(struct crm_store *s, const char *user, crm_name_cb cb,
		     void *arg)
{
	return names_of(s, ST_LINKS, user, cb, arg);
}

int
crm_store_switch_add(struct crm_store *s, const struct crm_switch_rule *r,
		     int64_t *id)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_SWITCH_ADD, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int(st, 1, (int)r->from_kind);
	bind_text(st, 2, r->from_name);
	sqlite3_bind_int(st, 3, (int)r->to_kind);
	bind_text(st, 4, r->to_name);
	sqlite3_bind_int(st, 5, (int)r->mode);
	rc = run(s, st);
	if (rc == CRM_OK && id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int
crm_store_switch_del(struct crm_store *s, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_SWITCH_DEL, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	return run_changed(s, st);
}

struct switch_visit {
	crm_switch_cb cb;
	void *arg;
};

static int
visit_switch(sqlite3_stmt *st, void *arg)
{
	struct switch_visit *v = arg;
	struct crm_switch_rule r;

	r.id = sqlite3_column_int64(st, 0);
	r.from_kind = (enum crm_switch_kind)sqlite3_column_int(st, 1);
	r.from_name = column_text(st, 2);
	r.to_kind = (enum crm_switch_kind)sqlite3_column_int(st, 3);
	r.to_name = column_text(st, 4);
	r.mode = (enum crm_switch_mode)sqlite3_column_int(st, 5);
	if (r.from_name == NULL || r.to_name == NULL)
		return CRM_ENOMEM;
	return v->cb(v->arg, &r);
}

int
crm_store_switch_list(struct crm_store *s, crm_switch_cb cb, void *arg)
{
	struct switch_visit v = { cb, arg };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_SWITCH_LIST, &st);

	return rc != CRM_OK ? rc : each_row(s, st, visit_switch, &v);
}

int
crm_store_switch_from(struct crm_store *s, const char *user,
		      crm_switch_cb cb, void *arg)
{
	struct switch_visit v = { cb, arg };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_SWITCH_FROM, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, user);
	return each_row(s, st, visit_switch, &v);
}

/* ---- who a user is, for the front end ---- */

int
crm_store_user_perms(struct crm_store *s, const char *user, crm_name_cb cb,
		     void *arg)
{
	return names_of(s, ST_USER_PERMS, user, cb, arg);
}

int
crm_store_user_scope(struct crm_store *s, const char *user,
		     enum crm_scope *scope, int *nroles)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_USER_SCOPE, &st);

	*scope = CRM_SCOPE_OWN;
	*nroles = 0;
	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, user);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*nroles = sqlite3_column_int(st, 1);
		if (*nroles > 0)
			*scope = (enum crm_scope)sqlite3_column_int(st, 0);
	}
	rc = map_rc(s, rc);
	done(st);
	return rc;
}

struct account_visit {
	int *known;
	crm_name_cb cb;
	void *arg;
};

static int
visit_account(sqlite3_stmt *st, void *arg)
{
	struct account_visit *v = arg;
	const char *name;

	*v->known = 1;
	if (sqlite3_column_type(st, 0) == SQLITE_NULL)
		return 0;	/* the account holds no role */
	name = column_text(st, 0);
	return name == NULL ? CRM_ENOMEM : v->cb(v->arg, name);
}

int
crm_store_account_roles(struct crm_store *s, const char *user, int *known,
			crm_name_cb cb, void *arg)
{
	struct account_visit v = { known, cb, arg };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_ACCOUNT_ROLES, &st);

	*known = 0;
	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, user);
	return each_row(s, st, visit_account, &v);
}

/* ---- failures and locks ---- */

int
crm_store_fail_add(struct crm_store *s, const char *user, const char *rhost,
		   const char *service, int64_t now_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_FAIL_ADD, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, user);
	sqlite3_bind_int64(st, 2, now_ms);
	bind_text(st, 3, rhost);
	bind_text(st, 4, service);
	return run(s, st);
}

static int
count_query(struct crm_store *s, sqlite3_stmt *st, int64_t *count,
	    int64_t *latest_ms)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		if (latest_ms != NULL)
			*latest_ms = sqlite3_column_int64(st, 1);
		rc = CRM_OK;
	} else {
		rc = map_rc(s, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc);
	}
	done(st);
	return rc;
}

int
crm_store_fail_count(struct crm_store *s, const char *user, int64_t since_ms,
		     int64_t *count, int64_t *latest_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_FAIL_COUNT, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, user);
	sqlite3_bind_int64(st, 2, since_ms);
	return count_query(s, st, count, latest_ms);
}

static int
delete_counted(struct crm_store *s, enum stmt_id id, const char *key,
	       int64_t *removed)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, id, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, key);
	rc = run(s, st);
	if (rc == CRM_OK && removed != NULL)
		*removed = sqlite3_changes(s->db);
	return rc;
}

int
crm_store_fail_reset(struct crm_store *s, const char *user, int64_t *removed)
{
	return delete_counted(s, ST_FAIL_RESET, user, removed);
}

int
crm_store_fail_prune(struct crm_store *s, int64_t before_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_FAIL_PRUNE, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, before_ms);
	rc = run(s, st);
	if (rc != CRM_OK)
		return rc;
	rc = stmt(s, ST_RHOST_PRUNE, &st);
	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, before_ms);
	return run(s, st);
}

struct fail_visit {
	crm_fail_cb cb;
	void *arg;
};

static int
visit_fail(sqlite3_stmt *st, void *arg)
{
	struct fail_visit *v = arg;
	struct crm_fail_summary sum;

	sum.user = column_text(st, 0);
	sum.failures = sqlite3_column_int64(st, 1);
	sum.first_ms = sqlite3_column_int64(st, 2);
	sum.latest_ms = sqlite3_column_int64(st, 3);
	sum.last_rhost = column_text(st, 4);
	sum.lock_until_ms = sqlite3_column_int64(st, 5);
	sum.lock_failures = sqlite3_column_int64(st, 6);
	return sum.user == NULL ? CRM_ENOMEM : v->cb(v->arg, &sum);
}

int
crm_store_fail_list(struct crm_store *s, const char *user, int64_t since_ms,
		    crm_fail_cb cb, void *arg)
{
	struct fail_visit v = { cb, arg };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_FAIL_LIST, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, since_ms);
	bind_text(st, 2, user);
	return each_row(s, st, visit_fail, &v);
}

int
crm_store_lock_get(struct crm_store *s, const char *user,
		   struct crm_lock *out)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_LOCK_GET, &st);

	memset(out, 0, sizeof(*out));
	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, user);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->locked_ms = sqlite3_column_int64(st, 0);
		out->until_ms = sqlite3_column_int64(st, 1);
		out->failures = sqlite3_column_int64(st, 2);
		rc = CRM_OK;
	} else if (rc == SQLITE_DONE) {
		rc = CRM_NOTFOUND;
	} else {
		rc = map_rc(s, rc);
	}
	done(st);
	return rc;
}

int
crm_store_lock_set(struct crm_store *s, const char *user,
		   const struct crm_lock *lock)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_LOCK_SET, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, user);
	sqlite3_bind_int64(st, 2, lock->locked_ms);
	sqlite3_bind_int64(st, 3, lock->until_ms);
	sqlite3_bind_int64(st, 4, lock->failures);
	return run(s, st);
}

int
crm_store_lock_clear(struct crm_store *s, const char *user)
{
	return delete_counted(s, ST_LOCK_CLEAR, user, NULL);
}

int
crm_store_rhost_fail_add(struct crm_store *s, const char *rhost,
			 int64_t now_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_RHOST_ADD, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, rhost);
	sqlite3_bind_int64(st, 2, now_ms);
	return run(s, st);
}

int
crm_store_rhost_fail_count(struct crm_store *s, const char *rhost,
			   int64_t since_ms, int64_t *count)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_RHOST_COUNT, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, rhost);
	sqlite3_bind_int64(st, 2, since_ms);
	return count_query(s, st, count, NULL);
}

int
crm_store_rhost_fail_reset(struct crm_store *s, const char *rhost,
			   int64_t *removed)
{
	return delete_counted(s, ST_RHOST_RESET, rhost, removed);
}

struct rhost_visit {
	crm_rhost_cb cb;
	void *arg;
};

static int
visit_rhost(sqlite3_stmt *st, void *arg)
{
	struct rhost_visit *v = arg;
	struct crm_rhost_summary sum;

	sum.rhost = column_text(st, 0);
	sum.failures = sqlite3_column_int64(st, 1);
	sum.latest_ms = sqlite3_column_int64(st, 2);
	return sum.rhost == NULL ? CRM_ENOMEM : v->cb(v->arg, &sum);
}

int
crm_store_rhost_fail_list(struct crm_store *s, int64_t since_ms,
			  crm_rhost_cb cb, void *arg)
{
	struct rhost_visit v = { cb, arg };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_RHOST_LIST, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, since_ms);
	return each_row(s, st, visit_rhost, &v);
}

/* ---- audit ---- */

static int
read_mac(sqlite3_stmt *st, int col, unsigned char mac[CRM_MAC_LEN])
{
	const void *blob = sqlite3_column_blob(st, col);

	if (blob == NULL || sqlite3_column_bytes(st, col) != CRM_MAC_LEN) {
		memset(mac, 0, CRM_MAC_LEN);
		return CRM_EDB;
	}
	memcpy(mac, blob, CRM_MAC_LEN);
	return CRM_OK;
}

static int
id_and_mac(struct crm_store *s, sqlite3_stmt *st, int64_t *id,
	   unsigned char mac[CRM_MAC_LEN])
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = read_mac(st, 1, mac);
		if (rc != CRM_OK)
			snprintf(s->errmsg, sizeof(s->errmsg),
				 "audit row %lld: malformed mac", (long long)*id);
	} else if (rc == SQLITE_DONE) {
		rc = CRM_NOTFOUND;
	} else {
		rc = map_rc(s, rc);
	}
	done(st);
	return rc;
}

int
crm_store_audit_tail(struct crm_store *s, int64_t *id,
		     unsigned char mac[CRM_MAC_LEN])
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_AUDIT_TAIL, &st);

	return rc != CRM_OK ? rc : id_and_mac(s, st, id, mac);
}

int
crm_store_audit_insert(struct crm_store *s, const struct crm_audit_row *row)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_AUDIT_INSERT, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, row->id);
	sqlite3_bind_int64(st, 2, row->time_ms);
	bind_text(st, 3, row->service);
	bind_text(st, 4, row->user);
	bind_text(st, 5, row->ruser);
	bind_text(st, 6, row->rhost);
	bind_text(st, 7, row->tty);
	bind_text(st, 8, row->module);
	bind_text(st, 9, row->event);
	bind_text(st, 10, row->result);
	bind_text(st, 11, row->detail);
	sqlite3_bind_blob(st, 12, row->mac, CRM_MAC_LEN, SQLITE_STATIC);
	return run(s, st);
}

int
crm_store_audit_mac(struct crm_store *s, int64_t id,
		    unsigned char mac[CRM_MAC_LEN])
{
	sqlite3_stmt *st = NULL;
	int64_t got = 0;
	int rc = stmt(s, ST_AUDIT_MAC, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	return id_and_mac(s, st, &got, mac);
}

struct audit_visit {
	crm_audit_cb cb;
	void *arg;
};

static int
visit_audit(sqlite3_stmt *st, void *arg)
{
	struct audit_visit *v = arg;
	struct crm_audit_row row;

	row.id = sqlite3_column_int64(st, 0);
	row.time_ms = sqlite3_column_int64(st, 1);
	row.service = column_text(st, 2);
	row.user = column_text(st, 3);
	row.ruser = column_text(st, 4);
	row.rhost = column_text(st, 5);
	row.tty = column_text(st, 6);
	row.module = column_text(st, 7);
	row.event = column_text(st, 8);
	row.result = column_text(st, 9);
	row.detail = column_text(st, 10);
	/* A malformed mac is handed on as zeros: verify reports the row. */
	read_mac(st, 11, row.mac);
	return v->cb(v->arg, &row);
}

int
crm_store_audit_list(struct crm_store *s,
		     const struct crm_audit_filter *filter, crm_audit_cb cb,
		     void *arg)
{
	struct audit_visit v = { cb, arg };
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_AUDIT_LIST, &st);

	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, filter != NULL ? filter->user : NULL);
	bind_text(st, 2, filter != NULL ? filter->event : NULL);
	sqlite3_bind_int64(st, 3, filter != NULL ? filter->since_ms : 0);
	sqlite3_bind_int64(st, 4, filter != NULL ? filter->after_id : 0);
	return each_row(s, st, visit_audit, &v);
}

int
crm_store_audit_anchor(struct crm_store *s, int64_t *id,
		       unsigned char mac[CRM_MAC_LEN])
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_AUDIT_ANCHOR, &st);

	if (rc != CRM_OK)
		return rc;
	rc = id_and_mac(s, st, id, mac);
	/* The anchor row is created with the schema: without it the trail
	 * has been tampered with. */
	return rc == CRM_NOTFOUND ? CRM_EDB : rc;
}

int
crm_store_audit_prune_point(struct crm_store *s, int64_t before_ms,
			    int64_t *id, unsigned char mac[CRM_MAC_LEN])
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_AUDIT_PRUNE_FIND, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, before_ms);
	return id_and_mac(s, st, id, mac);
}

int
crm_store_audit_move_anchor(struct crm_store *s, int64_t id,
			    const unsigned char mac[CRM_MAC_LEN],
			    int64_t *removed)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*removed = 0;
	rc = stmt(s, ST_AUDIT_PRUNE_ANCHOR, &st);
	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_blob(st, 2, mac, CRM_MAC_LEN, SQLITE_STATIC);
	rc = run(s, st);
	if (rc != CRM_OK)
		return rc;
	rc = stmt(s, ST_AUDIT_PRUNE_DELETE, &st);
	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = run(s, st);
	if (rc == CRM_OK)
		*removed = sqlite3_changes(s->db);
	return rc;
}

/* ---- named values ---- */

int
crm_store_meta_get(struct crm_store *s, const char *name, void *buf,
		   size_t len, size_t *got)
{
	sqlite3_stmt *st = NULL;
	const void *blob;
	int rc = stmt(s, ST_META_GET, &st), n;

	*got = 0;
	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		blob = sqlite3_column_blob(st, 0);
		n = sqlite3_column_bytes(st, 0);
		if (n < 0 || (size_t)n > len) {
			snprintf(s->errmsg, sizeof(s->errmsg),
				 "meta %s: %d bytes, at most %zu expected",
				 name, n, len);
			rc = CRM_INVALID;
		} else {
			if (n > 0)
				memcpy(buf, blob, (size_t)n);
			*got = (size_t)n;
			rc = CRM_OK;
		}
	} else if (rc == SQLITE_DONE) {
		rc = CRM_NOTFOUND;
	} else {
		rc = map_rc(s, rc);
	}
	done(st);
	return rc;
}

int
crm_store_meta_set(struct crm_store *s, const char *name, const void *value,
		   size_t len)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_META_SET, &st);

	if (rc != CRM_OK)
		return rc;
	if (len > INT32_MAX)
		return CRM_INVALID;
	bind_text(st, 1, name);
	sqlite3_bind_blob(st, 2, value, (int)len, SQLITE_STATIC);
	return run(s, st);
}

/* ---- TOTP ---- */

int
crm_store_totp_get(struct crm_store *s, const char *user,
		   struct crm_totp *out)
{
	sqlite3_stmt *st = NULL;
	const void *blob;
	int rc = stmt(s, ST_TOTP_GET, &st), n;

	memset(out, 0, sizeof(*out));
	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, user);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		blob = sqlite3_column_blob(st, 1);
		n = sqlite3_column_bytes(st, 1);
		if (n <= 0 || (size_t)n > sizeof(out->sealed)) {
			snprintf(s->errmsg, sizeof(s->errmsg),
				 "totp seed of %s: %d bytes, not a sealed seed",
				 user, n);
			rc = CRM_INVALID;
		} else {
			out->user_id = sqlite3_column_int64(st, 0);
			memcpy(out->sealed, blob, (size_t)n);
			out->sealed_len = (size_t)n;
			out->algorithm = (unsigned int)sqlite3_column_int(st, 2);
			out->digits = (unsigned int)sqlite3_column_int(st, 3);
			out->period = (unsigned int)sqlite3_column_int(st, 4);
			out->confirmed_ms = sqlite3_column_int64(st, 5);
			out->last_step = sqlite3_column_int64(st, 6);
			out->created_ms = sqlite3_column_int64(st, 7);
			rc = CRM_OK;
		}
	} else if (rc == SQLITE_DONE) {
		rc = CRM_NOTFOUND;
	} else {
		rc = map_rc(s, rc);
	}
	done(st);
	return rc;
}

int
crm_store_totp_put(struct crm_store *s, const struct crm_totp *t)
{
	sqlite3_stmt *st = NULL;
	int rc = crm_store_recovery_clear(s, t->user_id);

	if (rc == CRM_OK)
		rc = stmt(s, ST_TOTP_PUT, &st);
	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, t->user_id);
	sqlite3_bind_blob(st, 2, t->sealed, (int)t->sealed_len, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)t->algorithm);
	sqlite3_bind_int(st, 4, (int)t->digits);
	sqlite3_bind_int(st, 5, (int)t->period);
	sqlite3_bind_int64(st, 6, t->created_ms);
	return run(s, st);
}

int
crm_store_totp_del(struct crm_store *s, const char *user)
{
	sqlite3_stmt *st = NULL;
	struct crm_totp t;
	int rc = crm_store_totp_get(s, user, &t);

	if (rc == CRM_OK)
		rc = crm_store_recovery_clear(s, t.user_id);
	crm_cleanse(&t, sizeof(t));
	if (rc == CRM_OK)
		rc = stmt(s, ST_TOTP_DEL, &st);
	if (rc != CRM_OK)
		return rc;
	bind_text(st, 1, user);
	return run_changed(s, st);
}

int
crm_store_totp_confirm(struct crm_store *s, int64_t user_id, int64_t now_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_TOTP_CONFIRM, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, now_ms > 0 ? now_ms : 1);
	return run(s, st);
}

int
crm_store_totp_use_step(struct crm_store *s, int64_t user_id, int64_t step)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_TOTP_STEP, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, step);
	return run_changed(s, st);
}

int
crm_store_recovery_add(struct crm_store *s, int64_t user_id,
		       const unsigned char mac[CRM_MAC_LEN])
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_RECOVERY_ADD, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_blob(st, 2, mac, CRM_MAC_LEN, SQLITE_STATIC);
	return run(s, st);
}

int
crm_store_recovery_clear(struct crm_store *s, int64_t user_id)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_RECOVERY_CLEAR, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	return run(s, st);
}

int
crm_store_recovery_use(struct crm_store *s, int64_t user_id,
		       const unsigned char mac[CRM_MAC_LEN], int64_t now_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_RECOVERY_USE, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_blob(st, 2, mac, CRM_MAC_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms > 0 ? now_ms : 1);
	return run_changed(s, st);
}

int
crm_store_recovery_count(struct crm_store *s, int64_t user_id,
			 int64_t *unused, int64_t *used)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_RECOVERY_COUNT, &st);

	*unused = *used = 0;
	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*unused = sqlite3_column_int64(st, 0);
		*used = sqlite3_column_int64(st, 1);
		rc = CRM_OK;
	} else {
		rc = map_rc(s, rc);
	}
	done(st);
	return rc;
}

int
crm_store_recovery_list(struct crm_store *s, int64_t user_id,
			crm_recovery_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	const void *code;
	int rc = stmt(s, ST_RECOVERY_LIST, &st), cbrc;

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		code = sqlite3_column_blob(st, 0);
		if (code == NULL ||
		    sqlite3_column_bytes(st, 0) != CRM_MAC_LEN) {
			done(st);
			return CRM_EDB;
		}
		cbrc = cb(arg, code, sqlite3_column_int64(st, 1));
		if (cbrc != 0) {
			done(st);
			return cbrc > 0 && cbrc <= CRM_ECRYPTO ? cbrc
							 : CRM_INVALID;
		}
	}
	rc = rc == SQLITE_DONE ? CRM_OK : map_rc(s, rc);
	done(st);
	return rc;
}

int
crm_store_totp_grace_get(struct crm_store *s, int64_t user_id,
			 int64_t *since_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_GRACE_GET, &st);

	*since_ms = 0;
	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*since_ms = sqlite3_column_int64(st, 0);
		rc = CRM_OK;
	} else if (rc == SQLITE_DONE) {
		rc = CRM_NOTFOUND;
	} else {
		rc = map_rc(s, rc);
	}
	done(st);
	return rc;
}

int
crm_store_totp_grace_set(struct crm_store *s, int64_t user_id,
			 int64_t since_ms)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_GRACE_SET, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, since_ms);
	return run(s, st);
}

/* ---- access rules ---- */

static int
access_key_add(struct crm_store *s, int64_t id,
	       enum crm_access_subject subject_kind, const char *subject,
	       const struct crm_access_key *k)
{
	static const unsigned char none[1];
	sqlite3_stmt *st = NULL;
	size_t bytes = k->family == 4 ? 4 : 16;
	int rc = stmt(s, ST_ACCESS_WHERE_ADD, &st);

	if (rc != CRM_OK)
		return rc;
	if (k->kind == CRM_ACCESS_NET &&
	    ((k->family != 4 && k->family != 6) ||
	     k->prefix > (unsigned int)bytes * 8)) {
		done(st);
		return CRM_INVALID;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, (int)k->kind);
	if (k->kind == CRM_ACCESS_NET) {
		sqlite3_bind_int(st, 3, k->family);
		sqlite3_bind_int(st, 4, (int)k->prefix);
		sqlite3_bind_blob(st, 5, k->net, (int)bytes, SQLITE_STATIC);
	} else {
		sqlite3_bind_int(st, 3, 0);
		sqlite3_bind_int(st, 4, 0);
		sqlite3_bind_blob(st, 5, none, 0, SQLITE_STATIC);
	}
	sqlite3_bind_int(st, 6, (int)subject_kind);
	bind_text(st, 7, subject);
	rc = run(s, st);
	if (rc != CRM_OK || k->kind != CRM_ACCESS_NET)
		return rc;
	if ((rc = stmt(s, ST_ACCESS_PLEN_ADD, &st)) != CRM_OK)
		return rc;
	sqlite3_bind_int(st, 1, k->family);
	sqlite3_bind_int(st, 2, (int)k->prefix);
	return run(s, st);
}

int
crm_store_access_add(struct crm_store *s, const char *line,
		     enum crm_access_subject subject_kind, const char *subject,
		     const struct crm_access_key *keys, size_t nkeys,
		     int64_t *id)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	*id = 0;
	if (nkeys == 0 || subject == NULL)
		return CRM_INVALID;
	if ((rc = stmt(s, ST_ACCESS_ADD, &st)) != CRM_OK)
		return rc;
	bind_text(st, 1, line);
	sqlite3_bind_int(st, 2, (int)subject_kind);
	bind_text(st, 3, subject);
	if ((rc = run(s, st)) != CRM_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(s->db);
	for (i = 0; rc == CRM_OK && i < nkeys; i++)
		rc = access_key_add(s, *id, subject_kind, subject, &keys[i]);
	return rc;
}

int
crm_store_access_del(struct crm_store *s, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_ACCESS_DEL, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = run_changed(s, st)) != CRM_OK)
		return rc;
	if ((rc = stmt(s, ST_ACCESS_PLEN_PRUNE, &st)) != CRM_OK)
		return rc;
	return run(s, st);
}

/* What a walk's callback said, as the walk's status. */
static int
access_stop_status(int stop)
{
	if (stop == 0 || stop == CRM_ACCESS_STOP)
		return CRM_OK;
	return stop > 0 && stop <= CRM_ECRYPTO ? stop : CRM_INVALID;
}

int
crm_store_access_list(struct crm_store *s, crm_access_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt(s, ST_ACCESS_LIST, &st), stop = 0;

	if (rc != CRM_OK)
		return rc;
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = cb(arg, sqlite3_column_int64(st, 0), column_text(st, 2));
	if (stop != 0)
		rc = access_stop_status(stop);
	else
		rc = rc == SQLITE_DONE ? CRM_OK : map_rc(s, rc);
	done(st);
	return rc;
}

struct access_hit {
	int64_t id, position;
	char *line;
};

struct access_hits {
	struct access_hit *items;
	size_t count, cap;
};

static void
access_hits_free(struct access_hits *h)
{
	size_t i;

	for (i = 0; i < h->count; i++)
		free(h->items[i].line);
	free(h->items);
	memset(h, 0, sizeof(*h));
}

/* One probe: every rule with this key and subject. */
static int
access_probe(struct crm_store *s, struct access_hits *hits,
	     enum crm_access_where kind, int family, unsigned int plen,
	     const unsigned char *net, size_t net_len,
	     enum crm_access_subject subject_kind, const char *subject)
{
	static const unsigned char none[1];
	sqlite3_stmt *st = NULL;
	void *items;
	int rc = stmt(s, ST_ACCESS_PROBE, &st);

	if (rc != CRM_OK)
		return rc;
	sqlite3_bind_int(st, 1, (int)kind);
	sqlite3_bind_int(st, 2, family);
	sqlite3_bind_int(st, 3, (int)plen);
	sqlite3_bind_blob(st, 4, net != NULL ? net : none, (int)net_len,
			  SQLITE_STATIC);
	sqlite3_bind_int(st, 5, (int)subject_kind);
	bind_text(st, 6, subject);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		items = hits->items;
		if (crm_array_grow(&items, &hits->cap, hits->count,
				   sizeof(*hits->items)) != CRM_OK) {
			hits->items = items;
			done(st);
			return CRM_ENOMEM;
		}
		hits->items = items;
		hits->items[hits->count].id = sqlite3_column_int64(st, 0);
		hits->items[hits->count].position = sqlite3_column_int64(st, 1);
		hits->items[hits->count].line = strdup(column_text(st, 2));
		if (hits->items[hits->count].line == NULL) {
			done(st);
			return CRM_ENOMEM;
		}
		hits->count++;
	}
	rc = rc == SQLITE_DONE ? CRM_OK : map_rc(s, rc);
	done(st);
	return rc;
}

/* The same key for each subject a login has: "*", the user, its roles. */
static int
access_probe_subjects(struct crm_store *s, struct access_hits *hits,
		      const struct crm_access_probe *p,
		      enum crm_access_where kind, unsigned int plen,
		      const unsigned char *net, size_t net_len)
{
	int family = kind == CRM_ACCESS_NET ? p->family : 0;
	size_t i;
	int rc;

	rc = access_probe(s, hits, kind, family, plen, net, net_len,
			  CRM_ACCESS_SUBJECT_ANY, "");
	if (rc == CRM_OK && p->user != NULL)
		rc = access_probe(s, hits, kind, family, plen, net, net_len,
				  CRM_ACCESS_SUBJECT_USER, p->user);
	for (i = 0; rc == CRM_OK && i < p->nroles; i++)
		rc = access_probe(s, hits, kind, family, plen, net, net_len,
				  CRM_ACCESS_SUBJECT_ROLE, p->roles[i]);
	return rc;
}

static int
by_position(const void *a, const void *b)
{
	const struct access_hit *x = a, *y = b;

	return x->position < y->position ? -1 : x->position > y->position;
}

int
crm_store_access_candidates(struct crm_store *s,
			    const struct crm_access_probe *p,
			    crm_access_cb cb, void *arg)
{
	struct access_hits hits = { NULL, 0, 0 };
	unsigned int plens[129];
	unsigned char net[16];
	size_t nplens = 0, bytes, i, j;
	sqlite3_stmt *st = NULL;
	int rc = CRM_OK, stop = 0;

	if (p->family == 4 || p->family == 6) {
		bytes = p->family == 4 ? 4 : 16;
		if ((rc = stmt(s, ST_ACCESS_PLENS, &st)) != CRM_OK)
			return rc;
		sqlite3_bind_int(st, 1, p->family);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
		       nplens < CRM_ARRAY_SIZE(plens))
			plens[nplens++] = (unsigned int)sqlite3_column_int(st, 0);
		rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? CRM_OK
							   : map_rc(s, rc);
		done(st);
		for (i = 0; rc == CRM_OK && i < nplens; i++) {
			if (plens[i] > bytes * 8)
				continue;
			/* The network of this length that holds the address. */
			memset(net, 0, sizeof(net));
			for (j = 0; j < bytes; j++) {
				unsigned int bits = plens[i] > j * 8 ?
					plens[i] - (unsigned int)j * 8 : 0;

				if (bits >= 8)
					net[j] = p->addr[j];
				else if (bits > 0)
					net[j] = (unsigned char)(p->addr[j] &
						(0xff << (8 - bits)));
			}
			rc = access_probe_subjects(s, &hits, p, CRM_ACCESS_NET,
						   plens[i], net, bytes);
		}
	}
	if (rc == CRM_OK && p->local)
		rc = access_probe_subjects(s, &hits, p, CRM_ACCESS_LOCAL, 0,
					   NULL, 0);
	if (rc == CRM_OK && p->tty)
		rc = access_probe_subjects(s, &hits, p, CRM_ACCESS_TTY, 0,
					   NULL, 0);
	if (rc == CRM_OK)
		rc = access_probe_subjects(s, &hits, p, CRM_ACCESS_ANY, 0,
					   NULL, 0);
	if (rc == CRM_OK && hits.count > 1)
		qsort(hits.items, hits.count, sizeof(*hits.items), by_position);
	for (i = 0; rc == CRM_OK && !stop && i < hits.count; i++) {
		/* A rule with two places that both hold the login came
		 * twice: once is enough. */
		if (i > 0 && hits.items[i].id == hits.items[i - 1].id)
			continue;
		stop = cb(arg, hits.items[i].id, hits.items[i].line);
	}
	if (rc == CRM_OK)
		rc = access_stop_status(stop);
	access_hits_free(&hits);
	return rc;
}
