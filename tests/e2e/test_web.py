#!/usr/bin/env python3
"""Web logins through real web servers that run as www-data.

The test starts, on free ports of 127.0.0.1, Apache 2.4 with
mod_authnz_pam (AuthBasicProvider PAM), nginx with ngx_http_auth_pam and
a small WSGI application (wsgiref) that calls PAM through Debian's
python3-pam.  Each runs from a private configuration in a temporary
directory, as www-data, under pam_wrapper: the PAM services are files of
the test, nothing in /etc is read or written.  curl logs in with Basic
authentication from 127.0.0.2 or 127.0.0.3 (both reach 127.0.0.1).

What is checked, for each server: the right password gets 200 and a
wrong one 401; the client's address reaches the stack as PAM_RHOST (an
address rule refuses 127.0.0.3); the processes that run the stack are
www-data and cannot read a root-only file (the stand-in for the database
and its key); an expired password (PAM_NEW_AUTHTOK_REQD from the account
group) is refused, and Apache redirects it with AuthPAMExpiredRedirect;
what a PAM_TEXT_INFO message does to each server; and that the WSGI
application sees the PAM environment the stack sets.

The stack is data: run_scenarios(services, ...) takes the PAM service
files as {name: [lines]}; debian_services() is the stack of Debian's own
modules (and tests/common/pam_test_web.so).  Crm.services is the
other: the shipped pam.d/crm-web with this build's modules, whose
decisions crm-authd makes (started here as root in the foreground, with
a database, key and pam_crm.conf of the test; the servers' www-data
cannot open the database, so the modules ask it, broker=auto).  With it,
besides the cases above: the audit rows name broker_uid=33; deny (3)
wrong passwords lock the user and the right one is refused after;
password and TOTP code in one field (concat) log in, the password alone
or a wrong code do not; crmauth user expire is Apache's 303 to
AuthPAMExpiredRedirect and nginx's 401; the WSGI application finds
CRM_ROLES after pam_acct_mgmt; www-data taken out of broker_allow
(SIGHUP) is refused and audited as broker_refused (in pam_authenticate:
PAM_PERM_DENIED); the daemon stopped is a 401 at once
(PAM_AUTHINFO_UNAVAIL, "no socket there" in the server's log).

What the servers do, as measured here (Debian 12: Apache 2.4 with
mod_authnz_pam 1.2.3, nginx 1.22 with ngx_http_auth_pam 1.5.3, PyPAM
0.4.2 as python3-pam, "import PAM"):

- PAM items: both servers set PAM_RHOST to the client's address (Apache:
  ap_get_remote_host, the address unless HostnameLookups is on) and the
  user; neither sets PAM_RUSER or PAM_TTY.  The WSGI application sets
  what it is written to set (here PAM_RHOST from REMOTE_ADDR).
- Apache (AuthBasicProvider PAM) runs pam_authenticate then
  pam_acct_mgmt, both with PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK, in
  one handle; PAM_NEW_AUTHTOK_REQD from the account group becomes 303
  See Other to AuthPAMExpiredRedirect (%u the user, %s the page asked
  for), 401 without it.  Its conversation answers the first
  PAM_PROMPT_ECHO_OFF with the password (a second one gets NULL) and
  fails the whole conversation (PAM_CONV_ERR) on a PAM_TEXT_INFO
  (checked below), and by its source on PAM_ERROR_MSG or an echo-on
  prompt: a module that talks must not do so under PAM_SILENT.
- nginx runs pam_authenticate and pam_acct_mgmt with
  PAM_DISALLOW_NULL_AUTHTOK only (no PAM_SILENT); its conversation
  writes PAM_TEXT_INFO and PAM_ERROR_MSG to its error log (checked
  below) and, by its source, answers every echo-off prompt with the
  password and every echo-on prompt with the user name.  An expired password is a plain 401.
  The access phase runs again after an internal redirect: "GET /" served
  by index.html is two PAM logins (a one-time code would be used by the
  first).  pam_authenticate blocks the worker while it runs.
- pam_env sets its variables at pam_setcred only (its account function
  fails with PAM_SERVICE_ERR); pam_exec cannot set any; a module's
  pam_putenv in the account group is in pam_getenvlist() after
  pam_acct_mgmt.  pam_access refuses a user that NSS does not know, so
  the address rule here is a pam_exec script.
- pam_wrapper works in the servers' www-data workers: each process
  (the root parent, twice for Apache, and every worker) copies the
  service directory to a /tmp/pam.X of its own, so that directory must
  be readable by www-data; the copies of stopped processes are left
  behind and removed at the end.  Apache's prefork parent sends SIGTERM
  to its whole process group when it stops: it runs in a session of its
  own.

Run by tests/run-test (make check); needs root (the servers start as
root and switch to www-data).  Exit status 0 pass, 1 fail, 77 (skip) only
when not root.
"""

import base64
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

USER = "crm-web-e2e"
PASSWORD = "Crm-Web-Staple-Lamp-4"
# Every wait is bounded: a hang fails the test instead of blocking CI.
TIMEOUT = 15
# The address the stack allows, and one an address rule refuses.
ALLOWED = "127.0.0.2"
REFUSED = "127.0.0.3"
# What the stack puts in the PAM environment, and where.
ROLES = ("CRM_ROLES", "sales")          # account group (pam_putenv)
DEPARTMENT = ("CRM_DEPARTMENT", "emea")  # pam_env: only at pam_setcred
# One word: PAM splits a module's arguments at blanks.
INFO_TEXT = "pam_test_web-says-hello"
RUN_AS = "www-data"
SECURITY = "/usr/lib/x86_64-linux-gnu/security"
APACHE_MODULES = "/usr/lib/apache2/modules"
NGINX_MODULE = "/usr/lib/nginx/modules/ngx_http_auth_pam_module.so"
# python3-pam ("import PAM", PyPAM 0.4.2) is built for Debian's python3
# only, not for another python3 first in PATH.
SYSTEM_PYTHON = "/usr/bin/python3"

# The PAM service names the servers are configured with.
SERVICE = "crm-web"                  # the login
SERVICE_EXPIRED = "crm-web-expired"  # the account group: expired password
SERVICE_INFO = "crm-web-info"        # the auth group sends PAM_TEXT_INFO


class Failure(Exception):
    pass


def note(text):
    print("# " + text, flush=True)


def locate():
    builddir = os.environ.get("CRM_TEST_BUILDDIR") or \
        os.environ.get("abs_top_builddir")
    srcdir = os.environ.get("CRM_TEST_SRCDIR") or \
        os.environ.get("abs_top_srcdir")
    if not builddir or not srcdir:
        here = os.path.dirname(os.path.abspath(__file__))
        builddir = srcdir = os.path.dirname(os.path.dirname(here))
    return os.path.abspath(builddir), os.path.abspath(srcdir)


def find_pam_wrapper():
    path = os.environ.get("CRM_TEST_PAM_WRAPPER")
    if path and os.path.exists(path):
        return path
    out = subprocess.run(["ldconfig", "-p"], capture_output=True,
                         text=True, check=False).stdout
    for line in out.splitlines():
        if line.strip().startswith("libpam_wrapper.so ") and "=>" in line:
            return line.split("=>", 1)[1].strip()
    raise Failure("libpam_wrapper.so not found (apt-get install "
                  "libpam-wrapper)")


def pam_wrapper_copies():
    return set(glob.glob("/tmp/pam.?"))


def remove_pam_wrapper_copies(keep):
    """pam_wrapper copies the service directory to /tmp/pam.X in every
    process that starts a PAM transaction (the servers' root parents and
    each www-data worker) and leaves it behind when the process is
    killed: remove those of this test whose process is gone."""
    for d in pam_wrapper_copies() - keep:
        try:
            with open(os.path.join(d, "pid")) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, what):
    deadline = time.monotonic() + TIMEOUT
    while True:
        if proc.poll() is not None:
            raise Failure("%s exited with %d at start" %
                          (what, proc.returncode))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise Failure("%s does not accept on port %d" %
                              (what, port))
            time.sleep(0.05)


def stop(proc, sig=signal.SIGTERM):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=TIMEOUT)


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def proc_ids(pid):
    """(real, effective, saved, fs) uid and gid of a process."""
    uid = gid = None
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Uid:"):
                uid = tuple(int(x) for x in line.split()[1:])
            elif line.startswith("Gid:"):
                gid = tuple(int(x) for x in line.split()[1:])
    return uid, gid


# ---- the stack: data ----

def debian_services(env):
    """The PAM services of today's test, with Debian's own modules only
    (and pam_test_web, a test module of this tree): {name: [lines]}.

    crm-web: an address rule (pam_exec: 127.0.0.3 refused; pam_access
    would do, but it refuses a user that NSS does not know), the items
    the server set written to a log (pam_exec), the password (pam_exec
    expose_authtok: a script compares it), pam_env (CRM_DEPARTMENT, set
    at pam_setcred only) and, in the account group, CRM_ROLES=sales by
    pam_putenv as pam_crm_role sets it.  crm-web-expired: the same login,
    and PAM_NEW_AUTHTOK_REQD from the account group.  crm-web-info: a
    PAM_TEXT_INFO message before the password."""
    s = SECURITY
    web = env.test_module("pam_test_web")
    items = "%s/pam_exec.so quiet %s" % (s, env.items_script)
    passwd = "%s/pam_exec.so quiet expose_authtok %s" % (s, env.check_script)
    access = "%s/pam_exec.so quiet %s" % (s, env.access_script)
    pamenv = "%s/pam_env.so conffile=%s readenv=0 user_readenv=0" % (
        s, env.env_conf)
    login = [
        "auth requisite " + access,
        "auth required " + items,
        "auth required " + passwd,
        "auth optional " + pamenv,
        # pam_exec and pam_env both answer pam_setcred with PAM_IGNORE,
        # and a group of ignores fails it with PAM_PERM_DENIED: one
        # module of the group must succeed there.
        "auth required %s/pam_permit.so" % s,
        "account required " + items,
        "account required %s putenv=%s=%s" % (web, ROLES[0], ROLES[1]),
    ]
    return {
        SERVICE: login,
        SERVICE_EXPIRED: login + ["account required %s expired" % web],
        SERVICE_INFO: ["auth required %s info=%s" % (web, INFO_TEXT)] +
        login,
    }


class Env:
    """The work directory, the servers, and their undoing."""

    def __init__(self, builddir, srcdir):
        self.builddir = builddir
        self.srcdir = srcdir
        self.www = pwd.getpwnam(RUN_AS)
        # Not $CRM_TEST_WORK (0700 root): the www-data workers read the
        # service files (pam_wrapper copies them in each process), the
        # scripts and the documents.
        self.work = tempfile.mkdtemp(prefix="pam-crm-web-e2e.")
        os.chmod(self.work, 0o755)
        self.pamd = os.path.join(self.work, "pam.d")
        self.htdocs = os.path.join(self.work, "htdocs")
        # Written by the stack (pam_exec runs as the worker: www-data).
        self.spool = os.path.join(self.work, "spool")
        self.items_log = os.path.join(self.spool, "items.log")
        self.items_script = os.path.join(self.work, "items.sh")
        self.check_script = os.path.join(self.work, "check-password.sh")
        self.access_script = os.path.join(self.work, "access.sh")
        self.env_conf = os.path.join(self.work, "pam_env.conf")
        # The stand-in for the database and its key: root, 0600.
        self.secret = os.path.join(self.work, "secret.db")
        self.procs = {}
        self.ports = {}
        self.logs = {}
        self.copies_before = pam_wrapper_copies()

    def test_module(self, name):
        return os.path.join(self.builddir, "tests/common/.libs",
                            name + ".so")

    def path(self, *names):
        return os.path.join(self.work, *names)

    def setup_files(self):
        for d in (self.pamd, self.htdocs, self.spool):
            os.mkdir(d)
            os.chmod(d, 0o755)
        os.chown(self.spool, self.www.pw_uid, self.www.pw_gid)
        with open(os.path.join(self.htdocs, "index.html"), "w") as f:
            f.write("crm-web-e2e page\n")
        for name in ("expired", "info"):
            os.mkdir(os.path.join(self.htdocs, name))
            with open(os.path.join(self.htdocs, name, "index.html"),
                      "w") as f:
                f.write("crm-web-e2e %s page\n" % name)
        with open(self.secret, "w") as f:
            f.write("root only\n")
        os.chmod(self.secret, 0o600)
        # One line per PAM call: the phase, the items the server set
        # ("-" when unset), the uid the stack runs as, and whether it
        # could read the root-only file.
        self.write_script(self.items_script, """#!/bin/sh
if cat %s >/dev/null 2>&1; then secret=readable; else secret=denied; fi
f='type=%%s service=%%s user=%%s rhost=%%s ruser=%%s tty=%%s uid=%%s'
printf "$f secret=%%s\\n" "${PAM_TYPE:--}" "${PAM_SERVICE:--}" \\
    "${PAM_USER:--}" "${PAM_RHOST:--}" "${PAM_RUSER:--}" "${PAM_TTY:--}" \\
    "$(id -u)" \\
    "$secret" >> %s
exit 0
""" % (self.secret, self.items_log))
        # pam_exec expose_authtok writes the password, NUL-terminated, on
        # standard input.
        self.write_script(self.check_script, """#!/bin/sh
pw=$(tr -d '\\000')
[ "$PAM_USER" = '%s' ] && [ "$pw" = '%s' ]
""" % (USER, PASSWORD))
        self.write_script(self.access_script, """#!/bin/sh
[ "$PAM_RHOST" != '%s' ]
""" % REFUSED)
        with open(self.env_conf, "w") as f:
            f.write("%s DEFAULT=%s\n" % DEPARTMENT)

    @staticmethod
    def write_script(path, text):
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)

    def write_services(self, services):
        """services: {name: [lines]}; plus "other", all pam_deny."""
        for name, lines in services.items():
            with open(os.path.join(self.pamd, name), "w") as f:
                f.write("\n".join(lines) + "\n")
        with open(os.path.join(self.pamd, "other"), "w") as f:
            for group in ("auth", "account", "password", "session"):
                f.write("%s required %s/pam_deny.so\n" % (group, SECURITY))
        for name in os.listdir(self.pamd):
            os.chmod(os.path.join(self.pamd, name), 0o644)
        # The workers load the modules and run the programs the lines
        # name as www-data: a build tree under /root would fail every
        # login with no more than "Module is unknown".
        paths = {w for lines in services.values() for line in lines
                 for w in line.split() if w.startswith("/")}
        for path in sorted(paths):
            if subprocess.run(["setpriv", "--reuid=%d" % self.www.pw_uid,
                               "--regid=%d" % self.www.pw_gid,
                               "--clear-groups", "test", "-r", path],
                              timeout=TIMEOUT).returncode != 0:
                raise Failure("%s cannot read %s, which the stack names"
                              % (RUN_AS, path))

    def wrapped_env(self):
        env = dict(os.environ)
        env["LD_PRELOAD"] = find_pam_wrapper()
        env["PAM_WRAPPER"] = "1"
        env["PAM_WRAPPER_SERVICE_DIR"] = self.pamd
        return env

    def items(self):
        try:
            with open(self.items_log) as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            return []
        return [dict(w.split("=", 1) for w in line.split()) for line in lines]

    # ---- Apache ----

    def start_apache(self):
        root = self.path("apache")
        os.mkdir(root)
        port = free_port()
        conf = os.path.join(root, "httpd.conf")
        m = APACHE_MODULES
        with open(conf, "w") as f:
            f.write("""ServerRoot {root}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root}/httpd.pid
ErrorLog {root}/error.log
LogLevel info authnz_pam:debug
Mutex file:{root}
LoadModule mpm_prefork_module {m}/mod_mpm_prefork.so
LoadModule authn_core_module {m}/mod_authn_core.so
LoadModule authz_core_module {m}/mod_authz_core.so
LoadModule authz_user_module {m}/mod_authz_user.so
LoadModule auth_basic_module {m}/mod_auth_basic.so
LoadModule dir_module {m}/mod_dir.so
LoadModule authnz_pam_module {m}/mod_authnz_pam.so
User {user}
Group {group}
StartServers 1
MinSpareServers 1
MaxSpareServers 2
MaxRequestWorkers 4
DocumentRoot {htdocs}
DirectoryIndex index.html
<Location />
  AuthType Basic
  AuthName "crm"
  AuthBasicProvider PAM
  AuthPAMService {service}
  Require valid-user
</Location>
<Location /expired/>
  AuthPAMService {expired}
  AuthPAMExpiredRedirect http://127.0.0.1:{port}/change?user=%u&back=%s
</Location>
<Location /info/>
  AuthPAMService {info}
</Location>
""".format(root=root, port=port, m=m, user=RUN_AS,
                    group=self.group_name(), htdocs=self.htdocs,
                    service=SERVICE, expired=SERVICE_EXPIRED,
                    info=SERVICE_INFO))
        self.logs["apache error.log"] = os.path.join(root, "error.log")
        err = open(os.path.join(root, "stderr"), "w")
        self.logs["apache stderr"] = err.name
        # -DFOREGROUND: the parent stays our child (stopped below);
        # prefork's workers are forked as www-data.  A session of its
        # own: at its stop prefork sends SIGTERM to its whole process
        # group, which would otherwise be this test and make.
        proc = subprocess.Popen(["/usr/sbin/apache2", "-f", conf,
                                 "-DFOREGROUND"], env=self.wrapped_env(),
                                stdin=subprocess.DEVNULL, stdout=err,
                                start_new_session=True,
                                stderr=err, cwd=root)
        err.close()
        self.procs["apache"] = proc
        self.ports["apache"] = port
        wait_for_port(port, proc, "apache2")

    def group_name(self):
        import grp
        return grp.getgrgid(self.www.pw_gid).gr_name

    # ---- nginx ----

    def start_nginx(self):
        root = self.path("nginx")
        os.mkdir(root)
        port = free_port()
        conf = os.path.join(root, "nginx.conf")
        temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        with open(conf, "w") as f:
            f.write("""load_module {module};
user {user} {group};
worker_processes 1;
daemon off;
master_process on;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 64; }}
http {{
  access_log {root}/access.log;
{temps}
  server {{
    listen 127.0.0.1:{port};
    root {htdocs};
    auth_pam "crm";
    auth_pam_service_name {service};
    location /expired/ {{ auth_pam_service_name {expired}; }}
    location /info/ {{ auth_pam_service_name {info}; }}
  }}
}}
""".format(module=NGINX_MODULE, user=RUN_AS, group=self.group_name(),
                    root=root, port=port, htdocs=self.htdocs,
                    temps="\n".join("  %s_temp_path %s/%s;" % (t, root, t)
                                    for t in temp),
                    service=SERVICE, expired=SERVICE_EXPIRED,
                    info=SERVICE_INFO))
        self.logs["nginx error.log"] = os.path.join(root, "error.log")
        err = open(os.path.join(root, "stderr"), "w")
        self.logs["nginx stderr"] = err.name
        proc = subprocess.Popen(["/usr/sbin/nginx", "-c", conf, "-p", root,
                                 "-e", os.path.join(root, "error.log")],
                                env=self.wrapped_env(),
                                stdin=subprocess.DEVNULL, stdout=err,
                                start_new_session=True,
                                stderr=err, cwd=root)
        err.close()
        self.procs["nginx"] = proc
        self.ports["nginx"] = port
        wait_for_port(port, proc, "nginx")

    # ---- the WSGI application ----

    def start_wsgi(self):
        port = free_port()
        log = self.path("wsgi.log")
        self.logs["wsgi log"] = log
        err = open(log, "w")
        proc = subprocess.Popen([SYSTEM_PYTHON, os.path.abspath(__file__),
                                 "--wsgi", str(port), RUN_AS, self.secret],
                                env=self.wrapped_env(),
                                stdin=subprocess.DEVNULL, stdout=err,
                                start_new_session=True,
                                stderr=err, cwd=self.work)
        err.close()
        self.procs["wsgi"] = proc
        self.ports["wsgi"] = port
        wait_for_port(port, proc, "the WSGI application")

    def workers(self, name):
        """The pids that answer requests: Apache's and nginx's children
        of the root parent, the WSGI process itself."""
        pid = self.procs[name].pid
        if name == "wsgi":
            return [pid]
        return children(pid)

    def cleanup(self):
        for name, proc in self.procs.items():
            # nginx: SIGQUIT is its graceful stop, SIGTERM its fast one;
            # Apache: SIGTERM stops it and its children.
            stop(proc)
        remove_pam_wrapper_copies(self.copies_before)
        shutil.rmtree(self.work, ignore_errors=True)

    def show_logs(self):
        for title, path in sorted(self.logs.items()):
            try:
                with open(path, errors="replace") as f:
                    text = f.read()
            except OSError:
                continue
            if text:
                note("---- %s (%s) ----" % (title, path))
                for line in text.splitlines()[-40:]:
                    note(line)
        for item in self.items():
            note("items: %r" % item)


# ---- the client ----

class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for line in self.headers:
            if line.lower().startswith(name.lower() + ":"):
                return line.split(":", 1)[1].strip()
        return None


def curl(port, path="/", user=USER, password=PASSWORD, source=None):
    """One GET with Basic authentication (user None: none)."""
    args = ["curl", "-sS", "--max-time", str(TIMEOUT), "-o", "-",
            "-D", "/dev/stderr", "-w", "\n%{http_code}"]
    if user is not None:
        # In a header, not on the command line (ps would show it).
        token = base64.b64encode(("%s:%s" % (user, password)).encode())
        args += ["-H", "@-"]
        stdin = "Authorization: Basic %s\n" % token.decode()
    else:
        stdin = ""
    if source:
        args += ["--interface", source]
    args.append("http://127.0.0.1:%d%s" % (port, path))
    proc = subprocess.run(args, input=stdin, capture_output=True,
                          text=True, timeout=TIMEOUT + 5, check=False)
    if proc.returncode != 0:
        raise Failure("curl %s: exit %d: %s" % (path, proc.returncode,
                                               proc.stderr.strip()))
    body, _, status = proc.stdout.rpartition("\n")
    headers = [h for h in proc.stderr.splitlines() if h.strip()]
    return Reply(int(status), headers, body)


def expect_status(what, reply, want):
    if reply.status != want:
        raise Failure("%s: HTTP %d, expected %d; body %r" %
                      (what, reply.status, want, reply.body[:300]))
    note("%s: HTTP %d" % (what, reply.status))


def log_since(env, name, since):
    with open(env.logs[name], errors="replace") as f:
        f.seek(since)
        return f.read()


def log_size(env, name):
    try:
        return os.path.getsize(env.logs[name])
    except OSError:
        return 0


# ---- the cases ----

def login_and_refusal(env, server):
    port = env.ports[server]
    reply = curl(port, "/")
    expect_status("%s: right password" % server, reply, 200)
    if server != "wsgi" and "crm-web-e2e page" not in reply.body:
        raise Failure("%s served %r" % (server, reply.body))
    expect_status("%s: wrong password" % server,
                  curl(port, "/", password="wrong-" + PASSWORD), 401)
    expect_status("%s: other user" % server,
                  curl(port, "/", user="nobody-" + USER), 401)
    reply = curl(port, "/", user=None)
    expect_status("%s: no credentials" % server, reply, 401)
    challenge = reply.header("WWW-Authenticate") or ""
    if not challenge.startswith("Basic"):
        raise Failure("%s: no Basic challenge with the 401: %r" %
                      (server, reply.headers))


def client_address_is_rhost(env, server, items=True):
    """curl from 127.0.0.2 and 127.0.0.3 to 127.0.0.1: the address rule
    refuses the second; the items log shows what the server set."""
    port = env.ports[server]
    before = len(env.items())
    expect_status("%s: from %s" % (server, ALLOWED),
                  curl(port, "/", source=ALLOWED), 200)
    expect_status("%s: right password from %s" % (server, REFUSED),
                  curl(port, "/", source=REFUSED), 401)
    if not items:
        return
    new = env.items()[before:]
    for item in new:
        note("%s: PAM %s: rhost=%s ruser=%s tty=%s service=%s user=%s "
             "uid=%s" % (server, item["type"], item["rhost"],
                         item["ruser"], item["tty"], item["service"],
                         item["user"], item["uid"]))
    if not new or new[0].get("rhost") != ALLOWED:
        raise Failure("%s: PAM_RHOST of the login from %s: %r" %
                      (server, ALLOWED, new))
    if any(i.get("rhost") == REFUSED for i in new):
        # pam_access is first in the auth group: the refused address
        # never reaches the item log.
        raise Failure("%s: the stack ran past the address rule for %s" %
                      (server, REFUSED))
    return new


def runs_as_www_data(env, server):
    """Every process that answers requests is www-data through and
    through (real, effective, saved, fs ids), and what the stack ran
    could not read the root-only file."""
    pids = env.workers(server)
    if not pids:
        raise Failure("%s: no worker process" % server)
    want_uid = (env.www.pw_uid,) * 4
    want_gid = (env.www.pw_gid,) * 4
    for pid in pids:
        uid, gid = proc_ids(pid)
        if uid != want_uid or gid != want_gid:
            raise Failure("%s: worker %d runs as uid %r gid %r" %
                          (server, pid, uid, gid))
    note("%s: workers %s: Uid/Gid %d/%d (all four)" %
         (server, pids, env.www.pw_uid, env.www.pw_gid))
    bad = [i for i in env.items() if i.get("secret") != "denied"
           or i.get("uid") != str(env.www.pw_uid)]
    if bad:
        raise Failure("%s: the stack ran with access to the root-only "
                      "file: %r" % (server, bad))


def pam_runs_per_request(env, server, path, want):
    """How many PAM transactions one GET of path costs: nginx runs its
    access phase again after the index module's internal redirect of
    "/" to "/index.html" (two logins for one page: a one-time code would
    be used up by the first); Apache's subrequest reuses the login."""
    before = len(env.items())
    expect_status("%s: GET %s" % (server, path),
                  curl(env.ports[server], path), 200)
    got = [i["type"] for i in env.items()[before:]].count("auth")
    note("%s: GET %s: %d PAM authentication(s)" % (server, path, got))
    if got != want:
        raise Failure("%s: GET %s ran pam_authenticate %d times, "
                      "expected %d" % (server, path, got, want))


def apache_runs_auth_and_account(env, items):
    """Debian's mod_authnz_pam 1.2.3: AuthBasicProvider PAM calls
    pam_authenticate and then pam_acct_mgmt (both with PAM_SILENT), in
    one handle, in that order."""
    types = [i["type"] for i in items]
    note("apache: PAM groups run for one Basic login: %s" % types)
    if types != ["auth", "account"]:
        raise Failure("apache: a login ran %r, expected auth then "
                      "account: %r" % (types, items))


def apache_expired_redirects(env):
    """/expired/: AuthPAMService crm-web-expired and
    AuthPAMExpiredRedirect: PAM_NEW_AUTHTOK_REQD from the account group
    becomes 303 See Other to the URL, %u the user, %s the page asked
    for (URL-encoded)."""
    port = env.ports["apache"]
    reply = curl(port, "/expired/")
    expect_status("apache: expired password", reply, 303)
    location = reply.header("Location") or ""
    note("apache: Location: %s" % location)
    want = "http://127.0.0.1:%d/change?user=%s&back=" % (port, USER)
    if not location.startswith(want) or "expired" not in location:
        raise Failure("apache: expired redirect to %r, expected %r..." %
                      (location, want))
    expect_status("apache: expired, wrong password",
                  curl(port, "/expired/", password="x"), 401)


def apache_refuses_text_info(env):
    """mod_authnz_pam's conversation answers the first PAM_PROMPT_ECHO_OFF
    with the password and fails (PAM_CONV_ERR) on any other message: a
    PAM_TEXT_INFO ends the login."""
    since = log_size(env, "apache error.log")
    expect_status("apache: a stack that sends PAM_TEXT_INFO",
                  curl(env.ports["apache"], "/info/"), 401)
    log = log_since(env, "apache error.log", since)
    if "Conversation error" not in log:
        raise Failure("apache: no conversation error logged: %r" % log)
    note("apache: PAM_TEXT_INFO -> conversation error, 401")


def nginx_expired_is_401(env):
    """ngx_http_auth_pam runs pam_acct_mgmt after pam_authenticate and
    has no redirect: an expired password is a plain 401."""
    since = log_size(env, "nginx error.log")
    expect_status("nginx: expired password",
                  curl(env.ports["nginx"], "/expired/"), 401)
    log = log_since(env, "nginx error.log", since)
    if "invalid account" not in log:
        raise Failure("nginx: account refusal not logged: %r" % log)
    note("nginx: %s" % [line for line in log.splitlines()
                        if "invalid account" in line][0].split("] ", 1)[-1])


def nginx_logs_text_info(env):
    """ngx_http_auth_pam's conversation logs PAM_TEXT_INFO (level info)
    and goes on."""
    since = log_size(env, "nginx error.log")
    expect_status("nginx: a stack that sends PAM_TEXT_INFO",
                  curl(env.ports["nginx"], "/info/"), 200)
    log = log_since(env, "nginx error.log", since)
    if INFO_TEXT not in log:
        raise Failure("nginx: the PAM_TEXT_INFO text is not in its log")
    note("nginx: PAM_TEXT_INFO logged, login goes on")


def wsgi_sees_pam_environment(env, expect_env):
    """The application reads pam_getenvlist() after pam_acct_mgmt and
    after pam_setcred."""
    reply = curl(env.ports["wsgi"], "/")
    expect_status("wsgi: right password", reply, 200)
    answer = json.loads(reply.body)
    note("wsgi: %s" % reply.body)
    for step, (name, value) in expect_env:
        got = answer["env"].get(step, [])
        if "%s=%s" % (name, value) not in got:
            raise Failure("wsgi: %s=%s not in the PAM environment after "
                          "%s: %r" % (name, value, step, answer["env"]))
    if answer["uid"] != env.www.pw_uid or answer["secret"] != "denied":
        raise Failure("wsgi: application runs as uid %r, root-only "
                      "file %s" % (answer["uid"], answer["secret"]))


def wsgi_expired(env):
    reply = curl(env.ports["wsgi"], "/?service=" + SERVICE_EXPIRED)
    expect_status("wsgi: expired password", reply, 403)
    answer = json.loads(reply.body)
    if answer.get("step") != "acct_mgmt" or \
            answer.get("code") != answer.get("new_authtok_reqd"):
        raise Failure("wsgi: expired password: %r" % answer)
    note("wsgi: expired password: %s" % reply.body)


def run_scenarios(services, builddir, srcdir, expect_env=None,
                  items=True, expired=True, info=True, more=None):
    """Start Apache, nginx and the WSGI application with the PAM
    services given, as {name: [lines]}, and run every case.

    The servers use the services crm-web (the login), crm-web-expired
    (the login, then PAM_NEW_AUTHTOK_REQD from the account group) and
    crm-web-info (a PAM_TEXT_INFO message in the auth group).  Whatever
    the stack, USER/PASSWORD must log in from 127.0.0.1 and 127.0.0.2
    and be refused from 127.0.0.3.  expect_env: [(after, (NAME, VALUE))],
    after "acct_mgmt" or "setcred": what the WSGI application must find
    in the PAM environment.  items: the stack writes the item log
    (debian_services' pam_exec).  expired/info: run those cases (their
    services must then be in services).  more: None or a function of
    the Env that returns more cases, [(name, function)], run after these
    (and before the servers stop).  Returns (passed, failed)."""
    env = Env(builddir, srcdir)
    passed = failed = 0
    try:
        try:
            env.setup_files()
            env.write_services(services(env) if callable(services)
                               else services)
            env.start_apache()
            env.start_nginx()
            env.start_wsgi()
            note("apache on 127.0.0.1:%d, nginx on :%d, wsgi on :%d, "
                 "services in %s" % (env.ports["apache"],
                                     env.ports["nginx"], env.ports["wsgi"],
                                     env.pamd))
        except (Failure, OSError, subprocess.SubprocessError) as e:
            print("not ok - set-up: %s" % e, flush=True)
            env.show_logs()
            return 0, 1
        state = {}

        def apache_rhost():
            state["apache items"] = client_address_is_rhost(env, "apache",
                                                            items)

        cases = [
            ("apache: login", lambda: login_and_refusal(env, "apache")),
            ("apache: PAM_RHOST", apache_rhost),
            ("apache: www-data", lambda: runs_as_www_data(env, "apache")),
        ]
        if items:
            cases.append(("apache: auth and account",
                          lambda: apache_runs_auth_and_account(
                              env, state.get("apache items") or [])))
            cases += [
                ("apache: one login for /",
                 lambda: pam_runs_per_request(env, "apache", "/", 1)),
                ("nginx: two logins for /",
                 lambda: pam_runs_per_request(env, "nginx", "/", 2)),
                ("nginx: one login for /index.html",
                 lambda: pam_runs_per_request(env, "nginx", "/index.html",
                                              1)),
            ]
        if expired:
            cases.append(("apache: expired redirect",
                          lambda: apache_expired_redirects(env)))
        if info:
            cases.append(("apache: PAM_TEXT_INFO",
                          lambda: apache_refuses_text_info(env)))
        cases += [
            ("nginx: login", lambda: login_and_refusal(env, "nginx")),
            ("nginx: PAM_RHOST",
             lambda: client_address_is_rhost(env, "nginx", items)),
            ("nginx: www-data", lambda: runs_as_www_data(env, "nginx")),
        ]
        if expired:
            cases.append(("nginx: expired", lambda: nginx_expired_is_401(env)))
        if info:
            cases.append(("nginx: PAM_TEXT_INFO",
                          lambda: nginx_logs_text_info(env)))
        cases += [
            ("wsgi: login", lambda: login_and_refusal(env, "wsgi")),
            ("wsgi: PAM_RHOST",
             lambda: client_address_is_rhost(env, "wsgi", items)),
            ("wsgi: PAM environment",
             lambda: wsgi_sees_pam_environment(env, expect_env or [])),
            ("wsgi: www-data", lambda: runs_as_www_data(env, "wsgi")),
        ]
        if expired:
            cases.append(("wsgi: expired", lambda: wsgi_expired(env)))
        if more is not None:
            cases += more(env)
        for i, (name, case) in enumerate(cases, 1):
            try:
                case()
                print("ok %d - %s" % (i, name), flush=True)
                passed += 1
            except (Failure, OSError, ValueError, KeyError,
                    subprocess.SubprocessError) as e:
                print("not ok %d - %s: %s" % (i, name, e), flush=True)
                failed += 1
            except Exception:
                print("not ok %d - %s: unexpected error" % (i, name),
                      flush=True)
                traceback.print_exc(file=sys.stdout)
                failed += 1
        if failed:
            env.show_logs()
    finally:
        env.cleanup()
    return passed, failed


# ---- the pam-crm stack: pam.d/crm-web through crm-authd ----

# pam_crm.conf's [lockout] deny: the failures that lock a user.
CRM_DENY = 3
# Users of the pam-crm scenarios besides USER (sales, logs in everywhere).
CRM_LOCKED = {"apache": "crm-lock-apache", "nginx": "crm-lock-nginx"}
# One TOTP user per server: a code's time step is used up by its login,
# and the next step's code is not valid yet.
CRM_TOTP = {"apache": "crm-totp-apache", "nginx": "crm-totp-nginx"}
# RFC 6238's SHA1 test seed, as pam_oath's hex.
CRM_SEED = "3132333435363738393031323334353637383930"
CRM_EXPIRED = "crm-expired"
# The broker_allow of the daemon: the web server's user, for the
# services the servers are configured with (/expired/ has its own).
CRM_SERVICES = "%s,%s" % (SERVICE, SERVICE_EXPIRED)
CRM_ALLOW = "%s:%s" % (RUN_AS, CRM_SERVICES)
CRM_TIMEOUT_MS = 2000


def totp_code(seed_hex, offset=0):
    """The TOTP code (SHA1, 6 digits, 30 s) of now + offset steps."""
    out = subprocess.run(["oathtool", "--totp", "--now",
                          "now %+d sec" % (30 * offset), seed_hex],
                         capture_output=True, text=True, timeout=TIMEOUT,
                         check=True)
    return out.stdout.strip()


def wrong_code(seed_hex):
    """Six digits that are no code of the steps around now."""
    near = {totp_code(seed_hex, k) for k in range(-3, 4)}
    for n in range(1000000):
        code = "%06d" % ((int(totp_code(seed_hex)) + 500000 + n) % 1000000)
        if code not in near:
            return code
    raise Failure("no wrong code")


class Crm:
    """A pam-crm database with its key and pam_crm.conf, root's, in a
    directory www-data may cross (0711) but not list, and crm-authd run
    from it as root: the socket in a root-owned 0755 directory,
    pam_crm.conf readable by all, the database and the key 0600 root."""

    def __init__(self, builddir):
        self.builddir = builddir
        self.dir = tempfile.mkdtemp(prefix="pam-crm-web-crm.")
        os.chmod(self.dir, 0o711)
        self.rundir = os.path.join(self.dir, "run")
        os.mkdir(self.rundir)
        os.chmod(self.rundir, 0o755)
        self.sock = os.path.join(self.rundir, "authd.sock")
        self.conf = os.path.join(self.dir, "pam_crm.conf")
        self.db = os.path.join(self.dir, "crm.db")
        self.key = os.path.join(self.dir, "pam_crm.key")
        self.crmauth_bin = os.path.join(builddir, "tools/crmauth/crmauth")
        self.authd_bin = os.path.join(builddir, "tools/crm-authd/crm-authd")
        self.log = os.path.join(self.dir, "crm-authd.log")
        self.proc = None

    @staticmethod
    def plain_env():
        """As an administrator runs them: no preloads, no pam_wrapper."""
        return {k: v for k, v in os.environ.items()
                if k != "LD_PRELOAD" and not k.startswith("PAM_WRAPPER")}

    def write_conf(self, allow=CRM_ALLOW, timeout_ms=CRM_TIMEOUT_MS):
        with open(self.conf, "w") as f:
            f.write("[global]\ndb = %s\nkeyfile = %s\n"
                    "broker_socket = %s\nbroker_timeout_ms = %d\n"
                    "broker_allow = %s\n"
                    "[lockout]\ndeny = %d\nnodelay = yes\n"
                    "[totp]\nnodelay = yes\n" %
                    (self.db, self.key, self.sock, timeout_ms, allow,
                     CRM_DENY))
        os.chmod(self.conf, 0o644)

    def crmauth(self, *args, stdin=None, check=True):
        proc = subprocess.run([self.crmauth_bin, "--conf", self.conf] +
                              list(args), input=stdin, capture_output=True,
                              text=True, timeout=TIMEOUT, check=False,
                              env=self.plain_env())
        if check and proc.returncode != 0:
            raise Failure("crmauth %s: exit %d: %s" % (
                " ".join(args), proc.returncode,
                (proc.stderr + proc.stdout).strip()))
        return proc

    def setup(self):
        self.write_conf()
        self.crmauth("init")
        self.crmauth("role", "add", ROLES[1], "--scope", "own")
        users = [USER, CRM_EXPIRED] + sorted(CRM_LOCKED.values()) + \
            sorted(CRM_TOTP.values())
        for name in users:
            self.crmauth("user", "add", name, "--password-stdin",
                         stdin=PASSWORD + "\n")
        self.crmauth("role", "grant", USER, ROLES[1])
        # 127.0.0.1 (curl's default source, the WSGI application's
        # REMOTE_ADDR) and 127.0.0.2; nothing allows 127.0.0.3
        # ([access] default=deny).
        self.crmauth("allow", "add", "allow", "*",
                     "127.0.0.0/31,%s" % ALLOWED, "--service", CRM_SERVICES)
        users_oath = os.path.join(self.dir, "users.oath")
        with open(users_oath, "w") as f:
            for name in sorted(CRM_TOTP.values()):
                f.write("HOTP/T30 %s - %s\n" % (name, CRM_SEED))
        os.chmod(users_oath, 0o600)
        self.crmauth("totp", "import", "--oath-usersfile", users_oath)
        self.crmauth("user", "expire", CRM_EXPIRED)
        for path in (self.db, self.key):
            st = os.stat(path)
            if st.st_uid != 0 or st.st_mode & 0o077:
                raise Failure("%s is not root's alone: %o" %
                              (path, st.st_mode))

    def start(self):
        log = open(self.log, "a")
        self.proc = subprocess.Popen(
            [self.authd_bin, "--foreground", "--socket", self.sock,
             "--conf", self.conf, "--workers", "4"],
            env=self.plain_env(), stdin=subprocess.DEVNULL, stdout=log,
            stderr=log, start_new_session=True)
        log.close()
        deadline = time.monotonic() + TIMEOUT
        while not os.path.exists(self.sock):
            if self.proc.poll() is not None:
                raise Failure("crm-authd exited with %d at start" %
                              self.proc.returncode)
            if time.monotonic() > deadline:
                raise Failure("crm-authd made no socket at %s" % self.sock)
            time.sleep(0.02)

    def stop(self):
        """SIGTERM, then wait: it answers what it accepted and exits."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=TIMEOUT)
        self.proc = None

    def reload(self, allow):
        self.write_conf(allow=allow)
        self.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def audit(self, user=None, event=None):
        args = ["--json", "audit"]
        if user:
            args += ["--user", user]
        if event:
            args += ["--event", event]
        return json.loads(self.crmauth(*args).stdout)

    def last_audit_id(self):
        rows = self.audit()
        return rows[-1]["id"] if rows else 0

    def lockout(self, user):
        doc = json.loads(self.crmauth("--json", "lockout", "show",
                                      user).stdout)
        for row in doc["users"]:
            if row["user"] == user:
                return row
        return {"user": user, "failures": 0, "locked": False}

    def reset_lockouts(self):
        """crmauth lockout reset for every user and address of the test
        (exit status 1: there was nothing to reset)."""
        targets = [[name] for name in [USER] + sorted(CRM_LOCKED.values())
                   + sorted(CRM_TOTP.values())]
        targets += [["--rhost", addr]
                    for addr in ("127.0.0.1", ALLOWED, REFUSED)]
        for target in targets:
            proc = self.crmauth("lockout", "reset", *target, check=False)
            if proc.returncode not in (0, 1):
                raise Failure("crmauth lockout reset %s: exit %d: %s" % (
                    " ".join(target), proc.returncode, proc.stderr.strip()))

    def services(self, env):
        """pam.d/crm-web as shipped, with this build's modules and
        conf=; the same stack as crm-web-expired (the expired user tells
        the redirect apart) and crm-web-info."""
        with open(os.path.join(env.srcdir, "pam.d", "crm-web")) as f:
            text = f.read().splitlines()
        lines = []
        for line in text:
            words = line.split()
            if not words or line.lstrip().startswith("#"):
                continue
            for i, word in enumerate(words):
                if word.startswith("pam_crm_") and word.endswith(".so"):
                    name = word[len("pam_crm_"):-3]
                    words[i] = "%s/modules/pam_crm_%s/.libs/%s conf=%s" % (
                        self.builddir, name, word, self.conf)
                elif word.startswith("pam_") and word.endswith(".so"):
                    words[i] = "%s/%s" % (SECURITY, word)
            lines.append(" ".join(words))
        return {SERVICE: lines, SERVICE_EXPIRED: lines}


def crm_page(server):
    """nginx: /index.html, one PAM login (GET / is two, see above)."""
    return "/index.html"


def crm_good_login_audited(env, crm, server):
    """The right password: 200; the wrong one: 401; the audit rows the
    daemon wrote name the caller, www-data (uid 33)."""
    crm.reset_lockouts()
    since = crm.last_audit_id()
    port = env.ports[server]
    expect_status("%s: crm-web, right password" % server,
                  curl(port, crm_page(server)), 200)
    expect_status("%s: crm-web, wrong password" % server,
                  curl(port, crm_page(server), password="wrong-" + PASSWORD),
                  401)
    rows = [r for r in crm.audit(user=USER) if r["id"] > since]
    events = [(r["module"], r["event"], r["detail"]) for r in rows]
    for r in rows:
        note("%s: audit: %s %s %s: %s" % (server, r["module"], r["event"],
                                          r["result"], r["detail"]))
    ok = [r for r in rows if r["event"] == "auth_ok"]
    fail = [r for r in rows if r["event"] == "auth_fail"]
    if not ok or not fail:
        raise Failure("%s: no auth_ok and auth_fail rows: %r" %
                      (server, events))
    want = "broker_uid=%d" % env.www.pw_uid
    bad = [r for r in rows if want not in (r["detail"] or "")]
    if bad:
        raise Failure("%s: audit rows without %s: %r" % (server, want, bad))
    if any(r["service"] != SERVICE for r in rows):
        raise Failure("%s: audit rows of another service: %r" %
                      (server, events))


def crm_lockout(env, crm, server):
    """deny wrong passwords lock the user: the right one is refused
    then, and the lock is in the database and the audit trail."""
    crm.reset_lockouts()
    user = CRM_LOCKED[server]
    port = env.ports[server]
    since = crm.last_audit_id()
    for i in range(CRM_DENY):
        expect_status("%s: %s, wrong password %d" % (server, user, i + 1),
                      curl(port, crm_page(server), user=user,
                           password="wrong-%d-%s" % (i, PASSWORD)), 401)
    expect_status("%s: %s, right password after %d wrong ones" %
                  (server, user, CRM_DENY),
                  curl(port, crm_page(server), user=user), 401)
    row = crm.lockout(user)
    note("%s: crmauth lockout show %s: %r" % (server, user, row))
    if not row.get("locked") or row.get("failures") != CRM_DENY:
        raise Failure("%s: %s not locked after %d failures: %r" %
                      (server, user, CRM_DENY, row))
    rows = [r for r in crm.audit(user=user) if r["id"] > since]
    locked = [r for r in rows if "lock" in r["event"]]
    for r in locked:
        note("%s: audit: %s %s: %s" % (server, r["event"], r["result"],
                                       r["detail"]))
    if not locked:
        raise Failure("%s: no lock in the audit trail: %r" %
                      (server, [(r["event"], r["detail"]) for r in rows]))
    crm.crmauth("lockout", "reset", user)
    expect_status("%s: %s, right password after lockout reset" %
                  (server, user), curl(port, crm_page(server), user=user),
                  200)


def crm_totp_concat(env, crm, server):
    """An enrolled user types password and code in the one field."""
    crm.reset_lockouts()
    user = CRM_TOTP[server]
    port = env.ports[server]
    page = crm_page(server)
    expect_status("%s: %s, password without the code" % (server, user),
                  curl(port, page, user=user), 401)
    expect_status("%s: %s, password and a wrong code" % (server, user),
                  curl(port, page, user=user,
                       password=PASSWORD + wrong_code(CRM_SEED)), 401)
    expect_status("%s: %s, password and the code" % (server, user),
                  curl(port, page, user=user,
                       password=PASSWORD + totp_code(CRM_SEED)), 200)
    # A right code uses its time step up: the next step's (within
    # window=1) is accepted, and then the wrong password refused.
    expect_status("%s: %s, a right code after a wrong password" %
                  (server, user),
                  curl(port, page, user=user,
                       password="wrong-" + PASSWORD +
                       totp_code(CRM_SEED, 1)), 401)
    rows = crm.audit(user=user)[-3:]
    if [r["event"] for r in rows][:2] != ["totp_ok", "auth_fail"]:
        raise Failure("%s: %s: the code was not accepted before the wrong "
                      "password: %r" % (server, user,
                                        [(r["event"], r["detail"])
                                         for r in rows]))
    crm.reset_lockouts()


def crm_apache_expired(env, crm):
    """crmauth user expire: pam_crm_passwd's account function says
    PAM_NEW_AUTHTOK_REQD, which mod_authnz_pam turns into 303 to
    AuthPAMExpiredRedirect (crm-web under /expired/)."""
    crm.reset_lockouts()
    port = env.ports["apache"]
    reply = curl(port, "/expired/", user=CRM_EXPIRED)
    expect_status("apache: crm-web, expired password", reply, 303)
    location = reply.header("Location") or ""
    note("apache: Location: %s" % location)
    want = "http://127.0.0.1:%d/change?user=%s&back=" % (port, CRM_EXPIRED)
    if not location.startswith(want):
        raise Failure("apache: expired redirect to %r, expected %r..." %
                      (location, want))
    expect_status("apache: crm-web, expired, wrong password",
                  curl(port, "/expired/", user=CRM_EXPIRED, password="x"),
                  401)
    expect_status("apache: crm-web, expired, without the redirect",
                  curl(port, "/index.html", user=CRM_EXPIRED), 401)


def crm_nginx_expired(env, crm):
    crm.reset_lockouts()
    since = log_size(env, "nginx error.log")
    expect_status("nginx: crm-web, expired password",
                  curl(env.ports["nginx"], "/expired/index.html",
                       user=CRM_EXPIRED), 401)
    log = log_since(env, "nginx error.log", since)
    if "invalid account" not in log:
        raise Failure("nginx: account refusal not logged: %r" % log)


def crm_caller_not_allowed(env, crm, server):
    """broker_allow without www-data (reloaded at SIGHUP): the daemon
    refuses the caller and writes broker_refused; back in the list, the
    login works again."""
    crm.reset_lockouts()
    port = env.ports[server]
    since = crm.last_audit_id()
    crm.reload("nobody:%s" % CRM_SERVICES)
    try:
        expect_status("%s: crm-web, www-data not in broker_allow" % server,
                      curl(port, crm_page(server)), 401)
        rows = [r for r in crm.audit(event="broker_refused")
                if r["id"] > since]
        for r in rows[:2]:
            note("%s: audit: %s %s: %s" % (server, r["event"], r["result"],
                                           r["detail"]))
        if not rows:
            raise Failure("%s: no broker_refused audit row" % server)
        if not any("uid %d" % env.www.pw_uid in (r["detail"] or "")
                   for r in rows):
            raise Failure("%s: broker_refused does not name uid %d: %r" %
                          (server, env.www.pw_uid, rows))
    finally:
        crm.reload(CRM_ALLOW)
    expect_status("%s: crm-web, www-data back in broker_allow" % server,
                  curl(port, crm_page(server)), 200)


def crm_daemon_down(env, crm):
    """crm-authd stopped: the modules cannot ask, the login fails
    (PAM_AUTHINFO_UNAVAIL inside), at once."""
    crm.stop()
    for server in ("apache", "nginx"):
        start = time.monotonic()
        expect_status("%s: crm-web, crm-authd stopped" % server,
                      curl(env.ports[server], crm_page(server)), 401)
        took = time.monotonic() - start
        note("%s: refused after %.2f s" % (server, took))
        if took > CRM_TIMEOUT_MS / 1000.0 + 1:
            raise Failure("%s: refused after %.2f s; broker_timeout_ms is "
                          "%d" % (server, took, CRM_TIMEOUT_MS))


def crm_cases(crm):
    def more(env):
        cases = []
        for server in ("apache", "nginx"):
            cases += [
                ("%s: crm-web login, audit broker_uid" % server,
                 lambda s=server: crm_good_login_audited(env, crm, s)),
                ("%s: crm-web lockout" % server,
                 lambda s=server: crm_lockout(env, crm, s)),
                ("%s: crm-web TOTP concat" % server,
                 lambda s=server: crm_totp_concat(env, crm, s)),
            ]
        cases += [
            ("apache: crm-web expired redirect",
             lambda: crm_apache_expired(env, crm)),
            ("nginx: crm-web expired", lambda: crm_nginx_expired(env, crm)),
            ("apache: crm-web broker_allow without www-data",
             lambda: crm_caller_not_allowed(env, crm, "apache")),
            ("nginx: crm-web broker_allow without www-data",
             lambda: crm_caller_not_allowed(env, crm, "nginx")),
            # Last: the daemon is not started again.
            ("crm-web with crm-authd stopped",
             lambda: crm_daemon_down(env, crm)),
        ]
        return cases
    return more


def run_crm_scenarios(builddir, srcdir):
    """pam.d/crm-web through a crm-authd of this test."""
    crm = Crm(builddir)
    try:
        try:
            crm.setup()
            crm.start()
            note("crm-authd %d on %s, pam_crm.conf %s" %
                 (crm.proc.pid, crm.sock, crm.conf))
        except (Failure, OSError, subprocess.SubprocessError) as e:
            print("not ok - crm set-up: %s" % e, flush=True)
            return 0, 1
        passed, failed = run_scenarios(
            crm.services, builddir, srcdir,
            expect_env=[("acct_mgmt", ROLES)], items=False, expired=False,
            info=False, more=crm_cases(crm))
        if failed:
            try:
                for r in crm.audit()[-40:]:
                    note("audit %d: %s %s %s %s %s: %s" % (
                        r["id"], r["user"], r["rhost"], r["module"],
                        r["event"], r["result"], r["detail"]))
            except (Failure, ValueError):
                pass
            try:
                with open(crm.log, errors="replace") as f:
                    for line in f.read().splitlines()[-40:]:
                        note("crm-authd: " + line)
            except OSError:
                pass
        return passed, failed
    finally:
        crm.cleanup()


# ---- the WSGI application (run as: python3 test_web.py --wsgi PORT USER)

def wsgi_main(port, user):
    """A login page in a few lines: Basic credentials (or user= and
    password= in a POSTed form) through PAM, as www-data.  The answer is
    JSON: the PAM environment after each step, the uid, whether the
    root-only file could be read."""
    import PAM
    import urllib.parse
    from wsgiref.simple_server import make_server, WSGIRequestHandler

    entry = pwd.getpwnam(user)
    os.setgroups([])
    os.setgid(entry.pw_gid)
    os.setuid(entry.pw_uid)
    secret = sys.argv[4] if len(sys.argv) > 4 else None

    def credentials(environ):
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Basic "):
            text = base64.b64decode(header[6:]).decode("utf-8", "replace")
            name, _, word = text.partition(":")
            return name, word
        if environ.get("REQUEST_METHOD") == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = urllib.parse.parse_qs(
                environ["wsgi.input"].read(size).decode())
            return (form.get("user", [""])[0],
                    form.get("password", [""])[0])
        return None, None

    def app(environ, start_response):
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        service = query.get("service", [SERVICE])[0]
        name, word = credentials(environ)

        def answer(status, doc, challenge=False):
            body = json.dumps(doc, sort_keys=True).encode()
            headers = [("Content-Type", "application/json")]
            if challenge:
                headers.append(("WWW-Authenticate", 'Basic realm="crm"'))
            start_response(status, headers)
            return [body]
        if name is None:
            return answer("401 Unauthorized", {"error": "no credentials"},
                          True)

        def conv(auth, queries, data):
            out = []
            for text, style in queries:
                if style == PAM.PAM_PROMPT_ECHO_OFF:
                    out.append((word, 0))
                elif style == PAM.PAM_PROMPT_ECHO_ON:
                    out.append((name, 0))
                else:
                    out.append(("", 0))
            return out
        pam = PAM.pam()
        pam.start(service)
        pam.set_item(PAM.PAM_USER, name)
        pam.set_item(PAM.PAM_RHOST, environ.get("REMOTE_ADDR", ""))
        pam.set_item(PAM.PAM_CONV, conv)
        envs = {}
        step = "authenticate"
        try:
            pam.authenticate()
            step = "acct_mgmt"
            pam.acct_mgmt()
            envs[step] = pam.getenvlist()
            step = "setcred"
            pam.setcred(PAM.PAM_ESTABLISH_CRED)
            envs[step] = pam.getenvlist()
        except PAM.error as e:
            code = e.args[1] if len(e.args) > 1 else None
            doc = {"error": str(e.args[0]), "code": code, "step": step,
                   "new_authtok_reqd": PAM.PAM_NEW_AUTHTOK_REQD}
            if step == "acct_mgmt":
                return answer("403 Forbidden", doc)
            return answer("401 Unauthorized", doc, True)
        try:
            with open(secret):
                readable = "readable"
        except OSError:
            readable = "denied"
        return answer("200 OK", {"user": name, "env": envs,
                                 "uid": os.getuid(), "secret": readable})

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            sys.stderr.write("wsgi: " + (args[0] % args[1:]) + "\n")

    server = make_server("127.0.0.1", port, app, handler_class=Quiet)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    server.serve_forever()


def main():
    if os.geteuid() != 0:
        print("test_web: SKIP: needs root (the servers start as root and "
              "switch to www-data); CI runs it as root", flush=True)
        return 77
    if os.environ.get("CRM_TEST_PRELOAD"):
        # .ci/run's sanitizer pass: Apache, nginx, Python and the
        # stacks' pam_exec scripts are not sanitizer builds, and the
        # runtime preloaded into them breaks them (nginx's workers die,
        # the scripts fail).  The modules and crm-authd run sanitized in
        # the PAM-stack tests (test_broker, test_broker_load).
        print("test_web: SKIP: not under a sanitizer runtime (the servers "
              "are not sanitizer builds)", flush=True)
        return 77
    needed = ["/usr/sbin/apache2", APACHE_MODULES + "/mod_authnz_pam.so",
              "/usr/sbin/nginx", NGINX_MODULE, SYSTEM_PYTHON]
    for path in needed:
        if not os.path.exists(path):
            print("test_web: FAIL: %s missing (sh .ci/install-deps: apache2 "
                  "libapache2-mod-authnz-pam nginx libnginx-mod-http-auth-pam"
                  " python3-pam curl)" % path)
            return 1
    if subprocess.run([SYSTEM_PYTHON, "-c", "import PAM"],
                      capture_output=True, timeout=TIMEOUT).returncode != 0:
        print("test_web: FAIL: %s cannot import PAM (python3-pam)" %
              SYSTEM_PYTHON)
        return 1
    builddir, srcdir = locate()
    start = time.monotonic()
    passed, failed = run_scenarios(
        debian_services, builddir, srcdir,
        expect_env=[("acct_mgmt", ROLES), ("setcred", ROLES),
                    ("setcred", DEPARTMENT)])
    note("---- pam.d/crm-web through crm-authd ----")
    more_passed, more_failed = run_crm_scenarios(builddir, srcdir)
    passed += more_passed
    failed += more_failed
    note("%d passed, %d failed, %.1f s" % (passed, failed,
                                          time.monotonic() - start))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--wsgi":
        wsgi_main(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(main())
