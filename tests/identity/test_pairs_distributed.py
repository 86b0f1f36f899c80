"""Candidate pairs scored on a Dask cluster are the pairs scored here, bit for bit (issue 20 item 6; ICLR 2022).

Why: `ATLAS_DASK` sends identity resolution's largest step, featurising and scoring the pairs, to a
cluster's workers (`ingest.identity.dask_pairs.PairScorer`). The featuriser travels without its corpus (its
`__getstate__`), and each worker runs the model's forward pass over the chunk it is given, so people
must not move: every kept column and probability must equal the single process's, and so must
resolution (also streamed). A real `LocalCluster` of two worker processes does the scoring.

The forward pass is shrunk here (`model._CHUNK`, in this process only) so that the corpus spans many
chunks; a worker keeps its own, larger forward pass, which scores each of these smaller chunks in one
pass, as this process does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from graph.records import Paper
from ingest.identity import model as pair_model
from ingest.identity import resolver
from ingest.identity.features import Corpus
from ingest.identity.mentions import Mention, mentions_from_papers
from ingest.identity.model import default_model
from ingest.identity.pairs import PairFeaturizer, PairTable, candidate_pairs, stream_candidate_pairs
from ingest.identity.resolver import _Run, resolve

distributed = pytest.importorskip("distributed", reason="the scale extra (dask[distributed]) is a dev dependency")

from ingest.distributed import dask_client  # noqa: E402
from ingest.identity.dask_pairs import PairScorer  # noqa: E402

COLUMNS = ("left", "right", "shared", "title", "evidence", "probabilities")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with dask_client(workers=2) as client:
        assert len(client.nthreads()) == 2  # asked of the scheduler now: scheduler_info() may answer from a stale cache
        yield client


@pytest.fixture(scope="module")
def iclr_mentions(_iclr2022_papers: list[Paper]) -> list[Mention]:
    return list(mentions_from_papers(_iclr2022_papers))


@pytest.fixture(scope="module")
def iclr(iclr_mentions: list[Mention]) -> tuple[Corpus, dict[str, list[int]]]:
    run = _Run(iclr_mentions, default_model(), ())
    run.clean_all()
    return Corpus(run.mentions, run.parsed), run.blocks()


def _assert_same_table(there: PairTable, here: PairTable) -> None:
    assert there.block_ranges == here.block_ranges
    for name in COLUMNS:
        assert getattr(there, name).dtype == getattr(here, name).dtype, name
        assert np.array_equal(getattr(there, name), getattr(here, name)), name  # bit for bit, not allclose


def _joined(tables: list[PairTable]) -> dict[str, np.ndarray]:
    return {name: np.concatenate([getattr(t, name) for t in tables]) for name in COLUMNS}


def test_pairs_scored_on_the_cluster_equal_pairs_scored_here(iclr, client, monkeypatch) -> None:
    corpus, blocks = iclr
    model = default_model()
    monkeypatch.setattr(pair_model, "_CHUNK", 1_000)
    here = candidate_pairs(corpus, blocks, model=model)
    there = candidate_pairs(corpus, blocks, model=model, client=client)
    assert len(here.left) > 10_000  # more than ten chunks went to the workers
    assert np.unique(here.probabilities).size > 1_000  # real, varied scores: not a constant both sides agree on
    nicknamed = PairFeaturizer(corpus).has_nickname
    assert (nicknamed[here.left] | nicknamed[here.right]).any()  # the features' branch that reads parsed names
    _assert_same_table(there, here)


def test_streamed_pairs_scored_on_the_cluster_equal_those_scored_here(iclr, client, monkeypatch) -> None:
    """Chunks in flight on the cluster (a window of them) come back in order: the same columns, whole blocks."""
    corpus, blocks = iclr
    model = default_model()
    monkeypatch.setattr(pair_model, "_CHUNK", 1_000)
    here = list(stream_candidate_pairs(corpus, blocks, model))
    there = list(stream_candidate_pairs(corpus, blocks, model, client=client))
    expected, got = _joined(here), _joined(there)
    for name in COLUMNS:
        assert np.array_equal(got[name], expected[name]), name
    keys_here = [key for table in here for key in table.block_ranges]
    assert [key for table in there for key in table.block_ranges] == keys_here  # every block once, in order


def test_the_scorer_keeps_submission_order(iclr, client) -> None:
    """Chunks of very different sizes finish out of order on two workers; `next` still returns them in order."""
    corpus, blocks = iclr
    table = candidate_pairs(corpus, blocks)  # no model: the features, to know which chunk is which
    scorer = PairScorer(client, PairFeaturizer(corpus), default_model())
    sizes = [5_000, 7, 3_000, 1, 11]
    starts = np.cumsum([0, *sizes])
    for start, stop in zip(starts, starts[1:], strict=False):
        scorer.submit(table.left[start:stop], table.right[start:stop])
    assert scorer.pending() == len(sizes)
    for start, stop in zip(starts, starts[1:], strict=False):
        left, right, shared, *_ = scorer.next()
        assert np.array_equal(left, table.left[start:stop]) and np.array_equal(right, table.right[start:stop])
        assert np.array_equal(shared, table.shared[start:stop])
    assert scorer.pending() == 0


def test_a_resolution_scored_on_the_cluster_finds_the_same_people(iclr_mentions, client, monkeypatch) -> None:
    monkeypatch.setattr(pair_model, "_CHUNK", 2_000)
    here = resolve(iclr_mentions)
    there = resolve(iclr_mentions, client=client)
    monkeypatch.setattr(resolver, "STREAM_PAIRS_FROM_MENTIONS", 0)  # the streamed path, on the cluster
    streamed = resolve(iclr_mentions, client=client)
    assert len(set(here.person_ids)) < len(here.person_ids)  # mentions were merged: the scores decided something
    for other in (there, streamed):
        assert other.person_ids == here.person_ids
        assert other.confidences == here.confidences
        assert other.people == here.people
        assert other.review_items == here.review_items
