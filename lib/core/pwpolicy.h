/*
 * pwpolicy.h - whether a candidate password meets the password policy,
 * and every reason it does not, in plain words.
 *
 * PAM-free and store-free: the caller hands in the policy (already
 * merged for the user's roles), the user's name and department, the old
 * password when known and the breached list it opened.  Nothing is
 * stored or logged here except why a list or dictionary could not be
 * read; the password is never copied except into one buffer of our own
 * for the case-folded comparisons, cleared before return.
 *
 * Ours: minlen (UTF-8 characters), minclass, maxrepeat, maxsequence,
 * maxclassrepeat, usercheck (name and department, forwards and
 * backwards, ASCII case-insensitive), difok, breached.  cracklib's
 * (FascistCheck through libcrack2): only "based on a dictionary word";
 * its other verdicts are ignored, our own checks cover them.
 */
#ifndef CRM_PWPOLICY_H
#define CRM_PWPOLICY_H

#include <limits.h>
#include <stddef.h>

#include "core/breached.h"
#include "core/crm.h"

/* The options, named as pwquality.conf(5) names them. */
struct crm_pwpolicy {
	unsigned long minlen;		/* characters; 0 = off */
	unsigned long minclass;		/* of lower, upper, digit, other */
	unsigned long maxrepeat;	/* same character in a row; 0 = off */
	unsigned long maxsequence;	/* abcde, 54321; 0 = off */
	unsigned long maxclassrepeat;	/* same class in a row; 0 = off */
	unsigned long difok;		/* characters not in the old one */
	int usercheck;
	int dictcheck;
	int enforce_for_root;		/* for the password group (later) */
	char dictpath[PATH_MAX];	/* "": cracklib's default */
	char breached[PATH_MAX];	/* "": no list */
};

/* Built-in defaults (SPEC): minlen 12, minclass 3, maxrepeat 3,
 * maxsequence 4, maxclassrepeat 0, difok 1, usercheck 1, dictcheck 1. */
void crm_pwpolicy_defaults(struct crm_pwpolicy *policy);

/* The reason classes; audit rows carry the class only. */
enum crm_pwreason {
	CRM_PW_MINLEN,
	CRM_PW_MINCLASS,
	CRM_PW_MAXREPEAT,
	CRM_PW_MAXSEQUENCE,
	CRM_PW_MAXCLASSREPEAT,
	CRM_PW_USERCHECK,	/* the user name */
	CRM_PW_DEPARTMENT,	/* the department name (usercheck too) */
	CRM_PW_DIFOK,
	CRM_PW_HISTORY,		/* reserved: checked with the history */
	CRM_PW_BREACHED,
	CRM_PW_DICTCHECK,
	CRM_PW_UNCHECKED,	/* a list or dictionary could not be read */
	CRM_PW_REASON_COUNT
};

/* "minlen", "usercheck", ...: the class as audit and --json name it. */
const char *crm_pwreason_name(enum crm_pwreason reason);

struct crm_pwcontext {
	const char *user;		/* NULL: unknown */
	const char *department;		/* NULL: none */
	const char *old_password;	/* NULL: unknown */
	/* The opened list of policy->breached; NULL while a list is set
	 * means it could not be opened: a refusal (CRM_PW_UNCHECKED). */
	const struct crm_breached *breached;
	const struct crm_log *log;	/* may be NULL */
};

struct crm_pwfailure {
	enum crm_pwreason reason;
	char message[CRM_MSG_MAX];
};

/* Each class appears at most once. */
struct crm_pwverdict {
	size_t count;			/* 0: the password passes */
	struct crm_pwfailure failures[CRM_PW_REASON_COUNT];
};

/*
 * Check password against policy and collect every reason it fails.
 * CRM_OK when the checks ran (out->count says the verdict); CRM_INVALID
 * for a NULL argument; CRM_ENOMEM.  On any error out->count is 0 and the
 * caller must refuse.
 */
int crm_pwpolicy_check(const struct crm_pwpolicy *policy,
		       const char *password, const struct crm_pwcontext *ctx,
		       struct crm_pwverdict *out);

#endif
