/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * lib/conf: the INI configuration, read with inih so every error names
 * file:line, validated into struct ss_conf. Control thread only; the
 * struct is read-only once workers run.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SS_CONF_MAX_SIP_PORTS	8
#define SS_CONF_PATH_MAX	512
#define SS_CONF_PORT_NONE	UINT16_MAX
#define SS_CONF_ERR_MAX		1024
#define SS_CONF_PORT_ID_MAX	1023	/* highest DPDK port id a config may name */
#define SS_CONF_SECRET_LEN	16	/* bytes of the tag secret (= SS_SIP_SECRET_LEN) */
#define SS_CONF_DUMP_MAX	8192	/* always enough for ss_conf_dump() */
#define SS_CONF_RATE_MAX	10000000	/* per second: the TSC keeps 1 % precision below */
#define SS_CONF_BURST_MAX	100000000
#define SS_CONF_SOURCES_MIN	1024
#define SS_CONF_SOURCES_MAX	16777216

/* A token bucket: rate per second and burst; rate 0 means no limit. */
struct ss_conf_limit {
	uint32_t rate;
	uint32_t burst;
};

#define SS_CONF_HOST_MAX	256	/* bytes of a Redis host name or address */
#define SS_CONF_PREFIX_MAX	64	/* bytes of [fleet] key_prefix */
#define SS_CONF_PASSWORD_MAX	512	/* bytes of a Redis password */
#define SS_CONF_MAXLEN_MIN	100
#define SS_CONF_MAXLEN_MAX	1000000000

/*
 * [fleet] (DESIGN §3a): the moved table kept in Redis for every node.
 * Without the section, enabled is false and the rest keeps its defaults.
 */
struct ss_conf_fleet {
	bool enabled;				/* a [fleet] section was given */
	char redis_host[SS_CONF_HOST_MAX];	/* redis = HOST:PORT (IPv6 without []) */
	uint16_t redis_port;
	char redis_unix[SS_CONF_PATH_MAX];	/* redis = unix:PATH; "" for TCP */
	char key_prefix[SS_CONF_PREFIX_MAX + 1];	/* default "sipshield" */
	char password_file[SS_CONF_PATH_MAX];	/* "" = no AUTH */
	uint32_t stream_maxlen;			/* writers' XADD MAXLEN ~, default 100000 */
};

struct ss_conf {
	/* [ports]: DPDK port ids; inside == SS_CONF_PORT_NONE means one-armed */
	uint16_t port_outside;
	uint16_t port_inside;

	/* [filter] */
	uint32_t min_expires;			/* 1..3600, default 60 */
	uint32_t min_expires_subscribe;		/* 1..3600, default 60 */
	uint32_t redirect_methods;		/* bit (1 << enum ss_sip_method), default INVITE */
	uint16_t sip_ports[SS_CONF_MAX_SIP_PORTS];	/* default 5060 */
	uint8_t n_sip_ports;
	char moved_table[SS_CONF_PATH_MAX];	/* "" = none */
	char tag_secret[SS_CONF_PATH_MAX];	/* "" = random at start-up */
	bool drop_scanners;			/* default on */
	char scanner_agents[SS_CONF_PATH_MAX];	/* "" = the built-in list */
	/*
	 * Safe rollout: mode = monitor counts what enforce would do and
	 * passes everything; each rule can be switched off on its own
	 * (default: enforce, every rule on). Both change live too.
	 */
	bool monitor;				/* mode = monitor | enforce */
	bool answer_423;
	bool answer_302;
	bool drop_not_sip;
	bool request_limit;			/* enforce requests_per_source */
	bool reply_limit;			/* enforce replies_per_source and replies_node */

	/*
	 * [limits] (DESIGN §2): requests passed to the registrars per source
	 * (default off), replies per source (1000/2000), replies of the whole
	 * node (1000000/2000000, split among the workers), and the sources
	 * each worker tracks (a power of two, default 65536).
	 */
	struct ss_conf_limit requests_per_source;
	struct ss_conf_limit replies_per_source;
	struct ss_conf_limit replies_node;
	uint32_t sources_table;

	/*
	 * [sources]: files of IPv4/IPv6 prefixes whose packets pass without
	 * a rule (allow) or are dropped (deny), before any other decision;
	 * "" = none.
	 */
	char sources_allow[SS_CONF_PATH_MAX];
	char sources_deny[SS_CONF_PATH_MAX];

	/* [dataplane] */
	uint32_t idle_sleep_us;			/* 0 = poll flat out (default) */
	uint16_t rx_desc, tx_desc;		/* default 1024 */

	/* [fleet] */
	struct ss_conf_fleet fleet;

	/* where this config came from (for messages) */
	char path[SS_CONF_PATH_MAX];
};

/* Fill conf with the defaults (no ports set: outside 0, inside none). */
void ss_conf_defaults(struct ss_conf *conf);

/*
 * Read and validate the file at path into conf (defaults first). Returns
 * 0, or -EINVAL/-ERANGE/-ENOENT with a message in err such as
 * `sipshield.conf:12: [filter] min_expires = "6o": expected an integer 1..3600`.
 *
 * -EINVAL: syntax (not a number, unknown section or key, duplicate key,
 * outside == inside, a method that may not be redirected); -ERANGE: a
 * value out of its range, or a path too long; -errno when the file cannot
 * be opened or read (message `path: cannot open: <strerror>`), and
 * -ENAMETOOLONG when path itself does not fit in conf->path. The first
 * error stops loading. On error conf is left as it was, so a failed reload
 * keeps the config in service. Relative moved_table, tag_secret and
 * scanner_agents paths are stored resolved against the config file's
 * directory, made absolute; `none` stores "". No such file is opened here.
 *
 * Syntax: `[section]` and `key = value` lines (section and key names are
 * case-sensitive, only `=` separates), comments on lines of their own
 * starting with `#` or `;`. A `#` or `;` inside a line is part of the
 * value; indented lines are ordinary lines; lines up to 1023 characters.
 * err may be NULL. Control thread only.
 */
int ss_conf_load(struct ss_conf *conf, const char *path, char *err, size_t errlen);

/*
 * Read the tag secret (DESIGN §2) from path: exactly 32 hex digits (128
 * bits) on the first line that is not a `#` comment or empty, nothing
 * after it but comments and empty lines. The file must be a regular file
 * with no permission for group or others. Returns 0, -EINVAL (format:
 * `path:3: expected 32 hex digits (128 bits), found 31 characters`),
 * -EACCES (mode: the message names the path and `chmod 600`), or -errno
 * when it cannot be opened or read. Messages never quote the file's text.
 * Control thread only.
 */
int ss_conf_read_secret(const char *path, uint8_t secret[SS_CONF_SECRET_LEN], char *err,
		size_t errlen);

/*
 * [fleet] helpers, shared with sipshield-cli's fleet options.
 *
 * ss_conf_parse_redis(): a `redis` value, HOST:PORT ([IPV6]:PORT) or
 * unix:PATH (PATH stored as given), into f's redis_* fields. Returns 0,
 * -EINVAL or -ERANGE with what was expected in why (no file:line).
 *
 * ss_conf_check_key_prefix(): 1..SS_CONF_PREFIX_MAX bytes of
 * [A-Za-z0-9_.:{}-] (braces: a Redis Cluster hash tag keeps the table,
 * its log and the load's temporary hash in one slot). 0 or -EINVAL/-ERANGE.
 *
 * ss_conf_fleet_address(): where f's Redis is, as a `redis` value
 * (never anything about the password). Returns snprintf's count.
 */
int ss_conf_parse_redis(const char *value, struct ss_conf_fleet *f, char *why, size_t whylen);
int ss_conf_check_key_prefix(const char *value, char *why, size_t whylen);
int ss_conf_fleet_address(const struct ss_conf_fleet *f, char *out, size_t cap);

/*
 * Read the Redis password from path: the first line, without its line
 * end (any other byte is part of the password), 1..SS_CONF_PASSWORD_MAX
 * bytes, into out (NUL-terminated; cap > SS_CONF_PASSWORD_MAX). The file
 * must be a regular file with no permission for group or others, as the
 * tag secret's. Returns 0, -EACCES (mode: the message names `chmod 600`),
 * -EINVAL (empty, too long, a NUL byte), or -errno when it cannot be
 * opened or read. Messages never quote the file's text; no copy of the
 * password stays on the stack. Control thread only.
 */
int ss_conf_read_password(const char *path, char *out, size_t cap, char *err, size_t errlen);

/*
 * Write conf as INI text that ss_conf_load() reads back into the same
 * values (paths absolute or `none`, methods by name, `inside = none` when
 * one-armed). Returns the length written (without the NUL), or -ENOSPC
 * when out[0..cap) is too small (out then holds a NUL-terminated prefix).
 * SS_CONF_DUMP_MAX is always enough. Any thread; conf must not change
 * meanwhile.
 */
int ss_conf_dump(const struct ss_conf *conf, char *out, size_t cap);

/* Is port (UDP destination, host order) one of the SIP ports? */
static inline bool
ss_conf_is_sip_port(const struct ss_conf *conf, uint16_t port)
{
	for (unsigned int i = 0; i < conf->n_sip_ports; i++)
		if (conf->sip_ports[i] == port)
			return true;
	return false;
}
