/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * 423 and 302 replies, byte for byte as DESIGN §2 fixes them
 * (RFC 3261 §8.2.6): Via values copied in order, the top one given
 * received= (RFC 3261 §18.2.1) and a filled rport (RFC 3581 §4); From,
 * Call-ID, CSeq copied; To copied with a tag when it has none.
 */

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "ss_sip.h"
#include "sip_lex.h"
#include "siphash.h"

#define MAX_EDITS 8

/* Bounded writer: once full, it stays full and writes nothing more. */
struct out {
	char *p;
	char *end;
	bool full;
};

static void
put(struct out *o, const void *s, size_t n)
{
	if (o->full || (size_t)(o->end - o->p) < n) {
		o->full = true;
		return;
	}
	memcpy(o->p, s, n);
	o->p += n;
}

#define PUT_LIT(o, s) put((o), (s), sizeof(s) - 1)

static void
put_u32(struct out *o, uint32_t v)
{
	char tmp[10];
	int n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(o, tmp + sizeof(tmp) - n, (size_t)n);
}

static void
put_span(struct out *o, const struct ss_sip_msg *msg, struct ss_sip_span s)
{
	put(o, ss_sip_ptr(msg, s), s.len);
}

/* Received value: dotted IPv4, or bare IPv6 (RFC 5118 §4.5: no brackets). */
static void
put_addr(struct out *o, const struct ss_sip_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (a->family == 4) {
		for (int i = 0; i < 4; i++) {
			if (i > 0)
				PUT_LIT(o, ".");
			put_u32(o, a->addr[i]);
		}
		return;
	}
	if (inet_ntop(AF_INET6, a->addr, buf, sizeof(buf)) == NULL) {
		o->full = true;
		return;
	}
	put(o, buf, strlen(buf));
}

/* A dotted-quad IPv4 address, exactly (RFC 3261 §25.1 IPv4address). */
static bool
parse_ipv4(const char *p, size_t n, uint8_t out[4])
{
	const char *end = p + n;

	for (int i = 0; i < 4; i++) {
		unsigned int v = 0, digits = 0;

		while (p < end && lex_is_digit(*p) && digits < 3) {
			v = v * 10 + (unsigned int)(*p++ - '0');
			digits++;
		}
		if (digits == 0 || v > 255)
			return false;
		out[i] = (uint8_t)v;
		if (i < 3 && (p >= end || *p++ != '.'))
			return false;
	}
	return p == end;
}

/* Is the sent-by host the very address the packet came from? */
static bool
host_is_source(const char *h, const char *h_end, const struct ss_sip_addr *src)
{
	char buf[INET6_ADDRSTRLEN];
	uint8_t bin[16];
	size_t n = (size_t)(h_end - h);

	if (n >= 2 && h[0] == '[' && h_end[-1] == ']') {
		h++;
		n -= 2;
		if (src->family != 6 || n >= sizeof(buf))
			return false;
		memcpy(buf, h, n);
		buf[n] = '\0';
		return inet_pton(AF_INET6, buf, bin) == 1 && memcmp(bin, src->addr, 16) == 0;
	}
	return src->family == 4 && parse_ipv4(h, n, bin) && memcmp(bin, src->addr, 4) == 0;
}

enum edit_kind {
	EDIT_DELETE,		/* drop [at, skip_to) */
	EDIT_RPORT,		/* insert "=port" (or "port" after an '=') */
	EDIT_RECEIVED,		/* insert ";received=addr" */
};

struct edit {
	const char *at;
	const char *skip_to;
	uint8_t kind;
};

/* The top Via value and the edits a reply makes to it. */
struct top_via {
	const char *host, *host_end;
	const char *params_end;		/* end of the top value's parameters */
	bool rport_empty;		/* rport present without a value */
	bool rport_has_eq;		/* ... written as "rport=" */
	unsigned int n_edits;
	struct edit edits[MAX_EDITS];
};

static const char *
skip_token(const char *p, const char *end)
{
	while (p < end && lex_is_token(*p))
		p++;
	return p;
}

/* sent-protocol = protocol-name SLASH protocol-version SLASH transport */
static const char *
sent_protocol(const char *p, const char *end)
{
	for (int i = 0; i < 3; i++) {
		const char *t = skip_token(p, end);

		if (t == p)
			return NULL;
		p = lex_skip_lws(t, end);
		if (i < 2) {
			if (p >= end || *p != '/')
				return NULL;
			p = lex_skip_lws(p + 1, end);
		} else if (p == t) {
			return NULL;	/* LWS must separate transport and sent-by */
		}
	}
	return p;
}

static const char *
sent_by(const char *p, const char *end, struct top_via *tv)
{
	tv->host = p;
	if (p < end && *p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (close == NULL)
			return NULL;
		p = close + 1;
	} else {
		while (p < end && (lex_is_token(*p) && *p != '%'))
			p++;
	}
	tv->host_end = p;
	if (p == tv->host)
		return NULL;
	p = lex_skip_lws(p, end);
	if (p < end && *p == ':') {
		const char *d = p = lex_skip_lws(p + 1, end);

		while (p < end && lex_is_digit(*p))
			p++;
		if (p == d)
			return NULL;
	}
	return p;
}

static bool
add_edit(struct top_via *tv, const char *at, const char *skip_to, enum edit_kind kind)
{
	if (tv->n_edits == MAX_EDITS)
		return false;
	tv->edits[tv->n_edits++] = (struct edit){at, skip_to, (uint8_t)kind};
	return true;
}

/* Walk the top value's parameters, noting rport and received. */
static bool
via_params(const char *p, const char *end, struct top_via *tv)
{
	struct lex_param prm;

	for (;;) {
		const char *semi = lex_skip_lws(p, end);
		const char *next = lex_param(p, end, &prm);

		if (next == NULL)
			return false;
		if (next == p)
			break;
		if (LEX_EQ(prm.name, prm.name_len, "rport") &&
				(prm.value == NULL || prm.value_len == 0)) {
			tv->rport_empty = true;
			tv->rport_has_eq = prm.value != NULL;
			if (!add_edit(tv, next, next, EDIT_RPORT))
				return false;
		} else if (LEX_EQ(prm.name, prm.name_len, "received")) {
			/* ours replaces whatever the client claimed */
			if (!add_edit(tv, semi, next, EDIT_DELETE))
				return false;
		}
		p = next;
	}
	tv->params_end = p;
	p = lex_skip_lws(p, end);
	return p == end || *p == ',';
}

static bool
parse_top_via(const struct ss_sip_msg *msg, struct top_via *tv)
{
	const char *p = ss_sip_ptr(msg, msg->via[0]);
	const char *end = p + msg->via[0].len;

	memset(tv, 0, sizeof(*tv));
	p = sent_protocol(p, end);
	if (p == NULL)
		return false;
	p = sent_by(p, end, tv);
	if (p == NULL)
		return false;
	return via_params(p, end, tv);
}

/*
 * The fields every reply copies: present, single, readable. *to_tagged
 * says whether To has a tag already.
 */
static bool
fields_ok(const struct ss_sip_msg *msg, bool *to_tagged)
{
	struct ss_sip_span tag;
	int rc;

	if (msg->kind != SS_SIP_REQUEST || msg->n_via == 0)
		return false;
	if (!msg->has_from || !msg->has_to || !msg->has_call_id || !msg->has_cseq)
		return false;
	if (msg->flags & (SS_SIP_F_DUP_FROM | SS_SIP_F_DUP_TO | SS_SIP_F_DUP_CALLID |
				SS_SIP_F_DUP_CSEQ | SS_SIP_F_MANY_VIA))
		return false;
	if (msg->from.len == 0 || msg->call_id.len == 0 || msg->cseq.len == 0)
		return false;
	/* From is copied as is: an unreadable one would make a broken reply */
	if (!ss_sip_name_addr_ok(msg, msg->from))
		return false;
	rc = ss_sip_find_tag(msg, msg->to, &tag);
	*to_tagged = rc == 1;
	return rc >= 0;
}

bool
ss_sip_reply_possible(const struct ss_sip_msg *msg)
{
	struct top_via tv;
	bool tagged;

	return fields_ok(msg, &tagged) && parse_top_via(msg, &tv);
}

static void
put_top_via(struct out *o, const struct ss_sip_msg *msg, struct top_via *tv,
		const struct ss_sip_addr *src)
{
	const char *cur = ss_sip_ptr(msg, msg->via[0]);
	const char *end = cur + msg->via[0].len;

	/* RFC 3581 §4: with an empty rport, received is added unconditionally */
	bool received = tv->rport_empty || !host_is_source(tv->host, tv->host_end, src);

	if (received)
		add_edit(tv, tv->params_end, tv->params_end, EDIT_RECEIVED);

	for (unsigned int i = 0; i < tv->n_edits; i++) {
		const struct edit *e = &tv->edits[i];

		/* a client's own received= goes only when ours replaces it */
		if (e->kind == EDIT_DELETE && !received)
			continue;
		put(o, cur, (size_t)(e->at - cur));
		if (e->kind == EDIT_RPORT) {
			if (!tv->rport_has_eq)
				PUT_LIT(o, "=");
			put_u32(o, src->port);
		} else if (e->kind == EDIT_RECEIVED) {
			PUT_LIT(o, ";received=");
			put_addr(o, src);
		}
		cur = e->skip_to;
	}
	put(o, cur, (size_t)(end - cur));
}

static void
put_header(struct out *o, const char *name, size_t name_len, const struct ss_sip_msg *msg,
		struct ss_sip_span value)
{
	put(o, name, name_len);
	put_span(o, msg, value);
	PUT_LIT(o, "\r\n");
}

#define PUT_HEADER(o, name, msg, span) put_header((o), (name), sizeof(name) - 1, (msg), (span))

int
ss_sip_build_reply(const struct ss_sip_msg *msg, const struct ss_sip_reply *reply,
		const struct ss_sip_addr *src, char *buf, size_t cap)
{
	struct out o = {buf, buf + cap, false};
	struct top_via tv;
	bool to_tagged;

	if (!fields_ok(msg, &to_tagged) || !parse_top_via(msg, &tv))
		return -EINVAL;

	if (reply->code == 423)
		PUT_LIT(&o, "SIP/2.0 423 Interval Too Brief\r\n");
	else if (reply->code == 302)
		PUT_LIT(&o, "SIP/2.0 302 Moved Temporarily\r\n");
	else
		return -EINVAL;

	PUT_LIT(&o, "Via: ");
	put_top_via(&o, msg, &tv, src);
	PUT_LIT(&o, "\r\n");
	for (unsigned int i = 1; i < msg->n_via; i++)
		PUT_HEADER(&o, "Via: ", msg, msg->via[i]);
	PUT_HEADER(&o, "From: ", msg, msg->from);
	PUT_LIT(&o, "To: ");
	put_span(&o, msg, msg->to);
	if (!to_tagged) {
		PUT_LIT(&o, ";tag=");
		put(&o, reply->tag, SS_SIP_TAG_LEN);
	}
	PUT_LIT(&o, "\r\n");
	PUT_HEADER(&o, "Call-ID: ", msg, msg->call_id);
	PUT_HEADER(&o, "CSeq: ", msg, msg->cseq);
	if (reply->code == 423) {
		PUT_LIT(&o, "Min-Expires: ");
		put_u32(&o, reply->min_expires);
		PUT_LIT(&o, "\r\n");
	} else {
		PUT_LIT(&o, "Contact: <");
		put(&o, reply->contact, reply->contact_len);
		PUT_LIT(&o, ">\r\n");
		if (reply->has_expires) {
			PUT_LIT(&o, "Expires: ");
			put_u32(&o, reply->expires);
			PUT_LIT(&o, "\r\n");
		}
	}
	PUT_LIT(&o, "Content-Length: 0\r\n\r\n");
	if (o.full)
		return -ENOSPC;
	return (int)(o.p - buf);
}

/* CSeq = 1*DIGIT LWS Method: the number, as written. */
static struct ss_sip_span
cseq_number(const struct ss_sip_msg *msg)
{
	const char *p = ss_sip_ptr(msg, msg->cseq);
	const char *end = p + msg->cseq.len;
	const char *d = p;

	while (d < end && lex_is_digit(*d))
		d++;
	return (struct ss_sip_span){msg->cseq.off, (uint16_t)(d - p)};
}

/* Appends p[0..n) at *at if it fits before end. */
static bool
gather(uint8_t **at, const uint8_t *end, const char *p, size_t n)
{
	if ((size_t)(end - *at) < n)
		return false;
	memcpy(*at, p, n);
	*at += n;
	return true;
}

void
ss_sip_make_tag(const struct ss_sip_msg *msg, const uint8_t secret[SS_SIP_SECRET_LEN],
		char tag[SS_SIP_TAG_LEN])
{
	static const char hex[] = "0123456789abcdef";
	/* a header the request lacks counts as empty: its span is left over */
	static const struct ss_sip_span none;
	struct ss_sip_span call_id = msg->has_call_id ? msg->call_id : none;
	struct ss_sip_span from_tag = msg->has_from ? ss_sip_tag_param(msg, msg->from) : none;
	struct ss_sip_span num = msg->has_cseq ? cseq_number(msg) : none;
	uint8_t buf[256], *at = buf;
	const uint8_t *end = buf + sizeof(buf);
	uint64_t v;

	/* Call-ID NUL From-tag NUL CSeq-number, hashed in one go when short */
	if (gather(&at, end, ss_sip_ptr(msg, call_id), call_id.len) &&
			gather(&at, end, "", 1) &&
			gather(&at, end, ss_sip_ptr(msg, from_tag), from_tag.len) &&
			gather(&at, end, "", 1) &&
			gather(&at, end, ss_sip_ptr(msg, num), num.len)) {
		v = siphash(secret, buf, (size_t)(at - buf));
	} else {
		struct siphash h;

		siphash_init(&h, secret);
		siphash_update(&h, ss_sip_ptr(msg, call_id), call_id.len);
		siphash_update(&h, "", 1);
		siphash_update(&h, ss_sip_ptr(msg, from_tag), from_tag.len);
		siphash_update(&h, "", 1);
		siphash_update(&h, ss_sip_ptr(msg, num), num.len);
		v = siphash_final(&h);
	}
	for (int i = SS_SIP_TAG_LEN - 1; i >= 0; i--, v >>= 4)
		tag[i] = hex[v & 15];
}

bool
ss_sip_tag_is_ours(const struct ss_sip_msg *msg, const uint8_t secret[SS_SIP_SECRET_LEN])
{
	struct ss_sip_span to_tag;
	char tag[SS_SIP_TAG_LEN];

	if (!msg->has_to || !msg->has_call_id || !msg->has_cseq)
		return false;
	to_tag = ss_sip_tag_param(msg, msg->to);
	if (to_tag.len != SS_SIP_TAG_LEN)
		return false;
	ss_sip_make_tag(msg, secret, tag);
	return memcmp(tag, ss_sip_ptr(msg, to_tag), SS_SIP_TAG_LEN) == 0;
}
