/*
 * test_backup.c - the administrator's tools beyond single records, as an
 * administrator sees them through crmauth: export and import (a round
 * trip gives the same document, with and without secrets; a bad document
 * imports nothing and says where it is wrong; --dry-run writes nothing;
 * an export without secrets holds no hash or seed), the permission
 * review (each kind of finding, and none on a clean database), and
 * notify_command (gets the event, and neither a hang nor a failure
 * holds up or undoes the change).
 */
#include "autoconfig.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <liboath/oath.h>

#include "fixture.h"

#define PASSWORD "Pass-word-1234"
#define DOC_MAX (1 << 18)

static struct fixture fx;
static char eu_dir[1200];
static char db2[PATH_MAX];
static char doc_path[PATH_MAX];
/* The output buffers are large: static, not on the stack. */
static char out1[DOC_MAX], out2[DOC_MAX], err[16384];

static void
remove_db2(void)
{
	char path[PATH_MAX + 8];

	unlink(db2);
	snprintf(path, sizeof(path), "%s-wal", db2);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db2);
	unlink(path);
}

static void
conf_with(const char *extra)
{
	char conf[PATH_MAX * 2 + 512];

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
	assert_true(snprintf(eu_dir, sizeof(eu_dir), "%s/extrausers",
			     fx.work) < (int)sizeof(eu_dir));
	mkdir(eu_dir, 0755);
	snprintf(db2, sizeof(db2), "%s/restore.db", fx.work);
	snprintf(doc_path, sizeof(doc_path), "%s/backup.json", fx.work);
	remove_db2();
	conf_with(NULL);
	oath_init();
	return 0;
}

static int
teardown(void **state)
{
	char path[PATH_MAX];

	(void)state;
	oath_done();
	snprintf(path, sizeof(path), "%s/passwd", eu_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/group", eu_dir);
	unlink(path);
	rmdir(eu_dir);
	unlink(doc_path);
	remove_db2();
	fx_teardown(&fx);
	return 0;
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* A new, empty database beside the fixture's, under the same key. */
static void
init_db2(void)
{
	remove_db2();
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "--db", db2, "init",
				    NULL), 0);
}

/* ---- a source database with one of everything ---- */

struct seed {
	char secret[64];
	size_t len;
};

/* bob enrolled, and confirmed with the code of now. */
static void
enroll_bob(struct seed *s)
{
	char out[16384], code[16];
	json_object *root, *uri;
	const char *p;
	char *raw = NULL;
	size_t n;

	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "totp", "enroll", "bob", NULL), 0);
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "uri", &uri));
	p = strstr(json_object_get_string(uri), "secret=");
	assert_non_null(p);
	n = strcspn(p + 7, "&");
	assert_int_equal(oath_base32_decode(p + 7, n, &raw, &s->len), OATH_OK);
	assert_true(s->len <= sizeof(s->secret));
	memcpy(s->secret, raw, s->len);
	free(raw);
	json_object_put(root);
	assert_int_equal(oath_totp_generate(s->secret, s->len, time(NULL), 30,
					    0, 6, code), OATH_OK);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "totp", "confirm",
				    "bob", code, NULL), 0);
}

static void
crm(const char *a1, const char *a2, const char *a3, const char *a4,
    const char *a5, const char *a6, const char *a7, const char *a8)
{
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, a1, a2, a3, a4, a5, a6,
				    a7, a8, NULL), 0);
}

static void
build_source(struct seed *s)
{
	crm("template", "add", "base", "--perm", "lead.read", "--perm",
	    "lead.write", NULL);
	crm("role", "add", "sales", "--scope", "department", "--perm",
	    "deal.read", NULL);
	crm("template", "apply", "sales", "base", NULL, NULL, NULL, NULL);
	crm("role", "add", "admin", "--scope", "company", NULL, NULL, NULL);
	crm("role", "add", "support", "--scope", "own", NULL, NULL, NULL);
	crm("dept", "add", "sales", NULL, NULL, NULL, NULL, NULL);
	crm("dept", "add", "east", "--parent", "sales", NULL, NULL, NULL);
	assert_int_equal(fx_crmauth(&fx, PASSWORD "\n", NULL, 0, "user", "add",
				    "bob", "--dept", "east", "--role", "sales",
				    "--password-stdin", "--login-shell",
				    "/bin/sh", NULL), 0);
	assert_int_equal(fx_crmauth(&fx, PASSWORD "\n", NULL, 0, "user", "add",
				    "alice", "--role", "admin",
				    "--password-stdin", NULL), 0);
	crm("user", "add", "carol", "--role", "support", NULL, NULL, NULL);
	crm("user", "link", "carol", "bob", NULL, NULL, NULL, NULL);
	crm("user", "suspend", "carol", "--until", "+2h", NULL, NULL, NULL);
	/* This branch's crmauth has no "switch allow" yet: the rules as
	 * pam_crm_role's store keeps them. */
	assert_int_equal(fx_sql(&fx, "INSERT INTO switch_rules (from_kind, "
				"from_name, to_kind, to_name, mode) VALUES "
				"(1, 'support', 0, 'bob', 0), "
				"(0, 'alice', 1, 'sales', 1);"), 0);
	crm("allow", "add", "deny", "role:sales", "10.0.0.0/8,local",
	    "--hours", "Mo-Fr 08:00-18:00", NULL);
	enroll_bob(s);
}

/* crmauth [--db DB] export [--with-secrets] into out (exit 0). */
static void
export_to(const char *db, int secrets, char *out)
{
	assert_int_equal(fx_crmauth(&fx, NULL, out, DOC_MAX, "--db", db,
				    "export", secrets ? "--with-secrets" : NULL,
				    NULL), 0);
	assert_non_null(strstr(out, "\"format\": \"pam-crm-export\""));
}

static long
audit_count_db(const char *db, const char *event)
{
	static char out[1 << 16];
	json_object *root;
	long n;

	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--db", db,
				    "--json", "audit", "--event", event, NULL),
			 0);
	root = json_tokener_parse(out);
	assert_non_null(root);
	n = (long)json_object_array_length(root);
	json_object_put(root);
	return n;
}

/* ---- export and import ---- */

static void
round_trip_gives_the_same_document(void **state)
{
	static char plain[DOC_MAX], secret[DOC_MAX];
	char passwd_path[PATH_MAX + 16], code[16], passwd[4096];
	struct seed s;
	FILE *f;
	size_t n;

	(void)state;
	build_source(&s);
	export_to(fx.db, 0, plain);
	export_to(fx.db, 1, secret);
	/* What the document must hold to be a backup at all. */
	assert_non_null(strstr(plain, "\"parent\": \"sales\""));
	assert_non_null(strstr(plain, "\"login_shell\": \"/bin/sh\""));
	assert_non_null(strstr(plain, "\"to\": \"user:bob\""));
	assert_non_null(strstr(plain, "deny role:sales"));
	assert_non_null(strstr(secret, "\"sealed_seed\": \""));

	/* With secrets, into a fresh database under the same key. */
	init_db2();
	snprintf(passwd_path, sizeof(passwd_path), "%s/passwd", eu_dir);
	assert_int_equal(unlink(passwd_path), 0);
	write_text(doc_path, secret);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "--db", db2, "import",
				    doc_path, NULL), 0);
	export_to(db2, 1, out1);
	assert_string_equal(out1, secret);
	export_to(db2, 0, out1);
	assert_string_equal(out1, plain);
	assert_int_equal(audit_count_db(db2, "admin:import"), 1);
	/* The extrausers files were written from the restored accounts. */
	f = fopen(passwd_path, "r");
	assert_non_null(f);
	n = fread(passwd, 1, sizeof(passwd) - 1, f);
	passwd[n] = '\0';
	fclose(f);
	assert_non_null(strstr(passwd, "bob:"));
	/* The sealed seed still opens: the next code verifies. */
	assert_int_equal(oath_totp_generate(s.secret, s.len, time(NULL) + 30,
					    30, 0, 6, code), OATH_OK);
	assert_int_equal(fx_crmauth(&fx, NULL, NULL, 0, "--db", db2, "totp",
				    "verify", "bob", code, NULL), 0);

	/* Without secrets, from standard input. */
	init_db2();
	assert_int_equal(fx_crmauth(&fx, plain, NULL, 0, "--db", db2,
				    "import", "-", NULL), 0);
	export_to(db2, 0, out1);
	assert_string_equal(out1, plain);
}

static void
export_without_secrets_holds_no_hash_or_seed(void **state)
{
	static char plain[DOC_MAX];
	const char *needles[] = {
		"SELECT password_hash FROM users WHERE password_hash IS NOT "
		"NULL",
		"SELECT lower(hex(seed)) FROM totp",
		"SELECT lower(hex(code)) FROM totp_recovery",
	};
	char cmd[PATH_MAX + 256], line[1024];
	struct seed s;
	size_t i, found = 0;
	FILE *p;

	(void)state;
	build_source(&s);
	export_to(fx.db, 0, plain);
	for (i = 0; i < sizeof(needles) / sizeof(needles[0]); i++) {
		snprintf(cmd, sizeof(cmd), "/usr/bin/sqlite3 '%s' '%s'",
			 fx.db, needles[i]);
		p = popen(cmd, "r");
		assert_non_null(p);
		while (fgets(line, sizeof(line), p) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			if (line[0] == '\0')
				continue;
			found++;
			assert_null(strstr(plain, line));
		}
		assert_int_equal(pclose(p), 0);
	}
	/* Two hashes, a seed, ten recovery codes were looked for. */
	assert_int_equal(found, 13);
	assert_null(strstr(plain, "password_hash"));
	assert_null(strstr(plain, "sealed_seed"));
	assert_null(strstr(plain, "recovery"));
	assert_null(strstr(plain, "$y$"));
}

struct bad_doc {
	const char *doc;
	const char *says;		/* in stderr */
};

#define HEAD "{\"format\": \"pam-crm-export\", \"version\": 1, " \
	     "\"secrets\": false, "
#define ROLES "\"roles\": [{\"name\": \"sales\", \"scope\": \"own\"}], "
#define USER(n, r) "{\"name\": \"" n "\", \"status\": \"active\", " \
	"\"created\": \"2026-01-01T00:00:00.000Z\", \"roles\": [" r "]}"

static const struct bad_doc bad_docs[] = {
	{ "{\"format\": \"pam-crm-export\", \"version\": 2, "
	  "\"secrets\": false}", "/version: version 2" },
	{ "{\"format\": \"other\", \"version\": 1, \"secrets\": false}",
	  "/format: not a pam-crm export" },
	{ "not json", "/: not JSON" },
	{ HEAD ROLES "\"users\": [" USER("bob", "\"sales\"") ", "
	  USER("ann", "\"salse\"") "]}",
	  "/users/1/roles/0: no such role 'salse'" },
	{ HEAD ROLES "\"users\": [" USER("bob", "") ", " USER("bob", "")
	  "]}", "/users/1: user 'bob' given twice" },
	{ HEAD "\"depts\": [{\"name\": \"a\", \"parent\": \"b\"}, "
	  "{\"name\": \"b\", \"parent\": \"a\"}]}",
	  "/depts/0/parent: department 'a' is its own ancestor" },
	{ HEAD "\"depts\": [{\"name\": \"a\", \"parent\": \"nowhere\"}]}",
	  "/depts/0/parent: no such department 'nowhere'" },
	{ HEAD "\"roles\": [{\"name\": \"sales\", \"scope\": \"world\"}]}",
	  "/roles/0/scope: not one of the known values" },
	{ HEAD "\"roles\": [{\"name\": \"a,b\", \"scope\": \"own\"}]}",
	  "/roles/0/name: invalid name" },
	{ HEAD "\"users\": [{\"name\": \"bob\", \"status\": \"gone\", "
	  "\"created\": \"2026-01-01T00:00:00.000Z\"}]}",
	  "/users/0/status: not one of the known values" },
	{ HEAD ROLES "\"users\": [" USER("bob", "") "], \"switch_rules\": "
	  "[{\"from\": \"role:sales\", \"to\": \"user:nobody\", "
	  "\"mode\": \"trust\"}]}",
	  "/switch_rules/0/to: no such user 'nobody'" },
	{ HEAD ROLES "\"switch_rules\": [{\"from\": \"role:sales\", "
	  "\"to\": \"role:sales\", \"mode\": \"always\"}]}",
	  "/switch_rules/0/mode: not one of the known values" },
	{ HEAD "\"access_rules\": [\"allow * 10.0.0.0/33\"]}",
	  "/access_rules/0: bad access rule" },
	{ HEAD "\"access_rules\": [\"allow * * service=\\\"crm\\\"\"]}",
	  "/access_rules/0: access rule not in canonical form" },
	{ HEAD "\"users\": [{\"name\": \"bob\", \"status\": \"active\", "
	  "\"created\": \"2026-01-01T00:00:00.000Z\", "
	  "\"password_hash\": \"$y$x\"}]}",
	  "/users/0/password_hash: a secret in a document whose" },
	/* Taken by the parser, refused inside the transaction after the
	 * role and the user were written: rolled back all the same. */
	{ HEAD ROLES "\"users\": [" USER("bob", "\"sales\"") "], "
	  "\"access_rules\": [\"allow * * tz=Nowhere/Atlantis\"]}",
	  "/access_rules/0: " },
};

static void
bad_import_changes_nothing_and_says_where(void **state)
{
	static char before[DOC_MAX];
	size_t i;
	int rc;

	(void)state;
	init_db2();
	export_to(db2, 1, before);
	for (i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		write_text(doc_path, bad_docs[i].doc);
		rc = fx_crmauth_err(&fx, NULL, NULL, 0, err, sizeof(err),
				    "--db", db2, "import", doc_path, NULL);
		if (rc == 0 || strstr(err, bad_docs[i].says) == NULL ||
		    strstr(err, "nothing imported") == NULL)
			fail_msg("bad document %zu: exit %d, said: %s", i, rc,
				 err);
		export_to(db2, 1, out1);
		assert_string_equal(out1, before);
	}
	assert_int_equal(audit_count_db(db2, "admin:import"), 0);
}

static void
import_into_a_database_in_use_is_refused(void **state)
{
	static char before[DOC_MAX];
	struct seed s;

	(void)state;
	build_source(&s);
	export_to(fx.db, 1, before);
	write_text(doc_path, before);
	assert_int_equal(fx_crmauth_err(&fx, NULL, NULL, 0, err, sizeof(err),
					"import", doc_path, NULL), 1);
	assert_non_null(strstr(err, "the database already holds users"));
	export_to(fx.db, 1, out1);
	assert_string_equal(out1, before);
}

static void
dry_run_writes_nothing(void **state)
{
	static char doc[DOC_MAX], before[DOC_MAX];
	struct seed s;

	(void)state;
	build_source(&s);
	export_to(fx.db, 1, doc);
	init_db2();
	export_to(db2, 1, before);
	write_text(doc_path, doc);
	assert_int_equal(fx_crmauth(&fx, NULL, out2, sizeof(out2), "--db", db2,
				    "import", "--dry-run", doc_path, NULL), 0);
	assert_non_null(strstr(out2, "would import: 3 users, 3 roles, 1 "
			       "templates, 2 departments, 2 switch rules, "
			       "2 access rules"));
	export_to(db2, 1, out1);
	assert_string_equal(out1, before);
	assert_int_equal(audit_count_db(db2, "admin:import"), 0);
}

/* ---- review ---- */

static void
review_of_a_clean_database_finds_nothing(void **state)
{
	(void)state;
	assert_int_equal(fx_crmauth(&fx, NULL, out1, sizeof(out1), "review",
				    NULL), 0);
	assert_string_equal(out1, "nothing found\n");
}

/* Whether the review's JSON holds a finding of kind about name. */
static int
has_finding(json_object *findings, const char *kind, const char *name)
{
	json_object *item, *k, *n;
	size_t i;

	for (i = 0; i < json_object_array_length(findings); i++) {
		item = json_object_array_get_idx(findings, i);
		if (json_object_object_get_ex(item, "kind", &k) &&
		    json_object_object_get_ex(item, "name", &n) &&
		    strcmp(json_object_get_string(k), kind) == 0 &&
		    strcmp(json_object_get_string(n), name) == 0)
			return 1;
	}
	return 0;
}

static void
review_finds_each_kind(void **state)
{
	json_object *root, *findings;
	struct seed s;

	(void)state;
	/* An account from 200 days ago that never logged in, its password
	 * as old: crmauth runs without the test's clock, so the row is
	 * dated back as it would have been written then. */
	fx_user_add(&fx, "olga", PASSWORD);
	assert_int_equal(fx_sql(&fx, "UPDATE users SET created = created - "
				"200 * 86400000, password_changed = "
				"password_changed - 200 * 86400000 WHERE "
				"name = 'olga';"), 0);
	crm("template", "add", "base", "--perm", "lead.read", NULL, NULL,
	    NULL);
	crm("role", "add", "sales", "--scope", "own", "--perm", "deal.read",
	    NULL);
	crm("template", "apply", "sales", "base", NULL, NULL, NULL, NULL);
	crm("role", "add", "admin", "--scope", "company", NULL, NULL, NULL);
	crm("role", "add", "support", "--scope", "own", NULL, NULL, NULL);
	crm("role", "add", "unused", "--scope", "own", NULL, NULL, NULL);
	crm("role", "grant", "olga", "sales", NULL, NULL, NULL, NULL);
	/* bob: an administrator with TOTP; alice: one without. */
	crm("user", "add", "bob", "--role", "admin", NULL, NULL, NULL);
	enroll_bob(&s);
	crm("user", "add", "alice", "--role", "admin", NULL, NULL, NULL);
	crm("user", "add", "dave", "--role", "support", NULL, NULL, NULL);
	crm("user", "disable", "dave", NULL, NULL, NULL, NULL, NULL);
	assert_int_equal(fx_sql(&fx, "INSERT INTO switch_rules (from_kind, "
				"from_name, to_kind, to_name, mode) VALUES "
				"(1, 'support', 0, 'alice', 0), "
				"(1, 'support', 1, 'admin', 0), "
				"(1, 'support', 1, 'sales', 0), "
				"(1, 'sales', 0, 'bob', 1);"), 0);

	assert_int_equal(fx_crmauth(&fx, NULL, out1, sizeof(out1), "--json",
				    "review", "--max-age-days", "30", NULL),
			 1);
	root = json_tokener_parse(out1);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "findings", &findings));
	assert_true(has_finding(findings, "inactive", "olga"));
	assert_false(has_finding(findings, "inactive", "alice"));
	assert_true(has_finding(findings, "admin_without_totp", "alice"));
	assert_false(has_finding(findings, "admin_without_totp", "bob"));
	assert_true(has_finding(findings, "password_max_age", "olga"));
	assert_true(has_finding(findings, "disabled_with_roles", "dave"));
	assert_true(has_finding(findings, "trust_reaches_admin", "1"));
	assert_true(has_finding(findings, "trust_reaches_admin", "2"));
	assert_false(has_finding(findings, "trust_reaches_admin", "3"));
	assert_false(has_finding(findings, "trust_reaches_admin", "4"));
	assert_true(has_finding(findings, "role_unused", "unused"));
	assert_false(has_finding(findings, "role_unused", "sales"));
	assert_true(has_finding(findings, "role_beyond_templates", "sales"));
	json_object_put(root);
	/* The text table says the same; --max-age-days 0 checks none. */
	assert_int_equal(fx_crmauth(&fx, NULL, out1, sizeof(out1), "review",
				    NULL), 1);
	assert_non_null(strstr(out1, "disabled_with_roles"));
	assert_null(strstr(out1, "password_max_age"));
}

/* ---- notify_command ---- */

static char script[PATH_MAX], got_path[PATH_MAX];

static void
notify_paths(void)
{
	snprintf(script, sizeof(script), "%s/notify.sh", fx.work);
	snprintf(got_path, sizeof(got_path), "%s/notified", fx.work);
	unlink(got_path);
}

static void
notify_script(const char *body, const char *extra_conf)
{
	char text[PATH_MAX * 2 + 256], conf[PATH_MAX + 256];

	notify_paths();
	snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);
	write_text(script, text);
	assert_int_equal(chmod(script, 0755), 0);
	snprintf(conf, sizeof(conf), "notify_command = %s\n%s", script,
		 extra_conf != NULL ? extra_conf : "");
	conf_with(conf);
}

static void
notify_command_gets_the_event(void **state)
{
	char body[PATH_MAX * 2 + 64], text[4096];
	json_object *root, *val;
	FILE *f;
	size_t n;

	(void)state;
	notify_paths();
	snprintf(body, sizeof(body), "{ echo \"$1\"; cat; } > '%s'", got_path);
	notify_script(body, NULL);
	crm("role", "add", "sales", "--scope", "own", NULL, NULL, NULL);
	f = fopen(got_path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_int_equal(strncmp(text, "admin:role add\n", 15), 0);
	root = json_tokener_parse(text + 15);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "event", &val));
	assert_string_equal(json_object_get_string(val), "admin:role add");
	assert_true(json_object_object_get_ex(root, "name", &val));
	assert_string_equal(json_object_get_string(val), "sales");
	assert_true(json_object_object_get_ex(root, "detail", &val));
	assert_non_null(strstr(json_object_get_string(val), "scope=own"));
	assert_true(json_object_object_get_ex(root, "time", &val));
	assert_non_null(json_object_get_string(val));
	assert_true(json_object_object_get_ex(root, "user", &val));
	json_object_put(root);
	/* A change of a credential only is no event. */
	unlink(got_path);
	assert_int_equal(fx_crmauth(&fx, PASSWORD "\n", NULL, 0, "user", "add",
				    "bob", "--password-stdin", NULL), 0);
	assert_int_equal(access(got_path, F_OK), 0);
	unlink(got_path);
	assert_int_equal(fx_crmauth(&fx, "Other-pass-5678\n", NULL, 0, "user",
				    "passwd", "bob", "--stdin", NULL), 0);
	assert_int_equal(access(got_path, F_OK), -1);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
hanging_notify_command_is_cut_off(void **state)
{
	double start, elapsed;

	(void)state;
	notify_script("sleep 60", NULL);
	start = now_s();
	assert_int_equal(fx_crmauth_err(&fx, NULL, NULL, 0, err, sizeof(err),
					"role", "add", "sales", "--scope",
					"own", NULL), 0);
	elapsed = now_s() - start;
	assert_true(elapsed < 8.0);
	assert_true(elapsed >= 4.5);	/* the default bound is 5 s */
	assert_non_null(strstr(err, "killed"));
	assert_int_equal(fx_crmauth(&fx, NULL, out1, sizeof(out1), "role",
				    "list", NULL), 0);
	assert_non_null(strstr(out1, "sales"));
}

static void
failing_notify_command_leaves_the_change(void **state)
{
	(void)state;
	notify_script("cat >/dev/null; exit 3", NULL);
	assert_int_equal(fx_crmauth_err(&fx, NULL, NULL, 0, err, sizeof(err),
					"role", "add", "sales", "--scope",
					"own", NULL), 0);
	assert_non_null(strstr(err, "warning: notify_command"));
	assert_non_null(strstr(err, "exit status 3"));
	assert_int_equal(fx_crmauth(&fx, NULL, out1, sizeof(out1), "role",
				    "list", NULL), 0);
	assert_non_null(strstr(out1, "sales"));
	assert_int_equal(fx_audit_count(&fx, NULL, "admin:role add"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			round_trip_gives_the_same_document, setup, teardown),
		cmocka_unit_test_setup_teardown(
			export_without_secrets_holds_no_hash_or_seed, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			bad_import_changes_nothing_and_says_where, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			import_into_a_database_in_use_is_refused, setup,
			teardown),
		cmocka_unit_test_setup_teardown(dry_run_writes_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			review_of_a_clean_database_finds_nothing, setup,
			teardown),
		cmocka_unit_test_setup_teardown(review_finds_each_kind, setup,
						teardown),
		cmocka_unit_test_setup_teardown(notify_command_gets_the_event,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			hanging_notify_command_is_cut_off, setup, teardown),
		cmocka_unit_test_setup_teardown(
			failing_notify_command_leaves_the_change, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
