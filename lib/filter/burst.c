/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The per-burst stage (DESIGN §5): view, verdict, rate limits, answer in
 * place, and counting. Counts go to locals over the burst and are added
 * to the worker's counters once, so the hot loop stores nothing but the
 * frames. The limits come after the verdict (DESIGN §2's order: a
 * request that earns an answer is held to the reply limits, any other
 * request that would pass to the registrars to the request limit), and
 * judge by one clock reading per burst.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "ss_burst.h"
#include "ss_net.h"
#include "ss_sources.h"

/*
 * Frames whose data is prefetched ahead of the one being handled: enough
 * to cover a DRAM access over the ~100 ns a SIP verdict takes, few enough
 * to stay in L1 with the message being parsed.
 */
#define PREFETCH_AHEAD 4

/* Per-burst tallies, added to the worker's counters once per burst. */
struct tally {
	uint16_t c[SS_CTR_COUNT];
};

/*
 * The counter saying why a SIP datagram got its verdict. A switch without
 * default: adding an enum ss_reason without a counter is a -Wswitch warning.
 */
static inline enum ss_ctr
reason_ctr(enum ss_reason r)
{
	switch (r) {
	case SS_REASON_NOT_SIP:
		return SS_CTR_DROPPED_NOT_SIP;
	case SS_REASON_KEEPALIVE:
		return SS_CTR_KEEPALIVES;
	case SS_REASON_RESPONSE:
		return SS_CTR_RESPONSES;
	case SS_REASON_ACK_OURS:
		return SS_CTR_ACK_ABSORBED;
	case SS_REASON_TOO_BRIEF:
		return SS_CTR_SENT_423;
	case SS_REASON_MOVED:
		return SS_CTR_SENT_302;
	case SS_REASON_WOULD_AMPLIFY:
		return SS_CTR_PASSED_WOULD_AMPLIFY;
	case SS_REASON_NO_ROOM:
		return SS_CTR_PASSED_NO_ROOM;
	case SS_REASON_UNANSWERABLE:
		return SS_CTR_PASSED_UNANSWERABLE;
	case SS_REASON_NO_RULE:
		return SS_CTR_PASSED_NO_RULE;
	case SS_REASON_EXPIRES_OK:
		return SS_CTR_PASSED_EXPIRES_OK;
	case SS_REASON_NO_EXPIRY:
		return SS_CTR_PASSED_NO_EXPIRY;
	case SS_REASON_CONTACT_STAR:
		return SS_CTR_PASSED_CONTACT_STAR;
	case SS_REASON_IN_DIALOG:
		return SS_CTR_PASSED_IN_DIALOG;
	case SS_REASON_NOT_MOVED:
		return SS_CTR_PASSED_NOT_MOVED;
	case SS_REASON_URI_UNUSABLE:
		return SS_CTR_PASSED_URI_UNUSABLE;
	case SS_REASON_SCAN_ERROR:
		return SS_CTR_PASSED_SCAN_ERROR;
	case SS_REASON_SCANNER:
		return SS_CTR_DROPPED_SCANNER;
	case SS_REASON_TRUNCATED:
		return SS_CTR_PASSED_TRUNCATED;
	case SS_REASON_BAD_SOURCE:
		return SS_CTR_PASSED_BAD_SOURCE;
	case SS_REASON_COUNT:
		break;
	}
	return SS_CTR_PASSED_NO_RULE;
}

/* The counter of a frame that bypasses the SIP code (DESIGN §2, §4). */
static inline enum ss_ctr
class_ctr(enum ss_net_class c)
{
	switch (c) {
	case SS_NET_TCP_SIP:
		return SS_CTR_UNFILTERED_TCP;
	case SS_NET_FRAGMENT:
		return SS_CTR_UNFILTERED_FRAGMENT;
	case SS_NET_IPV6_EXT:
		return SS_CTR_UNFILTERED_IPV6_EXT;
	case SS_NET_VLAN_STACKED:
		return SS_CTR_UNFILTERED_VLAN_STACKED;
	case SS_NET_BAD_LEN:
		return SS_CTR_UNFILTERED_BAD_LEN;
	case SS_NET_MULTISEG:
		return SS_CTR_UNFILTERED_MULTISEG;
	case SS_NET_SIP_UDP:
	case SS_NET_OTHER:
	case SS_NET_CLASS_COUNT:
		break;
	}
	return SS_CTR_PASSED_OTHER;
}

int
ss_worker_ctx_init(struct ss_worker_ctx *w, const struct ss_filter *f,
		struct ss_sip_scratch *s, const struct ss_conf *conf, uint64_t tx_offloads)
{
	if (conf->n_sip_ports == 0 || conf->n_sip_ports > SS_CONF_MAX_SIP_PORTS)
		return -EINVAL;
	w->filter = f;
	w->scratch = s;
	w->tx_offloads = tx_offloads;
	memcpy(w->sip_ports, conf->sip_ports, sizeof(w->sip_ports));
	w->n_sip_ports = conf->n_sip_ports;
	w->rl = NULL;
	w->limit_requests = false;
	memset(w->ctr, 0, sizeof(w->ctr));
	return 0;
}

void
ss_worker_ctx_set_limits(struct ss_worker_ctx *w, struct ss_rl *rl)
{
	w->rl = rl;
	w->limit_requests = rl != NULL && ss_rl_requests_limited(rl);
}

/*
 * Monitor mode: the would_* counter of a frame enforce mode would have
 * answered or dropped, given the "why" counter enforce mode counts.
 */
static inline enum ss_ctr
would_ctr(enum ss_ctr why)
{
	switch (why) {
	case SS_CTR_SENT_423:
		return SS_CTR_WOULD_423;
	case SS_CTR_SENT_302:
		return SS_CTR_WOULD_302;
	case SS_CTR_DROPPED_NOT_SIP:
		return SS_CTR_WOULD_DROP_NOT_SIP;
	case SS_CTR_ACK_ABSORBED:
		return SS_CTR_WOULD_ACK_ABSORBED;
	case SS_CTR_DROPPED_SCANNER:
		return SS_CTR_WOULD_DROP_SCANNER;
	case SS_CTR_DROPPED_REQUEST_LIMIT:
		return SS_CTR_WOULD_DROP_REQUEST_LIMIT;
	case SS_CTR_DROPPED_DENIED:
		return SS_CTR_WOULD_DROP_DENIED;
	default:
		/* the one left: answered and dropped have no other reasons */
		return SS_CTR_WOULD_DROP_REPLY_LIMIT;
	}
}

/*
 * A request that would pass to the registrars: within its source's
 * request limit? Responses, keep-alives and non-SIP never get here.
 */
static inline enum ss_ctr
pass_request(struct ss_worker_ctx *w, const struct ss_rl_source *s, uint64_t now,
		uint32_t rules, enum ss_ctr *why)
{
	if (!w->limit_requests || !(rules & SS_RULE_REQUEST_LIMIT))
		return SS_CTR_PASSED;
	if (ss_rl_request(w->rl, s, now))
		return SS_CTR_PASSED;
	*why = SS_CTR_DROPPED_REQUEST_LIMIT;
	return SS_CTR_DROPPED;
}

/*
 * A SIP datagram from the outside port: verdict, then the frame's fate.
 * Returns the group counter (passed, answered or dropped) and sets *why.
 * In monitor mode an answer is decided but not built: the frame must
 * leave as it came, and the caller counts it as would_*.
 */
static inline enum ss_ctr
sip_datagram(struct ss_worker_ctx *w, struct rte_mbuf *m, const struct ss_net_view *v,
		struct tally *t, enum ss_ctr *why, uint64_t now, uint32_t rules)
{
	struct ss_filter_result res;
	struct ss_sip_addr src;
	struct ss_rl_source s = {0, 0};
	size_t cap;

	ss_net_source(m, v, &src);
	if (w->rl != NULL) {
		/* the set's two lines load while the verdict runs (ss_ratelimit.h) */
		ss_rl_source_of(v->src_addr, v->ip_version, &s);
		ss_rl_prefetch(w->rl, &s);
	}
	/*
	 * The reply must fit the mbuf it replaces (ss_net_room) as well as
	 * the amplification bound; the filter tells the two apart, so a
	 * reply that only the mbuf cannot hold is counted as no_room.
	 */
	cap = RTE_MIN((size_t)v->payload_len + SS_FILTER_MAX_GROWTH, (size_t)ss_net_room(m, v));
	cap = RTE_MIN(cap, sizeof(w->reply));
	ss_filter_process(w->filter, w->scratch, &w->msg, ss_net_payload(m, v), v->payload_len,
			&src, w->reply, cap, &res);
	if (res.kind == SS_SIP_REQUEST)
		t->c[ss_ctr_request(res.method)]++;
	*why = reason_ctr(res.reason);

	switch (res.verdict) {
	case SS_VERDICT_ANSWER:
		/*
		 * The reply goes to the request's source MAC: a group address
		 * there (IEEE 802 forbids it as a source) would multicast it.
		 */
		if (unlikely(!rte_is_unicast_ether_addr(
				&rte_pktmbuf_mtod(m, const struct rte_ether_hdr *)->src_addr))) {
			*why = SS_CTR_PASSED_BAD_SOURCE;
			return pass_request(w, &s, now, rules, why);
		}
		if (w->rl != NULL && (rules & SS_RULE_REPLY_LIMIT)) {
			if (ss_rl_reply(w->rl, &s, now) != SS_RL_OK) {
				*why = SS_CTR_DROPPED_REPLY_LIMIT;
				return SS_CTR_DROPPED;
			}
		}
		if (rules & SS_RULE_MONITOR)
			return SS_CTR_ANSWERED;
		if (likely(ss_net_answer(m, v, w->reply, res.reply_len, w->tx_offloads) == 0))
			return SS_CTR_ANSWERED;
		/* cannot happen with cap <= room; the frame is as it came */
		*why = SS_CTR_PASSED_NO_ROOM;
		return SS_CTR_PASSED;
	case SS_VERDICT_DROP:
		/* drop_not_sip = off: garbage goes on, under its own name */
		if (res.reason == SS_REASON_NOT_SIP && !(rules & SS_RULE_NOT_SIP)) {
			*why = SS_CTR_PASSED_NOT_SIP;
			return SS_CTR_PASSED;
		}
		return SS_CTR_DROPPED;
	default:
		if (res.kind == SS_SIP_REQUEST)
			return pass_request(w, &s, now, rules, why);
		return SS_CTR_PASSED;
	}
}

/* One frame from the outside port: its group counter, and *why. */
static inline enum ss_ctr
outside_frame(struct ss_worker_ctx *w, struct rte_mbuf *m, struct tally *t, enum ss_ctr *why,
		uint64_t now, uint32_t rules, const struct ss_sources *src)
{
	struct ss_net_view v;
	enum ss_net_class c;

	c = ss_net_classify(m, w->sip_ports, w->n_sip_ports, &v);
	/* DESIGN §2: the lists come before every other decision, for any IP packet */
	if (src != NULL && v.ip_version != 0) {
		switch (ss_sources_lookup(src, v.ip_version, v.src_addr)) {
		case SS_SRC_DENY:
			*why = SS_CTR_DROPPED_DENIED;
			return SS_CTR_DROPPED;
		case SS_SRC_ALLOW:
			*why = SS_CTR_PASSED_ALLOWED;
			return SS_CTR_PASSED;
		default:
			break;
		}
	}
	if (likely(c == SS_NET_SIP_UDP))
		return sip_datagram(w, m, &v, t, why, now, rules);
	*why = class_ctr(c);
	return SS_CTR_PASSED;
}

static inline void
tally_flush(struct ss_counters *ctr, const struct tally *t)
{
	/* the worker owns ctr: plain adds, which the compiler vectorises */
	for (unsigned int i = 0; i < SS_CTR_COUNT; i++)
		ctr->c[i] += t->c[i];
}

/* DESIGN §1: the inside port's traffic passes without a look. */
static void
inside_burst(struct ss_worker_ctx *w, struct rte_mbuf **pkts, uint16_t n,
		struct ss_burst_out *out)
{
	struct ss_counters *ctr = &w->ctr[SS_PORT_INSIDE];

	memcpy(out->fwd, pkts, n * sizeof(pkts[0]));
	out->n_fwd = n;
	ctr->c[SS_CTR_RX] += n;
	ctr->c[SS_CTR_PASSED] += n;
	ctr->c[SS_CTR_PASSED_FROM_INSIDE] += n;
}

void
ss_filter_burst(struct ss_worker_ctx *w, unsigned int port, struct rte_mbuf **pkts,
		uint16_t n, struct ss_burst_out *out)
{
	/* the clock only matters to the limits: no read without them */
	ss_filter_burst_at(w, port, pkts, n, out, w->rl != NULL ? rte_rdtsc() : 0);
}

void
ss_filter_burst_at(struct ss_worker_ctx *w, unsigned int port, struct rte_mbuf **pkts,
		uint16_t n, struct ss_burst_out *out, uint64_t now)
{
	struct rte_mbuf *drop[SS_BURST_MAX];
	struct tally t;
	uint16_t n_drop = 0;
	const struct ss_sources *src;
	uint32_t rules;
	uint16_t i;

	RTE_ASSERT(n <= SS_BURST_MAX);
	out->n_back = 0;
	out->n_fwd = 0;
	if (port != SS_PORT_OUTSIDE) {
		inside_burst(w, pkts, n, out);
		return;
	}

	/* once per burst: a live switch applies from the next burst on */
	rules = ss_filter_rules(w->filter);
	/* a reload frees the old lists only after this worker's next quiescent state */
	src = __atomic_load_n(&w->filter->sources, __ATOMIC_ACQUIRE);
	memset(&t, 0, sizeof(t));
	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		enum ss_ctr group, why;

		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		group = outside_frame(w, m, &t, &why, now, rules, src);
		if (unlikely(rules & SS_RULE_MONITOR) && group != SS_CTR_PASSED) {
			/* as on a plain wire: count the decision, pass the frame */
			t.c[would_ctr(why)]++;
			group = SS_CTR_PASSED;
			why = SS_CTR_PASSED_MONITOR;
		}
		t.c[group]++;
		t.c[why]++;
		if (group == SS_CTR_PASSED)
			out->fwd[out->n_fwd++] = m;
		else if (group == SS_CTR_ANSWERED)
			out->back[out->n_back++] = m;
		else
			drop[n_drop++] = m;
	}
	t.c[SS_CTR_RX] = n;
	tally_flush(&w->ctr[SS_PORT_OUTSIDE], &t);
	if (n_drop != 0)
		rte_pktmbuf_free_bulk(drop, n_drop);
	if (w->rl != NULL)
		ss_rl_publish(w->rl);
}
