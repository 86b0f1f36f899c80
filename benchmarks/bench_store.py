"""Store benchmark: load throughput and the explorer's queries (p50/p95), per store and graph size.

Graphs: `snapshot` (the graph `mlsys-atlas build` made from the bundled snapshot, read back
from the configured embedded store: run `make build` first) and synthetic graphs of any
size from `benchmarks/synth.py` (the snapshot's real distributions). Stores: the embedded
FalkorDB, in a fresh temporary directory per graph, and Neo4j whenever NEO4J_TEST_URI
(+ NEO4J_TEST_USERNAME, NEO4J_TEST_PASSWORD, optional NEO4J_TEST_DATABASE: a throwaway
database - the benchmark deletes every MLSys Atlas node in it) is set.

Baselines measured in the same run, so ratios hold across machines:
- load: serialising the same rows to JSON in Python (the least any client does to ship
  them), i.e. how many times longer the store takes to MERGE the rows than that;
- queries: a round trip that does no work (count of the 30-odd Venue nodes), i.e. how
  many times a question costs over the store's fixed per-query overhead.

    .venv/bin/python benchmarks/bench_store.py                       # snapshot + 100k synthetic
    .venv/bin/python benchmarks/bench_store.py --graphs 1000000 --reps 20
    NEO4J_TEST_URI=bolt://localhost:7687 NEO4J_TEST_USERNAME=neo4j NEO4J_TEST_PASSWORD=... \\
        .venv/bin/python benchmarks/bench_store.py --neo4j-batch-sizes 1000,2000,5000,10000
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synth import synth_batch  # noqa: E402
from graph import config  # noqa: E402
from graph import queries as q  # noqa: E402
from graph.export_neo4j_admin import REL_MERGE_KEYS, REL_ROW_KEYS, store_rows  # noqa: E402
from graph.falkor_store import FalkorStore  # noqa: E402
from graph.loader import node_rows, rel_rows  # noqa: E402
from graph.neo4j_store import Neo4jStore  # noqa: E402
from graph.store import GraphStore, Row  # noqa: E402

Rows = tuple[dict[str, list[Row]], dict[str, list[Row]]]


# ---------------------------------------------------------------- graphs

def synthetic_rows(n_papers: int, seed: int) -> Rows:
    batch = synth_batch(n_papers, seed)
    return node_rows(batch), rel_rows(batch)


def serialise_seconds(rows: Rows) -> float:
    """The load baseline: JSON-encoding every row once, in batches like the loader's."""
    start = time.perf_counter()
    for group in rows:
        for kind_rows in group.values():
            for i in range(0, len(kind_rows), 500):
                json.dumps(kind_rows[i:i + 500], default=str)
    return time.perf_counter() - start


def snapshot_rows() -> Rows:
    """The built snapshot graph, read back from the configured embedded store as MERGE rows."""
    store = FalkorStore(config.data_dir(), config.graph_name())
    try:
        if not store.exists():
            raise SystemExit("No built graph: run `make build` (or `mlsys-atlas build`) first, or pass --graphs "
                             "without `snapshot`.")
        nodes, relationships = store_rows(store)
        node_part = {label: [{"id": r["id"], "props": {k: v for k, v in r["props"].items() if k != "id"}}
                             for r in rows] for label, rows in nodes.items()}
        rel_part: dict[str, list[Row]] = {}
        for rel_type, rows in relationships.items():
            start_key, end_key = REL_ROW_KEYS[rel_type]
            keys = REL_MERGE_KEYS.get(rel_type, ())
            rel_part[rel_type] = [{start_key: r["start"], end_key: r["end"], **{k: r["props"][k] for k in keys},
                                   "props": {k: v for k, v in r["props"].items() if k not in keys}} for r in rows]
        return node_part, rel_part
    finally:
        store.close()


# ---------------------------------------------------------------- stores

@contextmanager
def embedded_store() -> Iterator[GraphStore]:
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        store = FalkorStore(Path(tmp), "bench")
        try:
            yield store
        finally:
            store.close()


@contextmanager
def neo4j_store(batch_size: int | None = None) -> Iterator[GraphStore]:
    environ = {"NEO4J_URI": os.environ["NEO4J_TEST_URI"], "NEO4J_USERNAME": os.environ.get("NEO4J_TEST_USERNAME", ""),
               "NEO4J_PASSWORD": os.environ.get("NEO4J_TEST_PASSWORD", ""),
               "NEO4J_DATABASE": os.environ.get("NEO4J_TEST_DATABASE", "")}
    if batch_size:
        environ["NEO4J_BATCH_SIZE"] = str(batch_size)
    store = Neo4jStore.from_environment(environ=environ)
    store.graph_name = "bench"
    try:
        store.drop_graph()
        yield store
    finally:
        store.drop_graph()
        store.close()


# ---------------------------------------------------------------- measurements

def load_rows(store: GraphStore, rows: Rows) -> tuple[int, float]:
    nodes, relationships = rows
    start = time.perf_counter()
    with store.building() as target:
        for label, label_rows in nodes.items():
            target.merge_nodes(label, label_rows)
        for rel_type, rel_type_rows in relationships.items():
            target.merge_rels(rel_type, rel_type_rows)
    return sum(map(len, nodes.values())) + sum(map(len, relationships.values())), time.perf_counter() - start


def workload(rows: Rows, seed: int) -> dict[str, Callable[[GraphStore, random.Random], Any]]:
    """The explorer's questions, each drawing its own realistic arguments from the loaded rows."""
    nodes, _ = rows
    authors = [r for r in nodes["Author"] if r["props"].get("paper_count", 0) >= 1]
    busy = sorted(authors, key=lambda r: -r["props"].get("paper_count", 0))[:500]
    papers = nodes["Paper"]
    words = [w for r in random.Random(seed).sample(papers, min(2000, len(papers)))
             for w in (r["props"].get("title_key") or "").split() if len(w) >= 5]

    def name_part(rng: random.Random) -> str:
        name = rng.choice(authors)["props"]["name"].split()
        return name[-1] if name else "a"

    return {
        "ping (baseline)": lambda s, rng: s.read(q.COUNT_LABEL["Venue"]),
        "search authors": lambda s, rng: s.search_authors(name_part(rng)),
        "search papers": lambda s, rng: s.search_papers(rng.choice(words)),
        "search papers+abstracts": lambda s, rng: s.search_papers(rng.choice(words), include_abstracts=True),
        "author profile": lambda s, rng: (lambda a: (s.author(a), s.author_papers(a), s.author_topics(a),
                                                     s.author_institutions(a)))(rng.choice(authors)["id"]),
        "paper page": lambda s, rng: s.paper(rng.choice(papers)["id"]),
        "co-authors (busy author)": lambda s, rng: s.coauthors(rng.choice(busy)["id"]),
        "ego network (busy author)": lambda s, rng: s.ego_network(rng.choice(busy)["id"]),
        "counts (home page)": lambda s, rng: s.counts(),
        "projection read (co-author edges)": lambda s, rng: s.read(q.COAUTHOR_EDGES, {"year_from": None,
                                                                                      "year_to": None}),
    }


def time_queries(store: GraphStore, rows: Rows, reps: int, seed: int) -> dict[str, tuple[float, float]]:
    results = {}
    for name, ask in workload(rows, seed).items():
        rng = random.Random(seed)
        ask(store, rng)  # warm caches and plans once
        n = max(3, reps // 5) if name.startswith(("counts", "projection")) else reps
        samples = []
        for _ in range(n):
            start = time.perf_counter()
            ask(store, rng)
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        results[name] = (statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))])
    return results


def peak_rss_mb(pid: int | None) -> float | None:
    """A server's peak resident memory (VmHWM: since it started), in MB; None if unknown."""
    if not pid:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def server_pid(store: GraphStore, neo4j_pid_file: Path | None) -> int | None:
    """The server process behind a store: FalkorDB's child (pid file in its data dir) or the Neo4j JVM."""
    path = (store.server.data_dir / "falkordb.pid") if isinstance(store, FalkorStore) else neo4j_pid_file
    try:
        return int(path.read_text().split()[0]) if path else None
    except (OSError, ValueError, IndexError):
        return None


def report(store_name: str, graph_name: str, papers: int, loaded: int, load_s: float, baseline_s: float,
           queries: dict[str, tuple[float, float]], peak_mb: float | None = None) -> None:
    print(f"\n### {store_name}, {graph_name} ({papers:,} papers, {loaded:,} rows)\n")
    print(f"load: {load_s:,.1f} s = {loaded / load_s:,.0f} rows/s; {load_s / baseline_s:,.1f}x the time to serialise "
          f"the rows to JSON ({baseline_s:,.2f} s)"
          + (f"; server peak RSS {peak_mb:,.0f} MB" if peak_mb is not None else "") + "\n")
    ping = queries["ping (baseline)"][0]
    print("| query | p50 ms | p95 ms | p50 / ping |\n|---|---:|---:|---:|")
    for name, (p50, p95) in queries.items():
        print(f"| {name} | {p50:,.1f} | {p95:,.1f} | {p50 / ping:,.1f}x |")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--graphs", default="snapshot,100000",
                        help="comma-separated: `snapshot` and/or synthetic paper counts (default snapshot,100000)")
    parser.add_argument("--reps", type=int, default=50, help="timed runs per query (default 50)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stores", default=None, help="embedded,neo4j (default: embedded, plus neo4j when "
                                                       "NEO4J_TEST_URI is set)")
    parser.add_argument("--neo4j-batch-sizes", default="",
                        help="also load each graph into Neo4j at these batch sizes (rows per transaction) to tune it")
    parser.add_argument("--neo4j-pid-file", type=Path, default=None,
                        help="the Neo4j server's pid file (e.g. .atlas/neo4j-test/server.pid) to report its peak "
                             "memory; start a fresh server for a peak that is this run's own")
    args = parser.parse_args(argv)
    stores = (args.stores.split(",") if args.stores
              else ["embedded", *(["neo4j"] if os.environ.get("NEO4J_TEST_URI") else [])])
    if "neo4j" in stores and not os.environ.get("NEO4J_TEST_URI"):
        raise SystemExit("--stores neo4j needs NEO4J_TEST_URI (and NEO4J_TEST_USERNAME, NEO4J_TEST_PASSWORD)")
    print(f"stores: {', '.join(stores)}; graphs: {args.graphs}; {args.reps} runs per query; "
          f"{os.cpu_count()} CPUs")
    for graph_name in args.graphs.split(","):
        if graph_name == "snapshot":
            rows = snapshot_rows()
        else:
            rows = synthetic_rows(int(graph_name), args.seed)
            graph_name = f"synthetic {int(graph_name):,}"
        baseline_s = serialise_seconds(rows)
        papers = len(rows[0]["Paper"])
        for store_name in stores:
            opener = embedded_store if store_name == "embedded" else neo4j_store
            with opener() as store:
                loaded, load_s = load_rows(store, rows)
                queries = time_queries(store, rows, args.reps, args.seed)
                peak_mb = peak_rss_mb(server_pid(store, args.neo4j_pid_file))
            report(store_name, graph_name, papers, loaded, load_s, baseline_s, queries, peak_mb)
        for size in filter(None, args.neo4j_batch_sizes.split(",")):
            with neo4j_store(int(size)) as store:
                loaded, load_s = load_rows(store, rows)
            print(f"neo4j batch size {int(size):>6,}: {loaded / load_s:,.0f} rows/s ({load_s:,.1f} s)")
        del rows
        gc.collect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
