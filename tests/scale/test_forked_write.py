"""Cache entries written by forked children are the entries a synchronous write makes."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import zstandard

from ingest import cache, forked_write

pytestmark = pytest.mark.skipif(not forked_write.FORK_AVAILABLE, reason="fork is Linux-only here")


def _entry_bytes(store: cache.StageCache, stage: str, key: str) -> bytes:
    with open(store._path(stage, key), "rb") as raw, zstandard.ZstdDecompressor().stream_reader(raw) as handle:
        return handle.read()  # the pickle inside


def test_a_background_entry_holds_the_value_as_it_was_at_put(tmp_path: Path) -> None:
    value = {"papers": [{"title": f"paper {i}", "authors": ["A", "B"]} for i in range(2000)]}
    at_put = {"papers": [dict(p) for p in value["papers"]]}
    background = cache.StageCache(tmp_path / "bg", background=True)
    background.put("merge", "k", value)
    value["papers"][0]["title"] = "changed after the put"  # the child wrote its own copy-on-write view
    assert forked_write.pending() == 1
    assert background.get("merge", "k") == at_put  # get waits for the pending write of its path
    assert forked_write.pending() == 0
    synchronous = cache.StageCache(tmp_path / "sync")
    synchronous.put("merge", "k", at_put)
    assert _entry_bytes(background, "merge", "k") == _entry_bytes(synchronous, "merge", "k")


def test_put_many_writes_every_entry_in_one_child(tmp_path: Path) -> None:
    store = cache.StageCache(tmp_path, background=True)
    store.put_many("read", [("a", [1]), ("b", [2]), ("c", [3])])
    assert forked_write.pending() == 1
    forked_write.wait()
    assert [store.get("read", key) for key in "abc"] == [[1], [2], [3]]
    assert not list((tmp_path / "read").glob("*.tmp"))


def test_a_failed_child_leaves_no_entry_and_says_so(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = cache.StageCache(tmp_path, background=True)
    with caplog.at_level(logging.WARNING, logger="ingest.forked_write"):
        store.put("tag", "k", lambda: None)  # a lambda cannot be pickled: the child fails
        forked_write.wait()
    assert "will be recomputed next time" in caplog.text
    assert store.get("tag", "k") is None  # a miss, not a half-written entry
    assert not (tmp_path / "tag" / f"k{cache.SUFFIX}").exists()


def test_prepare_returns_with_every_entry_on_disk_unless_asked(tmp_path: Path) -> None:
    from tests.conftest import SNAPSHOT, in_small_subset

    cache.prepare(SNAPSHOT, tmp_path / "a", only_files=in_small_subset, workers=2)
    assert forked_write.pending() == 0
    assert list((tmp_path / "a" / cache.CACHE_DIR / "rows").glob(f"*{cache.SUFFIX}"))
    cache.prepare(SNAPSHOT, tmp_path / "b", only_files=in_small_subset, workers=2, writes_pending=True)
    assert forked_write.pending() >= 1  # the finished rows at least: ingest/build.py loads the store meanwhile
    forked_write.wait()
    assert list((tmp_path / "b" / cache.CACHE_DIR / "rows").glob(f"*{cache.SUFFIX}"))


def test_a_build_returns_with_every_entry_on_disk(tmp_path: Path) -> None:
    """A build returns only once every cache entry its children write is on disk whole (ingest/build.py)."""
    from graph.falkor_store import FalkorStore
    from ingest.build import build
    from tests.conftest import SNAPSHOT, in_small_subset

    store = FalkorStore(tmp_path)
    try:
        build(store, SNAPSHOT, tmp_path, quiet=True, only_files=in_small_subset, keep_state=True)
    finally:
        store.close()
    assert forked_write.pending() == 0
    assert list((tmp_path / cache.CACHE_DIR / "rows").glob(f"*{cache.SUFFIX}"))
    assert not list((tmp_path / cache.CACHE_DIR).glob("*/*.tmp"))
