/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ss_sip.h"

static void
assert_key(const char *uri, const char *user, size_t user_len, const char *host)
{
	struct ss_sip_key k;
	enum ss_sip_key_result r = ss_sip_uri_key(uri, strlen(uri), &k);

	if (r != SS_SIP_KEY_OK)
		fail_msg("%s: result %d", uri, r);
	if (k.user_len != user_len || memcmp(k.user, user, user_len) != 0)
		fail_msg("%s: user \"%.*s\"", uri, k.user_len, k.user);
	if (k.host_len != strlen(host) || memcmp(k.host, host, k.host_len) != 0)
		fail_msg("%s: host \"%.*s\"", uri, k.host_len, k.host);
}

#define ASSERT_KEY(uri, user, host) assert_key((uri), (user), sizeof(user) - 1, (host))

static enum ss_sip_key_result
uri_result(const char *uri)
{
	struct ss_sip_key k;

	return ss_sip_uri_key(uri, strlen(uri), &k);
}

static void
test_uri_keys(void **state)
{
	(void)state;
	ASSERT_KEY("sip:alice@example.com", "alice", "example.com");
	ASSERT_KEY("sips:alice@Example.COM:5061;transport=tls?subject=x", "alice", "example.com");
	ASSERT_KEY("SIP:Alice@EXAMPLE.com", "Alice", "example.com");
	ASSERT_KEY("sip:%61lice@example.com", "alice", "example.com");
	ASSERT_KEY("sip:alice:secret@example.com", "alice", "example.com");
	ASSERT_KEY("sip:user;par=u%40example.net@example.com", "user;par=u@example.net",
			"example.com");
	ASSERT_KEY("sip:null-%00-null@example.com", "null-\0-null", "example.com");
	ASSERT_KEY("sip:bob@[2001:DB8::10]:5070", "bob", "[2001:db8::10]");
	/* RFC 3966 visual separators go for tel: and user=phone */
	ASSERT_KEY("tel:+1-555-123-4567", "+15551234567", "");
	ASSERT_KEY("tel:+1(555)123.4567;phone-context=example.com", "+15551234567", "");
	ASSERT_KEY("sip:+1-555-123-4567;isub=12@gw.example.com;user=phone", "+15551234567",
			"gw.example.com");
	/* without user=phone the user is taken as written */
	ASSERT_KEY("sip:+1-555@example.com", "+1-555", "example.com");
}

static void
test_uri_refused(void **state)
{
	char longuser[300];

	(void)state;
	assert_int_equal(uri_result("sip:example.com"), SS_SIP_KEY_NO_USER);
	assert_int_equal(uri_result("http://a@b"), SS_SIP_KEY_SCHEME);
	assert_int_equal(uri_result("soap.beep://192.0.2.103:3002"), SS_SIP_KEY_SCHEME);
	assert_int_equal(uri_result("<sip:a@b>"), SS_SIP_KEY_BAD);
	assert_int_equal(uri_result("sip:a@b; lr"), SS_SIP_KEY_BAD);
	assert_int_equal(uri_result("sip:a%4@b"), SS_SIP_KEY_BAD);
	assert_int_equal(uri_result("sip:a%zz@b"), SS_SIP_KEY_BAD);
	assert_int_equal(uri_result("sip:a@"), SS_SIP_KEY_BAD);
	assert_int_equal(uri_result("sip:a@[::1"), SS_SIP_KEY_BAD);
	assert_int_equal(uri_result("tel:"), SS_SIP_KEY_SCHEME);
	assert_int_equal(uri_result("tel:;x=1"), SS_SIP_KEY_NO_USER);
	memset(longuser, 'u', sizeof(longuser));
	memcpy(longuser, "sip:", 4);
	strcpy(longuser + 4 + SS_SIP_KEY_USER_MAX, "@h");
	assert_int_equal(uri_result(longuser), SS_SIP_KEY_OK);
	longuser[4 + SS_SIP_KEY_USER_MAX] = 'u';
	strcpy(longuser + 4 + SS_SIP_KEY_USER_MAX + 1, "@h");
	assert_int_equal(uri_result(longuser), SS_SIP_KEY_TOO_LONG);
}

/* The text form of a table key normalises the same way as a URI. */
static void
test_text_keys(void **state)
{
	struct ss_sip_key a, b;
	char out[512];

	(void)state;
	assert_int_equal(ss_sip_text_key("%61lice@EXAMPLE.com", 19, &a), SS_SIP_KEY_OK);
	assert_int_equal(ss_sip_uri_key("sip:alice@example.com", 21, &b), SS_SIP_KEY_OK);
	assert_true(ss_sip_key_equal(&a, &b));
	assert_int_equal(ss_sip_text_key("+1-555-123-4567", 15, &a), SS_SIP_KEY_OK);
	assert_int_equal(ss_sip_uri_key("tel:+15551234567", 16, &b), SS_SIP_KEY_OK);
	assert_true(ss_sip_key_equal(&a, &b));
	assert_int_equal(ss_sip_text_key("bob", 3, &a), SS_SIP_KEY_OK);
	assert_int_equal(a.host_len, 0);
	assert_int_equal(ss_sip_text_key("bob@", 4, &a), SS_SIP_KEY_BAD);
	assert_int_equal(ss_sip_text_key("@h", 2, &a), SS_SIP_KEY_NO_USER);
	assert_int_equal(ss_sip_text_key("b b", 3, &a), SS_SIP_KEY_BAD);
	assert_int_equal(ss_sip_text_key("bob@h\xc3\xa9", 7, &a), SS_SIP_KEY_BAD);
	assert_int_equal(ss_sip_text_key("b\xc3\xa9@h", 5, &a), SS_SIP_KEY_OK);

	/* format escapes what a user part cannot hold, and round-trips */
	assert_int_equal(ss_sip_text_key("a%00b%40c@h.example", 19, &a), SS_SIP_KEY_OK);
	assert_int_equal(ss_sip_key_format(&a, out, sizeof(out)), 19);
	assert_string_equal(out, "a%00b%40c@h.example");
	assert_int_equal(ss_sip_key_format(&a, out, 5), -1);

	/* drop_host gives the any-host key of the same user */
	assert_int_equal(ss_sip_uri_key("sip:bob@h", 9, &a), SS_SIP_KEY_OK);
	ss_sip_key_drop_host(&a);
	assert_int_equal(ss_sip_text_key("bob", 3, &b), SS_SIP_KEY_OK);
	assert_true(ss_sip_key_equal(&a, &b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uri_keys),
		cmocka_unit_test(test_uri_refused),
		cmocka_unit_test(test_text_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
