/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The figures: readable tables, or one JSON document (jansson) with the
 * same figures unrounded and the cycles of every stage.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_lcore.h>

#include "ss_stats.h"
#include "bench.h"
#include "stages.h"

/* DESIGN §7: Mpps per worker core each class must reach (0: none set). */
static double
target_mpps(const char *name)
{
	int c = bench_class_from_name(name, strlen(name));

	switch (c) {
	case BC_REGISTER_423:
	case BC_INVITE_302:
		return 3;
	case BC_REGISTER:
	case BC_INVITE:
	case BC_RESPONSE:
		return 6;
	case BC_UDP:
	case BC_OTHER:
		return 15;
	default:
		return 0;
	}
}

static const char *
verdict_word(const struct bench_result *r)
{
	if (r->answered >= 0.999)
		return "answer";
	if (r->passed >= 0.999)
		return "pass";
	if (r->dropped >= 0.999)
		return "drop";
	return "mixed";
}

static void
cpu_model(char *out, size_t cap)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(out, cap, "unknown CPU");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || colon == NULL)
			continue;
		colon += strspn(colon + 1, " \t") + 1;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(out, cap, "%s", colon);
		break;
	}
	fclose(f);
}

void
bench_report_header(const struct bench *b)
{
	char cpu[128];

	cpu_model(cpu, sizeof(cpu));
	printf("%s %s: %s, %ld CPUs online, TSC %.3f GHz, %s\n", BENCH_NAME, SS_VERSION, cpu,
			sysconf(_SC_NPROCESSORS_ONLN), b->hz / 1e9,
			rte_eal_has_hugepages() ? "hugepages" : "no hugepages");
	printf("frames: %u variants per class, RX backlog %u%s; %.3g s per run after warm-up%s\n",
			b->o.variants, b->o.backlog,
			b->o.cold ? ", flushed from cache (--cold)" : "", b->o.duration,
			b->o.stages ? ", then an instrumented pass" : "");
	fflush(stdout);
}

static void
print_classes(const struct bench *b, uint32_t moved, unsigned int idx)
{
	printf("\nPer class, 1 worker core, moved table of %u entries (loaded in %.2f s)\n",
			moved, b->load_s[idx]);
	printf("%-12s %5s %-7s %9s %8s %10s %8s %8s %9s %7s\n", "class", "bytes",
			"verdict", "Mpps/core", "cyc/pkt", "target", "p50 us", "p99 us",
			"wall Mpps", "feeder");
	for (unsigned int i = 0; i < b->n_res; i++) {
		const struct bench_result *r = &b->res[i];
		double t = target_mpps(r->name);
		char tgt[16] = "-";

		if (r->moved_entries != moved || r->workers != 1)
			continue;
		if (t > 0)
			snprintf(tgt, sizeof(tgt), ">=%.0f %s", t,
					r->mpps_worker >= t ? "yes" : "no");
		printf("%-12s %5.0f %-7s %9.2f %8.0f %10s %8.2f %8.2f %9.2f %7.0f\n", r->name,
				r->avg_len, verdict_word(r), r->mpps_worker, r->cyc_pkt, tgt,
				r->lat_p50_ns / 1e3, r->lat_p99_ns / 1e3, r->wall_mpps,
				r->harness_pkt);
	}
}

/*
 * The table groups the stages: hs is hs_scan + hs_verify, tx takes loop
 * (the RCU report and the drain timer); --json keeps every stage apart.
 */
static void
print_stages(const struct bench *b, uint32_t moved)
{
	static const struct {
		const char *name;
		unsigned int a, b;	/* stages summed: [a] and [b] (b == a: one) */
	} col[] = {
		{"rx", ST_RX, ST_RX}, {"l2l4", ST_L2L4, ST_L2L4}, {"parse", ST_PARSE, ST_PARSE},
		{"hs", ST_HS_SCAN, ST_HS}, {"ua", ST_SCANNER, ST_SCANNER},
		{"lookup", ST_LOOKUP, ST_LOOKUP}, {"verdict", ST_VERDICT, ST_VERDICT},
		{"limits", ST_LIMITS, ST_LIMITS}, {"reply", ST_REPLY, ST_REPLY},
		{"burst", ST_BURST, ST_BURST}, {"tx", ST_TX, ST_LOOP},
	};

	printf("\nWhere the cycles go: share of each stage (instrumented pass, its timers' cost "
			"removed)\n");
	printf("%-12s", "class");
	for (unsigned int k = 0; k < RTE_DIM(col); k++)
		printf(" %6s", col[k].name);
	printf(" %7s %7s\n", "instr", "t/call");
	for (unsigned int i = 0; i < b->n_res; i++) {
		const struct bench_result *r = &b->res[i];
		double sum = 0;

		if (r->moved_entries != moved || r->workers != 1 || !r->instrumented)
			continue;
		for (unsigned int s = 0; s < ST_COUNT; s++)
			sum += r->stage_pkt[s] > 0 ? r->stage_pkt[s] : 0;
		printf("%-12s", r->name);
		if (r->stages_disturbed) {
			printf(" disturbed: the timers cost %.0f cycles a call, not about %ld; "
					"rerun\n", r->timer_call,
					(long)(bench_stage_c_self + bench_stage_c_child));
			continue;
		}
		/* a stage of a few cycles can come out below 0 after the correction */
		for (unsigned int k = 0; k < RTE_DIM(col); k++) {
			double v = 0;

			for (unsigned int s = col[k].a; s <= col[k].b; s++)
				v += r->stage_pkt[s] > 0 ? r->stage_pkt[s] : 0;
			printf(" %5.1f%%", sum > 0 ? 100 * v / sum : 0.0);
		}
		printf(" %7.0f %7.1f\n", r->instr_cyc_pkt, r->timer_call);
	}
}

static const struct bench_result *
find(const struct bench *b, const char *name, uint32_t moved, unsigned int workers)
{
	for (unsigned int i = 0; i < b->n_res; i++)
		if (b->res[i].moved_entries == moved && b->res[i].workers == workers &&
				strcmp(b->res[i].name, name) == 0)
			return &b->res[i];
	return NULL;
}

static void
print_moved(const struct bench *b)
{
	uint32_t first = b->loaded[0];

	printf("\nMoved table size: cycles per frame, 1 worker");
	printf("\n%-12s", "class");
	for (unsigned int k = 0; k < b->n_loaded; k++)
		printf(" %10u", b->loaded[k]);
	printf("   change vs %u\n", first);
	for (unsigned int i = 0; i < b->n_res; i++) {
		const struct bench_result *r = &b->res[i], *last = NULL;

		if (r->moved_entries != first || r->workers != 1)
			continue;
		printf("%-12s", r->name);
		for (unsigned int k = 0; k < b->n_loaded; k++) {
			const struct bench_result *x = find(b, r->name, b->loaded[k], 1);

			printf(" %10.0f", x != NULL ? x->cyc_pkt : 0);
			if (x != NULL)
				last = x;
		}
		if (last != NULL && r->cyc_pkt > 0)
			printf("   %+6.1f %%", 100 * (last->cyc_pkt - r->cyc_pkt) / r->cyc_pkt);
		printf("\n");
	}
}

static void
print_scaling(const struct bench *b)
{
	const struct bench_result *one = NULL;

	printf("\nScaling with workers (%s, moved table of %u entries; %ld CPUs online)\n",
			b->scale_name, b->loaded[0],
			sysconf(_SC_NPROCESSORS_ONLN));
	printf("%-7s %10s %11s %8s %8s %9s\n", "workers", "Mpps total", "Mpps/worker",
			"cyc/pkt", "vs 1", "wall Mpps");
	for (unsigned int i = 0; i < b->n_res; i++) {
		const struct bench_result *r = &b->res[i];

		if (r->moved_entries != b->loaded[0] || strcmp(r->name, b->scale_name) != 0)
			continue;
		if (r->workers == 1)
			one = r;
		printf("%-7u %10.2f %11.2f %8.0f %7.2fx %9.2f\n", r->workers, r->mpps_total,
				r->mpps_total / r->workers, r->cyc_pkt,
				one != NULL && one->mpps_total > 0 ?
					r->mpps_total / one->mpps_total : 0,
				r->wall_mpps);
	}
	if ((long)b->o.workers >= sysconf(_SC_NPROCESSORS_ONLN))
		printf("note: %u workers on %ld CPUs: nothing is left for the kernel or other "
				"programs, and on a VM the cores may share physical ones\n",
				b->o.workers, sysconf(_SC_NPROCESSORS_ONLN));
}

void
bench_report_table(const struct bench *b)
{
	for (unsigned int k = 0; k < b->n_loaded; k++) {
		print_classes(b, b->loaded[k], k);
		if (b->o.stages)
			print_stages(b, b->loaded[k]);
	}
	if (b->n_loaded > 1)
		print_moved(b);
	if (b->o.workers > 1)
		print_scaling(b);
	printf("\nheadline: TSC cycles of the timed rounds, %lu per round (its two TSC reads) "
			"removed\n", (unsigned long)b->tsc_pair);
	if (b->o.stages)
		printf("instr: cycles per frame of the instrumented pass; t/call: its timer cycles "
				"per stage call,\nremoved (split %ld:%ld between a stage and its "
				"caller)\n", (long)bench_stage_c_self, (long)bench_stage_c_child);
}

/* --- JSON ------------------------------------------------------------------ */

/* Add to an object, counting failures: jansson returns -1 on out of memory. */
static int json_failed;

static void
put(json_t *o, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		json_failed++;
}

static json_t *
run_json(const struct bench_result *r)
{
	json_t *o = json_object(), *lat = json_object(), *st;
	double t = target_mpps(r->name);

	if (o == NULL || lat == NULL) {
		json_failed++;
		json_decref(o);
		json_decref(lat);
		return NULL;
	}
	put(o, "name", json_string(r->name));
	put(o, "workers", json_integer(r->workers));
	put(o, "moved_entries", json_integer(r->moved_entries));
	put(o, "packets", json_integer((json_int_t)r->pkts));
	put(o, "bytes_avg", json_real(r->avg_len));
	put(o, "cycles_per_packet", json_real(r->cyc_pkt));
	put(o, "cycles_per_packet_all_slices", json_real(r->cyc_pkt_all));
	put(o, "slices", json_integer(r->slices));
	put(o, "quiet_slices", json_integer(r->quiet));
	put(o, "mpps_per_worker", json_real(r->mpps_worker));
	put(o, "mpps_total", json_real(r->mpps_total));
	put(o, "wall_mpps", json_real(r->wall_mpps));
	put(o, "feeder_cycles_per_packet", json_real(r->harness_pkt));
	put(lat, "p50", json_real(r->lat_p50_ns));
	put(lat, "p99", json_real(r->lat_p99_ns));
	put(o, "latency_ns", lat);
	put(o, "answered", json_real(r->answered));
	put(o, "passed", json_real(r->passed));
	put(o, "dropped", json_real(r->dropped));
	put(o, "target_mpps", t > 0 ? json_real(t) : json_null());
	put(o, "target_met", t > 0 ? json_boolean(r->mpps_worker >= t) : json_null());
	if (r->instrumented) {
		json_t *calls = json_object();

		st = json_object();
		if (st == NULL || calls == NULL) {
			json_failed++;
			json_decref(st);
			json_decref(calls);
		} else {
			for (unsigned int s = 0; s < ST_COUNT; s++) {
				put(st, bench_stage_name(s), json_real(r->stage_pkt[s]));
				put(calls, bench_stage_name(s), json_real(r->stage_calls[s]));
			}
			put(o, "stage_cycles_per_packet", st);
			put(o, "stage_calls_per_packet", calls);
		}
		put(o, "instrumented_cycles_per_packet", json_real(r->instr_cyc_pkt));
		put(o, "timer_cycles_per_call", json_real(r->timer_call));
		put(o, "stages_disturbed", json_boolean(r->stages_disturbed));
	}
	return o;
}

int
bench_report_json(const struct bench *b, FILE *f)
{
	json_t *root = json_object(), *m = json_object(), *opt = json_object();
	json_t *runs = json_array(), *tables = json_array(), *cls = json_object();
	char cpu[128];

	if (root == NULL || m == NULL || opt == NULL || runs == NULL || tables == NULL ||
			cls == NULL)
		json_failed++;
	cpu_model(cpu, sizeof(cpu));
	put(root, "tool", json_string(BENCH_NAME));
	put(root, "version", json_string(SS_VERSION));
	put(m, "cpu", json_string(cpu));
	put(m, "cpus_online", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	put(m, "lcores", json_integer(rte_lcore_count()));
	put(m, "tsc_hz", json_real(b->hz));
	put(m, "hugepages", json_boolean(rte_eal_has_hugepages()));
	put(root, "machine", m);
	put(opt, "duration_s", json_real(b->o.duration));
	put(opt, "packets", json_integer((json_int_t)b->o.packets));
	put(opt, "variants", json_integer(b->o.variants));
	put(opt, "backlog", json_integer(b->o.backlog));
	put(opt, "cold", json_boolean(b->o.cold));
	put(opt, "mix", b->o.run_mix ? json_string(b->o.mix_spec) : json_null());
	put(opt, "workers", json_integer(b->o.workers));
	put(opt, "min_expires", json_integer(b->o.min_expires));
	put(opt, "moved_file", b->o.moved_file != NULL ? json_string(b->o.moved_file) :
			json_null());
	put(opt, "tsc_pair_cycles", json_integer((json_int_t)b->tsc_pair));
	put(opt, "stage_timer_cycles", json_integer(bench_stage_c_self));
	put(opt, "stage_nested_timer_cycles", json_integer(bench_stage_c_child));
	put(root, "options", opt);
	for (unsigned int c = 0; c < BC_COUNT; c++) {
		json_t *o = json_object();

		if (o == NULL) {
			json_failed++;
			continue;
		}
		put(o, "bytes_avg", json_real(b->traffic.avg_len[c]));
		put(o, "expected_counter", json_string(ss_ctr_name(bench_class_expect(c))));
		put(cls, bench_class_name(c), o);
	}
	put(root, "classes", cls);
	for (unsigned int k = 0; k < b->n_loaded; k++) {
		json_t *o = json_object();

		if (o == NULL || json_array_append_new(tables, o) != 0) {
			json_failed++;
			continue;
		}
		put(o, "entries", json_integer(b->loaded[k]));
		put(o, "load_s", json_real(b->load_s[k]));
	}
	put(root, "moved_tables", tables);
	for (unsigned int i = 0; i < b->n_res; i++) {
		json_t *o = run_json(&b->res[i]);

		if (o == NULL || json_array_append_new(runs, o) != 0)
			json_failed++;
	}
	put(root, "runs", runs);
	if (json_failed != 0 || json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) != 0) {
		json_decref(root);
		return -ENOMEM;
	}
	fputc('\n', f);
	json_decref(root);
	return 0;
}
