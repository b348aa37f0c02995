#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# `sipshield --check-config --config FILE` (Safe rollout, item 4): a good
# set of files gives exit 0 and a summary with the entries of each file;
# each kind of bad file gives exit 1 and file:line with the problem. No
# EAL starts: no hugepages, no NIC, no runtime directory. TAP output.
#
# Usage: check_config_test.sh PATH-TO-sipshield

set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 PATH-TO-sipshield" >&2
	exit 2
fi
exe=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0

check() {
	# check DESCRIPTION CONDITION-STATUS [DIAGNOSTICS...]
	local what=$1 status=$2
	shift 2
	n=$((n + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $n - $what"
		return
	fi
	failed=$((failed + 1))
	echo "not ok $n - $what"
	for text in "$@"; do
		printf '%s\n' "$text" | sed 's/^/# /'
	done
}

# run CONFIG: sets rc and out (stdout and stderr together)
run() {
	out=$("$exe" --check-config --config "$1" 2>&1)
	rc=$?
}

# expect_bad DESCRIPTION CONFIG TEXT...: exit 1 and every TEXT in the output
expect_bad() {
	local what=$1 conf=$2 miss=""
	shift 2
	run "$conf"
	for want in "$@"; do
		case $out in
		*"$want"*) ;;
		*) miss="$miss [$want]" ;;
		esac
	done
	[ $rc -eq 1 ] && [ -z "$miss" ]
	check "$what" $? "exit $rc, missing:$miss" "$out"
}

cd "$tmp" || exit 1
cat > moved.txt <<'EOF'
# user[@host] new-uri [expires]
alice sip:alice@new.example.net
bob@example.com sip:bob@10.0.0.7:5070 600
+15551234 tel:+15559876
EOF
printf '# test secret\n000102030405060708090a0b0c0d0e0f\n' > secret.key
chmod 600 secret.key
printf 'friendly-scanner\n^sipvicious\n' > agents.txt
printf '# trunks\n203.0.113.0/24\n2001:db8:1::/48\n' > allow.txt
printf '198.51.100.66\n' > deny.txt
cat > good.conf <<'EOF'
[ports]
outside = 0
inside = 1

[filter]
mode = monitor
answer_302 = off
moved_table = moved.txt
tag_secret = secret.key
scanner_agents = agents.txt

[sources]
allow = allow.txt
deny = deny.txt
EOF

# --- good files ---------------------------------------------------------
run good.conf
[ $rc -eq 0 ]
check "good files: exit 0" $? "exit $rc" "$out"
for want in "good.conf: OK" "moved.txt: 3 entries" "secret.key: 128 bits" \
		"agents.txt: 2 patterns" "allow.txt: 2 prefixes" "deny.txt: 1 prefixes" "mode         monitor" "answer_302 off"; do
	case $out in
	*"$want"*) check "summary: $want" 0 ;;
	*) check "summary: $want" 1 "$out" ;;
	esac
done
case $out in
*EAL*) check "no EAL started" 1 "$out" ;;
*) check "no EAL started" 0 ;;
esac
# the EAL-style invocation with `--` is accepted too
out=$("$exe" -- --check-config --config good.conf 2>&1)
check "\`-- --check-config\` works as well" $? "$out"
run "$tmp/../../no/such/dir/x.conf"
[ $rc -eq 1 ]
check "a missing config: exit 1" $? "$out"

# --- each kind of bad file ----------------------------------------------
printf '[filter]\nmin_expires = 6o\n' > bad_value.conf
expect_bad "bad config value: file:line and the problem" bad_value.conf \
	'bad_value.conf:2: [filter] min_expires = "6o": expected an integer 1..3600'

printf '[filter]\nmode = watch\n' > bad_mode.conf
expect_bad "bad mode: file:line" bad_mode.conf \
	'bad_mode.conf:2: [filter] mode = "watch": expected enforce or monitor'

printf '[filtre]\nmin_expires = 60\n' > bad_section.conf
expect_bad "unknown section: file:line" bad_section.conf 'bad_section.conf:1:'

cat > bad_moved.txt <<'EOF'
alice sip:alice@new.example.net
bob
carol http://example.com/
alice sip:other@example.net
dave sip:dave@example.net soon
EOF
printf '[filter]\nmoved_table = bad_moved.txt\n' > bad_moved.conf
expect_bad "bad moved table: every bad line with file:line" bad_moved.conf \
	'bad_moved.txt:2: key "bob" has no new URI' \
	'bad_moved.txt:3: new URI "http://example.com/"' \
	'bad_moved.txt:4: duplicate key (first on line 1)' \
	'bad_moved.txt:5: expires "soon"'

printf '[filter]\nmoved_table = missing.txt\n' > missing_moved.conf
expect_bad "missing moved table" missing_moved.conf "missing.txt: cannot open"

printf '0001020304\n' > short.key
chmod 600 short.key
printf '[filter]\ntag_secret = short.key\n' > bad_secret.conf
expect_bad "bad tag secret: file:line" bad_secret.conf \
	'short.key:1: expected 32 hex digits'

cp secret.key open.key
chmod 644 open.key
printf '[filter]\ntag_secret = open.key\n' > open_secret.conf
expect_bad "tag secret readable by others" open_secret.conf 'chmod 600'

printf '# nothing\n' > empty_agents.txt
printf '[filter]\nscanner_agents = empty_agents.txt\n' > bad_agents.conf
expect_bad "scanner patterns file without a pattern" bad_agents.conf 'empty_agents.txt'

printf '10.0.0.0/8\n10.1.2.3/8\nexample.com\n192.0.2.0/33 # x\n' > bad_list.txt
printf '[sources]\ndeny = bad_list.txt\n' > bad_list.conf
expect_bad "bad source list: every bad line with file:line" bad_list.conf \
	'bad_list.txt:2: "10.1.2.3/8": bits set after the prefix length (the network is 10.0.0.0/8)' \
	'bad_list.txt:3: "example.com": not an IPv4 or IPv6 address' \
	'bad_list.txt:4: "192.0.2.0/33": expected a prefix length 0..32'

echo "1..$n"
[ $failed -eq 0 ]
