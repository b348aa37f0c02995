/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The moved-table file: `user[@host] new-uri [expires]` per line, fields
 * separated by spaces or tabs, `#` starts a comment line. Every problem
 * names file:line, so an operator can fix the file before the table goes
 * into service.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_filter.h"

#define MAX_FIELDS 3

/* Split line into at most MAX_FIELDS + 1 fields; returns the count. */
static int
split(char *line, char *field[MAX_FIELDS + 1])
{
	int n = 0;
	char *save = NULL;

	for (char *tok = strtok_r(line, " \t\r\n", &save); tok != NULL;
			tok = strtok_r(NULL, " \t\r\n", &save)) {
		field[n++] = tok;
		if (n == MAX_FIELDS + 1)
			break;
	}
	return n;
}

int
ss_moved_parse_line(char *line, struct ss_sip_key *key, const char **uri,
		size_t *uri_len, bool *has_expires, uint32_t *expires, char *err, size_t errlen)
{
	char *field[MAX_FIELDS + 1], q[128];
	const char *why;
	int n;

	n = split(line, field);
	if (n == 0 || field[0][0] == '#')
		return 0;
	if (n == 1) {
		snprintf(err, errlen, "key \"%s\" has no new URI (expected: user[@host] new-uri [expires])",
				field[0]);
		return -EINVAL;
	}
	if (n > MAX_FIELDS) {
		snprintf(err, errlen, "unexpected \"%s\" after the expires field", field[3]);
		return -EINVAL;
	}
	why = ss_moved_key_problem(field[0], strlen(field[0]), key);
	if (why != NULL) {
		ss_moved_quote(field[0], strlen(field[0]), q, sizeof(q));
		snprintf(err, errlen, "key \"%s\"%s", q, why);
		return -EINVAL;
	}
	*uri = field[1];
	*uri_len = strlen(field[1]);
	*has_expires = n == 3;
	if (n == 3 && ss_sip_delta_seconds(field[2], strlen(field[2]), expires) !=
			SS_SIP_DELTA_OK) {
		snprintf(err, errlen, "expires \"%s\": expected an integer 0..4294967295",
				field[2]);
		return -EINVAL;
	}
	return 1;
}

/* Calls fn for each line of the file; stops at the first error. */
static int
each_line(const char *path, int (*fn)(void *ctx, char *line, unsigned int lineno),
		void *ctx, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned int lineno = 0;
	int rc = 0;

	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return rc;
	}
	while (getline(&line, &cap, f) >= 0) {
		rc = fn(ctx, line, ++lineno);
		if (rc < 0)
			break;
	}
	if (rc == 0 && ferror(f)) {
		rc = -EIO;
		snprintf(err, errlen, "%s: read error", path);
	}
	free(line);
	fclose(f);
	return rc;
}

struct load_ctx {
	struct ss_moved *t;
	const char *path;
	char *err;
	size_t errlen;
	int n;
};

static int
load_one(void *arg, char *line, unsigned int lineno)
{
	struct load_ctx *c = arg;
	char why[256];
	struct ss_sip_key key;
	const struct ss_moved_entry *dup;
	const char *uri;
	size_t uri_len;
	bool has_exp;
	uint32_t exp = 0;
	int rc;

	rc = ss_moved_parse_line(line, &key, &uri, &uri_len, &has_exp, &exp, why, sizeof(why));
	if (rc <= 0)
		goto out;
	dup = ss_moved_find(c->t, &key);
	if (dup != NULL) {
		snprintf(why, sizeof(why), "duplicate key (first on line %u)", dup->line);
		rc = -EEXIST;
		goto out;
	}
	rc = ss_moved_add(c->t, &key, uri, uri_len, has_exp, exp);
	if (rc == 0) {
		/* the entry is ours until workers see the table */
		((struct ss_moved_entry *)ss_moved_find(c->t, &key))->line = lineno;
		c->n++;
	} else if (rc == -EINVAL) {
		char q[128];

		ss_moved_quote(uri, uri_len, q, sizeof(q));
		snprintf(why, sizeof(why), "new URI \"%s\"%s", q,
				ss_moved_uri_problem(uri, uri_len));
	} else if (rc == -ENOSPC) {
		snprintf(why, sizeof(why), "table full: raise [filter] moved_capacity");
	} else {
		snprintf(why, sizeof(why), "cannot add: %s", strerror(-rc));
	}
out:
	if (rc < 0)
		snprintf(c->err, c->errlen, "%s:%u: %s", c->path, lineno, why);
	return rc < 0 ? rc : 0;
}

int
ss_moved_load_file(struct ss_moved *t, const char *path, char *err, size_t errlen)
{
	struct load_ctx c = {t, path, err, errlen, 0};
	int rc = each_line(path, load_one, &c, err, errlen);

	return rc < 0 ? rc : c.n;
}

static int
count_one(void *arg, char *line, unsigned int lineno)
{
	const char *p = line + strspn(line, " \t\r\n");

	(void)lineno;
	if (*p != '\0' && *p != '#')
		(*(int *)arg)++;
	return 0;
}

int
ss_moved_count_file(const char *path)
{
	char err[256];
	int n = 0;
	int rc = each_line(path, count_one, &n, err, sizeof(err));

	return rc < 0 ? rc : n;
}
