"""The stores the contract suite holds to the same answers.

The embedded FalkorDB store always runs (a real server in a temporary directory). Neo4j
runs whenever NEO4J_TEST_URI is set, which `make test` and CI always do: a real Neo4j 5.26
started from tools/neo4j-server (see neo4j_live.py for how the session finds it, and why
a missing server fails under CI instead of skipping). The server must be a throwaway one:
the suite deletes every MLSys Atlas node in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j_live import CONFIGURED, LIVE, TINY_GRAPH
from tiny_graph import tiny_batch

from graph.falkor_store import FalkorStore
from graph.loader import load
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore

STORES = ["embedded", "neo4j"] if CONFIGURED else ["embedded"]


def load_tiny(store: Neo4jStore, _data_dir: Path) -> None:
    with store.building() as target:
        load(target, tiny_batch())


@pytest.fixture(scope="module", params=STORES)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The tiny graph, loaded through the real build path into each store."""
    if request.param == "neo4j":
        yield neo4j_tiny_store(tmp_path_factory)
        return
    built = FalkorStore(tmp_path_factory.mktemp("contract"), "t")
    try:
        with built.building() as target:
            load(target, tiny_batch())
        yield built
    finally:
        built.close()


def neo4j_tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Neo4jStore:
    return LIVE.load(TINY_GRAPH, load_tiny, tmp_path_factory.mktemp("contract-neo4j"))


@pytest.fixture(scope="module")
def neo4j_tiny(tmp_path_factory: pytest.TempPathFactory) -> Neo4jStore:
    """The tiny graph on the real Neo4j only (for what only Neo4j has)."""
    return neo4j_tiny_store(tmp_path_factory)
