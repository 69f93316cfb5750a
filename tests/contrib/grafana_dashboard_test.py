#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""contrib/grafana/vigil.json asks only for what vigild exports.

Every PromQL query of the dashboard (panel targets and template variables) is
reduced to the metric names it reads and the label names it matches or groups
by. Each metric name must be one the code declares (core/control/metrics_text.cpp)
and one the docs list (docs/vigilctl.md, "Metrics"); each label must be in the
docs' labels for it, or a label Prometheus adds (instance, job). With
--scrape FILE (a live /metrics text, as tests/e2e's ControlE2E writes it), each
name must also be a family of that scrape, and each label one its samples carry.

Usage: grafana_dashboard_test.py SOURCE_DIR [--scrape FILE] [--dashboard FILE]
Exit 0 when every query passes; 1 with one line per problem otherwise.
"""
import json
import re
import sys
from pathlib import Path

TARGET_LABELS = {"instance", "job"}  # set by Prometheus on every scraped series
KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan", "atan2"}
GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}")
MATCHER_LABEL = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")
IDENT = re.compile(r"(?<![\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(?!\w)(\s*\()?")
LABEL_VALUES = re.compile(r"^\s*label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$", re.S)


def analyse(expr):
    """metric name -> the labels the expression uses with it: in its matchers,
    and those it groups by (taken as applying to every metric of the query)."""
    labels = {}  # metric -> set of labels in its matchers
    grouping = set()
    text = expr
    m = LABEL_VALUES.match(text)
    if m:  # a Grafana template query: label_values(SELECTOR, LABEL)
        text, label = m.group(1), m.group(2)
        grouping.add(label)
    # instance is the scraped target (Prometheus sets it), never a VRRP
    # instance (vrrp_instance): a matcher on it may only take the host variable.
    for m in re.finditer(r'(?<![\w.])instance\s*(?:=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|\'[^\']*\')', text):
        if not re.fullmatch(r'["\']\$\{?host\}?["\']', m.group(1)):
            raise ValueError(f"instance={m.group(1)}: instance is the scraped target, matched only with $host "
                             "(a VRRP instance is vrrp_instance)")
    # Strings hold values, not names: blank them out before reading names (a
    # matcher's value such as "$host" or "MASTER" is no metric).
    text = STRING.sub('""', text)
    text = re.sub(r"\$\{?\w+\}?", "x", text)  # Grafana variables ($__rate_interval, ${host})
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges and subqueries: [5m], [1h:1m]
    for g in GROUPING.finditer(text):
        grouping.update(l.strip() for l in g.group(2).split(",") if l.strip())
    text = GROUPING.sub(" ", text)
    names = set()
    def selector(m):
        name = m.group(1)
        if not name:  # {__name__=...} or {label=...} alone: nothing to check it against
            raise ValueError("a selector without a metric name cannot be checked: name the metric")
        names.add(name)
        labels.setdefault(name, set()).update(MATCHER_LABEL.findall(m.group(2)))
        return " "
    text = SELECTOR.sub(selector, text)
    for m in IDENT.finditer(text):
        word, call = m.group(1), m.group(2)
        if call or word in KEYWORDS or re.fullmatch(r"\d.*", word):
            continue
        names.add(word)
        labels.setdefault(word, set())
    for n in names:
        labels[n] |= grouping
    if not names:
        raise ValueError("no metric name found")
    return labels


def dashboard_queries(dashboard):
    """(where, expr) for every panel target and every query variable."""
    out = []
    def panels(ps):
        for p in ps:
            yield p
            yield from panels(p.get("panels", []))
    for p in panels(dashboard.get("panels", [])):
        for t in p.get("targets", []):
            if "expr" in t:
                out.append((f"panel '{p.get('title')}' {t.get('refId')}", t["expr"]))
    for v in dashboard.get("templating", {}).get("list", []):
        if v.get("type") == "query":
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            out.append((f"variable '{v.get('name')}'", q))
    return out


def documented(source):
    """metric -> labels from the Metrics table of docs/vigilctl.md."""
    out = {}
    in_section = False
    for line in (source / "docs/vigilctl.md").read_text().splitlines():
        if line.startswith("## "):
            in_section = line == "## Metrics"
        if not in_section or not line.startswith("| `vigil_"):
            continue
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        words = set(re.findall(r"`([a-zA-Z_][a-zA-Z0-9_]*)`", cells[2]))
        for name in re.findall(r"`(vigil_[a-z0-9_]+)`", cells[0]):
            out[name] = words
    return out


def declared(source):
    """The metric names core/control/metrics_text.cpp writes."""
    text = (source / "core/control/metrics_text.cpp").read_text()
    return set(re.findall(r'"(vigil_[a-z0-9_]+)[{" ]', text))


def scraped(path):
    """metric -> labels its samples carry, for every family with a # TYPE."""
    out = {}
    for line in Path(path).read_text().splitlines():
        m = re.match(r"# TYPE (\S+) ", line)
        if m:
            out.setdefault(m.group(1), set())
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ", line)
        if m and not line.startswith("#"):
            out.setdefault(m.group(1), set()).update(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="', m.group(2) or ""))
    return out


def check(queries, docs, code, scrape=None):
    problems = []
    for where, expr in queries:
        try:
            used = analyse(expr)
        except ValueError as e:
            problems.append(f"{where}: {e}: {expr}")
            continue
        for name, labels in used.items():
            if name not in code:
                problems.append(f"{where}: {name} is not a metric metrics_text.cpp writes")
            if name not in docs:
                problems.append(f"{where}: {name} is not in docs/vigilctl.md's metrics table")
            else:
                for label in sorted(labels - docs[name] - TARGET_LABELS):
                    problems.append(f"{where}: {name} has no label '{label}' in the docs")
            if scrape is not None:
                if name not in scrape:
                    problems.append(f"{where}: {name} is not in the live scrape")
                elif scrape[name]:  # families without samples say nothing of labels
                    for label in sorted(labels - scrape[name] - TARGET_LABELS):
                        problems.append(f"{where}: {name}'s samples have no label '{label}'")
    return problems


def self_check():
    """The checker itself can fail: broken queries must be caught."""
    docs = {"vigil_a_total": {"vrrp_instance", "reason"}, "vigil_b": {"tracker"}}
    code = {"vigil_a_total", "vigil_b"}
    good = [("g1", 'sum by (instance, reason) (rate(vigil_a_total{vrrp_instance=~"$vrrp_instance"}[$__rate_interval]))'),
            ("g2", 'vigil_b{tracker="x"} == 0 and on(instance) vigil_a_total > 1e3'),
            ("g3", "label_values(vigil_b{instance=~\"$host\"}, tracker)")]
    assert check(good, docs, code) == [], check(good, docs, code)
    for bad in ['rate(vigil_a_totl[5m])', 'vigil_b{trackr="x"}', 'sum by (instanse) (vigil_b)',
                'label_values(vigil_c, tracker)', 'label_values(vigil_b, nme)', 'rate({reason="x"}[5m])',
                'vigil_b + vigl_b', 'vigil_a_total{instance="VI_1"}', 'vigil_b{instance=~"$vrrp_instance"}']:
        assert check([("bad", bad)], docs, code), f"not caught: {bad}"
    assert check(good, docs, code, scrape={"vigil_a_total": {"vrrp_instance", "reason"}}), "a name missing from the scrape"
    assert check(good[:1], docs, code, scrape={"vigil_a_total": {"vrrp_instance"}}), "a label missing from the samples"


def main(argv):
    source = Path(argv[1])
    scrape = None
    dashboard = source / "contrib/grafana/vigil.json"
    args = argv[2:]
    while args:
        flag, value, args = args[0], args[1], args[2:]
        if flag == "--scrape":
            scrape = scraped(value)
        elif flag == "--dashboard":
            dashboard = Path(value)
        else:
            print(f"unknown argument {flag}", file=sys.stderr)
            return 2
    self_check()
    queries = dashboard_queries(json.loads(dashboard.read_text()))
    if len(queries) < 20:
        print(f"only {len(queries)} queries found in {dashboard}: the reader missed some")
        return 1
    docs, code = documented(source), declared(source)
    problems = check(queries, docs, code, scrape)
    for p in problems:
        print(p)
    if not problems:
        print(f"{len(queries)} queries of {dashboard.name}: every metric and label is exported"
              + (" (and in the live scrape)" if scrape is not None else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
