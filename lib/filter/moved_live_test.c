/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Live moved-table changes under a reader at full rate: a worker lcore
 * looks every key up in a loop, reporting RCU quiescent states, while the
 * main thread adds, replaces, deletes, grows and reloads. Every lookup
 * must return nothing or a whole, current-or-previous entry for that very
 * key; and once the table is freed, memory is back where it started.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_rcu_qsbr.h>

#include "ss_moved_ctl.h"

#define KEYS 200
#define ROUNDS 60

static struct ss_moved *table;	/* what the reader loads, as workers do */
static struct rte_rcu_qsbr *qs;
static volatile int stop;
static uint64_t lookups, hits, bad;
static char path[64];

/* The table file, every key at version v. */
static void
write_file(unsigned int v)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (unsigned int i = 0; i < KEYS; i++)
		fprintf(f, "k%u@example.com sip:k%u-v%u@new.example.net\n", i, i, v);
	fclose(f);
}

/* Is e a well-formed entry for key i? ("sip:k<i>-v<n>@new.example.net") */
static bool
entry_ok(const struct ss_moved_entry *e, unsigned int i)
{
	char want[32], uri[SS_MOVED_URI_MAX + 1];
	unsigned int n;
	int len;

	len = snprintf(want, sizeof(want), "sip:k%u-v", i);
	if (e->uri_len > SS_MOVED_URI_MAX || e->uri_len <= len)
		return false;
	memcpy(uri, e->uri, e->uri_len);
	uri[e->uri_len] = '\0';
	if (strncmp(uri, want, (size_t)len) != 0)
		return false;
	return sscanf(uri + len, "%u@new.example.net", &n) == 1;
}

static int
reader(void *arg)
{
	struct ss_sip_key keys[KEYS];

	(void)arg;
	for (unsigned int i = 0; i < KEYS; i++) {
		char uri[64];
		int n = snprintf(uri, sizeof(uri), "sip:k%u@EXAMPLE.com;transport=udp", i);

		ss_sip_uri_key(uri, (size_t)n, &keys[i]);
	}
	rte_rcu_qsbr_thread_register(qs, 0);
	rte_rcu_qsbr_thread_online(qs, 0);
	while (!stop) {
		for (unsigned int i = 0; i < KEYS; i++) {
			const struct ss_moved *t = __atomic_load_n(&table, __ATOMIC_ACQUIRE);
			struct ss_sip_key k = keys[i];
			const struct ss_moved_entry *e = t ? ss_moved_lookup(t, &k) : NULL;

			lookups++;
			if (e != NULL) {
				hits++;
				if (!entry_ok(e, i))
					bad++;
			}
		}
		rte_rcu_qsbr_quiescent(qs, 0);
	}
	rte_rcu_qsbr_thread_offline(qs, 0);
	rte_rcu_qsbr_thread_unregister(qs, 0);
	return 0;
}

static int
setup(void **state)
{
	char *argv[] = {"moved_live_test", "--no-huge", "--no-pci", "--no-shconf",
		"--no-telemetry", "-m", "256", "-l", "0,1", "--log-level", "lib.*:error",
		"--log-level", "sipshield.*:warning", NULL};

	(void)state;
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0)
		return -1;
	qs = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
	return qs == NULL || rte_rcu_qsbr_init(qs, 1) != 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	rte_free(qs);
	rte_eal_cleanup();
	return 0;
}

static size_t
rte_heap_used(void)
{
	struct rte_malloc_socket_stats st;

	rte_malloc_get_socket_stats(rte_socket_id(), &st);
	return st.heap_allocsz_bytes;
}

/* One round of every kind of change, while the reader runs. */
static void
churn(struct ss_moved_ctl *ctl, unsigned int round)
{
	char key[32], uri[64], err[256];

	for (unsigned int i = 0; i < KEYS; i += 3) {
		snprintf(key, sizeof(key), "k%u@example.com", i);
		snprintf(uri, sizeof(uri), "sip:k%u-v%u@new.example.net", i, 1000 + round);
		assert_int_equal(ss_moved_ctl_add(ctl, key, uri, true, round,
					SS_MOVED_ORIGIN_TELEMETRY, err, sizeof(err)), 0);
	}
	for (unsigned int i = 1; i < KEYS; i += 7) {
		snprintf(key, sizeof(key), "k%u@example.com", i);
		ss_moved_ctl_del(ctl, key, SS_MOVED_ORIGIN_TELEMETRY, err, sizeof(err));
	}
	/* keys the file does not have: the table grows past its capacity */
	for (unsigned int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "extra%u-%u", round, i);
		snprintf(uri, sizeof(uri), "sip:x%u@y", i);
		assert_int_equal(ss_moved_ctl_add(ctl, key, uri, false, 0, SS_MOVED_ORIGIN_FLEET,
					err, sizeof(err)), 0);
	}
	if (round % 5 == 0) {
		write_file(round);
		assert_int_equal(ss_moved_ctl_reload(ctl, SS_MOVED_ORIGIN_TELEMETRY, err,
					sizeof(err)), KEYS);
	}
}

static void
test_live_changes(void **state)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	size_t rte_before;
	struct ss_moved_ctl *ctl;
	char err[256];

	(void)state;
	assert_true(worker < RTE_MAX_LCORE);
	snprintf(path, sizeof(path), "/tmp/moved_live.XXXXXX");
	close(mkstemp(path));
	write_file(0);

	/* DPDK allocates some per-process state on first use: prime it */
	ss_moved_free(ss_moved_create("prime", 64, SOCKET_ID_ANY));
	/* DPDK allocates some per-process state on first use: prime it */
	ss_moved_free(ss_moved_create("prime", 64, SOCKET_ID_ANY));
	rte_before = rte_heap_used();
	assert_int_equal(ss_moved_live_entries(), 0);

	ctl = ss_moved_ctl_create(&table, qs, path, 64, SOCKET_ID_ANY);
	assert_non_null(ctl);
	assert_int_equal(ss_moved_ctl_reload(ctl, SS_MOVED_ORIGIN_FILE, err, sizeof(err)), KEYS);
	assert_int_equal(rte_eal_remote_launch(reader, NULL, worker), 0);
	for (unsigned int round = 0; round < ROUNDS; round++)
		churn(ctl, round);

	/* a reload that fails keeps the table in service */
	{
		FILE *f = fopen(path, "a");

		fputs("broken-line\n", f);
		fclose(f);
	}
	assert_true(ss_moved_ctl_reload(ctl, SS_MOVED_ORIGIN_TELEMETRY, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, ": key \"broken-line\" has no new URI"));
	assert_true(ss_moved_ctl_count(ctl) >= KEYS);
	/* the file sized the table for 400; the adds made it grow */
	assert_true(ss_moved_capacity(table) > 2 * KEYS);

	stop = 1;
	rte_eal_wait_lcore(worker);
	print_message("lookups %lu, hits %lu, bad %lu\n", (unsigned long)lookups,
			(unsigned long)hits, (unsigned long)bad);
	assert_int_equal(bad, 0);
	assert_true(hits > 0);
	assert_true(lookups > hits);

	ss_moved_ctl_free(ctl);
	assert_null(table);
	/* every entry (malloc) and every hash table (rte_malloc) is gone */
	assert_int_equal(ss_moved_live_entries(), 0);
	assert_int_equal(rte_heap_used(), rte_before);
	unlink(path);
}

static void
test_get_and_errors(void **state)
{
	struct ss_moved *t = NULL;
	struct ss_moved_ctl *ctl = ss_moved_ctl_create(&t, NULL, "", 8, SOCKET_ID_ANY);
	char uri[64], err[256];
	bool has_exp;
	uint32_t exp;

	(void)state;
	assert_int_equal(ss_moved_ctl_get(ctl, "a@b", uri, sizeof(uri), &has_exp, &exp, err,
				sizeof(err)), 0);
	assert_int_equal(ss_moved_ctl_add(ctl, "a@B", "sip:new@c", true, 30,
				SS_MOVED_ORIGIN_TELEMETRY, err, sizeof(err)), 0);
	assert_non_null(t);
	assert_int_equal(ss_moved_ctl_get(ctl, "a@b", uri, sizeof(uri), &has_exp, &exp, err,
				sizeof(err)), 1);
	assert_string_equal(uri, "sip:new@c");
	assert_true(has_exp);
	assert_int_equal(exp, 30);
	assert_int_equal(ss_moved_ctl_add(ctl, "a@b", "mailto:x", false, 0,
				SS_MOVED_ORIGIN_TELEMETRY, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "new URI \"mailto:x\" is not a sip:, sips: or tel: URI of at most 255 bytes without spaces, < > or \"");
	assert_int_equal(ss_moved_ctl_add(ctl, "@b", "sip:x@y", false, 0,
				SS_MOVED_ORIGIN_TELEMETRY, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "key \"@b\" has no user part");
	assert_int_equal(ss_moved_ctl_del(ctl, "zz", SS_MOVED_ORIGIN_TELEMETRY, err,
				sizeof(err)), -ENOENT);
	assert_string_equal(err, "key \"zz\" is not in the moved table");
	assert_int_equal(ss_moved_ctl_reload(ctl, SS_MOVED_ORIGIN_TELEMETRY, err, sizeof(err)),
			-ENOENT);
	assert_int_equal(ss_moved_ctl_count(ctl), 1);
	assert_int_equal(ss_moved_ctl_del(ctl, "a@b", SS_MOVED_ORIGIN_TELEMETRY, err,
				sizeof(err)), 0);
	assert_int_equal(ss_moved_ctl_count(ctl), 0);
	ss_moved_ctl_free(ctl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_and_errors),
		cmocka_unit_test(test_live_changes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
