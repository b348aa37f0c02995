#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# sipshield against a SIP server doing the same job, on this machine, in
# one run: Debian's Kamailio configured as sipshield (config/kamailio/
# kamailio.cfg: 423 for short REGISTER expirations, 302 from an htable
# loaded from the same moved table, stateless forward for the rest) on
# loopback, driven by a UDP load generator for a bounded time; its CPU
# time (utime + stime of all its processes, /proc/PID/stat) per answered
# request, in TSC cycles; then sipshield-bench's cycles per frame for the
# same request types over the same table, and the ratio.
#
# Usage: scripts/kamailio-compare.sh [--duration S] [--entries N] [--children N]
#   --duration S   seconds of load per request type (default 10)
#   --entries N    generated users in the moved table, besides
#                  config/moved.txt's (default 1000)
#   --children N   Kamailio UDP receiver processes (default 1: one core,
#                  as one sipshield worker)
# Environment: BUILD_DIR (default build-bench), PORT (Kamailio's, default
#              5070), SINK_PORT (the registrar stand-in's, default 5090).
# Needs: kamailio (installed with apt-get when missing and run as root),
# /usr/bin/python3. Exit status: 0 when both sides were measured.
set -eu

cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-bench}
port=${PORT:-5070}
sink_port=${SINK_PORT:-5090}
duration=10
entries=1000
children=1

while [ $# -gt 0 ]; do
	case $1 in
	--duration) duration=$2; shift 2 ;;
	--entries) entries=$2; shift 2 ;;
	--children) children=$2; shift 2 ;;
	-h | --help) sed -n '4,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "kamailio-compare.sh: unknown argument \"$1\" (see --help)" >&2; exit 2 ;;
	esac
done
case "$duration$entries$children" in
*[!0-9]*) echo "kamailio-compare.sh: --duration, --entries, --children: whole numbers" >&2
	exit 2 ;;
esac

step() {
	printf '\n=== %s\n' "$*"
}

if ! command -v kamailio >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "kamailio-compare.sh: kamailio is missing: apt-get install kamailio" >&2
		exit 1
	fi
	step "installing kamailio"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kamailio
fi

step "build ($build)"
[ -f "$build/build.ninja" ] || meson setup "$build" -Dbuildtype=release
ninja -C "$build" app/sipshield-bench/sipshield-bench
bench=$build/app/sipshield-bench/sipshield-bench

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kamailio-compare.XXXXXX")
kpid=""
cleanup() {
	if [ -n "$kpid" ] && kill -0 "$kpid" 2>/dev/null; then
		kill "$kpid"
		wait "$kpid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# --- The moved table: config/moved.txt's entries, then generated users ----
step "moved table: config/moved.txt + $entries generated users"
table=$tmp/moved.txt
grep -v '^[[:space:]]*\(#\|$\)' config/moved.txt >"$table"
awk -v n="$entries" 'BEGIN {
	for (i = 0; i < n; i++)
		if (i % 4 == 3)
			printf "u%07d@pbx.example.com\tsip:u%07d@pbx2.example.net\t600\n", i, i
		else
			printf "u%07d@pbx.example.com\tsip:u%07d@pbx2.example.net\n", i, i
}' >>"$table"

# The same table as Kamailio htables in db_text form: `moved` (key ->
# new-uri) and `moved_exp` (key -> Expires). Keys as sipshield compares
# them: user as written, host lower-case. db_text escapes `:` and `\`.
mkdir "$tmp/db"
awk -v dir="$tmp/db" '
function esc(s) { gsub(/\\/, "\\\\", s); gsub(/:/, "\\:", s); return s }
BEGIN {
	hdr = "id(int,auto) key_name(string) key_type(int) value_type(int) " \
		"key_value(string) expires(int)"
	print hdr > (dir "/moved")
	print hdr > (dir "/moved_exp")
}
{
	key = $1
	at = index(key, "@")
	if (at > 0)
		key = substr(key, 1, at) tolower(substr(key, at + 1))
	n++
	printf "%d:%s:0:0:%s:0\n", n, esc(key), esc($2) > (dir "/moved")
	if (NF >= 3)
		printf "%d:%s:0:0:%s:0\n", n, esc(key), $3 > (dir "/moved_exp")
}' "$table"
rows=$(($(wc -l <"$tmp/db/moved") - 1))
echo "$rows entries"

# --- Kamailio ----------------------------------------------------------------
step "kamailio on udp:127.0.0.1:$port ($children receiver process(es))"
big=""
shm=128
if [ "$rows" -ge 100000 ]; then
	big="-A BIG_TABLE"
	shm=$((256 + rows / 1000))
fi
# shellcheck disable=SC2086
kamailio -f config/kamailio/kamailio.cfg -DD -E -n "$children" -m "$shm" -M 16 \
	-A "LISTEN=udp:127.0.0.1:$port" -A "REGISTRAR=\"sip:127.0.0.1:$sink_port\"" \
	-A "DBURL=\"text://$tmp/db\"" $big -P "$tmp/kamailio.pid" \
	>"$tmp/kamailio.log" 2>&1 &
kpid=$!
for _ in $(seq 50); do
	[ -s "$tmp/kamailio.pid" ] && break
	kill -0 "$kpid" 2>/dev/null || break
	sleep 0.1
done
if ! kill -0 "$kpid" 2>/dev/null; then
	echo "kamailio-compare.sh: kamailio did not start:" >&2
	cat "$tmp/kamailio.log" >&2
	exit 1
fi
sleep 0.5
kamailio -v | head -1

# --- Load, and Kamailio's CPU time -------------------------------------------
# The generator keeps WINDOW requests outstanding: a new one for each reply
# (or forwarded copy at the registrar stand-in), so Kamailio runs flat out
# without its socket buffer overflowing. It reads /proc/PID/stat of
# Kamailio's main process and of every process it forked (its receivers,
# timers, ...) before and after, and prints JSON.
cat >"$tmp/loadgen.py" <<'EOF'
import json, os, random, select, socket, sys, time

kind, port, sink_port, duration, table, main_pid = sys.argv[1:7]
port, sink_port, duration, main_pid = int(port), int(sink_port), float(duration), int(main_pid)
WINDOW = 64
tck = os.sysconf("SC_CLK_TCK")

def cpu_ticks():
    user = system = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()   # from field 3, state
        if int(pid) == main_pid or int(fields[1]) == main_pid:     # field 4: ppid
            user += int(fields[11])         # field 14: utime
            system += int(fields[12])       # field 15: stime
    return user, system

cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
cli.bind(("127.0.0.1", 0))
cli.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
me = cli.getsockname()[1]
sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sink.bind(("127.0.0.1", sink_port))
sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
rnd = random.Random(7)

users = []
with open(table) as f:
    for line in f:
        key = line.split()[0]
        users.append(key if "@" in key else key + "@pbx.example.com")

SDP = ("v=0\r\no=u{c:07d} 3344 5566 IN IP4 127.0.0.1\r\ns=Talk\r\nc=IN IP4 127.0.0.1\r\n"
       "t=0 0\r\nm=audio 7078 RTP/AVP 96 0 8 18 101\r\na=rtpmap:96 opus/48000/2\r\n"
       "a=fmtp:96 useinbandfec=1\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=yes\r\n"
       "a=rtpmap:101 telephone-event/48000\r\na=rtcp-fb:* trr-int 1000\r\n"
       "a=rtcp-fb:* ccm tmmbr\r\na=sendrecv\r\n")

def register(i, expires):
    u = rnd.randrange(10**7)
    return ("REGISTER sip:pbx.example.com SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;rport;branch=z9hG4bK-524287-1---%016x\r\n"
            "Max-Forwards: 70\r\n"
            "Contact: <sip:u%07d@127.0.0.1:%d;rinstance=%016x;transport=UDP>\r\n"
            "To: <sip:u%07d@pbx.example.com>\r\n"
            "From: <sip:u%07d@pbx.example.com>;tag=%08x\r\n"
            "Call-ID: %032x\r\n"
            "CSeq: %d REGISTER\r\n"
            "Expires: %d\r\n"
            "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE\r\n"
            "Supported: replaces, outbound, path\r\n"
            "User-Agent: Zoiper v2.10.19.3\r\n"
            "Content-Length: 0\r\n\r\n") % (me, rnd.getrandbits(64), u, me,
            rnd.getrandbits(64), u, u, rnd.getrandbits(32), rnd.getrandbits(128),
            i % 9000 + 1, expires)

def invite(i):
    callee = users[i % len(users)]
    c = rnd.randrange(10**7)
    sdp = SDP.format(c=c)
    return ("INVITE sip:%s SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-d8754z-%016x;rport\r\n"
            "Max-Forwards: 70\r\n"
            "Contact: <sip:u%07d@127.0.0.1:%d>\r\n"
            "To: <sip:%s>\r\n"
            "From: \"Caller %07d\" <sip:u%07d@pbx.example.com>;tag=%08x\r\n"
            "Call-ID: %016x@127.0.0.1\r\n"
            "CSeq: %d INVITE\r\n"
            "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO\r\n"
            "Content-Type: application/sdp\r\n"
            "Supported: replaces, timer\r\n"
            "User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)\r\n"
            "Content-Length: %d\r\n\r\n%s") % (callee, me, rnd.getrandbits(64), c, me,
            callee, c, c, rnd.getrandbits(32), rnd.getrandbits(64), i % 900 + 100,
            len(sdp), sdp)

make = {"register423": lambda i: register(i, 30),
        "register": lambda i: register(i, 3600),
        "invite302": invite}[kind]
msgs = [make(i).encode() for i in range(4096)]
dest = ("127.0.0.1", port)
poll = select.poll()
poll.register(cli, select.POLLIN)
poll.register(sink, select.POLLIN)
counts = {"sent": 0, "423": 0, "302": 0, "forwarded": 0, "other": 0}

def drain(sock, is_sink):
    n = 0
    while True:
        try:
            data = sock.recv(65535, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return n
        n += 1
        if is_sink:
            counts["forwarded"] += 1
        else:
            code = data[8:11].decode(errors="replace")
            counts[code if code in ("423", "302") else "other"] += 1

def run(seconds):
    outstanding, i = 0, 0
    end = time.monotonic() + seconds
    last = time.monotonic()
    while True:
        now = time.monotonic()
        if now >= end:
            break
        while outstanding < WINDOW:
            cli.sendto(msgs[i % len(msgs)], dest)
            i += 1
            outstanding += 1
            counts["sent"] += 1
        got = 0
        for fd, _ in poll.poll(10):
            got += drain(sink if fd == sink.fileno() else cli, fd == sink.fileno())
        if got:
            outstanding -= min(outstanding, got)
            last = now
        elif now - last > 0.05:
            outstanding = 0     # lost in a full socket buffer: start again
            last = now
    time.sleep(0.2)
    drain(cli, False)
    drain(sink, True)

run(1.0)                        # warm-up, not counted
for k in counts:
    counts[k] = 0
t0, c0 = time.monotonic(), cpu_ticks()
run(duration)
t1, c1 = time.monotonic(), cpu_ticks()
answered = counts["423"] + counts["302"] + counts["forwarded"]
print(json.dumps({"kind": kind, "seconds": t1 - t0, "user_s": (c1[0] - c0[0]) / tck,
                  "system_s": (c1[1] - c0[1]) / tck, "answered": answered, **counts}))
EOF

for kind in register423 invite302 register; do
	step "load: $kind for $duration s"
	/usr/bin/python3 "$tmp/loadgen.py" "$kind" "$port" "$sink_port" "$duration" "$table" \
		"$kpid" | tee "$tmp/kam-$kind.json"
done

# --- sipshield-bench over the same table ---------------------------------------
step "sipshield-bench: the same request types, the same table, one worker"
free_pages=$(awk '/^HugePages_Free/ {print $2}' /proc/meminfo)
if [ "${free_pages:-0}" -ge 256 ] && mountpoint -q /dev/hugepages 2>/dev/null; then
	eal_mem="--in-memory"
else
	eal_mem="--no-huge -m 1024 --no-shconf"
fi
variants=$((rows < 4096 ? rows : 4096))
# shellcheck disable=SC2086
"$bench" $eal_mem --no-pci --no-telemetry -l 0 --log-level 'lib.*:error' -- \
	--moved-file "$table" --variants "$variants" --class register423,invite302,register \
	--mix none --no-stages --json-out "$tmp/bench.json" >/dev/null

# --- Side by side --------------------------------------------------------------
step "cycles per answered request (TSC cycles; Kamailio: CPU time x TSC rate)"
/usr/bin/python3 - "$tmp" "$duration" <<'EOF'
import json, sys
tmp, duration = sys.argv[1], sys.argv[2]
bench = json.load(open(tmp + "/bench.json"))
hz = bench["machine"]["tsc_hz"]
runs = {r["name"]: r for r in bench["runs"]}
rows = [("register423", "REGISTER -> 423", "423"),
        ("invite302", "INVITE -> 302", "302"),
        ("register", "REGISTER -> forwarded", "forwarded")]
print("%-22s %9s %10s %11s %11s %10s %7s %7s" % ("request", "kam req/s",
      "kam us/req", "kam cyc/req", "(user only)", "sipshield", "ratio", "(user)"))
for name, label, key in rows:
    k = json.load(open("%s/kam-%s.json" % (tmp, name)))
    n = k[key]
    if n == 0 or k["other"] > n / 100:
        print("%-22s Kamailio answered %d, other %d: not comparable" % (label, n, k["other"]))
        continue
    cpu = k["user_s"] + k["system_s"]
    kcyc = cpu * hz / n
    kusr = k["user_s"] * hz / n
    s = runs[name]["cycles_per_packet"]
    print("%-22s %9.0f %10.2f %11.0f %11.0f %10.0f %6.0fx %6.0fx" % (label,
          n / k["seconds"], cpu / n * 1e6, kcyc, kusr, s, kcyc / s, kusr / s))
print("\nkamailio: utime+stime of all its processes (socket system calls included;"
      "\n  user only: utime) over answered requests, %s s of load per type, at %.3f GHz;"
      "\n  sipshield: cycles per frame of the per-burst stage over net_ring ports"
      "\n  (RX/TX bursts included, no NIC), best of 3 runs." % (duration, hz / 1e9))
EOF
