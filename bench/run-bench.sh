#!/bin/sh
# run-bench.sh - pam_crm_lockout side by side with pam_faillock.
#
#   bench/run-bench.sh [--builddir DIR] [--runs N] [bench_lockout options]
#
# Builds what is missing, creates the system user the benchmark logs in as
# (pam_faillock looks it up with getpwnam), runs bench/bench_lockout and
# prints its tables.  Needs root (useradd; the key file and the faillock
# tally directory are created by the benchmark itself in a temporary
# directory, nothing in /etc/pam.d or /var/run is touched).  On a fresh
# Debian 12:  apt-get install libpam-modules  (pam_faillock ships there).
#
# Environment: BENCH_USER (crmbench), RUNS (1; same as --runs).
# Every other argument goes to bench_lockout; see bench_lockout -h.
set -eu

NAME=run-bench
BENCH=bench_lockout
. "$(dirname "$0")/run-common.sh"
parse_common_args "$@"
shift "$shifted"
user=${BENCH_USER:-crmbench}

find_secdir pam_faillock.so:libpam-modules
build_bench

# ---- the user pam_faillock needs ----
if ! getent passwd "$user" >/dev/null; then
	[ "$(id -u)" -eq 0 ] || fail "user $user missing and not root: run as root"
	ensure_user "$user"
fi
[ "$(id -u)" -eq 0 ] || say "warning: not root; pam_faillock may refuse its tally files"

show_machine libpam0g libpam-modules libsqlite3-0 libssl3
run_bench -U "$user" "$@"
