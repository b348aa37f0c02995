/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * sipshield-bench: orchestration only. Options, EAL, the filter and its
 * table, the frames, the workers and their ports; then for each moved
 * table size each class alone and the mix, the scaling runs, and the
 * report. bench.h lists the modules.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include "bench.h"

/* The cost of the two TSC reads that bound a timed round: the median of many. */
static uint64_t
tsc_pair_cost(void)
{
	uint64_t d[1001];

	for (unsigned int i = 0; i < RTE_DIM(d); i++) {
		uint64_t t0 = rte_rdtsc();

		d[i] = rte_rdtsc() - t0;
	}
	for (unsigned int i = 1; i < RTE_DIM(d); i++)
		for (unsigned int j = i; j > 0 && d[j - 1] > d[j]; j--) {
			uint64_t t = d[j];

			d[j] = d[j - 1];
			d[j - 1] = t;
		}
	return d[RTE_DIM(d) / 2];
}

static void
progress(const struct bench *b, const char *what)
{
	const struct bench_result *r = &b->res[b->n_res - 1];

	fprintf(stderr, "%s: %-12s %u worker%s, table %u: %7.2f Mpps/core, %6.0f cyc/pkt%s\n",
			BENCH_NAME, what, r->workers, r->workers == 1 ? " " : "s", r->moved_entries,
			r->mpps_worker, r->cyc_pkt, r->instrumented ? ", stages done" : "");
}

static int
run_table(struct bench *b, unsigned int idx, char *err, size_t errlen)
{
	int ret;

	for (unsigned int c = 0; c < BC_COUNT; c++) {
		if (!b->o.classes[c])
			continue;
		ret = bench_run(b, bench_class_name(c), b->sched[c], 1, err, errlen);
		if (ret != 0)
			return ret;
		progress(b, bench_class_name(c));
	}
	if (b->o.run_mix) {
		ret = bench_run(b, "mix", b->sched[BC_COUNT], 1, err, errlen);
		if (ret != 0)
			return ret;
		progress(b, "mix");
	}
	if (idx != 0)
		return 0;
	/* scaling, on the first table only: the mix, else the first class */
	for (unsigned int k = 2; k <= b->o.workers; k++) {
		ret = bench_run(b, b->scale_name, b->scale_sched, k, err, errlen);
		if (ret != 0)
			return ret;
		progress(b, b->scale_name);
	}
	return 0;
}

static int
make_schedules(struct bench *b, char *err, size_t errlen)
{
	for (unsigned int c = 0; c < BC_COUNT; c++) {
		unsigned int one[BC_COUNT] = {0};

		one[c] = 1;
		b->sched[c] = bench_sched_make(one, c + 1);
	}
	b->sched[BC_COUNT] = bench_sched_make(b->o.mix, 0x3141);
	for (unsigned int c = 0; c <= BC_COUNT; c++)
		if (b->sched[c] == NULL) {
			snprintf(err, errlen, "out of memory for the schedules");
			return -1;
		}
	if (b->o.run_mix) {
		b->scale_name = "mix";
		b->scale_sched = b->sched[BC_COUNT];
		return 0;
	}
	for (unsigned int c = 0; c < BC_COUNT; c++)
		if (b->o.classes[c]) {
			b->scale_name = bench_class_name(c);
			b->scale_sched = b->sched[c];
			break;
		}
	return 0;
}

static int
setup(struct bench *b, char *err, size_t errlen)
{
	int ret;

	b->hz = (double)rte_get_tsc_hz();
	b->n_workers = b->o.workers;
	if (rte_lcore_count() < b->n_workers) {
		snprintf(err, errlen, "--workers %u needs %u lcores, EAL has %u: give it -l 0-%u",
				b->n_workers, b->n_workers, rte_lcore_count(), b->n_workers - 1);
		return -1;
	}
	b->tsc_pair = tsc_pair_cost();
	if (b->o.stages)
		bench_stages_calibrate();
	ret = bench_filter_setup(b, err, errlen);
	if (ret == 0)
		ret = bench_traffic_build(b, err, errlen);
	if (ret == 0)
		ret = bench_workers_create(b, err, errlen);
	if (ret == 0)
		ret = bench_ports_create(b, err, errlen);
	if (ret == 0)
		ret = make_schedules(b, err, errlen);
	return ret;
}

static int
write_json(const struct bench *b, char *err, size_t errlen)
{
	FILE *f = fopen(b->o.json_out, "w");
	int ret;

	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot write: %s", b->o.json_out, strerror(errno));
		return -1;
	}
	ret = bench_report_json(b, f);
	if (fclose(f) != 0 || ret < 0) {
		snprintf(err, errlen, "%s: cannot write the JSON report", b->o.json_out);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct bench bench;
	struct bench *b = &bench;
	char err[BENCH_ERR_MAX] = "";
	int ret, status = 1;
	unsigned int n_tables;

	ret = bench_args_parse(&b->o, argc, argv, err, sizeof(err));
	if (ret == 1)
		return 0;
	if (ret < 0) {
		fprintf(stderr, "%s: %s\n", BENCH_NAME, err);
		return 1;
	}
	if (rte_eal_init(bench_eal_argc(argc, argv), argv) < 0) {
		fprintf(stderr, "%s: EAL init failed: %s (see --help, EAL OPTIONS)\n", BENCH_NAME,
				rte_strerror(rte_errno));
		return 1;
	}
	/* the table loads log at INFO; the bench reports them itself */
	if (!b->o.verbose)
		rte_log_set_level_pattern("sipshield.*", RTE_LOG_NOTICE);

	if (setup(b, err, sizeof(err)) != 0)
		goto out;
	if (!b->o.json)
		bench_report_header(b);
	n_tables = b->o.moved_file != NULL ? 1 : b->o.n_moved;
	for (unsigned int k = 0; k < n_tables; k++) {
		if (bench_moved_load(b, b->o.moved[k], err, sizeof(err)) < 0)
			goto out;
		b->loaded[k] = b->moved_entries;
		b->load_s[k] = b->moved_load_s;
		b->n_loaded = k + 1;
		if (run_table(b, k, err, sizeof(err)) != 0)
			goto out;
	}
	if (b->o.json)
		ret = bench_report_json(b, stdout);
	else
		bench_report_table(b);
	if (ret == 0 && b->o.json_out != NULL)
		ret = write_json(b, err, sizeof(err));
	else if (ret < 0)
		snprintf(err, sizeof(err), "out of memory for the JSON report");
	if (ret == 0)
		status = 0;
out:
	if (status != 0)
		fprintf(stderr, "%s: %s\n", BENCH_NAME, err);
	bench_release(b);
	rte_eal_cleanup();
	return status;
}
