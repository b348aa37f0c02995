/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The per-burst stage: what a worker does with the frames one RX burst
 * gave it (DESIGN §5). The data-plane workers and the benchmark call the
 * same function, so what is measured is what runs.
 *
 * For each frame from the outside port: L2-L4 view (lib/net), and for SIP
 * over UDP the verdict and reply (ss_filter_process()), then answer in
 * place, pass, or drop (free). Frames from the inside port pass without
 * being looked at (DESIGN §1). Every frame lands in exactly one counter
 * group of lib/stats (passed, answered, dropped) and one reason in it.
 */

#pragma once

#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "ss_conf.h"
#include "ss_filter.h"
#include "ss_ratelimit.h"
#include "ss_sip.h"
#include "ss_stats.h"

#define SS_BURST	32	/* RX burst the workers ask for */
#define SS_BURST_MAX	64	/* most frames one ss_filter_burst() call takes */

/* Port roles, the index of per-port arrays below. */
#define SS_PORT_OUTSIDE	0	/* facing the clients: filtered */
#define SS_PORT_INSIDE	1	/* facing the registrars: passed */
#define SS_PORTS	2

/* The largest reply: one to a request of SS_SIP_MAX_LEN bytes. */
#define SS_BURST_REPLY_MAX (SS_SIP_MAX_LEN + SS_FILTER_MAX_GROWTH)

/*
 * One worker's state for the per-burst stage. Allocate it zeroed on the
 * worker's NUMA socket (it holds a 64 KiB reply buffer), fill it with
 * ss_worker_ctx_init() before launch.
 */
struct ss_worker_ctx {
	/* Set by the control thread before launch; read-only after. */
	const struct ss_filter *filter;	/* shared by all workers */
	struct ss_sip_scratch *scratch;	/* this worker's own Hyperscan scratch */
	uint64_t tx_offloads;		/* enabled TX offloads of the outside port */
	uint16_t sip_ports[SS_CONF_MAX_SIP_PORTS];	/* host order */
	uint8_t n_sip_ports;
	/*
	 * This worker's rate limits (DESIGN §2), NULL for none (the
	 * benchmark, tests of other rules): ss_worker_ctx_set_limits().
	 * The worker writes the table; other threads read only its
	 * published top list and statistics.
	 */
	struct ss_rl *rl;
	bool limit_requests;		/* rl limits requests per source */

	/*
	 * Counters by port role (arrival port for rx and the verdicts, the
	 * departure port for tx and tx_failed). Written by this worker only;
	 * other threads read them with ss_counters_add().
	 */
	struct ss_counters ctr[SS_PORTS];

	/* Worker-private scratch, reused for every frame: no allocation per packet. */
	struct ss_sip_msg msg __rte_cache_aligned;
	char reply[SS_BURST_REPLY_MAX] __rte_cache_aligned;
};

/* Where the frames of one burst go. Filled by ss_filter_burst(). */
struct ss_burst_out {
	uint16_t n_back;			/* answered: send on the arrival port */
	uint16_t n_fwd;				/* passed: send on the peer port */
	struct rte_mbuf *back[SS_BURST_MAX];
	struct rte_mbuf *fwd[SS_BURST_MAX];
};

/*
 * Prepare w (counters zeroed) for a worker using filter f, Hyperscan
 * scratch s (the worker's own) and conf's SIP ports. tx_offloads are the
 * offloads enabled on the outside port's TX queues (rte_eth_conf.txmode,
 * masked by dev_info): answers only ever leave by the outside port.
 * Returns 0 or -EINVAL (no SIP port). Control thread, before launch.
 */
int ss_worker_ctx_init(struct ss_worker_ctx *w, const struct ss_filter *f,
		struct ss_sip_scratch *s, const struct ss_conf *conf, uint64_t tx_offloads);

/*
 * Give w the rate limits rl (the worker's own, ss_rl_create()), or NULL
 * for none; after ss_worker_ctx_init(), which clears them. w does not own
 * rl. Control thread, before launch.
 */
void ss_worker_ctx_set_limits(struct ss_worker_ctx *w, struct ss_rl *rl);

/*
 * Run the per-burst stage on pkts[0..n) received on port role `port`
 * (SS_PORT_OUTSIDE or SS_PORT_INSIDE), n <= SS_BURST_MAX. Answered frames
 * (turned around in place) go to out->back, passed frames, byte for byte
 * as they came, to out->fwd, each in arrival order; dropped frames are
 * freed. n == out->n_back + out->n_fwd + dropped, and w's counters for
 * `port` say why for each frame (rx and the verdict counters; the caller
 * counts tx and tx_failed). Nothing is allocated, logged or locked.
 * Worker only (the one owning w).
 */
void ss_filter_burst(struct ss_worker_ctx *w, unsigned int port, struct rte_mbuf **pkts,
		uint16_t n, struct ss_burst_out *out);

/*
 * The same at time now (TSC ticks, the clock of the limits' hz): what
 * ss_filter_burst() does with rte_rdtsc() read once for the burst. Tests
 * and replays inject time here; rate limits are judged by it only.
 */
void ss_filter_burst_at(struct ss_worker_ctx *w, unsigned int port, struct rte_mbuf **pkts,
		uint16_t n, struct ss_burst_out *out, uint64_t now);
