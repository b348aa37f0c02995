/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Replies built by hand for lib/fleet's unit tests, in the shapes
 * hiredis 0.14 gives them. hiredis 0.14 frees a reply with free(), so
 * freeReplyObject() frees these too.
 */

#pragma once

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

static inline redisReply *
rr_new(int type)
{
	redisReply *r = calloc(1, sizeof(*r));

	if (r == NULL)
		abort();
	r->type = type;
	return r;
}

static inline redisReply *
rr_text(int type, const char *s, size_t len)
{
	redisReply *r = rr_new(type);

	r->str = malloc(len + 1);
	if (r->str == NULL)
		abort();
	memcpy(r->str, s, len);
	r->str[len] = '\0';
	r->len = len;
	return r;
}

static inline redisReply *
rr_str(const char *s)
{
	return rr_text(REDIS_REPLY_STRING, s, strlen(s));
}

static inline redisReply *
rr_status(const char *s)
{
	return rr_text(REDIS_REPLY_STATUS, s, strlen(s));
}

static inline redisReply *
rr_err(const char *s)
{
	return rr_text(REDIS_REPLY_ERROR, s, strlen(s));
}

static inline redisReply *
rr_int(long long v)
{
	redisReply *r = rr_new(REDIS_REPLY_INTEGER);

	r->integer = v;
	return r;
}

static inline redisReply *
rr_nil(void)
{
	return rr_new(REDIS_REPLY_NIL);
}

/* An array that takes n replies from a list (NULL entries are not allowed). */
static inline redisReply *
rr_arrv(size_t n, redisReply **items)
{
	redisReply *r = rr_new(REDIS_REPLY_ARRAY);

	r->elements = n;
	r->element = calloc(n > 0 ? n : 1, sizeof(*r->element));
	if (r->element == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		r->element[i] = items[i];
	return r;
}

static inline redisReply *
rr_arr(size_t n, ...)
{
	redisReply *items[64];
	va_list ap;

	if (n > 64)
		abort();
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		items[i] = va_arg(ap, redisReply *);
	va_end(ap);
	return rr_arrv(n, items);
}
