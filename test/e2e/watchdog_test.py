#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""systemd watchdog (Safe rollout, item 5; TAP output).

sipshield runs on net_pcap ports with a fake NOTIFY_SOCKET (a datagram
socket this test reads) and WATCHDOG_USEC=400000, as systemd sets them
for Type=notify and WatchdogSec=0.4. Checked: READY=1 arrives; WATCHDOG=1
arrives every 0.2 s; with the worker held still by the test-only hook
(/sipshield/test/hold_worker, SIPSHIELD_TEST_HOOKS=1) the pings stop;
released, they resume; sipshield stops cleanly on SIGINT.

Usage: watchdog_test.py SIPSHIELD
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


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "util"))
from tap import Tap  # noqa: E402  (test/util/tap.py, shared by the e2e tests)


def collect(sock, seconds):
    """Every message received within seconds."""
    got = []
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return got
        sock.settimeout(left)
        try:
            got.append(sock.recv(4096).decode())
        except socket.timeout:
            return got


def telemetry(rundir, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(os.path.join(rundir, "dpdk_telemetry.v2"))
    json.loads(s.recv(1024))
    s.send(cmd.encode())
    reply = json.loads(s.recv(65536))
    s.close()
    return reply[cmd.split(",")[0]]


def main():
    if len(sys.argv) != 2:
        print("usage: watchdog_test.py SIPSHIELD", file=sys.stderr)
        return 2
    exe = os.path.abspath(sys.argv[1])
    tap = Tap()
    work = tempfile.mkdtemp(prefix="ss-watchdog-")
    notify = os.path.join(work, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(notify)
    # an empty capture: the worker polls, nothing arrives
    with open(os.path.join(work, "empty.pcap"), "wb") as f:
        f.write(bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000"))
    conf = os.path.join(work, "wd.conf")
    with open(conf, "w") as f:
        f.write("[ports]\noutside = 0\ninside = 1\n[dataplane]\nidle_sleep_us = 100\n")
    prefix = "ss_wd_%d" % os.getpid()
    env = dict(os.environ, NOTIFY_SOCKET=notify, WATCHDOG_USEC="400000",
               SIPSHIELD_TEST_HOOKS="1", XDG_RUNTIME_DIR=work)
    env.pop("WATCHDOG_PID", None)
    rundir = os.path.join("/var/run" if os.geteuid() == 0 else work, "dpdk", prefix)
    log = open(os.path.join(work, "ss.log"), "w")
    p = subprocess.Popen([exe, "--no-huge", "-m", "256", "--no-pci", "-l", "0",
                          "--file-prefix", prefix, "--log-level", "lib.eal:warning",
                          "--vdev", "net_pcap0,rx_pcap=%s/empty.pcap,tx_pcap=%s/o0.pcap"
                          % (work, work),
                          "--vdev", "net_pcap1,rx_pcap=%s/empty.pcap,tx_pcap=%s/o1.pcap"
                          % (work, work),
                          "--", "--config", conf], stdout=log, stderr=subprocess.STDOUT,
                         env=env)
    try:
        first = collect(sock, 3.0)
        tap.check(any("READY=1" in m for m in first), "READY=1 once the ports are up",
                  first[:5])
        pings = sum(m.strip() == "WATCHDOG=1" for m in collect(sock, 2.0))
        tap.check(pings >= 5, "WATCHDOG=1 every 0.2 s while the worker moves (%d in 2 s)"
                  % pings)
        r = telemetry(rundir, "/sipshield/test/hold_worker,0,1")
        tap.check(r.get("ok") == 1, "test hook: worker 0 held", r)
        collect(sock, 0.6)      # what was already on its way
        held = sum(m.strip() == "WATCHDOG=1" for m in collect(sock, 2.0))
        tap.check(held == 0, "no WATCHDOG=1 while the worker stands still (%d in 2 s)" % held)
        telemetry(rundir, "/sipshield/test/hold_worker,0,0")
        again = sum(m.strip() == "WATCHDOG=1" for m in collect(sock, 2.0))
        tap.check(again >= 3, "pings resume once it moves again (%d in 2 s)" % again)
    finally:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        log.close()
        sock.close()
    tap.check(p.returncode == 0, "sipshield stopped cleanly on SIGINT")
    with open(os.path.join(work, "ss.log")) as f:
        text = f.read()
    tap.check("watchdog pings stop" in text, "the stuck worker was logged")
    if tap.failed:
        print("# work directory kept: " + work)
        for line in text.splitlines()[-20:]:
            print("# " + line)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
