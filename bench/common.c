/*
 * common.c - what every benchmark in bench/ needs (common.h).
 */
#include "autoconfig.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
