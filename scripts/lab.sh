# SPDX-License-Identifier: Apache-2.0
# Sourced by scripts/demo and bench/: a namespace lab of hosts on one bridge.
# lab_up PREFIX N   creates PREFIX-sw (bridge) and PREFIX-h1..hN, each with eth0
#                   192.0.2.1X/24 and 2001:db8::1X/64 (no DAD).
# lab_down PREFIX   kills every process in the lab's namespaces and removes them.
# vip_on NS ADDR    true if ADDR is on NS's eth0.

lab_up() {
  local p=$1 n=$2 h
  ip netns add "$p-sw"
  ip -n "$p-sw" link add br0 type bridge mcast_snooping 0
  ip -n "$p-sw" link set br0 up
  for h in $(seq 1 "$n"); do
    ip netns add "$p-h$h"
    ip -n "$p-h$h" link set lo up
    ip netns exec "$p-h$h" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    ip -n "$p-sw" link add "p$h" type veth peer name eth0 netns "$p-h$h"
    ip -n "$p-sw" link set "p$h" master br0 up
    ip -n "$p-h$h" addr add "192.0.2.1$h/24" dev eth0
    ip -n "$p-h$h" addr add "2001:db8::1$h/64" dev eth0 nodad
    ip -n "$p-h$h" link set eth0 up
  done
}

lab_down() {
  local p=$1 ns pid IFS=$' \t\n'
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$p-(sw|h[0-9]+)$"); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
}

# (No pipe into grep -q: under pipefail, ip's SIGPIPE would turn a match into a failure.)
vip_on() { [[ $(ip -n "$1" -o addr show dev eth0 2>/dev/null) == *" $2/"* ]]; }
