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
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_add_replace_del),
		cmocka_unit_test(test_lookup_order),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
