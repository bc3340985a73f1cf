/*
 * crm.c - status names, the logging sink and outcome helpers.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "core/crm.h"

const char *
crm_strerror(enum crm_status status)
{
	switch (status) {
	case CRM_OK:		return "success";
	case CRM_NOTFOUND:	return "not found";
	case CRM_EXISTS:	return "already exists";
	case CRM_INVALID:	return "invalid value";
	case CRM_BUSY:		return "database locked (busy timeout)";
	case CRM_EDB:		return "database error";
	case CRM_EKEY:		return "key file error";
	case CRM_ENOMEM:	return "out of memory";
	case CRM_ESYS:		return "system error";
	case CRM_ECRYPTO:	return "cryptographic error";
	case CRM_EUNAVAIL:	return "crm-authd unavailable";
	}
	return "unknown error";
}

void
crm_log(const struct crm_log *log, int priority, const char *fmt, ...)
{
	va_list ap;

	if (log == NULL || log->fn == NULL)
		return;
	if (priority == LOG_DEBUG && !log->debug)
		return;
	va_start(ap, fmt);
	log->fn(log->arg, priority, fmt, ap);
	va_end(ap);
}

int
crm_array_grow(void **items, size_t *cap, size_t count, size_t size)
{
	size_t newcap;
	void *grown;

	if (count < *cap)
		return CRM_OK;
	if (*cap > SIZE_MAX / 2)
		return CRM_ENOMEM;
	newcap = *cap != 0 ? *cap * 2 : 16;
	if (size == 0 || newcap > SIZE_MAX / size)
		return CRM_ENOMEM;
	if ((grown = realloc(*items, newcap * size)) == NULL)
		return CRM_ENOMEM;
	*items = grown;
	*cap = newcap;
	return CRM_OK;
}

void
crm_outcome_init(struct crm_outcome *out)
{
	memset(out, 0, sizeof(*out));
	/* Fail closed: a path that forgets to decide denies. */
	out->verdict = CRM_FAIL;
	out->status = CRM_INVALID;
	out->event = "error";
}

void
crm_outcome_fail(struct crm_outcome *out, enum crm_status status,
		 const char *fmt, ...)
{
	va_list ap;

	out->verdict = CRM_FAIL;
	out->status = status;
	out->event = "error";
	out->message[0] = '\0';
	/* A row written before the failure was rolled back with it: no log
	 * line may name it, or a witness would call it removed. */
	out->audit_tag[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(out->detail, sizeof(out->detail), fmt, ap);
	va_end(ap);
}

size_t
crm_utf8_char(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	size_t n, i;

	if (len == 0)
		return 0;
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	/* 0xc0, 0xc1 and 0xf5 to 0xff never start a character: the first two
	 * only begin overlong forms, the rest code points past U+10FFFF. */
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int
crm_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

int
crm_outcome_setenv(struct crm_outcome *out, const char *name,
		   const char *value)
{
	struct crm_env *env;
	size_t i;

	for (i = 0; i < out->env_count; i++)
		if (strcmp(out->env[i].name, name) == 0)
			break;
	if (i == CRM_ENV_MAX)
		return CRM_ENOMEM;
	env = &out->env[i];
	if ((size_t)snprintf(env->name, sizeof(env->name), "%s", name) >=
	    sizeof(env->name) ||
	    (size_t)snprintf(env->value, sizeof(env->value), "%s", value) >=
	    sizeof(env->value))
		return CRM_INVALID;
	if (i == out->env_count)
		out->env_count++;
	return CRM_OK;
}

int
crm_valid_name(const char *s, size_t max, int allow_null)
{
	size_t len, n;
	uint32_t cp;

	if (s == NULL)
		return allow_null;
	len = strnlen(s, max);
	if (len == 0 || len >= max)
		return 0;
	/* Names reach logs, audit rows and JSON: bytes that are no UTF-8
	 * would make that JSON invalid, and two spellings of one character
	 * (an overlong form) could name two records that look alike. */
	for (; len > 0; s += n, len -= n) {
		n = crm_utf8_char(s, len, &cp);
		if (n == 0 || crm_is_control(cp))
			return 0;
	}
	return 1;
}

int
crm_valid_item(const char *s)
{
	return crm_valid_name(s, CRM_NAME_MAX, 0) &&
	       strpbrk(s, CRM_ITEM_SEPARATORS) == NULL;
}

int
crm_request_valid(const struct crm_request *req, struct crm_outcome *out)
{
	if (!crm_valid_name(req->user, CRM_NAME_MAX, 0) ||
	    !crm_valid_name(req->rhost, CRM_RHOST_MAX, 1) ||
	    !crm_valid_name(req->service, CRM_NAME_MAX, 1)) {
		crm_outcome_fail(out, CRM_INVALID,
				 "user, rhost or service malformed or too long");
		return 0;
	}
	return 1;
}
