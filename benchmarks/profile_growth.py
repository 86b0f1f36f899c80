"""Which functions of resolution grow faster than the corpus: two py-spy profiles side by side.

Why: `bench_memory.py --steps` times a fixed list of steps, so a cost that grows inside an untimed
call (a conversion, a memo that overflows) stays hidden in its parent. A sampling profile of the
same run at two sizes shows every function's seconds and their ratio. py-spy is not a project
dependency (a diagnostic only): `pip install py-spy==0.4.3` into the venv. Record each size with

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/py-spy record --subprocesses --rate 20 --format raw \
        -o prof-N.txt -- prlimit --as=23000000000 -- .venv/bin/python benchmarks/bench_memory.py \
        --papers N --no-tag --no-snapshot --steps

or, resolution alone without the rest of the build (`resolve_steps.py`, faster; session 42 used it):

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/py-spy record --subprocesses --rate 20 --format raw \
        -o prof-N.txt -- prlimit --as=23000000000 -- .venv/bin/python benchmarks/resolve_steps.py --papers N

then compare (seconds = samples / rate; only samples inside identity resolution's `resolve` count):

    .venv/bin/python benchmarks/profile_growth.py prof-250000.txt prof-1000000.txt
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

INSIDE = "resolve (ingest/identity/resolver.py)"
SKIPPED = ("process ", "bench_memory.py", "wrapper (", "<module>")


def _function(frame: str) -> str:
    """A py-spy frame without its line number: `name (file:line)` -> `name (file)`."""
    return re.sub(r":\d+\)$", ")", frame)


def seconds_by_function(path: Path, rate: int) -> tuple[Counter[str], Counter[str]]:
    """(inclusive, self) seconds of every function on a stack that passes through `INSIDE`."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [_function(frame) for frame in stack.split(";")]
        if INSIDE not in frames:
            continue
        for frame in set(frames):
            inclusive[frame] += int(count) / rate
        own[frames[-1]] += int(count) / rate
    return inclusive, own


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("small", type=Path, help="py-spy raw profile of the smaller corpus")
    parser.add_argument("large", type=Path, help="py-spy raw profile of the larger corpus")
    parser.add_argument("--rate", type=int, default=20, help="py-spy's --rate (samples per second)")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    small, small_own = seconds_by_function(args.small, args.rate)
    large, large_own = seconds_by_function(args.large, args.rate)
    for title, a, b in (("inclusive", small, large), ("self", small_own, large_own)):
        print(f"\n{title} seconds: small, large, ratio")
        for name, value in b.most_common(args.top):
            if not any(part in name for part in SKIPPED):
                print(f"{a[name]:9.1f} {value:9.1f} {value / a[name] if a[name] else float('inf'):7.2f}  {name[:110]}")


if __name__ == "__main__":
    main()
