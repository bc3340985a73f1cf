/*
 * init.c - crmauth init: create the database and the key file, or check
 * and migrate existing ones.  Running it again is safe: an existing key
 * is only loaded (to check it), an existing database only migrated.
 */
#include "autoconfig.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/context.h"
#include "core/crypto.h"
#include "store/store.h"

#include "crmauth.h"

static const char init_usage[] =
"usage: crmauth [--conf PATH] [--db PATH] [--keyfile PATH] init\n";

/* What init found and did, for the report. */
struct init_result {
	int db_created;
	int db_from;			/* schema version before migration */
	int key_created;
	int key_check_created;		/* recorded by this run */
	int db_open_to_others;		/* an existing file readable by others */
};

/*
 * Create the directory that holds path, mode 0700, when it is missing.
 * Only the last level: the levels above (/var/lib, /etc/security) belong
 * to the system, and guessing their modes is not ours to do.
 */
static int
make_parent_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int n;

	n = snprintf(dir, sizeof(dir), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(dir)) {
		ca_warn("%s: path too long", path);
		return CRM_INVALID;
	}
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return CRM_OK;
	*slash = '\0';
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return CRM_OK;
	ca_warn("%s: cannot create directory: %s", dir, strerror(errno));
	return CRM_ESYS;
}

/* err from lib names the file already; what ("database", "key file")
 * and path only stand in when lib left err empty. */
static void
open_error(const char *what, const char *path, int status, const char *err)
{
	if (err[0] != '\0')
		ca_warn("%s", err);
	else
		ca_warn("%s %s: %s", what, path, crm_strerror(status));
}

/* 1 when path exists, 0 when it does not, -1 (reported) when unknown. */
static int
path_exists(const char *path, struct stat *st)
{
	if (lstat(path, st) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	ca_warn("%s: %s", path, strerror(errno));
	return -1;
}

/*
 * A database that already holds audit rows was chained under a key; a
 * fresh key would make every row look forged and every sealed secret
 * unreadable.  Refuse, so that the administrator restores the old key.
 */
static int
check_orphaned_db(struct crmauth *ca, struct crm_store *store,
		  const char *keyfile)
{
	unsigned char mac[CRM_MAC_LEN];
	size_t got = 0;
	int64_t id;
	int rc;

	/* A key check value names a key as surely as a chained row. */
	rc = crm_store_meta_get(store, CRM_KEY_CHECK_META, mac, sizeof(mac),
				&got);
	crm_cleanse(mac, sizeof(mac));
	if (rc == CRM_OK) {
		ca_warn("%s: key file missing, but the database already "
			"holds the key check value of a key; restore that "
			"key file instead of creating a new one", keyfile);
		return CRM_EXISTS;
	}
	if (rc != CRM_NOTFOUND) {
		ca_error(ca, rc, "database: key check value");
		return rc;
	}
	rc = crm_store_audit_tail(store, &id, mac);
	crm_cleanse(mac, sizeof(mac));
	if (rc == CRM_NOTFOUND)
		return CRM_OK;
	if (rc != CRM_OK) {
		ca_error(ca, rc, "audit trail");
		return rc;
	}
	ca_warn("%s: key file missing, but the database already holds "
		"audit rows chained under a key; restore that key file "
		"instead of creating a new one", keyfile);
	return CRM_EXISTS;
}

static int
init_db(struct crmauth *ca, const char *db, struct crm_store **store,
	struct init_result *res)
{
	char err[PATH_MAX + 256];
	struct stat st;
	int exists, rc;

	if ((rc = make_parent_dir(db)) != CRM_OK)
		return rc;
	if ((exists = path_exists(db, &st)) < 0)
		return CRM_ESYS;
	res->db_created = !exists;
	res->db_open_to_others = exists && (st.st_mode & 0077) != 0;

	err[0] = '\0';
	rc = crm_store_open(db, CRM_STORE_CREATE,
			    ca->opts.common.busy_timeout_ms,
			    (enum crm_durability)ca->opts.common.durability,
			    store, err, sizeof(err));
	if (rc != CRM_OK) {
		*store = NULL;
		open_error("database", db, rc, err);
		return rc;
	}
	rc = crm_store_migrate(*store, &res->db_from);
	if (rc != CRM_OK) {
		ca_warn("database %s: migration to schema version %d: %s%s%s",
			db, CRM_SCHEMA_VERSION, crm_strerror(rc),
			crm_store_errmsg(*store)[0] != '\0' ? ": " : "",
			crm_store_errmsg(*store));
		return rc;
	}
	return CRM_OK;
}


static int
init_key(struct crmauth *ca, const char *keyfile, struct crm_store *store,
	 struct crm_key **key, struct init_result *res)
{
	char err[PATH_MAX + 256];
	struct stat st;
	int exists, rc;

	if ((exists = path_exists(keyfile, &st)) < 0)
		return CRM_ESYS;
	if (!exists) {
		if (!res->db_created &&
		    (rc = check_orphaned_db(ca, store, keyfile)) != CRM_OK)
			return rc;
		if ((rc = make_parent_dir(keyfile)) != CRM_OK)
			return rc;
		err[0] = '\0';
		rc = crm_key_create(keyfile, err, sizeof(err));
		if (rc != CRM_OK) {
			open_error("key file", keyfile, rc, err);
			return rc;
		}
		res->key_created = 1;
	}
	/* Load it even when just made: this is the check that modules
	 * will make (mode, owner, size). */
	err[0] = '\0';
	rc = crm_key_load(keyfile, key, err, sizeof(err));
	if (rc != CRM_OK) {
		*key = NULL;
		open_error("key file", keyfile, rc, err);
	}
	return rc;
}

/*
 * The database must hold the key check value of its key, or every module
 * refuses it.  Compare it when present (a mismatch is the wrong key file:
 * refuse, never overwrite); record it when absent (a new database, or
 * one made before key checks).  Absent on a database whose audit trail
 * already holds rows, it is recorded only when the trail verifies under
 * this key, so that init cannot bless a key the rows were not made with.
 */
static int
init_key_check(struct crmauth *ca, struct crm_store *store,
	       const struct crm_key *key, struct init_result *res)
{
	const char *db = ca->opts.common.db;
	const char *keyfile = ca->opts.common.keyfile;
	struct crm_audit_report report;
	char err[2 * PATH_MAX + 256];
	int rc;

	err[0] = '\0';
	rc = crm_ctx_key_verify(store, key, db, keyfile, err, sizeof(err));
	if (rc == CRM_OK)
		return CRM_OK;
	if (rc != CRM_NOTFOUND) {
		open_error("key file", keyfile, rc, err);
		return rc;
	}
	/* A database made just now holds no row yet: nothing to verify
	 * (an empty trail of an old database is itself a finding). */
	if (res->db_created) {
		res->key_check_created = 1;
		return CRM_OK;
	}
	memset(&report, 0, sizeof(report));
	rc = crm_audit_verify(store, key, &report);
	if (rc != CRM_OK) {
		ca_error(ca, rc, "database %s: audit trail", db);
		return rc;
	}
	if (report.first_bad_id != 0) {
		ca_warn("key file %s does not match database %s: its audit "
			"trail does not verify under this key (row %lld: %s); "
			"no key check value recorded: restore the key file "
			"the database was made with", keyfile, db,
			(long long)report.first_bad_id, report.reason);
		return CRM_EKEY;
	}
	res->key_check_created = 1;
	return CRM_OK;
}

/* The admin:init row, when init changed anything. */
static int
init_audit(struct crmauth *ca, struct crm_store *store,
	   const struct crm_key *key, const struct init_result *res)
{
	char detail[CRM_DETAIL_MAX];
	int rc;

	if (!res->db_created && !res->key_created &&
	    !res->key_check_created && res->db_from == CRM_SCHEMA_VERSION)
		return CRM_OK;
	ca_detail(detail, sizeof(detail), "schema %d->%d%s%s%s", res->db_from,
		  CRM_SCHEMA_VERSION, res->db_created ? " database created" : "",
		  res->key_created ? " key created" : "",
		  res->key_check_created ? " key check recorded" : "");
	if ((rc = crm_store_begin(store, CRM_TXN_WRITE)) != CRM_OK) {
		ca_warn("database: %s: %s", crm_strerror(rc),
			crm_store_errmsg(store));
		return rc;
	}
	rc = CRM_OK;
	if (res->key_check_created)
		rc = crm_ctx_key_record(store, key);
	if (rc == CRM_OK)
		rc = ca_audit_append(ca, store, key, NULL, "admin:init",
				     detail);
	if (rc == CRM_OK)
		rc = crm_store_commit(store);
	if (rc != CRM_OK) {
		crm_store_rollback(store);
		ca_warn("audit trail: %s: %s", crm_strerror(rc),
			crm_store_errmsg(store));
	}
	return rc;
}

static int
init_report(struct crmauth *ca, const struct init_result *res)
{
	const char *db = ca->opts.common.db;
	const char *keyfile = ca->opts.common.keyfile;
	json_object *obj;
	int rc = CRM_ENOMEM;

	if (!ca->json) {
		if (res->db_created)
			printf("created database %s (schema version %d)\n",
			       db, CRM_SCHEMA_VERSION);
		else if (res->db_from != CRM_SCHEMA_VERSION)
			printf("migrated database %s from schema version %d "
			       "to %d\n", db, res->db_from,
			       CRM_SCHEMA_VERSION);
		else
			printf("database %s is up to date (schema version "
			       "%d)\n", db, CRM_SCHEMA_VERSION);
		if (res->key_created)
			printf("created key file %s\n", keyfile);
		else
			printf("key file %s is present and safe\n", keyfile);
		if (res->key_check_created)
			printf("recorded the key check value of %s in %s\n",
			       keyfile, db);
		else
			printf("key file %s matches the database\n", keyfile);
		return CRM_OK;
	}
	if ((obj = json_object_new_object()) == NULL)
		return CRM_ENOMEM;
	if (ca_json_str(obj, "database", db) == CRM_OK &&
	    ca_json_bool(obj, "database_created", res->db_created) == CRM_OK &&
	    ca_json_int(obj, "schema_from", res->db_from) == CRM_OK &&
	    ca_json_int(obj, "schema_version", CRM_SCHEMA_VERSION) == CRM_OK &&
	    ca_json_str(obj, "keyfile", keyfile) == CRM_OK &&
	    ca_json_bool(obj, "keyfile_created", res->key_created) == CRM_OK &&
	    ca_json_bool(obj, "key_check_created",
			 res->key_check_created) == CRM_OK)
		rc = ca_json_print(obj);
	json_object_put(obj);
	return rc;
}

int
cmd_init(struct crmauth *ca, int argc, char **argv)
{
	struct init_result res = { 0 };
	struct crm_store *store = NULL;
	struct crm_key *key = NULL;
	mode_t old_umask;
	int rc, ret;

	ret = ca_simple_args(ca, argc, argv, "init", init_usage, 0, 0);
	if (ret != CA_CONTINUE)
		return ret;
	if ((rc = ca_load_config(ca)) != CRM_OK)
		return ca_exit_code(rc);

	/* Nothing init creates is for anyone but its owner: the database,
	 * its WAL files (SQLite gives them the database's mode) and the
	 * directories. */
	old_umask = umask(077);
	if ((rc = init_db(ca, ca->opts.common.db, &store, &res)) != CRM_OK)
		goto out;
	rc = init_key(ca, ca->opts.common.keyfile, store, &key, &res);
	if (rc != CRM_OK)
		goto out;
	if ((rc = init_key_check(ca, store, key, &res)) != CRM_OK)
		goto out;
	if ((rc = init_audit(ca, store, key, &res)) != CRM_OK)
		goto out;
	if (res.db_open_to_others)
		ca_warn("warning: database %s is open to group or others; "
			"chmod 600 it", ca->opts.common.db);
	if ((rc = init_report(ca, &res)) != CRM_OK)
		ca_warn("out of memory");
out:
	umask(old_umask);
	if (key != NULL)
		crm_key_free(key);
	if (store != NULL)
		crm_store_close(store);
	return ca_exit_code(rc);
}
