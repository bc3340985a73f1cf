/*
 * pamglue.h - the PAM side shared by every module: turning PAM items into
 * a crm_request, keeping one context per PAM handle, logging through
 * pam_syslog and talking to the user.  Built as its own convenience
 * library (libpamcrm_pam) so that nothing without PAM links it.
 */
#ifndef CRM_PAMGLUE_H
#define CRM_PAMGLUE_H

#include <security/pam_modules.h>

#include "core/config.h"
#include "core/context.h"
#include "core/crm.h"

/* A log sink that writes through pam_syslog(pamh, ...). */
void crm_pam_log_init(struct crm_log *log, pam_handle_t *pamh, int debug);

/*
 * Read PAM_SERVICE, PAM_USER (asking for it if unset), PAM_RUSER,
 * PAM_RHOST and PAM_TTY into req.  Strings belong to the handle.
 * Returns a PAM code; a value that is too long, is not valid UTF-8 or has
 * control characters (C0, DEL, C1) is refused (PAM_AUTH_ERR).
 */
int crm_pam_request(pam_handle_t *pamh, struct crm_request *req,
		    const struct crm_log *log);

/* The context for common's database and key, opened once per handle and
 * closed at pam_end.  Returns a PAM code; logs why on failure. */
int crm_pam_context(pam_handle_t *pamh, const struct crm_common_opts *common,
		    const struct crm_log *log, struct crm_ctx **out);

/* Show out->message unless silenced (the silent option or PAM_SILENT). */
void crm_pam_tell(pam_handle_t *pamh, int flags, int silent, int style,
		  const char *message);

/* pam_putenv NAME=value; a failure is logged and returned (fail closed). */
int crm_pam_putenv(pam_handle_t *pamh, const char *name, const char *value,
		   const struct crm_log *log);

/* One authpriv line per decision: module, event, user, rhost, detail. */
void crm_pam_log_outcome(const struct crm_log *log, const char *module,
			 const struct crm_request *req,
			 const struct crm_outcome *out, const char *user_shown);

#endif
