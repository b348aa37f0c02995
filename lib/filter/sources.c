/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Source allow/deny lists: file parsing, building the LPM tables, and the
 * swap under RCU that makes a reload safe while workers look up (the
 * pattern of moved_ctl.c). See ss_sources.h.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "ss_sources.h"

RTE_LOG_REGISTER(ss_logtype_sources, sipshield.sources, INFO);
#define RTE_LOGTYPE_SS_SOURCES ss_logtype_sources

/* LPM names are global in the process: a fresh one for every build. */
static uint32_t build_seq;

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Clear the bits below depth; say whether any was set. */
static bool
mask_host_bits(uint8_t *a, unsigned int bytes, unsigned int depth)
{
	bool set = false;

	for (unsigned int i = 0; i < bytes; i++) {
		unsigned int keep = depth >= 8 * (i + 1) ? 8 : depth > 8 * i ? depth - 8 * i : 0;
		uint8_t m = keep == 0 ? 0 : (uint8_t)(0xff << (8 - keep));

		if (a[i] & ~m)
			set = true;
		a[i] &= m;
	}
	return set;
}

int
ss_sources_parse_line(const char *line, struct ss_prefix *p, char *why, size_t whylen)
{
	char text[INET6_ADDRSTRLEN + 8];
	const char *s = line, *e;
	char *slash, *end;
	unsigned long depth;
	unsigned int max;
	size_t len;

	while (blank(*s))
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	e = s;
	while (*e != '\0' && !blank(*e) && *e != '#')
		e++;
	len = (size_t)(e - s);
	while (blank(*e))
		e++;
	if (*e != '\0' && *e != '#') {
		snprintf(why, whylen, "one prefix per line (ADDRESS[/LENGTH]), found more");
		return -EINVAL;
	}
	if (len >= sizeof(text)) {
		snprintf(why, whylen, "\"%.*s...\": not an IPv4 or IPv6 prefix", 16, s);
		return -EINVAL;
	}
	memcpy(text, s, len);
	text[len] = '\0';
	slash = strchr(text, '/');
	if (slash != NULL)
		*slash = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, text, p->addr) == 1) {
		p->family = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, text, p->addr) == 1) {
		p->family = 6;
		max = 128;
	} else {
		if (slash != NULL)
			*slash = '/';
		snprintf(why, whylen, "\"%s\": not an IPv4 or IPv6 address", text);
		return -EINVAL;
	}
	depth = max;
	if (slash != NULL) {
		errno = 0;
		depth = strtoul(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || *end != '\0' || errno != 0 || depth > max) {
			*slash = '/';
			snprintf(why, whylen, "\"%s\": expected a prefix length 0..%u", text, max);
			return -EINVAL;
		}
	}
	p->depth = (uint8_t)depth;
	/* 192.0.2.1/24 is most likely a typo for .0/24 or for /32: say so */
	if (mask_host_bits(p->addr, max / 8, p->depth)) {
		char net[INET6_ADDRSTRLEN];

		inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, net, sizeof(net));
		*slash = '/';
		snprintf(why, whylen, "\"%s\": bits set after the prefix length (the network is "
				"%s/%lu)", text, net, depth);
		return -EINVAL;
	}
	return 1;
}

/* One prefix read, with where it came from. */
struct entry {
	struct ss_prefix p;
	uint8_t list;		/* SS_SRC_ALLOW or SS_SRC_DENY */
	uint32_t line;
};

struct reading {
	struct entry *e;
	size_t n, cap;
};

/*
 * Read the prefixes of path into r (when r != NULL). Each bad line goes
 * to errs (when errs != NULL), and the first into err. Returns the bad
 * lines, or -errno when the file cannot be read.
 */
static int
read_list(const char *path, uint8_t list, struct reading *r, uint32_t *n, FILE *errs,
		char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, why[256];
	size_t cap = 0;
	uint32_t lineno = 0;
	int bad = 0, rc;

	*n = 0;
	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		if (errs != NULL)
			fprintf(errs, "%s\n", err);
		return rc;
	}
	while (getline(&line, &cap, f) >= 0) {
		struct ss_prefix p;

		lineno++;
		rc = ss_sources_parse_line(line, &p, why, sizeof(why));
		if (rc == 0)
			continue;
		if (rc < 0) {
			if (bad++ == 0)
				snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			if (errs != NULL)
				fprintf(errs, "%s:%u: %s\n", path, lineno, why);
			continue;
		}
		(*n)++;
		if (r == NULL)
			continue;
		if (r->n == r->cap) {
			size_t c = r->cap ? r->cap * 2 : 1024;
			struct entry *e = realloc(r->e, c * sizeof(*e));

			if (e == NULL) {
				snprintf(err, errlen, "%s:%u: out of memory", path, lineno);
				bad++;
				break;
			}
			r->e = e;
			r->cap = c;
		}
		r->e[r->n++] = (struct entry){p, list, lineno};
	}
	rc = ferror(f) ? -EIO : 0;
	if (rc < 0)
		snprintf(err, errlen, "%s: read error", path);
	free(line);
	fclose(f);
	return rc < 0 ? rc : bad;
}

int
ss_sources_check_file(const char *path, FILE *errs, uint32_t *n)
{
	char err[512];

	return read_list(path, SS_SRC_ALLOW, NULL, n, errs, err, sizeof(err));
}

void
ss_sources_free(struct ss_sources *s)
{
	if (s == NULL)
		return;
	rte_fib_free(s->v4);
	rte_lpm6_free(s->v6);
	rte_free(s);
}

/*
 * tbl8 groups: an IPv4 prefix longer than 24 bits takes at most one; an
 * IPv6 one at most one per byte after the 24th bit. Upper bounds: groups
 * shared by prefixes under one /24 are simply left unused.
 */
static uint32_t
tbl8_need(const struct reading *r, uint8_t family)
{
	uint64_t need = 16;

	for (size_t i = 0; i < r->n; i++) {
		const struct ss_prefix *p = &r->e[i].p;

		if (p->family != family || p->depth <= 24)
			continue;
		need += family == 4 ? 1 : (uint64_t)(p->depth - 24 + 7) / 8;
	}
	return need > (1u << 24) ? (1u << 24) : (uint32_t)need;
}

static int
create_tables(struct ss_sources *s, const struct reading *r, int socket, char *err,
		size_t errlen)
{
	uint32_t seq = __atomic_fetch_add(&build_seq, 1, __ATOMIC_RELAXED);
	uint32_t n4 = 0, n6 = 0;
	char name[32];	/* RTE_FIB_NAMESIZE and RTE_LPM6_NAMESIZE are 64 */

	for (size_t i = 0; i < r->n; i++) {
		if (r->e[i].p.family == 4)
			n4++;
		else
			n6++;
	}
	if (n4 != 0) {
		/*
		 * 4-byte entries: a tbl8 group's index lives in the entry, and
		 * 1 or 2 bytes would cap the /25../32 prefixes at 127 or 32767
		 * distinct /24s.
		 */
		struct rte_fib_conf c = {
			.type = RTE_FIB_DIR24_8,
			.default_nh = SS_SRC_NONE,
			.max_routes = (int)n4,
			.dir24_8 = {.nh_sz = RTE_FIB_DIR24_8_4B, .num_tbl8 = tbl8_need(r, 4)},
		};

		snprintf(name, sizeof(name), "ss_src4_%u", seq);
		s->v4 = rte_fib_create(name, socket, &c);
	}
	if (n6 != 0) {
		struct rte_lpm6_config c = {.max_rules = n6, .number_tbl8s = tbl8_need(r, 6)};

		snprintf(name, sizeof(name), "ss_src6_%u", seq);
		s->v6 = rte_lpm6_create(name, socket, &c);
	}
	if ((n4 != 0 && s->v4 == NULL) || (n6 != 0 && s->v6 == NULL)) {
		snprintf(err, errlen, "cannot create the source lists' tables for %u IPv4 and "
				"%u IPv6 prefixes: %s (give EAL more memory: -m)", n4, n6,
				rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

/*
 * Order: family, then depth ascending, then address, then list and line:
 * duplicates and prefixes on both lists end up side by side, found in
 * one pass instead of a lookup per prefix.
 */
static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c;

	if (x->p.family != y->p.family)
		return x->p.family - y->p.family;
	if (x->p.depth != y->p.depth)
		return x->p.depth - y->p.depth;
	c = memcmp(x->p.addr, y->p.addr, sizeof(x->p.addr));
	if (c != 0)
		return c;
	if (x->list != y->list)
		return x->list - y->list;
	return x->line < y->line ? -1 : x->line > y->line;
}

static bool
same_prefix(const struct entry *x, const struct entry *y)
{
	return x->p.family == y->p.family && x->p.depth == y->p.depth &&
		memcmp(x->p.addr, y->p.addr, sizeof(x->p.addr)) == 0;
}

/* Add one prefix (sorted, not yet in the tables). */
static int
add_entry(struct ss_sources *s, const struct entry *e, const char *path, char *err,
		size_t errlen)
{
	int rc;

	if (e->p.family == 4) {
		uint32_t a;

		memcpy(&a, e->p.addr, sizeof(a));
		rc = rte_fib_add(s->v4, rte_be_to_cpu_32(a), e->p.depth, e->list);
	} else {
		rc = rte_lpm6_add(s->v6, e->p.addr, e->p.depth, e->list);
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s:%u: cannot add the prefix: %s", path, e->line,
				strerror(-rc));
		return rc;
	}
	s->n[e->list - 1][e->p.family == 4 ? 0 : 1]++;
	return 0;
}

struct ss_sources *
ss_sources_build(const char *allow, const char *deny, int socket, char *err, size_t errlen)
{
	const char *path[2] = {allow, deny};
	struct reading r = {0};
	struct ss_sources *s;
	uint32_t n;
	int rc = 0;

	for (unsigned int l = 0; l < 2 && rc == 0; l++) {
		if (path[l] == NULL || path[l][0] == '\0')
			continue;
		rc = read_list(path[l], (uint8_t)(l + 1), &r, &n, NULL, err, errlen);
		if (rc > 0)
			rc = -EINVAL;
	}
	if (rc < 0) {
		free(r.e);
		return NULL;
	}
	s = rte_zmalloc_socket("ss_sources", sizeof(*s), 0, socket);
	if (s == NULL) {
		snprintf(err, errlen, "out of memory for the source lists (give EAL more: -m)");
		free(r.e);
		return NULL;
	}
	qsort(r.e, r.n, sizeof(r.e[0]), cmp_entry);
	rc = create_tables(s, &r, socket, err, errlen);
	for (size_t i = 0; i < r.n && rc == 0; i++) {
		const struct entry *e = &r.e[i];

		if (i > 0 && same_prefix(e, &r.e[i - 1])) {
			/* sorted: allow before deny, so a conflict shows on the deny line */
			if (e->list != r.e[i - 1].list) {
				snprintf(err, errlen, "%s:%u: prefix is on the allow list too (%s:%u): "
						"a source is either allowed or denied", deny, e->line,
						allow, r.e[i - 1].line);
				rc = -EINVAL;
			}
			continue;	/* a repeat within one list is harmless */
		}
		rc = add_entry(s, e, path[e->list - 1], err, errlen);
	}
	free(r.e);
	if (rc < 0) {
		ss_sources_free(s);
		return NULL;
	}
	return s;
}

/* --- Live reload under RCU ---------------------------------------------- */

struct ss_sources_ctl {
	pthread_mutex_t lock;		/* serialises reloads */
	struct ss_sources **slot;	/* where workers find the lists */
	struct rte_rcu_qsbr *qs;
	int socket;
	char allow[512];
	char deny[512];
};

struct ss_sources_ctl *
ss_sources_ctl_create(struct ss_sources **slot, struct rte_rcu_qsbr *qs, const char *allow,
		const char *deny, int socket)
{
	struct ss_sources_ctl *ctl = calloc(1, sizeof(*ctl));

	if (ctl == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&ctl->lock, NULL);
	ctl->slot = slot;
	ctl->qs = qs;
	ctl->socket = socket;
	snprintf(ctl->allow, sizeof(ctl->allow), "%s", allow != NULL ? allow : "");
	snprintf(ctl->deny, sizeof(ctl->deny), "%s", deny != NULL ? deny : "");
	return ctl;
}

void
ss_sources_ctl_free(struct ss_sources_ctl *ctl)
{
	if (ctl == NULL)
		return;
	ss_sources_free(*ctl->slot);
	*ctl->slot = NULL;
	pthread_mutex_destroy(&ctl->lock);
	free(ctl);
}

int
ss_sources_ctl_reload(struct ss_sources_ctl *ctl, char *err, size_t errlen)
{
	struct ss_sources *fresh, *old;
	int total;

	pthread_mutex_lock(&ctl->lock);
	fresh = ss_sources_build(ctl->allow, ctl->deny, ctl->socket, err, errlen);
	if (fresh == NULL) {
		pthread_mutex_unlock(&ctl->lock);
		RTE_LOG(ERR, SS_SOURCES, "source lists not reloaded, the old ones stay: %s\n", err);
		return -EINVAL;
	}
	old = *ctl->slot;
	__atomic_store_n(ctl->slot, fresh, __ATOMIC_RELEASE);
	/* a worker may still be inside the old tables until its next quiescent state */
	if (old != NULL && ctl->qs != NULL)
		rte_rcu_qsbr_synchronize(ctl->qs, RTE_QSBR_THRID_INVALID);
	ss_sources_free(old);
	total = (int)(fresh->n[0][0] + fresh->n[0][1] + fresh->n[1][0] + fresh->n[1][1]);
	RTE_LOG(INFO, SS_SOURCES, "source lists loaded: allow %u IPv4 + %u IPv6, deny %u IPv4 + "
			"%u IPv6 prefixes\n", fresh->n[0][0], fresh->n[0][1], fresh->n[1][0],
			fresh->n[1][1]);
	pthread_mutex_unlock(&ctl->lock);
	return total;
}

void
ss_sources_ctl_counts(struct ss_sources_ctl *ctl, uint32_t n[2][2])
{
	const struct ss_sources *s;

	memset(n, 0, sizeof(uint32_t) * 4);
	if (ctl == NULL)
		return;
	pthread_mutex_lock(&ctl->lock);
	s = *ctl->slot;
	if (s != NULL)
		memcpy(n, s->n, sizeof(s->n));
	pthread_mutex_unlock(&ctl->lock);
}
