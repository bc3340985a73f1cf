/*
 * crm.c - status names, the logging sink and outcome helpers.
 */
#include "autoconfig.h"

#include <stdio.h>
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
	va_start(ap, fmt);
	vsnprintf(out->detail, sizeof(out->detail), fmt, ap);
	va_end(ap);
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
	size_t len;

	if (s == NULL)
		return allow_null;
	len = strnlen(s, max);
	if (len == 0 || len >= max)
		return 0;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}
