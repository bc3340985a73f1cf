#!/bin/sh
# run-bench-pwpolicy.sh - the password policy checker (crm_pwpolicy_check)
# against libpwquality's pwquality_check on the same candidates, and the
# breached-list lookup (crm_breached_lookup) at 1,000,000 and 100,000,000
# lines.
#
#   bench/run-bench-pwpolicy.sh [--builddir DIR] [--runs N] [bench_pwpolicy options]
#
# Builds what is missing and runs bench/bench_pwpolicy.  Needs no root and
# no PAM: both parts call the libraries directly.  The lists are written
# to a temporary directory under /var/tmp ($TMPDIR if set), removed at the
# end; with the default sizes that is about 4.7 GB while it runs.  On a
# fresh Debian 12: apt-get install libpwquality-dev libcrack2-dev
# cracklib-runtime (.ci/install-deps has them).
#
# Environment: RUNS (1; same as --runs).
# Every other argument goes to bench_pwpolicy; see bench_pwpolicy -h.
set -eu

NAME=run-bench-pwpolicy
BENCH=bench_pwpolicy
. "$(dirname "$0")/run-common.sh"
parse_common_args "$@"
shift "$shifted"

# The program is the only thing in the tree that needs libpwquality: say
# so before make fails on a missing header.
pkg-config --exists pwquality ||
	fail "libpwquality not found: apt-get install libpwquality-dev, then ./configure"
# run_bench passes -s; the program ignores it.
secdir=unused
build_bench
show_machine libpwquality1 libcrack2 cracklib-runtime libssl3
run_bench "$@"
