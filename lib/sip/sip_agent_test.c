/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* The scanner User-Agent database: what matches, what does not, what is refused. */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ss_sip.h"

static struct ss_sip_hs *hs;
static struct ss_sip_scratch *scratch;

/* Is the request with this User-Agent line a scanner's? */
static bool
scanner(const char *ua_line)
{
	char buf[512];
	struct ss_sip_msg m;
	int n = snprintf(buf, sizeof(buf),
			"OPTIONS sip:100@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.9\r\n"
			"%sContent-Length: 0\r\n\r\n", ua_line);

	assert_int_equal(ss_sip_parse_start(&m, buf, (size_t)n), SS_SIP_REQUEST);
	assert_true(ss_sip_find_end_ua(&m));
	return ss_sip_is_scanner(&m, hs, scratch);
}

static int
setup(void **state)
{
	static const char *const patterns[] = {"friendly-scanner", "sipcli/", "^sipsak",
		"^Nmap NSE", "VaxSIPUserAgent"};
	const char *err = NULL;
	unsigned int bad;

	(void)state;
	hs = ss_sip_hs_create(&err);
	if (hs == NULL)
		return -1;
	assert_int_equal(ss_sip_hs_agents(hs), 0);
	if (ss_sip_hs_set_agents(hs, patterns, 5, &bad, &err) != 0)
		return -1;
	scratch = ss_sip_scratch_create(hs);
	return scratch == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	ss_sip_scratch_free(scratch);
	ss_sip_hs_free(hs);
	return 0;
}

/* The verdicts of test_match, every one of them. */
static void
match_all(void)
{
	assert_true(scanner("User-Agent: friendly-scanner\r\n"));
	assert_true(scanner("user-agent:FRIENDLY-SCANNER\r\n"));
	assert_true(scanner("User-Agent: x friendly-scanner y\r\n"));
	assert_true(scanner("User-Agent: sipcli/v1.8\r\n"));
	assert_true(scanner("User-Agent: sipsak 0.9.8.1\r\n"));
	assert_true(scanner("User-Agent: SIPSAK\r\n"));
	assert_true(scanner("User-Agent: Nmap NSE\r\n"));
	assert_true(scanner("User-Agent: VaxSIPUserAgent/3.1\r\n"));
	/* anchored patterns only at the start; sipcli/ not inside a word */
	assert_false(scanner("User-Agent: my sipsak wrapper\r\n"));
	assert_false(scanner("User-Agent: not Nmap NSE\r\n"));
	assert_false(scanner("User-Agent: MySIPClient 2.0\r\n"));
	assert_false(scanner("User-Agent: friendly-scan\r\n"));
	assert_false(scanner("User-Agent: Zoiper rv2.10.19\r\n"));
	/* no User-Agent, an empty one, the name elsewhere */
	assert_false(scanner(""));
	assert_false(scanner("User-Agent:\r\n"));
	assert_false(scanner("Server: friendly-scanner\r\n"));
	assert_false(scanner("X-User-Agent: friendly-scanner\r\n"));
}

static void
test_match(void **state)
{
	(void)state;
	assert_int_equal(ss_sip_hs_agents(hs), 5);
	/* twice: the second time from the worker's cache of recent agents */
	for (int pass = 0; pass < 2; pass++)
		match_all();
	/* longer than the cache holds: scanned every time */
	assert_true(scanner("User-Agent: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			"friendly-scanner\r\n"));
	assert_true(scanner("User-Agent: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			"friendly-scanner\r\n"));
	assert_false(scanner("User-Agent: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			"friendly-scanne\r\n"));
	/* many agents through the 64 slots: every verdict stays exact */
	for (int i = 0; i < 1000; i++) {
		char line[64];

		snprintf(line, sizeof(line), "User-Agent: %s%d\r\n",
				i % 3 == 0 ? "sipcli/v" : "softphone ", i);
		assert_int_equal(scanner(line), i % 3 == 0);
		assert_int_equal(scanner(line), i % 3 == 0);
	}
}

/* Pattern bytes are literals: regex syntax means nothing. */
static void
test_literal(void **state)
{
	static const char *const patterns[] = {"a.b", "(x)", "c*", "^[y]", "\\d"};
	struct ss_sip_hs *h;
	struct ss_sip_scratch *s;
	struct ss_sip_msg m;
	const char *err = NULL;
	unsigned int bad;
	static const char *const cases[][2] = {
		{"a.b", "1"}, {"axb", "0"}, {"(x)", "1"}, {"x", "0"}, {"c*", "1"}, {"ccc", "0"},
		{"[y]", "1"}, {"y", "0"}, {"\\d", "1"}, {"7", "0"},
	};

	(void)state;
	h = ss_sip_hs_create(&err);
	assert_non_null(h);
	assert_int_equal(ss_sip_hs_set_agents(h, patterns, 5, &bad, &err), 0);
	s = ss_sip_scratch_create(h);
	assert_non_null(s);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[128];
		int n = snprintf(buf, sizeof(buf), "OPTIONS sip:a SIP/2.0\r\nUser-Agent: %s\r\n\r\n",
				cases[i][0]);

		ss_sip_parse_start(&m, buf, (size_t)n);
		assert_true(ss_sip_find_end_ua(&m));
		if (ss_sip_is_scanner(&m, h, s) != (cases[i][1][0] == '1'))
			fail_msg("\"%s\": wrong verdict", cases[i][0]);
	}
	ss_sip_scratch_free(s);
	ss_sip_hs_free(h);
}

static void
test_refused(void **state)
{
	char long_pat[SS_SIP_AGENT_MAX + 2];
	const char *bad_ones[] = {"", "^", long_pat, "tab\there", "caf\xc3\xa9"};
	const char *p[2] = {"ok"};
	struct ss_sip_hs *h;
	const char *err = NULL;
	unsigned int bad;

	(void)state;
	memset(long_pat, 'x', sizeof(long_pat) - 1);
	long_pat[sizeof(long_pat) - 1] = '\0';
	h = ss_sip_hs_create(&err);
	assert_non_null(h);
	for (size_t i = 0; i < sizeof(bad_ones) / sizeof(bad_ones[0]); i++) {
		p[1] = bad_ones[i];
		err = NULL;
		assert_int_equal(ss_sip_hs_set_agents(h, p, 2, &bad, &err), -EINVAL);
		assert_int_equal(bad, 1);
		assert_non_null(err);
	}
	assert_int_equal(ss_sip_hs_set_agents(h, p, 0, &bad, &err), -EINVAL);
	/* 128 bytes is the most, after an anchor too */
	long_pat[SS_SIP_AGENT_MAX] = '\0';
	p[1] = long_pat;
	assert_int_equal(ss_sip_hs_set_agents(h, p, 2, &bad, &err), 0);
	assert_int_equal(ss_sip_hs_agents(h), 2);
	ss_sip_hs_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
