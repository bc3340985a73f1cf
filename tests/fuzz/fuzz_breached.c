/*
 * fuzz_breached.c - the breached-password list reader (lib/core/breached.c)
 * on any file content, checked against a linear reading of the same file:
 * whenever every line is well formed and the hashes strictly ascend, the
 * search (interpolation, and halving where that does not narrow) must
 * find exactly the hashes the file holds, with their counts, and no
 * other.  On any other file it must only not crash.
 */
#define _GNU_SOURCE
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/breached.h"
#include "core/encode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
remove_file(void)
{
	unlink(path);
}

#define MAX_LINES 256

/* A strict linear reading: the hashes and counts of a well-formed,
 * strictly ascending file; -1 for any other. */
static int
linear(const uint8_t *d, size_t size, unsigned char (*h)[CRM_SHA1_LEN],
       unsigned long *counts)
{
	size_t off = 0, i;
	int n = 0;

	while (off < size) {
		unsigned long c = 0;
		int digits = 0;

		if (n == MAX_LINES || size - off < 40)
			return -1;
		for (i = 0; i < CRM_SHA1_LEN; i++) {
			int a = crm_hex_digit(d[off + 2 * i]), b = crm_hex_digit(d[off + 2 * i + 1]);

			if (a < 0 || b < 0)
				return -1;
			h[n][i] = (unsigned char)(a << 4 | b);
		}
		off += 40;
		if (off < size && d[off] == ':') {
			for (off++; off < size && d[off] >= '0' && d[off] <= '9';
			     off++) {
				if (++digits > 19)
					return -1;
				c = c * 10 + (unsigned long)(d[off] - '0');
			}
			if (digits == 0)
				return -1;
		}
		if (off < size && d[off] == '\r')
			off++;
		if (off < size) {
			if (d[off] != '\n')
				return -1;
			off++;
		}
		if (n > 0 && memcmp(h[n - 1], h[n], CRM_SHA1_LEN) >= 0)
			return -1;
		counts[n++] = c;
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char hashes[MAX_LINES][CRM_SHA1_LEN];
	static unsigned long counts[MAX_LINES];
	struct crm_breached *list = NULL;
	unsigned char probe[CRM_SHA1_LEN];
	char err[256];
	unsigned long count;
	int fd, n, i, found, rc;

	/* A real file: the reader refuses to follow links, and
	 * /proc/self/fd/N is one. */
	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/fuzz_breached.XXXXXX");
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_file);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	if (crm_breached_open(path, &list, err, sizeof(err)) != 0)
		abort();
	n = linear(data, size, hashes, counts);
	for (i = 0; i < (n > 0 ? n : 0); i++) {
		rc = crm_breached_lookup(list, hashes[i], &found, &count);
		if (rc != 0 || !found || count != counts[i])
			abort();
		/* One above each hash: in the list only if it is the next. */
		memcpy(probe, hashes[i], sizeof(probe));
		probe[CRM_SHA1_LEN - 1] ^= 1;
		rc = crm_breached_lookup(list, probe, &found, &count);
		if (rc != 0)
			abort();
		/* probe is hashes[i] plus or minus one: if the list holds
		 * it, it is a neighbour. */
		if (found != ((i + 1 < n &&
			       memcmp(hashes[i + 1], probe, CRM_SHA1_LEN) == 0) ||
			      (i > 0 &&
			       memcmp(hashes[i - 1], probe, CRM_SHA1_LEN) == 0)))
			abort();
	}
	/* Any file: a lookup of the input's first bytes must return. */
	memset(probe, 0, sizeof(probe));
	memcpy(probe, data, size < sizeof(probe) ? size : sizeof(probe));
	(void)crm_breached_lookup(list, probe, &found, &count);
	(void)crm_breached_password(list, "password", &found, &count);
	crm_breached_close(list);
	return 0;
}
