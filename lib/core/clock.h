/*
 * clock.h - the one place that reads the time and parses time values.
 *
 * Every stored time is UTC milliseconds since the epoch.  Tests control the
 * clock from outside the process (libfaketime); nothing here reads a test
 * clock from the environment.
 */
#ifndef CRM_CLOCK_H
#define CRM_CLOCK_H

#include <stddef.h>
#include <stdint.h>

int64_t crm_now_ms(void);
/* Milliseconds of CLOCK_MONOTONIC: for deadlines and waits, which a
 * changed wall clock must not stretch. */
int64_t crm_monotonic_ms(void);

/* "+30m", "+2h", "+7d", "+45s" relative to now_ms, or ISO 8601
 * "2026-01-31T18:00:00Z" / "2026-01-31 18:00" (local time without zone),
 * seconds optionally with a fraction of up to three digits
 * ("2026-01-31T18:00:00.123Z", as crm_time_format writes). */
int crm_time_parse(const char *text, int64_t now_ms, int64_t *out_ms);

/* "2026-01-31T18:00:00.123Z" */
void crm_time_format(int64_t ms, char *buf, size_t len);

#endif
