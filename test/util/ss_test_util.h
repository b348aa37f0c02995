/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* Helpers shared by the unit tests: test data files. */

#pragma once

#include <stdio.h>
#include <stdlib.h>

/* Directory of test/data, from SS_TEST_DATA (set by meson) or the cwd. */
static inline const char *
ss_test_data_dir(void)
{
	const char *d = getenv("SS_TEST_DATA");

	return d != NULL ? d : "test/data";
}

/* Read test/data/<rel> into a malloc'd buffer; aborts the test run on failure. */
static inline char *
ss_test_read(const char *rel, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", ss_test_data_dir(), rel);
	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		abort();
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}
