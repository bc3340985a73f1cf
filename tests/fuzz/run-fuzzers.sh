#!/bin/sh
# Build every tests/fuzz/fuzz_*.c as a libFuzzer binary (clang, ASan,
# UBSan) against the lib/ sources, run each for SECONDS, and fail on any
# crash, leak or sanitizer report.
#
#   run-fuzzers.sh [--srcdir DIR] [--builddir DIR] [SECONDS [TARGET...]]
#
# builddir holds autoconfig.h (run configure first); the fuzz build goes
# to BUILDDIR/tests/fuzz/build.  The corpus of a target grows in
# build/corpus/TARGET, seeded from tests/fuzz/corpus/TARGET/; a crash
# leaves its input in build/artifacts/.  TARGET names (fuzz_addr ...)
# restrict the run to those.
set -u

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=
while [ $# -gt 0 ]; do
	case $1 in
	--srcdir) srcdir=$2; shift 2 ;;
	--builddir) builddir=$2; shift 2 ;;
	*) break ;;
	esac
done
builddir=${builddir:-$srcdir}
seconds=${1:-60}
[ $# -gt 0 ] && shift

CC=${FUZZ_CC:-clang}
out=$builddir/tests/fuzz/build
if [ ! -r "$builddir/autoconfig.h" ]; then
	echo "run-fuzzers.sh: no $builddir/autoconfig.h: run configure first" >&2
	exit 2
fi
command -v "$CC" >/dev/null 2>&1 || {
	echo "run-fuzzers.sh: $CC not found (Debian: clang libclang-rt-14-dev)" >&2
	exit 2
}
mkdir -p "$out/obj" "$out/corpus" "$out/artifacts" || exit 2

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -fno-omit-frame-pointer $san -I$srcdir/lib -I$builddir \
	-DCRM_SYSCONFDIR=\"/nonexistent\" -DCRM_LOCALSTATEDIR=\"/nonexistent\" \
	$(pkg-config --cflags sqlite3 libcrypto inih libcrypt liboath libqrencode json-c)"
# libcrack2 has no pkg-config file (lib/core/pwpolicy.c's dictcheck).
libs="$(pkg-config --libs sqlite3 libcrypto inih libcrypt liboath libqrencode json-c) -lcrack"

# lib/ once, instrumented for coverage but without libFuzzer's main.  Of
# the tools' lib/cli/, only the parsers: the rest reads a terminal.
objs=
for src in "$srcdir"/lib/core/*.c "$srcdir"/lib/store/*.c \
	   "$srcdir"/lib/decide/*.c "$srcdir"/lib/broker/*.c \
	   "$srcdir"/lib/cli/totp_import.c \
	   "$srcdir"/lib/cli/backup.c; do
	obj=$out/obj/$(basename "$(dirname "$src")")_$(basename "$src" .c).o
	if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ]; then
		# shellcheck disable=SC2086
		$CC $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj" || exit 1
	fi
	objs="$objs $obj"
done

status=0
for src in "$srcdir"/tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	if [ $# -gt 0 ]; then
		case " $* " in
		*" $name "*) ;;
		*) continue ;;
		esac
	fi
	bin=$out/$name
	# shellcheck disable=SC2086
	if ! $CC $cflags -fsanitize=fuzzer "$src" $objs $libs -o "$bin"; then
		echo "$name: build failed"
		status=1
		continue
	fi
	corpus=$out/corpus/$name
	mkdir -p "$corpus"
	if [ -d "$srcdir/tests/fuzz/corpus/$name" ]; then
		cp -n "$srcdir/tests/fuzz/corpus/$name"/* "$corpus"/ 2>/dev/null
	fi
	log=$out/$name.log
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
	"$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$name-" "$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ $rc -eq 0 ]; then
		echo "$name: ${runs:-0} runs, ok"
	else
		echo "$name: ${runs:-0} runs, FAILED (exit $rc; see $log)"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -5
		status=1
	fi
done
exit $status
