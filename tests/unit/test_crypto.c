/*
 * test_crypto.c - the key file's safety checks, HMAC, sealing round trips
 * and tamper detection.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/crypto.h"
#include "core/hash.h"

static char key_path[4096];

static struct crm_key *
fresh_key(void)
{
	struct crm_key *key = NULL;
	char err[512];

	unlink(key_path);
	assert_int_equal(crm_key_create(key_path, err, sizeof(err)), CRM_OK);
	assert_int_equal(crm_key_load(key_path, &key, err, sizeof(err)), CRM_OK);
	return key;
}

static void
key_file_is_private_and_refused_when_not(void **state)
{
	struct crm_key *key = NULL;
	struct stat st;
	char err[512];

	crm_key_free(fresh_key());
	assert_int_equal(stat(key_path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 32);

	assert_int_equal(chmod(key_path, 0644), 0);
	assert_int_equal(crm_key_load(key_path, &key, err, sizeof(err)),
			 CRM_EKEY);
	assert_null(key);
	assert_non_null(strstr(err, "mode 0644"));

	assert_int_equal(chmod(key_path, 0640), 0);
	assert_int_equal(crm_key_load(key_path, &key, err, sizeof(err)),
			 CRM_EKEY);

	/* init never overwrites a key: that would orphan every seal. */
	assert_int_equal(crm_key_create(key_path, err, sizeof(err)),
			 CRM_EXISTS);
}

static void
key_of_wrong_size_is_refused(void **state)
{
	struct crm_key *key = NULL;
	char err[512];
	FILE *fp;

	unlink(key_path);
	fp = fopen(key_path, "w");
	assert_non_null(fp);
	fputs("short", fp);
	fclose(fp);
	assert_int_equal(chmod(key_path, 0600), 0);
	assert_int_equal(crm_key_load(key_path, &key, err, sizeof(err)),
			 CRM_EKEY);
	assert_non_null(strstr(err, "32 bytes"));

	assert_int_equal(crm_key_load("/nonexistent/key", &key, err,
				      sizeof(err)), CRM_EKEY);
}

/* A FIFO in place of the key: open() would wait for a writer forever.
 * crm_ctx_open's lstat check refuses it first, so only this test shows
 * that crm_key_load itself (a file swapped after that check) does not
 * wait.  SIGALRM ends the test program if it does. */
static void
fifo_key_is_refused_without_waiting(void **state)
{
	struct crm_key *key = NULL;
	char err[512];

	unlink(key_path);
	assert_int_equal(mkfifo(key_path, 0600), 0);
	alarm(10);
	assert_int_equal(crm_key_load(key_path, &key, err, sizeof(err)),
			 CRM_EKEY);
	alarm(0);
	assert_null(key);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(crm_key_check_file(key_path, err, sizeof(err)),
			 CRM_EKEY);
	assert_non_null(strstr(err, "not a regular file"));
	unlink(key_path);
}

static void
key_check_value_names_the_key_and_no_other_use(void **state)
{
	struct crm_key *a = fresh_key(), *b = fresh_key();
	unsigned char ca[CRM_HMAC_LEN], cb[CRM_HMAC_LEN], mac[CRM_HMAC_LEN];
	struct crm_buf text[] = { { "pam-crm key check value", 23 } };

	assert_int_equal(crm_key_check_value(a, ca), CRM_OK);
	assert_int_equal(crm_key_check_value(b, cb), CRM_OK);
	assert_memory_not_equal(ca, cb, sizeof(ca));
	/* Its own subkey: no audit MAC or seal MAC of the same text. */
	assert_int_equal(crm_hmac(a, CRM_KEY_AUDIT, text, 1, mac), CRM_OK);
	assert_memory_not_equal(ca, mac, sizeof(ca));
	assert_int_equal(crm_hmac(a, CRM_KEY_NAME, text, 1, mac), CRM_OK);
	assert_memory_not_equal(ca, mac, sizeof(ca));
	/* The sealing subkey keys the cipher only. */
	assert_int_equal(crm_hmac(a, CRM_KEY_SEAL, text, 1, mac), CRM_INVALID);
	crm_key_free(a);
	crm_key_free(b);
}

static void
hmac_depends_on_key_and_every_byte(void **state)
{
	struct crm_key *a = fresh_key(), *b = fresh_key();
	unsigned char m1[32], m2[32], m3[32], m4[32];
	struct crm_buf one[] = { { "hello ", 6 }, { "world", 5 } };
	struct crm_buf joined[] = { { "hello world", 11 } };
	struct crm_buf other[] = { { "hello worle", 11 } };

	assert_int_equal(crm_hmac(a, CRM_KEY_AUDIT, one, 2, m1), CRM_OK);
	assert_int_equal(crm_hmac(a, CRM_KEY_AUDIT, joined, 1, m2), CRM_OK);
	assert_memory_equal(m1, m2, 32);	/* parts are concatenated */
	assert_int_equal(crm_hmac(a, CRM_KEY_AUDIT, other, 1, m3), CRM_OK);
	assert_memory_not_equal(m1, m3, 32);
	assert_int_equal(crm_hmac(b, CRM_KEY_AUDIT, joined, 1, m4), CRM_OK);
	assert_memory_not_equal(m1, m4, 32);
	/* The two uses have different subkeys. */
	assert_int_equal(crm_hmac(a, CRM_KEY_NAME, joined, 1, m4), CRM_OK);
	assert_memory_not_equal(m1, m4, 32);
	crm_key_free(a);
	crm_key_free(b);
}

/*
 * Every subkey is HMAC-SHA256(master, label): a database made by an
 * earlier build keeps its key check, chain and records only while that
 * holds.  Expected values from Python's hmac module.
 */
static void
subkeys_are_derived_as_every_earlier_build_did(void **state)
{
	static const unsigned char check[CRM_HMAC_LEN] = {
		0x34, 0x8f, 0x4e, 0xf6, 0x76, 0xcf, 0xe4, 0x2c, 0x2a, 0xe8,
		0x3e, 0x77, 0x08, 0x9f, 0x8b, 0x5d, 0xeb, 0x84, 0xe6, 0xbd,
		0x81, 0xc8, 0x64, 0x19, 0x17, 0x21, 0x14, 0x20, 0x6f, 0x51,
		0xe7, 0x89,
	};
	static const unsigned char audit_abc[CRM_HMAC_LEN] = {
		0x71, 0x96, 0xc9, 0x24, 0x85, 0xe6, 0x13, 0xa9, 0xa8, 0x07,
		0x03, 0xeb, 0xb4, 0xcd, 0xc3, 0x28, 0x96, 0x13, 0xf9, 0xf3,
		0xd1, 0x59, 0x2f, 0x01, 0xa4, 0x83, 0x6d, 0x47, 0x00, 0x1b,
		0xfd, 0x86,
	};
	static const unsigned char name_abc[CRM_HMAC_LEN] = {
		0x8e, 0xe2, 0xc1, 0x46, 0xaf, 0xa3, 0x75, 0xcb, 0x0b, 0x3c,
		0xf2, 0xb2, 0x38, 0xf2, 0x8b, 0x6f, 0x4a, 0x2a, 0x1a, 0x60,
		0x94, 0x59, 0x8e, 0x6e, 0x2b, 0x54, 0x14, 0x7b, 0xdd, 0x35,
		0x62, 0x7e,
	};
	struct crm_buf abc = { "abc", 3 };
	unsigned char master[CRM_KEY_LEN], mac[CRM_HMAC_LEN];
	struct crm_key *key = NULL;
	char err[512];
	FILE *f;
	int i;

	for (i = 0; i < CRM_KEY_LEN; i++)
		master[i] = (unsigned char)i;
	unlink(key_path);
	f = fopen(key_path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(master, 1, sizeof(master), f), sizeof(master));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(key_path, 0600), 0);
	assert_int_equal(crm_key_load(key_path, &key, err, sizeof(err)), CRM_OK);

	assert_int_equal(crm_key_check_value(key, mac), CRM_OK);
	assert_memory_equal(mac, check, sizeof(mac));
	assert_int_equal(crm_hmac(key, CRM_KEY_AUDIT, &abc, 1, mac), CRM_OK);
	assert_memory_equal(mac, audit_abc, sizeof(mac));
	assert_int_equal(crm_hmac(key, CRM_KEY_NAME, &abc, 1, mac), CRM_OK);
	assert_memory_equal(mac, name_abc, sizeof(mac));
	crm_key_free(key);
}

static void
seal_round_trip_and_tamper_detection(void **state)
{
	struct crm_key *key = fresh_key(), *other = fresh_key();
	const char secret[] = "JBSWY3DPEHPK3PXP";
	unsigned char sealed[sizeof(secret) + CRM_SEAL_OVERHEAD];
	unsigned char again[sizeof(secret) + CRM_SEAL_OVERHEAD];
	char plain[sizeof(secret)];

	assert_int_equal(crm_seal(key, "alice", 5, secret, sizeof(secret),
				  sealed, sizeof(sealed)), CRM_OK);
	assert_null(memmem(sealed, sizeof(sealed), "JBSWY3", 6));
	assert_int_equal(crm_unseal(key, "alice", 5, sealed, sizeof(sealed),
				    plain, sizeof(plain)), CRM_OK);
	assert_string_equal(plain, secret);

	/* A fresh nonce each time: the same secret never seals alike. */
	assert_int_equal(crm_seal(key, "alice", 5, secret, sizeof(secret),
				  again, sizeof(again)), CRM_OK);
	assert_memory_not_equal(sealed, again, sizeof(sealed));

	/* Bound to its owner: moved to another user, it does not open. */
	assert_int_equal(crm_unseal(key, "bob", 3, sealed, sizeof(sealed),
				    plain, sizeof(plain)), CRM_ECRYPTO);
	/* Another key does not open it. */
	assert_int_equal(crm_unseal(other, "alice", 5, sealed, sizeof(sealed),
				    plain, sizeof(plain)), CRM_ECRYPTO);
	/* One flipped bit anywhere is detected. */
	sealed[sizeof(sealed) / 2] ^= 0x01;
	assert_int_equal(crm_unseal(key, "alice", 5, sealed, sizeof(sealed),
				    plain, sizeof(plain)), CRM_ECRYPTO);
	crm_key_free(key);
	crm_key_free(other);
}

static void
password_hashes_verify(void **state)
{
	char hash[CRM_HASH_MAX];

	assert_int_equal(crm_hash_password("correct horse", hash,
					   sizeof(hash)), CRM_OK);
	assert_memory_equal(hash, "$y$", 3);
	assert_int_equal(crm_hash_verify("correct horse", hash), CRM_OK);
	assert_int_equal(crm_hash_verify("correct horsf", hash), CRM_NOTFOUND);
	/* No hash: the dummy is computed, and nothing matches. */
	assert_int_equal(crm_hash_verify("correct horse", NULL), CRM_NOTFOUND);
	/* An imported SHA-512 crypt hash of "secret". */
	assert_int_equal(crm_hash_verify("secret",
		"$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S"
		"5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1"), CRM_OK);
	assert_int_equal(crm_hash_verify("secret", "not a hash"), CRM_INVALID);
	assert_int_equal(crm_hash_password("", hash, sizeof(hash)),
			 CRM_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_file_is_private_and_refused_when_not),
		cmocka_unit_test(key_of_wrong_size_is_refused),
		cmocka_unit_test(fifo_key_is_refused_without_waiting),
		cmocka_unit_test(key_check_value_names_the_key_and_no_other_use),
		cmocka_unit_test(hmac_depends_on_key_and_every_byte),
		cmocka_unit_test(subkeys_are_derived_as_every_earlier_build_did),
		cmocka_unit_test(seal_round_trip_and_tamper_detection),
		cmocka_unit_test(password_hashes_verify),
	};
	const char *work = getenv("CRM_TEST_WORK");

	snprintf(key_path, sizeof(key_path), "%s/test.key",
		 work != NULL ? work : "/tmp");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
