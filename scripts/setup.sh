#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
#
# Install everything sipshield needs to build and test on Debian 12.
# Idempotent: packages already present are left alone.
set -eu

PACKAGES="build-essential meson ninja-build pkg-config clang lld \
dpdk-dev libhyperscan-dev libcmocka-dev libinih-dev libjansson-dev \
libhiredis-dev libsystemd-dev libpcap-dev \
sip-tester tshark python3-scapy redis-server iproute2 ethtool jq \
iputils-ping sipvicious kamailio"

if [ "$(id -u)" -ne 0 ]; then
	echo "setup.sh: must run as root (apt-get install)" >&2
	exit 1
fi

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "setup.sh: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture: answer no.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
else
	echo "setup.sh: all packages present"
fi
