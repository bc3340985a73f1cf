/*
 * bench_role.c - pam_crm_role's account phase (status, roles, the CRM_
 * environment) for a user with 1 and with 50 roles, at 1,000 and
 * 1,000,000 users, side by side with the empty stack and pam_faillock's
 * account phase.
 *
 * One process drives real PAM transactions through pam_start_confdir()
 * against service files in a private directory:
 *
 *   transaction = pam_start_confdir -> pam_acct_mgmt -> pam_getenvlist
 *                 -> pam_end
 *
 * Three stacks per database size:
 *
 *   base      account required pam_permit.so (the floor)
 *   crm       account required pam_crm_role.so conf=<work>/u<N>/pam_crm.conf
 *   faillock  account required pam_faillock.so dir=<work>/faillock
 *             (what an account line of a pam_faillock stack costs)
 *
 * Two paths: "r1" is crmrole1, holding one role, "r50" crmrole50, holding
 * all 50 roles (each with two permissions of its own and a template of
 * two more; crmrole50 in a department three deep).  The other N-2 users
 * hold one role each.  A crm transaction must return PAM_SUCCESS and
 * export CRM_ROLES with the user's number of roles, or the run stops.
 * Cells are interleaved in an order shuffled anew per round.
 *
 * libpamcrm is linked only to fill the databases (the store API, never
 * SQL); every measurement goes through PAM.
 */
#include "autoconfig.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
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
#include "store/store.h"

#include "common.h"

#define MAX_SIZES	4
#define FILL_BATCH	10000
#define ROLES		50
/* pam_faillock looks its user up in the passwd database. */
#define SYSTEM_USER	"crmbench"

enum kind { K_BASE, K_CRM, K_FAILLOCK, K_COUNT };
enum path { P_R1, P_R50, P_COUNT };

static const char *const kind_name[K_COUNT] = { "base", "crm", "faillock" };
static const char *const kind_module[K_COUNT] = {
	"pam_permit only", "pam_crm_role", "pam_faillock"
};
static const char *const path_name[P_COUNT] = { "r1", "r50" };
static const char *const path_user[P_COUNT] = { "crmrole1", "crmrole50" };
static const size_t path_roles[P_COUNT] = { 1, ROLES };

struct cell {
	double *samples;	/* microseconds */
	size_t n;
	unsigned long runs;
	double median, p90, p99;
};

struct sizeset {
	unsigned long users;
	char dir[PATH_MAX];
	char pamd[PATH_MAX];
	char conf[PATH_MAX];
	char db[PATH_MAX];
	double fill_s;			/* -1: reused */
	long long db_bytes;
	struct cell cells[K_COUNT][P_COUNT];
};

static struct {
	unsigned long users[MAX_SIZES];
	size_t sizes;
	unsigned long iters, warmup;
	char top[PATH_MAX];
	char secdir[PATH_MAX];
	char work[PATH_MAX];
	int keep, work_given;
	uint64_t seed;
} opt;

static struct sizeset sets[MAX_SIZES];

/* ---- PAM side ---- */

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
     void *appdata)
{
	return PAM_CONV_ERR;	/* the account phase asks nothing */
}

/* The number of items of CRM_ROLES in env, -1 when it is not there. */
static long
roles_exported(char **env)
{
	long n = -1;
	size_t i;
	const char *p;

	for (i = 0; env != NULL && env[i] != NULL; i++) {
		if (strncmp(env[i], "CRM_ROLES=", 10) != 0)
			continue;
		n = env[i][10] != '\0';
		for (p = env[i] + 10; *p != '\0'; p++)
			n += *p == ',';
	}
	return n;
}

static double
transaction(const struct sizeset *s, enum kind k, enum path p, int *rc_out,
	    long *roles)
{
	struct pam_conv pc = { conv, NULL };
	const char *user = k == K_FAILLOCK ? SYSTEM_USER : path_user[p];
	pam_handle_t *pamh = NULL;
	struct timespec t0, t1;
	char **env;
	size_t i;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = pam_start_confdir(kind_name[k], user, &pc, s->pamd, &pamh);
	if (rc != PAM_SUCCESS)
		die("pam_start_confdir(%s): %s", kind_name[k],
		    pam_strerror(NULL, rc));
	rc = pam_acct_mgmt(pamh, 0);
	/* What a front end does next: read the environment. */
	env = pam_getenvlist(pamh);
	*roles = roles_exported(env);
	for (i = 0; env != NULL && env[i] != NULL; i++)
		free(env[i]);
	free(env);
	pam_end(pamh, rc);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*rc_out = rc;
	return (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
}

/* One transaction; a wrong answer stops the run: a failing stack would
 * look fast. */
static double
checked(const struct sizeset *s, enum kind k, enum path p)
{
	long roles;
	int rc;
	double us = transaction(s, k, p, &rc, &roles);

	if (rc != PAM_SUCCESS)
		die("%s, %lu users, %s: %s", kind_name[k], s->users,
		    path_name[p], pam_strerror(NULL, rc));
	if (k == K_CRM && roles != (long)path_roles[p])
		die("crm, %lu users, %s: CRM_ROLES has %ld roles, expected "
		    "%zu", s->users, path_name[p], roles, path_roles[p]);
	return us;
}

/* ---- files ---- */

static void
remove_work(void)
{
	if (opt.keep || opt.work[0] == '\0')
		return;
	if (remove_tree(opt.work) != 0)
		fprintf(stderr, "bench_role: could not remove %s\n", opt.work);
}

static void
write_services(const struct sizeset *s)
{
	char path[PATH_MAX + 64], fldir[PATH_MAX], flconf[PATH_MAX];

	make_dir(s->pamd, 0755);
	join(fldir, sizeof(fldir), s->dir, "faillock");
	join(flconf, sizeof(flconf), s->dir, "faillock.conf");
	make_dir(fldir, 0755);
	write_file(flconf, 0644, "# bench_role: options are arguments\n");
	join(path, sizeof(path), s->pamd, "other");
	write_file(path, 0644, "account required %s/pam_deny.so\n",
		   opt.secdir);
	join(path, sizeof(path), s->pamd, kind_name[K_BASE]);
	write_file(path, 0644, "account required %s/pam_permit.so\n",
		   opt.secdir);
	join(path, sizeof(path), s->pamd, kind_name[K_CRM]);
	write_file(path, 0644,
		   "account required %s/modules/pam_crm_role/.libs/"
		   "pam_crm_role.so conf=%s\n", opt.top, s->conf);
	join(path, sizeof(path), s->pamd, kind_name[K_FAILLOCK]);
	write_file(path, 0644,
		   "account required %s/pam_faillock.so dir=%s conf=%s\n",
		   opt.secdir, fldir, flconf);
}

/* ---- filling, through the store ---- */

static int
add_roles(struct crm_store *store)
{
	char role[32], perm[32];
	int i, rc = CRM_OK;

	rc = crm_store_template_add(store, "basic");
	if (rc == CRM_OK)
		rc = crm_store_template_perm_add(store, "basic", "report.view");
	if (rc == CRM_OK)
		rc = crm_store_template_perm_add(store, "basic", "lead.read");
	for (i = 0; rc == CRM_OK && i < ROLES; i++) {
		xfmt(role, sizeof(role), "role%02d", i);
		rc = crm_store_role_add(store, role, (enum crm_scope)(i % 3));
		xfmt(perm, sizeof(perm), "p%02d.read", i);
		if (rc == CRM_OK)
			rc = crm_store_role_perm_add(store, role, perm);
		xfmt(perm, sizeof(perm), "p%02d.write", i);
		if (rc == CRM_OK)
			rc = crm_store_role_perm_add(store, role, perm);
		if (rc == CRM_OK)
			rc = crm_store_template_apply(store, role, "basic");
	}
	if (rc == CRM_OK)
		rc = crm_store_dept_add(store, "company", NULL);
	if (rc == CRM_OK)
		rc = crm_store_dept_add(store, "sales", "company");
	if (rc == CRM_OK)
		rc = crm_store_dept_add(store, "east", "sales");
	return rc;
}

static int
add_bench_users(struct crm_store *store, int64_t now)
{
	char role[32];
	int i, rc;

	rc = crm_store_user_add(store, path_user[P_R1], "sales", NULL, now);
	if (rc == CRM_OK)
		rc = crm_store_role_grant(store, path_user[P_R1], "role00");
	if (rc == CRM_OK)
		rc = crm_store_user_add(store, path_user[P_R50], "east", NULL,
					now);
	for (i = 0; rc == CRM_OK && i < ROLES; i++) {
		xfmt(role, sizeof(role), "role%02d", i);
		rc = crm_store_role_grant(store, path_user[P_R50], role);
	}
	return rc;
}

static void
fill(struct sizeset *s)
{
	char key[PATH_MAX], marker[PATH_MAX + 16], err[2 * PATH_MAX + 256];
	char user[32], role[32];
	struct crm_common_opts common;
	struct crm_ctx *ctx = NULL;
	int64_t now = crm_now_ms();
	unsigned long i, fillers = s->users - 2;
	struct stat st;
	double t0;
	int rc;

	join(s->db, sizeof(s->db), s->dir, "crm.db");
	join(key, sizeof(key), s->dir, "pam_crm.key");
	join(marker, sizeof(marker), s->dir, "filled");
	write_file(s->conf, 0644,
		   "[global]\ndb = %s\nkeyfile = %s\ndurability = normal\n",
		   s->db, key);
	if (access(marker, F_OK) == 0 && access(s->db, F_OK) == 0) {
		s->fill_s = -1;
		s->db_bytes = stat(s->db, &st) == 0 ? st.st_size : -1;
		return;
	}
	unlink(s->db);
	unlink(key);
	t0 = now_s();
	/* As crmauth init does: a key, the schema, the key check value. */
	crm_store_close(create_database(s->db, key));

	crm_common_defaults(&common);
	xfmt(common.db, sizeof(common.db), "%s", s->db);
	xfmt(common.keyfile, sizeof(common.keyfile), "%s", key);
	common.durability = CRM_DURABILITY_NORMAL;
	if (crm_ctx_open(&common, NULL, &ctx, err, sizeof(err)) != CRM_OK)
		die("%s", err);
	rc = crm_store_begin(ctx->store, CRM_TXN_WRITE);
	if (rc == CRM_OK)
		rc = add_roles(ctx->store);
	if (rc == CRM_OK)
		rc = add_bench_users(ctx->store, now);
	if (rc == CRM_OK)
		rc = crm_store_commit(ctx->store);
	for (i = 0; rc == CRM_OK && i < fillers; i++) {
		if (i % FILL_BATCH == 0)
			rc = crm_store_begin(ctx->store, CRM_TXN_WRITE);
		xfmt(user, sizeof(user), "u%07lu", i);
		xfmt(role, sizeof(role), "role%02lu", i % ROLES);
		if (rc == CRM_OK)
			rc = crm_store_user_add(ctx->store, user, "sales",
						NULL, now);
		if (rc == CRM_OK)
			rc = crm_store_role_grant(ctx->store, user, role);
		if (rc == CRM_OK &&
		    (i % FILL_BATCH == FILL_BATCH - 1 || i + 1 == fillers))
			rc = crm_store_commit(ctx->store);
	}
	if (rc != CRM_OK) {
		crm_store_rollback(ctx->store);
		die("filling %s: %s: %s", s->db, crm_strerror(rc),
		    crm_store_errmsg(ctx->store));
	}
	crm_ctx_close(ctx);
	s->fill_s = now_s() - t0;
	s->db_bytes = stat(s->db, &st) == 0 ? st.st_size : -1;
	write_file(marker, 0644, "%lu\n", s->users);
}

/* ---- statistics and the measurement ---- */

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

#define CELLS_PER_SET	(K_COUNT * P_COUNT)

static void
measure(void)
{
	size_t slot[MAX_SIZES * CELLS_PER_SET];
	size_t nslots = opt.sizes * CELLS_PER_SET, u, j;
	unsigned long rounds = opt.warmup + opt.iters, r;
	double t0 = now_s();
	enum kind k;
	enum path p;

	for (u = 0; u < opt.sizes; u++)
		for (k = 0; k < K_COUNT; k++)
			for (p = 0; p < P_COUNT; p++) {
				sets[u].cells[k][p].samples =
					calloc(opt.iters, sizeof(double));
				if (sets[u].cells[k][p].samples == NULL)
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
			struct sizeset *s = &sets[slot[j] / CELLS_PER_SET];
			size_t cell = slot[j] % CELLS_PER_SET;
			struct cell *c;
			double us;

			k = (enum kind)(cell / P_COUNT);
			p = (enum path)(cell % P_COUNT);
			c = &s->cells[k][p];
			us = checked(s, k, p);
			if (c->runs++ >= opt.warmup)
				c->samples[c->n++] = us;
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
	double worst = 0;
	size_t u;
	enum kind k;
	enum path p;

	for (u = 0; u < opt.sizes; u++) {
		const struct sizeset *s = &sets[u];

		if (lo == NULL || s->users < lo->users)
			lo = s;
		if (hi == NULL || s->users > hi->users)
			hi = s;
		printf("\n== %lu users ==\n", s->users);
		printf("%-4s %-9s %-16s %6s %10s %10s %10s %9s\n", "path",
		       "stack", "module", "n", "median_us", "p90_us", "p99_us",
		       "module_us");
		for (p = 0; p < P_COUNT; p++) {
			const struct cell *base = &s->cells[K_BASE][p];
			const struct cell *crm = &s->cells[K_CRM][p];
			const struct cell *fl = &s->cells[K_FAILLOCK][p];

			for (k = 0; k < K_COUNT; k++) {
				const struct cell *c = &s->cells[k][p];

				printf("%-4s %-9s %-16s %6zu %10.1f %10.1f "
				       "%10.1f %9.1f\n", path_name[p],
				       kind_name[k], kind_module[k], c->n,
				       c->median, c->p90, c->p99,
				       c->median - base->median);
			}
			printf("RATIO %lu users, %s: crm/base median %.2f, "
			       "crm/faillock median %.2f (p99 %.2f)\n",
			       s->users, path_name[p],
			       crm->median / base->median,
			       crm->median / fl->median, crm->p99 / fl->p99);
		}
	}
	for (u = 0; u < opt.sizes; u++)
		printf("FILL %lu users: %s, database %.1f MB\n", sets[u].users,
		       sets[u].fill_s < 0 ? "reused" : "filled",
		       (double)sets[u].db_bytes / 1e6);
	if (lo == NULL || hi == NULL || hi->users == lo->users) {
		printf("RESULT flat in users: not measured (needs two sizes "
		       "in -U)\n");
		return;
	}
	for (p = 0; p < P_COUNT; p++) {
		double g = hi->cells[K_CRM][p].median /
			   lo->cells[K_CRM][p].median;

		printf("GROWTH crm %s: median %lu/%lu users = %.2f; base "
		       "%.2f (the noise floor)\n", path_name[p], hi->users,
		       lo->users, g, hi->cells[K_BASE][p].median /
		       lo->cells[K_BASE][p].median);
		if (g > worst)
			worst = g;
	}
	printf("RESULT flat in users: worst crm median %lu/%lu users = %.2f "
	       "(target <= 1.20): %s\n", hi->users, lo->users, worst,
	       worst <= 1.2 ? "MET" : "NOT MET");
}

/* ---- options ---- */

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: bench_role [options]\n"
"  -U LIST   user counts, comma separated, each 2 or more\n"
"            (default 1000,1000000; at most %d sizes)\n"
"  -n N      timed transactions per cell (default 2000)\n"
"  -w N      warm-up rounds (default 100)\n"
"  -b DIR    top build directory (default: the parent of bench/)\n"
"  -s DIR    Linux-PAM module directory\n"
"            (default /usr/lib/x86_64-linux-gnu/security)\n"
"  -t DIR    work directory, kept, fills reused\n"
"            (default: a fresh /var/tmp/crmrole.XXXXXX, removed)\n"
"  -k        keep the work directory\n"
"  -x SEED   seed of the order within each round\n", MAX_SIZES);
}

int
main(int argc, char **argv)
{
	char sizes_default[] = "1000,1000000";
	size_t u;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	opt.iters = 2000;
	opt.warmup = 100;
	opt.seed = 0x9e3779b97f4a7c15ULL;
	snprintf(opt.secdir, sizeof(opt.secdir),
		 "/usr/lib/x86_64-linux-gnu/security");
	opt.sizes = parse_ul_list(sizes_default, opt.users, MAX_SIZES, 2, "-U");
	while ((c = getopt(argc, argv, "U:n:w:b:s:t:kx:h")) != -1) {
		switch (c) {
		case 'U': opt.sizes = parse_ul_list(optarg, opt.users, MAX_SIZES, 2, "-U"); break;
		case 'n': opt.iters = parse_ul(optarg, "-n"); break;
		case 'w': opt.warmup = parse_ul(optarg, "-w"); break;
		case 'b': snprintf(opt.top, sizeof(opt.top), "%s", optarg); break;
		case 's': snprintf(opt.secdir, sizeof(opt.secdir), "%s", optarg); break;
		case 't':
			snprintf(opt.work, sizeof(opt.work), "%s", optarg);
			opt.work_given = opt.keep = 1;
			break;
		case 'k': opt.keep = 1; break;
		case 'x':
			opt.seed = parse_ul(optarg, "-x");
			if (opt.seed == 0)
				die("-x: a non-zero seed");
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || opt.iters < 1) {
		usage(stderr);
		return 2;
	}
	if (opt.top[0] == '\0')
		default_top(opt.top, sizeof(opt.top));
	need(opt.secdir, "pam_permit.so", "apt-get install libpam-modules");
	need(opt.secdir, "pam_faillock.so", "apt-get install libpam-modules");
	need(opt.top, "modules/pam_crm_role/.libs/pam_crm_role.so",
	     "build first, or -b");
	if (geteuid() != 0)
		die("run as root: the database and its key are root's");

	if (opt.work_given) {
		if (opt.work[0] != '/')
			die("-t: an absolute path, please");
		make_dir(opt.work, 0700);
	} else {
		const char *tmp = getenv("TMPDIR");

		snprintf(opt.work, sizeof(opt.work), "%s/crmrole.XXXXXX",
			 tmp != NULL && tmp[0] == '/' ? tmp : "/var/tmp");
		if (mkdtemp(opt.work) == NULL) {
			opt.work[0] = '\0';
			die("mkdtemp: %s", strerror(errno));
		}
		atexit(remove_work);
	}
	printf("bench_role: work dir %s; users %s (1 role) and %s (%d roles, "
	       "2 permissions each and a template of 2; department 3 deep); "
	       "pam_faillock as %s\n", opt.work, path_user[P_R1],
	       path_user[P_R50], ROLES, SYSTEM_USER);
	for (u = 0; u < opt.sizes; u++) {
		struct sizeset *s = &sets[u];
		char name[32];

		s->users = opt.users[u];
		xfmt(name, sizeof(name), "u%lu", s->users);
		join(s->dir, sizeof(s->dir), opt.work, name);
		join(s->pamd, sizeof(s->pamd), s->dir, "pam.d");
		join(s->conf, sizeof(s->conf), s->dir, "pam_crm.conf");
		make_dir(s->dir, 0700);
		fill(s);
		write_services(s);
		if (s->fill_s < 0)
			printf("%lu users: reused, database %.1f MB\n",
			       s->users, (double)s->db_bytes / 1e6);
		else
			printf("%lu users: filled in %.1f s, database %.1f MB\n",
			       s->users, s->fill_s, (double)s->db_bytes / 1e6);
	}
	measure();
	report();
	if (opt.keep)
		printf("work dir kept: %s\n", opt.work);
	return 0;
}
