#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""Live mode switch on af_packet veths (Safe rollout; TAP output).

sipshield runs on two net_af_packet ports, each the end of a veth pair;
this test sends on the outside pair's other end and listens on both. A
REGISTER expiring too soon gets a 423 in enforce mode; after
`sipshield-cli mode monitor` the same requests reach the inside port
untouched and only would_423 counts them; after `sipshield-cli mode
enforce` they get 423s again. No restart in between (one process), and
no packet lost: every port's rx = passed + answered + dropped, tx_failed
stays 0 and every frame sent is accounted for. Then a rule switch:
`sipshield-cli rule answer_423 off` lets the requests pass. Last, the
source lists: the client's prefix written to the deny file and
/sipshield/sources/reload: its requests are dropped (dropped_denied);
emptied and reloaded: answered again.

Usage: live_switch_test.py SIPSHIELD SIPSHIELD-CLI   (root; exit 77 skips)
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

if os.geteuid() != 0:
    print("1..0 # SKIP needs root (veth pairs, net_af_packet)")
    sys.exit(77)
try:
    import logging
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.all import AsyncSniffer, sendp
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether
    import sipgen
except ImportError as e:
    print("1..0 # SKIP python3-scapy is not installed (%s)" % e)
    sys.exit(77)

PID = os.getpid() % 10000
OUT_SS, OUT_PEER = "ssmo%d" % PID, "ssmp%d" % PID
IN_SS, IN_PEER = "ssmi%d" % PID, "ssmq%d" % PID
PREFIX = "ss_live_%d" % os.getpid()
N = 5


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "util"))
from tap import Tap  # noqa: E402  (test/util/tap.py, shared by the e2e tests)


def sh(*cmd):
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode


def veths_up():
    for a, b in ((OUT_SS, OUT_PEER), (IN_SS, IN_PEER)):
        if sh("ip", "link", "add", a, "type", "veth", "peer", "name", b) != 0:
            return False
        for i in (a, b):
            # no router solicitations or MLD reports: only the test's frames
            sh("sysctl", "-q", "-w", "net.ipv6.conf.%s.disable_ipv6=1" % i)
            sh("ethtool", "-K", i, "tx", "off", "rx", "off")
            sh("ip", "link", "set", i, "up")
    return True


def veths_down():
    for a in (OUT_SS, IN_SS):
        sh("ip", "link", "del", a)


def telemetry(cmd):
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % PREFIX
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    json.loads(s.recv(1024))
    s.send(cmd.encode())
    reply = json.loads(s.recv(65536))
    s.close()
    return reply[cmd.split(",")[0]]


def requests(tag):
    out = []
    for i in range(N):
        msg, _, _ = sipgen._register("SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-%s%d;rport"
                                     % (tag, i), 30, "live-%s-%d@10.0.0.1" % (tag, i))
        out.append(sipgen.udp4(msg))
    return out


def exchange(frames):
    """Send frames on the outside peer; (replies seen there, frames seen inside)."""
    back = AsyncSniffer(iface=OUT_PEER, store=True)
    fwd = AsyncSniffer(iface=IN_PEER, store=True)
    back.start()
    fwd.start()
    time.sleep(0.5)
    sendp(frames, iface=OUT_PEER, verbose=False)
    time.sleep(1.0)
    got_back = back.stop() or []
    got_fwd = fwd.stop() or []
    replies = [bytes(p) for p in got_back
               if p.haslayer(Ether) and p[Ether].src == sipgen.SHIELD_MAC]
    # only the test's datagrams: a kernel's own frames on a fresh veth pass too
    ours = [bytes(p) for p in got_fwd if p.haslayer(IP) and p.haslayer(UDP) and
            p[IP].src == sipgen.CLIENT_IP and p[UDP].dport == 5060]
    return replies, ours


def is_423(frame):
    return b"SIP/2.0 423 Interval Too Brief" in frame


def phase(tap, label, tag, want_replies):
    sent = requests(tag)
    replies, fwd = exchange(sent)
    wire = [bytes(f) for f in sent]
    if want_replies:
        tap.check(len(replies) == N and all(is_423(r) for r in replies),
                  "%s: each of %d requests answered with 423" % (label, N),
                  "%d replies, %d passed" % (len(replies), len(fwd)))
        tap.check(fwd == [], "%s: nothing passed to the inside port" % label,
                  "%d frames inside" % len(fwd))
    else:
        tap.check(replies == [], "%s: no reply" % label, "%d replies" % len(replies))
        tap.check(fwd == wire, "%s: the %d requests reached the inside port byte for byte"
                  % (label, N), "%d frames inside" % len(fwd))


def cli(tap, cli_exe, *args):
    p = subprocess.run([cli_exe, "--file-prefix", PREFIX] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10)
    out = p.stdout.decode()
    tap.check(p.returncode == 0, "sipshield-cli %s" % " ".join(args), out)
    return out


def main():
    if len(sys.argv) != 3:
        print("usage: live_switch_test.py SIPSHIELD SIPSHIELD-CLI", file=sys.stderr)
        return 2
    exe, cli_exe = (os.path.abspath(a) for a in sys.argv[1:])
    if shutil.which("ethtool") is None or not veths_up():
        veths_down()
        print("1..0 # SKIP cannot create veth pairs")
        return 77
    tap = Tap()
    work = tempfile.mkdtemp(prefix="ss-live-")
    conf = os.path.join(work, "live.conf")
    with open(conf, "w") as f:
        f.write("[ports]\noutside = 0\ninside = 1\n[filter]\nmin_expires = 60\n"
                "[sources]\ndeny = deny.txt\n[dataplane]\nidle_sleep_us = 100\n")
    deny = os.path.join(work, "deny.txt")
    with open(deny, "w") as f:
        f.write("# nobody yet\n")
    log = open(os.path.join(work, "ss.log"), "w")
    p = subprocess.Popen([exe, "--no-huge", "-m", "256", "--no-pci", "-l", "0",
                          "--file-prefix", PREFIX, "--log-level", "lib.eal:warning",
                          "--vdev", "net_af_packet0,iface=%s" % OUT_SS,
                          "--vdev", "net_af_packet1,iface=%s" % IN_SS,
                          "--", "--config", conf], stdout=log, stderr=subprocess.STDOUT)
    try:
        sock = "/var/run/dpdk/%s/dpdk_telemetry.v2" % PREFIX
        for _ in range(100):
            if os.path.exists(sock) and p.poll() is None:
                try:
                    telemetry("/sipshield/stats")
                    break
                except (OSError, ValueError):
                    pass
            time.sleep(0.1)
        if not tap.check(p.poll() is None and os.path.exists(sock), "sipshield is up"):
            return tap.done()
        phase(tap, "enforce", "a", True)
        out = cli(tap, cli_exe, "mode", "monitor")
        tap.check("monitor" in out, "the reply shows monitor mode", out)
        phase(tap, "monitor", "b", False)
        cli(tap, cli_exe, "mode", "enforce")
        phase(tap, "enforce again", "c", True)
        cli(tap, cli_exe, "rule", "answer_423", "off")
        phase(tap, "answer_423 off", "d", False)
        cfg = telemetry("/sipshield/config")
        tap.check(cfg.get("filter_answer_423") == "off" and cfg.get("filter_mode") == "enforce",
                  "/sipshield/config shows the live switches", cfg)
        cli(tap, cli_exe, "rule", "answer_423", "on")
        phase(tap, "answer_423 on", "e", True)

        with open(deny, "w") as f:
            f.write("%s.0/24\n" % sipgen.CLIENT_IP.rsplit(".", 1)[0])
        r = telemetry("/sipshield/sources/reload")
        tap.check(r.get("deny_ipv4") == 1, "/sipshield/sources/reload: 1 IPv4 prefix denied", r)
        replies, fwd = exchange(requests("f"))
        tap.check(replies == [] and fwd == [], "denied after the reload: no reply, nothing passed",
                  "%d replies, %d passed" % (len(replies), len(fwd)))
        with open(deny, "w") as f:
            f.write("bad line\n")
        r = telemetry("/sipshield/sources/reload")
        tap.check("error" in r and "deny.txt:1:" in r["error"],
                  "a bad deny file is refused with file:line", r)
        with open(deny, "w") as f:
            f.write("# nobody again\n")
        telemetry("/sipshield/sources/reload")
        phase(tap, "deny list emptied", "g", True)

        st = telemetry("/sipshield/stats")
        tap.check(p.poll() is None, "the same process ran throughout (no restart)")
        tap.check(st.get("would_423") == N and st.get("passed_monitor") == N,
                  "would_423 = passed_monitor = %d" % N, st)
        tap.check(st.get("sent_423") == 4 * N, "sent_423 = %d" % (4 * N), st)
        tap.check(st.get("dropped_denied") == N, "dropped_denied = %d" % N, st)
        tap.check(st.get("rx") == st.get("passed") + st.get("answered") + st.get("dropped"),
                  "rx = passed + answered + dropped", st)
        tap.check(st.get("tx_failed") == 0 and
                  st.get("tx") == st.get("passed") + st.get("answered"),
                  "tx = passed + answered, tx_failed = 0: no packet lost", st)
        tap.check(st.get("rx") >= 7 * N, "every request sent was received", st)
    finally:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
        log.close()
        veths_down()
    tap.check(p.returncode == 0, "sipshield stopped cleanly on SIGINT")
    if tap.failed:
        print("# work directory kept: " + work)
        with open(os.path.join(work, "ss.log")) as f:
            for line in f.read().splitlines()[-30:]:
                print("# " + line)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
