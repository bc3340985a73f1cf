/*
 * common.h - what every benchmark in bench/ needs: dying with a message,
 * paths that are never cut, the clock, percentiles, numbers from the
 * command line, and the build tree the program runs from.  Benchmarks
 * only: nothing here is linked into a module or a tool.
 */
#ifndef CRM_BENCH_COMMON_H
#define CRM_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct crm_store;

/* "<program>: <message>" on stderr, exit status 2. */
void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* snprintf that refuses to truncate: a cut path would test something
 * else. */
void xfmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* dir/name into out, or die. */
void join(char *out, size_t len, const char *dir, const char *name);
/* Write the file and give it mode, or die. */
void write_file(const char *path, mode_t mode, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Die with hint unless dir/file is readable. */
void need(const char *dir, const char *file, const char *hint);

/* mkdir that accepts an existing directory, or die. */
void make_dir(const char *path, mode_t mode);
/* Remove path and all below it (no symlink followed); 0 or -1. */
int remove_tree(const char *path);

/* A database made as crmauth init makes it: a fresh key file, the schema,
 * the key check value.  Returned open; the caller closes it.  Dies on any
 * error. */
struct crm_store *create_database(const char *db, const char *key);

/* xorshift64 over *state (non-zero): a reproducible order. */
uint64_t next_random(uint64_t *state);

/* CLOCK_MONOTONIC in seconds. */
double now_s(void);
/* For qsort of doubles, and the percent-th percentile (nearest rank) of
 * n sorted values. */
int cmp_double(const void *a, const void *b);
double pct(const double *sorted, size_t n, size_t percent);
/* The smallest, median, 90th and 99th percentile of n samples (n > 0;
 * the samples themselves are left in their order). */
struct sample_stats {
	double min, median, p90, p99;
};
void sample_stats(const double *samples, size_t n, struct sample_stats *out);

/* A decimal argument, or die naming what it was for. */
unsigned long parse_ul(const char *s, const char *what);
/* A comma list of decimals into out (at most max), each at least
 * least; dies on an empty list, too many or too small values.  The
 * count. */
size_t parse_ul_list(char *list, unsigned long *out, size_t max,
		     unsigned long least, const char *what);
/* The build tree the program runs from: <top>/bench/<program> or
 * <top>/bench/.libs/<program>. */
void default_top(char *top, size_t len);

#endif
