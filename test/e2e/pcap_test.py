#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""End-to-end test of sipshield over pcap files (TAP output).

Writes a capture of mixed traffic (sipgen.py), runs the real sipshield on
it with net_pcap ports, no NIC and no hugepages, and checks:
  * every passed frame left by the other port (the same port when
    one-armed) byte for byte, in order, and nothing else appeared;
  * every answered request got exactly one reply on the port it came in
    on: the exact SIP text of DESIGN §2 (Via edits, To tag computed here
    with SipHash-2-4 under the config's secret), MAC, IP and port swapped,
    TTL/hop limit 64, the VLAN tag kept, valid IPv4 and UDP checksums;
  * tshark decodes the replies as SIP with the expected status codes;
  * the counters printed at exit are exactly the expected ones, and add
    up: rx = passed + answered + dropped on each port.

Usage: pcap_test.py SIPSHIELD [--one-armed] [--keep]
Exit 0 with TAP on stdout; `1..0 # SKIP` when scapy or tshark is missing.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    import logging
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.layers.inet import IP, UDP
    from scapy.layers.inet6 import IPv6
    from scapy.layers.l2 import Dot1Q, Ether
    from scapy.utils import RawPcapReader, wrpcap
    import sipgen
except ImportError as e:
    print("1..0 # SKIP python3-scapy is not installed (%s): run scripts/setup.sh" % e)
    sys.exit(0)

RUN_TIMEOUT = 60


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "util"))
from tap import Tap  # noqa: E402  (test/util/tap.py, shared by the e2e tests)


def frames(path):
    return [bytes(d) for d, _ in RawPcapReader(path)]


def write_inputs(work, one_armed):
    moved = os.path.join(work, "moved.txt")
    secret = os.path.join(work, "secret.key")
    with open(moved, "w") as f:
        f.write(sipgen.MOVED_TABLE)
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("# e2e test secret\n%s\n" % sipgen.SECRET_HEX)
    conf = os.path.join(work, "test.conf")
    with open(conf, "w") as f:
        f.write(sipgen.config("none" if one_armed else "1", moved, secret))
    outside = sipgen.outside_cases()
    inside = [] if one_armed else sipgen.inside_cases()
    wrpcap(os.path.join(work, "in.pcap"), [c.frame for c in outside])
    wrpcap(os.path.join(work, "inside.pcap"), [c.frame for c in inside])
    return conf, outside, inside


def remove_runtime_dir(prefix):
    """EAL leaves <runtime-dir>/dpdk/<prefix> behind, empty with --no-shconf."""
    for base in ("/var/run", os.environ.get("XDG_RUNTIME_DIR", ""), "/tmp"):
        try:
            os.rmdir(os.path.join(base, "dpdk", prefix))
        except OSError:
            pass


def run_sipshield(exe, work, conf, one_armed):
    prefix = "ss_e2e_%s_%d" % ("one" if one_armed else "two", os.getpid())
    # --no-shconf: no runtime files left behind in /var/run/dpdk/<prefix>
    cmd = [exe, "--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--file-prefix", prefix,
           "-l", "0", "--log-level", "lib.eal:warning",
           "--vdev", "net_pcap0,rx_pcap=%s/in.pcap,tx_pcap=%s/out0.pcap" % (work, work)]
    if not one_armed:
        cmd += ["--vdev", "net_pcap1,rx_pcap=%s/inside.pcap,tx_pcap=%s/out1.pcap" % (work, work)]
    cmd += ["--", "--config", conf, "--exit-when-idle", "1"]
    print("# " + " ".join(cmd))
    try:
        p = subprocess.run(cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode(), (e.stderr or b"").decode()
    finally:
        remove_runtime_dir(prefix)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def parse_counters(out):
    """{name: [total, role0, role1...]} from the table printed at exit."""
    ctr = {}
    table = out.split("counters at exit", 1)
    if len(table) < 2:
        return ctr
    for line in table[1].splitlines():
        m = re.match(r"^\s+([a-z0-9_]+)((?:\s+\d+)+)\s*$", line)
        if m:
            ctr[m.group(1)] = [int(x) for x in m.group(2).split()]
    return ctr


def partition(got, passed):
    """Split frames into the passed ones (in order) and the rest."""
    rest, j = [], 0
    for i, f in enumerate(got):
        if j < len(passed) and f == passed[j]:
            j += 1
        else:
            rest.append((i, f))
    return j, rest


def reply_problems(case, wire):
    """What is wrong with wire as the reply to case.frame (empty: nothing)."""
    bad = []
    req = case.frame
    p = Ether(wire)
    if p.dst != req.src or p.src != req.dst:
        bad.append("MACs not swapped: %s -> %s" % (p.src, p.dst))
    if (Dot1Q in req) != (Dot1Q in p) or (Dot1Q in req and p[Dot1Q].vlan != req[Dot1Q].vlan):
        bad.append("VLAN tag not kept")
    ip, rip = (IP, req[IP]) if IP in req else (IPv6, req[IPv6])
    if ip not in p or UDP not in p:
        return bad + ["not %s/UDP" % ip.__name__]
    if p[ip].src != rip.dst or p[ip].dst != rip.src:
        bad.append("addresses not swapped")
    if p[UDP].sport != req[UDP].dport or p[UDP].dport != req[UDP].sport:
        bad.append("ports not swapped")
    if (p[ip].ttl if ip is IP else p[ip].hlim) != 64:
        bad.append("TTL/hop limit is not 64")
    payload = bytes(p[UDP].payload)
    if payload != case.reply:
        bad.append("SIP text differs:\n--- expected\n%s--- got\n%s" % (
            case.reply.decode(errors="replace"), payload.decode(errors="replace")))
    if p[UDP].len != 8 + len(payload):
        bad.append("UDP length %d for %d payload bytes" % (p[UDP].len, len(payload)))
    l2 = 18 if Dot1Q in p else 14
    l3 = p[IP].ihl * 4 if ip is IP else 40
    if len(wire) != l2 + l3 + 8 + len(payload):
        bad.append("frame is %d bytes, not %d" % (len(wire), l2 + l3 + 8 + len(payload)))
    if ip is IP and p[IP].len != l3 + 8 + len(payload):
        bad.append("IPv4 total length %d" % p[IP].len)
    # checksums as scapy computes them from the same bytes
    q = Ether(wire)
    if ip is IP:
        del q[IP].chksum
    del q[UDP].chksum
    q = Ether(bytes(q))
    if ip is IP and q[IP].chksum != p[IP].chksum:
        bad.append("IPv4 checksum 0x%04x, want 0x%04x" % (p[IP].chksum, q[IP].chksum))
    if p[UDP].chksum == 0 or q[UDP].chksum != p[UDP].chksum:
        bad.append("UDP checksum 0x%04x, want 0x%04x" % (p[UDP].chksum, q[UDP].chksum))
    return bad


def check_replies(tap, answers, rest):
    tap.check(len(rest) == len(answers),
              "%d replies on the outside port, one per answered request" % len(answers),
              "got %d frames besides the passed ones" % len(rest))
    for case, (_, wire) in zip(answers, rest):
        bad = reply_problems(case, wire)
        tap.check(not bad, "reply to %s" % case.name, *bad)


def check_tshark(tap, path, answers, rest):
    tshark = shutil.which("tshark")
    if not tap.check(tshark is not None, "tshark is installed (scripts/setup.sh)"):
        return
    p = subprocess.run([tshark, "-r", path, "-T", "fields", "-e", "frame.number",
                        "-e", "sip.Status-Code", "-e", "_ws.malformed"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    seen = {}
    for line in p.stdout.decode().splitlines():
        f = line.split("\t")
        seen[int(f[0])] = (f[1] if len(f) > 1 else "", f[2] if len(f) > 2 else "")
    want = [str(int(c.reply.split(b" ")[1])) for c in answers]
    got = [seen.get(i + 1, ("", ""))[0] for i, _ in rest]
    tap.check(p.returncode == 0 and got == want,
              "tshark decodes the replies as SIP %s" % ",".join(want),
              "tshark rc %d, codes %s" % (p.returncode, got), p.stderr.decode()[-500:])
    malformed = [i + 1 for i, _ in rest if seen.get(i + 1, ("", ""))[1]]
    tap.check(not malformed, "tshark finds no malformed reply", "frames %s" % malformed)


def expected_counters(outside, inside, one_armed):
    """{name: [outside, inside]} for every counter that must not be 0."""
    want = {}

    def add(name, role, n=1):
        want.setdefault(name, [0, 0])[role] += n

    group = {"pass": "passed", "answer": "answered", "drop": "dropped"}
    for c in outside:
        add("rx", 0)
        add(group[c.verdict], 0)
        add(c.why, 0)
        if c.method:
            add("req_" + c.method, 0)
        # tx counts where frames leave
        add("tx", 0 if (c.verdict == "answer" or one_armed) else 1, 0 if c.verdict == "drop" else 1)
    for c in inside:
        add("rx", 1)
        add("passed", 1)
        add(c.why, 1)
        add("tx", 0)
    return want


def check_counters(tap, stdout, outside, inside, one_armed):
    ctr = parse_counters(stdout)
    if not tap.check(len(ctr) > 40, "final counters printed", stdout[-2000:]):
        return
    want = expected_counters(outside, inside, one_armed)
    roles = 1 if one_armed else 2
    wrong = []
    for name, v in sorted(ctr.items()):
        w = want.get(name, [0, 0])[:roles]
        if v != [sum(w)] + w:
            wrong.append("%s: got %s, want %s" % (name, v, [sum(w)] + w))
    missing = sorted(set(want) - set(ctr))
    tap.check(not wrong and not missing, "every counter as expected (%d counters, %d roles)" % (
        len(ctr), roles), *(wrong + ["missing: %s" % missing] * bool(missing)))
    for r in range(roles):
        col = r + 1
        total = ctr["passed"][col] + ctr["answered"][col] + ctr["dropped"][col]
        tap.check(ctr["rx"][col] == total, "port role %d: rx %d = passed + answered + dropped"
                  % (r, ctr["rx"][col]), "sum %d" % total)
        whys_p = sum(v[col] for k, v in ctr.items() if k in (
            "keepalives", "responses") or k.startswith(("passed_", "unfiltered_")))
        whys_d = sum(v[col] for k, v in ctr.items() if k.startswith("dropped_") or
                     k == "ack_absorbed")
        tap.check(whys_p == ctr["passed"][col] and whys_d == ctr["dropped"][col] and
                  ctr["sent_423"][col] + ctr["sent_302"][col] == ctr["answered"][col],
                  "port role %d: every passed, answered and dropped frame has one reason" % r)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sipshield")
    ap.add_argument("--one-armed", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    tap = Tap()
    work = tempfile.mkdtemp(prefix="ss-e2e-")
    conf, outside, inside = write_inputs(work, args.one_armed)

    rc, out, err = run_sipshield(os.path.abspath(args.sipshield), work, conf, args.one_armed)
    if not tap.check(rc == 0, "sipshield ran and stopped by itself with status 0",
                     "status %s (None: killed after %d s)" % (rc, RUN_TIMEOUT),
                     out[-3000:], err[-3000:]):
        print("# work directory kept: " + work)
        return tap.done()

    passed = [c.wire for c in outside if c.verdict == "pass"]
    answers = [c for c in outside if c.verdict == "answer"]
    out0 = frames(os.path.join(work, "out0.pcap"))
    if args.one_armed:
        j, rest = partition(out0, passed)
        tap.check(j == len(passed), "%d passed frames left by the same port, byte for byte,"
                  " in order" % len(passed), "matched %d" % j)
    else:
        out1 = frames(os.path.join(work, "out1.pcap"))
        tap.check(out1 == passed, "inside port: exactly the %d passed frames, byte for byte,"
                  " in order" % len(passed), "got %d frames" % len(out1))
        back = [c.wire for c in inside]
        j, rest = partition(out0, back)
        tap.check(j == len(back), "outside port: the %d frames from inside, byte for byte"
                  % len(back), "matched %d" % j)
    check_replies(tap, answers, rest)
    check_tshark(tap, os.path.join(work, "out0.pcap"), answers, rest)
    check_counters(tap, out, outside, inside, args.one_armed)
    print("# frames: outside in %d, inside in %d; passed %d, answered %d, dropped %d" % (
        len(outside), len(inside), len(passed), len(answers),
        sum(c.verdict == "drop" for c in outside)))

    if tap.failed or args.keep:
        print("# work directory kept: " + work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
