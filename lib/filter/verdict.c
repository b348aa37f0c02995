/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The verdict for one SIP datagram, in DESIGN §2's order: not SIP → drop;
 * keep-alive, response → pass; a scanner's request → drop; the ACK for
 * our own 302 → absorb; a request that earns a 423 or a 302 → answer
 * (unless the reply would amplify, cannot be built, the body is shorter
 * than Content-Length or the source cannot take a reply: pass); anything
 * else → pass. Answer only when sure, drop only garbage, pass everything
 * else. The rate limits, which need time and per-worker state, come after
 * this, in the per-burst stage (burst.c).
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "ss_filter.h"

static const char *const reason_names[SS_REASON_COUNT] = {
	[SS_REASON_NOT_SIP] = "not_sip",
	[SS_REASON_KEEPALIVE] = "keepalive",
	[SS_REASON_RESPONSE] = "response",
	[SS_REASON_ACK_OURS] = "ack_absorbed",
	[SS_REASON_TOO_BRIEF] = "too_brief",
	[SS_REASON_MOVED] = "moved",
	[SS_REASON_WOULD_AMPLIFY] = "would_amplify",
	[SS_REASON_NO_ROOM] = "no_room",
	[SS_REASON_UNANSWERABLE] = "unanswerable",
	[SS_REASON_NO_RULE] = "no_rule",
	[SS_REASON_EXPIRES_OK] = "expires_ok",
	[SS_REASON_NO_EXPIRY] = "no_expiry",
	[SS_REASON_CONTACT_STAR] = "contact_star",
	[SS_REASON_IN_DIALOG] = "in_dialog",
	[SS_REASON_NOT_MOVED] = "not_moved",
	[SS_REASON_URI_UNUSABLE] = "uri_unusable",
	[SS_REASON_SCAN_ERROR] = "scan_error",
	[SS_REASON_SCANNER] = "scanner",
	[SS_REASON_TRUNCATED] = "truncated",
	[SS_REASON_BAD_SOURCE] = "bad_source",
};

const char *
ss_reason_name(enum ss_reason r)
{
	if ((unsigned int)r >= SS_REASON_COUNT)
		return "unknown";
	return reason_names[r];
}

static const char *const rule_names[] = {
	"answer_423", "answer_302", "drop_not_sip", "drop_scanners", "request_limit",
	"reply_limit",
};

uint32_t
ss_filter_conf_rules(const struct ss_conf *conf)
{
	uint32_t r = 0;

	r |= conf->answer_423 ? SS_RULE_423 : 0;
	r |= conf->answer_302 ? SS_RULE_302 : 0;
	r |= conf->drop_not_sip ? SS_RULE_NOT_SIP : 0;
	r |= conf->drop_scanners ? SS_RULE_SCANNERS : 0;
	r |= conf->request_limit ? SS_RULE_REQUEST_LIMIT : 0;
	r |= conf->reply_limit ? SS_RULE_REPLY_LIMIT : 0;
	r |= conf->monitor ? SS_RULE_MONITOR : 0;
	return r;
}

const char *
ss_filter_rule_name(uint32_t bit)
{
	for (unsigned int i = 0; i < RTE_DIM(rule_names); i++)
		if (bit == 1u << i)
			return rule_names[i];
	return NULL;
}

uint32_t
ss_filter_rule_from_name(const char *name)
{
	for (unsigned int i = 0; i < RTE_DIM(rule_names); i++)
		if (strcmp(name, rule_names[i]) == 0)
			return 1u << i;
	return 0;
}

void
ss_filter_init(struct ss_filter *f, const struct ss_conf *conf, const struct ss_sip_hs *hs)
{
	memset(f, 0, sizeof(*f));
	f->min_expires = conf->min_expires;
	f->min_expires_subscribe = conf->min_expires_subscribe;
	/* DESIGN §2: never redirect these, whatever the config says */
	f->redirect_methods = conf->redirect_methods &
		~((1u << SS_SIP_M_REGISTER) | (1u << SS_SIP_M_ACK) | (1u << SS_SIP_M_CANCEL));
	f->drop_scanners = conf->drop_scanners;
	f->rules = ss_filter_conf_rules(conf);
	f->hs = hs;
}

/* RFC 3261 §10.3 step 7: a Contact expiring above 0 and below the minimum. */
static enum ss_reason
register_rule(const struct ss_filter *f, struct ss_sip_scratch *scratch,
		const struct ss_sip_msg *sm)
{
	struct ss_sip_expiry e;

	if (ss_sip_register_expiry(sm, f->hs, scratch, &e) < 0)
		return SS_REASON_SCAN_ERROR;
	switch (e.kind) {
	case SS_SIP_EXP_STAR:
		return SS_REASON_CONTACT_STAR;
	case SS_SIP_EXP_VALUES:
		return e.min_nonzero < f->min_expires ? SS_REASON_TOO_BRIEF :
			SS_REASON_EXPIRES_OK;
	default:
		return SS_REASON_NO_EXPIRY;
	}
}

/* RFC 6665 §4.2.1.1: the Expires header of a SUBSCRIBE. */
static enum ss_reason
subscribe_rule(const struct ss_filter *f, const struct ss_sip_msg *sm)
{
	uint32_t v;

	if (!sm->has_expires || (sm->flags & SS_SIP_F_DUP_EXPIRES))
		return SS_REASON_NO_EXPIRY;
	if (ss_sip_delta_seconds(ss_sip_ptr(sm, sm->expires), sm->expires.len, &v) ==
			SS_SIP_DELTA_BAD)
		return SS_REASON_NO_EXPIRY;
	return v > 0 && v < f->min_expires_subscribe ? SS_REASON_TOO_BRIEF :
		SS_REASON_EXPIRES_OK;
}

/*
 * RFC 3261 §8.3: redirect a request outside a dialog to a moved user. The
 * header fields are read only for a user found in the table: most
 * requests pass on the first line alone.
 */
static enum ss_reason
redirect_rule(const struct ss_filter *f, struct ss_sip_msg *sm,
		const struct ss_moved_entry **entry)
{
	const struct ss_moved *table;
	struct ss_sip_key key;

	if (sm->flags & SS_SIP_F_RURI)
		return SS_REASON_URI_UNUSABLE;
	if (ss_sip_uri_key(ss_sip_ptr(sm, sm->ruri), sm->ruri.len, &key) != SS_SIP_KEY_OK)
		return SS_REASON_URI_UNUSABLE;
	table = __atomic_load_n(&f->moved, __ATOMIC_ACQUIRE);
	if (table == NULL)
		return SS_REASON_NOT_MOVED;
	*entry = ss_moved_lookup(table, &key);
	if (*entry == NULL)
		return SS_REASON_NOT_MOVED;
	ss_sip_parse_headers(sm);	/* cannot fail: the end was found */
	if (!sm->has_to || (sm->flags & SS_SIP_F_DUP_TO))
		return SS_REASON_UNANSWERABLE;
	if (ss_sip_to_has_tag(sm))
		return ss_sip_name_addr_ok(sm, sm->to) ? SS_REASON_IN_DIALOG :
			SS_REASON_UNANSWERABLE;
	return SS_REASON_MOVED;
}

static enum ss_reason
request_rules(const struct ss_filter *f, uint32_t rules, struct ss_sip_scratch *scratch,
		struct ss_sip_msg *sm, const struct ss_moved_entry **entry)
{
	enum ss_reason r = SS_REASON_NO_RULE;

	/* a version other than SIP/2.0 is the registrar's to reject (505) */
	if (sm->flags & SS_SIP_F_VERSION)
		return SS_REASON_NO_RULE;
	/* answer_423 = off: no expiry is judged, as if no rule applied */
	if (sm->method == SS_SIP_M_REGISTER)
		return (rules & SS_RULE_423) ? register_rule(f, scratch, sm) : SS_REASON_NO_RULE;
	if (sm->method == SS_SIP_M_SUBSCRIBE && (rules & SS_RULE_423)) {
		r = subscribe_rule(f, sm);
		if (r == SS_REASON_TOO_BRIEF)
			return r;
	}
	/* answer_302 = off: no lookup either, so it costs nothing */
	if ((rules & SS_RULE_302) && (f->redirect_methods & (1u << sm->method)))
		return redirect_rule(f, sm, entry);
	return r;
}

/*
 * RFC 3261 §18.3: over UDP, a request whose body ends before the
 * Content-Length says is an error the registrar answers with 400; a
 * Content-Length that cannot be read, or two of them, make the request
 * malformed. Neither is a request sipshield is sure to answer right.
 */
static enum ss_reason
body_rule(const struct ss_sip_msg *sm, enum ss_reason r)
{
	uint32_t clen;

	if (!sm->has_content_length)
		return r;	/* §20.14: over UDP the body runs to the datagram's end */
	if (sm->flags & SS_SIP_F_DUP_CLEN)
		return SS_REASON_UNANSWERABLE;
	switch (ss_sip_delta_seconds(ss_sip_ptr(sm, sm->content_length), sm->content_length.len,
			&clen)) {
	case SS_SIP_DELTA_OK:
		return clen > ss_sip_body_len(sm) ? SS_REASON_TRUNCATED : r;
	case SS_SIP_DELTA_LARGE:
		return SS_REASON_TRUNCATED;
	default:
		return SS_REASON_UNANSWERABLE;
	}
}

/*
 * Can the packet's source take a reply? RFC 1122 §3.2.1.3 and RFC 1812
 * §5.3.7: a source address that is "this network" (0/8), loopback
 * (127/8), multicast (224/4) or reserved/broadcast (240/4) is not one a
 * host may answer; for IPv6 the unspecified address, loopback, multicast
 * (RFC 4291 §2.7: never a source) and IPv4-mapped addresses (RFC 4291
 * §2.5.5.2: not on the wire). Port 0 is no destination (RFC 768). A
 * spoofed source of this kind would turn a 423 into a broadcast or a
 * multicast: the request passes instead, untouched, and is counted.
 */
static bool
source_ok(const struct ss_sip_addr *src)
{
	static const uint8_t zero[16], mapped[12] = {[10] = 0xff, [11] = 0xff};
	const uint8_t *a = src->addr;

	if (src->port == 0)
		return false;
	if (src->family == 4)
		return a[0] != 0 && a[0] != 127 && a[0] < 224;
	if (a[0] == 0xff || memcmp(a, mapped, sizeof(mapped)) == 0)
		return false;
	/* :: and ::1 */
	return memcmp(a, zero, 15) != 0 || a[15] > 1;
}

static void
answer(const struct ss_filter *f, const struct ss_sip_msg *sm, const struct ss_sip_addr *src,
		const struct ss_moved_entry *entry, char *out, size_t out_cap,
		struct ss_filter_result *res)
{
	struct ss_sip_reply reply = {0};
	size_t bound = (size_t)sm->len + SS_FILTER_MAX_GROWTH;
	int n;

	if (res->reason == SS_REASON_TOO_BRIEF) {
		reply.code = 423;
		reply.min_expires = sm->method == SS_SIP_M_SUBSCRIBE ?
			f->min_expires_subscribe : f->min_expires;
	} else {
		reply.code = 302;
		reply.contact = entry->uri;
		reply.contact_len = entry->uri_len;
		reply.has_expires = entry->has_expires;
		reply.expires = entry->expires;
	}
	res->code = reply.code;
	/* used only when To has no tag; the builder knows, having parsed To */
	ss_sip_make_tag(sm, f->secret, reply.tag);
	n = ss_sip_build_reply(sm, &reply, src, out, out_cap < bound ? out_cap : bound);
	if (n >= 0) {
		res->verdict = SS_VERDICT_ANSWER;
		res->reply_len = (uint16_t)n;
	} else if (n == -ENOSPC) {
		res->reason = out_cap < bound ? SS_REASON_NO_ROOM : SS_REASON_WOULD_AMPLIFY;
	} else {
		res->reason = SS_REASON_UNANSWERABLE;
	}
}

/* Methods whose rules read header fields whatever the Request-URI. */
#define NEEDS_HEADERS ((1u << SS_SIP_M_REGISTER) | (1u << SS_SIP_M_SUBSCRIBE) | \
		(1u << SS_SIP_M_ACK))

/*
 * Confirm the header section ends (else the datagram is not SIP), reading
 * the header fields only for the methods whose rules need them.
 */
static bool
header_section(bool scanners, struct ss_sip_msg *sm)
{
	switch (sm->kind) {
	case SS_SIP_KEEPALIVE:
		return true;
	case SS_SIP_RESPONSE:
		return ss_sip_find_end(sm);
	case SS_SIP_REQUEST:
		if (NEEDS_HEADERS & (1u << sm->method))
			return ss_sip_parse_headers(sm);
		/* the same pass finds the User-Agent, when scanners are dropped */
		return scanners ? ss_sip_find_end_ua(sm) : ss_sip_find_end(sm);
	default:
		return false;
	}
}

void
ss_filter_process(const struct ss_filter *f, struct ss_sip_scratch *scratch,
		struct ss_sip_msg *sm, const void *msg, size_t len, const struct ss_sip_addr *src,
		char *out, size_t out_cap, struct ss_filter_result *res)
{
	const struct ss_moved_entry *entry = NULL;
	uint32_t rules = ss_filter_rules(f);
	bool scanners = f->drop_scanners && (rules & SS_RULE_SCANNERS);

	res->verdict = SS_VERDICT_PASS;
	res->reply_len = 0;
	res->code = 0;
	res->kind = (uint8_t)ss_sip_parse_start(sm, msg, len);
	res->method = sm->method;
	if (!header_section(scanners, sm)) {
		res->kind = SS_SIP_NOT_SIP;
		res->verdict = SS_VERDICT_DROP;
		res->reason = SS_REASON_NOT_SIP;
		return;
	}
	switch (res->kind) {
	case SS_SIP_KEEPALIVE:
		res->reason = SS_REASON_KEEPALIVE;
		return;
	case SS_SIP_RESPONSE:
		res->reason = SS_REASON_RESPONSE;
		return;
	default:
		break;
	}
	/* DESIGN §2: after "a SIP response → pass", before the ACK absorb */
	if (scanners && ss_sip_is_scanner(sm, f->hs, scratch)) {
		res->verdict = SS_VERDICT_DROP;
		res->reason = SS_REASON_SCANNER;
		return;
	}
	if (sm->method == SS_SIP_M_ACK) {
		/* RFC 3261 §8.2.7: ACK is never answered; ours is absorbed */
		if (ss_sip_tag_is_ours(sm, f->secret)) {
			res->verdict = SS_VERDICT_DROP;
			res->reason = SS_REASON_ACK_OURS;
		} else {
			res->reason = SS_REASON_NO_RULE;
		}
		return;
	}
	res->reason = (uint8_t)request_rules(f, rules, scratch, sm, &entry);
	if (res->reason != SS_REASON_TOO_BRIEF && res->reason != SS_REASON_MOVED)
		return;
	res->code = res->reason == SS_REASON_TOO_BRIEF ? 423 : 302;
	/* both rules have read the header fields by now */
	res->reason = (uint8_t)body_rule(sm, (enum ss_reason)res->reason);
	if (res->reason != SS_REASON_TOO_BRIEF && res->reason != SS_REASON_MOVED)
		return;
	if (!source_ok(src)) {
		res->reason = SS_REASON_BAD_SOURCE;
		return;
	}
	answer(f, sm, src, entry, out, out_cap, res);
}
