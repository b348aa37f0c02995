/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The NIC stand-ins: two net_ring ports, outside and inside, made with
 * rte_eth_from_rings(), each with one RX and one TX queue per worker and
 * each queue its own single-producer single-consumer ring. The workers
 * call the real rte_eth_rx_burst() and rte_eth_tx_burst() on them; the
 * feeder fills the outside RX rings and empties the TX rings, as a NIC's
 * wire would.
 */

#include <errno.h>
#include <stdio.h>

#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "bench.h"

#define POOL_CACHE	256
#define TX_RING_SIZE	1024	/* emptied every round: holds a few bursts at most */
#define PORT_DESC	1024	/* ignored by net_ring, asked for as the data plane does */

static const char *const role_names[SS_PORTS] = {"outside", "inside"};

static struct rte_ring *
make_ring(const char *what, unsigned int role, unsigned int q, unsigned int size)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "bench_%s%u_%u", what, role, q);
	return rte_ring_create(name, rte_align32pow2(size), (int)rte_socket_id(),
			RING_F_SP_ENQ | RING_F_SC_DEQ);
}

static int
start_port(struct bench *b, unsigned int role, struct rte_ring **rx, struct rte_ring **tx,
		char *err, size_t errlen)
{
	struct rte_eth_conf conf = {0};
	unsigned int nq = b->n_workers;
	char name[32];
	int port, ret;

	snprintf(name, sizeof(name), "bench_%s", role_names[role]);
	port = rte_eth_from_rings(name, rx, nq, tx, nq, rte_socket_id());
	if (port < 0) {
		snprintf(err, errlen, "%s port: rte_eth_from_rings: %s", role_names[role],
				rte_strerror(rte_errno));
		return -ENODEV;
	}
	b->port[role] = (uint16_t)port;
	ret = rte_eth_dev_configure((uint16_t)port, (uint16_t)nq, (uint16_t)nq, &conf);
	for (unsigned int q = 0; ret == 0 && q < nq; q++) {
		ret = rte_eth_rx_queue_setup((uint16_t)port, (uint16_t)q, PORT_DESC,
				rte_socket_id(), NULL, b->pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup((uint16_t)port, (uint16_t)q, PORT_DESC,
					rte_socket_id(), NULL);
	}
	if (ret == 0)
		ret = rte_eth_dev_start((uint16_t)port);
	if (ret != 0) {
		snprintf(err, errlen, "%s port %d: cannot set up: %s", role_names[role], port,
				rte_strerror(-ret));
		return ret;
	}
	return 0;
}

int
bench_ports_create(struct bench *b, char *err, size_t errlen)
{
	unsigned int nw = b->n_workers;
	struct rte_ring *rx[SS_PORTS][RTE_MAX_LCORE], *tx[SS_PORTS][RTE_MAX_LCORE];
	/*
	 * In flight per worker: the RX backlog, one feed, two TX buffers and
	 * rings' worth, and what the per-lcore pool cache may hold.
	 */
	unsigned int n = nw * (b->o.backlog + 64 + 4 * SS_BURST_MAX + 2 * POOL_CACHE) + 1024;

	b->pool = rte_pktmbuf_pool_create("bench_pool", n, POOL_CACHE, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (b->pool == NULL) {
		snprintf(err, errlen, "cannot create a pool of %u mbufs: %s (give EAL more: -m)", n,
				rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (unsigned int r = 0; r < SS_PORTS; r++)
		for (unsigned int q = 0; q < nw; q++) {
			/* room for the backlog and one feed on top */
			unsigned int rx_size = r == SS_PORT_OUTSIDE ? b->o.backlog + 64 + 1 :
				TX_RING_SIZE;

			rx[r][q] = make_ring("rx", r, q, rx_size);
			tx[r][q] = make_ring("tx", r, q, TX_RING_SIZE);
			if (rx[r][q] == NULL || tx[r][q] == NULL) {
				snprintf(err, errlen, "cannot create the rings of queue %u: %s "
						"(give EAL more: -m)", q, rte_strerror(rte_errno));
				return -ENOMEM;
			}
		}
	for (unsigned int r = 0; r < SS_PORTS; r++) {
		int ret = start_port(b, r, rx[r], tx[r], err, errlen);

		if (ret != 0)
			return ret;
		for (unsigned int q = 0; q < nw; q++) {
			b->worker[q]->rx_ring[r] = rx[r][q];
			b->worker[q]->tx_ring[r] = tx[r][q];
			b->worker[q]->txq[r].port_id = b->port[r];
		}
	}
	return 0;
}

void
bench_ports_close(struct bench *b)
{
	for (unsigned int r = 0; r < SS_PORTS; r++) {
		if (b->worker[0] == NULL || b->worker[0]->rx_ring[r] == NULL)
			continue;
		rte_eth_dev_stop(b->port[r]);
		rte_eth_dev_close(b->port[r]);
	}
}

/* Free what the worker's TX queues put on the wire. Untimed. */
void
bench_rings_drain(struct bench_worker *w)
{
	struct rte_mbuf *m[64];
	unsigned int n;

	for (unsigned int r = 0; r < SS_PORTS; r++)
		while ((n = rte_ring_sc_dequeue_burst(w->tx_ring[r], (void **)m, RTE_DIM(m),
				NULL)) != 0)
			rte_pktmbuf_free_bulk(m, n);
}

/*
 * After a run: the frames still waiting in the outside RX ring were
 * never received; take them off the class tallies and free them.
 */
void
bench_rx_leftover(struct bench_worker *w)
{
	struct rte_mbuf *m[64];
	unsigned int n;

	while ((n = rte_ring_sc_dequeue_burst(w->rx_ring[SS_PORT_OUTSIDE], (void **)m,
			RTE_DIM(m), NULL)) != 0) {
		for (unsigned int i = 0; i < n; i++)
			w->res.fed[m[i]->hash.usr]--;
		rte_pktmbuf_free_bulk(m, n);
	}
}
