/*
 * encode.h - hex digits and RFC 4648 base32, for secrets.
 *
 * Our own codec rather than liboath's oath_base32_*: those copy the text
 * (a TOTP seed) into buffers they free without clearing.  Nothing here
 * allocates; the caller's buffers are the only copies.
 */
#ifndef CRM_ENCODE_H
#define CRM_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* The value of a hex digit (either case), or -1. */
int crm_hex_digit(int c);

/* The 8 bytes at b as a big-endian number. */
uint64_t crm_be64_get(const unsigned char b[8]);

/* The base32 of len bytes into out (NUL-terminated, upper case, no
 * padding); CRM_INVALID when it does not fit outlen. */
int crm_base32_encode(const unsigned char *in, size_t len, char *out,
		      size_t outlen);

/*
 * Decode len characters of base32, either case.  Strict (flags 0, what
 * an otpauth URI holds): no blanks; '=' padding optional, but when
 * present it completes the text to a multiple of 8; the bits past the
 * last whole byte are zero, so that a secret has one text.  LENIENT (a
 * google-authenticator file, as its own reader takes it): blanks
 * anywhere, any '=' at the end, bits past the last byte ignored.  In
 * both, a length no encoder writes (1, 3 or 6 characters past a group
 * of 8) is refused.  CRM_OK with *outlen bytes in out (cap of room), or
 * CRM_INVALID; out may hold part of a secret then: cleanse it.
 */
#define CRM_BASE32_LENIENT 0x1
int crm_base32_decode(const char *text, size_t len, unsigned int flags,
		      unsigned char *out, size_t cap, size_t *outlen);

#endif
