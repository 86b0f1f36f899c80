"""What only the Neo4j store has, checked against the real Neo4j 5.26 server (tools/neo4j-server).

The shared questions are in test_store_contract.py; here: the target database named on
every session, settings from Streamlit secrets, the console's READ mode and timeout, the
full-text indexes, the build id the explorer keys its caches on, and the schema.
"""

from __future__ import annotations

import re
from pathlib import Path

import neo4j
import pytest
from neo4j_live import TINY_GRAPH, server_environ

from graph.errors import ConfigError, ReadOnlyQueryError
from graph.fulltext import lucene_query
from graph.neo4j_store import Neo4jStore, streamlit_secrets

P1, P2 = "paper:doi:10.1/p1", "paper:doi:10.1/p2"


def _environ() -> dict[str, str]:
    environ = server_environ()
    assert environ is not None
    return environ


def test_the_home_database_is_resolved_once_and_named_on_every_session(neo4j_tiny: Neo4jStore) -> None:
    environ = {**_environ(), "NEO4J_DATABASE": ""}
    store = Neo4jStore.from_environment(environ=environ)
    try:
        assert store.database == "neo4j"  # the home database, asked once at connect
        with store._session() as session:
            assert session._config.database == "neo4j"
    finally:
        store.close()


def test_a_database_that_does_not_exist_is_a_clear_configuration_error(neo4j_tiny: Neo4jStore) -> None:
    store = Neo4jStore.from_environment(environ={**_environ(), "NEO4J_DATABASE": "nosuchdb"})
    try:
        with pytest.raises(ConfigError, match="has no database 'nosuchdb'"):
            store.node("author:ana")
    finally:
        store.close()


@pytest.mark.parametrize("shape", ["section", "top-level"])
def test_streamlit_secrets_connect(neo4j_tiny: Neo4jStore, tmp_path: Path, shape: str) -> None:
    env = _environ()
    if shape == "section":
        text = (f'[neo4j]\nuri = "{env["NEO4J_URI"]}"\nusername = "{env["NEO4J_USERNAME"]}"\n'
                f'password = "{env["NEO4J_PASSWORD"]}"\n')
    else:
        text = "".join(f'{key} = "{value}"\n' for key, value in env.items() if value)
    (tmp_path / "secrets.toml").write_text(text)
    secrets = streamlit_secrets([tmp_path / "missing.toml", tmp_path / "secrets.toml"])
    store = Neo4jStore.from_environment(secrets, environ={})
    try:
        store.graph_name = TINY_GRAPH
        assert store.author("author:ana")["name"] == "Ana García"  # type: ignore[index]
        assert env["NEO4J_PASSWORD"] not in repr(store)
    finally:
        store.close()


def test_unreadable_secrets_are_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "secrets.toml").write_text("[neo4j\nuri = ")
    with pytest.raises(ConfigError, match="Cannot read Streamlit secrets"):
        streamlit_secrets([tmp_path / "secrets.toml"])


def test_the_console_runs_in_a_read_session_the_server_enforces(neo4j_tiny: Neo4jStore) -> None:
    # Past the client-side check (a procedure it lets through would be caught the same way):
    # the server itself refuses a write in a READ-mode session.
    with neo4j_tiny._session(neo4j.READ_ACCESS) as session, pytest.raises(Exception, match="AccessMode|read"):
        session.run("CREATE (:Scratch)").consume()
    with pytest.raises(ReadOnlyQueryError):
        neo4j_tiny.run_read_only("MATCH (a:Author) SET a.name = 'x' RETURN a")
    assert neo4j_tiny.author("author:ana")["name"] == "Ana García"  # type: ignore[index]


def test_the_console_timeout_is_enforced_by_the_server(neo4j_tiny: Neo4jStore) -> None:
    slow = "UNWIND range(1, 500000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n"
    with pytest.raises(ReadOnlyQueryError, match=r"stopped after the 0\.5 s limit"):
        neo4j_tiny.run_read_only(slow, timeout_ms=500)
    assert neo4j_tiny.run_read_only("RETURN 1 AS one") == [{"one": 1}]  # the connection is still good


def test_ranked_search_goes_through_the_full_text_indexes(neo4j_tiny: Neo4jStore) -> None:
    assert [r["id"] for r in neo4j_tiny.search_ranked("serv", "papers")] == [P1]
    assert [r["id"] for r in neo4j_tiny.search_ranked("jose", "authors")] == ["author:jose"]
    assert [r["id"] for r in neo4j_tiny.search_ranked("zurich", "institutions")] == ["inst:eth"]
    scores = [r["score"] for r in neo4j_tiny.search_ranked("a", "authors")]
    assert scores == sorted(scores, reverse=True)


def test_lucene_queries_carry_no_user_syntax() -> None:
    assert lucene_query('title:"x" OR go*') == "title AND x AND go*"
    assert lucene_query("Systolic arrays", every_word_a_prefix=True) == "systolic* AND arrays*"
    assert lucene_query("  ") == ""
    assert lucene_query("the art of serving", every_word_a_prefix=True) == "art* AND serving*"
    assert lucene_query("a") == "a*"


def test_the_build_id_lives_in_the_graph_and_changes_with_every_build(neo4j_tiny: Neo4jStore) -> None:
    first = neo4j_tiny.build_id()
    assert first and re.fullmatch(r"[0-9a-f]{32}", first)
    with neo4j_tiny.building():
        pass  # a build that writes nothing new still completes as a new build
    second = neo4j_tiny.build_id()
    assert second and second != first
    assert neo4j_tiny.exists()
    neo4j_tiny.record_update("{}", None)  # an incremental ingest changed the graph in place
    third = neo4j_tiny.build_id()
    assert third and third not in (first, second) and neo4j_tiny.exists()


def test_schema_indexes_and_centrality(neo4j_tiny: Neo4jStore) -> None:
    neo4j_tiny.ensure_schema()  # idempotent: a second time changes nothing and raises nothing
    indexes = {i["name"]: i for i in neo4j_tiny.indexes()}
    assert {"atlas_paper_text", "atlas_author_text", "atlas_paper_id", "atlas_author_search_key"} <= set(indexes)
    assert all(i["state"] == "ONLINE" for name, i in indexes.items() if name.startswith("atlas_"))
    assert neo4j_tiny.gds_version() is None  # Community from Maven Central: no GDS plugin
    engine, scores = neo4j_tiny.centrality("pagerank")
    assert engine == "networkx" and set(scores) == {"author:ana", "author:bo", "author:chen", "author:dana",
                                                    "author:jose"}
    info = neo4j_tiny.server_info()
    assert info["version"].startswith("5.26") and info["edition"] == "community"
