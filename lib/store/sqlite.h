/*
 * sqlite.h - the SQLite backend's entry point, for store.c alone: every
 * other function of store.h it implements under its public name.
 */
#ifndef CRM_STORE_SQLITE_H
#define CRM_STORE_SQLITE_H

#include "store/store.h"

/* location is an absolute path. */
int crm_sqlite_open(const char *location, enum crm_store_mode mode,
		    unsigned long busy_timeout_ms,
		    enum crm_durability durability, struct crm_store **out,
		    char *err, size_t errlen);

#endif
