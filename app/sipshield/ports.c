/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The outside and inside ports: checked, configured with what the driver
 * can do (dev_info masks every wish), and started.
 *
 * Queues: queue q of every port belongs to worker q. A worker polls a
 * port only if it also has TX queues on every port the frames it gets
 * there can leave by, so RX queues are capped by the peer's TX queues.
 * Workers beyond a port's queues stay idle on it (DESIGN §5).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "app.h"

/* Checksums of the replies sipshield builds (lib/net computes them otherwise). */
#define WANT_TX_OFFLOADS (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM)

/*
 * DESIGN §5: hash on the IP addresses only, not the ports, so that all
 * of one source's packets reach one worker and its limits stay exact.
 */
#define WANT_RSS_HF RTE_ETH_RSS_IP

static const char *const role_names[SS_PORTS] = {"outside", "inside"};

static int
main_socket(void)
{
	int s = (int)rte_socket_id();

	return s < 0 || s >= RTE_MAX_NUMA_NODES ? 0 : s;
}

static int
probe_port(struct app *a, unsigned int role, struct rte_eth_dev_info *info, char *err,
		size_t errlen)
{
	struct app_port *p = &a->port[role];
	uint16_t id = role == SS_PORT_OUTSIDE ? a->conf.port_outside : a->conf.port_inside;
	int ret, s;

	if (!rte_eth_dev_is_valid_port(id)) {
		snprintf(err, errlen, "%s: [ports] %s = %u: no such DPDK port (%u found; add one "
				"with --vdev or -a PCI_ADDRESS before `--`; EAL logs a --vdev it could not probe)", a->conf.path,
				role_names[role], id, rte_eth_dev_count_avail());
		return -ENODEV;
	}
	p->port_id = id;
	ret = rte_eth_dev_info_get(id, info);
	if (ret != 0) {
		snprintf(err, errlen, "port %u (%s): cannot read device info: %s", id,
				role_names[role], rte_strerror(-ret));
		return ret;
	}
	if (rte_eth_dev_get_name_by_port(id, p->name) != 0)
		snprintf(p->name, sizeof(p->name), "port%u", id);
	snprintf(p->driver, sizeof(p->driver), "%s", info->driver_name);
	s = rte_eth_dev_socket_id(id);
	p->socket = s < 0 || s >= RTE_MAX_NUMA_NODES ? main_socket() : s;
	p->nb_rxd = a->conf.rx_desc;
	p->nb_txd = a->conf.tx_desc;
	p->tx_offloads = WANT_TX_OFFLOADS & info->tx_offload_capa;
	/* RSS only when the port can spread on the IP addresses */
	p->rss_hf = WANT_RSS_HF & info->flow_type_rss_offloads;
	p->max_rxq = info->max_rx_queues;
	return 0;
}

static uint16_t
min16(uint32_t a, uint32_t b)
{
	return (uint16_t)(a < b ? a : b);
}

/* RX queues a port can spread frames over: more than one only with RSS. */
static uint16_t
rx_max(const struct app_port *p, const struct rte_eth_dev_info *info)
{
	return p->rss_hf != 0 ? info->max_rx_queues : min16(1, info->max_rx_queues);
}

static void
plan_queues(struct app *a, const struct rte_eth_dev_info info[SS_PORTS])
{
	struct app_port *out = &a->port[SS_PORT_OUTSIDE], *in = &a->port[SS_PORT_INSIDE];
	uint32_t w = a->n_workers;

	if (a->n_ports == 1) {
		/* frames leave by the port they came in on */
		out->n_rxq = min16(min16(w, rx_max(out, &info[0])), info[0].max_tx_queues);
		out->n_txq = out->n_rxq;
	} else {
		/* outside frames leave by either port, inside frames by outside */
		out->n_rxq = min16(min16(w, rx_max(out, &info[0])),
				min16(info[0].max_tx_queues, info[1].max_tx_queues));
		in->n_rxq = min16(min16(w, rx_max(in, &info[1])), info[0].max_tx_queues);
		out->n_txq = RTE_MAX(out->n_rxq, in->n_rxq);
		in->n_txq = out->n_rxq;
	}
	for (unsigned int r = 0; r < a->n_ports; r++)
		if (a->port[r].n_rxq < 2)
			a->port[r].rss_hf = 0;
}

static int
configure_port(struct app *a, unsigned int role, char *err, size_t errlen)
{
	struct app_port *p = &a->port[role];
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	/* no RX offloads: VLAN strip and KEEP_CRC would change the bytes passed */
	conf.txmode.offloads = p->tx_offloads;
	if (p->rss_hf != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = p->rss_hf;
	}
	ret = rte_eth_dev_configure(p->port_id, p->n_rxq, p->n_txq, &conf);
	if (ret != 0) {
		snprintf(err, errlen, "port %u (%s, %s): cannot configure %u RX / %u TX queues: %s",
				p->port_id, role_names[role], p->name, p->n_rxq, p->n_txq,
				rte_strerror(-ret));
		return ret;
	}
	p->configured = true;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &p->nb_rxd, &p->nb_txd);
	if (ret != 0) {
		snprintf(err, errlen, "port %u (%s, %s): descriptors %u/%u refused: %s",
				p->port_id, role_names[role], p->name, p->nb_rxd, p->nb_txd,
				rte_strerror(-ret));
		return ret;
	}
	return 0;
}

int
app_ports_configure(struct app *a, char *err, size_t errlen)
{
	struct rte_eth_dev_info info[SS_PORTS];
	int ret;

	for (unsigned int r = 0; r < a->n_ports; r++) {
		ret = probe_port(a, r, &info[r], err, errlen);
		if (ret != 0)
			return ret;
	}
	plan_queues(a, info);
	for (unsigned int r = 0; r < a->n_ports; r++) {
		ret = configure_port(a, r, err, errlen);
		if (ret != 0)
			return ret;
	}
	return 0;
}

static int
setup_queues(struct app *a, struct app_port *p, const char *role, char *err, size_t errlen)
{
	struct rte_eth_dev_info info;
	struct rte_eth_rxconf rxconf;
	struct rte_eth_txconf txconf;
	int ret;

	ret = rte_eth_dev_info_get(p->port_id, &info);
	if (ret != 0) {
		snprintf(err, errlen, "port %u (%s): cannot read device info: %s", p->port_id,
				role, rte_strerror(-ret));
		return ret;
	}
	rxconf = info.default_rxconf;
	rxconf.offloads = 0;
	txconf = info.default_txconf;
	txconf.offloads = p->tx_offloads;
	for (uint16_t q = 0; q < p->n_rxq; q++) {
		ret = rte_eth_rx_queue_setup(p->port_id, q, p->nb_rxd, p->socket, &rxconf,
				a->pool[p->socket]);
		if (ret != 0) {
			snprintf(err, errlen, "port %u (%s, %s): RX queue %u: %s", p->port_id,
					role, p->name, q, rte_strerror(-ret));
			return ret;
		}
	}
	for (uint16_t q = 0; q < p->n_txq; q++) {
		ret = rte_eth_tx_queue_setup(p->port_id, q, p->nb_txd, p->socket, &txconf);
		if (ret != 0) {
			snprintf(err, errlen, "port %u (%s, %s): TX queue %u: %s", p->port_id,
					role, p->name, q, rte_strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int
app_ports_start(struct app *a, char *err, size_t errlen)
{
	int ret;

	for (unsigned int r = 0; r < a->n_ports; r++) {
		struct app_port *p = &a->port[r];

		ret = setup_queues(a, p, role_names[r], err, errlen);
		if (ret != 0)
			return ret;
		/*
		 * A bump in the wire forwards frames addressed to the hosts
		 * behind it, not to itself. Drivers without the mode (pcap
		 * files, some vdevs) see every frame anyway.
		 */
		ret = rte_eth_promiscuous_enable(p->port_id);
		if (ret != 0 && ret != -ENOTSUP)
			fprintf(stderr, APP_NAME ": port %u (%s): promiscuous mode: %s; only frames "
					"to its own MAC address will be seen\n", p->port_id,
					role_names[r], rte_strerror(-ret));
		ret = rte_eth_dev_start(p->port_id);
		if (ret != 0) {
			snprintf(err, errlen, "port %u (%s, %s): cannot start: %s", p->port_id,
					role_names[r], p->name, rte_strerror(-ret));
			return ret;
		}
		p->started = true;
	}
	return 0;
}

void
app_ports_close(struct app *a)
{
	int ret;

	for (unsigned int r = 0; r < a->n_ports; r++) {
		struct app_port *p = &a->port[r];

		if (p->started) {
			ret = rte_eth_dev_stop(p->port_id);
			if (ret != 0)
				fprintf(stderr, APP_NAME ": port %u: stop: %s\n", p->port_id,
						rte_strerror(-ret));
			p->started = false;
		}
		/* closing is what makes net_pcap flush and close its files */
		if (p->configured) {
			ret = rte_eth_dev_close(p->port_id);
			if (ret != 0)
				fprintf(stderr, APP_NAME ": port %u: close: %s\n", p->port_id,
						rte_strerror(-ret));
			p->configured = false;
		}
	}
}

const char *
app_role_name(unsigned int role)
{
	return role < SS_PORTS ? role_names[role] : "?";
}
