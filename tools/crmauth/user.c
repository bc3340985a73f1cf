/*
 * user.c - crmauth user: CRM accounts, their status and their password.
 *
 * Passwords come from standard input or a hidden prompt, never from the
 * command line (where ps and shell history would see them); they are
 * hashed before the write transaction starts, so that the slow hash
 * never holds the database's write lock.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/text.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/hash.h"
#include "decide/lockout.h"
#include "decide/passwd.h"
#include "store/store.h"

#include "crmauth.h"

static const char user_usage[] =
"usage: crmauth user add NAME [--dept D] [--role R]... [--password-stdin]\n"
"                            [--login-shell PATH]\n"
"       crmauth user del|show|enable|disable NAME\n"
"       crmauth user set NAME (--login-shell PATH | --no-login)\n"
"       crmauth user suspend NAME --until TIME\n"
"       crmauth user link NAME OTHER\n"
"       crmauth user passwd NAME [--stdin] [--force] [--expire]\n"
"       crmauth user expire NAME\n"
"       crmauth user list\n"
"TIME: ISO 8601 (2026-01-31T18:00:00Z) or +30m / +2h / +7d from now.\n";

/* What user show and user list print of an account: never the hash. */
struct user_entry {
	char *name;
	char *dept;
	enum crm_user_status status;
	int64_t suspended_until_ms;
	int64_t created_ms;
	int64_t password_changed_ms;
	int64_t last_login_ms;
	int must_change;
	int has_password;
	int64_t uid;			/* 0: none */
	char *login_shell;		/* NULL: no login */
	struct ca_strlist roles;
};

struct user_entries {
	struct user_entry *items;
	size_t count, cap;
};

static void
user_entry_free(struct user_entry *entry)
{
	free(entry->name);
	free(entry->dept);
	free(entry->login_shell);
	ca_strlist_free(&entry->roles);
	memset(entry, 0, sizeof(*entry));
}

static int
user_entry_copy(struct user_entry *entry, const struct crm_user *user)
{
	memset(entry, 0, sizeof(*entry));
	entry->name = strdup(user->name);
	if (entry->name == NULL)
		goto fail;
	if (user->dept != NULL && (entry->dept = strdup(user->dept)) == NULL)
		goto fail;
	if (user->login_shell != NULL &&
	    (entry->login_shell = strdup(user->login_shell)) == NULL)
		goto fail;
	entry->uid = user->uid;
	entry->status = user->status;
	entry->suspended_until_ms = user->suspended_until_ms;
	entry->created_ms = user->created_ms;
	entry->password_changed_ms = user->password_changed_ms;
	entry->last_login_ms = user->last_login_ms;
	entry->must_change = user->must_change;
	/* Listings do not read the hash at all; a password set always
	 * has a change time. */
	entry->has_password = (user->password_hash != NULL &&
			       user->password_hash[0] != '\0') ||
			      user->password_changed_ms != 0;
	return CRM_OK;
fail:
	user_entry_free(entry);
	return CRM_ENOMEM;
}

/* "active", "disabled", "suspended until 2026-01-31T18:00:00.000Z". */
static void
user_status_text(const struct user_entry *entry, char *buf, size_t len)
{
	char until[64];

	if (entry->status == CRM_USER_SUSPENDED &&
	    entry->suspended_until_ms > 0) {
		crm_time_format(entry->suspended_until_ms, until,
				sizeof(until));
		snprintf(buf, len, "%s until %s",
			 crm_user_status_name(entry->status), until);
	} else {
		snprintf(buf, len, "%s", crm_user_status_name(entry->status));
	}
}

static int
user_json(const struct user_entry *entry, json_object **out)
{
	json_object *obj, *roles = NULL, *role;
	size_t i;
	int rc = CRM_ENOMEM;

	*out = NULL;
	if ((obj = json_object_new_object()) == NULL)
		return CRM_ENOMEM;
	if (ca_json_str(obj, "name", entry->name) != CRM_OK ||
	    ca_json_str(obj, "dept", entry->dept) != CRM_OK ||
	    ca_json_str(obj, "status",
			crm_user_status_name(entry->status)) != CRM_OK ||
	    ca_json_time(obj, "suspended_until",
			 entry->status == CRM_USER_SUSPENDED ?
			 entry->suspended_until_ms : 0) != CRM_OK)
		goto out;
	if ((roles = json_object_new_array()) == NULL)
		goto out;
	for (i = 0; i < entry->roles.count; i++) {
		role = ca_json_text(entry->roles.items[i]);
		if (role == NULL)
			goto out;
		if (json_object_array_add(roles, role) != 0) {
			json_object_put(role);
			goto out;
		}
	}
	if (json_object_object_add(obj, "roles", roles) != 0)
		goto out;
	roles = NULL;
	if (ca_json_bool(obj, "password_set", entry->has_password) != CRM_OK ||
	    ca_json_time(obj, "password_changed",
			 entry->password_changed_ms) != CRM_OK ||
	    ca_json_bool(obj, "must_change", entry->must_change) != CRM_OK ||
	    ca_json_time(obj, "created", entry->created_ms) != CRM_OK ||
	    ca_json_time(obj, "last_login", entry->last_login_ms) != CRM_OK ||
	    ca_json_str(obj, "login_shell", entry->login_shell) != CRM_OK)
		goto out;
	if (entry->uid > 0) {
		json_object *uid = json_object_new_int64(entry->uid);

		if (uid == NULL ||
		    json_object_object_add(obj, "uid", uid) != 0) {
			json_object_put(uid);
			goto out;
		}
	}
	*out = obj;
	obj = NULL;
	rc = CRM_OK;
out:
	json_object_put(roles);
	json_object_put(obj);
	return rc;
}

/* An audited change of the record of user name itself. */
static int
user_change(struct crmauth *ca, const char *name, const char *event,
	    int (*apply)(struct crmauth *, struct ca_change *), void *arg,
	    const char *done)
{
	struct ca_change change = { 0 };

	/* Every change but the must-change flag may change who is in NSS
	 * (a password is set by crm_passwd_change, not here). */
	change.sync_logins = strcmp(event, "admin:user expire") != 0;
	change.apply = apply;
	change.arg = arg;
	change.kind = "user";
	change.name = name;
	change.user = name;
	change.event = event;
	change.done_text = done;
	return ca_change(ca, &change);
}

/*
 * Read a new password for name and hash it into hash (len bytes, cleared
 * by the caller with crm_cleanse); the password itself is cleared here.
 * Returns the exit status.
 */
static int
user_new_hash(struct crmauth *ca, const char *name, int from_stdin,
	      char *hash, size_t len)
{
	char password[CA_PASSWORD_MAX + 1];
	int rc;

	rc = ca_read_password(name, from_stdin, password, sizeof(password));
	if (rc != CRM_OK)
		return rc == CRM_INVALID ? CA_EXIT_REFUSED : CA_EXIT_ERROR;
	rc = crm_hash_password(password, hash, len);
	crm_cleanse(password, sizeof(password));
	if (rc != CRM_OK)
		return ca_fail(ca, rc, "user %s: password hash", name);
	return CA_EXIT_OK;
}

/* ---- user add ---- */

struct user_new {
	const char *dept;
	const char *hash;		/* NULL: no password */
	const struct ca_strlist *roles;
	const char *login_shell;	/* NULL: none */
};

static int
user_add_apply(struct crmauth *ca, struct ca_change *change)
{
	const struct user_new *user = change->arg;
	char *role_text;
	size_t i;
	int rc;

	rc = crm_store_user_add(ca->ctx->store, change->name, user->dept,
				user->hash, crm_now_ms());
	if (rc != CRM_OK)
		return rc;
	for (i = 0; i < user->roles->count; i++) {
		rc = crm_store_role_grant(ca->ctx->store, change->name,
					  user->roles->items[i]);
		/* --role r --role r: the second grant finds the first. */
		if (rc == CRM_EXISTS)
			continue;
		if (rc != CRM_OK) {
			change->kind = "role";
			change->name = user->roles->items[i];
			return rc;
		}
	}
	if (user->login_shell != NULL &&
	    (rc = ca_login_set(ca, change, user->login_shell)) != CRM_OK)
		return rc;
	if ((role_text = ca_strlist_join(user->roles, ",")) == NULL)
		return CRM_ENOMEM;
	ca_detail(change->detail, sizeof(change->detail),
		  "dept=%s roles=%s password=%s login_shell=%s",
		  user->dept != NULL ? user->dept : "-",
		  role_text[0] != '\0' ? role_text : "-",
		  user->hash != NULL ? "set" : "none",
		  user->login_shell != NULL ? user->login_shell : "-");
	free(role_text);
	return CRM_OK;
}

static int
user_add(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dept", required_argument, NULL, 'd' },
		{ "role", required_argument, NULL, 'r' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "login-shell", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ca_strlist roles = { 0 };
	struct user_new user = { NULL, NULL, &roles, NULL };
	char hash[CRM_HASH_MAX];
	char done[CRM_MSG_MAX];
	const char *name, *dept = NULL;
	int with_password = 0, c, opt, ret = CA_EXIT_ERROR;
	size_t i;

	hash[0] = '\0';
	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts,
			      "user add")) != -1) {
		switch (c) {
		case 'd':
			dept = optarg;
			break;
		case 'r':
			if (ca_strlist_add(&roles, optarg) != CRM_OK) {
				ca_warn("out of memory");
				goto out;
			}
			break;
		case 'p':
			with_password = 1;
			break;
		case 'l':
			user.login_shell = optarg;
			break;
		default:
			opt = ca_verb_option(ca, c, user_usage);
			if (opt != CA_CONTINUE) {
				ret = opt;
				goto out;
			}
			break;
		}
	}
	if (argc - optind != 1) {
		ret = ca_usage_error(user_usage, "user add: expected one NAME");
		goto out;
	}
	name = argv[optind];
	if (ca_check_name("user", name) != CRM_OK ||
	    (dept != NULL && ca_check_item("department", dept) != CRM_OK))
		goto out;
	for (i = 0; i < roles.count; i++)
		if (ca_check_role(roles.items[i]) != CRM_OK)
			goto out;
	/* Checked before the password is asked for, like every mistake of
	 * the command line. */
	if (user.login_shell != NULL &&
	    (ca_login_name_ok(name) != CRM_OK ||
	     ca_login_shell_ok(user.login_shell) != CRM_OK))
		goto out;

	if (with_password) {
		ret = user_new_hash(ca, name, 1, hash, sizeof(hash));
		if (ret != CA_EXIT_OK)
			goto out;
		user.hash = hash;
	}

	user.dept = dept;
	snprintf(done, sizeof(done), "user %s added", name);
	ret = user_change(ca, name, "admin:user add", user_add_apply,
			  &user, done);
out:
	crm_cleanse(hash, sizeof(hash));
	ca_strlist_free(&roles);
	return ret;
}

/*
 * The one NAME of a verb that takes no options of its own, checked.
 * NULL, with the exit status in *ret, when there is none, it is not a
 * user name, or --help was asked for.
 */
static const char *
user_one_name(struct crmauth *ca, int argc, char **argv, const char *verb,
	      int *ret)
{
	*ret = ca_simple_args(ca, argc, argv, verb, user_usage, 1, 1);
	if (*ret != CA_CONTINUE)
		return NULL;
	if (ca_check_name("user", argv[optind]) != CRM_OK) {
		*ret = CA_EXIT_ERROR;
		return NULL;
	}
	return argv[optind];
}

/* ---- user del | enable | disable ---- */

static int
user_del_apply(struct crmauth *ca, struct ca_change *change)
{
	return crm_store_user_del(ca->ctx->store, change->name);
}

static int
user_del(struct crmauth *ca, int argc, char **argv)
{
	char done[CRM_MSG_MAX];
	const char *name;
	int ret;

	if ((name = user_one_name(ca, argc, argv, "user del", &ret)) == NULL)
		return ret;
	snprintf(done, sizeof(done), "user %s deleted", name);
	return user_change(ca, name, "admin:user del", user_del_apply,
			   NULL, done);
}

/* The status a user is set to, and the audit detail that says so. */
struct user_status {
	enum crm_user_status status;
	int64_t until_ms;
	const char *detail;
};

static int
user_status_apply(struct crmauth *ca, struct ca_change *change)
{
	const struct user_status *set = change->arg;
	int rc;

	rc = crm_store_user_set_status(ca->ctx->store, change->name,
				       set->status, set->until_ms);
	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail), "%s",
			  set->detail);
	return rc;
}

static int
user_set_status(struct crmauth *ca, const char *name,
		enum crm_user_status status, int64_t until_ms,
		const char *event, const char *detail)
{
	struct user_status set = { status, until_ms, detail };
	char done[CRM_MSG_MAX], until[64];

	if (status == CRM_USER_SUSPENDED) {
		crm_time_format(until_ms, until, sizeof(until));
		snprintf(done, sizeof(done), "user %s suspended until %s",
			 name, until);
	} else {
		snprintf(done, sizeof(done), "user %s %s", name,
			 status == CRM_USER_ACTIVE ? "enabled" : "disabled");
	}
	return user_change(ca, name, event, user_status_apply, &set, done);
}

static int
user_enable(struct crmauth *ca, int argc, char **argv)
{
	const char *name;
	int ret;

	if ((name = user_one_name(ca, argc, argv, "user enable", &ret)) ==
	    NULL)
		return ret;
	return user_set_status(ca, name, CRM_USER_ACTIVE, 0,
			       "admin:user enable", "status=active");
}

static int
user_disable(struct crmauth *ca, int argc, char **argv)
{
	const char *name;
	int ret;

	if ((name = user_one_name(ca, argc, argv, "user disable", &ret)) ==
	    NULL)
		return ret;
	return user_set_status(ca, name, CRM_USER_DISABLED, 0,
			       "admin:user disable", "status=disabled");
}

/* ---- user set ---- */

static int
user_set_apply(struct crmauth *ca, struct ca_change *change)
{
	const char *shell = change->arg;
	int rc;

	rc = ca_login_set(ca, change, shell);
	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail),
			  "login_shell=%s", shell != NULL ? shell : "-");
	return rc;
}

static int
user_set(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "login-shell", required_argument, NULL, 'l' },
		{ "no-login", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char done[CRM_MSG_MAX];
	const char *shell = NULL, *name;
	int no_login = 0, c, opt;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts,
			      "user set")) != -1) {
		switch (c) {
		case 'l':
			shell = optarg;
			break;
		case 'n':
			no_login = 1;
			break;
		default:
			opt = ca_verb_option(ca, c, user_usage);
			if (opt != CA_CONTINUE)
				return opt;
			break;
		}
	}
	if (argc - optind != 1)
		return ca_usage_error(user_usage, "user set: expected one NAME");
	if ((shell != NULL) == no_login)
		return ca_usage_error(user_usage, "user set: give one of "
				      "--login-shell PATH and --no-login");
	name = argv[optind];
	if (ca_check_name("user", name) != CRM_OK)
		return CA_EXIT_ERROR;
	if (shell != NULL && (ca_login_name_ok(name) != CRM_OK ||
			      ca_login_shell_ok(shell) != CRM_OK))
		return CA_EXIT_ERROR;
	if (shell != NULL)
		snprintf(done, sizeof(done), "user %s logs in with %s", name,
			 shell);
	else
		snprintf(done, sizeof(done), "user %s has no login shell",
			 name);
	return user_change(ca, name, "admin:user set", user_set_apply,
			   (void *)(uintptr_t)shell, done);
}

/* ---- user link ---- */

static int
user_link_apply(struct crmauth *ca, struct ca_change *change)
{
	const char *other = change->arg;
	struct crm_user user;
	int rc;

	/* Which of the two is missing, for the refusal. */
	rc = crm_store_user_get(ca->ctx->store, other, &user);
	if (rc != CRM_OK) {
		change->name = other;
		return rc;
	}
	crm_user_clear(&user);
	rc = crm_store_user_link(ca->ctx->store, change->name, other);
	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail),
			  "linked=%s", other);
	return rc;
}

static int
user_link_refuse(struct crmauth *ca, struct ca_change *change, int status)
{
	if (status == CRM_EXISTS) {
		ca_warn("users %s and %s are linked already", change->name,
			(const char *)change->arg);
		return CA_EXIT_REFUSED;
	}
	return CA_CONTINUE;
}

static int
user_link(struct crmauth *ca, int argc, char **argv)
{
	struct ca_change change = { 0 };
	char done[CRM_MSG_MAX];
	const char *name, *other;
	int ret;

	ret = ca_simple_args(ca, argc, argv, "user link", user_usage, 2, 2);
	if (ret != CA_CONTINUE)
		return ret;
	name = argv[optind];
	other = argv[optind + 1];
	if (ca_check_name("user", name) != CRM_OK ||
	    ca_check_name("user", other) != CRM_OK)
		return CA_EXIT_ERROR;
	if (strcmp(name, other) == 0)
		return ca_usage_error(user_usage, "user link: two different "
				      "accounts");
	snprintf(done, sizeof(done), "users %s and %s linked", name, other);
	change.apply = user_link_apply;
	change.refuse = user_link_refuse;
	change.arg = (void *)(uintptr_t)other;
	change.kind = "user";
	change.name = name;
	change.user = name;
	change.event = "admin:user link";
	change.done_text = done;
	return ca_change(ca, &change);
}

/* ---- user suspend ---- */

static int
user_suspend(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "until", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char detail[CRM_DETAIL_MAX], until_text[64];
	const char *until = NULL, *name;
	int64_t until_ms;
	int c, opt;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts,
			      "user suspend")) != -1) {
		switch (c) {
		case 'u':
			until = optarg;
			break;
		default:
			opt = ca_verb_option(ca, c, user_usage);
			if (opt != CA_CONTINUE)
				return opt;
			break;
		}
	}
	if (argc - optind != 1)
		return ca_usage_error(user_usage,
				      "user suspend: expected one NAME");
	if (until == NULL)
		return ca_usage_error(user_usage,
				      "user suspend: --until TIME is required");
	name = argv[optind];
	if (ca_check_name("user", name) != CRM_OK)
		return CA_EXIT_ERROR;
	if (ca_parse_time(until, 0, &until_ms) != CRM_OK)
		return ca_usage_error(user_usage,
				      "user suspend: --until: not a time: %s",
				      until);
	/* A suspension that has already ended would read as active while
	 * the record says suspended: refuse it as a typing error. */
	if (until_ms <= crm_now_ms())
		return ca_usage_error(user_usage,
				      "user suspend: --until: %s is past",
				      until);
	crm_time_format(until_ms, until_text, sizeof(until_text));
	ca_detail(detail, sizeof(detail), "status=suspended until=%s",
		  until_text);
	return user_set_status(ca, name, CRM_USER_SUSPENDED, until_ms,
			       "admin:user suspend", detail);
}

/* ---- user passwd ---- */

/* Whether name exists, asked before the password prompt so that the
 * administrator does not type a password for a misspelled account. */
static int
user_check_exists(struct crmauth *ca, const char *name)
{
	struct crm_user user;
	int rc;

	memset(&user, 0, sizeof(user));
	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);
	rc = crm_store_user_get(ca->ctx->store, name, &user);
	if (rc == CRM_OK)
		crm_user_clear(&user);
	if (rc != CRM_OK)
		return ca_fail_record(ca, rc, "user", name);
	return CA_EXIT_OK;
}

/* Every reason of a verdict, one a line, on standard error. */
static void
print_reasons(const char *name, const char *what, const char *message)
{
	const char *line = message, *end;

	while (*line != '\0') {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		ca_warn("user %s: %s%.*s", name, what, (int)(end - line), line);
		line = *end == '\n' ? end + 1 : end;
	}
}

/*
 * The policy and the history apply to an administrator too: a weak or
 * reused password only with --force (audited as weak).  One transaction,
 * the one of pam_crm_passwd's change, with its audit row
 * (password_changed, "set by an administrator").
 */
static int
user_passwd_set(struct crmauth *ca, const char *name, const char *password,
		unsigned int how)
{
	struct crm_passwd_opts *opts;
	struct crm_role_sections roles;
	struct crm_request req;
	struct crm_outcome out;
	int rc, ret;

	memset(&roles, 0, sizeof(roles));
	/* About 20 KiB of paths: on the heap, as everywhere else. */
	opts = malloc(sizeof(*opts));
	if (opts == NULL)
		return ca_fail(ca, CRM_ENOMEM, "user %s", name);
	ret = ca_passwd_options(ca, opts, &roles);
	if (ret != CA_EXIT_OK)
		goto out;
	/* The tool sets the account's own hash: store=next hands the
	 * password to pam_unix in a PAM stack, and there is none here, so
	 * with it the change would be reported and audited but not made. */
	opts->store = CRM_PASSWD_STORE_DB;
	ca_admin_request(ca, name, &req);
	rc = crm_passwd_change(ca->ctx, opts, &roles, &req, NULL, password,
			       how, &out);
	if (out.audit_tag[0] != '\0')
		ca_log_row(ca, name, out.event, out.audit_tag);
	if (out.verdict == CRM_FAIL) {
		ret = ca_fail(ca, rc, "user %s: %s", name, out.detail);
	} else if (out.verdict == CRM_DENY) {
		print_reasons(name, "", out.message);
		ca_warn("user %s: password refused (--force sets it anyway)",
			name);
		ret = CA_EXIT_REFUSED;
	} else {
		print_reasons(name, "warning: ", out.message);
		ca_done(ca, out.event, name, "password of user %s "
			"changed%s", name, (how & CRM_PWCHANGE_EXPIRE) ?
			"; it must be changed at the next login" : "");
		ret = CA_EXIT_OK;
	}
out:
	crm_config_free_roles(&roles);
	free(opts);
	return ret;
}

static int
user_passwd(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "stdin", no_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "expire", no_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char password[CA_PASSWORD_MAX + 1];
	unsigned int how = CRM_PWCHANGE_ADMIN;
	const char *name;
	int from_stdin = 0, c, opt, rc, ret = CA_EXIT_ERROR;

	password[0] = '\0';
	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts,
			      "user passwd")) != -1) {
		switch (c) {
		case 's':
			from_stdin = 1;
			break;
		case 'f':
			how |= CRM_PWCHANGE_WARN_ONLY;
			break;
		case 'e':
			how |= CRM_PWCHANGE_EXPIRE;
			break;
		default:
			opt = ca_verb_option(ca, c, user_usage);
			if (opt != CA_CONTINUE) {
				ret = opt;
				goto out;
			}
			break;
		}
	}
	if (argc - optind != 1) {
		ret = ca_usage_error(user_usage,
				     "user passwd: expected one NAME");
		goto out;
	}
	name = argv[optind];
	if (ca_check_name("user", name) != CRM_OK)
		goto out;
	if ((ret = user_check_exists(ca, name)) != CA_EXIT_OK)
		goto out;
	rc = ca_read_password(name, from_stdin, password, sizeof(password));
	if (rc != CRM_OK) {
		ret = rc == CRM_INVALID ? CA_EXIT_REFUSED : CA_EXIT_ERROR;
		goto out;
	}
	ret = user_passwd_set(ca, name, password, how);
out:
	crm_cleanse(password, sizeof(password));
	return ret;
}

/* ---- user expire ---- */

static int
user_expire_apply(struct crmauth *ca, struct ca_change *change)
{
	int rc = crm_store_user_set_must_change(ca->ctx->store, change->name,
						1);

	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail), "%s",
			  "must change the password at the next login");
	return rc;
}

static int
user_expire(struct crmauth *ca, int argc, char **argv)
{
	char done[CRM_MSG_MAX];
	const char *name;
	int ret;

	if ((name = user_one_name(ca, argc, argv, "user expire", &ret)) ==
	    NULL)
		return ret;
	snprintf(done, sizeof(done), "user %s must change the password at "
		 "the next login", name);
	return user_change(ca, name, "admin:user expire", user_expire_apply,
			   NULL, done);
}

/* ---- user show ---- */

struct lock_state {
	int locked;
	int64_t until_ms;		/* 0: until an admin resets */
};

static int
lock_state_cb(void *arg, const struct crm_lockout_entry *entry)
{
	struct lock_state *state = arg;

	state->locked = entry->locked;
	state->until_ms = entry->locked ? entry->lock_until_ms : 0;
	return 0;
}

/* Whether a lock holds now, and until when, by the lockout rules. */
static int
user_lock_state(struct crmauth *ca, const char *name, int *locked,
		int64_t *until_ms)
{
	struct lock_state state = { 0, 0 };
	int rc;

	rc = crm_lockout_list(ca->ctx, name, crm_now_ms(), lock_state_cb,
			      &state);
	*locked = state.locked;
	*until_ms = state.until_ms;
	return rc;
}

static int
user_show_print(struct crmauth *ca, const struct user_entry *entry,
		int locked, int64_t lock_until_ms)
{
	char status[128], created[64], changed[64], login[64], until[64];
	char *name = NULL, *dept = NULL, *roles_shown = NULL;
	json_object *obj = NULL;
	char *roles;
	int rc;

	if (ca->json) {
		if ((rc = user_json(entry, &obj)) != CRM_OK)
			return rc;
		if ((rc = ca_json_bool(obj, "locked", locked)) == CRM_OK &&
		    (rc = ca_json_time(obj, "lock_until",
				       locked ? lock_until_ms : 0)) == CRM_OK)
			rc = ca_json_print(obj);
		json_object_put(obj);
		return rc;
	}
	if ((roles = ca_strlist_join(&entry->roles, ",")) == NULL)
		return CRM_ENOMEM;
	user_status_text(entry, status, sizeof(status));
	ca_time_text(entry->created_ms, created, sizeof(created));
	ca_time_text(entry->password_changed_ms, changed, sizeof(changed));
	ca_time_text(entry->last_login_ms, login, sizeof(login));
	if (!locked)
		snprintf(until, sizeof(until), "no");
	else if (lock_until_ms == 0)
		snprintf(until, sizeof(until), "until an administrator "
			 "resets it");
	else {
		char when[48];

		crm_time_format(lock_until_ms, when, sizeof(when));
		snprintf(until, sizeof(until), "until %s", when);
	}
	/* Stored names may hold anything a database writer put there. */
	name = crm_text_printable(entry->name);
	dept = crm_text_printable(entry->dept != NULL ? entry->dept : "-");
	roles_shown = crm_text_printable(roles[0] != '\0' ? roles : "-");
	if (name == NULL || dept == NULL || roles_shown == NULL) {
		rc = CRM_ENOMEM;
		goto out;
	}
	printf("name:              %s\n", name);
	printf("department:        %s\n", dept);
	printf("status:            %s\n", status);
	printf("roles:             %s\n", roles_shown);
	printf("password:          %s%s\n",
	       entry->has_password ? "set" : "none",
	       entry->must_change ? ", must be changed" : "");
	printf("password changed:  %s\n", changed);
	printf("created:           %s\n", created);
	printf("last login:        %s\n", login);
	printf("locked:            %s\n", until);
	if (entry->login_shell != NULL)
		printf("login:             uid %lld, shell %s\n",
		       (long long)entry->uid, entry->login_shell);
	else
		printf("login:             none (no system account)\n");
	rc = CRM_OK;
out:
	free(name);
	free(dept);
	free(roles_shown);
	free(roles);
	return rc;
}

static int
user_show(struct crmauth *ca, int argc, char **argv)
{
	struct user_entry entry;
	struct crm_user user;
	const char *name;
	int64_t lock_until = 0;
	int locked = 0, rc, ret, in_read = 0;

	memset(&entry, 0, sizeof(entry));
	memset(&user, 0, sizeof(user));
	if ((name = user_one_name(ca, argc, argv, "user show", &ret)) == NULL)
		return ret;
	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);

	/* One read transaction: the record, its roles and its lock as of
	 * one moment. */
	if ((rc = crm_store_begin(ca->ctx->store, CRM_TXN_READ)) != CRM_OK) {
		ret = ca_fail(ca, rc, "database %s", ca->ctx->db);
		goto out;
	}
	in_read = 1;
	rc = crm_store_user_get(ca->ctx->store, name, &user);
	if (rc != CRM_OK) {
		ret = ca_fail_record(ca, rc, "user", name);
		goto out;
	}
	rc = user_entry_copy(&entry, &user);
	crm_user_clear(&user);
	if (rc != CRM_OK ||
	    (rc = crm_store_user_roles(ca->ctx->store, name, ca_strlist_cb,
				       &entry.roles)) != CRM_OK ||
	    (rc = user_lock_state(ca, name, &locked,
				  &lock_until)) != CRM_OK) {
		ret = ca_fail(ca, rc, "user %s", name);
		goto out;
	}
	crm_store_commit(ca->ctx->store);
	in_read = 0;
	if ((rc = user_show_print(ca, &entry, locked, lock_until)) != CRM_OK) {
		ret = ca_fail(ca, rc, "user %s", name);
		goto out;
	}
	ret = CA_EXIT_OK;
out:
	if (in_read)
		crm_store_rollback(ca->ctx->store);
	user_entry_free(&entry);
	return ret;
}

/* ---- user list ---- */

static int
user_list_cb(void *arg, const struct crm_user *user)
{
	struct user_entries *entries = arg;
	void *items = entries->items;
	int rc;

	rc = crm_array_grow(&items, &entries->cap, entries->count,
			    sizeof(*entries->items));
	entries->items = items;
	if (rc != CRM_OK)
		return rc;
	if (user_entry_copy(&entries->items[entries->count], user) != CRM_OK)
		return CRM_ENOMEM;
	entries->count++;
	return 0;
}

static void
user_entries_free(struct user_entries *entries)
{
	size_t i;

	for (i = 0; i < entries->count; i++)
		user_entry_free(&entries->items[i]);
	free(entries->items);
	memset(entries, 0, sizeof(*entries));
}

/*
 * The roles are read after the list, not from inside its callback: a
 * backend may hold one cursor per connection.
 */
static int
user_list_read(struct crmauth *ca, struct user_entries *entries)
{
	size_t i;
	int rc;

	rc = crm_store_user_list(ca->ctx->store, user_list_cb, entries);
	for (i = 0; rc == CRM_OK && i < entries->count; i++)
		rc = crm_store_user_roles(ca->ctx->store,
					  entries->items[i].name,
					  ca_strlist_cb,
					  &entries->items[i].roles);
	return rc;
}

static int
user_list_json(const struct user_entries *entries)
{
	json_object *array, *obj;
	size_t i;
	int rc = CRM_ENOMEM;

	if ((array = json_object_new_array()) == NULL)
		return CRM_ENOMEM;
	for (i = 0; i < entries->count; i++) {
		if (user_json(&entries->items[i], &obj) != CRM_OK)
			goto out;
		if (json_object_array_add(array, obj) != 0) {
			json_object_put(obj);
			goto out;
		}
	}
	rc = ca_json_print(array);
out:
	json_object_put(array);
	return rc;
}

static int
user_list_table(const struct user_entries *entries)
{
	static const char *const headers[] = {
		"NAME", "DEPT", "STATUS", "ROLES", "PASSWORD CHANGED",
		"LAST LOGIN",
	};
	char status[128], changed[64], login[64];
	const char *cells[CRM_ARRAY_SIZE(headers)];
	const struct user_entry *entry;
	struct ca_table table;
	char *roles;
	size_t i;
	int rc = CRM_OK;

	ca_table_init(&table, CRM_ARRAY_SIZE(headers), headers);
	for (i = 0; rc == CRM_OK && i < entries->count; i++) {
		entry = &entries->items[i];
		if ((roles = ca_strlist_join(&entry->roles, ",")) == NULL) {
			rc = CRM_ENOMEM;
			break;
		}
		user_status_text(entry, status, sizeof(status));
		ca_time_text(entry->password_changed_ms, changed,
			     sizeof(changed));
		ca_time_text(entry->last_login_ms, login, sizeof(login));
		cells[0] = entry->name;
		cells[1] = entry->dept;
		cells[2] = status;
		cells[3] = roles;
		cells[4] = entry->has_password ? changed : "none";
		cells[5] = login;
		rc = ca_table_add(&table, cells);
		free(roles);
	}
	if (rc == CRM_OK)
		rc = ca_table_print(&table);
	ca_table_free(&table);
	return rc;
}

static int
user_list(struct crmauth *ca, int argc, char **argv)
{
	struct user_entries entries = { 0 };
	int rc, ret;

	ret = ca_simple_args(ca, argc, argv, "user list", user_usage, 0, 0);
	if (ret != CA_CONTINUE)
		return ret;
	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);
	if ((rc = crm_store_begin(ca->ctx->store, CRM_TXN_READ)) != CRM_OK)
		return ca_fail(ca, rc, "database %s", ca->ctx->db);
	rc = user_list_read(ca, &entries);
	if (rc == CRM_OK)
		crm_store_commit(ca->ctx->store);
	else
		crm_store_rollback(ca->ctx->store);
	if (rc != CRM_OK) {
		ret = ca_fail(ca, rc, "user list");
		goto out;
	}
	rc = ca->json ? user_list_json(&entries) : user_list_table(&entries);
	if (rc != CRM_OK) {
		ret = ca_fail(ca, rc, "user list");
		goto out;
	}
	ret = CA_EXIT_OK;
out:
	user_entries_free(&entries);
	return ret;
}

int
cmd_user(struct crmauth *ca, int argc, char **argv)
{
	static const struct ca_verb verbs[] = {
		{ "add", user_add },
		{ "del", user_del },
		{ "show", user_show },
		{ "enable", user_enable },
		{ "disable", user_disable },
		{ "suspend", user_suspend },
		{ "set", user_set },
		{ "link", user_link },
		{ "passwd", user_passwd },
		{ "expire", user_expire },
		{ "list", user_list },
	};

	return ca_dispatch(ca, argc, argv, verbs, CRM_ARRAY_SIZE(verbs),
			   user_usage);
}
