/*
 * access.c - IP allowlisting and login hours (see access.h).
 *
 * Every candidate rule is read from its canonical line again and checked
 * in full here (where, service, from/until, hours): the store's probes
 * only narrow the rules down, so a backend that returned too many would
 * cost time, never a wrong answer.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/clock.h"
#include "core/hours.h"
#include "core/resolve.h"
#include "core/rule.h"
#include "core/tzif.h"
#include "decide/access.h"
#include "decide/options.h"
#include "store/store.h"

#define MODULE_NAME "pam_crm_access"

#define FIELD(name) offsetof(struct crm_access_opts, name)

/* An accessfile is a few static lines; a bigger one belongs in the
 * database, where its cost does not grow with it. */
#define ACCESSFILE_MAX (1024 * 1024)
#define ROLES_MAX 64

static const char *const default_choices[] = { "deny", "allow", NULL };

const struct crm_option crm_access_options[] = {
	CRM_COMMON_OPTIONS(struct crm_access_opts),
	{ "default", CRM_OPT_ENUM, FIELD(default_action), 0, 0,
	  default_choices, 0 },
	{ "accessfile", CRM_OPT_PATH, FIELD(accessfile), 0, 0, NULL, 0 },
	{ "resolve", CRM_OPT_BOOL, FIELD(resolve), 0, 1, NULL, 0 },
	{ "resolve_timeout", CRM_OPT_DURATION_MS, FIELD(resolve_timeout_ms),
	  CRM_ACCESS_RESOLVE_TIMEOUT_MIN, CRM_ACCESS_RESOLVE_TIMEOUT_MAX, NULL,
	  0 },
};

const size_t crm_access_option_count = CRM_ARRAY_SIZE(crm_access_options);

void
crm_access_defaults(struct crm_access_opts *opts,
		    struct crm_access_pam_opts *pam)
{
	memset(opts, 0, sizeof(*opts));
	crm_common_defaults(&opts->common);
	opts->default_action = CRM_ACCESS_DEFAULT_DENY;
	opts->resolve_timeout_ms = CRM_ACCESS_RESOLVE_TIMEOUT_DEFAULT;
	if (pam != NULL)
		memset(pam, 0, sizeof(*pam));
}

int
crm_access_load(struct crm_access_opts *opts, struct crm_access_pam_opts *pam,
		int argc, const char **argv, const struct crm_log *log)
{
	struct crm_config_spec spec = {
		.section = "access",
		.options = crm_access_options,
		.option_count = crm_access_option_count,
		.values = opts,
		.values_size = sizeof(*opts),
		.pam_values = pam,
	};

	spec.global_tables = crm_decide_option_tables(&spec.global_table_count);
	return crm_config_load(&spec, crm_default_conf(), argc, argv, NULL,
			       log);
}

/* ---- one rule against one login ---- */

struct login {
	const struct crm_request *req;
	int64_t now_ms;
	const struct crm_log *log;
};

enum check {
	CHECK_NO,			/* not this login's rule */
	CHECK_HOURS,			/* would be, at another time */
	CHECK_EXPIRED,			/* would be, before until / after from */
	CHECK_YES,
};

static int
service_listed(const struct crm_rule *r, const char *service)
{
	size_t i;

	if (r->nservices == 0)
		return 1;
	for (i = 0; service != NULL && i < r->nservices; i++)
		if (strcmp(r->services[i], service) == 0)
			return 1;
	return 0;
}

/* Whether now lies in the rule's hours, in its zone. */
static int
in_hours(const struct crm_rule *r, int64_t now_ms, int *inside, char *err,
	 size_t errlen)
{
	struct crm_hours *hours = NULL;
	struct crm_tz *tz = NULL;
	struct tm tm;
	int rc;

	*inside = 1;
	if (r->hours[0] == '\0')
		return CRM_OK;
	rc = crm_hours_parse(r->hours, &hours, err, errlen);
	if (rc == CRM_OK && r->tz[0] != '\0')
		rc = crm_tz_load(NULL, r->tz, &tz, err, errlen);
	if (rc == CRM_OK)
		rc = crm_tz_localtime(tz, now_ms / 1000, &tm);
	if (rc == CRM_OK)
		*inside = crm_hours_match(hours, &tm);
	crm_tz_free(tz);
	crm_hours_free(hours);
	return rc;
}

static int
check_rule(const struct login *l, const struct crm_rule *r,
	   const char *const *roles, size_t nroles, enum check *verdict)
{
	const struct crm_request *req = l->req;
	char err[256];
	int inside, rc;
	size_t i;

	*verdict = CHECK_NO;
	switch (r->subject_kind) {
	case CRM_SUBJECT_USER:
		if (strcmp(r->subject, req->user) != 0)
			return CRM_OK;
		break;
	case CRM_SUBJECT_ROLE:
		for (i = 0; i < nroles; i++)
			if (strcmp(r->subject, roles[i]) == 0)
				break;
		if (i == nroles)
			return CRM_OK;
		break;
	case CRM_SUBJECT_ANY:
		break;
	}
	if (!crm_rule_where_matches(r, req->rhost, req->tty) ||
	    !service_listed(r, req->service))
		return CRM_OK;
	if ((r->from_ms != 0 && l->now_ms < r->from_ms) ||
	    (r->until_ms != 0 && l->now_ms >= r->until_ms)) {
		*verdict = CHECK_EXPIRED;
		return CRM_OK;
	}
	err[0] = '\0';
	rc = in_hours(r, l->now_ms, &inside, err, sizeof(err));
	if (rc != CRM_OK) {
		/* A rule that cannot be read is no rule an administrator
		 * meant: the login fails closed. */
		crm_log(l->log, LOG_ERR, "access rule \"%.200s\" hours or zone "
			"unusable: %s", r->hours, err);
		return rc == CRM_ENOMEM ? rc : CRM_INVALID;
	}
	*verdict = inside ? CHECK_YES : CHECK_HOURS;
	return CRM_OK;
}

/* ---- the search: the file's rules first, then the database's ---- */

struct search {
	const struct login *l;
	const char *const *roles;
	size_t nroles;
	int found;			/* a rule decided */
	struct crm_rule decided;
	int hours_blocked, expired;	/* an allow rule failed only so */
	int status;			/* an error met on the way */
	struct crm_access_explain *explain;
};

/* One parsed candidate (consumed); CRM_ACCESS_STOP when it decides. */
static int
consider_rule(struct search *s, int64_t id, unsigned int file_line,
	      const char *line, struct crm_rule *r)
{
	enum check verdict;
	int rc;

	rc = check_rule(s->l, r, s->roles, s->nroles, &verdict);
	if (rc != CRM_OK) {
		crm_rule_clear(r);
		s->status = rc;
		return rc;
	}
	if (verdict == CHECK_YES) {
		s->found = 1;
		s->decided = *r;
		if (s->explain != NULL) {
			s->explain->rule_id = id;
			s->explain->file_line = file_line;
			snprintf(s->explain->rule, sizeof(s->explain->rule),
				 "%s", line);
		}
		return CRM_ACCESS_STOP;
	}
	if (r->action == CRM_RULE_ALLOW) {
		s->hours_blocked |= verdict == CHECK_HOURS;
		s->expired |= verdict == CHECK_EXPIRED;
	}
	crm_rule_clear(r);
	return 0;
}

/* A rule from the database: stored in its canonical text, so a line
 * that does not parse was changed behind crmauth's back. */
static int
consider_db(void *arg, int64_t id, const char *line)
{
	struct search *s = arg;
	struct crm_rule r;
	char err[256];
	int rc;

	rc = crm_rule_parse(line, s->l->now_ms, &r, err, sizeof(err));
	if (rc == CRM_NOTFOUND)
		return 0;
	if (rc != CRM_OK) {
		crm_log(s->l->log, LOG_ERR, "access rule %lld: %s",
			(long long)id, err);
		s->status = rc == CRM_ENOMEM ? rc : CRM_INVALID;
		return s->status;
	}
	return consider_rule(s, id, 0, line, &r);
}

static int
search_file(struct search *s, const char *path)
{
	struct file_rule {
		struct crm_rule rule;
		const char *line;
		unsigned int number;
	} *rules = NULL;
	struct stat st;
	char *text = NULL, *line, *next;
	size_t nrules = 0, cap = 0, i = 0;
	unsigned int n = 0;
	ssize_t got;
	int fd, rc = CRM_OK, stop = 0;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		crm_log(s->l->log, LOG_ERR, "accessfile %s: %s", path,
			strerror(errno));
		return CRM_INVALID;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > ACCESSFILE_MAX ||
	    (text = malloc((size_t)st.st_size + 1)) == NULL) {
		crm_log(s->l->log, LOG_ERR, "accessfile %s: not a regular file "
			"of at most %d bytes", path, ACCESSFILE_MAX);
		close(fd);
		return text == NULL && S_ISREG(st.st_mode) &&
		       st.st_size <= ACCESSFILE_MAX ? CRM_ENOMEM : CRM_INVALID;
	}
	got = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		crm_log(s->l->log, LOG_ERR, "accessfile %s: short read", path);
		free(text);
		return CRM_INVALID;
	}
	text[got] = '\0';
	if (memchr(text, '\0', (size_t)got) != NULL) {
		crm_log(s->l->log, LOG_ERR, "accessfile %s: NUL byte", path);
		free(text);
		return CRM_INVALID;
	}
	/* Every line is parsed before any decides: a file with a bad line
	 * anywhere is not the file its author meant, and refuses all. */
	for (line = text; line != NULL && rc == CRM_OK; line = next) {
		char err[256];
		void *items = rules;
		int prc;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		n++;
		if (crm_array_grow(&items, &cap, nrules, sizeof(*rules)) !=
		    CRM_OK) {
			rc = CRM_ENOMEM;
			break;
		}
		rules = items;
		prc = crm_rule_parse(line, s->l->now_ms, &rules[nrules].rule,
				     err, sizeof(err));
		if (prc == CRM_NOTFOUND)
			continue;
		if (prc != CRM_OK) {
			crm_log(s->l->log, LOG_ERR, "accessfile %s line %u: %s",
				path, n, err);
			rc = prc == CRM_ENOMEM ? prc : CRM_INVALID;
			break;
		}
		rules[nrules].line = line;
		rules[nrules].number = n;
		nrules++;
	}
	for (i = 0; rc == CRM_OK && i < nrules && !stop; i++)
		stop = consider_rule(s, 0, rules[i].number, rules[i].line,
				     &rules[i].rule);
	/* consider_rule took the rules it looked at; the rest go here. */
	for (; i < nrules; i++)
		crm_rule_clear(&rules[i].rule);
	free(rules);
	if (stop != 0 && stop != CRM_ACCESS_STOP)
		rc = stop;
	free(text);
	return rc;
}

/* ---- the decision ---- */

struct role_list {
	char *names[ROLES_MAX];
	size_t count;
	int overflow;
};

static int
add_role(void *arg, const char *role)
{
	struct role_list *rl = arg;

	if (rl->count == ROLES_MAX) {
		rl->overflow = 1;
		return 0;
	}
	rl->names[rl->count] = strdup(role);
	if (rl->names[rl->count] == NULL)
		return CRM_ENOMEM;
	rl->count++;
	return 0;
}

static void
roles_free(struct role_list *rl)
{
	size_t i;

	for (i = 0; i < rl->count; i++)
		free(rl->names[i]);
	rl->count = 0;
}

static const char *
reason_name(enum crm_access_reason reason)
{
	switch (reason) {
	case CRM_ACCESS_BY_RULE:
		return "address";
	case CRM_ACCESS_BY_HOURS:
		return "hours";
	case CRM_ACCESS_BY_EXPIRY:
		return "expired rule";
	case CRM_ACCESS_BY_DEFAULT:
	default:
		return "default";
	}
}

static void
probe_of(const struct crm_request *req, const struct role_list *rl,
	 struct crm_access_probe *p)
{
	struct crm_addr addr;

	memset(p, 0, sizeof(*p));
	p->user = req->user;
	p->roles = (const char *const *)rl->names;
	p->nroles = rl->count;
	p->local = req->rhost == NULL || req->rhost[0] == '\0';
	p->tty = req->tty != NULL && req->tty[0] != '\0';
	if (!p->local && crm_addr_parse(req->rhost, &addr) == CRM_OK) {
		p->family = addr.family == AF_INET ? 4 : 6;
		memcpy(p->addr, addr.bytes, p->family == 4 ? 4 : 16);
	}
}

/* The rules against req as it is: its rhost an address, a name that never
 * matches a network, or none.  No audit row (crm_access_decide's). */
static int
decide_one(struct crm_ctx *ctx, const struct crm_access_opts *opts,
	   const struct crm_request *req, int64_t at_ms,
	   struct crm_access_explain *explain, struct crm_outcome *out)
{
	int known = 0;
	struct crm_access_probe probe;
	struct role_list rl;
	struct search s;
	struct login l;
	enum crm_access_reason reason;
	int rc;

	crm_outcome_init(out);
	memset(&rl, 0, sizeof(rl));
	memset(&s, 0, sizeof(s));
	memset(explain, 0, sizeof(*explain));
	if (!crm_request_valid(req, out))
		return CRM_INVALID;
	l.req = req;
	l.now_ms = at_ms != 0 ? at_ms : crm_now_ms();
	l.log = &ctx->log;
	s.l = &l;
	s.explain = explain;

	rc = crm_store_begin(ctx->store, CRM_TXN_READ);
	if (rc == CRM_OK)
		rc = crm_store_account_roles(ctx->store, req->user, &known,
					     add_role, &rl);
	if (rc == CRM_OK && rl.overflow)
		crm_log(&ctx->log, LOG_WARNING, "%s holds more than %d roles: "
			"role rules past them are not looked at", req->user,
			ROLES_MAX);
	s.roles = (const char *const *)rl.names;
	s.nroles = rl.count;
	if (rc == CRM_OK && opts->accessfile[0] != '\0')
		rc = search_file(&s, opts->accessfile);
	if (rc == CRM_OK && s.status == CRM_OK && !s.found) {
		probe_of(req, &rl, &probe);
		rc = crm_store_access_candidates(ctx->store, &probe,
						 consider_db, &s);
	}
	if (rc == CRM_OK)
		rc = s.status;
	crm_store_rollback(ctx->store);	/* read only: nothing to keep */
	if (rc != CRM_OK)
		goto fail;

	/* A name that is no account may be a password typed in the user
	 * field: never logged or audited as typed. */
	out->user_masked = !known;
	if (!known && opts->common.unknown == CRM_UNKNOWN_IGNORE) {
		out->verdict = CRM_IGNORE;
		out->event = "access_ignored";
		snprintf(out->detail, sizeof(out->detail), "not an account");
	} else if (s.found && s.decided.action == CRM_RULE_ALLOW) {
		out->verdict = CRM_ALLOW;
		out->event = "access_ok";
		out->audit = opts->common.debug;
		snprintf(out->detail, sizeof(out->detail), "allowed by %s %lld",
			 explain->file_line ? "accessfile line" : "rule",
			 explain->file_line ? (long long)explain->file_line
					    : (long long)explain->rule_id);
	} else if (!s.found && opts->default_action ==
		   CRM_ACCESS_DEFAULT_ALLOW && !s.hours_blocked &&
		   !s.expired) {
		out->verdict = CRM_ALLOW;
		out->event = "access_ok";
		out->audit = opts->common.debug;
		snprintf(out->detail, sizeof(out->detail),
			 "no rule: default allow");
	} else {
		reason = s.found ? CRM_ACCESS_BY_RULE
		       : s.hours_blocked ? CRM_ACCESS_BY_HOURS
		       : s.expired ? CRM_ACCESS_BY_EXPIRY
		       : CRM_ACCESS_BY_DEFAULT;
		explain->reason = reason;
		out->verdict = CRM_DENY;
		out->event = "access_denied";
		out->audit = 1;
		snprintf(out->message, sizeof(out->message), "%s",
			 reason == CRM_ACCESS_BY_HOURS
				 ? "Access denied at this time"
				 : "Access denied from this address");
		if (s.found)
			snprintf(out->detail, sizeof(out->detail),
				 "reason=%s %s=%lld", reason_name(reason),
				 explain->file_line ? "accessfile_line"
						    : "rule",
				 explain->file_line
					 ? (long long)explain->file_line
					 : (long long)explain->rule_id);
		else
			snprintf(out->detail, sizeof(out->detail),
				 "reason=%s", reason_name(reason));
	}
	crm_rule_clear(&s.decided);
	roles_free(&rl);
	return CRM_OK;
fail:
	crm_rule_clear(&s.decided);
	roles_free(&rl);
	crm_outcome_fail(out, rc, "%s: access rules unusable", crm_strerror(rc));
	return rc;
}

/* ---- resolve=: a host name stands for its confirmed addresses ---- */

static void
detail_add(struct crm_outcome *out, const char *word, const char *value)
{
	size_t len = strlen(out->detail);

	snprintf(out->detail + len, sizeof(out->detail) - len, "%s%s=%s",
		 len > 0 ? " " : "", word, value);
}

/*
 * Every confirmed address of req's host name must be allowed: whoever
 * controls the name's records also chooses which of them a client
 * connects from.  The first address refused decides; a name that gives
 * no address is decided as a name (only rules that need no address, and
 * default=, can match it), which fails closed.
 */
static int
decide_resolved(struct crm_ctx *ctx, const struct crm_access_opts *opts,
		const struct crm_request *req, int64_t now_ms,
		struct crm_access_explain *explain, struct crm_outcome *out)
{
	struct crm_addr addrs[CRM_RESOLVE_MAX];
	struct crm_request match = *req;
	char text[INET6_ADDRSTRLEN] = "", err[256];
	size_t count = 0, i;
	int rc;

	crm_outcome_init(out);
	if (!crm_request_valid(req, out))
		return CRM_INVALID;
	rc = crm_resolve_confirmed(req->rhost,
				   (unsigned int)opts->resolve_timeout_ms,
				   addrs, CRM_ARRAY_SIZE(addrs), &count, err,
				   sizeof(err));
	if (rc == CRM_ENOMEM) {
		crm_outcome_fail(out, rc, "%s: resolving rhost",
				 crm_strerror(rc));
		return rc;
	}
	if (rc != CRM_OK) {
		crm_log(&ctx->log, rc == CRM_NOTFOUND ? LOG_NOTICE : LOG_ERR,
			"rhost not resolved, matched as a name: %s", err);
		rc = decide_one(ctx, opts, req, now_ms, explain, out);
		if (rc != CRM_OK)
			return rc;
		snprintf(explain->resolve_error,
			 sizeof(explain->resolve_error), "%s", err);
		detail_add(out, "resolved", "none");
		return CRM_OK;
	}
	for (i = 0; i < count; i++) {
		if (inet_ntop(addrs[i].family, addrs[i].bytes, text,
			      sizeof(text)) == NULL) {
			crm_outcome_fail(out, CRM_ESYS, "resolved address "
					 "unprintable");
			return CRM_ESYS;
		}
		match.rhost = text;
		rc = decide_one(ctx, opts, &match, now_ms, explain, out);
		if (rc != CRM_OK)
			return rc;
		if (out->verdict != CRM_ALLOW)
			break;
	}
	snprintf(explain->resolved, sizeof(explain->resolved), "%s", text);
	detail_add(out, "resolved", text);
	return CRM_OK;
}

int
crm_access_decide(struct crm_ctx *ctx, const struct crm_access_opts *opts,
		  const struct crm_request *req, int64_t at_ms,
		  struct crm_access_explain *explain, struct crm_outcome *out)
{
	struct crm_access_explain local_explain;
	struct crm_addr addr;
	int question = explain != NULL;
	int64_t now_ms = at_ms != 0 ? at_ms : crm_now_ms();
	int rc;

	if (explain == NULL)
		explain = &local_explain;
	if (opts->resolve && req->rhost != NULL && req->rhost[0] != '\0' &&
	    crm_addr_parse(req->rhost, &addr) == CRM_NOTFOUND)
		rc = decide_resolved(ctx, opts, req, now_ms, explain, out);
	else
		rc = decide_one(ctx, opts, req, now_ms, explain, out);
	if (rc != CRM_OK)
		return rc;
	if (question)
		out->audit = 0;
	if (!out->audit)
		return CRM_OK;
	/* The row names rhost as the client gave it; the detail says which
	 * address it stood for. */
	return crm_ctx_record_alone(ctx, MODULE_NAME, req, out, now_ms);
}
