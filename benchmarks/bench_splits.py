"""The review queue's possible splits alone: the co-author key index against the pairwise loop it replaced.

Why: `resolver._Run.possible_splits` compared every prolific profile of a name group with every later profile
(a set intersection per pair), quadratic in the group; the groups grow with the corpus ('Wei Wang' of every
lab). This resolves once (the snapshot, or N synthetic papers as `bench_memory.py` makes them) up to the
people, then runs `possible_splits` with the index and with the pairwise loop (`_later_sharers` replaced by
the intersection of each later profile, `_holders` by nothing), alternating, in CPU seconds of this process.
The items both give must be equal in every round.

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_splits.py [--papers N] [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import statistics
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.records import Paper  # noqa: E402
from ingest.identity import resolver  # noqa: E402
from ingest.identity.mentions import mentions_from_papers  # noqa: E402
from ingest.identity.model import default_model  # noqa: E402


def _pairwise_sharers(k: int, big: int, labels: list[int], counts: Mapping[int, set[int]],
                      _holders: Mapping[int, list[int]]) -> list[int]:
    return [other for other in labels[k + 1:] if counts[big] & counts[other]]


@contextlib.contextmanager
def pairwise() -> Iterator[None]:
    """`possible_splits` as it was before the index: every later profile of the group intersected."""
    holders, sharers = resolver._holders, resolver._later_sharers
    resolver._holders, resolver._later_sharers = lambda _labels, _counts: {}, _pairwise_sharers
    try:
        yield
    finally:
        resolver._holders, resolver._later_sharers = holders, sharers


def resolved_run(papers: list[Paper]) -> tuple[resolver._Run, list[str], float]:
    """A resolution of `papers` up to its people (the steps `run_resolution` takes before the review items)."""
    start = time.process_time()
    run = resolver._Run(list(mentions_from_papers(papers)), default_model(), ())
    run.clean_all()
    run.link_strong_ids()
    run.cluster_blocks()
    run.after_clustering()
    _people, person_ids, _confidences = run.people()
    return run, person_ids, time.process_time() - start


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
    gc.disable()  # as during a build
    run, person_ids, resolve_cpu = resolved_run(papers)
    print(f"{len(run.mentions):,} mentions resolved to {len(set(person_ids)):,} people in {resolve_cpu:.1f} s CPU",
          flush=True)
    seconds: dict[str, list[float]] = {"index": [], "pairwise": []}
    reference = None
    for round_ in range(args.rounds):
        for name in ("index", "pairwise") if round_ % 2 == 0 else ("pairwise", "index"):
            with pairwise() if name == "pairwise" else contextlib.nullcontext():
                start = time.process_time()
                items = run.possible_splits(person_ids)
                seconds[name].append(time.process_time() - start)
            if reference is None:
                reference = items
            elif items != reference:
                raise SystemExit(f"round {round_ + 1}: {name} gave other items than the first run")
            print(f"round {round_ + 1} {name:<9}{seconds[name][-1]:8.2f} s CPU, {len(items):,} items", flush=True)
    index, pairs = statistics.median(seconds["index"]), statistics.median(seconds["pairwise"])
    print(f"median: index {index:.2f} s, pairwise {pairs:.2f} s: {index / pairs:.2f}x")


if __name__ == "__main__":
    main()
