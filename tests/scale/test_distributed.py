"""The Dask path tags exactly as the single-process build does (issue 20 item 6).

A real `distributed.LocalCluster` with two worker processes tags real snapshot papers
(the MLSys seed list and ICLR 2022, with abstracts, derived terms and bare titles);
partitions are deliberately small so the papers cross many tasks and both workers.
"""

from __future__ import annotations

import copy

import pytest

from ingest.snapshot import read_snapshot
from ingest.topics import tag_papers
from tests.conftest import SNAPSHOT

distributed = pytest.importorskip("distributed", reason="the scale extra (dask[distributed]) is a dev dependency")

from ingest.distributed import dask_client, tag_papers_distributed  # noqa: E402


def test_dask_tags_identical_to_single_process() -> None:
    papers = read_snapshot(SNAPSHOT, only_files=lambda p: p.name in ("ML_Seed_Papers.csv", "iclr2022.json.gz")).papers
    papers = papers[:1200]
    here, there = copy.deepcopy(papers), copy.deepcopy(papers)
    kinds_here = tag_papers(here)
    with dask_client(workers=2) as client:
        kinds_there = tag_papers_distributed(there, client, partition=97)
        assert len(client.scheduler_info()["workers"]) == 2
    assert kinds_there == kinds_here and len(kinds_here) >= 2  # more than one kind of input was tagged
    assert [repr(p.topics) for p in there] == [repr(p.topics) for p in here]
    assert sum(bool(p.topics) for p in here) > len(here) / 3
