#!/bin/sh
# run-bench-role.sh - pam_crm_role's account phase (status, roles, the
# CRM_ environment) for a user with 1 and with 50 roles, at 1,000 and
# 1,000,000 users, beside the empty stack and pam_faillock's account line.
#
#   bench/run-bench-role.sh [--builddir DIR] [--runs N] [bench_role options]
#
# Builds what is missing, creates the system user pam_faillock's stack
# runs as (it looks users up with getpwnam), runs bench/bench_role and
# prints its tables.  Needs root (useradd; the database and its key).
# Nothing outside a temporary directory under /var/tmp is written, except
# that user.  On a fresh Debian 12: apt-get install libpam-modules.
#
# Environment: RUNS (1; same as --runs).
# Every other argument goes to bench_role; see bench_role -h.
set -eu

NAME=run-bench-role
BENCH=bench_role
. "$(dirname "$0")/run-common.sh"
parse_common_args "$@"
shift "$shifted"

[ "$(id -u)" -eq 0 ] || fail "run as root (useradd; the database and its key are root's)"
find_secdir pam_faillock.so:libpam-modules
# pam_faillock looks its user up with getpwnam.
ensure_user crmbench
build_bench
show_machine libpam0g libpam-modules libsqlite3-0 libssl3
run_bench "$@"
