/*
 * wire.h - crm-authd's frames: one request from a module, one reply from
 * the daemon, over a unix stream socket.
 *
 * A frame is a 12-byte header (magic "CRMB", version, type, two zero
 * bytes, payload length big-endian) and a payload of fields: a tag byte,
 * a 16-bit big-endian length and that many bytes.  Integers are 8 bytes
 * big-endian.  The decoder is strict: an unknown tag, a field given twice
 * that is not a list, a string with a NUL in it, a length past the
 * payload or a payload over CRM_WIRE_MAX is a malformed frame, never a
 * guess.  A new field is a new version.
 *
 * Nothing here knows PAM or SQLite: the module side (client.c), the
 * daemon side (serve.c) and the fuzz target share it.
 */
#ifndef CRM_WIRE_H
#define CRM_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "core/crm.h"
#include "decide/role.h"
#include "decide/totp.h"

#define CRM_WIRE_MAGIC		"CRMB"
#define CRM_WIRE_VERSION	1
#define CRM_WIRE_HEADER		12
/* Hard limit on a payload: an outcome with eight full CRM_ values and a
 * TOTP reveal fits in about 40 KiB. */
#define CRM_WIRE_MAX		(64 * 1024)

enum crm_wire_type { CRM_WIRE_REQUEST = 1, CRM_WIRE_REPLY = 2 };

/* Module arguments a request may carry, and tickets. */
#define CRM_WIRE_ARGS_MAX	32
#define CRM_WIRE_ARG_MAX	1024
#define CRM_TICKET_MAX		128
#define CRM_SECRET_MAX		1024	/* a password, a code */


/* A grant of pam_crm_role's switch, as it crosses the wire. */
struct crm_wire_grant {
	int present;
	char from[CRM_NAME_MAX];
	char target[CRM_NAME_MAX];
	uint32_t mode;
	char basis[CRM_SWITCH_BASIS_MAX];
	int recorded;
};

/* What a module asks.  Strings are NUL-terminated copies; secrets are
 * cleansed by crm_wire_request_clear. */
struct crm_wire_request {
	uint32_t kind;			/* enum crm_decision */
	uint32_t phase;			/* the kind's phase enum */
	uint32_t how;			/* CRM_PWCHANGE_* */
	int64_t at_ms;			/* access: 0 now */
	uint32_t busy_left_ms;		/* the handle's waiting budget left */
	size_t argc;
	char argv[CRM_WIRE_ARGS_MAX][CRM_WIRE_ARG_MAX];
	char service[CRM_NAME_MAX];
	char user[CRM_NAME_MAX];
	char ruser[CRM_NAME_MAX];
	char rhost[CRM_RHOST_MAX];
	char tty[CRM_NAME_MAX];
	/* Which of the optional strings were given (NULL vs ""). */
	unsigned int has;
	char password[CRM_SECRET_MAX];	/* secret */
	char current[CRM_SECRET_MAX];	/* secret */
	char code[CRM_SECRET_MAX];	/* secret */
	char ticket_auth[CRM_TICKET_MAX];
	char ticket_pwbegin[CRM_TICKET_MAX];
	char ticket_counted[CRM_TICKET_MAX];
	struct crm_wire_grant grant;
};

/* crm_wire_request.has */
#define CRM_HAS_SERVICE		0x001
#define CRM_HAS_USER		0x002
#define CRM_HAS_RUSER		0x004
#define CRM_HAS_RHOST		0x008
#define CRM_HAS_TTY		0x010
#define CRM_HAS_PASSWORD	0x020
#define CRM_HAS_CURRENT		0x040
#define CRM_HAS_CODE		0x080

/* What the daemon answers: the outcome, the out-parameters of the call
 * and the tickets a later call of the same PAM handle shows. */
struct crm_wire_reply {
	struct crm_outcome out;		/* out.event: out.event_text */
	int caller_refused;		/* not in broker_allow */
	char ticket_auth[CRM_TICKET_MAX];
	char ticket_pwbegin[CRM_TICKET_MAX];
	char ticket_counted[CRM_TICKET_MAX];
	int recorded;			/* role: switch_ok written */
	uint32_t busy_spent_ms;		/* of the budget, spent waiting */
	struct crm_wire_grant grant;	/* switch: the grant */
	/* TOTP reveal: for the user's eyes; cleansed after use. */
	uint32_t totp_digits;
	int totp_optional;
	char totp_uri[CRM_OTPAUTH_MAX];
	size_t recovery_count;
	char recovery[CRM_TOTP_RECOVERY_CODES][CRM_TOTP_RECOVERY_LEN];
};

/* A growing output buffer; cleansed and freed by crm_wire_buf_free. */
struct crm_wire_buf {
	unsigned char *data;
	size_t len, cap;
	int failed;		/* out of memory or over CRM_WIRE_MAX */
};

void crm_wire_buf_free(struct crm_wire_buf *b);

/* Encode a whole frame (header and payload) into b; CRM_OK, CRM_ENOMEM
 * or CRM_INVALID (a field too long for the wire). */
int crm_wire_encode_request(const struct crm_wire_request *req,
			    struct crm_wire_buf *b);
int crm_wire_encode_reply(const struct crm_wire_reply *rep,
			  struct crm_wire_buf *b);

/* The payload length a header announces: CRM_OK and *len, or
 * CRM_INVALID (bad magic, version, type, or over CRM_WIRE_MAX). */
int crm_wire_header(const unsigned char *hdr, enum crm_wire_type type,
		    size_t *len);

/* Decode a payload (without its header); CRM_OK or CRM_INVALID, with
 * the reason in err.  req/rep are zeroed first. */
int crm_wire_decode_request(const unsigned char *p, size_t len,
			    struct crm_wire_request *req, char *err,
			    size_t errlen);
int crm_wire_decode_reply(const unsigned char *p, size_t len,
			  struct crm_wire_reply *rep, char *err,
			  size_t errlen);

/* All of len bytes from or to a socket by deadline_ms
 * (crm_monotonic_ms); CRM_OK, or CRM_EUNAVAIL when the peer closed, an
 * error came or the deadline passed.  Never SIGPIPE. */
int crm_wire_recv(int fd, void *buf, size_t len, int64_t deadline_ms);
int crm_wire_send(int fd, const void *buf, size_t len, int64_t deadline_ms);

void crm_wire_request_clear(struct crm_wire_request *req);
void crm_wire_reply_clear(struct crm_wire_reply *rep);

#endif
