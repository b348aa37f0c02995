/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Line and colon finder for the header walk. Instead of two memchr calls
 * per header line (a call and a setup each, for lines of ~40 bytes), one
 * 64-byte block at a time is turned into two bit masks, LF positions and
 * ':' positions, and each search is a shift and a count of trailing zeros.
 * Blocks are loaded only as the walk reaches them, so the body after the
 * header section is mostly never touched. The last partial block is
 * copied into a zeroed buffer: nothing is read past the message.
 */

#pragma once

#include <stdint.h>
#include <string.h>

#if defined(__AVX512BW__) || defined(__AVX2__) || defined(__SSE2__)
#include <immintrin.h>
#endif

#define SCAN_BLOCK 64

struct scan {
	const char *base;
	uint32_t len;
	uint32_t block;		/* offset of the block in the masks, or UINT32_MAX */
	uint64_t nl;		/* bit i: base[block + i] == '\n' */
	uint64_t colon;		/* bit i: base[block + i] == ':' */
};

static inline void
scan_init(struct scan *s, const char *base, uint32_t len)
{
	s->base = base;
	s->len = len;
	s->block = UINT32_MAX;
	s->nl = 0;
	s->colon = 0;
}

/* Bit i of the result: p[i] == c, for the 64 bytes at p. */
static inline uint64_t
scan_mask(const char *p, char c)
{
#if defined(__AVX512BW__)
	return _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p), _mm512_set1_epi8(c));
#elif defined(__AVX2__)
	const __m256i cc = _mm256_set1_epi8(c);
	uint32_t lo = (uint32_t)_mm256_movemask_epi8(
			_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)p), cc));
	uint32_t hi = (uint32_t)_mm256_movemask_epi8(
			_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + 32)), cc));

	return (uint64_t)hi << 32 | lo;
#elif defined(__SSE2__)
	const __m128i cc = _mm_set1_epi8(c);
	uint64_t m = 0;

	for (int i = 0; i < 4; i++)
		m |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
				_mm_loadu_si128((const __m128i *)(p + 16 * i)), cc)) << (16 * i);
	return m;
#else
	uint64_t m = 0;

	for (int i = 0; i < SCAN_BLOCK; i++)
		m |= (uint64_t)(p[i] == c) << i;
	return m;
#endif
}

/* The block at off, or a zero-padded copy of the message's last bytes. */
static inline const char *
scan_block(const char *base, uint32_t len, uint32_t off, char tail[SCAN_BLOCK])
{
	if (len - off >= SCAN_BLOCK)
		return base + off;
	memset(tail, 0, SCAN_BLOCK);
	memcpy(tail, base + off, len - off);
	return tail;
}

static inline void
scan_load(struct scan *s, uint32_t block)
{
	char tail[SCAN_BLOCK];
	const char *p = scan_block(s->base, s->len, block, tail);

	s->nl = scan_mask(p, '\n');
	s->colon = scan_mask(p, ':');
	s->block = block;
}

enum scan_what {
	SCAN_LF,		/* the next LF */
	SCAN_COLON_OR_LF,	/* the next ':' or LF, whichever comes first */
};

/*
 * Offset of the next byte of the kind asked for at or after from, or
 * s->len when there is none. Searches only move forward through the
 * message, so each block is turned into masks once.
 */
static inline uint32_t
scan_next(struct scan *s, uint32_t from, enum scan_what what)
{
	while (from < s->len) {
		uint32_t block = from & ~(uint32_t)(SCAN_BLOCK - 1);
		uint64_t m;

		if (block != s->block)
			scan_load(s, block);
		m = (what == SCAN_LF ? s->nl : s->nl | s->colon) >> (from - block);
		if (m != 0)
			return from + (uint32_t)__builtin_ctzll(m);
		from = block + SCAN_BLOCK;
	}
	return s->len;
}

/*
 * Offset just past the first empty line at or after from (from being at
 * a LF that ends a line): the end of a header section, "LF LF" or
 * "LF CR LF". Returns 0 when there is none. One pass of two masks per
 * 64 bytes; the last two bits of a block look into the next one.
 */
static inline uint32_t
scan_blank_line(const char *base, uint32_t len, uint32_t from)
{
	uint32_t block = from & ~(uint32_t)(SCAN_BLOCK - 1);
	uint64_t lf, cr, next_lf = 0, next_cr = 0;
	char tail[SCAN_BLOCK];
	const char *p;

	if (from >= len)
		return 0;
	p = scan_block(base, len, block, tail);
	lf = scan_mask(p, '\n');
	cr = scan_mask(p, '\r');
	for (;;) {
		uint32_t next = block + SCAN_BLOCK;
		uint64_t lf1, cr1, lf2, hit1, hit2;

		if (next < len) {
			p = scan_block(base, len, next, tail);
			next_lf = scan_mask(p, '\n');
			next_cr = scan_mask(p, '\r');
		} else {
			next_lf = next_cr = 0;
		}
		/* bits shifted down by one and two, with the next block's low bits */
		lf1 = lf >> 1 | next_lf << 63;
		cr1 = cr >> 1 | next_cr << 63;
		lf2 = lf >> 2 | next_lf << 62;
		hit1 = lf & lf1;		/* LF LF: ends at bit + 2 */
		hit2 = lf & cr1 & lf2;		/* LF CR LF: ends at bit + 3 */
		if (block < from) {
			hit1 &= ~0ULL << (from - block);
			hit2 &= ~0ULL << (from - block);
		}
		if ((hit1 | hit2) != 0) {
			uint32_t e1 = hit1 ? (uint32_t)__builtin_ctzll(hit1) + 2 : UINT32_MAX;
			uint32_t e2 = hit2 ? (uint32_t)__builtin_ctzll(hit2) + 3 : UINT32_MAX;

			return block + (e1 < e2 ? e1 : e2);
		}
		if (next >= len)
			return 0;
		block = next;
		lf = next_lf;
		cr = next_cr;
	}
}
