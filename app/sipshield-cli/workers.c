/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * `sipshield-cli workers [INDEX]`: the verdicts of each worker
 * (/sipshield/workers), or every counter of one worker per port
 * (/sipshield/worker,<i>).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "counters.h"
#include "table.h"
#include "telemetry.h"

#define WHO "sipshield-cli workers"

void
cli_workers_usage(FILE *out)
{
	fputs("Usage: sipshield-cli workers [INDEX] [--all] [--json] [--file-prefix P]\n"
		"                             [--runtime-dir DIR]\n"
		"\n"
		"Without INDEX, print one line per worker (telemetry command\n"
		"/sipshield/workers): its index, the lcore it runs on and its verdict\n"
		"counters over both ports (rx, tx, tx_failed, passed, answered, dropped,\n"
		"sent_423, sent_302), then a line of totals when there are several\n"
		"workers. An uneven spread of rx over the workers points at RSS.\n"
		"\n"
		"With INDEX (0 for the first worker), print every counter of that worker\n"
		"(/sipshield/worker,INDEX), one line each, with a column per port\n"
		"(outside, and inside when sipshield has two arms), grouped as `stats`\n"
		"groups them.\n"
		"\n"
		"The verdict counters are always shown; others only when they are not\n"
		"zero, unless --all.\n"
		"\n"
		"Options:\n"
		"  -a, --all           show the counters that are zero too.\n"
		"  -j, --json          print the reply as it came, as indented JSON.\n", out);
	fputs(cli_opts_common_help, out);
	fputs("\n", out);
	fputs(cli_opts_exit_help, out);
	fputs("\n"
		"Examples:\n"
		"  sipshield-cli workers\n"
		"  sipshield-cli workers 3 --all\n", out);
}

/* Worker i's dict in a /sipshield/workers reply, or NULL. */
static const json_t *
worker_dict(const json_t *d, unsigned int i)
{
	char key[32];

	snprintf(key, sizeof(key), "worker%u", i);
	return json_object_get(d, key);
}

static void
header(struct cli_table *t, const struct cli_ctr_list *l)
{
	cli_table_row(t);
	cli_table_cell(t, "worker");
	cli_table_cell(t, "lcore");
	for (unsigned int k = 0; k < l->n; k++)
		cli_table_cell(t, "%s", l->name[k]);
}

static void
worker_row(struct cli_table *t, const struct cli_ctr_list *l, unsigned int i, const json_t *w)
{
	char lcore[32];

	cli_json_text(json_object_get(w, "lcore"), lcore, sizeof(lcore));
	cli_table_row(t);
	cli_table_cell(t, "%u", i);
	cli_table_cell(t, "%s", lcore);
	for (unsigned int k = 0; k < l->n; k++)
		cli_table_cell(t, "%" PRIu64, cli_ctr_get(w, l->name[k]));
}

static void
total_row(struct cli_table *t, const struct cli_ctr_list *l, const json_t **w, unsigned int n)
{
	cli_table_row(t);
	cli_table_cell(t, "total");
	cli_table_cell(t, "%s", "");
	for (unsigned int k = 0; k < l->n; k++) {
		uint64_t sum = 0;

		for (unsigned int i = 0; i < n; i++)
			sum += cli_ctr_get(w[i], l->name[k]);
		cli_table_cell(t, "%" PRIu64, sum);
	}
}

/* Drop from l what is not a verdict and is zero in every worker. */
static void
drop_zero(struct cli_ctr_list *l, const json_t **w, unsigned int n)
{
	unsigned int kept = 0;

	for (unsigned int k = 0; k < l->n; k++) {
		bool zero = cli_ctr_group(l->name[k]) != CLI_CTR_SUMMARY;

		for (unsigned int i = 0; zero && i < n; i++)
			zero = cli_ctr_get(w[i], l->name[k]) == 0;
		if (!zero)
			l->name[kept++] = l->name[k];
	}
	l->n = kept;
}

/*
 * The workers' dicts in order; a count above what the reply holds means
 * DPDK cut the reply at 16 KiB (or at 256 keys): say so.
 */
static int
collect(const json_t *d, const json_t **w, unsigned int *n)
{
	uint64_t count;

	*n = 0;
	if (!cli_json_u64(json_object_get(d, "count"), &count)) {
		fprintf(stderr, WHO ": the reply has no worker count\n");
		return -1;
	}
	while (*n < count && *n < CLI_CTR_MAX && (w[*n] = worker_dict(d, *n)) != NULL)
		(*n)++;
	if (*n < count) {
		fprintf(stderr, WHO ": the reply holds %u of the %" PRIu64 " workers (telemetry cut it): use `workers INDEX`\n",
				*n, count);
		return -1;
	}
	return 0;
}

static int
print_workers(const json_t *d, bool all)
{
	static const char *const skip[] = {"lcore", NULL};
	static const json_t *w[CLI_CTR_MAX];
	char align[CLI_CTR_MAX + 3];
	struct cli_ctr_list l;
	struct cli_table t;
	unsigned int n;
	int rc, trunc;

	trunc = collect(d, w, &n);
	cli_ctr_list(&l, w, n, skip);
	if (!all)
		drop_zero(&l, w, n);
	memset(align, 'r', l.n + 2);
	align[l.n + 2] = '\0';
	align[0] = 'l';
	cli_table_init(&t, align);
	header(&t, &l);
	for (unsigned int i = 0; i < n; i++)
		worker_row(&t, &l, i, w[i]);
	if (n > 1)
		total_row(&t, &l, w, n);
	rc = cli_table_print(&t, stdout);
	cli_table_free(&t);
	return rc < 0 || trunc < 0 ? -1 : 0;
}

static int
print_worker(const json_t *d, const char *index, bool all)
{
	const char *names[CLI_PORTS_MAX];
	const json_t *ports[CLI_PORTS_MAX];
	char align[CLI_PORTS_MAX + 2], lcore[32];
	struct cli_table t;
	unsigned int n;
	int rc;

	n = cli_port_dicts(d, names, ports);
	cli_json_text(json_object_get(d, "lcore"), lcore, sizeof(lcore));
	printf("worker %s, lcore %s\n\n", index, lcore);
	memset(align, 'r', n + 1);
	align[n + 1] = '\0';
	align[0] = 'l';
	cli_table_init(&t, align);
	cli_table_row(&t);
	cli_table_cell(&t, "%s", "");
	for (unsigned int i = 0; i < n; i++)
		cli_table_cell(&t, "%s", names[i]);
	cli_ctr_rows(&t, ports, n, NULL, all);
	rc = cli_table_print(&t, stdout);
	cli_table_free(&t);
	return rc;
}

/* A worker index: decimal digits only, so "1,2" cannot smuggle a parameter. */
static int
check_index(const char *s)
{
	char *end;

	errno = 0;
	if (s[0] < '0' || s[0] > '9' || strtoul(s, &end, 10) > UINT16_MAX || errno != 0 ||
			*end != '\0') {
		fprintf(stderr, WHO ": INDEX \"%s\": expected a worker number, 0 for the first\n", s);
		return -1;
	}
	return 0;
}

int
cli_workers(int argc, char **argv, struct cli_opts *o)
{
	const char *index;
	json_t *d;
	int first, rc;

	first = cli_opts_parse(argc, argv, "workers", CLI_OPT_JSON | CLI_OPT_ALL, o,
			cli_workers_usage);
	if (first < 0 || cli_opts_operands("workers", argv + first, argc - first, 0, 1) < 0)
		return CLI_EXIT_USAGE;
	index = first < argc ? argv[first] : NULL;
	if (index != NULL && check_index(index) < 0)
		return CLI_EXIT_USAGE;
	if (index == NULL)
		rc = cli_tel_query(o, WHO, "/sipshield/workers", NULL, &d);
	else
		rc = cli_tel_query(o, WHO, "/sipshield/worker", index, &d);
	if (rc < 0)
		return CLI_EXIT_FAIL;
	if (o->json)
		rc = cli_json_print(d);
	else if (index == NULL)
		rc = print_workers(d, o->all);
	else
		rc = print_worker(d, index, o->all);
	json_decref(d);
	return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
