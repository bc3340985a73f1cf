/*
 * syslog_shim.c - what a PAM-stack test logs to syslog, in a file.
 *
 * tests/run-test preloads this library into PAM-stack tests.  pam_syslog
 * (libpam calls glibc's fortified __syslog_chk) and plain syslog land
 * here instead of the system log: each message is appended to the file
 * named by CRM_TEST_SYSLOG as one line, "<priority> ident: message", with
 * one write(2) on an O_APPEND descriptor, so lines of concurrent processes
 * never interleave.  Without CRM_TEST_SYSLOG messages go to the real
 * syslog.  Only the test build has this library; nothing installs it.
 */
#include "autoconfig.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* <syslog.h> would turn the names below into macros under
 * _FORTIFY_SOURCE: declare them here instead. */
void openlog(const char *ident, int option, int facility);
void closelog(void);
void syslog(int priority, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vsyslog(int priority, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void __syslog_chk(int priority, int flag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void __vsyslog_chk(int priority, int flag, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

typedef void (*vsyslog_fn)(int, const char *, va_list);
typedef void (*openlog_fn)(const char *, int, int);
typedef void (*closelog_fn)(void);

static char shim_ident[128];

static void
real_vsyslog(int priority, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void
real_vsyslog(int priority, const char *fmt, va_list ap)
{
	vsyslog_fn fn = (vsyslog_fn)dlsym(RTLD_NEXT, "vsyslog");

	if (fn != NULL)
		fn(priority, fmt, ap);
}

static void
shim_vsyslog(int priority, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void
shim_vsyslog(int priority, const char *fmt, va_list ap)
{
	const char *path = getenv("CRM_TEST_SYSLOG");
	char line[4096];
	int saved_errno = errno, head, body, fd;
	size_t len;

	if (path == NULL || *path == '\0') {
		real_vsyslog(priority, fmt, ap);
		return;
	}
	head = snprintf(line, sizeof(line), "<%d> %s%s", priority, shim_ident,
			shim_ident[0] != '\0' ? ": " : "");
	if (head < 0)
		head = 0;
	/* syslog's %m reads errno: give it the caller's. */
	errno = saved_errno;
	body = vsnprintf(line + head, sizeof(line) - (size_t)head - 1, fmt, ap);
	if (body < 0)
		body = 0;
	len = (size_t)head + (size_t)body;
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	while (len > 0 && line[len - 1] == '\n')
		len--;
	line[len++] = '\n';
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, line, len) != (ssize_t)len) {
			/* A test's log is lost: the test reading it fails. */
		}
		close(fd);
	}
	errno = saved_errno;
}

void
openlog(const char *ident, int option, int facility)
{
	openlog_fn fn;

	snprintf(shim_ident, sizeof(shim_ident), "%s",
		 ident != NULL ? ident : "");
	fn = (openlog_fn)dlsym(RTLD_NEXT, "openlog");
	if (fn != NULL)
		fn(ident, option, facility);
}

void
closelog(void)
{
	closelog_fn fn = (closelog_fn)dlsym(RTLD_NEXT, "closelog");

	shim_ident[0] = '\0';
	if (fn != NULL)
		fn();
}

void
vsyslog(int priority, const char *fmt, va_list ap)
{
	shim_vsyslog(priority, fmt, ap);
}

void
syslog(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	shim_vsyslog(priority, fmt, ap);
	va_end(ap);
}

void
__vsyslog_chk(int priority, int flag, const char *fmt, va_list ap)
{
	shim_vsyslog(priority, fmt, ap);
}

void
__syslog_chk(int priority, int flag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	shim_vsyslog(priority, fmt, ap);
	va_end(ap);
}
