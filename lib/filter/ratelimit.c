/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Rate limits: a set-associative table of sources with GCRA buckets, and
 * the published top list (see ss_ratelimit.h for the design).
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include <rte_random.h>

#include "ss_ratelimit.h"

/* A bucket in clock ticks: one packet per interval, tau of slack (burst - 1 packets). */
struct bucket {
	uint64_t interval;	/* 0: no limit */
	uint64_t tau;
};

/*
 * A set: SS_RL_WAYS sources in two cache lines, laid out by field so that
 * a request check reads the first line only (keys and request buckets)
 * until it updates the recency in the second. 32 bytes a source.
 */
struct rl_set {
	uint64_t key[SS_RL_WAYS];	/* source bits */
	uint64_t tat_req[SS_RL_WAYS];	/* GCRA theoretical arrival time, requests */
	uint64_t tat_rep[SS_RL_WAYS];	/* the same, replies */
	uint32_t meta[SS_RL_WAYS];	/* coarse time of the last packet << 2 | family code */
	uint16_t drops_req[SS_RL_WAYS];	/* saturating: they only seed the top list */
	uint16_t drops_rep[SS_RL_WAYS];
} __rte_cache_aligned;

_Static_assert(sizeof(struct rl_set) == 2 * RTE_CACHE_LINE_MIN_SIZE, "a set is two lines");

/* meta: family code in the low 2 bits (0: the way is empty), time above. */
#define META_FAMILY(m)	((m) & 3u)
#define META_SEEN(m)	((m) >> 2)
#define SEEN_MASK	0x3fffffffu

static inline uint32_t
family_code(uint8_t family)
{
	return family == 4 ? 1u : 2u;
}

/* The published top list: seq is odd while the worker writes it. */
struct rl_pub {
	uint32_t seq;
	uint32_t n;
	struct ss_rl_top e[SS_RL_TOP];
} __rte_cache_aligned;

struct ss_rl {
	/* Set at creation; read-only after. */
	struct bucket req, rep, node;
	uint64_t seed;
	uint32_t set_mask;
	uint32_t n_sets;
	unsigned int seen_shift;	/* ticks >> seen_shift: about a millisecond */

	/* The worker's own. */
	uint64_t node_tat;
	uint32_t n_top;
	bool top_dirty;
	struct ss_rl_top top[SS_RL_TOP];

	/* Written by the worker, read by any thread with relaxed loads. */
	uint64_t inserted;
	uint64_t evicted;
	uint64_t evicted_limited;

	/* Written by the worker under seq, read by any thread. */
	struct rl_pub pub;

	struct rl_set sets[] __rte_cache_aligned;
};

/* Ticks between two packets at rate per second, rounded; rate 0: no limit. */
static struct bucket
bucket_of(const struct ss_conf_limit *l, uint64_t hz)
{
	struct bucket b = {0, 0};

	if (l->rate == 0)
		return b;
	b.interval = (hz + l->rate / 2) / l->rate;
	if (b.interval == 0)
		b.interval = 1;	/* a rate above the clock: as fast as it ticks */
	b.tau = (uint64_t)(l->burst > 0 ? l->burst - 1 : 0) * b.interval;
	return b;
}

int
ss_rl_params_init(struct ss_rl_params *p, const struct ss_conf *conf, uint64_t hz,
		unsigned int n_workers)
{
	if (n_workers == 0 || hz == 0)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->hz = hz;
	p->requests = conf->requests_per_source;
	p->replies = conf->replies_per_source;
	/* each worker's share; the shares add up to at most the node limit */
	p->node.rate = conf->replies_node.rate / n_workers;
	p->node.burst = conf->replies_node.burst / n_workers;
	if (conf->replies_node.rate != 0 && p->node.rate == 0)
		p->node.rate = 1;
	if (p->node.burst == 0)
		p->node.burst = 1;
	p->entries = conf->sources_table;
	return 0;
}

struct ss_rl *
ss_rl_create(const struct ss_rl_params *p, int socket)
{
	uint32_t n_sets = p->entries / SS_RL_WAYS;
	struct ss_rl *rl;
	uint64_t ms;

	if (n_sets == 0 || (n_sets & (n_sets - 1)) != 0 || p->hz == 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	rl = rte_zmalloc_socket("ss_rl", sizeof(*rl) + (size_t)n_sets * sizeof(struct rl_set),
			RTE_CACHE_LINE_SIZE, socket);
	if (rl == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	rl->req = bucket_of(&p->requests, p->hz);
	rl->rep = bucket_of(&p->replies, p->hz);
	rl->node = bucket_of(&p->node, p->hz);
	rl->seed = p->seed != 0 ? p->seed : rte_rand();
	rl->n_sets = n_sets;
	rl->set_mask = n_sets - 1;
	/* the largest shift that keeps a unit under a millisecond */
	ms = p->hz / 1000;
	while (ms > 1) {
		ms >>= 1;
		rl->seen_shift++;
	}
	return rl;
}

void
ss_rl_free(struct ss_rl *rl)
{
	rte_free(rl);
}

void
ss_rl_reset(struct ss_rl *rl)
{
	memset(rl->sets, 0, (size_t)rl->n_sets * sizeof(rl->sets[0]));
	rl->node_tat = 0;
	rl->n_top = 0;
	rl->top_dirty = true;
}

bool
ss_rl_requests_limited(const struct ss_rl *rl)
{
	return rl->req.interval != 0;
}

/*
 * The set of a source. A keyed mix (the seed is random per table) of the
 * address bits, the family folded in so that an IPv4 address and an IPv6
 * prefix with the same bits land apart; the multiply-xorshift rounds are
 * those of SplitMix64's finaliser.
 */
static inline uint32_t
set_of(const struct ss_rl *rl, const struct ss_rl_source *s)
{
	uint64_t x = (s->bits ^ rl->seed) + ((uint64_t)s->family << 56);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (uint32_t)x & rl->set_mask;
}

void
ss_rl_prefetch(const struct ss_rl *rl, const struct ss_rl_source *s)
{
	const struct rl_set *set = &rl->sets[set_of(rl, s)];

	rte_prefetch0(set);
	rte_prefetch0((const char *)set + RTE_CACHE_LINE_MIN_SIZE);
}

/* GCRA: may a packet go at now? If so *tat is where the bucket moves to. */
static inline bool
conforms(const struct bucket *b, uint64_t tat, uint64_t now, uint64_t *next)
{
	uint64_t t = tat > now ? tat : now;

	if (t - now > b->tau)
		return false;
	*next = t + b->interval;
	return true;
}

/* Does way i still hold state: a bucket that has not refilled yet? */
static inline bool
limited(const struct rl_set *set, unsigned int i, uint64_t now)
{
	return set->tat_req[i] > now || set->tat_rep[i] > now;
}

/*
 * The way to reuse in a full set (see ss_ratelimit.h): the one whose
 * buckets refill soonest, which loses the least state (none at all when
 * they are full again), and of those the least recently seen. A source
 * over its limit has its buckets a whole burst ahead of now and stays; a
 * one-off source of a spoofed flood is one interval ahead at most.
 */
static unsigned int
victim(const struct rl_set *set, uint64_t now, uint32_t seen)
{
	uint64_t best_state = UINT64_MAX;
	uint32_t best_age = 0;
	unsigned int v = 0;

	for (unsigned int i = 0; i < SS_RL_WAYS; i++) {
		uint64_t tat = RTE_MAX(set->tat_req[i], set->tat_rep[i]);
		uint64_t state = tat > now ? tat - now : 0;
		/* the age survives the wrap-around of the coarse clock */
		uint32_t age = (seen - META_SEEN(set->meta[i])) & SEEN_MASK;

		if (META_FAMILY(set->meta[i]) == 0)
			return i;
		if (state < best_state || (state == best_state && age >= best_age)) {
			best_state = state;
			best_age = age;
			v = i;
		}
	}
	return v;
}

/* The way of s in *setp, made when absent. Never fails: a full set gives up a way. */
static inline unsigned int
lookup(struct ss_rl *rl, const struct ss_rl_source *s, uint64_t now, struct rl_set **setp)
{
	struct rl_set *set = &rl->sets[set_of(rl, s)];
	uint32_t seen = (uint32_t)(now >> rl->seen_shift) & SEEN_MASK;
	uint32_t fam = family_code(s->family);
	unsigned int i;

	*setp = set;
	for (i = 0; i < SS_RL_WAYS; i++) {
		if (set->key[i] == s->bits && META_FAMILY(set->meta[i]) == fam) {
			set->meta[i] = seen << 2 | fam;
			return i;
		}
	}
	i = victim(set, now, seen);
	if (META_FAMILY(set->meta[i]) != 0) {
		rl->evicted++;
		if (limited(set, i, now))
			rl->evicted_limited++;
	}
	rl->inserted++;
	set->key[i] = s->bits;
	set->tat_req[i] = 0;
	set->tat_rep[i] = 0;
	set->drops_req[i] = 0;
	set->drops_rep[i] = 0;
	set->meta[i] = seen << 2 | fam;
	return i;
}

static inline void
sat_inc(uint16_t *v)
{
	if (*v != UINT16_MAX)
		(*v)++;
}

/*
 * Keep the top list: the sources with the most drops while tracked. A
 * source already listed counts on; a new one enters with its entry's
 * counts when the list has room or it beats the lightest listed source.
 */
static void
top_note(struct ss_rl *rl, const struct ss_rl_source *s, const struct rl_set *set,
		unsigned int way, bool reply)
{
	struct ss_rl_top *t;
	unsigned int i, min = 0;
	uint64_t min_total = UINT64_MAX;

	for (i = 0; i < rl->n_top; i++) {
		t = &rl->top[i];
		if (t->src.bits == s->bits && t->src.family == s->family) {
			if (reply)
				t->drops_reply++;
			else
				t->drops_request++;
			rl->top_dirty = true;
			return;
		}
		if (t->drops_request + t->drops_reply < min_total) {
			min_total = t->drops_request + t->drops_reply;
			min = i;
		}
	}
	if (rl->n_top < SS_RL_TOP)
		min = rl->n_top++;
	else if ((uint64_t)set->drops_req[way] + set->drops_rep[way] <= min_total)
		return;
	t = &rl->top[min];
	t->src = *s;
	t->drops_request = set->drops_req[way];
	t->drops_reply = set->drops_rep[way];
	rl->top_dirty = true;
}

bool
ss_rl_request(struct ss_rl *rl, const struct ss_rl_source *s, uint64_t now)
{
	struct rl_set *set;
	unsigned int i;
	uint64_t next;

	if (rl->req.interval == 0)
		return true;
	i = lookup(rl, s, now, &set);
	if (conforms(&rl->req, set->tat_req[i], now, &next)) {
		set->tat_req[i] = next;
		return true;
	}
	sat_inc(&set->drops_req[i]);
	top_note(rl, s, set, i, false);
	return false;
}

enum ss_rl_verdict
ss_rl_reply(struct ss_rl *rl, const struct ss_rl_source *s, uint64_t now)
{
	struct rl_set *set;
	unsigned int i = lookup(rl, s, now, &set);
	uint64_t src_next, node_next;
	enum ss_rl_verdict v;

	if (!conforms(&rl->rep, set->tat_rep[i], now, &src_next))
		v = SS_RL_OVER_SOURCE;
	else if (rl->node.interval != 0 && !conforms(&rl->node, rl->node_tat, now, &node_next))
		v = SS_RL_OVER_NODE;
	else
		v = SS_RL_OK;
	if (v == SS_RL_OK) {
		set->tat_rep[i] = src_next;
		if (rl->node.interval != 0)
			rl->node_tat = node_next;
		return v;
	}
	sat_inc(&set->drops_rep[i]);
	top_note(rl, s, set, i, true);
	return v;
}

/*
 * A sequence counter (the protocol of DPDK's rte_seqcount, which 22.11
 * still marks experimental): odd while the worker writes, and the writes
 * between the two increments are ordered by release fences.
 */
void
ss_rl_publish(struct ss_rl *rl)
{
	uint32_t seq;

	if (!rl->top_dirty)
		return;
	seq = rl->pub.seq;
	__atomic_store_n(&rl->pub.seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	rl->pub.n = rl->n_top;
	memcpy(rl->pub.e, rl->top, rl->n_top * sizeof(rl->top[0]));
	__atomic_store_n(&rl->pub.seq, seq + 2, __ATOMIC_RELEASE);
	rl->top_dirty = false;
}

/* Heaviest first; insertion sort over at most SS_RL_TOP entries. */
static void
top_sort(struct ss_rl_top *t, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		struct ss_rl_top x = t[i];
		uint64_t w = x.drops_request + x.drops_reply;
		unsigned int j = i;

		while (j > 0 && t[j - 1].drops_request + t[j - 1].drops_reply < w) {
			t[j] = t[j - 1];
			j--;
		}
		t[j] = x;
	}
}

#define READ_TRIES 16

int
ss_rl_top_read(const struct ss_rl *rl, struct ss_rl_top *out, unsigned int cap)
{
	struct ss_rl_top copy[SS_RL_TOP];
	uint32_t s1, s2, n;

	for (int i = 0; i < READ_TRIES; i++) {
		s1 = __atomic_load_n(&rl->pub.seq, __ATOMIC_ACQUIRE);
		if (s1 & 1) {
			rte_pause();
			continue;
		}
		n = rl->pub.n;
		if (n > SS_RL_TOP)
			n = SS_RL_TOP;	/* a torn count: the check below retries */
		memcpy(copy, rl->pub.e, n * sizeof(copy[0]));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&rl->pub.seq, __ATOMIC_RELAXED);
		if (s1 != s2)
			continue;
		top_sort(copy, n);
		if (n > cap)
			n = cap;
		memcpy(out, copy, n * sizeof(copy[0]));
		return (int)n;
	}
	return -EAGAIN;
}

void
ss_rl_stats(const struct ss_rl *rl, struct ss_rl_stats *st)
{
	st->entries = rl->n_sets * SS_RL_WAYS;
	st->inserted = __atomic_load_n(&rl->inserted, __ATOMIC_RELAXED);
	st->evicted = __atomic_load_n(&rl->evicted, __ATOMIC_RELAXED);
	st->evicted_limited = __atomic_load_n(&rl->evicted_limited, __ATOMIC_RELAXED);
}
