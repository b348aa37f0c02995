/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * systemd supervision (Type=notify, WatchdogSec=): a bump in the wire
 * whose worker hangs stops forwarding, and nobody may notice until
 * customers do. The pings therefore prove more than "the process runs":
 * the monitor sends WATCHDOG=1 only when every worker that polls a queue
 * has gone round its loop since the previous ping. A stuck worker
 * silences the pings and systemd restarts the service.
 *
 * Runs on the monitor (main lcore, or its control thread when the main
 * lcore is the only worker), never on a worker: sd_notify is a syscall.
 * Built without libsystemd, or run without NOTIFY_SOCKET, it does nothing.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef SS_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "app.h"

static double interval_s;		/* between pings: half of WatchdogSec; 0: off */
static double last_ping;
static uint64_t seen[RTE_MAX_LCORE];	/* each worker's loop count at the last ping */
static bool silenced;			/* logged that pings stopped */

void
app_watchdog_ready(struct app *a)
{
#ifdef SS_HAVE_SYSTEMD
	uint64_t usec = 0;

	/* 0 without WATCHDOG_USEC, or when WATCHDOG_PID names another process */
	if (sd_watchdog_enabled(0, &usec) > 0 && usec != 0)
		interval_s = (double)usec / 2e6;
	for (unsigned int i = 0; i < a->n_workers; i++)
		seen[i] = __atomic_load_n(&a->worker[i]->loops, __ATOMIC_RELAXED);
	sd_notifyf(0, "READY=1\nSTATUS=filtering with %u worker%s", a->n_workers,
			a->n_workers == 1 ? "" : "s");
#else
	RTE_SET_USED(a);
#endif
}

/* Has every polling worker gone round since the last ping? Notes the new counts. */
static bool
workers_moving(struct app *a)
{
	bool moving = true;

	for (unsigned int i = 0; i < a->n_workers; i++) {
		const struct app_worker *w = a->worker[i];
		uint64_t n;

		if (w->n_rxq == 0)
			continue;	/* idle by design: no queue to poll (DESIGN §5) */
		n = __atomic_load_n(&w->loops, __ATOMIC_RELAXED);
		if (n == seen[i]) {
			if (!silenced)
				printf(APP_NAME ": worker %u (lcore %u) has not moved for %.1f s: "
						"watchdog pings stop\n", i, w->lcore_id, interval_s);
			moving = false;
		}
		seen[i] = n;
	}
	return moving;
}

void
app_watchdog_tick(struct app *a, double now)
{
	if (interval_s == 0 || now - last_ping < interval_s)
		return;
	last_ping = now;
	if (!workers_moving(a)) {
		silenced = true;
		fflush(stdout);
		return;
	}
	if (silenced)
		printf(APP_NAME ": every worker moves again: watchdog pings resume\n");
	silenced = false;
#ifdef SS_HAVE_SYSTEMD
	sd_notify(0, "WATCHDOG=1");
#endif
}
