/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The instrumented pass: where the cycles of the per-burst stage go,
 * measured inside the real library code without changing it.
 *
 * The bench links with `-Wl,--wrap=F` for the library functions that
 * bound the stages (meson.build), so every call the libraries make to F
 * from another object file -- ss_filter_burst() calling ss_net_classify(),
 * ss_filter_process() calling ss_sip_parse_start(), lib/sip calling
 * hs_scan() -- lands in __wrap_F below. With the pass off, a wrapper is a
 * test and a tail call to __real_F (a few cycles per call; see
 * docs/PERFORMANCE.md for the measured cost). With it on, the wrapper
 * reads the TSC around the call and books the exclusive time to a stage.
 *
 * The wrappers name only public functions of lib/net, lib/sip,
 * lib/filter (the rate limits included) and Hyperscan: if one is renamed, this file stops compiling
 * rather than silently measuring nothing; if the libraries start calling
 * new functions, their time falls to the caller's stage, and the per-stage
 * call counts in --json show it.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_per_lcore.h>

#include <hs.h>

#include "ss_filter.h"
#include "ss_net.h"
#include "ss_ratelimit.h"
#include "ss_sip.h"
#include "bench.h"
#include "stages.h"

RTE_DEFINE_PER_LCORE(struct stage_acc, bench_stage_acc);

bool bench_stages_on;
int64_t bench_stage_c_self;
int64_t bench_stage_c_child;

static const char *const stage_names[ST_COUNT] = {
	[ST_RX] = "rx",
	[ST_L2L4] = "l2l4",
	[ST_PARSE] = "sip_parse",
	[ST_HS_SCAN] = "hs_scan",
	[ST_HS] = "hs_verify",
	[ST_SCANNER] = "scanner",
	[ST_LOOKUP] = "moved_lookup",
	[ST_VERDICT] = "verdict",
	[ST_LIMITS] = "limits",
	[ST_REPLY] = "reply",
	[ST_BURST] = "burst",
	[ST_TX] = "tx",
	[ST_LOOP] = "loop",
};

const char *
bench_stage_name(enum bench_stage s)
{
	return (unsigned int)s < ST_COUNT ? stage_names[s] : "calibration";
}

void
bench_stages_enable(bool on)
{
	bench_stages_on = on;
}

void
bench_stages_reset(void)
{
	memset(&RTE_PER_LCORE(bench_stage_acc), 0, sizeof(struct stage_acc));
}

void
bench_stages_collect(struct bench_snap *snap)
{
	const struct stage_acc *a = &RTE_PER_LCORE(bench_stage_acc);

	memcpy(snap->stage, a->excl, sizeof(snap->stage));
	memcpy(snap->calls, a->calls, sizeof(snap->calls));
	memcpy(snap->kids, a->kids, sizeof(snap->kids));
}

#define CAL_ITERS 50000
#define CAL_ROUNDS 9

/* The median of CAL_ROUNDS averages, so one interrupt does not set the constant. */
static int64_t
median(int64_t v[CAL_ROUNDS])
{
	for (int i = 1; i < CAL_ROUNDS; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			int64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[CAL_ROUNDS / 2];
}

/*
 * Measure what an empty stage shows (its own timer cost), and what a
 * child stage's timers add to its parent beyond the child's interval.
 * Main lcore, before any run.
 */
void
bench_stages_calibrate(void)
{
	struct stage_acc *a = &RTE_PER_LCORE(bench_stage_acc);
	int64_t self[CAL_ROUNDS], child[CAL_ROUNDS];

	for (int r = 0; r < CAL_ROUNDS; r++) {
		bench_stages_reset();
		for (int i = 0; i < CAL_ITERS; i++) {
			bench_stage_enter();
			bench_stage_leave(ST_CAL_A);
		}
		self[r] = a->excl[ST_CAL_A] / CAL_ITERS;
	}
	bench_stage_c_self = median(self);
	for (int r = 0; r < CAL_ROUNDS; r++) {
		bench_stages_reset();
		for (int i = 0; i < CAL_ITERS; i++) {
			bench_stage_enter();
			bench_stage_enter();
			bench_stage_leave(ST_CAL_B);
			bench_stage_leave(ST_CAL_A);
		}
		child[r] = a->excl[ST_CAL_A] / CAL_ITERS - bench_stage_c_self;
	}
	bench_stage_c_child = median(child);
	bench_stages_reset();
}

/* --- The wrappers -------------------------------------------------------- */

/*
 * Each: declared for -Wmissing-prototypes, then defined. The __real_
 * symbols are what the linker gives the original definitions.
 */
#define STAGE_CALL(stage, call) do {		\
		bench_stage_enter();		\
		call;				\
		bench_stage_leave(stage);	\
	} while (0)

enum ss_net_class __real_ss_net_classify(const struct rte_mbuf *m, const uint16_t *sip_ports,
		unsigned int n_sip_ports, struct ss_net_view *v);
enum ss_net_class __wrap_ss_net_classify(const struct rte_mbuf *m, const uint16_t *sip_ports,
		unsigned int n_sip_ports, struct ss_net_view *v);

enum ss_net_class
__wrap_ss_net_classify(const struct rte_mbuf *m, const uint16_t *sip_ports,
		unsigned int n_sip_ports, struct ss_net_view *v)
{
	enum ss_net_class c;

	if (likely(!bench_stages_on))
		return __real_ss_net_classify(m, sip_ports, n_sip_ports, v);
	STAGE_CALL(ST_L2L4, c = __real_ss_net_classify(m, sip_ports, n_sip_ports, v));
	return c;
}

int __real_ss_net_answer(struct rte_mbuf *m, const struct ss_net_view *v, const void *reply,
		uint16_t reply_len, uint64_t tx_offloads);
int __wrap_ss_net_answer(struct rte_mbuf *m, const struct ss_net_view *v, const void *reply,
		uint16_t reply_len, uint64_t tx_offloads);

int
__wrap_ss_net_answer(struct rte_mbuf *m, const struct ss_net_view *v, const void *reply,
		uint16_t reply_len, uint64_t tx_offloads)
{
	int r;

	if (likely(!bench_stages_on))
		return __real_ss_net_answer(m, v, reply, reply_len, tx_offloads);
	STAGE_CALL(ST_REPLY, r = __real_ss_net_answer(m, v, reply, reply_len, tx_offloads));
	return r;
}

void __real_ss_filter_process(const struct ss_filter *f, struct ss_sip_scratch *scratch,
		struct ss_sip_msg *sm, const void *msg, size_t len, const struct ss_sip_addr *src,
		char *out, size_t out_cap, struct ss_filter_result *result);
void __wrap_ss_filter_process(const struct ss_filter *f, struct ss_sip_scratch *scratch,
		struct ss_sip_msg *sm, const void *msg, size_t len, const struct ss_sip_addr *src,
		char *out, size_t out_cap, struct ss_filter_result *result);

void
__wrap_ss_filter_process(const struct ss_filter *f, struct ss_sip_scratch *scratch,
		struct ss_sip_msg *sm, const void *msg, size_t len, const struct ss_sip_addr *src,
		char *out, size_t out_cap, struct ss_filter_result *result)
{
	if (likely(!bench_stages_on)) {
		__real_ss_filter_process(f, scratch, sm, msg, len, src, out, out_cap, result);
		return;
	}
	STAGE_CALL(ST_VERDICT,
		__real_ss_filter_process(f, scratch, sm, msg, len, src, out, out_cap, result));
}

enum ss_sip_kind __real_ss_sip_parse_start(struct ss_sip_msg *msg, const void *buf, size_t len);
enum ss_sip_kind __wrap_ss_sip_parse_start(struct ss_sip_msg *msg, const void *buf, size_t len);

enum ss_sip_kind
__wrap_ss_sip_parse_start(struct ss_sip_msg *msg, const void *buf, size_t len)
{
	enum ss_sip_kind k;

	if (likely(!bench_stages_on))
		return __real_ss_sip_parse_start(msg, buf, len);
	STAGE_CALL(ST_PARSE, k = __real_ss_sip_parse_start(msg, buf, len));
	return k;
}

bool __real_ss_sip_find_end(struct ss_sip_msg *msg);
bool __wrap_ss_sip_find_end(struct ss_sip_msg *msg);

bool
__wrap_ss_sip_find_end(struct ss_sip_msg *msg)
{
	bool r;

	if (likely(!bench_stages_on))
		return __real_ss_sip_find_end(msg);
	STAGE_CALL(ST_PARSE, r = __real_ss_sip_find_end(msg));
	return r;
}

bool __real_ss_sip_parse_headers(struct ss_sip_msg *msg);
bool __wrap_ss_sip_parse_headers(struct ss_sip_msg *msg);

bool
__wrap_ss_sip_parse_headers(struct ss_sip_msg *msg)
{
	bool r;

	if (likely(!bench_stages_on))
		return __real_ss_sip_parse_headers(msg);
	STAGE_CALL(ST_PARSE, r = __real_ss_sip_parse_headers(msg));
	return r;
}

int __real_ss_sip_register_expiry(const struct ss_sip_msg *msg, const struct ss_sip_hs *hs,
		struct ss_sip_scratch *scratch, struct ss_sip_expiry *out);
int __wrap_ss_sip_register_expiry(const struct ss_sip_msg *msg, const struct ss_sip_hs *hs,
		struct ss_sip_scratch *scratch, struct ss_sip_expiry *out);

int
__wrap_ss_sip_register_expiry(const struct ss_sip_msg *msg, const struct ss_sip_hs *hs,
		struct ss_sip_scratch *scratch, struct ss_sip_expiry *out)
{
	int r;

	if (likely(!bench_stages_on))
		return __real_ss_sip_register_expiry(msg, hs, scratch, out);
	STAGE_CALL(ST_HS, r = __real_ss_sip_register_expiry(msg, hs, scratch, out));
	return r;
}

hs_error_t __real_hs_scan(const hs_database_t *db, const char *data, unsigned int length,
		unsigned int flags, hs_scratch_t *scratch, match_event_handler on_event,
		void *context);
hs_error_t __wrap_hs_scan(const hs_database_t *db, const char *data, unsigned int length,
		unsigned int flags, hs_scratch_t *scratch, match_event_handler on_event,
		void *context);

/* Set while ss_sip_is_scanner() runs: its scans are the User-Agent check's. */
static RTE_DEFINE_PER_LCORE(bool, in_ua_check);

/*
 * The match callback runs inside hs_scan, and lib/sip's does the cheap
 * part of the verification there; it is booked to hs_scan. A scan of a
 * User-Agent is booked to the scanner check.
 */
hs_error_t
__wrap_hs_scan(const hs_database_t *db, const char *data, unsigned int length,
		unsigned int flags, hs_scratch_t *scratch, match_event_handler on_event,
		void *context)
{
	hs_error_t r;

	if (likely(!bench_stages_on))
		return __real_hs_scan(db, data, length, flags, scratch, on_event, context);
	STAGE_CALL(RTE_PER_LCORE(in_ua_check) ? ST_SCANNER : ST_HS_SCAN,
		r = __real_hs_scan(db, data, length, flags, scratch, on_event, context));
	return r;
}

enum ss_sip_key_result __real_ss_sip_uri_key(const char *uri, size_t len,
		struct ss_sip_key *key);
enum ss_sip_key_result __wrap_ss_sip_uri_key(const char *uri, size_t len,
		struct ss_sip_key *key);

enum ss_sip_key_result
__wrap_ss_sip_uri_key(const char *uri, size_t len, struct ss_sip_key *key)
{
	enum ss_sip_key_result r;

	if (likely(!bench_stages_on))
		return __real_ss_sip_uri_key(uri, len, key);
	STAGE_CALL(ST_LOOKUP, r = __real_ss_sip_uri_key(uri, len, key));
	return r;
}

const struct ss_moved_entry *__real_ss_moved_lookup(const struct ss_moved *t,
		struct ss_sip_key *key);
const struct ss_moved_entry *__wrap_ss_moved_lookup(const struct ss_moved *t,
		struct ss_sip_key *key);

const struct ss_moved_entry *
__wrap_ss_moved_lookup(const struct ss_moved *t, struct ss_sip_key *key)
{
	const struct ss_moved_entry *e;

	if (likely(!bench_stages_on))
		return __real_ss_moved_lookup(t, key);
	STAGE_CALL(ST_LOOKUP, e = __real_ss_moved_lookup(t, key));
	return e;
}

void __real_ss_sip_make_tag(const struct ss_sip_msg *msg,
		const uint8_t secret[SS_SIP_SECRET_LEN], char tag[SS_SIP_TAG_LEN]);
void __wrap_ss_sip_make_tag(const struct ss_sip_msg *msg,
		const uint8_t secret[SS_SIP_SECRET_LEN], char tag[SS_SIP_TAG_LEN]);

void
__wrap_ss_sip_make_tag(const struct ss_sip_msg *msg, const uint8_t secret[SS_SIP_SECRET_LEN],
		char tag[SS_SIP_TAG_LEN])
{
	if (likely(!bench_stages_on)) {
		__real_ss_sip_make_tag(msg, secret, tag);
		return;
	}
	STAGE_CALL(ST_REPLY, __real_ss_sip_make_tag(msg, secret, tag));
}

int __real_ss_sip_build_reply(const struct ss_sip_msg *msg, const struct ss_sip_reply *reply,
		const struct ss_sip_addr *src, char *out, size_t cap);
int __wrap_ss_sip_build_reply(const struct ss_sip_msg *msg, const struct ss_sip_reply *reply,
		const struct ss_sip_addr *src, char *out, size_t cap);

int
__wrap_ss_sip_build_reply(const struct ss_sip_msg *msg, const struct ss_sip_reply *reply,
		const struct ss_sip_addr *src, char *out, size_t cap)
{
	int r;

	if (likely(!bench_stages_on))
		return __real_ss_sip_build_reply(msg, reply, src, out, cap);
	STAGE_CALL(ST_REPLY, r = __real_ss_sip_build_reply(msg, reply, src, out, cap));
	return r;
}

bool __real_ss_sip_find_end_ua(struct ss_sip_msg *msg);
bool __wrap_ss_sip_find_end_ua(struct ss_sip_msg *msg);

bool
__wrap_ss_sip_find_end_ua(struct ss_sip_msg *msg)
{
	bool r;

	if (likely(!bench_stages_on))
		return __real_ss_sip_find_end_ua(msg);
	STAGE_CALL(ST_PARSE, r = __real_ss_sip_find_end_ua(msg));
	return r;
}

bool __real_ss_sip_is_scanner(const struct ss_sip_msg *msg, const struct ss_sip_hs *hs,
		struct ss_sip_scratch *scratch);
bool __wrap_ss_sip_is_scanner(const struct ss_sip_msg *msg, const struct ss_sip_hs *hs,
		struct ss_sip_scratch *scratch);

bool
__wrap_ss_sip_is_scanner(const struct ss_sip_msg *msg, const struct ss_sip_hs *hs,
		struct ss_sip_scratch *scratch)
{
	bool r;

	if (likely(!bench_stages_on))
		return __real_ss_sip_is_scanner(msg, hs, scratch);
	RTE_PER_LCORE(in_ua_check) = true;
	STAGE_CALL(ST_SCANNER, r = __real_ss_sip_is_scanner(msg, hs, scratch));
	RTE_PER_LCORE(in_ua_check) = false;
	return r;
}

bool __real_ss_rl_request(struct ss_rl *rl, const struct ss_rl_source *s, uint64_t now);
bool __wrap_ss_rl_request(struct ss_rl *rl, const struct ss_rl_source *s, uint64_t now);

bool
__wrap_ss_rl_request(struct ss_rl *rl, const struct ss_rl_source *s, uint64_t now)
{
	bool r;

	if (likely(!bench_stages_on))
		return __real_ss_rl_request(rl, s, now);
	STAGE_CALL(ST_LIMITS, r = __real_ss_rl_request(rl, s, now));
	return r;
}

enum ss_rl_verdict __real_ss_rl_reply(struct ss_rl *rl, const struct ss_rl_source *s,
		uint64_t now);
enum ss_rl_verdict __wrap_ss_rl_reply(struct ss_rl *rl, const struct ss_rl_source *s,
		uint64_t now);

enum ss_rl_verdict
__wrap_ss_rl_reply(struct ss_rl *rl, const struct ss_rl_source *s, uint64_t now)
{
	enum ss_rl_verdict r;

	if (likely(!bench_stages_on))
		return __real_ss_rl_reply(rl, s, now);
	STAGE_CALL(ST_LIMITS, r = __real_ss_rl_reply(rl, s, now));
	return r;
}

void __real_ss_rl_publish(struct ss_rl *rl);
void __wrap_ss_rl_publish(struct ss_rl *rl);

void
__wrap_ss_rl_publish(struct ss_rl *rl)
{
	if (likely(!bench_stages_on)) {
		__real_ss_rl_publish(rl);
		return;
	}
	STAGE_CALL(ST_LIMITS, __real_ss_rl_publish(rl));
}
