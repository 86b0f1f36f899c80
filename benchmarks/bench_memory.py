"""Peak memory of each build stage, on the bundled snapshot and on N synthetic papers (issue 20).

Why: issue 20 asks for a 1M-paper build in <= 12 GiB; the snapshot build peaks near 2 GiB for
58k papers. Cutting that needs to know which stage holds the memory and how it grows with the
corpus, measured through the real build path (`ingest.cache.prepare` / `_assemble`: merge,
institutions, people, tags, batch, node and relationship rows), not a model of it.

Each measurement runs in a fresh child process (one clean peak per corpus). A sampler thread
reads the resident set size from /proc every 10 ms; each stage reports the RSS when it
started, the highest RSS seen while it ran and the RSS when it returned. The snapshot run is
the baseline of the same invocation; its rows digest (`ingest.cache.rows_digest`) is printed so a
memory change can be checked to change no row (compare with `benchmarks/profile_build.py`).

Synthetic papers come from `benchmarks/synth.py` (its co-author and venue-year model), turned
back into raw records: resolved ids and tags dropped, the institution printed as an affiliation
string, and names re-drawn from the snapshot's given-name and surname frequencies (synth.py's
40x40 name grid would make every name block huge, which is not what 1M real papers look like).

    PYTHONPATH=. nice -n 10 prlimit --as=12000000000 -- .venv/bin/python benchmarks/bench_memory.py \
        --papers 50000 100000 [--no-tag] [--no-snapshot] [--steps] [--tracemalloc] [--digest] \
        [--stream-from N] [--json out.json]

`--no-tag` skips topic tagging on the synthetic corpora (CPU-heavy, and per paper: its memory is
a small share); `--steps` also sums the CPU of resolution's inner steps over all their calls
(`_inner_steps`: candidate pairs, pair features, the model, links, average linkage), to see which
one grows fastest; `--tracemalloc` also prints the top allocation sites (file:line) alive at the end
of resolution and at the end of the rows (slower, and adds its own overhead to the RSS). `--digest`
prints the rows digest of synthetic corpora too; `--stream-from N` sets the corpus size (mentions)
from which resolution streams its candidate pairs (`resolver.STREAM_PAIRS_FROM_MENTIONS`), so one
checkout can measure both paths on one corpus: `--stream-from 0` always, a huge N never.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.config import PROJECT_ROOT  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024
NAMES_FROM = PROJECT_ROOT / "data" / "snapshot" / "papercopilot" / "nips" / "nips2024.json.gz"


class RssSampler:
    """Resident set size of this process, sampled every `interval` seconds in a daemon thread."""

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.peak = self.now()
        self.stage_peak = self.peak
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def now() -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * PAGE

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            rss = self.now()
            self.peak = max(self.peak, rss)
            self.stage_peak = max(self.stage_peak, rss)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _stages() -> tuple[tuple[Any, str, str], ...]:
    from ingest import cache
    from ingest.identity import pairs, resolver
    return (
        (cache, "_read", "read snapshot"),
        (cache.identity, "merge_papers", "merge papers"),
        (cache, "link_institutions", "link institutions"),
        (cache.identity, "resolve_authors", "resolve people"),
        (cache, "correct_mislinks", "correct mislinks"),
        # inside "resolve people" (printed before it, indented): where its transient peak is
        (resolver._Run, "clean_all", "  clean names"),
        (resolver._Run, "link_strong_ids", "  strong ids"),
        (pairs, "_coauthor_graph", "      co-author graph"),
        (pairs, "_title_matrix", "      title matrix"),
        (pairs.PairFeaturizer, "__init__", "    pair inputs"),  # corpus-wide, once; then chunks of pairs
        (resolver, "candidate_pairs", "  candidate pairs"),
        (resolver._Run, "cluster_blocks", "  cluster blocks"),
        (resolver._Run, "after_clustering", "  namesakes, dups"),
        (resolver._Run, "people", "  people"),
        (resolver._Run, "review_items", "  review items"),
        (cache.topics, "tag_papers", "tag topics"),
        (cache, "batch_from", "batch"),
        (cache, "node_rows", "node rows"),
        (cache, "rel_rows", "relationship rows"),
    )


def _inner_steps() -> tuple[tuple[Any, str], ...]:
    """Called per block or per chunk of pairs, so summed, not one row per call."""
    from ingest.identity import block_links, model, pairs, resolver, sparse_groups
    return (
        (pairs, "_block_pairs"), (sparse_groups, "evidence_pairs"), (pairs.PairFeaturizer, "features"),
        (pairs, "_graph_counts"), (model.PairModel, "probabilities"), (block_links, "_precompute"),
        (resolver._Run, "_small_block_links"), (resolver._Run, "_agglomerate"), (resolver, "average_linkage"),
    )


def _sum_cpu(totals: dict[str, list[float]]) -> None:
    """Wrap each inner step to add its CPU and one call to `totals[name]` (a nested step counts in both)."""
    from benchmarks.cpu_totals import add_cpu
    for owner, name in _inner_steps():
        add_cpu(owner, name, totals)


def _top_allocations(limit: int = 12) -> list[str]:
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    lines = []
    for stat in snapshot.statistics("lineno")[:limit]:
        frame = stat.traceback[0]
        where = Path(frame.filename)
        where_text = str(where.relative_to(PROJECT_ROOT)) if where.is_relative_to(PROJECT_ROOT) else where.name
        lines.append(f"{stat.size / MIB:9.1f} MiB {stat.count:>10,} blocks  {where_text}:{frame.lineno}")
    return lines


def _instrument(sampler: RssSampler, stages: list[dict[str, Any]], trace: dict[str, list[str]]) -> None:
    """Wrap each stage function (as profile_build.py does) to record its RSS before, during and after."""
    for module, name, label in _stages():
        fn = getattr(module, name)

        def wrapper(*args: Any, __fn: Callable[..., Any] = fn, __label: str = label, **kwargs: Any) -> Any:
            before = sampler.now()
            outer_peak = sampler.stage_peak
            sampler.stage_peak = before
            cpu = time.process_time()
            result = None
            try:
                result = __fn(*args, **kwargs)
                return result
            finally:
                after = sampler.now()
                peak = max(sampler.stage_peak, after)
                stages.append({"stage": __label, "rss_before_mib": before / MIB, "rss_peak_mib": peak / MIB,
                               "rss_after_mib": after / MIB, "cpu_s": time.process_time() - cpu})
                if __label.strip() == "candidate pairs":  # how many there are drives the memory
                    stages[-1]["pairs"] = len(result.left)
                sampler.stage_peak = max(outer_peak, peak)
                if tracemalloc.is_tracing() and __label in ("resolve people", "relationship rows"):
                    trace[__label] = _top_allocations()

        setattr(module, name, functools.wraps(fn)(wrapper))


# ---------------------------------------------------------------- synthetic raw records
def _name_parts() -> tuple[list[str], list[str]]:
    """Given names and surnames as often as they occur on NeurIPS 2024 (a snapshot file)."""
    from graph.records import Paper
    from ingest.identity.mentions import mentions_from_papers
    from ingest.sources import papercopilot
    parts = [m.name.split() for m in mentions_from_papers(
        p for p in papercopilot.read(NAMES_FROM, "") if isinstance(p, Paper))]
    return [p[0] for p in parts if len(p) >= 2], [p[-1] for p in parts if len(p) >= 2]


def synthetic_records(n_papers: int, seed: int = 0) -> Iterator[Any]:
    """synth.py's papers as a reader would emit them: no author ids, no tags, affiliations as printed."""
    from benchmarks.synth import SynthGenerator
    from graph.records import Provenance
    givens, surnames = _name_parts()
    generator = SynthGenerator(n_papers, seed)
    names: dict[str, str] = {}
    provenance = Provenance(["synth"], "2025-01-01T00:00:00Z")
    for paper in generator.papers():
        for authorship in paper.authorships:
            name = names.get(authorship.author_id)
            if name is None:
                rng = random.Random(f"{seed}:{authorship.author_id}")
                name = names[authorship.author_id] = f"{rng.choice(givens)} {rng.choice(surnames)}"
            authorship.name = name
            authorship.author_id = ""
            if authorship.institution_id:
                number = int(authorship.institution_id.rsplit(":", 1)[1])
                authorship.affiliation = f"Synthetic {'Labs' if number % 4 == 0 else 'University'} {number}"
            authorship.institution_id = None
            authorship.country = None
        paper.topics = []
        paper.provenance = provenance
        yield paper


# ---------------------------------------------------------------- one measurement (child process)
def measure(corpus: str, papers: int, tag: bool, trace: bool, workers: int, digest_rows: bool = False,
            stream_from: int | None = None, steps: bool = False) -> dict[str, Any]:
    from ingest import cache
    from ingest.snapshot import SnapshotRead
    stages: list[dict[str, Any]] = []
    tops: dict[str, list[str]] = {}
    inner: dict[str, list[float]] = {}
    if trace:
        tracemalloc.start()
    sampler = RssSampler()
    start_rss = sampler.now()
    _instrument(sampler, stages, tops)
    if steps:
        _sum_cpu(inner)
    if stream_from is not None:
        from ingest.identity import resolver

        resolver.STREAM_PAIRS_FROM_MENTIONS = stream_from
    if not tag:
        from ingest import topics
        topics.tag_papers = lambda merged, *args, **kwargs: None  # type: ignore[assignment]
    gc.disable()  # as during a build (ingest/build.py)
    wall = time.perf_counter()
    digest = ""
    with tempfile.TemporaryDirectory() as tmp:
        if corpus == "snapshot":
            prepared = cache.prepare(PROJECT_ROOT / "data" / "snapshot", Path(tmp), use_cache=False,
                                     workers=workers)
            counts, nodes, rels = prepared.counts, prepared.nodes, prepared.rels
        else:
            generated = time.process_time()
            snapshot = SnapshotRead(papers=list(synthetic_records(papers)))
            stages.append({"stage": "generate records", "rss_before_mib": start_rss / MIB,
                           "rss_peak_mib": sampler.stage_peak / MIB, "rss_after_mib": sampler.now() / MIB,
                           "cpu_s": time.process_time() - generated})
            plan = cache._Plan([], [], "", "merge", "resolve", "tag", "rows")
            disabled = cache.StageCache(Path(tmp) / "cache", enabled=False)
            batch = cache._assemble(plan, snapshot, Path(tmp), disabled, lambda _t: None, workers)
            counts = {"papers": len(batch.papers), "authors": len(batch.authors)}
            nodes, rels = cache.node_rows(batch), cache.rel_rows(batch)
    gc.enable()
    sampler.stop()
    if corpus == "snapshot" or digest_rows:
        # after the sampler stops: the digest's repr of every row (~0.4 GB of text) is the check, not the build,
        # and was the snapshot run's peak before 2026-12-01's second cut
        digest = cache.rows_digest(nodes, rels)
    rows = sum(map(len, nodes.values())) + sum(map(len, rels.values()))
    return {"corpus": corpus, "papers": counts["papers"], "authors": counts["authors"], "rows": rows,
            "start_rss_mib": start_rss / MIB, "peak_rss_mib": sampler.peak / MIB,
            "bytes_per_paper": (sampler.peak - start_rss) / max(1, counts["papers"]),
            "wall_s": time.perf_counter() - wall, "cpu_s": time.process_time(), "stages": stages,
            "tracemalloc": tops, "digest": digest, "tag": tag, "inner_steps": inner}


def _run_child(corpus: str, papers: int, tag: bool, trace: bool, workers: int, digest_rows: bool = False,
               stream_from: int | None = None, steps: bool = False) -> dict[str, Any] | None:
    command = [sys.executable, __file__, "--child", corpus, "--papers", str(papers), "--workers", str(workers)]
    command += [] if tag else ["--no-tag"]
    command += ["--steps"] if steps else []
    command += ["--digest"] if digest_rows else []
    command += [] if stream_from is None else ["--stream-from", str(stream_from)]
    command += ["--tracemalloc"] if trace else []
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    if done.returncode != 0:
        print(f"{corpus} {papers:,}: FAILED (exit {done.returncode}; a MemoryError here means the cap was hit)\n"
              f"{done.stderr[-2000:]}", flush=True)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def _print(result: dict[str, Any]) -> None:
    print(f"\n{result['corpus']}: {result['papers']:,} papers, {result['authors']:,} people, {result['rows']:,} rows"
          f"{'' if result['tag'] else ' (no tagging)'}; peak RSS {result['peak_rss_mib']:,.0f} MiB "
          f"(start {result['start_rss_mib']:,.0f}), {result['bytes_per_paper'] / 1024:,.1f} KiB per paper above start; "
          f"{result['cpu_s']:.0f} s CPU" + (f"; rows digest {result['digest']}" if result["digest"] else ""))
    print(f"  {'stage':<22}{'before MiB':>11}{'peak MiB':>10}{'after MiB':>10}{'CPU s':>8}")
    for s in result["stages"]:
        print(f"  {s['stage']:<22}{s['rss_before_mib']:11,.0f}{s['rss_peak_mib']:10,.0f}{s['rss_after_mib']:10,.0f}"
              f"{s['cpu_s']:8.1f}" + (f"  ({s['pairs']:,} pairs)" if "pairs" in s else ""))
    if result.get("inner_steps"):
        print(f"  {'inner step (all calls)':<34}{'calls':>10}{'CPU s':>8}")
        for name, (cpu, calls) in result["inner_steps"].items():
            print(f"  {name:<34}{calls:10,}{cpu:8.1f}")
    for label, lines in result["tracemalloc"].items():
        print(f"  top allocations alive at the end of {label}:")
        for line in lines:
            print(f"    {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, nargs="*", default=[50_000, 100_000])
    parser.add_argument("--no-tag", action="store_true", help="skip topic tagging on synthetic corpora")
    parser.add_argument("--no-snapshot", action="store_true", help="skip the snapshot baseline")
    parser.add_argument("--tracemalloc", action="store_true", help="print the top allocation sites too")
    parser.add_argument("--steps", action="store_true", help="sum the CPU of resolution's inner steps too")
    parser.add_argument("--workers", type=int, default=1, choices=(1, 2),
                        help="1 (default): everything in one process, so its RSS is the build's")
    parser.add_argument("--digest", action="store_true", help="print the rows digest of synthetic corpora too")
    parser.add_argument("--stream-from", type=int, metavar="MENTIONS",
                        help="resolver.STREAM_PAIRS_FROM_MENTIONS for this run (0: always stream the pairs)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", choices=("snapshot", "synth"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = measure(args.child, args.papers[0] if args.papers else 0, not args.no_tag, args.tracemalloc,
                         args.workers, args.digest, args.stream_from, args.steps)
        print(json.dumps(result))
        return 0
    results = []
    runs = ([] if args.no_snapshot else [("snapshot", 0, True)]) + [("synth", n, not args.no_tag) for n in args.papers]
    for corpus, papers, tag in runs:
        result = _run_child(corpus, papers, tag, args.tracemalloc, args.workers, args.digest, args.stream_from,
                            args.steps)
        if result is None:
            break  # a larger corpus would not fit either
        results.append(result)
        _print(result)
    synth = [r for r in results if r["corpus"] == "synth"]
    if len(synth) >= 2:
        small, large = synth[-2], synth[-1]
        slope = (large["peak_rss_mib"] - small["peak_rss_mib"]) / (large["papers"] - small["papers"])
        at_1m = large["peak_rss_mib"] + slope * (1_000_000 - large["papers"])
        print(f"\nextrapolation (not measured): {slope * MIB / 1024:,.1f} KiB per extra paper between "
              f"{small['papers']:,} and {large['papers']:,}; linear to 1M papers: {at_1m / 1024:,.1f} GiB")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
