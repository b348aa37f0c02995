/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Turnaround of an answered request: the reply reuses the request's mbuf
 * and headers (no allocation per packet), the way an ICMP echo reply is
 * built in place.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "ss_net.h"

/*
 * A fresh datagram, not a forwarded one, so it gets the default TTL of
 * "Assigned Numbers" (RFC 1700, as RFC 1122 §3.2.1.7 asks) and the same
 * hop limit for IPv6 (RFC 8200 §3). Copying the request's would leak its
 * path length back and let a request with TTL 1 produce a reply that dies
 * at the first hop.
 */
#define REPLY_TTL 64

/* TX checksum requests this file sets or clears, and nothing else. */
#define TX_CKSUM_FLAGS (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6 | \
		RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK)

static inline void
swap_ether(struct rte_ether_hdr *eth)
{
	struct rte_ether_addr tmp;

	rte_ether_addr_copy(&eth->src_addr, &tmp);
	rte_ether_addr_copy(&eth->dst_addr, &eth->src_addr);
	rte_ether_addr_copy(&tmp, &eth->dst_addr);
}

static inline void
turn_ipv4(struct rte_mbuf *m, const struct ss_net_view *v, struct rte_ipv4_hdr *ip,
		struct rte_udp_hdr *udp, uint16_t udp_len, uint64_t tx_offloads)
{
	rte_be32_t a;

	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = REPLY_TTL;
	/*
	 * DSCP stays, so the reply rides the class the request had; ECN goes:
	 * SIP over UDP is not an ECN-capable transport, so its packets must
	 * be Not-ECT (RFC 3168 §5), and a CE mark was the request's path's.
	 */
	ip->type_of_service &= ~RTE_IPV4_HDR_ECN_MASK;
	ip->total_length = rte_cpu_to_be_16(v->l3_len + udp_len);
	ip->hdr_checksum = 0;
	udp->dgram_cksum = 0;

	/*
	 * The UDP checksum is optional over IPv4 (RFC 768), but a reply is
	 * small and sipshield's own: it always carries one, so a corrupted
	 * Via or Contact is caught by the client. Its pseudo-header uses the
	 * final addresses and length, so it comes after them.
	 */
	if (tx_offloads & RTE_ETH_TX_OFFLOAD_UDP_CKSUM) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;
		/* The NIC adds the datagram to the pseudo-header sum. */
		udp->dgram_cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	} else {
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	}

	/* RFC 791 §3.1, RFC 1071: over the whole header, options included. */
	if (tx_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = rte_ipv4_cksum(ip);
}

static inline void
turn_ipv6(struct rte_mbuf *m, struct rte_ipv6_hdr *ip, struct rte_udp_hdr *udp, uint16_t udp_len,
		uint64_t tx_offloads)
{
	uint8_t a[sizeof(ip->src_addr)];

	memcpy(a, ip->src_addr, sizeof(a));
	memcpy(ip->src_addr, ip->dst_addr, sizeof(a));
	memcpy(ip->dst_addr, a, sizeof(a));
	ip->hop_limits = REPLY_TTL;
	/* As for IPv4: traffic class and flow label stay, ECN goes (RFC 3168 §5). */
	ip->vtc_flow &= ~rte_cpu_to_be_32(RTE_IPV6_HDR_ECN_MASK);
	/* No extension headers (ss_net_classify), so the payload is the datagram. */
	ip->payload_len = rte_cpu_to_be_16(udp_len);
	udp->dgram_cksum = 0;

	/* RFC 8200 §8.1: over IPv6 the UDP checksum is mandatory. */
	if (tx_offloads & RTE_ETH_TX_OFFLOAD_UDP_CKSUM) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM;
		udp->dgram_cksum = rte_ipv6_phdr_cksum(ip, m->ol_flags);
	} else {
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp);
	}
}

int
ss_net_answer(struct rte_mbuf *m, const struct ss_net_view *v, const void *reply,
		uint16_t reply_len, uint64_t tx_offloads)
{
	struct rte_udp_hdr *udp;
	uint8_t *p;
	uint16_t cur, want, udp_len, a;

	/* Checked before anything is written: -ENOSPC leaves the frame as it came. */
	if (reply_len > ss_net_room(m, v))
		return -ENOSPC;

	/*
	 * The frame ends where the reply ends: Ethernet padding and any bytes
	 * after the request's UDP datagram go (the NIC pads short frames).
	 * ss_net_room() bounds want to the buffer, so neither call can fail.
	 */
	cur = rte_pktmbuf_data_len(m);
	want = v->payload_off + reply_len;
	if (want > cur)
		rte_pktmbuf_append(m, want - cur);
	else if (want < cur)
		rte_pktmbuf_trim(m, cur - want);

	p = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(p + v->payload_off, reply, reply_len);

	/*
	 * Back out of the port it came in on, to the neighbour that sent it
	 * (DESIGN §1); the VLAN tag, if any, stays as it is.
	 */
	swap_ether((struct rte_ether_hdr *)p);

	/* RFC 3261 §18.2.2, RFC 3581 §4: to the source address and port. */
	udp = (struct rte_udp_hdr *)(p + v->l4_off);
	a = udp->src_port;
	udp->src_port = udp->dst_port;
	udp->dst_port = a;
	udp_len = sizeof(*udp) + reply_len;
	udp->dgram_len = rte_cpu_to_be_16(udp_len);

	m->ol_flags &= ~TX_CKSUM_FLAGS;
	if (v->ip_version == 4)
		turn_ipv4(m, v, (struct rte_ipv4_hdr *)(p + v->l3_off), udp, udp_len, tx_offloads);
	else
		turn_ipv6(m, (struct rte_ipv6_hdr *)(p + v->l3_off), udp, udp_len, tx_offloads);

	if (m->ol_flags & TX_CKSUM_FLAGS) {
		m->l2_len = v->l2_len;
		m->l3_len = v->l3_len;
		m->l4_len = sizeof(*udp);
	}
	return 0;
}
