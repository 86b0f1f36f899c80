"""Topic analytics on a tiny real embedded store, written through the real loader and tagger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import topic_analytics as ta
from graph.falkor_store import FalkorStore
from graph.ids import institution_id, paper_id, venue_id
from graph.loader import GraphBatch, load
from graph.records import Author, Authorship, Institution, Paper, Provenance
from graph.venues import venue_record
from ingest.topics import tag_papers, taxonomy

PROV = Provenance(["test"], "2026-01-01")
MIT, ETH = institution_id("MIT"), institution_id("ETH Zurich")

# (title, venue, year, [(author id, institution id)])
PAPERS = [
    ("Low-bit quantization for LLM serving", "MLSys", 2023, [("author:ada", MIT), ("author:bo", ETH)]),
    ("Pruning large language models in one shot", "ICML", 2023, [("author:ada", MIT)]),
    ("Differentially private federated learning", "ICML", 2022, [("author:cy", ETH)]),
    ("A cluster scheduler for deep learning training jobs", "OSDI", 2022, [("author:bo", ETH)]),
    ("A log-structured file system for SSDs", "OSDI", 2023, [("author:cy", ETH)]),
]


def batch() -> GraphBatch:
    papers = []
    for title, venue, year, authors in PAPERS:
        pid = paper_id(title=title, year=year)
        papers.append(Paper(id=pid, title=title, year=year, venue_id=venue_id(venue), provenance=PROV,
                            authorships=[Authorship(pid, i, a.split(":")[1], author_id=a, institution_id=inst)
                                         for i, (a, inst) in enumerate(authors)]))
    tag_papers(papers)
    topics, parents = taxonomy()
    return GraphBatch(
        papers=papers,
        authors=[Author(a, a.split(":")[1].title(), provenance=PROV) for a in ("author:ada", "author:bo", "author:cy")],
        venues=[venue_record(v, PROV) for v in ("MLSys", "ICML", "OSDI")],
        institutions=[Institution(MIT, "MIT", "US", provenance=PROV), Institution(ETH, "ETH Zurich", "CH",
                                                                                   provenance=PROV)],
        topics=topics, topic_parents=parents)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    s = FalkorStore(Path(tmp_path_factory.mktemp("topics-store")), "topics")
    with s.building():
        load(s, batch())
    yield s
    s.close()


def test_label_year_counts_with_shares(store: FalkorStore) -> None:
    rows = ta.label_year_counts(store, kind="topic")
    by_key = {(r["label"], r["year"]): r for r in rows}
    assert by_key[("llm", 2023)]["papers"] == 2
    assert by_key[("llm", 2023)]["share"] == pytest.approx(2 / 3, abs=1e-3)  # 3 papers in 2023, 2 about LLMs
    assert by_key[("scheduling_resource_mgmt", 2022)]["papers"] == 1
    assert {r["kind"] for r in rows} == {"topic"}
    pillars = {(r["label"], r["year"]): r["papers"] for r in ta.label_year_counts(store, kind="pillar")}
    assert pillars[("metrics", 2023)] == 2 and ("software", 2022) in pillars


def test_shares_within_a_venue_community_count_only_its_papers(store: FalkorStore) -> None:
    rows = {(r["label"], r["community"], r["year"]): r for r in ta.label_community_year_counts(store, kind="topic")}
    assert rows[("llm", "ml", 2023)]["papers"] == 1
    assert rows[("llm", "ml", 2023)]["share"] == 1.0  # the one ICML paper of 2023 (a third of all 2023 papers)
    assert rows[("llm", "mlsys", 2023)]["share"] == 1.0
    assert rows[("scheduling_resource_mgmt", "systems", 2022)]["share"] == 1.0
    assert ("llm", "systems", 2023) not in rows  # the OSDI 2023 paper is about file systems


def test_label_venue_and_community_counts(store: FalkorStore) -> None:
    venues = ta.label_venue_counts(store, kind="topic")
    assert {"label": "llm", "kind": "topic", "venue": "ICML", "community": "ml", "year": 2023, "papers": 1} in venues
    communities = {(r["label"], r["community"]): r["papers"] for r in ta.label_community_counts(store)}
    assert communities[("llm", "mlsys")] == 1 and communities[("llm", "ml")] == 1
    assert communities[("scheduling_resource_mgmt", "systems")] == 1


def test_cooccurrence(store: FalkorStore) -> None:
    pairs = {(r["a"], r["b"]): r for r in ta.cooccurrence(store, kind="topic")}
    pair = pairs[("hardware_efficient_ml", "llm")]
    assert pair["papers"] == 2 and pair["jaccard"] == pytest.approx(1.0)
    assert all(a < b for a, b in pairs)
    assert ta.cooccurrence(store, kind="topic", min_papers=3) == []


def test_top_authors_and_institutions(store: FalkorStore) -> None:
    authors = ta.top_authors(store, "llm")
    assert authors[0] == {"id": "author:ada", "name": "Ada", "papers": 2}
    assert {a["id"] for a in authors} == {"author:ada", "author:bo"}
    institutions = ta.top_institutions(store, "llm")
    assert institutions[0] == {"id": MIT, "name": "MIT", "country": "US", "papers": 2}
    assert {i["id"]: i["papers"] for i in institutions}[ETH] == 1
    assert ta.top_authors(store, "recommendation_systems") == []


def test_top_papers_carry_evidence(store: FalkorStore) -> None:
    papers = ta.top_papers(store, "llm", limit=5)
    assert len(papers) == 2
    assert all(p["evidence"] and p["score"] >= 0.5 for p in papers)
    assert papers == sorted(papers, key=lambda p: -p["score"])
    assert ta.labels_present(ta.label_year_counts(store)) == sorted({r["label"] for r in
                                                                     ta.label_year_counts(store)})


def test_a_paper_without_ml_gets_no_topic(store: FalkorStore) -> None:
    titles = {p["title"] for label in ("software", "metrics", "hardware") for p in ta.top_papers(store, label, 50)}
    assert "A log-structured file system for SSDs" not in titles


def test_all_tables_read_the_facts_once_and_answer_as_each_table_does(store: FalkorStore,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`mlsys-atlas warm` asks every table through `all_tables`: one read of the facts, the same rows."""
    from graph import queries as q
    from graph.analytics.projections import projection

    proj = projection(store)
    for key in [k for k in proj._memo if isinstance(k, tuple) and k[:2] == ("answer", "topic_table")]:
        del proj._memo[key]
    expected = {(name, kind): getattr(ta, name)(store, kind) for name in ta.TABLES for kind in ("pillar", "topic")}
    assert any(expected.values())
    reads: list[str] = []
    read = store.read

    def counted(query: str, params: dict | None = None) -> list:
        reads.append(query)
        return read(query, params)

    monkeypatch.setattr(store, "read", counted)
    ta.all_tables(store, proj)
    assert reads.count(q.TOPIC_PAPER_FACTS) == 1
    assert {(name, kind): ta.table(store, proj, name, kind)
            for name in ta.TABLES for kind in ("pillar", "topic")} == expected
    assert reads.count(q.TOPIC_PAPER_FACTS) == 1  # memoised: the second asking reads nothing
