/*
 * backup.h - the document of "crmauth export" and "crmauth import": the
 * permission data of a database (users, roles, templates, departments,
 * switch and access rules, and with secrets the password hashes and TOTP
 * records) as JSON, and back.  For the tools only.
 *
 * Parsing and writing only: nothing here opens a file, a database or a
 * PAM handle.  A document is taken whole or not at all: crm_backup_parse
 * checks every name as crmauth checks it, every reference (a role a user
 * holds, a department's parent, a switch rule's FROM and TO) and every
 * access rule line before it returns a model, and on any error returns
 * none, with err saying what is wrong and where as a JSON pointer
 * ("/users/3/roles/1: no such role 'salse'").  A name is quoted in an
 * error only once it is known to be a valid name.
 *
 * crm_backup_write writes the model in one order (sorted by name; switch
 * and access rules in the order given, which is their id and match
 * order), so that export, import, export gives the same bytes.
 */
#ifndef CRM_BACKUP_H
#define CRM_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "core/crm.h"
#include "store/store.h"

#define CRM_BACKUP_FORMAT	"pam-crm-export"
#define CRM_BACKUP_VERSION	1
/* A password hash of the document: longer than any crypt(3) writes. */
#define CRM_BACKUP_HASH_MAX	512
/* A login shell: a path, as extrausers.c writes it into passwd. */
#define CRM_BACKUP_SHELL_MAX	256

struct crm_backup_strs {
	char **items;
	size_t count, cap;
};

struct crm_backup_recovery {
	unsigned char mac[CRM_MAC_LEN];	/* as stored: keyed, user id bound */
	int64_t used_ms;		/* 0: unused */
};

/* A TOTP enrolment as stored: the seed stays sealed under the key file
 * (bound to the user's id), so a document never holds it in clear. */
struct crm_backup_totp {
	unsigned char sealed[CRM_TOTP_SEALED_MAX];
	size_t sealed_len;
	unsigned int algorithm;		/* enum crm_totp_algorithm */
	unsigned int digits, period;
	int64_t confirmed_ms;		/* 0: pending */
	int64_t last_step;		/* -1: none used */
	int64_t created_ms;
	struct crm_backup_recovery *recovery;
	size_t nrecovery, caprecovery;
};

struct crm_backup_user {
	char *name;
	char *dept;			/* NULL: none */
	enum crm_user_status status;
	int64_t suspended_until_ms;	/* 0 unless suspended */
	int64_t created_ms;
	int64_t last_login_ms;		/* 0: never */
	int64_t uid;			/* 0: none */
	char *login_shell;		/* NULL: none */
	struct crm_backup_strs roles;
	struct crm_backup_strs links;
	/* With secrets only. */
	int64_t id;			/* the id the secrets are bound to */
	char *password_hash;		/* NULL: none; cleansed on free */
	int64_t password_changed_ms;
	struct crm_backup_totp *totp;	/* NULL: none */
};

struct crm_backup_role {
	char *name;
	enum crm_scope scope;
	struct crm_backup_strs perms;
	struct crm_backup_strs templates;
};

struct crm_backup_template {
	char *name;
	struct crm_backup_strs perms;
};

struct crm_backup_dept {
	char *name;
	char *parent;			/* NULL: a top department */
};

struct crm_backup_switch {
	enum crm_switch_kind from_kind;
	char *from_name;
	enum crm_switch_kind to_kind;
	char *to_name;
	enum crm_switch_mode mode;
};

struct crm_backup {
	int secrets;			/* hashes, seeds and codes included */
	struct crm_backup_user *users;
	size_t nusers, capusers;
	struct crm_backup_role *roles;
	size_t nroles, caproles;
	struct crm_backup_template *templates;
	size_t ntemplates, captemplates;
	struct crm_backup_dept *depts;
	size_t ndepts, capdepts;
	struct crm_backup_switch *switches;
	size_t nswitches, capswitches;
	struct crm_backup_strs access;	/* canonical lines, match order */
};

/* Building a model (export): each returns CRM_OK or CRM_ENOMEM. */
struct crm_backup *crm_backup_new(void);
int crm_backup_strs_add(struct crm_backup_strs *list, const char *item);
int crm_backup_add_user(struct crm_backup *b, const char *name,
			struct crm_backup_user **out);
int crm_backup_add_role(struct crm_backup *b, const char *name,
			enum crm_scope scope, struct crm_backup_role **out);
int crm_backup_add_template(struct crm_backup *b, const char *name,
			    struct crm_backup_template **out);
int crm_backup_add_dept(struct crm_backup *b, const char *name,
			const char *parent);
int crm_backup_add_switch(struct crm_backup *b,
			  const struct crm_switch_rule *rule);
int crm_backup_add_recovery(struct crm_backup_totp *t,
			    const unsigned char mac[CRM_MAC_LEN],
			    int64_t used_ms);
/* Cleanses hashes, sealed seeds and recovery hashes.  NULL is fine. */
void crm_backup_free(struct crm_backup *b);

/*
 * The document of len bytes at text (no NUL needed) into *out.  CRM_OK;
 * CRM_INVALID with "POINTER: reason" in err; CRM_ENOMEM.  On error *out
 * is NULL.
 */
int crm_backup_parse(const char *text, size_t len, struct crm_backup **out,
		     char *err, size_t errlen);

/*
 * The document of b, sorted (b is sorted in place), ending in a newline,
 * into *out (the caller frees it, cleansed first when b holds secrets).
 * CRM_OK or CRM_ENOMEM.
 */
int crm_backup_write(struct crm_backup *b, char **out);

#endif
