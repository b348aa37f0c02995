# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""SIP traffic for sipshield's end-to-end test and demo.

Builds the frames of a mixed capture (requests that earn a 423 or a 302,
requests that pass, responses, keep-alives, garbage, non-SIP traffic and
the frames sipshield cannot filter) together with what sipshield must do
with each: pass it, drop it, or answer it with an exact reply. The expected
replies are written out by hand from DESIGN §2, not computed by the code
under test; only the To tag is computed, with SipHash-2-4 implemented here.

Run with /usr/bin/python3 (Debian's python3-scapy).
"""

import struct

from scapy.layers.inet import ICMP, IP, TCP, UDP, fragment
from scapy.layers.inet6 import IPv6, IPv6ExtHdrHopByHop
from scapy.layers.l2 import ARP, Dot1AD, Dot1Q, Ether
from scapy.packet import Raw

CLIENT_MAC = "02:00:00:00:00:c1"
SHIELD_MAC = "02:00:00:00:00:5e"     # the registrar-side router, as clients see it
CLIENT_IP = "192.0.2.10"
SERVER_IP = "198.51.100.5"
CLIENT_IP6 = "2001:db8::10"
SERVER_IP6 = "2001:db8:1::5"
CLIENT_PORT = 5062

MOVED_TABLE = """\
# user[@host] new-uri [expires]
alice@example.com\tsip:alice@pbx2.example.com
bob@example.com\t\tsip:bob@192.0.2.15:5060\t3600
"""

SECRET_HEX = "000102030405060708090a0b0c0d0e0f"


# --- SipHash-2-4 (Aumasson and Bernstein), for the To tag ------------------

_MASK = (1 << 64) - 1


def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & _MASK


def _round(v):
    v0, v1, v2, v3 = v
    v0 = (v0 + v1) & _MASK
    v1 = _rotl(v1, 13) ^ v0
    v0 = _rotl(v0, 32)
    v2 = (v2 + v3) & _MASK
    v3 = _rotl(v3, 16) ^ v2
    v0 = (v0 + v3) & _MASK
    v3 = _rotl(v3, 21) ^ v0
    v2 = (v2 + v1) & _MASK
    v1 = _rotl(v1, 17) ^ v2
    v2 = _rotl(v2, 32)
    return [v0, v1, v2, v3]


def siphash24(key, data):
    k0, k1 = struct.unpack("<QQ", key)
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D,
         k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]
    tail = len(data) % 8
    words = [struct.unpack("<Q", data[i:i + 8])[0] for i in range(0, len(data) - tail, 8)]
    last = int.from_bytes(data[len(data) - tail:], "little") | ((len(data) & 0xFF) << 56)
    for m in words + [last]:
        v[3] ^= m
        v = _round(_round(v))
        v[0] ^= m
    v[2] ^= 0xFF
    for _ in range(4):
        v = _round(v)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


# The reference implementation's vector: key 00..0f, message 00..0e.
assert siphash24(bytes(range(16)), bytes(range(15))) == 0xA129CA6149BE45E5


def to_tag(secret_hex, call_id, from_tag, cseq_number):
    """DESIGN §2: keyed hash of Call-ID, From tag and CSeq number, as hex."""
    data = call_id.encode() + b"\0" + from_tag.encode() + b"\0" + cseq_number.encode()
    return "%016x" % siphash24(bytes.fromhex(secret_hex), data)


# --- SIP text ---------------------------------------------------------------

def sip(first_line, headers, body=b""):
    """A SIP message: first line, `Name: value` headers, CRLFs, body."""
    text = first_line + "\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n"
    return text.encode() + body


def reply(code, vias, frm, to, call_id, cseq, extra):
    """A 423 or 302 as DESIGN §2 fixes it, byte for byte."""
    reason = {423: "Interval Too Brief", 302: "Moved Temporarily"}[code]
    headers = ["Via: " + v for v in vias] + [
        "From: " + frm, "To: " + to, "Call-ID: " + call_id, "CSeq: " + cseq] + extra + [
        "Content-Length: 0"]
    return sip("SIP/2.0 %d %s" % (code, reason), headers)


# --- Frames -----------------------------------------------------------------

def udp4(payload, sport=CLIENT_PORT, dport=5060, src=CLIENT_IP, dst=SERVER_IP, vlan=None):
    l2 = Ether(src=CLIENT_MAC, dst=SHIELD_MAC)
    if vlan is not None:
        l2 = l2 / Dot1Q(vlan=vlan, prio=3)
    return l2 / IP(src=src, dst=dst, ttl=57, id=4242) / UDP(sport=sport, dport=dport) / Raw(payload)


def udp6(payload, sport=CLIENT_PORT, dport=5060):
    return (Ether(src=CLIENT_MAC, dst=SHIELD_MAC) /
            IPv6(src=CLIENT_IP6, dst=SERVER_IP6, hlim=60) / UDP(sport=sport, dport=dport) /
            Raw(payload))


class Case:
    """One frame and what sipshield must do with it."""

    def __init__(self, name, frame, verdict, why, method=None, reply=None):
        self.name = name
        self.frame = frame          # scapy packet
        self.verdict = verdict      # "pass", "drop" or "answer"
        self.why = why              # the reason counter it must land in
        self.method = method        # req_* counter, for SIP requests
        self.reply = reply          # exact SIP bytes, for "answer"
        self.wire = bytes(frame)


def _register(via, expires, call_id, contact_params="", extra_vias=(), compact=False):
    frm = "\"Alice\" <sip:alice@example.com>;tag=a73kszlfl"
    to = "\"Alice\" <sip:alice@example.com>"
    hdrs = ["Via: " + via] + ["Via: " + v for v in extra_vias] + [
        "Max-Forwards: 70", "From: " + frm, "To: " + to, "Call-ID: " + call_id,
        "CSeq: 1826 REGISTER",
        "Contact: <sip:alice@10.0.0.1:5062;transport=udp>" + contact_params,
        "Expires: %d" % expires, "User-Agent: e2e/1.0", "Content-Length: 0"]
    return sip("REGISTER sip:example.com SIP/2.0", hdrs), frm, to


SDP = (b"v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
       b"m=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")


def _invite(ruri, via, call_id, to=None, from_tag="9fxced76sl", method="INVITE", cseq=None,
            body=SDP):
    frm = "Bob Caller <sip:caller@client.example.org>;tag=" + from_tag
    to = to or "<%s>" % ruri
    cseq = cseq or "314159 " + method
    hdrs = ["Via: " + via, "Max-Forwards: 70", "To: " + to, "From: " + frm,
            "Call-ID: " + call_id, "CSeq: " + cseq,
            "Contact: <sip:caller@10.0.0.1:5062>", "Content-Type: application/sdp",
            "Content-Length: %d" % len(body)]
    return sip("%s %s SIP/2.0" % (method, ruri), hdrs, body), frm, to


def outside_cases(secret_hex=SECRET_HEX, min_expires=60, min_expires_subscribe=30):
    """The frames of the outside capture, in order, with their expectations."""
    c = []

    # 423: Contact expiring in 30 s < min_expires. Empty rport: rport filled
    # and received added (RFC 3581 §4); the second Via line is copied as is.
    msg, frm, to = _register("SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-r1;rport", 30,
                             "reg-short-1@10.0.0.1",
                             extra_vias=["SIP/2.0/UDP edge.example.net;branch=z9hG4bK-e1"])
    tag = to_tag(secret_hex, "reg-short-1@10.0.0.1", "a73kszlfl", "1826")
    c.append(Case("REGISTER Expires 30", udp4(msg), "answer", "sent_423", "register", reply(
        423, ["SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-r1;rport=5062;received=192.0.2.10",
              "SIP/2.0/UDP edge.example.net;branch=z9hG4bK-e1"],
        frm, to + ";tag=" + tag, "reg-short-1@10.0.0.1", "1826 REGISTER",
        ["Min-Expires: %d" % min_expires])))

    msg, _, _ = _register("SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-r2", 3600, "reg-ok@x")
    c.append(Case("REGISTER Expires 3600", udp4(msg), "pass", "passed_expires_ok", "register"))

    # 302 with the table's Expires; the sent-by is the source and there is
    # no rport, so the Via is copied unchanged; the SDP body is not.
    via = "SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-i1"
    msg, frm, to = _invite("sip:bob@example.com", via, "inv-moved@client")
    tag = to_tag(secret_hex, "inv-moved@client", "9fxced76sl", "314159")
    rep = reply(302, [via], frm, to + ";tag=" + tag, "inv-moved@client", "314159 INVITE",
                ["Contact: <sip:bob@192.0.2.15:5060>", "Expires: 3600"])
    c.append(Case("INVITE to moved bob", udp4(msg), "answer", "sent_302", "invite", rep))
    # a retransmission gets the very same reply: the tag is stable
    c.append(Case("INVITE to moved bob, again", udp4(msg), "answer", "sent_302", "invite", rep))
    # the ACK for that 302 carries our tag: absorbed (RFC 3261 §8.2.7)
    ack, _, _ = _invite("sip:bob@example.com", via, "inv-moved@client", method="ACK",
                        to="<sip:bob@example.com>;tag=" + tag, cseq="314159 ACK", body=b"")
    c.append(Case("ACK for our 302", udp4(ack), "drop", "ack_absorbed", "ack"))

    msg, _, _ = _invite("sip:zed@example.com", via, "inv-other@client")
    c.append(Case("INVITE to zed (not moved)", udp4(msg), "pass", "passed_not_moved", "invite"))

    msg, _, _ = _invite("sip:alice@example.com", via, "inv-dialog@client",
                        to="<sip:alice@example.com>;tag=remote1")
    c.append(Case("re-INVITE to alice (in dialog)", udp4(msg), "pass", "passed_in_dialog",
                  "invite"))

    msg, _, _ = _invite("sip:alice@example.com", via, "opt@client", method="OPTIONS", body=b"")
    c.append(Case("OPTIONS to alice", udp4(msg), "pass", "passed_no_rule", "options"))

    resp = sip("SIP/2.0 200 OK", [
        "Via: SIP/2.0/UDP 198.51.100.5:5060;branch=z9hG4bK-s1",
        "From: <sip:reg@example.com>;tag=1", "To: <sip:x@192.0.2.10>;tag=2",
        "Call-ID: opt-srv@reg", "CSeq: 7 OPTIONS", "Content-Length: 0"])
    c.append(Case("SIP response 200", udp4(resp), "pass", "responses"))

    c.append(Case("garbage to 5060", udp4(b"GET / HTTP/1.0 is not SIP\r\n"), "drop",
                  "dropped_not_sip"))
    c.append(Case("CRLF keep-alive", udp4(b"\r\n\r\n"), "pass", "keepalives"))

    c.append(Case("ARP", Ether(src=CLIENT_MAC, dst="ff:ff:ff:ff:ff:ff") /
                  ARP(psrc=CLIENT_IP, pdst=SERVER_IP, hwsrc=CLIENT_MAC), "pass",
                  "passed_other"))
    c.append(Case("ICMP echo", Ether(src=CLIENT_MAC, dst=SHIELD_MAC) /
                  IP(src=CLIENT_IP, dst=SERVER_IP) / ICMP(id=7, seq=1) / Raw(b"ping"),
                  "pass", "passed_other"))
    c.append(Case("TCP to 5060", Ether(src=CLIENT_MAC, dst=SHIELD_MAC) /
                  IP(src=CLIENT_IP, dst=SERVER_IP) / TCP(sport=40000, dport=5060, flags="S"),
                  "pass", "unfiltered_tcp"))
    c.append(Case("UDP to 53", udp4(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00",
                                    sport=53000, dport=53), "pass", "passed_other"))

    big, _, _ = _register("SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-f1", 20, "frag@x")
    big = big.replace(b"User-Agent: e2e/1.0", b"User-Agent: " + b"x" * 400)
    frags = fragment(udp4(big)[IP], fragsize=256)
    for i, f in enumerate(frags[:2]):
        c.append(Case("IPv4 fragment %d" % (i + 1), Ether(src=CLIENT_MAC, dst=SHIELD_MAC) / f,
                      "pass", "unfiltered_fragment"))

    # 423 behind one 802.1Q tag, which the reply keeps; the sent-by is a
    # name, so received= is added (RFC 3261 §18.2.1)
    msg, frm, to = _register("SIP/2.0/UDP client.example.org:5062;branch=z9hG4bK-v1", 20,
                             "vlan-reg@x")
    tag = to_tag(secret_hex, "vlan-reg@x", "a73kszlfl", "1826")
    c.append(Case("VLAN REGISTER Expires 20", udp4(msg, vlan=100), "answer", "sent_423",
                  "register", reply(
                      423, ["SIP/2.0/UDP client.example.org:5062;branch=z9hG4bK-v1"
                            ";received=192.0.2.10"],
                      frm, to + ";tag=" + tag, "vlan-reg@x", "1826 REGISTER",
                      ["Min-Expires: %d" % min_expires])))

    # 302 over IPv6: with an empty rport, received= is added even though
    # the address is the source; bare, without brackets (RFC 5118 §4.5)
    via6 = "SIP/2.0/UDP [2001:db8::10]:5062;rport;branch=z9hG4bK-6"
    msg, frm, to = _invite("sip:alice@example.com", via6, "inv6@client")
    tag = to_tag(secret_hex, "inv6@client", "9fxced76sl", "314159")
    c.append(Case("IPv6 INVITE to moved alice", udp6(msg), "answer", "sent_302", "invite",
                  reply(302, ["SIP/2.0/UDP [2001:db8::10]:5062;rport=5062;branch=z9hG4bK-6"
                              ";received=2001:db8::10"],
                        frm, to + ";tag=" + tag, "inv6@client", "314159 INVITE",
                        ["Contact: <sip:alice@pbx2.example.com>"])))

    # SUBSCRIBE: its own minimum (RFC 6665 §4.2.1.1)
    frm = "<sip:watcher@example.com>;tag=w1"
    to = "<sip:presentity@example.com>"
    sub = sip("SUBSCRIBE sip:presentity@example.com SIP/2.0", [
        "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-sub", "From: " + frm, "To: " + to,
        "Call-ID: sub@w", "CSeq: 5 SUBSCRIBE", "Event: presence", "Expires: 10",
        "Contact: <sip:watcher@192.0.2.10:5062>", "Content-Length: 0"])
    tag = to_tag(secret_hex, "sub@w", "w1", "5")
    c.append(Case("SUBSCRIBE Expires 10", udp4(sub), "answer", "sent_423", "subscribe", reply(
        423, ["SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-sub"], frm, to + ";tag=" + tag,
        "sub@w", "5 SUBSCRIBE", ["Min-Expires: %d" % min_expires_subscribe])))

    # a tiny compact-form REGISTER whose 423 would be > 64 bytes larger
    tiny = (b"REGISTER sip:h SIP/2.0\r\nv:SIP/2.0/UDP h;rport\r\nf:<sip:a@h>;tag=1\r\n"
            b"t:<sip:a@h>\r\ni:c\r\nCSeq:1 REGISTER\r\nm:<sip:a@h>\r\nExpires:1\r\n\r\n")
    c.append(Case("REGISTER whose 423 would amplify", udp4(tiny), "pass",
                  "passed_would_amplify", "register"))

    c.append(Case("IPv6 hop-by-hop to 5060", Ether(src=CLIENT_MAC, dst=SHIELD_MAC) /
                  IPv6(src=CLIENT_IP6, dst=SERVER_IP6) / IPv6ExtHdrHopByHop() /
                  UDP(sport=CLIENT_PORT, dport=5060) / Raw(b"OPTIONS sip:x SIP/2.0\r\n\r\n"),
                  "pass", "unfiltered_ipv6_ext"))
    msg, _, _ = _register("SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-q", 20, "qinq@x")
    c.append(Case("QinQ REGISTER", Ether(src=CLIENT_MAC, dst=SHIELD_MAC) / Dot1AD(vlan=10) /
                  Dot1Q(vlan=20) / IP(src=CLIENT_IP, dst=SERVER_IP) /
                  UDP(sport=CLIENT_PORT, dport=5060) / Raw(msg), "pass",
                  "unfiltered_vlan_stacked"))
    bad = udp4(b"OPTIONS sip:x SIP/2.0\r\n\r\n")
    bad[IP].len = 400   # longer than the frame
    c.append(Case("IPv4 length past the frame", bad, "pass", "unfiltered_bad_len"))
    # larger than one mbuf: net_pcap chains segments, which pass untouched
    jumbo, _, _ = _register("SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-j", 20, "jumbo@x")
    jumbo = jumbo.replace(b"User-Agent: e2e/1.0", b"User-Agent: " + b"j" * 2600)
    c.append(Case("jumbo REGISTER (chained mbuf)", udp4(jumbo), "pass",
                  "unfiltered_multiseg"))
    return c


def inside_cases():
    """Frames from the registrars' side: never filtered, all passed."""
    msg, _, _ = _register("SIP/2.0/UDP 198.51.100.5;branch=z9hG4bK-in1", 5, "inside-reg@x")
    resp = sip("SIP/2.0 200 OK", [
        "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-r2",
        "From: \"Alice\" <sip:alice@example.com>;tag=a73kszlfl",
        "To: \"Alice\" <sip:alice@example.com>;tag=srv", "Call-ID: reg-ok@x",
        "CSeq: 1826 REGISTER", "Contact: <sip:alice@10.0.0.1:5062>;expires=3600",
        "Content-Length: 0"])
    server = dict(src=SERVER_IP, dst=CLIENT_IP, sport=5060, dport=5060)
    return [
        Case("inside: REGISTER Expires 5", Ether(src=SHIELD_MAC, dst=CLIENT_MAC) /
             IP(src=SERVER_IP, dst=CLIENT_IP) / UDP(sport=5060, dport=5060) / Raw(msg),
             "pass", "passed_from_inside"),
        Case("inside: 200 OK", Ether(src=SHIELD_MAC, dst=CLIENT_MAC) /
             IP(src=server["src"], dst=server["dst"]) /
             UDP(sport=server["sport"], dport=CLIENT_PORT) / Raw(resp),
             "pass", "passed_from_inside"),
        Case("inside: ARP", Ether(src=SHIELD_MAC, dst="ff:ff:ff:ff:ff:ff") /
             ARP(psrc=SERVER_IP, pdst=CLIENT_IP, hwsrc=SHIELD_MAC), "pass",
             "passed_from_inside"),
    ]


def config(inside, moved_path, secret_path, min_expires=60, min_expires_subscribe=30):
    """A sipshield config for these frames."""
    return """\
[ports]
outside = 0
inside = {inside}

[filter]
min_expires = {me}
min_expires_subscribe = {mes}
redirect_methods = INVITE
sip_ports = 5060
moved_table = {moved}
tag_secret = {secret}

[dataplane]
# share the core kindly with the test
idle_sleep_us = 100
rx_desc = 512
tx_desc = 512
""".format(inside=inside, me=min_expires, mes=min_expires_subscribe, moved=moved_path,
           secret=secret_path)
