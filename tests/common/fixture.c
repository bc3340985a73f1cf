/*
 * fixture.c - test helpers shared by the unit and PAM-stack tests.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <security/pam_appl.h>

#include "fixture.h"

extern char **environ;

static const char *
env_or_fail(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0') {
		fprintf(stderr, "%s is not set: run through tests/run-test\n",
			name);
		abort();
	}
	return v;
}

static void
remove_db(struct fixture *fx)
{
	char path[PATH_MAX + 8];

	unlink(fx->db);
	snprintf(path, sizeof(path), "%s-wal", fx->db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", fx->db);
	unlink(path);
}

void
fx_write_conf(struct fixture *fx, const char *conf_extra)
{
	FILE *fp = fopen(fx->conf, "w");

	assert_non_null(fp);
	fprintf(fp, "[global]\ndb = %s\nkeyfile = %s\n", fx->db, fx->key);
	if (conf_extra != NULL)
		fputs(conf_extra, fp);
	assert_int_equal(fclose(fp), 0);
}

void
fx_setup(struct fixture *fx, const char *conf_extra)
{
	memset(fx, 0, sizeof(*fx));
	fx->saved_stderr = -1;
	snprintf(fx->work, sizeof(fx->work), "%s", env_or_fail("CRM_TEST_WORK"));
	snprintf(fx->crmauth, sizeof(fx->crmauth), "%s",
		 env_or_fail("CRM_TEST_CRMAUTH"));
	snprintf(fx->conf, sizeof(fx->conf), "%s/pam_crm.conf", fx->work);
	snprintf(fx->db, sizeof(fx->db), "%s/crm.db", fx->work);
	snprintf(fx->key, sizeof(fx->key), "%s/pam_crm.key", fx->work);
	snprintf(fx->log_path, sizeof(fx->log_path), "%s/captured.log",
		 fx->work);
	remove_db(fx);
	unlink(fx->key);
	fx_write_conf(fx, conf_extra);
	assert_int_equal(fx_crmauth(fx, NULL, NULL, 0, "init", NULL), 0);
}

void
fx_teardown(struct fixture *fx)
{
	remove_db(fx);
	unlink(fx->key);
	fx_clock_offset(0);
}

/* The environment of a child: without the preloads, so that crmauth and
 * sqlite3 run as an administrator would run them. */
static char **
child_env(void)
{
	size_t n = 0, i, k = 0;
	char **env;

	while (environ[n] != NULL)
		n++;
	env = calloc(n + 1, sizeof(*env));
	assert_non_null(env);
	for (i = 0; i < n; i++) {
		if (strncmp(environ[i], "LD_PRELOAD=", 11) == 0 ||
		    strncmp(environ[i], "PAM_WRAPPER", 11) == 0)
			continue;
		env[k++] = environ[i];
	}
	return env;
}

static int
run_child(const char *const *argv, const char *stdin_text, char *out,
	  size_t outlen)
{
	int in_pipe[2], out_pipe[2], status;
	char **env = child_env();
	size_t got = 0;
	pid_t pid;

	assert_int_equal(pipe(in_pipe), 0);
	assert_int_equal(pipe(out_pipe), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in_pipe[0], 0);
		dup2(out_pipe[1], 1);
		close(in_pipe[0]);
		close(in_pipe[1]);
		close(out_pipe[0]);
		close(out_pipe[1]);
		execve(argv[0], (char *const *)argv, env);
		_exit(127);
	}
	free(env);
	close(in_pipe[0]);
	close(out_pipe[1]);
	if (stdin_text != NULL) {
		size_t len = strlen(stdin_text);

		assert_int_equal(write(in_pipe[1], stdin_text, len), (ssize_t)len);
	}
	close(in_pipe[1]);
	for (;;) {
		char scratch[4096];
		char *dst = out != NULL && got + 1 < outlen ? out + got : scratch;
		size_t room = out != NULL && got + 1 < outlen ? outlen - 1 - got
							      : sizeof(scratch);
		ssize_t r = read(out_pipe[0], dst, room);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (dst != scratch)
			got += (size_t)r;
	}
	if (out != NULL && outlen > 0)
		out[got] = '\0';
	close(out_pipe[0]);
	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
fx_crmauth(struct fixture *fx, const char *stdin_text, char *out,
	   size_t outlen, ...)
{
	const char *argv[32];
	size_t n = 0;
	const char *arg;
	va_list ap;

	argv[n++] = fx->crmauth;
	argv[n++] = "--conf";
	argv[n++] = fx->conf;
	va_start(ap, outlen);
	while ((arg = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;
	return run_child(argv, stdin_text, out, outlen);
}

void
fx_user_add(struct fixture *fx, const char *name, const char *password)
{
	char line[512];

	snprintf(line, sizeof(line), "%s\n", password);
	assert_int_equal(fx_crmauth(fx, line, NULL, 0, "user", "add", name,
				    "--password-stdin", NULL), 0);
}

int
fx_sql(struct fixture *fx, const char *sql)
{
	const char *argv[] = { "/usr/bin/sqlite3", fx->db, sql, NULL };

	return run_child(argv, NULL, NULL, 0);
}

long
fx_failures(struct fixture *fx, const char *user)
{
	char out[65536];
	struct json_object *root, *users, *entry, *failures;
	long count = 0;
	size_t i;

	assert_int_equal(fx_crmauth(fx, NULL, out, sizeof(out), "--json",
				    "lockout", "show", user, NULL), 0);
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "users", &users));
	for (i = 0; i < json_object_array_length(users); i++) {
		entry = json_object_array_get_idx(users, i);
		if (json_object_object_get_ex(entry, "failures", &failures))
			count += json_object_get_int64(failures);
	}
	json_object_put(root);
	return count;
}

long
fx_audit_count(struct fixture *fx, const char *user, const char *event)
{
	static char out[1 << 20];
	const char *argv[12];
	struct json_object *root;
	long count;
	size_t n = 0;

	argv[n++] = fx->crmauth;
	argv[n++] = "--conf";
	argv[n++] = fx->conf;
	argv[n++] = "--json";
	argv[n++] = "audit";
	if (user != NULL) {
		argv[n++] = "--user";
		argv[n++] = user;
	}
	if (event != NULL) {
		argv[n++] = "--event";
		argv[n++] = event;
	}
	argv[n] = NULL;
	assert_int_equal(run_child(argv, NULL, out, sizeof(out)), 0);
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_true(json_object_is_type(root, json_type_array));
	count = (long)json_object_array_length(root);
	json_object_put(root);
	return count;
}

/* ---- logins ---- */

struct conv_state {
	const char *password;
	struct login *out;
};

static void
append(char *buf, size_t len, const char *text)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used > 0 ? "\n" : "", text);
}

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
     void *arg)
{
	struct conv_state *st = arg;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));
	int i;

	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			r[i].resp = strdup(st->password != NULL ? st->password
								: "");
			break;
		case PAM_ERROR_MSG:
			append(st->out->errors, sizeof(st->out->errors),
			       msg[i]->msg);
			break;
		case PAM_TEXT_INFO:
			append(st->out->infos, sizeof(st->out->infos),
			       msg[i]->msg);
			break;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

void
fx_login(const char *service, const char *user, const char *password,
	 const char *rhost, struct login *out)
{
	struct conv_state st = { password, out };
	struct pam_conv pc = { conv, &st };
	pam_handle_t *pamh = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->acct_rc = -1;
	rc = pam_start(service, user, &pc, &pamh);
	assert_int_equal(rc, PAM_SUCCESS);
	if (rhost != NULL)
		assert_int_equal(pam_set_item(pamh, PAM_RHOST, rhost),
				 PAM_SUCCESS);
	out->auth_rc = pam_authenticate(pamh, 0);
	if (out->auth_rc == PAM_SUCCESS)
		out->acct_rc = pam_acct_mgmt(pamh, 0);
	pam_end(pamh, out->auth_rc);
}

/* ---- logs and time ---- */

void
fx_log_begin(struct fixture *fx)
{
	int fd;

	fflush(stderr);
	fx->saved_stderr = dup(2);
	assert_true(fx->saved_stderr >= 0);
	fd = open(fx->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	dup2(fd, 2);
	close(fd);
}

void
fx_log_end(struct fixture *fx, char *buf, size_t len)
{
	FILE *fp;
	size_t got;

	fflush(stderr);
	dup2(fx->saved_stderr, 2);
	close(fx->saved_stderr);
	fx->saved_stderr = -1;
	fp = fopen(fx->log_path, "r");
	assert_non_null(fp);
	got = fread(buf, 1, len - 1, fp);
	buf[got] = '\0';
	fclose(fp);
}

void
fx_clock_offset(long seconds)
{
	char value[32];

	/* libfaketime reads FAKETIME anew on every call (FAKETIME_NO_CACHE):
	 * an offset from the real clock, for this process and its children. */
	snprintf(value, sizeof(value), "%+lds", seconds);
	setenv("FAKETIME", value, 1);
}
