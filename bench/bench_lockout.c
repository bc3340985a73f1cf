/*
 * bench_lockout.c - pam_crm_lockout side by side with pam_faillock.
 *
 * One process drives real PAM transactions through Linux-PAM's
 * pam_start_confdir() (no pam_wrapper, no preload) against service files
 * written into a private directory:
 *
 *   transaction = pam_start_confdir -> pam_set_item(PAM_RHOST)
 *                 -> pam_authenticate -> (pam_acct_mgmt on success)
 *                 -> pam_end
 *
 * Three stacks share every transaction's shape and its password check:
 *
 *   base      the password check alone (what both others add to)
 *   faillock  pam_faillock preauth / CHECK / authfail / authsucc; account
 *   crm       the same with pam_crm_lockout
 *   broker    the crm stack with broker=always: every decision (and, with
 *             yescrypt, the password) answered by one crm-authd that the
 *             benchmark starts, holding the database open
 *
 * CHECK is either cheap (pam_permit.so / pam_deny.so: the lockout
 * modules' own cost stands out) or real (pam_crm_passwd.so, yescrypt: the
 * same module in every stack).  Each is run on the success path and on the
 * failure path (the authfail write), against a database of 1,000 and one
 * of 1,000,000 users.  The stacks are interleaved round-robin: each
 * round runs every stack once, in an order shuffled anew per round, so
 * that machine noise hits all of them alike.  After each timed failure an untimed successful login on
 * the same stack clears the counters, so every timed failure starts from
 * the same state and no lock ever engages.
 *
 * libpamcrm is linked only to create the databases (crm_store_* and
 * crm_key_create and the key check value, never SQL); every measurement
 * goes through PAM.
 */
#include "autoconfig.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "core/clock.h"
#include "core/context.h"
#include "core/crm.h"
#include "core/crypto.h"
#include "core/hash.h"
#include "store/store.h"

#include "common.h"

#define GOOD_PASSWORD	"Bench-Good-Passw0rd!"
#define BAD_PASSWORD	"Bench-Wrong-Passw0rd?"
#define MAX_USER_COUNTS	8
#define HUGE_DENY	"1000000"

enum kind { K_BASE, K_FAILLOCK, K_CRM, K_BROKER, K_COUNT };
enum variant { V_CHEAP, V_PASSWD, V_COUNT };
enum path { P_GOOD, P_BAD, P_COUNT };

static const char *const kind_name[K_COUNT] = {
	"base", "faillock", "crm", "broker"
};
static const char *const variant_name[V_COUNT] = { "cheap", "passwd" };
static const char *const path_name[P_COUNT] = { "good", "bad" };

struct cell {
	double *samples;	/* microseconds */
	size_t n;
	double median, p90, p99, min;
};

struct dbset {
	unsigned long users;
	char dir[PATH_MAX];		/* <work>/u<users> */
	char pamd[PATH_MAX];		/* service files */
	char conf[PATH_MAX];		/* pam_crm.conf */
	double insert_s, close_s;	/* populating */
	int reused;
	struct cell cells[V_COUNT][P_COUNT][K_COUNT];
};

static struct {
	unsigned long iters[V_COUNT];
	unsigned long warmup[V_COUNT];
	int run_variant[V_COUNT];
	unsigned long users[MAX_USER_COUNTS];
	size_t user_counts;
	const char *user;
	const char *rhost;
	char top[PATH_MAX];
	char secdir[PATH_MAX];
	char work[PATH_MAX];
	int keep;
	int work_given;
	const char *csv;
	const char *profile;		/* -P: one service alone */
	const char *durability;		/* -D: pam_crm.conf durability= */
	char socket[PATH_MAX];		/* crm-authd's, for the broker stack */
	pid_t authd;
	uint64_t seed;			/* -x: the order of each round */
} opt;

static struct dbset dbs[MAX_USER_COUNTS];
static unsigned long delays_requested;
static char password_hash[CRM_HASH_MAX];

/* snprintf that refuses to truncate: a cut path would test something else. */

/* ---- PAM side ---- */

struct conv_data {
	const char *password;
};

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
     void *appdata)
{
	const struct conv_data *cd = appdata;
	struct pam_response *r;
	int i;

	r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			r[i].resp = strdup(cd->password);
			break;
		case PAM_PROMPT_ECHO_ON:
			r[i].resp = strdup(opt.user);
			break;
		default:	/* PAM_TEXT_INFO, PAM_ERROR_MSG: nothing to say */
			break;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

/* libpam calls this instead of sleeping; every stack asks for no delay,
 * so a non-zero request means a module ignored nodelay. */
static void
fail_delay(int retval, unsigned usec_delay, void *appdata)
{
	if (usec_delay > 0)
		delays_requested++;
}

struct txn_result {
	int auth_rc;
	int acct_rc;	/* -1 when not called */
};

/* One transaction; returns its duration in microseconds. */
static double
transaction(const char *confdir, const char *service, const char *password,
	    struct txn_result *res)
{
	struct conv_data cd = { password };
	struct pam_conv pc = { conv, &cd };
	pam_handle_t *pamh = NULL;
	struct timespec t0, t1;
	int rc;

	res->auth_rc = res->acct_rc = -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = pam_start_confdir(service, opt.user, &pc, confdir, &pamh);
	if (rc != PAM_SUCCESS)
		die("pam_start_confdir(%s, %s): %s", service, confdir,
		    pam_strerror(NULL, rc));
	if (pam_set_item(pamh, PAM_RHOST, opt.rhost) != PAM_SUCCESS ||
	    pam_set_item(pamh, PAM_FAIL_DELAY,
			 (const void *)(uintptr_t)fail_delay) != PAM_SUCCESS)
		die("pam_set_item failed");
	rc = pam_authenticate(pamh, 0);
	res->auth_rc = rc;
	if (rc == PAM_SUCCESS) {
		rc = pam_acct_mgmt(pamh, 0);
		res->acct_rc = rc;
	}
	pam_end(pamh, rc);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
}

static void
service_name(char *buf, size_t len, enum kind k, enum variant v, enum path p)
{
	snprintf(buf, len, "%s-%s-%s", kind_name[k], variant_name[v],
		 path_name[p]);
}

/* Run one transaction and insist on the outcome the path implies. */
static double
checked(const struct dbset *d, enum kind k, enum variant v, enum path p)
{
	char service[64];
	struct txn_result res;
	double us;

	service_name(service, sizeof(service), k, v, p);
	us = transaction(d->pamd, service,
			 p == P_GOOD ? GOOD_PASSWORD : BAD_PASSWORD, &res);
	if (p == P_GOOD &&
	    (res.auth_rc != PAM_SUCCESS || res.acct_rc != PAM_SUCCESS))
		die("%s (%lu users): expected success, got auth=%s acct=%s",
		    service, d->users, pam_strerror(NULL, res.auth_rc),
		    res.acct_rc < 0 ? "-" : pam_strerror(NULL, res.acct_rc));
	if (p == P_BAD && res.auth_rc != PAM_AUTH_ERR)
		die("%s (%lu users): expected PAM_AUTH_ERR, got %s", service,
		    d->users, pam_strerror(NULL, res.auth_rc));
	return us;
}

/* Clear the failure counters of one stack with a successful login. */
static void
reset_counters(const struct dbset *d, enum kind k)
{
	if (k != K_BASE)
		checked(d, k, V_CHEAP, P_GOOD);
}

/* ---- files ---- */

/* The work directory goes at exit, after die() too, unless kept. */
static void
remove_work(void)
{
	if (opt.keep || opt.work[0] == '\0')
		return;
	if (remove_tree(opt.work) != 0)
		fprintf(stderr, "bench_lockout: could not remove %s\n",
			opt.work);
}

/*
 * The check under test, as the second auth line.  For the cheap variant
 * it is a constant; for passwd it is pam_crm_passwd against this set's
 * database (the conversation supplies the good or the wrong password).
 */
static void
check_line(char *buf, size_t len, const struct dbset *d, enum variant v,
	   enum path p)
{
	if (v == V_CHEAP)
		xfmt(buf, len, "%s/%s", opt.secdir,
		     p == P_GOOD ? "pam_permit.so" : "pam_deny.so");
	else
		xfmt(buf, len,
			 "%s/modules/pam_crm_passwd/.libs/pam_crm_passwd.so "
			 "conf=%s", opt.top, d->conf);
}

/* The same check through crm-authd. */
static void
check_line_broker(char *buf, size_t len, const struct dbset *d,
		  enum variant v, enum path p)
{
	char plain[2 * PATH_MAX];

	check_line(plain, sizeof(plain), d, v, p);
	if (v == V_CHEAP)
		xfmt(buf, len, "%s", plain);
	else
		xfmt(buf, len, "%s broker=always broker_socket=%s", plain,
		     opt.socket);
}

/*
 * The faillock-style stack, one template for both lockout modules, so
 * that the two stacks compared can never drift apart.
 */
static void
write_lockout_stack(const char *path, const char *module,
		    const char *auth_opts, const char *check,
		    const char *account_opts)
{
	write_file(path, 0644,
		   "auth required %1$s preauth %2$s\n"
		   "auth [success=1 default=bad] %3$s\n"
		   "auth [default=die] %1$s authfail %2$s\n"
		   "auth sufficient %1$s authsucc %2$s\n"
		   "auth required %4$s/pam_deny.so\n"
		   "account required %1$s %5$s\n",
		   module, auth_opts, check, opt.secdir, account_opts);
}

/* Service files for one database set (deny is huge except for sanity). */
static void
write_services(const struct dbset *d, const char *deny)
{
	char path[PATH_MAX + 64], service[64], check[2 * PATH_MAX];
	char fl[PATH_MAX], crm[PATH_MAX], fldir[PATH_MAX], flconf[PATH_MAX];
	char flopts[3 * PATH_MAX], crmopts[2 * PATH_MAX];
	char flacct[3 * PATH_MAX], crmacct[2 * PATH_MAX];
	char bropts[4 * PATH_MAX], bracct[4 * PATH_MAX];
	char brcheck[4 * PATH_MAX];
	enum variant v;
	enum path p;

	xfmt(fl, sizeof(fl), "%s/pam_faillock.so", opt.secdir);
	xfmt(crm, sizeof(crm),
	     "%s/modules/pam_crm_lockout/.libs/pam_crm_lockout.so", opt.top);
	join(fldir, sizeof(fldir), d->dir, "faillock");
	join(flconf, sizeof(flconf), d->dir, "faillock.conf");
	xfmt(flopts, sizeof(flopts), "dir=%s conf=%s deny=%s silent nodelay",
	     fldir, flconf, deny);
	xfmt(crmopts, sizeof(crmopts), "conf=%s deny=%s silent nodelay",
	     d->conf, deny);
	xfmt(flacct, sizeof(flacct), "dir=%s conf=%s", fldir, flconf);
	xfmt(crmacct, sizeof(crmacct), "conf=%s silent", d->conf);
	xfmt(bropts, sizeof(bropts), "%s broker=always broker_socket=%s",
	     crmopts, opt.socket);
	xfmt(bracct, sizeof(bracct), "%s broker=always broker_socket=%s",
	     crmacct, opt.socket);

	make_dir(d->pamd, 0755);
	make_dir(fldir, 0755);
	/* Our own (empty) faillock.conf: the host's must not matter. */
	write_file(flconf, 0644, "# bench_lockout: options are arguments\n");

	join(path, sizeof(path), d->pamd, "other");
	write_file(path, 0644,
		   "auth required %1$s/pam_deny.so\n"
		   "account required %1$s/pam_deny.so\n"
		   "password required %1$s/pam_deny.so\n"
		   "session required %1$s/pam_deny.so\n", opt.secdir);

	for (v = 0; v < V_COUNT; v++) {
		for (p = 0; p < P_COUNT; p++) {
			check_line(check, sizeof(check), d, v, p);

			service_name(service, sizeof(service), K_BASE, v, p);
			join(path, sizeof(path), d->pamd, service);
			write_file(path, 0644,
				   "auth required %s\n"
				   "account required %s/pam_permit.so\n",
				   check, opt.secdir);

			service_name(service, sizeof(service), K_FAILLOCK, v,
				     p);
			join(path, sizeof(path), d->pamd, service);
			write_lockout_stack(path, fl, flopts, check, flacct);

			service_name(service, sizeof(service), K_CRM, v, p);
			join(path, sizeof(path), d->pamd, service);
			write_lockout_stack(path, crm, crmopts, check, crmacct);

			check_line_broker(brcheck, sizeof(brcheck), d, v, p);
			service_name(service, sizeof(service), K_BROKER, v, p);
			join(path, sizeof(path), d->pamd, service);
			write_lockout_stack(path, crm, bropts, brcheck, bracct);
		}
	}
}

/* ---- the databases, through the store API ---- */

static void
populate(struct dbset *d)
{
	char db[PATH_MAX], key[PATH_MAX], marker[PATH_MAX];
	char name[CRM_NAME_MAX];
	struct crm_store *store = NULL;
	int64_t now = crm_now_ms();
	unsigned long i;
	double t0, t1, t2;
	int rc;

	join(db, sizeof(db), d->dir, "crm.db");
	join(key, sizeof(key), d->dir, "pam_crm.key");
	join(marker, sizeof(marker), d->dir, "populated");
	make_dir(d->dir, 0755);
	write_file(d->conf, 0644,
		   "[global]\ndb = %s\nkeyfile = %s\ndurability = %s\n\n"
		   "[lockout]\nnodelay = yes\n", db, key, opt.durability);

	if (access(marker, F_OK) == 0 && access(db, F_OK) == 0 &&
	    access(key, F_OK) == 0) {
		d->reused = 1;
		return;
	}
	/* A fresh start: nothing of an earlier run may remain. */
	for (i = 0; i < 4; i++) {
		static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
		char p[PATH_MAX + 16];

		snprintf(p, sizeof(p), "%s%s", db, suffix[i]);
		unlink(p);
	}
	unlink(key);

	/* As crmauth init does: a key, the schema, the key check value. */
	store = create_database(db, key);

	t0 = now_s();
	rc = crm_store_begin(store, CRM_TXN_WRITE);
	if (rc == CRM_OK)
		rc = crm_store_user_add(store, opt.user, NULL, password_hash,
					now);
	for (i = 1; rc == CRM_OK && i < d->users; i++) {
		snprintf(name, sizeof(name), "bench%07lu", i);
		rc = crm_store_user_add(store, name, NULL, password_hash, now);
	}
	if (rc == CRM_OK)
		rc = crm_store_commit(store);
	else
		crm_store_rollback(store);
	if (rc != CRM_OK)
		die("populating %s: %s: %s", db, crm_strerror(rc),
		    crm_store_errmsg(store));
	t1 = now_s();
	crm_store_close(store);	/* the last checkpoint, the WAL removed */
	t2 = now_s();
	d->insert_s = t1 - t0;
	d->close_s = t2 - t1;
	write_file(marker, 0644, "%lu\n", d->users);
}

/* ---- sanity: both lockout stacks really count and lock ---- */

static void
sanity(void)
{
	struct dbset s;
	struct txn_result res;
	char service[64];
	enum kind k;
	enum path seq[] = { P_GOOD, P_BAD, P_BAD, P_GOOD };
	size_t i;
	int ok[K_COUNT] = { 0 };

	memset(&s, 0, sizeof(s));
	s.users = 1;
	join(s.dir, sizeof(s.dir), opt.work, "sanity");
	join(s.pamd, sizeof(s.pamd), s.dir, "pam.d");
	join(s.conf, sizeof(s.conf), s.dir, "pam_crm.conf");
	if (access(s.dir, F_OK) == 0 && remove_tree(s.dir) != 0)
		die("cannot clear %s", s.dir);
	populate(&s);
	write_services(&s, "2");

	for (k = K_FAILLOCK; k <= K_BROKER; k++) {
		/* The crm and broker stacks share one database: the broker
		 * starts from a fresh one, not from crm's lock. */
		if (k == K_BROKER) {
			if (remove_tree(s.dir) != 0)
				die("cannot clear %s", s.dir);
			populate(&s);
			write_services(&s, "2");
		}
		for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
			service_name(service, sizeof(service), k, V_CHEAP,
				     seq[i]);
			transaction(s.pamd, service,
				    seq[i] == P_GOOD ? GOOD_PASSWORD
						     : BAD_PASSWORD, &res);
			if (i == 0 && res.auth_rc != PAM_SUCCESS)
				break;
			if ((i == 1 || i == 2) && res.auth_rc != PAM_AUTH_ERR)
				break;
			if (i == 3 && res.auth_rc != PAM_SUCCESS)
				ok[k] = 1;	/* locked after deny=2 */
		}
	}
	printf("sanity (deny=2): a good password after 2 failures is refused:"
	       " faillock %s, pam_crm_lockout %s, through crm-authd %s\n",
	       ok[K_FAILLOCK] ? "yes" : "NO", ok[K_CRM] ? "yes" : "NO",
	       ok[K_BROKER] ? "yes" : "NO");
	if (!ok[K_FAILLOCK] || !ok[K_CRM] || !ok[K_BROKER])
		die("a lockout stack does not lock: the numbers would mean "
		    "nothing");
}

/* ---- statistics ---- */

static void
summarize(struct cell *c)
{
	struct sample_stats st;

	if (c->n == 0)
		return;
	sample_stats(c->samples, c->n, &st);
	c->min = st.min;
	c->median = st.median;
	c->p90 = st.p90;
	c->p99 = st.p99;
}

/* ---- the measurement ---- */

static void
run_variant(enum variant v)
{
	unsigned long it, total = opt.warmup[v] + opt.iters[v];
	size_t slot[MAX_USER_COUNTS * P_COUNT * K_COUNT];
	size_t u, j, nslots;
	enum path p;
	enum kind k;
	double t0 = now_s();

	for (u = 0; u < opt.user_counts; u++)
		for (p = 0; p < P_COUNT; p++)
			for (k = 0; k < K_COUNT; k++) {
				struct cell *c = &dbs[u].cells[v][p][k];

				c->samples = calloc(opt.iters[v],
						    sizeof(*c->samples));
				if (c->samples == NULL)
					die("out of memory");
			}

	/* One round runs every stack of every path and database once, in
	 * an order shuffled anew each round, so that neither machine noise
	 * nor the position in the round (after a failure's fsync, say)
	 * favours one stack. */
	nslots = opt.user_counts * P_COUNT * K_COUNT;
	for (j = 0; j < nslots; j++)
		slot[j] = j;
	for (it = 0; it < total; it++) {
		int timed = it >= opt.warmup[v];

		for (j = nslots - 1; j > 0; j--) {
			size_t r = (size_t)(next_random(&opt.seed) % (j + 1));
			size_t t = slot[j];

			slot[j] = slot[r];
			slot[r] = t;
		}
		for (j = 0; j < nslots; j++) {
			struct cell *c;
			double us;

			u = slot[j] / (P_COUNT * K_COUNT);
			p = (enum path)(slot[j] / K_COUNT % P_COUNT);
			k = (enum kind)(slot[j] % K_COUNT);
			c = &dbs[u].cells[v][p][k];
			us = checked(&dbs[u], k, v, p);
			if (timed)
				c->samples[c->n++] = us;
			if (p == P_BAD)
				reset_counters(&dbs[u], k);
		}
	}
	for (u = 0; u < opt.user_counts; u++)
		for (p = 0; p < P_COUNT; p++)
			for (k = 0; k < K_COUNT; k++)
				summarize(&dbs[u].cells[v][p][k]);
	printf("variant %s: %lu warm-up + %lu timed iterations in %.1f s\n",
	       variant_name[v], opt.warmup[v], opt.iters[v], now_s() - t0);
}

static void
print_variant(enum variant v)
{
	size_t u;
	enum path p;
	enum kind k;
	double worst_med = 0, worst_p99 = 0, worst_path[P_COUNT] = { 0 };
	const char *worst_where_path = "", *worst_where_p99 = "";
	unsigned long worst_users = 0, worst_users_p99 = 0;
	/* The targets without a password check (crm/faillock,
	 * median): the direct path; with yescrypt in both stacks, 1.5. */
	const double target[V_COUNT][P_COUNT] = {
		[V_CHEAP] = { [P_GOOD] = 2.0, [P_BAD] = 3.5 },
		[V_PASSWD] = { [P_GOOD] = 1.5, [P_BAD] = 1.5 },
	};
	int met = 1;

	printf("\n== %s: CHECK = %s ==\n", variant_name[v],
	       v == V_CHEAP ? "pam_permit.so (good) / pam_deny.so (bad)"
			    : "pam_crm_passwd.so (yescrypt) in every stack");
	printf("durability=%s\n", opt.durability);
	printf("%-5s %9s %-9s %10s %10s %10s %9s %9s %9s %12s\n", "path",
	       "users", "stack", "median_us", "p90_us", "p99_us", "ratio_med",
	       "ratio_p99", "vs_base", "module_us");
	for (p = 0; p < P_COUNT; p++) {
		for (u = 0; u < opt.user_counts; u++) {
			const struct cell *b = &dbs[u].cells[v][p][K_BASE];
			const struct cell *f = &dbs[u].cells[v][p][K_FAILLOCK];
			const struct cell *c = &dbs[u].cells[v][p][K_CRM];

			for (k = 0; k < K_COUNT; k++) {
				const struct cell *x = &dbs[u].cells[v][p][k];
				char rm[16] = "", r99[16] = "", own[32] = "";
				char vb[16] = "";

				if (k == K_CRM || k == K_BROKER) {
					snprintf(rm, sizeof(rm), "%.2f",
						 x->median / f->median);
					snprintf(r99, sizeof(r99), "%.2f",
						 x->p99 / f->p99);
				}
				if (k != K_BASE) {
					snprintf(own, sizeof(own), "%.1f",
						 x->median - b->median);
					snprintf(vb, sizeof(vb), "%.2f",
						 x->median / b->median);
				}
				printf("%-5s %9lu %-9s %10.1f %10.1f %10.1f "
				       "%9s %9s %9s %12s\n", path_name[p],
				       dbs[u].users, kind_name[k], x->median,
				       x->p90, x->p99, rm, r99, vb, own);
			}
			if (c->median / f->median > worst_path[p])
				worst_path[p] = c->median / f->median;
			if (c->median / f->median > worst_med) {
				worst_med = c->median / f->median;
				worst_where_path = path_name[p];
				worst_users = dbs[u].users;
			}
			if (c->p99 / f->p99 > worst_p99) {
				worst_p99 = c->p99 / f->p99;
				worst_where_p99 = path_name[p];
				worst_users_p99 = dbs[u].users;
			}
		}
	}
	printf("module_us = stack median - base median (the lockout modules' "
	       "own cost per transaction); vs_base = stack median / base "
	       "median (base: the check alone, no lockout module)\n");
	if (v == V_PASSWD)
		printf("(passwd: module_us is within yescrypt's jitter; in the "
		       "crm stack pam_crm_lockout and pam_crm_passwd share one "
		       "database connection, in the faillock stack "
		       "pam_crm_passwd opens it alone)\n");
	for (p = 0; p < P_COUNT && v == V_CHEAP; p++) {
		for (u = 0; u < opt.user_counts; u++) {
			const struct cell *b = &dbs[u].cells[v][p][K_BASE];
			const struct cell *f = &dbs[u].cells[v][p][K_FAILLOCK];
			const struct cell *c = &dbs[u].cells[v][p][K_CRM];

			printf("module cost ratio %s %s %lu users: "
			       "crm %.1f us / faillock %.1f us = %.2f\n",
			       variant_name[v], path_name[p], dbs[u].users,
			       c->median - b->median, f->median - b->median,
			       (c->median - b->median) /
				       (f->median - b->median));
		}
	}
	if (opt.user_counts > 1) {
		const size_t lo = 0, hi = opt.user_counts - 1;

		for (p = 0; p < P_COUNT; p++) {
			const struct cell *cl = &dbs[lo].cells[v][p][K_CRM];
			const struct cell *ch = &dbs[hi].cells[v][p][K_CRM];
			const struct cell *fl = &dbs[lo].cells[v][p][K_FAILLOCK];
			const struct cell *fh = &dbs[hi].cells[v][p][K_FAILLOCK];

			printf("GROWTH %s %s: crm median %lu/%lu users = %.2f "
			       "(p99 %.2f); faillock, same db sizes, %.2f "
			       "(noise floor)\n", variant_name[v],
			       path_name[p], dbs[hi].users, dbs[lo].users,
			       ch->median / cl->median, ch->p99 / cl->p99,
			       fh->median / fl->median);
		}
	}
	for (p = 0; p < P_COUNT; p++)
		if (worst_path[p] > target[v][p])
			met = 0;
	printf("RESULT %s durability=%s: worst crm/faillock median ratio "
	       "%.2f (%s, %lu users), worst p99 ratio %.2f (%s, %lu users); "
	       "worst median good %.2f (target <= %.1f), bad %.2f (target "
	       "<= %.1f): %s\n", variant_name[v], opt.durability, worst_med,
	       worst_where_path, worst_users, worst_p99, worst_where_p99,
	       worst_users_p99, worst_path[P_GOOD], target[v][P_GOOD],
	       worst_path[P_BAD], target[v][P_BAD], met ? "MET" : "NOT MET");
	{
		/* crm-authd's targets (the broker issue): 1.5 good, 2.0
		 * bad, against faillock's stack. */
		const double btarget[P_COUNT] = { [P_GOOD] = 1.5,
						  [P_BAD] = 2.0 };
		double bworst[P_COUNT] = { 0 };

		for (p = 0; p < P_COUNT; p++)
			for (u = 0; u < opt.user_counts; u++) {
				const struct cell *f =
					&dbs[u].cells[v][p][K_FAILLOCK];
				const struct cell *x =
					&dbs[u].cells[v][p][K_BROKER];

				if (x->median / f->median > bworst[p])
					bworst[p] = x->median / f->median;
			}
		printf("RESULT %s broker: worst broker/faillock median good "
		       "%.2f (target <= %.1f), bad %.2f (target <= %.1f): %s\n",
		       variant_name[v], bworst[P_GOOD], btarget[P_GOOD],
		       bworst[P_BAD], btarget[P_BAD],
		       bworst[P_GOOD] <= btarget[P_GOOD] &&
		       bworst[P_BAD] <= btarget[P_BAD] ? "MET" : "NOT MET");
	}
}

/* crm-authd for the broker stack: as root its callers are trusted, so
 * each service's conf= names its own database. */
static void
stop_authd(void)
{
	int status;

	if (opt.authd > 0) {
		kill(opt.authd, SIGTERM);
		waitpid(opt.authd, &status, 0);
		opt.authd = 0;
	}
}

static void
start_authd(void)
{
	char bin[PATH_MAX], dir[PATH_MAX], conf[PATH_MAX];
	struct stat st;
	int i;

	xfmt(bin, sizeof(bin), "%s/tools/crm-authd/crm-authd", opt.top);
	if (access(bin, X_OK) != 0)
		die("%s: %s (build first)", bin, strerror(errno));
	join(dir, sizeof(dir), opt.work, "run");
	make_dir(dir, 0755);
	join(opt.socket, sizeof(opt.socket), dir, "authd.sock");
	join(conf, sizeof(conf), opt.work, "authd.conf");
	write_file(conf, 0644, "# bench_lockout: its callers name their own\n");
	opt.authd = fork();
	if (opt.authd < 0)
		die("fork: %s", strerror(errno));
	if (opt.authd == 0) {
		execl(bin, bin, "--socket", opt.socket, "--conf", conf,
		      (char *)NULL);
		_exit(127);
	}
	atexit(stop_authd);
	for (i = 0; i < 500; i++) {
		if (lstat(opt.socket, &st) == 0 && S_ISSOCK(st.st_mode))
			return;
		usleep(10000);
	}
	die("crm-authd made no socket at %s", opt.socket);
}

static void
write_csv(void)
{
	FILE *fp;
	size_t u, i;
	int v, p, k;

	fp = fopen(opt.csv, "w");
	if (fp == NULL)
		die("%s: %s", opt.csv, strerror(errno));
	fprintf(fp, "variant,path,users,stack,sample,us\n");
	for (v = 0; v < V_COUNT; v++)
		for (u = 0; u < opt.user_counts; u++)
			for (p = 0; p < P_COUNT; p++)
				for (k = 0; k < K_COUNT; k++) {
					const struct cell *c =
						&dbs[u].cells[v][p][k];

					for (i = 0; i < c->n; i++)
						fprintf(fp, "%s,%s,%lu,%s,%zu,"
							"%.2f\n",
							variant_name[v],
							path_name[p],
							dbs[u].users,
							kind_name[k], i,
							c->samples[i]);
				}
	if (fclose(fp) != 0)
		die("%s: %s", opt.csv, strerror(errno));
}

/*
 * -P SERVICE: run one stack alone, for perf/callgrind/strace.  A failure
 * path clears its counters every 100 transactions (not after each), so
 * that the profile is almost all the transaction under study.
 */
static void
run_profile(void)
{
	struct dbset *d = &dbs[0];
	struct cell c = { 0 };
	enum kind k;
	enum variant v;
	enum path p;
	char service[64];
	unsigned long it, total = opt.warmup[V_CHEAP] + opt.iters[V_CHEAP];
	int found = 0;

	for (k = 0; k < K_COUNT && !found; k++)
		for (v = 0; v < V_COUNT && !found; v++)
			for (p = 0; p < P_COUNT && !found; p++) {
				service_name(service, sizeof(service), k, v, p);
				found = strcmp(service, opt.profile) == 0;
			}
	if (!found)
		die("-P: no service %s (KIND-VARIANT-PATH: base|faillock|crm, "
		    "cheap|passwd, good|bad)", opt.profile);
	k--, v--, p--;
	c.samples = calloc(opt.iters[V_CHEAP], sizeof(*c.samples));
	if (c.samples == NULL)
		die("out of memory");
	for (it = 0; it < total; it++) {
		double us = checked(d, k, v, p);

		if (it >= opt.warmup[V_CHEAP])
			c.samples[c.n++] = us;
		if (p == P_BAD && it % 100 == 99)
			reset_counters(d, k);
	}
	summarize(&c);
	printf("profile %s, %lu users: %zu transactions, median %.1f us, "
	       "p90 %.1f us, p99 %.1f us\n", opt.profile, d->users, c.n,
	       c.median, c.p90, c.p99);
	free(c.samples);
}

/* ---- options ---- */

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: bench_lockout [options]\n"
"  -n N      timed iterations, cheap check (default 2000)\n"
"  -N N      timed iterations, pam_crm_passwd check (default 200)\n"
"  -w N      warm-up iterations, cheap (default 200; passwd: N/10, >= 5)\n"
"  -u LIST   user counts in the database, comma separated\n"
"            (default 1000,1000000; at most %d)\n"
"  -V LIST   variants: cheap,passwd (default both)\n"
"  -U NAME   the benchmark user; must exist in /etc/passwd (crmbench)\n"
"  -r ADDR   PAM_RHOST (default 192.0.2.10)\n"
"  -b DIR    top build directory (default: the parent of bench/)\n"
"  -s DIR    Linux-PAM module directory\n"
"            (default /usr/lib/x86_64-linux-gnu/security)\n"
"  -t DIR    work directory; kept, and databases found there reused\n"
"            (default: a fresh /var/tmp/crmbench.XXXXXX, removed)\n"
"  -k        keep the work directory\n"
"  -o FILE   write every sample as CSV\n"
"  -x SEED   seed of the order of the stacks within each round\n"
"  -D MODE   durability= of pam_crm.conf: normal (default) or full\n"
"  -P NAME   profile mode: run only service NAME (KIND-VARIANT-PATH, e.g.\n"
"            crm-cheap-bad) -w + -n times on the first -u count, no\n"
"            comparison; for perf record / valgrind --tool=callgrind\n",
	MAX_USER_COUNTS);
}

static void
parse_users(char *list)
{
	char *tok, *save = NULL;

	opt.user_counts = 0;
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (opt.user_counts == MAX_USER_COUNTS)
			die("-u: at most %d counts", MAX_USER_COUNTS);
		opt.users[opt.user_counts] = parse_ul(tok, "-u");
		if (opt.users[opt.user_counts] < 1)
			die("-u: at least one user");
		opt.user_counts++;
	}
	if (opt.user_counts == 0)
		die("-u: empty list");
}

static void
parse_variants(char *list)
{
	char *tok, *save = NULL;

	opt.run_variant[V_CHEAP] = opt.run_variant[V_PASSWD] = 0;
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "cheap") == 0)
			opt.run_variant[V_CHEAP] = 1;
		else if (strcmp(tok, "passwd") == 0)
			opt.run_variant[V_PASSWD] = 1;
		else
			die("-V: unknown variant %s", tok);
	}
}

int
main(int argc, char **argv)
{
	char users_default[] = "1000,1000000";
	char path[PATH_MAX + 128];
	int c;
	size_t u;
	enum variant v;

	setvbuf(stdout, NULL, _IOLBF, 0);
	opt.iters[V_CHEAP] = 2000;
	opt.iters[V_PASSWD] = 200;
	opt.warmup[V_CHEAP] = 200;
	opt.run_variant[V_CHEAP] = opt.run_variant[V_PASSWD] = 1;
	opt.user = "crmbench";
	opt.rhost = "192.0.2.10";
	opt.durability = "normal";
	opt.seed = 0x9e3779b97f4a7c15ULL;
	snprintf(opt.secdir, sizeof(opt.secdir),
		 "/usr/lib/x86_64-linux-gnu/security");
	parse_users(users_default);

	while ((c = getopt(argc, argv, "n:N:w:u:V:U:r:b:s:t:ko:P:x:D:h")) != -1) {
		switch (c) {
		case 'n': opt.iters[V_CHEAP] = parse_ul(optarg, "-n"); break;
		case 'N': opt.iters[V_PASSWD] = parse_ul(optarg, "-N"); break;
		case 'w':
			opt.warmup[V_CHEAP] = parse_ul(optarg, "-w");
			break;
		case 'u': parse_users(optarg); break;
		case 'V': parse_variants(optarg); break;
		case 'U': opt.user = optarg; break;
		case 'r': opt.rhost = optarg; break;
		case 'b': snprintf(opt.top, sizeof(opt.top), "%s", optarg); break;
		case 's': snprintf(opt.secdir, sizeof(opt.secdir), "%s", optarg); break;
		case 't':
			snprintf(opt.work, sizeof(opt.work), "%s", optarg);
			opt.work_given = 1;
			opt.keep = 1;
			break;
		case 'k': opt.keep = 1; break;
		case 'D':
			if (strcmp(optarg, "normal") != 0 &&
			    strcmp(optarg, "full") != 0)
				die("-D: normal or full");
			opt.durability = optarg;
			break;
		case 'o': opt.csv = optarg; break;
		case 'P': opt.profile = optarg; break;
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
	opt.warmup[V_PASSWD] = opt.iters[V_PASSWD] / 10 < 5
				       ? 5 : opt.iters[V_PASSWD] / 10;
	if (opt.iters[V_CHEAP] < 1 || opt.iters[V_PASSWD] < 1)
		die("-n/-N: at least one iteration");
	if (opt.top[0] == '\0')
		default_top(opt.top, sizeof(opt.top));

	/* Everything the stacks name must be there. */
	snprintf(path, sizeof(path), "%s/pam_faillock.so", opt.secdir);
	if (access(path, R_OK) != 0)
		die("%s: %s (apt-get install libpam-modules)", path,
		    strerror(errno));
	snprintf(path, sizeof(path),
		 "%s/modules/pam_crm_lockout/.libs/pam_crm_lockout.so",
		 opt.top);
	if (access(path, R_OK) != 0)
		die("%s: %s (build first, or -b)", path, strerror(errno));
	snprintf(path, sizeof(path),
		 "%s/modules/pam_crm_passwd/.libs/pam_crm_passwd.so", opt.top);
	if (access(path, R_OK) != 0)
		die("%s: %s (build first, or -b)", path, strerror(errno));
	if (getpwnam(opt.user) == NULL)
		die("user %s is not in the passwd database: pam_faillock "
		    "needs it (bench/run-bench.sh creates it: useradd -M -s "
		    "/usr/sbin/nologin %s)", opt.user, opt.user);

	if (opt.work_given) {
		if (opt.work[0] != '/')
			die("-t: an absolute path, please");
		make_dir(opt.work, 0755);
	} else {
		const char *tmp = getenv("TMPDIR");

		snprintf(opt.work, sizeof(opt.work), "%s/crmbench.XXXXXX",
			 tmp != NULL && tmp[0] == '/' ? tmp : "/var/tmp");
		if (mkdtemp(opt.work) == NULL) {
			opt.work[0] = '\0';
			die("mkdtemp: %s", strerror(errno));
		}
		atexit(remove_work);
	}
	printf("bench_lockout: user %s, rhost %s, work dir %s\n", opt.user,
	       opt.rhost, opt.work);
	printf("modules: %s/modules/*/.libs, %s\n", opt.top, opt.secdir);

	{
		double t0 = now_s();

		if (crm_hash_password(GOOD_PASSWORD, password_hash,
				      sizeof(password_hash)) != CRM_OK)
			die("crm_hash_password failed");
		printf("one yescrypt hash (crm_hash_password): %.1f ms\n",
		       (now_s() - t0) * 1e3);
	}

	start_authd();
	if (opt.profile != NULL)
		opt.user_counts = 1;	/* the first count alone */
	else
		sanity();

	for (u = 0; u < opt.user_counts; u++) {
		struct dbset *d = &dbs[u];
		char name[32];

		d->users = opt.users[u];
		snprintf(name, sizeof(name), "u%lu", d->users);
		join(d->dir, sizeof(d->dir), opt.work, name);
		join(d->pamd, sizeof(d->pamd), d->dir, "pam.d");
		join(d->conf, sizeof(d->conf), d->dir, "pam_crm.conf");
		populate(d);
		write_services(d, HUGE_DENY);
		if (d->reused)
			printf("database %lu users: reused %s\n", d->users,
			       d->dir);
		else
			printf("database %lu users: %lu crm_store_user_add in "
			       "one transaction, commit included, %.2f s (%.0f "
			       "rows/s); close %.2f s\n", d->users, d->users,
			       d->insert_s, (double)d->users / d->insert_s,
			       d->close_s);
		/* Start every stack from clean counters. */
		reset_counters(d, K_FAILLOCK);
		reset_counters(d, K_CRM);
		reset_counters(d, K_BROKER);
	}

	if (opt.profile != NULL) {
		run_profile();
		goto out;
	}
	for (v = 0; v < V_COUNT; v++)
		if (opt.run_variant[v])
			run_variant(v);
	for (v = 0; v < V_COUNT; v++)
		if (opt.run_variant[v])
			print_variant(v);
	if (delays_requested > 0)
		printf("WARNING: modules asked for a fail delay %lu times "
		       "(nodelay ignored?); libpam did not sleep\n",
		       delays_requested);
	if (opt.csv != NULL)
		write_csv();
out:

	if (opt.keep)
		printf("work dir kept: %s\n", opt.work);
	return 0;	/* remove_work() runs at exit */
}
