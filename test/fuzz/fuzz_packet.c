/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * libFuzzer target for the packet path: a raw Ethernet frame in real
 * mbufs through ss_filter_burst_at(), the workers' per-burst stage
 * (lib/net's view, the SIP verdict, the rate limits, the turnaround).
 *
 * Input: one control byte, then the frame.
 *   bits 0-1  copies of the frame in the burst, minus one (1..4)
 *   bit 2     rate limits on, tight (1/s burst 1 for requests and replies,
 *             node 2/s burst 2), so that copies 2..4 hit them
 *   bit 3     the frame chained over two mbufs (split in the middle)
 *   bit 4     the frame arrives on the inside port
 *   bit 5     TX checksum offload on (the NIC would finish the checksums)
 *   bit 6     scanners not dropped (drop_scanners = off)
 *
 * Checked for every input, besides the sanitizers' findings: every frame
 * is answered, passed or dropped, never two nor none (counters add up as
 * ss_ctr.h says, the pool gets every mbuf back); a passed frame leaves
 * byte for byte as it came; an answered one is a well-formed reply to it:
 * Ethernet and IP addresses and UDP ports swapped, lengths consistent,
 * IPv4 header and UDP checksums valid (or left to the NIC as offload
 * asks), TTL 64, and a SIP 423 or 302 at most 64 bytes longer than the
 * request.
 *
 * Built with -fsanitize=fuzzer when meson's `fuzz` option is on
 * (scripts/fuzz.sh), and linked with replay_main.c in every build, which
 * runs test/data/fuzz-corpus-packet through it under `meson test`.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_udp.h>

#include "ss_burst.h"
#include "ss_net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Not assert(): release builds define NDEBUG, and these checks must stay. */
#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_packet: %s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond); \
		abort(); \
	} \
} while (0)

#define DATA_ROOM	9216	/* a jumbo frame fits one segment */
#define MAX_COPIES	4
#define NOW		(1000ULL * HZ)	/* any fixed time: inputs replay alike */
#define HZ		1000000000ULL

#define C_COPIES	0x03
#define C_LIMITS	0x04
#define C_CHAIN		0x08
#define C_INSIDE	0x10
#define C_OFFLOAD	0x20
#define C_NO_SCANNERS	0x40

static struct rte_mempool *pool;
static struct ss_sip_hs *hs;
static struct ss_sip_scratch *scratch;
static struct ss_filter filter, filter_no_scan;
static struct ss_conf conf;
static struct ss_worker_ctx *w;
static struct ss_rl *rl;

static void
add_moved(const char *text, const char *uri, bool has_expires, uint32_t expires)
{
	struct ss_sip_key key;

	CHECK(ss_sip_text_key(text, strlen(text), &key) == SS_SIP_KEY_OK);
	CHECK(ss_moved_add(filter.moved, &key, uri, strlen(uri), has_expires, expires) == 0);
}

/* Before LeakSanitizer looks: EAL memory is not scanned (see fuzz_filter.c). */
static void
fini(void)
{
	ss_moved_free(filter.moved);
	ss_rl_free(rl);
	rte_free(w);
	ss_sip_scratch_free(scratch);
	ss_sip_hs_free(hs);
	rte_mempool_free(pool);
	rte_eal_cleanup();
}

static void
init_once(void)
{
	static bool done;
	char lcores[32];
	char *argv[] = {"fuzz_packet", "--no-huge", "--no-pci", "--no-shconf", "--no-telemetry",
		"-m", "128", "--lcores", lcores, "--log-level", "lib.*:error", NULL};
	struct ss_rl_params p = {.hz = HZ, .requests = {1, 1}, .replies = {1, 1},
		.node = {2, 2}, .entries = 64, .seed = 1};
	char err[256];
	const char *e;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (done)
		return;
	done = true;
	snprintf(lcores, sizeof(lcores), "0@(0-%ld)", ncpu > 1 ? ncpu - 1 : 0);
	CHECK(rte_eal_init((int)RTE_DIM(argv) - 1, argv) >= 0);
	/* every mbuf a burst can hold: copies, each chained, plus slack */
	pool = rte_pktmbuf_pool_create("fuzz_packet", 63, 0, 0,
			DATA_ROOM + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	CHECK(pool != NULL);
	hs = ss_sip_hs_create(&e);
	CHECK(hs != NULL);
	CHECK(ss_scanner_load(hs, NULL, err, sizeof(err)) > 0);
	scratch = ss_sip_scratch_create(hs);
	CHECK(scratch != NULL);

	ss_conf_defaults(&conf);
	conf.sip_ports[1] = 5080;
	conf.n_sip_ports = 2;
	conf.redirect_methods |= (1u << SS_SIP_M_OPTIONS) | (1u << SS_SIP_M_MESSAGE);
	ss_filter_init(&filter, &conf, hs);
	/* test/e2e/sipgen.py's secret and table: its ACK for our 302 is absorbed */
	for (unsigned int i = 0; i < SS_SIP_SECRET_LEN; i++)
		filter.secret[i] = (uint8_t)i;
	filter.moved = ss_moved_create("fuzz_packet", 64, SOCKET_ID_ANY);
	CHECK(filter.moved != NULL);
	add_moved("bob@example.com", "sip:bob@192.0.2.15:5060", true, 3600);
	add_moved("alice@example.com", "sip:alice@pbx2.example.com", false, 0);
	add_moved("carol", "sips:carol@branch.example.net", false, 0);
	add_moved("+15551234567", "tel:+15557654321", false, 0);
	filter_no_scan = filter;
	filter_no_scan.drop_scanners = false;

	w = rte_zmalloc("fuzz_packet_w", sizeof(*w), RTE_CACHE_LINE_SIZE);
	CHECK(w != NULL);
	rl = ss_rl_create(&p, SOCKET_ID_ANY);
	CHECK(rl != NULL);
	CHECK(atexit(fini) == 0);
}

/* One frame into mbufs: one segment, or two split in the middle. */
static struct rte_mbuf *
load(const uint8_t *frame, size_t len, bool chain)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *tail;
	size_t first = chain && len >= 2 ? len / 2 : len;
	char *p;

	CHECK(m != NULL);
	p = rte_pktmbuf_append(m, (uint16_t)first);
	CHECK(first == 0 || p != NULL);
	memcpy(p, frame, first);
	if (first == len)
		return m;
	tail = rte_pktmbuf_alloc(pool);
	CHECK(tail != NULL);
	p = rte_pktmbuf_append(tail, (uint16_t)(len - first));
	CHECK(p != NULL);
	memcpy(p, frame + first, len - first);
	CHECK(rte_pktmbuf_chain(m, tail) == 0);
	return m;
}

/* The whole frame of m, however many segments, equals frame[0..len). */
static bool
same_bytes(const struct rte_mbuf *m, const uint8_t *frame, size_t len)
{
	uint8_t copy[DATA_ROOM];
	const void *p;

	if (rte_pktmbuf_pkt_len(m) != len)
		return false;
	p = rte_pktmbuf_read(m, 0, (uint32_t)len, copy);
	return p != NULL && memcmp(p, frame, len) == 0;
}

/* RFC 1071 sum, folded, not complemented. */
static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; p += 2, n -= 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (n)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/*
 * The UDP checksum of a reply, checked with a sum written here (not
 * DPDK's): over the pseudo-header (RFC 768; RFC 8200 §8.1) and the
 * datagram, a valid one sums to 0xffff. With offload the field holds the
 * pseudo-header sum only, which the NIC completes.
 */
static void
check_udp_cksum(const struct ss_net_view *v, const uint8_t *f, uint16_t udp_len, bool offload)
{
	uint8_t ph[40] = {0};
	size_t alen = v->ip_version == 4 ? 4 : 16;
	const uint8_t *src = f + v->l3_off + (v->ip_version == 4 ? 12 : 8);
	uint32_t s;

	memcpy(ph, src, alen);
	memcpy(ph + alen, src + alen, alen);
	if (v->ip_version == 4) {
		ph[9] = IPPROTO_UDP;
		ph[10] = udp_len >> 8;
		ph[11] = udp_len & 0xff;
		s = sum16(ph, 12, 0);
	} else {
		ph[34] = udp_len >> 8;
		ph[35] = udp_len & 0xff;
		ph[39] = IPPROTO_UDP;
		s = sum16(ph, 40, 0);
	}
	if (offload) {
		CHECK(((uint32_t)f[v->l4_off + 6] << 8 | f[v->l4_off + 7]) == s);
		return;
	}
	CHECK(sum16(f + v->l4_off, udp_len, s) == 0xffff);
	/* RFC 768: a computed zero goes out as all ones; zero means "none" */
	CHECK(f[v->l4_off + 6] != 0 || f[v->l4_off + 7] != 0);
}

/* m is the reply to frame (whose view is v): DESIGN §2, lib/net's contract. */
static void
check_reply(const struct rte_mbuf *m, const uint8_t *frame, const struct ss_net_view *v,
		bool offload)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t len = rte_pktmbuf_data_len(m), udp_len, payload;
	size_t alen = v->ip_version == 4 ? 4 : 16;
	size_t aoff = v->l3_off + (v->ip_version == 4 ? 12 : 8);
	struct ss_sip_msg rm;

	CHECK(m->nb_segs == 1);
	CHECK(len > v->payload_off);
	payload = len - v->payload_off;
	CHECK(payload <= v->payload_len + SS_FILTER_MAX_GROWTH);
	/* Ethernet addresses swapped, the tag (if any) and EtherType kept */
	CHECK(memcmp(f, frame + 6, 6) == 0 && memcmp(f + 6, frame, 6) == 0);
	CHECK(memcmp(f + 12, frame + 12, v->l2_len - 12) == 0);
	/* IP addresses swapped, lengths of what is there */
	CHECK(memcmp(f + aoff, frame + aoff + alen, alen) == 0);
	CHECK(memcmp(f + aoff + alen, frame + aoff, alen) == 0);
	udp_len = (uint16_t)(len - v->l4_off);
	if (v->ip_version == 4) {
		const struct rte_ipv4_hdr *ip = (const void *)(f + v->l3_off);
		uint32_t s;

		CHECK(rte_ipv4_hdr_len(ip) == v->l3_len);
		CHECK(rte_be_to_cpu_16(ip->total_length) == len - v->l3_off);
		CHECK(ip->time_to_live == 64);
		if (offload) {
			CHECK(ip->hdr_checksum == 0);
			CHECK(m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM);
		} else {
			s = sum16(f + v->l3_off, v->l3_len, 0);
			CHECK(s == 0xffff);
		}
	} else {
		const struct rte_ipv6_hdr *ip = (const void *)(f + v->l3_off);

		CHECK(rte_be_to_cpu_16(ip->payload_len) == udp_len);
		CHECK(ip->hop_limits == 64);
	}
	/* UDP ports swapped, length and checksum */
	CHECK(memcmp(f + v->l4_off, frame + v->l4_off + 2, 2) == 0);
	CHECK(memcmp(f + v->l4_off + 2, frame + v->l4_off, 2) == 0);
	CHECK(((uint32_t)f[v->l4_off + 4] << 8 | f[v->l4_off + 5]) == udp_len);
	check_udp_cksum(v, f, udp_len, offload);
	if (offload)
		CHECK(m->ol_flags & RTE_MBUF_F_TX_UDP_CKSUM);
	/* a whole SIP 423 or 302, nothing after its header section */
	CHECK(ss_sip_parse(&rm, f + v->payload_off, payload) == SS_SIP_RESPONSE);
	CHECK(rm.status == 423 || rm.status == 302);
	CHECK(rm.hdr_end == payload);
}

/* ss_ctr.h's invariants, on the arrival port's counters. */
static void
check_counters(const struct ss_counters *c)
{
	uint64_t pass = 0, drop = 0;

	CHECK(c->c[SS_CTR_RX] == c->c[SS_CTR_PASSED] + c->c[SS_CTR_ANSWERED] +
			c->c[SS_CTR_DROPPED]);
	for (int i = SS_CTR_PASS_FIRST; i <= SS_CTR_PASS_LAST; i++)
		pass += c->c[i];
	for (int i = SS_CTR_DROP_FIRST; i <= SS_CTR_DROP_LAST; i++)
		drop += c->c[i];
	CHECK(pass == c->c[SS_CTR_PASSED]);
	CHECK(drop == c->c[SS_CTR_DROPPED]);
	CHECK(c->c[SS_CTR_SENT_423] + c->c[SS_CTR_SENT_302] == c->c[SS_CTR_ANSWERED]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *pkts[MAX_COPIES], *view_m;
	const uint8_t *frame = data + 1;
	struct ss_burst_out out;
	struct ss_net_view v;
	unsigned int port, copies;
	uint64_t offloads;
	size_t len;
	uint8_t ctl;
	enum ss_net_class cls;

	if (size < 1 || size - 1 > DATA_ROOM)
		return 0;
	init_once();
	ctl = data[0];
	len = size - 1;
	copies = (ctl & C_COPIES) + 1u;
	port = ctl & C_INSIDE ? SS_PORT_INSIDE : SS_PORT_OUTSIDE;
	offloads = ctl & C_OFFLOAD ? RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM : 0;

	CHECK(ss_worker_ctx_init(w, ctl & C_NO_SCANNERS ? &filter_no_scan : &filter, scratch, &conf,
			offloads) == 0);
	if (ctl & C_LIMITS) {
		ss_rl_reset(rl);
		ss_worker_ctx_set_limits(w, rl);
	}
	/* the view of the frame as it came, for checking the replies */
	view_m = load(frame, len, ctl & C_CHAIN);
	cls = ss_net_classify(view_m, conf.sip_ports, conf.n_sip_ports, &v);

	for (unsigned int i = 0; i < copies; i++)
		pkts[i] = load(frame, len, ctl & C_CHAIN);
	ss_filter_burst_at(w, port, pkts, (uint16_t)copies, &out, NOW);

	CHECK(out.n_back + out.n_fwd <= copies);
	CHECK(w->ctr[port].c[SS_CTR_RX] == copies);
	check_counters(&w->ctr[port]);
	CHECK(w->ctr[port].c[SS_CTR_ANSWERED] == out.n_back);
	CHECK(w->ctr[port].c[SS_CTR_PASSED] == out.n_fwd);
	/* nothing from the inside port is looked at */
	CHECK(port == SS_PORT_OUTSIDE || out.n_fwd == copies);
	for (unsigned int i = 0; i < out.n_fwd; i++)
		CHECK(same_bytes(out.fwd[i], frame, len));
	for (unsigned int i = 0; i < out.n_back; i++) {
		CHECK(cls == SS_NET_SIP_UDP);
		check_reply(out.back[i], frame, &v, offloads != 0);
	}
	rte_pktmbuf_free_bulk(out.back, out.n_back);
	rte_pktmbuf_free_bulk(out.fwd, out.n_fwd);
	rte_pktmbuf_free(view_m);
	/* every mbuf back: what was dropped was freed, once */
	CHECK(rte_mempool_in_use_count(pool) == 0);
	return 0;
}
