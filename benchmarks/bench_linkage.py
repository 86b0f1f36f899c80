"""Average-linkage agglomeration alone: the loop in use against the one it replaced, on the same blocks.

Why: `resolve_steps.py` times `_agglomerate` inside a whole resolution, where the neighbours' load moves
it by tens of percent. This resolves once (the snapshot, or N synthetic papers as `bench_memory.py` makes
them), keeps the inputs of every `average_linkage` call of more than one link (the blocks, their links,
and the answers the resolver's merge and conflict callbacks gave), then replays them through
`cluster.average_linkage` and `benchmarks/linkage_reference.every_link_in_a_heap` (the loop until
session 59), alternating, in CPU seconds of this process. The records both give must be equal; the
recorded answers serve both, so a call one loop makes and the other does not fails the run.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_linkage.py [--papers N] [--rounds 3]
"""

from __future__ import annotations

import argparse
import copy
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.linkage_reference import every_link_in_a_heap  # noqa: E402
from graph.records import Paper  # noqa: E402
from ingest import identity  # noqa: E402
from ingest.identity import cluster, resolver  # noqa: E402

Call = tuple[dict, dict, list, float, float, list | None, float, float | None]


def captured_calls(papers: list[Paper]) -> list[Call]:
    """Every `average_linkage` call of a resolution of `papers` with more than one link, with its answers."""
    calls: list[Call] = []
    real = resolver.average_linkage

    def recording(members: dict, pair_links: dict, merge: Callable, threshold: float, review_floor: float,
                  conflicting: Callable | None = None, single_weight: float = 0.0,
                  impute: float | None = None) -> list[cluster.MergeRecord]:
        if len(pair_links) < 2:
            return real(members, pair_links, merge, threshold, review_floor, conflicting, single_weight, impute)
        merges: list[tuple[tuple[int, int, int], Any]] = []
        conflicts: list[tuple[tuple[int, int], bool]] | None = None if conflicting is None else []
        calls.append((copy.deepcopy(members), dict(pair_links), merges, threshold, review_floor, conflicts,
                      single_weight, impute))

        def merge_recorded(a: int, b: int, best_pair: int) -> list[str] | None:
            answer = merge(a, b, best_pair)
            merges.append(((a, b, best_pair), answer))
            return answer

        def conflicting_recorded(x: int, y: int) -> bool:
            assert conflicting is not None and conflicts is not None
            answer = conflicting(x, y)  # the union-find's answer may change as the block merges: kept in order
            conflicts.append(((x, y), answer))
            return answer

        return real(members, pair_links, merge_recorded, threshold, review_floor,
                    None if conflicting is None else conflicting_recorded, single_weight, impute)

    resolver.average_linkage = recording
    try:
        with tempfile.TemporaryDirectory() as tmp:
            identity.resolve_authors(papers, quarantine=[], data_dir=Path(tmp), workers=1)
    finally:
        resolver.average_linkage = real
    return calls


def _merge_answer(merges: Iterator[tuple[tuple[int, int, int], Any]], a: int, b: int, best_pair: int
                  ) -> list[str] | None:
    asked, answer = next(merges)
    if asked != (a, b, best_pair):
        raise SystemExit(f"merge asked for {(a, b, best_pair)}, recorded {asked}")
    return None if answer is None else list(answer)


def _answer(conflicts: Iterator[tuple[tuple[int, int], bool]], x: int, y: int) -> bool:
    asked, answer = next(conflicts)
    if asked != (x, y):
        raise SystemExit(f"conflict asked for {(x, y)}, recorded {asked}")
    return answer


def replay(agglomerate: Callable[..., list[cluster.MergeRecord]], calls: list[Call]) -> tuple[float, list]:
    """CPU seconds of `agglomerate` over every call, and what it returned (as comparable tuples)."""
    results, seconds = [], 0.0
    for members, pair_links, merges, threshold, floor, conflicts, weight, impute in calls:
        block = copy.deepcopy(members)
        links = dict(pair_links)
        conflicting = None if conflicts is None else partial(_answer, iter(conflicts))
        start = time.process_time()
        records = agglomerate(block, links, partial(_merge_answer, iter(merges)), threshold, floor, conflicting, weight,
                              impute)
        seconds += time.process_time() - start
        results.append([(r.left, r.right, r.linkage, r.merged, r.reasons, r.best_pair) for r in records])
    return seconds, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, help="resolve this many synthetic papers instead of the snapshot")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.papers:
        from benchmarks.bench_memory import synthetic_records
        papers = [p for p in synthetic_records(args.papers) if isinstance(p, Paper)]
    else:
        from benchmarks.resolve_steps import merged_papers
        papers = merged_papers()
    calls = captured_calls(papers)
    print(f"{len(calls):,} blocks of more than one link, {sum(len(c[1]) for c in calls):,} links, "
          f"largest {max(len(c[1]) for c in calls):,}", flush=True)
    gc.disable()  # as during a build
    times: dict[str, list[float]] = {"one key per cluster (in use)": [], "every link (until session 59)": []}
    for _round in range(args.rounds):
        new_seconds, new_records = replay(cluster.average_linkage, calls)
        old_seconds, old_records = replay(every_link_in_a_heap, calls)
        if new_records != old_records:
            raise SystemExit("the two loops gave different records")
        times["one key per cluster (in use)"].append(new_seconds)
        times["every link (until session 59)"].append(old_seconds)
        gc.collect()
    baseline = statistics.median(times["every link (until session 59)"])
    print("| loop | CPU s per round | median | × baseline |\n|---|---|---:|---:|")
    for name, seconds in times.items():
        median = statistics.median(seconds)
        print(f"| {name} | {' / '.join(f'{s:.2f}' for s in seconds)} | {median:.2f} | {median / baseline:.2f} |")
    print("records identical in every round")


if __name__ == "__main__":
    main()
