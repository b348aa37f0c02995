/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* sipshield-cli: subcommands share this interface. */

#pragma once

/* Exit statuses of every subcommand. */
#define CLI_EXIT_OK	0
#define CLI_EXIT_FAIL	1	/* the command ran and something failed */
#define CLI_EXIT_USAGE	2	/* bad arguments */

/* `check`: what sipshield would do with messages in files. */
int cli_check(int argc, char **argv);
void cli_check_usage(FILE *out);
