/*
 * store.c - what store.h means whatever the backend: choosing the backend
 * from the db= value, and the names of statuses and scopes.
 *
 * A path selects SQLite.  A postgresql:// URI is the backend SPEC reserves
 * for server farms: until it is built it is refused here, before anything
 * is opened, with a message that says so.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "store/sqlite.h"
#include "store/store.h"

enum crm_backend
crm_store_backend(const char *location)
{
	if (location == NULL)
		return CRM_BACKEND_NONE;
	if (location[0] == '/')
		return CRM_BACKEND_SQLITE;
	if (strncmp(location, "postgresql://", 13) == 0 ||
	    strncmp(location, "postgres://", 11) == 0)
		return CRM_BACKEND_POSTGRESQL;
	return CRM_BACKEND_NONE;
}

int
crm_store_open(const char *location, enum crm_store_mode mode,
	       unsigned long busy_timeout_ms, enum crm_durability durability,
	       struct crm_store **out, char *err, size_t errlen)
{
	*out = NULL;
	switch (crm_store_backend(location)) {
	case CRM_BACKEND_SQLITE:
		return crm_sqlite_open(location, mode, busy_timeout_ms,
				       durability, out, err, errlen);
	case CRM_BACKEND_POSTGRESQL:
		/* The URI may carry a password: never echo it. */
		snprintf(err, errlen, "database postgresql://...: the "
			 "PostgreSQL backend is not part of this build "
			 "(use a path to an SQLite database)");
		return CRM_EDB;
	case CRM_BACKEND_NONE:
	default:
		snprintf(err, errlen, "database: db= must be an absolute path "
			 "or a postgresql:// URI");
		return CRM_INVALID;
	}
}

const char *
crm_user_status_name(enum crm_user_status status)
{
	switch (status) {
	case CRM_USER_ACTIVE:		return "active";
	case CRM_USER_DISABLED:		return "disabled";
	case CRM_USER_SUSPENDED:	return "suspended";
	}
	return "unknown";
}

void
crm_user_clear(struct crm_user *u)
{
	free(u->name);
	free(u->dept);
	free(u->login_shell);
	if (u->password_hash != NULL) {
		crm_cleanse(u->password_hash, strlen(u->password_hash));
		free(u->password_hash);
	}
	memset(u, 0, sizeof(*u));
}

const char *
crm_scope_name(enum crm_scope scope)
{
	switch (scope) {
	case CRM_SCOPE_OWN:		return "own";
	case CRM_SCOPE_DEPARTMENT:	return "department";
	case CRM_SCOPE_COMPANY:		return "company";
	}
	return "unknown";
}

int
crm_scope_parse(const char *text, enum crm_scope *out)
{
	static const enum crm_scope all[] = {
		CRM_SCOPE_OWN, CRM_SCOPE_DEPARTMENT, CRM_SCOPE_COMPANY
	};
	size_t i;

	for (i = 0; text != NULL && i < CRM_ARRAY_SIZE(all); i++)
		if (strcmp(text, crm_scope_name(all[i])) == 0) {
			*out = all[i];
			return CRM_OK;
		}
	return CRM_INVALID;
}
