/*
 * audit.c - building, chaining and verifying audit rows.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/encode.h"
#include "core/clock.h"

const char *
crm_audit_result(enum crm_verdict verdict)
{
	switch (verdict) {
	case CRM_ALLOW:		return "ok";
	case CRM_DENY:		return "deny";
	case CRM_IGNORE:	return "ignore";
	case CRM_FAIL:		return "error";
	case CRM_ASK:		return "ask";
	}
	return "error";
}

/*
 * What each mac covers starts with a label of its own (with its NUL), so
 * that a row, an anchor and a head can never stand in for one another.
 * "v2" rows carry their id; v1 rows (without it) no longer verify.
 */
static const char row_label[] = "pam-crm audit row v2";
static const char anchor_label[] = "pam-crm audit anchor v2";
static const char head_label[] = "pam-crm audit head v2";

/* Names of the authenticated values in the store's meta table. */
#define META_ANCHOR	"audit_anchor_mac"
#define META_HEAD	"audit_head"

/*
 * The bytes a row's mac covers: the id and the time as 8 bytes big-endian,
 * then each text field as a 4-byte big-endian length (all ones for NULL)
 * and its bytes.  Lengths make the encoding unambiguous: no shifting of
 * text between fields gives the same bytes.
 */
struct encoder {
	unsigned char *buf;
	size_t len, cap;
	int oom;
};

static void
put(struct encoder *e, const void *bytes, size_t len)
{
	if (e->oom)
		return;
	if (e->len + len > e->cap) {
		size_t cap = (e->len + len) * 2;
		unsigned char *buf = realloc(e->buf, cap);

		if (buf == NULL) {
			e->oom = 1;
			return;
		}
		e->buf = buf;
		e->cap = cap;
	}
	memcpy(e->buf + e->len, bytes, len);
	e->len += len;
}

static void
be64_put(unsigned char b[8], uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static void
put_u64(struct encoder *e, uint64_t v)
{
	unsigned char b[8];

	be64_put(b, v);
	put(e, b, sizeof(b));
}

static void
put_text(struct encoder *e, const char *text)
{
	uint32_t len = text != NULL ? (uint32_t)strlen(text) : UINT32_MAX;
	unsigned char b[4] = {
		(unsigned char)(len >> 24), (unsigned char)(len >> 16),
		(unsigned char)(len >> 8), (unsigned char)len
	};

	put(e, b, sizeof(b));
	if (text != NULL)
		put(e, text, len);
}

static int
row_mac(const struct crm_key *key, const unsigned char prev[CRM_MAC_LEN],
	const struct crm_audit_row *row, unsigned char out[CRM_MAC_LEN])
{
	struct encoder e = { 0 };
	struct crm_buf parts[3];
	int rc;

	put_u64(&e, (uint64_t)row->id);
	put_u64(&e, (uint64_t)row->time_ms);
	put_text(&e, row->service);
	put_text(&e, row->user);
	put_text(&e, row->ruser);
	put_text(&e, row->rhost);
	put_text(&e, row->tty);
	put_text(&e, row->module);
	put_text(&e, row->event);
	put_text(&e, row->result);
	put_text(&e, row->detail);
	if (e.oom) {
		rc = CRM_ENOMEM;
		goto out;
	}
	parts[0].ptr = row_label;
	parts[0].len = sizeof(row_label);
	parts[1].ptr = prev;
	parts[1].len = CRM_MAC_LEN;
	parts[2].ptr = e.buf;
	parts[2].len = e.len;
	rc = crm_hmac(key, CRM_KEY_AUDIT, parts, 3, out);
out:
	free(e.buf);
	return rc;
}

/* ---- the anchor: where the kept rows start ---- */

static int
anchor_tag(const struct crm_key *key, int64_t id,
	   const unsigned char mac[CRM_MAC_LEN],
	   unsigned char out[CRM_HMAC_LEN])
{
	unsigned char idb[8];
	struct crm_buf parts[3] = {
		{ anchor_label, sizeof(anchor_label) },
		{ idb, sizeof(idb) },
		{ mac, CRM_MAC_LEN },
	};

	be64_put(idb, (uint64_t)id);
	return crm_hmac(key, CRM_KEY_AUDIT, parts, 3, out);
}

static int
is_genesis(int64_t id, const unsigned char mac[CRM_MAC_LEN])
{
	static const unsigned char zero[CRM_MAC_LEN];

	return id == 0 && memcmp(mac, zero, CRM_MAC_LEN) == 0;
}

/*
 * The anchor and whether it is one that pruning wrote: the genesis anchor
 * of a new trail (id 0, all zero) needs no tag, any other needs the tag
 * that only the key makes.  Moving the anchor past removed oldest rows
 * therefore needs the key.
 */
static int
anchor_load(struct crm_store *store, const struct crm_key *key, int64_t *id,
	    unsigned char mac[CRM_MAC_LEN], int *authentic)
{
	unsigned char want[CRM_HMAC_LEN], got[CRM_HMAC_LEN];
	size_t got_len = 0;
	int rc;

	*authentic = 0;
	rc = crm_store_audit_anchor(store, id, mac);
	if (rc != CRM_OK)
		return rc;
	if (is_genesis(*id, mac)) {
		*authentic = 1;
		return CRM_OK;
	}
	rc = crm_store_meta_get(store, META_ANCHOR, got, sizeof(got),
				&got_len);
	/* Missing or too long: not authentic, a finding, not an error. */
	if (rc == CRM_NOTFOUND || rc == CRM_INVALID)
		return CRM_OK;
	if (rc != CRM_OK)
		return rc;
	rc = anchor_tag(key, *id, mac, want);
	if (rc == CRM_OK)
		*authentic = got_len == sizeof(got) &&
			     crm_equal(want, got, sizeof(got));
	return rc;
}

/* ---- the head: the newest row, as the last append left it ---- */

struct head {
	int64_t id;
	unsigned char mac[CRM_MAC_LEN];
	int64_t rows;
};

enum head_state { HEAD_NONE, HEAD_OK, HEAD_BAD };

/* Stored as id(8) || mac(32) || rows(8) || tag(32). */
#define HEAD_BODY_LEN	(8 + CRM_MAC_LEN + 8)
#define HEAD_LEN	(HEAD_BODY_LEN + CRM_HMAC_LEN)

static int
head_tag(const struct crm_key *key, const unsigned char body[HEAD_BODY_LEN],
	 unsigned char out[CRM_HMAC_LEN])
{
	struct crm_buf parts[2] = {
		{ head_label, sizeof(head_label) },
		{ body, HEAD_BODY_LEN },
	};

	return crm_hmac(key, CRM_KEY_AUDIT, parts, 2, out);
}

static int
head_load(struct crm_store *store, const struct crm_key *key,
	  struct head *head, enum head_state *state)
{
	unsigned char raw[HEAD_LEN], want[CRM_HMAC_LEN];
	size_t len = 0;
	int rc;

	memset(head, 0, sizeof(*head));
	*state = HEAD_NONE;
	rc = crm_store_meta_get(store, META_HEAD, raw, sizeof(raw), &len);
	if (rc == CRM_NOTFOUND)
		return CRM_OK;
	*state = HEAD_BAD;
	if (rc == CRM_INVALID || (rc == CRM_OK && len != HEAD_LEN))
		return CRM_OK;	/* the wrong size: a finding, not an error */
	if (rc != CRM_OK)
		return rc;
	rc = head_tag(key, raw, want);
	if (rc != CRM_OK)
		return rc;
	if (!crm_equal(want, raw + HEAD_BODY_LEN, CRM_HMAC_LEN))
		return CRM_OK;
	head->id = (int64_t)crm_be64_get(raw);
	memcpy(head->mac, raw + 8, CRM_MAC_LEN);
	head->rows = (int64_t)crm_be64_get(raw + 8 + CRM_MAC_LEN);
	*state = HEAD_OK;
	return CRM_OK;
}

static int
head_store(struct crm_store *store, const struct crm_key *key,
	   const struct head *head)
{
	unsigned char raw[HEAD_LEN];
	int rc;

	be64_put(raw, (uint64_t)head->id);
	memcpy(raw + 8, head->mac, CRM_MAC_LEN);
	be64_put(raw + 8 + CRM_MAC_LEN, (uint64_t)head->rows);
	rc = head_tag(key, raw, raw + HEAD_BODY_LEN);
	if (rc == CRM_OK)
		rc = crm_store_meta_set(store, META_HEAD, raw, sizeof(raw));
	return rc;
}

void
crm_audit_tag(const struct crm_audit_stamp *stamp, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char prefix[17];
	int i;

	if (len == 0)
		return;
	if (stamp == NULL || stamp->id <= 0) {
		buf[0] = '\0';
		return;
	}
	for (i = 0; i < 8; i++) {
		prefix[2 * i] = hex[stamp->mac[i] >> 4];
		prefix[2 * i + 1] = hex[stamp->mac[i] & 0xf];
	}
	prefix[16] = '\0';
	snprintf(buf, len, "audit=%lld:%s", (long long)stamp->id, prefix);
}

int
crm_audit_append(struct crm_store *store, const struct crm_key *key,
		 const struct crm_audit_event *ev, struct crm_audit_stamp *stamp)
{
	unsigned char prev[CRM_MAC_LEN];
	struct crm_audit_row row;
	const struct crm_request *req = ev->req;
	struct head head;
	enum head_state state;
	int64_t prev_id = 0;
	int empty = 0, track = 0, rc;

	rc = crm_store_audit_tail(store, &prev_id, prev);
	if (rc == CRM_NOTFOUND) {
		empty = 1;
		rc = crm_store_audit_anchor(store, &prev_id, prev);
	}
	if (rc != CRM_OK)
		return rc;
	if ((rc = head_load(store, key, &head, &state)) != CRM_OK)
		return rc;
	/*
	 * Carry the head on only from where it stands.  A head that is not
	 * the tail, is forged, or is missing from a trail that has had rows
	 * is the evidence of removed newest rows: rewriting it here, at the
	 * next login, would erase that evidence before anyone verifies.
	 */
	if (state == HEAD_OK && head.id == prev_id &&
	    crm_equal(head.mac, prev, CRM_MAC_LEN)) {
		track = 1;
	} else if (state == HEAD_NONE && empty && is_genesis(prev_id, prev)) {
		track = 1;
		head.rows = 0;
	}
	if (prev_id < 0 || prev_id == INT64_MAX)
		return CRM_EDB;

	memset(&row, 0, sizeof(row));
	/* No gaps: a missing id is a removed row. */
	row.id = prev_id + 1;
	row.time_ms = ev->time_ms != 0 ? ev->time_ms : crm_now_ms();
	row.service = req != NULL ? req->service : NULL;
	row.user = ev->user != NULL ? ev->user : (req != NULL ? req->user : NULL);
	row.ruser = req != NULL ? req->ruser : NULL;
	row.rhost = req != NULL ? req->rhost : NULL;
	row.tty = req != NULL ? req->tty : NULL;
	row.module = ev->module;
	row.event = ev->event;
	row.result = ev->result;
	row.detail = ev->detail != NULL && ev->detail[0] != '\0' ? ev->detail
								  : NULL;
	rc = row_mac(key, prev, &row, row.mac);
	if (rc != CRM_OK)
		return rc;
	rc = crm_store_audit_insert(store, &row);
	if (rc == CRM_OK && track) {
		head.id = row.id;
		memcpy(head.mac, row.mac, CRM_MAC_LEN);
		head.rows++;
		rc = head_store(store, key, &head);
	}
	if (rc == CRM_OK && stamp != NULL) {
		stamp->id = row.id;
		memcpy(stamp->mac, row.mac, CRM_MAC_LEN);
	}
	return rc;
}

struct verifier {
	const struct crm_key *key;
	unsigned char prev[CRM_MAC_LEN];
	int64_t prev_id;
	int64_t stop_after;		/* 0: every row */
	int stopped;
	struct crm_audit_report *report;
	int rc;
};

static int
verify_row(void *arg, const struct crm_audit_row *row)
{
	struct verifier *v = arg;
	unsigned char mac[CRM_MAC_LEN];

	if (v->stop_after > 0 && row->id > v->stop_after) {
		v->stopped = 1;
		return -1;
	}
	if (row->id <= v->prev_id) {
		v->report->first_bad_id = row->id;
		snprintf(v->report->reason, sizeof(v->report->reason),
			 "row id %lld out of order", (long long)row->id);
		return -1;
	}
	if (row->id != v->prev_id + 1) {
		v->report->first_bad_id = row->id;
		snprintf(v->report->reason, sizeof(v->report->reason),
			 "row %lld follows row %lld: the rows between them "
			 "were removed, or this row's id was changed",
			 (long long)row->id, (long long)v->prev_id);
		return -1;
	}
	v->rc = row_mac(v->key, v->prev, row, mac);
	if (v->rc != CRM_OK)
		return -1;
	if (!crm_equal(mac, row->mac, CRM_MAC_LEN)) {
		v->report->first_bad_id = row->id;
		snprintf(v->report->reason, sizeof(v->report->reason),
			 "row %lld does not match its mac: it was changed, or a "
			 "row before it (after row %lld) was removed",
			 (long long)row->id, (long long)v->prev_id);
		return -1;
	}
	memcpy(v->prev, mac, CRM_MAC_LEN);
	v->prev_id = row->id;
	v->report->rows++;
	return 0;
}

/* Walk the rows after the anchor in *v (up to v->stop_after). */
static int
verify_rows(struct crm_store *store, struct verifier *v)
{
	/* From the start, not from the anchor: a row at or before the
	 * anchor is itself a finding. */
	struct crm_audit_filter filter = { NULL, NULL, 0, 0 };
	int rc;

	v->rc = CRM_OK;
	rc = crm_store_audit_list(store, &filter, verify_row, v);
	if (v->report->first_bad_id != 0 || v->stopped)
		return CRM_OK;	/* the answer is "broken", not an error */
	return v->rc != CRM_OK ? v->rc : rc;
}

int
crm_audit_prune(struct crm_store *store, const struct crm_key *key,
		unsigned long keep_days, int64_t now_ms, int64_t *removed)
{
	struct crm_audit_report report;
	unsigned char new_mac[CRM_MAC_LEN], tag[CRM_HMAC_LEN];
	struct verifier v;
	struct head head;
	enum head_state state;
	int64_t new_id = 0, before_ms;
	int authentic = 0, rc;

	*removed = 0;
	if (keep_days == 0)
		return CRM_OK;
	before_ms = now_ms - (int64_t)keep_days * 86400 * 1000;
	rc = crm_store_audit_prune_point(store, before_ms, &new_id, new_mac);
	if (rc == CRM_NOTFOUND)
		return CRM_OK;
	if (rc != CRM_OK)
		return rc;

	/* Only rows that verify are removed, and only from an anchor that
	 * verifies: pruning vouches for the new anchor, so it must not turn
	 * a removed or changed old row into a clean start. */
	memset(&report, 0, sizeof(report));
	memset(&v, 0, sizeof(v));
	v.key = key;
	v.report = &report;
	v.stop_after = new_id;
	rc = anchor_load(store, key, &v.prev_id, v.prev, &authentic);
	if (rc != CRM_OK)
		return rc;
	if (!authentic)
		return CRM_ECRYPTO;
	if ((rc = verify_rows(store, &v)) != CRM_OK)
		return rc;
	if (report.first_bad_id != 0 || v.prev_id != new_id)
		return CRM_ECRYPTO;

	if ((rc = head_load(store, key, &head, &state)) != CRM_OK)
		return rc;
	rc = crm_store_audit_move_anchor(store, new_id, new_mac, removed);
	if (rc == CRM_OK)
		rc = anchor_tag(key, new_id, new_mac, tag);
	if (rc == CRM_OK)
		rc = crm_store_meta_set(store, META_ANCHOR, tag, sizeof(tag));
	/* The head counts the rows kept. */
	if (rc == CRM_OK && state == HEAD_OK && head.rows >= *removed) {
		head.rows -= *removed;
		rc = head_store(store, key, &head);
	}
	if (rc != CRM_OK)
		*removed = 0;
	return rc;
}

/* Compare the end of an intact chain (v) with the recorded head. */
static int
verify_head(struct crm_store *store, const struct crm_key *key,
	    const struct verifier *v, struct crm_audit_report *report)
{
	struct head head;
	enum head_state state;
	int rc;

	if ((rc = head_load(store, key, &head, &state)) != CRM_OK)
		return rc;
	switch (state) {
	case HEAD_BAD:
		report->first_bad_id = v->prev_id + 1;
		snprintf(report->reason, sizeof(report->reason),
			 "the recorded head does not match its mac: it was "
			 "replaced, and rows after row %lld may be missing",
			 (long long)v->prev_id);
		return CRM_OK;
	case HEAD_NONE:
		report->first_bad_id = v->prev_id + 1;
		if (is_genesis(v->prev_id, v->prev))
			snprintf(report->reason, sizeof(report->reason),
				 "the trail holds no row and no recorded head: "
				 "every row was removed with the head (crmauth "
				 "init writes a first row)");
		else
			snprintf(report->reason, sizeof(report->reason),
				 "no recorded head: it was removed, and rows "
				 "after row %lld may be missing",
				 (long long)v->prev_id);
		return CRM_OK;
	case HEAD_OK:
		break;
	}
	report->head_id = head.id;
	if (head.id > v->prev_id) {
		report->first_bad_id = v->prev_id + 1;
		report->missing_after = v->prev_id;
		snprintf(report->reason, sizeof(report->reason),
			 "rows after row %lld are missing: the newest rows "
			 "were removed (recorded head: row %lld)",
			 (long long)v->prev_id, (long long)head.id);
	} else if (head.id < v->prev_id) {
		report->first_bad_id = head.id + 1;
		snprintf(report->reason, sizeof(report->reason),
			 "rows after row %lld are not in the recorded head: "
			 "the head was put back, or newest rows were removed "
			 "before it stopped moving", (long long)head.id);
	} else if (!crm_equal(head.mac, v->prev, CRM_MAC_LEN)) {
		report->first_bad_id = head.id;
		report->missing_after = head.id - 1;
		snprintf(report->reason, sizeof(report->reason),
			 "row %lld is not the recorded head: the newest rows "
			 "were removed and others written in their place",
			 (long long)head.id);
	} else if (head.rows != report->rows) {
		report->first_bad_id = head.id;
		snprintf(report->reason, sizeof(report->reason),
			 "the recorded head counts %lld rows, the trail holds "
			 "%lld", (long long)head.rows, (long long)report->rows);
	}
	return CRM_OK;
}

int
crm_audit_verify(struct crm_store *store, const struct crm_key *key,
		 struct crm_audit_report *report)
{
	struct verifier v;
	int authentic = 0, rc;

	memset(report, 0, sizeof(*report));
	report->missing_after = -1;
	memset(&v, 0, sizeof(v));
	v.key = key;
	v.report = report;
	if ((rc = crm_store_begin(store, CRM_TXN_READ)) != CRM_OK)
		return rc;
	rc = anchor_load(store, key, &v.prev_id, v.prev, &authentic);
	if (rc != CRM_OK)
		goto out;
	if (!authentic) {
		report->first_bad_id = v.prev_id + 1;
		snprintf(report->reason, sizeof(report->reason),
			 "the anchor (row %lld) does not match its mac: the "
			 "oldest rows were removed and the anchor moved",
			 (long long)v.prev_id);
		goto out;
	}
	if ((rc = verify_rows(store, &v)) != CRM_OK ||
	    report->first_bad_id != 0)
		goto out;
	rc = verify_head(store, key, &v, report);
out:
	/* A read: nothing to keep. */
	crm_store_rollback(store);
	return rc;
}

/* ---- witness logs ---- */

static const char tag_word[] = "audit=";
#define TAG_WORD_LEN	(sizeof(tag_word) - 1)

/* Scan states past the word: in the id, in the mac prefix, complete. */
enum { SCAN_ID = TAG_WORD_LEN, SCAN_MAC, SCAN_END };

/* Not isalnum(): the locale must not change what a tag is. */
static int
is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}


void
crm_audit_witness_begin(struct crm_audit_scan *scan)
{
	memset(scan, 0, sizeof(*scan));
}

static int
scan_byte(struct crm_audit_scan *scan, unsigned char c, crm_audit_tag_cb cb,
	  void *arg)
{
	int rc = 0, h, d;

	switch (scan->state) {
	case SCAN_ID:
		d = c - '0';
		/* As crm_audit_tag writes ids: no sign, no leading zero,
		 * within int64_t. */
		if (c >= '0' && c <= '9' && (scan->digits > 0 || d > 0) &&
		    scan->id <= (INT64_MAX - d) / 10) {
			scan->id = scan->id * 10 + d;
			scan->digits++;
			goto next;
		}
		if (c == ':' && scan->digits > 0) {
			scan->state = SCAN_MAC;
			scan->digits = 0;
			goto next;
		}
		break;
	case SCAN_MAC:
		if ((h = crm_hex_digit(c)) < 0)
			break;
		if (scan->digits % 2 == 0)
			scan->prefix[scan->digits / 2] =
				(unsigned char)(h << 4);
		else
			scan->prefix[scan->digits / 2] |= (unsigned char)h;
		if (++scan->digits == 2 * CRM_AUDIT_PREFIX_LEN)
			scan->state = SCAN_END;
		goto next;
	case SCAN_END:
		/* A seventeenth hex digit or a letter: not a tag. */
		if (is_word(c))
			break;
		scan->state = 0;
		rc = cb(arg, scan->id, scan->prefix);
		break;
	default:
		if (c == (unsigned char)tag_word[scan->state] &&
		    (scan->state > 0 || !scan->after_word)) {
			if (++scan->state == SCAN_ID) {
				scan->id = 0;
				scan->digits = 0;
			}
			goto next;
		}
		break;
	}
	/* No tag goes on here; this byte may start the next one. */
	scan->state = 0;
	if (c == (unsigned char)tag_word[0] && !scan->after_word)
		scan->state = 1;
next:
	scan->after_word = is_word(c);
	return rc;
}

int
crm_audit_witness_parse(struct crm_audit_scan *scan, const void *buf,
			size_t len, crm_audit_tag_cb cb, void *arg)
{
	const unsigned char *p = buf;
	size_t i;
	int rc;

	for (i = 0; i < len; i++)
		if ((rc = scan_byte(scan, p[i], cb, arg)) != 0)
			return rc;
	return 0;
}

int
crm_audit_witness_end(struct crm_audit_scan *scan, crm_audit_tag_cb cb,
		      void *arg)
{
	struct crm_audit_scan last = *scan;

	crm_audit_witness_begin(scan);
	return last.state == SCAN_END ? cb(arg, last.id, last.prefix) : 0;
}

struct witness_check {
	struct crm_store *store;
	const struct crm_key *key;
	crm_audit_finding_cb cb;
	void *arg;
	struct crm_audit_witness_report *report;
	int rc;
};

static int
check_tag(void *arg, int64_t id,
	  const unsigned char prefix[CRM_AUDIT_PREFIX_LEN])
{
	struct witness_check *w = arg;
	unsigned char mac[CRM_MAC_LEN];
	enum crm_witness_finding what;
	int64_t anchor_id = 0;
	int authentic = 0, rc;

	w->report->tags++;
	rc = crm_store_audit_mac(w->store, id, mac);
	if (rc == CRM_OK) {
		if (crm_equal(mac, prefix, CRM_AUDIT_PREFIX_LEN)) {
			w->report->matched++;
			return 0;
		}
		w->report->differs++;
		what = CRM_WITNESS_DIFFERS;
	} else if (rc == CRM_NOTFOUND) {
		/* Read the anchor now, not once: pruning may have moved it
		 * since the file was opened. */
		rc = anchor_load(w->store, w->key, &anchor_id, mac, &authentic);
		if (rc != CRM_OK)
			goto fail;
		if (authentic && id <= anchor_id) {
			w->report->pruned++;
			return 0;
		}
		w->report->missing++;
		what = CRM_WITNESS_MISSING;
	} else {
		goto fail;
	}
	if (w->cb == NULL || (rc = w->cb(w->arg, what, id)) == CRM_OK)
		return 0;
fail:
	w->rc = rc;
	return -1;
}

int
crm_audit_witness_check(struct crm_store *store, const struct crm_key *key,
			FILE *in, crm_audit_finding_cb cb, void *arg,
			struct crm_audit_witness_report *report)
{
	struct witness_check w = { store, key, cb, arg, report, CRM_OK };
	struct crm_audit_scan scan;
	char buf[16384];
	size_t n;
	int rc = 0;

	memset(report, 0, sizeof(*report));
	crm_audit_witness_begin(&scan);
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		rc = crm_audit_witness_parse(&scan, buf, n, check_tag, &w);
	if (rc == 0 && ferror(in))
		return CRM_ESYS;
	if (rc == 0)
		rc = crm_audit_witness_end(&scan, check_tag, &w);
	if (rc != 0)
		return w.rc != CRM_OK ? w.rc : CRM_INVALID;
	return CRM_OK;
}
