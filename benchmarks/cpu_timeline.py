"""Busy cores of a command's process tree, every half second: where a build leaves a core idle.

Why: a cold build runs in several processes (tagging worker, pair-scoring and clustering
children, cache writers, the FalkorDB server); stage timings say how long each step took but
not whether the second core had work meanwhile. This samples /proc (Linux) and prints, per
interval, the cores the tree kept busy and its busiest processes (pid: share of one core).

    .venv/bin/python benchmarks/cpu_timeline.py -- .venv/bin/python -m atlas_cli build --quiet
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")
INTERVAL = 0.5


def _processes() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds so far) of every process readable in /proc."""
    found: dict[int, tuple[int, float]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        found[int(name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS)
    return found


def _tree(root: int, processes: dict[int, tuple[int, float]]) -> dict[int, float]:
    members, grew = {root}, True
    while grew:
        grew = False
        for pid, (parent, _cpu) in processes.items():
            if parent in members and pid not in members:
                members.add(pid)
                grew = True
    return {pid: processes[pid][1] for pid in members if pid in processes}


def main() -> None:
    command = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    if not command:
        raise SystemExit(__doc__)
    child = subprocess.Popen(command, stdout=sys.stderr)  # the timeline alone on stdout
    seen: dict[int, float] = {}
    start = time.perf_counter()
    while child.poll() is None:
        time.sleep(INTERVAL)
        now = _tree(child.pid, _processes())
        shares = {pid: (cpu - seen.get(pid, 0.0)) / INTERVAL for pid, cpu in now.items()}
        seen.update(now)
        busiest = sorted(((share, pid) for pid, share in shares.items() if share > 0.04), reverse=True)[:4]
        print(f"{time.perf_counter() - start:6.1f} s  busy {sum(shares.values()):4.2f}  "
              + "  ".join(f"{pid}:{share:.2f}" for share, pid in busiest), flush=True)
    raise SystemExit(child.returncode)


if __name__ == "__main__":
    main()
