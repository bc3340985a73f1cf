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

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$srcdir}
runs=${RUNS:-1}

while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
	--builddir=*) builddir=$(cd "${1#*=}" && pwd); shift ;;
	--runs) runs=$2; shift 2 ;;
	--runs=*) runs=${1#*=}; shift ;;
	*) break ;;
	esac
done

say() { printf 'run-bench-totp: %s\n' "$*"; }
fail() { printf 'run-bench-totp: %s\n' "$*" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || fail "run as root (google-authenticator's files are root's: user=root)"

# ---- the peer modules and libfaketime ----
multiarch=$(gcc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
secdir=
for d in /usr/lib/$multiarch/security /lib/$multiarch/security \
	 /usr/lib64/security /usr/lib/security /lib/security; do
	if [ -f "$d/pam_permit.so" ]; then secdir=$d; break; fi
done
[ -n "$secdir" ] || fail "pam_permit.so not found: apt-get install libpam-modules"
[ -f "$secdir/pam_oath.so" ] || fail "pam_oath.so not in $secdir: apt-get install libpam-oath"
[ -f "$secdir/pam_google_authenticator.so" ] ||
	fail "pam_google_authenticator.so not in $secdir: apt-get install libpam-google-authenticator"
faketime_lib=${BENCH_FAKETIME_LIB:-/usr/lib/$multiarch/faketime/libfaketime.so.1}
[ -r "$faketime_lib" ] || fail "$faketime_lib not found: apt-get install faketime"
export BENCH_FAKETIME_LIB="$faketime_lib"

# ---- build ----
if [ ! -f "$builddir/Makefile" ]; then
	[ -x "$srcdir/configure" ] || (cd "$srcdir" && autoreconf -fi)
	say "configuring in $builddir"
	(cd "$builddir" && "$srcdir/configure")
fi
jobs=$(nproc 2>/dev/null || echo 2)
say "building the modules (make -j$jobs)"
make -C "$builddir" -j"$jobs" >/dev/null
grep -q "bench_bench_totp_OBJECTS" "$builddir/Makefile" ||
	fail "$builddir/Makefile has no rule for bench/bench_totp: autoreconf -fi && ./configure"
make -C "$builddir" bench/bench_totp >/dev/null
bench=$builddir/bench/bench_totp
[ -x "$bench" ] || fail "$bench was not built"

# ---- what we run on ----
say "$(uname -srm); $(nproc) CPUs; $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
if command -v dpkg-query >/dev/null; then
	say "$(dpkg-query -W -f '${Package} ${Version}; ' libpam0g libpam-oath libpam-google-authenticator liboath0 libfaketime libsqlite3-0 libssl3 2>/dev/null)"
fi
say "free in ${TMPDIR:-/var/tmp}: $(df -h --output=avail "${TMPDIR:-/var/tmp}" | tail -n 1 | tr -d ' '), $(df --output=iavail "${TMPDIR:-/var/tmp}" | tail -n 1 | tr -d ' ') inodes"

# ---- run ----
check_load() {
	load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
	if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
		say "WARNING: load average $load on $(nproc) CPUs $1: other work skews the numbers"
	else
		say "load average $load $1"
	fi
}
summary=$(mktemp "${TMPDIR:-/tmp}/run-bench-totp.XXXXXX")
status=$(mktemp "${TMPDIR:-/tmp}/run-bench-totp.XXXXXX")
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
	say "---- RESULT and GROWTH lines of all $runs runs ----"
	grep -E '^(RESULT|GROWTH)' "$summary" | sort -s -k1,3 || true
fi
exit "$failed"
