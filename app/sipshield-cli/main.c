/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* sipshield-cli: dispatch to a subcommand. */

#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	cli_cmd_fn run;		/* NULL: check, which has its own options */
	void (*usage)(FILE *out);
};

static const struct command commands[] = {
	{"check", NULL, cli_check_usage},
	{"stats", cli_stats, cli_stats_usage},
	{"workers", cli_workers, cli_workers_usage},
	{"ports", cli_ports, cli_ports_usage},
	{"config", cli_config, cli_config_usage},
	{"watch", cli_watch, cli_watch_usage},
	{"moved", cli_moved, cli_moved_usage},
	{"prometheus", cli_prometheus, cli_prometheus_usage},
	{"mode", cli_mode, cli_mode_usage},
	{"rule", cli_rule, cli_rule_usage},
	{"fleet", cli_fleet, cli_fleet_usage},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *out)
{
	fputs("Usage: sipshield-cli [OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"Operator's tool for sipshield, the inline SIP edge filter. All commands\n"
		"but check talk to a running sipshield over DPDK telemetry; fleet talks\n"
		"to the fleet's Redis too.\n"
		"\n"
		"Commands:\n"
		"  stats       the counters, summed over workers and ports\n"
		"  workers     the verdicts of each worker, or every counter of one\n"
		"  ports       each port's ethdev statistics and sipshield counters\n"
		"  config      the configuration in force\n"
		"  watch       live per-second rates, refreshed like top\n"
		"  moved       get, add, del, reload or count moved-table entries\n"
		"  prometheus  the counters in Prometheus text format\n"
		"  mode        show or switch live: monitor (count only) or enforce\n"
		"  rule        show or switch one rule live (answer_423, reply_limit, ...)\n"
		"  fleet       the fleet's moved table in Redis: add, del, load, status\n"
		"  check       what sipshield would do with SIP messages in files (offline)\n"
		"  help        this text, or `help COMMAND` for a command's own help\n"
		"\n"
		"Options, before or after COMMAND (check takes only its own, after it):\n"
		"  --file-prefix P     the instance: sipshield's EAL --file-prefix\n"
		"                      (default rte).\n"
		"  --runtime-dir DIR   where EAL put its runtime files (default as EAL:\n"
		"                      $RUNTIME_DIRECTORY, /var/run for root,\n"
		"                      $XDG_RUNTIME_DIR, /tmp).\n"
		"  -j, --json          print the reply's JSON (stats, workers, ports,\n"
		"                      config, moved).\n"
		"  -a, --all           show counters that are zero too.\n"
		"\n"
		"Run `sipshield-cli COMMAND --help` for the options of a command.\n"
		"\n"
		"Exit status: 0 success, 1 failure (sipshield not running, command\n"
		"failed), 2 bad usage.\n", out);
}

static const struct command *
find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int
help(int argc, char **argv)
{
	const struct command *c = argc > 1 ? find(argv[1]) : NULL;

	if (argc > 1 && c == NULL) {
		fprintf(stderr, "sipshield-cli help: unknown command \"%s\"\n", argv[1]);
		return CLI_EXIT_USAGE;
	}
	if (c != NULL)
		c->usage(stdout);
	else
		usage(stdout);
	return CLI_EXIT_OK;
}

int
main(int argc, char **argv)
{
	const struct command *c;
	struct cli_opts o;
	int first;

	cli_opts_init(&o);
	first = cli_opts_parse_global(argc, argv, &o, usage);
	if (first < 0)
		return CLI_EXIT_USAGE;
	if (first >= argc) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[first], "help") == 0)
		return help(argc - first, argv + first);
	c = find(argv[first]);
	if (c == NULL) {
		fprintf(stderr, "sipshield-cli: unknown command \"%s\" (try --help)\n", argv[first]);
		return CLI_EXIT_USAGE;
	}
	if (c->run != NULL)
		return c->run(argc - first, argv + first, &o);
	if (o.given != 0) {
		fprintf(stderr, "sipshield-cli: check takes its options after its name (try check --help)\n");
		return CLI_EXIT_USAGE;
	}
	return cli_check(argc - first, argv + first);
}
