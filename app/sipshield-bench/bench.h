/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * sipshield-bench: the real per-burst stage (ss_filter_burst(), the same
 * struct ss_worker_ctx and filter set-up as the data plane) driven through
 * real ethdev burst calls on net_ring ports, over frames prepared in
 * memory. What it reports is what the workers run.
 *
 * Modules: args.c (command line, --help), traffic.c (the frames of each
 * traffic class, the mix, the feeder's copy-in), ports.c (mbuf pool,
 * rings, net_ring ports), setup.c (filter, Hyperscan, moved table, the
 * workers' state), run.c (the worker loop and the measurement), stages.c
 * (the instrumented pass: per-stage cycles), report.c (table and JSON),
 * main.c (orchestration).
 *
 * Everything in struct bench is written by the main lcore while no worker
 * runs and read by workers only between a launch and its wait.
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "ss_burst.h"
#include "ss_sources.h"
#include "ss_conf.h"
#include "ss_filter.h"
#include "ss_moved_ctl.h"
#include "ss_ratelimit.h"
#include "ss_sip.h"

#define BENCH_NAME	"sipshield-bench"
#define BENCH_ERR_MAX	512
#define BENCH_MAX_SIZES	4		/* --moved LIST entries */
#define BENCH_HIST_BUCKETS (64 * 32)	/* log-linear: 32 per power of two */

/* The traffic classes; each maps to one verdict counter (bench_class_expect()). */
enum bench_class {
	BC_REGISTER_423 = 0,	/* REGISTER asking for 30 s: 423 */
	BC_REGISTER,		/* REGISTER asking for 3600 s: passed */
	BC_INVITE_302,		/* INVITE with SDP to a moved user: 302 */
	BC_INVITE,		/* INVITE with SDP to a user not in the table: passed */
	BC_RESPONSE,		/* SIP response: passed */
	BC_UDP,			/* RTP, not to a SIP port: passed unparsed */
	BC_OTHER,		/* ARP, ICMP echo, TCP to 443: passed unparsed */
	BC_GARBAGE,		/* UDP to 5060 that is not SIP: dropped */
	BC_SCANNER,		/* OPTIONS from SIPVicious: dropped as a scanner */
	BC_COUNT
};

/* Stages of the instrumented pass (stages.c). */
enum bench_stage {
	ST_RX = 0,	/* rte_eth_rx_burst on both ports */
	ST_L2L4,	/* ss_net_classify */
	ST_PARSE,	/* ss_sip_parse_start, _find_end, _find_end_ua, _parse_headers */
	ST_HS_SCAN,	/* hs_scan of a REGISTER's expiries */
	ST_HS,		/* ss_sip_register_expiry around it: hits verified in context */
	ST_SCANNER,	/* ss_sip_is_scanner, its hs_scan included: the User-Agent check */
	ST_LOOKUP,	/* ss_sip_uri_key, ss_moved_lookup */
	ST_VERDICT,	/* the rest of ss_filter_process: the rules */
	ST_LIMITS,	/* ss_rl_request, ss_rl_reply, ss_rl_publish */
	ST_REPLY,	/* ss_sip_make_tag, ss_sip_build_reply, ss_net_answer */
	ST_BURST,	/* the rest of ss_filter_burst: prefetch, counting, drop frees */
	ST_TX,		/* rte_eth_tx_buffer, flushes */
	ST_LOOP,	/* the rest of a round: RCU quiescent state, drain timer */
	ST_COUNT,
	/* calibration only */
	ST_CAL_A = ST_COUNT,
	ST_CAL_B,
	ST_ALL
};

/* Options after `--`. */
struct bench_opts {
	bool classes[BC_COUNT];		/* --class: run these alone */
	bool run_mix;			/* --mix none turns it off */
	unsigned int mix[BC_COUNT];	/* --mix weights */
	char mix_spec[256];		/* as given, for the report */
	unsigned int workers;		/* --workers N: scaling 1..N */
	double duration;		/* --duration S: measured seconds per run */
	unsigned int repeat;		/* --repeat N: best of N runs */
	uint64_t packets;		/* --packets N: per worker per run (0: no bound) */
	uint32_t moved[BENCH_MAX_SIZES];/* --moved LIST: generated table sizes */
	unsigned int n_moved;
	const char *moved_file;		/* --moved-file FILE: instead of generating */
	unsigned int variants;		/* --variants N: distinct frames per class */
	unsigned int backlog;		/* --backlog N: frames queued ahead */
	bool cold;			/* --cold: frame data flushed from the cache */
	bool stages;			/* the instrumented pass (--no-stages) */
	bool limits;			/* rate limits on, never reached (--limits off) */
	bool json;			/* --json */
	const char *json_out;		/* --json-out FILE: JSON there, tables on stdout */
	bool verbose;			/* --verbose */
	uint32_t min_expires;		/* --min-expires */
	uint32_t sources;		/* --sources N: deny-list prefixes (0: no lists) */
	bool monitor;			/* --monitor: mode = monitor */
};

/* One prepared frame: copied into an mbuf by the feeder. */
struct bench_tpl {
	uint16_t len;
	uint16_t udp_off;	/* 0: no UDP checksum to fix when patching */
	uint16_t patch_off[2];	/* 7-digit user number fields, 0: none */
	uint8_t *data;
};

/* The prepared traffic: variants per class, and the users to patch in. */
struct bench_traffic {
	unsigned int n_tpl[BC_COUNT];
	struct bench_tpl *tpl[BC_COUNT];
	uint8_t *arena;
	/* user numbers patched into each frame: lo + rand % span (span 0: none) */
	uint32_t patch_lo[BC_COUNT];
	uint32_t patch_span[BC_COUNT];
	double avg_len[BC_COUNT];
};

/* Log-linear latency histogram, in TSC cycles. */
struct bench_hist {
	uint64_t n[BENCH_HIST_BUCKETS];
};

/*
 * A run is cut into BENCH_SLICES slices of equal time. Figures are taken
 * over the quiet slices, those within BENCH_QUIET of the median slice's
 * cycles per frame, so that a slice in which another program took the
 * core (a shared two-core VM) does not move them.
 */
#define BENCH_SLICES	20
#define BENCH_QUIET	1.05

/* The stage accounting at the end of a slice (cumulative). */
struct bench_snap {
	int64_t stage[ST_COUNT];	/* exclusive cycles, timers included */
	uint64_t calls[ST_COUNT];
	uint64_t kids[ST_COUNT];
};

/* What one worker measured in one run. */
struct bench_wres {
	uint64_t pkts;		/* frames received in the measured part */
	uint64_t cycles;	/* TSC cycles in the timed part, timer cost removed */
	uint64_t rounds;
	uint64_t harness;	/* cycles outside it: feeder, drain, bookkeeping */
	uint64_t t_begin, t_end;/* TSC bounds of the measured part */
	unsigned int n_slices;
	uint64_t sl_pkts[BENCH_SLICES];
	uint64_t sl_cycles[BENCH_SLICES];
	struct bench_snap snap[BENCH_SLICES];	/* instrumented pass only */
	uint64_t fed[BC_COUNT];	/* frames of each class received over the whole run */
	uint64_t alloc_failed;
	struct bench_hist hist;
};

/* One TX queue with its buffer, as the data plane's workers have. */
struct bench_txq {
	uint16_t port_id;
	uint16_t queue_id;
	struct rte_eth_dev_tx_buffer *buf;
};

/*
 * A group of frames waiting in a TX buffer, for latency (run.c): a buffer
 * holds at most SS_BURST - 1 frames between flushes, each round adds at
 * most one group, so BENCH_PENDING groups are plenty.
 */
#define BENCH_PENDING 64
struct bench_pending {
	uint64_t t0;
	uint16_t n;
};

/*
 * One worker: its ring pair on each port (queue `index`), its per-burst
 * stage state, its feeder. Written by its lcore while it runs.
 */
struct bench;

struct bench_worker {
	struct bench *bench;
	unsigned int index;
	unsigned int lcore_id;
	struct rte_ring *rx_ring[SS_PORTS];	/* the feeder fills the outside one */
	struct rte_ring *tx_ring[SS_PORTS];	/* drained and freed after each round */
	struct bench_txq txq[SS_PORTS];
	struct ss_sip_scratch *scratch;
	struct ss_rl *rl;			/* its rate limits, NULL with --limits off */
	struct rte_rcu_qsbr *qs;		/* thread id = index */
	uint64_t rng;
	uint32_t sched_pos;
	const uint8_t *sched;			/* class of each frame fed, cycling */
	struct bench_pending pend[SS_PORTS][BENCH_PENDING];
	unsigned int pend_head[SS_PORTS], pend_n[SS_PORTS];
	struct bench_wres res;
	struct ss_worker_ctx ctx;		/* last: holds the 64 KiB reply buffer */
};

/* One measured configuration, summed over its workers. */
struct bench_result {
	char name[24];			/* class name or "mix" */
	unsigned int workers;
	uint32_t moved_entries;
	bool instrumented;		/* stage figures present */
	uint64_t pkts;
	double avg_len;
	double cyc_pkt;			/* headline: timed cycles per frame */
	double mpps_worker;		/* per worker core, from cyc_pkt */
	double mpps_total;		/* all workers */
	double wall_mpps;		/* frames / wall time, feeder included */
	double harness_pkt;		/* feeder and bookkeeping cycles per frame */
	double lat_p50_ns, lat_p99_ns;
	double stage_pkt[ST_COUNT];	/* instrumented: cycles per frame by stage */
	double stage_calls[ST_COUNT];	/* calls per frame by stage */
	double instr_cyc_pkt;		/* instrumented pass, timers included */
	double timer_call;		/* timer cycles per stage call, removed */
	bool stages_disturbed;		/* timer_call far from the calibration: rerun */
	double cyc_pkt_all;		/* over all slices, noisy ones included */
	unsigned int slices, quiet;	/* slices measured, and used */
	double answered, passed, dropped;	/* shares of the frames */
};

/* Everything a run needs. */
struct bench {
	struct bench_opts o;
	double hz;
	struct rte_mempool *pool;
	uint16_t port[SS_PORTS];
	struct ss_conf conf;
	struct ss_sip_hs *hs;
	struct ss_filter filter;
	unsigned int n_agents;		/* scanner User-Agent patterns compiled */
	struct ss_moved_ctl *moved_ctl;
	struct ss_sources *sources;	/* --sources: the lists in filter.sources */
	double sources_load_s;
	struct rte_rcu_qsbr *qs;
	char tmpdir[256];		/* the generated moved table lives here */
	char moved_path[320];
	uint32_t moved_entries;		/* in the table in service */
	double moved_load_s;
	uint32_t loaded[BENCH_MAX_SIZES];	/* the tables measured, and their load times */
	double load_s[BENCH_MAX_SIZES];
	unsigned int n_loaded;
	struct bench_traffic traffic;
	unsigned int n_workers;		/* set up (the most any run uses) */
	struct bench_worker *worker[RTE_MAX_LCORE];
	uint8_t *sched[BC_COUNT + 1];	/* per class, and [BC_COUNT] the mix */
	const char *scale_name;		/* what the scaling runs measure */
	const uint8_t *scale_sched;
	/* per run, set before launch */
	unsigned int run_workers;
	const uint8_t *run_sched;
	bool run_stages;
	uint64_t tsc_pair;		/* cost of two back-to-back rte_rdtsc() */
	uint32_t ready;			/* workers with a full RX ring (atomic) */
	uint32_t go;			/* workers wait for it, then start together (atomic) */
	struct bench_result *res;
	unsigned int n_res, cap_res;
};

#define BENCH_SCHED_LEN 4096	/* frames in a schedule before it repeats */

/* args.c: 0 to go on, 1 after --help/--version (exit 0), or -errno with err */
int bench_args_parse(struct bench_opts *o, int argc, char **argv, char *err, size_t errlen);
void bench_usage(void);
int bench_eal_argc(int argc, char **argv);

/* traffic.c */
const char *bench_class_name(enum bench_class c);
int bench_class_from_name(const char *name, size_t len);
enum ss_ctr bench_class_expect(enum bench_class c);
int bench_mix_parse(const char *spec, unsigned int mix[BC_COUNT], char *err, size_t errlen);
int bench_traffic_build(struct bench *b, char *err, size_t errlen);
void bench_traffic_free(struct bench_traffic *t);
void bench_traffic_set_users(struct bench *b);
uint8_t *bench_sched_make(const unsigned int weights[BC_COUNT], uint64_t seed);
unsigned int bench_feed(struct bench *b, struct bench_worker *w, unsigned int n);

/* ports.c */
int bench_ports_create(struct bench *b, char *err, size_t errlen);
void bench_ports_close(struct bench *b);
void bench_rings_drain(struct bench_worker *w);
void bench_rx_leftover(struct bench_worker *w);

/* setup.c */
int bench_filter_setup(struct bench *b, char *err, size_t errlen);
int bench_moved_load(struct bench *b, uint32_t entries, char *err, size_t errlen);
int bench_workers_create(struct bench *b, char *err, size_t errlen);
void bench_release(struct bench *b);

/* run.c */
int bench_run(struct bench *b, const char *name, const uint8_t *sched, unsigned int workers,
		char *err, size_t errlen);
uint64_t bench_hist_quantile(const struct bench_hist *h, double q);

/* stages.c */
void bench_stages_calibrate(void);
void bench_stages_reset(void);
void bench_stages_collect(struct bench_snap *snap);
void bench_stages_enable(bool on);
const char *bench_stage_name(enum bench_stage s);

/* report.c */
void bench_report_header(const struct bench *b);
void bench_report_table(const struct bench *b);
int bench_report_json(const struct bench *b, FILE *f);
