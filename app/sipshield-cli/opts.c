/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Options of the telemetry subcommands. One table for all of them, so
 * that an option means the same everywhere and may come before or after
 * the subcommand's name; each subcommand says which ones it accepts and
 * refuses the others rather than silently ignoring them.
 */

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Bounds of --interval: below 50 ms the CLI would be the load. */
#define INTERVAL_MIN	0.05
#define INTERVAL_MAX	3600.0

enum {
	OPT_PREFIX = 256,
	OPT_RUNDIR,
	OPT_REDIS,
	OPT_KEY_PREFIX,
	OPT_PASSWORD_FILE,
	OPT_CONFIG,
	OPT_MAXLEN,
};

static const struct option longopts[] = {
	{"json", no_argument, NULL, 'j'},
	{"all", no_argument, NULL, 'a'},
	{"interval", required_argument, NULL, 'i'},
	{"count", required_argument, NULL, 'n'},
	{"output", required_argument, NULL, 'o'},
	{"file-prefix", required_argument, NULL, OPT_PREFIX},
	{"runtime-dir", required_argument, NULL, OPT_RUNDIR},
	{"redis", required_argument, NULL, OPT_REDIS},
	{"key-prefix", required_argument, NULL, OPT_KEY_PREFIX},
	{"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"stream-maxlen", required_argument, NULL, OPT_MAXLEN},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Leading ':' for a ':' return on a missing value: we word the message. */
static const char shortopts[] = ":jai:n:o:h";

const char cli_opts_common_help[] =
	"  --file-prefix P     the instance: sipshield's EAL --file-prefix\n"
	"                      (default rte).\n"
	"  --runtime-dir DIR   where EAL put its runtime files. Default, as EAL\n"
	"                      picks it: $RUNTIME_DIRECTORY when set, else /var/run\n"
	"                      for root, else $XDG_RUNTIME_DIR, else /tmp. The\n"
	"                      socket is DIR/dpdk/P/dpdk_telemetry.v2.\n"
	"  -h, --help          this text.\n";

const char cli_opts_exit_help[] =
	"Exit status: 0 success; 1 failure: sipshield is not running, the command\n"
	"failed (the server's message is printed) or the reply was malformed;\n"
	"2 bad usage.\n";

void
cli_opts_init(struct cli_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->file_prefix = "rte";
	o->interval = 1.0;
}

static const char *
opt_name(unsigned int bit)
{
	switch (bit) {
	case CLI_OPT_JSON:
		return "--json";
	case CLI_OPT_ALL:
		return "--all";
	case CLI_OPT_INTERVAL:
		return "--interval";
	case CLI_OPT_COUNT:
		return "--count";
	case CLI_OPT_OUTPUT:
		return "--output";
	case CLI_OPT_PREFIX:
		return "--file-prefix";
	case CLI_OPT_REDIS:
		return "--redis";
	case CLI_OPT_KEY_PREFIX:
		return "--key-prefix";
	case CLI_OPT_PASSWORD_FILE:
		return "--password-file";
	case CLI_OPT_CONFIG:
		return "--config";
	case CLI_OPT_MAXLEN:
		return "--stream-maxlen";
	default:
		return "--runtime-dir";
	}
}

static int
parse_interval(const char *who, const char *arg, struct cli_opts *o)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(v) ||
			v < INTERVAL_MIN || v > INTERVAL_MAX) {
		fprintf(stderr, "%s: --interval \"%s\": expected seconds, %g to %g\n", who, arg,
				INTERVAL_MIN, INTERVAL_MAX);
		return -1;
	}
	o->interval = v;
	return 0;
}

static int
parse_count(const char *who, const char *arg, struct cli_opts *o)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' || v == 0) {
		fprintf(stderr, "%s: --count \"%s\": expected a whole number from 1\n", who, arg);
		return -1;
	}
	o->count = v;
	return 0;
}

/* A prefix names a directory under <runtime-dir>/dpdk: one component. */
static int
parse_prefix(const char *who, const char *arg, struct cli_opts *o)
{
	if (arg[0] == '\0' || strchr(arg, '/') != NULL || strcmp(arg, ".") == 0 ||
			strcmp(arg, "..") == 0) {
		fprintf(stderr, "%s: --file-prefix \"%s\": expected a name without '/'\n", who,
				arg);
		return -1;
	}
	o->file_prefix = arg;
	return 0;
}

static int
parse_path(const char *who, const char *opt, const char *arg, const char **dst)
{
	if (arg[0] == '\0') {
		fprintf(stderr, "%s: %s needs a non-empty value\n", who, opt);
		return -1;
	}
	*dst = arg;
	return 0;
}

/* Writers trim the fleet's log to about N entries (lib/conf's bounds). */
static int
parse_maxlen(const char *who, const char *arg, struct cli_opts *o)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' || v < 100 ||
			v > 1000000000) {
		fprintf(stderr, "%s: --stream-maxlen \"%s\": expected a whole number 100..1000000000\n",
				who, arg);
		return -1;
	}
	o->stream_maxlen = v;
	return 0;
}

/*
 * One option; who prefixes messages ("sipshield-cli stats"). Returns 0,
 * 1 for --help, or -1 after a message.
 */
static int
take_opt(int c, char **argv, const char *who, struct cli_opts *o)
{
	switch (c) {
	case 'j':
		o->given |= CLI_OPT_JSON;
		o->json = true;
		return 0;
	case 'a':
		o->given |= CLI_OPT_ALL;
		o->all = true;
		return 0;
	case 'i':
		o->given |= CLI_OPT_INTERVAL;
		return parse_interval(who, optarg, o);
	case 'n':
		o->given |= CLI_OPT_COUNT;
		return parse_count(who, optarg, o);
	case 'o':
		o->given |= CLI_OPT_OUTPUT;
		return parse_path(who, "--output", optarg, &o->output);
	case OPT_PREFIX:
		o->given |= CLI_OPT_PREFIX;
		return parse_prefix(who, optarg, o);
	case OPT_RUNDIR:
		o->given |= CLI_OPT_RUNDIR;
		return parse_path(who, "--runtime-dir", optarg, &o->runtime_dir);
	case OPT_REDIS:
		o->given |= CLI_OPT_REDIS;
		return parse_path(who, "--redis", optarg, &o->redis);
	case OPT_KEY_PREFIX:
		o->given |= CLI_OPT_KEY_PREFIX;
		return parse_path(who, "--key-prefix", optarg, &o->key_prefix);
	case OPT_PASSWORD_FILE:
		o->given |= CLI_OPT_PASSWORD_FILE;
		return parse_path(who, "--password-file", optarg, &o->password_file);
	case OPT_CONFIG:
		o->given |= CLI_OPT_CONFIG;
		return parse_path(who, "--config", optarg, &o->config);
	case OPT_MAXLEN:
		o->given |= CLI_OPT_MAXLEN;
		return parse_maxlen(who, optarg, o);
	case 'h':
		return 1;
	case ':':
		fprintf(stderr, "%s: %s needs a value (try --help)\n", who, argv[optind - 1]);
		return -1;
	default:
		/*
		 * A long option leaves its whole word behind optind; a short
		 * one only its letter, in optopt.
		 */
		if (strncmp(argv[optind - 1], "--", 2) == 0)
			fprintf(stderr, "%s: unknown option \"%s\" (try --help)\n", who,
					argv[optind - 1]);
		else
			fprintf(stderr, "%s: unknown option -%c (try --help)\n", who, optopt);
		return -1;
	}
}

int
cli_opts_parse(int argc, char **argv, const char *name, unsigned int accepted,
		struct cli_opts *o, void (*usage)(FILE *out))
{
	unsigned int refused;
	char who[64];
	int c, rc;

	snprintf(who, sizeof(who), "sipshield-cli %s", name);
	accepted |= CLI_OPT_PREFIX | CLI_OPT_RUNDIR;
	/* 0, not 1: glibc then forgets the '+' of the parse before this one */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		rc = take_opt(c, argv, who, o);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			usage(stdout);
			exit(CLI_EXIT_OK);
		}
	}
	refused = o->given & ~accepted;
	if (refused != 0) {
		fprintf(stderr, "%s: %s does not apply to %s (try --help)\n", who,
				opt_name(refused & -refused), name);
		return -1;
	}
	return optind;
}

int
cli_opts_parse_global(int argc, char **argv, struct cli_opts *o, void (*usage)(FILE *out))
{
	/* '+': stop at the subcommand's name, its options are its own */
	static const char global_shortopts[] = "+:jai:n:o:h";
	int c, rc;

	/*
	 * Without leading options getopt is left alone: `check` parses its
	 * options with getopt from a fresh state, as it always has.
	 */
	if (argc < 2 || argv[1][0] != '-')
		return 1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, global_shortopts, longopts, NULL)) != -1) {
		rc = take_opt(c, argv, "sipshield-cli", o);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			usage(stdout);
			exit(CLI_EXIT_OK);
		}
	}
	return optind;
}

int
cli_opts_operands(const char *name, char **ops, int n, int min, int max)
{
	if (n > max) {
		fprintf(stderr, "sipshield-cli %s: unexpected \"%s\" (try --help)\n", name, ops[max]);
		return -1;
	}
	if (n < min) {
		fprintf(stderr, "sipshield-cli %s: missing operand (try --help)\n", name);
		return -1;
	}
	return 0;
}
