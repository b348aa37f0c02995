/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* SipHash-2-4 (Aumasson, Bernstein 2012), fed in pieces. */

#pragma once

#include <stddef.h>
#include <stdint.h>

struct siphash {
	uint64_t v0, v1, v2, v3;
	uint64_t tail;		/* bytes not yet in a full word, little-endian */
	unsigned int ntail;
	uint64_t total;
};

void siphash_init(struct siphash *h, const uint8_t key[16]);
void siphash_update(struct siphash *h, const void *data, size_t len);
uint64_t siphash_final(struct siphash *h);

/* One call over a contiguous buffer: the fast path. */
uint64_t siphash(const uint8_t key[16], const void *data, size_t len);
