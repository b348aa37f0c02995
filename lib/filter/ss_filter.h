/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * lib/filter: what sipshield does with one SIP datagram (DESIGN §2), and
 * the moved table it consults.
 *
 * ss_filter_process() is the whole per-message decision: parse, verdict,
 * reply. It is worker-safe and lock-free: it reads the filter and the
 * table, writes only the caller's buffers and the worker's scratch.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "ss_sip.h"
#include "ss_conf.h"

/* --- Moved table ------------------------------------------------------- */

struct ss_moved;
struct ss_sources;

/* A table value: where a moved user is now. Immutable once published. */
struct ss_moved_entry {
	uint32_t expires;	/* 302 Expires, when has_expires */
	uint8_t has_expires;
	uint16_t uri_len;
	const char *uri;	/* new-uri, not NUL-terminated (points into data) */
	uint32_t line;		/* line of the file it came from (0: not a file) */
	struct ss_sip_key key;	/* the full key, to rule out digest collisions */
	char data[];
};

#define SS_MOVED_URI_MAX 255

/*
 * Create an empty table for up to `capacity` entries on NUMA `socket`
 * (SOCKET_ID_ANY). `name` must be unique in the process (rte_hash names
 * are global). Needs EAL. NULL and rte_errno on failure. Control thread.
 */
struct ss_moved *ss_moved_create(const char *name, uint32_t capacity, int socket);
void ss_moved_free(struct ss_moved *t);

/*
 * Readers of t run concurrently and report to qs: a replaced or deleted
 * entry is freed only after a grace period. Call before publishing t.
 */
void ss_moved_set_rcu(struct ss_moved *t, struct rte_rcu_qsbr *qs);

/* Entries allocated and not yet freed in all tables of the process. */
uint64_t ss_moved_live_entries(void);

/* Entries t was sized for. */
uint32_t ss_moved_capacity(const struct ss_moved *t);

/* Add every entry of src to dst (control thread). 0 or a negative errno. */
int ss_moved_copy(struct ss_moved *dst, const struct ss_moved *src);

/*
 * Add or replace an entry. uri must be a sip:, sips: or tel: URI of at
 * most SS_MOVED_URI_MAX bytes without whitespace or < > ". Returns 0,
 * -EINVAL (bad URI), -ENOSPC (table full) or -EEXIST (a different key with
 * the same digest: never seen in practice, reported rather than hidden).
 * Control thread only; serialise writers.
 */
int ss_moved_add(struct ss_moved *t, const struct ss_sip_key *key, const char *uri,
		size_t uri_len, bool has_expires, uint32_t expires);

/* Remove an entry: 0 or -ENOENT. Control thread only. */
int ss_moved_del(struct ss_moved *t, const struct ss_sip_key *key);

/*
 * Find the entry for an exact key (host included, or empty for the
 * any-host entries). Worker-safe, lock-free. NULL when absent.
 */
const struct ss_moved_entry *ss_moved_find(const struct ss_moved *t, const struct ss_sip_key *key);

/*
 * DESIGN §2 lookup of a Request-URI key: user@host first, then the
 * user's any-host entry. Modifies key (drops its host for the second
 * try). Worker-safe.
 */
const struct ss_moved_entry *ss_moved_lookup(const struct ss_moved *t, struct ss_sip_key *key);

uint32_t ss_moved_count(const struct ss_moved *t);

/*
 * Load a moved-table file (`user[@host] new-uri [expires]` per line, `#`
 * comments) into an empty table. Returns the number of entries, or a
 * negative errno with `file:line: problem` in err. Control thread.
 */
int ss_moved_load_file(struct ss_moved *t, const char *path, char *err, size_t errlen);

/* The basic form every new URI has; ss_moved_uri_problem() says it when broken. */
#define SS_MOVED_URI_FORM \
	" is not a sip:, sips: or tel: URI of at most 255 bytes without spaces, < > or \""

/*
 * What is wrong with a new URI (NULL: nothing), as a phrase that follows
 * `new URI "<uri>"`: the basic form (scheme, length, no byte that would
 * end <...> in a header), then RFC 3261 §25.1 syntax for sip:/sips: (user
 * characters and escapes, host name / IPv4 / [IPv6], port 1..65535,
 * ;parameters, ?headers) and RFC 3966 §3 for tel: (digits and visual
 * separators). ss_moved_add() refuses whatever this refuses. Any thread.
 */
const char *ss_moved_uri_problem(const char *uri, size_t len);

/*
 * Parse and check a key `user[@host]` into *key: NULL when fine, else a
 * phrase that follows `key "<text>"`: printable ASCII only (%XX for the
 * rest), a user, lengths, a host that is a host name, IPv4 or [IPv6]
 * address and has no port. Any thread.
 */
const char *ss_moved_key_problem(const char *text, size_t len, struct ss_sip_key *key);

/*
 * s[0..len) for a message: bytes outside printable ASCII, '"' and '\' as
 * \xNN, cut with "..." to fit out[0..cap). Any thread.
 */
void ss_moved_quote(const char *s, size_t len, char *out, size_t cap);

/* Count the entry lines of a moved-table file (to size a table), or -errno. */
int ss_moved_count_file(const char *path);

/*
 * Parse one table line, in place (it is split into fields; *uri points
 * into it). Returns 1 with the fields set, 0 for a blank or comment line,
 * or -EINVAL with the problem in err (without file:line).
 */
int ss_moved_parse_line(char *line, struct ss_sip_key *key, const char **uri,
		size_t *uri_len, bool *has_expires, uint32_t *expires, char *err, size_t errlen);

/* --- Scanners (DESIGN §2) ---------------------------------------------- */

/*
 * Compile the User-Agent patterns of SIP scanners into hs, before any
 * scratch is made from it: those of the file at path, one per line (`#`
 * comments and blank lines skipped, surrounding blanks trimmed; matched
 * caseless anywhere in the value, or at its start with a leading `^`), or
 * the built-in list when path is NULL or "". Returns the number of
 * patterns, or a negative errno with `file:line: problem` in err.
 * Control thread.
 */
int ss_scanner_load(struct ss_sip_hs *hs, const char *path, char *err, size_t errlen);

/* The built-in list: sets *patterns, returns its length. */
unsigned int ss_scanner_defaults(const char *const **patterns);

/* --- Verdicts ---------------------------------------------------------- */

enum ss_verdict {
	SS_VERDICT_PASS = 0,
	SS_VERDICT_ANSWER,	/* reply built: 423 or 302 */
	SS_VERDICT_DROP,
};

/* Why: each maps to a counter and to `sipshield-cli check`'s reason word. */
enum ss_reason {
	SS_REASON_NOT_SIP = 0,		/* drop: neither request nor response */
	SS_REASON_KEEPALIVE,		/* pass: CRLF or STUN */
	SS_REASON_RESPONSE,		/* pass */
	SS_REASON_ACK_OURS,		/* drop: ACK for our own 302, absorbed */
	SS_REASON_TOO_BRIEF,		/* answer 423 */
	SS_REASON_MOVED,		/* answer 302 */
	SS_REASON_WOULD_AMPLIFY,	/* pass: reply > request + 64 bytes */
	SS_REASON_NO_ROOM,		/* pass: reply does not fit the caller's buffer */
	SS_REASON_UNANSWERABLE,		/* pass: earns a reply but lacks Via/From/... */
	SS_REASON_NO_RULE,		/* pass: no rule applies */
	SS_REASON_EXPIRES_OK,		/* pass: REGISTER/SUBSCRIBE long enough or 0 */
	SS_REASON_NO_EXPIRY,		/* pass: nothing to check (no Contact, no value) */
	SS_REASON_CONTACT_STAR,		/* pass: Contact: * */
	SS_REASON_IN_DIALOG,		/* pass: To has a tag */
	SS_REASON_NOT_MOVED,		/* pass: user not in the table */
	SS_REASON_URI_UNUSABLE,		/* pass: no key (no user, scheme, too long) */
	SS_REASON_SCAN_ERROR,		/* pass: Hyperscan failed */
	SS_REASON_SCANNER,		/* drop: User-Agent of a SIP scanner */
	SS_REASON_TRUNCATED,		/* pass: earns a reply, body shorter than Content-Length */
	SS_REASON_BAD_SOURCE,		/* pass: earns a reply, source not a unicast address/port */
	SS_REASON_COUNT
};

/* Short name of a reason, [a-z_] (telemetry and `check`). */
const char *ss_reason_name(enum ss_reason r);

/* Largest reply over the request: DESIGN §2's amplification bound. */
#define SS_FILTER_MAX_GROWTH 64

/*
 * Safe rollout: the rules an operator can switch off one by one, and
 * monitor mode (count what enforce would do, pass everything). Bits of
 * ss_filter.rules. A rule that is off is not evaluated at all: what it
 * would have done is neither done nor counted, and the later rules
 * decide (a scanner's too-brief REGISTER gets its 423 with
 * drop_scanners off).
 */
#define SS_RULE_423		(1u << 0)	/* answer_423 */
#define SS_RULE_302		(1u << 1)	/* answer_302 */
#define SS_RULE_NOT_SIP		(1u << 2)	/* drop_not_sip */
#define SS_RULE_SCANNERS	(1u << 3)	/* drop_scanners */
#define SS_RULE_REQUEST_LIMIT	(1u << 4)	/* request_limit */
#define SS_RULE_REPLY_LIMIT	(1u << 5)	/* reply_limit */
#define SS_RULE_ALL		0x3fu
#define SS_RULE_MONITOR		(1u << 31)	/* mode = monitor */

/* The rule bits of conf's switches and mode. */
uint32_t ss_filter_conf_rules(const struct ss_conf *conf);

/* The config key of one rule bit ("answer_423", ...), NULL for none. */
const char *ss_filter_rule_name(uint32_t bit);

/* The bit of a rule's config key, 0 for no such rule. */
uint32_t ss_filter_rule_from_name(const char *name);

/* Shared, read-only while workers run, but for rules. */
struct ss_filter {
	/*
	 * SS_RULE_* bits in force. The one field that changes while workers
	 * run: a telemetry thread stores a whole new word (ss_filter_set_rules),
	 * workers load it once per burst and ss_filter_process() once per
	 * message, relaxed: a word is never torn, and a packet judged by the
	 * previous setting during the switch is harmless.
	 */
	uint32_t rules;
	uint32_t min_expires;
	uint32_t min_expires_subscribe;
	uint32_t redirect_methods;	/* 1u << enum ss_sip_method */
	/*
	 * Drop requests whose User-Agent matches hs's agent database
	 * (ss_sip_hs_set_agents()); without that database nothing matches.
	 */
	bool drop_scanners;
	const struct ss_sip_hs *hs;
	/*
	 * The moved table, NULL when nothing has moved. Workers load it with
	 * acquire (a reload swaps it); see ss_moved_ctl.h.
	 */
	struct ss_moved *moved;
	/*
	 * The source allow/deny lists (ss_sources.h), NULL for none. The
	 * per-burst stage loads it with acquire once per burst; a reload
	 * swaps it under RCU.
	 */
	struct ss_sources *sources;
	uint8_t secret[SS_SIP_SECRET_LEN];
};

/* The outcome for one message. */
struct ss_filter_result {
	uint8_t verdict;	/* enum ss_verdict */
	uint8_t reason;		/* enum ss_reason */
	uint8_t kind;		/* enum ss_sip_kind */
	uint8_t method;		/* enum ss_sip_method, for requests */
	uint16_t reply_len;	/* bytes written to the reply buffer (ANSWER) */
	uint16_t code;		/* 423 or 302 (ANSWER, or what it would have been) */
};

/* Fill f from a config; moved and secret are the caller's to set. */
void ss_filter_init(struct ss_filter *f, const struct ss_conf *conf, const struct ss_sip_hs *hs);

/* The rules in force. Any thread, lock-free. */
static inline uint32_t
ss_filter_rules(const struct ss_filter *f)
{
	return __atomic_load_n(&f->rules, __ATOMIC_RELAXED);
}

/* Put rules in force while workers run. Control thread; serialise callers. */
static inline void
ss_filter_set_rules(struct ss_filter *f, uint32_t rules)
{
	__atomic_store_n(&f->rules, rules, __ATOMIC_RELAXED);
}

/*
 * Decide what to do with the UDP payload msg[0..len) that came from src.
 * On ANSWER the reply is in out[0..result->reply_len); out must hold
 * len + SS_FILTER_MAX_GROWTH bytes or out_cap, whichever is smaller,
 * bounds the reply. sm is the caller's parse state (kept so the caller can
 * count methods). Worker-safe with the worker's own scratch.
 */
void ss_filter_process(const struct ss_filter *f, struct ss_sip_scratch *scratch,
		struct ss_sip_msg *sm, const void *msg, size_t len, const struct ss_sip_addr *src,
		char *out, size_t out_cap, struct ss_filter_result *result);
