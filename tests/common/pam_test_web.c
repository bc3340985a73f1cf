/*
 * pam_test_web - a module for tests/e2e/test_web.py only: it makes a web
 * server's PAM client show what it does with what a pam_crm stack can
 * return, without pam_crm.
 *
 *   account  expired     PAM_NEW_AUTHTOK_REQD (an expired password, as
 *                        pam_crm_passwd returns it); without: success
 *   account  putenv=K=V  pam_putenv(K=V) first (as pam_crm_role sets
 *                        CRM_ROLES and the others)
 *   auth     info=TEXT   one PAM_TEXT_INFO message; PAM_CONV_ERR when the
 *                        application's conversation refuses it, success
 *                        when it takes it
 *
 * It stores nothing and reads no file.
 */
#include <string.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

static const char *
arg(int argc, const char **argv, const char *name)
{
	size_t n = strlen(name);
	int i;

	for (i = 0; i < argc; i++)
		if (strncmp(argv[i], name, n) == 0 &&
		    (argv[i][n] == '=' || argv[i][n] == '\0'))
			return argv[i][n] == '=' ? argv[i] + n + 1 : "";
	return NULL;
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	const char *info = arg(argc, argv, "info");

	(void)flags;
	if (info == NULL)
		return PAM_SUCCESS;
	/* Sent whatever PAM_SILENT says: the point is what the server does
	 * with the message. */
	return pam_info(pamh, "%s", info) == PAM_SUCCESS ? PAM_SUCCESS :
	    PAM_CONV_ERR;
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}

int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const char *env = arg(argc, argv, "putenv");

	(void)flags;
	if (env != NULL && pam_putenv(pamh, env) != PAM_SUCCESS)
		return PAM_SERVICE_ERR;
	return arg(argc, argv, "expired") != NULL ? PAM_NEW_AUTHTOK_REQD :
	    PAM_SUCCESS;
}
