#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# Packet capture of a running sipshield with DPDK's dpdk-dumpcap
# (issue "Operations", DESIGN §3): sipshield runs one-armed with
# hugepages on a veth (net_af_packet) and calls rte_pdump_init(); while
# REGISTERs with Expires: 30 arrive, dumpcap attaches as a secondary
# process and records port 0; the capture must hold the requests and
# sipshield's 423 replies, as tshark decodes them.
#
# Usage: capture_test.sh SIPSHIELD   (root; TAP output; exit 77 = skipped)
set -eu

exe=$1
n_req=20
tag=sc$$
if_a=${tag}a
if_b=${tag}b
prefix=sscap$$
work=$(mktemp -d /tmp/sipshield-capture.XXXXXX)
old_pages=$(cat /proc/sys/vm/nr_hugepages)
ss_pid=
cap_pid=

echo "TAP version 13"
echo "1..4"

skip() {
	echo "1..0 # SKIP $*"
	exit 77
}

cleanup() {
	[ -n "$cap_pid" ] && kill "$cap_pid" 2>/dev/null || true
	[ -n "$ss_pid" ] && kill -INT "$ss_pid" 2>/dev/null && wait "$ss_pid" 2>/dev/null || true
	ip link del "$if_a" 2>/dev/null || true
	rm -f /dev/hugepages/${prefix}map_* 2>/dev/null || true
	rm -rf "/var/run/dpdk/$prefix" "$work"
	echo "$old_pages" > /proc/sys/vm/nr_hugepages 2>/dev/null || true
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || skip "needs root (veth, hugepages)"
command -v dpdk-dumpcap >/dev/null || skip "dpdk-dumpcap not installed (dpdk package)"
command -v tshark >/dev/null || skip "tshark not installed"
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/scripts/hugepages.sh" 256 >/dev/null || skip "cannot reserve 256 hugepages"
ip link add "$if_a" type veth peer name "$if_b" 2>/dev/null || skip "cannot create a veth pair"
for i in "$if_a" "$if_b"; do
	# otherwise frames leave with unfinished checksums (ENVIRONMENT.md)
	ethtool -K "$i" tx off rx off >/dev/null 2>&1 || true
	# no IPv6 neighbour discovery chatter on the wire
	sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1" 2>/dev/null || true
	ip link set "$i" up
done

cat > "$work/ss.conf" <<CONF
[ports]
outside = 0
inside = none
[filter]
min_expires = 60
[dataplane]
idle_sleep_us = 50
CONF

"$exe" -l 0 --file-prefix "$prefix" --vdev "net_af_packet0,iface=$if_a" -- \
	--config "$work/ss.conf" > "$work/ss.log" 2>&1 &
ss_pid=$!
for _ in $(seq 50); do
	grep -q "workers" "$work/ss.log" 2>/dev/null && [ -S "/var/run/dpdk/$prefix/dpdk_telemetry.v2" ] && break
	sleep 0.2
done
if kill -0 "$ss_pid" 2>/dev/null && [ -S "/var/run/dpdk/$prefix/dpdk_telemetry.v2" ]; then
	echo "ok 1 - sipshield runs with hugepages on $if_a"
else
	echo "not ok 1 - sipshield did not start"
	sed 's/^/# /' "$work/ss.log"
	exit 1
fi

# requests in and replies out: 2 * n_req frames
timeout 30 dpdk-dumpcap --file-prefix "$prefix" -i 0 -f "udp port 5060" -c $((2 * n_req)) \
	-w "$work/cap.pcapng" > "$work/dumpcap.log" 2>&1 &
cap_pid=$!
sleep 2

/usr/bin/python3 - "$if_b" "$n_req" <<'PY'
import logging, sys, time
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import Ether, IP, UDP, Raw, sendp
iface, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    sip = ("REGISTER sip:example.com SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKcap%d\r\n"
           "From: <sip:u%d@example.com>;tag=f%d\r\n"
           "To: <sip:u%d@example.com>\r\n"
           "Call-ID: cap-%d@198.51.100.7\r\n"
           "CSeq: 1 REGISTER\r\n"
           "Contact: <sip:u%d@198.51.100.7>\r\n"
           "Expires: 30\r\n"
           "Content-Length: 0\r\n\r\n") % (i, i, i, i, i, i)
    frame = (Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") /
             IP(src="198.51.100.7", dst="203.0.113.1") / UDP(sport=5060, dport=5060) /
             Raw(sip.encode()))
    sendp(frame, iface=iface, verbose=False)
    time.sleep(0.05)
PY

if wait "$cap_pid"; then
	cap_pid=
	echo "ok 2 - dpdk-dumpcap attached and captured $((2 * n_req)) frames"
else
	cap_pid=
	echo "not ok 2 - dpdk-dumpcap failed"
	sed 's/^/# /' "$work/dumpcap.log"
fi

kill -INT "$ss_pid"
wait "$ss_pid" || true
ss_pid=

requests=$(tshark -r "$work/cap.pcapng" -Y 'sip.Method == "REGISTER"' 2>/dev/null | wc -l)
replies=$(tshark -r "$work/cap.pcapng" -Y 'sip.Status-Code == 423 && sip.Min-Expires == 60' \
	2>/dev/null | wc -l)
if [ "$requests" -eq "$n_req" ]; then
	echo "ok 3 - capture holds the $n_req REGISTERs"
else
	echo "not ok 3 - capture holds $requests REGISTERs, want $n_req"
fi
if [ "$replies" -eq "$n_req" ]; then
	echo "ok 4 - capture holds $n_req replies 423 with Min-Expires: 60"
else
	echo "not ok 4 - capture holds $replies 423 replies, want $n_req"
	tshark -r "$work/cap.pcapng" 2>/dev/null | sed 's/^/# /' | head -20
fi
