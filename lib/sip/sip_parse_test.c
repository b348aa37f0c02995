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
#include "ss_test_util.h"

#define PARSE(msg, lit) ss_sip_parse((msg), (lit), sizeof(lit) - 1)
#define START(msg, lit) ss_sip_parse_start((msg), (lit), sizeof(lit) - 1)

static void
assert_span(const struct ss_sip_msg *msg, struct ss_sip_span s, const char *want)
{
	size_t n = strlen(want);

	if (s.len != n || memcmp(ss_sip_ptr(msg, s), want, n) != 0)
		fail_msg("span \"%.*s\" != \"%s\"", s.len, ss_sip_ptr(msg, s), want);
}

static const char register_msg[] =
	"REGISTER sip:registrar.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@example.com>\r\n"
	"From: Bob <sip:bob@example.com>;tag=456248\r\n"
	"Call-ID: 843817637684230@998sdasdh09\r\n"
	"CSeq: 1826 REGISTER\r\n"
	"Contact: <sip:bob@192.0.2.10>\r\n"
	"Expires: 30\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static void
test_register(void **state)
{
	struct ss_sip_msg m;

	(void)state;
	assert_int_equal(PARSE(&m, register_msg), SS_SIP_REQUEST);
	assert_int_equal(m.method, SS_SIP_M_REGISTER);
	assert_span(&m, m.method_tok, "REGISTER");
	assert_span(&m, m.ruri, "sip:registrar.example.com");
	assert_int_equal(m.n_via, 1);
	assert_span(&m, m.via[0], "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds");
	assert_span(&m, m.to, "Bob <sip:bob@example.com>");
	assert_span(&m, m.from, "Bob <sip:bob@example.com>;tag=456248");
	assert_span(&m, m.call_id, "843817637684230@998sdasdh09");
	assert_span(&m, m.cseq, "1826 REGISTER");
	assert_int_equal(m.n_contact, 1);
	assert_span(&m, m.contact[0], "<sip:bob@192.0.2.10>");
	assert_true(m.has_expires);
	assert_span(&m, m.expires, "30");
	assert_int_equal(m.flags, 0);
	assert_int_equal(m.hdr_end, sizeof(register_msg) - 1);
	assert_false(ss_sip_to_has_tag(&m));
}

/* Compact forms, case, whitespace around ':', folding (RFC 3261 §7.3.1). */
static void
test_compact_folded(void **state)
{
	static const char msg[] =
		"INVITE sip:alice@example.com SIP/2.0\r\n"
		"v:SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
		"VIA  :  SIP/2.0/UDP b.example.com;branch=z9hG4bK2 ,\r\n"
		"  SIP/2.0/UDP c.example.com;branch=z9hG4bK3\r\n"
		"f: <sip:bob@example.com>;tag=1\r\n"
		"t:\r\n"
		"\t<sip:alice@example.com>\r\n"
		"i:   abc@def \r\n"
		"cseq: 1 INVITE\r\n"
		"m: <sip:bob@192.0.2.1>\r\n"
		"l: 0\r\n"
		"\r\n";
	struct ss_sip_msg m;

	(void)state;
	assert_int_equal(PARSE(&m, msg), SS_SIP_REQUEST);
	assert_int_equal(m.method, SS_SIP_M_INVITE);
	assert_int_equal(m.n_via, 2);
	assert_span(&m, m.via[0], "SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
	assert_span(&m, m.via[1],
			"SIP/2.0/UDP b.example.com;branch=z9hG4bK2 ,\r\n"
			"  SIP/2.0/UDP c.example.com;branch=z9hG4bK3");
	assert_span(&m, m.from, "<sip:bob@example.com>;tag=1");
	assert_span(&m, m.to, "<sip:alice@example.com>");
	assert_span(&m, m.call_id, "abc@def");
	assert_span(&m, m.cseq, "1 INVITE");
	assert_int_equal(m.n_contact, 1);
	assert_false(m.has_expires);
}

/* The body is never read as headers; X-Expires and Expires-Foo are not Expires. */
static void
test_body_and_lookalikes(void **state)
{
	static const char msg[] =
		"REGISTER sip:example.com SIP/2.0\r\n"
		"X-Expires: 30\r\n"
		"Expires-Foo: 30\r\n"
		"Content-Length: 24\r\n"
		"\r\n"
		"Expires: 30\r\n"
		"Contact: *\r\n";
	struct ss_sip_msg m;

	(void)state;
	assert_int_equal(PARSE(&m, msg), SS_SIP_REQUEST);
	assert_false(m.has_expires);
	assert_int_equal(m.n_contact, 0);
	assert_int_equal(m.hdr_end, strstr(msg, "\r\n\r\n") + 4 - msg);
}

static void
test_duplicates(void **state)
{
	static const char msg[] =
		"INVITE sip:a@b SIP/2.0\r\n"
		"From: <sip:x@y>;tag=1\r\n"
		"f: <sip:z@y>;tag=2\r\n"
		"Call-ID: 1\r\n"
		"i: 2\r\n"
		"Expires: 1\r\n"
		"Expires: 2\r\n"
		"\r\n";
	struct ss_sip_msg m;

	(void)state;
	assert_int_equal(PARSE(&m, msg), SS_SIP_REQUEST);
	assert_int_equal(m.flags, SS_SIP_F_DUP_FROM | SS_SIP_F_DUP_CALLID | SS_SIP_F_DUP_EXPIRES);
	assert_span(&m, m.from, "<sip:x@y>;tag=1");
}

static void
test_response_and_keepalive(void **state)
{
	static const char resp[] = "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h\r\n\r\n";
	static const char noreason[] = "SIP/2.0 100 \r\n\r\n";
	static const uint8_t stun[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	struct ss_sip_msg m;

	(void)state;
	assert_int_equal(PARSE(&m, resp), SS_SIP_RESPONSE);
	assert_int_equal(m.status, 180);
	assert_int_equal(PARSE(&m, noreason), SS_SIP_RESPONSE);
	assert_int_equal(m.status, 100);
	assert_int_equal(PARSE(&m, "\r\n\r\n"), SS_SIP_KEEPALIVE);
	assert_int_equal(PARSE(&m, "\r\n"), SS_SIP_KEEPALIVE);
	assert_int_equal(ss_sip_parse(&m, stun, sizeof(stun)), SS_SIP_KEEPALIVE);
	/* a STUN length that does not match the datagram is not STUN */
	assert_int_equal(ss_sip_parse(&m, stun, sizeof(stun) - 1), SS_SIP_NOT_SIP);
}

static void
test_not_sip(void **state)
{
	static const char nul_line[] = "INV\0TE sip:a@b SIP/2.0\r\n\r\n";
	struct ss_sip_msg m;

	(void)state;
	assert_int_equal(ss_sip_parse(&m, "", 0), SS_SIP_NOT_SIP);
	assert_int_equal(PARSE(&m, "hello world\r\n\r\n"), SS_SIP_NOT_SIP);
	assert_int_equal(PARSE(&m, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"), SS_SIP_NOT_SIP);
	assert_int_equal(PARSE(&m, nul_line), SS_SIP_NOT_SIP);
	/* no empty line: the header section never ends */
	assert_int_equal(PARSE(&m, "OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n"), SS_SIP_NOT_SIP);
	assert_int_equal(PARSE(&m, "OPTIONS sip:a@b SIP/2.0"), SS_SIP_NOT_SIP);
	assert_int_equal(PARSE(&m, "SIP/2.0 4294967301 x\r\n\r\n"), SS_SIP_NOT_SIP);
	assert_int_equal(PARSE(&m, "INVITE  SIP/2.0\r\n\r\n"), SS_SIP_NOT_SIP);
}

/* Odd but SIP: the request passes; flags say what is unusable. */
static void
test_odd_request_lines(void **state)
{
	struct ss_sip_msg m;

	(void)state;
	assert_int_equal(PARSE(&m, "OPTIONS sip:a@b SIP/7.0\r\n\r\n"), SS_SIP_REQUEST);
	assert_int_equal(m.flags, SS_SIP_F_VERSION);
	assert_int_equal(PARSE(&m, "INVITE sip:a@b; lr SIP/2.0\r\n\r\n"), SS_SIP_REQUEST);
	assert_int_equal(m.flags, SS_SIP_F_RURI);
	assert_int_equal(PARSE(&m, "INVITE   sip:a@b   SIP/2.0  \r\n\r\n"), SS_SIP_REQUEST);
	assert_span(&m, m.ruri, "sip:a@b");
	assert_int_equal(m.flags, 0);
	/* methods are case-sensitive (RFC 3261 §7.1) */
	assert_int_equal(PARSE(&m, "invite sip:a@b SIP/2.0\r\n\r\n"), SS_SIP_REQUEST);
	assert_int_equal(m.method, SS_SIP_M_OTHER);
	/* bare LF line ends are tolerated */
	assert_int_equal(PARSE(&m, "BYE sip:a@b SIP/2.0\ni: x\n\n"), SS_SIP_REQUEST);
	assert_span(&m, m.call_id, "x");
}

static void
test_many_vias(void **state)
{
	char buf[4096];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "OPTIONS sip:a@b SIP/2.0\r\n");
	struct ss_sip_msg m;

	(void)state;
	for (int i = 0; i < SS_SIP_MAX_VIA + 1; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "Via: SIP/2.0/UDP h%d\r\n", i);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
	assert_int_equal(ss_sip_parse(&m, buf, n), SS_SIP_REQUEST);
	assert_int_equal(m.n_via, SS_SIP_MAX_VIA);
	assert_int_equal(m.flags, SS_SIP_F_MANY_VIA);
	assert_false(ss_sip_reply_possible(&m));
}

static void
test_delta_seconds(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_int_equal(ss_sip_delta_seconds("0", 1, &v), SS_SIP_DELTA_OK);
	assert_int_equal(v, 0);
	assert_int_equal(ss_sip_delta_seconds(" 000030 ", 8, &v), SS_SIP_DELTA_OK);
	assert_int_equal(v, 30);
	assert_int_equal(ss_sip_delta_seconds("4294967295", 10, &v), SS_SIP_DELTA_OK);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(ss_sip_delta_seconds("4294967296", 10, &v), SS_SIP_DELTA_LARGE);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(ss_sip_delta_seconds("99999999999999999999999", 23, &v),
			SS_SIP_DELTA_LARGE);
	assert_int_equal(ss_sip_delta_seconds("", 0, &v), SS_SIP_DELTA_BAD);
	assert_int_equal(ss_sip_delta_seconds("-1", 2, &v), SS_SIP_DELTA_BAD);
	assert_int_equal(ss_sip_delta_seconds("3 0", 3, &v), SS_SIP_DELTA_BAD);
	assert_int_equal(ss_sip_delta_seconds("30s", 3, &v), SS_SIP_DELTA_BAD);
}

static void
test_method_names(void **state)
{
	(void)state;
	for (int i = SS_SIP_M_OTHER + 1; i < SS_SIP_M_COUNT; i++) {
		const char *n = ss_sip_method_name((enum ss_sip_method)i);

		assert_int_equal(ss_sip_method_from_name(n, strlen(n)), i);
	}
	assert_int_equal(ss_sip_method_from_name("INVITEX", 7), SS_SIP_M_OTHER);
	assert_string_equal(ss_sip_method_name(SS_SIP_M_COUNT), "OTHER");
}

static void assert_end_agrees(const char *buf, size_t len);

/* Every RFC 4475/5118 message: no crash, and the kind a filter must see. */
static void
test_torture_corpus(void **state)
{
	static const struct {
		const char *file;
		enum ss_sip_kind kind;
	} cases[] = {
		{"rfc4475/wsinv.dat", SS_SIP_REQUEST},
		{"rfc4475/intmeth.dat", SS_SIP_REQUEST},
		{"rfc4475/esc01.dat", SS_SIP_REQUEST},
		{"rfc4475/escnull.dat", SS_SIP_REQUEST},
		{"rfc4475/esc02.dat", SS_SIP_REQUEST},
		{"rfc4475/lwsdisp.dat", SS_SIP_REQUEST},
		{"rfc4475/longreq.dat", SS_SIP_REQUEST},
		{"rfc4475/dblreq.dat", SS_SIP_REQUEST},
		{"rfc4475/semiuri.dat", SS_SIP_REQUEST},
		{"rfc4475/transports.dat", SS_SIP_REQUEST},
		{"rfc4475/mpart01.dat", SS_SIP_REQUEST},
		{"rfc4475/unreason.dat", SS_SIP_RESPONSE},
		{"rfc4475/noreason.dat", SS_SIP_RESPONSE},
		{"rfc4475/badinv01.dat", SS_SIP_REQUEST},
		{"rfc4475/clerr.dat", SS_SIP_REQUEST},
		{"rfc4475/ncl.dat", SS_SIP_REQUEST},
		{"rfc4475/scalar02.dat", SS_SIP_REQUEST},
		{"rfc4475/scalarlg.dat", SS_SIP_RESPONSE},
		{"rfc4475/quotbal.dat", SS_SIP_REQUEST},
		/* <URI> in the request line is still a request line shape */
		{"rfc4475/ltgtruri.dat", SS_SIP_REQUEST},
		{"rfc4475/lwsruri.dat", SS_SIP_REQUEST},
		{"rfc4475/lwsstart.dat", SS_SIP_REQUEST},
		{"rfc4475/trws.dat", SS_SIP_REQUEST},
		{"rfc4475/escruri.dat", SS_SIP_REQUEST},
		{"rfc4475/baddate.dat", SS_SIP_REQUEST},
		{"rfc4475/regbadct.dat", SS_SIP_REQUEST},
		{"rfc4475/badaspec.dat", SS_SIP_REQUEST},
		/* the archive copy never ends its header section */
		{"rfc4475/baddn.dat", SS_SIP_NOT_SIP},
		{"rfc4475/extra/baddn-terminated.dat", SS_SIP_REQUEST},
		{"rfc4475/badvers.dat", SS_SIP_REQUEST},
		{"rfc4475/mismatch01.dat", SS_SIP_REQUEST},
		{"rfc4475/mismatch02.dat", SS_SIP_REQUEST},
		/* status code 4294967301: no status line */
		{"rfc4475/bigcode.dat", SS_SIP_NOT_SIP},
		{"rfc4475/badbranch.dat", SS_SIP_REQUEST},
		{"rfc4475/insuf.dat", SS_SIP_REQUEST},
		{"rfc4475/unkscm.dat", SS_SIP_REQUEST},
		{"rfc4475/novelsc.dat", SS_SIP_REQUEST},
		{"rfc4475/unksm2.dat", SS_SIP_REQUEST},
		{"rfc4475/bext01.dat", SS_SIP_REQUEST},
		{"rfc4475/invut.dat", SS_SIP_REQUEST},
		{"rfc4475/regaut01.dat", SS_SIP_REQUEST},
		{"rfc4475/multi01.dat", SS_SIP_REQUEST},
		{"rfc4475/mcl01.dat", SS_SIP_REQUEST},
		{"rfc4475/bcast.dat", SS_SIP_RESPONSE},
		{"rfc4475/zeromf.dat", SS_SIP_REQUEST},
		{"rfc4475/cparam01.dat", SS_SIP_REQUEST},
		{"rfc4475/cparam02.dat", SS_SIP_REQUEST},
		{"rfc4475/regescrt.dat", SS_SIP_REQUEST},
		{"rfc4475/sdp01.dat", SS_SIP_REQUEST},
		{"rfc4475/inv2543.dat", SS_SIP_REQUEST},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ss_sip_msg m;
		size_t len;
		char *buf = ss_test_read(cases[i].file, &len);

		if (ss_sip_parse(&m, buf, len) != cases[i].kind)
			fail_msg("%s: kind %d, want %d", cases[i].file, m.kind, cases[i].kind);
		assert_end_agrees(buf, len);
		/* every prefix too: truncation never crashes nor reads past the end */
		for (size_t n = 0; n < len; n++) {
			char *copy = malloc(n ? n : 1);

			memcpy(copy, buf, n);
			ss_sip_parse(&m, copy, n);
			free(copy);
		}
		free(buf);
	}
}

/* The fast end search agrees with the header walk, at every alignment. */
static void
assert_end_agrees(const char *buf, size_t len)
{
	struct ss_sip_msg walk, fast;
	enum ss_sip_kind k = ss_sip_parse(&walk, buf, len);

	ss_sip_parse_start(&fast, buf, len);
	if (k == SS_SIP_REQUEST || k == SS_SIP_RESPONSE) {
		assert_true(ss_sip_find_end(&fast));
		assert_int_equal(fast.hdr_end, walk.hdr_end);
	} else if (fast.kind == SS_SIP_REQUEST || fast.kind == SS_SIP_RESPONSE) {
		assert_false(ss_sip_find_end(&fast));
		assert_int_equal(fast.kind, SS_SIP_NOT_SIP);
	}
}

static void
test_find_end(void **state)
{
	static const char *ends[] = {"\r\n\r\n", "\n\n", "\n\r\n", "\r\n\n", "\r\n \r\n\r\n",
		"\r\n\r\r\n\r\n", "\r\n"};
	char buf[512];

	(void)state;
	for (size_t e = 0; e < sizeof(ends) / sizeof(ends[0]); e++) {
		for (int pad = 0; pad < 140; pad++) {
			int n = snprintf(buf, sizeof(buf), "OPTIONS sip:a@b SIP/2.0\r\nX: %.*s%sbody\r\n\r\n",
					pad, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
					ends[e]);

			for (int cut = 0; cut <= n; cut++)
				assert_end_agrees(buf, (size_t)cut);
		}
	}
	assert_end_agrees("SIP/2.0 200 OK\r\n\r\n", 19);
	assert_end_agrees("INVITE sip:a@b SIP/2.0\n\n", 25);
}

/*
 * ss_sip_find_end_ua() finds the same end as the header walk and the same
 * User-Agent, unfolded values being the only ones it reads.
 */
static void
assert_ua_agrees(const char *buf, size_t len)
{
	struct ss_sip_msg walk, fast;
	enum ss_sip_kind k = ss_sip_parse(&walk, buf, len);

	ss_sip_parse_start(&fast, buf, len);
	if (k != SS_SIP_REQUEST) {
		if (fast.kind == SS_SIP_REQUEST)
			assert_false(ss_sip_find_end_ua(&fast));
		return;
	}
	assert_true(ss_sip_find_end_ua(&fast));
	assert_int_equal(fast.hdr_end, walk.hdr_end);
	assert_int_equal(fast.has_user_agent, walk.has_user_agent);
	if (walk.has_user_agent) {
		assert_int_equal(fast.user_agent.off, walk.user_agent.off);
		assert_int_equal(fast.user_agent.len, walk.user_agent.len);
	}
}

static void
test_user_agent(void **state)
{
	static const char *const lines[] = {
		"User-Agent: friendly-scanner\r\n",
		"user-agent:sipcli/v1.8\r\n",
		"USER-AGENT \t:  Zoiper rv2.10  \r\n",
		"User-Agent:\r\n",
		"User-Agent: \r\n",
		"User-Agentx: no\r\n",
		"X-User-Agent: no\r\n",
		"Unsupported: foo\r\nUser-Agent: second\r\n",
		"User-Agent no colon\r\n",
		"u: 1\r\nUser-Agent: after compact u\r\n",
		"User-Agent: lf only\n",
	};
	static const char pad[] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	struct ss_sip_msg m;
	char buf[512];

	(void)state;
	/* every line kind, at every offset around two block boundaries, every cut */
	for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
		for (int p = 0; p < 140; p++) {
			int n = snprintf(buf, sizeof(buf),
					"UPDATE sip:a@b SIP/2.0\r\nX: %.*s\r\n%sCSeq: 1 UPDATE\r\n"
					"\r\nUser-Agent: in the body\r\n",
					p, pad, lines[l]);

			for (int cut = 0; cut <= n; cut++)
				assert_ua_agrees(buf, (size_t)cut);
		}
		/* as the first header line, and as the last */
		snprintf(buf, sizeof(buf), "OPTIONS sip:a@b SIP/2.0\r\n%s\r\n", lines[l]);
		assert_ua_agrees(buf, strlen(buf));
	}

	START(&m, "OPTIONS sip:a SIP/2.0\r\nUser-Agent:  Friendly-Scanner \r\n\r\n");
	assert_true(ss_sip_find_end_ua(&m));
	assert_true(m.has_user_agent);
	assert_span(&m, m.user_agent, "Friendly-Scanner");
	/* an empty value stays empty: the next line is not read as the value */
	START(&m, "OPTIONS sip:a SIP/2.0\r\nUser-Agent:\r\nTo: x\r\n\r\n");
	assert_true(ss_sip_find_end_ua(&m));
	assert_true(m.has_user_agent);
	assert_int_equal(m.user_agent.len, 0);
	/* only the header section counts, and only requests */
	START(&m, "OPTIONS sip:a SIP/2.0\r\nTo: x\r\n\r\nUser-Agent: body\r\n");
	assert_true(ss_sip_find_end_ua(&m));
	assert_false(m.has_user_agent);
	START(&m, "SIP/2.0 200 OK\r\nUser-Agent: x\r\n\r\n");
	assert_true(ss_sip_find_end_ua(&m));
	assert_false(m.has_user_agent);
	/* no end: not SIP */
	START(&m, "OPTIONS sip:a SIP/2.0\r\nUser-Agent: x\r\n");
	assert_false(ss_sip_find_end_ua(&m));
	assert_int_equal(m.kind, SS_SIP_NOT_SIP);
}

static void
test_content_length(void **state)
{
	struct ss_sip_msg m;

	(void)state;
	assert_int_equal(PARSE(&m, "INVITE sip:a@b SIP/2.0\r\nContent-Length: 4\r\n\r\nbody"),
			SS_SIP_REQUEST);
	assert_true(m.has_content_length);
	assert_span(&m, m.content_length, "4");
	assert_int_equal(ss_sip_body_len(&m), 4);
	assert_int_equal(m.flags, 0);
	assert_int_equal(PARSE(&m, "INVITE sip:a@b SIP/2.0\r\nl:  17 \r\n\r\n"), SS_SIP_REQUEST);
	assert_span(&m, m.content_length, "17");
	assert_int_equal(ss_sip_body_len(&m), 0);
	assert_int_equal(PARSE(&m, "INVITE sip:a@b SIP/2.0\r\nl: 1\r\ncontent-LENGTH: 1\r\n\r\nx"),
			SS_SIP_REQUEST);
	assert_span(&m, m.content_length, "1");
	assert_int_equal(m.flags, SS_SIP_F_DUP_CLEN);
	assert_int_equal(PARSE(&m, "INVITE sip:a@b SIP/2.0\r\nX-Content-Length: 1\r\n\r\n"),
			SS_SIP_REQUEST);
	assert_false(m.has_content_length);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_compact_folded),
		cmocka_unit_test(test_body_and_lookalikes),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_response_and_keepalive),
		cmocka_unit_test(test_not_sip),
		cmocka_unit_test(test_odd_request_lines),
		cmocka_unit_test(test_many_vias),
		cmocka_unit_test(test_delta_seconds),
		cmocka_unit_test(test_method_names),
		cmocka_unit_test(test_torture_corpus),
		cmocka_unit_test(test_find_end),
		cmocka_unit_test(test_user_agent),
		cmocka_unit_test(test_content_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
