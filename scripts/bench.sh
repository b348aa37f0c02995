#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# Reproduce the figures of docs/PERFORMANCE.md: build sipshield-bench, then
# run the standard set and print its tables:
#   1. every traffic class alone and the typical mix, one worker, moved
#      tables of 1,000 and 1,000,000 entries, with the stage breakdown;
#      the typical mix again with 1..N workers (N: the CPUs online);
#   2. the registration-storm mix with 1..N workers;
#   3. every class with frame data flushed from the cache (--cold).
# Each run's JSON is kept in $BUILD_DIR/bench/*.json for comparisons.
#
# Usage: scripts/bench.sh [--quick] [--no-huge]
#   --quick    0.1 s runs, best of 1: a check, not figures
#   --no-huge  run without hugepages even where there are enough
# Environment: BUILD_DIR (default build-bench), WORKERS (default: CPUs
#              online), DURATION (seconds per run, default 0.5).
# Exit status: 0 when every run completed with every verdict right.
set -eu

cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-bench}
workers=${WORKERS:-$(nproc)}
duration=${DURATION:-0.5}
repeat=5
huge=auto

for arg in "$@"; do
	case $arg in
	--quick)
		duration=0.1
		repeat=1
		;;
	--no-huge)
		huge=no
		;;
	-h | --help)
		sed -n '4,18p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "bench.sh: unknown argument \"$arg\" (see --help)" >&2
		exit 2
		;;
	esac
done

step() {
	printf '\n=== %s\n' "$*"
}

step "build ($build)"
[ -f "$build/build.ninja" ] || meson setup "$build" -Dbuildtype=release
ninja -C "$build" app/sipshield-bench/sipshield-bench
bench=$build/app/sipshield-bench/sipshield-bench
out=$build/bench
mkdir -p "$out"

# A 1,000,000-entry table needs ~150 MB of EAL memory besides the pools:
# 256 free 2 MiB pages are enough. Otherwise, or asked to, no hugepages
# (and then --no-shconf: DPDK 22.11 refuses --in-memory with --no-huge).
free_pages=$(awk '/^HugePages_Free/ {print $2}' /proc/meminfo)
if [ "$huge" = auto ] && [ "${free_pages:-0}" -ge 256 ] &&
		mountpoint -q /dev/hugepages 2>/dev/null; then
	eal_mem="--in-memory"
	mem_note="hugepages ($free_pages free)"
else
	eal_mem="--no-huge -m 2048 --no-shconf"
	mem_note="no hugepages (-m 2048)"
fi
last=$((workers - 1))
eal="$eal_mem --no-pci --no-telemetry --log-level lib.*:error"

step "machine"
model=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
mhz=$(awk '/^cpu MHz/ {print $4; exit}' /proc/cpuinfo)
echo "cpu: $model, $(nproc) CPUs online, ${mhz:-?} MHz (lscpu: $(lscpu |
	sed -n 's/^Thread(s) per core: *//p') thread(s) per core,"\
	"$(lscpu | sed -n 's/^Hypervisor vendor: *//p' | sed 's/^$/no/') hypervisor)"
echo "memory: $mem_note; workers up to $workers; ${duration} s per run, best of $repeat"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (other programs on the machine" \
	"slow the figures down; run on an idle machine)"

run() {
	name=$1
	json=$2
	shift 2
	step "$name"
	# tables on stdout, progress on stderr, the JSON of the same runs to a file
	# shellcheck disable=SC2086
	"$bench" $eal "$@" --duration "$duration" --repeat "$repeat" --json-out "$out/$json"
}

run "1. classes and the typical mix; moved tables of 1,000 and 1,000,000" classes.json \
	-l "0-$last" -- --moved 1000,1000000 --workers "$workers"

run "2. registration storm: register423=70,register=20,invite=10" storm.json \
	-l "0-$last" -- --class none --mix register423=70,register=20,invite=10 \
	--workers "$workers" --no-stages

run "3. frames flushed from the cache (--cold), one worker" cold.json \
	-l 0 -- --cold --no-stages

step "done: JSON in $out/"
