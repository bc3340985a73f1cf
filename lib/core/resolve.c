/*
 * resolve.c - forward-confirmed host names within a bounded time (see
 * resolve.h).
 *
 * getaddrinfo and getnameinfo block for as long as the resolver's own
 * timeouts and attempts say (resolv.conf, nsswitch.conf), which an
 * administrator of a PAM stack does not choose.  So the lookups run in a
 * thread of their own, and the caller waits on a condition variable
 * against CLOCK_MONOTONIC (a wall-clock step must not stretch or cut the
 * wait).  No alarm, no signal: this runs inside someone else's process.
 *
 * The job is shared by the caller and the worker and counted: whoever
 * lets go of it last frees it, so a worker that outlives a caller who
 * gave up frees it itself and the caller never waits for it.
 */
#include "autoconfig.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "core/resolve.h"

#define ERR_MAX 256

struct job {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int refs;		/* under lock: caller, worker */
	int done;			/* under lock: the answer is in */
	/* Read only once the worker runs. */
	char name[CRM_RHOST_MAX];
	size_t max;
	/* The worker's answer, read by the caller only after done. */
	int status;
	size_t count;
	struct crm_addr addrs[CRM_RESOLVE_MAX];
	char err[ERR_MAX];
};

static void
job_free(struct job *job)
{
	pthread_cond_destroy(&job->cond);
	pthread_mutex_destroy(&job->lock);
	free(job);
}

static int
job_new(const char *name, size_t max, struct job **out)
{
	pthread_condattr_t attr;
	struct job *job;
	int rc = CRM_ESYS;

	*out = NULL;
	job = calloc(1, sizeof(*job));
	if (job == NULL)
		return CRM_ENOMEM;
	if (pthread_mutex_init(&job->lock, NULL) != 0) {
		free(job);
		return CRM_ESYS;
	}
	if (pthread_condattr_init(&attr) != 0)
		goto fail_lock;
	if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&job->cond, &attr) != 0) {
		pthread_condattr_destroy(&attr);
		goto fail_lock;
	}
	pthread_condattr_destroy(&attr);
	/* name was checked to be shorter than CRM_RHOST_MAX. */
	memcpy(job->name, name, strlen(name) + 1);
	job->max = max < CRM_RESOLVE_MAX ? max : CRM_RESOLVE_MAX;
	job->refs = 2;
	*out = job;
	return CRM_OK;
fail_lock:
	pthread_mutex_destroy(&job->lock);
	free(job);
	return rc;
}

/* Two spellings of one host name: DNS names know no case, and a fully
 * qualified name may carry the root's dot. */
static int
same_host(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la > 0 && la == lb && strncasecmp(a, b, la) == 0;
}

/* The address of sa, IPv4-mapped IPv6 turned into IPv4; 0 for another
 * family. */
static int
addr_of(const struct sockaddr *sa, struct crm_addr *addr)
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	const struct sockaddr_in6 *sin6;
	const struct sockaddr_in *sin;

	memset(addr, 0, sizeof(*addr));
	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)(const void *)sa;
		addr->family = AF_INET;
		memcpy(addr->bytes, &sin->sin_addr, 4);
		return 1;
	}
	if (sa->sa_family != AF_INET6)
		return 0;
	sin6 = (const struct sockaddr_in6 *)(const void *)sa;
	if (memcmp(&sin6->sin6_addr, mapped, sizeof(mapped)) == 0) {
		addr->family = AF_INET;
		memcpy(addr->bytes, (const unsigned char *)&sin6->sin6_addr +
		       12, 4);
		return 1;
	}
	addr->family = AF_INET6;
	memcpy(addr->bytes, &sin6->sin6_addr, 16);
	return 1;
}

static int
already_have(const struct job *job, const struct crm_addr *addr)
{
	size_t i;

	for (i = 0; i < job->count; i++)
		if (job->addrs[i].family == addr->family &&
		    memcmp(job->addrs[i].bytes, addr->bytes,
			   sizeof(addr->bytes)) == 0)
			return 1;
	return 0;
}

/* The reverse lookup of the address as the resolver gave it names the
 * host that was looked up. */
static int
confirms(const char *name, const struct addrinfo *ai)
{
	char host[NI_MAXHOST];

	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host),
			NULL, 0, NI_NAMEREQD) != 0)
		return 0;
	return same_host(host, name);
}

static const char *
gai_reason(int gai, int saved_errno)
{
	return gai == EAI_SYSTEM ? strerror(saved_errno) : gai_strerror(gai);
}

/* The lookups, in the worker: results into job (not yet shared). */
static void
lookup(struct job *job)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct crm_addr addr;
	size_t unconfirmed = 0;
	int gai;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	/* One entry per address, not one per socket type. */
	hints.ai_socktype = SOCK_STREAM;
	gai = getaddrinfo(job->name, NULL, &hints, &res);
	if (gai != 0) {
		job->status = CRM_ESYS;
		if (gai == EAI_NONAME
#ifdef EAI_NODATA
		    || gai == EAI_NODATA
#endif
		    )
			job->status = CRM_NOTFOUND;
		snprintf(job->err, sizeof(job->err), "%.200s: %s", job->name,
			 gai_reason(gai, errno));
		return;
	}
	job->status = CRM_OK;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (!addr_of(ai->ai_addr, &addr) || already_have(job, &addr))
			continue;
		if (!confirms(job->name, ai)) {
			unconfirmed++;
			continue;
		}
		if (job->count == job->max) {
			job->status = CRM_ESYS;
			job->count = 0;
			snprintf(job->err, sizeof(job->err), "%.200s: more "
				 "than %zu addresses", job->name, job->max);
			break;
		}
		job->addrs[job->count++] = addr;
	}
	freeaddrinfo(res);
	if (job->status == CRM_OK && job->count == 0) {
		job->status = CRM_NOTFOUND;
		snprintf(job->err, sizeof(job->err), "%.200s: %s", job->name,
			 unconfirmed > 0 ? "no address whose reverse lookup "
			 "names it" : "no address");
	}
}

static void *
worker(void *arg)
{
	struct job *job = arg;
	int last;

	lookup(job);
	pthread_mutex_lock(&job->lock);
	job->done = 1;
	pthread_cond_signal(&job->cond);
	last = --job->refs == 0;
	pthread_mutex_unlock(&job->lock);
	if (last)
		job_free(job);
	return NULL;
}

static void
deadline_after(struct timespec *ts, unsigned int ms)
{
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Start the worker with every signal blocked: the process's signals
 * (sshd's SIGALRM for LoginGraceTime, a server's SIGTERM) are for its
 * own threads, never for a resolver that may outlive the caller. */
static int
start_worker(struct job *job, pthread_t *tid)
{
	sigset_t all, old;
	int prc;

	sigfillset(&all);
	if (pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
		return EINVAL;
	prc = pthread_create(tid, NULL, worker, job);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return prc;
}

/* Wait on job->cond (job->lock held) until deadline, CLOCK_MONOTONIC. */
static int
wait_until(struct job *job, const struct timespec *deadline)
{
#ifdef HAVE_PTHREAD_COND_CLOCKWAIT
	return pthread_cond_clockwait(&job->cond, &job->lock, CLOCK_MONOTONIC,
				      deadline);
#else
	/* The condition variable was made with CLOCK_MONOTONIC. */
	return pthread_cond_timedwait(&job->cond, &job->lock, deadline);
#endif
}

int
crm_resolve_confirmed(const char *name, unsigned int timeout_ms,
		      struct crm_addr *addrs, size_t max, size_t *count,
		      char *err, size_t errlen)
{
	char reason[ERR_MAX] = "";
	struct timespec deadline;
	struct job *job = NULL;
	pthread_t tid;
	int rc, prc, done = 0, last;

	*count = 0;
	if (!crm_valid_name(name, CRM_RHOST_MAX, 0) || addrs == NULL ||
	    max == 0 || timeout_ms == 0) {
		rc = CRM_INVALID;
		snprintf(reason, sizeof(reason), "no host name to resolve");
		goto out;
	}
	if (clock_gettime(CLOCK_MONOTONIC, &deadline) != 0) {
		rc = CRM_ESYS;
		snprintf(reason, sizeof(reason), "clock: %s", strerror(errno));
		goto out;
	}
	deadline_after(&deadline, timeout_ms);
	rc = job_new(name, max, &job);
	if (rc != CRM_OK) {
		snprintf(reason, sizeof(reason), "%s", crm_strerror(rc));
		goto out;
	}
	prc = start_worker(job, &tid);
	if (prc != 0) {
		job_free(job);
		rc = CRM_ESYS;
		snprintf(reason, sizeof(reason), "no resolver thread: %s",
			 strerror(prc));
		goto out;
	}

	pthread_mutex_lock(&job->lock);
	while (!job->done && wait_until(job, &deadline) != ETIMEDOUT)
		;
	done = job->done;
	if (done) {
		rc = job->status;
		if (rc == CRM_OK) {
			memcpy(addrs, job->addrs,
			       job->count * sizeof(*addrs));
			*count = job->count;
		}
		snprintf(reason, sizeof(reason), "%s", job->err);
	} else {
		rc = CRM_ESYS;
		snprintf(reason, sizeof(reason), "%.200s: no answer within "
			 "%u ms", name, timeout_ms);
	}
	last = --job->refs == 0;
	pthread_mutex_unlock(&job->lock);
	/* A finished worker is joined (nothing of it stays behind); a late
	 * one is let go, and frees the job when it is done. */
	if (done)
		pthread_join(tid, NULL);
	else
		pthread_detach(tid);
	if (last)
		job_free(job);
out:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", rc == CRM_OK ? "" : reason);
	return rc;
}
