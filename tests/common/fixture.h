/*
 * fixture.h - what every pam-crm test needs: a work directory with a fresh
 * database and key, crmauth to set things up and inspect them, logins
 * through a real PAM stack loaded from the test's own service directory
 * (pam_start_confdir), and a view of what was logged to syslog.
 *
 * Paths come from tests/run-test through CRM_TEST_* variables.
 */
#ifndef CRM_TEST_FIXTURE_H
#define CRM_TEST_FIXTURE_H

#include <limits.h>
#include <stddef.h>

#include <security/pam_appl.h>

struct fixture {
	char work[1024];
	char conf[PATH_MAX];
	char db[PATH_MAX];
	char key[PATH_MAX];
	char crmauth[PATH_MAX];
	char log_path[PATH_MAX];	/* $CRM_TEST_SYSLOG */
	long log_start;			/* its size at fx_log_begin */
};

/* A fresh database and key in the work directory, and a pam_crm.conf
 * naming them followed by conf_extra (may be NULL). */
void fx_setup(struct fixture *fx, const char *conf_extra);
void fx_teardown(struct fixture *fx);
/* Rewrite pam_crm.conf (modules read it at every call). */
void fx_write_conf(struct fixture *fx, const char *conf_extra);

/*
 * Run crmauth --conf <conf> ARGS... (NULL-terminated), feeding stdin_text
 * (may be NULL) and capturing stdout into out (may be NULL).  Returns the
 * exit status, or -1 when it could not run.
 */
int fx_crmauth(struct fixture *fx, const char *stdin_text, char *out,
	       size_t outlen, ...) __attribute__((sentinel));

/* fx_crmauth, and its standard error into err (errlen bytes with the
 * NUL; also copied to the test's own stderr). */
int fx_crmauth_err(struct fixture *fx, const char *stdin_text, char *out,
		   size_t outlen, char *err, size_t errlen, ...)
	__attribute__((sentinel));

/*
 * Run PROG ARGS... (NULL-terminated) under pam_wrapper with the test's
 * service directory: only for a program under test that calls pam_start
 * itself with a fixed service name (everything else uses fx_login_ex).
 * stdin_text, out and the result as for fx_crmauth.
 */
int fx_run_wrapped(const char *stdin_text, char *out, size_t outlen,
		   const char *prog, ...) __attribute__((sentinel));

/* crmauth user add NAME --password-stdin (asserts success). */
void fx_user_add(struct fixture *fx, const char *name, const char *password);

/* Run SQL through the sqlite3 command-line tool, as an intruder or an
 * administrator with shell access would.  Returns its exit status. */
int fx_sql(struct fixture *fx, const char *sql);

/* Whether query (a SELECT) returns a row. */
int fx_sql_holds(struct fixture *fx, const char *query);
/* The first row of query (a SELECT) as the sqlite3 shell prints it,
 * without the newline, into out (len bytes).  Returns its exit status. */
int fx_sql_text(struct fixture *fx, const char *query, char *out,
		size_t len);

/* The number of failures `crmauth --json lockout show USER` reports. */
long fx_failures(struct fixture *fx, const char *user);
/* Count audit rows for user (NULL: all) with event (NULL: any). */
long fx_audit_count(struct fixture *fx, const char *user, const char *event);

/* What a front end sets on the handle before the first call; NULL leaves
 * an item unset. */
struct fx_items {
	const char *rhost;		/* PAM_RHOST */
	const char *ruser;		/* PAM_RUSER */
	const char *tty;		/* PAM_TTY */
};

/*
 * One answer of the conversation.  Each prompt takes the first answer not
 * used yet whose style matches (0: either) and whose prompt text contains
 * match (NULL: any text); a prompt that no answer fits is refused with
 * PAM_CONV_ERR, as a front end without an answer would.  The list ends
 * with an entry whose text is NULL.
 */
struct fx_answer {
	const char *match;		/* substring of the prompt; NULL: any */
	int style;			/* PAM_PROMPT_ECHO_OFF/_ON, 0: either */
	const char *text;
};

/* Which PAM calls fx_login_ex makes, in this order. */
#define FX_AUTH		0x01		/* pam_authenticate */
#define FX_ACCT		0x02		/* pam_acct_mgmt */
#define FX_CHAUTHTOK	0x04		/* pam_chauthtok */
#define FX_SESSION	0x08		/* pam_open_session (+ close) */

struct login;

struct fx_login_opts {
	struct fx_items items;
	const struct fx_answer *answers;	/* NULL: no answers */
	/* Answer for any prompt the list does not fit (NULL: none). */
	const char *default_answer;
	/* Asked before default_answer, with what the conversation showed
	 * so far (l->infos): an answer that depends on it, as a user who
	 * scans an enrolment QR and types the code.  NULL: none; it may
	 * return NULL to fall through. */
	const char *(*answer_fn)(const struct login *l, const char *prompt,
				 void *arg);
	void *answer_arg;
	int phases;		/* FX_* mask; 0: FX_AUTH | FX_ACCT */
	int flags;		/* for every call, e.g. PAM_SILENT */
	/* Go on with the next phase after one failed (an application that
	 * ignores a result, or an attacker skipping a check); otherwise a
	 * phase runs only when the ones before it succeeded
	 * (PAM_NEW_AUTHTOK_REQD from the account phase lets pam_chauthtok
	 * run, with PAM_CHANGE_EXPIRED_AUTHTOK). */
	int keep_going;
	/* Keep the handle in login.pamh for more calls; end it with
	 * fx_login_end.  opts and the login must outlive it. */
	int keep_handle;
	const char *service_dir;	/* NULL: $CRM_TEST_SERVICE_DIR */
};

#define FX_MAX_PROMPTS 16

struct login {
	int auth_rc;			/* pam_authenticate, -1 when not run */
	int acct_rc;			/* pam_acct_mgmt, -1 when not run */
	int chauthtok_rc;		/* pam_chauthtok, -1 when not run */
	int session_rc;			/* pam_open_session, -1 when not run */
	char errors[2048];		/* PAM_ERROR_MSG texts, '\n'-joined */
	char infos[16384];		/* PAM_TEXT_INFO texts (a QR is big) */
	/* Every prompt shown, in order: its style and text ('\n'-joined
	 * in prompts as well, for strstr). */
	int nprompts;
	int prompt_style[FX_MAX_PROMPTS];
	char prompts[2048];
	int unanswered;			/* prompts refused: no answer fitted */
	/* The PAM environment (pam_getenvlist) after the last phase:
	 * "NAME=value" lines; read one with fx_env_get. */
	char env[16384];
	int env_count;
	pam_handle_t *pamh;		/* with keep_handle, else NULL */
	/* Conversation state (the fixture's). */
	const struct fx_login_opts *opts_;
	unsigned int used_;
	int last_rc_;
};

/*
 * A login through service from the test's own service directory
 * (pam_start_confdir, no pam_wrapper): items set, prompts answered from
 * opts (NULL: no items, no answers, auth then account), the outcome of
 * every phase, the messages, the prompts and the PAM environment in out.
 * user NULL lets the stack ask for it.
 */
void fx_login_ex(const char *service, const char *user,
		 const struct fx_login_opts *opts, struct login *out);
/* pam_end of a handle kept by keep_handle (no-op when none). */
void fx_login_end(struct login *l);

/*
 * A handle from pam_start_confdir with the items of opts set and the
 * fixture's conversation, recording into out (zeroed here), for
 * libpamtest: run_pamtest(service, user, NULL, cases, handle) runs the
 * cases on it and ends it.
 */
pam_handle_t *fx_pam_start(const char *service, const char *user,
			   const struct fx_login_opts *opts, struct login *out);

/* The value of name in the PAM environment a login returned, or NULL. */
const char *fx_env_get(const struct login *l, const char *name);

/*
 * pam_authenticate then (when it succeeded) pam_acct_mgmt through the
 * service, answering every prompt with password.  rhost may be NULL.
 * fx_login_ex with default_answer = password and items.rhost = rhost.
 */
void fx_login(const char *service, const char *user, const char *password,
	      const char *rhost, struct login *out);

/*
 * What modules send to syslog (pam_syslog), from tests/run-test's
 * syslog shim: "<priority> ident: message" lines.  fx_log_end returns
 * the lines appended since fx_log_begin (by this process and its
 * children).
 */
void fx_log_begin(struct fixture *fx);
void fx_log_end(struct fixture *fx, char *buf, size_t len);

/* Set the clock of this process and its children to the real time plus
 * seconds (libfaketime); 0 puts it back. */
void fx_clock_offset(long seconds);
/* Any FAKETIME value ("@2024-03-31 01:59:59", "+3600s"), for this process,
 * its children and the run's crm-authd (make check-broker). */
void fx_faketime(const char *value);

#endif
