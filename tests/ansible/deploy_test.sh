#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end test of the Ansible role (deploy/ansible) with Debian's ansible
# against two real Debian hosts: one mmdebstrap root (this machine's release,
# from its mirror, with python3, openssh-server, nginx and the Depends of the
# vigil .deb), copied for the second host. Each host is its own network, mount,
# UTS and PID namespace chrooted into its root, running nginx and sshd; the
# controller is a third namespace on the same bridge (scripts/lab.sh: h1, h2
# the hosts at 192.0.2.11 and .12, h3 the controller). The hosts have no
# systemd, so the play uses the role's `vigil_service_manager: none`.
#   a. the first run installs the .deb, renders vigil.conf and starts vigild:
#      the pair settles as the example inventory says (host1 master of
#      192.0.2.251, host2 of 192.0.2.252);
#   b. a second run changes nothing (changed=0 in the PLAY RECAP);
#   c. a priority of 300 fails validation (`vigild -t`) on both hosts and the
#      pair runs on: same vigild, same config, same VIPs;
#   d. a valid change (host1's VI_1 priority 97, below host2's 99) is applied by
#      the reload handler: the same vigild, and 192.0.2.251 moves to host2;
#   e. vigil_config_source=keepalived on host2: its keepalived.conf (the seed's)
#      imported, validated and reloaded into the same vigild.
# Skips, saying so, only without root or when the Debian mirror is unreachable.
# Usage: tests/ansible/deploy_test.sh DIST
set -euo pipefail
dist=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
repo=$(realpath "$here/../..")
. /etc/os-release
suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
mirror=http://deb.debian.org/debian

started=$SECONDS
# ansible-lint (Debian's 6.x, offline, the profile in deploy/ansible/.ansible-lint)
# runs while the hosts are built; it needs neither root nor the mirror.
lint_log=$(mktemp /tmp/vigil-ansible-lint.XXXXXX)
(cd "$repo/deploy/ansible" && exec ansible-lint --offline --nocolor) >"$lint_log" 2>&1 &
lint=$!
trap '[[ -n $lint ]] && kill -TERM "$lint" 2>/dev/null; rm -f "$lint_log"' EXIT
lint_verdict() {
  local rc=0
  wait "$lint" || rc=$?
  lint=
  if ((rc != 0)); then
    cat "$lint_log" >&2
    echo "FAIL: ansible-lint --offline in deploy/ansible (exit $rc)" >&2
    return 1
  fi
  echo "ok: ansible-lint --offline: $(grep -o 'Passed.*' "$lint_log")"
}
skip() { lint_verdict || exit 1; echo "SKIP: $*" >&2; exit 0; }

[[ $EUID -eq 0 ]] || skip "the Ansible test needs root (mmdebstrap --mode=root, namespaces)"
curl -sf --max-time 20 -o /dev/null "$mirror/dists/$suite/InRelease" ||
  skip "the Debian mirror $mirror is unreachable: no hosts to deploy to"
for tool in ansible-playbook mmdebstrap unshare ssh; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/deps --package installs it)" >&2; exit 1; }
done
debs=("$dist"/vigil_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || { echo "FAIL: expected one vigil_*.deb in $dist" >&2; exit 1; }
deb=${debs[0]}

bootstrap= host_pids=()
work=$(mktemp -d /tmp/vigil-ansible.XXXXXX)
lab=vans$$
trap '[[ -n $lint ]] && kill -TERM "$lint" 2>/dev/null; rm -f "$lint_log"; rm -rf "$work"' EXIT
. "$repo/scripts/lab.sh"
cleanup() {
  set +e
  [[ -n $lint ]] && { kill -TERM "$lint"; wait "$lint"; } 2>/dev/null
  rm -f "$lint_log"
  # mmdebstrap unmounts what it mounted when it is stopped.
  [[ -n $bootstrap ]] && { kill -TERM "$bootstrap"; wait "$bootstrap"; } 2>/dev/null
  # Each host's unshare takes its PID namespace with it (--kill-child): every
  # process of the host dies, and with them its private mounts.
  for pid in "${host_pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  for pid in "${host_pids[@]}"; do wait "$pid" 2>/dev/null; done
  lab_down "$lab"
  # Nothing is mounted under $work outside the hosts' mount namespaces; refuse
  # to delete through a mount that is there all the same.
  if grep -q " $work/" /proc/self/mounts; then
    echo "cleanup: mounts left under $work; not removing it" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() {
  echo "FAIL: $*" >&2
  for h in 1 2; do
    for f in var/log/vigil/vigild.log var/log/vigil/transitions.log; do
      [[ -s $work/host$h/$f ]] && { echo "--- host$h /$f:" >&2; tail -30 "$work/host$h/$f" >&2; }
    done
  done
  exit 1
}
until_true() {  # until_true SECONDS COMMAND...: 1 if COMMAND has not succeeded by then
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
elapsed() { echo "$((SECONDS - started)) s"; }

# --- The hosts' root: the .deb's Depends preinstalled, since the hosts reach
# no mirror (they are on the test's bridge only). --------------------------------
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep . | paste -sd,)
packages=python3,python3-apt,sudo,openssh-server,nginx-light,$depends
# eatmydata (mmdebstrap's hook: dpkg without fsync, taken out again at the end)
# takes a third off the time on a busy disk.
hooks=()
[[ -d /usr/share/mmdebstrap/hooks/eatmydata ]] && hooks=(--hook-dir=/usr/share/mmdebstrap/hooks/eatmydata)
mmdebstrap --variant=apt --mode=root --quiet "${hooks[@]}" --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  "$suite" "$work/host1" "$mirror" >"$work/mmdebstrap.log" 2>&1 &
bootstrap=$!
wait "$bootstrap" || { cat "$work/mmdebstrap.log" >&2; bootstrap=; fail "mmdebstrap of a $suite root with $packages"; }
bootstrap=
ssh-keygen -q -t ed25519 -N '' -C vigil-ansible-test -f "$work/id"
install -d -m 700 "$work/host1/root/.ssh"
install -m 600 "$work/id.pub" "$work/host1/root/.ssh/authorized_keys"
mkdir -p "$work/host1/run/sshd"
cp -a "$work/host1" "$work/host2"
for h in 1 2; do echo "127.0.1.1 host$h" >>"$work/host$h/etc/hosts"; done  # sudo looks its host up
echo "ok: a $suite root with python3, sshd, nginx and vigil's Depends, copied for two hosts ($(elapsed))"
lint_verdict || fail "ansible-lint"

# --- The network and the hosts. ---------------------------------------------------
lab_up "$lab" 3
for h in 1 2; do
  root=$work/host$h
  # nginx daemonizes; sshd then runs as the namespace's PID 1 (it reaps the
  # daemons that vigild and nginx leave to it).
  ip netns exec "$lab-h$h" unshare --mount --uts --pid --fork --kill-child sh -euc '
    root=$1 name=$2
    mount --make-rprivate /
    mount -t proc proc "$root/proc"
    mount -t sysfs sysfs "$root/sys"
    mount --rbind /dev "$root/dev"
    hostname "$name"
    chroot "$root" /usr/sbin/nginx
    exec chroot "$root" /usr/sbin/sshd -D -e' host "$root" "host$h" >"$work/host$h.sshd.log" 2>&1 &
  host_pids+=($!)
done
ctl=(ip netns exec "$lab-h3")
ssh_to() { "${ctl[@]}" ssh -i "$work/id" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
  -o LogLevel=ERROR -o ConnectTimeout=2 "root@$1" "${@:2}"; }
for h in 1 2; do
  until_true 20 ssh_to "192.0.2.1$h" true || { cat "$work/host$h.sshd.log" >&2; fail "no ssh to host$h"; }
  until_true 10 "${ctl[@]}" curl -sf -o /dev/null "http://192.0.2.1$h/" || fail "no nginx answering on host$h"
done
echo "ok: host1 and host2 answer ssh and http ($(elapsed))"

# --- The play: the example inventory, with what this lab needs on top. ------------
cat >"$work/lab-vars.yml" <<VARS
ansible_user: root
ansible_ssh_private_key_file: $work/id
ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
vigil_package_source: file
vigil_package_file: $deb
vigil_service_manager: none
vigil_pair_log: file:/var/log/vigil/vigild.log
VARS
export ANSIBLE_CONFIG=$repo/deploy/ansible/ansible.cfg ANSIBLE_NOCOLOR=1 ANSIBLE_LOCAL_TEMP=$work/ansible-tmp \
  ANSIBLE_SSH_CONTROL_PATH_DIR=$work/cp ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_STDOUT_CALLBACK=default
runs=0
play() {  # play LOG ARGS...: runs site.yml from the controller; its exit status
  local log=$work/$1; shift
  runs=$((runs + 1))
  (cd "$repo/deploy/ansible" && "${ctl[@]}" ansible-playbook site.yml -e "@$work/lab-vars.yml" "$@") >"$log" 2>&1
}
recap() {  # recap LOG HOST FIELD: a number from the PLAY RECAP line of HOST
  sed -n "s/^$2 *:.* $3=\([0-9]*\).*/\1/p" "$work/$1"
}
show() { echo "--- ansible-playbook output ($1):" >&2; cat "$work/$1" >&2; }
holders() {  # the hosts that have $1 on eth0
  local h out=()
  for h in 1 2; do vip_on "$lab-h$h" "$1" && out+=("host$h"); done
  echo "${out[*]}"
}
settled() { [[ $(holders 192.0.2.251) == host1 && $(holders 192.0.2.252) == host2 ]]; }
daemon_pid() { cat "$work/host$1/run/vigil/vigild.pid" 2>/dev/null; }
conf_sum() { sha256sum <"$work/host$1/etc/vigil/vigil.conf" | cut -d' ' -f1; }
status_of() { chroot "$work/host$1" vigilctl status 2>&1; }

# a. First run: install, configure, start; the pair settles.
play run1.log || { show run1.log; fail "the first run failed"; }
for h in host1 host2; do
  [[ $(recap run1.log "$h" failed) == 0 && $(recap run1.log "$h" changed) -gt 0 ]] || { show run1.log; fail "first run on $h: not ok with changes"; }
done
for h in 1 2; do
  [[ $(chroot "$work/host$h" dpkg-query -W -f='${Status}' vigil) == "install ok installed" ]] || fail "vigil is not installed on host$h"
  grep -q "^router_id = host$h$" "$work/host$h/etc/vigil/vigil.conf" || fail "host$h's vigil.conf is not the rendered one"
  [[ $(chroot "$work/host$h" stat -c "%U:%G %a" /etc/vigil/vigil.conf) == "root:vigil 640" ]] || fail "host$h's vigil.conf is not root:vigil 640"
done
until_true 20 settled || fail "the pair did not settle: 192.0.2.251 on '$(holders 192.0.2.251)', .252 on '$(holders 192.0.2.252)' (want host1, host2)"
[[ $(status_of 1) =~ VI_1[^$'\n']*MASTER && $(status_of 2) =~ VI_2[^$'\n']*MASTER ]] ||
  fail "vigilctl status: host1: $(status_of 1); host2: $(status_of 2)"
pid1=$(daemon_pid 1) pid2=$(daemon_pid 2) sum1=$(conf_sum 1) sum2=$(conf_sum 2)
[[ -n $pid1 && -n $pid2 ]] || fail "no vigild pid file on the hosts"
echo "ok: first run deployed both hosts; host1 master of 192.0.2.251, host2 of 192.0.2.252 ($(elapsed))"

# b. Second run: nothing to change.
play run2.log || { show run2.log; fail "the second run failed"; }
for h in host1 host2; do
  [[ $(recap run2.log "$h" failed) == 0 && $(recap run2.log "$h" changed) == 0 && $(recap run2.log "$h" ok) -gt 0 ]] ||
    { show run2.log; fail "second run on $h: not changed=0"; }
done
[[ $(daemon_pid 1) == "$pid1" && $(daemon_pid 2) == "$pid2" ]] || fail "the second run restarted vigild"
echo "ok: the second run reports changed=0 on both hosts ($(elapsed))"

# c. A bad variable: validation fails, the pair runs on as it was.
if play run3.log -e vigil_pair_vi1_priority=300; then show run3.log; fail "a priority of 300 passed"; fi
for h in host1 host2; do
  [[ $(recap run3.log "$h" failed) == 1 ]] || { show run3.log; fail "bad priority on $h: not failed=1"; }
done
[[ $(grep -c 'failed to validate.*priority: 300 is out of range' "$work/run3.log") == 2 ]] ||
  { show run3.log; fail "the failure is not vigild -t's refusal of the priority"; }
if grep -q 'RUNNING HANDLER' "$work/run3.log"; then show run3.log; fail "a handler ran after the failed validation"; fi
[[ $(conf_sum 1) == "$sum1" && $(conf_sum 2) == "$sum2" ]] || fail "the refused config replaced vigil.conf"
[[ $(daemon_pid 1) == "$pid1" && $(daemon_pid 2) == "$pid2" ]] || fail "vigild was restarted"
settled || fail "the VIPs moved: .251 on '$(holders 192.0.2.251)', .252 on '$(holders 192.0.2.252)'"
[[ $(status_of 1) == *VI_1*MASTER* ]] || fail "host1's vigild: $(status_of 1)"
echo "ok: priority 300 failed validation on both hosts; same vigild, config and VIPs ($(elapsed))"

# d. A valid change on host1 goes through the reload handler.
play run4.log --limit host1 -e vigil_pair_vi1_priority=97 || { show run4.log; fail "the run with priority 97 failed"; }
grep -q 'RUNNING HANDLER \[vigil : Reload vigild with vigilctl\]' "$work/run4.log" || { show run4.log; fail "no reload handler ran"; }
[[ $(recap run4.log host1 changed) == 2 ]] || { show run4.log; fail "expected 2 changes on host1 (config, reload)"; }
grep -q '^priority = 97$' "$work/host1/etc/vigil/vigil.conf" || fail "host1's vigil.conf has no priority 97"
vip1_moved() { [[ $(holders 192.0.2.251) == host2 && $(holders 192.0.2.252) == host2 ]]; }
until_true 10 vip1_moved || fail "192.0.2.251 did not move to host2: on '$(holders 192.0.2.251)', .252 on '$(holders 192.0.2.252)'"
[[ $(daemon_pid 1) == "$pid1" ]] || fail "host1's vigild was restarted, not reloaded"
[[ $(conf_sum 2) == "$sum2" ]] || fail "--limit host1 changed host2's config"
echo "ok: priority 97 on host1 was reloaded into the same vigild; 192.0.2.251 moved to host2 ($(elapsed))"

# e. The optional import: host2's keepalived.conf (the seed's, on this lab's
#    interface and addresses; its check script a stub: the hosts have no curl)
#    becomes its vigil.conf, reloaded into the same vigild.
ka=$work/host2/etc/keepalived
mkdir -p "$ka"
sed 's/eno16777736/eth0/g; s/192\.168\.124\./192.0.2./g' "$repo/tests/fixtures/keepalived/keepalived-host2.conf" >"$ka/keepalived.conf"
tail -n +2 "$repo/tests/fixtures/keepalived/notify.sh" >"$ka/notify.sh"
printf '#!/bin/sh\nexit 0\n' >"$ka/chkngx.sh"
chmod 755 "$ka/notify.sh" "$ka/chkngx.sh"
pid2=$(daemon_pid 2)
play run5.log --limit host2 -e vigil_config_source=keepalived || { show run5.log; fail "the run importing keepalived.conf failed"; }
[[ $(recap run5.log host2 changed) == 2 ]] || { show run5.log; fail "expected 2 changes on host2 (config, reload)"; }
chroot "$work/host2" vigilctl import-keepalived /etc/keepalived/keepalived.conf 2>/dev/null | cmp -s - "$work/host2/etc/vigil/vigil.conf" ||
  fail "host2's vigil.conf is not the import of its keepalived.conf"
[[ $(daemon_pid 2) == "$pid2" ]] || fail "host2's vigild was restarted, not reloaded"
[[ $(status_of 2) == *chkngx* ]] || fail "host2's vigild does not run the imported tracker chkngx: $(status_of 2)"
until_true 15 vip1_moved || fail "the VIPs moved off host2: .251 on '$(holders 192.0.2.251)', .252 on '$(holders 192.0.2.252)'"
echo "ok: host2's keepalived.conf imported, validated and reloaded into the same vigild; both VIPs stay on host2 ($(elapsed))"
echo "ok: $runs ansible-playbook runs; whole test $(elapsed)"
