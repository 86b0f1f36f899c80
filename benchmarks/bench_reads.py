"""Large reads from the stores: `FalkorStore.read` (and `Neo4jStore.read`) against the reads they replaced.

Why: a read of tens of thousands of rows makes millions of small acyclic objects (the reply's nested lists,
then the rows). The cyclic collector's scans triggered by those allocations cost more than the read, and the
client's parser (`QueryResult`) followed by the store's `_plain` walked every value twice.
`FalkorStore.read` pauses the collector and decodes the reply in one pass (graph/falkor_reply.py). Three
reads of the same queries, alternating in one process on one graph: the earlier code path (`graph.ro_query` +
`_rows`, collector on), that path with the collector paused, and `FalkorStore.read`.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_reads.py [--rounds 3] [--data-dir DIR | --neo4j]

Without `--data-dir` it builds the tests' small subset of the snapshot in this process (as the tests do) and
reads every node and relationship with their properties (the tests' graph dump). With `--data-dir` (a built
data directory, e.g. the full snapshot's), it reads that graph with the same queries. With `--neo4j` it
builds the small subset into the tests' Neo4j (`make neo4j-test-up`; NEO4J_TEST_* as `make test` exports
them) and compares `Neo4jStore.read` (collector paused) with the same read with the collector running.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import neo4j

from graph import neo4j_store
from graph import queries as q
from graph.config import PROJECT_ROOT
from graph.falkor_store import FalkorStore
from graph.gc_pause import gc_paused
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore

SMALL_SUBSET = ("ML_Seed_Papers.csv", "osdi_base_data.json.gz", "nsdi_base_data.json.gz", "icml2023.json.gz",
                "iclr2022.json.gz")  # tests/conftest.py's


def dump_queries() -> list[str]:
    """Every node and relationship with all its properties (tests/scale/test_scale_bulk.py's `_graph_dump`)."""
    return [*(f"MATCH (n:{label}) RETURN n.id AS id, properties(n) AS props, labels(n) AS labels"
              for label in q.NODE_LABELS),
            *(f"MATCH (a)-[e:{rel}]->(b) RETURN labels(a) AS la, a.id AS a, labels(b) AS lb, b.id AS b, "
              "properties(e) AS props" for rel in q.REL_TYPES)]


def read_before(store: FalkorStore, query: str) -> list[dict]:
    """The read as it was: the client's parser, then the store's conversion to plain values."""
    graph = store.db.select_graph(store.graph_name)
    return store._rows(store._call(graph.ro_query, query, None))


def read_before_paused(store: FalkorStore, query: str) -> list[dict]:
    with gc_paused():
        return read_before(store, query)


def neo4j_read_before(store: Neo4jStore, query: str) -> list[dict]:
    """Neo4jStore's read as it was: the same session and transaction function, the collector on."""
    with store._errors(), store._session(neo4j.READ_ACCESS) as session:
        return session.execute_read(store._read_fn(neo4j_store._fetch), query, {})


def timed(read, store: GraphStore, queries: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    rows = sum(len(read(store, query)) for query in queries)
    return time.perf_counter() - started, rows


def open_neo4j() -> Neo4jStore:
    """The tests' Neo4j (`make neo4j-test-up`: NEO4J_TEST_* as `make test` exports them), graph "bench-reads"."""
    environ = {"NEO4J_URI": os.environ["NEO4J_TEST_URI"], "NEO4J_USERNAME": os.environ.get("NEO4J_TEST_USERNAME", ""),
               "NEO4J_PASSWORD": os.environ.get("NEO4J_TEST_PASSWORD", ""),
               "NEO4J_DATABASE": os.environ.get("NEO4J_TEST_DATABASE", "")}
    store = Neo4jStore.from_environment(environ=environ)
    store.graph_name = "bench-reads"
    return store


def built_store(args: argparse.Namespace) -> GraphStore:
    if args.data_dir is not None:
        return FalkorStore(args.data_dir)
    from ingest.build import build

    data_dir = Path(tempfile.mkdtemp(prefix="bench-reads-"))
    store = open_neo4j() if args.neo4j else FalkorStore(data_dir)
    build(store, PROJECT_ROOT / "data" / "snapshot", data_dir, quiet=True,
          only_files=lambda path: path.name in SMALL_SUBSET)
    return store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, help="a built data directory (default: build the small subset)")
    parser.add_argument("--neo4j", action="store_true",
                        help="build the small subset into the tests' Neo4j instead and read it from there")
    args = parser.parse_args(argv)
    store = built_store(args)
    try:
        queries = dump_queries()
        print(f"python objects tracked by the collector: {len(gc.get_objects()):,}")
        if isinstance(store, Neo4jStore):
            reads = {"collector on (before)": neo4j_read_before,
                     "`Neo4jStore.read` (paused)": lambda s, query: s.read(query)}
        else:
            reads = {"the client's parser, collector on (before)": read_before,
                     "the client's parser, collector paused": read_before_paused,
                     "`FalkorStore.read` (paused, one-pass decoding)": lambda s, query: s.read(query)}
        seconds: dict[str, list[float]] = {name: [] for name in reads}
        counts = set()
        for _ in range(args.rounds):  # alternating, so that all see the same machine
            for name, read in reads.items():
                took, rows = timed(read, store, queries)
                seconds[name].append(took)
                counts.add(rows)
        assert len(counts) == 1, counts
        print(f"rows read per round: {counts.pop():,}")
        print("| read | " + " | ".join(f"round {i + 1}" for i in range(args.rounds)) + " | median | ÷ before |")
        print("|---|" + "---:|" * (args.rounds + 2))
        baseline = statistics.median(next(iter(seconds.values())))
        for name, values in seconds.items():
            median = statistics.median(values)
            print(f"| {name} | " + " | ".join(f"{v:.2f} s" for v in values)
                  + f" | {median:.2f} s | {median / baseline:.2f} |")
    finally:
        if isinstance(store, Neo4jStore):
            store.drop_graph()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
