/*
 * common.h - what every benchmark in bench/ needs: dying with a message,
 * paths that are never cut, the clock, percentiles, numbers from the
 * command line, and the build tree the program runs from.  Benchmarks
 * only: nothing here is linked into a module or a tool.
 */
#ifndef CRM_BENCH_COMMON_H
#define CRM_BENCH_COMMON_H

#include <stddef.h>
#include <sys/types.h>

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

/* CLOCK_MONOTONIC in seconds. */
double now_s(void);
/* For qsort of doubles, and the percent-th percentile (nearest rank) of
 * n sorted values. */
int cmp_double(const void *a, const void *b);
double pct(const double *sorted, size_t n, size_t percent);

/* A decimal argument, or die naming what it was for. */
unsigned long parse_ul(const char *s, const char *what);
/* The build tree the program runs from: <top>/bench/<program> or
 * <top>/bench/.libs/<program>. */
void default_top(char *top, size_t len);

#endif
