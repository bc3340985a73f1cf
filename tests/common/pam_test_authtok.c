/*
 * pam_test_authtok - a password module for tests only: it stands where
 * pam_unix use_authtok stands after pam_crm_passwd store=next, and
 * succeeds only when PAM_AUTHTOK holds the password given as
 * expect=VALUE.  It stores nothing.  Its verdict goes to syslog, which
 * the tests read.
 */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

int
pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const void *item = NULL;
	const char *expect = NULL;
	int i;

	if (!(flags & PAM_UPDATE_AUTHTOK))
		return PAM_SUCCESS;
	for (i = 0; i < argc; i++)
		if (strncmp(argv[i], "expect=", 7) == 0)
			expect = argv[i] + 7;
	if (expect == NULL ||
	    pam_get_item(pamh, PAM_AUTHTOK, &item) != PAM_SUCCESS ||
	    item == NULL) {
		pam_syslog(pamh, LOG_ERR, "pam_test_authtok: no PAM_AUTHTOK");
		return PAM_AUTHTOK_ERR;
	}
	if (strcmp(item, expect) != 0) {
		pam_syslog(pamh, LOG_ERR, "pam_test_authtok: other PAM_AUTHTOK");
		return PAM_AUTHTOK_ERR;
	}
	pam_syslog(pamh, LOG_INFO, "pam_test_authtok: PAM_AUTHTOK as expected");
	return PAM_SUCCESS;
}
