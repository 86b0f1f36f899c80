"""`python -m ui.serve` fills the server process's caches before Streamlit opens its port.

Streamlit runs every script in the process that started it, so what the preload leaves in
the module-level projection cache and in `st.cache_resource` is what the first page visit
finds. Asked here in-process on the small real build: the preload reports each step, and
the next call from the explorer's own wrappers returns the very objects it loaded.
"""

from __future__ import annotations

import pytest

from graph.analytics import projections
from graph.falkor_store import FalkorStore
from ui import analytics, data, serve


def test_preload_leaves_the_projection_and_search_indexes_in_memory(atlas_env: FalkorStore) -> None:
    projections.clear_cache()
    timings = serve.preload()
    assert {"counts", "name indexes", "projection", "projection views", "search index"} <= set(timings)
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
