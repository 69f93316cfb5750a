#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""bench/report.py on synthetic benchmark results: the combined JSON, a chart
per benchmark, the table in a copy of docs/performance.md (text outside the
markers kept), and refusals of bad input."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SOURCE = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
REPORT = os.path.join(SOURCE, "bench", "report.py")


def side(samples):
    xs = sorted(samples)
    return dict(n=len(xs), min=xs[0], p50=xs[len(xs) // 2], p95=xs[-1], max=xs[-1], mean=sum(xs) / len(xs), samples=xs)


def figure(fid, vigild, keepalived, target, passed):
    return dict(id=fid, title=fid.replace("-", " "), unit="ms", stat="p95",
                target=dict(op="<=", value=target, text=f"<= {target} ms"),
                vigild=vigild, keepalived=keepalived, **{"pass": passed}, ratio_vigil_keepalived=None, note="n")


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        self.results = os.path.join(d, "results")
        os.makedirs(self.results)
        self.doc = os.path.join(d, "performance.md")
        with open(self.doc, "w") as f:
            f.write("# before\n<!-- bench/run: generated from here -->\nold table\n<!-- bench/run: generated up to here -->\n# after\n")
        self.a = self.write("alpha-1.json", dict(benchmark="alpha", run_seconds=60, vigild="vigild 0.1.0", keepalived="Keepalived v2.2.7",
                                                  figures=[figure("alpha-fast", side([1, 2, 3]), side([10, 20, 30]), 5, True)]))
        self.b = self.write("beta-1.json", dict(benchmark="beta", run_seconds=30, vigild="vigild 0.1.0", keepalived="-",
                                                 figures=[figure("beta-slow", side([7, 8, 9]), None, 5, False)]))

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, data):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            json.dump(data, f)
        return path

    def run_report(self, *files, doc=None):
        return subprocess.run(["/usr/bin/python3", REPORT, "--stamp", "S", "--results", self.results, "--doc", doc or self.doc, *files],
                              capture_output=True, text=True)

    def test_writes_json_charts_and_table(self):
        r = self.run_report(self.a, self.b)
        self.assertEqual(r.returncode, 0, r.stderr)
        report = json.load(open(os.path.join(self.results, "S.json")))
        self.assertEqual([f["id"] for f in report["figures"]], ["alpha-fast", "beta-slow"])
        self.assertEqual([f["benchmark"] for f in report["figures"]], ["alpha", "beta"])
        self.assertFalse(report["all_met"])
        self.assertEqual(report["keepalived"], "Keepalived v2.2.7")
        for b in ("alpha", "beta"):
            with open(os.path.join(self.results, "S", f"{b}.png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        doc = open(self.doc).read()
        self.assertTrue(doc.startswith("# before\n") and doc.endswith("# after\n"), doc)
        self.assertNotIn("old table", doc)
        self.assertIn("| alpha | alpha fast | <= 5 ms | 2 ms | 3 ms | keepalived | 20 ms | 30 ms | 0.10× (p95) | yes |", doc)
        self.assertIn("| beta | beta slow | <= 5 ms | 8 ms | 9 ms | keepalived | – | – | – | **no** |", doc)
        self.assertIn("missed: beta beta-slow", r.stdout)

    def test_a_benchmark_names_its_own_comparator(self):
        # An ExaBGP figure is filed under "exabgp", never under keepalived; a stray
        # "keepalived" side in it is not read.
        f = figure("gamma-withdraw", side([4, 5, 6]), None, 10, True)
        f["exabgp"] = side([40, 50, 60])
        f["keepalived"] = side([1000])
        c = self.write("gamma-1.json", dict(benchmark="gamma", run_seconds=10, vigild="vigild 0.1.0", keepalived="-",
                                             other="exabgp", exabgp="ExaBGP 4.2.21", figures=[f]))
        r = self.run_report(self.a, c)
        self.assertEqual(r.returncode, 0, r.stderr)
        report = json.load(open(os.path.join(self.results, "S.json")))
        self.assertEqual(report["others"], {"keepalived": "Keepalived v2.2.7", "exabgp": "ExaBGP 4.2.21"})
        self.assertEqual([f["other"] for f in report["figures"]], ["keepalived", "exabgp"])
        doc = open(self.doc).read()
        self.assertIn("vigild: vigild 0.1.0. keepalived: Keepalived v2.2.7. exabgp: ExaBGP 4.2.21.", doc)
        self.assertIn("| gamma | gamma withdraw | <= 10 ms | 5 ms | 6 ms | exabgp | 50 ms | 60 ms | 0.10× (p95) | yes |", doc)
        # The control: without "other", the same file is a keepalived comparison.
        del f["exabgp"]
        d = self.write("gamma-2.json", dict(benchmark="gamma", run_seconds=10, vigild="vigild 0.1.0", figures=[f]))
        r = self.run_report(d)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("| gamma | gamma withdraw | <= 10 ms | 5 ms | 6 ms | keepalived | 1000 ms | 1000 ms | 1/167 (p95) | yes |",
                      open(self.doc).read())

    def test_refuses_an_other_that_is_not_a_name(self):
        bad = self.write("eps-1.json", dict(benchmark="eps", other="vigild", figures=[figure("e", side([1]), None, 1, True)]))
        r = self.run_report(bad)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('"other" must name an implementation', r.stderr)

    def test_refuses_results_without_figures(self):
        bad = self.write("gamma-1.json", dict(benchmark="gamma"))
        r = self.run_report(self.a, bad)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("has no figures list", r.stderr)

    def test_refuses_a_figure_without_its_keys(self):
        f = figure("x", side([1]), None, 1, True)
        del f["stat"]
        bad = self.write("delta-1.json", dict(benchmark="delta", figures=[f]))
        r = self.run_report(bad)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("lacks stat", r.stderr)

    def test_refuses_a_doc_without_markers(self):
        plain = os.path.join(self.dir.name, "plain.md")
        with open(plain, "w") as f:
            f.write("# no markers\n")
        r = self.run_report(self.a, doc=plain)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(open(plain).read(), "# no markers\n")


if __name__ == "__main__":
    unittest.main()
