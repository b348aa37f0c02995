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

#include <hs.h>

struct ss_sip_hs {
	hs_database_t *db;		/* `expires`, caseless (sip_expiry.c) */
	hs_database_t *agents;		/* scanner User-Agents (sip_agent.c), or NULL */
	unsigned int n_agents;
};

struct ss_sip_scratch {
	hs_scratch_t *s;
};
