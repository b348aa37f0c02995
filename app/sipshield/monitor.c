/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Supervision off the datapath: the --stats-interval line and the
 * --exit-when-idle test aid. Runs on the main lcore, or on a control
 * thread when the main lcore is the only worker. Reads the workers'
 * counters with relaxed loads only.
 */

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <rte_cycles.h>

#include "app.h"

#define TICK_US 50000	/* how fast a signal or idleness is noticed */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
app_monitor(struct app *a)
{
	double start = now_s(), last_print = start, last_move = start;
	uint64_t print_rx = 0, idle_rx = 0;

	app_watchdog_ready(a);
	while (!app_quit_requested()) {
		double t;

		rte_delay_us_sleep(TICK_US);
		t = now_s();
		app_watchdog_tick(a, t);
		if (a->args.stats_interval != 0 && t - last_print >= a->args.stats_interval) {
			app_print_summary(a, t - last_print, &print_rx);
			last_print = t;
		}
		if (a->args.exit_when_idle != 0) {
			uint64_t rx = app_total(a, SS_CTR_RX);

			if (rx != idle_rx) {
				idle_rx = rx;
				last_move = t;
			} else if (t - last_move >= a->args.exit_when_idle) {
				printf(APP_NAME ": no packet for %u s: stopping (--exit-when-idle)\n",
						a->args.exit_when_idle);
				fflush(stdout);
				app_request_quit();
			}
		}
	}
}
