/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * `sipshield-cli fleet add|del|load|status`: the fleet's moved table in
 * Redis (DESIGN §3a), which every node with a [fleet] section follows.
 * Each write changes the hash <prefix>:moved and appends to the log
 * <prefix>:moved:log in one MULTI/EXEC, so that a node loading the hash
 * and then reading the log from the ID it noted before misses nothing.
 * Keys go in normalized (host in lower case, user %-escaped where
 * needed), so that one table key is one hash field, whatever was typed.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "cli.h"
#include "telemetry.h"
#include "ss_conf.h"
#include "ss_filter.h"
#include "ss_fleet_proto.h"

#define WHO "sipshield-cli fleet"

#define CONNECT_MS	2000
#define COMMAND_MS	30000		/* a load's pipeline may queue behind other clients */
#define LOAD_CHUNK	500		/* field/value pairs per HSET of a load */
#define LOAD_WINDOW	32		/* HSETs in flight */

/* What the options name: the Redis, the keys, the trimming. */
struct fleet_cfg {
	struct ss_conf_fleet f;
	struct ss_fleet_keys keys;
	char address[SS_CONF_PATH_MAX + 8];
	char password[SS_CONF_PASSWORD_MAX + 1];
	bool has_password;
	char maxlen[16];
};

/* --- Usage ------------------------------------------------------------- */

static const char options_help[] =
	"Where the fleet's Redis is (the same values as sipshield's [fleet] section):\n"
	"  --config FILE        read redis, key_prefix, password_file and\n"
	"                       stream_maxlen from FILE's [fleet] section; the options\n"
	"                       below override what it says.\n"
	"  --redis ADDR         HOST:PORT, [IPV6]:PORT or unix:PATH.\n"
	"  --key-prefix P       the keys are P:moved and P:moved:log (default\n"
	"                       sipshield).\n"
	"  --password-file F    AUTH with the first line of F (mode 0600 or\n"
	"                       stricter). Never on the command line.\n"
	"  --stream-maxlen N    writes trim the log to about N entries (XADD MAXLEN ~,\n"
	"                       default 100000).\n";

static void
usage_add(FILE *out)
{
	fputs("Usage: sipshield-cli fleet add KEY URI [EXPIRES] [OPTIONS]\n"
		"\n"
		"Add KEY to the fleet's moved table, or replace its entry: every node\n"
		"following the fleet answers KEY's requests with a 302 to <URI> (a sip:,\n"
		"sips: or tel: URI of at most 255 bytes), with Expires: EXPIRES when given.\n"
		"KEY is user@host, or user for that user at any host; it is stored\n"
		"normalized (host in lower case), as the nodes compare it. Runs, in one\n"
		"MULTI/EXEC:\n"
		"  HSET <prefix>:moved KEY \"URI [EXPIRES]\"\n"
		"  XADD <prefix>:moved:log MAXLEN ~ N * op add key KEY value \"URI [EXPIRES]\"\n"
		"\n", out);
	fputs(options_help, out);
	fputs("\nExit status: 0 added; 1 Redis unreachable or refused; 2 bad usage (a bad\n"
		"KEY, URI or EXPIRES is refused before anything is written).\n", out);
}

static void
usage_del(FILE *out)
{
	fputs("Usage: sipshield-cli fleet del KEY [OPTIONS]\n"
		"\n"
		"Remove KEY from the fleet's moved table: every node passes its requests\n"
		"again. Runs, in one MULTI/EXEC:\n"
		"  HDEL <prefix>:moved KEY\n"
		"  XADD <prefix>:moved:log MAXLEN ~ N * op del key KEY\n"
		"\n", out);
	fputs(options_help, out);
	fputs("\nExit status: 0 deleted; 1 KEY is not in the table, or Redis unreachable\n"
		"or refused; 2 bad usage.\n", out);
}

static void
usage_load(FILE *out)
{
	fputs("Usage: sipshield-cli fleet load FILE [OPTIONS]\n"
		"\n"
		"Replace the fleet's whole moved table with FILE, a moved-table file\n"
		"(`user[@host] new-uri [expires]` per line, `#` comments), checked first\n"
		"with the rules sipshield applies to its own file: any error stops the load\n"
		"with FILE:LINE and Redis is left as it was.\n"
		"\n"
		"How: FILE goes into a new hash, <prefix>:moved:tmp (pipelined HSETs), and\n"
		"then, in one MULTI/EXEC, that hash is renamed over <prefix>:moved and one\n"
		"log entry op=load is added:\n"
		"  DEL <prefix>:moved:tmp\n"
		"  HSET <prefix>:moved:tmp KEY VALUE [KEY VALUE ...]   (in batches)\n"
		"  MULTI\n"
		"  RENAME <prefix>:moved:tmp <prefix>:moved\n"
		"  XADD <prefix>:moved:log MAXLEN ~ N * op load entries COUNT\n"
		"  EXEC\n"
		"Nodes see op=load and load the new hash whole, in the background, while\n"
		"they go on answering from the old table; they swap tables in one step.\n"
		"One log entry instead of a del and an add per key: the log stays short,\n"
		"no node ever serves a half-old, half-new table, and a load does not push\n"
		"other changes out of the trimmed log. A change made with fleet add or del\n"
		"while a load runs is lost when the rename lands: the file wins.\n"
		"\n", out);
	fputs(options_help, out);
	fputs("\nExit status: 0 loaded; 1 FILE has an error, or Redis unreachable or\n"
		"refused; 2 bad usage.\n", out);
}

static void
usage_status(FILE *out)
{
	fputs("Usage: sipshield-cli fleet status [OPTIONS] [--json] [--file-prefix P]\n"
		"\n"
		"What Redis holds for the fleet (the table's entries, the log's length and\n"
		"first and last IDs) and, when a sipshield runs here, its sync state from\n"
		"/sipshield/fleet: connected, last ID applied (in sync when it is the log's\n"
		"last), entries, changes applied, bad entries skipped, outages, full loads,\n"
		"seconds since the last change, last error.\n"
		"\n", out);
	fputs(options_help, out);
	fputs("  -j, --json          print one JSON object {redis, table, log, node}.\n", out);
	fputs(cli_opts_common_help, out);
	fputs("\nExit status: 0 Redis answered (with or without a local node); 1 Redis\n"
		"unreachable or refused; 2 bad usage.\n", out);
}

void
cli_fleet_usage(FILE *out)
{
	fputs("Usage: sipshield-cli fleet add KEY URI [EXPIRES]\n"
		"       sipshield-cli fleet del KEY\n"
		"       sipshield-cli fleet load FILE\n"
		"       sipshield-cli fleet status [--json] [--file-prefix P]\n"
		"       (each with --config FILE, or --redis ADDR [--key-prefix P]\n"
		"        [--password-file F] [--stream-maxlen N])\n"
		"\n"
		"Change the moved table of a whole fleet: every sipshield with a [fleet]\n"
		"section follows the table kept in Redis and applies each change within\n"
		"milliseconds; their own moved add, del and reload are refused. Each write\n"
		"changes the hash <prefix>:moved and appends to the log <prefix>:moved:log\n"
		"in one MULTI/EXEC (see `fleet add --help` and the others for the exact\n"
		"commands, and docs/FLEET.md to do it with redis-cli).\n"
		"\n"
		"  add KEY URI [EXPIRES]   add or replace one entry\n"
		"  del KEY                 remove one entry\n"
		"  load FILE               replace the whole table with a moved-table file\n"
		"  status                  what Redis holds, and this host's node's sync\n"
		"\n", out);
	fputs(options_help, out);
	fputs("\nRun `sipshield-cli fleet VERB --help` for a verb's own help.\n", out);
}

/* The usage of the verb named in argv (its first operand), for --help. */
static const char *help_verb;

static void
usage_of_verb(FILE *out)
{
	if (help_verb == NULL)
		cli_fleet_usage(out);
	else if (strcmp(help_verb, "add") == 0)
		usage_add(out);
	else if (strcmp(help_verb, "del") == 0)
		usage_del(out);
	else if (strcmp(help_verb, "load") == 0)
		usage_load(out);
	else if (strcmp(help_verb, "status") == 0)
		usage_status(out);
	else
		cli_fleet_usage(out);
}

/* Options that take a value as the next word (for the look-ahead below). */
static bool
takes_value(const char *opt)
{
	static const char *const with_value[] = {"--redis", "--key-prefix", "--password-file",
		"--config", "--stream-maxlen", "--file-prefix", "--runtime-dir", "--interval",
		"--count", "--output", "-i", "-n", "-o"};

	for (size_t i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (strcmp(opt, with_value[i]) == 0)
			return true;
	return false;
}

/* The first operand of argv, before getopt reorders it. */
static const char *
first_operand(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? argv[i + 1] : NULL;
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			return argv[i];
		if (strchr(argv[i], '=') == NULL && takes_value(argv[i]))
			i++;
	}
	return NULL;
}

/* --- Where Redis is ---------------------------------------------------- */

static int __attribute__((format(printf, 2, 3)))
fail(const char *who, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* A message, then the exit status of bad usage. */
static int __attribute__((format(printf, 2, 3)))
bad_usage(const char *who, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_EXIT_USAGE;
}

/*
 * --config first, then the options over it. CLI_EXIT_OK, or the exit
 * status after a message: usage for options, failure for files.
 */
static int
resolve(const struct cli_opts *o, const char *who, struct fleet_cfg *c)
{
	char why[SS_CONF_ERR_MAX];
	struct ss_conf conf;

	memset(c, 0, sizeof(*c));
	ss_conf_defaults(&conf);
	if (o->config != NULL) {
		if (ss_conf_load(&conf, o->config, why, sizeof(why)) < 0) {
			fail(who, "%s", why);
			return CLI_EXIT_FAIL;
		}
		if (!conf.fleet.enabled && o->redis == NULL)
			return bad_usage(who, "%s has no [fleet] section: give --redis", o->config);
	}
	c->f = conf.fleet;
	if (o->redis != NULL && ss_conf_parse_redis(o->redis, &c->f, why, sizeof(why)) < 0)
		return bad_usage(who, "--redis \"%s\": %s", o->redis, why);
	if (o->redis == NULL && o->config == NULL)
		return bad_usage(who, "where is the fleet's Redis? give --redis "
				"HOST:PORT|unix:PATH or --config FILE (try --help)");
	if (o->key_prefix != NULL) {
		if (ss_conf_check_key_prefix(o->key_prefix, why, sizeof(why)) < 0)
			return bad_usage(who, "--key-prefix \"%s\": %s", o->key_prefix, why);
		snprintf(c->f.key_prefix, sizeof(c->f.key_prefix), "%s", o->key_prefix);
	}
	if (o->password_file != NULL)
		snprintf(c->f.password_file, sizeof(c->f.password_file), "%s", o->password_file);
	if (o->stream_maxlen != 0)
		c->f.stream_maxlen = (uint32_t)o->stream_maxlen;
	snprintf(c->maxlen, sizeof(c->maxlen), "%u", c->f.stream_maxlen);
	ss_fleet_keys_init(&c->keys, c->f.key_prefix);
	ss_conf_fleet_address(&c->f, c->address, sizeof(c->address));
	if (c->f.password_file[0] != '\0') {
		if (ss_conf_read_password(c->f.password_file, c->password, sizeof(c->password), why,
					sizeof(why)) < 0) {
			fail(who, "%s", why);
			return CLI_EXIT_FAIL;
		}
		c->has_password = true;
	}
	return CLI_EXIT_OK;
}

static struct timeval
ms_tv(unsigned int ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (suseconds_t)(ms % 1000) * 1000};

	return tv;
}

/* A reply that must not be an error; prints the error and frees it. */
static bool
reply_ok(const char *who, const char *what, redisReply *r)
{
	if (r != NULL && r->type != REDIS_REPLY_ERROR)
		return true;
	if (r != NULL)
		fail(who, "%s: %s", what, r->str);
	freeReplyObject(r);
	return false;
}

/* Connected and authenticated, or NULL after a message. */
static redisContext *
open_redis(struct fleet_cfg *c, const char *who)
{
	redisContext *rc;
	redisReply *r;

	if (c->f.redis_unix[0] != '\0')
		rc = redisConnectUnixWithTimeout(c->f.redis_unix, ms_tv(CONNECT_MS));
	else
		rc = redisConnectWithTimeout(c->f.redis_host, c->f.redis_port, ms_tv(CONNECT_MS));
	if (rc == NULL || rc->err != 0) {
		fail(who, "cannot connect to Redis at %s: %s", c->address,
				rc != NULL ? rc->errstr : "out of memory");
		redisFree(rc);
		return NULL;
	}
	redisSetTimeout(rc, ms_tv(COMMAND_MS));
	if (c->has_password) {
		const char *argv[] = {"AUTH", c->password};
		size_t len[] = {4, strlen(c->password)};

		r = redisCommandArgv(rc, 2, argv, len);
		explicit_bzero(c->password, sizeof(c->password));
		if (r == NULL) {
			fail(who, "Redis at %s: AUTH: %s", c->address, rc->errstr);
			redisFree(rc);
			return NULL;
		}
		if (!reply_ok(who, "AUTH", r)) {
			redisFree(rc);
			return NULL;
		}
		freeReplyObject(r);
	}
	return rc;
}

/* A command of NUL-terminated words; the reply or NULL after a message. */
static redisReply *
command(redisContext *rc, const char *who, int argc, const char **argv)
{
	size_t len[16];
	redisReply *r;

	for (int i = 0; i < argc; i++)
		len[i] = strlen(argv[i]);
	r = redisCommandArgv(rc, argc, argv, len);
	if (r == NULL) {
		fail(who, "%s: %s", argv[0], rc->errstr);
		return NULL;
	}
	if (!reply_ok(who, argv[0], r))
		return NULL;
	return r;
}

/*
 * MULTI, the n commands, EXEC, pipelined. Returns EXEC's reply (an array
 * of n replies, none an error) or NULL after a message.
 */
static redisReply *
transaction(redisContext *rc, const char *who, int n, const int *argc, const char **argv[])
{
	static const char *multi[] = {"MULTI"}, *exec[] = {"EXEC"};
	redisReply *r = NULL, *result = NULL;
	size_t len[16];
	bool ok = true;

	redisAppendCommand(rc, "%s", multi[0]);
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < argc[i]; j++)
			len[j] = strlen(argv[i][j]);
		redisAppendCommandArgv(rc, argc[i], argv[i], len);
	}
	redisAppendCommand(rc, "%s", exec[0]);
	for (int i = 0; i < n + 2; i++) {
		if (redisGetReply(rc, (void **)&r) != REDIS_OK) {
			fail(who, "MULTI/EXEC: %s", rc->errstr);
			freeReplyObject(result);
			return NULL;
		}
		if (i < n + 1) {
			ok = reply_ok(who, i == 0 ? "MULTI" : argv[i - 1][0], r) && ok;
			if (r != NULL && r->type != REDIS_REPLY_ERROR)
				freeReplyObject(r);
		} else {
			result = r;
		}
	}
	if (!ok || !reply_ok(who, "EXEC", result)) {
		if (result != NULL && result->type != REDIS_REPLY_ERROR)
			freeReplyObject(result);
		return NULL;
	}
	if (result->type != REDIS_REPLY_ARRAY || result->elements != (size_t)n) {
		fail(who, "EXEC: the transaction was not run (%s)",
				result->type == REDIS_REPLY_NIL ? "aborted" : "unexpected reply");
		freeReplyObject(result);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		if (result->element[i]->type == REDIS_REPLY_ERROR) {
			/* MULTI does not roll back: say what did not happen */
			fail(who, "%s failed inside the transaction (the others ran): %s",
					argv[i][0], result->element[i]->str);
			ok = false;
		}
	}
	if (!ok) {
		freeReplyObject(result);
		return NULL;
	}
	return result;
}

/* --- add, del ---------------------------------------------------------- */

/* KEY as the table holds it: the form every node compares. */
static int
normalize(const char *who, const struct ss_fleet_entry *e, char *out, size_t cap)
{
	if (ss_sip_key_format(&e->key, out, cap) < 0)
		return fail(who, "key \"%s\" is too long once normalized", e->key_text);
	return 0;
}

static int
fleet_add(struct fleet_cfg *c, char **args, int n)
{
	const char *who = WHO " add";
	char value[SS_FLEET_VALUE_MAX + 1], key[SS_FLEET_KEY_TEXT_MAX + 1], why[512];
	struct ss_fleet_entry e;
	redisContext *rc;
	redisReply *r;
	int ret;

	if (n == 3 && (args[2][0] == '\0' || strspn(args[2], "0123456789") != strlen(args[2])))
		return bad_usage(who, "EXPIRES \"%s\": expected seconds, a whole number",
				args[2]);
	if (strlen(args[1]) + (n == 3 ? 1 + strlen(args[2]) : 0) >= sizeof(value))
		return bad_usage(who, "URI is longer than %d bytes", SS_MOVED_URI_MAX);
	snprintf(value, sizeof(value), "%s%s%s", args[1], n == 3 ? " " : "", n == 3 ? args[2] : "");
	if (ss_fleet_entry_parse(args[0], strlen(args[0]), value, strlen(value), &e, why,
				sizeof(why)) < 0)
		return bad_usage(who, "%s", why);
	if (normalize(who, &e, key, sizeof(key)) < 0)
		return CLI_EXIT_USAGE;
	/* the value as the file would write it: one blank, expires in decimal */
	if (e.has_expires)
		snprintf(value, sizeof(value), "%s %" PRIu32, e.uri, e.expires);
	else
		snprintf(value, sizeof(value), "%s", e.uri);

	rc = open_redis(c, who);
	if (rc == NULL)
		return CLI_EXIT_FAIL;
	{
		const char *hset[] = {"HSET", c->keys.hash, key, value};
		const char *xadd[] = {"XADD", c->keys.log, "MAXLEN", "~", c->maxlen, "*", "op",
			"add", "key", key, "value", value};
		const char **argv[] = {hset, xadd};
		const int argc[] = {4, 12};

		r = transaction(rc, who, 2, argc, argv);
	}
	ret = CLI_EXIT_FAIL;
	if (r != NULL) {
		printf("added %s -> %s%s%s (log %s)\n", key, e.uri, e.has_expires ? " expires " : "",
				e.has_expires ? value + strlen(e.uri) + 1 : "",
				r->element[1]->type == REDIS_REPLY_STRING ? r->element[1]->str : "?");
		ret = CLI_EXIT_OK;
	}
	freeReplyObject(r);
	redisFree(rc);
	return ret;
}

static int
fleet_del(struct fleet_cfg *c, char **args)
{
	const char *who = WHO " del";
	char key[SS_FLEET_KEY_TEXT_MAX + 1], why[512];
	struct ss_fleet_entry e;
	redisContext *rc;
	redisReply *r;
	int ret = CLI_EXIT_FAIL;

	if (ss_fleet_key_parse(args[0], strlen(args[0]), &e, why, sizeof(why)) < 0)
		return bad_usage(who, "%s", why);
	if (normalize(who, &e, key, sizeof(key)) < 0)
		return CLI_EXIT_USAGE;
	rc = open_redis(c, who);
	if (rc == NULL)
		return CLI_EXIT_FAIL;
	{
		/* no log entry for a key that is not there: nodes have nothing to do */
		const char *hexists[] = {"HEXISTS", c->keys.hash, key};

		r = command(rc, who, 3, hexists);
		if (r == NULL)
			goto out;
		if (r->type != REDIS_REPLY_INTEGER || r->integer == 0) {
			fail(who, "%s is not in the fleet's table (%s)", key, c->keys.hash);
			freeReplyObject(r);
			goto out;
		}
		freeReplyObject(r);
	}
	{
		const char *hdel[] = {"HDEL", c->keys.hash, key};
		const char *xadd[] = {"XADD", c->keys.log, "MAXLEN", "~", c->maxlen, "*", "op",
			"del", "key", key};
		const char **argv[] = {hdel, xadd};
		const int argc[] = {3, 10};

		r = transaction(rc, who, 2, argc, argv);
	}
	if (r != NULL) {
		printf("deleted %s (log %s)\n", key,
				r->element[1]->type == REDIS_REPLY_STRING ? r->element[1]->str : "?");
		ret = CLI_EXIT_OK;
		freeReplyObject(r);
	}
out:
	redisFree(rc);
	return ret;
}

/* --- load -------------------------------------------------------------- */

/* The checked file: every key and value, one after the other, NUL-ended. */
struct table_text {
	char *buf;
	size_t len, cap;
	size_t *off;		/* off[2i]: key i, off[2i+1]: its value */
	unsigned int *line;	/* the line each key came from */
	size_t n, ncap;
};

static int
text_push(struct table_text *t, const char *s, size_t len)
{
	if (t->len + len + 1 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1 << 20;
		char *b;

		while (cap < t->len + len + 1)
			cap *= 2;
		b = realloc(t->buf, cap);
		if (b == NULL)
			return -ENOMEM;
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, len);
	t->buf[t->len + len] = '\0';
	t->len += len + 1;
	return 0;
}

static int
table_push(struct table_text *t, const char *key, const char *value, unsigned int line)
{
	if (t->n == t->ncap) {
		size_t ncap = t->ncap ? t->ncap * 2 : 4096;
		size_t *off = realloc(t->off, 2 * ncap * sizeof(*off));
		unsigned int *ln;

		if (off == NULL)
			return -ENOMEM;
		t->off = off;
		ln = realloc(t->line, ncap * sizeof(*ln));
		if (ln == NULL)
			return -ENOMEM;
		t->line = ln;
		t->ncap = ncap;
	}
	t->off[2 * t->n] = t->len;
	if (text_push(t, key, strlen(key)) < 0)
		return -ENOMEM;
	t->off[2 * t->n + 1] = t->len;
	if (text_push(t, value, strlen(value)) < 0)
		return -ENOMEM;
	t->line[t->n++] = line;
	return 0;
}

static void
table_free(struct table_text *t)
{
	free(t->buf);
	free(t->off);
	free(t->line);
}

static const struct table_text *sort_table;

static int
by_key_then_line(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(sort_table->buf + sort_table->off[2 * i],
			sort_table->buf + sort_table->off[2 * j]);

	if (c != 0)
		return c;
	return sort_table->line[i] < sort_table->line[j] ? -1 : 1;
}

/*
 * A key twice (once normalized): the file loader refuses it, so does a
 * load, at the first line that repeats an earlier one.
 */
static int
find_duplicate(const struct table_text *t, const char *path, const char *who)
{
	size_t *order = malloc((t->n > 0 ? t->n : 1) * sizeof(*order));
	unsigned int bad_line = 0, first_line = 0;

	if (order == NULL)
		return fail(who, "out of memory");
	for (size_t i = 0; i < t->n; i++)
		order[i] = i;
	sort_table = t;
	qsort(order, t->n, sizeof(*order), by_key_then_line);
	for (size_t i = 1; i < t->n; i++) {
		size_t a = order[i - 1], b = order[i];

		if (strcmp(t->buf + t->off[2 * a], t->buf + t->off[2 * b]) == 0 &&
				(bad_line == 0 || t->line[b] < bad_line)) {
			bad_line = t->line[b];
			first_line = t->line[a];
		}
	}
	free(order);
	if (bad_line != 0)
		return fail(who, "%s:%u: duplicate key (first on line %u)", path, bad_line,
				first_line);
	return 0;
}

/* Read and check the file as sipshield's loader would. */
static int
read_table(const char *path, const char *who, struct table_text *t)
{
	char why[512], key[SS_FLEET_KEY_TEXT_MAX + 1], value[SS_FLEET_VALUE_MAX + 16];
	struct ss_sip_key k;
	const char *uri;
	size_t uri_len, cap = 0;
	unsigned int lineno = 0;
	char *line = NULL;
	bool has_exp;
	uint32_t exp;
	FILE *f;
	int rc = 0;

	f = fopen(path, "re");
	if (f == NULL)
		return fail(who, "%s: cannot open: %s", path, strerror(errno));
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		rc = ss_moved_parse_line(line, &k, &uri, &uri_len, &has_exp, &exp, why,
				sizeof(why));
		if (rc == 0)
			continue;
		if (rc < 0) {
			rc = fail(who, "%s:%u: %s", path, lineno, why);
			break;
		}
		rc = 0;
		if (!ss_fleet_uri_ok(uri, uri_len)) {
			rc = fail(who, "%s:%u: new URI \"%.*s\" is not a sip:, sips: or tel: URI of at most %d bytes without spaces, < > or \"",
					path, lineno, (int)(uri_len > 300 ? 300 : uri_len), uri,
					SS_MOVED_URI_MAX);
			break;
		}
		if (ss_sip_key_format(&k, key, sizeof(key)) < 0) {
			rc = fail(who, "%s:%u: key too long once normalized", path, lineno);
			break;
		}
		if (has_exp)
			snprintf(value, sizeof(value), "%.*s %" PRIu32, (int)uri_len, uri, exp);
		else
			snprintf(value, sizeof(value), "%.*s", (int)uri_len, uri);
		if (table_push(t, key, value, lineno) < 0)
			rc = fail(who, "out of memory at %s:%u", path, lineno);
	}
	if (rc == 0 && ferror(f))
		rc = fail(who, "%s: read error", path);
	free(line);
	fclose(f);
	if (rc == 0)
		rc = find_duplicate(t, path, who);
	return rc;
}

/* Read n replies of pipelined commands; -1 after a message. */
static int
drain(redisContext *rc, const char *who, unsigned int n)
{
	redisReply *r;
	int ret = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (redisGetReply(rc, (void **)&r) != REDIS_OK)
			return fail(who, "HSET: %s", rc->errstr);
		if (reply_ok(who, "HSET", r))
			freeReplyObject(r);
		else
			ret = -1;
	}
	return ret;
}

/* The file into <prefix>:moved:tmp, LOAD_CHUNK pairs an HSET, pipelined. */
static int
fill_tmp(redisContext *rc, const char *who, const struct fleet_cfg *c,
		const struct table_text *t)
{
	const char *del[] = {"DEL", c->keys.tmp};
	const char **argv = malloc((2 + 2 * LOAD_CHUNK) * sizeof(*argv));
	size_t *len = malloc((2 + 2 * LOAD_CHUNK) * sizeof(*len));
	unsigned int in_flight = 0;
	redisReply *r;
	int ret = -1;

	if (argv == NULL || len == NULL) {
		fail(who, "out of memory");
		goto out;
	}
	/* what an abandoned load left behind */
	r = command(rc, who, 2, del);
	if (r == NULL)
		goto out;
	freeReplyObject(r);
	argv[0] = "HSET";
	argv[1] = c->keys.tmp;
	len[0] = 4;
	len[1] = strlen(c->keys.tmp);
	for (size_t i = 0; i < t->n; i += LOAD_CHUNK) {
		size_t m = t->n - i < LOAD_CHUNK ? t->n - i : LOAD_CHUNK;

		for (size_t j = 0; j < 2 * m; j++) {
			argv[2 + j] = t->buf + t->off[2 * i + j];
			len[2 + j] = strlen(argv[2 + j]);
		}
		if (redisAppendCommandArgv(rc, (int)(2 + 2 * m), argv, len) != REDIS_OK) {
			fail(who, "HSET: %s", rc->errstr);
			goto out;
		}
		if (++in_flight == LOAD_WINDOW) {
			if (drain(rc, who, in_flight) < 0)
				goto out;
			in_flight = 0;
		}
	}
	ret = drain(rc, who, in_flight);
out:
	free(argv);
	free(len);
	return ret;
}

static int
fleet_load(struct fleet_cfg *c, const char *path)
{
	const char *who = WHO " load";
	struct table_text t;
	char count[24];
	redisContext *rc;
	redisReply *r;
	int ret = CLI_EXIT_FAIL;

	memset(&t, 0, sizeof(t));
	if (read_table(path, who, &t) < 0) {
		table_free(&t);
		return CLI_EXIT_FAIL;
	}
	snprintf(count, sizeof(count), "%zu", t.n);
	rc = open_redis(c, who);
	if (rc == NULL) {
		table_free(&t);
		return CLI_EXIT_FAIL;
	}
	if (fill_tmp(rc, who, c, &t) < 0)
		goto out;
	{
		/* an empty file: nothing to rename, the table is just removed */
		const char *rename[] = {"RENAME", c->keys.tmp, c->keys.hash};
		const char *del[] = {"DEL", c->keys.hash};
		const char *xadd[] = {"XADD", c->keys.log, "MAXLEN", "~", c->maxlen, "*", "op",
			"load", "entries", count};
		const char **argv[] = {t.n > 0 ? rename : del, xadd};
		const int argc[] = {t.n > 0 ? 3 : 2, 10};

		r = transaction(rc, who, 2, argc, argv);
	}
	if (r != NULL) {
		printf("loaded %zu entries from %s into %s (log %s): nodes load it now\n", t.n, path,
				c->keys.hash,
				r->element[1]->type == REDIS_REPLY_STRING ? r->element[1]->str : "?");
		ret = CLI_EXIT_OK;
		freeReplyObject(r);
	}
out:
	redisFree(rc);
	table_free(&t);
	return ret;
}

/* --- status ------------------------------------------------------------ */

/* redis_version from INFO server, or "?". */
static void
redis_version(redisContext *rc, char *out, size_t cap)
{
	const char *argv[] = {"INFO", "server"};
	size_t len[] = {4, 6};
	redisReply *r = redisCommandArgv(rc, 2, argv, len);
	const char *v = r != NULL && r->type == REDIS_REPLY_STRING ?
			strstr(r->str, "redis_version:") : NULL;

	snprintf(out, cap, "?");
	if (v != NULL)
		snprintf(out, cap, "%.*s", (int)strcspn(v + 14, "\r\n"), v + 14);
	freeReplyObject(r);
}

/* The local node's /sipshield/fleet, or NULL when none runs here. */
static json_t *
node_state(const struct cli_opts *o, char *why, size_t whylen)
{
	char path[sizeof(((struct cli_tel *)0)->path)];
	json_t *d = NULL;

	if (cli_tel_path(o, path, sizeof(path)) < 0 || access(path, F_OK) != 0) {
		snprintf(why, whylen, "no sipshield with --file-prefix %s runs here", o->file_prefix);
		return NULL;
	}
	if (cli_tel_query(o, WHO " status", "/sipshield/fleet", NULL, &d) < 0) {
		snprintf(why, whylen, "no answer on %s", path);
		return NULL;
	}
	return d;
}

static uint64_t
u64_of(const json_t *d, const char *name)
{
	uint64_t v = 0;

	cli_json_u64(json_object_get(d, name), &v);
	return v;
}

static const char *
str_of(const json_t *d, const char *name)
{
	const json_t *v = json_object_get(d, name);

	return json_is_string(v) ? json_string_value(v) : "";
}

/* in sync, behind, disconnected, ... as one phrase */
static const char *
node_phrase(const json_t *d, const struct ss_fleet_stream *s)
{
	char last[SS_FLEET_ID_MAX] = "0-0";

	if (u64_of(d, "enabled") == 0)
		return "not in a fleet (no [fleet] section)";
	if (u64_of(d, "synced") == 0)
		return u64_of(d, "connected") ? "loading the table from Redis" :
				"not loaded from Redis yet (answers from its file)";
	if (u64_of(d, "connected") == 0)
		return "disconnected: answers from the table it has";
	if (s->exists)
		ss_fleet_id_format(&s->last, last);
	return strcmp(str_of(d, "last_id"), last) == 0 ? "in sync" : "behind (catching up)";
}

static void
print_node(const json_t *d, const struct ss_fleet_stream *s, const char *prefix)
{
	static const char *const counts[] = {"entries", "changes_applied", "bad_entries",
		"outages", "full_loads", "last_load_ms", "last_load_entries"};
	const json_t *since = json_object_get(d, "seconds_since_change");

	printf("node      %s: %s\n", prefix, node_phrase(d, s));
	if (u64_of(d, "enabled") == 0)
		return;
	printf("  %-22s %s\n", "connected", u64_of(d, "connected") ? "yes" : "no");
	printf("  %-22s %s\n", "last_id", str_of(d, "last_id"));
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		printf("  %-22s %" PRIu64 "\n", counts[i], u64_of(d, counts[i]));
	if (json_is_integer(since) && json_integer_value(since) >= 0)
		printf("  %-22s %" JSON_INTEGER_FORMAT "\n", "seconds_since_change",
				json_integer_value(since));
	if (str_of(d, "last_error")[0] != '\0')
		printf("  %-22s %s\n", "last_error", str_of(d, "last_error"));
	if (str_of(d, "last_bad_entry")[0] != '\0')
		printf("  %-22s %s\n", "last_bad_entry", str_of(d, "last_bad_entry"));
}

static int
fleet_status(struct fleet_cfg *c, const struct cli_opts *o)
{
	const char *who = WHO " status";
	const char *hlen[] = {"HLEN", c->keys.hash}, *xinfo[] = {"XINFO", "STREAM", c->keys.log};
	const char *exists[] = {"EXISTS", c->keys.tmp};
	char version[32], why[160], first[SS_FLEET_ID_MAX] = "", last[SS_FLEET_ID_MAX] = "";
	struct ss_fleet_stream s;
	long long entries = 0, tmp = 0;
	redisContext *rc;
	redisReply *r;
	json_t *node;
	size_t len[3];

	rc = open_redis(c, who);
	if (rc == NULL)
		return CLI_EXIT_FAIL;
	redis_version(rc, version, sizeof(version));
	r = command(rc, who, 2, hlen);
	if (r == NULL)
		goto fail;
	entries = r->integer;
	freeReplyObject(r);
	for (int i = 0; i < 3; i++)
		len[i] = strlen(xinfo[i]);
	r = redisCommandArgv(rc, 3, xinfo, len);
	if (r == NULL || ss_fleet_stream_parse(r, &s, why, sizeof(why)) < 0) {
		fail(who, "%s", r == NULL ? rc->errstr : why);
		freeReplyObject(r);
		goto fail;
	}
	freeReplyObject(r);
	r = command(rc, who, 2, exists);
	if (r != NULL)
		tmp = r->integer;
	freeReplyObject(r);
	redisFree(rc);
	if (s.has_first)
		ss_fleet_id_format(&s.first, first);
	if (s.exists)
		ss_fleet_id_format(&s.last, last);
	node = node_state(o, why, sizeof(why));

	if (o->json) {
		json_t *all = json_pack("{s:{s:s,s:s,s:s},s:{s:s,s:I},s:{s:s,s:b,s:I,s:s,s:s,s:i}}",
				"redis", "address", c->address, "version", version, "key_prefix",
				c->f.key_prefix,
				"table", "key", c->keys.hash, "entries", (json_int_t)entries,
				"log", "key", c->keys.log, "exists", s.exists,
				"length", (json_int_t)s.length, "first_id", first, "last_id", last,
				"stream_maxlen", (int)c->f.stream_maxlen);
		int ret;

		if (all == NULL) {
			fail(who, "out of memory");
			json_decref(node);
			return CLI_EXIT_FAIL;
		}
		json_object_set_new(all, "node", node != NULL ? json_incref(node) :
				json_pack("{s:s}", "error", why));
		ret = cli_json_print(all);
		json_decref(all);
		json_decref(node);
		return ret < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	}
	printf("redis     %s (Redis %s)\n", c->address, version);
	printf("table     %s: %lld entries\n", c->keys.hash, entries);
	if (s.exists)
		printf("log       %s: %" PRIu64 " entries (trimmed to about %u), first %s, last %s\n",
				c->keys.log, s.length, c->f.stream_maxlen,
				s.has_first ? first : "none", last);
	else
		printf("log       %s: none yet (no change written)\n", c->keys.log);
	if (tmp > 0)
		printf("note      %s exists: a load is running, or one was abandoned (the next\n"
			"          load replaces it)\n", c->keys.tmp);
	if (node != NULL)
		print_node(node, &s, o->file_prefix);
	else
		printf("node      %s: %s\n", o->file_prefix, why);
	json_decref(node);
	return CLI_EXIT_OK;
fail:
	redisFree(rc);
	return CLI_EXIT_FAIL;
}

/* --- Dispatch ---------------------------------------------------------- */

int
cli_fleet(int argc, char **argv, struct cli_opts *o)
{
	const unsigned int accepted = CLI_OPT_JSON | CLI_OPT_REDIS | CLI_OPT_KEY_PREFIX |
			CLI_OPT_PASSWORD_FILE | CLI_OPT_CONFIG | CLI_OPT_MAXLEN;
	struct fleet_cfg c;
	const char *verb;
	char name[32], who[64];
	int first, n, ret;

	help_verb = first_operand(argc, argv);
	first = cli_opts_parse(argc, argv, "fleet", accepted, o, usage_of_verb);
	if (first < 0)
		return CLI_EXIT_USAGE;
	if (first == argc) {
		fprintf(stderr, WHO ": missing add, del, load or status (try --help)\n");
		return CLI_EXIT_USAGE;
	}
	verb = argv[first++];
	n = argc - first;
	snprintf(name, sizeof(name), "fleet %s", verb);
	snprintf(who, sizeof(who), WHO " %s", verb);
	if (strcmp(verb, "add") == 0)
		ret = cli_opts_operands(name, argv + first, n, 2, 3);
	else if (strcmp(verb, "del") == 0 || strcmp(verb, "load") == 0)
		ret = cli_opts_operands(name, argv + first, n, 1, 1);
	else if (strcmp(verb, "status") == 0)
		ret = cli_opts_operands(name, argv + first, n, 0, 0);
	else
		return bad_usage(WHO, "unknown \"%s\": expected add, del, load or status", verb);
	if (ret < 0)
		return CLI_EXIT_USAGE;
	if (o->json && strcmp(verb, "status") != 0)
		return bad_usage(who, "--json applies to status only");
	ret = resolve(o, who, &c);
	if (ret != CLI_EXIT_OK)
		return ret;
	if (strcmp(verb, "add") == 0)
		ret = fleet_add(&c, argv + first, n);
	else if (strcmp(verb, "del") == 0)
		ret = fleet_del(&c, argv + first);
	else if (strcmp(verb, "load") == 0)
		ret = fleet_load(&c, argv[first]);
	else
		ret = fleet_status(&c, o);
	explicit_bzero(c.password, sizeof(c.password));
	return ret;
}
