/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * `sipshield --check-config --config FILE`: what start-up reads (config,
 * tag secret, moved table, source lists, scanner patterns, the fleet's
 * password file), read the same way, with nothing started. The systemd unit runs it before every
 * (re)start, so a typo keeps the running data plane up instead of
 * stopping it. No EAL: the moved table and the source lists are checked
 * line by line with the parsers start-up uses (no rte_hash, no LPM), so
 * it needs no hugepages, no NIC and no other instance's runtime
 * directory. What only building the tables finds (a prefix on both
 * source lists) is left to start-up and to the reload.
 *
 * Unlike start-up, a check goes on after a bad moved-table line: an
 * operator fixing a file wants every line at once.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* Bad lines reported per file before the rest are only counted. */
#define REPORT_MAX 50

/* One table key seen: its hash and line, sorted to find duplicates. */
struct seen_key {
	uint64_t hash;
	uint32_t line;
};

struct moved_check {
	const char *path;
	uint32_t entries;
	uint32_t errors;
	struct seen_key *keys;
	size_t n_keys, cap_keys;
};

/*
 * FNV-1a over the whole zero-padded key: equal keys hash equal; a 64-bit
 * collision among a million keys has odds of about 1 in 10^7.
 */
static uint64_t
key_hash(const struct ss_sip_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void
moved_error(struct moved_check *c, unsigned int lineno, const char *why)
{
	if (c->errors++ < REPORT_MAX)
		fprintf(stderr, "%s:%u: %s\n", c->path, lineno, why);
}

static int
remember(struct moved_check *c, const struct ss_sip_key *key, unsigned int lineno)
{
	if (c->n_keys == c->cap_keys) {
		size_t cap = c->cap_keys ? c->cap_keys * 2 : 4096;
		struct seen_key *k = realloc(c->keys, cap * sizeof(*k));

		if (k == NULL)
			return -ENOMEM;
		c->keys = k;
		c->cap_keys = cap;
	}
	c->keys[c->n_keys++] = (struct seen_key){key_hash(key), lineno};
	return 0;
}

static int
cmp_seen(const void *a, const void *b)
{
	const struct seen_key *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Start-up refuses a key given twice: name each repeat and its first line. */
static void
report_duplicates(struct moved_check *c)
{
	char why[64];
	size_t first = 0;

	qsort(c->keys, c->n_keys, sizeof(c->keys[0]), cmp_seen);
	for (size_t i = 1; i < c->n_keys; i++) {
		if (c->keys[i].hash != c->keys[first].hash) {
			first = i;
			continue;
		}
		snprintf(why, sizeof(why), "duplicate key (first on line %u)",
				c->keys[first].line);
		moved_error(c, c->keys[i].line, why);
		c->entries--;
	}
}

static void
check_moved_line(struct moved_check *c, char *line, unsigned int lineno)
{
	char why[512], q[128];
	struct ss_sip_key key;
	const char *uri, *problem;
	size_t uri_len;
	bool has_exp;
	uint32_t exp;
	int rc;

	rc = ss_moved_parse_line(line, &key, &uri, &uri_len, &has_exp, &exp, why, sizeof(why));
	if (rc == 0)
		return;
	if (rc < 0) {
		moved_error(c, lineno, why);
		return;
	}
	problem = ss_moved_uri_problem(uri, uri_len);
	if (problem != NULL) {
		ss_moved_quote(uri, uri_len, q, sizeof(q));
		snprintf(why, sizeof(why), "new URI \"%s\"%s", q, problem);
		moved_error(c, lineno, why);
		return;
	}
	if (remember(c, &key, lineno) < 0) {
		moved_error(c, lineno, "out of memory");
		return;
	}
	c->entries++;
}

/* Returns the errors found (0: the table loads), or -errno when unreadable. */
static int
check_moved(const char *path, uint32_t *entries)
{
	struct moved_check c = {.path = path};
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned int lineno = 0;
	int rc;

	if (f == NULL) {
		rc = -errno;
		fprintf(stderr, "%s: cannot open the moved table: %s\n", path, strerror(errno));
		return rc;
	}
	while (getline(&line, &cap, f) >= 0)
		check_moved_line(&c, line, ++lineno);
	rc = ferror(f) ? -EIO : 0;
	if (rc < 0)
		fprintf(stderr, "%s: read error\n", path);
	free(line);
	fclose(f);
	report_duplicates(&c);
	free(c.keys);
	if (c.errors > REPORT_MAX)
		fprintf(stderr, "%s: %u more errors not shown\n", path, c.errors - REPORT_MAX);
	*entries = c.entries;
	return rc < 0 ? rc : (int)c.errors;
}

/* The scanner patterns compile into Hyperscan exactly as at start-up. */
static int
check_scanners(const struct ss_conf *conf, unsigned int *patterns)
{
	char err[APP_ERR_MAX];
	const char *hs_err = NULL;
	struct ss_sip_hs *hs;
	int ret;

	*patterns = 0;
	if (!conf->drop_scanners)
		return 0;
	hs = ss_sip_hs_create(&hs_err);
	if (hs == NULL) {
		fprintf(stderr, "cannot compile the Hyperscan database: %s\n",
				hs_err != NULL ? hs_err : "unknown error");
		return -EINVAL;
	}
	ret = ss_scanner_load(hs, conf->scanner_agents, err, sizeof(err));
	ss_sip_hs_free(hs);
	if (ret < 0) {
		fprintf(stderr, "%s\n", err);
		return ret;
	}
	*patterns = (unsigned int)ret;
	return 0;
}

/* Each list file: every bad line with file:line, the prefixes read. */
static int
check_sources(const char *path, uint32_t *n)
{
	*n = 0;
	if (path[0] == '\0')
		return 0;
	return ss_sources_check_file(path, stderr, n) != 0 ? -EINVAL : 0;
}

static const char *
on_off(bool on)
{
	return on ? "on" : "off";
}

static void
print_summary(const struct app *a, uint32_t moved, unsigned int patterns,
		const uint32_t lists[2])
{
	const struct ss_conf *c = &a->conf;

	printf("%s: OK\n", c->path);
	printf("  ports        outside %u, inside ", c->port_outside);
	if (c->port_inside == SS_CONF_PORT_NONE)
		printf("none (one-armed)\n");
	else
		printf("%u\n", c->port_inside);
	printf("  mode         %s\n", c->monitor ? "monitor (count only, pass everything)" :
			"enforce");
	printf("  rules        answer_423 %s, answer_302 %s, drop_not_sip %s,\n"
			"               drop_scanners %s, request_limit %s, reply_limit %s\n",
			on_off(c->answer_423), on_off(c->answer_302), on_off(c->drop_not_sip),
			on_off(c->drop_scanners), on_off(c->request_limit), on_off(c->reply_limit));
	printf("  minimums     min_expires %u, min_expires_subscribe %u\n", c->min_expires,
			c->min_expires_subscribe);
	if (c->moved_table[0] != '\0')
		printf("  moved table  %s: %u entries\n", c->moved_table, moved);
	else
		printf("  moved table  none\n");
	if (c->tag_secret[0] != '\0')
		printf("  tag secret   %s: 128 bits\n", c->tag_secret);
	else
		printf("  tag secret   none (random at each start: ACKs for 302s of another "
				"node or an earlier run pass)\n");
	if (c->sources_allow[0] != '\0')
		printf("  allow list   %s: %u prefixes\n", c->sources_allow, lists[0]);
	if (c->sources_deny[0] != '\0')
		printf("  deny list    %s: %u prefixes\n", c->sources_deny, lists[1]);
	if (c->drop_scanners)
		printf("  scanners     %s: %u patterns\n", c->scanner_agents[0] ?
				c->scanner_agents : "built-in list", patterns);
	if (c->fleet.enabled) {
		char addr[SS_CONF_PATH_MAX + 8];

		ss_conf_fleet_address(&c->fleet, addr, sizeof(addr));
		printf("  fleet        redis %s, key_prefix %s (not contacted by a check)\n", addr,
				c->fleet.key_prefix);
	}
}

int
app_check_config(struct app *a)
{
	char err[APP_ERR_MAX];
	uint32_t moved = 0, lists[2];
	unsigned int patterns = 0;
	int bad = 0, ret;

	/* the config comes first: every other file is named by it */
	ret = ss_conf_load(&a->conf, a->args.config, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_FAILURE;
	}
	if (a->conf.tag_secret[0] != '\0' &&
			ss_conf_read_secret(a->conf.tag_secret, a->secret, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		bad++;
	}
	if (a->conf.moved_table[0] != '\0' && check_moved(a->conf.moved_table, &moved) != 0)
		bad++;
	if (check_scanners(&a->conf, &patterns) < 0)
		bad++;
	if (check_sources(a->conf.sources_allow, &lists[0]) < 0)
		bad++;
	if (check_sources(a->conf.sources_deny, &lists[1]) < 0)
		bad++;
	if (app_fleet_check(a, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		bad++;
	}
	if (bad != 0) {
		fprintf(stderr, "%s: not valid: fix the errors above\n", a->conf.path);
		return EXIT_FAILURE;
	}
	print_summary(a, moved, patterns, lists);
	return EXIT_SUCCESS;
}
