# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034,SC2154
# (SC2034/SC2154: the flags are read, and lib.sh's globals set, by the scripts.)
# Sourced by bench/idle, bench/startup and bench/config-check (issue 9), after
# bench/lib.sh: their common flags, the per-process CPU and memory readings, a
# cgroup for "the daemon and everything it forks", and the figures report (the
# JSON every benchmark writes, and the table).
#
# The sourcing script sets bench (its name) and the flag defaults through
# small_defaults, then calls small_common_flag for each argument it does not
# know itself.

small_defaults() { quick=0 build=1 keep=0 vigild='' with_ka=1 args=''; }

# small_common_flag ARG [VALUE]: the flags every benchmark of the three takes.
# Sets SMALL_SHIFT to the number of words used; returns 1 for an unknown flag,
# 2 for a flag without its value.
SMALL_SHIFT=0
small_common_flag() {
  SMALL_SHIFT=1
  case $1 in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --vigild) [[ -n ${2:-} ]] || return 2; vigild=$(realpath "$2"); build=0; SMALL_SHIFT=2 ;;
    --no-keepalived) with_ka=0 ;;
    --keep-logs) keep=1 ;;
    *) return 1 ;;
  esac
}

# small_versions: vigil_version (with the binary's sha256, as the other
# benchmarks write it) and keepalived_version ("-" without keepalived).
small_versions() {
  vigil_version="$("$vigild" --version 2>&1 | sed -n 1p), $vigil_source, sha256 $(sha256sum "$vigild" | cut -c1-16)"
  keepalived_version=-
  if ((with_ka)); then keepalived_version=$("$keepalived" --version 2>&1 | sed -n 1p); fi
}

# --- cleanup ---------------------------------------------------------------------
# small_start PREFIX: bench_start, then our own EXIT trap: it removes the labs
# (killing what runs in them) and then the cgroups made by cg_new, and hands
# over to lib.sh's bench_cleanup (work directory, exit status).
SMALL_CGROUPS=()
small_start() {
  bench_start "$1"
  trap small_cleanup EXIT
}
small_cleanup() {
  local rc=$? l cg deadline
  set +e
  local IFS=$' \t\n'
  trap - EXIT INT TERM
  for l in "${labs[@]}"; do lab_down "$l" 2>/dev/null; done
  for cg in "${SMALL_CGROUPS[@]}"; do
    [[ -d $cg ]] || continue
    # A killed process leaves its cgroup a moment after SIGKILL: 2 s at most.
    deadline=$(($(now_us) + 2000000))
    # (cgroup files have no size: read them.)
    while [[ -n $(<"$cg/cgroup.procs") ]] && (($(now_us) < deadline)); do sleep 0.01; done
    rmdir "$cg" 2>/dev/null || echo "$bench: could not remove cgroup $cg" >&2
  done
  (exit "$rc")
  bench_cleanup
}

# --- a cgroup: the CPU of a daemon and of every process it forks ------------------
# cg_new NAME: creates an (empty, controller-less) cgroup v2 directory, in the
# cgroup2 mount (the unified hierarchy of a hybrid setup, or /sys/fs/cgroup);
# CG is its path, or empty when there is no writable cgroup v2. Its cpu.stat
# (usage_usec) counts, to the microsecond, the CPU of every process that ran in
# it, including the ones that have exited: a daemon's forked checks.
CG=''
cg_new() {
  local root
  CG=''
  root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
  [[ -n $root && -w $root ]] || return 0
  mkdir "$root/$1" 2>/dev/null || return 0
  [[ -r $root/$1/cpu.stat ]] || { rmdir "$root/$1"; return 0; }
  CG=$root/$1
  SMALL_CGROUPS+=("$CG")
}
# cg_usage_us CG: prints usage_usec of the cgroup.
cg_usage_us() {
  local k v
  while read -r k v; do [[ $k == usage_usec ]] && { echo "$v"; return; }; done <"$1/cpu.stat"
  echo 0
}

# --- per-process readings (bash builtins only: no fork while measuring) ---------
# task_ns PID...: prints the CPU time of every thread of the PIDs, in ns, from
# /proc/PID/task/TID/schedstat (the scheduler's sum_exec_runtime, exact to the
# ns; utime+stime in /proc/PID/stat are 10 ms clock ticks, 0.1 % of one CPU over
# a 10 s window).
task_ns() {
  local p f a sum=0
  for p; do
    for f in /proc/"$p"/task/*/schedstat; do
      read -r a _ <"$f" 2>/dev/null || continue
      sum=$((sum + a))
    done
  done
  echo "$sum"
}
# ticks PID...: prints "SELF CHILDREN": utime+stime and cutime+cstime (clock
# ticks) summed over the PIDs.
ticks() {
  local p line f self=0 kids=0
  for p; do
    read -r line <"/proc/$p/stat" || continue
    read -ra f <<<"${line##*) }"  # fields from 3 (state) on: utime is field 14
    self=$((self + f[11] + f[12])) kids=$((kids + f[13] + f[14]))
  done
  echo "$self $kids"
}
# mem_kb PID...: prints "RSS HWM PSS ANON THREADS", summed over the PIDs, in
# kB: VmRSS, VmHWM, Pss (smaps_rollup: each shared page split between the
# processes that map it), RssAnon, and the number of threads.
mem_kb() {
  local p k v rest rss=0 hwm=0 pss=0 anon=0 thr=0
  for p; do
    while read -r k v rest; do
      case $k in
        VmRSS:) rss=$((rss + v)) ;;
        VmHWM:) hwm=$((hwm + v)) ;;
        RssAnon:) anon=$((anon + v)) ;;
        Threads:) thr=$((thr + v)) ;;
      esac
    done <"/proc/$p/status"
    while read -r k v rest; do [[ $k == Pss: ]] && pss=$((pss + v)); done <"/proc/$p/smaps_rollup"
  done
  echo "$rss $hwm $pss $anon $thr"
}
# group_mem_kb PID...: prints "RSS USS" of the PIDs taken as one group, in kB.
# RSS: the resident pages mapped by any of them, each counted once (for one
# process, VmRSS; for keepalived's parent and VRRP child, less than the sum of
# their VmRSS, which counts every shared library page twice). USS: the resident
# pages that no process outside the group maps (for one process, smaps'
# Private_Clean + Private_Dirty; a per-process USS would miss the pages the VRRP
# child shares copy-on-write with its parent). From /proc/PID/pagemap (the frame
# of each resident page) and /proc/kpagecount (how many mappings each frame
# has): a frame is the group's own when all of its mappings are in the group.
# (python3: ~0.2 s, root only.)
group_mem_kb() {
  "$python" - "$@" <<'PY'
import struct, sys
from collections import Counter
occ = Counter()
for pid in sys.argv[1:]:
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/pagemap", "rb") as pm:
        for line in maps:
            if line.rstrip().endswith("[vsyscall]"):
                continue
            a, b = (int(x, 16) for x in line.split()[0].split("-"))
            pm.seek(a // 4096 * 8)
            for (e,) in struct.iter_unpack("<Q", pm.read((b - a) // 4096 * 8)):
                if e >> 63:  # present: bits 0-54 are the page frame number
                    occ[e & ((1 << 55) - 1)] += 1
own = 0
with open("/proc/kpagecount", "rb") as kc:
    for pfn, n in occ.items():
        kc.seek(pfn * 8)
        own += struct.unpack("<Q", kc.read(8))[0] <= n
print(len(occ) * 4, own * 4)
PY
}
# alive PID...: true if every PID still runs.
alive() { local p; for p; do kill -0 "$p" 2>/dev/null || return 1; done; }

# --- the report ---------------------------------------------------------------------
# figure ID UNIT OP VALUE STAT TITLE TARGET_TEXT [NOTE]: declares a figure. OP is
# <= or >= VALUE; "<=keepalived" (VALUE ignored): vigild's STAT at most
# keepalived's in the same run; "info": no target (reported, never failed).
# sample ID IMPL VALUE: one sample of it (IMPL vigild or keepalived).
# figure_note ID TEXT: sets or replaces a figure's note.
figure() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "${8:-}" >>"$work/figures.tsv"
}
sample() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$samples"; }
figure_note() { printf '%s\t%s\n' "$1" "$2" >>"$work/notes.tsv"; }

# small_report NAME SETUP METHOD [EXTRA_JSON_FILE]: writes
# bench/results/NAME-$stamp.json (the common header, the figures, and the
# top-level keys of EXTRA_JSON_FILE) and prints the figures table. Percentiles
# are nearest-rank.
small_report() {
  local name=$1 setup=$2 method=$3 extra=${4:-}
  mkdir -p bench/results
  out=bench/results/$name-$stamp.json
  touch "$work/figures.tsv" "$work/notes.tsv"
  "$python" - "$work/figures.tsv" "$samples" "$work/notes.tsv" "$out" "$name" "$stamp" \
    "$(bc_sub "$EPOCHREALTIME" "$run_started")" "$bench${args:+ $args}" "$vigil_version" "$keepalived_version" \
    "$(uname -srm)" "$(nproc)" "$setup" "$method" "$extra" <<'PY'
import json, math, sys
(figs_path, samples_path, notes_path, out, name, stamp, run_s, cmd, vv, kv, kernel, ncpu, setup, method,
 extra) = sys.argv[1:]

def rank(xs, p):  # nearest-rank percentile
    s = sorted(xs)
    return s[max(1, math.ceil(p / 100 * len(s))) - 1]
def stats(xs):
    if not xs:
        return None
    return dict(n=len(xs), min=min(xs), p50=rank(xs, 50), p95=rank(xs, 95), max=max(xs),
                mean=round(sum(xs) / len(xs), 4), samples=xs)

samples = {}
for line in open(samples_path):
    fid, impl, v = line.rstrip("\n").split("\t")
    samples.setdefault(fid, {}).setdefault(impl, []).append(float(v))
notes = {}
for line in open(notes_path):
    fid, text = line.rstrip("\n").split("\t", 1)
    notes[fid] = text
figures = []
for line in open(figs_path):
    fid, unit, op, value, stat, title, text, note = line.rstrip("\n").split("\t")
    value = float(value) if op in ("<=", ">=") else None
    v = stats(samples.get(fid, {}).get("vigild", []))
    k = stats(samples.get(fid, {}).get("keepalived", []))
    ok = None
    if v and op == "<=keepalived":
        ok = v[stat] <= k[stat] if k else None
    elif v and value is not None:
        ok = v[stat] <= value if op == "<=" else v[stat] >= value
    ratio = round(v[stat] / k[stat], 4) if v and k and k[stat] else None
    figures.append(dict(id=fid, title=title, unit=unit,
                        target=dict(op=op, value=value, text=text), stat=stat,
                        vigild=v, keepalived=k, pass_=ok, ratio_vigil_keepalived=ratio,
                        note=notes.get(fid, note)))
result = dict(benchmark=name, started_utc=stamp, command=cmd, run_seconds=float(run_s), vigild=vv, keepalived=kv,
              kernel=kernel, cpus=int(ncpu), setup=setup, method=method)
if extra:
    result.update(json.load(open(extra)))
# "pass" is a Python keyword: built as pass_, renamed here, keeping the key order.
result["figures"] = [{("pass" if k == "pass_" else k): x for k, x in f.items()} for f in figures]
with open(out, "w") as fh:
    json.dump(result, fh, indent=2)
    fh.write("\n")

def target(t, stat):
    return f'{stat} {t["op"]}' + (f' {t["value"]:g}' if t["value"] is not None else "") if t["op"] != "info" else "-"
def fmt(x):
    return "-" if x is None else f"{x:.1f}" if abs(x) >= 100 else f"{x:.3f}"
hdr = ("figure", "impl", "n", "min", "p50", "p95", "max", "unit", "target", "vigil", "vigil/ka")
rows = []
for f in result["figures"]:
    for impl in ("vigild", "keepalived"):
        s = f[impl]
        vig = impl == "vigild"
        if not s:
            # No samples: keepalived not measured, or (vigild) nothing to measure, e.g. no
            # supervisor process; the note says which.
            t = f["target"]
            rows.append((f["id"], impl, "-", "-", "-", "-", "-", f["unit"],
                         target(t, f["stat"]) if vig else "", "none" if vig else "", ""))
            continue
        t = f["target"]
        rows.append((f["id"] if vig else "", impl, str(s["n"]), fmt(s["min"]), fmt(s["p50"]), fmt(s["p95"]),
                     fmt(s["max"]), f["unit"],
                     target(t, f["stat"]) if vig else "",
                     ("-" if f["pass"] is None else "PASS" if f["pass"] else "FAIL") if vig else "",
                     f'{f["ratio_vigil_keepalived"]:.3f}' if vig and f["ratio_vigil_keepalived"] is not None else ""))
w = [max(len(r[i]) for r in rows + [hdr]) for i in range(len(hdr))]
print()
for r in [hdr] + rows:
    print("  ".join(c.ljust(w[i]) if i in (0, 1, 7, 8, 9) else c.rjust(w[i]) for i, c in enumerate(r)).rstrip())
for f in result["figures"]:
    if f["note"]:
        print(f'  {f["id"]}: {f["note"]}')
print(f"\nwrote {out} (run took {float(run_s):.0f} s)")
PY
}
