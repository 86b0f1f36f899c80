"""The projection layer: what the store's rows become, the year filter and the cache."""

from __future__ import annotations

from pathlib import Path

from graph.analytics import clear_cache, projection
from graph.analytics.projections import Projection, recency
from graph.falkor_store import FalkorStore
from graph.loader import load
from tests.analytics.conftest import aid, tiny_batch


def test_coauthor_graph_weights_and_evidence(tiny: Projection) -> None:
    graph = tiny.graph
    assert graph[aid("ana")][aid("dana")]["weight"] == 2
    assert graph[aid("ana")][aid("dana")]["last"] == 2021
    assert [p.id for p in tiny.joint_papers(aid("ana"), aid("dana"))] == ["paper:p12", "paper:p2"]
    assert graph.degree(aid("zoe")) == 0  # solo authors are nodes without links
    assert graph.number_of_nodes() == 13


def test_recency_halves_every_half_life() -> None:
    assert recency(2024, 2024) == 1.0
    assert recency(2021, 2024) == 0.5


def test_year_range_filters_papers_and_links(tiny_store: FalkorStore) -> None:
    early = projection(tiny_store, year_to=2019)
    assert {p for p in early.papers} == {"paper:p1", "paper:p2", "paper:p4"}
    assert early.graph[aid("ana")][aid("dana")]["weight"] == 1
    assert not early.graph.has_node(aid("qi"))


def test_tallies(tiny: Projection) -> None:
    dana = aid("dana")
    assert tiny.author_communities[dana] == {"systems": 3, "ml": 3, "mlsys": 1}
    assert tiny.systems_lean[dana] == 0.5
    assert tiny.author_topics[dana]["software"] == 3
    assert tiny.author_institutions[dana] == {2020: {"inst:uni"}}
    assert tiny.institution_members[("inst:uni", 2020)] == {dana, aid("qi")}


def test_projection_is_cached_per_store_and_range(tiny_store: FalkorStore) -> None:
    assert projection(tiny_store) is projection(tiny_store)
    assert projection(tiny_store, 2019, 2020) is not projection(tiny_store)
    first = projection(tiny_store)
    clear_cache()
    assert projection(tiny_store) is not first


def test_rebuilt_store_invalidates_the_cache(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path, "rebuild")
    try:
        batch = tiny_batch()
        extra = batch.papers.pop()
        with store.building() as target:
            load(target, batch)
        before = projection(store)
        assert extra.id not in before.papers
        batch.papers.append(extra)
        with store.building() as target:
            load(target, batch)
        after = projection(store)
        assert after is not before and extra.id in after.papers
    finally:
        store.close()
