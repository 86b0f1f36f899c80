"""The build cache: slow analytics computed once per build, saved beside the graph, loaded by a fresh process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import related_index, topic_analytics
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
    assert {"projection", "communities", "betweenness", "topic leaders", "save"} <= set(timings)
    (path,) = (Path(own_tiny.server.data_dir) / build_cache.CACHE_DIR).glob("analytics-*.pkl")
    expected = louvain_communities(projection(own_tiny), top=50)

    clear_cache()  # what a restarted server sees: nothing in memory
    proj = projection(own_tiny)
    assert ("louvain", 42, 1.0) in proj._memo and ("answer", "topic_leaders", 20) in proj._memo
    assert louvain_communities(proj, top=50) == expected
    assert build_cache.precompute(own_tiny).keys().isdisjoint({"save"})  # already saved for this build
    assert path.exists()


def _saved_memo(store: FalkorStore) -> dict:
    (path,) = (Path(store.server.data_dir) / build_cache.CACHE_DIR).glob("analytics-*.pkl")
    return build_cache._read(path)["memo"]


def test_precompute_with_the_betweenness_forked_saves_the_same_answers(own_tiny: FalkorStore) -> None:
    """`mlsys-atlas warm` computes the betweenness bridge list in a forked child while this process does the
    rest: the saved memo (every answer and whole-graph view) equals the one computed in one process."""
    clear_cache()
    forked = build_cache.precompute(own_tiny, fork=True)
    assert "betweenness (waited for)" in forked  # the child ran (a failed fork falls back to this process)
    beside = _saved_memo(own_tiny)
    ranked = beside[("answer", "bridge_people", build_cache.BRIDGE_PEOPLE, "betweenness")]
    assert ranked and all(person.betweenness for person in ranked)  # the child's answer, handed back

    for path in (Path(own_tiny.server.data_dir) / build_cache.CACHE_DIR).glob("*.pkl"):
        path.unlink()
    clear_cache()
    assert "betweenness" in build_cache.precompute(own_tiny)  # fork=False: here, at the step
    assert _saved_memo(own_tiny) == beside


def test_a_failed_step_stops_the_forked_betweenness(own_tiny: FalkorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    def broken(*_: object) -> None:
        raise RuntimeError("a step failed")

    def slow(*_: object) -> dict:
        import time

        time.sleep(60)
        return {}

    monkeypatch.setattr(topic_analytics, "all_tables", broken)
    monkeypatch.setattr(build_cache, "_betweenness_memos", slow)  # still running when the step fails
    clear_cache()
    with pytest.raises(RuntimeError, match="a step failed"):
        build_cache.precompute(own_tiny, fork=True)
    assert not [c for c in multiprocessing.active_children() if c.name == "atlas-warm-betweenness"]


def test_the_servers_warm_up_runs_the_warm_command_and_takes_its_answers(
        own_tiny: FalkorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The explorer's background warm-up runs `mlsys-atlas warm` in a child process (both cores, this process's
    GIL free) and puts the saved answers into the projection the server holds; nothing is computed here."""
    from ui import analytics as ui_analytics

    def here(*_: object, **__: object) -> None:
        raise AssertionError("the analytics were computed in the server's process")

    monkeypatch.setenv("ATLAS_STORE", "embedded")  # what the server's settings say (its key is made from them)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(own_tiny.server.data_dir))
    monkeypatch.setenv("ATLAS_GRAPH", "tiny")
    clear_cache()
    proj = projection(own_tiny)
    assert ("answer", "topic_leaders", 20) not in proj._memo
    monkeypatch.setattr(build_cache, "precompute", here)
    ui_analytics._warm(("embedded", str(own_tiny.server.data_dir), "tiny", ""))
    assert projection(own_tiny) is proj
    assert ("answer", "topic_leaders", 20) in proj._memo and ("louvain", 42, 1.0) in proj._memo
    assert ("answer", "bridge_people", build_cache.BRIDGE_PEOPLE, "betweenness") in proj._memo
    assert list((Path(own_tiny.server.data_dir) / build_cache.CACHE_DIR).glob("analytics-*.pkl"))



def test_a_failed_warm_command_leaves_the_work_to_the_servers_thread(
        own_tiny: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The child's failure is logged with its own error output, and the thread computes and saves the answers."""
    import sys

    from ui import analytics as ui_analytics

    failing = tmp_path / "python"  # what the warm-up starts as its Python: a command that fails
    failing.write_text("#!/bin/sh\necho 'no warm here' >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setenv("ATLAS_STORE", "embedded")
    monkeypatch.setenv("ATLAS_DATA_DIR", str(own_tiny.server.data_dir))
    monkeypatch.setenv("ATLAS_GRAPH", "tiny")
    clear_cache()
    proj = projection(own_tiny)
    monkeypatch.setattr(sys, "executable", str(failing))
    ui_analytics._warm(("embedded", str(own_tiny.server.data_dir), "tiny", ""))
    assert "mlsys-atlas warm failed (exit 3)" in caplog.text and "no warm here" in caplog.text
    assert ("answer", "topic_leaders", 20) in proj._memo and ("louvain", 42, 1.0) in proj._memo
    assert list((Path(own_tiny.server.data_dir) / build_cache.CACHE_DIR).glob("analytics-*.pkl"))

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


def test_related_index_saved_with_the_build_and_loaded_by_a_fresh_process(own_tiny: FalkorStore) -> None:
    """`precompute` (what `mlsys-atlas warm` runs) saves the related-papers index; a fresh process loads it
    from the file; `loaded` only returns an index for the graph the store holds now, so a changed store
    falls back to its own queries until the index is read again."""
    related_index.forget()
    try:
        assert related_index.loaded(own_tiny) is None  # never read on its own: the page asks the store
        build_cache.precompute(own_tiny)
        (path,) = (Path(own_tiny.server.data_dir) / build_cache.CACHE_DIR).glob("related-*.pkl")
        held = related_index.loaded(own_tiny)
        assert held is not None and related_index.load(own_tiny) is held
        related_index.forget()  # what a restarted server sees
        again = related_index.load(own_tiny)
        assert again is not held and again.ids == held.ids and again.fingerprint == held.fingerprint
        paper_id = next(i for i in held.ids if held.related_by_authors(i))
        assert again.related_by_authors(paper_id) == held.related_by_authors(paper_id) != []
        own_tiny.write("CREATE (:Paper {id: 'paper:extra', title: 'Extra', year: 2021})")
        assert related_index.loaded(own_tiny) is None
        assert related_index.load(own_tiny).paper_count() == held.paper_count() + 1
        related_index.save(own_tiny)
        assert not path.exists() and len(list(path.parent.glob("related-*.pkl"))) == 1  # the old file is removed
    finally:
        related_index.forget()


def test_saved_views_restore_what_the_projection_computes(own_tiny: FalkorStore) -> None:
    """The derived views a fresh process unpickles (issue 16: CLI commands under 5 s) equal the computed
    ones, and a projection that needs none of them never unpickles them."""
    from graph.analytics.people import name_index
    from graph.analytics.projections import SAVED_VIEWS

    clear_cache()
    build_cache.precompute(own_tiny)
    (views_file,) = (Path(own_tiny.server.data_dir) / build_cache.CACHE_DIR).glob("views-*.pkl")
    clear_cache()
    restored = projection(own_tiny)
    assert restored.has_saved_views and restored._saved is None  # read as bytes, not unpickled yet
    computed = Projection(restored.data)
    assert computed.restore("graph") is build_cache_missing()
    for name in SAVED_VIEWS[2:]:
        assert getattr(restored, name) == getattr(computed, name), name
    assert sorted(restored.graph.edges(data=True)) == sorted(computed.graph.edges(data=True))
    assert list(restored.graph.nodes) == list(computed.graph.nodes)
    assert restored.author_papers == computed.author_papers
    assert name_index(restored).parts() == name_index(computed).parts()
    assert name_index(restored).match("Dana Bridge") == name_index(computed).match("Dana Bridge")
    assert build_cache.precompute(own_tiny).keys().isdisjoint({"save"})  # saved with its views: nothing new
    views_file.unlink()  # a file written before the views existed: the next warm adds them
    clear_cache()
    assert "save" in build_cache.precompute(own_tiny) and views_file.exists()


def build_cache_missing() -> object:
    from graph.analytics.projections import MISSING

    return MISSING


def test_prefetch_is_used_only_for_the_store_s_own_file(own_tiny: FalkorStore, tmp_path: Path) -> None:
    clear_cache()
    build_cache.precompute(own_tiny)
    data_dir = Path(own_tiny.server.data_dir)
    stamp = projection(own_tiny).data.fingerprint
    build_cache.prefetch(data_dir)
    (path,) = (data_dir / build_cache.CACHE_DIR).glob("analytics-*.pkl")
    assert path in build_cache._PREFETCHED
    data, memo = build_cache.load(own_tiny, stamp)
    assert data.fingerprint == stamp and ("louvain", 42, 1.0) in memo and not build_cache._PREFETCHED
    other = tmp_path / "other" / build_cache.CACHE_DIR
    other.mkdir(parents=True)
    (other / "analytics-0000000000000000.pkl").write_bytes(path.read_bytes())
    build_cache.prefetch(other.parent)  # another data directory's file: never taken for this store
    assert build_cache.load(own_tiny, stamp) is not None and not build_cache._PREFETCHED


def test_a_prefix_of_the_saved_bridge_lists_is_what_a_smaller_top_computes(own_tiny: FalkorStore) -> None:
    """The CLI answers `bridges --limit N` from the lists `warm` saved: that must equal computing top N."""
    from graph.analytics.bridges import bridge_institutions, bridge_people

    clear_cache()
    proj = projection(own_tiny)
    for method in ("participation", "betweenness"):
        full = bridge_people(proj, build_cache.BRIDGE_PEOPLE, method=method)
        for top in (1, 2, 3):
            assert full[:top] == bridge_people(proj, top, method=method), (method, top)
    institutions = bridge_institutions(proj, build_cache.BRIDGE_INSTITUTIONS)
    assert institutions[:1] == bridge_institutions(proj, 1) and institutions


def test_search_file_answers_like_the_indexes_built_from_the_store(own_tiny: FalkorStore) -> None:
    """`mlsys-atlas search` reads its paper search and author name index from the build's search file;
    they answer exactly as the ones built in the process, and other topic names get a fresh index."""
    from graph import explore
    from graph.search import NameIndex, paper_search

    clear_cache()
    assert "search indexes" in build_cache.precompute(own_tiny)
    proj = projection(own_tiny)
    names = {t["label"]: t.get("name") or t["label"] for t in explore.topics(own_tiny)}
    saved, built = build_cache.paper_search(own_tiny, proj, names), paper_search(proj, names)
    assert saved is not built
    for query in ("paper", "hardware", "icml", "software paper"):
        assert saved.search(query) == built.search(query) and saved.people(query) == built.people(query), query
    other = {**names, "hardware": "Silicon"}
    assert build_cache.paper_search(own_tiny, proj, other).search("silicon") == paper_search(proj, other).search(
        "silicon") != []
    rows = explore.author_index_rows(own_tiny)
    for query in ("Dana Bridge", "dana brige", "Alex Kim"):
        assert (build_cache.author_name_index(own_tiny, proj).search(query)
                == NameIndex(rows, weight_field="papers").search(query)), query
