#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""bench/soak's invariant checker, run for the whole soak: it watches the VIPs of
every host (`ip -n NS -ts monitor address`, one per host namespace: the kernel's
own address notifications, stamped by ip in microseconds as it reads them) and
the chaos loop's log of actions and each vigild's log (for the moment a
started daemon has its instance running: `VI_1: INIT -> ...`, ms stamps),
merges them by time and feeds them to
soak_invariants.Checker while the run goes on, printing each violation as it is
found. At the chaos loop's `end` line it scans the daemons' logs, writes the
results JSON and prints the report. Exit status 1 when anything was violated.

Events are processed LAG_S behind the clock, in time order: a monitor line, a
log line and a chaos line written in the same millisecond can arrive in either
order, and a loaded machine delays any of them. An event that still arrives
behind the processed time is counted (`late_events`) and taken as happening
then.
"""

import argparse
import calendar
import heapq
import json
import os
import re
import selectors
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soak_invariants import Checker, nearest_rank  # noqa: E402

LAG_S = 2.0
LOAD_EVERY_S = 10
MON_RE = re.compile(r"^\[(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})\] (Deleted )?\d+: eth0 +inet6? ([0-9a-f.:]+)/")
READY_RE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})Z \w+: \S+: INIT -> ")
TRANSITION_RE = re.compile(r": (INIT|BACKUP|MASTER|FAULT|STOP) -> (INIT|BACKUP|MASTER|FAULT|STOP) \(")
# What a daemon that went wrong leaves in its output (sanitizers, libstdc++, glibc, asserts).
TROUBLE_RE = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|"
                        r"terminate called|Assertion .* failed|stack smashing|double free|corrupted|"
                        r"Segmentation fault|Aborted|core dumped")


def epoch_us(m, scale=1):
    y, mo, d, h, mi, s, frac = (int(x) for x in m.groups()[:7])
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) * 1_000_000 + frac * scale


class LogTail:
    """A vigild log read as it grows (it exists from the daemon's first start)."""

    def __init__(self, path, host):
        self.path, self.host, self.f, self.buf = path, host, None, ""

    def lines(self):
        if self.f is None:
            if not os.path.exists(self.path):
                return []
            self.f = open(self.path, errors="replace")
        self.buf += self.f.read()
        *complete, self.buf = self.buf.split("\n")
        return complete


class Monitor:
    def __init__(self, ns, host, log_path):
        self.host = host
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(["ip", "-n", ns, "-ts", "monitor", "address"], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=dict(os.environ, TZ="UTC"))
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.buf = b""

    def lines(self):
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            raise SystemExit(f"soak checker: the address monitor of {self.host} ended")
        self.buf += data
        *complete, self.buf = self.buf.split(b"\n")
        for raw in complete:
            line = raw.decode(errors="replace")
            self.log.write(line + "\n")
            yield line
        self.log.flush()


def wait_ready(monitors, sel, lab):
    """An address monitor may not listen yet when it starts: each host adds a
    marker (TEST-NET-2, on lo) until its monitor reports it, 5 s at most."""
    for i, mon in enumerate(monitors):
        ns, marker = f"{lab}-{mon.host}", f"198.51.100.{i + 1}"
        seen = False
        for _ in range(25):
            subprocess.run(["ip", "-n", ns, "addr", "add", f"{marker}/32", "dev", "lo"], check=True)
            deadline = time.monotonic() + 0.2
            while not seen and time.monotonic() < deadline:
                for key, _ in sel.select(0.05):
                    lines = list(key.data.lines())  # all of them logged, not only up to the marker
                    seen |= any(f" inet {marker}/32 " in ln and "Deleted" not in ln for ln in lines)
            subprocess.run(["ip", "-n", ns, "addr", "del", f"{marker}/32", "dev", "lo"], check=True)
            if seen:
                break
        if not seen:
            raise SystemExit(f"soak checker: ip monitor in {ns} did not start")


def scan_logs(paths):
    transitions, trouble, errors = {}, [], {}
    for host, files in paths.items():
        for path in files:
            if not os.path.exists(path):
                continue
            with open(path, errors="replace") as f:
                for n, line in enumerate(f, 1):
                    m = TRANSITION_RE.search(line)
                    if m:
                        key = f"{m.group(1)}->{m.group(2)}"
                        transitions.setdefault(host, {})
                        transitions[host][key] = transitions[host].get(key, 0) + 1
                    if TROUBLE_RE.search(line):
                        trouble.append(dict(host=host, file=os.path.basename(path), line=n, text=line.strip()[:300]))
                    if re.search(r"\b(error|ERROR|critical|CRIT)\b", line):
                        errors.setdefault(host, []).append(line.strip()[:300])
    return transitions, trouble, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lab", required=True)
    ap.add_argument("--hosts", nargs="+", required=True)
    ap.add_argument("--vip", action="append", required=True)
    ap.add_argument("--dual-limit-ms", type=float, required=True)
    ap.add_argument("--gap-limit-ms", type=float, required=True)
    ap.add_argument("--final-holder", required=True)
    ap.add_argument("--chaos", required=True, help="the chaos loop's log, read as it grows")
    ap.add_argument("--work", required=True, help="where the monitor logs go; the daemons' logs are read from here")
    ap.add_argument("--ready", required=True, help="created once every monitor listens")
    ap.add_argument("--meta", required=True, help="JSON: the run's header (command, versions, setup...)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    checker = Checker(a.hosts, a.vip, round(a.dual_limit_ms * 1000), round(a.gap_limit_ms * 1000), a.final_holder)
    sel = selectors.DefaultSelector()
    monitors = [Monitor(f"{a.lab}-{h}", h, os.path.join(a.work, f"mon-{h}.log")) for h in a.hosts]
    for mon in monitors:
        sel.register(mon.proc.stdout, selectors.EVENT_READ, mon)
    wait_ready(monitors, sel, a.lab)
    open(a.ready, "w").close()

    tails = [LogTail(os.path.join(a.work, f"{a.lab}-{h}.log"), h) for h in a.hosts]
    heap, seq, late = [], 0, 0
    chaos = open(a.chaos)
    chaos_buf = ""
    end_at = None  # monotonic time after which the last events are in
    loads, next_load = [], 0.0
    reported = 0
    while True:
        for key, _ in sel.select(0.05):
            mon = key.data
            for line in mon.lines():
                m = MON_RE.match(line)
                if m and m.group(9) in a.vip:
                    seq += 1
                    heapq.heappush(heap, (epoch_us(m), seq, "vip_del" if m.group(8) else "vip_add", mon.host, m.group(9)))
        for tail in tails:
            for line in tail.lines():
                m = READY_RE.match(line)
                if m:
                    seq += 1
                    heapq.heappush(heap, (epoch_us(m, 1000), seq, "ready", tail.host, ""))
        chaos_buf += chaos.read()
        *complete, chaos_buf = chaos_buf.split("\n")
        for line in complete:
            t, kind, host, *rest = line.split(" ", 3) + [""]
            seq += 1
            heapq.heappush(heap, (int(t), seq, kind, host, rest[0]))
            if kind == "end":
                end_at = time.monotonic() + LAG_S
        now_us = time.time_ns() // 1000
        horizon = now_us - round(LAG_S * 1e6)
        if end_at is not None and time.monotonic() >= end_at:
            horizon = None
        while heap and (horizon is None or heap[0][0] <= horizon):
            t, _, kind, host, arg = heapq.heappop(heap)
            if checker.last_us is not None and t < checker.last_us:
                late += 1
                t = checker.last_us
            checker.feed(t, kind, host, arg)
        if horizon is not None and checker.t0_us is not None:
            checker.tick(horizon)
        for v in checker.violations[reported:]:
            print(f"VIOLATION at {v['t_s']:.3f} s: {v['kind']}: {v['text']}", flush=True)
        reported = len(checker.violations)
        if time.monotonic() >= next_load:
            with open("/proc/loadavg") as f:
                loads.append(float(f.read().split()[0]))
            next_load = time.monotonic() + LOAD_EVERY_S
        if checker.ended:
            break

    for mon in monitors:
        mon.proc.terminate()
    logs = {h: [os.path.join(a.work, f"{a.lab}-{h}.log"), os.path.join(a.work, f"{a.lab}-{h}.out")] for h in a.hosts}
    transitions, trouble, errors = scan_logs(logs)
    for t in trouble:
        checker.violate(checker.last_us, "daemon-log", f"{t['host']} {t['file']}:{t['line']}: {t['text']}")
    for v in checker.violations[reported:]:
        print(f"VIOLATION: {v['kind']}: {v['text']}", flush=True)
    summary = checker.summary()
    result = json.load(open(a.meta))
    result.update(summary)
    result["late_events"] = late
    result["state_transitions"] = transitions
    result["daemon_log_errors"] = errors
    result["load_average_1min"] = dict(samples=loads, max=max(loads) if loads else None,
                                       mean=round(sum(loads) / len(loads), 2) if loads else None)
    result["figures"] = figures(summary)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print_report(result)
    sys.exit(1 if summary["violations"] else 0)


def figures(s):
    def side(st):
        xs = st["samples_ms"]
        if not xs:
            return None
        return dict(n=len(xs), min=min(xs), p50=st["p50"], p95=st["p95"], max=st["max"],
                    mean=round(sum(xs) / len(xs), 4), samples=xs)
    out = []
    for fid, key, limit, title, text in (
            ("soak-dual-holder", "dual", s["limits_ms"]["dual"], "Chaos soak: two holders of the VIP (after a heal, a restart or a takeover)",
             "<= one advert interval"),
            ("soak-no-holder", "gap", s["limits_ms"]["gap"], "Chaos soak: no holder of the VIP while a host is healthy",
             "<= master down interval + 100 ms")):
        v = side(s[key])
        out.append(dict(id=fid, title=title, unit="ms", target=dict(op="<=", value=limit, text=f"{text} ({limit:g} ms)"),
                        stat="max", vigild=v, keepalived=None, **{"pass": v is None or v["max"] <= limit},
                        ratio_vigil_keepalived=None, note="every episode of the run; keepalived not run"))
    return out


def print_report(r):
    def fmt(x):
        return "-" if x is None else f"{x:.1f}"
    print(f"\nchaos soak: {r['duration_s']:g} s of faults, seed {r['seed']}, advert_int {r['advert_int_ms']:g} ms, "
          f"load average (1 min) mean {fmt(r['load_average_1min']['mean'])} max {fmt(r['load_average_1min']['max'])}")
    print("\nactions:  " + "  ".join(f"{k} {v}" for k, v in r["actions"].items()))
    print("VIP adds/deletes seen:  " + "  ".join(f"{h} +{c['add']}/-{c['del']}" for h, c in sorted(r["vip_changes"].items())))
    print("state transitions (vigild logs):")
    for h, t in sorted(r["state_transitions"].items()):
        print(f"  {h}: " + "  ".join(f"{k} {v}" for k, v in sorted(t.items())))
    st = r["startup"]
    print(f"vigild start-ups (exec -> instance running): n {st['n']}, p50 {fmt(st['p50'])} ms, "
          f"p95 {fmt(st['p95'])} ms, max {fmt(st['max'])} ms; late events {r['late_events']}")
    st = r["vip_left_by_kill"]
    print(f"VIP left on eth0 by a SIGKILLed master until its restart removed it: n {st['n']}, "
          f"p50 {fmt(st['p50'])} ms, max {fmt(st['max'])} ms (not a holder: its vigild does not run)")
    rows = [("episodes", "n", "p50 ms", "p95 ms", "max ms", "limit ms")]
    for name, key, lim in (("two holders, all", "dual", "dual"), ("  ... after a heal", "dual_after_heal", "dual"),
                           ("  ... after a rejoin", "dual_after_rejoin", "dual"),
                           ("  ... after a restart", "dual_after_start", "dual"),
                           ("no holder, a host healthy", "gap", "gap")):
        st = r[key]
        rows.append((name, str(st["n"]), fmt(st["p50"]), fmt(st["p95"]), fmt(st["max"]), f"{r['limits_ms'][lim]:.1f}"))
    w = [max(len(x[i]) for x in rows) for i in range(len(rows[0]))]
    print()
    for x in rows:
        print("  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(x)))
    print(f"\nviolations: {len(r['violations'])}")
    for v in r["violations"]:
        lasted = f" (lasted {v['episode']['ms']:.1f} ms)" if v["episode"] else ""
        print(f"  {v['t_s']:9.3f} s  {v['kind']}: {v['text']}{lasted}")


if __name__ == "__main__":
    main()
