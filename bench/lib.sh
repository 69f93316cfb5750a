# SPDX-License-Identifier: Apache-2.0
# Sourced by bench/failover and bench/trackers: the lab, the clock, the address
# monitor, the advert capture and the cleanup they share (see bench/README.md).
#
# The sourcing script sets, before calling anything here:
#   bench        its name for messages ("bench/failover")
#   build vigild keep   from its flags (--no-build, --vigild PATH, --keep-logs)
# and, per lab, the globals lab (namespace prefix of the lab), impl (vigild or
# keepalived) and vip (the VIP address). Conventions: h1 is 192.0.2.11, h2
# 192.0.2.12 (scripts/lab.sh); times are epoch microseconds.

# bench_prepare [keepalived]: root, bash >= 5, python3, keepalived (if asked
# for), builds vigild unless $build is 0, resolves $vigild and $vigil_source,
# sources scripts/lab.sh. Run from the repository's root.
bench_prepare() {
  [[ $(id -u) -eq 0 ]] || { echo "$bench: run as root (it creates network namespaces)" >&2; exit 1; }
  [[ -n ${EPOCHREALTIME:-} ]] || { echo "$bench: needs bash >= 5 (EPOCHREALTIME)" >&2; exit 1; }
  keepalived=/usr/sbin/keepalived
  if [[ ${1:-} == keepalived ]]; then
    [[ -x $keepalived ]] || { echo "$bench: $keepalived not found (apt-get install keepalived)" >&2; exit 1; }
  fi
  python=/usr/bin/python3
  [[ -x $python ]] || { echo "$bench: $python not found" >&2; exit 1; }
  if ((build)); then ./scripts/build >/dev/null; fi
  if [[ -z $vigild ]]; then
    vigild=$PWD/${VIGIL_BUILD_DIR:-build}/core/vigild
    vigil_source="$(git describe --always --dirty 2>/dev/null || echo unknown) (working tree)"
  else
    vigil_source="--vigild $vigild"
  fi
  [[ -x $vigild ]] || { echo "$bench: $vigild not built" >&2; exit 1; }
  source scripts/lab.sh
}

# bench_start PREFIX: the run's clock, UTC stamp, work directory ($work, with
# $samples), the list of labs to remove ($labs) and the cleanup traps.
bench_start() {
  run_started=$EPOCHREALTIME
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  prefix=$1
  work=$(mktemp -d /tmp/vigil-bench.XXXXXX)
  samples=$work/samples.tsv
  : >"$samples"
  labs=()
  MON_PID='' CAP=''
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# Removes every lab (killing whatever runs in its namespaces), and the work
# directory unless the run failed or --keep-logs was given.
bench_cleanup() {
  local rc=$? l
  # A signal can land inside `IFS= read`: restore IFS, or lab_down's word
  # splitting of the namespace list silently does nothing.
  local IFS=$' \t\n'
  trap - EXIT INT TERM
  for l in "${labs[@]}"; do lab_down "$l" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if ((rc != 0 || keep)); then echo "$bench: logs kept in $work" >&2; else rm -rf "$work"; fi
  exit "$rc"
}

now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }
say() { printf '[%7.2f s] %s\n' "$(bc_sub "$EPOCHREALTIME" "$run_started")" "$*"; }
bc_sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
die() { echo "$bench: $*" >&2; exit 1; }

lab='' impl='' starts=0
declare -A PID=() TAG=()

# Starts the daemon on host $1 in the background, with $work/$lab-h$1.conf;
# PID[$1] is its pid (ip netns exec execs it, so $! is the daemon itself; for
# keepalived, the parent). Every start gets fresh pid file names: a killed
# keepalived's leftovers make the next one think it is running. TAG[$1] is the
# names' stem (keepalived's VRRP child writes its pid to TAG.vrrp.pid).
start_host() {
  local h=$1 tag
  starts=$((starts + 1)); tag=$work/$lab-h$h-$starts
  TAG[$h]=$tag
  if [[ $impl == vigild ]]; then
    ip netns exec "$lab-h$h" "$vigild" -n -f "$work/$lab-h$h.conf" --pid-file "$tag.pid" \
      >>"$work/$lab-h$h.out" 2>&1 </dev/null &
  else
    ip netns exec "$lab-h$h" "$keepalived" --dont-fork --vrrp --log-console --log-detail --no-syslog \
      --use-file="$work/$lab-h$h.conf" --pid="$tag.pid" --vrrp_pid="$tag.vrrp.pid" \
      >>"$work/$lab-h$h.log" 2>&1 </dev/null &
  fi
  PID[$h]=$!
  disown "${PID[$h]}"  # bash still reaps it, but prints no "Killed" notices
}

# The monitor: `ip -ts monitor address` in h2's namespace, read through a coproc
# (event driven: the script blocks in read until the kernel reports an address).
# Every line read is also appended to $work/$lab-mon.log.
MON_LOG=
mon_start() {
  MON_LOG=$work/$lab-mon.log
  coproc MON { TZ=UTC exec ip -n "$lab-h2" -ts monitor address 2>&1; }
  disown "$MON_PID"
  # Ready once it reports a marker address (TEST-NET-2) added on h2's lo; it may
  # not listen yet when the first marker goes in, so retry every 0.2 s, 5 s at most.
  local line
  for _ in $(seq 25); do
    ip -n "$lab-h2" addr add 198.51.100.2/32 dev lo
    while mon_read line $(($(now_us) + 200000)); do
      if [[ $line == *" inet 198.51.100.2/32 "* && $line != *Deleted* ]]; then
        ip -n "$lab-h2" addr del 198.51.100.2/32 dev lo
        return 0
      fi
    done
    ip -n "$lab-h2" addr del 198.51.100.2/32 dev lo
  done
  die "ip monitor in $lab-h2 did not start"
}
# mon_read VAR DEADLINE_US: reads one monitor line into VAR; false at the deadline.
mon_read() {
  local -n _out=$1
  local rem=$(($2 - $(now_us)))
  ((rem > 0)) || return 1
  IFS= read -r -t "$(printf '%d.%06d' $((rem / 1000000)) $((rem % 1000000)))" _out <&"${MON[0]}" || return 1
  printf '%s\n' "$_out" >>"$MON_LOG"
}
mon_drain() {
  local line
  while read -r -t 0 <&"${MON[0]}"; do IFS= read -r line <&"${MON[0]}" || break; printf '%s\n' "$line" >>"$MON_LOG"; done
}

# A second, independent clock: tcpdump in h2's namespace logs h1's adverts as
# they arrive (kernel timestamps, `-tt`) in $CAP. cap_start FILTER: other
# packets instead (e.g. "ip proto 112": h2's own adverts too, stamped as they
# leave).
cap_start() {
  CAP=$work/$lab-adverts.txt
  ip netns exec "$lab-h2" tcpdump -i eth0 -n -tt -l --immediate-mode -p \
    "${1:-ip proto 112 and src host 192.0.2.11}" >"$CAP" 2>"$CAP.err" </dev/null &
  disown $!
  local deadline=$(($(now_us) + 5000000))
  until grep -q '^listening on' "$CAP.err"; do
    (($(now_us) < deadline)) || die "tcpdump in $lab-h2 did not start: $(cat "$CAP.err")"
    sleep 0.01
  done
}

# ts_us DATE H M S MICROS: sets TS_US to an `ip -ts` stamp (UTC, as TZ=UTC above)
# in epoch microseconds.
declare -A DAY=()
TS_US=
ts_us() {
  local d=$1 h=$2 m=$3 s=$4 f=$5
  [[ -n ${DAY[$d]:-} ]] || DAY[$d]=$(date -u -d "$d 00:00:00" +%s)
  TS_US=$(( (DAY[$d] + 10#$h * 3600 + 10#$m * 60 + 10#$s) * 1000000 + 10#$f ))
}
# wait_vip_add T0_US [DEADLINE_US]: sets VIP_US to the monitor's time of the
# first RTM_NEWADDR for the VIP on h2's eth0 stamped at or after T0_US (deadline
# T0_US + 5 s unless given).
VIP_US=
wait_vip_add() {
  local kill_us=$1 line t re
  re="^\[([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{6})\] [0-9]+: eth0 +inet ${vip//./\\.}/"
  while mon_read line "${2:-$((kill_us + 5000000))}"; do
    [[ $line =~ $re ]] || continue
    ts_us "${BASH_REMATCH[@]:1:5}"; t=$TS_US
    ((t >= kill_us)) && { VIP_US=$t; return 0; }
    echo "$bench: ignoring a VIP add on h2 stamped before the event: $line" >&2
  done
  return 1
}

# has_vip NS ADDR: like lab.sh's vip_on, without its `ip | grep -q` pipe (under
# pipefail that fails now and then: grep -q exits at the match, ip gets SIGPIPE).
has_vip() { local a; a=$(ip -n "$1" -o addr show dev eth0) && [[ $a == *" $2/"* ]]; }
holders() { local h out=""; for h in 1 2; do has_vip "$lab-h$h" "$vip" && out="$out h$h"; done; echo "${out:- nobody}"; }
# Waits (10 s at most) until the VIP is on h1 and not on h2, then 0.3 s to settle,
# and checks once more.
wait_settled() {
  local deadline=$(($(now_us) + 10000000))
  while :; do
    if has_vip "$lab-h1" "$vip" && ! has_vip "$lab-h2" "$vip"; then
      sleep 0.3
      has_vip "$lab-h1" "$vip" && ! has_vip "$lab-h2" "$vip" && return 0
    fi
    (($(now_us) < deadline)) || die "$lab: the VIP did not settle on h1 alone (held by$(holders))"
    sleep 0.01
  done
}
# random_sleep MS: sleeps a random 0 .. MS milliseconds (microsecond steps).
random_sleep() { sleep "$(printf '0.%06d' $(((RANDOM * 32768 + RANDOM) % ($1 * 1000))))"; }

# A second kind of monitor, for benchmarks that need both hosts' addresses over
# a whole trial: `ip -n <host> -ts monitor address` writing to
# $work/$lab-h<N>-addr.log (ip flushes after each message), analysed afterwards.
# mon_file_start N: starts it for host N and waits until it reports a marker
# address (198.51.100.1N/32 on the host's lo; 5 s at most). MONF_PID[N] is its
# pid: it runs inside the host's namespace, so whoever kills "every process of
# the host" must leave it out (host_pids does).
declare -A MONF_PID=()
mon_file_start() {
  local h=$1 f=$work/$lab-h$1-addr.log mark=198.51.100.1$1 deadline
  TZ=UTC ip -n "$lab-h$h" -ts monitor address >"$f" 2>&1 </dev/null &
  MONF_PID[$h]=$!
  disown "${MONF_PID[$h]}"
  deadline=$(($(now_us) + 5000000))
  while :; do
    ip -n "$lab-h$h" addr add "$mark/32" dev lo
    sleep 0.05
    ip -n "$lab-h$h" addr del "$mark/32" dev lo
    grep -q " inet $mark/32 " "$f" && return 0
    (($(now_us) < deadline)) || die "ip monitor in $lab-h$h did not start: $(cat "$f")"
  done
}
# host_pids N: the pids in host N's namespace, without its file monitor.
host_pids() {
  local p
  for p in $(ip netns pids "$lab-h$1"); do [[ $p == "${MONF_PID[$1]:-}" ]] || echo "$p"; done
}

# nap SECONDS: sleeps without a fork (read with a timeout on a pipe nobody
# writes), for polling loops that must react within a millisecond.
NAP_FD=
nap() {
  [[ -n $NAP_FD ]] || exec {NAP_FD}<> <(:)
  read -r -t "$1" -u "$NAP_FD" _ || true
}

# vigild_group PID: prints the pids of the vigild started as PID: PID alone for
# a vigild of one process; once vigild is a supervisor and a worker (issue 15),
# PID (the supervisor: its cmdline starts with "vigild: supervisor") and its
# child whose comm is vigild-worker, waited for 10 s at most. The worker is where
# the loop, the plugins and the checks run: CPU and memory readings must include it.
vigild_group() {
  local sup=$1 cmd p line deadline
  cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$sup/cmdline") || { echo "$sup"; return; }
  [[ $cmd == "vigild: supervisor"* ]] || { echo "$sup"; return; }
  deadline=$(($(now_us) + 10000000))
  while :; do
    for p in /proc/[0-9]*; do
      read -r line 2>/dev/null <"$p/stat" || continue
      [[ $line == *"(vigild-worker) "* ]] || continue
      line=${line##*) }
      [[ ${line#* } == "$sup "* ]] && { echo "$sup ${p#/proc/}"; return; }
    done
    (($(now_us) < deadline)) || die "vigild $sup is a supervisor, but no vigild-worker child of it appeared within 10 s"
    sleep 0.05
  done
}
