#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The bash completions of vigilctl and vigild (completions/), driven as bash
# drives them (complete.sh): the commands and options are those the binaries'
# own --help lists, files where an argument names one, and no names (and no
# output at all) when no daemon answers. Instance names from a live daemon:
# tests/e2e/control_e2e_test.cpp (it needs a lab).
# Usage: completion_test.sh VIGILCTL VIGILD SOURCE_DIR
set -uo pipefail
vigilctl=$1 vigild=$2 src=$3
work=$(mktemp -d /tmp/vigil-completion.XXXXXX)
listener=""
cleanup() {
  [[ -n $listener ]] && kill "$listener" 2>/dev/null && wait "$listener" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failures=0

# expect NAME WANT SCRIPT WORD...: the candidates (sorted, one a line) are WANT, stderr is empty.
expect() {
  local name=$1 want=$2 script=$3
  shift 3
  local got err
  got=$("$src/tests/completion/complete.sh" "$src/completions/$script" "$@" 2>"$work/stderr")
  err=$(cat "$work/stderr")
  if [[ $got != "$want" ]]; then
    echo "FAIL: $name: '$*' completes to [${got//$'\n'/ }], want [${want//$'\n'/ }]" >&2
    failures=$((failures + 1))
  elif [[ -n $err ]]; then
    echo "FAIL: $name: '$*' printed to stderr: $err" >&2
    failures=$((failures + 1))
  else
    echo "ok: $name"
  fi
}
lines() { printf '%s\n' "$@" | sort; }

mkdir -p "$work/etc/conf.d"
touch "$work/etc/keepalived.conf" "$work/etc/keepalived old.conf" "$work/etc/vigil.conf"

## vigilctl: the commands are those its usage lists (a command added without
## its completion fails here).
commands=$("$vigilctl" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | sort)
[[ $(wc -l <<<"$commands") -ge 5 ]] || { echo "FAIL: no commands in vigilctl --help" >&2; failures=$((failures + 1)); }
expect "every command" "$commands" vigilctl "$vigilctl" ""
expect "a command's start" "status" vigilctl "$vigilctl" st
expect "a command after --socket" "maintenance" vigilctl "$vigilctl" --socket /x.sock ma
expect "options before the command" "$(lines --help --socket)" vigilctl "$vigilctl" -
expect "status --json" "--json" vigilctl "$vigilctl" status -
expect "status takes one flag" "" vigilctl "$vigilctl" status --json ""
expect "reload takes nothing" "" vigilctl "$vigilctl" reload ""
expect "maintenance on|off" "$(lines off on)" vigilctl "$vigilctl" maintenance ""
expect "import-keepalived FILE (one with a space is one word)" "$(lines "$work/etc/keepalived old.conf" "$work/etc/keepalived.conf")" vigilctl "$vigilctl" import-keepalived "$work/etc/kee"
expect "import-keepalived takes one FILE" "" vigilctl "$vigilctl" import-keepalived "$work/etc/keepalived.conf" "$work/etc/"
expect "--socket PATH" "$work/etc/conf.d" vigilctl "$vigilctl" --socket "$work/etc/con"
expect "--socket=PATH" "$work/etc/conf.d" vigilctl "$vigilctl" --socket = "$work/etc/con"

## No daemon: no names, nothing printed. Nothing listens on the socket, then
## something listens and never answers (the completion gives up in 2 s).
expect "no daemon: no names" "" vigilctl "$vigilctl" --socket "$work/none.sock" maintenance on ""
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); print("up", flush=True); time.sleep(60)' \
  "$work/mute.sock" >"$work/mute.out" &
listener=$!
for _ in $(seq 50); do [[ -s $work/mute.out ]] && break; sleep 0.1; done
[[ -s $work/mute.out ]] || { echo "FAIL: the mute listener never bound $work/mute.sock" >&2; failures=$((failures + 1)); }
start=$SECONDS
expect "a daemon that never answers: no names" "" vigilctl "$vigilctl" --socket "$work/mute.sock" maintenance on ""
((SECONDS - start <= 4)) || { echo "FAIL: the completion waited $((SECONDS - start)) s for a mute daemon" >&2; failures=$((failures + 1)); }

## vigild: every option its usage lists (and --help), nothing else.
options=$( { "$vigild" --help | grep -o -- '--[a-z][a-z-]*\|^  -[a-z]'; echo --help; } | tr -d ' ' | sort -u)
[[ $(wc -l <<<"$options") -ge 10 ]] || { echo "FAIL: no options in vigild --help" >&2; failures=$((failures + 1)); }
expect "every vigild option" "$options" vigild "$vigild" -
expect "-f FILE" "$(lines "$work/etc/vigil.conf")" vigild "$vigild" -f "$work/etc/vi"
expect "--config FILE" "$(lines "$work/etc/conf.d")" vigild "$vigild" -t --config "$work/etc/conf"
expect "--config=FILE" "$(lines "$work/etc/vigil.conf")" vigild "$vigild" --config = "$work/etc/vig"
expect "--pid-file FILE" "$(lines "$work/etc/keepalived old.conf" "$work/etc/keepalived.conf")" vigild "$vigild" --pid-file "$work/etc/k"
expect "--log-level L" "$(lines debug error info notice warning)" vigild "$vigild" --log-level ""
expect "an option after a value" "$(lines --foreground)" vigild "$vigild" -f /etc/vigil/vigil.conf --fore

((failures == 0)) || { echo "$failures failure(s)" >&2; exit 1; }
