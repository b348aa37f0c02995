/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Private to lib/sip: the Hyperscan state behind the opaque handles of
 * ss_sip.h. One process-wide pair of databases (the expiry literal, and
 * the optional scanner User-Agent patterns), one scratch per worker that
 * serves both: hs_alloc_scratch() grows a scratch to fit every database
 * it is given, so a worker carries one scratch, not two.
 */

#pragma once

#include <stdint.h>

#include <hs.h>

struct ss_sip_hs {
	hs_database_t *db;		/* `expires`, caseless (sip_expiry.c) */
	hs_database_t *agents;		/* scanner User-Agents (sip_agent.c), or NULL */
	unsigned int n_agents;
};

/*
 * The verdicts of the last User-Agents seen (sip_agent.c): clients send
 * the same few agents over and over, and a scan of even 20 bytes costs
 * Hyperscan's fixed ~100 cycles, against ~25 for a hash and a compare.
 * Direct-mapped, exact (the value is kept and compared, so no collision
 * changes a verdict), values up to AGENT_CACHE_LEN bytes.
 */
#define AGENT_CACHE_SLOTS	64
#define AGENT_CACHE_LEN		62

struct agent_slot {
	uint8_t len;		/* 0: empty */
	uint8_t scanner;
	char ua[AGENT_CACHE_LEN];
};

struct ss_sip_scratch {
	hs_scratch_t *s;
	struct agent_slot agents[AGENT_CACHE_SLOTS];	/* the worker's own, like s */
};
