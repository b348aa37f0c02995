/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * sipshield: the data plane (DESIGN §3). main() only orchestrates; the
 * work is in the files app.h lists. Start-up either completes or stops
 * with one line naming the cause and exit status 1.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>

#include "app.h"

static struct app app;

void
app_fail(struct app *a, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, APP_NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	app_release(a);
	exit(EXIT_FAILURE);
}

/* Read before EAL: options, config, tag secret. */
static void
pre_eal(struct app *a, int argc, char **argv, char *err)
{
	int ret = app_args_parse(&a->args, argc, argv, err, APP_ERR_MAX);

	if (ret == APP_ARGS_DONE)
		exit(EXIT_SUCCESS);
	if (ret == APP_ARGS_EAL_HELP) {
		/* rte_eal_init() prints its options, then ours, and exits */
		rte_set_application_usage_hook(app_usage);
		return;
	}
	if (ret < 0)
		app_fail(a, "%s", err);
	if (a->args.check_config)
		exit(app_check_config(a));
	if (app_setup_conf(a, err, APP_ERR_MAX) < 0 || app_fleet_check(a, err, APP_ERR_MAX) < 0)
		app_fail(a, "%s", err);
}

int
main(int argc, char **argv)
{
	struct app *a = &app;
	char err[APP_ERR_MAX];

	pre_eal(a, argc, argv, err);
	app_access_before_eal();
	if (rte_eal_init(argc, argv) < 0)
		app_fail(a, "EAL initialisation failed: %s (check the EAL options before `--`; "
				"without hugepages use --no-huge -m 256)", rte_strerror(rte_errno));
	a->eal_up = true;
	if (app_access_after_eal(err, sizeof(err)) < 0)
		app_fail(a, "%s", err);
	/*
	 * DESIGN §3: operators capture with dpdk-dumpcap, which asks this
	 * process over EAL's IPC; without shared config (--no-shconf,
	 * --in-memory) there is no IPC and no capture, which is no reason
	 * to refuse to filter.
	 */
	a->capture = rte_pdump_init() == 0;
	if (app_signals_install() < 0)
		app_fail(a, "cannot install signal handlers");

	if (app_workers_plan(a, err, sizeof(err)) < 0 ||
			app_setup_filter(a, err, sizeof(err)) < 0 ||
			app_ports_configure(a, err, sizeof(err)) < 0 ||
			app_pools_create(a, err, sizeof(err)) < 0 ||
			app_ports_start(a, err, sizeof(err)) < 0 ||
			app_workers_create(a, err, sizeof(err)) < 0 ||
			app_telemetry_register(a, err, sizeof(err)) < 0)
		app_fail(a, "%s", err);
	app_print_banner(a);
	/* after the table's writers and telemetry exist; logs after the banner */
	if (app_fleet_start(a, err, sizeof(err)) < 0)
		app_fail(a, "%s", err);

	if (app_workers_run(a, err, sizeof(err)) < 0)
		app_fail(a, "%s", err);
	return app_shutdown(a);
}
