/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

#include <string.h>

#include "sip_lex.h"

/*
 * Character classes, one load per byte: token is RFC 3261 §25.1 alphanum /
 * "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"; a value stop
 * ends an unquoted parameter value or a bare URI: ';' ',' or LWS.
 */
#define T LEX_TOKEN
#define S LEX_VALUE_STOP
#define RANGE(a, b, v) [a ... b] = (v)
const uint8_t lex_class[256] = {
	RANGE('a', 'z', T), RANGE('A', 'Z', T), RANGE('0', '9', T),
	['-'] = T, ['.'] = T, ['!'] = T, ['%'] = T, ['*'] = T, ['_'] = T,
	['+'] = T, ['`'] = T, ['\''] = T, ['~'] = T,
	[';'] = S, [','] = S, [' '] = S, ['\t'] = S, ['\r'] = S, ['\n'] = S,
};
#undef T
#undef S

const char *
lex_skip_quoted(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\') {
			/* quoted-pair: the next byte, whatever it is */
			if (++p >= end)
				return NULL;
		} else if (*p == '"') {
			return p + 1;
		}
	}
	return NULL;
}

static const char *
name_addr_angle(const char *p, const char *end, const char **uri, const char **uri_end)
{
	const char *close;

	/* p at '<'; a URI holds no unescaped '>' */
	close = memchr(p + 1, '>', (size_t)(end - p - 1));
	if (close == NULL)
		return NULL;
	*uri = lex_skip_lws(p + 1, close);
	*uri_end = lex_trim_lws_end(*uri, close);
	return close + 1;
}

const char *
lex_name_addr(const char *p, const char *end, const char **uri, const char **uri_end)
{
	const char *q;

	p = lex_skip_lws(p, end);
	if (p >= end)
		return NULL;
	if (*p == '"') {
		/* quoted display name: anything, including ; , < */
		p = lex_skip_quoted(p, end);
		if (p == NULL)
			return NULL;
		p = lex_skip_lws(p, end);
		if (p >= end || *p != '<')
			return NULL;
		return name_addr_angle(p, end, uri, uri_end);
	}
	if (*p == '<')
		return name_addr_angle(p, end, uri, uri_end);

	/*
	 * Either token display name(s) then '<' (lwsdisp: no space needed),
	 * or a bare addr-spec, whose end is the first ';' ',' or LWS
	 * (RFC 3261 §20: without < > the parameters are header parameters).
	 */
	for (q = p; q < end; q++) {
		if (*q == '<')
			return name_addr_angle(q, end, uri, uri_end);
		if (*q == ';' || *q == ',' || *q == '"')
			break;
	}
	for (q = p; q < end && !lex_is_value_stop(*q); q++)
		;
	if (q == p)
		return NULL;
	*uri = p;
	*uri_end = q;
	return q;
}

const char *
lex_param(const char *p, const char *end, struct lex_param *param)
{
	const char *q = lex_skip_lws(p, end);

	if (q >= end || *q != ';')
		return p;
	q = lex_skip_lws(q + 1, end);
	param->name = q;
	while (q < end && lex_is_token(*q))
		q++;
	param->name_len = (size_t)(q - param->name);
	if (param->name_len == 0)
		return NULL;
	param->value = NULL;
	param->value_len = 0;
	p = lex_skip_lws(q, end);
	if (p >= end || *p != '=')
		return q;
	p = lex_skip_lws(p + 1, end);
	if (p < end && *p == '"') {
		q = lex_skip_quoted(p, end);
		if (q == NULL)
			return NULL;
	} else {
		/* token, host or IPv6 reference: up to the next separator */
		for (q = p; q < end && !lex_is_value_stop(*q); q++)
			;
	}
	param->value = p;
	param->value_len = (size_t)(q - p);
	return q;
}
