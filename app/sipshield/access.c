/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * Who may talk to the data plane. The telemetry socket changes the moved
 * table and shows every counter, so only the user sipshield runs as may
 * reach it (issue "Flood protection", item 6).
 *
 * What DPDK 22.11 does, as measured: EAL makes <runtime>/dpdk and
 * <runtime>/dpdk/<prefix> with mode 0700, its files (config, fbarray_*)
 * 0600, but binds its Unix sockets (dpdk_telemetry.v2, mp_socket) with
 * the process umask: 0755 under the usual 022. Linux asks for write
 * permission on a socket file to connect, and the 0700 directory already
 * keeps others out, so the defaults hold, but only as long as nobody else
 * made the directories first: EAL takes an existing directory as it is.
 * A non-root sipshield without $XDG_RUNTIME_DIR lands in /tmp, where any
 * user could have made /tmp/dpdk (or the prefix directory) beforehand,
 * world-writable, and swap sockets under the CLI. So: sockets are bound
 * under a umask without group and other bits, and after EAL the two
 * directories are checked, tightened when they are ours, and start-up
 * stops when they are someone else's or a symbolic link.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eal.h>

#include "app.h"

#define TELEMETRY_SOCKET "dpdk_telemetry.v2"

static mode_t saved_umask;
static bool umask_saved;

void
app_access_before_eal(void)
{
	/* what EAL binds now is ours alone; files made later get the user's umask back */
	saved_umask = umask(077);
	umask(saved_umask | 077);
	umask_saved = true;
}

/*
 * Check one directory: ours (or root's, for a parent such as /var/run/dpdk
 * made by root for root), not a symbolic link, and no write for group or
 * others (private: no access at all). Tightens an open directory of ours.
 */
static int
check_dir(const char *path, bool private, char *err, size_t errlen)
{
	mode_t bad = private ? 077 : 022;
	struct stat st;

	if (lstat(path, &st) != 0) {
		int e = errno;

		snprintf(err, errlen, "runtime directory %s: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen,
				"runtime directory %s is not a directory (a symbolic link?): refusing "
				"to serve telemetry from it; remove it or set RUNTIME_DIRECTORY or "
				"XDG_RUNTIME_DIR to a private directory",
				path);
		return -ENOTDIR;
	}
	if (st.st_uid != geteuid() && (private || st.st_uid != 0)) {
		snprintf(err, errlen,
				"runtime directory %s belongs to uid %u, not to this user (uid %u): "
				"refusing to serve telemetry from it; remove it or set "
				"RUNTIME_DIRECTORY or XDG_RUNTIME_DIR to a private directory",
				path, (unsigned int)st.st_uid, (unsigned int)geteuid());
		return -EPERM;
	}
	if ((st.st_mode & bad) == 0)
		return 0;
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen,
				"runtime directory %s (mode %04o, uid 0) is open to other users: "
				"run chmod go-w %s",
				path, (unsigned int)(st.st_mode & 07777), path);
		return -EPERM;
	}
	if (chmod(path, st.st_mode & 07777 & ~bad) != 0) {
		int e = errno;

		snprintf(err, errlen, "runtime directory %s: mode %04o is open to other users and "
				"chmod failed: %s", path, (unsigned int)(st.st_mode & 07777), strerror(e));
		return -e;
	}
	printf(APP_NAME ": runtime directory %s was mode %04o, now %04o\n", path,
			(unsigned int)(st.st_mode & 07777),
			(unsigned int)(st.st_mode & 07777 & ~bad));
	return 0;
}

int
app_access_after_eal(char *err, size_t errlen)
{
	const char *dir = rte_eal_get_runtime_dir();
	char parent[PATH_MAX], sock[PATH_MAX];
	const char *slash;
	struct stat st;
	int ret;

	if (umask_saved)
		umask(saved_umask);
	if (dir == NULL || dir[0] == '\0')
		return 0;
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir && (size_t)(slash - dir) < sizeof(parent)) {
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - dir), dir);
		ret = check_dir(parent, false, err, errlen);
		if (ret != 0)
			return ret;
	}
	ret = check_dir(dir, true, err, errlen);
	if (ret != 0)
		return ret;
	/* the socket itself: read and write for its owner only (connect needs write) */
	snprintf(sock, sizeof(sock), "%s/%s", dir, TELEMETRY_SOCKET);
	if (lstat(sock, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_uid == geteuid() &&
			(st.st_mode & 0177) != 0 && chmod(sock, 0600) != 0) {
		int e = errno;

		snprintf(err, errlen, "%s: chmod 0600: %s", sock, strerror(e));
		return -e;
	}
	return 0;
}
