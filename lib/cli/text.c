/*
 * text.c - stored strings made safe to show (text.h).
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/text.h"
#include "core/crm.h"

/* Format characters that reorder or break the text around them: shown
 * raw, they could make one name look like another. */
static int
is_layout_control(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

char *
crm_text_printable(const char *s)
{
	size_t len = strlen(s), i = 0, o = 0, n, k;
	char *out;
	uint32_t cp;

	/* At most four bytes out for each byte in ("\xNN"), plus the NUL. */
	if (len > (SIZE_MAX - 1) / 4)
		return NULL;
	out = malloc(len * 4 + 1);
	if (out == NULL)
		return NULL;
	while (i < len) {
		n = crm_utf8_char(s + i, len - i, &cp);
		if (n == 0) {
			/* Only the first byte: the next may start a valid
			 * character of its own. */
			snprintf(out + o, 5, "\\x%02x", (unsigned char)s[i]);
			o += 4;
			i++;
		} else if (crm_is_control(cp) || is_layout_control(cp)) {
			for (k = 0; k < n; k++, o += 4)
				snprintf(out + o, 5, "\\x%02x",
					 (unsigned char)s[i + k]);
			i += n;
		} else if (cp == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
			i++;
		} else {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	return out;
}
