/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Exclusive-time accounting for the instrumented pass. A stage is entered
 * and left around a call; its own cycles are its interval less those of
 * the stages called inside it. The timers' own cost is removed afterwards
 * (run.c, sum_stages()), from the difference between the instrumented and
 * the headline pass over the same traffic, so that the stages add up to
 * the headline cycles; the number of calls and of nested calls of each
 * stage is kept for that. Per lcore, no sharing: each worker reads only
 * its own.
 *
 * The headline pass never calls these: the wrappers in stages.c test
 * bench_stages_on and call straight through.
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_per_lcore.h>

#include "bench.h"

#ifdef RTE_ARCH_X86
#include <x86intrin.h>
#endif

#define STAGE_DEPTH 8

/*
 * The stage clock. Plain rdtsc does not wait for the work before it: a
 * cache miss still outstanding when a stage ends is then booked to
 * whatever runs next (the moved table's misses showed up as "verdict").
 * rdtscp waits until everything before it has executed, and the lfence
 * keeps what follows from starting before the read.
 */
static inline uint64_t
bench_stage_clock(void)
{
#ifdef RTE_ARCH_X86
	unsigned int aux;
	uint64_t t = __rdtscp(&aux);

	_mm_lfence();
	return t;
#else
	return rte_rdtsc_precise();
#endif
}

struct stage_frame {
	uint64_t t0;
	uint64_t child;		/* raw cycles of the stages called inside */
	uint32_t n_child;
};

struct stage_acc {
	unsigned int depth;
	struct stage_frame f[STAGE_DEPTH];
	int64_t excl[ST_ALL];	/* own cycles, timers included */
	uint64_t calls[ST_ALL];
	uint64_t kids[ST_ALL];	/* stages entered inside this one */
};

RTE_DECLARE_PER_LCORE(struct stage_acc, bench_stage_acc);

/* Set by the main lcore while no worker runs. */
extern bool bench_stages_on;
/*
 * From a calibration loop: the timer cycles an empty stage shows in its
 * own interval, and those a nested stage adds to its parent's. Only their
 * ratio is used, to split the timer cost measured in situ between a
 * stage and its caller.
 */
extern int64_t bench_stage_c_self;
extern int64_t bench_stage_c_child;

static inline void
bench_stage_enter(void)
{
	struct stage_acc *a = &RTE_PER_LCORE(bench_stage_acc);

	if (likely(a->depth < STAGE_DEPTH)) {
		struct stage_frame *f = &a->f[a->depth];

		f->child = 0;
		f->n_child = 0;
		f->t0 = bench_stage_clock();
	}
	a->depth++;
}

static inline void
bench_stage_leave(enum bench_stage s)
{
	uint64_t t1 = bench_stage_clock();
	struct stage_acc *a = &RTE_PER_LCORE(bench_stage_acc);
	struct stage_frame *f;
	uint64_t raw;

	if (unlikely(--a->depth >= STAGE_DEPTH))
		return;	/* deeper than we keep: its time stays with its parent */
	f = &a->f[a->depth];
	raw = t1 - f->t0;
	a->excl[s] += (int64_t)(raw - f->child);
	a->calls[s]++;
	a->kids[s] += f->n_child;
	if (a->depth > 0) {
		a->f[a->depth - 1].child += raw;
		a->f[a->depth - 1].n_child++;
	}
}
