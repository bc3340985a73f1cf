/*
 * hours.h - login hours ("hours=" of pam_crm_access): which wall-clock
 * times of the week a rule allows.
 *
 * Pure: no clock, no zone.  The caller turns the instant into a struct
 * tm in the rule's zone (crm_tz_localtime) and asks crm_hours_match.
 *
 * Grammar (blanks are spaces and tabs):
 *
 *   HOURS := ITEM { ',' ITEM }             blanks around an ITEM ignored
 *   ITEM  := [ DAYS BLANKS ] RANGE         no DAYS: every day
 *   DAYS  := SPAN { '+' SPAN }             "Mo+We+Fr", "Mo-We+Sa"
 *   SPAN  := DAY | DAY '-' DAY             "Fr-Mo" wraps: Fr Sa Su Mo
 *   DAY   := Mo Tu We Th Fr Sa Su | Mon Tue Wed Thu Fri Sat Sun
 *            (any case)
 *   RANGE := TIME '-' TIME
 *   TIME  := HH ':' MM                     two digits each, 00:00..24:00
 *
 * A range includes its start minute and excludes its end: 08:00-19:00
 * allows 08:00:00 to 18:59:59.  24:00 is only an end (the whole day is
 * 00:00-24:00).  A start later than the end crosses midnight, and the
 * part after midnight belongs to the day the range started: "Fr
 * 22:00-06:00" is Friday 22:00 to Saturday 06:00.  Refused: an empty
 * range (start == end), a start of 24:00, a day listed twice in one
 * ITEM, "Mo-Mo", an empty ITEM, more than CRM_HOURS_ITEMS_MAX items, a
 * text of CRM_HOURS_TEXT_MAX bytes or more, and anything else the
 * grammar does not produce.
 *
 * The canonical text (crm_hours_format) writes days Monday first, each
 * run of consecutive days as "Mo-Fr" and single days joined by '+', the
 * DAYS part left out for all seven days, items in the given order,
 * separated by ',' with no blanks.
 */
#ifndef CRM_HOURS_H
#define CRM_HOURS_H

#include <stddef.h>
#include <time.h>

#include "core/crm.h"

#define CRM_HOURS_TEXT_MAX	1024	/* with the NUL */
#define CRM_HOURS_ITEMS_MAX	32

struct crm_hours;

/* CRM_OK with *out to free with crm_hours_free; CRM_INVALID (err says
 * which item and why; *out NULL); CRM_ENOMEM. */
int crm_hours_parse(const char *text, struct crm_hours **out, char *err,
		    size_t errlen);
void crm_hours_free(struct crm_hours *h);

/* 1 when the wall-clock time tm (tm_wday, tm_hour, tm_min, as
 * crm_tz_localtime gives them) is inside h, else 0; also 0 for a tm
 * with those fields out of range. */
int crm_hours_match(const struct crm_hours *h, const struct tm *tm);

/* The canonical text of h into out; parse(format(h)) gives h again.  It
 * always fits in CRM_HOURS_TEXT_MAX bytes.  CRM_OK, or CRM_INVALID when
 * len is too small (out is then "" when len > 0). */
int crm_hours_format(const struct crm_hours *h, char *out, size_t len);

#endif
