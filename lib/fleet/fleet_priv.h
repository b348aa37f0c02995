/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Inside lib/fleet: the sync as a step function over a connection given
 * by function pointers, so that the unit tests drive the reconnect state
 * machine with a fake Redis, one step at a time, without a thread.
 */

#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_log.h>

#include "ss_fleet.h"

extern int ss_logtype_fleet;
#define RTE_LOGTYPE_SS_FLEET ss_logtype_fleet
#define FLEET_LOG(level, ...) RTE_LOG(level, SS_FLEET, __VA_ARGS__)

/*
 * A connection to Redis. Every function but interrupt runs on the sync's
 * thread; interrupt runs on the one that stops it.
 */
struct fleet_conn_ops {
	/* Connect: a handle, or NULL with the reason in err. */
	void *(*open)(void *arg, char *err, size_t errlen);
	/*
	 * Send a command without waiting for its reply (replies come back
	 * in order, so a load keeps the next HSCAN in flight while it
	 * builds the table). 0, or -1 when the connection failed (err).
	 */
	int (*send)(void *conn, int argc, const char **argv, const size_t *argvlen, char *err,
			size_t errlen);
	/*
	 * Wait for the reply to the oldest command sent. NULL when the
	 * connection failed (closed, reset, timed out): err says why, and
	 * the handle is good only for close. An error reply is a reply.
	 */
	redisReply *(*recv)(void *conn, char *err, size_t errlen);
	void (*free_reply)(redisReply *r);
	/* Make a call blocked on conn return (NULL) soon. */
	void (*interrupt)(void *conn);
	void (*close)(void *conn);
};

/* hiredis (fleet_redis.c): arg is the struct ss_fleet_target. */
extern const struct fleet_conn_ops fleet_redis_ops;

struct fleet_target {
	char host[SS_CONF_HOST_MAX];
	uint16_t port;
	char unix_path[SS_CONF_PATH_MAX];	/* "" for TCP */
	unsigned int connect_ms;
	unsigned int command_ms;		/* read timeout: above block_ms */
};

/* Defaults of the tunables (tests lower them). */
#define FLEET_BLOCK_MS		500	/* XREAD BLOCK: how soon a stop is seen without interrupt */
#define FLEET_READ_COUNT	1000	/* log entries per XREAD */
#define FLEET_SCAN_COUNT	2000	/* HSCAN COUNT hint */
#define FLEET_BACKOFF_MIN_MS	50
#define FLEET_BACKOFF_MAX_MS	1000	/* a recovered Redis is seen within ~1 s */
#define FLEET_CONNECT_MS	1000
#define FLEET_LOG_BAD_MAX	20	/* bad entries logged one by one per full load */
#define FLEET_DOWN_LOG_S	60	/* while down, repeat the warning this often */

struct ss_fleet {
	/* Set by create, read-only afterwards. */
	const struct fleet_conn_ops *ops;
	void *ops_arg;
	struct fleet_target target;
	struct ss_moved_ctl *ctl;
	uint32_t min_capacity;
	int socket;
	struct ss_fleet_keys keys;
	char address[SS_CONF_PATH_MAX + 8];	/* for logs: never the password */
	bool has_password;
	char password[SS_CONF_PASSWORD_MAX + 1];
	unsigned int block_ms;
	unsigned int read_count;
	unsigned int scan_count;
	unsigned int backoff_min_ms;
	unsigned int backoff_max_ms;

	/* The sync's thread only. */
	struct ss_fleet_id applied;	/* last log entry applied */
	bool loaded;			/* a full load from Redis completed */
	bool need_load;			/* load the hash before following */
	bool need_check;		/* ask XINFO whether the log still has our ID */
	bool kept;			/* Redis lost its data: our table kept, load at the next write */
	bool down;			/* in an outage (counted once) */
	unsigned int backoff_ms;	/* last delay; 0 after a good step */
	unsigned int seed;		/* backoff jitter */
	unsigned int table_gen;		/* rte_hash names are process-wide */
	uint64_t down_since_ns;
	uint64_t down_logged_ns;
	unsigned int bad_logged;	/* in the current full load */

	/*
	 * Shared with stop and telemetry, under lock: the connection (so a
	 * stop can interrupt it), the stop flag, the state snapshot.
	 */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	void *conn;
	bool stop;
	bool running;
	pthread_t thread;
	struct ss_fleet_state st;	/* entries and seconds_since_change filled on read */
	bool changed;			/* st.seconds_since_change counts from changed_ns */
	uint64_t changed_ns;
};

/*
 * Create with another connection (tests): as ss_fleet_create(), the
 * target unused.
 */
struct ss_fleet *fleet_create_ops(const struct ss_conf_fleet *conf, const char *password,
		struct ss_moved_ctl *ctl, uint32_t min_capacity, int socket,
		const struct fleet_conn_ops *ops, void *ops_arg);

/*
 * One step of the sync: connect (and AUTH) when there is no connection,
 * then one of: load the whole hash, check the log still holds our ID,
 * or read (XREAD BLOCK) and apply one batch of changes. Returns how many
 * milliseconds to wait before the next step (0: go on), which is the
 * backoff after a failure. Sync thread (or a test) only.
 */
unsigned int fleet_step(struct ss_fleet *f);

/* Close the connection, if any (sync thread, or after it stopped). */
void fleet_disconnect(struct ss_fleet *f);

/* Has a stop been asked for? */
bool fleet_stopping(struct ss_fleet *f);

uint64_t fleet_now_ns(void);
