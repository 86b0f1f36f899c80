"""Every question the explorer asks, asked of both stores holding the same small snapshot.

The embedded store (`small_store`) and the real Neo4j (`neo4j_small`) are built by the
same build path from the same files (tests/conftest.py); each question of ui/data.py and
the analytics projections is asked of both with the same arguments, for a fixed sample
of people, papers and institutions, and the answers must be equal.

What may differ is pinned here as well: where a statement's ORDER BY leaves ties open,
the two databases may order tied rows differently, so those answers are compared as
the same sort-key sequence plus the same rows (`same_up_to_ties`); and `collect()` keeps
no order, so the topic labels of a search row or a paper id are compared as sets. Statements that
cut a list with LIMIT break ties on an id, so the same rows are cut on both stores
(found by this test: the ego network's 30 strongest co-authors differed). Abstract
search, the other intended difference, is pinned on the tiny graph in
test_store_contract.py.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from graph import explore
from graph import queries as q
from graph.falkor_store import FalkorStore
from graph.neo4j_store import Neo4jStore
from graph.store import Row

SAMPLE = random.Random(7)


def canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def same_up_to_ties(a: Sequence[Row], b: Sequence[Row], key: Callable[[Row], Any]) -> None:
    """Same rows, in the same order of the statement's sort key; rows with equal keys in any order."""
    assert [key(r) for r in a] == [key(r) for r in b]
    assert sorted(map(canon, a)) == sorted(map(canon, b))


@pytest.fixture(scope="module")
def sample(small_store: FalkorStore) -> dict[str, list[str]]:
    authors = sorted(r["id"] for r in small_store.author_names())
    top = [r["id"] for r in sorted(small_store.author_names(), key=lambda r: (-r["papers"], r["id"]))[:10]]
    papers = sorted(r["paper"] for r in small_store.coauthor_papers())
    institutions = sorted(r["id"] for r in explore.institution_index_rows(small_store))
    return {"authors": top + SAMPLE.sample(authors, 15), "papers": SAMPLE.sample(papers, 15),
            "institutions": SAMPLE.sample(institutions, 8)}


def test_parity_graph_wide(small_store: FalkorStore, neo4j_small: Neo4jStore) -> None:
    assert neo4j_small.counts() == small_store.counts()
    assert neo4j_small.source_freshness() == small_store.source_freshness()
    assert explore.venues(neo4j_small) == explore.venues(small_store)
    assert explore.topics(neo4j_small) == explore.topics(small_store)
    for community in ("mlsys", "systems", "ml"):
        same_up_to_ties(explore.top_authors(neo4j_small, community, 50),
                        explore.top_authors(small_store, community, 50), key=lambda r: r.get("papers"))


def test_parity_search_indexes(small_store: FalkorStore, neo4j_small: Neo4jStore) -> None:
    """The rows the typo-tolerant name and title indexes are made from."""
    for rows in (explore.author_index_rows, explore.institution_index_rows):
        assert sorted(map(canon, rows(neo4j_small))) == sorted(map(canon, rows(small_store)))
    assert sorted(explore.title_keys(neo4j_small)) == sorted(explore.title_keys(small_store))


@pytest.mark.parametrize(("text", "kwargs"), [
    ("attention", {}),
    ("distributed training", {}),
    ("", {"venues": ["OSDI"], "year_from": 2020, "year_to": 2022}),
    ("serving", {"pillar": "software"}),
    ("graph", {"include_abstracts": True}),
    ("learning", {"venues": ["ICML", "ICLR"]}),
])
def test_parity_paper_search(small_store: FalkorStore, neo4j_small: Neo4jStore, text: str,
                             kwargs: dict[str, Any]) -> None:
    def rows(store: Any) -> list[Row]:  # ranked in Python on (tier, year, title key): no open ties
        return [{**r, "topics": sorted(r["topics"])} for r in explore.search_papers(store, text, **kwargs)]

    assert rows(neo4j_small) == rows(small_store) != []


@pytest.mark.parametrize("text", ["chen", "zhang wei", "matei", "garcía", "o'brien"])
def test_parity_store_searches(small_store: FalkorStore, neo4j_small: Neo4jStore, text: str) -> None:
    same_up_to_ties(neo4j_small.search_authors(text, 200), small_store.search_authors(text, 200),
                    key=lambda r: (r["papers"], r["name"]))
    same_up_to_ties(neo4j_small.search_people(text, 200), small_store.search_people(text, 200),
                    key=lambda r: (r["papers"], r["name"]))
    same_up_to_ties(neo4j_small.search_institutions(text, 200), small_store.search_institutions(text, 200),
                    key=lambda r: (r["authors"], r["name"]))
    same_up_to_ties(neo4j_small.search_papers(text, 200), small_store.search_papers(text, 200),
                    key=lambda r: (r["year"], r["title"]))


def test_parity_people(small_store: FalkorStore, neo4j_small: Neo4jStore, sample: dict[str, list[str]]) -> None:
    for author_id in sample["authors"]:
        assert neo4j_small.author(author_id) == small_store.author(author_id), author_id
        assert neo4j_small.node(author_id) == small_store.node(author_id), author_id
        same_up_to_ties(neo4j_small.author_papers(author_id), small_store.author_papers(author_id),
                        key=lambda r: (r["year"], r.get("title")))
        assert neo4j_small.author_topics(author_id) == small_store.author_topics(author_id), author_id
        same_up_to_ties(neo4j_small.coauthors(author_id), small_store.coauthors(author_id),
                        key=lambda r: (r["joint_papers"], r["last_year"], r["name"]))
        same_up_to_ties(neo4j_small.author_institutions(author_id), small_store.author_institutions(author_id),
                        key=lambda r: r["year"])
        ours, theirs = explore.ego_network(neo4j_small, author_id), explore.ego_network(small_store, author_id)
        assert (ours.nodes, ours.edges) == (theirs.nodes, theirs.edges), author_id
        assert explore.node_provenance(neo4j_small, author_id) == explore.node_provenance(small_store, author_id)


def test_parity_papers(small_store: FalkorStore, neo4j_small: Neo4jStore, sample: dict[str, list[str]]) -> None:
    ids = tuple(sample["papers"])
    for paper_id in ids:
        assert neo4j_small.paper(paper_id) == small_store.paper(paper_id), paper_id
        cited, citing = explore.paper_citations(neo4j_small, paper_id)
        their_cited, their_citing = explore.paper_citations(small_store, paper_id)
        assert sorted(map(canon, cited)) == sorted(map(canon, their_cited))
        assert sorted(map(canon, citing)) == sorted(map(canon, their_citing))
        ours = explore.neighbourhood(neo4j_small, paper_id, limit=200)
        assert sorted(map(canon, ours)) == sorted(map(canon, explore.neighbourhood(small_store, paper_id, limit=200)))
    assert explore.paper_author_lists(neo4j_small, ids) == explore.paper_author_lists(small_store, ids)
    def topic_sets(store: Any) -> dict[str, list[str]]:  # collect() keeps no order
        return {k: sorted(v) for k, v in explore.paper_topics_by_id(store, ids).items()}

    assert topic_sets(neo4j_small) == topic_sets(small_store)


def test_parity_institutions(small_store: FalkorStore, neo4j_small: Neo4jStore,
                             sample: dict[str, list[str]]) -> None:
    with_units = sorted({r["org"] for r in small_store.read(q.INSTITUTION_PARENTS)})[:3]  # pages counting units
    assert with_units
    for inst_id in sample["institutions"] + with_units:
        assert explore.institution(neo4j_small, inst_id) == explore.institution(small_store, inst_id)
        assert explore.institution_units(neo4j_small, inst_id) == explore.institution_units(small_store, inst_id)
        same_up_to_ties(explore.institution_authors(neo4j_small, inst_id),
                        explore.institution_authors(small_store, inst_id),
                        key=lambda r: (r.get("papers_here"), r.get("papers")))
        assert explore.institution_papers_by_year(neo4j_small, inst_id) == explore.institution_papers_by_year(
            small_store, inst_id)
    assert explore.affiliation_coverage(neo4j_small) == explore.affiliation_coverage(small_store)


def test_parity_analytics_projections(small_store: FalkorStore, neo4j_small: Neo4jStore) -> None:
    """The raw material of every analytics page (co-author graph, topics, affiliations)."""
    def rows(store: Any, read: Callable[[Any], list[Row]]) -> list[str]:
        return sorted(canon({k: sorted(v) if isinstance(v, list) else v for k, v in r.items()}) for r in read(store))

    for read in (lambda s: s.coauthor_papers(), lambda s: s.coauthor_papers(2021, 2022), lambda s: s.paper_topic_rows(),
                 lambda s: s.author_institution_rows()):
        assert rows(neo4j_small, read) == rows(small_store, read)
    edges = {"year_from": None, "year_to": None}
    assert rows(neo4j_small, lambda s: s.read(q.COAUTHOR_EDGES, edges)) == rows(
        small_store, lambda s: s.read(q.COAUTHOR_EDGES, edges))
