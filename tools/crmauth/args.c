/*
 * args.c - the command line of a verb: getopt over its argv, the shared
 * shape of verbs that take only names, the family dispatcher, and the
 * checks of names and times typed by the administrator.
 */
#include "autoconfig.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/crm.h"

#include "crmauth.h"

void
ca_getopt_reset(void)
{
	/* 0, not 1: glibc then also forgets the permutation state left
	 * over from the global options. */
	optind = 0;
	opterr = 0;
}

int
ca_getopt(int argc, char **argv, const char *shortopts,
	  const struct option *longopts, const char *cmd)
{
	const char *sep = cmd != NULL ? ": " : "";
	int c;

	if (cmd == NULL)
		cmd = "";
	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == '?') {
		if (optopt != 0)
			ca_warn("%s%sunknown option '-%c'", cmd, sep, optopt);
		else
			ca_warn("%s%sunknown option '%s'", cmd, sep,
				argv[optind - 1]);
	} else if (c == ':') {
		ca_warn("%s%soption '%s' needs a value", cmd, sep,
			argv[optind - 1]);
		c = '?';
	}
	return c;
}

int
ca_verb_option(struct crmauth *ca, int c, const char *usage)
{
	switch (c) {
	case 'j':
		ca->json = 1;
		return CA_CONTINUE;
	case 'h':
		return ca_help(usage);
	default:
		return ca_usage(usage);
	}
}

int
ca_simple_args(struct crmauth *ca, int argc, char **argv, const char *cmd,
	       const char *usage, int min_names, int max_names)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, opt, names;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, ":h", longopts, cmd)) != -1) {
		switch (c) {
		default:
			opt = ca_verb_option(ca, c, usage);
			if (opt != CA_CONTINUE)
				return opt;
			break;
		}
	}
	names = argc - optind;
	if (names < min_names)
		return ca_usage_error(usage, "%s: missing argument", cmd);
	if (names > max_names)
		return ca_usage_error(usage, "%s: unexpected argument '%s'",
				      cmd, argv[optind + max_names]);
	return CA_CONTINUE;
}

int
ca_dispatch(struct crmauth *ca, int argc, char **argv,
	    const struct ca_verb *verbs, size_t nverbs, const char *usage)
{
	size_t i;

	if (argc < 2)
		return ca_usage_error(usage, "%s: missing subcommand",
				      argv[0]);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return ca_help(usage);
	for (i = 0; i < nverbs; i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].fn(ca, argc - 1, argv + 1);
	return ca_usage_error(usage, "%s: unknown subcommand '%s'", argv[0],
			      argv[1]);
}

int
ca_check_name(const char *what, const char *name)
{
	if (name == NULL || !crm_valid_name(name, CRM_NAME_MAX, 0)) {
		/* The name itself is not echoed: it may hold anything. */
		ca_warn("invalid %s name (1 to %d bytes of UTF-8, no "
			"control characters)", what, CRM_NAME_MAX - 1);
		return CRM_INVALID;
	}
	return CRM_OK;
}

int
ca_check_item(const char *what, const char *name)
{
	if (ca_check_name(what, name) != CRM_OK)
		return CRM_INVALID;
	/* What the front end reads as lists (CRM_ROLES, CRM_PERMISSIONS,
	 * CRM_DEPARTMENT) cannot be split or extended by a stored name. */
	if (!crm_valid_item(name)) {
		ca_warn("invalid %s name: no commas, slashes, '=' or blanks "
			"(they separate names in lists)", what);
		return CRM_INVALID;
	}
	return CRM_OK;
}

int
ca_check_role(const char *name)
{
	return ca_check_item("role", name);
}

int
ca_parse_time(const char *text, int allow_past, int64_t *out_ms)
{
	char relative[64];
	int64_t now = crm_now_ms(), delta;
	int n, rc;

	if (allow_past && text[0] == '-') {
		/* "-2h": crm_time_parse knows only "+2h" from a given
		 * moment; measured from 0 that is the length itself. */
		n = snprintf(relative, sizeof(relative), "+%s", text + 1);
		if (n < 0 || (size_t)n >= sizeof(relative))
			return CRM_INVALID;
		rc = crm_time_parse(relative, 0, &delta);
		if (rc != CRM_OK)
			return rc;
		*out_ms = now - delta;
		return CRM_OK;
	}
	return crm_time_parse(text, now, out_ms);
}
