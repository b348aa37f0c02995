/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * lib/net unit tests: frames built byte by byte here, in fake single-segment
 * mbufs (no EAL, no mempool: pool stays NULL, which the inline mbuf helpers
 * lib/net uses never read). Each buffer is malloc'ed to its exact size, so
 * under AddressSanitizer a read past the buffer is caught. Checksums are
 * checked with the RFC 1071 sum written below, not with DPDK's.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <netinet/in.h>

#include <cmocka.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ss_net.h"

#define HEADROOM RTE_PKTMBUF_HEADROOM
#define MAX_FRAME 4096

static const uint16_t sip_ports[] = {5060, 5080};
#define N_SIP_PORTS 2

static const char register_msg[] = "REGISTER sip:example.com SIP/2.0\r\n"
				   "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK776asdhds\r\n"
				   "Max-Forwards: 70\r\n"
				   "To: <sip:alice@example.com>\r\n"
				   "From: <sip:alice@example.com>;tag=1928301774\r\n"
				   "Call-ID: a84b4c76e66710\r\n"
				   "CSeq: 1 REGISTER\r\n"
				   "Contact: <sip:alice@192.0.2.10:5062>;expires=30\r\n"
				   "Content-Length: 0\r\n"
				   "\r\n";

static const char reply_423[] = "SIP/2.0 423 Interval Too Brief\r\n"
				"Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK776asdhds\r\n"
				"To: <sip:alice@example.com>;tag=0123456789abcdef\r\n"
				"From: <sip:alice@example.com>;tag=1928301774\r\n"
				"Call-ID: a84b4c76e66710\r\n"
				"CSeq: 1 REGISTER\r\n"
				"Min-Expires: 60\r\n"
				"Content-Length: 0\r\n"
				"\r\n";

/* --- RFC 1071 ------------------------------------------------------------ */

/*
 * One's complement sum of big-endian 16-bit words, folded, not
 * complemented (RFC 1071 §4.1), continuing from sum. An odd last byte is
 * the high half of a word padded with zero.
 */
static uint16_t
rfc1071(const uint8_t *p, size_t n, uint32_t sum)
{
	while (n > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		n -= 2;
	}
	if (n)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Sum of the UDP pseudo-header (RFC 768; RFC 8200 §8.1 for IPv6). */
static uint16_t
pseudo_sum(int ipv, const uint8_t *src, const uint8_t *dst, uint16_t udp_len)
{
	uint8_t ph[40];
	size_t alen = ipv == 4 ? 4 : 16;

	memset(ph, 0, sizeof(ph));
	memcpy(ph, src, alen);
	memcpy(ph + alen, dst, alen);
	if (ipv == 4) {
		ph[9] = IPPROTO_UDP;
		put16(ph + 10, udp_len);
		return rfc1071(ph, 12, 0);
	}
	put32(ph + 32, udp_len);
	ph[39] = IPPROTO_UDP;
	return rfc1071(ph, 40, 0);
}

/* --- Frames -------------------------------------------------------------- */

/* A frame to build; -1 in ihl, ip_len or udp_len means "the right value". */
struct frame {
	uint8_t ntags;
	uint16_t tpid[3];
	uint16_t type;		/* EtherType after the tags */
	uint8_t dmac[6];
	uint8_t smac[6];
	uint8_t ipv;		/* 4, 6, or 0 for an ARP body */
	uint8_t opt_len;	/* IPv4 option bytes, a multiple of 4 */
	int ihl;
	uint16_t frag;		/* IPv4 flags and offset; IPv6 Fragment header offset/M */
	uint16_t id;
	uint8_t tos;
	uint8_t ttl;		/* TTL / hop limit */
	uint8_t proto;		/* IPv4 protocol / IPv6 next header */
	uint8_t l4;		/* header written after IP (and the one extension): 17, 6, 1 */
	uint32_t vtc;		/* IPv6 version, traffic class, flow label */
	uint8_t sip[16];
	uint8_t dip[16];
	uint16_t sport;
	uint16_t dport;
	const char *payload;
	uint16_t plen;
	int ip_len;		/* IPv4 total length / IPv6 payload length */
	int udp_len;
	uint16_t ip_trailer;	/* bytes inside the IP datagram after the UDP datagram */
	uint16_t pad;		/* bytes after the IP datagram (Ethernet padding) */
	bool udp_ck;		/* IPv4: fill the UDP checksum (IPv6 always does) */
};

static void
frame_v4(struct frame *f)
{
	static const uint8_t dmac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
	static const uint8_t smac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
	static const uint8_t sip[4] = {192, 0, 2, 10};
	static const uint8_t dip[4] = {198, 51, 100, 5};

	memset(f, 0, sizeof(*f));
	f->type = RTE_ETHER_TYPE_IPV4;
	memcpy(f->dmac, dmac, 6);
	memcpy(f->smac, smac, 6);
	f->ipv = 4;
	f->ihl = -1;
	f->frag = RTE_IPV4_HDR_DF_FLAG;
	f->id = 0x1234;
	f->tos = 0xb8;
	f->ttl = 57;
	f->proto = IPPROTO_UDP;
	f->l4 = IPPROTO_UDP;
	memcpy(f->sip, sip, 4);
	memcpy(f->dip, dip, 4);
	f->sport = 5062;
	f->dport = 5060;
	f->payload = register_msg;
	f->plen = sizeof(register_msg) - 1;
	f->ip_len = -1;
	f->udp_len = -1;
	f->udp_ck = true;
}

static void
frame_v6(struct frame *f)
{
	static const uint8_t sip[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
	static const uint8_t dip[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05};

	frame_v4(f);
	f->type = RTE_ETHER_TYPE_IPV6;
	f->ipv = 6;
	f->vtc = 0x6b812345;	/* version 6, traffic class 0xb8, flow label 0x12345 */
	memcpy(f->sip, sip, 16);
	memcpy(f->dip, dip, 16);
}

/* Write frame f into o; returns its length. */
static uint16_t
build(const struct frame *f, uint8_t *o)
{
	size_t n, l3, l4, hl = 0, i;
	uint16_t ulen = 0;

	memcpy(o, f->dmac, 6);
	memcpy(o + 6, f->smac, 6);
	n = 12;
	for (i = 0; i < f->ntags; i++) {
		put16(o + n, f->tpid[i]);
		put16(o + n + 2, 100 + i);	/* PCP 0, VID 100 + i */
		n += 4;
	}
	put16(o + n, f->type);
	n += 2;
	l3 = n;

	if (f->ipv == 0) {
		/* ARP request, RFC 826 */
		static const uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 2,
				192, 0, 2, 10, 0, 0, 0, 0, 0, 0, 198, 51, 100, 5};

		memcpy(o + n, arp, sizeof(arp));
		n += sizeof(arp);
		memset(o + n, 0, f->pad);
		return n + f->pad;
	}

	if (f->ipv == 4) {
		hl = 20 + f->opt_len;
		o[n] = 0x40 | (f->ihl >= 0 ? (uint8_t)f->ihl : (uint8_t)(hl / 4));
		o[n + 1] = f->tos;
		put16(o + n + 4, f->id);
		put16(o + n + 6, f->frag);
		o[n + 8] = f->ttl;
		o[n + 9] = f->proto;
		put16(o + n + 10, 0);
		memcpy(o + n + 12, f->sip, 4);
		memcpy(o + n + 16, f->dip, 4);
		if (f->opt_len) {
			/* Router Alert (RFC 2113), then NOPs */
			memset(o + n + 20, 1, f->opt_len);
			o[n + 20] = 0x94;
			o[n + 21] = 4;
			o[n + 22] = 0;
			o[n + 23] = 0;
		}
		n += hl;
	} else {
		put32(o + n, f->vtc);
		o[n + 6] = f->proto;
		o[n + 7] = f->ttl;
		memcpy(o + n + 8, f->sip, 16);
		memcpy(o + n + 24, f->dip, 16);
		n += 40;
		if (f->proto != f->l4 && f->l4 != 0) {
			/* one 8-byte extension header, then f->l4 */
			memset(o + n, 0, 8);
			o[n] = f->l4;
			if (f->proto == IPPROTO_FRAGMENT) {
				put16(o + n + 2, f->frag);
				put32(o + n + 4, 0xabcdef01);
			} else {
				o[n + 2] = 1;	/* PadN, RFC 8200 §4.2 */
				o[n + 3] = 4;
			}
			n += 8;
		}
	}

	l4 = n;
	if (f->l4 == IPPROTO_UDP) {
		put16(o + n, f->sport);
		put16(o + n + 2, f->dport);
		put16(o + n + 6, 0);
		n += 8;
		memcpy(o + n, f->payload, f->plen);
		n += f->plen;
		ulen = f->udp_len >= 0 ? f->udp_len : (uint16_t)(n - l4);
		put16(o + l4 + 4, ulen);
	} else if (f->l4 == IPPROTO_TCP) {
		memset(o + n, 0, 20);
		put16(o + n, f->sport);
		put16(o + n + 2, f->dport);
		put32(o + n + 4, 0x01020304);
		o[n + 12] = 5 << 4;
		o[n + 13] = 0x02;	/* SYN */
		put16(o + n + 14, 64240);
		n += 20;
	} else if (f->l4 == IPPROTO_ICMP) {
		memset(o + n, 0, 8);
		o[n] = 8;	/* echo request */
		n += 8;
	}
	memset(o + n, 0x5a, f->ip_trailer);
	n += f->ip_trailer;

	if (f->ipv == 4) {
		put16(o + l3 + 2, f->ip_len >= 0 ? f->ip_len : (uint16_t)(n - l3));
		put16(o + l3 + 10, (uint16_t)~rfc1071(o + l3, hl, 0));
	} else {
		put16(o + l3 + 4, f->ip_len >= 0 ? f->ip_len : (uint16_t)(n - l3 - 40));
	}
	if (f->l4 == IPPROTO_UDP && (f->udp_ck || f->ipv == 6) && f->udp_len < 0) {
		uint16_t s = pseudo_sum(f->ipv, f->sip, f->dip, ulen);
		uint16_t ck = (uint16_t)~rfc1071(o + l4, ulen, s);

		/* RFC 768: a computed zero is sent as all ones */
		put16(o + l4 + 6, ck == 0 ? 0xffff : ck);
	}
	memset(o + n, 0, f->pad);
	return n + f->pad;
}

/* --- Fake mbufs ---------------------------------------------------------- */

/* A single-segment mbuf holding data[0..len), with tailroom bytes after. */
static struct rte_mbuf *
mbuf_new(const uint8_t *data, uint16_t len, uint16_t tailroom)
{
	struct rte_mbuf *m = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*m));
	uint8_t *buf = malloc(HEADROOM + len + tailroom);

	assert_non_null(m);
	assert_non_null(buf);
	memset(m, 0, sizeof(*m));
	memset(buf, 0xee, HEADROOM + len + tailroom);
	memcpy(buf + HEADROOM, data, len);
	m->buf_addr = buf;
	m->buf_len = HEADROOM + len + tailroom;
	m->data_off = HEADROOM;
	m->data_len = len;
	m->pkt_len = len;
	m->nb_segs = 1;
	m->next = NULL;
	m->pool = NULL;
	return m;
}

static struct rte_mbuf *
mbuf_frame(const struct frame *f, uint16_t tailroom)
{
	uint8_t o[MAX_FRAME];
	uint16_t len = build(f, o);

	return mbuf_new(o, len, tailroom);
}

static void
mbuf_free(struct rte_mbuf *m)
{
	free(m->buf_addr);
	free(m);
}

static enum ss_net_class
classify(const struct rte_mbuf *m, struct ss_net_view *v)
{
	return ss_net_classify(m, sip_ports, N_SIP_PORTS, v);
}

static enum ss_net_class
classify_frame(const struct frame *f, struct ss_net_view *v)
{
	struct rte_mbuf *m = mbuf_frame(f, 0);
	enum ss_net_class c = classify(m, v);

	mbuf_free(m);
	return c;
}

/* --- Classification ------------------------------------------------------ */

static void
test_ipv4_udp_sip(void **state)
{
	struct ss_net_view v;
	struct frame f;
	struct rte_mbuf *m;

	(void)state;
	frame_v4(&f);
	m = mbuf_frame(&f, 0);
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	assert_int_equal(v.l2_len, 14);
	assert_int_equal(v.l3_off, 14);
	assert_int_equal(v.l3_len, 20);
	assert_int_equal(v.l4_off, 34);
	assert_int_equal(v.payload_off, 42);
	assert_int_equal(v.payload_len, sizeof(register_msg) - 1);
	assert_int_equal(v.ip_version, 4);
	assert_int_equal(v.l4_proto, IPPROTO_UDP);
	assert_int_equal(v.vlan, 0);
	assert_int_equal(v.src_port, 5062);
	assert_int_equal(v.dst_port, 5060);
	assert_memory_equal(v.src_addr, f.sip, 4);
	assert_memory_equal(v.dst_addr, f.dip, 4);
	for (int i = 4; i < 16; i++) {
		assert_int_equal(v.src_addr[i], 0);
		assert_int_equal(v.dst_addr[i], 0);
	}
	assert_memory_equal(ss_net_payload(m, &v), register_msg, v.payload_len);
	mbuf_free(m);

	/* the second configured SIP port counts too */
	f.dport = 5080;
	assert_int_equal(classify_frame(&f, &v), SS_NET_SIP_UDP);
	/* DF alone is not a fragment */
	f.frag = RTE_IPV4_HDR_DF_FLAG;
	assert_int_equal(classify_frame(&f, &v), SS_NET_SIP_UDP);
	/* a zero UDP checksum (RFC 768: none computed) is fine */
	f.udp_ck = false;
	assert_int_equal(classify_frame(&f, &v), SS_NET_SIP_UDP);
}

static void
test_ipv4_options(void **state)
{
	struct ss_net_view v;
	struct frame f;

	(void)state;
	frame_v4(&f);
	f.opt_len = 4;
	assert_int_equal(classify_frame(&f, &v), SS_NET_SIP_UDP);
	assert_int_equal(v.l3_len, 24);
	assert_int_equal(v.l4_off, 38);
	assert_int_equal(v.payload_off, 46);
	assert_int_equal(v.payload_len, sizeof(register_msg) - 1);

	/* the largest header, IHL 15 (RFC 791 §3.1) */
	f.opt_len = 40;
	assert_int_equal(classify_frame(&f, &v), SS_NET_SIP_UDP);
	assert_int_equal(v.l3_len, 60);
	assert_int_equal(v.payload_off, 14 + 60 + 8);
}

static void
test_vlan(void **state)
{
	static const uint16_t tpids[] = {RTE_ETHER_TYPE_VLAN, RTE_ETHER_TYPE_QINQ,
			RTE_ETHER_TYPE_QINQ1};
	struct ss_net_view v;
	struct frame f;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(tpids); i++) {
		frame_v4(&f);
		f.ntags = 1;
		f.tpid[0] = tpids[i];
		assert_int_equal(classify_frame(&f, &v), SS_NET_SIP_UDP);
		assert_int_equal(v.vlan, 1);
		assert_int_equal(v.l2_len, 18);
		assert_int_equal(v.l3_off, 18);
		assert_int_equal(v.l4_off, 38);
		assert_int_equal(v.payload_off, 46);

		frame_v6(&f);
		f.ntags = 1;
		f.tpid[0] = tpids[i];
		assert_int_equal(classify_frame(&f, &v), SS_NET_SIP_UDP);
		assert_int_equal(v.l2_len, 18);
		assert_int_equal(v.payload_off, 18 + 40 + 8);
	}
}

static void
test_vlan_stacked(void **state)
{
	static const uint16_t pairs[][2] = {
		{RTE_ETHER_TYPE_QINQ, RTE_ETHER_TYPE_VLAN},
		{RTE_ETHER_TYPE_VLAN, RTE_ETHER_TYPE_VLAN},
		{RTE_ETHER_TYPE_QINQ1, RTE_ETHER_TYPE_VLAN},
		{RTE_ETHER_TYPE_QINQ, RTE_ETHER_TYPE_QINQ},
	};
	struct ss_net_view v;
	struct frame f;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(pairs); i++) {
		frame_v4(&f);
		f.ntags = 2;
		f.tpid[0] = pairs[i][0];
		f.tpid[1] = pairs[i][1];
		assert_int_equal(classify_frame(&f, &v), SS_NET_VLAN_STACKED);
	}
	frame_v6(&f);
	f.ntags = 3;
	f.tpid[0] = f.tpid[1] = f.tpid[2] = RTE_ETHER_TYPE_VLAN;
	assert_int_equal(classify_frame(&f, &v), SS_NET_VLAN_STACKED);
}

static void
test_ipv6_udp_sip(void **state)
{
	struct ss_net_view v;
	struct frame f;
	struct ss_sip_addr src;
	struct rte_mbuf *m;

	(void)state;
	frame_v6(&f);
	m = mbuf_frame(&f, 0);
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	assert_int_equal(v.l2_len, 14);
	assert_int_equal(v.l3_len, 40);
	assert_int_equal(v.l4_off, 54);
	assert_int_equal(v.payload_off, 62);
	assert_int_equal(v.payload_len, sizeof(register_msg) - 1);
	assert_int_equal(v.ip_version, 6);
	assert_memory_equal(v.src_addr, f.sip, 16);
	assert_memory_equal(v.dst_addr, f.dip, 16);
	assert_int_equal(v.src_port, 5062);
	assert_int_equal(v.dst_port, 5060);

	ss_net_source(m, &v, &src);
	assert_int_equal(src.family, 6);
	assert_memory_equal(src.addr, f.sip, 16);
	assert_int_equal(src.port, 5062);
	mbuf_free(m);
}

static void
test_source_ipv4(void **state)
{
	static const uint8_t want[16] = {192, 0, 2, 10};
	struct ss_net_view v;
	struct ss_sip_addr src;
	struct frame f;
	struct rte_mbuf *m;

	(void)state;
	frame_v4(&f);
	f.sport = 40001;
	m = mbuf_frame(&f, 0);
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	memset(&src, 0xa5, sizeof(src));
	ss_net_source(m, &v, &src);
	assert_int_equal(src.family, 4);
	assert_memory_equal(src.addr, want, 16);
	assert_int_equal(src.port, 40001);
	mbuf_free(m);
}

static void
test_ipv6_ext(void **state)
{
	static const uint8_t exts[] = {IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS, IPPROTO_AH,
			IPPROTO_ESP, 135, 139, 140, 253, 254};
	struct ss_net_view v;
	struct frame f;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(exts); i++) {
		frame_v6(&f);
		f.proto = exts[i];
		assert_int_equal(classify_frame(&f, &v), SS_NET_IPV6_EXT);
		assert_int_equal(v.ip_version, 6);
		assert_int_equal(v.l4_proto, exts[i]);
		assert_memory_equal(v.src_addr, f.sip, 16);
	}
	/* No Next Header (59) is not an extension header: nothing follows */
	frame_v6(&f);
	f.proto = IPPROTO_NONE;
	f.l4 = 0;
	assert_int_equal(classify_frame(&f, &v), SS_NET_OTHER);
}

static void
test_ipv6_fragment(void **state)
{
	struct ss_net_view v;
	struct frame f;

	(void)state;
	frame_v6(&f);
	f.proto = IPPROTO_FRAGMENT;
	f.frag = 1;	/* offset 0, M set: the first fragment */
	assert_int_equal(classify_frame(&f, &v), SS_NET_FRAGMENT);
	f.frag = 185 << 3;	/* offset 1480, the last fragment */
	assert_int_equal(classify_frame(&f, &v), SS_NET_FRAGMENT);
	/* an atomic fragment (RFC 6946) is still a Fragment header */
	f.frag = 0;
	assert_int_equal(classify_frame(&f, &v), SS_NET_FRAGMENT);
}

static void
test_ipv4_fragment(void **state)
{
	struct ss_net_view v;
	struct frame f;

	(void)state;
	frame_v4(&f);
	f.frag = RTE_IPV4_HDR_MF_FLAG;
	assert_int_equal(classify_frame(&f, &v), SS_NET_FRAGMENT);
	assert_int_equal(v.ip_version, 4);
	assert_memory_equal(v.src_addr, f.sip, 4);

	f.frag = 185;	/* offset 1480, MF clear: the last fragment */
	assert_int_equal(classify_frame(&f, &v), SS_NET_FRAGMENT);
	f.frag = RTE_IPV4_HDR_MF_FLAG | 1;
	assert_int_equal(classify_frame(&f, &v), SS_NET_FRAGMENT);
	f.frag = RTE_IPV4_HDR_DF_FLAG | 1;
	assert_int_equal(classify_frame(&f, &v), SS_NET_FRAGMENT);
	/* fragments of other ports are fragments too: later ones have no ports */
	f.dport = 53;
	f.frag = RTE_IPV4_HDR_MF_FLAG;
	assert_int_equal(classify_frame(&f, &v), SS_NET_FRAGMENT);
}

static void
test_tcp(void **state)
{
	struct ss_net_view v;
	struct frame f;

	(void)state;
	frame_v4(&f);
	f.proto = f.l4 = IPPROTO_TCP;
	assert_int_equal(classify_frame(&f, &v), SS_NET_TCP_SIP);
	assert_int_equal(v.l4_off, 34);
	assert_int_equal(v.dst_port, 5060);
	assert_int_equal(v.src_port, 5062);
	assert_int_equal(v.payload_off, 0);
	f.dport = 80;
	assert_int_equal(classify_frame(&f, &v), SS_NET_OTHER);

	frame_v6(&f);
	f.proto = f.l4 = IPPROTO_TCP;
	f.dport = 5080;
	assert_int_equal(classify_frame(&f, &v), SS_NET_TCP_SIP);
	f.dport = 443;
	assert_int_equal(classify_frame(&f, &v), SS_NET_OTHER);
}

static void
test_other(void **state)
{
	struct ss_net_view v;
	struct frame f;
	struct rte_mbuf *m;

	(void)state;
	/* UDP to another port, even from a SIP port */
	frame_v4(&f);
	f.dport = 53;
	assert_int_equal(classify_frame(&f, &v), SS_NET_OTHER);
	assert_int_equal(v.l4_off, 34);
	assert_int_equal(v.dst_port, 53);
	f.sport = 5060;
	f.dport = 40000;
	assert_int_equal(classify_frame(&f, &v), SS_NET_OTHER);
	frame_v6(&f);
	f.dport = 5061;
	assert_int_equal(classify_frame(&f, &v), SS_NET_OTHER);

	/* no SIP port configured at all */
	frame_v4(&f);
	m = mbuf_frame(&f, 0);
	assert_int_equal(ss_net_classify(m, NULL, 0, &v), SS_NET_OTHER);
	mbuf_free(m);

	/* ICMP */
	frame_v4(&f);
	f.proto = f.l4 = IPPROTO_ICMP;
	assert_int_equal(classify_frame(&f, &v), SS_NET_OTHER);
	assert_int_equal(v.ip_version, 4);

	/* ARP, padded to the 60-byte minimum */
	frame_v4(&f);
	f.type = RTE_ETHER_TYPE_ARP;
	f.ipv = 0;
	f.pad = 60 - 42;
	assert_int_equal(classify_frame(&f, &v), SS_NET_OTHER);
	assert_int_equal(v.ip_version, 0);

	/* ARP behind one tag */
	f.ntags = 1;
	f.tpid[0] = RTE_ETHER_TYPE_VLAN;
	assert_int_equal(classify_frame(&f, &v), SS_NET_OTHER);
	assert_int_equal(v.vlan, 1);
}

static void
test_multiseg(void **state)
{
	struct ss_net_view v;
	struct frame f;
	struct rte_mbuf *m;

	(void)state;
	frame_v4(&f);
	m = mbuf_frame(&f, 0);
	m->nb_segs = 2;
	assert_int_equal(classify(m, &v), SS_NET_MULTISEG);
	mbuf_free(m);
}

/*
 * A single segment whose packet length is not its data length, or whose
 * data runs past its buffer: not read, passed as it came. The second
 * would make ss_net_room() wrap around to a large room.
 */
static void
test_inconsistent_mbuf(void **state)
{
	struct ss_net_view v;
	struct frame f;
	struct rte_mbuf *m;

	(void)state;
	frame_v4(&f);
	m = mbuf_frame(&f, 0);
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	m->pkt_len = m->data_len + 1;
	assert_int_equal(classify(m, &v), SS_NET_BAD_LEN);
	m->pkt_len = m->data_len - 1;
	assert_int_equal(classify(m, &v), SS_NET_BAD_LEN);
	m->pkt_len = m->data_len;
	m->buf_len = (uint16_t)(m->data_off + m->data_len - 1);
	assert_int_equal(classify(m, &v), SS_NET_BAD_LEN);
	m->buf_len = (uint16_t)(m->data_off + m->data_len);
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	assert_int_equal(ss_net_room(m, &v), v.payload_len);
	mbuf_free(m);
}

/* Every prefix of a well-formed frame: no read past it, and the right class. */
static void
truncate_all(const struct frame *f, enum ss_net_class (*expect)(uint16_t len, uint16_t full))
{
	uint8_t o[MAX_FRAME];
	uint16_t full = build(f, o), len;

	for (len = 0; len <= full; len++) {
		struct rte_mbuf *m = mbuf_new(o, len, 0);
		struct ss_net_view v;
		enum ss_net_class c = classify(m, &v);

		if (c != expect(len, full))
			fail_msg("length %u of %u: class %d, want %d", len, full, c,
					expect(len, full));
		mbuf_free(m);
	}
}

static enum ss_net_class
want_sip_whole(uint16_t len, uint16_t full)
{
	return len == full ? SS_NET_SIP_UDP : SS_NET_BAD_LEN;
}

static enum ss_net_class
want_tcp_whole(uint16_t len, uint16_t full)
{
	return len == full ? SS_NET_TCP_SIP : SS_NET_BAD_LEN;
}

static enum ss_net_class
want_frag_whole(uint16_t len, uint16_t full)
{
	return len == full ? SS_NET_FRAGMENT : SS_NET_BAD_LEN;
}

static enum ss_net_class
want_ext_whole(uint16_t len, uint16_t full)
{
	return len == full ? SS_NET_IPV6_EXT : SS_NET_BAD_LEN;
}

static enum ss_net_class
want_arp(uint16_t len, uint16_t full)
{
	(void)full;
	return len < 14 ? SS_NET_BAD_LEN : SS_NET_OTHER;
}

static enum ss_net_class
want_stacked(uint16_t len, uint16_t full)
{
	(void)full;
	return len < 18 ? SS_NET_BAD_LEN : SS_NET_VLAN_STACKED;
}

static void
test_truncated(void **state)
{
	struct frame f;

	(void)state;
	frame_v4(&f);
	f.payload = "OPTIONS sip:x SIP/2.0\r\n\r\n";
	f.plen = strlen(f.payload);
	truncate_all(&f, want_sip_whole);
	f.opt_len = 8;
	truncate_all(&f, want_sip_whole);
	f.ntags = 1;
	f.tpid[0] = RTE_ETHER_TYPE_VLAN;
	truncate_all(&f, want_sip_whole);
	f.frag = RTE_IPV4_HDR_MF_FLAG;
	truncate_all(&f, want_frag_whole);
	f.frag = 0;
	f.proto = f.l4 = IPPROTO_TCP;
	truncate_all(&f, want_tcp_whole);
	/* an empty datagram: the UDP header is the last thing read */
	frame_v4(&f);
	f.plen = 0;
	truncate_all(&f, want_sip_whole);

	frame_v6(&f);
	f.payload = "OPTIONS sip:x SIP/2.0\r\n\r\n";
	f.plen = strlen(f.payload);
	truncate_all(&f, want_sip_whole);
	f.ntags = 1;
	f.tpid[0] = RTE_ETHER_TYPE_QINQ;
	truncate_all(&f, want_sip_whole);
	f.proto = f.l4 = IPPROTO_TCP;
	truncate_all(&f, want_tcp_whole);
	f.l4 = IPPROTO_UDP;
	f.proto = IPPROTO_HOPOPTS;
	truncate_all(&f, want_ext_whole);
	f.proto = IPPROTO_FRAGMENT;
	truncate_all(&f, want_frag_whole);

	frame_v4(&f);
	f.type = RTE_ETHER_TYPE_ARP;
	f.ipv = 0;
	truncate_all(&f, want_arp);

	frame_v4(&f);
	f.ntags = 2;
	f.tpid[0] = RTE_ETHER_TYPE_QINQ;
	f.tpid[1] = RTE_ETHER_TYPE_VLAN;
	truncate_all(&f, want_stacked);
}

static void
test_bad_lengths(void **state)
{
	struct ss_net_view v;
	struct frame f;
	int ihl;

	(void)state;
	/* IPv4 total length beyond the data */
	frame_v4(&f);
	f.ip_len = 20 + 8 + f.plen + 1;
	assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
	/* shorter than its own header */
	f.ip_len = 19;
	assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
	/* an IP datagram too short for the UDP header */
	f.ip_len = 27;
	assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
	/* IHL below 5 */
	for (ihl = 0; ihl < 5; ihl++) {
		frame_v4(&f);
		f.ihl = ihl;
		assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
	}
	/* IHL past the total length */
	frame_v4(&f);
	f.ihl = 15;
	f.ip_len = 56;
	assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
	/* UDP length beyond the IP payload */
	frame_v4(&f);
	f.udp_len = 8 + f.plen + 1;
	assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
	/* UDP length below its own header */
	f.udp_len = 7;
	assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
	f.udp_len = 0;
	assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
	/* a UDP length beyond the IP payload is bad even to another port */
	f.udp_len = 8 + f.plen + 1;
	f.dport = 53;
	assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
	/* version field not 4 under EtherType IPv4 */
	frame_v4(&f);
	f.ipv = 4;
	{
		uint8_t o[MAX_FRAME];
		uint16_t len = build(&f, o);
		struct rte_mbuf *m;

		o[14] = 0x65;
		m = mbuf_new(o, len, 0);
		assert_int_equal(classify(m, &v), SS_NET_BAD_LEN);
		mbuf_free(m);
		/* and IPv6 under EtherType IPv6 must say 6 */
		frame_v6(&f);
		f.vtc = 0x40000000;
		len = build(&f, o);
		m = mbuf_new(o, len, 0);
		assert_int_equal(classify(m, &v), SS_NET_BAD_LEN);
		mbuf_free(m);
	}
	/* IPv6 payload length beyond the data */
	frame_v6(&f);
	f.ip_len = 8 + f.plen + 1;
	assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
	/* IPv6 jumbogram marker without a Hop-by-Hop header */
	f.ip_len = 0;
	assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
	/* UDP length beyond the IPv6 payload, and below 8 */
	frame_v6(&f);
	f.udp_len = 8 + f.plen + 1;
	assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
	f.udp_len = 4;
	assert_int_equal(classify_frame(&f, &v), SS_NET_BAD_LEN);
}

/*
 * IHL below 5, with bytes chosen so that a parser that skipped the check
 * would find a well-formed datagram to a SIP port inside the IP header.
 */
static void
test_ihl_below_5(void **state)
{
	struct ss_net_view v;
	struct rte_mbuf *m;
	struct frame f;
	uint16_t port;

	(void)state;
	/* IHL 0: "UDP" at the IP header, length = ID, port = total length */
	frame_v4(&f);
	f.ihl = 0;
	f.id = 8;
	m = mbuf_frame(&f, 0);
	port = 20 + 8 + f.plen;
	assert_int_equal(ss_net_classify(m, &port, 1, &v), SS_NET_BAD_LEN);
	mbuf_free(m);

	/* IHL 4: "UDP" at the destination address, length = real source port */
	frame_v4(&f);
	f.ihl = 4;
	f.sport = 8;
	m = mbuf_frame(&f, 0);
	port = f.dip[2] << 8 | f.dip[3];
	assert_int_equal(ss_net_classify(m, &port, 1, &v), SS_NET_BAD_LEN);
	mbuf_free(m);
}

/*
 * An IP datagram that ends exactly at the end of the data but is too short
 * for its UDP or TCP header: the L4 header must not be read (the exact-size
 * buffer makes AddressSanitizer catch a read past it).
 */
static void
test_short_l4(void **state)
{
	uint8_t o[MAX_FRAME];
	struct ss_net_view v;
	struct frame f;
	uint16_t len, k;
	int ipv;

	(void)state;
	for (ipv = 4; ipv <= 6; ipv += 2) {
		for (k = 0; k < 20; k++) {
			struct rte_mbuf *m;
			uint16_t hl = ipv == 4 ? 20 : 40;

			if (ipv == 4)
				frame_v4(&f);
			else
				frame_v6(&f);
			f.ip_len = ipv == 4 ? hl + k : k;
			f.udp_len = 8;
			f.plen = 0;
			if (k < 8) {
				len = build(&f, o);
				m = mbuf_new(o, 14 + hl + k, 0);
				assert_int_equal(classify(m, &v), SS_NET_BAD_LEN);
				mbuf_free(m);
			}
			f.proto = f.l4 = IPPROTO_TCP;
			len = build(&f, o);
			assert_true(len >= 14 + hl + k);
			m = mbuf_new(o, 14 + hl + k, 0);
			assert_int_equal(classify(m, &v), SS_NET_BAD_LEN);
			mbuf_free(m);
		}
	}
}

/* Ethernet padding and an IP trailer: the payload length is the UDP length - 8. */
static void
test_padding(void **state)
{
	struct ss_net_view v;
	struct frame f;
	struct rte_mbuf *m;

	(void)state;
	frame_v4(&f);
	f.payload = "\r\n\r\n";
	f.plen = 4;
	f.pad = 60 - (14 + 20 + 8 + 4);
	m = mbuf_frame(&f, 0);
	assert_int_equal(rte_pktmbuf_data_len(m), 60);
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	assert_int_equal(v.payload_off, 42);
	assert_int_equal(v.payload_len, 4);
	mbuf_free(m);

	/* a UDP length shorter than the IP payload: the rest is not SIP */
	frame_v4(&f);
	f.ip_trailer = 6;
	f.pad = 3;
	assert_int_equal(classify_frame(&f, &v), SS_NET_SIP_UDP);
	assert_int_equal(v.payload_len, sizeof(register_msg) - 1);

	frame_v6(&f);
	f.payload = "\r\n";
	f.plen = 2;
	f.pad = 7;
	assert_int_equal(classify_frame(&f, &v), SS_NET_SIP_UDP);
	assert_int_equal(v.payload_len, 2);
}

/* --- Turnaround ---------------------------------------------------------- */

/* The frame an answer to f with reply r must produce. */
static uint16_t
expected_answer(const struct frame *f, const char *r, uint16_t rlen, uint8_t *o)
{
	struct frame g = *f;

	memcpy(g.dmac, f->smac, 6);
	memcpy(g.smac, f->dmac, 6);
	memcpy(g.sip, f->dip, 16);
	memcpy(g.dip, f->sip, 16);
	g.sport = f->dport;
	g.dport = f->sport;
	g.ttl = 64;
	g.tos &= ~RTE_IPV4_HDR_ECN_MASK;
	g.vtc &= ~RTE_IPV6_HDR_ECN_MASK;
	g.payload = r;
	g.plen = rlen;
	g.ip_len = -1;
	g.udp_len = -1;
	g.ip_trailer = 0;
	g.pad = 0;
	g.udp_ck = true;
	return build(&g, o);
}

/* Verify the IPv4 header checksum and the UDP checksum of a frame in m. */
static void
verify_checksums(const struct rte_mbuf *m, const struct ss_net_view *v)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *ip = p + v->l3_off;
	const uint8_t *udp = p + v->l4_off;
	uint16_t ulen = get16(udp + 4);
	uint16_t s;

	if (v->ip_version == 4) {
		assert_int_equal(rfc1071(ip, v->l3_len, 0), 0xffff);
		s = pseudo_sum(4, ip + 12, ip + 16, ulen);
	} else {
		s = pseudo_sum(6, ip + 8, ip + 24, ulen);
	}
	assert_int_not_equal(get16(udp + 6), 0);
	assert_int_equal(rfc1071(udp, ulen, s), 0xffff);
}

/* Answer f with r and compare with the expected bytes, field by field too. */
static void
answer_and_check(const struct frame *f, const char *r, uint16_t rlen)
{
	uint8_t want[MAX_FRAME], before[MAX_FRAME];
	uint16_t wlen = expected_answer(f, r, rlen, want), blen;
	struct ss_net_view v, v2;
	struct rte_mbuf *m;
	const uint8_t *p, *ip, *udp;
	size_t alen = f->ipv == 4 ? 4 : 16;
	uint16_t client_port = f->sport;

	m = mbuf_frame(f, 1024);
	blen = rte_pktmbuf_data_len(m);
	memcpy(before, rte_pktmbuf_mtod(m, void *), blen);
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	assert_true(ss_net_room(m, &v) >= rlen);
	assert_int_equal(ss_net_answer(m, &v, r, rlen, 0), 0);

	assert_int_equal(rte_pktmbuf_data_len(m), wlen);
	assert_int_equal(rte_pktmbuf_pkt_len(m), wlen);
	assert_int_equal(rte_pktmbuf_data_len(m), v.payload_off + rlen);
	p = rte_pktmbuf_mtod(m, const uint8_t *);
	assert_memory_equal(p, want, wlen);

	/* the same, field by field, against the request */
	assert_memory_equal(p, before + 6, 6);
	assert_memory_equal(p + 6, before, 6);
	assert_memory_equal(p + 12, before + 12, v.l2_len - 12);	/* tag and EtherType */
	ip = p + v.l3_off;
	udp = p + v.l4_off;
	if (f->ipv == 4) {
		assert_memory_equal(ip + 12, before + v.l3_off + 16, 4);
		assert_memory_equal(ip + 16, before + v.l3_off + 12, 4);
		assert_int_equal(ip[8], 64);
		assert_int_equal(get16(ip + 2), v.l3_len + 8 + rlen);
		assert_int_equal(ip[0], before[v.l3_off]);	/* version, IHL */
		assert_int_equal(ip[1], before[v.l3_off + 1] & ~RTE_IPV4_HDR_ECN_MASK);
		assert_memory_equal(ip + 4, before + v.l3_off + 4, 4);	/* ID, DF, offset */
		assert_int_equal(ip[9], IPPROTO_UDP);
		assert_memory_equal(ip + 20, before + v.l3_off + 20, v.l3_len - 20);
	} else {
		assert_memory_equal(ip + 8, before + v.l3_off + 24, 16);
		assert_memory_equal(ip + 24, before + v.l3_off + 8, 16);
		assert_int_equal(ip[7], 64);
		assert_int_equal(get16(ip + 4), 8 + rlen);
		assert_int_equal(ip[0], before[v.l3_off]);	/* version, class, flow */
		assert_int_equal(ip[1], before[v.l3_off + 1] & 0xcf);	/* ECN cleared */
		assert_memory_equal(ip + 2, before + v.l3_off + 2, 2);
	}
	assert_int_equal(get16(udp), f->dport);
	assert_int_equal(get16(udp + 2), f->sport);
	assert_int_equal(get16(udp + 4), 8 + rlen);
	assert_memory_equal(udp + 8, r, rlen);
	verify_checksums(m, &v);

	/* the answer parses back as a datagram to the client's port */
	assert_int_equal(ss_net_classify(m, &client_port, 1, &v2), SS_NET_SIP_UDP);
	assert_int_equal(v2.payload_len, rlen);
	assert_int_equal(v2.payload_off, v.payload_off);
	assert_memory_equal(v2.src_addr, f->dip, alen);
	assert_memory_equal(v2.dst_addr, f->sip, alen);
	assert_int_equal(m->ol_flags, 0);
	mbuf_free(m);
}

static void
test_answer_ipv4_grow_shrink(void **state)
{
	static const char big[] = "SIP/2.0 302 Moved Temporarily\r\n"
				  "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK776asdhds;"
				  "received=192.0.2.10;rport=5062\r\n"
				  "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
				  "To: <sip:bob@example.com>;tag=0123456789abcdef\r\n"
				  "From: <sip:alice@example.com>;tag=1928301774\r\n"
				  "Call-ID: a84b4c76e66710\r\n"
				  "CSeq: 314159 INVITE\r\n"
				  "Contact: <sip:bob@moved.example.net>\r\n"
				  "Expires: 3600\r\n"
				  "Content-Length: 0\r\n"
				  "\r\n";
	struct frame f;

	(void)state;
	frame_v4(&f);
	/* grow: a short request, a longer reply */
	f.payload = "INVITE sip:bob@example.com SIP/2.0\r\n\r\n";
	f.plen = strlen(f.payload);
	answer_and_check(&f, big, sizeof(big) - 1);
	/* shrink */
	frame_v4(&f);
	answer_and_check(&f, "SIP/2.0 423 X\r\n\r\n", 17);
	/* same size */
	f.payload = reply_423;
	f.plen = sizeof(reply_423) - 1;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
	/* odd lengths both ways (the checksum pads the last byte) */
	f.plen -= 1;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 2);
	/* a request without a UDP checksum gets a reply with one */
	frame_v4(&f);
	f.udp_ck = false;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
	/* an empty reply is still a valid datagram */
	answer_and_check(&f, "", 0);
}

static void
test_answer_ipv4_options_vlan(void **state)
{
	struct frame f;

	(void)state;
	frame_v4(&f);
	f.opt_len = 8;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
	f.ntags = 1;
	f.tpid[0] = RTE_ETHER_TYPE_VLAN;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
	f.opt_len = 40;
	f.tpid[0] = RTE_ETHER_TYPE_QINQ;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
	f.frag = 0;	/* DF clear stays clear */
	f.id = 0;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
	/* a CE-marked request: DSCP stays, ECN is cleared */
	f.tos = 0xb8 | 3;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
	f.tos = 0x2a;	/* AF11 with ECT(0) */
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
}

static void
test_answer_padding(void **state)
{
	struct frame f;

	(void)state;
	/* a minimum frame with padding: the padding must not survive */
	frame_v4(&f);
	f.payload = "\r\n\r\n";
	f.plen = 4;
	f.pad = 60 - 46;
	answer_and_check(&f, "SIP/2.0 1\r\n", 11);
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
	/* an IP trailer after the UDP datagram goes too */
	frame_v4(&f);
	f.ip_trailer = 9;
	f.pad = 5;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
	frame_v6(&f);
	f.ip_trailer = 3;
	f.pad = 4;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
}

static void
test_answer_ipv6(void **state)
{
	struct frame f;

	(void)state;
	frame_v6(&f);
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
	answer_and_check(&f, reply_423, 21);
	f.payload = "\r\n";
	f.plen = 2;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 2);
	f.ntags = 1;
	f.tpid[0] = RTE_ETHER_TYPE_VLAN;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
	/* a CE-marked request: traffic class 0xbb becomes 0xb8, flow label stays */
	f.vtc = 0x6bb12345;
	answer_and_check(&f, reply_423, sizeof(reply_423) - 1);
}

/*
 * A reply whose checksum comes out as zero is sent with 0xffff (RFC 768;
 * over IPv6 zero is not allowed at all, RFC 8200 §8.1).
 */
static void
test_answer_zero_checksum(void **state)
{
	int ipv;

	(void)state;
	for (ipv = 4; ipv <= 6; ipv += 2) {
		char r[64];
		uint8_t o[MAX_FRAME];
		struct ss_net_view v;
		struct rte_mbuf *m;
		struct frame f;
		uint16_t len, s, rlen = 40;
		const uint8_t *udp;

		if (ipv == 4)
			frame_v4(&f);
		else
			frame_v6(&f);
		memset(r, 'x', rlen);
		r[rlen - 2] = 0;
		r[rlen - 1] = 0;
		/* the sum of the expected datagram with the last word zero */
		len = expected_answer(&f, r, rlen, o);
		udp = o + len - rlen - 8;
		s = pseudo_sum(ipv, f.dip, f.sip, 8 + rlen);
		{
			uint8_t tmp[8 + 64];

			memcpy(tmp, udp, 8 + rlen);
			tmp[6] = tmp[7] = 0;
			s = rfc1071(tmp, 8 + rlen, s);
		}
		/* the last word that brings the sum to 0xffff, so ~sum == 0 */
		r[rlen - 2] = (char)((0xffff - s) >> 8);
		r[rlen - 1] = (char)((0xffff - s) & 0xff);

		m = mbuf_frame(&f, 256);
		assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
		assert_int_equal(ss_net_answer(m, &v, r, rlen, 0), 0);
		udp = rte_pktmbuf_mtod_offset(m, const uint8_t *, v.l4_off);
		assert_int_equal(get16(udp + 6), 0xffff);
		verify_checksums(m, &v);
		mbuf_free(m);
	}
}

static void
test_answer_enospc(void **state)
{
	static char r[2048];
	uint8_t before[MAX_FRAME];
	struct ss_net_view v;
	struct frame f;
	struct rte_mbuf *m, saved;
	uint16_t len, room, tail = 100;
	int ipv;

	(void)state;
	memset(r, 'r', sizeof(r));
	for (ipv = 4; ipv <= 6; ipv += 2) {
		if (ipv == 4)
			frame_v4(&f);
		else
			frame_v6(&f);
		f.pad = 10;
		m = mbuf_frame(&f, tail);
		len = rte_pktmbuf_data_len(m);
		memcpy(before, rte_pktmbuf_mtod(m, void *), len);
		assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
		room = ss_net_room(m, &v);
		/* the payload, the padding and the tailroom are all free */
		assert_int_equal(room, v.payload_len + f.pad + tail);

		m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
		memcpy(&saved, m, sizeof(saved));
		assert_int_equal(ss_net_answer(m, &v, r, room + 1, RTE_ETH_TX_OFFLOAD_UDP_CKSUM),
				-ENOSPC);
		assert_int_equal(ss_net_answer(m, &v, r, sizeof(r), 0), -ENOSPC);
		assert_memory_equal(m, &saved, sizeof(saved));
		assert_memory_equal(rte_pktmbuf_mtod(m, void *), before, len);

		/* exactly the room fits, to the last byte of the buffer */
		assert_int_equal(ss_net_answer(m, &v, r, room, 0), 0);
		assert_int_equal(rte_pktmbuf_tailroom(m), 0);
		assert_int_equal(rte_pktmbuf_data_len(m), v.payload_off + room);
		verify_checksums(m, &v);
		mbuf_free(m);
	}
}

static void
test_room(void **state)
{
	struct ss_net_view v;
	struct frame f;
	struct rte_mbuf *m;

	(void)state;
	frame_v4(&f);
	f.opt_len = 12;
	f.ntags = 1;
	f.tpid[0] = RTE_ETHER_TYPE_VLAN;
	m = mbuf_frame(&f, 300);
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	assert_int_equal(ss_net_room(m, &v),
			m->buf_len - HEADROOM - (18 + 32 + 8));
	assert_int_equal(ss_net_room(m, &v), v.payload_len + 300);
	mbuf_free(m);
}

/* The pseudo-header sum a NIC expects in the UDP field (not complemented). */
static void
check_offload_udp(const struct rte_mbuf *m, const struct ss_net_view *v)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *ip = p + v->l3_off;
	const uint8_t *udp = p + v->l4_off;
	uint16_t ulen = get16(udp + 4);
	uint16_t ph = v->ip_version == 4 ? pseudo_sum(4, ip + 12, ip + 16, ulen) :
					   pseudo_sum(6, ip + 8, ip + 24, ulen);
	uint8_t seg[MAX_FRAME];
	uint16_t ck;

	assert_int_equal(get16(udp + 6), ph);
	/* what the NIC then does: sum the datagram over that seed, store ~sum */
	memcpy(seg, udp, ulen);
	ck = (uint16_t)~rfc1071(seg, ulen, 0);
	put16(seg + 6, ck);
	assert_int_equal(rfc1071(seg, ulen, ph), 0xffff);
}

static void
test_answer_offload_ipv4(void **state)
{
	static const uint64_t rx = RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	const uint64_t both = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	struct ss_net_view v;
	struct frame f;
	struct rte_mbuf *m;
	const uint8_t *p;

	(void)state;
	frame_v4(&f);
	f.opt_len = 4;
	f.ntags = 1;
	f.tpid[0] = RTE_ETHER_TYPE_VLAN;

	/* both checksums to the NIC */
	m = mbuf_frame(&f, 512);
	m->ol_flags = rx;
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	assert_int_equal(ss_net_answer(m, &v, reply_423, sizeof(reply_423) - 1, both), 0);
	assert_int_equal(m->ol_flags,
			rx | RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_UDP_CKSUM);
	assert_int_equal(m->l2_len, 18);
	assert_int_equal(m->l3_len, 24);
	p = rte_pktmbuf_mtod(m, const uint8_t *);
	assert_int_equal(get16(p + v.l3_off + 10), 0);
	check_offload_udp(m, &v);
	mbuf_free(m);

	/* only the IP header checksum offloaded */
	m = mbuf_frame(&f, 512);
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	assert_int_equal(ss_net_answer(m, &v, reply_423, sizeof(reply_423) - 1,
				 RTE_ETH_TX_OFFLOAD_IPV4_CKSUM),
			0);
	assert_int_equal(m->ol_flags, RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
	assert_int_equal(m->l2_len, 18);
	assert_int_equal(m->l3_len, 24);
	p = rte_pktmbuf_mtod(m, const uint8_t *);
	assert_int_equal(get16(p + v.l3_off + 10), 0);
	{
		uint16_t s = pseudo_sum(4, p + v.l3_off + 12, p + v.l3_off + 16,
				8 + sizeof(reply_423) - 1);

		assert_int_equal(rfc1071(p + v.l4_off, 8 + sizeof(reply_423) - 1, s), 0xffff);
	}
	mbuf_free(m);

	/* only the UDP checksum offloaded: IPv4 flag set, IP checksum in software */
	m = mbuf_frame(&f, 512);
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	assert_int_equal(ss_net_answer(m, &v, reply_423, sizeof(reply_423) - 1,
				 RTE_ETH_TX_OFFLOAD_UDP_CKSUM),
			0);
	assert_int_equal(m->ol_flags, RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM);
	p = rte_pktmbuf_mtod(m, const uint8_t *);
	assert_int_equal(rfc1071(p + v.l3_off, v.l3_len, 0), 0xffff);
	check_offload_udp(m, &v);
	mbuf_free(m);

	/* offloads that are not checksums change nothing; stale TX flags go */
	m = mbuf_frame(&f, 512);
	m->ol_flags = rx | RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM | RTE_MBUF_F_TX_IP_CKSUM;
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	assert_int_equal(ss_net_answer(m, &v, reply_423, sizeof(reply_423) - 1,
				 RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE | RTE_ETH_TX_OFFLOAD_MULTI_SEGS),
			0);
	assert_int_equal(m->ol_flags, rx);
	verify_checksums(m, &v);
	mbuf_free(m);
}

static void
test_answer_offload_ipv6(void **state)
{
	const uint64_t both = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	struct ss_net_view v;
	struct frame f;
	struct rte_mbuf *m;

	(void)state;
	frame_v6(&f);
	m = mbuf_frame(&f, 512);
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	assert_int_equal(ss_net_answer(m, &v, reply_423, sizeof(reply_423) - 1, both), 0);
	assert_int_equal(m->ol_flags, RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM);
	assert_int_equal(m->l2_len, 14);
	assert_int_equal(m->l3_len, 40);
	check_offload_udp(m, &v);
	mbuf_free(m);

	/* IPv4 header offload alone does nothing for IPv6 */
	m = mbuf_frame(&f, 512);
	assert_int_equal(classify(m, &v), SS_NET_SIP_UDP);
	assert_int_equal(ss_net_answer(m, &v, reply_423, sizeof(reply_423) - 1,
				 RTE_ETH_TX_OFFLOAD_IPV4_CKSUM),
			0);
	assert_int_equal(m->ol_flags, 0);
	verify_checksums(m, &v);
	mbuf_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_udp_sip),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_vlan_stacked),
		cmocka_unit_test(test_ipv6_udp_sip),
		cmocka_unit_test(test_source_ipv4),
		cmocka_unit_test(test_ipv6_ext),
		cmocka_unit_test(test_ipv6_fragment),
		cmocka_unit_test(test_ipv4_fragment),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_other),
		cmocka_unit_test(test_multiseg),
		cmocka_unit_test(test_inconsistent_mbuf),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_ihl_below_5),
		cmocka_unit_test(test_short_l4),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_answer_ipv4_grow_shrink),
		cmocka_unit_test(test_answer_ipv4_options_vlan),
		cmocka_unit_test(test_answer_padding),
		cmocka_unit_test(test_answer_ipv6),
		cmocka_unit_test(test_answer_zero_checksum),
		cmocka_unit_test(test_answer_enospc),
		cmocka_unit_test(test_room),
		cmocka_unit_test(test_answer_offload_ipv4),
		cmocka_unit_test(test_answer_offload_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
