/*
 * backup.c - crmauth export and import: the permission data of the
 * database as one JSON document (lib/cli/backup.c owns the format), and
 * that document restored into a new database.
 *
 * Export is one read transaction.  Without --with-secrets no password
 * hash, TOTP seed or recovery code leaves the database; with it they do,
 * as stored: the seed stays sealed under the key file (a document is no
 * way around the key), recovery codes stay keyed hashes.
 *
 * Import restores into a database that holds no users, roles, templates,
 * departments, switch or access rules (a fresh "crmauth init"): a merge
 * would have to decide whose role list, whose password and whose rule
 * order wins, and an administrator restoring a backup wants the backup.
 * The document is checked whole first (backup.c), then what only this
 * machine can say (rule hours and zones, login shells, the key opening
 * the sealed seeds) is checked while everything is written in one write
 * transaction with one audit row: any failure imports nothing.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/backup.h"
#include "core/crypto.h"
#include "core/rule.h"
#include "decide/totp.h"
#include "store/store.h"

#include "crmauth.h"

/* A document larger than this is no backup of ours. */
#define IMPORT_MAX	(256L * 1024 * 1024)

static const char export_usage[] =
"usage: crmauth export [--with-secrets]\n"
"Writes users, roles, templates, departments, switch and access rules as\n"
"JSON to standard output; --with-secrets adds password hashes and TOTP\n"
"records (seeds stay sealed under the key file).\n";

static const char import_usage[] =
"usage: crmauth import [--dry-run] FILE\n"
"Restores an export (FILE, or - for standard input) into a database that\n"
"holds no records yet.  --dry-run checks it and writes nothing.\n";

/* ---- export ---- */

struct export {
	struct crmauth *ca;
	struct crm_backup *b;
	struct crm_backup_strs names;	/* roles or templates listed */
};

static int
export_user(void *arg, const struct crm_user *user)
{
	struct export *e = arg;
	struct crm_backup_user *u;
	int rc;

	if ((rc = crm_backup_add_user(e->b, user->name, &u)) != CRM_OK)
		return rc;
	u->id = user->id;
	u->status = user->status;
	u->suspended_until_ms = user->status == CRM_USER_SUSPENDED ?
				user->suspended_until_ms : 0;
	u->created_ms = user->created_ms;
	u->last_login_ms = user->last_login_ms;
	u->uid = user->uid;
	if (user->dept != NULL && (u->dept = strdup(user->dept)) == NULL)
		return CRM_ENOMEM;
	if (user->login_shell != NULL &&
	    (u->login_shell = strdup(user->login_shell)) == NULL)
		return CRM_ENOMEM;
	return CRM_OK;
}

static int
add_name(void *arg, const char *name)
{
	return crm_backup_strs_add(arg, name);
}

static int
export_recovery(void *arg, const unsigned char mac[CRM_MAC_LEN],
		int64_t used_ms)
{
	return crm_backup_add_recovery(arg, mac, used_ms);
}

/* The hash, the time it was set and the TOTP record of u. */
static int
export_secrets(struct crmauth *ca, struct crm_backup_user *u)
{
	struct crm_store *store = ca->ctx->store;
	struct crm_user full = { 0 };
	struct crm_totp t;
	int rc;

	if ((rc = crm_store_user_get(store, u->name, &full)) != CRM_OK)
		return rc;
	if (full.password_hash != NULL &&
	    (u->password_hash = strdup(full.password_hash)) == NULL)
		rc = CRM_ENOMEM;
	u->password_changed_ms = full.password_changed_ms;
	crm_user_clear(&full);
	if (rc != CRM_OK)
		return rc;
	rc = crm_store_totp_get(store, u->name, &t);
	if (rc == CRM_NOTFOUND)
		return CRM_OK;
	if (rc == CRM_OK && (u->totp = calloc(1, sizeof(*u->totp))) == NULL)
		rc = CRM_ENOMEM;
	if (rc == CRM_OK) {
		memcpy(u->totp->sealed, t.sealed, t.sealed_len);
		u->totp->sealed_len = t.sealed_len;
		u->totp->algorithm = t.algorithm;
		u->totp->digits = t.digits;
		u->totp->period = t.period;
		u->totp->confirmed_ms = t.confirmed_ms;
		u->totp->last_step = t.last_step;
		u->totp->created_ms = t.created_ms;
		rc = crm_store_recovery_list(store, u->id, export_recovery,
					     u->totp);
	}
	crm_cleanse(&t, sizeof(t));
	return rc;
}

static int
export_users(struct export *e, int secrets)
{
	struct crm_store *store = e->ca->ctx->store;
	struct crm_backup_user *u;
	size_t i;
	int rc;

	if ((rc = crm_store_user_list(store, export_user, e)) != CRM_OK)
		return rc;
	for (i = 0; rc == CRM_OK && i < e->b->nusers; i++) {
		u = &e->b->users[i];
		rc = crm_store_user_roles(store, u->name, add_name, &u->roles);
		if (rc == CRM_OK)
			rc = crm_store_user_links(store, u->name, add_name,
						  &u->links);
		if (rc == CRM_OK && secrets)
			rc = export_secrets(e->ca, u);
	}
	return rc;
}

static int
export_role(void *arg, const struct crm_role *role)
{
	struct export *e = arg;
	struct crm_backup_role *r;

	return crm_backup_add_role(e->b, role->name, role->scope, &r);
}

static int
export_roles(struct export *e)
{
	struct crm_store *store = e->ca->ctx->store;
	struct crm_backup_role *r;
	size_t i;
	int rc;

	if ((rc = crm_store_role_list(store, export_role, e)) != CRM_OK)
		return rc;
	for (i = 0; rc == CRM_OK && i < e->b->nroles; i++) {
		r = &e->b->roles[i];
		rc = crm_store_role_perms(store, r->name, add_name, &r->perms);
		if (rc == CRM_OK)
			rc = crm_store_role_templates(store, r->name, add_name,
						      &r->templates);
	}
	return rc;
}

static int
export_templates(struct export *e)
{
	struct crm_store *store = e->ca->ctx->store;
	struct crm_backup_template *t;
	size_t i;
	int rc;

	rc = crm_store_template_list(store, add_name, &e->names);
	for (i = 0; rc == CRM_OK && i < e->names.count; i++) {
		rc = crm_backup_add_template(e->b, e->names.items[i], &t);
		if (rc == CRM_OK)
			rc = crm_store_template_perms(store, t->name, add_name,
						      &t->perms);
	}
	return rc;
}

static int
export_dept(void *arg, const char *name, const char *parent)
{
	struct export *e = arg;

	return crm_backup_add_dept(e->b, name, parent);
}

static int
export_switch(void *arg, const struct crm_switch_rule *rule)
{
	struct export *e = arg;

	return crm_backup_add_switch(e->b, rule);
}

static int
export_access(void *arg, int64_t id, const char *line)
{
	struct export *e = arg;

	(void)id;
	return crm_backup_strs_add(&e->b->access, line);
}

static int
export_read(struct export *e, int secrets)
{
	struct crm_store *store = e->ca->ctx->store;
	int rc;

	if ((rc = export_users(e, secrets)) != CRM_OK ||
	    (rc = export_roles(e)) != CRM_OK ||
	    (rc = export_templates(e)) != CRM_OK ||
	    (rc = crm_store_dept_list(store, export_dept, e)) != CRM_OK ||
	    (rc = crm_store_switch_list(store, export_switch, e)) != CRM_OK)
		return rc;
	return crm_store_access_list(store, export_access, e);
}

static int
cmd_export(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "with-secrets", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct export e = { ca, NULL, { 0 } };
	char *text = NULL;
	int c, ret, rc, secrets = 0;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, "", longopts, "export")) != -1) {
		if (c == 's') {
			secrets = 1;
			continue;
		}
		ret = ca_verb_option(ca, c, export_usage);
		if (ret != CA_CONTINUE)
			return ret;
	}
	if (optind != argc)
		return ca_usage_error(export_usage, "export: unexpected "
				      "argument '%s'", argv[optind]);
	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);
	if ((e.b = crm_backup_new()) == NULL)
		return ca_fail(ca, CRM_ENOMEM, "export");
	e.b->secrets = secrets;
	/* One read transaction: a document of one moment. */
	rc = crm_store_begin(ca->ctx->store, CRM_TXN_READ);
	if (rc == CRM_OK) {
		rc = export_read(&e, secrets);
		crm_store_rollback(ca->ctx->store);
	}
	if (rc == CRM_OK)
		rc = crm_backup_write(e.b, &text);
	if (rc != CRM_OK) {
		ret = ca_fail(ca, rc, "export");
		goto out;
	}
	ret = fputs(text, stdout) == EOF ? CA_EXIT_ERROR : CA_EXIT_OK;
out:
	if (text != NULL) {
		crm_cleanse(text, strlen(text));
		free(text);
	}
	for (c = 0; (size_t)c < e.names.count; c++)
		free(e.names.items[c]);
	free(e.names.items);
	crm_backup_free(e.b);
	return ret;
}

/* ---- import: reading and checking ---- */

/* The whole of path ("-": standard input) into *out, NUL-terminated. */
static int
read_document(const char *path, char **out, size_t *len)
{
	char *buf = NULL, *grown;
	size_t used = 0, cap = 0;
	ssize_t n;
	int fd, rc = CRM_OK;

	*out = NULL;
	fd = strcmp(path, "-") == 0 ? STDIN_FILENO
				    : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ca_warn("import: %s: %s", path, strerror(errno));
		return CRM_ESYS;
	}
	for (;;) {
		if (cap - used < 65536) {
			if (cap >= (size_t)IMPORT_MAX) {
				ca_warn("import: %s: larger than %ld bytes",
					path, IMPORT_MAX);
				rc = CRM_INVALID;
				break;
			}
			cap = cap == 0 ? 65536 * 2 : cap * 2;
			if ((grown = realloc(buf, cap + 1)) == NULL) {
				rc = CRM_ENOMEM;
				break;
			}
			buf = grown;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ca_warn("import: %s: %s", path, strerror(errno));
			rc = CRM_ESYS;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc != CRM_OK) {
		if (buf != NULL)
			crm_cleanse(buf, used);
		free(buf);
		return rc;
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return CRM_OK;
}

/* Any record at all: import restores into an empty database only. */
static int
stop_at_first(void *arg, const char *name)
{
	(void)name;
	*(int *)arg = 1;
	return CRM_EXISTS;
}

static int
stop_user(void *arg, const struct crm_user *user)
{
	return stop_at_first(arg, user->name);
}

static int
stop_role(void *arg, const struct crm_role *role)
{
	return stop_at_first(arg, role->name);
}

static int
stop_dept(void *arg, const char *name, const char *parent)
{
	(void)parent;
	return stop_at_first(arg, name);
}

static int
stop_switch(void *arg, const struct crm_switch_rule *rule)
{
	(void)rule;
	return stop_at_first(arg, "");
}

static int
stop_access(void *arg, int64_t id, const char *line)
{
	(void)id;
	(void)line;
	*(int *)arg = 1;
	return CRM_ACCESS_STOP;
}

/* CRM_OK when empty; which kind of record is there in *what. */
static int
database_empty(struct crmauth *ca, const char **what)
{
	struct crm_store *store = ca->ctx->store;
	int any = 0, rc;

#define EMPTY_CHECK(call, kind)						\
	do {								\
		rc = (call);						\
		if (any) {						\
			*what = (kind);					\
			return CRM_EXISTS;				\
		}							\
		if (rc != CRM_OK)					\
			return rc;					\
	} while (0)
	EMPTY_CHECK(crm_store_user_list(store, stop_user, &any), "users");
	EMPTY_CHECK(crm_store_role_list(store, stop_role, &any), "roles");
	EMPTY_CHECK(crm_store_template_list(store, stop_at_first, &any),
		    "templates");
	EMPTY_CHECK(crm_store_dept_list(store, stop_dept, &any),
		    "departments");
	EMPTY_CHECK(crm_store_switch_list(store, stop_switch, &any),
		    "switch rules");
	EMPTY_CHECK(crm_store_access_list(store, stop_access, &any),
		    "access rules");
#undef EMPTY_CHECK
	return CRM_OK;
}

/* ---- import: writing ---- */

struct import {
	struct crm_backup *b;
	const char *path;
	int dry_run;
	int logins;			/* users with a login shell */
	size_t recovery_dropped;
};

/* A failure inside the transaction, said once, with where it is. */
static int
import_fail(struct ca_change *change, int rc, const char *ptr,
	    const char *what)
{
	struct import *im = change->arg;

	ca_warn("import: %s: %s%s%s: %s; nothing imported", im->path, ptr,
		what[0] != '\0' ? " " : "", what, crm_strerror(rc));
	change->reported = 1;
	return rc;
}

static int
import_templates(struct ca_change *change, struct crm_store *store)
{
	struct import *im = change->arg;
	const struct crm_backup_template *t;
	char ptr[64];
	size_t i, k;
	int rc;

	for (i = 0; i < im->b->ntemplates; i++) {
		t = &im->b->templates[i];
		snprintf(ptr, sizeof(ptr), "/templates/%zu", i);
		rc = crm_store_template_add(store, t->name);
		for (k = 0; rc == CRM_OK && k < t->perms.count; k++)
			rc = crm_store_template_perm_add(store, t->name,
							 t->perms.items[k]);
		if (rc != CRM_OK)
			return import_fail(change, rc, ptr, "");
	}
	return CRM_OK;
}

static int
import_roles(struct ca_change *change, struct crm_store *store)
{
	struct import *im = change->arg;
	const struct crm_backup_role *r;
	char ptr[64];
	size_t i, k;
	int rc;

	for (i = 0; i < im->b->nroles; i++) {
		r = &im->b->roles[i];
		snprintf(ptr, sizeof(ptr), "/roles/%zu", i);
		rc = crm_store_role_add(store, r->name, r->scope);
		for (k = 0; rc == CRM_OK && k < r->perms.count; k++)
			rc = crm_store_role_perm_add(store, r->name,
						     r->perms.items[k]);
		for (k = 0; rc == CRM_OK && k < r->templates.count; k++)
			rc = crm_store_template_apply(store, r->name,
						      r->templates.items[k]);
		if (rc != CRM_OK)
			return import_fail(change, rc, ptr, "");
	}
	return CRM_OK;
}

static int
parent_added(const struct crm_backup *b, const char *done,
	     const char *parent)
{
	size_t i;

	if (parent == NULL)
		return 1;
	for (i = 0; i < b->ndepts; i++)
		if (strcmp(b->depts[i].name, parent) == 0)
			return done[i];
	return 0;
}

/* Parents before children: a pass adds every department whose parent is
 * in; backup.c ruled out cycles, so each pass adds one at least. */
static int
import_depts(struct ca_change *change, struct crm_store *store)
{
	struct import *im = change->arg;
	const struct crm_backup_dept *d;
	size_t i, added = 0, before;
	char *done, ptr[64];
	int rc = CRM_OK;

	if ((done = calloc(im->b->ndepts + 1, 1)) == NULL)
		return CRM_ENOMEM;
	while (added < im->b->ndepts) {
		before = added;
		for (i = 0; i < im->b->ndepts; i++) {
			d = &im->b->depts[i];
			if (done[i] || !parent_added(im->b, done, d->parent))
				continue;
			rc = crm_store_dept_add(store, d->name, d->parent);
			if (rc != CRM_OK) {
				snprintf(ptr, sizeof(ptr), "/depts/%zu", i);
				rc = import_fail(change, rc, ptr, "");
				goto out;
			}
			done[i] = 1;
			added++;
		}
		if (added == before) {
			rc = import_fail(change, CRM_INVALID, "/depts",
					 "a cycle");
			goto out;
		}
	}
out:
	free(done);
	return rc;
}

/*
 * The TOTP record of u, now user id new_id.  The seed must open under
 * this key (a document from another installation's key would leave
 * every code refused); when the id differs it is sealed anew for it.
 * Recovery codes are keyed hashes bound to the old id and cannot be
 * bound to another without the codes: they are dropped then (said so).
 */
static int
import_totp(struct crmauth *ca, struct ca_change *change,
	    const struct crm_backup_user *u, int64_t new_id, const char *ptr)
{
	struct import *im = change->arg;
	const struct crm_backup_totp *bt = u->totp;
	struct crm_store *store = ca->ctx->store;
	const struct crm_key *key;
	struct crm_totp t;
	size_t k;
	int rc;

	if ((rc = crm_ctx_key(ca->ctx, &key)) != CRM_OK)
		return import_fail(change, rc, ptr, "key file");
	memset(&t, 0, sizeof(t));
	t.user_id = new_id;
	memcpy(t.sealed, bt->sealed, bt->sealed_len);
	t.sealed_len = bt->sealed_len;
	t.algorithm = bt->algorithm;
	t.digits = bt->digits;
	t.period = bt->period;
	t.created_ms = bt->created_ms;
	rc = crm_totp_rebind(key, u->id, &t);
	if (rc != CRM_OK) {
		ca_warn("import: %s: %s/totp/sealed_seed: does not open under "
			"this key file (sealed under another key?); nothing "
			"imported", im->path, ptr);
		change->reported = 1;
		goto out;
	}
	rc = crm_store_totp_put(store, &t);
	if (rc == CRM_OK && bt->confirmed_ms > 0)
		rc = crm_store_totp_confirm(store, new_id, bt->confirmed_ms);
	if (rc == CRM_OK && bt->last_step >= 0)
		rc = crm_store_totp_use_step(store, new_id, bt->last_step);
	if (rc != CRM_OK) {
		rc = import_fail(change, rc, ptr, "totp");
		goto out;
	}
	if (new_id != u->id) {
		im->recovery_dropped += bt->nrecovery;
		goto out;
	}
	for (k = 0; rc == CRM_OK && k < bt->nrecovery; k++) {
		rc = crm_store_recovery_add(store, new_id,
					    bt->recovery[k].mac);
		if (rc == CRM_OK && bt->recovery[k].used_ms > 0)
			rc = crm_store_recovery_use(store, new_id,
						    bt->recovery[k].mac,
						    bt->recovery[k].used_ms);
	}
	if (rc != CRM_OK)
		rc = import_fail(change, rc, ptr, "totp recovery");
out:
	crm_cleanse(&t, sizeof(t));
	return rc;
}

static int
import_user(struct crmauth *ca, struct ca_change *change,
	    const struct crm_backup_user *u, const char *ptr)
{
	struct crm_store *store = ca->ctx->store;
	struct crm_user made = { 0 };
	struct import *im = change->arg;
	size_t k;
	int rc;

	rc = crm_store_user_add(store, u->name, u->dept, u->password_hash,
				u->created_ms);
	if (rc == CRM_OK && u->password_hash != NULL &&
	    u->password_changed_ms != u->created_ms)
		rc = crm_store_user_set_password(store, u->name,
						 u->password_hash,
						 u->password_changed_ms);
	if (rc == CRM_OK && u->status != CRM_USER_ACTIVE)
		rc = crm_store_user_set_status(store, u->name, u->status,
					       u->suspended_until_ms);
	if (rc == CRM_OK && u->last_login_ms > 0)
		rc = crm_store_user_touch_login(store, u->name,
						u->last_login_ms);
	for (k = 0; rc == CRM_OK && k < u->roles.count; k++)
		rc = crm_store_role_grant(store, u->name, u->roles.items[k]);
	if (rc != CRM_OK)
		return import_fail(change, rc, ptr, "");
	if (u->uid > 0) {
		if ((rc = ca_login_restore(ca, u->name, u->uid,
					   u->login_shell)) != CRM_OK) {
			ca_warn("import: %s: %s/login_shell: refused; nothing "
				"imported", im->path, ptr);
			change->reported = 1;
			return rc;
		}
		if (u->login_shell != NULL)
			im->logins++;
	}
	if (u->totp == NULL)
		return CRM_OK;
	if ((rc = crm_store_user_get(store, u->name, &made)) != CRM_OK)
		return import_fail(change, rc, ptr, "");
	rc = import_totp(ca, change, u, made.id, ptr);
	crm_user_clear(&made);
	return rc;
}

static int
id_order_cmp(const void *a, const void *b, void *arg)
{
	const struct crm_backup *bk = arg;
	int64_t x = bk->users[*(const size_t *)a].id;
	int64_t y = bk->users[*(const size_t *)b].id;

	return x < y ? -1 : x > y;
}

/*
 * Users in the order of the ids their secrets are bound to: a new
 * database numbers accounts in the order they are added, so a source
 * without gaps in its ids gives every account its old id back, and its
 * seeds and recovery codes stay as they were.
 */
static int
import_users(struct crmauth *ca, struct ca_change *change)
{
	struct import *im = change->arg;
	const struct crm_backup_user *u;
	size_t *order, i, k;
	char ptr[64];
	long other;
	int rc = CRM_OK;

	order = calloc(im->b->nusers + 1, sizeof(*order));
	if (order == NULL)
		return CRM_ENOMEM;
	for (i = 0; i < im->b->nusers; i++)
		order[i] = i;
	if (im->b->secrets)
		qsort_r(order, im->b->nusers, sizeof(*order), id_order_cmp,
			im->b);
	for (i = 0; rc == CRM_OK && i < im->b->nusers; i++) {
		snprintf(ptr, sizeof(ptr), "/users/%zu", order[i]);
		rc = import_user(ca, change, &im->b->users[order[i]], ptr);
	}
	/* Each link once: backup.c checked that both list it. */
	for (i = 0; rc == CRM_OK && i < im->b->nusers; i++) {
		u = &im->b->users[i];
		for (k = 0; rc == CRM_OK && k < u->links.count; k++) {
			if (strcmp(u->name, u->links.items[k]) >= 0)
				continue;
			rc = crm_store_user_link(ca->ctx->store, u->name,
						 u->links.items[k]);
			if (rc != CRM_OK) {
				other = (long)k;
				snprintf(ptr, sizeof(ptr),
					 "/users/%zu/links/%ld", i, other);
				rc = import_fail(change, rc, ptr, "");
			}
		}
	}
	free(order);
	return rc;
}

static int
import_switches(struct ca_change *change, struct crm_store *store)
{
	struct import *im = change->arg;
	const struct crm_backup_switch *s;
	struct crm_switch_rule r;
	char ptr[64];
	size_t i;
	int rc;

	for (i = 0; i < im->b->nswitches; i++) {
		s = &im->b->switches[i];
		r.id = 0;
		r.from_kind = s->from_kind;
		r.from_name = s->from_name;
		r.to_kind = s->to_kind;
		r.to_name = s->to_name;
		r.mode = s->mode;
		if ((rc = crm_store_switch_add(store, &r, NULL)) != CRM_OK) {
			snprintf(ptr, sizeof(ptr), "/switch_rules/%zu", i);
			return import_fail(change, rc, ptr, "");
		}
	}
	return CRM_OK;
}

/* As allow add stores them (allow.c): the hours and zone of each must
 * load here, or pam_crm_access would fail closed on it. */
static int
import_access(struct crmauth *ca, struct ca_change *change)
{
	struct import *im = change->arg;
	struct crm_rule rule;
	char line[CRM_RULE_MAX], err[256], ptr[64];
	int64_t id;
	size_t i;
	int rc = CRM_OK;

	for (i = 0; rc == CRM_OK && i < im->b->access.count; i++) {
		snprintf(ptr, sizeof(ptr), "/access_rules/%zu", i);
		memset(&rule, 0, sizeof(rule));
		rc = ca_rule_read(im->b->access.items[i], &rule, line,
				  sizeof(line), err, sizeof(err));
		if (rc != CRM_OK) {
			ca_warn("import: %s: %s: %s; nothing imported",
				im->path, ptr,
				err[0] != '\0' ? err : crm_strerror(rc));
			change->reported = 1;
		} else if ((rc = ca_rule_store(ca, &rule, line, &id)) !=
			   CRM_OK) {
			rc = import_fail(change, rc, ptr, "");
		}
		crm_rule_clear(&rule);
	}
	return rc;
}

static int
import_apply(struct crmauth *ca, struct ca_change *change)
{
	struct import *im = change->arg;
	struct crm_store *store = ca->ctx->store;
	const char *what = NULL;
	int rc;

	rc = database_empty(ca, &what);
	if (rc == CRM_EXISTS) {
		ca_warn("import: the database already holds %s: import "
			"restores into a new database (crmauth init); nothing "
			"imported", what);
		change->reported = 1;
		return CRM_EXISTS;
	}
	if (rc != CRM_OK ||
	    (rc = import_templates(change, store)) != CRM_OK ||
	    (rc = import_roles(change, store)) != CRM_OK ||
	    (rc = import_depts(change, store)) != CRM_OK ||
	    (rc = import_users(ca, change)) != CRM_OK ||
	    (rc = import_switches(change, store)) != CRM_OK ||
	    (rc = import_access(ca, change)) != CRM_OK)
		return rc;
	change->sync_logins = im->logins > 0;
	ca_detail(change->detail, sizeof(change->detail),
		  "users=%zu roles=%zu templates=%zu depts=%zu "
		  "switch_rules=%zu access_rules=%zu secrets=%s",
		  im->b->nusers, im->b->nroles, im->b->ntemplates,
		  im->b->ndepts, im->b->nswitches, im->b->access.count,
		  im->b->secrets ? "yes" : "no");
	return CRM_OK;
}

static void
import_report(struct crmauth *ca, const struct import *im, const char *verb)
{
	json_object *obj;

	if (im->recovery_dropped > 0)
		ca_warn("import: %zu recovery codes dropped: their users have "
			"new ids, to which keyed codes cannot be bound "
			"(crmauth totp recovery NAME makes new ones)",
			im->recovery_dropped);
	if (!ca->json) {
		printf("%s: %zu users, %zu roles, %zu templates, %zu "
		       "departments, %zu switch rules, %zu access rules%s\n",
		       verb, im->b->nusers, im->b->nroles, im->b->ntemplates,
		       im->b->ndepts, im->b->nswitches, im->b->access.count,
		       im->b->secrets ? ", with secrets" : "");
		return;
	}
	obj = json_object_new_object();
	if (obj == NULL ||
	    ca_json_str(obj, "result", "ok") != CRM_OK ||
	    ca_json_str(obj, "event", "admin:import") != CRM_OK ||
	    ca_json_bool(obj, "dry_run", im->dry_run) != CRM_OK ||
	    ca_json_int(obj, "users", (int64_t)im->b->nusers) != CRM_OK ||
	    ca_json_int(obj, "roles", (int64_t)im->b->nroles) != CRM_OK ||
	    ca_json_int(obj, "templates", (int64_t)im->b->ntemplates) !=
	    CRM_OK ||
	    ca_json_int(obj, "depts", (int64_t)im->b->ndepts) != CRM_OK ||
	    ca_json_int(obj, "switch_rules", (int64_t)im->b->nswitches) !=
	    CRM_OK ||
	    ca_json_int(obj, "access_rules", (int64_t)im->b->access.count) !=
	    CRM_OK ||
	    ca_json_bool(obj, "secrets", im->b->secrets) != CRM_OK ||
	    ca_json_print(obj) != CRM_OK)
		ca_warn("out of memory");
	json_object_put(obj);
}

static void
import_done(struct crmauth *ca, struct ca_change *change)
{
	import_report(ca, change->arg, "imported");
}

/* --dry-run: the same writes in a transaction that is rolled back, so
 * that what the store itself would refuse shows too. */
static int
import_dry_run(struct crmauth *ca, struct ca_change *change)
{
	int rc;

	if ((rc = ca_begin(ca)) != CRM_OK)
		return ca_exit_code(rc);
	rc = import_apply(ca, change);
	ca_abort(ca);
	if (rc != CRM_OK)
		return change->reported ? ca_exit_code(rc)
					: ca_fail(ca, rc, "import");
	import_report(ca, change->arg, "would import");
	return CA_EXIT_OK;
}

static int
cmd_import(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ca_change change = { 0 };
	struct import im = { 0 };
	char *text = NULL, err[512];
	size_t len = 0;
	int c, ret, rc;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, "", longopts, "import")) != -1) {
		if (c == 'n') {
			im.dry_run = 1;
			continue;
		}
		ret = ca_verb_option(ca, c, import_usage);
		if (ret != CA_CONTINUE)
			return ret;
	}
	if (optind + 1 != argc)
		return ca_usage_error(import_usage, "import: expected one "
				      "FILE");
	im.path = argv[optind];
	if ((rc = read_document(im.path, &text, &len)) != CRM_OK)
		return rc == CRM_ENOMEM ? ca_fail(ca, rc, "import")
					: CA_EXIT_ERROR;
	rc = crm_backup_parse(text, len, &im.b, err, sizeof(err));
	crm_cleanse(text, len);
	free(text);
	if (rc != CRM_OK) {
		ca_warn("import: %s: %s; nothing imported", im.path, err);
		return CA_EXIT_ERROR;
	}
	change.apply = import_apply;
	change.done = import_done;
	change.arg = &im;
	change.kind = "import";
	change.name = im.path;
	change.event = "admin:import";
	ret = im.dry_run ? import_dry_run(ca, &change)
			 : ca_change(ca, &change);
	crm_backup_free(im.b);
	return ret;
}

static const char backup_usage[] =
"usage: crmauth export [--with-secrets]\n"
"       crmauth import [--dry-run] FILE\n";

int
cmd_backup(struct crmauth *ca, int argc, char **argv)
{
	if (strcmp(argv[0], "export") == 0)
		return cmd_export(ca, argc, argv);
	if (strcmp(argv[0], "import") == 0)
		return cmd_import(ca, argc, argv);
	return ca_usage_error(backup_usage, "unknown command '%s'", argv[0]);
}
