/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * One measurement: every worker runs the data plane's loop round
 * (app/sipshield/workers.c: for each port an RX burst, ss_filter_burst(),
 * rte_eth_tx_buffer() to the arrival port for answers and to the peer for
 * the rest, a flush when the drain time has passed or the round was
 * empty, an RCU quiescent state) on its own lcore and queue pair.
 *
 * What is timed: each round, from before the first rte_eth_rx_burst() to
 * after the quiescent state, two TSC reads a round (32 frames), their own
 * cost subtracted. What is not: between rounds the feeder frees what the
 * TX rings got and tops the RX ring up to --backlog fresh frames (copying
 * them from the prepared frames, since answering rewrote the last ones in
 * place); its cost is reported apart (feeder cyc/pkt).
 *
 * A warm-up (a fifth of the run, at most 0.3 s) comes first and is not
 * counted. Then --duration seconds or --packets frames per worker,
 * whichever ends first, in BENCH_SLICES slices: the figures are taken over
 * the quiet ones (bench.h). Afterwards every frame's verdict counter is
 * checked against its class: a run where one frame got another verdict
 * is void, and the bench fails.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include "ss_stats.h"
#include "bench.h"
#include "stages.h"

#define DRAIN_US	100	/* as app/sipshield/workers.c */
#define WARM_MAX_S	0.3

/* --- Latency histogram ------------------------------------------------------ */

/* 32 buckets per power of two: within 3 % of the value. */
static inline unsigned int
hist_bucket(uint64_t v)
{
	unsigned int e;

	if (v < 32)
		return (unsigned int)v;
	e = 63 - (unsigned int)__builtin_clzll(v);
	return (e - 4) * 32 + (unsigned int)((v >> (e - 5)) - 32);
}

static inline void
hist_add(struct bench_hist *h, uint64_t v, uint64_t n)
{
	h->n[hist_bucket(v)] += n;
}

/* The value of quantile q, the middle of its bucket. */
uint64_t
bench_hist_quantile(const struct bench_hist *h, double q)
{
	uint64_t total = 0, acc = 0, want;

	for (unsigned int i = 0; i < BENCH_HIST_BUCKETS; i++)
		total += h->n[i];
	if (total == 0)
		return 0;
	want = (uint64_t)(q * (double)total);
	if (want >= total)
		want = total - 1;
	for (unsigned int i = 0; i < BENCH_HIST_BUCKETS; i++) {
		unsigned int e, sub;

		acc += h->n[i];
		if (acc <= want)
			continue;
		if (i < 32)
			return i;
		e = i / 32 + 4;
		sub = i % 32;
		return ((uint64_t)(32 + sub) << (e - 5)) + (((uint64_t)1 << (e - 5)) >> 1);
	}
	return 0;
}

/*
 * Frames waiting in a TX buffer leave when it fills or is flushed, all
 * at once: a FIFO of (round start, frames) per port gives each frame the
 * round it arrived in; the rounds' ends give when it left.
 */
static inline void
pend_push(struct bench_worker *w, unsigned int r, uint64_t t0, uint16_t n)
{
	unsigned int cap = RTE_DIM(w->pend[r]);

	if (w->pend_n[r] == cap) {
		/* full: count it with the newest group (a slight overestimate) */
		w->pend[r][(w->pend_head[r] + cap - 1) % cap].n += n;
		return;
	}
	w->pend[r][(w->pend_head[r] + w->pend_n[r]) % cap] = (struct bench_pending){t0, n};
	w->pend_n[r]++;
}

static inline void
pend_pop(struct bench_worker *w, unsigned int r, unsigned int left, uint64_t t1, bool count)
{
	unsigned int cap = RTE_DIM(w->pend[r]);

	while (left > 0 && w->pend_n[r] > 0) {
		struct bench_pending *g = &w->pend[r][w->pend_head[r]];
		unsigned int k = RTE_MIN(left, (unsigned int)g->n);

		if (count)
			hist_add(&w->res.hist, t1 - g->t0, k);
		g->n = (uint16_t)(g->n - k);
		left -= k;
		if (g->n == 0) {
			w->pend_head[r] = (w->pend_head[r] + 1) % cap;
			w->pend_n[r]--;
		}
	}
}

/* --- The round ---------------------------------------------------------------- */

static inline void
tx_frames(struct bench_worker *w, unsigned int role, struct rte_mbuf **m, uint16_t n)
{
	struct bench_txq *t = &w->txq[role];
	uint64_t sent = 0;

	for (uint16_t i = 0; i < n; i++)
		sent += rte_eth_tx_buffer(t->port_id, t->queue_id, t->buf, m[i]);
	w->ctx.ctr[role].c[SS_CTR_TX] += sent;
}

static inline void
tx_flush(struct bench_worker *w)
{
	for (unsigned int r = 0; r < SS_PORTS; r++) {
		struct bench_txq *t = &w->txq[r];

		if (t->buf->length != 0)
			w->ctx.ctr[r].c[SS_CTR_TX] +=
				rte_eth_tx_buffer_flush(t->port_id, t->queue_id, t->buf);
	}
}

/* What one round did, for the bookkeeping after it. */
struct round_out {
	uint16_t got;			/* frames received on the outside port */
	uint16_t added[SS_PORTS];	/* frames put in each port's TX buffer */
};

/*
 * One round of the data plane's loop. `instr` is a constant at each call
 * site, so the headline copy has no stage timers at all.
 */
static __rte_always_inline void
round_body(struct bench_worker *w, uint64_t *last_flush, uint64_t drain, const bool instr,
		struct round_out *ro)
{
	struct rte_mbuf *pkts[SS_BURST];
	struct ss_burst_out out;
	uint32_t got = 0;
	uint64_t now;

	ro->got = 0;
	ro->added[0] = ro->added[1] = 0;
	for (unsigned int role = 0; role < SS_PORTS; role++) {
		unsigned int fwd = 1 - role;
		uint16_t n;

		if (instr)
			bench_stage_enter();
		n = rte_eth_rx_burst(w->txq[role].port_id, w->txq[role].queue_id, pkts, SS_BURST);
		if (instr)
			bench_stage_leave(ST_RX);
		if (n == 0)
			continue;
		if (instr)
			bench_stage_enter();
		ss_filter_burst(&w->ctx, role, pkts, n, &out);
		if (instr) {
			bench_stage_leave(ST_BURST);
			bench_stage_enter();
		}
		if (out.n_back != 0)
			tx_frames(w, role, out.back, out.n_back);
		if (out.n_fwd != 0)
			tx_frames(w, fwd, out.fwd, out.n_fwd);
		if (instr)
			bench_stage_leave(ST_TX);
		ro->added[role] += out.n_back;
		ro->added[fwd] += out.n_fwd;
		got += n;
		if (role == SS_PORT_OUTSIDE)
			ro->got = n;
	}
	now = rte_rdtsc();
	if (got == 0 || now - *last_flush >= drain) {
		if (instr)
			bench_stage_enter();
		tx_flush(w);
		if (instr)
			bench_stage_leave(ST_TX);
		*last_flush = now;
	}
	rte_rcu_qsbr_quiescent(w->qs, w->index);
}

/* Wait until every worker of the run has its RX ring full, then go together. */
static void
start_line(struct bench *b, struct bench_worker *w)
{
	__atomic_fetch_add(&b->ready, 1, __ATOMIC_ACQ_REL);
	if (w->index == 0) {
		while (__atomic_load_n(&b->ready, __ATOMIC_ACQUIRE) < b->run_workers)
			rte_pause();
		__atomic_store_n(&b->go, 1, __ATOMIC_RELEASE);
	}
	while (__atomic_load_n(&b->go, __ATOMIC_ACQUIRE) == 0)
		rte_pause();
}

static __rte_always_inline int
worker_loop(struct bench_worker *w, const bool instr)
{
	struct bench *b = w->bench;
	struct bench_wres *res = &w->res;
	const uint64_t hz = rte_get_tsc_hz();
	const uint64_t drain = (hz + US_PER_S - 1) / US_PER_S * DRAIN_US;
	const unsigned int backlog = b->o.backlog;
	struct rte_ring *rx = w->rx_ring[SS_PORT_OUTSIDE];
	uint64_t warm, end, t0, t1, last_flush, prev, slice_len, slice_end = 0;
	unsigned int sl = 0;
	bool counting = false;
	struct round_out ro;

	while (rte_ring_count(rx) < backlog)
		if (bench_feed(b, w, backlog - rte_ring_count(rx)) == 0)
			break;
	start_line(b, w);
	rte_rcu_qsbr_thread_online(w->qs, w->index);

	t1 = rte_rdtsc();
	warm = t1 + (uint64_t)(RTE_MIN(b->o.duration / 5, WARM_MAX_S) * (double)hz);
	end = warm + (uint64_t)(b->o.duration * (double)hz);
	slice_len = (end - warm) / BENCH_SLICES;
	last_flush = t1;
	prev = t1;
	for (;;) {
		uint16_t len_before[SS_PORTS];
		unsigned int c;

		/* the wire: take what was sent, bring what arrives */
		bench_rings_drain(w);
		c = rte_ring_count(rx);
		if (c < backlog)
			bench_feed(b, w, backlog - c);
		len_before[0] = w->txq[0].buf->length;
		len_before[1] = w->txq[1].buf->length;

		t0 = rte_rdtsc();
		if (instr)
			bench_stage_enter();
		round_body(w, &last_flush, drain, instr, &ro);
		if (instr)
			bench_stage_leave(ST_LOOP);
		t1 = rte_rdtsc();

		if (!instr) {
			for (unsigned int r = 0; r < SS_PORTS; r++) {
				unsigned int left = len_before[r] + ro.added[r] -
					w->txq[r].buf->length;

				if (ro.added[r] != 0)
					pend_push(w, r, t0, ro.added[r]);
				pend_pop(w, r, left, t1, counting);
			}
			if (counting && ro.got > ro.added[0] + ro.added[1])
				hist_add(&res->hist, t1 - t0, ro.got - ro.added[0] - ro.added[1]);
		}
		if (counting) {
			uint64_t cyc = t1 - t0 - b->tsc_pair;
			bool stop = t1 >= end ||
				(b->o.packets != 0 && res->pkts + ro.got >= b->o.packets);

			res->cycles += cyc;
			res->harness += t0 - prev;
			res->pkts += ro.got;
			res->rounds++;
			res->sl_cycles[sl] += cyc;
			res->sl_pkts[sl] += ro.got;
			if (unlikely(stop || (t1 >= slice_end && sl + 1 < BENCH_SLICES))) {
				if (instr)
					bench_stages_collect(&res->snap[sl]);
				sl++;
				slice_end += slice_len;
				if (stop)
					break;
			}
		} else if (t1 >= warm) {
			counting = true;
			res->t_begin = t1;
			slice_end = t1 + slice_len;
			if (instr)
				bench_stages_reset();
		}
		prev = t1;
	}
	res->t_end = t1;
	res->n_slices = sl;
	rte_rcu_qsbr_thread_offline(w->qs, w->index);
	/* what is still buffered goes out, so tx counts add up; untimed */
	tx_flush(w);
	bench_rings_drain(w);
	return 0;
}

static int
worker_main(void *arg)
{
	struct bench_worker *w = arg;

	if (w->bench->run_stages)
		return worker_loop(w, true);
	return worker_loop(w, false);
}

/* --- A run -------------------------------------------------------------------- */

/* Every frame in exactly its class's counter, nothing anywhere else. */
static int
verify(struct bench *b, const char *name, unsigned int nw, char *err, size_t errlen)
{
	uint64_t want[SS_CTR_COUNT] = {0}, got[SS_CTR_COUNT] = {0};
	uint64_t fed = 0;

	for (unsigned int i = 0; i < nw; i++) {
		const struct bench_worker *w = b->worker[i];

		for (unsigned int c = 0; c < BC_COUNT; c++) {
			enum ss_ctr e = bench_class_expect(c);

			/* monitor: what enforce answers or drops passes, as passed_monitor */
			if (b->o.monitor && (e == SS_CTR_SENT_423 || e == SS_CTR_SENT_302 ||
					(e >= SS_CTR_DROP_FIRST && e <= SS_CTR_DROP_LAST)))
				e = SS_CTR_PASSED_MONITOR;
			want[e] += w->res.fed[c];
			fed += w->res.fed[c];
		}
		for (unsigned int k = 0; k < SS_CTR_COUNT; k++)
			got[k] += w->ctx.ctr[SS_PORT_OUTSIDE].c[k];
		if (w->res.alloc_failed != 0) {
			snprintf(err, errlen, "%s: the mbuf pool ran dry %" PRIu64 " times "
					"(a bench bug: the pool is sized for --backlog)", name,
					w->res.alloc_failed);
			return -ENOMEM;
		}
		for (unsigned int r = 0; r < SS_PORTS; r++)
			if (w->ctx.ctr[r].c[SS_CTR_TX_FAILED] != 0) {
				snprintf(err, errlen, "%s: %" PRIu64 " frames refused by TX", name,
						w->ctx.ctr[r].c[SS_CTR_TX_FAILED]);
				return -EIO;
			}
	}
	if (got[SS_CTR_RX] != fed) {
		snprintf(err, errlen, "%s: %" PRIu64 " frames received, %" PRIu64 " fed", name,
				got[SS_CTR_RX], fed);
		return -EIO;
	}
	for (unsigned int k = SS_CTR_SENT_423; k <= SS_CTR_PASS_LAST; k++) {
		if (k == SS_CTR_PASSED_FROM_INSIDE || want[k] == got[k])
			continue;
		snprintf(err, errlen, "%s: counter %s is %" PRIu64 ", expected %" PRIu64
				": a frame got the wrong verdict, the figures are void", name,
				ss_ctr_name((enum ss_ctr)k), got[k], want[k]);
		return -EPROTO;
	}
	return 0;
}

static int
launch(struct bench *b, unsigned int nw, bool instr, char *err, size_t errlen)
{
	int ret;

	b->run_workers = nw;
	b->run_stages = instr;
	bench_stages_enable(instr);
	b->ready = 0;
	b->go = 0;
	for (unsigned int i = 0; i < nw; i++) {
		struct bench_worker *w = b->worker[i];

		memset(&w->res, 0, sizeof(w->res));
		memset(w->ctx.ctr, 0, sizeof(w->ctx.ctr));
		memset(w->pend_n, 0, sizeof(w->pend_n));
		w->sched = b->run_sched;
		w->sched_pos = (uint32_t)(i * (BENCH_SCHED_LEN / 7));
	}
	for (unsigned int i = 1; i < nw; i++) {
		ret = rte_eal_remote_launch(worker_main, b->worker[i], b->worker[i]->lcore_id);
		if (ret != 0) {
			snprintf(err, errlen, "cannot launch worker %u on lcore %u: %s", i,
					b->worker[i]->lcore_id, strerror(-ret));
			/* the launched ones wait for go: let them run, then fail */
			__atomic_store_n(&b->go, 1, __ATOMIC_RELEASE);
			rte_eal_mp_wait_lcore();
			return ret;
		}
	}
	worker_main(b->worker[0]);
	rte_eal_mp_wait_lcore();
	bench_stages_enable(false);
	for (unsigned int i = 0; i < nw; i++) {
		bench_rx_leftover(b->worker[i]);
		bench_rings_drain(b->worker[i]);
	}
	return 0;
}

static struct bench_result *
new_result(struct bench *b)
{
	if (b->n_res == b->cap_res) {
		unsigned int cap = b->cap_res == 0 ? 32 : b->cap_res * 2;
		struct bench_result *r = realloc(b->res, cap * sizeof(*r));

		if (r == NULL)
			return NULL;
		b->res = r;
		b->cap_res = cap;
	}
	memset(&b->res[b->n_res], 0, sizeof(b->res[0]));
	return &b->res[b->n_res++];
}

/* The slices every worker of the run measured, and which of them are quiet. */
struct slices {
	unsigned int n;
	bool quiet[BENCH_SLICES];
	unsigned int n_quiet;
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
pick_slices(const struct bench *b, unsigned int nw, struct slices *sl)
{
	double cpp[BENCH_SLICES], sorted[BENCH_SLICES], med;

	sl->n = BENCH_SLICES;
	for (unsigned int i = 0; i < nw; i++)
		sl->n = RTE_MIN(sl->n, b->worker[i]->res.n_slices);
	sl->n_quiet = 0;
	for (unsigned int k = 0; k < sl->n; k++) {
		uint64_t c = 0, p = 0;

		for (unsigned int i = 0; i < nw; i++) {
			c += b->worker[i]->res.sl_cycles[k];
			p += b->worker[i]->res.sl_pkts[k];
		}
		cpp[k] = p != 0 ? (double)c / (double)p : 1e300;
		sorted[k] = cpp[k];
	}
	if (sl->n == 0)
		return;
	qsort(sorted, sl->n, sizeof(sorted[0]), cmp_double);
	med = sorted[(sl->n - 1) / 2];
	for (unsigned int k = 0; k < sl->n; k++) {
		sl->quiet[k] = cpp[k] <= med * BENCH_QUIET;
		sl->n_quiet += sl->quiet[k];
	}
}

/* Cycles and frames of worker i over the quiet slices. */
static void
quiet_sum(const struct bench_wres *x, const struct slices *sl, uint64_t *cycles, uint64_t *pkts)
{
	*cycles = 0;
	*pkts = 0;
	for (unsigned int k = 0; k < sl->n; k++)
		if (sl->quiet[k]) {
			*cycles += x->sl_cycles[k];
			*pkts += x->sl_pkts[k];
		}
}

static void
sum_headline(struct bench *b, struct bench_result *r, unsigned int nw)
{
	struct bench_hist *h = calloc(1, sizeof(*h));
	uint64_t pkts = 0, cycles = 0, all_pkts = 0, all_cycles = 0, harness = 0, fed = 0;
	uint64_t ctr[SS_CTR_COUNT] = {0};
	struct slices sl;
	double bytes = 0;

	pick_slices(b, nw, &sl);
	r->slices = sl.n;
	r->quiet = sl.n_quiet;
	r->mpps_total = 0;
	r->wall_mpps = 0;
	for (unsigned int i = 0; i < nw; i++) {
		const struct bench_worker *w = b->worker[i];
		const struct bench_wres *x = &w->res;
		double secs = (double)(x->t_end - x->t_begin) / b->hz;
		uint64_t c, p;

		quiet_sum(x, &sl, &c, &p);
		pkts += p;
		cycles += c;
		if (c != 0)
			r->mpps_total += (double)p * b->hz / (double)c / 1e6;
		all_pkts += x->pkts;
		all_cycles += x->cycles;
		harness += x->harness;
		if (secs > 0)
			r->wall_mpps += (double)x->pkts / secs / 1e6;
		for (unsigned int c2 = 0; c2 < BC_COUNT; c2++) {
			fed += x->fed[c2];
			bytes += (double)x->fed[c2] * b->traffic.avg_len[c2];
		}
		for (unsigned int k = 0; k < SS_CTR_COUNT; k++)
			ctr[k] += w->ctx.ctr[SS_PORT_OUTSIDE].c[k];
		if (h != NULL)
			for (unsigned int k = 0; k < BENCH_HIST_BUCKETS; k++)
				h->n[k] += x->hist.n[k];
	}
	r->pkts = all_pkts;
	r->avg_len = fed != 0 ? bytes / (double)fed : 0;
	r->cyc_pkt = pkts != 0 ? (double)cycles / (double)pkts : 0;
	r->cyc_pkt_all = all_pkts != 0 ? (double)all_cycles / (double)all_pkts : 0;
	r->mpps_worker = r->cyc_pkt > 0 ? b->hz / r->cyc_pkt / 1e6 : 0;
	r->harness_pkt = all_pkts != 0 ? (double)harness / (double)all_pkts : 0;
	if (ctr[SS_CTR_RX] != 0) {
		r->answered = (double)ctr[SS_CTR_ANSWERED] / (double)ctr[SS_CTR_RX];
		r->passed = (double)ctr[SS_CTR_PASSED] / (double)ctr[SS_CTR_RX];
		r->dropped = (double)ctr[SS_CTR_DROPPED] / (double)ctr[SS_CTR_RX];
	}
	if (h != NULL) {
		r->lat_p50_ns = (double)bench_hist_quantile(h, 0.50) / b->hz * 1e9;
		r->lat_p99_ns = (double)bench_hist_quantile(h, 0.99) / b->hz * 1e9;
		free(h);
	}
}

/*
 * The stages' own cycles over the quiet slices, less their timers. The
 * timers' cost per stage call is what the instrumented pass took over
 * the headline pass, per call; it is split between the stage's own
 * interval and its caller's in the proportion the calibration loop
 * measured. The stages then add up to the headline cycles per frame.
 */
static void
sum_stages(struct bench *b, struct bench_result *r, unsigned int nw)
{
	double st[ST_COUNT] = {0}, calls[ST_COUNT] = {0}, kids[ST_COUNT] = {0};
	uint64_t pkts = 0, cycles = 0;
	double n_calls = 0, o, o_self, o_child, cal;
	struct slices sl;

	pick_slices(b, nw, &sl);
	for (unsigned int i = 0; i < nw; i++) {
		const struct bench_wres *x = &b->worker[i]->res;
		uint64_t c, p;

		quiet_sum(x, &sl, &c, &p);
		cycles += c;
		pkts += p;
		for (unsigned int k = 0; k < sl.n; k++) {
			static const struct bench_snap zero;
			const struct bench_snap *cur = &x->snap[k];
			const struct bench_snap *was = k > 0 ? &x->snap[k - 1] : &zero;

			if (!sl.quiet[k])
				continue;
			/* the snapshots are cumulative: a slice is the difference */
			for (unsigned int s = 0; s < ST_COUNT; s++) {
				st[s] += (double)(cur->stage[s] - was->stage[s]);
				calls[s] += (double)(cur->calls[s] - was->calls[s]);
				kids[s] += (double)(cur->kids[s] - was->kids[s]);
			}
		}
	}
	for (unsigned int s = 0; s < ST_COUNT; s++)
		n_calls += calls[s];
	if (pkts == 0 || n_calls == 0)
		return;
	r->instrumented = true;
	r->instr_cyc_pkt = (double)cycles / (double)pkts;
	o = (r->instr_cyc_pkt - r->cyc_pkt) * (double)pkts / n_calls;
	if (o < 0)
		o = 0;	/* noise: the instrumented pass came out faster */
	cal = (double)(bench_stage_c_self + bench_stage_c_child);
	/*
	 * Timers cost about what the calibration loop measured. Far more
	 * means the instrumented pass was slowed by something else (another
	 * program on the machine), and the shares would be wrong.
	 */
	r->stages_disturbed = cal > 0 && (o > 2 * cal || o < cal / 3);
	o_self = cal > 0 ? o * (double)bench_stage_c_self / cal : o / 2;
	o_child = o - o_self;
	r->timer_call = o;
	for (unsigned int s = 0; s < ST_COUNT; s++) {
		r->stage_pkt[s] = (st[s] - calls[s] * o_self - kids[s] * o_child) / (double)pkts;
		r->stage_calls[s] = calls[s] / (double)pkts;
	}
}

int
bench_run(struct bench *b, const char *name, const uint8_t *sched, unsigned int nw,
		char *err, size_t errlen)
{
	struct bench_result *r = new_result(b), best, x;
	int ret;

	if (r == NULL) {
		snprintf(err, errlen, "out of memory for results");
		return -ENOMEM;
	}
	memset(&best, 0, sizeof(best));
	snprintf(best.name, sizeof(best.name), "%s", name);
	best.workers = nw;
	best.moved_entries = b->moved_entries;
	b->run_sched = sched;

	/*
	 * Best of --repeat: on a shared machine another program on the
	 * core's sibling slows a whole run down, which the quiet slices
	 * cannot see.
	 */
	for (unsigned int rep = 0; rep < b->o.repeat; rep++) {
		x = best;
		ret = launch(b, nw, false, err, errlen);
		if (ret == 0)
			ret = verify(b, name, nw, err, errlen);
		if (ret != 0)
			return ret;
		sum_headline(b, &x, nw);
		if (x.pkts == 0) {
			snprintf(err, errlen, "%s: no frame was received", name);
			return -EIO;
		}
		if (rep == 0 || x.cyc_pkt < best.cyc_pkt)
			best = x;
	}
	for (unsigned int rep = 0; b->o.stages && rep < b->o.repeat; rep++) {
		x = best;
		ret = launch(b, nw, true, err, errlen);
		if (ret == 0)
			ret = verify(b, name, nw, err, errlen);
		if (ret != 0)
			return ret;
		sum_stages(b, &x, nw);
		if (rep == 0 || x.instr_cyc_pkt < best.instr_cyc_pkt)
			best = x;
	}
	*r = best;
	return 0;
}
