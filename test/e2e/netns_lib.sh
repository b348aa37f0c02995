# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
# shellcheck shell=sh
#
# sipp in the netns lab (scripts/lab.sh), shared by test/e2e/netns_test.sh
# and scripts/demo.sh. POSIX sh, to be sourced (`. test/e2e/netns_lib.sh`)
# with these set:
#   SIPP_DIR  the scenarios (test/e2e/sipp)
#   WORK      a directory for sipp's files: NAME.csv (statistics), NAME.out
#             (its screen), NAME.err (unexpected messages), NAME.pid
#   LAB_ID    (optional) the suffix scripts/lab.sh was given
#
# Every sipp run is bounded twice: in calls (-m) and in time (-timeout with
# -timeout_error, so that running out of time is a failure and not a quiet
# success), and a `timeout` wrapper catches a sipp that hangs anyway.

LAB_CLI_ADDR=10.99.0.1
LAB_REG_ADDR=10.99.0.2
LAB_SIP_PORT=5060
LAB_NS_CLI=client${LAB_ID:-}
LAB_NS_REG=registrar${LAB_ID:-}
# sipp runs from inside WORK: the scenarios' directory must not be relative
SIPP_DIR=$(cd "$SIPP_DIR" && pwd)

# sipp_uas NAME CALLS SECONDS [sipp options]
# The registrar side (registrar.xml) in ns registrar (LAB_NS_REG), in the
# background, listening on 10.99.0.2:5060. It exits by itself after CALLS
# calls (0 on success, 1 when a call failed) or fails after SECONDS.
# Returns once its socket is bound, so that no client request is sent
# into the void.
sipp_uas() {
	_name=$1 _calls=$2 _secs=$3
	shift 3
	# `ip netns exec` execs timeout, so $! is the pid to wait for or kill
	(cd "$WORK" && exec ip netns exec "$LAB_NS_REG" timeout -k 5 $((_secs + 10)) \
		sipp -sf "$SIPP_DIR/registrar.xml" -i "$LAB_REG_ADDR" -p "$LAB_SIP_PORT" \
		-m "$_calls" -timeout "${_secs}s" -timeout_error -nostdin \
		-trace_stat -stf "$WORK/$_name.csv" -fd 1 \
		-trace_err -error_file "$WORK/$_name.err" "$@" \
		</dev/null >"$WORK/$_name.out" 2>&1) &
	echo $! >"$WORK/$_name.pid"
	_i=0
	until ip netns exec "$LAB_NS_REG" ss -Hlun "sport = :$LAB_SIP_PORT" | grep -q .; do
		if ! kill -0 "$(cat "$WORK/$_name.pid")" 2>/dev/null; then
			echo "sipp_uas: the registrar's sipp exited at start:" >&2
			tail -n 20 "$WORK/$_name.out" >&2
			return 1
		fi
		[ $_i -lt 100 ] || { echo "sipp_uas: no socket on :$LAB_SIP_PORT after 10 s" >&2; return 1; }
		sleep 0.1
		_i=$((_i + 1))
	done
}

# sipp_uas_wait NAME: wait for the registrar's sipp to end; its exit status
sipp_uas_wait() {
	_rc=0
	wait "$(cat "$WORK/$1.pid")" || _rc=$?
	rm -f "$WORK/$1.pid"
	return $_rc
}

# sipp_uas_stop NAME: end a registrar's sipp still running (cleanup paths)
sipp_uas_stop() {
	[ -f "$WORK/$1.pid" ] || return 0
	kill -TERM "$(cat "$WORK/$1.pid")" 2>/dev/null || true
	wait "$(cat "$WORK/$1.pid")" 2>/dev/null || true
	rm -f "$WORK/$1.pid"
}

# sipp_client NAME SCENARIO CALLS RATE LOCAL_PORT [sipp options]
# A client scenario in ns client (LAB_NS_CLI) against the registrar's address, in the
# foreground; returns sipp's exit status (0: every call succeeded).
# Each run gets its own local port so that a late answer to one run never
# reaches the next.
# sipp runs in the background and the shell waits for it: a shell defers
# its traps while a foreground child runs, and `timeout` puts sipp in a
# process group of its own that Ctrl-C or meson's SIGTERM never reaches,
# so a foreground sipp would hold the cleanup back for its whole run.
sipp_client() {
	_name=$1 _scen=$2 _calls=$3 _rate=$4 _port=$5
	shift 5
	(cd "$WORK" && exec ip netns exec "$LAB_NS_CLI" timeout -k 5 40 \
		sipp -sf "$SIPP_DIR/$_scen.xml" -i "$LAB_CLI_ADDR" -p "$_port" \
		"$LAB_REG_ADDR:$LAB_SIP_PORT" -m "$_calls" -r "$_rate" \
		-timeout 20s -timeout_error -nostdin \
		-trace_stat -stf "$WORK/$_name.csv" -fd 1 \
		-trace_err -error_file "$WORK/$_name.err" "$@" \
		</dev/null >"$WORK/$_name.out" 2>&1) &
	_pid=$!
	_rc=0
	wait $_pid || _rc=$?
	return $_rc
}

# sipp_stat NAME COLUMN: a column of the last line of sipp's statistics,
# by its header name (e.g. SuccessfulCall(C)); empty when absent
sipp_stat() {
	[ -f "$WORK/$1.csv" ] || return 0
	awk -F';' -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		{ last = $c } END { if (c) print last }' "$WORK/$1.csv"
}

# counter NAME FILE: a counter's total from sipshield's "counters at exit"
counter() {
	awk -v n="$1" '$1 == n { print $2; found = 1; exit } END { if (!found) print "" }' "$2"
}

# lab_teardown RC: the end of a test run, once its own processes are
# stopped. Keeps sipshield's log, takes the lab down when lab_up is 1
# (root: the repository), and keeps WORK when a check failed (RC 1) or
# KEEP=1: a failure leaves its evidence (sipp logs, sipshield's log), an
# interrupted run does not.
lab_teardown() {
	if [ "${lab_up:-0}" -eq 1 ]; then
		cp "$LAB_DIR/sipshield.log" "$WORK/" 2>/dev/null || true
		"$root/scripts/lab.sh" down >"$WORK/down.out" 2>&1 || true
	fi
	if [ "${KEEP:-0}" = 1 ] || [ "$1" -eq 1 ]; then
		echo "# files kept in $WORK"
	else
		rm -rf "$WORK"
	fi
}

# The tests' checks: an ok or FAIL line each, failures counted.
failures=0
ok() { echo "ok - $*"; }
fail() {
	echo "FAIL - $*"
	failures=$((failures + 1))
}
