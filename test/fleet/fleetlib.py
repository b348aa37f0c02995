# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""Helpers for the fleet tests and benchmark (DESIGN §3a).

A redis-server of the test's own (free loopback port or unix socket, its
own directory, stopped at the end), sipshield nodes on net_null ports
without hugepages, a DPDK telemetry client, a small RESP client, and a TCP
proxy that can cut a node off from Redis while Redis stays up.

Every wait is bounded in time; every process started here is stopped by
Fleet.close(), also after a failure.
"""

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

WAIT_S = 20          # the longest any condition is waited for
POLL_S = 0.02


def wait_until(cond, timeout=WAIT_S, what="condition"):
    """Poll cond() until it is true; return its value, or raise after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise TimeoutError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(POLL_S)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --- RESP ------------------------------------------------------------------

class RedisError(Exception):
    pass


class Resp:
    """A blocking RESP2 client: enough for tests (commands, pipelines)."""

    def __init__(self, addr, password=None, timeout=30):
        if isinstance(addr, str):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        else:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(addr)
        self.buf = b""
        if password is not None:
            self.call("AUTH", password)

    def close(self):
        self.sock.close()

    @staticmethod
    def encode(args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if not isinstance(a, bytes):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("Redis closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("Redis closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return RedisError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode("utf-8", "surrogateescape")
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise ConnectionError("bad RESP line %r" % line)

    def call(self, *args):
        self.sock.sendall(self.encode(args))
        r = self.read()
        if isinstance(r, RedisError):
            raise r
        return r

    def pipeline(self, commands):
        self.sock.sendall(b"".join(self.encode(c) for c in commands))
        return [self.read() for _ in commands]

    def multi(self, *commands):
        """MULTI, commands, EXEC: EXEC's replies."""
        r = self.pipeline([("MULTI",)] + list(commands) + [("EXEC",)])
        for x in r:
            if isinstance(x, RedisError):
                raise x
        return r[-1]


# --- Writers, as sipshield-cli fleet writes --------------------------------

class Writer:
    """fleet add/del with the CLI's exact commands, from Python (fast, timed)."""

    def __init__(self, resp, prefix="sipshield", maxlen=100000):
        self.r = resp
        self.hash = prefix + ":moved"
        self.log = prefix + ":moved:log"
        self.maxlen = maxlen

    def add(self, key, value):
        res = self.r.multi(("HSET", self.hash, key, value),
                           ("XADD", self.log, "MAXLEN", "~", self.maxlen, "*", "op", "add",
                            "key", key, "value", value))
        return res[1]

    def delete(self, key):
        res = self.r.multi(("HDEL", self.hash, key),
                           ("XADD", self.log, "MAXLEN", "~", self.maxlen, "*", "op", "del",
                            "key", key))
        return res[1]

    def table(self):
        """The whole hash: {key: value}."""
        out, cursor = {}, "0"
        while True:
            cursor, items = self.r.call("HSCAN", self.hash, cursor, "COUNT", 5000)
            for i in range(0, len(items), 2):
                out[items[i]] = items[i + 1]
            if cursor == "0":
                return out

    def last_id(self):
        try:
            info = self.r.call("XINFO", "STREAM", self.log)
        except RedisError:
            return "0-0"
        d = dict(zip(info[0::2], info[1::2]))
        return d["last-generated-id"]


# --- Redis -----------------------------------------------------------------

class Redis:
    """A redis-server of our own: its directory, AOF persistence, loopback."""

    def __init__(self, workdir, unix=False, password=None, port=None):
        self.dir = os.path.join(workdir, "redis")
        os.makedirs(self.dir, exist_ok=True)
        self.port = port or free_port()
        self.unix = os.path.join(self.dir, "redis.sock") if unix else None
        self.password = password
        self.proc = None
        self.log = os.path.join(self.dir, "redis.log")

    @property
    def addr(self):
        return self.unix if self.unix else ("127.0.0.1", self.port)

    @property
    def conf_value(self):
        return "unix:" + self.unix if self.unix else "127.0.0.1:%d" % self.port

    def start(self):
        args = ["redis-server", "--port", str(0 if self.unix else self.port),
                "--bind", "127.0.0.1", "--dir", self.dir, "--logfile", self.log,
                "--save", "", "--appendonly", "yes", "--appendfsync", "always",
                "--protected-mode", "yes", "--daemonize", "no"]
        if self.unix:
            args += ["--unixsocket", self.unix, "--unixsocketperm", "700"]
        if self.password is not None:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._answers, 10, "redis-server to answer")
        return self

    def _answers(self):
        if self.proc.poll() is not None:
            raise RuntimeError("redis-server exited: %s" % self.tail())
        try:
            c = self.client()
            c.call("PING")
            c.close()
            return True
        except (OSError, ConnectionError, RedisError):
            return False

    def client(self):
        return Resp(self.addr, self.password)

    def stop(self):
        """SIGTERM: Redis flushes its AOF and exits."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def tail(self, n=20):
        try:
            with open(self.log) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""


# --- A TCP proxy that can cut a node off -----------------------------------

class Proxy:
    """127.0.0.1:port -> Redis. cut() drops every connection and refuses new
    ones (accept, then close) until restore()."""

    def __init__(self, target_port):
        self.target = ("127.0.0.1", target_port)
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(16)
        self.lsock.settimeout(0.1)
        self.port = self.lsock.getsockname()[1]
        self.cut_off = False
        self.conns = []
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                c, _ = self.lsock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            if self.cut_off:
                c.close()
                continue
            try:
                u = socket.create_connection(self.target, timeout=5)
            except OSError:
                c.close()
                continue
            with self.lock:
                self.conns += [c, u]
            for a, b in ((c, u), (u, c)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.cut_off = True
        with self.lock:
            for s in self.conns:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.conns = []

    def restore(self):
        self.cut_off = False

    def close(self):
        self.running = False
        self.cut()
        self.lsock.close()


# --- DPDK telemetry --------------------------------------------------------

def runtime_dir():
    """Where EAL puts its runtime files, as sipshield-cli decides it."""
    if os.environ.get("RUNTIME_DIRECTORY"):
        return os.environ["RUNTIME_DIRECTORY"]
    if os.getuid() == 0:
        return "/var/run"
    return os.environ.get("XDG_RUNTIME_DIR") or "/tmp"


class Telemetry:
    def __init__(self, prefix):
        path = os.path.join(runtime_dir(), "dpdk", prefix, "dpdk_telemetry.v2")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.max = json.loads(self.sock.recv(4096).decode())["max_output_len"]

    def call(self, cmd, params=None):
        self.sock.send((cmd if params is None else "%s,%s" % (cmd, params)).encode())
        reply = json.loads(self.sock.recv(self.max + 1).decode())
        return reply[cmd]

    def close(self):
        self.sock.close()


def tel_escape(s):
    return s.replace("%", "%25").replace(",", "%2C")


# --- Nodes -----------------------------------------------------------------

class Node:
    """One sipshield: one lcore, a net_null port, no hugepages."""

    def __init__(self, exe, workdir, name, lcore, redis_value, prefix_tag, moved_table=None,
                 password_file=None, memory=512, extra_fleet=""):
        self.exe = exe
        self.name = name
        self.lcore = lcore
        self.memory = memory
        self.prefix = "ssfl%s%d%s" % (prefix_tag, os.getpid(), name)
        self.conf = os.path.join(workdir, name + ".conf")
        self.log_path = os.path.join(workdir, name + ".log")
        self.proc = None
        self.tel = None
        self.vdev = "net_null0,no-rx=1"
        with open(self.conf, "w") as f:
            f.write("[ports]\noutside = 0\ninside = none\n")
            f.write("[filter]\nmoved_table = %s\n" % (moved_table or "none"))
            f.write("[dataplane]\nidle_sleep_us = 1000\n")
            f.write("[fleet]\nredis = %s\n" % redis_value)
            if password_file:
                f.write("password_file = %s\n" % password_file)
            f.write(extra_fleet)

    def start(self):
        args = [self.exe, "--no-huge", "-m", str(self.memory), "--no-pci",
                "--file-prefix", self.prefix, "-l", str(self.lcore),
                "--vdev", self.vdev, "--log-level", "lib.eal:warning",
                "--", "--config", self.conf]
        self.logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.logf, stderr=subprocess.STDOUT)
        wait_until(self._answers, 30, "node %s to answer on telemetry" % self.name)
        return self

    def _answers(self):
        if self.proc.poll() is not None:
            raise RuntimeError("node %s exited (%d): %s" % (self.name, self.proc.returncode,
                                                            self.tail()))
        tel = None
        try:
            tel = Telemetry(self.prefix)
            if tel.call("/sipshield/fleet") is not None:
                self.tel = tel
                return True
        except (OSError, ValueError, KeyError):
            pass
        if tel is not None:
            tel.close()
        return False

    def fleet(self):
        return self.tel.call("/sipshield/fleet")

    def count(self):
        return self.tel.call("/sipshield/moved/count")["entries"]

    def get(self, key):
        """(uri, expires or None), or None when absent."""
        d = self.tel.call("/sipshield/moved/get", tel_escape(key))
        if d is None or "error" in d:
            return None
        return "".join(d["uri_parts"]), d.get("expires")

    def stop(self):
        """SIGINT: a clean stop (exit 0)."""
        rc = None
        if self.tel is not None:
            self.tel.close()
            self.tel = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                rc = self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                rc = "killed"
        elif self.proc is not None:
            rc = self.proc.returncode
        self.proc = None
        if getattr(self, "logf", None):
            self.logf.close()
            self.logf = None
        shutil.rmtree(os.path.join(runtime_dir(), "dpdk", self.prefix), ignore_errors=True)
        return rc

    def tail(self, n=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def value_of(entry):
    """A node's (uri, expires) as the hash's value text."""
    uri, exp = entry
    return uri if exp is None else "%s %d" % (uri, exp)


# --- The whole setup -------------------------------------------------------

class Fleet:
    """A work directory, and everything started in it, stopped by close()."""

    def __init__(self, sipshield, cli, tag):
        self.sipshield = sipshield
        self.cli_exe = cli
        self.tag = tag
        self.work = tempfile.mkdtemp(prefix="sipshield-fleet-%s." % tag)
        self.nodes = []
        self.redises = []
        self.proxies = []

    def redis(self, **kw):
        r = Redis(self.work, **kw)
        self.redises.append(r)
        return r

    def node(self, name, lcore, redis_value, **kw):
        n = Node(self.sipshield, self.work, name, lcore, redis_value, self.tag, **kw)
        self.nodes.append(n)
        return n

    def proxy(self, port):
        p = Proxy(port)
        self.proxies.append(p)
        return p

    def cli(self, *args, check=True):
        p = subprocess.run([self.cli_exe] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        if check and p.returncode != 0:
            raise RuntimeError("sipshield-cli %s: exit %d: %s" % (" ".join(args), p.returncode,
                                                                  p.stderr.decode()))
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def write_file(self, name, text, mode=0o644):
        path = os.path.join(self.work, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def close(self, keep=False):
        rcs = {}
        for n in self.nodes:
            rcs[n.name] = n.stop()
        for p in self.proxies:
            p.close()
        for r in self.redises:
            r.stop()
        if not keep:
            shutil.rmtree(self.work, ignore_errors=True)
        return rcs


def table_file_text(n, seed=1):
    """n moved-table lines, every other one with expires; and the dict of them."""
    rnd = random.Random(seed)
    lines, table = [], {}
    for i in range(n):
        key = "u%07d@load.example.com" % i
        uri = "sip:u%07d@pbx%d.example.net" % (i, rnd.randrange(100))
        value = uri if i % 2 else "%s %d" % (uri, 60 + i % 3600)
        lines.append("%s %s\n" % (key, value))
        table[key] = value
    return "".join(lines), table
