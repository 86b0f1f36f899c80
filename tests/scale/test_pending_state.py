"""The incremental state a full build makes in a forked child while it loads the store (ingest/incremental.py,
`PendingState`): the same state a call in the build's own process makes, and no state named when it fails."""

from __future__ import annotations

import json
import time
import weakref
from pathlib import Path

import pytest

from graph.gc_pause import gc_paused
from ingest import cache as build_cache
from ingest import incremental, state_codec
from tests.conftest import SNAPSHOT, in_small_subset


def _folder(data_dir: Path) -> Path:
    return data_dir / build_cache.CACHE_DIR / incremental.STATE_DIR


def _encoded(state: incremental.State) -> dict:
    encoded = state_codec.encode(state.__getstate__())
    encoded["stats"] = vars(encoded["stats"])
    return encoded


def test_the_state_made_in_the_child_is_the_one_made_here(tmp_path: Path) -> None:
    prepared = build_cache.prepare(SNAPSHOT, tmp_path, only_files=in_small_subset, keep_state=True, workers=2)
    pending = prepared.incremental
    assert pending.in_child  # made beside whatever this process does next
    assert not (_folder(tmp_path) / incremental.META_FILE).exists()  # nothing names it until it is saved
    here = pending.make()  # the same call, in this process
    pending.save("v1")
    meta = json.loads((_folder(tmp_path) / incremental.META_FILE).read_text())
    assert meta["graph_version"] == "v1" and meta["parts"] == [incremental.STATE_FILE]
    assert meta["base"] == here.base and meta["records"] == incremental.records_digest(here.records)
    read = incremental.read_state(_folder(tmp_path) / incremental.STATE_FILE)
    assert _encoded(read) == _encoded(here)
    assert len(read.merged) > 1000 and len(read.names) > 5000


def test_a_saved_build_is_freed_without_the_cyclic_collector(tmp_path: Path) -> None:
    """Reproduction: the state's maker held the build, which held the maker, so every row and record of a
    build that kept its state waited for the cyclic collector (~3 s once the build turned it back on)."""
    with gc_paused():
        prepared = build_cache.prepare(SNAPSHOT, tmp_path, only_files=in_small_subset, keep_state=True, workers=2)
        prepared.incremental.save("v1")
        gone = weakref.ref(prepared)
        del prepared
        assert gone() is None


def _fails() -> incremental.State:
    raise ValueError("disk full, say")


def _slow() -> incremental.State:
    time.sleep(60)
    raise AssertionError("not cancelled")


def _older_meta(data_dir: Path) -> Path:
    """A meta file an older build left: no longer true once this build loads the store."""
    folder = _folder(data_dir)
    folder.mkdir(parents=True)
    (folder / incremental.META_FILE).write_text("{}")
    return folder


def test_a_state_that_cannot_be_made_here_fails_at_once_and_nothing_names_it(tmp_path: Path) -> None:
    folder = _older_meta(tmp_path)
    with pytest.raises(ValueError, match="disk full"):
        incremental.PendingState(tmp_path, _fails, fork=False)
    assert not (folder / incremental.META_FILE).exists()


def test_a_state_the_child_cannot_make_fails_the_save_and_nothing_names_it(tmp_path: Path) -> None:
    folder = _older_meta(tmp_path)
    pending = incremental.PendingState(tmp_path, _fails, fork=True)
    assert pending.in_child
    assert not (folder / incremental.META_FILE).exists()
    with pytest.raises(ValueError, match="disk full"):
        pending.save("v1")
    assert not (folder / incremental.META_FILE).exists()


def test_a_failed_load_stops_the_child_and_names_no_state(tmp_path: Path) -> None:
    pending = incremental.PendingState(tmp_path, _slow, fork=True)
    process = pending._written._process
    pending.cancel()
    assert not process.is_alive()  # stopped, not waited for: `_slow` would raise in the child after a minute
    assert not (_folder(tmp_path) / incremental.META_FILE).exists()
