/*
 * test_qr.c - the enrolment QR code as a terminal shows it: every module
 * libqrencode computed is where a phone expects it, inside a light quiet
 * zone, in both styles, on lines of one width.
 *
 * The drawing is read back into modules and compared with what
 * QRcode_encodeString gives for the same text (the parameters qr.h
 * documents), so the test checks the drawing, not the encoder.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <qrencode.h>

#include "core/otpauth.h"
#include "core/qr.h"

#define ANSI_START	"\033[30;47m"
#define ANSI_END	"\033[0m"
#define QUIET		CRM_QR_QUIET_ZONE

/* Up to version 40 (177 modules) and its quiet zone. */
#define SIZE_MAX_MODULES	(177 + 2 * QUIET)

struct drawing {
	int size;	/* modules per side, quiet zone included */
	/* 1 where the drawing shows a dark module */
	unsigned char dark[SIZE_MAX_MODULES + 1][SIZE_MAX_MODULES];
};

/* Upper and lower half of a character: 1 where it has ink; -1 for a
 * character that is none of the four. */
static int
read_cell(const char **p, int *upper, int *lower)
{
	static const struct {
		const char *utf8;
		int upper, lower;
	} cells[] = {
		{ " ", 0, 0 },
		{ "\xe2\x96\x80", 1, 0 },
		{ "\xe2\x96\x84", 0, 1 },
		{ "\xe2\x96\x88", 1, 1 },
	};
	size_t i, n;

	for (i = 0; i < CRM_ARRAY_SIZE(cells); i++) {
		n = strlen(cells[i].utf8);
		if (strncmp(*p, cells[i].utf8, n) == 0) {
			*p += n;
			*upper = cells[i].upper;
			*lower = cells[i].lower;
			return 0;
		}
	}
	return -1;
}

/*
 * Read text drawn in style back into modules.  Fails the test unless
 * every line has the same number of characters (the width a terminal
 * shows), is framed as the style says, and ends with '\n'.
 */
static void
read_drawing(const char *text, enum crm_qr_style style, struct drawing *d,
	     int *lines)
{
	const char *p = text;
	int width = -1, x, y = 0, upper = 0, lower = 0, ink;

	memset(d, 0, sizeof(*d));
	*lines = 0;
	while (*p != '\0') {
		if (style == CRM_QR_ANSI) {
			assert_memory_equal(p, ANSI_START,
					    strlen(ANSI_START));
			p += strlen(ANSI_START);
		}
		for (x = 0; *p != '\n' && *p != '\033' && *p != '\0'; x++) {
			assert_true(x < SIZE_MAX_MODULES);
			assert_int_equal(read_cell(&p, &upper, &lower), 0);
			/* PLAIN draws light modules, ANSI dark ones. */
			ink = style == CRM_QR_ANSI;
			d->dark[y][x] = upper == ink;
			d->dark[y + 1][x] = lower == ink;
		}
		if (style == CRM_QR_ANSI) {
			assert_memory_equal(p, ANSI_END, strlen(ANSI_END));
			p += strlen(ANSI_END);
		}
		assert_int_equal(*p, '\n');
		p++;
		if (width < 0)
			width = x;
		assert_int_equal(x, width);
		y += 2;
		(*lines)++;
		assert_true(y <= SIZE_MAX_MODULES + 1);
	}
	d->size = width;
}

/* The drawing of text in style holds exactly QRcode's modules. */
static void
assert_draws(const char *text, enum crm_qr_style style)
{
	struct drawing *d;
	QRcode *code;
	char *out = (char *)1;
	int lines, x, y, want;

	d = malloc(sizeof(*d));
	assert_non_null(d);
	assert_int_equal(crm_qr_text(text, style, &out), CRM_OK);
	assert_non_null(out);
	code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(code);

	read_drawing(out, style, d, &lines);
	assert_int_equal(d->size, code->width + 2 * QUIET);
	assert_int_equal(lines, (code->width + 2 * QUIET + 1) / 2);
	for (y = 0; y < d->size; y++) {
		for (x = 0; x < d->size; x++) {
			/* The quiet zone is light. */
			want = x >= QUIET && y >= QUIET &&
			       x < QUIET + code->width &&
			       y < QUIET + code->width &&
			       (code->data[(y - QUIET) * code->width +
					   x - QUIET] & 1);
			if (d->dark[y][x] != want)
				fail_msg("module (%d,%d) drawn %s", x, y,
					 want ? "light" : "dark");
		}
	}

	/* Past the last row of an odd size: no ink, whatever the style. */
	if (d->size % 2 == 1) {
		for (x = 0; x < d->size; x++)
			assert_int_equal(d->dark[d->size][x],
					 style == CRM_QR_PLAIN);
	}

	/* The top-left finder as a phone looks for it right after the
	 * quiet zone: a dark 7x7 ring, a light ring, a dark 3x3 core. */
	for (y = 0; y < 7; y++) {
		for (x = 0; x < 7; x++) {
			int ring = x == 0 || y == 0 || x == 6 || y == 6;
			int core = x >= 2 && x <= 4 && y >= 2 && y <= 4;

			assert_int_equal(d->dark[QUIET + y][QUIET + x],
					 ring || core);
		}
	}

	QRcode_free(code);
	free(out);
	free(d);
}

static void
an_enrolment_uri_is_drawn_module_for_module(void **state)
{
	struct crm_otpauth o;
	char uri[CRM_OTPAUTH_MAX];

	memset(&o, 0, sizeof(o));
	strcpy(o.issuer, "ACME Corp");
	strcpy(o.account, "alice@example.com");
	memcpy(o.secret, "12345678901234567890", 20);
	o.secret_len = 20;
	o.algorithm = CRM_TOTP_SHA1;
	o.digits = 6;
	o.period = 30;
	assert_int_equal(crm_otpauth_build(&o, uri, sizeof(uri)), CRM_OK);

	assert_draws(uri, CRM_QR_PLAIN);
	assert_draws(uri, CRM_QR_ANSI);
}

static void
the_longest_uri_is_drawn_too(void **state)
{
	char text[CRM_OTPAUTH_MAX];

	memset(text, 'A', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_draws(text, CRM_QR_PLAIN);
	assert_draws(text, CRM_QR_ANSI);
	/* Lower case is not folded into the alphanumeric mode. */
	assert_draws("otpauth://totp/a:b?secret=mzxw6", CRM_QR_PLAIN);
}

static void
nothing_to_draw_is_refused(void **state)
{
	char *out = (char *)1;
	char *too_long;

	assert_int_equal(crm_qr_text("", CRM_QR_PLAIN, &out), CRM_INVALID);
	assert_null(out);
	out = (char *)1;
	assert_int_equal(crm_qr_text(NULL, CRM_QR_ANSI, &out), CRM_INVALID);
	assert_null(out);
	out = (char *)1;
	assert_int_equal(crm_qr_text("x", (enum crm_qr_style)2, &out),
			 CRM_INVALID);
	assert_null(out);
	assert_int_equal(crm_qr_text("x", CRM_QR_PLAIN, NULL), CRM_INVALID);

	/* Past version 40's 2331 bytes at level M. */
	too_long = malloc(4000);
	assert_non_null(too_long);
	memset(too_long, 'a', 3999);
	too_long[3999] = '\0';
	out = (char *)1;
	assert_int_equal(crm_qr_text(too_long, CRM_QR_PLAIN, &out),
			 CRM_INVALID);
	assert_null(out);
	free(too_long);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_enrolment_uri_is_drawn_module_for_module),
		cmocka_unit_test(the_longest_uri_is_drawn_too),
		cmocka_unit_test(nothing_to_draw_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
