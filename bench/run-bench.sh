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

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$srcdir}
runs=${RUNS:-1}
user=${BENCH_USER:-crmbench}

while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
	--builddir=*) builddir=$(cd "${1#*=}" && pwd); shift ;;
	--runs) runs=$2; shift 2 ;;
	--runs=*) runs=${1#*=}; shift ;;
	*) break ;;
	esac
done

say() { printf 'run-bench: %s\n' "$*"; }
fail() { printf 'run-bench: %s\n' "$*" >&2; exit 2; }

# ---- Linux-PAM's own modules ----
multiarch=$(gcc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
secdir=
for d in /usr/lib/$multiarch/security /lib/$multiarch/security \
	 /usr/lib64/security /usr/lib/security /lib/security; do
	if [ -f "$d/pam_faillock.so" ]; then secdir=$d; break; fi
done
[ -n "$secdir" ] || fail "pam_faillock.so not found: apt-get install libpam-modules"

# ---- build ----
if [ ! -f "$builddir/Makefile" ]; then
	[ -x "$srcdir/configure" ] || (cd "$srcdir" && autoreconf -fi)
	say "configuring in $builddir"
	(cd "$builddir" && "$srcdir/configure")
fi
jobs=$(nproc 2>/dev/null || echo 2)
say "building the modules (make -j$jobs)"
make -C "$builddir" -j"$jobs" >/dev/null

bench=$builddir/bench/bench_lockout
if grep -q "bench_bench_lockout_OBJECTS" "$builddir/Makefile"; then
	make -C "$builddir" bench/bench_lockout >/dev/null
elif [ ! -x "$bench" ] || [ -n "$(find "$srcdir/bench/bench_lockout.c" \
	"$builddir/lib/libpamcrm.la" -newer "$bench" 2>/dev/null)" ]; then
	# No Makefile rule yet: build it the way the rule would.
	say "building bench/bench_lockout (no Makefile rule yet)"
	mkdir -p "$builddir/bench"
	warn=$(sed -n 's/^WARN_CFLAGS = //p' "$builddir/Makefile")
	pamcflags=$(sed -n 's/^PAM_CFLAGS = //p' "$builddir/Makefile")
	pamlibs=$(sed -n 's/^PAM_LIBS = //p' "$builddir/Makefile")
	# shellcheck disable=SC2086
	gcc -DHAVE_CONFIG_H -I"$builddir" -I"$srcdir/lib" $warn $pamcflags \
	    -g -O2 -c "$srcdir/bench/bench_lockout.c" \
	    -o "$builddir/bench/bench_lockout-bench_lockout.o"
	# shellcheck disable=SC2086
	(cd "$builddir" && ./libtool --quiet --tag=CC --mode=link gcc -g -O2 \
	    -o bench/bench_lockout bench/bench_lockout-bench_lockout.o \
	    lib/libpamcrm.la ${pamlibs:--lpam})
fi
[ -x "$bench" ] || fail "$bench was not built"

# ---- the user pam_faillock needs ----
if ! getent passwd "$user" >/dev/null; then
	[ "$(id -u)" -eq 0 ] || fail "user $user missing and not root: run as root"
	say "creating system user $user (useradd -M -s /usr/sbin/nologin)"
	useradd -M -s /usr/sbin/nologin "$user"
fi
[ "$(id -u)" -eq 0 ] || say "warning: not root; pam_faillock may refuse its tally files"

# ---- what we run on ----
say "$(uname -srm); $(nproc) CPUs; $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
if command -v dpkg-query >/dev/null; then
	say "$(dpkg-query -W -f '${Package} ${Version}; ' libpam0g libpam-modules libsqlite3-0 libssl3 2>/dev/null)"
fi

# ---- run ----
# The medians are only as good as the machine is quiet: say how busy it was.
check_load() {
	load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
	if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
		say "WARNING: load average $load on $(nproc) CPUs $1: other work skews the numbers"
	else
		say "load average $load $1"
	fi
}
summary=$(mktemp "${TMPDIR:-/tmp}/run-bench.XXXXXX")
status=$(mktemp "${TMPDIR:-/tmp}/run-bench.XXXXXX")
trap 'rm -f "$summary" "$status"' EXIT INT TERM
failed=0
i=1
while [ "$i" -le "$runs" ]; do
	[ "$runs" -eq 1 ] || say "---- run $i of $runs ----"
	check_load "before the run"
	{ rc=0; "$bench" -b "$builddir" -s "$secdir" -U "$user" "$@" || rc=$?
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
