/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * `sipshield-cli moved get|add|del|reload|count`: the moved table of the
 * running sipshield (/sipshield/moved/...). Keys and URIs go out
 * %-escaped, because telemetry hands the server its parameters as one
 * string that the server splits on ','.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "telemetry.h"

#define WHO "sipshield-cli moved"

/* What a get reply's URI (at most 255 bytes, DESIGN §3) joins back to. */
#define URI_MAX 1024

struct verb {
	const char *name;
	const char *cmd;	/* the telemetry command */
	int min, max;		/* operands after the verb */
	int (*print)(const json_t *d, char **args);
};

void
cli_moved_usage(FILE *out)
{
	fputs("Usage: sipshield-cli moved get KEY\n"
		"       sipshield-cli moved add KEY URI [EXPIRES]\n"
		"       sipshield-cli moved del KEY\n"
		"       sipshield-cli moved reload\n"
		"       sipshield-cli moved count\n"
		"       (each with [--json] [--file-prefix P] [--runtime-dir DIR])\n"
		"\n"
		"Read and change the moved table of the running sipshield: the users whose\n"
		"out-of-dialog requests (INVITE by default) get a 302 to a new URI. Changes\n"
		"take effect at once, with no restart and no pause of the workers.\n"
		"\n"
		"KEY is the table's key as the moved-table file writes it: user@host, or\n"
		"user alone for that user at any host. The user part compares\n"
		"case-sensitively once %-unescaped, the host case-insensitively.\n"
		"\n"
		"  get KEY      print KEY's entry as a line of the moved-table file:\n"
		"               KEY URI [EXPIRES]. Exit 1 when there is none.\n"
		"  add KEY URI [EXPIRES]\n"
		"               add KEY, or replace its entry: its requests get a 302\n"
		"               with Contact: <URI> (a sip:, sips: or tel: URI of at most\n"
		"               255 bytes) and, with EXPIRES, an Expires: EXPIRES header.\n"
		"  del KEY      remove KEY's entry.\n"
		"  reload       read the moved-table file named by the configuration again\n"
		"               and put it in service whole; print how many entries it\n"
		"               holds. A file with an error leaves the table as it was and\n"
		"               the error is printed.\n"
		"  count        print the number of entries.\n"
		"\n"
		"add and del do not write the file: the next reload or restart forgets\n"
		"them, so change the file too. With a [fleet] section sipshield refuses\n"
		"add, del and reload: the fleet's table lives in Redis.\n"
		"\n"
		"A key or URI may hold ',' and '%': telemetry would misread them, so they\n"
		"are sent %-escaped (%2C, %25) and sipshield unescapes them. A request is\n"
		"at most 1023 bytes once escaped (DPDK telemetry's limit).\n"
		"\n"
		"Options:\n"
		"  -j, --json          print the reply as it came, as indented JSON (get:\n"
		"                      {\"key\", \"uri_parts\", \"expires\"}, the URI cut in\n"
		"                      parts of at most 120 bytes).\n", out);
	fputs(cli_opts_common_help, out);
	fputs("\n", out);
	fputs(cli_opts_exit_help, out);
	fputs("\n"
		"Examples:\n"
		"  sipshield-cli moved add alice@example.com sip:alice@pbx2.example.net 3600\n"
		"  sipshield-cli moved get alice@example.com\n"
		"  sipshield-cli moved del alice@example.com\n"
		"  sipshield-cli moved reload\n", out);
}

/* A URI or key that telemetry's 127-byte strings made the server cut. */
static int
join_parts(const json_t *parts, char *out, size_t size)
{
	size_t used = 0, i;
	json_t *p;

	if (!json_is_array(parts))
		return -1;
	out[0] = '\0';
	json_array_foreach(parts, i, p) {
		size_t len = json_string_length(p);

		if (!json_is_string(p) || used + len >= size)
			return -1;
		memcpy(out + used, json_string_value(p), len);
		used += len;
		out[used] = '\0';
	}
	return 0;
}

/*
 * The key as the server wrote it (normalized: host in lower case), from
 * key_parts when it sends them, else key; a key of 127 bytes may be one
 * telemetry cut, so the one typed is printed instead.
 */
static const char *
entry_key(const json_t *d, const char *typed, char *buf, size_t size)
{
	const json_t *k = json_object_get(d, "key");

	if (join_parts(json_object_get(d, "key_parts"), buf, size) == 0)
		return buf;
	if (json_is_string(k) && json_string_length(k) < 127)
		return json_string_value(k);
	return typed;
}

static int
print_get(const json_t *d, char **args)
{
	char uri[URI_MAX], key[URI_MAX];
	const json_t *exp = json_object_get(d, "expires");
	uint64_t e;

	if (join_parts(json_object_get(d, "uri_parts"), uri, sizeof(uri)) < 0) {
		fprintf(stderr, WHO " get: the reply has no uri_parts\n");
		return -1;
	}
	printf("%s %s", entry_key(d, args[0], key, sizeof(key)), uri);
	if (cli_json_u64(exp, &e))
		printf(" %" PRIu64, e);
	putchar('\n');
	return 0;
}

static int
print_added(const json_t *d, char **args)
{
	(void)d;
	printf("added %s\n", args[0]);
	return 0;
}

static int
print_deleted(const json_t *d, char **args)
{
	(void)d;
	printf("deleted %s\n", args[0]);
	return 0;
}

/* "<before>N<after>" with N the reply's entries. */
static int
print_entries(const json_t *d, const char *before, const char *after)
{
	uint64_t n;

	if (!cli_json_u64(json_object_get(d, "entries"), &n)) {
		fprintf(stderr, WHO ": the reply has no entries count\n");
		return -1;
	}
	printf("%s%" PRIu64 "%s\n", before, n, after);
	return 0;
}

static int
print_reloaded(const json_t *d, char **args)
{
	(void)args;
	return print_entries(d, "reloaded ", " entries");
}

static int
print_count(const json_t *d, char **args)
{
	(void)args;
	return print_entries(d, "", "");
}

static const struct verb verbs[] = {
	{"get", "/sipshield/moved/get", 1, 1, print_get},
	{"add", "/sipshield/moved/add", 2, 3, print_added},
	{"del", "/sipshield/moved/del", 1, 1, print_deleted},
	{"reload", "/sipshield/moved/reload", 0, 0, print_reloaded},
	{"count", "/sipshield/moved/count", 0, 0, print_count},
};

static const struct verb *
find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

/* Key, URI and expires checked here so that a typo costs no round trip. */
static int
check_args(const struct verb *v, char **args, int n)
{
	if (n >= 1 && args[0][0] == '\0') {
		fprintf(stderr, WHO " %s: KEY is empty\n", v->name);
		return -1;
	}
	if (n >= 2 && args[1][0] == '\0') {
		fprintf(stderr, WHO " %s: URI is empty\n", v->name);
		return -1;
	}
	if (n == 3 && (args[2][0] == '\0' || strspn(args[2], "0123456789") != strlen(args[2]) ||
			strlen(args[2]) > 10)) {
		fprintf(stderr, WHO " %s: EXPIRES \"%s\": expected seconds, a whole number\n",
				v->name, args[2]);
		return -1;
	}
	return 0;
}

/* The parameters: each operand escaped, joined with ','. */
static int
build_params(char **args, int n, char *out, size_t size)
{
	size_t used = 0;
	int len;

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i > 0) {
			if (used + 1 >= size)
				return -1;
			out[used++] = ',';
		}
		len = cli_tel_escape(args[i], out + used, size - used);
		if (len < 0)
			return -1;
		used += (size_t)len;
	}
	return 0;
}

static int
run_verb(const struct verb *v, char **args, int n, struct cli_opts *o)
{
	char params[CLI_TEL_REQUEST_MAX + 1], who[64];
	json_t *d;
	int rc;

	snprintf(who, sizeof(who), WHO " %s", v->name);
	if (build_params(args, n, params, sizeof(params)) < 0) {
		fprintf(stderr, "%s: the request is too long: DPDK telemetry reads at most %d bytes\n",
				who, CLI_TEL_REQUEST_MAX);
		return CLI_EXIT_FAIL;
	}
	if (cli_tel_query(o, who, v->cmd, n > 0 ? params : NULL, &d) < 0)
		return CLI_EXIT_FAIL;
	rc = o->json ? cli_json_print(d) : v->print(d, args);
	json_decref(d);
	return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int
cli_moved(int argc, char **argv, struct cli_opts *o)
{
	const struct verb *v;
	char name[32];
	int first;

	first = cli_opts_parse(argc, argv, "moved", CLI_OPT_JSON, o, cli_moved_usage);
	if (first < 0)
		return CLI_EXIT_USAGE;
	if (first == argc) {
		fprintf(stderr, WHO ": missing get, add, del, reload or count (try --help)\n");
		return CLI_EXIT_USAGE;
	}
	v = find_verb(argv[first]);
	if (v == NULL) {
		fprintf(stderr, WHO ": unknown \"%s\": expected get, add, del, reload or count\n",
				argv[first]);
		return CLI_EXIT_USAGE;
	}
	snprintf(name, sizeof(name), "moved %s", v->name);
	first++;
	if (cli_opts_operands(name, argv + first, argc - first, v->min, v->max) < 0 ||
			check_args(v, argv + first, argc - first) < 0)
		return CLI_EXIT_USAGE;
	return run_verb(v, argv + first, argc - first, o);
}
