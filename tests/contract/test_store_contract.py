"""The same questions, the same answers, on every store.

Every `GraphStore` question is asked of the tiny hand-made graph (tiny_graph.py) and
checked against answers worked out by hand, so a store that differs - in null ordering,
string comparison, collect() or CONTAINS semantics - fails here rather than in the
explorer. Rows whose order the statement leaves open are compared as sets.
"""

from __future__ import annotations

from typing import Any

import pytest
from neo4j_live import CONFIGURED, LIVE, NOT_CONFIGURED, require_configured
from tiny_graph import OLD_AUTHOR_ID, OLD_INSTITUTION_ID, OLD_PAPER_ID, QUOTED_TITLE, SCRIPT_TITLE, tiny_batch

from graph import explore
from graph import queries as q
from graph.errors import ReadOnlyQueryError
from graph.export_neo4j_admin import store_rows
from graph.loader import load, node_rows, rel_rows
from graph.store import GraphStore

P1, P2, P3, P4 = "paper:doi:10.1/p1", "paper:doi:10.1/p2", "paper:doi:10.1/p3", "paper:doi:10.1/p4"
NOTE = "paper:t:note"
NODES = {"Paper": 5, "Author": 5, "Venue": 3, "Institution": 3, "Topic": 4}
RELATIONSHIPS = {"AUTHORED": 10, "PUBLISHED_IN": 5, "AFFILIATED_WITH": 7, "HAS_TOPIC": 5, "PART_OF": 2, "CITES": 3}


def test_contract_includes_neo4j() -> None:
    """The real Neo4j is in every `make test` and CI run; a bare local pytest says how to add it."""
    if not CONFIGURED:
        require_configured()  # raises under CI=true
        pytest.skip(NOT_CONFIGURED)
    assert LIVE.connect().server_info()["version"].startswith("5.26")


def test_contract_graph_exists(store: GraphStore) -> None:
    assert store.exists()


def test_contract_counts(store: GraphStore) -> None:
    counts = store.counts()
    assert counts["nodes"] == NODES
    assert counts["relationships"] == RELATIONSHIPS
    assert counts["papers_per_venue_year"] == [  # nulls sort last on both stores
        {"venue": "ICML", "community": "ml", "year": 2023, "papers": 1},
        {"venue": "ICML", "community": "ml", "year": None, "papers": 1},
        {"venue": "MLSys", "community": "mlsys", "year": 2022, "papers": 1},
        {"venue": "OSDI", "community": "systems", "year": 2021, "papers": 1},
        {"venue": "OSDI", "community": "systems", "year": 2023, "papers": 1},
    ]


def test_contract_source_freshness(store: GraphStore) -> None:
    assert store.source_freshness() == [
        {"source": "dblp", "papers": 4, "retrieved_at": "2024-06-01T00:00:00Z"},
        {"source": "openalex", "papers": 2, "retrieved_at": "2024-05-01T00:00:00Z"},
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("garcia", ["author:ana"]),  # accent-folded name
    ("A. García", ["author:ana"]),  # an alias, as typed
    ("JOSÉ", ["author:jose"]),
    ("muller", ["author:jose"]),
    ("o'neil", ["author:dana"]),
    ("li", ["author:bo"]),
    ("nobody", []),
    ("   ", []),
])
def test_contract_search_authors(store: GraphStore, text: str, expected: list[str]) -> None:
    assert [row["id"] for row in store.search_authors(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("garcia", ["author:ana"]),
    ("ana", ["author:ana"]),  # a word prefix, unlike search_authors: "Dana" does not start with "ana"
    ("gar an", ["author:ana"]),  # every word a prefix, in any order
    ("A. García", ["author:ana"]),  # "a" is a stop word on both stores
    ("JOSÉ", ["author:jose"]),
    ("j muller", ["author:jose"]),
    ("o'neil", ["author:dana"]),
    ("wei chen", ["author:chen"]),
    ("nobody", []),
    ("   ", []),
    ("') MATCH (n) DETACH DELETE n //", []),
    ("-@:{}|*", []),
])
def test_contract_search_people(store: GraphStore, text: str, expected: list[str]) -> None:
    """The full-text people search (FalkorDB's RediSearch, Neo4j's Lucene) answers alike."""
    assert [row["id"] for row in store.search_people(text)] == expected


def test_contract_search_people_rows_are_ordered_by_papers(store: GraphStore) -> None:
    rows = store.search_people("a", 10)  # stop words only: the last is taken as a prefix
    assert [r["id"] for r in rows] == ["author:ana"]
    assert rows[0] == {"id": "author:ana", "name": "Ana García", "papers": 3, "aliases": ["A. García", "Ana Garcia"]}


def test_contract_search_author_rows(store: GraphStore) -> None:
    assert store.search_authors("ana") == [
        {"id": "author:ana", "name": "Ana García", "papers": 3, "aliases": ["A. García", "Ana Garcia"]},
        {"id": "author:dana", "name": "Dana O'Neil", "papers": 2, "aliases": []},
    ]


@pytest.mark.parametrize(("text", "kwargs", "expected"), [
    ("serving", {}, [P1]),
    ("large models", {}, [P1]),
    ("script", {}, [P2]),
    ("schedule", {}, [P3]),
    ("a", {"venue": "OSDI"}, [P1]),
    ("s", {"year_from": 2022, "year_to": 2022}, [P2]),
    ("", {}, []),
    ("systolic", {}, []),
    ("systolic", {"include_abstracts": True}, [P2]),
    ("batching", {"include_abstracts": True}, [P1]),
])
def test_contract_search_papers(store: GraphStore, text: str, kwargs: dict[str, Any], expected: list[str]) -> None:
    assert [row["id"] for row in store.search_papers(text, **kwargs)] == expected


# Where the stores differ on purpose: with abstracts, Neo4j answers from its full-text
# (Lucene) index, which matches whole words and word prefixes in any order; the embedded
# store scans with CONTAINS, which also matches inside words and needs the words adjacent.
# Filters, columns and order (year, then title) stay the same.
@pytest.mark.parametrize(("text", "embedded", "neo4j"), [
    ("batch", [P1], [P1]),  # a word prefix: both
    ("atching", [P1], []),  # inside a word: CONTAINS only
    ("batching fast", [], [P1]),  # words out of order: full-text only
    ("fast with", [P1], [P1]),  # adjacent words, in order: both
    ("with batching the", [], [P1]),  # stop words are not in a full-text index: left out of the query
])
def test_contract_abstract_search_differs_only_in_matching(store: GraphStore, text: str, embedded: list[str],
                                                           neo4j: list[str]) -> None:
    expected = neo4j if store.backend == "neo4j" else embedded
    assert [r["id"] for r in store.search_papers(text, include_abstracts=True)] == expected
    assert store.search_papers(text, include_abstracts=True, venue="MLSys") == []


def test_contract_search_papers_orders_by_year_then_title(store: GraphStore) -> None:
    assert store.search_papers("e") == [  # null is the largest value when sorting: first in DESC order
        {"id": NOTE, "title": "Untitled Workshop Note", "year": None, "venue": "ICML"},
        {"id": P4, "title": "Kernel Fusion, Revisited", "year": 2023, "venue": "OSDI"},
        {"id": P3, "title": "Learning to Schedule; a Study", "year": 2023, "venue": "ICML"},
        {"id": P2, "title": SCRIPT_TITLE, "year": 2022, "venue": "MLSys"},
        {"id": P1, "title": QUOTED_TITLE, "year": 2021, "venue": "OSDI"},
    ]


def test_contract_search_institutions(store: GraphStore) -> None:
    assert store.search_institutions("zurich") == [{"id": "inst:eth", "name": "ETH Zürich", "country": "CH",
                                                    "authors": 2}]
    assert [r["id"] for r in store.search_institutions("i")] == ["inst:eth", "inst:mit", "inst:tsinghua"]


def test_contract_author_names(store: GraphStore) -> None:
    assert sorted((r["id"], r["name"], r["papers"]) for r in store.author_names()) == [
        ("author:ana", "Ana García", 3), ("author:bo", "Bo Li", 2), ("author:chen", "Chen Wei", 1),
        ("author:dana", "Dana O'Neil", 2), ("author:jose", "José Müller", 2)]


def test_contract_entities(store: GraphStore) -> None:
    loaded = next(r for r in node_rows(tiny_batch())["Author"] if r["id"] == "author:bo")
    assert store.node("author:bo") == {"labels": ["Author"], "props": {  # what went in, minus nulls
        "id": "author:bo", **{k: v for k, v in loaded["props"].items() if v is not None}}}
    assert store.node("author:bo")["props"]["aliases"] == []  # type: ignore[index]  # empty lists survive
    assert store.node("nope") is None
    dana = store.author("author:dana")
    assert dana is not None and dana["merge_confidence"] == 0.75 and dana["name"] == "Dana O'Neil"
    assert store.author("nope") is None


def test_contract_ids_of_an_earlier_id_scheme_resolve(store: GraphStore) -> None:
    """Deep links and saved ids of builds before ID_SCHEME 2 reach the node that now holds them as an alias."""
    assert store.current_id(OLD_AUTHOR_ID) == "author:chen"
    assert store.current_id(OLD_PAPER_ID) == "paper:t:note"
    assert store.current_id(OLD_INSTITUTION_ID) == "inst:tsinghua"
    assert store.current_id("author:chen") == "author:chen" and store.current_id("venue:osdi") == "venue:osdi"
    assert store.current_id("author:never-was") is None and store.current_id("nope") is None
    assert store.author(OLD_AUTHOR_ID)["name"] == "Chen Wei"  # type: ignore[index]
    assert store.author(OLD_AUTHOR_ID)["id_aliases"] == [OLD_AUTHOR_ID]  # type: ignore[index]
    assert store.paper(OLD_PAPER_ID)["title"] == "Untitled Workshop Note"  # type: ignore[index]
    assert store.paper(OLD_PAPER_ID)["authors"][0]["id"] == "author:dana"  # type: ignore[index]
    assert store.node(OLD_INSTITUTION_ID)["props"]["id"] == "inst:tsinghua"  # type: ignore[index]
    assert explore.institution(store, OLD_INSTITUTION_ID)["name"] == "Tsinghua University"  # type: ignore[index]
    assert store.author("author:bo")["id_aliases"] == []  # type: ignore[index]


def test_contract_paper(store: GraphStore) -> None:
    paper = store.paper(P1)
    assert paper is not None
    assert (paper["title"], paper["year"], paper["venue"], paper["community"]) == (QUOTED_TITLE, 2021, "OSDI",
                                                                                   "systems")
    assert paper["abstract"] == "We serve models.\nFast, with batching."
    assert paper["sources"] == ["dblp", "openalex"]
    assert paper["authors"] == [
        {"id": "author:ana", "name": "Ana García", "position": 0, "affiliation": "MIT CSAIL",
         "institution_id": "inst:mit", "institution": "MIT"},
        {"id": "author:bo", "name": "Bo Li", "position": 1, "affiliation": "MIT CSAIL",
         "institution_id": "inst:mit", "institution": "MIT"}]
    assert paper["topics"] == [  # by kind ("pillar" < "topic"), then score descending
        {"label": "software", "name": "Software systems for ML", "kind": "pillar", "score": 0.8,
         "evidence": ["serve"]},
        {"label": "inference_serving", "name": "Inference and serving", "kind": "topic", "score": 0.9,
         "evidence": ["serve"]}]
    assert store.paper("nope") is None


def test_contract_author_papers_topics_and_institutions(store: GraphStore) -> None:
    papers = store.author_papers("author:ana")
    assert [(r["id"], r["year"], r["venue"], r["community"], r["position"]) for r in papers] == [
        (P3, 2023, "ICML", "ml", 2), (P2, 2022, "MLSys", "mlsys", 0), (P1, 2021, "OSDI", "systems", 0)]
    assert sorted(map(lambda r: tuple(r.values()), store.author_topics("author:ana"))) == [
        ("accelerators", "topic", 2022, 1), ("hardware", "pillar", 2022, 1), ("inference_serving", "topic", 2021, 1),
        ("software", "pillar", 2021, 1)]
    assert store.author_institutions("author:ana") == [
        {"id": "inst:mit", "name": "MIT", "country": "US", "year": 2021, "papers": 1},
        {"id": "inst:eth", "name": "ETH Zürich", "country": "CH", "year": 2022, "papers": 1},
        {"id": "inst:mit", "name": "MIT", "country": "US", "year": 2023, "papers": 1}]


def test_contract_coauthors_and_ego_network(store: GraphStore) -> None:
    assert store.coauthors("author:ana") == [
        {"id": "author:bo", "name": "Bo Li", "joint_papers": 2, "last_year": 2023},
        {"id": "author:chen", "name": "Chen Wei", "joint_papers": 1, "last_year": 2023},
        {"id": "author:jose", "name": "José Müller", "joint_papers": 1, "last_year": 2022}]
    assert store.coauthors("author:ana", limit=1) == store.coauthors("author:ana")[:1]
    ego = sorted(store.ego_network("author:ana"), key=lambda r: r["id"])
    assert [(r["id"], r["weight"], sorted(r["neighbours"])) for r in ego] == [
        ("author:bo", 2, ["author:chen"]), ("author:chen", 1, ["author:bo"]), ("author:jose", 1, ["author:dana"])]


def test_contract_projections(store: GraphStore) -> None:
    papers = {r["paper"]: (r["year"], r["venue"], sorted(r["authors"])) for r in store.coauthor_papers()}
    assert papers == {P1: (2021, "OSDI", ["author:ana", "author:bo"]),
                      P2: (2022, "MLSys", ["author:ana", "author:jose"]),
                      P3: (2023, "ICML", ["author:ana", "author:bo", "author:chen"]),
                      P4: (2023, "OSDI", ["author:dana", "author:jose"]), NOTE: (None, "ICML", ["author:dana"])}
    assert {r["paper"] for r in store.coauthor_papers(2023, 2023)} == {P3, P4}
    assert len(store.paper_topic_rows()) == 5 and len(store.author_institution_rows()) == 7
    assert store.author_names_by_id(["author:ana", "author:nobody"]) == {"author:ana": "Ana García"}
    assert [r["id"] for r in store.papers_by_id([P2, "nope", P1])] == [P2, P1]


def test_contract_coauthor_edges_are_aggregated_by_the_store(store: GraphStore) -> None:
    edges = {(r["source"], r["target"]): r["weight"] for r in store.read(q.COAUTHOR_EDGES,
                                                                        {"year_from": None, "year_to": None})}
    assert edges == {("author:ana", "author:bo"): 2, ("author:ana", "author:chen"): 1, ("author:bo", "author:chen"): 1,
                     ("author:ana", "author:jose"): 1, ("author:dana", "author:jose"): 1}
    later = store.read(q.COAUTHOR_EDGES, {"year_from": 2022, "year_to": None})  # P2, P3, P4: Bo and Ana once
    assert {(r["source"], r["target"]): r["weight"] for r in later} == {
        ("author:ana", "author:bo"): 1, ("author:ana", "author:chen"): 1, ("author:bo", "author:chen"): 1,
        ("author:ana", "author:jose"): 1, ("author:dana", "author:jose"): 1}


def test_contract_export_reads_back_what_was_loaded(store: GraphStore) -> None:
    nodes, relationships = store_rows(store, page=2)
    batch = tiny_batch()
    expected_nodes = node_rows(batch)
    for label in q.NODE_LABELS:
        assert [r["id"] for r in nodes[label]] == [r["id"] for r in expected_nodes[label]]
    expected_rels = rel_rows(batch)
    for rel_type in q.REL_TYPES:
        assert sum(1 for _ in relationships[rel_type]) == len(expected_rels[rel_type]), rel_type


def test_contract_console_answers_reads_and_refuses_writes(store: GraphStore) -> None:
    assert store.run_read_only("MATCH (v:Venue) RETURN v.name AS name ORDER BY name", limit=2) == [
        {"name": "ICML"}, {"name": "MLSys"}]
    assert store.run_read_only("MATCH (p:Paper) WHERE p.id = $id RETURN p.title AS title", {"id": P2}) == [
        {"title": SCRIPT_TITLE}]
    with pytest.raises(ReadOnlyQueryError):
        store.run_read_only("MATCH (p:Paper) SET p.title = 'defaced'")
    assert store.paper(P2)["title"] == SCRIPT_TITLE  # type: ignore[index]


def test_contract_loading_again_changes_nothing(store: GraphStore) -> None:
    """MERGE semantics: a second load of the same rows (outside a build) leaves every count as it was."""
    load(store, tiny_batch())
    counts = store.counts()
    assert counts["nodes"] == NODES and counts["relationships"] == RELATIONSHIPS
