"""`python -m ui.serve` fills the server process's caches before Streamlit opens its port.

Streamlit runs every script in the process that started it, so what the preload leaves in
the module-level projection cache and in `st.cache_resource` is what the first page visit
finds. Asked here in-process on the small real build: the preload reports each step, and
the next call from the explorer's own wrappers returns the very objects it loaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import gc_pause
from graph.analytics import projections
from graph.falkor_server import stop_server
from graph.falkor_store import FalkorStore
from ui import analytics, data, serve


def test_preload_leaves_the_projection_and_search_indexes_in_memory(atlas_env: FalkorStore) -> None:
    projections.clear_cache()
    timings = serve.preload()
    assert {"counts", "name indexes", "projection", "projection views", "search index", "page answers"} <= set(timings)
    key = data.store_key()
    loaded = analytics._projection(key)
    assert analytics._projection(key) is loaded  # from the module cache, not read again
    assert "author_sides" in vars(loaded)  # the per-author tallies were computed by the preload
    assert analytics.paper_search(key) is analytics.paper_search(key)
    assert data.author_index(key) is data.author_index(key)


def test_preload_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_PRELOAD", "0")
    assert not serve.enabled()
    monkeypatch.setenv("ATLAS_PRELOAD", "1")
    assert serve.enabled()


def test_the_server_preloads_in_the_background_and_says_when_it_is_done(
        atlas_env: FalkorStore, capsys: pytest.CaptureFixture[str]) -> None:
    """`main` starts this thread just before Streamlit opens its port; pages wait on the same caches."""
    import gc

    projections.clear_cache()
    was_enabled = gc.isenabled()
    try:
        thread = serve.start_preload()
        thread.join(timeout=600)
        assert not thread.is_alive()
    finally:
        gc_pause.unfreeze()  # the preload froze what it loaded: give this test process its collector back
    assert gc.isenabled() == was_enabled
    assert serve.READY in capsys.readouterr().out
    key = data.store_key()
    assert "author_sides" in vars(analytics._projection(key))


def test_preload_answers_the_program_committee_example(atlas_env: FalkorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PC page's example (its members, submissions, audit and tables) is answered by the preload: asked
    afterwards with the page's arguments, the audit itself must not run again."""
    from graph.analytics import pc_audit

    serve.preload()
    key = data.store_key()
    members, submissions = analytics.pc_example_csvs(key)

    def audit_again(*_: object, **__: object) -> None:
        raise AssertionError("the PC example was audited again after the preload")

    monkeypatch.setattr(pc_audit, "audit_program_committee", audit_again)
    tables = analytics.pc_audit_tables(key, members, submissions, analytics.PC_COI_YEARS, ())
    assert tables["members"] and "conflicts" in tables


def test_a_store_opened_later_opens_its_keys_directory_not_the_environments(
        hostile_build: tuple[FalkorStore, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm-up thread opens its store after the page run that made its key; by then the environment may name
    another directory (a test's `ATLAS_DATA_DIR` undone), where a server started that nobody stopped (session 56)."""
    _store, key_dir = hostile_build
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("ATLAS_DATA_DIR", str(elsewhere))
    monkeypatch.setenv("ATLAS_GRAPH", "atlas")
    try:
        store = data.store_for(("embedded", str(key_dir), "atlas-opened-by-key", ""))
        assert isinstance(store, FalkorStore) and store.graph_name == "atlas-opened-by-key"
        assert Path(store.server.data_dir) == key_dir
    finally:
        assert not stop_server(elsewhere), "a server was started on the environment's directory"
