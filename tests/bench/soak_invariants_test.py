#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""bench/soak's invariants (bench/soak_invariants.py) on synthetic event
sequences: each rule fires when it should, and the same sequence a little
quicker (the control) does not. Also: the chaos plan keeps a host healthy."""
import os
import sys
import unittest

SOURCE = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(SOURCE, "bench"))
from soak_invariants import Checker  # noqa: E402
from soak_plan import FAULTS, plan  # noqa: E402

VIP = "192.0.2.251"
MS = 1000
DUAL_MS, GAP_MS = 100, 484


def settled():
    """Three healthy hosts, h1 holding the VIP from 10 ms (a 9.998 ms gap from
    its readiness at 2 us)."""
    c = Checker(["h1", "h2", "h3"], [VIP], DUAL_MS * MS, GAP_MS * MS, "h1")
    for i, h in enumerate(("h1", "h2", "h3")):
        c.feed(3 * i, "nginx_up", h)
        c.feed(3 * i + 1, "start", h)
        c.feed(3 * i + 2, "ready", h)
    c.feed(10 * MS, "vip_add", "h1", VIP)
    return c


def kinds(c):
    return [v["kind"] for v in c.violations]


class GapTest(unittest.TestCase):
    def failover(self, after_ms):
        c = settled()
        c.feed(1000 * MS, "kill", "h1")
        c.feed((1000 + after_ms) * MS, "vip_add", "h2", VIP)
        return c

    def test_a_takeover_within_the_limit_is_a_gap_not_a_violation(self):
        c = self.failover(GAP_MS - 1)
        s = c.summary()
        self.assertEqual(kinds(c), [])
        self.assertEqual(s["gap"]["samples_ms"][-1], GAP_MS - 1)
        self.assertEqual(s["episodes"][-1]["cause"], "kill h1")

    def test_a_slow_takeover_is_a_violation(self):
        c = self.failover(GAP_MS + 1)
        self.assertEqual(kinds(c), ["gap"])
        self.assertIn("after kill h1", c.violations[0]["text"])

    def test_a_gap_is_reported_while_it_lasts(self):
        c = settled()
        c.feed(1000 * MS, "cut", "h1")
        c.tick((1000 + GAP_MS - 1) * MS)
        self.assertEqual(kinds(c), [])
        c.tick((1000 + GAP_MS + 1) * MS)
        self.assertEqual(kinds(c), ["gap"])
        self.assertIn("and counting", c.violations[0]["text"])

    def test_no_holder_while_nobody_is_healthy_does_not_count(self):
        c = settled()
        c.feed(100 * MS, "nginx_stop", "h2")
        c.feed(200 * MS, "nginx_stop", "h3")
        c.feed(1000 * MS, "kill", "h1")
        c.feed(5000 * MS, "vip_add", "h2", VIP)
        self.assertEqual(kinds(c), [])
        self.assertEqual(c.summary()["gap"]["samples_ms"], [9.998], "only the start-up gap (h1 ready at 2 us, VIP at 10 ms)")

    def test_the_clock_starts_when_a_host_becomes_healthy(self):
        c = settled()
        c.feed(100 * MS, "nginx_stop", "h2")
        c.feed(200 * MS, "nginx_stop", "h3")
        c.feed(1000 * MS, "kill", "h1")
        c.feed(3000 * MS, "nginx_up", "h3")
        c.feed((3000 + GAP_MS + 1) * MS, "vip_add", "h3", VIP)
        self.assertEqual(kinds(c), ["gap"])
        self.assertIn("after nginx_up h3", c.violations[0]["text"])


class DualTest(unittest.TestCase):
    def test_a_partitioned_holder_counts_from_the_heal(self):
        for after_ms, expected in ((DUAL_MS - 1, []), (DUAL_MS + 1, ["dual"])):
            c = settled()
            c.feed(1000 * MS, "cut", "h1")
            c.feed(1300 * MS, "vip_add", "h2", VIP)  # h1 kept it: two holders, but h1 is alone
            c.feed(5000 * MS, "heal", "h1")
            c.feed((5000 + after_ms) * MS, "vip_del", "h2", VIP)
            self.assertEqual(kinds(c), expected, after_ms)
            self.assertEqual(c.summary()["dual_after_heal"]["samples_ms"], [after_ms])

    def test_two_holders_without_a_cut_count_from_the_second(self):
        c = settled()
        c.feed(1000 * MS, "vip_add", "h2", VIP)
        c.feed((1000 + DUAL_MS + 1) * MS, "vip_del", "h1", VIP)
        self.assertEqual(kinds(c), ["dual"])
        self.assertIn("h1, h2", c.violations[0]["text"])

    def test_an_address_left_by_a_killed_daemon_counts_from_its_restart(self):
        for after_ms, expected in ((DUAL_MS - 1, []), (DUAL_MS + 1, ["dual"])):
            c = settled()
            c.feed(1000 * MS, "kill", "h1")  # h1's VIP stays on eth0
            c.feed(1300 * MS, "vip_add", "h2", VIP)
            c.feed(4000 * MS, "start", "h1")
            c.feed(4200 * MS, "ready", "h1")  # a slow start-up is not VRRP's
            c.feed((4200 + after_ms) * MS, "vip_del", "h1", VIP)
            self.assertEqual(kinds(c), expected, after_ms)
            self.assertEqual(c.summary()["dual_after_start"]["n"], 1)
            self.assertEqual(c.summary()["vip_left_by_kill"]["samples_ms"], [3200 + after_ms])


class OtherChecksTest(unittest.TestCase):
    def test_a_graceful_stop_must_remove_the_vip(self):
        for removed, expected in ((True, []), (False, ["vip-left-after-stop"])):
            c = settled()
            c.feed(1000 * MS, "term", "h1")
            if removed:
                c.feed(1001 * MS, "vip_del", "h1", VIP)
            c.feed(1002 * MS, "stopped", "h1")
            c.feed(1070 * MS, "vip_add", "h2", VIP)
            self.assertEqual(kinds(c), expected)

    def test_a_start_must_get_ready(self):
        for ready, expected in ((True, []), (False, ["start"])):
            c = settled()
            c.feed(1000 * MS, "kill", "h3")
            c.feed(2000 * MS, "start", "h3")
            if ready:
                c.feed(6900 * MS, "ready", "h3")
            c.tick(7100 * MS)
            self.assertEqual(kinds(c), expected)

    def test_a_vigild_stopped_before_it_was_ready_leaves_a_killed_runs_vip_alone(self):
        for ready, expected in ((False, []), (True, ["vip-left-after-stop"])):
            c = settled()
            c.feed(1000 * MS, "kill", "h1")  # h1's VIP stays on eth0
            c.feed(1300 * MS, "vip_add", "h2", VIP)
            c.feed(2000 * MS, "start", "h1")
            if ready:
                c.feed(2090 * MS, "ready", "h1")
            c.feed(2100 * MS, "term", "h1")
            c.feed(2120 * MS, "stopped", "h1")
            self.assertEqual(kinds(c), expected)

    def test_a_crash_is_a_violation(self):
        c = settled()
        c.feed(1000 * MS, "crash", "h3", "pid 42 found gone")
        self.assertEqual(kinds(c), ["crash"])

    def test_the_end_wants_h1_alone_and_everyone_healthy(self):
        c = settled()
        c.feed(2000 * MS, "end", "-")
        self.assertEqual(kinds(c), [])
        c = settled()
        c.feed(1000 * MS, "nginx_stop", "h3")
        c.feed(2000 * MS, "end", "-")
        self.assertEqual(kinds(c), ["final-state"])

    def test_events_must_come_in_time_order(self):
        c = settled()
        with self.assertRaises(ValueError):
            c.feed(5 * MS, "kill", "h1")


class PlanTest(unittest.TestCase):
    def test_the_plan_is_reproducible_and_keeps_a_host_healthy(self):
        hosts = ["h1", "h2", "h3"]
        steps = plan(7, 600, hosts)
        self.assertEqual(steps, plan(7, 600, hosts))
        self.assertNotEqual(steps, plan(8, 600, hosts))
        faulty = {}
        undo = set(FAULTS.values())
        for t_ms, action, h in steps:
            if action in undo:
                self.assertEqual(FAULTS[faulty.pop(h)], action)
            else:
                self.assertNotIn(h, faulty, f"two faults at once on {h} at {t_ms} ms")
                faulty[h] = action
                self.assertLess(len(faulty), len(hosts), f"every host faulty at {t_ms} ms")
        self.assertEqual(faulty, {}, "every fault is undone")
        self.assertEqual({a for _, a, _ in steps}, set(FAULTS) | undo)


if __name__ == "__main__":
    unittest.main()
