/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The command line after `--`, read before EAL starts so that a typo
 * costs no EAL start-up and its message is the only line printed.
 */

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "bench.h"

/* bench_usage() spells it out: keep the two the same */
#define DEFAULT_MIX	"register423=10,register=30,invite302=5,invite=15,response=25," \
			"udp=5,other=5,garbage=3,scanner=2"
#define WORKERS_MAX	64
#define DURATION_MAX	600.0
#define MOVED_MAX	5000000u	/* user numbers are 7 digits: leave room for misses */
#define VARIANTS_MAX	65536u
#define BACKLOG_MIN	SS_BURST
#define BACKLOG_MAX	16384u

enum {
	OPT_VARIANTS = 256,
	OPT_BACKLOG,
	OPT_COLD,
	OPT_NO_STAGES,
	OPT_MIN_EXPIRES,
	OPT_SOURCES,
	OPT_MONITOR,
	OPT_JSON_OUT,
	OPT_LIMITS,
};

static const struct option long_opts[] = {
	{"class", required_argument, NULL, 'C'},
	{"mix", required_argument, NULL, 'x'},
	{"workers", required_argument, NULL, 'w'},
	{"duration", required_argument, NULL, 'd'},
	{"packets", required_argument, NULL, 'n'},
	{"repeat", required_argument, NULL, 'r'},
	{"moved", required_argument, NULL, 'M'},
	{"moved-file", required_argument, NULL, 'f'},
	{"variants", required_argument, NULL, OPT_VARIANTS},
	{"backlog", required_argument, NULL, OPT_BACKLOG},
	{"cold", no_argument, NULL, OPT_COLD},
	{"no-stages", no_argument, NULL, OPT_NO_STAGES},
	{"limits", required_argument, NULL, OPT_LIMITS},
	{"min-expires", required_argument, NULL, OPT_MIN_EXPIRES},
	{"sources", required_argument, NULL, OPT_SOURCES},
	{"monitor", no_argument, NULL, OPT_MONITOR},
	{"json", no_argument, NULL, 'j'},
	{"json-out", required_argument, NULL, OPT_JSON_OUT},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

void
bench_usage(void)
{
	printf(
"NAME\n"
"    %1$s - throughput, cycles and latency of sipshield's per-burst stage\n"
"\n"
"SYNOPSIS\n"
"    %1$s [EAL options] -- [--class LIST] [--mix SPEC|none] [--workers N]\n"
"        [--duration S] [--packets N] [--repeat N]\n"
"        [--moved LIST | --moved-file FILE] [--variants N] [--backlog N]\n"
"        [--cold] [--no-stages] [--limits on|off] [--min-expires N] [--sources N]\n"
"        [--monitor] [--json]\n"
"        [--json-out FILE] [--verbose]\n"
"    %1$s --help | --version\n"
"\n"
"DESCRIPTION\n"
"    Runs the data plane's own per-burst stage, ss_filter_burst(), with the\n"
"    filter, Hyperscan database and moved table set up by the same library\n"
"    calls as sipshield, inside the data plane's worker loop: for each port\n"
"    rte_eth_rx_burst(), the stage, rte_eth_tx_buffer() to the arrival port\n"
"    (answers) or the peer port (passed), the drain-time flush and the RCU\n"
"    quiescent state. The ports are net_ring devices (rte_eth_from_rings):\n"
"    one outside and one inside port, one ring per queue, one queue pair per\n"
"    worker, so every burst call is the real ethdev call.\n"
"\n"
"    The frames are prepared in memory at start-up: for each traffic class\n"
"    (CLASSES) --variants distinct frames with their own Call-IDs, tags,\n"
"    users, source addresses and ports. Between two rounds a feeder, on the\n"
"    worker's own core, frees what the TX rings received and tops the\n"
"    outside RX ring up to --backlog frames, each a fresh mbuf from the pool\n"
"    with a prepared frame copied in (answering rewrites a frame in place, so\n"
"    frames are never reused); INVITEs get a user number patched in, so that\n"
"    over a run their Request-URIs cover the whole moved table.\n"
"\n"
"    What is timed: each round from before its first RX burst to after its\n"
"    quiescent state, by two TSC reads per round whose own cost is\n"
"    subtracted. The feeder is outside the timed part and reported apart.\n"
"    Each run warms up for a fifth of --duration (at most 0.3 s) first, then\n"
"    is measured in 20 slices; the figures come from the quiet slices, those\n"
"    within 5 %% of the median slice, and the run is repeated --repeat times\n"
"    and the fastest kept: another program on the machine slows slices or\n"
"    whole runs down, never speeds them up. After each run every frame's\n"
"    verdict counter is checked against its class; a run where any frame\n"
"    got another verdict fails the bench.\n"
"\n"
"    Each class runs alone, then the mix; then, for --workers N above 1,\n"
"    the mix again with 2, ..., N workers (scaling). Unless --no-stages, each\n"
"    run is repeated as an instrumented pass that books the cycles of each\n"
"    stage (rx, l2l4, sip_parse, hs_scan, hs_verify, moved_lookup, verdict,\n"
"    reply, burst, tx, loop) by reading the TSC (rdtscp, lfence) around the\n"
"    library functions that bound them: the bench links with -Wl,--wrap.\n"
"    That pass is slower, 100 to 150 cycles per timed call; what it took\n"
"    over the headline pass is removed, per call, from the stages (split\n"
"    between a stage and its caller as a calibration loop measures), so the\n"
"    stages add up to the headline cycles. The shares are approximate, to a\n"
"    few per cent of the total; the headline figures come from the\n"
"    uninstrumented pass alone.\n"
"\n"
"OPTIONS (after --)\n"
"    -C, --class LIST\n"
"        Classes to run alone, comma-separated, `all' (default) or `none'.\n"
"    -x, --mix SPEC | none\n"
"        The mix: CLASS=WEIGHT,... (weights are relative). Default:\n"
"        register423=10,register=30,invite302=5,invite=15,response=25,\n"
"        udp=5,other=5,garbage=3,scanner=2.\n"
"        `none' skips the mix; the scaling runs then use the first class.\n"
"    -w, --workers N\n"
"        Measure the mix with 1, 2, ..., N workers, each on its own lcore\n"
"        with its own queue pair on each port (1..%2$d; default 1). EAL\n"
"        must have N lcores (-l); worker 0 runs on the main lcore.\n"
"    -d, --duration S\n"
"        Seconds measured per run and per pass, after the warm-up\n"
"        (0.001..%3$.0f; default 0.5).\n"
"    -n, --packets N\n"
"        Stop a run once each worker has received N frames (default: no\n"
"        bound; --duration still ends it).\n"
"    -r, --repeat N\n"
"        Run each measurement, and each instrumented pass, N times and keep\n"
"        the fastest (1..100; default 3).\n"
"    -M, --moved LIST\n"
"        Moved-table sizes, comma-separated (1..%4$u each, up to %5$d;\n"
"        default 1000). Users u0000000.. are generated into a file and\n"
"        loaded as sipshield loads its table; every run is repeated for\n"
"        each size, and the cycles per frame are compared. 1000000 needs\n"
"        about 700 MB of EAL memory: -m 2048 with --no-huge.\n"
"    -f, --moved-file FILE\n"
"        Load this moved table (sipshield's format) instead; invite302\n"
"        frames name its first --variants users.\n"
"    --variants N\n"
"        Distinct prepared frames per class (1..%6$u; default 1024).\n"
"    --backlog N\n"
"        Frames kept queued in each outside RX ring (%7$d..%8$u; default\n"
"        512): a frame waits --backlog/32 rounds between being written and\n"
"        being read, so it is no longer in L1 cache, as after a NIC's DMA.\n"
"    --cold\n"
"        Also flush each frame from every cache level after writing it\n"
"        (clflush): the stage then reads frames from DRAM, as it does\n"
"        behind a NIC that writes to memory without cache injection.\n"
"    --no-stages\n"
"        Skip the instrumented pass (halves the run time).\n"
"    --limits on | off\n"
"        The rate limits (default on): each worker has its own, as in\n"
"        sipshield, with the reply limits raised to their maximum so that\n"
"        they never refuse (the bench answers millions of requests a second\n"
"        from 1024 sources); off runs the stage without them.\n"
"    --min-expires N\n"
"        The filter's min_expires (1..3600; default 60). register423 asks\n"
"        for 30 s and register for 3600 s: keep N in 31..3600.\n"
"    --sources N\n"
"        Put a deny list of N prefixes (1..1000000; half /24, half /32, one\n"
"        in ten IPv6) in service, as [sources] deny does: none matches the\n"
"        traffic, so every frame pays the lookup and keeps its verdict. The\n"
"        list's load time is printed. Compare with a run without it for\n"
"        the per-packet cost of the source lists.\n"
"    --monitor\n"
"        Run in monitor mode (mode = monitor): every frame passes, counted\n"
"        as passed_monitor where enforce mode would answer or drop it.\n"
"    -j, --json\n"
"        Print one JSON document instead of the tables.\n"
"    --json-out FILE\n"
"        Also write the JSON document to FILE (the tables stay on stdout).\n"
"    -v, --verbose\n"
"        Keep sipshield's INFO log lines (the moved table loads).\n"
"    -h, --help\n"
"        This text.\n"
"    -V, --version\n"
"        The version.\n"
"\n"
"CLASSES\n"
"    register423  REGISTER, ~550 bytes, expiring in 30 s (Expires header\n"
"                 or Contact parameter; a quarter behind NAT): 423\n"
"    register     the same asking for 3600 s: passed\n"
"    invite302    INVITE with SDP, ~900 bytes, to a user in the table: 302\n"
"    invite       the same to a user not in the table: passed\n"
"    response     200 OK to an INVITE, ~600 bytes: passed\n"
"    udp          RTP (PCMU), 214 bytes, not to a SIP port: passed\n"
"    other        ARP, ICMP echo, TCP SYN to 443 in turn: passed\n"
"    garbage      200 bytes to port 5060 that are not SIP: dropped\n"
"    scanner      OPTIONS from SIPVicious (User-Agent friendly-scanner),\n"
"                 ~420 bytes: dropped as a scanner\n"
"\n"
"OUTPUT\n"
"    Mpps/core    frames per second of one worker core: TSC rate divided\n"
"                 by cyc/pkt (the feeder excluded).\n"
"    cyc/pkt      TSC cycles per frame in the timed part of the rounds.\n"
"    lat p50/p99  microseconds from the start of the round that received a\n"
"                 frame to the end of the round in which its TX buffer went\n"
"                 out (time queued in the RX ring excluded).\n"
"    wall Mpps    frames per wall-clock second, feeder included.\n"
"    feeder       cycles per frame outside the timed part (copy-in, frees).\n"
"    stage shares per stage of the instrumented pass, timers' cost removed.\n"
"    With --json the same, unrounded, and the per-stage cycles per frame.\n"
"\n"
"EAL OPTIONS (before --)\n"
"    -l LIST      lcores: one per worker (-l 0 for one worker)\n"
"    --no-huge -m MB   no hugepages; -m 256 for the default table, -m 2048\n"
"                 for 1,000,000 entries. Add --no-shconf (DPDK 22.11 refuses\n"
"                 --in-memory with --no-huge).\n"
"    --in-memory  with hugepages: no shared files, so several benches (or a\n"
"                 running sipshield) do not collide\n"
"    --no-pci --no-telemetry   the bench needs neither\n"
"\n"
"EXIT STATUS\n"
"    0  every run completed and every frame got its class's verdict\n"
"    1  a bad option, a set-up failure, or a wrong verdict (the message\n"
"       names the class and the counter)\n"
"\n"
"EXAMPLES\n"
"    One worker, no hugepages, every class, the default mix:\n"
"      %1$s --no-huge -m 256 --no-shconf --no-pci --no-telemetry -l 0\n"
"    Tables of 1,000 and 1,000,000, JSON:\n"
"      %1$s --no-huge -m 2048 --no-shconf --no-pci --no-telemetry -l 0 -- \\\n"
"        --moved 1000,1000000 --json\n"
"    Scaling of an answering-heavy mix to 2 workers, hugepages:\n"
"      %1$s --in-memory --no-pci --no-telemetry -l 0-1 -- --class none \\\n"
"        --mix register423=70,register=20,invite=10 --workers 2\n"
"    scripts/bench.sh runs the standard set and prints the tables.\n",
		BENCH_NAME, WORKERS_MAX, DURATION_MAX, MOVED_MAX, BENCH_MAX_SIZES,
		VARIANTS_MAX, BACKLOG_MIN, BACKLOG_MAX);
}

static int
parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
		unsigned long *out, char *err, size_t errlen)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < min || v > max) {
		snprintf(err, errlen, "%s \"%s\": expected an integer %lu..%lu", opt, s, min, max);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

static int
parse_classes(struct bench_opts *o, const char *s, char *err, size_t errlen)
{
	memset(o->classes, 0, sizeof(o->classes));
	if (strcmp(s, "none") == 0)
		return 0;
	if (strcmp(s, "all") == 0) {
		for (unsigned int c = 0; c < BC_COUNT; c++)
			o->classes[c] = true;
		return 0;
	}
	while (*s != '\0') {
		size_t len = strcspn(s, ",");
		int c = bench_class_from_name(s, len);


		if (c < 0) {
			snprintf(err, errlen,
					"--class: unknown class \"%.*s\" (see --help, CLASSES)",
					(int)len, s);
			return -EINVAL;
		}
		o->classes[c] = true;
		s += len;
		if (*s == ',')
			s++;
	}
	return 0;
}

static int
parse_moved(struct bench_opts *o, const char *s, char *err, size_t errlen)
{
	o->n_moved = 0;
	while (*s != '\0') {
		char num[16];
		size_t len = strcspn(s, ",");
		unsigned long v;
		int ret;

		if (o->n_moved == BENCH_MAX_SIZES) {
			snprintf(err, errlen, "--moved: at most %d sizes", BENCH_MAX_SIZES);
			return -E2BIG;
		}
		snprintf(num, sizeof(num), "%.*s", (int)RTE_MIN(len, sizeof(num) - 1), s);
		ret = parse_uint("--moved", num, 1, MOVED_MAX, &v, err, errlen);
		if (ret < 0)
			return ret;
		for (unsigned int k = 0; k < o->n_moved; k++)
			if (o->moved[k] == v) {
				snprintf(err, errlen, "--moved: %lu given twice", v);
				return -EINVAL;
			}
		o->moved[o->n_moved++] = (uint32_t)v;
		s += len;
		if (*s == ',')
			s++;
	}
	if (o->n_moved == 0) {
		snprintf(err, errlen, "--moved: expected sizes, e.g. 1000,1000000");
		return -EINVAL;
	}
	return 0;
}

static int
parse_duration(const char *s, double *out, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) || v < 0.001 ||
			v > DURATION_MAX) {
		snprintf(err, errlen, "--duration \"%s\": expected seconds 0.001..%.0f", s,
				DURATION_MAX);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

/* Where the application's arguments start: after `--`, or none. */
int
bench_eal_argc(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return argc;
}

static void
defaults(struct bench_opts *o)
{
	char err[BENCH_ERR_MAX];

	memset(o, 0, sizeof(*o));
	for (unsigned int c = 0; c < BC_COUNT; c++)
		o->classes[c] = true;
	o->run_mix = true;
	snprintf(o->mix_spec, sizeof(o->mix_spec), "%s", DEFAULT_MIX);
	bench_mix_parse(DEFAULT_MIX, o->mix, err, sizeof(err));
	o->workers = 1;
	o->duration = 0.5;
	o->repeat = 3;
	o->moved[0] = 1000;
	o->n_moved = 1;
	o->variants = 1024;
	o->backlog = 512;
	o->stages = true;
	o->limits = true;
	o->min_expires = 60;
}

static int
parse_one(struct bench_opts *o, int c, char *err, size_t errlen)
{
	unsigned long v = 0;
	int ret = 0;

	switch (c) {
	case 'C':
		return parse_classes(o, optarg, err, errlen);
	case 'x':
		if (strcmp(optarg, "none") == 0) {
			o->run_mix = false;
			return 0;
		}
		if (strlen(optarg) >= sizeof(o->mix_spec)) {
			snprintf(err, errlen, "--mix: longer than %zu characters",
					sizeof(o->mix_spec) - 1);
			return -E2BIG;
		}
		o->run_mix = true;
		snprintf(o->mix_spec, sizeof(o->mix_spec), "%s", optarg);
		return bench_mix_parse(optarg, o->mix, err, errlen);
	case 'w':
		ret = parse_uint("--workers", optarg, 1, WORKERS_MAX, &v, err, errlen);
		o->workers = (unsigned int)v;
		return ret;
	case 'd':
		return parse_duration(optarg, &o->duration, err, errlen);
	case 'n':
		ret = parse_uint("--packets", optarg, 1, UINT64_MAX >> 1, &v, err, errlen);
		o->packets = v;
		return ret;
	case 'M':
		return parse_moved(o, optarg, err, errlen);
	case 'f':
		o->moved_file = optarg;
		return 0;
	case 'r':
		ret = parse_uint("--repeat", optarg, 1, 100, &v, err, errlen);
		o->repeat = (unsigned int)v;
		return ret;
	case OPT_VARIANTS:
		ret = parse_uint("--variants", optarg, 1, VARIANTS_MAX, &v, err, errlen);
		o->variants = (unsigned int)v;
		return ret;
	case OPT_BACKLOG:
		ret = parse_uint("--backlog", optarg, BACKLOG_MIN, BACKLOG_MAX, &v, err, errlen);
		o->backlog = (unsigned int)v;
		return ret;
	case OPT_COLD:
		o->cold = true;
		return 0;
	case OPT_NO_STAGES:
		o->stages = false;
		return 0;
	case OPT_LIMITS:
		if (strcmp(optarg, "on") != 0 && strcmp(optarg, "off") != 0) {
			snprintf(err, errlen, "--limits \"%s\": expected on or off", optarg);
			return -EINVAL;
		}
		o->limits = strcmp(optarg, "on") == 0;
		return 0;
	case OPT_SOURCES:
		ret = parse_uint("--sources", optarg, 1, 1000000, &v, err, errlen);
		o->sources = (uint32_t)v;
		return ret;
	case OPT_MONITOR:
		o->monitor = true;
		return 0;
	case OPT_MIN_EXPIRES:
		ret = parse_uint("--min-expires", optarg, 1, 3600, &v, err, errlen);
		o->min_expires = (uint32_t)v;
		return ret;
	case 'j':
		o->json = true;
		return 0;
	case OPT_JSON_OUT:
		o->json_out = optarg;
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	default:
		return 0;
	}
}

int
bench_args_parse(struct bench_opts *o, int argc, char **argv, char *err, size_t errlen)
{
	int at = bench_eal_argc(argc, argv);
	int n = argc - at;
	char **v = argv + at;
	int c, ret;

	defaults(o);
	/* --help or --version anywhere: no EAL for a question */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			bench_usage();
			return 1;
		}
		if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
			printf("%s %s\n", BENCH_NAME, SS_VERSION);
			return 1;
		}
	}
	if (at == argc)
		return 0;
	/* 0, not 1: glibc then resets its state, and EAL parses afterwards */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(n, v, ":C:x:w:d:n:r:M:f:jvhV", long_opts, NULL)) != -1) {
		if (c == '?') {
			snprintf(err, errlen, "unknown option \"%s\" (see --help)", v[optind - 1]);
			return -EINVAL;
		}
		if (c == ':') {
			snprintf(err, errlen, "option \"%s\" needs a value", v[optind - 1]);
			return -EINVAL;
		}
		ret = parse_one(o, c, err, errlen);
		if (ret < 0)
			return ret;
	}
	if (optind < n) {
		snprintf(err, errlen, "unexpected argument \"%s\" (see --help)", v[optind]);
		return -EINVAL;
	}
	if (o->moved_file != NULL && o->n_moved > 1) {
		snprintf(err, errlen, "--moved-file and a --moved list: choose one");
		return -EINVAL;
	}
	if (!o->run_mix && memchr(o->classes, true, sizeof(o->classes)) == NULL) {
		snprintf(err, errlen, "nothing to run: --class none and --mix none");
		return -EINVAL;
	}
	if (o->min_expires <= 30 || o->min_expires > 3600) {
		snprintf(err, errlen, "--min-expires %u: register423 asks for 30 s and must be "
				"too brief: use 31..3600", o->min_expires);
		return -ERANGE;
	}
	return 0;
}
