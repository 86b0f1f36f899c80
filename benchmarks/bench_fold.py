"""Speed of the one text fold (graph.ids.fold, anyascii) against the fold of id scheme 1.

Baseline measured in the same run: `graph._legacy_fold.legacy_fold` (NFKD + ASCII encode)
on the same strings. Reports the ratio for every printed author name, every name token
(what `parse_name` folds) and every title of the bundled snapshot, uncached and through
the lru_cache `ingest.identity.names.fold` adds (names repeat across papers, titles rarely).

    .venv/bin/python benchmarks/bench_fold.py [--reps 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph._legacy_fold import legacy_fold  # noqa: E402
from graph.config import PROJECT_ROOT  # noqa: E402
from graph.ids import fold  # noqa: E402
from ingest.snapshot import read_snapshot  # noqa: E402


def best_of(function: Callable[[str], str], items: list[str], reps: int) -> float:
    best = float("inf")
    for _ in range(reps):
        started = time.perf_counter()
        for item in items:
            function(item)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    papers = read_snapshot(PROJECT_ROOT / "data" / "snapshot").papers
    names = [a.name for p in papers for a in p.authorships]
    sets = {"author names": names, "name tokens": [t for n in names for t in n.split()],
            "titles": [p.title for p in papers]}
    print(f"{'strings':14s} {'n':>8s} {'legacy s':>9s} {'fold s':>8s} {'ratio':>6s} {'cached s':>9s} {'ratio':>6s}")
    for label, items in sets.items():
        base = best_of(legacy_fold, items, args.reps)
        new = best_of(fold, items, args.reps)
        cached = best_of(lru_cache(maxsize=1_000_000)(fold), items, args.reps)  # warm after the first rep
        print(f"{label:14s} {len(items):>8,} {base:>9.3f} {new:>8.3f} {new / base:>6.2f} {cached:>9.3f} "
              f"{cached / base:>6.2f}")


if __name__ == "__main__":
    main()
