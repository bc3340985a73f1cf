#!/bin/sh
# run-bench-totp.sh - a successful TOTP login through pam_crm_totp, side by
# side with pam_oath and pam_google_authenticator, at 1, 1,000, 100,000
# and 1,000,000 enrolled users.
#
#   bench/run-bench-totp.sh [--builddir DIR] [--runs N] [bench_totp options]
#
# Builds what is missing, checks that the peer modules and libfaketime are
# installed, runs bench/bench_totp and prints its tables.  Needs root
# (pam_google_authenticator's state files are root's: user=root).  Nothing
# outside a temporary directory under /var/tmp is written.  On a fresh
# Debian 12:
#   apt-get install libpam-oath libpam-google-authenticator faketime \
#       liboath-dev
#
# Environment: RUNS (1; same as --runs), BENCH_FAKETIME_LIB.
# Every other argument goes to bench_totp; see bench_totp -h.
set -eu

NAME=run-bench-totp
BENCH=bench_totp
. "$(dirname "$0")/run-common.sh"
parse_common_args "$@"
shift "$shifted"

[ "$(id -u)" -eq 0 ] || fail "run as root (google-authenticator's files are root's: user=root)"
find_secdir pam_oath.so:libpam-oath pam_google_authenticator.so:libpam-google-authenticator
faketime_lib=${BENCH_FAKETIME_LIB:-/usr/lib/$multiarch/faketime/libfaketime.so.1}
[ -r "$faketime_lib" ] || fail "$faketime_lib not found: apt-get install faketime"
export BENCH_FAKETIME_LIB="$faketime_lib"
build_bench
show_machine libpam0g libpam-oath libpam-google-authenticator liboath0 libfaketime libsqlite3-0 libssl3
run_bench "$@"
