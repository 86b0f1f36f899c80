"""The Dask path tags exactly as the single-process build does (issue 20 item 6).

A real `distributed.LocalCluster` with two worker processes tags real snapshot papers
(the MLSys seed list and ICLR 2022, with abstracts, derived terms and bare titles);
partitions are deliberately small so the papers cross many tasks and both workers.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from graph.errors import ConfigError
from graph.loader import node_rows, rel_rows
from ingest import cache
from ingest.pipeline import assemble
from ingest.snapshot import read_snapshot
from ingest.topics import tag_papers
from tests.conftest import SNAPSHOT, in_small_subset
from tests.scale.conftest import Rows

distributed = pytest.importorskip("distributed", reason="the scale extra (dask[distributed]) is a dev dependency")

from ingest.distributed import DaskTagging, dask_client, tag_papers_distributed  # noqa: E402
from ingest.identity.dask_pairs import PairScorer  # noqa: E402


def test_dask_tags_identical_to_single_process() -> None:
    papers = read_snapshot(SNAPSHOT, only_files=lambda p: p.name in ("ML_Seed_Papers.csv", "iclr2022.json.gz")).papers
    papers = papers[:1200]
    here, there = copy.deepcopy(papers), copy.deepcopy(papers)
    kinds_here = tag_papers(here)
    with dask_client(workers=2) as client:
        kinds_there = tag_papers_distributed(there, client, partition=97)
        assert len(client.nthreads()) == 2  # asked of the scheduler now: scheduler_info() may answer from a stale cache
    assert kinds_there == kinds_here and len(kinds_here) >= 2  # more than one kind of input was tagged
    assert [repr(p.topics) for p in there] == [repr(p.topics) for p in here]
    assert sum(bool(p.topics) for p in here) > len(here) / 3


def test_build_with_dask_gives_the_same_rows(small_rows: Rows, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """ATLAS_DASK moves the build's tagging and pair scoring onto a local cluster; the graph's rows do not change."""
    monkeypatch.setenv("ATLAS_DASK", "local:2")
    chunks: list[int] = []
    submit = PairScorer.submit

    def counted(self: PairScorer, left, right) -> None:  # the real submit, counted: the cluster really scored
        chunks.append(len(left))
        submit(self, left, right)

    monkeypatch.setattr(PairScorer, "submit", counted)
    snapshot = read_snapshot(SNAPSHOT, in_small_subset)
    batch = assemble(snapshot.papers, snapshot.institutions, quarantine=snapshot.quarantined, data_dir=tmp_path)
    assert (node_rows(batch), rel_rows(batch)) == small_rows
    assert chunks and sum(chunks) > 1_000


def test_a_cold_build_on_dask_gives_the_same_rows(small_rows: Rows, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's own path (`cache.prepare`): the cluster tags while people are resolved here, scoring first."""
    monkeypatch.setenv("ATLAS_DASK", "local:2")
    started: list[int] = []
    steps: list[str] = []
    made, resolve = DaskTagging.__init__, cache.identity.resolve_authors

    def counted(self: DaskTagging, papers, client, *args) -> None:  # the real tagging, started: counted
        started.append(len(papers))
        steps.append("tagging sent")
        made(self, papers, client, *args)

    def resolving(*args, **kwargs):  # the real resolution, its start noted
        steps.append("resolution")
        return resolve(*args, **kwargs)

    monkeypatch.setattr(DaskTagging, "__init__", counted)
    monkeypatch.setattr(cache.identity, "resolve_authors", resolving)
    prepared = cache.prepare(SNAPSHOT, tmp_path, only_files=in_small_subset)
    assert (prepared.nodes, prepared.rels) == small_rows
    assert prepared.cache["tag"] == "miss" and len(started) == 1 and started[0] >= prepared.counts["papers"] > 0
    assert steps == ["tagging sent", "resolution"]  # the cluster tags while people are resolved


def test_a_scheduler_that_does_not_answer_is_a_config_error() -> None:
    """A closed port on this machine: the message names the setting and what to do, after the timeout."""
    import socket

    with socket.socket() as probe:  # a port nothing listens on: bound, then closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConfigError, match=rf"ATLAS_DASK=tcp://127.0.0.1:{port}: no Dask scheduler answered"), \
            dask_client(f"tcp://127.0.0.1:{port}", connect_timeout=1.0):
        pytest.fail("connected to a closed port")


def test_a_scheduler_without_workers_is_a_config_error() -> None:
    """A real scheduler with no worker: the build would queue its tasks for ever; it stops with what to do."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=0, dashboard_address="127.0.0.1:0") as empty:
        address = empty.scheduler_address
        with pytest.raises(ConfigError, match=rf"ATLAS_DASK={address}: the scheduler has no workers"), \
                dask_client(address, connect_timeout=1.0):
            pytest.fail("a cluster without workers was accepted")


def test_dask_setting_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_DASK", "somewhere")
    with pytest.raises(ConfigError, match="ATLAS_DASK"):
        tag_papers([])
