#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# Run every test sipshield has, as CI does: install what is missing,
# build, run the unit and end-to-end tests, then build again with
# AddressSanitizer + UndefinedBehaviorSanitizer and run the unit tests
# there, then, where clang is installed, run each libFuzzer target for a
# bounded time under the same sanitizers (scripts/fuzz.sh). Exit status:
# 0 when all passed.
#
# Usage: scripts/test.sh            (as root on Debian 12)
# Environment: BUILD_DIR (default build), ASAN_BUILD_DIR (build-asan),
#              SKIP_SETUP=1 to skip the package check,
#              FUZZ_SECONDS per fuzz target (default 60; 0 skips fuzzing).
set -eu

cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
asan=${ASAN_BUILD_DIR:-build-asan}

if [ "${SKIP_SETUP:-0}" != 1 ]; then
	scripts/setup.sh
fi

step() {
	printf '\n=== %s\n' "$*"
}

step "build ($build)"
[ -f "$build/build.ninja" ] || meson setup "$build"
ninja -C "$build"

step "tests ($build)"
meson test -C "$build" --print-errorlogs

step "sanitizer build ($asan: address, undefined)"
[ -f "$asan/build.ninja" ] ||
	meson setup "$asan" -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
ninja -C "$asan"

step "unit tests under ASan/UBSan"
# DPDK's own libraries are not instrumented; leaks inside EAL are not ours
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C "$asan" --suite unit --print-errorlogs

fuzz=${FUZZ_SECONDS:-60}
if [ "$fuzz" -eq 0 ]; then
	step "fuzzing skipped (FUZZ_SECONDS=0)"
elif command -v clang >/dev/null 2>&1; then
	# every target, $fuzz seconds each; a crash fails CI and leaves its input
	# in build-fuzz/fuzz-artifacts/ (keep it in the target's corpus as a
	# regression file)
	step "fuzzing: scripts/fuzz.sh $fuzz (each target, ASan + UBSan)"
	scripts/fuzz.sh "$fuzz"
else
	step "fuzzing skipped: no clang (scripts/setup.sh installs it)"
fi

step "all tests passed"
