"""`FalkorStore.read` decodes compact replies itself (graph/falkor_reply.py): the same rows as the client's parser.

Why: the store used to take every reply through `falkordb`'s `QueryResult` and then `_plain`; it now decodes
replies of scalars, lists and maps in one pass and leaves anything else to the client. Each value kind, each
parameter kind and the fallback are compared here with what the client's path gives, on a real server.
"""

from __future__ import annotations

from typing import Any

import pytest
import redis
from falkordb.query_result import QueryResult

from graph import falkor_reply
from graph.falkor_store import FalkorStore
from graph.loader import load
from tests.store.test_falkor_store import tiny_batch


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    s = FalkorStore(tmp_path_factory.mktemp("reply"), "reply")
    with s.building() as target:
        load(target, tiny_batch('A <script>alert("x")</script> title, with "quotes" and \\ backslash'))
    yield s
    s.close()


def _client_rows(store: FalkorStore, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The path every read took before: the client's parser, then the store's conversion to plain values."""
    return store._rows(store.db.select_graph(store.graph_name).ro_query(query, params or {}))


SCALARS = """RETURN null AS nothing, 'José Núñez \\'quoted\\' <b>' AS text, '' AS empty, 0 AS zero,
    -9007199254740993 AS big, 0.1 AS tenth, 1.0e300 AS huge, -2.5 AS negative, true AS yes, false AS no,
    [] AS no_items, [1, 'two', 3.0, null, [true, []]] AS items, {} AS no_keys,
    {name: 'x', nested: {list: [1, {deep: null}], flag: false}, n: 7} AS map"""


@pytest.mark.parametrize("query", [
    SCALARS,
    "MATCH (p:Paper) RETURN p.title AS title, properties(p) AS props, labels(p) AS labels",
    "MATCH (a:Author)-[e:AUTHORED]->(p:Paper) RETURN a.id AS a, properties(e) AS props ORDER BY a",
    "MATCH (a:Author) RETURN a.name AS name, a.aliases AS aliases, size(a.aliases) AS count ORDER BY name",
    "MATCH (n:Nothing) RETURN n.id AS id",  # a header and no rows
], ids=["every-scalar-kind", "paper-properties", "edge-properties", "lists-and-counts", "no-rows"])
def test_a_reply_of_scalars_lists_and_maps_reads_as_the_client_parses_it(store: FalkorStore, query: str) -> None:
    assert store.read(query) == _client_rows(store, query)


def test_each_scalar_kind_keeps_its_python_type(store: FalkorStore) -> None:
    (row,) = store.read(SCALARS)
    assert row["nothing"] is None and row["yes"] is True and row["no"] is False
    assert row["big"] == -9007199254740993 and isinstance(row["big"], int)
    assert row["tenth"] == 0.1 and row["huge"] == 1.0e300 and row["negative"] == -2.5
    assert row["items"] == [1, "two", 3.0, None, [True, []]] and row["no_keys"] == {}
    assert row["map"] == {"name": "x", "nested": {"list": [1, {"deep": None}], "flag": False}, "n": 7}
    assert type(row["map"]) is dict and row["text"] == "José Núñez 'quoted' <b>"


@pytest.mark.parametrize("value", [
    'O\'Brien "quoted" \\ back\\slash\nnew line, tab\t and ünïcode ✓', "", "') MATCH (n) DETACH DELETE n //",
    0, -7, 2**53 + 1, 0.25, -1e-9, True, False, None, [1, "a", None, [2.5]], {"k": "v", "n": [1, 2]},
], ids=lambda value: type(value).__name__)
def test_every_parameter_kind_arrives_as_given(store: FalkorStore, value: Any) -> None:
    query = "RETURN $value AS value"
    assert store.read(query, {"value": value}) == _client_rows(store, query, {"value": value}) == [{"value": value}]


def test_a_node_in_the_reply_is_left_to_the_client_and_reads_as_before(store: FalkorStore) -> None:
    query = "MATCH (a:Author) RETURN a AS author, a.id AS id ORDER BY id"
    rows = store.read(query)
    assert rows == _client_rows(store, query)
    assert rows[0]["author"]["labels"] == ["Author"] and rows[0]["author"]["props"]["id"] == rows[0]["id"]


def test_a_failing_query_raises_the_servers_error_as_before(store: FalkorStore) -> None:
    query = "UNWIND [1, 0] AS d RETURN 1 / d AS x"
    with pytest.raises(redis.ResponseError) as before:
        _client_rows(store, query)
    with pytest.raises(redis.ResponseError) as now:
        store.read(query)
    assert str(now.value) == str(before.value) == "Division by zero"


def test_an_error_inside_a_reply_is_left_to_the_client_which_raises_it() -> None:
    """Servers of this version raise errors as the whole reply (above); the client's parser also handles an
    error as the reply's last element, so such a reply is handed to it rather than decoded."""
    reply = [[[1, "x"]], [[[3, 1]]], redis.ResponseError("Query timed out")]
    assert falkor_reply.plain_rows(reply) is None
    with pytest.raises(redis.ResponseError, match="timed out"):
        QueryResult(None, reply)
    assert falkor_reply.plain_rows([[[1, "x"]], [[[3, 1]]], ["Cached execution: 0"]]) == [{"x": 1}]


def test_a_parameter_name_that_is_not_an_identifier_is_quoted_as_the_client_quotes_it(store: FalkorStore) -> None:
    query = "RETURN $`two words` AS value"
    assert store.read(query, {"two words": 1}) == _client_rows(store, query, {"two words": 1}) == [{"value": 1}]


def test_an_unusable_parameter_name_is_refused_before_sending(store: FalkorStore) -> None:
    with pytest.raises(ValueError, match="parameter name"):
        store.read("RETURN 1 AS one", {"a`b": 1})
