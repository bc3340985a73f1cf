# run-common.sh - what run-bench.sh and run-bench-*.sh share, sourced by them
# after they set NAME (the script's name, for messages) and BENCH (the
# program in bench/): command-line paths, the PAM module directory, a
# system user, the build, a description of the machine, and the runs with
# a load warning before and after each.  Not run on its own.

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$srcdir}
runs=${RUNS:-1}

say() { printf '%s: %s\n' "$NAME" "$*"; }
fail() { printf '%s: %s\n' "$NAME" "$*" >&2; exit 2; }

# --builddir DIR and --runs N; sets $shifted to the number of words used,
# for the caller to shift (a sourced file cannot shift the caller's $@).
parse_common_args() {
	shifted=0
	while [ $# -gt 0 ]; do
		case $1 in
		--builddir) builddir=$(cd "$2" && pwd); shift 2; shifted=$((shifted + 2)) ;;
		--builddir=*) builddir=$(cd "${1#*=}" && pwd); shift; shifted=$((shifted + 1)) ;;
		--runs) runs=$2; shift 2; shifted=$((shifted + 2)) ;;
		--runs=*) runs=${1#*=}; shift; shifted=$((shifted + 1)) ;;
		*) break ;;
		esac
	done
}

# $secdir: Linux-PAM's module directory; each argument a module that
# must be there, as MODULE.so:PACKAGE.
find_secdir() {
	multiarch=$(gcc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
	secdir=
	for d in /usr/lib/$multiarch/security /lib/$multiarch/security \
		 /usr/lib64/security /usr/lib/security /lib/security; do
		if [ -f "$d/pam_permit.so" ]; then secdir=$d; break; fi
	done
	[ -n "$secdir" ] || fail "pam_permit.so not found: apt-get install libpam-modules"
	for m in "$@"; do
		[ -f "$secdir/${m%%:*}" ] ||
			fail "${m%%:*} not in $secdir: apt-get install ${m#*:}"
	done
}

# A system user the peer module looks up with getpwnam.
ensure_user() {
	if ! getent passwd "$1" >/dev/null; then
		say "creating system user $1 (useradd -M -s /usr/sbin/nologin)"
		useradd -M -s /usr/sbin/nologin "$1"
	fi
}

# The tree and bench/$BENCH; $bench its path.
build_bench() {
	if [ ! -f "$builddir/Makefile" ]; then
		[ -x "$srcdir/configure" ] || (cd "$srcdir" && autoreconf -fi)
		say "configuring in $builddir"
		(cd "$builddir" && "$srcdir/configure")
	fi
	jobs=$(nproc 2>/dev/null || echo 2)
	say "building the modules (make -j$jobs)"
	make -C "$builddir" -j"$jobs" >/dev/null
	grep -q "bench_${BENCH}_OBJECTS" "$builddir/Makefile" ||
		fail "$builddir/Makefile has no rule for bench/$BENCH: autoreconf -fi && ./configure"
	make -C "$builddir" "bench/$BENCH" >/dev/null
	bench=$builddir/bench/$BENCH
	[ -x "$bench" ] || fail "$bench was not built"
}

# The machine, and the versions of the packages named.
show_machine() {
	say "$(uname -srm); $(nproc) CPUs; $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	if command -v dpkg-query >/dev/null; then
		say "$(dpkg-query -W -f '${Package} ${Version}; ' "$@" 2>/dev/null)"
	fi
	say "free in ${TMPDIR:-/var/tmp}: $(df -h --output=avail "${TMPDIR:-/var/tmp}" | tail -n 1 | tr -d ' '), $(df --output=iavail "${TMPDIR:-/var/tmp}" | tail -n 1 | tr -d ' ') inodes"
}

check_load() {
	load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
	if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
		say "WARNING: load average $load on $(nproc) CPUs $1: other work skews the numbers"
	else
		say "load average $load $1"
	fi
}

# $runs runs of $bench with the arguments given; with several, their
# RATIO/GROWTH/RESULT/FILL lines together at the end.  Exits with the
# last failing run's status.
run_bench() {
	summary=$(mktemp "${TMPDIR:-/tmp}/$NAME.XXXXXX")
	status=$(mktemp "${TMPDIR:-/tmp}/$NAME.XXXXXX")
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
}
