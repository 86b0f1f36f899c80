"""Issue 17, items 2 and 8: no console query stalls the store; NUL bytes are refused cleanly.

Against a real embedded FalkorDB: the limits are read back from the server itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.console import MAX_NESTING, MAX_QUERY_CHARS, refusal_reason, with_row_limit
from graph.errors import InputError, ReadOnlyQueryError
from graph.falkor_server import query_limits
from graph.falkor_store import FalkorStore

from .conftest import environment


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> FalkorStore:
    data_dir: Path = tmp_path_factory.mktemp("console")
    with environment(ATLAS_QUERY_MAX_ROWS="5000"):
        store = FalkorStore(data_dir, "atlas")
    with store.building() as target:
        target.write("UNWIND range(1, 50) AS i CREATE (:Paper {id: 'p' + toString(i), year: 2000 + i % 5})")
    yield store
    store.close()


def _config(store: FalkorStore, name: str) -> int:
    return int(store.db.connection.execute_command("GRAPH.CONFIG", "GET", name)[1])


def test_server_runs_with_timeout_rows_and_memory_limits(store: FalkorStore) -> None:
    """Reproduction: the embedded server ran with no TIMEOUT_MAX, RESULTSET_SIZE or QUERY_MEM_CAPACITY."""
    limits = query_limits()
    assert _config(store, "TIMEOUT_MAX") == limits["TIMEOUT_MAX"] > 0
    assert 0 < _config(store, "TIMEOUT_DEFAULT") <= limits["TIMEOUT_MAX"]
    assert _config(store, "RESULTSET_SIZE") == 5000
    assert _config(store, "QUERY_MEM_CAPACITY") == limits["QUERY_MEM_CAPACITY"] > 0


def test_deep_nesting_is_refused_before_it_reaches_the_server(store: FalkorStore) -> None:
    """Reproduction: `RETURN [[[…1…]]]` 2,000 deep ran for 10+ minutes and blocked both workers."""
    for depth in (MAX_NESTING + 1, 22, 2000):
        query = "RETURN " + "[" * depth + "1" + "]" * depth
        assert "nest more than" in (refusal_reason(query) or "")
        with pytest.raises(ReadOnlyQueryError, match="nest more than"):
            store.run_read_only(query)
    assert store.run_read_only("RETURN " + "[" * MAX_NESTING + "1" + "]" * MAX_NESTING + " AS x")
    assert store.run_read_only("RETURN 1 AS one") == [{"one": 1}]  # the server still answers


def test_oversized_query_is_refused() -> None:
    assert "characters long" in (refusal_reason("RETURN 1 AS x " + " " * MAX_QUERY_CHARS) or "")


def test_row_limit_is_part_of_the_query(store: FalkorStore) -> None:
    """Reproduction: `UNWIND range(1,2000000) AS x RETURN x` (limit 500) sent 2M rows to be cut in Python."""
    assert with_row_limit("UNWIND range(1, 2000000) AS x RETURN x", 500).endswith("LIMIT 500")
    assert with_row_limit("MATCH (n) RETURN n LIMIT 9000", 500) == "MATCH (n) RETURN n LIMIT 500"
    rows = store.run_read_only("UNWIND range(1, 2000000) AS x RETURN x", limit=500)
    assert [r["x"] for r in rows] == list(range(1, 501))
    # Without the limit in the query the server's RESULTSET_SIZE (5,000 here) would be all that stops it.
    assert len(store.read("UNWIND range(1, 2000000) AS x RETURN x")) == 5000


def test_wrapping_keeps_columns_order_and_union(store: FalkorStore) -> None:
    rows = store.run_read_only("MATCH (p:Paper) RETURN p.year AS year, count(p) AS n ORDER BY year DESC;", limit=3)
    assert list(rows[0]) == ["year", "n"] and [r["year"] for r in rows] == [2004, 2003, 2002]
    union = store.run_read_only("RETURN 1 AS x UNION RETURN 2 AS x // trailing comment", limit=10)
    assert sorted(r["x"] for r in union) == [1, 2]
    assert {"label": "Paper"} in store.run_read_only("CALL db.labels()", limit=10)


def test_console_timeout_is_bounded_by_the_server_maximum(store: FalkorStore) -> None:
    assert store.run_read_only("RETURN 1 AS x", timeout_ms=10**9) == [{"x": 1}]


def test_a_runaway_query_is_stopped_by_the_server(store: FalkorStore) -> None:
    with pytest.raises(ReadOnlyQueryError, match="stopped"):
        store.run_read_only("UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y RETURN count(y) AS n",
                            timeout_ms=300)


def test_load_csv_is_refused() -> None:
    for query in ("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
                  "load csv with headers from 'http://127.0.0.1:1/x.csv' as r return r",
                  "MATCH (n) WITH n LIMIT 1 LOAD CSV FROM 'https://example.org' AS r RETURN r"):
        assert "LOAD" in (refusal_reason(query) or "").upper()


def test_nul_bytes_in_parameters_and_queries_are_refused_cleanly(store: FalkorStore) -> None:
    """Reproduction: a NUL byte in a deep-link id broke the page (the server cut the query at the NUL)."""
    assert store.paper("p1\x00' OR 1=1") is None  # a named question: matches nothing, never sent
    with pytest.raises(InputError, match="NUL byte"):
        store.run_read_only("RETURN $x AS x", {"x": ["ok", "bad\x00"]})
    with pytest.raises(InputError, match="NUL byte"):
        store.run_read_only("RETURN 'a\x00b' AS x")
    assert store.read("MATCH (p:Paper {id: $id}) RETURN p.id AS id", {"id": "p1"}) == [{"id": "p1"}]
