#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""A stand-in for sipshield's DPDK telemetry socket, for sipshield-cli's tests.

It speaks DPDK 22.11's telemetry v2 as lib/telemetry does (SOCK_SEQPACKET,
a greeting, "/cmd[,params]" in, {"/cmd": data} out, null for an unknown
command or a failed handler) and serves the /sipshield/ commands of the
contract in issue 4 with canned counters: two workers, two ports.

Counters grow on one connection: the k-th repeat of a request (k = 0, 1,
...) answers every counter times k + 1, so that `watch` sees rates while a
fresh connection always sees the base values.

Usage: fake_telemetry.py RUNTIME_DIR PREFIX LOG [--one-armed]
Listens on RUNTIME_DIR/dpdk/PREFIX/dpdk_telemetry.v2 until SIGTERM, and
appends each request it receives, as received, to LOG, one per line.
"""

import json
import os
import signal
import socket
import sys
import threading
import urllib.parse

MAX_OUTPUT_LEN = 16384
URI_PART = 120  # telemetry strings hold at most 127 bytes

# lib/stats' counter names, in enum ss_ctr order
COUNTERS = [
    'rx', 'tx', 'tx_failed', 'passed', 'answered', 'dropped', 'sent_423', 'sent_302',
    'dropped_not_sip', 'ack_absorbed', 'dropped_scanner', 'dropped_request_limit',
    'dropped_reply_limit',
    'passed_from_inside', 'passed_other', 'unfiltered_tcp', 'unfiltered_fragment',
    'unfiltered_ipv6_ext', 'unfiltered_vlan_stacked', 'unfiltered_bad_len',
    'unfiltered_multiseg', 'keepalives', 'responses', 'passed_would_amplify',
    'passed_no_room', 'passed_unanswerable', 'passed_no_rule', 'passed_expires_ok',
    'passed_no_expiry', 'passed_contact_star', 'passed_in_dialog', 'passed_not_moved',
    'passed_uri_unusable', 'passed_scan_error',
    'req_other', 'req_invite', 'req_ack', 'req_bye', 'req_cancel', 'req_register',
    'req_options', 'req_subscribe', 'req_notify', 'req_publish', 'req_info', 'req_prack',
    'req_update', 'req_message', 'req_refer',
]

SUMMARY = ['rx', 'tx', 'passed', 'answered', 'dropped', 'sent_423', 'sent_302', 'tx_failed']
PORT_SUMS = ['rx', 'tx', 'tx_failed', 'passed', 'answered', 'dropped']

# per worker, per port: the counters that are not zero. Each holds
# rx = passed + answered + dropped and the sums of the reason groups.
WORKERS = [
    {'lcore': 1, 'outside': {
        'rx': 1000, 'tx': 680, 'passed': 700, 'answered': 200, 'dropped': 100,
        'sent_423': 150, 'sent_302': 50,
        'dropped_not_sip': 60, 'ack_absorbed': 30, 'dropped_scanner': 10,
        'passed_other': 100, 'keepalives': 200, 'responses': 150, 'passed_expires_ok': 100,
        'passed_not_moved': 150,
        'req_invite': 300, 'req_ack': 30, 'req_register': 400, 'req_options': 50},
     'inside': {
        'rx': 480, 'tx': 698, 'tx_failed': 2, 'passed': 480, 'passed_from_inside': 480}},
    {'lcore': 2, 'outside': {
        'rx': 800, 'tx': 450, 'passed': 600, 'answered': 150, 'dropped': 50,
        'sent_423': 100, 'sent_302': 50,
        'dropped_not_sip': 50,
        'passed_other': 50, 'keepalives': 250, 'responses': 100, 'passed_no_expiry': 80,
        'passed_not_moved': 120,
        'req_invite': 170, 'req_register': 300, 'req_subscribe': 30},
     'inside': {
        'rx': 300, 'tx': 600, 'passed': 300, 'passed_from_inside': 300}},
]

ETHDEV = {
    'outside': {'port_id': 0, 'name': 'net_pcap0', 'ipackets': 1800, 'opackets': 1130,
                'ibytes': 901500, 'obytes': 612040, 'imissed': 3, 'ierrors': 0,
                'oerrors': 0, 'rx_nombuf': 0},
    'inside': {'port_id': 1, 'name': 'net_pcap1', 'ipackets': 780, 'opackets': 1298,
               'ibytes': 390000, 'obytes': 650100, 'imissed': 0, 'ierrors': 0,
               'oerrors': 0, 'rx_nombuf': 0},
}

CONFIG = {
    'ports_outside': 0, 'ports_inside': 1,
    'filter_min_expires': 60, 'filter_min_expires_subscribe': 600,
    'filter_redirect_methods': 'INVITE, MESSAGE', 'filter_sip_ports': '5060, 5080',
    'filter_moved_table': '/etc/sipshield/moved.txt', 'filter_tag_secret': '',
    'dataplane_idle_sleep_us': 0, 'dataplane_rx_desc': 1024, 'dataplane_tx_desc': 1024,
}


class Node:
    """The state behind the replies: the moved table, the port layout."""

    def __init__(self, one_armed):
        self.one_armed = one_armed
        self.lock = threading.Lock()
        self.moved = {
            'alice@example.com': ('sip:alice@pbx2.example.net', 3600),
            'bob': ('sip:bob@pbx3.example.net;transport=tcp', None),
        }

    def ports(self):
        return ['outside'] if self.one_armed else ['outside', 'inside']

    def port_counters(self, w, port, k):
        return {c: WORKERS[w][port].get(c, 0) * (k + 1) for c in COUNTERS}

    def stats(self, k):
        return {c: sum(self.port_counters(w, p, k)[c]
                       for w in range(len(WORKERS)) for p in self.ports())
                for c in COUNTERS}

    def workers(self, k):
        out = {'count': len(WORKERS)}
        for w in range(len(WORKERS)):
            d = {'lcore': WORKERS[w]['lcore']}
            for c in SUMMARY:
                d[c] = sum(self.port_counters(w, p, k)[c] for p in self.ports())
            out['worker%d' % w] = d
        return out

    def worker(self, params, k):
        if params is None or not params.isdigit() or int(params) >= len(WORKERS):
            return None
        w = int(params)
        out = {'lcore': WORKERS[w]['lcore']}
        for p in self.ports():
            out[p] = self.port_counters(w, p, k)
        return out

    def port_stats(self, k):
        out = {}
        for p in self.ports():
            d = {key: (v * (k + 1) if isinstance(v, int) and key != 'port_id' else v)
                 for key, v in ETHDEV[p].items()}
            for c in PORT_SUMS:
                d[c] = sum(self.port_counters(w, p, k)[c] for w in range(len(WORKERS)))
            out[p] = d
        return out


# a node following a fleet's table (/sipshield/fleet, issue 8)
FLEET = {'enabled': 1, 'connected': 1, 'synced': 1, 'entries': 1200,
         'changes_applied': 37, 'bad_entries': 2, 'outages': 1, 'full_loads': 3}


def unescape(s):
    return urllib.parse.unquote(s)


def moved_get(node, params):
    key = unescape(params or '')
    with node.lock:
        entry = node.moved.get(key)
    if entry is None:
        return {'error': 'no moved entry for %s' % key}
    uri, expires = entry
    out = {'key': key, 'uri_parts': [uri[i:i + URI_PART] for i in range(0, len(uri), URI_PART)]}
    if expires is not None:
        out['expires'] = expires
    return out


def moved_add(node, params):
    parts = (params or '').split(',')
    if len(parts) not in (2, 3):
        return {'error': 'expected KEY,URI[,EXPIRES]'}
    key, uri = unescape(parts[0]), unescape(parts[1])
    if not uri.startswith(('sip:', 'sips:', 'tel:')) or len(uri) > 255:
        return {'error': 'bad URI "%s": expected sip:, sips: or tel:, at most 255 bytes' % uri}
    expires = int(parts[2]) if len(parts) == 3 else None
    with node.lock:
        node.moved[key] = (uri, expires)
    return {'ok': 1}


def moved_del(node, params):
    key = unescape(params or '')
    with node.lock:
        if node.moved.pop(key, None) is None:
            return {'error': 'no moved entry for %s' % key}
    return {'ok': 1}


def moved_count(node, params):
    with node.lock:
        return {'entries': len(node.moved)}


def handle(node, cmd, params, k):
    """The reply's data for one request; None stands for JSON null."""
    simple = {
        '/sipshield/stats': lambda: node.stats(k),
        '/sipshield/workers': lambda: node.workers(k),
        '/sipshield/ports': lambda: node.port_stats(k),
        '/sipshield/config': lambda: CONFIG,
        '/sipshield/worker': lambda: node.worker(params, k),
        '/sipshield/moved/get': lambda: moved_get(node, params),
        '/sipshield/moved/add': lambda: moved_add(node, params),
        '/sipshield/moved/del': lambda: moved_del(node, params),
        '/sipshield/moved/reload': lambda: moved_count(node, params),
        '/sipshield/moved/count': lambda: moved_count(node, params),
        '/sipshield/fleet': lambda: FLEET,
    }
    fn = simple.get(cmd)
    return fn() if fn is not None else None


def serve_client(node, conn, log, log_lock):
    seen = {}
    greeting = {'version': 'DPDK 22.11.11', 'pid': os.getpid(), 'max_output_len': MAX_OUTPUT_LEN}
    with conn:
        conn.send(json.dumps(greeting, separators=(',', ':')).encode())
        while True:
            req = conn.recv(1024)
            if not req:
                return
            text = req.decode('utf-8', 'replace')
            with log_lock:
                log.write(text + '\n')
                log.flush()
            cmd, sep, params = text.partition(',')
            params = params if sep and params else None
            k = seen.get(text, 0)
            seen[text] = k + 1
            data = handle(node, cmd, params, k)
            reply = json.dumps({cmd: data}, separators=(',', ':')).encode()
            conn.send(reply[:MAX_OUTPUT_LEN])


def main():
    if len(sys.argv) < 4:
        sys.exit('usage: fake_telemetry.py RUNTIME_DIR PREFIX LOG [--one-armed]')
    rundir, prefix, log_path = sys.argv[1:4]
    node = Node('--one-armed' in sys.argv[4:])
    sock_dir = os.path.join(rundir, 'dpdk', prefix)
    os.makedirs(sock_dir, exist_ok=True)
    path = os.path.join(sock_dir, 'dpdk_telemetry.v2')
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    srv.bind(path)
    srv.listen(10)

    def stop(signum, frame):
        os.unlink(path)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    log = open(log_path, 'a')
    log_lock = threading.Lock()
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve_client, args=(node, conn, log, log_lock),
                         daemon=True).start()


if __name__ == '__main__':
    main()
