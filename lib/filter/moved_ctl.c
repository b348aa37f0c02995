/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Writers of the moved table (see ss_moved_ctl.h): one mutex among them,
 * RCU grace periods before anything a worker may hold is freed, whole
 * tables built aside and swapped in by one pointer store.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_log.h>

#include "ss_moved_ctl.h"

RTE_LOG_REGISTER(ss_logtype_moved, sipshield.moved, INFO);
#define RTE_LOGTYPE_SS_MOVED ss_logtype_moved

#define MOVED_LOG(level, ...) RTE_LOG(level, SS_MOVED, __VA_ARGS__)

/* Room for adds before a table must grow: a reload sizes for 2x its entries. */
#define GROWTH_FACTOR 2

struct ss_moved_ctl {
	pthread_mutex_t lock;		/* serialises every writer */
	struct ss_moved **slot;		/* what workers load (acquire) */
	struct rte_rcu_qsbr *qs;
	char path[SS_CONF_PATH_MAX];
	uint32_t min_capacity;
	int socket;
	unsigned int generation;	/* rte_hash names must be unique */
};

static const char *const origin_names[] = {
	[SS_MOVED_ORIGIN_FILE] = "file",
	[SS_MOVED_ORIGIN_TELEMETRY] = "telemetry",
	[SS_MOVED_ORIGIN_FLEET] = "fleet",
};

const char *
ss_moved_origin_name(enum ss_moved_origin origin)
{
	if ((unsigned int)origin >= RTE_DIM(origin_names))
		return "unknown";
	return origin_names[origin];
}

/* A new, empty table for at least n entries, wired to the readers' RCU. */
static struct ss_moved *
new_table(struct ss_moved_ctl *ctl, uint32_t n)
{
	char name[32];
	uint32_t cap = n > ctl->min_capacity ? n : ctl->min_capacity;
	struct ss_moved *t;

	snprintf(name, sizeof(name), "ss_moved_%u", ctl->generation++);
	t = ss_moved_create(name, cap, ctl->socket);
	if (t != NULL)
		ss_moved_set_rcu(t, ctl->qs);
	return t;
}

static struct ss_moved *
current(const struct ss_moved_ctl *ctl)
{
	return __atomic_load_n(ctl->slot, __ATOMIC_ACQUIRE);
}

/* Publish fresh, then free the old table once no worker can hold it. */
static void
swap_in(struct ss_moved_ctl *ctl, struct ss_moved *fresh)
{
	struct ss_moved *old = __atomic_exchange_n(ctl->slot, fresh, __ATOMIC_ACQ_REL);

	if (old == NULL)
		return;
	if (ctl->qs != NULL)
		rte_rcu_qsbr_synchronize(ctl->qs, RTE_QSBR_THRID_INVALID);
	ss_moved_free(old);
}

struct ss_moved_ctl *
ss_moved_ctl_create(struct ss_moved **slot, struct rte_rcu_qsbr *qs, const char *path,
		uint32_t min_capacity, int socket)
{
	struct ss_moved_ctl *ctl = calloc(1, sizeof(*ctl));

	if (ctl == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	if (strlen(path) >= sizeof(ctl->path)) {
		free(ctl);
		rte_errno = ENAMETOOLONG;
		return NULL;
	}
	pthread_mutex_init(&ctl->lock, NULL);
	ctl->slot = slot;
	ctl->qs = qs;
	strcpy(ctl->path, path);
	ctl->min_capacity = min_capacity;
	ctl->socket = socket;
	if (*slot != NULL)
		ss_moved_set_rcu(*slot, qs);
	return ctl;
}

void
ss_moved_ctl_free(struct ss_moved_ctl *ctl)
{
	if (ctl == NULL)
		return;
	ss_moved_free(__atomic_exchange_n(ctl->slot, NULL, __ATOMIC_ACQ_REL));
	pthread_mutex_destroy(&ctl->lock);
	free(ctl);
}

int
ss_moved_ctl_reload(struct ss_moved_ctl *ctl, enum ss_moved_origin origin, char *err,
		size_t errlen)
{
	struct ss_moved *fresh;
	int n;

	if (ctl->path[0] == '\0') {
		snprintf(err, errlen, "no moved_table file in the configuration");
		return -ENOENT;
	}
	n = ss_moved_count_file(ctl->path);
	if (n < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", ctl->path, strerror(-n));
		return n;
	}
	pthread_mutex_lock(&ctl->lock);
	fresh = new_table(ctl, (uint32_t)n * GROWTH_FACTOR);
	if (fresh == NULL) {
		snprintf(err, errlen, "cannot create a table for %d entries: %s", n,
				rte_strerror(rte_errno));
		n = -ENOMEM;
	} else {
		n = ss_moved_load_file(fresh, ctl->path, err, errlen);
		if (n < 0)
			ss_moved_free(fresh);
		else
			swap_in(ctl, fresh);
	}
	pthread_mutex_unlock(&ctl->lock);
	if (n >= 0)
		MOVED_LOG(INFO, "moved table loaded from %s: %d entries (origin %s)\n", ctl->path,
				n, ss_moved_origin_name(origin));
	else
		MOVED_LOG(ERR, "moved table reload failed, previous table kept: %s\n", err);
	return n;
}

void
ss_moved_ctl_replace(struct ss_moved_ctl *ctl, struct ss_moved *fresh,
		enum ss_moved_origin origin)
{
	uint32_t n = ss_moved_count(fresh);

	pthread_mutex_lock(&ctl->lock);
	ss_moved_set_rcu(fresh, ctl->qs);
	swap_in(ctl, fresh);
	pthread_mutex_unlock(&ctl->lock);
	MOVED_LOG(INFO, "moved table replaced: %u entries (origin %s)\n", n,
			ss_moved_origin_name(origin));
}

/* The key checked as the file's are (ss_moved_key_problem()), quoted safely in err. */
static int
parse_key(const char *text, struct ss_sip_key *key, char *err, size_t errlen)
{
	const char *why = ss_moved_key_problem(text, strlen(text), key);
	char q[128];

	if (why == NULL)
		return 0;
	ss_moved_quote(text, strlen(text), q, sizeof(q));
	snprintf(err, errlen, "key \"%s\"%s", q, why);
	return -EINVAL;
}

/* Copy the table into one twice its size and put that in service. */
static int
grow(struct ss_moved_ctl *ctl)
{
	struct ss_moved *old = current(ctl);
	struct ss_moved *big = new_table(ctl, ss_moved_capacity(old) * GROWTH_FACTOR);
	int rc;

	if (big == NULL)
		return -ENOMEM;
	rc = ss_moved_copy(big, old);
	if (rc < 0) {
		ss_moved_free(big);
		return rc;
	}
	swap_in(ctl, big);
	MOVED_LOG(INFO, "moved table grown to %u entries\n", ss_moved_capacity(big));
	return 0;
}

static int
add_locked(struct ss_moved_ctl *ctl, const struct ss_sip_key *k, const char *uri,
		bool has_expires, uint32_t expires)
{
	int rc;

	if (current(ctl) == NULL) {
		struct ss_moved *t = new_table(ctl, ctl->min_capacity);

		if (t == NULL)
			return -ENOMEM;
		swap_in(ctl, t);
	}
	rc = ss_moved_add(current(ctl), k, uri, strlen(uri), has_expires, expires);
	if (rc == -ENOSPC) {
		rc = grow(ctl);
		if (rc == 0)
			rc = ss_moved_add(current(ctl), k, uri, strlen(uri), has_expires, expires);
	}
	return rc;
}

int
ss_moved_ctl_add(struct ss_moved_ctl *ctl, const char *key, const char *uri,
		bool has_expires, uint32_t expires, enum ss_moved_origin origin, char *err,
		size_t errlen)
{
	struct ss_sip_key k;
	const char *why;
	char q[128];
	int rc = parse_key(key, &k, err, errlen);

	if (rc < 0)
		return rc;
	/* checked before the lock: a bad URI never touches the table */
	why = ss_moved_uri_problem(uri, strlen(uri));
	if (why != NULL) {
		ss_moved_quote(uri, strlen(uri), q, sizeof(q));
		snprintf(err, errlen, "new URI \"%s\"%s", q, why);
		return -EINVAL;
	}
	pthread_mutex_lock(&ctl->lock);
	rc = add_locked(ctl, &k, uri, has_expires, expires);
	pthread_mutex_unlock(&ctl->lock);
	switch (rc) {
	case 0:
		if (has_expires)
			MOVED_LOG(INFO, "moved add %s -> %s expires %u (origin %s)\n", key, uri,
					expires, ss_moved_origin_name(origin));
		else
			MOVED_LOG(INFO, "moved add %s -> %s (origin %s)\n", key, uri,
					ss_moved_origin_name(origin));
		return 0;
	default:
		snprintf(err, errlen, "cannot add \"%s\": %s", key, strerror(-rc));
		return rc;
	}
}

int
ss_moved_ctl_del(struct ss_moved_ctl *ctl, const char *key, enum ss_moved_origin origin,
		char *err, size_t errlen)
{
	struct ss_sip_key k;
	struct ss_moved *t;
	int rc = parse_key(key, &k, err, errlen);

	if (rc < 0)
		return rc;
	pthread_mutex_lock(&ctl->lock);
	t = current(ctl);
	rc = t == NULL ? -ENOENT : ss_moved_del(t, &k);
	pthread_mutex_unlock(&ctl->lock);
	if (rc == 0)
		MOVED_LOG(INFO, "moved del %s (origin %s)\n", key, ss_moved_origin_name(origin));
	else
		snprintf(err, errlen, "key \"%s\" is not in the moved table", key);
	return rc;
}

int
ss_moved_ctl_get(struct ss_moved_ctl *ctl, const char *key, char *uri, size_t cap,
		bool *has_expires, uint32_t *expires, char *err, size_t errlen)
{
	const struct ss_moved_entry *e;
	struct ss_sip_key k;
	int rc = parse_key(key, &k, err, errlen);

	if (rc < 0)
		return rc;
	/* under the writers' lock: nothing frees e while it is copied */
	pthread_mutex_lock(&ctl->lock);
	e = current(ctl) == NULL ? NULL : ss_moved_find(current(ctl), &k);
	if (e != NULL) {
		snprintf(uri, cap, "%.*s", (int)e->uri_len, e->uri);
		*has_expires = e->has_expires;
		*expires = e->expires;
	}
	pthread_mutex_unlock(&ctl->lock);
	return e != NULL;
}

uint32_t
ss_moved_ctl_count(struct ss_moved_ctl *ctl)
{
	uint32_t n;

	pthread_mutex_lock(&ctl->lock);
	n = current(ctl) == NULL ? 0 : ss_moved_count(current(ctl));
	pthread_mutex_unlock(&ctl->lock);
	return n;
}
