#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# Soak under attack traffic (issue "Flood protection", item 5), in the
# netns lab (scripts/lab.sh: sipshield between ns client and ns registrar
# on net_af_packet ports, with the lab's config, whose [limits] are the
# defaults of DESIGN §2: replies 1000/s burst 2000 per source, requests not
# limited).
#
# For SOAK_SECONDS (10), all at once from ns client:
#   * a legitimate client: sipp register_long (REGISTER Expires 3600,
#     answered 200 by the registrar) and invite_busy (INVITE, 486 from the
#     registrar, ACK) at LEGIT_RATE (10) calls/s each;
#   * Debian's SIPVicious: svmap (OPTIONS sweep) and svwar (REGISTER
#     extension enumeration, 100..299; it stops after its first probe when
#     nothing answers), whose User-Agent is friendly-scanner;
#   * a REGISTER flood: sipp register_short (Expires 30, which sipshield
#     answers with 423) at FLOOD_RATE (3000) calls/s, far over the
#     per-source reply limit, from the same address as the client.
# Then checks:
#   * the legitimate client's calls all succeed, and the registrar's sipp
#     sees exactly those calls and nothing else (it fails a call for any
#     other request): no scanner's and no flood's request reached it;
#   * sipshield dropped the scanners' requests (dropped_scanner) and
#     answered the flood only up to the reply limit: sent_423 at most the
#     burst plus the rate times the time the flood lasted, the rest
#     dropped_reply_limit; /sipshield/top_sources names the source;
#   * the mbuf pool's in-use count (/sipshield/pools) is back to its idle
#     value once the traffic stops: no mbuf leaked;
#   * sipshield still answers afterwards (one more REGISTER gets its 423),
#     and its final counters add up.
#
# Usage: soak_test.sh SIPSHIELD_BINARY
# Exit: 0 pass, 1 fail, 77 skip (not root, or no network namespaces).
# Environment: KEEP=1 keeps the work directory; SOAK_SECONDS, LEGIT_RATE,
#   FLOOD_RATE.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 SIPSHIELD_BINARY" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SIPSHIELD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export SIPSHIELD
SIPP_DIR=$here/sipp
soak_s=${SOAK_SECONDS:-10}
legit_rate=${LEGIT_RATE:-10}
flood_rate=${FLOOD_RATE:-3000}
# DESIGN §2's defaults, which the lab's config keeps
reply_rate=1000
reply_burst=2000

skip() {
	echo "SKIP: $*"
	exit 77
}

[ "$(id -u)" -eq 0 ] || skip "not root: network namespaces and af_packet need root"
probe=sipshield-probe-$$
if ! err=$(ip netns add "$probe" 2>&1); then
	skip "cannot create a network namespace: $err"
fi
ip netns del "$probe"
for tool in sipp svmap svwar ip ethtool ping ss timeout; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "FAIL: $tool is missing: run scripts/setup.sh as root"; exit 1; }
done
[ -x "$SIPSHIELD" ] || { echo "FAIL: no sipshield binary at $SIPSHIELD"; exit 1; }

WORK=$(mktemp -d /tmp/sipshield-soak.XXXXXX)
# a lab of our own (scripts/lab.sh: at most 6 characters)
LAB_ID=-s$(($$ % 10000))
export LAB_ID
LAB_DIR=/run/sipshield-lab$LAB_ID
TEL_SOCK=/var/run/dpdk/sipshield-lab$LAB_ID/dpdk_telemetry.v2
# shellcheck source=test/e2e/netns_lib.sh
. "$here/netns_lib.sh"

lab_up=0
pids=""
cleanup() {
	rc=$?
	trap - EXIT INT TERM HUP
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null || true
	done
	sipp_uas_stop uas || true
	lab_teardown $rc
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

check() { # WHAT COND...: the condition as test(1) arguments
	what=$1
	shift
	if test "$@"; then ok "$what"; else fail "$what"; fi
}

# tel COMMAND EXPR: a value from sipshield's telemetry reply, by a Python
# expression over it (r); DPDK telemetry's protocol, as dpdk-telemetry.py
tel() {
	/usr/bin/python3 - "$TEL_SOCK" "$1" "$2" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.recv(1024)
s.send(sys.argv[2].encode())
r = json.loads(s.recv(16384).decode())[sys.argv[2].split(",")[0]]
print(eval(sys.argv[3], {"r": r}))
EOF
}

in_use() {
	tel /sipshield/pools 'sum(p["in_use"] for p in r.values())'
}

# check_sipp NAME STATUS CALLS WHAT: sipp's exit status and its counts
check_sipp() {
	succ=$(sipp_stat "$1" 'SuccessfulCall(C)')
	failed=$(sipp_stat "$1" 'FailedCall(C)')
	line="$1: status $2, ${succ:-?}/$3 calls successful, ${failed:-?} failed: $4"
	if [ "$2" -eq 0 ] && [ "${succ:-0}" -eq "$3" ] && [ "${failed:-1}" -eq 0 ]; then
		ok "$line"
	else
		fail "$line"
		tail -n 20 "$WORK/$1.out" | sed 's/^/#   /'
		[ ! -s "$WORK/$1.err" ] || head -n 20 "$WORK/$1.err" | sed 's/^/#   /'
	fi
}

echo "# lab up ($SIPSHIELD, LAB_ID $LAB_ID)"
"$root/scripts/lab.sh" up
lab_up=1
sleep 1
base=$(in_use)
echo "# mbufs in use while idle: $base"

n_legit=$((legit_rate * soak_s))
n_flood=$((flood_rate * soak_s))
echo "# soak ${soak_s} s: legit ${legit_rate}/s REGISTER + ${legit_rate}/s INVITE," \
	"svmap + svwar, REGISTER flood ${flood_rate}/s"
sipp_uas uas $((2 * n_legit)) $((soak_s + 40))
t0=$(date +%s.%N)
st_reg=0 st_inv=0
sipp_client legit_reg register_long "$n_legit" "$legit_rate" 5062 &
p_reg=$!
sipp_client legit_inv invite_busy "$n_legit" "$legit_rate" 5064 &
p_inv=$!
# the flood's calls go unanswered past the limit: sipp gives up on them
# at its run's timeout (20 s, netns_lib.sh); only what sipshield counts is
# checked
sipp_client flood register_short "$n_flood" "$flood_rate" 5071 -l 50000 >/dev/null 2>&1 &
p_flood=$!
pids="$p_reg $p_inv $p_flood"
(cd "$WORK" && ip netns exec "$LAB_NS_CLI" timeout -k 5 $((soak_s + 20)) \
	svmap -p 5060 "$LAB_REG_ADDR" >"$WORK/svmap.out" 2>&1) || true
(cd "$WORK" && ip netns exec "$LAB_NS_CLI" timeout -k 5 $((soak_s + 20)) \
	svwar -e100-299 -t 0.01 "$LAB_REG_ADDR" >"$WORK/svwar.out" 2>&1) || true
wait $p_reg || st_reg=$?
wait $p_inv || st_inv=$?
wait $p_flood || true
t1=$(date +%s.%N)
pids=""
st=0
sipp_uas_wait uas || st=$?

check_sipp legit_reg "$st_reg" "$n_legit" "the legitimate REGISTERs, 200 from the registrar"
check_sipp legit_inv "$st_inv" "$n_legit" "the legitimate INVITEs, 486 from the registrar"
check_sipp uas "$st" $((2 * n_legit)) \
	"registrar side: the legitimate calls and nothing else (no scanner, no flood)"

sleep 2
after=$(in_use)
check "mbufs in use back to the idle value: $after, was $base" "$after" -eq "$base"

top=$(tel /sipshield/top_sources 'r["source"][0] + " " + str(r["drops_reply"][0]) if r["count"] else "none"')
check "top_sources names the flooding source: $top" "${top%% *}" = "$LAB_CLI_ADDR"

st=0
sipp_client after register_short 1 1 5081 || st=$?
check_sipp after "$st" 1 "sipshield still answers: one more REGISTER gets its 423"

cp "$LAB_DIR/sipshield.log" "$WORK/"
"$root/scripts/lab.sh" down >"$WORK/down.out" 2>&1 || fail "lab.sh down failed"
lab_up=0
final=$WORK/down.out
grep -q 'counters at exit' "$final" || fail "no final counters from sipshield"
sed -n '/counters at exit/,$p' "$final" | awk 'NR <= 2 || $2 != "0"' | sed 's/^/# /'
c() {
	v=$(counter "$1" "$final")
	echo "${v:-0}"
}
secs=$(awk -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%d", t1 - t0 + 1.999 }')
max423=$((reply_burst + reply_rate * secs + 1))
sent=$(c sent_423)
echo "# flood offered: $n_flood REGISTERs and sipp's retransmissions, over ${secs} s"
check "sent_423 $sent within the reply limit: at most $max423 (burst $reply_burst + $reply_rate/s x ${secs} s + 1)" \
	"$sent" -le "$max423"
check "sent_423 $sent: the flood was answered up to the limit (at least the burst $reply_burst)" \
	"$sent" -ge "$reply_burst"
check "dropped_reply_limit $(c dropped_reply_limit): the rest of the flood dropped" \
	"$(c dropped_reply_limit)" -ge $((n_flood / 2))
# svwar sends one probe and gives up when nothing answers: that is the point
check "dropped_scanner $(c dropped_scanner): svmap's OPTIONS and svwar's probe" \
	"$(c dropped_scanner)" -ge 2
if grep -q 'found nothing' "$WORK/svmap.out" && grep -q 'found nothing' "$WORK/svwar.out"; then
	ok "svmap and svwar found nothing: no answer ever reached them"
else
	fail "svmap or svwar found something"
	sed 's/^/#   /' "$WORK/svmap.out" "$WORK/svwar.out"
fi
check "passed_no_expiry $(c passed_no_expiry): no scanner REGISTER reached the registrar" \
	"$(c passed_no_expiry)" -eq 0
check "passed_expires_ok $(c passed_expires_ok): the legitimate REGISTERs only" \
	"$(c passed_expires_ok)" -eq "$n_legit"
check "passed_not_moved $(c passed_not_moved): the legitimate INVITEs only" \
	"$(c passed_not_moved)" -eq "$n_legit"
check "tx_failed $(c tx_failed): every frame sipshield sent left" "$(c tx_failed)" -eq 0
check "rx $(c rx) = passed + answered + dropped" \
	"$(c rx)" -eq $(($(c passed) + $(c answered) + $(c dropped)))
echo "# soak figures: rx $(c rx), answered $(c answered), dropped $(c dropped)" \
	"(reply limit $(c dropped_reply_limit), scanner $(c dropped_scanner), ACK $(c ack_absorbed))," \
	"passed $(c passed); legitimate calls $((2 * n_legit)) of $((2 * n_legit));" \
	"mbufs in use $base before, $after after"

if [ $failures -ne 0 ]; then
	echo "# $failures check(s) failed"
	exit 1
fi
echo "# all checks passed"
