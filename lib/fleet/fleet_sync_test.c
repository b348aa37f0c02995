/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * lib/fleet's sync, step by step, against a fake Redis: an in-memory hash
 * and stream behind the connection's function pointers, with outages,
 * refused connections, killed connections, trimming and lost data at the
 * test's command. The table is the real one (lib/filter's writers over an
 * rte_hash), so EAL runs in --no-huge mode; no worker reads it (no RCU).
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>

#include "fleet_priv.h"
#include "fleet_test_util.h"

/* --- The fake Redis ---------------------------------------------------- */

#define FAKE_MAX_FIELDS 8
#define FAKE_QUEUE 4		/* commands sent and not yet answered */
#define FAKE_MAX_ARGS 16

struct fake_cmd {
	int argc;
	char *argv[FAKE_MAX_ARGS];
};

struct fake_entry {
	struct ss_fleet_id id;
	int nf;
	char *f[FAKE_MAX_FIELDS];
};

struct fake {
	/* data */
	size_t nh, hcap;
	char **hf, **hv;		/* the hash: fields and values */
	bool stream;			/* the log exists */
	struct fake_entry *log;
	size_t nlog, lcap, first;	/* entries [first, nlog) are held */
	struct ss_fleet_id last_gen;
	size_t added_base;		/* log entries before the last flush */
	uint64_t clock;			/* ms of the next entry ID */
	const char *password;		/* NULL: no AUTH needed */

	/* the connection */
	bool down;			/* refuses connections, kills the live one */
	int refuse;			/* connections to refuse before one succeeds */
	int kill_after;			/* calls before the connection dies; -1: never */
	bool open;
	bool authed;
	bool interrupted;
	struct fake_cmd queue[FAKE_QUEUE];
	unsigned int queued;
	unsigned int queued_at_free;	/* most commands in flight while a reply was used */

	/* what the node did */
	unsigned int opens, calls, hscans, xinfos, xreads;
	char last_xread_from[SS_FLEET_ID_MAX];
	char first_xread_from[SS_FLEET_ID_MAX];	/* since xreads was last 0 */
	char last_cmd[32];

	/* called before each command, to change the data under the node */
	void (*hook)(struct fake *fk, const char *cmd);
};

static char *
dup_text(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		abort();
	return d;
}

static long
hash_find(const struct fake *fk, const char *k)
{
	for (size_t i = 0; i < fk->nh; i++)
		if (strcmp(fk->hf[i], k) == 0)
			return (long)i;
	return -1;
}

static void
fake_hset(struct fake *fk, const char *k, const char *v)
{
	long i = hash_find(fk, k);

	if (i >= 0) {
		free(fk->hv[i]);
		fk->hv[i] = dup_text(v);
		return;
	}
	if (fk->nh == fk->hcap) {
		fk->hcap = fk->hcap ? fk->hcap * 2 : 16;
		fk->hf = realloc(fk->hf, fk->hcap * sizeof(char *));
		fk->hv = realloc(fk->hv, fk->hcap * sizeof(char *));
		if (fk->hf == NULL || fk->hv == NULL)
			abort();
	}
	fk->hf[fk->nh] = dup_text(k);
	fk->hv[fk->nh++] = dup_text(v);
}

static void
fake_hdel(struct fake *fk, const char *k)
{
	long i = hash_find(fk, k);

	if (i < 0)
		return;
	free(fk->hf[i]);
	free(fk->hv[i]);
	fk->hf[i] = fk->hf[fk->nh - 1];
	fk->hv[i] = fk->hv[fk->nh - 1];
	fk->nh--;
}

static void
fake_hclear(struct fake *fk)
{
	while (fk->nh > 0)
		fake_hdel(fk, fk->hf[0]);
}

/* XADD with fields (NULL-terminated list of names and values). */
static void
fake_xadd(struct fake *fk, ...)
{
	struct fake_entry *e;
	const char *s;
	va_list ap;

	if (fk->nlog == fk->lcap) {
		fk->lcap = fk->lcap ? fk->lcap * 2 : 16;
		fk->log = realloc(fk->log, fk->lcap * sizeof(*fk->log));
		if (fk->log == NULL)
			abort();
	}
	e = &fk->log[fk->nlog++];
	memset(e, 0, sizeof(*e));
	e->id = (struct ss_fleet_id){++fk->clock, 0};
	va_start(ap, fk);
	while ((s = va_arg(ap, const char *)) != NULL && e->nf < FAKE_MAX_FIELDS)
		e->f[e->nf++] = dup_text(s);
	va_end(ap);
	fk->last_gen = e->id;
	fk->stream = true;
}

/* A writer's MULTI/EXEC: hash and log together (sipshield-cli fleet). */
static void
fake_add(struct fake *fk, const char *k, const char *v)
{
	fake_hset(fk, k, v);
	fake_xadd(fk, "op", "add", "key", k, "value", v, NULL);
}

static void
fake_del(struct fake *fk, const char *k)
{
	fake_hdel(fk, k);
	fake_xadd(fk, "op", "del", "key", k, NULL);
}

/* fleet load: a new hash renamed over the table, then op=load. */
static void
fake_load(struct fake *fk, size_t n, const char *const *kv)
{
	fake_hclear(fk);
	for (size_t i = 0; i < n; i++)
		fake_hset(fk, kv[2 * i], kv[2 * i + 1]);
	fake_xadd(fk, "op", "load", NULL);
}

/* XTRIM MAXLEN keep. */
static void
fake_trim(struct fake *fk, size_t keep)
{
	if (fk->nlog - fk->first > keep)
		fk->first = fk->nlog - keep;
}

/* A Redis that came back without its data. */
static void
fake_flush(struct fake *fk)
{
	fake_hclear(fk);
	fk->stream = false;
	fk->first = fk->nlog;
	fk->added_base = fk->nlog;
	fk->last_gen = (struct ss_fleet_id){0, 0};
	fk->clock = 0;
}

static void
fake_free(struct fake *fk)
{
	fake_hclear(fk);
	free(fk->hf);
	free(fk->hv);
	for (size_t i = 0; i < fk->nlog; i++)
		for (int j = 0; j < fk->log[i].nf; j++)
			free(fk->log[i].f[j]);
	free(fk->log);
	memset(fk, 0, sizeof(*fk));
}

static redisReply *
entry_reply(const struct fake_entry *e)
{
	redisReply *f[FAKE_MAX_FIELDS];
	char id[SS_FLEET_ID_MAX];

	for (int i = 0; i < e->nf; i++)
		f[i] = rr_str(e->f[i]);
	ss_fleet_id_format(&e->id, id);
	return rr_arr(2, rr_str(id), rr_arrv((size_t)e->nf, f));
}

static redisReply *
do_xinfo(struct fake *fk)
{
	char last[SS_FLEET_ID_MAX];
	bool empty = fk->first == fk->nlog;

	fk->xinfos++;
	if (!fk->stream)
		return rr_err("ERR no such key");
	ss_fleet_id_format(&fk->last_gen, last);
	return rr_arr(12, rr_status("length"), rr_int((long long)(fk->nlog - fk->first)),
			rr_status("last-generated-id"), rr_str(last), rr_status("entries-added"),
			rr_int((long long)(fk->nlog - fk->added_base)), rr_status("groups"),
			rr_int(0), rr_status("first-entry"),
			empty ? rr_nil() : entry_reply(&fk->log[fk->first]),
			rr_status("last-entry"),
			empty ? rr_nil() : entry_reply(&fk->log[fk->nlog - 1]));
}

/* HSCAN key cursor COUNT n: the cursor is an index. */
static redisReply *
do_hscan(struct fake *fk, const char **argv)
{
	size_t from = strtoul(argv[2], NULL, 10), count = strtoul(argv[4], NULL, 10), n = 0;
	redisReply **items = calloc(2 * count + 2, sizeof(*items));
	char next[24];

	fk->hscans++;
	for (size_t i = from; i < fk->nh && n < 2 * count; i++) {
		items[n++] = rr_str(fk->hf[i]);
		items[n++] = rr_str(fk->hv[i]);
	}
	snprintf(next, sizeof(next), "%zu", from + n / 2 >= fk->nh ? 0 : from + n / 2);
	redisReply *r = rr_arr(2, rr_str(next), rr_arrv(n, items));

	free(items);
	return r;
}

/* XREAD COUNT c BLOCK b STREAMS key id */
static redisReply *
do_xread(struct fake *fk, const char **argv)
{
	size_t count = strtoul(argv[2], NULL, 10), n = 0;
	struct ss_fleet_id after;
	redisReply **items;
	redisReply *r;

	if (fk->xreads++ == 0)
		snprintf(fk->first_xread_from, sizeof(fk->first_xread_from), "%s", argv[7]);
	snprintf(fk->last_xread_from, sizeof(fk->last_xread_from), "%s", argv[7]);
	assert_int_equal(ss_fleet_id_parse(argv[7], strlen(argv[7]), &after), 0);
	items = calloc(count + 1, sizeof(*items));
	for (size_t i = fk->first; i < fk->nlog && n < count; i++)
		if (ss_fleet_id_cmp(&fk->log[i].id, &after) > 0)
			items[n++] = entry_reply(&fk->log[i]);
	if (n == 0) {
		free(items);
		/* as a blocked XREAD would: no busy loop in the threaded test */
		usleep(2000);
		return rr_nil();
	}
	r = rr_arr(1, rr_arr(2, rr_str(argv[6]), rr_arrv(n, items)));
	free(items);
	return r;
}

static void *
fake_open(void *arg, char *err, size_t errlen)
{
	struct fake *fk = arg;

	if (fk->down || fk->refuse > 0) {
		if (fk->refuse > 0)
			fk->refuse--;
		snprintf(err, errlen, "cannot connect: Connection refused");
		return NULL;
	}
	assert_int_equal(fk->queued, 0);
	fk->opens++;
	fk->open = true;
	fk->authed = fk->password == NULL;
	fk->interrupted = false;
	return fk;
}

/* One command, as Redis runs it when it reaches the front of the queue. */
static redisReply *
fake_exec(struct fake *fk, int argc, const char **argv, char *err, size_t errlen)
{
	fk->calls++;
	snprintf(fk->last_cmd, sizeof(fk->last_cmd), "%s", argv[0]);
	if (fk->hook != NULL)
		fk->hook(fk, argv[0]);
	if (fk->down || fk->kill_after == 0 || fk->interrupted) {
		snprintf(err, errlen, "Server closed the connection");
		return NULL;
	}
	if (fk->kill_after > 0)
		fk->kill_after--;
	if (strcmp(argv[0], "AUTH") == 0) {
		assert_int_equal(argc, 2);
		if (fk->password != NULL && strcmp(argv[1], fk->password) == 0) {
			fk->authed = true;
			return rr_status("OK");
		}
		return rr_err("WRONGPASS invalid username-password pair or user is disabled.");
	}
	if (!fk->authed)
		return rr_err("NOAUTH Authentication required.");
	if (strcmp(argv[0], "XINFO") == 0)
		return do_xinfo(fk);
	if (strcmp(argv[0], "HLEN") == 0)
		return rr_int((long long)fk->nh);
	if (strcmp(argv[0], "HSCAN") == 0)
		return do_hscan(fk, argv);
	if (strcmp(argv[0], "XREAD") == 0)
		return do_xread(fk, argv);
	return rr_err("ERR unknown command");
}

static int
fake_send(void *conn, int argc, const char **argv, const size_t *len, char *err,
		size_t errlen)
{
	struct fake *fk = conn;
	struct fake_cmd *c;

	(void)len;
	if (fk->down || fk->interrupted) {
		snprintf(err, errlen, "Server closed the connection");
		return -1;
	}
	assert_true(fk->queued < FAKE_QUEUE && argc <= FAKE_MAX_ARGS);
	c = &fk->queue[fk->queued++];
	c->argc = argc;
	for (int i = 0; i < argc; i++)
		c->argv[i] = dup_text(argv[i]);
	return 0;
}

static void
cmd_free(struct fake_cmd *c)
{
	for (int i = 0; i < c->argc; i++)
		free(c->argv[i]);
	c->argc = 0;
}

static redisReply *
fake_recv(void *conn, char *err, size_t errlen)
{
	struct fake *fk = conn;
	struct fake_cmd c;
	redisReply *r;

	assert_true(fk->queued > 0);
	c = fk->queue[0];
	memmove(&fk->queue[0], &fk->queue[1], --fk->queued * sizeof(fk->queue[0]));
	r = fake_exec(fk, c.argc, (const char **)c.argv, err, errlen);
	cmd_free(&c);
	return r;
}

static void
fake_interrupt(void *conn)
{
	((struct fake *)conn)->interrupted = true;
}

/* What was sent and never answered goes with the connection. */
static void
fake_close(void *conn)
{
	struct fake *fk = conn;

	while (fk->queued > 0)
		cmd_free(&fk->queue[--fk->queued]);
	fk->open = false;
}

static struct fake fk;

/* The node is done with a reply: was the next command already on its way? */
static void
fake_free_reply(redisReply *r)
{
	if (fk.queued > fk.queued_at_free)
		fk.queued_at_free = fk.queued;
	freeReplyObject(r);
}

static const struct fleet_conn_ops fake_ops = {
	.open = fake_open,
	.send = fake_send,
	.recv = fake_recv,
	.free_reply = fake_free_reply,
	.interrupt = fake_interrupt,
	.close = fake_close,
};

/* --- The node under test ----------------------------------------------- */

static struct ss_moved *slot;
static struct ss_moved_ctl *ctl;
static struct ss_fleet *fl;
static char moved_file[64];

static struct ss_fleet *
node(const char *password)
{
	struct ss_conf_fleet conf;

	memset(&conf, 0, sizeof(conf));
	snprintf(conf.redis_host, sizeof(conf.redis_host), "fake");
	conf.redis_port = 6379;
	snprintf(conf.key_prefix, sizeof(conf.key_prefix), "sipshield");
	conf.stream_maxlen = 1000;
	fl = fleet_create_ops(&conf, password, ctl, 16, SOCKET_ID_ANY, &fake_ops, &fk);
	assert_non_null(fl);
	/* small batches, so that loads and reads take several round trips */
	fl->scan_count = 3;
	fl->read_count = 4;
	fl->block_ms = 10;
	return fl;
}

static int
setup_test(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	fk.kill_after = -1;
	slot = NULL;
	ctl = ss_moved_ctl_create(&slot, NULL, "", 16, SOCKET_ID_ANY);
	return ctl == NULL ? -1 : 0;
}

static int
teardown_test(void **state)
{
	(void)state;
	ss_fleet_free(fl);
	fl = NULL;
	ss_moved_ctl_free(ctl);
	ctl = NULL;
	fake_free(&fk);
	if (moved_file[0] != '\0')
		unlink(moved_file);
	moved_file[0] = '\0';
	return 0;
}

static struct ss_fleet_state
state_of(void)
{
	struct ss_fleet_state st;

	ss_fleet_get_state(fl, &st);
	return st;
}

/* Steps until one waits (a failure) or n steps ran; returns the last delay. */
static unsigned int
steps(unsigned int n)
{
	unsigned int ms = 0;

	for (unsigned int i = 0; i < n && ms == 0; i++)
		ms = fleet_step(fl);
	return ms;
}

/* The table holds key -> want (NULL: key absent). */
static void
assert_entry(const char *key, const char *want)
{
	char uri[SS_MOVED_URI_MAX + 1], err[256];
	bool has_exp;
	uint32_t exp;
	int rc = ss_moved_ctl_get(ctl, key, uri, sizeof(uri), &has_exp, &exp, err, sizeof(err));

	if (want == NULL) {
		assert_int_equal(rc, 0);
		return;
	}
	if (rc != 1)
		print_error("%s: not in the table\n", key);
	assert_int_equal(rc, 1);
	assert_string_equal(uri, want);
}

/* The table is exactly the fake's hash (all of whose entries are good). */
static void
assert_table_is_hash(void)
{
	char uri[SS_MOVED_URI_MAX + 1];

	assert_int_equal(ss_moved_ctl_count(ctl), fk.nh);
	for (size_t i = 0; i < fk.nh; i++) {
		size_t n = strcspn(fk.hv[i], " ");

		memcpy(uri, fk.hv[i], n);
		uri[n] = '\0';
		assert_entry(fk.hf[i], uri);
	}
}

/* --- Tests ------------------------------------------------------------- */

/* Note the last ID, load the hash in batches, then follow from that ID. */
static void
test_load_then_follow(void **state)
{
	struct ss_fleet_state st;
	char id[SS_FLEET_ID_MAX];

	(void)state;
	for (int i = 0; i < 10; i++) {
		char k[32], v[64];

		snprintf(k, sizeof(k), "user%d@example.com", i);
		snprintf(v, sizeof(v), "sip:user%d@pbx2.example.net", i);
		fake_add(&fk, k, v);
	}
	fake_del(&fk, "user3@example.com");
	node(NULL);
	st = state_of();
	assert_false(st.connected);
	assert_false(st.synced);
	assert_string_equal(st.last_id, "0-0");
	assert_int_equal(st.seconds_since_change, -1);

	assert_int_equal(fleet_step(fl), 0);		/* connect, full load */
	st = state_of();
	assert_true(st.connected);
	assert_true(st.synced);
	assert_int_equal(st.full_loads, 1);
	assert_int_equal(st.entries, 9);
	assert_int_equal(st.last_load_entries, 9);
	assert_int_equal(fk.hscans, 3);			/* 9 fields, 3 a batch */
	assert_int_equal(fk.queued_at_free, 1);		/* the next one in flight */
	ss_fleet_id_format(&fk.last_gen, id);
	assert_string_equal(st.last_id, id);
	assert_int_equal(st.changes_applied, 0);
	assert_int_equal(st.seconds_since_change, 0);
	assert_table_is_hash();

	assert_int_equal(fleet_step(fl), 0);		/* the check after a load */
	assert_int_equal(fleet_step(fl), 0);		/* nothing new */
	assert_int_equal(fk.xreads, 1);
	assert_string_equal(fk.last_xread_from, id);

	fake_add(&fk, "new@example.com", "sip:new@x 60");
	fake_add(&fk, "user0@example.com", "sip:user0@pbx3.example.net");
	fake_del(&fk, "user1@example.com");
	assert_int_equal(fleet_step(fl), 0);
	st = state_of();
	assert_int_equal(st.changes_applied, 3);
	assert_int_equal(st.entries, 9);
	assert_entry("new@example.com", "sip:new@x");
	assert_entry("user0@example.com", "sip:user0@pbx3.example.net");
	assert_entry("user1@example.com", NULL);
	assert_table_is_hash();
	assert_int_equal(st.full_loads, 1);
	assert_int_equal(fk.opens, 1);
}

/* Writes during the load land in the hash and the log: nothing is missed. */
static void
during_load(struct fake *f, const char *cmd)
{
	if (strcmp(cmd, "HSCAN") == 0 && f->hscans == 1) {
		fake_add(f, "late@example.com", "sip:late@x");
		fake_del(f, "a1@example.com");
		fake_add(f, "a2@example.com", "sip:a2@moved-again");
	}
}

static void
test_writes_during_load(void **state)
{
	(void)state;
	for (int i = 0; i < 8; i++) {
		char k[32];

		snprintf(k, sizeof(k), "a%d@example.com", i);
		fake_add(&fk, k, "sip:first@x");
	}
	fk.hook = during_load;
	node(NULL);
	assert_int_equal(steps(6), 0);
	fk.hook = NULL;
	assert_int_equal(steps(4), 0);
	assert_entry("late@example.com", "sip:late@x");
	assert_entry("a1@example.com", NULL);
	assert_entry("a2@example.com", "sip:a2@moved-again");
	assert_table_is_hash();
	assert_int_equal(state_of().full_loads, 1);
}

/* More entries than HLEN promised: the table being built grows. */
static void
grow_under_load(struct fake *f, const char *cmd)
{
	if (strcmp(cmd, "HSCAN") == 0 && f->hscans == 0)
		for (int i = 0; i < 3000; i++) {
			char k[32];

			snprintf(k, sizeof(k), "g%d", i);
			fake_hset(f, k, "sip:g@x");
		}
}

static void
test_load_grows(void **state)
{
	(void)state;
	fake_hset(&fk, "x", "sip:x@y");
	fk.hook = grow_under_load;
	node(NULL);
	fl->min_capacity = 0;
	fl->scan_count = 1000;
	assert_int_equal(fleet_step(fl), 0);
	assert_int_equal(state_of().entries, 3001);
	assert_table_is_hash();
}

/* Bad fields and bad log entries are skipped, counted, and the node goes on. */
static void
test_bad_entries(void **state)
{
	struct ss_fleet_state st;

	(void)state;
	fake_hset(&fk, "good@example.com", "sip:good@x");
	fake_hset(&fk, "@example.com", "sip:nouser@x");
	fake_hset(&fk, "port@example.com:5060", "sip:p@x");
	fake_hset(&fk, "baduri@example.com", "http://example.com/");
	fake_hset(&fk, "badexp@example.com", "sip:e@x soon");
	fake_hset(&fk, "blank key", "sip:b@x");
	fake_hset(&fk, "good2", "sip:good2@x 30");
	node(NULL);
	assert_int_equal(steps(3), 0);
	st = state_of();
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.bad_entries, 5);
	assert_entry("good@example.com", "sip:good@x");
	assert_entry("good2", "sip:good2@x");

	fake_xadd(&fk, "op", "add", "key", "x@example.com", "value", "ftp://x", NULL);
	fake_xadd(&fk, "op", "frobnicate", "key", "y", NULL);
	fake_xadd(&fk, "op", "del", NULL);
	fake_xadd(&fk, "op", "del", "key", "a b", NULL);
	fake_xadd(&fk, "key", "nothing", NULL);
	fake_add(&fk, "after@example.com", "sip:after@x");
	fake_del(&fk, "absent@example.com");
	assert_int_equal(steps(3), 0);
	st = state_of();
	assert_int_equal(st.bad_entries, 10);
	/* a del of an absent key is applied (it is what Redis holds) */
	assert_int_equal(st.changes_applied, 2);
	assert_entry("after@example.com", "sip:after@x");
	assert_entry("x@example.com", NULL);
	assert_string_equal(st.last_bad, "nothing: no op field");
	assert_int_equal(st.outages, 0);
	/* the last of them is the last applied */
	char id[SS_FLEET_ID_MAX];

	ss_fleet_id_format(&fk.last_gen, id);
	assert_string_equal(st.last_id, id);
}

/* Redis down at start: the file's table stays, backoff grows to its cap. */
static void
test_start_while_down(void **state)
{
	FILE *file;
	struct ss_fleet_state st;
	unsigned int ms;

	(void)state;
	snprintf(moved_file, sizeof(moved_file), "/tmp/fleet_sync_test_XXXXXX");
	assert_true(mkstemp(moved_file) >= 0);
	file = fopen(moved_file, "w");
	assert_non_null(file);
	fprintf(file, "fromfile@example.com sip:file@x\nother sip:other@x\n");
	fclose(file);
	ss_moved_ctl_free(ctl);
	ctl = ss_moved_ctl_create(&slot, NULL, moved_file, 16, SOCKET_ID_ANY);
	assert_non_null(ctl);
	assert_int_equal(ss_moved_ctl_reload(ctl, SS_MOVED_ORIGIN_FILE, (char[256]){0}, 256), 2);

	fake_add(&fk, "redis@example.com", "sip:redis@x");
	fk.down = true;
	node(NULL);
	for (int i = 0; i < 12; i++) {
		ms = fleet_step(fl);
		/* doubling from 50 ms, capped at 1 s, each within +-25 % */
		unsigned int base = 50u << (i < 5 ? i : 5);

		if (base > 1000)
			base = 1000;
		assert_in_range(ms, base - base / 4, base + base / 4);
	}
	st = state_of();
	assert_int_equal(st.outages, 1);
	assert_false(st.connected);
	assert_false(st.synced);
	assert_string_equal(st.last_error, "cannot connect: Connection refused");
	assert_int_equal(st.entries, 2);
	assert_entry("fromfile@example.com", "sip:file@x");

	/* Redis answers: its table replaces the file's */
	fk.down = false;
	assert_int_equal(steps(3), 0);
	st = state_of();
	assert_true(st.synced);
	assert_int_equal(st.entries, 1);
	assert_entry("redis@example.com", "sip:redis@x");
	assert_entry("fromfile@example.com", NULL);
	assert_int_equal(st.outages, 1);
	assert_int_equal(fl->backoff_ms, 0);
}

/* Lost while following: count once, resume from the last ID, no full load. */
static void
test_resume_after_outage(void **state)
{
	struct ss_fleet_state st;
	char id[SS_FLEET_ID_MAX];

	(void)state;
	fake_add(&fk, "a", "sip:a@x");
	node(NULL);
	assert_int_equal(steps(3), 0);
	ss_fleet_id_format(&fk.last_gen, id);

	fk.down = true;
	assert_true(fleet_step(fl) > 0);
	assert_string_equal(state_of().last_error, "XREAD: Server closed the connection");
	assert_true(fleet_step(fl) > 0);
	assert_true(fleet_step(fl) > 0);
	st = state_of();
	assert_int_equal(st.outages, 1);
	assert_false(st.connected);
	assert_string_equal(st.last_error, "cannot connect: Connection refused");
	assert_entry("a", "sip:a@x");

	/* changes made while the node was cut off */
	fk.down = false;
	fake_add(&fk, "b", "sip:b@x");
	fake_del(&fk, "a");
	fake_add(&fk, "c", "sip:c@x 10");
	fk.xreads = 0;
	assert_int_equal(steps(3), 0);
	st = state_of();
	assert_true(st.connected);
	assert_int_equal(st.full_loads, 1);
	assert_int_equal(st.changes_applied, 3);
	assert_string_equal(fk.first_xread_from, id);
	assert_table_is_hash();
	assert_int_equal(fk.opens, 2);

	/* a second outage is a second count */
	fk.down = true;
	assert_true(fleet_step(fl) > 0);
	fk.down = false;
	assert_int_equal(steps(3), 0);
	assert_int_equal(state_of().outages, 2);
}

/* Killed between reads while changes flow: each applied exactly once. */
static void
test_kill_while_changes_flow(void **state)
{
	struct ss_fleet_state st;
	int added = 0;

	(void)state;
	node(NULL);
	assert_int_equal(steps(2), 0);
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 3; i++) {
			char k[32], v[32];

			snprintf(k, sizeof(k), "k%d", added % 7);
			snprintf(v, sizeof(v), "sip:v%d@x", added++);
			fake_add(&fk, k, v);
		}
		if (round % 3 == 0)
			fk.kill_after = round % 2;	/* CLIENT KILL, now or after a call */
		for (int i = 0; i < 8; i++)
			if (fleet_step(fl) > 0)
				fk.kill_after = -1;
		fk.kill_after = -1;
	}
	assert_int_equal(steps(4), 0);
	st = state_of();
	assert_int_equal(st.changes_applied, (uint64_t)added);
	assert_int_equal(st.full_loads, 1);
	assert_true(st.outages >= 5);
	assert_table_is_hash();
}

/* Trimmed past the node's ID while it was away: it loads the hash again. */
static void
test_trimmed_while_away(void **state)
{
	struct ss_fleet_state st;

	(void)state;
	fake_add(&fk, "a", "sip:a@x");
	node(NULL);
	assert_int_equal(steps(3), 0);
	fk.down = true;
	assert_true(fleet_step(fl) > 0);
	fk.down = false;
	for (int i = 0; i < 20; i++) {
		char k[16];

		snprintf(k, sizeof(k), "t%d", i);
		fake_add(&fk, k, "sip:t@x");
	}
	fake_del(&fk, "a");
	fake_trim(&fk, 5);
	assert_int_equal(steps(4), 0);
	st = state_of();
	assert_int_equal(st.full_loads, 2);
	assert_table_is_hash();
	assert_entry("a", NULL);
	/* and follows from the new place */
	fake_add(&fk, "z", "sip:z@x");
	assert_int_equal(steps(2), 0);
	assert_entry("z", "sip:z@x");
}

/*
 * A Redis that lost its data (no persistence): no writer leaves neither
 * table nor log, so the node keeps its table until the next write, then
 * takes Redis's table as it is.
 */
static void
test_redis_lost_data(void **state)
{
	struct ss_fleet_state st;

	(void)state;
	fake_add(&fk, "a", "sip:a@x");
	fake_add(&fk, "b", "sip:b@x");
	node(NULL);
	assert_int_equal(steps(3), 0);
	fk.down = true;
	assert_true(fleet_step(fl) > 0);
	fake_flush(&fk);
	fk.down = false;
	assert_int_equal(steps(4), 0);
	st = state_of();
	assert_int_equal(st.full_loads, 1);
	assert_int_equal(st.entries, 2);
	assert_non_null(strstr(st.last_error, "lost its data?"));
	assert_entry("a", "sip:a@x");
	/* the first write: the node loads what Redis holds then */
	fake_add(&fk, "c", "sip:c@x 5");
	assert_int_equal(steps(3), 0);
	st = state_of();
	assert_int_equal(st.full_loads, 2);
	assert_table_is_hash();
	assert_entry("a", NULL);
	/* and follows from there */
	fake_add(&fk, "d", "sip:d@x");
	assert_int_equal(steps(3), 0);
	assert_table_is_hash();
	assert_int_equal(state_of().changes_applied, 1);

	/* a first load from a Redis that is empty is the table, though */
	ss_fleet_free(fl);
	fake_flush(&fk);
	node(NULL);
	assert_int_equal(steps(3), 0);
	assert_int_equal(ss_moved_ctl_count(ctl), 0);
}

/* op=load: the whole table replaced, old keys gone. */
static void
test_op_load(void **state)
{
	static const char *const fresh[] = {"n1", "sip:n1@x", "n2", "sip:n2@x 90"};
	struct ss_fleet_state st;

	(void)state;
	fake_add(&fk, "old1", "sip:old@x");
	fake_add(&fk, "old2", "sip:old@x");
	node(NULL);
	assert_int_equal(steps(3), 0);
	fake_load(&fk, 2, fresh);
	fake_add(&fk, "n3", "sip:n3@x");
	assert_int_equal(steps(4), 0);
	st = state_of();
	assert_int_equal(st.full_loads, 2);
	assert_table_is_hash();
	assert_entry("old1", NULL);
	assert_entry("n3", "sip:n3@x");
}

/* A log that is not a stream: an error, counted, retried, never fatal. */
static void
test_redis_errors(void **state)
{
	struct ss_fleet_state st;

	(void)state;
	fake_add(&fk, "a", "sip:a@x");
	node(NULL);
	assert_int_equal(steps(3), 0);
	fk.kill_after = 0;
	assert_true(fleet_step(fl) > 0);
	fk.kill_after = -1;
	/* the node reconnects and its next command fails with an error reply */
	fk.password = "set-later";
	assert_true(fleet_step(fl) > 0);
	st = state_of();
	assert_string_equal(st.last_error, "XINFO STREAM: NOAUTH Authentication required.");
	assert_int_equal(st.outages, 1);
	assert_entry("a", "sip:a@x");
}

/* AUTH: a wrong password is an outage whose error never shows the password. */
static void
test_auth(void **state)
{
	struct ss_fleet_state st;

	(void)state;
	fk.password = "right horse battery";
	fake_add(&fk, "a", "sip:a@x");
	node("wrong staple");
	assert_true(fleet_step(fl) > 0);
	st = state_of();
	assert_false(st.synced);
	assert_string_equal(st.last_error,
			"AUTH: WRONGPASS invalid username-password pair or user is disabled.");
	assert_null(strstr(st.last_error, "staple"));
	ss_fleet_free(fl);

	node("right horse battery");
	assert_int_equal(steps(3), 0);
	assert_true(state_of().synced);
	assert_entry("a", "sip:a@x");
}

/* The thread: it syncs on its own, and a stop interrupts it promptly. */
static void
test_thread(void **state)
{
	uint64_t t0;

	(void)state;
	fake_add(&fk, "a", "sip:a@x");
	node(NULL);
	fl->block_ms = 5000;
	assert_int_equal(ss_fleet_start(fl), 0);
	for (int i = 0; i < 500 && !state_of().synced; i++)
		usleep(10000);
	assert_true(state_of().synced);
	t0 = fleet_now_ns();
	ss_fleet_stop(fl);
	assert_true(fleet_now_ns() - t0 < 2000000000ull);
	assert_false(fk.open);
	assert_entry("a", "sip:a@x");

	/* stopped while waiting out a backoff */
	ss_fleet_free(fl);
	fk.down = true;
	node(NULL);
	fl->backoff_min_ms = 10000;
	fl->backoff_max_ms = 10000;
	assert_int_equal(ss_fleet_start(fl), 0);
	for (int i = 0; i < 500 && state_of().outages == 0; i++)
		usleep(10000);
	t0 = fleet_now_ns();
	ss_fleet_stop(fl);
	assert_true(fleet_now_ns() - t0 < 2000000000ull);
}

static int
setup(void **state)
{
	char *argv[] = {"fleet_sync_test", "--no-huge", "--no-pci", "--no-shconf",
		"--no-telemetry", "-m", "256", "-l", "0", "--log-level", "lib.*:error",
		"--log-level", "sipshield.*:error", NULL};

	(void)state;
	return rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	rte_eal_cleanup();
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_test, teardown_test)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_load_then_follow),
		T(test_writes_during_load),
		T(test_load_grows),
		T(test_bad_entries),
		T(test_start_while_down),
		T(test_resume_after_outage),
		T(test_kill_while_changes_flow),
		T(test_trimmed_while_away),
		T(test_redis_lost_data),
		T(test_op_load),
		T(test_redis_errors),
		T(test_auth),
		T(test_thread),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
