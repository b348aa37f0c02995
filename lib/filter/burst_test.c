/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The per-burst stage as the workers run it: frames in real mbufs from a
 * mempool, time injected through ss_filter_burst_at(). Checks the order of
 * DESIGN §2 where it needs the clock and the worker's state (rate limits),
 * the malformed frames of every kind, and that every frame ends in one
 * group and one reason of lib/stats, with no mbuf lost.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_udp.h>

#include "ss_burst.h"
#include "ss_net.h"

#define HZ 1000000ULL		/* the injected clock: 1 tick = 1 µs */
#define DATA_ROOM 10240		/* one segment holds a 9,000-byte jumbo frame */

static struct rte_mempool *pool;
static struct ss_filter filter;
static struct ss_sip_hs *hs;
static struct ss_sip_scratch *scratch;
static struct ss_conf conf;
static struct ss_worker_ctx *w;

static const uint8_t client_mac[6] = {0x02, 0, 0, 0, 0, 0xc1};
static const uint8_t shield_mac[6] = {0x02, 0, 0, 0, 0, 0x5e};
static const uint8_t server_ip[4] = {198, 51, 100, 5};

/* --- Frames ------------------------------------------------------------- */

struct src {
	uint8_t ip[4];
	uint16_t port;
};

static const struct src A = {{192, 0, 2, 10}, 5062};
static const struct src B = {{192, 0, 2, 11}, 5062};

/* An IPv4/UDP frame to port 5060 from s, in one mbuf of the pool. */
static struct rte_mbuf *
frame(const struct src *s, const void *payload, size_t plen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	size_t len = sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) +
		sizeof(struct rte_udp_hdr) + plen;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;

	assert_non_null(m);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(eth);
	memcpy(&eth->dst_addr, shield_mac, 6);
	memcpy(&eth->src_addr, client_mac, 6);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - sizeof(*eth)));
	ip->time_to_live = 57;
	ip->next_proto_id = IPPROTO_UDP;
	memcpy(&ip->src_addr, s->ip, 4);
	memcpy(&ip->dst_addr, server_ip, 4);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp = (struct rte_udp_hdr *)(ip + 1);
	udp->src_port = rte_cpu_to_be_16(s->port);
	udp->dst_port = RTE_BE16(5060);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + plen));
	udp->dgram_cksum = 0;
	memcpy(udp + 1, payload, plen);
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	return m;
}

static struct rte_mbuf *
sip(const struct src *s, const char *text)
{
	return frame(s, text, strlen(text));
}

static const char *
register_30(const char *call_id)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "REGISTER sip:example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-%s\r\n"
		"From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:alice@example.com>\r\n"
		"Call-ID: %s\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@192.0.2.10:5062>\r\n"
		"Expires: 30\r\nMax-Forwards: 70\r\nUser-Agent: burst_test/1.0\r\n"
		"Content-Length: 0\r\n\r\n", call_id, call_id);
	return buf;
}

static const char invite_zed[] = "INVITE sip:zed@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-i\r\n"
	"From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:zed@example.com>\r\n"
	"Call-ID: i1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

static const char response_200[] = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.51.100.5\r\n"
	"From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: r\r\nCSeq: 1 OPTIONS\r\n\r\n";

/* --- Running bursts ------------------------------------------------------- */

/* What one burst did, and the frames, freed. */
struct outcome {
	uint16_t back, fwd, dropped;
};

static struct outcome
run_at(struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	struct ss_burst_out out;
	struct outcome o;

	ss_filter_burst_at(w, SS_PORT_OUTSIDE, pkts, n, &out, now);
	o.back = out.n_back;
	o.fwd = out.n_fwd;
	o.dropped = (uint16_t)(n - out.n_back - out.n_fwd);
	rte_pktmbuf_free_bulk(out.back, out.n_back);
	rte_pktmbuf_free_bulk(out.fwd, out.n_fwd);
	return o;
}

static uint64_t
ctr(enum ss_ctr c)
{
	return w->ctr[SS_PORT_OUTSIDE].c[c];
}

/* ss_ctr.h's invariants hold, and no mbuf is left out of the pool. */
static void
check_invariants(void)
{
	const struct ss_counters *c = &w->ctr[SS_PORT_OUTSIDE];
	uint64_t pass = 0, drop = 0;

	assert_int_equal(c->c[SS_CTR_RX],
			c->c[SS_CTR_PASSED] + c->c[SS_CTR_ANSWERED] + c->c[SS_CTR_DROPPED]);
	for (int i = SS_CTR_PASS_FIRST; i <= SS_CTR_PASS_LAST; i++)
		pass += c->c[i];
	for (int i = SS_CTR_DROP_FIRST; i <= SS_CTR_DROP_LAST; i++)
		drop += c->c[i];
	assert_int_equal(pass, c->c[SS_CTR_PASSED]);
	assert_int_equal(drop, c->c[SS_CTR_DROPPED]);
	assert_int_equal(c->c[SS_CTR_SENT_423] + c->c[SS_CTR_SENT_302], c->c[SS_CTR_ANSWERED]);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
}

/* A fresh worker with these limits (rate 0 requests: off), counters zero. */
static struct ss_rl *
worker_with(struct ss_conf_limit req, struct ss_conf_limit rep, struct ss_conf_limit node)
{
	struct ss_rl_params p = {.hz = HZ, .requests = req, .replies = rep, .node = node,
		.entries = 1024, .seed = 7};
	struct ss_rl *rl = ss_rl_create(&p, SOCKET_ID_ANY);

	assert_non_null(rl);
	assert_int_equal(ss_worker_ctx_init(w, &filter, scratch, &conf, 0), 0);
	ss_worker_ctx_set_limits(w, rl);
	return rl;
}

/* --- Tests ---------------------------------------------------------------- */

/* DESIGN §2: any other request → pass, unless its source is over its request limit. */
static void
test_request_limit(void **state)
{
	struct ss_rl *rl = worker_with((struct ss_conf_limit){2, 2},
			(struct ss_conf_limit){1000, 2000}, (struct ss_conf_limit){1000000, 2000000});
	struct rte_mbuf *pkts[16];
	struct ss_rl_top top[4];
	struct outcome o;

	(void)state;
	for (int i = 0; i < 4; i++)
		pkts[i] = sip(&A, invite_zed);
	pkts[4] = sip(&B, invite_zed);
	/* responses, keep-alives and other traffic are never request-limited */
	for (int i = 5; i < 8; i++)
		pkts[i] = sip(&A, response_200);
	pkts[8] = sip(&A, "\r\n\r\n");
	pkts[9] = frame(&A, "GET / HTTP/1.0\r\n\r\n", 18);
	o = run_at(pkts, 10, 5 * HZ);
	assert_int_equal(o.fwd, 2 + 1 + 3 + 1);
	assert_int_equal(o.dropped, 2 + 1);
	assert_int_equal(ctr(SS_CTR_DROPPED_REQUEST_LIMIT), 2);
	assert_int_equal(ctr(SS_CTR_DROPPED_NOT_SIP), 1);
	assert_int_equal(ctr(SS_CTR_REQ_INVITE), 5);
	/* half a second later at 2/s: one more */
	pkts[0] = sip(&A, invite_zed);
	pkts[1] = sip(&A, invite_zed);
	o = run_at(pkts, 2, 5 * HZ + HZ / 2);
	assert_int_equal(o.fwd, 1);
	assert_int_equal(ctr(SS_CTR_DROPPED_REQUEST_LIMIT), 3);
	check_invariants();
	/* the source with the drops, as telemetry reads it */
	assert_int_equal(ss_rl_top_read(rl, top, 4), 1);
	assert_int_equal(top[0].src.bits, 0xc000020aULL);
	assert_int_equal(top[0].drops_request, 3);
	assert_int_equal(top[0].drops_reply, 0);
	ss_rl_free(rl);
}

/* DESIGN §2: a request that earns a 423 over the reply limit is dropped, never passed. */
static void
test_reply_limit(void **state)
{
	struct ss_rl *rl = worker_with((struct ss_conf_limit){0, 0}, (struct ss_conf_limit){1, 2},
			(struct ss_conf_limit){1000000, 2000000});
	struct rte_mbuf *pkts[8];
	struct outcome o;

	(void)state;
	for (int i = 0; i < 4; i++)
		pkts[i] = sip(&A, register_30("r1"));
	pkts[4] = sip(&B, register_30("r2"));
	o = run_at(pkts, 5, HZ);
	assert_int_equal(o.back, 2 + 1);
	assert_int_equal(o.dropped, 2);
	assert_int_equal(o.fwd, 0);
	assert_int_equal(ctr(SS_CTR_SENT_423), 3);
	assert_int_equal(ctr(SS_CTR_DROPPED_REPLY_LIMIT), 2);
	/* a request that earns nothing still passes: replies are not requests */
	pkts[0] = sip(&A, invite_zed);
	o = run_at(pkts, 1, HZ);
	assert_int_equal(o.fwd, 1);
	/* one second later, one more reply */
	pkts[0] = sip(&A, register_30("r1"));
	pkts[1] = sip(&A, register_30("r1"));
	o = run_at(pkts, 2, 2 * HZ);
	assert_int_equal(o.back, 1);
	assert_int_equal(ctr(SS_CTR_DROPPED_REPLY_LIMIT), 3);
	check_invariants();
	ss_rl_free(rl);

	/* the node's limit (this worker's share) holds for all sources together */
	rl = worker_with((struct ss_conf_limit){0, 0}, (struct ss_conf_limit){1000, 2000},
			(struct ss_conf_limit){1, 1});
	pkts[0] = sip(&A, register_30("n1"));
	pkts[1] = sip(&B, register_30("n2"));
	o = run_at(pkts, 2, HZ);
	assert_int_equal(o.back, 1);
	assert_int_equal(ctr(SS_CTR_DROPPED_REPLY_LIMIT), 1);
	check_invariants();
	ss_rl_free(rl);
}

/* Without limits (the benchmark's setup) nothing is limited. */
static void
test_no_limits(void **state)
{
	struct rte_mbuf *pkts[SS_BURST_MAX];
	struct outcome o;

	(void)state;
	assert_int_equal(ss_worker_ctx_init(w, &filter, scratch, &conf, 0), 0);
	assert_null(w->rl);
	for (int i = 0; i < SS_BURST_MAX; i++)
		pkts[i] = sip(&A, i & 1 ? invite_zed : register_30("x"));
	o = run_at(pkts, SS_BURST_MAX, 0);
	assert_int_equal(o.back, SS_BURST_MAX / 2);
	assert_int_equal(o.fwd, SS_BURST_MAX / 2);
	check_invariants();
}

/* The scanner rule at the burst: dropped and counted, never answered. */
static void
test_scanner(void **state)
{
	struct rte_mbuf *pkts[2];
	char msg[1024];
	struct outcome o;
	struct ss_rl *rl = worker_with((struct ss_conf_limit){0, 0},
			(struct ss_conf_limit){1000, 2000}, (struct ss_conf_limit){1000000, 2000000});

	(void)state;
	snprintf(msg, sizeof(msg), "%s", register_30("s1"));
	memcpy(strstr(msg, "burst_test/1.0"), "sipvicious/0.3", 14);
	pkts[0] = sip(&A, msg);
	pkts[1] = sip(&A, register_30("s2"));
	o = run_at(pkts, 2, 0);
	assert_int_equal(o.dropped, 1);
	assert_int_equal(o.back, 1);
	assert_int_equal(ctr(SS_CTR_DROPPED_SCANNER), 1);
	check_invariants();
	ss_rl_free(rl);
}

/*
 * Safe rollout at the burst: monitor mode passes every frame untouched and
 * counts would_*; a rule switched off is not applied; both take effect
 * from the next burst, with the filter's one word changed in between.
 */
static void
test_monitor_and_rules(void **state)
{
	struct rte_mbuf *pkts[4], *copy[4];
	struct ss_burst_out out;
	char scan[1024];
	uint8_t before[4][2048];
	uint32_t len[4];
	struct outcome o;
	struct ss_rl *rl = worker_with((struct ss_conf_limit){0, 0},
			(struct ss_conf_limit){1000, 2000}, (struct ss_conf_limit){1000000, 2000000});
	uint32_t saved = ss_filter_rules(&filter);

	(void)state;
	snprintf(scan, sizeof(scan), "%s", register_30("m1"));
	memcpy(strstr(scan, "burst_test/1.0"), "sipvicious/0.3", 14);

	/* monitor: a 423, a scanner, garbage, a pass: all four leave as they came */
	ss_filter_set_rules(&filter, saved | SS_RULE_MONITOR);
	pkts[0] = sip(&A, register_30("m2"));
	pkts[1] = sip(&A, scan);
	pkts[2] = sip(&A, "garbage\r\n\r\n");
	pkts[3] = sip(&A, invite_zed);
	for (int i = 0; i < 4; i++) {
		len[i] = rte_pktmbuf_data_len(pkts[i]);
		memcpy(before[i], rte_pktmbuf_mtod(pkts[i], void *), len[i]);
		copy[i] = pkts[i];
	}
	ss_filter_burst_at(w, SS_PORT_OUTSIDE, pkts, 4, &out, 0);
	assert_int_equal(out.n_back, 0);
	assert_int_equal(out.n_fwd, 4);
	for (int i = 0; i < 4; i++) {
		assert_ptr_equal(out.fwd[i], copy[i]);
		assert_int_equal(rte_pktmbuf_data_len(out.fwd[i]), len[i]);
		assert_memory_equal(rte_pktmbuf_mtod(out.fwd[i], void *), before[i], len[i]);
	}
	rte_pktmbuf_free_bulk(out.fwd, out.n_fwd);
	assert_int_equal(ctr(SS_CTR_WOULD_423), 1);
	assert_int_equal(ctr(SS_CTR_WOULD_DROP_SCANNER), 1);
	assert_int_equal(ctr(SS_CTR_WOULD_DROP_NOT_SIP), 1);
	assert_int_equal(ctr(SS_CTR_PASSED_MONITOR), 3);
	assert_int_equal(ctr(SS_CTR_SENT_423) + ctr(SS_CTR_DROPPED), 0);
	check_invariants();

	/* enforce with answer_423, drop_scanners and drop_not_sip off */
	ss_filter_set_rules(&filter, saved & ~(SS_RULE_423 | SS_RULE_SCANNERS | SS_RULE_NOT_SIP));
	pkts[0] = sip(&A, register_30("m3"));
	pkts[1] = sip(&A, scan);
	pkts[2] = sip(&A, "garbage\r\n\r\n");
	o = run_at(pkts, 3, 0);
	assert_int_equal(o.fwd, 3);
	assert_int_equal(ctr(SS_CTR_PASSED_NOT_SIP), 1);
	assert_int_equal(ctr(SS_CTR_SENT_423) + ctr(SS_CTR_DROPPED_SCANNER), 0);
	check_invariants();

	/* back to the config's rules: the next burst answers and drops again */
	ss_filter_set_rules(&filter, saved);
	pkts[0] = sip(&A, register_30("m4"));
	pkts[1] = sip(&A, scan);
	o = run_at(pkts, 2, 0);
	assert_int_equal(o.back, 1);
	assert_int_equal(o.dropped, 1);
	check_invariants();
	ss_rl_free(rl);
}

/*
 * Malformed input at the burst: an empty datagram, a body shorter than
 * Content-Length, a frame shorter than its IP length, a chained mbuf, a
 * jumbo frame in one segment, a multicast source MAC. What passes leaves
 * byte for byte as it came.
 */
static void
test_malformed(void **state)
{
	struct rte_mbuf *pkts[8], *m, *tail;
	static char jumbo[9000];
	uint8_t copy[2][2048];
	struct ss_burst_out out;
	char msg[1024];
	size_t n;

	(void)state;
	assert_int_equal(ss_worker_ctx_init(w, &filter, scratch, &conf, 0), 0);

	/* zero-length UDP payload: not SIP (no first line), dropped and counted */
	pkts[0] = frame(&A, "", 0);
	/* Content-Length larger than the body: passes untouched, counted */
	snprintf(msg, sizeof(msg), "%s", register_30("t1"));
	strcpy(strstr(msg, "Content-Length: 0"), "Content-Length: 10\r\n\r\nshort");
	pkts[1] = sip(&A, msg);
	memcpy(copy[0], rte_pktmbuf_mtod(pkts[1], void *), rte_pktmbuf_data_len(pkts[1]));
	/* an IP length past the data: passes untouched, counted */
	pkts[2] = sip(&A, register_30("t2"));
	rte_pktmbuf_mtod_offset(pkts[2], struct rte_ipv4_hdr *, 14)->total_length = RTE_BE16(1400);
	memcpy(copy[1], rte_pktmbuf_mtod(pkts[2], void *), rte_pktmbuf_data_len(pkts[2]));
	/* a group address as source MAC: no reply to it */
	pkts[3] = sip(&A, register_30("t3"));
	rte_pktmbuf_mtod(pkts[3], struct rte_ether_hdr *)->src_addr.addr_bytes[0] |= 1;
	/* two segments: passes untouched */
	pkts[4] = sip(&A, register_30("t4"));
	tail = rte_pktmbuf_alloc(pool);
	assert_non_null(tail);
	assert_non_null(rte_pktmbuf_append(tail, 10));
	assert_int_equal(rte_pktmbuf_chain(pkts[4], tail), 0);
	/* 9,000 bytes in one segment: answered like any other */
	snprintf(msg, sizeof(msg), "%s", register_30("t5"));
	n = strlen(msg);
	memcpy(jumbo, msg, n - 2);
	memset(jumbo + n - 2, 'x', sizeof(jumbo) - n);
	memcpy(jumbo + n - 2, "X-Pad: ", 7);
	memcpy(jumbo + sizeof(jumbo) - 4, "\r\n\r\n", 4);
	pkts[5] = frame(&A, jumbo, sizeof(jumbo));
	assert_int_equal(pkts[5]->nb_segs, 1);

	ss_filter_burst_at(w, SS_PORT_OUTSIDE, pkts, 6, &out, 0);
	assert_int_equal(ctr(SS_CTR_DROPPED_NOT_SIP), 1);
	assert_int_equal(ctr(SS_CTR_PASSED_TRUNCATED), 1);
	assert_int_equal(ctr(SS_CTR_UNFILTERED_BAD_LEN), 1);
	assert_int_equal(ctr(SS_CTR_PASSED_BAD_SOURCE), 1);
	assert_int_equal(ctr(SS_CTR_UNFILTERED_MULTISEG), 1);
	assert_int_equal(ctr(SS_CTR_SENT_423), 1);
	assert_int_equal(out.n_fwd, 4);
	assert_int_equal(out.n_back, 1);
	assert_ptr_equal(out.fwd[0], pkts[1]);
	assert_memory_equal(rte_pktmbuf_mtod(pkts[1], void *), copy[0],
			rte_pktmbuf_data_len(pkts[1]));
	assert_ptr_equal(out.fwd[1], pkts[2]);
	assert_memory_equal(rte_pktmbuf_mtod(pkts[2], void *), copy[1],
			rte_pktmbuf_data_len(pkts[2]));
	assert_ptr_equal(out.fwd[3], pkts[4]);
	assert_int_equal(out.fwd[3]->nb_segs, 2);
	/* the jumbo's reply: a small frame whose lengths agree */
	m = out.back[0];
	assert_ptr_equal(m, pkts[5]);
	{
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
		uint16_t ck = ip->hdr_checksum, uck = udp->dgram_cksum;

		assert_int_equal(rte_be_to_cpu_16(ip->total_length), m->data_len - 14);
		assert_int_equal(rte_be_to_cpu_16(udp->dgram_len), m->data_len - 34);
		ip->hdr_checksum = 0;
		assert_int_equal(rte_ipv4_cksum(ip), ck);
		udp->dgram_cksum = 0;
		assert_int_equal(rte_ipv4_udptcp_cksum(ip, udp), uck);
		assert_memory_equal(udp + 1, "SIP/2.0 423 ", 12);
	}
	rte_pktmbuf_free_bulk(out.back, out.n_back);
	rte_pktmbuf_free_bulk(out.fwd, out.n_fwd);
	check_invariants();
}

/* --- Set-up ----------------------------------------------------------------- */

static int
setup(void **state)
{
	char *argv[] = {"burst_test", "--no-huge", "--no-pci", "--no-shconf", "--no-telemetry",
		"-m", "128", "--log-level", "lib.eal:error", NULL};
	struct ss_sip_key k;
	const char *err;
	char ebuf[256];

	(void)state;
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("burst_test", 255, 0, 0,
			DATA_ROOM + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	hs = ss_sip_hs_create(&err);
	if (pool == NULL || hs == NULL || ss_scanner_load(hs, NULL, ebuf, sizeof(ebuf)) <= 0)
		return -1;
	scratch = ss_sip_scratch_create(hs);
	w = rte_zmalloc("burst_test_w", sizeof(*w), RTE_CACHE_LINE_SIZE);
	if (scratch == NULL || w == NULL)
		return -1;
	ss_conf_defaults(&conf);
	ss_filter_init(&filter, &conf, hs);
	memcpy(filter.secret, "0123456789abcdef", SS_SIP_SECRET_LEN);
	filter.moved = ss_moved_create("burst_test", 64, SOCKET_ID_ANY);
	if (filter.moved == NULL || ss_sip_text_key("bob@example.com", 15, &k) != SS_SIP_KEY_OK ||
			ss_moved_add(filter.moved, &k, "sip:bob@new.example", 19, false, 0) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ss_moved_free(filter.moved);
	rte_free(w);
	ss_sip_scratch_free(scratch);
	ss_sip_hs_free(hs);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_limit),
		cmocka_unit_test(test_reply_limit),
		cmocka_unit_test(test_no_limits),
		cmocka_unit_test(test_scanner),
		cmocka_unit_test(test_monitor_and_rules),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
