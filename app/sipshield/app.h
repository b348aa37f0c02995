/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The sipshield data-plane application: what its modules share.
 *
 * main.c orchestrates; each concern has its own file: args.c (command
 * line, --help), setup.c (config, tag secret, Hyperscan, moved table),
 * pools.c (mbuf pools), ports.c (port configuration), workers.c (the
 * poll loop), monitor.c (--stats-interval, --exit-when-idle), report.c
 * (banner and counters), signals.c, shutdown.c, telemetry.c, access.c
 * (who may reach the telemetry socket).
 *
 * Everything in struct app is written by the main thread before the
 * workers launch and only read afterwards, except the counters inside
 * each worker (written by that worker, read with relaxed loads).
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_telemetry.h>

#include "ss_burst.h"
#include "ss_conf.h"
#include "ss_filter.h"
#include "ss_fleet.h"
#include "ss_moved_ctl.h"
#include "ss_sip.h"
#include "ss_sources.h"

#define APP_NAME	"sipshield"
#define APP_ERR_MAX	(SS_CONF_ERR_MAX + 256)

/* Command-line options after `--`. */
struct app_args {
	const char *config;		/* --config FILE */
	unsigned int stats_interval;	/* --stats-interval S, 0: off */
	unsigned int exit_when_idle;	/* --exit-when-idle S, 0: off (test aid) */
	bool check_config;		/* --check-config: validate the files, exit */
};

/* One DPDK port in its role (outside or inside). */
struct app_port {
	uint16_t port_id;
	int socket;			/* its NUMA socket, main's when it has none */
	uint16_t n_rxq, n_txq;		/* queues set up: queue q belongs to worker q */
	uint16_t nb_rxd, nb_txd;	/* descriptors per queue, as the PMD adjusted them */
	uint64_t tx_offloads;		/* enabled: wanted & dev_info capabilities */
	uint64_t rss_hf;		/* RSS hash types enabled (0: no RSS) */
	uint16_t max_rxq;		/* RX queues the driver offers */
	bool configured;		/* rte_eth_dev_configure() succeeded: close it */
	bool started;
	char name[RTE_ETH_NAME_MAX_LEN];
	char driver[32];
};

/* An RX queue a worker polls. */
struct app_rxq {
	uint16_t port_id;
	uint16_t queue_id;
	uint8_t role;			/* SS_PORT_OUTSIDE or SS_PORT_INSIDE */
	uint8_t fwd_role;		/* where its passed frames leave */
};

/* A TX queue a worker owns, with its buffer (NULL: no queue on that port). */
struct app_txq {
	uint16_t port_id;
	uint16_t queue_id;
	struct rte_eth_dev_tx_buffer *buf;
};

/*
 * One worker, on its lcore's socket. All but ctx's counters and the TX
 * buffers' contents are set by main before launch and read-only after;
 * ctx and the TX buffers are the worker's alone while it runs.
 */
struct app_worker {
	unsigned int index;		/* 0..n_workers-1: its queue id on every port */
	unsigned int lcore_id;
	uint32_t idle_sleep_us;		/* conf [dataplane] idle_sleep_us */
	uint8_t n_rxq;
	struct app_rxq rxq[SS_PORTS];
	struct app_txq txq[SS_PORTS];	/* by port role */
	struct rte_rcu_qsbr *qs;	/* RCU of the moved table; thread id = index */
	/*
	 * Rate limits (NULL for a worker with no outside queue): the
	 * worker's alone; telemetry reads its published top list.
	 */
	struct ss_rl *rl;
	/*
	 * Loop rounds done: written by the worker (relaxed store, once a
	 * round), read by the watchdog (relaxed load). A worker whose count
	 * stops moving stops the systemd watchdog pings.
	 */
	uint64_t loops;
	/*
	 * Test-only hook: while non-zero the worker stands still (RCU
	 * offline, loops frozen). Written only by /sipshield/test/hold_worker,
	 * which exists only with SIPSHIELD_TEST_HOOKS=1 in the environment.
	 */
	uint32_t hold;
	struct ss_worker_ctx ctx;	/* per-burst stage state and counters */
};

struct app {
	struct app_args args;
	struct ss_conf conf;
	uint8_t secret[SS_SIP_SECRET_LEN];
	bool secret_random;		/* no tag_secret file: made at start-up */

	bool eal_up;			/* rte_eal_init() succeeded: clean it up */
	bool capture;			/* rte_pdump_init() succeeded: dpdk-dumpcap can attach */
	unsigned int n_ports;		/* 1 (one-armed) or 2 */
	struct app_port port[SS_PORTS];	/* by role */
	struct rte_mempool *pool[RTE_MAX_NUMA_NODES];	/* by socket, NULL when unused */

	struct ss_sip_hs *hs;
	unsigned int n_scanner_agents;	/* patterns compiled (0: drop_scanners off) */
	unsigned int n_limited;		/* workers that poll the outside port: the node limit's split */
	struct ss_moved_ctl *moved_ctl;	/* writers of filter.moved (live updates) */
	uint32_t moved_entries;		/* entries loaded at start-up */
	uint32_t moved_capacity;
	struct ss_fleet *fleet;		/* [fleet]: the table follows Redis (NULL: no fleet) */
	struct ss_sources_ctl *sources_ctl;	/* [sources] lists and their reload */
	uint32_t sources_entries;	/* prefixes loaded at start-up */
	struct ss_filter filter;

	unsigned int n_workers;
	bool main_is_worker;		/* a single lcore: main polls too */
	struct app_worker *worker[RTE_MAX_LCORE];	/* by worker index */
	struct ss_sip_scratch *scratch[RTE_MAX_LCORE];	/* by worker index */
	/*
	 * Workers report a quiescent state once per loop round, so that
	 * writers of shared tables (the moved table's live updates) know
	 * when nothing they unlinked is still read (DESIGN §5).
	 */
	struct rte_rcu_qsbr *qs;
};

/* args.c: app_args_parse() returns 0 to go on, APP_ARGS_DONE after --help
 * or --version (exit 0), APP_ARGS_EAL_HELP for a `--help` before `--` (EAL
 * prints its options, then app_usage() as its usage hook), or -errno with
 * the problem in err.
 */
#define APP_ARGS_DONE		1
#define APP_ARGS_EAL_HELP	2
int app_args_parse(struct app_args *args, int argc, char **argv, char *err, size_t errlen);
void app_usage(const char *prgname);

/*
 * check.c: --check-config. Validate the config and every file it names
 * without EAL; print a summary or every error with file:line. Returns
 * the exit status (0 valid, 1 not).
 */
int app_check_config(struct app *a);

/* setup.c: before EAL (no DPDK), then after it */
int app_setup_conf(struct app *a, char *err, size_t errlen);
int app_setup_filter(struct app *a, char *err, size_t errlen);

/*
 * access.c: keep the telemetry socket to this user (DESIGN §3). Before
 * EAL: a umask that gives its sockets no group or other bits. After EAL:
 * the runtime directory and its parent must be directories of ours that
 * nobody else may write (and the runtime directory nobody else may
 * enter): too open is tightened, someone else's or a symbolic link stops
 * start-up.
 */
void app_access_before_eal(void);
int app_access_after_eal(char *err, size_t errlen);

/* pools.c */
int app_pools_create(struct app *a, char *err, size_t errlen);
void app_pools_free(struct app *a);

/* ports.c: configure (needs n_workers), then pools, then start */
int app_ports_configure(struct app *a, char *err, size_t errlen);
int app_ports_start(struct app *a, char *err, size_t errlen);
void app_ports_close(struct app *a);
const char *app_role_name(unsigned int role);

/* workers.c */
int app_workers_plan(struct app *a, char *err, size_t errlen);
int app_workers_create(struct app *a, char *err, size_t errlen);
int app_workers_run(struct app *a, char *err, size_t errlen);
void app_workers_free(struct app *a);
int app_worker_main(void *arg);

/* monitor.c: main lcore, or a control thread when main is the worker */
void app_monitor(struct app *a);

/*
 * watchdog.c: systemd's notify protocol (sd_notify). READY=1 once the
 * ports are up and the workers run; WATCHDOG=1 every half WatchdogSec,
 * but only while every polling worker's loop count keeps moving. Without
 * NOTIFY_SOCKET (not under systemd) both do nothing. Monitor only.
 */
void app_watchdog_ready(struct app *a);
void app_watchdog_tick(struct app *a, double now);

/* report.c */
void app_print_banner(const struct app *a);
void app_print_summary(const struct app *a, double seconds, uint64_t *last_rx);
void app_print_final(const struct app *a);
uint64_t app_total(const struct app *a, enum ss_ctr c);

/* signals.c: the handler only sets the quit flag */
extern uint32_t app_quit;
extern int app_quit_signal;
int app_signals_install(void);

static inline bool
app_quit_requested(void)
{
	return __atomic_load_n(&app_quit, __ATOMIC_RELAXED) != 0;
}

static inline void
app_request_quit(void)
{
	__atomic_store_n(&app_quit, 1, __ATOMIC_RELAXED);
}

/*
 * telemetry.c: /sipshield/... commands; registered once the workers
 * exist, unhooked before anything they read is freed.
 */
int app_telemetry_register(struct app *a, char *err, size_t errlen);

/*
 * Checked adds for /sipshield/... replies: 0, or -E2BIG when the reply
 * is full. A string longer than telemetry carries is cut, visibly ("...").
 */
struct rte_tel_data;
int app_tel_add_u64(struct rte_tel_data *d, const char *name, uint64_t v);
int app_tel_add_str(struct rte_tel_data *d, const char *name, const char *s);
void app_telemetry_stop(void);

/*
 * fleet.c (DESIGN §3a): check the password file (before EAL), start the
 * sync thread once moved_ctl exists, stop it before moved_ctl is freed;
 * /sipshield/fleet's reply. All do nothing without a [fleet] section.
 */
int app_fleet_check(struct app *a, char *err, size_t errlen);
int app_fleet_start(struct app *a, char *err, size_t errlen);
void app_fleet_stop(struct app *a);
int app_fleet_telemetry(struct app *a, struct rte_tel_data *d);
/* /sipshield/config's fleet_* entries: 0 or -E2BIG. */
int app_fleet_config(const struct app *a, struct rte_tel_data *d);

/* shutdown.c */
int app_shutdown(struct app *a);
void app_release(struct app *a);

/* main.c: print `sipshield: <msg>` on one line, release what is up, exit 1 */
__attribute__((format(printf, 2, 3), noreturn))
void app_fail(struct app *a, const char *fmt, ...);
