#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""End-to-end tests of the fleet (DESIGN §3a, issue "Fleet"), TAP output.

Each scenario starts its own redis-server (a free loopback port or a unix
socket, its own directory, AOF persistence), one or two sipshield nodes
(net_null port, no hugepages, one lcore each, their own --file-prefix),
and stops all of them at the end. Verdict tables are read from the nodes
with `sipshield-cli moved get` and telemetry's /sipshield/moved/get,
counts and sync state from /sipshield/moved/count and /sipshield/fleet.

Usage: fleet_e2e.py SIPSHIELD SIPSHIELD_CLI SCENARIO [--keep]
Scenarios: cli, sync, redis_outage, redis_lost, node_outage, client_kill, trim,
start_down, bad_entries. Exit 0 with TAP on stdout; `1..0 # SKIP` without redis-server.
"""

import json
import os
import random
import shutil
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib  # noqa: E402
from fleetlib import Writer, value_of, wait_until  # noqa: E402


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "util"))
from tap import Tap  # noqa: E402  (test/util/tap.py, shared by the e2e tests)


def lcores():
    cpus = sorted(os.sched_getaffinity(0))
    return cpus[0], cpus[1] if len(cpus) > 1 else cpus[0]


def in_sync(node, writer):
    f = node.fleet()
    return f["connected"] == 1 and f["synced"] == 1 and f["last_id"] == writer.last_id()


def wait_sync(nodes, writer, timeout=fleetlib.WAIT_S):
    for n in nodes:
        wait_until(lambda: in_sync(n, writer), timeout, "node %s to catch up" % n.name)


def table_diff(node, table, absent=()):
    """Differences between a node's table and {key: value}: [] when equal."""
    diffs = []
    count = node.count()
    if count != len(table):
        diffs.append("node %s holds %d entries, Redis %d" % (node.name, count, len(table)))
    for k, v in table.items():
        e = node.get(k)
        if e is None or value_of(e) != v:
            diffs.append("node %s: %s is %r, Redis %r" % (node.name, k, e, v))
    for k in absent:
        if node.get(k) is not None:
            diffs.append("node %s still holds %s" % (node.name, k))
    return diffs[:10]


def two_nodes(fl, redis_value, **kw):
    c0, c1 = lcores()
    a = fl.node("a", c0, redis_value, **kw).start()
    b = fl.node("b", c1, redis_value, **kw).start()
    return a, b


# --- Scenarios -------------------------------------------------------------

def sc_sync(fl, tap):
    """add/del reach both nodes; load of 100,000; local edits refused."""
    r = fl.redis().start()
    w = Writer(r.client())
    a, b = two_nodes(fl, r.conf_value)
    wait_sync([a, b], w)
    tap.check(all(n.fleet()["full_loads"] == 1 and n.count() == 0 for n in (a, b)),
              "both nodes loaded the (empty) table from Redis")

    rv = ["--redis", r.conf_value]
    fl.cli("fleet", "add", "alice@Example.COM", "sip:alice@pbx2.example.net", "3600", *rv)
    ok = all(wait_until(lambda n=n: n.get("alice@example.com") ==
                        ("sip:alice@pbx2.example.net", 3600), what="alice on " + n.name)
             for n in (a, b))
    tap.check(ok, "fleet add: both nodes hold alice@example.com -> pbx2, expires 3600")
    outs = [fl.cli("moved", "get", "alice@example.com", "--file-prefix", n.prefix)[1]
            for n in (a, b)]
    tap.check(all(o == "alice@example.com sip:alice@pbx2.example.net 3600\n" for o in outs),
              "sipshield-cli moved get on both nodes shows the 302 target", outs)

    fl.cli("fleet", "add", "alice@example.com", "sip:alice@pbx3.example.net", *rv)
    ok = all(wait_until(lambda n=n: n.get("alice@example.com") ==
                        ("sip:alice@pbx3.example.net", None), what="alice replaced")
             for n in (a, b))
    tap.check(ok, "fleet add again replaces the entry on both nodes")

    fl.cli("fleet", "del", "alice@example.com", *rv)
    ok = all(wait_until(lambda n=n: n.get("alice@example.com") is None, what="alice gone")
             for n in (a, b))
    rcs = [fl.cli("moved", "get", "alice@example.com", "--file-prefix", n.prefix,
                  check=False)[0] for n in (a, b)]
    tap.check(ok and rcs == [1, 1], "fleet del: both nodes pass alice again (moved get exits 1)",
              rcs)
    rc, _, err = fl.cli("fleet", "del", "alice@example.com", *rv, check=False)
    tap.check(rc == 1 and "not in the fleet's table" in err, "fleet del of an absent key fails",
              err)

    refused = []
    for args in (("moved", "add", "x@example.com", "sip:x@y"), ("moved", "del", "x"),
                 ("moved", "reload")):
        rc, _, err = fl.cli(*args, "--file-prefix", a.prefix, check=False)
        refused.append(rc == 1 and "sipshield-cli fleet" in err)
    tap.check(all(refused), "local moved add, del and reload are refused, naming "
              "sipshield-cli fleet", refused)

    text, table = fleetlib.table_file_text(100000)
    path = fl.write_file("load.txt", text)
    t0 = time.monotonic()
    fl.cli("fleet", "load", path, *rv)
    t_cli = time.monotonic() - t0
    wait_sync([a, b], w, 60)
    t_all = time.monotonic() - t0
    counts = [n.count() for n in (a, b)]
    loads = [n.fleet()["full_loads"] for n in (a, b)]
    tap.check(counts == [100000, 100000] and loads == [2, 2],
              "fleet load of 100,000 entries: both nodes hold 100,000 (cli %.2f s, all "
              "nodes %.2f s)" % (t_cli, t_all), counts, loads)
    keys = random.Random(7).sample(sorted(table), 1000)
    redis_vals = w.r.call("HMGET", w.hash, *keys)
    bad = []
    for n in (a, b):
        for k, v in zip(keys, redis_vals):
            e = n.get(k)
            if e is None or value_of(e) != v:
                bad.append((n.name, k, e, v))
    tap.check(not bad and redis_vals == [table[k] for k in keys],
              "a spot check of 1,000 keys matches Redis on both nodes", bad[:5])
    applied = [n.fleet()["changes_applied"] for n in (a, b)]
    tap.check(applied == [3, 3], "each node applied each of the 3 log changes once", applied)
    rcs = [n.stop() for n in (a, b)]
    tap.check(rcs == [0, 0], "both nodes stop cleanly (exit 0)", rcs)
    tap.check(all("fleet: in sync with Redis" in n.log_text() for n in (a, b)),
              "the nodes' exit summary says they were in sync")


def sc_redis_outage(fl, tap):
    """Redis stops (AOF on): nodes keep answering, count it, reconnect alone."""
    r = fl.redis().start()
    w = Writer(r.client())
    a, b = two_nodes(fl, r.conf_value)
    for i in range(50):
        w.add("user%d@example.com" % i, "sip:user%d@pbx2.example.net" % i)
    wait_sync([a, b], w)
    before = w.last_id()
    w.r.close()
    r.stop()
    down = [wait_until(lambda n=n: n.fleet()["connected"] == 0 and n.fleet()["outages"] == 1,
                       what="outage seen by " + n.name) for n in (a, b)]
    tap.check(all(down), "Redis stopped: both nodes see the outage and count it once")
    ok = all(n.get("user7@example.com") == ("sip:user7@pbx2.example.net", None) and
             n.count() == 50 for n in (a, b))
    tap.check(ok, "while Redis is down both nodes keep their 50 entries and answer them")
    errs = [n.fleet()["last_error"] for n in (a, b)]
    tap.check(all(errs), "last_error says why", errs)
    time.sleep(1.5)
    tap.check(all(n.fleet()["outages"] == 1 for n in (a, b)),
              "retries within one outage are not counted as more outages")

    r.start()
    w = Writer(r.client())
    tap.check(w.last_id() == before, "Redis came back with its data (AOF)", w.last_id(), before)
    t0 = time.monotonic()
    wait_sync([a, b], w, 15)
    tap.check(True, "both nodes reconnected by themselves in %.2f s" % (time.monotonic() - t0))
    loads = [n.fleet()["full_loads"] for n in (a, b)]
    tap.check(loads == [1, 1], "they resumed from their last ID (no full load)", loads)
    w.add("late@example.com", "sip:late@pbx9.example.net 120")
    w.delete("user3@example.com")
    wait_sync([a, b], w)
    ok = all(n.get("late@example.com") == ("sip:late@pbx9.example.net", 120) and
             n.get("user3@example.com") is None for n in (a, b))
    tap.check(ok, "changes made after the outage reach both nodes")
    tap.check([n.fleet()["outages"] for n in (a, b)] == [1, 1], "one outage each, in total")


def sc_redis_lost(fl, tap):
    """Redis back without its data: tables kept until the next write, then Redis's."""
    r = fl.redis().start()
    w = Writer(r.client())
    a, b = two_nodes(fl, r.conf_value)
    for i in range(20):
        w.add("kept%d@example.com" % i, "sip:kept%d@pbx.example.net" % i)
    wait_sync([a, b], w)
    w.r.close()
    r.stop()
    shutil.rmtree(r.dir)
    os.makedirs(r.dir)
    r.start()
    w = Writer(r.client())
    wait_until(lambda: all(n.fleet()["connected"] == 1 and
                           "lost its data" in n.fleet()["last_error"] for n in (a, b)),
               what="the nodes to see an empty Redis")
    tap.check(all(n.count() == 20 and n.get("kept3@example.com") is not None for n in (a, b)),
              "Redis came back empty: both nodes keep their 20 entries and say why",
              [n.fleet()["last_error"] for n in (a, b)])
    w.add("first@example.com", "sip:first@new.example.net")
    wait_sync([a, b], w)
    diffs = table_diff(a, w.table()) + table_diff(b, w.table())
    tap.check(not diffs, "at the first write they take Redis's table as it now is", *diffs)
    w.add("second@example.com", "sip:second@new.example.net")
    wait_sync([a, b], w)
    tap.check(all(n.count() == 2 for n in (a, b)), "and follow it from there")


def sc_node_outage(fl, tap):
    """A node stopped while the table changes: restarted, it holds Redis's table."""
    r = fl.redis().start()
    w = Writer(r.client())
    a, b = two_nodes(fl, r.conf_value)
    for i in range(100):
        w.add("k%d@example.com" % i, "sip:k%d@old.example.net" % i)
    wait_sync([a, b], w)
    rc = b.stop()
    tap.check(rc == 0, "node b stopped cleanly", rc)
    gone = []
    for i in range(100, 130):
        w.add("k%d@example.com" % i, "sip:k%d@new.example.net 30" % i)
    for i in range(0, 20):
        w.delete("k%d@example.com" % i)
        gone.append("k%d@example.com" % i)
    for i in range(20, 30):
        w.add("k%d@example.com" % i, "sip:k%d@moved-again.example.net" % i)
    b.start()
    wait_sync([a, b], w)
    table = w.table()
    diffs = table_diff(b, table, gone)
    tap.check(not diffs, "restarted node b holds exactly Redis's table (%d entries)" % len(table),
              *diffs)
    diffs = table_diff(a, table, gone)
    tap.check(not diffs, "node a, which stayed up, holds it too", *diffs)


def sc_client_kill(fl, tap):
    """CLIENT KILL while changes flow: resumed, no change lost or doubled."""
    r = fl.redis().start()
    w = Writer(r.client())
    a, b = two_nodes(fl, r.conf_value)
    wait_sync([a, b], w)
    n_changes, kills, killed = 400, 0, 0
    rnd = random.Random(3)
    for i in range(n_changes):
        k = "flow%d@example.com" % rnd.randrange(60)
        if i % 4 == 3:
            w.delete(k)
        else:
            w.add(k, "sip:%d@pbx.example.net" % i)
        if i % 20 == 10:
            # every client but this one: the nodes' followers
            killed += w.r.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
            kills += 1
        time.sleep(0.002)
    wait_sync([a, b], w, 30)
    st = [n.fleet() for n in (a, b)]
    tap.check(killed >= kills, "%d CLIENT KILLs cut %d node connections" % (kills, killed))
    tap.check([s["changes_applied"] for s in st] == [n_changes] * 2,
              "each node applied each of the %d changes exactly once" % n_changes,
              [s["changes_applied"] for s in st])
    tap.check([s["full_loads"] for s in st] == [1, 1],
              "they resumed from their last ID every time (no full load)",
              [s["full_loads"] for s in st])
    tap.check(all(s["outages"] >= 2 for s in st), "the cuts were counted as outages",
              [s["outages"] for s in st])
    table = w.table()
    diffs = table_diff(a, table) + table_diff(b, table)
    tap.check(not diffs, "both tables equal Redis's", *diffs)


def sc_trim(fl, tap):
    """Cut off while the log is trimmed past its ID: the node loads the hash again."""
    r = fl.redis().start()
    w = Writer(r.client())
    proxy = fl.proxy(r.port)
    c0, c1 = lcores()
    a = fl.node("a", c0, "127.0.0.1:%d" % proxy.port).start()
    b = fl.node("b", c1, r.conf_value).start()
    for i in range(20):
        w.add("t%d@example.com" % i, "sip:t%d@one.example.net" % i)
    wait_sync([a, b], w)

    # cut off without a trim: resumes, no load
    proxy.cut()
    wait_until(lambda: a.fleet()["connected"] == 0, what="a cut off")
    for i in range(5):
        w.add("t%d@example.com" % i, "sip:t%d@two.example.net" % i)
    applied = a.fleet()["changes_applied"]
    proxy.restore()
    wait_sync([a, b], w)
    st = a.fleet()
    tap.check(st["full_loads"] == 1 and st["changes_applied"] == applied + 5,
              "cut off, log intact: node a resumed from its ID and applied the 5 changes",
              st)

    proxy.cut()
    wait_until(lambda: a.fleet()["connected"] == 0, what="a cut off again")
    for i in range(200):
        w.add("t%d@example.com" % (i % 40), "sip:t%d@three.example.net %d" % (i, i))
    w.delete("t1@example.com")
    trimmed = w.r.call("XTRIM", w.log, "MAXLEN", 10)
    tap.check(trimmed > 0, "the log was trimmed past node a's ID (%d entries cut)" % trimmed)
    proxy.restore()
    wait_sync([a, b], w)
    st = a.fleet()
    tap.check(st["full_loads"] == 2, "node a saw its ID trimmed away and loaded the hash again",
              st)
    table = w.table()
    diffs = table_diff(a, table, ["t1@example.com"])
    tap.check(not diffs, "node a holds exactly Redis's table", *diffs)
    tap.check(b.fleet()["full_loads"] == 1 and not table_diff(b, table),
              "node b, never cut off, followed the log without a load")
    w.add("after@example.com", "sip:after@x.example.net")
    wait_sync([a], w)
    tap.check(a.get("after@example.com") == ("sip:after@x.example.net", None),
              "node a follows the log from its new place")


def sc_start_down(fl, tap):
    """Started while Redis is down: answers from its file, then converges."""
    r = fl.redis()
    moved = fl.write_file("moved.txt", "# the node's own file\nfile1@example.com sip:f1@x.example.net\n"
                          "file2@example.com sip:f2@x.example.net 60\nfile3 sip:f3@x.example.net\n")
    c0, _ = lcores()
    a = fl.node("a", c0, r.conf_value, moved_table=moved).start()
    wait_until(lambda: a.fleet()["outages"] >= 1, what="the outage counted")
    st = a.fleet()
    tap.check(st["synced"] == 0 and st["connected"] == 0 and st["outages"] == 1,
              "Redis down at start: not synced, the outage counted", st)
    tap.check("cannot connect" in st["last_error"], "last_error: %s" % st["last_error"])
    tap.check(a.count() == 3 and a.get("file2@example.com") == ("sip:f2@x.example.net", 60),
              "meanwhile the node answers from its moved_table file (3 entries)")
    rc, _, err = fl.cli("moved", "reload", "--file-prefix", a.prefix, check=False)
    tap.check(rc == 1 and "sipshield-cli fleet" in err, "moved reload is refused all the same",
              err)
    r.start()
    w = Writer(r.client())
    w.add("redis1@example.com", "sip:r1@y.example.net")
    w.add("file1@example.com", "sip:f1@redis.example.net")
    wait_sync([a], w)
    diffs = table_diff(a, w.table(), ["file2@example.com", "file3"])
    tap.check(not diffs, "once Redis answers, the node holds Redis's table, not its file's",
              *diffs)
    tap.check(a.fleet()["outages"] == 1, "still one outage")


def redis_cli(r, password, script):
    """Run redis-cli as an operator does: commands on stdin, password in the env."""
    env = dict(os.environ, REDISCLI_AUTH=password)
    p = subprocess.run(["redis-cli", "-s", r.unix], input=script.encode(), env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def sc_bad_entries(fl, tap):
    """Bad entries put by redis-cli: skipped, counted, logged; AUTH, unix socket."""
    password = "fleet-test-%d-secret" % os.getpid()
    pw_file = fl.write_file("redis.pass", password + "\n", 0o600)
    r = fl.redis(unix=True, password=password).start()
    rc, out, err = redis_cli(r, password,
                             "HSET sipshield:moved good@example.com \"sip:good@x.example.net 60\"\n"
                             "HSET sipshield:moved bad@example.com:5060 sip:port@x.example.net\n"
                             "HSET sipshield:moved baduri@example.com http://example.com/\n"
                             "HSET sipshield:moved @example.com sip:nouser@x.example.net\n")
    tap.check(rc == 0, "redis-cli wrote the hash, bad entries included", out, err)
    c0, _ = lcores()
    a = fl.node("a", c0, r.conf_value, password_file=pw_file).start()
    w = Writer(fleetlib.Resp(r.addr, password))
    wait_sync([a], w)
    st = a.fleet()
    tap.check(st["bad_entries"] == 3 and a.count() == 1 and st["auth"] == 1,
              "load over AUTH and a unix socket: 3 bad fields skipped and counted, 1 loaded", st)

    # the operator's commands of docs/FLEET.md, through redis-cli
    rc, out, err = redis_cli(r, password,
                             "XADD sipshield:moved:log MAXLEN ~ 100000 * op add key x@example.com value ftp://x\n"
                             "XADD sipshield:moved:log MAXLEN ~ 100000 * op rename key y\n"
                             "XADD sipshield:moved:log MAXLEN ~ 100000 * op del\n"
                             "MULTI\n"
                             "HSET sipshield:moved carol@example.com \"sip:carol@pbx2.example.net 600\"\n"
                             "XADD sipshield:moved:log MAXLEN ~ 100000 * op add key carol@example.com value \"sip:carol@pbx2.example.net 600\"\n"
                             "EXEC\n")
    tap.check(rc == 0 and "QUEUED" in out, "redis-cli: bad log entries, then a good add in "
              "MULTI/EXEC", out, err)
    wait_sync([a], w)
    st = a.fleet()
    tap.check(a.get("carol@example.com") == ("sip:carol@pbx2.example.net", 600),
              "the node skipped the bad log entries and applied the good one after them")
    tap.check(st["bad_entries"] == 6 and st["changes_applied"] == 1 and st["outages"] == 0,
              "3 more bad entries counted; following never stopped", st)
    log = a.log_text()
    tap.check("skipped bad entry bad@example.com:5060" in log and
              "skipped bad entry x@example.com" in log,
              "each bad entry is logged with its key")
    shown = str(st) + str(a.tel.call("/sipshield/config")) + log
    tap.check(password not in shown, "the password appears nowhere: telemetry, config, logs")

    # a password file others may read stops start-up, naming the fix
    loose = fl.write_file("loose.pass", password + "\n", 0o644)
    n = fl.node("loose", c0, r.conf_value, password_file=loose)
    p = subprocess.run([n.exe, "--no-huge", "-m", "128", "--no-pci", "--file-prefix", n.prefix,
                        "-l", str(c0), "--vdev", "net_null0,no-rx=1", "--", "--config", n.conf],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    err = p.stderr.decode()
    tap.check(p.returncode == 1 and "chmod 600" in err and password not in err,
              "a password file readable by others stops start-up: %s" % err.strip())


def sc_cli(fl, tap):
    """sipshield-cli fleet: options, --config, errors that write nothing, status."""
    password = "cli-test-%d" % os.getpid()
    pw_file = fl.write_file("redis.pass", password + "\n", 0o600)
    r = fl.redis(unix=True, password=password).start()
    w = Writer(fleetlib.Resp(r.addr, password))
    conf = fl.write_file("fleet.conf", "[ports]\noutside = 0\n[fleet]\nredis = %s\n"
                         "password_file = %s\nstream_maxlen = 100\n" % (r.conf_value, pw_file))
    noflt = fl.write_file("nofleet.conf", "[ports]\noutside = 0\n")

    rc, out, _ = fl.cli("fleet", "add", "--help", check=False)
    tap.check(rc == 0 and "MULTI/EXEC" in out and "XADD" in out, "fleet add --help")
    rc, out, _ = fl.cli("fleet", "load", "--help", check=False)
    tap.check(rc == 0 and "RENAME" in out and "op load" in out, "fleet load --help")
    rc, _, err = fl.cli("fleet", "status", check=False)
    tap.check(rc == 2 and "--redis" in err, "no Redis named: bad usage", err)
    rc, _, err = fl.cli("fleet", "status", "--config", noflt, check=False)
    tap.check(rc == 2 and "no [fleet] section" in err, "--config without [fleet]: bad usage",
              err)
    rc, _, err = fl.cli("fleet", "add", "a", "sip:a@b", "--json", "--config", conf,
                        check=False)
    tap.check(rc == 2, "--json applies to status only", err)

    rc, out, err = fl.cli("fleet", "add", "Bob@EXAMPLE.com", "sip:bob@pbx.example.net", "90",
                          "--config", conf, check=False)
    tap.check(rc == 0 and w.table() == {"Bob@example.com": "sip:bob@pbx.example.net 90"},
              "--config: AUTH over the unix socket; the key stored normalized", out, err,
              w.table())
    for args, what in (((("a b", "sip:x@y")), "a key with a blank"),
                       (("a@h:5060", "sip:x@y"), "a host with a port"),
                       (("a", "http://x"), "a URI that is not sip:"),
                       (("a", "sip:x@y", "10s"), "EXPIRES that is not a number")):
        rc, _, err = fl.cli("fleet", "add", *args, "--config", conf, check=False)
        tap.check(rc == 2 and len(w.table()) == 1, "refused before writing: %s" % what, err)
    loose = fl.write_file("loose.pass", password + "\n", 0o640)
    rc, _, err = fl.cli("fleet", "status", "--config", conf, "--password-file", loose,
                        check=False)
    tap.check(rc == 1 and "chmod 600" in err and password not in err,
              "a password file others may read is refused", err)
    wrong = fl.write_file("wrong.pass", "not-it\n", 0o600)
    rc, _, err = fl.cli("fleet", "status", "--config", conf, "--password-file", wrong,
                        check=False)
    tap.check(rc == 1 and "WRONGPASS" in err, "a wrong password fails", err)

    bad = fl.write_file("bad.txt", "ok@example.com sip:ok@x\nnohost@ sip:x@y\n")
    rc, _, err = fl.cli("fleet", "load", bad, "--config", conf, check=False)
    tap.check(rc == 1 and "bad.txt:2:" in err and len(w.table()) == 1,
              "a file with an error loads nothing and names FILE:LINE", err)
    dup = fl.write_file("dup.txt", "a@Example.com sip:1@x\nb sip:2@x\na@example.COM sip:3@x\n")
    rc, _, err = fl.cli("fleet", "load", dup, "--config", conf, check=False)
    tap.check(rc == 1 and "dup.txt:3: duplicate key (first on line 1)" in err,
              "a key twice (once normalized) is refused", err)

    for i in range(300):
        fl.cli("fleet", "add", "m%d" % i, "sip:m@x", "--config", conf)
    xlen = w.r.call("XLEN", w.log)
    tap.check(xlen < 300, "stream_maxlen = 100 from --config trims the log (XLEN %d)" % xlen)
    rc, out, _ = fl.cli("fleet", "status", "--config", conf, "--file-prefix", "none-here")
    tap.check("301 entries" in out and "no sipshield with --file-prefix none-here" in out,
              "status without a local node", out)

    c0, _ = lcores()
    a = fl.node("a", c0, r.conf_value, password_file=pw_file).start()
    wait_sync([a], w)
    rc, out, _ = fl.cli("fleet", "status", "--config", conf, "--file-prefix", a.prefix)
    tap.check(rc == 0 and ": in sync" in out and "  entries" in out,
              "status with the local node: in sync", out)
    rc, out, _ = fl.cli("fleet", "status", "--json", "--config", conf, "--file-prefix",
                        a.prefix)
    d = json.loads(out)
    tap.check(d["table"]["entries"] == 301 and d["node"]["entries"] == 301 and
              d["node"]["last_id"] == d["log"]["last_id"] and password not in out,
              "status --json: Redis and node agree", out)

    empty = fl.write_file("empty.txt", "# nothing moved\n")
    rc, out, err = fl.cli("fleet", "load", empty, "--config", conf, check=False)
    wait_sync([a], w)
    tap.check(rc == 0 and w.table() == {} and a.count() == 0,
              "loading an empty file empties the table everywhere", out, err)


SCENARIOS = {
    "cli": sc_cli,
    "sync": sc_sync,
    "redis_outage": sc_redis_outage,
    "redis_lost": sc_redis_lost,
    "node_outage": sc_node_outage,
    "client_kill": sc_client_kill,
    "trim": sc_trim,
    "start_down": sc_start_down,
    "bad_entries": sc_bad_entries,
}


def main():
    if len(sys.argv) < 4 or sys.argv[3] not in SCENARIOS:
        print("usage: fleet_e2e.py SIPSHIELD SIPSHIELD_CLI SCENARIO [--keep]\nscenarios: %s"
              % ", ".join(SCENARIOS), file=sys.stderr)
        return 2
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        print("1..0 # SKIP redis-server is not installed: run scripts/setup.sh")
        return 0
    keep = "--keep" in sys.argv
    tap = Tap()
    fl = fleetlib.Fleet(sys.argv[1], sys.argv[2], sys.argv[3][:4])
    try:
        SCENARIOS[sys.argv[3]](fl, tap)
    except Exception:
        tap.check(False, "scenario %s ran to its end" % sys.argv[3], traceback.format_exc(),
                  *["node %s:\n%s" % (n.name, n.tail()) for n in fl.nodes],
                  *["redis:\n%s" % r.tail() for r in fl.redises])
    finally:
        rcs = fl.close(keep)
        if keep:
            print("# kept %s" % fl.work)
    bad = {k: v for k, v in rcs.items() if v not in (0, None)}
    tap.check(not bad, "every node stopped cleanly at the end", bad)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
