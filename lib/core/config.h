/*
 * config.h - pam_crm.conf and module arguments, merged into one typed
 * struct per module.
 *
 * Precedence (SPEC): module argument > the module's [section] > [global] >
 * built-in default.  Each module describes its options once, in a table of
 * crm_option next to its defaults; the same table serves the file, the
 * arguments and crmauth.  An unknown name is logged and ignored; a
 * malformed value makes crm_config_load fail, and the caller fails closed.
 *
 * Sections named [MODULE.role.NAME] hold per-role overrides.  They are
 * validated at load time and kept as text; crm_config_apply_role() applies
 * one on top of a copy of the module's options.
 */
#ifndef CRM_CONFIG_H
#define CRM_CONFIG_H

#include <limits.h>
#include <stddef.h>

#include "core/crm.h"

enum crm_opt_type {
	CRM_OPT_BOOL,	/* bare word in arguments; yes/no/1/0/true/false */
	CRM_OPT_UINT,	/* decimal, within [min, max] */
	CRM_OPT_PATH,	/* absolute path */
	CRM_OPT_LOCATION, /* absolute path or a scheme:// URI (db=) */
	CRM_OPT_STRING,	/* a name: crm_valid_name(CRM_NAME_MAX) */
	CRM_OPT_ENUM,	/* one of choices[]; stored as its index */
	CRM_OPT_WORD,	/* bare word (preauth): stores min as unsigned int */
	CRM_OPT_DURATION, /* seconds: "90", "45s", "30m", "24h", "7d"; an
			   * unsigned long within [min, max] seconds */
	CRM_OPT_DURATION_MS, /* a wait: "500ms", "2s", "1m", "2" (seconds);
			      * an unsigned long within [min, max] ms */
	CRM_OPT_RANGE,	/* "LO-HI", decimals within [min, max], LO <= HI;
			 * a struct crm_range */
};

/* A CRM_OPT_RANGE value: both ends included. */
struct crm_range {
	unsigned long lo, hi;
};

struct crm_option {
	const char *name;
	enum crm_opt_type type;
	size_t offset;			/* into the module's option struct */
	long min, max;			/* CRM_OPT_UINT */
	const char *const *choices;	/* CRM_OPT_ENUM, NULL-terminated */
	unsigned int flags;
};

/* crm_option.flags */
#define CRM_OPT_ARG_ONLY	0x1	/* module argument only (preauth, ...) */
#define CRM_OPT_ROLE		0x2	/* may appear in [MODULE.role.NAME] */
#define CRM_OPT_PAM		0x4	/* PAM-only: offset into pam_values */

enum crm_unknown { CRM_UNKNOWN_DENY, CRM_UNKNOWN_IGNORE };

/* Options every module and tool takes. */
struct crm_common_opts {
	char conf[PATH_MAX];
	char db[PATH_MAX];
	char keyfile[PATH_MAX];
	unsigned long busy_timeout_ms;
	unsigned long audit_keep_days;
	unsigned int durability;	/* enum crm_durability (store.h) */
	int debug;
	int silent;
	unsigned int unknown;		/* enum crm_unknown */
	unsigned int broker;		/* enum crm_broker_mode */
	char broker_socket[PATH_MAX];
	unsigned long broker_timeout_ms;
	/* crm-authd's: who may ask ("www-data:crm-web @web"). */
	char broker_allow[CRM_NAME_MAX];
};

/* Where a decision runs: in this process when it can open the database
 * (auto), always through crm-authd, or never through it. */
enum crm_broker_mode { CRM_BROKER_AUTO, CRM_BROKER_ALWAYS, CRM_BROKER_NEVER };
#define CRM_BROKER_SOCKET "/run/pam-crm/authd.sock"

/* Table entries for crm_common_opts, for a module struct that begins with
 * `struct crm_common_opts common;`. */
#define CRM_COMMON_OPTIONS(type)					\
	{ "conf", CRM_OPT_PATH, offsetof(type, common.conf), 0, 0, NULL, CRM_OPT_ARG_ONLY }, \
	{ "db", CRM_OPT_LOCATION, offsetof(type, common.db), 0, 0, NULL, 0 }, \
	{ "keyfile", CRM_OPT_PATH, offsetof(type, common.keyfile), 0, 0, NULL, 0 }, \
	{ "busy_timeout_ms", CRM_OPT_UINT, offsetof(type, common.busy_timeout_ms), 0, 600000, NULL, 0 }, \
	{ "audit_keep_days", CRM_OPT_UINT, offsetof(type, common.audit_keep_days), 0, 36500, NULL, 0 }, \
	{ "durability", CRM_OPT_ENUM, offsetof(type, common.durability), 0, 0, crm_durability_choices, 0 }, \
	{ "debug", CRM_OPT_BOOL, offsetof(type, common.debug), 0, 1, NULL, 0 }, \
	{ "silent", CRM_OPT_BOOL, offsetof(type, common.silent), 0, 1, NULL, 0 }, \
	{ "unknown", CRM_OPT_ENUM, offsetof(type, common.unknown), 0, 0, crm_unknown_choices, 0 }, \
	{ "broker", CRM_OPT_ENUM, offsetof(type, common.broker), 0, 0, crm_broker_choices, 0 }, \
	{ "broker_socket", CRM_OPT_PATH, offsetof(type, common.broker_socket), 0, 0, NULL, 0 }, \
	{ "broker_timeout_ms", CRM_OPT_UINT, offsetof(type, common.broker_timeout_ms), 1, 600000, NULL, 0 }, \
	{ "broker_allow", CRM_OPT_STRING, offsetof(type, common.broker_allow), 0, 0, NULL, 0 }

extern const char *const crm_unknown_choices[];
extern const char *const crm_durability_choices[];
extern const char *const crm_broker_choices[];

void crm_common_defaults(struct crm_common_opts *common);

/* One role section kept for later application. */
struct crm_role_section {
	char role[CRM_NAME_MAX];
	size_t count;
	char **names;
	char **values;
};

/* One module's or tool's options, as a [global] entry may belong to any.
 * option_count points at the table's count (a const object elsewhere). */
struct crm_option_table {
	const char *section;
	const struct crm_option *options;
	const size_t *option_count;
};

struct crm_config_spec {
	const char *section;		/* "lockout", "passwd", ... */
	const struct crm_option *options;
	size_t option_count;
	void *values;			/* caller's struct, defaults filled */
	size_t values_size;		/* sizeof that struct */
	void *pam_values;		/* CRM_OPT_PAM options; NULL: none */
	/*
	 * [global] holds the options of every module and tool.  A [global]
	 * name that none of these tables lets a file set is logged at
	 * LOG_WARNING as unknown (a typo); one that another table knows is
	 * only noted at LOG_DEBUG.  lib/core knows no module: the caller
	 * hands the list in (crm_decide_option_tables).  NULL: only options
	 * is known.
	 */
	const struct crm_option_table *global_tables;
	size_t global_table_count;
};

struct crm_role_sections {
	struct crm_role_section *items;
	size_t count;
};

/*
 * Load file and arguments into spec->values.  The file is conf= from the
 * arguments, else default_conf; a missing default file means built-in
 * defaults, a missing file named by conf= is an error.  Role sections for
 * spec->section are returned in *roles (may be NULL if not wanted); free
 * them with crm_config_free_roles().
 */
int crm_config_load(const struct crm_config_spec *spec,
		    const char *default_conf, int argc, const char **argv,
		    struct crm_role_sections *roles,
		    const struct crm_log *log);

/* Apply the role section's values to values (a copy of the module's
 * struct).  Values were validated by crm_config_load. */
int crm_config_apply_role(const struct crm_config_spec *spec,
			  const struct crm_role_section *section,
			  void *values, const struct crm_log *log);

const struct crm_role_section *
crm_config_find_role(const struct crm_role_sections *roles,
		     const char *role);

void crm_config_free_roles(struct crm_role_sections *roles);

/* Parse one value into values according to option.  Used by the loader
 * and by tools that take options on the command line. */
int crm_config_set(const struct crm_option *option, void *values,
		   const char *value);

#endif
