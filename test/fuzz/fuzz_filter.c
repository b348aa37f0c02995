/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * libFuzzer target: one datagram through ss_filter_process(), the whole
 * per-message decision of the workers (parse, verdict, reply). Besides
 * the sanitizers' findings, it aborts when an outcome breaks DESIGN §2:
 * a reply that is not a well-formed SIP response with the right code, a
 * reply more than 64 bytes over the request, a reply that does not copy
 * the request's Via, From, Call-ID and CSeq or lacks a To tag, or a drop
 * of something that is SIP.
 *
 * Built with -fsanitize=fuzzer when meson's `fuzz` option is on
 * (scripts/fuzz.sh), and linked with replay_main.c in every build, which
 * runs test/data/fuzz-corpus through it under `meson test`.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_memory.h>

#include "ss_conf.h"
#include "ss_filter.h"
#include "ss_sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Not assert(): release builds define NDEBUG, and these checks must stay. */
#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_filter: %s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond); \
		abort(); \
	} \
} while (0)

static struct ss_filter filter;
static struct ss_sip_hs *hs;
static struct ss_sip_scratch *scratch;

/* A small table: host-bound, any-host, tel, IPv6 host, and the longest URI. */
static void
add_moved(const char *text, const char *uri, bool has_expires, uint32_t expires)
{
	struct ss_sip_key key;

	CHECK(ss_sip_text_key(text, strlen(text), &key) == SS_SIP_KEY_OK);
	CHECK(ss_moved_add(filter.moved, &key, uri, strlen(uri), has_expires, expires) == 0);
}

/*
 * At exit, before LeakSanitizer looks: the table's entries are reachable
 * only through the rte_hash in EAL memory, which LeakSanitizer does not
 * scan, so it would report them as leaks.
 */
static void
fini(void)
{
	ss_moved_free(filter.moved);
	ss_sip_scratch_free(scratch);
	ss_sip_hs_free(hs);
	rte_eal_cleanup();
}

static void
init_once(void)
{
	static bool done;
	/* let EAL's main thread run on every CPU: several fuzz jobs can share a host */
	char lcores[32];
	char *argv[] = {"fuzz_filter", "--no-huge", "--no-pci", "--no-shconf", "--no-telemetry",
		"-m", "64", "--lcores", lcores, "--log-level", "lib.*:error", NULL};
	static const uint8_t secret[SS_SIP_SECRET_LEN] = {
		0x5f, 0x1c, 0x0a, 0x9e, 0x3b, 0x7d, 0x24, 0xc8,
		0xe6, 0xa1, 0xf0, 0x9b, 0x8d, 0x3c, 0x7e, 0x25};
	char long_uri[SS_MOVED_URI_MAX + 1];
	struct ss_conf conf;
	const char *err;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (done)
		return;
	done = true;
	snprintf(lcores, sizeof(lcores), "0@(0-%ld)", ncpu > 1 ? ncpu - 1 : 0);
	CHECK(rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) >= 0);
	hs = ss_sip_hs_create(&err);
	CHECK(hs != NULL);
	scratch = ss_sip_scratch_create(hs);
	CHECK(scratch != NULL);

	ss_conf_defaults(&conf);
	/* more methods than the default INVITE, to reach the SUBSCRIBE-then-302 path */
	conf.redirect_methods |= (1u << SS_SIP_M_SUBSCRIBE) | (1u << SS_SIP_M_OPTIONS) |
		(1u << SS_SIP_M_MESSAGE);
	ss_filter_init(&filter, &conf, hs);
	memcpy(filter.secret, secret, sizeof(secret));
	filter.moved = ss_moved_create("fuzz_moved", 64, SOCKET_ID_ANY);
	CHECK(filter.moved != NULL);
	add_moved("bob@example.com", "sip:bob@pbx2.example.net", true, 3600);
	add_moved("user@example.com", "sip:user@moved.example.net", false, 0);
	add_moved("carol", "sips:carol@branch.example.net", false, 0);
	add_moved("+15551234567", "tel:+15557654321", false, 0);
	add_moved("user@[2001:db8::10]", "sip:user@[2001:db8::99]:5070", true, 60);
	add_moved("a%00b@example.com", "sip:nul@example.net", false, 0);
	/* a 302 this long over a short request must be refused as amplifying */
	memset(long_uri, 'x', sizeof(long_uri));
	memcpy(long_uri, "sip:", 4);
	long_uri[SS_MOVED_URI_MAX] = '\0';
	add_moved("big", long_uri, true, 4294967295u);
	CHECK(atexit(fini) == 0);
}

/* By name: reasons added later (DESIGN §2's scanner drop) need no new code here. */
static bool
reason_is(const struct ss_filter_result *res, const char *name)
{
	return strcmp(ss_reason_name(res->reason), name) == 0;
}

/* Same bytes in the reply as in the request? */
static bool
same_span(const struct ss_sip_msg *a, struct ss_sip_span sa, const struct ss_sip_msg *b,
		struct ss_sip_span sb)
{
	return sa.len == sb.len && memcmp(ss_sip_ptr(a, sa), ss_sip_ptr(b, sb), sa.len) == 0;
}

/* DESIGN §2 and RFC 3261 §8.2.6 on a reply, read back by our own parser. */
static void
check_answer(const uint8_t *data, size_t size, const struct ss_filter_result *res,
		const char *reply)
{
	struct ss_sip_msg req, rm;

	CHECK(res->code == (res->reason == SS_REASON_TOO_BRIEF ? 423 : 302));
	CHECK(res->reason == SS_REASON_TOO_BRIEF || res->reason == SS_REASON_MOVED);
	CHECK(res->reply_len <= size + SS_FILTER_MAX_GROWTH);
	CHECK(ss_sip_parse(&rm, reply, res->reply_len) == SS_SIP_RESPONSE);
	CHECK(rm.status == res->code);
	/* a reply is a header section and nothing more: Content-Length: 0 */
	CHECK(rm.hdr_end == res->reply_len);
	CHECK(rm.flags == 0);

	CHECK(ss_sip_parse(&req, data, size) == SS_SIP_REQUEST);
	/* every Via line in order (the top one edited), one From/To/Call-ID/CSeq */
	CHECK(rm.n_via == req.n_via);
	for (unsigned int i = 1; i < req.n_via; i++)
		CHECK(same_span(&req, req.via[i], &rm, rm.via[i]));
	CHECK(rm.has_from && rm.has_to && rm.has_call_id && rm.has_cseq);
	CHECK(same_span(&req, req.from, &rm, rm.from));
	CHECK(same_span(&req, req.call_id, &rm, rm.call_id));
	CHECK(same_span(&req, req.cseq, &rm, rm.cseq));
	CHECK(ss_sip_to_has_tag(&rm));
	/* the To of the request comes first, as it was */
	CHECK(rm.to.len >= req.to.len);
	CHECK(memcmp(ss_sip_ptr(&rm, rm.to), ss_sip_ptr(&req, req.to), req.to.len) == 0);
}

/*
 * Workers reuse one parse state for every packet, so a field that this
 * message's parse did not set still holds the last packet's. Make every
 * span start just past the input instead: reading one lands in the
 * redzone after the input, where ASan reports it.
 */
static void
poison(struct ss_sip_msg *sm, size_t size)
{
	const struct ss_sip_span past = {(uint16_t)size, 0xa5a5};

	memset(sm, 0xa5, sizeof(*sm));
	sm->method_tok = sm->ruri = past;
	sm->from = sm->to = sm->call_id = sm->cseq = sm->expires = past;
	for (unsigned int i = 0; i < SS_SIP_MAX_VIA; i++)
		sm->via[i] = past;
	for (unsigned int i = 0; i < SS_SIP_MAX_CONTACT; i++)
		sm->contact[i] = past;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* IPv4 or IPv6 source: decides received= and rport= */
	static const struct ss_sip_addr src4 = {.family = 4, .addr = {192, 0, 2, 1},
		.port = 5060};
	static const struct ss_sip_addr src6 = {.family = 6,
		.addr = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x01}, .port = 5070};
	struct ss_filter_result res;
	struct ss_sip_msg sm;
	char *reply;

	if (size > SS_SIP_MAX_LEN)
		return 0;	/* no UDP payload is larger */
	init_once();
	/* exactly the room the contract asks for, so that ASan sees any overrun */
	reply = malloc(size + SS_FILTER_MAX_GROWTH);
	CHECK(reply != NULL);
	poison(&sm, size);
	ss_filter_process(&filter, scratch, &sm, data, size, (size & 1) ? &src6 : &src4, reply,
			size + SS_FILTER_MAX_GROWTH, &res);

	switch (res.verdict) {
	case SS_VERDICT_ANSWER:
		check_answer(data, size, &res, reply);
		break;
	case SS_VERDICT_DROP:
		/* drop only garbage, a scanner's request, the ACK for our own 302 */
		CHECK(res.reply_len == 0);
		CHECK(res.reason == SS_REASON_NOT_SIP || res.reason == SS_REASON_ACK_OURS ||
				reason_is(&res, "scanner"));
		CHECK(res.reason != SS_REASON_NOT_SIP || res.kind == SS_SIP_NOT_SIP);
		CHECK(res.reason != SS_REASON_ACK_OURS || res.method == SS_SIP_M_ACK);
		break;
	default:
		CHECK(res.verdict == SS_VERDICT_PASS);
		CHECK(res.reply_len == 0);
		CHECK(res.reason < SS_REASON_COUNT);
		CHECK(res.reason != SS_REASON_NOT_SIP && res.reason != SS_REASON_ACK_OURS);
		CHECK(res.reason != SS_REASON_TOO_BRIEF && res.reason != SS_REASON_MOVED);
		CHECK(!reason_is(&res, "scanner"));
		break;
	}
	free(reply);
	return 0;
}
