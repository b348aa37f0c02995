/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * lib/stats: the counters of one worker on one port (DESIGN §4).
 *
 * Only the worker that owns a struct ss_counters writes it, with plain
 * additions (summed in locals over a burst first); every other thread
 * reads it with relaxed atomic loads through ss_counters_add(). Blocks are
 * keyed by worker first, then port, each on its own cache lines, so no
 * two lcores ever write one line.
 *
 * Telemetry (/sipshield/stats...) will sum the same blocks with the same
 * helpers; the names come from ss_ctr_name().
 */

#pragma once

#include <stdint.h>

#include <rte_common.h>

#include "ss_ctr.h"

struct ss_counters {
	uint64_t c[SS_CTR_COUNT];
} __rte_cache_aligned;

/*
 * dst += src, each of src's counters read with a relaxed atomic load, so
 * src may belong to a running worker. dst must be the caller's own.
 * Any thread.
 */
void ss_counters_add(struct ss_counters *dst, const struct ss_counters *src);

/* dst = sum of src[0..n) (NULL entries are skipped). Any thread. */
void ss_counters_sum(struct ss_counters *dst, const struct ss_counters *const *src,
		unsigned int n);
