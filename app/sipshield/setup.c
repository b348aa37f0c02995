/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * What the filter needs before any packet: the config and the tag secret
 * (read before EAL starts, so a typo stops start-up in milliseconds),
 * then the Hyperscan databases (expiry, scanner User-Agents) and the
 * moved table (the table is an rte_hash, so it needs EAL).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <rte_errno.h>
#include <rte_memory.h>

#include "app.h"

/* Room for moved-table entries added later without a reload. */
#define MOVED_HEADROOM_MIN 1024

static int
read_secret(struct app *a, char *err, size_t errlen)
{
	ssize_t n;

	if (a->conf.tag_secret[0] != '\0')
		return ss_conf_read_secret(a->conf.tag_secret, a->secret, err, errlen);
	/*
	 * No shared secret: one of our own, so tags still cannot be forged,
	 * but a restarted node or another node of a fleet will not recognise
	 * the ACKs for this one's 302s (they pass to the registrar).
	 */
	n = getrandom(a->secret, sizeof(a->secret), 0);
	if (n != (ssize_t)sizeof(a->secret)) {
		snprintf(err, errlen, "cannot make a random tag secret: getrandom: %s",
				n < 0 ? strerror(errno) : "short read");
		return n < 0 ? -errno : -EIO;
	}
	a->secret_random = true;
	return 0;
}

int
app_setup_conf(struct app *a, char *err, size_t errlen)
{
	int ret;

	ret = ss_conf_load(&a->conf, a->args.config, err, errlen);
	if (ret < 0)
		return ret;
	a->n_ports = a->conf.port_inside == SS_CONF_PORT_NONE ? 1 : 2;
	return read_secret(a, err, errlen);
}

static int
load_moved(struct app *a, char *err, size_t errlen)
{
	const char *path = a->conf.moved_table;
	int count = 0, ret;

	if (path[0] != '\0') {
		count = ss_moved_count_file(path);
		if (count < 0) {
			snprintf(err, errlen, "%s: cannot read the moved table: %s", path,
					strerror(-count));
			return count;
		}
	}
	/* a quarter more, so that telemetry adds fit without growing the table */
	a->moved_capacity = (uint32_t)count + (uint32_t)count / 4 + MOVED_HEADROOM_MIN;
	a->moved_ctl = ss_moved_ctl_create(&a->filter.moved, a->qs, path, a->moved_capacity,
			SOCKET_ID_ANY);
	if (a->moved_ctl == NULL) {
		snprintf(err, errlen, "cannot set up the moved table: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	if (path[0] == '\0')
		return 0;
	ret = ss_moved_ctl_reload(a->moved_ctl, SS_MOVED_ORIGIN_FILE, err, errlen);
	if (ret < 0)
		return ret;
	a->moved_entries = (uint32_t)ret;
	return 0;
}

/* [sources]: the lists workers consult first, reloadable under RCU. */
static int
load_sources(struct app *a, char *err, size_t errlen)
{
	const struct ss_conf *c = &a->conf;
	int ret;

	a->sources_ctl = ss_sources_ctl_create(&a->filter.sources, a->qs, c->sources_allow,
			c->sources_deny, SOCKET_ID_ANY);
	if (a->sources_ctl == NULL) {
		snprintf(err, errlen, "cannot set up the source lists: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	if (c->sources_allow[0] == '\0' && c->sources_deny[0] == '\0')
		return 0;
	ret = ss_sources_ctl_reload(a->sources_ctl, err, errlen);
	if (ret < 0)
		return ret;
	a->sources_entries = (uint32_t)ret;
	return 0;
}

int
app_setup_filter(struct app *a, char *err, size_t errlen)
{
	const char *hs_err = NULL;
	int ret;

	/* compiled once; each worker gets its own scratch (workers.c) */
	a->hs = ss_sip_hs_create(&hs_err);
	if (a->hs == NULL) {
		snprintf(err, errlen, "cannot compile the Hyperscan database: %s",
				hs_err != NULL ? hs_err : "unknown error");
		return -EINVAL;
	}
	/* before any worker's scratch is made: each must serve this database too */
	if (a->conf.drop_scanners) {
		ret = ss_scanner_load(a->hs, a->conf.scanner_agents, err, errlen);
		if (ret < 0)
			return ret;
		a->n_scanner_agents = (unsigned int)ret;
	}
	ss_filter_init(&a->filter, &a->conf, a->hs);
	ret = load_moved(a, err, errlen);
	if (ret < 0)
		return ret;
	ret = load_sources(a, err, errlen);
	if (ret < 0)
		return ret;
	memcpy(a->filter.secret, a->secret, sizeof(a->filter.secret));
	return 0;
}
