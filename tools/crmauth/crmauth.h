/*
 * crmauth.h - what the command families of crmauth share: the run's
 * state, output (table or JSON), the context, password input, the audited
 * change and the exit status.
 *
 * crmauth never speaks SQL: every read and write goes through lib/store.h,
 * every change is one write transaction that also appends its audit row.
 */
#ifndef CRMAUTH_H
#define CRMAUTH_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "core/context.h"
#include "core/crm.h"
#include "core/crypto.h"
#include "store/store.h"

/* Exit status (SPEC "Administration"). */
#define CA_EXIT_OK	0	/* done */
#define CA_EXIT_REFUSED	1	/* refused or not found */
#define CA_EXIT_ERROR	2	/* usage or system error */

/* Longest password accepted on input; yescrypt takes any length, the
 * bound only keeps input from outside finite. */
#define CA_PASSWORD_MAX	1024

/* The option struct that pam_crm.conf's [crmauth] section fills. */
struct crmauth_opts {
	struct crm_common_opts common;
	struct crm_range uid_range;	/* uids of accounts with a shell */
	char extrausers_dir[PATH_MAX];	/* libnss-extrausers' files */
	char home_base[PATH_MAX];	/* their home: home_base/NAME */
	char notify_command[PATH_MAX];	/* "" none; run after changes */
	unsigned long notify_timeout_ms; /* then it is killed */
};

/* Paths given on the command line: the highest layer of precedence. */
struct crmauth_args {
	const char *conf;
	const char *db;
	const char *keyfile;
};

struct crmauth {
	struct crmauth_args args;
	struct crmauth_opts opts;
	int config_loaded;
	int json;			/* --json */
	struct crm_log log;
	struct crm_ctx *ctx;		/* opened on first use */
	int in_txn;			/* a write transaction is open */
	char invoker[CRM_NAME_MAX];	/* ruser of the audit rows */
	char tty[CRM_NAME_MAX];		/* "" when not on a terminal */
};

/* One command family: argv[0] is the family's name. */
typedef int (*ca_command_fn)(struct crmauth *ca, int argc, char **argv);

int cmd_init(struct crmauth *ca, int argc, char **argv);
int cmd_user(struct crmauth *ca, int argc, char **argv);
int cmd_role(struct crmauth *ca, int argc, char **argv);
int cmd_lockout(struct crmauth *ca, int argc, char **argv);
int cmd_audit(struct crmauth *ca, int argc, char **argv);
int cmd_totp(struct crmauth *ca, int argc, char **argv);
int cmd_allow(struct crmauth *ca, int argc, char **argv);
int cmd_template(struct crmauth *ca, int argc, char **argv);
int cmd_dept(struct crmauth *ca, int argc, char **argv);
int cmd_switch(struct crmauth *ca, int argc, char **argv);
/* export and import (backup.c): argv[0] says which. */
int cmd_backup(struct crmauth *ca, int argc, char **argv);
int cmd_review(struct crmauth *ca, int argc, char **argv);
int cmd_passwd(struct crmauth *ca, int argc, char **argv);

/* ---- run state, configuration, context (run.c) ---- */

void ca_setup(struct crmauth *ca);
void ca_teardown(struct crmauth *ca);
/* Merge command line, pam_crm.conf and defaults into ca->opts, once. */
int ca_load_config(struct crmauth *ca);
/* Open the database and key named by the configuration, once. */
int ca_open(struct crmauth *ca);
/* A module's options as the module reads them: "conf=PATH" of --conf
 * into buf, argv[0]; returns argc (0 without --conf) or -1 when too
 * long.  buf must outlive the load. */
int ca_module_argv(const struct crmauth *ca, char *buf, size_t len,
		   const char **argv);

/* ---- errors and exit status (errors.c) ---- */

int ca_exit_code(int status);
/* "crmauth: <what>: <why>" on stderr; why is the status's text (with the
 * backend's message for database errors). */
void ca_error(struct crmauth *ca, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* ca_error, then the exit status for status. */
int ca_fail(struct crmauth *ca, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "crmauth: <message>" on stderr. */
void ca_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error: the message, then usage, on stderr.  Returns 2. */
int ca_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Usage on stderr after an error already reported.  Returns 2. */
int ca_usage(const char *usage);
/* Help asked for: usage on stdout.  Returns 0. */
int ca_help(const char *usage);
/* A store error about one record: "no such user", "already exists". */
int ca_fail_record(struct crmauth *ca, int status, const char *kind,
		   const char *name);

/* ---- argument parsing (args.c) ---- */

/* getopt_long over a subcommand's argv (argv[0] the verb), with
 * permutation, so that options may follow the names.  Reports unknown
 * options and missing arguments itself and then returns '?'. */
int ca_getopt(int argc, char **argv, const char *shortopts,
	      const struct option *longopts, const char *cmd);
void ca_getopt_reset(void);

/* Returned by a parser when the command is to run; any other value is
 * the exit status. */
#define CA_CONTINUE	(-1)

/* The options every verb takes, for the default: of its getopt switch:
 * --json (CA_CONTINUE), --help (usage on stdout, 0); anything else was
 * reported by ca_getopt (usage on stderr, 2). */
int ca_verb_option(struct crmauth *ca, int c, const char *usage);

/* A verb whose only options are --json and --help, and which takes
 * between min_names and max_names names (at argv[optind] on). */
int ca_simple_args(struct crmauth *ca, int argc, char **argv,
		   const char *cmd, const char *usage, int min_names,
		   int max_names);

/* One verb of a family ("user add"): argv[0] is the verb. */
struct ca_verb {
	const char *name;
	ca_command_fn fn;
};

/* Run argv[1] of a family (argv[0]) among verbs. */
int ca_dispatch(struct crmauth *ca, int argc, char **argv,
		const struct ca_verb *verbs, size_t nverbs,
		const char *usage);
/* A name from the command line: user, role, department. */
int ca_check_name(const char *what, const char *name);
/* A role, permission or department name: also none of the characters
 * that separate names in lists (crm_valid_item). */
int ca_check_item(const char *what, const char *name);
int ca_check_role(const char *name);
/* A time for --until / --since: ISO 8601, "+2h" (from now) or, with
 * allow_past, "-2h" (ago). */
int ca_parse_time(const char *text, int allow_past, int64_t *out_ms);

/* ---- changes: one transaction, one audit row (change.c) ---- */

int ca_begin(struct crmauth *ca);
/* Append the audit row for this change and commit.  user is the record
 * changed (may be NULL); detail never holds a secret. */
int ca_commit(struct crmauth *ca, const char *user, const char *event,
	      const char *detail);
/* Roll back the open transaction, if any. */
void ca_abort(struct crmauth *ca);
/* Append one admin audit row through store and key (init has no ctx). */
int ca_audit_append(struct crmauth *ca, struct crm_store *store,
		    const struct crm_key *key, const char *user,
		    const char *event, const char *detail);
/* Format an audit detail; a detail too long is cut with "...". */
void ca_detail(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The request of an admin change to user: ruser the administrator, tty
 * where they typed it, no service or address. */
struct crm_request;
void ca_admin_request(const struct crmauth *ca, const char *user,
		      struct crm_request *req);

/* The authpriv line of a decision a lib function wrote the audit row of
 * (tag: its crm_outcome audit_tag), as ca_change writes one. */
void ca_log_row(const struct crmauth *ca, const char *user, const char *event,
		const char *tag);

/* The [passwd] options as pam_crm_passwd reads them, and the role
 * sections (free with crm_config_free_roles).  An exit status. */
struct crm_passwd_opts;
struct crm_role_sections;
int ca_passwd_options(struct crmauth *ca, struct crm_passwd_opts *opts,
		      struct crm_role_sections *roles);

/* Report a change done: a line of text, or a JSON object with --json. */
void ca_done(struct crmauth *ca, const char *event, const char *name,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * One audited change as every verb makes it: ca_change begins the write
 * transaction, calls apply to do the store work inside it, commits with
 * the admin audit row (user, event, detail), reports the change done and
 * rolls back on any failure.  It returns the exit status.
 *
 * apply returns a crm status and fills detail (never a secret); it may
 * point kind and name at the record that failed.  A failure is reported
 * by refuse when set and it returns other than CA_CONTINUE, else as
 * ca_fail_record(kind, name).  Done is reported by done when set, else
 * as ca_done(event, name, done_text).
 */
struct ca_change {
	int (*apply)(struct crmauth *ca, struct ca_change *change);
	int (*refuse)(struct crmauth *ca, struct ca_change *change,
		      int status);
	void (*done)(struct crmauth *ca, struct ca_change *change);
	void *arg;			/* the verb's own state */
	const char *kind;		/* "user", "role" */
	const char *name;		/* the record changed */
	const char *user;		/* the audit row's user; may be NULL */
	const char *event;		/* "admin:user add" */
	const char *done_text;		/* "user x added" */
	int sync_logins;		/* rewrite the extrausers files */
	int reported;			/* apply said why it failed */
	char detail[CRM_DETAIL_MAX];
};

int ca_change(struct crmauth *ca, struct ca_change *change);

/* "allow del ID", "switch del ID": one numbered rule removed through del,
 * as an audited change. */
struct ca_numbered_rule {
	const char *cmd;		/* "allow del" */
	const char *usage;
	const char *list_cmd;		/* "allow list", named in errors */
	const char *kind;		/* "rule", for "no such rule" */
	const char *event;		/* "admin:allow del" */
	const char *done_text;		/* "rule removed" */
	int (*del)(struct crm_store *store, int64_t id);
};

int ca_delete_numbered(struct crmauth *ca, int argc, char **argv,
		       const struct ca_numbered_rule *what);

/* ---- access rules (allow.c) ---- */

struct crm_rule;
/* A rule line as allow add takes it: parsed (relative times from now),
 * its hours and zone readable here, and its canonical spelling into line.
 * CRM_INVALID with the reason in err. */
int ca_rule_read(const char *text, struct crm_rule *rule, char *line,
		 size_t len, char *err, size_t errlen);
/* Inside a write transaction: append rule (line its canonical spelling)
 * with its index keys, last in match order; *id its id. */
int ca_rule_store(struct crmauth *ca, const struct crm_rule *rule,
		  const char *line, int64_t *id);

/* ---- notify_command (notify.c) ---- */

/* After change was committed: run notify_command, when set and the
 * event is one that notifies, with the change as JSON on its standard
 * input.  Its failure is a warning, never an error of the change. */
void ca_notify(struct crmauth *ca, const struct ca_change *change);

/* ---- CRM accounts in NSS (extrausers.c) ---- */

/* Whether name may be a login name; reported when not. */
int ca_login_name_ok(const char *name);
/* Whether shell is an absolute path to an executable; reported. */
int ca_login_shell_ok(const char *shell);
/* Inside a write transaction: give name the login shell (NULL: none),
 * and a uid from uid_range if it never had one.  A refusal of its own
 * (a system account of that name, no uid left) is reported, and
 * change->reported set. */
int ca_login_set(struct crmauth *ca, struct ca_change *change,
		 const char *shell);
/* Inside a write transaction: give name the uid and login shell of a
 * backup (shell may be NULL), checked as ca_login_set checks a new one,
 * and keep uid from being handed out again.  Reported. */
int ca_login_restore(struct crmauth *ca, const char *name, int64_t uid,
		     const char *shell);
/* Inside a transaction: rewrite extrausers_dir's passwd and group from
 * the database.  Reported. */
int ca_extrausers_sync(struct crmauth *ca);

/* ---- passwords (password.c) ---- */

/*
 * Read a password into buf (len bytes, cleared by the caller with
 * crm_cleanse): one line of standard input when from_stdin or when
 * standard input is not a terminal, else asked twice on the terminal
 * without echo.  CRM_INVALID (reported) for an empty, too long or
 * mistyped password.
 */
int ca_read_password(const char *who, int from_stdin, char *buf,
		     size_t len);
/* One password to score, not to set: asked once on the terminal, else
 * as ca_read_password reads it. */
int ca_read_candidate(int from_stdin, char *buf, size_t len);

/* ---- output: tables, times, JSON (output.c) ---- */

/* A listing printed as aligned columns; cells are copied. */
struct ca_table {
	size_t ncols;
	const char *const *headers;
	size_t nrows, cap;
	char **cells;			/* nrows * ncols */
};

void ca_table_init(struct ca_table *table, size_t ncols,
		   const char *const *headers);
int ca_table_add(struct ca_table *table, const char *const *cells);
int ca_table_print(const struct ca_table *table);
void ca_table_free(struct ca_table *table);

/* Times as shown: ISO 8601 UTC, or "-" for 0. */
void ca_time_text(int64_t ms, char *buf, size_t len);

/* JSON members; a NULL string or a zero time becomes null.  CRM_ENOMEM
 * when json-c cannot allocate.  Strings are made printable, valid UTF-8
 * first (crm_text_printable); ca_json_text makes one such string value,
 * NULL when out of memory. */
json_object *ca_json_text(const char *value);
int ca_json_str(json_object *obj, const char *key, const char *value);
int ca_json_int(json_object *obj, const char *key, int64_t value);
int ca_json_bool(json_object *obj, const char *key, int value);
int ca_json_time(json_object *obj, const char *key, int64_t ms);
int ca_json_print(json_object *obj);

/* A growable list of strings (roles of a user, --role options;
 * strlist.c). */
struct ca_strlist {
	char **items;
	size_t count, cap;
};

int ca_strlist_add(struct ca_strlist *list, const char *item);
/* The items joined with sep; "" for none.  Caller frees. */
char *ca_strlist_join(const struct ca_strlist *list, const char *sep);
void ca_strlist_free(struct ca_strlist *list);
/* crm_name_cb that adds to a ca_strlist. */
int ca_strlist_cb(void *arg, const char *name);

#endif
