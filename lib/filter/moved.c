/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The moved table: rte_hash (lock-free readers) keyed by a 64-bit digest of
 * the normalised key; the value holds the full key, so a lookup that lands
 * on a different key with the same digest is told apart by one compare.
 * An 8-byte key keeps 1,000,000 entries in ~30 MB of hash and lets the
 * hash compare keys in one instruction, instead of 260-byte keys.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_jhash.h>

#include "ss_filter.h"

struct ss_moved {
	struct rte_hash *h;
	struct rte_rcu_qsbr *qs;	/* readers' RCU, or NULL: none run concurrently */
	uint32_t capacity;
	uint32_t n_host;	/* entries with a host: lookups try user@host */
	uint32_t n_any;		/* entries without: lookups try the bare user */
};

/* Entries allocated and not yet freed, over every table: a leak shows here. */
static uint64_t live_entries;

uint64_t
ss_moved_live_entries(void)
{
	return __atomic_load_n(&live_entries, __ATOMIC_RELAXED);
}

static struct ss_moved_entry *
entry_alloc(size_t uri_len)
{
	struct ss_moved_entry *e = malloc(sizeof(*e) + uri_len);

	if (e != NULL)
		__atomic_fetch_add(&live_entries, 1, __ATOMIC_RELAXED);
	return e;
}

static void
entry_free(struct ss_moved_entry *e)
{
	if (e == NULL)
		return;
	__atomic_fetch_sub(&live_entries, 1, __ATOMIC_RELAXED);
	free(e);
}

/* Wait until no reader can still hold what was unlinked. */
static void
grace_period(const struct ss_moved *t)
{
	if (t->qs != NULL)
		rte_rcu_qsbr_synchronize(t->qs, RTE_QSBR_THRID_INVALID);
}

/*
 * 64 bits from Jenkins' lookup3 (two independent 32-bit halves; two CRCs
 * with different seeds would not do: CRC is linear, so their XOR depends
 * on the length only). The lengths seed it, so "ab"+"c" differs from
 * "a"+"bc".
 */
static uint64_t
key_digest(const struct ss_sip_key *k)
{
	uint32_t lo = k->user_len, hi = k->host_len;

	rte_jhash_2hashes(k->user, k->user_len, &lo, &hi);
	rte_jhash_2hashes(k->host, k->host_len, &lo, &hi);
	return (uint64_t)hi << 32 | lo;
}

struct ss_moved *
ss_moved_create(const char *name, uint32_t capacity, int socket)
{
	struct rte_hash_parameters p = {
		.name = name,
		.entries = capacity < 8 ? 8 : capacity,
		.key_len = sizeof(uint64_t),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		/* readers never lock; writers are serialised by the caller */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct ss_moved *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	t->h = rte_hash_create(&p);
	if (t->h == NULL) {
		free(t);
		return NULL;
	}
	t->capacity = p.entries;
	return t;
}

void
ss_moved_set_rcu(struct ss_moved *t, struct rte_rcu_qsbr *qs)
{
	t->qs = qs;
}

uint32_t
ss_moved_capacity(const struct ss_moved *t)
{
	return t->capacity;
}

int
ss_moved_copy(struct ss_moved *dst, const struct ss_moved *src)
{
	const void *k;
	void *data;
	uint32_t next = 0;

	while (rte_hash_iterate(src->h, &k, &data, &next) >= 0) {
		const struct ss_moved_entry *e = data;
		int rc = ss_moved_add(dst, &e->key, e->uri, e->uri_len, e->has_expires,
				e->expires);

		if (rc < 0)
			return rc;
	}
	return 0;
}

void
ss_moved_free(struct ss_moved *t)
{
	const void *k;
	void *data;
	uint32_t next = 0;

	if (t == NULL)
		return;
	while (rte_hash_iterate(t->h, &k, &data, &next) >= 0)
		entry_free(data);
	rte_hash_free(t->h);
	free(t);
}

static uint32_t *
count_of(struct ss_moved *t, const struct ss_sip_key *key)
{
	return key->host_len > 0 ? &t->n_host : &t->n_any;
}

int
ss_moved_add(struct ss_moved *t, const struct ss_sip_key *key, const char *uri,
		size_t uri_len, bool has_expires, uint32_t expires)
{
	uint64_t d = key_digest(key);
	struct ss_moved_entry *e, *old = NULL;
	int rc;

	if (ss_moved_uri_problem(uri, uri_len) != NULL)
		return -EINVAL;
	rc = rte_hash_lookup_with_hash_data(t->h, &d, (hash_sig_t)d, (void **)&old);
	if (rc >= 0 && !ss_sip_key_equal(&old->key, key))
		return -EEXIST;
	e = entry_alloc(uri_len);
	if (e == NULL)
		return -ENOMEM;
	e->expires = expires;
	e->has_expires = has_expires;
	e->uri_len = (uint16_t)uri_len;
	e->uri = e->data;
	e->line = 0;
	e->key = *key;
	memcpy(e->data, uri, uri_len);
	rc = rte_hash_add_key_with_hash_data(t->h, &d, (hash_sig_t)d, e);
	if (rc < 0) {
		entry_free(e);
		return rc;
	}
	if (old != NULL) {
		/* the hash now points at e; a reader may still hold old */
		grace_period(t);
		entry_free(old);
	} else {
		__atomic_fetch_add(count_of(t, key), 1, __ATOMIC_RELAXED);
	}
	return 0;
}

int
ss_moved_del(struct ss_moved *t, const struct ss_sip_key *key)
{
	uint64_t d = key_digest(key);
	struct ss_moved_entry *old;
	int32_t pos;

	if (rte_hash_lookup_with_hash_data(t->h, &d, (hash_sig_t)d, (void **)&old) < 0 ||
			!ss_sip_key_equal(&old->key, key))
		return -ENOENT;
	pos = rte_hash_del_key_with_hash(t->h, &d, (hash_sig_t)d);
	if (pos < 0)
		return -ENOENT;
	/* lock-free mode keeps the slot until we say readers are done */
	grace_period(t);
	rte_hash_free_key_with_position(t->h, pos);
	entry_free(old);
	__atomic_fetch_sub(count_of(t, key), 1, __ATOMIC_RELAXED);
	return 0;
}

const struct ss_moved_entry *
ss_moved_find(const struct ss_moved *t, const struct ss_sip_key *key)
{
	uint64_t d = key_digest(key);
	struct ss_moved_entry *e;

	if (rte_hash_lookup_with_hash_data(t->h, &d, (hash_sig_t)d, (void **)&e) < 0)
		return NULL;
	return ss_sip_key_equal(&e->key, key) ? e : NULL;
}

const struct ss_moved_entry *
ss_moved_lookup(const struct ss_moved *t, struct ss_sip_key *key)
{
	const struct ss_moved_entry *e = NULL;

	/* skip a probe (a cache miss in a big table) that cannot hit */
	if (key->host_len > 0 && __atomic_load_n(&t->n_host, __ATOMIC_RELAXED) > 0)
		e = ss_moved_find(t, key);
	if (e == NULL && __atomic_load_n(&t->n_any, __ATOMIC_RELAXED) > 0) {
		ss_sip_key_drop_host(key);
		e = ss_moved_find(t, key);
	}
	return e;
}

uint32_t
ss_moved_count(const struct ss_moved *t)
{
	return __atomic_load_n(&t->n_host, __ATOMIC_RELAXED) +
		__atomic_load_n(&t->n_any, __ATOMIC_RELAXED);
}
