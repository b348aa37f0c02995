/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The L2-L4 view of a received frame. Each check runs before the bytes it
 * guards are read; a frame that is short or whose lengths disagree is
 * SS_NET_BAD_LEN, and it is passed as it came, since sipshield is a bump in
 * the wire and not a router that must drop it (DESIGN §1).
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "ss_net.h"

/* RFC 9293 §3.1: a TCP header has at least five 32-bit words. */
#define TCP_MIN_HDR_LEN 20

/*
 * A tag that may precede the IP header: 802.1Q (0x8100), 802.1ad (0x88a8),
 * and the pre-standard QinQ outer tag 0x9100 still sent by some switches,
 * so that a SIP packet behind it is counted as stacked rather than slipping
 * through as "not IP".
 */
static inline bool
is_vlan_tpid(rte_be16_t type)
{
	return type == RTE_BE16(RTE_ETHER_TYPE_VLAN) || type == RTE_BE16(RTE_ETHER_TYPE_QINQ) ||
			type == RTE_BE16(RTE_ETHER_TYPE_QINQ1);
}

/*
 * IPv6 extension headers (RFC 8200 §4, IANA "IPv6 Extension Header Types",
 * RFC 7045): Hop-by-Hop, Routing, Fragment, ESP, AH, Destination Options,
 * Mobility, HIP, Shim6 and the two experimental values. sipshield does not
 * walk the chain; a packet with any of them passes unfiltered, counted.
 */
static inline bool
is_ipv6_ext(uint8_t nh)
{
	switch (nh) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_ESP:
	case IPPROTO_AH:
	case IPPROTO_DSTOPTS:
	case 135:	/* Mobility, RFC 6275 */
	case 139:	/* HIP, RFC 7401 */
	case 140:	/* Shim6, RFC 5533 */
	case 253:	/* experimentation, RFC 3692 */
	case 254:
		return true;
	default:
		return false;
	}
}

static inline bool
is_sip_port(uint16_t port, const uint16_t *sip_ports, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (sip_ports[i] == port)
			return true;
	return false;
}

/*
 * UDP or TCP from l4 to end (the end of the IP datagram as its header
 * says, already checked against the data length).
 */
static inline enum ss_net_class
classify_l4(const uint8_t *p, uint32_t l4, uint32_t end, const uint16_t *sip_ports,
		unsigned int n_sip_ports, struct ss_net_view *v)
{
	if (v->l4_proto == IPPROTO_UDP) {
		const struct rte_udp_hdr *udp;
		uint32_t ulen;

		if (end - l4 < sizeof(*udp))
			return SS_NET_BAD_LEN;
		udp = (const struct rte_udp_hdr *)(p + l4);
		v->l4_off = l4;
		v->src_port = rte_be_to_cpu_16(udp->src_port);
		v->dst_port = rte_be_to_cpu_16(udp->dst_port);
		/*
		 * RFC 768: the length counts header and data, so it is at
		 * least 8, and it cannot exceed what IP carried. A shorter
		 * UDP length than the IP payload is legal: what follows the
		 * datagram is ignored, as is Ethernet padding.
		 */
		ulen = rte_be_to_cpu_16(udp->dgram_len);
		if (ulen < sizeof(*udp) || ulen > end - l4)
			return SS_NET_BAD_LEN;
		if (!is_sip_port(v->dst_port, sip_ports, n_sip_ports))
			return SS_NET_OTHER;
		v->payload_off = l4 + sizeof(*udp);
		v->payload_len = ulen - sizeof(*udp);
		return SS_NET_SIP_UDP;
	}
	if (v->l4_proto == IPPROTO_TCP) {
		const struct rte_tcp_hdr *tcp;

		if (end - l4 < TCP_MIN_HDR_LEN)
			return SS_NET_BAD_LEN;
		tcp = (const struct rte_tcp_hdr *)(p + l4);
		v->l4_off = l4;
		v->src_port = rte_be_to_cpu_16(tcp->src_port);
		v->dst_port = rte_be_to_cpu_16(tcp->dst_port);
		if (!is_sip_port(v->dst_port, sip_ports, n_sip_ports))
			return SS_NET_OTHER;
		return SS_NET_TCP_SIP;
	}
	return SS_NET_OTHER;
}

static inline enum ss_net_class
classify_ipv4(const uint8_t *p, uint32_t off, uint32_t len, const uint16_t *sip_ports,
		unsigned int n_sip_ports, struct ss_net_view *v)
{
	const struct rte_ipv4_hdr *ip;
	uint32_t ihl, tot;

	if (len - off < sizeof(*ip))
		return SS_NET_BAD_LEN;
	ip = (const struct rte_ipv4_hdr *)(p + off);
	if ((ip->version_ihl >> 4) != 4)
		return SS_NET_BAD_LEN;
	/*
	 * RFC 791 §3.1: IHL counts 32-bit words, 5 at least; the total length
	 * covers header and data. Both are checked against each other and
	 * against the bytes received (RFC 1812 §5.2.2).
	 */
	ihl = rte_ipv4_hdr_len(ip);
	tot = rte_be_to_cpu_16(ip->total_length);
	if (ihl < sizeof(*ip) || tot < ihl || tot > len - off)
		return SS_NET_BAD_LEN;

	v->ip_version = 4;
	v->l3_len = ihl;
	v->l4_proto = ip->next_proto_id;
	memcpy(v->src_addr, &ip->src_addr, sizeof(ip->src_addr));
	memcpy(v->dst_addr, &ip->dst_addr, sizeof(ip->dst_addr));

	/*
	 * A fragment carries only part of a datagram (RFC 791 §2.3); without
	 * reassembly its SIP message cannot be judged, so it passes, counted.
	 */
	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return SS_NET_FRAGMENT;

	return classify_l4(p, off + ihl, off + tot, sip_ports, n_sip_ports, v);
}

static inline enum ss_net_class
classify_ipv6(const uint8_t *p, uint32_t off, uint32_t len, const uint16_t *sip_ports,
		unsigned int n_sip_ports, struct ss_net_view *v)
{
	const struct rte_ipv6_hdr *ip;
	uint32_t plen;

	if (len - off < sizeof(*ip))
		return SS_NET_BAD_LEN;
	ip = (const struct rte_ipv6_hdr *)(p + off);
	if ((p[off] >> 4) != 6)
		return SS_NET_BAD_LEN;
	/*
	 * RFC 8200 §3: the payload length counts everything after the fixed
	 * header. A jumbogram (length 0, RFC 2675) cannot fit an mbuf
	 * segment; its UDP length check below fails.
	 */
	plen = rte_be_to_cpu_16(ip->payload_len);
	if (plen > len - off - sizeof(*ip))
		return SS_NET_BAD_LEN;

	v->ip_version = 6;
	v->l3_len = sizeof(*ip);
	v->l4_proto = ip->proto;
	memcpy(v->src_addr, ip->src_addr, sizeof(ip->src_addr));
	memcpy(v->dst_addr, ip->dst_addr, sizeof(ip->dst_addr));

	/* RFC 8200 §4.5: as for IPv4, a fragment cannot be judged alone. */
	if (ip->proto == IPPROTO_FRAGMENT)
		return SS_NET_FRAGMENT;
	if (is_ipv6_ext(ip->proto))
		return SS_NET_IPV6_EXT;

	off += sizeof(*ip);
	return classify_l4(p, off, off + plen, sip_ports, n_sip_ports, v);
}

enum ss_net_class
ss_net_classify(const struct rte_mbuf *m, const uint16_t *sip_ports, unsigned int n_sip_ports,
		struct ss_net_view *v)
{
	const struct rte_ether_hdr *eth;
	const struct rte_vlan_hdr *vh;
	const uint8_t *p;
	uint32_t len, off;
	rte_be16_t type;

	memset(v, 0, sizeof(*v));

	/*
	 * nb_segs sits in the mbuf's first cache line, next does not. A
	 * chained frame passes untouched: SIP over UDP fits one segment at
	 * any sane MTU, and reading across segments would cost every frame.
	 */
	if (m->nb_segs != 1)
		return SS_NET_MULTISEG;

	p = rte_pktmbuf_mtod(m, const uint8_t *);
	len = rte_pktmbuf_data_len(m);
	/*
	 * An mbuf whose lengths disagree (a driver's bug) is not read: one
	 * segment holds the whole packet, and its data lies in its buffer.
	 * ss_net_room() and ss_net_answer() rely on both.
	 */
	if (rte_pktmbuf_pkt_len(m) != len || (uint32_t)m->data_off + len > m->buf_len)
		return SS_NET_BAD_LEN;

	if (len < sizeof(*eth))
		return SS_NET_BAD_LEN;
	eth = (const struct rte_ether_hdr *)p;
	type = eth->ether_type;
	off = sizeof(*eth);

	if (is_vlan_tpid(type)) {
		if (len - off < sizeof(*vh))
			return SS_NET_BAD_LEN;
		vh = (const struct rte_vlan_hdr *)(p + off);
		type = vh->eth_proto;
		off += sizeof(*vh);
		/* IEEE 802.1ad QinQ and deeper stacks: passed, counted. */
		if (is_vlan_tpid(type))
			return SS_NET_VLAN_STACKED;
		v->vlan = 1;
	}
	v->l2_len = off;
	v->l3_off = off;

	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return classify_ipv4(p, off, len, sip_ports, n_sip_ports, v);
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		return classify_ipv6(p, off, len, sip_ports, n_sip_ports, v);
	return SS_NET_OTHER;
}
