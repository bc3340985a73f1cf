/*
 * fuzz_google_auth.c - libFuzzer target for the ~/.google_authenticator
 * parser of "crmauth totp import".
 *
 * Input: the file's bytes, NUL bytes and all, handed over with their
 * length and no terminator.  A parse that succeeds must have produced
 * one entry we could store; a parse that fails must have left nothing
 * behind and dropped nothing.
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
	size_t dropped = 12345, i, k;
	char err[256];
	char *copy;
	int rc;

	/* An exact-size copy: ASan then sees any read past size. */
	copy = malloc(size != 0 ? size : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	rc = crm_import_google_authenticator(copy, size, "fuzz", &imp,
					     &dropped, err, sizeof(err));
	if (rc == CRM_OK) {
		if (imp.count != 1)
			abort();
		e = &imp.entries[0];
		if (e->secret_len < 10 ||
		    e->secret_len > CRM_IMPORT_SECRET_MAX ||
		    e->digits != 6 || e->period < 1 || e->period > 60 ||
		    e->window > 49 || e->line != 1 ||
		    e->recovery_count > CRM_IMPORT_RECOVERY_MAX ||
		    (dropped != 0 &&
		     e->recovery_count != CRM_IMPORT_RECOVERY_MAX) ||
		    strcmp(e->user, "fuzz") != 0)
			abort();
		for (i = 0; i < e->recovery_count; i++) {
			if (strlen(e->recovery[i]) != 8)
				abort();
			for (k = 0; k < 8; k++)
				if (e->recovery[i][k] < '0' ||
				    e->recovery[i][k] > '9')
					abort();
		}
	} else {
		if (rc != CRM_INVALID && rc != CRM_ENOMEM)
			abort();
		if (imp.count != 0 || imp.entries != NULL || dropped != 0 ||
		    memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
			abort();
	}
	crm_import_free(&imp);
	free(copy);
	return 0;
}
