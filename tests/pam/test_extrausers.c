/*
 * test_extrausers.c - CRM accounts in libnss-extrausers' files, as crmauth
 * writes them: each user change rewrites passwd and group from the
 * database, a refused change leaves database and files as they were, a
 * uid is never handed out twice nor one that NSS already knows, and
 * parallel crmauth runs leave files that hold every account once.  The
 * real sshd and glibc reading these files: tests/e2e/test_sshd.py.
 */
#include "autoconfig.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

#define PASSWORD "Pass-word-1234"
#define PARALLEL 8

static struct fixture fx;
static char eu_dir[1200];

static void
conf_with(const char *extra)
{
	char conf[PATH_MAX * 2 + 256];

	snprintf(conf, sizeof(conf),
		 "[crmauth]\nextrausers_dir = %s\nhome_base = /home/crm\n%s",
		 eu_dir, extra != NULL ? extra : "");
	fx_write_conf(&fx, conf);
}

static int
setup(void **state)
{
	(void)state;
	fx_setup(&fx, NULL);
	assert_true(snprintf(eu_dir, sizeof(eu_dir), "%s/extrausers", fx.work) <
		    (int)sizeof(eu_dir));
	assert_int_equal(mkdir(eu_dir, 0755), 0);
	conf_with(NULL);
	return 0;
}

static int
teardown(void **state)
{
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/passwd", eu_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/group", eu_dir);
	unlink(path);
	rmdir(eu_dir);
	fx_teardown(&fx);
	return 0;
}

/* The whole of eu_dir/name into buf ("" when there is no such file). */
static void
read_file(const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", eu_dir, name);
	buf[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static int
crmauth(const char *stdin_text, ...)
{
	const char *argv[16];
	va_list ap;
	int n = 0;

	va_start(ap, stdin_text);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	/* fx_crmauth takes its arguments as a list; up to six here. */
	return fx_crmauth(&fx, stdin_text, NULL, 0, argv[0], argv[1],
			  n > 2 ? argv[2] : NULL, n > 3 ? argv[3] : NULL,
			  n > 4 ? argv[4] : NULL, n > 5 ? argv[5] : NULL,
			  n > 6 ? argv[6] : NULL, NULL);
}

static void
every_change_rewrites_the_files(void **state)
{
	char passwd[4096], group[4096];
	struct stat st;
	char path[PATH_MAX];

	(void)state;
	/* Web-only accounts: nothing is written. */
	assert_int_equal(crmauth(PASSWORD "\n", "user", "add", "web",
				 "--password-stdin", NULL), 0);
	read_file("passwd", passwd, sizeof(passwd));
	assert_string_equal(passwd, "");

	assert_int_equal(crmauth(PASSWORD "\n", "user", "add", "carol",
				 "--password-stdin", "--login-shell", "/bin/sh",
				 NULL), 0);
	read_file("passwd", passwd, sizeof(passwd));
	read_file("group", group, sizeof(group));
	assert_string_equal(passwd,
			    "carol:x:70000:70000::/home/crm/carol:/bin/sh\n");
	assert_string_equal(group, "carol:x:70000:\n");
	snprintf(path, sizeof(path), "%s/passwd", eu_dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	assert_int_equal(crmauth(NULL, "user", "set", "web", "--login-shell",
				 "/bin/sh", NULL), 0);
	read_file("passwd", passwd, sizeof(passwd));
	assert_string_equal(passwd,
			    "carol:x:70000:70000::/home/crm/carol:/bin/sh\n"
			    "web:x:70001:70001::/home/crm/web:/bin/sh\n");

	/* Out and back in, with the same uid. */
	assert_int_equal(crmauth(NULL, "user", "disable", "carol", NULL), 0);
	read_file("passwd", passwd, sizeof(passwd));
	assert_string_equal(passwd,
			    "web:x:70001:70001::/home/crm/web:/bin/sh\n");
	assert_int_equal(crmauth(NULL, "user", "enable", "carol", NULL), 0);
	assert_int_equal(crmauth(NULL, "user", "set", "carol", "--no-login",
				 NULL), 0);
	read_file("group", group, sizeof(group));
	assert_string_equal(group, "web:x:70001:\n");
	assert_int_equal(crmauth(NULL, "user", "set", "carol", "--login-shell",
				 "/bin/sh", NULL), 0);
	read_file("passwd", passwd, sizeof(passwd));
	assert_non_null(strstr(passwd, "carol:x:70000:70000:"));

	/* A deleted account's uid is not handed out again. */
	assert_int_equal(crmauth(NULL, "user", "del", "carol", NULL), 0);
	assert_int_equal(crmauth(NULL, "user", "add", "dave", "--login-shell",
				 "/bin/sh", NULL), 0);
	read_file("passwd", passwd, sizeof(passwd));
	assert_string_equal(passwd,
			    "web:x:70001:70001::/home/crm/web:/bin/sh\n"
			    "dave:x:70002:70002::/home/crm/dave:/bin/sh\n");
	assert_int_equal(fx_audit_count(&fx, "web", "admin:user set"), 1);
}

static void
refusals_change_nothing(void **state)
{
	char before[4096], after[4096];

	(void)state;
	assert_int_equal(crmauth(NULL, "user", "add", "erin", "--login-shell",
				 "/bin/sh", NULL), 0);
	read_file("passwd", before, sizeof(before));
	/* root is the system's: the CRM password must not open it. */
	assert_int_equal(crmauth(NULL, "user", "add", "root", "--login-shell",
				 "/bin/sh", NULL), 1);
	assert_int_equal(crmauth(NULL, "user", "show", "root", NULL), 1);
	/* A group of that name is the system's too. */
	assert_int_equal(crmauth(NULL, "user", "add", "nogroup",
				 "--login-shell", "/bin/sh", NULL), 1);
	assert_int_equal(crmauth(NULL, "user", "show", "nogroup", NULL), 1);
	assert_int_equal(crmauth(NULL, "user", "add", "Erin2",
				 "--login-shell", "/bin/sh", NULL), 2);
	assert_int_equal(crmauth(NULL, "user", "add", "frank",
				 "--login-shell", "/no/such/shell", NULL), 2);
	assert_int_equal(crmauth(NULL, "user", "add", "frank",
				 "--login-shell", "bin/sh", NULL), 2);
	assert_int_equal(crmauth(NULL, "user", "show", "frank", NULL), 1);
	assert_int_equal(crmauth(NULL, "user", "set", "erin", NULL), 2);
	assert_int_equal(crmauth(NULL, "user", "set", "erin", "--no-login",
				 "--login-shell", "/bin/sh", NULL), 2);
	read_file("passwd", after, sizeof(after));
	assert_string_equal(before, after);

	/* A full range refuses the whole add, not only the shell. */
	conf_with("uid_range = 70000-70000\n");
	assert_int_equal(crmauth(NULL, "user", "add", "gina", "--login-shell",
				 "/bin/sh", NULL), 2);
	assert_int_equal(crmauth(NULL, "user", "show", "gina", NULL), 1);
	read_file("passwd", after, sizeof(after));
	assert_string_equal(before, after);

	/* No directory: refused with the database unchanged. */
	fx_write_conf(&fx, "[crmauth]\nextrausers_dir = /nonexistent/eu\n");
	assert_int_equal(crmauth(NULL, "user", "add", "hal", "--login-shell",
				 "/bin/sh", NULL), 2);
	assert_int_equal(crmauth(NULL, "user", "show", "hal", NULL), 1);
	conf_with(NULL);
	assert_int_equal(fx_audit_count(&fx, "gina", "admin:user add"), 0);
}

static void
uids_known_to_nss_are_skipped(void **state)
{
	char passwd[4096];

	(void)state;
	/* 65534 is nobody (and nogroup) on every Debian machine. */
	conf_with("uid_range = 65534-65535\n");
	assert_int_equal(crmauth(NULL, "user", "add", "ivan", "--login-shell",
				 "/bin/sh", NULL), 0);
	read_file("passwd", passwd, sizeof(passwd));
	assert_string_equal(passwd,
			    "ivan:x:65535:65535::/home/crm/ivan:/bin/sh\n");
	conf_with(NULL);
}

static void
parallel_changes_leave_every_account_once(void **state)
{
	char passwd[8192], all[8200], name[32];
	pid_t pids[PARALLEL];
	int i, status, uids[PARALLEL] = { 0 }, uid, j;
	const char *p;

	(void)state;
	conf_with("[global]\nbusy_timeout_ms = 20000\n");
	for (i = 0; i < PARALLEL; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			snprintf(name, sizeof(name), "par%d", i);
			_exit(crmauth(NULL, "user", "add", name,
				      "--login-shell", "/bin/sh", NULL));
		}
	}
	for (i = 0; i < PARALLEL; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	read_file("passwd", passwd, sizeof(passwd));
	/* Each name at the start of a line, the first line's too. */
	snprintf(all, sizeof(all), "\n%s", passwd);
	for (i = 0; i < PARALLEL; i++) {
		snprintf(name, sizeof(name), "\npar%d:x:", i);
		p = strstr(all, name);
		assert_non_null(p);
		assert_int_equal(sscanf(p + strlen(name), "%d", &uid), 1);
		for (j = 0; j < i; j++)
			assert_int_not_equal(uids[j], uid);
		uids[i] = uid;
	}
	conf_with(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_change_rewrites_the_files,
						setup, teardown),
		cmocka_unit_test_setup_teardown(refusals_change_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(uids_known_to_nss_are_skipped,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			parallel_changes_leave_every_account_once, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
