"""CPU and wall time of each stage of a cold (uncached) build, and the digest of the rows it writes.

Why: `bench_build.py` times read / resolve+tag / load; speeding up the build needs the split
inside "resolve+tag" (merge papers, institutions, identity resolution, topic tagging, rows),
in CPU seconds because the machine is shared and wall time mostly measures the neighbours.
The rows digest (`ingest.cache.rows_digest`: every node and relationship row handed to the
store, in order) is the check that a speed-up changed nothing: run this on two checkouts and
compare, or pass `--expect` with the other checkout's digest (exit status 1 when they differ).

    PYTHONPATH=. .venv/bin/python benchmarks/profile_build.py [--expect DIGEST] [--json out.json] [--workers 1|2]

With 2 workers (ATLAS_BUILD_WORKERS' default) tagging runs in a forked worker process
(ingest/parallel_tags.py), and part of the blocks are clustered in another one once the pair
probabilities are known (ingest/identity/parallel_blocks.py): their CPU is not this process's,
so it is reported apart ("worker processes", from RUSAGE_CHILDREN) and added to the total;
"tag topics (wait)" is then the time this process waited for the worker's tags after resolving.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.config import PROJECT_ROOT  # noqa: E402
from ingest import cache, parallel_tags  # noqa: E402

# (module, attribute, stage label): the calls ingest/cache.py makes for one cold build, in order.
STAGES: tuple[tuple[Any, str, str], ...] = (
    (cache, "_read", "read snapshot"),
    (cache.identity, "merge_papers", "merge papers"),
    (cache, "link_institutions", "link institutions"),
    (cache.identity, "resolve_authors", "resolve people"),
    (cache, "correct_mislinks", "correct mislinks"),
    (cache.topics, "tag_papers", "tag topics"),
    (parallel_tags.BackgroundTagging, "result", "tag topics (wait)"),
    (cache, "batch_from", "batch"),
    (cache, "node_rows", "node rows"),
    (cache, "rel_rows", "relationship rows"),
)


def _timed(fn: Callable[..., Any], label: str, totals: dict[str, list[float]]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent = totals.setdefault(label, [0.0, 0.0])
            spent[0] += time.perf_counter() - wall
            spent[1] += time.process_time() - cpu
    return wrapper


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # of children that have ended and were reaped
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--snapshot", type=Path, default=PROJECT_ROOT / "data" / "snapshot")
    parser.add_argument("--expect", help="rows digest of another checkout; exit 1 when this one differs")
    parser.add_argument("--json", type=Path, help="write stages, totals and the digest here")
    parser.add_argument("--workers", type=int, choices=(1, 2), help="processes (default: ATLAS_BUILD_WORKERS)")
    args = parser.parse_args()

    totals: dict[str, list[float]] = {}
    for module, name, label in STAGES:
        setattr(module, name, _timed(getattr(module, name), label, totals))
    with tempfile.TemporaryDirectory() as tmp:
        gc.disable()  # as during a build (ingest/build.py)
        wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        prepared = cache.prepare(args.snapshot, Path(tmp), use_cache=False, workers=args.workers)
        wall, cpu, children = time.perf_counter() - wall, time.process_time() - cpu, _children_cpu() - children
        gc.enable()
    digest = cache.rows_digest(prepared.nodes, prepared.rels)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"code: {PROJECT_ROOT}; {prepared.counts['papers']:,} papers, {prepared.counts['authors']:,} people")
    print(f"{'stage':<20}{'wall s':>8}{'CPU s':>8}{'CPU share':>11}")
    for label, (stage_wall, stage_cpu) in totals.items():
        print(f"{label:<20}{stage_wall:8.2f}{stage_cpu:8.2f}{100 * stage_cpu / cpu:10.1f}%")
    print(f"{'worker processes':<20}{'':>8}{children:8.2f}{100 * children / cpu:10.1f}%")
    print(f"{'prepare (all)':<20}{wall:8.2f}{cpu + children:8.2f}  (this process {cpu:.2f} + workers {children:.2f})")
    print(f"peak RSS {peak_mib:,.0f} MiB (largest worker process {child_peak_mib:,.0f} MiB)")
    print(f"rows digest {digest}")
    if args.json:
        args.json.write_text(json.dumps({"digest": digest, "stages": totals, "total": [wall, cpu + children],
                                         "this_process_cpu": cpu, "workers_cpu": children, "peak_mib": peak_mib,
                                         "worker_peak_mib": child_peak_mib}, indent=2))
    if args.expect and args.expect != digest:
        print(f"DIFFERENT from the expected digest {args.expect}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
