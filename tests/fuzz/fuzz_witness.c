/*
 * fuzz_witness.c - libFuzzer target for the witness-log tag scanner, the
 * one parser in pam-crm that reads files an attacker may have written
 * (syslog, journal exports).
 *
 * Besides not crashing, the scan must find the same tags whatever the
 * chunking: the input is scanned whole, then split at a point taken from
 * its first byte, and both runs must report the same (id, prefix) list.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I lib -I . \
 *     -DCRM_SYSCONFDIR='"/etc"' -DCRM_LOCALSTATEDIR='"/var"' \
 *     tests/fuzz/fuzz_witness.c lib/core/\*.c lib/store/\*.c \
 *     $(pkg-config --cflags --libs sqlite3 libcrypto inih libcrypt)
 *
 * (context.c needs the two paths that configure passes on.)
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"

#define MAX_TAGS 4096

struct tags {
	size_t count;
	int64_t id[MAX_TAGS];
	unsigned char prefix[MAX_TAGS][CRM_AUDIT_PREFIX_LEN];
};

static int
collect(void *arg, int64_t id,
	const unsigned char prefix[CRM_AUDIT_PREFIX_LEN])
{
	struct tags *t = arg;

	if (id <= 0)
		abort();
	if (t->count == MAX_TAGS)
		return 1;	/* stop: both runs stop at the same tag */
	t->id[t->count] = id;
	memcpy(t->prefix[t->count], prefix, CRM_AUDIT_PREFIX_LEN);
	t->count++;
	return 0;
}

static void
scan(const uint8_t *data, size_t size, size_t split, struct tags *t)
{
	struct crm_audit_scan sc;

	t->count = 0;
	crm_audit_witness_begin(&sc);
	if (crm_audit_witness_parse(&sc, data, split, collect, t) != 0)
		return;
	if (crm_audit_witness_parse(&sc, data + split, size - split, collect,
				    t) != 0)
		return;
	crm_audit_witness_end(&sc, collect, t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tags whole, split;
	size_t at = size > 0 ? data[0] % (size + 1) : 0;

	scan(data, size, size, &whole);
	scan(data, size, at, &split);
	if (whole.count != split.count ||
	    memcmp(whole.id, split.id,
		   whole.count * sizeof(whole.id[0])) != 0 ||
	    memcmp(whole.prefix, split.prefix,
		   whole.count * CRM_AUDIT_PREFIX_LEN) != 0)
		abort();
	return 0;
}
