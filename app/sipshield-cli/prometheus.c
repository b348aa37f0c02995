/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * `sipshield-cli prometheus`: the counters in the Prometheus text
 * exposition format 0.0.4, for node_exporter's textfile collector.
 * Series are per worker and port, the finest grain telemetry gives, so
 * that PromQL sums them as it needs (sum by (port), rate(...)).
 *
 * node_exporter may read the file at any moment: --output writes a
 * temporary file beside it and renames it over the old one, so that a
 * scrape sees the old file or the new one, never half of one. Nothing
 * is written when sipshield does not answer: the file's age (the
 * collector's node_textfile_mtime_seconds) then tells.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "counters.h"
#include "telemetry.h"

#define WHO "sipshield-cli prometheus"

/* Workers a /sipshield/workers reply can list: 256 dict keys, one "count". */
#define WORKERS_MAX 256

struct scrape {
	json_t *worker[WORKERS_MAX];	/* /sipshield/worker,<i> */
	unsigned int n;
	json_t *ports;			/* /sipshield/ports */
	json_t *fleet;			/* /sipshield/fleet */
};

/* DESIGN §4's fleet sync counters, and two gauges, from /sipshield/fleet. */
static const struct {
	const char *name;
	bool counter;
	const char *text;
} fleet_metrics[] = {
	{"changes_applied", true, "Moved-table changes applied from the fleet's Redis stream."},
	{"bad_entries", true, "Entries in Redis skipped as invalid."},
	{"outages", true, "Times the connection to Redis was lost."},
	{"full_loads", true, "Times the whole table was loaded from Redis."},
	{"connected", false, "1 while the node is connected to the fleet's Redis."},
	{"entries", false, "Entries in the moved table this node holds."},
};

struct help {
	const char *name;
	const char *text;
};

/* HELP texts of the counters, as ss_ctr.h defines them. */
static const struct help ctr_help[] = {
	{"rx", "Frames received on the port."},
	{"tx", "Frames the port's TX queue took."},
	{"tx_failed", "Frames the port's TX queue refused, freed."},
	{"passed", "Frames left byte for byte by the other port."},
	{"answered", "Frames turned around as a 423 or 302 reply."},
	{"dropped", "Frames freed by a filter rule."},
	{"sent_423", "423 Interval Too Brief replies sent."},
	{"sent_302", "302 Moved Temporarily replies sent."},
	{"dropped_not_sip", "Frames dropped: not SIP on a SIP port."},
	{"ack_absorbed", "ACKs for sipshield's own 302 replies, dropped."},
	{"dropped_scanner", "Requests dropped: from a SIP scanner."},
	{"dropped_request_limit", "Requests dropped: source over its request limit."},
	{"dropped_reply_limit", "Requests dropped: source or node over its reply limit."},
	{"passed_from_inside", "Frames passed: came in on the inside port, never filtered."},
	{"passed_other", "Frames passed: not to a SIP port (ARP, ICMP, other UDP or TCP)."},
	{"unfiltered_tcp", "Frames passed unfiltered: TCP to a SIP port."},
	{"unfiltered_fragment", "Frames passed unfiltered: IPv4 or IPv6 fragments."},
	{"unfiltered_ipv6_ext", "Frames passed unfiltered: IPv6 with extension headers."},
	{"unfiltered_vlan_stacked", "Frames passed unfiltered: two or more VLAN tags."},
	{"unfiltered_bad_len", "Frames passed unfiltered: truncated or inconsistent lengths."},
	{"unfiltered_multiseg", "Frames passed unfiltered: chained mbufs."},
	{"keepalives", "Frames passed: CRLF or STUN keep-alives on a SIP port."},
	{"responses", "Frames passed: SIP responses."},
	{"passed_would_amplify", "Requests passed: the reply would exceed the request by 64 bytes."},
	{"passed_no_room", "Requests passed: the reply did not fit the mbuf."},
	{"passed_unanswerable", "Requests passed: a reply was due but headers it needs are missing."},
	{"passed_no_rule", "Requests passed: no rule applies."},
	{"passed_expires_ok", "Requests passed: REGISTER or SUBSCRIBE expiration long enough, or 0."},
	{"passed_no_expiry", "Requests passed: no expiration to check."},
	{"passed_contact_star", "Requests passed: Contact: *."},
	{"passed_in_dialog", "Requests passed: in a dialog (To has a tag), not redirected."},
	{"passed_not_moved", "Requests passed: user not in the moved table."},
	{"passed_uri_unusable", "Requests passed: the Request-URI gives no moved-table key."},
	{"passed_scan_error", "Requests passed: Hyperscan failed, the registrar decides."},
	{"dropped_denied", "Frames dropped: source on the deny list."},
	{"passed_allowed", "Frames passed: source on the allow list, no rule applied."},
	{"passed_not_sip", "Frames passed: not SIP on a SIP port, drop_not_sip off."},
	{"passed_monitor", "Frames passed in monitor mode that enforce mode would answer or drop."},
	{"would_423", "Monitor mode: 423 replies enforce mode would have sent."},
	{"would_302", "Monitor mode: 302 replies enforce mode would have sent."},
	{"would_drop_not_sip", "Monitor mode: frames enforce mode would drop as not SIP."},
	{"would_ack_absorbed", "Monitor mode: ACKs enforce mode would absorb."},
	{"would_drop_scanner", "Monitor mode: requests enforce mode would drop as a scanner's."},
	{"would_drop_request_limit", "Monitor mode: requests enforce mode would drop, request limit."},
	{"would_drop_reply_limit", "Monitor mode: requests enforce mode would drop, reply limit."},
	{"would_drop_denied", "Monitor mode: frames enforce mode would drop, deny list."},
};

/* rte_eth_stats, as /sipshield/ports names them. */
static const struct help ethdev_help[] = {
	{"ipackets", "Frames the port received (ethdev statistics)."},
	{"opackets", "Frames the port sent (ethdev statistics)."},
	{"ibytes", "Bytes the port received (ethdev statistics)."},
	{"obytes", "Bytes the port sent (ethdev statistics)."},
	{"imissed", "Frames the NIC dropped because its RX queues were full (ethdev statistics)."},
	{"ierrors", "Erroneous frames received (ethdev statistics)."},
	{"oerrors", "Frames the port failed to send (ethdev statistics)."},
	{"rx_nombuf", "RX mbuf allocation failures (ethdev statistics)."},
};

#define N_ETHDEV (sizeof(ethdev_help) / sizeof(ethdev_help[0]))

void
cli_prometheus_usage(FILE *out)
{
	fputs("Usage: sipshield-cli prometheus [--output FILE] [--file-prefix P]\n"
		"                                [--runtime-dir DIR]\n"
		"\n"
		"Print the counters of the running sipshield in the Prometheus text\n"
		"exposition format (version 0.0.4), for node_exporter's textfile collector\n"
		"or any scraper of that format. Every metric is a counter and has one\n"
		"# HELP and one # TYPE line before its samples:\n"
		"\n"
		"  sipshield_<counter>_total{worker=\"W\",port=\"P\"} VALUE\n"
		"      each counter of `sipshield-cli stats --all` (rx, passed,\n"
		"      dropped_scanner, req_invite, ...) for worker W (0, 1, ...) on port\n"
		"      P (outside, inside): /sipshield/worker,W.\n"
		"  sipshield_port_<stat>_total{port=\"P\",port_id=\"N\"} VALUE\n"
		"      the ethdev statistics of port P, DPDK port N: ipackets, opackets,\n"
		"      ibytes, obytes, imissed, ierrors, oerrors, rx_nombuf\n"
		"      (/sipshield/ports).\n"
		"\n"
		"Options:\n"
		"  -o, --output FILE   write FILE instead of standard output, atomically:\n"
		"                      FILE.tmp is written and synced, then renamed to FILE,\n"
		"                      so that a scrape never reads half a file. FILE keeps\n"
		"                      its old content when sipshield does not answer.\n", out);
	fputs(cli_opts_common_help, out);
	fputs("\n", out);
	fputs(cli_opts_exit_help, out);
	fputs("\n"
		"Examples:\n"
		"  sipshield-cli prometheus\n"
		"  # every 15 s from a systemd timer or cron, with node_exporter\n"
		"  # --collector.textfile.directory=/var/lib/node_exporter:\n"
		"  sipshield-cli prometheus --output /var/lib/node_exporter/sipshield.prom\n"
		"  # rate of 302s per second, over all workers:\n"
		"  #   sum(rate(sipshield_sent_302_total[1m]))\n", out);
}

static const char *
help_text(const struct help *h, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(h[i].name, name) == 0)
			return h[i].text;
	return NULL;
}

/* Metric names are [a-zA-Z_:][a-zA-Z0-9_:]*: a newer server's odd key is left out. */
static bool
metric_name_ok(const char *s)
{
	if (*s == '\0' || (*s >= '0' && *s <= '9'))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:") ==
			strlen(s);
}

/* A label value: backslash, double quote and newline escaped (format 0.0.4). */
static void
put_label(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s=\"", name);
	for (; *value != '\0'; value++) {
		if (*value == '\\' || *value == '"')
			fprintf(f, "\\%c", *value);
		else if (*value == '\n')
			fputs("\\n", f);
		else
			fputc(*value, f);
	}
	fputc('"', f);
}

static void
put_header(FILE *f, const char *metric, const char *help)
{
	fprintf(f, "# HELP %s %s\n", metric, help);
	fprintf(f, "# TYPE %s counter\n", metric);
}

/* sipshield_<name>_total: one sample per worker and port. */
static void
put_counter(FILE *f, const struct scrape *s, const char *name)
{
	const char *help = help_text(ctr_help, sizeof(ctr_help) / sizeof(ctr_help[0]), name);
	const char *ports[CLI_PORTS_MAX];
	const json_t *dicts[CLI_PORTS_MAX];
	char metric[128], worker[16], text[160];

	if (help == NULL && strncmp(name, "req_", 4) == 0) {
		snprintf(text, sizeof(text), "SIP %s requests seen on the outside port.", name + 4);
		help = text;
	} else if (help == NULL) {
		snprintf(text, sizeof(text), "sipshield counter %s.", name);
		help = text;
	}
	snprintf(metric, sizeof(metric), "sipshield_%s_total", name);
	put_header(f, metric, help);
	for (unsigned int i = 0; i < s->n; i++) {
		unsigned int np = cli_port_dicts(s->worker[i], ports, dicts);

		snprintf(worker, sizeof(worker), "%u", i);
		for (unsigned int p = 0; p < np; p++) {
			if (json_object_get(dicts[p], name) == NULL)
				continue;
			fprintf(f, "%s{", metric);
			put_label(f, "worker", worker);
			fputc(',', f);
			put_label(f, "port", ports[p]);
			fprintf(f, "} %" PRIu64 "\n", cli_ctr_get(dicts[p], name));
		}
	}
}

static void
put_counters(FILE *f, const struct scrape *s)
{
	static const json_t *dicts[WORKERS_MAX * CLI_PORTS_MAX];
	const char *names[CLI_PORTS_MAX];
	struct cli_ctr_list l;
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->n; i++)
		n += cli_port_dicts(s->worker[i], names, dicts + n);
	cli_ctr_list(&l, dicts, n, NULL);
	for (unsigned int k = 0; k < l.n; k++)
		if (metric_name_ok(l.name[k]))
			put_counter(f, s, l.name[k]);
}

/* sipshield_port_<stat>_total, for the stats some port reports. */
static void
put_ethdev(FILE *f, const struct scrape *s)
{
	const char *names[CLI_PORTS_MAX];
	const json_t *ports[CLI_PORTS_MAX];
	unsigned int n = cli_port_dicts(s->ports, names, ports);
	char metric[64], port_id[32];
	uint64_t v;

	for (size_t k = 0; k < N_ETHDEV; k++) {
		const char *stat = ethdev_help[k].name;
		bool header = false;

		snprintf(metric, sizeof(metric), "sipshield_port_%s_total", stat);
		for (unsigned int p = 0; p < n; p++) {
			if (!cli_json_u64(json_object_get(ports[p], stat), &v))
				continue;
			if (!header)
				put_header(f, metric, ethdev_help[k].text);
			header = true;
			cli_json_text(json_object_get(ports[p], "port_id"), port_id,
					sizeof(port_id));
			fprintf(f, "%s{", metric);
			put_label(f, "port", names[p]);
			fputc(',', f);
			put_label(f, "port_id", port_id);
			fprintf(f, "} %" PRIu64 "\n", v);
		}
	}
}

/* sipshield_fleet_*: only on a node with a [fleet] section. */
static void
put_fleet(FILE *f, const struct scrape *s)
{
	uint64_t enabled = 0, v;
	char metric[64];

	if (!cli_json_u64(json_object_get(s->fleet, "enabled"), &enabled) || enabled == 0)
		return;
	for (size_t k = 0; k < sizeof(fleet_metrics) / sizeof(fleet_metrics[0]); k++) {
		if (!cli_json_u64(json_object_get(s->fleet, fleet_metrics[k].name), &v))
			continue;
		snprintf(metric, sizeof(metric), "sipshield_fleet_%s%s", fleet_metrics[k].name,
				fleet_metrics[k].counter ? "_total" : "");
		fprintf(f, "# HELP %s %s\n", metric, fleet_metrics[k].text);
		fprintf(f, "# TYPE %s %s\n", metric, fleet_metrics[k].counter ? "counter" : "gauge");
		fprintf(f, "%s %" PRIu64 "\n", metric, v);
	}
}

static void
scrape_free(struct scrape *s)
{
	for (unsigned int i = 0; i < s->n; i++)
		json_decref(s->worker[i]);
	json_decref(s->ports);
	json_decref(s->fleet);
	memset(s, 0, sizeof(*s));
}

/* Every worker's counters, then the ports, on one connection. */
static int
collect(struct cli_tel *t, struct scrape *s)
{
	char index[16];
	uint64_t count;
	json_t *w;

	if (cli_tel_call(t, "/sipshield/workers", NULL, &w) < 0)
		return -1;
	if (!cli_json_u64(json_object_get(w, "count"), &count) || count > WORKERS_MAX) {
		fprintf(stderr, WHO ": /sipshield/workers gave no usable worker count\n");
		json_decref(w);
		return -1;
	}
	json_decref(w);
	for (s->n = 0; s->n < count; s->n++) {
		snprintf(index, sizeof(index), "%u", s->n);
		if (cli_tel_call(t, "/sipshield/worker", index, &s->worker[s->n]) < 0)
			return -1;
	}
	if (cli_tel_call(t, "/sipshield/ports", NULL, &s->ports) < 0)
		return -1;
	return cli_tel_call(t, "/sipshield/fleet", NULL, &s->fleet);
}

/* The exposition as text; NULL after a message. */
static char *
render(const struct scrape *s, size_t *len)
{
	char *text;
	FILE *f = open_memstream(&text, len);

	if (f == NULL) {
		fprintf(stderr, WHO ": out of memory\n");
		return NULL;
	}
	put_counters(f, s);
	put_ethdev(f, s);
	put_fleet(f, s);
	if (fclose(f) != 0) {
		fprintf(stderr, WHO ": out of memory\n");
		free(text);
		return NULL;
	}
	return text;
}

/* FILE.tmp, written, synced, then renamed over FILE. */
static int
write_atomic(const char *path, const char *text, size_t len)
{
	size_t tlen = strlen(path) + sizeof(".tmp");
	char *tmp = malloc(tlen);
	FILE *f;
	int err = 0;

	if (tmp == NULL) {
		fprintf(stderr, WHO ": out of memory\n");
		return -1;
	}
	snprintf(tmp, tlen, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL) {
		fprintf(stderr, WHO ": %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fwrite(text, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0)
		err = errno;
	if (fclose(f) != 0 && err == 0)
		err = errno;
	if (err == 0 && rename(tmp, path) != 0)
		err = errno;
	if (err != 0) {
		fprintf(stderr, WHO ": writing %s: %s\n", path, strerror(err));
		unlink(tmp);
	}
	free(tmp);
	return err != 0 ? -1 : 0;
}

int
cli_prometheus(int argc, char **argv, struct cli_opts *o)
{
	struct scrape s = {0};
	struct cli_tel t;
	char *text = NULL;
	size_t len = 0;
	int first, rc = -1;

	first = cli_opts_parse(argc, argv, "prometheus", CLI_OPT_OUTPUT, o,
			cli_prometheus_usage);
	if (first < 0 || cli_opts_operands("prometheus", argv + first, argc - first, 0, 0) < 0)
		return CLI_EXIT_USAGE;
	if (cli_tel_open(&t, o, WHO) < 0)
		return CLI_EXIT_FAIL;
	if (collect(&t, &s) == 0)
		text = render(&s, &len);
	cli_tel_close(&t);
	scrape_free(&s);
	if (text == NULL)
		return CLI_EXIT_FAIL;
	if (o->output != NULL)
		rc = write_atomic(o->output, text, len);
	else if (fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0)
		rc = 0;
	free(text);
	return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
