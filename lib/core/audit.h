/*
 * audit.h - the append-only, HMAC-chained audit trail.
 *
 * mac(n) = HMAC-SHA256(audit subkey, "row v2" || mac(n-1) || encode(row n)),
 * where encode gives the id, the time and every field with its length so
 * that no two rows encode alike, and mac(0) is the anchor.  Ids run
 * without gaps from the anchor's id + 1.  Two more values, kept in the
 * store's meta table and authenticated under the same subkey, close what
 * the chain alone leaves open: the anchor's mac (pruning is provable, a
 * moved anchor is not) and the head, the newest row's id and mac and the
 * row count, rewritten by every append (removed newest rows are found).
 * What only a copy outside the database can show (the whole file rolled
 * back) is checked against a witness log of the rows' tags.
 *
 * crm_audit_append and crm_audit_prune must run inside the caller's write
 * transaction: the tail they chain to cannot move under them.
 */
#ifndef CRM_AUDIT_H
#define CRM_AUDIT_H

#include <stdint.h>
#include <stdio.h>

#include "core/crm.h"
#include "core/crypto.h"
#include "store/store.h"

struct crm_audit_event {
	int64_t time_ms;		/* 0: now */
	const struct crm_request *req;	/* may be NULL (admin changes) */
	const char *user;		/* overrides req->user when set */
	const char *module;		/* "pam_crm_lockout", "crmauth", ... */
	const char *event;		/* "auth_ok", "locked", "admin:user add" */
	const char *result;		/* "ok", "deny", "error" */
	const char *detail;		/* never a secret */
};

/* What identifies a written row outside the database: its id and mac.
 * Their tag goes into the row's authpriv line, so that a log kept
 * elsewhere witnesses rows that are later removed (audit verify
 * --witness). */
struct crm_audit_stamp {
	int64_t id;			/* 0: no row written */
	unsigned char mac[CRM_MAC_LEN];
};

/* "audit=<id>:<first 8 bytes of the mac in hex>" */
#define CRM_AUDIT_TAG_MAX CRM_AUDIT_TAG_LEN
void crm_audit_tag(const struct crm_audit_stamp *stamp, char *buf,
		   size_t len);

/* *stamp, when not NULL, receives the new row's id and mac. */
int crm_audit_append(struct crm_store *store, const struct crm_key *key,
		     const struct crm_audit_event *event,
		     struct crm_audit_stamp *stamp);

/* Remove rows older than keep_days (0: keep all), moving the anchor so
 * that the rest still verifies.  Inside the caller's write transaction.
 * CRM_ECRYPTO, removing nothing, when the anchor or the rows to remove do
 * not verify: pruning must not launder evidence of tampering. */
int crm_audit_prune(struct crm_store *store, const struct crm_key *key,
		    unsigned long keep_days, int64_t now_ms, int64_t *removed);

/* The result word for an outcome's verdict. */
const char *crm_audit_result(enum crm_verdict verdict);

struct crm_audit_report {
	int64_t rows;			/* rows checked */
	int64_t first_bad_id;		/* 0 when nothing was found */
	int64_t missing_after;		/* -1, or: rows after it are missing */
	int64_t head_id;		/* the recorded head, 0 when none */
	char reason[CRM_DETAIL_MAX];	/* the first finding */
};

/*
 * CRM_OK with first_bad_id == 0: the anchor is authentic, every row is
 * intact and in order, and the newest row is the recorded head.  Opens
 * its own read transaction (call it outside one), so that rows, anchor and
 * head are read as one snapshot.
 */
int crm_audit_verify(struct crm_store *store, const struct crm_key *key,
		     struct crm_audit_report *report);

/* ---- witness logs ---- */

#define CRM_AUDIT_PREFIX_LEN 8		/* mac bytes a tag carries */

/*
 * Finding tags ("audit=<id>:<16 hex>", as crm_audit_tag writes them) in
 * text of any kind: syslog files, journalctl exports, binary junk.  The
 * scan keeps a few bytes of state between chunks, so that a file is read
 * in pieces of any size, lines of any length cost no memory, and a tag
 * split across two chunks is still found.  A tag must not touch a
 * letter, digit or '_' on either side.  cb returns 0 to go on; any other
 * value stops the scan and is returned.
 */
struct crm_audit_scan {
	int state;
	int after_word;			/* the byte before was [A-Za-z0-9_] */
	int digits;
	int64_t id;
	unsigned char prefix[CRM_AUDIT_PREFIX_LEN];
};
typedef int (*crm_audit_tag_cb)(void *arg, int64_t id,
		const unsigned char prefix[CRM_AUDIT_PREFIX_LEN]);
void crm_audit_witness_begin(struct crm_audit_scan *scan);
int crm_audit_witness_parse(struct crm_audit_scan *scan, const void *buf,
			    size_t len, crm_audit_tag_cb cb, void *arg);
/* The end of the text: a tag that ends it is reported now. */
int crm_audit_witness_end(struct crm_audit_scan *scan, crm_audit_tag_cb cb,
			  void *arg);

enum crm_witness_finding {
	CRM_WITNESS_MISSING,		/* witnessed, not in the database */
	CRM_WITNESS_DIFFERS,		/* in both, with another mac */
};
typedef int (*crm_audit_finding_cb)(void *arg, enum crm_witness_finding what,
				    int64_t id);
struct crm_audit_witness_report {
	int64_t tags;			/* tags read */
	int64_t matched;		/* rows present with that mac prefix */
	int64_t pruned;			/* at or before the authentic anchor */
	int64_t missing, differs;	/* findings (duplicates counted) */
};

/*
 * Check every tag in in against the database: the row must exist and its
 * mac start with the tag's prefix, unless pruning (an anchor that
 * verifies) has removed it.  Each lookup is its own read, later than the
 * log line it checks, so rows written while the file is read are found.
 */
int crm_audit_witness_check(struct crm_store *store,
			    const struct crm_key *key, FILE *in,
			    crm_audit_finding_cb cb, void *arg,
			    struct crm_audit_witness_report *report);

#endif
