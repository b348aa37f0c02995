/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * lib/sip: SIP over UDP, read from a byte span.
 *
 * Nothing here knows DPDK. Every function works on a pointer and a length
 * (not NUL-terminated, NULs allowed) and never reads outside it. Nothing
 * allocates, logs or blocks after ss_sip_hs_init(): all of it is safe on a
 * worker core. Functions return enums or negative errno values.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A part of the message: offset from the message start and length. */
struct ss_sip_span {
	uint16_t off;
	uint16_t len;
};

/* What the first line (and the end of the header section) says. */
enum ss_sip_kind {
	SS_SIP_NOT_SIP = 0,	/* no request or status line, or no end of headers */
	SS_SIP_KEEPALIVE,	/* only CR/LF bytes, or a STUN message (RFC 5626 §3.5.1) */
	SS_SIP_REQUEST,
	SS_SIP_RESPONSE,
};

/* Methods sipshield counts or acts on; anything else is SS_SIP_M_OTHER. */
enum ss_sip_method {
	SS_SIP_M_OTHER = 0,
	SS_SIP_M_INVITE,
	SS_SIP_M_ACK,
	SS_SIP_M_BYE,
	SS_SIP_M_CANCEL,
	SS_SIP_M_REGISTER,
	SS_SIP_M_OPTIONS,
	SS_SIP_M_SUBSCRIBE,
	SS_SIP_M_NOTIFY,
	SS_SIP_M_PUBLISH,
	SS_SIP_M_INFO,
	SS_SIP_M_PRACK,
	SS_SIP_M_UPDATE,
	SS_SIP_M_MESSAGE,
	SS_SIP_M_REFER,
	SS_SIP_M_COUNT
};

/* Bits of ss_sip_msg.flags: facts that make a reply unsafe to build. */
#define SS_SIP_F_DUP_FROM	(1u << 0)	/* more than one From header */
#define SS_SIP_F_DUP_TO		(1u << 1)
#define SS_SIP_F_DUP_CALLID	(1u << 2)
#define SS_SIP_F_DUP_CSEQ	(1u << 3)
#define SS_SIP_F_DUP_EXPIRES	(1u << 4)	/* more than one Expires header */
#define SS_SIP_F_MANY_VIA	(1u << 5)	/* more Via lines than SS_SIP_MAX_VIA */
#define SS_SIP_F_MANY_CONTACT	(1u << 6)	/* more Contact lines than SS_SIP_MAX_CONTACT */
#define SS_SIP_F_VERSION	(1u << 7)	/* version is not exactly SIP/2.0 */
#define SS_SIP_F_RURI		(1u << 8)	/* whitespace or control byte inside the Request-URI */
#define SS_SIP_F_DUP_CLEN	(1u << 9)	/* more than one Content-Length header */

#define SS_SIP_MAX_VIA		32	/* Via header lines kept for a reply */
#define SS_SIP_MAX_CONTACT	16	/* Contact header lines kept */
#define SS_SIP_MAX_LEN		65535	/* largest message accepted */

/*
 * A parsed message. Spans of header values exclude the name, the colon, the
 * whitespace around them and trailing whitespace; a folded value keeps its
 * inner CRLF and indentation (they are legal LWS when copied into a reply).
 * Filled by ss_sip_parse(); only fields named by `kind` are meaningful.
 */
struct ss_sip_msg {
	const char *buf;		/* the message */
	uint16_t len;			/* its length */
	uint16_t hdrs_off;		/* offset of the first header line */
	uint16_t hdr_end;		/* offset of the first byte after the empty line (0: not found yet) */
	uint8_t kind;			/* enum ss_sip_kind */
	uint8_t method;			/* enum ss_sip_method (requests) */
	uint16_t flags;			/* SS_SIP_F_* */
	uint16_t status;		/* status code (responses) */
	uint8_t headers_done;		/* the header fields below are filled */
	struct ss_sip_span method_tok;	/* request method as written */
	struct ss_sip_span ruri;	/* Request-URI */
	struct ss_sip_span from;
	struct ss_sip_span to;
	struct ss_sip_span call_id;
	struct ss_sip_span cseq;
	struct ss_sip_span expires;	/* Expires header value, len 0 when absent */
	/*
	 * Content-Length value (ss_sip_parse_headers()), and the first
	 * User-Agent value (ss_sip_parse_headers() or ss_sip_find_end_ua()).
	 */
	struct ss_sip_span content_length;
	struct ss_sip_span user_agent;
	uint8_t has_from, has_to, has_call_id, has_cseq, has_expires;
	uint8_t has_content_length, has_user_agent;
	uint8_t n_via;			/* Via header lines (not values) */
	uint8_t n_contact;		/* Contact header lines */
	struct ss_sip_span via[SS_SIP_MAX_VIA];
	struct ss_sip_span contact[SS_SIP_MAX_CONTACT];
};

/*
 * Parse the first line and the header section of buf[0..len).
 * Returns the kind (also stored in msg->kind). Never reads the body.
 */
enum ss_sip_kind ss_sip_parse(struct ss_sip_msg *msg, const void *buf, size_t len);

/*
 * The same in steps, so that a decision reads only what it needs: a pass
 * verdict for most requests needs the first line and the end of the
 * header section, not the header fields.
 *
 * ss_sip_parse_start() reads the first line (kind, method, Request-URI,
 * status) and classifies keep-alives; REQUEST and RESPONSE are provisional
 * until one of the two calls below confirms the header section ends.
 * ss_sip_find_end() finds the empty line (SIMD, ~1 cycle per 8 bytes).
 * ss_sip_parse_headers() walks the header lines and fills the fields.
 * Both return false, and set kind to SS_SIP_NOT_SIP, when there is no end.
 */
enum ss_sip_kind ss_sip_parse_start(struct ss_sip_msg *msg, const void *buf, size_t len);
bool ss_sip_find_end(struct ss_sip_msg *msg);
bool ss_sip_parse_headers(struct ss_sip_msg *msg);

/*
 * ss_sip_find_end(), and for a request the first User-Agent header on the
 * way (user_agent, has_user_agent): the same SIMD pass also marks the
 * lines that start with 'U' or 'u', so finding it costs no header walk.
 * The value is the rest of that line, trimmed (a folded continuation is
 * not followed: scanners do not fold).
 */
bool ss_sip_find_end_ua(struct ss_sip_msg *msg);

/* Body bytes in the datagram after the header section (hdr_end must be set). */
static inline size_t
ss_sip_body_len(const struct ss_sip_msg *msg)
{
	return (size_t)msg->len - msg->hdr_end;
}

/* Method enum of a method token; SS_SIP_M_OTHER when not one of ours. */
enum ss_sip_method ss_sip_method_from_name(const char *name, size_t len);

/* Canonical upper-case name of a method enum ("OTHER" for SS_SIP_M_OTHER). */
const char *ss_sip_method_name(enum ss_sip_method m);

/* Value of a span as a pointer into the message. */
static inline const char *
ss_sip_ptr(const struct ss_sip_msg *msg, struct ss_sip_span s)
{
	return msg->buf + s.off;
}

/* --- Values ------------------------------------------------------------ */

/* Result of reading delta-seconds (RFC 3261 §25.1: 1*DIGIT). */
enum ss_sip_delta {
	SS_SIP_DELTA_OK = 0,	/* *out holds the value */
	SS_SIP_DELTA_LARGE,	/* all digits, above 2^32-1: *out = UINT32_MAX */
	SS_SIP_DELTA_BAD,	/* empty or not all digits */
};

/* Read delta-seconds from p[0..len); surrounding LWS is ignored. */
enum ss_sip_delta ss_sip_delta_seconds(const char *p, size_t len, uint32_t *out);

/*
 * Does the To value carry a tag parameter? Also true when the request has
 * no To or its To cannot be read: such a request is never treated as
 * outside a dialog.
 */
bool ss_sip_to_has_tag(const struct ss_sip_msg *msg);

/* Can a From/To value be read as name-addr/addr-spec with parameters? */
bool ss_sip_name_addr_ok(const struct ss_sip_msg *msg, struct ss_sip_span name_addr);

/*
 * Find the tag parameter of a From/To value. Returns 1 and sets *tag when
 * present, 0 when absent, -1 when the value cannot be read.
 */
int ss_sip_find_tag(const struct ss_sip_msg *msg, struct ss_sip_span name_addr,
		struct ss_sip_span *tag);

/* The tag parameter value of a From/To value (span len 0 when absent). */
struct ss_sip_span ss_sip_tag_param(const struct ss_sip_msg *msg, struct ss_sip_span name_addr);

/* --- Contacts and expirations (REGISTER, SUBSCRIBE) ------------------- */

enum ss_sip_expiry_kind {
	SS_SIP_EXP_NONE = 0,	/* nothing to check: no Contact, or no expiration given */
	SS_SIP_EXP_STAR,	/* Contact: * */
	SS_SIP_EXP_VALUES,	/* min_nonzero/has_zero describe the Contacts */
};

/*
 * The expirations of a REGISTER's Contacts, each its `expires` header
 * parameter if present (3600 when malformed, RFC 3261 §10.2.1.1), else the
 * Expires header (when valid). Only what the 423 rule needs is kept.
 */
struct ss_sip_expiry {
	uint8_t kind;		/* enum ss_sip_expiry_kind */
	uint8_t n_checked;	/* Contacts that had an expiration */
	uint16_t n_contacts;	/* Contacts seen */
	uint32_t min_nonzero;	/* smallest expiration above 0 (UINT32_MAX: none) */
};

/* Hyperscan state: one database for the process, one scratch per worker. */
struct ss_sip_hs;
struct ss_sip_scratch;

/* Compile the expiry database. Control thread, once. NULL + *err on error. */
struct ss_sip_hs *ss_sip_hs_create(const char **err);
void ss_sip_hs_free(struct ss_sip_hs *hs);
/* One scratch for one worker; NULL on allocation failure. Control thread. */
struct ss_sip_scratch *ss_sip_scratch_create(const struct ss_sip_hs *hs);
void ss_sip_scratch_free(struct ss_sip_scratch *s);

/*
 * The second database: User-Agent patterns of SIP scanners (caseless
 * literals; one with a leading '^' matches only at the start of the
 * value). Compile it into hs before any scratch is made from hs, so that
 * every scratch serves both databases. patterns[i] is NUL-terminated,
 * 1..SS_SIP_AGENT_MAX bytes of printable ASCII after the '^'. Returns 0,
 * or -EINVAL (bad pattern: *bad is its index, *err says why) or -ENOMEM.
 * Control thread, once.
 */
#define SS_SIP_AGENT_MAX	128	/* bytes of one pattern */
#define SS_SIP_AGENTS_MAX	1024	/* patterns in one database */
int ss_sip_hs_set_agents(struct ss_sip_hs *hs, const char *const *patterns, unsigned int n,
		unsigned int *bad, const char **err);

/* Patterns compiled into hs (0: no agent database). */
unsigned int ss_sip_hs_agents(const struct ss_sip_hs *hs);

/*
 * Does the request's User-Agent (found by ss_sip_find_end_ua() or
 * ss_sip_parse_headers()) match a pattern? False without a User-Agent,
 * without an agent database, or when Hyperscan fails (the request is then
 * not treated as a scanner's). Worker-safe with the worker's own scratch.
 */
bool ss_sip_is_scanner(const struct ss_sip_msg *msg, const struct ss_sip_hs *hs,
		struct ss_sip_scratch *scratch);

/*
 * Find the Contacts' expirations of a parsed REGISTER. Hyperscan spots
 * `expires` in the header section; each hit is verified in context (an
 * Expires header name, or a Contact's header parameter). Returns 0, or a
 * negative errno if Hyperscan failed (the caller passes the request).
 * Worker-safe with the worker's own scratch.
 */
int ss_sip_register_expiry(const struct ss_sip_msg *msg, const struct ss_sip_hs *hs,
		struct ss_sip_scratch *scratch, struct ss_sip_expiry *out);

/* --- Moved-table keys (DESIGN §2) -------------------------------------- */

#define SS_SIP_KEY_USER_MAX	128
#define SS_SIP_KEY_HOST_MAX	128

/*
 * A moved-table key: user %-unescaped (case kept; may hold NUL), host
 * lower-cased (empty: any host). Only the first user_len and host_len
 * bytes are meaningful: compare keys with ss_sip_key_equal(), never as
 * whole structs (the rest is not cleared: a lookup need not write 260
 * bytes).
 */
struct ss_sip_key {
	uint16_t user_len;
	uint16_t host_len;
	char user[SS_SIP_KEY_USER_MAX];
	char host[SS_SIP_KEY_HOST_MAX];
};

enum ss_sip_key_result {
	SS_SIP_KEY_OK = 0,
	SS_SIP_KEY_NO_USER,	/* URI has no user part (e.g. sip:example.com) */
	SS_SIP_KEY_TOO_LONG,	/* user or host over the limit: never looked up */
	SS_SIP_KEY_SCHEME,	/* neither sip:, sips: nor tel: */
	SS_SIP_KEY_BAD,		/* malformed (bad %-escape, empty host, ...) */
};

/* Key of a Request-URI (sip:, sips:, tel:). */
enum ss_sip_key_result ss_sip_uri_key(const char *uri, size_t len, struct ss_sip_key *key);

/* Key of a moved-table text key `user[@host]` (same normalisation). */
enum ss_sip_key_result ss_sip_text_key(const char *text, size_t len, struct ss_sip_key *key);

/* Same user and host? */
static inline bool
ss_sip_key_equal(const struct ss_sip_key *a, const struct ss_sip_key *b)
{
	return a->user_len == b->user_len && a->host_len == b->host_len &&
		memcmp(a->user, b->user, a->user_len) == 0 &&
		memcmp(a->host, b->host, a->host_len) == 0;
}

/* Write a key as text `user[@host]`, user re-escaped where needed. */
int ss_sip_key_format(const struct ss_sip_key *key, char *out, size_t cap);

/* The same key without its host (for entries that match any host). */
void ss_sip_key_drop_host(struct ss_sip_key *key);

/* --- Replies ----------------------------------------------------------- */

/* The packet's source, which decides received= and rport= (RFC 3581). */
struct ss_sip_addr {
	uint8_t family;		/* 4 or 6 */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes */
	uint16_t port;		/* host order */
};

#define SS_SIP_TAG_LEN 16	/* hex characters of the To tag sipshield adds */
#define SS_SIP_SECRET_LEN 16

/* What to answer. */
struct ss_sip_reply {
	uint16_t code;		/* 423 or 302 */
	uint32_t min_expires;	/* 423: Min-Expires */
	const char *contact;	/* 302: new URI (without < >) */
	uint16_t contact_len;
	bool has_expires;	/* 302: add Expires */
	uint32_t expires;
	char tag[SS_SIP_TAG_LEN];	/* To tag to add when To has none */
};

/*
 * The To tag for a request: SipHash-2-4 under the secret of Call-ID,
 * From tag and CSeq number, as hex. Stable for retransmissions and for the
 * ACK that follows a non-2xx final response (same Call-ID, From tag, CSeq
 * number: RFC 3261 §17.1.1.3).
 */
void ss_sip_make_tag(const struct ss_sip_msg *msg, const uint8_t secret[SS_SIP_SECRET_LEN],
		char tag[SS_SIP_TAG_LEN]);

/*
 * Is the To tag the one ss_sip_make_tag() gives this request? True for the
 * ACK of a 302 sipshield sent (RFC 3261 §17.1.1.3: same Call-ID, From tag
 * and CSeq number as the INVITE).
 */
bool ss_sip_tag_is_ours(const struct ss_sip_msg *msg, const uint8_t secret[SS_SIP_SECRET_LEN]);

/*
 * Build the reply (DESIGN §2, RFC 3261 §8.2.6) into out[0..cap). Returns
 * its length, -ENOSPC when it does not fit in cap (callers pass the
 * request length + 64 to refuse amplification), -EINVAL when the request
 * lacks what a reply must copy (Via, From, To, Call-ID, CSeq, or has
 * duplicates of them).
 */
int ss_sip_build_reply(const struct ss_sip_msg *msg, const struct ss_sip_reply *reply,
		const struct ss_sip_addr *src, char *out, size_t cap);

/* Can a reply be built from this request at all (see -EINVAL above)? */
bool ss_sip_reply_possible(const struct ss_sip_msg *msg);
