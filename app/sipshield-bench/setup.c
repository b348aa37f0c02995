/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The filter as the data plane sets it up (app/sipshield/setup.c and
 * workers.c), through the same library calls: lib/conf's defaults,
 * ss_sip_hs_create(), the scanner User-Agents (ss_scanner_load(), before
 * any scratch), ss_filter_init(), a moved table owned by ss_moved_ctl and
 * loaded from a file by ss_moved_ctl_reload() under the workers' RCU, and
 * per worker a Hyperscan scratch, ss_worker_ctx_init(), rate limits
 * (ss_rl_create(), ss_worker_ctx_set_limits()) and TX buffers whose
 * refusals are freed and counted.
 *
 * One departure, on purpose: the reply limits are raised to their
 * maximum. The bench answers millions of requests a second from 1024
 * sources, far over the defaults (1,000 per source, 1,000,000 per node),
 * and a limit that bites turns answers into drops; raised, the limiter
 * does all its work (source table, buckets) and never refuses.
 * --limits off runs without it.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "bench.h"

#define MOVED_HEADROOM_MIN 1024	/* as the data plane: room for live adds */

/*
 * --sources N: a deny list of N distinct prefixes, never in the traffic's
 * 10.0.0.0/8: /32s in 100.64.0.0/10, /24s from 20.0.0.0 on, /64s in
 * 2001:db8::/32, each spread by a multiplicative hash so that they do not
 * share a few tbl8 groups. Loaded as sipshield loads its lists.
 */
static int
sources_setup(struct bench *b, char *err, size_t errlen)
{
	char path[] = "/tmp/sipshield-bench-deny-XXXXXX";
	uint64_t t0;
	int fd = mkstemp(path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (f == NULL) {
		snprintf(err, errlen, "cannot write the deny list: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	for (uint32_t i = 0; i < b->o.sources; i++) {
		/* odd multipliers are bijections mod 2^k: distinct in, distinct out */
		uint32_t h22 = (i * 2654435761u) & 0x3fffff;
		uint32_t h20 = (i * 2246822519u) & 0xfffff;
		uint32_t h32 = i * 3266489917u;

		if (i % 10 == 9)
			fprintf(f, "2001:db8:%x:%x::/64\n", h32 >> 16, h32 & 0xffff);
		else if (i % 2 == 0)
			fprintf(f, "100.%u.%u.%u\n", 64 + (h22 >> 16), (h22 >> 8) & 0xff, h22 & 0xff);
		else
			fprintf(f, "%u.%u.%u.0/24\n", 20 + (h20 >> 16), (h20 >> 8) & 0xff, h20 & 0xff);
	}
	fclose(f);
	t0 = rte_get_tsc_cycles();
	b->sources = ss_sources_build(NULL, path, SOCKET_ID_ANY, err, errlen);
	b->sources_load_s = (double)(rte_get_tsc_cycles() - t0) / b->hz;
	unlink(path);
	if (b->sources == NULL)
		return -EINVAL;
	b->filter.sources = b->sources;
	fprintf(stderr, "sipshield-bench: deny list of %u prefixes (%u IPv4, %u IPv6, duplicates "
			"merged) loaded in %.3f s\n", b->o.sources, b->sources->n[1][0],
			b->sources->n[1][1], b->sources_load_s);
	return 0;
}

int
bench_filter_setup(struct bench *b, char *err, size_t errlen)
{
	const char *hs_err = NULL;
	size_t sz;
	const char *path;

	int ret;

	ss_conf_defaults(&b->conf);
	b->conf.min_expires = b->o.min_expires;
	b->conf.replies_per_source = (struct ss_conf_limit){SS_CONF_RATE_MAX, SS_CONF_BURST_MAX};
	b->conf.replies_node = (struct ss_conf_limit){SS_CONF_RATE_MAX, SS_CONF_BURST_MAX};
	b->hs = ss_sip_hs_create(&hs_err);
	if (b->hs == NULL) {
		snprintf(err, errlen, "cannot compile the Hyperscan database: %s",
				hs_err != NULL ? hs_err : "unknown error");
		return -EINVAL;
	}
	if (b->conf.drop_scanners) {
		ret = ss_scanner_load(b->hs, b->conf.scanner_agents, err, errlen);
		if (ret < 0)
			return ret;
		b->n_agents = (unsigned int)ret;
	}
	b->conf.monitor = b->o.monitor;
	ss_filter_init(&b->filter, &b->conf, b->hs);
	if (b->o.sources != 0) {
		ret = sources_setup(b, err, errlen);
		if (ret < 0)
			return ret;
	}
	/* a fixed secret: the tags, and so the replies, are the same every run */
	for (unsigned int i = 0; i < sizeof(b->filter.secret); i++)
		b->filter.secret[i] = (uint8_t)(0xa5 ^ (i * 29));

	sz = rte_rcu_qsbr_get_memsize(b->n_workers);
	b->qs = rte_zmalloc("bench_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (b->qs == NULL || rte_rcu_qsbr_init(b->qs, b->n_workers) != 0) {
		snprintf(err, errlen, "cannot set up the workers' RCU state (give EAL more: -m)");
		return -ENOMEM;
	}

	if (b->o.moved_file != NULL) {
		path = b->o.moved_file;
	} else {
		const char *tmp = getenv("TMPDIR");

		snprintf(b->tmpdir, sizeof(b->tmpdir), "%s/sipshield-bench.XXXXXX",
				tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
		if (mkdtemp(b->tmpdir) == NULL) {
			snprintf(err, errlen, "%s: cannot make a directory for the moved table: %s",
					b->tmpdir, strerror(errno));
			b->tmpdir[0] = '\0';
			return -errno;
		}
		snprintf(b->moved_path, sizeof(b->moved_path), "%s/moved.txt", b->tmpdir);
		path = b->moved_path;
	}
	b->moved_ctl = ss_moved_ctl_create(&b->filter.moved, b->qs, path, MOVED_HEADROOM_MIN,
			SOCKET_ID_ANY);
	if (b->moved_ctl == NULL) {
		snprintf(err, errlen, "cannot set up the moved table: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

/* users u0000000.. moved to pbx2; one in four with an Expires for the 302 */
static int
write_table(const char *path, uint32_t entries, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		return -errno;
	}
	fprintf(f, "# sipshield-bench: %u generated users\n", entries);
	for (uint32_t i = 0; i < entries; i++) {
		fprintf(f, "u%07u@pbx.example.com\tsip:u%07u@pbx2.example.net%s\n", i, i,
				i % 4 == 3 ? "\t600" : "");
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/*
 * Put a table of `entries` generated users (or the --moved-file) in
 * service, as a reload of the data plane does. No worker runs.
 */
int
bench_moved_load(struct bench *b, uint32_t entries, char *err, size_t errlen)
{
	uint64_t t0;
	int n;

	if (b->o.moved_file == NULL) {
		n = write_table(b->moved_path, entries, err, errlen);
		if (n < 0)
			return n;
	}
	t0 = rte_get_tsc_cycles();
	n = ss_moved_ctl_reload(b->moved_ctl, SS_MOVED_ORIGIN_FILE, err, errlen);
	if (n < 0)
		return n;
	b->moved_load_s = (double)(rte_get_tsc_cycles() - t0) / b->hz;
	b->moved_entries = (uint32_t)n;
	bench_traffic_set_users(b);
	return 0;
}

/* As the data plane's workers: a refused frame is freed and counted. */
static void
tx_refused(struct rte_mbuf **unsent, uint16_t n, void *userdata)
{
	uint64_t *tx_failed = userdata;

	*tx_failed += n;
	rte_pktmbuf_free_bulk(unsent, n);
}

static int
create_worker(struct bench *b, unsigned int index, unsigned int lcore, char *err,
		size_t errlen)
{
	int socket = (int)rte_lcore_to_socket_id(lcore);
	struct bench_worker *w;
	int ret;

	w = rte_zmalloc_socket("bench_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL) {
		snprintf(err, errlen, "worker %u: out of memory (give EAL more: -m)", index);
		return -ENOMEM;
	}
	b->worker[index] = w;
	w->bench = b;
	w->index = index;
	w->lcore_id = lcore;
	w->qs = b->qs;
	w->rng = 0x2545f4914f6cdd1dULL * (index + 1);
	w->scratch = ss_sip_scratch_create(b->hs);
	if (w->scratch == NULL) {
		snprintf(err, errlen, "worker %u: no Hyperscan scratch", index);
		return -ENOMEM;
	}
	/* net_ring offers no checksum offload: answers are summed in software */
	ret = ss_worker_ctx_init(&w->ctx, &b->filter, w->scratch, &b->conf, 0);
	if (ret != 0) {
		snprintf(err, errlen, "worker %u: ss_worker_ctx_init: %s", index, strerror(-ret));
		return ret;
	}
	if (b->o.limits) {
		struct ss_rl_params p;

		/* every worker polls the outside port: the node limit is split n ways */
		ret = ss_rl_params_init(&p, &b->conf, rte_get_tsc_hz(), b->n_workers);
		if (ret == 0) {
			w->rl = ss_rl_create(&p, socket);
			ret = w->rl == NULL ? -rte_errno : 0;
		}
		if (ret != 0) {
			snprintf(err, errlen, "worker %u: rate limits: %s", index,
					rte_strerror(-ret));
			return ret;
		}
		ss_worker_ctx_set_limits(&w->ctx, w->rl);
	}
	for (unsigned int r = 0; r < SS_PORTS; r++) {
		struct bench_txq *t = &w->txq[r];

		t->queue_id = (uint16_t)index;
		t->buf = rte_zmalloc_socket("bench_txbuf", RTE_ETH_TX_BUFFER_SIZE(SS_BURST), 0,
				socket);
		if (t->buf == NULL)
			return -ENOMEM;
		ret = rte_eth_tx_buffer_init(t->buf, SS_BURST);
		if (ret == 0)
			ret = rte_eth_tx_buffer_set_err_callback(t->buf, tx_refused,
					&w->ctx.ctr[r].c[SS_CTR_TX_FAILED]);
		if (ret != 0) {
			snprintf(err, errlen, "worker %u: TX buffer: %s", index, strerror(-ret));
			return ret;
		}
	}
	if (rte_rcu_qsbr_thread_register(b->qs, index) != 0) {
		snprintf(err, errlen, "worker %u: RCU register: %s", index,
				rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

/*
 * One worker per lcore, the main lcore first: worker 0 runs on it, so a
 * single-lcore EAL (-l 0) still measures one worker. Before the ports:
 * bench_ports_create() hands each worker its rings and port ids.
 */
int
bench_workers_create(struct bench *b, char *err, size_t errlen)
{
	unsigned int lcore = rte_get_main_lcore();
	int ret;

	for (unsigned int i = 0; i < b->n_workers; i++) {
		if (i > 0)
			lcore = rte_get_next_lcore(lcore, 1, 0);
		ret = create_worker(b, i, lcore, err, errlen);
		if (ret != 0)
			return ret;
	}
	return 0;
}

void
bench_release(struct bench *b)
{
	bench_ports_close(b);
	for (unsigned int i = 0; i < b->n_workers; i++) {
		struct bench_worker *w = b->worker[i];

		if (w == NULL)
			continue;
		for (unsigned int r = 0; r < SS_PORTS; r++) {
			rte_free(w->txq[r].buf);
			rte_ring_free(w->rx_ring[r]);
			rte_ring_free(w->tx_ring[r]);
		}
		ss_sip_scratch_free(w->scratch);
		ss_rl_free(w->rl);
		rte_free(w);
		b->worker[i] = NULL;
	}
	ss_moved_ctl_free(b->moved_ctl);
	b->moved_ctl = NULL;
	ss_sources_free(b->sources);
	b->sources = NULL;
	b->filter.sources = NULL;
	ss_sip_hs_free(b->hs);
	b->hs = NULL;
	rte_free(b->qs);
	b->qs = NULL;
	rte_mempool_free(b->pool);
	b->pool = NULL;
	for (unsigned int i = 0; i <= BC_COUNT; i++) {
		free(b->sched[i]);
		b->sched[i] = NULL;
	}
	bench_traffic_free(&b->traffic);
	if (b->tmpdir[0] != '\0') {
		unlink(b->moved_path);
		rmdir(b->tmpdir);
	}
	free(b->res);
}
