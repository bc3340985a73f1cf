/*
 * qr.h - text (an otpauth:// URI) drawn as a QR code for a terminal, so
 * that enrolment can show it on the console it runs in.
 *
 * libqrencode does the encoding (level M, 8-bit, case-sensitive); this
 * unit only draws its modules with half blocks, two module rows per text
 * line, inside a quiet zone of CRM_QR_QUIET_ZONE modules.
 */
#ifndef CRM_QR_H
#define CRM_QR_H

#include "core/crm.h"

/*
 * The quiet zone around the code, in modules.  ISO/IEC 18004 asks for 4;
 * phone readers manage with 2, and a 512-byte URI (version 18, 89
 * modules) is 93 columns wide with 2 and 97 with 4: neither fits 80, and
 * 2 keeps every size smaller.
 */
#define CRM_QR_QUIET_ZONE	2

enum crm_qr_style {
	/* Light modules (the quiet zone too) as blocks, dark ones as
	 * spaces: reads on a dark terminal background. */
	CRM_QR_PLAIN,
	/* Every line inside "\033[30;47m" ... "\033[0m", dark modules as
	 * black blocks on an explicit white background: reads on dark and
	 * light terminals alike. */
	CRM_QR_ANSI,
};

/*
 * Draw text as a QR code into *out: a malloc'd, NUL-terminated UTF-8
 * string of (width + 2 * CRM_QR_QUIET_ZONE + 1) / 2 lines, each ended by
 * '\n' and each width + 2 * CRM_QR_QUIET_ZONE characters wide, made of
 * U+2580, U+2584, U+2588 and spaces.  A last line of an odd module count
 * has an empty lower half.
 *
 * The drawing encodes the text, which is usually a secret: the caller
 * cleanses it (explicit_bzero(*out, strlen(*out))) before free().
 *
 * CRM_OK; CRM_INVALID when text is NULL, empty or too long for any QR
 * code (about 2300 bytes at level M), or style is unknown; CRM_ENOMEM.
 * *out is NULL unless CRM_OK.
 */
int crm_qr_text(const char *text, enum crm_qr_style style, char **out);

#endif
