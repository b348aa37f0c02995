/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Aligned text tables for the human output: cells are collected first,
 * so that every column is as wide as its widest cell. Columns are two
 * spaces apart; no line ends in a space.
 *
 * Allocation failures are sticky: the calls after one do nothing and
 * cli_table_print() reports it, so that callers check once.
 */

#pragma once

#include <stdbool.h>
#include <stdio.h>

struct cli_table {
	unsigned int ncols;
	unsigned int nrows;
	unsigned int cap;	/* rows allocated */
	unsigned int next;	/* the next cell of the last row */
	char **cells;		/* nrows x ncols; a row of NULLs prints empty */
	const char *align;	/* per column: 'l' or 'r' */
	bool failed;
};

/* align: one 'l' or 'r' per column, e.g. "lrr"; ncols = its length. */
void cli_table_init(struct cli_table *t, const char *align);

/* Start a row; cells are then filled left to right. */
void cli_table_row(struct cli_table *t);

/* The next cell of the current row (a row that is full ignores more). */
void cli_table_cell(struct cli_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An empty line between groups of rows; none at the top or twice. */
void cli_table_blank(struct cli_table *t);

/* Returns 0, or -1 after a message when an allocation failed. */
int cli_table_print(const struct cli_table *t, FILE *out);

void cli_table_free(struct cli_table *t);
