#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs vigil into a scratch prefix, builds sdk/examples out of tree with
# only pkg-config, and has the installed vigild (finding its built-in
# plugins relative to itself) check and run a config that uses them.
# Usage: sdk_install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
prefix=$(mktemp -d /tmp/vigil-prefix.XXXXXX)
work=$(mktemp -d /tmp/vigil-sdk.XXXXXX)
ns=vgl-sdk-$$
pid=
cleanup() {
  [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$prefix" "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -name vigil-plugin.pc)
[[ -n $pc ]] || fail "vigil-plugin.pc not installed"
# The command as docs/plugin-sdk.md gives it, run on the installed examples laid
# out as in the source: PKG_CONFIG_PATH on make's command line, not in the environment.
mkdir -p "$work/src/sdk"
cp -r "$prefix/share/doc/vigil/sdk-examples" "$work/src/sdk/examples"
[[ $(dirname "$pc") == "$prefix/lib/pkgconfig" ]] || fail "vigil-plugin.pc is not in <prefix>/lib/pkgconfig: $pc"
documented() { (cd "$work/src" && env -u PKG_CONFIG_PATH make -s -C sdk/examples PKG_CONFIG_PATH="$prefix/lib/pkgconfig" "$@"); }
documented >"$work/make.out" 2>&1 || fail "the documented make command fails: $(cat "$work/make.out")"
[[ -f $work/src/sdk/examples/tcp_listen_tracker.so && -f $work/src/sdk/examples/jsonl_notifier.so ]] || fail "no plugins built"
# CFLAGS of one's own add to what a plugin needs (-fPIC, the SDK's include path).
documented clean >/dev/null
documented CFLAGS='-O0 -g' >"$work/make.out" 2>&1 || fail "make CFLAGS=... fails: $(cat "$work/make.out")"
readelf -h "$work/src/sdk/examples/tcp_listen_tracker.so" | grep -q 'DYN (Shared object file)' || fail "not a shared object"
# Control: with no way to find vigil-plugin.pc, make says so instead of compiling without the SDK.
if ! env -u PKG_CONFIG_PATH pkg-config --exists vigil-plugin; then
  (cd "$work/src" && env -u PKG_CONFIG_PATH make -s -C sdk/examples clean all) >"$work/make.out" 2>&1 && fail "make without PKG_CONFIG_PATH passed"
  grep -q 'pkg-config finds no vigil-plugin.pc' "$work/make.out" || fail "unexpected: $(cat "$work/make.out")"
  documented >/dev/null 2>&1 || fail "the documented make command fails the second time"
fi
mv "$work/src/sdk/examples/"*.so "$work/"
chmod 755 "$work"

cat >"$work/vigil.conf" <<CONF
[global]
plugin_path = $work
log = file:$work/vigild.log
control_socket = $work/vigil.sock
state_dir = $work/state
notify = audit
[instance VI_1]
interface = lo
vrid = 51
vip = 192.0.2.251/32
track = api down
[tracker api]
type = tcp_listen
port = 1
interval = 0.1s
weight = -10
[tracker down]
type = file
path = $work/down
weight = -2
[notifier audit]
type = jsonl
path = $work/events.jsonl
CONF
"$prefix/sbin/vigild" -t -f "$work/vigil.conf" || fail "vigild -t refused the example config"

sed 's/^port = 1$/prot = 1/' "$work/vigil.conf" >"$work/typo.conf"
out=$("$prefix/sbin/vigild" -t -f "$work/typo.conf" 2>&1) && fail "a typo in an example plugin's section passed"
grep -q "unknown key 'prot' in \[tracker api\] of type tcp_listen (did you mean 'port'?)" <<<"$out" || fail "unexpected: $out"

# Run it (in a namespace of its own) and see both plugins work.
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" "$prefix/sbin/vigild" -n -f "$work/vigil.conf" --pid-file "$work/vigild.pid" &
pid=$!
for _ in $(seq 500); do grep -q '"state":"BACKUP"' "$work/events.jsonl" 2>/dev/null && break; sleep 0.01; done
grep -q '"kind":"instance","name":"VI_1","state":"BACKUP","prev_state":"INIT"' "$work/events.jsonl" ||
  fail "the jsonl notifier wrote no BACKUP event: $(cat "$work/vigild.log")"
for _ in $(seq 500); do grep -q 'tracker api: UP -> DOWN (port 1 has no listener)' "$work/vigild.log" && break; sleep 0.01; done
grep -q 'tracker api: UP -> DOWN (port 1 has no listener)' "$work/vigild.log" || fail "the tcp_listen tracker did not report: $(cat "$work/vigild.log")"
echo "sdk install test: 1 passed, 0 failed"
