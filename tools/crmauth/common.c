/*
 * common.c - the parts of crmauth every command family uses: the run's
 * configuration and context, errors and exit status, the audited change,
 * password input and output as a table or as JSON.
 */
#include "autoconfig.h"

#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/audit.h"
#include "core/clock.h"
#include "core/context.h"
#include "core/crm.h"
#include "core/crypto.h"
#include "decide/options.h"
#include "cli/prompt.h"
#include "cli/text.h"
#include "store/store.h"

#include "crmauth.h"

/* [crmauth] takes the options every tool takes, nothing of its own yet. */
static const struct crm_option crmauth_options[] = {
	CRM_COMMON_OPTIONS(struct crmauth_opts),
};

/* ---- run state ---- */

static void ca_log_stderr(void *arg, int priority, const char *fmt,
			  va_list ap) __attribute__((format(printf, 3, 0)));

static void
ca_log_stderr(void *arg, int priority, const char *fmt, va_list ap)
{
	const struct crmauth *ca = arg;

	if (priority == LOG_DEBUG && !ca->opts.common.debug)
		return;
	fputs("crmauth: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* Who runs this, for the ruser of the audit rows.  SUDO_USER names the
 * person behind "sudo crmauth"; it is believed only when we are root,
 * which is when sudo sets it. */
static void
ca_find_invoker(struct crmauth *ca)
{
	const char *sudo_user = getenv("SUDO_USER");
	const struct passwd *pw;
	int n;

	if (getuid() == 0 && sudo_user != NULL &&
	    crm_valid_name(sudo_user, sizeof(ca->invoker), 0)) {
		n = snprintf(ca->invoker, sizeof(ca->invoker), "%s",
			     sudo_user);
		if (n >= 0 && (size_t)n < sizeof(ca->invoker))
			return;
	}
	pw = getpwuid(getuid());
	if (pw != NULL && pw->pw_name != NULL &&
	    crm_valid_name(pw->pw_name, sizeof(ca->invoker), 0)) {
		n = snprintf(ca->invoker, sizeof(ca->invoker), "%s",
			     pw->pw_name);
		if (n >= 0 && (size_t)n < sizeof(ca->invoker))
			return;
	}
	snprintf(ca->invoker, sizeof(ca->invoker), "uid=%lu",
		 (unsigned long)getuid());
}

/* The terminal an administrator works from, as login(1) names it. */
static void
ca_find_tty(struct crmauth *ca)
{
	const char *name;
	int n;

	ca->tty[0] = '\0';
	if (!isatty(STDIN_FILENO))
		return;
	name = ttyname(STDIN_FILENO);
	if (name == NULL)
		return;
	if (strncmp(name, "/dev/", 5) == 0)
		name += 5;
	if (!crm_valid_name(name, sizeof(ca->tty), 0))
		return;
	n = snprintf(ca->tty, sizeof(ca->tty), "%s", name);
	if (n < 0 || (size_t)n >= sizeof(ca->tty))
		ca->tty[0] = '\0';
}

void
ca_setup(struct crmauth *ca)
{
	memset(ca, 0, sizeof(*ca));
	ca->log.fn = ca_log_stderr;
	ca->log.arg = ca;
	ca->log.debug = 0;
	crm_common_defaults(&ca->opts.common);
	ca_find_invoker(ca);
	ca_find_tty(ca);
}

void
ca_teardown(struct crmauth *ca)
{
	ca_abort(ca);
	if (ca->ctx != NULL) {
		crm_ctx_close(ca->ctx);
		ca->ctx = NULL;
	}
}

/* One "name=value" module-argument string. */
static int
ca_arg(char *buf, size_t len, const char *name, const char *value)
{
	int n = snprintf(buf, len, "%s=%s", name, value);

	if (n < 0 || (size_t)n >= len) {
		ca_warn("--%s: path too long", name);
		return CRM_INVALID;
	}
	return CRM_OK;
}

/*
 * The command line is handed to crm_config_load as the module-argument
 * layer, so that crmauth resolves its paths exactly as a module does:
 * option > [crmauth] > [global] > built-in default.
 */
int
ca_load_config(struct crmauth *ca)
{
	char conf_arg[PATH_MAX + 8], db_arg[PATH_MAX + 8];
	char key_arg[PATH_MAX + 16];
	const char *argv[3];
	int argc = 0, rc;
	struct crm_config_spec spec = {
		.section = "crmauth",
		.options = crmauth_options,
		.option_count = CRM_ARRAY_SIZE(crmauth_options),
		.values = &ca->opts,
		.values_size = sizeof(ca->opts),
	};

	if (ca->config_loaded)
		return CRM_OK;
	/* [global] may hold any module's options; crmauth takes none of its
	 * own that a module lacks. */
	spec.global_tables = crm_decide_option_tables(&spec.global_table_count);
	crm_common_defaults(&ca->opts.common);
	if (ca->args.conf != NULL) {
		if ((rc = ca_arg(conf_arg, sizeof(conf_arg), "conf",
				 ca->args.conf)) != CRM_OK)
			return rc;
		argv[argc++] = conf_arg;
	}
	if (ca->args.db != NULL) {
		if ((rc = ca_arg(db_arg, sizeof(db_arg), "db",
				 ca->args.db)) != CRM_OK)
			return rc;
		argv[argc++] = db_arg;
	}
	if (ca->args.keyfile != NULL) {
		if ((rc = ca_arg(key_arg, sizeof(key_arg), "keyfile",
				 ca->args.keyfile)) != CRM_OK)
			return rc;
		argv[argc++] = key_arg;
	}
	/* The loader says what is wrong (file, line, option) through
	 * ca->log; nothing to add here. */
	rc = crm_config_load(&spec, crm_default_conf(), argc, argv, NULL,
			     &ca->log);
	if (rc != CRM_OK)
		return rc;
	ca->log.debug = ca->opts.common.debug;
	ca->config_loaded = 1;
	return CRM_OK;
}

int
ca_open(struct crmauth *ca)
{
	const struct crm_key *key;
	char err[PATH_MAX + 256];
	int rc;

	if (ca->ctx != NULL)
		return CRM_OK;
	if ((rc = ca_load_config(ca)) != CRM_OK)
		return rc;
	err[0] = '\0';
	rc = crm_ctx_open(&ca->opts.common, &ca->log, &ca->ctx, err,
			  sizeof(err));
	if (rc != CRM_OK) {
		ca->ctx = NULL;
		ca_warn("%s", err[0] != '\0' ? err : crm_strerror(rc));
	} else {
		/* Every command, even one that reads only, refuses a key
		 * that is not the database's: an administrator learns of it
		 * at once, not at the next write.  crm_ctx_key says why. */
		rc = crm_ctx_key(ca->ctx, &key);
		if (rc != CRM_OK) {
			crm_ctx_close(ca->ctx);
			ca->ctx = NULL;
		}
	}
	if (rc != CRM_OK) {
		/* The hint only where init would help: a file missing, not
		 * one that is unsafe or damaged. */
		if ((rc == CRM_EDB || rc == CRM_EKEY) &&
		    (access(ca->opts.common.db, F_OK) != 0 ||
		     access(ca->opts.common.keyfile, F_OK) != 0))
			ca_warn("(run \"crmauth init\" to create the "
				"database and the key file)");
	}
	return rc;
}

/* ---- errors and exit status ---- */

int
ca_exit_code(int status)
{
	switch (status) {
	case CRM_OK:
		return CA_EXIT_OK;
	case CRM_NOTFOUND:
	case CRM_EXISTS:
		return CA_EXIT_REFUSED;
	default:
		return CA_EXIT_ERROR;
	}
}

static void ca_verror(struct crmauth *ca, int status, const char *fmt,
		      va_list ap) __attribute__((format(printf, 3, 0)));

static void
ca_verror(struct crmauth *ca, int status, const char *fmt, va_list ap)
{
	const char *backend = NULL;

	/* The backend's own words say which file or lock, and never hold a
	 * secret (store.h). */
	if ((status == CRM_EDB || status == CRM_BUSY) && ca != NULL &&
	    ca->ctx != NULL && ca->ctx->store != NULL)
		backend = crm_store_errmsg(ca->ctx->store);
	fputs("crmauth: ", stderr);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, ": %s", crm_strerror(status));
	if (backend != NULL && backend[0] != '\0')
		fprintf(stderr, " (%s)", backend);
	fputc('\n', stderr);
}

void
ca_error(struct crmauth *ca, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ca_verror(ca, status, fmt, ap);
	va_end(ap);
}

int
ca_fail(struct crmauth *ca, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ca_verror(ca, status, fmt, ap);
	va_end(ap);
	return ca_exit_code(status);
}

void
ca_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("crmauth: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int
ca_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("crmauth: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	fputs(usage, stderr);
	return CA_EXIT_ERROR;
}

int
ca_usage(const char *usage)
{
	fputs(usage, stderr);
	return CA_EXIT_ERROR;
}

int
ca_fail_record(struct crmauth *ca, int status, const char *kind,
	       const char *name)
{
	switch (status) {
	case CRM_NOTFOUND:
		ca_warn("%s %s: no such %s", kind, name, kind);
		break;
	case CRM_EXISTS:
		ca_warn("%s %s: already exists", kind, name);
		break;
	default:
		ca_error(ca, status, "%s %s", kind, name);
		break;
	}
	return ca_exit_code(status);
}

int
ca_help(const char *usage)
{
	fputs(usage, stdout);
	return CA_EXIT_OK;
}

/* ---- argument parsing ---- */

void
ca_getopt_reset(void)
{
	/* 0, not 1: glibc then also forgets the permutation state left
	 * over from the global options. */
	optind = 0;
	opterr = 0;
}

int
ca_getopt(int argc, char **argv, const char *shortopts,
	  const struct option *longopts, const char *cmd)
{
	const char *sep = cmd != NULL ? ": " : "";
	int c;

	if (cmd == NULL)
		cmd = "";
	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == '?') {
		if (optopt != 0)
			ca_warn("%s%sunknown option '-%c'", cmd, sep, optopt);
		else
			ca_warn("%s%sunknown option '%s'", cmd, sep,
				argv[optind - 1]);
	} else if (c == ':') {
		ca_warn("%s%soption '%s' needs a value", cmd, sep,
			argv[optind - 1]);
		c = '?';
	}
	return c;
}

int
ca_simple_args(struct crmauth *ca, int argc, char **argv, const char *cmd,
	       const char *usage, int min_names, int max_names)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, names;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts, cmd)) != -1) {
		switch (c) {
		case 'j':
			ca->json = 1;
			break;
		case 'h':
			return ca_help(usage);
		default:
			return ca_usage(usage);
		}
	}
	names = argc - optind;
	if (names < min_names)
		return ca_usage_error(usage, "%s: missing argument", cmd);
	if (names > max_names)
		return ca_usage_error(usage, "%s: unexpected argument '%s'",
				      cmd, argv[optind + max_names]);
	return CA_CONTINUE;
}

int
ca_dispatch(struct crmauth *ca, int argc, char **argv,
	    const struct ca_verb *verbs, size_t nverbs, const char *usage)
{
	size_t i;

	if (argc < 2)
		return ca_usage_error(usage, "%s: missing subcommand",
				      argv[0]);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return ca_help(usage);
	for (i = 0; i < nverbs; i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].fn(ca, argc - 1, argv + 1);
	return ca_usage_error(usage, "%s: unknown subcommand '%s'", argv[0],
			      argv[1]);
}

int
ca_check_name(const char *what, const char *name)
{
	if (name == NULL || !crm_valid_name(name, CRM_NAME_MAX, 0)) {
		/* The name itself is not echoed: it may hold anything. */
		ca_warn("invalid %s name (1 to %d bytes of UTF-8, no "
			"control characters)", what, CRM_NAME_MAX - 1);
		return CRM_INVALID;
	}
	return CRM_OK;
}

int
ca_check_role(const char *name)
{
	const char *p;

	if (ca_check_name("role", name) != CRM_OK)
		return CRM_INVALID;
	/* CRM_ROLES and require_roles= are comma lists inside a module
	 * argument, which PAM splits at blanks. */
	for (p = name; *p != '\0'; p++) {
		if (*p == ',' || *p == ' ' || *p == '\t') {
			ca_warn("invalid role name: no commas or blanks "
				"(roles are listed as a,b)");
			return CRM_INVALID;
		}
	}
	return CRM_OK;
}

int
ca_parse_time(const char *text, int allow_past, int64_t *out_ms)
{
	char relative[64];
	int64_t now = crm_now_ms(), delta;
	int n, rc;

	if (allow_past && text[0] == '-') {
		/* "-2h": crm_time_parse knows only "+2h" from a given
		 * moment; measured from 0 that is the length itself. */
		n = snprintf(relative, sizeof(relative), "+%s", text + 1);
		if (n < 0 || (size_t)n >= sizeof(relative))
			return CRM_INVALID;
		rc = crm_time_parse(relative, 0, &delta);
		if (rc != CRM_OK)
			return rc;
		*out_ms = now - delta;
		return CRM_OK;
	}
	return crm_time_parse(text, now, out_ms);
}

/* ---- changes ---- */

int
ca_begin(struct crmauth *ca)
{
	int rc;

	if ((rc = ca_open(ca)) != CRM_OK)
		return rc;
	rc = crm_store_begin(ca->ctx->store, CRM_TXN_WRITE);
	if (rc != CRM_OK) {
		ca_error(ca, rc, "database %s", ca->ctx->db);
		return rc;
	}
	ca->in_txn = 1;
	return CRM_OK;
}

/* The request and event of an admin change: module "crmauth", ruser the
 * administrator, tty where they typed it, no service or address. */
static void
ca_admin_event(const struct crmauth *ca, const char *user, const char *event,
	       const char *detail, struct crm_request *req,
	       struct crm_audit_event *ev)
{
	memset(req, 0, sizeof(*req));
	req->user = user;
	req->ruser = ca->invoker;
	req->tty = ca->tty[0] != '\0' ? ca->tty : NULL;
	memset(ev, 0, sizeof(*ev));
	ev->time_ms = 0;
	ev->req = req;
	ev->user = user;
	ev->module = "crmauth";
	ev->event = event;
	ev->result = "ok";
	ev->detail = detail;
}

int
ca_audit_append(struct crmauth *ca, struct crm_store *store,
		const struct crm_key *key, const char *user,
		const char *event, const char *detail)
{
	struct crm_request req;
	struct crm_audit_event ev;

	ca_admin_event(ca, user, event, detail, &req, &ev);
	return crm_audit_append(store, key, &ev, NULL);
}

int
ca_commit(struct crmauth *ca, const char *user, const char *event,
	  const char *detail)
{
	struct crm_request req;
	struct crm_audit_event ev;
	int rc;

	/* Through the context, which also prunes rows past
	 * audit_keep_days now and then. */
	ca_admin_event(ca, user, event, detail, &req, &ev);
	rc = crm_ctx_audit(ca->ctx, &ev, NULL);
	if (rc != CRM_OK) {
		ca_error(ca, rc, "audit trail");
		goto out;
	}
	rc = crm_store_commit(ca->ctx->store);
	if (rc != CRM_OK) {
		ca_error(ca, rc, "database %s: commit", ca->ctx->db);
		goto out;
	}
	ca->in_txn = 0;
out:
	if (rc != CRM_OK)
		ca_abort(ca);
	return rc;
}

void
ca_abort(struct crmauth *ca)
{
	if (ca->in_txn && ca->ctx != NULL)
		crm_store_rollback(ca->ctx->store);
	ca->in_txn = 0;
}

void
ca_detail(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0)
		buf[0] = '\0';
	else if ((size_t)n >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

void
ca_done(struct crmauth *ca, const char *event, const char *name,
	const char *fmt, ...)
{
	json_object *obj;
	va_list ap;

	if (!ca->json) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
		return;
	}
	obj = json_object_new_object();
	if (obj == NULL ||
	    ca_json_str(obj, "result", "ok") != CRM_OK ||
	    ca_json_str(obj, "event", event) != CRM_OK ||
	    ca_json_str(obj, "name", name) != CRM_OK ||
	    ca_json_print(obj) != CRM_OK)
		ca_warn("out of memory");
	json_object_put(obj);
}

/* ---- passwords ---- */

static void
password_read_error(int rc, size_t len)
{
	if (rc == CRM_INVALID)
		ca_warn("password longer than %zu bytes refused", len - 1);
	else
		ca_warn("reading the password: %s", strerror(errno));
}

/* A hidden prompt on the terminal; end of input is an empty answer. */
static int
ask_hidden(const char *prompt, char *buf, size_t len)
{
	int rc = crm_ask_terminal(prompt, 0, buf, len);

	if (rc == CRM_NOTFOUND) {
		buf[0] = '\0';
		return CRM_OK;
	}
	if (rc != CRM_OK)
		password_read_error(rc, len);
	return rc;
}

int
ca_read_password(const char *who, int from_stdin, char *buf, size_t len)
{
	char again[CA_PASSWORD_MAX + 1];
	char prompt[CRM_NAME_MAX + 32];
	size_t n;
	int rc;

	if (!from_stdin && isatty(STDIN_FILENO)) {
		n = len < sizeof(again) ? len : sizeof(again);
		snprintf(prompt, sizeof(prompt), "New password for %s: ",
			 who);
		if ((rc = ask_hidden(prompt, buf, n)) != CRM_OK)
			goto out;
		if (buf[0] != '\0') {
			rc = ask_hidden("Retype new password: ", again, n);
			if (rc != CRM_OK)
				goto out;
			if (strlen(buf) != strlen(again) ||
			    !crm_equal(buf, again, strlen(buf))) {
				ca_warn("user %s: passwords do not match",
					who);
				rc = CRM_INVALID;
				goto out;
			}
		}
	} else {
		rc = crm_read_line(STDIN_FILENO, buf, len);
		if (rc == CRM_NOTFOUND) {	/* nothing typed: empty */
			buf[0] = '\0';
			rc = CRM_OK;
		} else if (rc != CRM_OK) {
			password_read_error(rc, len);
			goto out;
		}
	}
	if (buf[0] == '\0') {
		ca_warn("user %s: empty password refused", who);
		rc = CRM_INVALID;
	}
out:
	crm_cleanse(again, sizeof(again));
	if (rc != CRM_OK)
		crm_cleanse(buf, len);
	return rc;
}

/* ---- tables ---- */

void
ca_table_init(struct ca_table *table, size_t ncols,
	      const char *const *headers)
{
	memset(table, 0, sizeof(*table));
	table->ncols = ncols;
	table->headers = headers;
}

/* A cell as shown: "-" for none, anything not printable or not UTF-8 as
 * \xNN (crm_text_printable), so that a stored string cannot drive the
 * terminal. */
static char *
ca_cell(const char *text)
{
	return crm_text_printable(text != NULL && text[0] != '\0' ? text
								    : "-");
}

int
ca_table_add(struct ca_table *table, const char *const *cells)
{
	char **grown;
	size_t cap, i;

	if (table->nrows == table->cap) {
		cap = table->cap != 0 ? table->cap * 2 : 16;
		if (cap > SIZE_MAX / table->ncols / sizeof(char *))
			return CRM_ENOMEM;
		grown = realloc(table->cells,
				cap * table->ncols * sizeof(char *));
		if (grown == NULL)
			return CRM_ENOMEM;
		table->cells = grown;
		table->cap = cap;
	}
	for (i = 0; i < table->ncols; i++) {
		table->cells[table->nrows * table->ncols + i] =
			ca_cell(cells[i]);
		if (table->cells[table->nrows * table->ncols + i] == NULL) {
			while (i-- > 0)
				free(table->cells[table->nrows *
						  table->ncols + i]);
			return CRM_ENOMEM;
		}
	}
	table->nrows++;
	return CRM_OK;
}

static void
ca_table_row(const char *const *cells, const size_t *widths, size_t ncols)
{
	size_t i, pad;

	for (i = 0; i < ncols; i++) {
		fputs(cells[i], stdout);
		if (i + 1 == ncols)
			break;
		/* Two spaces between columns, as ps and ip do. */
		for (pad = strlen(cells[i]); pad < widths[i] + 2; pad++)
			putchar(' ');
	}
	putchar('\n');
}

int
ca_table_print(const struct ca_table *table)
{
	size_t *widths, i, j, n;

	widths = calloc(table->ncols, sizeof(*widths));
	if (widths == NULL)
		return CRM_ENOMEM;
	for (j = 0; j < table->ncols; j++)
		widths[j] = strlen(table->headers[j]);
	for (i = 0; i < table->nrows; i++) {
		for (j = 0; j < table->ncols; j++) {
			n = strlen(table->cells[i * table->ncols + j]);
			if (n > widths[j])
				widths[j] = n;
		}
	}
	ca_table_row(table->headers, widths, table->ncols);
	for (i = 0; i < table->nrows; i++)
		ca_table_row((const char *const *)&table->cells[i *
							       table->ncols],
			     widths, table->ncols);
	free(widths);
	return CRM_OK;
}

void
ca_table_free(struct ca_table *table)
{
	size_t i;

	for (i = 0; i < table->nrows * table->ncols; i++)
		free(table->cells[i]);
	free(table->cells);
	table->cells = NULL;
	table->nrows = table->cap = 0;
}

void
ca_time_text(int64_t ms, char *buf, size_t len)
{
	if (ms <= 0)
		snprintf(buf, len, "-");
	else
		crm_time_format(ms, buf, len);
}

/* ---- JSON ---- */

json_object *
ca_json_text(const char *value)
{
	json_object *val;
	char *shown;

	/* json-c escapes C0 controls but passes any other byte through, so
	 * that a stored 0xff would make the whole document invalid. */
	if ((shown = crm_text_printable(value)) == NULL)
		return NULL;
	val = json_object_new_string(shown);
	free(shown);
	return val;
}

int
ca_json_str(json_object *obj, const char *key, const char *value)
{
	json_object *val = NULL;

	if (value != NULL && (val = ca_json_text(value)) == NULL)
		return CRM_ENOMEM;
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		return CRM_ENOMEM;
	}
	return CRM_OK;
}

int
ca_json_int(json_object *obj, const char *key, int64_t value)
{
	json_object *val = json_object_new_int64(value);

	if (val == NULL)
		return CRM_ENOMEM;
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		return CRM_ENOMEM;
	}
	return CRM_OK;
}

int
ca_json_bool(json_object *obj, const char *key, int value)
{
	json_object *val = json_object_new_boolean(value != 0);

	if (val == NULL)
		return CRM_ENOMEM;
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		return CRM_ENOMEM;
	}
	return CRM_OK;
}

int
ca_json_time(json_object *obj, const char *key, int64_t ms)
{
	char text[64];

	if (ms <= 0)
		return ca_json_str(obj, key, NULL);
	crm_time_format(ms, text, sizeof(text));
	return ca_json_str(obj, key, text);
}

int
ca_json_print(json_object *obj)
{
	const char *text;

	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text == NULL)
		return CRM_ENOMEM;
	puts(text);
	return CRM_OK;
}

/* ---- string lists ---- */

int
ca_strlist_add(struct ca_strlist *list, const char *item)
{
	char **grown;
	size_t cap;

	if (list->count == list->cap) {
		cap = list->cap != 0 ? list->cap * 2 : 8;
		if (cap > SIZE_MAX / sizeof(char *))
			return CRM_ENOMEM;
		grown = realloc(list->items, cap * sizeof(char *));
		if (grown == NULL)
			return CRM_ENOMEM;
		list->items = grown;
		list->cap = cap;
	}
	if ((list->items[list->count] = strdup(item)) == NULL)
		return CRM_ENOMEM;
	list->count++;
	return CRM_OK;
}

char *
ca_strlist_join(const struct ca_strlist *list, const char *sep)
{
	size_t total = 1, seplen = strlen(sep), i, n;
	char *out, *p;

	for (i = 0; i < list->count; i++) {
		n = strlen(list->items[i]) + (i > 0 ? seplen : 0);
		if (n > SIZE_MAX - total)
			return NULL;
		total += n;
	}
	if ((out = malloc(total)) == NULL)
		return NULL;
	p = out;
	for (i = 0; i < list->count; i++) {
		if (i > 0) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		n = strlen(list->items[i]);
		memcpy(p, list->items[i], n);
		p += n;
	}
	*p = '\0';
	return out;
}

void
ca_strlist_free(struct ca_strlist *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

int
ca_strlist_cb(void *arg, const char *name)
{
	return ca_strlist_add(arg, name);
}
