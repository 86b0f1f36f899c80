"""Related papers (graph/related.py) answer alike on both stores.

On the tiny graph every answer is worked out by hand (see tiny_graph.py): for P2, three
papers share an author, P4 also shares the rare topic "Accelerators" (carried by 2 of 5
papers: weight ln(5/2)/ln 5 = 0.569), P2 cites P1 and P3 cites P2. On the small real
snapshot the same questions are asked of FalkorDB and Neo4j for a sample of papers and
the ranked lists must be equal.
"""

from __future__ import annotations

import random

from graph.falkor_store import FalkorStore
from graph.neo4j_store import Neo4jStore
from graph.related import related_papers, topic_weights
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
