/*
 * fuzz_config.c - libFuzzer target for pam_crm.conf and module arguments,
 * through the modules' own option tables (lockout with its role sections,
 * passwd).
 *
 * Input: the configuration file, then optionally a NUL byte and the module
 * arguments, split at white space.  The file is handed over as a memfd,
 * conf=/proc/self/fd/N, so that the loader reads it exactly as it reads
 * /etc/security/pam_crm.conf and no file is left behind.
 */
#define _GNU_SOURCE
#include "autoconfig.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/context.h"
#include "decide/access.h"
#include "decide/lockout.h"
#include "decide/options.h"
#include "decide/passwd.h"
#include "decide/role.h"

#define MAX_ARGS 64

/* A tool's section with a range (crmauth's uid_range): the one option
 * type no module has. */
struct range_opts {
	struct crm_common_opts common;
	struct crm_range range;
};

static const struct crm_option range_options[] = {
	CRM_COMMON_OPTIONS(struct range_opts),
	{ "uid_range", CRM_OPT_RANGE, offsetof(struct range_opts, range),
	  1000, 2147483646L, NULL, 0 },
};

static void
load_range(int argc, const char **argv, const struct crm_log *log)
{
	struct range_opts opts;
	struct crm_config_spec spec = {
		.section = "crmauth",
		.options = range_options,
		.option_count = CRM_ARRAY_SIZE(range_options),
		.values = &opts,
		.values_size = sizeof(opts),
	};

	memset(&opts, 0, sizeof(opts));
	crm_common_defaults(&opts.common);
	spec.global_tables = crm_decide_option_tables(&spec.global_table_count);
	(void)crm_config_load(&spec, crm_default_conf(), argc, argv, NULL, log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Format every message, as pam_syslog would: a bad format argument in a
 * loader message shows up here. */
static void
format_log(void *arg, int priority, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
}

static int
write_all(int fd, const uint8_t *data, size_t size)
{
	ssize_t n;

	while (size > 0) {
		n = write(fd, data, size);
		if (n <= 0)
			return -1;
		data += n;
		size -= (size_t)n;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct crm_log log = { format_log, NULL, 1 };
	struct crm_lockout_opts lockout;
	struct crm_lockout_pam_opts lockout_pam;
	struct crm_passwd_pam_opts passwd_pam;
	struct crm_passwd_opts passwd;
	struct crm_access_opts access;
	struct crm_access_pam_opts access_pam;
	struct crm_role_opts role;
	const uint8_t *nul;
	char conf_arg[64];
	char *words = NULL, *word, *save = NULL;
	const char *argv[MAX_ARGS + 1];
	size_t file_size = size;
	int argc = 0, fd;

	fd = memfd_create("fuzz_config", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	nul = memchr(data, '\0', size);
	if (nul != NULL)
		file_size = (size_t)(nul - data);
	if (write_all(fd, data, file_size) != 0)
		abort();
	snprintf(conf_arg, sizeof(conf_arg), "conf=/proc/self/fd/%d", fd);
	argv[argc++] = conf_arg;

	if (nul != NULL) {
		size_t len = size - file_size - 1;

		words = malloc(len + 1);
		if (words == NULL)
			abort();
		memcpy(words, nul + 1, len);
		words[len] = '\0';
		for (word = strtok_r(words, " \t\n", &save);
		     word != NULL && argc < MAX_ARGS;
		     word = strtok_r(NULL, " \t\n", &save)) {
			/* Another conf= would read whatever file the input
			 * names: keep the run to the input alone. */
			if (strncmp(word, "conf", 4) == 0)
				continue;
			argv[argc++] = word;
		}
	}
	argv[argc] = NULL;

	crm_lockout_defaults(&lockout, &lockout_pam);
	if (crm_lockout_load(&lockout, &lockout_pam, argc, argv, &log) == CRM_OK)
		crm_lockout_free(&lockout);
	crm_passwd_defaults(&passwd, &passwd_pam);
	(void)crm_passwd_load(&passwd, &passwd_pam, argc, argv, &log);
	crm_access_defaults(&access, &access_pam);
	(void)crm_access_load(&access, &access_pam, argc, argv, &log);
	load_range(argc, argv, &log);
	crm_role_defaults(&role);
	(void)crm_role_load(&role, argc, argv, &log);

	free(words);
	close(fd);
	return 0;
}
