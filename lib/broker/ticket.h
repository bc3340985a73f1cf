/*
 * ticket.h - what crm-authd hands a PAM handle instead of trusting its
 * word: proof that an earlier call of the same login passed a step.
 *
 * In one process a module marks the handle (pam_set_data) and a later
 * module reads the mark.  Through the broker the later call comes from a
 * process the daemon does not trust, so the daemon answers a passed step
 * with a ticket, "PURPOSE.EXPIRY.MAC", the MAC an HMAC-SHA256 under a key
 * the daemon draws at start and never writes down, over the purpose, the
 * user and the expiry.  A ticket holds for its user and purpose only and
 * for CRM_TICKET_LIFE seconds; a restarted daemon honours none.
 */
#ifndef CRM_TICKET_H
#define CRM_TICKET_H

#include <stddef.h>
#include <stdint.h>

#define CRM_TICKET_KEY_LEN	32
#define CRM_TICKET_LIFE		600

/* Purposes: an authentication seen (lockout may clear failures), and
 * pam_chauthtok's preliminary check passed (the update may store). */
#define CRM_TICKET_AUTH		"auth"
#define CRM_TICKET_PWBEGIN	"pwbegin"
/* The daemon counted this handle's failed password or code itself: the
 * module's authfail after it must not count it again. */
#define CRM_TICKET_COUNTED	"counted"

int crm_ticket_make(const unsigned char *key, const char *purpose,
		    const char *user, int64_t now_s, char *out, size_t outlen);
/* 1 when ticket is a ticket of purpose for user, unexpired at now_s. */
int crm_ticket_valid(const unsigned char *key, const char *purpose,
		     const char *user, const char *ticket, int64_t now_s);

#endif
