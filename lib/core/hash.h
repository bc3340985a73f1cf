/*
 * hash.h - password hashes through libcrypt.
 *
 * New hashes are yescrypt ("$y$", libcrypt's default cost).  Verification
 * accepts what libcrypt accepts, so imported $6$, $5$ and $2b$ hashes keep
 * working.  crm_hash_verify always does one full hash computation, against
 * a dummy hash of the same cost when the account has none, so that timing
 * never tells whether an account exists.
 */
#ifndef CRM_HASH_H
#define CRM_HASH_H

#include <stddef.h>

#include <crypt.h>

#define CRM_HASH_MAX CRYPT_OUTPUT_SIZE

int crm_hash_password(const char *password, char *out, size_t outlen);

/* CRM_OK when password matches hash; CRM_NOTFOUND when it does not (or
 * hash is NULL: the dummy was used); CRM_INVALID for a hash libcrypt
 * cannot read. */
int crm_hash_verify(const char *password, const char *hash);

/* 1 when hash is not yescrypt at the cost crm_hash_password uses now
 * (an imported $6$, $5$, $2b$ hash, or an older cost); -1 on error. */
int crm_hash_needs_upgrade(const char *hash);

#endif
