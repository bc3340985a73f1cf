/*
 * qr.c - a QR code drawn with half blocks.
 *
 * One text line holds two module rows: the upper half of each character
 * is the row above, the lower half the row below.  A character shows
 * "ink" (the foreground colour) where a module is drawn: light modules
 * in CRM_QR_PLAIN, whose background is the terminal's own dark one, dark
 * modules in CRM_QR_ANSI, whose background we set to white.
 *
 * The modules spell the text, a TOTP secret: QRcode's data is cleansed
 * before QRcode_free; the drawing is the caller's to cleanse.  What
 * libqrencode keeps internally while encoding (its input list and bit
 * stream) it frees itself, uncleansed; the public API offers no way to
 * reach those buffers.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <qrencode.h>

#include "core/qr.h"

#define ANSI_START	"\033[30;47m"
#define ANSI_END	"\033[0m"

/* UTF-8 of the four characters, indexed by upper | lower << 1. */
static const char *const half_blocks[4] = {
	" ",		/* neither half */
	"\xe2\x96\x80",	/* U+2580 UPPER HALF BLOCK */
	"\xe2\x96\x84",	/* U+2584 LOWER HALF BLOCK */
	"\xe2\x96\x88",	/* U+2588 FULL BLOCK */
};
#define HALF_BLOCK_BYTES	3

/* Whether the module at (x, y) of the drawing, quiet zone included, is
 * drawn in the foreground colour.  Past the last row nothing is drawn:
 * the terminal's background in PLAIN, our white one in ANSI, both of
 * which extend the quiet zone. */
static int
ink(const QRcode *code, int size, int x, int y, enum crm_qr_style style)
{
	int dark = 0;

	if (y >= size)
		return 0;
	x -= CRM_QR_QUIET_ZONE;
	y -= CRM_QR_QUIET_ZONE;
	if (x >= 0 && y >= 0 && x < code->width && y < code->width)
		dark = code->data[y * code->width + x] & 1;
	return style == CRM_QR_ANSI ? dark : !dark;
}

static void
append(char **p, const char *text, size_t n)
{
	memcpy(*p, text, n);
	*p += n;
}

int
crm_qr_text(const char *text, enum crm_qr_style style, char **out)
{
	QRcode *code = NULL;
	char *drawing, *p;
	size_t line_max, lines;
	int size, x, y, cell, rc = CRM_INVALID;

	if (out == NULL)
		return CRM_INVALID;
	*out = NULL;
	if (text == NULL || text[0] == '\0' ||
	    (style != CRM_QR_PLAIN && style != CRM_QR_ANSI))
		goto out;

	errno = 0;
	code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (code == NULL) {
		/* ERANGE: too long; EINVAL: nothing we could pass better. */
		rc = errno == ENOMEM ? CRM_ENOMEM : CRM_INVALID;
		goto out;
	}

	/* At most 177 modules (version 40) and a quiet zone: a few tens of
	 * kilobytes, so none of these products can overflow. */
	size = code->width + 2 * CRM_QR_QUIET_ZONE;
	lines = ((size_t)size + 1) / 2;
	line_max = (size_t)size * HALF_BLOCK_BYTES + 1;
	if (style == CRM_QR_ANSI)
		line_max += sizeof(ANSI_START) - 1 + sizeof(ANSI_END) - 1;
	drawing = malloc(lines * line_max + 1);
	if (drawing == NULL) {
		rc = CRM_ENOMEM;
		goto out;
	}

	p = drawing;
	for (y = 0; y < size; y += 2) {
		if (style == CRM_QR_ANSI)
			append(&p, ANSI_START, sizeof(ANSI_START) - 1);
		for (x = 0; x < size; x++) {
			cell = ink(code, size, x, y, style) |
			       ink(code, size, x, y + 1, style) << 1;
			append(&p, half_blocks[cell],
			       strlen(half_blocks[cell]));
		}
		if (style == CRM_QR_ANSI)
			append(&p, ANSI_END, sizeof(ANSI_END) - 1);
		append(&p, "\n", 1);
	}
	*p = '\0';
	*out = drawing;
	rc = CRM_OK;
out:
	if (code != NULL) {
		OPENSSL_cleanse(code->data,
				(size_t)code->width * (size_t)code->width);
		QRcode_free(code);
	}
	return rc;
}
