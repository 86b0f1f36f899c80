"""The build cache never changes results: cached rows == uncached rows, byte for byte, on real snapshot files."""

from __future__ import annotations

import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from ingest import cache
from ingest.identity import review
from tests.conftest import SNAPSHOT, in_small_subset


def _prepare(data_dir: Path, **kwargs: Any) -> cache.PreparedBuild:
    return cache.prepare(SNAPSHOT, data_dir, only_files=in_small_subset, **kwargs)


def _report_fields(prepared: cache.PreparedBuild) -> tuple[Any, ...]:
    return (prepared.files, prepared.papers_read, [asdict(q) for q in prepared.quarantined],
            prepared.skipped_by_status, prepared.ingested_files, prepared.counts)


@pytest.fixture(scope="module")
def cached_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scale-cache")


def test_cold_cached_build_gives_the_uncached_rows(small_rows: Any, cached_dir: Path, tmp_path: Path) -> None:
    nodes, rels = small_rows
    reference = cache.rows_digest(nodes, rels)
    uncached = _prepare(tmp_path, use_cache=False)
    assert not (tmp_path / cache.CACHE_DIR).exists()  # use_cache=False writes nothing
    cold = _prepare(cached_dir)
    assert set(cold.cache.values()) <= {"miss", f"{len(cold.files)} hits, 0 misses"} | {
        f"0 hits, {len(cold.files)} misses"}
    assert cold.cache["rows"] == "miss" and cold.cache["resolve"] == "miss"
    assert cache.rows_digest(cold.nodes, cold.rels) == cache.rows_digest(uncached.nodes, uncached.rels) == reference
    assert cold.nodes == nodes and cold.rels == rels
    assert _report_fields(cold) == _report_fields(uncached)


def test_unchanged_rebuild_reuses_the_finished_rows(small_rows: Any, cached_dir: Path) -> None:
    nodes, rels = small_rows
    queue = (review.review_dir(cached_dir) / review.QUEUE_FILE).read_text()
    (review.review_dir(cached_dir) / review.QUEUE_FILE).unlink()
    warm = _prepare(cached_dir)
    assert warm.cache == {"rows": "hit"}
    assert cache.rows_digest(warm.nodes, warm.rels) == cache.rows_digest(nodes, rels)
    assert (review.review_dir(cached_dir) / review.QUEUE_FILE).read_text() == queue  # side output restored


def test_each_stage_entry_alone_reproduces_the_rows(small_rows: Any, cached_dir: Path, tmp_path: Path) -> None:
    """Drop the finished rows: the build reassembles them from the cached read/merge/resolve/tag entries."""
    nodes, rels = small_rows
    work = tmp_path / "data"
    shutil.copytree(cached_dir, work)
    shutil.rmtree(work / cache.CACHE_DIR / "rows")
    again = _prepare(work)
    assert again.cache["rows"] == "miss"
    assert again.cache["merge"] == again.cache["resolve"] == again.cache["tag"] == "hit"
    assert "0 misses" in again.cache["read"]
    assert cache.rows_digest(again.nodes, again.rels) == cache.rows_digest(nodes, rels)


def test_a_changed_decision_recomputes_resolution_but_not_reading_or_tagging(cached_dir: Path, tmp_path: Path
                                                                           ) -> None:
    work = tmp_path / "data"
    shutil.copytree(cached_dir, work)
    decisions = review.review_dir(work) / review.DECISIONS_FILE
    decisions.write_text('{"accept": false, "item_id": "x", "left_mention": "a", "right_mention": "b"}\n')
    again = _prepare(work)
    assert again.cache["resolve"] == "miss" and again.cache["rows"] == "miss"
    assert again.cache["merge"] == again.cache["tag"] == "hit"


def test_a_changed_source_file_rereads_only_that_file_and_what_follows_from_it(cached_dir: Path,
                                                                                tmp_path: Path) -> None:
    """A changed non-DBLP file is re-read alone; merging and the (global) resolution are recomputed."""
    snapshot = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT, snapshot, ignore=shutil.ignore_patterns("dblp"))
    work = tmp_path / "data"
    first = cache.prepare(snapshot, work, only_files=_two_files)
    seed = snapshot / "mlsys_seed_s2" / "ML_Seed_Papers.csv"
    lines = seed.read_text(encoding="utf-8").splitlines(keepends=True)
    seed.write_text("".join(lines[:-1]), encoding="utf-8")  # one paper fewer
    second = cache.prepare(snapshot, work, only_files=_two_files)
    assert second.cache["read"] == f"{len(second.files) - 1} hits, 1 misses"
    assert second.cache["merge"] == second.cache["resolve"] == second.cache["tag"] == "miss"
    assert second.papers_read == first.papers_read - 1
    uncached = cache.prepare(snapshot, tmp_path / "fresh", only_files=_two_files, use_cache=False)
    assert cache.rows_digest(second.nodes, second.rels) == cache.rows_digest(uncached.nodes, uncached.rels)


def test_corrupt_entries_are_misses_and_the_cache_is_safe_to_delete(small_rows: Any, cached_dir: Path,
                                                                      tmp_path: Path) -> None:
    nodes, rels = small_rows
    work = tmp_path / "data"
    shutil.copytree(cached_dir, work)
    entries = list((work / cache.CACHE_DIR / "rows").glob(f"*{cache.SUFFIX}"))
    assert entries
    for entry in entries:
        entry.write_bytes(b"not a pickle")
    assert cache.rows_digest(*_rows(_prepare(work))) == cache.rows_digest(nodes, rels)
    assert cache.clear(work) > 0
    assert cache.rows_digest(*_rows(_prepare(work))) == cache.rows_digest(nodes, rels)


def _two_files(path: Path) -> bool:
    return path.name in ("ML_Seed_Papers.csv", "osdi_base_data.json.gz")


def _rows(prepared: cache.PreparedBuild) -> tuple[Any, Any]:
    return prepared.nodes, prepared.rels
