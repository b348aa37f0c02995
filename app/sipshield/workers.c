/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The workers: one per lcore given to EAL (the main lcore only when it is
 * the only one), each with queue `index` of every port it uses, so no
 * queue is shared and nothing is locked.
 *
 * Loop: for each RX queue, a burst → ss_filter_burst() → the TX buffers
 * of the arrival port (answers) and of the peer (passed). The buffers go
 * out when full, when the worker finds nothing to do, and at the latest
 * DRAIN_US after the last flush (one TSC read per round).
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "app.h"

#define DRAIN_US	100	/* longest a buffered frame waits when traffic is steady */
#define IDLE_POLLS	32	/* empty rounds before an idle worker sleeps */

static int
create_rcu(struct app *a, char *err, size_t errlen)
{
	size_t sz = rte_rcu_qsbr_get_memsize(a->n_workers);
	int ret;

	a->qs = rte_zmalloc("ss_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (a->qs == NULL) {
		snprintf(err, errlen, "out of memory for the workers' RCU state (give EAL more: -m)");
		return -ENOMEM;
	}
	ret = rte_rcu_qsbr_init(a->qs, a->n_workers);
	if (ret != 0) {
		snprintf(err, errlen, "cannot set up the workers' RCU state: %s",
				rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

int
app_workers_plan(struct app *a, char *err, size_t errlen)
{
	unsigned int lcore, n = 0;

	if (rte_lcore_count() == 1) {
		a->main_is_worker = true;
		n = 1;
	} else {
		RTE_LCORE_FOREACH_WORKER(lcore)
			n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "no worker lcore: give EAL some with -l");
		return -EINVAL;
	}
	a->n_workers = n;
	/* the moved table's writers need it as soon as the table exists */
	return create_rcu(a, err, errlen);
}

/* A refused frame is freed and counted, never leaked (STYLE: no silent loss). */
static void
tx_refused(struct rte_mbuf **unsent, uint16_t n, void *userdata)
{
	uint64_t *tx_failed = userdata;

	*tx_failed += n;
	rte_pktmbuf_free_bulk(unsent, n);
}

static int
setup_txq(struct app *a, struct app_worker *w, unsigned int role, int socket)
{
	struct app_txq *t = &w->txq[role];
	int ret;

	t->port_id = a->port[role].port_id;
	t->queue_id = (uint16_t)w->index;
	t->buf = rte_zmalloc_socket("ss_tx_buffer", RTE_ETH_TX_BUFFER_SIZE(SS_BURST), 0, socket);
	if (t->buf == NULL)
		return -ENOMEM;
	ret = rte_eth_tx_buffer_init(t->buf, SS_BURST);
	if (ret == 0)
		ret = rte_eth_tx_buffer_set_err_callback(t->buf, tx_refused,
				&w->ctx.ctr[role].c[SS_CTR_TX_FAILED]);
	return ret;
}

/* Queue `index` of each port where it exists; see ports.c for why RX implies TX. */
static int
assign_queues(struct app *a, struct app_worker *w, int socket)
{
	int ret;

	for (unsigned int r = 0; r < a->n_ports; r++) {
		const struct app_port *p = &a->port[r];

		if (w->index < p->n_txq) {
			ret = setup_txq(a, w, r, socket);
			if (ret != 0)
				return ret;
		}
		if (w->index < p->n_rxq)
			w->rxq[w->n_rxq++] = (struct app_rxq){
				.port_id = p->port_id,
				.queue_id = (uint16_t)w->index,
				.role = (uint8_t)r,
				.fwd_role = (uint8_t)(a->n_ports == 1 ? r : 1 - r),
			};
	}
	return 0;
}

/*
 * The worker's rate limits, when it polls the outside port (the only one
 * filtered): the node-wide reply limit is split among those workers.
 */
static int
create_limits(struct app *a, struct app_worker *w, int socket)
{
	struct ss_rl_params p;
	int ret;

	if (w->index >= a->port[SS_PORT_OUTSIDE].n_rxq)
		return 0;
	ret = ss_rl_params_init(&p, &a->conf, rte_get_tsc_hz(), a->n_limited);
	if (ret != 0)
		return ret;
	w->rl = ss_rl_create(&p, socket);
	if (w->rl == NULL)
		return -rte_errno;
	ss_worker_ctx_set_limits(&w->ctx, w->rl);
	return 0;
}

static int
create_worker(struct app *a, unsigned int index, unsigned int lcore, char *err, size_t errlen)
{
	int socket = (int)rte_lcore_to_socket_id(lcore);
	struct app_worker *w;
	int ret;

	if (socket < 0 || socket >= RTE_MAX_NUMA_NODES)
		socket = SOCKET_ID_ANY;
	w = rte_zmalloc_socket("ss_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	a->scratch[index] = ss_sip_scratch_create(a->hs);
	if (w == NULL || a->scratch[index] == NULL) {
		rte_free(w);
		snprintf(err, errlen, "worker %u (lcore %u): out of memory (give EAL more: -m)",
				index, lcore);
		return -ENOMEM;
	}
	a->worker[index] = w;
	w->index = index;
	w->lcore_id = lcore;
	w->idle_sleep_us = a->conf.idle_sleep_us;
	w->qs = a->qs;
	ret = ss_worker_ctx_init(&w->ctx, &a->filter, a->scratch[index], &a->conf,
			a->port[SS_PORT_OUTSIDE].tx_offloads);
	if (ret == 0)
		ret = assign_queues(a, w, socket);
	if (ret == 0)
		ret = create_limits(a, w, socket);
	/* only a polling worker reads shared tables; an idle one never goes online */
	if (ret == 0 && w->n_rxq != 0)
		ret = rte_rcu_qsbr_thread_register(a->qs, index) == 0 ? 0 : -rte_errno;
	if (ret != 0) {
		snprintf(err, errlen, "worker %u (lcore %u): cannot set up: %s", index, lcore,
				rte_strerror(-ret));
		return ret;
	}
	return 0;
}

int
app_workers_create(struct app *a, char *err, size_t errlen)
{
	unsigned int lcore, i = 0;
	int ret;

	a->n_limited = RTE_MIN(a->n_workers, (unsigned int)a->port[SS_PORT_OUTSIDE].n_rxq);
	if (a->n_limited == 0)
		a->n_limited = 1;
	if (a->main_is_worker)
		return create_worker(a, 0, rte_get_main_lcore(), err, errlen);
	RTE_LCORE_FOREACH_WORKER(lcore) {
		ret = create_worker(a, i++, lcore, err, errlen);
		if (ret != 0)
			return ret;
	}
	return 0;
}

void
app_workers_free(struct app *a)
{
	for (unsigned int i = 0; i < a->n_workers; i++) {
		struct app_worker *w = a->worker[i];

		if (w != NULL) {
			for (unsigned int r = 0; r < SS_PORTS; r++)
				rte_free(w->txq[r].buf);
			ss_rl_free(w->rl);
		}
		rte_free(w);
		a->worker[i] = NULL;
		ss_sip_scratch_free(a->scratch[i]);
		a->scratch[i] = NULL;
	}
	rte_free(a->qs);
	a->qs = NULL;
}

/* --- The loop ---------------------------------------------------------- */

static inline void
tx_frames(struct app_worker *w, unsigned int role, struct rte_mbuf **m, uint16_t n)
{
	struct app_txq *t = &w->txq[role];
	uint64_t sent = 0;

	for (uint16_t i = 0; i < n; i++)
		sent += rte_eth_tx_buffer(t->port_id, t->queue_id, t->buf, m[i]);
	w->ctx.ctr[role].c[SS_CTR_TX] += sent;
}

static inline void
tx_flush(struct app_worker *w)
{
	for (unsigned int r = 0; r < SS_PORTS; r++) {
		struct app_txq *t = &w->txq[r];

		if (t->buf != NULL && t->buf->length != 0)
			w->ctx.ctr[r].c[SS_CTR_TX] +=
				rte_eth_tx_buffer_flush(t->port_id, t->queue_id, t->buf);
	}
}

static inline uint16_t
poll_queue(struct app_worker *w, const struct app_rxq *q, struct ss_burst_out *out)
{
	struct rte_mbuf *pkts[SS_BURST];
	uint16_t n;

	n = rte_eth_rx_burst(q->port_id, q->queue_id, pkts, SS_BURST);
	if (n == 0)
		return 0;
	ss_filter_burst(&w->ctx, q->role, pkts, n, out);
	if (out->n_back != 0)
		tx_frames(w, q->role, out->back, out->n_back);
	if (out->n_fwd != 0)
		tx_frames(w, q->fwd_role, out->fwd, out->n_fwd);
	return n;
}

int
app_worker_main(void *arg)
{
	struct app_worker *w = arg;
	struct ss_burst_out out;
	const uint64_t drain = (rte_get_tsc_hz() + US_PER_S - 1) / US_PER_S * DRAIN_US;
	uint64_t last_flush = rte_rdtsc();
	unsigned int empty = 0;

	if (w->n_rxq == 0)
		return 0;	/* no queue on any port: idle (DESIGN §5) */

	rte_rcu_qsbr_thread_online(w->qs, w->index);
	while (likely(!app_quit_requested())) {
		uint32_t got = 0;
		uint64_t now;

		if (unlikely(__atomic_load_n(&w->hold, __ATOMIC_RELAXED) != 0)) {
			/* test hook: a stuck worker, as the watchdog must notice it */
			rte_rcu_qsbr_thread_offline(w->qs, w->index);
			while (__atomic_load_n(&w->hold, __ATOMIC_RELAXED) != 0 &&
					!app_quit_requested())
				rte_delay_us_sleep(1000);
			rte_rcu_qsbr_thread_online(w->qs, w->index);
		}
		__atomic_store_n(&w->loops, w->loops + 1, __ATOMIC_RELAXED);

		for (unsigned int i = 0; i < w->n_rxq; i++)
			got += poll_queue(w, &w->rxq[i], &out);

		/* an idle round flushes at once: nothing would join the burst */
		now = rte_rdtsc();
		if (got == 0 || now - last_flush >= drain) {
			tx_flush(w);
			last_flush = now;
		}
		if (got != 0) {
			empty = 0;
		} else if (w->idle_sleep_us != 0 && ++empty >= IDLE_POLLS) {
			/*
			 * Opt-in back-off for shared cores (DESIGN §5). Offline
			 * while asleep, so no writer waits for a sleeper.
			 */
			rte_rcu_qsbr_thread_offline(w->qs, w->index);
			rte_delay_us_sleep(w->idle_sleep_us);
			rte_rcu_qsbr_thread_online(w->qs, w->index);
		}
		/* nothing read from shared tables is held across rounds */
		rte_rcu_qsbr_quiescent(w->qs, w->index);
	}
	rte_rcu_qsbr_thread_offline(w->qs, w->index);
	tx_flush(w);
	return 0;
}

/* --- Launch ------------------------------------------------------------ */

static void *
monitor_thread(void *arg)
{
	app_monitor(arg);
	return NULL;
}

/*
 * Run the workers until the quit flag is set, then wait for all of them.
 * The main lcore supervises (app_monitor); when it is the only lcore it
 * works, and a control thread supervises instead.
 */
int
app_workers_run(struct app *a, char *err, size_t errlen)
{
	pthread_t mon;
	int ret;

	if (a->main_is_worker) {
		ret = rte_ctrl_thread_create(&mon, "ss-monitor", NULL, monitor_thread, a);
		if (ret != 0) {
			snprintf(err, errlen, "cannot start the monitor thread: %s", strerror(ret));
			return -ret;
		}
		app_worker_main(a->worker[0]);
		/* the monitor runs until quit is set, as the worker did */
		pthread_join(mon, NULL);
		return 0;
	}
	for (unsigned int i = 0; i < a->n_workers; i++) {
		ret = rte_eal_remote_launch(app_worker_main, a->worker[i], a->worker[i]->lcore_id);
		if (ret != 0) {
			snprintf(err, errlen, "cannot launch worker %u on lcore %u: %s", i,
					a->worker[i]->lcore_id, rte_strerror(-ret));
			app_request_quit();
			rte_eal_mp_wait_lcore();
			return ret;
		}
	}
	app_monitor(a);
	rte_eal_mp_wait_lcore();
	return 0;
}
