#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# Build the libFuzzer targets and run each for SECONDS: test/fuzz/fuzz_filter
# (the SIP engine, one datagram) and test/fuzz/fuzz_packet (the packet
# path, one raw frame through the per-burst stage).
#
# Usage: scripts/fuzz.sh [SECONDS [LIBFUZZER-OPTION...]]   (default 60 s each)
# e.g.   scripts/fuzz.sh 600 -use_value_profile=1 -jobs=2
#        SS_FUZZ_TARGETS=fuzz_packet scripts/fuzz.sh 60   (one target)
#
# The build (clang, ASan, UBSan, every library instrumented for coverage)
# goes to build-fuzz/, or $SS_FUZZ_BUILD. New inputs land in
# <build>/fuzz-work/ (fuzz_filter) and <build>/fuzz-work-packet/
# (fuzz_packet), not committed: minimise and copy the interesting ones into
# the target's corpus, test/data/fuzz-corpus/ or
# test/data/fuzz-corpus-packet/, which are read, never written. Crashes
# land in <build>/fuzz-artifacts/. A crash becomes a regression file in the
# target's corpus, which fuzz_replay or fuzz_packet_replay then runs in
# every `meson test`.
#
# Exit status: 0 when the time ran out for every target without a finding,
# else the first failing fuzzer's status (the other targets still run).
set -euo pipefail

secs=${1:-60}
case $secs in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS [LIBFUZZER-OPTION...]]" >&2
	exit 2
	;;
esac
shift $(($# > 0 ? 1 : 0))

root=$(cd "$(dirname "$0")/.." && pwd)
build=${SS_FUZZ_BUILD:-$root/build-fuzz}

if [ ! -f "$build/build.ninja" ]; then
	# -fsanitize=fuzzer-no-link instruments lib/ for coverage without
	# linking libFuzzer's main() into every executable; the ASan/UBSan
	# runtimes provide the coverage hooks for the ones without libFuzzer.
	CC=clang meson setup "$build" "$root" \
		-Dfuzz=true \
		-Db_lundef=false \
		-Db_sanitize=address,undefined \
		-Dbuildtype=debugoptimized \
		-Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=all'
fi
targets=${SS_FUZZ_TARGETS:-fuzz_filter fuzz_packet}
for t in $targets; do
	case $t in
	fuzz_filter | fuzz_packet) ;;
	*)
		echo "$0: unknown target $t (fuzz_filter, fuzz_packet)" >&2
		exit 2
		;;
	esac
	ninja -C "$build" "test/fuzz/$t"
done
ninja -C "$build" test/fuzz/fuzz_replay test/fuzz/fuzz_packet_replay

mkdir -p "$build/fuzz-artifacts"
status=0
for t in $targets; do
	if [ "$t" = fuzz_filter ]; then
		work=$build/fuzz-work corpus=$root/test/data/fuzz-corpus max_len=8192
	else
		# one control byte, then a frame of up to 9216 bytes
		work=$build/fuzz-work-packet corpus=$root/test/data/fuzz-corpus-packet max_len=9217
	fi
	mkdir -p "$work"
	echo "=== $t: ${secs} s"
	# the first directory receives new inputs; the committed corpus is only read
	rc=0
	"$build/test/fuzz/$t" \
		-max_total_time="$secs" \
		-max_len="$max_len" \
		-timeout=10 \
		-rss_limit_mb=4096 \
		-print_final_stats=1 \
		-dict="$root/test/fuzz/sip.dict" \
		-artifact_prefix="$build/fuzz-artifacts/$t-" \
		"$@" \
		"$work" "$corpus" || rc=$?
	if [ "$rc" -ne 0 ] && [ "$status" -eq 0 ]; then
		status=$rc
	fi
done
exit "$status"
