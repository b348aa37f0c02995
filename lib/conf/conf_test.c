/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * lib/conf unit tests: each config is written to a file under /tmp and
 * loaded; errors are compared as whole strings, file and line included,
 * because the message is what an operator sees when start-up stops.
 */

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ss_sip.h"
#include "ss_conf.h"

#define M(x) (1u << SS_SIP_M_##x)

/* The file last written by write_file(): its name is in expected messages. */
static char cur_path[64];
/* realpath("/tmp"): where relative paths in those files resolve */
static char tmp_real[PATH_MAX];

static void
write_file(const char *text, size_t len, mode_t mode)
{
	int fd;

	snprintf(cur_path, sizeof(cur_path), "/tmp/ss_conf_test_XXXXXX");
	fd = mkstemp(cur_path);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static int
load_bytes(const char *text, size_t len, struct ss_conf *c, char *err)
{
	int rc;

	write_file(text, len, 0600);
	rc = ss_conf_load(c, cur_path, err, SS_CONF_ERR_MAX);
	unlink(cur_path);
	return rc;
}

/* Load text; it must succeed with no message. */
static void
load_ok(const char *text, struct ss_conf *c)
{
	char err[SS_CONF_ERR_MAX] = "x";
	int rc = load_bytes(text, strlen(text), c, err);

	if (rc != 0)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	assert_string_equal(c->path, cur_path);
}

/* Load text; it must fail with want_rc and "<file>" want, and leave conf alone. */
static void
load_err_bytes(const char *text, size_t len, int want_rc, const char *want)
{
	char err[SS_CONF_ERR_MAX], full[SS_CONF_ERR_MAX];
	struct ss_conf c, before;
	int rc;

	memset(&c, 0xa5, sizeof(c));
	before = c;
	rc = load_bytes(text, len, &c, err);
	snprintf(full, sizeof(full), "%s%s", cur_path, want);
	assert_string_equal(err, full);
	assert_int_equal(rc, want_rc);
	assert_memory_equal(&c, &before, sizeof(c));
}

static void
load_err(const char *text, int want_rc, const char *want)
{
	load_err_bytes(text, strlen(text), want_rc, want);
}

/* The defaults, with path set to the file last loaded. */
static void
defaults_here(struct ss_conf *c)
{
	ss_conf_defaults(c);
	snprintf(c->path, sizeof(c->path), "%s", cur_path);
}

static void
assert_conf_equal(const struct ss_conf *a, const struct ss_conf *b)
{
	assert_int_equal(a->port_outside, b->port_outside);
	assert_int_equal(a->port_inside, b->port_inside);
	assert_int_equal(a->min_expires, b->min_expires);
	assert_int_equal(a->min_expires_subscribe, b->min_expires_subscribe);
	assert_int_equal(a->redirect_methods, b->redirect_methods);
	assert_int_equal(a->n_sip_ports, b->n_sip_ports);
	for (unsigned int i = 0; i < a->n_sip_ports; i++)
		assert_int_equal(a->sip_ports[i], b->sip_ports[i]);
	assert_string_equal(a->moved_table, b->moved_table);
	assert_string_equal(a->tag_secret, b->tag_secret);
	assert_int_equal(a->drop_scanners, b->drop_scanners);
	assert_string_equal(a->scanner_agents, b->scanner_agents);
	assert_int_equal(a->monitor, b->monitor);
	assert_int_equal(a->answer_423, b->answer_423);
	assert_int_equal(a->answer_302, b->answer_302);
	assert_int_equal(a->drop_not_sip, b->drop_not_sip);
	assert_int_equal(a->request_limit, b->request_limit);
	assert_int_equal(a->reply_limit, b->reply_limit);
	assert_string_equal(a->sources_allow, b->sources_allow);
	assert_string_equal(a->sources_deny, b->sources_deny);
	assert_int_equal(a->requests_per_source.rate, b->requests_per_source.rate);
	assert_int_equal(a->requests_per_source.burst, b->requests_per_source.burst);
	assert_int_equal(a->replies_per_source.rate, b->replies_per_source.rate);
	assert_int_equal(a->replies_per_source.burst, b->replies_per_source.burst);
	assert_int_equal(a->replies_node.rate, b->replies_node.rate);
	assert_int_equal(a->replies_node.burst, b->replies_node.burst);
	assert_int_equal(a->sources_table, b->sources_table);
	assert_int_equal(a->idle_sleep_us, b->idle_sleep_us);
	assert_int_equal(a->rx_desc, b->rx_desc);
	assert_int_equal(a->tx_desc, b->tx_desc);
	assert_int_equal(a->fleet.enabled, b->fleet.enabled);
	assert_string_equal(a->fleet.redis_host, b->fleet.redis_host);
	assert_int_equal(a->fleet.redis_port, b->fleet.redis_port);
	assert_string_equal(a->fleet.redis_unix, b->fleet.redis_unix);
	assert_string_equal(a->fleet.key_prefix, b->fleet.key_prefix);
	assert_string_equal(a->fleet.password_file, b->fleet.password_file);
	assert_int_equal(a->fleet.stream_maxlen, b->fleet.stream_maxlen);
	assert_string_equal(a->path, b->path);
}

static void
test_defaults(void **state)
{
	struct ss_conf c, want;

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	ss_conf_defaults(&c);
	assert_int_equal(c.port_outside, 0);
	assert_int_equal(c.port_inside, SS_CONF_PORT_NONE);
	assert_int_equal(c.min_expires, 60);
	assert_int_equal(c.min_expires_subscribe, 60);
	assert_int_equal(c.redirect_methods, M(INVITE));
	assert_int_equal(c.n_sip_ports, 1);
	assert_int_equal(c.sip_ports[0], 5060);
	assert_true(ss_conf_is_sip_port(&c, 5060));
	assert_false(ss_conf_is_sip_port(&c, 5061));
	assert_string_equal(c.moved_table, "");
	assert_string_equal(c.tag_secret, "");
	assert_true(c.drop_scanners);
	assert_string_equal(c.scanner_agents, "");
	/* DESIGN §2: requests unlimited, replies 1000/s burst 2000, node 1,000,000/s */
	assert_int_equal(c.requests_per_source.rate, 0);
	assert_int_equal(c.replies_per_source.rate, 1000);
	assert_int_equal(c.replies_per_source.burst, 2000);
	assert_int_equal(c.replies_node.rate, 1000000);
	assert_int_equal(c.replies_node.burst, 2000000);
	assert_int_equal(c.sources_table, 65536);
	assert_int_equal(c.idle_sleep_us, 0);
	assert_int_equal(c.rx_desc, 1024);
	assert_int_equal(c.tx_desc, 1024);
	assert_string_equal(c.path, "");

	/* an empty file, and one of comments, empty sections and blank lines */
	load_ok("", &c);
	defaults_here(&want);
	assert_conf_equal(&c, &want);
	load_ok("# sipshield\n; also a comment\n\n   # indented comment\n[ports]\n[filter]\n"
		"[limits]\n[dataplane]\n\n",
			&c);
	defaults_here(&want);
	assert_conf_equal(&c, &want);
}

static void
test_ports(void **state)
{
	struct ss_conf c;

	(void)state;
	load_ok("[ports]\noutside = 3\ninside = 1\n", &c);
	assert_int_equal(c.port_outside, 3);
	assert_int_equal(c.port_inside, 1);
	load_ok("[ports]\noutside = 1023\ninside = none\n", &c);
	assert_int_equal(c.port_outside, 1023);
	assert_int_equal(c.port_inside, SS_CONF_PORT_NONE);
	load_ok("[ports]\ninside = NONE\n", &c);
	assert_int_equal(c.port_inside, SS_CONF_PORT_NONE);
	load_ok("[ports]\ninside = 0\noutside = 1\n", &c);
	assert_int_equal(c.port_outside, 1);
	assert_int_equal(c.port_inside, 0);

	load_err("[ports]\noutside = 1024\n", -ERANGE,
			":2: [ports] outside = \"1024\": expected an integer 0..1023");
	load_err("[ports]\noutside = -1\n", -EINVAL,
			":2: [ports] outside = \"-1\": expected an integer 0..1023");
	load_err("[ports]\noutside = none\n", -EINVAL,
			":2: [ports] outside = \"none\": expected an integer 0..1023");
	load_err("[ports]\noutside =\n", -EINVAL,
			":2: [ports] outside = \"\": expected an integer 0..1023");
	load_err("[ports]\ninside = 2x\n", -EINVAL,
			":2: [ports] inside = \"2x\": expected an integer 0..1023 or none");
	load_err("[ports]\ninside = 99999\n", -ERANGE,
			":2: [ports] inside = \"99999\": expected an integer 0..1023 or none");
	load_err("[ports]\ninside =   \n", -EINVAL,
			":2: [ports] inside = \"\": expected an integer 0..1023 or none");
	/* outside defaults to 0 */
	load_err("[ports]\ninside = 0\n", -EINVAL,
			":2: [ports] outside and inside are both port 0: expected two different "
			"ports, or inside = none (one-armed)");
	load_err("# two-armed\n[ports]\ninside = 4\noutside = 4\n", -EINVAL,
			":4: [ports] outside and inside are both port 4: expected two different "
			"ports, or inside = none (one-armed)");
}

static void
test_min_expires(void **state)
{
	struct ss_conf c;

	(void)state;
	load_ok("[filter]\nmin_expires = 1\n", &c);
	assert_int_equal(c.min_expires, 1);
	assert_int_equal(c.min_expires_subscribe, 60);
	load_ok("[filter]\nmin_expires=3600\n", &c);
	assert_int_equal(c.min_expires, 3600);
	load_ok("[filter]\n  min_expires   =\t 060 \t\n", &c);
	assert_int_equal(c.min_expires, 60);

	/* the example of STYLE.md, on line 12 */
	load_err("# 1\n# 2\n# 3\n# 4\n# 5\n# 6\n# 7\n# 8\n# 9\n# 10\n[filter]\n"
		 "min_expires = 6o\n",
			-EINVAL, ":12: [filter] min_expires = \"6o\": expected an integer 1..3600");
	load_err("[filter]\nmin_expires = 0\n", -ERANGE,
			":2: [filter] min_expires = \"0\": expected an integer 1..3600");
	load_err("[filter]\nmin_expires = 3601\n", -ERANGE,
			":2: [filter] min_expires = \"3601\": expected an integer 1..3600");
	load_err("[filter]\nmin_expires = 99999999999999999999999999\n", -ERANGE,
			":2: [filter] min_expires = \"99999999999999999999999999\": expected an "
			"integer 1..3600");
	load_err("[filter]\nmin_expires = -5\n", -EINVAL,
			":2: [filter] min_expires = \"-5\": expected an integer 1..3600");
	load_err("[filter]\nmin_expires = +5\n", -EINVAL,
			":2: [filter] min_expires = \"+5\": expected an integer 1..3600");
	load_err("[filter]\nmin_expires = 0x10\n", -EINVAL,
			":2: [filter] min_expires = \"0x10\": expected an integer 1..3600");
	load_err("[filter]\nmin_expires = 6 0\n", -EINVAL,
			":2: [filter] min_expires = \"6 0\": expected an integer 1..3600");
	load_err("[filter]\nmin_expires =\n", -EINVAL,
			":2: [filter] min_expires = \"\": expected an integer 1..3600");
	/* comments start a line; inih alone would cut this value at " ;" */
	load_err("[filter]\nmin_expires = 60 ; the registrar's\n", -EINVAL,
			":2: [filter] min_expires = \"60 ; the registrar's\": expected an integer "
			"1..3600");
	load_err("[filter]\nmin_expires = 60 # the registrar's\n", -EINVAL,
			":2: [filter] min_expires = \"60 # the registrar's\": expected an integer "
			"1..3600");
}

static void
test_min_expires_subscribe(void **state)
{
	struct ss_conf c;

	(void)state;
	load_ok("[filter]\nmin_expires_subscribe = 1\n", &c);
	assert_int_equal(c.min_expires_subscribe, 1);
	assert_int_equal(c.min_expires, 60);
	load_ok("[filter]\nmin_expires_subscribe = 3600\nmin_expires = 120\n", &c);
	assert_int_equal(c.min_expires_subscribe, 3600);
	assert_int_equal(c.min_expires, 120);

	load_err("[filter]\nmin_expires_subscribe = 0\n", -ERANGE,
			":2: [filter] min_expires_subscribe = \"0\": expected an integer 1..3600");
	load_err("[filter]\nmin_expires_subscribe = 7200\n", -ERANGE,
			":2: [filter] min_expires_subscribe = \"7200\": expected an integer "
			"1..3600");
	load_err("[filter]\nmin_expires_subscribe = sixty\n", -EINVAL,
			":2: [filter] min_expires_subscribe = \"sixty\": expected an integer "
			"1..3600");
}

static void
test_redirect_methods(void **state)
{
	struct ss_conf c;

	(void)state;
	load_ok("[filter]\nredirect_methods = INVITE\n", &c);
	assert_int_equal(c.redirect_methods, M(INVITE));
	load_ok("[filter]\nredirect_methods = invite, Message\n", &c);
	assert_int_equal(c.redirect_methods, M(INVITE) | M(MESSAGE));
	load_ok("[filter]\nredirect_methods = INVITE MESSAGE,OPTIONS  ,\tsubscribe,\n", &c);
	assert_int_equal(c.redirect_methods, M(INVITE) | M(MESSAGE) | M(OPTIONS) | M(SUBSCRIBE));
	load_ok("[filter]\nredirect_methods = BYE\n", &c);
	assert_int_equal(c.redirect_methods, M(BYE));
	load_ok("[filter]\nredirect_methods = none\n", &c);
	assert_int_equal(c.redirect_methods, 0);

	load_err("[filter]\nredirect_methods = REGISTER\n", -EINVAL,
			":2: [filter] redirect_methods = \"REGISTER\": REGISTER cannot be "
			"redirected "
			"(REGISTER, ACK and CANCEL never get a 302)");
	load_err("[filter]\nredirect_methods = INVITE, ack\n", -EINVAL,
			":2: [filter] redirect_methods = \"INVITE, ack\": ACK cannot be redirected "
			"(REGISTER, ACK and CANCEL never get a 302)");
	load_err("[filter]\nredirect_methods = cancel INVITE\n", -EINVAL,
			":2: [filter] redirect_methods = \"cancel INVITE\": CANCEL cannot be "
			"redirected (REGISTER, ACK and CANCEL never get a 302)");
	load_err("[filter]\nredirect_methods = INVITE,FOO\n", -EINVAL,
			":2: [filter] redirect_methods = \"INVITE,FOO\": unknown method \"FOO\"");
	load_err("[filter]\nredirect_methods = OTHER\n", -EINVAL,
			":2: [filter] redirect_methods = \"OTHER\": unknown method \"OTHER\"");
	load_err("[filter]\nredirect_methods = INVITEMESSAGEOPTIONS\n", -EINVAL,
			":2: [filter] redirect_methods = \"INVITEMESSAGEOPTIONS\": unknown method "
			"\"INVITEMESSAGEOPTIONS\"");
	load_err("[filter]\nredirect_methods = INVITE;MESSAGE\n", -EINVAL,
			":2: [filter] redirect_methods = \"INVITE;MESSAGE\": unknown method "
			"\"INVITE;MESSAGE\"");
	load_err("[filter]\nredirect_methods = INVITE, invite\n", -EINVAL,
			":2: [filter] redirect_methods = \"INVITE, invite\": INVITE listed twice");
	load_err("[filter]\nredirect_methods =\n", -EINVAL,
			":2: [filter] redirect_methods = \"\": expected method names (such as "
			"INVITE, MESSAGE) or none");
	load_err("[filter]\nredirect_methods = , ,\n", -EINVAL,
			":2: [filter] redirect_methods = \", ,\": expected method names (such as "
			"INVITE, MESSAGE) or none");
}

static void
test_sip_ports(void **state)
{
	struct ss_conf c;

	(void)state;
	load_ok("[filter]\nsip_ports = 5080\n", &c);
	assert_int_equal(c.n_sip_ports, 1);
	assert_int_equal(c.sip_ports[0], 5080);
	assert_false(ss_conf_is_sip_port(&c, 5060));
	load_ok("[filter]\nsip_ports = 5060, 5080 ,15060\n", &c);
	assert_int_equal(c.n_sip_ports, 3);
	assert_int_equal(c.sip_ports[0], 5060);
	assert_int_equal(c.sip_ports[1], 5080);
	assert_int_equal(c.sip_ports[2], 15060);
	assert_true(ss_conf_is_sip_port(&c, 15060));
	load_ok("[filter]\nsip_ports = 1,2,3,4,5,6,7,65535\n", &c);
	assert_int_equal(c.n_sip_ports, SS_CONF_MAX_SIP_PORTS);
	assert_int_equal(c.sip_ports[0], 1);
	assert_int_equal(c.sip_ports[7], 65535);

	load_err("[filter]\nsip_ports = 1,2,3,4,5,6,7,8,9\n", -ERANGE,
			":2: [filter] sip_ports = \"1,2,3,4,5,6,7,8,9\": more than 8 ports");
	load_err("[filter]\nsip_ports = 0\n", -ERANGE,
			":2: [filter] sip_ports = \"0\": expected a comma-separated list of "
			"integers 1..65535");
	load_err("[filter]\nsip_ports = 5060,65536\n", -ERANGE,
			":2: [filter] sip_ports = \"5060,65536\": expected a comma-separated list "
			"of integers 1..65535");
	load_err("[filter]\nsip_ports = 5060, 5080, 5060\n", -EINVAL,
			":2: [filter] sip_ports = \"5060, 5080, 5060\": 5060 listed twice");
	load_err("[filter]\nsip_ports = 5060,\n", -EINVAL,
			":2: [filter] sip_ports = \"5060,\": expected a comma-separated list of "
			"integers 1..65535");
	load_err("[filter]\nsip_ports = ,5060\n", -EINVAL,
			":2: [filter] sip_ports = \",5060\": expected a comma-separated list of "
			"integers 1..65535");
	load_err("[filter]\nsip_ports = 5060 5061\n", -EINVAL,
			":2: [filter] sip_ports = \"5060 5061\": expected a comma-separated list "
			"of "
			"integers 1..65535");
	load_err("[filter]\nsip_ports = sip\n", -EINVAL,
			":2: [filter] sip_ports = \"sip\": expected a comma-separated list of "
			"integers 1..65535");
	load_err("[filter]\nsip_ports =\n", -EINVAL,
			":2: [filter] sip_ports = \"\": expected a comma-separated list of "
			"integers 1..65535");
}

static void
test_paths(void **state)
{
	char want[PATH_MAX + 64], text[1024], msg[1024];
	struct ss_conf c;

	(void)state;
	load_ok("[filter]\nmoved_table = moved.txt\ntag_secret = keys/tag.key\n", &c);
	snprintf(want, sizeof(want), "%s/moved.txt", tmp_real);
	assert_string_equal(c.moved_table, want);
	snprintf(want, sizeof(want), "%s/keys/tag.key", tmp_real);
	assert_string_equal(c.tag_secret, want);

	load_ok("[filter]\nmoved_table = /etc/sipshield/moved.txt\ntag_secret = /k\n", &c);
	assert_string_equal(c.moved_table, "/etc/sipshield/moved.txt");
	assert_string_equal(c.tag_secret, "/k");
	load_ok("[filter]\nmoved_table = none\ntag_secret = None\n", &c);
	assert_string_equal(c.moved_table, "");
	assert_string_equal(c.tag_secret, "");

	/* ';' and '#' inside a value are data (inih would cut " ;x") */
	load_ok("[filter]\nmoved_table = /m/sip:a;b\ntag_secret = /k/a ;b #c\n", &c);
	assert_string_equal(c.moved_table, "/m/sip:a;b");
	assert_string_equal(c.tag_secret, "/k/a ;b #c");

	/* longer than inih's 200-byte line: read whole, and later lines keep their numbers */
	snprintf(text, sizeof(text), "[filter]\nmoved_table = /%0300d\n\nbogus\n", 0);
	load_err(text, -EINVAL, ":4: \"bogus\": expected key = value");
	snprintf(text, sizeof(text), "[filter]\nmoved_table = /%0300d\n", 7);
	load_ok(text, &c);
	assert_int_equal(strlen(c.moved_table), 301);
	assert_int_equal(c.moved_table[300], '7');

	load_err("[filter]\nmoved_table =\n", -EINVAL,
			":2: [filter] moved_table = \"\": expected a file name or none");
	load_err("[filter]\ntag_secret =   \n", -EINVAL,
			":2: [filter] tag_secret = \"\": expected a file name or none");
	snprintf(text, sizeof(text), "[filter]\nmoved_table = /%0511d\n", 0);
	snprintf(msg, sizeof(msg),
			":2: [filter] moved_table = \"/%0511d\": path longer than 511 bytes", 0);
	load_err(text, -ERANGE, msg);
	/* 510 characters here and 5 of the directory: too long once resolved */
	snprintf(text, sizeof(text), "[filter]\ntag_secret = %0510d\n", 0);
	snprintf(msg, sizeof(msg),
			":2: [filter] tag_secret = \"%0510d\": path longer than 511 bytes", 0);
	load_err(text, -ERANGE, msg);
}

/* A config named by a relative path: its relative paths resolve against its directory. */
static void
test_relative_config(void **state)
{
	char dir[] = "/tmp/ss_conf_test_dir_XXXXXX";
	char old_cwd[PATH_MAX], real[PATH_MAX], want[PATH_MAX + 64], err[SS_CONF_ERR_MAX];
	const char *text = "[filter]\nmoved_table = moved.txt\ntag_secret = ../tag.key\n";
	struct ss_conf c;
	FILE *f;

	(void)state;
	assert_non_null(getcwd(old_cwd, sizeof(old_cwd)));
	assert_non_null(mkdtemp(dir));
	assert_non_null(realpath(dir, real));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(mkdir("etc", 0700), 0);
	f = fopen("etc/s.conf", "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	f = fopen("s.conf", "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);

	assert_int_equal(ss_conf_load(&c, "etc/s.conf", err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/etc/moved.txt", real);
	assert_string_equal(c.moved_table, want);
	snprintf(want, sizeof(want), "%s/etc/../tag.key", real);
	assert_string_equal(c.tag_secret, want);
	assert_string_equal(c.path, "etc/s.conf");

	assert_int_equal(ss_conf_load(&c, "./etc/../s.conf", err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/moved.txt", real);
	assert_string_equal(c.moved_table, want);

	assert_int_equal(ss_conf_load(&c, "s.conf", err, sizeof(err)), 0);
	assert_string_equal(c.moved_table, want);
	snprintf(want, sizeof(want), "%s/../tag.key", real);
	assert_string_equal(c.tag_secret, want);

	unlink("etc/s.conf");
	unlink("s.conf");
	rmdir("etc");
	assert_int_equal(chdir(old_cwd), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_dataplane(void **state)
{
	struct ss_conf c;

	(void)state;
	load_ok("[dataplane]\nidle_sleep_us = 100000\nrx_desc = 64\ntx_desc = 16384\n", &c);
	assert_int_equal(c.idle_sleep_us, 100000);
	assert_int_equal(c.rx_desc, 64);
	assert_int_equal(c.tx_desc, 16384);
	load_ok("[dataplane]\nidle_sleep_us = 0\nrx_desc = 2048\ntx_desc = 512\n", &c);
	assert_int_equal(c.idle_sleep_us, 0);
	assert_int_equal(c.rx_desc, 2048);
	assert_int_equal(c.tx_desc, 512);

	load_err("[dataplane]\nidle_sleep_us = 100001\n", -ERANGE,
			":2: [dataplane] idle_sleep_us = \"100001\": expected an integer "
			"0..100000");
	load_err("[dataplane]\nidle_sleep_us = 1ms\n", -EINVAL,
			":2: [dataplane] idle_sleep_us = \"1ms\": expected an integer 0..100000");
	load_err("[dataplane]\nrx_desc = 32\n", -ERANGE,
			":2: [dataplane] rx_desc = \"32\": expected a power of two 64..16384");
	load_err("[dataplane]\nrx_desc = 32768\n", -ERANGE,
			":2: [dataplane] rx_desc = \"32768\": expected a power of two 64..16384");
	load_err("[dataplane]\nrx_desc = 1000\n", -ERANGE,
			":2: [dataplane] rx_desc = \"1000\": expected a power of two 64..16384");
	load_err("[dataplane]\nrx_desc = 1k\n", -EINVAL,
			":2: [dataplane] rx_desc = \"1k\": expected a power of two 64..16384");
	load_err("[dataplane]\ntx_desc = 0\n", -ERANGE,
			":2: [dataplane] tx_desc = \"0\": expected a power of two 64..16384");
	load_err("[dataplane]\ntx_desc = 1536\n", -ERANGE,
			":2: [dataplane] tx_desc = \"1536\": expected a power of two 64..16384");
	load_err("[dataplane]\ntx_desc =\n", -EINVAL,
			":2: [dataplane] tx_desc = \"\": expected a power of two 64..16384");
}

static void
test_scanners(void **state)
{
	char want[PATH_MAX + 64];
	struct ss_conf c;

	(void)state;
	load_ok("[filter]\ndrop_scanners = off\n", &c);
	assert_false(c.drop_scanners);
	load_ok("[filter]\ndrop_scanners = ON\nscanner_agents = agents.txt\n", &c);
	assert_true(c.drop_scanners);
	snprintf(want, sizeof(want), "%s/agents.txt", tmp_real);
	assert_string_equal(c.scanner_agents, want);
	load_ok("[filter]\nscanner_agents = none\n", &c);
	assert_string_equal(c.scanner_agents, "");

	load_err("[filter]\ndrop_scanners = yes\n", -EINVAL,
			":2: [filter] drop_scanners = \"yes\": expected on or off");
	load_err("[filter]\ndrop_scanners =\n", -EINVAL,
			":2: [filter] drop_scanners = \"\": expected on or off");
	load_err("[filter]\nscanner_agents =\n", -EINVAL,
			":2: [filter] scanner_agents = \"\": expected a file name or none");
	load_err("[limits]\ndrop_scanners = on\n", -EINVAL,
			":2: [limits] drop_scanners: unknown key (it belongs in [filter])");
}

/* Safe rollout: mode and the per-rule switches. */
static void
test_rollout(void **state)
{
	struct ss_conf c;

	(void)state;
	ss_conf_defaults(&c);
	assert_false(c.monitor);
	assert_true(c.answer_423 && c.answer_302 && c.drop_not_sip && c.request_limit &&
			c.reply_limit);
	load_ok("[filter]\nmode = monitor\nanswer_423 = off\nanswer_302 = OFF\n"
			"drop_not_sip = off\nrequest_limit = off\nreply_limit = off\n", &c);
	assert_true(c.monitor);
	assert_false(c.answer_423 || c.answer_302 || c.drop_not_sip || c.request_limit ||
			c.reply_limit);
	load_ok("[filter]\nmode = Enforce\nanswer_302 = on\n", &c);
	assert_false(c.monitor);
	assert_true(c.answer_302);

	load_err("[filter]\nmode = watch\n", -EINVAL,
			":2: [filter] mode = \"watch\": expected enforce or monitor");
	load_err("[filter]\nanswer_423 = 1\n", -EINVAL,
			":2: [filter] answer_423 = \"1\": expected on or off");
	load_err("[filter]\nreply_limit = on\nreply_limit = off\n", -EINVAL,
			":3: [filter] reply_limit: duplicate key (first set on line 2)");
	load_err("[limits]\nrequest_limit = on\n", -EINVAL,
			":2: [limits] request_limit: unknown key (it belongs in [filter])");
}

#define LIMIT_MSG(off) ": expected RATE[/BURST]" off ": RATE per second 1..10000000, " \
	"BURST 1..100000000 (default twice RATE)"

static void
test_limits(void **state)
{
	struct ss_conf c;

	(void)state;
	load_ok("[limits]\nrequests_per_source = 20/40\nreplies_per_source = 5/1\n"
		"replies_node = 10000000/100000000\nsources_table = 1024\n",
			&c);
	assert_int_equal(c.requests_per_source.rate, 20);
	assert_int_equal(c.requests_per_source.burst, 40);
	assert_int_equal(c.replies_per_source.rate, 5);
	assert_int_equal(c.replies_per_source.burst, 1);
	assert_int_equal(c.replies_node.rate, 10000000);
	assert_int_equal(c.replies_node.burst, 100000000);
	assert_int_equal(c.sources_table, 1024);
	/* BURST defaults to twice RATE; off turns the request limit off */
	load_ok("[limits]\nrequests_per_source = 300\nreplies_per_source = 1\n"
		"replies_node = 10000000\nsources_table = 16777216\n",
			&c);
	assert_int_equal(c.requests_per_source.rate, 300);
	assert_int_equal(c.requests_per_source.burst, 600);
	assert_int_equal(c.replies_per_source.burst, 2);
	assert_int_equal(c.replies_node.burst, 20000000);
	assert_int_equal(c.sources_table, 16777216);
	load_ok("[limits]\nrequests_per_source = OFF\n", &c);
	assert_int_equal(c.requests_per_source.rate, 0);
	assert_int_equal(c.requests_per_source.burst, 0);

	load_err("[limits]\nrequests_per_source = 0\n", -ERANGE,
			":2: [limits] requests_per_source = \"0\"" LIMIT_MSG(" or off"));
	load_err("[limits]\nrequests_per_source = 10000001\n", -ERANGE,
			":2: [limits] requests_per_source = \"10000001\"" LIMIT_MSG(" or off"));
	load_err("[limits]\nrequests_per_source = 10/0\n", -ERANGE,
			":2: [limits] requests_per_source = \"10/0\"" LIMIT_MSG(" or off"));
	load_err("[limits]\nrequests_per_source = 10/100000001\n", -ERANGE,
			":2: [limits] requests_per_source = \"10/100000001\"" LIMIT_MSG(" or off"));
	load_err("[limits]\nrequests_per_source = 10/\n", -EINVAL,
			":2: [limits] requests_per_source = \"10/\"" LIMIT_MSG(" or off"));
	load_err("[limits]\nrequests_per_source = /10\n", -EINVAL,
			":2: [limits] requests_per_source = \"/10\"" LIMIT_MSG(" or off"));
	load_err("[limits]\nrequests_per_source = 10 / 20\n", -EINVAL,
			":2: [limits] requests_per_source = \"10 / 20\"" LIMIT_MSG(" or off"));
	load_err("[limits]\nrequests_per_source = 10/20/30\n", -EINVAL,
			":2: [limits] requests_per_source = \"10/20/30\"" LIMIT_MSG(" or off"));
	load_err("[limits]\nrequests_per_source = 1k\n", -EINVAL,
			":2: [limits] requests_per_source = \"1k\"" LIMIT_MSG(" or off"));
	load_err("[limits]\nrequests_per_source =\n", -EINVAL,
			":2: [limits] requests_per_source = \"\"" LIMIT_MSG(" or off"));
	/* replies are always limited (DESIGN §2) */
	load_err("[limits]\nreplies_per_source = off\n", -EINVAL,
			":2: [limits] replies_per_source = \"off\"" LIMIT_MSG(""));
	load_err("[limits]\nreplies_node = off\n", -EINVAL,
			":2: [limits] replies_node = \"off\"" LIMIT_MSG(""));
	load_err("[limits]\nreplies_node = -5\n", -EINVAL,
			":2: [limits] replies_node = \"-5\"" LIMIT_MSG(""));

	load_err("[limits]\nsources_table = 512\n", -ERANGE,
			":2: [limits] sources_table = \"512\": expected a power of two 1024..16777216");
	load_err("[limits]\nsources_table = 33554432\n", -ERANGE,
			":2: [limits] sources_table = \"33554432\": expected a power of two "
			"1024..16777216");
	load_err("[limits]\nsources_table = 65535\n", -ERANGE,
			":2: [limits] sources_table = \"65535\": expected a power of two "
			"1024..16777216");
	load_err("[limits]\nsources_table = 64k\n", -EINVAL,
			":2: [limits] sources_table = \"64k\": expected a power of two 1024..16777216");
	load_err("[filter]\nsources_table = 1024\n", -EINVAL,
			":2: [filter] sources_table: unknown key (it belongs in [limits])");
	load_err("[limits]\nreplies_node = 10\nreplies_node = 10\n", -EINVAL,
			":3: [limits] replies_node: duplicate key (first set on line 2)");
}

static void
test_unknown_section(void **state)
{
	(void)state;
	/* reported even with no key in it */
	load_err("[fleets]\n", -EINVAL,
			":1: [fleets]: unknown section (expected [ports], [filter], [limits], "
			"[dataplane] or [fleet])");
	load_err("[ports]\noutside = 1\n\n[Filter]\nmin_expires = 60\n", -EINVAL,
			":4: [Filter]: unknown section (expected [ports], [filter], [limits], "
			"[dataplane] or [fleet])");
	load_err("[ filter ]\n", -EINVAL,
			":1: [ filter ]: unknown section (expected [ports], [filter], [limits], "
			"[dataplane] or [fleet])");
	load_err("[]\n", -EINVAL,
			":1: []: unknown section (expected [ports], [filter], [limits], "
			"[dataplane] or [fleet])");
}

static void
test_unknown_key(void **state)
{
	(void)state;
	load_err("[filter]\nmin_expire = 60\n", -EINVAL, ":2: [filter] min_expire: unknown key");
	load_err("[dataplane]\nrx_desc = 1024\nburst = 32\n", -EINVAL,
			":3: [dataplane] burst: unknown key");
	load_err("[ports]\nmin_expires = 60\n", -EINVAL,
			":2: [ports] min_expires: unknown key (it belongs in [filter])");
	load_err("[filter]\nMin_Expires = 60\n", -EINVAL, ":2: [filter] Min_Expires: unknown key");
	load_err("# top\nmin_expires = 60\n[filter]\n", -EINVAL,
			":2: min_expires: key before any [section]");
}

static void
test_duplicate_key(void **state)
{
	struct ss_conf c;

	(void)state;
	load_err("[filter]\nmin_expires = 60\nmin_expires = 60\n", -EINVAL,
			":3: [filter] min_expires: duplicate key (first set on line 2)");
	load_err("[filter]\nsip_ports = 5060\n[ports]\noutside = 1\n[filter]\nsip_ports = 5061\n",
			-EINVAL, ":6: [filter] sip_ports: duplicate key (first set on line 2)");
	/* a section may come back, as long as no key does */
	load_ok("[filter]\nsip_ports = 5061\n[ports]\noutside = 1\n[filter]\nmin_expires = 90\n",
			&c);
	assert_int_equal(c.sip_ports[0], 5061);
	assert_int_equal(c.port_outside, 1);
	assert_int_equal(c.min_expires, 90);
}

static void
test_syntax(void **state)
{
	(void)state;
	load_err("[filter]\njunk\n", -EINVAL, ":2: \"junk\": expected key = value");
	load_err("[filter]\n= 5\n", -EINVAL, ":2: \"= 5\": expected key = value");
	load_err("[filter]\nmin_expires: 60\n", -EINVAL,
			":2: \"min_expires: 60\": expected key = value");
	load_err("[filter]\nmin expires = 60\n", -EINVAL,
			":2: \"min expires = 60\": expected key = value");
	load_err("[filter]\nmin_expires ;c = 60\n", -EINVAL,
			":2: \"min_expires ;c = 60\": expected key = value");
	load_err("[filter\n", -EINVAL, ":1: \"[filter\": expected [section] alone on its line");
	load_err("[filter] ; comment\n", -EINVAL,
			":1: \"[filter] ; comment\": expected [section] alone on its line");
}

static void
test_lines(void **state)
{
	char text[1200];
	struct ss_conf c;

	(void)state;
	/* indented keys are keys (inih alone would append them to the previous value) */
	load_ok("  [filter]\n\tmin_expires = 90\n    min_expires_subscribe = 91\n", &c);
	assert_int_equal(c.min_expires, 90);
	assert_int_equal(c.min_expires_subscribe, 91);
	/* CRLF line ends, a byte order mark, no line end at the end of the file */
	load_ok("\xef\xbb\xbf[filter]\r\nmin_expires = 92\r\n\r\nsip_ports = 5062", &c);
	assert_int_equal(c.min_expires, 92);
	assert_int_equal(c.sip_ports[0], 5062);

	/* the longest line: 1023 characters and its line end */
	snprintf(text, sizeof(text), "[filter]\n# %01021d\nmin_expires = 93\n", 0);
	assert_int_equal(strlen(strchr(text, '#')), 1023 + strlen("\nmin_expires = 93\n"));
	load_ok(text, &c);
	assert_int_equal(c.min_expires, 93);
	snprintf(text, sizeof(text), "[filter]\n# %01022d\nmin_expires = 93\n", 0);
	load_err(text, -EINVAL, ":2: line longer than 1023 characters");
	load_err_bytes("[filter]\nmin_expires = 6\0 0\nx = 1\n", 32, -EINVAL,
			":2: NUL byte in line");
}

static void
test_first_error(void **state)
{
	(void)state;
	load_err("[filter]\nmin_expires = 0\nbogus\n[nope]\nmin_expires = 1\n", -ERANGE,
			":2: [filter] min_expires = \"0\": expected an integer 1..3600");
	load_err("[filter]\nbogus\nmin_expires = 0\n", -EINVAL,
			":2: \"bogus\": expected key = value");
	load_err("[nope]\n[filter]\nmin_expires = 0\n", -EINVAL,
			":1: [nope]: unknown section (expected [ports], [filter], [limits], "
			"[dataplane] or [fleet])");
	/* a value error wins over the cross-check that would follow */
	load_err("[ports]\ninside = 0\n[filter]\nmin_expires = 0\n", -ERANGE,
			":4: [filter] min_expires = \"0\": expected an integer 1..3600");
}

static void
test_open_errors(void **state)
{
	char err[SS_CONF_ERR_MAX], path[600];
	struct ss_conf c, before;

	(void)state;
	memset(&c, 0x5a, sizeof(c));
	before = c;
	assert_int_equal(ss_conf_load(&c, "/nonexistent/sipshield.conf", err, sizeof(err)),
			-ENOENT);
	assert_string_equal(err, "/nonexistent/sipshield.conf: cannot open: No such file or "
				 "directory");
	assert_int_equal(ss_conf_load(&c, "/tmp", err, sizeof(err)), -EISDIR);
	assert_string_equal(err, "/tmp:1: cannot read: Is a directory");
	snprintf(path, sizeof(path), "/tmp/%0590d", 0);
	assert_int_equal(ss_conf_load(&c, path, err, sizeof(err)), -ENAMETOOLONG);
	assert_int_equal(strlen(err), strlen(path) + strlen(": path longer than 511 bytes"));
	assert_string_equal(err + strlen(path), ": path longer than 511 bytes");
	assert_memory_equal(&c, &before, sizeof(c));
	/* no message buffer: still the error code */
	assert_int_equal(ss_conf_load(&c, "/nonexistent/sipshield.conf", NULL, 0), -ENOENT);
}

/* Write a secret file with mode, read it, compare the message. */
static int
read_secret(const char *text, mode_t mode, uint8_t out[SS_CONF_SECRET_LEN], char *err)
{
	int rc;

	write_file(text, strlen(text), mode);
	rc = ss_conf_read_secret(cur_path, out, err, SS_CONF_ERR_MAX);
	unlink(cur_path);
	return rc;
}

static void
secret_err(const char *text, mode_t mode, int want_rc, const char *want)
{
	char err[SS_CONF_ERR_MAX], full[SS_CONF_ERR_MAX];
	uint8_t key[SS_CONF_SECRET_LEN];
	int rc;

	memset(key, 0xee, sizeof(key));
	rc = read_secret(text, mode, key, err);
	snprintf(full, sizeof(full), "%s%s", cur_path, want);
	assert_string_equal(err, full);
	assert_int_equal(rc, want_rc);
	for (size_t i = 0; i < sizeof(key); i++)
		assert_int_equal(key[i], 0xee);
}

static void
test_secret(void **state)
{
	static const uint8_t want[SS_CONF_SECRET_LEN] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
			0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
	char err[SS_CONF_ERR_MAX];
	uint8_t key[SS_CONF_SECRET_LEN];

	(void)state;
	memset(key, 0, sizeof(key));
	assert_int_equal(read_secret("0123456789abcdefFEDCBA9876543210\n", 0600, key, err), 0);
	assert_memory_equal(key, want, sizeof(want));
	assert_string_equal(err, "");
	memset(key, 0, sizeof(key));
	assert_int_equal(read_secret("# fleet tag secret\n# made with: openssl rand -hex 16\n\n"
				     "0123456789ABCDEFfedcba9876543210",
					 0400, key, err),
			0);
	assert_memory_equal(key, want, sizeof(want));
	memset(key, 0, sizeof(key));
	assert_int_equal(read_secret("0123456789abcdefFEDCBA9876543210\r\n\n# rotated 2026-01\n",
					 0600, key, err),
			0);
	assert_memory_equal(key, want, sizeof(want));

	secret_err("0123456789abcdefFEDCBA987654321\n", 0600, -EINVAL,
			":1: expected 32 hex digits (128 bits), found 31 characters");
	secret_err("# c\n0123456789abcdefFEDCBA98765432100\n", 0600, -EINVAL,
			":2: expected 32 hex digits (128 bits), found 33 characters");
	secret_err("0123456789abcdefFEDCBA9876543210 \n", 0600, -EINVAL,
			":1: expected 32 hex digits (128 bits), found 33 characters");
	secret_err(" 0123456789abcdefFEDCBA987654321\n", 0600, -EINVAL,
			":1: expected 32 hex digits (128 bits), found another character in column "
			"1");
	secret_err("0123g56789abcdefFEDCBA9876543210\n", 0600, -EINVAL,
			":1: expected 32 hex digits (128 bits), found another character in column "
			"5");
	secret_err("", 0600, -EINVAL, ":1: no secret: expected a line of 32 hex digits (128 bits)");
	secret_err("# only\n# comments\n", 0600, -EINVAL,
			":3: no secret: expected a line of 32 hex digits (128 bits)");
	secret_err("0123456789abcdefFEDCBA9876543210\n0123456789abcdefFEDCBA9876543210\n", 0600,
			-EINVAL, ":2: text after the secret (the file holds one line of 32 hex "
			"digits)");
	/* 129 characters: more than any secret line, whatever follows it */
	secret_err("# long\n"
		   "0123456789abcdefFEDCBA9876543210" "0123456789abcdefFEDCBA9876543210"
		   "0123456789abcdefFEDCBA9876543210" "0123456789abcdefFEDCBA9876543210" "0\n",
			0600, -EINVAL, ":2: line too long: expected 32 hex digits (128 bits)");

	assert_int_equal(ss_conf_read_secret("/nonexistent/tag.key", key, err, sizeof(err)),
			-ENOENT);
	assert_string_equal(err, "/nonexistent/tag.key: cannot open: No such file or directory");
	assert_int_equal(ss_conf_read_secret("/tmp", key, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "/tmp: not a regular file");
}

/* Too permissive: refused, and the message names the file and the fix. */
static void
test_secret_mode(void **state)
{
	static const mode_t modes[] = {0644, 0640, 0604, 0620, 0602, 0660, 0666, 0700};
	char err[SS_CONF_ERR_MAX], want[SS_CONF_ERR_MAX];
	uint8_t key[SS_CONF_SECRET_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		write_file("0123456789abcdefFEDCBA9876543210\n", 33, modes[i]);
		memset(key, 0xee, sizeof(key));
		if (modes[i] == 0700) {
			assert_int_equal(ss_conf_read_secret(cur_path, key, err, sizeof(err)), 0);
			assert_int_equal(key[0], 0x01);
		} else {
			assert_int_equal(ss_conf_read_secret(cur_path, key, err, sizeof(err)),
					-EACCES);
			snprintf(want, sizeof(want),
					"%s: mode %04o gives group or others access to the tag "
					"secret; "
					"run chmod 600 %s",
					cur_path, (unsigned int)modes[i], cur_path);
			assert_string_equal(err, want);
			assert_int_equal(key[0], 0xee);
		}
		/* the fix the message names works */
		assert_int_equal(chmod(cur_path, 0600), 0);
		assert_int_equal(ss_conf_read_secret(cur_path, key, err, sizeof(err)), 0);
		assert_int_equal(key[15], 0x10);
		unlink(cur_path);
	}
}

static void
test_dump(void **state)
{
	static const char defaults[] =
			"# sipshield configuration in effect\n"
			"\n[ports]\noutside = 0\ninside = none\n"
			"\n[filter]\nmin_expires = 60\nmin_expires_subscribe = 60\n"
			"redirect_methods = INVITE\nsip_ports = 5060\nmoved_table = none\n"
			"tag_secret = none\ndrop_scanners = on\nscanner_agents = none\n"
			"mode = enforce\nanswer_423 = on\nanswer_302 = on\ndrop_not_sip = on\n"
			"request_limit = on\nreply_limit = on\n"
			"\n[limits]\nrequests_per_source = off\nreplies_per_source = 1000/2000\n"
			"replies_node = 1000000/2000000\nsources_table = 65536\n"
			"\n[sources]\nallow = none\ndeny = none\n"
			"\n[dataplane]\nidle_sleep_us = 0\nrx_desc = 1024\ntx_desc = 1024\n";
	char out[SS_CONF_DUMP_MAX], small[16];
	struct ss_conf c, again;
	int n;

	(void)state;
	ss_conf_defaults(&c);
	n = ss_conf_dump(&c, out, sizeof(out));
	assert_string_equal(out, defaults);
	assert_int_equal(n, strlen(defaults));
	/* the buffer is one byte short, or exactly right */
	assert_int_equal(ss_conf_dump(&c, out, strlen(defaults)), -ENOSPC);
	assert_int_equal(strlen(out), strlen(defaults) - 1);
	assert_int_equal(ss_conf_dump(&c, out, strlen(defaults) + 1), (int)strlen(defaults));
	assert_int_equal(ss_conf_dump(&c, small, sizeof(small)), -ENOSPC);
	assert_string_equal(small, "# sipshield con");
	assert_int_equal(ss_conf_dump(&c, NULL, 0), -ENOSPC);

	/* every key away from its default: the dump reads back the same */
	load_ok("[ports]\noutside = 2\ninside = 5\n"
		"[filter]\nmin_expires = 300\nmin_expires_subscribe = 120\n"
		"redirect_methods = message invite,OPTIONS\nsip_ports = 5060, 5080\n"
		"moved_table = moved.txt\ntag_secret = /etc/sipshield/tag.key\n"
		"drop_scanners = off\nscanner_agents = agents.txt\n"
		"mode = monitor\nanswer_423 = off\nanswer_302 = off\ndrop_not_sip = off\n"
		"request_limit = off\nreply_limit = off\n"
		"[limits]\nrequests_per_source = 50/80\nreplies_per_source = 7\n"
		"replies_node = 3000/3001\nsources_table = 1024\n"
		"[sources]\nallow = trunks.txt\ndeny = /etc/sipshield/deny.txt\n"
		"[dataplane]\nidle_sleep_us = 50\nrx_desc = 4096\ntx_desc = 256\n",
			&c);
	n = ss_conf_dump(&c, out, sizeof(out));
	assert_true(n > 0);
	load_ok(out, &again);
	snprintf(c.path, sizeof(c.path), "%s", again.path);
	assert_conf_equal(&again, &c);
	assert_non_null(strstr(out, "redirect_methods = INVITE, OPTIONS, MESSAGE\n"));
	assert_non_null(strstr(out, "sip_ports = 5060, 5080\n"));
	assert_non_null(strstr(out, "inside = 5\n"));
	assert_non_null(strstr(out, "requests_per_source = 50/80\n"));
	assert_non_null(strstr(out, "replies_per_source = 7/14\n"));
	assert_non_null(strstr(out, "drop_scanners = off\n"));
	assert_non_null(strstr(out, "mode = monitor\n"));
	assert_non_null(strstr(out, "reply_limit = off\n"));
	assert_non_null(strstr(out, "# sipshield configuration in effect, read from /tmp/"));

	/* nothing redirected, one-armed, no files */
	load_ok("[filter]\nredirect_methods = none\n", &c);
	n = ss_conf_dump(&c, out, sizeof(out));
	assert_true(n > 0);
	assert_non_null(strstr(out, "redirect_methods = none\n"));
	load_ok(out, &again);
	snprintf(c.path, sizeof(c.path), "%s", again.path);
	assert_conf_equal(&again, &c);

	/* the largest config there is fits SS_CONF_DUMP_MAX */
	ss_conf_defaults(&c);
	memset(c.path, 'p', sizeof(c.path) - 1);
	c.moved_table[0] = '/';
	memset(c.moved_table + 1, 'm', sizeof(c.moved_table) - 2);
	c.tag_secret[0] = '/';
	memset(c.tag_secret + 1, 't', sizeof(c.tag_secret) - 2);
	c.scanner_agents[0] = '/';
	memset(c.scanner_agents + 1, 'a', sizeof(c.scanner_agents) - 2);
	c.requests_per_source = (struct ss_conf_limit){SS_CONF_RATE_MAX, SS_CONF_BURST_MAX};
	c.replies_per_source = (struct ss_conf_limit){SS_CONF_RATE_MAX, SS_CONF_BURST_MAX};
	c.replies_node = (struct ss_conf_limit){SS_CONF_RATE_MAX, SS_CONF_BURST_MAX};
	c.sources_table = SS_CONF_SOURCES_MAX;
	c.redirect_methods = ~(M(REGISTER) | M(ACK) | M(CANCEL));
	c.n_sip_ports = SS_CONF_MAX_SIP_PORTS;
	for (unsigned int i = 0; i < SS_CONF_MAX_SIP_PORTS; i++)
		c.sip_ports[i] = (uint16_t)(65535 - i);
	c.port_outside = 1023;
	c.port_inside = 1022;
	c.idle_sleep_us = 100000;
	c.min_expires = c.min_expires_subscribe = 3600;
	n = ss_conf_dump(&c, out, sizeof(out));
	assert_true(n > 0 && n < SS_CONF_DUMP_MAX);
	load_ok(out, &again);
	snprintf(c.path, sizeof(c.path), "%s", again.path);
	c.redirect_methods &= (1u << SS_SIP_M_COUNT) - 1 - M(OTHER);
	assert_conf_equal(&again, &c);
}

/* config/sipshield.conf, the example shipped: it loads and is the defaults, one-armed. */
static void
test_example(void **state)
{
	const char *path = SS_CONF_EXAMPLE;
	char err[SS_CONF_ERR_MAX], copy[PATH_MAX], dir[PATH_MAX], want[PATH_MAX + 64];
	struct ss_conf c, d;
	int rc;

	(void)state;
	rc = ss_conf_load(&c, path, err, sizeof(err));
	if (rc != 0)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
	ss_conf_defaults(&d);
	snprintf(d.path, sizeof(d.path), "%s", path);
	snprintf(copy, sizeof(copy), "%s", path);
	assert_non_null(realpath(dirname(copy), dir));
	snprintf(want, sizeof(want), "%s/moved.txt", dir);
	assert_string_equal(c.moved_table, want);
	memcpy(d.moved_table, c.moved_table, sizeof(d.moved_table));
	assert_conf_equal(&c, &d);
	assert_int_equal(c.port_inside, SS_CONF_PORT_NONE);
}

/* --- [fleet] (DESIGN §3a) ---------------------------------------------- */

static void
test_fleet(void **state)
{
	char want[PATH_MAX + 64], long_v[400], xs[108];
	struct ss_conf c, d;

	(void)state;
	/* no [fleet]: nothing changes */
	load_ok("[filter]\nmin_expires = 60\n", &c);
	assert_false(c.fleet.enabled);
	assert_string_equal(c.fleet.key_prefix, "sipshield");
	assert_int_equal(c.fleet.stream_maxlen, 100000);
	defaults_here(&d);
	assert_conf_equal(&c, &d);

	load_ok("[fleet]\nredis = 127.0.0.1:6379\n", &c);
	assert_true(c.fleet.enabled);
	assert_string_equal(c.fleet.redis_host, "127.0.0.1");
	assert_int_equal(c.fleet.redis_port, 6379);
	assert_string_equal(c.fleet.redis_unix, "");
	assert_string_equal(c.fleet.key_prefix, "sipshield");
	assert_string_equal(c.fleet.password_file, "");
	assert_int_equal(c.fleet.stream_maxlen, 100000);

	load_ok("[fleet]\nredis = [::1]:6380\nkey_prefix = {edge}:prod-1\n"
		"password_file = redis.pass\nstream_maxlen = 5000\n", &c);
	assert_string_equal(c.fleet.redis_host, "::1");
	assert_int_equal(c.fleet.redis_port, 6380);
	assert_string_equal(c.fleet.key_prefix, "{edge}:prod-1");
	snprintf(want, sizeof(want), "%s/redis.pass", tmp_real);
	assert_string_equal(c.fleet.password_file, want);
	assert_int_equal(c.fleet.stream_maxlen, 5000);

	load_ok("[fleet]\nredis = redis-1.example.net:65535\npassword_file = none\n", &c);
	assert_string_equal(c.fleet.redis_host, "redis-1.example.net");
	assert_int_equal(c.fleet.redis_port, 65535);
	assert_string_equal(c.fleet.password_file, "");

	load_ok("[fleet]\nredis = unix:/run/redis/redis-server.sock\n", &c);
	assert_string_equal(c.fleet.redis_unix, "/run/redis/redis-server.sock");
	assert_string_equal(c.fleet.redis_host, "");
	/* a relative socket path is the config directory's */
	load_ok("[fleet]\nredis = unix:redis.sock\n", &c);
	snprintf(want, sizeof(want), "%s/redis.sock", tmp_real);
	assert_string_equal(c.fleet.redis_unix, want);

	/* a [fleet] without redis, even with no key, is an error on its line */
	load_err("[fleet]\n", -EINVAL,
			":1: [fleet] has no redis key: expected redis = HOST:PORT or unix:PATH "
			"(or no [fleet] section)");
	load_err("[ports]\noutside = 0\n[fleet]\nkey_prefix = x\nstream_maxlen = 1000\n", -EINVAL,
			":3: [fleet] has no redis key: expected redis = HOST:PORT or unix:PATH "
			"(or no [fleet] section)");
	load_err("[fleet]\nredis = localhost\n", -EINVAL,
			":2: [fleet] redis = \"localhost\": expected HOST:PORT, [IPV6]:PORT "
			"(PORT 1..65535) or unix:PATH");
	load_err("[fleet]\nredis = localhost:0\n", -ERANGE,
			":2: [fleet] redis = \"localhost:0\": expected HOST:PORT, [IPV6]:PORT "
			"(PORT 1..65535) or unix:PATH");
	load_err("[fleet]\nredis = localhost:65536\n", -ERANGE,
			":2: [fleet] redis = \"localhost:65536\": expected HOST:PORT, [IPV6]:PORT "
			"(PORT 1..65535) or unix:PATH");
	load_err("[fleet]\nredis = localhost:63x9\n", -EINVAL,
			":2: [fleet] redis = \"localhost:63x9\": expected HOST:PORT, [IPV6]:PORT "
			"(PORT 1..65535) or unix:PATH");
	load_err("[fleet]\nredis = :6379\n", -EINVAL,
			":2: [fleet] redis = \":6379\": expected HOST:PORT, [IPV6]:PORT "
			"(PORT 1..65535) or unix:PATH");
	load_err("[fleet]\nredis = my host:6379\n", -EINVAL,
			":2: [fleet] redis = \"my host:6379\": expected HOST:PORT, [IPV6]:PORT "
			"(PORT 1..65535) or unix:PATH");
	load_err("[fleet]\nredis = ::1:6379\n", -EINVAL,
			":2: [fleet] redis = \"::1:6379\": an IPv6 address goes in brackets: "
			"[ADDRESS]:PORT");
	load_err("[fleet]\nredis = [::1]6379\n", -EINVAL,
			":2: [fleet] redis = \"[::1]6379\": expected HOST:PORT, [IPV6]:PORT "
			"(PORT 1..65535) or unix:PATH");
	load_err("[fleet]\nredis = [example.com]:6379\n", -EINVAL,
			":2: [fleet] redis = \"[example.com]:6379\": expected HOST:PORT, [IPV6]:PORT "
			"(PORT 1..65535) or unix:PATH");
	load_err("[fleet]\nredis = unix:\n", -EINVAL,
			":2: [fleet] redis = \"unix:\": expected a socket path after unix:");
	/* 108 bytes: one more than a sockaddr_un holds */
	memset(xs, 'x', sizeof(xs) - 1);
	xs[sizeof(xs) - 1] = '\0';
	snprintf(long_v, sizeof(long_v), "[fleet]\nredis = unix:/%s\n", xs);
	snprintf(want, sizeof(want), ":2: [fleet] redis = \"unix:/%s\": socket path longer "
			"than 107 bytes (a unix socket address)", xs);
	load_err(long_v, -ERANGE, want);
	load_err("[fleet]\nredis = 127.0.0.1:6379\nredis = 127.0.0.1:6380\n", -EINVAL,
			":3: [fleet] redis: duplicate key (first set on line 2)");
	load_err("[filter]\nredis = 127.0.0.1:6379\n", -EINVAL,
			":2: [filter] redis: unknown key (it belongs in [fleet])");
	load_err("[fleet]\nredis = 127.0.0.1:6379\nkey_prefix =\n", -EINVAL,
			":3: [fleet] key_prefix = \"\": expected 1..64 characters of "
			"A-Z a-z 0-9 _ . : { } -");
	load_err("[fleet]\nredis = 127.0.0.1:6379\nkey_prefix = a b\n", -EINVAL,
			":3: [fleet] key_prefix = \"a b\": expected 1..64 characters of "
			"A-Z a-z 0-9 _ . : { } -");
	load_err("[fleet]\nredis = 127.0.0.1:6379\n"
		"key_prefix = 0123456789012345678901234567890123456789012345678901234567890123x\n",
			-ERANGE,
			":3: [fleet] key_prefix = "
			"\"0123456789012345678901234567890123456789012345678901234567890123x\": "
			"longer than 64 characters");
	load_err("[fleet]\nredis = 127.0.0.1:6379\nstream_maxlen = 99\n", -ERANGE,
			":3: [fleet] stream_maxlen = \"99\": expected an integer 100..1000000000");
	load_err("[fleet]\nredis = 127.0.0.1:6379\nstream_maxlen = 1000000001\n", -ERANGE,
			":3: [fleet] stream_maxlen = \"1000000001\": expected an integer "
			"100..1000000000");
	load_err("[fleet]\nredis = 127.0.0.1:6379\npassword_file =\n", -EINVAL,
			":3: [fleet] password_file = \"\": expected a file name or none");
}

/* The shared parser, as sipshield-cli --redis uses it: no file, no line. */
static void
test_fleet_redis_value(void **state)
{
	struct ss_conf_fleet f;
	char why[160], addr[600];

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(ss_conf_parse_redis("10.0.0.7:7000", &f, why, sizeof(why)), 0);
	ss_conf_fleet_address(&f, addr, sizeof(addr));
	assert_string_equal(addr, "10.0.0.7:7000");
	assert_int_equal(ss_conf_parse_redis("[fd00::7]:7000", &f, why, sizeof(why)), 0);
	assert_string_equal(f.redis_host, "fd00::7");
	ss_conf_fleet_address(&f, addr, sizeof(addr));
	assert_string_equal(addr, "[fd00::7]:7000");
	/* relative stays relative: the CLI's is the working directory's */
	assert_int_equal(ss_conf_parse_redis("unix:run/r.sock", &f, why, sizeof(why)), 0);
	assert_string_equal(f.redis_unix, "run/r.sock");
	ss_conf_fleet_address(&f, addr, sizeof(addr));
	assert_string_equal(addr, "unix:run/r.sock");
	assert_int_equal(ss_conf_parse_redis("10.0.0.7", &f, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "expected HOST:PORT, [IPV6]:PORT (PORT 1..65535) or unix:PATH");
	assert_int_equal(ss_conf_check_key_prefix("sipshield", why, sizeof(why)), 0);
	assert_int_equal(ss_conf_check_key_prefix("a/b", why, sizeof(why)), -EINVAL);
}

/* Write a password file of len bytes with mode; returns its path. */
static const char *
password_file(const char *text, size_t len, mode_t mode)
{
	write_file(text, len, mode);
	return cur_path;
}

static void
test_password(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} good[] = {
		{"s3cret pass\n", "s3cret pass"},
		{"pw\r\nsecond line\n", "pw"},
		{"no-newline", "no-newline"},
		{"# not a comment\n", "# not a comment"},
		{" spaces kept \t\n", " spaces kept \t"},
	};
	char err[SS_CONF_ERR_MAX], want[SS_CONF_ERR_MAX], pw[SS_CONF_PASSWORD_MAX + 1];
	char big[SS_CONF_PASSWORD_MAX + 2];
	const char *path;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		path = password_file(good[i].text, strlen(good[i].text), 0600);
		assert_int_equal(ss_conf_read_password(path, pw, sizeof(pw), err, sizeof(err)), 0);
		assert_string_equal(pw, good[i].want);
		assert_string_equal(err, "");
		unlink(path);
	}
	/* the longest there is, then one byte more */
	memset(big, 'p', sizeof(big));
	path = password_file(big, SS_CONF_PASSWORD_MAX, 0400);
	assert_int_equal(ss_conf_read_password(path, pw, sizeof(pw), err, sizeof(err)), 0);
	assert_int_equal(strlen(pw), SS_CONF_PASSWORD_MAX);
	assert_int_equal(ss_conf_read_password(path, pw, SS_CONF_PASSWORD_MAX, err, sizeof(err)),
			-ENOSPC);
	unlink(path);
	path = password_file(big, SS_CONF_PASSWORD_MAX + 1, 0600);
	assert_int_equal(ss_conf_read_password(path, pw, sizeof(pw), err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:1: password longer than %d bytes", path,
			SS_CONF_PASSWORD_MAX);
	assert_string_equal(err, want);
	unlink(path);

	path = password_file("", 0, 0600);
	assert_int_equal(ss_conf_read_password(path, pw, sizeof(pw), err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:1: no password: expected it alone on the first line",
			path);
	assert_string_equal(err, want);
	unlink(path);
	path = password_file("\r\nlater\n", 8, 0600);
	assert_int_equal(ss_conf_read_password(path, pw, sizeof(pw), err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:1: no password: expected it alone on the first line",
			path);
	assert_string_equal(err, want);
	unlink(path);
	path = password_file("ab\0cd\n", 6, 0600);
	assert_int_equal(ss_conf_read_password(path, pw, sizeof(pw), err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:1: NUL byte in the password", path);
	assert_string_equal(err, want);
	unlink(path);

	assert_int_equal(ss_conf_read_password("/nonexistent/redis.pass", pw, sizeof(pw), err,
				sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/redis.pass: cannot open: No such file or directory");
	assert_int_equal(ss_conf_read_password("/tmp", pw, sizeof(pw), err, sizeof(err)),
			-EINVAL);
	assert_string_equal(err, "/tmp: not a regular file");
}

/* Readable by group or others: refused, with the fix, never quoting it. */
static void
test_password_mode(void **state)
{
	static const mode_t modes[] = {0644, 0640, 0604, 0620, 0602, 0660};
	char err[SS_CONF_ERR_MAX], want[SS_CONF_ERR_MAX], pw[SS_CONF_PASSWORD_MAX + 1];
	const char *path;

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		path = password_file("hunter2\n", 8, modes[i]);
		strcpy(pw, "untouched");
		assert_int_equal(ss_conf_read_password(path, pw, sizeof(pw), err, sizeof(err)),
				-EACCES);
		snprintf(want, sizeof(want),
				"%s: mode %04o gives group or others access to the Redis password; "
				"run chmod 600 %s",
				path, (unsigned int)modes[i], path);
		assert_string_equal(err, want);
		assert_null(strstr(err, "hunter2"));
		assert_string_equal(pw, "untouched");
		assert_int_equal(chmod(path, 0600), 0);
		assert_int_equal(ss_conf_read_password(path, pw, sizeof(pw), err, sizeof(err)), 0);
		assert_string_equal(pw, "hunter2");
		unlink(path);
	}
}

/* The dump shows [fleet] only when set, and reads back the same. */
static void
test_fleet_dump(void **state)
{
	char out[SS_CONF_DUMP_MAX];
	struct ss_conf c, again;
	int n;

	(void)state;
	ss_conf_defaults(&c);
	assert_true(ss_conf_dump(&c, out, sizeof(out)) > 0);
	assert_null(strstr(out, "[fleet]"));

	load_ok("[fleet]\nredis = [::1]:6380\nkey_prefix = {edge}\n"
		"password_file = /etc/sipshield/redis.pass\nstream_maxlen = 2000\n", &c);
	n = ss_conf_dump(&c, out, sizeof(out));
	assert_true(n > 0);
	assert_non_null(strstr(out, "\n[fleet]\nredis = [::1]:6380\nkey_prefix = {edge}\n"
				"password_file = /etc/sipshield/redis.pass\n"
				"stream_maxlen = 2000\n"));
	load_ok(out, &again);
	snprintf(c.path, sizeof(c.path), "%s", again.path);
	assert_conf_equal(&again, &c);

	load_ok("[fleet]\nredis = unix:/run/redis.sock\n", &c);
	n = ss_conf_dump(&c, out, sizeof(out));
	assert_true(n > 0);
	assert_non_null(strstr(out, "redis = unix:/run/redis.sock\n"));
	assert_non_null(strstr(out, "password_file = none\n"));
	load_ok(out, &again);
	snprintf(c.path, sizeof(c.path), "%s", again.path);
	assert_conf_equal(&again, &c);

	/* the largest config there is, [fleet] included, fits SS_CONF_DUMP_MAX */
	ss_conf_defaults(&c);
	memset(c.path, 'p', sizeof(c.path) - 1);
	c.moved_table[0] = '/';
	memset(c.moved_table + 1, 'm', sizeof(c.moved_table) - 2);
	c.tag_secret[0] = '/';
	memset(c.tag_secret + 1, 't', sizeof(c.tag_secret) - 2);
	c.scanner_agents[0] = '/';
	memset(c.scanner_agents + 1, 'a', sizeof(c.scanner_agents) - 2);
	c.requests_per_source = (struct ss_conf_limit){SS_CONF_RATE_MAX, SS_CONF_BURST_MAX};
	c.replies_per_source = (struct ss_conf_limit){SS_CONF_RATE_MAX, SS_CONF_BURST_MAX};
	c.replies_node = (struct ss_conf_limit){SS_CONF_RATE_MAX, SS_CONF_BURST_MAX};
	c.redirect_methods = ~(M(REGISTER) | M(ACK) | M(CANCEL)) &
			((1u << SS_SIP_M_COUNT) - 1 - M(OTHER));
	c.fleet.enabled = true;
	memset(c.fleet.redis_host, 'h', sizeof(c.fleet.redis_host) - 1);
	c.fleet.redis_port = 65535;
	memset(c.fleet.key_prefix, 'k', sizeof(c.fleet.key_prefix) - 1);
	c.fleet.password_file[0] = '/';
	memset(c.fleet.password_file + 1, 'w', sizeof(c.fleet.password_file) - 2);
	c.fleet.stream_maxlen = SS_CONF_MAXLEN_MAX;
	n = ss_conf_dump(&c, out, sizeof(out));
	assert_true(n > 0 && n < SS_CONF_DUMP_MAX);
	load_ok(out, &again);
	snprintf(c.path, sizeof(c.path), "%s", again.path);
	assert_conf_equal(&again, &c);
}

static int
setup(void **state)
{
	(void)state;
	return realpath("/tmp", tmp_real) == NULL ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_rollout),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_min_expires),
		cmocka_unit_test(test_min_expires_subscribe),
		cmocka_unit_test(test_redirect_methods),
		cmocka_unit_test(test_sip_ports),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_relative_config),
		cmocka_unit_test(test_dataplane),
		cmocka_unit_test(test_scanners),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_first_error),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_secret_mode),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_fleet),
		cmocka_unit_test(test_fleet_redis_value),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_password_mode),
		cmocka_unit_test(test_fleet_dump),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
