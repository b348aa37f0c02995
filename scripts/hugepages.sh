#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# Reserve and mount 2 MiB hugepages for sipshield (and dpdk-dumpcap, which
# only works against a primary that runs with hugepages).
#
# Usage: scripts/hugepages.sh [PAGES]   reserve PAGES (default 512 = 1 GiB)
#        scripts/hugepages.sh --status  show what is reserved and mounted
#        scripts/hugepages.sh --release give the pages back (when unused)
# Idempotent; needs root. Exit status: 0 ok, 1 failure, 2 usage.
set -eu

MNT=/dev/hugepages
NR=/proc/sys/vm/nr_hugepages

status() {
	grep -E '^(HugePages_Total|HugePages_Free|Hugepagesize)' /proc/meminfo
	if mountpoint -q "$MNT"; then
		echo "mounted:  $MNT"
	else
		echo "mounted:  no ($MNT)"
	fi
}

case "${1:-512}" in
--status)
	status
	exit 0
	;;
--release)
	[ "$(id -u)" -eq 0 ] || { echo "hugepages.sh: must run as root" >&2; exit 1; }
	echo 0 > "$NR"
	status
	exit 0
	;;
-h | --help)
	sed -n '4,10p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*[!0-9]* | '')
	echo "hugepages.sh: \"$1\": expected a number of pages, --status or --release" >&2
	exit 2
	;;
esac

want=${1:-512}
[ "$(id -u)" -eq 0 ] || { echo "hugepages.sh: must run as root" >&2; exit 1; }

have=$(cat "$NR")
if [ "$have" -lt "$want" ]; then
	echo "$want" > "$NR"
fi
got=$(cat "$NR")
if [ "$got" -lt "$want" ]; then
	echo "hugepages.sh: asked for $want pages of 2 MiB, the kernel gave $got" \
		"(memory too fragmented? try fewer, or at boot: hugepages=$want)" >&2
	exit 1
fi
mkdir -p "$MNT"
mountpoint -q "$MNT" || mount -t hugetlbfs nodev "$MNT"
status
