/*
 * test_access_resolve.c - pam_crm_access resolve= through a real PAM
 * stack (crm-access, and crm-access-resolve with the options as module
 * arguments): a host name in PAM_RHOST is never looked up without it;
 * with it, a forward-confirmed name matches by its address, an alias
 * whose reverse record names another host does not, a name is allowed
 * only when every one of its addresses is, a resolver that never answers
 * costs resolve_timeout and no more, an IPv4-mapped record matches an
 * IPv4 rule, and crmauth allow test says which address decided.
 *
 * Name resolution is made deterministic without touching the machine:
 * the whole test process (and crmauth, its child) runs in a mount and a
 * network namespace of its own, where test-owned files are bound over
 * /etc/hosts, /etc/nsswitch.conf and /etc/resolv.conf, and 127.0.0.1:53
 * is a UDP socket of this test that takes queries and never answers.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <security/pam_appl.h>

#include "fixture.h"

#define PASSWORD "Pass-word-1234"

static struct fixture fx;
static const char base_conf[] = "[lockout]\nnodelay = yes\ndeny = 1000\n";
/* debug: allowed logins are audited too, so their detail can be read. */
static const char resolve_conf[] =
	"[lockout]\nnodelay = yes\ndeny = 1000\n"
	"[access]\nresolve = yes\nresolve_timeout = 500ms\ndebug = yes\n";

/*
 * The hosts file every lookup of this test reads first.  crm-desk.test
 * is the name 10.7.0.5 reverses to (the first name of its line);
 * alias.test resolves to the same address, but its reverse names
 * crm-desk.test.  two.test has an address in each of two networks.
 */
static const char hosts[] =
	"127.0.0.1 localhost\n"
	"10.7.0.5 crm-desk.test alias.test\n"
	"10.7.0.7 two.test\n"
	"10.8.0.7 two.test\n"
	"10.7.0.8 both.test\n"
	"10.7.0.9 both.test\n"
	"::ffff:10.7.0.6 mapped.test\n";
static const char nsswitch[] = "hosts: files dns\n";
/* A resolver on its own would wait 10 s for slow.test. */
static const char resolv[] =
	"nameserver 127.0.0.1\noptions timeout:10 attempts:1\n";

/* The name server that never answers: a bound socket nobody replies on. */
static int dns_fd = -1;

/*
 * libpam hands PAM_RHOST to the kernel audit subsystem, and libaudit
 * resolves a host name for it: on a machine with audit, that would be a
 * lookup this test did not ask for.  No audit here.
 */
int audit_open(void);
int
audit_open(void)
{
	errno = EPROTONOSUPPORT;
	return -1;
}

static void
die(const char *what)
{
	fprintf(stderr, "test_access_resolve: %s: %s\n", what,
		strerror(errno));
	exit(1);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0)
		die(path);
}

static void
bind_file(const char *dir, const char *name, const char *text,
	  const char *target)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	write_text(path, text);
	if (mount(path, target, "none", MS_BIND, NULL) != 0)
		die(target);
}

/* As root, the namespaces come directly; otherwise (no CAP_SYS_ADMIN)
 * through a user namespace that maps this user to root in it. */
static void
enter_namespaces(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWNS | CLONE_NEWNET) == 0)
		return;
	if (errno != EPERM)
		die("unshare(CLONE_NEWNS | CLONE_NEWNET)");
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) != 0)
		die("unshare: neither as root nor in a user namespace; this "
		    "test needs one of them to own /etc/hosts");
	write_text("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
	write_text("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)gid);
	write_text("/proc/self/gid_map", map);
}

/* A new network namespace has its loopback down. */
static void
loopback_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		die("SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		die("SIOCSIFFLAGS lo");
	close(fd);
}

static void
silent_name_server(void)
{
	struct sockaddr_in sin;

	dns_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			0);
	if (dns_fd < 0)
		die("socket");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(dns_fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		die("bind 127.0.0.1:53");
}

static void
private_resolver(void)
{
	const char *work = getenv("CRM_TEST_WORK");
	char dir[PATH_MAX];

	if (work == NULL) {
		errno = EINVAL;
		die("CRM_TEST_WORK not set (run through tests/run-test)");
	}
	enter_namespaces();
	/* What is mounted here stays here. */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		die("mount --make-rprivate /");
	snprintf(dir, sizeof(dir), "%s/etc", work);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		die(dir);
	bind_file(dir, "hosts", hosts, "/etc/hosts");
	bind_file(dir, "nsswitch.conf", nsswitch, "/etc/nsswitch.conf");
	bind_file(dir, "resolv.conf", resolv, "/etc/resolv.conf");
	loopback_up();
	silent_name_server();
}

/* The queries the silent name server received since the last call. */
static int
queries(void)
{
	char packet[1500];
	int n = 0;

	while (recv(dns_fd, packet, sizeof(packet), 0) >= 0)
		n++;
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	return n;
}

static int
setup(void **state)
{
	fx_setup(&fx, resolve_conf);
	return 0;
}

static int
teardown(void **state)
{
	fx_teardown(&fx);
	return 0;
}

#define ALLOW(...) \
	fx_crmauth(&fx, NULL, NULL, 0, "allow", "add", __VA_ARGS__, NULL)

static void
clear_rules(void)
{
	assert_int_equal(fx_sql(&fx, "DELETE FROM access_rules; "
				"DELETE FROM access_plens;"), 0);
}

/* A login through service from rhost: the auth result (the account
 * result when auth passed). */
static int
login_via(const char *service, const char *name, const char *rhost)
{
	struct fx_login_opts opts;
	struct login l;

	memset(&opts, 0, sizeof(opts));
	opts.items.rhost = rhost;
	opts.default_answer = PASSWORD;
	fx_login_ex(service, name, &opts, &l);
	return l.auth_rc == PAM_SUCCESS ? l.acct_rc : l.auth_rc;
}

static int
from(const char *name, const char *rhost)
{
	return login_via("crm-access", name, rhost);
}

/* The detail of user's newest audit row of event, whose rhost must be
 * rhost as the client gave it. */
static void
last_detail(const char *name, const char *event, const char *rhost,
	    char *detail, size_t len)
{
	static char out[1 << 16];
	json_object *root, *row, *v;
	size_t n;

	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "--json",
				    "audit", "--user", name, "--event", event,
				    NULL), 0);
	root = json_tokener_parse(out);
	assert_non_null(root);
	n = json_object_array_length(root);
	assert_true(n > 0);
	row = json_object_array_get_idx(root, n - 1);
	assert_true(json_object_object_get_ex(row, "rhost", &v));
	assert_string_equal(json_object_get_string(v), rhost);
	assert_true(json_object_object_get_ex(row, "detail", &v));
	snprintf(detail, len, "%s", json_object_get_string(v));
	json_object_put(root);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
without_resolve_a_name_never_matches_and_is_never_looked_up(void **state)
{
	char out[4096];

	fx_write_conf(&fx, base_conf);
	clear_rules();
	fx_user_add(&fx, "plain", PASSWORD);
	assert_int_equal(ALLOW("allow", "user:plain", "10.7.0.0/16"), 0);
	assert_int_equal(from("plain", "10.7.0.5"), PAM_SUCCESS);
	(void)queries();
	/* Its address is allowed; the name is not an address. */
	assert_int_equal(from("plain", "crm-desk.test"), PAM_AUTH_ERR);
	/* A name only DNS could answer: nobody asked. */
	assert_int_equal(from("plain", "slow.test"), PAM_AUTH_ERR);
	assert_int_equal(queries(), 0);
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "allow",
				    "test", "plain", "crm-desk.test", NULL), 1);
	assert_null(strstr(out, "resolved"));
	assert_non_null(strstr(out, "deny: no rule matches"));
	fx_write_conf(&fx, resolve_conf);
}

static void
a_confirmed_name_matches_by_its_address(void **state)
{
	char detail[256], out[4096];

	clear_rules();
	fx_user_add(&fx, "desk", PASSWORD);
	assert_int_equal(ALLOW("allow", "user:desk", "10.7.0.0/16"), 0);
	assert_int_equal(from("desk", "crm-desk.test"), PAM_SUCCESS);
	last_detail("desk", "access_ok", "crm-desk.test", detail,
		    sizeof(detail));
	assert_non_null(strstr(detail, "resolved=10.7.0.5"));
	/* Host names know no case. */
	assert_int_equal(from("desk", "CRM-Desk.TEST"), PAM_SUCCESS);
	/* The same options as module arguments, with none in the file. */
	fx_write_conf(&fx, base_conf);
	assert_int_equal(from("desk", "crm-desk.test"), PAM_AUTH_ERR);
	assert_int_equal(login_via("crm-access-resolve", "desk",
				   "crm-desk.test"), PAM_SUCCESS);
	fx_write_conf(&fx, resolve_conf);
	/* crmauth allow test asks the same question and says which
	 * address decided. */
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "allow",
				    "test", "desk", "crm-desk.test", NULL), 0);
	assert_non_null(strstr(out, "crm-desk.test: resolved to 10.7.0.5"));
	assert_non_null(strstr(out, "allow: rule "));
}

static void
a_name_its_address_does_not_reverse_to_is_refused(void **state)
{
	char detail[256], log[8192], out[4096];

	clear_rules();
	fx_user_add(&fx, "alias", PASSWORD);
	assert_int_equal(ALLOW("allow", "user:alias", "10.7.0.0/16"), 0);
	fx_log_begin(&fx);
	assert_int_equal(from("alias", "alias.test"), PAM_AUTH_ERR);
	fx_log_end(&fx, log, sizeof(log));
	assert_non_null(strstr(log, "alias.test: no address whose reverse "
			       "lookup names it"));
	last_detail("alias", "access_denied", "alias.test", detail,
		    sizeof(detail));
	assert_non_null(strstr(detail, "reason=default"));
	assert_non_null(strstr(detail, "resolved=none"));
	assert_int_equal(fx_crmauth(&fx, NULL, out, sizeof(out), "allow",
				    "test", "alias", "alias.test", NULL), 1);
	assert_non_null(strstr(out, "alias.test: not resolved: "));
	/* A rule that needs no address still decides for such a name. */
	assert_int_equal(ALLOW("allow", "user:alias", "*"), 0);
	assert_int_equal(from("alias", "alias.test"), PAM_SUCCESS);
}

static void
every_address_of_a_name_must_be_allowed(void **state)
{
	char detail[256];

	clear_rules();
	fx_user_add(&fx, "pair", PASSWORD);
	assert_int_equal(ALLOW("allow", "user:pair", "10.7.0.0/16"), 0);
	assert_int_equal(ALLOW("deny", "user:pair", "10.8.0.0/16"), 0);
	/* Each address alone: */
	assert_int_equal(from("pair", "10.7.0.7"), PAM_SUCCESS);
	assert_int_equal(from("pair", "10.8.0.7"), PAM_AUTH_ERR);
	/* two.test stands for both: refused, by the refused address. */
	assert_int_equal(from("pair", "two.test"), PAM_AUTH_ERR);
	last_detail("pair", "access_denied", "two.test", detail,
		    sizeof(detail));
	assert_non_null(strstr(detail, "reason=address"));
	assert_non_null(strstr(detail, "resolved=10.8.0.7"));
	/* Two addresses, both allowed. */
	assert_int_equal(from("pair", "both.test"), PAM_SUCCESS);
}

static void
an_ipv4_mapped_record_matches_an_ipv4_rule(void **state)
{
	char detail[256];

	clear_rules();
	fx_user_add(&fx, "mapped", PASSWORD);
	assert_int_equal(ALLOW("allow", "user:mapped", "10.7.0.6/32"), 0);
	assert_int_equal(from("mapped", "mapped.test"), PAM_SUCCESS);
	last_detail("mapped", "access_ok", "mapped.test", detail,
		    sizeof(detail));
	assert_non_null(strstr(detail, "resolved=10.7.0.6"));
}

/* Last: the resolver thread given up on here still waits for its 10 s
 * after the test has its answer. */
static void
a_resolver_that_never_answers_costs_resolve_timeout(void **state)
{
	char detail[256], log[8192];
	double start, elapsed;

	clear_rules();
	fx_user_add(&fx, "slow", PASSWORD);
	assert_int_equal(ALLOW("allow", "user:slow", "10.7.0.0/16"), 0);
	(void)queries();
	fx_log_begin(&fx);
	start = now_s();
	assert_int_equal(from("slow", "slow.test"), PAM_AUTH_ERR);
	elapsed = now_s() - start;
	fx_log_end(&fx, log, sizeof(log));
	print_message("refused after %.3f s\n", elapsed);
	assert_true(elapsed > 0.4);
	assert_true(elapsed < 2.0);
	/* It was asked, and it is the timeout that refused. */
	assert_true(queries() > 0);
	assert_non_null(strstr(log, "slow.test: no answer within 500 ms"));
	last_detail("slow", "access_denied", "slow.test", detail,
		    sizeof(detail));
	assert_non_null(strstr(detail, "resolved=none"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(without_resolve_a_name_never_matches_and_is_never_looked_up),
		cmocka_unit_test(a_confirmed_name_matches_by_its_address),
		cmocka_unit_test(a_name_its_address_does_not_reverse_to_is_refused),
		cmocka_unit_test(every_address_of_a_name_must_be_allowed),
		cmocka_unit_test(an_ipv4_mapped_record_matches_an_ipv4_rule),
		cmocka_unit_test(a_resolver_that_never_answers_costs_resolve_timeout),
	};

	private_resolver();
	return cmocka_run_group_tests(tests, setup, teardown);
}
