/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Source allow and deny lists (DESIGN §2: "before all of these, a source
 * on the deny list is dropped and one on the allow list passes").
 *
 * Both lists live in one pair of DPDK longest-prefix-match tables whose
 * next hop says allow or deny, so a packet costs one lookup whatever the
 * lists hold, and the longest prefix decides between them (allow
 * 10.0.0.0/8, deny 10.6.6.0/24 denies 10.6.6.x). A prefix given in both
 * lists is a configuration error.
 *
 * IPv6: rte_lpm6. IPv4: rte_fib (DIR-24-8, the algorithm of rte_lpm)
 * rather than rte_lpm itself, whose rte_lpm_add() scans every rule of the
 * same length for a duplicate: 100,000 /32s cost 5 * 10^9 comparisons
 * (seconds) there, and a few milliseconds in rte_fib's RIB tree.
 *
 * Workers find the tables through one pointer (ss_filter.sources), loaded
 * with acquire once per burst; a reload builds new tables aside, swaps the
 * pointer and frees the old ones after an RCU grace period, as the moved
 * table's reload does. A reload that fails keeps the lists in service.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_fib.h>
#include <rte_lpm6.h>
#include <rte_rcu_qsbr.h>

#define SS_SRC_NONE	0	/* on neither list */
#define SS_SRC_ALLOW	1
#define SS_SRC_DENY	2

/* One prefix of a list file. */
struct ss_prefix {
	uint8_t family;		/* 4 or 6 */
	uint8_t depth;		/* prefix length: 0..32 or 0..128 */
	uint8_t addr[16];	/* network order, host bits zero */
};

/* Both lists, built once, read-only while published. */
struct ss_sources {
	struct rte_fib *v4;	/* NULL: no IPv4 prefix */
	struct rte_lpm6 *v6;	/* NULL: no IPv6 prefix */
	uint32_t n[2][2];	/* prefixes by [list: 0 allow, 1 deny][0 IPv4, 1 IPv6] */
};

/*
 * Parse one list line: `ADDRESS[/LENGTH]`, IPv4 or IPv6, blanks around
 * it, `#` comments. Returns 1 with *p set, 0 for a blank or comment line,
 * or -EINVAL with the problem in why (no file:line). Any thread.
 */
int ss_sources_parse_line(const char *line, struct ss_prefix *p, char *why, size_t whylen);

/*
 * Check a list file without building tables (no EAL: --check-config):
 * print each bad line as `file:line: problem` to errs, set *n to the
 * prefixes read. Returns the number of bad lines, or -errno (message
 * printed) when the file cannot be read. Any thread.
 */
int ss_sources_check_file(const char *path, FILE *errs, uint32_t *n);

/*
 * Build the tables of the allow and deny files (either may be NULL or ""
 * for none) on NUMA socket. Returns NULL with `file:line: problem` in
 * err (a bad line, a prefix in both lists, out of memory). Needs EAL.
 * Control thread.
 */
struct ss_sources *ss_sources_build(const char *allow, const char *deny, int socket,
		char *err, size_t errlen);

void ss_sources_free(struct ss_sources *s);

/*
 * Which list holds the address addr (network order, IPv4 in the first 4
 * bytes) of IP version 4 or 6: SS_SRC_NONE, _ALLOW or _DENY. Worker-safe,
 * lock-free, no allocation.
 */
static inline int
ss_sources_lookup(const struct ss_sources *s, uint8_t version, const uint8_t addr[16])
{
	uint32_t hop;

	if (version == 4) {
		uint64_t nh;
		uint32_t a;

		if (s->v4 == NULL)
			return SS_SRC_NONE;
		memcpy(&a, addr, sizeof(a));
		a = rte_be_to_cpu_32(a);
		/* the default next hop is SS_SRC_NONE: a miss needs no test */
		rte_fib_lookup_bulk(s->v4, &a, &nh, 1);
		return (int)nh;
	}
	if (version == 6 && s->v6 != NULL)
		return rte_lpm6_lookup(s->v6, addr, &hop) == 0 ? (int)hop : SS_SRC_NONE;
	return SS_SRC_NONE;
}

/*
 * The lists in service and their live reload. slot is where workers find
 * them (ss_filter.sources); qs the workers' RCU variable (NULL when no
 * reader runs concurrently). Control threads only; calls serialise here.
 */
struct ss_sources_ctl;

struct ss_sources_ctl *ss_sources_ctl_create(struct ss_sources **slot, struct rte_rcu_qsbr *qs,
		const char *allow, const char *deny, int socket);
void ss_sources_ctl_free(struct ss_sources_ctl *ctl);

/*
 * Read both files again into new tables and put them in service. Returns
 * the number of prefixes, or a negative errno with `file:line: problem` in
 * err; on failure the lists in service stay as they were.
 */
int ss_sources_ctl_reload(struct ss_sources_ctl *ctl, char *err, size_t errlen);

/* Prefixes in service, by [list][family] as struct ss_sources.n (zeros: none). */
void ss_sources_ctl_counts(struct ss_sources_ctl *ctl, uint32_t n[2][2]);
