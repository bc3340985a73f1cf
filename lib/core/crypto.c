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
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "core/crypto.h"

struct crm_key {
	unsigned char audit[CRM_KEY_LEN];
	unsigned char seal[CRM_KEY_LEN];
	unsigned char name[CRM_KEY_LEN];
	unsigned char check[CRM_KEY_LEN];
	int locked;		/* mlock succeeded */
	EVP_MAC *hmac;		/* fetched once: a provider lookup is costly */
};

/* Labels of the derived subkeys; changing one invalidates every chain or
 * sealed value made under it. */
static const char audit_label[] = "pam-crm audit chain v1";
static const char seal_label[] = "pam-crm seal v1";
static const char name_label[] = "pam-crm name v1";
static const char check_label[] = "pam-crm key check v1";
/* What the key check value is the MAC of. */
static const char check_text[] = "pam-crm key check value";

static int
derive(const unsigned char *master, const char *label, unsigned char *out)
{
	unsigned int len = CRM_KEY_LEN;

	if (HMAC(EVP_sha256(), master, CRM_KEY_LEN,
		 (const unsigned char *)label, strlen(label), out, &len) == NULL
	    || len != CRM_KEY_LEN)
		return CRM_ECRYPTO;
	return CRM_OK;
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
	key->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (key->hmac == NULL) {
		rc = CRM_ECRYPTO;
		snprintf(err, errlen, "key file %s: no HMAC in OpenSSL", path);
		goto out;
	}
	if (derive(master, audit_label, key->audit) != CRM_OK ||
	    derive(master, seal_label, key->seal) != CRM_OK ||
	    derive(master, name_label, key->name) != CRM_OK ||
	    derive(master, check_label, key->check) != CRM_OK) {
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
	if (key == NULL)
		return;
	EVP_MAC_free(key->hmac);
	OPENSSL_cleanse(key, sizeof(*key));
	munlock(key, sizeof(*key));
	free(key);
}

int
crm_hmac(const struct crm_key *key, enum crm_key_use use,
	 const struct crm_buf *parts, size_t nparts,
	 unsigned char out[CRM_HMAC_LEN])
{
	const unsigned char *subkey;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t outlen = 0, i;
	int rc = CRM_ECRYPTO;

	switch (use) {
	case CRM_KEY_AUDIT:
		subkey = key->audit;
		break;
	case CRM_KEY_SEAL:
		subkey = key->seal;
		break;
	case CRM_KEY_NAME:
		subkey = key->name;
		break;
	case CRM_KEY_CHECK:
		subkey = key->check;
		break;
	default:
		return CRM_INVALID;
	}
	ctx = EVP_MAC_CTX_new(key->hmac);
	if (ctx == NULL)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, subkey, CRM_KEY_LEN, params) != 1)
		goto out;
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
