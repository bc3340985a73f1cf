/*
 * breached.c - search of a mapped, sorted list of SHA-1 hashes (see
 * breached.h).
 *
 * The search keeps [lo, hi) as byte offsets of line starts whose hashes
 * bound the one sought: a probe backs up to the start of its line, reads
 * that line's hash and narrows the range.  SHA-1 hashes are spread
 * evenly, so the probe goes where the hash sought should lie between the
 * bounds' hashes (interpolation): a few lines whatever the size of the
 * list, where halving takes log2(lines).  A probe that does not at least
 * halve the range makes the next one a halving, so that a list that is
 * not evenly spread (an administrator's own, a crafted one) still costs
 * no more than about twice the bisection.  Each line is checked as it is
 * read, so that a damaged list is noticed where the search meets it.
 */
#include "autoconfig.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/breached.h"
#include "core/encode.h"

#define HEX_LEN		(2 * CRM_SHA1_LEN)
/* ":" and a count: the published lists stay below ten digits. */
#define COUNT_DIGITS_MAX 19

struct crm_breached {
	const char *map;	/* NULL for an empty file */
	size_t size;
};

int
crm_breached_open(const char *path, struct crm_breached **out, char *err,
		  size_t errlen)
{
	struct crm_breached *list;
	struct stat st;
	void *map = NULL;
	int fd;

	*out = NULL;
	/* O_NONBLOCK: a FIFO put in the list's place must not hang a
	 * password change; fstat then refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "breached list %s: %s", path,
			 strerror(errno));
		return CRM_ESYS;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "breached list %s: not a regular file",
			 path);
		close(fd);
		return CRM_INVALID;
	}
	if (st.st_size > 0) {
		if ((unsigned long long)st.st_size > SIZE_MAX) {
			snprintf(err, errlen, "breached list %s: too large",
				 path);
			close(fd);
			return CRM_INVALID;
		}
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED,
			   fd, 0);
		if (map == MAP_FAILED) {
			snprintf(err, errlen, "breached list %s: mmap: %s",
				 path, strerror(errno));
			close(fd);
			return CRM_ESYS;
		}
		/* Bisection reads pages far apart: no read-ahead. */
		(void)madvise(map, (size_t)st.st_size, MADV_RANDOM);
	}
	close(fd);
	list = calloc(1, sizeof(*list));
	if (list == NULL) {
		if (map != NULL)
			munmap(map, (size_t)st.st_size);
		snprintf(err, errlen, "out of memory");
		return CRM_ENOMEM;
	}
	list->map = map;
	list->size = (size_t)st.st_size;
	*out = list;
	return CRM_OK;
}

void
crm_breached_close(struct crm_breached *list)
{
	if (list == NULL)
		return;
	if (list->map != NULL)
		munmap((void *)(uintptr_t)list->map, list->size);
	free(list);
}

/*
 * The line that starts at off: its hash into sha1, its count, and where
 * the next line starts.  CRM_INVALID when it is not "HEX[:COUNT]" ending
 * in LF, CRLF or the end of the file.
 */
static int
read_line(const struct crm_breached *list, size_t off,
	  unsigned char sha1[CRM_SHA1_LEN], unsigned long *count,
	  size_t *next)
{
	const char *p = list->map + off, *end = list->map + list->size;
	unsigned long n = 0;
	int hi, lo, digits = 0;
	size_t i;

	if ((size_t)(end - p) < HEX_LEN)
		return CRM_INVALID;
	for (i = 0; i < CRM_SHA1_LEN; i++) {
		hi = crm_hex_digit(p[2 * i]);
		lo = crm_hex_digit(p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return CRM_INVALID;
		sha1[i] = (unsigned char)(hi << 4 | lo);
	}
	p += HEX_LEN;
	if (p < end && *p == ':') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
			if (++digits > COUNT_DIGITS_MAX)
				return CRM_INVALID;
			n = n * 10 + (unsigned long)(*p - '0');
		}
		if (digits == 0)
			return CRM_INVALID;
	}
	if (p < end && *p == '\r')
		p++;
	if (p < end) {
		if (*p != '\n')
			return CRM_INVALID;
		p++;
	}
	*count = n;
	*next = (size_t)(p - list->map);
	return CRM_OK;
}

/* The start of the line that holds byte off. */
static size_t
line_start(const struct crm_breached *list, size_t off)
{
	while (off > 0 && list->map[off - 1] != '\n')
		off--;
	return off;
}

/* Where in [lo, hi) the key should be, between the bounds' keys. */
static size_t
interpolate(size_t lo, size_t hi, uint64_t lo_key, uint64_t hi_key,
	    uint64_t key)
{
	unsigned __int128 span = hi - lo;

	if (key <= lo_key || hi_key <= lo_key)
		return lo;
	if (key >= hi_key)
		return hi - 1;
	return lo + (size_t)(span * (key - lo_key) / (hi_key - lo_key));
}

int
crm_breached_lookup(const struct crm_breached *list,
		    const unsigned char sha1[CRM_SHA1_LEN], int *found,
		    unsigned long *count)
{
	unsigned char line[CRM_SHA1_LEN];
	uint64_t key = crm_be64_get(sha1), lo_key = 0, hi_key = UINT64_MAX;
	size_t lo = 0, hi, mid, start, next, before;
	unsigned long n;
	int cmp, rc, halve = 0;

	*found = 0;
	*count = 0;
	if (list->map == NULL)
		return CRM_OK;
	/* A last line without LF is a line; a final LF is no empty one. */
	hi = list->size;
	/* Invariant: every line starting before lo sorts below sha1, every
	 * line starting at or after hi above it. */
	while (lo < hi) {
		before = hi - lo;
		mid = halve ? lo + (hi - lo) / 2
			    : interpolate(lo, hi, lo_key, hi_key, key);
		start = line_start(list, mid);
		if (start < lo)
			start = lo;	/* lo is a line start */
		rc = read_line(list, start, line, &n, &next);
		if (rc != CRM_OK)
			return rc;
		cmp = memcmp(line, sha1, CRM_SHA1_LEN);
		if (cmp == 0) {
			*found = 1;
			*count = n;
			return CRM_OK;
		}
		if (cmp < 0) {
			lo = next;
			lo_key = crm_be64_get(line);
		} else {
			if (start >= hi)
				return CRM_INVALID;	/* cannot happen */
			hi = start;
			hi_key = crm_be64_get(line);
		}
		halve = lo < hi && hi - lo > before / 2;
	}
	return CRM_OK;
}

int
crm_breached_password(const struct crm_breached *list, const char *password,
		      int *found, unsigned long *count)
{
	unsigned char sha1[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	int rc = CRM_ECRYPTO;

	if (EVP_Digest(password, strlen(password), sha1, &len, EVP_sha1(),
		       NULL) == 1 && len == CRM_SHA1_LEN)
		rc = crm_breached_lookup(list, sha1, found, count);
	OPENSSL_cleanse(sha1, sizeof(sha1));
	return rc;
}
