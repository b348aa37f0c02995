/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* `sipshield-cli stats`: the node's counters, summed (/sipshield/stats). */

#include "cli.h"
#include "counters.h"
#include "table.h"
#include "telemetry.h"

void
cli_stats_usage(FILE *out)
{
	fputs("Usage: sipshield-cli stats [--all] [--json] [--file-prefix P] [--runtime-dir DIR]\n"
		"\n"
		"Print the counters of the running sipshield, summed over all workers and\n"
		"both ports (telemetry command /sipshield/stats), one per line: name and\n"
		"value, in four groups a blank line apart:\n"
		"\n"
		"  verdicts   rx, tx, tx_failed, passed, answered, dropped, sent_423,\n"
		"             sent_302. Every frame received ends in one of passed,\n"
		"             answered, dropped: rx = passed + answered + dropped.\n"
		"  drops      why frames were dropped (dropped_*, ack_absorbed); they\n"
		"             sum to dropped.\n"
		"  passes     why frames passed (passed_*, unfiltered_*, keepalives,\n"
		"             responses); they sum to passed.\n"
		"  requests   SIP requests seen on the outside port, by method (req_*).\n"
		"\n"
		"The verdicts are always shown; the other counters only when they are not\n"
		"zero, unless --all. Counters a newer sipshield reports and this CLI does\n"
		"not know come last.\n"
		"\n"
		"Options:\n"
		"  -a, --all           show the counters that are zero too.\n"
		"  -j, --json          print the reply as it came, as indented JSON:\n"
		"                      {\"rx\": N, \"tx\": N, ...}.\n", out);
	fputs(cli_opts_common_help, out);
	fputs("\n", out);
	fputs(cli_opts_exit_help, out);
	fputs("\n"
		"Examples:\n"
		"  sipshield-cli stats\n"
		"  sipshield-cli stats --all --file-prefix edge1\n"
		"  sipshield-cli stats --json | jq .dropped\n", out);
}

int
cli_stats(int argc, char **argv, struct cli_opts *o)
{
	const char *who = "sipshield-cli stats";
	struct cli_table t;
	json_t *d;
	int first, rc;

	first = cli_opts_parse(argc, argv, "stats", CLI_OPT_JSON | CLI_OPT_ALL, o,
			cli_stats_usage);
	if (first < 0 || cli_opts_operands("stats", argv + first, argc - first, 0, 0) < 0)
		return CLI_EXIT_USAGE;
	if (cli_tel_query(o, who, "/sipshield/stats", NULL, &d) < 0)
		return CLI_EXIT_FAIL;
	if (o->json) {
		rc = cli_json_print(d);
	} else {
		cli_table_init(&t, "lr");
		cli_ctr_rows(&t, (const json_t *const[]){d}, 1, NULL, o->all);
		rc = cli_table_print(&t, stdout);
		cli_table_free(&t);
	}
	json_decref(d);
	return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
