/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/* Single header values: delta-seconds, tags. */

#include "ss_sip.h"
#include "sip_lex.h"

enum ss_sip_delta
ss_sip_delta_seconds(const char *p, size_t len, uint32_t *out)
{
	const char *end = lex_trim_lws_end(p, p + len);
	uint64_t v = 0;
	bool large = false;

	p = lex_skip_lws(p, end);
	if (p == end)
		return SS_SIP_DELTA_BAD;
	for (; p < end; p++) {
		if (!lex_is_digit(*p))
			return SS_SIP_DELTA_BAD;
		/* leading zeros are legal; keep reading digits past overflow */
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX) {
			large = true;
			v = UINT32_MAX;
		}
	}
	*out = (uint32_t)v;
	return large ? SS_SIP_DELTA_LARGE : SS_SIP_DELTA_OK;
}

int
ss_sip_find_tag(const struct ss_sip_msg *msg, struct ss_sip_span name_addr, struct ss_sip_span *tag)
{
	const char *p = ss_sip_ptr(msg, name_addr);
	const char *end = p + name_addr.len;
	const char *uri, *uri_end;
	struct lex_param prm;

	p = lex_name_addr(p, end, &uri, &uri_end);
	if (p == NULL)
		return -1;
	for (;;) {
		const char *next = lex_param(p, end, &prm);

		if (next == NULL)
			return -1;
		/* after the parameters, nothing: else the tag we add could not be found */
		if (next == p)
			return lex_skip_lws(p, end) == end ? 0 : -1;
		if (LEX_EQ(prm.name, prm.name_len, "tag")) {
			tag->off = (uint16_t)((prm.value ? prm.value : prm.name) - msg->buf);
			tag->len = (uint16_t)prm.value_len;
			return 1;
		}
		p = next;
	}
}

struct ss_sip_span
ss_sip_tag_param(const struct ss_sip_msg *msg, struct ss_sip_span name_addr)
{
	struct ss_sip_span tag = {0, 0};

	if (ss_sip_find_tag(msg, name_addr, &tag) != 1)
		tag.len = 0;
	return tag;
}

bool
ss_sip_to_has_tag(const struct ss_sip_msg *msg)
{
	struct ss_sip_span tag;

	/* an unreadable To is never taken for an out-of-dialog request */
	return !msg->has_to || ss_sip_find_tag(msg, msg->to, &tag) != 0;
}

bool
ss_sip_name_addr_ok(const struct ss_sip_msg *msg, struct ss_sip_span name_addr)
{
	struct ss_sip_span tag;

	return ss_sip_find_tag(msg, name_addr, &tag) >= 0;
}
