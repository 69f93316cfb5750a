#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Renders contrib/grafana/vigil.json with real data into docs/img/grafana-dashboard.png:
# a 2-host vigild lab (active-active pair, file tracker, log notifier, metrics_listen)
# in network namespaces, scraped by Debian's prometheus on a third lab host, through a
# scenario with failovers and maintenance; then render_preview.py queries Prometheus for
# every panel of the dashboard and draws it with matplotlib (a preview, not Grafana).
#
# A documentation asset, not part of the test suite. Needs root (namespaces), prometheus
# and python3-matplotlib; runs the binaries of the source tree's build/ unless told.
#   usage: contrib/grafana/render_preview.sh [--vigild PATH] [--vigilctl PATH] [--out FILE]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vigild=$root/build/core/vigild
vigilctl=$root/build/vigilctl/vigilctl
out=$root/docs/img/grafana-dashboard.png
while (($#)); do
  case $1 in
    --vigild) vigild=$2; shift 2 ;;
    --vigilctl) vigilctl=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--vigild PATH] [--vigilctl PATH] [--out FILE]" >&2; exit 2 ;;
  esac
done
[[ $EUID -eq 0 ]] || { echo "$0: needs root (network namespaces)" >&2; exit 1; }
for f in "$vigild" "$vigilctl" /usr/bin/prometheus; do
  [[ -x $f ]] || { echo "$0: $f not found" >&2; exit 1; }
done

source "$root/scripts/lab.sh"
P=vglpng$$
D=$(mktemp -d /tmp/vigil-png.XXXXXX)
cleanup() { lab_down "$P"; rm -rf "$D"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date +%T)] $*" >&2; }
# wait_for SECONDS DESCRIPTION COMMAND...: a condition with a deadline, not a sleep.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@"; do
    ((SECONDS < deadline)) || { log "timed out waiting for: $what"; tail -n 5 "$D"/*.out "$D"/*.log >&2 || true; exit 1; }
    sleep 0.1
  done
}

lab_up "$P" 3   # h1, h2: vigild; h3: prometheus
VIP1=192.0.2.101 VIP2=192.0.2.102

for h in 1 2; do
  # Active-active: VI_1 prefers h1, VI_2 prefers h2. A down file takes 20 off h1's VI_1.
  cat > "$D/h$h.conf" <<CONF
[global]
router_id = h$h
log = file:$D/h$h.log
control_socket = $D/h$h.sock
state_dir = $D/h$h.state
metrics_listen = 192.0.2.1$h:9650
notify = events

[tracker down]
type = file
path = $D/down$h
interval = 0.5s
weight = -20

[notifier events]
type = log
path = $D/h$h.events

[instance VI_1]
interface = eth0
vrid = 51
version = 3
advert_int = 0.2s
priority = $((h == 1 ? 110 : 100))
vip = $VIP1/24
track = down

[instance VI_2]
interface = eth0
vrid = 52
version = 3
advert_int = 0.2s
priority = $((h == 2 ? 110 : 100))
vip = $VIP2/24
track = down
CONF
  mkdir -p "$D/h$h.state"
  "$vigild" -t -f "$D/h$h.conf" >/dev/null
done

cat > "$D/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: vigil
    static_configs:
      - targets: ['192.0.2.11:9650', '192.0.2.12:9650']
CONF
PROM=http://192.0.2.13:9090
ip netns exec "$P-h3" /usr/bin/prometheus --config.file="$D/prometheus.yml" \
  --storage.tsdb.path="$D/tsdb" --web.listen-address=192.0.2.13:9090 \
  > "$D/prometheus.out" 2>&1 &

prom_ready() { ip netns exec "$P-h3" curl -fsS "$PROM/-/ready" >/dev/null 2>&1; }
wait_for 30 "prometheus ready" prom_ready
start=$(date +%s)

for h in 1 2; do
  ip netns exec "$P-h$h" "$vigild" -n -f "$D/h$h.conf" --pid-file "$D/h$h.pid" > "$D/h$h.out" 2>&1 &
done
targets_up() {
  [[ $(ip netns exec "$P-h3" curl -fsS "$PROM/api/v1/query?query=sum(up)" 2>/dev/null) == *'"2"]'* ]]
}
wait_for 30 "both vigilds scraped" targets_up
wait_for 20 "VI_1 on h1" vip_on "$P-h1" $VIP1
wait_for 20 "VI_2 on h2" vip_on "$P-h2" $VIP2
log "settled: VI_1 on h1, VI_2 on h2"; sleep 10

ctl() { ip netns exec "$P-h$1" "$vigilctl" --socket "$D/h$1.sock" "${@:2}" >/dev/null; }
not_on() { ! vip_on "$@"; }

log "down file on h1: VI_1 fails over to h2"; touch "$D/down1"
wait_for 20 "VI_1 on h2" vip_on "$P-h2" $VIP1; sleep 12
log "down file removed: VI_1 back to h1"; rm -f "$D/down1"
wait_for 20 "VI_1 back on h1" vip_on "$P-h1" $VIP1; sleep 12
log "maintenance on VI_2 on h2: it resigns (priority 0), h1 takes it"; ctl 2 maintenance on VI_2
wait_for 20 "VI_2 on h1" vip_on "$P-h1" $VIP2
wait_for 20 "VI_2 off h2" not_on "$P-h2" $VIP2; sleep 12
log "maintenance off: VI_2 back to h2"; ctl 2 maintenance off VI_2
wait_for 20 "VI_2 back on h2" vip_on "$P-h2" $VIP2; sleep 5
log "reload on h1"; ctl 1 reload; sleep 8
end=$(date +%s)

mkdir -p "$(dirname "$out")"
ip netns exec "$P-h3" /usr/bin/python3 "$here/render_preview.py" --prometheus "$PROM" \
  --dashboard "$here/vigil.json" --start "$start" --end "$end" --out "$D/preview.png"
cp "$D/preview.png" "$out"
log "wrote $out ($(stat -c %s "$out") bytes, $((end - start)) s of data)"
