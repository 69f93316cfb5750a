#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The control for ./scripts/test --sanitize: with the same options and the
# same collection step, a deliberately buggy program (tests/sanitize/canary.cpp)
# started in the background and never waited on for its status must leave a
# report that fails the collection (one case per kind of bug), and the same
# program without a bug must leave none.
# Usage: self_check.sh CANARY
set -uo pipefail
canary=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/env.sh"
work=$(mktemp -d /tmp/vigil-sanitize-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0

# Runs the canary as a test's daemon would run: detached, status ignored.
run_canary() {
  sanitizer_env "$work/$1"
  setsid "$canary" "$1" >/dev/null 2>&1 &
  wait $! || true
}

expect_report() {
  local mode=$1 text=$2 out
  run_canary "$mode"
  if out=$("$here/collect_reports.sh" "$work/$mode" 2>&1); then
    echo "FAIL: $mode: no report collected"; failures=$((failures + 1))
  elif ! grep -q -- "$text" <<<"$out"; then
    echo "FAIL: $mode: the report lacks '$text':"; echo "$out"; failures=$((failures + 1))
  else
    echo "ok: $mode: caught ($text)"
  fi
}

expect_report heap-overflow "ERROR: AddressSanitizer: heap-buffer-overflow"
expect_report leak "ERROR: LeakSanitizer: detected memory leaks"
expect_report undefined "SUMMARY: UndefinedBehaviorSanitizer: signed-integer-overflow"
run_canary clean
if out=$("$here/collect_reports.sh" "$work/clean" 2>&1); then
  echo "ok: clean: no report"
else
  echo "FAIL: clean: a report without a bug:"; echo "$out"; failures=$((failures + 1))
fi
echo "sanitizer self-check: $failures failed"
[[ $failures -eq 0 ]]
