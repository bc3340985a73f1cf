/*
 * tzif.h - compiled time zones (RFC 8536 TZif, versions 1 to 4, as in
 * /usr/share/zoneinfo) read into memory, and the wall-clock time of a
 * zone at an instant.
 *
 * Why not setenv("TZ") and localtime_r: a module runs inside a
 * long-running, multi-threaded server, and TZ is process state that
 * every other thread reads.  A struct crm_tz is parsed once, is never
 * written after crm_tz_parse returns, and may be shared by threads.
 *
 * What is read: the version 1 data block of a version 1 file, else the
 * 64-bit block and the footer's POSIX TZ string, which gives local time
 * after the last transition (all of it in a "slim" file).  The TZ string
 * may use every form RFC 8536 section 3.3 allows: quoted names
 * ("<+0530>-5:30"), Jn, n and Mm.w.d rules, rule times from -167 to 167
 * hours.  Before the first transition, type 0 applies (RFC 8536 3.2).
 *
 * Refused (CRM_INVALID): anything RFC 8536 calls malformed, files with a
 * leap-second table ("right/" zones: login hours are civil time),
 * offsets outside the RFC's -89999..93599 s, DST in a TZ string without
 * its rules, and bytes after a version 2+ footer.
 */
#ifndef CRM_TZIF_H
#define CRM_TZIF_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/crm.h"

#define CRM_TZ_DIR_DEFAULT	"/usr/share/zoneinfo"
#define CRM_TZ_NAME_MAX		64		/* bytes, without the NUL */
#define CRM_TZ_FILE_MAX		(1024 * 1024)	/* larger files are refused */

struct crm_tz;

/*
 * Load zone name ("Europe/Berlin", "UTC", "Etc/GMT+5") from dir (NULL:
 * CRM_TZ_DIR_DEFAULT).  A name is 1 to CRM_TZ_NAME_MAX bytes of letters,
 * digits, '_', '-', '+' and '/', with no empty component (no leading,
 * trailing or doubled '/'); so never "..", nor an absolute path.
 * Symbolic links below dir are followed (zoneinfo is made of them).  The
 * file must be a regular file of at most CRM_TZ_FILE_MAX bytes.
 * CRM_OK with *out to free with crm_tz_free; CRM_NOTFOUND: no such zone
 * (also a directory such as "Europe"); CRM_INVALID: bad name or
 * malformed file; CRM_ENOMEM; CRM_ESYS: the file could not be read.
 * err (may be NULL) says why; *out is NULL unless CRM_OK.
 */
int crm_tz_load(const char *dir, const char *name, struct crm_tz **out,
		char *err, size_t errlen);

/* Parse a TZif image of len bytes (what crm_tz_load does after reading
 * the file).  Returns as crm_tz_load, without CRM_NOTFOUND or CRM_ESYS. */
int crm_tz_parse(const unsigned char *data, size_t len, struct crm_tz **out,
		 char *err, size_t errlen);

void crm_tz_free(struct crm_tz *tz);

/*
 * The wall-clock time in tz at unix time t (seconds), as localtime_r
 * fills it: every date field, tm_isdst, tm_gmtoff, and tm_zone (which
 * points into tz: valid while tz is).  tz NULL: the process's own zone,
 * through localtime_r.  CRM_OK, or CRM_INVALID when the year does not
 * fit tm_year (out is then zeroed).
 */
int crm_tz_localtime(const struct crm_tz *tz, int64_t t, struct tm *out);

#endif
