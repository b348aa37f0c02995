#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# sipshield between real SIP peers, in one minute (issue 3, "The demo"):
# install what is missing, build, start the netns lab (scripts/lab.sh:
# ns client <-> sipshield on two net_af_packet ports <-> ns registrar),
# drive a few seconds of mixed sipp traffic through it, and show what
# happened:
#   client REGISTER Expires 30    -> 423 Interval Too Brief (sipshield)
#   client REGISTER Expires 3600  -> 200 OK (the registrar, a sipp UAS)
#   client INVITE moved@          -> 302 Moved Temporarily (sipshield),
#                                    whose ACK sipshield absorbs
#   client INVITE busy@           -> 486 Busy Here (the registrar)
#   garbage datagrams to :5060    -> dropped (not SIP)
# then sipshield's counters per verdict and a 423 and a 302 as the client
# received them (sipp's message log). Everything it starts (namespaces,
# sipshield, sipp) is removed on exit, Ctrl-C included.
#
# Usage: scripts/demo.sh          the netns demo (root; falls back to the
#                                 pcap demo where namespaces are impossible)
#        scripts/demo.sh --pcap   sipshield between two pcap files instead:
#                                 no root, no namespaces (the fallback)
# Environment: BUILD_DIR (default build), SKIP_SETUP=1, KEEP=1 (keep files),
#   LAB_ID (a suffix for the lab's names, see scripts/lab.sh),
#   DEMO_SECONDS (default 4: seconds of sipp traffic), DEMO_RATE (default 25:
#   calls per second of each of the four client scenarios).
set -eu

cd "$(dirname "$0")/.."
root=$(pwd)
build=${BUILD_DIR:-build}
py=/usr/bin/python3

usage() {
	echo "usage: scripts/demo.sh [--pcap]" >&2
	exit 2
}
mode=netns
case $# in
0) ;;
1) [ "$1" = --pcap ] || usage; mode=pcap ;;
*) usage ;;
esac

# The netns lab needs root and network namespaces; without them the pcap
# demo still shows every verdict, so fall back rather than fail.
if [ $mode = netns ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "demo.sh: not root: network namespaces are out of reach; the pcap demo instead" >&2
		mode=pcap
	elif ! err=$(ip netns add "sipshield-demo-probe-$$" 2>&1); then
		echo "demo.sh: cannot create a network namespace ($err); the pcap demo instead" >&2
		mode=pcap
	else
		ip netns del "sipshield-demo-probe-$$"
	fi
fi

if [ "$(id -u)" -eq 0 ] && [ "${SKIP_SETUP:-0}" != 1 ]; then
	scripts/setup.sh
fi
if [ $mode = netns ]; then
	tools="meson ninja sipp ip ethtool ping ss timeout"
else
	tools="meson ninja tshark"
fi
for tool in $tools; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "demo.sh: $tool is missing: run scripts/setup.sh as root" >&2; exit 1; }
done
if [ $mode = pcap ]; then
	"$py" -c 'import scapy' 2>/dev/null ||
		{ echo "demo.sh: python3-scapy is missing: run scripts/setup.sh as root" >&2; exit 1; }
fi

echo "== build ($build)"
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build" >/dev/null
exe=$root/$build/app/sipshield/sipshield

# sipshield between two pcap files: the capture of mixed traffic that
# test/e2e/sipgen.py writes (REGISTERs with short and long Expires, INVITEs
# to moved and other users, responses, keep-alives, garbage, ARP/ICMP/TCP/
# DNS, fragments, VLAN and IPv6 SIP) and the example moved table
# (config/moved.txt); counters and tshark's view of the replies.
pcap_demo() {
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
}

# sipshield in the netns lab between sipp peers; see the top of this file.
netns_demo() {
	WORK=$(mktemp -d /tmp/sipshield-demo.XXXXXX)
	SIPP_DIR=$root/test/e2e/sipp
	# the lab of the issue's drawing, ns client and ns registrar, unless
	# LAB_ID asks for a suffix (another lab is up)
	LAB_ID=${LAB_ID:-}
	SIPSHIELD=$exe
	export LAB_ID SIPSHIELD
	# shellcheck source=test/e2e/netns_lib.sh
	. "$root/test/e2e/netns_lib.sh"
	secs=${DEMO_SECONDS:-4}
	rate=${DEMO_RATE:-25}
	calls=$((secs * rate))

	lab_up=0
	cleanup() {
		rc=$?
		trap - EXIT INT TERM HUP
		sipp_uas_stop uas || true
		# down also ends the client sipps a Ctrl-C left in ns client
		if [ "$lab_up" -eq 1 ]; then
			echo "== lab down"
			scripts/lab.sh down >"$WORK/down.out" 2>&1 || true
		fi
		if [ "${KEEP:-0}" = 1 ]; then echo "files kept in $WORK"; else rm -rf "$WORK"; fi
		exit $rc
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM HUP

	echo "== lab up"
	# a failed up cleans up after itself; lab_up only once there is a lab
	scripts/lab.sh up >"$WORK/up.out" 2>&1 || { cat "$WORK/up.out" >&2; exit 1; }
	lab_up=1
	sed 's/^lab.sh: /  /' "$WORK/up.out"

	echo "== traffic: $secs s of sipp, $rate calls/s in each client scenario"
	sipp_uas uas $((2 * calls)) $((secs + 30))
	echo "  registrar 10.99.0.2:5060: sipp UAS (test/e2e/sipp/registrar.xml)"
	# the four client scenarios at once; the two sipshield answers are
	# logged (-trace_msg) for the samples below
	sipp_client register_short register_short "$calls" "$rate" 5061 \
		-trace_msg -message_file "$WORK/register_short.msg" &
	p1=$!
	sipp_client register_long register_long "$calls" "$rate" 5062 &
	p2=$!
	sipp_client invite_moved invite_moved "$calls" "$rate" 5063 \
		-trace_msg -message_file "$WORK/invite_moved.msg" &
	p3=$!
	sipp_client invite_busy invite_busy "$calls" "$rate" 5064 &
	p4=$!
	# and some garbage on the SIP port, which sipshield drops (bash for
	# its /dev/udp; the source port is a fresh one each time)
	# shellcheck disable=SC2016 # $i is the inner bash's
	ip netns exec "$LAB_NS_CLI" bash -c 'for i in 1 2 3 4 5; do
		printf "this is not SIP %s\r\n" "$i" >/dev/udp/10.99.0.2/5060; done'
	echo "  client 10.99.0.1: 4 sipp UACs running, 5 garbage datagrams sent"

	failed=0
	for run in register_short:$p1:"REGISTER Expires 30   -> 423 from sipshield" \
		register_long:$p2:"REGISTER Expires 3600 -> 200 from the registrar" \
		invite_moved:$p3:"INVITE moved@         -> 302 from sipshield, ACK" \
		invite_busy:$p4:"INVITE busy@          -> 486 from the registrar, ACK"; do
		name=${run%%:*}
		rest=${run#*:}
		st=0
		wait "${rest%%:*}" || st=$?
		[ $st -eq 0 ] || failed=$((failed + 1))
		printf '  %-52s %s/%s ok, %s failed%s\n' "${rest#*:}" \
			"$(sipp_stat "$name" 'SuccessfulCall(C)')" "$calls" \
			"$(sipp_stat "$name" 'FailedCall(C)')" \
			"$([ $st -eq 0 ] || echo " (sipp status $st, see $WORK/$name.out)")"
	done
	st=0
	sipp_uas_wait uas || st=$?
	[ $st -eq 0 ] || failed=$((failed + 1))
	printf '  %-52s %s/%s ok, %s failed%s\n' "registrar side: 200 + 486/ACK" \
		"$(sipp_stat uas 'SuccessfulCall(C)')" $((2 * calls)) \
		"$(sipp_stat uas 'FailedCall(C)')" \
		"$([ $st -eq 0 ] || echo " (sipp status $st, see $WORK/uas.out)")"

	echo "== sipshield's counters at exit (lab down: SIGTERM), the non-zero ones"
	scripts/lab.sh down >"$WORK/down.out" 2>&1
	lab_up=0
	# totals per verdict first, then why: every reason counter that moved
	sed -n '/counters at exit/,$p' "$WORK/down.out" | awk 'NR > 1 && (NR == 2 || $2 != "0")'

	for code in 423 302; do
		[ $code = 423 ] && name=register_short || name=invite_moved
		echo "== a $code as the client received it ($name, sipp's message log)"
		# the first received message whose status line is this code
		awk -v code="$code" '
			/^-----------------------------------------------/ { if (keep) exit; rcv = 0; n = 0; next }
			/^UDP message received/ { rcv = 1; next }
			!rcv || (n == 0 && $0 == "") { next }
			{ sub(/\r$/, "") }
			++n == 1 && $0 !~ ("^SIP/2.0 " code " ") { rcv = 0; next }
			{ line[n] = $0; keep = n }
			END { while (keep > 0 && line[keep] == "") keep--
				for (i = 1; i <= keep; i++) print "  | " line[i] }' \
			"$WORK/$name.msg" 2>/dev/null || true
	done

	if [ $failed -ne 0 ]; then
		echo "demo.sh: $failed sipp run(s) failed; files kept in $WORK" >&2
		KEEP=1
		exit 1
	fi
	echo "== done: every client call got its expected answer"
}

case $mode in
netns) netns_demo ;;
pcap) pcap_demo ;;
esac
