"""The build cache: slow analytics computed once per build, saved beside the graph, loaded by a fresh process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import topic_analytics
from graph.analytics import build_cache, clear_cache
from graph.analytics.communities import louvain_communities
from graph.analytics.projections import Projection, projection
from graph.falkor_store import FalkorStore
from graph.loader import load
from tests.analytics.conftest import tiny_batch


@pytest.fixture()
def own_tiny(tmp_path: Path) -> Iterator[FalkorStore]:
    """A tiny store of its own: this test writes a cache file into the store's data directory."""
    store = FalkorStore(tmp_path, "tiny")
    with store.building() as target:
        load(target, tiny_batch())
    yield store
    store.close()
    clear_cache()


def test_precompute_saves_and_a_fresh_process_loads(own_tiny: FalkorStore) -> None:
    clear_cache()
    timings = build_cache.precompute(own_tiny)
    assert {"projection", "communities", "topic leaders", "save"} <= set(timings)
    (path,) = (Path(own_tiny.server.data_dir) / build_cache.CACHE_DIR).glob("analytics-*.pkl")
    expected = louvain_communities(projection(own_tiny), top=50)

    clear_cache()  # what a restarted server sees: nothing in memory
    proj = projection(own_tiny)
    assert ("louvain", 42, 1.0) in proj._memo and ("answer", "topic_leaders", 20) in proj._memo
    assert louvain_communities(proj, top=50) == expected
    assert build_cache.precompute(own_tiny).keys().isdisjoint({"save"})  # already saved for this build
    assert path.exists()


def test_a_changed_store_ignores_the_old_file(own_tiny: FalkorStore) -> None:
    clear_cache()
    build_cache.precompute(own_tiny)
    own_tiny.write("CREATE (:Paper {id: 'paper:extra', title: 'Extra', year: 2021})")
    clear_cache()
    assert build_cache.load(own_tiny, projection(own_tiny).data.fingerprint) is None


def test_cache_can_be_turned_off(own_tiny: FalkorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_BUILD_CACHE", "0")
    clear_cache()
    assert build_cache.save(own_tiny, projection(own_tiny)) is None
    assert not (Path(own_tiny.server.data_dir) / build_cache.CACHE_DIR).exists()


def test_topic_leaders_from_the_projection_match_the_store(small_store: FalkorStore,
                                                           small_projection: Projection) -> None:
    """One pass over the projection gives the same people and institutions as the per-topic store scans."""
    leaders = topic_analytics.leaders_from_projection(small_projection, limit=10)
    labels = sorted(small_projection.topic_kinds)[:6]
    for label in labels:
        assert leaders.get(label, {}).get("authors", []) == topic_analytics.top_authors(small_store, label, 10), label
        assert (leaders.get(label, {}).get("institutions", [])
                == topic_analytics.top_institutions(small_store, label, 10)), label
