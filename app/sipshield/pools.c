/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * mbuf pools, one per NUMA socket that has a port: a port receives into
 * memory on its own socket. Each pool is sized for every mbuf that can be
 * held at once anywhere, since a frame received on one port waits in the
 * other port's TX ring: all RX and TX rings full, one RX burst and the TX
 * buffers of every worker, and the per-lcore caches.
 */

#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "app.h"

#define POOL_CACHE	256	/* per lcore; <= RTE_MEMPOOL_CACHE_MAX_SIZE */

static unsigned int
pool_size(const struct app *a)
{
	unsigned int n = 0, p;

	for (p = 0; p < a->n_ports; p++)
		n += a->port[p].n_rxq * a->port[p].nb_rxd + a->port[p].n_txq * a->port[p].nb_txd;
	n += a->n_workers * SS_BURST * (1 + a->n_ports);
	n += rte_lcore_count() * POOL_CACHE;
	/* a mempool is most efficient at 2^q - 1 elements */
	return (unsigned int)rte_align32pow2(n + 1) - 1;
}

int
app_pools_create(struct app *a, char *err, size_t errlen)
{
	unsigned int n = pool_size(a);

	for (unsigned int p = 0; p < a->n_ports; p++) {
		int s = a->port[p].socket;
		char name[RTE_MEMPOOL_NAMESIZE];

		if (a->pool[s] != NULL)
			continue;
		snprintf(name, sizeof(name), "ss_mbuf_s%d", s);
		a->pool[s] = rte_pktmbuf_pool_create(name, n, POOL_CACHE, 0,
				RTE_MBUF_DEFAULT_BUF_SIZE, s);
		if (a->pool[s] == NULL) {
			snprintf(err, errlen, "cannot create a pool of %u mbufs (%u MiB) on socket "
					"%d: %s; give EAL more memory (-m, hugepages) or lower "
					"rx_desc/tx_desc", n,
					(unsigned int)((uint64_t)n * (RTE_MBUF_DEFAULT_BUF_SIZE +
							sizeof(struct rte_mbuf)) >> 20),
					s, rte_strerror(rte_errno));
			return -rte_errno;
		}
	}
	return 0;
}

void
app_pools_free(struct app *a)
{
	for (unsigned int s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		rte_mempool_free(a->pool[s]);
		a->pool[s] = NULL;
	}
}
