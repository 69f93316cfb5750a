#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The routing-daemon examples of contrib/anycast parse with the real daemons'
# own parsers: every bird-*.conf with `bird -p` (BIRD 2), every frr-*.conf with
# `vtysh -C` (FRR's dry run of an integrated config). Control for each file: a
# copy with one statement broken (its first `neighbor` spelled `neighbour`)
# is refused, and the parser names that line, so a parser that accepts
# anything, or a test that checks nothing, fails here.
# Exits 77 (ctest's SKIP_RETURN_CODE) when the daemon is not installed
# (scripts/deps installs bird2 and frr).
# Usage: anycast_configs_test.sh bird|frr SOURCE_DIR
set -uo pipefail
daemon=$1 src=$2
dir=$src/contrib/anycast
work=$(mktemp -d /tmp/vigil-anycast-configs.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0 passed=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

case $daemon in
  bird)
    parser=(/usr/sbin/bird -p -c)
    comment='#'
    # bird: FILE:LINE:COL syntax error, ...
    names_line() { grep -q ":$1:[0-9]* " <<<"$2"; } ;;
  frr)
    parser=(/usr/bin/vtysh -C -f)
    comment='!'
    # line LINE: % Unknown command...
    names_line() { grep -q "^line $1: " <<<"$2"; } ;;
  *) echo "usage: $0 bird|frr SOURCE_DIR" >&2; exit 2 ;;
esac
if [[ ! -x ${parser[0]} ]]; then
  echo "SKIP: ${parser[0]} is not installed (scripts/deps installs it)"
  exit 77
fi

# Each file in contrib/anycast is checked by one of the two parsers: a new
# example that is neither would go unchecked.
for f in "$dir"/*; do
  case $(basename "$f") in bird-*.conf | frr-*.conf) ;; *) fail "$f: not bird-*.conf or frr-*.conf, no parser checks it" ;; esac
done

shopt -s nullglob
files=("$dir/$daemon"-*.conf)
[[ ${#files[@]} -gt 0 ]] || fail "no $daemon-*.conf in $dir"
for f in "${files[@]}"; do
  name=$(basename "$f")
  # The file as shipped parses.
  if out=$("${parser[@]}" "$f" 2>&1); then
    passed=$((passed + 1))
  else
    fail "$name is refused by ${parser[0]}: $out"
  fi

  # Control: the first `neighbor` statement (not a comment) broken.
  line=$(awk -v c="$comment" '$1 !~ "^" c && /neighbor/ { print NR; exit }' "$f")
  [[ -n $line ]] || { fail "$name has no neighbor statement to break"; continue; }
  awk -v n="$line" 'NR == n { sub(/neighbor/, "neighbour") } { print }' "$f" >"$work/$name"
  if out=$("${parser[@]}" "$work/$name" 2>&1); then
    fail "$name with line $line broken ($(sed -n "${line}p" "$work/$name")) is accepted by ${parser[0]}"
  elif ! names_line "$line" "$out"; then
    fail "$name with line $line broken: the refusal does not name line $line: $out"
  else
    passed=$((passed + 1))
  fi
done
echo "anycast $daemon configs: $passed passed, $failures failed"
[[ $failures -eq 0 ]]
