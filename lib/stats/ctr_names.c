/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Counter names. They are telemetry dict keys, which DPDK limits to
 * [A-Za-z0-9_] (a key with a space is silently refused), and Prometheus
 * metric suffixes: hence lower case, digits and '_' only.
 */

#include <errno.h>
#include <string.h>

#include "ss_ctr.h"

static const char *const ctr_names[SS_CTR_COUNT] = {
	[SS_CTR_RX] = "rx",
	[SS_CTR_TX] = "tx",
	[SS_CTR_TX_FAILED] = "tx_failed",
	[SS_CTR_PASSED] = "passed",
	[SS_CTR_ANSWERED] = "answered",
	[SS_CTR_DROPPED] = "dropped",
	[SS_CTR_SENT_423] = "sent_423",
	[SS_CTR_SENT_302] = "sent_302",
	[SS_CTR_DROPPED_NOT_SIP] = "dropped_not_sip",
	[SS_CTR_ACK_ABSORBED] = "ack_absorbed",
	[SS_CTR_DROPPED_SCANNER] = "dropped_scanner",
	[SS_CTR_DROPPED_REQUEST_LIMIT] = "dropped_request_limit",
	[SS_CTR_DROPPED_REPLY_LIMIT] = "dropped_reply_limit",
	[SS_CTR_DROPPED_DENIED] = "dropped_denied",
	[SS_CTR_PASSED_FROM_INSIDE] = "passed_from_inside",
	[SS_CTR_PASSED_OTHER] = "passed_other",
	[SS_CTR_UNFILTERED_TCP] = "unfiltered_tcp",
	[SS_CTR_UNFILTERED_FRAGMENT] = "unfiltered_fragment",
	[SS_CTR_UNFILTERED_IPV6_EXT] = "unfiltered_ipv6_ext",
	[SS_CTR_UNFILTERED_VLAN_STACKED] = "unfiltered_vlan_stacked",
	[SS_CTR_UNFILTERED_BAD_LEN] = "unfiltered_bad_len",
	[SS_CTR_UNFILTERED_MULTISEG] = "unfiltered_multiseg",
	[SS_CTR_KEEPALIVES] = "keepalives",
	[SS_CTR_RESPONSES] = "responses",
	[SS_CTR_PASSED_WOULD_AMPLIFY] = "passed_would_amplify",
	[SS_CTR_PASSED_NO_ROOM] = "passed_no_room",
	[SS_CTR_PASSED_UNANSWERABLE] = "passed_unanswerable",
	[SS_CTR_PASSED_NO_RULE] = "passed_no_rule",
	[SS_CTR_PASSED_EXPIRES_OK] = "passed_expires_ok",
	[SS_CTR_PASSED_NO_EXPIRY] = "passed_no_expiry",
	[SS_CTR_PASSED_CONTACT_STAR] = "passed_contact_star",
	[SS_CTR_PASSED_IN_DIALOG] = "passed_in_dialog",
	[SS_CTR_PASSED_NOT_MOVED] = "passed_not_moved",
	[SS_CTR_PASSED_URI_UNUSABLE] = "passed_uri_unusable",
	[SS_CTR_PASSED_SCAN_ERROR] = "passed_scan_error",
	[SS_CTR_PASSED_TRUNCATED] = "passed_truncated",
	[SS_CTR_PASSED_BAD_SOURCE] = "passed_bad_source",
	[SS_CTR_PASSED_ALLOWED] = "passed_allowed",
	[SS_CTR_PASSED_NOT_SIP] = "passed_not_sip",
	[SS_CTR_PASSED_MONITOR] = "passed_monitor",
	[SS_CTR_REQ_OTHER] = "req_other",
	[SS_CTR_REQ_INVITE] = "req_invite",
	[SS_CTR_REQ_ACK] = "req_ack",
	[SS_CTR_REQ_BYE] = "req_bye",
	[SS_CTR_REQ_CANCEL] = "req_cancel",
	[SS_CTR_REQ_REGISTER] = "req_register",
	[SS_CTR_REQ_OPTIONS] = "req_options",
	[SS_CTR_REQ_SUBSCRIBE] = "req_subscribe",
	[SS_CTR_REQ_NOTIFY] = "req_notify",
	[SS_CTR_REQ_PUBLISH] = "req_publish",
	[SS_CTR_REQ_INFO] = "req_info",
	[SS_CTR_REQ_PRACK] = "req_prack",
	[SS_CTR_REQ_UPDATE] = "req_update",
	[SS_CTR_REQ_MESSAGE] = "req_message",
	[SS_CTR_REQ_REFER] = "req_refer",
	[SS_CTR_WOULD_423] = "would_423",
	[SS_CTR_WOULD_302] = "would_302",
	[SS_CTR_WOULD_DROP_NOT_SIP] = "would_drop_not_sip",
	[SS_CTR_WOULD_ACK_ABSORBED] = "would_ack_absorbed",
	[SS_CTR_WOULD_DROP_SCANNER] = "would_drop_scanner",
	[SS_CTR_WOULD_DROP_REQUEST_LIMIT] = "would_drop_request_limit",
	[SS_CTR_WOULD_DROP_REPLY_LIMIT] = "would_drop_reply_limit",
	[SS_CTR_WOULD_DROP_DENIED] = "would_drop_denied",
};

const char *
ss_ctr_name(enum ss_ctr c)
{
	if ((unsigned int)c >= SS_CTR_COUNT || ctr_names[c] == NULL)
		return "unknown";
	return ctr_names[c];
}

int
ss_ctr_from_name(const char *name)
{
	for (int i = 0; i < SS_CTR_COUNT; i++)
		if (ctr_names[i] != NULL && strcmp(ctr_names[i], name) == 0)
			return i;
	return -ENOENT;
}
