/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * DPDK telemetry v2, client side. The server (lib/telemetry, a thread
 * per client) greets with {"version", "pid", "max_output_len"}, then
 * answers each request "/cmd[,params]" with one datagram {"/cmd": data},
 * data being null when the command is unknown or its handler failed.
 * SOCK_SEQPACKET keeps requests and replies whole: one send, one recv.
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "telemetry.h"

#define SOCKET_NAME	"dpdk_telemetry.v2"
#define GREETING_MAX	1024	/* the server's greeting buffer */
#define REPLY_MIN	16384	/* DPDK 22.11's MAX_OUTPUT_LEN */
#define REPLY_CAP	(16 << 20)	/* sanity bound on what a greeting asks */
#define TIMEOUT_S	10	/* a reload of a large moved table takes ~1 s */
#define HINT_MAX	256

/* The runtime directory, in the order EAL's eal_create_runtime_dir() uses. */
static const char *
runtime_dir(const struct cli_opts *o)
{
	const char *d;

	if (o->runtime_dir != NULL)
		return o->runtime_dir;
	/* systemd's RuntimeDirectory= comes first, for root too */
	d = getenv("RUNTIME_DIRECTORY");
	if (d != NULL)
		return d;
	if (getuid() == 0)
		return "/var/run";
	d = getenv("XDG_RUNTIME_DIR");
	return d != NULL ? d : "/tmp";
}

int
cli_tel_path(const struct cli_opts *o, char *path, size_t size)
{
	int n = snprintf(path, size, "%s/dpdk/%s/" SOCKET_NAME, runtime_dir(o), o->file_prefix);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/*
 * "; check --file-prefix" plus the prefixes that do have a socket in the
 * same runtime directory, so that a mistyped prefix is one step to fix.
 */
static void
prefix_hint(const struct cli_opts *o, char *hint, size_t size)
{
	char dir[HINT_MAX], sock[2 * HINT_MAX];
	struct dirent *e;
	struct stat st;
	size_t used;
	int found = 0;
	DIR *d;

	used = (size_t)snprintf(hint, size, "; check --file-prefix");
	snprintf(dir, sizeof(dir), "%s/dpdk", runtime_dir(o));
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && used < size) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(sock, sizeof(sock), "%s/%s/" SOCKET_NAME, dir, e->d_name) >=
				(int)sizeof(sock))
			continue;
		if (stat(sock, &st) < 0 || !S_ISSOCK(st.st_mode))
			continue;
		used += (size_t)snprintf(hint + used, size - used, "%s%s",
				found++ == 0 ? ": there are sockets for " : ", ", e->d_name);
	}
	closedir(d);
}

static void
connect_failed(const struct cli_opts *o, const char *path, int err)
{
	char hint[HINT_MAX];

	if (err == ENOENT || err == ENOTDIR) {
		prefix_hint(o, hint, sizeof(hint));
		fprintf(stderr, "sipshield-cli: sipshield is not running (no telemetry socket at %s%s)\n",
				path, hint);
	} else if (err == ECONNREFUSED) {
		fprintf(stderr, "sipshield-cli: sipshield is not running (nothing listens on %s: a stale socket)\n",
				path);
	} else if (err == EACCES || err == EPERM) {
		fprintf(stderr, "sipshield-cli: cannot connect to %s: %s (run as the user sipshield runs as)\n",
				path, strerror(err));
	} else {
		fprintf(stderr, "sipshield-cli: cannot connect to %s: %s\n", path, strerror(err));
	}
}

static int
connect_socket(struct cli_tel *t, const struct cli_opts *o)
{
	struct timeval tv = {.tv_sec = TIMEOUT_S};
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	if (cli_tel_path(o, t->path, sizeof(t->path)) < 0) {
		fprintf(stderr, "sipshield-cli: the telemetry socket's path is longer than %zu bytes: use a shorter --runtime-dir\n",
				sizeof(t->path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, t->path, sizeof(sun.sun_path));
	t->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (t->fd < 0) {
		fprintf(stderr, "sipshield-cli: socket: %s\n", strerror(errno));
		return -1;
	}
	/* a stuck server must not hang a script or a cron job */
	setsockopt(t->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(t->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(t->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		connect_failed(o, t->path, errno);
		return -1;
	}
	return 0;
}

/*
 * One datagram into buf (size bytes, plus one for the NUL). Returns its
 * length, or -1 after a message.
 */
static ssize_t
receive(struct cli_tel *t, char *buf, size_t size)
{
	/* MSG_TRUNC: the datagram's real length, to tell a cut reply */
	ssize_t n = recv(t->fd, buf, size, MSG_TRUNC);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		fprintf(stderr, "%s: no reply from sipshield within %d s (%s)\n", t->who, TIMEOUT_S,
				t->path);
		return -1;
	}
	if (n < 0) {
		fprintf(stderr, "%s: reading %s: %s\n", t->who, t->path, strerror(errno));
		return -1;
	}
	if (n == 0) {
		fprintf(stderr, "%s: sipshield closed the telemetry connection (%s): it stopped, or serves too many clients (DPDK allows 10)\n",
				t->who, t->path);
		return -1;
	}
	if ((size_t)n > size) {
		fprintf(stderr, "%s: a reply of %zd bytes, more than the %zu announced\n", t->who, n,
				size);
		return -1;
	}
	buf[n] = '\0';
	return n;
}

/* JSON text to a tree; integers past INT64_MAX are taken as reals. */
static json_t *
parse(const char *text, size_t len, json_error_t *err)
{
	json_t *root = json_loadb(text, len, 0, err);

	/* a driver's ethdev counter can wrap to near 2^64: keep the reply */
	if (root == NULL && strstr(err->text, "too big") != NULL)
		root = json_loadb(text, len, JSON_DECODE_INT_AS_REAL, err);
	return root;
}

static int
read_greeting(struct cli_tel *t)
{
	char buf[GREETING_MAX + 1];
	json_t *g, *max, *pid;
	json_error_t err;
	ssize_t n;

	n = receive(t, buf, GREETING_MAX);
	if (n < 0)
		return -1;
	g = parse(buf, (size_t)n, &err);
	max = json_object_get(g, "max_output_len");
	pid = json_object_get(g, "pid");
	if (!json_is_integer(max) || json_integer_value(max) <= 0) {
		fprintf(stderr, "%s: %s does not greet as DPDK telemetry v2 does\n", t->who, t->path);
		json_decref(g);
		return -1;
	}
	t->max_len = (size_t)json_integer_value(max);
	if (t->max_len < REPLY_MIN)
		t->max_len = REPLY_MIN;
	if (t->max_len > REPLY_CAP)
		t->max_len = REPLY_CAP;
	t->pid = json_is_integer(pid) ? (long)json_integer_value(pid) : -1;
	json_decref(g);
	t->buf = malloc(t->max_len + 1);
	if (t->buf == NULL) {
		fprintf(stderr, "%s: out of memory\n", t->who);
		return -1;
	}
	return 0;
}

int
cli_tel_open(struct cli_tel *t, const struct cli_opts *o, const char *who)
{
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	t->who = who;
	if (connect_socket(t, o) < 0 || read_greeting(t) < 0) {
		cli_tel_close(t);
		return -1;
	}
	return 0;
}

void
cli_tel_close(struct cli_tel *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	free(t->buf);
	t->buf = NULL;
}

/*
 * A null reply from a process that is not sipshield most likely means
 * the wrong --file-prefix: say so, naming what answered.
 */
static void
not_sipshield_hint(const struct cli_tel *t, char *hint, size_t size)
{
	char path[64], comm[32] = "";
	FILE *f;

	hint[0] = '\0';
	if (t->pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%ld/comm", t->pid);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	if (fgets(comm, sizeof(comm), f) != NULL)
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
	if (comm[0] != '\0' && strcmp(comm, "sipshield") != 0)
		snprintf(hint, size, "; pid %ld is \"%s\", not sipshield: check --file-prefix", t->pid,
				comm);
}

/* The failures a reply's value can carry: null and {"error": "..."}. */
static int
check_value(const struct cli_tel *t, const char *req, const json_t *v)
{
	const json_t *e = json_object_get(v, "error");
	char hint[128];

	if (json_is_null(v)) {
		not_sipshield_hint(t, hint, sizeof(hint));
		fprintf(stderr, "%s: %s failed: unknown command or bad parameters (telemetry answered null)%s\n",
				t->who, req, hint);
		return -1;
	}
	if (json_is_string(e)) {
		fprintf(stderr, "%s: %s\n", t->who, json_string_value(e));
		return -1;
	}
	return 0;
}

static int
send_request(const struct cli_tel *t, const char *cmd, const char *params, char *req,
		size_t size)
{
	int n;

	if (params != NULL && params[0] != '\0')
		n = snprintf(req, size, "%s,%s", cmd, params);
	else
		n = snprintf(req, size, "%s", cmd);
	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "%s: the request is too long: DPDK telemetry reads at most %d bytes\n",
				t->who, CLI_TEL_REQUEST_MAX);
		return -1;
	}
	/* MSG_NOSIGNAL: a server gone away is an error to report, not SIGPIPE */
	if (send(t->fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
		fprintf(stderr, "%s: sending to %s: %s\n", t->who, t->path, strerror(errno));
		return -1;
	}
	return 0;
}

int
cli_tel_call(struct cli_tel *t, const char *cmd, const char *params, json_t **data)
{
	char req[CLI_TEL_REQUEST_MAX + 1];
	json_error_t err;
	json_t *root, *v;
	ssize_t n;

	*data = NULL;
	if (send_request(t, cmd, params, req, sizeof(req)) < 0)
		return -1;
	n = receive(t, t->buf, t->max_len);
	if (n < 0)
		return -1;
	root = parse(t->buf, (size_t)n, &err);
	if (root == NULL) {
		fprintf(stderr, "%s: %s: a reply that is not JSON: %s\n", t->who, cmd, err.text);
		return -1;
	}
	/* the server keys the reply by the command, without its parameters */
	v = json_object_get(root, cmd);
	if (v == NULL || json_object_size(root) != 1) {
		fprintf(stderr, "%s: %s: a reply not keyed by the command\n", t->who, cmd);
		json_decref(root);
		return -1;
	}
	if (check_value(t, req, v) < 0) {
		json_decref(root);
		return -1;
	}
	*data = json_incref(v);
	json_decref(root);
	return 0;
}

int
cli_tel_query(const struct cli_opts *o, const char *who, const char *cmd, const char *params,
		json_t **data)
{
	struct cli_tel t;
	int rc;

	*data = NULL;
	if (cli_tel_open(&t, o, who) < 0)
		return -1;
	rc = cli_tel_call(&t, cmd, params, data);
	cli_tel_close(&t);
	return rc;
}

int
cli_tel_escape(const char *in, char *out, size_t size)
{
	size_t k = 0;

	for (; *in != '\0'; in++) {
		const char *esc = *in == ',' ? "%2C" : *in == '%' ? "%25" : NULL;
		size_t len = esc != NULL ? 3 : 1;

		if (k + len >= size)
			return -ENOSPC;
		if (esc != NULL)
			memcpy(out + k, esc, 3);
		else
			out[k] = *in;
		k += len;
	}
	if (size == 0)
		return -ENOSPC;
	out[k] = '\0';
	return (int)k;
}

bool
cli_json_u64(const json_t *v, uint64_t *out)
{
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return true;
	}
	/* 2^64 is the first double out of range */
	if (json_is_real(v) && json_real_value(v) >= 0 &&
			json_real_value(v) < 18446744073709551616.0) {
		*out = (uint64_t)json_real_value(v);
		return true;
	}
	return false;
}

void
cli_json_text(const json_t *v, char *out, size_t size)
{
	uint64_t u;
	char *dump;

	if (json_is_string(v)) {
		snprintf(out, size, "%s", json_string_value(v));
	} else if (cli_json_u64(v, &u)) {
		snprintf(out, size, "%" PRIu64, u);
	} else if (json_is_integer(v)) {
		snprintf(out, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else {
		dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		snprintf(out, size, "%s", dump != NULL ? dump : "?");
		free(dump);
	}
}

int
cli_json_print(const json_t *data)
{
	char *text = json_dumps(data, JSON_INDENT(2) | JSON_ENCODE_ANY);

	if (text == NULL) {
		fprintf(stderr, "sipshield-cli: out of memory\n");
		return -1;
	}
	puts(text);
	free(text);
	return 0;
}
