"""What sparse name blocks cost in quality and buy in pairs, on synthetic papers whose true people are known.

Why: `ingest/identity/sparse_groups.py` splits name blocks past `MAX_BLOCK_PAIRS` candidate pairs and
resolves given names past `SPARSE_GROUP_MENTIONS` mentions from their evidence pairs only. The bundled
snapshot never reaches those limits, so no labelled set of this project can say what they cost; the
synthetic generator can (`benchmarks/synth.py` knows who wrote each paper; `bench_memory.synthetic_records`
re-draws the names from NeurIPS 2024 frequencies, as the memory benchmark resolves them). Each size is
resolved twice in this process, limits on and off (the baseline of the same run), and scored with B3
against the generator's authors, overall and on the mentions of names printed more than 300 times.

    PYTHONPATH=. .venv/bin/python benchmarks/sparse_groups_quality.py --papers 100000 250000
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_memory  # noqa: E402
from benchmarks.synth import SynthGenerator  # noqa: E402
from graph.records import Paper  # noqa: E402
from ingest.identity import evaluate, pairs, resolver, sparse_groups  # noqa: E402
from ingest.identity.mentions import mentions_from_papers  # noqa: E402

LARGE_NAME = 300  # mentions of one printed name from which it counts as a large name in the report


def labelled_mentions(n_papers: int) -> tuple[list, list[str]]:
    """The synthetic corpus's mentions and each one's true author (the generator's id)."""
    truth_of: dict[tuple[str, int], str] = {}
    generate = SynthGenerator.papers

    def keeping_truth(self: SynthGenerator) -> Iterator[Paper]:
        for paper in generate(self):
            for authorship in paper.authorships:
                truth_of[(paper.id, authorship.position)] = authorship.author_id
            yield paper

    SynthGenerator.papers = keeping_truth  # type: ignore[method-assign]
    try:
        papers = [p for p in bench_memory.synthetic_records(n_papers) if isinstance(p, Paper)]
    finally:
        SynthGenerator.papers = generate  # type: ignore[method-assign]
    mentions = list(mentions_from_papers(papers))
    truth = [truth_of[(m.paper_id, m.authorship.position)] for m in mentions]
    return mentions, truth


def resolved(mentions: list, sparse: bool) -> tuple[list[str], int, float]:
    """(person id per mention, candidate pairs enumerated, CPU seconds) with the limits on or off."""
    limits = (sparse_groups.MAX_BLOCK_PAIRS, sparse_groups.SPARSE_GROUP_MENTIONS)
    if not sparse:
        sparse_groups.MAX_BLOCK_PAIRS = sys.maxsize
    enumerated = [0]
    enumerate_pairs = pairs._enumerated

    def counted(*args: Any, **kwargs: Any) -> Iterator[tuple]:
        for item in enumerate_pairs(*args, **kwargs):
            enumerated[0] += len(item[1])
            yield item

    pairs._enumerated = counted
    try:
        start = time.process_time()
        resolution = resolver.resolve(mentions)
        return resolution.person_ids, enumerated[0], time.process_time() - start
    finally:
        pairs._enumerated = enumerate_pairs
        sparse_groups.MAX_BLOCK_PAIRS, sparse_groups.SPARSE_GROUP_MENTIONS = limits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, nargs="+", default=[100_000])
    args = parser.parse_args()
    print("| synthetic papers | limits | candidate pairs | resolve CPU | B3 P / R / F1, all | "
          f"B3 P / R / F1, names over {LARGE_NAME} mentions |")
    print("|---|---|---:|---:|---|---|")
    for n_papers in args.papers:
        mentions, truth = labelled_mentions(n_papers)
        by_name: dict[str, list[int]] = defaultdict(list)
        for i, mention in enumerate(mentions):
            by_name[mention.name].append(i)
        large = [i for members in by_name.values() if len(members) > LARGE_NAME for i in members]
        for sparse in (False, True):
            person_ids, enumerated, cpu = resolved(mentions, sparse)
            every = evaluate.score(person_ids, truth)
            some = evaluate.score([person_ids[i] for i in large], [truth[i] for i in large])
            print(f"| {n_papers:,} ({len(mentions):,} mentions) | {'on' if sparse else 'off'} | {enumerated:,} | "
                  f"{cpu:.0f} s | {every.b3_precision:.4f} / {every.b3_recall:.4f} / {every.b3_f1:.4f} | "
                  f"{some.b3_precision:.4f} / {some.b3_recall:.4f} / {some.b3_f1:.4f} ({len(large):,}) |",
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
