#!/bin/sh
# run-bench-access.sh - the account decision of pam_crm_access side by
# side with pam_access and an access.conf holding the same rules, at 10,
# 1,000, 100,000 and 1,000,000 rules.
#
#   bench/run-bench-access.sh [--builddir DIR] [--runs N] [bench_access options]
#
# Builds what is missing, creates the system user the benchmark logs in as
# (pam_access looks it up with getpwnam and refuses an unknown user), runs
# bench/bench_access and prints its tables.  Needs root (useradd; the
# database and its key).  Nothing outside a temporary directory under
# /var/tmp is written, except that user.  On a fresh Debian 12:
#   apt-get install libpam-modules   (pam_access ships there)
#
# Environment: RUNS (1; same as --runs).
# Every other argument goes to bench_access; see bench_access -h.
set -eu

NAME=run-bench-access
BENCH=bench_access
. "$(dirname "$0")/run-common.sh"
parse_common_args "$@"
shift "$shifted"

[ "$(id -u)" -eq 0 ] || fail "run as root (useradd; the database and its key are root's)"
find_secdir pam_access.so:libpam-modules
# pam_access looks its user up with getpwnam and refuses an unknown one.
ensure_user crmbench
build_bench
show_machine libpam0g libpam-modules libsqlite3-0 libssl3
run_bench "$@"
