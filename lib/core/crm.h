/*
 * crm.h - what every unit of libpamcrm shares: status codes, the logging
 * sink and the request/outcome pair through which every decision is made.
 *
 * Nothing here knows PAM.  A module turns PAM items into a crm_request and
 * a crm_outcome into a PAM return code; a broker or a tool can do the same
 * with any other transport.
 */
#ifndef CRM_H
#define CRM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds on what we accept from outside: longer input is refused, never
 * truncated, so that two different names can never share a record. */
#define CRM_NAME_MAX	256	/* user, role, department, service, tty */
#define CRM_RHOST_MAX	256	/* address or host name */
#define CRM_MSG_MAX	512	/* a message for the user (PAM_MAX_MSG_SIZE) */
#define CRM_DETAIL_MAX	256	/* audit detail; never a secret */

/* The number of elements of an array; never of a pointer. */
#define CRM_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum crm_status {
	CRM_OK = 0,
	CRM_NOTFOUND,	/* no such record */
	CRM_EXISTS,	/* record already present */
	CRM_INVALID,	/* malformed input, option value or configuration */
	CRM_BUSY,	/* database locked past busy_timeout_ms */
	CRM_EDB,	/* database missing, unreadable, corrupt or wrong schema */
	CRM_EKEY,	/* key file missing, unreadable, unsafe or malformed */
	CRM_ENOMEM,
	CRM_ESYS,	/* other system error */
	CRM_ECRYPTO,	/* OpenSSL failure or authentication tag mismatch */
	CRM_EUNAVAIL,	/* crm-authd absent, too slow or not trustworthy */
};

const char *crm_strerror(enum crm_status status);

/*
 * Logging goes through a sink chosen by the caller: pam_syslog in a module,
 * stderr in a tool, syslog in a broker.  Priorities are syslog's.
 */
typedef void (*crm_log_fn)(void *arg, int priority, const char *fmt,
			   va_list ap);

struct crm_log {
	crm_log_fn fn;
	void *arg;
	int debug;		/* pass LOG_DEBUG through */
};

void crm_log(const struct crm_log *log, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One login-time question.  Any field may be NULL (not set by the caller).
 * rhost is canonical when it is an address (pamglue makes it so). */
struct crm_request {
	const char *service;
	const char *user;
	const char *ruser;
	const char *rhost;
	const char *tty;
	/* A successful authentication of user was seen earlier in this
	 * same conversation (PAM handle): only then may failures be
	 * cleared.  Set by the caller, never by the asker's word. */
	int authenticated;
	/* Asked through crm-authd by a process of this uid: audit rows
	 * name it. */
	int via_broker;
	unsigned long broker_uid;
};

enum crm_verdict {
	CRM_ALLOW,	/* this check says yes */
	CRM_DENY,	/* an expected no: wrong password, locked, ... */
	CRM_IGNORE,	/* not this check's business (unknown=ignore, ...) */
	CRM_FAIL,	/* an error on the way to a yes: fail closed */
	CRM_ASK,	/* a second step: the user must answer first (TOTP);
			 * never a PAM code by itself */
};

enum crm_msg_style {
	CRM_MSG_ERROR,	/* PAM_ERROR_MSG */
	CRM_MSG_INFO,	/* PAM_TEXT_INFO */
};

/*
 * CRM_ values a front end receives (pam_putenv, or the broker's reply).
 * pam_crm_role sets the most: CRM_USER, CRM_ROLES, CRM_DATA_SCOPE,
 * CRM_DEPARTMENT, CRM_PERMISSIONS, CRM_SWITCHED_FROM.  A value holds a
 * user's whole role or permission list (50 roles of 64 bytes fit); one
 * that would not fit refuses the login instead of being cut.  An outcome
 * is then about 33 KiB: it lives on the stack of one module call.
 */
#define CRM_ENV_MAX		8
#define CRM_ENV_NAME_MAX	32
#define CRM_ENV_VALUE_MAX	4096

/* CRM_STATUS, exported by whichever module refuses an account, so that a
 * front end can show the right page. */
#define CRM_STATUS_DISABLED	"disabled"	/* pam_crm_role */
#define CRM_STATUS_SUSPENDED	"suspended"	/* pam_crm_role */
#define CRM_STATUS_LOCKED	"locked"	/* pam_crm_lockout */
/* Reserved for pam_crm_passwd's refusal of an expired password. */
#define CRM_STATUS_EXPIRED	"expired"

struct crm_env {
	char name[CRM_ENV_NAME_MAX];
	char value[CRM_ENV_VALUE_MAX];
};

#define CRM_AUDIT_TAG_LEN 48
#define CRM_EVENT_MAX 48

/*
 * What a decision tells its caller, whoever the caller is: a module, a
 * tool, or a broker that sends it back over a socket.  Never holds a
 * secret.
 */
struct crm_outcome {
	enum crm_verdict verdict;
	enum crm_status status;		/* the error behind CRM_FAIL */
	const char *event;		/* audit event, a static string */
	int audit;			/* the decision writes an audit row */
	int authenticated;		/* the user's identity was proven */
	/* A CRM_DENY that asks for a new password (an expired or
	 * administrator-flagged one): PAM_NEW_AUTHTOK_REQD, the code
	 * front ends run pam_chauthtok on. */
	int new_authtok_required;
	/* crm-authd does not let this caller ask: PAM_PERM_DENIED in any
	 * phase. */
	int caller_refused;
	enum crm_msg_style message_style;
	char message[CRM_MSG_MAX];	/* for the user; "" when none */
	char detail[CRM_DETAIL_MAX];	/* for audit and log */
	int user_masked;		/* log the user as "(unknown)" */
	size_t env_count;
	struct crm_env env[CRM_ENV_MAX];
	char audit_tag[CRM_AUDIT_TAG_LEN];	/* the row written, for logs */
	/* Where event points when the outcome came over a socket. */
	char event_text[CRM_EVENT_MAX];
};

void crm_outcome_init(struct crm_outcome *out);
void crm_outcome_fail(struct crm_outcome *out, enum crm_status status,
		      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add NAME=value to what the front end receives. */
int crm_outcome_setenv(struct crm_outcome *out, const char *name,
		       const char *value);

/* The request's user, rhost and service are valid names (below); else
 * out fails with CRM_INVALID and 0 is returned.  Every decision starts
 * here. */
int crm_request_valid(const struct crm_request *req,
		      struct crm_outcome *out);

/* Validate an outside string: non-empty, at most max-1 bytes, valid UTF-8
 * (no overlong form, surrogate or code point past U+10FFFF), no control
 * characters (C0, DEL, C1).  NULL is accepted when allow_null. */
int crm_valid_name(const char *s, size_t max, int allow_null);

/* The characters no role, permission or department name may hold: they
 * separate the items of CRM_ROLES and CRM_PERMISSIONS (","), the
 * departments of CRM_DEPARTMENT ("/"), a variable from its value ("="),
 * and the words of a PAM module argument (blanks). */
#define CRM_ITEM_SEPARATORS ",/= \t"

/* A crm_valid_name (CRM_NAME_MAX) without CRM_ITEM_SEPARATORS. */
int crm_valid_item(const char *s);

/* The length (1 to 4) of the valid UTF-8 character that starts s (at most
 * len bytes), its code point in *cp; 0 when s starts none: a stray or
 * missing continuation byte, an overlong form, a surrogate, a code point
 * past U+10FFFF (RFC 3629). */
size_t crm_utf8_char(const char *s, size_t len, uint32_t *cp);

/*
 * Make room for one more element in *items, an array of count elements
 * of size bytes with room for *cap: nothing when there is room, else
 * realloc to twice the room (16 the first time).  CRM_ENOMEM, with *items
 * and *cap unchanged, when that fails or would overflow.
 */
int crm_array_grow(void **items, size_t *cap, size_t count, size_t size);

/* C0 controls, DEL and C1 controls (U+0080 to U+009F): what moves a
 * terminal's cursor or starts an escape sequence. */
int crm_is_control(uint32_t cp);

#endif
