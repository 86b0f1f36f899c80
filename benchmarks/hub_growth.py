"""How the busiest names' yearly output grows with a year's papers: the real snapshot against the synthetic corpora.

Why: resolution grows faster than the corpus partly through prolific clusters (average linkage
re-queues a big cluster's links after each merge; the busiest names' co-author reach grows).
The synthetic generator (`benchmarks/synth.py`) makes its hubs by preferential attachment, and
its busiest author has 945 papers at 250k papers and 3,077 at 1M. Whether a real corpus grows its
hubs that way decides whether the 250k -> 1M resolution ratio predicts real corpora or only the
generator. The snapshot cannot be resized, but its years can be read as corpora of growing size:
ICLR had 337 papers in 2018 and 3,703 in 2025. So per year: the year's papers, the printed names
in it, the busiest printed name's papers and the mean of the ten busiest, and the slope of
log(busiest) against log(papers) over the years. Printed names (folded), not people, on both
sides: names are what resolution blocks and counts co-authors by, and the snapshot has no
complete person ids (OpenReview ids cover ICLR only).

    PYTHONPATH=. OMP_NUM_THREADS=1 .venv/bin/python benchmarks/hub_growth.py --papers 57941 250000 1000000
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.ids import fold  # noqa: E402
from graph.records import Paper  # noqa: E402

Row = tuple[int, int, int, int, float]  # year, papers, distinct names, busiest name's papers, ten busiest's mean


def yearly_hubs(papers: Iterable[Paper]) -> list[Row]:
    """One row per year: a name counts once per paper (two authors printed alike on one paper are one)."""
    names_by_year: dict[int, Counter[str]] = defaultdict(Counter)
    papers_by_year: Counter[int] = Counter()
    for paper in papers:
        if not paper.year:
            continue
        papers_by_year[paper.year] += 1
        names_by_year[paper.year].update({fold(a.name) for a in paper.authorships})
    rows = []
    for year in sorted(papers_by_year):
        busiest = [count for _, count in names_by_year[year].most_common(10)]
        if not busiest:  # a year whose papers print no author has no hub (and log(0) has no slope)
            continue
        rows.append((year, papers_by_year[year], len(names_by_year[year]), busiest[0], float(np.mean(busiest))))
    return rows


def slope(rows: list[Row], column: int) -> float:
    """Least-squares slope of log(column) on log(papers of the year): 1.0 means hubs grow with the year."""
    return float(np.polyfit(np.log([r[1] for r in rows]), np.log([r[column] for r in rows]), 1)[0])


def report(label: str, rows: list[Row]) -> None:
    print(f"\n{label}")
    print(f"{'year':>6} {'papers':>8} {'names':>8} {'busiest':>8} {'top-10 mean':>12}")
    for year, papers, names, busiest, top10 in rows:
        print(f"{year:>6} {papers:>8,} {names:>8,} {busiest:>8} {top10:>12.1f}")
    print(f"slope of log(busiest) on log(papers): {slope(rows, 3):.3f}; top-10 mean: {slope(rows, 4):.3f}; "
          f"names: {slope(rows, 2):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, nargs="*", default=[], help="synthetic corpus sizes to compare")
    args = parser.parse_args()
    from ingest.identity.papers import merge_papers
    from ingest.snapshot import read_snapshot
    from tests.conftest import SNAPSHOT
    report("snapshot, as a build merges it", yearly_hubs(merge_papers(read_snapshot(SNAPSHOT).papers)))
    from benchmarks.bench_memory import synthetic_records
    for size in args.papers:
        rows = yearly_hubs(p for p in synthetic_records(size) if isinstance(p, Paper))
        report(f"synthetic, {size:,} papers (printed names as bench_memory gives them)", rows)


if __name__ == "__main__":
    main()
