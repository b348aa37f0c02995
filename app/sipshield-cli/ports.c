/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * `sipshield-cli ports`: each port's ethdev statistics beside sipshield's
 * own counters for it (/sipshield/ports), a column per port.
 */

#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "counters.h"
#include "table.h"
#include "telemetry.h"

/* rte_eth_stats as /sipshield/ports names it: what the NIC saw. */
static const char *const ethdev_stats[] = {
	"ipackets", "opackets", "ibytes", "obytes", "imissed", "ierrors", "oerrors", "rx_nombuf",
};

/* Rows that are not counters, or are ethdev's: kept out of the counter rows. */
static const char *const not_counters[] = {
	"port_id", "name", "ipackets", "opackets", "ibytes", "obytes", "imissed", "ierrors",
	"oerrors", "rx_nombuf", NULL,
};

void
cli_ports_usage(FILE *out)
{
	fputs("Usage: sipshield-cli ports [--all] [--json] [--file-prefix P] [--runtime-dir DIR]\n"
		"\n"
		"Print sipshield's ports (telemetry command /sipshield/ports), a column per\n"
		"port: outside, and inside when sipshield has two arms. Rows:\n"
		"\n"
		"  port_id, name   the DPDK port and its device name.\n"
		"  ipackets .. rx_nombuf\n"
		"                  the ethdev statistics (rte_eth_stats), what the NIC\n"
		"                  and its driver counted: imissed are frames the NIC\n"
		"                  dropped because the workers did not poll fast enough,\n"
		"                  rx_nombuf frames lost for want of mbufs.\n"
		"  rx .. dropped   sipshield's verdict counters for frames that arrived on\n"
		"                  the port (tx and tx_failed: that left by it), summed\n"
		"                  over the workers.\n"
		"\n"
		"imissed, ierrors, oerrors and rx_nombuf are shown only when one port has\n"
		"a count, unless --all.\n"
		"\n"
		"Options:\n"
		"  -a, --all           show the error counters that are zero too.\n"
		"  -j, --json          print the reply as it came, as indented JSON.\n", out);
	fputs(cli_opts_common_help, out);
	fputs("\n", out);
	fputs(cli_opts_exit_help, out);
	fputs("\n"
		"Example:\n"
		"  sipshield-cli ports\n", out);
}

/* The packet and byte counts always; an error counter when a port has one. */
static bool
ethdev_shown(unsigned int k, const json_t **ports, unsigned int n, bool all)
{
	if (all || k < 4)
		return true;
	for (unsigned int i = 0; i < n; i++)
		if (cli_ctr_get(ports[i], ethdev_stats[k]) != 0)
			return true;
	return false;
}

static void
text_row(struct cli_table *t, const char *name, const json_t **ports, unsigned int n)
{
	char text[128];

	cli_table_row(t);
	cli_table_cell(t, "%s", name);
	for (unsigned int i = 0; i < n; i++) {
		cli_json_text(json_object_get(ports[i], name), text, sizeof(text));
		cli_table_cell(t, "%s", text);
	}
}

static void
ethdev_rows(struct cli_table *t, const json_t **ports, unsigned int n, bool all)
{
	for (unsigned int k = 0; k < sizeof(ethdev_stats) / sizeof(ethdev_stats[0]); k++) {
		if (!ethdev_shown(k, ports, n, all))
			continue;
		cli_table_row(t);
		cli_table_cell(t, "%s", ethdev_stats[k]);
		for (unsigned int i = 0; i < n; i++)
			cli_table_cell(t, "%" PRIu64, cli_ctr_get(ports[i], ethdev_stats[k]));
	}
}

static int
print_ports(const json_t *d, bool all)
{
	const char *names[CLI_PORTS_MAX];
	const json_t *ports[CLI_PORTS_MAX];
	char align[CLI_PORTS_MAX + 2];
	struct cli_table t;
	unsigned int n;
	int rc;

	n = cli_port_dicts(d, names, ports);
	memset(align, 'r', n + 1);
	align[n + 1] = '\0';
	align[0] = 'l';
	cli_table_init(&t, align);
	cli_table_row(&t);
	cli_table_cell(&t, "%s", "");
	for (unsigned int i = 0; i < n; i++)
		cli_table_cell(&t, "%s", names[i]);
	text_row(&t, "port_id", ports, n);
	text_row(&t, "name", ports, n);
	cli_table_blank(&t);
	ethdev_rows(&t, ports, n, all);
	cli_table_blank(&t);
	cli_ctr_rows(&t, ports, n, not_counters, all);
	rc = cli_table_print(&t, stdout);
	cli_table_free(&t);
	return rc;
}

int
cli_ports(int argc, char **argv, struct cli_opts *o)
{
	json_t *d;
	int first, rc;

	first = cli_opts_parse(argc, argv, "ports", CLI_OPT_JSON | CLI_OPT_ALL, o,
			cli_ports_usage);
	if (first < 0 || cli_opts_operands("ports", argv + first, argc - first, 0, 0) < 0)
		return CLI_EXIT_USAGE;
	if (cli_tel_query(o, "sipshield-cli ports", "/sipshield/ports", NULL, &d) < 0)
		return CLI_EXIT_FAIL;
	rc = o->json ? cli_json_print(d) : print_ports(d, o->all);
	json_decref(d);
	return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
