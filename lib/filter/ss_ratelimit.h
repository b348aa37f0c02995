/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Per-source and node-wide rate limits (DESIGN §2), one instance per
 * worker.
 *
 * Each worker owns a fixed-size table of sources (an IPv4 address or an
 * IPv6 /64: one subscriber's whole prefix) with two token buckets each:
 * requests passed to the registrars, and replies sipshield sends. RSS
 * hashes on the IP addresses only (DESIGN §5), so every packet of a
 * source reaches the same worker and its limits stay exact without any
 * sharing: no lock, no atomic read-modify-write, no cache line that two
 * cores write.
 *
 * The node-wide reply limit is split the same way: each worker that polls
 * the outside port enforces its share (rate / workers, burst / workers).
 * One shared bucket would be a cache line written by every worker for
 * every reply, which costs more than the reply itself at Mpps; the shares
 * add up to the node limit, so the node never sends more. A worker that
 * gets more than its share of a spoofed flood (RSS spreads random sources
 * evenly, so it rarely does) answers less than the node could: the error
 * is on the side of not reflecting.
 *
 * Buckets are GCRA (the virtual-scheduling form of a token bucket, ITU-T
 * I.371): one 64-bit "theoretical arrival time" per bucket, in TSC cycles,
 * so a check is a compare and an add, with no division on the hot path.
 * Time comes from the caller, read once per burst, so tests inject it.
 *
 * The table is set-associative: a keyed hash picks a set of SS_RL_WAYS
 * sources in two cache lines, which the caller prefetches as soon as it
 * knows the packet's source, so that the miss of a large table is paid
 * while the SIP verdict runs. A new source takes an empty way, else the
 * way whose buckets refill soonest, and among those (typically all full
 * again: no state to lose) the least recently seen: LRU that spares the
 * sources under limitation. A source that keeps sending over its limit
 * has its buckets a whole burst ahead of the clock, a one-off source of a
 * spoofed flood one interval at most, so a flood of new sources cannot
 * wash an abuser's state away by pushing it out. The hash key is random
 * per table, so a remote sender cannot aim many sources at
 * one set to evict another.
 *
 * Each worker also keeps the sources with the most drops (a top list of
 * SS_RL_TOP) and publishes a copy of it under a sequence counter after
 * each burst that changed it; other threads read that copy, never the
 * table (see ss_rl_top_read()).
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ss_conf.h"

#define SS_RL_WAYS	4	/* sources of one set: two cache lines */
#define SS_RL_TOP	32	/* heavy sources each worker publishes */

/* A source as the limits see it. */
struct ss_rl_source {
	uint64_t bits;		/* IPv4: the address; IPv6: the /64 prefix (both big-endian) */
	uint8_t family;		/* 4 or 6 */
};

/* The source of a packet from its address (network order, lib/net's layout). */
static inline void
ss_rl_source_of(const uint8_t addr[16], uint8_t family, struct ss_rl_source *s)
{
	uint64_t b = 0;
	unsigned int n = family == 4 ? 4 : 8;

	for (unsigned int i = 0; i < n; i++)
		b = b << 8 | addr[i];
	s->bits = b;
	s->family = family;
}

/* What one worker's instance enforces. */
struct ss_rl_params {
	uint64_t hz;				/* clock ticks per second (rte_get_tsc_hz()) */
	struct ss_conf_limit requests;		/* per source; rate 0: no limit */
	struct ss_conf_limit replies;		/* per source */
	struct ss_conf_limit node;		/* this worker's share of the node limit */
	uint32_t entries;			/* sources tracked: a power of two >= SS_RL_WAYS */
	uint64_t seed;				/* hash key; 0: random */
};

/*
 * Fill p for one of n_workers workers that poll the outside port: the
 * per-source limits as configured, the node limit divided among them
 * (rate / n and burst / n, at least 1 each). Returns 0 or -EINVAL
 * (n_workers 0, hz 0). Control thread.
 */
int ss_rl_params_init(struct ss_rl_params *p, const struct ss_conf *conf, uint64_t hz,
		unsigned int n_workers);

struct ss_rl;

/*
 * A table for p on NUMA socket `socket` (SOCKET_ID_ANY), zeroed, from EAL
 * memory. NULL with rte_errno set (EINVAL, ENOMEM). Control thread.
 */
struct ss_rl *ss_rl_create(const struct ss_rl_params *p, int socket);
void ss_rl_free(struct ss_rl *rl);

/* Forget every source and the top list (tests, fuzzing). Owner only. */
void ss_rl_reset(struct ss_rl *rl);

/*
 * Start loading the set of s, before the work that precedes the
 * ss_rl_request() or ss_rl_reply() for it. Owner (worker) only.
 */
void ss_rl_prefetch(const struct ss_rl *rl, const struct ss_rl_source *s);

/* Is the per-source request limit on? */
bool ss_rl_requests_limited(const struct ss_rl *rl);

/*
 * A request from s at time now is about to be passed to the registrars:
 * true when it is within the source's request limit (and counted against
 * it), false when it must be dropped (counted as the source's drop).
 * Always true when the request limit is off. Owner (worker) only.
 */
bool ss_rl_request(struct ss_rl *rl, const struct ss_rl_source *s, uint64_t now);

enum ss_rl_verdict {
	SS_RL_OK = 0,		/* within both limits: both buckets charged */
	SS_RL_OVER_SOURCE,	/* the source is over its reply limit */
	SS_RL_OVER_NODE,	/* this worker's share of the node limit is spent */
};

/*
 * A reply to s is about to be sent at time now. Charges the source's and
 * the node's reply buckets only when both have room; otherwise charges
 * neither and counts the drop against s. Owner (worker) only.
 */
enum ss_rl_verdict ss_rl_reply(struct ss_rl *rl, const struct ss_rl_source *s, uint64_t now);

/* Publish the top list if it changed since the last call. Owner, once per burst. */
void ss_rl_publish(struct ss_rl *rl);

/* A heavy source and what was dropped from it while it was tracked. */
struct ss_rl_top {
	struct ss_rl_source src;
	uint64_t drops_request;
	uint64_t drops_reply;
};

/*
 * Copy the last published top list of rl into out[0..cap), heaviest
 * first. Any thread, lock-free: the copy is taken under the worker's
 * sequence counter and retried while the worker publishes (a few times at
 * most, a publication takes well under a microsecond). Returns the number
 * of entries, or -EAGAIN when no consistent copy could be had.
 */
int ss_rl_top_read(const struct ss_rl *rl, struct ss_rl_top *out, unsigned int cap);

/* Table statistics, read by any thread (relaxed loads: may lag a burst). */
struct ss_rl_stats {
	uint32_t entries;	/* sources the table holds at most */
	uint64_t inserted;	/* sources added */
	uint64_t evicted;	/* sources pushed out by new ones */
	uint64_t evicted_limited;	/* of those, ones whose buckets were not full */
};

void ss_rl_stats(const struct ss_rl *rl, struct ss_rl_stats *st);
