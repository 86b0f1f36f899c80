"""The explorer's background warm-up on the real Neo4j runs `mlsys-atlas warm` in a child process too.

Why here: the child reads the Neo4j credentials as the server did (the environment, then the Streamlit secrets
files), so only a real server shows that it connects, computes and saves what the server then takes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j_live import TINY_GRAPH, server_environ

from graph.analytics import build_cache, clear_cache
from graph.analytics.projections import projection
from graph.neo4j_store import Neo4jStore


def test_the_servers_warm_up_on_neo4j_runs_the_warm_command_and_takes_its_answers(
        neo4j_tiny: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import analytics as ui_analytics

    def here(*_: object, **__: object) -> None:
        raise AssertionError("the analytics were computed in the server's process")

    environ = server_environ()
    assert environ is not None
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ATLAS_STORE", "neo4j")  # what the server's settings say (its key is made from them)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))  # where the saved analytics of a Neo4j graph go
    monkeypatch.setenv("ATLAS_GRAPH", TINY_GRAPH)
    clear_cache()
    try:
        proj = projection(neo4j_tiny)
        assert ("answer", "topic_leaders", 20) not in proj._memo
        monkeypatch.setattr(build_cache, "precompute", here)
        ui_analytics._warm(("neo4j", str(tmp_path), TINY_GRAPH, ""))
        assert projection(neo4j_tiny) is proj
        assert ("answer", "topic_leaders", 20) in proj._memo and ("louvain", 42, 1.0) in proj._memo
        assert ("answer", "bridge_people", build_cache.BRIDGE_PEOPLE, "betweenness") in proj._memo
        assert list((tmp_path / build_cache.CACHE_DIR).glob("analytics-*.pkl"))
    finally:
        clear_cache()
