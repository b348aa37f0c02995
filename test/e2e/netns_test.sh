#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# End-to-end test with real SIP peers (issue 3, "netns with real peers"):
# scripts/lab.sh puts sipshield between ns client and ns registrar on
# net_af_packet ports over veths; sipp plays both sides.
#
#   1. functional: sipp in ns registrar as the registrar (registrar.xml),
#      and in ns client, one after the other, 50 calls each:
#        register_short  REGISTER Expires 30   -> 423, Min-Expires 60 (sipshield)
#        register_long   REGISTER Expires 3600 -> 200 (registrar)
#        invite_moved    INVITE moved@         -> 302, Contact sip:moved@10.99.0.50
#                                                 (sipshield), ACK absorbed
#        invite_busy     INVITE busy@          -> 486 (registrar), ACK passed
#      sipp's own counts decide: exit status 0, every call successful,
#      none failed, on both sides (the registrar's sipp fails a call for
#      anything sipshield should have kept from it).
#   2. load: REGISTERs answered by sipshield and REGISTERs passed to the
#      registrar at once, at a few thousand calls per second, for the
#      packets per second the lab carries (from sipshield's 1-s stats).
#   3. sipshield's final counters (printed on SIGTERM by lab.sh down).
#
# The lab is named after this run (LAB_ID=-<pid>: ns client-<pid>, ...),
# so that test runs from two build directories at once neither collide
# nor tear down each other's namespaces; the demo uses the plain names.
# About 15 s; the registrar's sipp keeps each REGISTER call 4 s to answer
# retransmissions.
#
# Usage: netns_test.sh SIPSHIELD_BINARY
# Exit: 0 pass, 1 fail, 77 skip (not root, or no network namespaces here).
# Environment: KEEP=1 keeps the work directory (sipp logs, counters);
#   NETNS_CALLS (50), NETNS_RATE (250), NETNS_LOAD_SECONDS (3),
#   NETNS_LOAD_SHORT_RATE (4000), NETNS_LOAD_LONG_RATE (2000).
set -eu

[ $# -eq 1 ] || { echo "usage: $0 SIPSHIELD_BINARY" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SIPSHIELD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export SIPSHIELD
SIPP_DIR=$here/sipp
calls=${NETNS_CALLS:-50}
rate=${NETNS_RATE:-250}
load_s=${NETNS_LOAD_SECONDS:-3}
load_short=${NETNS_LOAD_SHORT_RATE:-4000}
load_long=${NETNS_LOAD_LONG_RATE:-2000}

skip() {
	echo "SKIP: $*"
	exit 77
}

# Skip only where the lab cannot exist at all; anything else that is
# missing is a failure (scripts/setup.sh installs it).
[ "$(id -u)" -eq 0 ] || skip "not root: network namespaces and af_packet need root"
probe=sipshield-probe-$$
if ! err=$(ip netns add "$probe" 2>&1); then
	skip "cannot create a network namespace: $err"
fi
ip netns del "$probe"
for tool in sipp ip ethtool ping ss timeout; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "FAIL: $tool is missing: run scripts/setup.sh as root"; exit 1; }
done
[ -x "$SIPSHIELD" ] || { echo "FAIL: no sipshield binary at $SIPSHIELD"; exit 1; }

WORK=$(mktemp -d /tmp/sipshield-netns.XXXXXX)
# A lab of our own, named after this run: two test runs at once (meson
# in two build directories) must neither collide nor tear down each
# other's namespaces.
LAB_ID=-$(($$ % 100000))
export LAB_ID
LAB_DIR=/run/sipshield-lab$LAB_ID
# shellcheck source=test/e2e/netns_lib.sh
. "$here/netns_lib.sh"

lab_up=0
cleanup() {
	rc=$?
	trap - EXIT INT TERM HUP
	sipp_uas_stop uas || true
	sipp_uas_stop uas_load || true
	lab_teardown $rc
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# expect WHAT VALUE OP LIMIT WHY: one check of a counter (OP: -ge or -eq)
expect() {
	case $3 in -ge) rel=">=" ;; *) rel="=" ;; esac
	if test "$2" "$3" "$4"; then
		ok "$1 $2 $rel $4: $5"
	else
		fail "$1 $2, want $rel $4: $5"
	fi
}

# check_sipp NAME STATUS CALLS WHAT: sipp's exit status and its counts
check_sipp() {
	succ=$(sipp_stat "$1" 'SuccessfulCall(C)')
	failed=$(sipp_stat "$1" 'FailedCall(C)')
	retr=$(sipp_stat "$1" 'Retransmissions(C)')
	line="$1: status $2, $succ/$3 calls successful, ${failed:-?} failed, ${retr:-?} retransmissions: $4"
	if [ "$2" -eq 0 ] && [ "${succ:-0}" -eq "$3" ] && [ "${failed:-1}" -eq 0 ]; then
		ok "$line"
	else
		fail "$line"
		tail -n 30 "$WORK/$1.out" | sed 's/^/#   /'
		[ ! -s "$WORK/$1.err" ] || head -n 30 "$WORK/$1.err" | sed 's/^/#   /'
	fi
}

# the "stats:" line sipshield printed last, as "rx 423 302 dropped"
last_stats() {
	awk '/^stats:/ { rx = $3; a = $13; b = $15; d = $17 }
		END { sub(/,/, "", a); sub(/\)/, "", b); print rx + 0, a + 0, b + 0, d + 0 }' \
		"$LAB_DIR/sipshield.log"
}
# wait for a stats line printed after now (they come every second)
fresh_stats() {
	n=$(grep -c '^stats:' "$LAB_DIR/sipshield.log" || true)
	i=0
	while [ "$(grep -c '^stats:' "$LAB_DIR/sipshield.log" || true)" -le "$n" ] && [ $i -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

echo "# lab up ($SIPSHIELD, LAB_ID $LAB_ID)"
# a failed up cleans up after itself; lab_up only once there is a lab
"$root/scripts/lab.sh" up
lab_up=1

# 1. functional ----------------------------------------------------------
echo "# functional: $calls calls per scenario at $rate/s"
sipp_uas uas $((2 * calls)) 60
for s in register_short:5061:"423 with Min-Expires 60 from sipshield" \
	register_long:5062:"200 from the registrar" \
	invite_moved:5063:"302 Contact sip:moved@10.99.0.50 from sipshield, ACK sent" \
	invite_busy:5064:"486 from the registrar, ACK passed"; do
	name=${s%%:*}
	rest=${s#*:}
	st=0
	sipp_client "$name" "$name" "$calls" "$rate" "${rest%%:*}" || st=$?
	check_sipp "$name" "$st" "$calls" "${rest#*:}"
done
st=0
sipp_uas_wait uas || st=$?
check_sipp uas "$st" $((2 * calls)) "registrar side: $calls REGISTER 200 + $calls INVITE 486/ACK, nothing else"

fresh_stats
read -r func_rx n423 n302 ndrop <<EOF
$(last_stats)
EOF
if [ "$n423" -ge "$calls" ] && [ "$n302" -ge "$calls" ] && [ "$ndrop" -ge "$calls" ]; then
	ok "sipshield after the functional run: rx $func_rx, 423 sent $n423, 302 sent $n302, dropped $ndrop (the absorbed ACKs)"
else
	fail "sipshield after the functional run: rx $func_rx, 423 sent $n423 (want >= $calls), 302 sent $n302 (>= $calls), dropped $ndrop (>= $calls)"
fi

# 2. load ----------------------------------------------------------------
echo "# load: REGISTER answered ($load_short/s) + REGISTER passed ($load_long/s), ${load_s} s"
n_short=$((load_short * load_s))
n_long=$((load_long * load_s))
sipp_uas uas_load "$n_long" 60
read -r rx0 _ <<EOF
$(last_stats)
EOF
t0=$(date +%s.%N)
st_s=0 st_l=0
sipp_client load_short register_short "$n_short" "$load_short" 5071 -l 5000 &
pid_s=$!
sipp_client load_long register_long "$n_long" "$load_long" 5072 -l 5000 &
pid_l=$!
wait $pid_s || st_s=$?
wait $pid_l || st_l=$?
t1=$(date +%s.%N)
st=0
sipp_uas_wait uas_load || st=$?
check_sipp load_short "$st_s" "$n_short" "423 under load"
check_sipp load_long "$st_l" "$n_long" "200 under load"
check_sipp uas_load "$st" "$n_long" "registrar side under load"
fresh_stats
read -r rx1 _ <<EOF
$(last_stats)
EOF
peak=$(awk -v from="$rx0" '/^stats:/ && $3 + 0 > from { k = $4; sub(/\(/, "", k); if (k + 0 > p) p = k + 0 }
	END { print p + 0 }' "$LAB_DIR/sipshield.log")
pps=$(awk -v a="$rx0" -v b="$rx1" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.0f", (b - a) / (t1 - t0) }')
echo "# lab throughput: $((rx1 - rx0)) packets in $(awk -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.1f", t1 - t0 }') s:" \
	"$pps rx packets/s mean, peak ${peak} kpps (1-s stats), as many again sent"
expect "load packets received" $((rx1 - rx0)) -ge $((n_short + 2 * n_long)) \
	"a REGISTER per answered call, a REGISTER and its 200 per passed one"

# 3. final counters ------------------------------------------------------
cp "$LAB_DIR/sipshield.log" "$WORK/"
"$root/scripts/lab.sh" down >"$WORK/down.out" 2>&1 || fail "lab.sh down failed"
lab_up=0
final=$WORK/down.out
if grep -q 'counters at exit' "$final"; then
	ok "sipshield stopped on SIGTERM and printed its counters"
else
	fail "no final counters from sipshield"
	sed 's/^/#   /' "$final"
fi
sed -n '/counters at exit/,$p' "$final" | awk 'NR <= 2 || $2 != "0"' | sed 's/^/# /'
c() {
	v=$(counter "$1" "$final")
	echo "${v:-0}"
}
expect sent_423 "$(c sent_423)" -ge $((calls + n_short)) "REGISTER Expires 30, both runs"
expect sent_302 "$(c sent_302)" -ge "$calls" "INVITE moved@"
expect ack_absorbed "$(c ack_absorbed)" -ge "$calls" "the ACKs for sipshield's 302s"
expect passed_expires_ok "$(c passed_expires_ok)" -ge $((calls + n_long)) \
	"REGISTER Expires 3600 to the registrar, both runs"
expect passed_not_moved "$(c passed_not_moved)" -ge "$calls" "INVITE busy@ to the registrar"
expect passed_from_inside "$(c passed_from_inside)" -ge $((2 * calls + n_long)) \
	"the registrar's 200s and 486s back to the client"
expect dropped_not_sip "$(c dropped_not_sip)" -eq 0 "sipp's traffic is all SIP"
expect tx_failed "$(c tx_failed)" -eq 0 "every frame sipshield sent left"
expect rx "$(c rx)" -eq $(($(c passed) + $(c answered) + $(c dropped))) \
	"passed + answered + dropped"

if [ $failures -ne 0 ]; then
	echo "# $failures check(s) failed"
	exit 1
fi
echo "# all checks passed (functional rx $func_rx packets)"
