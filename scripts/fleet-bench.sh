#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# Fleet benchmark (DESIGN §3a): two sipshield nodes following one
# redis-server of its own on loopback. Prints convergence p50/p90/p99 over
# 1,000 changes (write committed -> visible on every node), the same from
# `sipshield-cli fleet add` returning, and the time to load a table of
# 1,000,000 entries (CLI, each node, commit to every node in sync).
# Figures only: nothing here passes or fails on a time.
#
# Usage: scripts/fleet-bench.sh [BUILD_DIR] [-- fleet_bench.py options]
#   e.g. scripts/fleet-bench.sh build -- --entries 200000 --json out.json
set -eu

cd "$(dirname "$0")/.."
build=build
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
	build=$1
	shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift

for p in redis-server redis-cli; do
	command -v "$p" >/dev/null || { echo "fleet-bench.sh: $p not found: run scripts/setup.sh" >&2; exit 1; }
done
[ -f "$build/build.ninja" ] || meson setup "$build"
ninja -C "$build" app/sipshield/sipshield app/sipshield-cli/sipshield-cli >/dev/null

exec /usr/bin/python3 test/fleet/fleet_bench.py "$build/app/sipshield/sipshield" \
	"$build/app/sipshield-cli/sipshield-cli" "$@"
