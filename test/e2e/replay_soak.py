#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""Soak by replay (issue "Flood protection", item 5): millions of mixed
good and garbage frames through sipshield on net_pcap (TAP output).

The mix: every frame of the end-to-end capture (test/e2e/sipgen.py:
requests answered, passed and absorbed, responses, keep-alives, garbage on
the SIP port, ARP, ICMP, TCP, fragments, IPv6 extension headers, QinQ,
bad lengths), the RFC 4475 torture messages, and random garbage: random
UDP payloads to the SIP port and random bytes as whole frames. net_pcap
replays the capture in a loop (infinite_rx) as fast as one worker takes
it, for SOAK_SECONDS (default 5), while this test watches telemetry.

Checked: sipshield keeps answering while flooded (sent_423/sent_302 keep
growing, at the rate the reply limit allows: 1000/s for each of the two
client addresses), rx keeps growing, the counters add up (rx = passed + answered +
dropped; every passed, answered and dropped frame has one reason), the
mbuf pool's in-use count stays level while flooded (net_pcap's
infinite_rx holds the capture in mbufs as long as it runs, so "idle" is
that level), and sipshield stops cleanly on SIGINT.

Usage: replay_soak.py SIPSHIELD
"""

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

try:
    import logging
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.layers.l2 import Ether
    from scapy.utils import wrpcap
    import sipgen
except ImportError as e:
    print("1..0 # SKIP python3-scapy is not installed (%s)" % e)
    sys.exit(0)

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "5"))


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "util"))
from tap import Tap  # noqa: E402  (test/util/tap.py, shared by the e2e tests)


def mix(seed=4475):
    rng = random.Random(seed)
    # infinite_rx takes single-segment frames only: no jumbo
    frames = [c.frame for c in sipgen.outside_cases() if len(c.wire) <= 1500]
    d = os.path.join(ROOT, "test", "data", "rfc4475")
    for name in sorted(os.listdir(d)):
        if name.endswith(".dat"):
            with open(os.path.join(d, name), "rb") as f:
                msg = f.read()
            if len(msg) < 1400:
                frames.append(sipgen.udp4(msg))
    for i in range(40):
        payload = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 600)))
        frames.append(sipgen.udp4(payload, src="198.51.100.%d" % (i + 1)))
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(14, 300)))
        frames.append(Ether(raw))
    return frames


def telemetry(path, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    s.recv(1024)
    s.send(cmd.encode())
    r = json.loads(s.recv(16384).decode())
    s.close()
    return r[cmd.split(",")[0]]


def final_counters(out):
    ctr = {}
    table = out.split("counters at exit", 1)
    for line in table[1].splitlines() if len(table) == 2 else []:
        m = re.match(r"^\s+([a-z0-9_]+)((?:\s+\d+)+)\s*$", line)
        if m:
            ctr[m.group(1)] = int(m.group(2).split()[0])
    return ctr


def main():
    exe = os.path.abspath(sys.argv[1])
    tap = Tap()
    work = tempfile.mkdtemp(prefix="ss-replay-soak-")
    frames = mix()
    pcap = os.path.join(work, "mix.pcap")
    wrpcap(pcap, frames)
    moved = os.path.join(work, "moved.txt")
    with open(moved, "w") as f:
        f.write(sipgen.MOVED_TABLE)
    conf = os.path.join(work, "soak.conf")
    with open(conf, "w") as f:
        f.write("[ports]\noutside = 0\n[filter]\nmoved_table = %s\n" % moved)
    prefix = "ss_replay_soak_%d" % os.getpid()
    sock = os.path.join("/var/run" if os.geteuid() == 0 else
                        os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk", prefix,
                        "dpdk_telemetry.v2")
    cmd = [exe, "--no-huge", "-m", "512", "--no-pci", "--file-prefix", prefix, "-l", "0",
           "--log-level", "lib.eal:warning",
           "--vdev", "net_pcap0,rx_pcap=%s,tx_pcap=/dev/null,infinite_rx=1" % pcap,
           "--", "--config", conf]
    out = open(os.path.join(work, "sipshield.out"), "w+")
    t_start = time.time()
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    samples = []
    try:
        end = time.time() + 30
        while time.time() < end and not os.path.exists(sock) and p.poll() is None:
            time.sleep(0.1)
        time.sleep(0.5)
        t0 = time.time()
        while time.time() - t0 < SOAK_SECONDS and p.poll() is None:
            st = telemetry(sock, "/sipshield/stats")
            pools = telemetry(sock, "/sipshield/pools")
            samples.append((time.time(), st, sum(v["in_use"] for v in pools.values())))
            time.sleep(1)
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
        try:
            rc = p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
    t_end = time.time()
    out.seek(0)
    text = out.read()
    if not tap.check(len(samples) >= 3, "sipshield ran under the replay and answered telemetry",
                     text[-2000:]):
        return tap.done()
    (ta, a, _), (tb, b, _) = samples[1], samples[-1]
    secs = tb - ta
    rx_rate = (b["rx"] - a["rx"]) / secs
    ans_rate = (b["answered"] - a["answered"]) / secs
    print("# %d frames in the mix; %.2f Mpps through one worker; %.0f answers/s" % (
        len(frames), rx_rate / 1e6, ans_rate))
    tap.check(rx_rate > 100000, "the replay keeps flowing (%.0f frames/s)" % rx_rate)
    # two client addresses earn the answers (sipgen's IPv4 and IPv6 one):
    # both keep being answered, at about the per-source limit each
    tap.check(ans_rate > 1000, "still answering while flooded (%.0f/s for 2 sources, "
              "limit 1000/s each)" % ans_rate)
    tap.check(b["dropped_reply_limit"] > a["dropped_reply_limit"],
              "the excess is dropped by the reply limit")
    # net_pcap's infinite_rx keeps the whole capture in mbufs while it runs:
    # the in-use count is that plus what is in flight, and must not grow
    uses = [u for _, _, u in samples[1:]]
    tap.check(max(uses) - min(uses) <= 2 * 64,
              "mbufs in use stay level while flooded (no leak): %s" % uses)
    tap.check(rc == 0, "sipshield stops on SIGINT with status 0", text[-1500:])
    ctr = final_counters(text)
    tap.check(ctr.get("rx", 0) > 1000000, "over a million frames (%d)" % ctr.get("rx", 0))
    # DESIGN §2 defaults: 1000/s burst 2000 for each of the two sources, over
    # the process's whole life (an upper bound that timing cannot blur)
    bound = 2 * (2000 + 1000 * (t_end - t_start))
    tap.check(ctr.get("answered", 0) <= bound,
              "answers within the reply limit: %d <= %.0f (2 sources x (2000 + 1000/s x %.1f s))"
              % (ctr.get("answered", 0), bound, t_end - t_start))
    passed = sum(v for k, v in ctr.items() if k in ("keepalives", "responses") or
                 k.startswith(("passed_", "unfiltered_")))
    dropped = sum(v for k, v in ctr.items() if k.startswith("dropped_") or k == "ack_absorbed")
    tap.check(ctr.get("rx") == ctr.get("passed", 0) + ctr.get("answered", 0) +
              ctr.get("dropped", 0), "rx = passed + answered + dropped")
    tap.check(passed == ctr.get("passed") and dropped == ctr.get("dropped") and
              ctr.get("sent_423", 0) + ctr.get("sent_302", 0) == ctr.get("answered"),
              "every passed, answered and dropped frame has one reason")
    tap.check(ctr.get("dropped_not_sip", 0) > 0 and ctr.get("unfiltered_bad_len", 0) > 0,
              "garbage dropped and bad lengths passed, counted")
    print("# figures: " + ", ".join("%s %d" % (k, v) for k, v in sorted(ctr.items()) if v))
    m = re.search(r"mbufs\s+(\d+) on socket", text)
    tap.check(m is not None, "pool size reported at start")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
