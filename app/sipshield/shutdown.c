/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * A clean stop: the workers have returned (app_workers_run waited for
 * them), so the counters are final. Ports are stopped and closed before
 * EAL goes, which is when net_pcap writes out and closes its files.
 */

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_pdump.h>

#include "app.h"

/* Everything start-up made, in reverse order; safe on a half-made app. */
void
app_release(struct app *a)
{
	if (!a->eal_up)
		return;
	app_telemetry_stop();
	/* it writes the moved table and reads telemetry's state: before both go */
	app_fleet_stop(a);
	app_ports_close(a);
	if (a->capture)
		rte_pdump_uninit();
	app_workers_free(a);
	app_pools_free(a);
	ss_moved_ctl_free(a->moved_ctl);
	a->moved_ctl = NULL;
	ss_sources_ctl_free(a->sources_ctl);
	a->sources_ctl = NULL;
	ss_sip_hs_free(a->hs);
	a->hs = NULL;
	rte_eal_cleanup();
	a->eal_up = false;
}

int
app_shutdown(struct app *a)
{
	int sig = __atomic_load_n(&app_quit_signal, __ATOMIC_RELAXED);

	if (sig != 0)
		printf(APP_NAME ": %s received: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	app_print_final(a);
	app_release(a);
	return 0;
}
