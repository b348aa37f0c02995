/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The command line after `--`. It is read before EAL starts, so that a
 * typo costs no EAL start-up and its message is the only line printed.
 */

#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "app.h"

#define STATS_INTERVAL_MAX	86400
#define EXIT_WHEN_IDLE_MAX	3600

enum {
	OPT_EXIT_WHEN_IDLE = 256,
	OPT_CHECK_CONFIG,
};

static const struct option long_opts[] = {
	{"config", required_argument, NULL, 'c'},
	{"stats-interval", required_argument, NULL, 's'},
	{"exit-when-idle", required_argument, NULL, OPT_EXIT_WHEN_IDLE},
	{"check-config", no_argument, NULL, OPT_CHECK_CONFIG},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

void
app_usage(const char *prgname)
{
	RTE_SET_USED(prgname);	/* the page names the command, not the path */
	printf(
"NAME\n"
"    %1$s - inline SIP-over-UDP edge filter on DPDK\n"
"\n"
"SYNOPSIS\n"
"    %1$s [EAL options] -- --config FILE [--stats-interval S] [--exit-when-idle S]\n"
"    %1$s --check-config --config FILE\n"
"    %1$s -- --help | --version\n"
"\n"
"DESCRIPTION\n"
"    sipshield sits between two DPDK ports: outside, facing SIP clients, and\n"
"    inside, facing the registrars. Each packet from the outside port is\n"
"    either answered by sipshield itself, turned around in place on the port\n"
"    it came from:\n"
"      423 Interval Too Brief  a REGISTER or SUBSCRIBE expiring too soon;\n"
"      302 Moved Temporarily   a request for a user in the moved table;\n"
"    or dropped (garbage on a SIP port, the ACK for sipshield's own 302), or\n"
"    passed to the inside port byte for byte. Packets from the inside port\n"
"    always pass. With one port (inside = none), passed packets leave by\n"
"    the port they came in on. Every packet is counted with the reason.\n"
"\n"
"OPTIONS (after --)\n"
"    -c, --config FILE\n"
"        The configuration (INI, required); see CONFIGURATION.\n"
"    -s, --stats-interval S\n"
"        Print a one-line counter summary every S seconds (1..%2$d;\n"
"        default: off).\n"
"    --exit-when-idle S\n"
"        Stop as on SIGINT once no packet has arrived for S seconds\n"
"        (1..%3$d). A test and demo aid: net_pcap replays its file once at\n"
"        start-up, so the run is over when the counters stop moving.\n"
"    --check-config\n"
"        Read and validate the config, the moved table, the source lists,\n"
"        the scanner patterns and the tag secret, print what each holds\n"
"        (or every error with file:line) and exit 0 (valid) or 1. Starts no\n"
"        EAL, no port; needs no NIC and no hugepages (`--` may be left out).\n"
"    -h, --help\n"
"        This text. `--help` before `--` also lists every EAL option.\n"
"    -V, --version\n"
"        The version.\n"
"\n"
"EAL OPTIONS (before --), the ones sipshield is run with\n"
"    -l LIST\n"
"        The lcores. Each runs one worker that polls one RX queue per\n"
"        port; with a single lcore (-l 0) the main lcore is the worker,\n"
"        otherwise the first lcore only supervises. Ports with fewer\n"
"        queues than workers (vdevs have one) leave the others idle.\n"
"    --no-huge -m MB\n"
"        Run without hugepages. -m 256 is enough for two ports at 1024\n"
"        descriptors and a moved table of 100,000 entries; a table of\n"
"        1,000,000 entries needs about 512 more. With hugepages, -m is\n"
"        not needed.\n"
"    --no-pci --vdev net_pcap0,rx_pcap=in.pcap,tx_pcap=out0.pcap\n"
"        A port that reads and writes pcap files: tests and demos without\n"
"        a NIC. Output files are complete once sipshield has stopped.\n"
"    --vdev net_af_packet0,iface=IF\n"
"        A kernel interface (veth in a network namespace) as a port.\n"
"    -a PCI_ADDRESS\n"
"        Use this NIC (repeat for two ports); port ids follow the order.\n"
"    --file-prefix NAME\n"
"        Required to run several instances on one host; telemetry clients\n"
"        (sipshield-cli, dpdk-telemetry.py) find the instance by it.\n"
"\n"
"CONFIGURATION\n"
"    [ports]      outside = PORT_ID\n"
"                 inside = PORT_ID | none       (none: one-armed)\n"
"    [filter]     min_expires = 1..3600          (default 60)\n"
"                 min_expires_subscribe = 1..3600 (default 60)\n"
"                 redirect_methods = INVITE, ... (default INVITE)\n"
"                 sip_ports = 5060, ...          (UDP destination ports)\n"
"                 moved_table = FILE | none      (user[@host] new-uri [expires])\n"
"                 tag_secret = FILE | none       (32 hex digits, mode 0600)\n"
"                 mode = enforce | monitor       (monitor: count would_*, pass all)\n"
"                 answer_423, answer_302, drop_not_sip, drop_scanners,\n"
"                 request_limit, reply_limit = on | off  (per-rule switches)\n"
"    [sources]    allow = FILE | none, deny = FILE | none  (IPv4/IPv6 prefixes)\n"
"    [dataplane]  idle_sleep_us = 0..100000     (back-off when idle; 0: poll)\n"
"                 rx_desc, tx_desc = 64..16384   (per queue, power of two)\n"
"    [fleet]      redis = HOST:PORT | unix:PATH (the moved table from Redis;\n"
"                 key_prefix, password_file, stream_maxlen: docs/FLEET.md)\n"
"    config/sipshield.conf documents every key. A bad value stops start-up\n"
"    with file:line and the problem; so does a bad moved-table line.\n"
"\n"
"COUNTERS\n"
"    On exit sipshield prints every counter, in total and per port. For\n"
"    each port, rx = passed + answered + dropped, and each group is split\n"
"    by reason (passed_*, unfiltered_*, keepalives, responses, sent_423,\n"
"    sent_302, dropped_*, ack_absorbed); tx and tx_failed count where\n"
"    packets leave.\n"
"\n"
"SIGNALS\n"
"    SIGINT, SIGTERM  stop the workers, print the final counters, stop and\n"
"                     close the ports (net_pcap flushes its files), exit 0.\n"
"\n"
"EXIT STATUS\n"
"    0  stopped by SIGINT, SIGTERM or --exit-when-idle; --help, --version.\n"
"    1  start-up failed: a bad option, configuration or moved-table file,\n"
"       a missing port, a port the driver refuses, too little memory. The\n"
"       cause is printed on one line.\n"
"\n"
"EXAMPLES\n"
"    Replay a capture, two pcap ports, no NIC, no hugepages:\n"
"      %1$s --no-huge -m 256 --no-pci -l 0 --file-prefix demo \\\n"
"        --vdev net_pcap0,rx_pcap=in.pcap,tx_pcap=out0.pcap \\\n"
"        --vdev net_pcap1,rx_pcap=empty.pcap,tx_pcap=out1.pcap \\\n"
"        -- --config sipshield.conf --exit-when-idle 2\n"
"    Two NICs, four workers, a summary every 10 seconds:\n"
"      %1$s -l 0-4 -a 0000:03:00.0 -a 0000:03:00.1 \\\n"
"        -- --config /etc/sipshield/sipshield.conf --stats-interval 10\n",
		APP_NAME, STATS_INTERVAL_MAX, EXIT_WHEN_IDLE_MAX);
}

static int
parse_seconds(const char *opt, const char *s, unsigned int max, unsigned int *out, char *err,
		size_t errlen)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < 1 || v > max) {
		snprintf(err, errlen, "%s \"%s\": expected whole seconds 1..%u", opt, s, max);
		return -ERANGE;
	}
	*out = (unsigned int)v;
	return 0;
}

/* The arguments after `--`, or none. */
static int
app_part(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return argc;
}

static void
print_version(void)
{
	printf("%s %s\n", APP_NAME, SS_VERSION);
}

static bool
asks_check(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--check-config") == 0)
			return true;
	return false;
}

static bool
asks_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

static int
parse_opts(struct app_args *args, int n, char **v, char *err, size_t errlen)
{
	int c, ret;

	/* 0, not 1: glibc then resets its state, and EAL parses afterwards */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(n, v, ":c:s:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			args->config = optarg;
			break;
		case 's':
			ret = parse_seconds("--stats-interval", optarg, STATS_INTERVAL_MAX,
					&args->stats_interval, err, errlen);
			if (ret < 0)
				return ret;
			break;
		case OPT_CHECK_CONFIG:
			args->check_config = true;
			break;
		case OPT_EXIT_WHEN_IDLE:
			ret = parse_seconds("--exit-when-idle", optarg, EXIT_WHEN_IDLE_MAX,
					&args->exit_when_idle, err, errlen);
			if (ret < 0)
				return ret;
			break;
		case 'h':
			app_usage(v[0]);
			return APP_ARGS_DONE;
		case 'V':
			print_version();
			return APP_ARGS_DONE;
		case ':':
			snprintf(err, errlen, "option %s needs a value (see --help)", v[optind - 1]);
			return -EINVAL;
		default:
			snprintf(err, errlen, "unknown option %s (see --help)", v[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < n) {
		snprintf(err, errlen, "unexpected argument \"%s\" (see --help)", v[optind]);
		return -EINVAL;
	}
	return 0;
}

int
app_args_parse(struct app_args *args, int argc, char **argv, char *err, size_t errlen)
{
	char *v[argc + 1];
	int sep = app_part(argc, argv);
	int n = argc - sep, ret;

	memset(args, 0, sizeof(*args));
	/* a check starts no EAL: its options may come without `--` */
	if (sep == argc && asks_check(argc, argv)) {
		sep = 0;
		n = argc;
	}
	if (sep == argc) {
		if (asks_help(argc, argv))
			return APP_ARGS_EAL_HELP;
		snprintf(err, errlen, "no application options: run `%s [EAL options] -- "
				"--config FILE` (see `%s -- --help`)", argv[0], argv[0]);
		return -EINVAL;
	}
	/* a copy: getopt permutes its argv, and EAL reads the original */
	v[0] = argv[0];
	memcpy(v + 1, argv + sep + 1, (size_t)(n - 1) * sizeof(char *));
	v[n] = NULL;
	ret = parse_opts(args, n, v, err, errlen);
	if (ret != 0)
		return ret;
	if (args->config == NULL) {
		snprintf(err, errlen, "no --config FILE given (see --help)");
		return -EINVAL;
	}
	return 0;
}
