"""Related papers on a built graph: the store's queries vs the in-memory index (graph/related_index.py).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_related.py --data-dir /tmp/atlas-full --papers 40

For a fixed random sample of the papers with a topic (seed 16), ranks the related papers of each twice -
from the store's queries (the baseline, measured in the same run) and from the index -
checks that both give the same ranked list with the same reasons, and prints the time
per paper of each, the ratio, and what reading the index cost (from the store, and from
the build cache file `mlsys-atlas warm` writes, when present). Citations come from the
store in both variants, as on the Paper page. Not a test; no thresholds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="a built graph (ATLAS_DATA_DIR)")
    parser.add_argument("--papers", type=int, default=40, help="papers in the sample")
    args = parser.parse_args()
    os.environ.update(ATLAS_DATA_DIR=str(args.data_dir), ATLAS_STORE="embedded")
    os.environ.setdefault("ATLAS_GRAPH", "atlas")
    from graph import related_index
    from graph.explore import paper_citations
    from graph.open import open_store
    from graph.related import related_papers

    store = open_store("embedded")
    start = time.perf_counter()
    index = related_index.build(store)
    read_store = time.perf_counter() - start
    related_index.forget()
    path = related_index._cache_file(store, related_index.stamp_of(store))
    read_file = None
    if path is not None and path.exists():
        start = time.perf_counter()
        related_index.load(store)
        read_file = time.perf_counter() - start
    papers = sorted(index.ids)
    # Papers with a topic: the topic signal is what costs the store (a pillar is carried by thousands of papers).
    tagged = [paper_id for paper_id in papers if index.paper_topics[index.number[paper_id]]]
    sample = random.Random(16).sample(tagged, min(args.papers, len(tagged)))
    from_store, from_index, mismatches = [], [], []
    for paper_id in sample:
        citations = paper_citations(store, paper_id, 50)  # the page has them already; the same for both
        start = time.perf_counter()
        expected = related_papers(store, paper_id, citations=citations)
        from_store.append(time.perf_counter() - start)
        start = time.perf_counter()
        got = related_papers(store, paper_id, citations=citations, index=index)
        from_index.append(time.perf_counter() - start)
        if [(r.id, r.score, r.reason()) for r in got] != [(r.id, r.score, r.reason()) for r in expected]:
            mismatches.append(paper_id)

    def row(name: str, times: list[float]) -> str:
        ms = sorted(t * 1000 for t in times)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        return f"| {name} | {statistics.median(ms):.1f} | {p95:.1f} | {max(ms):.1f} |"

    print(f"{len(sample)} papers of the {len(tagged):,} with a topic ({len(papers):,} in all); same ranked lists "
          f"and reasons: "
          f"{len(sample) - len(mismatches)}/{len(sample)} {mismatches or ''}")
    print("| related papers of one paper | median (ms) | p95 (ms) | max (ms) |\n|---|---:|---:|---:|")
    print(row("store queries (baseline)", from_store))
    print(row("in-memory index", from_index))
    ratio = statistics.median(from_store) / max(statistics.median(from_index), 1e-9)
    print(f"median ratio store / index: {ratio:.0f}x")
    print(f"index read from the store: {read_store:.2f} s"
          + (f"; from the build cache file: {read_file:.2f} s" if read_file is not None else "; no cache file"))
    store.close()
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
