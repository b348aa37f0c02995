/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* The moved table and its file format. */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_common.h>
#include <rte_eal.h>

#include "ss_filter.h"

static int
setup(void **state)
{
	char *argv[] = {"moved_test", "--no-huge", "--no-pci", "--no-shconf", "--no-telemetry", "-m", "256",
		"--log-level", "lib.eal:error", NULL};

	(void)state;
	return rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	rte_eal_cleanup();
	return 0;
}

/* Write text to a temporary file; returns its path (static buffer). */
static const char *
tmpfile_with(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/moved_test.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static const struct ss_moved_entry *
find_text(struct ss_moved *t, const char *text)
{
	struct ss_sip_key k;

	assert_int_equal(ss_sip_text_key(text, strlen(text), &k), SS_SIP_KEY_OK);
	return ss_moved_find(t, &k);
}

static void
test_load_good(void **state)
{
	const char *path = tmpfile_with(
		"# moved users\n"
		"\n"
		"alice@Example.COM  sip:alice@new.example.net\n"
		"   bob\tsip:bob@b.example.org   120\r\n"
		"+1-555-000-1111 tel:+15550002222\n"
		"%63arol@example.com sips:carol@example.org;transport=tls 0\n");
	struct ss_moved *t = ss_moved_create("load_good", 64, -1);
	const struct ss_moved_entry *e;
	char err[512];

	(void)state;
	assert_int_equal(ss_moved_count_file(path), 4);
	assert_int_equal(ss_moved_load_file(t, path, err, sizeof(err)), 4);
	assert_int_equal(ss_moved_count(t), 4);
	e = find_text(t, "alice@example.com");
	assert_non_null(e);
	assert_int_equal(e->uri_len, strlen("sip:alice@new.example.net"));
	assert_memory_equal(e->uri, "sip:alice@new.example.net", e->uri_len);
	assert_false(e->has_expires);
	assert_int_equal(e->line, 3);
	e = find_text(t, "bob");
	assert_non_null(e);
	assert_true(e->has_expires);
	assert_int_equal(e->expires, 120);
	assert_non_null(find_text(t, "+15550001111"));
	e = find_text(t, "carol@example.com");
	assert_non_null(e);
	assert_true(e->has_expires);
	assert_int_equal(e->expires, 0);
	assert_null(find_text(t, "alice"));
	ss_moved_free(t);
	unlink(path);
}

static void
assert_load_error(const char *text, const char *want)
{
	const char *path = tmpfile_with(text);
	struct ss_moved *t = ss_moved_create("load_bad", 64, -1);
	char err[512], full[600];

	assert_non_null(t);
	assert_true(ss_moved_load_file(t, path, err, sizeof(err)) < 0);
	snprintf(full, sizeof(full), "%s:%s", path, want);
	assert_string_equal(err, full);
	ss_moved_free(t);
	unlink(path);
}

static void
test_load_errors(void **state)
{
	(void)state;
	assert_load_error("a sip:x@y\nlonely\n",
			"2: key \"lonely\" has no new URI (expected: user[@host] new-uri [expires])");
	assert_load_error("a sip:x@y 10 extra\n", "1: unexpected \"extra\" after the expires field");
	assert_load_error("a http://x\n",
			"1: new URI \"http://x\" is not a sip:, sips: or tel: URI of at most 255 bytes without spaces, < > or \"");
	assert_load_error("a <sip:x@y>\n",
			"1: new URI \"<sip:x@y>\" is not a sip:, sips: or tel: URI of at most 255 bytes without spaces, < > or \"");
	assert_load_error("a sip:x@y soon\n", "1: expires \"soon\": expected an integer 0..4294967295");
	assert_load_error("a sip:x@y 4294967296\n",
			"1: expires \"4294967296\": expected an integer 0..4294967295");
	assert_load_error("@h sip:x@y\n", "1: key \"@h\" has no user part");
	assert_load_error("a%zz sip:x@y\n",
			"1: key \"a%zz\" is malformed (bad %-escape, empty host or control character)");
	assert_load_error("a@h:5060 sip:x@y\n",
			"1: key \"a@h:5060\": a host takes no port (lookups ignore ports)");
	assert_load_error("# c\na@H sip:x@y\nA@h sip:x@y\n%61@h sip:z@y\n",
			"4: duplicate key (first on line 2)");
	/* URI syntax, and bytes shown escaped */
	assert_load_error("a sip:@y\n", "1: new URI \"sip:@y\" has an empty user part before '@'");
	assert_load_error("a sip:x@y:0\n",
			"1: new URI \"sip:x@y:0\" has a port that is not a number 1..65535");
	assert_load_error("a@h\x01 sip:x@y\n",
			"1: key \"a@h\\x01\" holds a space, a control or a non-ASCII byte (escape it as "
			"%XX)");
	assert_load_error("a@h_1 sip:x@y\n",
			"1: key \"a@h_1\" has no valid host (a host name, an IPv4 address or an [IPv6] "
			"address)");
}

/* What a new URI and a key may be (RFC 3261 §25.1, RFC 3966 §3). */
static void
test_checks(void **state)
{
	static const char *const good_uris[] = {
		"sip:bob@example.com", "SIPS:bob@example.com", "sip:example.com",
		"sip:bob@192.0.2.15:5060", "sip:bob@[2001:db8::99]:5070;transport=udp",
		"sip:b%40b:secret@h.example.;lr?Subject=x%20y", "sip:+1-555@gw;user=phone",
		"tel:+1-555-123-4567", "tel:7042;phone-context=example.com", "sip:a@h-1.example",
	};
	static const char *const bad_uris[][2] = {
		{"sip:", SS_MOVED_URI_FORM},
		{"http://x", SS_MOVED_URI_FORM},
		{"sip:a b@h", SS_MOVED_URI_FORM},
		{"sip:a@h\x7f", SS_MOVED_URI_FORM},
		{"sip:a@@h", " has more than one '@' (escape it in the user as %40)"},
		{"sip:@h", " has an empty user part before '@'"},
		{"sip:a[b@h", " has a user part with a character RFC 3261 does not allow there "
			"(escape it as %XX)"},
		{"sip:a%4@h", " has a user part with a character RFC 3261 does not allow there "
			"(escape it as %XX)"},
		{"sip:a@", " has no valid host (a host name, an IPv4 address or an [IPv6] address)"},
		{"sip:a@-h", " has no valid host (a host name, an IPv4 address or an [IPv6] address)"},
		{"sip:a@h..x", " has no valid host (a host name, an IPv4 address or an [IPv6] address)"},
		{"sip:a@h_x", " has no valid host (a host name, an IPv4 address or an [IPv6] address)"},
		{"sip:a@999.1.1.1", " has no valid host (a host name, an IPv4 address or an [IPv6] "
			"address)"},
		{"sip:a@[::g]", " has no valid host (a host name, an IPv4 address or an [IPv6] address)"},
		{"sip:a@[::1", " has no valid host (a host name, an IPv4 address or an [IPv6] address)"},
		{"sip:a@h:", " has a port that is not a number 1..65535"},
		{"sip:a@h:65536", " has a port that is not a number 1..65535"},
		{"sip:a@h:5060x", " has text after the host that is neither ;parameters nor ?headers"},
		{"sip:a@h;x=%g0", " has a bad %-escape (expected %XX, X hex)"},
		{"tel:", SS_MOVED_URI_FORM},
		{"tel:+", " has no digit in its number"},
		{"tel:555/1234", " has a number with a character RFC 3966 does not allow (digits and "
			"- . ( ) only)"},
	};
	static const char *const bad_keys[][2] = {
		{"bob@h:5060", ": a host takes no port (lookups ignore ports)"},
		{"bob@[::1]:5060", ": a host takes no port (lookups ignore ports)"},
		{"bob@h/x", " has no valid host (a host name, an IPv4 address or an [IPv6] address)"},
		{"bob smith", " holds a space, a control or a non-ASCII byte (escape it as %XX)"},
		{"b\xc3\xb6" "b", " holds a space, a control or a non-ASCII byte (escape it as %XX)"},
		{"@h", " has no user part"},
		{"a%zz", " is malformed (bad %-escape, empty host or control character)"},
	};
	struct ss_sip_key k;
	const char *why;
	char q[16];

	(void)state;
	for (size_t i = 0; i < RTE_DIM(good_uris); i++) {
		why = ss_moved_uri_problem(good_uris[i], strlen(good_uris[i]));
		if (why != NULL)
			fail_msg("%s:%s", good_uris[i], why);
	}
	for (size_t i = 0; i < RTE_DIM(bad_uris); i++) {
		why = ss_moved_uri_problem(bad_uris[i][0], strlen(bad_uris[i][0]));
		if (why == NULL || strcmp(why, bad_uris[i][1]) != 0)
			fail_msg("%s: %s", bad_uris[i][0], why != NULL ? why : "accepted");
	}
	assert_null(ss_moved_key_problem("bob@[2001:DB8::10]", 18, &k));
	assert_null(ss_moved_key_problem("+1555", 5, &k));
	assert_null(ss_moved_key_problem("a%20b@example.com.", 18, &k));
	for (size_t i = 0; i < RTE_DIM(bad_keys); i++) {
		why = ss_moved_key_problem(bad_keys[i][0], strlen(bad_keys[i][0]), &k);
		if (why == NULL || strcmp(why, bad_keys[i][1]) != 0)
			fail_msg("%s: %s", bad_keys[i][0], why != NULL ? why : "accepted");
	}
	/* quoting for messages: escaped, cut with a visible mark */
	ss_moved_quote("a\"b\n", 4, q, sizeof(q));
	assert_string_equal(q, "a\\x22b\\x0a");
	ss_moved_quote("0123456789abcdef", 16, q, sizeof(q));
	assert_string_equal(q, "0123456789ab...");
	ss_moved_quote("0123456789a", 11, q, 12);
	assert_string_equal(q, "01234567...");
	ss_moved_quote("x", 1, q, 1);
	assert_string_equal(q, "");
}

static void
test_missing_file(void **state)
{
	struct ss_moved *t = ss_moved_create("missing", 64, -1);
	char err[512];

	(void)state;
	assert_int_equal(ss_moved_load_file(t, "/nonexistent/moved.txt", err, sizeof(err)),
			-ENOENT);
	assert_string_equal(err, "/nonexistent/moved.txt: cannot open: No such file or directory");
	assert_int_equal(ss_moved_count_file("/nonexistent/moved.txt"), -ENOENT);
	ss_moved_free(t);
}

static void
test_add_replace_del(void **state)
{
	struct ss_moved *t = ss_moved_create("ard", 64, -1);
	struct ss_sip_key k, lk;
	const struct ss_moved_entry *e;

	(void)state;
	assert_int_equal(ss_sip_text_key("dave@h", 6, &k), SS_SIP_KEY_OK);
	assert_int_equal(ss_moved_add(t, &k, "sip:1@x", 7, false, 0), 0);
	assert_int_equal(ss_moved_add(t, &k, "sip:22@x", 8, true, 5), 0);
	assert_int_equal(ss_moved_count(t), 1);
	e = ss_moved_find(t, &k);
	assert_int_equal(e->uri_len, 8);
	assert_true(e->has_expires);
	assert_int_equal(ss_moved_add(t, &k, "ftp://x", 7, false, 0), -EINVAL);
	/* the any-host entry is a different key */
	assert_int_equal(ss_sip_text_key("dave", 4, &lk), SS_SIP_KEY_OK);
	assert_null(ss_moved_find(t, &lk));
	assert_int_equal(ss_moved_del(t, &lk), -ENOENT);
	assert_int_equal(ss_moved_del(t, &k), 0);
	assert_int_equal(ss_moved_del(t, &k), -ENOENT);
	assert_int_equal(ss_moved_count(t), 0);
	assert_null(ss_moved_find(t, &k));
	ss_moved_free(t);
}

/* user@host first, then the user's any-host entry (DESIGN §2). */
static void
test_lookup_order(void **state)
{
	struct ss_moved *t = ss_moved_create("order", 64, -1);
	struct ss_sip_key k;
	const struct ss_moved_entry *e;

	(void)state;
	assert_int_equal(ss_sip_text_key("eve", 3, &k), SS_SIP_KEY_OK);
	assert_int_equal(ss_moved_add(t, &k, "sip:any@x", 9, false, 0), 0);
	assert_int_equal(ss_sip_text_key("eve@a", 5, &k), SS_SIP_KEY_OK);
	assert_int_equal(ss_moved_add(t, &k, "sip:at-a@x", 10, false, 0), 0);
	assert_int_equal(ss_sip_uri_key("sip:eve@A", 9, &k), SS_SIP_KEY_OK);
	e = ss_moved_lookup(t, &k);
	assert_memory_equal(e->uri, "sip:at-a@x", 10);
	assert_int_equal(ss_sip_uri_key("sip:eve@b", 9, &k), SS_SIP_KEY_OK);
	e = ss_moved_lookup(t, &k);
	assert_memory_equal(e->uri, "sip:any@x", 9);
	ss_moved_free(t);
}

/* Scale: 200,000 entries load, every one is found, a stranger is not. */
static void
test_many(void **state)
{
	enum { N = 200000 };
	struct ss_moved *t = ss_moved_create("many", N, -1);
	char text[64], uri[64];
	struct ss_sip_key k;

	(void)state;
	assert_non_null(t);
	for (int i = 0; i < N; i++) {
		int n = snprintf(text, sizeof(text), "user%d@host%d.example.com", i, i % 97);
		int u = snprintf(uri, sizeof(uri), "sip:u%d@new.example.net", i);

		assert_int_equal(ss_sip_text_key(text, (size_t)n, &k), SS_SIP_KEY_OK);
		assert_int_equal(ss_moved_add(t, &k, uri, (size_t)u, false, 0), 0);
	}
	assert_int_equal(ss_moved_count(t), N);
	for (int i = 0; i < N; i++) {
		int n = snprintf(text, sizeof(text), "sip:user%d@HOST%d.example.com", i, i % 97);
		const struct ss_moved_entry *e;

		assert_int_equal(ss_sip_uri_key(text, (size_t)n, &k), SS_SIP_KEY_OK);
		e = ss_moved_lookup(t, &k);
		assert_non_null(e);
		snprintf(uri, sizeof(uri), "sip:u%d@new.example.net", i);
		assert_memory_equal(e->uri, uri, e->uri_len);
	}
	assert_int_equal(ss_sip_uri_key("sip:user1@host2.example.com", 27, &k), SS_SIP_KEY_OK);
	assert_null(ss_moved_lookup(t, &k));
	ss_moved_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_good),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_add_replace_del),
		cmocka_unit_test(test_lookup_order),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
