#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""Fleet benchmark (issue "Fleet"): figures, no assertions.

* Convergence: a change is written with sipshield-cli fleet's own
  MULTI/EXEC (from Python, so that the clock starts when EXEC returns);
  the time until every node's /sipshield/moved/get shows it, polled over
  telemetry. p50, p90, p99 and max over N changes. The same for
  `sipshield-cli fleet add` as a process, from its exit.
* Full load: `sipshield-cli fleet load` of a file of M entries; the time
  the CLI takes, the time each node reports for its load (XINFO, HSCAN,
  building the table, the swap: last_load_ms), and the wall time from the
  CLI's return until every node holds all M entries and is in sync.

* Worker throughput while the table is loaded and changed (with scapy):
  a third node on its own lcore replays INVITEs from a pcap without end
  (net_pcap infinite_rx, 302s to /dev/null), half of them to users of the
  loaded table, half to others, from 1,024 sources; packets per second
  from its rx counter, sampled every 250 ms: at rest, during a full load
  of the same M entries (op=load), while changes stream at 1,000 a
  second, and at rest again.

Usage: fleet_bench.py SIPSHIELD SIPSHIELD_CLI [--changes N] [--cli-changes N]
       [--entries M] [--nodes K] [--no-throughput] [--json FILE]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib  # noqa: E402
from fleetlib import Writer, wait_until  # noqa: E402


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def summary(ms):
    return {"n": len(ms), "p50_ms": round(pct(ms, 50), 3), "p90_ms": round(pct(ms, 90), 3),
            "p99_ms": round(pct(ms, 99), 3), "max_ms": round(max(ms), 3),
            "mean_ms": round(statistics.mean(ms), 3)}


def visible(nodes, key, uri, t0, deadline_s=5):
    """Poll every node until key maps to uri; seconds from t0 to the last one."""
    pending = list(nodes)
    while pending:
        for n in list(pending):
            e = n.get(key)
            if e is not None and e[0] == uri:
                pending.remove(n)
        if time.monotonic() - t0 > deadline_s:
            raise TimeoutError("%s not visible on every node after %d s" % (key, deadline_s))
    return time.monotonic() - t0


def bench_convergence(nodes, writer, n):
    ms = []
    for i in range(n):
        key = "conv%d@bench.example.com" % (i % 200)
        uri = "sip:conv%d@pbx%d.example.net" % (i, i % 7)
        writer.add(key, uri)
        t0 = time.monotonic()
        ms.append(1000 * visible(nodes, key, uri, t0))
    return summary(ms)


def bench_cli_convergence(fl, nodes, redis_value, n):
    ms = []
    for i in range(n):
        key = "cli%d@bench.example.com" % (i % 50)
        uri = "sip:cli%d@pbx.example.net" % i
        fl.cli("fleet", "add", key, uri, "--redis", redis_value)
        t0 = time.monotonic()
        ms.append(1000 * visible(nodes, key, uri, t0))
    return summary(ms)


def bench_full_load(fl, nodes, writer, redis_value, m):
    text, _ = fleetlib.table_file_text(m, seed=11)
    path = fl.write_file("bench-load.txt", text)
    loads_before = [n.fleet()["full_loads"] for n in nodes]
    t0 = time.monotonic()
    fl.cli("fleet", "load", path, "--redis", redis_value)
    t_cli = time.monotonic() - t0
    t1 = time.monotonic()
    last = writer.last_id()
    for n, before in zip(nodes, loads_before):
        wait_until(lambda n=n, before=before: n.fleet()["full_loads"] > before and
                   n.fleet()["last_id"] == last and n.count() == m, 120,
                   "node %s to load %d entries" % (n.name, m))
    t_nodes = time.monotonic() - t1
    return {"entries": m, "cli_load_s": round(t_cli, 3),
            "node_load_ms": [n.fleet()["last_load_ms"] for n in nodes],
            "commit_to_all_nodes_s": round(t_nodes, 3),
            "counts": [n.count() for n in nodes]}


def invite_pcap(path, entries, n=2048):
    """n INVITEs: even ones to users of the table, odd ones to strangers."""
    import logging
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether
    from scapy.packet import Raw
    from scapy.utils import wrpcap
    frames = []
    for i in range(n):
        user = "u%07d" % (i * 7919 % entries) if i % 2 == 0 else "nobody%d" % i
        src = "10.%d.%d.%d" % (1 + i // 65536 % 200, i // 256 % 256, i % 256 or 1)
        text = ("INVITE sip:%s@load.example.com SIP/2.0\r\n"
                "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bKb%d\r\n"
                "Max-Forwards: 70\r\n"
                "From: <sip:caller@client.example.org>;tag=f%d\r\n"
                "To: <sip:%s@load.example.com>\r\n"
                "Call-ID: bench-%d@%s\r\n"
                "CSeq: 1 INVITE\r\n"
                "Contact: <sip:caller@%s:5060>\r\n"
                "Content-Length: 0\r\n\r\n") % (user, src, i, i, user, i, src, src)
        frames.append(Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") /
                      IP(src=src, dst="203.0.113.1") / UDP(sport=5060, dport=5060) /
                      Raw(text.encode()))
    wrpcap(path, frames)


def rx_rate(node, seconds, during=None):
    """Samples of rx per second over `seconds` (or while during() is true)."""
    rates, last = [], node.tel.call("/sipshield/stats")["rx"]
    t_last = time.monotonic()
    t_end = t_last + seconds
    while (during() if during else time.monotonic() < t_end):
        time.sleep(0.25)
        rx, t = node.tel.call("/sipshield/stats")["rx"], time.monotonic()
        rates.append((rx - last) / (t - t_last))
        last, t_last = rx, t
        if time.monotonic() > t_end + 60:
            break
    return rates


def rate_summary(rates):
    """Median and spread: on a shared machine the mean follows the neighbours."""
    return {"samples": len(rates), "median_mpps": round(statistics.median(rates) / 1e6, 3),
            "p10_mpps": round(pct(rates, 10) / 1e6, 3), "max_mpps": round(max(rates) / 1e6, 3)}


def bench_throughput(fl, r, writer, entries, cpus):
    # alone: the other nodes would load too, and their control threads run
    # on the CPUs EAL leaves to them, which may be this node's worker's
    for n in fl.nodes:
        n.stop()
    # and nothing else on the worker's CPU: this script and Redis keep off it
    if len(cpus) > 1:
        os.sched_setaffinity(0, set(cpus[:-1]))
        os.sched_setaffinity(r.proc.pid, set(cpus[:-1]))
    pcap = os.path.join(fl.work, "invites.pcap")
    invite_pcap(pcap, entries)
    tp = fl.node("tp", cpus[-1], r.conf_value, memory=1536)
    # flat out, no reply limit in the way: the worker's own speed is measured
    with open(tp.conf) as f:
        text = f.read().replace("idle_sleep_us = 1000", "idle_sleep_us = 0")
    text = text.replace("[fleet]", "[limits]\nreplies_per_source = 10000000/100000000\n"
                        "replies_node = 10000000/100000000\n[fleet]")
    with open(tp.conf, "w") as f:
        f.write(text)
    tp.vdev = "net_pcap0,rx_pcap=%s,tx_pcap=/dev/null,infinite_rx=1" % pcap
    tp.start()
    wait_until(lambda: tp.fleet()["synced"] == 1 and tp.count() >= entries, 120, "tp loaded")
    out = {}
    out["at_rest"] = rate_summary(rx_rate(tp, 4))
    loads = tp.fleet()["full_loads"]
    writer.r.multi(("XADD", writer.log, "*", "op", "load"))
    out["during_full_load"] = rate_summary(rx_rate(
        tp, 0, lambda: tp.fleet()["full_loads"] == loads))
    out["full_load_ms"] = tp.fleet()["last_load_ms"]
    stop = time.monotonic() + 4
    samples, i = [], 0
    last, t_last = tp.tel.call("/sipshield/stats")["rx"], time.monotonic()
    t0 = time.monotonic()
    while time.monotonic() < stop:
        writer.add("chg%d@bench.example.com" % (i % 500), "sip:chg%d@x.example.net" % i)
        i += 1
        next_t = t0 + i / 1000.0
        if time.monotonic() - t_last >= 0.25:
            rx, t = tp.tel.call("/sipshield/stats")["rx"], time.monotonic()
            samples.append((rx - last) / (t - t_last))
            last, t_last = rx, t
        delay = next_t - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    out["changes_1000_per_s"] = rate_summary(samples)
    out["changes_1000_per_s"]["changes_per_s"] = round(i / (time.monotonic() - t0))
    out["at_rest_after"] = rate_summary(rx_rate(tp, 4))
    st = tp.tel.call("/sipshield/stats")
    out["counters"] = {k: st[k] for k in ("rx", "tx", "tx_failed", "sent_302", "passed",
                                          "dropped")}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sipshield")
    ap.add_argument("cli")
    ap.add_argument("--changes", type=int, default=1000)
    ap.add_argument("--cli-changes", type=int, default=200)
    ap.add_argument("--entries", type=int, default=1000000)
    ap.add_argument("--nodes", type=int, default=2)
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()

    fl = fleetlib.Fleet(a.sipshield, a.cli, "bnch")
    result = {}
    try:
        r = fl.redis().start()
        w = Writer(r.client())
        cpus = sorted(os.sched_getaffinity(0))
        # a 1,000,000-entry table and the one built beside it need memory
        nodes = [fl.node("n%d" % i, cpus[i % len(cpus)], r.conf_value, memory=1536).start()
                 for i in range(a.nodes)]
        for n in nodes:
            wait_until(lambda n=n: n.fleet()["synced"] == 1, 30, "node %s" % n.name)
        print("convergence: %d changes, %d nodes ..." % (a.changes, a.nodes), flush=True)
        result["convergence"] = bench_convergence(nodes, w, a.changes)
        print("  %s" % result["convergence"], flush=True)
        if a.cli_changes > 0:
            print("convergence from `sipshield-cli fleet add` returning: %d changes ..."
                  % a.cli_changes, flush=True)
            result["convergence_cli"] = bench_cli_convergence(fl, nodes, r.conf_value,
                                                              a.cli_changes)
            print("  %s" % result["convergence_cli"], flush=True)
        print("full load: %d entries ..." % a.entries, flush=True)
        result["full_load"] = bench_full_load(fl, nodes, w, r.conf_value, a.entries)
        print("  %s" % result["full_load"], flush=True)
        print("convergence with %d entries in the table: %d changes ..."
              % (a.entries, a.changes), flush=True)
        result["convergence_big_table"] = bench_convergence(nodes, w, a.changes)
        print("  %s" % result["convergence_big_table"], flush=True)
        if not a.no_throughput:
            try:
                import scapy  # noqa: F401
                have_scapy = True
            except ImportError:
                have_scapy = False
            if have_scapy:
                print("worker throughput while loading and changing ...", flush=True)
                result["throughput"] = bench_throughput(fl, r, w, a.entries, cpus)
                print("  %s" % result["throughput"], flush=True)
            else:
                print("throughput: skipped (python3-scapy is not installed)")
        result["machine"] = {"cpus": len(cpus), "nodes": a.nodes,
                             "uname": " ".join(os.uname()[2:5])}
    finally:
        fl.close()
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
