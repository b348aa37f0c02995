/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The first line and the header section (RFC 3261 §7). One pass: each line
 * and its colon are found with sip_scan.h's bit masks, its header name
 * classified by length and first byte, and only the headers a decision or
 * a reply needs are recorded.
 */

#include <string.h>

#include "ss_sip.h"
#include "sip_lex.h"
#include "sip_scan.h"

static const struct {
	const char *name;
	uint8_t len;
} method_names[SS_SIP_M_COUNT] = {
	[SS_SIP_M_OTHER] = {"OTHER", 5},
	[SS_SIP_M_INVITE] = {"INVITE", 6},
	[SS_SIP_M_ACK] = {"ACK", 3},
	[SS_SIP_M_BYE] = {"BYE", 3},
	[SS_SIP_M_CANCEL] = {"CANCEL", 6},
	[SS_SIP_M_REGISTER] = {"REGISTER", 8},
	[SS_SIP_M_OPTIONS] = {"OPTIONS", 7},
	[SS_SIP_M_SUBSCRIBE] = {"SUBSCRIBE", 9},
	[SS_SIP_M_NOTIFY] = {"NOTIFY", 6},
	[SS_SIP_M_PUBLISH] = {"PUBLISH", 7},
	[SS_SIP_M_INFO] = {"INFO", 4},
	[SS_SIP_M_PRACK] = {"PRACK", 5},
	[SS_SIP_M_UPDATE] = {"UPDATE", 6},
	[SS_SIP_M_MESSAGE] = {"MESSAGE", 7},
	[SS_SIP_M_REFER] = {"REFER", 5},
};

const char *
ss_sip_method_name(enum ss_sip_method m)
{
	if ((unsigned int)m >= SS_SIP_M_COUNT)
		m = SS_SIP_M_OTHER;
	return method_names[m].name;
}

enum ss_sip_method
ss_sip_method_from_name(const char *name, size_t len)
{
	/* RFC 3261 §7.1: the method is case-sensitive. Dispatch on the first byte. */
	static const uint8_t by_first[26][3] = {
		['A' - 'A'] = {SS_SIP_M_ACK},
		['B' - 'A'] = {SS_SIP_M_BYE},
		['C' - 'A'] = {SS_SIP_M_CANCEL},
		['I' - 'A'] = {SS_SIP_M_INVITE, SS_SIP_M_INFO},
		['M' - 'A'] = {SS_SIP_M_MESSAGE},
		['N' - 'A'] = {SS_SIP_M_NOTIFY},
		['O' - 'A'] = {SS_SIP_M_OPTIONS},
		['P' - 'A'] = {SS_SIP_M_PUBLISH, SS_SIP_M_PRACK},
		['R' - 'A'] = {SS_SIP_M_REGISTER, SS_SIP_M_REFER},
		['S' - 'A'] = {SS_SIP_M_SUBSCRIBE},
		['U' - 'A'] = {SS_SIP_M_UPDATE},
	};

	if (len == 0 || name[0] < 'A' || name[0] > 'Z')
		return SS_SIP_M_OTHER;
	for (int i = 0; i < 3; i++) {
		uint8_t m = by_first[name[0] - 'A'][i];

		if (m == SS_SIP_M_OTHER)
			break;
		if (method_names[m].len == len && memcmp(method_names[m].name, name, len) == 0)
			return (enum ss_sip_method)m;
	}
	return SS_SIP_M_OTHER;
}

/* RFC 5389 §6: top two bits zero, magic cookie, length covers the rest. */
static bool
is_stun(const uint8_t *b, size_t len)
{
	size_t body;

	if (len < 20 || (b[0] & 0xc0) != 0)
		return false;
	if (b[4] != 0x21 || b[5] != 0x12 || b[6] != 0xa4 || b[7] != 0x42)
		return false;
	body = ((size_t)b[2] << 8) | b[3];
	return body % 4 == 0 && body + 20 == len;
}

/* RFC 5626 §3.5.1: CRLF keep-alives (a double CRLF ping, a CRLF pong). */
static bool
is_crlf_only(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

/* "SIP/" 1*DIGIT "." 1*DIGIT; returns the end, or NULL. */
static const char *
parse_version(const char *p, const char *end)
{
	const char *d;

	if (end - p < 7 || memcmp(p, "SIP/", 4) != 0)
		return NULL;
	p += 4;
	for (d = p; p < end && lex_is_digit(*p); p++)
		;
	if (p == d || p >= end || *p != '.')
		return NULL;
	for (d = ++p; p < end && lex_is_digit(*p); p++)
		;
	return p == d ? NULL : p;
}

static bool
parse_status_line(struct ss_sip_msg *msg, const char *p, const char *eol)
{
	const char *v = parse_version(p, eol);
	unsigned int code = 0;

	if (v == NULL || v >= eol || *v != ' ')
		return false;
	v++;
	for (int i = 0; i < 3; i++, v++) {
		if (v >= eol || !lex_is_digit(*v))
			return false;
		code = code * 10 + (unsigned int)(*v - '0');
	}
	/* a fourth digit (bigcode) makes it no status line */
	if (v < eol && *v != ' ')
		return false;
	msg->status = (uint16_t)code;
	msg->kind = SS_SIP_RESPONSE;
	return true;
}

/* Any byte <= 0x20 (SP, HT, CR, LF, controls)? Written to vectorise. */
static bool
has_ctl_or_space(const char *p, size_t n)
{
	uint8_t any = 0;

	for (size_t i = 0; i < n; i++)
		any |= (uint8_t)((uint8_t)p[i] <= 0x20);
	return any != 0;
}

/*
 * Method SP Request-URI SP SIP-Version. Extra SP between the elements and
 * trailing SP are tolerated (the request is still SIP: the registrar
 * rejects it); whitespace inside the URI marks the URI unusable.
 */
static bool
parse_request_line(struct ss_sip_msg *msg, const char *p, const char *eol)
{
	const char *m = p, *u, *u_end, *v, *v_end;

	while (p < eol && lex_is_token(*p))
		p++;
	if (p == m || p >= eol || !lex_is_ws(*p))
		return false;
	msg->method_tok.off = (uint16_t)(m - msg->buf);
	msg->method_tok.len = (uint16_t)(p - m);
	msg->method = (uint8_t)ss_sip_method_from_name(m, (size_t)(p - m));

	eol = lex_trim_lws_end(p, eol);
	for (v = eol; v > p && !lex_is_ws(v[-1]); v--)
		;
	v_end = parse_version(v, eol);
	if (v_end == NULL || v_end != eol)
		return false;
	if (eol - v != 7 || memcmp(v, "SIP/2.0", 7) != 0)
		msg->flags |= SS_SIP_F_VERSION;

	u = lex_skip_lws(p, v);
	u_end = lex_trim_lws_end(u, v);
	if (u == u_end)
		return false;
	if (has_ctl_or_space(u, (size_t)(u_end - u)))
		msg->flags |= SS_SIP_F_RURI;
	msg->ruri.off = (uint16_t)(u - msg->buf);
	msg->ruri.len = (uint16_t)(u_end - u);
	msg->kind = SS_SIP_REQUEST;
	return true;
}

enum hdr_id {
	HDR_OTHER,
	HDR_VIA,
	HDR_FROM,
	HDR_TO,
	HDR_CALL_ID,
	HDR_CSEQ,
	HDR_CONTACT,
	HDR_EXPIRES,
	HDR_CONTENT_LENGTH,
	HDR_USER_AGENT,
};

/* Header names, full and compact (RFC 3261 §7.3.3), case-insensitive. */
static enum hdr_id
classify(const char *n, size_t len)
{
	switch (len) {
	case 1:
		switch (lex_lower(n[0])) {
		case 'v': return HDR_VIA;
		case 'f': return HDR_FROM;
		case 't': return HDR_TO;
		case 'i': return HDR_CALL_ID;
		case 'm': return HDR_CONTACT;
		case 'l': return HDR_CONTENT_LENGTH;
		default: return HDR_OTHER;
		}
	case 2:
		return LEX_EQ(n, len, "to") ? HDR_TO : HDR_OTHER;
	case 3:
		return LEX_EQ(n, len, "via") ? HDR_VIA : HDR_OTHER;
	case 4:
		if (LEX_EQ(n, len, "from"))
			return HDR_FROM;
		return LEX_EQ(n, len, "cseq") ? HDR_CSEQ : HDR_OTHER;
	case 7:
		switch (lex_lower(n[0])) {
		case 'c':
			if (LEX_EQ(n, len, "call-id"))
				return HDR_CALL_ID;
			return LEX_EQ(n, len, "contact") ? HDR_CONTACT : HDR_OTHER;
		case 'e':
			return LEX_EQ(n, len, "expires") ? HDR_EXPIRES : HDR_OTHER;
		default:
			return HDR_OTHER;
		}
	case 10:
		return LEX_EQ(n, len, "user-agent") ? HDR_USER_AGENT : HDR_OTHER;
	case 14:
		return LEX_EQ(n, len, "content-length") ? HDR_CONTENT_LENGTH : HDR_OTHER;
	default:
		return HDR_OTHER;
	}
}

/* Record a single-valued header; a second one makes replies unsafe. */
static struct ss_sip_span *
single(struct ss_sip_msg *msg, uint8_t *seen, struct ss_sip_span *span, uint16_t dup_flag)
{
	if (*seen) {
		msg->flags |= dup_flag;
		return NULL;
	}
	*seen = 1;
	return span;
}

static struct ss_sip_span *
header_slot(struct ss_sip_msg *msg, enum hdr_id id)
{
	switch (id) {
	case HDR_VIA:
		if (msg->n_via == SS_SIP_MAX_VIA) {
			msg->flags |= SS_SIP_F_MANY_VIA;
			return NULL;
		}
		return &msg->via[msg->n_via++];
	case HDR_CONTACT:
		if (msg->n_contact == SS_SIP_MAX_CONTACT) {
			msg->flags |= SS_SIP_F_MANY_CONTACT;
			return NULL;
		}
		return &msg->contact[msg->n_contact++];
	case HDR_FROM:
		return single(msg, &msg->has_from, &msg->from, SS_SIP_F_DUP_FROM);
	case HDR_TO:
		return single(msg, &msg->has_to, &msg->to, SS_SIP_F_DUP_TO);
	case HDR_CALL_ID:
		return single(msg, &msg->has_call_id, &msg->call_id, SS_SIP_F_DUP_CALLID);
	case HDR_CSEQ:
		return single(msg, &msg->has_cseq, &msg->cseq, SS_SIP_F_DUP_CSEQ);
	case HDR_EXPIRES:
		return single(msg, &msg->has_expires, &msg->expires, SS_SIP_F_DUP_EXPIRES);
	case HDR_CONTENT_LENGTH:
		return single(msg, &msg->has_content_length, &msg->content_length,
				SS_SIP_F_DUP_CLEN);
	case HDR_USER_AGENT:
		/* the first one: a scanner has no reason to send two */
		if (msg->has_user_agent)
			return NULL;
		msg->has_user_agent = 1;
		return &msg->user_agent;
	default:
		return NULL;
	}
}

/* A folded line (leading SP/HT) continues the value being recorded. */
static void
extend_value(struct ss_sip_msg *msg, struct ss_sip_span *cur, const char *line,
		const char *eol)
{
	const char *s = lex_skip_lws(line, eol);
	const char *e = lex_trim_lws_end(s, eol);

	if (s == e)
		return;
	if (cur->len == 0)
		cur->off = (uint16_t)(s - msg->buf);
	cur->len = (uint16_t)(e - (msg->buf + cur->off));
}

/* A header line [line, eol) whose name ends at the colon. */
static struct ss_sip_span *
header_line(struct ss_sip_msg *msg, const char *line, const char *colon, const char *eol)
{
	const char *name_end, *v;
	struct ss_sip_span *slot;

	for (name_end = colon; name_end > line && lex_is_ws(name_end[-1]); name_end--)
		;
	slot = header_slot(msg, classify(line, (size_t)(name_end - line)));
	if (slot == NULL)
		return NULL;
	v = lex_skip_lws(colon + 1, eol);
	slot->off = (uint16_t)(v - msg->buf);
	slot->len = (uint16_t)(lex_trim_lws_end(v, eol) - v);
	return slot;
}

/*
 * Walk the header section from pos; returns false when it has no end.
 * Each line costs two mask lookups: its LF and its first colon.
 */
static bool
parse_headers(struct ss_sip_msg *msg, struct scan *sc, uint32_t pos)
{
	const char *b = msg->buf;
	struct ss_sip_span *cur = NULL;

	while (pos < msg->len) {
		uint32_t colon = UINT32_MAX, nl;
		const char *eol;

		if (b[pos] == '\n' || (b[pos] == '\r' && pos + 1 < msg->len && b[pos + 1] == '\n')) {
			msg->hdr_end = (uint16_t)(pos + (b[pos] == '\r' ? 2 : 1));
			return true;
		}
		nl = pos;
		if (!lex_is_ws(b[pos])) {
			/* the first ':' of a line ends the name; none before LF: no header */
			nl = scan_next(sc, pos, SCAN_COLON_OR_LF);
			if (nl < msg->len && b[nl] == ':')
				colon = nl;
		}
		nl = scan_next(sc, nl, SCAN_LF);
		if (nl == msg->len)
			return false;
		eol = (nl > pos && b[nl - 1] == '\r') ? b + nl - 1 : b + nl;
		if (lex_is_ws(b[pos])) {
			/* a folded line (leading SP/HT) continues the value being recorded */
			if (cur != NULL)
				extend_value(msg, cur, b + pos, eol);
		} else if (colon != UINT32_MAX) {
			cur = header_line(msg, b + pos, b + colon, eol);
		} else {
			/* a line without a colon is not a header: ignore it, as proxies do */
			cur = NULL;
		}
		pos = nl + 1;
	}
	return false;
}

static void
msg_reset(struct ss_sip_msg *msg, const void *buf, size_t len)
{
	/* only the fields a parse may leave unset; the arrays go by count */
	msg->buf = buf;
	msg->len = (uint16_t)len;
	msg->hdr_end = 0;
	msg->hdrs_off = 0;
	msg->headers_done = 0;
	msg->kind = SS_SIP_NOT_SIP;
	msg->method = SS_SIP_M_OTHER;
	msg->flags = 0;
	msg->status = 0;
	msg->method_tok = (struct ss_sip_span){0, 0};
	msg->ruri = (struct ss_sip_span){0, 0};
	msg->expires = (struct ss_sip_span){0, 0};
	msg->content_length = (struct ss_sip_span){0, 0};
	msg->user_agent = (struct ss_sip_span){0, 0};
	msg->has_from = msg->has_to = msg->has_call_id = 0;
	msg->has_cseq = msg->has_expires = 0;
	msg->has_content_length = msg->has_user_agent = 0;
	msg->n_via = msg->n_contact = 0;
}

enum ss_sip_kind
ss_sip_parse_start(struct ss_sip_msg *msg, const void *buf, size_t len)
{
	const char *p = buf, *eol;
	struct scan sc;
	uint32_t nl;

	if (len > SS_SIP_MAX_LEN)
		len = 0;	/* cannot come from UDP; refuse rather than truncate */
	msg_reset(msg, buf, len);
	if (len == 0)
		return SS_SIP_NOT_SIP;
	if (is_crlf_only(p, len) || is_stun(buf, len)) {
		msg->kind = SS_SIP_KEEPALIVE;
		return SS_SIP_KEEPALIVE;
	}

	scan_init(&sc, p, (uint32_t)len);
	nl = scan_next(&sc, 0, SCAN_LF);
	if (nl == len)
		return SS_SIP_NOT_SIP;
	eol = (nl > 0 && p[nl - 1] == '\r') ? p + nl - 1 : p + nl;
	if (!parse_status_line(msg, p, eol) && !parse_request_line(msg, p, eol)) {
		msg->kind = SS_SIP_NOT_SIP;
		return SS_SIP_NOT_SIP;
	}
	msg->hdrs_off = (uint16_t)(nl + 1);
	return (enum ss_sip_kind)msg->kind;
}

bool
ss_sip_find_end(struct ss_sip_msg *msg)
{
	if (msg->kind != SS_SIP_REQUEST && msg->kind != SS_SIP_RESPONSE)
		return false;
	if (msg->hdr_end == 0)
		msg->hdr_end = (uint16_t)scan_blank_line(msg->buf, msg->len, msg->hdrs_off - 1u);
	if (msg->hdr_end == 0) {
		msg->kind = SS_SIP_NOT_SIP;
		return false;
	}
	return true;
}

/*
 * Does the header line at off name User-Agent (RFC 3261 §20.41; it has
 * no compact form)? Its name, optional SP/HT, then the colon. The name is
 * compared eight bytes at a time, folded to lower case by OR 0x20, which
 * maps no other byte of "user-agent" onto itself ('-' is 0x2d already).
 */
static bool
is_user_agent_line(const char *b, uint32_t len, uint32_t off)
{
	static const char name[] = "user-agent";
	const uint32_t n = sizeof(name) - 1;
	uint64_t head, want;
	uint32_t i;

	if (len - off <= n)
		return false;
	memcpy(&head, b + off, 8);
	memcpy(&want, name, 8);
	if ((head | 0x2020202020202020ULL) != want ||
			lex_lower(b[off + 8]) != 'n' || lex_lower(b[off + 9]) != 't')
		return false;
	for (i = off + n; i < len && lex_is_ws(b[i]); i++)
		;
	return i < len && b[i] == ':';
}

/* The value of the User-Agent line at off: the rest of the line, trimmed. */
static void
user_agent_value(struct ss_sip_msg *msg, uint32_t off)
{
	const char *b = msg->buf;
	const char *end = b + msg->hdr_end;
	const char *v = memchr(b + off, ':', (size_t)(end - (b + off)));
	const char *eol;

	/* is_user_agent_line() saw the colon on this line */
	if (v == NULL || v >= end)
		return;
	/* SP/HT only, not CRLF: an empty value stays empty */
	for (v++; v < end && lex_is_ws(*v); v++)
		;
	/* the line ends before the header section does, which ends in a LF */
	eol = v < end ? memchr(v, '\n', (size_t)(end - v)) : NULL;
	if (eol == NULL)
		eol = end;
	msg->user_agent.off = (uint16_t)(v - b);
	msg->user_agent.len = (uint16_t)(lex_trim_lws_end(v, eol) - v);
	msg->has_user_agent = 1;
}

bool
ss_sip_find_end_ua(struct ss_sip_msg *msg)
{
	uint32_t ua = UINT32_MAX;

	if (msg->kind != SS_SIP_REQUEST)
		return ss_sip_find_end(msg);
	if (msg->headers_done || msg->hdr_end != 0)
		return true;	/* parse_headers() found both already */
	msg->hdr_end = (uint16_t)scan_blank_line_u(msg->buf, msg->len, msg->hdrs_off - 1u,
			is_user_agent_line, &ua);
	if (msg->hdr_end == 0) {
		msg->kind = SS_SIP_NOT_SIP;
		return false;
	}
	if (ua != UINT32_MAX)
		user_agent_value(msg, ua);
	return true;
}

bool
ss_sip_parse_headers(struct ss_sip_msg *msg)
{
	struct scan sc;

	if (msg->headers_done)
		return true;
	if (msg->kind != SS_SIP_REQUEST && msg->kind != SS_SIP_RESPONSE)
		return false;
	scan_init(&sc, msg->buf, msg->len);
	if (!parse_headers(msg, &sc, msg->hdrs_off)) {
		msg->kind = SS_SIP_NOT_SIP;
		return false;
	}
	msg->headers_done = 1;
	return true;
}

enum ss_sip_kind
ss_sip_parse(struct ss_sip_msg *msg, const void *buf, size_t len)
{
	enum ss_sip_kind kind = ss_sip_parse_start(msg, buf, len);

	if (kind != SS_SIP_REQUEST && kind != SS_SIP_RESPONSE)
		return kind;
	ss_sip_parse_headers(msg);
	return (enum ss_sip_kind)msg->kind;
}
