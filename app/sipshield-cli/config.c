/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* `sipshield-cli config`: the configuration in force (/sipshield/config). */

#include "cli.h"
#include "table.h"
#include "telemetry.h"

/* A value as a line holds it: the longest telemetry string is 127 bytes. */
#define VALUE_MAX 256

void
cli_config_usage(FILE *out)
{
	fputs("Usage: sipshield-cli config [--json] [--file-prefix P] [--runtime-dir DIR]\n"
		"\n"
		"Print the configuration the running sipshield uses (telemetry command\n"
		"/sipshield/config): every setting, defaults included, one per line,\n"
		"named SECTION_KEY after the configuration file's [SECTION] key = value\n"
		"(e.g. filter_min_expires), in the order sipshield reports them. This is\n"
		"what was loaded at start-up, which the file may no longer say.\n"
		"\n"
		"Options:\n"
		"  -j, --json          print the reply as it came, as indented JSON.\n", out);
	fputs(cli_opts_common_help, out);
	fputs("\n", out);
	fputs(cli_opts_exit_help, out);
	fputs("\n"
		"Example:\n"
		"  sipshield-cli config | grep ^filter_\n", out);
}

static int
print_config(const json_t *d)
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
		cli_table_cell(&t, "%s", key);
		cli_table_cell(&t, "%s", text);
	}
	rc = cli_table_print(&t, stdout);
	cli_table_free(&t);
	return rc;
}

int
cli_config(int argc, char **argv, struct cli_opts *o)
{
	json_t *d;
	int first, rc;

	first = cli_opts_parse(argc, argv, "config", CLI_OPT_JSON, o, cli_config_usage);
	if (first < 0 || cli_opts_operands("config", argv + first, argc - first, 0, 0) < 0)
		return CLI_EXIT_USAGE;
	if (cli_tel_query(o, "sipshield-cli config", "/sipshield/config", NULL, &d) < 0)
		return CLI_EXIT_FAIL;
	rc = o->json ? cli_json_print(d) : print_config(d);
	json_decref(d);
	return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
