/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * lib/fleet protocol: stream IDs, XINFO STREAM, XREAD entries, HSCAN
 * replies and table entries, on replies built by hand (no Redis, no EAL).
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ss_fleet_proto.h"
#include "fleet_test_util.h"

static struct ss_fleet_id
id(uint64_t ms, uint64_t seq)
{
	return (struct ss_fleet_id){ms, seq};
}

static void
test_keys(void **state)
{
	struct ss_fleet_keys k;

	(void)state;
	ss_fleet_keys_init(&k, "sipshield");
	assert_string_equal(k.hash, "sipshield:moved");
	assert_string_equal(k.log, "sipshield:moved:log");
	assert_string_equal(k.tmp, "sipshield:moved:tmp");
}

static void
test_ids(void **state)
{
	static const char *const bad[] = {"", "-", "1", "1-", "-1", "a-1", "1-b", "1--2",
		"18446744073709551616-0", "0-18446744073709551616", " 1-2", "1-2 ", "+1-2"};
	struct ss_fleet_id a, b;
	char text[SS_FLEET_ID_MAX];

	(void)state;
	assert_int_equal(ss_fleet_id_parse("1700000000000-5", 15, &a), 0);
	assert_true(a.ms == 1700000000000ull && a.seq == 5);
	assert_int_equal(ss_fleet_id_parse("18446744073709551615-18446744073709551615", 41, &b), 0);
	assert_true(b.ms == UINT64_MAX && b.seq == UINT64_MAX);
	ss_fleet_id_format(&b, text);
	assert_string_equal(text, "18446744073709551615-18446744073709551615");
	ss_fleet_id_format(&a, text);
	assert_string_equal(text, "1700000000000-5");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = id(7, 7);
		assert_int_equal(ss_fleet_id_parse(bad[i], strlen(bad[i]), &b), -EINVAL);
		assert_true(b.ms == 7 && b.seq == 7);
	}
	/* length bounds the parse: "1-23" read as 3 bytes is 1-2 */
	assert_int_equal(ss_fleet_id_parse("1-23", 3, &a), 0);
	assert_true(a.ms == 1 && a.seq == 2);

	a = id(5, 1);
	b = id(5, 2);
	assert_true(ss_fleet_id_cmp(&a, &b) < 0);
	assert_true(ss_fleet_id_cmp(&b, &a) > 0);
	assert_int_equal(ss_fleet_id_cmp(&a, &a), 0);
	b = id(4, 99);
	assert_true(ss_fleet_id_cmp(&a, &b) > 0);
	b = id(0, 0);
	assert_true(ss_fleet_id_is_zero(&b));
	assert_false(ss_fleet_id_is_zero(&a));
}

/* An entry [id, [op, add, key, k, value, v]]. */
static redisReply *
entry(const char *eid, size_t nf, const char *const *fields)
{
	redisReply *items[16];

	for (size_t i = 0; i < nf; i++)
		items[i] = rr_str(fields[i]);
	return rr_arr(2, rr_str(eid), rr_arrv(nf, items));
}

static redisReply *
xinfo(const char *last, redisReply *first, long long length)
{
	return rr_arr(12, rr_status("length"), rr_int(length), rr_status("radix-tree-keys"),
			rr_int(1), rr_status("last-generated-id"), rr_str(last),
			rr_status("groups"), rr_int(0), rr_status("first-entry"), first,
			rr_status("last-entry"), rr_nil());
}

static void
test_stream_info(void **state)
{
	static const char *const f[] = {"op", "add", "key", "a", "value", "sip:a@b"};
	struct ss_fleet_stream s;
	char why[128];
	redisReply *r;

	(void)state;
	r = xinfo("20-3", entry("10-0", 6, f), 4);
	assert_int_equal(ss_fleet_stream_parse(r, &s, why, sizeof(why)), 0);
	assert_true(s.exists && s.has_first);
	assert_false(s.has_added);
	assert_int_equal(s.length, 4);
	assert_true(s.last.ms == 20 && s.last.seq == 3);
	assert_true(s.first.ms == 10 && s.first.seq == 0);
	freeReplyObject(r);

	/* empty: everything trimmed */
	r = xinfo("20-3", rr_nil(), 0);
	assert_int_equal(ss_fleet_stream_parse(r, &s, why, sizeof(why)), 0);
	assert_true(s.exists && !s.has_first);
	freeReplyObject(r);

	r = rr_err("ERR no such key");
	assert_int_equal(ss_fleet_stream_parse(r, &s, why, sizeof(why)), 0);
	assert_false(s.exists);
	freeReplyObject(r);

	r = rr_err("WRONGTYPE Operation against a key holding the wrong kind of value");
	assert_int_equal(ss_fleet_stream_parse(r, &s, why, sizeof(why)), -EPROTO);
	assert_string_equal(why, "XINFO STREAM: WRONGTYPE Operation against a key holding the "
			"wrong kind of value");
	freeReplyObject(r);

	r = rr_arr(2, rr_status("length"), rr_int(1));
	assert_int_equal(ss_fleet_stream_parse(r, &s, why, sizeof(why)), -EPROTO);
	freeReplyObject(r);
	r = xinfo("junk", rr_nil(), 0);
	assert_int_equal(ss_fleet_stream_parse(r, &s, why, sizeof(why)), -EPROTO);
	freeReplyObject(r);
	r = rr_arr(3, rr_status("length"), rr_int(1), rr_status("x"));
	assert_int_equal(ss_fleet_stream_parse(r, &s, why, sizeof(why)), -EPROTO);
	freeReplyObject(r);
	r = rr_int(3);
	assert_int_equal(ss_fleet_stream_parse(r, &s, why, sizeof(why)), -EPROTO);
	freeReplyObject(r);
}

/* When must a node load the hash again instead of resuming? */
static void
test_stream_lost(void **state)
{
	struct ss_fleet_stream s = {.exists = true, .has_first = true};
	struct ss_fleet_id applied = id(10, 0);

	(void)state;
	/* ours is still there, newer ones after it */
	s.first = id(5, 0);
	s.last = id(20, 0);
	assert_false(ss_fleet_stream_lost(&s, &applied));
	s.first = id(10, 0);
	assert_false(ss_fleet_stream_lost(&s, &applied));
	/* trimmed past ours */
	s.first = id(11, 0);
	assert_true(ss_fleet_stream_lost(&s, &applied));
	/* nothing new since ours, whatever was trimmed */
	s.last = id(10, 0);
	assert_false(ss_fleet_stream_lost(&s, &applied));
	/* newer entries were added and all trimmed away */
	s.last = id(30, 0);
	s.has_first = false;
	assert_true(ss_fleet_stream_lost(&s, &applied));
	/* back in time: a Redis restored from older data */
	s.has_first = true;
	s.first = id(1, 0);
	s.last = id(9, 5);
	assert_true(ss_fleet_stream_lost(&s, &applied));
	/* nothing applied yet (loaded before the log existed) */
	applied = id(0, 0);
	s.first = id(1, 0);
	s.last = id(9, 0);
	s.length = 9;
	s.has_added = true;
	s.added = 9;
	assert_false(ss_fleet_stream_lost(&s, &applied));
	s.added = 10;
	assert_true(ss_fleet_stream_lost(&s, &applied));
	s.has_added = false;
	assert_true(ss_fleet_stream_lost(&s, &applied));
	applied = id(10, 0);
	/* deleted, or never there */
	s.exists = false;
	assert_true(ss_fleet_stream_lost(&s, &applied));
	applied = id(0, 0);
	assert_false(ss_fleet_stream_lost(&s, &applied));
}

static void
entry_ok(const char *key, const char *value, const char *uri, bool has_exp, uint32_t exp)
{
	struct ss_fleet_entry e;
	char why[256] = "";
	int rc = ss_fleet_entry_parse(key, strlen(key), value, strlen(value), &e, why,
			sizeof(why));

	if (rc != 0)
		print_error("%s %s: %s\n", key, value, why);
	assert_int_equal(rc, 0);
	assert_string_equal(e.uri, uri);
	assert_int_equal(e.uri_len, strlen(uri));
	assert_int_equal(e.has_expires, has_exp);
	if (has_exp)
		assert_int_equal(e.expires, exp);
	assert_string_equal(e.key_text, key);
}

static void
entry_bad(const char *key, size_t key_len, const char *value, const char *want)
{
	struct ss_fleet_entry e;
	char why[256] = "";

	assert_int_equal(ss_fleet_entry_parse(key, key_len, value, strlen(value), &e, why,
				sizeof(why)), -EINVAL);
	if (want != NULL)
		assert_string_equal(why, want);
}

/* The file loader's rules, for fields and values that come from Redis. */
static void
test_entries(void **state)
{
	char long_user[200], long_uri[300];
	struct ss_fleet_entry e;
	char why[256];

	(void)state;
	entry_ok("alice@example.com", "sip:alice@pbx2.example.net", "sip:alice@pbx2.example.net",
			false, 0);
	entry_ok("bob", "sips:bob@b.example.net 3600", "sips:bob@b.example.net", true, 3600);
	entry_ok("carol@EXAMPLE.com", "tel:+15551234567\t0", "tel:+15551234567", true, 0);
	entry_ok("d%40x@example.com", "sip:d@x  120 ", "sip:d@x", true, 120);
	assert_int_equal(ss_fleet_entry_parse("alice@EXAMPLE.com", 17, "sip:a@b", 7, &e, why,
				sizeof(why)), 0);
	assert_int_equal(e.key.host_len, 11);
	assert_memory_equal(e.key.host, "example.com", 11);

	entry_bad("", 0, "sip:a@b", "empty key");
	entry_bad("a b", 3, "sip:a@b", "key \"a%20b\" holds a blank or control character");
	entry_bad("a\tb", 3, "sip:a@b", "key \"a%09b\" holds a blank or control character");
	entry_bad("a\0b", 3, "sip:a@b", "key \"a%00b\" holds a blank or control character");
	entry_bad("#x", 2, "sip:a@b", "key \"#x\" starts with #");
	entry_bad("@example.com", 12, "sip:a@b", "key \"@example.com\" has no user part");
	entry_bad("a@example.com:5060", 18, "sip:a@b",
			"key \"a@example.com:5060\": a host takes no port (lookups ignore ports)");
	entry_bad("a@", 2, "sip:a@b", NULL);
	memset(long_user, 'u', sizeof(long_user));
	entry_bad(long_user, 129, "sip:a@b", NULL);
	entry_bad("a", 1, "", NULL);
	entry_bad("a", 1, "   ", NULL);
	entry_bad("a", 1, "http://example.com",
			"new URI \"http://example.com\" is not a sip:, sips: or tel: URI of at most 255 "
			"bytes without spaces, < > or \"");
	entry_bad("a", 1, "sip:<a@b>", NULL);
	entry_bad("a", 1, "sip:a@b 60s", "expires \"60s\": expected an integer 0..4294967295");
	entry_bad("a", 1, "sip:a@b 4294967296", NULL);
	entry_bad("a", 1, "sip:a@b 60 more", "unexpected \"more\" after the expires field");
	entry_bad("a", 1, "sip:a@b\r\n", NULL);
	memcpy(long_uri, "sip:", 4);
	memset(long_uri + 4, 'x', 252);
	long_uri[256] = '\0';
	entry_bad("a", 1, long_uri, NULL);
	long_uri[255] = '\0';
	entry_ok("a", long_uri, long_uri, false, 0);

	/* a del's key: the same rules, no value */
	assert_int_equal(ss_fleet_key_parse("bob@example.com", 15, &e, why, sizeof(why)), 0);
	assert_string_equal(e.key_text, "bob@example.com");
	assert_int_equal(ss_fleet_key_parse("bob@x:1", 7, &e, why, sizeof(why)), -EINVAL);
	assert_int_equal(ss_fleet_key_parse("bob x", 5, &e, why, sizeof(why)), -EINVAL);

	assert_true(ss_fleet_uri_ok("SIP:a@b", 7));
	assert_false(ss_fleet_uri_ok("sip:", 4));
	assert_false(ss_fleet_uri_ok("sip:a\"b", 7));
}

/* An XREAD reply for the log. */
static redisReply *
xread(redisReply *entries)
{
	return rr_arr(1, rr_arr(2, rr_str("sipshield:moved:log"), entries));
}

static void
test_changes(void **state)
{
	static const char *const add[] = {"op", "add", "key", "a@b", "value", "sip:a@c 60"};
	static const char *const del[] = {"key", "a@b", "op", "del"};
	static const char *const load[] = {"op", "load", "entries", "5"};
	static const char *const noop[] = {"key", "a@b"};
	static const char *const odd[] = {"op", "add", "key"};
	static const char *const what[] = {"op", "upsert", "key", "a"};
	static const char *const nokey[] = {"op", "del"};
	static const char *const noval[] = {"op", "add", "key", "a"};
	struct ss_fleet_change c;
	redisReply *r, **e;
	char why[128];
	size_t n;

	(void)state;
	r = xread(rr_arr(8, entry("1-0", 6, add), entry("1-1", 4, del), entry("2-0", 4, load),
			entry("3-0", 2, noop), entry("4-0", 3, odd), entry("5-0", 4, what),
			entry("6-0", 2, nokey), entry("7-0", 4, noval)));
	assert_int_equal(ss_fleet_xread_entries(r, &e, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 8);

	assert_int_equal(ss_fleet_change_parse(e[0], &c), 0);
	assert_int_equal(c.op, SS_FLEET_OP_ADD);
	assert_true(c.id.ms == 1 && c.id.seq == 0);
	assert_int_equal(c.key_len, 3);
	assert_memory_equal(c.key, "a@b", 3);
	assert_int_equal(c.value_len, 10);
	assert_memory_equal(c.value, "sip:a@c 60", 10);

	/* fields in any order */
	assert_int_equal(ss_fleet_change_parse(e[1], &c), 0);
	assert_int_equal(c.op, SS_FLEET_OP_DEL);
	assert_memory_equal(c.key, "a@b", 3);

	assert_int_equal(ss_fleet_change_parse(e[2], &c), 0);
	assert_int_equal(c.op, SS_FLEET_OP_LOAD);

	assert_int_equal(ss_fleet_change_parse(e[3], &c), 0);
	assert_int_equal(c.op, SS_FLEET_OP_BAD);
	assert_string_equal(c.why, "no op field");
	assert_int_equal(ss_fleet_change_parse(e[4], &c), 0);
	assert_int_equal(c.op, SS_FLEET_OP_BAD);
	assert_string_equal(c.why, "fields are not name/value pairs");
	assert_true(c.id.ms == 4);
	assert_int_equal(ss_fleet_change_parse(e[5], &c), 0);
	assert_string_equal(c.why, "unknown op (expected add, del or load)");
	assert_int_equal(ss_fleet_change_parse(e[6], &c), 0);
	assert_string_equal(c.why, "del without a key field");
	assert_int_equal(ss_fleet_change_parse(e[7], &c), 0);
	assert_string_equal(c.why, "add without a value field");
	freeReplyObject(r);

	/* no valid ID: the log cannot be followed past it */
	r = rr_arr(2, rr_str("nope"), rr_arr(0));
	assert_int_equal(ss_fleet_change_parse(r, &c), -EPROTO);
	freeReplyObject(r);
	r = rr_arr(1, rr_str("1-0"));
	assert_int_equal(ss_fleet_change_parse(r, &c), -EPROTO);
	freeReplyObject(r);
	/* an entry deleted under us comes with nil fields */
	r = rr_arr(2, rr_str("9-0"), rr_nil());
	assert_int_equal(ss_fleet_change_parse(r, &c), 0);
	assert_int_equal(c.op, SS_FLEET_OP_BAD);
	freeReplyObject(r);
	/* a field that is a number */
	r = rr_arr(2, rr_str("9-1"), rr_arr(2, rr_str("op"), rr_int(1)));
	assert_int_equal(ss_fleet_change_parse(r, &c), 0);
	assert_string_equal(c.why, "a field is not a string");
	freeReplyObject(r);

	/* BLOCK timed out */
	r = rr_nil();
	assert_int_equal(ss_fleet_xread_entries(r, &e, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 0);
	freeReplyObject(r);
	r = rr_err("WRONGTYPE Operation against a key holding the wrong kind of value");
	assert_int_equal(ss_fleet_xread_entries(r, &e, &n, why, sizeof(why)), -EPROTO);
	freeReplyObject(r);
	r = rr_arr(1, rr_arr(1, rr_str("x")));
	assert_int_equal(ss_fleet_xread_entries(r, &e, &n, why, sizeof(why)), -EPROTO);
	freeReplyObject(r);
}

static void
test_hscan(void **state)
{
	redisReply *r, **items;
	char cursor[32], why[128];
	size_t n;

	(void)state;
	r = rr_arr(2, rr_str("1234"), rr_arr(4, rr_str("a"), rr_str("sip:a@x"), rr_str("b"),
			rr_str("sip:b@x 60")));
	assert_int_equal(ss_fleet_hscan_parse(r, cursor, sizeof(cursor), &items, &n, why,
				sizeof(why)), 0);
	assert_string_equal(cursor, "1234");
	assert_int_equal(n, 4);
	assert_string_equal(items[2]->str, "b");
	freeReplyObject(r);

	r = rr_arr(2, rr_str("0"), rr_arr(0));
	assert_int_equal(ss_fleet_hscan_parse(r, cursor, sizeof(cursor), &items, &n, why,
				sizeof(why)), 0);
	assert_string_equal(cursor, "0");
	assert_int_equal(n, 0);
	freeReplyObject(r);

	r = rr_arr(2, rr_str("0"), rr_arr(1, rr_str("a")));
	assert_int_equal(ss_fleet_hscan_parse(r, cursor, sizeof(cursor), &items, &n, why,
				sizeof(why)), -EPROTO);
	freeReplyObject(r);
	r = rr_err("WRONGTYPE Operation against a key holding the wrong kind of value");
	assert_int_equal(ss_fleet_hscan_parse(r, cursor, sizeof(cursor), &items, &n, why,
				sizeof(why)), -EPROTO);
	assert_string_equal(why, "HSCAN: WRONGTYPE Operation against a key holding the wrong "
			"kind of value");
	freeReplyObject(r);
	/* a cursor that does not fit */
	r = rr_arr(2, rr_str("123456789012345678901234567890123"), rr_arr(0));
	assert_int_equal(ss_fleet_hscan_parse(r, cursor, sizeof(cursor), &items, &n, why,
				sizeof(why)), -EPROTO);
	freeReplyObject(r);
}

static void
test_printable(void **state)
{
	char out[16];

	(void)state;
	ss_fleet_printable("alice@x", 7, out, sizeof(out));
	assert_string_equal(out, "alice@x");
	ss_fleet_printable("a\nb\"%", 5, out, sizeof(out));
	assert_string_equal(out, "a%0Ab%22%25");
	ss_fleet_printable("0123456789abcdefghij", 20, out, sizeof(out));
	assert_string_equal(out, "0123456789ab...");
	assert_int_equal(strlen(out), 15);
	ss_fleet_printable("0123456789abcde", 15, out, sizeof(out));
	assert_string_equal(out, "0123456789abcde");
	ss_fleet_printable("", 0, out, sizeof(out));
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_stream_info),
		cmocka_unit_test(test_stream_lost),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_hscan),
		cmocka_unit_test(test_printable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
