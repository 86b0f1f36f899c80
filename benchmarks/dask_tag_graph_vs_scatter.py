"""The papers' texts sent to a Dask cluster inside the task graph, or scattered to the workers first.

Why: `ingest.distributed.DaskTagging` puts ~30 MiB of texts in the task graph on the full snapshot, and Dask
warns about a large graph. Its advice (scatter the data first) was measured here before following it: the
snapshot's merged papers tagged on a local two-worker cluster, both ways in turn on the same cluster, after one
warm-up run. "submit" is how long `client.map` (and the scatter) hold the calling process: in a build, that
process resolves people meanwhile.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/dask_tag_graph_vs_scatter.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from resolve_steps import merged_papers  # noqa: E402 - benchmarks/, the script's own folder

from graph.records import Paper  # noqa: E402
from ingest.distributed import DEFAULT_PARTITION, _tag_partition, dask_client  # noqa: E402
from ingest.topics import paper_text  # noqa: E402


def tag_on(client: Any, papers: list[Paper], scatter: bool) -> tuple[float, float, int]:
    """(wall seconds until every tag is back, seconds `map` held this process, papers tagged)."""
    texts = [paper_text(p) for p in papers]
    chunks = [texts[start:start + DEFAULT_PARTITION] for start in range(0, len(texts), DEFAULT_PARTITION)]
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the large-graph warning, on the graph side
        futures = client.map(_tag_partition, client.scatter(chunks, hash=False) if scatter else chunks, pure=False)
    submitted = time.perf_counter() - started
    tagged = [tags for chunk in client.gather(futures) for tags in chunk]
    return time.perf_counter() - started, submitted, len(tagged)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    papers = merged_papers()
    print(f"{len(papers):,} papers", flush=True)
    with dask_client(workers=2) as client:
        tag_on(client, papers, True)  # warm-up: the workers import spaCy and load the tagger
        for round_no in range(args.rounds):
            for scatter in (False, True):
                wall, submitted, count = tag_on(client, papers, scatter)
                print(f"round {round_no} {'scatter' if scatter else 'graph  '}: {wall:.2f} s "
                      f"(map held this process {submitted:.2f} s) {count:,} papers", flush=True)


if __name__ == "__main__":  # the cluster's worker processes import this file
    main()
