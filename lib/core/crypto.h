/*
 * crypto.h - the key file and everything done with it, through OpenSSL.
 *
 * The key file holds 32 random bytes.  It is refused when group or others
 * may read or write it, when it is not a regular file owned by root or by
 * the caller, or when its size is wrong.  Subkeys are derived from it
 * (HMAC-SHA256 over a fixed label), one for the audit chain, one for
 * sealing secrets, one for keyed names and one for the key check value,
 * so that no use can be turned against another.
 * Keys are kept in memory locked against swapping where possible and
 * cleansed on free.
 */
#ifndef CRM_CRYPTO_H
#define CRM_CRYPTO_H

#include <stddef.h>

#include "core/crm.h"

#define CRM_KEY_LEN	32
#define CRM_HMAC_LEN	32
#define CRM_SEAL_OVERHEAD (12 + 16)	/* nonce + GCM tag */

struct crm_key;

int crm_key_load(const char *path, struct crm_key **out, char *err,
		 size_t errlen);
/* The checks crm_key_load makes of the file itself (type, mode, owner,
 * size), from its path and without reading it: cheap enough for every
 * login, so that an unsafe key file is refused even by decisions that
 * never use the key.  crm_key_load checks again on the open file. */
int crm_key_check_file(const char *path, char *err, size_t errlen);
/* Create path with 32 fresh random bytes, mode 0600; refuses to replace an
 * existing file. */
int crm_key_create(const char *path, char *err, size_t errlen);
void crm_key_free(struct crm_key *key);

/* NAME keys the record of a user name that is not an account: what was
 * typed may be a password, and is never stored as typed. */
/* RECOVERY keys the stored form of a TOTP recovery code. */
enum crm_key_use {
	CRM_KEY_AUDIT, CRM_KEY_SEAL, CRM_KEY_NAME, CRM_KEY_CHECK,
	CRM_KEY_RECOVERY,
};

/* HMAC-SHA256 under the subkey for use, over parts concatenated. */
struct crm_buf {
	const void *ptr;
	size_t len;
};
int crm_hmac(const struct crm_key *key, enum crm_key_use use,
	     const struct crm_buf *parts, size_t nparts,
	     unsigned char out[CRM_HMAC_LEN]);

/*
 * The key check value: HMAC-SHA256 under the check subkey over a fixed
 * text.  The database keeps it (crm_ctx_key_verify) so that a well-formed
 * key file other than the one the database was made with is refused
 * instead of silently breaking the audit chain and every sealed secret.
 * Its own subkey: the value is no MAC that the audit chain or a seal
 * could ever produce, and tells nothing about the key.
 */
int crm_key_check_value(const struct crm_key *key,
			unsigned char out[CRM_HMAC_LEN]);

/*
 * AES-256-GCM.  sealed = nonce(12) || ciphertext || tag(16), so sealed_len
 * must be plain_len + CRM_SEAL_OVERHEAD.  aad binds the sealed value to its
 * owner (e.g. the user name) so that it cannot be moved to another record.
 */
int crm_seal(const struct crm_key *key, const void *aad, size_t aad_len,
	     const void *plain, size_t plain_len,
	     unsigned char *sealed, size_t sealed_len);
/* CRM_ECRYPTO when the tag does not verify (tampered or wrong key). */
int crm_unseal(const struct crm_key *key, const void *aad, size_t aad_len,
	       const unsigned char *sealed, size_t sealed_len,
	       void *plain, size_t plain_len);

int crm_random(void *buf, size_t len);

/* Constant-time equality of two buffers of the same length. */
int crm_equal(const void *a, const void *b, size_t len);

/* Clear a secret so that the compiler cannot skip it. */
void crm_cleanse(void *buf, size_t len);

#endif
