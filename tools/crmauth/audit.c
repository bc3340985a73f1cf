/*
 * audit.c - crmauth audit: read the audit trail and verify its chain.
 *
 * Rows are printed as the store hands them over, never gathered first: a
 * year of logins is too many rows to hold in memory for column widths,
 * so the table uses fixed widths that a longer cell pushes along.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/text.h"
#include "core/audit.h"
#include "core/clock.h"
#include "store/store.h"

#include "crmauth.h"

static const char audit_usage[] =
"usage: crmauth audit [--user U] [--event E] [--since TIME]\n"
"       crmauth audit verify [--witness FILE]\n"
"TIME: ISO 8601 (2026-01-31T18:00:00Z), or -2h / -7d for that long ago.\n"
"FILE: a syslog file or journalctl export holding the rows' audit= tags.\n";

static const struct {
	const char *header;
	size_t width;
} audit_columns[] = {
	{ "TIME", 24 }, { "SERVICE", 10 }, { "USER", 12 }, { "RUSER", 10 },
	{ "RHOST", 15 }, { "TTY", 8 }, { "MODULE", 15 }, { "EVENT", 19 },
	{ "RESULT", 6 }, { "DETAIL", 0 },
};

struct audit_listing {
	int json;
	int64_t rows;
};

/* One cell: "-" for none, anything not printable or not UTF-8 as \xNN
 * (crm_text_printable), so that a stored string cannot drive the
 * terminal. */
static int
print_cell(const char *text, size_t width, int last)
{
	char *shown;
	size_t n;

	if (text == NULL || text[0] == '\0')
		text = "-";
	if ((shown = crm_text_printable(text)) == NULL)
		return CRM_ENOMEM;
	fputs(shown, stdout);
	n = strlen(shown);
	free(shown);
	if (last)
		return CRM_OK;
	for (; n < width + 2; n++)
		putchar(' ');
	return CRM_OK;
}

static void
print_header(void)
{
	size_t i;

	for (i = 0; i < CRM_ARRAY_SIZE(audit_columns); i++)
		print_cell(audit_columns[i].header, audit_columns[i].width,
			   i + 1 == CRM_ARRAY_SIZE(audit_columns));
	putchar('\n');
}

static int
print_row_text(const struct crm_audit_row *row)
{
	char time_text[64];
	const char *cells[CRM_ARRAY_SIZE(audit_columns)];
	size_t i;

	crm_time_format(row->time_ms, time_text, sizeof(time_text));
	cells[0] = time_text;
	cells[1] = row->service;
	cells[2] = row->user;
	cells[3] = row->ruser;
	cells[4] = row->rhost;
	cells[5] = row->tty;
	cells[6] = row->module;
	cells[7] = row->event;
	cells[8] = row->result;
	cells[9] = row->detail;
	for (i = 0; i < CRM_ARRAY_SIZE(cells); i++)
		if (print_cell(cells[i], audit_columns[i].width,
			       i + 1 == CRM_ARRAY_SIZE(cells)) != CRM_OK)
			return CRM_ENOMEM;
	putchar('\n');
	return CRM_OK;
}

static int
print_row_json(const struct crm_audit_row *row, int first)
{
	json_object *obj;
	const char *text;
	int rc = CRM_ENOMEM;

	if ((obj = json_object_new_object()) == NULL)
		return CRM_ENOMEM;
	if (ca_json_int(obj, "id", row->id) != CRM_OK ||
	    ca_json_time(obj, "time", row->time_ms) != CRM_OK ||
	    ca_json_int(obj, "time_ms", row->time_ms) != CRM_OK ||
	    ca_json_str(obj, "service", row->service) != CRM_OK ||
	    ca_json_str(obj, "user", row->user) != CRM_OK ||
	    ca_json_str(obj, "ruser", row->ruser) != CRM_OK ||
	    ca_json_str(obj, "rhost", row->rhost) != CRM_OK ||
	    ca_json_str(obj, "tty", row->tty) != CRM_OK ||
	    ca_json_str(obj, "module", row->module) != CRM_OK ||
	    ca_json_str(obj, "event", row->event) != CRM_OK ||
	    ca_json_str(obj, "result", row->result) != CRM_OK ||
	    ca_json_str(obj, "detail", row->detail) != CRM_OK)
		goto out;
	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text == NULL)
		goto out;
	printf("%s\n  %s", first ? "" : ",", text);
	rc = CRM_OK;
out:
	json_object_put(obj);
	return rc;
}

static int
audit_row_cb(void *arg, const struct crm_audit_row *row)
{
	struct audit_listing *listing = arg;
	int rc;

	if (listing->json)
		rc = print_row_json(row, listing->rows == 0);
	else
		rc = print_row_text(row);
	if (rc == CRM_OK)
		listing->rows++;
	return rc;
}

static int
audit_list(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "event", required_argument, NULL, 'e' },
		{ "since", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct crm_audit_filter filter = { NULL, NULL, 0, 0 };
	struct audit_listing listing = { 0, 0 };
	const char *since = NULL;
	int c, opt, rc;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts, "audit")) != -1) {
		switch (c) {
		case 'u':
			filter.user = optarg;
			break;
		case 'e':
			filter.event = optarg;
			break;
		case 's':
			since = optarg;
			break;
		default:
			opt = ca_verb_option(ca, c, audit_usage);
			if (opt != CA_CONTINUE)
				return opt;
			break;
		}
	}
	if (optind != argc)
		return ca_usage_error(audit_usage,
				      "audit: unexpected argument '%s'",
				      argv[optind]);
	if ((filter.user != NULL &&
	     ca_check_name("user", filter.user) != CRM_OK) ||
	    (filter.event != NULL &&
	     ca_check_name("event", filter.event) != CRM_OK))
		return CA_EXIT_ERROR;
	if (since != NULL && ca_parse_time(since, 1, &filter.since_ms) !=
	    CRM_OK)
		return ca_usage_error(audit_usage,
				      "audit: --since: not a time: %s", since);
	/* 0 means "from the start" to the store. */
	if (since != NULL && filter.since_ms <= 0)
		filter.since_ms = 1;

	if ((rc = ca_open(ca)) != CRM_OK)
		return ca_exit_code(rc);
	listing.json = ca->json;
	if (listing.json)
		fputs("[", stdout);
	else
		print_header();
	rc = crm_store_audit_list(ca->ctx->store, &filter, audit_row_cb,
				  &listing);
	if (listing.json)
		fputs(listing.rows > 0 ? "\n]\n" : "]\n", stdout);
	if (rc != CRM_OK)
		return ca_fail(ca, rc, "audit");
	return CA_EXIT_OK;
}

/* Row ids a witness log names, gathered so that each is reported once,
 * in order, however often the log repeats it. */
struct id_list {
	int64_t *ids;
	size_t count, cap;
};

struct witness_findings {
	struct id_list missing, differs;
};

static int
id_list_add(struct id_list *list, int64_t id)
{
	int64_t *ids;
	size_t cap;

	if (list->count == list->cap) {
		cap = list->cap != 0 ? list->cap * 2 : 64;
		if (cap > SIZE_MAX / sizeof(*ids))
			return CRM_ENOMEM;
		if ((ids = realloc(list->ids, cap * sizeof(*ids))) == NULL)
			return CRM_ENOMEM;
		list->ids = ids;
		list->cap = cap;
	}
	list->ids[list->count++] = id;
	return CRM_OK;
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
id_list_sort_unique(struct id_list *list)
{
	size_t i, n = 0;

	if (list->count == 0)
		return;
	qsort(list->ids, list->count, sizeof(list->ids[0]), cmp_id);
	for (i = 1; i < list->count; i++)
		if (list->ids[i] != list->ids[n])
			list->ids[++n] = list->ids[i];
	list->count = n + 1;
}

static int
note_finding(void *arg, enum crm_witness_finding what, int64_t id)
{
	struct witness_findings *found = arg;

	return id_list_add(what == CRM_WITNESS_MISSING ? &found->missing :
			   &found->differs, id);
}

static int
json_ids(json_object *obj, const char *key, const struct id_list *list)
{
	json_object *arr = json_object_new_array();
	json_object *num;
	size_t i;

	if (arr == NULL)
		return CRM_ENOMEM;
	for (i = 0; i < list->count; i++) {
		if ((num = json_object_new_int64(list->ids[i])) == NULL ||
		    json_object_array_add(arr, num) != 0) {
			json_object_put(num);
			json_object_put(arr);
			return CRM_ENOMEM;
		}
	}
	if (json_object_object_add(obj, key, arr) != 0) {
		json_object_put(arr);
		return CRM_ENOMEM;
	}
	return CRM_OK;
}

static int
print_verify_json(const struct crm_audit_report *report, const char *witness,
		  const struct crm_audit_witness_report *wr,
		  const struct witness_findings *found, int intact)
{
	json_object *obj;
	int rc = CRM_ENOMEM;
	int bad = report->first_bad_id != 0;

	if ((obj = json_object_new_object()) == NULL)
		return CRM_ENOMEM;
	if (ca_json_bool(obj, "intact", intact) != CRM_OK ||
	    ca_json_int(obj, "rows", report->rows) != CRM_OK ||
	    (bad ? ca_json_int(obj, "first_bad_id", report->first_bad_id) :
	     ca_json_str(obj, "first_bad_id", NULL)) != CRM_OK ||
	    ca_json_str(obj, "reason", bad ? report->reason : NULL) != CRM_OK ||
	    (report->missing_after >= 0 ?
	     ca_json_int(obj, "missing_after", report->missing_after) :
	     ca_json_str(obj, "missing_after", NULL)) != CRM_OK ||
	    (report->head_id > 0 ?
	     ca_json_int(obj, "recorded_head", report->head_id) :
	     ca_json_str(obj, "recorded_head", NULL)) != CRM_OK)
		goto out;
	if (witness != NULL &&
	    (ca_json_str(obj, "witness", witness) != CRM_OK ||
	     ca_json_int(obj, "witness_tags", wr->tags) != CRM_OK ||
	     ca_json_int(obj, "witness_pruned", wr->pruned) != CRM_OK ||
	     json_ids(obj, "witness_missing", &found->missing) != CRM_OK ||
	     json_ids(obj, "witness_differs", &found->differs) != CRM_OK))
		goto out;
	rc = ca_json_print(obj);
out:
	json_object_put(obj);
	return rc;
}

static void
print_verify_text(const struct crm_audit_report *report, const char *witness,
		  const struct crm_audit_witness_report *wr,
		  const struct witness_findings *found)
{
	size_t i;

	if (report->first_bad_id == 0)
		printf("audit chain intact: %lld rows\n",
		       (long long)report->rows);
	else
		printf("audit chain broken at row %lld: %s\n",
		       (long long)report->first_bad_id,
		       report->reason[0] != '\0' ? report->reason :
		       "mac mismatch");
	if (witness == NULL)
		return;
	for (i = 0; i < found->missing.count; i++)
		printf("row %lld witnessed in %s but missing from the "
		       "database\n", (long long)found->missing.ids[i], witness);
	for (i = 0; i < found->differs.count; i++)
		printf("row %lld witnessed in %s differs from the database\n",
		       (long long)found->differs.ids[i], witness);
	printf("witness %s: %lld tags, %lld match, %lld pruned, %zu rows "
	       "missing, %zu differ\n", witness, (long long)wr->tags,
	       (long long)wr->matched, (long long)wr->pruned,
	       found->missing.count, found->differs.count);
}

static int
audit_verify(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "witness", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct crm_audit_report report;
	struct crm_audit_witness_report wr;
	struct witness_findings found;
	const char *witness = NULL;
	FILE *in = NULL;
	int c, rc, ret, intact;

	memset(&report, 0, sizeof(report));
	memset(&wr, 0, sizeof(wr));
	memset(&found, 0, sizeof(found));
	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts, "audit verify")) !=
	       -1) {
		switch (c) {
		case 'w':
			witness = optarg;
			break;
		case 'j':
			ca->json = 1;
			break;
		case 'h':
			return ca_help(audit_usage);
		default:
			return ca_usage(audit_usage);
		}
	}
	if (optind != argc)
		return ca_usage_error(audit_usage,
				      "audit verify: unexpected argument '%s'",
				      argv[optind]);
	/* Open the log first: a wrong path is a usage error, whatever the
	 * trail holds. */
	if (witness != NULL && (in = fopen(witness, "r")) == NULL) {
		ca_warn("audit verify: %s: %s", witness, strerror(errno));
		return CA_EXIT_ERROR;
	}
	if ((rc = ca_open(ca)) != CRM_OK) {
		ret = ca_exit_code(rc);
		goto out;
	}
	rc = crm_audit_verify(ca->ctx->store, ca->ctx->key, &report);
	if (rc != CRM_OK) {
		ret = ca_fail(ca, rc, "audit verify");
		goto out;
	}
	/* After the snapshot, and read row by row as the file is: a row
	 * logged while verify ran is then found, not reported missing. */
	if (in != NULL) {
		rc = crm_audit_witness_check(ca->ctx->store, ca->ctx->key, in,
					     note_finding, &found, &wr);
		if (rc == CRM_ESYS) {
			ca_warn("audit verify: %s: read error", witness);
			ret = CA_EXIT_ERROR;
			goto out;
		}
		if (rc != CRM_OK) {
			ret = ca_fail(ca, rc, "audit verify --witness");
			goto out;
		}
		id_list_sort_unique(&found.missing);
		id_list_sort_unique(&found.differs);
	}
	intact = report.first_bad_id == 0 && found.missing.count == 0 &&
		 found.differs.count == 0;
	ret = intact ? CA_EXIT_OK : CA_EXIT_REFUSED;
	if (!ca->json) {
		print_verify_text(&report, witness, &wr, &found);
		goto out;
	}
	rc = print_verify_json(&report, witness, &wr, &found, intact);
	if (rc != CRM_OK)
		ret = ca_fail(ca, rc, "audit verify");
out:
	if (in != NULL)
		fclose(in);
	free(found.missing.ids);
	free(found.differs.ids);
	return ret;
}

int
cmd_audit(struct crmauth *ca, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return audit_verify(ca, argc - 1, argv + 1);
	return audit_list(ca, argc, argv);
}
