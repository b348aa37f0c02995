/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Micro-benchmark of the SIP engine: TSC cycles per message for the whole
 * decision (parse, Hyperscan, verdict, reply) on realistic messages, and
 * for the parse alone. Figures, not assertions: run with `meson test
 * --benchmark` or directly; prints a table (and JSON with --json).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_memory.h>

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
};

static uint64_t
cycles_full(const struct ss_filter *f, struct ss_sip_scratch *s, const struct bench_case *c)
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
	if (strcmp(ss_reason_name(r.reason), c->want) != 0) {
		fprintf(stderr, "%s: reason %s, expected %s\n", c->name, ss_reason_name(r.reason),
				c->want);
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

int
main(int argc, char **argv)
{
	char *eal[] = {"engine_bench", "--no-huge", "--no-pci", "--no-shconf", "--no-telemetry",
		"-m", "128", "--log-level", "lib.*:error", NULL};
	bool json = argc > 1 && strcmp(argv[1], "--json") == 0;
	struct ss_conf conf;
	struct ss_filter f;
	const char *err;
	size_t wslen;
	char *wsinv = ss_test_read("rfc4475/wsinv.dat", &wslen);
	struct bench_case cases[] = {
		{"register_423", register_msg, sizeof(register_msg) - 1, "too_brief"},
		{"invite_pass", invite_msg, sizeof(invite_msg) - 1, "not_moved"},
		{"wsinv_pass", wsinv, wslen, "not_moved"},
	};
	double hz;

	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0)
		return 1;
	hz = (double)rte_get_tsc_hz();
	ss_conf_defaults(&conf);
	ss_filter_init(&f, &conf, ss_sip_hs_create(&err));
	f.moved = ss_moved_create("bench", 2048, SOCKET_ID_ANY);
	fill_table(f.moved, 1000);
	struct ss_sip_scratch *s = ss_sip_scratch_create(f.hs);

	if (!json)
		printf("%-14s %6s %12s %12s %10s\n", "message", "bytes", "cycles/msg",
				"parse only", "Mmsg/s");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double full = (double)cycles_full(&f, s, &cases[i]) / ITERS;
		double parse = (double)cycles_parse(&cases[i]) / ITERS;

		if (json)
			printf("{\"message\":\"%s\",\"bytes\":%zu,\"cycles\":%.0f,\"parse_cycles\":%.0f,\"tsc_hz\":%.0f}\n",
					cases[i].name, cases[i].len, full, parse, hz);
		else
			printf("%-14s %6zu %12.0f %12.0f %10.2f\n", cases[i].name, cases[i].len, full,
					parse, hz / full / 1e6);
	}
	free(wsinv);
	return 0;
}
