#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""Who may reach sipshield's telemetry, and what moved/* accepts (TAP).

Runs the real sipshield on two net_null ports (no NIC, no hugepages, no
traffic) and checks, over DPDK telemetry's SOCK_SEQPACKET socket as
dpdk-telemetry.py speaks it:
  * the runtime directory is the user's and closed to others (0700), its
    parent writable by no one else, the sockets carry no group or other
    bits; another local user (nobody) cannot connect;
  * a runtime directory left open beforehand is tightened at start-up; one
    that belongs to another user stops start-up with a message;
  * moved/add, get, del refuse bad arguments with a message that says why
    (URI syntax, key characters, ports in keys, %-escapes, NUL bytes,
    expires), accept good ones, and the table only changes for those;
  * /sipshield/top_sources and /sipshield/config answer.

Usage: access_test.py SIPSHIELD
Root is needed for the other-user checks (they are skipped otherwise).
"""

import json
import os
import pwd
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

NOBODY = "nobody"
START_TIMEOUT = 30


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "util"))
from tap import Tap  # noqa: E402  (test/util/tap.py, shared by the e2e tests)


def runtime_base():
    """Where EAL puts dpdk/<prefix> (DESIGN §3)."""
    if os.geteuid() == 0:
        return "/var/run"
    return os.environ.get("RUNTIME_DIRECTORY") or os.environ.get("XDG_RUNTIME_DIR") or "/tmp"


CONFIG = """\
[ports]
outside = 0
inside = 1

[filter]
moved_table = {moved}

[limits]
requests_per_source = {requests}

[dataplane]
idle_sleep_us = 1000
rx_desc = 64
tx_desc = 64
"""


class Shield:
    """A sipshield on net_null ports, stopped by SIGINT."""

    def __init__(self, exe, work, prefix, requests="off", rx_pcap=None):
        self.prefix = prefix
        self.dir = os.path.join(runtime_base(), "dpdk", prefix)
        conf = os.path.join(work, prefix + ".conf")
        moved = os.path.join(work, "moved.txt")
        with open(moved, "w") as f:
            f.write("carol@example.com sip:carol@new.example.com\n")
        with open(conf, "w") as f:
            f.write(CONFIG.format(moved=moved, requests=requests))
        self.out = open(os.path.join(work, prefix + ".out"), "w+")
        outside = "net_null0,no-rx=1"
        if rx_pcap is not None:
            outside = "net_pcap0,rx_pcap=%s,tx_pcap=%s" % (rx_pcap, os.path.join(work, "out.pcap"))
        self.proc = subprocess.Popen(
            [exe, "--no-huge", "-m", "256", "--no-pci", "--file-prefix", prefix, "-l", "0",
             "--log-level", "lib.eal:warning",
             "--vdev", outside, "--vdev", "net_null1,no-rx=1",
             "--", "--config", conf], stdout=self.out, stderr=subprocess.STDOUT)

    def socket_path(self):
        return os.path.join(self.dir, "dpdk_telemetry.v2")

    def wait_ready(self):
        end = time.time() + START_TIMEOUT
        while time.time() < end and self.proc.poll() is None:
            if os.path.exists(self.socket_path()) and "workers" in self.output():
                return True
            time.sleep(0.1)
        return False

    def output(self):
        self.out.flush()
        self.out.seek(0)
        return self.out.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


class Client:
    """dpdk-telemetry.py's protocol: a greeting, then one JSON reply per command."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.connect(path)
        self.greeting = json.loads(self.s.recv(1024).decode())
        self.max_len = self.greeting.get("max_output_len", 16384)

    def cmd(self, text):
        self.s.send(text.encode())
        reply = json.loads(self.s.recv(self.max_len).decode())
        return reply.get(text.split(",", 1)[0])

    def close(self):
        self.s.close()


def connect_as(path, uid, gid):
    """Try to connect as another user, in a child: the errno, or 0."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            s.connect(path)
        except OSError as e:
            code = e.errno or 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def check_modes(tap, sh):
    st = os.lstat(sh.dir)
    tap.check(stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid(),
              "runtime directory %s is a directory of ours" % sh.dir)
    tap.check(mode(sh.dir) & 0o077 == 0, "runtime directory closed to group and others",
              "mode %04o" % mode(sh.dir))
    parent = os.path.dirname(sh.dir)
    tap.check(mode(parent) & 0o022 == 0, "its parent %s writable by no one else" % parent,
              "mode %04o" % mode(parent))
    for name in ("dpdk_telemetry.v2", "mp_socket"):
        p = os.path.join(sh.dir, name)
        if os.path.exists(p):
            tap.check(mode(p) & 0o077 == 0, "%s has no group or other permission" % name,
                      "mode %04o" % mode(p))


def check_other_user(tap, sh):
    if os.geteuid() != 0:
        tap.skip("another user cannot connect", "not root")
        return
    try:
        pw = pwd.getpwnam(NOBODY)
    except KeyError:
        tap.skip("another user cannot connect", "no user %s" % NOBODY)
        return
    rc = connect_as(sh.socket_path(), pw.pw_uid, pw.pw_gid)
    tap.check(rc == 13, "user %s cannot connect to the telemetry socket (EACCES)" % NOBODY,
              "child status %d" % rc)
    # and root can, the same way, so the refusal was about the user
    rc = connect_as(sh.socket_path(), 0, 0)
    tap.check(rc == 0, "the owner can connect", "child status %d" % rc)


def error_of(reply):
    return reply.get("error", "") if isinstance(reply, dict) else ""


def check_moved(tap, c):
    bad = [
        ("/sipshield/moved/add,bob@example.com,http://x", "is not a sip:, sips: or tel: URI"),
        ("/sipshield/moved/add,bob@example.com,sip:@x", "has an empty user part"),
        ("/sipshield/moved/add,bob@example.com,sip:b@h:99999", "has a port that is not"),
        ("/sipshield/moved/add,bob@example.com,sip:b@bad_host", "has no valid host"),
        ("/sipshield/moved/add,bob@example.com,sip:b%40@x", "more than one '@'"),
        ("/sipshield/moved/add,bob@example.com,tel:call-me", "RFC 3966"),
        ("/sipshield/moved/add,bob@example.com,sip:a%3Cb@x", "is not a sip:"),
        ("/sipshield/moved/add,b%0Aob@example.com,sip:b@x", "holds a space, a control"),
        ("/sipshield/moved/add,b%C3%B6b@example.com,sip:b@x", "non-ASCII"),
        ("/sipshield/moved/add,bob%00x@example.com,sip:b@x", "NUL byte (%00)"),
        ("/sipshield/moved/add,bob@example.com%zz,sip:b@x", "bad %-escape at byte"),
        ("/sipshield/moved/add,bob@example.com:5060,sip:b@x", "a host takes no port"),
        ("/sipshield/moved/add,bob@ex/ample.com,sip:b@x", "has no valid host"),
        ("/sipshield/moved/add,@example.com,sip:b@x", "has no user part"),
        ("/sipshield/moved/add,%s@example.com,sip:b@x" % ("u" * 129), "longer than 128"),
        ("/sipshield/moved/add,bob@example.com,sip:%s" % ("x" * 260), "is not a sip:"),
        ("/sipshield/moved/add,bob@example.com,sip:b@x,-1", "expires: expected an integer"),
        ("/sipshield/moved/add,bob@example.com,sip:b@x, 5", "expires: expected an integer"),
        ("/sipshield/moved/add,bob@example.com,sip:b@x,5,6", "usage:"),
        ("/sipshield/moved/add,bob@example.com", "usage:"),
        ("/sipshield/moved/del,bob@ex ample.com", "holds a space"),
        ("/sipshield/moved/del,bob@example.com,x", "usage:"),
        ("/sipshield/moved/get,b%7Fob", "holds a space, a control"),
        ("/sipshield/moved/reload,now", "usage:"),
    ]
    for cmd, want in bad:
        err = error_of(c.cmd(cmd))
        tap.check(want in err, "refused with a reason: %s" % cmd[:70], "error: %r" % err)
    tap.check(c.cmd("/sipshield/moved/count") == {"entries": 1},
              "no refused command changed the table")
    tap.check(c.cmd("/sipshield/moved/add,bob@example.com,sip:bob@[2001:db8::5]:5070;lr,60")
              == {"ok": 1}, "a good entry is added")
    got = c.cmd("/sipshield/moved/get,bob@example.com")
    tap.check(isinstance(got, dict) and "".join(got.get("uri_parts", [])) ==
              "sip:bob@[2001:db8::5]:5070;lr" and got.get("expires") == 60,
              "and read back", "reply %r" % got)
    tap.check(c.cmd("/sipshield/moved/add,+1%2C555,tel:+1-555-0100") == {"ok": 1},
              "a %-escaped comma is a character of the key")
    tap.check(c.cmd("/sipshield/moved/del,bob@example.com") == {"ok": 1}, "and deleted")
    err = error_of(c.cmd("/sipshield/moved/del,bob@example.com"))
    tap.check("is not in the moved table" in err, "a second delete says it is gone",
              "error: %r" % err)


def check_views(tap, c):
    top = c.cmd("/sipshield/top_sources")
    tap.check(top == {"count": 0, "source": [], "drops": [], "drops_request": [],
                      "drops_reply": []},
              "/sipshield/top_sources answers (no drops yet: empty)", repr(top))
    err = error_of(c.cmd("/sipshield/top_sources,0"))
    tap.check("usage:" in err, "/sipshield/top_sources refuses N = 0", repr(err))
    conf = c.cmd("/sipshield/config") or {}
    tap.check(conf.get("limits_requests_per_source") == "off" and
              conf.get("limits_replies_per_source") == "1000/2000" and
              conf.get("limits_replies_node") == "1000000/2000000" and
              conf.get("filter_drop_scanners") == "on",
              "/sipshield/config shows the limits and scanner settings", repr(conf))


def check_top_sources(tap, exe, work):
    """Sources over their request limit, as /sipshield/top_sources lists them."""
    try:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import logging
        logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
        from scapy.utils import wrpcap
        import sipgen
    except ImportError as e:
        tap.skip("top_sources lists the sources with drops", "no scapy (%s)" % e)
        return
    msg, _, _ = sipgen._invite("sip:zed@example.com", "SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK-t",
                               "top@x")
    frames = [sipgen.udp4(msg)] * 20 + [sipgen.udp6(msg)] * 5 + \
        [sipgen.udp4(msg, src="198.51.100.77")] * 2
    pcap = os.path.join(work, "top.pcap")
    wrpcap(pcap, frames)
    prefix = "ss_access_top_%d" % os.getpid()
    sh = Shield(exe, work, prefix, requests="1/1", rx_pcap=pcap)
    try:
        top = None
        if sh.wait_ready():
            c = Client(sh.socket_path())
            for _ in range(50):
                top = c.cmd("/sipshield/top_sources")
                if top and sum(top.get("drops", [])) == 19 + 4 + 1:
                    break
                time.sleep(0.1)
            c.close()
        want = {"count": 3, "source": ["192.0.2.10", "2001:db8::/64", "198.51.100.77"],
                "drops": [19, 4, 1], "drops_request": [19, 4, 1], "drops_reply": [0, 0, 0]}
        tap.check(top == want, "top_sources: the sources over their limit, heaviest first",
                  "got %r" % top, sh.output()[-1500:])
    finally:
        tap.check(sh.stop() == 0, "sipshield stops on SIGINT with status 0")
        cleanup(prefix)


def check_tightened(tap, exe, work):
    """A runtime directory left open beforehand is closed at start-up."""
    if os.geteuid() != 0:
        tap.skip("an open runtime directory is tightened", "not root")
        return
    prefix = "ss_access_open_%d" % os.getpid()
    d = os.path.join(runtime_base(), "dpdk", prefix)
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o777)
    sh = Shield(exe, work, prefix)
    try:
        ready = sh.wait_ready()
        tap.check(ready and mode(d) == 0o700, "runtime directory made 0777 beforehand is 0700",
                  "mode %04o" % mode(d), sh.output()[-1500:])
        tap.check("was mode 0777, now 0700" in sh.output(), "and start-up says so")
    finally:
        tap.check(sh.stop() == 0, "sipshield stops on SIGINT with status 0")


def check_foreign(tap, exe, work):
    """A runtime directory of another user stops start-up."""
    if os.geteuid() != 0:
        tap.skip("another user's runtime directory stops start-up", "not root")
        return
    pw = pwd.getpwnam(NOBODY)
    prefix = "ss_access_foreign_%d" % os.getpid()
    d = os.path.join(runtime_base(), "dpdk", prefix)
    os.makedirs(d, exist_ok=True)
    os.chown(d, pw.pw_uid, pw.pw_gid)
    os.chmod(d, 0o777)
    sh = Shield(exe, work, prefix)
    try:
        rc = sh.proc.wait(timeout=START_TIMEOUT)
    except subprocess.TimeoutExpired:
        rc = sh.stop()
    out = sh.output()
    tap.check(rc == 1 and "belongs to uid %d" % pw.pw_uid in out,
              "another user's runtime directory stops start-up with a message",
              "status %s" % rc, out[-1500:])
    cleanup(prefix)


def cleanup(prefix):
    d = os.path.join(runtime_base(), "dpdk", prefix)
    for name in ("config", "fbarray_memzone", "fbarray_nohugemem", "mp_socket",
                 "dpdk_telemetry.v2"):
        try:
            os.unlink(os.path.join(d, name))
        except OSError:
            pass
    try:
        os.rmdir(d)
    except OSError:
        pass


def main():
    if len(sys.argv) != 2:
        print("usage: %s SIPSHIELD" % sys.argv[0], file=sys.stderr)
        return 2
    exe = os.path.abspath(sys.argv[1])
    tap = Tap()
    work = tempfile.mkdtemp(prefix="ss-access-")
    prefix = "ss_access_%d" % os.getpid()
    sh = Shield(exe, work, prefix)
    try:
        if not tap.check(sh.wait_ready(), "sipshield started with telemetry",
                         sh.output()[-3000:]):
            return tap.done()
        check_modes(tap, sh)
        check_other_user(tap, sh)
        c = Client(sh.socket_path())
        check_moved(tap, c)
        check_views(tap, c)
        c.close()
    finally:
        tap.check(sh.stop() == 0, "sipshield stops on SIGINT with status 0",
                  sh.output()[-1500:])
        cleanup(prefix)
    check_top_sources(tap, exe, work)
    check_tightened(tap, exe, work)
    cleanup("ss_access_open_%d" % os.getpid())
    check_foreign(tap, exe, work)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
