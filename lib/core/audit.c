/*
 * audit.c - building, chaining and verifying audit rows.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/clock.h"

const char *
crm_audit_result(enum crm_verdict verdict)
{
	switch (verdict) {
	case CRM_ALLOW:		return "ok";
	case CRM_DENY:		return "deny";
	case CRM_IGNORE:	return "ignore";
	case CRM_FAIL:		return "error";
	}
	return "error";
}

/*
 * The bytes a row's mac covers: the time as 8 bytes big-endian, then each
 * text field as a 4-byte big-endian length (all ones for NULL) and its
 * bytes.  Lengths make the encoding unambiguous: no shifting of text
 * between fields gives the same bytes.
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
put_u64(struct encoder *e, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
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
	struct crm_buf parts[2];
	int rc;

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
		free(e.buf);
		return CRM_ENOMEM;
	}
	parts[0].ptr = prev;
	parts[0].len = CRM_MAC_LEN;
	parts[1].ptr = e.buf;
	parts[1].len = e.len;
	rc = crm_hmac(key, CRM_KEY_AUDIT, parts, 2, out);
	free(e.buf);
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
	int64_t prev_id;
	int rc;

	rc = crm_store_audit_tail(store, &prev_id, prev);
	if (rc == CRM_NOTFOUND)
		rc = crm_store_audit_anchor(store, &prev_id, prev);
	if (rc != CRM_OK)
		return rc;

	memset(&row, 0, sizeof(row));
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
	if (rc == CRM_OK && stamp != NULL) {
		stamp->id = row.id;
		memcpy(stamp->mac, row.mac, CRM_MAC_LEN);
	}
	return rc;
}

int
crm_audit_prune(struct crm_store *store, unsigned long keep_days,
		int64_t now_ms, int64_t *removed)
{
	*removed = 0;
	if (keep_days == 0)
		return CRM_OK;
	return crm_store_audit_prune(store,
				     now_ms - (int64_t)keep_days * 86400 * 1000,
				     removed);
}

struct verifier {
	const struct crm_key *key;
	unsigned char prev[CRM_MAC_LEN];
	int64_t prev_id;
	struct crm_audit_report *report;
	int rc;
};

static int
verify_row(void *arg, const struct crm_audit_row *row)
{
	struct verifier *v = arg;
	unsigned char mac[CRM_MAC_LEN];

	if (row->id <= v->prev_id) {
		v->report->first_bad_id = row->id;
		snprintf(v->report->reason, sizeof(v->report->reason),
			 "row id %lld out of order", (long long)row->id);
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

int
crm_audit_verify(struct crm_store *store, const struct crm_key *key,
		 struct crm_audit_report *report)
{
	struct verifier v;
	int rc;

	memset(report, 0, sizeof(*report));
	memset(&v, 0, sizeof(v));
	v.key = key;
	v.report = report;
	v.rc = CRM_OK;
	rc = crm_store_audit_anchor(store, &v.prev_id, v.prev);
	if (rc != CRM_OK)
		return rc;
	rc = crm_store_audit_list(store, NULL, verify_row, &v);
	if (report->first_bad_id != 0)
		return CRM_OK;	/* the answer is "broken", not an error */
	if (v.rc != CRM_OK)
		return v.rc;
	return rc;
}
