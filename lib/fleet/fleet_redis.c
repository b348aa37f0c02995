/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The connection to a real Redis: hiredis 0.14, blocking, with timeouts
 * on connect and on every read, so that a Redis that hangs counts as an
 * outage instead of freezing the sync thread.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>

#include "fleet_priv.h"

static struct timeval
ms_tv(unsigned int ms)
{
	struct timeval tv = {
		.tv_sec = ms / 1000,
		.tv_usec = (suseconds_t)(ms % 1000) * 1000,
	};

	return tv;
}

static void *
redis_open(void *arg, char *err, size_t errlen)
{
	const struct fleet_target *t = arg;
	redisContext *c;

	if (t->unix_path[0] != '\0')
		c = redisConnectUnixWithTimeout(t->unix_path, ms_tv(t->connect_ms));
	else
		c = redisConnectWithTimeout(t->host, t->port, ms_tv(t->connect_ms));
	if (c == NULL) {
		snprintf(err, errlen, "cannot allocate a Redis connection");
		return NULL;
	}
	if (c->err != 0) {
		snprintf(err, errlen, "cannot connect: %s", c->errstr);
		redisFree(c);
		return NULL;
	}
	if (redisSetTimeout(c, ms_tv(t->command_ms)) != REDIS_OK) {
		snprintf(err, errlen, "cannot set a read timeout: %s", c->errstr);
		redisFree(c);
		return NULL;
	}
	/* a peer that vanished without a FIN is found by keepalive, not by waiting */
	if (t->unix_path[0] == '\0')
		redisEnableKeepAlive(c);
	return c;
}

static void
io_error(redisContext *c, char *err, size_t errlen)
{
	/* hiredis says EAGAIN for a read timeout: name it */
	if (c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK))
		snprintf(err, errlen, "no reply in time");
	else
		snprintf(err, errlen, "%s", c->errstr[0] != '\0' ? c->errstr : "connection failed");
}

static int
redis_send(void *conn, int argc, const char **argv, const size_t *argvlen, char *err,
		size_t errlen)
{
	redisContext *c = conn;
	int done = 0;

	if (redisAppendCommandArgv(c, argc, argv, argvlen) != REDIS_OK) {
		io_error(c, err, errlen);
		return -1;
	}
	/* on the wire now: Redis starts on it while we do other work */
	while (!done) {
		if (redisBufferWrite(c, &done) != REDIS_OK) {
			io_error(c, err, errlen);
			return -1;
		}
	}
	return 0;
}

static redisReply *
redis_recv(void *conn, char *err, size_t errlen)
{
	redisContext *c = conn;
	void *r = NULL;

	if (redisGetReply(c, &r) != REDIS_OK || r == NULL) {
		io_error(c, err, errlen);
		return NULL;
	}
	return r;
}

static void
redis_free_reply(redisReply *r)
{
	freeReplyObject(r);
}

/* The blocked reader's recv() returns 0 at once; hiredis then fails the call. */
static void
redis_interrupt(void *conn)
{
	redisContext *c = conn;

	shutdown(c->fd, SHUT_RDWR);
}

static void
redis_close(void *conn)
{
	redisFree(conn);
}

const struct fleet_conn_ops fleet_redis_ops = {
	.open = redis_open,
	.send = redis_send,
	.recv = redis_recv,
	.free_reply = redis_free_reply,
	.interrupt = redis_interrupt,
	.close = redis_close,
};
