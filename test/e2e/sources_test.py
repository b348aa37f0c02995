#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""Source allow and deny lists over pcap (Safe rollout, item 3; TAP output).

A capture of frames from allowed, denied and unlisted IPv4 and IPv6
sources, through the real sipshield on net_pcap ports:
  * every frame from a denied prefix is dropped (SIP or not), counted as
    dropped_denied;
  * every frame from an allowed prefix passes byte for byte, a scanner's
    request and garbage on the SIP port included (passed_allowed);
  * unlisted sources get the usual rules (a 423, a scanner drop);
  * the longest prefix decides (allow 10.0.0.0/8, deny 10.6.6.0/24);
  * in monitor mode nothing is dropped and would_drop_denied equals the
    enforce run's dropped_denied.

Usage: sources_test.py SIPSHIELD
"""

import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    from pcap_test import Tap, frames, parse_counters, run_sipshield
    from scapy.layers.inet import ICMP, IP, UDP
    from scapy.layers.inet6 import IPv6
    from scapy.layers.l2 import ARP, Ether
    from scapy.packet import Raw
    from scapy.utils import wrpcap
    import sipgen
except (ImportError, SystemExit) as e:
    print("1..0 # SKIP python3-scapy is not installed (%s)" % e)
    sys.exit(0)

ALLOW = "# trunks\n203.0.113.0/24\n10.0.0.0/8\n2001:db8:1::/48  # IPv6 trunk\n"
DENY = "198.51.100.66\n10.6.6.0/24\n2001:db8:bad::/48\n"


def register(src, call):
    msg, _, _ = sipgen._register("SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-%s" % call, 30,
                                 "%s@10.0.0.1" % call)
    return sipgen.udp4(msg, src=src)


def scanner(call):
    return sipgen.sip("OPTIONS sip:100@%s SIP/2.0" % sipgen.SERVER_IP, [
        "Via: SIP/2.0/UDP 10.0.0.66:5060;branch=z9hG4bK-%s" % call,
        "From: <sip:100@10.0.0.66>;tag=%s" % call,
        "To: <sip:100@%s>" % sipgen.SERVER_IP,
        "Call-ID: %s@10.0.0.66" % call, "CSeq: 1 OPTIONS",
        "User-Agent: friendly-scanner", "Content-Length: 0"])


def v6(src, payload):
    return (Ether(src=sipgen.CLIENT_MAC, dst=sipgen.SHIELD_MAC) /
            IPv6(src=src, dst="2001:db8:ffff::5") / UDP(sport=5062, dport=5060) / Raw(payload))


def cases():
    """(frame, fate) with fate deny, allow, answer, scanner or pass."""
    l2 = Ether(src=sipgen.CLIENT_MAC, dst=sipgen.SHIELD_MAC)
    return [
        (register("198.51.100.66", "d1"), "deny"),
        (l2 / IP(src="198.51.100.66", dst=sipgen.SERVER_IP) / ICMP(), "deny"),
        (sipgen.udp4(b"\x00garbage", src="198.51.100.66"), "deny"),
        (sipgen.udp4(b"not sip", src="198.51.100.66", dport=9), "deny"),
        (register("10.6.6.6", "d2"), "deny"),
        (v6("2001:db8:bad::7", scanner("d3")), "deny"),
        (sipgen.udp4(scanner("a1"), src="203.0.113.66"), "allow"),
        (sipgen.udp4(b"\x00garbage", src="203.0.113.66"), "allow"),
        (register("203.0.113.9", "a2"), "allow"),
        (register("10.1.1.1", "a3"), "allow"),
        (v6("2001:db8:1::9", scanner("a4")), "allow"),
        (register("198.18.0.1", "n1"), "answer"),
        (sipgen.udp4(scanner("n2"), src="198.18.0.1"), "scanner"),
        (Ether(src=sipgen.CLIENT_MAC, dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="198.51.100.66"),
         "pass"),
    ]


def run(exe, work, mode):
    conf = os.path.join(work, "%s.conf" % mode)
    with open(conf, "w") as f:
        f.write("[ports]\noutside = 0\ninside = 1\n[filter]\nmode = %s\n"
                "[sources]\nallow = allow.txt\ndeny = deny.txt\n"
                "[dataplane]\nidle_sleep_us = 100\n" % mode)
    rc, out, err = run_sipshield(exe, work, conf, False)
    return rc, out, err, parse_counters(out)


def value(ctr, name):
    return ctr.get(name, [0])[0]


def main():
    if len(sys.argv) != 2:
        print("usage: sources_test.py SIPSHIELD", file=sys.stderr)
        return 2
    exe = os.path.abspath(sys.argv[1])
    tap = Tap()
    work = tempfile.mkdtemp(prefix="ss-sources-")
    with open(os.path.join(work, "allow.txt"), "w") as f:
        f.write(ALLOW)
    with open(os.path.join(work, "deny.txt"), "w") as f:
        f.write(DENY)
    cs = cases()
    wrpcap(os.path.join(work, "in.pcap"), [c for c, _ in cs])
    wrpcap(os.path.join(work, "inside.pcap"), [])
    wire = frames(os.path.join(work, "in.pcap"))
    fate = [f for _, f in cs]

    rc, out, err, ctr = run(exe, work, "enforce")
    if not tap.check(rc == 0 and bool(ctr), "enforce: sipshield ran and stopped with status 0",
                     out[-2000:], err[-2000:]):
        print("# work directory kept: " + work)
        return tap.done()
    out0 = frames(os.path.join(work, "out0.pcap"))
    out1 = frames(os.path.join(work, "out1.pcap"))
    passed = [w for w, f in zip(wire, fate) if f in ("allow", "pass")]
    tap.check(out1 == passed, "inside port: exactly the allowed frames and the ARP, byte for "
              "byte (scanner and garbage from allowed prefixes included)",
              "got %d, want %d" % (len(out1), len(passed)))
    tap.check(len(out0) == 1 and b"423 Interval Too Brief" in out0[0],
              "outside port: one 423, to the unlisted source", "got %d frames" % len(out0))
    n_deny = fate.count("deny")
    tap.check(value(ctr, "dropped_denied") == n_deny,
              "dropped_denied = %d (IPv4, IPv6, SIP or not, longest prefix)" % n_deny,
              "got %d" % value(ctr, "dropped_denied"))
    tap.check(value(ctr, "passed_allowed") == fate.count("allow"),
              "passed_allowed = %d" % fate.count("allow"))
    tap.check(value(ctr, "dropped_scanner") == 1 and value(ctr, "sent_423") == 1,
              "unlisted sources: the rules still apply (1 scanner dropped, 1 answered)")
    tap.check(value(ctr, "rx") == value(ctr, "passed") + value(ctr, "answered") +
              value(ctr, "dropped"), "rx = passed + answered + dropped")

    rc, out, err, mon = run(exe, work, "monitor")
    tap.check(rc == 0 and bool(mon), "monitor: sipshield ran and stopped with status 0",
              out[-2000:], err[-2000:])
    out1 = frames(os.path.join(work, "out1.pcap"))
    tap.check(out1 == wire, "monitor: every frame left by the inside port, byte for byte")
    tap.check(value(mon, "would_drop_denied") == value(ctr, "dropped_denied") and
              value(mon, "dropped") == 0,
              "monitor: would_drop_denied = enforce dropped_denied, nothing dropped")

    if tap.failed:
        print("# work directory kept: " + work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
