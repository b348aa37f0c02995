/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * sipshield-cli's DPDK telemetry client: no EAL, a SOCK_SEQPACKET socket
 * and jansson, as DPDK's usertools/dpdk-telemetry.py does it. Every
 * function that fails prints one line on stderr saying why, so that the
 * subcommands only have to return CLI_EXIT_FAIL.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#include <jansson.h>

#include "cli.h"

/*
 * The longest request DPDK 22.11 reads: its client thread reads into a
 * 1024-byte buffer and keeps a byte for the terminating NUL.
 */
#define CLI_TEL_REQUEST_MAX 1023

struct cli_tel {
	int fd;
	long pid;			/* the server's, from its greeting */
	size_t max_len;			/* the largest reply it sends */
	char *buf;			/* max_len + 1 bytes for one reply */
	const char *who;		/* "sipshield-cli stats": starts messages */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/*
 * The socket of the instance named by o: DIR/dpdk/PREFIX/dpdk_telemetry.v2
 * with DIR chosen as EAL chooses it. Returns 0, or -ENAMETOOLONG when the
 * path does not fit a sockaddr_un.
 */
int cli_tel_path(const struct cli_opts *o, char *path, size_t size);

/*
 * Connect and read the greeting. Returns 0, or -1 after one line on
 * stderr ("sipshield is not running (...)" when there is no socket or
 * nobody listens on it).
 */
int cli_tel_open(struct cli_tel *t, const struct cli_opts *o, const char *who);

/*
 * Send cmd, or "cmd,params" when params is not NULL, and set *data to a
 * new reference to the reply's value. A null value (unknown command or
 * handler error) and an {"error": "text"} dict are failures. Returns 0,
 * or -1 after one line on stderr.
 */
int cli_tel_call(struct cli_tel *t, const char *cmd, const char *params, json_t **data);

/* Close the connection; t may be one whose open failed. */
void cli_tel_close(struct cli_tel *t);

/*
 * Open, call and close: for the subcommands that send one request.
 * Returns 0 or -1 as cli_tel_call() does.
 */
int cli_tel_query(const struct cli_opts *o, const char *who, const char *cmd, const char *params,
		json_t **data);

/*
 * Copy in to out with ',' as %2C and '%' as %25: telemetry hands the
 * server the parameters as one string that it splits on ','. Returns the
 * length written, or -ENOSPC when out (size bytes with the NUL) is short.
 */
int cli_tel_escape(const char *in, char *out, size_t size);

/*
 * The value of a counter: a JSON integer >= 0, or a real >= 0 (what a
 * value above INT64_MAX, which jansson cannot hold as an integer, is
 * read as). Returns false for anything else.
 */
bool cli_json_u64(const json_t *v, uint64_t *out);

/* A scalar as text: strings as they are, numbers in decimal. */
void cli_json_text(const json_t *v, char *out, size_t size);

/* Print data, pretty, to stdout (--json). Returns 0 or -1 (no memory). */
int cli_json_print(const json_t *data);
