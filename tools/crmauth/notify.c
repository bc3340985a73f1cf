/*
 * notify.c - notify_command: after a committed change of who may do
 * what, run the administrator's program with the event as JSON on its
 * standard input (a ticket, a chat message, a SIEM).
 *
 * The change is made before and whatever the program does: its failure,
 * a hang or a crash is a warning on stderr and in the log, never another
 * exit status.  So it runs without a shell (execve of the path itself,
 * argv [PATH, EVENT]), with every descriptor but its standard input
 * closed (the database and the key file stay ours), with /dev/null as
 * output, and for notify_timeout at most: then it is killed (with its
 * process group, so that its own children go too) and reaped.
 * No signal handler is installed: the wait polls waitpid(WNOHANG), and
 * the event goes through a socket sent with MSG_NOSIGNAL, so that a
 * program that exits without reading cannot kill crmauth with SIGPIPE.
 */
#include "autoconfig.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/clock.h"

#include "crmauth.h"

/* How often the wait looks at the program. */
#define NOTIFY_POLL_MS	10

/*
 * The events that notify: changes of accounts' status, roles,
 * permissions, departments, switching and access rules, lockout resets
 * and imports.  A trailing blank makes an entry a prefix (every verb of
 * the family).  Credentials (user passwd, totp enroll, recovery, import)
 * and init do not notify: the user is told by other means, and they
 * change no one's permissions.
 */
static const char *const notify_events[] = {
	"admin:user add", "admin:user del", "admin:user enable",
	"admin:user disable", "admin:user suspend", "admin:user expire",
	"admin:user set", "admin:user link",
	"admin:role ", "admin:template ", "admin:dept ", "admin:switch ",
	"admin:allow ", "admin:lockout reset", "admin:totp_disable",
	"admin:import",
};

static int
notify_wanted(const char *event)
{
	size_t i, len;

	for (i = 0; i < CRM_ARRAY_SIZE(notify_events); i++) {
		len = strlen(notify_events[i]);
		if (notify_events[i][len - 1] == ' ' ?
		    strncmp(event, notify_events[i], len) == 0 :
		    strcmp(event, notify_events[i]) == 0)
			return 1;
	}
	return 0;
}

/* {"event":..., "name":..., "user":..., "detail":..., "time":...}. */
static char *
notify_json(const struct ca_change *change)
{
	json_object *obj = json_object_new_object();
	char *text = NULL;

	if (obj != NULL &&
	    ca_json_str(obj, "event", change->event) == CRM_OK &&
	    ca_json_str(obj, "name", change->name) == CRM_OK &&
	    ca_json_str(obj, "user", change->user) == CRM_OK &&
	    ca_json_str(obj, "detail", change->detail) == CRM_OK &&
	    ca_json_time(obj, "time", crm_now_ms()) == CRM_OK) {
		text = strdup(json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PLAIN |
			JSON_C_TO_STRING_NOSLASHESCAPE));
	}
	json_object_put(obj);
	return text;
}

/* In the child, before execve: only async-signal-safe calls. */
static void
notify_exec(const char *path, const char *event, int in)
{
	static char *const envp[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		"/sbin:/bin", NULL,
	};
	char *argv[3];
	int null, fd;

	/* Its own process group: a hang in a grandchild (a shell's
	 * sleep) is killed with it. */
	(void)setpgid(0, 0);
	argv[0] = (char *)path;
	argv[1] = (char *)event;
	argv[2] = NULL;
	null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(in, STDIN_FILENO) < 0 ||
	    dup2(null, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0)
		_exit(127);
	/* Everything else: the database, the key file, the terminal. */
	if (close_range(3, ~0U, 0) != 0)
		for (fd = 3; fd < 1024; fd++)
			(void)close(fd);
	execve(path, argv, envp);
	_exit(127);
}

static void
notify_warn(const char *path, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A warning on stderr and in the log: the change itself stands. */
static void
notify_warn(const char *path, const char *event, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	ca_warn("warning: notify_command %s (%s): %s; the change is made",
		path, event, why);
	openlog("crmauth", LOG_PID, LOG_AUTHPRIV);
	syslog(LOG_WARNING, "notify_command %s (%s): %s", path, event, why);
	closelog();
}

/* Wait for pid up to timeout_ms, then kill it; always reaped. */
static void
notify_wait(pid_t pid, const char *path, const char *event,
	    unsigned long timeout_ms)
{
	const struct timespec tick = { 0, NOTIFY_POLL_MS * 1000000L };
	int64_t deadline = crm_now_ms() + (int64_t)timeout_ms;
	pid_t got;
	int status = 0;

	for (;;) {
		got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			break;
		if (got < 0 && errno != EINTR) {
			notify_warn(path, event, "wait: %s", strerror(errno));
			return;
		}
		if (crm_now_ms() >= deadline) {
			(void)kill(-pid, SIGKILL);
			(void)kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			notify_warn(path, event, "still running after %lu ms, "
				    "killed", timeout_ms);
			return;
		}
		(void)nanosleep(&tick, NULL);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		notify_warn(path, event, "could not be run (exit status "
			    "127)");
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		notify_warn(path, event, "exit status %d",
			    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		notify_warn(path, event, "killed by signal %d",
			    WTERMSIG(status));
}

void
ca_notify(struct crmauth *ca, const struct ca_change *change)
{
	const char *path = ca->opts.notify_command;
	char *text;
	int sv[2];
	pid_t pid;

	if (path[0] == '\0' || change->event == NULL ||
	    !notify_wanted(change->event))
		return;
	if ((text = notify_json(change)) == NULL) {
		notify_warn(path, change->event, "out of memory");
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		notify_warn(path, change->event, "socketpair: %s",
			    strerror(errno));
		goto out;
	}
	/* Nothing buffered in stdio may be written twice by the child. */
	(void)fflush(stdout);
	(void)fflush(stderr);
	pid = fork();
	if (pid == 0)
		notify_exec(path, change->event, sv[1]);
	close(sv[1]);
	if (pid < 0) {
		notify_warn(path, change->event, "fork: %s", strerror(errno));
		close(sv[0]);
		goto out;
	}
	/* An event is far smaller than the socket's buffer: the send does
	 * not wait for the reader, and a reader gone is EPIPE, no signal. */
	if (send(sv[0], text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ||
	    send(sv[0], "\n", 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		notify_warn(path, change->event, "event not delivered: %s",
			    strerror(errno));
	close(sv[0]);
	notify_wait(pid, path, change->event, ca->opts.notify_timeout_ms);
out:
	free(text);
}
