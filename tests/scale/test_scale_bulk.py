"""GRAPH.BULK gives the same graph as UNWIND + MERGE, on real rows of the snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph import falkor_bulk
from graph import queries as q
from graph.falkor_store import FalkorStore
from graph.loader import load_rows, merge_rows


def _graph_dump(store: FalkorStore) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Every node and relationship with all its properties, in a canonical order."""
    nodes = {}
    for label in q.NODE_LABELS:
        rows = store.read(f"MATCH (n:{label}) RETURN n.id AS id, properties(n) AS props, labels(n) AS labels")
        nodes[label] = sorted((r["id"], sorted(r["props"].items()), r["labels"]) for r in rows)
    rels = {}
    for rel in q.REL_TYPES:
        rows = store.read(f"MATCH (a)-[e:{rel}]->(b) RETURN labels(a) AS la, a.id AS a, labels(b) AS lb, b.id AS b, "
                          "properties(e) AS props")
        rels[rel] = sorted((r["la"], r["a"], r["lb"], r["b"], sorted(r["props"].items())) for r in rows)
    return nodes, rels


def _indexes(store: FalkorStore) -> set[tuple[str, tuple[str, ...]]]:
    graph = store.db.select_graph(store.graph_name)
    return {(row[0], tuple(row[1])) for row in graph.query("CALL db.indexes()").result_set}


@pytest.fixture
def stores(tmp_path: Path) -> Any:
    merged, bulked = FalkorStore(tmp_path / "merge", "atlas"), FalkorStore(tmp_path / "bulk", "atlas")
    yield merged, bulked
    merged.close()
    bulked.close()


@pytest.mark.parametrize("fork", [False, True], ids=["one-process", "edges-packed-in-a-child"])
def test_bulk_loaded_graph_equals_merge_loaded_graph(small_rows: Any, stores: Any, fork: bool) -> None:
    nodes, rels = small_rows
    merged, bulked = stores
    with merged.building() as target:
        merge_rows(target, nodes, rels)
    with bulked.building() as target:
        written = falkor_bulk.load_into_staging(target, nodes, rels, fork=fork)  # the path load_rows takes here
    assert written == {kind: len(rows) for kind, rows in {**nodes, **rels}.items()}
    bulk_dump = _graph_dump(bulked)
    assert sum(map(len, bulk_dump[0].values())) == sum(map(len, nodes.values()))
    assert sum(map(len, bulk_dump[1].values())) == sum(map(len, rels.values()))
    assert bulk_dump == _graph_dump(merged)
    indexes = _indexes(bulked)
    assert indexes == _indexes(merged)
    for statement in q.FALKOR_INDEXES:  # "CREATE INDEX FOR (n:Label) ON (n.prop)"
        label, prop = statement.split(":", 1)[1].split(")", 1)[0], statement.rsplit(".", 1)[1].rstrip(")")
        assert any(index_label == label and prop in props for index_label, props in indexes), statement


def test_load_rows_takes_the_bulk_path_into_an_empty_staging_graph(small_rows: Any, stores: Any) -> None:
    nodes, rels = small_rows
    _, store = stores
    topics = {"Topic": nodes["Topic"], "Institution": nodes["Institution"]}  # PART_OF: topics and units
    with store.building() as target:
        assert load_rows(target, topics, {"PART_OF": rels["PART_OF"]}) == {
            "Topic": len(nodes["Topic"]), "Institution": len(nodes["Institution"]), "PART_OF": len(rels["PART_OF"])}
    # a second load into the live graph MERGEs: idempotent, nothing duplicated
    load_rows(store, topics, {"PART_OF": rels["PART_OF"]})
    assert store.read("MATCH (t:Topic) RETURN count(t) AS n")[0]["n"] == len(nodes["Topic"])
    assert store.read("MATCH ()-[e:PART_OF]->() RETURN count(e) AS n")[0]["n"] == len(rels["PART_OF"])


def test_bulk_is_not_used_on_a_live_or_non_empty_graph(small_rows: Any, stores: Any) -> None:
    """MERGE stays the path for incremental writes: the bulk path declines anything but an empty staging graph."""
    nodes, rels = small_rows
    _, store = stores
    assert falkor_bulk.load_into_staging(store, nodes, rels) is None  # not building: the live graph
    with store.building() as target:
        merge_rows(target, {"Topic": nodes["Topic"]}, {})
        assert falkor_bulk.load_into_staging(target, nodes, rels) is None  # staging already has nodes


def test_values_the_format_cannot_carry_are_refused_before_sending() -> None:
    out = bytearray()
    falkor_bulk.encode_value(["a", 1, 2.5, True, None], out)
    assert out[0] == 5 and len(out) == 9 + 3 + 9 + 9 + 2 + 1
    with pytest.raises(falkor_bulk.BulkEncodingError):
        falkor_bulk.encode_value("a\x00b", bytearray())
    with pytest.raises(falkor_bulk.BulkEncodingError):
        falkor_bulk.encode_value({"nested": "map"}, bytearray())


def test_duplicates_and_dangling_rows_load_as_merge_leaves_them(stores: Any) -> None:
    """Rows with one MERGE key in one batch make one entity (a node keeps the first row's properties, a
    relationship folds them: FalkorDB's own behaviour), and MATCH drops rows whose endpoint is missing
    (the snapshot has AUTHORED rows with an empty author id)."""
    prov = {"sources": ["s"], "retrieved_at": "2024-01-01"}
    nodes = {
        "Author": [{"id": "a1", "props": {"name": "A", "orcid": "x", **prov}},
                   {"id": "a1", "props": {"name": "A.", "orcid": None, **prov}}],
        "Paper": [{"id": "p1", "props": {"title": "T", "year": 2020, **prov}}],
    }
    rels = {
        "AUTHORED": [{"author_id": "a1", "paper_id": "p1", "props": {"position": 0, "name_as_printed": "A", **prov}},
                     {"author_id": "a1", "paper_id": "p1", "props": {"position": 1, "name_as_printed": None, **prov}},
                     {"author_id": "", "paper_id": "p1", "props": {"position": 2, **prov}}],
    }
    merged, bulked = stores
    with merged.building() as target:
        merge_rows(target, nodes, rels)
    with bulked.building() as target:
        assert falkor_bulk.load_into_staging(target, nodes, rels) == {"Author": 2, "Paper": 1, "AUTHORED": 3}
    assert _graph_dump(bulked) == _graph_dump(merged)
    assert len(_graph_dump(bulked)[1]["AUTHORED"]) == 1


def test_tokens_split_into_parts_give_the_same_graph(small_rows: Any, stores: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Large tokens go out in parts (one command each, the next packed while the server inserts):
    with parts of ~4 KB the small snapshot takes hundreds of commands and must load the same graph."""
    nodes, rels = small_rows
    whole, parted = stores
    with whole.building() as target:
        assert falkor_bulk.load_into_staging(target, nodes, rels) is not None
    monkeypatch.setattr(falkor_bulk, "MAX_TOKEN_BYTES", 4096)
    assert sum(1 for _ in falkor_bulk.tokens(nodes, rels, {})) > 100
    with parted.building() as target:
        assert falkor_bulk.load_into_staging(target, nodes, rels) is not None
    assert _graph_dump(parted) == _graph_dump(whole)
    assert _indexes(parted) == _indexes(whole)


@pytest.mark.parametrize("fork", [False, True], ids=["one-process", "edges-packed-in-a-child"])
def test_a_value_refused_after_some_commands_leaves_an_empty_indexed_staging_graph(small_rows: Any,
                                                                                  stores: Any, fork: bool) -> None:
    """The nodes are already in the server when a relationship value is refused (a NUL cannot be sent
    either way): the staging graph is emptied with its indexes kept, so the next load starts clean.
    With `fork` the refusal happens in the child that packs relationships and is raised here."""
    nodes, rels = small_rows
    merged, bulked = stores
    first = rels["AUTHORED"][0]
    broken = {**rels, "AUTHORED": [*rels["AUTHORED"][1:],
                                   {**first, "props": {**first["props"], "name_as_printed": "a\x00b"}}]}
    with merged.building() as target:
        merge_rows(target, nodes, rels)
    with bulked.building() as target:
        assert falkor_bulk.load_into_staging(target, nodes, broken, fork=fork) is None
        graph = target.db.select_graph(target._target)
        assert graph.query("MATCH (n) RETURN count(n)").result_set[0][0] == 0
        assert {(r[0], tuple(r[1])) for r in graph.query("CALL db.indexes()").result_set} == _indexes(merged)
        assert load_rows(target, nodes, rels) is not None
    assert _graph_dump(bulked) == _graph_dump(merged)
