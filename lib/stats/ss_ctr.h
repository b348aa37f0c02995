/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * lib/stats, names only: the counter ids of DESIGN §4 and their names.
 * No DPDK here, so that a telemetry client (sipshield-cli) can name what
 * the data plane reports without linking EAL.
 *
 * Every packet a worker receives (rx) ends in exactly one of passed,
 * answered or dropped, and in exactly one "why" counter of its group:
 *   rx       == passed + answered + dropped      (per worker, per port)
 *   passed   == sum(SS_CTR_PASS_FIRST .. SS_CTR_PASS_LAST)
 *   answered == sent_423 + sent_302
 *   dropped  == sum(SS_CTR_DROP_FIRST .. SS_CTR_DROP_LAST)
 * tx and tx_failed count on the port a packet leaves by, so the first
 * line holds per arrival port and tx + tx_failed == passed + answered
 * over the whole node, once the TX buffers are drained. Requests seen by
 * method (req_*) count SIP requests parsed on the outside port, whatever
 * their fate.
 *
 * would_* count what enforce mode would have done with a frame that
 * passed in monitor mode (passed_monitor), one would_* per such frame:
 *   passed_monitor == sum(SS_CTR_WOULD_FIRST .. SS_CTR_WOULD_LAST)
 * and each would_* equals, for the same traffic, its enforce counter
 * (would_423 ~ sent_423, would_drop_scanner ~ dropped_scanner, ...).
 */

#pragma once

#include "ss_sip.h"

enum ss_ctr {
	SS_CTR_RX = 0,			/* frames received on the port */
	SS_CTR_TX,			/* frames the port's TX queue took */
	SS_CTR_TX_FAILED,		/* frames the TX queue refused: freed */
	SS_CTR_PASSED,			/* left byte for byte by the other port */
	SS_CTR_ANSWERED,		/* turned around as a 423 or 302 */
	SS_CTR_DROPPED,			/* freed by a rule of DESIGN §2 */
	SS_CTR_SENT_423,
	SS_CTR_SENT_302,

	/* why a frame was dropped (sum == dropped) */
	SS_CTR_DROPPED_NOT_SIP,		/* garbage on a SIP port */
	SS_CTR_ACK_ABSORBED,		/* the ACK for sipshield's own 302 */
	SS_CTR_DROPPED_SCANNER,		/* request from a scanner */
	SS_CTR_DROPPED_REQUEST_LIMIT,	/* source over its request limit */
	SS_CTR_DROPPED_REPLY_LIMIT,	/* source or node over its reply limit */
	SS_CTR_DROPPED_DENIED,		/* source on the deny list */

	/* why a frame passed (sum == passed) */
	SS_CTR_PASSED_FROM_INSIDE,	/* came in on the inside port: never filtered */
	SS_CTR_PASSED_OTHER,		/* not to a SIP port: ARP, ICMP, other UDP/TCP */
	SS_CTR_UNFILTERED_TCP,		/* TCP to a SIP port */
	SS_CTR_UNFILTERED_FRAGMENT,	/* IPv4/IPv6 fragment */
	SS_CTR_UNFILTERED_IPV6_EXT,	/* IPv6 with extension headers */
	SS_CTR_UNFILTERED_VLAN_STACKED,	/* two or more VLAN tags */
	SS_CTR_UNFILTERED_BAD_LEN,	/* truncated or inconsistent lengths */
	SS_CTR_UNFILTERED_MULTISEG,	/* chained mbuf */
	SS_CTR_KEEPALIVES,		/* CRLF or STUN on a SIP port */
	SS_CTR_RESPONSES,		/* SIP responses */
	SS_CTR_PASSED_WOULD_AMPLIFY,	/* reply > request + 64 bytes */
	SS_CTR_PASSED_NO_ROOM,		/* reply did not fit the mbuf */
	SS_CTR_PASSED_UNANSWERABLE,	/* earned a reply, lacks Via/From/To/... */
	SS_CTR_PASSED_NO_RULE,		/* request no rule applies to */
	SS_CTR_PASSED_EXPIRES_OK,	/* REGISTER/SUBSCRIBE long enough, or 0 */
	SS_CTR_PASSED_NO_EXPIRY,	/* nothing to check */
	SS_CTR_PASSED_CONTACT_STAR,	/* Contact: * */
	SS_CTR_PASSED_IN_DIALOG,	/* To has a tag: not redirected */
	SS_CTR_PASSED_NOT_MOVED,	/* user not in the moved table */
	SS_CTR_PASSED_URI_UNUSABLE,	/* Request-URI gives no key */
	SS_CTR_PASSED_SCAN_ERROR,	/* Hyperscan failed: the registrar decides */
	SS_CTR_PASSED_TRUNCATED,	/* earned a reply, body shorter than Content-Length */
	SS_CTR_PASSED_BAD_SOURCE,	/* earned a reply, source no unicast address/port */
	SS_CTR_PASSED_ALLOWED,		/* source on the allow list: no rule applied */
	SS_CTR_PASSED_NOT_SIP,		/* garbage on a SIP port, drop_not_sip = off */
	SS_CTR_PASSED_MONITOR,		/* monitor mode: enforce would not have passed it */

	/* SIP requests seen on the outside port, in enum ss_sip_method order */
	SS_CTR_REQ_OTHER,
	SS_CTR_REQ_INVITE,
	SS_CTR_REQ_ACK,
	SS_CTR_REQ_BYE,
	SS_CTR_REQ_CANCEL,
	SS_CTR_REQ_REGISTER,
	SS_CTR_REQ_OPTIONS,
	SS_CTR_REQ_SUBSCRIBE,
	SS_CTR_REQ_NOTIFY,
	SS_CTR_REQ_PUBLISH,
	SS_CTR_REQ_INFO,
	SS_CTR_REQ_PRACK,
	SS_CTR_REQ_UPDATE,
	SS_CTR_REQ_MESSAGE,
	SS_CTR_REQ_REFER,

	/* monitor mode: what enforce would have done (sum == passed_monitor) */
	SS_CTR_WOULD_423,
	SS_CTR_WOULD_302,
	SS_CTR_WOULD_DROP_NOT_SIP,
	SS_CTR_WOULD_ACK_ABSORBED,
	SS_CTR_WOULD_DROP_SCANNER,
	SS_CTR_WOULD_DROP_REQUEST_LIMIT,
	SS_CTR_WOULD_DROP_REPLY_LIMIT,
	SS_CTR_WOULD_DROP_DENIED,

	SS_CTR_COUNT,

	/* ranges of the groups above */
	SS_CTR_DROP_FIRST = SS_CTR_DROPPED_NOT_SIP,
	SS_CTR_DROP_LAST = SS_CTR_DROPPED_DENIED,
	SS_CTR_PASS_FIRST = SS_CTR_PASSED_FROM_INSIDE,
	SS_CTR_PASS_LAST = SS_CTR_PASSED_MONITOR,
	SS_CTR_REQ_FIRST = SS_CTR_REQ_OTHER,
	SS_CTR_REQ_LAST = SS_CTR_REQ_REFER,
	SS_CTR_WOULD_FIRST = SS_CTR_WOULD_423,
	SS_CTR_WOULD_LAST = SS_CTR_WOULD_DROP_DENIED,
};

_Static_assert(SS_CTR_REQ_LAST - SS_CTR_REQ_FIRST + 1 == SS_SIP_M_COUNT,
		"one req_* counter per enum ss_sip_method");

/* The counter of requests of method m. */
static inline enum ss_ctr
ss_ctr_request(enum ss_sip_method m)
{
	return (enum ss_ctr)(SS_CTR_REQ_FIRST + ((unsigned int)m < SS_SIP_M_COUNT ? m : 0));
}

/*
 * The counter's name: [a-z0-9_], unique, fit for a telemetry dict key and
 * a Prometheus metric suffix. "unknown" for an id out of range. Any thread.
 */
const char *ss_ctr_name(enum ss_ctr c);

/* The id of a name, or -ENOENT when no counter has it. Any thread. */
int ss_ctr_from_name(const char *name);
