#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# sipshield-cli's telemetry commands against fake_telemetry.py, a stand-in
# for sipshield's DPDK telemetry socket that serves canned counters and
# logs the requests it gets: exact human output, --json, the moved table
# (long URIs, ',' and '%' escaping, server errors), Prometheus output,
# watch, "not running", --help. TAP output, one line per check.
#
# Usage: telemetry_test.sh PATH-TO-sipshield-cli

set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 PATH-TO-sipshield-cli" >&2
	exit 2
fi
cli=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
py=/usr/bin/python3
tmp=$(mktemp -d)
run_dir=$tmp/run
log=$tmp/requests.log
servers=()

cleanup() {
	for pid in "${servers[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for text in "$@"; do
		printf '%s\n' "$text" | sed 's/^/# /'
	done
}

# check NAME COMMAND...: ok when COMMAND succeeds
check() {
	local name=$1
	shift
	if "$@"; then
		ok "$name"
	else
		not_ok "$name" "failed: $*"
	fi
}

# start_server PREFIX [--one-armed]: a fake sipshield on $run_dir
start_server() {
	local prefix=$1 sock=$run_dir/dpdk/$1/dpdk_telemetry.v2
	shift
	"$py" "$here/fake_telemetry.py" "$run_dir" "$prefix" "$log" "$@" &
	servers+=($!)
	for _ in $(seq 100); do
		[ -S "$sock" ] && return 0
		sleep 0.05
	done
	echo "Bail out! fake_telemetry.py did not create $sock"
	exit 1
}

# run ARGS...: the CLI on the fake server "sst"; sets rc, $tmp/out, $tmp/err
run() {
	"$cli" --runtime-dir "$run_dir" --file-prefix sst "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

# run_bare ARGS...: the CLI with only the arguments given
run_bare() {
	"$cli" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

# expect_out NAME ARGS... <<< WANT: exit 0, stdout byte for byte, no stderr
expect_out() {
	local name=$1
	shift
	cat >"$tmp/want"
	run "$@"
	if [ $rc -ne 0 ]; then
		not_ok "$name" "exit $rc, want 0" "$(cat "$tmp/err")"
	elif ! cmp -s "$tmp/out" "$tmp/want"; then
		not_ok "$name" "stdout differs:" "$(diff <(cat -A "$tmp/want") <(cat -A "$tmp/out"))"
	elif [ -s "$tmp/err" ]; then
		not_ok "$name" "unexpected stderr: $(cat "$tmp/err")"
	else
		ok "$name"
	fi
}

# expect_err NAME RC WANT: the last run exited RC, printed nothing on
# stdout and exactly the line WANT on stderr
expect_err() {
	local name=$1 want_rc=$2 want=$3
	if [ $rc -ne "$want_rc" ]; then
		not_ok "$name" "exit $rc, want $want_rc" "$(cat "$tmp/err")"
	elif [ "$(cat "$tmp/err")" != "$want" ]; then
		not_ok "$name" "stderr: $(cat "$tmp/err")" "want:   $want"
	elif [ -s "$tmp/out" ]; then
		not_ok "$name" "unexpected stdout: $(cat "$tmp/out")"
	else
		ok "$name"
	fi
}

# expect_fail NAME RC TEXT: the last run exited RC with TEXT on stderr
expect_fail() {
	local name=$1 want_rc=$2 text=$3
	if [ $rc -ne "$want_rc" ]; then
		not_ok "$name" "exit $rc, want $want_rc" "$(cat "$tmp/err")"
	elif ! grep -qF -- "$text" "$tmp/err"; then
		not_ok "$name" "stderr lacks \"$text\":" "$(cat "$tmp/err")"
	else
		ok "$name"
	fi
}

# logged TEXT: the fake server received exactly the request TEXT
logged() {
	grep -qxF -- "$1" "$log"
}

mkdir -p "$run_dir" "$tmp/empty"
start_server sst
start_server one --one-armed

# --- counters: exact human output ---
expect_out "stats: verdicts always, other counters when not zero, groups apart" stats <<'EOF'
rx                  2580
tx                  2428
tx_failed              2
passed              2080
answered             350
dropped              150
sent_423             250
sent_302             100

dropped_not_sip      110
ack_absorbed          30
dropped_scanner       10

passed_from_inside   780
passed_other         150
keepalives           450
responses            250
passed_expires_ok    100
passed_no_expiry      80
passed_not_moved     270

req_invite           470
req_ack               30
req_register         700
req_options           50
req_subscribe         30
EOF

run stats --all
if [ $rc -eq 0 ] && [ "$(grep -c '^[a-z]' "$tmp/out")" -eq 49 ] &&
		grep -qx 'unfiltered_vlan_stacked     0' "$tmp/out" &&
		grep -qx 'req_refer                   0' "$tmp/out"; then
	ok "stats --all: all 49 counters, zeros included"
else
	not_ok "stats --all: all 49 counters, zeros included" "exit $rc" "$(cat "$tmp/out")"
fi

expect_out "workers: a line per worker and a total" workers <<'EOF'
worker  lcore    rx    tx  tx_failed  passed  answered  dropped  sent_423  sent_302
0           1  1480  1378          2    1180       200      100       150        50
1           2  1100  1050          0     900       150       50       100        50
total          2580  2428          2    2080       350      150       250       100
EOF

expect_out "workers 1: every counter of worker 1, a column per port" workers 1 <<'EOF'
worker 1, lcore 2

                    outside  inside
rx                      800     300
tx                      450     600
tx_failed                 0       0
passed                  600     300
answered                150       0
dropped                  50       0
sent_423                100       0
sent_302                 50       0

dropped_not_sip          50       0

passed_from_inside        0     300
passed_other             50       0
keepalives              250       0
responses               100       0
passed_no_expiry         80       0
passed_not_moved        120       0

req_invite              170       0
req_register            300       0
req_subscribe            30       0
EOF
check "workers 1 sent /sipshield/worker,1" logged '/sipshield/worker,1'

expect_out "ports: ethdev stats (errors when not zero) and sipshield's, per port" ports <<'EOF'
             outside     inside
port_id            0          1
name       net_pcap0  net_pcap1

ipackets        1800        780
opackets        1130       1298
ibytes        901500     390000
obytes        612040     650100
imissed            3          0

rx              1800        780
tx              1130       1298
tx_failed          0          2
passed          1300        780
answered         350          0
dropped          150          0
EOF

"$cli" --runtime-dir "$run_dir" --file-prefix one ports >"$tmp/one" 2>&1
if [ "$(head -1 "$tmp/one")" = "             outside" ] && ! grep -q inside "$tmp/one"; then
	ok "ports, one-armed: one column"
else
	not_ok "ports, one-armed: one column" "$(cat "$tmp/one")"
fi

expect_out "config: key and value, in the server's order" config <<'EOF'
ports_outside                 0
ports_inside                  1
filter_min_expires            60
filter_min_expires_subscribe  600
filter_redirect_methods       INVITE, MESSAGE
filter_sip_ports              5060, 5080
filter_moved_table            /etc/sipshield/moved.txt
filter_tag_secret
dataplane_idle_sleep_us       0
dataplane_rx_desc             1024
dataplane_tx_desc             1024
EOF

# --- --json: the reply's data, indented, before or after the command ---
run stats --json
cp "$tmp/out" "$tmp/json_after"
if [ $rc -eq 0 ] && "$py" - "$tmp/out" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text)
assert len(d) == 49 and d['rx'] == 2580 and d['passed_not_moved'] == 270, d
assert list(d)[:3] == ['rx', 'tx', 'tx_failed'], list(d)
assert text.startswith('{\n  "rx": 2580,\n'), text[:40]
EOF
then
	ok "stats --json: the dict of /sipshield/stats, indented, in the server's order"
else
	not_ok "stats --json: the dict of /sipshield/stats, indented, in the server's order" \
		"exit $rc" "$(head -5 "$tmp/out")"
fi
run --json stats
check "--json before the command gives the same" cmp -s "$tmp/out" "$tmp/json_after"

for args in "workers" "workers 0" "ports" "config" "moved count"; do
	# shellcheck disable=SC2086
	run $args --json
	if [ $rc -eq 0 ] && "$py" -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out"; then
		ok "$args --json is JSON"
	else
		not_ok "$args --json is JSON" "exit $rc" "$(cat "$tmp/out" "$tmp/err")"
	fi
done

# --- moved ---
expect_out "moved get: a line of the moved-table file" moved get alice@example.com <<'EOF'
alice@example.com sip:alice@pbx2.example.net 3600
EOF
expect_out "moved get: no expires, no third field" moved get bob <<'EOF'
bob sip:bob@pbx3.example.net;transport=tcp
EOF
expect_out "moved count" moved count <<'EOF'
2
EOF

long_uri="sip:$(printf 'u%.0s' $(seq 215))@pbx9.example.net;transport=udp"
check "the long URI is 250 bytes" [ ${#long_uri} -eq 250 ]
expect_out "moved add with a 250-byte URI" moved add long@example.com "$long_uri" 120 <<'EOF'
added long@example.com
EOF
expect_out "moved get joins the URI's parts" moved get long@example.com <<EOF
long@example.com $long_uri 120
EOF
run moved get long@example.com --json
if [ $rc -eq 0 ] && "$py" - "$tmp/out" "$long_uri" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert [len(p) for p in d['uri_parts']] == [120, 120, 10], d
assert ''.join(d['uri_parts']) == sys.argv[2]
EOF
then
	ok "moved get --json: the URI came in 3 parts of 120, 120 and 10 bytes"
else
	not_ok "moved get --json: the URI came in 3 parts of 120, 120 and 10 bytes" "$(cat "$tmp/out")"
fi

odd_key='o,dd%user@example.com'
odd_uri='sip:a%2Cb,c@pbx.example.net'
expect_out "moved add: a key and URI with ',' and '%'" moved add "$odd_key" "$odd_uri" 60 <<EOF
added $odd_key
EOF
check "moved add sent ',' as %2C and '%' as %25" \
	logged '/sipshield/moved/add,o%2Cdd%25user@example.com,sip:a%252Cb%2Cc@pbx.example.net,60'
expect_out "moved get: the odd key's entry comes back as it was" moved get "$odd_key" <<EOF
$odd_key $odd_uri 60
EOF
check "moved get escaped the key too" logged '/sipshield/moved/get,o%2Cdd%25user@example.com'
expect_out "moved del" moved del "$odd_key" <<EOF
deleted $odd_key
EOF
run moved get "$odd_key"
expect_err "moved get after del: the server's error, exit 1" 1 \
	"sipshield-cli moved get: no moved entry for $odd_key"
run moved del nosuch@example.com
expect_err "moved del of a missing key: the server's error, exit 1" 1 \
	"sipshield-cli moved del: no moved entry for nosuch@example.com"
run moved add k@example.com http://example.com/
expect_err "moved add refused by the server: its message, exit 1" 1 \
	'sipshield-cli moved add: bad URI "http://example.com/": expected sip:, sips: or tel:, at most 255 bytes'
expect_out "moved reload: the entries now" moved reload <<'EOF'
reloaded 3 entries
EOF
run moved add k@example.com "sip:$(printf 'x%.0s' $(seq 1100))@example.net"
expect_fail "a request over 1023 bytes is refused here" 1 "too long"

# --- failures the server reports as null ---
run workers 9
expect_fail "workers 9: null from the server, exit 1" 1 \
	"/sipshield/worker,9 failed: unknown command or bad parameters (telemetry answered null)"
check "... and it names the process that answered" grep -qF 'is "python3", not sipshield' "$tmp/err"

# --- prometheus ---
run prometheus
cp "$tmp/out" "$tmp/prom"
if [ $rc -ne 0 ]; then
	not_ok "prometheus runs" "exit $rc" "$(cat "$tmp/err")"
else
	ok "prometheus runs"
fi

# validate the exposition line by line (text format 0.0.4)
prom_errors() {
	local name_re='[a-zA-Z_:][a-zA-Z0-9_:]*'
	local label_re='[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\["\\n])*"'
	local line metric current="" lineno=0
	declare -A helped typed sampled
	while IFS= read -r line; do
		lineno=$((lineno + 1))
		if [[ $line =~ ^#\ HELP\ ($name_re)\ [^[:space:]].*$ ]]; then
			metric=${BASH_REMATCH[1]}
			[ -n "${helped[$metric]:-}" ] && echo "$lineno: second HELP for $metric"
			[ -n "${sampled[$metric]:-}" ] && echo "$lineno: HELP after samples of $metric"
			helped[$metric]=1
			current=$metric
		elif [[ $line =~ ^#\ TYPE\ ($name_re)\ (counter|gauge|untyped)$ ]]; then
			metric=${BASH_REMATCH[1]}
			[ -n "${typed[$metric]:-}" ] && echo "$lineno: second TYPE for $metric"
			[ "$metric" != "$current" ] && echo "$lineno: TYPE $metric not after its HELP"
			if [ "${BASH_REMATCH[2]}" = counter ]; then
				[[ $metric == *_total ]] || echo "$lineno: counter $metric does not end in _total"
			else
				# the only gauges: the fleet's connection state and table size
				[[ $metric =~ ^sipshield_fleet_(connected|entries)$ ]] ||
					echo "$lineno: $metric is not a counter"
			fi
			typed[$metric]=1
		elif [[ $line =~ ^($name_re)\{($label_re(,$label_re)*)\}\ ([0-9]+)$ ]]; then
			metric=${BASH_REMATCH[1]}
			[ "$metric" != "$current" ] && echo "$lineno: sample of $metric away from its HELP/TYPE"
			[ -z "${typed[$metric]:-}" ] && echo "$lineno: sample of $metric before its TYPE"
			if [[ $metric == sipshield_port_* ]]; then
				[[ ${BASH_REMATCH[2]} =~ ^port=\"(outside|inside)\",port_id=\"[0-9]+\"$ ]] ||
					echo "$lineno: port labels: $line"
			else
				[[ ${BASH_REMATCH[2]} =~ ^worker=\"[0-9]+\",port=\"(outside|inside)\"$ ]] ||
					echo "$lineno: worker labels: $line"
			fi
			sampled[$metric]=1
		elif [[ $line =~ ^(sipshield_fleet_[a-z_]+)\ ([0-9]+)$ ]]; then
			# one node-wide series each: no labels
			metric=${BASH_REMATCH[1]}
			[ "$metric" != "$current" ] && echo "$lineno: sample of $metric away from its HELP/TYPE"
			[ -z "${typed[$metric]:-}" ] && echo "$lineno: sample of $metric before its TYPE"
			sampled[$metric]=1
		else
			echo "$lineno: not a HELP, TYPE or sample line: $line"
		fi
	done <"$1"
	for metric in "${!typed[@]}"; do
		[ -z "${sampled[$metric]:-}" ] && echo "$metric has no samples"
	done
}
errors=$(prom_errors "$tmp/prom")
if [ -z "$errors" ]; then
	ok "prometheus: every line a HELP, TYPE or sample; HELP/TYPE once per metric, before its samples"
else
	not_ok "prometheus: every line a HELP, TYPE or sample; HELP/TYPE once per metric, before its samples" \
		"$(head -20 <<<"$errors")"
fi
check "prometheus: 63 metrics, 218 samples" [ "$(grep -c '^# TYPE' "$tmp/prom")" -eq 63 -a \
	"$(grep -vc '^#' "$tmp/prom")" -eq 218 ]
check "prometheus: the fleet's sync counters and gauges" \
	grep -qxF -e 'sipshield_fleet_changes_applied_total 37' -e 'sipshield_fleet_outages_total 1' \
	-e 'sipshield_fleet_full_loads_total 3' -e 'sipshield_fleet_bad_entries_total 2' \
	-e 'sipshield_fleet_connected 1' -e 'sipshield_fleet_entries 1200' "$tmp/prom"
check "prometheus: all six fleet series" [ "$(grep -c '^sipshield_fleet_' "$tmp/prom")" -eq 6 ]
check "prometheus: a worker counter" \
	grep -qxF 'sipshield_rx_total{worker="0",port="outside"} 1000' "$tmp/prom"
check "prometheus: its HELP" \
	grep -qxF '# HELP sipshield_rx_total Frames received on the port.' "$tmp/prom"
check "prometheus: an ethdev stat" \
	grep -qxF 'sipshield_port_imissed_total{port="outside",port_id="0"} 3' "$tmp/prom"
sum=$(awk '/^sipshield_sent_302_total\{/ { s += $2 } END { print s }' "$tmp/prom")
check "prometheus: sipshield_sent_302_total sums to stats' sent_302 (100)" [ "$sum" = 100 ]
check "prometheus asked each worker" logged '/sipshield/worker,0'

out_file=$tmp/textfile/sipshield.prom
mkdir -p "$tmp/textfile"
echo old >"$out_file"
inode_before=$(stat -c %i "$out_file")
run prometheus --output "$out_file"
if [ $rc -eq 0 ] && [ ! -s "$tmp/out" ] && cmp -s "$out_file" "$tmp/prom" &&
		[ ! -e "$out_file.tmp" ] && [ "$(stat -c %i "$out_file")" != "$inode_before" ]; then
	ok "prometheus --output: the file replaced by rename, nothing on stdout, no .tmp left"
else
	not_ok "prometheus --output: the file replaced by rename, nothing on stdout, no .tmp left" \
		"exit $rc" "$(ls -li "$tmp/textfile")"
fi
echo old >"$out_file"
run_bare --runtime-dir "$tmp/empty" prometheus --output "$out_file"
if [ $rc -eq 1 ] && [ "$(cat "$out_file")" = old ] && [ ! -e "$out_file.tmp" ]; then
	ok "prometheus --output with sipshield not running: exit 1, the file left alone"
else
	not_ok "prometheus --output with sipshield not running: exit 1, the file left alone" \
		"exit $rc" "$(cat "$out_file")"
fi
run prometheus --output "$tmp/no-such-dir/x.prom"
expect_fail "prometheus --output into a missing directory: exit 1" 1 "no-such-dir/x.prom.tmp"

# --- watch, not on a terminal ---
start=$(date +%s%N)
run watch --count 2 --interval 0.2
took=$((($(date +%s%N) - start) / 1000000))
frames=$(grep -c '^sipshield pid [0-9]*, --file-prefix sst, .*: per second over 0\.[0-9][0-9] s$' "$tmp/out")
if [ $rc -eq 0 ] && [ "$frames" -eq 2 ] && [ ! -s "$tmp/err" ]; then
	ok "watch --count 2: two frames, exit 0"
else
	not_ok "watch --count 2: two frames, exit 0" "exit $rc, $frames frames" "$(cat "$tmp/out" "$tmp/err")"
fi
check "watch: not on a terminal, no escape sequences" bash -c "! grep -q $'\e' '$tmp/out'"
check "watch: --count 2 --interval 0.2 took 0.4 s, not much more ($took ms)" \
	[ "$took" -ge 350 -a "$took" -lt 3000 ]
# the fake answers k+1 times the base on the k-th repeat of a request, so
# each frame's rx rate times its measured interval is the base rx, 2580
rates_ok() {
	awk '
		/^sipshield pid/ { dt = $(NF - 1) }
		$1 == "rx" && NF == 3 {
			n++
			if (dt <= 0 || ($2 * dt - 2580) ^ 2 > (0.05 * 2580) ^ 2)
				bad = 1
		}
		$1 == "sent_302" && NF == 3 { m++; if ($2 + 0 <= 0) bad = 1 }
		$1 == "0" && NF == 8 { w++; if ($3 + 0 <= 0) bad = 1 }
		END { exit !(n == 2 && m == 2 && w == 2 && !bad) }' "$1"
}
check "watch: rates = difference of two samples / measured interval, per counter and worker" \
	rates_ok "$tmp/out"
check "watch: a rx total of the second sample" grep -qE '^rx +[0-9.]+ +5160$' "$tmp/out"
check "watch: per-worker columns" grep -qE '^worker +lcore +rx/s +tx/s +tx_failed/s +passed/s +answered/s +dropped/s$' \
	"$tmp/out"

# --- sipshield not running ---
sock=$tmp/empty/dpdk/rte/dpdk_telemetry.v2
for args in stats workers "workers 0" ports config watch "moved get alice" "moved add a sip:b" \
		"moved count" prometheus; do
	# shellcheck disable=SC2086
	run_bare --runtime-dir "$tmp/empty" $args
	expect_err "$args, not running: one line, exit 1" 1 \
		"sipshield-cli: sipshield is not running (no telemetry socket at $sock; check --file-prefix)"
done
run_bare --runtime-dir "$run_dir" --file-prefix nope stats
expect_fail "a wrong --file-prefix: the prefixes that have a socket are named" 1 \
	"no telemetry socket at $run_dir/dpdk/nope/dpdk_telemetry.v2; check --file-prefix: there are sockets for "
check "... sst among them" grep -q 'sockets for .*sst' "$tmp/err"

mkdir -p "$tmp/empty/dpdk/stale"
"$py" -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET).bind(sys.argv[1])' \
	"$tmp/empty/dpdk/stale/dpdk_telemetry.v2"
run_bare --runtime-dir "$tmp/empty" --file-prefix stale stats
expect_err "a stale socket: not running, exit 1" 1 \
	"sipshield-cli: sipshield is not running (nothing listens on $tmp/empty/dpdk/stale/dpdk_telemetry.v2: a stale socket)"

# EAL's rule: $RUNTIME_DIRECTORY (systemd) first
RUNTIME_DIRECTORY=$run_dir "$cli" --file-prefix sst moved count >"$tmp/out" 2>"$tmp/err"
check "\$RUNTIME_DIRECTORY picks the runtime directory" [ "$(cat "$tmp/out")" = 3 ]
RUNTIME_DIRECTORY=$tmp/empty "$cli" --runtime-dir "$run_dir" --file-prefix sst moved count \
	>"$tmp/out" 2>"$tmp/err"
check "--runtime-dir wins over \$RUNTIME_DIRECTORY" [ "$(cat "$tmp/out")" = 3 ]

# --- usage ---
for c in stats workers ports config watch moved prometheus check; do
	run_bare "$c" --help
	if [ $rc -eq 0 ] && grep -q "^Usage: sipshield-cli $c" "$tmp/out" &&
			grep -q '^Exit status' "$tmp/out" && grep -q '^Example' "$tmp/out" &&
			[ ! -s "$tmp/err" ]; then
		ok "$c --help: usage, exit status, examples; exit 0"
	else
		not_ok "$c --help: usage, exit status, examples; exit 0" "exit $rc" "$(cat "$tmp/out")"
	fi
	"$cli" "$c" --help >"$tmp/help"
	run_bare help "$c"
	check "help $c is $c --help" cmp -s "$tmp/out" "$tmp/help"
done
run_bare moved add --help
check "moved add --help shows moved's usage" grep -q '^Usage: sipshield-cli moved get KEY' "$tmp/out"
run_bare --help
check "--help lists the telemetry commands" grep -q '^  prometheus ' "$tmp/out"

usage_case() {
	local name=$1 text=$2
	shift 2
	run "$@"
	expect_fail "$name: exit 2" 2 "$text"
}
usage_case "an unknown command" 'unknown command "frob"' frob
usage_case "stats with an operand" 'unexpected "x"' stats x
usage_case "an unknown option" 'unknown option "--frob"' stats --frob
usage_case "--json on watch" '--json does not apply to watch' watch --json
usage_case "--output on stats" '--output does not apply to stats' stats --output f
usage_case "moved without a verb" 'missing get, add, del, reload or count' moved
usage_case "moved with an unknown verb" 'unknown "frob"' moved frob
usage_case "moved add without a URI" 'missing operand' moved add k@example.com
usage_case "moved add with a bad EXPIRES" 'EXPIRES "soon"' moved add k sip:k@example.net soon
usage_case "moved get with two keys" 'unexpected "b"' moved get a b
usage_case "workers with a bad INDEX" 'INDEX "1,2"' workers 1,2
usage_case "watch --interval 0" '--interval "0"' watch --interval 0
usage_case "watch --count 0" '--count "0"' watch --count 0
usage_case "a --file-prefix with a /" '--file-prefix "../x"' --file-prefix ../x stats
usage_case "global options before check" 'check takes its options after its name' --json check x

echo "1..$n"
[ $failed -eq 0 ]
