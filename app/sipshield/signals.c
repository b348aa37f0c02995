/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * SIGINT and SIGTERM ask for a clean stop. The handler only sets flags
 * (async-signal-safe); the workers see the flag within a poll round, and
 * the main thread does the rest (shutdown.c).
 */

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "app.h"

uint32_t app_quit;
int app_quit_signal;

static void
on_signal(int sig)
{
	__atomic_store_n(&app_quit_signal, sig, __ATOMIC_RELAXED);
	app_request_quit();
}

int
app_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
		return -errno;
	return 0;
}
