#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# sipshield's main job on bundled demo traffic: build, write a capture of
# mixed SIP traffic (test/e2e/sipgen.py: REGISTERs with short and long
# Expires, INVITEs to moved and other users, responses, keep-alives,
# garbage, ARP/ICMP/TCP/DNS, fragments, VLAN and IPv6 SIP), run sipshield
# between two pcap ports with the example moved table (config/moved.txt),
# then show the counters and decode the replies with tshark.
#
# No NIC, no hugepages. Idempotent: the build is reused, everything else
# lives in a temporary directory removed on exit (even on Ctrl-C).
#
# Usage: scripts/demo.sh    (as root it first installs what is missing)
# Environment: BUILD_DIR (default build), SKIP_SETUP=1, KEEP=1 (keep files).
set -eu

cd "$(dirname "$0")/.."
root=$(pwd)
build=${BUILD_DIR:-build}
py=/usr/bin/python3

if [ "$(id -u)" -eq 0 ] && [ "${SKIP_SETUP:-0}" != 1 ]; then
	scripts/setup.sh
fi
for tool in meson ninja tshark; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "demo.sh: $tool is missing: run scripts/setup.sh as root" >&2; exit 1; }
done
"$py" -c 'import scapy' 2>/dev/null ||
	{ echo "demo.sh: python3-scapy is missing: run scripts/setup.sh as root" >&2; exit 1; }

echo "== build ($build)"
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build" >/dev/null
exe=$root/$build/app/sipshield/sipshield

work=$(mktemp -d /tmp/sipshield-demo.XXXXXX)
cleanup() {
	# EAL leaves its runtime directory behind, empty with --no-shconf
	for d in /var/run "${XDG_RUNTIME_DIR:-/nonexistent}" /tmp; do
		rmdir "$d/dpdk/sipshield-demo-$$" 2>/dev/null || true
	done
	if [ "${KEEP:-0}" = 1 ]; then echo "files kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== demo traffic"
"$py" - "$root/test/e2e" "$work" <<'PYEOF'
import logging, os, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
sys.path.insert(0, sys.argv[1])
import sipgen
from scapy.utils import wrpcap
work = sys.argv[2]
outside, inside = sipgen.outside_cases(min_expires=60), sipgen.inside_cases()
wrpcap(os.path.join(work, "outside.pcap"), [c.frame for c in outside])
wrpcap(os.path.join(work, "inside.pcap"), [c.frame for c in inside])
for c in outside:
    print("  client -> %-34s expect %s" % (c.name, c.verdict))
for c in inside:
    print("  registrar -> %-31s expect pass" % c.name[len("inside: "):])
PYEOF

# a fixed tag secret, so that the ACK for a 302 is recognised (and absorbed)
(umask 077 && echo "${SECRET:-000102030405060708090a0b0c0d0e0f}" >"$work/tag.key")
cat > "$work/demo.conf" <<CONFEOF
[ports]
outside = 0
inside = 1
[filter]
min_expires = 60
min_expires_subscribe = 30
moved_table = $root/config/moved.txt
tag_secret = $work/tag.key
[dataplane]
idle_sleep_us = 100
rx_desc = 512
tx_desc = 512
CONFEOF

echo "== sipshield"
set -- --no-huge -m 256 --no-pci --no-shconf -l 0 --file-prefix "sipshield-demo-$$" \
	--log-level lib.eal:warning \
	--vdev "net_pcap0,rx_pcap=$work/outside.pcap,tx_pcap=$work/out-outside.pcap" \
	--vdev "net_pcap1,rx_pcap=$work/inside.pcap,tx_pcap=$work/out-inside.pcap" \
	-- --config "$work/demo.conf" --exit-when-idle 1
echo "  $exe $*"
timeout --foreground 60 "$exe" "$@" >"$work/run.out" 2>"$work/run.err" || {
	echo "demo.sh: sipshield failed (status $?):" >&2
	cat "$work/run.out" "$work/run.err" >&2
	exit 1
}
# the banner, then the counters that moved
awk '/counters at exit/ { table = 1; print; next }
	!table { print; next }
	$2 != "0" { print }' "$work/run.out"

echo "== replies sent back to the clients (outside port), decoded by tshark"
tshark -r "$work/out-outside.pcap" -Y 'sip.Status-Code == 423 || sip.Status-Code == 302' \
	-T fields -E separator='|' -e frame.number -e ip.dst -e ipv6.dst -e vlan.id \
	-e sip.Status-Line -e sip.Min-Expires -e sip.contact.uri 2>/dev/null |
	awk -F'|' '{ printf "  frame %s to %s%s%s: %s%s%s\n", $1, $2, $3,
		$4 != "" ? " (VLAN " $4 ")" : "", $5,
		$6 != "" ? ", Min-Expires " $6 : "", $7 != "" ? ", Contact " $7 : "" }'
echo "== frames passed to the registrars (inside port): $(tshark -r "$work/out-inside.pcap" 2>/dev/null | wc -l)"

for code in 423 302; do
	echo "== the first $code, as sent"
	tshark -r "$work/out-outside.pcap" -Y "sip.Status-Code == $code" -T fields \
		-e udp.payload 2>/dev/null | head -1 |
		"$py" -c 'import sys; print(bytes.fromhex(sys.stdin.read().strip()).decode().replace("\r", ""), end="")' |
		sed 's/^/  | /'
done
