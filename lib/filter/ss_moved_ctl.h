/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Live changes to the moved table while workers look it up at full rate.
 *
 * Workers never lock and never wait: they find the table through one
 * pointer (ss_filter.moved, loaded with acquire), look it up lock-free
 * (rte_hash RW_CONCURRENCY_LF) and report an RCU quiescent state once per
 * loop (rte_rcu_qsbr). Writers -- telemetry clients, the fleet thread --
 * serialise on one mutex here; whatever a worker might still be reading
 * (a replaced value, a deleted key's slot, a whole table after a reload)
 * is freed only after rte_rcu_qsbr_synchronize(). A reload builds the new
 * table aside and swaps the pointer, so a reload that fails leaves the
 * table in service untouched. Every change is logged with its origin.
 *
 * All functions here are for control threads only.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "ss_filter.h"

/* Where a change came from, for the log (DESIGN §3). */
enum ss_moved_origin {
	SS_MOVED_ORIGIN_FILE = 0,
	SS_MOVED_ORIGIN_TELEMETRY,
	SS_MOVED_ORIGIN_FLEET,
};

struct ss_moved_ctl;

/*
 * Take charge of the table pointer *slot (NULL or a table already
 * published there, which ctl then owns). qs: the workers' RCU variable,
 * NULL when no reader runs concurrently (tests, `check`). path: the table
 * file for ss_moved_ctl_reload() ("" for none). min_capacity: the least
 * number of entries a table is sized for; tables grow as entries are
 * added. Returns NULL with rte_errno set on failure.
 */
struct ss_moved_ctl *ss_moved_ctl_create(struct ss_moved **slot, struct rte_rcu_qsbr *qs,
		const char *path, uint32_t min_capacity, int socket);

/* Free the table in service and ctl. Workers must have stopped. */
void ss_moved_ctl_free(struct ss_moved_ctl *ctl);

/*
 * Read the file again into a new table and put it in service. Returns
 * the number of entries, or a negative errno with `file:line: problem` in
 * err; on failure the table in service stays as it was.
 */
int ss_moved_ctl_reload(struct ss_moved_ctl *ctl, enum ss_moved_origin origin, char *err,
		size_t errlen);

/*
 * Put a table built elsewhere (a fleet full load) in service; ctl owns it
 * from now on, and frees the old one after a grace period.
 */
void ss_moved_ctl_replace(struct ss_moved_ctl *ctl, struct ss_moved *fresh,
		enum ss_moved_origin origin);

/*
 * Add or replace the entry for `key` (text form `user[@host]`). Returns 0
 * or a negative errno with the problem in err (bad key, bad URI, out of
 * memory). A full table is grown (copied into one twice the size).
 */
int ss_moved_ctl_add(struct ss_moved_ctl *ctl, const char *key, const char *uri,
		bool has_expires, uint32_t expires, enum ss_moved_origin origin, char *err,
		size_t errlen);

/* Remove the entry for `key`: 0, -ENOENT, or -EINVAL (bad key) with err. */
int ss_moved_ctl_del(struct ss_moved_ctl *ctl, const char *key, enum ss_moved_origin origin,
		char *err, size_t errlen);

/*
 * Copy the entry for `key` out: 1 when found (uri NUL-terminated, cap
 * bytes at most), 0 when absent, -EINVAL for a bad key (err says why).
 */
int ss_moved_ctl_get(struct ss_moved_ctl *ctl, const char *key, char *uri, size_t cap,
		bool *has_expires, uint32_t *expires, char *err, size_t errlen);

/* Entries in the table in service. */
uint32_t ss_moved_ctl_count(struct ss_moved_ctl *ctl);

/* Name of an origin, for logs and telemetry. */
const char *ss_moved_origin_name(enum ss_moved_origin origin);
