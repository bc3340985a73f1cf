/*
 * crypto.c - key file, HMAC-SHA256, AES-256-GCM, random bytes, through
 * OpenSSL.  Every buffer that held key material is cleansed before free.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/crypto.h"

/*
 * The subkeys for MACs are kept as HMAC contexts already keyed: a MAC is
 * then a copy of one context, its update and its final, with no provider
 * lookup and no key schedule per call (a login computes several).  The
 * sealing subkey is kept as bytes, for the cipher.
 */
#define MAC_USES 4	/* CRM_KEY_AUDIT, _NAME, _CHECK, _RECOVERY */

struct crm_key {
	unsigned char seal[CRM_KEY_LEN];
	int locked;		/* mlock succeeded */
	EVP_MAC_CTX *keyed[MAC_USES];
};

/* Labels of the derived subkeys; changing one invalidates every chain or
 * sealed value made under it. */
static const char audit_label[] = "pam-crm audit chain v1";
static const char seal_label[] = "pam-crm seal v1";
static const char name_label[] = "pam-crm name v1";
static const char check_label[] = "pam-crm key check v1";
static const char recovery_label[] = "pam-crm recovery code v1";
/* What the key check value is the MAC of. */
static const char check_text[] = "pam-crm key check value";

static int
mac_slot(enum crm_key_use use)
{
	switch (use) {
	case CRM_KEY_AUDIT:
		return 0;
	case CRM_KEY_NAME:
		return 1;
	case CRM_KEY_CHECK:
		return 2;
	case CRM_KEY_RECOVERY:
		return 3;
	default:
		return -1;
	}
}

/* A context keyed with key (HMAC-SHA256), ready to be copied. */
static EVP_MAC_CTX *
keyed_context(EVP_MAC *hmac, const unsigned char *key)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;

	ctx = EVP_MAC_CTX_new(hmac);
	if (ctx == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, CRM_KEY_LEN, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int
mac_with(EVP_MAC_CTX *keyed, const struct crm_buf *parts, size_t nparts,
	 unsigned char out[CRM_HMAC_LEN])
{
	EVP_MAC_CTX *ctx;
	size_t outlen = 0, i;
	int rc = CRM_ECRYPTO;

	ctx = EVP_MAC_CTX_dup(keyed);
	if (ctx == NULL)
		return CRM_ECRYPTO;
	for (i = 0; i < nparts; i++)
		if (parts[i].len > 0 &&
		    EVP_MAC_update(ctx, parts[i].ptr, parts[i].len) != 1)
			goto out;
	if (EVP_MAC_final(ctx, out, &outlen, CRM_HMAC_LEN) != 1 ||
	    outlen != CRM_HMAC_LEN)
		goto out;
	rc = CRM_OK;
out:
	EVP_MAC_CTX_free(ctx);
	return rc;
}

/* Every subkey is HMAC(master, its label). */
static int
derive_all(struct crm_key *key, const unsigned char *master)
{
	static const char *const labels[MAC_USES] = {
		audit_label, name_label, check_label, recovery_label,
	};
	unsigned char sub[CRM_HMAC_LEN];
	EVP_MAC_CTX *by_master = NULL;
	EVP_MAC *hmac;
	struct crm_buf part;
	int rc = CRM_ECRYPTO, i;

	/* Fetched once per key: a provider lookup is costly. */
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (hmac == NULL)
		return CRM_ECRYPTO;
	by_master = keyed_context(hmac, master);
	if (by_master == NULL)
		goto out;
	for (i = 0; i < MAC_USES; i++) {
		part.ptr = labels[i];
		part.len = strlen(labels[i]);
		if (mac_with(by_master, &part, 1, sub) != CRM_OK)
			goto out;
		key->keyed[i] = keyed_context(hmac, sub);
		if (key->keyed[i] == NULL)
			goto out;
	}
	part.ptr = seal_label;
	part.len = strlen(seal_label);
	if (mac_with(by_master, &part, 1, key->seal) != CRM_OK)
		goto out;
	rc = CRM_OK;
out:
	OPENSSL_cleanse(sub, sizeof(sub));
	EVP_MAC_CTX_free(by_master);
	EVP_MAC_free(hmac);
	return rc;
}

/*
 * What the key file's metadata must say, whether taken from the open file
 * (crm_key_load) or from its path (crm_key_check_file).
 */
static int
check_stat(const char *path, const struct stat *st, char *err,
	   size_t errlen)
{
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "key file %s: not a regular file", path);
		return CRM_EKEY;
	}
	/* Whoever can read the key can forge the audit chain and open every
	 * sealed secret: refuse a key anyone but its owner may touch. */
	if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(err, errlen,
			 "key file %s: mode %04o gives access to group or others "
			 "(must be 0600 or stricter)", path,
			 (unsigned int)(st->st_mode & 07777));
		return CRM_EKEY;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		snprintf(err, errlen, "key file %s: owned by uid %u, not root",
			 path, (unsigned int)st->st_uid);
		return CRM_EKEY;
	}
	if (st->st_size != CRM_KEY_LEN) {
		snprintf(err, errlen, "key file %s: must hold exactly 32 bytes",
			 path);
		return CRM_EKEY;
	}
	return CRM_OK;
}

int
crm_key_check_file(const char *path, char *err, size_t errlen)
{
	struct stat st;

	/* lstat: crm_key_load opens with O_NOFOLLOW, so a symbolic link
	 * is refused here as it would be there. */
	if (lstat(path, &st) != 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		return CRM_EKEY;
	}
	return check_stat(path, &st, err, errlen);
}

int
crm_key_load(const char *path, struct crm_key **out, char *err,
	     size_t errlen)
{
	unsigned char master[CRM_KEY_LEN + 1];
	struct crm_key *key = NULL;
	struct stat st;
	ssize_t got;
	int fd = -1, rc = CRM_EKEY;

	*out = NULL;
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer,
	 * and hang every login behind it; opened this way it is refused by
	 * the type check below.  A regular file ignores the flag. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		goto out;
	}
	if ((rc = check_stat(path, &st, err, errlen)) != CRM_OK)
		goto out;
	rc = CRM_EKEY;
	got = read(fd, master, sizeof(master));
	if (got != CRM_KEY_LEN) {
		snprintf(err, errlen, "key file %s: %s", path,
			 got < 0 ? strerror(errno) : "must hold exactly 32 bytes");
		goto out;
	}

	key = calloc(1, sizeof(*key));
	if (key == NULL) {
		rc = CRM_ENOMEM;
		snprintf(err, errlen, "key file %s: out of memory", path);
		goto out;
	}
	key->locked = mlock(key, sizeof(*key)) == 0;
	if (derive_all(key, master) != CRM_OK) {
		rc = CRM_ECRYPTO;
		snprintf(err, errlen, "key file %s: key derivation failed", path);
		goto out;
	}
	*out = key;
	key = NULL;
	rc = CRM_OK;
out:
	OPENSSL_cleanse(master, sizeof(master));
	crm_key_free(key);
	if (fd >= 0)
		close(fd);
	return rc;
}

int
crm_key_create(const char *path, char *err, size_t errlen)
{
	unsigned char master[CRM_KEY_LEN];
	int fd, rc = CRM_EKEY;
	ssize_t put;

	if (RAND_bytes(master, sizeof(master)) != 1) {
		snprintf(err, errlen, "key file %s: no random bytes", path);
		return CRM_ECRYPTO;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		rc = errno == EEXIST ? CRM_EXISTS : CRM_EKEY;
		goto out;
	}
	/* The umask could have left it wider than asked. */
	if (fchmod(fd, 0600) != 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		goto out_unlink;
	}
	put = write(fd, master, sizeof(master));
	if (put != (ssize_t)sizeof(master) || fsync(fd) != 0) {
		snprintf(err, errlen, "key file %s: %s", path,
			 put < 0 ? strerror(errno) : "short write");
		goto out_unlink;
	}
	if (close(fd) != 0) {
		fd = -1;
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		goto out_unlink;
	}
	fd = -1;
	rc = CRM_OK;
	goto out;
out_unlink:
	unlink(path);
out:
	if (fd >= 0)
		close(fd);
	OPENSSL_cleanse(master, sizeof(master));
	return rc;
}

void
crm_key_free(struct crm_key *key)
{
	int i, locked;

	if (key == NULL)
		return;
	for (i = 0; i < MAC_USES; i++)
		EVP_MAC_CTX_free(key->keyed[i]);
	locked = key->locked;
	OPENSSL_cleanse(key, sizeof(*key));
	if (locked)
		munlock(key, sizeof(*key));
	free(key);
}

int
crm_hmac(const struct crm_key *key, enum crm_key_use use,
	 const struct crm_buf *parts, size_t nparts,
	 unsigned char out[CRM_HMAC_LEN])
{
	int slot = mac_slot(use);

	if (slot < 0)
		return CRM_INVALID;
	return mac_with(key->keyed[slot], parts, nparts, out);
}

int
crm_key_check_value(const struct crm_key *key,
		    unsigned char out[CRM_HMAC_LEN])
{
	struct crm_buf part = { check_text, sizeof(check_text) - 1 };

	return crm_hmac(key, CRM_KEY_CHECK, &part, 1, out);
}

int
crm_seal(const struct crm_key *key, const void *aad, size_t aad_len,
	 const void *plain, size_t plain_len,
	 unsigned char *sealed, size_t sealed_len)
{
	EVP_CIPHER_CTX *ctx = NULL;
	unsigned char *nonce = sealed, *body = sealed + 12;
	int len, rc = CRM_ECRYPTO;

	if (plain_len > INT32_MAX || aad_len > INT32_MAX ||
	    sealed_len != plain_len + CRM_SEAL_OVERHEAD)
		return CRM_INVALID;
	/* A fresh random 96-bit nonce per value: values are few and small, far
	 * below the 2^32 seals per key where random nonces become a risk. */
	if (RAND_bytes(nonce, 12) != 1)
		return CRM_ECRYPTO;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		return CRM_ENOMEM;
	if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key->seal,
			       nonce) != 1)
		goto out;
	if (aad_len > 0 &&
	    EVP_EncryptUpdate(ctx, NULL, &len, aad, (int)aad_len) != 1)
		goto out;
	if (EVP_EncryptUpdate(ctx, body, &len, plain, (int)plain_len) != 1 ||
	    (size_t)len != plain_len)
		goto out;
	if (EVP_EncryptFinal_ex(ctx, body + len, &len) != 1)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
				body + plain_len) != 1)
		goto out;
	rc = CRM_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	if (rc != CRM_OK)
		OPENSSL_cleanse(sealed, sealed_len);
	return rc;
}

int
crm_unseal(const struct crm_key *key, const void *aad, size_t aad_len,
	   const unsigned char *sealed, size_t sealed_len,
	   void *plain, size_t plain_len)
{
	EVP_CIPHER_CTX *ctx = NULL;
	unsigned char tag[16];
	int len, rc = CRM_ECRYPTO;

	if (sealed_len < CRM_SEAL_OVERHEAD ||
	    plain_len != sealed_len - CRM_SEAL_OVERHEAD ||
	    plain_len > INT32_MAX || aad_len > INT32_MAX)
		return CRM_INVALID;
	memcpy(tag, sealed + sealed_len - 16, sizeof(tag));
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		return CRM_ENOMEM;
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key->seal,
			       sealed) != 1)
		goto out;
	if (aad_len > 0 &&
	    EVP_DecryptUpdate(ctx, NULL, &len, aad, (int)aad_len) != 1)
		goto out;
	if (EVP_DecryptUpdate(ctx, plain, &len, sealed + 12,
			      (int)plain_len) != 1)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1)
		goto out;
	if (EVP_DecryptFinal_ex(ctx, (unsigned char *)plain + len, &len) != 1)
		goto out;	/* tag mismatch: tampered, or another key */
	rc = CRM_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	if (rc != CRM_OK)
		OPENSSL_cleanse(plain, plain_len);
	return rc;
}

int
crm_random(void *buf, size_t len)
{
	if (len > INT32_MAX)
		return CRM_INVALID;
	return RAND_bytes(buf, (int)len) == 1 ? CRM_OK : CRM_ECRYPTO;
}

int
crm_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

void
crm_cleanse(void *buf, size_t len)
{
	if (buf != NULL)
		OPENSSL_cleanse(buf, len);
}
