"""The Neo4j store against the real `neo4j` driver, with a recording Bolt stub as the server.

Each test reads back what the driver actually put on the wire - BEGIN with its access
mode and timeout, RUN with our statement and parameters, COMMIT - and scripts what a
Neo4j server answers, including its failure codes.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

import pytest
from bolt_stub import BoltStub, Failure, Query, Reply, closed_port, node
from stub_db import PASSWORD, USER, MiniNeo4j, built, environ_for, graph_runs
from tiny_graph import tiny_batch

from atlas_cli.main import main
from graph import queries as q
from graph.errors import AtlasError, ConfigError, GraphNotBuiltError, ReadOnlyQueryError, StoreUnavailableError
from graph.loader import load, node_rows, rel_rows
from graph.neo4j_store import Neo4jSettings, Neo4jStore, redact_uri
from graph.open import open_store


def rows_of(*columns: str) -> Any:
    """An answer function returning fixed rows for any statement (of a built graph)."""

    def answer(rows: list[list[Any]]) -> Any:
        return built(lambda query: (list(columns), rows))

    return answer


# ---------------------------------------------------------------- settings


def test_settings_come_from_environment_then_secrets() -> None:
    env = {"NEO4J_URI": "neo4j+s://abc.databases.neo4j.io", "NEO4J_USERNAME": "env-user"}
    secrets = {"neo4j": {"uri": "bolt://ignored:7687", "username": "s-user", "password": "s-pass",
                         "database": "atlas"}}
    settings = Neo4jSettings.from_sources(env, secrets)
    assert (settings.uri, settings.username, settings.password, settings.database) == (
        "neo4j+s://abc.databases.neo4j.io", "env-user", "s-pass", "atlas")
    flat = Neo4jSettings.from_sources({}, {"NEO4J_URI": "bolt://db:7687", "NEO4J_PASSWORD": "p"})
    assert flat.uri == "bolt://db:7687" and flat.password == "p" and flat.username is None
    assert "s-pass" not in repr(settings)


@pytest.mark.parametrize(("env", "message"), [
    ({}, "needs NEO4J_URI"),
    ({"NEO4J_URI": "http://neo:7474"}, "must start with one of"),
    ({"NEO4J_URI": "bolt://db", "NEO4J_BATCH_SIZE": "many"}, "whole number"),
    ({"NEO4J_URI": "bolt://db", "NEO4J_BATCH_SIZE": "0"}, "at least 1"),
])
def test_bad_settings_say_how_to_fix_them(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Neo4jSettings.from_sources(env, None)


def test_uris_with_user_info_are_redacted() -> None:
    assert redact_uri("neo4j+s://bob:hunter2@host:7687/x") == "neo4j+s://***@host:7687/x"
    with pytest.raises(ConfigError) as caught:
        Neo4jSettings.from_sources({"NEO4J_URI": "http://bob:hunter2@host"}, None)
    assert "hunter2" not in str(caught.value)


def test_open_store_selects_neo4j_from_the_environment(make_stub: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    stub = make_stub()
    for key, value in environ_for(stub).items():
        monkeypatch.setenv(key, value)
    store = open_store("neo4j")
    try:
        assert isinstance(store, Neo4jStore) and store.database == "atlasdb"
        assert PASSWORD not in repr(store)
    finally:
        store.close()
    assert stub.sent("LOGON")[0].fields[0]["principal"] == USER  # verify_connectivity authenticated


# ---------------------------------------------------------------- reads


def test_reads_are_managed_read_transactions_with_a_timeout(make_stub: Any, connect: Any) -> None:
    stub = make_stub(rows_of("props")([[{"id": "author:ana", "name": "Ana García", "aliases": ["A. García"]}]]))
    store = connect(stub)
    assert store.author("author:ana") == {"id": "author:ana", "name": "Ana García", "aliases": ["A. García"]}
    begins = stub.sent("BEGIN")
    assert all(b.fields[0]["mode"] == "r" and b.fields[0]["db"] == "atlasdb" for b in begins)
    assert all(b.fields[0]["tx_timeout"] == 120_000 for b in begins)
    assert [r.text for r in stub.runs] == [q.NEO4J_BUILD_STATUS, q.GET_AUTHOR]  # is it built? then the question
    assert (stub.runs[1].params, stub.runs[1].explicit_tx) == ({"id": "author:ana"}, True)
    assert len(stub.sent("COMMIT")) == 2
    store.author("author:bo")
    assert [r.text for r in stub.runs][2:] == [q.GET_AUTHOR]  # a completed build is remembered


def test_reads_before_a_build_say_the_graph_is_not_built(make_stub: Any, connect: Any) -> None:
    stub = make_stub(MiniNeo4j().answer)
    store = connect(stub)
    with pytest.raises(GraphNotBuiltError, match="mlsys-atlas build"):
        store.counts()
    with pytest.raises(GraphNotBuiltError):
        store.run_read_only("MATCH (n) RETURN n")
    assert {r.text for r in stub.runs} == {q.NEO4J_BUILD_STATUS}


def test_records_become_the_same_plain_rows_as_the_embedded_store(make_stub: Any, connect: Any) -> None:
    paper = node(7, ["Paper"], {"id": "p1", "title": "T", "year": 2021})
    stub = make_stub(rows_of("p", "ids", "n")([[paper, ["a", "b"], None]]))
    store = connect(stub)
    assert store.read("MATCH (p:Paper) RETURN p, ['a', 'b'] AS ids, null AS n") == [
        {"p": {"labels": ["Paper"], "props": {"id": "p1", "title": "T", "year": 2021}}, "ids": ["a", "b"], "n": None}]


def test_reads_go_to_followers_and_see_earlier_writes(make_stub: Any, connect: Any) -> None:
    """In a cluster the driver routes reads to READ members, carrying the bookmark of our last write."""
    follower = make_stub(rows_of("n")([[3]]), name="follower")
    leader = make_stub(name="leader", routing_table=lambda stub: {"ttl": 300, "db": "atlasdb", "servers": [
        {"addresses": [stub.address], "role": "ROUTE"},
        {"addresses": [stub.address], "role": "WRITE"},
        {"addresses": [follower.address], "role": "READ"}]})
    store = connect(leader, scheme="neo4j")
    store.merge_nodes("Venue", [{"id": "venue:osdi", "props": {"name": "OSDI"}}])
    assert store.read(q.COUNT_LABEL["Venue"]) == [{"n": 3}]
    assert [r.text for r in leader.runs] == [q.MERGE_NODES["Venue"]]
    assert [r.text for r in graph_runs(follower)] == [q.COUNT_LABEL["Venue"]]
    assert len(leader.committed) == 1  # the write committed on the leader
    first_read = follower.sent("BEGIN")[0].fields[0]
    assert first_read["mode"] == "r"
    assert any(b.startswith("leader:") for b in first_read["bookmarks"])  # waits for that write (causal chain)


# ---------------------------------------------------------------- writes


def test_merges_are_batched_write_transactions(make_stub: Any, connect: Any) -> None:
    stub = make_stub()
    store = connect(stub)
    rows = [{"id": f"paper:{i}", "props": {"title": f"T{i}"}} for i in range(5)]
    assert store.merge_nodes("Paper", rows, batch_size=2) == 5
    assert [r.text for r in stub.runs] == [q.MERGE_NODES["Paper"]] * 3
    assert [r.params["rows"] for r in stub.runs] == [rows[0:2], rows[2:4], rows[4:5]]
    assert all(r.mode == "w" and r.explicit_tx for r in stub.runs)
    assert len(stub.committed) == 3


def test_default_batch_size_comes_from_settings(make_stub: Any, connect: Any) -> None:
    stub = make_stub()
    store = connect(stub, NEO4J_BATCH_SIZE="3")
    store.merge_rels("CITES", [{"paper_id": f"p{i}", "cited_id": "p0", "props": {}} for i in range(7)])
    store.write_batches(q.MERGE_NODES["Venue"], [{"id": f"v{i}", "props": {}} for i in range(4)])  # the shared hook
    assert [len(r.params["rows"]) for r in stub.runs] == [3, 3, 1, 3, 1]


def test_a_transient_failure_is_retried_by_the_driver(make_stub: Any, connect: Any) -> None:
    attempts: list[Query] = []

    def deadlock_once(queries: list[Query]) -> None:
        attempts.append(queries[0])
        if len(attempts) == 1:
            raise Failure("Neo.TransientError.Transaction.DeadlockDetected", "ForsetiClient can't acquire lock")

    stub = make_stub(on_commit=deadlock_once)
    store = connect(stub)
    rows = [{"id": "venue:osdi", "props": {"name": "OSDI"}}]
    store.merge_nodes("Venue", rows)
    assert [a.params["rows"] for a in attempts] == [rows, rows]  # the same batch, sent again
    assert len(stub.committed) == 1


def test_a_server_that_stays_busy_is_reported_as_unavailable(make_stub: Any, connect: Any) -> None:
    def always_busy(queries: list[Query]) -> None:
        raise Failure("Neo.TransientError.General.MemoryPoolOutOfMemoryError", "out of memory")

    stub = make_stub(on_commit=always_busy)
    store = connect(stub, driver_config={"max_transaction_retry_time": 0.05})
    with pytest.raises(StoreUnavailableError, match="stayed busy"):
        store.merge_nodes("Venue", [{"id": "venue:osdi", "props": {}}])
    assert len(stub.sent("COMMIT")) >= 2  # retried before giving up


def test_a_statement_error_is_not_retried(make_stub: Any, connect: Any) -> None:
    def broken(query: Query) -> Reply:
        raise Failure("Neo.ClientError.Statement.SyntaxError", "Invalid input 'MERG'")

    stub = make_stub(broken)
    store = connect(stub)
    with pytest.raises(AtlasError, match=r"rejected a statement \(Neo.ClientError.Statement.SyntaxError\)"):
        store.write(q.MERGE_NODES["Venue"], {"rows": []})
    assert len(stub.runs) == 1


def test_loading_a_batch_sends_every_row_once(make_stub: Any, connect: Any) -> None:
    db = MiniNeo4j()
    stub = make_stub(db.answer, on_commit=db.on_commit)
    store = connect(stub)
    batch = tiny_batch()
    with store.building() as target:
        written = load(target, batch)
    expected = {**node_rows(batch), **rel_rows(batch)}
    assert written == {kind: len(rows) for kind, rows in expected.items()}
    for kind, rows in expected.items():
        statement = q.MERGE_NODES.get(kind) or q.MERGE_RELS[kind]
        assert db.rows[statement] == rows
    assert store.exists() and db.build["status"] == "complete"
    assert db.checkpoints == {}  # cleared once the build completed


def test_an_interrupted_build_resumes_after_the_last_committed_batch(make_stub: Any, connect: Any) -> None:
    db = MiniNeo4j()
    stub = make_stub(db.answer, on_commit=db.on_commit)
    store = connect(stub, NEO4J_BATCH_SIZE="2")
    rows = [{"id": f"paper:{i}", "props": {"title": f"T{i}"}} for i in range(5)]
    db.fail_on = lambda query: (Failure("Neo.DatabaseError.General.UnknownError", "disk full")
                                if query.text == q.MERGE_NODES["Paper"] and query.params["rows"][0]["id"] == "paper:4"
                                else None)
    with pytest.raises(AtlasError, match="disk full"), store.building() as target:
        target.merge_nodes("Paper", rows)
    assert not store.exists() and db.build["status"] == "building"
    assert len(db.checkpoints) == 2 and db.rows[q.MERGE_NODES["Paper"]] == rows[:4]

    db.fail_on = lambda query: None
    sent_before = len(stub.runs)
    with store.building() as target:
        target.merge_nodes("Paper", rows)
    resumed = [r.params["rows"] for r in stub.runs[sent_before:] if r.text == q.MERGE_NODES["Paper"]]
    assert resumed == [rows[4:]] and store.skipped_rows == 4
    assert db.rows[q.MERGE_NODES["Paper"]] == rows  # every row committed exactly once over both runs
    assert store.exists() and db.checkpoints == {}


def test_schema_set_up_sends_every_statement_then_waits_for_indexes(make_stub: Any, connect: Any) -> None:
    stub = make_stub()
    connect(stub).ensure_schema()
    assert [r.text for r in stub.runs] == [*q.NEO4J_SCHEMA, q.NEO4J_AWAIT_INDEXES]
    assert all("IF NOT EXISTS" in r.text for r in stub.runs[:-1])


def test_indexes_still_populating_are_a_warning_not_an_error(make_stub: Any, connect: Any,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    def slow_indexes(query: Query) -> Reply:
        if query.text == q.NEO4J_AWAIT_INDEXES:
            raise Failure("Neo.ClientError.Procedure.ProcedureCallFailed", "Timed out waiting for indexes")
        return [], []

    connect(make_stub(slow_indexes)).ensure_schema()
    assert "still being populated" in caplog.text


# ---------------------------------------------------------------- the console


def test_console_runs_in_a_read_session_with_timeout_and_row_limit(make_stub: Any, connect: Any) -> None:
    stub = make_stub(rows_of("i")([[i] for i in range(10)]))
    store = connect(stub)
    rows = store.run_read_only("UNWIND range(0, 9) AS i RETURN i", limit=3, timeout_ms=2500)
    assert rows == [{"i": 0}, {"i": 1}, {"i": 2}]
    [run] = graph_runs(stub)
    assert (run.mode, run.tx_timeout, run.explicit_tx, run.db) == ("r", 2500, False, "atlasdb")
    assert stub.sent("PULL")[-1].fields[0]["n"] == 4  # limit + 1, never the whole result
    assert stub.sent("DISCARD")  # the rest is dropped on the server


def test_console_refuses_writes_before_sending_anything(make_stub: Any, connect: Any) -> None:
    stub = make_stub(built(lambda query: ([], [])))
    store = connect(stub)
    with pytest.raises(ReadOnlyQueryError, match="read-only: `DETACH`"):
        store.run_read_only("MATCH (n) // harmless?\nDETACH DELETE n")
    assert stub.runs == []


@pytest.mark.parametrize(("code", "message", "shown"), [
    ("Neo.ClientError.Statement.AccessMode", "Writing in read access mode not allowed.", "refused a write"),
    ("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", "terminated", "stopped after the 2 s"),
    ("Neo.ClientError.Statement.SyntaxError", "Invalid input 'RETRN'", "rejected the query: Invalid input 'RETRN'"),
])
def test_console_shows_the_databases_refusal_cleanly(make_stub: Any, connect: Any, code: str, message: str,
                                                     shown: str) -> None:
    def refuse(query: Query) -> Reply:
        raise Failure(code, message)

    store = connect(make_stub(built(refuse)))
    with pytest.raises(ReadOnlyQueryError, match=shown):
        store.run_read_only("MATCH (n) RETURN n", timeout_ms=2000)


# ---------------------------------------------------------------- errors and credentials


def test_wrong_credentials_are_a_config_error_that_never_shows_the_password(
        make_stub: Any, caplog: pytest.LogCaptureFixture) -> None:
    stub = make_stub()
    caplog.set_level(logging.DEBUG)  # the driver's own debug log of the conversation included
    env = {**environ_for(stub), "NEO4J_PASSWORD": PASSWORD + "-wrong"}
    with pytest.raises(ConfigError, match="refused the credentials") as caught:
        Neo4jStore.from_environment(environ=env)
    shown = "".join(traceback.format_exception(caught.value)) + caplog.text
    assert stub.address in str(caught.value)
    assert PASSWORD not in shown and USER not in str(caught.value)


def test_a_down_server_is_store_unavailable() -> None:
    env = {"NEO4J_URI": f"bolt://127.0.0.1:{closed_port()}", "NEO4J_USERNAME": USER, "NEO4J_PASSWORD": PASSWORD}
    with pytest.raises(StoreUnavailableError, match="Cannot reach Neo4j at bolt://127.0.0.1"):
        Neo4jStore.from_environment(environ=env, connection_timeout=2)


def test_an_unknown_database_says_which_setting_to_change(make_stub: Any, connect: Any) -> None:
    def no_such_db(query: Query) -> Reply:
        raise Failure("Neo.ClientError.Database.DatabaseNotFound", "Database does not exist. Database name: 'x'")

    store = connect(make_stub(no_such_db))
    with pytest.raises(ConfigError, match="NEO4J_DATABASE"):
        store.exists()


def test_errors_never_echo_the_password(make_stub: Any, connect: Any) -> None:
    def leaky(query: Query) -> Reply:  # a server message that happens to contain the password
        raise Failure("Neo.ClientError.Statement.ArgumentError", f"bad value {PASSWORD}")

    store = connect(make_stub(leaky))
    with pytest.raises(AtlasError) as caught:
        store.read(q.GET_NODE, {"id": "x"})
    assert "***" in str(caught.value)
    assert PASSWORD not in "".join(traceback.format_exception(caught.value))  # not in a chained cause either


# ---------------------------------------------------------------- search and projections


def test_ranked_search_sends_only_folded_words_to_lucene(make_stub: Any, connect: Any) -> None:
    stub = make_stub(rows_of("id", "name", "papers", "aliases", "score")([["author:jose", "José Müller", 2, [], 1.5]]))
    store = connect(stub)
    assert store.search_ranked("José  MÜLLER~ OR *:*", kind="authors")[0]["id"] == "author:jose"
    [run] = graph_runs(stub)
    assert run.text == q.NEO4J_FULLTEXT_SEARCH["authors"]
    assert run.params == {"lucene": "jose AND muller*", "limit": 20}  # "or": a stop word, left out
    assert store.search_ranked("  ~*  ") == [] and len(graph_runs(stub)) == 1


def test_coauthor_graph_streams_weighted_edges_into_networkx(make_stub: Any, connect: Any) -> None:
    edges = [["a", "b", 2], ["a", "c", 1], ["b", "c", 1]]
    stub = make_stub(rows_of("source", "target", "weight")(edges))
    graph = connect(stub).coauthor_graph(2021, 2023)
    assert sorted(graph.edges(data="weight")) == [("a", "b", 2), ("a", "c", 1), ("b", "c", 1)]
    [run] = graph_runs(stub)
    assert (run.text, run.params, run.mode) == (q.COAUTHOR_EDGES, {"year_from": 2021, "year_to": 2023}, "r")


def test_centrality_falls_back_to_networkx_without_gds(make_stub: Any, connect: Any) -> None:
    def no_gds(query: Query) -> Reply:
        if query.text == q.NEO4J_GDS_VERSION:
            raise Failure("Neo.ClientError.Statement.SyntaxError", "Unknown function 'gds.version'")
        return ["source", "target", "weight"], [["a", "b", 1], ["b", "c", 1]]

    engine, scores = connect(make_stub(built(no_gds))).centrality("betweenness")
    assert engine == "networkx" and scores == {"a": 0.0, "b": 1.0, "c": 0.0}


def test_centrality_uses_gds_on_one_server_and_always_drops_the_projection(make_stub: Any, connect: Any) -> None:
    def gds(query: Query) -> Reply:
        if query.text == q.NEO4J_GDS_VERSION:
            return ["version"], [["2.6.0"]]
        if query.text == q.NEO4J_GDS_STREAM["pagerank"]:
            return ["id", "score"], [["a", 0.5], ["b", 1.5]]
        return ["graph"], [["g"]]

    stub = make_stub(gds)
    engine, scores = connect(stub).centrality("pagerank", year_from=2020)
    assert (engine, scores) == ("gds", {"a": 0.5, "b": 1.5})
    texts = [r.text for r in stub.runs]
    assert texts == [q.NEO4J_GDS_VERSION, q.NEO4J_GDS_PROJECT_COAUTHORS, q.NEO4J_GDS_STREAM["pagerank"],
                     q.NEO4J_GDS_DROP]
    names = {r.params["name"] for r in stub.runs[1:]}
    assert len(names) == 1 and all(r.mode == "w" for r in stub.runs[1:])
    assert len({r.connection for r in stub.runs[1:]}) == 1


def test_a_failed_gds_stream_still_drops_the_projection(make_stub: Any, connect: Any) -> None:
    def failing(query: Query) -> Reply:
        if query.text == q.NEO4J_GDS_VERSION:
            return ["version"], [["2.6.0"]]
        if query.text == q.NEO4J_GDS_STREAM["betweenness"]:
            raise Failure("Neo.ClientError.Procedure.ProcedureCallFailed", "out of heap")
        return [], []

    stub = make_stub(failing)
    with pytest.raises(AtlasError, match="out of heap"):
        connect(stub).centrality("betweenness")
    assert stub.runs[-1].text == q.NEO4J_GDS_DROP


def test_stub_speaks_for_a_real_neo4j_only_where_the_driver_needs_it(make_stub: Any) -> None:
    """Guard the guard: the driver must have negotiated Bolt 5.x with the stub, not something else."""
    stub: BoltStub = make_stub()
    store = Neo4jStore.from_environment(environ=environ_for(stub))
    try:
        assert stub.sent("HELLO") and stub.sent("LOGON")  # Bolt 5.1+ splits HELLO and LOGON
    finally:
        store.close()


# ---------------------------------------------------------------- the `mlsys-atlas neo4j` commands


def test_cli_prints_and_applies_the_schema(make_stub: Any, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["neo4j", "schema"]) == 0
    printed = capsys.readouterr().out
    assert all(f"{statement};" in printed for statement in q.NEO4J_SCHEMA)
    stub = make_stub()
    for key, value in environ_for(stub).items():
        monkeypatch.setenv(key, value)
    assert main(["neo4j", "schema", "--apply"]) == 0
    assert [r.text for r in stub.runs] == [*q.NEO4J_SCHEMA, q.NEO4J_AWAIT_INDEXES]
    assert main(["neo4j", "drop"]) == 2 and "--yes" in capsys.readouterr().err
    assert not any("DETACH DELETE" in r.text for r in stub.runs)


def test_cli_check_reports_server_build_and_gds(make_stub: Any, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    def server(query: Query) -> Reply:
        if query.text == q.NEO4J_SERVER_INFO:
            return ["name", "version", "edition"], [["Neo4j Kernel", "5.26.0", "community"]]
        if query.text == q.NEO4J_GDS_VERSION:
            raise Failure("Neo.ClientError.Statement.SyntaxError", "Unknown function 'gds.version'")
        return MiniNeo4j().answer(query)

    stub = make_stub(server)
    for key, value in environ_for(stub).items():
        monkeypatch.setenv(key, value)
    assert main(["neo4j", "check"]) == 0
    out = capsys.readouterr().out
    assert "Neo4j Kernel 5.26.0 (community)" in out and "never built" in out and "networkx is used" in out
    assert PASSWORD not in out
