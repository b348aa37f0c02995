/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The RFC 4475 and RFC 5118 torture messages through ss_filter_process(),
 * the function the workers call: for every message, the verdict and reason
 * a correct edge filter gives, and for every answered one the exact reply
 * bytes (test/data/corpus/expected/<name>.reply).
 *
 * Configuration: the defaults (min_expires 60, redirect INVITE), the moved
 * table test/data/corpus/moved.txt and the tag secret
 * test/data/corpus/secret. No REGISTER in either corpus has an expiration
 * between 0 and 60, so the corpus earns no 423 (test/cli covers those).
 *
 * To regenerate a reply file after a deliberate change of the reply
 * format, run `sipshield-cli check` with a config naming the same moved
 * table and a 0600 copy of the secret, with --src as in the table below,
 * drop the verdict line, and read the result against DESIGN §2 before
 * committing it.
 *
 * Where the filter's verdict today differs from the correct one, the case
 * keeps the correct verdict and records today's in `now` with the reason
 * it is wrong: the test then reports it on stderr and passes, unless
 * SS_CORPUS_STRICT is set in the environment. A divergence must never be
 * "fixed" by editing the expectation.
 */

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_eal.h>
#include <rte_memory.h>

#include "ss_conf.h"
#include "ss_filter.h"
#include "ss_sip.h"
#include "ss_test_util.h"

/*
 * What the filter does with one message. The reason goes by its name, the
 * word `sipshield-cli check` and the counters show.
 */
struct outcome {
	uint8_t verdict;	/* enum ss_verdict */
	const char *reason;	/* ss_reason_name() */
	uint16_t code;		/* 302 or 423 when answered */
};

struct corpus_case {
	const char *file;		/* under SS_TEST_DATA */
	const struct ss_sip_addr *src;	/* the packet's source */
	struct outcome want;		/* what a correct edge filter does */
	struct outcome now;		/* today's verdict, where `bug` says why it is wrong */
	const char *bug;
};

#define PASS(r)		{SS_VERDICT_PASS, r, 0}
#define DROP(r)		{SS_VERDICT_DROP, r, 0}
#define MOVED_302	{SS_VERDICT_ANSWER, "moved", 302}

/* RFC 4475 messages come from an IPv4 client, RFC 5118 ones from IPv6. */
static const struct ss_sip_addr v4 = {.family = 4, .addr = {192, 0, 2, 1}, .port = 5060};
static const struct ss_sip_addr v6 = {.family = 6,
	.addr = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x20}, .port = 5060};
/* 2001:db8::9:1, the sent-by of mult-ip-in-sdp's top Via, written otherwise there */
static const struct ss_sip_addr v6_via = {.family = 6,
	.addr = {0x20, 0x01, 0x0d, 0xb8, [13] = 0x09, [15] = 0x01}, .port = 5060};

#define CL_BUG "RFC 3261 §18.3: a UDP request whose Content-Length exceeds the octets " \
	"left in the datagram is in error and SHOULD get 400; answering 302 is not " \
	"\"answer only when sure\" (DESIGN §2)"

static const struct corpus_case cases[] = {
	/* --- RFC 4475 §3.1.1: valid messages --- */
	/* §3.1.1.1: moved, but To has a tag: in dialog, never redirected (RFC 3261 §12.2) */
	{"rfc4475/wsinv.dat", &v4, PASS("in_dialog")},
	/* §3.1.1.2: unknown method: no 423, no 302; the registrar answers it */
	{"rfc4475/intmeth.dat", &v4, PASS("no_rule")},
	/* §3.1.1.3: user sips%3Auser%40example.com unescapes to a moved key (RFC 3261 §19.1.4) */
	{"rfc4475/esc01.dat", &v4, MOVED_302},
	/* §3.1.1.4: no Contact expires, no Expires: nothing to check (RFC 3261 §10.3 step 7) */
	{"rfc4475/escnull.dat", &v4, PASS("no_expiry")},
	/* §3.1.1.5: RE%47IST%45R is an unknown method: methods are never unescaped */
	{"rfc4475/esc02.dat", &v4, PASS("no_rule")},
	/* §3.1.1.6: OPTIONS is not in redirect_methods */
	{"rfc4475/lwsdisp.dat", &v4, PASS("no_rule")},
	/* §3.1.1.7: moved, but 34 Vias to copy (RFC 3261 §8.2.6.2) and 32 kept: no cut reply */
	{"rfc4475/longreq.dat", &v4, PASS("unanswerable")},
	/* §3.1.1.8: no expiry; the INVITE to moved joe is past Content-Length (RFC 3261 §18.3) */
	{"rfc4475/dblreq.dat", &v4, PASS("no_expiry")},
	/* §3.1.1.9: OPTIONS is not in redirect_methods */
	{"rfc4475/semiuri.dat", &v4, PASS("no_rule")},
	/* §3.1.1.10: OPTIONS is not in redirect_methods */
	{"rfc4475/transports.dat", &v4, PASS("no_rule")},
	/* §3.1.1.11: MESSAGE is not in redirect_methods; the binary body is no header */
	{"rfc4475/mpart01.dat", &v4, PASS("no_rule")},
	/* §3.1.1.12: a response passes (DESIGN §2) */
	{"rfc4475/unreason.dat", &v4, PASS("response")},
	/* §3.1.1.13: an empty reason phrase is still a Status-Line (RFC 3261 §7.2) */
	{"rfc4475/noreason.dat", &v4, PASS("response")},

	/* --- RFC 4475 §3.1.2: invalid messages --- */
	/* §3.1.2.1: moved, but Via "SIP/2.0/UDP 192.0.2.15;;,;,," cannot be copied */
	{"rfc4475/badinv01.dat", &v4, PASS("unanswerable")},
	/* §3.1.2.2: Content-Length 9999, 154 octets: an error, SHOULD 400 (RFC 3261 §18.3) */
	{"rfc4475/clerr.dat", &v4, PASS("truncated"), MOVED_302, CL_BUG},
	/* §3.1.2.3: Content-Length -999 is no 1*DIGIT (RFC 3261 §20.14): an error, not a 302 */
	{"rfc4475/ncl.dat", &v4, PASS("unanswerable"), MOVED_302,
		"RFC 3261 §20.14 and RFC 4475 §3.1.2.3: a negative Content-Length makes the "
		"request invalid (error response expected); answering 302 is not \"answer only "
		"when sure\" (DESIGN §2)"},
	/* §3.1.2.4: Contact expires above 2^32-1 is no brief one (RFC 4475: take 3600) */
	{"rfc4475/scalar02.dat", &v4, PASS("expires_ok")},
	/* §3.1.2.5: a response passes (DESIGN §2) */
	{"rfc4475/scalarlg.dat", &v4, PASS("response")},
	/* §3.1.2.6: the To display name never closes its quote; a reply must copy To */
	{"rfc4475/quotbal.dat", &v4, PASS("unanswerable")},
	/* §3.1.2.7: <sip:...> as Request-URI is no SIP-URI: no key to look up */
	{"rfc4475/ltgtruri.dat", &v4, PASS("uri_unusable")},
	/* §3.1.2.8: LWS inside the Request-URI leaves no key (its To has a tag too) */
	{"rfc4475/lwsruri.dat", &v4, PASS("uri_unusable")},
	/* §3.1.2.9: RFC 4475 lets an element ignore extra SP in the request line: 302 */
	{"rfc4475/lwsstart.dat", &v4, MOVED_302},
	/* §3.1.2.10: OPTIONS is not in redirect_methods */
	{"rfc4475/trws.dat", &v4, PASS("no_rule")},
	/* §3.1.2.11: RFC 4475 lets an element ignore escaped headers in the R-URI: 302 */
	{"rfc4475/escruri.dat", &v4, MOVED_302},
	/* §3.1.2.12: no rule needs Date (DESIGN §2: odd fields not needed): 302 */
	{"rfc4475/baddate.dat", &v4, MOVED_302},
	/* §3.1.2.13: the only Contact has no expires, and there is no Expires */
	{"rfc4475/regbadct.dat", &v4, PASS("no_expiry")},
	/* §3.1.2.14: OPTIONS is not in redirect_methods */
	{"rfc4475/badaspec.dat", &v4, PASS("no_rule")},
	/* §3.1.2.15 as archived: the header section never ends: not SIP (DESIGN §2) */
	{"rfc4475/baddn.dat", &v4, DROP("not_sip")},
	/* §3.1.2.15 with its empty line: moved t.watson, but OPTIONS is not redirected */
	{"rfc4475/extra/baddn-terminated.dat", &v4, PASS("no_rule")},
	/* §3.1.2.16: SIP/7.0 earns the registrar's 505 (RFC 3261 §21.5.6), not ours */
	{"rfc4475/badvers.dat", &v4, PASS("no_rule")},
	/* §3.1.2.17: OPTIONS is not in redirect_methods (CSeq says INVITE: their 400) */
	{"rfc4475/mismatch01.dat", &v4, PASS("no_rule")},
	/* §3.1.2.18: NEWMETHOD earns no rule: the registrar's 501 or 400 */
	{"rfc4475/mismatch02.dat", &v4, PASS("no_rule")},
	/* §3.1.2.19: 4294967301 is no 3DIGIT code: no status line, not SIP: drop */
	{"rfc4475/bigcode.dat", &v4, DROP("not_sip")},

	/* --- RFC 4475 §3.2-3.4: transaction and application semantics, 2543 --- */
	/* §3.2.1: OPTIONS is not in redirect_methods */
	{"rfc4475/badbranch.dat", &v4, PASS("no_rule")},
	/* §3.3.1: moved, but no From, To or Call-ID to copy (RFC 3261 §8.1.1) */
	{"rfc4475/insuf.dat", &v4, PASS("unanswerable")},
	/* §3.3.2: OPTIONS is not in redirect_methods (the registrar's 416) */
	{"rfc4475/unkscm.dat", &v4, PASS("no_rule")},
	/* §3.3.3: OPTIONS is not in redirect_methods */
	{"rfc4475/novelsc.dat", &v4, PASS("no_rule")},
	/* §3.3.4: REGISTER with no expiry to check */
	{"rfc4475/unksm2.dat", &v4, PASS("no_expiry")},
	/* §3.3.5: OPTIONS is not in redirect_methods (Require: the registrar's 420) */
	{"rfc4475/bext01.dat", &v4, PASS("no_rule")},
	/* §3.3.6: moved; an unknown body type does not matter to a 302 without body */
	{"rfc4475/invut.dat", &v4, MOVED_302},
	/* §3.3.7: a REGISTER without Contact is a binding query (RFC 3261 §10.2.3) */
	{"rfc4475/regaut01.dat", &v4, PASS("no_expiry")},
	/* §3.3.8: moved, but two To, From, Call-ID, CSeq: none single to copy */
	{"rfc4475/multi01.dat", &v4, PASS("unanswerable")},
	/* §3.3.9: OPTIONS is not in redirect_methods (two Content-Length: their 400) */
	{"rfc4475/mcl01.dat", &v4, PASS("no_rule")},
	/* §3.3.10: a response passes (DESIGN §2) */
	{"rfc4475/bcast.dat", &v4, PASS("response")},
	/* §3.3.11: OPTIONS is not in redirect_methods */
	{"rfc4475/zeromf.dat", &v4, PASS("no_rule")},
	/* §3.3.12: ;unknownparam is a contact-param, but no expires anywhere */
	{"rfc4475/cparam01.dat", &v4, PASS("no_expiry")},
	/* §3.3.13: the parameter inside < > is the URI's; no expires anywhere */
	{"rfc4475/cparam02.dat", &v4, PASS("no_expiry")},
	/* §3.3.14: compact m Contact with an escaped Route in its URI; no expires */
	{"rfc4475/regescrt.dat", &v4, PASS("no_expiry")},
	/* §3.3.15: moved; Accept concerns bodies, and a 302 has none */
	{"rfc4475/sdp01.dat", &v4, MOVED_302},
	/* §3.4.1: RFC 2543 INVITE to moved UserB; a From without tag is copied as is */
	{"rfc4475/inv2543.dat", &v4, MOVED_302},
	/* archive only (not one of the 49): no SIP-Version on the request line: drop */
	{"rfc4475/extra/test.dat", &v4, DROP("not_sip")},

	/* --- RFC 5118 (wire form, CRLF) --- */
	/* §4.1: REGISTER with no expiry to check */
	{"rfc5118/wire/ipv6-good", &v6, PASS("no_expiry")},
	/* §4.2: the bad Request-URI is the registrar's 400; no expiry to check */
	{"rfc5118/wire/ipv6-bad", &v6, PASS("no_expiry")},
	/* §4.3: REGISTER with no expiry to check */
	{"rfc5118/wire/port-ambiguous", &v6, PASS("no_expiry")},
	/* §4.4: REGISTER with no expiry to check */
	{"rfc5118/wire/port-unambiguous", &v6, PASS("no_expiry")},
	/* §4.5: BYE is not in redirect_methods */
	{"rfc5118/wire/via-received-param-with-delim", &v6, PASS("no_rule")},
	/* §4.5: OPTIONS is not in redirect_methods */
	{"rfc5118/wire/via-received-param-no-delim", &v6, PASS("no_rule")},
	/* §4.6: moved, but Content-Length 268 with 251 octets (RFC 5118's miscount): §18.3 */
	{"rfc5118/wire/ipv6-in-sdp", &v6, PASS("truncated"), MOVED_302, CL_BUG},
	/* §4.7: BYE is not in redirect_methods */
	{"rfc5118/wire/mult-ip-in-header", &v6, PASS("no_rule")},
	/* §4.8: moved; Via [2001:db8::9:1] is the source, compared binary: no received= */
	{"rfc5118/wire/mult-ip-in-sdp", &v6_via, MOVED_302},
	/* §4.9: moved; Via [::ffff:192.0.2.10] is not the source: bare IPv6 received= */
	{"rfc5118/wire/ipv4-mapped-ipv6", &v6, MOVED_302},
	/* §4.10: OPTIONS is not in redirect_methods */
	{"rfc5118/wire/ipv6-bug-abnf-3-colons", &v6, PASS("no_rule")},
	/* §4.10: OPTIONS is not in redirect_methods */
	{"rfc5118/wire/ipv6-correct-abnf-2-colons", &v6, PASS("no_rule")},
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* Entries of test/data/corpus/moved.txt. */
#define MOVED_ENTRIES 8

static struct ss_filter filter;
static struct ss_sip_hs *hs;
static struct ss_sip_scratch *scratch;

/*
 * The secret goes through ss_conf_read_secret(), as the data plane reads
 * it; git keeps no 0600 mode, so read a private copy.
 */
static int
load_secret(uint8_t secret[SS_SIP_SECRET_LEN])
{
	char tmp[] = "/tmp/ss_corpus_secret.XXXXXX";
	char err[SS_CONF_ERR_MAX] = "";
	size_t len;
	char *text = ss_test_read("corpus/secret", &len);
	int fd = mkstemp(tmp);	/* mode 0600 */
	int rc = -1;

	if (fd < 0) {
		free(text);
		return -1;
	}
	if (write(fd, text, len) == (ssize_t)len &&
			ss_conf_read_secret(tmp, secret, err, sizeof(err)) == 0)
		rc = 0;
	else
		fprintf(stderr, "corpus secret: %s\n", err);
	close(fd);
	unlink(tmp);
	free(text);
	return rc;
}

static int
setup(void **state)
{
	char *argv[] = {"corpus_test", "--no-huge", "--no-pci", "--no-shconf", "--no-telemetry",
		"-m", "64", "--log-level", "lib.*:error", NULL};
	char path[1024], err[SS_CONF_ERR_MAX];
	struct ss_conf conf;
	const char *hs_err;
	int n;

	(void)state;
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0)
		return -1;
	hs = ss_sip_hs_create(&hs_err);
	if (hs == NULL)
		return -1;
	scratch = ss_sip_scratch_create(hs);
	if (scratch == NULL)
		return -1;
	ss_conf_defaults(&conf);
	ss_filter_init(&filter, &conf, hs);
	if (load_secret(filter.secret) < 0)
		return -1;
	filter.moved = ss_moved_create("corpus_moved", 64, SOCKET_ID_ANY);
	if (filter.moved == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/corpus/moved.txt", ss_test_data_dir());
	n = ss_moved_load_file(filter.moved, path, err, sizeof(err));
	if (n != MOVED_ENTRIES) {
		fprintf(stderr, "%s: %d entries, want %d: %s\n", path, n, MOVED_ENTRIES,
				n < 0 ? err : "");
		return -1;
	}
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

static const char *
verdict_name(uint8_t v)
{
	switch (v) {
	case SS_VERDICT_PASS:
		return "pass";
	case SS_VERDICT_ANSWER:
		return "answer";
	case SS_VERDICT_DROP:
		return "drop";
	default:
		return "?";
	}
}

static bool
same_outcome(const struct ss_filter_result *r, const struct outcome *o)
{
	if (r->verdict != o->verdict || strcmp(ss_reason_name(r->reason), o->reason) != 0)
		return false;
	return r->verdict != SS_VERDICT_ANSWER || r->code == o->code;
}

/* The file name without directories and without ".dat". */
static void
base_name(const char *file, char *out, size_t cap)
{
	const char *b = strrchr(file, '/');
	size_t n;

	b = b != NULL ? b + 1 : file;
	n = strlen(b);
	if (n > 4 && strcmp(b + n - 4, ".dat") == 0)
		n -= 4;
	snprintf(out, cap, "%.*s", (int)n, b);
}

/* Print bytes with CR, LF and non-printables escaped, for a failure message. */
static void
print_escaped(const char *label, const char *p, size_t n)
{
	fprintf(stderr, "%s (%zu bytes):\n", label, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\n')
			fputs("\\n\n", stderr);
		else if (c == '\r')
			fputs("\\r", stderr);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
	fputc('\n', stderr);
}

/*
 * An answer: the exact bytes of the expected file, and what every reply
 * must be whatever its bytes: a SIP response with the code, at most
 * SS_FILTER_MAX_GROWTH bytes over the request (DESIGN §2).
 */
static void
check_reply(const struct corpus_case *c, const char *reply, size_t reply_len, size_t msg_len)
{
	char name[256], rel[512];
	struct ss_sip_msg rm;
	size_t want_len;
	char *want;

	assert_true(reply_len <= msg_len + SS_FILTER_MAX_GROWTH);
	assert_int_equal(ss_sip_parse(&rm, reply, reply_len), SS_SIP_RESPONSE);
	assert_int_equal(rm.status, c->want.code);
	assert_int_equal(rm.hdr_end, reply_len);

	base_name(c->file, name, sizeof(name));
	snprintf(rel, sizeof(rel), "corpus/expected/%s.reply", name);
	want = ss_test_read(rel, &want_len);
	if (want_len != reply_len || memcmp(want, reply, reply_len) != 0) {
		print_escaped("want", want, want_len);
		print_escaped("got", reply, reply_len);
		free(want);
		fail_msg("%s: reply differs from %s", c->file, rel);
	}
	free(want);
}

static void
test_case(void **state)
{
	const struct corpus_case *c = *state;
	static char reply[SS_SIP_MAX_LEN + SS_FILTER_MAX_GROWTH];
	struct ss_filter_result r;
	struct ss_sip_msg sm;
	size_t len;
	char *msg = ss_test_read(c->file, &len);

	ss_filter_process(&filter, scratch, &sm, msg, len, c->src, reply, sizeof(reply), &r);
	if (c->bug != NULL && !same_outcome(&r, &c->want) && same_outcome(&r, &c->now)) {
		fprintf(stderr, "KNOWN DIVERGENCE %s: %s %s (%u), correct is %s %s: %s\n",
				c->file, verdict_name(r.verdict), ss_reason_name(r.reason),
				r.code, verdict_name(c->want.verdict), c->want.reason, c->bug);
		free(msg);
		if (getenv("SS_CORPUS_STRICT") != NULL)
			fail_msg("%s: known divergence (SS_CORPUS_STRICT is set)", c->file);
		return;
	}
	if (c->bug != NULL && same_outcome(&r, &c->want))
		fprintf(stderr, "NOTE %s: the known divergence is gone; drop its `now` and `bug`\n",
				c->file);
	if (!same_outcome(&r, &c->want)) {
		free(msg);
		fail_msg("%s: %s %s (%u), want %s %s (%u)", c->file, verdict_name(r.verdict),
				ss_reason_name(r.reason), r.code, verdict_name(c->want.verdict),
				c->want.reason, c->want.code);
	}
	if (r.verdict == SS_VERDICT_ANSWER)
		check_reply(c, reply, r.reply_len, len);
	free(msg);
}

static bool
listed(const char *rel)
{
	for (size_t i = 0; i < N_CASES; i++)
		if (strcmp(cases[i].file, rel) == 0)
			return true;
	return false;
}

static bool
skipped(const char *const *skip, const char *name)
{
	for (; skip != NULL && *skip != NULL; skip++)
		if (strcmp(*skip, name) == 0)
			return true;
	return false;
}

/* Every regular file of a corpus directory has a case: none goes untested. */
static void
check_dir_listed(const char *dir, const char *const *skip)
{
	char path[1024], full[1024 + 260], rel[1024 + 260];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", ss_test_data_dir(), dir);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode) || skipped(skip, e->d_name))
			continue;
		snprintf(rel, sizeof(rel), "%s/%s", dir, e->d_name);
		if (!listed(rel)) {
			closedir(d);
			fail_msg("%s has no case in corpus_test.c", rel);
		}
	}
	closedir(d);
}

static void
test_all_files_listed(void **state)
{
	/* the index files of the corpora are not messages */
	static const char *const index_files[] = {"INDEX.tsv", "README.md", "SHA256SUMS", NULL};

	(void)state;
	check_dir_listed("rfc4475", index_files);
	check_dir_listed("rfc4475/extra", NULL);
	check_dir_listed("rfc5118/wire", NULL);
}

/* Every reply file belongs to a case that answers: none is stale. */
static void
test_no_stale_reply(void **state)
{
	char path[1024], name[256];
	unsigned int n_files = 0, n_answers = 0;
	struct dirent *e;
	DIR *d;

	(void)state;
	for (size_t i = 0; i < N_CASES; i++)
		if (cases[i].want.verdict == SS_VERDICT_ANSWER)
			n_answers++;
	snprintf(path, sizeof(path), "%s/corpus/expected", ss_test_data_dir());
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		bool found = false;

		if (e->d_name[0] == '.')
			continue;
		if (n < 7 || strcmp(e->d_name + n - 6, ".reply") != 0) {
			closedir(d);
			fail_msg("corpus/expected/%s: not a .reply file", e->d_name);
		}
		for (size_t i = 0; i < N_CASES && !found; i++) {
			base_name(cases[i].file, name, sizeof(name));
			found = cases[i].want.verdict == SS_VERDICT_ANSWER &&
				strlen(name) == n - 6 && strncmp(name, e->d_name, n - 6) == 0;
		}
		if (!found) {
			closedir(d);
			fail_msg("corpus/expected/%s: no answered case", e->d_name);
		}
		n_files++;
	}
	closedir(d);
	assert_int_equal(n_files, n_answers);
}

int
main(void)
{
	struct CMUnitTest *tests = calloc(N_CASES + 2, sizeof(*tests));
	size_t n = 0;
	int rc;

	if (tests == NULL)
		return 1;
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_all_files_listed);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_no_stale_reply);
	for (size_t i = 0; i < N_CASES; i++)
		tests[n++] = (struct CMUnitTest){.name = cases[i].file, .test_func = test_case,
			.initial_state = (void *)(uintptr_t)&cases[i]};
	rc = _cmocka_run_group_tests("corpus", tests, n, setup, teardown);
	free(tests);
	return rc;
}
