"""Time `mlsys-atlas build` on the full bundled snapshot: cold, uncached, and unchanged rebuild.

Reports papers/s, the time of each stage, and peak memory of the Python process and of
the FalkorDB server. The baseline measured in the same run is reading the snapshot
alone (parsing every file into records): the build's ratio to it says what tagging,
resolution and loading cost on top of I/O, independent of how fast this machine is.

Scale (issue 20), in the same run:
- cold build (empty build cache), the same build with the cache switched off, and an
  unchanged rebuild that reuses the cache (ingest/cache.py), as ratios to the cold build;
- loading the same rows into an empty staging graph with UNWIND + MERGE vs GRAPH.BULK
  (graph/falkor_bulk.py), both checked to give the same node and relationship counts;
- the cache's storage format: pickle vs gzip-1(pickle) vs the cache's zstd-1(pickle) on the finished-rows entry.

    .venv/bin/python benchmarks/bench_build.py [--runs 1] [--uncached]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import pickle
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import falkor_bulk  # noqa: E402
from graph.config import PROJECT_ROOT  # noqa: E402
from graph.falkor_store import FalkorStore  # noqa: E402
from graph.loader import merge_rows  # noqa: E402
from ingest import cache  # noqa: E402
from ingest.build import build  # noqa: E402
from ingest.snapshot import read_snapshot  # noqa: E402

SNAPSHOT = PROJECT_ROOT / "data" / "snapshot"


_CPU: list[float] = []  # CPU seconds (user + system of this process) of each _timed_build, in call order
_WORKER_CPU: list[float] = []  # CPU seconds of child processes that ended during it (tagging worker, cache writers)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # reaped children only: not the running FalkorDB server
    return usage.ru_utime + usage.ru_stime


def _timed_build(store: FalkorStore, data_dir: Path, **kwargs: object) -> tuple[float, dict[str, float], object]:
    start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    report = build(store, SNAPSHOT, data_dir, quiet=True, **kwargs)  # type: ignore[arg-type]
    _CPU.append(time.process_time() - cpu)
    _WORKER_CPU.append(_children_cpu() - children)
    return time.perf_counter() - start, report.seconds, report


def _load_times(tmp: Path) -> tuple[float, float]:
    """MERGE vs BULK of the same (cached) rows, each into a fresh staging graph of its own server;
    the two graphs must have the same node and relationship counts per label and type."""
    prepared = cache.prepare(SNAPSHOT, tmp / "build")
    times, counts = [], []
    for name, bulk in (("merge", False), ("bulk", True)):
        store = FalkorStore(tmp / name, "atlas")
        try:
            with store.building() as target:
                start = time.perf_counter()
                if bulk:
                    if falkor_bulk.load_into_staging(target, prepared.nodes, prepared.rels) is None:
                        raise SystemExit("the bulk path declined these rows")
                else:
                    merge_rows(target, prepared.nodes, prepared.rels)
                times.append(time.perf_counter() - start)
            stats = store.counts()
            counts.append((stats["nodes"], stats["relationships"]))
        finally:
            store.close()
    if counts[0] != counts[1]:
        raise SystemExit(f"MERGE and BULK graphs differ: {counts}")
    return times[0], times[1]


def _codec_times(tmp: Path) -> list[tuple[str, float, float, int]]:
    """The cyclic GC is paused, as during a build (ingest/build.py): unpickling millions of small
    objects with it running measures the collector, not the format."""
    entry = cache.prepare(SNAPSHOT, tmp / "build")
    results = []
    gc.disable()
    for name, opener in (("pickle", open), ("gzip-1 pickle", lambda p, m: gzip.open(p, m, compresslevel=1))):
        path = tmp / f"entry-{name.replace(' ', '_')}"
        start = time.perf_counter()
        with opener(path, "wb") as handle:
            pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
        written = time.perf_counter() - start
        start = time.perf_counter()
        with opener(path, "rb") as handle:
            pickle.load(handle)
        results.append((name, written, time.perf_counter() - start, path.stat().st_size))
    path = tmp / f"entry{cache.SUFFIX}"  # the cache's own format (zstd level 1), written and read as the cache does
    start = time.perf_counter()
    cache._write_entry(path, entry)
    written = time.perf_counter() - start
    start = time.perf_counter()
    cache._read_entry(path)
    results.append(("zstd-1 pickle (the cache's)", written, time.perf_counter() - start, path.stat().st_size))
    gc.enable()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--uncached", action="store_true", help="also time a build with the cache switched off")
    args = parser.parse_args()

    read_times, read_cpu = [], []
    for _ in range(args.runs):
        # The cyclic GC is paused as during a build (ingest/build.py): with it running, reading the
        # snapshot's millions of derived-term strings took 30 s instead of ~5 s, a baseline that
        # measured the collector and made every ratio to it look small.
        gc.disable()
        start, cpu = time.perf_counter(), time.process_time()
        snapshot = read_snapshot(SNAPSHOT)
        read_times.append(time.perf_counter() - start)
        read_cpu.append(time.process_time() - cpu)
        gc.enable()
    records = len(snapshot.papers)
    del snapshot

    cold, uncached, warm, stages, warm_stages, server_peak = [], [], [], [], [], 0
    cold_cpu: list[float] = []
    cold_worker_cpu: list[float] = []
    merge_s, bulk_s, codecs = [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            store = FalkorStore(tmp / "build", "atlas")
            try:
                seconds, stage, report = _timed_build(store, tmp / "build")
                cold.append(seconds)
                cold_cpu.append(_CPU[-1])
                cold_worker_cpu.append(_WORKER_CPU[-1])
                stages.append(stage)
                seconds, stage, _ = _timed_build(store, tmp / "build")
                warm.append(seconds)
                warm_stages.append(stage)
                server_peak = max(server_peak, int(store.db.connection.info("memory")["used_memory_peak"]))
            finally:
                store.close()
            if args.uncached:
                store = FalkorStore(tmp / "uncached", "atlas")
                try:
                    uncached.append(_timed_build(store, tmp / "uncached", use_cache=False)[0])
                finally:
                    store.close()
            merge, bulk = _load_times(tmp)
            merge_s.append(merge)
            bulk_s.append(bulk)
            codecs = _codec_times(tmp)
            entries = (tmp / "build" / cache.CACHE_DIR).rglob(f"*{cache.SUFFIX}")
            cache_mb = sum(p.stat().st_size for p in entries) / 2**20

    papers = report.papers  # type: ignore[attr-defined]
    read_s, cold_s = statistics.median(read_times), statistics.median(cold)
    warm_s = statistics.median(warm)
    python_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"snapshot: {records:,} source records -> {papers:,} papers, {report.authors:,} authors")  # type: ignore
    read_cpu_s, cold_cpu_s = statistics.median(read_cpu), statistics.median(cold_cpu)
    print(f"baseline read+parse : {read_s:6.2f} s  ({records / read_s:,.0f} records/s), CPU {read_cpu_s:6.2f} s")
    print(f"cold build          : {cold_s:6.2f} s  ({papers / cold_s:,.0f} papers/s)  "
          f"= {cold_s / read_s:.1f}x the read baseline  (empty cache, entries written)")
    print(f"  CPU (this process): {cold_cpu_s:6.2f} s  = {cold_cpu_s / read_cpu_s:.1f}x the baseline's CPU "
          "(the FalkorDB server's CPU is not counted)")
    worker_cpu_s = statistics.median(cold_worker_cpu)
    print(f"  CPU (+ child processes: tagging, cache writes {worker_cpu_s:.2f} s): {cold_cpu_s + worker_cpu_s:6.2f} s  "
          f"= {(cold_cpu_s + worker_cpu_s) / read_cpu_s:.1f}x the baseline's CPU (ATLAS_BUILD_WORKERS=2)")
    for stage in ("read", "resolve_and_tag", "load"):
        print(f"  stage {stage:<16} {statistics.median(s[stage] for s in stages):6.2f} s")
    if uncached:
        uncached_s = statistics.median(uncached)
        print(f"uncached build      : {uncached_s:6.2f} s  = {uncached_s / read_s:.1f}x the read baseline  "
              "(use_cache=False)")
    print(f"unchanged rebuild   : {warm_s:6.2f} s  = {100 * warm_s / cold_s:.1f}% of the cold build, "
          f"{warm_s / read_s:.2f}x the read baseline")
    for stage in ("read", "resolve_and_tag", "load"):
        print(f"  stage {stage:<16} {statistics.median(s[stage] for s in warm_stages):6.2f} s")
    print(f"load, same rows, empty staging graph: MERGE {statistics.median(merge_s):6.2f} s, "
          f"GRAPH.BULK {statistics.median(bulk_s):6.2f} s "
          f"({statistics.median(merge_s) / statistics.median(bulk_s):.1f}x faster)")
    print(f"build cache on disk: {cache_mb:,.0f} MiB")
    for name, write_s, read_back_s, size in codecs:
        print(f"  rows entry as {name:<14}: write {write_s:5.2f} s, read {read_back_s:5.2f} s, {size / 2**20:6.0f} MiB")
    print(f"peak memory: python {python_peak_mb:,.0f} MiB, FalkorDB {server_peak / 2**20:,.0f} MiB")
    print(f"runs: {args.runs} (medians)")


if __name__ == "__main__":
    main()
