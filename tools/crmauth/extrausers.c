/*
 * extrausers.c - CRM accounts in the system's user database, for the
 * front ends that look a user up in NSS before PAM runs (sshd, login).
 *
 * An account given a login shell gets a uid from uid_range= and a line in
 * Debian's libnss-extrausers files (extrausers_dir=, /var/lib/extrausers),
 * with a private group of the same number.  The files carry no password
 * ("x"): passwords stay in the database, and only the PAM stack checks
 * them.  They are rewritten whole from the database inside the write
 * transaction of every user change, each to a temporary file renamed over
 * the old one, so that a reader sees the old set or the new one, and two
 * crmauth runs, serialised by the database's write lock, leave the files
 * of the later one.  A disabled account leaves the files (sshd then says
 * "Invalid user" before any prompt); a suspended one stays, since its
 * suspension ends by itself without any command being run.
 */
#include "autoconfig.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

#include "crmauth.h"

/* The next uid to hand out: never one handed out before, so that an
 * account added after a deletion does not inherit the files the deleted
 * one left behind.  8 bytes, big-endian. */
#define META_UID_NEXT "uid_next"

/* useradd's limit, and what every tool that prints user names fits. */
#define LOGIN_NAME_MAX_LEN 32

struct login_entry {
	char *name;
	char *shell;
	int64_t uid;
};

struct login_entries {
	struct login_entry *items;
	size_t count, cap;
	int oom;
};

int
ca_login_name_ok(const char *name)
{
	size_t i, len = strlen(name);

	/* The portable user names of POSIX, lower case, as adduser's
	 * default NAME_REGEX wants them: nothing a passwd line, a shell
	 * or a path could read another way. */
	if (len == 0 || len > LOGIN_NAME_MAX_LEN)
		goto bad;
	if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z')))
		goto bad;
	for (i = 1; i < len; i++) {
		char c = name[i];

		if (!(c == '_' || c == '-' || c == '.' ||
		      (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			goto bad;
	}
	return CRM_OK;
bad:
	ca_warn("user %s: a login name must be 1-%d characters of a-z, 0-9, "
		"'_', '-' and '.', starting with a letter or '_'", name,
		LOGIN_NAME_MAX_LEN);
	return CRM_INVALID;
}

int
ca_login_shell_ok(const char *shell)
{
	struct stat st;

	if (shell[0] != '/' || strpbrk(shell, ":\n") != NULL) {
		ca_warn("login shell %s: not an absolute path", shell);
		return CRM_INVALID;
	}
	/* sshd refuses a user whose shell does not exist or is not
	 * executable; say so now rather than at the first login. */
	if (stat(shell, &st) != 0 || !S_ISREG(st.st_mode) ||
	    access(shell, X_OK) != 0) {
		ca_warn("login shell %s: not an executable file", shell);
		return CRM_INVALID;
	}
	return CRM_OK;
}

/* ---- uids ---- */

static int
uid_next_get(struct crmauth *ca, int64_t *next)
{
	unsigned char raw[8];
	size_t got, i;
	int rc;

	*next = 0;
	rc = crm_store_meta_get(ca->ctx->store, META_UID_NEXT, raw,
				sizeof(raw), &got);
	if (rc == CRM_NOTFOUND)
		return CRM_OK;
	if (rc != CRM_OK)
		return rc;
	if (got != sizeof(raw))
		return CRM_EDB;
	for (i = 0; i < sizeof(raw); i++)
		*next = (*next << 8) | raw[i];
	return CRM_OK;
}

static int
uid_next_set(struct crmauth *ca, int64_t next)
{
	unsigned char raw[8];
	size_t i;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)((uint64_t)next >> (56 - 8 * i));
	return crm_store_meta_set(ca->ctx->store, META_UID_NEXT, raw,
				  sizeof(raw));
}

/* A uid (and gid of the same number) free in the database and in every
 * NSS source of this machine. */
static int
uid_free(struct crmauth *ca, int64_t uid, int *is_free)
{
	int taken, rc;

	*is_free = 0;
	rc = crm_store_uid_taken(ca->ctx->store, uid, &taken);
	if (rc != CRM_OK || taken)
		return rc;
	if (getpwuid((uid_t)uid) != NULL || getgrgid((gid_t)uid) != NULL)
		return CRM_OK;
	*is_free = 1;
	return CRM_OK;
}

static int
uid_allocate(struct crmauth *ca, const char *name, int64_t *uid)
{
	const struct crm_range *range = &ca->opts.uid_range;
	int64_t next, cand;
	int is_free, rc;

	if ((rc = uid_next_get(ca, &next)) != CRM_OK)
		goto fail;
	if (next < (int64_t)range->lo)
		next = (int64_t)range->lo;
	for (cand = next; cand <= (int64_t)range->hi; cand++) {
		if ((rc = uid_free(ca, cand, &is_free)) != CRM_OK)
			goto fail;
		if (is_free) {
			*uid = cand;
			if ((rc = uid_next_set(ca, cand + 1)) != CRM_OK)
				goto fail;
			return CRM_OK;
		}
	}
	ca_warn("user %s: uid_range %lu-%lu has no uid left that was never "
		"given out (widen uid_range in pam_crm.conf)", name,
		range->lo, range->hi);
	return CRM_INVALID;
fail:
	ca_error(ca, rc, "user %s: giving a uid", name);
	return rc;
}

/*
 * A CRM name that the system's files already know would be the system's
 * account at sshd (files come first in nsswitch.conf), with the CRM's
 * password: refuse it.  Our own line for this account (the same uid) is
 * no conflict.
 */
static int
name_conflict(const char *name, int64_t own_uid)
{
	const struct passwd *pw = getpwnam(name);
	const struct group *gr;

	if (pw != NULL && (own_uid == 0 || (int64_t)pw->pw_uid != own_uid)) {
		ca_warn("user %s: the system already has an account of that "
			"name (uid %lu); it cannot be given a CRM login",
			name, (unsigned long)pw->pw_uid);
		return CRM_EXISTS;
	}
	gr = getgrnam(name);
	if (gr != NULL && (own_uid == 0 || (int64_t)gr->gr_gid != own_uid)) {
		ca_warn("user %s: the system already has a group of that name "
			"(gid %lu); it cannot be given a CRM login", name,
			(unsigned long)gr->gr_gid);
		return CRM_EXISTS;
	}
	return CRM_OK;
}

int
ca_login_set(struct crmauth *ca, struct ca_change *change, const char *shell)
{
	const char *name = change->name;
	struct crm_user user;
	int64_t uid;
	int rc;

	rc = crm_store_user_get(ca->ctx->store, name, &user);
	if (rc != CRM_OK)
		return rc;
	uid = user.uid;
	crm_user_clear(&user);
	if (shell != NULL) {
		change->reported = 1;
		if (ca_login_name_ok(name) != CRM_OK)
			return CRM_INVALID;
		if ((rc = name_conflict(name, uid)) != CRM_OK)
			return rc;
		if (uid == 0 && (rc = uid_allocate(ca, name, &uid)) != CRM_OK)
			return rc;
		change->reported = 0;
	}
	return crm_store_user_set_login(ca->ctx->store, name, uid, shell);
}

int
ca_login_restore(struct crmauth *ca, const char *name, int64_t uid,
		 const char *shell)
{
	const struct passwd *pw;
	int64_t next;
	int rc;

	if (shell != NULL) {
		if (ca_login_name_ok(name) != CRM_OK ||
		    ca_login_shell_ok(shell) != CRM_OK)
			return CRM_INVALID;
		if ((rc = name_conflict(name, uid)) != CRM_OK)
			return rc;
	}
	/* The machine may still list the account from before the loss
	 * (its own line: same name); any other holder of the uid would
	 * share files with it. */
	pw = getpwuid((uid_t)uid);
	if (pw != NULL && strcmp(pw->pw_name, name) != 0) {
		ca_warn("user %s: uid %lld belongs to the system's account "
			"%s", name, (long long)uid, pw->pw_name);
		return CRM_EXISTS;
	}
	if ((rc = crm_store_user_set_login(ca->ctx->store, name, uid,
					   shell)) != CRM_OK) {
		ca_error(ca, rc, "user %s: uid %lld", name, (long long)uid);
		return rc;
	}
	/* Never hand out again what the restored accounts hold. */
	if ((rc = uid_next_get(ca, &next)) == CRM_OK && uid >= next)
		rc = uid_next_set(ca, uid + 1);
	if (rc != CRM_OK)
		ca_error(ca, rc, "user %s: uid %lld", name, (long long)uid);
	return rc;
}

/* ---- the files ---- */

static void
entries_free(struct login_entries *e)
{
	size_t i;

	for (i = 0; i < e->count; i++) {
		free(e->items[i].name);
		free(e->items[i].shell);
	}
	free(e->items);
	memset(e, 0, sizeof(*e));
}

static int
collect_login(void *arg, const struct crm_user *user)
{
	struct login_entries *e = arg;
	struct login_entry *grown, *item;

	/* crm_store_login_users gives only accounts with a shell and a
	 * uid, in uid order: the order of the files. */
	if (user->status == CRM_USER_DISABLED)
		return 0;
	if (e->count == e->cap) {
		size_t cap = e->cap != 0 ? e->cap * 2 : 16;

		grown = realloc(e->items, cap * sizeof(*grown));
		if (grown == NULL)
			goto oom;
		e->items = grown;
		e->cap = cap;
	}
	item = &e->items[e->count];
	item->uid = user->uid;
	item->name = strdup(user->name);
	item->shell = strdup(user->login_shell);
	if (item->name == NULL || item->shell == NULL) {
		free(item->name);
		free(item->shell);
		goto oom;
	}
	e->count++;
	return 0;
oom:
	e->oom = 1;
	return CRM_ENOMEM;
}

static int
write_entries(FILE *f, const struct crmauth *ca,
	      const struct login_entries *e, int passwd)
{
	size_t i;

	for (i = 0; i < e->count; i++) {
		const struct login_entry *it = &e->items[i];
		int n;

		if (passwd)
			n = fprintf(f, "%s:x:%lld:%lld::%s/%s:%s\n", it->name,
				    (long long)it->uid, (long long)it->uid,
				    ca->opts.home_base, it->name, it->shell);
		else
			n = fprintf(f, "%s:x:%lld:\n", it->name,
				    (long long)it->uid);
		if (n < 0)
			return CRM_ESYS;
	}
	return CRM_OK;
}

/* dir/name.tmp.XXXXXX written, flushed to disk and left for rename;
 * its path in tmp. */
static int
write_temp(const struct crmauth *ca, const struct login_entries *e,
	   const char *name, int passwd, char *tmp, size_t tmplen)
{
	FILE *f;
	int fd, n, rc;

	n = snprintf(tmp, tmplen, "%s/.%s.crmauth.XXXXXX",
		     ca->opts.extrausers_dir, name);
	if (n < 0 || (size_t)n >= tmplen)
		return CRM_INVALID;
	if ((fd = mkstemp(tmp)) < 0)
		return CRM_ESYS;
	if (fchmod(fd, 0644) != 0 || (f = fdopen(fd, "w")) == NULL) {
		rc = CRM_ESYS;
		close(fd);
		goto fail;
	}
	rc = write_entries(f, ca, e, passwd);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = CRM_ESYS;
	if (fclose(f) != 0)
		rc = CRM_ESYS;
	if (rc == CRM_OK)
		return CRM_OK;
fail:
	unlink(tmp);
	return rc;
}

static int
file_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	return n > 0 && (size_t)n < sizeof(path) && access(path, F_OK) == 0;
}

static int
install(const char *tmp, const char *dir, const char *name)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return CRM_INVALID;
	return rename(tmp, path) == 0 ? CRM_OK : CRM_ESYS;
}

static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return CRM_ESYS;
	rc = fsync(fd) == 0 ? CRM_OK : CRM_ESYS;
	close(fd);
	return rc;
}

int
ca_extrausers_sync(struct crmauth *ca)
{
	const char *dir = ca->opts.extrausers_dir;
	char tmp_group[PATH_MAX], tmp_passwd[PATH_MAX];
	struct login_entries e = { 0 };
	struct stat st;
	int rc;

	tmp_group[0] = tmp_passwd[0] = '\0';
	rc = crm_store_login_users(ca->ctx->store, collect_login, &e);
	if (rc != CRM_OK || e.oom) {
		rc = e.oom ? CRM_ENOMEM : rc;
		ca_error(ca, rc, "extrausers: reading the accounts");
		goto out;
	}
	/* A machine that gives no CRM account a shell has no business with
	 * the files: nothing is created there. */
	if (e.count == 0 && !file_exists(dir, "passwd") &&
	    !file_exists(dir, "group"))
		goto out;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = CRM_ESYS;
		ca_warn("extrausers_dir %s: %s (apt-get install "
			"libnss-extrausers creates it)", dir,
			errno != 0 ? strerror(errno) : "not a directory");
		goto out;
	}
	rc = write_temp(ca, &e, "group", 0, tmp_group, sizeof(tmp_group));
	if (rc == CRM_OK)
		rc = write_temp(ca, &e, "passwd", 1, tmp_passwd,
				sizeof(tmp_passwd));
	if (rc != CRM_OK) {
		ca_warn("extrausers: writing in %s: %s", dir, strerror(errno));
		goto out;
	}
	/* The group first: a passwd line then never names a gid that its
	 * group file lacks. */
	if ((rc = install(tmp_group, dir, "group")) == CRM_OK) {
		tmp_group[0] = '\0';
		rc = install(tmp_passwd, dir, "passwd");
	}
	if (rc == CRM_OK) {
		tmp_passwd[0] = '\0';
		rc = sync_dir(dir);
	}
	if (rc != CRM_OK)
		ca_warn("extrausers: replacing the files in %s: %s", dir,
			strerror(errno));
out:
	if (tmp_group[0] != '\0')
		unlink(tmp_group);
	if (tmp_passwd[0] != '\0')
		unlink(tmp_passwd);
	entries_free(&e);
	return rc;
}
