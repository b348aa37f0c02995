/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Micro-benchmark of the SIP engine: TSC cycles per message for the whole
 * decision (parse, Hyperscan, verdict, reply) on realistic messages, and
 * for the parse alone; each with scanner blocking off and on, so the
 * difference is what the User-Agent search and scan cost. Then the
 * per-burst stage over mbufs, with and without rate limits, for what the
 * limits cost per packet. Figures, not assertions: run with `meson test
 * --benchmark` or directly; prints tables (and JSON with --json).
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_udp.h>

#include "ss_burst.h"
#include "ss_filter.h"
#include "ss_test_util.h"

#define ROUNDS 7
#define ITERS 200000

/* 554 bytes: a softphone's REGISTER asking for 30 s (→ 423). */
static const char register_msg[] =
	"REGISTER sip:registrar.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.33:5060;rport;branch=z9hG4bK-524287-1---c8f1b1a4e6d2f2b1\r\n"
	"Max-Forwards: 70\r\n"
	"Contact: <sip:1001@192.0.2.33:5060;rinstance=8f2c5e1a3b7d9c04;transport=UDP>\r\n"
	"To: <sip:1001@registrar.example.com>\r\n"
	"From: <sip:1001@registrar.example.com>;tag=4f2a9c1e\r\n"
	"Call-ID: YzM0ZDFmNjk4NjE0ZTg2ZGM5YjI0NjQwNzBkMzQ5OTE\r\n"
	"CSeq: 2 REGISTER\r\n"
	"Expires: 30\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE\r\n"
	"Supported: replaces, outbound, path\r\n"
	"User-Agent: Zoiper v2.10.19.3\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

/* 888 bytes: an INVITE with SDP to a user who has not moved (→ pass). */
static const char invite_msg[] =
	"INVITE sip:2002@pbx.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-d8754z-7b1f6a3c2e9d4b10;rport\r\n"
	"Max-Forwards: 70\r\n"
	"Contact: <sip:1001@198.51.100.7:5060>\r\n"
	"To: <sip:2002@pbx.example.com>\r\n"
	"From: \"Alice\" <sip:1001@pbx.example.com>;tag=a73kszlfl\r\n"
	"Call-ID: 3848276298220188511@198.51.100.7\r\n"
	"CSeq: 102 INVITE\r\n"
	"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO\r\n"
	"Content-Type: application/sdp\r\n"
	"Supported: replaces, timer\r\n"
	"User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)\r\n"
	"Content-Length: 269\r\n"
	"\r\n"
	"v=0\r\n"
	"o=1001 3344 5566 IN IP4 198.51.100.7\r\n"
	"s=Talk\r\n"
	"c=IN IP4 198.51.100.7\r\n"
	"t=0 0\r\n"
	"m=audio 7078 RTP/AVP 96 0 8 18 101\r\n"
	"a=rtpmap:96 opus/48000/2\r\n"
	"a=fmtp:96 useinbandfec=1\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=fmtp:18 annexb=yes\r\n"
	"a=rtpmap:101 telephone-event/48000\r\n"
	"a=rtcp-fb:* trr-int 1000\r\n"
	"a=rtcp-fb:* ccm tmmbr\r\n"
	"a=sendrecv\r\n";

static const struct ss_sip_addr src = {.family = 4, .addr = {192, 0, 2, 33}, .port = 5060};

struct bench_case {
	const char *name;
	const char *msg;
	size_t len;
	const char *want;	/* expected reason: a wrong verdict makes figures void */
	const char *want_scan;	/* the same with scanners dropped (NULL: as want) */
};

static uint64_t
cycles_full(const struct ss_filter *f, struct ss_sip_scratch *s, const struct bench_case *c,
		const char *want)
{
	static char reply[70000];
	struct ss_filter_result r;
	struct ss_sip_msg sm;
	uint64_t best = UINT64_MAX;

	for (int round = 0; round < ROUNDS; round++) {
		uint64_t t0 = rte_rdtsc_precise();

		for (int i = 0; i < ITERS; i++)
			ss_filter_process(f, s, &sm, c->msg, c->len, &src, reply, sizeof(reply), &r);
		uint64_t t = rte_rdtsc_precise() - t0;

		if (t < best)
			best = t;
	}
	if (strcmp(ss_reason_name(r.reason), want) != 0) {
		fprintf(stderr, "%s: reason %s, expected %s\n", c->name, ss_reason_name(r.reason),
				want);
		exit(1);
	}
	return best;
}

static uint64_t
cycles_parse(const struct bench_case *c)
{
	struct ss_sip_msg sm;
	uint64_t best = UINT64_MAX;

	for (int round = 0; round < ROUNDS; round++) {
		uint64_t t0 = rte_rdtsc_precise();

		for (int i = 0; i < ITERS; i++) {
			ss_sip_parse(&sm, c->msg, c->len);
			__asm__ volatile("" : : "r"(&sm) : "memory");
		}
		uint64_t t = rte_rdtsc_precise() - t0;

		if (t < best)
			best = t;
	}
	return best;
}

static void
fill_table(struct ss_moved *t, int n)
{
	char text[64];
	struct ss_sip_key k;

	for (int i = 0; i < n; i++) {
		int len = snprintf(text, sizeof(text), "user%d@pbx.example.com", i);

		ss_sip_text_key(text, (size_t)len, &k);
		if (ss_moved_add(t, &k, "sip:moved@elsewhere.example.net", 31, false, 0) < 0)
			exit(1);
	}
}

/* msg with its User-Agent value replaced by ua (NULL: the line removed). */
static char *
with_agent(const char *msg, const char *ua, size_t *len)
{
	const char *line = strstr(msg, "User-Agent: ");
	const char *eol = strstr(line, "\r\n") + 2;
	char *out = malloc(strlen(msg) + 128);
	int n;

	if (out == NULL)
		exit(1);
	if (ua != NULL)
		n = sprintf(out, "%.*sUser-Agent: %s\r\n%s", (int)(line - msg), msg, ua, eol);
	else
		n = sprintf(out, "%.*s%s", (int)(line - msg), msg, eol);
	*len = (size_t)n;
	return out;
}

/* --- The per-burst stage, with and without rate limits -------------------- */

#define BURST 32
#define SOURCES 65536	/* the default sources_table: every source once per cycle */

struct burst_case {
	const char *name;
	const char *msg;
	bool answered;		/* turned around: each frame is rebuilt every burst */
	bool many;		/* a different source address for every packet */
	int limits;		/* 0: none, 1: the defaults, 2: also requests per source */
	enum ss_ctr want;	/* the counter every packet must land in */
};

/* An IPv4/UDP frame of msg to port 5060 in buf; returns its length. */
static uint16_t
make_frame(uint8_t *buf, const char *msg)
{
	size_t plen = strlen(msg);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	memset(buf, 0, sizeof(*eth) + sizeof(*ip) + sizeof(*udp));
	eth->src_addr.addr_bytes[0] = 0x02;
	eth->dst_addr.addr_bytes[0] = 0x02;
	eth->dst_addr.addr_bytes[5] = 0x5e;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + sizeof(*udp) + plen));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = RTE_BE32(0xc0000221);
	ip->dst_addr = RTE_BE32(0xc6336405);
	udp->src_port = RTE_BE16(5060);
	udp->dst_port = RTE_BE16(5060);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + plen));
	memcpy(udp + 1, msg, plen);
	return (uint16_t)(sizeof(*eth) + sizeof(*ip) + sizeof(*udp) + plen);
}

/* Best-of-ROUNDS TSC cycles per packet through ss_filter_burst_at(). */
static double
cycles_burst(struct ss_worker_ctx *w, struct rte_mempool *pool, const struct burst_case *c)
{
	static uint8_t frame[2048];
	uint16_t len = make_frame(frame, c->msg);
	struct rte_mbuf *m[BURST];
	struct ss_burst_out out;
	uint64_t best = UINT64_MAX, now = 0, step = rte_get_tsc_hz();
	uint32_t next_src = 0;

	if (rte_pktmbuf_alloc_bulk(pool, m, BURST) != 0)
		exit(1);
	for (int i = 0; i < BURST; i++)
		memcpy(rte_pktmbuf_append(m[i], len), frame, len);
	memset(w->ctr, 0, sizeof(w->ctr));
	for (int round = 0; round < ROUNDS; round++) {
		uint64_t t0 = rte_rdtsc_precise(), t;

		for (int it = 0; it < ITERS / BURST; it++) {
			for (int i = 0; i < BURST && (c->answered || c->many); i++) {
				uint8_t *p = rte_pktmbuf_mtod(m[i], uint8_t *);

				/* the same work with and without limits: only they differ */
				if (c->answered) {
					memcpy(p, frame, len);
					m[i]->data_len = m[i]->pkt_len = len;
				}
				if (c->many) {
					((struct rte_ipv4_hdr *)(p + 14))->src_addr =
						rte_cpu_to_be_32(0x0a000000u + (next_src++ % SOURCES));
				}
			}
			/* a second a burst: no bucket ever runs dry, no frame is dropped */
			now += step;
			ss_filter_burst_at(w, SS_PORT_OUTSIDE, m, BURST, &out, now);
		}
		t = rte_rdtsc_precise() - t0;
		if (t < best)
			best = t;
	}
	if (w->ctr[SS_PORT_OUTSIDE].c[c->want] != (uint64_t)ROUNDS * (ITERS / BURST) * BURST) {
		fprintf(stderr, "%s: %" PRIu64 " packets in %s, expected all\n", c->name,
				w->ctr[SS_PORT_OUTSIDE].c[c->want], ss_ctr_name(c->want));
		exit(1);
	}
	rte_pktmbuf_free_bulk(m, BURST);
	return (double)best / (ITERS / BURST * BURST);
}

static void
bench_bursts(const struct ss_filter *f, struct ss_sip_scratch *s, const struct ss_conf *conf,
		bool json)
{
	static const struct burst_case cases[] = {
		{"invite_pass", invite_msg, false, false, 0, SS_CTR_PASSED_NOT_MOVED},
		{"invite_pass", invite_msg, false, false, 2, SS_CTR_PASSED_NOT_MOVED},
		{"invite_pass_64k_src", invite_msg, false, true, 0, SS_CTR_PASSED_NOT_MOVED},
		{"invite_pass_64k_src", invite_msg, false, true, 2, SS_CTR_PASSED_NOT_MOVED},
		{"register_423", register_msg, true, false, 0, SS_CTR_SENT_423},
		{"register_423", register_msg, true, false, 1, SS_CTR_SENT_423},
		{"register_423_64k_src", register_msg, true, true, 0, SS_CTR_SENT_423},
		{"register_423_64k_src", register_msg, true, true, 1, SS_CTR_SENT_423},
	};
	static const char *const limit_names[] = {"none", "defaults", "+requests"};
	struct rte_mempool *pool = rte_pktmbuf_pool_create("bench", 255, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	struct ss_worker_ctx *w = rte_zmalloc("bench_w", sizeof(*w), RTE_CACHE_LINE_SIZE);
	struct ss_conf c = *conf;
	struct ss_rl_params p;

	if (pool == NULL || w == NULL)
		exit(1);
	if (!json)
		printf("\n%-22s %-10s %12s\n", "burst stage", "limits", "cycles/pkt");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ss_rl *rl = NULL;
		double cyc;

		if (ss_worker_ctx_init(w, f, s, &c, 0) != 0)
			exit(1);
		if (cases[i].limits != 0) {
			/* the defaults of DESIGN §2; requests at a rate no packet reaches */
			c.requests_per_source = cases[i].limits == 2 ?
				(struct ss_conf_limit){1000000, 2000000} : conf->requests_per_source;
			ss_rl_params_init(&p, &c, rte_get_tsc_hz(), 1);
			rl = ss_rl_create(&p, SOCKET_ID_ANY);
			if (rl == NULL)
				exit(1);
			ss_worker_ctx_set_limits(w, rl);
		}
		cyc = cycles_burst(w, pool, &cases[i]);
		if (json)
			printf("{\"burst\":\"%s\",\"limits\":\"%s\",\"cycles\":%.0f}\n", cases[i].name,
					limit_names[cases[i].limits], cyc);
		else
			printf("%-22s %-10s %12.0f\n", cases[i].name, limit_names[cases[i].limits],
					cyc);
		ss_rl_free(rl);
	}
	rte_free(w);
	rte_mempool_free(pool);
}

int
main(int argc, char **argv)
{
	char *eal[] = {"engine_bench", "--no-huge", "--no-pci", "--no-shconf", "--no-telemetry",
		"-m", "256", "--log-level", "lib.*:error", NULL};
	bool json = argc > 1 && strcmp(argv[1], "--json") == 0;
	struct ss_conf conf;
	struct ss_filter f, f_scan;
	const char *err;
	char ebuf[256];
	size_t wslen, no_ua_len, scan_len;
	char *wsinv = ss_test_read("rfc4475/wsinv.dat", &wslen);
	char *no_ua = with_agent(invite_msg, NULL, &no_ua_len);
	char *scanner = with_agent(invite_msg, "friendly-scanner", &scan_len);
	struct bench_case cases[] = {
		{"register_423", register_msg, sizeof(register_msg) - 1, "too_brief", NULL},
		{"invite_pass", invite_msg, sizeof(invite_msg) - 1, "not_moved", NULL},
		{"invite_no_ua", no_ua, no_ua_len, "not_moved", NULL},
		{"invite_scanner", scanner, scan_len, "not_moved", "scanner"},
		{"wsinv_pass", wsinv, wslen, "not_moved", NULL},
	};
	struct ss_sip_hs *hs;
	double hz;

	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0)
		return 1;
	hz = (double)rte_get_tsc_hz();
	ss_conf_defaults(&conf);
	/* the scanner database first: the scratch is made for both */
	hs = ss_sip_hs_create(&err);
	if (hs == NULL || ss_scanner_load(hs, NULL, ebuf, sizeof(ebuf)) < 0)
		return 1;
	ss_filter_init(&f, &conf, hs);
	f.drop_scanners = false;
	f.moved = ss_moved_create("bench", 2048, SOCKET_ID_ANY);
	fill_table(f.moved, 1000);
	f_scan = f;
	f_scan.drop_scanners = true;
	struct ss_sip_scratch *s = ss_sip_scratch_create(f.hs);

	if (!json)
		printf("%-14s %6s %12s %12s %10s %12s\n", "message", "bytes", "cycles/msg",
				"+scanners", "Mmsg/s", "parse only");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *want_scan = cases[i].want_scan != NULL ? cases[i].want_scan :
			cases[i].want;
		double full = (double)cycles_full(&f, s, &cases[i], cases[i].want) / ITERS;
		double scan = (double)cycles_full(&f_scan, s, &cases[i], want_scan) / ITERS;
		double parse = (double)cycles_parse(&cases[i]) / ITERS;

		if (json)
			printf("{\"message\":\"%s\",\"bytes\":%zu,\"cycles\":%.0f,\"cycles_scanners\":%.0f,\"parse_cycles\":%.0f,\"tsc_hz\":%.0f}\n",
					cases[i].name, cases[i].len, full, scan, parse, hz);
		else
			printf("%-14s %6zu %12.0f %12.0f %10.2f %12.0f\n", cases[i].name,
					cases[i].len, full, scan, hz / scan / 1e6, parse);
	}
	bench_bursts(&f_scan, s, &conf, json);
	free(wsinv);
	free(no_ua);
	free(scanner);
	return 0;
}
