/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Rate limits on an injected clock: HZ ticks per second, so that 1 tick is
 * a millisecond and every figure below can be counted by hand.
 */

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rte_eal.h>
#include <rte_memory.h>

#include "ss_ratelimit.h"

#define HZ 1000

static struct ss_rl *
make(uint32_t req_rate, uint32_t req_burst, uint32_t rep_rate, uint32_t rep_burst,
		uint32_t node_rate, uint32_t node_burst, uint32_t entries)
{
	struct ss_rl_params p = {
		.hz = HZ,
		.requests = {req_rate, req_burst},
		.replies = {rep_rate, rep_burst},
		.node = {node_rate, node_burst},
		.entries = entries,
		.seed = 0x5eed,
	};
	struct ss_rl *rl = ss_rl_create(&p, SOCKET_ID_ANY);

	assert_non_null(rl);
	return rl;
}

static struct ss_rl_source
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	uint8_t addr[16] = {a, b, c, d};
	struct ss_rl_source s;

	ss_rl_source_of(addr, 4, &s);
	return s;
}

/* Requests from s at time t that pass, of n. */
static unsigned int
requests(struct ss_rl *rl, struct ss_rl_source s, uint64_t t, unsigned int n)
{
	unsigned int ok = 0;

	for (unsigned int i = 0; i < n; i++)
		ok += ss_rl_request(rl, &s, t);
	return ok;
}

/* A token bucket: the burst at once, then the rate. */
static void
test_request_bucket(void **state)
{
	struct ss_rl *rl = make(10, 5, 1000, 2000, 0, 0, 1024);
	struct ss_rl_source a = v4(192, 0, 2, 1), b = v4(192, 0, 2, 2);
	unsigned int ok = 0;

	(void)state;
	assert_true(ss_rl_requests_limited(rl));
	assert_int_equal(requests(rl, a, 1000, 8), 5);
	/* another source has its own bucket */
	assert_int_equal(requests(rl, b, 1000, 8), 5);
	/* 10/s: one more every 100 ms, none before */
	assert_int_equal(requests(rl, a, 1099, 1), 0);
	assert_int_equal(requests(rl, a, 1100, 2), 1);
	/* over ten seconds at 50/s offered: 10/s pass */
	for (uint64_t t = 2000; t < 12000; t += 20)
		ok += requests(rl, a, t, 1);
	/* the full burst of 5 at 2000 ms, then one per 100 ms for 9.98 s */
	assert_int_equal(ok, 104);
	/* idle long enough, the whole burst again, never more */
	assert_int_equal(requests(rl, a, 100000, 9), 5);
	ss_rl_free(rl);
}

static void
test_requests_off(void **state)
{
	struct ss_rl *rl = make(0, 0, 1000, 2000, 0, 0, 1024);
	struct ss_rl_source a = v4(192, 0, 2, 1);
	struct ss_rl_stats st;

	(void)state;
	assert_false(ss_rl_requests_limited(rl));
	assert_int_equal(requests(rl, a, 0, 100000), 100000);
	/* no limit, no table entry */
	ss_rl_stats(rl, &st);
	assert_int_equal(st.inserted, 0);
	assert_int_equal(st.entries, 1024);
	ss_rl_free(rl);
}

/* Replies: the source's bucket, then the node's; a refusal charges neither. */
static void
test_reply_buckets(void **state)
{
	struct ss_rl *rl = make(0, 0, 2, 3, 4, 4, 1024);
	struct ss_rl_source a = v4(192, 0, 2, 1), b = v4(198, 51, 100, 7), c = v4(203, 0, 113, 9);

	(void)state;
	assert_int_equal(ss_rl_reply(rl, &a, 0), SS_RL_OK);
	assert_int_equal(ss_rl_reply(rl, &a, 0), SS_RL_OK);
	assert_int_equal(ss_rl_reply(rl, &a, 0), SS_RL_OK);
	assert_int_equal(ss_rl_reply(rl, &a, 0), SS_RL_OVER_SOURCE);
	/* a's refusals did not spend the node's tokens: one left of four */
	assert_int_equal(ss_rl_reply(rl, &a, 0), SS_RL_OVER_SOURCE);
	assert_int_equal(ss_rl_reply(rl, &b, 0), SS_RL_OK);
	assert_int_equal(ss_rl_reply(rl, &c, 0), SS_RL_OVER_NODE);
	assert_int_equal(ss_rl_reply(rl, &c, 0), SS_RL_OVER_NODE);
	/* node 4/s: one more at 250 ms; c's own bucket was never charged */
	assert_int_equal(ss_rl_reply(rl, &c, 250), SS_RL_OK);
	assert_int_equal(ss_rl_reply(rl, &c, 250), SS_RL_OVER_NODE);
	/* a: 2/s, so one at 500 ms */
	assert_int_equal(ss_rl_reply(rl, &a, 500), SS_RL_OK);
	ss_rl_free(rl);
}

/* IPv6 sources are /64 prefixes; an IPv4 address never shares with one. */
static void
test_sources(void **state)
{
	uint8_t x1[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, [15] = 1};
	uint8_t x2[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0xaa, [15] = 0xff};
	uint8_t y[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 3, [15] = 1};
	uint8_t four[16] = {0, 0, 0, 0, 0, 0, 0, 0, [15] = 1};
	struct ss_rl_source s1, s2, sy, s4, s6;
	struct ss_rl *rl = make(1, 2, 1000, 2000, 0, 0, 1024);

	(void)state;
	ss_rl_source_of(x1, 6, &s1);
	ss_rl_source_of(x2, 6, &s2);
	ss_rl_source_of(y, 6, &sy);
	assert_true(s1.bits == s2.bits);
	assert_int_equal(s1.bits, 0x20010db800010002ULL);
	assert_int_equal(v4(192, 0, 2, 1).bits, 0xc0000201ULL);
	/* two addresses of one /64 share a bucket */
	assert_int_equal(requests(rl, s1, 0, 1) + requests(rl, s2, 0, 5), 2);
	assert_int_equal(requests(rl, sy, 0, 5), 2);
	/* 0.0.0.1 and the IPv6 prefix 0:0:0:1::/64 are different sources */
	ss_rl_source_of(four, 4, &s4);
	four[7] = 1;
	ss_rl_source_of(four, 6, &s6);
	s4.bits = 1;
	s6.bits = 1;
	assert_int_equal(requests(rl, s4, 0, 5), 2);
	assert_int_equal(requests(rl, s6, 0, 5), 2);
	ss_rl_free(rl);
}

/*
 * A flood of one-off sources cannot wash away the state of a source that
 * keeps sending over its limit: it is always recent and always limited.
 */
static void
test_eviction(void **state)
{
	struct ss_rl *rl = make(1, 10, 1000, 2000, 0, 0, 1024);
	struct ss_rl_source heavy = v4(192, 0, 2, 66);
	struct ss_rl_stats st;
	unsigned int passed = 0;

	(void)state;
	/* 1/s with a burst of 10: after these, nothing for nine seconds */
	assert_int_equal(requests(rl, heavy, 0, 50), 10);
	for (uint32_t i = 0; i < 200000; i++) {
		struct ss_rl_source s = {.bits = 0x0a000000u + i, .family = 4};
		uint64_t t = i / 1000;	/* 200 one-off sources per ms */

		assert_true(ss_rl_request(rl, &s, t));
		if (i % 100 == 0)
			passed += requests(rl, heavy, t, 1);
	}
	/*
	 * 200,000 sources through 1,024 entries in 200 ms; had the heavy
	 * source been pushed out, it would have come back with a fresh burst
	 */
	ss_rl_stats(rl, &st);
	assert_true(st.evicted > 190000);
	assert_int_equal(passed, 0);
	assert_int_equal(requests(rl, heavy, 200, 5), 0);

	/* a full table of sources over their limit: the least recent goes */
	ss_rl_reset(rl);
	for (uint32_t i = 0; i < 2048; i++) {
		struct ss_rl_source s = {.bits = 0x0b000000u + i, .family = 4};

		requests(rl, s, 0, 11);
	}
	ss_rl_stats(rl, &st);
	assert_true(st.evicted_limited > 0);
	ss_rl_free(rl);
}

static void
test_top(void **state)
{
	struct ss_rl *rl = make(1, 1, 1, 1, 0, 0, 1024);
	struct ss_rl_top top[SS_RL_TOP + 4];
	int n;

	(void)state;
	/* nothing published yet */
	assert_int_equal(ss_rl_top_read(rl, top, SS_RL_TOP), 0);
	/* source i drops i requests; source 7 also drops 5 replies */
	for (uint8_t i = 1; i <= 40; i++)
		requests(rl, v4(192, 0, 2, i), 0, 1u + i);
	for (int i = 0; i < 6; i++)
		ss_rl_reply(rl, &(struct ss_rl_source){v4(192, 0, 2, 7).bits, 4}, 0);
	/* the list is the worker's until it publishes */
	assert_int_equal(ss_rl_top_read(rl, top, SS_RL_TOP), 0);
	ss_rl_publish(rl);
	n = ss_rl_top_read(rl, top, SS_RL_TOP + 4);
	assert_int_equal(n, SS_RL_TOP);
	/*
	 * heaviest first: 40 down to 10, and 7, whose reply drops (12 in
	 * all) pushed 9 out; 8 never made it
	 */
	assert_int_equal(top[0].src.bits, v4(192, 0, 2, 40).bits);
	assert_int_equal(top[0].drops_request, 40);
	for (int i = 1; i < n; i++)
		assert_true(top[i - 1].drops_request + top[i - 1].drops_reply >=
				top[i].drops_request + top[i].drops_reply);
	for (int i = 0; i < n; i++) {
		if (top[i].src.bits == v4(192, 0, 2, 7).bits) {
			assert_int_equal(top[i].drops_request, 7);
			assert_int_equal(top[i].drops_reply, 5);
		}
		assert_true(top[i].src.bits != v4(192, 0, 2, 8).bits);
	}
	/* cap */
	assert_int_equal(ss_rl_top_read(rl, top, 3), 3);
	assert_int_equal(top[2].drops_request, 38);
	ss_rl_free(rl);
}

static void
test_params(void **state)
{
	struct ss_rl_params p;
	struct ss_conf c;

	(void)state;
	ss_conf_defaults(&c);
	assert_int_equal(ss_rl_params_init(&p, &c, 2600000000ULL, 3), 0);
	assert_int_equal(p.requests.rate, 0);
	assert_int_equal(p.replies.rate, 1000);
	assert_int_equal(p.replies.burst, 2000);
	/* the node's share: the shares never add up to more than the node's limit */
	assert_int_equal(p.node.rate, 333333);
	assert_int_equal(p.node.burst, 666666);
	assert_int_equal(p.entries, 65536);
	c.replies_node = (struct ss_conf_limit){2, 1};
	assert_int_equal(ss_rl_params_init(&p, &c, 2600000000ULL, 4), 0);
	assert_int_equal(p.node.rate, 1);
	assert_int_equal(p.node.burst, 1);
	assert_int_equal(ss_rl_params_init(&p, &c, 2600000000ULL, 0), -EINVAL);
	/* a table too small for one set, or not a power of two */
	p.entries = SS_RL_WAYS / 2;
	assert_null(ss_rl_create(&p, SOCKET_ID_ANY));
	p.entries = 3000;
	assert_null(ss_rl_create(&p, SOCKET_ID_ANY));
}

/*
 * Reading the top list while its worker publishes: every copy is one the
 * worker published whole. Each publication has all counts equal, so a
 * torn copy would show two different values.
 */
struct reader {
	struct ss_rl *rl;
	volatile int stop;
	unsigned long reads, torn, again;
};

static void *
read_loop(void *arg)
{
	struct reader *r = arg;
	struct ss_rl_top top[SS_RL_TOP];

	while (!r->stop) {
		int n = ss_rl_top_read(r->rl, top, SS_RL_TOP);

		if (n < 0) {
			r->again++;
			continue;
		}
		r->reads++;
		for (int i = 1; i < n; i++)
			if (top[i].drops_request != top[0].drops_request)
				r->torn++;
	}
	return NULL;
}

static void
test_top_concurrent(void **state)
{
	struct reader r = {.rl = make(1, 1, 1000, 2000, 0, 0, 1024)};
	pthread_t th;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, read_loop, &r), 0);
	for (int round = 0; round < 20000; round++) {
		/* every source one more drop, then publish */
		for (uint8_t i = 0; i < SS_RL_TOP; i++)
			requests(r.rl, v4(10, 0, 0, i), 0, round == 0 ? 2 : 1);
		ss_rl_publish(r.rl);
	}
	r.stop = 1;
	pthread_join(th, NULL);
	print_message("%lu reads, %lu retried out\n", r.reads, r.again);
	assert_true(r.reads > 0);
	assert_int_equal(r.torn, 0);
	ss_rl_free(r.rl);
}

static int
setup(void **state)
{
	char *argv[] = {"ratelimit_test", "--no-huge", "--no-pci", "--no-shconf", "--no-telemetry",
		"-m", "64", "--log-level", "lib.eal:error", NULL};

	(void)state;
	return rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	rte_eal_cleanup();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_bucket),
		cmocka_unit_test(test_requests_off),
		cmocka_unit_test(test_reply_buckets),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_top_concurrent),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
