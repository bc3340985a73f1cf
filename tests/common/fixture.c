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
	/* make check-broker: every module through the run's crm-authd. */
	if (getenv("CRM_TEST_BROKER_SOCKET") != NULL)
		fprintf(fp, "broker = always\nbroker_socket = %s\n",
			getenv("CRM_TEST_BROKER_SOCKET"));
	if (conf_extra != NULL)
		fputs(conf_extra, fp);
	assert_int_equal(fclose(fp), 0);
}

void
fx_setup(struct fixture *fx, const char *conf_extra)
{
	memset(fx, 0, sizeof(*fx));
	snprintf(fx->work, sizeof(fx->work), "%s", env_or_fail("CRM_TEST_WORK"));
	snprintf(fx->crmauth, sizeof(fx->crmauth), "%s",
		 env_or_fail("CRM_TEST_CRMAUTH"));
	snprintf(fx->conf, sizeof(fx->conf), "%s/pam_crm.conf", fx->work);
	snprintf(fx->db, sizeof(fx->db), "%s/crm.db", fx->work);
	snprintf(fx->key, sizeof(fx->key), "%s/pam_crm.key", fx->work);
	/* The syslog shim (tests/common/syslog_shim.c) appends here. */
	snprintf(fx->log_path, sizeof(fx->log_path), "%s",
		 env_or_fail("CRM_TEST_SYSLOG"));
	remove_db(fx);
	unlink(fx->key);
	fx_write_conf(fx, conf_extra);
	assert_int_equal(fx_crmauth(fx, NULL, NULL, 0, "init", NULL), 0);
	/* pam.d/crm starts with pam_crm_access, whose default denies: the
	 * tests of the other modules log in from anywhere, as the README
	 * tells an administrator to start.  test_access removes it. */
	assert_int_equal(fx_crmauth(fx, NULL, NULL, 0, "allow", "add", "allow",
				    "*", "*", "--service", "crm", NULL), 0);
}

void
fx_teardown(struct fixture *fx)
{
	remove_db(fx);
	unlink(fx->key);
	fx_clock_offset(0);
}

/* The environment of a child: without the preloads, so that crmauth and
 * sqlite3 run as an administrator would run them; then extra (NULL or
 * NULL-terminated "NAME=value" entries). */
static char **
child_env(char *const *extra)
{
	size_t n = 0, m = 0, i, k = 0;
	char **env;

	while (environ[n] != NULL)
		n++;
	while (extra != NULL && extra[m] != NULL)
		m++;
	env = calloc(n + m + 1, sizeof(*env));
	assert_non_null(env);
	for (i = 0; i < n; i++) {
		if (strncmp(environ[i], "LD_PRELOAD=", 11) == 0 ||
		    strncmp(environ[i], "PAM_WRAPPER", 11) == 0)
			continue;
		env[k++] = environ[i];
	}
	for (i = 0; i < m; i++)
		env[k++] = extra[i];
	return env;
}

static int
run_child_full(const char *const *argv, char *const *extra,
	       const char *stdin_text, char *out, size_t outlen,
	       const char *err_path)
{
	int in_pipe[2], out_pipe[2], status, err_fd;
	char **env = child_env(extra);
	size_t got = 0;
	pid_t pid;

	assert_int_equal(pipe(in_pipe), 0);
	assert_int_equal(pipe(out_pipe), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in_pipe[0], 0);
		dup2(out_pipe[1], 1);
		if (err_path != NULL) {
			err_fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC,
				      0600);
			if (err_fd < 0 || dup2(err_fd, 2) < 0)
				_exit(127);
			close(err_fd);
		}
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

static int
run_child_env(const char *const *argv, char *const *extra,
	      const char *stdin_text, char *out, size_t outlen)
{
	return run_child_full(argv, extra, stdin_text, out, outlen, NULL);
}

static int
run_child(const char *const *argv, const char *stdin_text, char *out,
	  size_t outlen)
{
	return run_child_env(argv, NULL, stdin_text, out, outlen);
}

int
fx_run_wrapped(const char *stdin_text, char *out, size_t outlen,
	       const char *prog, ...)
{
	static char preload[4096], wrapper[PATH_MAX + 32];
	const char *faketime = getenv("CRM_TEST_FAKETIME_LIB");
	const char *sanitizer = getenv("CRM_TEST_PRELOAD");
	char *extra[4];
	const char *argv[32];
	const char *arg;
	size_t n = 0, e = 0;
	va_list ap;

	/* As tests/run-test orders them: libfaketime before a sanitizer
	 * runtime, or the two recurse into each other's clock_gettime. */
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s %s %s",
		 env_or_fail("CRM_TEST_PAM_WRAPPER"),
		 faketime != NULL ? faketime : "",
		 sanitizer != NULL ? sanitizer : "");
	snprintf(wrapper, sizeof(wrapper), "PAM_WRAPPER_SERVICE_DIR=%s",
		 env_or_fail("CRM_TEST_SERVICE_DIR"));
	extra[e++] = preload;
	extra[e++] = (char *)"PAM_WRAPPER=1";
	extra[e++] = wrapper;
	extra[e] = NULL;
	argv[n++] = prog;
	va_start(ap, prog);
	while ((arg = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;
	return run_child_env(argv, extra, stdin_text, out, outlen);
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

int
fx_crmauth_err(struct fixture *fx, const char *stdin_text, char *out,
	       size_t outlen, char *err, size_t errlen, ...)
{
	char err_path[PATH_MAX];
	const char *argv[32];
	size_t n = 0, got;
	const char *arg;
	va_list ap;
	FILE *f;
	int rc;

	snprintf(err_path, sizeof(err_path), "%s/crmauth.stderr", fx->work);
	argv[n++] = fx->crmauth;
	argv[n++] = "--conf";
	argv[n++] = fx->conf;
	va_start(ap, errlen);
	while ((arg = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;
	rc = run_child_full(argv, NULL, stdin_text, out, outlen, err_path);
	f = fopen(err_path, "r");
	assert_non_null(f);
	got = fread(err, 1, errlen - 1, f);
	err[got] = '\0';
	fclose(f);
	unlink(err_path);
	/* What the test did not ask for still shows in its log. */
	fputs(err, stderr);
	return rc;
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

/* json() of junk is an error the sqlite3 shell exits non-zero on,
 * evaluated only when the query returns no row. */
int
fx_sql_holds(struct fixture *fx, const char *query)
{
	char sql[2048];

	if ((size_t)snprintf(sql, sizeof(sql),
			     "SELECT json('no') WHERE NOT EXISTS (%s);",
			     query) >= sizeof(sql))
		return 0;
	return fx_sql(fx, sql) == 0;
}

int
fx_sql_text(struct fixture *fx, const char *query, char *out, size_t len)
{
	const char *argv[] = { "/usr/bin/sqlite3", fx->db, query, NULL };
	int rc;

	out[0] = '\0';
	rc = run_child(argv, NULL, out, len);
	out[strcspn(out, "\n")] = '\0';
	return rc;
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

static void
append(char *buf, size_t len, const char *text)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used > 0 ? "\n" : "", text);
}

/* The answer for one prompt, or NULL; marks a listed answer used. */
static const char *
pick_answer(struct login *l, int style, const char *prompt)
{
	const struct fx_login_opts *o = l->opts_;
	const struct fx_answer *a;
	unsigned int i;

	if (o == NULL)
		return NULL;
	for (i = 0, a = o->answers; a != NULL && a->text != NULL; i++, a++) {
		if (i >= sizeof(l->used_) * 8 || (l->used_ & (1u << i)) != 0)
			continue;
		if (a->style != 0 && a->style != style)
			continue;
		if (a->match != NULL && strstr(prompt, a->match) == NULL)
			continue;
		l->used_ |= 1u << i;
		return a->text;
	}
	if (o->answer_fn != NULL) {
		const char *text = o->answer_fn(l, prompt, o->answer_arg);

		if (text != NULL)
			return text;
	}
	return o->default_answer;
}

static void
free_responses(struct pam_response *r, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (r[i].resp != NULL) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	}
	free(r);
}

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
     void *arg)
{
	struct login *l = arg;
	struct pam_response *r;
	const char *answer;
	int i, style;

	*resp = NULL;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		style = msg[i]->msg_style;
		switch (style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			if (l->nprompts < FX_MAX_PROMPTS)
				l->prompt_style[l->nprompts] = style;
			l->nprompts++;
			append(l->prompts, sizeof(l->prompts), msg[i]->msg);
			answer = pick_answer(l, style, msg[i]->msg);
			if (answer == NULL) {
				l->unanswered++;
				free_responses(r, n);
				return PAM_CONV_ERR;
			}
			r[i].resp = strdup(answer);
			if (r[i].resp == NULL) {
				free_responses(r, n);
				return PAM_BUF_ERR;
			}
			break;
		case PAM_ERROR_MSG:
			append(l->errors, sizeof(l->errors), msg[i]->msg);
			break;
		case PAM_TEXT_INFO:
			append(l->infos, sizeof(l->infos), msg[i]->msg);
			break;
		default:
			free_responses(r, n);
			return PAM_CONV_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

static void
set_item(pam_handle_t *pamh, int item, const char *value)
{
	if (value != NULL)
		assert_int_equal(pam_set_item(pamh, item, value), PAM_SUCCESS);
}

pam_handle_t *
fx_pam_start(const char *service, const char *user,
	     const struct fx_login_opts *opts, struct login *out)
{
	/* pam_start_confdir copies the conversation structure. */
	struct pam_conv pc = { conv, out };
	const char *dir;
	pam_handle_t *pamh = NULL;

	memset(out, 0, sizeof(*out));
	out->auth_rc = out->acct_rc = out->chauthtok_rc = out->session_rc = -1;
	out->opts_ = opts;
	dir = opts != NULL && opts->service_dir != NULL ? opts->service_dir
		: env_or_fail("CRM_TEST_SERVICE_DIR");
	assert_int_equal(pam_start_confdir(service, user, &pc, dir, &pamh),
			 PAM_SUCCESS);
	if (opts != NULL) {
		set_item(pamh, PAM_RHOST, opts->items.rhost);
		set_item(pamh, PAM_RUSER, opts->items.ruser);
		set_item(pamh, PAM_TTY, opts->items.tty);
	}
	return pamh;
}

static void
copy_env(pam_handle_t *pamh, struct login *out)
{
	char **list = pam_getenvlist(pamh);
	size_t i;

	out->env[0] = '\0';
	out->env_count = 0;
	if (list == NULL)
		return;
	for (i = 0; list[i] != NULL; i++) {
		append(out->env, sizeof(out->env), list[i]);
		out->env_count++;
		explicit_bzero(list[i], strlen(list[i]));
		free(list[i]);
	}
	free(list);
}

const char *
fx_env_get(const struct login *l, const char *name)
{
	static char value[4][8192];	/* a CRM_ value: up to 4095 bytes */
	static unsigned int next;
	size_t len = strlen(name);
	const char *line = l->env;
	const char *end;

	while (*line != '\0') {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		if ((size_t)(end - line) > len && strncmp(line, name, len) == 0 &&
		    line[len] == '=') {
			char *v = value[next++ % 4];

			snprintf(v, sizeof(value[0]), "%.*s",
				 (int)(end - line - len - 1), line + len + 1);
			return v;
		}
		line = *end == '\n' ? end + 1 : end;
	}
	return NULL;
}

void
fx_login_ex(const char *service, const char *user,
	    const struct fx_login_opts *opts, struct login *out)
{
	static const struct fx_login_opts none;
	const struct fx_login_opts *o = opts != NULL ? opts : &none;
	int phases = o->phases != 0 ? o->phases : FX_AUTH | FX_ACCT;
	int flags = o->flags, go_on = 1, rc = PAM_SUCCESS;
	pam_handle_t *pamh;

	pamh = fx_pam_start(service, user, o, out);
	if (phases & FX_AUTH) {
		rc = out->auth_rc = pam_authenticate(pamh, flags);
		go_on = rc == PAM_SUCCESS;
	}
	if ((phases & FX_ACCT) && (go_on || o->keep_going)) {
		rc = out->acct_rc = pam_acct_mgmt(pamh, flags);
		go_on = rc == PAM_SUCCESS || rc == PAM_NEW_AUTHTOK_REQD;
	}
	if ((phases & FX_CHAUTHTOK) && (go_on || o->keep_going)) {
		int extra = out->acct_rc == PAM_NEW_AUTHTOK_REQD ?
			    PAM_CHANGE_EXPIRED_AUTHTOK : 0;

		rc = out->chauthtok_rc = pam_chauthtok(pamh, flags | extra);
		go_on = rc == PAM_SUCCESS;
	} else if (out->acct_rc == PAM_NEW_AUTHTOK_REQD) {
		go_on = 0;
	}
	if ((phases & FX_SESSION) && (go_on || o->keep_going))
		rc = out->session_rc = pam_open_session(pamh, flags);
	copy_env(pamh, out);
	if (out->session_rc == PAM_SUCCESS)
		pam_close_session(pamh, flags);
	out->last_rc_ = rc;
	if (o->keep_handle) {
		out->pamh = pamh;
		return;
	}
	pam_end(pamh, rc);
}

void
fx_login_end(struct login *l)
{
	if (l->pamh == NULL)
		return;
	pam_end(l->pamh, l->last_rc_);
	l->pamh = NULL;
}

void
fx_login(const char *service, const char *user, const char *password,
	 const char *rhost, struct login *out)
{
	struct fx_login_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.items.rhost = rhost;
	opts.default_answer = password != NULL ? password : "";
	fx_login_ex(service, user, &opts, out);
}

/* ---- logs and time ---- */

static long
file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		assert_int_equal(errno, ENOENT);
		return 0;
	}
	return (long)st.st_size;
}

void
fx_log_begin(struct fixture *fx)
{
	fx->log_start = file_size(fx->log_path);
}

void
fx_log_end(struct fixture *fx, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t r;
	int fd;

	buf[0] = '\0';
	fd = open(fx->log_path, O_RDONLY);
	if (fd < 0) {
		assert_int_equal(errno, ENOENT);	/* nothing logged */
		return;
	}
	assert_int_equal(lseek(fd, fx->log_start, SEEK_SET), fx->log_start);
	while (got + 1 < len) {
		r = read(fd, buf + got, len - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		assert_true(r >= 0);
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	close(fd);
}

void
fx_clock_offset(long seconds)
{
	char value[32];

	/* libfaketime reads FAKETIME anew on every call (FAKETIME_NO_CACHE):
	 * an offset from the real clock, for this process and its children. */
	snprintf(value, sizeof(value), "%+lds", seconds);
	fx_faketime(value);
}

void
fx_faketime(const char *value)
{
	setenv("FAKETIME", value, 1);
	/* make check-broker: crm-authd reads the same clock from here. */
	if (getenv("CRM_TEST_FAKETIME_FILE") != NULL) {
		FILE *fp = fopen(getenv("CRM_TEST_FAKETIME_FILE"), "w");

		assert_non_null(fp);
		fprintf(fp, "%s\n", value);
		assert_int_equal(fclose(fp), 0);
	}
}
