/*
 * fixture.h - what every pam-crm test needs: a work directory with a fresh
 * database and key, crmauth to set things up and inspect them, logins
 * through a real PAM stack (libpamtest), and a view of what was logged.
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
	char log_path[PATH_MAX];
	int saved_stderr;
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

/* crmauth user add NAME --password-stdin (asserts success). */
void fx_user_add(struct fixture *fx, const char *name, const char *password);

/* Run SQL through the sqlite3 command-line tool, as an intruder or an
 * administrator with shell access would.  Returns its exit status. */
int fx_sql(struct fixture *fx, const char *sql);

/* The number of failures `crmauth --json lockout show USER` reports. */
long fx_failures(struct fixture *fx, const char *user);
/* Count audit rows for user (NULL: all) with event (NULL: any). */
long fx_audit_count(struct fixture *fx, const char *user, const char *event);

struct login {
	int auth_rc;			/* pam_authenticate */
	int acct_rc;			/* pam_acct_mgmt, -1 when not reached */
	char errors[2048];		/* PAM_ERROR_MSG texts, '\n'-joined */
	char infos[2048];		/* PAM_TEXT_INFO texts */
};

/*
 * pam_authenticate then (when it succeeded) pam_acct_mgmt through the
 * service, answering every password prompt with password.  rhost may be
 * NULL.  The handle is made with pam_start and the items set on it.
 */
void fx_login(const char *service, const char *user, const char *password,
	      const char *rhost, struct login *out);

/* Capture what modules log (pam_wrapper writes pam_syslog to stderr). */
void fx_log_begin(struct fixture *fx);
/* Stop capturing; the text is returned in buf. */
void fx_log_end(struct fixture *fx, char *buf, size_t len);

/* Set the clock of this process and its children to the real time plus
 * seconds (libfaketime); 0 puts it back. */
void fx_clock_offset(long seconds);

#endif
