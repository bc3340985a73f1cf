/*
 * hash.c - password hashing and verification through libcrypt.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include <crypt.h>

#include "core/crypto.h"
#include "core/hash.h"

/*
 * A yescrypt hash at libcrypt's default cost, of a password nobody knows.
 * Checking a password against it costs what checking a real account costs,
 * so an unknown user answers as slowly as a known one.
 */
static const char dummy_hash[] =
	"$y$j9T$rEtxXGAxfUdvlk55IMUN9/$rKMfBIP1QW2A.2KgBIea8TDf5JDHmg1PCpemRlUcXHA";

/* struct crypt_data is 32 KiB: too large for a server thread's stack. */
static struct crypt_data *
crypt_data_new(void)
{
	return calloc(1, sizeof(struct crypt_data));
}

static void
crypt_data_free(struct crypt_data *cd)
{
	if (cd == NULL)
		return;
	crm_cleanse(cd, sizeof(*cd));
	free(cd);
}

int
crm_hash_password(const char *password, char *out, size_t outlen)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd = NULL;
	const char *hash;
	int rc = CRM_ECRYPTO;

	if (password == NULL || *password == '\0' || outlen < CRM_HASH_MAX)
		return CRM_INVALID;
	/* NULL random bytes: libcrypt reads them from the kernel itself. */
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof(setting)) == NULL)
		return CRM_ECRYPTO;
	cd = crypt_data_new();
	if (cd == NULL)
		return CRM_ENOMEM;
	hash = crypt_rn(password, setting, cd, sizeof(*cd));
	if (hash == NULL || hash[0] == '*')
		goto out;
	if (strlen(hash) >= outlen)
		goto out;
	strcpy(out, hash);
	rc = CRM_OK;
out:
	crypt_data_free(cd);
	return rc;
}

int
crm_hash_verify(const char *password, const char *hash)
{
	const char *setting = hash != NULL ? hash : dummy_hash;
	struct crypt_data *cd = NULL;
	const char *computed;
	size_t len;
	int rc = CRM_NOTFOUND;

	if (password == NULL)
		return CRM_INVALID;
	cd = crypt_data_new();
	if (cd == NULL)
		return CRM_ENOMEM;
	computed = crypt_rn(password, setting, cd, sizeof(*cd));
	if (computed == NULL || computed[0] == '*') {
		/* libcrypt cannot read the stored hash: an administrator must
		 * see this, and the login must fail. */
		rc = hash != NULL ? CRM_INVALID : CRM_ECRYPTO;
		goto out;
	}
	len = strlen(setting);
	if (hash != NULL && strlen(computed) == len &&
	    crm_equal(computed, setting, len))
		rc = CRM_OK;
out:
	crypt_data_free(cd);
	return rc;
}

int
crm_hash_needs_upgrade(const char *hash)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	const char *end;
	size_t len;

	if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof(setting)) ==
	    NULL)
		return -1;
	/* "$y$j9T$salt": the scheme and its cost are all up to the third
	 * '$'; the salt differs every time. */
	end = strchr(setting + 3, '$');
	if (end == NULL)
		return -1;
	len = (size_t)(end - setting) + 1;
	return strncmp(hash, setting, len) != 0;
}
