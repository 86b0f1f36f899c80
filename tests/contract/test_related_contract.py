"""Related papers (graph/related.py) answer alike on both stores.

On the tiny graph every answer is worked out by hand (see tiny_graph.py): for P2, three
papers share an author, P4 also shares the rare topic "Accelerators" (carried by 2 of 5
papers: weight ln(5/2)/ln 5 = 0.569), P2 cites P1 and P3 cites P2. On the small real
snapshot the same questions are asked of FalkorDB and Neo4j for a sample of papers and
the ranked lists must be equal, and the in-memory index (graph/related_index.py) the
explorer answers from must give the store's rows and ranking on both stores.
"""

from __future__ import annotations

import random

from graph import related_index
from graph.falkor_store import FalkorStore
from graph.neo4j_store import Neo4jStore
from graph.related import related_papers, topic_weights
from graph.related_index import RelatedIndex
from graph.store import GraphStore

P1, P2, P3, P4 = (f"paper:doi:10.1/p{i}" for i in range(1, 5))


def test_contract_related_signals(store: GraphStore) -> None:
    assert sorted((r["id"], r["shared"], sorted(r["names"])) for r in store.related_by_authors(P2)) == [
        (P1, 1, ["Ana García"]), (P3, 1, ["Ana García"]), (P4, 1, ["José Müller"])]
    assert store.related_topic_frequencies(P2) == [
        {"id": "topic:accelerators", "label": "accelerators", "name": "Accelerators", "kind": "topic", "papers": 1},
        {"id": "topic:hardware", "label": "hardware", "name": "Hardware systems for ML", "kind": "pillar",
         "papers": 0}]
    assert store.paper_count() == 5
    weights = topic_weights(store.related_topic_frequencies(P2), store.paper_count())
    assert weights == [{"id": "topic:accelerators", "label": "accelerators", "name": "Accelerators", "weight": 569}]
    assert store.related_by_topics(P2, weights) == [
        {"id": P4, "title": "Kernel Fusion, Revisited", "year": 2023, "venue": "OSDI", "weight": 569,
         "labels": ["accelerators"]}]
    assert store.related_by_topics(P2, []) == []
    assert store.related_by_authors("nope") == [] and store.related_topic_frequencies("nope") == []


def test_contract_related_papers_ranked_with_reasons(store: GraphStore) -> None:
    ranked = related_papers(store, P2)
    assert [(r.id, round(r.score, 3), r.reason()) for r in ranked] == [
        (P3, 2.5, "1 shared author (Ana García) · cites this paper"),  # tie with P1: the newer first
        (P1, 2.5, "1 shared author (Ana García) · cited by this paper"),
        (P4, 1.569, "1 shared author (José Müller) · topics: Accelerators"),
    ]
    assert [(r.id, r.reason()) for r in related_papers(store, "paper:t:note")] == [
        (P4, "1 shared author (Dana O'Neil)")]  # no topics, no citations: the author alone
    assert related_papers(store, P2, limit=1)[0].id == P3


def test_parity_related_papers_small(small_store: FalkorStore, neo4j_small: Neo4jStore) -> None:
    """The same ranked list, signal by signal, from both stores on the small real snapshot."""
    papers = sorted(r["paper"] for r in small_store.coauthor_papers())
    sample = random.Random(16).sample(papers, 12)
    assert small_store.paper_count() == neo4j_small.paper_count()
    for paper_id in sample:
        assert neo4j_small.related_topic_frequencies(paper_id) == small_store.related_topic_frequencies(paper_id)
        a, b = related_papers(small_store, paper_id), related_papers(neo4j_small, paper_id)
        assert [(r.id, r.score, r.reason()) for r in b] == [(r.id, r.score, r.reason()) for r in a], paper_id
    assert any(related_papers(small_store, p) for p in sample)  # the sample exercises something


def _signals(source: GraphStore | RelatedIndex, paper_id: str) -> tuple[object, ...]:
    """Every row a signal query answers for one paper (labels of a topic match compared as sets)."""
    weights = topic_weights(source.related_topic_frequencies(paper_id), source.paper_count())
    by_topics = [{**r, "labels": sorted(r["labels"])} for r in source.related_by_topics(paper_id, weights)]
    by_authors = [{**r, "names": sorted(r["names"])} for r in source.related_by_authors(paper_id)]
    return by_authors, source.related_topic_frequencies(paper_id), weights, by_topics


def test_contract_index_answers_as_the_store(store: GraphStore) -> None:
    """The in-memory index (graph/related_index.py) gives the store's rows and ranking on the tiny graph."""
    index = related_index.build(store)
    assert index.paper_count() == store.paper_count() == 5
    for paper_id in (P1, P2, P3, P4, "paper:t:note", "nope"):
        assert _signals(index, paper_id) == _signals(store, paper_id), paper_id
        assert ([(r.id, r.score, r.reason()) for r in related_papers(store, paper_id, index=index)]
                == [(r.id, r.score, r.reason()) for r in related_papers(store, paper_id)]), paper_id
    ids = [P1, P2, "paper:t:note", "nope"]  # labels in no set order: compared as sets
    assert ({k: sorted(v) for k, v in index.paper_topic_labels(ids).items()}
            == {k: sorted(v) for k, v in store.paper_topic_labels(ids).items()})


def _index_parity(store: GraphStore, sample_size: int = 40) -> None:
    papers = sorted(r["paper"] for r in store.coauthor_papers())
    sample = random.Random(16).sample(papers, sample_size)
    index = related_index.build(store)
    assert index.paper_count() == store.paper_count()
    for paper_id in sample:
        assert _signals(index, paper_id) == _signals(store, paper_id), paper_id
        # the candidate lists are cut at a few rows, so ties on the id are exercised too
        for limit in (3, 50):
            assert index.related_by_authors(paper_id, limit) == [
                {**r, "names": sorted(r["names"])} for r in store.related_by_authors(paper_id, limit)], paper_id
        assert ([(r.id, r.score, r.reason()) for r in related_papers(store, paper_id, index=index)]
                == [(r.id, r.score, r.reason()) for r in related_papers(store, paper_id)]), paper_id
    assert any(related_papers(store, p, index=index) for p in sample)


def test_index_answers_as_falkordb_small(small_store: FalkorStore) -> None:
    """Same rows and ranking from the index as from FalkorDB's queries on the small real snapshot."""
    _index_parity(small_store)


def test_index_answers_as_neo4j_small(neo4j_small: Neo4jStore) -> None:
    """Same rows and ranking from the index as from Neo4j's queries on the small real snapshot."""
    _index_parity(neo4j_small)

