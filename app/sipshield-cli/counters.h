/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Counters as the telemetry replies name them (lib/stats' ss_ctr_name()),
 * put in one display order for every view: DESIGN §4's groups as enum
 * ss_ctr lists them, then whatever a newer server reports that this CLI
 * does not know, so that nothing it sends is hidden.
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "table.h"

enum cli_ctr_group {
	CLI_CTR_SUMMARY,	/* rx .. sent_302: always shown */
	CLI_CTR_DROPS,		/* why frames were dropped */
	CLI_CTR_PASSES,		/* why frames passed */
	CLI_CTR_REQUESTS,	/* SIP requests by method */
	CLI_CTR_OTHER,		/* not a counter this CLI knows */
};

/* Two dicts (a worker's two ports) of at most 256 keys: telemetry's limit. */
#define CLI_CTR_MAX 512

struct cli_ctr_list {
	unsigned int n;
	const char *name[CLI_CTR_MAX];
};

/*
 * The numeric keys of dicts[0..n) (NULL entries skipped), each once, in
 * display order, leaving out those in skip (NULL-terminated, may be
 * NULL). The names point into the dicts or lib/stats: valid while both are.
 */
void cli_ctr_list(struct cli_ctr_list *l, const json_t *const *dicts, unsigned int n,
		const char *const *skip);

/* The group of a counter name. */
enum cli_ctr_group cli_ctr_group(const char *name);

/* d[name] as a counter: 0 when absent or not a number. */
uint64_t cli_ctr_get(const json_t *d, const char *name);

/*
 * Rows "name value..." for the counters of dicts[0..n) (NULL entries
 * skipped) but those in skip, one value column per dict, a blank line
 * between groups. A
 * counter that is zero in every dict is left out unless all, except those
 * of CLI_CTR_SUMMARY: they are always there.
 */
void cli_ctr_rows(struct cli_table *t, const json_t *const *dicts, unsigned int n,
		const char *const *skip, bool all);

/* Ports a reply can name: outside, inside, and room for a newer server's. */
#define CLI_PORTS_MAX 8

/*
 * The members of d whose values are dicts, "outside" first, "inside"
 * second, any other in d's order: the per-port parts of /sipshield/ports
 * and /sipshield/worker,<i>. Returns how many were put in names[] and
 * dicts[] (at most CLI_PORTS_MAX).
 */
unsigned int cli_port_dicts(const json_t *d, const char **names, const json_t **dicts);
