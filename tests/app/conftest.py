"""Fixtures for the explorer's AppTest suite: the real app against real stores.

`atlas_env` (tests/conftest.py) points the explorer at the session's small real build; `hostile_env`
at a tiny graph full of hostile text. Both set the settings through environment
variables, exactly as `streamlit run` would see them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `ui` and the pages import from the project root, as under `streamlit run`
    sys.path.insert(0, str(ROOT))

from hostile import build_hostile_store  # noqa: E402

from graph.falkor_store import FalkorStore  # noqa: E402


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FalkorStore, Path]]:
    data_dir = tmp_path_factory.mktemp("atlas-hostile")
    store = build_hostile_store(data_dir)
    yield store, data_dir
    store.close()


@pytest.fixture
def hostile_env(hostile_build: tuple[FalkorStore, Path], monkeypatch: pytest.MonkeyPatch) -> FalkorStore:
    store, data_dir = hostile_build
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ATLAS_GRAPH", "atlas")
    monkeypatch.setenv("ATLAS_STORE", "embedded")
    return store
