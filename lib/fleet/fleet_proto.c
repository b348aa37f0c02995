/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Parsing what Redis holds for a fleet (see ss_fleet_proto.h). Replies
 * are RESP2 as hiredis 0.14 gives them; anything of an unexpected shape
 * is a protocol error, never a crash: a node must survive whatever an
 * operator put in Redis by hand.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ss_fleet_proto.h"

void
ss_fleet_keys_init(struct ss_fleet_keys *k, const char *prefix)
{
	snprintf(k->hash, sizeof(k->hash), "%s:moved", prefix);
	snprintf(k->log, sizeof(k->log), "%s:moved:log", prefix);
	snprintf(k->tmp, sizeof(k->tmp), "%s:moved:tmp", prefix);
}

/* --- IDs --------------------------------------------------------------- */

/* Decimal digits only, no sign, no blank, no overflow. */
static int
parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned int d = (unsigned int)(s[i] - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
ss_fleet_id_parse(const char *s, size_t len, struct ss_fleet_id *id)
{
	const char *dash = memchr(s, '-', len);
	struct ss_fleet_id v;

	if (dash == NULL || parse_u64(s, (size_t)(dash - s), &v.ms) < 0 ||
			parse_u64(dash + 1, len - (size_t)(dash - s) - 1, &v.seq) < 0)
		return -EINVAL;
	*id = v;
	return 0;
}

int
ss_fleet_id_cmp(const struct ss_fleet_id *a, const struct ss_fleet_id *b)
{
	if (a->ms != b->ms)
		return a->ms < b->ms ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

bool
ss_fleet_id_is_zero(const struct ss_fleet_id *id)
{
	return id->ms == 0 && id->seq == 0;
}

void
ss_fleet_id_format(const struct ss_fleet_id *id, char out[SS_FLEET_ID_MAX])
{
	snprintf(out, SS_FLEET_ID_MAX, "%" PRIu64 "-%" PRIu64, id->ms, id->seq);
}

/* --- Reply helpers ----------------------------------------------------- */

static bool
is_text(const redisReply *r)
{
	return r != NULL && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS);
}

static bool
text_is(const redisReply *r, const char *s)
{
	return is_text(r) && r->len == strlen(s) && memcmp(r->str, s, r->len) == 0;
}

static int
reply_id(const redisReply *r, struct ss_fleet_id *id)
{
	return is_text(r) ? ss_fleet_id_parse(r->str, r->len, id) : -EINVAL;
}

/* An error reply, or the wrong type, as -EPROTO with a message. */
static int
shape_error(const redisReply *r, const char *what, char *why, size_t whylen)
{
	if (r != NULL && r->type == REDIS_REPLY_ERROR)
		snprintf(why, whylen, "%s: %.*s", what, (int)(r->len > 90 ? 90 : r->len), r->str);
	else
		snprintf(why, whylen, "%s: unexpected reply (type %d)", what,
				r != NULL ? r->type : -1);
	return -EPROTO;
}

/* --- XINFO STREAM ------------------------------------------------------ */

int
ss_fleet_stream_parse(const redisReply *r, struct ss_fleet_stream *s, char *why, size_t whylen)
{
	bool have_last = false;

	memset(s, 0, sizeof(*s));
	if (r != NULL && r->type == REDIS_REPLY_ERROR && r->len >= 15 &&
			strncasecmp(r->str, "ERR no such key", 15) == 0)
		return 0;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0)
		return shape_error(r, "XINFO STREAM", why, whylen);
	/* a flat list of name, value pairs; names we do not know are newer fields */
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const redisReply *name = r->element[i], *v = r->element[i + 1];

		if (text_is(name, "length") && v->type == REDIS_REPLY_INTEGER) {
			s->length = v->integer < 0 ? 0 : (uint64_t)v->integer;
		} else if (text_is(name, "last-generated-id")) {
			if (reply_id(v, &s->last) < 0)
				return shape_error(v, "XINFO STREAM last-generated-id", why,
						whylen);
			have_last = true;
		} else if (text_is(name, "entries-added") && v->type == REDIS_REPLY_INTEGER) {
			s->has_added = v->integer >= 0;
			s->added = s->has_added ? (uint64_t)v->integer : 0;
		} else if (text_is(name, "first-entry") && v->type == REDIS_REPLY_ARRAY) {
			if (v->elements < 1 || reply_id(v->element[0], &s->first) < 0)
				return shape_error(v, "XINFO STREAM first-entry", why, whylen);
			s->has_first = true;
		}
	}
	if (!have_last)
		return shape_error(r, "XINFO STREAM without last-generated-id", why, whylen);
	s->exists = true;
	return 0;
}

bool
ss_fleet_stream_lost(const struct ss_fleet_stream *s, const struct ss_fleet_id *applied)
{
	int c;

	/* gone: deleted, or a Redis that lost its data */
	if (!s->exists)
		return !ss_fleet_id_is_zero(applied);
	c = ss_fleet_id_cmp(&s->last, applied);
	/* back in time: IDs we applied were never written here */
	if (c < 0)
		return true;
	if (c == 0)
		return false;
	/* created after our load, nothing ever trimmed: all of it is there */
	if (ss_fleet_id_is_zero(applied) && s->has_added && s->added == s->length)
		return false;
	/*
	 * Newer entries exist. They are all there when the oldest one held
	 * is not after ours; else some may have been trimmed (or just ours:
	 * a stream does not say, so load again to be sure).
	 */
	return !s->has_first || ss_fleet_id_cmp(&s->first, applied) > 0;
}

/* --- Entries ----------------------------------------------------------- */

/* Keys and values never hold a control byte; keys no blank either. */
static bool
text_ok(const char *s, size_t len, bool blanks)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(blanks && c == '\t')) || c == 0x7f || (c == ' ' && !blanks))
			return false;
	}
	return true;
}

/* The same rule as ss_moved_add()'s, so that writers can refuse early. */
bool
ss_fleet_uri_ok(const char *uri, size_t len)
{
	if (len == 0 || len > SS_MOVED_URI_MAX)
		return false;
	if (!(len > 4 && strncasecmp(uri, "sip:", 4) == 0) &&
			!(len > 5 && strncasecmp(uri, "sips:", 5) == 0) &&
			!(len > 4 && strncasecmp(uri, "tel:", 4) == 0))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)uri[i];

		/* it goes between < > in a Contact header */
		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"')
			return false;
	}
	return true;
}

static int
check_key_text(const char *key, size_t key_len, char *why, size_t whylen)
{
	const char *what;
	char shown[64];

	if (key_len == 0) {
		snprintf(why, whylen, "empty key");
		return -EINVAL;
	}
	if (key_len > SS_FLEET_KEY_TEXT_MAX)
		what = "is too long";
	else if (!text_ok(key, key_len, false))
		what = "holds a blank or control character";
	else if (key[0] == '#')
		what = "starts with #";		/* the file would read it as a comment */
	else
		return 0;
	/* only now: a load checks a million keys that are fine */
	ss_fleet_printable(key, key_len, shown, sizeof(shown));
	snprintf(why, whylen, "key \"%s\" %s", shown, what);
	return -EINVAL;
}

int
ss_fleet_entry_parse(const char *key, size_t key_len, const char *value, size_t value_len,
		struct ss_fleet_entry *e, char *why, size_t whylen)
{
	char line[SS_FLEET_KEY_TEXT_MAX + SS_FLEET_VALUE_MAX + 2];
	char shown[96];
	const char *uri;
	size_t uri_len;
	int rc;

	rc = check_key_text(key, key_len, why, whylen);
	if (rc < 0)
		return rc;
	if (value_len > SS_FLEET_VALUE_MAX || !text_ok(value, value_len, true)) {
		ss_fleet_printable(value, value_len, shown, sizeof(shown));
		snprintf(why, whylen,
				"value \"%s\": expected new-uri [expires] (at most %d bytes, no control character)",
				shown, SS_FLEET_VALUE_MAX);
		return -EINVAL;
	}
	/* one line of the moved-table file: the same checks, the same messages */
	memcpy(line, key, key_len);
	line[key_len] = ' ';
	memcpy(line + key_len + 1, value, value_len);
	line[key_len + 1 + value_len] = '\0';
	rc = ss_moved_parse_line(line, &e->key, &uri, &uri_len, &e->has_expires, &e->expires, why,
			whylen);
	if (rc <= 0) {
		if (rc == 0)
			snprintf(why, whylen, "empty entry");
		return -EINVAL;
	}
	if (!ss_fleet_uri_ok(uri, uri_len)) {
		ss_fleet_printable(uri, uri_len, shown, sizeof(shown));
		snprintf(why, whylen,
				"new URI \"%s\" is not a sip:, sips: or tel: URI of at most %d bytes without spaces, < > or \"",
				shown, SS_MOVED_URI_MAX);
		return -EINVAL;
	}
	memcpy(e->uri, uri, uri_len);
	e->uri[uri_len] = '\0';
	e->uri_len = uri_len;
	memcpy(e->key_text, key, key_len);
	e->key_text[key_len] = '\0';
	return 0;
}

int
ss_fleet_key_parse(const char *key, size_t key_len, struct ss_fleet_entry *e, char *why,
		size_t whylen)
{
	/* the same checks as a line with a URI, so add and del agree on keys */
	static const char any_uri[] = "sip:x@invalid";

	return ss_fleet_entry_parse(key, key_len, any_uri, sizeof(any_uri) - 1, e, why, whylen);
}

/* --- XREAD ------------------------------------------------------------- */

int
ss_fleet_xread_entries(const redisReply *r, redisReply ***entries, size_t *n, char *why,
		size_t whylen)
{
	const redisReply *stream;

	*entries = NULL;
	*n = 0;
	if (r != NULL && r->type == REDIS_REPLY_NIL)
		return 0;
	/* [[name, [entry, ...]]] */
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 1)
		return shape_error(r, "XREAD", why, whylen);
	stream = r->element[0];
	if (stream->type != REDIS_REPLY_ARRAY || stream->elements != 2 ||
			stream->element[1]->type != REDIS_REPLY_ARRAY)
		return shape_error(stream, "XREAD stream", why, whylen);
	*entries = stream->element[1]->element;
	*n = stream->element[1]->elements;
	return 0;
}

static const redisReply *
field(const redisReply *fields, const char *name)
{
	for (size_t i = 0; i + 1 < fields->elements; i += 2)
		if (text_is(fields->element[i], name))
			return fields->element[i + 1];
	return NULL;
}

int
ss_fleet_change_parse(const redisReply *entry, struct ss_fleet_change *c)
{
	const redisReply *fields, *op, *key, *value;

	memset(c, 0, sizeof(*c));
	c->op = SS_FLEET_OP_BAD;
	if (entry == NULL || entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
			reply_id(entry->element[0], &c->id) < 0)
		return -EPROTO;
	fields = entry->element[1];
	/* an entry whose fields were deleted (XDEL race) comes as nil */
	if (fields->type != REDIS_REPLY_ARRAY || fields->elements % 2 != 0) {
		c->why = "fields are not name/value pairs";
		return 0;
	}
	for (size_t i = 0; i < fields->elements; i++) {
		if (!is_text(fields->element[i])) {
			c->why = "a field is not a string";
			return 0;
		}
	}
	op = field(fields, "op");
	key = field(fields, "key");
	value = field(fields, "value");
	if (key != NULL) {
		c->key = key->str;
		c->key_len = key->len;
	}
	if (op == NULL) {
		c->why = "no op field";
	} else if (text_is(op, "load")) {
		c->op = SS_FLEET_OP_LOAD;
	} else if (text_is(op, "add")) {
		if (key == NULL)
			c->why = "add without a key field";
		else if (value == NULL)
			c->why = "add without a value field";
		else
			c->op = SS_FLEET_OP_ADD;
		if (value != NULL) {
			c->value = value->str;
			c->value_len = value->len;
		}
	} else if (text_is(op, "del")) {
		if (key == NULL)
			c->why = "del without a key field";
		else
			c->op = SS_FLEET_OP_DEL;
	} else {
		c->why = "unknown op (expected add, del or load)";
	}
	return 0;
}

/* --- HSCAN ------------------------------------------------------------- */

int
ss_fleet_hscan_parse(const redisReply *r, char *cursor, size_t cap, redisReply ***items,
		size_t *n, char *why, size_t whylen)
{
	const redisReply *list;

	/* [cursor, [field, value, ...]] */
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
			!is_text(r->element[0]) || r->element[0]->len >= cap ||
			r->element[1]->type != REDIS_REPLY_ARRAY || r->element[1]->elements % 2 != 0)
		return shape_error(r, "HSCAN", why, whylen);
	list = r->element[1];
	for (size_t i = 0; i < list->elements; i++)
		if (!is_text(list->element[i]))
			return shape_error(list->element[i], "HSCAN item", why, whylen);
	memcpy(cursor, r->element[0]->str, r->element[0]->len);
	cursor[r->element[0]->len] = '\0';
	*items = list->element;
	*n = list->elements;
	return 0;
}

/* --- Logs -------------------------------------------------------------- */

static bool
plain_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '%' && c != '"';
}

void
ss_fleet_printable(const char *s, size_t len, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0, whole = 0;
	bool cut;

	if (cap == 0)
		return;
	for (size_t i = 0; i < len; i++)
		whole += plain_byte((unsigned char)s[i]) ? 1 : 3;
	/* cut: keep room for "..." */
	cut = whole >= cap;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = plain_byte(c);
		size_t need = plain ? 1 : 3;

		if (o + need + (cut ? 3 : 0) >= cap) {
			if (o + 3 < cap) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}
