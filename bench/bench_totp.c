/*
 * bench_totp.c - a successful TOTP login through pam_crm_totp, side by
 * side with pam_oath (libpam-oath) and pam_google_authenticator
 * (google-authenticator-libpam), at 1, 1,000, 100,000 and 1,000,000
 * enrolled users.
 *
 * One process drives real PAM transactions through Linux-PAM's
 * pam_start_confdir() against service files written into a private
 * directory:
 *
 *   transaction = pam_start_confdir -> pam_set_item(PAM_RHOST)
 *                 -> pam_authenticate -> (pam_acct_mgmt on success)
 *                 -> pam_end
 *
 * Four stacks per database size share the password step (pam_permit.so,
 * so that only the TOTP module differs) and the account step
 * (pam_permit.so):
 *
 *   base    the password step alone (PAM's own cost, the floor)
 *   crm     + pam_crm_totp against a database of N enrolled users
 *   oath    + pam_oath against a usersfile of N lines (rewritten on
 *           every success: the replay record)
 *   ga      + pam_google_authenticator, one state file per user
 *           (N directories <work>/u<N>/ga/<user>/), DISALLOW_REUSE on
 *
 * Replay: all three TOTP modules refuse a second login with a time step
 * already used, so a benchmark doing thousands of logins per 30 s would be
 * refused.  The program re-executes itself under libfaketime
 * (FAKETIME_NO_CACHE=1, FAKETIME_DONT_FAKE_MONOTONIC=1: the timing clock
 * stays real) and moves the frozen fake clock 30 s forward before every
 * transaction, the same for every stack; the conversation answers with the
 * code of that step (liboath, as an authenticator app computes it).  Every
 * transaction must return PAM_SUCCESS, or the run stops: a failing stack
 * would look fast.  Before measuring, a sanity pass checks that each TOTP
 * stack refuses a wrong code and a replayed one.
 *
 * The stacks and the sizes are interleaved round-robin: each round runs
 * every (size, stack) cell once, in an order shuffled anew per round; the
 * slow pam_oath cells at large sizes take part in an evenly spread subset
 * of the rounds (-O).
 *
 * libpamcrm is linked only to create the databases (crm_store_user_add,
 * crm_totp_import_seed, never SQL); every measurement goes through PAM.
 */
#include "autoconfig.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <liboath/oath.h>
#include <security/pam_appl.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/context.h"
#include "core/crm.h"
#include "core/crypto.h"
#include "decide/totp.h"
#include "store/store.h"

#include "common.h"

#define MAX_SIZES	8
#define SEED_LEN	20		/* SHA1, as an app's default */
#define DIGITS		6
#define PERIOD		30
/* 2027-01-01 00:00:10 UTC: the fake clock's start (ten seconds into a
 * step), moved PERIOD seconds forward before every transaction. */
#define FAKE_T0		1798761610L
#define FAKETIME_LIB	"/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
#define REEXEC_MARK	"BENCH_TOTP_UNDER_FAKETIME"
/* Users per write transaction when filling the crm database. */
#define FILL_BATCH	50000

enum kind { K_BASE, K_CRM, K_OATH, K_GA, K_COUNT };

static const char *const kind_name[K_COUNT] = { "base", "crm", "oath", "ga" };
static const char *const kind_module[K_COUNT] = {
	"pam_permit only", "pam_crm_totp", "pam_oath",
	"pam_google_authenticator"
};

struct cell {
	double *samples;	/* microseconds */
	size_t n;		/* timed samples so far */
	unsigned long runs;	/* runs so far, warm-up included */
	unsigned long quota;	/* warm-up + timed runs in this cell */
	unsigned long warmup;
	char last_code[16];	/* the last code this cell's user gave */
	double median, p90, p99;
};

struct sizeset {
	unsigned long users;
	unsigned long bench_index;	/* the user logging in */
	char user[32];
	char dir[PATH_MAX];		/* <work>/u<users> */
	char pamd[PATH_MAX];
	char conf[PATH_MAX];		/* pam_crm.conf */
	char oathfile[PATH_MAX];
	char gadir[PATH_MAX];
	double fill_s[K_COUNT];		/* -1: reused */
	struct cell cells[K_COUNT];
};

static struct {
	unsigned long users[MAX_SIZES];
	size_t sizes;
	unsigned long iters;			/* -n: fast stacks */
	unsigned long slow_iters[MAX_SIZES];	/* -O: pam_oath per size */
	unsigned long warmup;			/* -w */
	const char *rhost;
	char top[PATH_MAX];
	char secdir[PATH_MAX];
	char work[PATH_MAX];
	int keep, work_given;
	const char *csv;
	uint64_t seed;
} opt;

static struct sizeset sets[MAX_SIZES];
static unsigned long delays_requested;
static time_t fake_now = FAKE_T0;
/* RFC 6238's SHA1 test seed: the benchmarked user's, in every stack. */
static const unsigned char bench_seed[SEED_LEN] = "12345678901234567890";

static void
user_name(char *buf, size_t len, unsigned long i)
{
	xfmt(buf, len, "u%07lu", i);
}

/* The seed of user i of a set: the known one for the benchmarked user,
 * pseudo-random filler for the others. */
static void
user_seed(const struct sizeset *s, unsigned long i, unsigned char *seed)
{
	size_t j;

	if (i == s->bench_index) {
		memcpy(seed, bench_seed, SEED_LEN);
		return;
	}
	for (j = 0; j < SEED_LEN; j += 4) {
		uint64_t r = next_random(&opt.seed);

		memcpy(seed + j, &r, 4);
	}
}

/* ---- the fake clock ---- */

/* libfaketime reads FAKETIME anew on every call (FAKETIME_NO_CACHE): a
 * plain date freezes the clock there. */
static void
set_fake_clock(time_t t)
{
	char value[64];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(value, sizeof(value), "%Y-%m-%d %H:%M:%S", &tm);
	if (setenv("FAKETIME", value, 1) != 0)
		die("setenv FAKETIME: %s", strerror(errno));
	if (time(NULL) != t)
		die("libfaketime does not move the clock (FAKETIME=%s, "
		    "time() = %ld)", value, (long)time(NULL));
}

static void
current_code(char *code, size_t len)
{
	if (len < DIGITS + 1 ||
	    oath_totp_generate2((const char *)bench_seed, SEED_LEN,
				time(NULL), PERIOD, OATH_TOTP_DEFAULT_START_TIME,
				DIGITS, 0, code) != OATH_OK)
		die("oath_totp_generate2 failed");
}

/*
 * One step forward for the next transaction: a fresh, valid code.  A new
 * step can give the same six digits as the user's last one (one in a
 * million); pam_oath compares the digits with the last OTP and would call
 * it a replay, so such a step is skipped, as a user would wait for the
 * next code.
 */
static void
next_step(const char *last, char *code, size_t len)
{
	do {
		fake_now += PERIOD;
		set_fake_clock(fake_now);
		current_code(code, len);
	} while (last != NULL && strcmp(code, last) == 0);
}

/*
 * Every module keeps the steps it has seen (replay marks, pam_oath's last
 * OTP and time, google-authenticator's used steps): a reused work dir
 * (-t) must go on from the last run's clock, never back before it.
 */
static char clock_file[PATH_MAX + 32];

static void
save_clock(void)
{
	FILE *fp;

	if (clock_file[0] == '\0')
		return;
	fp = fopen(clock_file, "w");
	if (fp == NULL || fprintf(fp, "%ld\n", (long)fake_now) < 0 ||
	    fclose(fp) != 0)
		fprintf(stderr, "bench_totp: cannot save %s\n", clock_file);
}

static void
load_clock(void)
{
	FILE *fp;
	long t = 0;

	xfmt(clock_file, sizeof(clock_file), "%s/fake-clock", opt.work);
	fp = fopen(clock_file, "r");
	if (fp != NULL) {
		if (fscanf(fp, "%ld", &t) == 1 && t > fake_now)
			fake_now = (time_t)t + PERIOD;
		fclose(fp);
	}
	atexit(save_clock);
}

/* Re-execute under libfaketime when not there yet, as tests/run-test
 * preloads it; the timing clock (CLOCK_MONOTONIC) is left real. */
static void
reexec_under_faketime(char **argv)
{
	char preload[PATH_MAX * 2];
	const char *lib = getenv("BENCH_FAKETIME_LIB");
	const char *old = getenv("LD_PRELOAD");

	if (getenv(REEXEC_MARK) != NULL)
		return;
	if (lib == NULL)
		lib = FAKETIME_LIB;
	if (access(lib, R_OK) != 0)
		die("%s: %s (apt-get install faketime; or BENCH_FAKETIME_LIB)",
		    lib, strerror(errno));
	xfmt(preload, sizeof(preload), "%s%s%s", lib,
	     old != NULL && old[0] != '\0' ? " " : "", old != NULL ? old : "");
	if (setenv("LD_PRELOAD", preload, 1) != 0 ||
	    setenv("FAKETIME", "+0", 1) != 0 ||
	    setenv("FAKETIME_NO_CACHE", "1", 1) != 0 ||
	    setenv("FAKETIME_DONT_FAKE_MONOTONIC", "1", 1) != 0 ||
	    setenv("TZ", "UTC", 1) != 0 ||
	    setenv(REEXEC_MARK, "1", 1) != 0)
		die("setenv: %s", strerror(errno));
	fflush(NULL);
	execv("/proc/self/exe", argv);
	die("re-exec under libfaketime: %s", strerror(errno));
}

/* ---- PAM side ---- */

struct conv_data {
	const char *code;
	const char *expect;	/* what the prompt must contain */
	int prompts;
	char bad_prompt[128];
};

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
     void *appdata)
{
	struct conv_data *cd = appdata;
	struct pam_response *r;
	int i;

	r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			cd->prompts++;
			if (cd->expect == NULL ||
			    strstr(msg[i]->msg, cd->expect) == NULL)
				snprintf(cd->bad_prompt,
					 sizeof(cd->bad_prompt), "%s",
					 msg[i]->msg);
			r[i].resp = strdup(cd->code);
			break;
		default:	/* PAM_TEXT_INFO, PAM_ERROR_MSG: nothing to say */
			break;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

/* libpam calls this instead of sleeping: a request is only counted. */
static void
fail_delay(int retval, unsigned usec_delay, void *appdata)
{
	if (usec_delay > 0)
		delays_requested++;
}

struct txn_result {
	int auth_rc;
	int acct_rc;	/* -1 when not called */
	struct conv_data cd;
};

/* The prompt each module asks with (the code is the only answer). */
static const char *const kind_prompt[K_COUNT] = {
	NULL, "Verification code: ", "One-time password (OATH)",
	"Verification code: "
};

static double
transaction(const struct sizeset *s, enum kind k, const char *code,
	    struct txn_result *res)
{
	struct pam_conv pc = { conv, &res->cd };
	pam_handle_t *pamh = NULL;
	struct timespec t0, t1;
	int rc;

	memset(res, 0, sizeof(*res));
	res->cd.code = code;
	res->cd.expect = kind_prompt[k];
	res->auth_rc = res->acct_rc = -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = pam_start_confdir(kind_name[k], s->user, &pc, s->pamd, &pamh);
	if (rc != PAM_SUCCESS)
		die("pam_start_confdir(%s, %s): %s", kind_name[k], s->pamd,
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

/* One login with a fresh code; anything but success stops the run. */
static double
checked(struct sizeset *s, enum kind k)
{
	struct cell *c = &s->cells[k];
	struct txn_result res;
	char code[16];
	double us;

	next_step(c->last_code, code, sizeof(code));
	us = transaction(s, k, code, &res);
	if (res.auth_rc != PAM_SUCCESS || res.acct_rc != PAM_SUCCESS)
		die("%s, %lu users, user %s, code %s at %ld: expected "
		    "success, got auth=%s acct=%s", kind_name[k], s->users,
		    s->user, code, (long)fake_now,
		    pam_strerror(NULL, res.auth_rc),
		    res.acct_rc < 0 ? "-" : pam_strerror(NULL, res.acct_rc));
	if (res.cd.bad_prompt[0] != '\0')
		die("%s: unexpected prompt \"%s\"", kind_name[k],
		    res.cd.bad_prompt);
	if (k != K_BASE && res.cd.prompts != 1)
		die("%s: %d prompts, expected one", kind_name[k],
		    res.cd.prompts);
	snprintf(c->last_code, sizeof(c->last_code), "%s", code);
	return us;
}

/* ---- files ---- */

static void
remove_work(void)
{
	double t0 = now_s();

	if (opt.keep || opt.work[0] == '\0')
		return;
	if (remove_tree(opt.work) != 0)
		fprintf(stderr, "bench_totp: could not remove %s\n",
			opt.work);
	else if (now_s() - t0 > 5)
		printf("work dir removed in %.0f s\n", now_s() - t0);
}

static int
fill_marker(const struct sizeset *s, const char *what, int set)
{
	char path[PATH_MAX + 32];

	xfmt(path, sizeof(path), "%s/filled-%s", s->dir, what);
	if (!set)
		return access(path, F_OK) == 0;
	write_file(path, 0644, "%lu\n", s->users);
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
		   "auth required %2$s/modules/pam_crm_totp/.libs/"
		   "pam_crm_totp.so conf=%3$s nodelay\n"
		   "account required %1$s/pam_permit.so\n",
		   opt.secdir, opt.top, s->conf);
	join(path, sizeof(path), s->pamd, kind_name[K_OATH]);
	write_file(path, 0644,
		   "auth required %1$s/pam_permit.so\n"
		   "auth required %1$s/pam_oath.so usersfile=%2$s window=1 "
		   "digits=%3$d\n"
		   "account required %1$s/pam_permit.so\n",
		   opt.secdir, s->oathfile, DIGITS);
	/* user=root: the files are root's, and no setuid to a system user
	 * (the module checks the owner is that user and the mode 0400). */
	join(path, sizeof(path), s->pamd, kind_name[K_GA]);
	write_file(path, 0644,
		   "auth required %1$s/pam_permit.so\n"
		   "auth required %1$s/pam_google_authenticator.so "
		   "secret=%2$s/${USER}/.google_authenticator user=root "
		   "no_increment_hotp\n"
		   "account required %1$s/pam_permit.so\n",
		   opt.secdir, s->gadir);
}

/* ---- filling, through the lib ---- */

static void
fill_crm(struct sizeset *s)
{
	char db[PATH_MAX], key[PATH_MAX], err[2 * PATH_MAX + 256];
	char name[32];
	unsigned char seed[SEED_LEN];
	struct crm_common_opts common;
	struct crm_ctx *ctx = NULL;
	int64_t now = crm_now_ms();
	unsigned long i;
	double t0;
	int rc;

	join(db, sizeof(db), s->dir, "crm.db");
	join(key, sizeof(key), s->dir, "pam_crm.key");
	write_file(s->conf, 0644,
		   "[global]\ndb = %s\nkeyfile = %s\ndurability = normal\n",
		   db, key);
	if (fill_marker(s, "crm", 0) && access(db, F_OK) == 0) {
		s->fill_s[K_CRM] = -1;
		return;
	}
	for (i = 0; i < 4; i++) {
		static const char *const suffix[] = { "", "-wal", "-shm",
						      "-journal" };
		char p[PATH_MAX + 16];

		xfmt(p, sizeof(p), "%s%s", db, suffix[i]);
		unlink(p);
	}
	unlink(key);

	t0 = now_s();
	/* As crmauth init does: a key, the schema, the key check value. */
	crm_store_close(create_database(db, key));

	/* Users and their confirmed seeds, as crmauth's import does. */
	crm_common_defaults(&common);
	xfmt(common.db, sizeof(common.db), "%s", db);
	xfmt(common.keyfile, sizeof(common.keyfile), "%s", key);
	common.durability = CRM_DURABILITY_NORMAL;
	if (crm_ctx_open(&common, NULL, &ctx, err, sizeof(err)) != CRM_OK)
		die("%s", err);
	for (i = 0, rc = CRM_OK; rc == CRM_OK && i < s->users; i++) {
		if (i % FILL_BATCH == 0)
			rc = crm_store_begin(ctx->store, CRM_TXN_WRITE);
		user_name(name, sizeof(name), i);
		user_seed(s, i, seed);
		if (rc == CRM_OK)
			rc = crm_store_user_add(ctx->store, name, NULL, NULL,
						now);
		if (rc == CRM_OK)
			rc = crm_totp_import_seed(ctx, name, seed, SEED_LEN,
						  CRM_TOTP_SHA1, DIGITS,
						  PERIOD, 1, NULL, 0);
		if (rc == CRM_OK &&
		    (i % FILL_BATCH == FILL_BATCH - 1 || i + 1 == s->users))
			rc = crm_store_commit(ctx->store);
	}
	if (rc != CRM_OK) {
		crm_store_rollback(ctx->store);
		die("filling %s: %s: %s", db, crm_strerror(rc),
		    crm_store_errmsg(ctx->store));
	}
	crm_cleanse(seed, sizeof(seed));
	crm_ctx_close(ctx);	/* the last checkpoint, the WAL removed */
	s->fill_s[K_CRM] = now_s() - t0;
	fill_marker(s, "crm", 1);
}

static void
hex_of(const unsigned char *bin, size_t len, char *out)
{
	static const char digit[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digit[bin[i] >> 4];
		out[2 * i + 1] = digit[bin[i] & 15];
	}
	out[2 * len] = '\0';
}

static void
fill_oath(struct sizeset *s)
{
	unsigned char seed[SEED_LEN];
	char name[32], hex[2 * SEED_LEN + 1];
	unsigned long i;
	double t0;
	FILE *fp;

	/* Every run starts from a file without a last OTP: pam_oath's
	 * state is rewritten from scratch, as a fresh enrolment. */
	if (fill_marker(s, "oath", 0) && access(s->oathfile, F_OK) == 0) {
		s->fill_s[K_OATH] = -1;
		return;
	}
	t0 = now_s();
	fp = fopen(s->oathfile, "w");
	if (fp == NULL)
		die("%s: %s", s->oathfile, strerror(errno));
	for (i = 0; i < s->users; i++) {
		user_name(name, sizeof(name), i);
		user_seed(s, i, seed);
		hex_of(seed, SEED_LEN, hex);
		fprintf(fp, "HOTP/T30 %s - %s\n", name, hex);
	}
	if (fclose(fp) != 0 || chmod(s->oathfile, 0600) != 0)
		die("%s: %s", s->oathfile, strerror(errno));
	s->fill_s[K_OATH] = now_s() - t0;
	fill_marker(s, "oath", 1);
}

static void
fill_ga(struct sizeset *s)
{
	unsigned char seed[SEED_LEN];
	char name[32], dir[PATH_MAX], path[PATH_MAX + 32];
	char *b32 = NULL;
	size_t b32len = 0;
	unsigned long i;
	double t0;

	if (fill_marker(s, "ga", 0)) {
		s->fill_s[K_GA] = -1;
		return;
	}
	t0 = now_s();
	make_dir(s->gadir, 0755);
	for (i = 0; i < s->users; i++) {
		user_name(name, sizeof(name), i);
		user_seed(s, i, seed);
		if (oath_base32_encode((const char *)seed, SEED_LEN, &b32,
				       &b32len) != OATH_OK)
			die("oath_base32_encode failed");
		join(dir, sizeof(dir), s->gadir, name);
		make_dir(dir, 0700);
		join(path, sizeof(path), dir, ".google_authenticator");
		/* The format google-authenticator writes for a TOTP user
		 * with reuse refused (FILEFORMAT): the secret, options. */
		unlink(path);
		write_file(path, 0400, "%s\n\" TOTP_AUTH\n\" DISALLOW_REUSE\n",
			   b32);
		free(b32);
		b32 = NULL;
	}
	s->fill_s[K_GA] = now_s() - t0;
	fill_marker(s, "ga", 1);
}

/* Will the google-authenticator files of every set fit? */
static void
check_space(void)
{
	unsigned long long inodes = 0, bytes = 0;
	struct statvfs fs;
	size_t u;

	for (u = 0; u < opt.sizes; u++) {
		inodes += 2ULL * opt.users[u];
		/* a directory block and a file block each, the usersfile
		 * twice (pam_oath writes a new one beside it), the database */
		bytes += opt.users[u] * (2ULL * 4096 + 2 * 64 + 400);
	}
	if (statvfs(opt.work, &fs) != 0)
		die("statvfs %s: %s", opt.work, strerror(errno));
	printf("space: need about %.1f GB and %llu inodes in %s; free %.1f "
	       "GB, %llu inodes\n", (double)bytes / 1e9, inodes, opt.work,
	       (double)fs.f_bavail * fs.f_frsize / 1e9,
	       (unsigned long long)fs.f_favail);
	if ((unsigned long long)fs.f_bavail * fs.f_frsize < bytes + bytes / 4 ||
	    fs.f_favail < inodes + inodes / 4)
		die("not enough room in %s for the files (use -t DIR or "
		    "smaller -u)", opt.work);
}

/* ---- sanity: each TOTP stack refuses a wrong and a replayed code ---- */

static void
sanity(struct sizeset *s)
{
	struct txn_result res;
	char code[16], wrong[16];
	enum kind k;

	for (k = K_CRM; k < K_COUNT; k++) {
		int refuse_wrong, accept, refuse_replay;

		next_step(s->cells[k].last_code, code, sizeof(code));
		snprintf(wrong, sizeof(wrong), "%06ld",
			 (strtol(code, NULL, 10) + 500000) % 1000000);
		transaction(s, k, wrong, &res);
		refuse_wrong = res.auth_rc != PAM_SUCCESS;
		transaction(s, k, code, &res);
		accept = res.auth_rc == PAM_SUCCESS &&
			 res.acct_rc == PAM_SUCCESS;
		/* the same code again, the clock not moved */
		transaction(s, k, code, &res);
		refuse_replay = res.auth_rc != PAM_SUCCESS;
		snprintf(s->cells[k].last_code, sizeof(s->cells[k].last_code),
			 "%s", code);
		printf("sanity %-4s (%s, %lu users): wrong code refused %s, "
		       "right code accepted %s, replay refused %s\n",
		       kind_name[k], kind_module[k], s->users,
		       refuse_wrong ? "yes" : "NO", accept ? "yes" : "NO",
		       refuse_replay ? "yes" : "NO");
		if (!refuse_wrong || !accept || !refuse_replay)
			die("%s does not check codes as expected: the numbers "
			    "would mean nothing", kind_module[k]);
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

static void
measure(void)
{
	size_t slot[MAX_SIZES * K_COUNT], nslots = opt.sizes * K_COUNT;
	unsigned long rounds = opt.warmup + opt.iters, r;
	size_t u, j;
	enum kind k;
	double t0 = now_s(), last_report = t0;

	for (u = 0; u < opt.sizes; u++)
		for (k = 0; k < K_COUNT; k++) {
			struct cell *c = &sets[u].cells[k];
			unsigned long timed = opt.iters;

			if (k == K_OATH)
				timed = opt.slow_iters[u];
			c->warmup = timed == opt.iters ? opt.warmup
				  : timed / 10 < 2 ? 2 : timed / 10;
			c->quota = c->warmup + timed;
			if (c->quota > rounds)
				die("-O above -n: at most %lu pam_oath runs "
				    "per size", opt.iters);
			c->samples = calloc(timed, sizeof(*c->samples));
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
			struct sizeset *s = &sets[slot[j] / K_COUNT];
			struct cell *c;
			double us;

			k = (enum kind)(slot[j] % K_COUNT);
			c = &s->cells[k];
			if (!runs_in_round(c->quota, rounds, r))
				continue;
			us = checked(s, k);
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
			summarize(&sets[u].cells[k]);
	printf("measured: %lu rounds (%lu warm-up) in %.1f s; fake clock "
	       "moved %ld steps\n", rounds, opt.warmup, now_s() - t0,
	       (long)((fake_now - FAKE_T0) / PERIOD));
}

static const struct sizeset *
find_size(unsigned long users)
{
	size_t u;

	for (u = 0; u < opt.sizes; u++)
		if (sets[u].users == users)
			return &sets[u];
	return NULL;
}

static void
report(void)
{
	const struct sizeset *lo, *hi;
	size_t u;
	enum kind k;
	int faster = 1, compared = 0;
	char worst[256] = "";

	for (u = 0; u < opt.sizes; u++) {
		const struct sizeset *s = &sets[u];
		const struct cell *crm = &s->cells[K_CRM];
		const struct cell *base = &s->cells[K_BASE];

		printf("\n== %lu enrolled users (user %s) ==\n", s->users,
		       s->user);
		printf("%-5s %-25s %7s %10s %10s %10s %9s %10s\n", "stack",
		       "module", "n", "median_us", "p90_us", "p99_us",
		       "ratio_crm", "module_us");
		for (k = 0; k < K_COUNT; k++) {
			const struct cell *c = &s->cells[k];
			char own[32] = "-";

			if (k != K_BASE)
				snprintf(own, sizeof(own), "%.1f",
					 c->median - base->median);
			printf("%-5s %-25s %7zu %10.1f %10.1f %10.1f %9.2f "
			       "%10s\n", kind_name[k], kind_module[k], c->n,
			       c->median, c->p90, c->p99,
			       c->median / crm->median, own);
		}
		printf("ratio_crm = stack median / crm median (above 1: "
		       "slower than crm); module_us = stack median - base "
		       "median\n");
		if (s->users > 1000) {
			const struct cell *o = &s->cells[K_OATH];

			compared = 1;
			if (!(crm->median < o->median)) {
				faster = 0;
				snprintf(worst, sizeof(worst),
					 "; at %lu users crm %.1f us, oath "
					 "%.1f us", s->users, crm->median,
					 o->median);
			}
		}
	}
	printf("\n");
	lo = find_size(1000);
	hi = opt.sizes > 0 ? &sets[opt.sizes - 1] : NULL;
	for (u = 0; u < opt.sizes; u++)
		if (hi == NULL || sets[u].users > hi->users)
			hi = &sets[u];
	if (lo != NULL && hi != NULL && hi->users > lo->users) {
		double g = hi->cells[K_CRM].median / lo->cells[K_CRM].median;

		for (k = K_CRM; k < K_COUNT; k++)
			printf("GROWTH %s %lu/%lu users: median %.2f (p99 "
			       "%.2f)\n", kind_name[k], hi->users, lo->users,
			       hi->cells[k].median / lo->cells[k].median,
			       hi->cells[k].p99 / lo->cells[k].p99);
		printf("GROWTH base %lu/%lu users: median %.2f (no TOTP "
		       "module: the noise floor)\n", hi->users, lo->users,
		       hi->cells[K_BASE].median / lo->cells[K_BASE].median);
		printf("RESULT flat: crm median %lu users / 1000 users = %.2f "
		       "(target <= 1.20): %s\n", hi->users, g,
		       g <= 1.2 ? "MET" : "NOT MET");
	} else {
		printf("RESULT flat: not measured (needs 1000 and a larger "
		       "size in -u)\n");
	}
	if (compared)
		printf("RESULT faster than pam_oath above 1,000 users: %s%s\n",
		       faster ? "MET" : "NOT MET", worst);
	else
		printf("RESULT faster than pam_oath above 1,000 users: not "
		       "measured (no size above 1000 in -u)\n");
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

	fp = fopen(opt.csv, "w");
	if (fp == NULL)
		die("%s: %s", opt.csv, strerror(errno));
	fprintf(fp, "users,stack,sample,us\n");
	for (u = 0; u < opt.sizes; u++)
		for (k = 0; k < K_COUNT; k++)
			for (i = 0; i < sets[u].cells[k].n; i++)
				fprintf(fp, "%lu,%s,%zu,%.2f\n", sets[u].users,
					kind_name[k], i,
					sets[u].cells[k].samples[i]);
	if (fclose(fp) != 0)
		die("%s: %s", opt.csv, strerror(errno));
}

/* ---- options ---- */

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: bench_totp [options]\n"
"  -u LIST   enrolled users, comma separated\n"
"            (default 1,1000,100000,1000000; at most %d sizes)\n"
"  -n N      timed logins per size for base, crm and ga (default 2000)\n"
"  -O LIST   timed logins per size for pam_oath, which rewrites its\n"
"            usersfile on every success; the last value repeats, at most\n"
"            -n (default: -n below 100,000 users, 200 from 100,000, 30\n"
"            from 1,000,000: 2000,2000,200,30 for the default sizes)\n"
"  -w N      warm-up rounds (default 100; pam_oath at -O below -n:\n"
"            a tenth of its count, at least 2)\n"
"  -r ADDR   PAM_RHOST (default 192.0.2.10)\n"
"  -b DIR    top build directory (default: the parent of bench/)\n"
"  -s DIR    Linux-PAM module directory\n"
"            (default /usr/lib/x86_64-linux-gnu/security)\n"
"  -t DIR    work directory; kept, and what is filled there reused\n"
"            (default: a fresh /var/tmp/crmtotp.XXXXXX, removed)\n"
"  -k        keep the work directory\n"
"  -o FILE   write every sample as CSV\n"
"  -x SEED   seed of the order within each round and the filler seeds\n"
"Environment: BENCH_FAKETIME_LIB (default " FAKETIME_LIB ")\n",
	MAX_SIZES);
}

int
main(int argc, char **argv)
{
	char users_default[] = "1,1000,100000,1000000";
	char *slow_list = NULL;
	size_t u;
	enum kind k;
	int c, slow_given = 0;

	reexec_under_faketime(argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	opt.iters = 2000;
	opt.warmup = 100;
	opt.rhost = "192.0.2.10";
	opt.seed = 0x9e3779b97f4a7c15ULL;
	snprintf(opt.secdir, sizeof(opt.secdir),
		 "/usr/lib/x86_64-linux-gnu/security");
	opt.sizes = parse_ul_list(users_default, opt.users, MAX_SIZES, 1, "-u");

	while ((c = getopt(argc, argv, "u:n:O:w:r:b:s:t:ko:x:h")) != -1) {
		switch (c) {
		case 'u': opt.sizes = parse_ul_list(optarg, opt.users, MAX_SIZES, 1, "-u"); break;
		case 'n': opt.iters = parse_ul(optarg, "-n"); break;
		case 'O': slow_list = optarg; slow_given = 1; break;
		case 'w': opt.warmup = parse_ul(optarg, "-w"); break;
		case 'r': opt.rhost = optarg; break;
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
		die("-n: at least one login");
	{
		unsigned long slow[MAX_SIZES];
		size_t n = slow_given ? parse_ul_list(slow_list, slow, MAX_SIZES, 1, "-O") : 0;

		/* The default list belongs to the default sizes; for other
		 * sizes the default is -n, unless -O says. */
		for (u = 0; u < opt.sizes; u++) {
			if (!slow_given && opt.users[u] <= 1000)
				opt.slow_iters[u] = opt.iters;
			else if (!slow_given)
				opt.slow_iters[u] = opt.users[u] >= 1000000
					? 30 : opt.users[u] >= 100000 ? 200
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
	need(opt.secdir, "pam_oath.so", "apt-get install libpam-oath");
	need(opt.secdir, "pam_google_authenticator.so",
	     "apt-get install libpam-google-authenticator");
	need(opt.top, "modules/pam_crm_totp/.libs/pam_crm_totp.so",
	     "build first, or -b");
	if (geteuid() != 0)
		die("run as root: pam_google_authenticator's files are "
		    "root's (user=root)");

	if (opt.work_given) {
		if (opt.work[0] != '/')
			die("-t: an absolute path, please");
		make_dir(opt.work, 0700);
	} else {
		const char *tmp = getenv("TMPDIR");

		snprintf(opt.work, sizeof(opt.work), "%s/crmtotp.XXXXXX",
			 tmp != NULL && tmp[0] == '/' ? tmp : "/var/tmp");
		if (mkdtemp(opt.work) == NULL) {
			opt.work[0] = '\0';
			die("mkdtemp: %s", strerror(errno));
		}
		atexit(remove_work);
	}
	if (opt.keep)
		load_clock();	/* runs before remove_work at exit */
	set_fake_clock(fake_now);
	printf("bench_totp: work dir %s, rhost %s\n", opt.work, opt.rhost);
	printf("modules: %s/modules/pam_crm_totp/.libs, %s\n", opt.top,
	       opt.secdir);
	{
		/* What libfaketime adds to each time() call (every stack's
		 * module reads the clock through it). */
		double t0 = now_s();
		int i;

		for (i = 0; i < 10000; i++)
			(void)time(NULL);
		printf("libfaketime: fake clock frozen, %d s forward before "
		       "each login; one time() call %.2f us\n", PERIOD,
		       (now_s() - t0) * 1e6 / 10000);
	}
	check_space();
	if (oath_init() != OATH_OK)
		die("oath_init failed");

	for (u = 0; u < opt.sizes; u++) {
		struct sizeset *s = &sets[u];
		char name[32];

		s->users = opt.users[u];
		s->bench_index = s->users / 2;
		user_name(s->user, sizeof(s->user), s->bench_index);
		xfmt(name, sizeof(name), "u%lu", s->users);
		join(s->dir, sizeof(s->dir), opt.work, name);
		join(s->pamd, sizeof(s->pamd), s->dir, "pam.d");
		join(s->conf, sizeof(s->conf), s->dir, "pam_crm.conf");
		join(s->oathfile, sizeof(s->oathfile), s->dir, "users.oath");
		join(s->gadir, sizeof(s->gadir), s->dir, "ga");
		make_dir(s->dir, 0700);
		fill_crm(s);
		fill_oath(s);
		fill_ga(s);
		write_services(s);
		printf("filled %lu users:", s->users);
		for (k = K_CRM; k < K_COUNT; k++) {
			if (s->fill_s[k] < 0)
				printf(" %s reused;", kind_name[k]);
			else
				printf(" %s %.1f s;", kind_name[k],
				       s->fill_s[k]);
		}
		printf(" (crm: crm_store_user_add + crm_totp_import_seed, "
		       "%d users per transaction)\n", FILL_BATCH);
	}
	sanity(&sets[0]);
	printf("timed logins per size: base, crm, ga %lu (+%lu warm-up); "
	       "oath", opt.iters, opt.warmup);
	for (u = 0; u < opt.sizes; u++)
		printf(" %lu", opt.slow_iters[u]);
	printf(" (sizes");
	for (u = 0; u < opt.sizes; u++)
		printf(" %lu", opt.users[u]);
	printf(")\n");

	measure();
	report();
	if (opt.csv != NULL)
		write_csv();
	oath_done();
	if (opt.keep)
		printf("work dir kept: %s\n", opt.work);
	return 0;	/* remove_work() runs at exit */
}
