/*
 * encode.c - hex digits and base32 (encode.h).
 */
#include "autoconfig.h"

#include <stdint.h>

#include <openssl/crypto.h>

#include "core/crm.h"
#include "core/encode.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int
crm_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
base32_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int
crm_base32_encode(const unsigned char *in, size_t len, char *out,
		  size_t outlen)
{
	uint32_t acc = 0;
	unsigned int bits = 0;
	size_t i, n = 0;

	if (len > (SIZE_MAX - 1) / 8 || outlen < (len * 8 + 4) / 5 + 1)
		return CRM_INVALID;
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = alphabet[(acc >> bits) & 0x1f];
		}
		acc &= (1u << bits) - 1;
	}
	if (bits > 0)
		out[n++] = alphabet[(acc << (5 - bits)) & 0x1f];
	out[n] = '\0';
	OPENSSL_cleanse(&acc, sizeof(acc));
	return CRM_OK;
}

int
crm_base32_decode(const char *text, size_t len, unsigned int flags,
		  unsigned char *out, size_t cap, size_t *outlen)
{
	int lenient = (flags & CRM_BASE32_LENIENT) != 0, v, rc = CRM_INVALID;
	size_t i, chars = 0, pad = 0, n = 0;
	unsigned int bits = 0;
	uint32_t acc = 0;

	*outlen = 0;
	for (i = 0; i < len; i++) {
		if (text[i] == ' ' && lenient)
			continue;
		if (text[i] == '=') {
			pad++;
			continue;
		}
		/* Padding ends the text. */
		if (pad > 0 || (v = base32_value((unsigned char)text[i])) < 0)
			goto out;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		chars++;
		if (bits >= 8) {
			if (n == cap)
				goto out;
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* 1, 3 and 6 characters leave 5, 7 or 6 bits: no whole byte, and
	 * no encoder writes them. */
	switch (chars % 8) {
	case 1: case 3: case 6:
		goto out;
	}
	if (!lenient && (chars == 0 || pad >= 8 ||
			 (pad > 0 && (chars + pad) % 8 != 0) || acc != 0))
		goto out;
	*outlen = n;
	rc = CRM_OK;
out:
	OPENSSL_cleanse(&acc, sizeof(acc));
	return rc;
}

uint64_t
crm_be64_get(const unsigned char b[8])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}
