#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Draws a Grafana dashboard's panels from a live Prometheus with matplotlib.

Run by render_preview.sh (not part of the test suite). Each panel is placed at its
gridPos on Grafana's 24-column grid; its targets' expressions (template variables
substituted: every host and instance) are asked of /api/v1/query_range over the run.
timeseries -> lines, state-timeline -> coloured bands with the panel's value mappings,
stat -> the last value per series, table -> the last values merged by labels.
"""
import argparse
import json
import re
import urllib.parse
import urllib.request

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CAPTION = "vigil.json rendered from a lab run through Prometheus (not a Grafana screenshot)"
VARIABLES = {"host": ".*", "vrrp_instance": ".*", "__rate_interval": "5s"}
GRAFANA_COLOURS = {"blue": "#3274d9", "green": "#56a64b", "purple": "#a352cc",
                   "red": "#e02f44", "orange": "#ff780a", "text": "#444444"}


def substitute(expr):
    return re.sub(r"\$\{?(\w+)\}?", lambda m: VARIABLES.get(m.group(1), m.group(0)), expr)


def query_range(base, expr, start, end, step):
    qs = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(f"{base}/api/v1/query_range?{qs}", timeout=30) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError(f"{expr}: {body}")
    return body["data"]["result"]


def legend(fmt, labels):
    if not fmt:
        return ", ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "__name__")
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), fmt).strip()


def mappings(panel):
    found = {}
    for m in panel.get("fieldConfig", {}).get("defaults", {}).get("mappings", []):
        for value, opt in m.get("options", {}).items():
            found[float(value)] = (opt.get("text", value), GRAFANA_COLOURS.get(opt.get("color"), opt.get("color")))
    return found


def series(base, panel, start, end, step):
    out = []
    for t in panel.get("targets", []):
        for r in query_range(base, substitute(t["expr"]), start, end, step):
            pts = [(float(ts) - start, float(v)) for ts, v in r["values"]]
            out.append((legend(t.get("legendFormat", ""), r["metric"]), r["metric"], pts, t.get("refId", "")))
    return out


def draw_timeseries(ax, data):
    for name, _, pts, _ in data:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], linewidth=1.2, label=name)
    ax.grid(True, alpha=0.3)
    ax.tick_params(labelsize=6)
    if data:
        ax.legend(fontsize=5, loc="upper left", bbox_to_anchor=(0, -0.12), ncol=2, frameon=False)
    else:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes, color="grey")


def draw_state_timeline(ax, data, panel, start, end):
    maps = mappings(panel)
    data = sorted(data, key=lambda d: d[0])
    for row, (name, _, pts, _) in enumerate(data):
        # Runs of one value become one band, labelled with its mapped text.
        runs, begin = [], 0
        for i in range(1, len(pts) + 1):
            if i == len(pts) or pts[i][1] != pts[begin][1]:
                runs.append((pts[begin][0], pts[i - 1][0] + 1, pts[begin][1]))
                begin = i
        for x0, x1, v in runs:
            text, colour = maps.get(v, (f"{v:g}", "#888888"))
            ax.barh(row, x1 - x0, left=x0, height=0.8, color=colour, alpha=0.85)
            if x1 - x0 > (end - start) * 0.06:
                ax.text((x0 + x1) / 2, row, text, ha="center", va="center", fontsize=6, color="white")
    ax.set_yticks(range(len(data)), [d[0] for d in data], fontsize=6)
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.set_xlim(0, end - start)
    ax.tick_params(axis="x", labelsize=6)


def threshold_colour(panel, value):
    colour = "#888888"
    for s in panel.get("fieldConfig", {}).get("defaults", {}).get("thresholds", {}).get("steps", []):
        if s.get("value") is None or value >= s["value"]:
            colour = GRAFANA_COLOURS.get(s["color"], s["color"])
    return colour


def draw_stat(ax, data, panel):
    ax.axis("off")
    if not data:
        ax.text(0.5, 0.5, panel.get("fieldConfig", {}).get("defaults", {}).get("noValue", "no data"),
                ha="center", va="center", fontsize=14, transform=ax.transAxes)
        return
    data = sorted(data, key=lambda d: d[0])
    for i, (name, _, pts, _) in enumerate(data):
        x = (i + 0.5) / len(data)
        value = pts[-1][1]
        ax.text(x, 0.5, f"{value:g}", ha="center", va="center", fontsize=22, weight="bold",
                color=threshold_colour(panel, value), transform=ax.transAxes)
        ax.text(x, 0.2, name, ha="center", va="center", fontsize=7, transform=ax.transAxes)


def draw_table(ax, data, panel):
    # Grafana's "merge" + "organize": one row per label set, values at the end of the run.
    ax.axis("off")
    maps = mappings(panel)
    org = next((t["options"] for t in panel.get("transformations", []) if t["id"] == "organize"), {})
    hidden = {k for k, v in org.get("excludeByName", {}).items() if v}
    rename = org.get("renameByName", {})
    rows = {}
    for _, labels, pts, ref in data:
        key = {k: v for k, v in labels.items() if k not in hidden}
        shared = tuple(sorted((k, v) for k, v in key.items() if k in ("instance", "tracker")))
        row = rows.setdefault(shared, dict(shared))
        row.update(key)
        if f"Value #{ref}" not in hidden:
            row[f"Value #{ref}"] = maps.get(pts[-1][1], (f"{pts[-1][1]:g}",))[0]
    columns = []
    for row in rows.values():
        for k in row:
            if k not in hidden and k not in columns:
                columns.append(k)
    if not rows:
        return
    cells = [[row.get(c, "") for c in columns] for row in rows.values()]
    table = ax.table(cellText=cells, colLabels=[rename.get(c, c) for c in columns], loc="upper center",
                     cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(6)
    table.scale(1, 1.3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prometheus", required=True)
    ap.add_argument("--dashboard", required=True)
    ap.add_argument("--start", type=int, required=True)
    ap.add_argument("--end", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.dashboard) as f:
        dashboard = json.load(f)
    panels = dashboard["panels"]
    rows = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels)
    unit = 0.42  # inches per grid row; a column is 1/24 of the width
    width, height = 16, rows * unit + 1.0
    fig = plt.figure(figsize=(width, height), dpi=80)
    fig.suptitle(f"{dashboard['title']}: {CAPTION}", fontsize=11, y=1 - 0.25 / height)
    top = 0.55 / height
    for p in panels:
        g = p["gridPos"]
        left, w = g["x"] / 24, g["w"] / 24
        y0 = 1 - top - (g["y"] + g["h"]) * unit / height
        h = g["h"] * unit / height
        if p["type"] == "row":
            fig.text(0.01, y0 + h / 2, p["title"], fontsize=10, weight="bold", va="center")
            continue
        # Room inside the cell for the title above, the legend and axis below, and
        # a state timeline's row names on its left.
        margin = 0.15 if p["type"] == "state-timeline" else 0.025
        ax = fig.add_axes([left + margin, y0 + h * 0.30, w - margin - 0.015, h * 0.58])
        ax.set_title(p["title"], fontsize=8, loc="left")
        data = series(a.prometheus, p, a.start, a.end, 1)
        kind = p["type"]
        if kind == "timeseries":
            draw_timeseries(ax, data)
        elif kind == "state-timeline":
            draw_state_timeline(ax, data, p, a.start, a.end)
        elif kind == "stat":
            draw_stat(ax, data, p)
        elif kind == "table":
            draw_table(ax, data, p)
        else:
            ax.text(0.5, 0.5, f"({kind} panel)", ha="center", va="center", transform=ax.transAxes)
    fig.text(0.99, 0.2 / height, "x: seconds since the lab started", fontsize=7, ha="right", color="grey")
    fig.savefig(a.out, dpi=80)


if __name__ == "__main__":
    main()
