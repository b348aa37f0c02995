/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* Counter names and sums: no EAL needed. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ss_stats.h"

/* Telemetry dict keys and Prometheus names: [a-z0-9_], unique. */
static void
test_names(void **state)
{
	(void)state;
	for (int i = 0; i < SS_CTR_COUNT; i++) {
		const char *n = ss_ctr_name(i);

		assert_string_not_equal(n, "unknown");
		assert_true(strlen(n) > 0 && strlen(n) < 64);
		assert_int_equal(strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_"), strlen(n));
		assert_int_equal(ss_ctr_from_name(n), i);
	}
	assert_string_equal(ss_ctr_name(SS_CTR_COUNT), "unknown");
	assert_int_equal(ss_ctr_from_name("no_such_counter"), -ENOENT);
}

/* The req_* block follows enum ss_sip_method. */
static void
test_methods(void **state)
{
	char want[64];

	(void)state;
	for (int m = 0; m < SS_SIP_M_COUNT; m++) {
		const char *name = ss_sip_method_name(m);
		size_t i;

		snprintf(want, sizeof(want), "req_%s", name);
		for (i = 4; want[i] != '\0'; i++)
			want[i] = (char)(want[i] >= 'A' && want[i] <= 'Z' ? want[i] + 32 : want[i]);
		assert_string_equal(ss_ctr_name(ss_ctr_request(m)), want);
	}
	assert_int_equal(ss_ctr_request(SS_SIP_M_COUNT), SS_CTR_REQ_OTHER);
}

static void
test_sum(void **state)
{
	static struct ss_counters a, b, s;
	const struct ss_counters *v[3] = {&a, NULL, &b};

	(void)state;
	for (int i = 0; i < SS_CTR_COUNT; i++) {
		a.c[i] = (uint64_t)i;
		b.c[i] = 1000u + (uint64_t)i;
	}
	memset(&s, 0xff, sizeof(s));
	ss_counters_sum(&s, v, 3);
	for (int i = 0; i < SS_CTR_COUNT; i++)
		assert_int_equal(s.c[i], 1000u + 2u * (uint64_t)i);
	ss_counters_add(&s, &a);
	assert_int_equal(s.c[SS_CTR_TX], 1000u + 3u * SS_CTR_TX);
	assert_int_equal(sizeof(struct ss_counters) % RTE_CACHE_LINE_SIZE, 0);
	assert_int_equal(_Alignof(struct ss_counters), RTE_CACHE_LINE_SIZE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
