/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * lib/fleet: one moved table for every node of a fleet, kept in Redis
 * (DESIGN §3a).
 *
 * A control thread (rte_ctrl_thread_create: never a worker lcore) talks
 * to Redis with hiredis. It notes the change log's last ID, loads the
 * hash in HSCAN batches into a fresh table, puts that in service the way
 * a reload does (ss_moved_ctl_replace), then follows the log with
 * blocking XREADs from the noted ID, applying each change through the
 * same lock-free writers as telemetry's moved/add and moved/del. When
 * Redis goes away the table in service stays, the outage is counted and
 * the thread retries with exponential backoff; on reconnect it resumes
 * from the last ID it applied, or loads the hash again when that ID was
 * trimmed away. A bad entry is skipped, counted and logged with its key.
 * Workers never wait on any of it.
 *
 * Create, start, stop and free from the main thread; ss_fleet_get_state()
 * from any control thread (telemetry's), never from a worker.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ss_conf.h"
#include "ss_fleet_proto.h"
#include "ss_moved_ctl.h"

/* Telemetry strings hold at most 127 bytes. */
#define SS_FLEET_TEXT_MAX 120

/* A snapshot of the sync, for telemetry (`/sipshield/fleet`). */
struct ss_fleet_state {
	bool connected;			/* a connection to Redis is up */
	bool synced;			/* the table in service is Redis's (a load completed) */
	char last_id[SS_FLEET_ID_MAX];	/* last log entry applied ("0-0": none) */
	uint32_t entries;		/* entries in the table in service */
	uint64_t changes_applied;	/* log adds and dels applied */
	uint64_t bad_entries;		/* entries skipped: in loads and in the log */
	uint64_t outages;		/* times Redis was lost or could not be reached */
	uint64_t full_loads;		/* times the whole hash was loaded */
	int64_t seconds_since_change;	/* since the table last changed; -1: never */
	uint64_t last_load_ms;		/* how long the last full load took */
	uint32_t last_load_entries;
	char last_error[SS_FLEET_TEXT_MAX];	/* "" when none yet */
	char last_bad[SS_FLEET_TEXT_MAX];	/* the last bad entry: key and why */
};

struct ss_fleet;

/*
 * Set up (no thread, no connection yet) the sync of ctl's table with the
 * Redis that conf names. password: NULL for no AUTH (copied; the caller
 * should wipe its own). min_capacity, socket: for the tables it builds.
 * NULL with rte_errno set on failure.
 */
struct ss_fleet *ss_fleet_create(const struct ss_conf_fleet *conf, const char *password,
		struct ss_moved_ctl *ctl, uint32_t min_capacity, int socket);

/* Start the control thread "ss-fleet". 0 or a negative errno. */
int ss_fleet_start(struct ss_fleet *f);

/*
 * Stop the thread and wait for it: a blocked read is interrupted, a load
 * in progress is abandoned (the table in service stays). Safe when never
 * started. The table stays ctl's.
 */
void ss_fleet_stop(struct ss_fleet *f);

/* Stop if needed, wipe the password, free. NULL is ignored. */
void ss_fleet_free(struct ss_fleet *f);

/* A consistent snapshot of the state. Any control thread. */
void ss_fleet_get_state(struct ss_fleet *f, struct ss_fleet_state *st);
