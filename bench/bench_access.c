/*
 * bench_access.c - the account decision of pam_crm_access side by side
 * with pam_access and an access.conf holding the same rules, at 10,
 * 1,000, 100,000 and 1,000,000 rules.
 *
 * One process drives real PAM transactions through Linux-PAM's
 * pam_start_confdir() against service files written into a private
 * directory:
 *
 *   transaction = pam_start_confdir -> pam_set_item(PAM_RHOST)
 *                 -> pam_acct_mgmt -> pam_end
 *
 * The account phase is what both access modules do; auth is pam_permit
 * in every stack and is not called.  Three stacks per rule count:
 *
 *   base    account required pam_permit.so (PAM's own cost, the floor)
 *   crm     account required pam_crm_access.so conf=<work>/r<N>/pam_crm.conf
 *   access  account required pam_access.so accessfile=<work>/r<N>/access.conf
 *           nodefgroup
 *
 * The N rules are "allow user:uK 10.X.Y.Z/32" (access.conf: "+ : uK :
 * 10.X.Y.Z"), distinct users and addresses, the last of them the
 * benchmarked user's, crmbench; both deny by default (pam_crm_access's
 * default= deny, a final "- : ALL : ALL" in access.conf).  Two paths:
 *
 *   last    crmbench from its own address: the last rule matches
 *           (PAM_SUCCESS)
 *   none    crmbench from an address no rule holds (PAM_PERM_DENIED)
 *
 * Every transaction must return the code its path expects, or the run
 * stops: a failing stack would look fast.  The cells (rule count, stack,
 * path) are interleaved round-robin in an order shuffled anew per round;
 * pam_access at large counts, which scans its file linearly, takes part
 * in an evenly spread subset of the rounds (-A).
 *
 * libpamcrm is linked only to create the databases (crm_rule_parse,
 * crm_rule_format, crm_store_access_add, crm_store_user_add: never SQL);
 * every measurement goes through PAM.
 */
#include "autoconfig.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/context.h"
#include "core/crm.h"
#include "core/crypto.h"
#include "core/rule.h"
#include "store/store.h"

#include "common.h"

#define MAX_SIZES	8
/* Rules per write transaction when filling the crm database. */
#define FILL_BATCH	10000
#define BENCH_USER	"crmbench"
/* crmbench's address (its rule, the last) and one no rule holds; the
 * filler rules take 10.0.0.0 - 10.254.255.255. */
#define ADDR_LAST	"10.255.255.1"
#define ADDR_NONE	"10.255.255.2"
#define MAX_RULES	(255UL * 65536)

enum kind { K_BASE, K_CRM, K_ACCESS, K_COUNT };
enum path { P_LAST, P_NONE, P_COUNT };

static const char *const kind_name[K_COUNT] = { "base", "crm", "access" };
static const char *const kind_module[K_COUNT] = {
	"pam_permit only", "pam_crm_access", "pam_access"
};
static const char *const path_name[P_COUNT] = { "last", "none" };
static const char *const path_rhost[P_COUNT] = { ADDR_LAST, ADDR_NONE };

struct cell {
	double *samples;	/* microseconds */
	size_t n;		/* timed samples so far */
	unsigned long runs;	/* runs so far, warm-up included */
	unsigned long quota;	/* warm-up + timed runs in this cell */
	unsigned long warmup;
	double median, p90, p99;
};

struct sizeset {
	unsigned long rules;
	char dir[PATH_MAX];		/* <work>/r<rules> */
	char pamd[PATH_MAX];
	char conf[PATH_MAX];		/* pam_crm.conf */
	char db[PATH_MAX];
	char accessfile[PATH_MAX];
	double fill_s[K_COUNT];		/* -1: reused */
	long long db_bytes, file_bytes;
	long fill_maxrss_kb;		/* peak RSS after filling this set */
	struct cell cells[K_COUNT][P_COUNT];
};

static struct {
	unsigned long rules[MAX_SIZES];
	size_t sizes;
	unsigned long iters;			/* -n: base and crm */
	unsigned long slow_iters[MAX_SIZES];	/* -A: pam_access per size */
	unsigned long warmup;			/* -w */
	char top[PATH_MAX];
	char secdir[PATH_MAX];
	char work[PATH_MAX];
	int keep, work_given;
	const char *csv;
	uint64_t seed;
} opt;

static struct sizeset sets[MAX_SIZES];
static unsigned long delays_requested;

static long
maxrss_kb(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* Rule i of a set of n: fillers uK at 10.X.Y.Z, the last crmbench's. */
static void
rule_of(unsigned long n, unsigned long i, char *user, size_t ulen,
	char *addr, size_t alen)
{
	if (i + 1 == n) {
		xfmt(user, ulen, "%s", BENCH_USER);
		xfmt(addr, alen, "%s", ADDR_LAST);
		return;
	}
	xfmt(user, ulen, "u%07lu", i);
	xfmt(addr, alen, "10.%lu.%lu.%lu", i >> 16, (i >> 8) & 255, i & 255);
}

/* ---- PAM side ---- */

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
     void *appdata)
{
	/* Neither module asks anything in the account phase. */
	return PAM_CONV_ERR;
}

/* libpam calls this instead of sleeping: a request is only counted. */
static void
fail_delay(int retval, unsigned usec_delay, void *appdata)
{
	if (usec_delay > 0)
		delays_requested++;
}

static double
transaction(const struct sizeset *s, enum kind k, const char *rhost,
	    int *acct_rc)
{
	struct pam_conv pc = { conv, NULL };
	pam_handle_t *pamh = NULL;
	struct timespec t0, t1;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = pam_start_confdir(kind_name[k], BENCH_USER, &pc, s->pamd, &pamh);
	if (rc != PAM_SUCCESS)
		die("pam_start_confdir(%s, %s): %s", kind_name[k], s->pamd,
		    pam_strerror(NULL, rc));
	if (pam_set_item(pamh, PAM_RHOST, rhost) != PAM_SUCCESS ||
	    pam_set_item(pamh, PAM_FAIL_DELAY,
			 (const void *)(uintptr_t)fail_delay) != PAM_SUCCESS)
		die("pam_set_item failed");
	rc = pam_acct_mgmt(pamh, 0);
	*acct_rc = rc;
	pam_end(pamh, rc);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
}

static int
expected_rc(enum kind k, enum path p)
{
	return k == K_BASE || p == P_LAST ? PAM_SUCCESS : PAM_PERM_DENIED;
}

/* One transaction; a code other than the path's stops the run. */
static double
checked(const struct sizeset *s, enum kind k, enum path p)
{
	int rc, want = expected_rc(k, p);
	double us = transaction(s, k, path_rhost[p], &rc);

	if (rc != want)
		die("%s, %lu rules, path %s (%s from %s): expected %s, got %s",
		    kind_name[k], s->rules, path_name[p], BENCH_USER,
		    path_rhost[p], pam_strerror(NULL, want),
		    pam_strerror(NULL, rc));
	return us;
}

/* ---- files ---- */

static long long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void
remove_work(void)
{
	if (opt.keep || opt.work[0] == '\0')
		return;
	if (remove_tree(opt.work) != 0)
		fprintf(stderr, "bench_access: could not remove %s\n",
			opt.work);
}

static int
fill_marker(const struct sizeset *s, const char *what, int set)
{
	char path[PATH_MAX + 32];

	xfmt(path, sizeof(path), "%s/filled-%s", s->dir, what);
	if (!set)
		return access(path, F_OK) == 0;
	write_file(path, 0644, "%lu\n", s->rules);
	return 1;
}

static void
write_services(const struct sizeset *s)
{
	char path[PATH_MAX + 64];

	make_dir(s->pamd, 0755);
	join(path, sizeof(path), s->pamd, "other");
	write_file(path, 0644,
		   "auth required %1$s/pam_deny.so\n"
		   "account required %1$s/pam_deny.so\n"
		   "password required %1$s/pam_deny.so\n"
		   "session required %1$s/pam_deny.so\n", opt.secdir);
	join(path, sizeof(path), s->pamd, kind_name[K_BASE]);
	write_file(path, 0644,
		   "auth required %1$s/pam_permit.so\n"
		   "account required %1$s/pam_permit.so\n", opt.secdir);
	join(path, sizeof(path), s->pamd, kind_name[K_CRM]);
	write_file(path, 0644,
		   "auth required %1$s/pam_permit.so\n"
		   "account required %2$s/modules/pam_crm_access/.libs/"
		   "pam_crm_access.so conf=%3$s\n",
		   opt.secdir, opt.top, s->conf);
	join(path, sizeof(path), s->pamd, kind_name[K_ACCESS]);
	write_file(path, 0644,
		   "auth required %1$s/pam_permit.so\n"
		   "account required %1$s/pam_access.so accessfile=%2$s "
		   "nodefgroup\n",
		   opt.secdir, s->accessfile);
}

/* ---- filling, through the lib ---- */

/* The keys of a parsed rule, as crmauth allow add stores them. */
static int
add_rule(struct crm_store *store, const struct crm_rule *r, const char *line)
{
	struct crm_access_key keys[4];
	int64_t id;
	size_t i;

	if (r->nwheres > CRM_ARRAY_SIZE(keys) ||
	    r->subject_kind != CRM_SUBJECT_USER)
		return CRM_INVALID;
	memset(keys, 0, sizeof(keys));
	for (i = 0; i < r->nwheres; i++) {
		const struct crm_where *w = &r->wheres[i];

		if (w->kind != CRM_WHERE_NET)
			return CRM_INVALID;
		keys[i].kind = CRM_ACCESS_NET;
		keys[i].family = w->net.family == AF_INET ? 4 : 6;
		keys[i].prefix = w->prefix;
		memcpy(keys[i].net, w->net.bytes,
		       keys[i].family == 4 ? 4 : 16);
	}
	return crm_store_access_add(store, line, CRM_ACCESS_SUBJECT_USER,
				    r->subject, keys, r->nwheres, &id);
}

static void
fill_crm(struct sizeset *s)
{
	char key[PATH_MAX], err[2 * PATH_MAX + 256];
	char user[32], addr[32], text[128], line[CRM_RULE_MAX];
	struct crm_common_opts common;
	struct crm_ctx *ctx = NULL;
	struct crm_rule rule;
	int64_t now = crm_now_ms();
	unsigned long i;
	double t0;
	int rc;

	join(s->db, sizeof(s->db), s->dir, "crm.db");
	join(key, sizeof(key), s->dir, "pam_crm.key");
	write_file(s->conf, 0644,
		   "[global]\ndb = %s\nkeyfile = %s\ndurability = normal\n",
		   s->db, key);
	if (fill_marker(s, "crm", 0) && access(s->db, F_OK) == 0) {
		s->fill_s[K_CRM] = -1;
		s->db_bytes = file_size(s->db);
		return;
	}
	for (i = 0; i < 4; i++) {
		static const char *const suffix[] = { "", "-wal", "-shm",
						      "-journal" };
		char p[PATH_MAX + 16];

		xfmt(p, sizeof(p), "%s%s", s->db, suffix[i]);
		unlink(p);
	}
	unlink(key);

	t0 = now_s();
	/* As crmauth init does: a key, the schema, the key check value. */
	crm_store_close(create_database(s->db, key));

	/* The user, then each rule as crmauth allow add stores it: parsed,
	 * written back in its canonical spelling, one key per place. */
	crm_common_defaults(&common);
	xfmt(common.db, sizeof(common.db), "%s", s->db);
	xfmt(common.keyfile, sizeof(common.keyfile), "%s", key);
	common.durability = CRM_DURABILITY_NORMAL;
	if (crm_ctx_open(&common, NULL, &ctx, err, sizeof(err)) != CRM_OK)
		die("%s", err);
	rc = crm_store_begin(ctx->store, CRM_TXN_WRITE);
	if (rc == CRM_OK)
		rc = crm_store_user_add(ctx->store, BENCH_USER, NULL, NULL,
					now);
	if (rc == CRM_OK)
		rc = crm_store_commit(ctx->store);
	memset(&rule, 0, sizeof(rule));
	for (i = 0; rc == CRM_OK && i < s->rules; i++) {
		if (i % FILL_BATCH == 0)
			rc = crm_store_begin(ctx->store, CRM_TXN_WRITE);
		rule_of(s->rules, i, user, sizeof(user), addr, sizeof(addr));
		xfmt(text, sizeof(text), "allow user:%s %s/32", user, addr);
		if (rc == CRM_OK)
			rc = crm_rule_parse(text, now, &rule, err,
					    sizeof(err));
		if (rc == CRM_OK)
			rc = crm_rule_format(&rule, line, sizeof(line));
		if (rc == CRM_OK)
			rc = add_rule(ctx->store, &rule, line);
		crm_rule_clear(&rule);
		if (rc == CRM_OK &&
		    (i % FILL_BATCH == FILL_BATCH - 1 || i + 1 == s->rules))
			rc = crm_store_commit(ctx->store);
	}
	if (rc != CRM_OK) {
		crm_store_rollback(ctx->store);
		die("filling %s: %s: %s", s->db, crm_strerror(rc),
		    crm_store_errmsg(ctx->store));
	}
	crm_ctx_close(ctx);	/* the last checkpoint, the WAL removed */
	s->fill_s[K_CRM] = now_s() - t0;
	s->db_bytes = file_size(s->db);
	fill_marker(s, "crm", 1);
}

static void
fill_access(struct sizeset *s)
{
	char user[32], addr[32];
	unsigned long i;
	double t0;
	FILE *fp;

	join(s->accessfile, sizeof(s->accessfile), s->dir, "access.conf");
	if (fill_marker(s, "access", 0) && access(s->accessfile, F_OK) == 0) {
		s->fill_s[K_ACCESS] = -1;
		s->file_bytes = file_size(s->accessfile);
		return;
	}
	t0 = now_s();
	fp = fopen(s->accessfile, "w");
	if (fp == NULL)
		die("%s: %s", s->accessfile, strerror(errno));
	fprintf(fp, "# bench_access: %lu rules, first match; default deny\n",
		s->rules);
	for (i = 0; i < s->rules; i++) {
		rule_of(s->rules, i, user, sizeof(user), addr, sizeof(addr));
		fprintf(fp, "+ : %s : %s\n", user, addr);
	}
	fprintf(fp, "- : ALL : ALL\n");
	if (fclose(fp) != 0 || chmod(s->accessfile, 0644) != 0)
		die("%s: %s", s->accessfile, strerror(errno));
	s->fill_s[K_ACCESS] = now_s() - t0;
	s->file_bytes = file_size(s->accessfile);
	fill_marker(s, "access", 1);
}

/* ---- sanity: the subject counts, not only the address ---- */

static void
sanity(const struct sizeset *s)
{
	char user[32], addr[32];
	enum kind k;
	int rc;

	if (s->rules < 2)
		return;
	/* crmbench from the first filler rule's address: that rule is
	 * u0000000's, so both modules must refuse. */
	rule_of(s->rules, 0, user, sizeof(user), addr, sizeof(addr));
	for (k = K_CRM; k < K_COUNT; k++) {
		transaction(s, k, addr, &rc);
		if (rc != PAM_PERM_DENIED)
			die("%s, %lu rules: %s from %s (%s's rule) gave %s, "
			    "expected %s", kind_module[k], s->rules,
			    BENCH_USER, addr, user, pam_strerror(NULL, rc),
			    pam_strerror(NULL, PAM_PERM_DENIED));
	}
}

/* ---- statistics ---- */

static void
summarize(struct cell *c)
{
	struct sample_stats st;

	if (c->n == 0)
		return;
	sample_stats(c->samples, c->n, &st);
	c->median = st.median;
	c->p90 = st.p90;
	c->p99 = st.p99;
}

/* ---- the measurement ---- */

/* Does a cell with quota q of R rounds run in round r?  Spread evenly. */
static int
runs_in_round(unsigned long q, unsigned long rounds, unsigned long r)
{
	return (unsigned long long)(r + 1) * q / rounds >
	       (unsigned long long)r * q / rounds;
}

#define CELLS_PER_SET	(K_COUNT * P_COUNT)

static void
measure(void)
{
	size_t slot[MAX_SIZES * CELLS_PER_SET];
	size_t nslots = opt.sizes * CELLS_PER_SET;
	unsigned long rounds = opt.warmup + opt.iters, r;
	size_t u, j;
	enum kind k;
	enum path p;
	double t0 = now_s(), last_report = t0;

	for (u = 0; u < opt.sizes; u++)
		for (k = 0; k < K_COUNT; k++)
			for (p = 0; p < P_COUNT; p++) {
				struct cell *c = &sets[u].cells[k][p];
				unsigned long timed = opt.iters;

				if (k == K_ACCESS)
					timed = opt.slow_iters[u];
				c->warmup = timed == opt.iters ? opt.warmup
					  : timed / 10 < 2 ? 2 : timed / 10;
				c->quota = c->warmup + timed;
				if (c->quota > rounds)
					die("-A above -n: at most %lu "
					    "pam_access runs per size",
					    opt.iters);
				c->samples = calloc(timed,
						    sizeof(*c->samples));
				if (c->samples == NULL)
					die("out of memory");
			}
	for (j = 0; j < nslots; j++)
		slot[j] = j;
	for (r = 0; r < rounds; r++) {
		for (j = nslots - 1; j > 0; j--) {
			size_t x = (size_t)(next_random(&opt.seed) % (j + 1));
			size_t t = slot[j];

			slot[j] = slot[x];
			slot[x] = t;
		}
		for (j = 0; j < nslots; j++) {
			const struct sizeset *s = &sets[slot[j] / CELLS_PER_SET];
			size_t cell = slot[j] % CELLS_PER_SET;
			struct cell *c;
			double us;

			k = (enum kind)(cell / P_COUNT);
			p = (enum path)(cell % P_COUNT);
			c = &sets[slot[j] / CELLS_PER_SET].cells[k][p];
			if (!runs_in_round(c->quota, rounds, r))
				continue;
			us = checked(s, k, p);
			if (c->runs++ >= c->warmup)
				c->samples[c->n++] = us;
		}
		if (now_s() - last_report > 60) {
			last_report = now_s();
			printf("... round %lu of %lu, %.0f s\n", r + 1, rounds,
			       last_report - t0);
		}
	}
	for (u = 0; u < opt.sizes; u++)
		for (k = 0; k < K_COUNT; k++)
			for (p = 0; p < P_COUNT; p++)
				summarize(&sets[u].cells[k][p]);
	printf("measured: %lu rounds (%lu warm-up) in %.1f s\n", rounds,
	       opt.warmup, now_s() - t0);
}

static void
report(void)
{
	const struct sizeset *lo = NULL, *hi = NULL;
	size_t u;
	enum kind k;
	enum path p;
	int faster = 1, compared = 0;
	char worst[256] = "";

	for (u = 0; u < opt.sizes; u++) {
		const struct sizeset *s = &sets[u];

		if (lo == NULL || s->rules < lo->rules)
			lo = s;
		if (hi == NULL || s->rules > hi->rules)
			hi = s;
		printf("\n== %lu rules (user %s, last rule %s, none %s) ==\n",
		       s->rules, BENCH_USER, ADDR_LAST, ADDR_NONE);
		printf("%-4s %-6s %-15s %6s %10s %10s %10s %9s %10s\n", "path",
		       "stack", "module", "n", "median_us", "p90_us", "p99_us",
		       "ratio_crm", "module_us");
		for (p = 0; p < P_COUNT; p++) {
			const struct cell *crm = &s->cells[K_CRM][p];
			const struct cell *base = &s->cells[K_BASE][p];
			const struct cell *pa = &s->cells[K_ACCESS][p];

			for (k = 0; k < K_COUNT; k++) {
				const struct cell *c = &s->cells[k][p];
				char own[32] = "-";

				if (k != K_BASE)
					snprintf(own, sizeof(own), "%.1f",
						 c->median - base->median);
				printf("%-4s %-6s %-15s %6zu %10.1f %10.1f "
				       "%10.1f %9.2f %10s\n", path_name[p],
				       kind_name[k], kind_module[k], c->n,
				       c->median, c->p90, c->p99,
				       c->median / crm->median, own);
			}
			printf("RATIO %lu rules, %s: pam_access/crm median "
			       "%.2f (p99 %.2f)\n", s->rules, path_name[p],
			       pa->median / crm->median, pa->p99 / crm->p99);
			if (s->rules >= 1000) {
				compared = 1;
				if (!(crm->median < pa->median)) {
					faster = 0;
					snprintf(worst, sizeof(worst),
						 "; at %lu rules, %s: crm "
						 "%.1f us, pam_access %.1f us",
						 s->rules, path_name[p],
						 crm->median, pa->median);
				}
			}
		}
	}
	printf("ratio_crm = stack median / crm median (above 1: slower than "
	       "crm); module_us = stack median - base median\n\n");
	for (u = 0; u < opt.sizes; u++) {
		const struct sizeset *s = &sets[u];
		char crm_s[32] = "reused", file_s[32] = "reused";

		if (s->fill_s[K_CRM] >= 0)
			snprintf(crm_s, sizeof(crm_s), "%.1f s",
				 s->fill_s[K_CRM]);
		if (s->fill_s[K_ACCESS] >= 0)
			snprintf(file_s, sizeof(file_s), "%.1f s",
				 s->fill_s[K_ACCESS]);
		printf("FILL %lu rules: crm %s, database %.1f MB (%.0f "
		       "bytes/rule), peak RSS of this process %ld kB; "
		       "access.conf %s, %.1f MB\n", s->rules, crm_s,
		       (double)s->db_bytes / 1e6,
		       (double)s->db_bytes / (double)s->rules,
		       s->fill_maxrss_kb, file_s,
		       (double)s->file_bytes / 1e6);
	}
	if (lo != NULL && hi != NULL && hi->rules > lo->rules) {
		double g_worst = 0;

		for (p = 0; p < P_COUNT; p++) {
			for (k = 0; k < K_COUNT; k++)
				printf("GROWTH %s %s: median %lu/%lu rules "
				       "= %.2f (p99 %.2f)%s\n", kind_name[k],
				       path_name[p], hi->rules, lo->rules,
				       hi->cells[k][p].median /
					       lo->cells[k][p].median,
				       hi->cells[k][p].p99 /
					       lo->cells[k][p].p99,
				       k == K_BASE ? " (no access module: "
						     "the noise floor)" : "");
			if (hi->cells[K_CRM][p].median /
				    lo->cells[K_CRM][p].median > g_worst)
				g_worst = hi->cells[K_CRM][p].median /
					  lo->cells[K_CRM][p].median;
		}
		printf("RESULT flat: worst crm median %lu rules / %lu rules = "
		       "%.2f (target <= 1.20): %s\n", hi->rules, lo->rules,
		       g_worst, g_worst <= 1.2 ? "MET" : "NOT MET");
	} else {
		printf("RESULT flat: not measured (needs two sizes in -R)\n");
	}
	if (compared)
		printf("RESULT faster than pam_access from 1,000 rules on: "
		       "%s%s\n", faster ? "MET" : "NOT MET", worst);
	else
		printf("RESULT faster than pam_access from 1,000 rules on: "
		       "not measured (no size of 1000 or more in -R)\n");
	if (delays_requested > 0)
		printf("WARNING: modules asked for a fail delay %lu times\n",
		       delays_requested);
}

static void
write_csv(void)
{
	FILE *fp;
	size_t u, i;
	enum kind k;
	enum path p;

	fp = fopen(opt.csv, "w");
	if (fp == NULL)
		die("%s: %s", opt.csv, strerror(errno));
	fprintf(fp, "rules,stack,path,sample,us\n");
	for (u = 0; u < opt.sizes; u++)
		for (k = 0; k < K_COUNT; k++)
			for (p = 0; p < P_COUNT; p++) {
				const struct cell *c = &sets[u].cells[k][p];

				for (i = 0; i < c->n; i++)
					fprintf(fp, "%lu,%s,%s,%zu,%.2f\n",
						sets[u].rules, kind_name[k],
						path_name[p], i,
						c->samples[i]);
			}
	if (fclose(fp) != 0)
		die("%s: %s", opt.csv, strerror(errno));
}

/* ---- options ---- */

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: bench_access [options]\n"
"  -R LIST   rule counts, comma separated, each 2 to %lu\n"
"            (default 10,1000,100000,1000000; at most %d sizes)\n"
"  -n N      timed transactions per size and path for base and crm\n"
"            (default 2000)\n"
"  -A LIST   timed transactions per size and path for pam_access, which\n"
"            reads its file line by line; the last value repeats, at most\n"
"            -n (default: -n below 100,000 rules, 100 from 100,000, 10\n"
"            from 1,000,000: 2000,2000,100,10 for the default sizes)\n"
"  -w N      warm-up rounds (default 100; pam_access at -A below -n:\n"
"            a tenth of its count, at least 2)\n"
"  -b DIR    top build directory (default: the parent of bench/)\n"
"  -s DIR    Linux-PAM module directory\n"
"            (default /usr/lib/x86_64-linux-gnu/security)\n"
"  -t DIR    work directory; kept, and what is filled there reused\n"
"            (default: a fresh /var/tmp/crmaccess.XXXXXX, removed)\n"
"  -k        keep the work directory\n"
"  -o FILE   write every sample as CSV\n"
"  -x SEED   seed of the order within each round\n",
	MAX_RULES, MAX_SIZES);
}

int
main(int argc, char **argv)
{
	char sizes_default[] = "10,1000,100000,1000000";
	char *slow_list = NULL;
	size_t u;
	int c, slow_given = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	opt.iters = 2000;
	opt.warmup = 100;
	opt.seed = 0x9e3779b97f4a7c15ULL;
	snprintf(opt.secdir, sizeof(opt.secdir),
		 "/usr/lib/x86_64-linux-gnu/security");
	opt.sizes = parse_ul_list(sizes_default, opt.rules, MAX_SIZES, 1, "-R");

	while ((c = getopt(argc, argv, "R:n:A:w:b:s:t:ko:x:h")) != -1) {
		switch (c) {
		case 'R': opt.sizes = parse_ul_list(optarg, opt.rules, MAX_SIZES, 1, "-R"); break;
		case 'n': opt.iters = parse_ul(optarg, "-n"); break;
		case 'A': slow_list = optarg; slow_given = 1; break;
		case 'w': opt.warmup = parse_ul(optarg, "-w"); break;
		case 'b': snprintf(opt.top, sizeof(opt.top), "%s", optarg); break;
		case 's': snprintf(opt.secdir, sizeof(opt.secdir), "%s", optarg); break;
		case 't':
			snprintf(opt.work, sizeof(opt.work), "%s", optarg);
			opt.work_given = opt.keep = 1;
			break;
		case 'k': opt.keep = 1; break;
		case 'o': opt.csv = optarg; break;
		case 'x':
			opt.seed = parse_ul(optarg, "-x");
			if (opt.seed == 0)
				die("-x: a non-zero seed");
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (opt.iters < 1)
		die("-n: at least one transaction");
	for (u = 0; u < opt.sizes; u++)
		if (opt.rules[u] < 2 || opt.rules[u] > MAX_RULES)
			die("-R: %lu: between 2 and %lu rules", opt.rules[u],
			    MAX_RULES);
	{
		unsigned long slow[MAX_SIZES];
		size_t n = slow_given ? parse_ul_list(slow_list, slow, MAX_SIZES, 1, "-A") : 0;

		/* The default list belongs to the default sizes; for other
		 * sizes the default is -n, unless -A says. */
		for (u = 0; u < opt.sizes; u++) {
			if (!slow_given)
				opt.slow_iters[u] = opt.rules[u] >= 1000000
					? 10 : opt.rules[u] >= 100000 ? 100
					: opt.iters;
			else
				opt.slow_iters[u] = slow[u < n ? u : n - 1];
			if (opt.slow_iters[u] > opt.iters)
				opt.slow_iters[u] = opt.iters;
		}
	}
	if (opt.top[0] == '\0')
		default_top(opt.top, sizeof(opt.top));

	need(opt.secdir, "pam_permit.so", "apt-get install libpam-modules");
	need(opt.secdir, "pam_access.so", "apt-get install libpam-modules");
	need(opt.top, "modules/pam_crm_access/.libs/pam_crm_access.so",
	     "build first, or -b");
	if (geteuid() != 0)
		die("run as root: the database and its key are root's");

	if (opt.work_given) {
		if (opt.work[0] != '/')
			die("-t: an absolute path, please");
		make_dir(opt.work, 0700);
	} else {
		const char *tmp = getenv("TMPDIR");

		snprintf(opt.work, sizeof(opt.work), "%s/crmaccess.XXXXXX",
			 tmp != NULL && tmp[0] == '/' ? tmp : "/var/tmp");
		if (mkdtemp(opt.work) == NULL) {
			opt.work[0] = '\0';
			die("mkdtemp: %s", strerror(errno));
		}
		atexit(remove_work);
	}
	printf("bench_access: work dir %s; user %s, last rule from %s, none "
	       "from %s\n", opt.work, BENCH_USER, ADDR_LAST, ADDR_NONE);
	printf("modules: %s/modules/pam_crm_access/.libs, %s\n", opt.top,
	       opt.secdir);

	for (u = 0; u < opt.sizes; u++) {
		struct sizeset *s = &sets[u];
		char name[32];

		s->rules = opt.rules[u];
		xfmt(name, sizeof(name), "r%lu", s->rules);
		join(s->dir, sizeof(s->dir), opt.work, name);
		join(s->pamd, sizeof(s->pamd), s->dir, "pam.d");
		join(s->conf, sizeof(s->conf), s->dir, "pam_crm.conf");
		make_dir(s->dir, 0700);
		fill_crm(s);
		s->fill_maxrss_kb = maxrss_kb();
		fill_access(s);
		write_services(s);
		printf("filled %lu rules: crm ", s->rules);
		if (s->fill_s[K_CRM] < 0)
			printf("reused");
		else
			printf("%.1f s", s->fill_s[K_CRM]);
		printf(", database %.1f MB; access.conf ",
		       (double)s->db_bytes / 1e6);
		if (s->fill_s[K_ACCESS] < 0)
			printf("reused");
		else
			printf("%.1f s", s->fill_s[K_ACCESS]);
		printf(", %.1f MB (crm: crm_rule_parse + crm_rule_format + "
		       "crm_store_access_add, %d rules per transaction; peak "
		       "RSS so far %ld kB)\n", (double)s->file_bytes / 1e6,
		       FILL_BATCH, s->fill_maxrss_kb);
		sanity(s);
	}
	printf("sanity: %s from another user's rule address refused by both "
	       "modules at every size\n", BENCH_USER);
	printf("timed transactions per size and path: base, crm %lu (+%lu "
	       "warm-up); pam_access", opt.iters, opt.warmup);
	for (u = 0; u < opt.sizes; u++)
		printf(" %lu", opt.slow_iters[u]);
	printf(" (sizes");
	for (u = 0; u < opt.sizes; u++)
		printf(" %lu", opt.rules[u]);
	printf(")\n");

	measure();
	report();
	printf("peak RSS of this process at the end: %ld kB\n", maxrss_kb());
	if (opt.csv != NULL)
		write_csv();
	if (opt.keep)
		printf("work dir kept: %s\n", opt.work);
	return 0;	/* remove_work() runs at exit */
}
