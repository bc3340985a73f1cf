/*
 * crm-authd - the privileged broker: root holds the database, the key
 * and the rules; modules in processes that may not read them (a web
 * server as www-data) ask over a unix socket.
 *
 *   crm-authd [--foreground] [--socket PATH] [--conf PATH] [--workers N]
 *
 * The socket comes from systemd (crm-authd.socket) or is made at PATH
 * (default broker_socket of pam_crm.conf).  Each connection carries one
 * request and one reply (lib/broker/wire.h); a pool of workers accepts
 * and answers,
 * each with its own database connections kept open between requests, so
 * that a login costs no open, schema parse or checkpoint of its own.
 * SIGHUP reloads the configuration; SIGTERM stops accepting, answers
 * what was accepted, and exits.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "broker/serve.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/crypto.h"
#include "decide/options.h"

/* A client that connected must send its whole request this soon. */
#define REQUEST_TIMEOUT_MS 2000

struct daemon_opts {
	struct crm_common_opts common;
};

static const struct crm_option daemon_options[] = {
	CRM_COMMON_OPTIONS(struct daemon_opts),
};
static const size_t daemon_option_count = CRM_ARRAY_SIZE(daemon_options);

struct daemon {
	char conf[PATH_MAX];
	int foreground;
	int listen_fd;
	char made_socket[PATH_MAX];	/* unlinked at exit; "" if systemd's */
	size_t worker_count;
	pthread_t *workers;

	pthread_mutex_t write_lock;	/* the workers' write transactions */
	int stopping;			/* atomic: SIGTERM seen */

	/* Replaced whole at SIGHUP under the write lock. */
	pthread_rwlock_t policy_lock;
	struct crm_broker_policy policy;
	struct crm_allow allow;
	unsigned long generation;
};

static void
log_sink(void *arg, int priority, const char *fmt, va_list ap)
{
	const struct daemon *d = arg;
	va_list copy;

	if (d != NULL && d->foreground) {
		va_copy(copy, ap);
		fprintf(stderr, "crm-authd: ");
		vfprintf(stderr, fmt, copy);
		fputc('\n', stderr);
		va_end(copy);
	}
	vsyslog(LOG_AUTHPRIV | priority, fmt, ap);
}

static struct crm_log
daemon_log(struct daemon *d)
{
	struct crm_log log = { .fn = log_sink, .arg = d, .debug = 0 };

	return log;
}

static int
load_config(struct daemon *d, struct daemon_opts *opts)
{
	struct crm_log log = daemon_log(d);
	struct crm_config_spec spec;
	char arg[PATH_MAX + 8];
	const char *argv[1] = { arg };
	size_t tables = 0;

	memset(&spec, 0, sizeof(spec));
	crm_common_defaults(&opts->common);
	spec.section = "authd";
	spec.options = daemon_options;
	spec.option_count = daemon_option_count;
	spec.values = opts;
	spec.values_size = sizeof(*opts);
	spec.global_tables = crm_decide_option_tables(&tables);
	spec.global_table_count = tables;
	snprintf(arg, sizeof(arg), "conf=%s", d->conf);
	return crm_config_load(&spec, d->conf, 1, argv, NULL, &log);
}

/* broker_allow of the configuration; the old list stays when the new
 * one is malformed, so that a typo at SIGHUP locks nobody out. */
static int
load_policy(struct daemon *d, int first)
{
	struct crm_log log = daemon_log(d);
	struct daemon_opts opts;
	struct crm_allow allow;
	char err[256];

	if (load_config(d, &opts) != CRM_OK) {
		crm_log(&log, LOG_ERR, "%s: unusable%s", d->conf,
			first ? "" : "; keeping the previous configuration");
		return CRM_INVALID;
	}
	if (crm_allow_parse(opts.common.broker_allow, &allow, err,
			    sizeof(err)) != CRM_OK) {
		crm_log(&log, LOG_ERR, "%s: %s%s", d->conf, err,
			first ? "" : "; keeping the previous list");
		return CRM_INVALID;
	}
	pthread_rwlock_wrlock(&d->policy_lock);
	d->allow = allow;
	d->generation++;
	pthread_rwlock_unlock(&d->policy_lock);
	crm_log(&log, LOG_INFO, "%s: %zu broker_allow entr%s", d->conf,
		allow.count, allow.count == 1 ? "y" : "ies");
	return CRM_OK;
}

/* ---- one connection ---- */

static int
peer_of(int fd, struct crm_peer *peer)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	gid_t groups[CRM_PEER_GROUPS];
	socklen_t glen = sizeof(groups);

	memset(peer, 0, sizeof(*peer));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return -1;
	peer->uid = cred.uid;
	peer->gid = cred.gid;
	peer->pid = cred.pid;
	/* The groups the peer holds now, not the ones NSS lists. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0) {
		peer->group_count = glen / sizeof(gid_t);
		memcpy(peer->groups, groups, glen);
	}
	return 0;
}

static void
serve_connection(struct daemon *d, struct crm_broker_worker *w, int fd,
		 unsigned long *generation)
{
	/* The whole request by one deadline, not a timeout per read: a
	 * client sending a byte now and then must not hold a worker. */
	int64_t deadline = crm_monotonic_ms() + REQUEST_TIMEOUT_MS;
	struct crm_wire_request *req = NULL;
	struct crm_wire_reply *rep = NULL;
	struct crm_wire_buf frame = { 0 };
	unsigned char hdr[CRM_WIRE_HEADER];
	unsigned char *payload = NULL;
	struct crm_peer peer;
	char err[128];
	size_t len = 0;

	if (peer_of(fd, &peer) != 0 ||
	    crm_wire_recv(fd, hdr, sizeof(hdr), deadline) != CRM_OK)
		goto done;
	if (crm_wire_header(hdr, CRM_WIRE_REQUEST, &len) != CRM_OK) {
		crm_log(&w->log, LOG_WARNING, "uid %lu (pid %ld) sent a "
			"malformed frame header", (unsigned long)peer.uid,
			(long)peer.pid);
		goto done;
	}
	payload = malloc(len > 0 ? len : 1);
	req = malloc(sizeof(*req));
	rep = malloc(sizeof(*rep));
	if (payload == NULL || req == NULL || rep == NULL ||
	    crm_wire_recv(fd, payload, len, deadline) != CRM_OK)
		goto done;
	if (crm_wire_decode_request(payload, len, req, err, sizeof(err)) !=
	    CRM_OK) {
		crm_log(&w->log, LOG_WARNING, "uid %lu (pid %ld): %s",
			(unsigned long)peer.uid, (long)peer.pid, err);
		goto done;
	}
	pthread_rwlock_rdlock(&d->policy_lock);
	if (*generation != d->generation) {
		/* New settings (busy timeout, durability): new handles. */
		crm_broker_worker_close(w);
		*generation = d->generation;
	}
	crm_broker_serve(w, &d->policy, &peer, req, rep);
	pthread_rwlock_unlock(&d->policy_lock);
	if (crm_wire_encode_reply(rep, &frame) == CRM_OK)
		(void)crm_wire_send(fd, frame.data, frame.len,
				    crm_monotonic_ms() + REQUEST_TIMEOUT_MS);
	else
		crm_log(&w->log, LOG_ERR, "a reply did not fit its frame");
done:
	crm_wire_buf_free(&frame);
	if (payload != NULL) {
		crm_cleanse(payload, len);
		free(payload);
	}
	if (req != NULL) {
		crm_wire_request_clear(req);	/* its secrets */
		free(req);
	}
	if (rep != NULL) {
		crm_wire_reply_clear(rep);
		free(rep);
	}
	close(fd);
}

static void *
worker_main(void *arg)
{
	struct daemon *d = arg;
	struct crm_log log = daemon_log(d);
	struct crm_broker_worker *w = malloc(sizeof(*w));
	unsigned long generation = 0;
	int fd;

	if (w == NULL)
		return NULL;
	crm_broker_worker_init(w, &log);
	crm_broker_worker_share(w, &d->write_lock);
	/* Each worker accepts for itself: the kernel wakes one waiter per
	 * connection, and no hand-over from another thread adds a wake-up
	 * to every login. */
	for (;;) {
		fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (__atomic_load_n(&d->stopping, __ATOMIC_ACQUIRE)) {
			if (fd >= 0)
				close(fd);
			break;
		}
		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				(void)poll(NULL, 0, 10);  /* EMFILE: breathe */
			continue;
		}
		serve_connection(d, w, fd, &generation);
	}
	crm_broker_worker_close(w);
	free(w);
	return NULL;
}

/* ---- the socket ---- */

static int
make_socket(struct daemon *d, const char *path)
{
	struct crm_log log = daemon_log(d);
	struct sockaddr_un sa;
	struct stat st;
	char dir[PATH_MAX], tmp[PATH_MAX + 32];
	char *slash;
	int fd;

	if (path[0] != '/' || strlen(path) >= sizeof(sa.sun_path)) {
		crm_log(&log, LOG_ERR, "socket path must be absolute and "
			"shorter than %zu bytes: %s", sizeof(sa.sun_path), path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) == 0) {
			/* Callers check that it is root's alone, and must
			 * reach the socket in it, whatever the umask. */
			(void)chmod(dir, 0755);
		} else if (errno != EEXIST) {
			crm_log(&log, LOG_ERR, "cannot make %s: %s", dir,
				strerror(errno));
			return -1;
		}
	}
	/* A socket left by a killed daemon; never anything else. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			crm_log(&log, LOG_ERR, "%s exists and is not a socket",
				path);
			return -1;
		}
		(void)unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* Bound and listening under a temporary name, then renamed: the
	 * socket appears only when connecting to it works, so that a
	 * client (or a test waiting for it) never meets a refusal. */
	if (snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid()) >=
	    (int)sizeof(sa.sun_path)) {
		crm_log(&log, LOG_ERR, "socket path too long: %s", path);
		close(fd);
		return -1;
	}
	(void)unlink(tmp);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, tmp, strlen(tmp));
	/* Anyone may connect: broker_allow and SO_PEERCRED decide who
	 * gets an answer. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(tmp, 0666) != 0 || listen(fd, 128) != 0 ||
	    rename(tmp, path) != 0) {
		crm_log(&log, LOG_ERR, "cannot listen on %s: %s", path,
			strerror(errno));
		(void)unlink(tmp);
		close(fd);
		return -1;
	}
	snprintf(d->made_socket, sizeof(d->made_socket), "%s", path);
	return fd;
}

/* Wake every worker blocked in accept(): one connection each, which it
 * closes on seeing stopping. */
static void
wake_workers(struct daemon *d, int *fds)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);
	size_t i;

	for (i = 0; i < d->worker_count; i++)
		fds[i] = -1;
	/* Our own socket was bound under a name since renamed. */
	if (d->made_socket[0] != '\0') {
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		memcpy(sa.sun_path, d->made_socket, strlen(d->made_socket));
		len = sizeof(sa);
	} else if (getsockname(d->listen_fd, (struct sockaddr *)&sa,
			       &len) != 0) {
		return;
	}
	for (i = 0; i < d->worker_count; i++) {
		fds[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[i] >= 0 &&
		    connect(fds[i], (struct sockaddr *)&sa, len) != 0) {
			close(fds[i]);
			fds[i] = -1;
		}
	}
}

static void
usage(FILE *to)
{
	fprintf(to, "usage: crm-authd [--foreground] [--socket PATH] "
		"[--conf PATH] [--workers N]\n");
}

static int
run(struct daemon *d, const char *socket_path)
{
	struct crm_log log = daemon_log(d);
	struct daemon_opts opts;
	struct pollfd fds[1];
	int *wakers = NULL;
	sigset_t mask;
	size_t i;
	int sfd = -1, rc = 1, n;

	/* Blocked before the socket exists: a SIGTERM that comes while
	 * starting waits in the signalfd, and the exit still removes the
	 * socket instead of leaving one that refuses every client. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	if (load_config(d, &opts) != CRM_OK || load_policy(d, 1) != CRM_OK)
		return 1;
	n = sd_listen_fds(0);
	if (n > 1) {
		crm_log(&log, LOG_ERR, "systemd passed %d sockets; "
			"crm-authd listens on one", n);
		return 1;
	}
	if (n == 1) {
		d->listen_fd = SD_LISTEN_FDS_START;
	} else {
		d->listen_fd = make_socket(d, socket_path != NULL
					      ? socket_path
					      : opts.common.broker_socket);
		if (d->listen_fd < 0)
			return 1;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGPIPE);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0)
		goto out;
	d->workers = calloc(d->worker_count, sizeof(*d->workers));
	if (d->workers == NULL)
		goto out;
	for (i = 0; i < d->worker_count; i++)
		if (pthread_create(&d->workers[i], NULL, worker_main, d) != 0) {
			d->worker_count = i;
			goto stop;
		}
	(void)sd_notify(0, "READY=1");
	crm_log(&log, LOG_INFO, "answering with %zu workers", d->worker_count);
	fds[0].fd = sfd;
	fds[0].events = POLLIN;
	for (;;) {
		struct signalfd_siginfo si;

		if (poll(fds, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGHUP) {
			(void)load_policy(d, 0);
			continue;
		}
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			rc = 0;
			break;
		}
	}
stop:
	(void)sd_notify(0, "STOPPING=1");
	/* What was accepted is answered; then each worker, woken by a
	 * connection of ours, stops. */
	__atomic_store_n(&d->stopping, 1, __ATOMIC_RELEASE);
	wakers = calloc(d->worker_count > 0 ? d->worker_count : 1,
			sizeof(*wakers));
	if (wakers != NULL)
		wake_workers(d, wakers);
	for (i = 0; i < d->worker_count; i++)
		pthread_join(d->workers[i], NULL);
	for (i = 0; wakers != NULL && i < d->worker_count; i++)
		if (wakers[i] >= 0)
			close(wakers[i]);
	free(wakers);
	close(d->listen_fd);
	d->listen_fd = -1;
	if (d->made_socket[0] != '\0')
		(void)unlink(d->made_socket);
	crm_log(&log, LOG_INFO, "stopped");
out:
	free(d->workers);
	if (sfd >= 0)
		close(sfd);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 's' },
		{ "conf", required_argument, NULL, 'c' },
		{ "workers", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct daemon d;
	const char *socket_path = NULL;
	long n, cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char *end;
	int c, rc;

	snprintf(d.conf, sizeof(d.conf), "%s", crm_default_conf());
	d.worker_count = cpus > 0 ? (size_t)(2 * cpus) : 4;
	if (d.worker_count < 4)
		d.worker_count = 4;
	while ((c = getopt_long(argc, argv, "fs:c:w:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			d.foreground = 1;
			break;
		case 's':
			socket_path = optarg;
			break;
		case 'c':
			if (optarg[0] != '/' || strlen(optarg) >= sizeof(d.conf)) {
				fprintf(stderr, "crm-authd: --conf needs an "
					"absolute path\n");
				return 2;
			}
			snprintf(d.conf, sizeof(d.conf), "%s", optarg);
			break;
		case 'w':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > 256) {
				fprintf(stderr, "crm-authd: --workers takes "
					"1 to 256\n");
				return 2;
			}
			d.worker_count = (size_t)n;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	openlog("crm-authd", LOG_PID, LOG_AUTHPRIV);
	pthread_mutex_init(&d.write_lock, NULL);
	pthread_rwlock_init(&d.policy_lock, NULL);
	d.listen_fd = -1;
	d.policy.conf = d.conf;
	d.policy.self_uid = geteuid();
	d.policy.allow = &d.allow;
	/* Tickets of an earlier run mean nothing to this one. */
	if (crm_random(d.policy.ticket_key, sizeof(d.policy.ticket_key)) !=
	    CRM_OK) {
		fprintf(stderr, "crm-authd: no random bytes\n");
		return 1;
	}
	rc = run(&d, socket_path);
	crm_cleanse(d.policy.ticket_key, sizeof(d.policy.ticket_key));
	closelog();
	return rc;
}
