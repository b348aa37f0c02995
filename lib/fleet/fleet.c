/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The fleet's control thread and its life cycle (see ss_fleet.h). The
 * thread runs fleet_step() until asked to stop, sleeping the backoff on a
 * condition variable so that a stop never waits for a timer; a stop also
 * interrupts the connection, so that a blocked XREAD returns at once.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_lcore.h>

#include "fleet_priv.h"

RTE_LOG_REGISTER(ss_logtype_fleet, sipshield.fleet, INFO);

static void
target_init(struct fleet_target *t, const struct ss_conf_fleet *conf)
{
	snprintf(t->host, sizeof(t->host), "%s", conf->redis_host);
	t->port = conf->redis_port;
	snprintf(t->unix_path, sizeof(t->unix_path), "%s", conf->redis_unix);
	t->connect_ms = FLEET_CONNECT_MS;
	/* a blocked XREAD answers within block_ms: more than that is a hung Redis */
	t->command_ms = FLEET_BLOCK_MS + 2000;
}

struct ss_fleet *
fleet_create_ops(const struct ss_conf_fleet *conf, const char *password,
		struct ss_moved_ctl *ctl, uint32_t min_capacity, int socket,
		const struct fleet_conn_ops *ops, void *ops_arg)
{
	struct ss_fleet *f;
	pthread_condattr_t ca;

	if (password != NULL && strlen(password) > SS_CONF_PASSWORD_MAX) {
		rte_errno = EINVAL;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	target_init(&f->target, conf);
	f->ops = ops;
	f->ops_arg = ops_arg != NULL ? ops_arg : &f->target;
	f->ctl = ctl;
	f->min_capacity = min_capacity;
	f->socket = socket;
	ss_fleet_keys_init(&f->keys, conf->key_prefix);
	ss_conf_fleet_address(conf, f->address, sizeof(f->address));
	if (password != NULL) {
		f->has_password = true;
		snprintf(f->password, sizeof(f->password), "%s", password);
	}
	f->block_ms = FLEET_BLOCK_MS;
	f->read_count = FLEET_READ_COUNT;
	f->scan_count = FLEET_SCAN_COUNT;
	f->backoff_min_ms = FLEET_BACKOFF_MIN_MS;
	f->backoff_max_ms = FLEET_BACKOFF_MAX_MS;
	f->seed = (unsigned int)fleet_now_ns();
	snprintf(f->st.last_id, sizeof(f->st.last_id), "0-0");
	pthread_mutex_init(&f->lock, NULL);
	/* waits are measured on the monotonic clock: a clock step must not stall them */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->wake, &ca);
	pthread_condattr_destroy(&ca);
	return f;
}

struct ss_fleet *
ss_fleet_create(const struct ss_conf_fleet *conf, const char *password,
		struct ss_moved_ctl *ctl, uint32_t min_capacity, int socket)
{
	return fleet_create_ops(conf, password, ctl, min_capacity, socket, &fleet_redis_ops,
			NULL);
}

/* Sleep ms, or less when a stop comes. */
static void
wait_ms(struct ss_fleet *f, unsigned int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&f->lock);
	while (!f->stop && pthread_cond_timedwait(&f->wake, &f->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&f->lock);
}

static void *
fleet_main(void *arg)
{
	struct ss_fleet *f = arg;

	while (!fleet_stopping(f)) {
		unsigned int ms = fleet_step(f);

		if (ms > 0)
			wait_ms(f, ms);
	}
	fleet_disconnect(f);
	return NULL;
}

int
ss_fleet_start(struct ss_fleet *f)
{
	int rc;

	/* a control thread: on the cores EAL leaves to them, never a worker's */
	rc = rte_ctrl_thread_create(&f->thread, "ss-fleet", NULL, fleet_main, f);
	if (rc != 0)
		return -rc;
	f->running = true;
	return 0;
}

void
ss_fleet_stop(struct ss_fleet *f)
{
	if (f == NULL || !f->running)
		return;
	pthread_mutex_lock(&f->lock);
	__atomic_store_n(&f->stop, true, __ATOMIC_RELEASE);
	/* under the lock: the thread cannot close conn meanwhile */
	if (f->conn != NULL)
		f->ops->interrupt(f->conn);
	pthread_cond_broadcast(&f->wake);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	f->running = false;
}

void
ss_fleet_free(struct ss_fleet *f)
{
	if (f == NULL)
		return;
	ss_fleet_stop(f);
	fleet_disconnect(f);
	explicit_bzero(f->password, sizeof(f->password));
	pthread_cond_destroy(&f->wake);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

void
ss_fleet_get_state(struct ss_fleet *f, struct ss_fleet_state *st)
{
	uint64_t now = fleet_now_ns();

	pthread_mutex_lock(&f->lock);
	*st = f->st;
	st->seconds_since_change = f->changed ? (int64_t)((now - f->changed_ns) / 1000000000u) :
			-1;
	pthread_mutex_unlock(&f->lock);
	/* the ctl's lock, not ours: never both at once */
	st->entries = ss_moved_ctl_count(f->ctl);
}
