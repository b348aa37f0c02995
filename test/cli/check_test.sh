#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# `sipshield-cli check` as a user runs it: exact output, JSON, --src,
# exit statuses and messages. TAP output, one line per check.
#
# Usage: check_test.sh PATH-TO-sipshield-cli [DATA-DIR]
# DATA-DIR defaults to test/data/cli beside this script. Expected outputs
# are the *.out files there, made by the CLI and read against DESIGN §2.

set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 PATH-TO-sipshield-cli [DATA-DIR]" >&2
	exit 2
fi
cli=$(realpath "$1")
data=$(realpath "${2:-$(dirname "$0")/../data/cli}")
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	# the details, as TAP diagnostics
	for text in "$@"; do
		printf '%s\n' "$text" | sed 's/^/# /'
	done
}

# Run the CLI in the data directory: file names in its output stay short.
# Sets rc; stdout and stderr land in $tmp/out and $tmp/err.
run() {
	(cd "$data" && "$cli" "$@") >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# expect_exact NAME WANT-FILE ARGS...: exit 0, stdout byte for byte, no stderr
expect_exact() {
	local name=$1 want=$2
	shift 2
	run "$@"
	if [ $rc -ne 0 ]; then
		not_ok "$name" "exit $rc, want 0" "$(cat "$tmp/err")"
	elif ! cmp -s "$tmp/out" "$data/$want"; then
		not_ok "$name" "stdout differs from $want:" "$(diff <(cat -A "$data/$want") <(cat -A "$tmp/out"))"
	elif [ -s "$tmp/err" ]; then
		not_ok "$name" "unexpected stderr: $(cat "$tmp/err")"
	else
		ok "$name"
	fi
}

# expect_fail NAME RC TEXT ARGS...: exit RC and TEXT (fixed string) on stderr
expect_fail() {
	local name=$1 want_rc=$2 text=$3
	shift 3
	run "$@"
	if [ $rc -ne "$want_rc" ]; then
		not_ok "$name" "exit $rc, want $want_rc" "$(cat "$tmp/err")"
	elif ! grep -qF -- "$text" "$tmp/err"; then
		not_ok "$name" "stderr does not name $text:" "$(cat "$tmp/err")"
	else
		ok "$name"
	fi
}

conf=(--config sipshield.conf)

# --- exact stdout: verdict line, then the reply bytes for 423/302 ---
expect_exact "423 for a REGISTER expiring in 30 s" register-brief.out \
	check "${conf[@]}" register-brief.sip
expect_exact "302 for an INVITE to a moved user (rport filled, received added)" invite-moved.out \
	check "${conf[@]}" invite-moved.sip
expect_exact "pass for an OPTIONS" options.out \
	check "${conf[@]}" options.sip
expect_exact "drop for a datagram that is not SIP" garbage.out \
	check "${conf[@]}" garbage.bin
expect_exact "302 copies octets 0x80-0xff and NUL as they came" invite-octets.out \
	check "${conf[@]}" invite-octets.sip
expect_exact "--src [2001:db8::1]:5070: rport=5070, received= bare IPv6 (RFC 5118 §4.5)" \
	invite-moved-v6.out \
	check "${conf[@]}" --src '[2001:db8::1]:5070' invite-moved.sip

# several files in one run: each file's output in order
cat "$data"/{register-brief,invite-moved,options,garbage}.out >"$tmp/all.out"
run check "${conf[@]}" register-brief.sip invite-moved.sip options.sip garbage.bin
if [ $rc -eq 0 ] && cmp -s "$tmp/out" "$tmp/all.out"; then
	ok "four files in one run, in order"
else
	not_ok "four files in one run, in order" "exit $rc" "$(diff <(cat -A "$tmp/all.out") <(cat -A "$tmp/out"))"
fi

# --- JSON: one object per line; reply bytes as U+0000..U+00FF ---
files=(register-brief.sip invite-moved.sip options.sip garbage.bin invite-octets.sip)
run check "${conf[@]}" --json "${files[@]}"
if [ $rc -ne 0 ]; then
	not_ok "--json runs" "exit $rc" "$(cat "$tmp/err")"
elif ! [ -x "$py" ]; then
	ok "--json runs # SKIP $py not installed"
else
	ok "--json runs"
	# the expected reply of each file is its text output minus the verdict line
	if msg=$("$py" - "$tmp/out" "$data" "${files[@]}" 2>&1 <<'EOF'
import json, os, sys

out, data, files = sys.argv[1], sys.argv[2], sys.argv[3:]
raw = open(out, 'rb').read()
if any(b >= 0x80 for b in raw):
    sys.exit('output is not pure ASCII')
lines = raw.decode('ascii').split('\n')
if lines[-1] != '':
    sys.exit('output does not end in a newline')
lines = lines[:-1]
if len(lines) != len(files):
    sys.exit('%d lines for %d files' % (len(lines), len(files)))
for line, f in zip(lines, files):
    obj = json.loads(line)
    text = open(os.path.join(data, os.path.splitext(f)[0] + '.out'), 'rb').read()
    head, _, reply = text.partition(b'\n')
    verdict, reason = head.decode().split(': ', 1)[1].split(' ')
    keys = ['file', 'verdict', 'reason'] + (['reply'] if reply else [])
    if list(obj) != keys:
        sys.exit('%s: keys %s, want %s' % (f, list(obj), keys))
    if (obj['file'], obj['verdict'], obj['reason']) != (f, verdict, reason):
        sys.exit('%s: %s' % (f, line))
    # one character per byte: U+0000..U+00FF map back to the bytes
    if reply and obj['reply'].encode('latin-1') != reply:
        sys.exit('%s: reply differs from the text output' % f)
# the raw escapes: octets >= 0x80 as \u0080..\u00ff, NUL as \u0000 (hex
# digits in either case: JSON allows both)
octets = lines[files.index('invite-octets.sip')].lower()
for esc in ['\\u00c3\\u00a9', '\\u0080\\u00ff', '\\\\\\u0000']:
    if esc not in octets:
        sys.exit('invite-octets.sip: no %s in %s' % (esc, octets))
EOF
	); then
		ok "--json: keys in order, reply = text reply, \\u0080-\\u00ff and \\u0000 escapes"
	else
		not_ok "--json: keys in order, reply = text reply, \\u0080-\\u00ff and \\u0000 escapes" "$msg"
	fi
fi

# --- bad --src: exit 2, a message quoting the value, nothing checked ---
for v in '192.0.2.1' '192.0.2.1:' '192.0.2.1:0' '192.0.2.1:65536' '192.0.2.1:50x' \
		'192.0.2.256:5060' 'example.com:5060' '2001:db8::1:5060' '[2001:db8::1]' \
		'[2001:db8::1]5060' '[192.0.2.1]:5060' '[2001:db8::g]:5060' ':5060' ''; do
	expect_fail "--src \"$v\" is refused" 2 "\"$v\"" \
		check "${conf[@]}" --src "$v" options.sip
	if [ -s "$tmp/out" ]; then
		not_ok "--src \"$v\": nothing on stdout" "$(cat "$tmp/out")"
	fi
done

# --- a missing file: exit 1, named on stderr; the other files still checked ---
expect_fail "a missing file gives exit 1 and is named" 1 "no-such-file.sip" \
	check "${conf[@]}" no-such-file.sip options.sip
if cmp -s "$tmp/out" "$data/options.out"; then
	ok "the file after a missing one is still checked"
else
	not_ok "the file after a missing one is still checked" "$(cat "$tmp/out")"
fi

# --- a bad config: exit 1, file:line of the error ---
expect_fail "a bad config gives exit 1 with file:line" 1 "bad.conf:7:" \
	check --config bad.conf options.sip
expect_fail "a missing config gives exit 1 and is named" 1 "no-such.conf" \
	check --config no-such.conf options.sip

# --- usage ---
run check --help
if [ $rc -eq 0 ] && grep -q '^Usage: sipshield-cli check' "$tmp/out"; then
	ok "check --help exits 0 with the usage"
else
	not_ok "check --help exits 0 with the usage" "exit $rc"
fi
run --help
if [ $rc -eq 0 ] && grep -q '^Usage: sipshield-cli' "$tmp/out"; then
	ok "--help exits 0 with the usage"
else
	not_ok "--help exits 0 with the usage" "exit $rc"
fi
expect_fail "check without FILE is bad usage" 2 "no FILE" check "${conf[@]}"

echo "1..$n"
[ $failed -eq 0 ]
