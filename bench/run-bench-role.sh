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

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$srcdir}
runs=${RUNS:-1}
user=crmbench

while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
	--builddir=*) builddir=$(cd "${1#*=}" && pwd); shift ;;
	--runs) runs=$2; shift 2 ;;
	--runs=*) runs=${1#*=}; shift ;;
	*) break ;;
	esac
done

say() { printf 'run-bench-role: %s\n' "$*"; }
fail() { printf 'run-bench-role: %s\n' "$*" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || fail "run as root (useradd; the database and its key are root's)"

# ---- the peer module ----
multiarch=$(gcc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
secdir=
for d in /usr/lib/$multiarch/security /lib/$multiarch/security \
	 /usr/lib64/security /usr/lib/security /lib/security; do
	if [ -f "$d/pam_permit.so" ]; then secdir=$d; break; fi
done
[ -n "$secdir" ] || fail "pam_permit.so not found: apt-get install libpam-modules"
[ -f "$secdir/pam_faillock.so" ] || fail "pam_faillock.so not in $secdir: apt-get install libpam-modules"

# ---- the user pam_faillock needs ----
if ! getent passwd "$user" >/dev/null; then
	say "creating system user $user (useradd -M -s /usr/sbin/nologin)"
	useradd -M -s /usr/sbin/nologin "$user"
fi

# ---- build ----
if [ ! -f "$builddir/Makefile" ]; then
	[ -x "$srcdir/configure" ] || (cd "$srcdir" && autoreconf -fi)
	say "configuring in $builddir"
	(cd "$builddir" && "$srcdir/configure")
fi
jobs=$(nproc 2>/dev/null || echo 2)
say "building the modules (make -j$jobs)"
make -C "$builddir" -j"$jobs" >/dev/null
grep -q "bench_bench_role_OBJECTS" "$builddir/Makefile" ||
	fail "$builddir/Makefile has no rule for bench/bench_role: autoreconf -fi && ./configure"
make -C "$builddir" bench/bench_role >/dev/null
bench=$builddir/bench/bench_role
[ -x "$bench" ] || fail "$bench was not built"

# ---- what we run on ----
say "$(uname -srm); $(nproc) CPUs; $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
if command -v dpkg-query >/dev/null; then
	say "$(dpkg-query -W -f '${Package} ${Version}; ' libpam0g libpam-modules libsqlite3-0 libssl3 2>/dev/null)"
fi
say "free in ${TMPDIR:-/var/tmp}: $(df -h --output=avail "${TMPDIR:-/var/tmp}" | tail -n 1 | tr -d ' ')"

# ---- run ----
check_load() {
	load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
	if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
		say "WARNING: load average $load on $(nproc) CPUs $1: other work skews the numbers"
	else
		say "load average $load $1"
	fi
}
summary=$(mktemp "${TMPDIR:-/tmp}/run-bench-role.XXXXXX")
status=$(mktemp "${TMPDIR:-/tmp}/run-bench-role.XXXXXX")
trap 'rm -f "$summary" "$status"' EXIT INT TERM
failed=0
i=1
while [ "$i" -le "$runs" ]; do
	[ "$runs" -eq 1 ] || say "---- run $i of $runs ----"
	check_load "before the run"
	{ rc=0; "$bench" -b "$builddir" -s "$secdir" "$@" || rc=$?
	  echo "$rc" >"$status"; } | tee -a "$summary"
	rc=$(cat "$status")
	check_load "after the run"
	if [ "$rc" -ne 0 ]; then
		say "run $i failed (exit $rc)"
		failed=$rc
	fi
	i=$((i + 1))
done
if [ "$runs" -gt 1 ]; then
	say "---- RATIO, GROWTH and RESULT lines of all $runs runs ----"
	grep -E '^(RATIO|GROWTH|RESULT|FILL)' "$summary" | sort -s -k1,3 || true
fi
exit "$failed"
