/*
 * totp_import.h - the two TOTP files "crmauth totp import" migrates
 * from, read into memory: a pam_oath usersfile (liboath's format) and a
 * user's ~/.google_authenticator.  For the tools only.
 *
 * Parsing only: nothing here opens a file, a database or a PAM handle.
 * The caller reads the file, hands over its bytes (NUL bytes and a
 * missing final newline are fine: every length is explicit) and stores
 * what comes back.  A file is taken whole or not at all: on any error
 * the result is empty and err says "line N: why", never quoting a field,
 * since a misplaced field may be the secret.
 */
#ifndef CRM_TOTP_IMPORT_H
#define CRM_TOTP_IMPORT_H

#include <stddef.h>

#include "core/crm.h"

#define CRM_IMPORT_SECRET_MAX 64
#define CRM_IMPORT_RECOVERY_MAX 10	/* we keep at most ten */

enum crm_import_algorithm {
	CRM_IMPORT_SHA1,
	CRM_IMPORT_SHA256,
	CRM_IMPORT_SHA512,
};

struct crm_import_entry {
	char user[CRM_NAME_MAX];
	unsigned char secret[CRM_IMPORT_SECRET_MAX];
	size_t secret_len;
	enum crm_import_algorithm algorithm;
	unsigned int digits;		/* 6, 7, 8 */
	unsigned int period;		/* seconds */
	unsigned int window;		/* steps each side; 0 when the file does not say */
	int disallow_reuse;		/* google: " DISALLOW_REUSE" */
	size_t recovery_count;
	char recovery[CRM_IMPORT_RECOVERY_MAX][16];	/* as written, digits */
	unsigned int line;		/* 1-based line it came from */
};

struct crm_import {
	struct crm_import_entry *entries;
	size_t count, cap;
};

/*
 * A whole pam_oath usersfile: "TYPE USER PIN SECRET [COUNTER [LASTOTP
 * [TIME]]]" per line, fields separated by blanks, '#' comments and blank
 * lines skipped.  TYPE is one liboath 2.6 knows for TOTP: HOTP/T30 or
 * HOTP/T60, optionally /6, /7 or /8 (digits); always SHA1.  Event-based
 * types (HOTP, HOTP/E...) are refused, as is a PIN other than "-" (none)
 * or "+" (checked by another module), a secret that is not 1 to 64 bytes
 * of hex, and a user given twice.  COUNTER, LASTOTP and TIME are pam_oath's
 * replay state: checked for shape, then dropped.
 *
 * *out is overwritten (not freed first).  CRM_OK, CRM_INVALID with
 * "line N: reason" in err, or CRM_ENOMEM; on error *out is empty and
 * every byte that held a secret has been cleansed.
 */
int crm_import_oath_usersfile(const char *text, size_t len,
			      struct crm_import *out, char *err,
			      size_t errlen);

/*
 * The ~/.google_authenticator of user: the base32 secret (RFC 4648,
 * either case, spaces and '=' padding allowed, 10 to 64 bytes), option
 * lines starting with '"', and 8-digit scratch codes.  " TOTP_AUTH is
 * required and " HOTP_COUNTER refused (counter-based); " WINDOW_SIZE N
 * (the total window) becomes window (N-1)/2; " STEP_SIZE is the period;
 * " RATE_LIMIT is checked and ignored; an unknown option is refused.
 * Digits are always 6.  The first ten scratch codes are kept, *dropped
 * says how many more there were.  Errors as above; *dropped is 0 then.
 */
int crm_import_google_authenticator(const char *text, size_t len,
				    const char *user, struct crm_import *out,
				    size_t *dropped, char *err, size_t errlen);

/* Cleanse the secrets and recovery codes, free, and leave imp empty. */
void crm_import_free(struct crm_import *imp);

#endif
