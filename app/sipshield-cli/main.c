/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* sipshield-cli: dispatch to a subcommand. */

#include <stdio.h>
#include <string.h>

#include "cli.h"

static void
usage(FILE *out)
{
	fputs("Usage: sipshield-cli COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"Operator's tool for sipshield, the inline SIP edge filter.\n"
		"\n"
		"Commands:\n"
		"  check     what sipshield would do with SIP messages in files (offline)\n"
		"  help      this text, or `help COMMAND` for a command's own help\n"
		"\n"
		"Run `sipshield-cli COMMAND --help` for the options of a command.\n"
		"\n"
		"Exit status: 0 success, 1 failure, 2 bad usage.\n", out);
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (cmd == NULL) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
			strcmp(cmd, "help") == 0) {
		if (argc > 2 && strcmp(argv[2], "check") == 0)
			cli_check_usage(stdout);
		else
			usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(cmd, "check") == 0)
		return cli_check(argc - 1, argv + 1);
	fprintf(stderr, "sipshield-cli: unknown command \"%s\" (try --help)\n", cmd);
	return CLI_EXIT_USAGE;
}
