/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The fleet's data in Redis (DESIGN §3a), as nodes read it and writers
 * (sipshield-cli fleet) write it:
 *
 *   <prefix>:moved       hash: field = table key (user@host or user),
 *                        value = "new-uri" or "new-uri expires"
 *   <prefix>:moved:log   stream of changes: op=add key=K value=V,
 *                        op=del key=K, op=load (the hash was replaced)
 *   <prefix>:moved:tmp   hash a load fills before renaming it over the table
 *
 * Writers change the hash and the stream in one MULTI/EXEC, so a node
 * that notes the stream's last ID, loads the hash, then reads the stream
 * from that ID misses nothing (changes made during the load are applied
 * twice, which is harmless: add and del are idempotent).
 *
 * Everything here is pure parsing of hiredis replies and text: no I/O, no
 * EAL, no locks; any thread. Functions return 0 or a negative errno.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "ss_conf.h"
#include "ss_filter.h"

/* Key names: the prefix and a suffix. */
#define SS_FLEET_KEY_MAX (SS_CONF_PREFIX_MAX + 16)

struct ss_fleet_keys {
	char hash[SS_FLEET_KEY_MAX];	/* <prefix>:moved */
	char log[SS_FLEET_KEY_MAX];	/* <prefix>:moved:log */
	char tmp[SS_FLEET_KEY_MAX];	/* <prefix>:moved:tmp */
};

void ss_fleet_keys_init(struct ss_fleet_keys *k, const char *prefix);

/* --- Stream IDs -------------------------------------------------------- */

/* A stream entry ID, "ms-seq"; 0-0 comes before every entry. */
struct ss_fleet_id {
	uint64_t ms;
	uint64_t seq;
};

/* "18446744073709551615-18446744073709551615" and its NUL */
#define SS_FLEET_ID_MAX 42

/* s[0..len) as an ID ("ms-seq", both decimal): 0 or -EINVAL. */
int ss_fleet_id_parse(const char *s, size_t len, struct ss_fleet_id *id);

/* <0, 0, >0 as a comes before, equals, or comes after b. */
int ss_fleet_id_cmp(const struct ss_fleet_id *a, const struct ss_fleet_id *b);

bool ss_fleet_id_is_zero(const struct ss_fleet_id *id);

void ss_fleet_id_format(const struct ss_fleet_id *id, char out[SS_FLEET_ID_MAX]);

/* --- The stream as XINFO STREAM shows it ------------------------------- */

struct ss_fleet_stream {
	bool exists;			/* false: no such key */
	uint64_t length;		/* entries it holds now */
	struct ss_fleet_id last;	/* last-generated-id: the newest ever added */
	bool has_first;			/* false: empty (all trimmed or deleted) */
	struct ss_fleet_id first;	/* its oldest entry still held */
	bool has_added;			/* Redis 7 tells entries-added */
	uint64_t added;			/* entries ever added: above length once trimmed */
};

/*
 * The reply to XINFO STREAM <log>: the error "ERR no such key" gives
 * exists = false. Returns 0, or -EPROTO for any other error or a reply
 * of another shape (the message in why).
 */
int ss_fleet_stream_parse(const redisReply *r, struct ss_fleet_stream *s, char *why,
		size_t whylen);

/*
 * May changes made after `applied` be missing from the stream? True when
 * the stream was trimmed past them (its first entry comes after applied:
 * XREAD would skip what was cut without an error), deleted, or went back
 * in time (a Redis restored from older data). The answer errs on the safe
 * side (a node then loads the whole hash again), but for a node that has
 * applied nothing yet from a log that never lost an entry (entries-added
 * equals length): it just reads it from the start.
 */
bool ss_fleet_stream_lost(const struct ss_fleet_stream *s, const struct ss_fleet_id *applied);

/* --- Entries of the table ---------------------------------------------- */

/* A key as text: up to 3 bytes per escaped user byte, '@', the host. */
#define SS_FLEET_KEY_TEXT_MAX (3 * SS_SIP_KEY_USER_MAX + 1 + SS_SIP_KEY_HOST_MAX)
/* A value: the URI, a blank, up to 10 digits; longer is surely bad. */
#define SS_FLEET_VALUE_MAX (SS_MOVED_URI_MAX + 16)

/* A table entry read from Redis, checked as the moved-table file's lines are. */
struct ss_fleet_entry {
	struct ss_sip_key key;
	char key_text[SS_FLEET_KEY_TEXT_MAX + 1];	/* as Redis holds it */
	char uri[SS_MOVED_URI_MAX + 1];
	size_t uri_len;
	bool has_expires;
	uint32_t expires;
};

/*
 * A hash field and its value (or an add's key and value): the key as the
 * file's first field (ss_moved_parse_line: no port in the host, ...), the
 * value `new-uri [expires]`, the URI as ss_moved_add() takes it. Returns 0
 * with e filled, or -EINVAL with the problem in why.
 */
int ss_fleet_entry_parse(const char *key, size_t key_len, const char *value, size_t value_len,
		struct ss_fleet_entry *e, char *why, size_t whylen);

/* A key alone (a del): 0 with e->key and e->key_text, or -EINVAL and why. */
int ss_fleet_key_parse(const char *key, size_t key_len, struct ss_fleet_entry *e, char *why,
		size_t whylen);

/* Is uri[0..len) a URI ss_moved_add() accepts (sip:, sips:, tel:, ...)? */
bool ss_fleet_uri_ok(const char *uri, size_t len);

/* --- Changes from the log ---------------------------------------------- */

enum ss_fleet_op {
	SS_FLEET_OP_ADD = 0,
	SS_FLEET_OP_DEL,
	SS_FLEET_OP_LOAD,
	SS_FLEET_OP_BAD,	/* skipped and counted: why says what is wrong */
};

/* One log entry; key and value point into the reply. */
struct ss_fleet_change {
	struct ss_fleet_id id;
	enum ss_fleet_op op;
	const char *key;	/* add, del (NULL when missing) */
	size_t key_len;
	const char *value;	/* add */
	size_t value_len;
	const char *why;	/* SS_FLEET_OP_BAD: a constant string */
};

/*
 * The entries of a reply to XREAD ... STREAMS <log> <id> (one stream):
 * *entries and *n; a nil reply (BLOCK timed out) gives n = 0. -EPROTO for
 * an error reply (message in why) or another shape.
 */
int ss_fleet_xread_entries(const redisReply *r, redisReply ***entries, size_t *n, char *why,
		size_t whylen);

/*
 * One stream entry [id, [field, value, ...]]. Returns 0 with c filled
 * (c->op SS_FLEET_OP_BAD for an entry no node can apply: unknown op,
 * missing key, ...), or -EPROTO when the entry has no valid ID (then the
 * stream cannot be followed past it).
 */
int ss_fleet_change_parse(const redisReply *entry, struct ss_fleet_change *c);

/*
 * The reply to HSCAN: the next cursor (cap bytes, "0" at the end) and the
 * field/value items (*n even). -EPROTO for an error or another shape.
 */
int ss_fleet_hscan_parse(const redisReply *r, char *cursor, size_t cap, redisReply ***items,
		size_t *n, char *why, size_t whylen);

/* --- Logs -------------------------------------------------------------- */

/*
 * s[0..len) for a log line: bytes outside printable ASCII as %XX, cut
 * with "..." to fit cap. A key from Redis may hold anything.
 */
void ss_fleet_printable(const char *s, size_t len, char *out, size_t cap);
