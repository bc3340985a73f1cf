/*
 * errors.c - what crmauth says when something fails, and the exit status
 * it returns (SPEC "Administration"): usage, help, store errors.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/context.h"
#include "core/crm.h"
#include "store/store.h"

#include "crmauth.h"

int
ca_exit_code(int status)
{
	switch (status) {
	case CRM_OK:
		return CA_EXIT_OK;
	case CRM_NOTFOUND:
	case CRM_EXISTS:
		return CA_EXIT_REFUSED;
	default:
		return CA_EXIT_ERROR;
	}
}

static void ca_verror(struct crmauth *ca, int status, const char *fmt,
		      va_list ap) __attribute__((format(printf, 3, 0)));

static void
ca_verror(struct crmauth *ca, int status, const char *fmt, va_list ap)
{
	const char *backend = NULL;

	/* The backend's own words say which file or lock, and never hold a
	 * secret (store.h). */
	if ((status == CRM_EDB || status == CRM_BUSY) && ca != NULL &&
	    ca->ctx != NULL && ca->ctx->store != NULL)
		backend = crm_store_errmsg(ca->ctx->store);
	fputs("crmauth: ", stderr);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, ": %s", crm_strerror(status));
	if (backend != NULL && backend[0] != '\0')
		fprintf(stderr, " (%s)", backend);
	fputc('\n', stderr);
}

void
ca_error(struct crmauth *ca, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ca_verror(ca, status, fmt, ap);
	va_end(ap);
}

int
ca_fail(struct crmauth *ca, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ca_verror(ca, status, fmt, ap);
	va_end(ap);
	return ca_exit_code(status);
}

void
ca_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("crmauth: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int
ca_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("crmauth: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	fputs(usage, stderr);
	return CA_EXIT_ERROR;
}

int
ca_usage(const char *usage)
{
	fputs(usage, stderr);
	return CA_EXIT_ERROR;
}

int
ca_fail_record(struct crmauth *ca, int status, const char *kind,
	       const char *name)
{
	switch (status) {
	case CRM_NOTFOUND:
		ca_warn("%s %s: no such %s", kind, name, kind);
		break;
	case CRM_EXISTS:
		ca_warn("%s %s: already exists", kind, name);
		break;
	default:
		ca_error(ca, status, "%s %s", kind, name);
		break;
	}
	return ca_exit_code(status);
}

int
ca_help(const char *usage)
{
	fputs(usage, stdout);
	return CA_EXIT_OK;
}
