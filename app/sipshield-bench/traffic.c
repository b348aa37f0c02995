/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The traffic: for each class, --variants distinct frames (Call-IDs,
 * tags, branches, users, source addresses and ports all differ), built
 * once at start-up as complete Ethernet frames with valid IPv4 and UDP
 * checksums; the mix as a schedule of classes; and the feeder that copies
 * a frame into a fresh mbuf for each RX slot.
 *
 * INVITEs also get a user number patched in as they are fed (the UDP
 * checksum is fixed incrementally, RFC 1624), so that over a run the
 * Request-URIs spread over the whole moved table rather than over
 * --variants users: a lookup in a table of 1,000,000 then misses the cache
 * as it would in service.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <immintrin.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_ring.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "ss_stats.h"
#include "bench.h"

#define TPL_MAX		1024	/* bytes reserved per prepared frame */
#define FEED_MAX	64	/* frames the feeder copies in one call */
#define USER_DIGITS	7	/* width of the patched user numbers */
#define USER_SPACE	10000000u	/* 10^USER_DIGITS */
#define REGISTRAR_IP	RTE_IPV4(192, 0, 2, 10)
#define SIP_PORT	5060

static const char *const class_names[BC_COUNT] = {
	[BC_REGISTER_423] = "register423",
	[BC_REGISTER] = "register",
	[BC_INVITE_302] = "invite302",
	[BC_INVITE] = "invite",
	[BC_RESPONSE] = "response",
	[BC_UDP] = "udp",
	[BC_OTHER] = "other",
	[BC_GARBAGE] = "garbage",
	[BC_SCANNER] = "scanner",
};

const char *
bench_class_name(enum bench_class c)
{
	return (unsigned int)c < BC_COUNT ? class_names[c] : "mix";
}

int
bench_class_from_name(const char *name, size_t len)
{
	for (unsigned int c = 0; c < BC_COUNT; c++)
		if (strlen(class_names[c]) == len && memcmp(class_names[c], name, len) == 0)
			return (int)c;
	return -ENOENT;
}

/* The verdict counter every frame of the class must land in. */
enum ss_ctr
bench_class_expect(enum bench_class c)
{
	switch (c) {
	case BC_REGISTER_423:
		return SS_CTR_SENT_423;
	case BC_REGISTER:
		return SS_CTR_PASSED_EXPIRES_OK;
	case BC_INVITE_302:
		return SS_CTR_SENT_302;
	case BC_INVITE:
		return SS_CTR_PASSED_NOT_MOVED;
	case BC_RESPONSE:
		return SS_CTR_RESPONSES;
	case BC_UDP:
	case BC_OTHER:
		return SS_CTR_PASSED_OTHER;
	case BC_GARBAGE:
		return SS_CTR_DROPPED_NOT_SIP;
	case BC_SCANNER:
		return SS_CTR_DROPPED_SCANNER;
	case BC_COUNT:
		break;
	}
	return SS_CTR_COUNT;
}

int
bench_mix_parse(const char *spec, unsigned int mix[BC_COUNT], char *err, size_t errlen)
{
	const char *p = spec;
	unsigned int total = 0;

	memset(mix, 0, sizeof(mix[0]) * BC_COUNT);
	while (*p != '\0') {
		const char *eq = strchr(p, '='), *comma;
		unsigned long w;
		char *end;
		int c;

		if (eq == NULL) {
			snprintf(err, errlen, "--mix \"%s\": expected CLASS=WEIGHT,...", spec);
			return -EINVAL;
		}
		c = bench_class_from_name(p, (size_t)(eq - p));
		if (c < 0) {
			snprintf(err, errlen, "--mix: unknown class \"%.*s\" (see --help, CLASSES)",
					(int)(eq - p), p);
			return -EINVAL;
		}
		errno = 0;
		w = strtoul(eq + 1, &end, 10);
		if (end == eq + 1 || (*end != ',' && *end != '\0') || errno != 0 || w > 1000000) {
			snprintf(err, errlen, "--mix: weight of %s: expected an integer 0..1000000",
					class_names[c]);
			return -ERANGE;
		}
		mix[c] += (unsigned int)w;
		total += (unsigned int)w;
		comma = end;
		p = *comma == ',' ? comma + 1 : comma;
	}
	if (total == 0) {
		snprintf(err, errlen, "--mix \"%s\": the weights add up to 0", spec);
		return -EINVAL;
	}
	return 0;
}

/* --- Random numbers (set-up and feeder; never in the timed part) ------- */

static inline uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* --- Frames --------------------------------------------------------------- */

/* The addresses and ports of one variant: a client somewhere on the internet. */
struct peer {
	uint32_t ip;		/* host order */
	uint16_t port;
	char ip_text[16];
	uint64_t r[4];		/* random words for ids */
};

static void
make_peer(struct peer *p, uint64_t *seed)
{
	for (unsigned int i = 0; i < RTE_DIM(p->r); i++)
		p->r[i] = splitmix64(seed);
	/* 10.0.0.0/8 keeps the addresses documentation-safe and distinct */
	p->ip = RTE_IPV4(10, (p->r[0] >> 16) & 0xff, (p->r[0] >> 8) & 0xff,
			(p->r[0] & 0xfe) | 1);
	p->port = (uint16_t)(p->r[0] >> 24) % 2 == 0 ? SIP_PORT :
		(uint16_t)(1024 + (p->r[0] >> 32) % 60000);
	snprintf(p->ip_text, sizeof(p->ip_text), "%u.%u.%u.%u", p->ip >> 24, (p->ip >> 16) & 0xff,
			(p->ip >> 8) & 0xff, p->ip & 0xff);
}

static void
put_eth(uint8_t *f, uint16_t type, const struct peer *src)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f;
	const struct rte_ether_addr dst = {{0x02, 0x00, 0x5e, 0x00, 0x00, 0x01}};

	eth->dst_addr = dst;
	eth->src_addr = (struct rte_ether_addr){{0x02, 0x11, (uint8_t)(src->r[1] >> 24),
		(uint8_t)(src->r[1] >> 16), (uint8_t)(src->r[1] >> 8), (uint8_t)src->r[1]}};
	eth->ether_type = rte_cpu_to_be_16(type);
}

/* Ethernet + IPv4 header for l4_len bytes of protocol proto; returns the L4 offset. */
static uint16_t
put_ipv4(uint8_t *f, const struct peer *src, uint32_t dst_ip, uint8_t proto, uint16_t l4_len)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + RTE_ETHER_HDR_LEN);

	put_eth(f, RTE_ETHER_TYPE_IPV4, src);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + l4_len));
	ip->packet_id = rte_cpu_to_be_16((uint16_t)src->r[2]);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 57;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(src->ip);
	ip->dst_addr = rte_cpu_to_be_32(dst_ip);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return RTE_ETHER_HDR_LEN + sizeof(*ip);
}

/* A complete UDP/IPv4 frame around payload; returns its length. */
static uint16_t
frame_udp(uint8_t *f, const struct peer *src, uint16_t sport, uint16_t dport,
		const void *payload, uint16_t plen)
{
	uint16_t l4 = put_ipv4(f, src, REGISTRAR_IP, IPPROTO_UDP,
			(uint16_t)(sizeof(struct rte_udp_hdr) + plen));
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(f + RTE_ETHER_HDR_LEN);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(f + l4);

	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + plen));
	udp->dgram_cksum = 0;
	memcpy(udp + 1, payload, plen);
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	return (uint16_t)(l4 + sizeof(*udp) + plen);
}

/* --- SIP messages ---------------------------------------------------------- */

/*
 * A softphone's REGISTER, ~550 bytes. The expiration is the Expires
 * header or the Contact's expires parameter (variants alternate), and one
 * client in four is behind a NAT (Via names a private address, so the
 * reply gets received=).
 */
static int
msg_register(char *m, size_t cap, const struct peer *p, unsigned int v, uint32_t expires)
{
	uint32_t user = (uint32_t)(p->r[3] % USER_SPACE);
	bool param = v % 2 == 1;
	char via_host[24];
	char hdr_exp[32] = "", param_exp[24] = "";

	if (v % 4 == 3)
		snprintf(via_host, sizeof(via_host), "192.168.%u.%u",
				(unsigned int)(p->r[2] >> 8) & 0xff,
				(unsigned int)(p->r[2] & 0xfe) | 1);
	else
		snprintf(via_host, sizeof(via_host), "%s", p->ip_text);
	if (param)
		snprintf(param_exp, sizeof(param_exp), ";expires=%u", expires);
	else
		snprintf(hdr_exp, sizeof(hdr_exp), "Expires: %u\r\n", expires);
	return snprintf(m, cap,
		"REGISTER sip:pbx.example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP %s:%u;rport;branch=z9hG4bK-524287-1---%016llx\r\n"
		"Max-Forwards: 70\r\n"
		"Contact: <sip:u%07u@%s:%u;rinstance=%016llx;transport=UDP>%s\r\n"
		"To: <sip:u%07u@pbx.example.com>\r\n"
		"From: <sip:u%07u@pbx.example.com>;tag=%08x\r\n"
		"Call-ID: %016llx%016llx\r\n"
		"CSeq: %u REGISTER\r\n"
		"%s"
		"Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, "
			"SUBSCRIBE\r\n"
		"Supported: replaces, outbound, path\r\n"
		"User-Agent: Zoiper v2.10.19.3\r\n"
		"Content-Length: 0\r\n"
		"\r\n",
		via_host, p->port, (unsigned long long)p->r[1], user, via_host, p->port,
		(unsigned long long)p->r[2], param_exp, user, user, (unsigned int)p->r[3],
		(unsigned long long)p->r[0], (unsigned long long)p->r[1],
		(unsigned int)(p->r[2] % 9000 + 1), hdr_exp);
}

static const char sdp_fmt[] =
	"v=0\r\n"
	"o=u%07u %u %u IN IP4 %s\r\n"
	"s=Talk\r\n"
	"c=IN IP4 %s\r\n"
	"t=0 0\r\n"
	"m=audio %u RTP/AVP 96 0 8 18 101\r\n"
	"a=rtpmap:96 opus/48000/2\r\n"
	"a=fmtp:96 useinbandfec=1\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=fmtp:18 annexb=yes\r\n"
	"a=rtpmap:101 telephone-event/48000\r\n"
	"a=rtcp-fb:* trr-int 1000\r\n"
	"a=rtcp-fb:* ccm tmmbr\r\n"
	"a=sendrecv\r\n";

/*
 * An INVITE with SDP, ~900 bytes, outside a dialog (no To tag), for
 * sip:<ruri_user>@<ruri_host>; its caller is a random user.
 */
static int
msg_invite(char *m, size_t cap, const struct peer *p, const char *ruri_user, const char *ruri_host)
{
	uint32_t caller = (uint32_t)(p->r[3] % USER_SPACE);
	char sdp[512];
	int sdp_len;

	sdp_len = snprintf(sdp, sizeof(sdp), sdp_fmt, caller, (unsigned int)(p->r[1] & 0xffff),
			(unsigned int)(p->r[2] & 0xffff), p->ip_text, p->ip_text,
			(unsigned int)(10000 + 2 * ((p->r[3] >> 32) % 10000)));
	return snprintf(m, cap,
		"INVITE sip:%s@%s SIP/2.0\r\n"
		"Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK-d8754z-%016llx;rport\r\n"
		"Max-Forwards: 70\r\n"
		"Contact: <sip:u%07u@%s:%u>\r\n"
		"To: <sip:%s@%s>\r\n"
		"From: \"Caller %07u\" <sip:u%07u@pbx.example.com>;tag=%08x\r\n"
		"Call-ID: %016llx@%s\r\n"
		"CSeq: %u INVITE\r\n"
		"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, "
			"INFO\r\n"
		"Content-Type: application/sdp\r\n"
		"Supported: replaces, timer\r\n"
		"User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)\r\n"
		"Content-Length: %d\r\n"
		"\r\n"
		"%s",
		ruri_user, ruri_host, p->ip_text, p->port, (unsigned long long)p->r[1], caller,
		p->ip_text, p->port, ruri_user, ruri_host, caller, caller, (unsigned int)p->r[2],
		(unsigned long long)p->r[0], p->ip_text, (unsigned int)(p->r[2] % 900 + 100),
		sdp_len, sdp);
}

/* A 200 OK to an INVITE coming back from a callee, ~580 bytes. */
static int
msg_response(char *m, size_t cap, const struct peer *p)
{
	uint32_t callee = (uint32_t)(p->r[3] % USER_SPACE);
	uint32_t caller = (uint32_t)((p->r[3] >> 32) % USER_SPACE);

	return snprintf(m, cap,
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK%016llx;rport=5060\r\n"
		"Via: SIP/2.0/UDP 198.51.100.7:5060;received=198.51.100.7;"
			"branch=z9hG4bK-d8754z-%016llx;rport=5060\r\n"
		"Record-Route: <sip:192.0.2.10;lr>\r\n"
		"From: \"Caller %07u\" <sip:u%07u@pbx.example.com>;tag=%08x\r\n"
		"To: <sip:u%07u@pbx.example.com>;tag=%08x\r\n"
		"Call-ID: %016llx@198.51.100.7\r\n"
		"CSeq: 102 INVITE\r\n"
		"Contact: <sip:u%07u@%s:%u>\r\n"
		"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY\r\n"
		"Supported: replaces, timer\r\n"
		"User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)\r\n"
		"Content-Length: 0\r\n"
		"\r\n",
		(unsigned long long)p->r[0], (unsigned long long)p->r[1], caller, caller,
		(unsigned int)p->r[2], callee, (unsigned int)(p->r[2] >> 32),
		(unsigned long long)p->r[1], callee, p->ip_text, p->port);
}

/*
 * SIPVicious's svmap probing for a PBX (~420 bytes): OPTIONS with its
 * default User-Agent, dropped as a scanner (DESIGN §2). Its tool always
 * claims port 5060 and a made-up tag; the sources vary here, as in a
 * distributed scan.
 */
static int
msg_scanner(char *m, size_t cap, const struct peer *p)
{
	uint32_t ext = (uint32_t)(p->r[3] % 10000);

	return snprintf(m, cap,
		"OPTIONS sip:%u@pbx.example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK-%u;rport\r\n"
		"Max-Forwards: 70\r\n"
		"To: \"%u\"<sip:%u@pbx.example.com>\r\n"
		"From: \"%u\"<sip:%u@pbx.example.com>;tag=%016llx\r\n"
		"User-Agent: friendly-scanner\r\n"
		"Call-ID: %llu\r\n"
		"Contact: sip:%u@%s:5060\r\n"
		"CSeq: 1 OPTIONS\r\n"
		"Accept: application/sdp\r\n"
		"Content-Length: 0\r\n"
		"\r\n",
		ext, p->ip_text, (unsigned int)p->r[1], ext, ext, ext, ext,
		(unsigned long long)p->r[2], (unsigned long long)p->r[0], ext, p->ip_text);
}

/* --- Frames of each class --------------------------------------------------- */

/* Where the USER_DIGITS digits after `prefix` start in the message, or 0. */
static uint16_t
digits_at(const char *msg, const char *prefix, uint16_t payload_off)
{
	const char *at = strstr(msg, prefix);	/* msg is snprintf's: NUL-terminated */

	return at == NULL ? 0 : (uint16_t)(payload_off + (at - msg) + strlen(prefix));
}

#define UDP_PAYLOAD_OFF (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + \
		sizeof(struct rte_udp_hdr))

/* The moved-table users an invite302 variant may name (--moved-file). */
struct file_users {
	unsigned int n;
	char (*user)[SS_SIP_KEY_USER_MAX * 3 + 1];
	char (*host)[SS_SIP_KEY_HOST_MAX + 1];
};

static int
build_sip(struct bench_tpl *t, uint8_t *f, enum bench_class c, unsigned int v,
		const struct peer *p, const struct file_users *fu)
{
	char msg[TPL_MAX];
	char user[SS_SIP_KEY_USER_MAX * 3 + 1];
	const char *host = "pbx.example.com";
	int len;

	switch (c) {
	case BC_REGISTER_423:
		len = msg_register(msg, sizeof(msg), p, v, 30);
		break;
	case BC_REGISTER:
		len = msg_register(msg, sizeof(msg), p, v, 3600);
		break;
	case BC_INVITE_302:
		if (fu != NULL) {
			snprintf(user, sizeof(user), "%s", fu->user[v % fu->n]);
			if (fu->host[v % fu->n][0] != '\0')
				host = fu->host[v % fu->n];
		} else {
			snprintf(user, sizeof(user), "u%07u", v % USER_SPACE);
		}
		len = msg_invite(msg, sizeof(msg), p, user, host);
		break;
	case BC_INVITE:
		snprintf(user, sizeof(user), "%s%07u", fu != NULL ? "nobody" : "u", v % USER_SPACE);
		len = msg_invite(msg, sizeof(msg), p, user, host);
		break;
	case BC_SCANNER:
		len = msg_scanner(msg, sizeof(msg), p);
		break;
	default:
		len = msg_response(msg, sizeof(msg), p);
		break;
	}
	if (len < 0 || (size_t)len + UDP_PAYLOAD_OFF > TPL_MAX)
		return -ENOSPC;
	t->len = frame_udp(f, p, p->port, SIP_PORT, msg, (uint16_t)len);
	t->udp_off = RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr);
	if ((c == BC_INVITE_302 && fu == NULL) || c == BC_INVITE) {
		const char *pre = fu != NULL && c == BC_INVITE ? "nobody" : "u";
		char ruri[32], to[32];

		snprintf(ruri, sizeof(ruri), "INVITE sip:%s", pre);
		snprintf(to, sizeof(to), "\r\nTo: <sip:%s", pre);
		t->patch_off[0] = digits_at(msg, ruri, UDP_PAYLOAD_OFF);
		t->patch_off[1] = digits_at(msg, to, UDP_PAYLOAD_OFF);
	}
	return 0;
}

/* RTP (PCMU, 20 ms) between two media ports: UDP not to a SIP port. */
static void
build_udp(struct bench_tpl *t, uint8_t *f, const struct peer *p)
{
	uint8_t rtp[12 + 160];
	uint16_t port = (uint16_t)(10000 + 2 * (p->r[3] % 10000));

	rtp[0] = 0x80;
	rtp[1] = 0;	/* PT 0: PCMU */
	memcpy(rtp + 2, &p->r[1], 10);
	memset(rtp + 12, 0xd5, 160);
	t->len = frame_udp(f, p, port, (uint16_t)(port + 2), rtp, sizeof(rtp));
}

/* ARP, ICMP echo and TCP SYN to 443, in turn: frames that are not UDP. */
static void
build_other(struct bench_tpl *t, uint8_t *f, unsigned int v, const struct peer *p)
{
	if (v % 3 == 0) {
		struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(f + RTE_ETHER_HDR_LEN);

		put_eth(f, RTE_ETHER_TYPE_ARP, p);
		memset(arp, 0, 60 - RTE_ETHER_HDR_LEN);	/* and the padding to 60 */
		arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
		arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		arp->arp_hlen = RTE_ETHER_ADDR_LEN;
		arp->arp_plen = 4;
		arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
		memcpy(&arp->arp_data.arp_sha, f + RTE_ETHER_ADDR_LEN, RTE_ETHER_ADDR_LEN);
		arp->arp_data.arp_sip = rte_cpu_to_be_32(p->ip);
		arp->arp_data.arp_tip = rte_cpu_to_be_32(REGISTRAR_IP);
		t->len = 60;
	} else if (v % 3 == 1) {
		uint16_t l4 = put_ipv4(f, p, REGISTRAR_IP, IPPROTO_ICMP, 8 + 56);
		struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(f + l4);

		memset(icmp, 0, 8 + 56);
		icmp->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
		icmp->icmp_ident = rte_cpu_to_be_16((uint16_t)p->r[1]);
		icmp->icmp_seq_nb = rte_cpu_to_be_16((uint16_t)v);
		icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, 8 + 56);
		t->len = (uint16_t)(l4 + 8 + 56);
	} else {
		uint16_t l4 = put_ipv4(f, p, REGISTRAR_IP, IPPROTO_TCP, 40);
		const struct rte_ipv4_hdr *ip =
			(const struct rte_ipv4_hdr *)(f + RTE_ETHER_HDR_LEN);
		struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)(f + l4);
		/* MSS 1460, SACK permitted, timestamps, NOP, window scale 7 */
		static const uint8_t opts[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1,
			0, 0, 0, 0, 1, 3, 3, 7};

		memset(tcp, 0, 40);
		tcp->src_port = rte_cpu_to_be_16((uint16_t)(1024 + p->r[2] % 60000));
		tcp->dst_port = rte_cpu_to_be_16(443);
		tcp->sent_seq = rte_cpu_to_be_32((uint32_t)p->r[3]);
		tcp->data_off = 10 << 4;
		tcp->tcp_flags = RTE_TCP_SYN_FLAG;
		tcp->rx_win = rte_cpu_to_be_16(64240);
		memcpy(tcp + 1, opts, sizeof(opts));
		tcp->cksum = rte_ipv4_udptcp_cksum(ip, tcp);
		t->len = (uint16_t)(l4 + 40);
	}
}

/* 200 bytes to port 5060 that are neither SIP nor a keep-alive: dropped. */
static void
build_garbage(struct bench_tpl *t, uint8_t *f, const struct peer *p, uint64_t *seed)
{
	uint8_t junk[200];

	for (unsigned int i = 0; i < sizeof(junk); i += 8) {
		uint64_t r = splitmix64(seed);

		memcpy(junk + i, &r, 8);
	}
	junk[0] = 0xff;	/* not STUN (top two bits 0), not CR/LF, not a method */
	t->len = frame_udp(f, p, p->port, SIP_PORT, junk, sizeof(junk));
}

/* Read the users of a --moved-file for the invite302 frames. */
static int
read_file_users(const char *path, unsigned int max, struct file_users *fu, char *err,
		size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char line[1024];

	if (fp == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -errno;
	}
	fu->user = calloc(max, sizeof(*fu->user));
	fu->host = calloc(max, sizeof(*fu->host));
	if (fu->user == NULL || fu->host == NULL) {
		fclose(fp);
		snprintf(err, errlen, "out of memory for the moved-table users");
		return -ENOMEM;
	}
	fu->n = 0;
	while (fu->n < max && fgets(line, sizeof(line), fp) != NULL) {
		struct ss_sip_key key;
		const char *uri;
		size_t uri_len;
		bool has_exp;
		uint32_t exp;
		char text[SS_SIP_KEY_USER_MAX * 3 + SS_SIP_KEY_HOST_MAX + 2];
		char *at;

		if (ss_moved_parse_line(line, &key, &uri, &uri_len, &has_exp, &exp, text,
				sizeof(text)) != 1)
			continue;	/* comments; bad lines are the loader's to report */
		if (ss_sip_key_format(&key, text, sizeof(text)) < 0)
			continue;
		at = strrchr(text, '@');
		if (at != NULL && key.host_len > 0) {
			*at = '\0';
			snprintf(fu->host[fu->n], sizeof(fu->host[0]), "%s", at + 1);
		}
		if (strlen(text) >= sizeof(fu->user[0]))
			continue;	/* cannot happen: the host was cut off above */
		memcpy(fu->user[fu->n], text, strlen(text) + 1);
		fu->n++;
	}
	fclose(fp);
	if (fu->n == 0) {
		snprintf(err, errlen, "%s: no entries: invite302 needs at least one moved user",
				path);
		return -EINVAL;
	}
	return 0;
}

int
bench_traffic_build(struct bench *b, char *err, size_t errlen)
{
	struct bench_traffic *t = &b->traffic;
	unsigned int v_max = b->o.variants;
	struct file_users fu = {0};
	uint64_t seed = 0x5eed5eedULL;
	size_t at = 0;
	int ret = 0;

	if (b->o.moved_file != NULL) {
		ret = read_file_users(b->o.moved_file, v_max, &fu, err, errlen);
		if (ret < 0)
			goto out;
	}
	t->arena = malloc((size_t)v_max * BC_COUNT * TPL_MAX);
	if (t->arena == NULL) {
		snprintf(err, errlen, "out of memory for %u frames per class", v_max);
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned int c = 0; c < BC_COUNT; c++) {
		uint64_t bytes = 0;

		t->tpl[c] = calloc(v_max, sizeof(struct bench_tpl));
		if (t->tpl[c] == NULL) {
			snprintf(err, errlen, "out of memory for the frame list");
			ret = -ENOMEM;
			goto out;
		}
		t->n_tpl[c] = v_max;
		for (unsigned int v = 0; v < v_max; v++) {
			struct bench_tpl *tp = &t->tpl[c][v];
			uint8_t *f = t->arena + at;
			struct peer p;

			make_peer(&p, &seed);
			tp->data = f;
			switch (c) {
			case BC_UDP:
				build_udp(tp, f, &p);
				break;
			case BC_OTHER:
				build_other(tp, f, v, &p);
				break;
			case BC_GARBAGE:
				build_garbage(tp, f, &p, &seed);
				break;
			default:
				ret = build_sip(tp, f, c, v, &p, fu.n != 0 ? &fu : NULL);
				if (ret < 0) {
					snprintf(err, errlen, "a %s frame does not fit %u bytes",
							class_names[c], TPL_MAX);
					goto out;
				}
			}
			at += TPL_MAX;
			bytes += tp->len;
		}
		t->avg_len[c] = (double)bytes / v_max;
	}
out:
	free(fu.user);
	free(fu.host);
	return ret;
}

void
bench_traffic_free(struct bench_traffic *t)
{
	for (unsigned int c = 0; c < BC_COUNT; c++) {
		free(t->tpl[c]);
		t->tpl[c] = NULL;
	}
	free(t->arena);
	t->arena = NULL;
}

/*
 * The user numbers the feeder patches into INVITEs, for the table in
 * service: invite302 names one of its `entries` users u0000000..,
 * invite a number past them. With --moved-file the invite302 frames name
 * the file's users as built, and invite names "nobody" numbers.
 */
void
bench_traffic_set_users(struct bench *b)
{
	struct bench_traffic *t = &b->traffic;

	memset(t->patch_lo, 0, sizeof(t->patch_lo));
	memset(t->patch_span, 0, sizeof(t->patch_span));
	if (b->o.moved_file != NULL) {
		t->patch_span[BC_INVITE] = USER_SPACE;
		return;
	}
	t->patch_span[BC_INVITE_302] = b->moved_entries;
	t->patch_lo[BC_INVITE] = b->moved_entries;
	t->patch_span[BC_INVITE] = USER_SPACE - b->moved_entries;
}

/*
 * A schedule of BENCH_SCHED_LEN classes in proportion to the weights,
 * shuffled, so that consecutive frames of a mix are of unrelated classes
 * as on a real link. NULL when out of memory.
 */
uint8_t *
bench_sched_make(const unsigned int weights[BC_COUNT], uint64_t seed)
{
	uint8_t *s = malloc(BENCH_SCHED_LEN);
	uint64_t total = 0, acc = 0;
	unsigned int at = 0;

	if (s == NULL)
		return NULL;
	for (unsigned int c = 0; c < BC_COUNT; c++)
		total += weights[c];
	for (unsigned int c = 0; c < BC_COUNT; c++) {
		/* cumulative rounding: the counts add up to the length exactly */
		unsigned int upto;

		acc += weights[c];
		upto = (unsigned int)((acc * BENCH_SCHED_LEN + total / 2) / total);
		while (at < upto)
			s[at++] = (uint8_t)c;
	}
	for (unsigned int i = BENCH_SCHED_LEN - 1; i > 0; i--) {
		unsigned int j = (unsigned int)(splitmix64(&seed) % (i + 1));
		uint8_t x = s[i];

		s[i] = s[j];
		s[j] = x;
	}
	return s;
}

/* --- The feeder ------------------------------------------------------------- */

static inline uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static inline void
put_digits(uint8_t *p, uint32_t v)
{
	for (int i = USER_DIGITS - 1; i >= 0; i--) {
		p[i] = (uint8_t)('0' + v % 10);
		v /= 10;
	}
}

/*
 * RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), byte by byte: a byte at an
 * even distance from the UDP header is the high half of its 16-bit word.
 */
static inline uint32_t
cksum_delta(uint32_t sum, const uint8_t *old, const uint8_t *new, unsigned int n,
		unsigned int dist)
{
	for (unsigned int i = 0; i < n; i++) {
		unsigned int sh = ((dist + i) & 1) == 0 ? 8 : 0;

		sum += (~((uint32_t)old[i] << sh) & 0xffff) + ((uint32_t)new[i] << sh);
	}
	return sum;
}

static inline void
patch_user(uint8_t *d, const struct bench_tpl *tp, uint32_t user)
{
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(d + tp->udp_off);
	uint32_t sum = (uint16_t)~rte_be_to_cpu_16(udp->dgram_cksum);
	uint16_t ck;

	for (unsigned int i = 0; i < RTE_DIM(tp->patch_off); i++) {
		uint16_t off = tp->patch_off[i];

		if (off == 0)
			continue;
		put_digits(d + off, user);
		sum = cksum_delta(sum, tp->data + off, d + off, USER_DIGITS,
				(unsigned int)(off - tp->udp_off));
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ck = (uint16_t)~sum;
	udp->dgram_cksum = rte_cpu_to_be_16(ck == 0 ? 0xffff : ck);
}

/*
 * Put up to n fresh frames on the worker's outside RX ring, as a NIC's
 * receive path would: an mbuf from the pool, the frame copied in. The
 * class goes in hash.usr (the ring PMD never sets it) so frames left in
 * the ring at the end can be told apart. Returns the frames queued.
 */
unsigned int
bench_feed(struct bench *b, struct bench_worker *w, unsigned int n)
{
	const struct bench_traffic *t = &b->traffic;
	struct rte_mbuf *m[FEED_MAX];
	unsigned int q;

	n = RTE_MIN(n, (unsigned int)FEED_MAX);
	if (n == 0)
		return 0;
	if (rte_pktmbuf_alloc_bulk(b->pool, m, n) != 0) {
		w->res.alloc_failed++;
		return 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		unsigned int c = w->sched[w->sched_pos++ % BENCH_SCHED_LEN];
		uint64_t r = xorshift64(&w->rng);
		const struct bench_tpl *tp = &t->tpl[c][(uint32_t)r % t->n_tpl[c]];
		uint8_t *d = rte_pktmbuf_mtod(m[i], uint8_t *);

		rte_memcpy(d, tp->data, tp->len);
		m[i]->data_len = tp->len;
		m[i]->pkt_len = tp->len;
		m[i]->hash.usr = c;
		if (t->patch_span[c] != 0 && tp->patch_off[0] != 0)
			patch_user(d, tp,
					t->patch_lo[c] + (uint32_t)((r >> 32) % t->patch_span[c]));
		if (b->o.cold)
			for (unsigned int off = 0; off < tp->len; off += RTE_CACHE_LINE_SIZE)
				_mm_clflush(d + off);
	}
	if (b->o.cold)
		_mm_sfence();
	q = rte_ring_sp_enqueue_burst(w->rx_ring[SS_PORT_OUTSIDE], (void **)m, n, NULL);
	if (q < n)
		rte_pktmbuf_free_bulk(m + q, n - q);
	for (unsigned int i = 0; i < q; i++)
		w->res.fed[m[i]->hash.usr]++;
	return q;
}
