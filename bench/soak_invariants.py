# SPDX-License-Identifier: Apache-2.0
"""bench/soak's invariants, as pure logic: events in (time-ordered), episodes and
violations out. No I/O here; bench/soak_checker.py feeds it from the address
monitors and the chaos log, and tests/bench/soak_invariants_test.py from lists.

An event is (t_us, kind, host, arg):
  vip_add / vip_del   the VIP `arg` appeared on / left host's eth0 (ip monitor)
  nginx_up            host's nginx answers 200 (after a start)
  start               host's vigild was launched (stamped before the exec)
  ready               host's vigild has started its instance (its log's
                      `INIT -> ...` line, ms stamps: at most 1 ms early)
  kill / term         SIGKILL / SIGTERM sent to host's vigild (stamped before)
  stopped             host's vigild is gone after a SIGTERM
  crash               host's vigild was found dead without having been signalled
  cut / heal          host's bridge port set down (stamped before) / up
                      (stamped when the command is done: see below)
  partition / rejoin  host's bridge port set to STP state disabled / forwarding
                      (stamped as cut / heal): the host's own link stays up, it
                      just hears nobody and nobody hears it
  nginx_stop          SIGTERM sent to host's nginx master (stamped before)
  end                 the run is over: close what is open, check the final state

A host is linked except between cut and heal or partition and rejoin. A host
is healthy while its vigild runs (from `ready` to `kill`, `term` or
`crash`: the time a process takes to load and read its config, up to hundreds
of ms on a loaded machine, is the machine's, not VRRP's; it is reported as
start-up latency, and a start that is not ready within START_LIMIT_US is a
violation), it is linked and its nginx is up
(from `nginx_up` to `nginx_stop`). A host holds a VIP when the VIP is on its
eth0, its vigild runs and it is linked: an address left behind by a killed
daemon answers nobody's VRRP, and a partitioned host is alone by design.

Invariants, per VIP:
  (a) dual: two or more holders for longer than `dual_limit_us`. The clock starts
      when the second holder appeared, which after a partition is the heal (the
      healed host becomes a holder at its `heal`) and after a restart the
      `ready` (an address left by the killed run counts from the new daemon's
      start).
  (b) gap: no holder for longer than `gap_limit_us` while some host is healthy.
      The clock starts when the last holder stopped holding or when a host became
      healthy while there was no holder, whichever is later; it stops when a
      holder appears (or no host is healthy any more; the time until then still
      counts).
  (c) a vigild that stopped gracefully left a VIP behind (at `stopped`), unless
      it was stopped before it was ready (a VIP a killed run left is then still
      there, untouched, and counted as left by the kill).
  (d) a crash (`crash` event), or a start not ready within START_LIMIT_US.
  (e) at `end`, every host is healthy again and exactly `final_holder` holds
      each VIP.
Times stamped before an action make the checks stricter: a `cut`, `partition`
or `kill` starts a gap a little early. `heal` and `rejoin` are stamped when the
command that sets the port is done (its netlink request acknowledged, so the
port forwards), not before it: on a loaded machine the fork and exec of `ip`
take milliseconds, which would count against a 100 ms dual-holder limit; what
is left is the command's exit, well under a millisecond.
"""

import math

ACTIONS = {"start", "kill", "term", "cut", "heal", "partition", "rejoin", "nginx_stop", "nginx_up", "crash",
           "stopped", "ready"}
START_LIMIT_US = 5_000_000


def nearest_rank(xs, p):
    if not xs:
        return None
    s = sorted(xs)
    return s[max(1, math.ceil(p / 100 * len(s))) - 1]


class Host:
    def __init__(self):
        self.running = False
        self.linked = True
        self.nginx = False
        self.vips = set()
        self.launched_us = None  # a start not ready yet
        self.stale_since_us = None  # a VIP left on eth0 by a killed vigild
        self.stopped_while_running = False  # the last SIGTERM reached a vigild that was ready

    def healthy(self):
        return self.running and self.linked and self.nginx

    def holds(self, vip):
        return self.running and self.linked and vip in self.vips


class Episode:
    """One dual-holder or no-holder period of one VIP."""

    def __init__(self, kind, vip, start_us, cause, holders):
        self.kind, self.vip, self.start_us, self.cause = kind, vip, start_us, cause
        self.holders = holders
        self.end_us = None
        self.end_cause = None
        self.flagged = False

    def duration_us(self, now_us=None):
        return (self.end_us if self.end_us is not None else now_us) - self.start_us

    def as_dict(self, t0_us):
        return dict(kind=self.kind, vip=self.vip, start_s=round((self.start_us - t0_us) / 1e6, 6),
                    ms=round(self.duration_us() / 1000, 3), cause=self.cause, holders=self.holders,
                    ended_by=self.end_cause)


class Checker:
    def __init__(self, hosts, vips, dual_limit_us, gap_limit_us, final_holder):
        self.hosts = {h: Host() for h in hosts}
        self.vips = list(vips)
        self.dual_limit_us = dual_limit_us
        self.gap_limit_us = gap_limit_us
        self.final_holder = final_holder
        self.open = {}  # (kind, vip) -> Episode
        self.episodes = []  # closed
        self.violations = []
        self.actions = {}
        self.vip_changes = {}  # host -> {"add": n, "del": n}
        self.startup_ms = []
        self.stale_ms = []  # from a SIGKILL to the removal of the VIP it left
        self.t0_us = None
        self.last_us = None
        self.ended = False

    # --- derived state ---------------------------------------------------------
    def holders(self, vip):
        return sorted(h for h, s in self.hosts.items() if s.holds(vip))

    def some_healthy(self):
        return any(s.healthy() for s in self.hosts.values())

    def rel_s(self, t_us):
        return round((t_us - self.t0_us) / 1e6, 3)

    # --- input -------------------------------------------------------------------
    def feed(self, t_us, kind, host, arg=""):
        if self.t0_us is None:
            self.t0_us = t_us
        if self.last_us is not None and t_us < self.last_us:
            raise ValueError(f"events out of order: {kind} {host} at {t_us} after {self.last_us}")
        self.tick(t_us)
        self.last_us = t_us
        s = self.hosts.get(host)
        if kind in ACTIONS:
            self.actions[kind] = self.actions.get(kind, 0) + 1
        if kind == "vip_add":
            s.vips.add(arg)
            self.vip_changes.setdefault(host, {"add": 0, "del": 0})["add"] += 1
        elif kind == "vip_del":
            s.vips.discard(arg)
            if s.stale_since_us is not None and not s.vips:
                self.stale_ms.append(round((t_us - s.stale_since_us) / 1000, 3))
                s.stale_since_us = None
            self.vip_changes.setdefault(host, {"add": 0, "del": 0})["del"] += 1
        elif kind == "start":
            s.launched_us = t_us
        elif kind == "ready":
            if s.launched_us is not None:
                self.startup_ms.append(round((t_us - s.launched_us) / 1000, 3))
            s.launched_us = None
            s.running = True
        elif kind in ("kill", "term"):
            s.stopped_while_running = s.running
            s.running = False
            s.launched_us = None
            if kind == "kill" and s.vips:
                s.stale_since_us = t_us
        elif kind == "crash":
            s.running = False
            s.launched_us = None
            self.violate(t_us, "crash", f"{host}'s vigild died without a signal from the chaos loop ({arg})")
        elif kind == "stopped":
            # A vigild stopped before its instance started has touched no
            # address: what a killed run left is still there, and still stale.
            left = sorted(s.vips)
            if left and not s.stopped_while_running and s.stale_since_us is None:
                s.stale_since_us = t_us
            if left and s.stopped_while_running:
                self.violate(t_us, "vip-left-after-stop", f"{host}'s vigild stopped gracefully and left {', '.join(left)}")
        elif kind in ("cut", "partition"):
            s.linked = False
        elif kind in ("heal", "rejoin"):
            s.linked = True
        elif kind == "nginx_stop":
            s.nginx = False
        elif kind == "nginx_up":
            s.nginx = True
        elif kind == "end":
            pass
        else:
            raise ValueError(f"unknown event {kind}")
        cause = f"{kind} {host}" + (f" {arg}" if arg and kind not in ("vip_add", "vip_del") else "")
        self.update(t_us, cause)
        if kind == "end":
            self.finish(t_us)

    def tick(self, now_us):
        """Flags open episodes that have passed their limit by now_us (so that a
        violation is reported while it lasts, not only when it ends)."""
        for h, s in self.hosts.items():
            if s.launched_us is not None and now_us - s.launched_us > START_LIMIT_US:
                self.violate(now_us, "start", f"{h}'s vigild not ready {START_LIMIT_US / 1e6:g} s after its start")
                s.launched_us = None
        for ep in self.open.values():
            limit = self.dual_limit_us if ep.kind == "dual" else self.gap_limit_us
            if not ep.flagged and now_us - ep.start_us > limit:
                ep.flagged = True
                self.violate(now_us, ep.kind, self.describe(ep, now_us, ongoing=True), episode=ep)

    # --- episodes ----------------------------------------------------------------
    def update(self, t_us, cause):
        healthy = self.some_healthy()
        for vip in self.vips:
            holders = self.holders(vip)
            self.set_open("dual", vip, len(holders) >= 2, t_us, cause, holders)
            self.set_open("gap", vip, not holders and healthy, t_us, cause, holders)

    def set_open(self, kind, vip, active, t_us, cause, holders):
        key = (kind, vip)
        ep = self.open.get(key)
        if active and ep is None:
            self.open[key] = Episode(kind, vip, t_us, cause, holders)
        elif active and kind == "dual":
            ep.holders = sorted(set(ep.holders) | set(holders))
        elif not active and ep is not None:
            ep.end_us, ep.end_cause = t_us, cause
            del self.open[key]
            self.episodes.append(ep)
            limit = self.dual_limit_us if kind == "dual" else self.gap_limit_us
            if ep.duration_us() > limit and not ep.flagged:
                ep.flagged = True
                self.violate(t_us, kind, self.describe(ep, t_us), episode=ep)

    def describe(self, ep, now_us, ongoing=False):
        ms = ep.duration_us(now_us) / 1000
        what = (f"{ep.vip} held by {', '.join(ep.holders)}" if ep.kind == "dual"
                else f"{ep.vip} held by nobody while a host is healthy")
        limit = (self.dual_limit_us if ep.kind == "dual" else self.gap_limit_us) / 1000
        tail = "and counting" if ongoing else f"ended by {ep.end_cause}"
        return f"{what} for {ms:.1f} ms > {limit:.1f} ms (from {self.rel_s(ep.start_us)} s, after {ep.cause}; {tail})"

    def violate(self, t_us, kind, text, episode=None):
        self.violations.append(dict(t_s=self.rel_s(t_us), epoch_us=t_us, kind=kind, text=text,
                                    hosts={h: dict(running=s.running, linked=s.linked, nginx=s.nginx,
                                                   vips=sorted(s.vips)) for h, s in self.hosts.items()},
                                    episode=episode))

    def finish(self, t_us):
        for ep in list(self.open.values()):
            ep.end_us, ep.end_cause = t_us, "end"
            self.episodes.append(ep)
            limit = self.dual_limit_us if ep.kind == "dual" else self.gap_limit_us
            if ep.duration_us() > limit and not ep.flagged:
                ep.flagged = True
                self.violate(t_us, ep.kind, self.describe(ep, t_us), episode=ep)
        self.open.clear()
        unhealthy = sorted(h for h, s in self.hosts.items() if not s.healthy())
        if unhealthy:
            self.violate(t_us, "final-state", f"at the end, not healthy: {', '.join(unhealthy)}")
        for vip in self.vips:
            holders = self.holders(vip)
            if holders != [self.final_holder]:
                self.violate(t_us, "final-state",
                             f"at the end, {vip} held by {', '.join(holders) or 'nobody'}, not {self.final_holder} alone")
        self.ended = True

    # --- results -----------------------------------------------------------------
    def summary(self):
        def stats(eps):
            ms = [round(e.duration_us() / 1000, 3) for e in eps]
            return dict(n=len(ms), max=max(ms) if ms else None, p95=nearest_rank(ms, 95),
                        p50=nearest_rank(ms, 50), samples_ms=ms)
        duals = [e for e in self.episodes if e.kind == "dual"]
        gaps = [e for e in self.episodes if e.kind == "gap"]
        violations = []
        for v in self.violations:
            v = dict(v)
            if v["episode"] is not None:
                v["episode"] = v["episode"].as_dict(self.t0_us)
            violations.append(v)
        return dict(
            limits_ms=dict(dual=self.dual_limit_us / 1000, gap=self.gap_limit_us / 1000),
            actions=dict(sorted(self.actions.items())),
            vip_changes=self.vip_changes,
            dual=stats(duals),
            dual_after_heal=stats([e for e in duals if e.cause.startswith("heal")]),
            dual_after_rejoin=stats([e for e in duals if e.cause.startswith("rejoin")]),
            dual_after_start=stats([e for e in duals if e.cause.startswith("ready")]),
            gap=stats(gaps),
            vip_left_by_kill=dict(n=len(self.stale_ms), p50=nearest_rank(self.stale_ms, 50),
                                  max=max(self.stale_ms) if self.stale_ms else None, samples_ms=self.stale_ms),
            startup=dict(n=len(self.startup_ms), p50=nearest_rank(self.startup_ms, 50),
                         p95=nearest_rank(self.startup_ms, 95),
                         max=max(self.startup_ms) if self.startup_ms else None, samples_ms=self.startup_ms),
            episodes=[e.as_dict(self.t0_us) for e in sorted(self.episodes, key=lambda e: e.start_us)],
            violations=violations,
        )
