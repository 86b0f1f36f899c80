"""CPU of each step of identity resolution alone on the full snapshot, and a digest of its result.

Why: `profile_build.py` runs resolution beside the tagging worker, so its resolve CPU moves with
the neighbours; this times `resolve_authors` by itself on the papers a cold build hands it
(read + merge + institutions first, untimed), per step, and prints a digest of the people,
authorships, quarantine and review queue: two checkouts must print the same digest.
`--papers N` resolves N synthetic papers (`benchmarks/synth.py`, as `bench_memory.py` makes them)
instead, where steps whose cost grows faster than the corpus show. `--dask local:N` (or a scheduler's
address) scores the candidate pairs on a Dask cluster, as `ATLAS_DASK` does in a build: the digest
must not change; the workers' CPU is read from them (the cluster starts before the clock).

    PYTHONPATH=. .venv/bin/python benchmarks/resolve_steps.py [--workers 1|2] [--stream] [--papers N] \
        [--graph-max-degree D] [--dask local:2]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cpu_totals import add_cpu  # noqa: E402
from graph.config import PROJECT_ROOT  # noqa: E402
from graph.records import Paper  # noqa: E402
from ingest import cache, identity  # noqa: E402
from ingest.identity import authors, model, names, namesakes, pairs, resolver  # noqa: E402
from ingest.identity.mentions import strong_ids_of  # noqa: E402

try:  # since h-speed: the links of most blocks are summed before clustering, not in _cluster_block
    from ingest.identity import block_links  # noqa: E402
    LINK_STEPS: tuple[tuple[Any, str], ...] = ((block_links, "_precompute"), (resolver._Run, "_agglomerate"))
except ImportError:  # an older checkout, measured side by side
    LINK_STEPS = ((resolver._Run, "_agglomerate"),)

STEPS: tuple[tuple[Any, str], ...] = (
    (authors, "clean_authorships"), (resolver._Run, "clean_all"), (resolver._Run, "link_strong_ids"),
    (resolver, "Corpus"), (resolver, "candidate_pairs"), (pairs, "_block_pairs"), (pairs.PairFeaturizer, "features"),
    (pairs, "_graph_counts"), (model.PairModel, "probabilities"), *LINK_STEPS, (resolver._Run, "cluster_blocks"),
    (resolver._Run, "after_clustering"), (namesakes, "guard"), (resolver._Run, "people"),
    (resolver._Run, "review_items"), (authors, "authors_from"),
)


class _Papers(Exception):
    """Carries the papers out of cache.prepare at the point resolution would start."""


def merged_papers() -> list[Paper]:
    """The merged papers of the bundled snapshot, as a cold build hands them to resolution and tagging
    (read + merge + institutions, untimed). benchmarks/tag_cpu.py uses it too."""
    def grab(merged: list[Paper], **_kwargs: object) -> list[Paper]:
        raise _Papers(merged)

    original = cache.identity.resolve_authors
    cache.identity.resolve_authors = grab
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cache.prepare(PROJECT_ROOT / "data" / "snapshot", Path(tmp), use_cache=False, workers=1)
    except _Papers as papers:
        return papers.args[0]
    finally:
        cache.identity.resolve_authors = original
    raise RuntimeError("resolution was never reached")


def _own_cpu() -> float:
    """Runs on each Dask worker: its process's CPU seconds so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, choices=(1, 2), default=1)
    parser.add_argument("--stream", action="store_true",
                        help="pairs made, scored and clustered a run of blocks at a time, whatever the corpus size")
    parser.add_argument("--papers", type=int, help="resolve this many synthetic papers instead of the snapshot")
    parser.add_argument("--graph-max-degree", type=int, default=pairs._GRAPH_MAX_DEGREE,
                        help="an experiment: co-author names past this many co-author names leave the reach "
                             "(pairs._GRAPH_MAX_DEGREE; a lower value changes the people, see the digest)")
    parser.add_argument("--dask", default="", help="score the pairs on this Dask cluster: local:N or an address")
    args = parser.parse_args()
    if args.graph_max_degree != pairs._GRAPH_MAX_DEGREE:
        print(f"pairs._GRAPH_MAX_DEGREE set to {args.graph_max_degree:,} (default {pairs._GRAPH_MAX_DEGREE:,})")
        pairs._GRAPH_MAX_DEGREE = args.graph_max_degree
    if args.stream:
        resolver.STREAM_PAIRS_FROM_MENTIONS = 0
    if args.papers:
        from benchmarks.bench_memory import synthetic_records
        papers = [p for p in synthetic_records(args.papers) if isinstance(p, Paper)]
    else:
        papers = merged_papers()
    # `clean_all` cleans and parses each distinct printed name once, through memos of a fixed size: past it,
    # names `clean_authorships` cached are evicted and done again (BENCHMARKS.md, session 39)
    distinct = len({(a.name, bool(strong_ids_of(a))) for p in papers for a in p.authorships})
    print(f"{distinct:,} distinct printed names; the name memos hold {names.parse_name.cache_info().maxsize:,}",
          flush=True)
    totals: dict[str, list[float]] = {}
    for owner, name in STEPS:
        add_cpu(owner, name, totals)
    gc.disable()  # as during a build
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        client = None
        if args.dask:
            from ingest.distributed import client_for
            client = stack.enter_context(client_for(args.dask))
            worker_cpu = sum(client.run(_own_cpu).values())
        refused: list = []
        wall, cpu = time.perf_counter(), time.process_time()
        people = identity.resolve_authors(papers, quarantine=refused, data_dir=Path(tmp), workers=args.workers,
                                          client=client)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if client is not None:
            worker_cpu = sum(client.run(_own_cpu).values()) - worker_cpu
            print(f"Dask workers ({args.dask}): {worker_cpu:.2f} s CPU")
        digest = hashlib.sha1()
        for row in [*people, *(a for p in papers for a in p.authorships), *refused]:
            digest.update(repr(row).encode())
        for path in sorted(Path(tmp).rglob("*")):
            if path.is_file():
                digest.update(path.name.encode() + path.read_bytes())
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"resolve_authors: {cpu:.2f} s CPU here + {children.ru_utime + children.ru_stime:.2f} s in workers, "
          f"{wall:.2f} s wall, {len(people):,} people, peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    for name, (seconds, _calls) in totals.items():
        print(f"  {name:<22}{seconds:7.2f} s CPU")
    print(f"result digest {digest.hexdigest()}")


if __name__ == "__main__":
    main()
