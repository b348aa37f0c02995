/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* Every decision rule of DESIGN §2, through ss_filter_process(). */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_common.h>
#include <rte_eal.h>

#include "ss_filter.h"
#include "ss_test_util.h"

static struct ss_filter filter;
static struct ss_sip_hs *hs;
static struct ss_sip_scratch *scratch;
static const struct ss_sip_addr src = {.family = 4, .addr = {192, 0, 2, 1}, .port = 5060};

static void
add_moved(const char *text, const char *uri, bool has_exp, uint32_t exp)
{
	struct ss_sip_key k;

	assert_int_equal(ss_sip_text_key(text, strlen(text), &k), SS_SIP_KEY_OK);
	assert_int_equal(ss_moved_add(filter.moved, &k, uri, strlen(uri), has_exp, exp), 0);
}

static int
setup(void **state)
{
	char *argv[] = {"filter_test", "--no-huge", "--no-pci", "--no-shconf", "--no-telemetry", "-m", "64",
		"--log-level", "lib.eal:error", NULL};
	struct ss_conf conf;
	const char *err;
	char ebuf[256];

	(void)state;
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0)
		return -1;
	ss_conf_defaults(&conf);
	conf.redirect_methods |= (1u << SS_SIP_M_SUBSCRIBE) | (1u << SS_SIP_M_CANCEL) |
		(1u << SS_SIP_M_OPTIONS);
	hs = ss_sip_hs_create(&err);
	/* the built-in scanner list, before the scratch that must serve it */
	if (hs == NULL || ss_scanner_load(hs, NULL, ebuf, sizeof(ebuf)) <= 0)
		return -1;
	scratch = ss_sip_scratch_create(hs);
	ss_filter_init(&filter, &conf, hs);
	memcpy(filter.secret, "0123456789abcdef", SS_SIP_SECRET_LEN);
	filter.moved = ss_moved_create("filter_test", 1024, -1);
	if (filter.moved == NULL)
		return -1;
	add_moved("bob@example.com", "sip:bob@new.example.net", false, 0);
	add_moved("carol", "sip:carol@elsewhere.example.org", true, 600);
	add_moved("+15551234567", "tel:+15557654321", false, 0);
	add_moved("user;par=u%40example.net@example.com", "sip:semi@example.org", false, 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ss_moved_free(filter.moved);
	ss_sip_scratch_free(scratch);
	ss_sip_hs_free(hs);
	rte_eal_cleanup();
	return 0;
}

static char reply[4096];

static struct ss_filter_result
run(const char *msg)
{
	struct ss_filter_result r;
	struct ss_sip_msg sm;

	ss_filter_process(&filter, scratch, &sm, msg, strlen(msg), &src, reply, sizeof(reply), &r);
	return r;
}

#define ASSERT_OUTCOME(msg, verdict_, reason_) do { \
	struct ss_filter_result r_ = run(msg); \
	if (r_.verdict != (verdict_) || r_.reason != (reason_)) \
		fail_msg("verdict %d %s, want %d %s", r_.verdict, \
				ss_reason_name(r_.reason), (verdict_), ss_reason_name(reason_)); \
} while (0)

/* A REGISTER with the given extra headers. */
static const char *
reg(const char *extra)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf), "REGISTER sip:example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKr1\r\n"
		"From: <sip:u@example.com>;tag=f1\r\n"
		"To: <sip:u@example.com>\r\n"
		"Call-ID: reg1@192.0.2.1\r\n"
		"CSeq: 2 REGISTER\r\n"
		"%s"
		"Content-Length: 0\r\n\r\n", extra);
	return buf;
}

static void
test_register_rules(void **state)
{
	struct ss_filter_result r;
	char tag[SS_SIP_TAG_LEN];
	char want[1024];
	struct ss_sip_msg sm;
	const char *msg;

	(void)state;
	msg = reg("Contact: <sip:u@192.0.2.1>\r\nExpires: 30\r\n");
	r = run(msg);
	assert_int_equal(r.verdict, SS_VERDICT_ANSWER);
	assert_int_equal(r.reason, SS_REASON_TOO_BRIEF);
	assert_int_equal(r.code, 423);
	ss_sip_parse(&sm, msg, strlen(msg));
	ss_sip_make_tag(&sm, filter.secret, tag);
	snprintf(want, sizeof(want), "SIP/2.0 423 Interval Too Brief\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKr1\r\n"
		"From: <sip:u@example.com>;tag=f1\r\n"
		"To: <sip:u@example.com>;tag=%.16s\r\n"
		"Call-ID: reg1@192.0.2.1\r\n"
		"CSeq: 2 REGISTER\r\n"
		"Min-Expires: 60\r\n"
		"Content-Length: 0\r\n\r\n", tag);
	assert_int_equal(r.reply_len, strlen(want));
	assert_memory_equal(reply, want, r.reply_len);

	ASSERT_OUTCOME(reg("Contact: <sip:u@h>\r\nExpires: 60\r\n"), SS_VERDICT_PASS,
			SS_REASON_EXPIRES_OK);
	ASSERT_OUTCOME(reg("Contact: <sip:u@h>\r\nExpires: 59\r\n"), SS_VERDICT_ANSWER,
			SS_REASON_TOO_BRIEF);
	ASSERT_OUTCOME(reg("Contact: <sip:u@h>\r\nExpires: 1\r\n"), SS_VERDICT_ANSWER,
			SS_REASON_TOO_BRIEF);
	ASSERT_OUTCOME(reg("Contact: <sip:u@h>\r\nExpires: 0\r\n"), SS_VERDICT_PASS,
			SS_REASON_EXPIRES_OK);
	ASSERT_OUTCOME(reg("Contact: *\r\nExpires: 0\r\n"), SS_VERDICT_PASS,
			SS_REASON_CONTACT_STAR);
	ASSERT_OUTCOME(reg("Expires: 30\r\n"), SS_VERDICT_PASS, SS_REASON_NO_EXPIRY);
	ASSERT_OUTCOME(reg("Contact: <sip:u@h>\r\n"), SS_VERDICT_PASS, SS_REASON_NO_EXPIRY);
	/* the Contact's own value beats the header, both ways */
	ASSERT_OUTCOME(reg("Contact: <sip:u@h>;expires=3600\r\nExpires: 30\r\n"),
			SS_VERDICT_PASS, SS_REASON_EXPIRES_OK);
	ASSERT_OUTCOME(reg("Contact: <sip:u@h>;expires=30\r\nExpires: 3600\r\n"),
			SS_VERDICT_ANSWER, SS_REASON_TOO_BRIEF);
	/* one brief Contact among long ones is enough */
	ASSERT_OUTCOME(reg("Contact: <sip:a@h>;expires=3600, <sip:b@h>;expires=10\r\n"),
			SS_VERDICT_ANSWER, SS_REASON_TOO_BRIEF);
	ASSERT_OUTCOME(reg("Contact: <sip:u@h;expires=30>\r\n"), SS_VERDICT_PASS,
			SS_REASON_NO_EXPIRY);
	ASSERT_OUTCOME(reg("Contact: <sip:u@h>\r\nX-Expires: 30\r\nExpires-Foo: 30\r\n"),
			SS_VERDICT_PASS, SS_REASON_NO_EXPIRY);
	ASSERT_OUTCOME(reg("Contact: <sip:u@h>;expires=bad\r\nExpires: 30\r\n"),
			SS_VERDICT_PASS, SS_REASON_EXPIRES_OK);
	ASSERT_OUTCOME(reg("Contact: <sip:u@h>\r\nExpires: 3O\r\n"), SS_VERDICT_PASS,
			SS_REASON_NO_EXPIRY);
}

static void
test_body_never_headers(void **state)
{
	(void)state;
	ASSERT_OUTCOME("REGISTER sip:example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKb\r\n"
		"From: <sip:u@example.com>;tag=f1\r\nTo: <sip:u@example.com>\r\n"
		"Call-ID: b1\r\nCSeq: 1 REGISTER\r\nContact: <sip:u@h>\r\n"
		"Content-Type: text/plain\r\nContent-Length: 13\r\n\r\nExpires: 30\r\n",
		SS_VERDICT_PASS, SS_REASON_NO_EXPIRY);
}

static const char *
subscribe(const char *extra)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "SUBSCRIBE sip:alice@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKs\r\n"
		"From: <sip:w@example.com>;tag=f1\r\nTo: <sip:alice@example.com>\r\n"
		"Call-ID: s1\r\nCSeq: 1 SUBSCRIBE\r\nEvent: presence\r\n%s\r\n", extra);
	return buf;
}

static void
test_subscribe_rules(void **state)
{
	struct ss_filter_result r;

	(void)state;
	r = run(subscribe("Expires: 10\r\n"));
	assert_int_equal(r.verdict, SS_VERDICT_ANSWER);
	assert_int_equal(r.code, 423);
	assert_non_null(strstr(reply, "\r\nMin-Expires: 60\r\n"));
	ASSERT_OUTCOME(subscribe("Expires: 0\r\n"), SS_VERDICT_PASS, SS_REASON_NOT_MOVED);
	ASSERT_OUTCOME(subscribe("Expires: 3600\r\n"), SS_VERDICT_PASS, SS_REASON_NOT_MOVED);
	ASSERT_OUTCOME(subscribe(""), SS_VERDICT_PASS, SS_REASON_NOT_MOVED);
}

static const char *
request(const char *method, const char *ruri, const char *to_extra)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "%s %s SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKi\r\n"
		"From: Alice <sip:alice@example.com>;tag=fa\r\n"
		"To: <%s>%s\r\n"
		"Call-ID: inv1@192.0.2.1\r\n"
		"CSeq: 10 %s\r\n"
		"Max-Forwards: 70\r\n"
		"Contact: <sip:alice@192.0.2.1:5060>\r\n"
		"Content-Length: 0\r\n\r\n", method, ruri, ruri, to_extra, method);
	return buf;
}

static void
test_redirect_rules(void **state)
{
	struct ss_filter_result r;

	(void)state;
	r = run(request("INVITE", "sip:bob@example.com", ""));
	assert_int_equal(r.verdict, SS_VERDICT_ANSWER);
	assert_int_equal(r.code, 302);
	assert_non_null(strstr(reply, "\r\nContact: <sip:bob@new.example.net>\r\n"));
	assert_null(strstr(reply, "Expires"));
	/* %-escaped user, upper-case host, port and parameters: the same user */
	ASSERT_OUTCOME(request("INVITE", "sip:%62ob@EXAMPLE.com:5060;transport=udp", ""),
			SS_VERDICT_ANSWER, SS_REASON_MOVED);
	ASSERT_OUTCOME(request("INVITE", "sips:bob@example.com", ""), SS_VERDICT_ANSWER,
			SS_REASON_MOVED);
	/* the user part is case-sensitive */
	ASSERT_OUTCOME(request("INVITE", "sip:Bob@example.com", ""), SS_VERDICT_PASS,
			SS_REASON_NOT_MOVED);
	ASSERT_OUTCOME(request("INVITE", "sip:bob@other.example.com", ""), SS_VERDICT_PASS,
			SS_REASON_NOT_MOVED);
	/* an any-host entry, with Expires */
	r = run(request("INVITE", "sip:carol@anywhere.example", ""));
	assert_int_equal(r.verdict, SS_VERDICT_ANSWER);
	assert_non_null(strstr(reply, "\r\nContact: <sip:carol@elsewhere.example.org>\r\n"
				"Expires: 600\r\nContent-Length: 0\r\n\r\n"));
	ASSERT_OUTCOME(request("INVITE", "tel:+1-555-123-4567", ""), SS_VERDICT_ANSWER,
			SS_REASON_MOVED);
	ASSERT_OUTCOME(request("INVITE", "sip:+1-555-123-4567@gw.example.com;user=phone", ""),
			SS_VERDICT_ANSWER, SS_REASON_MOVED);
	ASSERT_OUTCOME(request("INVITE", "sip:user;par=u%40example.net@example.com", ""),
			SS_VERDICT_ANSWER, SS_REASON_MOVED);
	/* in-dialog, CANCEL and ACK are never redirected */
	ASSERT_OUTCOME(request("INVITE", "sip:bob@example.com", ";tag=dlg"), SS_VERDICT_PASS,
			SS_REASON_IN_DIALOG);
	ASSERT_OUTCOME(request("CANCEL", "sip:bob@example.com", ""), SS_VERDICT_PASS,
			SS_REASON_NO_RULE);
	ASSERT_OUTCOME(request("ACK", "sip:bob@example.com", ""), SS_VERDICT_PASS,
			SS_REASON_NO_RULE);
	/* a method outside redirect_methods passes */
	ASSERT_OUTCOME(request("MESSAGE", "sip:bob@example.com", ""), SS_VERDICT_PASS,
			SS_REASON_NO_RULE);
	ASSERT_OUTCOME(request("OPTIONS", "sip:bob@example.com", ""), SS_VERDICT_ANSWER,
			SS_REASON_MOVED);
	ASSERT_OUTCOME(request("INVITE", "sip:example.com", ""), SS_VERDICT_PASS,
			SS_REASON_URI_UNUSABLE);
}

/* The ACK for our own 302 is absorbed; any other ACK passes. */
static void
test_ack_absorbed(void **state)
{
	const char *inv = request("INVITE", "sip:bob@example.com", "");
	char to_tag[64], ack[1024];
	struct ss_sip_msg sm;
	char tag[SS_SIP_TAG_LEN];

	(void)state;
	ss_sip_parse(&sm, inv, strlen(inv));
	ss_sip_make_tag(&sm, filter.secret, tag);
	snprintf(to_tag, sizeof(to_tag), ";tag=%.16s", tag);
	snprintf(ack, sizeof(ack), "%s", request("ACK", "sip:bob@example.com", to_tag));
	/* the ACK of a non-2xx carries the INVITE's CSeq number */
	ASSERT_OUTCOME(ack, SS_VERDICT_DROP, SS_REASON_ACK_OURS);
	ASSERT_OUTCOME(request("ACK", "sip:bob@example.com", ";tag=0000000000000000"),
			SS_VERDICT_PASS, SS_REASON_NO_RULE);
}

static void
test_other_kinds(void **state)
{
	(void)state;
	ASSERT_OUTCOME("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n\r\n", SS_VERDICT_PASS,
			SS_REASON_RESPONSE);
	ASSERT_OUTCOME("\r\n\r\n", SS_VERDICT_PASS, SS_REASON_KEEPALIVE);
	ASSERT_OUTCOME("GET / HTTP/1.0\r\n\r\n", SS_VERDICT_DROP, SS_REASON_NOT_SIP);
	ASSERT_OUTCOME("REGISTER sip:example.com SIP/2.0\r\nExpires: 30\r\n", SS_VERDICT_DROP,
			SS_REASON_NOT_SIP);
	ASSERT_OUTCOME("REGISTER sip:example.com SIP/3.0\r\nContact: <sip:u@h>\r\n"
		"Expires: 30\r\n\r\n", SS_VERDICT_PASS, SS_REASON_NO_RULE);
	/* earns a 423 but lacks what a reply must copy */
	ASSERT_OUTCOME("REGISTER sip:example.com SIP/2.0\r\nContact: <sip:u@h>\r\n"
		"Expires: 30\r\n\r\n", SS_VERDICT_PASS, SS_REASON_UNANSWERABLE);
}

/* DESIGN §2: a reply at most 64 bytes larger than its request. */
static void
test_amplification(void **state)
{
	static const char small[] = "INVITE sip:big@x SIP/2.0\r\nv: SIP/2.0/UDP h\r\n"
		"f: <sip:a@x>;tag=1\r\nt: <sip:big@x>\r\ni: c\r\nCSeq: 1 INVITE\r\n\r\n";
	static const char roomy[] = "INVITE sip:big@x SIP/2.0\r\nv: SIP/2.0/UDP h\r\n"
		"f: <sip:a@x>;tag=1\r\nt: <sip:big@x>\r\ni: c\r\nCSeq: 1 INVITE\r\n"
		"Max-Forwards: 70\r\nUser-Agent: softphone/1.0\r\n\r\n";
	char uri[SS_MOVED_URI_MAX + 1];
	struct ss_filter_result r;
	struct ss_sip_msg sm;

	(void)state;
	memset(uri, 'a', sizeof(uri) - 1);
	memcpy(uri, "sip:", 4);
	uri[sizeof(uri) - 1] = '\0';
	add_moved("big@x", uri, false, 0);
	ASSERT_OUTCOME(small, SS_VERDICT_PASS, SS_REASON_WOULD_AMPLIFY);
	/* a buffer smaller than the bound: did not fit */
	ss_filter_process(&filter, scratch, &sm, small, strlen(small), &src, reply, 100, &r);
	assert_int_equal(r.verdict, SS_VERDICT_PASS);
	assert_int_equal(r.reason, SS_REASON_NO_ROOM);
	/* a request with more headers than the reply copies leaves room */
	add_moved("big@x", "sip:b@y", false, 0);
	ASSERT_OUTCOME(small, SS_VERDICT_PASS, SS_REASON_WOULD_AMPLIFY);
	r = run(roomy);
	assert_int_equal(r.verdict, SS_VERDICT_ANSWER);
	assert_true(r.reply_len <= strlen(roomy) + SS_FILTER_MAX_GROWTH);
}

/* A request with the given method, User-Agent line and To parameters. */
static const char *
with_agent(const char *method, const char *ua_line, const char *to_extra)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "%s sip:bob@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKs\r\n"
		"From: <sip:100@example.com>;tag=fs\r\nTo: <sip:bob@example.com>%s\r\n"
		"Call-ID: scan1\r\nCSeq: 1 %s\r\n%sContent-Length: 0\r\n\r\n", method,
		to_extra, method, ua_line);
	return buf;
}

/* DESIGN §2: a scanner's request is dropped, after responses, before the ACK absorb. */
static void
test_scanners(void **state)
{
	const char *inv = with_agent("INVITE", "", "");
	char to_tag[64], ack[1024];
	struct ss_sip_msg sm;
	char tag[SS_SIP_TAG_LEN];

	(void)state;
	ASSERT_OUTCOME(with_agent("OPTIONS", "User-Agent: friendly-scanner\r\n", ""),
			SS_VERDICT_DROP, SS_REASON_SCANNER);
	ASSERT_OUTCOME(with_agent("INVITE", "User-Agent: sipcli/v1.8\r\n", ""), SS_VERDICT_DROP,
			SS_REASON_SCANNER);
	/* REGISTER takes the header walk, not the end search: the same verdict */
	ASSERT_OUTCOME(with_agent("REGISTER", "User-Agent: pplsip\r\n", ""), SS_VERDICT_DROP,
			SS_REASON_SCANNER);
	ASSERT_OUTCOME(with_agent("INVITE", "USER-AGENT:  SIPVicious 0.3.4\r\n", ""),
			SS_VERDICT_DROP, SS_REASON_SCANNER);
	/* a request that would get a 302: the scanner rule comes first */
	ASSERT_OUTCOME(with_agent("INVITE", "User-Agent: VaxSIPUserAgent/3.1\r\n", ""),
			SS_VERDICT_DROP, SS_REASON_SCANNER);
	ASSERT_OUTCOME(with_agent("INVITE", "User-Agent: Linphone/5.2\r\n", ""),
			SS_VERDICT_ANSWER, SS_REASON_MOVED);
	ASSERT_OUTCOME(inv, SS_VERDICT_ANSWER, SS_REASON_MOVED);
	/* even the ACK for our own 302 is a scanner's first */
	ss_sip_parse(&sm, inv, strlen(inv));
	ss_sip_make_tag(&sm, filter.secret, tag);
	snprintf(to_tag, sizeof(to_tag), ";tag=%.16s", tag);
	snprintf(ack, sizeof(ack), "%s", with_agent("ACK", "", to_tag));
	ASSERT_OUTCOME(ack, SS_VERDICT_DROP, SS_REASON_ACK_OURS);
	snprintf(ack, sizeof(ack), "%s", with_agent("ACK", "User-Agent: friendly-scanner\r\n",
			to_tag));
	ASSERT_OUTCOME(ack, SS_VERDICT_DROP, SS_REASON_SCANNER);
	/* responses are not judged by agent; only the User-Agent header counts */
	ASSERT_OUTCOME("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nUser-Agent: friendly-scanner\r\n"
		"\r\n", SS_VERDICT_PASS, SS_REASON_RESPONSE);
	ASSERT_OUTCOME(with_agent("INVITE", "Subject: friendly-scanner\r\n", ""),
			SS_VERDICT_ANSWER, SS_REASON_MOVED);
	/* drop_scanners = off */
	filter.drop_scanners = false;
	ASSERT_OUTCOME(with_agent("OPTIONS", "User-Agent: friendly-scanner\r\n", ""),
			SS_VERDICT_ANSWER, SS_REASON_MOVED);
	filter.drop_scanners = true;
}

/* The scanner patterns file: file:line errors, and what it loads. */
static void
test_scanner_file(void **state)
{
	static const struct {
		const char *text;
		int rc;
		const char *err;	/* after "<path>" */
	} cases[] = {
		{"# mine\n\n  friendly-scanner  \n^sipsak\r\n", 2, ""},
		{"ok\n\tbad\001byte\n", -EINVAL, ":2: byte 0x01 in column 5: patterns are "
			"printable ASCII (a User-Agent is)"},
		{"^\n", -EINVAL, ":1: expected a pattern of 1..128 bytes"},
		{"# only comments\n", -EINVAL, ": no pattern (to drop no scanner, set [filter] "
			"drop_scanners = off)"},
		{"caf\xc3\xa9\n", -EINVAL, ":1: byte 0xc3 in column 4: patterns are printable "
			"ASCII (a User-Agent is)"},
	};
	char path[] = "/tmp/ss_agents_XXXXXX", err[512], want[512];
	const char *e;

	(void)state;
	for (size_t i = 0; i < RTE_DIM(cases); i++) {
		struct ss_sip_hs *h = ss_sip_hs_create(&e);
		int fd;
		FILE *f;

		strcpy(path, "/tmp/ss_agents_XXXXXX");
		fd = mkstemp(path);
		assert_true(fd >= 0);
		f = fdopen(fd, "w");
		fputs(cases[i].text, f);
		fclose(f);
		err[0] = '\0';
		assert_int_equal(ss_scanner_load(h, path, err, sizeof(err)), cases[i].rc);
		if (cases[i].rc < 0) {
			snprintf(want, sizeof(want), "%s%s", path, cases[i].err);
			assert_string_equal(err, want);
		} else {
			assert_int_equal(ss_sip_hs_agents(h), (unsigned int)cases[i].rc);
		}
		unlink(path);
		ss_sip_hs_free(h);
	}
	/* a line of 129 bytes, and 1025 patterns */
	{
		struct ss_sip_hs *h = ss_sip_hs_create(&e);
		int fd = mkstemp(strcpy(path, "/tmp/ss_agents_XXXXXX"));
		FILE *f = fdopen(fd, "w");

		fprintf(f, "%0129d\n", 0);
		fclose(f);
		assert_int_equal(ss_scanner_load(h, path, err, sizeof(err)), -EINVAL);
		snprintf(want, sizeof(want), "%s:1: expected a pattern of 1..128 bytes", path);
		assert_string_equal(err, want);
		f = fopen(path, "w");
		for (int i = 0; i < SS_SIP_AGENTS_MAX + 1; i++)
			fprintf(f, "agent%d\n", i);
		fclose(f);
		assert_int_equal(ss_scanner_load(h, path, err, sizeof(err)), -ERANGE);
		snprintf(want, sizeof(want), "%s:1025: more than 1024 patterns", path);
		assert_string_equal(err, want);
		unlink(path);
		assert_int_equal(ss_scanner_load(h, path, err, sizeof(err)), -ENOENT);
		snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
		assert_string_equal(err, want);
		ss_sip_hs_free(h);
	}
}

/*
 * RFC 3261 §18.3: a request whose body is shorter than its Content-Length
 * is not answered (the registrar says 400); nor is one whose
 * Content-Length cannot be read.
 */
static void
test_truncated(void **state)
{
	char msg[2048];

	(void)state;
	snprintf(msg, sizeof(msg), "%s", reg("Contact: <sip:u@192.0.2.1>\r\nExpires: 30\r\n"));
	/* reg() ends with Content-Length: 0 and no body: answered */
	ASSERT_OUTCOME(msg, SS_VERDICT_ANSWER, SS_REASON_TOO_BRIEF);
	*strstr(msg, "Content-Length: 0") = '\0';
	strcat(msg, "Content-Length: 5\r\n\r\nabcd");
	ASSERT_OUTCOME(msg, SS_VERDICT_PASS, SS_REASON_TRUNCATED);
	strcat(msg, "e");
	ASSERT_OUTCOME(msg, SS_VERDICT_ANSWER, SS_REASON_TOO_BRIEF);
	/* bytes past the body are ignored (§18.3) */
	strcat(msg, "fgh");
	ASSERT_OUTCOME(msg, SS_VERDICT_ANSWER, SS_REASON_TOO_BRIEF);
	*strstr(msg, "Content-Length: 5") = '\0';
	strcat(msg, "Content-Length: 99999999999\r\n\r\n");
	ASSERT_OUTCOME(msg, SS_VERDICT_PASS, SS_REASON_TRUNCATED);
	*strstr(msg, "Content-Length: ") = '\0';
	strcat(msg, "Content-Length: 0x5\r\n\r\n");
	ASSERT_OUTCOME(msg, SS_VERDICT_PASS, SS_REASON_UNANSWERABLE);
	*strstr(msg, "Content-Length: ") = '\0';
	strcat(msg, "Content-Length: 0\r\nl: 0\r\n\r\n");
	ASSERT_OUTCOME(msg, SS_VERDICT_PASS, SS_REASON_UNANSWERABLE);
	/* the same for a 302 */
	snprintf(msg, sizeof(msg), "%s", request("INVITE", "sip:bob@example.com", ""));
	*strstr(msg, "Content-Length: 0") = '\0';
	strcat(msg, "Content-Length: 300\r\n\r\nv=0\r\n");
	ASSERT_OUTCOME(msg, SS_VERDICT_PASS, SS_REASON_TRUNCATED);
	/* a request that earns nothing is not judged on its body */
	snprintf(msg, sizeof(msg), "%s", request("INVITE", "sip:zed@example.com", ""));
	*strstr(msg, "Content-Length: 0") = '\0';
	strcat(msg, "Content-Length: 300\r\n\r\nv=0\r\n");
	ASSERT_OUTCOME(msg, SS_VERDICT_PASS, SS_REASON_NOT_MOVED);
}

/* RFC 1122 §3.2.1.3: no reply to a source that is no unicast host. */
static void
test_bad_source(void **state)
{
	static const struct {
		uint8_t family;
		uint8_t addr[16];
		uint16_t port;
		bool ok;
	} srcs[] = {
		{4, {192, 0, 2, 1}, 5060, true},
		{4, {192, 0, 2, 1}, 0, false},
		{4, {0, 0, 0, 0}, 5060, false},
		{4, {0, 1, 2, 3}, 5060, false},
		{4, {127, 0, 0, 1}, 5060, false},
		{4, {224, 0, 0, 1}, 5060, false},
		{4, {239, 255, 255, 250}, 5060, false},
		{4, {240, 0, 0, 1}, 5060, false},
		{4, {255, 255, 255, 255}, 5060, false},
		{4, {223, 255, 255, 254}, 5060, true},
		{6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, 5060, true},
		{6, {0}, 5060, false},
		{6, {[15] = 1}, 5060, false},
		{6, {[15] = 2}, 5060, true},
		{6, {0xff, 0x02, [15] = 1}, 5060, false},
		{6, {[10] = 0xff, [11] = 0xff, 192, 0, 2, 1}, 5060, false},
		{6, {0xfe, 0x80, [15] = 1}, 5060, true},
	};
	const char *msg = reg("Contact: <sip:u@192.0.2.1>\r\nExpires: 30\r\n");
	struct ss_filter_result r;
	struct ss_sip_msg sm;

	(void)state;
	for (size_t i = 0; i < RTE_DIM(srcs); i++) {
		struct ss_sip_addr a = {.family = srcs[i].family, .port = srcs[i].port};

		memcpy(a.addr, srcs[i].addr, sizeof(a.addr));
		ss_filter_process(&filter, scratch, &sm, msg, strlen(msg), &a, reply, sizeof(reply),
				&r);
		if (srcs[i].ok ? r.verdict != SS_VERDICT_ANSWER :
				r.verdict != SS_VERDICT_PASS || r.reason != SS_REASON_BAD_SOURCE)
			fail_msg("source %zu: verdict %d %s", i, r.verdict, ss_reason_name(r.reason));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_rules),
		cmocka_unit_test(test_body_never_headers),
		cmocka_unit_test(test_subscribe_rules),
		cmocka_unit_test(test_redirect_rules),
		cmocka_unit_test(test_ack_absorbed),
		cmocka_unit_test(test_other_kinds),
		cmocka_unit_test(test_amplification),
		cmocka_unit_test(test_scanners),
		cmocka_unit_test(test_scanner_file),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_source),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
