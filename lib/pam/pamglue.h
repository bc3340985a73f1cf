/*
 * pamglue.h - the PAM side shared by every module, and the only lib code
 * that knows PAM: PAM items into a crm_request, the call to a decision,
 * and the outcome back into a PAM return code, message, fail delay,
 * environment and log line.  Built as its own convenience library
 * (libpamcrm_pam) so that nothing without PAM links it.
 *
 * A module file is then: options, request, decide, finish.
 */
#ifndef CRM_PAMGLUE_H
#define CRM_PAMGLUE_H

#include <security/pam_modules.h>

#include "core/config.h"
#include "core/crm.h"
#include "decide/decide.h"

/* A log sink that writes through pam_syslog(pamh, ...). */
void crm_pam_log_init(struct crm_log *log, pam_handle_t *pamh, int debug);

/* The request of one module call; strings belong to the handle, or to
 * this struct (the canonical address). */
struct crm_pam_items {
	struct crm_request req;
	char rhost[CRM_RHOST_MAX];
};

/*
 * Read PAM_SERVICE, PAM_USER (asking for it if unset), PAM_RUSER,
 * PAM_RHOST and PAM_TTY, and whether this handle saw the user
 * authenticated by one of our modules.  Returns a PAM code; a value that
 * is too long, is not valid UTF-8 or has control characters (C0, DEL,
 * C1) is refused (PAM_AUTH_ERR).
 */
int crm_pam_request(pam_handle_t *pamh, struct crm_pam_items *items,
		    const struct crm_log *log);

/*
 * The switch point: answer call in this process (the database handle is
 * opened once per PAM handle and closed at pam_end), or through crm-authd
 * (broker=always, or auto when this process cannot open the database and
 * the key).  Every failure on the way is an outcome of CRM_FAIL with the
 * reason in its detail; CRM_EUNAVAIL when the daemon cannot be asked.
 */
void crm_pam_decide(pam_handle_t *pamh, const struct crm_call *call,
		    const struct crm_log *log, struct crm_outcome *out);

/*
 * A mark on the handle that a step was passed for user (pam_set_data,
 * gone at pam_end): "authenticated" by one of our auth modules, or a
 * module's own ("passwd-begin").  A mark holds for its user only.
 */
int crm_pam_mark_user(pam_handle_t *pamh, const char *what, const char *user);
int crm_pam_user_marked(pam_handle_t *pamh, const char *what,
			const char *user);

/* How a module ends: its PAM-only choices. */
struct crm_pam_finish {
	const char *module;		/* "pam_crm_lockout", for the log */
	int flags;			/* the PAM flags of this call */
	int silent;			/* the silent option */
	int debug;			/* log outcomes that change nothing */
	int denied;			/* PAM_AUTH_ERR or PAM_PERM_DENIED */
	unsigned int fail_delay_usec;	/* on a denial; 0: none */
};

/* Log, tell, delay, export and mark as the outcome says; the PAM code.
 * The outcome's variables are exported when it allows, and when it
 * refuses (CRM_STATUS); never on a failure. */
int crm_pam_finish(pam_handle_t *pamh, const struct crm_pam_finish *how,
		   const struct crm_request *req,
		   const struct crm_outcome *out, const struct crm_log *log);

#endif
