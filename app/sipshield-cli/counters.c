/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

#include <inttypes.h>
#include <string.h>

#include "ss_ctr.h"
#include "counters.h"
#include "telemetry.h"

static bool
listed(const char *const *names, unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static bool
skipped(const char *const *skip, const char *name)
{
	for (; skip != NULL && *skip != NULL; skip++)
		if (strcmp(*skip, name) == 0)
			return true;
	return false;
}

static bool
held(const json_t *const *dicts, unsigned int n, const char *name)
{
	uint64_t v;

	for (unsigned int i = 0; i < n; i++)
		if (dicts[i] != NULL && cli_json_u64(json_object_get(dicts[i], name), &v))
			return true;
	return false;
}

static void
add_unknown(struct cli_ctr_list *l, const json_t *d, const char *const *skip)
{
	const char *key;
	json_t *v;
	uint64_t u;

	json_object_foreach((json_t *)d, key, v) {
		if (l->n == CLI_CTR_MAX)
			return;
		if (ss_ctr_from_name(key) >= 0 || skipped(skip, key) || !cli_json_u64(v, &u) ||
				listed(l->name, l->n, key))
			continue;
		l->name[l->n++] = key;
	}
}

void
cli_ctr_list(struct cli_ctr_list *l, const json_t *const *dicts, unsigned int n,
		const char *const *skip)
{
	l->n = 0;
	for (int c = 0; c < SS_CTR_COUNT; c++) {
		const char *name = ss_ctr_name((enum ss_ctr)c);

		if (!skipped(skip, name) && held(dicts, n, name))
			l->name[l->n++] = name;
	}
	for (unsigned int i = 0; i < n; i++)
		if (dicts[i] != NULL)
			add_unknown(l, dicts[i], skip);
}

enum cli_ctr_group
cli_ctr_group(const char *name)
{
	int c = ss_ctr_from_name(name);

	if (c < 0)
		return CLI_CTR_OTHER;
	if (c >= SS_CTR_REQ_FIRST && c <= SS_CTR_REQ_LAST)
		return CLI_CTR_REQUESTS;
	if (c >= SS_CTR_PASS_FIRST && c <= SS_CTR_PASS_LAST)
		return CLI_CTR_PASSES;
	if (c >= SS_CTR_DROP_FIRST && c <= SS_CTR_DROP_LAST)
		return CLI_CTR_DROPS;
	return CLI_CTR_SUMMARY;
}

uint64_t
cli_ctr_get(const json_t *d, const char *name)
{
	uint64_t v;

	return cli_json_u64(json_object_get(d, name), &v) ? v : 0;
}

static bool
all_zero(const json_t *const *dicts, unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (dicts[i] != NULL && cli_ctr_get(dicts[i], name) != 0)
			return false;
	return true;
}

void
cli_ctr_rows(struct cli_table *t, const json_t *const *dicts, unsigned int n,
		const char *const *skip, bool all)
{
	enum cli_ctr_group last = CLI_CTR_SUMMARY;
	struct cli_ctr_list l;

	cli_ctr_list(&l, dicts, n, skip);
	for (unsigned int i = 0; i < l.n; i++) {
		enum cli_ctr_group g = cli_ctr_group(l.name[i]);

		if (!all && g != CLI_CTR_SUMMARY && all_zero(dicts, n, l.name[i]))
			continue;
		if (g != last)
			cli_table_blank(t);
		last = g;
		cli_table_row(t);
		cli_table_cell(t, "%s", l.name[i]);
		for (unsigned int k = 0; k < n; k++)
			if (dicts[k] != NULL)
				cli_table_cell(t, "%" PRIu64, cli_ctr_get(dicts[k], l.name[i]));
	}
}

static unsigned int
add_port(const char *name, const json_t *v, const char **names, const json_t **dicts,
		unsigned int n)
{
	if (n == CLI_PORTS_MAX || !json_is_object(v))
		return n;
	for (unsigned int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return n;
	names[n] = name;
	dicts[n] = v;
	return n + 1;
}

unsigned int
cli_port_dicts(const json_t *d, const char **names, const json_t **dicts)
{
	unsigned int n = 0;
	const char *key;
	json_t *v;

	n = add_port("outside", json_object_get(d, "outside"), names, dicts, n);
	n = add_port("inside", json_object_get(d, "inside"), names, dicts, n);
	json_object_foreach((json_t *)d, key, v)
		n = add_port(key, v, names, dicts, n);
	return n;
}
