"""Timing of every community analysis, and the quality of collaborator suggestions.

    .venv/bin/python benchmarks/bench_analytics.py                      # snapshot + synthetic 100k and 1M
    .venv/bin/python benchmarks/bench_analytics.py --sizes snapshot,100000 --queries 100

Datasets:
- `snapshot`: the built store named by ATLAS_DATA_DIR / ATLAS_GRAPH (`mlsys-atlas build` first),
  read through the same queries and cache the explorer uses.
- synthetic N (`benchmarks/synth.py`, the snapshot's distributions): sizes up to
  `--store-max` (default 100k) are loaded into a fresh embedded store and read back like the
  snapshot; larger ones go straight from the generator to the networkx projection, because
  loading 1M papers into FalkorDB takes far longer than any analysis (and is the store
  benchmark's subject, not this one's).

Interactive analyses (path, suggestions, profile) are timed over `--queries` seeded random
people once the projection and its derived views are cached, reporting p50/p95. Heavy ones
(Louvain, sampled cross-community betweenness) run up to `--heavy-max` papers. Every time is
also given as a ratio to one breadth-first search over the same co-author graph, measured in
the same run, so numbers compare across machines.

Suggestion quality (snapshot only: synthetic co-authorship is itself modelled): the last
year's new co-authorships are hidden, suggestions from the years before are scored by
recall@10 and MRR against them, next to the "most-published people in the same topic"
baseline on the same queries (`graph.analytics.suggest.evaluate_time_split`).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import networkx as nx  # noqa: E402
from synth import SynthGenerator, synth_batch  # noqa: E402

from atlas_cli import wiring  # noqa: E402
from graph.analytics import bridges, communities, overlap, paths, pc_audit, profile, suggest, trends  # noqa: E402
from graph.analytics.people import name_index  # noqa: E402
from graph.analytics.projections import GraphData, Projection, read_graph_data  # noqa: E402
from graph.records import Paper  # noqa: E402
from graph.venues import community_of  # noqa: E402

Row = dict[str, Any]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


# ---------------------------------------------------------------- datasets
def snapshot_data() -> tuple[GraphData, float, str]:
    from graph.open import open_store

    store = open_store()
    try:
        seconds, data = timed(lambda: read_graph_data(store))
    finally:
        store.close()
    return data, seconds, "store read"


def cached_lookup(samples: int = 50) -> tuple[float, float, float]:
    """What a page pays per question: the first `projection(store)` (read + build), then cache hits
    (the fingerprint counts only). Returns (cold seconds, p50, p95 of a hit)."""
    from graph.analytics import clear_cache, projection
    from graph.open import open_store

    store = open_store()
    try:
        clear_cache()
        cold, _ = timed(lambda: projection(store))
        hits = [timed(lambda: projection(store))[0] for _ in range(samples)]
    finally:
        store.close()
        clear_cache()
    return (cold, *percentiles(hits))


def _rows_from_papers(papers: Iterator[Paper]) -> tuple[list[Row], list[Row], list[Row]]:
    """Projection rows straight from generated papers (what the store queries would return)."""
    paper_rows: list[Row] = []
    topic_rows: list[Row] = []
    affiliations: dict[tuple[str, str, int], Row] = {}
    for p in papers:
        paper_rows.append({"paper": p.id, "title": p.title, "year": p.year, "venue": p.venue_name,
                           "community": community_of(p.venue_name), "authors": [a.author_id for a in p.authorships]})
        topic_rows.extend({"paper": p.id, "label": t.topic, "kind": "pillar", "score": t.score} for t in p.topics)
        for a in p.authorships:
            if a.institution_id and p.year is not None:
                affiliations.setdefault((a.author_id, a.institution_id, p.year), {
                    "author": a.author_id, "institution": a.institution_id, "name": a.institution_id,
                    "country": a.country, "year": p.year})
    return paper_rows, topic_rows, list(affiliations.values())


def synthetic_direct(n: int, seed: int) -> tuple[GraphData, float, str]:
    generator = SynthGenerator(n, seed)
    seconds, (paper_rows, topic_rows, inst_rows) = timed(lambda: _rows_from_papers(generator.papers()))
    names = {i.id: i.name for i in generator.institutions()}
    for row in inst_rows:
        row["name"] = names.get(row["institution"], row["institution"])
    author_rows = [{"id": a.id, "name": a.name} for a in generator.authors()]
    data = GraphData.from_rows(paper_rows, topic_rows, inst_rows, author_rows)
    return data, seconds, "generate (no store)"


def synthetic_via_store(n: int, seed: int) -> tuple[GraphData, float, str]:
    from graph.falkor_store import FalkorStore
    from graph.loader import load

    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmp:
        store = FalkorStore(Path(tmp), "synth")
        try:
            start = time.perf_counter()
            _load(store, synth_batch(n, seed), load)  # the batch is garbage once loaded
            load_s = time.perf_counter() - start
            gc.collect()
            seconds, data = timed(lambda: read_graph_data(store))
        finally:
            store.close()
    return data, seconds, f"store read (after a {load_s:.0f} s load)"


def _load(store: Any, batch: Any, load: Callable[..., Any]) -> None:
    with store.building() as target:
        load(target, batch)


# ---------------------------------------------------------------- measurements
def percentiles(samples: list[float]) -> tuple[float, float]:
    if len(samples) < 2:
        return (samples[0], samples[0]) if samples else (0.0, 0.0)
    cuts = statistics.quantiles(samples, n=20)
    return statistics.median(samples), cuts[18]


def bench_dataset(label: str, data: GraphData, read_s: float, read_how: str, *, queries: int, heavy: bool,
                  seed: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {"dataset": label, "papers": len(data.papers), "read_s": read_s, "read_how": read_how}
    build_s, proj = timed(lambda: Projection(data))
    out.update(build_s=build_s, authors=proj.graph.number_of_nodes(), links=proj.graph.number_of_edges())
    rng = random.Random(seed)
    connected = sorted(a for a in proj.graph if proj.graph.degree(a) > 0)
    bfs_s, _ = timed(lambda: nx.single_source_shortest_path_length(proj.graph, rng.choice(connected)))
    out["bfs_s"] = bfs_s

    def warm() -> None:
        _ = (proj.author_topics, proj.author_venues, proj.author_communities, proj.systems_lean,
             proj.author_last_year, proj.recency_table, proj.activity_table, proj.institution_info)
        paths._typed_graph(proj)
        name_index(proj)

    out["warm_s"], _ = timed(warm)
    heavy_rows: dict[str, float | None] = {}
    if heavy:
        heavy_rows["louvain + labels"], _ = timed(lambda: communities.louvain_communities(proj, top=50))
    else:
        heavy_rows["louvain + labels"] = None
    people = [rng.choice(connected) for _ in range(queries)]
    pairs = [(rng.choice(connected), rng.choice(connected)) for _ in range(queries)]
    interactive: dict[str, list[float]] = {"path (k=3)": [], "path via institutions (k=3)": [],
                                           "suggestions (k=10)": [], "profile": []}
    for source, target in pairs:
        interactive["path (k=3)"].append(timed(lambda s=source, t=target: paths.connection_paths(proj, s, t, 3))[0])
    for source, target in pairs[: max(10, queries // 4)]:
        interactive["path via institutions (k=3)"].append(
            timed(lambda s=source, t=target: paths.connection_paths(proj, s, t, 3, via_institutions=True))[0])
    for person in people:
        interactive["suggestions (k=10)"].append(timed(lambda p=person: suggest.suggest_collaborators(proj, p))[0])
        interactive["profile"].append(
            timed(lambda p=person: profile.person_profile(proj, p, with_community=heavy))[0])
    out["interactive"] = {k: percentiles(v) for k, v in interactive.items()}

    heavy_rows["overlap: MLSys backgrounds per year"], _ = timed(lambda: overlap.background_by_year(proj, "prior"))
    heavy_rows["overlap: institution shares per year"], _ = timed(lambda: overlap.institution_shares(proj))
    heavy_rows["bridges: people (participation)"], top = timed(lambda: bridges.bridge_people(proj, 500))
    heavy_rows["bridges: institutions"], _ = timed(lambda: bridges.bridge_institutions(proj, 30, bridge_list=top))
    if heavy:
        heavy_rows["bridges: cross betweenness (16 sources)"], _ = timed(
            lambda: bridges.cross_betweenness(proj, samples=16))
    else:
        heavy_rows["bridges: cross betweenness (16 sources)"] = None
    heavy_rows["trends: topic shares + movers"], _ = timed(
        lambda: (trends.topic_shares(proj, "year_venue"), trends.topic_movers(proj)))
    heavy_rows["trends: institution/country/sector mix"], _ = timed(
        lambda: (trends.institution_mix(proj), trends.country_mix(proj), trends.sector_mix(proj)))
    members, subs = pc_inputs(proj, rng)
    heavy_rows["pc audit (40 members, 300 submissions)"], _ = timed(
        lambda: pc_audit.audit_program_committee(proj, members, subs, tagger=None))
    out["heavy"] = heavy_rows
    out["rss_gb"] = rss_gb()
    return out


def pc_inputs(proj: Projection, rng: random.Random) -> tuple[list[pc_audit.PCMember], list[pc_audit.Submission]]:
    prolific = sorted(proj.author_papers, key=lambda a: (-len(proj.author_papers[a]), a))[:200]
    members = [pc_audit.PCMember(proj.name(a), row=i) for i, a in enumerate(rng.sample(prolific, 40))]
    papers = rng.sample(sorted(proj.papers), 300)
    subs = [pc_audit.Submission(pid, proj.papers[pid].title, [proj.name(a) for a in proj.papers[pid].authors])
            for pid in papers]
    return members, subs


# ---------------------------------------------------------------- report
def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def report(results: list[dict[str, Any]], evaluation: list[suggest.TimeSplitEvaluation]) -> str:
    lines = ["### Datasets", "",
             "| dataset | papers | authors | co-author links | read | projection build | warm-up | one BFS "
             "| peak RSS so far |", "|---|---:|---:|---:|---|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['dataset']} | {r['papers']:,} | {r['authors']:,} | {r['links']:,} | "
                     f"{ms(r['read_s'])} ({r['read_how']}) | {ms(r['build_s'])} | {ms(r['warm_s'])} | "
                     f"{ms(r['bfs_s'])} | {r['rss_gb']:.1f} GB |")
    header = "| analysis | " + " | ".join(r["dataset"] for r in results) + " |"
    rule = "|---|" + "---:|" * len(results)
    lines += ["", "### Interactive (cached projection): p50 / p95, and p95 in BFS units", "", header, rule]
    for name in results[0]["interactive"]:
        cells = []
        for r in results:
            p50, p95 = r["interactive"][name]
            cells.append(f"{ms(p50)} / {ms(p95)} ({p95 / r['bfs_s']:.2f}x)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "### Organizer analyses (one run each; BFS units in brackets)", "", header, rule]
    for name in results[0]["heavy"]:
        cells = []
        for r in results:
            value = r["heavy"][name]
            cells.append("not run" if value is None else f"{ms(value)} ({value / r['bfs_s']:.0f}x)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if evaluation:
        first = evaluation[0]
        lines += ["", f"### Suggestion quality (snapshot, hidden year {first.test_year}: {first.queries:,} queries, "
                      f"{first.positives:,} hidden pairs, {first.reachable_within_3_hops:.0%} within 3 hops)", "",
                  "| ranker | recall@10 | MRR (top 50) | hit rate@10 | recall vs baseline |",
                  "|---|---:|---:|---:|---:|"]
        for e in evaluation:
            lines.append(f"| suggestions, mode {e.mode} | {e.suggestions.recall_at_k:.4f} | {e.suggestions.mrr:.4f} | "
                         f"{e.suggestions.hit_rate:.4f} | {e.recall_ratio:.1f}x |")
        lines.append(f"| baseline: most-published in the same topic | {first.baseline.recall_at_k:.4f} | "
                     f"{first.baseline.mrr:.4f} | {first.baseline.hit_rate:.4f} | 1.0x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the community analytics; evaluate suggestions.")
    parser.add_argument("--sizes", default="snapshot,100000,1000000", help="comma list: snapshot and/or paper counts")
    parser.add_argument("--queries", type=int, default=200, help="random people/pairs per interactive analysis")
    parser.add_argument("--heavy-max", type=int, default=100_000, help="largest size for Louvain and betweenness")
    parser.add_argument("--store-max", type=int, default=100_000, help="largest synthetic size loaded into a store")
    parser.add_argument("--eval-queries", type=int, default=2000, help="queries for the suggestion evaluation")
    parser.add_argument("--modes", default="balanced,network,similar,complementary")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    wiring.install()  # sector_mix resolves organisation names through the ingest table, as the CLI does
    results, evaluation = [], []
    print(f"# {platform.python_version()} on {platform.machine()}, networkx {nx.__version__}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    for size in args.sizes.split(","):
        if size == "snapshot":
            data, read_s, how = snapshot_data()
            label = "snapshot"
            lookup = cached_lookup()
            print(f"# projection(store): first call {lookup[0]:.1f} s, cached p50 {lookup[1] * 1000:.1f} ms "
                  f"p95 {lookup[2] * 1000:.1f} ms", flush=True)
        else:
            n = int(size)
            data, read_s, how = (synthetic_via_store if n <= args.store_max else synthetic_direct)(n, args.seed)
            label = f"synthetic {n // 1000}k"
        print(f"# {label}: {len(data.papers):,} papers read in {read_s:.1f} s ({how})", flush=True)
        result = bench_dataset(label, data, read_s, how, queries=args.queries,
                               heavy=len(data.papers) <= args.heavy_max, seed=args.seed)
        results.append(result)
        print(f"# {label} done: {result['interactive']}", flush=True)
        if size == "snapshot" and args.eval_queries:
            for mode in args.modes.split(","):
                start = time.perf_counter()
                e = suggest.evaluate_time_split(data, max_queries=args.eval_queries, seed=args.seed, mode=mode)
                print(f"# evaluation {mode}: {e} ({time.perf_counter() - start:.0f} s)", flush=True)
                evaluation.append(e)
        data = None  # free the rows before the next (bigger) dataset
        gc.collect()
    print(report(results, evaluation))
    return 0


if __name__ == "__main__":
    sys.exit(main())
