/*
 * fuzz_backup.c - libFuzzer target for the document "crmauth import"
 * reads (lib/cli/backup.c).
 *
 * Input: the file's bytes with their length and no terminator, as the
 * tool hands over what it read.  A document taken must write back to a
 * document that is taken again and writes the same bytes (what the
 * export/import round trip stands on); a document refused must leave no
 * model behind and say where, as a JSON pointer.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/backup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_round_trip(struct crm_backup *b)
{
	struct crm_backup *again = NULL;
	char *first = NULL, *second = NULL, err[512];

	if (crm_backup_write(b, &first) != CRM_OK)
		return;			/* out of memory only */
	if (crm_backup_parse(first, strlen(first), &again, err,
			     sizeof(err)) != CRM_OK)
		abort();
	if (crm_backup_write(again, &second) != CRM_OK)
		abort();
	if (strcmp(first, second) != 0)
		abort();
	free(first);
	free(second);
	crm_backup_free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crm_backup *b = NULL;
	char err[512];
	char *copy;
	int rc;

	/* An exact-size copy: ASan then sees any read past size. */
	copy = malloc(size != 0 ? size : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	rc = crm_backup_parse(copy, size, &b, err, sizeof(err));
	if (rc == CRM_OK) {
		if (b == NULL)
			abort();
		check_round_trip(b);
	} else {
		if (b != NULL || (rc != CRM_INVALID && rc != CRM_ENOMEM) ||
		    memchr(err, '\0', sizeof(err)) == NULL ||
		    (rc == CRM_INVALID && err[0] != '/'))
			abort();
	}
	crm_backup_free(b);
	free(copy);
	return 0;
}
