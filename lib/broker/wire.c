/*
 * wire.c - encoding and strict decoding of crm-authd's frames.
 */
#include "autoconfig.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "broker/wire.h"
#include "core/clock.h"
#include "core/crypto.h"

enum field_type { F_STR, F_U32, F_I64 };

struct field {
	uint8_t tag;
	enum field_type type;
	size_t offset;
	size_t size;		/* F_STR: room, NUL included */
	unsigned int has;	/* request: the CRM_HAS_ bit it sets */
};

/* ---- request fields ---- */
enum {
	R_KIND = 1, R_PHASE, R_HOW, R_AT, R_ARG, R_SERVICE, R_USER, R_RUSER,
	R_RHOST, R_TTY, R_PASSWORD, R_CURRENT, R_CODE, R_TICKET_AUTH,
	R_TICKET_PWBEGIN, R_GRANT_FROM, R_GRANT_TARGET, R_GRANT_MODE,
	R_GRANT_BASIS, R_GRANT_RECORDED, R_BUSY_LEFT, R_TICKET_COUNTED,
};

#define RQ(member) offsetof(struct crm_wire_request, member), \
	sizeof(((struct crm_wire_request *)0)->member)
static const struct field request_fields[] = {
	{ R_KIND, F_U32, RQ(kind), 0 },
	{ R_PHASE, F_U32, RQ(phase), 0 },
	{ R_HOW, F_U32, RQ(how), 0 },
	{ R_AT, F_I64, RQ(at_ms), 0 },
	{ R_SERVICE, F_STR, RQ(service), CRM_HAS_SERVICE },
	{ R_USER, F_STR, RQ(user), CRM_HAS_USER },
	{ R_RUSER, F_STR, RQ(ruser), CRM_HAS_RUSER },
	{ R_RHOST, F_STR, RQ(rhost), CRM_HAS_RHOST },
	{ R_TTY, F_STR, RQ(tty), CRM_HAS_TTY },
	{ R_PASSWORD, F_STR, RQ(password), CRM_HAS_PASSWORD },
	{ R_CURRENT, F_STR, RQ(current), CRM_HAS_CURRENT },
	{ R_CODE, F_STR, RQ(code), CRM_HAS_CODE },
	{ R_TICKET_AUTH, F_STR, RQ(ticket_auth), 0 },
	{ R_TICKET_PWBEGIN, F_STR, RQ(ticket_pwbegin), 0 },
	{ R_GRANT_FROM, F_STR, RQ(grant.from), 0 },
	{ R_GRANT_TARGET, F_STR, RQ(grant.target), 0 },
	{ R_GRANT_MODE, F_U32, RQ(grant.mode), 0 },
	{ R_GRANT_BASIS, F_STR, RQ(grant.basis), 0 },
	{ R_GRANT_RECORDED, F_U32, RQ(grant.recorded), 0 },
	{ R_BUSY_LEFT, F_U32, RQ(busy_left_ms), 0 },
	{ R_TICKET_COUNTED, F_STR, RQ(ticket_counted), 0 },
};

/* ---- reply fields ---- */
enum {
	P_VERDICT = 1, P_STATUS, P_EVENT, P_FLAGS, P_STYLE, P_MESSAGE,
	P_DETAIL, P_ENV_NAME, P_ENV_VALUE, P_AUDIT_TAG, P_TICKET_AUTH,
	P_TICKET_PWBEGIN, P_GRANT_FROM, P_GRANT_TARGET, P_GRANT_MODE,
	P_GRANT_BASIS, P_GRANT_RECORDED, P_TOTP_DIGITS, P_TOTP_URI,
	P_RECOVERY, P_BUSY_SPENT, P_TICKET_COUNTED,
};

/* The reply's yes/no values, one word. */
#define FLAG_AUDIT		0x01
#define FLAG_AUTHENTICATED	0x02
#define FLAG_NEW_AUTHTOK	0x04
#define FLAG_USER_MASKED	0x08
#define FLAG_CALLER_REFUSED	0x10
#define FLAG_RECORDED		0x20
#define FLAG_TOTP_OPTIONAL	0x40
#define FLAG_GRANT		0x80
#define FLAGS_KNOWN		0xff

#define RP(member) offsetof(struct crm_wire_reply, member), \
	sizeof(((struct crm_wire_reply *)0)->member)
static const struct field reply_fields[] = {
	{ P_VERDICT, F_U32, RP(out.verdict), 0 },
	{ P_STATUS, F_U32, RP(out.status), 0 },
	{ P_STYLE, F_U32, RP(out.message_style), 0 },
	{ P_MESSAGE, F_STR, RP(out.message), 0 },
	{ P_DETAIL, F_STR, RP(out.detail), 0 },
	{ P_AUDIT_TAG, F_STR, RP(out.audit_tag), 0 },
	{ P_TICKET_AUTH, F_STR, RP(ticket_auth), 0 },
	{ P_TICKET_PWBEGIN, F_STR, RP(ticket_pwbegin), 0 },
	{ P_GRANT_FROM, F_STR, RP(grant.from), 0 },
	{ P_GRANT_TARGET, F_STR, RP(grant.target), 0 },
	{ P_GRANT_MODE, F_U32, RP(grant.mode), 0 },
	{ P_GRANT_BASIS, F_STR, RP(grant.basis), 0 },
	{ P_TOTP_DIGITS, F_U32, RP(totp_digits), 0 },
	{ P_TOTP_URI, F_STR, RP(totp_uri), 0 },
	{ P_BUSY_SPENT, F_U32, RP(busy_spent_ms), 0 },
	{ P_TICKET_COUNTED, F_STR, RP(ticket_counted), 0 },
};

/* Enum members are stored as uint32_t on the wire and in memory: the
 * offsets above must name 4-byte objects. */
_Static_assert(sizeof(enum crm_verdict) == 4, "enum size");
_Static_assert(sizeof(enum crm_status) == 4, "enum size");
_Static_assert(sizeof(enum crm_msg_style) == 4, "enum size");

/* ---- output ---- */

void
crm_wire_buf_free(struct crm_wire_buf *b)
{
	if (b->data != NULL) {
		crm_cleanse(b->data, b->cap);
		free(b->data);
	}
	memset(b, 0, sizeof(*b));
}

/* Grow by hand so that no copy of a secret is left behind in a freed
 * block (realloc may move without cleansing). */
static int
buf_room(struct crm_wire_buf *b, size_t more)
{
	unsigned char *bigger;
	size_t cap;

	if (b->failed)
		return 0;
	if (more > CRM_WIRE_HEADER + CRM_WIRE_MAX - b->len) {
		b->failed = CRM_INVALID;
		return 0;
	}
	if (b->len + more <= b->cap)
		return 1;
	cap = b->cap != 0 ? b->cap : 1024;
	while (cap < b->len + more)
		cap *= 2;
	bigger = malloc(cap);
	if (bigger == NULL) {
		b->failed = CRM_ENOMEM;
		return 0;
	}
	if (b->data != NULL) {
		memcpy(bigger, b->data, b->len);
		crm_cleanse(b->data, b->cap);
		free(b->data);
	}
	b->data = bigger;
	b->cap = cap;
	return 1;
}

static void
put_field(struct crm_wire_buf *b, uint8_t tag, const void *data, size_t len)
{
	if (len > 0xffff) {
		b->failed = CRM_INVALID;
		return;
	}
	if (!buf_room(b, 3 + len))
		return;
	b->data[b->len++] = tag;
	b->data[b->len++] = (unsigned char)(len >> 8);
	b->data[b->len++] = (unsigned char)len;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
}

static void
put_u64(struct crm_wire_buf *b, uint8_t tag, uint64_t v)
{
	unsigned char be[8];
	int i;

	for (i = 7; i >= 0; i--) {
		be[i] = (unsigned char)v;
		v >>= 8;
	}
	put_field(b, tag, be, sizeof(be));
}

static void
put_str(struct crm_wire_buf *b, uint8_t tag, const char *s)
{
	put_field(b, tag, s, strlen(s));
}

static void
put_fields(struct crm_wire_buf *b, const struct field *fields, size_t n,
	   const void *obj, unsigned int has)
{
	const unsigned char *base = obj;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct field *f = &fields[i];
		const void *at = base + f->offset;
		uint32_t u32;
		int64_t i64;

		switch (f->type) {
		case F_STR:
			/* An optional string goes only when given; others
			 * only when not empty. */
			if (f->has != 0 ? (has & f->has) != 0
					: ((const char *)at)[0] != '\0')
				put_str(b, f->tag, at);
			break;
		case F_U32:
			/* Always sent: the decoder starts from a failed
			 * outcome, so that a missing verdict is no yes. */
			memcpy(&u32, at, sizeof(u32));
			put_u64(b, f->tag, u32);
			break;
		case F_I64:
			memcpy(&i64, at, sizeof(i64));
			put_u64(b, f->tag, (uint64_t)i64);
			break;
		}
	}
}

static void
begin_frame(struct crm_wire_buf *b, enum crm_wire_type type)
{
	memset(b, 0, sizeof(*b));
	if (!buf_room(b, CRM_WIRE_HEADER))
		return;
	memcpy(b->data, CRM_WIRE_MAGIC, 4);
	b->data[4] = CRM_WIRE_VERSION;
	b->data[5] = (unsigned char)type;
	memset(b->data + 6, 0, 6);
	b->len = CRM_WIRE_HEADER;
}

static int
end_frame(struct crm_wire_buf *b)
{
	size_t len;

	if (b->failed) {
		int rc = b->failed;

		crm_wire_buf_free(b);
		return rc;
	}
	len = b->len - CRM_WIRE_HEADER;
	b->data[8] = (unsigned char)(len >> 24);
	b->data[9] = (unsigned char)(len >> 16);
	b->data[10] = (unsigned char)(len >> 8);
	b->data[11] = (unsigned char)len;
	return CRM_OK;
}

int
crm_wire_encode_request(const struct crm_wire_request *req,
			struct crm_wire_buf *b)
{
	size_t i;

	begin_frame(b, CRM_WIRE_REQUEST);
	if (req->argc > CRM_WIRE_ARGS_MAX)
		b->failed = CRM_INVALID;
	for (i = 0; i < req->argc && !b->failed; i++)
		put_str(b, R_ARG, req->argv[i]);
	put_fields(b, request_fields, CRM_ARRAY_SIZE(request_fields), req,
		   req->has);
	return end_frame(b);
}

int
crm_wire_encode_reply(const struct crm_wire_reply *rep,
		      struct crm_wire_buf *b)
{
	const struct crm_outcome *out = &rep->out;
	uint32_t flags = 0;
	size_t i;

	begin_frame(b, CRM_WIRE_REPLY);
	put_fields(b, reply_fields, CRM_ARRAY_SIZE(reply_fields), rep, 0);
	if (out->event != NULL)
		put_str(b, P_EVENT, out->event);
	flags |= out->audit ? FLAG_AUDIT : 0;
	flags |= out->authenticated ? FLAG_AUTHENTICATED : 0;
	flags |= out->new_authtok_required ? FLAG_NEW_AUTHTOK : 0;
	flags |= out->user_masked ? FLAG_USER_MASKED : 0;
	flags |= rep->caller_refused ? FLAG_CALLER_REFUSED : 0;
	flags |= rep->recorded ? FLAG_RECORDED : 0;
	flags |= rep->totp_optional ? FLAG_TOTP_OPTIONAL : 0;
	flags |= rep->grant.present ? FLAG_GRANT : 0;
	put_u64(b, P_FLAGS, flags);
	if (rep->grant.recorded)
		put_u64(b, P_GRANT_RECORDED, 1);
	if (out->env_count > CRM_ENV_MAX ||
	    rep->recovery_count > CRM_TOTP_RECOVERY_CODES)
		b->failed = CRM_INVALID;
	for (i = 0; i < out->env_count && !b->failed; i++) {
		put_str(b, P_ENV_NAME, out->env[i].name);
		put_str(b, P_ENV_VALUE, out->env[i].value);
	}
	for (i = 0; i < rep->recovery_count && !b->failed; i++)
		put_str(b, P_RECOVERY, rep->recovery[i]);
	return end_frame(b);
}

/* ---- input ---- */

int
crm_wire_header(const unsigned char *hdr, enum crm_wire_type type,
		size_t *len)
{
	uint32_t n;

	if (memcmp(hdr, CRM_WIRE_MAGIC, 4) != 0 ||
	    hdr[4] != CRM_WIRE_VERSION || hdr[5] != (unsigned char)type ||
	    hdr[6] != 0 || hdr[7] != 0)
		return CRM_INVALID;
	n = (uint32_t)hdr[8] << 24 | (uint32_t)hdr[9] << 16 |
	    (uint32_t)hdr[10] << 8 | hdr[11];
	if (n > CRM_WIRE_MAX)
		return CRM_INVALID;
	*len = n;
	return CRM_OK;
}

struct reader {
	const unsigned char *p;
	size_t len, pos;
	char *err;
	size_t errlen;
	uint64_t seen[4];	/* tags seen, for the ones not a list */
};

static int
bad(struct reader *r, const char *what, unsigned int tag)
{
	snprintf(r->err, r->errlen, "malformed frame: %s (field %u)", what,
		 tag);
	return CRM_INVALID;
}

/* The next field; 0 at the end, -1 malformed. */
static int
next_field(struct reader *r, uint8_t *tag, const unsigned char **data,
	   size_t *len)
{
	if (r->pos == r->len)
		return 0;
	if (r->len - r->pos < 3) {
		bad(r, "truncated field header", 0);
		return -1;
	}
	*tag = r->p[r->pos];
	*len = (size_t)r->p[r->pos + 1] << 8 | r->p[r->pos + 2];
	r->pos += 3;
	if (*len > r->len - r->pos) {
		bad(r, "field longer than the frame", *tag);
		return -1;
	}
	*data = r->p + r->pos;
	r->pos += *len;
	return 1;
}

static int
once(struct reader *r, uint8_t tag)
{
	uint64_t bit = (uint64_t)1 << (tag % 64);

	if (r->seen[tag / 64] & bit)
		return bad(r, "field given twice", tag);
	r->seen[tag / 64] |= bit;
	return CRM_OK;
}

static int
get_str(struct reader *r, uint8_t tag, const unsigned char *data,
	size_t len, char *dst, size_t size)
{
	if (len >= size)
		return bad(r, "string too long", tag);
	if (memchr(data, '\0', len) != NULL)
		return bad(r, "string with a NUL byte", tag);
	memcpy(dst, data, len);
	dst[len] = '\0';
	return CRM_OK;
}

static int
get_u64(struct reader *r, uint8_t tag, const unsigned char *data,
	size_t len, uint64_t *v)
{
	size_t i;

	if (len != 8)
		return bad(r, "integer not 8 bytes", tag);
	*v = 0;
	for (i = 0; i < 8; i++)
		*v = *v << 8 | data[i];
	return CRM_OK;
}

/* One field of a table; CRM_NOTFOUND when the tag is not in it. */
static int
get_table_field(struct reader *r, const struct field *fields, size_t n,
		void *obj, unsigned int *has, uint8_t tag,
		const unsigned char *data, size_t len)
{
	unsigned char *base = obj;
	uint64_t v;
	uint32_t u32;
	int64_t i64;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		const struct field *f = &fields[i];

		if (f->tag != tag)
			continue;
		rc = once(r, tag);
		if (rc != CRM_OK)
			return rc;
		switch (f->type) {
		case F_STR:
			rc = get_str(r, tag, data, len,
				     (char *)base + f->offset, f->size);
			if (rc == CRM_OK && has != NULL)
				*has |= f->has;
			return rc;
		case F_U32:
			rc = get_u64(r, tag, data, len, &v);
			if (rc != CRM_OK)
				return rc;
			if (v > UINT32_MAX)
				return bad(r, "value out of range", tag);
			u32 = (uint32_t)v;
			memcpy(base + f->offset, &u32, sizeof(u32));
			return CRM_OK;
		case F_I64:
			rc = get_u64(r, tag, data, len, &v);
			if (rc != CRM_OK)
				return rc;
			i64 = (int64_t)v;
			memcpy(base + f->offset, &i64, sizeof(i64));
			return CRM_OK;
		}
	}
	return CRM_NOTFOUND;
}

static void
reader_init(struct reader *r, const unsigned char *p, size_t len, char *err,
	    size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->p = p;
	r->len = len;
	r->err = err;
	r->errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
}

int
crm_wire_decode_request(const unsigned char *p, size_t len,
			struct crm_wire_request *req, char *err,
			size_t errlen)
{
	const unsigned char *data;
	struct reader r;
	size_t flen;
	uint8_t tag;
	int more, rc = CRM_OK;

	memset(req, 0, sizeof(*req));
	reader_init(&r, p, len, err, errlen);
	if (len > CRM_WIRE_MAX)
		return bad(&r, "payload too long", 0);
	while (rc == CRM_OK && (more = next_field(&r, &tag, &data, &flen)) > 0) {
		if (tag == R_ARG) {
			if (req->argc == CRM_WIRE_ARGS_MAX)
				rc = bad(&r, "too many arguments", tag);
			else
				rc = get_str(&r, tag, data, flen,
					     req->argv[req->argc++],
					     CRM_WIRE_ARG_MAX);
			continue;
		}
		rc = get_table_field(&r, request_fields,
				     CRM_ARRAY_SIZE(request_fields), req,
				     &req->has, tag, data, flen);
		if (rc == CRM_NOTFOUND)
			rc = bad(&r, "unknown field", tag);
	}
	/* A grant names the account switched to, or is none. */
	req->grant.present = req->grant.target[0] != '\0';
	if (rc == CRM_OK && more < 0)
		rc = CRM_INVALID;
	if (rc != CRM_OK)
		crm_wire_request_clear(req);
	return rc;
}

int
crm_wire_decode_reply(const unsigned char *p, size_t len,
		      struct crm_wire_reply *rep, char *err, size_t errlen)
{
	struct crm_outcome *out = &rep->out;
	const unsigned char *data;
	size_t flen, names = 0, values = 0;
	struct reader r;
	uint64_t v;
	uint8_t tag;
	int more, rc = CRM_OK;

	memset(rep, 0, sizeof(*rep));
	crm_outcome_init(out);
	reader_init(&r, p, len, err, errlen);
	if (len > CRM_WIRE_MAX)
		return bad(&r, "payload too long", 0);
	while (rc == CRM_OK && (more = next_field(&r, &tag, &data, &flen)) > 0) {
		switch (tag) {
		case P_ENV_NAME:
			if (names == CRM_ENV_MAX || names != values)
				rc = bad(&r, "environment out of order", tag);
			else
				rc = get_str(&r, tag, data, flen,
					     out->env[names++].name,
					     CRM_ENV_NAME_MAX);
			continue;
		case P_ENV_VALUE:
			if (values + 1 != names)
				rc = bad(&r, "environment out of order", tag);
			else
				rc = get_str(&r, tag, data, flen,
					     out->env[values++].value,
					     CRM_ENV_VALUE_MAX);
			continue;
		case P_RECOVERY:
			if (rep->recovery_count == CRM_TOTP_RECOVERY_CODES)
				rc = bad(&r, "too many recovery codes", tag);
			else
				rc = get_str(&r, tag, data, flen,
					     rep->recovery[rep->recovery_count++],
					     CRM_TOTP_RECOVERY_LEN);
			continue;
		case P_FLAGS:
			rc = once(&r, tag);
			if (rc == CRM_OK)
				rc = get_u64(&r, tag, data, flen, &v);
			if (rc == CRM_OK && (v & ~(uint64_t)FLAGS_KNOWN))
				rc = bad(&r, "unknown flag", tag);
			if (rc != CRM_OK)
				continue;
			out->audit = (v & FLAG_AUDIT) != 0;
			out->authenticated = (v & FLAG_AUTHENTICATED) != 0;
			out->new_authtok_required = (v & FLAG_NEW_AUTHTOK) != 0;
			out->user_masked = (v & FLAG_USER_MASKED) != 0;
			rep->caller_refused = (v & FLAG_CALLER_REFUSED) != 0;
			rep->recorded = (v & FLAG_RECORDED) != 0;
			rep->totp_optional = (v & FLAG_TOTP_OPTIONAL) != 0;
			rep->grant.present = (v & FLAG_GRANT) != 0;
			continue;
		case P_EVENT:
			rc = once(&r, tag);
			if (rc == CRM_OK)
				rc = get_str(&r, tag, data, flen,
					     out->event_text,
					     sizeof(out->event_text));
			continue;
		case P_GRANT_RECORDED:
			rc = once(&r, tag);
			if (rc == CRM_OK)
				rc = get_u64(&r, tag, data, flen, &v);
			rep->grant.recorded = rc == CRM_OK && v != 0;
			continue;
		}
		rc = get_table_field(&r, reply_fields,
				     CRM_ARRAY_SIZE(reply_fields), rep, NULL,
				     tag, data, flen);
		if (rc == CRM_NOTFOUND)
			rc = bad(&r, "unknown field", tag);
	}
	if (rc == CRM_OK && more < 0)
		rc = CRM_INVALID;
	if (rc == CRM_OK && names != values)
		rc = bad(&r, "variable without a value", P_ENV_VALUE);
	if (rc == CRM_OK && (out->verdict > CRM_ASK ||
			     out->status > CRM_EUNAVAIL ||
			     out->message_style > CRM_MSG_INFO))
		rc = bad(&r, "verdict, status or style out of range", 0);
	if (rc != CRM_OK) {
		crm_wire_reply_clear(rep);
		crm_outcome_init(out);
		return rc;
	}
	out->env_count = names;
	if (out->event_text[0] == '\0')
		snprintf(out->event_text, sizeof(out->event_text), "broker");
	out->event = out->event_text;
	return CRM_OK;
}

/* ---- the socket ---- */

static int
wait_ready(int fd, short events, int64_t deadline_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int64_t left;
	int n;

	for (;;) {
		left = deadline_ms - crm_monotonic_ms();
		if (left <= 0)
			return CRM_EUNAVAIL;
		n = poll(&p, 1, (int)left);
		if (n > 0)
			return CRM_OK;
		if (n < 0 && errno != EINTR)
			return CRM_EUNAVAIL;
	}
}

int
crm_wire_recv(int fd, void *buf, size_t len, int64_t deadline_ms)
{
	unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = recv(fd, p, len, MSG_DONTWAIT);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			if (wait_ready(fd, POLLIN, deadline_ms) != CRM_OK)
				return CRM_EUNAVAIL;
		} else {
			return CRM_EUNAVAIL;	/* closed early, or an error */
		}
	}
	return CRM_OK;
}

int
crm_wire_send(int fd, const void *buf, size_t len, int64_t deadline_ms)
{
	const unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			if (wait_ready(fd, POLLOUT, deadline_ms) != CRM_OK)
				return CRM_EUNAVAIL;
		} else {
			return CRM_EUNAVAIL;
		}
	}
	return CRM_OK;
}

void
crm_wire_request_clear(struct crm_wire_request *req)
{
	crm_cleanse(req->password, sizeof(req->password));
	crm_cleanse(req->current, sizeof(req->current));
	crm_cleanse(req->code, sizeof(req->code));
	crm_cleanse(req->ticket_auth, sizeof(req->ticket_auth));
	crm_cleanse(req->ticket_pwbegin, sizeof(req->ticket_pwbegin));
	crm_cleanse(req->ticket_counted, sizeof(req->ticket_counted));
}

void
crm_wire_reply_clear(struct crm_wire_reply *rep)
{
	crm_cleanse(rep->totp_uri, sizeof(rep->totp_uri));
	crm_cleanse(rep->recovery, sizeof(rep->recovery));
	crm_cleanse(rep->ticket_auth, sizeof(rep->ticket_auth));
	crm_cleanse(rep->ticket_pwbegin, sizeof(rep->ticket_pwbegin));
	crm_cleanse(rep->ticket_counted, sizeof(rep->ticket_counted));
	rep->recovery_count = 0;
}
