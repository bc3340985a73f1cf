/*
 * test_breached.c - the breached-password list reader: hits and misses
 * at the first, the last and every line of generated lists (LF and CRLF,
 * with and without counts, either case), a damaged line refused rather
 * than read as "not breached", and files that are no list refused.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "core/breached.h"

#define LINES 5000

static char path[4096];

/* Line i's hash: SHA-1 of "pw<i>", as a list would hold it. */
static void
sha1_of(const char *text, unsigned char out[CRM_SHA1_LEN])
{
	unsigned int len = 0;

	assert_int_equal(EVP_Digest(text, strlen(text), out, &len, EVP_sha1(),
				    NULL), 1);
	assert_int_equal(len, CRM_SHA1_LEN);
}

static int
cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, CRM_SHA1_LEN);
}

static unsigned char hashes[LINES][CRM_SHA1_LEN];

/* The sorted list of LINES hashes; line i's count is i + 1 when counts. */
static void
write_list(const char *eol, int counts, int lower)
{
	char text[32];
	FILE *fp;
	int i, j;

	for (i = 0; i < LINES; i++) {
		snprintf(text, sizeof(text), "pw%d", i);
		sha1_of(text, hashes[i]);
	}
	qsort(hashes, LINES, CRM_SHA1_LEN, cmp_hash);
	fp = fopen(path, "w");
	assert_non_null(fp);
	for (i = 0; i < LINES; i++) {
		for (j = 0; j < CRM_SHA1_LEN; j++)
			fprintf(fp, lower ? "%02x" : "%02X", hashes[i][j]);
		if (counts)
			fprintf(fp, ":%d", i + 1);
		/* The last line without its end, as some lists ship. */
		if (i + 1 < LINES || counts)
			fputs(eol, fp);
	}
	assert_int_equal(fclose(fp), 0);
}

static void
every_line_found_and_neighbours_missed(const char *eol, int counts,
				       int lower)
{
	struct crm_breached *list = NULL;
	unsigned char probe[CRM_SHA1_LEN];
	unsigned long count;
	char err[256];
	int i, found;

	write_list(eol, counts, lower);
	assert_int_equal(crm_breached_open(path, &list, err, sizeof(err)),
			 CRM_OK);
	for (i = 0; i < LINES; i++) {
		assert_int_equal(crm_breached_lookup(list, hashes[i], &found,
						     &count), CRM_OK);
		assert_true(found);
		assert_int_equal(count, counts ? (unsigned long)i + 1 : 0);
		memcpy(probe, hashes[i], sizeof(probe));
		probe[CRM_SHA1_LEN - 1] ^= 0x80;
		assert_int_equal(crm_breached_lookup(list, probe, &found,
						     &count), CRM_OK);
		assert_false(found);
	}
	memset(probe, 0, sizeof(probe));
	assert_int_equal(crm_breached_lookup(list, probe, &found, &count),
			 CRM_OK);
	assert_false(found);
	memset(probe, 0xff, sizeof(probe));
	assert_int_equal(crm_breached_lookup(list, probe, &found, &count),
			 CRM_OK);
	assert_false(found);
	assert_int_equal(crm_breached_password(list, "pw17", &found, &count),
			 CRM_OK);
	assert_true(found);
	assert_int_equal(crm_breached_password(list, "pw-not-in-it", &found,
					       &count), CRM_OK);
	assert_false(found);
	crm_breached_close(list);
}

static void
lists_of_every_spelling(void **state)
{
	(void)state;
	every_line_found_and_neighbours_missed("\n", 1, 0);
	every_line_found_and_neighbours_missed("\r\n", 1, 0);
	every_line_found_and_neighbours_missed("\n", 0, 1);
	every_line_found_and_neighbours_missed("\r\n", 0, 0);
}

/*
 * A list that is not spread evenly (every hash but the last shares its
 * first 8 bytes, the ones the search interpolates on): the probes that
 * interpolate badly give way to halving, and every answer is right.
 */
static void
an_uneven_list_is_searched_right(void **state)
{
	struct crm_breached *list = NULL;
	unsigned char h[CRM_SHA1_LEN];
	unsigned long count;
	char err[256];
	FILE *fp;
	int i, j, found;

	(void)state;
	fp = fopen(path, "w");
	assert_non_null(fp);
	for (i = 0; i < LINES; i++) {
		memset(h, 0, sizeof(h));
		if (i + 1 == LINES)
			memset(h, 0xff, sizeof(h));
		else
			h[9] = (unsigned char)(i >> 8), h[10] = (unsigned char)i,
			h[11] = 1;
		for (j = 0; j < CRM_SHA1_LEN; j++)
			fprintf(fp, "%02X", h[j]);
		fprintf(fp, ":%d\n", i + 1);
	}
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(crm_breached_open(path, &list, err, sizeof(err)),
			 CRM_OK);
	for (i = 0; i + 1 < LINES; i++) {
		memset(h, 0, sizeof(h));
		h[9] = (unsigned char)(i >> 8);
		h[10] = (unsigned char)i;
		h[11] = 1;
		assert_int_equal(crm_breached_lookup(list, h, &found, &count),
				 CRM_OK);
		assert_true(found);
		assert_int_equal(count, (unsigned long)i + 1);
		h[11] = 2;	/* between line i and line i + 1 */
		assert_int_equal(crm_breached_lookup(list, h, &found, &count),
				 CRM_OK);
		assert_false(found);
	}
	memset(h, 0xff, sizeof(h));
	assert_int_equal(crm_breached_lookup(list, h, &found, &count), CRM_OK);
	assert_true(found);
	crm_breached_close(list);
}

static void
a_damaged_list_is_no_answer(void **state)
{
	struct crm_breached *list = NULL;
	unsigned long count;
	char err[256];
	FILE *fp;
	int found, i, errors = 0;

	(void)state;
	write_list("\n", 1, 0);
	/* Every line's hash damaged in its first digit: whatever line the
	 * search meets, the answer is an error, not "not breached". */
	fp = fopen(path, "w");
	assert_non_null(fp);
	for (i = 0; i < 100; i++)
		fprintf(fp, "G%039d:1\n", i);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(crm_breached_open(path, &list, err, sizeof(err)),
			 CRM_OK);
	for (i = 0; i < 100; i++)
		errors += crm_breached_lookup(list, hashes[i], &found,
					      &count) == CRM_INVALID;
	assert_int_equal(errors, 100);
	crm_breached_close(list);

	/* An empty file is an empty list; a directory or a missing file is
	 * no list at all. */
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(crm_breached_open(path, &list, err, sizeof(err)),
			 CRM_OK);
	assert_int_equal(crm_breached_lookup(list, hashes[0], &found, &count),
			 CRM_OK);
	assert_false(found);
	crm_breached_close(list);
	assert_int_not_equal(crm_breached_open("/", &list, err, sizeof(err)),
			     CRM_OK);
	assert_null(list);
	unlink(path);
	assert_int_not_equal(crm_breached_open(path, &list, err, sizeof(err)),
			     CRM_OK);
	assert_non_null(strstr(err, "breached list"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lists_of_every_spelling),
		cmocka_unit_test(an_uneven_list_is_searched_right),
		cmocka_unit_test(a_damaged_list_is_no_answer),
	};
	const char *work = getenv("CRM_TEST_WORK");

	snprintf(path, sizeof(path), "%s/breached.txt",
		 work != NULL ? work : "/tmp");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
