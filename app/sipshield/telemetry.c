/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * /sipshield/... telemetry commands (DESIGN §3, §4). They run in DPDK's
 * telemetry threads, one per client: counters are read with relaxed
 * loads, the moved table is changed through its writers' API (a mutex
 * among writers, RCU towards the workers), so nothing here can stall a
 * worker. Limits of 22.11 telemetry: dict keys [A-Za-z0-9_], at most 256
 * entries, strings under 128 bytes, replies under 16 KiB; every add is
 * checked, and a string that would not fit is split or shortened on
 * purpose, never lost silently.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "app.h"

/*
 * Telemetry callbacks take no user pointer: the one app of the process.
 * Telemetry threads outlive the workers, so shutdown unhooks the app under
 * the write lock before freeing anything; each command holds the read lock.
 */
static struct app *tel_app;
static pthread_rwlock_t tel_lock = PTHREAD_RWLOCK_INITIALIZER;

#define TEL_STR_MAX (RTE_TEL_MAX_STRING_LEN - 1)	/* bytes of a string value */
#define URI_PART 120		/* a URI goes out in parts of this size */
#define MAX_PARAMS 3

/* Add helpers: any failure makes the whole reply fail (negative return). */
int
app_tel_add_u64(struct rte_tel_data *d, const char *name, uint64_t v)
{
	return rte_tel_data_add_dict_u64(d, name, v) == 0 ? 0 : -E2BIG;
}

/* A string, cut to what telemetry carries (with a visible mark). */
int
app_tel_add_str(struct rte_tel_data *d, const char *name, const char *s)
{
	char buf[RTE_TEL_MAX_STRING_LEN];

	if (strlen(s) > TEL_STR_MAX)
		snprintf(buf, sizeof(buf), "...%s", s + strlen(s) - (TEL_STR_MAX - 3));
	else
		snprintf(buf, sizeof(buf), "%s", s);
	return rte_tel_data_add_dict_string(d, name, buf) == 0 ? 0 : -E2BIG;
}

static int
add_container(struct rte_tel_data *d, const char *name, struct rte_tel_data *c)
{
	if (rte_tel_data_add_dict_container(d, name, c, 0) != 0) {
		rte_tel_data_free(c);
		return -E2BIG;
	}
	return 0;
}

/* An error the client shows as is: {"error": "..."}. */
static int
reply_error(struct rte_tel_data *d, const char *msg)
{
	rte_tel_data_start_dict(d);
	return app_tel_add_str(d, "error", msg);
}

/* --- Counters ---------------------------------------------------------- */

/* Sum of every worker's counters for port role `role` (-1: both). */
static void
sum_counters(const struct app *a, int role, struct ss_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < a->n_workers; i++) {
		if (a->worker[i] == NULL)
			continue;
		for (unsigned int p = 0; p < a->n_ports; p++)
			if (role < 0 || (unsigned int)role == p)
				ss_counters_add(sum, &a->worker[i]->ctx.ctr[p]);
	}
}

static int
add_all_counters(struct rte_tel_data *d, const struct ss_counters *c)
{
	for (unsigned int i = 0; i < SS_CTR_COUNT; i++)
		if (app_tel_add_u64(d, ss_ctr_name((enum ss_ctr)i), c->c[i]) < 0)
			return -E2BIG;
	return 0;
}

/* The counters an overview shows (workers, ports). */
static const enum ss_ctr summary_ctrs[] = {
	SS_CTR_RX, SS_CTR_TX, SS_CTR_TX_FAILED, SS_CTR_PASSED, SS_CTR_ANSWERED,
	SS_CTR_DROPPED, SS_CTR_SENT_423, SS_CTR_SENT_302,
};

static int
add_summary(struct rte_tel_data *d, const struct ss_counters *c)
{
	for (unsigned int i = 0; i < RTE_DIM(summary_ctrs); i++)
		if (app_tel_add_u64(d, ss_ctr_name(summary_ctrs[i]), c->c[summary_ctrs[i]]) < 0)
			return -E2BIG;
	return 0;
}

static int
do_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ss_counters sum;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	sum_counters(tel_app, -1, &sum);
	rte_tel_data_start_dict(d);
	return add_all_counters(d, &sum);
}

/* One worker's counters over both ports. */
static void
worker_counters(const struct app_worker *w, unsigned int n_ports, struct ss_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int p = 0; p < n_ports; p++)
		ss_counters_add(sum, &w->ctx.ctr[p]);
}

static int
do_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct app *a = tel_app;
	struct ss_counters sum;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	if (app_tel_add_u64(d, "count", a->n_workers) < 0)
		return -E2BIG;
	for (unsigned int i = 0; i < a->n_workers; i++) {
		struct rte_tel_data *w = rte_tel_data_alloc();
		char name[32];

		if (w == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(w);
		worker_counters(a->worker[i], a->n_ports, &sum);
		snprintf(name, sizeof(name), "worker%u", i);
		if (app_tel_add_u64(w, "lcore", a->worker[i]->lcore_id) < 0 || add_summary(w, &sum) < 0) {
			rte_tel_data_free(w);
			return -E2BIG;
		}
		if (add_container(d, name, w) < 0)
			return -E2BIG;
	}
	return 0;
}

static int
parse_index(const char *params, unsigned int limit, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (params == NULL || *params == '\0')
		return -EINVAL;
	v = strtoul(params, &end, 10);
	if (*end != '\0' || v >= limit)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int
do_worker(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct app *a = tel_app;
	const struct app_worker *w;
	unsigned int i;

	RTE_SET_USED(cmd);
	if (parse_index(params, a->n_workers, &i) < 0) {
		char msg[96];

		snprintf(msg, sizeof(msg), "no worker \"%.20s\" (workers are 0..%u)",
				params ? params : "", a->n_workers - 1);
		return reply_error(d, msg);
	}
	w = a->worker[i];
	rte_tel_data_start_dict(d);
	if (app_tel_add_u64(d, "lcore", w->lcore_id) < 0)
		return -E2BIG;
	for (unsigned int p = 0; p < a->n_ports; p++) {
		struct rte_tel_data *c = rte_tel_data_alloc();

		if (c == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(c);
		if (add_all_counters(c, &w->ctx.ctr[p]) < 0) {
			rte_tel_data_free(c);
			return -E2BIG;
		}
		if (add_container(d, app_role_name(p), c) < 0)
			return -E2BIG;
	}
	return 0;
}

/* --- Ports ------------------------------------------------------------- */

static int
add_port(struct rte_tel_data *d, const struct app *a, unsigned int role)
{
	const struct app_port *port = &a->port[role];
	struct rte_eth_stats st;
	struct ss_counters sum;
	struct rte_tel_data *c = rte_tel_data_alloc();
	int rc = 0;

	if (c == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(c);
	memset(&st, 0, sizeof(st));
	rte_eth_stats_get(port->port_id, &st);
	sum_counters(a, (int)role, &sum);
	rc |= app_tel_add_u64(c, "port_id", port->port_id);
	rc |= app_tel_add_str(c, "name", port->name);
	rc |= app_tel_add_u64(c, "ipackets", st.ipackets);
	rc |= app_tel_add_u64(c, "opackets", st.opackets);
	rc |= app_tel_add_u64(c, "ibytes", st.ibytes);
	rc |= app_tel_add_u64(c, "obytes", st.obytes);
	rc |= app_tel_add_u64(c, "imissed", st.imissed);
	rc |= app_tel_add_u64(c, "ierrors", st.ierrors);
	rc |= app_tel_add_u64(c, "oerrors", st.oerrors);
	rc |= app_tel_add_u64(c, "rx_nombuf", st.rx_nombuf);
	rc |= add_summary(c, &sum);
	if (rc != 0) {
		rte_tel_data_free(c);
		return -E2BIG;
	}
	return add_container(d, app_role_name(role), c);
}

static int
do_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	for (unsigned int r = 0; r < tel_app->n_ports; r++)
		if (add_port(d, tel_app, r) < 0)
			return -E2BIG;
	return 0;
}

/* --- Mbuf pools -------------------------------------------------------- */

/*
 * Per pool: size, available, in use. 22.11's /mempool/info shows no use
 * counts; these show a leak as an in-use count that does not come back
 * to its idle value after traffic stops (the soak test watches it).
 */
static int
do_pools(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct app *a = tel_app;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	for (unsigned int s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		const struct rte_mempool *mp = a->pool[s];
		struct rte_tel_data *c;
		int rc = 0;

		if (mp == NULL)
			continue;
		c = rte_tel_data_alloc();
		if (c == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(c);
		rc |= app_tel_add_u64(c, "socket", s);
		rc |= app_tel_add_u64(c, "size", mp->size);
		rc |= app_tel_add_u64(c, "avail", rte_mempool_avail_count(mp));
		rc |= app_tel_add_u64(c, "in_use", rte_mempool_in_use_count(mp));
		if (rc != 0) {
			rte_tel_data_free(c);
			return -E2BIG;
		}
		/* pool names are [a-z0-9_]: fit for a dict key */
		if (add_container(d, mp->name, c) < 0)
			return -E2BIG;
	}
	return 0;
}

/* --- Heavy sources ----------------------------------------------------- */

#define TOP_DEFAULT	20	/* sources /sipshield/top_sources shows */
#define TOP_MAX		100	/* at most: about 120 bytes of JSON each, within 16 KiB */

/* Source order, to bring one source's entries from several workers together. */
static int
cmp_source(const void *a, const void *b)
{
	const struct ss_rl_top *x = a, *y = b;

	if (x->src.family != y->src.family)
		return x->src.family < y->src.family ? -1 : 1;
	return x->src.bits < y->src.bits ? -1 : x->src.bits > y->src.bits;
}

/* Heaviest first; ties in source order, so that replies are stable. */
static int
cmp_drops(const void *a, const void *b)
{
	const struct ss_rl_top *x = a, *y = b;
	uint64_t wx = x->drops_request + x->drops_reply, wy = y->drops_request + y->drops_reply;

	if (wx != wy)
		return wx > wy ? -1 : 1;
	return cmp_source(a, b);
}

/* "192.0.2.1" or "2001:db8:1:2::/64". */
static void
source_text(const struct ss_rl_source *s, char *out, size_t cap)
{
	uint8_t a[16] = {0};
	char buf[INET6_ADDRSTRLEN];
	unsigned int n = s->family == 4 ? 4 : 8;

	for (unsigned int i = 0; i < n; i++)
		a[i] = (uint8_t)(s->bits >> (8 * (n - 1 - i)));
	if (inet_ntop(s->family == 4 ? AF_INET : AF_INET6, a, buf, sizeof(buf)) == NULL)
		snprintf(buf, sizeof(buf), "?");
	snprintf(out, cap, "%s%s", buf, s->family == 4 ? "" : "/64");
}

/* One column of the reply: an array of strings or of numbers. */
static struct rte_tel_data *
column(enum rte_tel_value_type type)
{
	struct rte_tel_data *c = rte_tel_data_alloc();

	if (c != NULL)
		rte_tel_data_start_array(c, type);
	return c;
}

/*
 * The list as columns of one dict, in rank order: 22.11's telemetry puts
 * arrays, not dicts, in an array container, and one container deep only.
 */
static int
add_sources(struct rte_tel_data *d, const struct ss_rl_top *t, unsigned int n)
{
	static const char *const names[] = {"source", "drops", "drops_request", "drops_reply"};
	struct rte_tel_data *col[4];
	int rc = 0;

	col[0] = column(RTE_TEL_STRING_VAL);
	for (unsigned int k = 1; k < RTE_DIM(col); k++)
		col[k] = column(RTE_TEL_U64_VAL);
	for (unsigned int k = 0; k < RTE_DIM(col); k++)
		if (col[k] == NULL)
			rc = -ENOMEM;
	for (unsigned int i = 0; i < n && rc == 0; i++) {
		char text[64];

		source_text(&t[i].src, text, sizeof(text));
		if (rte_tel_data_add_array_string(col[0], text) != 0 ||
				rte_tel_data_add_array_u64(col[1], t[i].drops_request +
					t[i].drops_reply) != 0 ||
				rte_tel_data_add_array_u64(col[2], t[i].drops_request) != 0 ||
				rte_tel_data_add_array_u64(col[3], t[i].drops_reply) != 0)
			rc = -E2BIG;
	}
	for (unsigned int k = 0; k < RTE_DIM(col); k++) {
		if (rc != 0) {
			rte_tel_data_free(col[k]);
			continue;
		}
		/* add_container frees a column it could not add */
		if (add_container(d, names[k], col[k]) < 0)
			rc = -E2BIG;
	}
	return rc;
}

/*
 * The sources with the most drops over all workers. Each worker keeps its
 * own list (ss_ratelimit.h) and publishes a copy after each burst that
 * changed it, under a sequence counter; this reads those copies, never a
 * worker's table, so it takes no lock and moves no cache line a worker
 * writes in its hot path. A source can appear on several workers only
 * where RSS is off (one queue per port): its entries are added up.
 * Reply: {"count": n, "source": [...], "drops": [...], "drops_request":
 * [...], "drops_reply": [...]}, heaviest first; a source is an IPv4
 * address or an IPv6 /64 ("2001:db8:1:2::/64").
 */
static int
do_top_sources(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct app *a = tel_app;
	struct ss_rl_top *all;
	unsigned int n = 0, m = 0, want = TOP_DEFAULT;
	int rc = 0;

	RTE_SET_USED(cmd);
	if (params != NULL && params[0] != '\0' && parse_index(params, TOP_MAX + 1, &want) < 0)
		return reply_error(d, "usage: /sipshield/top_sources[,N] with N 1..100 (default 20)");
	if (want == 0)
		return reply_error(d, "usage: /sipshield/top_sources[,N] with N 1..100 (default 20)");
	all = calloc((size_t)a->n_workers * SS_RL_TOP, sizeof(*all));
	if (all == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < a->n_workers; i++) {
		int k;

		if (a->worker[i] == NULL || a->worker[i]->rl == NULL)
			continue;
		k = ss_rl_top_read(a->worker[i]->rl, all + n, SS_RL_TOP);
		if (k > 0)
			n += (unsigned int)k;
	}
	qsort(all, n, sizeof(*all), cmp_source);
	for (unsigned int i = 0; i < n; i++) {
		if (m > 0 && cmp_source(&all[m - 1], &all[i]) == 0) {
			all[m - 1].drops_request += all[i].drops_request;
			all[m - 1].drops_reply += all[i].drops_reply;
		} else {
			all[m++] = all[i];
		}
	}
	qsort(all, m, sizeof(*all), cmp_drops);
	rte_tel_data_start_dict(d);
	rc = app_tel_add_u64(d, "count", RTE_MIN(m, want));
	if (rc == 0)
		rc = add_sources(d, all, RTE_MIN(m, want));
	free(all);
	return rc;
}

/* --- Config ------------------------------------------------------------ */

static void
methods_text(uint32_t mask, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned int m = SS_SIP_M_OTHER + 1; m < SS_SIP_M_COUNT && n < cap; m++)
		if (mask & (1u << m))
			n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "," : "",
					ss_sip_method_name((enum ss_sip_method)m));
}

static void
ports_text(const struct ss_conf *c, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < c->n_sip_ports && n < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%u", i ? "," : "", c->sip_ports[i]);
}

/* A limit as the config writes it: RATE/BURST, or off. */
static int
add_limit(struct rte_tel_data *d, const char *name, const struct ss_conf_limit *l)
{
	char buf[32];

	if (l->rate == 0)
		return app_tel_add_str(d, name, "off");
	snprintf(buf, sizeof(buf), "%u/%u", l->rate, l->burst);
	return app_tel_add_str(d, name, buf);
}

/*
 * The mode and the rule switches in force (they change live, so the
 * filter's word is shown, not the config file's).
 */
static int
add_rules(struct rte_tel_data *d, uint32_t rules)
{
	char key[64];
	int rc = 0;

	rc |= app_tel_add_str(d, "filter_mode", (rules & SS_RULE_MONITOR) ? "monitor" : "enforce");
	for (uint32_t bit = 1; bit & SS_RULE_ALL; bit <<= 1) {
		snprintf(key, sizeof(key), "filter_%s", ss_filter_rule_name(bit));
		rc |= app_tel_add_str(d, key, (rules & bit) ? "on" : "off");
	}
	return rc;
}

static int
do_config(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct app *a = tel_app;
	const struct ss_conf *c = &a->conf;
	char methods[RTE_TEL_MAX_STRING_LEN], ports[RTE_TEL_MAX_STRING_LEN];
	int rc = 0;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	methods_text(c->redirect_methods, methods, sizeof(methods));
	ports_text(c, ports, sizeof(ports));
	rte_tel_data_start_dict(d);
	rc |= app_tel_add_str(d, "config_file", c->path);
	rc |= app_tel_add_u64(d, "ports_outside", c->port_outside);
	if (a->n_ports == 2)
		rc |= app_tel_add_u64(d, "ports_inside", c->port_inside);
	else
		rc |= app_tel_add_str(d, "ports_inside", "none");
	rc |= app_tel_add_u64(d, "filter_min_expires", c->min_expires);
	rc |= app_tel_add_u64(d, "filter_min_expires_subscribe", c->min_expires_subscribe);
	rc |= app_tel_add_str(d, "filter_redirect_methods", methods[0] ? methods : "none");
	rc |= app_tel_add_str(d, "filter_sip_ports", ports);
	rc |= app_tel_add_str(d, "filter_moved_table", c->moved_table[0] ? c->moved_table : "none");
	rc |= app_tel_add_str(d, "filter_tag_secret", c->tag_secret[0] ? c->tag_secret :
			"none (random at start-up)");
	rc |= add_rules(d, ss_filter_rules(&a->filter));
	rc |= app_tel_add_str(d, "filter_scanner_agents", c->scanner_agents[0] ? c->scanner_agents :
			"none (built-in list)");
	rc |= app_tel_add_u64(d, "filter_scanner_patterns", a->n_scanner_agents);
	rc |= add_limit(d, "limits_requests_per_source", &c->requests_per_source);
	rc |= add_limit(d, "limits_replies_per_source", &c->replies_per_source);
	rc |= add_limit(d, "limits_replies_node", &c->replies_node);
	rc |= app_tel_add_u64(d, "limits_node_shares", a->n_limited);
	rc |= app_tel_add_u64(d, "limits_sources_table", c->sources_table);
	rc |= app_tel_add_str(d, "sources_allow", c->sources_allow[0] ? c->sources_allow : "none");
	rc |= app_tel_add_str(d, "sources_deny", c->sources_deny[0] ? c->sources_deny : "none");
	rc |= app_tel_add_u64(d, "dataplane_idle_sleep_us", c->idle_sleep_us);
	rc |= app_tel_add_u64(d, "dataplane_rx_desc", c->rx_desc);
	rc |= app_tel_add_u64(d, "dataplane_tx_desc", c->tx_desc);
	rc |= app_fleet_config(a, d);
	rc |= app_tel_add_u64(d, "workers", a->n_workers);
	return rc != 0 ? -E2BIG : 0;
}

/* --- Moved table ------------------------------------------------------- */

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/*
 * Split params on ',' (telemetry passes them as one string) and undo the
 * client's %XX escapes, so a key or URI may hold ',' (%2C) and '%' (%25).
 * Returns the number of fields (MAX_PARAMS + 1 when there are more), or
 * -EINVAL with what is wrong in err: too long, a bad escape, or a NUL
 * (which would silently cut a C string short: "bob%00x" must not add bob).
 */
static int
split_params(const char *params, char *buf, size_t cap, char *field[MAX_PARAMS], char *err,
		size_t errlen)
{
	size_t n = 0;
	int nf = 1;

	if (params == NULL || *params == '\0')
		return 0;
	if (strlen(params) >= cap) {
		snprintf(err, errlen, "parameters longer than %zu bytes", cap - 1);
		return -EINVAL;
	}
	field[0] = buf;
	for (const char *p = params; *p != '\0'; p++) {
		char c = *p;

		if (c == ',') {
			if (nf == MAX_PARAMS)
				return MAX_PARAMS + 1;
			buf[n++] = '\0';
			field[nf++] = buf + n;
			continue;
		}
		if (c == '%') {
			int hi = hex_digit(p[1]), lo = hi < 0 ? -1 : hex_digit(p[2]);

			if (hi < 0 || lo < 0) {
				snprintf(err, errlen, "bad %%-escape at byte %zu of the parameters "
						"(expected %%XX, X hex)", (size_t)(p - params) + 1);
				return -EINVAL;
			}
			c = (char)(hi << 4 | lo);
			if (c == '\0') {
				snprintf(err, errlen, "NUL byte (%%00) at byte %zu of the parameters",
						(size_t)(p - params) + 1);
				return -EINVAL;
			}
			p += 2;
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	return nf;
}

/* A string longer than telemetry carries, as an array of parts. */
static int
add_parts(struct rte_tel_data *d, const char *name, const char *s)
{
	struct rte_tel_data *parts = rte_tel_data_alloc();
	size_t len = strlen(s);

	if (parts == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(parts, RTE_TEL_STRING_VAL);
	for (size_t off = 0; off < len; off += URI_PART) {
		char part[URI_PART + 1];

		snprintf(part, sizeof(part), "%s", s + off);
		if (rte_tel_data_add_array_string(parts, part) != 0) {
			rte_tel_data_free(parts);
			return -E2BIG;
		}
	}
	return add_container(d, name, parts);
}

static int
do_moved_get(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char buf[1024], uri[SS_MOVED_URI_MAX + 1], err[256], key[3 * SS_SIP_KEY_USER_MAX + 8 +
			SS_SIP_KEY_HOST_MAX];
	char *field[MAX_PARAMS];
	struct ss_sip_key k;
	bool has_exp = false;
	uint32_t exp = 0;
	int rc;

	RTE_SET_USED(cmd);
	rc = split_params(params, buf, sizeof(buf), field, err, sizeof(err));
	if (rc < 0)
		return reply_error(d, err);
	if (rc != 1)
		return reply_error(d, "usage: /sipshield/moved/get,<key>");
	rc = ss_moved_ctl_get(tel_app->moved_ctl, field[0], uri, sizeof(uri), &has_exp, &exp,
			err, sizeof(err));
	if (rc < 0)
		return reply_error(d, err);
	if (rc == 0) {
		char q[100];

		ss_moved_quote(field[0], strlen(field[0]), q, sizeof(q));
		snprintf(err, sizeof(err), "key \"%s\" is not in the moved table", q);
		return reply_error(d, err);
	}
	/* the key as the table holds it, %-escaped: ASCII, whatever was typed */
	if (ss_sip_text_key(field[0], strlen(field[0]), &k) != SS_SIP_KEY_OK ||
			ss_sip_key_format(&k, key, sizeof(key)) < 0)
		snprintf(key, sizeof(key), "?");
	rte_tel_data_start_dict(d);
	rc = strlen(key) <= URI_PART ? app_tel_add_str(d, "key", key) : add_parts(d, "key_parts", key);
	if (rc < 0 || add_parts(d, "uri_parts", uri) < 0)
		return -E2BIG;
	return has_exp ? app_tel_add_u64(d, "expires", exp) : 0;
}

/*
 * DESIGN §3a: with a [fleet] section Redis is the one source of the table;
 * a local change would be silently undone by the next load.
 */
#define FLEET_OWNS_TABLE "this node follows the fleet's table in Redis ([fleet]): " \
	"change it with sipshield-cli fleet add|del|load"

static int
reply_ok(struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	return app_tel_add_u64(d, "ok", 1);
}

static int
do_moved_add(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char buf[1024], err[512];
	char *field[MAX_PARAMS];
	uint32_t exp = 0;
	int nf = split_params(params, buf, sizeof(buf), field, err, sizeof(err));

	RTE_SET_USED(cmd);
	if (tel_app->conf.fleet.enabled)
		return reply_error(d, FLEET_OWNS_TABLE);
	if (nf < 0)
		return reply_error(d, err);
	if (nf < 2 || nf > MAX_PARAMS)
		return reply_error(d, "usage: /sipshield/moved/add,<key>,<uri>[,<expires>]");
	/* digits only: no sign, no blanks (a delta-seconds, RFC 3261 §25.1) */
	if (nf == 3 && (field[2][strspn(field[2], "0123456789")] != '\0' ||
			ss_sip_delta_seconds(field[2], strlen(field[2]), &exp) != SS_SIP_DELTA_OK))
		return reply_error(d, "expires: expected an integer 0..4294967295");
	if (ss_moved_ctl_add(tel_app->moved_ctl, field[0], field[1], nf == 3, exp,
				SS_MOVED_ORIGIN_TELEMETRY, err, sizeof(err)) < 0)
		return reply_error(d, err);
	return reply_ok(d);
}

static int
do_moved_del(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char buf[1024], err[512];
	char *field[MAX_PARAMS];
	int nf = split_params(params, buf, sizeof(buf), field, err, sizeof(err));

	RTE_SET_USED(cmd);
	if (tel_app->conf.fleet.enabled)
		return reply_error(d, FLEET_OWNS_TABLE);
	if (nf < 0)
		return reply_error(d, err);
	if (nf != 1)
		return reply_error(d, "usage: /sipshield/moved/del,<key>");
	if (ss_moved_ctl_del(tel_app->moved_ctl, field[0], SS_MOVED_ORIGIN_TELEMETRY, err,
				sizeof(err)) < 0)
		return reply_error(d, err);
	return reply_ok(d);
}

static int
reply_entries(struct rte_tel_data *d, uint32_t n)
{
	rte_tel_data_start_dict(d);
	return app_tel_add_u64(d, "entries", n);
}

static int
do_moved_reload(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char err[SS_CONF_ERR_MAX];
	int n;

	RTE_SET_USED(cmd);
	if (tel_app->conf.fleet.enabled)
		return reply_error(d, FLEET_OWNS_TABLE);
	if (params != NULL && params[0] != '\0')
		return reply_error(d, "usage: /sipshield/moved/reload (no parameter)");
	n = ss_moved_ctl_reload(tel_app->moved_ctl, SS_MOVED_ORIGIN_TELEMETRY, err, sizeof(err));
	if (n < 0)
		return reply_error(d, err);
	return reply_entries(d, (uint32_t)n);
}

static int
do_moved_count(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	return reply_entries(d, ss_moved_ctl_count(tel_app->moved_ctl));
}

/* --- Fleet (DESIGN §3a) ------------------------------------------------ */

/* The sync's state: fleet.c builds the reply. */
static int
do_fleet(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	return app_fleet_telemetry(tel_app, d);
}

/* --- Source lists ------------------------------------------------------- */

static int
reply_sources(struct rte_tel_data *d, const struct app *a)
{
	uint32_t n[2][2];
	int rc = 0;

	ss_sources_ctl_counts(a->sources_ctl, n);
	rte_tel_data_start_dict(d);
	rc |= app_tel_add_str(d, "allow_file", a->conf.sources_allow[0] ? a->conf.sources_allow : "none");
	rc |= app_tel_add_str(d, "deny_file", a->conf.sources_deny[0] ? a->conf.sources_deny : "none");
	rc |= app_tel_add_u64(d, "allow_ipv4", n[0][0]);
	rc |= app_tel_add_u64(d, "allow_ipv6", n[0][1]);
	rc |= app_tel_add_u64(d, "deny_ipv4", n[1][0]);
	rc |= app_tel_add_u64(d, "deny_ipv6", n[1][1]);
	return rc != 0 ? -E2BIG : 0;
}

static int
do_sources(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	return reply_sources(d, tel_app);
}

static int
do_sources_reload(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char err[512];

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (tel_app->conf.sources_allow[0] == '\0' && tel_app->conf.sources_deny[0] == '\0')
		return reply_error(d, "no [sources] allow or deny file in the configuration");
	if (ss_sources_ctl_reload(tel_app->sources_ctl, err, sizeof(err)) < 0)
		return reply_error(d, err);
	return reply_sources(d, tel_app);
}

/* --- Test hook ---------------------------------------------------------- */

/*
 * /sipshield/test/hold_worker,<index>,<1|0>: hold a worker still, or let
 * it go, so that a test sees the watchdog notice a stuck worker. Only
 * registered with SIPSHIELD_TEST_HOOKS=1 in the environment.
 */
static int
do_hold_worker(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int idx;
	char *end;
	unsigned long v;
	int hold;

	RTE_SET_USED(cmd);
	if (params == NULL)
		return reply_error(d, "usage: /sipshield/test/hold_worker,<index>,<1|0>");
	v = strtoul(params, &end, 10);
	if (end == params || *end != ',' || (end[1] != '0' && end[1] != '1') || end[2] != '\0' ||
			v >= tel_app->n_workers)
		return reply_error(d, "usage: /sipshield/test/hold_worker,<index>,<1|0>");
	idx = (unsigned int)v;
	hold = end[1] - '0';
	__atomic_store_n(&tel_app->worker[idx]->hold, (uint32_t)hold, __ATOMIC_RELAXED);
	return reply_ok(d);
}

/* --- Mode and rule switches (Safe rollout) ------------------------------ */

/*
 * Writers of filter.rules: read-modify-write of one word, serialised
 * here; workers only load it (once per burst, lock-free).
 */
static pthread_mutex_t rules_lock = PTHREAD_MUTEX_INITIALIZER;

static int
reply_rules(struct rte_tel_data *d, uint32_t rules)
{
	rte_tel_data_start_dict(d);
	return add_rules(d, rules) != 0 ? -E2BIG : 0;
}

static uint32_t
rules_change(struct app *a, uint32_t set, uint32_t clear)
{
	uint32_t before, after;

	pthread_mutex_lock(&rules_lock);
	before = ss_filter_rules(&a->filter);
	after = (before | set) & ~clear;
	ss_filter_set_rules(&a->filter, after);
	pthread_mutex_unlock(&rules_lock);
	if (before != after)
		RTE_LOG(NOTICE, USER1, "sipshield: rules changed over telemetry: mode %s, "
				"rules 0x%x -> 0x%x\n", (after & SS_RULE_MONITOR) ? "monitor" :
				"enforce", before & SS_RULE_ALL, after & SS_RULE_ALL);
	return after;
}

static int
do_mode(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	if (params == NULL || params[0] == '\0')
		return reply_rules(d, ss_filter_rules(&tel_app->filter));
	if (strcmp(params, "monitor") == 0)
		return reply_rules(d, rules_change(tel_app, SS_RULE_MONITOR, 0));
	if (strcmp(params, "enforce") == 0)
		return reply_rules(d, rules_change(tel_app, 0, SS_RULE_MONITOR));
	return reply_error(d, "usage: /sipshield/mode[,monitor|enforce]");
}

static int
do_rule(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char buf[128], err[256];
	char *field[MAX_PARAMS];
	uint32_t bit;
	int nf;

	RTE_SET_USED(cmd);
	if (params == NULL || params[0] == '\0')
		return reply_rules(d, ss_filter_rules(&tel_app->filter));
	nf = split_params(params, buf, sizeof(buf), field, err, sizeof(err));
	if (nf < 0)
		return reply_error(d, err);
	bit = nf == 2 ? ss_filter_rule_from_name(field[0]) : 0;
	if (bit == 0 || (strcmp(field[1], "on") != 0 && strcmp(field[1], "off") != 0))
		return reply_error(d, "usage: /sipshield/rule,<answer_423|answer_302|drop_not_sip|"
				"drop_scanners|request_limit|reply_limit>,<on|off>");
	/* the scanner patterns are compiled at start-up only when the rule is on */
	if (bit == SS_RULE_SCANNERS && field[1][1] == 'n' && !tel_app->filter.drop_scanners)
		return reply_error(d, "no scanner patterns were compiled ([filter] drop_scanners = "
				"off at start-up): set it on in the config and restart");
	if (field[1][1] == 'n')
		return reply_rules(d, rules_change(tel_app, bit, 0));
	return reply_rules(d, rules_change(tel_app, 0, bit));
}

/* Run a command with the app hooked in, or refuse during shutdown. */
#define TEL_CMD(name) \
static int \
cmd_##name(const char *cmd, const char *params, struct rte_tel_data *d) \
{ \
	int rc = -ESHUTDOWN; \
 \
	pthread_rwlock_rdlock(&tel_lock); \
	if (tel_app != NULL) \
		rc = do_##name(cmd, params, d); \
	pthread_rwlock_unlock(&tel_lock); \
	return rc; \
}

TEL_CMD(stats)
TEL_CMD(workers)
TEL_CMD(worker)
TEL_CMD(ports)
TEL_CMD(config)
TEL_CMD(top_sources)
TEL_CMD(pools)
TEL_CMD(moved_get)
TEL_CMD(moved_add)
TEL_CMD(moved_del)
TEL_CMD(moved_reload)
TEL_CMD(moved_count)
TEL_CMD(fleet)
TEL_CMD(mode)
TEL_CMD(hold_worker)
TEL_CMD(sources)
TEL_CMD(sources_reload)
TEL_CMD(rule)

static const struct {
	const char *cmd;
	telemetry_cb fn;
	const char *help;
} commands[] = {
	{"/sipshield/stats", cmd_stats, "Every counter, summed over workers and ports."},
	{"/sipshield/workers", cmd_workers, "Per worker: lcore and the main counters."},
	{"/sipshield/worker", cmd_worker, "Every counter of one worker, per port. Parameter: worker index."},
	{"/sipshield/ports", cmd_ports, "Per port: ethdev stats and sipshield's counters."},
	{"/sipshield/config", cmd_config, "The effective configuration."},
	{"/sipshield/pools", cmd_pools, "Mbuf pools: size, available, in use."},
	{"/sipshield/top_sources", cmd_top_sources, "Sources with the most rate-limit drops, all workers. Parameter: N (default 20)."},
	{"/sipshield/moved/get", cmd_moved_get, "Moved-table entry. Parameter: key (user[@host], %-escape , and %)."},
	{"/sipshield/moved/add", cmd_moved_add, "Add or replace an entry. Parameters: key,uri[,expires]."},
	{"/sipshield/moved/del", cmd_moved_del, "Remove an entry. Parameter: key."},
	{"/sipshield/moved/reload", cmd_moved_reload, "Read the moved-table file again; a bad file keeps the table."},
	{"/sipshield/moved/count", cmd_moved_count, "Entries in the moved table."},
	{"/sipshield/sources", cmd_sources, "Source allow/deny lists: files and prefixes in service."},
	{"/sipshield/sources/reload", cmd_sources_reload, "Read the allow and deny files again; bad files keep the lists."},
	{"/sipshield/mode", cmd_mode, "Show the mode and rules, or switch live. Parameter: monitor or enforce (optional)."},
	{"/sipshield/rule", cmd_rule, "Show the rules, or switch one live. Parameters: rule name,on|off (optional)."},
	{"/sipshield/fleet", cmd_fleet, "Sync with the fleet's Redis: connected, last ID applied, entries, changes, outages, errors."},
};

void
app_telemetry_stop(void)
{
	pthread_rwlock_wrlock(&tel_lock);
	tel_app = NULL;
	pthread_rwlock_unlock(&tel_lock);
}

int
app_telemetry_register(struct app *a, char *err, size_t errlen)
{
	pthread_rwlock_wrlock(&tel_lock);
	tel_app = a;
	pthread_rwlock_unlock(&tel_lock);
	for (unsigned int i = 0; i < RTE_DIM(commands); i++) {
		if (rte_telemetry_register_cmd(commands[i].cmd, commands[i].fn,
					commands[i].help) != 0) {
			snprintf(err, errlen, "cannot register telemetry command %s",
					commands[i].cmd);
			return -EINVAL;
		}
	}
	/* tests only: never offered to an operator by accident */
	if (getenv("SIPSHIELD_TEST_HOOKS") != NULL &&
			strcmp(getenv("SIPSHIELD_TEST_HOOKS"), "1") == 0 &&
			rte_telemetry_register_cmd("/sipshield/test/hold_worker", cmd_hold_worker,
				"Test hook: hold a worker still. Parameters: index,1|0.") != 0) {
		snprintf(err, errlen, "cannot register telemetry command /sipshield/test/hold_worker");
		return -EINVAL;
	}
	return 0;
}
