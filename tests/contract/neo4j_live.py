"""The real Neo4j server the tests share: how to find it, and which graph it holds now.

`make test` (and `.ci/run`) start Neo4j 5.26 from tools/neo4j-server and export
NEO4J_TEST_URI, NEO4J_TEST_USERNAME and NEO4J_TEST_PASSWORD; the session finds the server
through them. Without them a developer's bare `pytest` runs the embedded store only (and
says so), but under CI=true a missing or unreachable server fails the run: the Neo4j suite
must never be skipped silently.

Neo4j Community has one user database, and the store's questions count nodes by label,
so only one graph can be loaded at a time. `LIVE` is the one lease on it: a fixture asks
for the tiny hand-made graph or the small snapshot, and the lease reloads only when the
other one is loaded (tests/conftest.py runs every small-snapshot test last, so it loads
once).
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from graph import queries as q
from graph.errors import AtlasError
from graph.neo4j_store import Neo4jStore

Loader = Callable[[Neo4jStore, Path], None]
TINY_GRAPH, SMALL_GRAPH = "contract", "small"  # the graph names the tests build (and may delete)
TEST_GRAPHS = frozenset({TINY_GRAPH, SMALL_GRAPH})
BUILT_GRAPHS = "MATCH (b:AtlasBuild) RETURN b.graph AS graph"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def server_environ() -> dict[str, str] | None:
    """NEO4J_* settings for the store from the NEO4J_TEST_* variables, or None when unset."""
    uri = os.environ.get("NEO4J_TEST_URI", "").strip()
    if not uri:
        return None
    return {"NEO4J_URI": uri, "NEO4J_USERNAME": os.environ.get("NEO4J_TEST_USERNAME", "neo4j"),
            "NEO4J_PASSWORD": os.environ.get("NEO4J_TEST_PASSWORD", ""),
            "NEO4J_DATABASE": os.environ.get("NEO4J_TEST_DATABASE", "")}


CONFIGURED = server_environ() is not None
NOT_CONFIGURED = ("Neo4j is not in this run: start it with `make neo4j-test-up` and set NEO4J_TEST_URI, "
                  "NEO4J_TEST_USERNAME, NEO4J_TEST_PASSWORD (`make test` does both)")


def require_configured() -> None:
    """Under CI a run without the Neo4j settings is a broken set-up, not a reason to skip."""
    if not CONFIGURED and in_ci():
        raise pytest.UsageError(f"CI=true but {NOT_CONFIGURED}")


class Lease:
    """The one connection to the test server and the name of the graph loaded in it."""

    def __init__(self) -> None:
        self.store: Neo4jStore | None = None
        self.loaded: str | None = None

    def connect(self) -> Neo4jStore:
        if self.store is None:
            environ = server_environ()
            if environ is None:
                require_configured()
                pytest.skip(NOT_CONFIGURED)
            try:
                store = Neo4jStore.from_environment(environ=environ)
            except AtlasError as exc:  # configured but not answering: always loud
                pytest.fail(f"NEO4J_TEST_URI is set but the server does not answer: {exc}", pytrace=False)
            holds_atlas_data = any(store._read(q.COUNT_LABEL[label])[0]["n"] for label in q.NODE_LABELS)
            graphs = {row["graph"] for row in store._read(BUILT_GRAPHS)}
            if (holds_atlas_data and not graphs) or graphs - TEST_GRAPHS:
                store.close()
                pytest.fail(f"NEO4J_TEST_URI's database holds an MLSys Atlas graph the tests did not create "
                            f"({sorted(graphs - TEST_GRAPHS)}); the tests delete every MLSys Atlas node, so point "
                            "it at a throwaway server (`make neo4j-test-up` starts one)", pytrace=False)
            self.store = store
            atexit.register(store.close)
        return self.store

    def load(self, name: str, loader: Loader, data_dir: Path) -> Neo4jStore:
        """The store holding graph `name` (TINY_GRAPH or SMALL_GRAPH), (re)loaded through `loader` unless it is."""
        store = self.connect()
        store.graph_name = name
        if self.loaded != name:
            self.loaded = None
            store.drop_graph()
            loader(store, data_dir)
            self.loaded = name
        return store


LIVE = Lease()
