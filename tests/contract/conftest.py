"""The stores the contract suite holds to the same answers.

The embedded FalkorDB store always runs (a real server in a temporary directory). Neo4j
joins when NEO4J_TEST_URI is set (`make test-neo4j`): point it at a throwaway database -
the suite deletes every MLSys Atlas node in it before and after, and refuses to start if
that database holds an MLSys Atlas graph it did not create.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from tiny_graph import tiny_batch

from graph import queries as q
from graph.falkor_store import FalkorStore
from graph.loader import load
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore

CONTRACT_GRAPH = "contract"


NEO4J_CONFIGURED = bool(os.environ.get("NEO4J_TEST_URI"))
STORES = ["embedded", "neo4j"] if NEO4J_CONFIGURED else ["embedded"]


def _neo4j_store() -> Neo4jStore:
    uri = os.environ["NEO4J_TEST_URI"]
    environ = {"NEO4J_URI": uri, "NEO4J_USERNAME": os.environ.get("NEO4J_TEST_USERNAME", ""),
               "NEO4J_PASSWORD": os.environ.get("NEO4J_TEST_PASSWORD", ""),
               "NEO4J_DATABASE": os.environ.get("NEO4J_TEST_DATABASE", "")}
    store = Neo4jStore.from_environment(environ=environ)
    store.graph_name = CONTRACT_GRAPH
    holds_atlas_data = any(store._read(q.COUNT_LABEL[label])[0]["n"] for label in q.NODE_LABELS)
    if holds_atlas_data and store.build_status().get("status") is None:
        store.close()
        pytest.skip("NEO4J_TEST_URI's database holds an MLSys Atlas graph the contract suite did not create; "
                    "point NEO4J_TEST_URI/NEO4J_TEST_DATABASE at an empty database")
    store.drop_graph()
    return store


@pytest.fixture(scope="module", params=STORES)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The tiny graph, loaded through the real build path into each store."""
    built: GraphStore
    if request.param == "embedded":
        built = FalkorStore(tmp_path_factory.mktemp("contract"), "t")
    else:
        built = _neo4j_store()
    try:
        with built.building() as target:
            load(target, tiny_batch())
        yield built
    finally:
        if isinstance(built, Neo4jStore):
            built.drop_graph()
        built.close()
