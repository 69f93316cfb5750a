#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# mmdebstrap customize hook for install_test.sh: ROOT is a fresh Debian root,
# DIST holds the packages. Every check names what it saw when it fails.
# Usage: install_checks.sh ROOT DIST
set -euo pipefail
root=$1 dist=$2
ns=vgl-pkg-$$
daemon=
cleanup() {
  if [[ -n $daemon ]]; then
    kill -9 "$daemon" 2>/dev/null
    wait "$daemon" 2>/dev/null  # before mmdebstrap unmounts /proc under it
  fi
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  [[ -s $root/tmp/vigild.log ]] && { echo "--- vigild's log:" >&2; cat "$root/tmp/vigild.log" >&2; }
  exit 1
}
in_root() { chroot "$root" "$@"; }
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "timed out after waiting for: $what"
    sleep 0.1
  done
}

debs=()
for f in "$dist"/vigil_*.deb "$dist"/vigil-dev_*.deb; do
  cp "$f" "$root/tmp/" && debs+=("/tmp/$(basename "$f")")
done
[[ ${#debs[@]} -eq 2 ]] || fail "expected vigil and vigil-dev .debs in $dist"

# apt resolves Depends from the mirror: what the package says it needs must be enough.
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${debs[@]}" \
  >"$root/tmp/apt.log" 2>&1 || { cat "$root/tmp/apt.log" >&2; fail "apt-get install of ${debs[*]}"; }
echo "ok: installed ${debs[*]} with their Depends into a fresh $(. "$root/etc/os-release"; echo "$PRETTY_NAME") root"

out=$(in_root vigild -t 2>&1) || fail "vigild -t: $out"
[[ $out == *"/etc/vigil/vigil.conf is valid"* ]] || fail "vigild -t said: $out"
out=$(in_root vigilctl --help 2>&1) || fail "vigilctl --help: $out"
[[ $out == *import-keepalived* ]] || fail "vigilctl --help said: $out"
echo "ok: vigild -t and vigilctl --help"

for u in vigil vigil-script; do
  entry=$(in_root getent passwd "$u") || fail "no user $u"
  [[ $entry == *:/usr/sbin/nologin ]] || fail "user $u has a shell: $entry"
  uid=$(cut -d: -f3 <<<"$entry")
  ((uid < 1000)) || fail "user $u is not a system user: $entry"
done
in_root getent group vigil >/dev/null || fail "no group vigil"
[[ $(in_root id -gn vigil) == vigil ]] || fail "user vigil is not in group vigil"
echo "ok: group vigil, system users vigil and vigil-script"

conffiles=$(in_root dpkg-query -W -f='${Conffiles}' vigil)
[[ $conffiles == *"/etc/vigil/vigil.conf "* ]] || fail "conffiles: $conffiles"
mode=$(in_root stat -c '%U:%G %a' /etc/vigil/vigil.conf)
[[ $mode == "root:vigil 640" ]] || fail "/etc/vigil/vigil.conf is $mode, not root:vigil 640 (it may hold secrets)"
for unit in vigild.service vigild-nonroot.service; do
  [[ -f $root/lib/systemd/system/$unit ]] || fail "no $unit"
  ls "$root"/etc/systemd/system/*.wants/"$unit" >/dev/null 2>&1 && fail "$unit was enabled on install"
done
echo "ok: conffile registered, root:vigil 640; both units installed, neither enabled"

# The packaged daemon, its plugins from /usr/lib/<triplet>/vigil/plugins and a
# Lua example, for real: one instance on a veth pair in a namespace of its own.
# Alone there it becomes MASTER and adds its VIP.
cat >"$root/etc/vigil/conf.d/50-test.conf" <<'CONF'
[tracker down]
type = file
path = /etc/vigil/down
mode = exists-down

[tracker ssh]
type = lua
script = /usr/share/vigil/lua/tcp_port.lua
port = 22
weight = -10

[notifier journal]
type = log
path = /var/log/vigil/transitions.log

[instance VI_1]
interface = vpk0
vrid = 51
priority = 100
vip = 192.0.2.250/24
track = down ssh
notify = journal
CONF
ip netns add "$ns"
ip -n "$ns" link add vpk0 type veth peer name vpk1
ip -n "$ns" addr add 192.0.2.10/24 dev vpk0
ip -n "$ns" link set lo up
ip -n "$ns" link set vpk0 up
ip -n "$ns" link set vpk1 up
out=$(in_root vigild -t 2>&1) || fail "vigild -t with the test drop-in: $out"
[[ $out == *"1 instance(s), 0 group(s), 2 tracker(s), 1 notifier(s)"* ]] || fail "vigild -t said: $out"
mkdir -p "$root/var/log/vigil"
ip netns exec "$ns" chroot "$root" /usr/sbin/vigild -n --log-console >"$root/tmp/vigild.log" 2>&1 &
daemon=$!
status() { in_root vigilctl status 2>&1; }
wait_for 15 "VI_1 MASTER in vigilctl status" sh -c "chroot '$root' vigilctl status | grep -q 'VI_1.*MASTER'"
wait_for 5 "the VIP on vpk0" sh -c "ip -n '$ns' -4 addr show dev vpk0 | grep -q '192.0.2.250/24'"
wait_for 5 "the log notifier's line" grep -q "VI_1" "$root/var/log/vigil/transitions.log"
echo "ok: the packaged vigild ran as MASTER with its VIP; vigilctl status: $(status | grep VI_1 | tr -s ' ')"
kill -TERM "$daemon"
wait_for 20 "vigild to exit after SIGTERM" sh -c "! kill -0 $daemon 2>/dev/null || grep -q '^State:.*zombie' /proc/$daemon/status"
rc=0; wait "$daemon" || rc=$?
daemon=
[[ $rc -eq 0 ]] || { cat "$root/tmp/vigild.log" >&2; fail "vigild exited $rc after SIGTERM"; }
grep -q 192.0.2.250 <<<"$(ip -n "$ns" -4 addr show dev vpk0)" && fail "the VIP stayed after a graceful stop"
echo "ok: graceful stop removed the VIP, exit 0"

# Killed together with its worker (the SIGKILL of an overrun TimeoutStopSec,
# an OOM kill): nobody resigns, the VIP stays, until the unit's ExecStopPost
# (its own command line, as installed) resigns from the held file.
ip netns exec "$ns" chroot "$root" /usr/sbin/vigild -n --log-console >"$root/tmp/vigild.log" 2>&1 &
daemon=$!
wait_for 15 "VI_1 MASTER again" sh -c "chroot '$root' vigilctl status | grep -q 'VI_1.*MASTER'"
wait_for 5 "the VIP on vpk0 again" sh -c "ip -n '$ns' -4 addr show dev vpk0 | grep -q '192.0.2.250/24'"
[[ -f $root/run/vigil/vigild.held ]] || fail "no /run/vigil/vigild.held beside the pid file"
worker=$(cat "/proc/$daemon/task/$daemon/children")
[[ -n $worker ]] || fail "no worker under vigild $daemon"
kill -STOP "$daemon" $worker
kill -KILL $worker "$daemon"
rc=0; wait "$daemon" || rc=$?
daemon=
grep -q 192.0.2.250 <<<"$(ip -n "$ns" -4 addr show dev vpk0)" || fail "control: the VIP went with nobody to resign for it"
stop_post=$(sed -n 's/^ExecStopPost=//p' "$root/lib/systemd/system/vigild.service")
[[ -n $stop_post ]] || fail "vigild.service has no ExecStopPost"
# shellcheck disable=SC2086  # the unit's command line, split as systemd splits it
out=$(ip netns exec "$ns" chroot "$root" $stop_post 2>&1) || fail "ExecStopPost=$stop_post failed: $out"
[[ $out == *"resigned VI_1 for a vigild killed with its worker"* ]] || fail "ExecStopPost=$stop_post said: $out"
grep -q 192.0.2.250 <<<"$(ip -n "$ns" -4 addr show dev vpk0)" && fail "the VIP stayed after ExecStopPost=$stop_post"
[[ ! -e $root/run/vigil/vigild.held ]] || fail "the held file stayed after ExecStopPost"
rm "$root/etc/vigil/conf.d/50-test.conf"
echo "ok: killed with its worker, the VIP stayed until ExecStopPost=$stop_post removed it"

# Reinstalling (as an upgrade does) keeps a locally edited conffile.
echo "# local edit" >>"$root/etc/vigil/vigil.conf"
in_root env DEBIAN_FRONTEND=noninteractive dpkg -i "${debs[0]}" </dev/null >/dev/null 2>&1 || fail "dpkg -i again"
grep -q "^# local edit" "$root/etc/vigil/vigil.conf" || fail "reinstalling replaced the edited conffile"
# Remove keeps the config; purge takes it and the state; the users stay.
in_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q vigil-dev vigil >/dev/null 2>&1 || fail "apt-get remove"
[[ ! -e $root/usr/sbin/vigild && -f $root/etc/vigil/vigil.conf ]] || fail "remove: vigild still there or the config gone"
mkdir -p "$root/var/lib/vigil" && touch "$root/var/lib/vigil/maintenance"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q vigil >/dev/null 2>&1 || fail "apt-get purge"
[[ ! -e $root/etc/vigil && ! -e $root/var/lib/vigil ]] || fail "purge left /etc/vigil or /var/lib/vigil"
in_root getent passwd vigil-script >/dev/null || fail "purge removed the user vigil-script"
echo "ok: an edited conffile survives reinstalling; remove keeps it; purge removes config and state"
