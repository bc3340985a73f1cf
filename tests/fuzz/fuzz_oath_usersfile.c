/*
 * fuzz_oath_usersfile.c - libFuzzer target for the pam_oath usersfile
 * parser of "crmauth totp import".
 *
 * Input: the file's bytes, NUL bytes and all, handed over with their
 * length and no terminator, as the tool hands over what it read.  A
 * parse that succeeds must have produced only entries we could store; a
 * parse that fails must have left nothing behind.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/totp_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crm_import imp;
	const struct crm_import_entry *e;
	char err[256];
	char *copy;
	size_t i, j;
	int rc;

	/* An exact-size copy: ASan then sees any read past size. */
	copy = malloc(size != 0 ? size : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	rc = crm_import_oath_usersfile(copy, size, &imp, err, sizeof(err));
	if (rc == CRM_OK) {
		for (i = 0; i < imp.count; i++) {
			e = &imp.entries[i];
			if (e->secret_len < 1 ||
			    e->secret_len > CRM_IMPORT_SECRET_MAX ||
			    e->digits < 6 || e->digits > 8 ||
			    (e->period != 30 && e->period != 60) ||
			    e->algorithm != CRM_IMPORT_SHA1 ||
			    e->line < 1 ||
			    !crm_valid_name(e->user, CRM_NAME_MAX, 0))
				abort();
			for (j = 0; j < i; j++)
				if (strcmp(imp.entries[j].user, e->user) == 0)
					abort();
		}
	} else {
		if (rc != CRM_INVALID && rc != CRM_ENOMEM)
			abort();
		if (imp.count != 0 || imp.entries != NULL ||
		    memchr(err, '\0', sizeof(err)) == NULL ||
		    strncmp(err, "line ", 5) != 0)
			abort();
	}
	crm_import_free(&imp);
	free(copy);
	return 0;
}
