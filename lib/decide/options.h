/*
 * options.h - the option tables of every decision, in one list, so that
 * the configuration loader can tell another module's option in [global]
 * from a typo.  lib/core knows no decision: each loader (and crmauth)
 * hands this list to crm_config_load in crm_config_spec.global_tables.
 * A new decision adds its table here.
 */
#ifndef CRM_DECIDE_OPTIONS_H
#define CRM_DECIDE_OPTIONS_H

#include <stddef.h>

#include "core/config.h"

const struct crm_option_table *crm_decide_option_tables(size_t *count);

#endif
