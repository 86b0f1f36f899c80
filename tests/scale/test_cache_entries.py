"""How the build cache keeps its entries on disk: one compressed pickle per key, pruned to what builds use."""

from __future__ import annotations

import gzip
import os
import pickle
from pathlib import Path

from ingest import cache


def test_an_entry_round_trips_and_is_a_zstandard_frame(tmp_path: Path) -> None:
    store = cache.StageCache(tmp_path)
    value = {"papers": [("paper:1", "A title <script>", 2024, None)] * 500, "counts": {"read": 1.5}}
    store.put("merge", "k", value)
    path = tmp_path / "merge" / f"k{cache.SUFFIX}"
    assert path.read_bytes()[:4] == b"\x28\xb5\x2f\xfd"  # the Zstandard frame magic number
    assert path.stat().st_size < len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) / 5
    assert store.get("merge", "k") == value
    assert store.hits["merge"] == 1


def test_an_entry_of_the_earlier_gzip_format_is_a_miss_and_pruning_removes_it(tmp_path: Path) -> None:
    """Data directories built before session 66 hold `.pkl.gz` entries: never read again, so never kept."""
    legacy = tmp_path / "rows" / "k.pkl.gz"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(gzip.compress(pickle.dumps(["rows"])))
    store = cache.StageCache(tmp_path)
    assert store.get("rows", "k") is None
    assert store.misses["rows"] == 1
    store.put("rows", "k", ["rows"])
    store.prune()
    assert not legacy.exists()
    assert store.get("rows", "k") == ["rows"]


def test_pruning_keeps_the_entries_used_and_a_few_recent_others(tmp_path: Path) -> None:
    writer = cache.StageCache(tmp_path)
    old = [f"old{i}" for i in range(cache.KEEP_OLD + 3)]
    for age, key in enumerate(old):
        writer.put("tag", key, [key])
        stamp = 1_000_000 + age  # later keys are more recent
        os.utime(tmp_path / "tag" / f"{key}{cache.SUFFIX}", (stamp, stamp))
    build = cache.StageCache(tmp_path)
    build.put("tag", "used", ["used"])
    build.prune()
    left = sorted(p.name.removesuffix(cache.SUFFIX) for p in (tmp_path / "tag").iterdir())
    assert left == sorted(["used", *old[-cache.KEEP_OLD:]])


def test_a_truncated_entry_is_a_miss(tmp_path: Path) -> None:
    store = cache.StageCache(tmp_path)
    store.put("resolve", "k", list(range(100_000)))
    path = tmp_path / "resolve" / f"k{cache.SUFFIX}"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert store.get("resolve", "k") is None
    assert store.misses["resolve"] == 1
