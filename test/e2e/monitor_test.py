#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""Monitor mode against enforce mode over the same pcap (TAP output).

The capture of pcap_test.py (sipgen.py) plus scanner requests, replayed
through the real sipshield twice with net_pcap ports: once with
`mode = enforce`, once with `mode = monitor`. Checked for the monitor
run: nothing leaves by the outside port, every input frame leaves by the
inside port byte for byte and in order, nothing is answered or dropped,
and each would_* counter equals the matching counter of the enforce run
(would_423 = sent_423, would_drop_scanner = dropped_scanner, ...).

The pair runs twice: with the default limits (answers, absorbs, garbage,
scanners) and with tight request and reply limits (limit drops), so that
every would_* counter is compared with a value above zero.

Usage: monitor_test.py SIPSHIELD
"""

import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    import pcap_test
    from pcap_test import Tap, frames, parse_counters, run_sipshield
    from scapy.utils import wrpcap
    import sipgen
except (ImportError, SystemExit) as e:
    print("1..0 # SKIP python3-scapy is not installed (%s)" % e)
    sys.exit(0)

# enforce counter -> the monitor counter that must equal it
PAIRS = [
    ("sent_423", "would_423"),
    ("sent_302", "would_302"),
    ("dropped_not_sip", "would_drop_not_sip"),
    ("ack_absorbed", "would_ack_absorbed"),
    ("dropped_scanner", "would_drop_scanner"),
    ("dropped_request_limit", "would_drop_request_limit"),
    ("dropped_reply_limit", "would_drop_reply_limit"),
]

# what each variant must exercise (enforce counter above zero)
EXERCISED = {
    "defaults": ["sent_423", "sent_302", "dropped_not_sip", "ack_absorbed",
                 "dropped_scanner"],
    "tight limits": ["dropped_request_limit", "dropped_reply_limit"],
}

TIGHT_LIMITS = "\n[limits]\nrequests_per_source = 1/2\nreplies_per_source = 1/2\n"


def scanner_frames():
    """SIPVicious-style requests: dropped as scanners in enforce mode."""
    out = []
    for i in range(3):
        msg = sipgen.sip("OPTIONS sip:100@%s SIP/2.0" % sipgen.SERVER_IP, [
            "Via: SIP/2.0/UDP 10.0.0.66:5060;branch=z9hG4bK-scan%d" % i,
            "From: <sip:100@10.0.0.66>;tag=scan%d" % i,
            "To: <sip:100@%s>" % sipgen.SERVER_IP,
            "Call-ID: scan-%d@10.0.0.66" % i,
            "CSeq: 1 OPTIONS",
            "User-Agent: friendly-scanner",
            "Content-Length: 0"])
        out.append(sipgen.udp4(msg, src="203.0.113.66"))
    return out


def run(exe, work, conf_text, mode):
    conf = os.path.join(work, "%s.conf" % mode)
    with open(conf, "w") as f:
        f.write(conf_text.replace("[filter]\n", "[filter]\nmode = %s\n" % mode, 1))
    for name in ("out0.pcap", "out1.pcap"):
        try:
            os.unlink(os.path.join(work, name))
        except OSError:
            pass
    rc, out, err = run_sipshield(exe, work, conf, False)
    ctr = parse_counters(out)
    return rc, out, err, ctr


def value(ctr, name):
    return ctr.get(name, [0])[0]


def variant(tap, exe, label, limits):
    work = tempfile.mkdtemp(prefix="ss-monitor-")
    conf, outside, _ = pcap_test.write_inputs(work, False)
    wrpcap(os.path.join(work, "in.pcap"), [c.frame for c in outside] + scanner_frames())
    # nothing from the registrars: whatever leaves by the outside port is ours
    wrpcap(os.path.join(work, "inside.pcap"), [])
    with open(conf) as f:
        conf_text = f.read() + limits
    wire_in = frames(os.path.join(work, "in.pcap"))

    rc_e, out_e, err_e, enf = run(exe, work, conf_text, "enforce")
    ok = tap.check(rc_e == 0 and bool(enf), "%s: enforce run stopped by itself with status 0" % label,
                   out_e[-2000:], err_e[-2000:])
    rc_m, out_m, err_m, mon = run(exe, work, conf_text, "monitor")
    ok &= tap.check(rc_m == 0 and bool(mon), "%s: monitor run stopped by itself with status 0" % label,
                    out_m[-2000:], err_m[-2000:])
    if not ok:
        print("# work directory kept: " + work)
        return
    out0 = frames(os.path.join(work, "out0.pcap"))
    out1 = frames(os.path.join(work, "out1.pcap"))
    tap.check(out0 == [], "%s: monitor: nothing left by the outside port" % label,
              "%d frames" % len(out0))
    tap.check(out1 == wire_in, "%s: monitor: all %d input frames left by the inside port, "
              "byte for byte, in order" % (label, len(wire_in)),
              "got %d frames" % len(out1))
    tap.check(value(mon, "answered") == 0 and value(mon, "dropped") == 0,
              "%s: monitor: nothing answered or dropped" % label,
              "answered %d dropped %d" % (value(mon, "answered"), value(mon, "dropped")))
    would = sum(value(mon, w) for _, w in PAIRS)
    tap.check(would == value(mon, "passed_monitor") and
              value(mon, "rx") == value(mon, "passed"),
              "%s: monitor: passed_monitor = sum of would_*, rx = passed" % label,
              "passed_monitor %d, would_* %d" % (value(mon, "passed_monitor"), would))
    for e, w in PAIRS:
        tap.check(value(enf, e) == value(mon, w), "%s: %s (%d) = enforce %s (%d)" % (
            label, w, value(mon, w), e, value(enf, e)))
    for e in EXERCISED[label]:
        tap.check(value(enf, e) > 0, "%s: the capture exercises %s" % (label, e))
    for c in ("rx", "req_register", "req_invite", "req_options"):
        tap.check(value(enf, c) == value(mon, c), "%s: %s equal in both runs" % (label, c))
    if tap.failed:
        print("# work directory kept: " + work)
    else:
        shutil.rmtree(work, ignore_errors=True)


def main():
    if len(sys.argv) != 2:
        print("usage: monitor_test.py SIPSHIELD", file=sys.stderr)
        return 2
    exe = os.path.abspath(sys.argv[1])
    tap = Tap()
    variant(tap, exe, "defaults", "")
    variant(tap, exe, "tight limits", TIGHT_LIMITS)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
