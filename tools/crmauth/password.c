/*
 * password.c - a new password read from standard input or asked twice on
 * the terminal without echo; never from the command line.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/prompt.h"
#include "core/crm.h"
#include "core/crypto.h"

#include "crmauth.h"

static void
password_read_error(int rc, size_t len)
{
	if (rc == CRM_INVALID)
		ca_warn("password longer than %zu bytes refused", len - 1);
	else
		ca_warn("reading the password: %s", strerror(errno));
}

/* A hidden prompt on the terminal; end of input is an empty answer. */
static int
ask_hidden(const char *prompt, char *buf, size_t len)
{
	int rc = crm_ask_terminal(prompt, 0, buf, len);

	if (rc == CRM_NOTFOUND) {
		buf[0] = '\0';
		return CRM_OK;
	}
	if (rc != CRM_OK)
		password_read_error(rc, len);
	return rc;
}

int
ca_read_password(const char *who, int from_stdin, char *buf, size_t len)
{
	char again[CA_PASSWORD_MAX + 1];
	char prompt[CRM_NAME_MAX + 32];
	size_t n;
	int rc;

	if (!from_stdin && isatty(STDIN_FILENO)) {
		n = len < sizeof(again) ? len : sizeof(again);
		snprintf(prompt, sizeof(prompt), "New password for %s: ",
			 who);
		if ((rc = ask_hidden(prompt, buf, n)) != CRM_OK)
			goto out;
		if (buf[0] != '\0') {
			rc = ask_hidden("Retype new password: ", again, n);
			if (rc != CRM_OK)
				goto out;
			if (strlen(buf) != strlen(again) ||
			    !crm_equal(buf, again, strlen(buf))) {
				ca_warn("user %s: passwords do not match",
					who);
				rc = CRM_INVALID;
				goto out;
			}
		}
	} else {
		rc = crm_read_line(STDIN_FILENO, buf, len);
		if (rc == CRM_NOTFOUND) {	/* nothing typed: empty */
			buf[0] = '\0';
			rc = CRM_OK;
		} else if (rc != CRM_OK) {
			password_read_error(rc, len);
			goto out;
		}
	}
	if (buf[0] == '\0') {
		ca_warn("user %s: empty password refused", who);
		rc = CRM_INVALID;
	}
out:
	crm_cleanse(again, sizeof(again));
	if (rc != CRM_OK)
		crm_cleanse(buf, len);
	return rc;
}

int
ca_read_candidate(int from_stdin, char *buf, size_t len)
{
	int rc;

	if (!from_stdin && isatty(STDIN_FILENO))
		rc = ask_hidden("Password to check: ", buf, len);
	else {
		rc = crm_read_line(STDIN_FILENO, buf, len);
		if (rc == CRM_NOTFOUND) {	/* nothing typed: empty */
			buf[0] = '\0';
			rc = CRM_OK;
		} else if (rc != CRM_OK) {
			password_read_error(rc, len);
		}
	}
	if (rc == CRM_OK && buf[0] == '\0') {
		ca_warn("empty password refused");
		rc = CRM_INVALID;
	}
	if (rc != CRM_OK)
		crm_cleanse(buf, len);
	return rc;
}
