/*
 * run.c - the run's state: who invokes crmauth and from which terminal,
 * the configuration merged as a module merges it, and the context opened
 * on first use.
 */
#include "autoconfig.h"

#include <sys/types.h>

#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "core/config.h"
#include "core/context.h"
#include "core/crm.h"
#include "decide/options.h"
#include "store/store.h"

#include "crmauth.h"

/* [crmauth]: the options every tool takes, and where CRM accounts with a
 * login shell appear in the system's user database (extrausers.c).  The
 * uids start above Debian's own ranges (adduser's 1000-59999, Debian's
 * 60000-64999) and stay below 2^31, which some tools still treat as
 * signed. */
static const struct crm_option crmauth_options[] = {
	CRM_COMMON_OPTIONS(struct crmauth_opts),
	{ "uid_range", CRM_OPT_RANGE, offsetof(struct crmauth_opts, uid_range),
	  1000, 2147483646L, NULL, 0 },
	{ "extrausers_dir", CRM_OPT_PATH,
	  offsetof(struct crmauth_opts, extrausers_dir), 0, 0, NULL, 0 },
	{ "home_base", CRM_OPT_PATH, offsetof(struct crmauth_opts, home_base),
	  0, 0, NULL, 0 },
	{ "notify_command", CRM_OPT_PATH,
	  offsetof(struct crmauth_opts, notify_command), 0, 0, NULL, 0 },
	{ "notify_timeout", CRM_OPT_DURATION_MS,
	  offsetof(struct crmauth_opts, notify_timeout_ms), 100, 60000, NULL,
	  0 },
};

static void
crmauth_defaults(struct crmauth_opts *opts)
{
	crm_common_defaults(&opts->common);
	opts->uid_range.lo = 70000;
	opts->uid_range.hi = 79999;
	snprintf(opts->extrausers_dir, sizeof(opts->extrausers_dir), "%s",
		 "/var/lib/extrausers");
	snprintf(opts->home_base, sizeof(opts->home_base), "%s", "/home");
	opts->notify_command[0] = '\0';
	opts->notify_timeout_ms = 5000;
}

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
	crmauth_defaults(&ca->opts);
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
ca_module_argv(const struct crmauth *ca, char *buf, size_t len,
	       const char **argv)
{
	if (ca->args.conf == NULL)
		return 0;
	if ((size_t)snprintf(buf, len, "conf=%s", ca->args.conf) >= len)
		return -1;
	argv[0] = buf;
	return 1;
}

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
	crmauth_defaults(&ca->opts);
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
