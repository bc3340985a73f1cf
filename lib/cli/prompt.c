/*
 * prompt.c - reading secrets for the tools.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/crm.h"
#include "cli/prompt.h"

/* The signal that interrupted a hidden prompt: raised again once the
 * terminal has its echo back. */
static volatile sig_atomic_t caught_signo;

static const int prompt_signals[] = {
	SIGINT, SIGHUP, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU,
};
#define PROMPT_SIGNALS CRM_ARRAY_SIZE(prompt_signals)

static void
catch_signal(int signo)
{
	caught_signo = signo;
}

int
crm_read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	char c = '\0';
	int rc = CRM_OK, got = 0;

	if (len == 0)
		return CRM_INVALID;
	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0) {
			if (errno == EINTR && !caught_signo)
				continue;
			rc = CRM_ESYS;
			break;
		}
		if (r == 0)
			break;
		got = 1;
		if (c == '\n')
			break;
		if (n + 1 >= len) {
			rc = CRM_INVALID;
			break;
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	c = '\0';
	if (rc == CRM_OK && !got)
		rc = CRM_NOTFOUND;
	if (rc != CRM_OK)
		explicit_bzero(buf, len);
	return rc;
}

int
crm_ask_terminal(const char *prompt, int echo, char *buf, size_t len)
{
	struct sigaction catch, saved_sa[PROMPT_SIGNALS];
	struct termios saved, quiet;
	size_t i;
	int fd, rc = CRM_ESYS, restore = 0;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return CRM_ESYS;
	caught_signo = 0;
	memset(&catch, 0, sizeof(catch));
	catch.sa_handler = catch_signal;
	sigemptyset(&catch.sa_mask);
	catch.sa_flags = 0;	/* no SA_RESTART: read() must return */
	for (i = 0; i < PROMPT_SIGNALS; i++)
		sigaction(prompt_signals[i], &catch, &saved_sa[i]);

	if (!echo) {
		if (tcgetattr(fd, &saved) != 0)
			goto out;
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;	/* the newline still shows */
		if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
			goto out;
		restore = 1;
	}
	if (write(fd, prompt, strlen(prompt)) < 0)
		goto out;
	rc = crm_read_line(fd, buf, len);
out:
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &saved);
	close(fd);
	for (i = 0; i < PROMPT_SIGNALS; i++)
		sigaction(prompt_signals[i], &saved_sa[i], NULL);
	if (caught_signo != 0) {
		explicit_bzero(buf, len);
		raise(caught_signo);
		rc = CRM_ESYS;
	}
	return rc;
}
