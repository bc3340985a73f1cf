/*
 * test_pwpolicy.c - the password policy checker: each rule accepting at
 * its limit and refusing one past it, minlen counted in UTF-8 characters,
 * the user and department names forwards, backwards and in any case,
 * difok against the old password, a dictionary word (a dictionary the
 * test packs itself with cracklib-packer), a breached list hit and miss,
 * a list or dictionary that cannot be read refused, and every reason of
 * a bad password reported at once.
 */
#include "autoconfig.h"

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
#include "core/pwpolicy.h"

static char work[1024];
static char dict[1200];
static char list_path[1200];

/* Every check off: each test turns on the one it is about. */
static struct crm_pwpolicy
off(void)
{
	struct crm_pwpolicy p;

	memset(&p, 0, sizeof(p));
	return p;
}

static size_t
check(const struct crm_pwpolicy *p, const char *pw,
      const struct crm_pwcontext *ctx, struct crm_pwverdict *v)
{
	struct crm_pwcontext none;

	memset(&none, 0, sizeof(none));
	assert_int_equal(crm_pwpolicy_check(p, pw, ctx != NULL ? ctx : &none,
					    v), CRM_OK);
	return v->count;
}

static int
has(const struct crm_pwverdict *v, enum crm_pwreason r, const char *msg)
{
	size_t i;

	for (i = 0; i < v->count; i++)
		if (v->failures[i].reason == r)
			return msg == NULL ||
			       strcmp(v->failures[i].message, msg) == 0;
	return 0;
}

static void
passes(const struct crm_pwpolicy *p, const char *pw,
       const struct crm_pwcontext *ctx)
{
	struct crm_pwverdict v;

	if (check(p, pw, ctx, &v) != 0)
		fail_msg("'%s' refused: %s", pw, v.failures[0].message);
}

static void
refused(const struct crm_pwpolicy *p, const char *pw,
	const struct crm_pwcontext *ctx, enum crm_pwreason r,
	const char *msg)
{
	struct crm_pwverdict v;

	assert_int_equal(check(p, pw, ctx, &v), 1);
	if (!has(&v, r, msg))
		fail_msg("'%s': got '%s' (%s)", pw, v.failures[0].message,
			 crm_pwreason_name(v.failures[0].reason));
}

static void
minlen_counts_characters(void **state)
{
	struct crm_pwpolicy p = off();
	const char *msg = "The password is shorter than 12 characters";

	(void)state;
	p.minlen = 12;
	refused(&p, "abcdefghijk", NULL, CRM_PW_MINLEN, msg);
	passes(&p, "abcdefghijkl", NULL);
	/* 12 characters in 15 bytes pass; 11 in 13 do not. */
	assert_int_equal(strlen("Grüße-Straße"), 15);
	passes(&p, "Grüße-Straße", NULL);
	refused(&p, "Grüße-Straß", NULL, CRM_PW_MINLEN, msg);
	assert_true(strlen("Grüße-Straß") > 12);
}

static void
minclass_needs_kinds(void **state)
{
	struct crm_pwpolicy p = off();

	(void)state;
	p.minclass = 3;
	refused(&p, "abcdefgh1234", NULL, CRM_PW_MINCLASS,
		"The password has too few kinds of characters (needs 3 of: "
		"lower case, upper case, digits, others)");
	passes(&p, "abcdefgH1234", NULL);
	passes(&p, "abcdefgh123-", NULL);
	/* Non-ASCII letters count as "others". */
	passes(&p, "abcdefgh123é", NULL);
	refused(&p, "ééééABCDEFGH", NULL, CRM_PW_MINCLASS, NULL);
}

static void
maxrepeat_limits_runs(void **state)
{
	struct crm_pwpolicy p = off();

	(void)state;
	p.maxrepeat = 3;
	passes(&p, "xaaaybbbz", NULL);
	refused(&p, "xaaaay", NULL, CRM_PW_MAXREPEAT,
		"The password has more than 3 same characters in a row");
	refused(&p, "xéééé", NULL, CRM_PW_MAXREPEAT, NULL);
}

static void
maxsequence_both_ways(void **state)
{
	struct crm_pwpolicy p = off();
	const char *msg = "The password contains a sequence longer than 4 "
			  "characters, such as abcde or 12345";

	(void)state;
	p.maxsequence = 4;
	passes(&p, "abcd-1234-dcba-4321", NULL);
	refused(&p, "x-abcde-y", NULL, CRM_PW_MAXSEQUENCE, msg);
	refused(&p, "x-edcba-y", NULL, CRM_PW_MAXSEQUENCE, msg);
	refused(&p, "x-12345-y", NULL, CRM_PW_MAXSEQUENCE, msg);
	refused(&p, "x-54321-y", NULL, CRM_PW_MAXSEQUENCE, msg);
	refused(&p, "x-aBcDe-y", NULL, CRM_PW_MAXSEQUENCE, msg);
	/* A turn ends a sequence: abcd then dcba is no run of 5. */
	passes(&p, "abcdcba", NULL);
}

static void
maxclassrepeat_limits_kinds(void **state)
{
	struct crm_pwpolicy p = off();

	(void)state;
	p.maxclassrepeat = 4;
	passes(&p, "qwrtZ9plmk", NULL);
	refused(&p, "qwrtzZ9", NULL, CRM_PW_MAXCLASSREPEAT,
		"The password has more than 4 characters of the same kind "
		"in a row");
}

static void
usercheck_finds_the_name(void **state)
{
	struct crm_pwpolicy p = off();
	struct crm_pwcontext ctx;
	const char *msg = "The password contains the user name";

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	p.usercheck = 1;
	ctx.user = "alice";
	passes(&p, "wonderland-42", &ctx);
	refused(&p, "x-alice-42", &ctx, CRM_PW_USERCHECK, msg);
	refused(&p, "x-ALIce-42", &ctx, CRM_PW_USERCHECK, msg);
	refused(&p, "x-ecila-42", &ctx, CRM_PW_USERCHECK, msg);
	refused(&p, "x-EciLA-42", &ctx, CRM_PW_USERCHECK, msg);
	/* Names shorter than 3 characters are not looked for. */
	ctx.user = "jo";
	passes(&p, "x-jo-42", &ctx);
	ctx.user = "bob";
	refused(&p, "x-bob-42", &ctx, CRM_PW_USERCHECK, msg);
	p.usercheck = 0;
	passes(&p, "x-bob-42", &ctx);
}

static void
usercheck_finds_the_department(void **state)
{
	struct crm_pwpolicy p = off();
	struct crm_pwcontext ctx;
	const char *msg = "The password contains the department name";

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	p.usercheck = 1;
	ctx.user = "alice";
	ctx.department = "Sales";
	passes(&p, "wonderland-42", &ctx);
	refused(&p, "my-sales-pw", &ctx, CRM_PW_DEPARTMENT, msg);
	refused(&p, "my-SELAS-pw", &ctx, CRM_PW_DEPARTMENT, msg);
}

static void
difok_against_the_old(void **state)
{
	struct crm_pwpolicy p = off();
	struct crm_pwcontext ctx;
	const char *msg = "The new password is too much like the old one";

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.old_password = "Tr0ub4dor&3x";
	p.difok = 0;
	/* The same password is refused whatever difok says. */
	refused(&p, "Tr0ub4dor&3x", &ctx, CRM_PW_DIFOK, msg);
	refused(&p, "TR0UB4DOR&3X", &ctx, CRM_PW_DIFOK, msg);
	passes(&p, "Tr0ub4dor&3y", &ctx);
	p.difok = 3;
	refused(&p, "Tr0ub4dor&3yz", &ctx, CRM_PW_DIFOK, msg);
	passes(&p, "Tr0ub4dor&3yzw", &ctx);
	/* Without the old password there is nothing to compare. */
	ctx.old_password = NULL;
	passes(&p, "Tr0ub4dor&3x", &ctx);
}

static void
dictcheck_through_cracklib(void **state)
{
	struct crm_pwpolicy p = off();
	const char *msg = "The password is based on a dictionary word";

	(void)state;
	p.dictcheck = 1;
	snprintf(p.dictpath, sizeof(p.dictpath), "%s", dict);
	refused(&p, "Sunshine1", NULL, CRM_PW_DICTCHECK, msg);
	refused(&p, "enihsnus", NULL, CRM_PW_DICTCHECK, msg);
	passes(&p, "Xk9#mQ2$vL7@pq", NULL);
	/* No dictionary: refused, never passed unchecked. */
	snprintf(p.dictpath, sizeof(p.dictpath), "%s/nodict", work);
	refused(&p, "Xk9#mQ2$vL7@pq", NULL, CRM_PW_UNCHECKED, NULL);
	p.dictcheck = 0;
	passes(&p, "Sunshine1", NULL);
}

static int
cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, CRM_SHA1_LEN);
}

/* A sorted list of the SHA-1 of each password, as the corpora ship. */
static void
write_list(const char *const *pws, size_t n)
{
	unsigned char (*h)[CRM_SHA1_LEN];
	unsigned int len;
	FILE *fp;
	size_t i, j;

	h = calloc(n, CRM_SHA1_LEN);
	assert_non_null(h);
	for (i = 0; i < n; i++)
		assert_int_equal(EVP_Digest(pws[i], strlen(pws[i]), h[i],
					    &len, EVP_sha1(), NULL), 1);
	qsort(h, n, CRM_SHA1_LEN, cmp_hash);
	fp = fopen(list_path, "w");
	assert_non_null(fp);
	for (i = 0; i < n; i++) {
		for (j = 0; j < CRM_SHA1_LEN; j++)
			fprintf(fp, "%02X", h[i][j]);
		fprintf(fp, ":%zu\n", i + 1);
	}
	assert_int_equal(fclose(fp), 0);
	free(h);
}

static void
breached_hit_and_miss(void **state)
{
	static const char *const pws[] = {
		"Summer2024!", "Qwerty-12345", "Xk9#mQ2$vL7@pq", "P@ssw0rd",
	};
	struct crm_pwpolicy p = off();
	struct crm_pwcontext ctx;
	struct crm_breached *list = NULL;
	char err[256];
	FILE *fp;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	write_list(pws, CRM_ARRAY_SIZE(pws));
	snprintf(p.breached, sizeof(p.breached), "%s", list_path);
	assert_int_equal(crm_breached_open(list_path, &list, err,
					   sizeof(err)), CRM_OK);
	ctx.breached = list;
	refused(&p, "Xk9#mQ2$vL7@pq", &ctx, CRM_PW_BREACHED,
		"The password is in a list of breached passwords");
	refused(&p, "P@ssw0rd", &ctx, CRM_PW_BREACHED, NULL);
	passes(&p, "Xk9#mQ2$vL7@pr", &ctx);
	crm_breached_close(list);

	/* A list that could not be opened refuses every password. */
	ctx.breached = NULL;
	refused(&p, "Xk9#mQ2$vL7@pr", &ctx, CRM_PW_UNCHECKED, NULL);

	/* A damaged list refuses rather than reads as "not breached". */
	fp = fopen(list_path, "w");
	assert_non_null(fp);
	fputs("not a hash\nnot a hash either\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(crm_breached_open(list_path, &list, err,
					   sizeof(err)), CRM_OK);
	ctx.breached = list;
	refused(&p, "Xk9#mQ2$vL7@pr", &ctx, CRM_PW_UNCHECKED, NULL);
	crm_breached_close(list);
	unlink(list_path);
}

static void
every_reason_at_once(void **state)
{
	static const char *const bad[] = { "bobsales12345aaaa" };
	struct crm_pwpolicy p;
	struct crm_pwcontext ctx;
	struct crm_breached *list = NULL;
	struct crm_pwverdict v;
	char err[256];

	(void)state;
	crm_pwpolicy_defaults(&p);
	p.minlen = 20;
	p.maxclassrepeat = 4;
	snprintf(p.dictpath, sizeof(p.dictpath), "%s", dict);
	write_list(bad, 1);
	snprintf(p.breached, sizeof(p.breached), "%s", list_path);
	assert_int_equal(crm_breached_open(list_path, &list, err,
					   sizeof(err)), CRM_OK);
	memset(&ctx, 0, sizeof(ctx));
	ctx.user = "bob";
	ctx.department = "sales";
	ctx.old_password = "bobsales12345aaaa";
	ctx.breached = list;
	assert_int_equal(check(&p, "bobsales12345aaaa", &ctx, &v), 9);
	assert_true(has(&v, CRM_PW_MINLEN,
			"The password is shorter than 20 characters"));
	assert_true(has(&v, CRM_PW_MINCLASS, NULL));
	assert_true(has(&v, CRM_PW_MAXREPEAT, NULL));
	assert_true(has(&v, CRM_PW_MAXSEQUENCE, NULL));
	assert_true(has(&v, CRM_PW_MAXCLASSREPEAT, NULL));
	assert_true(has(&v, CRM_PW_USERCHECK, NULL));
	assert_true(has(&v, CRM_PW_DEPARTMENT, NULL));
	assert_true(has(&v, CRM_PW_DIFOK, NULL));
	assert_true(has(&v, CRM_PW_BREACHED, NULL));
	crm_breached_close(list);
	unlink(list_path);

	/* The defaults let a strong password through. */
	ctx.breached = NULL;
	crm_pwpolicy_defaults(&p);
	snprintf(p.dictpath, sizeof(p.dictpath), "%s", dict);
	passes(&p, "Xk9#mQ2$vL7@pq", &ctx);
}

static void
null_arguments_refused(void **state)
{
	struct crm_pwpolicy p = off();
	struct crm_pwcontext ctx;
	struct crm_pwverdict v;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(crm_pwpolicy_check(&p, NULL, &ctx, &v), CRM_INVALID);
	assert_int_equal(v.count, 0);
	assert_int_equal(crm_pwpolicy_check(NULL, "x", &ctx, &v),
			 CRM_INVALID);
}

/* A dictionary of three words, packed as cracklib-runtime packs the
 * system's: the test does not depend on which words that one holds. */
static int
setup(void **state)
{
	char cmd[4096];
	const char *w = getenv("CRM_TEST_WORK");

	(void)state;
	assert_non_null(w);
	snprintf(work, sizeof(work), "%s", w);
	snprintf(dict, sizeof(dict), "%s/dict", work);
	snprintf(list_path, sizeof(list_path), "%s/breached.txt", work);
	snprintf(cmd, sizeof(cmd),
		 "printf 'monkey\\npassword\\nsunshine\\n' | %s %s >/dev/null",
		 CRACKLIB_PACKER, dict);
	assert_int_equal(system(cmd), 0);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(minlen_counts_characters),
		cmocka_unit_test(minclass_needs_kinds),
		cmocka_unit_test(maxrepeat_limits_runs),
		cmocka_unit_test(maxsequence_both_ways),
		cmocka_unit_test(maxclassrepeat_limits_kinds),
		cmocka_unit_test(usercheck_finds_the_name),
		cmocka_unit_test(usercheck_finds_the_department),
		cmocka_unit_test(difok_against_the_old),
		cmocka_unit_test(dictcheck_through_cracklib),
		cmocka_unit_test(breached_hit_and_miss),
		cmocka_unit_test(every_reason_at_once),
		cmocka_unit_test(null_arguments_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
