/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The INI reader: inih dispatches each key to one conf_set_<key>(), which
 * checks its value and says what it expected; cross-checks run after the
 * whole file (Suricata's ConfigSet<Key>() then DeviceValidate*, STYLE §2).
 *
 * What Debian 12's libinih (55-1) does by default, and why the reader below
 * does the line syntax itself instead of handing inih the raw line:
 * - INI_ALLOW_INLINE_COMMENTS is on with ";" as prefix: a ';' that follows
 *   a space or tab ends the value ("x ;y" reads "x"). A ';' right after
 *   another character is kept ("sip:a;b" stays whole); '#' is never an
 *   inline comment. sipshield takes comments only at the start of a line,
 *   so that a value keeps every character it was given.
 * - INI_ALLOW_MULTILINE is on: an indented line after a key is passed to
 *   the handler as more value for that key, even "  key = value".
 * - INI_MAX_LINE is 200: a longer line is parsed as two lines, the second
 *   one an error, and line numbers after it are off by one.
 * - INI_STOP_ON_FIRST_ERROR is off: parsing goes on after the handler
 *   returns 0, and inih's own syntax errors carry a line number but no text.
 * Debian's build exports these as process-wide variables
 * (ini_allow_inline_comments, ...), which upstream inih does not have. We
 * leave them alone and hand inih a canonical line instead: "[section]",
 * "key=" or an empty line, after checking the real one here. The handler
 * takes the value from the real line, and the reader returns NULL (end of
 * file) after the first error, which is what stops inih.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <ini.h>

#include "ss_sip.h"
#include "ss_conf.h"

_Static_assert(SS_SIP_M_COUNT <= 32, "redirect_methods is a 32-bit mask of methods");
_Static_assert(SS_CONF_SECRET_LEN == SS_SIP_SECRET_LEN, "the tag secret keys ss_sip_make_tag()");
_Static_assert(SS_CONF_SECRET_LEN == 16, "SECRET_FORM says 128 bits");

#define CONF_LINE_MAX	1024	/* characters in a line, its line end included */
#define CONF_NAME_MAX	64	/* characters in a key name */
#define SECRET_FORM	"32 hex digits (128 bits)"

struct conf_ctx;

/* One key: where it lives, and the function that checks and stores it. */
struct conf_key {
	const char *section;
	const char *name;
	int (*set)(struct conf_ctx *ctx, const char *value);
};

enum conf_key_id {
	K_OUTSIDE,
	K_INSIDE,
	K_MIN_EXPIRES,
	K_MIN_EXPIRES_SUBSCRIBE,
	K_REDIRECT_METHODS,
	K_SIP_PORTS,
	K_MOVED_TABLE,
	K_TAG_SECRET,
	K_DROP_SCANNERS,
	K_SCANNER_AGENTS,
	K_MODE,
	K_ANSWER_423,
	K_ANSWER_302,
	K_DROP_NOT_SIP,
	K_REQUEST_LIMIT,
	K_REPLY_LIMIT,
	K_REQUESTS_PER_SOURCE,
	K_REPLIES_PER_SOURCE,
	K_REPLIES_NODE,
	K_SOURCES_TABLE,
	K_SOURCES_ALLOW,
	K_SOURCES_DENY,
	K_IDLE_SLEEP_US,
	K_RX_DESC,
	K_TX_DESC,
	K_FLEET_REDIS,
	K_FLEET_KEY_PREFIX,
	K_FLEET_PASSWORD_FILE,
	K_FLEET_STREAM_MAXLEN,
	K_COUNT
};

/* State of one ss_conf_load(): the reader and the handler share it. */
struct conf_ctx {
	struct ss_conf *conf;		/* being filled (a copy: the caller's is kept on error) */
	const char *path;		/* as given, for messages */
	FILE *f;
	char *err;
	size_t errlen;
	int rc;				/* the first error; 0 while there is none */
	unsigned int lineno;		/* line last read */
	const struct conf_key *key;	/* key being set, for messages */
	const char *value;		/* its value, in line[] */
	unsigned int seen[K_COUNT];	/* line that set each key; 0: not set */
	unsigned int fleet_line;	/* first [fleet] line; 0: no such section */
	char line[CONF_LINE_MAX + 1];
};

static const char *const sections[] = {"ports", "filter", "limits", "sources", "dataplane",
	"fleet"};

/* Record the first error; later ones are consequences of it. */
static int __attribute__((format(printf, 3, 4)))
conf_fail(struct conf_ctx *ctx, int rc, const char *fmt, ...)
{
	va_list ap;

	if (ctx->rc != 0)
		return ctx->rc;
	ctx->rc = rc;
	if (ctx->err != NULL && ctx->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(ctx->err, ctx->errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* An error about the value of the key being set: `file:line: [s] k = "v": what`. */
static int __attribute__((format(printf, 3, 4)))
conf_bad_value(struct conf_ctx *ctx, int rc, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return conf_fail(ctx, rc, "%s:%u: [%s] %s = \"%s\": %s", ctx->path, ctx->lineno,
			ctx->key->section, ctx->key->name, ctx->value, what);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static char *
skip_blanks(char *s)
{
	while (is_blank(*s))
		s++;
	return s;
}

/*
 * s[0..len) as a decimal integer in min..max. Digits only: strtoul alone
 * would also take leading blanks, a sign (and wrap "-1" to ULONG_MAX) and
 * stop quietly at the first non-digit. Returns 0, -EINVAL when it is not a
 * number, -ERANGE when it is one outside min..max.
 */
static int
parse_uint(const char *s, size_t len, unsigned long min, unsigned long max, unsigned long *out)
{
	char buf[24];
	char *end;
	unsigned long v;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
	if (len >= sizeof(buf))
		return -ERANGE;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* The whole value as an integer in min..max, with the standard message. */
static int
conf_uint(struct conf_ctx *ctx, const char *v, unsigned long min, unsigned long max,
		unsigned long *out)
{
	int rc = parse_uint(v, strlen(v), min, max, out);

	if (rc != 0)
		return conf_bad_value(ctx, rc, "expected an integer %lu..%lu", min, max);
	return 0;
}

static int
conf_port_id(struct conf_ctx *ctx, const char *v, bool none_ok, uint16_t *out)
{
	unsigned long id;
	int rc;

	if (none_ok && strcasecmp(v, "none") == 0) {
		*out = SS_CONF_PORT_NONE;
		return 0;
	}
	rc = parse_uint(v, strlen(v), 0, SS_CONF_PORT_ID_MAX, &id);
	if (rc != 0)
		return conf_bad_value(ctx, rc, "expected an integer 0..%u%s", SS_CONF_PORT_ID_MAX,
				none_ok ? " or none" : "");
	*out = (uint16_t)id;
	return 0;
}

static int
conf_set_outside(struct conf_ctx *ctx, const char *v)
{
	return conf_port_id(ctx, v, false, &ctx->conf->port_outside);
}

/* none: one-armed, passed packets leave by the port they came in on (DESIGN §1). */
static int
conf_set_inside(struct conf_ctx *ctx, const char *v)
{
	return conf_port_id(ctx, v, true, &ctx->conf->port_inside);
}

/*
 * RFC 3261 §10.3 allows 423 only for an expiration above 0 and below one
 * hour, so a minimum above 3600 could never be enforced (DESIGN §2).
 */
static int
conf_set_min_expires(struct conf_ctx *ctx, const char *v)
{
	unsigned long n;
	int rc = conf_uint(ctx, v, 1, 3600, &n);

	if (rc == 0)
		ctx->conf->min_expires = (uint32_t)n;
	return rc;
}

/* RFC 6665 §4.2.1.1: a SUBSCRIBE's 423; same one-hour bound. */
static int
conf_set_min_expires_subscribe(struct conf_ctx *ctx, const char *v)
{
	unsigned long n;
	int rc = conf_uint(ctx, v, 1, 3600, &n);

	if (rc == 0)
		ctx->conf->min_expires_subscribe = (uint32_t)n;
	return rc;
}

/*
 * Method names, separated by commas and/or blanks, any case; or none.
 * ACK is never answered (RFC 3261 §17.1.1.3: no response to an ACK), a
 * CANCEL's answer belongs to the transaction it cancels (§9.2), and a 302
 * to a REGISTER would send the binding away from the registrar sipshield
 * guards; DESIGN §2 makes all three a configuration error.
 */
static int
conf_set_redirect_methods(struct conf_ctx *ctx, const char *v)
{
	uint32_t mask = 0;
	enum ss_sip_method m;
	char name[16];
	size_t len;

	if (strcasecmp(v, "none") == 0) {
		ctx->conf->redirect_methods = 0;
		return 0;
	}
	for (const char *p = v; *p != '\0'; p += len) {
		p += strspn(p, ", \t");
		len = strcspn(p, ", \t");
		if (len == 0)
			break;
		if (len >= sizeof(name))
			return conf_bad_value(ctx, -EINVAL, "unknown method \"%.*s\"", (int)len, p);
		for (size_t i = 0; i < len; i++)
			name[i] = (char)toupper((unsigned char)p[i]);
		m = ss_sip_method_from_name(name, len);
		if (m == SS_SIP_M_OTHER)
			return conf_bad_value(ctx, -EINVAL, "unknown method \"%.*s\"", (int)len, p);
		if (m == SS_SIP_M_REGISTER || m == SS_SIP_M_ACK || m == SS_SIP_M_CANCEL)
			return conf_bad_value(ctx, -EINVAL,
					"%s cannot be redirected "
					"(REGISTER, ACK and CANCEL never get a 302)",
					ss_sip_method_name(m));
		if (mask & (1u << m))
			return conf_bad_value(ctx, -EINVAL, "%s listed twice",
					ss_sip_method_name(m));
		mask |= 1u << m;
	}
	if (mask == 0)
		return conf_bad_value(ctx, -EINVAL,
				"expected method names (such as INVITE, MESSAGE) or none");
	ctx->conf->redirect_methods = mask;
	return 0;
}

/* UDP destination ports that carry SIP (DESIGN §2), comma-separated. */
static int
conf_set_sip_ports(struct conf_ctx *ctx, const char *v)
{
	struct ss_conf *c = ctx->conf;
	const char *p = v;
	unsigned long port;
	size_t len;
	int rc;

	c->n_sip_ports = 0;
	for (;;) {
		/* Each item between commas, with the blanks around it dropped. */
		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, ",");
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		rc = parse_uint(p, len, 1, 65535, &port);
		if (rc != 0)
			return conf_bad_value(ctx, rc,
					"expected a comma-separated list of integers 1..65535");
		if (c->n_sip_ports == SS_CONF_MAX_SIP_PORTS)
			return conf_bad_value(ctx, -ERANGE, "more than %d ports",
					SS_CONF_MAX_SIP_PORTS);
		for (unsigned int i = 0; i < c->n_sip_ports; i++)
			if (c->sip_ports[i] == port)
				return conf_bad_value(ctx, -EINVAL, "%lu listed twice", port);
		c->sip_ports[c->n_sip_ports++] = (uint16_t)port;
		p += strcspn(p, ",");
		if (*p == '\0')
			break;
		p++;
	}
	return 0;
}

/*
 * The absolute directory of the config file, so that a relative path in it
 * still names the same file after the process changes directory, and a
 * dump reads back the same from anywhere. realpath() on the directory only:
 * it exists (we opened the file in it), and a config file that is itself a
 * symbolic link keeps its own directory.
 */
static int
conf_dir(struct conf_ctx *ctx, char dir[PATH_MAX])
{
	char part[SS_CONF_PATH_MAX];
	const char *slash = strrchr(ctx->path, '/');
	size_t len;

	if (slash == NULL) {
		part[0] = '.';
		part[1] = '\0';
	} else {
		/* "/x.conf" lives in "/" */
		len = slash == ctx->path ? 1 : (size_t)(slash - ctx->path);
		memcpy(part, ctx->path, len);
		part[len] = '\0';
	}
	if (realpath(part, dir) == NULL)
		return conf_bad_value(ctx, -errno, "cannot resolve the directory \"%s\": %s", part,
				strerror(errno));
	return 0;
}

/* A file name: absolute, relative to the config file's directory, or none. */
static int
conf_path(struct conf_ctx *ctx, const char *v, char out[SS_CONF_PATH_MAX])
{
	char dir[PATH_MAX];
	int n, rc;

	if (v[0] == '\0')
		return conf_bad_value(ctx, -EINVAL, "expected a file name or none");
	if (strcasecmp(v, "none") == 0) {
		out[0] = '\0';
		return 0;
	}
	if (v[0] == '/') {
		n = snprintf(out, SS_CONF_PATH_MAX, "%s", v);
	} else {
		rc = conf_dir(ctx, dir);
		if (rc != 0)
			return rc;
		n = snprintf(out, SS_CONF_PATH_MAX, "%s%s%s", dir,
				dir[strlen(dir) - 1] == '/' ? "" : "/", v);
	}
	if (n < 0 || n >= SS_CONF_PATH_MAX)
		return conf_bad_value(ctx, -ERANGE, "path longer than %d bytes",
				SS_CONF_PATH_MAX - 1);
	return 0;
}

static int
conf_set_moved_table(struct conf_ctx *ctx, const char *v)
{
	return conf_path(ctx, v, ctx->conf->moved_table);
}

/* Shared by every node of a fleet; none: random at start-up (DESIGN §2). */
static int
conf_set_tag_secret(struct conf_ctx *ctx, const char *v)
{
	return conf_path(ctx, v, ctx->conf->tag_secret);
}

/* A rule's switch: on or off, any case. */
static int
conf_on_off(struct conf_ctx *ctx, const char *v, bool *out)
{
	if (strcasecmp(v, "on") == 0)
		*out = true;
	else if (strcasecmp(v, "off") == 0)
		*out = false;
	else
		return conf_bad_value(ctx, -EINVAL, "expected on or off");
	return 0;
}

/* DESIGN §2: a request from a scanner is dropped; off lets them through. */
static int
conf_set_drop_scanners(struct conf_ctx *ctx, const char *v)
{
	return conf_on_off(ctx, v, &ctx->conf->drop_scanners);
}

/*
 * Safe rollout: monitor passes every packet and only counts what enforce
 * would have done (would_* counters), so an operator can watch real
 * traffic before trusting the filter with it.
 */
static int
conf_set_mode(struct conf_ctx *ctx, const char *v)
{
	if (strcasecmp(v, "enforce") == 0)
		ctx->conf->monitor = false;
	else if (strcasecmp(v, "monitor") == 0)
		ctx->conf->monitor = true;
	else
		return conf_bad_value(ctx, -EINVAL, "expected enforce or monitor");
	return 0;
}

/* Prefixes that bypass every rule: trunk peers, the operator's monitoring. */
static int
conf_set_sources_allow(struct conf_ctx *ctx, const char *v)
{
	return conf_path(ctx, v, ctx->conf->sources_allow);
}

/* Prefixes dropped outright: known attackers. */
static int
conf_set_sources_deny(struct conf_ctx *ctx, const char *v)
{
	return conf_path(ctx, v, ctx->conf->sources_deny);
}

/* Per-rule switches, so that rules can be enabled one at a time. */
static int
conf_set_answer_423(struct conf_ctx *ctx, const char *v)
{
	return conf_on_off(ctx, v, &ctx->conf->answer_423);
}

static int
conf_set_answer_302(struct conf_ctx *ctx, const char *v)
{
	return conf_on_off(ctx, v, &ctx->conf->answer_302);
}

static int
conf_set_drop_not_sip(struct conf_ctx *ctx, const char *v)
{
	return conf_on_off(ctx, v, &ctx->conf->drop_not_sip);
}

static int
conf_set_request_limit(struct conf_ctx *ctx, const char *v)
{
	return conf_on_off(ctx, v, &ctx->conf->request_limit);
}

static int
conf_set_reply_limit(struct conf_ctx *ctx, const char *v)
{
	return conf_on_off(ctx, v, &ctx->conf->reply_limit);
}

/* User-Agent patterns, one per line; none: the built-in list (lib/filter). */
static int
conf_set_scanner_agents(struct conf_ctx *ctx, const char *v)
{
	return conf_path(ctx, v, ctx->conf->scanner_agents);
}

/*
 * RATE[/BURST]: RATE per second 1..SS_CONF_RATE_MAX, BURST 1..
 * SS_CONF_BURST_MAX (default twice RATE, as DESIGN §2's 1000/2000 for
 * replies), or `off` where off_ok (no limit: rate 0).
 */
static int
conf_limit(struct conf_ctx *ctx, const char *v, bool off_ok, struct ss_conf_limit *out)
{
	const char *slash = strchr(v, '/');
	unsigned long rate, burst;
	size_t rlen = slash != NULL ? (size_t)(slash - v) : strlen(v);
	int rc;

	if (off_ok && strcasecmp(v, "off") == 0) {
		out->rate = out->burst = 0;
		return 0;
	}
	rc = parse_uint(v, rlen, 1, SS_CONF_RATE_MAX, &rate);
	if (rc == 0) {
		burst = 2 * rate;
		if (slash != NULL)
			rc = parse_uint(slash + 1, strlen(slash + 1), 1, SS_CONF_BURST_MAX, &burst);
	}
	if (rc != 0)
		return conf_bad_value(ctx, rc,
				"expected RATE[/BURST]%s: RATE per second 1..%d, BURST 1..%d "
				"(default twice RATE)",
				off_ok ? " or off" : "", SS_CONF_RATE_MAX, SS_CONF_BURST_MAX);
	out->rate = (uint32_t)rate;
	out->burst = (uint32_t)burst;
	return 0;
}

/* Off by default: an inline device must not cut traffic by surprise (DESIGN §2). */
static int
conf_set_requests_per_source(struct conf_ctx *ctx, const char *v)
{
	return conf_limit(ctx, v, true, &ctx->conf->requests_per_source);
}

/* DESIGN §2: replies to one source are always limited, so no `off`. */
static int
conf_set_replies_per_source(struct conf_ctx *ctx, const char *v)
{
	return conf_limit(ctx, v, false, &ctx->conf->replies_per_source);
}

static int
conf_set_replies_node(struct conf_ctx *ctx, const char *v)
{
	return conf_limit(ctx, v, false, &ctx->conf->replies_node);
}

/* Sources tracked per worker: a power of two, as the table's sets are. */
static int
conf_set_sources_table(struct conf_ctx *ctx, const char *v)
{
	unsigned long n;
	int rc = parse_uint(v, strlen(v), SS_CONF_SOURCES_MIN, SS_CONF_SOURCES_MAX, &n);

	if (rc == 0 && (n & (n - 1)) != 0)
		rc = -ERANGE;
	if (rc != 0)
		return conf_bad_value(ctx, rc, "expected a power of two %d..%d",
				SS_CONF_SOURCES_MIN, SS_CONF_SOURCES_MAX);
	ctx->conf->sources_table = (uint32_t)n;
	return 0;
}

/* Sleep of an idle worker; 0 polls flat out, above 100 ms would delay replies. */
static int
conf_set_idle_sleep_us(struct conf_ctx *ctx, const char *v)
{
	unsigned long n;
	int rc = conf_uint(ctx, v, 0, 100000, &n);

	if (rc == 0)
		ctx->conf->idle_sleep_us = (uint32_t)n;
	return rc;
}

/* Ring sizes: most PMDs want a power of two in this range. */
static int
conf_desc(struct conf_ctx *ctx, const char *v, uint16_t *out)
{
	unsigned long n;
	int rc = parse_uint(v, strlen(v), 64, 16384, &n);

	if (rc == 0 && (n & (n - 1)) != 0)
		rc = -ERANGE;
	if (rc != 0)
		return conf_bad_value(ctx, rc, "expected a power of two 64..16384");
	*out = (uint16_t)n;
	return 0;
}

static int
conf_set_rx_desc(struct conf_ctx *ctx, const char *v)
{
	return conf_desc(ctx, v, &ctx->conf->rx_desc);
}

static int
conf_set_tx_desc(struct conf_ctx *ctx, const char *v)
{
	return conf_desc(ctx, v, &ctx->conf->tx_desc);
}

/* --- [fleet] (DESIGN §3a) --------------------------------------------- */

/* What a sockaddr_un holds: hiredis copies the path into sun_path. */
#define UNIX_PATH_LEN_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

#define REDIS_FORM "expected HOST:PORT, [IPV6]:PORT (PORT 1..65535) or unix:PATH"

static int __attribute__((format(printf, 4, 5)))
why_fail(int rc, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* A host name or IPv4 address; IPv6 comes in brackets, checked apart. */
static bool
host_ok(const char *h, size_t len, bool v6)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)h[i];

		if (v6 ? !(isxdigit(c) || c == ':' || c == '.') :
				!(isalnum(c) || c == '.' || c == '-' || c == '_'))
			return false;
	}
	return !v6 || memchr(h, ':', len) != NULL;
}

int
ss_conf_parse_redis(const char *v, struct ss_conf_fleet *f, char *why, size_t whylen)
{
	const char *host = v, *port_text, *end;
	unsigned long port;
	size_t host_len;
	bool v6 = false;
	int rc;

	if (strncmp(v, "unix:", 5) == 0) {
		if (v[5] == '\0')
			return why_fail(-EINVAL, why, whylen, "expected a socket path after unix:");
		if (strlen(v + 5) > UNIX_PATH_LEN_MAX)
			return why_fail(-ERANGE, why, whylen,
					"socket path longer than %zu bytes (a unix socket address)",
					UNIX_PATH_LEN_MAX);
		snprintf(f->redis_unix, sizeof(f->redis_unix), "%s", v + 5);
		f->redis_host[0] = '\0';
		f->redis_port = 0;
		return 0;
	}
	if (v[0] == '[') {
		end = strchr(v, ']');
		if (end == NULL || end[1] != ':')
			return why_fail(-EINVAL, why, whylen, REDIS_FORM);
		host = v + 1;
		host_len = (size_t)(end - host);
		port_text = end + 2;
		v6 = true;
	} else {
		end = strrchr(v, ':');
		if (end == NULL)
			return why_fail(-EINVAL, why, whylen, REDIS_FORM);
		host_len = (size_t)(end - v);
		port_text = end + 1;
		if (memchr(v, ':', host_len) != NULL)
			return why_fail(-EINVAL, why, whylen,
					"an IPv6 address goes in brackets: [ADDRESS]:PORT");
	}
	if (!host_ok(host, host_len, v6))
		return why_fail(-EINVAL, why, whylen, REDIS_FORM);
	if (host_len >= SS_CONF_HOST_MAX)
		return why_fail(-ERANGE, why, whylen, "host longer than %d bytes",
				SS_CONF_HOST_MAX - 1);
	rc = parse_uint(port_text, strlen(port_text), 1, 65535, &port);
	if (rc != 0)
		return why_fail(rc, why, whylen, REDIS_FORM);
	memcpy(f->redis_host, host, host_len);
	f->redis_host[host_len] = '\0';
	f->redis_port = (uint16_t)port;
	f->redis_unix[0] = '\0';
	return 0;
}

int
ss_conf_check_key_prefix(const char *v, char *why, size_t whylen)
{
	size_t len = strlen(v);

	if (len == 0 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				"0123456789_.:{}-") != len)
		return why_fail(-EINVAL, why, whylen,
				"expected 1..%d characters of A-Z a-z 0-9 _ . : { } -",
				SS_CONF_PREFIX_MAX);
	if (len > SS_CONF_PREFIX_MAX)
		return why_fail(-ERANGE, why, whylen, "longer than %d characters",
				SS_CONF_PREFIX_MAX);
	return 0;
}

int
ss_conf_fleet_address(const struct ss_conf_fleet *f, char *out, size_t cap)
{
	if (f->redis_unix[0] != '\0')
		return snprintf(out, cap, "unix:%s", f->redis_unix);
	if (strchr(f->redis_host, ':') != NULL)
		return snprintf(out, cap, "[%s]:%u", f->redis_host, f->redis_port);
	return snprintf(out, cap, "%s:%u", f->redis_host, f->redis_port);
}

/* A relative socket path is the config directory's, as other paths are. */
static int
conf_set_fleet_redis(struct conf_ctx *ctx, const char *v)
{
	struct ss_conf_fleet *f = &ctx->conf->fleet;
	char why[160], rel[SS_CONF_PATH_MAX];
	int rc = ss_conf_parse_redis(v, f, why, sizeof(why));

	if (rc != 0)
		return conf_bad_value(ctx, rc, "%s", why);
	if (f->redis_unix[0] == '\0' || f->redis_unix[0] == '/')
		return 0;
	snprintf(rel, sizeof(rel), "%s", f->redis_unix);
	rc = strcasecmp(rel, "none") == 0 ? conf_bad_value(ctx, -EINVAL, REDIS_FORM) :
			conf_path(ctx, rel, f->redis_unix);
	if (rc == 0 && strlen(f->redis_unix) > UNIX_PATH_LEN_MAX)
		rc = conf_bad_value(ctx, -ERANGE,
				"socket path %s is longer than %zu bytes (a unix socket address)",
				f->redis_unix, UNIX_PATH_LEN_MAX);
	return rc;
}

static int
conf_set_fleet_key_prefix(struct conf_ctx *ctx, const char *v)
{
	char why[128];
	int rc = ss_conf_check_key_prefix(v, why, sizeof(why));

	if (rc != 0)
		return conf_bad_value(ctx, rc, "%s", why);
	snprintf(ctx->conf->fleet.key_prefix, sizeof(ctx->conf->fleet.key_prefix), "%s", v);
	return 0;
}

/* Never on a command line or in the config itself: a file only root reads. */
static int
conf_set_fleet_password_file(struct conf_ctx *ctx, const char *v)
{
	return conf_path(ctx, v, ctx->conf->fleet.password_file);
}

/*
 * Writers trim the log to about this many entries (XADD MAXLEN ~): a node
 * cut off for longer than that many changes loads the whole hash again.
 */
static int
conf_set_fleet_stream_maxlen(struct conf_ctx *ctx, const char *v)
{
	unsigned long n;
	int rc = conf_uint(ctx, v, SS_CONF_MAXLEN_MIN, SS_CONF_MAXLEN_MAX, &n);

	if (rc == 0)
		ctx->conf->fleet.stream_maxlen = (uint32_t)n;
	return rc;
}

static const struct conf_key keys[K_COUNT] = {
	[K_OUTSIDE] = {"ports", "outside", conf_set_outside},
	[K_INSIDE] = {"ports", "inside", conf_set_inside},
	[K_MIN_EXPIRES] = {"filter", "min_expires", conf_set_min_expires},
	[K_MIN_EXPIRES_SUBSCRIBE] = {"filter", "min_expires_subscribe",
			conf_set_min_expires_subscribe},
	[K_REDIRECT_METHODS] = {"filter", "redirect_methods", conf_set_redirect_methods},
	[K_SIP_PORTS] = {"filter", "sip_ports", conf_set_sip_ports},
	[K_MOVED_TABLE] = {"filter", "moved_table", conf_set_moved_table},
	[K_TAG_SECRET] = {"filter", "tag_secret", conf_set_tag_secret},
	[K_DROP_SCANNERS] = {"filter", "drop_scanners", conf_set_drop_scanners},
	[K_SCANNER_AGENTS] = {"filter", "scanner_agents", conf_set_scanner_agents},
	[K_MODE] = {"filter", "mode", conf_set_mode},
	[K_ANSWER_423] = {"filter", "answer_423", conf_set_answer_423},
	[K_ANSWER_302] = {"filter", "answer_302", conf_set_answer_302},
	[K_DROP_NOT_SIP] = {"filter", "drop_not_sip", conf_set_drop_not_sip},
	[K_REQUEST_LIMIT] = {"filter", "request_limit", conf_set_request_limit},
	[K_REPLY_LIMIT] = {"filter", "reply_limit", conf_set_reply_limit},
	[K_REQUESTS_PER_SOURCE] = {"limits", "requests_per_source",
			conf_set_requests_per_source},
	[K_REPLIES_PER_SOURCE] = {"limits", "replies_per_source", conf_set_replies_per_source},
	[K_REPLIES_NODE] = {"limits", "replies_node", conf_set_replies_node},
	[K_SOURCES_TABLE] = {"limits", "sources_table", conf_set_sources_table},
	[K_SOURCES_ALLOW] = {"sources", "allow", conf_set_sources_allow},
	[K_SOURCES_DENY] = {"sources", "deny", conf_set_sources_deny},
	[K_IDLE_SLEEP_US] = {"dataplane", "idle_sleep_us", conf_set_idle_sleep_us},
	[K_RX_DESC] = {"dataplane", "rx_desc", conf_set_rx_desc},
	[K_TX_DESC] = {"dataplane", "tx_desc", conf_set_tx_desc},
	[K_FLEET_REDIS] = {"fleet", "redis", conf_set_fleet_redis},
	[K_FLEET_KEY_PREFIX] = {"fleet", "key_prefix", conf_set_fleet_key_prefix},
	[K_FLEET_PASSWORD_FILE] = {"fleet", "password_file", conf_set_fleet_password_file},
	[K_FLEET_STREAM_MAXLEN] = {"fleet", "stream_maxlen", conf_set_fleet_stream_maxlen},
};

/*
 * inih's handler, once per key line. `value` is always "": the reader hands
 * inih "key=" and keeps the real value in ctx (see the top of this file).
 */
static int
conf_handler(void *user, const char *section, const char *name, const char *value)
{
	struct conf_ctx *ctx = user;
	const struct conf_key *elsewhere = NULL;
	unsigned int i;

	(void)value;
	if (ctx->rc != 0)
		return 0;
	if (section[0] == '\0') {
		conf_fail(ctx, -EINVAL, "%s:%u: %s: key before any [section]", ctx->path,
				ctx->lineno, name);
		return 0;
	}
	for (i = 0; i < K_COUNT; i++) {
		if (strcmp(keys[i].name, name) != 0)
			continue;
		if (strcmp(keys[i].section, section) == 0)
			break;
		elsewhere = &keys[i];
	}
	if (i == K_COUNT) {
		if (elsewhere != NULL)
			conf_fail(ctx, -EINVAL, "%s:%u: [%s] %s: unknown key (it belongs in [%s])",
					ctx->path, ctx->lineno, section, name, elsewhere->section);
		else
			conf_fail(ctx, -EINVAL, "%s:%u: [%s] %s: unknown key", ctx->path,
					ctx->lineno, section, name);
		return 0;
	}
	if (ctx->seen[i] != 0) {
		conf_fail(ctx, -EINVAL, "%s:%u: [%s] %s: duplicate key (first set on line %u)",
				ctx->path, ctx->lineno, section, name, ctx->seen[i]);
		return 0;
	}
	ctx->seen[i] = ctx->lineno;
	ctx->key = &keys[i];
	return keys[i].set(ctx, ctx->value) == 0;
}

/* A section line: `[name]` alone, name one of ours; hands inih "[name]". */
static char *
read_section(struct conf_ctx *ctx, char *text, char *str, int num)
{
	char *end = strchr(text, ']');
	size_t len;

	if (end == NULL || end[1] != '\0') {
		conf_fail(ctx, -EINVAL, "%s:%u: \"%s\": expected [section] alone on its line",
				ctx->path, ctx->lineno, text);
		return NULL;
	}
	len = (size_t)(end - text - 1);
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (strlen(sections[i]) == len && memcmp(sections[i], text + 1, len) == 0) {
			/* a [fleet] with no key at all still asks for Redis */
			if (strcmp(sections[i], "fleet") == 0 && ctx->fleet_line == 0) {
				ctx->fleet_line = ctx->lineno;
				ctx->conf->fleet.enabled = true;
			}
			snprintf(str, (size_t)num, "[%s]\n", sections[i]);
			return str;
		}
	}
	conf_fail(ctx, -EINVAL,
			"%s:%u: [%.*s]: unknown section "
			"(expected [ports], [filter], [limits], [dataplane] or [fleet])",
			ctx->path, ctx->lineno, (int)len, text + 1);
	return NULL;
}

/* A key line: `name = value`; hands inih "name=" and keeps the value. */
static char *
read_key(struct conf_ctx *ctx, char *text, char *str, int num)
{
	char *eq = strchr(text, '=');
	size_t len;

	if (eq == NULL)
		goto bad;
	len = (size_t)(eq - text);
	while (len > 0 && is_blank(text[len - 1]))
		len--;
	if (len == 0 || len > CONF_NAME_MAX)
		goto bad;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)text[i]) && text[i] != '_' && text[i] != '-')
			goto bad;
	ctx->value = skip_blanks(eq + 1);
	snprintf(str, (size_t)num, "%.*s=\n", (int)len, text);
	return str;
bad:
	conf_fail(ctx, -EINVAL, "%s:%u: \"%s\": expected key = value", ctx->path, ctx->lineno,
			text);
	return NULL;
}

/*
 * inih's reader: one line of the file per call, counted, checked, and
 * handed on in canonical form. Returns NULL at end of file or after the
 * first error (ctx->rc), which ends inih's loop.
 */
static char *
conf_read_line(char *str, int num, void *stream)
{
	struct conf_ctx *ctx = stream;
	char *text = ctx->line;
	size_t len;

	if (ctx->rc != 0)
		return NULL;
	if (num < CONF_NAME_MAX + 3) {
		/* "name=\n" must fit in the buffer inih lends us */
		conf_fail(ctx, -ENOBUFS, "%s: inih line buffer of %d bytes is too small",
				ctx->path, num);
		return NULL;
	}
	errno = 0;
	if (fgets(ctx->line, sizeof(ctx->line), ctx->f) == NULL) {
		if (ferror(ctx->f)) {
			int e = errno != 0 ? errno : EIO;

			conf_fail(ctx, -e, "%s:%u: cannot read: %s", ctx->path, ctx->lineno + 1,
					strerror(e));
		}
		return NULL;
	}
	ctx->lineno++;
	len = strlen(text);
	if ((len == 0 || text[len - 1] != '\n') && !feof(ctx->f)) {
		/* fgets() stopped early: a full buffer, or a NUL that strlen() stopped at */
		if (len == sizeof(ctx->line) - 1)
			conf_fail(ctx, -EINVAL, "%s:%u: line longer than %d characters", ctx->path,
					ctx->lineno, CONF_LINE_MAX - 1);
		else
			conf_fail(ctx, -EINVAL, "%s:%u: NUL byte in line", ctx->path, ctx->lineno);
		return NULL;
	}
	/* A UTF-8 byte order mark, as some editors write (inih skips it too) */
	if (ctx->lineno == 1 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	while (len > 0 && is_blank(ctx->line[len - 1]))
		ctx->line[--len] = '\0';
	text = skip_blanks(text);

	if (text[0] == '\0' || text[0] == '#' || text[0] == ';') {
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	if (text[0] == '[')
		return read_section(ctx, text, str, num);
	return read_key(ctx, text, str, num);
}

/* What no single key can check (Suricata's DeviceValidateOutIfaceConfig). */
static void
conf_check(struct conf_ctx *ctx)
{
	const struct ss_conf *c = ctx->conf;
	unsigned int line;

	if (c->port_inside == c->port_outside) {
		line = ctx->seen[K_INSIDE] > ctx->seen[K_OUTSIDE] ? ctx->seen[K_INSIDE]
								  : ctx->seen[K_OUTSIDE];
		conf_fail(ctx, -EINVAL,
				"%s:%u: [ports] outside and inside are both port %u: expected two "
				"different ports, or inside = none (one-armed)",
				ctx->path, line, c->port_outside);
	}
	/* DESIGN §3a: a [fleet] follows one Redis; without it there is nothing to follow */
	if (ctx->fleet_line != 0 && ctx->seen[K_FLEET_REDIS] == 0)
		conf_fail(ctx, -EINVAL,
				"%s:%u: [fleet] has no redis key: expected redis = HOST:PORT or "
				"unix:PATH (or no [fleet] section)",
				ctx->path, ctx->fleet_line);
}

void
ss_conf_defaults(struct ss_conf *conf)
{
	/* zeroed first, so padding and unused array slots compare equal */
	memset(conf, 0, sizeof(*conf));
	conf->port_outside = 0;
	conf->port_inside = SS_CONF_PORT_NONE;
	/* Kamailio's, OpenSIPS's and Asterisk's registrar default (DESIGN §2) */
	conf->min_expires = 60;
	conf->min_expires_subscribe = 60;
	conf->redirect_methods = 1u << SS_SIP_M_INVITE;
	conf->sip_ports[0] = 5060;
	conf->n_sip_ports = 1;
	conf->drop_scanners = true;
	conf->monitor = false;
	conf->answer_423 = true;
	conf->answer_302 = true;
	conf->drop_not_sip = true;
	conf->request_limit = true;
	conf->reply_limit = true;
	/* DESIGN §2 */
	conf->requests_per_source = (struct ss_conf_limit){0, 0};
	conf->replies_per_source = (struct ss_conf_limit){1000, 2000};
	conf->replies_node = (struct ss_conf_limit){1000000, 2000000};
	conf->sources_table = 65536;
	conf->idle_sleep_us = 0;
	conf->rx_desc = 1024;
	conf->tx_desc = 1024;
	/* [fleet]: off until the section is given */
	snprintf(conf->fleet.key_prefix, sizeof(conf->fleet.key_prefix), "sipshield");
	conf->fleet.stream_maxlen = 100000;
}

int
ss_conf_load(struct ss_conf *conf, const char *path, char *err, size_t errlen)
{
	struct conf_ctx ctx;
	struct ss_conf c;
	int ret;

	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = &c;
	ctx.path = path;
	ctx.err = err;
	ctx.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';

	ss_conf_defaults(&c);
	if (strlen(path) >= sizeof(c.path))
		return conf_fail(&ctx, -ENAMETOOLONG, "%s: path longer than %zu bytes", path,
				sizeof(c.path) - 1);
	memcpy(c.path, path, strlen(path) + 1);

	ctx.f = fopen(path, "re");
	if (ctx.f == NULL) {
		int e = errno;

		return conf_fail(&ctx, -e, "%s: cannot open: %s", path, strerror(e));
	}
	ret = ini_parse_stream(conf_read_line, &ctx, conf_handler, &ctx);
	fclose(ctx.f);

	/* inih's own verdicts, should the reader have let anything through */
	if (ret == -2)
		conf_fail(&ctx, -ENOMEM, "%s: out of memory", path);
	else if (ret != 0)
		conf_fail(&ctx, -EINVAL, "%s:%d: syntax error", path, ret);
	if (ctx.rc == 0)
		conf_check(&ctx);
	if (ctx.rc != 0)
		return ctx.rc;
	*conf = c;
	return 0;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int __attribute__((format(printf, 4, 5)))
secret_fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* One line of the secret file: 32 hex digits, the line end stripped. */
static int
secret_parse(const char *path, unsigned int lineno, const char *s, size_t len,
		uint8_t out[SS_CONF_SECRET_LEN], char *err, size_t errlen)
{
	int hi, lo;

	if (len != 2 * SS_CONF_SECRET_LEN)
		return secret_fail(-EINVAL, err, errlen,
				"%s:%u: expected " SECRET_FORM ", found %zu characters", path,
				lineno, len);
	for (size_t i = 0; i < SS_CONF_SECRET_LEN; i++) {
		hi = hex_value(s[2 * i]);
		lo = hex_value(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return secret_fail(-EINVAL, err, errlen,
					"%s:%u: expected " SECRET_FORM
					", found another character in column %zu",
					path, lineno, 2 * i + (hi < 0 ? 1 : 2));
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int
ss_conf_read_secret(const char *path, uint8_t secret[SS_CONF_SECRET_LEN], char *err,
		size_t errlen)
{
	uint8_t key[SS_CONF_SECRET_LEN];
	char line[128];
	unsigned int lineno = 0;
	bool found = false;
	struct stat st;
	size_t len;
	FILE *f;
	int rc = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	f = fopen(path, "re");
	if (f == NULL) {
		rc = -errno;
		return secret_fail(rc, err, errlen, "%s: cannot open: %s", path, strerror(-rc));
	}
	if (fstat(fileno(f), &st) != 0) {
		rc = -errno;
		secret_fail(rc, err, errlen, "%s: cannot stat: %s", path, strerror(-rc));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = secret_fail(-EINVAL, err, errlen, "%s: not a regular file", path);
		goto out;
	}
	/* Whoever reads the secret can forge To tags that make sipshield absorb ACKs */
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		rc = secret_fail(-EACCES, err, errlen,
				"%s: mode %04o gives group or others access to the tag secret; run "
				"chmod 600 %s",
				path, (unsigned int)(st.st_mode & 07777), path);
		goto out;
	}
	errno = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		len = strlen(line);
		if ((len == 0 || line[len - 1] != '\n') && !feof(f)) {
			rc = secret_fail(-EINVAL, err, errlen,
					"%s:%u: line too long: expected " SECRET_FORM, path,
					lineno);
			goto out;
		}
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		if (found) {
			rc = secret_fail(-EINVAL, err, errlen,
					"%s:%u: text after the secret (the file holds one line of "
					"32 hex digits)",
					path, lineno);
			goto out;
		}
		rc = secret_parse(path, lineno, line, len, key, err, errlen);
		if (rc != 0)
			goto out;
		found = true;
	}
	if (ferror(f)) {
		rc = -(errno != 0 ? errno : EIO);
		secret_fail(rc, err, errlen, "%s:%u: cannot read: %s", path, lineno + 1,
				strerror(-rc));
		goto out;
	}
	if (!found) {
		rc = secret_fail(-EINVAL, err, errlen,
				"%s:%u: no secret: expected a line of " SECRET_FORM, path,
				lineno + 1);
		goto out;
	}
	memcpy(secret, key, sizeof(key));
out:
	/* no copy of the secret stays on the stack */
	explicit_bzero(key, sizeof(key));
	explicit_bzero(line, sizeof(line));
	fclose(f);
	return rc;
}

/*
 * The Redis password (DESIGN §3a). read(2), not stdio: a FILE would leave
 * a copy in its heap buffer after fclose().
 */
int
ss_conf_read_password(const char *path, char *out, size_t cap, char *err, size_t errlen)
{
	char buf[SS_CONF_PASSWORD_MAX + 3];	/* the longest line, "\r\n" and one more */
	size_t n = 0, len;
	struct stat st;
	const char *nl;
	ssize_t got;
	int fd, rc = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		return secret_fail(rc, err, errlen, "%s: cannot open: %s", path, strerror(-rc));
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		secret_fail(rc, err, errlen, "%s: cannot stat: %s", path, strerror(-rc));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = secret_fail(-EINVAL, err, errlen, "%s: not a regular file", path);
		goto out;
	}
	/* whoever reads it can rewrite every node's moved table */
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		rc = secret_fail(-EACCES, err, errlen,
				"%s: mode %04o gives group or others access to the Redis "
				"password; run chmod 600 %s",
				path, (unsigned int)(st.st_mode & 07777), path);
		goto out;
	}
	while (n < sizeof(buf) && memchr(buf, '\n', n) == NULL) {
		got = read(fd, buf + n, sizeof(buf) - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			secret_fail(rc, err, errlen, "%s: cannot read: %s", path, strerror(-rc));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	nl = memchr(buf, '\n', n);
	len = nl != NULL ? (size_t)(nl - buf) : n;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len == 0)
		rc = secret_fail(-EINVAL, err, errlen,
				"%s:1: no password: expected it alone on the first line", path);
	else if (len > SS_CONF_PASSWORD_MAX)
		rc = secret_fail(-EINVAL, err, errlen, "%s:1: password longer than %d bytes",
				path, SS_CONF_PASSWORD_MAX);
	else if (memchr(buf, '\0', len) != NULL)
		rc = secret_fail(-EINVAL, err, errlen, "%s:1: NUL byte in the password", path);
	else if (len >= cap)
		rc = secret_fail(-ENOSPC, err, errlen, "%s: no room for a %zu-byte password",
				path, len);
	if (rc == 0) {
		memcpy(out, buf, len);
		out[len] = '\0';
	}
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

/* Appends to a fixed buffer, counting what did not fit (as snprintf does). */
struct dump {
	char *out;
	size_t cap;
	size_t len;
};

static void __attribute__((format(printf, 2, 3)))
dump_printf(struct dump *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (d->len < d->cap)
		n = vsnprintf(d->out + d->len, d->cap - d->len, fmt, ap);
	else
		n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		d->len += (size_t)n;
}

static void
dump_path(struct dump *d, const char *key, const char *path)
{
	dump_printf(d, "%s = %s\n", key, path[0] != '\0' ? path : "none");
}

static void
dump_limit(struct dump *d, const char *key, const struct ss_conf_limit *l)
{
	if (l->rate == 0)
		dump_printf(d, "%s = off\n", key);
	else
		dump_printf(d, "%s = %u/%u\n", key, l->rate, l->burst);
}

int
ss_conf_dump(const struct ss_conf *conf, char *out, size_t cap)
{
	struct dump d = {out, cap, 0};
	const char *sep = "";

	if (cap > 0)
		out[0] = '\0';
	/* A path with a line end in it would end the comment early */
	if (conf->path[0] != '\0' && strpbrk(conf->path, "\r\n") == NULL)
		dump_printf(&d, "# sipshield configuration in effect, read from %s\n", conf->path);
	else
		dump_printf(&d, "# sipshield configuration in effect\n");

	dump_printf(&d, "\n[ports]\noutside = %u\n", conf->port_outside);
	if (conf->port_inside == SS_CONF_PORT_NONE)
		dump_printf(&d, "inside = none\n");
	else
		dump_printf(&d, "inside = %u\n", conf->port_inside);

	dump_printf(&d, "\n[filter]\nmin_expires = %u\nmin_expires_subscribe = %u\n",
			conf->min_expires, conf->min_expires_subscribe);
	dump_printf(&d, "redirect_methods = ");
	for (unsigned int m = SS_SIP_M_OTHER + 1; m < SS_SIP_M_COUNT; m++) {
		if (conf->redirect_methods & (1u << m)) {
			dump_printf(&d, "%s%s", sep, ss_sip_method_name((enum ss_sip_method)m));
			sep = ", ";
		}
	}
	dump_printf(&d, "%s\nsip_ports = ", sep[0] == '\0' ? "none" : "");
	for (unsigned int i = 0; i < conf->n_sip_ports; i++)
		dump_printf(&d, "%s%u", i > 0 ? ", " : "", conf->sip_ports[i]);
	dump_printf(&d, "\n");
	dump_path(&d, "moved_table", conf->moved_table);
	dump_path(&d, "tag_secret", conf->tag_secret);
	dump_printf(&d, "drop_scanners = %s\n", conf->drop_scanners ? "on" : "off");
	dump_path(&d, "scanner_agents", conf->scanner_agents);
	dump_printf(&d, "mode = %s\n", conf->monitor ? "monitor" : "enforce");
	dump_printf(&d, "answer_423 = %s\nanswer_302 = %s\ndrop_not_sip = %s\n",
			conf->answer_423 ? "on" : "off", conf->answer_302 ? "on" : "off",
			conf->drop_not_sip ? "on" : "off");
	dump_printf(&d, "request_limit = %s\nreply_limit = %s\n",
			conf->request_limit ? "on" : "off", conf->reply_limit ? "on" : "off");

	dump_printf(&d, "\n[limits]\n");
	dump_limit(&d, "requests_per_source", &conf->requests_per_source);
	dump_limit(&d, "replies_per_source", &conf->replies_per_source);
	dump_limit(&d, "replies_node", &conf->replies_node);
	dump_printf(&d, "sources_table = %u\n", conf->sources_table);

	dump_printf(&d, "\n[sources]\n");
	dump_path(&d, "allow", conf->sources_allow);
	dump_path(&d, "deny", conf->sources_deny);

	dump_printf(&d, "\n[dataplane]\nidle_sleep_us = %u\nrx_desc = %u\ntx_desc = %u\n",
			conf->idle_sleep_us, conf->rx_desc, conf->tx_desc);

	if (conf->fleet.enabled) {
		char addr[sizeof(conf->fleet.redis_unix) + 8];

		ss_conf_fleet_address(&conf->fleet, addr, sizeof(addr));
		dump_printf(&d, "\n[fleet]\nredis = %s\nkey_prefix = %s\n", addr,
				conf->fleet.key_prefix);
		/* the file's name only: the password is never in a dump */
		dump_path(&d, "password_file", conf->fleet.password_file);
		dump_printf(&d, "stream_maxlen = %u\n", conf->fleet.stream_maxlen);
	}

	if (d.len >= cap)
		return -ENOSPC;
	return (int)d.len;
}
