#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Collects the JSON of one bench/run into the run's report.

    bench/report.py --stamp STAMP [--doc docs/performance.md] RESULT.json...

Writes bench/results/STAMP.json (every figure of every benchmark, with the
machine), bench/results/STAMP/<benchmark>.png (a chart per benchmark: the
samples of vigild and the other implementation for each figure, and the
target) and replaces the generated part of docs/performance.md (between its
markers). Each RESULT.json is one benchmark's output with a "figures" list (see
bench/README.md, "bench/run"). A benchmark compares vigild with keepalived
unless its JSON names another implementation in "other" (e.g. "exabgp"): its
figures then hold that one's samples under that key, and its version under the
same top-level key.
"""
import argparse
import json
import os
import platform
import re
import sys
import textwrap

BEGIN = "<!-- bench/run: generated from here -->"
END = "<!-- bench/run: generated up to here -->"


def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return dict(cpu=model, cpus=os.cpu_count(), memory_gib=round(mem_kb / 1024 / 1024, 1),
                kernel=f"{platform.system()} {platform.release()} {platform.machine()}")


def other_of(d):
    """The implementation a benchmark compares vigild with: keepalived unless it names another."""
    return d.get("other") or "keepalived"


def load(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            d = json.load(f)
        if not isinstance(d.get("figures"), list):
            sys.exit(f"bench/report.py: {p} has no figures list")
        for fig in d["figures"]:
            for key in ("id", "title", "unit", "target", "stat", "vigild", "pass"):
                if key not in fig:
                    sys.exit(f"bench/report.py: {p}: figure {fig.get('id')} lacks {key}")
        other = other_of(d)
        if not re.fullmatch(r"[a-z][a-z0-9_-]*", other) or other in ("vigild", "figures", "benchmark"):
            sys.exit(f"bench/report.py: {p}: \"other\" must name an implementation, not {other!r}")
        runs.append((p, d))
    return runs


def stat_of(side, stat):
    """side[stat]; a single-valued side ({"value": x}) answers every stat with x."""
    if not side:
        return None
    if stat in side:
        return side[stat]
    return side.get("value")


def fmt(x, unit):
    if x is None:
        return "–"
    if isinstance(x, (int, float)):
        if abs(x) >= 100:
            s = f"{x:.0f}"
        elif abs(x) >= 10:
            s = f"{x:.1f}".removesuffix(".0")
        else:
            s = f"{x:.2f}".rstrip("0").rstrip(".") if x else "0"
        return s
    return str(x)


def ratio_text(fig):
    v, k = stat_of(fig["vigild"], fig["stat"]), stat_of(fig.get(fig["other"]), fig["stat"])
    if v is None or k is None or not k:
        return "–"
    r = v / k
    if r == 0:
        return "0"
    return f"{r:.2f}×" if r >= 0.1 else f"1/{1 / r:.0f}"


def chart(bench, figures, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # At most 5 charts a row (failover has 15 figures since issue 15).
    n = len(figures)
    cols = min(n, 5)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.6 * rows), squeeze=False)
    flat_axes = [ax for row in axes for ax in row]
    for ax in flat_axes[n:]:
        ax.set_visible(False)
    for ax, f in zip(flat_axes, figures):
        data, labels, colors = [], [], []
        other = f["other"]
        for impl, color in (("vigild", "#1f77b4"), (other, "#d62728" if other == "keepalived" else "#ff7f0e")):
            side = f.get(impl)
            if side and side.get("samples"):
                data.append(side["samples"])
                labels.append(impl)
                colors.append(color)
        if data:
            parts = ax.boxplot(data, labels=labels, showfliers=True, patch_artist=True, widths=0.5)
            for patch, color in zip(parts["boxes"], colors):
                patch.set_facecolor(color)
                patch.set_alpha(0.35)
            for i, (xs, color) in enumerate(zip(data, colors), start=1):
                ax.scatter([i] * len(xs), xs, s=8, color=color, alpha=0.7, zorder=3)
        else:
            ax.text(0.5, 0.5, "no samples", ha="center", va="center", transform=ax.transAxes)
        tv = f["target"].get("value")
        if isinstance(tv, (int, float)):
            ax.axhline(tv, color="#2ca02c", linestyle="--", linewidth=1, label=f"target {f['target']['op']} {fmt(tv, f['unit'])}")
            ax.legend(loc="best", fontsize=7)
        # Wide ranges (keepalived 500x vigild) need a log axis to show both.
        flat = [x for xs in data for x in xs if isinstance(x, (int, float)) and x > 0]
        if flat and max(flat) / max(min(flat), 1e-9) > 50:
            ax.set_yscale("log")
        ax.set_title(textwrap.fill(f["title"], 48), fontsize=8)
        ax.set_ylabel(f["unit"])
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(f"bench/{bench}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def informational(f):
    """A figure reported without a target (op "info")."""
    return f["target"]["op"] == "info"


def table(report, results_rel, charts_rel):
    m = report["machine"]
    lines = [
        f"Run `{report['stamp']}` ({report['command']}), {report['run_minutes']} min in all.",
        f"Machine: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gib']} GiB, {m['kernel']}.",
        f"vigild: {report['vigild']}. "
        + " ".join(f"{name}: {version}." for name, version in report["others"].items()),
        f"Data: [bench/results/{report['stamp']}.json]({results_rel}/{report['stamp']}.json).",
        "",
        "| benchmark | figure | target | vigild p50 | vigild p95 | other | other p50 | other p95 | vigild / other | met |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for f in report["figures"]:
        v, k, u = f["vigild"], f.get(f["other"]), f["unit"]
        cell = lambda side, s: (fmt(stat_of(side, s), u) + f" {u}") if side and stat_of(side, s) is not None else "–"
        lines.append("| " + " | ".join([
            f["benchmark"], f["title"], f["target"].get("text") or f"{f['target']['op']} {f['target'].get('value')} {u} ({f['stat']})",
            cell(v, "p50"), cell(v, "p95"), f["other"], cell(k, "p50"), cell(k, "p95"),
            ratio_text(f) + (f" ({f['stat']})" if ratio_text(f) != "–" else ""),
            "–" if informational(f) else "yes" if f["pass"] else "**no**"]) + " |")
    notes = [f for f in report["figures"] if f.get("note")]
    if notes:
        lines += ["", "Notes:"]
        lines += [f"- {f['id']}: {f['note']}" for f in notes]
    lines += ["", "Charts (the samples of each figure; the dashed line is the target):", ""]
    lines += [f"![{b}]({charts_rel}/{b}.png)" for b in report["benchmarks"]]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stamp", required=True)
    ap.add_argument("--command", default="bench/run")
    ap.add_argument("--doc", default="docs/performance.md")
    ap.add_argument("--results", default="bench/results")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    runs = load(a.files)
    report = dict(stamp=a.stamp, command=a.command, machine=machine(), benchmarks={}, figures=[])
    first = runs[0][1]
    report["vigild"] = first.get("vigild")
    report["keepalived"] = next((d.get("keepalived") for _, d in runs if d.get("keepalived") not in (None, "-")), "-")
    # Every implementation vigild is compared with, and its version (the first run that gives one).
    report["others"] = {}
    for _, d in runs:
        other, version = other_of(d), d.get(other_of(d))
        if report["others"].get(other) in (None, "-"):
            report["others"][other] = version if version not in (None, "-") else "-"
    total = 0.0
    for path, d in runs:
        name = d["benchmark"]
        total += float(d.get("run_seconds", 0))
        report["benchmarks"][name] = dict(file=os.path.basename(path), command=d.get("command"),
                                          run_seconds=d.get("run_seconds"), setup=d.get("setup"), method=d.get("method"))
        for f in d["figures"]:
            report["figures"].append(dict(f, benchmark=name, other=other_of(d)))
    report["run_minutes"] = round(total / 60, 1)
    report["all_met"] = all(f["pass"] or informational(f) for f in report["figures"])

    charts_dir = os.path.join(a.results, a.stamp)
    os.makedirs(charts_dir, exist_ok=True)
    for name in report["benchmarks"]:
        figs = [f for f in report["figures"] if f["benchmark"] == name]
        if figs:
            chart(name, figs, os.path.join(charts_dir, f"{name}.png"))
    out = os.path.join(a.results, f"{a.stamp}.json")
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")

    doc = open(a.doc).read()
    if BEGIN not in doc or END not in doc:
        sys.exit(f"bench/report.py: {a.doc} lacks the markers {BEGIN!r} / {END!r}")
    doc_dir = os.path.dirname(os.path.abspath(a.doc))
    results_rel = os.path.relpath(os.path.abspath(a.results), doc_dir)
    rel = os.path.relpath(os.path.abspath(charts_dir), doc_dir)
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(a.doc, "w") as f:
        f.write(head + BEGIN + "\n" + table(report, results_rel, rel) + "\n" + END + tail)
    met = sum(1 for f in report["figures"] if f["pass"])
    print(f"{out}: {len(report['figures'])} figures, {met} met; charts in {charts_dir}; {a.doc} updated")
    for f in report["figures"]:
        if not f["pass"] and not informational(f):
            print(f"  missed: {f['benchmark']} {f['id']}: vigild {f['stat']} "
                  f"{fmt(stat_of(f['vigild'], f['stat']), f['unit'])} {f['unit']}, target {f['target'].get('text')}")


if __name__ == "__main__":
    main()
