/*
 * output.c - what crmauth prints: listings as aligned columns, times as
 * text, and JSON documents with --json.  Stored text is always made
 * printable first (crm_text_printable).
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/text.h"
#include "core/clock.h"
#include "core/crm.h"

#include "crmauth.h"

void
ca_table_init(struct ca_table *table, size_t ncols,
	      const char *const *headers)
{
	memset(table, 0, sizeof(*table));
	table->ncols = ncols;
	table->headers = headers;
}

/* A cell as shown: "-" for none, anything not printable or not UTF-8 as
 * \xNN (crm_text_printable), so that a stored string cannot drive the
 * terminal. */
static char *
ca_cell(const char *text)
{
	return crm_text_printable(text != NULL && text[0] != '\0' ? text
								    : "-");
}

int
ca_table_add(struct ca_table *table, const char *const *cells)
{
	void *rows = table->cells;
	size_t i;
	int rc;

	/* One element a row: ncols cell pointers. */
	if (table->ncols > SIZE_MAX / sizeof(char *))
		return CRM_ENOMEM;
	rc = crm_array_grow(&rows, &table->cap, table->nrows,
			    table->ncols * sizeof(char *));
	table->cells = rows;
	if (rc != CRM_OK)
		return rc;
	for (i = 0; i < table->ncols; i++) {
		table->cells[table->nrows * table->ncols + i] =
			ca_cell(cells[i]);
		if (table->cells[table->nrows * table->ncols + i] == NULL) {
			while (i-- > 0)
				free(table->cells[table->nrows *
						  table->ncols + i]);
			return CRM_ENOMEM;
		}
	}
	table->nrows++;
	return CRM_OK;
}

static void
ca_table_row(const char *const *cells, const size_t *widths, size_t ncols)
{
	size_t i, pad;

	for (i = 0; i < ncols; i++) {
		fputs(cells[i], stdout);
		if (i + 1 == ncols)
			break;
		/* Two spaces between columns, as ps and ip do. */
		for (pad = strlen(cells[i]); pad < widths[i] + 2; pad++)
			putchar(' ');
	}
	putchar('\n');
}

int
ca_table_print(const struct ca_table *table)
{
	size_t *widths, i, j, n;

	widths = calloc(table->ncols, sizeof(*widths));
	if (widths == NULL)
		return CRM_ENOMEM;
	for (j = 0; j < table->ncols; j++)
		widths[j] = strlen(table->headers[j]);
	for (i = 0; i < table->nrows; i++) {
		for (j = 0; j < table->ncols; j++) {
			n = strlen(table->cells[i * table->ncols + j]);
			if (n > widths[j])
				widths[j] = n;
		}
	}
	ca_table_row(table->headers, widths, table->ncols);
	for (i = 0; i < table->nrows; i++)
		ca_table_row((const char *const *)&table->cells[i *
							       table->ncols],
			     widths, table->ncols);
	free(widths);
	return CRM_OK;
}

void
ca_table_free(struct ca_table *table)
{
	size_t i;

	for (i = 0; i < table->nrows * table->ncols; i++)
		free(table->cells[i]);
	free(table->cells);
	table->cells = NULL;
	table->nrows = table->cap = 0;
}

void
ca_time_text(int64_t ms, char *buf, size_t len)
{
	if (ms <= 0)
		snprintf(buf, len, "-");
	else
		crm_time_format(ms, buf, len);
}

/* ---- JSON ---- */

json_object *
ca_json_text(const char *value)
{
	json_object *val;
	char *shown;

	/* json-c escapes C0 controls but passes any other byte through, so
	 * that a stored 0xff would make the whole document invalid. */
	if ((shown = crm_text_printable(value)) == NULL)
		return NULL;
	val = json_object_new_string(shown);
	free(shown);
	return val;
}

int
ca_json_str(json_object *obj, const char *key, const char *value)
{
	json_object *val = NULL;

	if (value != NULL && (val = ca_json_text(value)) == NULL)
		return CRM_ENOMEM;
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		return CRM_ENOMEM;
	}
	return CRM_OK;
}

/* Add val, just made (NULL when json-c could not), as obj's key; obj
 * owns it from here, or it is freed. */
static int
ca_json_add(json_object *obj, const char *key, json_object *val)
{
	if (val == NULL)
		return CRM_ENOMEM;
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		return CRM_ENOMEM;
	}
	return CRM_OK;
}

int
ca_json_int(json_object *obj, const char *key, int64_t value)
{
	return ca_json_add(obj, key, json_object_new_int64(value));
}

int
ca_json_bool(json_object *obj, const char *key, int value)
{
	return ca_json_add(obj, key, json_object_new_boolean(value != 0));
}

int
ca_json_time(json_object *obj, const char *key, int64_t ms)
{
	char text[64];

	if (ms <= 0)
		return ca_json_str(obj, key, NULL);
	crm_time_format(ms, text, sizeof(text));
	return ca_json_str(obj, key, text);
}

int
ca_json_print(json_object *obj)
{
	const char *text;

	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text == NULL)
		return CRM_ENOMEM;
	puts(text);
	return CRM_OK;
}
