#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""Seed corpus of the packet-path fuzz target (test/fuzz/fuzz_packet.c).

Each file is one control byte (see fuzz_packet.c) and one Ethernet frame:
the frames of the end-to-end capture (test/e2e/sipgen.py: answered,
passed, dropped and unfilterable traffic), and the RFC 4475 torture
messages and RFC 5118 IPv6 messages as UDP datagrams over IPv4, IPv6 and
802.1Q. A few frames also go in with the other control bits (rate limits,
chained mbufs, the inside port, checksum offload, scanners kept).

Usage: packet_seeds.py OUTDIR      (run with /usr/bin/python3: scapy)
"""

import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))

import logging  # noqa: E402
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
import sipgen  # noqa: E402

C_LIMITS, C_CHAIN, C_INSIDE, C_OFFLOAD, C_NO_SCANNERS = 0x04, 0x08, 0x10, 0x20, 0x40


def write(outdir, name, ctl, wire):
    data = bytes([ctl]) + wire
    with open(os.path.join(outdir, "seed-" + name), "wb") as f:
        f.write(data)


def slug(text):
    keep = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(p for p in keep.split("-") if p)[:40]


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    n = 0
    for c in sipgen.outside_cases():
        write(outdir, "e2e-" + slug(c.name), 0, c.wire)
        n += 1
        if c.verdict == "answer":
            # three copies with tight limits: the second and third are dropped
            write(outdir, "e2e-" + slug(c.name) + "-limits", C_LIMITS | 2, c.wire)
            write(outdir, "e2e-" + slug(c.name) + "-offload", C_OFFLOAD, c.wire)
            write(outdir, "e2e-" + slug(c.name) + "-chain", C_CHAIN, c.wire)
            n += 3
    for c in sipgen.inside_cases():
        write(outdir, "e2e-" + slug(c.name), C_INSIDE, c.wire)
        n += 1
    # a scanner, dropped or kept
    scan = sipgen.sip("OPTIONS sip:100@198.51.100.5 SIP/2.0", [
        "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-scan", "Max-Forwards: 70",
        "From: \"sipvicious\" <sip:100@1.1.1.1>;tag=6431", "To: <sip:100@198.51.100.5>",
        "Call-ID: 1679@192.0.2.10", "CSeq: 1 OPTIONS", "User-Agent: friendly-scanner",
        "Content-Length: 0"])
    write(outdir, "scanner-options", 0, bytes(sipgen.udp4(scan)))
    write(outdir, "scanner-options-kept", C_NO_SCANNERS | C_LIMITS | 1, bytes(sipgen.udp4(scan)))
    n += 2
    # the torture tests, over each kind of frame
    for sub in ("rfc4475", "rfc5118"):
        d = os.path.join(ROOT, "test", "data", sub)
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            if not os.path.isfile(path) or name.endswith((".tsv", "SUMS", ".md")):
                continue
            with open(path, "rb") as f:
                msg = f.read()
            if len(msg) > 8000:
                continue
            base = sub + "-" + slug(name)
            h = int(hashlib.sha1(msg).hexdigest(), 16)
            kind = h % 3
            if kind == 0:
                wire = bytes(sipgen.udp4(msg))
            elif kind == 1:
                wire = bytes(sipgen.udp6(msg))
            else:
                wire = bytes(sipgen.udp4(msg, vlan=7))
            write(outdir, base, (h >> 8) & C_LIMITS, wire)
            n += 1
    print("%d seeds in %s" % (n, outdir))


if __name__ == "__main__":
    main()
