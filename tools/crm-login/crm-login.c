/*
 * crm-login.c - the reference PAM client.  It runs one login (or, with
 * --switch-from, one account switch) through a PAM service the way a CRM
 * front end does, and prints the outcome and the CRM_ environment:
 *
 *	crm-login [-s SERVICE] [-r RHOST] [-t TTY] [--switch-from USER]
 *		  [--stdin] [--confdir DIR] USER
 *
 * It links libpam only, nothing of pam-crm's own library: it sees the
 * modules exactly as any application does.  --confdir reads the service
 * from DIR (pam_start_confdir, Linux-PAM 1.4+), so that demonstrations
 * and tests need nothing in /etc/pam.d.
 *
 * Exit status: 0 login done, 1 refused by the PAM stack, 2 usage or
 * system error of crm-login itself.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "core/crm.h"
#include "cli/prompt.h"

#define EXIT_REFUSED	1
#define EXIT_ERROR	2
#define PARSE_CONTINUE	(-1)	/* parse_args: run, not exit */


static const char usage_text[] =
"usage: crm-login [-s SERVICE] [-r RHOST] [-t TTY] [--switch-from USER]\n"
"                 [--stdin] [--confdir DIR] USER\n"
"\n"
"  -s, --service SERVICE  PAM service (default crm)\n"
"  -r, --rhost RHOST      remote address (PAM_RHOST)\n"
"  -t, --tty TTY          terminal (PAM_TTY)\n"
"  --switch-from USER     the signed-in user switching to USER (PAM_RUSER)\n"
"  --stdin                answer prompts with lines of standard input\n"
"  --confdir DIR          read the service file from DIR, not /etc/pam.d\n";

struct login_opts {
	const char *service;
	const char *rhost;
	const char *tty;
	const char *switch_from;
	const char *confdir;
	const char *user;
	int from_stdin;
};

/* ---- reading answers ---- */

static int
ask(const struct login_opts *opts, const char *prompt, int echo, char *buf,
    size_t len)
{
	int rc;

	if (!opts->from_stdin) {
		rc = crm_ask_terminal(prompt, echo, buf, len);
		if (rc == CRM_ESYS)
			fprintf(stderr, "crm-login: no terminal to ask on "
				"(%s); use --stdin\n", strerror(errno));
	} else {
		/* The prompt still shows, on stderr, so that a transcript
		 * says which line answered what; stdout stays the outcome. */
		fputs(prompt, stderr);
		fputc('\n', stderr);
		fflush(stderr);
		rc = crm_read_line(STDIN_FILENO, buf, len);
	}
	if (rc == CRM_INVALID)
		fprintf(stderr, "crm-login: answer longer than %zu bytes\n",
			len - 1);
	return rc == CRM_OK ? 0 : -1;
}

/* ---- the conversation ---- */

static void
free_replies(struct pam_response *replies, int count)
{
	int i;

	if (replies == NULL)
		return;
	for (i = 0; i < count; i++) {
		if (replies[i].resp != NULL) {
			explicit_bzero(replies[i].resp,
				       strlen(replies[i].resp));
			free(replies[i].resp);
		}
	}
	free(replies);
}

/*
 * Prompts are answered from the terminal or from standard input; error
 * messages go to stderr, information to stdout.  The replies belong to
 * libpam once returned (the module frees them); on failure they are
 * cleared and freed here.
 */
static int
conversation(int num_msg, const struct pam_message **msg,
	     struct pam_response **resp, void *appdata_ptr)
{
	const struct login_opts *opts = appdata_ptr;
	struct pam_response *replies;
	char line[PAM_MAX_RESP_SIZE];
	const char *text;
	int i, echo, rc = PAM_CONV_ERR;

	*resp = NULL;
	if (num_msg <= 0 || num_msg > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	replies = calloc((size_t)num_msg, sizeof(*replies));
	if (replies == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < num_msg; i++) {
		text = msg[i]->msg != NULL ? msg[i]->msg : "";
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			echo = msg[i]->msg_style == PAM_PROMPT_ECHO_ON;
			if (ask(opts, text, echo, line, sizeof(line)) != 0)
				goto fail;
			replies[i].resp = strdup(line);
			explicit_bzero(line, sizeof(line));
			if (replies[i].resp == NULL) {
				rc = PAM_BUF_ERR;
				goto fail;
			}
			break;
		case PAM_ERROR_MSG:
			fprintf(stderr, "%s\n", text);
			fflush(stderr);
			break;
		case PAM_TEXT_INFO:
			fprintf(stdout, "%s\n", text);
			fflush(stdout);
			break;
		default:
			/* Binary prompts and the like: not ours to answer. */
			goto fail;
		}
	}
	*resp = replies;
	return PAM_SUCCESS;
fail:
	explicit_bzero(line, sizeof(line));
	free_replies(replies, num_msg);
	return rc;
}

/* ---- the login ---- */

/*
 * The sequence a login program runs.  A password that has expired or
 * that an administrator flagged is changed on the spot, as login(1)
 * does.  *session_open tells the caller to close it.
 */
static int
run_login(pam_handle_t *pamh, int *session_open)
{
	int rc;

	*session_open = 0;
	rc = pam_authenticate(pamh, 0);
	if (rc != PAM_SUCCESS)
		return rc;
	rc = pam_acct_mgmt(pamh, 0);
	if (rc == PAM_NEW_AUTHTOK_REQD)
		rc = pam_chauthtok(pamh, PAM_CHANGE_EXPIRED_AUTHTOK);
	if (rc != PAM_SUCCESS)
		return rc;
	rc = pam_open_session(pamh, 0);
	if (rc != PAM_SUCCESS)
		return rc;
	*session_open = 1;
	return PAM_SUCCESS;
}

/* A value as printed: control characters shown as '?', so that a module
 * cannot drive the terminal through the environment. */
static void
print_clean(const char *text)
{
	for (; *text != '\0'; text++)
		putchar((unsigned char)*text < 0x20 || *text == 0x7f ? '?'
								     : *text);
	putchar('\n');
}

/* The PAM environment's variables whose names start with prefix. */
static int
print_env(pam_handle_t *pamh, const char *prefix)
{
	char **env;
	size_t i;

	env = pam_getenvlist(pamh);
	if (env == NULL) {
		fprintf(stderr, "crm-login: pam_getenvlist: out of memory\n");
		return -1;
	}
	for (i = 0; env[i] != NULL; i++) {
		if (strncmp(env[i], prefix, strlen(prefix)) == 0)
			print_clean(env[i]);
		free(env[i]);
	}
	free(env);
	return 0;
}

static int
print_success(pam_handle_t *pamh, const struct login_opts *opts)
{
	const void *item = NULL;
	const char *user = opts->user;
	const struct passwd *pw;

	/* A module may have mapped the name (case, aliases): show the one
	 * the stack decided about. */
	if (pam_get_item(pamh, PAM_USER, &item) == PAM_SUCCESS &&
	    item != NULL)
		user = item;
	printf("login ok: %s (service %s)\n", user, opts->service);
	/* What login(1) at a kiosk would start next: the account as the
	 * system's user database (with libnss-extrausers, the CRM's own
	 * accounts too) knows it, or that it knows none. */
	pw = getpwnam(user);
	if (pw != NULL)
		printf("system account: uid %lu, home %s, shell %s\n",
		       (unsigned long)pw->pw_uid, pw->pw_dir, pw->pw_shell);
	else
		printf("system account: none\n");
	return print_env(pamh, "CRM_");
}

static int
set_item(pam_handle_t *pamh, int type, const char *name, const char *value)
{
	int rc;

	if (value == NULL)
		return 0;
	rc = pam_set_item(pamh, type, value);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "crm-login: pam_set_item(%s): %s\n", name,
			pam_strerror(pamh, rc));
		return -1;
	}
	return 0;
}

static int
parse_args(int argc, char **argv, struct login_opts *opts)
{
	static const struct option longopts[] = {
		{ "service", required_argument, NULL, 's' },
		{ "rhost", required_argument, NULL, 'r' },
		{ "tty", required_argument, NULL, 't' },
		{ "switch-from", required_argument, NULL, 'f' },
		{ "stdin", no_argument, NULL, 'i' },
		{ "confdir", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->service = "crm";
	while ((c = getopt_long(argc, argv, "s:r:t:h", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's':
			opts->service = optarg;
			break;
		case 'r':
			opts->rhost = optarg;
			break;
		case 't':
			opts->tty = optarg;
			break;
		case 'f':
			opts->switch_from = optarg;
			break;
		case 'i':
			opts->from_stdin = 1;
			break;
		case 'c':
			opts->confdir = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_SUCCESS;
		default:
			fputs(usage_text, stderr);
			return EXIT_ERROR;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "crm-login: %s\n", optind < argc ?
			"only one USER" : "USER missing");
		fputs(usage_text, stderr);
		return EXIT_ERROR;
	}
	opts->user = argv[optind];
	if (opts->user[0] == '\0' || opts->service[0] == '\0' ||
	    (opts->confdir != NULL && opts->confdir[0] != '/')) {
		fprintf(stderr, "crm-login: USER and SERVICE must not be "
			"empty, DIR must be absolute\n");
		return EXIT_ERROR;
	}
	return PARSE_CONTINUE;
}

int
main(int argc, char **argv)
{
	struct login_opts opts;
	struct pam_conv conv;
	pam_handle_t *pamh = NULL;
	int rc, ret, session_open = 0;

	if ((ret = parse_args(argc, argv, &opts)) != PARSE_CONTINUE)
		return ret;
	conv.conv = conversation;
	conv.appdata_ptr = &opts;
	if (opts.confdir != NULL)
		rc = pam_start_confdir(opts.service, opts.user, &conv,
				       opts.confdir, &pamh);
	else
		rc = pam_start(opts.service, opts.user, &conv, &pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "crm-login: pam_start: %s\n",
			pam_strerror(pamh, rc));
		return EXIT_ERROR;
	}
	if (set_item(pamh, PAM_RHOST, "PAM_RHOST", opts.rhost) != 0 ||
	    set_item(pamh, PAM_TTY, "PAM_TTY", opts.tty) != 0 ||
	    set_item(pamh, PAM_RUSER, "PAM_RUSER", opts.switch_from) != 0) {
		rc = PAM_SYSTEM_ERR;
		ret = EXIT_ERROR;
		goto out;
	}

	rc = run_login(pamh, &session_open);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "login failed: %s\n", pam_strerror(pamh, rc));
		/* Why, as a front end would read it to pick its page:
		 * CRM_STATUS=disabled|suspended|locked|expired. */
		(void)print_env(pamh, "CRM_STATUS=");
		ret = EXIT_REFUSED;
		goto out;
	}
	ret = print_success(pamh, &opts) == 0 ? EXIT_SUCCESS : EXIT_ERROR;
out:
	if (session_open) {
		int close_rc = pam_close_session(pamh, 0);

		/* The login itself succeeded: say so, but do not undo it. */
		if (close_rc != PAM_SUCCESS)
			fprintf(stderr, "crm-login: pam_close_session: %s\n",
				pam_strerror(pamh, close_rc));
	}
	pam_end(pamh, rc);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "crm-login: standard output: %s\n",
			strerror(errno));
		ret = EXIT_ERROR;
	}
	return ret;
}
