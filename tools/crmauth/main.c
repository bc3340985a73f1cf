/*
 * main.c - crmauth's global options and the dispatch to one command
 * family, as git and ip do it.
 *
 *	crmauth [--conf PATH] [--db PATH] [--keyfile PATH] [--json] COMMAND ...
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crmauth.h"

static const char usage_text[] =
"usage: crmauth [--conf PATH] [--db PATH] [--keyfile PATH] [--json] COMMAND ...\n"
"\n"
"  init                                  create the database and the key file\n"
"  user add NAME [--dept D] [--role R]... [--password-stdin]\n"
"           [--login-shell PATH]\n"
"  user del|show|enable|disable NAME\n"
"  user suspend NAME --until TIME        TIME: ISO 8601 or +30m / +2h / +7d\n"
"  user passwd NAME [--stdin] [--force] [--expire]\n"
"  user expire NAME                      change the password at next login\n"
"  user set NAME (--login-shell PATH | --no-login)\n"
"  user link NAME OTHER | user list\n"
"  role add NAME --scope own|department|company [--perm P]...\n"
"  role del NAME | role list | role grant USER ROLE | role revoke USER ROLE\n""  template add NAME --perm P... | template apply ROLE NAME | template list\n"
"  dept add NAME [--parent P] | dept list\n"
"  totp enroll NAME [--algorithm A] [--digits N] [--period S]\n"
"  totp confirm NAME CODE | totp verify NAME CODE\n"
"  totp disable|recovery NAME\n"
"  totp import (--oath-usersfile FILE | --google-authenticator FILE USER)\n"
"  lockout show [USER] | lockout reset (USER | --rhost ADDR)\n"
"  allow add (allow|deny) SUBJECT WHERE [--service S] [--hours SPEC] [--tz Z]\n"
"            [--from T] [--until T]\n"
"  allow del ID | allow list | allow test USER ADDR [--service S] [--tty T]\n"
"            [--at TIME]\n"
"  switch allow FROM TO [--trust|--reauth] | switch del ID | switch list\n"
"  audit [--user U] [--event E] [--since TIME] | audit verify [--witness FILE]\n"
"  export [--with-secrets] | import [--dry-run] FILE\n"
"  review [--inactive-days N] [--max-age-days N]\n"
"  passwd check [USER] [--stdin]         score a password, store nothing\n"
"\n"
"Passwords are read from standard input or asked on the terminal, never\n"
"taken from the command line.  Exit status: 0 done, 1 refused or not\n"
"found, 2 usage or system error.\n";

static const struct {
	const char *name;
	ca_command_fn fn;
} commands[] = {
	{ "init", cmd_init },
	{ "user", cmd_user },
	{ "role", cmd_role },
	{ "lockout", cmd_lockout },
	{ "totp", cmd_totp },
	{ "allow", cmd_allow },
	{ "template", cmd_template },
	{ "dept", cmd_dept },
	{ "switch", cmd_switch },
	{ "audit", cmd_audit },
	{ "export", cmd_backup },
	{ "import", cmd_backup },
	{ "review", cmd_review },
	{ "passwd", cmd_passwd },
};

/*
 * Configuration paths must be absolute (CRM_OPT_PATH); a relative one on
 * the command line means the administrator's working directory.
 */
static int
absolute_path(const char *option, const char *path, char *buf, size_t len,
	      const char **out)
{
	char cwd[PATH_MAX];
	int n;

	if (path[0] == '\0')
		return ca_usage_error(usage_text, "--%s: empty path", option);
	/* A URI (db=postgresql://...) is no file name. */
	if (path[0] == '/' || strstr(path, "://") != NULL) {
		*out = path;
		return CA_EXIT_OK;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		ca_warn("--%s: working directory: %s", option,
			strerror(errno));
		return CA_EXIT_ERROR;
	}
	n = snprintf(buf, len, "%s/%s", cwd, path);
	if (n < 0 || (size_t)n >= len) {
		ca_warn("--%s: path too long", option);
		return CA_EXIT_ERROR;
	}
	*out = buf;
	return CA_EXIT_OK;
}

static int
dispatch(struct crmauth *ca, int argc, char **argv)
{
	size_t i;

	if (strcmp(argv[0], "help") == 0)
		return ca_help(usage_text);
	for (i = 0; i < CRM_ARRAY_SIZE(commands); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			return commands[i].fn(ca, argc, argv);
	return ca_usage_error(usage_text, "unknown command '%s'", argv[0]);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "keyfile", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char conf_buf[PATH_MAX], db_buf[PATH_MAX], key_buf[PATH_MAX];
	struct crmauth ca;
	int c, ret = CA_EXIT_ERROR;

	ca_setup(&ca);
	/* "+": stop at COMMAND; what follows belongs to the command. */
	while ((c = ca_getopt(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ret = absolute_path("conf", optarg, conf_buf,
					    sizeof(conf_buf), &ca.args.conf);
			break;
		case 'd':
			ret = absolute_path("db", optarg, db_buf,
					    sizeof(db_buf), &ca.args.db);
			break;
		case 'k':
			ret = absolute_path("keyfile", optarg, key_buf,
					    sizeof(key_buf), &ca.args.keyfile);
			break;
		case 'j':
			ca.json = 1;
			ret = CA_EXIT_OK;
			break;
		case 'h':
			ret = ca_help(usage_text);
			goto out;
		default:
			fputs(usage_text, stderr);
			ret = CA_EXIT_ERROR;
			goto out;
		}
		if (ret != CA_EXIT_OK)
			goto out;
	}
	if (optind >= argc) {
		ret = ca_usage_error(usage_text, "no command given");
		goto out;
	}
	ret = dispatch(&ca, argc - optind, argv + optind);
out:
	ca_teardown(&ca);
	/* A listing cut short by a full disk must not look complete. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ca_warn("standard output: %s", strerror(errno));
		ret = CA_EXIT_ERROR;
	}
	return ret;
}
