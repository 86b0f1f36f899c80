"""Tagging in a forked worker process (ingest/parallel_tags.py) gives the rows of the one-process build.

Real snapshot files (tests/conftest.py's SMALL_SUBSET), real forked processes: the uncached
build with 2 workers (tagging beside resolution), with 1 worker, and a rebuild whose
resolution is cached (tagging split across the two processes) all give the reference rows
of `ingest.pipeline.assemble`, byte for byte.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graph import config
from graph.records import TopicTag
from ingest import cache
from ingest.parallel_tags import BackgroundTagging
from ingest.snapshot import read_snapshot
from tests.conftest import SNAPSHOT, in_small_subset
from tests.scale.conftest import Rows


def _prepare(data_dir: Path, stages: list[str], **kwargs: Any) -> cache.PreparedBuild:
    return cache.prepare(SNAPSHOT, data_dir, only_files=in_small_subset, on_stage=stages.append, **kwargs)


def test_parallel_and_sequential_builds_give_the_same_rows(small_rows: Rows, tmp_path: Path) -> None:
    nodes, rels = small_rows
    parallel_stages: list[str] = []
    parallel = _prepare(tmp_path / "two", parallel_stages, use_cache=False, workers=2)
    sequential_stages: list[str] = []
    sequential = _prepare(tmp_path / "one", sequential_stages, use_cache=False, workers=1)
    assert any("in a worker process, while people are resolved" in s for s in parallel_stages), parallel_stages
    assert not any("worker" in s for s in sequential_stages), sequential_stages
    assert parallel.nodes == sequential.nodes == nodes and parallel.rels == sequential.rels == rels
    assert cache.rows_digest(parallel.nodes, parallel.rels) == cache.rows_digest(nodes, rels)
    assert parallel.quarantined == sequential.quarantined and parallel.counts == sequential.counts


def test_tagging_split_across_two_processes_when_resolution_is_cached(small_rows: Rows, tmp_path: Path) -> None:
    nodes, rels = small_rows
    work = tmp_path / "data"
    _prepare(work, [], workers=2)
    shutil.rmtree(work / cache.CACHE_DIR / "tag")
    shutil.rmtree(work / cache.CACHE_DIR / "rows")
    stages: list[str] = []
    again = _prepare(work, stages, workers=2)
    assert again.cache["resolve"] == "hit" and again.cache["tag"] == "miss"
    assert any("in two processes" in s for s in stages), stages
    assert again.nodes == nodes and again.rels == rels


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_background_tags_are_in_paper_order_for_any_split(share: float) -> None:
    papers = read_snapshot(SNAPSHOT, only_files=lambda p: p.name == "ML_Seed_Papers.csv").papers[:300]
    with BackgroundTagging(papers, print, share=0.0) as here:
        expected = here.result()
    said: list[str] = []
    with BackgroundTagging(papers, said.append, share=share) as split:
        assert split.in_worker == round(len(papers) * share)
        tags = split.result()
    assert not said  # the worker started and answered
    assert tags == expected and all(isinstance(t, TopicTag) for paper_tags in tags for t in paper_tags)
    assert sum(bool(t) for t in tags) > len(papers) / 3


def test_a_killed_worker_is_replaced_by_tagging_in_this_process(caplog: pytest.LogCaptureFixture) -> None:
    """A worker that dies (the OOM killer, say) costs time, not tags: this process tags its papers and says so."""
    papers = read_snapshot(SNAPSHOT, only_files=lambda p: p.name == "ML_Seed_Papers.csv").papers[:200]
    with BackgroundTagging(papers, print, share=0.0) as here:
        expected = here.result()
    said: list[str] = []
    with BackgroundTagging(papers, said.append, share=1.0) as doomed:
        pid = doomed.worker_pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        tags = doomed.result()
    assert tags == expected
    assert len(said) == 1 and "died" in said[0] and "tagging its papers in this process" in said[0]
    assert "died" in caplog.text


def test_a_cold_build_leaves_spacy_to_its_tagging_worker(tmp_path: Path) -> None:
    """The build's own process is the build's critical path; importing spaCy there cost ~0.5 s of it. Run in
    a fresh interpreter (this one has spaCy already): a cold two-process prepare never imports it here."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ingest import cache\n"
        "from tests.conftest import SNAPSHOT, in_small_subset\n"
        f"cache.prepare(SNAPSHOT, Path({str(tmp_path)!r}), only_files=in_small_subset, workers=2)\n"
        "print(sorted(m for m in sys.modules if m == 'spacy' or m.startswith('spacy.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=config.PROJECT_ROOT, capture_output=True,
                          text=True, timeout=600, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout[-2000:]
