/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

#define GAP 2	/* spaces between columns */

void
cli_table_init(struct cli_table *t, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->align = align;
	t->ncols = (unsigned int)strlen(align);
}

static bool
row_empty(const struct cli_table *t, unsigned int r)
{
	for (unsigned int c = 0; c < t->ncols; c++)
		if (t->cells[r * t->ncols + c] != NULL)
			return false;
	return true;
}

void
cli_table_row(struct cli_table *t)
{
	char **cells;
	unsigned int cap;

	if (t->failed)
		return;
	if (t->nrows == t->cap) {
		cap = t->cap == 0 ? 32 : 2 * t->cap;
		cells = realloc(t->cells, (size_t)cap * t->ncols * sizeof(*cells));
		if (cells == NULL) {
			t->failed = true;
			return;
		}
		t->cells = cells;
		t->cap = cap;
	}
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(*t->cells));
	t->nrows++;
	t->next = 0;
}

void
cli_table_cell(struct cli_table *t, const char *fmt, ...)
{
	va_list ap, again;
	char *text;
	int n;

	if (t->failed || t->nrows == 0 || t->next == t->ncols)
		return;
	va_start(ap, fmt);
	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	text = n < 0 ? NULL : malloc((size_t)n + 1);
	if (text != NULL)
		vsnprintf(text, (size_t)n + 1, fmt, again);
	va_end(again);
	va_end(ap);
	if (text == NULL) {
		t->failed = true;
		return;
	}
	t->cells[(t->nrows - 1) * t->ncols + t->next++] = text;
}

void
cli_table_blank(struct cli_table *t)
{
	if (t->nrows == 0 || row_empty(t, t->nrows - 1))
		return;
	cli_table_row(t);
	t->next = t->ncols;	/* nothing goes into a blank row */
}

/* The widest cell of each column into width[]. */
static void
measure(const struct cli_table *t, size_t *width)
{
	for (unsigned int c = 0; c < t->ncols; c++) {
		width[c] = 0;
		for (unsigned int r = 0; r < t->nrows; r++) {
			const char *s = t->cells[r * t->ncols + c];

			if (s != NULL && strlen(s) > width[c])
				width[c] = strlen(s);
		}
	}
}

/* The last column that holds text in row r, or -1. */
static int
last_cell(const struct cli_table *t, unsigned int r)
{
	for (int c = (int)t->ncols - 1; c >= 0; c--) {
		const char *s = t->cells[r * t->ncols + (unsigned int)c];

		if (s != NULL && s[0] != '\0')
			return c;
	}
	return -1;
}

static void
print_row(const struct cli_table *t, unsigned int r, const size_t *width, FILE *out)
{
	int last = last_cell(t, r);

	for (int c = 0; c <= last; c++) {
		const char *s = t->cells[r * t->ncols + (unsigned int)c];
		int w = (int)width[c];

		if (s == NULL)
			s = "";
		if (c > 0)
			fprintf(out, "%*s", GAP, "");
		/* the last cell, left aligned, needs no padding after it */
		if (t->align[c] == 'r')
			fprintf(out, "%*s", w, s);
		else if (c == last)
			fputs(s, out);
		else
			fprintf(out, "%-*s", w, s);
	}
	fputc('\n', out);
}

int
cli_table_print(const struct cli_table *t, FILE *out)
{
	size_t *width;

	if (t->failed) {
		fprintf(stderr, "sipshield-cli: out of memory\n");
		return -1;
	}
	width = calloc(t->ncols + 1, sizeof(*width));
	if (width == NULL) {
		fprintf(stderr, "sipshield-cli: out of memory\n");
		return -1;
	}
	measure(t, width);
	/* a trailing blank row separates nothing */
	for (unsigned int r = 0; r < t->nrows; r++)
		if (r + 1 < t->nrows || !row_empty(t, r))
			print_row(t, r, width, out);
	free(width);
	return 0;
}

void
cli_table_free(struct cli_table *t)
{
	for (unsigned int i = 0; t->cells != NULL && i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
