/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * The User-Agent patterns of SIP scanners (DESIGN §2): the built-in list,
 * or a file of the operator's, compiled into lib/sip's second Hyperscan
 * database.
 *
 * The built-in list holds only the names scanning and attack tools send
 * by default, never a softphone's or an SDK's that real users run
 * (community lists such as paulseward/sip-hardening's siptables.sh also
 * block eyeBeam, X-Lite, CSipSimple or "PBX": fine for one PBX, wrong for
 * an edge in front of many customers). Names are matched caseless
 * anywhere in the value, or at its start ('^') where the name is short
 * enough to occur inside a legitimate agent's name.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "ss_filter.h"

static const char *const default_agents[] = {
	/*
	 * SIPVicious OSS (svmap, svwar, svcrack): "friendly-scanner" is the
	 * default of svhelper.makeRequest() in Debian's sipvicious 0.3.3;
	 * later releases and SIPVicious PRO send "sipvicious".
	 */
	"friendly-scanner",
	"sipvicious",
	/* a variant of the above seen by honeypots (paulseward/sip-hardening) */
	"friendly-request",
	/* sipcli, a REGISTER brute-forcer: "sipcli/v1.8" (fail2ban and iptables recipes) */
	"sipcli/",
	/*
	 * The VaxVoIP SDK's default agent, carried by mass INVITE/REGISTER
	 * scans (Kamailio community configs, secfilter examples).
	 */
	"VaxSIPUserAgent",
	"VaxIPUserAgent",
	/* SIPPTS and Pepelux's older Perl tools: $useragent = 'pplsip' */
	"pplsip",
	/* sipsak: "sipsak <version>" (UA_VAL_STR; Debian's sipsak 0.9.8.1) */
	"^sipsak",
	/* the Sundayddr worm */
	"sundayddr",
	/* iWar, a war dialer with SIP support */
	"^iWar",
	/* SIPScan and sip-scan */
	"sipscan",
	"sip-scan",
	/* Nmap's sip NSE library: "Nmap NSE" */
	"^Nmap NSE",
	/* SiVuS, a SIP vulnerability scanner, and SIP Army Knife, a fuzzer */
	"^sivus",
	"siparmyknife",
};

unsigned int
ss_scanner_defaults(const char *const **patterns)
{
	*patterns = default_agents;
	return RTE_DIM(default_agents);
}

#define LINE_MAX_LEN 1024

/* Patterns read from a file, kept until compiled. */
struct agent_file {
	char *pattern[SS_SIP_AGENTS_MAX];
	unsigned int line[SS_SIP_AGENTS_MAX];
	unsigned int n;
};

static void
agent_file_free(struct agent_file *af)
{
	for (unsigned int i = 0; i < af->n; i++)
		free(af->pattern[i]);
	af->n = 0;
}

/* One line, trimmed: 1 with a pattern stored, 0 for blank or comment, or -errno. */
static int
agent_line(struct agent_file *af, char *text, const char *path, unsigned int lineno, char *err,
		size_t errlen)
{
	size_t len = strlen(text);
	char *p = text;

	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' ||
			text[len - 1] == ' ' || text[len - 1] == '\t'))
		text[--len] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	len = strlen(p);
	if (len > SS_SIP_AGENT_MAX + (p[0] == '^') || (p[0] == '^' && len == 1)) {
		snprintf(err, errlen, "%s:%u: expected a pattern of 1..%d bytes", path, lineno,
				SS_SIP_AGENT_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e) {
			snprintf(err, errlen,
					"%s:%u: byte 0x%02x in column %zu: patterns are printable "
					"ASCII (a User-Agent is)",
					path, lineno, (unsigned char)p[i], (size_t)(p - text) + i + 1);
			return -EINVAL;
		}
	}
	if (af->n == SS_SIP_AGENTS_MAX) {
		snprintf(err, errlen, "%s:%u: more than %d patterns", path, lineno,
				SS_SIP_AGENTS_MAX);
		return -ERANGE;
	}
	af->pattern[af->n] = strdup(p);
	if (af->pattern[af->n] == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	af->line[af->n++] = lineno;
	return 1;
}

static int
agent_file_read(struct agent_file *af, const char *path, char *err, size_t errlen)
{
	char text[LINE_MAX_LEN + 1];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "re");
	int rc = 0;

	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(-rc));
		return rc;
	}
	errno = 0;
	while (rc >= 0 && fgets(text, sizeof(text), f) != NULL) {
		size_t len = strlen(text);

		lineno++;
		if ((len == 0 || text[len - 1] != '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line longer than %d characters, or a NUL byte",
					path, lineno, LINE_MAX_LEN - 1);
			rc = -EINVAL;
			break;
		}
		rc = agent_line(af, text, path, lineno, err, errlen);
	}
	if (rc >= 0 && ferror(f)) {
		rc = errno != 0 ? -errno : -EIO;
		snprintf(err, errlen, "%s:%u: cannot read: %s", path, lineno + 1, strerror(-rc));
	}
	fclose(f);
	if (rc >= 0 && af->n == 0) {
		snprintf(err, errlen,
				"%s: no pattern (to drop no scanner, set [filter] drop_scanners = "
				"off)",
				path);
		rc = -EINVAL;
	}
	return rc < 0 ? rc : 0;
}

int
ss_scanner_load(struct ss_sip_hs *hs, const char *path, char *err, size_t errlen)
{
	const char *const *patterns;
	struct agent_file *af;
	const char *why = NULL;
	unsigned int n, bad = 0;
	int rc;

	if (path == NULL || path[0] == '\0') {
		n = ss_scanner_defaults(&patterns);
		rc = ss_sip_hs_set_agents(hs, patterns, n, &bad, &why);
		if (rc < 0) {
			snprintf(err, errlen, "built-in scanner pattern %u: %s", bad, why);
			return rc;
		}
		return (int)n;
	}
	/* 1024 pointers and lines: too much for a control thread's stack frame */
	af = calloc(1, sizeof(*af));
	if (af == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	rc = agent_file_read(af, path, err, errlen);
	if (rc == 0) {
		n = af->n;
		rc = ss_sip_hs_set_agents(hs, (const char *const *)af->pattern, n, &bad, &why);
		if (rc < 0)
			snprintf(err, errlen, "%s:%u: %s", path, bad < n ? af->line[bad] : 0, why);
		else
			rc = (int)n;
	}
	agent_file_free(af);
	free(af);
	return rc;
}
