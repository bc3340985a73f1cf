/*
 * bench_pwpolicy.c - the password policy checker side by side with
 * libpwquality, and the breached-list lookup at 1,000,000 and 100,000,000
 * lines.
 *
 * Part a, the policy without hashing: the same N candidates (a
 * reproducible mix: too short, too few classes, repeats, sequences, the
 * user's name, dictionary words lightly changed, strong random ones) go
 * through crm_pwpolicy_check (crm_pwpolicy_defaults, no breached list)
 * and through pwquality_check with the same settings: minlen 12 with
 * every credit 0 (so that minlen is a length, as ours), minclass 3,
 * maxrepeat 3, maxsequence 4, usercheck, dictcheck against the same
 * cracklib dictionary.  Both call cracklib's FascistCheck for the
 * dictionary, so the variant "nodict" runs the pair again with dictcheck
 * off: what the checkers' own code costs.  Per candidate the four cells
 * run back to back in a rotating order, so that machine noise hits all.
 *
 * Part b, the breached list: per size a sorted file of N lines
 * "HEX40:COUNT\n" generated directly in order (no sort, constant memory),
 * then crm_breached_lookup timed for hits (lines at random positions) and
 * misses (random hashes), warm (every page the lookup touches already
 * mapped: the same keys looked up once before) and cold (the file's
 * pages dropped from the page cache before each lookup), and
 * crm_breached_open + crm_breached_close.
 *
 * Nothing is written outside a temporary directory, removed at the end
 * unless -t names one (kept, its lists reused).
 */
#include "autoconfig.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <crack.h>
#include <pwquality.h>

#include "core/breached.h"
#include "core/crm.h"
#include "core/pwpolicy.h"

#include "common.h"

#define MAX_SIZES	4
#define USER		"crmbench"
#define GEN_BUF		(8u << 20)
#define LINE_MAX_LEN	(40 + 1 + 20 + 2)

/* ---- options ---- */

static struct {
	unsigned long iters;	/* candidates; warm lookups per cell */
	unsigned long cold;	/* cold lookups per cell */
	unsigned long opens;	/* open + close per size */
	unsigned long warmup;
	unsigned long sizes[MAX_SIZES];
	size_t nsizes;
	int crlf;
	uint64_t seed;
	char work[PATH_MAX];
	int work_given;
	const char *csv;
} opt;

/* ---- part a: the policy ---- */

enum checker { C_CRM, C_PWQ, C_COUNT };
enum variant { V_DICT, V_NODICT, V_COUNT };

static const char *const checker_name[C_COUNT] = { "crm", "pwquality" };
static const char *const variant_name[V_COUNT] = { "dict", "nodict" };

struct cell {
	double *samples;	/* microseconds */
	size_t n;
	struct sample_stats st;
};

#define KINDS 7
static const char *const kind_name[KINDS] = {
	"short", "2class", "repeat", "sequence", "username", "dictword",
	"strong"
};

static struct cell policy_cells[V_COUNT][C_COUNT];
static unsigned char *sample_kind;	/* per timed candidate */
static unsigned char *sample_both;	/* both accepted it, with dict */
static unsigned long accepted[V_COUNT][C_COUNT];
static unsigned long kind_accepted[V_COUNT][C_COUNT][KINDS];
static unsigned long disagree[V_COUNT];

/* Ten letters or more: with a capital, a sign and a digit or two they
 * pass length and classes, so that the dictionary alone decides. */
static const char *const words[] = {
	"basketball", "information", "administrator", "communications",
	"international", "management", "california", "university",
	"technology", "everything", "chocolates", "properties",
	"newsletter", "restaurant", "temperature", "laboratory",
	"electronic", "department", "background", "generation",
};

static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char digit[] = "0123456789";
static const char other[] = "!#$%&*+-./:;=?@_~";

static char
pick(uint64_t *r, const char *set)
{
	return set[next_random(r) % strlen(set)];
}

/* len characters drawn from the classes in sets (NULL-terminated). */
static void
random_chars(uint64_t *r, char *out, size_t len, const char *const *sets)
{
	size_t i, nsets = 0;

	while (sets[nsets] != NULL)
		nsets++;
	for (i = 0; i < len; i++)
		out[i] = pick(r, sets[next_random(r) % nsets]);
	out[len] = '\0';
}

static void
insert_at(uint64_t *r, char *buf, size_t size, const char *piece)
{
	size_t len = strlen(buf), plen = strlen(piece), at;

	if (len + plen >= size)
		return;
	at = next_random(r) % (len + 1);
	memmove(buf + at + plen, buf + at, len - at + 1);
	memcpy(buf + at, piece, plen);
}

/*
 * One candidate of kind i % KINDS (kind_name), so that each kind is a
 * seventh of the mix.  The strong ones may by chance hold a run of 4 or a sequence of
 * 5; both checkers see the same text, so that only moves the counts.
 */
static void
candidate(uint64_t *r, unsigned long i, char *buf, size_t size)
{
	static const char *const all[] = { lower, upper, digit, other, NULL };
	static const char *const two[] = { lower, digit, NULL };
	static const char *const seqs[] = { "abcde", "56789", "vwxyz",
					    "43210", "lmnop" };
	static const char reps[] = "aA1!zZ";
	const char *w;
	char piece[32];
	size_t len;

	switch (i % KINDS) {
	case 0:		/* too short */
		random_chars(r, buf, 6 + next_random(r) % 6, all);
		break;
	case 1:		/* two classes only */
		random_chars(r, buf, 12 + next_random(r) % 6, two);
		break;
	case 2:		/* four of a kind in a row */
		random_chars(r, buf, 10 + next_random(r) % 6, all);
		memset(piece, reps[next_random(r) % (sizeof(reps) - 1)], 4);
		piece[4] = '\0';
		insert_at(r, buf, size, piece);
		break;
	case 3:		/* a sequence of five */
		random_chars(r, buf, 10 + next_random(r) % 6, all);
		insert_at(r, buf, size,
			  seqs[next_random(r) % (sizeof(seqs) / sizeof(*seqs))]);
		break;
	case 4:		/* the user's name, either way round, any case */
		random_chars(r, buf, 6 + next_random(r) % 6, all);
		insert_at(r, buf, size, next_random(r) % 2 ? "CrmBench" :
			  "hcnebmrc");
		break;
	case 5:
		/* A dictionary word, a capital, in a third of them one
		 * leet letter (which cracklib does not undo), a sign and
		 * digits up to 12 characters or more. */
		w = words[next_random(r) % (sizeof(words) / sizeof(*words))];
		xfmt(buf, size, "%s", w);
		buf[0] = (char)(buf[0] - 'a' + 'A');
		if (next_random(r) % 3 == 0) {
			char *p = strpbrk(buf + 1, "aeios");

			if (p != NULL)
				*p = "43105"[strchr("aeios", *p) - "aeios"];
		}
		len = strlen(buf);
		buf[len++] = other[next_random(r) % (sizeof(other) - 1)];
		do
			buf[len++] = pick(r, digit);
		while (len < 12 || (len < 13 && next_random(r) % 2));
		buf[len] = '\0';
		break;
	default:	/* strong */
		random_chars(r, buf, 14 + next_random(r) % 7, all);
		break;
	}
}

static int
run_crm(const struct crm_pwpolicy *policy, const char *pw)
{
	struct crm_pwcontext ctx = { USER, NULL, NULL, NULL, NULL };
	struct crm_pwverdict v;

	if (crm_pwpolicy_check(policy, pw, &ctx, &v) != CRM_OK)
		die("crm_pwpolicy_check failed on a candidate");
	return v.count == 0;
}

/* The message is made, as pam_pwquality makes it and as ours makes
 * its own; only pwquality_strerror may dispose of aux (for some codes it
 * is a number, for others a string it frees). */
static int
run_pwq(pwquality_settings_t *pwq, const char *pw)
{
	char msg[256];
	void *aux = NULL;
	int rc = pwquality_check(pwq, pw, NULL, USER, &aux);

	if (rc < 0)
		(void)pwquality_strerror(msg, sizeof(msg), rc, aux);
	return rc >= 0;
}

static void
pwq_set(pwquality_settings_t *pwq, int setting, int value)
{
	if (pwquality_set_int_value(pwq, setting, value) != 0)
		die("pwquality_set_int_value(%d, %d) refused", setting, value);
}

static pwquality_settings_t *
pwq_settings(const char *dict, int dictcheck)
{
	pwquality_settings_t *pwq = pwquality_default_settings();

	if (pwq == NULL)
		die("pwquality_default_settings: out of memory");
	/* No pwquality.conf: only what is set here applies. */
	pwq_set(pwq, PWQ_SETTING_MIN_LENGTH, 12);
	pwq_set(pwq, PWQ_SETTING_DIG_CREDIT, 0);
	pwq_set(pwq, PWQ_SETTING_UP_CREDIT, 0);
	pwq_set(pwq, PWQ_SETTING_LOW_CREDIT, 0);
	pwq_set(pwq, PWQ_SETTING_OTH_CREDIT, 0);
	pwq_set(pwq, PWQ_SETTING_MIN_CLASS, 3);
	pwq_set(pwq, PWQ_SETTING_MAX_REPEAT, 3);
	pwq_set(pwq, PWQ_SETTING_MAX_SEQUENCE, 4);
	pwq_set(pwq, PWQ_SETTING_MAX_CLASS_REPEAT, 0);
	pwq_set(pwq, PWQ_SETTING_USER_CHECK, 1);
	pwq_set(pwq, PWQ_SETTING_DICT_CHECK, dictcheck);
	if (pwquality_set_str_value(pwq, PWQ_SETTING_DICT_PATH, dict) != 0)
		die("pwquality_set_str_value(DICT_PATH) refused");
	return pwq;
}

static void
crm_reasons(const struct crm_pwpolicy *policy, const char *pw, char *buf,
	    size_t len)
{
	struct crm_pwcontext ctx = { USER, NULL, NULL, NULL, NULL };
	struct crm_pwverdict v;
	size_t i, used = 0;

	buf[0] = '\0';
	if (crm_pwpolicy_check(policy, pw, &ctx, &v) != CRM_OK || v.count == 0)
		return;
	for (i = 0; i < v.count && used + 1 < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? "," : "",
					 crm_pwreason_name(v.failures[i].reason));
}

static void
show_disagreement(const struct crm_pwpolicy *policy,
		  pwquality_settings_t *pwq, const char *pw)
{
	char reasons[256], buf[256];
	const char *why = "accepted";
	void *aux = NULL;
	int rc = pwquality_check(pwq, pw, NULL, USER, &aux);

	crm_reasons(policy, pw, reasons, sizeof(reasons));
	if (rc < 0)
		why = pwquality_strerror(buf, sizeof(buf), rc, aux);
	printf("  disagree: %-22s crm: %-20s pwquality: %s\n", pw,
	       reasons[0] ? reasons : "accepted", why);
}

/*
 * The medians per kind of candidate: pwquality stops at the first check
 * that fails and calls cracklib only when its own checks pass; ours runs
 * every check (it reports every reason) and so cracklib on every
 * candidate.  The overall median mixes the two; per kind they show.
 */
static void
by_kind(void)
{
	double *tmp = malloc(opt.iters * sizeof(double));
	struct sample_stats st[C_COUNT];
	size_t v, c, i, n, k;

	if (tmp == NULL)
		die("out of memory");
	printf("%-7s %-9s %6s %12s %12s %9s %10s %10s\n", "variant", "kind",
	       "n", "crm_med_us", "pwq_med_us", "crm/pwq", "crm_accept",
	       "pwq_accept");
	for (v = 0; v < V_COUNT; v++)
		for (k = 0; k < KINDS; k++) {
			for (c = 0; c < C_COUNT; c++) {
				for (i = n = 0; i < opt.iters; i++)
					if (sample_kind[i] == k)
						tmp[n++] = policy_cells[v][c]
							   .samples[i];
				if (n == 0)
					break;
				sample_stats(tmp, n, &st[c]);
			}
			if (c < C_COUNT)
				continue;
			printf("%-7s %-9s %6zu %12.2f %12.2f %9.2f %10lu "
			       "%10lu\n", variant_name[v], kind_name[k], n,
			       st[C_CRM].median, st[C_PWQ].median,
			       st[C_CRM].median / st[C_PWQ].median,
			       kind_accepted[v][C_CRM][k],
			       kind_accepted[v][C_PWQ][k]);
		}
	/* Where both ran every check and cracklib: the like-for-like
	 * figure. */
	for (c = 0; c < C_COUNT; c++) {
		for (i = n = 0; i < opt.iters; i++)
			if (sample_both[i])
				tmp[n++] = policy_cells[V_DICT][c].samples[i];
		if (n == 0)
			break;
		sample_stats(tmp, n, &st[c]);
	}
	if (c == C_COUNT)
		printf("RATIO policy dict, the %zu candidates both accepted "
		       "(both ran cracklib): crm/pwquality median %.2f "
		       "(%.1f / %.1f us; p99 %.2f)\n", n,
		       st[C_CRM].median / st[C_PWQ].median, st[C_CRM].median,
		       st[C_PWQ].median, st[C_CRM].p99 / st[C_PWQ].p99);
	free(tmp);
}

static void
policy_part(void)
{
	struct crm_pwpolicy policy[V_COUNT];
	pwquality_settings_t *pwq[V_COUNT];
	const char *dict = GetDefaultCracklibDict();
	char pw[64], file[PATH_MAX];
	unsigned long i, total = opt.warmup + opt.iters, shown = 0;
	uint64_t r = opt.seed;
	size_t v, c, k;
	double t0 = now_s();

	if (dict == NULL)
		die("cracklib names no default dictionary");
	xfmt(file, sizeof(file), "%s.pwd", dict);
	if (access(file, R_OK) != 0)
		die("%s: %s (apt-get install cracklib-runtime)", file,
		    strerror(errno));
	for (v = 0; v < V_COUNT; v++) {
		crm_pwpolicy_defaults(&policy[v]);
		policy[v].dictcheck = v == V_DICT;
		xfmt(policy[v].dictpath, sizeof(policy[v].dictpath), "%s",
		     dict);
		pwq[v] = pwq_settings(dict, v == V_DICT);
		for (c = 0; c < C_COUNT; c++) {
			policy_cells[v][c].samples =
				calloc(opt.iters, sizeof(double));
			if (policy_cells[v][c].samples == NULL)
				die("out of memory");
		}
	}
	sample_kind = calloc(opt.iters, 1);
	sample_both = calloc(opt.iters, 1);
	if (sample_kind == NULL || sample_both == NULL)
		die("out of memory");
	printf("\n== part a: %lu candidates, user %s, dictionary %s "
	       "(both checkers) ==\n", opt.iters, USER, dict);
	for (i = 0; i < total; i++) {
		int verdict[V_COUNT][C_COUNT];

		candidate(&r, i, pw, sizeof(pw));
		/* The four cells back to back, starting one further on each
		 * candidate: neither checker always runs first. */
		for (k = 0; k < V_COUNT * C_COUNT; k++) {
			size_t cell = (k + i) % (V_COUNT * C_COUNT);
			double a, b;

			v = cell / C_COUNT;
			c = cell % C_COUNT;
			a = now_s();
			verdict[v][c] = c == C_CRM ? run_crm(&policy[v], pw) :
					run_pwq(pwq[v], pw);
			b = now_s();
			if (i >= opt.warmup) {
				struct cell *cl = &policy_cells[v][c];

				cl->samples[cl->n++] = (b - a) * 1e6;
			}
		}
		if (i < opt.warmup)
			continue;
		sample_kind[i - opt.warmup] = (unsigned char)(i % KINDS);
		sample_both[i - opt.warmup] = verdict[V_DICT][C_CRM] &&
					      verdict[V_DICT][C_PWQ];
		for (v = 0; v < V_COUNT; v++) {
			for (c = 0; c < C_COUNT; c++) {
				accepted[v][c] += (unsigned long)verdict[v][c];
				kind_accepted[v][c][i % KINDS] +=
					(unsigned long)verdict[v][c];
			}
			if (verdict[v][C_CRM] != verdict[v][C_PWQ]) {
				disagree[v]++;
				if (v == V_DICT && shown++ < 8)
					show_disagreement(&policy[v], pwq[v],
							  pw);
			}
		}
	}
	printf("checked %lu candidates x 4 in %.1f s\n", total,
	       now_s() - t0);
	printf("%-7s %-10s %8s %10s %10s %10s %9s\n", "variant", "checker",
	       "n", "median_us", "p90_us", "p99_us", "accepted");
	for (v = 0; v < V_COUNT; v++)
		for (c = 0; c < C_COUNT; c++) {
			struct cell *cl = &policy_cells[v][c];

			sample_stats(cl->samples, cl->n, &cl->st);
			printf("%-7s %-10s %8zu %10.2f %10.2f %10.2f %9lu\n",
			       variant_name[v], checker_name[c], cl->n,
			       cl->st.median, cl->st.p90, cl->st.p99,
			       accepted[v][c]);
		}
	by_kind();
	for (v = 0; v < V_COUNT; v++) {
		const struct sample_stats *a = &policy_cells[v][C_CRM].st;
		const struct sample_stats *b = &policy_cells[v][C_PWQ].st;

		printf("RATIO policy %s: crm/pwquality median %.2f (p90 %.2f, "
		       "p99 %.2f)\n", variant_name[v], a->median / b->median,
		       a->p90 / b->p90, a->p99 / b->p99);
		printf("ACCEPT policy %s: crm %lu, pwquality %lu of %lu; "
		       "disagreements %lu\n", variant_name[v],
		       accepted[v][C_CRM], accepted[v][C_PWQ], opt.iters,
		       disagree[v]);
		pwquality_free_settings(pwq[v]);
	}
	/* No target: the verdicts should agree, and the cost is cracklib's
	 * on both sides where both call it. */
	printf("RESULT policy: crm/pwquality median %.2f over all candidates "
	       "(dict), %.2f without the dictionary; disagreements %lu and "
	       "%lu of %lu\n",
	       policy_cells[V_DICT][C_CRM].st.median /
	       policy_cells[V_DICT][C_PWQ].st.median,
	       policy_cells[V_NODICT][C_CRM].st.median /
	       policy_cells[V_NODICT][C_PWQ].st.median,
	       disagree[V_DICT], disagree[V_NODICT], opt.iters);
}

/* ---- part b: the breached list ---- */

enum lkind { L_HIT, L_MISS, L_COUNT };
enum temp { T_WARM, T_COLD, T_COUNT };

static const char *const lkind_name[L_COUNT] = { "hit", "miss" };
static const char *const temp_name[T_COUNT] = { "warm", "cold" };

struct list {
	unsigned long lines;
	char path[PATH_MAX];
	unsigned long long bytes;
	double gen_s, sync_s;	/* < 0: reused */
	unsigned char (*keys[L_COUNT])[CRM_SHA1_LEN];
	size_t nkeys;
	struct cell cells[T_COUNT][L_COUNT];
	struct cell opens;
};

static struct list lists[MAX_SIZES];

static const char hexdig[] = "0123456789ABCDEF";

static void
put_hex(char *out, uint64_t v, int digits)
{
	while (digits-- > 0) {
		out[digits] = hexdig[v & 15];
		v >>= 4;
	}
}

static void
to_bytes(unsigned char *out, uint64_t v, int n)
{
	while (n-- > 0) {
		out[n] = (unsigned char)v;
		v >>= 8;
	}
}

static int
cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void
write_all(int fd, const char *buf, size_t len, const char *path)
{
	ssize_t w;

	while (len > 0) {
		w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("%s: write: %s", path, strerror(errno));
		buf += w;
		len -= (size_t)w;
	}
}

/*
 * Line i's first 64 bits lie in [i * step, (i + 1) * step), step =
 * 2^64 / N, so the lines are strictly sorted and evenly spread without
 * a sort; the other 96 bits and the count are random.  The same seed
 * gives the same file, so that a kept file (-t) need not be rewritten:
 * the hits are collected on the way either way.
 */
static void
generate(struct list *l, int write_it)
{
	uint64_t r = opt.seed ^ ((uint64_t)l->lines * 0x9e3779b97f4a7c15ULL);
	uint64_t step = UINT64_MAX / l->lines, top, mid, low;
	unsigned long *pos, i;
	size_t j = 0, used = 0, len;
	char *buf = NULL, tmp[PATH_MAX];
	int fd = -1;
	double t0 = now_s(), t1;

	if (r == 0)
		r = 1;
	pos = malloc(l->nkeys * sizeof(*pos));
	if (pos == NULL)
		die("out of memory");
	for (j = 0; j < l->nkeys; j++)
		pos[j] = next_random(&r) % l->lines;
	qsort(pos, l->nkeys, sizeof(*pos), cmp_ul);
	if (write_it) {
		buf = malloc(GEN_BUF);
		if (buf == NULL)
			die("out of memory");
		xfmt(tmp, sizeof(tmp), "%s.part", l->path);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			die("%s: %s", tmp, strerror(errno));
	}
	l->bytes = 0;
	j = 0;
	for (i = 0; i < l->lines; i++) {
		char line[LINE_MAX_LEN];
		uint64_t extra;

		top = (uint64_t)i * step + next_random(&r) % step;
		mid = next_random(&r);
		extra = next_random(&r);
		low = extra >> 32;
		put_hex(line, top, 16);
		put_hex(line + 16, mid, 16);
		put_hex(line + 32, low, 8);
		len = 40;
		len += (size_t)snprintf(line + 40, sizeof(line) - 40 - 2,
					":%u", (unsigned int)(1 +
					(uint32_t)extra % 9999));
		if (opt.crlf)
			line[len++] = '\r';
		line[len++] = '\n';
		l->bytes += len;
		while (j < l->nkeys && pos[j] == i) {
			unsigned char *k = l->keys[L_HIT][j++];

			to_bytes(k, top, 8);
			to_bytes(k + 8, mid, 8);
			to_bytes(k + 16, low, 4);
		}
		if (!write_it)
			continue;
		if (used + len > GEN_BUF) {
			write_all(fd, buf, used, tmp);
			used = 0;
		}
		memcpy(buf + used, line, len);
		used += len;
	}
	free(pos);
	if (!write_it)
		return;
	write_all(fd, buf, used, tmp);
	free(buf);
	t1 = now_s();
	/* On disk before timing: the writeback must not run under the
	 * lookups, and only clean pages can be dropped for the cold ones. */
	if (fsync(fd) != 0)
		die("%s: fsync: %s", tmp, strerror(errno));
	if (close(fd) != 0)
		die("%s: close: %s", tmp, strerror(errno));
	if (rename(tmp, l->path) != 0)
		die("rename %s: %s", tmp, strerror(errno));
	l->gen_s = t1 - t0;
	l->sync_s = now_s() - t1;
}

/* The byte count the generator will write, to tell a kept file. */
static unsigned long long
expected_bytes(struct list *l)
{
	generate(l, 0);
	return l->bytes;
}

static void
shuffle_keys(unsigned char (*keys)[CRM_SHA1_LEN], size_t n, uint64_t *r)
{
	unsigned char t[CRM_SHA1_LEN];
	size_t i, x;

	for (i = n; i > 1; i--) {
		x = next_random(r) % i;
		memcpy(t, keys[i - 1], CRM_SHA1_LEN);
		memcpy(keys[i - 1], keys[x], CRM_SHA1_LEN);
		memcpy(keys[x], t, CRM_SHA1_LEN);
	}
}

static struct crm_breached *
open_list(const struct list *l)
{
	struct crm_breached *b;
	char err[512];

	if (crm_breached_open(l->path, &b, err, sizeof(err)) != CRM_OK)
		die("%s", err);
	return b;
}

static void
drop_cache(const struct list *l)
{
	int fd = open(l->path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		die("%s: %s", l->path, strerror(errno));
	rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (rc != 0)
		die("%s: posix_fadvise: %s", l->path, strerror(rc));
	close(fd);
}

static double
timed_lookup(const struct crm_breached *b, const unsigned char *key,
	     enum lkind kind)
{
	unsigned long count;
	int found, rc;
	double a, z;

	a = now_s();
	rc = crm_breached_lookup(b, key, &found, &count);
	z = now_s();
	if (rc != CRM_OK)
		die("crm_breached_lookup: error %d", rc);
	if (found != (kind == L_HIT))
		die("crm_breached_lookup: a %s was %s", lkind_name[kind],
		    found ? "found" : "not found");
	return (z - a) * 1e6;
}

static void
prepare_list(struct list *l)
{
	char name[64];
	struct stat st;
	uint64_t r;
	size_t k, i;

	/* Warm-up, warm and cold keys each their own. */
	l->nkeys = opt.warmup + opt.iters + opt.cold;
	for (k = 0; k < L_COUNT; k++) {
		l->keys[k] = malloc(l->nkeys * CRM_SHA1_LEN);
		if (l->keys[k] == NULL)
			die("out of memory");
	}
	xfmt(name, sizeof(name), "breached-%lu%s.txt", l->lines,
	     opt.crlf ? "-crlf" : "");
	join(l->path, sizeof(l->path), opt.work, name);
	if (stat(l->path, &st) == 0 &&
	    (unsigned long long)st.st_size == expected_bytes(l)) {
		l->gen_s = l->sync_s = -1;
		printf("%lu lines: %s reused, %.1f MB\n", l->lines, l->path,
		       (double)l->bytes / 1e6);
	} else {
		generate(l, 1);
		printf("%lu lines: generated %.1f MB in %.1f s (%.0f MB/s), "
		       "fsync %.1f s\n", l->lines, (double)l->bytes / 1e6,
		       l->gen_s, (double)l->bytes / 1e6 / l->gen_s, l->sync_s);
	}
	/* Misses: random hashes; one that is in the list stops the run. */
	r = opt.seed ^ 0x5bd1e995u ^ l->lines;
	for (i = 0; i < l->nkeys; i++) {
		to_bytes(l->keys[L_MISS][i], next_random(&r), 8);
		to_bytes(l->keys[L_MISS][i] + 8, next_random(&r), 8);
		to_bytes(l->keys[L_MISS][i] + 16, next_random(&r), 4);
	}
	shuffle_keys(l->keys[L_HIT], l->nkeys, &r);
	for (k = 0; k < T_COUNT; k++)
		for (i = 0; i < L_COUNT; i++) {
			l->cells[k][i].samples =
				calloc(l->nkeys, sizeof(double));
			if (l->cells[k][i].samples == NULL)
				die("out of memory");
		}
	l->opens.samples = calloc(opt.opens, sizeof(double));
	if (l->opens.samples == NULL)
		die("out of memory");
}

static void
breached_part(void)
{
	struct crm_breached *b[MAX_SIZES];
	size_t s, k, cells = opt.nsizes * L_COUNT, i, j;
	double t0;

	printf("\n== part b: breached lists of %zu sizes, in %s ==\n",
	       opt.nsizes, opt.work);
	for (s = 0; s < opt.nsizes; s++) {
		lists[s].lines = opt.sizes[s];
		prepare_list(&lists[s]);
	}

	/* open + close, the sizes alternating; the pages are cached. */
	for (i = 0; i < opt.opens; i++)
		for (s = 0; s < opt.nsizes; s++) {
			t0 = now_s();
			crm_breached_close(open_list(&lists[s]));
			lists[s].opens.samples[lists[s].opens.n++] =
				(now_s() - t0) * 1e6;
		}

	/* Warm: each key looked up once untimed, then timed; the cells
	 * (size x hit/miss) rotate per sample.  The first -w keys are
	 * warm-up only. */
	t0 = now_s();
	for (s = 0; s < opt.nsizes; s++) {
		b[s] = open_list(&lists[s]);
		for (k = 0; k < L_COUNT; k++)
			for (i = 0; i < opt.warmup + opt.iters; i++)
				(void)timed_lookup(b[s], lists[s].keys[k][i],
						   (enum lkind)k);
	}
	for (i = opt.warmup; i < opt.warmup + opt.iters; i++)
		for (j = 0; j < cells; j++) {
			size_t cell = (i + j) % cells;
			struct list *l = &lists[cell / L_COUNT];
			enum lkind kind = (enum lkind)(cell % L_COUNT);
			struct cell *c = &l->cells[T_WARM][kind];

			c->samples[c->n++] = timed_lookup(b[cell / L_COUNT],
							  l->keys[kind][i],
							  kind);
		}
	printf("warm: %lu lookups per cell in %.1f s\n", opt.iters,
	       now_s() - t0);

	/* Cold: the list closed, its pages dropped and the list opened
	 * again before each lookup (open not timed), on keys the warm pass
	 * did not use. */
	t0 = now_s();
	for (i = 0; i < opt.cold; i++)
		for (j = 0; j < cells; j++) {
			size_t cell = (i + j) % cells;
			struct list *l = &lists[cell / L_COUNT];
			enum lkind kind = (enum lkind)(cell % L_COUNT);
			struct cell *c = &l->cells[T_COLD][kind];
			size_t key = opt.warmup + opt.iters + i;

			crm_breached_close(b[cell / L_COUNT]);
			drop_cache(l);
			b[cell / L_COUNT] = open_list(l);
			c->samples[c->n++] = timed_lookup(b[cell / L_COUNT],
							  l->keys[kind][key],
							  kind);
		}
	printf("cold: %lu lookups per cell in %.1f s\n", opt.cold,
	       now_s() - t0);
	for (s = 0; s < opt.nsizes; s++)
		crm_breached_close(b[s]);

	printf("%-10s %-5s %-4s %7s %10s %10s %10s\n", "lines", "temp",
	       "kind", "n", "median_us", "p90_us", "p99_us");
	for (s = 0; s < opt.nsizes; s++) {
		struct list *l = &lists[s];

		for (i = 0; i < T_COUNT; i++)
			for (k = 0; k < L_COUNT; k++) {
				struct cell *c = &l->cells[i][k];

				sample_stats(c->samples, c->n, &c->st);
				printf("%-10lu %-5s %-4s %7zu %10.2f %10.2f "
				       "%10.2f\n", l->lines, temp_name[i],
				       lkind_name[k], c->n, c->st.median,
				       c->st.p90, c->st.p99);
			}
		sample_stats(l->opens.samples, l->opens.n, &l->opens.st);
		printf("%-10lu %-10s %7zu %10.2f %10.2f %10.2f\n", l->lines,
		       "open+close", l->opens.n, l->opens.st.median,
		       l->opens.st.p90, l->opens.st.p99);
	}
}

static void
breached_report(void)
{
	const struct list *lo = NULL, *hi = NULL;
	double probes, worst = 0;
	size_t s, t, k;

	for (s = 0; s < opt.nsizes; s++) {
		const struct list *l = &lists[s];

		printf("GEN %lu lines: %s, %.1f MB\n", l->lines,
		       l->gen_s < 0 ? "reused" : "generated", l->bytes / 1e6);
		if (l->gen_s >= 0)
			printf("GEN %lu lines: %.1f s writing, %.1f s fsync\n",
			       l->lines, l->gen_s, l->sync_s);
		if (lo == NULL || l->lines < lo->lines)
			lo = l;
		if (hi == NULL || l->lines > hi->lines)
			hi = l;
	}
	if (lo == NULL || hi == NULL || lo->lines == hi->lines || lo->lines < 2) {
		printf("RESULT breached log growth: not measured (needs two "
		       "sizes of 2 lines or more in -B)\n");
		return;
	}
	/* Bisection probes grow with log2(lines): the cost may grow by
	 * that much, not with the lines. */
	probes = log2((double)hi->lines) / log2((double)lo->lines);
	for (t = 0; t < T_COUNT; t++)
		for (k = 0; k < L_COUNT; k++) {
			const struct cell *a = &hi->cells[t][k];
			const struct cell *b = &lo->cells[t][k];
			double g = a->st.median / b->st.median;

			printf("GROWTH breached %s %s: median %lu/%lu lines = "
			       "%.2f (p99 %.2f; log2 ratio %.2f)\n",
			       temp_name[t], lkind_name[k], hi->lines,
			       lo->lines, g, a->st.p99 / b->st.p99, probes);
			if (t == T_WARM && g > worst)
				worst = g;
		}
	printf("GROWTH breached open+close: median %lu/%lu lines = %.2f\n",
	       hi->lines, lo->lines,
	       hi->opens.st.median / lo->opens.st.median);
	printf("RESULT breached log growth: worst warm median %lu/%lu lines "
	       "= %.2f (target <= %.2f, 1.2 x log2 ratio): %s\n", hi->lines,
	       lo->lines, worst, 1.2 * probes,
	       worst <= 1.2 * probes ? "MET" : "NOT MET");
}

static void
write_csv(void)
{
	FILE *fp = fopen(opt.csv, "w");
	size_t s, t, k, i, v, c;

	if (fp == NULL)
		die("%s: %s", opt.csv, strerror(errno));
	fprintf(fp, "part,variant,size,kind,sample,us\n");
	for (v = 0; v < V_COUNT; v++)
		for (c = 0; c < C_COUNT; c++)
			for (i = 0; i < policy_cells[v][c].n; i++)
				fprintf(fp, "policy,%s,%lu,%s,%zu,%.3f\n",
					variant_name[v], opt.iters,
					checker_name[c], i,
					policy_cells[v][c].samples[i]);
	for (s = 0; s < opt.nsizes; s++) {
		const struct list *l = &lists[s];

		for (t = 0; t < T_COUNT; t++)
			for (k = 0; k < L_COUNT; k++)
				for (i = 0; i < l->cells[t][k].n; i++)
					fprintf(fp, "breached,%s,%lu,%s,%zu,"
						"%.3f\n", temp_name[t],
						l->lines, lkind_name[k], i,
						l->cells[t][k].samples[i]);
		for (i = 0; i < l->opens.n; i++)
			fprintf(fp, "breached,open,%lu,open+close,%zu,%.3f\n",
				l->lines, i, l->opens.samples[i]);
	}
	if (fclose(fp) != 0)
		die("%s: %s", opt.csv, strerror(errno));
}

/* ---- options ---- */

static void
remove_work(void)
{
	if (opt.work[0] != '\0' && !opt.work_given)
		remove_tree(opt.work);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: bench_pwpolicy [options]\n"
"  -n N      candidates for the policy checkers, and warm lookups per\n"
"            cell of the breached list (default 10000)\n"
"  -c N      cold lookups per cell (default 200)\n"
"  -O N      open + close per size (default 1000)\n"
"  -w N      warm-up checks and lookups, untimed (default 100)\n"
"  -B LIST   breached list sizes in lines, comma separated\n"
"            (default 1000000,100000000; at most %d; 0: no part b)\n"
"  -C        lines end in CRLF (default LF)\n"
"  -t DIR    work directory, kept, lists reused\n"
"            (default: a fresh /var/tmp/crmpwpolicy.XXXXXX, removed)\n"
"  -o FILE   write every sample as CSV\n"
"  -x SEED   seed of the candidates and the lists\n"
"  -b DIR, -s DIR  accepted for run-common.sh; not used\n", MAX_SIZES);
}

int
main(int argc, char **argv)
{
	char sizes_default[] = "1000000,100000000";
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	opt.iters = 10000;
	opt.cold = 200;
	opt.opens = 1000;
	opt.warmup = 100;
	opt.seed = 0x9e3779b97f4a7c15ULL;
	opt.nsizes = parse_ul_list(sizes_default, opt.sizes, MAX_SIZES, 0, "-B");
	while ((c = getopt(argc, argv, "n:c:O:w:B:Ct:o:x:b:s:h")) != -1) {
		switch (c) {
		case 'n': opt.iters = parse_ul(optarg, "-n"); break;
		case 'c': opt.cold = parse_ul(optarg, "-c"); break;
		case 'O': opt.opens = parse_ul(optarg, "-O"); break;
		case 'w': opt.warmup = parse_ul(optarg, "-w"); break;
		case 'B':
			opt.nsizes = parse_ul_list(optarg, opt.sizes,
						   MAX_SIZES, 0, "-B");
			if (opt.sizes[0] == 0)	/* -B 0: no part b */
				opt.nsizes = 0;
			break;
		case 'C': opt.crlf = 1; break;
		case 't':
			snprintf(opt.work, sizeof(opt.work), "%s", optarg);
			opt.work_given = 1;
			break;
		case 'o': opt.csv = optarg; break;
		case 'x':
			opt.seed = parse_ul(optarg, "-x");
			if (opt.seed == 0)
				die("-x: a non-zero seed");
			break;
		case 'b': case 's': break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || opt.iters < 1 || opt.cold < 1 || opt.opens < 1) {
		usage(stderr);
		return 2;
	}
	printf("bench_pwpolicy: crm_pwpolicy_check against libpwquality's "
	       "pwquality_check; crm_breached_lookup at");
	for (c = 0; c < (int)opt.nsizes; c++)
		printf(" %lu", opt.sizes[c]);
	printf(" lines\n");
	policy_part();
	if (opt.nsizes > 0) {
		if (opt.work_given) {
			if (opt.work[0] != '/')
				die("-t: an absolute path, please");
			make_dir(opt.work, 0700);
		} else {
			const char *tmp = getenv("TMPDIR");

			xfmt(opt.work, sizeof(opt.work),
			     "%s/crmpwpolicy.XXXXXX",
			     tmp != NULL && tmp[0] == '/' ? tmp : "/var/tmp");
			if (mkdtemp(opt.work) == NULL) {
				opt.work[0] = '\0';
				die("mkdtemp: %s", strerror(errno));
			}
			atexit(remove_work);
		}
		breached_part();
		breached_report();
	}
	if (opt.csv != NULL)
		write_csv();
	if (opt.work_given)
		printf("work dir kept: %s\n", opt.work);
	return 0;
}
