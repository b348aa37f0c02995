/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Private lexical helpers of lib/sip (RFC 3261 §25.1). Every helper takes
 * a [p, end) range and never reads at or past end.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline bool
lex_is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* LWS inside a value may hold the CRLF of a folded line. */
static inline bool
lex_is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline char
lex_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c | 0x20) : c;
}

static inline bool
lex_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Character classes (sip_lex.c), as a table: one load per byte. */
#define LEX_TOKEN	0x01	/* RFC 3261 §25.1 token */
#define LEX_VALUE_STOP	0x02	/* ends an unquoted value or bare URI: ; , LWS */
#define LEX_URI_STOP	0x04	/* cannot be in a bare URI: LWS < > */
extern const uint8_t lex_class[256];

/* A host byte lower-cased, or 0 for a byte no host holds (<= 0x20, >= 0x80). */
extern const char lex_host_lower[256];

static inline bool
lex_is_token(char c)
{
	return (lex_class[(uint8_t)c] & LEX_TOKEN) != 0;
}

static inline bool
lex_is_value_stop(char c)
{
	return (lex_class[(uint8_t)c] & LEX_VALUE_STOP) != 0;
}

static inline const char *
lex_skip_lws(const char *p, const char *end)
{
	while (p < end && lex_is_lws(*p))
		p++;
	return p;
}

static inline const char *
lex_trim_lws_end(const char *start, const char *end)
{
	while (end > start && lex_is_lws(end[-1]))
		end--;
	return end;
}

/* Caseless compare of p[0..len) with a lower-case literal of that length. */
static inline bool
lex_eq_lower(const char *p, size_t len, const char *lit, size_t lit_len)
{
	if (len != lit_len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (lex_lower(p[i]) != lit[i])
			return false;
	return true;
}

#define LEX_EQ(p, len, lit) lex_eq_lower((p), (len), (lit), sizeof(lit) - 1)

/*
 * p at an opening quote: return the byte after the closing quote, or NULL
 * when the string is not terminated (quoted-pair escapes any byte).
 */
const char *lex_skip_quoted(const char *p, const char *end);

/*
 * Skip one name-addr or addr-spec (RFC 3261 §20.10, §25.1) starting at p:
 * a quoted or token display name, then <URI>, or a bare URI ending at
 * ';', ',' or LWS. Sets [*uri, *uri_end) to the URI. Returns the byte after
 * it (the start of header parameters), or NULL when malformed.
 */
const char *lex_name_addr(const char *p, const char *end, const char **uri,
		const char **uri_end);

/* One `;name[=value]` parameter. */
struct lex_param {
	const char *name;
	size_t name_len;
	const char *value;	/* NULL when the parameter has no '=' */
	size_t value_len;
};

/*
 * Read the parameter that starts at the ';' at p (after optional LWS).
 * Returns the byte after it, p itself when there is no further parameter
 * (the next non-LWS byte is not ';'), or NULL when malformed.
 */
const char *lex_param(const char *p, const char *end, struct lex_param *param);
