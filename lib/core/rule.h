/*
 * rule.h - one access rule of pam_crm_access: its text, parsed and
 * written back in one canonical spelling, and whether its WHERE covers a
 * request.
 *
 * Pure functions: no PAM, no store, no resolver.  A rule line is
 *
 *     allow|deny  SUBJECT  WHERE  [service=LIST] [hours=SPEC] [tz=ZONE]
 *                                 [from=TIME] [until=TIME]
 *
 * separated by blanks (spaces or tabs; leading and trailing ones and one
 * final newline or CRLF are ignored).  A line that is blank, or whose first
 * non-blank character is '#', holds no rule; '#' anywhere else is text.
 *
 * SUBJECT: "user:NAME", "role:NAME" or "*".
 * WHERE: a comma list, without blanks, of networks "ADDR/LEN" or bare
 * addresses (crm_addr_parse_cidr: IPv4-mapped becomes IPv4, no bits set
 * past LEN), "local" (no PAM_RHOST: console or kiosk), "tty:PATTERN" (a
 * glob as a shell's case pattern, of 1 to CRM_RULE_TTY_MAX printable
 * ASCII characters without commas) or "*" (anywhere, alone).  An entry
 * may appear only once.
 * Options, each at most once, in any order:
 *  - service=a,b  service names;
 *  - hours=SPEC   kept as text for the hours parser (not parsed here);
 *  - tz=ZONE      kept as text likewise;
 *  - from=TIME, until=TIME  crm_time_parse: ISO 8601, or "+2h" relative
 *                 to the caller's now_ms; from before until.
 * A value runs from after '=' to the next blank-separated token "word="
 * whose word is one of the five above, or to the end of the line, and may
 * so hold blanks: hours=Mo-Fr 08:00-19:00,Sa 09:00-12:00 tz=Europe/Berlin.
 * It may instead be written in double quotes, hours="Mo-Fr 08:00-19:00",
 * the way to write a value that holds such a token.  There are no escapes:
 * a value never holds '"'.  A value is trimmed; a tab in it becomes a
 * space; it must then be a valid name (crm_valid_name, CRM_NAME_MAX).
 * Only hours may hold blanks (and from/until, as crm_time_parse reads
 * "2026-01-31 18:00").
 *
 * Every rule that parses has a canonical text of fewer than CRM_RULE_MAX
 * bytes, and parsing that text gives the same rule back.
 */
#ifndef CRM_RULE_H
#define CRM_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/crm.h"

/* A rule line, and its canonical text, with the NUL. */
#define CRM_RULE_MAX		4096
/* The longest tty pattern, without the NUL. */
#define CRM_RULE_TTY_MAX	64

enum crm_rule_action { CRM_RULE_ALLOW, CRM_RULE_DENY };
enum crm_subject_kind { CRM_SUBJECT_ANY, CRM_SUBJECT_USER, CRM_SUBJECT_ROLE };
enum crm_where_kind {
	CRM_WHERE_NET,		/* net/prefix */
	CRM_WHERE_LOCAL,	/* no PAM_RHOST */
	CRM_WHERE_TTY,		/* PAM_TTY matches the pattern tty */
	CRM_WHERE_ANY,		/* "*" */
};

struct crm_where {
	enum crm_where_kind kind;
	struct crm_addr net;
	unsigned int prefix;
	char tty[CRM_RULE_TTY_MAX + 1];
};

struct crm_rule {
	enum crm_rule_action action;
	enum crm_subject_kind subject_kind;
	char subject[CRM_NAME_MAX];	/* "" for ANY */
	struct crm_where *wheres;
	size_t nwheres;			/* at least 1 */
	char **services;
	size_t nservices;		/* 0: every service */
	char hours[CRM_NAME_MAX];	/* "" none; text as written, trimmed */
	char tz[CRM_NAME_MAX];		/* "" the server's zone */
	int64_t from_ms, until_ms;	/* 0: none; ms since the epoch */
};

/*
 * Parse one line.  CRM_OK: *out is a rule (free it with crm_rule_clear).
 * CRM_NOTFOUND: a blank or comment line.  CRM_INVALID: err says why,
 * naming the offending token (never more than 64 bytes of it).
 * CRM_ENOMEM.  *out is zeroed first and left empty unless CRM_OK; err
 * (may be NULL) is "" unless CRM_INVALID or CRM_ENOMEM.
 */
int crm_rule_parse(const char *line, int64_t now_ms, struct crm_rule *out,
		   char *err, size_t errlen);

/*
 * The canonical text of r: action, subject, the WHERE entries in their
 * order, networks as "ADDR/LEN" always with the length (inet_ntop's
 * spelling: IPv6 compressed, lower case), then the options present in the
 * order service, hours (double-quoted when it holds a blank), tz, from,
 * until (crm_time_format: ISO 8601 UTC with milliseconds), one space
 * apart.  CRM_OK, or CRM_INVALID (out is "") when len is too small or r
 * is not a rule crm_rule_parse could give; CRM_RULE_MAX always suffices
 * for a parsed rule.
 */
int crm_rule_format(const struct crm_rule *r, char *out, size_t len);

/*
 * 1 when the rule's WHERE covers a request from rhost on tty, else 0.
 * rhost: an address in any spelling crm_addr_parse reads (IPv4-mapped is
 * IPv4, a zone is ignored), a host name (never in a network: nothing is
 * resolved), or NULL or "" for a local login, which only "local" and "*"
 * cover.  tty: PAM_TTY, a leading "/dev/" ignored; NULL or "" is covered
 * by no tty pattern.
 */
int crm_rule_where_matches(const struct crm_rule *r, const char *rhost,
			   const char *tty);

/* Free what r holds and zero it; r may be zeroed already. */
void crm_rule_clear(struct crm_rule *r);

#endif
