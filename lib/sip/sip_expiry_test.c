/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

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

static int
setup(void **state)
{
	const char *err = NULL;

	(void)state;
	hs = ss_sip_hs_create(&err);
	if (hs == NULL)
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

/* A REGISTER with the given header lines (each ending in CRLF) and body. */
static struct ss_sip_expiry
expiry_of(const char *headers, const char *body)
{
	static char buf[4096];
	struct ss_sip_msg m;
	struct ss_sip_expiry e;
	int n;

	n = snprintf(buf, sizeof(buf),
			"REGISTER sip:example.com SIP/2.0\r\n"
			"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
			"From: <sip:u@example.com>;tag=1\r\n"
			"To: <sip:u@example.com>\r\n"
			"Call-ID: c1\r\n"
			"CSeq: 1 REGISTER\r\n"
			"%s\r\n%s", headers, body);
	assert_true(n > 0 && n < (int)sizeof(buf));
	assert_int_equal(ss_sip_parse(&m, buf, (size_t)n), SS_SIP_REQUEST);
	assert_int_equal(ss_sip_register_expiry(&m, hs, scratch, &e), 0);
	return e;
}

#define ASSERT_VALUES(e, checked, min) do { \
	assert_int_equal((e).kind, SS_SIP_EXP_VALUES); \
	assert_int_equal((e).n_checked, (checked)); \
	assert_int_equal((e).min_nonzero, (min)); \
} while (0)

static void
test_header_applies(void **state)
{
	struct ss_sip_expiry e;

	(void)state;
	e = expiry_of("Contact: <sip:u@192.0.2.1>\r\nExpires: 30\r\n", "");
	ASSERT_VALUES(e, 1, 30);
	assert_int_equal(e.n_contacts, 1);
	/* two contacts on one line and one on another: all take the header */
	e = expiry_of("Contact: <sip:a@h>, <sip:b@h>\r\nm: sip:c@h\r\nexpires: 0045\r\n", "");
	ASSERT_VALUES(e, 3, 45);
	assert_int_equal(e.n_contacts, 3);
}

static void
test_zero_and_absent(void **state)
{
	struct ss_sip_expiry e;

	(void)state;
	/* de-registration: expiration 0 is never too brief */
	e = expiry_of("Contact: <sip:u@h>\r\nExpires: 0\r\n", "");
	ASSERT_VALUES(e, 1, UINT32_MAX);
	/* no expiration at all: nothing to check */
	e = expiry_of("Contact: <sip:u@h>\r\n", "");
	assert_int_equal(e.kind, SS_SIP_EXP_NONE);
	/* no Contact: a binding query */
	e = expiry_of("Expires: 30\r\n", "");
	assert_int_equal(e.kind, SS_SIP_EXP_NONE);
	e = expiry_of("Contact: *\r\nExpires: 0\r\n", "");
	assert_int_equal(e.kind, SS_SIP_EXP_STAR);
	e = expiry_of("Contact:   *  \r\nExpires: 30\r\n", "");
	assert_int_equal(e.kind, SS_SIP_EXP_STAR);
}

static void
test_param_beats_header(void **state)
{
	struct ss_sip_expiry e;

	(void)state;
	e = expiry_of("Contact: <sip:u@h>;expires=3600\r\nExpires: 30\r\n", "");
	ASSERT_VALUES(e, 1, 3600);
	e = expiry_of("Contact: <sip:u@h>;EXPIRES = 20\r\nExpires: 3600\r\n", "");
	ASSERT_VALUES(e, 1, 20);
	/* one contact with its own value, one taking the header */
	e = expiry_of("Contact: <sip:a@h>;expires=3600, <sip:b@h>\r\nExpires: 10\r\n", "");
	ASSERT_VALUES(e, 2, 10);
	/* bare addr-spec: ;expires is a header parameter */
	e = expiry_of("Contact: sip:u@h;expires=15\r\n", "");
	ASSERT_VALUES(e, 1, 15);
}

static void
test_param_inside_uri_ignored(void **state)
{
	struct ss_sip_expiry e;

	(void)state;
	/* inside < > it is a URI parameter (RFC 3261 §20.10) */
	e = expiry_of("Contact: <sip:u@h;expires=10>\r\n", "");
	assert_int_equal(e.kind, SS_SIP_EXP_NONE);
	e = expiry_of("Contact: <sip:u@h;expires=10>\r\nExpires: 3600\r\n", "");
	ASSERT_VALUES(e, 1, 3600);
	/* in a quoted display name, with ; , < inside */
	e = expiry_of("Contact: \"a;expires=5, <x\" <sip:u@h>;expires=7200\r\n", "");
	ASSERT_VALUES(e, 1, 7200);
	/* another parameter whose name merely contains expires */
	e = expiry_of("Contact: <sip:u@h>;x-expires=5;expiresx=5\r\n", "");
	assert_int_equal(e.kind, SS_SIP_EXP_NONE);
	/* a parameter value that says expires */
	e = expiry_of("Contact: <sip:u@h>;foo=expires\r\n", "");
	assert_int_equal(e.kind, SS_SIP_EXP_NONE);
}

static void
test_lookalike_headers_and_body(void **state)
{
	struct ss_sip_expiry e;

	(void)state;
	e = expiry_of("Contact: <sip:u@h>\r\nX-Expires: 30\r\nExpires-Foo: 30\r\n", "");
	assert_int_equal(e.kind, SS_SIP_EXP_NONE);
	e = expiry_of("Contact: <sip:u@h>\r\nContent-Length: 13\r\n", "Expires: 30\r\n");
	assert_int_equal(e.kind, SS_SIP_EXP_NONE);
}

static void
test_malformed_values(void **state)
{
	struct ss_sip_expiry e;

	(void)state;
	/* a malformed expires parameter counts as 3600, not as the header */
	e = expiry_of("Contact: <sip:u@h>;expires=soon\r\nExpires: 30\r\n", "");
	ASSERT_VALUES(e, 1, 3600);
	e = expiry_of("Contact: <sip:u@h>;expires\r\nExpires: 30\r\n", "");
	ASSERT_VALUES(e, 1, 3600);
	/* a malformed Expires header: nothing checked (the registrar decides) */
	e = expiry_of("Contact: <sip:u@h>\r\nExpires: thirty\r\n", "");
	assert_int_equal(e.kind, SS_SIP_EXP_NONE);
	/* larger than 2^32-1: large, not too brief */
	e = expiry_of("Contact: <sip:u@h>\r\nExpires: 99999999999999\r\n", "");
	ASSERT_VALUES(e, 1, UINT32_MAX);
	/* two Expires headers: not sure which counts */
	e = expiry_of("Contact: <sip:u@h>\r\nExpires: 30\r\nExpires: 40\r\n", "");
	assert_int_equal(e.kind, SS_SIP_EXP_NONE);
	/* an unreadable Contact list: not checked */
	e = expiry_of("Contact: <sip:u@h;expires=5\r\nExpires: 30\r\n", "");
	assert_int_equal(e.kind, SS_SIP_EXP_NONE);
	e = expiry_of("Contact: <sip:u@h>,,<sip:v@h>\r\nExpires: 30\r\n", "");
	assert_int_equal(e.kind, SS_SIP_EXP_NONE);
}

static void
test_folded_contact(void **state)
{
	struct ss_sip_expiry e;

	(void)state;
	e = expiry_of("Contact: <sip:a@h>;\r\n expires=25,\r\n\t<sip:b@h>;expires=3600\r\n", "");
	ASSERT_VALUES(e, 2, 25);
}

/* More hits than Hyperscan's list holds: every name is checked in C. */
static void
test_many_hits(void **state)
{
	char hdrs[2048];
	size_t n = 0;
	struct ss_sip_expiry e;

	(void)state;
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(hdrs + n, sizeof(hdrs) - n, "X-Expires-%d: 1\r\n", i);
	snprintf(hdrs + n, sizeof(hdrs) - n, "Contact: <sip:u@h>;expires=42\r\n");
	e = expiry_of(hdrs, "");
	ASSERT_VALUES(e, 1, 42);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_applies),
		cmocka_unit_test(test_zero_and_absent),
		cmocka_unit_test(test_param_beats_header),
		cmocka_unit_test(test_param_inside_uri_ignored),
		cmocka_unit_test(test_lookalike_headers_and_body),
		cmocka_unit_test(test_malformed_values),
		cmocka_unit_test(test_folded_contact),
		cmocka_unit_test(test_many_hits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
