/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Moved-table keys (DESIGN §2): the Request-URI's user, %-unescaped and
 * compared case-sensitively (RFC 3261 §19.1.4), and its host, compared
 * case-insensitively; port, parameters and headers are ignored, sip: and
 * sips: are the same. Telephone numbers (tel:, or sip: with user=phone)
 * drop their visual separators (RFC 3966 §5.1.1).
 */

#include <string.h>

#include "ss_sip.h"
#include "sip_lex.h"

static int
hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lex_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool
is_visual_separator(char c)
{
	return c == '-' || c == '.' || c == '(' || c == ')';
}

/* %-unescape p[0..len) into the key's user; phone drops separators. */
static enum ss_sip_key_result
put_user(struct ss_sip_key *key, const char *p, size_t len, bool phone)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = p[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return SS_SIP_KEY_BAD;
			hi = hex_val(p[i + 1]);
			lo = hex_val(p[i + 2]);
			if (hi < 0 || lo < 0)
				return SS_SIP_KEY_BAD;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (phone && is_visual_separator(c))
			continue;
		if (n == SS_SIP_KEY_USER_MAX)
			return SS_SIP_KEY_TOO_LONG;
		key->user[n++] = c;
	}
	if (n == 0)
		return SS_SIP_KEY_NO_USER;
	key->user_len = (uint16_t)n;
	return SS_SIP_KEY_OK;
}

static enum ss_sip_key_result
put_host(struct ss_sip_key *key, const char *p, size_t len)
{
	if (len == 0)
		return SS_SIP_KEY_BAD;
	if (len > SS_SIP_KEY_HOST_MAX)
		return SS_SIP_KEY_TOO_LONG;
	for (size_t i = 0; i < len; i++) {
		/* host names are ASCII (RFC 3261 §25.1; IDNs travel as punycode) */
		char c = lex_host_lower[(uint8_t)p[i]];

		if (c == 0)
			return SS_SIP_KEY_BAD;
		key->host[i] = c;
	}
	key->host_len = (uint16_t)len;
	return SS_SIP_KEY_OK;
}

/* Is there a `user=phone` URI parameter in p[0..len) (after the host)? */
static bool
user_is_phone(const char *p, size_t len)
{
	const char *end = p + len;
	const char *q = memchr(p, ';', len);

	while (q != NULL && q < end) {
		const char *n = q + 1;
		const char *ne = n;

		while (ne < end && *ne != ';' && *ne != '?')
			ne++;
		if (LEX_EQ(n, (size_t)(ne - n), "user=phone"))
			return true;
		q = (ne < end && *ne == ';') ? ne : NULL;
	}
	return false;
}

/* Host of a hostport: an IPv6 reference keeps its brackets. */
static size_t
host_len(const char *p, const char *end)
{
	const char *q = p;

	if (q < end && *q == '[') {
		const char *close = memchr(q, ']', (size_t)(end - q));

		return close == NULL ? 0 : (size_t)(close + 1 - p);
	}
	while (q < end && *q != ':' && *q != ';' && *q != '?')
		q++;
	return (size_t)(q - p);
}

static enum ss_sip_key_result
sip_key(const char *p, const char *end, struct ss_sip_key *key)
{
	const char *at = memchr(p, '@', (size_t)(end - p));
	const char *user_end, *h;
	size_t hl;
	bool phone;
	enum ss_sip_key_result r;

	if (at == NULL)
		return SS_SIP_KEY_NO_USER;
	/* userinfo = user [":" password] */
	user_end = memchr(p, ':', (size_t)(at - p));
	if (user_end == NULL)
		user_end = at;
	h = at + 1;
	hl = host_len(h, end);
	/* user=phone only matters for a user that can be a number (RFC 3966) */
	phone = (lex_is_digit(*p) || *p == '+') &&
		user_is_phone(h + hl, (size_t)(end - h - hl));
	if (phone) {
		/* telephone-subscriber parameters (;isub=, ;postd=) are not the number */
		const char *semi = memchr(p, ';', (size_t)(user_end - p));

		if (semi != NULL)
			user_end = semi;
	}
	r = put_user(key, p, (size_t)(user_end - p), phone);
	if (r != SS_SIP_KEY_OK)
		return r;
	return put_host(key, h, hl);
}

static enum ss_sip_key_result
tel_key(const char *p, const char *end, struct ss_sip_key *key)
{
	const char *q = p;

	while (q < end && *q != ';' && *q != '?')
		q++;
	return put_user(key, p, (size_t)(q - p), true);
}

/* LWS, < or > anywhere: not a bare URI. */
static bool
has_uri_stop(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lex_class[(uint8_t)p[i]] & LEX_URI_STOP)
			return true;
	return false;
}

enum ss_sip_key_result
ss_sip_uri_key(const char *uri, size_t len, struct ss_sip_key *key)
{
	const char *end = uri + len;

	key->user_len = 0;
	key->host_len = 0;
	if (has_uri_stop(uri, len))
		return SS_SIP_KEY_BAD;
	if (len > 4 && LEX_EQ(uri, 4, "sip:"))
		return sip_key(uri + 4, end, key);
	if (len > 5 && LEX_EQ(uri, 5, "sips:"))
		return sip_key(uri + 5, end, key);
	if (len > 4 && LEX_EQ(uri, 4, "tel:"))
		return tel_key(uri + 4, end, key);
	return SS_SIP_KEY_SCHEME;
}

/* A global number (RFC 3966 §5.1.4): '+' then digits and separators. */
static bool
looks_like_number(const char *p, size_t len)
{
	if (len < 2 || p[0] != '+')
		return false;
	for (size_t i = 1; i < len; i++)
		if (!lex_is_digit(p[i]) && !is_visual_separator(p[i]))
			return false;
	return true;
}

enum ss_sip_key_result
ss_sip_text_key(const char *text, size_t len, struct ss_sip_key *key)
{
	const char *at = memchr(text, '@', len);
	size_t ul = at ? (size_t)(at - text) : len;
	enum ss_sip_key_result r;

	key->user_len = 0;
	key->host_len = 0;
	for (size_t i = 0; i < len; i++)
		if (lex_is_lws(text[i]) || (unsigned char)text[i] < 0x20)
			return SS_SIP_KEY_BAD;
	r = put_user(key, text, ul, looks_like_number(text, ul));
	if (r != SS_SIP_KEY_OK || at == NULL)
		return r;
	return put_host(key, at + 1, len - ul - 1);
}

void
ss_sip_key_drop_host(struct ss_sip_key *key)
{
	key->host_len = 0;
}

/* RFC 3261 §25.1 user: unreserved / escaped / user-unreserved */
static bool
user_char_plain(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != 0 && strchr("-_.!~*'()&=+$,;?/", c) != NULL;
}

int
ss_sip_key_format(const struct ss_sip_key *key, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (size_t i = 0; i < key->user_len; i++) {
		unsigned char c = (unsigned char)key->user[i];

		if (user_char_plain(c)) {
			if (n + 1 >= cap)
				return -1;
			out[n++] = (char)c;
		} else {
			if (n + 3 >= cap)
				return -1;
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	if (key->host_len > 0) {
		if (n + 1 + key->host_len >= cap)
			return -1;
		out[n++] = '@';
		memcpy(out + n, key->host, key->host_len);
		n += key->host_len;
	}
	out[n] = '\0';
	return (int)n;
}
