/*
 * store.h - the storage interface: the only way modules, tools and a
 * broker reach the database.
 *
 * It speaks records, never SQL.  store.c picks the backend from the db=
 * value and holds what is the same for every backend; the SQLite backend
 * is sqlite.c, the only file that holds SQL text.  A second backend
 * (PostgreSQL) implements these same functions.  Every function returns
 * an enum crm_status and sets nothing global.
 *
 * Transactions: a decision calls crm_store_begin(CRM_TXN_WRITE), reads and
 * writes (counters, audit row) and commits, so that concurrent processes
 * never lose an update; CRM_TXN_WRITE takes the write lock at once (SQLite
 * BEGIN IMMEDIATE, PostgreSQL SERIALIZABLE or row locks).  Waiting for the
 * lock is bounded by busy_timeout_ms, then CRM_BUSY; the time is a budget
 * for the store's whole life (a PAM handle: every module of one login),
 * not for each wait.  Strings returned in
 * records are copies owned by the record (free with the matching _clear).
 *
 * What a backend must guarantee (tests/store/test_store_conformance.c
 * checks each one through this header alone):
 *  - Inside a CRM_TXN_WRITE transaction every read-modify-write is
 *    serialised against other processes: a failure count read, then a
 *    failure added, never loses a concurrent writer's failure.  A second
 *    writer waits up to busy_timeout_ms, then gets CRM_BUSY; readers
 *    never wait for a writer and never see uncommitted rows.
 *  - crm_store_audit_tail followed by crm_store_audit_insert in one
 *    write transaction is atomic: no two rows are chained to one tail.
 *  - Audit ids strictly increase in insertion order and are never
 *    reused, even after pruning removed every row; listings are in id
 *    order; pruning moves the anchor to the newest removed row.
 *  - Rollback discards every change of the transaction.  Duplicates are
 *    CRM_EXISTS, absent records CRM_NOTFOUND, a write lock not had
 *    within busy_timeout_ms CRM_BUSY.
 */
#ifndef CRM_STORE_H
#define CRM_STORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/crm.h"

#define CRM_SCHEMA_VERSION 7
#define CRM_MAC_LEN 32

struct crm_store;

enum crm_store_mode {
	CRM_STORE_EXISTING,	/* modules: the database must exist */
	CRM_STORE_CREATE,	/* crmauth init: create it if missing */
};

enum crm_txn { CRM_TXN_READ, CRM_TXN_WRITE };

/*
 * What a power cut may lose (a crash of the process, kill -9 included,
 * loses nothing committed in either mode).  The order is that of
 * crm_durability_choices (config.c): the durability= option.
 */
enum crm_durability {
	CRM_DURABILITY_NORMAL,	/* the commits since the last checkpoint */
	CRM_DURABILITY_FULL,	/* nothing: every commit is synced */
};

enum crm_backend {
	CRM_BACKEND_NONE,	/* not a location any backend takes */
	CRM_BACKEND_SQLITE,	/* an absolute path */
	CRM_BACKEND_POSTGRESQL,	/* postgresql:// URI: reserved, refused */
};

/* Which backend db= selects. */
enum crm_backend crm_store_backend(const char *location);

int crm_store_open(const char *location, enum crm_store_mode mode,
		   unsigned long busy_timeout_ms,
		   enum crm_durability durability, struct crm_store **out,
		   char *err, size_t errlen);
void crm_store_close(struct crm_store *store);

/* A fresh waiting budget of ms for what follows, and what the budget so
 * far has spent: a store that serves many logins (crm-authd's) gives
 * each request the budget its PAM handle has left. */
void crm_store_busy_budget(struct crm_store *store, unsigned long ms);
unsigned long crm_store_busy_spent(const struct crm_store *store);

/* A mutex the threads of one process share (crm-authd's workers), held
 * from each write transaction's begin to its commit or rollback: they
 * queue on it instead of sleeping on each other's database lock.  NULL:
 * none (every process of its own, as modules are). */
void crm_store_share_write_lock(struct crm_store *store,
				pthread_mutex_t *lock);

/* The last error text of the backend, for logs (never holds a secret). */
const char *crm_store_errmsg(const struct crm_store *store);

/* Bring the schema to CRM_SCHEMA_VERSION (crmauth init).  Modules never
 * migrate: crm_store_open refuses a schema other than the current one. */
int crm_store_migrate(struct crm_store *store, int *from_version);

int crm_store_begin(struct crm_store *store, enum crm_txn txn);
int crm_store_commit(struct crm_store *store);
void crm_store_rollback(struct crm_store *store);

/* ---- users ---- */

enum crm_user_status {
	CRM_USER_ACTIVE,
	CRM_USER_DISABLED,
	CRM_USER_SUSPENDED,
};

struct crm_user {
	int64_t id;
	char *name;
	char *dept;			/* NULL when none */
	char *password_hash;		/* NULL when none; cleared on _clear */
	enum crm_user_status status;
	int64_t suspended_until_ms;	/* 0 when not suspended */
	int64_t created_ms;
	int64_t password_changed_ms;	/* 0 when never set */
	int64_t last_login_ms;		/* 0 when never */
	int must_change;
	int64_t uid;			/* 0: never given one */
	char *login_shell;		/* NULL: no login at sshd or kiosk */
};

const char *crm_user_status_name(enum crm_user_status status);
void crm_user_clear(struct crm_user *user);

int crm_store_user_add(struct crm_store *store, const char *name,
		       const char *dept, const char *password_hash,
		       int64_t now_ms);
int crm_store_user_del(struct crm_store *store, const char *name);
int crm_store_user_get(struct crm_store *store, const char *name,
		       struct crm_user *out);
int crm_store_user_set_status(struct crm_store *store, const char *name,
			      enum crm_user_status status, int64_t until_ms);
int crm_store_user_set_password(struct crm_store *store, const char *name,
				const char *password_hash, int64_t now_ms);
/* Set or clear "must change the password at the next login". */
int crm_store_user_set_must_change(struct crm_store *store, const char *name,
				   int must_change);
/* Replace the hash of the same password (an upgrade of its scheme) when
 * it is still old_hash; password_changed stays.  CRM_NOTFOUND when the
 * hash changed meanwhile. */
int crm_store_user_rehash(struct crm_store *store, const char *name,
			  const char *old_hash, const char *new_hash);
int crm_store_user_touch_login(struct crm_store *store, const char *name,
			       int64_t now_ms);
/* Give name a uid and login shell (shell NULL: none; uid 0: none).
 * CRM_EXISTS when another account holds the uid. */
int crm_store_user_set_login(struct crm_store *store, const char *name,
			     int64_t uid, const char *login_shell);
int crm_store_uid_taken(struct crm_store *store, int64_t uid, int *taken);

/* Callbacks return 0 to go on, non-zero to stop (that value is returned
 * as CRM_INVALID unless it is a crm_status). */
typedef int (*crm_user_cb)(void *arg, const struct crm_user *user);
int crm_store_user_list(struct crm_store *store, crm_user_cb cb, void *arg);
/* The accounts with a login shell (and so a uid), in uid order. */
int crm_store_login_users(struct crm_store *store, crm_user_cb cb,
			  void *arg);

/* ---- roles ---- */

enum crm_scope { CRM_SCOPE_OWN, CRM_SCOPE_DEPARTMENT, CRM_SCOPE_COMPANY };

struct crm_role {
	int64_t id;
	char *name;
	enum crm_scope scope;
	int64_t members;
};

const char *crm_scope_name(enum crm_scope scope);
int crm_scope_parse(const char *text, enum crm_scope *out);

int crm_store_role_add(struct crm_store *store, const char *name,
		       enum crm_scope scope);
int crm_store_role_del(struct crm_store *store, const char *name);
typedef int (*crm_role_cb)(void *arg, const struct crm_role *role);
int crm_store_role_list(struct crm_store *store, crm_role_cb cb, void *arg);
int crm_store_role_grant(struct crm_store *store, const char *user,
			 const char *role);
int crm_store_role_revoke(struct crm_store *store, const char *user,
			  const char *role);
/* The roles of user, by name; an unknown user has none (CRM_OK). */
typedef int (*crm_name_cb)(void *arg, const char *name);
int crm_store_user_roles(struct crm_store *store, const char *user,
			 crm_name_cb cb, void *arg);
/* The same, and whether user is an account at all (*known), in one lookup:
 * what a decision that needs both asks on every login. */
int crm_store_account_roles(struct crm_store *store, const char *user,
			    int *known, crm_name_cb cb, void *arg);

/*
 * Password history (pam_crm_passwd remember=): the hashes of the last
 * passwords of a name, a CRM account or (store=next) a system one.
 * _add appends hash and keeps the newest keep of the name (keep 0: none
 * kept, the history is emptied); inside the caller's write transaction,
 * the one that changes the password.  _each hands the newest limit
 * hashes to cb, newest first.
 */
int crm_store_history_add(struct crm_store *store, const char *name,
			  const char *hash, int64_t now_ms, unsigned long keep);
int crm_store_history_each(struct crm_store *store, const char *name,
			   unsigned long limit, crm_name_cb cb, void *arg);

/* ---- permissions, templates, departments (pam_crm_role) ---- */

/* The deepest nesting of departments (root = depth 0). */
#define CRM_DEPT_DEPTH_MAX 16

/* CRM_NOTFOUND when the role (template) is unknown, CRM_EXISTS when it
 * holds the permission already. */
int crm_store_role_perm_add(struct crm_store *store, const char *role,
			    const char *perm);
int crm_store_role_perms(struct crm_store *store, const char *role,
			 crm_name_cb cb, void *arg);
int crm_store_template_add(struct crm_store *store, const char *name);
int crm_store_template_perm_add(struct crm_store *store, const char *name,
				const char *perm);
int crm_store_template_list(struct crm_store *store, crm_name_cb cb,
			    void *arg);
int crm_store_template_perms(struct crm_store *store, const char *name,
			     crm_name_cb cb, void *arg);
/* CRM_NOTFOUND when the role or the template is unknown, CRM_EXISTS
 * when it is applied already. */
int crm_store_template_apply(struct crm_store *store, const char *role,
			     const char *name);
int crm_store_role_templates(struct crm_store *store, const char *role,
			     crm_name_cb cb, void *arg);
/* parent NULL: a top department.  CRM_NOTFOUND: no such parent. */
int crm_store_dept_add(struct crm_store *store, const char *name,
		       const char *parent);
typedef int (*crm_dept_cb)(void *arg, const char *name, const char *parent);
int crm_store_dept_list(struct crm_store *store, crm_dept_cb cb, void *arg);
/* The department and its parents, the top one first; nothing for a
 * department that is not in the table.  CRM_EDB for a chain deeper than
 * CRM_DEPT_DEPTH_MAX (a cycle). */
int crm_store_dept_chain(struct crm_store *store, const char *name,
			 crm_name_cb cb, void *arg);

/* ---- linked accounts and switch rules ---- */

/* CRM_NOTFOUND when either is unknown (or they are the same). */
int crm_store_user_link(struct crm_store *store, const char *a,
			const char *b);
int crm_store_users_linked(struct crm_store *store, const char *a,
			   const char *b, int *linked);
int crm_store_user_links(struct crm_store *store, const char *user,
			 crm_name_cb cb, void *arg);

enum crm_switch_kind { CRM_SWITCH_USER, CRM_SWITCH_ROLE };
enum crm_switch_mode { CRM_SWITCH_TRUST, CRM_SWITCH_REAUTH };

struct crm_switch_rule {
	int64_t id;
	enum crm_switch_kind from_kind;
	const char *from_name;
	enum crm_switch_kind to_kind;
	const char *to_name;
	enum crm_switch_mode mode;
};

typedef int (*crm_switch_cb)(void *arg, const struct crm_switch_rule *rule);
/* CRM_EXISTS when a rule with the same FROM and TO exists. */
int crm_store_switch_add(struct crm_store *store,
			 const struct crm_switch_rule *rule, int64_t *id);
int crm_store_switch_del(struct crm_store *store, int64_t id);
int crm_store_switch_list(struct crm_store *store, crm_switch_cb cb,
			  void *arg);
/* The rules whose FROM is user, or a role user holds, in id order. */
int crm_store_switch_from(struct crm_store *store, const char *user,
			  crm_switch_cb cb, void *arg);

/* ---- who a user is, for the front end ---- */

/* Union of the permissions of user's roles and of the templates applied
 * to them, sorted, each once. */
int crm_store_user_perms(struct crm_store *store, const char *user,
			 crm_name_cb cb, void *arg);
/* The widest scope of user's roles (CRM_SCOPE_OWN with none), and how
 * many roles it holds. */
int crm_store_user_scope(struct crm_store *store, const char *user,
			 enum crm_scope *scope, int *nroles);

/* ---- failed-login records (pam_crm_lockout) ---- */

/* Failures of one user name (known or not: the same path for both). */
int crm_store_fail_add(struct crm_store *store, const char *user,
		       const char *rhost, const char *service, int64_t now_ms);
/* Failures of user at or after since_ms, and the time of the latest. */
int crm_store_fail_count(struct crm_store *store, const char *user,
			 int64_t since_ms, int64_t *count, int64_t *latest_ms);
/* Remove the user's failures; *removed may be NULL. */
int crm_store_fail_reset(struct crm_store *store, const char *user,
			 int64_t *removed);
/* Drop every failure older than before_ms, of every user and address. */
int crm_store_fail_prune(struct crm_store *store, int64_t before_ms);

struct crm_fail_summary {
	const char *user;
	int64_t failures;
	int64_t first_ms, latest_ms;
	const char *last_rhost;		/* NULL when none */
	int64_t lock_until_ms;		/* -1 no lock, 0 until an admin resets */
	int64_t lock_failures;		/* failures that set the lock */
};
typedef int (*crm_fail_cb)(void *arg, const struct crm_fail_summary *sum);
/* One summary per user with failures or a lock (user NULL: all users). */
int crm_store_fail_list(struct crm_store *store, const char *user,
			int64_t since_ms, crm_fail_cb cb, void *arg);

/* A lock, once set, outlives the failure window: it is cleared by
 * unlock_time passing (the module clears it) or by an administrator. */
struct crm_lock {
	int64_t locked_ms;
	int64_t until_ms;		/* 0: until an administrator resets */
	int64_t failures;
};
int crm_store_lock_get(struct crm_store *store, const char *user,
		       struct crm_lock *out);	/* CRM_NOTFOUND: not locked */
int crm_store_lock_set(struct crm_store *store, const char *user,
		       const struct crm_lock *lock);
int crm_store_lock_clear(struct crm_store *store, const char *user);

/* Failures by source address across all users (deny_rhost). */
int crm_store_rhost_fail_add(struct crm_store *store, const char *rhost,
			     int64_t now_ms);
int crm_store_rhost_fail_count(struct crm_store *store, const char *rhost,
			       int64_t since_ms, int64_t *count);
int crm_store_rhost_fail_reset(struct crm_store *store, const char *rhost,
			       int64_t *removed);
struct crm_rhost_summary {
	const char *rhost;
	int64_t failures;
	int64_t latest_ms;
};
typedef int (*crm_rhost_cb)(void *arg, const struct crm_rhost_summary *s);
int crm_store_rhost_fail_list(struct crm_store *store, int64_t since_ms,
			      crm_rhost_cb cb, void *arg);

/* ---- audit (rows are built and chained by audit.c) ---- */

struct crm_audit_row {
	int64_t id;
	int64_t time_ms;
	const char *service, *user, *ruser, *rhost, *tty;
	const char *module, *event, *result, *detail;
	unsigned char mac[CRM_MAC_LEN];
};

/* The newest row's id and mac; CRM_NOTFOUND on an empty trail (then the
 * chain starts from the anchor, see crm_store_audit_anchor). */
int crm_store_audit_tail(struct crm_store *store, int64_t *id,
			 unsigned char mac[CRM_MAC_LEN]);
/* Insert row under row->id, which the caller chose (the id is inside the
 * row's mac, so it must be known before the row is written). */
int crm_store_audit_insert(struct crm_store *store,
			   const struct crm_audit_row *row);
/* The mac of row id; CRM_NOTFOUND when there is no such row. */
int crm_store_audit_mac(struct crm_store *store, int64_t id,
			unsigned char mac[CRM_MAC_LEN]);

struct crm_audit_filter {
	const char *user;
	const char *event;
	int64_t since_ms;		/* 0: from the start */
	int64_t after_id;		/* 0: from the start */
};
typedef int (*crm_audit_cb)(void *arg, const struct crm_audit_row *row);
/* Rows in id order. */
int crm_store_audit_list(struct crm_store *store,
			 const struct crm_audit_filter *filter,
			 crm_audit_cb cb, void *arg);

/* The chain value before the oldest kept row (all zero on a new trail);
 * pruning moves it forward. */
int crm_store_audit_anchor(struct crm_store *store, int64_t *id,
			   unsigned char mac[CRM_MAC_LEN]);
/* The newest row older than before_ms (CRM_NOTFOUND: none), which
 * pruning makes the anchor. */
int crm_store_audit_prune_point(struct crm_store *store, int64_t before_ms,
				int64_t *id, unsigned char mac[CRM_MAC_LEN]);
/* Make (id, mac) the anchor and delete every row up to id. */
int crm_store_audit_move_anchor(struct crm_store *store, int64_t id,
				const unsigned char mac[CRM_MAC_LEN],
				int64_t *removed);

/* ---- TOTP second factor (pam_crm_totp) ---- */

/* A sealed seed: at most 64 bytes (SHA512) plus the seal's overhead. */
#define CRM_TOTP_SEALED_MAX 128

/*
 * One user's TOTP enrolment.  The seed is stored only sealed (crypto.h,
 * the user id inside the associated data), so that a row copied to
 * another user does not open.  An enrolment is pending (confirmed_ms 0)
 * until a first code proves that someone holds the seed.
 */
struct crm_totp {
	int64_t user_id;
	unsigned char sealed[CRM_TOTP_SEALED_MAX];
	size_t sealed_len;
	unsigned int algorithm;		/* enum crm_totp_algorithm */
	unsigned int digits;		/* 6, 7, 8 */
	unsigned int period;		/* seconds */
	int64_t confirmed_ms;		/* 0: pending */
	int64_t last_step;		/* the newest time step used; -1 none */
	int64_t created_ms;
};

/* The enrolment of user; CRM_NOTFOUND when none or no such user. */
int crm_store_totp_get(struct crm_store *store, const char *user,
		       struct crm_totp *out);
/* Enrol user anew (pending, no step used), replacing any enrolment and
 * its recovery codes; t->user_id must be the user's id. */
int crm_store_totp_put(struct crm_store *store, const struct crm_totp *t);
/* Remove user's enrolment and recovery codes; CRM_NOTFOUND when none. */
int crm_store_totp_del(struct crm_store *store, const char *user);
/* Mark a pending enrolment confirmed (no-op when it already is). */
int crm_store_totp_confirm(struct crm_store *store, int64_t user_id,
			   int64_t now_ms);
/*
 * Record that time step step was used, when it is newer than every step
 * used before.  CRM_NOTFOUND when it is not (a replay): inside a write
 * transaction this is the check and the move in one, so that two
 * processes with one code never both succeed.
 */
int crm_store_totp_use_step(struct crm_store *store, int64_t user_id,
			    int64_t step);

/* Recovery codes are kept as keyed hashes (CRM_MAC_LEN bytes each). */
int crm_store_recovery_add(struct crm_store *store, int64_t user_id,
			   const unsigned char mac[CRM_MAC_LEN]);
/* Remove every recovery code of the user. */
int crm_store_recovery_clear(struct crm_store *store, int64_t user_id);
/* Mark the code used; CRM_NOTFOUND when it is not an unused code of the
 * user (in a write transaction: used once only, whoever races). */
int crm_store_recovery_use(struct crm_store *store, int64_t user_id,
			   const unsigned char mac[CRM_MAC_LEN],
			   int64_t now_ms);
int crm_store_recovery_count(struct crm_store *store, int64_t user_id,
			     int64_t *unused, int64_t *used);
/* Every recovery code of the user as kept (its keyed hash) and when it
 * was used (0: unused), in the order of the hashes: for a backup. */
typedef int (*crm_recovery_cb)(void *arg,
			       const unsigned char mac[CRM_MAC_LEN],
			       int64_t used_ms);
int crm_store_recovery_list(struct crm_store *store, int64_t user_id,
			    crm_recovery_cb cb, void *arg);

/* When a user who must have TOTP was first asked to enrol at login
 * (enroll_grace counts from there); CRM_NOTFOUND when never. */
int crm_store_totp_grace_get(struct crm_store *store, int64_t user_id,
			     int64_t *since_ms);
int crm_store_totp_grace_set(struct crm_store *store, int64_t user_id,
			     int64_t since_ms);

/* ---- access rules (pam_crm_access) ---- */

/*
 * A rule is kept as its canonical line (rule.c parses and writes it) and,
 * beside it, one key for each place of its WHERE, with its subject, so
 * that finding the rules a login can match is a few index probes: one per
 * network length in use and subject (the user, each of the user's roles,
 * "*"), not a scan of the rules.  Order is the rule's position: first
 * match decides.
 */
enum crm_access_where {
	CRM_ACCESS_NET,			/* family, prefix, net */
	CRM_ACCESS_LOCAL,		/* no PAM_RHOST */
	CRM_ACCESS_TTY,			/* a tty pattern (checked by the caller) */
	CRM_ACCESS_ANY,			/* "*" */
};

struct crm_access_key {
	enum crm_access_where kind;
	int family;			/* 4 or 6 (NET) */
	unsigned int prefix;		/* bits (NET) */
	unsigned char net[16];		/* network order, bits past prefix 0 */
};

enum crm_access_subject {
	CRM_ACCESS_SUBJECT_ANY,		/* "*" */
	CRM_ACCESS_SUBJECT_USER,
	CRM_ACCESS_SUBJECT_ROLE,
};

/* Append a rule (last in match order); *id its id. */
int crm_store_access_add(struct crm_store *store, const char *line,
			 enum crm_access_subject subject_kind,
			 const char *subject, const struct crm_access_key *keys,
			 size_t nkeys, int64_t *id);
/* CRM_NOTFOUND when there is no such rule. */
int crm_store_access_del(struct crm_store *store, int64_t id);

/* Callbacks return 0 to go on, CRM_ACCESS_STOP to stop (the walk then
 * returns CRM_OK), or a crm_status to stop with it. */
#define CRM_ACCESS_STOP (-1)
typedef int (*crm_access_cb)(void *arg, int64_t id, const char *line);
/* Every rule, in match order. */
int crm_store_access_list(struct crm_store *store, crm_access_cb cb,
			  void *arg);

/* What a login offers to the rules. */
struct crm_access_probe {
	int family;			/* 4 or 6; 0: rhost is no address */
	unsigned char addr[16];
	int local;			/* no rhost: console, kiosk */
	int tty;			/* a tty is known: tty rules apply */
	const char *user;
	const char *const *roles;	/* the user's roles */
	size_t nroles;
};

/*
 * The rules whose WHERE may hold this login (a network holding the
 * address, local, a tty pattern, or "*") and whose subject is "*", the
 * user or one of the roles, in match order, each once, until cb stops
 * the walk (at the first that passes the caller's own checks: tty
 * pattern, service, hours, from/until).  The cost depends on the
 * network lengths in use and the user's roles, not on the number of
 * rules.
 */
int crm_store_access_candidates(struct crm_store *store,
				const struct crm_access_probe *probe,
				crm_access_cb cb, void *arg);

/* ---- named values of the database (key check, audit anchor, head) ---- */

/* Up to len bytes into buf, *got the length; CRM_NOTFOUND when unset,
 * CRM_INVALID when the value is longer than len (someone else wrote it). */
int crm_store_meta_get(struct crm_store *store, const char *name, void *buf,
		       size_t len, size_t *got);
int crm_store_meta_set(struct crm_store *store, const char *name,
		       const void *value, size_t len);

#endif
