/*
 * common.c - what every benchmark in bench/ needs (common.h).
 */
#include "autoconfig.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/context.h"
#include "core/crypto.h"
#include "store/store.h"

#include "common.h"

void
die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void
xfmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		die("path or line too long");
}

double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
pct(const double *sorted, size_t n, size_t percent)
{
	size_t rank = (percent * n + 99) / 100;

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

unsigned long
parse_ul(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
		die("%s: not a number: %s", what, s);
	return v;
}

void
write_file(const char *path, mode_t mode, const char *fmt, ...)
{
	va_list ap;
	FILE *fp;

	fp = fopen(path, "w");
	if (fp == NULL)
		die("%s: %s", path, strerror(errno));
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	if (fclose(fp) != 0 || chmod(path, mode) != 0)
		die("%s: %s", path, strerror(errno));
}

void
join(char *out, size_t len, const char *dir, const char *name)
{
	xfmt(out, len, "%s/%s", dir, name);
}

void
need(const char *dir, const char *file, const char *hint)
{
	char path[PATH_MAX + 128];

	xfmt(path, sizeof(path), "%s/%s", dir, file);
	if (access(path, R_OK) != 0)
		die("%s: %s (%s)", path, strerror(errno), hint);
}

size_t
parse_ul_list(char *list, unsigned long *out, size_t max, unsigned long least,
	      const char *what)
{
	char *tok, *save = NULL;
	size_t n = 0;

	for (tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == max)
			die("%s: at most %zu values", what, max);
		out[n] = parse_ul(tok, what);
		if (out[n] < least)
			die("%s: at least %lu", what, least);
		n++;
	}
	if (n == 0)
		die("%s: empty list", what);
	return n;
}

void
default_top(char *top, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;
	int i;

	if (n <= 0)
		die("cannot find myself: use -b");
	exe[n] = '\0';
	for (i = 0; i < 2; i++) {
		slash = strrchr(exe, '/');
		if (slash == NULL)
			die("cannot find the build directory: use -b");
		*slash = '\0';
	}
	slash = strrchr(exe, '/');
	if (slash != NULL && strcmp(slash, "/bench") == 0)
		*slash = '\0';	/* was bench/.libs */
	xfmt(top, len, "%s", exe);
}

void
make_dir(const char *path, mode_t mode)
{
	if (mkdir(path, mode) != 0 && errno != EEXIST)
		die("mkdir %s: %s", path, strerror(errno));
}

static int
remove_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	return remove(path);
}

int
remove_tree(const char *path)
{
	return nftw(path, remove_one, 64, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

struct crm_store *
create_database(const char *db, const char *key)
{
	struct crm_store *store = NULL;
	struct crm_key *sealing = NULL;
	char err[2 * PATH_MAX + 256];
	int rc, from = 0;

	if (crm_key_create(key, err, sizeof(err)) != CRM_OK)
		die("key %s: %s", key, err);
	rc = crm_store_open(db, CRM_STORE_CREATE, 10000,
			    CRM_DURABILITY_NORMAL, &store, err, sizeof(err));
	if (rc != CRM_OK)
		die("%s", err);
	if (crm_store_migrate(store, &from) != CRM_OK)
		die("migrate %s: %s", db, crm_store_errmsg(store));
	/* Modules refuse a database without the key check value. */
	if (crm_key_load(key, &sealing, err, sizeof(err)) != CRM_OK)
		die("%s", err);
	rc = crm_ctx_key_record(store, sealing);
	crm_key_free(sealing);
	if (rc != CRM_OK)
		die("key check %s: %s", db, crm_store_errmsg(store));
	return store;
}

uint64_t
next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

void
sample_stats(const double *samples, size_t n, struct sample_stats *out)
{
	double *s = malloc(n * sizeof(*s));

	if (s == NULL)
		die("out of memory");
	memcpy(s, samples, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	out->min = s[0];
	out->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	out->p90 = pct(s, n, 90);
	out->p99 = pct(s, n, 99);
	free(s);
}
