#!/usr/bin/env python3
"""SSH logins through a real sshd and the shipped pam.d/sshd-crm.

The test starts /usr/sbin/sshd on a free port of 127.0.0.1 under
pam_wrapper, with a private sshd_config, host key and PAM service
directory whose "sshd" is pam.d/sshd-crm with this build's modules and a
throw-away pam_crm.conf.  The account that logs in exists only in the
CRM database: crmauth gives it a login shell and writes it into
libnss-extrausers' files, in a directory of the test; sshd runs in a
mount namespace of its own (unshare -m) where that directory is
/var/lib/extrausers and /etc/nsswitch.conf reads "passwd: files
extrausers", so that the real glibc and the real libnss-extrausers find
the account, and nothing in /etc or /var changes for anyone else.  ssh is
driven with pexpect, one prompt and answer at a time.  What a user
notices is checked: the right password logs in as that account, a wrong
one is refused and counted, deny wrong ones lock the account until
crmauth resets it, the audit trail names the address the login came
from, a kiosk login through crm-login finds the same account, and a
disabled or deleted account is refused as sshd's "Invalid user".

Run by tests/run-test (make check); needs root (sshd, unshare, mount).
Exit status 0 pass, 1 fail, 77 (skip) only when not root.
"""

import collections
import fcntl
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import re
import time
import traceback

USER = "crm-e2e"
# Held for the whole run: two runs on one machine (two build trees) would
# race for /run/sshd and for the loopback addresses' audit rows.
LOCK_FILE = "/run/lock/pam-crm-e2e.lock"
# Where Debian's libnss-extrausers reads its files (compiled in).
EXTRAUSERS_DIR = "/var/lib/extrausers"
PASSWORD = "Crm-E2E-Horse-Battery-7"
DENY = 3
# Every wait is bounded: a hang fails the test instead of blocking CI.
TIMEOUT = 20
# What pam_get_authtok asks, as sshd's keyboard-interactive shows it
# ("(crme2e@127.0.0.1) Password: ").
PASSWORD_PROMPT = r"Password: ?"
# pam_crm_totp's prompt.
CODE_PROMPT = r"Verification code: ?"
# The address inside trusted_nets: from there no code is asked.
TRUSTED = "127.0.0.2"
# An address no access rule allows.
REFUSED = "127.0.0.3"


class Failure(Exception):
    pass


def note(text):
    print("# " + text, flush=True)


def locate():
    """The build tree, the source tree and the tools the test uses."""
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


def remove_pam_wrapper_copies(keep):
    """pam_wrapper copies the service directory to /tmp/pam.X in each
    process that loads it (sshd re-executes itself for every connection)
    and leaves the copy behind when that process does not exit through
    libc's exit: remove the ones sshd made whose process is gone.  An
    empty pid file is a copy being made right now: keep it."""
    for d in set(glob.glob("/tmp/pam.?")) - keep:
        try:
            with open(os.path.join(d, "pid")) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            continue
        try:
            os.kill(pid, 0)
            continue
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except OSError:
            continue


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Env:
    """Everything the test sets up, and its undoing."""

    def __init__(self, builddir, srcdir, work):
        self.builddir = builddir
        self.srcdir = srcdir
        self.work = work
        self.crmauth = os.path.join(builddir, "tools/crmauth/crmauth")
        self.conf = os.path.join(work, "pam_crm.conf")
        self.pamd = os.path.join(work, "pam.d")
        self.sshd_config = os.path.join(work, "sshd_config")
        self.hostkey = os.path.join(work, "ssh_host_ed25519_key")
        self.sshd_log = os.path.join(work, "sshd.log")
        self.sshd_stderr = os.path.join(work, "sshd.stderr")
        self.syslog = os.environ.get("CRM_TEST_SYSLOG") or \
            os.path.join(work, "syslog")
        self.extrausers = os.path.join(work, "extrausers")
        # The session runs as the account: its home must be reachable
        # from /, which the 0700 work directory is not.
        self.home_base = tempfile.mkdtemp(prefix="pam-crm-e2e-home.")
        os.chmod(self.home_base, 0o755)
        self.nsswitch = os.path.join(work, "nsswitch.conf")
        self.port = None
        self.sshd = None
        self.pam_copies_before = set()

    def module(self, name):
        return os.path.join(self.builddir, "modules", "pam_crm_" + name,
                            ".libs", "pam_crm_" + name + ".so")

    # ---- pam-crm: configuration, database, user ----

    def run_crmauth(self, *args, stdin=None, check=True):
        proc = subprocess.run([self.crmauth, "--conf", self.conf] +
                              list(args), input=stdin, capture_output=True,
                              text=True, timeout=TIMEOUT, check=False)
        if check and proc.returncode != 0:
            raise Failure("crmauth %s: exit %d: %s" %
                          (" ".join(args), proc.returncode, proc.stderr))
        return proc

    def setup_crm(self):
        # nodelay: a refusal would otherwise wait two seconds.
        with open(self.conf, "w") as f:
            f.write("[global]\ndb = %s\nkeyfile = %s\n\n"
                    "[lockout]\ndeny = %d\nunlock_time = 600\n"
                    "nodelay = yes\n\n"
                    "[totp]\nnodelay = yes\ntrusted_nets = %s/32\n"
                    # Steps of one second (see enroll_totp): a window of
                    # three lets a replay a few seconds later (slow
                    # under sanitizers) still be recognised as one.
                    "window = 3\n\n"
                    "[crmauth]\nextrausers_dir = %s\nhome_base = %s\n" %
                    (os.path.join(self.work, "crm.db"),
                     os.path.join(self.work, "pam_crm.key"), DENY, TRUSTED,
                     self.extrausers, self.home_base))
        os.mkdir(self.extrausers)
        self.run_crmauth("init")
        # A CRM-only account: no useradd, no line in /etc/passwd.
        self.run_crmauth("user", "add", USER, "--password-stdin",
                         "--login-shell", "/bin/sh", stdin=PASSWORD + "\n")
        self.uid = json.loads(self.run_crmauth(
            "--json", "user", "show", USER).stdout)["uid"]
        # pam.d/sshd-crm starts with pam_crm_access: the test's two
        # client addresses are allowed, every other one is not.
        self.run_crmauth("allow", "add", "allow", "user:" + USER,
                         "127.0.0.1,%s" % TRUSTED)
        self.enroll_totp()

    def enroll_totp(self):
        """crmauth totp enroll on a terminal, as an administrator runs
        it: the QR code is drawn (half blocks on a fixed white
        background, readable on dark and light terminals) and the URI
        printed; the secret is what the user's app would scan.  A
        one-second period lets each login of the test use a step of its
        own (a step once used is refused)."""
        import pexpect

        child = pexpect.spawn(self.crmauth, ["--conf", self.conf, "totp",
                              "enroll", USER, "--period", "1"],
                              timeout=TIMEOUT, encoding="utf-8")
        child.expect(pexpect.EOF)
        child.close()
        out = child.before
        if child.exitstatus != 0:
            raise Failure("totp enroll: exit %s: %r" %
                          (child.exitstatus, out))
        if "\x1b[30;47m" not in out or "\u2580" not in out and \
                "\u2584" not in out and "\u2588" not in out:
            raise Failure("totp enroll drew no QR code on the terminal: %r"
                          % out[:300])
        match = re.search(r"otpauth://totp/[^\s]*secret=([A-Z2-7]+)", out)
        if not match:
            raise Failure("totp enroll printed no otpauth URI: %r" % out)
        self.secret = match.group(1)
        self.last_code_second = 0
        # Pending until a first code: confirm it as the user would.
        self.run_crmauth("totp", "confirm", USER, self.code())

    def code(self):
        """The code oathtool computes from the enrolled secret, for a
        second no earlier code of this test used."""
        while int(time.time()) <= self.last_code_second:
            time.sleep(0.05)
        now = int(time.time())
        self.last_code_second = now
        proc = subprocess.run(["oathtool", "--totp", "--base32",
                               "--time-step-size=1s", "--now=@%d" % now,
                               self.secret], capture_output=True, text=True,
                              timeout=TIMEOUT, check=True)
        return proc.stdout.strip()

    def write_nsswitch(self):
        """The machine's nsswitch.conf with extrausers after files for
        users and groups, as the README tells an administrator to write
        it."""
        out = []
        with open("/etc/nsswitch.conf") as f:
            for line in f:
                db = line.split(":", 1)[0].strip()
                if db in ("passwd", "group"):
                    line = "%s: files extrausers\n" % db
                out.append(line)
        with open(self.nsswitch, "w") as f:
            f.writelines(out)
        os.makedirs(EXTRAUSERS_DIR, mode=0o755, exist_ok=True)

    def in_namespace(self, argv):
        """argv in a mount namespace of its own that sees the test's
        extrausers files and nsswitch.conf in their system places;
        $CRM_E2E_PRELOAD becomes LD_PRELOAD of argv only (not of sh or
        mount)."""
        script = ('mount --bind "$1" /etc/nsswitch.conf && '
                  'mount --bind "$2" %s && shift 2 && '
                  'exec env LD_PRELOAD="$CRM_E2E_PRELOAD" "$@"' %
                  EXTRAUSERS_DIR)
        return (["unshare", "--mount", "--propagation", "private",
                 "sh", "-c", script, "sh", self.nsswitch, self.extrausers] +
                list(argv))

    def failures(self):
        out = self.run_crmauth("--json", "lockout", "show", USER).stdout
        return sum(u.get("failures", 0) for u in json.loads(out)["users"])

    def audit(self):
        out = self.run_crmauth("--json", "audit", "--user", USER).stdout
        return json.loads(out)

    # ---- sshd ----

    def write_pam_service(self):
        """pam.d/sshd-crm as "sshd", with this build's modules."""
        os.mkdir(self.pamd)
        with open(os.path.join(self.srcdir, "pam.d", "sshd-crm")) as f:
            lines = f.read().splitlines()
        out = []
        self.write_service("sshd", lines)
        with open(os.path.join(self.srcdir, "pam.d", "crm-kiosk")) as f:
            self.write_service("crm-kiosk", f.read().splitlines())
        with open(os.path.join(self.pamd, "other"), "w") as f:
            for group in ("auth", "account", "password", "session"):
                f.write("%s required pam_deny.so\n" % group)

    def write_service(self, name, lines):
        out = []
        for line in lines:
            words = line.split()
            if words and not line.startswith("#"):
                for i, word in enumerate(words):
                    if word.startswith("pam_crm_") and word.endswith(".so"):
                        words[i] = "%s conf=%s" % (
                            self.module(word[len("pam_crm_"):-3]),
                            self.conf)
                line = " ".join(words)
            out.append(line)
        with open(os.path.join(self.pamd, name), "w") as f:
            f.write("\n".join(out) + "\n")

    def write_sshd_config(self):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                        "-f", self.hostkey], check=True, timeout=TIMEOUT)
        self.port = free_port()
        with open(self.sshd_config, "w") as f:
            f.write("""Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication no
AuthenticationMethods keyboard-interactive
PermitRootLogin no
UseDNS no
StrictModes no
LogLevel VERBOSE
""" % (self.port, self.hostkey, os.path.join(self.work, "sshd.pid")))

    def start_sshd(self):
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        env = dict(os.environ)
        preload = [find_pam_wrapper()]
        shim = os.path.join(self.builddir,
                            "tests/common/.libs/syslog_shim.so")
        if os.path.exists(shim):
            # What the modules send to syslog lands in self.syslog.
            preload.insert(0, shim)
            env["CRM_TEST_SYSLOG"] = self.syslog
        if os.environ.get("CRM_TEST_PRELOAD"):
            # A sanitizer runtime for sanitized modules: it must come
            # first.  No leak check in sshd's own processes.
            preload.insert(0, os.environ["CRM_TEST_PRELOAD"])
            env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                                   ":detect_leaks=0:"
                                   "verify_asan_link_order=0").lstrip(":")
        env["CRM_E2E_PRELOAD"] = " ".join(preload)
        self.pam_copies_before = set(glob.glob("/tmp/pam.?"))
        env["PAM_WRAPPER"] = "1"
        env["PAM_WRAPPER_SERVICE_DIR"] = self.pamd
        # sshd re-executes itself by absolute path for each connection.
        with open(self.sshd_stderr, "w") as err:
            self.sshd = subprocess.Popen(
                self.in_namespace(["/usr/sbin/sshd", "-D", "-f",
                                   self.sshd_config, "-E", self.sshd_log]),
                env=env, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        deadline = time.monotonic() + TIMEOUT
        while True:
            if self.sshd.poll() is not None:
                raise Failure("sshd exited with %d at start" %
                              self.sshd.returncode)
            try:
                with socket.create_connection(("127.0.0.1", self.port),
                                              timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise Failure("sshd does not accept on port %d" %
                                  self.port)
                time.sleep(0.05)

    def stop_sshd(self):
        if self.sshd is None or self.sshd.poll() is not None:
            return
        self.sshd.terminate()
        try:
            self.sshd.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.sshd.kill()
            self.sshd.wait(timeout=TIMEOUT)

    def cleanup(self):
        self.stop_sshd()
        remove_pam_wrapper_copies(self.pam_copies_before)
        shutil.rmtree(self.home_base, ignore_errors=True)

    def show_logs(self):
        for title, path in (("sshd log", self.sshd_log),
                            ("sshd stderr", self.sshd_stderr),
                            ("module syslog", self.syslog)):
            try:
                with open(path, errors="replace") as f:
                    text = f.read()
            except OSError:
                continue
            if text:
                note("---- %s (%s) ----" % (title, path))
                for line in text.splitlines():
                    note(line)


Login = collections.namedtuple("Login", "status output asked seconds")


def ssh_login(env, answers, bind=None, command="echo LOGGED-IN"):
    """One ssh login to the test sshd as USER, keyboard-interactive.

    answers: (prompt regex, answer) pairs, in the order the stack asks.
    A prompt that does not come (the stack refused earlier) ends the
    conversation.  Returns a Login: ssh's exit status, everything it
    printed, how many of the prompts came, and the seconds it took.
    """
    import pexpect

    args = ["-F", "/dev/null", "-p", str(env.port),
            "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR",
            "-o", "PreferredAuthentications=keyboard-interactive",
            "-o", "NumberOfPasswordPrompts=1",
            "-o", "ConnectTimeout=%d" % TIMEOUT]
    if bind:
        args += ["-b", bind]
    args += ["%s@127.0.0.1" % USER, command]
    start = time.monotonic()
    child = pexpect.spawn("/usr/bin/ssh", args, timeout=TIMEOUT,
                          encoding="utf-8", codec_errors="replace")
    transcript = []
    asked = 0
    try:
        for prompt, answer in answers:
            found = child.expect([prompt, pexpect.EOF])
            transcript.append(child.before)
            if found != 0:
                break
            transcript.append(child.after)
            # A callable is asked at the prompt: a code of this moment.
            child.sendline(answer() if callable(answer) else answer)
            asked += 1
        else:
            child.expect(pexpect.EOF)
            transcript.append(child.before)
    except pexpect.TIMEOUT:
        transcript.append(child.before)
        child.close(force=True)
        raise Failure("ssh hung (%d s); it printed: %r" %
                      (TIMEOUT, "".join(transcript)))
    child.close()
    elapsed = time.monotonic() - start
    status = child.exitstatus if child.exitstatus is not None else \
        128 + (child.signalstatus or 0)
    return Login(status, "".join(transcript), asked, elapsed)


def password(text):
    """The answers of a login that stops at the password (a wrong one,
    or a trusted network: no code asked)."""
    return [(PASSWORD_PROMPT, text)]


def password_and_code(env, text, code=None):
    """The password, then the code (by default the app's current one)."""
    return [(PASSWORD_PROMPT, text), (CODE_PROMPT, code or env.code)]


def expect_login(env, answers, bind=None, what="login",
                 command="echo LOGGED-IN"):
    """A login that every prompt of answers was asked for, and that ran
    the command."""
    login = ssh_login(env, answers, bind=bind, command=command)
    note("%s: exit %d, %.2f s" % (what, login.status, login.seconds))
    if login.asked != len(answers):
        raise Failure("%s: %d of %d prompts came: %r" %
                      (what, login.asked, len(answers), login.output))
    if login.status != 0 or "LOGGED-IN" not in login.output:
        raise Failure("%s refused (exit %d): %r" %
                      (what, login.status, login.output))
    return login


def expect_refusal(env, answers, bind=None, what="login"):
    login = ssh_login(env, answers, bind=bind)
    note("%s: exit %d, %.2f s" % (what, login.status, login.seconds))
    if login.status == 0 or "LOGGED-IN" in login.output:
        raise Failure("%s let in (exit %d): %r" %
                      (what, login.status, login.output))
    return login


def expect_equal(what, got, want):
    if got != want:
        raise Failure("%s: %r, expected %r" % (what, got, want))


def audit_ids(env):
    return {row["id"] for row in env.audit()}


def new_audit_rows(env, before):
    return [row for row in env.audit() if row["id"] not in before]


# ---- the cases, in order: each starts where the one before left ----

def right_password_and_code_log_in(env):
    """The CRM-only account logs in as itself: its uid from uid_range,
    its home made by pam_mkhomedir."""
    login = expect_login(env, password_and_code(env, PASSWORD),
                         what="right password and code",
                         command="echo LOGGED-IN; echo id=$(id -u):$(id -un);"
                                 " echo pwd=$(pwd)")
    expect_equal("failures after a good login", env.failures(), 0)
    home = os.path.join(env.home_base, USER)
    if "id=%d:%s" % (env.uid, USER) not in login.output:
        raise Failure("the session does not run as %s (uid %d): %r" %
                      (USER, env.uid, login.output))
    if "pwd=%s" % home not in login.output:
        raise Failure("the session does not start in %s: %r" %
                      (home, login.output))
    st = os.stat(home)
    expect_equal("owner of the home made at first login", st.st_uid,
                 env.uid)


def wrong_or_replayed_code_refused_and_counted(env):
    login = expect_refusal(env, password_and_code(env, PASSWORD, "000000"),
                           what="right password, wrong code")
    if login.asked != 2:
        raise Failure("the code was not asked for: %r" % login.output)
    expect_equal("failures after a wrong code", env.failures(), 1)
    used = []

    def remember():
        used.append(env.code())
        return used[-1]
    expect_login(env, password_and_code(env, PASSWORD, remember),
                 what="right password and code")
    expect_equal("failures after a good login", env.failures(), 0)
    before = audit_ids(env)
    expect_refusal(env, password_and_code(env, PASSWORD, used[0]),
                   what="the same code again")
    if not any(r["event"] == "totp_replay"
               for r in new_audit_rows(env, before)):
        raise Failure("replayed code not audited as totp_replay")
    expect_equal("failures after a replayed code", env.failures(), 1)
    expect_login(env, password_and_code(env, PASSWORD),
                 what="right password and a fresh code")


def wrong_password_refused_and_counted(env):
    expect_refusal(env, password("wrong-" + PASSWORD), what="wrong password")
    expect_equal("failures after one wrong password", env.failures(), 1)


def locked_after_deny_failures_until_reset(env):
    for i in range(2, DENY + 1):
        expect_refusal(env, password("wrong-%d" % i),
                       what="wrong password %d" % i)
    expect_equal("failures after %d wrong passwords" % DENY,
                 env.failures(), DENY)
    locked = json.loads(env.run_crmauth("--json", "lockout", "show",
                                        USER).stdout)["users"]
    if not any(u.get("locked") for u in locked):
        raise Failure("not locked after %d failures: %r" % (DENY, locked))
    before = audit_ids(env)
    expect_refusal(env, password_and_code(env, PASSWORD),
                   what="right password, locked")
    rows = new_audit_rows(env, before)
    # Refused by preauth: the lock is the reason, the password is never
    # looked at, and nothing more is counted.
    if not any(r["module"] == "pam_crm_lockout" and r["event"] == "locked"
               and r["result"] == "deny" for r in rows) or \
            any(r["module"] == "pam_crm_passwd" for r in rows):
        raise Failure("locked refusal not audited as such: %r" % rows)
    expect_equal("failures after a locked refusal", env.failures(), DENY)
    env.run_crmauth("lockout", "reset", USER)
    expect_login(env, password_and_code(env, PASSWORD),
                 what="right password and code after reset")


def trusted_network_skips_the_code(env):
    """From 127.0.0.2 (trusted_nets) the password alone logs in, and
    every audit row of that login names that address."""
    before = audit_ids(env)
    login = expect_login(env, password(PASSWORD), bind=TRUSTED,
                         what="right password from 127.0.0.2")
    if re.search(CODE_PROMPT, login.output):
        raise Failure("a code was asked from the trusted network: %r" %
                      login.output)
    new = new_audit_rows(env, before)
    if not new:
        raise Failure("no audit row for the login from 127.0.0.2")
    for row in new:
        note("audit: %s %s %s rhost=%s" % (row.get("module"),
             row.get("event"), row.get("result"), row.get("rhost")))
    if not any(row.get("rhost") == "127.0.0.2" for row in new):
        raise Failure("audit rows of the login from 127.0.0.2 name "
                      "another address: %r" % new)
    if any(row.get("rhost") != "127.0.0.2" for row in new):
        raise Failure("an audit row of that login names another "
                      "address: %r" % new)
    if not any(row.get("event") == "totp_skipped_trusted_net"
               for row in new):
        raise Failure("no totp_skipped_trusted_net row: %r" % new)


def access_rule_refuses_another_address(env):
    """From 127.0.0.3, which no rule allows, the login is refused before
    the password is asked, and audited as access_denied."""
    before = audit_ids(env)
    login = expect_refusal(env, password(PASSWORD), bind=REFUSED,
                           what="right password from %s" % REFUSED)
    if login.asked != 0:
        raise Failure("a password was asked from a refused address: %r" %
                      login.output)
    rows = new_audit_rows(env, before)
    if not any(r["event"] == "access_denied" and r.get("rhost") == REFUSED
               for r in rows):
        raise Failure("no access_denied row for %s: %r" % (REFUSED, rows))
    if any(r["module"] == "pam_crm_passwd" for r in rows):
        raise Failure("the password was checked from a refused address")


def kiosk_login_through_crm_login(env):
    """pam.d/crm-kiosk driven by crm-login from tty7, no address: the
    tty rule lets the CRM-only account in, crm-login finds it in NSS as
    login(1) would; tty8, which no rule names, is refused before any
    prompt."""
    env.run_crmauth("allow", "add", "allow", "user:" + USER, "tty:tty7")
    crm_login = os.path.join(env.builddir, "tools/crm-login/crm-login")

    def kiosk(tty, answers):
        proc = subprocess.run(
            env.in_namespace([crm_login, "-s", "crm-kiosk", "-t", tty,
                              "--stdin", "--confdir", env.pamd, USER]),
            input=answers, capture_output=True, text=True,
            timeout=TIMEOUT, check=False,
            env=dict(os.environ, CRM_E2E_PRELOAD=os.environ.get(
                "CRM_TEST_PRELOAD", "")))
        note("crm-login -t %s: exit %d" % (tty, proc.returncode))
        return proc
    proc = kiosk("tty7", "%s\n%s\n" % (PASSWORD, env.code()))
    if proc.returncode != 0 or "login ok: %s" % USER not in proc.stdout:
        raise Failure("kiosk login from tty7 refused (exit %d): %r %r" %
                      (proc.returncode, proc.stdout, proc.stderr))
    if "system account: uid %d, home %s/%s, shell /bin/sh" % (
            env.uid, env.home_base, USER) not in proc.stdout:
        raise Failure("crm-login did not find the CRM account in NSS: %r"
                      % proc.stdout)
    proc = kiosk("tty8", "%s\n%s\n" % (PASSWORD, env.code()))
    if proc.returncode != 1 or "Password" in proc.stderr:
        raise Failure("kiosk login from tty8 not refused before the "
                      "prompt (exit %d): %r" % (proc.returncode,
                                                proc.stderr))


def suspended_account_refused_until_enabled(env):
    """A suspended account stays in NSS (its suspension ends by itself):
    pam_crm_role in pam.d/sshd-crm's account group refuses it after the
    right password and code (sshd shows no account-phase message on a
    refusal: the audit row says why)."""
    env.run_crmauth("user", "suspend", USER, "--until", "+1h")
    before = audit_ids(env)
    expect_refusal(env, password_and_code(env, PASSWORD),
                   what="right password and code, suspended")
    rows = new_audit_rows(env, before)
    if not any(r["module"] == "pam_crm_role" and
               r["event"] == "status_denied" for r in rows):
        raise Failure("the suspended account's refusal is not audited as "
                      "status_denied: %r" % rows)
    env.run_crmauth("user", "enable", USER)
    expect_login(env, password_and_code(env, PASSWORD),
                 what="right password and code after enable")


def invalid_user_in_sshd_log(env, since):
    with open(env.sshd_log, errors="replace") as f:
        f.seek(since)
        return ("Invalid user %s" % USER) in f.read()


def disabled_account_refused_until_enabled(env):
    """crmauth user disable takes the account out of NSS: sshd refuses
    it as an invalid user, whatever the password; enable brings it back
    with the same uid."""
    env.run_crmauth("user", "disable", USER)
    with open(os.path.join(env.extrausers, "passwd")) as f:
        if any(line.startswith(USER + ":") for line in f):
            raise Failure("a disabled account is still in the passwd file")
    since = os.path.getsize(env.sshd_log)
    expect_refusal(env, password_and_code(env, PASSWORD),
                   what="right password, account disabled")
    if not invalid_user_in_sshd_log(env, since):
        raise Failure("sshd did not refuse the disabled account as an "
                      "invalid user")
    env.run_crmauth("user", "enable", USER)
    expect_login(env, password_and_code(env, PASSWORD),
                 what="right password and code after enable")


def deleted_account_refused(env):
    env.run_crmauth("user", "del", USER)
    since = os.path.getsize(env.sshd_log)
    expect_refusal(env, password_and_code(env, PASSWORD),
                   what="right password, account deleted")
    if not invalid_user_in_sshd_log(env, since):
        raise Failure("sshd did not refuse the deleted account as an "
                      "invalid user")


CASES = [
    right_password_and_code_log_in,
    wrong_or_replayed_code_refused_and_counted,
    wrong_password_refused_and_counted,
    locked_after_deny_failures_until_reset,
    trusted_network_skips_the_code,
    access_rule_refuses_another_address,
    kiosk_login_through_crm_login,
    suspended_account_refused_until_enabled,
    disabled_account_refused_until_enabled,
    deleted_account_refused,
]


def main():
    if os.geteuid() != 0:
        print("test_sshd: SKIP: needs root (sshd, unshare, /run/sshd); "
              "CI runs it as root", flush=True)
        return 77
    try:
        import pexpect  # noqa: F401
    except ImportError:
        print("test_sshd: FAIL: python3-pexpect is not installed")
        return 1
    for prog in ("/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen"):
        if not os.access(prog, os.X_OK):
            print("test_sshd: FAIL: %s missing (openssh-server, "
                  "openssh-client)" % prog)
            return 1

    lock = open(LOCK_FILE, "w")
    deadline = time.monotonic() + 300
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                print("test_sshd: FAIL: another run holds %s for 300 s" %
                      LOCK_FILE)
                return 1
            time.sleep(0.2)

    builddir, srcdir = locate()
    base = os.environ.get("CRM_TEST_WORK")
    work = tempfile.mkdtemp(prefix="sshd-e2e.", dir=base)
    env = Env(builddir, srcdir, work)
    passed = failed = 0
    start = time.monotonic()
    try:
        try:
            env.setup_crm()
            env.write_nsswitch()
            env.write_pam_service()
            env.write_sshd_config()
            env.start_sshd()
            note("sshd on 127.0.0.1:%d, service %s/sshd" %
                 (env.port, env.pamd))
        except (Failure, OSError, subprocess.SubprocessError) as e:
            print("not ok - set-up: %s" % e, flush=True)
            env.show_logs()
            return 1
        for case in CASES:
            try:
                case(env)
                print("ok - %s" % case.__name__, flush=True)
                passed += 1
            except Exception as e:  # each case reports, the rest still runs
                print("not ok - %s: %s" % (case.__name__, e), flush=True)
                if not isinstance(e, Failure):
                    traceback.print_exc()
                failed += 1
                # Later cases build on this one's state: stop here.
                break
        if failed:
            env.show_logs()
    finally:
        env.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    note("%d of %d cases passed in %.1f s" %
         (passed, len(CASES), time.monotonic() - start))
    # The line .ci/run counts, as cmocka prints it.
    if passed:
        print("[  PASSED  ] %d test(s)." % passed)
    if failed or passed != len(CASES):
        print("[  FAILED  ] %d test(s)." % (len(CASES) - passed))
        return 1
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
