/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * `sipshield-cli check`: run the filter's own decision code (lib/filter,
 * the function the workers call) over messages in files, and print the
 * verdict and the exact reply. No ports, no hugepages: EAL starts only
 * for the moved table's rte_hash.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <jansson.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "ss_conf.h"
#include "ss_filter.h"
#include "ss_sip.h"
#include "cli.h"

#define MAX_DATAGRAM 65535

struct check_opts {
	const char *config;
	const char *src_text;
	struct ss_sip_addr src;
	bool json;
};

void
cli_check_usage(FILE *out)
{
	fputs("Usage: sipshield-cli check [--config FILE] [--src ADDR:PORT] [--json] FILE...\n"
		"\n"
		"Read each FILE as one SIP message (the UDP payload, raw bytes) and print\n"
		"what sipshield would do with it, using the same decision code as the\n"
		"data plane:\n"
		"\n"
		"  FILE: VERDICT REASON\n"
		"\n"
		"VERDICT is 423 or 302 (answered; the exact reply bytes follow the line),\n"
		"pass (forwarded untouched) or drop. REASON names the rule, e.g. too_brief,\n"
		"moved, expires_ok, no_expiry, contact_star, in_dialog, not_moved,\n"
		"would_amplify, response, keepalive, not_sip, ack_absorbed.\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE   sipshield configuration (minimums, redirect_methods,\n"
		"                      moved_table, tag_secret). Default: built-in defaults\n"
		"                      (min_expires 60, redirect INVITE, no moved table).\n"
		"  -s, --src ADDR:PORT source the message is taken to come from, IPv4 or\n"
		"                      [IPv6]:PORT; decides received= and rport= in the\n"
		"                      reply. Default: 192.0.2.1:5060.\n"
		"  -j, --json          one JSON object per line and file:\n"
		"                      {\"file\", \"verdict\", \"reason\", \"reply\"}; reply (423/302\n"
		"                      only) holds the reply bytes, one character per byte.\n"
		"  -h, --help          this text.\n"
		"\n"
		"Without tag_secret in the config, the To tag of replies is made with an\n"
		"all-zero secret so that the output is reproducible (the data plane picks a\n"
		"random one).\n"
		"\n"
		"Exit status: 0 when every file was read, 1 when a file could not be read\n"
		"or the configuration is bad, 2 on bad usage.\n"
		"\n"
		"Example:\n"
		"  sipshield-cli check --config /etc/sipshield/sipshield.conf register.sip\n", out);
}

/* ADDR:PORT or [IPV6]:PORT. */
static int
parse_src(const char *text, struct ss_sip_addr *a)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *h = text;
	size_t hl;
	char *end;
	unsigned long port;

	if (*text == '[') {
		const char *close = strchr(text, ']');

		if (close == NULL || close[1] != ':')
			return -EINVAL;
		h = text + 1;
		hl = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL)
			return -EINVAL;
		hl = (size_t)(colon - text);
	}
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || colon[1] == '\0' || port == 0 || port > 65535)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->port = (uint16_t)port;
	if (*text != '[' && inet_pton(AF_INET, host, a->addr) == 1) {
		a->family = 4;
		return 0;
	}
	if (*text == '[' && inet_pton(AF_INET6, host, a->addr) == 1) {
		a->family = 6;
		return 0;
	}
	return -EINVAL;
}

static int
parse_opts(int argc, char **argv, struct check_opts *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"src", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->src_text = "192.0.2.1:5060";
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:s:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 's':
			o->src_text = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			cli_check_usage(stdout);
			exit(CLI_EXIT_OK);
		default:
			return -EINVAL;
		}
	}
	if (parse_src(o->src_text, &o->src) < 0) {
		fprintf(stderr, "sipshield-cli check: --src \"%s\": expected ADDR:PORT or [IPV6]:PORT, port 1..65535\n",
				o->src_text);
		return -EINVAL;
	}
	if (optind >= argc) {
		fprintf(stderr, "sipshield-cli check: no FILE given (try --help)\n");
		return -EINVAL;
	}
	return 0;
}

/* EAL for rte_hash only: no PCI, no hugepages, no files, quiet. */
static int
start_eal(unsigned int table_entries)
{
	char mem[16];
	char *argv[] = {"sipshield-cli", "--no-huge", "--no-pci", "--no-shconf",
		"--no-telemetry", "--log-level", "lib.*:error", "-m", mem, NULL};

	/* a few hundred bytes of hash per entry, and EAL's own needs */
	snprintf(mem, sizeof(mem), "%u", 64 + table_entries / 2048);
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		fprintf(stderr, "sipshield-cli check: cannot start DPDK EAL: %s\n",
				rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static int
setup_filter(const struct check_opts *o, struct ss_conf *conf, struct ss_filter *f,
		struct ss_sip_hs **hs)
{
	char err[SS_CONF_ERR_MAX];
	const char *hs_err;
	int n = 0;

	ss_conf_defaults(conf);
	if (o->config != NULL && ss_conf_load(conf, o->config, err, sizeof(err)) < 0) {
		fprintf(stderr, "sipshield-cli check: %s\n", err);
		return -1;
	}
	if (conf->moved_table[0] != '\0') {
		n = ss_moved_count_file(conf->moved_table);
		if (n < 0) {
			fprintf(stderr, "sipshield-cli check: %s: cannot open: %s\n",
					conf->moved_table, strerror(-n));
			return -1;
		}
	}
	if (start_eal((unsigned int)n) < 0)
		return -1;
	*hs = ss_sip_hs_create(&hs_err);
	if (*hs == NULL) {
		fprintf(stderr, "sipshield-cli check: %s\n", hs_err);
		return -1;
	}
	ss_filter_init(f, conf, *hs);
	if (conf->tag_secret[0] != '\0' &&
			ss_conf_read_secret(conf->tag_secret, f->secret, err, sizeof(err)) < 0) {
		fprintf(stderr, "sipshield-cli check: %s\n", err);
		return -1;
	}
	if (conf->moved_table[0] == '\0')
		return 0;
	f->moved = ss_moved_create("check_moved", (uint32_t)n + n / 4 + 8, SOCKET_ID_ANY);
	if (f->moved == NULL) {
		fprintf(stderr, "sipshield-cli check: cannot create the moved table (%u entries): %s\n",
				n, rte_strerror(rte_errno));
		return -1;
	}
	if (ss_moved_load_file(f->moved, conf->moved_table, err, sizeof(err)) < 0) {
		fprintf(stderr, "sipshield-cli check: %s\n", err);
		return -1;
	}
	return 0;
}

/* Read a whole file of at most MAX_DATAGRAM bytes into buf. */
static ssize_t
read_message(const char *path, char *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "sipshield-cli check: %s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, MAX_DATAGRAM + 1, f);
	if (ferror(f)) {
		fprintf(stderr, "sipshield-cli check: %s: read error\n", path);
		n = (size_t)-1;
	} else if (n > MAX_DATAGRAM) {
		fprintf(stderr, "sipshield-cli check: %s: larger than a UDP datagram (%d bytes)\n",
				path, MAX_DATAGRAM);
		n = (size_t)-1;
	}
	fclose(f);
	return (ssize_t)n;
}

static const char *
verdict_word(const struct ss_filter_result *r)
{
	if (r->verdict == SS_VERDICT_ANSWER)
		return r->code == 423 ? "423" : "302";
	return r->verdict == SS_VERDICT_DROP ? "drop" : "pass";
}

/* Bytes as code points U+0000..U+00FF, so JSON can carry any byte. */
static json_t *
json_bytes(const char *p, size_t n)
{
	char *utf8 = malloc(2 * n + 1);
	size_t k = 0;
	json_t *s;

	if (utf8 == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x80) {
			utf8[k++] = (char)c;
		} else {
			utf8[k++] = (char)(0xc0 | c >> 6);
			utf8[k++] = (char)(0x80 | (c & 0x3f));
		}
	}
	s = json_stringn(utf8, k);
	free(utf8);
	return s;
}

static int
print_json(const char *file, const struct ss_filter_result *r, const char *reply)
{
	json_t *o = json_object();
	json_t *name = json_string(file);
	char *text;
	int rc = 0;

	if (name == NULL)	/* not UTF-8: carry the bytes as they are */
		name = json_bytes(file, strlen(file));
	json_object_set_new(o, "file", name);
	json_object_set_new(o, "verdict", json_string(verdict_word(r)));
	json_object_set_new(o, "reason", json_string(ss_reason_name(r->reason)));
	if (r->verdict == SS_VERDICT_ANSWER)
		json_object_set_new(o, "reply", json_bytes(reply, r->reply_len));
	text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	if (text == NULL) {
		rc = -ENOMEM;
	} else {
		puts(text);
		free(text);
	}
	json_decref(o);
	return rc;
}

static int
check_files(const struct check_opts *o, const struct ss_filter *f, struct ss_sip_scratch *scratch,
		char **files, int n_files)
{
	static char msg[MAX_DATAGRAM + 1];
	static char reply[MAX_DATAGRAM + SS_FILTER_MAX_GROWTH];
	struct ss_filter_result r;
	struct ss_sip_msg sm;
	int status = CLI_EXIT_OK;

	for (int i = 0; i < n_files; i++) {
		ssize_t len = read_message(files[i], msg);

		if (len < 0) {
			status = CLI_EXIT_FAIL;
			continue;
		}
		ss_filter_process(f, scratch, &sm, msg, (size_t)len, &o->src, reply, sizeof(reply),
				&r);
		if (o->json) {
			if (print_json(files[i], &r, reply) < 0)
				status = CLI_EXIT_FAIL;
			continue;
		}
		printf("%s: %s %s\n", files[i], verdict_word(&r), ss_reason_name(r.reason));
		if (r.verdict == SS_VERDICT_ANSWER)
			fwrite(reply, 1, r.reply_len, stdout);
	}
	return status;
}

int
cli_check(int argc, char **argv)
{
	struct check_opts o = {0};
	struct ss_conf conf;
	struct ss_filter f;
	struct ss_sip_hs *hs = NULL;
	struct ss_sip_scratch *scratch;
	int status;

	if (parse_opts(argc, argv, &o) < 0)
		return CLI_EXIT_USAGE;
	if (setup_filter(&o, &conf, &f, &hs) < 0)
		return CLI_EXIT_FAIL;
	scratch = ss_sip_scratch_create(hs);
	if (scratch == NULL) {
		fprintf(stderr, "sipshield-cli check: cannot allocate Hyperscan scratch\n");
		return CLI_EXIT_FAIL;
	}
	status = check_files(&o, &f, scratch, argv + optind, argc - optind);
	fflush(stdout);
	ss_sip_scratch_free(scratch);
	ss_moved_free(f.moved);
	ss_sip_hs_free(hs);
	rte_eal_cleanup();
	return status;
}
