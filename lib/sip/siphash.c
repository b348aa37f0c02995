/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * SipHash-2-4: a keyed hash, so that the To tags sipshield hands out can
 * be recognised on the ACK without keeping state, and cannot be forged
 * without the fleet's secret.
 */

#include <string.h>

#include "siphash.h"

static inline uint64_t
rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void
sip_round(struct siphash *h)
{
	h->v0 += h->v1;
	h->v1 = rotl(h->v1, 13);
	h->v1 ^= h->v0;
	h->v0 = rotl(h->v0, 32);
	h->v2 += h->v3;
	h->v3 = rotl(h->v3, 16);
	h->v3 ^= h->v2;
	h->v0 += h->v3;
	h->v3 = rotl(h->v3, 21);
	h->v3 ^= h->v0;
	h->v2 += h->v1;
	h->v1 = rotl(h->v1, 17);
	h->v1 ^= h->v2;
	h->v2 = rotl(h->v2, 32);
}

static inline void
compress(struct siphash *h, uint64_t m)
{
	h->v3 ^= m;
	sip_round(h);
	sip_round(h);
	h->v0 ^= m;
}

void
siphash_init(struct siphash *h, const uint8_t key[16])
{
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);

	h->v0 = k0 ^ 0x736f6d6570736575ULL;
	h->v1 = k1 ^ 0x646f72616e646f6dULL;
	h->v2 = k0 ^ 0x6c7967656e657261ULL;
	h->v3 = k1 ^ 0x7465646279746573ULL;
	h->tail = 0;
	h->ntail = 0;
	h->total = 0;
}

void
siphash_update(struct siphash *h, const void *data, size_t len)
{
	const uint8_t *p = data;

	h->total += len;
	while (len > 0 && h->ntail != 0) {
		h->tail |= (uint64_t)*p++ << (8 * h->ntail);
		len--;
		if (++h->ntail == 8) {
			compress(h, h->tail);
			h->tail = 0;
			h->ntail = 0;
		}
	}
	for (; len >= 8; p += 8, len -= 8)
		compress(h, load_le64(p));
	for (; len > 0; len--)
		h->tail |= (uint64_t)*p++ << (8 * h->ntail++);
}

uint64_t
siphash_final(struct siphash *h)
{
	compress(h, h->tail | (h->total << 56));
	h->v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(h);
	return h->v0 ^ h->v1 ^ h->v2 ^ h->v3;
}

uint64_t
siphash(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *p = data;
	struct siphash h;
	uint64_t last = 0;
	size_t words = len / 8;

	siphash_init(&h, key);
	for (size_t i = 0; i < words; i++)
		compress(&h, load_le64(p + 8 * i));
	memcpy(&last, p + 8 * words, len % 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	last = __builtin_bswap64(last);
#endif
	h.tail = last;
	h.total = len;
	return siphash_final(&h);
}
