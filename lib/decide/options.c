/*
 * options.c - the option tables of every decision (options.h).
 */
#include "autoconfig.h"

#include "decide/access.h"
#include "decide/lockout.h"
#include "decide/options.h"
#include "decide/passwd.h"
#include "decide/role.h"
#include "decide/totp.h"

static const struct crm_option_table decide_tables[] = {
	{ "lockout", crm_lockout_options, &crm_lockout_option_count },
	{ "passwd", crm_passwd_options, &crm_passwd_option_count },
	{ "totp", crm_totp_options, &crm_totp_option_count },
	{ "access", crm_access_options, &crm_access_option_count },
	{ "role", crm_role_options, &crm_role_option_count },
};

const struct crm_option_table *
crm_decide_option_tables(size_t *count)
{
	*count = CRM_ARRAY_SIZE(decide_tables);
	return decide_tables;
}
