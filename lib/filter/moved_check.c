/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * What a moved-table entry may hold, wherever it comes from (the file,
 * telemetry, the fleet): a key `user[@host]` and a new URI that goes
 * between < > in a 302's Contact. Checked against RFC 3261 §25.1 and
 * RFC 3966 §3 closely enough that what is accepted can be sent, and what
 * is refused is named: an operator who types a URI over telemetry gets
 * told what is wrong with it, not just that something is.
 */

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ss_filter.h"

static bool
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_hex(char c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* Every '%' followed by two hex digits (RFC 3261 §25.1 escaped). */
static bool
escapes_ok(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] == '%' && (i + 2 >= len || !is_hex(p[i + 1]) || !is_hex(p[i + 2])))
			return false;
	return true;
}

/* Characters of user and password (§25.1: unreserved, escaped, user-unreserved, ':'). */
static bool
userinfo_ok(const char *p, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(p[i]) && strchr("-_.!~*'()%&=+$,;?/:", p[i]) == NULL)
			return false;
	return escapes_ok(p, len);
}

/*
 * host = hostname / IPv4address / IPv6reference (RFC 3261 §25.1): labels
 * of letters, digits and '-' (not at either end) joined by dots, an
 * optional final dot; all-numeric labels must make an IPv4 address; an
 * IPv6 reference in brackets that inet_pton() reads.
 */
static bool
host_ok(const char *h, size_t len)
{
	char buf[INET6_ADDRSTRLEN + 1];
	struct in6_addr a6;
	struct in_addr a4;
	bool numeric = true;
	size_t label = 0;

	if (len == 0)
		return false;
	if (h[0] == '[') {
		if (len < 4 || h[len - 1] != ']' || len - 2 >= sizeof(buf))
			return false;
		memcpy(buf, h + 1, len - 2);
		buf[len - 2] = '\0';
		return inet_pton(AF_INET6, buf, &a6) == 1;
	}
	if (h[len - 1] == '.')
		len--;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || h[i] == '.') {
			if (label == 0 || h[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!is_alnum(h[i]) && h[i] != '-')
			return false;
		if (label == 0 && h[i] == '-')
			return false;
		if (!is_digit(h[i]))
			numeric = false;
		label++;
	}
	if (!numeric)
		return true;
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, h, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, &a4) == 1;
}

/* ";" parameters and "?" headers after a host or number: escapes only, §25.1. */
static const char *
tail_problem(const char *p, size_t len)
{
	if (len == 0)
		return NULL;
	if (p[0] != ';' && p[0] != '?')
		return " has text after the host that is neither ;parameters nor ?headers";
	return escapes_ok(p, len) ? NULL : " has a bad %-escape (expected %XX, X hex)";
}

/* sip:/sips: after the scheme: [userinfo@]host[:port][;params][?headers]. */
static const char *
sip_problem(const char *p, size_t len)
{
	const char *end = p + len, *at = memchr(p, '@', len), *h, *he, *t;
	unsigned long port = 0;

	if (at != NULL) {
		if (memchr(at + 1, '@', (size_t)(end - at - 1)) != NULL)
			return " has more than one '@' (escape it in the user as %40)";
		if (at == p)
			return " has an empty user part before '@'";
		if (!userinfo_ok(p, (size_t)(at - p)))
			return " has a user part with a character RFC 3261 does not allow there "
				"(escape it as %XX)";
		h = at + 1;
	} else {
		h = p;
	}
	if (h < end && *h == '[') {
		he = memchr(h, ']', (size_t)(end - h));
		he = he == NULL ? end : he + 1;
	} else {
		for (he = h; he < end && *he != ':' && *he != ';' && *he != '?'; he++)
			;
	}
	if (!host_ok(h, (size_t)(he - h)))
		return " has no valid host (a host name, an IPv4 address or an [IPv6] address)";
	t = he;
	if (t < end && *t == ':') {
		const char *d = ++t;

		while (t < end && is_digit(*t) && t - d <= 5)
			port = port * 10 + (unsigned long)(*t++ - '0');
		if (t == d || port == 0 || port > 65535 || (t < end && is_digit(*t)))
			return " has a port that is not a number 1..65535";
	}
	return tail_problem(t, (size_t)(end - t));
}

/* tel: (RFC 3966 §3): an optional '+', digits and visual separators, then parameters. */
static const char *
tel_problem(const char *p, size_t len)
{
	size_t i = p[0] == '+' ? 1 : 0, digits = 0;

	for (; i < len && p[i] != ';'; i++) {
		if (is_hex(p[i]) || p[i] == '*' || p[i] == '#')
			digits += is_digit(p[i]);
		else if (strchr("-.()", p[i]) == NULL)
			return " has a number with a character RFC 3966 does not allow "
				"(digits and - . ( ) only)";
	}
	if (digits == 0)
		return " has no digit in its number";
	return tail_problem(p + i, len - i);
}

const char *
ss_moved_uri_problem(const char *uri, size_t len)
{
	if (len == 0 || len > SS_MOVED_URI_MAX)
		return SS_MOVED_URI_FORM;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)uri[i];

		/* the URI goes between < > in a header: nothing that ends it */
		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"')
			return SS_MOVED_URI_FORM;
	}
	if (len > 4 && strncasecmp(uri, "sip:", 4) == 0)
		return sip_problem(uri + 4, len - 4);
	if (len > 5 && strncasecmp(uri, "sips:", 5) == 0)
		return sip_problem(uri + 5, len - 5);
	if (len > 4 && strncasecmp(uri, "tel:", 4) == 0)
		return tel_problem(uri + 4, len - 4);
	return SS_MOVED_URI_FORM;
}

const char *
ss_moved_key_problem(const char *text, size_t len, struct ss_sip_key *key)
{
	const char *at;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] <= 0x20 || (unsigned char)text[i] >= 0x7f)
			return " holds a space, a control or a non-ASCII byte (escape it as %XX)";
	switch (ss_sip_text_key(text, len, key)) {
	case SS_SIP_KEY_OK:
		break;
	case SS_SIP_KEY_NO_USER:
		return " has no user part";
	case SS_SIP_KEY_TOO_LONG:
		return " has a user or host longer than 128 bytes";
	default:
		return " is malformed (bad %-escape, empty host or control character)";
	}
	at = memchr(text, '@', len);
	if (at == NULL)
		return NULL;
	at++;
	len -= (size_t)(at - text);
	/* a port outside brackets, or after an IPv6 reference */
	if ((at[0] != '[' && memchr(at, ':', len) != NULL) ||
			(at[0] == '[' && at[len - 1] != ']'))
		return ": a host takes no port (lookups ignore ports)";
	if (!host_ok(at, len))
		return " has no valid host (a host name, an IPv4 address or an [IPv6] address)";
	return NULL;
}

void
ss_moved_quote(const char *s, size_t len, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0, i, max = cap > 4 ? cap - 4 : 0;	/* room for "..." and the NUL */

	if (cap == 0)
		return;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = c >= 0x20 && c < 0x7f && c != '\\' && c != '"';

		if (n + (plain ? 1 : 4) > max)
			break;
		if (plain) {
			out[n++] = (char)c;
			continue;
		}
		out[n++] = '\\';
		out[n++] = 'x';
		out[n++] = hex[c >> 4];
		out[n++] = hex[c & 15];
	}
	if (i < len && cap >= 4) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}
