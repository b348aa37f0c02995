/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * `sipshield-cli mode` and `sipshield-cli rule`: show or switch, live, the
 * mode (enforce | monitor) and the per-rule switches of a running
 * sipshield (/sipshield/mode, /sipshield/rule). The data plane applies a
 * switch from its workers' next burst on, with no restart.
 */

#include <string.h>

#include "cli.h"
#include "table.h"
#include "telemetry.h"

#define VALUE_MAX 256

static const char rules_help[] =
	"Rules (each on or off; [filter] in the configuration sets them at start):\n"
	"  answer_423     answer too-brief REGISTER/SUBSCRIBE with 423\n"
	"  answer_302     answer requests to moved users with 302\n"
	"  drop_not_sip   drop garbage on a SIP port (off: it passes, passed_not_sip)\n"
	"  drop_scanners  drop requests from SIP scanners\n"
	"  request_limit  enforce [limits] requests_per_source\n"
	"  reply_limit    enforce [limits] replies_per_source and replies_node\n";

void
cli_mode_usage(FILE *out)
{
	fputs("Usage: sipshield-cli mode [monitor|enforce] [--json] [--file-prefix P]\n"
		"                         [--runtime-dir DIR]\n"
		"\n"
		"Without an argument, print the mode and the rules in force. With one,\n"
		"switch the running sipshield live, without a restart:\n"
		"  monitor   every packet passes as on a plain wire; what enforce mode\n"
		"            would have done is counted as would_* (sipshield-cli stats)\n"
		"  enforce   the rules that are on act on the traffic\n"
		"\n"
		"Options:\n"
		"  -j, --json          print the reply as it came, as indented JSON.\n", out);
	fputs(cli_opts_common_help, out);
	fputs("\n", out);
	fputs(cli_opts_exit_help, out);
	fputs("\n"
		"Example:\n"
		"  sipshield-cli mode monitor; sleep 3600; sipshield-cli stats | grep would_\n",
		out);
}

void
cli_rule_usage(FILE *out)
{
	fputs("Usage: sipshield-cli rule [RULE on|off] [--json] [--file-prefix P]\n"
		"                         [--runtime-dir DIR]\n"
		"\n"
		"Without arguments, print the mode and the rules in force. With RULE and\n"
		"on or off, switch that rule in the running sipshield, without a\n"
		"restart. A rule that is off is not evaluated: the later rules decide.\n"
		"\n", out);
	fputs(rules_help, out);
	fputs("\n"
		"Options:\n"
		"  -j, --json          print the reply as it came, as indented JSON.\n", out);
	fputs(cli_opts_common_help, out);
	fputs("\n", out);
	fputs(cli_opts_exit_help, out);
	fputs("\n"
		"Example:\n"
		"  sipshield-cli rule answer_423 on\n", out);
}

static int
print_rules(const json_t *d)
{
	char text[VALUE_MAX];
	struct cli_table t;
	const char *key;
	json_t *v;
	int rc;

	cli_table_init(&t, "ll");
	json_object_foreach((json_t *)d, key, v) {
		cli_json_text(v, text, sizeof(text));
		cli_table_row(&t);
		/* the reply's keys are /sipshield/config's: filter_<rule> */
		cli_table_cell(&t, "%s", strncmp(key, "filter_", 7) == 0 ? key + 7 : key);
		cli_table_cell(&t, "%s", text);
	}
	rc = cli_table_print(&t, stdout);
	cli_table_free(&t);
	return rc;
}

static int
query(struct cli_opts *o, const char *who, const char *cmd, const char *params)
{
	json_t *d;
	int rc;

	if (cli_tel_query(o, who, cmd, params, &d) < 0)
		return CLI_EXIT_FAIL;
	rc = o->json ? cli_json_print(d) : print_rules(d);
	json_decref(d);
	return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int
cli_mode(int argc, char **argv, struct cli_opts *o)
{
	int first, n;

	first = cli_opts_parse(argc, argv, "mode", CLI_OPT_JSON, o, cli_mode_usage);
	if (first < 0)
		return CLI_EXIT_USAGE;
	n = argc - first;
	if (cli_opts_operands("mode", argv + first, n, 0, 1) < 0)
		return CLI_EXIT_USAGE;
	if (n == 1 && strcmp(argv[first], "monitor") != 0 &&
			strcmp(argv[first], "enforce") != 0) {
		fprintf(stderr, "sipshield-cli mode: \"%s\": expected monitor or enforce\n",
				argv[first]);
		return CLI_EXIT_USAGE;
	}
	return query(o, "sipshield-cli mode", "/sipshield/mode", n == 1 ? argv[first] : NULL);
}

int
cli_rule(int argc, char **argv, struct cli_opts *o)
{
	char params[128];
	int first, n;

	first = cli_opts_parse(argc, argv, "rule", CLI_OPT_JSON, o, cli_rule_usage);
	if (first < 0)
		return CLI_EXIT_USAGE;
	n = argc - first;
	if (n == 1 || cli_opts_operands("rule", argv + first, n, 0, 2) < 0) {
		if (n == 1)
			fprintf(stderr, "sipshield-cli rule: give RULE and on or off (see --help)\n");
		return CLI_EXIT_USAGE;
	}
	if (n == 0)
		return query(o, "sipshield-cli rule", "/sipshield/rule", NULL);
	if (strcmp(argv[first + 1], "on") != 0 && strcmp(argv[first + 1], "off") != 0) {
		fprintf(stderr, "sipshield-cli rule: \"%s\": expected on or off\n", argv[first + 1]);
		return CLI_EXIT_USAGE;
	}
	/* a rule name is [a-z_0-9]: nothing in it needs telemetry's %-escaping */
	if (strspn(argv[first], "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(argv[first]) ||
			strlen(argv[first]) > 64) {
		fprintf(stderr, "sipshield-cli rule: unknown rule \"%s\" (see --help)\n",
				argv[first]);
		return CLI_EXIT_USAGE;
	}
	snprintf(params, sizeof(params), "%s,%s", argv[first], argv[first + 1]);
	return query(o, "sipshield-cli rule", "/sipshield/rule", params);
}
