#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# Build the libFuzzer target test/fuzz/fuzz_filter and run it.
#
# Usage: scripts/fuzz.sh [SECONDS]        (default 60)
#
# The build (clang, ASan, UBSan, every library instrumented for coverage)
# goes to build-fuzz/, or $SS_FUZZ_BUILD. New inputs land in
# <build>/fuzz-work/ (not committed: minimise and copy the interesting ones
# into test/data/fuzz-corpus/), crashes in <build>/fuzz-artifacts/. The
# committed corpus test/data/fuzz-corpus/ is read, never written. A crash
# becomes a regression file in test/data/fuzz-corpus/, which fuzz_replay
# then runs in every `meson test`.
#
# Exit status: 0 when the time ran out without a finding, the fuzzer's
# non-zero status otherwise.
set -euo pipefail

secs=${1:-60}
case $secs in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS]" >&2
	exit 2
	;;
esac

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
ninja -C "$build" test/fuzz/fuzz_filter test/fuzz/fuzz_replay

mkdir -p "$build/fuzz-work" "$build/fuzz-artifacts"
# the first directory receives new inputs; the committed corpus is only read
exec "$build/test/fuzz/fuzz_filter" \
	-max_total_time="$secs" \
	-max_len=8192 \
	-timeout=10 \
	-rss_limit_mb=4096 \
	-print_final_stats=1 \
	-dict="$root/test/fuzz/sip.dict" \
	-artifact_prefix="$build/fuzz-artifacts/" \
	"$build/fuzz-work" "$root/test/data/fuzz-corpus"
