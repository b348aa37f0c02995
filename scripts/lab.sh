#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# The netns lab: sipshield between real SIP peers on one machine, without
# NICs or hugepages (DESIGN §3, issue 3 "netns with real peers").
#
#   ns client                 root ns                    ns registrar
#   veth-cli 10.99.0.1/24 --- sso  [sipshield]  ssi --- veth-reg 10.99.0.2/24
#                        (outside, port 0)  (inside, port 1)
#
# sso and ssi carry no address: they are the wires sipshield's two
# net_af_packet ports sit on. Client and registrar share one /24, so ARP,
# ICMP and SIP all cross sipshield at L2; nothing is routed by the kernel.
#
# Usage: scripts/lab.sh up|down|status
#   up      create namespaces, veths, config; start sipshield; wait until a
#           ping crosses it.
#   down    stop sipshield (SIGTERM: it prints its final counters, which
#           down prints), kill what runs in the lab's namespaces, delete
#           namespaces and state. Idempotent; safe after a failed up.
#   status  what exists, whether sipshield runs, its last stats line.
# Environment:
#   SIPSHIELD   the binary (default: $BUILD_DIR/app/sipshield/sipshield,
#               BUILD_DIR default build)
#   LAB_LCORE   the lcore of sipshield's one worker (default 1: core 0 is
#               left to sipp, the kernel and the test)
#   LAB_IDLE_US idle_sleep_us of the worker (default 50), so that a busy
#               poll does not starve sipp on a two-core machine
#   LAB_STATS   --stats-interval (default 1), lines land in the log
#   LAB_ID      a suffix for every name (namespaces, links, EAL file
#               prefix, state directory), at most 6 characters of
#               [A-Za-z0-9-]: several labs side by side, e.g. test runs
#               from two build directories at once. Default: none, the
#               names of the drawing above. The addresses stay the same:
#               each lab is its own L2 segment.
# State (config, secret, pid, log, what up created): /run/sipshield-lab$LAB_ID.
# down removes only what that directory says this lab created.
# Needs root, iproute2, ethtool, ping.
set -eu

cd "$(dirname "$0")/.."
root=$(pwd)

LAB_ID=${LAB_ID:-}
case $LAB_ID in
*[!A-Za-z0-9-]*) echo "lab.sh: LAB_ID: only letters, digits and -" >&2; exit 1 ;;
esac
# interface names stop at 15 bytes: veth-cli + 7 at most
[ ${#LAB_ID} -le 6 ] || { echo "lab.sh: LAB_ID: 6 characters at most" >&2; exit 1; }

# The names the issue fixes (with LAB_ID, if any, appended).
NS_CLI=client$LAB_ID
NS_REG=registrar$LAB_ID
IF_CLI=veth-cli$LAB_ID
IF_OUT=sso$LAB_ID
IF_IN=ssi$LAB_ID
IF_REG=veth-reg$LAB_ID
ADDR_CLI=10.99.0.1
ADDR_REG=10.99.0.2
# Its own EAL file prefix, so this sipshield never meets another one's
# runtime directory or telemetry socket.
PREFIX=sipshield-lab$LAB_ID
# One place per lab, derived from its names: whoever runs down finds the
# record of what up created, and nothing else is ever taken for it.
LAB_DIR=/run/sipshield-lab$LAB_ID
SIPSHIELD=${SIPSHIELD:-$root/${BUILD_DIR:-build}/app/sipshield/sipshield}
LAB_LCORE=${LAB_LCORE:-1}
LAB_IDLE_US=${LAB_IDLE_US:-50}
LAB_STATS=${LAB_STATS:-1}

die() {
	echo "lab.sh: $*" >&2
	exit 1
}

ns_exists() {
	ip netns list 2>/dev/null | awk '{ print $1 }' | grep -qx "$1"
}

link_exists() {
	ip link show "$1" >/dev/null 2>&1
}

# The pid in the file, only while it is still our sipshield: a pid file
# left by a crash may name a recycled pid that belongs to someone else.
sipshield_pid() {
	[ -f "$LAB_DIR/sipshield.pid" ] || return 1
	pid=$(cat "$LAB_DIR/sipshield.pid")
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--file-prefix $PREFIX " || return 1
	echo "$pid"
}

# up records each namespace and link right after creating it; down
# deletes only those, so it never takes someone else's `client` (or a
# lab another run is bringing up under the same names) for the lab's.
created() {
	[ -f "$LAB_DIR/created.$1" ]
}

# Kill every process inside one of our namespaces (sipp instances a test
# or demo left behind): a process keeps a deleted namespace alive.
kill_ns_procs() {
	pids=$(ip netns pids "$1" 2>/dev/null || true)
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null || true
	i=0
	while [ $i -lt 20 ] && [ -n "$(ip netns pids "$1" 2>/dev/null)" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	pids=$(ip netns pids "$1" 2>/dev/null || true)
	# shellcheck disable=SC2086
	[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
}

stop_sipshield() {
	pid=$(sipshield_pid) || return 0
	kill -TERM "$pid" 2>/dev/null || true
	i=0
	while [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "lab.sh: sipshield (pid $pid) ignored SIGTERM for 10 s: killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$LAB_DIR/sipshield.pid"
}

do_down() {
	stop_sipshield
	# the final counters sipshield printed on SIGTERM: the test reads them here
	if [ -f "$LAB_DIR/sipshield.log" ] && grep -q "counters at exit" "$LAB_DIR/sipshield.log"; then
		sed -n '/counters at exit/,$p' "$LAB_DIR/sipshield.log"
	fi
	for ns in "$NS_CLI" "$NS_REG"; do
		if created "$ns" && ns_exists "$ns"; then
			kill_ns_procs "$ns"
			ip netns del "$ns" 2>/dev/null || true
		fi
	done
	# deleting a namespace destroys its veth and with it the root-side
	# peer; a pair remains only when up stopped before moving it away
	for ifc in "$IF_OUT" "$IF_IN"; do
		if created "$ifc" && link_exists "$ifc"; then
			ip link del "$ifc" 2>/dev/null || true
		fi
	done
	# EAL's runtime directory (socket, config) of our file prefix
	[ ! -f "$LAB_DIR/created.eal" ] || rm -rf "/var/run/dpdk/$PREFIX"
	rm -rf "$LAB_DIR"
}

# Everything sipshield needs, written afresh on every up.
write_config() {
	# a fixed secret, 0600 as sipshield demands, so the ACKs for its 302s
	# verify and are absorbed whatever the run
	(umask 077 && echo 5a1b5a1b5a1b5a1b00112233445566ff >"$LAB_DIR/tag.key")
	{
		echo "# the lab's moved table: the example entries, and the user"
		echo "# the sipp scenarios redirect (any host)"
		grep -v '^#' "$root/config/moved.txt" | grep -v '^[[:space:]]*$' || true
		printf 'moved\tsip:moved@10.99.0.50\n'
	} >"$LAB_DIR/moved.txt"
	cat >"$LAB_DIR/sipshield.conf" <<EOF
# written by scripts/lab.sh
[ports]
outside = 0
inside = 1
[filter]
min_expires = 60
min_expires_subscribe = 60
moved_table = $LAB_DIR/moved.txt
tag_secret = $LAB_DIR/tag.key
[dataplane]
idle_sleep_us = $LAB_IDLE_US
rx_desc = 1024
tx_desc = 1024
EOF
}

# A veth pair with one end in a namespace, offloads off on both ends:
# af_packet hands sipshield frames whose checksums the sending kernel
# left to "hardware"; sipshield passes them as they are, and the
# receiving kernel would drop them (ENVIRONMENT.md).
make_pair() { # ns nsif nsaddr rootif
	ip link add "$2" type veth peer name "$4"
	: >"$LAB_DIR/created.$4"
	ip link set "$2" netns "$1"
	ip netns exec "$1" ip link set lo up
	ip netns exec "$1" ip addr add "$3/24" dev "$2"
	ip netns exec "$1" ethtool -K "$2" tx off rx off >/dev/null
	ip netns exec "$1" ip link set "$2" up
	ethtool -K "$4" tx off rx off >/dev/null
	# the root side is only a wire: no IPv6 link-local address, so the
	# root kernel sends no ND/MLD of its own into the lab
	sysctl -qw "net.ipv6.conf.$4.disable_ipv6=1" 2>/dev/null || true
	ip link set "$4" up
}

# what sipshield said, before a failed up removes LAB_DIR with its log
up_log() {
	[ -s "$LAB_DIR/sipshield.log" ] || return 0
	echo "lab.sh: sipshield's log:" >&2
	tail -n 40 "$LAB_DIR/sipshield.log" | sed 's/^/  /' >&2
}

do_up() {
	command -v ip >/dev/null 2>&1 || die "ip (iproute2) is missing: run scripts/setup.sh"
	command -v ethtool >/dev/null 2>&1 || die "ethtool is missing: run scripts/setup.sh"
	command -v ping >/dev/null 2>&1 || die "ping (iputils-ping) is missing: run scripts/setup.sh"
	[ -x "$SIPSHIELD" ] || die "no sipshield at $SIPSHIELD: build first (ninja -C build) or set SIPSHIELD"
	# the state directory doubles as the lock: of two ups under one name,
	# only one creates it
	mkdir -m 700 "$LAB_DIR" 2>/dev/null ||
		die "$LAB_DIR exists: this lab is up (or was left behind): scripts/lab.sh down first"
	# from here an interrupted or failed up leaves nothing behind
	trap 'echo "lab.sh: up failed, cleaning up" >&2; up_log; do_down >/dev/null 2>&1' EXIT
	trap 'exit 130' INT TERM HUP
	for n in "$NS_CLI" "$NS_REG"; do
		! ns_exists "$n" || die "a namespace $n exists already (not this lab's)"
	done
	for n in "$IF_OUT" "$IF_IN" "$IF_CLI" "$IF_REG"; do
		! link_exists "$n" || die "a link $n exists already (not this lab's)"
	done

	write_config
	ip netns add "$NS_CLI"
	: >"$LAB_DIR/created.$NS_CLI"
	ip netns add "$NS_REG"
	: >"$LAB_DIR/created.$NS_REG"
	make_pair "$NS_CLI" "$IF_CLI" "$ADDR_CLI" "$IF_OUT"
	make_pair "$NS_REG" "$IF_REG" "$ADDR_REG" "$IF_IN"

	: >"$LAB_DIR/created.eal"
	# setsid: a Ctrl-C in the caller's terminal must not reach sipshield
	# before down sends SIGTERM, or its counters are printed too early
	setsid "$SIPSHIELD" --no-huge -m 256 --no-pci -l "$LAB_LCORE" \
		--file-prefix "$PREFIX" --log-level lib.eal:warning \
		--vdev "net_af_packet0,iface=$IF_OUT" --vdev "net_af_packet1,iface=$IF_IN" \
		-- --config "$LAB_DIR/sipshield.conf" --stats-interval "$LAB_STATS" \
		</dev/null >"$LAB_DIR/sipshield.log" 2>&1 &
	echo $! >"$LAB_DIR/sipshield.pid"

	# up: the banner's last line is printed once the ports have started
	i=0
	until grep -q '^  idle ' "$LAB_DIR/sipshield.log"; do
		kill -0 "$(cat "$LAB_DIR/sipshield.pid")" 2>/dev/null ||
			die "sipshield exited during start-up"
		[ $i -lt 150 ] || die "sipshield not up after 15 s (log: $LAB_DIR/sipshield.log)"
		sleep 0.1
		i=$((i + 1))
	done
	# and the wire works: ARP and ICMP must cross sipshield untouched
	i=0
	until ip netns exec "$NS_CLI" ping -c 1 -W 1 "$ADDR_REG" >/dev/null 2>&1; do
		[ $i -lt 10 ] || die "no ping from $NS_CLI to $ADDR_REG across sipshield"
		i=$((i + 1))
	done
	trap - EXIT INT TERM HUP
	echo "lab.sh: up: $NS_CLI $ADDR_CLI ($IF_CLI) <-> $IF_OUT [sipshield pid" \
		"$(cat "$LAB_DIR/sipshield.pid"), lcore $LAB_LCORE] $IF_IN <-> ($IF_REG) $ADDR_REG $NS_REG"
	echo "lab.sh: config $LAB_DIR/sipshield.conf, log $LAB_DIR/sipshield.log"
}

do_status() {
	up=0
	for ns in "$NS_CLI" "$NS_REG"; do
		if ns_exists "$ns"; then echo "namespace $ns: present"; up=$((up + 1)); else echo "namespace $ns: absent"; fi
	done
	for ifc in "$IF_OUT" "$IF_IN"; do
		if link_exists "$ifc"; then
			echo "link $ifc: $(cat "/sys/class/net/$ifc/operstate")"
		else
			echo "link $ifc: absent"
		fi
	done
	if pid=$(sipshield_pid); then
		echo "sipshield: running, pid $pid, log $LAB_DIR/sipshield.log"
		grep '^stats:' "$LAB_DIR/sipshield.log" | tail -1 | sed 's/^/  last /'
		up=$((up + 1))
	else
		echo "sipshield: not running"
	fi
	# exit status for scripts: 0 when the whole lab is up
	[ $up -eq 3 ]
}

[ $# -eq 1 ] || die "usage: scripts/lab.sh up|down|status"
case $1 in
up|down)
	[ "$(id -u)" -eq 0 ] || die "$1 needs root (network namespaces)"
	"do_$1"
	;;
status) do_status ;;
*) die "usage: scripts/lab.sh up|down|status" ;;
esac
