"""What leaving the busiest co-author names out of the reach costs in quality and buys in CPU (synthetic papers).

Why: `pairs._GRAPH_MAX_DEGREE` stops a mention's two-hop co-author reach at names with more
co-author names than the limit. No name of the bundled snapshot passes it (the busiest has 732),
so no labelled set of this project can say what it changes; the synthetic corpora can, because
`benchmarks/synth.py` knows who wrote each paper. Each size is resolved twice in this process
(one process, `workers=1`), the limit off (the baseline of the same run) and on, and scored with B3
against the generator's authors: overall, and on the mentions with a co-author past the limit
(the only pairs whose features can move). CPU is the process's, for all of resolution and for the
second-order co-author counts (`pairs._graph_counts`) alone.

    PYTHONPATH=. OMP_NUM_THREADS=1 .venv/bin/python benchmarks/graph_degree_quality.py --papers 100000 250000
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cpu_totals import add_cpu  # noqa: E402
from benchmarks.sparse_groups_quality import labelled_mentions  # noqa: E402
from ingest.identity import evaluate, pairs, resolver  # noqa: E402
from ingest.identity.features import Corpus  # noqa: E402
from ingest.identity.names import parse_name  # noqa: E402


@contextmanager
def degree_limit(limit: int) -> Iterator[None]:
    saved = pairs._GRAPH_MAX_DEGREE
    pairs._GRAPH_MAX_DEGREE = limit
    try:
        yield
    finally:
        pairs._GRAPH_MAX_DEGREE = saved


def touched_mentions(mentions: list, limit: int) -> list[int]:
    """Mentions with a co-author name of more than `limit` co-author names (whole corpus, names parsed as printed)."""
    corpus = Corpus(mentions, [parse_name(m.name) for m in mentions])
    with degree_limit(sys.maxsize):
        first, graph = pairs._coauthor_graph(corpus, pairs._coauthor_matrix(corpus))
    busy = (np.diff(graph.indptr) > limit).astype(np.float32)
    return np.flatnonzero(first @ busy).tolist()


def resolved(mentions: list, limit: int) -> tuple[list[str], float, float]:
    """(person id per mention, resolve CPU, co-author counts CPU) with the degree limit at `limit`."""
    totals: dict[str, list[float]] = {}
    restore = add_cpu(pairs, "_graph_counts", totals)
    try:
        with degree_limit(limit):
            start = time.process_time()
            resolution = resolver.resolve(mentions)
            return resolution.person_ids, time.process_time() - start, totals["_graph_counts"][0]
    finally:
        restore()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, nargs="+", default=[100_000])
    parser.add_argument("--limit", type=int, default=pairs._GRAPH_MAX_DEGREE)
    args = parser.parse_args()
    print("| synthetic papers | limit | resolve CPU | co-author counts CPU | B3 P / R / F1, all | "
          "B3 P / R / F1, mentions with a co-author past the limit |")
    print("|---|---|---:|---:|---|---|")
    for n_papers in args.papers:
        mentions, truth = labelled_mentions(n_papers)
        touched = touched_mentions(mentions, args.limit)
        for limit in (sys.maxsize, args.limit):
            person_ids, cpu, counts_cpu = resolved(mentions, limit)
            every = evaluate.score(person_ids, truth)
            some = evaluate.score([person_ids[i] for i in touched], [truth[i] for i in touched])
            print(f"| {n_papers:,} ({len(mentions):,} mentions) | {'off' if limit == sys.maxsize else f'{limit:,}'} | "
                  f"{cpu:.0f} s | {counts_cpu:.0f} s | "
                  f"{every.b3_precision:.4f} / {every.b3_recall:.4f} / {every.b3_f1:.4f} | "
                  f"{some.b3_precision:.4f} / {some.b3_recall:.4f} / {some.b3_f1:.4f} ({len(touched):,}) |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
