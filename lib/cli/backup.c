/*
 * backup.c - the export document: the model, its parser (outside input:
 * every field checked, every reference resolved, nothing half taken) and
 * its writer (one order, so that round trips compare byte for byte).
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/backup.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/encode.h"
#include "core/otpauth.h"
#include "core/rule.h"

/* A pointer ("/users/12/totp/recovery/3") and a little more. */
#define PTR_MAX 96

/* ---- the model ---- */

struct crm_backup *
crm_backup_new(void)
{
	return calloc(1, sizeof(struct crm_backup));
}

int
crm_backup_strs_add(struct crm_backup_strs *list, const char *item)
{
	char *copy;

	if (crm_array_grow((void **)&list->items, &list->cap, list->count,
			   sizeof(*list->items)) != CRM_OK)
		return CRM_ENOMEM;
	if ((copy = strdup(item)) == NULL)
		return CRM_ENOMEM;
	list->items[list->count++] = copy;
	return CRM_OK;
}

static void
strs_free(struct crm_backup_strs *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* A copy of s, or NULL for NULL; *ok cleared when out of memory. */
static char *
dup_or_null(const char *s, int *ok)
{
	char *copy;

	if (s == NULL)
		return NULL;
	if ((copy = strdup(s)) == NULL)
		*ok = 0;
	return copy;
}

int
crm_backup_add_user(struct crm_backup *b, const char *name,
		    struct crm_backup_user **out)
{
	struct crm_backup_user *u;

	if (crm_array_grow((void **)&b->users, &b->capusers, b->nusers,
			   sizeof(*b->users)) != CRM_OK)
		return CRM_ENOMEM;
	u = &b->users[b->nusers];
	memset(u, 0, sizeof(*u));
	if ((u->name = strdup(name)) == NULL)
		return CRM_ENOMEM;
	b->nusers++;
	*out = u;
	return CRM_OK;
}

int
crm_backup_add_role(struct crm_backup *b, const char *name,
		    enum crm_scope scope, struct crm_backup_role **out)
{
	struct crm_backup_role *r;

	if (crm_array_grow((void **)&b->roles, &b->caproles, b->nroles,
			   sizeof(*b->roles)) != CRM_OK)
		return CRM_ENOMEM;
	r = &b->roles[b->nroles];
	memset(r, 0, sizeof(*r));
	r->scope = scope;
	if ((r->name = strdup(name)) == NULL)
		return CRM_ENOMEM;
	b->nroles++;
	*out = r;
	return CRM_OK;
}

int
crm_backup_add_template(struct crm_backup *b, const char *name,
			struct crm_backup_template **out)
{
	struct crm_backup_template *t;

	if (crm_array_grow((void **)&b->templates, &b->captemplates,
			   b->ntemplates, sizeof(*b->templates)) != CRM_OK)
		return CRM_ENOMEM;
	t = &b->templates[b->ntemplates];
	memset(t, 0, sizeof(*t));
	if ((t->name = strdup(name)) == NULL)
		return CRM_ENOMEM;
	b->ntemplates++;
	*out = t;
	return CRM_OK;
}

int
crm_backup_add_dept(struct crm_backup *b, const char *name,
		    const char *parent)
{
	struct crm_backup_dept *d;
	int ok = 1;

	if (crm_array_grow((void **)&b->depts, &b->capdepts, b->ndepts,
			   sizeof(*b->depts)) != CRM_OK)
		return CRM_ENOMEM;
	d = &b->depts[b->ndepts];
	d->name = dup_or_null(name, &ok);
	d->parent = dup_or_null(parent, &ok);
	b->ndepts++;
	return ok ? CRM_OK : CRM_ENOMEM;
}

int
crm_backup_add_switch(struct crm_backup *b, const struct crm_switch_rule *r)
{
	struct crm_backup_switch *s;
	int ok = 1;

	if (crm_array_grow((void **)&b->switches, &b->capswitches,
			   b->nswitches, sizeof(*b->switches)) != CRM_OK)
		return CRM_ENOMEM;
	s = &b->switches[b->nswitches];
	s->from_kind = r->from_kind;
	s->to_kind = r->to_kind;
	s->mode = r->mode;
	s->from_name = dup_or_null(r->from_name, &ok);
	s->to_name = dup_or_null(r->to_name, &ok);
	b->nswitches++;
	return ok ? CRM_OK : CRM_ENOMEM;
}

int
crm_backup_add_recovery(struct crm_backup_totp *t,
			const unsigned char mac[CRM_MAC_LEN], int64_t used_ms)
{
	if (crm_array_grow((void **)&t->recovery, &t->caprecovery,
			   t->nrecovery, sizeof(*t->recovery)) != CRM_OK)
		return CRM_ENOMEM;
	memcpy(t->recovery[t->nrecovery].mac, mac, CRM_MAC_LEN);
	t->recovery[t->nrecovery].used_ms = used_ms;
	t->nrecovery++;
	return CRM_OK;
}

static void
totp_free(struct crm_backup_totp *t)
{
	if (t == NULL)
		return;
	if (t->recovery != NULL) {
		crm_cleanse(t->recovery, t->caprecovery * sizeof(*t->recovery));
		free(t->recovery);
	}
	crm_cleanse(t, sizeof(*t));
	free(t);
}

static void
user_free(struct crm_backup_user *u)
{
	free(u->name);
	free(u->dept);
	free(u->login_shell);
	strs_free(&u->roles);
	strs_free(&u->links);
	if (u->password_hash != NULL) {
		crm_cleanse(u->password_hash, strlen(u->password_hash));
		free(u->password_hash);
	}
	totp_free(u->totp);
}

void
crm_backup_free(struct crm_backup *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nusers; i++)
		user_free(&b->users[i]);
	free(b->users);
	for (i = 0; i < b->nroles; i++) {
		free(b->roles[i].name);
		strs_free(&b->roles[i].perms);
		strs_free(&b->roles[i].templates);
	}
	free(b->roles);
	for (i = 0; i < b->ntemplates; i++) {
		free(b->templates[i].name);
		strs_free(&b->templates[i].perms);
	}
	free(b->templates);
	for (i = 0; i < b->ndepts; i++) {
		free(b->depts[i].name);
		free(b->depts[i].parent);
	}
	free(b->depts);
	for (i = 0; i < b->nswitches; i++) {
		free(b->switches[i].from_name);
		free(b->switches[i].to_name);
	}
	free(b->switches);
	strs_free(&b->access);
	free(b);
}

/* ---- parsing: the shape of the document ---- */

struct parse {
	struct crm_backup *b;
	char *err;
	size_t errlen;
};

static int fail(struct parse *p, const char *ptr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(struct parse *p, const char *ptr, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	(void)snprintf(p->err, p->errlen, "%s: %s", ptr[0] != '\0' ? ptr : "/",
		       why);
	return CRM_INVALID;
}

/* The document nests four levels at most (/users/N/totp/recovery/N),
 * so a pointer always fits; "..." would mark one cut short. */
static void
ptr_key(char *out, const char *ptr, const char *key)
{
	int n = snprintf(out, PTR_MAX, "%s/%s", ptr, key);

	if (n < 0 || n >= PTR_MAX)
		memcpy(out + PTR_MAX - 4, "...", 4);
}

static void
ptr_index(char *out, const char *ptr, size_t i)
{
	int n = snprintf(out, PTR_MAX, "%s/%zu", ptr, i);

	if (n < 0 || n >= PTR_MAX)
		memcpy(out + PTR_MAX - 4, "...", 4);
}

/* Every member of obj is one of allowed (NULL-terminated): a misspelt
 * member would otherwise be dropped without a word. */
static int
known_members(struct parse *p, const char *ptr, json_object *obj,
	      const char *const *allowed)
{
	size_t i;

	json_object_object_foreach(obj, key, val) {
		(void)val;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] != NULL)
			continue;
		/* The member's name is outside input too. */
		if (!crm_valid_name(key, CRM_NAME_MAX, 0))
			return fail(p, ptr, "unknown member");
		return fail(p, ptr, "unknown member '%s'", key);
	}
	return CRM_OK;
}

static int
want_object(struct parse *p, const char *ptr, json_object *val)
{
	if (!json_object_is_type(val, json_type_object))
		return fail(p, ptr, "expected an object");
	return CRM_OK;
}

/* Member key of obj: *out NULL when absent or null, unless required. */
static int
member(struct parse *p, const char *ptr, json_object *obj, const char *key,
       json_type type, int required, json_object **out)
{
	char here[PTR_MAX];
	json_object *val = NULL;

	*out = NULL;
	ptr_key(here, ptr, key);
	if (!json_object_object_get_ex(obj, key, &val) || val == NULL) {
		if (required)
			return fail(p, here, "missing");
		return CRM_OK;
	}
	if (!json_object_is_type(val, type))
		return fail(p, here, "expected %s", json_type_to_name(type));
	*out = val;
	return CRM_OK;
}

/* A string member checked with check (crm_valid_item, or a name of up
 * to max bytes): a copy in *out, NULL when absent and not required. */
enum name_kind { NAME_PLAIN, NAME_ITEM };

static int
valid_as(const char *s, enum name_kind kind, size_t max)
{
	if (kind == NAME_ITEM)
		return crm_valid_item(s);
	return crm_valid_name(s, max, 0);
}

static int
string_member(struct parse *p, const char *ptr, json_object *obj,
	      const char *key, enum name_kind kind, size_t max, int required,
	      char **out)
{
	char here[PTR_MAX];
	json_object *val;
	const char *s;
	int rc;

	*out = NULL;
	if ((rc = member(p, ptr, obj, key, json_type_string, required,
			 &val)) != CRM_OK || val == NULL)
		return rc;
	ptr_key(here, ptr, key);
	s = json_object_get_string(val);
	/* A NUL inside the JSON string would cut the name short. */
	if ((size_t)json_object_get_string_len(val) != strlen(s) ||
	    !valid_as(s, kind, max))
		return fail(p, here, kind == NAME_ITEM ?
			    "invalid name (UTF-8, no control characters, "
			    "commas, slashes, '=' or blanks)" :
			    "invalid value (UTF-8, no control characters)");
	if ((*out = strdup(s)) == NULL)
		return CRM_ENOMEM;
	return CRM_OK;
}

/* One string of the closed set names (NULL-terminated): its index. */
static int
enum_member(struct parse *p, const char *ptr, json_object *obj,
	    const char *key, const char *const *names, int *out)
{
	char here[PTR_MAX];
	json_object *val;
	const char *s;
	int rc, i;

	if ((rc = member(p, ptr, obj, key, json_type_string, 1, &val)) !=
	    CRM_OK)
		return rc;
	s = json_object_get_string(val);
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return CRM_OK;
		}
	ptr_key(here, ptr, key);
	return fail(p, here, "not one of the known values");
}

static int
int_member(struct parse *p, const char *ptr, json_object *obj,
	   const char *key, int64_t lo, int64_t hi, int required,
	   int64_t *out)
{
	char here[PTR_MAX];
	json_object *val;
	int64_t v;
	int rc;

	if ((rc = member(p, ptr, obj, key, json_type_int, required, &val)) !=
	    CRM_OK || val == NULL)
		return rc;
	v = json_object_get_int64(val);
	if (v < lo || v > hi) {
		ptr_key(here, ptr, key);
		return fail(p, here, "out of range (%lld to %lld)",
			    (long long)lo, (long long)hi);
	}
	*out = v;
	return CRM_OK;
}

/* A time as crm_time_format writes it (UTC, "Z"); null or absent is 0
 * unless required. */
static int
time_member(struct parse *p, const char *ptr, json_object *obj,
	    const char *key, int required, int64_t *out)
{
	char here[PTR_MAX];
	json_object *val;
	const char *s;
	size_t len;
	int rc;

	*out = 0;
	if ((rc = member(p, ptr, obj, key, json_type_string, required,
			 &val)) != CRM_OK || val == NULL)
		return rc;
	ptr_key(here, ptr, key);
	s = json_object_get_string(val);
	len = strlen(s);
	/* No "+2h": a document's times are absolute, and in UTC. */
	if (len < 2 || s[0] < '0' || s[0] > '9' || s[len - 1] != 'Z' ||
	    (size_t)json_object_get_string_len(val) != len ||
	    crm_time_parse(s, 0, out) != CRM_OK || *out <= 0)
		return fail(p, here, "expected a time such as "
			    "2026-01-31T18:00:00.000Z");
	return CRM_OK;
}

/* Hex of exactly want bytes, or (want 0) of 1 to max bytes. */
static int
hex_member(struct parse *p, const char *ptr, json_object *obj,
	   const char *key, size_t want, size_t max, unsigned char *buf,
	   size_t *got)
{
	char here[PTR_MAX];
	json_object *val;
	const char *s;
	size_t len, i;
	int rc, hi, lo;

	if ((rc = member(p, ptr, obj, key, json_type_string, 1, &val)) !=
	    CRM_OK)
		return rc;
	ptr_key(here, ptr, key);
	s = json_object_get_string(val);
	len = (size_t)json_object_get_string_len(val);
	if (len % 2 != 0 || len == 0 || len / 2 > max ||
	    (want != 0 && len / 2 != want))
		return fail(p, here, "expected %zu bytes of hex",
			    want != 0 ? want : max);
	for (i = 0; i < len / 2; i++) {
		hi = crm_hex_digit((unsigned char)s[2 * i]);
		lo = crm_hex_digit((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return fail(p, here, "expected hex");
		buf[i] = (unsigned char)(hi << 4 | lo);
	}
	if (got != NULL)
		*got = len / 2;
	return CRM_OK;
}

/* An array of names (each checked as kind) into list; absent is empty. */
static int
names_member(struct parse *p, const char *ptr, json_object *obj,
	     const char *key, enum name_kind kind,
	     struct crm_backup_strs *list)
{
	char here[PTR_MAX], at[PTR_MAX];
	json_object *arr, *val;
	size_t i, n;
	const char *s;
	int rc;

	if ((rc = member(p, ptr, obj, key, json_type_array, 0, &arr)) !=
	    CRM_OK || arr == NULL)
		return rc;
	ptr_key(here, ptr, key);
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		ptr_index(at, here, i);
		val = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(val, json_type_string))
			return fail(p, at, "expected a string");
		s = json_object_get_string(val);
		if ((size_t)json_object_get_string_len(val) != strlen(s) ||
		    !valid_as(s, kind, CRM_NAME_MAX))
			return fail(p, at, kind == NAME_ITEM ?
				    "invalid name (UTF-8, no control "
				    "characters, commas, slashes, '=' or "
				    "blanks)" : "invalid name (UTF-8, no "
				    "control characters)");
		if ((rc = crm_backup_strs_add(list, s)) != CRM_OK)
			return rc;
	}
	return CRM_OK;
}

/* The array member key of the top object: NULL when absent (empty). */
static int
top_array(struct parse *p, json_object *top, const char *key,
	  json_object **out)
{
	return member(p, "", top, key, json_type_array, 0, out);
}

/* ---- parsing: each kind of record ---- */

static const char *const status_names[] = {
	"active", "disabled", "suspended", NULL,
};
static const char *const scope_names[] = {
	"own", "department", "company", NULL,
};
static const char *const mode_names[] = { "trust", "reauth", NULL };

static int
parse_recovery(struct parse *p, const char *ptr, json_object *arr,
	       struct crm_backup_totp *t)
{
	static const char *const allowed[] = { "mac", "used", NULL };
	unsigned char mac[CRM_MAC_LEN];
	char at[PTR_MAX];
	json_object *val;
	int64_t used;
	size_t i, n = json_object_array_length(arr);
	int rc = CRM_OK;

	for (i = 0; rc == CRM_OK && i < n; i++) {
		ptr_index(at, ptr, i);
		val = json_object_array_get_idx(arr, i);
		if ((rc = want_object(p, at, val)) != CRM_OK ||
		    (rc = known_members(p, at, val, allowed)) != CRM_OK ||
		    (rc = hex_member(p, at, val, "mac", CRM_MAC_LEN,
				     CRM_MAC_LEN, mac, NULL)) != CRM_OK ||
		    (rc = time_member(p, at, val, "used", 0, &used)) !=
		    CRM_OK)
			break;
		rc = crm_backup_add_recovery(t, mac, used);
	}
	crm_cleanse(mac, sizeof(mac));
	return rc;
}

static int
parse_totp(struct parse *p, const char *ptr, json_object *obj,
	   struct crm_backup_totp **out)
{
	static const char *const allowed[] = {
		"sealed_seed", "algorithm", "digits", "period", "confirmed",
		"last_step", "created", "recovery", NULL,
	};
	static const char *const algorithms[] = {
		[CRM_TOTP_SHA1] = "SHA1", [CRM_TOTP_SHA256] = "SHA256",
		[CRM_TOTP_SHA512] = "SHA512", NULL,
	};
	struct crm_backup_totp *t;
	char here[PTR_MAX];
	json_object *arr;
	int64_t v;
	int rc, algorithm;

	if ((rc = want_object(p, ptr, obj)) != CRM_OK ||
	    (rc = known_members(p, ptr, obj, allowed)) != CRM_OK)
		return rc;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return CRM_ENOMEM;
	*out = t;
	/* A seal is its nonce and tag around a seed of 1 to 64 bytes. */
	if ((rc = hex_member(p, ptr, obj, "sealed_seed", 0,
			     CRM_TOTP_SEALED_MAX, t->sealed,
			     &t->sealed_len)) != CRM_OK)
		return rc;
	if (t->sealed_len <= CRM_SEAL_OVERHEAD ||
	    t->sealed_len > CRM_SEAL_OVERHEAD + CRM_TOTP_SECRET_MAX) {
		ptr_key(here, ptr, "sealed_seed");
		return fail(p, here, "not a sealed seed (%d to %d bytes)",
			    CRM_SEAL_OVERHEAD + 1,
			    CRM_SEAL_OVERHEAD + CRM_TOTP_SECRET_MAX);
	}
	if ((rc = enum_member(p, ptr, obj, "algorithm", algorithms,
			      &algorithm)) != CRM_OK)
		return rc;
	t->algorithm = (unsigned int)algorithm;
	if ((rc = int_member(p, ptr, obj, "digits", 6, 8, 1, &v)) != CRM_OK)
		return rc;
	t->digits = (unsigned int)v;
	if ((rc = int_member(p, ptr, obj, "period", 1, 3600, 1, &v)) !=
	    CRM_OK)
		return rc;
	t->period = (unsigned int)v;
	t->last_step = -1;
	if ((rc = int_member(p, ptr, obj, "last_step", -1, INT64_MAX, 1,
			     &t->last_step)) != CRM_OK ||
	    (rc = time_member(p, ptr, obj, "confirmed", 0,
			      &t->confirmed_ms)) != CRM_OK ||
	    (rc = time_member(p, ptr, obj, "created", 1,
			      &t->created_ms)) != CRM_OK ||
	    (rc = member(p, ptr, obj, "recovery", json_type_array, 0,
			 &arr)) != CRM_OK)
		return rc;
	if (arr != NULL) {
		ptr_key(here, ptr, "recovery");
		rc = parse_recovery(p, here, arr, t);
	}
	return rc;
}

/* What only a document with secrets holds. */
static int
parse_user_secrets(struct parse *p, const char *ptr, json_object *obj,
		   struct crm_backup_user *u)
{
	char here[PTR_MAX];
	json_object *val;
	int rc;

	if ((rc = int_member(p, ptr, obj, "id", 1, INT64_MAX, 1,
			     &u->id)) != CRM_OK ||
	    (rc = string_member(p, ptr, obj, "password_hash", NAME_PLAIN,
				CRM_BACKUP_HASH_MAX, 0,
				&u->password_hash)) != CRM_OK ||
	    (rc = time_member(p, ptr, obj, "password_changed", 0,
			      &u->password_changed_ms)) != CRM_OK ||
	    (rc = member(p, ptr, obj, "totp", json_type_object, 0,
			 &val)) != CRM_OK)
		return rc;
	if (u->password_hash != NULL && strchr(u->password_hash, ':')) {
		ptr_key(here, ptr, "password_hash");
		return fail(p, here, "not a crypt(3) hash");
	}
	if (val == NULL)
		return CRM_OK;
	ptr_key(here, ptr, "totp");
	return parse_totp(p, here, val, &u->totp);
}

static int
parse_user(struct parse *p, const char *ptr, json_object *obj)
{
	static const char *const allowed[] = {
		"name", "dept", "status", "suspended_until", "created",
		"last_login", "uid", "login_shell", "roles", "links",
		"id", "password_hash", "password_changed", "totp", NULL,
	};
	static const char *const secret_members[] = {
		"id", "password_hash", "password_changed", "totp",
	};
	struct crm_backup_user *u;
	char here[PTR_MAX];
	char *name = NULL;
	json_object *val;
	size_t i;
	int rc, status;

	if ((rc = want_object(p, ptr, obj)) != CRM_OK ||
	    (rc = known_members(p, ptr, obj, allowed)) != CRM_OK ||
	    (rc = string_member(p, ptr, obj, "name", NAME_PLAIN,
				CRM_NAME_MAX, 1, &name)) != CRM_OK)
		goto out;
	rc = crm_backup_add_user(p->b, name, &u);
	if (rc != CRM_OK)
		goto out;
	if ((rc = string_member(p, ptr, obj, "dept", NAME_ITEM, 0, 0,
				&u->dept)) != CRM_OK ||
	    (rc = enum_member(p, ptr, obj, "status", status_names,
			      &status)) != CRM_OK)
		goto out;
	u->status = (enum crm_user_status)status;
	if ((rc = time_member(p, ptr, obj, "suspended_until",
			      u->status == CRM_USER_SUSPENDED,
			      &u->suspended_until_ms)) != CRM_OK)
		goto out;
	if (u->status != CRM_USER_SUSPENDED && u->suspended_until_ms != 0) {
		ptr_key(here, ptr, "suspended_until");
		rc = fail(p, here, "set, but the account is not suspended");
		goto out;
	}
	if ((rc = time_member(p, ptr, obj, "created", 1,
			      &u->created_ms)) != CRM_OK ||
	    (rc = time_member(p, ptr, obj, "last_login", 0,
			      &u->last_login_ms)) != CRM_OK ||
	    (rc = int_member(p, ptr, obj, "uid", 1, 2147483646L, 0,
			     &u->uid)) != CRM_OK ||
	    (rc = string_member(p, ptr, obj, "login_shell", NAME_PLAIN,
				CRM_BACKUP_SHELL_MAX, 0,
				&u->login_shell)) != CRM_OK ||
	    (rc = names_member(p, ptr, obj, "roles", NAME_ITEM,
			       &u->roles)) != CRM_OK ||
	    (rc = names_member(p, ptr, obj, "links", NAME_PLAIN,
			       &u->links)) != CRM_OK)
		goto out;
	if (u->login_shell != NULL &&
	    (u->login_shell[0] != '/' || strchr(u->login_shell, ':') ||
	     u->uid == 0)) {
		ptr_key(here, ptr, "login_shell");
		rc = fail(p, here, u->uid == 0 ? "a login shell needs a uid" :
			  "not an absolute path without ':'");
		goto out;
	}
	if (p->b->secrets) {
		rc = parse_user_secrets(p, ptr, obj, u);
		goto out;
	}
	for (i = 0; i < CRM_ARRAY_SIZE(secret_members); i++)
		if (json_object_object_get_ex(obj, secret_members[i], &val)) {
			ptr_key(here, ptr, secret_members[i]);
			rc = fail(p, here, "a secret in a document whose "
				  "\"secrets\" is false");
			goto out;
		}
out:
	free(name);
	return rc;
}

static int
parse_role(struct parse *p, const char *ptr, json_object *obj)
{
	static const char *const allowed[] = {
		"name", "scope", "perms", "templates", NULL,
	};
	struct crm_backup_role *r;
	char *name = NULL;
	int rc, scope;

	if ((rc = want_object(p, ptr, obj)) != CRM_OK ||
	    (rc = known_members(p, ptr, obj, allowed)) != CRM_OK ||
	    (rc = string_member(p, ptr, obj, "name", NAME_ITEM, 0, 1,
				&name)) != CRM_OK ||
	    (rc = enum_member(p, ptr, obj, "scope", scope_names,
			      &scope)) != CRM_OK ||
	    (rc = crm_backup_add_role(p->b, name, (enum crm_scope)scope,
				      &r)) != CRM_OK)
		goto out;
	if ((rc = names_member(p, ptr, obj, "perms", NAME_ITEM,
			       &r->perms)) != CRM_OK)
		goto out;
	rc = names_member(p, ptr, obj, "templates", NAME_ITEM,
			  &r->templates);
out:
	free(name);
	return rc;
}

static int
parse_template(struct parse *p, const char *ptr, json_object *obj)
{
	static const char *const allowed[] = { "name", "perms", NULL };
	struct crm_backup_template *t;
	char *name = NULL;
	int rc;

	if ((rc = want_object(p, ptr, obj)) != CRM_OK ||
	    (rc = known_members(p, ptr, obj, allowed)) != CRM_OK ||
	    (rc = string_member(p, ptr, obj, "name", NAME_ITEM, 0, 1,
				&name)) != CRM_OK ||
	    (rc = crm_backup_add_template(p->b, name, &t)) != CRM_OK)
		goto out;
	rc = names_member(p, ptr, obj, "perms", NAME_ITEM, &t->perms);
out:
	free(name);
	return rc;
}

static int
parse_dept(struct parse *p, const char *ptr, json_object *obj)
{
	static const char *const allowed[] = { "name", "parent", NULL };
	char *name = NULL, *parent = NULL;
	int rc;

	if ((rc = want_object(p, ptr, obj)) != CRM_OK ||
	    (rc = known_members(p, ptr, obj, allowed)) != CRM_OK ||
	    (rc = string_member(p, ptr, obj, "name", NAME_ITEM, 0, 1,
				&name)) != CRM_OK ||
	    (rc = string_member(p, ptr, obj, "parent", NAME_ITEM, 0, 0,
				&parent)) != CRM_OK)
		goto out;
	rc = crm_backup_add_dept(p->b, name, parent);
out:
	free(name);
	free(parent);
	return rc;
}

/* "user:NAME" or "role:NAME", as crmauth switch allow takes them. */
static int
parse_subject(struct parse *p, const char *ptr, json_object *obj,
	      const char *key, enum crm_switch_kind *kind, char **name)
{
	char here[PTR_MAX];
	char *text = NULL;
	const char *rest;
	int rc;

	*name = NULL;
	if ((rc = string_member(p, ptr, obj, key, NAME_PLAIN, CRM_NAME_MAX +
				5, 1, &text)) != CRM_OK)
		return rc;
	ptr_key(here, ptr, key);
	if (strncmp(text, "user:", 5) == 0) {
		*kind = CRM_SWITCH_USER;
		rest = text + 5;
		if (!crm_valid_name(rest, CRM_NAME_MAX, 0))
			rc = fail(p, here, "invalid user name");
	} else if (strncmp(text, "role:", 5) == 0) {
		*kind = CRM_SWITCH_ROLE;
		rest = text + 5;
		if (!crm_valid_item(rest))
			rc = fail(p, here, "invalid role name");
	} else {
		rest = NULL;
		rc = fail(p, here, "expected user:NAME or role:NAME");
	}
	if (rc == CRM_OK && (*name = strdup(rest)) == NULL)
		rc = CRM_ENOMEM;
	free(text);
	return rc;
}

static int
parse_switch(struct parse *p, const char *ptr, json_object *obj)
{
	static const char *const allowed[] = { "from", "to", "mode", NULL };
	struct crm_switch_rule r = { 0 };
	char *from = NULL, *to = NULL;
	int rc, mode;

	if ((rc = want_object(p, ptr, obj)) != CRM_OK ||
	    (rc = known_members(p, ptr, obj, allowed)) != CRM_OK ||
	    (rc = parse_subject(p, ptr, obj, "from", &r.from_kind,
				&from)) != CRM_OK ||
	    (rc = parse_subject(p, ptr, obj, "to", &r.to_kind, &to)) !=
	    CRM_OK ||
	    (rc = enum_member(p, ptr, obj, "mode", mode_names, &mode)) !=
	    CRM_OK)
		goto out;
	r.from_name = from;
	r.to_name = to;
	r.mode = (enum crm_switch_mode)mode;
	rc = crm_backup_add_switch(p->b, &r);
out:
	free(from);
	free(to);
	return rc;
}

/* A rule line as rule.c parses it, and already in the spelling rule.c
 * writes: what is imported is what list shows and the module reads. */
static int
parse_access(struct parse *p, const char *ptr, json_object *val)
{
	struct crm_rule rule;
	char canon[CRM_RULE_MAX], why[160];
	const char *line;
	int rc;

	if (!json_object_is_type(val, json_type_string))
		return fail(p, ptr, "expected a rule line");
	line = json_object_get_string(val);
	if ((size_t)json_object_get_string_len(val) != strlen(line) ||
	    strlen(line) >= CRM_RULE_MAX)
		return fail(p, ptr, "not a rule line");
	why[0] = '\0';
	memset(&rule, 0, sizeof(rule));
	rc = crm_rule_parse(line, crm_now_ms(), &rule, why, sizeof(why));
	if (rc == CRM_OK)
		rc = crm_rule_format(&rule, canon, sizeof(canon));
	crm_rule_clear(&rule);
	if (rc == CRM_ENOMEM)
		return rc;
	if (rc != CRM_OK)
		return fail(p, ptr, "bad access rule: %s",
			    why[0] != '\0' ? why : crm_strerror(rc));
	if (strcmp(canon, line) != 0)
		return fail(p, ptr, "access rule not in canonical form "
			    "(crmauth allow list shows it as: %s)", canon);
	return crm_backup_strs_add(&p->b->access, line);
}

typedef int (*record_fn)(struct parse *p, const char *ptr, json_object *obj);

static int
parse_records(struct parse *p, json_object *top, const char *key,
	      record_fn fn)
{
	char here[PTR_MAX], at[PTR_MAX];
	json_object *arr;
	size_t i, n;
	int rc;

	if ((rc = top_array(p, top, key, &arr)) != CRM_OK || arr == NULL)
		return rc;
	ptr_key(here, "", key);
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		ptr_index(at, here, i);
		if ((rc = fn(p, at, json_object_array_get_idx(arr, i))) !=
		    CRM_OK)
			return rc;
	}
	return CRM_OK;
}

static int
parse_top(struct parse *p, json_object *top)
{
	static const char *const allowed[] = {
		"format", "version", "secrets", "users", "roles", "templates",
		"depts", "switch_rules", "access_rules", NULL,
	};
	json_object *val;
	int64_t version;
	int rc;

	if ((rc = want_object(p, "", top)) != CRM_OK ||
	    (rc = member(p, "", top, "format", json_type_string, 1,
			 &val)) != CRM_OK)
		return rc;
	if (strcmp(json_object_get_string(val), CRM_BACKUP_FORMAT) != 0)
		return fail(p, "/format", "not a pam-crm export");
	if ((rc = int_member(p, "", top, "version", INT64_MIN, INT64_MAX, 1,
			     &version)) != CRM_OK)
		return rc;
	if (version != CRM_BACKUP_VERSION)
		return fail(p, "/version", "version %lld; this crmauth reads "
			    "version %d", (long long)version,
			    CRM_BACKUP_VERSION);
	if ((rc = known_members(p, "", top, allowed)) != CRM_OK ||
	    (rc = member(p, "", top, "secrets", json_type_boolean, 1,
			 &val)) != CRM_OK)
		return rc;
	p->b->secrets = json_object_get_boolean(val);
	/* Records before the records that name them: templates before
	 * roles, roles before users, users before the rules. */
	if ((rc = parse_records(p, top, "templates", parse_template)) !=
	    CRM_OK ||
	    (rc = parse_records(p, top, "roles", parse_role)) != CRM_OK ||
	    (rc = parse_records(p, top, "depts", parse_dept)) != CRM_OK ||
	    (rc = parse_records(p, top, "users", parse_user)) != CRM_OK ||
	    (rc = parse_records(p, top, "switch_rules", parse_switch)) !=
	    CRM_OK)
		return rc;
	return parse_records(p, top, "access_rules", parse_access);
}

/* ---- checking: names unique, references resolved ---- */

/* A name with the position it came from, for sorting and lookup. */
struct named {
	const char *name;
	size_t index;
};

struct index {
	struct named *items;
	size_t count;
};

static int
named_cmp(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Sort the names; a name given twice is reported at its second place
 * (what, the array's pointer). */
static int
index_build(struct parse *p, struct index *ix, const char *what,
	    const char *array, const char *(*name_of)(const struct crm_backup
						      *, size_t),
	    size_t count)
{
	char at[PTR_MAX];
	size_t i;

	ix->count = count;
	ix->items = calloc(count > 0 ? count : 1, sizeof(*ix->items));
	if (ix->items == NULL)
		return CRM_ENOMEM;
	for (i = 0; i < count; i++) {
		ix->items[i].name = name_of(p->b, i);
		ix->items[i].index = i;
	}
	qsort(ix->items, count, sizeof(*ix->items), named_cmp);
	for (i = 1; i < count; i++)
		if (strcmp(ix->items[i - 1].name, ix->items[i].name) == 0) {
			ptr_index(at, array, ix->items[i].index);
			return fail(p, at, "%s '%s' given twice", what,
				    ix->items[i].name);
		}
	return CRM_OK;
}

static int
name_only_cmp(const void *key, const void *item)
{
	return strcmp(key, ((const struct named *)item)->name);
}

/* The position of name in the document, or -1. */
static long
index_find(const struct index *ix, const char *name)
{
	const struct named *hit;

	hit = bsearch(name, ix->items, ix->count, sizeof(*ix->items),
		      name_only_cmp);
	return hit != NULL ? (long)hit->index : -1;
}

static const char *
user_name(const struct crm_backup *b, size_t i)
{
	return b->users[i].name;
}

static const char *
role_name(const struct crm_backup *b, size_t i)
{
	return b->roles[i].name;
}

static const char *
template_name(const struct crm_backup *b, size_t i)
{
	return b->templates[i].name;
}

static const char *
dept_name(const struct crm_backup *b, size_t i)
{
	return b->depts[i].name;
}

/* Each name of list is in ix and given once. */
static int
check_refs(struct parse *p, const char *ptr, const struct crm_backup_strs
	   *list, const struct index *ix, const char *what)
{
	char at[PTR_MAX];
	size_t i, j;

	for (i = 0; i < list->count; i++) {
		ptr_index(at, ptr, i);
		if (index_find(ix, list->items[i]) < 0)
			return fail(p, at, "no such %s '%s'", what,
				    list->items[i]);
		/* Lists are short (a user's roles): pairs are cheap. */
		for (j = 0; j < i; j++)
			if (strcmp(list->items[i], list->items[j]) == 0)
				return fail(p, at, "%s '%s' given twice",
					    what, list->items[i]);
	}
	return CRM_OK;
}

static int
check_perms_unique(struct parse *p, const char *ptr,
		   const struct crm_backup_strs *list)
{
	char at[PTR_MAX];
	size_t i, j;

	for (i = 0; i < list->count; i++)
		for (j = 0; j < i; j++)
			if (strcmp(list->items[i], list->items[j]) == 0) {
				ptr_index(at, ptr, i);
				return fail(p, at, "permission '%s' given "
					    "twice", list->items[i]);
			}
	return CRM_OK;
}

/* Every parent is a department of the document and no chain is longer
 * than the store follows (which also rules out a cycle). */
static int
check_depts(struct parse *p, const struct index *depts)
{
	char at[PTR_MAX];
	const char *parent;
	size_t i, depth;
	long j;

	for (i = 0; i < p->b->ndepts; i++) {
		(void)snprintf(at, sizeof(at), "/depts/%zu/parent", i);
		parent = p->b->depts[i].parent;
		for (depth = 0; parent != NULL; depth++) {
			j = index_find(depts, parent);
			if (j < 0)
				return fail(p, at, "no such department '%s'",
					    parent);
			if ((size_t)j == i)
				return fail(p, at, "department '%s' is its "
					    "own ancestor (a cycle)",
					    p->b->depts[i].name);
			if (depth >= CRM_DEPT_DEPTH_MAX)
				return fail(p, at, "departments nest deeper "
					    "than %d, or form a cycle",
					    CRM_DEPT_DEPTH_MAX);
			parent = p->b->depts[j].parent;
		}
	}
	return CRM_OK;
}

static long
index_of_str(const struct crm_backup_strs *list, const char *name)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		if (strcmp(list->items[i], name) == 0)
			return (long)i;
	return -1;
}

/* A link is kept once for a pair: both users list each other. */
static int
check_links(struct parse *p, const struct index *users)
{
	const struct crm_backup_user *u, *other;
	char here[PTR_MAX], at[PTR_MAX];
	size_t i, k;
	long j;

	for (i = 0; i < p->b->nusers; i++) {
		u = &p->b->users[i];
		(void)snprintf(here, sizeof(here), "/users/%zu/links", i);
		if (check_refs(p, here, &u->links, users, "user") != CRM_OK)
			return CRM_INVALID;
		for (k = 0; k < u->links.count; k++) {
			ptr_index(at, here, k);
			j = index_find(users, u->links.items[k]);
			if ((size_t)j == i)
				return fail(p, at, "a user linked to itself");
			other = &p->b->users[j];
			if (index_of_str(&other->links, u->name) < 0)
				return fail(p, at, "user '%s' does not list "
					    "'%s' among its links",
					    other->name, u->name);
		}
	}
	return CRM_OK;
}

static int
int64_cmp(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* Two accounts never share a uid, nor (with secrets) an id: both are
 * unique in the database, and a secret is bound to its id. */
static int
check_unique_numbers(struct parse *p, int ids)
{
	int64_t *seen;
	size_t i, n = 0;
	int rc = CRM_OK;

	seen = calloc(p->b->nusers > 0 ? p->b->nusers : 1, sizeof(*seen));
	if (seen == NULL)
		return CRM_ENOMEM;
	for (i = 0; i < p->b->nusers; i++) {
		int64_t v = ids ? p->b->users[i].id : p->b->users[i].uid;

		if (v != 0)
			seen[n++] = v;
	}
	qsort(seen, n, sizeof(*seen), int64_cmp);
	for (i = 1; i < n; i++)
		if (seen[i] == seen[i - 1]) {
			rc = fail(p, "/users", "two users with %s %lld",
				  ids ? "id" : "uid", (long long)seen[i]);
			break;
		}
	free(seen);
	return rc;
}

static int
check_switches(struct parse *p, const struct index *users,
	       const struct index *roles)
{
	const struct crm_backup_switch *s, *t;
	char at[PTR_MAX];
	size_t i, j;

	for (i = 0; i < p->b->nswitches; i++) {
		s = &p->b->switches[i];
		(void)snprintf(at, sizeof(at), "/switch_rules/%zu/from", i);
		if (index_find(s->from_kind == CRM_SWITCH_USER ? users : roles,
			       s->from_name) < 0)
			return fail(p, at, "no such %s '%s'",
				    s->from_kind == CRM_SWITCH_USER ? "user" :
				    "role", s->from_name);
		(void)snprintf(at, sizeof(at), "/switch_rules/%zu/to", i);
		if (index_find(s->to_kind == CRM_SWITCH_USER ? users : roles,
			       s->to_name) < 0)
			return fail(p, at, "no such %s '%s'",
				    s->to_kind == CRM_SWITCH_USER ? "user" :
				    "role", s->to_name);
		for (j = 0; j < i; j++) {
			t = &p->b->switches[j];
			if (s->from_kind == t->from_kind &&
			    s->to_kind == t->to_kind &&
			    strcmp(s->from_name, t->from_name) == 0 &&
			    strcmp(s->to_name, t->to_name) == 0) {
				(void)snprintf(at, sizeof(at),
					       "/switch_rules/%zu", i);
				return fail(p, at, "the same FROM and TO as "
					    "/switch_rules/%zu", j);
			}
		}
	}
	return CRM_OK;
}

static int
check_all(struct parse *p)
{
	struct index users = { 0 }, roles = { 0 }, templates = { 0 };
	struct index depts = { 0 };
	char here[PTR_MAX];
	size_t i;
	int rc;

	if ((rc = index_build(p, &users, "user", "/users", user_name,
			      p->b->nusers)) != CRM_OK ||
	    (rc = index_build(p, &roles, "role", "/roles", role_name,
			      p->b->nroles)) != CRM_OK ||
	    (rc = index_build(p, &templates, "template", "/templates",
			      template_name, p->b->ntemplates)) != CRM_OK ||
	    (rc = index_build(p, &depts, "department", "/depts", dept_name,
			      p->b->ndepts)) != CRM_OK ||
	    (rc = check_depts(p, &depts)) != CRM_OK)
		goto out;
	for (i = 0; rc == CRM_OK && i < p->b->ntemplates; i++) {
		(void)snprintf(here, sizeof(here), "/templates/%zu/perms", i);
		rc = check_perms_unique(p, here, &p->b->templates[i].perms);
	}
	for (i = 0; rc == CRM_OK && i < p->b->nroles; i++) {
		(void)snprintf(here, sizeof(here), "/roles/%zu/perms", i);
		rc = check_perms_unique(p, here, &p->b->roles[i].perms);
		(void)snprintf(here, sizeof(here), "/roles/%zu/templates", i);
		if (rc == CRM_OK)
			rc = check_refs(p, here, &p->b->roles[i].templates,
					&templates, "template");
	}
	for (i = 0; rc == CRM_OK && i < p->b->nusers; i++) {
		(void)snprintf(here, sizeof(here), "/users/%zu/roles", i);
		rc = check_refs(p, here, &p->b->users[i].roles, &roles,
				"role");
	}
	if (rc == CRM_OK)
		rc = check_links(p, &users);
	if (rc == CRM_OK)
		rc = check_unique_numbers(p, 0);
	if (rc == CRM_OK && p->b->secrets)
		rc = check_unique_numbers(p, 1);
	if (rc == CRM_OK)
		rc = check_switches(p, &users, &roles);
out:
	free(users.items);
	free(roles.items);
	free(templates.items);
	free(depts.items);
	return rc;
}

int
crm_backup_parse(const char *text, size_t len, struct crm_backup **out,
		 char *err, size_t errlen)
{
	struct json_tokener *tok = NULL;
	json_object *top = NULL;
	struct parse p = { NULL, err, errlen };
	int rc;

	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	if (len > INT32_MAX)
		return fail(&p, "", "document too large");
	if ((tok = json_tokener_new()) == NULL ||
	    (p.b = crm_backup_new()) == NULL) {
		rc = CRM_ENOMEM;
		goto out;
	}
	top = json_tokener_parse_ex(tok, text, (int)len);
	if (top == NULL || json_tokener_get_error(tok) != json_tokener_success
	    || (size_t)json_tokener_get_parse_end(tok) != len) {
		/* Only blanks may follow the document. */
		size_t end = top != NULL ?
			(size_t)json_tokener_get_parse_end(tok) : len;

		while (top != NULL && end < len &&
		       strchr(" \t\r\n", text[end]) != NULL && text[end])
			end++;
		if (top == NULL || end != len) {
			rc = fail(&p, "", "not JSON (%s at byte %zu)",
				  top == NULL ? json_tokener_error_desc(
					  json_tokener_get_error(tok)) :
				  "trailing text",
				  (size_t)json_tokener_get_parse_end(tok));
			goto out;
		}
	}
	if ((rc = parse_top(&p, top)) != CRM_OK ||
	    (rc = check_all(&p)) != CRM_OK)
		goto out;
	*out = p.b;
	p.b = NULL;
out:
	if (rc == CRM_ENOMEM)
		(void)snprintf(err, errlen, "out of memory");
	json_object_put(top);
	if (tok != NULL)
		json_tokener_free(tok);
	crm_backup_free(p.b);
	return rc;
}

/* ---- writing ---- */

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
user_cmp(const void *a, const void *b)
{
	return strcmp(((const struct crm_backup_user *)a)->name,
		      ((const struct crm_backup_user *)b)->name);
}

static int
role_cmp(const void *a, const void *b)
{
	return strcmp(((const struct crm_backup_role *)a)->name,
		      ((const struct crm_backup_role *)b)->name);
}

static int
template_cmp(const void *a, const void *b)
{
	return strcmp(((const struct crm_backup_template *)a)->name,
		      ((const struct crm_backup_template *)b)->name);
}

static int
dept_cmp(const void *a, const void *b)
{
	return strcmp(((const struct crm_backup_dept *)a)->name,
		      ((const struct crm_backup_dept *)b)->name);
}

static int
recovery_cmp(const void *a, const void *b)
{
	return memcmp(((const struct crm_backup_recovery *)a)->mac,
		      ((const struct crm_backup_recovery *)b)->mac,
		      CRM_MAC_LEN);
}

static void
strs_sort(struct crm_backup_strs *list)
{
	if (list->count > 1)
		qsort(list->items, list->count, sizeof(*list->items), str_cmp);
}

static void
backup_sort(struct crm_backup *b)
{
	size_t i;

	if (b->nusers > 1)
		qsort(b->users, b->nusers, sizeof(*b->users), user_cmp);
	if (b->nroles > 1)
		qsort(b->roles, b->nroles, sizeof(*b->roles), role_cmp);
	if (b->ntemplates > 1)
		qsort(b->templates, b->ntemplates, sizeof(*b->templates),
		      template_cmp);
	if (b->ndepts > 1)
		qsort(b->depts, b->ndepts, sizeof(*b->depts), dept_cmp);
	for (i = 0; i < b->nusers; i++) {
		strs_sort(&b->users[i].roles);
		strs_sort(&b->users[i].links);
		if (b->users[i].totp != NULL && b->users[i].totp->nrecovery > 1)
			qsort(b->users[i].totp->recovery,
			      b->users[i].totp->nrecovery,
			      sizeof(struct crm_backup_recovery),
			      recovery_cmp);
	}
	for (i = 0; i < b->nroles; i++) {
		strs_sort(&b->roles[i].perms);
		strs_sort(&b->roles[i].templates);
	}
	for (i = 0; i < b->ntemplates; i++)
		strs_sort(&b->templates[i].perms);
}

/* json_object_object_add that takes ownership of val even when it
 * fails, and says so; val NULL (out of memory upstream) fails. */
static int
put(json_object *obj, const char *key, json_object *val)
{
	if (val == NULL)
		return CRM_ENOMEM;
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		return CRM_ENOMEM;
	}
	return CRM_OK;
}

/* json-c's null is the NULL pointer: a string member that may be null,
 * with out of memory told apart. */
static int
put_str(json_object *obj, const char *key, const char *s)
{
	json_object *val = NULL;

	if (s != NULL && (val = json_object_new_string(s)) == NULL)
		return CRM_ENOMEM;
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		return CRM_ENOMEM;
	}
	return CRM_OK;
}

/* A time as crm_time_format writes it; 0 is null. */
static int
put_time(json_object *obj, const char *key, int64_t ms)
{
	char buf[64];

	if (ms <= 0)
		return put_str(obj, key, NULL);
	crm_time_format(ms, buf, sizeof(buf));
	return put_str(obj, key, buf);
}

static json_object *
strs_array(const struct crm_backup_strs *list)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; arr != NULL && i < list->count; i++) {
		json_object *s = json_object_new_string(list->items[i]);

		if (s == NULL || json_object_array_add(arr, s) != 0) {
			json_object_put(s);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

static json_object *
hex_string(const unsigned char *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char buf[2 * CRM_TOTP_SEALED_MAX + 1];
	json_object *val;
	size_t i;

	if (2 * len >= sizeof(buf))
		return NULL;
	for (i = 0; i < len; i++) {
		buf[2 * i] = digits[bytes[i] >> 4];
		buf[2 * i + 1] = digits[bytes[i] & 0xf];
	}
	buf[2 * len] = '\0';
	val = json_object_new_string(buf);
	crm_cleanse(buf, sizeof(buf));
	return val;
}

static int
add_to(json_object *arr, json_object *item, int rc)
{
	if (rc != CRM_OK || item == NULL ||
	    json_object_array_add(arr, item) != 0) {
		json_object_put(item);
		return rc != CRM_OK ? rc : CRM_ENOMEM;
	}
	return CRM_OK;
}

static json_object *
write_totp(const struct crm_backup_totp *t)
{
	json_object *obj = json_object_new_object(), *arr, *r;
	size_t i;
	int rc;

	if (obj == NULL)
		return NULL;
	rc = put(obj, "sealed_seed", hex_string(t->sealed, t->sealed_len));
	if (rc == CRM_OK)
		rc = put(obj, "algorithm", json_object_new_string(
			crm_totp_algorithm_name(t->algorithm)));
	if (rc == CRM_OK)
		rc = put(obj, "digits", json_object_new_int64(t->digits));
	if (rc == CRM_OK)
		rc = put(obj, "period", json_object_new_int64(t->period));
	if (rc == CRM_OK)
		rc = put_time(obj, "confirmed", t->confirmed_ms);
	if (rc == CRM_OK)
		rc = put(obj, "last_step", json_object_new_int64(t->last_step));
	if (rc == CRM_OK)
		rc = put_time(obj, "created", t->created_ms);
	arr = rc == CRM_OK ? json_object_new_array() : NULL;
	for (i = 0; arr != NULL && rc == CRM_OK && i < t->nrecovery; i++) {
		r = json_object_new_object();
		if (r == NULL)
			rc = CRM_ENOMEM;
		if (rc == CRM_OK)
			rc = put(r, "mac", hex_string(t->recovery[i].mac,
						      CRM_MAC_LEN));
		if (rc == CRM_OK)
			rc = put_time(r, "used", t->recovery[i].used_ms);
		rc = add_to(arr, r, rc);
	}
	if (rc == CRM_OK)
		rc = put(obj, "recovery", arr);
	else
		json_object_put(arr);
	if (rc != CRM_OK) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static json_object *
write_user(const struct crm_backup *b, const struct crm_backup_user *u)
{
	json_object *obj = json_object_new_object();
	int rc;

	if (obj == NULL)
		return NULL;
	rc = put(obj, "name", json_object_new_string(u->name));
	if (rc == CRM_OK && b->secrets)
		rc = put(obj, "id", json_object_new_int64(u->id));
	if (rc == CRM_OK)
		rc = put_str(obj, "dept", u->dept);
	if (rc == CRM_OK)
		rc = put(obj, "status", json_object_new_string(
			crm_user_status_name(u->status)));
	if (rc == CRM_OK)
		rc = put_time(obj, "suspended_until", u->suspended_until_ms);
	if (rc == CRM_OK)
		rc = put_time(obj, "created", u->created_ms);
	if (rc == CRM_OK)
		rc = put_time(obj, "last_login", u->last_login_ms);
	if (rc == CRM_OK)
		rc = u->uid > 0 ? put(obj, "uid", json_object_new_int64(u->uid))
				: put_str(obj, "uid", NULL);
	if (rc == CRM_OK)
		rc = put_str(obj, "login_shell", u->login_shell);
	if (rc == CRM_OK)
		rc = put(obj, "roles", strs_array(&u->roles));
	if (rc == CRM_OK)
		rc = put(obj, "links", strs_array(&u->links));
	if (rc == CRM_OK && b->secrets) {
		rc = put_str(obj, "password_hash", u->password_hash);
		if (rc == CRM_OK)
			rc = put_time(obj, "password_changed",
				      u->password_changed_ms);
		if (rc == CRM_OK)
			rc = u->totp != NULL ? put(obj, "totp",
						   write_totp(u->totp)) :
				put_str(obj, "totp", NULL);
	}
	if (rc != CRM_OK) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static json_object *
write_role(const struct crm_backup_role *r)
{
	json_object *obj = json_object_new_object();
	int rc;

	if (obj == NULL)
		return NULL;
	rc = put(obj, "name", json_object_new_string(r->name));
	if (rc == CRM_OK)
		rc = put(obj, "scope",
			 json_object_new_string(crm_scope_name(r->scope)));
	if (rc == CRM_OK)
		rc = put(obj, "perms", strs_array(&r->perms));
	if (rc == CRM_OK)
		rc = put(obj, "templates", strs_array(&r->templates));
	if (rc != CRM_OK) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static json_object *
write_template(const struct crm_backup_template *t)
{
	json_object *obj = json_object_new_object();

	if (obj == NULL ||
	    put(obj, "name", json_object_new_string(t->name)) != CRM_OK ||
	    put(obj, "perms", strs_array(&t->perms)) != CRM_OK) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static json_object *
write_dept(const struct crm_backup_dept *d)
{
	json_object *obj = json_object_new_object();

	if (obj == NULL ||
	    put(obj, "name", json_object_new_string(d->name)) != CRM_OK ||
	    put_str(obj, "parent", d->parent) != CRM_OK) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static json_object *
subject_string(enum crm_switch_kind kind, const char *name)
{
	char buf[CRM_NAME_MAX + 8];

	(void)snprintf(buf, sizeof(buf), "%s:%s",
		       kind == CRM_SWITCH_USER ? "user" : "role", name);
	return json_object_new_string(buf);
}

static json_object *
write_switch(const struct crm_backup_switch *s)
{
	json_object *obj = json_object_new_object();

	if (obj == NULL ||
	    put(obj, "from", subject_string(s->from_kind, s->from_name)) !=
	    CRM_OK ||
	    put(obj, "to", subject_string(s->to_kind, s->to_name)) != CRM_OK ||
	    put(obj, "mode", json_object_new_string(mode_names[s->mode])) !=
	    CRM_OK) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* The records of one kind as an array member of top. */
#define WRITE_ARRAY(top, key, count, make)				\
	do {								\
		json_object *arr_ = json_object_new_array();		\
		size_t i_;						\
									\
		if (arr_ == NULL)					\
			rc = CRM_ENOMEM;				\
		for (i_ = 0; rc == CRM_OK && i_ < (count); i_++)	\
			rc = add_to(arr_, (make), CRM_OK);		\
		if (rc == CRM_OK)					\
			rc = put((top), (key), arr_);			\
		else							\
			json_object_put(arr_);				\
	} while (0)

int
crm_backup_write(struct crm_backup *b, char **out)
{
	json_object *top;
	const char *text;
	int rc = CRM_OK;

	*out = NULL;
	backup_sort(b);
	if ((top = json_object_new_object()) == NULL)
		return CRM_ENOMEM;
	rc = put(top, "format", json_object_new_string(CRM_BACKUP_FORMAT));
	if (rc == CRM_OK)
		rc = put(top, "version",
			 json_object_new_int64(CRM_BACKUP_VERSION));
	if (rc == CRM_OK)
		rc = put(top, "secrets", json_object_new_boolean(b->secrets));
	if (rc == CRM_OK)
		WRITE_ARRAY(top, "users", b->nusers,
			    write_user(b, &b->users[i_]));
	if (rc == CRM_OK)
		WRITE_ARRAY(top, "roles", b->nroles, write_role(&b->roles[i_]));
	if (rc == CRM_OK)
		WRITE_ARRAY(top, "templates", b->ntemplates,
			    write_template(&b->templates[i_]));
	if (rc == CRM_OK)
		WRITE_ARRAY(top, "depts", b->ndepts, write_dept(&b->depts[i_]));
	if (rc == CRM_OK)
		WRITE_ARRAY(top, "switch_rules", b->nswitches,
			    write_switch(&b->switches[i_]));
	if (rc == CRM_OK)
		WRITE_ARRAY(top, "access_rules", b->access.count,
			    json_object_new_string(b->access.items[i_]));
	if (rc == CRM_OK) {
		text = json_object_to_json_string_ext(top,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE);
		if (text == NULL || asprintf(out, "%s\n", text) < 0) {
			*out = NULL;
			rc = CRM_ENOMEM;
		}
		/* json-c's buffer held the secrets too. */
		if (text != NULL && b->secrets)
			crm_cleanse((void *)text, strlen(text));
	}
	json_object_put(top);
	return rc;
}
