/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Scanner User-Agents (DESIGN §2: a request from a scanner is dropped).
 *
 * The patterns are literals matched caseless anywhere in the User-Agent
 * value, or at its start with a leading '^'. They go to Hyperscan as
 * regular expressions whose every byte is escaped (\xHH), so that no
 * pattern character is ever read as regex syntax; Hyperscan compiles such
 * expressions to the same literal matchers as hs_compile_lit_multi(),
 * which cannot anchor. Only the User-Agent value is scanned (tens of
 * bytes), never the message.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>

#include "ss_sip.h"
#include "sip_hs.h"

/* "^" and four bytes per escaped character, and the NUL. */
#define EXPR_MAX (1 + 4 * SS_SIP_AGENT_MAX + 1)

/* Check one pattern; NULL when it is fine, else why not. */
static const char *
pattern_problem(const char *p)
{
	size_t len;

	if (p[0] == '^')
		p++;
	len = strlen(p);
	if (len == 0)
		return "empty pattern";
	if (len > SS_SIP_AGENT_MAX)
		return "pattern longer than 128 bytes";
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
			return "pattern holds a byte that is not printable ASCII";
	return NULL;
}

/* The pattern as an expression: optional '^', then every byte as \xHH. */
static void
escape(const char *p, char out[EXPR_MAX])
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (p[0] == '^')
		out[n++] = *p++;
	for (; *p != '\0'; p++) {
		out[n++] = '\\';
		out[n++] = 'x';
		out[n++] = hex[(unsigned char)*p >> 4];
		out[n++] = hex[(unsigned char)*p & 15];
	}
	out[n] = '\0';
}

int
ss_sip_hs_set_agents(struct ss_sip_hs *hs, const char *const *patterns, unsigned int n,
		unsigned int *bad, const char **err)
{
	static char cerr_msg[256];
	hs_compile_error_t *cerr = NULL;
	hs_database_t *db = NULL;
	unsigned int *flags, *ids;
	char **exprs;
	int rc = 0;

	*bad = 0;
	if (n == 0 || n > SS_SIP_AGENTS_MAX) {
		*err = n == 0 ? "no pattern" : "more than 1024 patterns";
		return -EINVAL;
	}
	for (unsigned int i = 0; i < n; i++) {
		*err = pattern_problem(patterns[i]);
		if (*err != NULL) {
			*bad = i;
			return -EINVAL;
		}
	}
	exprs = calloc(n, sizeof(*exprs));
	flags = calloc(n, sizeof(*flags));
	ids = calloc(n, sizeof(*ids));
	if (exprs == NULL || flags == NULL || ids == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < n; i++) {
		exprs[i] = malloc(EXPR_MAX);
		if (exprs[i] == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		escape(patterns[i], exprs[i]);
		/* one report per scan is all a verdict needs */
		flags[i] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
		ids[i] = i;
	}
	if (hs_compile_multi((const char *const *)exprs, flags, ids, n, HS_MODE_BLOCK, NULL, &db,
				&cerr) != HS_SUCCESS) {
		/* escaped literals compile; this is the platform or memory */
		snprintf(cerr_msg, sizeof(cerr_msg), "Hyperscan: %s",
				cerr != NULL ? cerr->message : "compile error");
		*err = cerr_msg;
		if (cerr != NULL && cerr->expression >= 0)
			*bad = (unsigned int)cerr->expression;
		hs_free_compile_error(cerr);
		rc = -EINVAL;
		goto out;
	}
	hs_free_database(hs->agents);
	hs->agents = db;
	hs->n_agents = n;
out:
	if (exprs != NULL)
		for (unsigned int i = 0; i < n; i++)
			free(exprs[i]);
	free(exprs);
	free(flags);
	free(ids);
	if (rc == -ENOMEM)
		*err = "out of memory";
	return rc;
}

unsigned int
ss_sip_hs_agents(const struct ss_sip_hs *hs)
{
	return hs->agents != NULL ? hs->n_agents : 0;
}

static int
on_agent(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
		void *ctx)
{
	(void)id;
	(void)from;
	(void)to;
	(void)flags;
	*(bool *)ctx = true;
	return 1;	/* one match decides: stop the scan */
}

/* Up to 8 bytes of p as a number (the unaligned load compilers emit for memcpy). */
static inline uint64_t
load8(const char *p, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, p, n < 8 ? n : 8);
	return v;
}

/* The cache slot of a value: its length and its first and last 8 bytes, mixed. */
static inline unsigned int
agent_slot_of(const char *ua, size_t len)
{
	uint64_t h = load8(ua, len) * 0x9e3779b97f4a7c15ULL;

	h ^= load8(ua + (len > 8 ? len - 8 : 0), len) * 0xc2b2ae3d27d4eb4fULL;
	h ^= len;
	return (unsigned int)(h >> 58) & (AGENT_CACHE_SLOTS - 1);
}

bool
ss_sip_is_scanner(const struct ss_sip_msg *msg, const struct ss_sip_hs *hs,
		struct ss_sip_scratch *scratch)
{
	const char *ua = ss_sip_ptr(msg, msg->user_agent);
	size_t len = msg->user_agent.len;
	struct agent_slot *slot = NULL;
	bool hit = false;
	hs_error_t rc;

	if (!msg->has_user_agent || len == 0 || hs->agents == NULL)
		return false;
	if (len <= AGENT_CACHE_LEN) {
		slot = &scratch->agents[agent_slot_of(ua, len)];
		if (slot->len == len && memcmp(slot->ua, ua, len) == 0)
			return slot->scanner;
	}
	rc = hs_scan(hs->agents, ua, (unsigned int)len, 0, scratch->s, on_agent, &hit);
	/* HS_SCAN_TERMINATED is the callback's stop; any other error is no verdict */
	if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
		return false;
	if (slot != NULL) {
		slot->len = (uint8_t)len;
		slot->scanner = hit;
		memcpy(slot->ua, ua, len);
	}
	return hit;
}
