/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * lib/net: the L2-L4 view of a received frame, and the turnaround of a
 * request that sipshield answers.
 *
 * A frame is Ethernet, at most one VLAN tag, IPv4 (options allowed) or IPv6
 * (no extension headers), then UDP. ss_net_classify() reads it once and
 * says what it is; the view it fills is reused by the SIP code (payload),
 * the filter (source address) and ss_net_answer() (offsets), so no header
 * is parsed twice. Only the first segment is read; every length is checked
 * against its data length before a byte is read.
 *
 * Everything here is worker-safe: no allocation, no lock, no log, no
 * syscall, no EAL call. The functions touch only the mbuf they are given.
 */

#pragma once

#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>

#include "ss_sip.h"

/*
 * What a frame is. Only SS_NET_SIP_UDP goes on to the SIP code; every other
 * class leaves the frame byte for byte as it came (DESIGN §1). The classes
 * after SS_NET_OTHER are counted, so an operator sees what bypasses the
 * filter (DESIGN §2, §4).
 */
enum ss_net_class {
	SS_NET_SIP_UDP = 0,	/* UDP to a SIP port; payload located */
	SS_NET_OTHER,		/* not IP, not UDP/TCP, or not to a SIP port: pass silently */
	SS_NET_TCP_SIP,		/* TCP to a SIP port: passed unfiltered */
	SS_NET_FRAGMENT,	/* IPv4 MF or offset != 0, IPv6 Fragment header: unfiltered */
	SS_NET_IPV6_EXT,	/* IPv6 next header is an extension header: unfiltered */
	SS_NET_VLAN_STACKED,	/* more than one 802.1Q/802.1ad tag: unfiltered */
	SS_NET_BAD_LEN,		/* truncated, lengths inconsistent (frame or mbuf): passed untouched */
	SS_NET_MULTISEG,	/* more than one segment: passed untouched */
	SS_NET_CLASS_COUNT
};

/*
 * The view of one frame, filled by ss_net_classify(). Offsets count from
 * the start of the frame (rte_pktmbuf_mtod()).
 *
 * Valid fields by class:
 *  SS_NET_SIP_UDP   all of them.
 *  SS_NET_TCP_SIP   all but payload_off/payload_len.
 *  SS_NET_OTHER, SS_NET_FRAGMENT, SS_NET_IPV6_EXT
 *                   when ip_version != 0: the L2/L3 fields and addresses;
 *                   l4_proto is the IP protocol or first IPv6 next header;
 *                   ports only when l4_off != 0.
 *  other classes    none (zero or partly filled).
 * Fields not filled are zero.
 */
struct ss_net_view {
	uint16_t l2_len;	/* Ethernet header and tag: 14 or 18 */
	uint16_t l3_off;	/* IP header offset (== l2_len) */
	uint16_t l3_len;	/* IP header length, IPv4 options included */
	uint16_t l4_off;	/* UDP/TCP header offset */
	uint16_t payload_off;	/* UDP payload offset */
	uint16_t payload_len;	/* UDP length - 8: Ethernet padding and IP trailer excluded */
	uint16_t src_port;	/* host order */
	uint16_t dst_port;	/* host order */
	uint8_t ip_version;	/* 4 or 6; 0 when no whole IP header was read */
	uint8_t l4_proto;	/* IPPROTO_* of the IPv4 protocol / first IPv6 next header */
	uint8_t vlan;		/* 1 when one 802.1Q/802.1ad tag precedes the IP header */
	uint8_t reserved;
	uint8_t src_addr[16];	/* network order; IPv4 in the first 4 bytes, the rest zero */
	uint8_t dst_addr[16];	/* same layout as src_addr */
};

/*
 * Classify a received frame and fill *v (cleared first).
 * sip_ports[0..n_sip_ports) are the SIP UDP/TCP destination ports, host
 * order. Returns the class. Reads only the first segment, and never past
 * rte_pktmbuf_data_len(m). Worker-safe.
 */
enum ss_net_class ss_net_classify(const struct rte_mbuf *m, const uint16_t *sip_ports,
		unsigned int n_sip_ports, struct ss_net_view *v);

/* The UDP payload of a frame classified SS_NET_SIP_UDP (payload_len bytes). */
static inline const char *
ss_net_payload(const struct rte_mbuf *m, const struct ss_net_view *v)
{
	return rte_pktmbuf_mtod_offset(m, const char *, v->payload_off);
}

/*
 * The frame's source address and port, in lib/sip's form, for the reply's
 * received= and rport= (RFC 3581 §4). v must come from a frame of class
 * SS_NET_SIP_UDP (or SS_NET_TCP_SIP). The view already holds the address,
 * so m is not read; it is in the signature so that a later view may keep
 * offsets only.
 */
static inline void
ss_net_source(const struct rte_mbuf *m, const struct ss_net_view *v, struct ss_sip_addr *src)
{
	RTE_SET_USED(m);
	src->family = v->ip_version;
	memcpy(src->addr, v->src_addr, sizeof(src->addr));
	src->port = v->src_port;
}

/*
 * The largest reply (UDP payload) ss_net_answer() can put in this mbuf:
 * from the payload offset to the end of the buffer. Padding and trailing
 * bytes after the UDP datagram count as free, since the answer drops them.
 * The IP length limits never bind: buf_len is 16 bits and the buffer also
 * holds the headroom and the Ethernet header, so the UDP payload always
 * ends below 65535 - l3_len - 8.
 * v must come from ss_net_classify() == SS_NET_SIP_UDP on this mbuf.
 */
static inline uint16_t
ss_net_room(const struct rte_mbuf *m, const struct ss_net_view *v)
{
	return (uint16_t)(m->buf_len - m->data_off - v->payload_off);
}

/*
 * Turn an answered request around, in place: its UDP payload becomes
 * reply[0..reply_len), Ethernet addresses, IP addresses and UDP ports are
 * swapped, TTL/hop limit is 64, the ECN bits are cleared, lengths and
 * checksums are rewritten. The VLAN tag, IPv4 options, DSCP, flow label,
 * ID and DF stay. Ethernet padding and bytes past the UDP datagram are
 * dropped.
 *
 * tx_offloads is the TX port's enabled offloads (rte_eth_conf.txmode): with
 * RTE_ETH_TX_OFFLOAD_IPV4_CKSUM and/or RTE_ETH_TX_OFFLOAD_UDP_CKSUM the
 * checksum is left to the NIC (ol_flags, l2_len, l3_len set; the UDP field
 * holds the pseudo-header sum), else it is computed here.
 *
 * reply must not overlap the frame. v must come from ss_net_classify() ==
 * SS_NET_SIP_UDP on this mbuf, unchanged since. Returns 0, or -ENOSPC when
 * reply_len > ss_net_room() (the frame is then left byte for byte as it
 * was, so the caller can pass it and count). Worker-safe.
 */
int ss_net_answer(struct rte_mbuf *m, const struct ss_net_view *v, const void *reply,
		uint16_t reply_len, uint64_t tx_offloads);
