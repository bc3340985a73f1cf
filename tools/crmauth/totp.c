/*
 * totp.c - crmauth totp: enrol a user (QR, URI, recovery codes shown
 * once), confirm or check a code, new recovery codes, disable.
 *
 * The seed and the codes leave the program only on standard output, to
 * the administrator who enrols; never into an audit detail or a log.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "cli/totp_import.h"
#include "core/crypto.h"
#include "core/otpauth.h"
#include "core/qr.h"
#include "decide/totp.h"
#include "store/store.h"

#include "crmauth.h"

static const char totp_usage[] =
"usage: crmauth totp enroll NAME [--algorithm SHA1|SHA256|SHA512] [--digits 6|7|8] [--period S]\n"
"       crmauth totp confirm NAME CODE\n"
"       crmauth totp verify NAME CODE\n"
"       crmauth totp recovery NAME\n"
"       crmauth totp disable NAME\n"
"       crmauth totp import --oath-usersfile FILE\n"
"       crmauth totp import --google-authenticator FILE USER\n";

/* The [totp] options as the module reads them (issuer, digits, ...). */
static int
load_totp_opts(struct crmauth *ca, struct crm_totp_opts *opts)
{
	char conf_arg[PATH_MAX + 8];
	const char *argv[1];
	int argc = ca_module_argv(ca, conf_arg, sizeof(conf_arg), argv);

	crm_totp_defaults(opts, NULL);
	if (argc < 0)
		return CRM_INVALID;
	return crm_totp_load(opts, NULL, argc, argv, &ca->log);
}

/* ---- what an enrolment shows ---- */

static int
show_reveal_text(const struct crm_totp_reveal *reveal)
{
	char *qr = NULL;
	size_t i;
	int rc = CRM_OK;

	if (reveal->uri[0] != '\0') {
		/* Colours fixed, so that the code reads on a dark terminal
		 * and on a light one; a file or pipe gets plain blocks. */
		rc = crm_qr_text(reveal->uri, isatty(STDOUT_FILENO)
				 ? CRM_QR_ANSI : CRM_QR_PLAIN, &qr);
		if (rc != CRM_OK)
			return rc;
		fputs(qr, stdout);
		crm_cleanse(qr, strlen(qr));
		free(qr);
		printf("\n%s\n\n", reveal->uri);
	}
	if (reveal->recovery_count > 0) {
		printf("Recovery codes (each works once; shown only now):\n");
		for (i = 0; i < reveal->recovery_count; i++)
			printf("  %s\n", reveal->recovery[i]);
	}
	return fflush(stdout) == 0 ? CRM_OK : CRM_EDB;
}

static int
show_reveal_json(const char *user, const struct crm_totp_reveal *reveal)
{
	json_object *obj, *codes, *code;
	char *qr = NULL;
	size_t i;
	int rc = CRM_ENOMEM;

	obj = json_object_new_object();
	codes = json_object_new_array();
	if (obj == NULL || codes == NULL)
		goto out;
	if (ca_json_str(obj, "result", "ok") != CRM_OK ||
	    ca_json_str(obj, "name", user) != CRM_OK)
		goto out;
	if (reveal->uri[0] != '\0') {
		json_object *val;

		if ((rc = crm_qr_text(reveal->uri, CRM_QR_PLAIN, &qr)) !=
		    CRM_OK)
			goto out;
		rc = CRM_ENOMEM;
		/* Plain strings: json-c escapes the newlines of the QR; the
		 * URI and the QR hold nothing but ASCII and block glyphs. */
		val = json_object_new_string(reveal->uri);
		if (val == NULL || json_object_object_add(obj, "uri", val)) {
			json_object_put(val);
			goto out;
		}
		val = json_object_new_string(qr);
		if (val == NULL || json_object_object_add(obj, "qr", val)) {
			json_object_put(val);
			goto out;
		}
	}
	for (i = 0; i < reveal->recovery_count; i++) {
		code = json_object_new_string(reveal->recovery[i]);
		if (code == NULL || json_object_array_add(codes, code) != 0) {
			json_object_put(code);
			goto out;
		}
	}
	if (json_object_object_add(obj, "recovery", codes) != 0)
		goto out;
	codes = NULL;
	rc = ca_json_print(obj);
out:
	if (qr != NULL) {
		crm_cleanse(qr, strlen(qr));
		free(qr);
	}
	json_object_put(codes);
	json_object_put(obj);
	return rc;
}

/* ---- enroll ---- */

struct enroll {
	struct crm_totp_opts opts;
	enum crm_totp_algorithm algorithm;
	unsigned int digits, period;
	struct crm_totp_reveal reveal;
};

static int
enroll_apply(struct crmauth *ca, struct ca_change *change)
{
	struct enroll *e = change->arg;
	int rc;

	rc = crm_totp_enroll(ca->ctx, &e->opts, change->name, e->algorithm,
			     e->digits, e->period, &e->reveal);
	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail),
			  "pending; algorithm=%s digits=%u period=%u; "
			  "10 recovery codes",
			  crm_totp_algorithm_name(e->algorithm), e->digits,
			  e->period);
	return rc;
}

static void
enroll_done(struct crmauth *ca, struct ca_change *change)
{
	struct enroll *e = change->arg;
	int rc;

	rc = ca->json ? show_reveal_json(change->name, &e->reveal)
		      : show_reveal_text(&e->reveal);
	if (rc != CRM_OK)
		ca_warn("totp enroll %s: cannot show the enrolment: %s",
			change->name, crm_strerror(rc));
	else if (!ca->json)
		printf("Pending until a first code confirms it: crmauth totp "
		       "confirm %s CODE, or the first login.\n", change->name);
}

static int
parse_uint_arg(const char *what, const char *text, unsigned long min,
	       unsigned long max, unsigned int *out)
{
	char *end;
	unsigned long n = strtoul(text, &end, 10);

	if (text[0] < '0' || text[0] > '9' || *end != '\0' || n < min ||
	    n > max) {
		ca_warn("%s: must be a number from %lu to %lu", what, min,
			max);
		return CRM_INVALID;
	}
	*out = (unsigned int)n;
	return CRM_OK;
}

static int
totp_enroll(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "algorithm", required_argument, NULL, 'a' },
		{ "digits", required_argument, NULL, 'd' },
		{ "period", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ca_change change = { 0 };
	struct enroll *e;
	int c, ret, rc;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return ca_fail(ca, CRM_ENOMEM, "totp enroll");
	ret = ca_exit_code(load_totp_opts(ca, &e->opts));
	if (ret != CA_EXIT_OK)
		goto out;
	e->algorithm = (enum crm_totp_algorithm)e->opts.algorithm;
	e->digits = (unsigned int)e->opts.digits;
	e->period = (unsigned int)e->opts.period;
	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, "", longopts, "totp enroll")) != -1) {
		rc = CRM_OK;
		switch (c) {
		case 'a':
			rc = crm_totp_algorithm_parse(optarg, &e->algorithm);
			if (rc != CRM_OK)
				ca_warn("--algorithm: SHA1, SHA256 or SHA512");
			break;
		case 'd':
			rc = parse_uint_arg("--digits", optarg, 6, 8,
					    &e->digits);
			break;
		case 'p':
			rc = parse_uint_arg("--period", optarg, 1, 3600,
					    &e->period);
			break;
		default:
			ret = ca_verb_option(ca, c, totp_usage);
			if (ret != CA_CONTINUE)
				goto out;
			break;
		}
		if (rc != CRM_OK) {
			ret = ca_usage(totp_usage);
			goto out;
		}
	}
	if (optind + 1 != argc) {
		ret = ca_usage_error(totp_usage, "totp enroll: one NAME");
		goto out;
	}
	if (ca_check_name("user", argv[optind]) != CRM_OK) {
		ret = CA_EXIT_ERROR;
		goto out;
	}
	change.apply = enroll_apply;
	change.done = enroll_done;
	change.arg = e;
	change.kind = "user";
	change.name = argv[optind];
	change.user = argv[optind];
	change.event = "admin:totp_enroll";
	ret = ca_change(ca, &change);
out:
	crm_totp_reveal_clear(&e->reveal);
	crm_totp_free(&e->opts);
	free(e);
	return ret;
}

/* ---- confirm, verify: a code checked as a login checks it ---- */

static int
check_code(struct crmauth *ca, int argc, char **argv, int confirm)
{
	const char *cmd = confirm ? "totp confirm" : "totp verify";
	struct crm_totp_reveal reveal;
	struct crm_totp_opts opts;
	struct crm_outcome out;
	struct crm_request req;
	int ret, rc, shown;

	ret = ca_simple_args(ca, argc, argv, cmd, totp_usage, 2, 2);
	if (ret != CA_CONTINUE)
		return ret;
	if (ca_check_name("user", argv[optind]) != CRM_OK)
		return CA_EXIT_ERROR;
	if ((rc = load_totp_opts(ca, &opts)) != CRM_OK)
		return ca_exit_code(rc);
	if ((rc = ca_open(ca)) != CRM_OK) {
		crm_totp_free(&opts);
		return ca_exit_code(rc);
	}
	memset(&req, 0, sizeof(req));
	req.service = "crmauth";
	req.user = argv[optind];
	req.ruser = ca->invoker[0] != '\0' ? ca->invoker : NULL;
	req.tty = ca->tty[0] != '\0' ? ca->tty : NULL;
	/* The code is used up as at a login: the same step never again. */
	crm_totp_answer(ca->ctx, &opts, &req, argv[optind + 1], &reveal, &out);
	crm_cleanse(argv[optind + 1], strlen(argv[optind + 1]));
	crm_totp_free(&opts);
	if (out.verdict == CRM_FAIL) {
		crm_totp_reveal_clear(&reveal);
		return ca_fail(ca, out.status, "%s %s: %s", cmd, req.user,
			       out.detail);
	}
	if (out.verdict != CRM_ALLOW) {
		crm_totp_reveal_clear(&reveal);
		ca_warn("%s %s: refused (%s)", cmd, req.user, out.detail);
		return CA_EXIT_REFUSED;
	}
	shown = reveal.recovery_count > 0;
	if (shown)
		(void)(ca->json ? show_reveal_json(req.user, &reveal)
				: show_reveal_text(&reveal));
	crm_totp_reveal_clear(&reveal);
	if (!shown || !ca->json)
		ca_done(ca, out.event, req.user, "%s: %s", req.user,
			out.detail);
	return CA_EXIT_OK;
}

static int
totp_confirm(struct crmauth *ca, int argc, char **argv)
{
	return check_code(ca, argc, argv, 1);
}

static int
totp_verify(struct crmauth *ca, int argc, char **argv)
{
	return check_code(ca, argc, argv, 0);
}

/* ---- recovery, disable ---- */

static int
recovery_apply(struct crmauth *ca, struct ca_change *change)
{
	int rc = crm_totp_new_recovery(ca->ctx, change->name, change->arg);

	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail),
			  "10 new recovery codes; the old ones no longer work");
	return rc;
}

static void
recovery_done(struct crmauth *ca, struct ca_change *change)
{
	int rc = ca->json ? show_reveal_json(change->name, change->arg)
			  : show_reveal_text(change->arg);

	if (rc != CRM_OK)
		ca_warn("totp recovery %s: %s", change->name, crm_strerror(rc));
}

static int
totp_recovery(struct crmauth *ca, int argc, char **argv)
{
	struct crm_totp_reveal reveal;
	struct ca_change change = { 0 };
	int ret;

	memset(&reveal, 0, sizeof(reveal));
	ret = ca_simple_args(ca, argc, argv, "totp recovery", totp_usage, 1, 1);
	if (ret != CA_CONTINUE)
		return ret;
	if (ca_check_name("user", argv[optind]) != CRM_OK)
		return CA_EXIT_ERROR;
	change.apply = recovery_apply;
	change.done = recovery_done;
	change.arg = &reveal;
	change.kind = "TOTP enrolment of user";
	change.name = argv[optind];
	change.user = argv[optind];
	change.event = "admin:totp_recovery";
	ret = ca_change(ca, &change);
	crm_totp_reveal_clear(&reveal);
	return ret;
}

static int
disable_apply(struct crmauth *ca, struct ca_change *change)
{
	int rc = crm_store_totp_del(ca->ctx->store, change->name);

	if (rc == CRM_OK)
		ca_detail(change->detail, sizeof(change->detail),
			  "seed and recovery codes removed");
	return rc;
}

static int
totp_disable(struct crmauth *ca, int argc, char **argv)
{
	struct ca_change change = { 0 };
	int ret;

	ret = ca_simple_args(ca, argc, argv, "totp disable", totp_usage, 1, 1);
	if (ret != CA_CONTINUE)
		return ret;
	if (ca_check_name("user", argv[optind]) != CRM_OK)
		return CA_EXIT_ERROR;
	change.apply = disable_apply;
	change.kind = "TOTP enrolment of user";
	change.name = argv[optind];
	change.user = argv[optind];
	change.event = "admin:totp_disable";
	change.done_text = "TOTP disabled";
	return ca_change(ca, &change);
}

/* ---- import ---- */

/* A usersfile of a million users is some 60 MB; anything past this is
 * not one. */
#define IMPORT_FILE_MAX (256L * 1024 * 1024)

/* The whole file, NUL-terminated; its bytes are secrets: the caller
 * cleanses them. */
static int
read_secret_file(const char *path, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd, rc = CRM_OK;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ca_warn("%s: %s", path, strerror(errno));
		return CRM_NOTFOUND;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > IMPORT_FILE_MAX) {
		ca_warn("%s: not a regular file of at most %ld bytes", path,
			IMPORT_FILE_MAX);
		close(fd);
		return CRM_INVALID;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		close(fd);
		return CRM_ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ca_warn("%s: %s", path, n < 0 ? strerror(errno)
						      : "changed while read");
			rc = CRM_INVALID;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	if (rc != CRM_OK) {
		crm_cleanse(buf, got);
		free(buf);
		return rc;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return CRM_OK;
}

struct import {
	struct crm_import imp;
	const char *path;
	const char *format;		/* for messages and the audit row */
	const struct crm_import_entry *failed;	/* the entry refused */
	int failed_status;
	struct crm_totp_opts opts;
};

static int
import_apply(struct crmauth *ca, struct ca_change *change)
{
	struct import *im = change->arg;
	const char *codes[CRM_IMPORT_RECOVERY_MAX];
	struct crm_totp existing;
	size_t i, j, codes_total = 0;
	int rc = CRM_OK;

	for (i = 0; rc == CRM_OK && i < im->imp.count; i++) {
		const struct crm_import_entry *e = &im->imp.entries[i];

		im->failed = e;
		/* An enrolment in use is not replaced behind its owner's
		 * back: disable it first, on purpose. */
		rc = crm_store_totp_get(ca->ctx->store, e->user, &existing);
		crm_cleanse(&existing, sizeof(existing));
		if (rc == CRM_OK) {
			rc = CRM_EXISTS;
			break;
		}
		if (rc != CRM_NOTFOUND)
			break;
		for (j = 0; j < e->recovery_count; j++)
			codes[j] = e->recovery[j];
		rc = crm_totp_import_seed(ca->ctx, e->user, e->secret,
					  e->secret_len,
					  (enum crm_totp_algorithm)e->algorithm,
					  e->digits, e->period, 1, codes,
					  e->recovery_count);
		codes_total += e->recovery_count;
	}
	if (rc != CRM_OK) {
		im->failed_status = rc;
		return rc;
	}
	im->failed = NULL;
	ca_detail(change->detail, sizeof(change->detail),
		  "%zu users from %s (%s); %zu recovery codes; confirmed",
		  im->imp.count, im->path, im->format, codes_total);
	return CRM_OK;
}

static int
import_refuse(struct crmauth *ca, struct ca_change *change, int status)
{
	const struct import *im = change->arg;
	const struct crm_import_entry *e = im->failed;

	if (e == NULL)
		return ca_fail(ca, status, "totp import %s", im->path);
	if (status == CRM_EXISTS) {
		ca_warn("totp import %s: line %u: user %s is enrolled already "
			"(crmauth totp disable %s first); nothing imported",
			im->path, e->line, e->user, e->user);
		return CA_EXIT_REFUSED;
	}
	if (status == CRM_NOTFOUND) {
		ca_warn("totp import %s: line %u: no such user %s (crmauth "
			"user add first); nothing imported", im->path, e->line,
			e->user);
		return CA_EXIT_REFUSED;
	}
	return ca_fail(ca, status, "totp import %s: line %u (user %s); "
		       "nothing imported", im->path, e->line, e->user);
}

static void
import_done(struct crmauth *ca, struct ca_change *change)
{
	const struct import *im = change->arg;
	size_t i;

	for (i = 0; !ca->json && i < im->imp.count; i++) {
		const struct crm_import_entry *e = &im->imp.entries[i];

		if (e->window != 0 && e->window != im->opts.window)
			ca_warn("%s: its file asked for a window of %u steps; "
				"pam_crm_totp's window= (%lu) applies", e->user,
				e->window, im->opts.window);
	}
	ca_done(ca, change->event, im->path, "imported %zu users from %s",
		im->imp.count, im->path);
}

static int
totp_import(struct crmauth *ca, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "oath-usersfile", required_argument, NULL, 'o' },
		{ "google-authenticator", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ca_change change = { 0 };
	const char *oath = NULL, *google = NULL, *user = NULL;
	char err[256], *text = NULL;
	struct import *im;
	size_t len = 0, dropped = 0;
	int c, ret, rc;

	ca_getopt_reset();
	while ((c = ca_getopt(argc, argv, "", longopts, "totp import")) != -1) {
		switch (c) {
		case 'o':
			oath = optarg;
			break;
		case 'g':
			google = optarg;
			break;
		default:
			ret = ca_verb_option(ca, c, totp_usage);
			if (ret != CA_CONTINUE)
				return ret;
			break;
		}
	}
	if ((oath == NULL) == (google == NULL))
		return ca_usage_error(totp_usage, "totp import: either "
				      "--oath-usersfile or --google-authenticator");
	if (oath != NULL && optind != argc)
		return ca_usage_error(totp_usage, "totp import: "
				      "--oath-usersfile takes no USER");
	if (google != NULL) {
		if (optind + 1 != argc)
			return ca_usage_error(totp_usage, "totp import: "
					      "--google-authenticator FILE USER");
		user = argv[optind];
		if (ca_check_name("user", user) != CRM_OK)
			return CA_EXIT_ERROR;
	}
	im = calloc(1, sizeof(*im));
	if (im == NULL)
		return ca_fail(ca, CRM_ENOMEM, "totp import");
	im->path = oath != NULL ? oath : google;
	im->format = oath != NULL ? "pam_oath usersfile"
				  : "google-authenticator file";
	ret = ca_exit_code(load_totp_opts(ca, &im->opts));
	if (ret != CA_EXIT_OK)
		goto out;
	rc = read_secret_file(im->path, &text, &len);
	if (rc != CRM_OK) {
		ret = ca_exit_code(rc == CRM_NOTFOUND ? CRM_INVALID : rc);
		goto out;
	}
	err[0] = '\0';
	rc = oath != NULL
		? crm_import_oath_usersfile(text, len, &im->imp, err,
					    sizeof(err))
		: crm_import_google_authenticator(text, len, user, &im->imp,
						  &dropped, err, sizeof(err));
	crm_cleanse(text, len);
	free(text);
	if (rc != CRM_OK) {
		ca_warn("totp import %s: %s; nothing imported", im->path,
			err[0] != '\0' ? err : crm_strerror(rc));
		ret = rc == CRM_ENOMEM ? CA_EXIT_ERROR : CA_EXIT_REFUSED;
		goto out;
	}
	if (dropped > 0)
		ca_warn("%s: %zu scratch codes past the first ten not kept",
			user, dropped);
	change.apply = import_apply;
	change.refuse = import_refuse;
	change.done = import_done;
	change.arg = im;
	change.kind = "file";
	change.name = im->path;
	change.user = user;
	change.event = "admin:totp_import";
	ret = ca_change(ca, &change);
out:
	crm_import_free(&im->imp);
	crm_totp_free(&im->opts);
	free(im);
	return ret;
}

int
cmd_totp(struct crmauth *ca, int argc, char **argv)
{
	static const struct ca_verb verbs[] = {
		{ "enroll", totp_enroll },
		{ "confirm", totp_confirm },
		{ "verify", totp_verify },
		{ "recovery", totp_recovery },
		{ "disable", totp_disable },
		{ "import", totp_import },
	};

	return ca_dispatch(ca, argc, argv, verbs, CRM_ARRAY_SIZE(verbs),
			   totp_usage);
}
