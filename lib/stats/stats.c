/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Summing counters that their workers keep writing. Relaxed loads are
 * enough: each counter only grows and is read whole (aligned 64-bit), and
 * a sum is a snapshot that may lag a burst behind, never a torn value.
 */

#include <string.h>

#include "ss_stats.h"

void
ss_counters_add(struct ss_counters *dst, const struct ss_counters *src)
{
	for (unsigned int i = 0; i < SS_CTR_COUNT; i++)
		dst->c[i] += __atomic_load_n(&src->c[i], __ATOMIC_RELAXED);
}

void
ss_counters_sum(struct ss_counters *dst, const struct ss_counters *const *src, unsigned int n)
{
	memset(dst, 0, sizeof(*dst));
	for (unsigned int i = 0; i < n; i++)
		if (src[i] != NULL)
			ss_counters_add(dst, src[i]);
}
