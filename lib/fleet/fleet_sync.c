/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The sync of the moved table with Redis, one step at a time (see
 * fleet_priv.h). The states:
 *
 *   no connection --open, AUTH--> need_load (first time, op=load, lost)
 *                               | need_check (a reconnect, a long load,
 *                               |   a full batch: is our ID still there?)
 *                               | follow (XREAD BLOCK from `applied`)
 *
 * Any failure closes the connection and returns the backoff; the table
 * in service is never touched by a failure, only replaced by a complete
 * load or changed by an applied log entry. One exception to "Redis is
 * the table": a Redis that lost both keys (kept, see keep_table()) is
 * not taken until a writer writes again.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_errno.h>

#include "fleet_priv.h"

#define ARGV_MAX 12

uint64_t
fleet_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool
fleet_stopping(struct ss_fleet *f)
{
	return __atomic_load_n(&f->stop, __ATOMIC_ACQUIRE);
}

/* --- State for telemetry ----------------------------------------------- */

static void
set_applied(struct ss_fleet *f, const struct ss_fleet_id *id, bool change)
{
	char text[SS_FLEET_ID_MAX];

	f->applied = *id;
	ss_fleet_id_format(id, text);
	pthread_mutex_lock(&f->lock);
	memcpy(f->st.last_id, text, sizeof(text));
	if (change) {
		f->st.changes_applied++;
		f->changed = true;
		f->changed_ns = fleet_now_ns();
	}
	pthread_mutex_unlock(&f->lock);
}

/*
 * Skip a bad entry: count it, keep it for telemetry, log it with its key
 * (the first FLEET_LOG_BAD_MAX of a load; every one from the log, which
 * a person wrote one at a time).
 */
static void
bad_entry(struct ss_fleet *f, const char *where, const char *key, size_t key_len,
		const char *why, bool log)
{
	char shown[80];

	ss_fleet_printable(key != NULL ? key : "-", key != NULL ? key_len : 1, shown,
			sizeof(shown));
	pthread_mutex_lock(&f->lock);
	f->st.bad_entries++;
	/* both cut to fit a telemetry string */
	snprintf(f->st.last_bad, sizeof(f->st.last_bad), "%.50s: %.66s", shown, why);
	pthread_mutex_unlock(&f->lock);
	if (log)
		FLEET_LOG(WARNING, "skipped bad entry %s in %s: %s\n", shown, where, why);
}

/* --- The connection ---------------------------------------------------- */

void
fleet_disconnect(struct ss_fleet *f)
{
	void *conn;

	pthread_mutex_lock(&f->lock);
	conn = f->conn;
	f->conn = NULL;
	f->st.connected = false;
	pthread_mutex_unlock(&f->lock);
	if (conn != NULL)
		f->ops->close(conn);
}

/*
 * Send a command of NUL-terminated words: 0, or -1 after a connection
 * failure, err saying "COMMAND: why" (never an argument: AUTH's is the
 * password).
 */
static int
send_cmd(struct ss_fleet *f, int argc, const char **argv, char *err, size_t errlen)
{
	size_t len[ARGV_MAX];
	char why[96];

	RTE_VERIFY(argc <= ARGV_MAX);
	for (int i = 0; i < argc; i++)
		len[i] = strlen(argv[i]);
	if (f->ops->send(f->conn, argc, argv, len, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", argv[0], why);
		return -1;
	}
	return 0;
}

/* The reply to the oldest command sent, or NULL after a connection failure. */
static redisReply *
recv_reply(struct ss_fleet *f, const char *name, char *err, size_t errlen)
{
	char why[96];
	redisReply *r = f->ops->recv(f->conn, why, sizeof(why));

	if (r == NULL)
		snprintf(err, errlen, "%s: %s", name, why);
	return r;
}

/* Send and wait: the reply, or NULL after a connection failure (err). */
static redisReply *
call(struct ss_fleet *f, int argc, const char **argv, char *err, size_t errlen)
{
	if (send_cmd(f, argc, argv, err, errlen) < 0)
		return NULL;
	return recv_reply(f, argv[0], err, errlen);
}

/* The reply to a command sent earlier that must not fail (see call_ok). */
static redisReply *
recv_ok(struct ss_fleet *f, const char *name, char *err, size_t errlen)
{
	redisReply *r = recv_reply(f, name, err, errlen);

	if (r != NULL && r->type == REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "%s: %.90s", name, r->str);
		f->ops->free_reply(r);
		return NULL;
	}
	return r;
}

/*
 * A command that must not fail: the reply, or NULL with the reason in err
 * (connection failure or an error reply, which is freed).
 */
static redisReply *
call_ok(struct ss_fleet *f, int argc, const char **argv, char *err, size_t errlen)
{
	redisReply *r = call(f, argc, argv, err, errlen);

	if (r != NULL && r->type == REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "%s: %.*s", argv[0], (int)(r->len > 90 ? 90 : r->len),
				r->str);
		f->ops->free_reply(r);
		return NULL;
	}
	return r;
}

/* The next delay: doubling from min to max, with +-25 % so nodes spread out. */
static unsigned int
backoff_next(struct ss_fleet *f)
{
	unsigned int b = f->backoff_ms == 0 ? f->backoff_min_ms : f->backoff_ms * 2;

	if (b > f->backoff_max_ms)
		b = f->backoff_max_ms;
	f->backoff_ms = b;
	/* within +-25 %: b/2 would overshoot by one when b/4 rounds down */
	return b - b / 4 + (unsigned int)rand_r(&f->seed) % (2 * (b / 4) + 1);
}

/* A failed step: close, count the outage once, log, back off. */
static unsigned int
went_down(struct ss_fleet *f, const char *why)
{
	uint64_t now = fleet_now_ns();
	bool first = !f->down;

	fleet_disconnect(f);
	if (fleet_stopping(f))
		return 0;
	pthread_mutex_lock(&f->lock);
	snprintf(f->st.last_error, sizeof(f->st.last_error), "%s", why);
	if (first)
		f->st.outages++;
	pthread_mutex_unlock(&f->lock);
	if (first) {
		f->down = true;
		f->down_since_ns = now;
		f->down_logged_ns = now;
		FLEET_LOG(WARNING,
				"Redis at %s: %s; answering from the table in service (%u entries), retrying\n",
				f->address, why, ss_moved_ctl_count(f->ctl));
	} else if (now - f->down_logged_ns >= FLEET_DOWN_LOG_S * 1000000000ull) {
		f->down_logged_ns = now;
		FLEET_LOG(WARNING, "Redis at %s still unusable after %" PRIu64 " s: %s\n",
				f->address, (now - f->down_since_ns) / 1000000000u, why);
	}
	return backoff_next(f);
}

static int
connect_auth(struct ss_fleet *f, char *err, size_t errlen)
{
	void *conn = f->ops->open(f->ops_arg, err, errlen);
	redisReply *r;

	if (conn == NULL)
		return -1;
	pthread_mutex_lock(&f->lock);
	/* a stop that came during the connect found nothing to interrupt */
	if (f->stop) {
		pthread_mutex_unlock(&f->lock);
		f->ops->close(conn);
		snprintf(err, errlen, "stopping");
		return -1;
	}
	f->conn = conn;
	f->st.connected = true;
	pthread_mutex_unlock(&f->lock);
	if (f->has_password) {
		const char *argv[] = {"AUTH", f->password};

		/* the error names neither the password nor the command's words */
		r = call_ok(f, 2, argv, err, errlen);
		if (r == NULL)
			return -1;
		f->ops->free_reply(r);
	}
	if (!f->down)
		FLEET_LOG(INFO, "connected to Redis at %s, table %s, log %s\n", f->address,
				f->keys.hash, f->keys.log);
	/* whatever happened while we were away: is our place in the log still there? */
	f->need_check = true;
	return 0;
}

/* --- Full load --------------------------------------------------------- */

static struct ss_moved *
new_table(struct ss_fleet *f, uint64_t n)
{
	char name[32];
	uint64_t cap = n + n / 4 + 1024;

	if (cap < f->min_capacity)
		cap = f->min_capacity;
	if (cap > UINT32_MAX / 2)
		cap = UINT32_MAX / 2;
	snprintf(name, sizeof(name), "ss_fleet_%u", f->table_gen++);
	return ss_moved_create(name, (uint32_t)cap, f->socket);
}

/* A table that is not in service yet, grown: copy into one twice the size. */
static int
grow(struct ss_fleet *f, struct ss_moved **t)
{
	struct ss_moved *big = new_table(f, (uint64_t)ss_moved_capacity(*t) * 2);
	int rc;

	if (big == NULL)
		return -ENOMEM;
	rc = ss_moved_copy(big, *t);
	if (rc < 0) {
		ss_moved_free(big);
		return rc;
	}
	ss_moved_free(*t);
	*t = big;
	return 0;
}

/* One field of the hash into the table being built: 0, or -ENOMEM. */
static int
load_one(struct ss_fleet *f, struct ss_moved **t, const redisReply *k, const redisReply *v,
		uint32_t *bad)
{
	struct ss_fleet_entry e;
	char why[256];
	int rc;

	if (ss_fleet_entry_parse(k->str, k->len, v->str, v->len, &e, why, sizeof(why)) < 0) {
		bad_entry(f, f->keys.hash, k->str, k->len, why, f->bad_logged++ < FLEET_LOG_BAD_MAX);
		(*bad)++;
		return 0;
	}
	rc = ss_moved_add(*t, &e.key, e.uri, e.uri_len, e.has_expires, e.expires);
	if (rc == -ENOSPC) {
		rc = grow(f, t);
		if (rc == 0)
			rc = ss_moved_add(*t, &e.key, e.uri, e.uri_len, e.has_expires, e.expires);
	}
	if (rc == -EEXIST || rc == -EINVAL) {
		bad_entry(f, f->keys.hash, k->str, k->len,
				rc == -EEXIST ? "another key has the same digest" : "URI refused",
				f->bad_logged++ < FLEET_LOG_BAD_MAX);
		(*bad)++;
		return 0;
	}
	return rc;
}

/*
 * Neither table nor log in a Redis we loaded from before: it lost its
 * data (restarted without persistence, flushed). No writer leaves that
 * state (every write leaves a log entry; an empty load is one too), so
 * the table in service stays until a writer writes again; then the
 * hash is loaded whole, as it is then.
 */
static void
keep_table(struct ss_fleet *f)
{
	static const struct ss_fleet_id none = {0, 0};
	uint32_t n = ss_moved_ctl_count(f->ctl);

	f->kept = true;
	f->need_load = false;
	f->need_check = false;
	set_applied(f, &none, false);
	pthread_mutex_lock(&f->lock);
	snprintf(f->st.last_error, sizeof(f->st.last_error),
			"Redis has neither %.40s nor its log (lost its data?): kept %u entries", f->keys.hash,
			n);
	pthread_mutex_unlock(&f->lock);
	FLEET_LOG(WARNING,
			"Redis at %s holds neither %s nor %s: did it lose its data? Keeping the %u entries in service until a writer writes (then loading the table Redis holds)\n",
			f->address, f->keys.hash, f->keys.log, n);
}

static int
stream_info(struct ss_fleet *f, struct ss_fleet_stream *s, char *err, size_t errlen)
{
	const char *argv[] = {"XINFO", "STREAM", f->keys.log};
	redisReply *r = call(f, 3, argv, err, errlen);
	int rc;

	if (r == NULL)
		return -1;
	rc = ss_fleet_stream_parse(r, s, err, errlen);
	f->ops->free_reply(r);
	return rc < 0 ? -1 : 0;
}

/*
 * HSCAN the whole hash into t, the next batch asked for before this one
 * is built into the table, so that Redis and this thread work at once.
 * 0, -1 (err), or -ECANCELED on stop. On failure a reply may be in
 * flight: the caller drops the connection.
 */
static int
scan_hash(struct ss_fleet *f, struct ss_moved **t, uint32_t *bad, char *err, size_t errlen)
{
	char cursor[32] = "0", count[16];
	const char *argv[] = {"HSCAN", f->keys.hash, cursor, "COUNT", count};
	redisReply **items, *r;
	size_t n;
	int rc;

	snprintf(count, sizeof(count), "%u", f->scan_count);
	if (send_cmd(f, RTE_DIM(argv), argv, err, errlen) < 0)
		return -1;
	do {
		if (fleet_stopping(f))
			return -ECANCELED;
		r = recv_ok(f, "HSCAN", err, errlen);
		if (r == NULL)
			return -1;
		rc = ss_fleet_hscan_parse(r, cursor, sizeof(cursor), &items, &n, err, errlen);
		if (rc == 0 && strcmp(cursor, "0") != 0)
			rc = send_cmd(f, RTE_DIM(argv), argv, err, errlen);
		for (size_t i = 0; rc == 0 && i < n; i += 2) {
			rc = load_one(f, t, items[i], items[i + 1], bad);
			if (rc < 0)
				snprintf(err, errlen, "cannot build a table: %s", strerror(-rc));
		}
		f->ops->free_reply(r);
		if (rc < 0)
			return -1;
	} while (strcmp(cursor, "0") != 0);
	return 0;
}

/*
 * Note the log's last ID, load the hash into a fresh table, put it in
 * service, follow the log from that ID. On failure the table in service
 * stays as it was.
 */
static int
full_load(struct ss_fleet *f, char *err, size_t errlen)
{
	const char *hlen[] = {"HLEN", f->keys.hash};
	uint64_t t0 = fleet_now_ns(), ms, built_ms;
	struct ss_fleet_stream s;
	struct ss_fleet_id from = {0, 0};
	struct ss_moved *fresh;
	char id[SS_FLEET_ID_MAX];
	uint32_t bad = 0, n;
	uint64_t fields;
	redisReply *r;
	int rc;

	if (stream_info(f, &s, err, errlen) < 0)
		return -1;
	if (s.exists)
		from = s.last;
	r = call_ok(f, 2, hlen, err, errlen);
	if (r == NULL)
		return -1;
	fields = r->type == REDIS_REPLY_INTEGER && r->integer > 0 ? (uint64_t)r->integer : 0;
	f->ops->free_reply(r);
	if (!s.exists && fields == 0 && f->loaded && ss_moved_ctl_count(f->ctl) > 0) {
		keep_table(f);
		return 0;
	}
	fresh = new_table(f, fields);
	if (fresh == NULL) {
		snprintf(err, errlen, "cannot create a table: %s", rte_strerror(rte_errno));
		return -1;
	}
	f->bad_logged = 0;
	rc = scan_hash(f, &fresh, &bad, err, errlen);
	if (rc < 0) {
		ss_moved_free(fresh);
		return rc == -ECANCELED ? 0 : -1;
	}
	if (bad > FLEET_LOG_BAD_MAX)
		FLEET_LOG(WARNING, "%u more bad entries skipped in %s (not logged one by one)\n",
				bad - FLEET_LOG_BAD_MAX, f->keys.hash);
	n = ss_moved_count(fresh);
	built_ms = (fleet_now_ns() - t0) / 1000000u;
	/* in service at once; the old table is freed after a grace period */
	ss_moved_ctl_replace(f->ctl, fresh, SS_MOVED_ORIGIN_FLEET);
	ms = (fleet_now_ns() - t0) / 1000000u;
	f->loaded = true;
	f->kept = false;
	f->need_load = false;
	/* a long load gives writers time to trim the log past `from` */
	f->need_check = true;
	set_applied(f, &from, false);
	pthread_mutex_lock(&f->lock);
	f->st.synced = true;
	f->st.full_loads++;
	f->st.last_load_ms = ms;
	f->st.last_load_entries = n;
	f->changed = true;
	f->changed_ns = fleet_now_ns();
	pthread_mutex_unlock(&f->lock);
	ss_fleet_id_format(&from, id);
	FLEET_LOG(INFO, "loaded %s: %u entries (%u bad, skipped) in %" PRIu64
			" ms (built in %" PRIu64 " ms); following %s after %s\n",
			f->keys.hash, n, bad, ms, built_ms, f->keys.log, id);
	return 0;
}

/* --- Following the log ------------------------------------------------- */

static int
check_log(struct ss_fleet *f, char *err, size_t errlen)
{
	struct ss_fleet_stream s;
	char ours[SS_FLEET_ID_MAX], first[SS_FLEET_ID_MAX], last[SS_FLEET_ID_MAX];

	if (stream_info(f, &s, err, errlen) < 0)
		return -1;
	f->need_check = false;
	if (!ss_fleet_stream_lost(&s, &f->applied))
		return 0;
	ss_fleet_id_format(&f->applied, ours);
	ss_fleet_id_format(&s.first, first);
	ss_fleet_id_format(&s.last, last);
	FLEET_LOG(WARNING,
			"%s no longer holds the changes after %s (%s, first %s, last %s): loading the whole table again\n",
			f->keys.log, ours, s.exists ? "trimmed or rewritten" : "deleted",
			s.has_first ? first : "none", s.exists ? last : "none");
	f->need_load = true;
	return 0;
}

static void
apply_add(struct ss_fleet *f, const struct ss_fleet_change *c)
{
	struct ss_fleet_entry e;
	char why[512];

	if (ss_fleet_entry_parse(c->key, c->key_len, c->value, c->value_len, &e, why,
				sizeof(why)) < 0 ||
			ss_moved_ctl_add(f->ctl, e.key_text, e.uri, e.has_expires, e.expires,
				SS_MOVED_ORIGIN_FLEET, why, sizeof(why)) < 0) {
		bad_entry(f, f->keys.log, c->key, c->key_len, why, true);
		set_applied(f, &c->id, false);
		return;
	}
	set_applied(f, &c->id, true);
}

static void
apply_del(struct ss_fleet *f, const struct ss_fleet_change *c)
{
	struct ss_fleet_entry e;
	char why[512];
	int rc = ss_fleet_key_parse(c->key, c->key_len, &e, why, sizeof(why));

	if (rc == 0)
		rc = ss_moved_ctl_del(f->ctl, e.key_text, SS_MOVED_ORIGIN_FLEET, why, sizeof(why));
	/* absent already: a load that saw the hash after this del, or a replay */
	if (rc < 0 && rc != -ENOENT) {
		bad_entry(f, f->keys.log, c->key, c->key_len, why, true);
		set_applied(f, &c->id, false);
		return;
	}
	set_applied(f, &c->id, true);
}

/* One XREAD BLOCK, and what it brought applied in order. */
static int
follow(struct ss_fleet *f, char *err, size_t errlen)
{
	char from[SS_FLEET_ID_MAX], count[16], block[16];
	const char *argv[] = {"XREAD", "COUNT", count, "BLOCK", block, "STREAMS", f->keys.log,
		from};
	struct ss_fleet_change c;
	redisReply *r, **entries;
	size_t n, i;
	int rc;

	ss_fleet_id_format(&f->applied, from);
	snprintf(count, sizeof(count), "%u", f->read_count);
	snprintf(block, sizeof(block), "%u", f->block_ms);
	r = call(f, RTE_DIM(argv), argv, err, errlen);
	if (r == NULL)
		return -1;
	rc = ss_fleet_xread_entries(r, &entries, &n, err, errlen);
	if (rc == 0 && n > 0 && f->kept) {
		/* the first write after Redis lost its data: take its table as it is now */
		f->need_load = true;
		n = 0;
	}
	for (i = 0; rc == 0 && i < n; i++) {
		if (ss_fleet_change_parse(entries[i], &c) < 0) {
			snprintf(err, errlen, "log entry after %s has no valid ID", from);
			rc = -EPROTO;
			break;
		}
		if (c.op == SS_FLEET_OP_ADD) {
			apply_add(f, &c);
		} else if (c.op == SS_FLEET_OP_DEL) {
			apply_del(f, &c);
		} else if (c.op == SS_FLEET_OP_LOAD) {
			/* the hash was replaced: it holds this and every later change */
			char id[SS_FLEET_ID_MAX];

			ss_fleet_id_format(&c.id, id);
			FLEET_LOG(INFO, "%s %s: the table was replaced, loading it\n", f->keys.log,
					id);
			/* not applied until the load is: it sets `applied` past this entry */
			f->need_load = true;
			break;
		} else {
			bad_entry(f, f->keys.log, c.key, c.key_len, c.why, true);
			set_applied(f, &c.id, false);
		}
	}
	/* a full batch: we may be far behind, and the writers trimming */
	if (rc == 0 && n == f->read_count)
		f->need_check = true;
	f->ops->free_reply(r);
	return rc < 0 ? -1 : 0;
}

/* --- The step ---------------------------------------------------------- */

unsigned int
fleet_step(struct ss_fleet *f)
{
	char err[SS_FLEET_TEXT_MAX];
	int rc;

	err[0] = '\0';
	if (f->conn == NULL && connect_auth(f, err, sizeof(err)) < 0)
		return went_down(f, err);
	if (f->need_load || !f->loaded)
		rc = full_load(f, err, sizeof(err));
	else if (f->need_check)
		rc = check_log(f, err, sizeof(err));
	else
		rc = follow(f, err, sizeof(err));
	if (rc < 0)
		return went_down(f, err);
	/* the outage ends when Redis is usable again, not when it accepts a connection */
	if (f->down) {
		f->down = false;
		FLEET_LOG(INFO, "Redis at %s is back after %.1f s\n", f->address,
				(double)(fleet_now_ns() - f->down_since_ns) / 1e9);
	}
	f->backoff_ms = 0;
	return 0;
}
