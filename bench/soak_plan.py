#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""bench/soak's chaos plan: from a seed, the list of actions and when to take
them, so that a run can be repeated (the same actions at the same planned times;
the daemons' own timing still differs). Pure: prints the plan, touches nothing.

    soak_plan.py SEED DURATION_S HOSTS...

One line per action, in time order: `T_MS ACTION HOST`. Faults: `kill` (SIGKILL
vigild, `restart` later), `term` (SIGTERM vigild, `restart` later), `cut` (bridge
port down, `heal` later), `partition` (bridge port disabled, `rejoin` later),
`nginx_stop` (`nginx_start` later). A host has at most one fault at a time, and a fault is only planned when another host stays
healthy, so some host is always healthy (the "no holder" invariant always
applies). Faults start for DURATION_S; every fault is undone, the last ones
after DURATION_S.
"""

import random
import sys

FAULTS = {"kill": "restart", "term": "restart", "cut": "heal", "partition": "rejoin", "nginx_stop": "nginx_start"}
# Seconds between two faults, and from a fault to its undoing: short enough
# that a restart sometimes beats the backup's master down interval (0.36 s at
# advert_int 0.1 s), long enough that most failovers complete.
NEXT_FAULT_S = (0.3, 3.0)
UNDO_AFTER_S = (0.2, 5.0)


def plan(seed, duration_s, hosts):
    rng = random.Random(seed)
    undo = {}  # host -> (t_ms, action)
    steps = []
    t = rng.uniform(*NEXT_FAULT_S)
    while t < duration_s:
        t_ms = round(t * 1000)
        for h, (u_ms, action) in sorted(undo.items(), key=lambda x: x[1][0]):
            if u_ms <= t_ms:
                steps.append((u_ms, action, h))
                del undo[h]
        idle = [h for h in hosts if h not in undo]
        if len(idle) >= 2:  # one stays healthy
            h = rng.choice(idle)
            fault = rng.choice(sorted(FAULTS))
            steps.append((t_ms, fault, h))
            undo[h] = (t_ms + round(rng.uniform(*UNDO_AFTER_S) * 1000), FAULTS[fault])
        t += rng.uniform(*NEXT_FAULT_S)
    for h, (u_ms, action) in sorted(undo.items(), key=lambda x: x[1][0]):
        steps.append((u_ms, action, h))
    return sorted(steps, key=lambda s: s[0])


def main():
    seed, duration_s, hosts = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
    for t_ms, action, h in plan(seed, duration_s, hosts):
        print(t_ms, action, h)


if __name__ == "__main__":
    main()
