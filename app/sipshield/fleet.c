/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The fleet (DESIGN §3a): with a [fleet] section the moved table follows
 * Redis. The password file is checked before EAL starts, so that a wrong
 * mode stops start-up at once; the sync thread starts once the moved
 * table's writers exist and stops before they are freed. A moved_table
 * file, when also set, is the table until Redis answers the first time.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_memory.h>
#include <rte_telemetry.h>

#include "app.h"

/* Read the password: 0 (nothing to read), or the error of the file. */
static int
read_password(const struct app *a, char *pw, size_t cap, char *err, size_t errlen)
{
	const char *path = a->conf.fleet.password_file;

	if (path[0] == '\0')
		return 0;
	return ss_conf_read_password(path, pw, cap, err, errlen);
}

int
app_fleet_check(struct app *a, char *err, size_t errlen)
{
	char pw[SS_CONF_PASSWORD_MAX + 1];
	int rc;

	if (!a->conf.fleet.enabled)
		return 0;
	rc = read_password(a, pw, sizeof(pw), err, errlen);
	explicit_bzero(pw, sizeof(pw));
	return rc;
}

int
app_fleet_start(struct app *a, char *err, size_t errlen)
{
	char pw[SS_CONF_PASSWORD_MAX + 1];
	int rc;

	if (!a->conf.fleet.enabled)
		return 0;
	rc = read_password(a, pw, sizeof(pw), err, errlen);
	if (rc < 0)
		goto out;
	a->fleet = ss_fleet_create(&a->conf.fleet, a->conf.fleet.password_file[0] ? pw : NULL,
			a->moved_ctl, a->moved_capacity, SOCKET_ID_ANY);
	if (a->fleet == NULL) {
		rc = -rte_errno;
		snprintf(err, errlen, "cannot set up the fleet sync: %s", rte_strerror(rte_errno));
		goto out;
	}
	rc = ss_fleet_start(a->fleet);
	if (rc < 0) {
		snprintf(err, errlen, "cannot start the fleet thread: %s", strerror(-rc));
		ss_fleet_free(a->fleet);
		a->fleet = NULL;
	}
out:
	/* the sync holds its own copy */
	explicit_bzero(pw, sizeof(pw));
	return rc;
}

void
app_fleet_stop(struct app *a)
{
	struct ss_fleet_state st;

	if (a->fleet == NULL)
		return;
	ss_fleet_stop(a->fleet);
	ss_fleet_get_state(a->fleet, &st);
	printf(APP_NAME ": fleet: %s, last ID applied %s, %" PRIu64 " changes applied, %" PRIu64
			" bad entries skipped, %" PRIu64 " outages, %" PRIu64 " full loads\n",
			st.synced ? "in sync with Redis" : "never loaded from Redis", st.last_id,
			st.changes_applied, st.bad_entries, st.outages, st.full_loads);
	ss_fleet_free(a->fleet);
	a->fleet = NULL;
}

/* --- /sipshield/fleet -------------------------------------------------- */

int
app_fleet_config(const struct app *a, struct rte_tel_data *d)
{
	const struct ss_conf_fleet *c = &a->conf.fleet;
	char addr[sizeof(c->redis_unix) + 8];
	int rc = 0;

	if (!c->enabled)
		return app_tel_add_str(d, "fleet_redis", "none");
	ss_conf_fleet_address(c, addr, sizeof(addr));
	rc |= app_tel_add_str(d, "fleet_redis", addr);
	rc |= app_tel_add_str(d, "fleet_key_prefix", c->key_prefix);
	/* the file's name: its text is never shown */
	rc |= app_tel_add_str(d, "fleet_password_file", c->password_file[0] ? c->password_file : "none");
	rc |= app_tel_add_u64(d, "fleet_stream_maxlen", c->stream_maxlen);
	return rc;
}

int
app_fleet_telemetry(struct app *a, struct rte_tel_data *d)
{
	const struct ss_conf_fleet *c = &a->conf.fleet;
	struct ss_fleet_state st;
	char addr[sizeof(c->redis_unix) + 8];
	int rc = 0;

	rte_tel_data_start_dict(d);
	if (!c->enabled || a->fleet == NULL)
		return app_tel_add_u64(d, "enabled", 0);
	ss_fleet_get_state(a->fleet, &st);
	ss_conf_fleet_address(c, addr, sizeof(addr));
	rc |= app_tel_add_u64(d, "enabled", 1);
	rc |= app_tel_add_str(d, "redis", addr);
	rc |= app_tel_add_str(d, "key_prefix", c->key_prefix);
	/* whether a password is used; never the password, nor its file's text */
	rc |= app_tel_add_u64(d, "auth", c->password_file[0] != '\0');
	rc |= app_tel_add_u64(d, "connected", st.connected);
	rc |= app_tel_add_u64(d, "synced", st.synced);
	rc |= app_tel_add_str(d, "last_id", st.last_id);
	rc |= app_tel_add_u64(d, "entries", st.entries);
	rc |= app_tel_add_u64(d, "changes_applied", st.changes_applied);
	rc |= app_tel_add_u64(d, "bad_entries", st.bad_entries);
	rc |= app_tel_add_u64(d, "outages", st.outages);
	rc |= app_tel_add_u64(d, "full_loads", st.full_loads);
	rc |= rte_tel_data_add_dict_int(d, "seconds_since_change",
			st.seconds_since_change > INT32_MAX ? INT32_MAX :
			(int)st.seconds_since_change) == 0 ? 0 : -E2BIG;
	rc |= app_tel_add_u64(d, "last_load_ms", st.last_load_ms);
	rc |= app_tel_add_u64(d, "last_load_entries", st.last_load_entries);
	rc |= app_tel_add_str(d, "last_error", st.last_error);
	rc |= app_tel_add_str(d, "last_bad_entry", st.last_bad);
	return rc != 0 ? -E2BIG : 0;
}
