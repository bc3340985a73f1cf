/*
 * config.c - pam_crm.conf (through libinih) and module arguments, merged
 * by the precedence of SPEC.md into a module's typed option struct.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <ini.h>

#include "core/config.h"
#include "core/crm.h"

const char *const crm_unknown_choices[] = { "deny", "ignore", NULL };
/* In the order of enum crm_durability (store.h). */
const char *const crm_durability_choices[] = { "normal", "full", NULL };
/* In the order of enum crm_broker_mode. */
const char *const crm_broker_choices[] = { "auto", "always", "never", NULL };

void
crm_common_defaults(struct crm_common_opts *common)
{
	memset(common, 0, sizeof(*common));
	snprintf(common->db, sizeof(common->db), "%s/lib/pam-crm/crm.db",
		 CRM_LOCALSTATEDIR);
	snprintf(common->keyfile, sizeof(common->keyfile),
		 "%s/security/pam_crm.key", CRM_SYSCONFDIR);
	common->busy_timeout_ms = 2000;
	common->audit_keep_days = 365;
	common->durability = 0;		/* normal: see pam_crm.conf(5) */
	common->unknown = CRM_UNKNOWN_DENY;
	common->broker = CRM_BROKER_AUTO;
	snprintf(common->broker_socket, sizeof(common->broker_socket), "%s",
		 CRM_BROKER_SOCKET);
	common->broker_timeout_ms = 3000;
}

/* ---- one value ---- */

static int
parse_bool(const char *value, int *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on", NULL };
	static const char *const no[] = { "0", "no", "false", "off", NULL };
	size_t i;

	if (value == NULL) {		/* a bare word: the option is on */
		*out = 1;
		return CRM_OK;
	}
	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(value, yes[i]) == 0) {
			*out = 1;
			return CRM_OK;
		}
	for (i = 0; no[i] != NULL; i++)
		if (strcasecmp(value, no[i]) == 0) {
			*out = 0;
			return CRM_OK;
		}
	return CRM_INVALID;
}

static int
parse_uint(const char *value, long min, long max, unsigned long *out)
{
	unsigned long n;
	char *end;

	if (value == NULL || *value < '0' || *value > '9')
		return CRM_INVALID;
	errno = 0;
	n = strtoul(value, &end, 10);
	if (errno != 0 || *end != '\0' || n < (unsigned long)min ||
	    n > (unsigned long)max)
		return CRM_INVALID;
	*out = n;
	return CRM_OK;
}

/* A number of seconds with an optional unit, as an administrator writes
 * a grace period: "86400", "24h". */
static int
parse_duration(const char *value, long min, long max, unsigned long *out)
{
	static const struct { char unit; unsigned long seconds; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	unsigned long n, scale = 1;
	char *end;
	size_t i;

	if (value == NULL || *value < '0' || *value > '9')
		return CRM_INVALID;
	errno = 0;
	n = strtoul(value, &end, 10);
	if (errno != 0)
		return CRM_INVALID;
	if (*end != '\0') {
		for (i = 0; i < CRM_ARRAY_SIZE(units); i++)
			if (*end == units[i].unit)
				scale = units[i].seconds;
		if (scale == 1 && *end != 's')
			return CRM_INVALID;
		if (end[1] != '\0')
			return CRM_INVALID;
	}
	if (n > (unsigned long)max / scale)
		return CRM_INVALID;
	n *= scale;
	if (n < (unsigned long)min)
		return CRM_INVALID;
	*out = n;
	return CRM_OK;
}

/* "70000-79999": a block of numbers an administrator reserves, such as
 * the uids crmauth hands out.  One value is a range of one. */
static int
parse_range(const char *value, long min, long max, struct crm_range *out)
{
	char lo_text[32];
	const char *dash;
	unsigned long lo, hi;
	size_t n;

	if (value == NULL)
		return CRM_INVALID;
	dash = strchr(value, '-');
	if (dash == NULL)
		dash = value + strlen(value);
	n = (size_t)(dash - value);
	if (n == 0 || n >= sizeof(lo_text))
		return CRM_INVALID;
	memcpy(lo_text, value, n);
	lo_text[n] = '\0';
	if (parse_uint(lo_text, min, max, &lo) != CRM_OK)
		return CRM_INVALID;
	if (*dash == '\0')
		hi = lo;
	else if (parse_uint(dash + 1, min, max, &hi) != CRM_OK)
		return CRM_INVALID;
	if (lo > hi)
		return CRM_INVALID;
	out->lo = lo;
	out->hi = hi;
	return CRM_OK;
}

/* A wait shorter than a second, as a timeout is written: "500ms", "2s";
 * a bare number is seconds, as for a duration. */
static int
parse_duration_ms(const char *value, long min, long max, unsigned long *out)
{
	unsigned long n, scale;
	char *end;

	if (value == NULL || *value < '0' || *value > '9')
		return CRM_INVALID;
	errno = 0;
	n = strtoul(value, &end, 10);
	if (errno != 0)
		return CRM_INVALID;
	if (strcmp(end, "ms") == 0)
		scale = 1;
	else if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		scale = 1000;
	else if (strcmp(end, "m") == 0)
		scale = 60000;
	else
		return CRM_INVALID;
	if (n > (unsigned long)max / scale)
		return CRM_INVALID;
	n *= scale;
	if (n < (unsigned long)min)
		return CRM_INVALID;
	*out = n;
	return CRM_OK;
}

int
crm_config_set(const struct crm_option *option, void *values,
	       const char *value)
{
	char *field = (char *)values + option->offset;
	size_t i;

	switch (option->type) {
	case CRM_OPT_BOOL:
		return parse_bool(value, (int *)(void *)field);
	case CRM_OPT_UINT:
		return parse_uint(value, option->min, option->max,
				  (unsigned long *)(void *)field);
	case CRM_OPT_DURATION:
		return parse_duration(value, option->min, option->max,
				      (unsigned long *)(void *)field);
	case CRM_OPT_RANGE:
		return parse_range(value, option->min, option->max,
				   (struct crm_range *)(void *)field);
	case CRM_OPT_DURATION_MS:
		return parse_duration_ms(value, option->min, option->max,
					 (unsigned long *)(void *)field);
	case CRM_OPT_PATH:
		if (value == NULL || value[0] != '/' ||
		    !crm_valid_name(value, PATH_MAX, 0))
			return CRM_INVALID;
		strcpy(field, value);
		return CRM_OK;
	case CRM_OPT_LOCATION:
		/* Which schemes a backend takes is the store's business;
		 * here only the shape: a path, or a URI. */
		if (value == NULL || !crm_valid_name(value, PATH_MAX, 0) ||
		    (value[0] != '/' && strstr(value, "://") == NULL))
			return CRM_INVALID;
		strcpy(field, value);
		return CRM_OK;
	case CRM_OPT_STRING:
		if (!crm_valid_name(value, CRM_NAME_MAX, 0))
			return CRM_INVALID;
		strcpy(field, value);
		return CRM_OK;
	case CRM_OPT_ENUM:
		if (value == NULL)
			return CRM_INVALID;
		for (i = 0; option->choices[i] != NULL; i++)
			if (strcmp(value, option->choices[i]) == 0) {
				*(unsigned int *)(void *)field = (unsigned int)i;
				return CRM_OK;
			}
		return CRM_INVALID;
	case CRM_OPT_WORD:
		if (value != NULL)
			return CRM_INVALID;
		*(unsigned int *)(void *)field = (unsigned int)option->min;
		return CRM_OK;
	}
	return CRM_INVALID;
}

static const struct crm_option *
find_option(const struct crm_config_spec *spec, const char *name)
{
	size_t i;

	for (i = 0; i < spec->option_count; i++)
		if (strcmp(spec->options[i].name, name) == 0)
			return &spec->options[i];
	return NULL;
}

/*
 * A PAM-only option (where the module stands in the stack, how it talks
 * to the user) goes into the caller's PAM struct, kept apart from what a
 * decision takes.  A caller without one (a tool) has none of them.
 */
static void *
option_target(const struct crm_config_spec *spec,
	      const struct crm_option *option, void *values)
{
	return (option->flags & CRM_OPT_PAM) ? spec->pam_values : values;
}

static int
set_option(const struct crm_config_spec *spec, const struct crm_option *option,
	   void *values, const char *value)
{
	void *target = option_target(spec, option, values);

	if (target == NULL)
		return CRM_OK;		/* not this caller's business */
	return crm_config_set(option, target, value);
}

/* ---- the file ---- */

struct entry {
	char *section;
	char *name;
	char *value;
};

struct entries {
	struct entry *items;
	size_t count, cap;
};

static void
entries_free(struct entries *list)
{
	size_t i;

	for (i = 0; i < list->count; i++) {
		free(list->items[i].section);
		free(list->items[i].name);
		free(list->items[i].value);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

static int
collect(void *user, const char *section, const char *name, const char *value)
{
	struct entries *list = user;
	void *items = list->items;
	struct entry *e;
	int rc;

	rc = crm_array_grow(&items, &list->cap, list->count,
			    sizeof(*list->items));
	list->items = items;
	if (rc != CRM_OK)
		return 0;
	e = &list->items[list->count];
	e->section = strdup(section);
	e->name = strdup(name);
	e->value = strdup(value != NULL ? value : "");
	if (e->section == NULL || e->name == NULL || e->value == NULL) {
		free(e->section);
		free(e->name);
		free(e->value);
		return 0;	/* inih reports it as an error: we fail closed */
	}
	list->count++;
	return 1;
}

/* A missing file is fine only when nobody asked for it by name. */
static int
read_file(const char *path, int explicit, struct entries *list,
	  const struct crm_log *log)
{
	FILE *fp;
	int line;

	fp = fopen(path, "re");
	if (fp == NULL) {
		if (errno == ENOENT && !explicit) {
			crm_log(log, LOG_DEBUG, "%s: absent, using defaults",
				path);
			return CRM_OK;
		}
		crm_log(log, LOG_ERR, "configuration %s: %s", path,
			strerror(errno));
		return CRM_INVALID;
	}
	line = ini_parse_file(fp, collect, list);
	fclose(fp);
	if (line != 0) {
		if (line < 0)
			crm_log(log, LOG_ERR, "configuration %s: cannot read it",
				path);
		else
			crm_log(log, LOG_ERR,
				"configuration %s: line %d: syntax error (or out "
				"of memory)", path, line);
		return CRM_INVALID;
	}
	return CRM_OK;
}

/* True when some table of spec->global_tables lets a file set name. */
static int
known_elsewhere(const struct crm_config_spec *spec, const char *name)
{
	const struct crm_option_table *table;
	size_t t, i;

	for (t = 0; spec->global_tables != NULL &&
		    t < spec->global_table_count; t++) {
		table = &spec->global_tables[t];
		for (i = 0; i < *table->option_count; i++)
			if (strcmp(table->options[i].name, name) == 0 &&
			    !(table->options[i].flags & CRM_OPT_ARG_ONLY))
				return 1;
	}
	return 0;
}

static int
apply_entry(const struct crm_config_spec *spec, const struct entry *e,
	    const char *path, int in_global, void *values,
	    const struct crm_log *log)
{
	const struct crm_option *option = find_option(spec, e->name);

	if (option == NULL || (option->flags & CRM_OPT_ARG_ONLY)) {
		/* [global] holds other modules' options too: only a name no
		 * module or tool takes is a mistake worth a warning. */
		if (in_global && known_elsewhere(spec, e->name))
			crm_log(log, LOG_DEBUG, "%s: [%s] %s: another module's "
				"option", path, e->section, e->name);
		else
			crm_log(log, LOG_WARNING,
				"%s: [%s] %s: unknown option, ignored", path,
				e->section, e->name);
		return CRM_OK;
	}
	if (set_option(spec, option, values, e->value) != CRM_OK) {
		crm_log(log, LOG_ERR, "%s: [%s] %s = %s: invalid value", path,
			e->section, e->name, e->value);
		return CRM_INVALID;
	}
	return CRM_OK;
}

/* ---- role sections ---- */

static void
role_section_free(struct crm_role_section *rs)
{
	size_t i;

	for (i = 0; i < rs->count; i++) {
		free(rs->names[i]);
		free(rs->values[i]);
	}
	free(rs->names);
	free(rs->values);
	memset(rs, 0, sizeof(*rs));
}

void
crm_config_free_roles(struct crm_role_sections *roles)
{
	size_t i;

	if (roles == NULL)
		return;
	for (i = 0; i < roles->count; i++)
		role_section_free(&roles->items[i]);
	free(roles->items);
	roles->items = NULL;
	roles->count = 0;
}

const struct crm_role_section *
crm_config_find_role(const struct crm_role_sections *roles, const char *role)
{
	size_t i;

	for (i = 0; roles != NULL && i < roles->count; i++)
		if (strcmp(roles->items[i].role, role) == 0)
			return &roles->items[i];
	return NULL;
}

static struct crm_role_section *
role_section_get(struct crm_role_sections *roles, const char *role)
{
	struct crm_role_section *items;
	size_t i;

	for (i = 0; i < roles->count; i++)
		if (strcmp(roles->items[i].role, role) == 0)
			return &roles->items[i];
	items = reallocarray(roles->items, roles->count + 1, sizeof(*items));
	if (items == NULL)
		return NULL;
	roles->items = items;
	memset(&items[roles->count], 0, sizeof(items[0]));
	strcpy(items[roles->count].role, role);
	return &items[roles->count++];
}

static int
role_section_add(struct crm_role_section *rs, const char *name,
		 const char *value)
{
	char **names, **vals;

	names = reallocarray(rs->names, rs->count + 1, sizeof(*names));
	if (names == NULL)
		return CRM_ENOMEM;
	rs->names = names;
	vals = reallocarray(rs->values, rs->count + 1, sizeof(*vals));
	if (vals == NULL)
		return CRM_ENOMEM;
	rs->values = vals;
	names[rs->count] = strdup(name);
	vals[rs->count] = strdup(value);
	if (names[rs->count] == NULL || vals[rs->count] == NULL) {
		free(names[rs->count]);
		free(vals[rs->count]);
		return CRM_ENOMEM;
	}
	rs->count++;
	return CRM_OK;
}

/* Validate a role entry against a scratch copy and keep it as text. */
static int
collect_role_entry(const struct crm_config_spec *spec, const struct entry *e,
		   const char *role, const char *path, void *scratch,
		   struct crm_role_sections *roles, const struct crm_log *log)
{
	const struct crm_option *option = find_option(spec, e->name);
	struct crm_role_section *rs;

	if (!crm_valid_name(role, CRM_NAME_MAX, 0)) {
		crm_log(log, LOG_ERR, "%s: [%s]: invalid role name", path,
			e->section);
		return CRM_INVALID;
	}
	if (option == NULL || !(option->flags & CRM_OPT_ROLE)) {
		crm_log(log, LOG_WARNING,
			"%s: [%s] %s: not a per-role option, ignored", path,
			e->section, e->name);
		return CRM_OK;
	}
	if (crm_config_set(option, scratch, e->value) != CRM_OK) {
		crm_log(log, LOG_ERR, "%s: [%s] %s = %s: invalid value", path,
			e->section, e->name, e->value);
		return CRM_INVALID;
	}
	if (roles == NULL)
		return CRM_OK;
	rs = role_section_get(roles, role);
	if (rs == NULL || role_section_add(rs, e->name, e->value) != CRM_OK) {
		crm_log(log, LOG_ERR, "configuration: out of memory");
		return CRM_ENOMEM;
	}
	return CRM_OK;
}

int
crm_config_apply_role(const struct crm_config_spec *spec,
		      const struct crm_role_section *section, void *values,
		      const struct crm_log *log)
{
	size_t i;

	for (i = 0; i < section->count; i++) {
		const struct crm_option *option =
			find_option(spec, section->names[i]);

		if (option == NULL ||
		    crm_config_set(option, values, section->values[i]) != CRM_OK) {
			crm_log(log, LOG_ERR, "[%s.role.%s] %s: invalid value",
				spec->section, section->role, section->names[i]);
			return CRM_INVALID;
		}
	}
	return CRM_OK;
}

/* ---- arguments ---- */

static int
apply_argument(const struct crm_config_spec *spec, const char *arg,
	       void *values, const struct crm_log *log)
{
	char name[64];
	const char *eq = strchr(arg, '=');
	const char *value = eq != NULL ? eq + 1 : NULL;
	size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	const struct crm_option *option;

	if (len == 0 || len >= sizeof(name)) {
		crm_log(log, LOG_WARNING, "unknown option %.64s, ignored", arg);
		return CRM_OK;
	}
	memcpy(name, arg, len);
	name[len] = '\0';
	option = find_option(spec, name);
	if (option == NULL) {
		crm_log(log, LOG_WARNING, "unknown option %s, ignored", name);
		return CRM_OK;
	}
	if (set_option(spec, option, values, value) != CRM_OK) {
		crm_log(log, LOG_ERR, "option %s: invalid value", arg);
		return CRM_INVALID;
	}
	return CRM_OK;
}

int
crm_config_load(const struct crm_config_spec *spec, const char *default_conf,
		int argc, const char **argv, struct crm_role_sections *roles,
		const struct crm_log *log)
{
	struct entries list = { 0 };
	const char *path = default_conf;
	size_t prefix_len = strlen(spec->section);
	void *scratch = NULL;
	int explicit = 0, rc = CRM_INVALID, i;
	size_t k;

	for (i = 0; i < argc; i++)
		if (strncmp(argv[i], "conf=", 5) == 0) {
			path = argv[i] + 5;
			explicit = 1;
		}
	if (path == NULL || path[0] != '/') {
		crm_log(log, LOG_ERR, "conf=%s: not an absolute path",
			path != NULL ? path : "");
		return CRM_INVALID;
	}
	if (read_file(path, explicit, &list, log) != CRM_OK)
		goto out;

	/* [global] first, then the module's section, whatever their order
	 * in the file. */
	for (k = 0; k < list.count; k++)
		if (strcmp(list.items[k].section, "global") == 0 &&
		    apply_entry(spec, &list.items[k], path, 1, spec->values,
				log) != CRM_OK)
			goto out;
	for (k = 0; k < list.count; k++)
		if (strcmp(list.items[k].section, spec->section) == 0 &&
		    apply_entry(spec, &list.items[k], path, 0, spec->values,
				log) != CRM_OK)
			goto out;

	scratch = malloc(spec->values_size);
	if (scratch == NULL) {
		crm_log(log, LOG_ERR, "configuration: out of memory");
		rc = CRM_ENOMEM;
		goto out;
	}
	memcpy(scratch, spec->values, spec->values_size);
	for (k = 0; k < list.count; k++) {
		const struct entry *e = &list.items[k];

		if (strncmp(e->section, spec->section, prefix_len) == 0 &&
		    strncmp(e->section + prefix_len, ".role.", 6) == 0 &&
		    collect_role_entry(spec, e, e->section + prefix_len + 6,
				       path, scratch, roles, log) != CRM_OK)
			goto out;
	}

	for (i = 0; i < argc; i++)
		if (apply_argument(spec, argv[i], spec->values, log) != CRM_OK)
			goto out;
	rc = CRM_OK;
out:
	free(scratch);
	entries_free(&list);
	if (rc != CRM_OK && roles != NULL)
		crm_config_free_roles(roles);
	return rc;
}
