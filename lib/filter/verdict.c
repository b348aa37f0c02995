/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The verdict for one SIP datagram, in DESIGN §2's order: not SIP → drop;
 * keep-alive, response → pass; the ACK for our own 302 → absorb; a
 * request that earns a 423 or a 302 → answer (unless the reply would
 * amplify or cannot be built: pass); anything else → pass.
 * Answer only when sure, drop only garbage, pass everything else.
 */

#include <errno.h>
#include <string.h>

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
};

const char *
ss_reason_name(enum ss_reason r)
{
	if ((unsigned int)r >= SS_REASON_COUNT)
		return "unknown";
	return reason_names[r];
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
request_rules(const struct ss_filter *f, struct ss_sip_scratch *scratch,
		struct ss_sip_msg *sm, const struct ss_moved_entry **entry)
{
	enum ss_reason r = SS_REASON_NO_RULE;

	/* a version other than SIP/2.0 is the registrar's to reject (505) */
	if (sm->flags & SS_SIP_F_VERSION)
		return SS_REASON_NO_RULE;
	if (sm->method == SS_SIP_M_REGISTER)
		return register_rule(f, scratch, sm);
	if (sm->method == SS_SIP_M_SUBSCRIBE) {
		r = subscribe_rule(f, sm);
		if (r == SS_REASON_TOO_BRIEF)
			return r;
	}
	if (f->redirect_methods & (1u << sm->method))
		return redirect_rule(f, sm, entry);
	return r;
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
header_section(struct ss_sip_msg *sm)
{
	switch (sm->kind) {
	case SS_SIP_KEEPALIVE:
		return true;
	case SS_SIP_RESPONSE:
		return ss_sip_find_end(sm);
	case SS_SIP_REQUEST:
		if (NEEDS_HEADERS & (1u << sm->method))
			return ss_sip_parse_headers(sm);
		return ss_sip_find_end(sm);
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

	res->verdict = SS_VERDICT_PASS;
	res->reply_len = 0;
	res->code = 0;
	res->kind = (uint8_t)ss_sip_parse_start(sm, msg, len);
	res->method = sm->method;
	if (!header_section(sm)) {
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
	res->reason = (uint8_t)request_rules(f, scratch, sm, &entry);
	if (res->reason == SS_REASON_TOO_BRIEF || res->reason == SS_REASON_MOVED)
		answer(f, sm, src, entry, out, out_cap, res);
}
