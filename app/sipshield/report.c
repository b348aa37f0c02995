/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * What sipshield prints: the start-up banner, the --stats-interval line
 * and the final counters. Counters are read with relaxed loads
 * (ss_counters_add), so this is safe while workers run.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_mempool.h>

#include "app.h"

/* Counters of one port role, summed over the workers. */
static void
role_sum(const struct app *a, unsigned int role, struct ss_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < a->n_workers; i++)
		if (a->worker[i] != NULL)
			ss_counters_add(sum, &a->worker[i]->ctx.ctr[role]);
}

static void
node_sum(const struct app *a, struct ss_counters *sum)
{
	struct ss_counters r;

	memset(sum, 0, sizeof(*sum));
	for (unsigned int p = 0; p < a->n_ports; p++) {
		role_sum(a, p, &r);
		for (unsigned int i = 0; i < SS_CTR_COUNT; i++)
			sum->c[i] += r.c[i];
	}
}

uint64_t
app_total(const struct app *a, enum ss_ctr c)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < a->n_workers; i++)
		if (a->worker[i] != NULL)
			for (unsigned int p = 0; p < a->n_ports; p++)
				v += __atomic_load_n(&a->worker[i]->ctx.ctr[p].c[c], __ATOMIC_RELAXED);
	return v;
}

static const char *
checksum_mode(uint64_t tx_offloads)
{
	switch (tx_offloads & (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM)) {
	case RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM:
		return "NIC offload";
	case RTE_ETH_TX_OFFLOAD_IPV4_CKSUM:
		return "IPv4 by NIC, UDP in software";
	case RTE_ETH_TX_OFFLOAD_UDP_CKSUM:
		return "UDP by NIC, IPv4 in software";
	default:
		return "in software (no NIC offload)";
	}
}

/* Why a port spreads over fewer queues than there are workers. */
static const char *
rss_mode(const struct app *a, const struct app_port *p)
{
	if (p->rss_hf != 0)
		return "RSS on IP addresses";
	if (p->n_rxq >= a->n_workers)
		return "no RSS needed";
	if (p->max_rxq <= 1)
		return "no RSS (the driver has one RX queue; other workers idle here)";
	return "no RSS (the driver cannot hash on IP addresses; other workers idle here)";
}

static void
banner_port(const struct app *a, unsigned int role)
{
	const struct app_port *p = &a->port[role];

	printf("  %-8s port %u (%s, %s), socket %d: %u RX / %u TX queue(s), %u/%u descriptors, "
			"%s, reply checksums %s\n", app_role_name(role), p->port_id, p->name,
			p->driver, p->socket, p->n_rxq, p->n_txq, p->nb_rxd, p->nb_txd,
			rss_mode(a, p), checksum_mode(p->tx_offloads));
}

static void
banner_workers(const struct app *a)
{
	printf("  workers  %u:", a->n_workers);
	for (unsigned int i = 0; i < a->n_workers; i++) {
		const struct app_worker *w = a->worker[i];

		printf(" lcore %u%s", w->lcore_id, w->n_rxq == 0 ? " (idle: no queue)" : "");
	}
	printf("%s\n", a->main_is_worker ? " (the main lcore polls)" : "");
}

static void
banner_filter(const struct app *a)
{
	const struct ss_conf *c = &a->conf;
	const char *sep = "";

	printf("  filter   min_expires %u, min_expires_subscribe %u, redirect ", c->min_expires,
			c->min_expires_subscribe);
	for (unsigned int m = 0; m < SS_SIP_M_COUNT; m++)
		if (a->filter.redirect_methods & (1u << m)) {
			printf("%s%s", sep, ss_sip_method_name(m));
			sep = ",";
		}
	printf("%s, SIP ports", sep[0] == '\0' ? "none" : "");
	for (unsigned int i = 0; i < c->n_sip_ports; i++)
		printf("%s%u", i == 0 ? " " : ",", c->sip_ports[i]);
	printf("\n");
	if (a->n_scanner_agents != 0)
		printf("  scanners dropped: %u User-Agent patterns (%s)\n", a->n_scanner_agents,
				c->scanner_agents[0] != '\0' ? c->scanner_agents : "built-in");
	else
		printf("  scanners not dropped (drop_scanners = off)\n");
}

static void
banner_limit(const char *what, const struct ss_conf_limit *l)
{
	if (l->rate == 0)
		printf("%s off", what);
	else
		printf("%s %u/s burst %u", what, l->rate, l->burst);
}

static void
banner_limits(const struct app *a)
{
	const struct ss_conf *c = &a->conf;

	printf("  limits   ");
	banner_limit("requests per source", &c->requests_per_source);
	banner_limit(", replies per source", &c->replies_per_source);
	banner_limit(", replies per node", &c->replies_node);
	printf(" (%u worker share(s)), %u sources per worker\n", a->n_limited, c->sources_table);
}

/* DESIGN §3a: where the table comes from once Redis answers. */
static void
banner_fleet(const struct app *a)
{
	const struct ss_conf_fleet *f = &a->conf.fleet;
	char addr[sizeof(f->redis_unix) + 8];

	if (!f->enabled)
		return;
	ss_conf_fleet_address(f, addr, sizeof(addr));
	printf("  fleet    Redis %s, table %s:moved%s; %s\n", addr, f->key_prefix,
			f->password_file[0] != '\0' ? ", AUTH" : "",
			a->conf.moved_table[0] != '\0' ? "the file serves until Redis answers" :
			"empty until Redis answers");
}

void
app_print_banner(const struct app *a)
{
	printf(APP_NAME " %s: %s, config %s\n", SS_VERSION,
			a->n_ports == 1 ? "one-armed" : "two ports", a->conf.path);
	for (unsigned int r = 0; r < a->n_ports; r++)
		banner_port(a, r);
	banner_workers(a);
	banner_filter(a);
	banner_limits(a);
	if (a->conf.moved_table[0] != '\0')
		printf("  moved    %u entries from %s (capacity %u)\n", a->moved_entries,
				a->conf.moved_table, a->moved_capacity);
	else
		printf("  moved    no table (moved_table = none)\n");
	banner_fleet(a);
	if (a->secret_random)
		printf("  secret   random at start-up (tag_secret = none)\n");
	else
		printf("  secret   %s\n", a->conf.tag_secret);
	for (unsigned int s = 0; s < RTE_MAX_NUMA_NODES; s++)
		if (a->pool[s] != NULL)
			printf("  mbufs    %u on socket %u\n", a->pool[s]->size, s);
	printf("  capture  %s\n", a->capture ? "dpdk-dumpcap can attach (same --file-prefix)" :
			"off: no EAL IPC (--no-shconf or --in-memory)");
	if (a->conf.idle_sleep_us != 0)
		printf("  idle     sleep %u us after empty polls\n", a->conf.idle_sleep_us);
	else
		printf("  idle     poll flat out\n");
	fflush(stdout);
}

void
app_print_summary(const struct app *a, double seconds, uint64_t *last_rx)
{
	struct ss_counters s;
	uint64_t rx;

	node_sum(a, &s);
	rx = s.c[SS_CTR_RX];
	printf("stats: rx %" PRIu64 " (%.1f kpps) tx %" PRIu64 " passed %" PRIu64
			" answered %" PRIu64 " (423: %" PRIu64 ", 302: %" PRIu64 ") dropped %" PRIu64
			" tx_failed %" PRIu64 "\n",
			rx, seconds > 0 ? (double)(rx - *last_rx) / seconds / 1e3 : 0.0,
			s.c[SS_CTR_TX], s.c[SS_CTR_PASSED], s.c[SS_CTR_ANSWERED],
			s.c[SS_CTR_SENT_423], s.c[SS_CTR_SENT_302], s.c[SS_CTR_DROPPED],
			s.c[SS_CTR_TX_FAILED]);
	fflush(stdout);
	*last_rx = rx;
}

static void
print_workers(const struct app *a)
{
	for (unsigned int i = 0; i < a->n_workers; i++) {
		const struct app_worker *w = a->worker[i];
		struct ss_counters s;

		memset(&s, 0, sizeof(s));
		for (unsigned int p = 0; p < a->n_ports; p++)
			ss_counters_add(&s, &w->ctx.ctr[p]);
		printf("  worker %u (lcore %u): rx %" PRIu64 " passed %" PRIu64 " answered %" PRIu64
				" dropped %" PRIu64 " tx %" PRIu64 " tx_failed %" PRIu64 "\n", i,
				w->lcore_id, s.c[SS_CTR_RX], s.c[SS_CTR_PASSED],
				s.c[SS_CTR_ANSWERED], s.c[SS_CTR_DROPPED], s.c[SS_CTR_TX],
				s.c[SS_CTR_TX_FAILED]);
	}
}

/* Every counter, zero or not, so scripts find each name on its own line. */
void
app_print_final(const struct app *a)
{
	struct ss_counters role[SS_PORTS], total;

	node_sum(a, &total);
	for (unsigned int p = 0; p < a->n_ports; p++)
		role_sum(a, p, &role[p]);
	printf(APP_NAME ": counters at exit\n  %-28s %14s", "counter", "total");
	for (unsigned int p = 0; p < a->n_ports; p++) {
		char col[32];

		snprintf(col, sizeof(col), "%s:%u", app_role_name(p), a->port[p].port_id);
		printf(" %14s", col);
	}
	printf("\n");
	for (unsigned int i = 0; i < SS_CTR_COUNT; i++) {
		printf("  %-28s %14" PRIu64, ss_ctr_name(i), total.c[i]);
		for (unsigned int p = 0; p < a->n_ports; p++)
			printf(" %14" PRIu64, role[p].c[i]);
		printf("\n");
	}
	if (a->n_workers > 1)
		print_workers(a);
	fflush(stdout);
}
