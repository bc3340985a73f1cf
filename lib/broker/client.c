/*
 * client.c - one call through crm-authd (client.h).
 */
#include "autoconfig.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "broker/client.h"
#include "core/clock.h"
#include "core/crypto.h"

/* A connect in progress completes by the deadline (for a unix socket
 * it rarely is in progress: a full backlog answers EAGAIN). */
static int
wait_writable(int fd, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int64_t left = deadline - crm_monotonic_ms();

	return left > 0 && poll(&p, 1, (int)left) == 1 ? CRM_OK : CRM_EUNAVAIL;
}

static int
unavailable(char *err, size_t errlen, const char *what, const char *path)
{
	snprintf(err, errlen, "crm-authd: %s: %s", path, what);
	return CRM_EUNAVAIL;
}

/* Only a socket that root (or we) made, in a directory nobody else can
 * change, may hear a password. */
static int
check_socket(const char *path, char *err, size_t errlen)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uid_t self = geteuid();
	struct stat st;
	char *slash;

	if (lstat(path, &st) != 0)
		return unavailable(err, errlen, "no socket there",
				   path);
	if (!S_ISSOCK(st.st_mode) || (st.st_uid != 0 && st.st_uid != self))
		return unavailable(err, errlen, "not a socket owned by root", path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return unavailable(err, errlen, "not an absolute path", path);
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    (st.st_uid != 0 && st.st_uid != self) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return unavailable(err, errlen, "its directory is not root's alone", path);
	return CRM_OK;
}

static int
connect_daemon(const char *path, int64_t deadline, int *out, char *err,
	       size_t errlen)
{
	struct sockaddr_un sa;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd, rc, soerr = 0;

	*out = -1;
	if (strlen(path) >= sizeof(sa.sun_path))
		return unavailable(err, errlen, "socket path too long", path);
	rc = check_socket(path, err, errlen);
	if (rc != CRM_OK)
		return rc;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return unavailable(err, errlen, "cannot make a socket",
				   path);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	/* A full backlog answers EAGAIN at once: try again until the
	 * deadline rather than fail a login the daemon would answer. */
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (errno == EINPROGRESS) {
			socklen_t sl = sizeof(soerr);

			if (wait_writable(fd, deadline) != CRM_OK ||
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
				       &sl) != 0 || soerr != 0)
				goto fail;
			break;
		}
		if (errno != EAGAIN && errno != EINTR)
			goto fail;
		if (crm_monotonic_ms() >= deadline)
			goto fail;
		(void)poll(NULL, 0, 2);
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		close(fd);
		return unavailable(err, errlen, "the process answering is not root's", path);
	}
	*out = fd;
	return CRM_OK;
fail:
	close(fd);
	return unavailable(err, errlen, "cannot connect (not running, or too slow)", path);
}

static int
put_string(char *dst, size_t size, unsigned int *has, unsigned int bit,
	   const char *value)
{
	if (value == NULL)
		return CRM_OK;
	if (strlen(value) >= size)
		return CRM_INVALID;
	memcpy(dst, value, strlen(value) + 1);
	*has |= bit;
	return CRM_OK;
}

/* The call as a request; CRM_INVALID when it cannot cross the wire. */
static int
request_of(const struct crm_call *call, const struct crm_broker_tickets *t,
	   struct crm_wire_request *w)
{
	const struct crm_request *req = call->req;
	const char *password = NULL, *current = NULL, *code = NULL;
	int rc = CRM_OK;
	int i;

	memset(w, 0, sizeof(*w));
	w->kind = (uint32_t)call->kind;
	if (call->argc < 0 || call->argc > CRM_WIRE_ARGS_MAX)
		return CRM_INVALID;
	for (i = 0; i < call->argc; i++) {
		if (strlen(call->argv[i]) >= CRM_WIRE_ARG_MAX)
			return CRM_INVALID;
		memcpy(w->argv[i], call->argv[i], strlen(call->argv[i]) + 1);
	}
	w->argc = (size_t)call->argc;
	switch (call->kind) {
	case CRM_DECIDE_LOCKOUT:
		w->phase = (uint32_t)call->u.lockout.phase;
		break;
	case CRM_DECIDE_PASSWD:
		w->phase = (uint32_t)call->u.passwd.phase;
		w->how = call->u.passwd.how;
		password = call->u.passwd.password;
		current = call->u.passwd.current;
		break;
	case CRM_DECIDE_TOTP:
		w->phase = (uint32_t)call->u.totp.phase;
		code = call->u.totp.code;
		break;
	case CRM_DECIDE_ACCESS:
		if (call->u.access.explain != NULL)
			return CRM_INVALID;	/* a tool's question */
		w->at_ms = call->u.access.at_ms;
		break;
	case CRM_DECIDE_ROLE:
		w->phase = (uint32_t)call->u.role.phase;
		if (call->u.role.grant != NULL) {
			const struct crm_switch_grant *g = call->u.role.grant;

			w->grant.present = 1;
			snprintf(w->grant.from, sizeof(w->grant.from), "%s",
				 g->from);
			snprintf(w->grant.target, sizeof(w->grant.target),
				 "%s", g->target);
			w->grant.mode = (uint32_t)g->mode;
			snprintf(w->grant.basis, sizeof(w->grant.basis), "%s",
				 g->basis);
			w->grant.recorded = g->recorded;
		}
		break;
	case CRM_DECIDE_SWITCH:
		break;
	}
	rc |= put_string(w->service, sizeof(w->service), &w->has,
			 CRM_HAS_SERVICE, req->service);
	rc |= put_string(w->user, sizeof(w->user), &w->has, CRM_HAS_USER,
			 req->user);
	rc |= put_string(w->ruser, sizeof(w->ruser), &w->has, CRM_HAS_RUSER,
			 req->ruser);
	rc |= put_string(w->rhost, sizeof(w->rhost), &w->has, CRM_HAS_RHOST,
			 req->rhost);
	rc |= put_string(w->tty, sizeof(w->tty), &w->has, CRM_HAS_TTY,
			 req->tty);
	rc |= put_string(w->password, sizeof(w->password), &w->has,
			 CRM_HAS_PASSWORD, password);
	rc |= put_string(w->current, sizeof(w->current), &w->has,
			 CRM_HAS_CURRENT, current);
	rc |= put_string(w->code, sizeof(w->code), &w->has, CRM_HAS_CODE,
			 code);
	{
		unsigned long budget = crm_call_common(call)->busy_timeout_ms;

		w->busy_left_ms = (uint32_t)(t->busy_spent_ms < budget
					     ? budget - t->busy_spent_ms : 0);
	}
	snprintf(w->ticket_auth, sizeof(w->ticket_auth), "%s", t->auth);
	snprintf(w->ticket_pwbegin, sizeof(w->ticket_pwbegin), "%s",
		 t->pwbegin);
	snprintf(w->ticket_counted, sizeof(w->ticket_counted), "%s",
		 t->counted);
	return rc == CRM_OK ? CRM_OK : CRM_INVALID;
}

/* The reply's out-parameters into the call's. */
static void
apply_reply(const struct crm_call *call, struct crm_wire_reply *rep,
	    struct crm_broker_tickets *t)
{
	struct crm_totp_reveal *reveal;
	size_t i;

	t->busy_spent_ms += rep->busy_spent_ms;
	if (rep->ticket_auth[0] != '\0')
		memcpy(t->auth, rep->ticket_auth, sizeof(t->auth));
	if (rep->ticket_pwbegin[0] != '\0')
		memcpy(t->pwbegin, rep->ticket_pwbegin, sizeof(t->pwbegin));
	if (rep->ticket_counted[0] != '\0')
		memcpy(t->counted, rep->ticket_counted, sizeof(t->counted));
	switch (call->kind) {
	case CRM_DECIDE_ROLE:
		if (call->u.role.recorded != NULL)
			*call->u.role.recorded = rep->recorded;
		break;
	case CRM_DECIDE_SWITCH:
		if (call->u.sw.grant == NULL || !rep->grant.present)
			break;
		memset(call->u.sw.grant, 0, sizeof(*call->u.sw.grant));
		snprintf(call->u.sw.grant->from, sizeof(call->u.sw.grant->from),
			 "%s", rep->grant.from);
		snprintf(call->u.sw.grant->target,
			 sizeof(call->u.sw.grant->target), "%s",
			 rep->grant.target);
		call->u.sw.grant->mode = rep->grant.mode == CRM_SWITCH_REAUTH
					 ? CRM_SWITCH_REAUTH : CRM_SWITCH_TRUST;
		snprintf(call->u.sw.grant->basis,
			 sizeof(call->u.sw.grant->basis), "%s",
			 rep->grant.basis);
		call->u.sw.grant->recorded = rep->grant.recorded;
		break;
	case CRM_DECIDE_TOTP:
		reveal = call->u.totp.reveal;
		if (reveal == NULL)
			break;
		reveal->digits = rep->totp_digits;
		reveal->optional = rep->totp_optional;
		memcpy(reveal->uri, rep->totp_uri, sizeof(reveal->uri));
		reveal->uri[sizeof(reveal->uri) - 1] = '\0';
		reveal->recovery_count = rep->recovery_count;
		for (i = 0; i < rep->recovery_count; i++)
			memcpy(reveal->recovery[i], rep->recovery[i],
			       sizeof(reveal->recovery[i]));
		break;
	default:
		break;
	}
}

void
crm_broker_ask(const char *socket_path, unsigned long timeout_ms,
	       const struct crm_call *call, struct crm_broker_tickets *tickets,
	       struct crm_outcome *out)
{
	int64_t deadline = crm_monotonic_ms() + (int64_t)timeout_ms;
	struct crm_wire_request *w = NULL;
	struct crm_wire_reply *rep = NULL;
	struct crm_wire_buf frame = { 0 };
	unsigned char hdr[CRM_WIRE_HEADER];
	unsigned char *payload = NULL;
	char err[PATH_MAX + 128];
	size_t len = 0;
	int fd = -1, rc;

	crm_outcome_init(out);
	/* Filled whole by request_of and the decoder. */
	w = malloc(sizeof(*w));
	rep = malloc(sizeof(*rep));
	if (w == NULL || rep == NULL) {
		crm_outcome_fail(out, CRM_ENOMEM, "out of memory");
		goto done;
	}
	rc = request_of(call, tickets, w);
	if (rc == CRM_OK)
		rc = crm_wire_encode_request(w, &frame);
	crm_wire_request_clear(w);
	if (rc != CRM_OK) {
		crm_outcome_fail(out, rc, "the call does not fit a crm-authd "
				 "frame (arguments or values too long)");
		goto done;
	}
	rc = connect_daemon(socket_path, deadline, &fd, err, sizeof(err));
	if (rc != CRM_OK) {
		crm_outcome_fail(out, rc, "%s", err);
		goto done;
	}
	if (crm_wire_send(fd, frame.data, frame.len, deadline) != CRM_OK ||
	    crm_wire_recv(fd, hdr, sizeof(hdr), deadline) != CRM_OK) {
		crm_outcome_fail(out, CRM_EUNAVAIL, "crm-authd did not answer "
				 "within %lu ms", timeout_ms);
		goto done;
	}
	if (crm_wire_header(hdr, CRM_WIRE_REPLY, &len) != CRM_OK) {
		crm_outcome_fail(out, CRM_EUNAVAIL, "crm-authd answered a "
				 "malformed frame");
		goto done;
	}
	payload = malloc(len > 0 ? len : 1);
	if (payload == NULL) {
		crm_outcome_fail(out, CRM_ENOMEM, "out of memory");
		goto done;
	}
	if (crm_wire_recv(fd, payload, len, deadline) != CRM_OK) {
		crm_outcome_fail(out, CRM_EUNAVAIL, "crm-authd did not answer "
				 "within %lu ms", timeout_ms);
		goto done;
	}
	if (crm_wire_decode_reply(payload, len, rep, err, sizeof(err)) !=
	    CRM_OK) {
		crm_outcome_fail(out, CRM_EUNAVAIL, "crm-authd: %s", err);
		goto done;
	}
	apply_reply(call, rep, tickets);
	*out = rep->out;
	out->event = out->event_text;
	out->caller_refused = rep->caller_refused;
done:
	if (fd >= 0)
		close(fd);
	crm_wire_buf_free(&frame);
	if (payload != NULL) {
		crm_cleanse(payload, len);
		free(payload);
	}
	if (rep != NULL) {
		crm_wire_reply_clear(rep);
		free(rep);
	}
	free(w);	/* its secrets were cleared once encoded */
}
