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

#include <stdbool.h>
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
 * Bit i of the result: p[i] is 'u' or 'U', for the 64 bytes at p. OR-ing
 * 0x20 folds exactly those two bytes onto 'u' (0x55 | 0x20 == 0x75).
 */
static inline uint64_t
scan_mask_u(const char *p)
{
#if defined(__AVX512BW__)
	return _mm512_cmpeq_epi8_mask(_mm512_or_si512(_mm512_loadu_si512(p),
			_mm512_set1_epi8(0x20)), _mm512_set1_epi8('u'));
#elif defined(__AVX2__)
	const __m256i lo20 = _mm256_set1_epi8(0x20), u = _mm256_set1_epi8('u');
	uint32_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_or_si256(
			_mm256_loadu_si256((const __m256i *)p), lo20), u));
	uint32_t hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_or_si256(
			_mm256_loadu_si256((const __m256i *)(p + 32)), lo20), u));

	return (uint64_t)hi << 32 | lo;
#elif defined(__SSE2__)
	const __m128i lo20 = _mm_set1_epi8(0x20), u = _mm_set1_epi8('u');
	uint64_t m = 0;

	for (int i = 0; i < 4; i++)
		m |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(
				_mm_loadu_si128((const __m128i *)(p + 16 * i)), lo20), u))
			<< (16 * i);
	return m;
#else
	uint64_t m = 0;

	for (int i = 0; i < SCAN_BLOCK; i++)
		m |= (uint64_t)((p[i] | 0x20) == 'u') << i;
	return m;
#endif
}

/*
 * Is the line starting at off the header a caller looks for? Used by
 * scan_blank_line_u() on each line that starts with 'U' or 'u'.
 */
typedef bool (*scan_line_pred)(const char *base, uint32_t len, uint32_t off);

/*
 * Offset just past the first empty line at or after from (from being at
 * a LF that ends a line): the end of a header section, "LF LF" or
 * "LF CR LF". Returns 0 when there is none. One pass of two masks per
 * 64 bytes; the last two bits of a block look into the next one.
 *
 * With pred != NULL, also *u_line = the offset of the first line before
 * the end that starts with 'U'/'u' and satisfies pred (UINT32_MAX: none):
 * one more mask per block, and pred runs only on such lines. Constant
 * pred: the compiler inlines both variants.
 */
static inline __attribute__((always_inline)) uint32_t
scan_blank_line_u(const char *base, uint32_t len, uint32_t from, scan_line_pred pred,
		uint32_t *u_line)
{
	uint32_t block = from & ~(uint32_t)(SCAN_BLOCK - 1);
	uint64_t lf, cr, u = 0, next_lf = 0, next_cr = 0, next_u = 0, carry = 0;
	/* line starts count after from only: bits above from - block */
	uint64_t after = from - block == SCAN_BLOCK - 1 ? 0 : ~0ULL << (from - block + 1);
	bool want_u = pred != NULL;
	char tail[SCAN_BLOCK];
	const char *p;

	if (want_u)
		*u_line = UINT32_MAX;
	if (from >= len)
		return 0;
	p = scan_block(base, len, block, tail);
	lf = scan_mask(p, '\n');
	cr = scan_mask(p, '\r');
	if (want_u)
		u = scan_mask_u(p);
	for (;;) {
		uint32_t next = block + SCAN_BLOCK;
		uint64_t lf1, cr1, lf2, hit1, hit2, live = ~0ULL;
		uint32_t end = 0;

		if (next < len) {
			p = scan_block(base, len, next, tail);
			next_lf = scan_mask(p, '\n');
			next_cr = scan_mask(p, '\r');
			if (want_u)
				next_u = scan_mask_u(p);
		} else {
			next_lf = next_cr = next_u = 0;
		}
		/* bits shifted down by one and two, with the next block's low bits */
		lf1 = lf >> 1 | next_lf << 63;
		cr1 = cr >> 1 | next_cr << 63;
		lf2 = lf >> 2 | next_lf << 62;
		hit1 = lf & lf1;		/* LF LF: ends at bit + 2 */
		hit2 = lf & cr1 & lf2;		/* LF CR LF: ends at bit + 3 */
		if (block < from) {
			live = ~0ULL << (from - block);
			hit1 &= live;
			hit2 &= live;
		}
		if ((hit1 | hit2) != 0) {
			uint32_t e1 = hit1 ? (uint32_t)__builtin_ctzll(hit1) + 2 : UINT32_MAX;
			uint32_t e2 = hit2 ? (uint32_t)__builtin_ctzll(hit2) + 3 : UINT32_MAX;

			end = block + (e1 < e2 ? e1 : e2);
		}
		if (want_u && *u_line == UINT32_MAX) {
			/* a 'U' right after a LF (the LF at from included), before the end */
			uint64_t starts = u & (lf << 1 | carry) & after;

			if (end != 0 && end - block < SCAN_BLOCK)
				starts &= (1ULL << (end - block)) - 1;
			while (starts != 0) {
				uint32_t off = block + (uint32_t)__builtin_ctzll(starts);

				if (pred(base, len, off)) {
					*u_line = off;
					break;
				}
				starts &= starts - 1;
			}
			carry = lf >> 63;
			after = ~0ULL;
		}
		if (end != 0)
			return end;
		if (next >= len)
			return 0;
		block = next;
		lf = next_lf;
		cr = next_cr;
		u = next_u;
	}
}

static inline uint32_t
scan_blank_line(const char *base, uint32_t len, uint32_t from)
{
	return scan_blank_line_u(base, len, from, NULL, NULL);
}
