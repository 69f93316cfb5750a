#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the .debs from DIST into a fresh Debian root made by mmdebstrap
# (this machine's release, from its mirror) and checks them there with
# install_checks.sh: vigild -t, vigilctl --help, the users, the conffile, the
# packaged daemon running in a network namespace, upgrade, remove and purge.
# Skips, saying so, only when the Debian mirror cannot be reached.
# Usage: tests/package/install_test.sh DIST
set -euo pipefail
dist=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
. /etc/os-release
suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
mirror=http://deb.debian.org/debian

if [[ $EUID -ne 0 ]]; then
  echo "SKIP: the install test needs root (mmdebstrap --mode=root, network namespaces)" >&2
  exit 0
fi
if ! curl -sf --max-time 20 -o /dev/null "$mirror/dists/$suite/InRelease"; then
  echo "SKIP: the Debian mirror $mirror is unreachable: no install test in a fresh root" >&2
  exit 0
fi

log=$(mktemp /tmp/vigil-mmdebstrap.XXXXXX.log)
trap 'rm -f "$log"' EXIT
# The root only exists for the hooks: /dev/null as the target writes nothing.
# mmdebstrap mounts /proc, /sys and /dev for them and copies resolv.conf in.
if ! mmdebstrap --variant=apt --mode=root --quiet \
    --customize-hook="\"$here/install_checks.sh\" \"\$1\" \"$dist\"" \
    "$suite" /dev/null "$mirror" >"$log" 2>&1; then
  cat "$log" >&2
  echo "FAIL: install test in a fresh $suite root" >&2
  exit 1
fi
cat "$log"
