/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* sipshield-cli: subcommands share this interface. */

#pragma once

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses of every subcommand. */
#define CLI_EXIT_OK	0
#define CLI_EXIT_FAIL	1	/* the command ran and something failed */
#define CLI_EXIT_USAGE	2	/* bad arguments */

/* `check`: what sipshield would do with messages in files. */
int cli_check(int argc, char **argv);
void cli_check_usage(FILE *out);

/*
 * Options of the telemetry subcommands. They may come before the
 * subcommand's name (`sipshield-cli --json stats`) or after it; `given`
 * records which were seen, so that a subcommand refuses those that mean
 * nothing to it instead of ignoring them.
 */
enum cli_opt {
	CLI_OPT_JSON = 1 << 0,		/* --json */
	CLI_OPT_ALL = 1 << 1,		/* --all */
	CLI_OPT_INTERVAL = 1 << 2,	/* --interval S */
	CLI_OPT_COUNT = 1 << 3,		/* --count N */
	CLI_OPT_OUTPUT = 1 << 4,	/* --output FILE */
	CLI_OPT_PREFIX = 1 << 5,	/* --file-prefix P: every subcommand */
	CLI_OPT_RUNDIR = 1 << 6,	/* --runtime-dir DIR: every subcommand */
	/* fleet: where the fleet's Redis is (DESIGN §3a) */
	CLI_OPT_REDIS = 1 << 7,		/* --redis HOST:PORT|unix:PATH */
	CLI_OPT_KEY_PREFIX = 1 << 8,	/* --key-prefix P */
	CLI_OPT_PASSWORD_FILE = 1 << 9,	/* --password-file FILE */
	CLI_OPT_CONFIG = 1 << 10,	/* --config FILE: its [fleet] section */
	CLI_OPT_MAXLEN = 1 << 11,	/* --stream-maxlen N */
};

struct cli_opts {
	const char *file_prefix;	/* EAL --file-prefix of the instance */
	const char *runtime_dir;	/* NULL: the directory EAL would pick */
	const char *output;		/* prometheus: the file to replace */
	bool json;			/* print the reply's JSON */
	bool all;			/* show counters that are zero */
	double interval;		/* watch: seconds between samples */
	unsigned long count;		/* watch: frames to draw; 0 = until q */
	const char *redis;		/* fleet: --redis, as given */
	const char *key_prefix;		/* fleet: --key-prefix */
	const char *password_file;	/* fleet: --password-file */
	const char *config;		/* fleet: --config */
	unsigned long stream_maxlen;	/* fleet: --stream-maxlen, 0: not given */
	unsigned int given;		/* enum cli_opt bits seen so far */
};

/* One telemetry subcommand: argv[0] is its name. */
typedef int (*cli_cmd_fn)(int argc, char **argv, struct cli_opts *o);

/*
 * Parse the options of argv (argv[0] is the subcommand's name) into o,
 * accepting those in `accepted` (a set of enum cli_opt) besides
 * --file-prefix, --runtime-dir and --help. --help prints usage() to
 * stdout and exits 0. Returns the index of the first operand, or -1 after
 * a message on stderr (bad usage).
 */
int cli_opts_parse(int argc, char **argv, const char *name, unsigned int accepted,
		struct cli_opts *o, void (*usage)(FILE *out));

/*
 * The options before the subcommand's name, in main's argv; --help there
 * prints usage() to stdout and exits 0. Returns the index of the
 * subcommand's name (argc when there is none), or -1 after a message on
 * stderr (bad usage).
 */
int cli_opts_parse_global(int argc, char **argv, struct cli_opts *o, void (*usage)(FILE *out));

/*
 * Check that a subcommand got from min to max operands (ops[0..n)).
 * Returns 0, or -1 after a message (bad usage).
 */
int cli_opts_operands(const char *name, char **ops, int n, int min, int max);

/* The defaults: prefix "rte", interval 1 s, run until q. */
void cli_opts_init(struct cli_opts *o);

/* The text of the options every telemetry subcommand takes, for usages. */
extern const char cli_opts_common_help[];

/* The exit status text shared by the telemetry subcommands' usages. */
extern const char cli_opts_exit_help[];

/* Telemetry subcommands and their usages (stats.c, workers.c, ...). */
int cli_stats(int argc, char **argv, struct cli_opts *o);
void cli_stats_usage(FILE *out);
int cli_workers(int argc, char **argv, struct cli_opts *o);
void cli_workers_usage(FILE *out);
int cli_ports(int argc, char **argv, struct cli_opts *o);
void cli_ports_usage(FILE *out);
int cli_config(int argc, char **argv, struct cli_opts *o);
void cli_config_usage(FILE *out);
int cli_watch(int argc, char **argv, struct cli_opts *o);
void cli_watch_usage(FILE *out);
int cli_moved(int argc, char **argv, struct cli_opts *o);
void cli_moved_usage(FILE *out);
int cli_prometheus(int argc, char **argv, struct cli_opts *o);
void cli_prometheus_usage(FILE *out);
/* mode.c: show or switch the mode and the rules live (Safe rollout) */
int cli_mode(int argc, char **argv, struct cli_opts *o);
void cli_mode_usage(FILE *out);
int cli_rule(int argc, char **argv, struct cli_opts *o);
void cli_rule_usage(FILE *out);
/* fleet.c: the fleet's table in Redis (hiredis), and the node's sync state */
int cli_fleet(int argc, char **argv, struct cli_opts *o);
void cli_fleet_usage(FILE *out);
