#!/usr/bin/env python3
"""Apache requests per second with Basic auth: pam.d/crm-web through
crm-authd against mod_authn_file, the floor a web administrator knows.

A benchmark, not a test.  As root on Debian 12, after a build:

    python3 bench/bench_web.py [-n REQUESTS] [-c CONCURRENCY]

It starts, on free ports of 127.0.0.1, the servers of
tests/e2e/test_web.py (whose set-up it imports): one Apache (prefork,
www-data, MaxRequestWorkers 4) whose / asks PAM (mod_authnz_pam,
pam.d/crm-web with this build's modules, a crm-authd of its own), and a
second Apache, identical but for AuthBasicProvider file against an
htpasswd file (htpasswd's default, apr1-MD5, and bcrypt at cost 5).  ab
(apache2-utils) sends the same authenticated GET /index.html to each,
the right password every time, so each request is one login: with
crm-web, access, lockout preauth, the yescrypt check, authsucc and the
account group, each decision a round trip to crm-authd.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "e2e"))
import test_web as tw  # noqa: E402


def apache_with_file(env, htpasswd, name):
    """A second Apache from the first one's configuration, with
    mod_authn_file in PAM's place."""
    with open(os.path.join(env.path("apache"), "httpd.conf")) as f:
        conf = f.read()
    root = env.path(name)
    os.mkdir(root)
    port = tw.free_port()
    conf = conf.replace(env.path("apache"), root)
    conf = re.sub(r"Listen 127\.0\.0\.1:\d+", "Listen 127.0.0.1:%d" % port,
                  conf)
    conf = conf.replace(
        "LoadModule authnz_pam_module",
        "LoadModule authn_file_module %s/mod_authn_file.so\n"
        "LoadModule authnz_pam_module" % tw.APACHE_MODULES)
    conf = conf.replace(
        "AuthBasicProvider PAM\n  AuthPAMService %s" % tw.SERVICE,
        "AuthBasicProvider file\n  AuthUserFile %s" % htpasswd)
    path = os.path.join(root, "httpd.conf")
    with open(path, "w") as f:
        f.write(conf)
    err = open(os.path.join(root, "stderr"), "w")
    proc = subprocess.Popen(["/usr/sbin/apache2", "-f", path, "-DFOREGROUND"],
                            stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                            start_new_session=True, cwd=root)
    err.close()
    env.procs[name] = proc
    env.ports[name] = port
    tw.wait_for_port(port, proc, "apache2 (%s)" % name)
    return port


def ab(port, requests, concurrency):
    out = subprocess.run(
        ["ab", "-q", "-n", str(requests), "-c", str(concurrency),
         "-A", "%s:%s" % (tw.USER, tw.PASSWORD),
         "http://127.0.0.1:%d/index.html" % port],
        capture_output=True, text=True, timeout=600).stdout
    rps = re.search(r"Requests per second:\s+([\d.]+)", out)
    failed = re.search(r"Failed requests:\s+(\d+)", out)
    non2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    p50 = re.search(r"^\s+50%\s+(\d+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\d+)", out, re.M)
    if rps is None:
        raise tw.Failure("ab gave no result:\n" + out)
    return {
        "rps": float(rps.group(1)),
        "failed": int(failed.group(1)) if failed else 0,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "p50_ms": int(p50.group(1)) if p50 else -1,
        "p99_ms": int(p99.group(1)) if p99 else -1,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="requests")
    parser.add_argument("-c", type=int, default=8, help="concurrency")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("bench_web: run as root (the servers switch to www-data)")
        return 2
    for tool in ("ab", "htpasswd"):
        if shutil.which(tool) is None:
            print("bench_web: %s missing (apt-get install apache2-utils)"
                  % tool)
            return 2
    builddir, srcdir = tw.locate()
    crm = tw.Crm(builddir)
    env = tw.Env(builddir, srcdir)
    try:
        crm.setup()
        crm.start()
        env.setup_files()
        env.write_services(crm.services(env))
        env.start_apache()
        stacks = [("crm-web via crm-authd", env.ports["apache"])]
        for name, flags in (("file-md5", ["-m"]), ("file-bcrypt5",
                                                   ["-B", "-C", "5"])):
            htpasswd = env.path(name + ".htpasswd")
            subprocess.run(["htpasswd", "-c", "-b"] + flags +
                           [htpasswd, tw.USER, tw.PASSWORD], check=True,
                           capture_output=True)
            os.chmod(htpasswd, 0o644)
            stacks.append(("mod_authn_file, " + name,
                           apache_with_file(env, htpasswd, name)))
        print("bench_web: %d requests, %d at once, GET /index.html with "
              "Basic auth, right password; Apache prefork, "
              "MaxRequestWorkers 4, as www-data" % (args.n, args.c))
        results = {}
        # Warm up, then alternate twice so that noise hits all alike.
        for label, port in stacks:
            ab(port, min(200, args.n), args.c)
        for _ in range(2):
            for label, port in stacks:
                r = ab(port, args.n, args.c)
                results.setdefault(label, []).append(r)
        print("%-28s %10s %8s %8s %8s" % ("stack", "req/s", "p50_ms",
                                          "p99_ms", "failed"))
        for label, _ in stacks:
            for r in results[label]:
                print("%-28s %10.1f %8d %8d %8d" % (
                    label, r["rps"], r["p50_ms"], r["p99_ms"],
                    r["failed"] + r["non2xx"]))
        crm_rps = max(r["rps"] for r in results[stacks[0][0]])
        for label, _ in stacks[1:]:
            print("RESULT crm-web / %s: %.3f of its requests per second"
                  % (label, crm_rps / max(r["rps"] for r in results[label])))
        return 0
    finally:
        env.cleanup()
        crm.cleanup()


if __name__ == "__main__":
    sys.exit(main())
