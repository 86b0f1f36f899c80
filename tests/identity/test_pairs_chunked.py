"""Pairs scored chunk by chunk give the very numbers of the whole-corpus computation (real ICLR 2022 rows).

Why: a build no longer holds every candidate pair's features at once (issue 20, pairs.py);
it featurises and scores the pairs a few model forward passes at a time and keeps only the
probabilities and a few evidence columns. People must not move because of that, so the
probabilities must be bit-identical (not close) to scoring the full feature table in one
call, whatever the chunk size, and what is kept must say what the features said. The
forward pass is shrunk here (`model._CHUNK`) so that a real corpus spans many of them.
"""

from __future__ import annotations

import numpy as np
import pytest

from graph.records import Paper
from ingest.identity import model as pair_model
from ingest.identity import pairs, strict
from ingest.identity.features import FEATURE_NAMES, Corpus
from ingest.identity.mentions import mentions_from_papers
from ingest.identity.model import default_model
from ingest.identity.pairs import PairTable, candidate_pairs, reasons_for
from ingest.identity.resolver import _Run


def _corpus(papers: list[Paper]) -> tuple[Corpus, dict[str, list[int]]]:
    run = _Run(list(mentions_from_papers(papers)), default_model(), ())
    run.clean_all()
    return Corpus(run.mentions, run.parsed), run.blocks()


def _reasons_from_features(features: np.ndarray, shared: np.ndarray, pair: int) -> list[str]:
    """What `reasons_for` said when the table held the features (the code before issue 20's chunking)."""
    row = dict(zip(FEATURE_NAMES, features[pair].tolist(), strict=True))
    reasons = []
    if int(shared[pair]):
        reasons.append(f"{int(shared[pair])} shared co-author(s)")
    if row["affiliation_similarity"] >= 0.8:
        reasons.append("similar affiliation")
    if row["name_initial"]:
        reasons.append("initial matches full given name")
    elif row["name_prefix"]:
        reasons.append("short form of the given name")
    if row["venue_overlap"]:
        reasons.append("same venue")
    if row["title_similarity"] >= 0.2:
        reasons.append(f"similar titles ({row['title_similarity']:.2f})")
    return reasons or ["name match only (uncommon name)"]


@pytest.fixture(scope="module")
def iclr(_iclr2022_papers: list[Paper]) -> tuple[Corpus, dict[str, list[int]], PairTable]:
    corpus, blocks = _corpus(_iclr2022_papers)
    return corpus, blocks, candidate_pairs(corpus, blocks)  # no model: every pair's features kept


def test_chunked_scores_equal_whole_table_scores(iclr, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, blocks, whole = iclr
    model = default_model()
    assert len(whole.left) > 10_000 and len(whole.block_ranges) > 500
    monkeypatch.setattr(pair_model, "_CHUNK", 1_000)
    expected = model.probabilities(whole.features)  # one call over the full table, as a build did before
    for passes, workers in ((1, 1), (3, 1), (10**6, 1), (1, 2), (3, 2)):  # chunks of 1 or 3 forward passes, or
        monkeypatch.setattr(pairs, "_SCORE_CHUNKS", passes)  # everything at once; the later half of the chunks
        table = candidate_pairs(corpus, blocks, model=model, workers=workers)  # scored in a child with 2 workers
        assert table.features is None
        assert table.block_ranges == whole.block_ranges
        assert table.left.dtype == table.right.dtype == np.int32
        for name in ("left", "right", "shared", "title", "evidence"):
            assert np.array_equal(getattr(table, name), getattr(whole, name)), (passes, name)
        assert table.probabilities.dtype == np.float64
        assert np.array_equal(table.probabilities, expected), passes  # bit for bit, not allclose


def test_one_chunk_featurised_in_two_processes_scores_as_one_call(iclr, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pairs that fit one forward pass (an ingest's online run) are featurised half in a forked child:
    the table, probabilities included, is the one-process table bit for bit, and the child did run."""
    corpus, blocks, whole = iclr
    model = default_model()
    expected = model.probabilities(whole.features)
    monkeypatch.setattr(pair_model, "_CHUNK", len(whole.left))  # every pair in one forward pass
    split: list[bool] = []
    real_forked = pairs.Forked

    def forked(*args: object, **kwargs: object) -> object:
        job = real_forked(*args, **kwargs)
        split.append(job.in_child)
        return job

    monkeypatch.setattr(pairs, "Forked", forked)
    for threshold, children in ((1, [True]), (len(whole.left) + 1, [False])):  # below it: the chunk path, no fork
        split.clear()
        monkeypatch.setattr(pairs, "_FEATURES_IN_TWO_FROM", threshold)
        table = candidate_pairs(corpus, blocks, model=model, workers=2)
        assert split == children
        for name in ("left", "right", "shared", "title", "evidence"):
            assert np.array_equal(getattr(table, name), getattr(whole, name)), (threshold, name)
        assert np.array_equal(table.probabilities, expected), threshold


def test_features_do_not_depend_on_the_chunk(iclr, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept features (no model) made 113 or 4,096 pairs at a time equal those made all at once."""
    corpus, blocks, whole = iclr
    for rows in (113, 4_096):
        monkeypatch.setattr(pair_model, "_CHUNK", rows)
        monkeypatch.setattr(pairs, "_SCORE_CHUNKS", 1)
        table = candidate_pairs(corpus, blocks)
        assert np.array_equal(table.features, whole.features), rows
        assert np.array_equal(table.shared, whole.shared), rows


def test_kept_evidence_says_what_the_features_said(iclr) -> None:
    corpus, _, whole = iclr
    features = whole.features
    column = {name: k for k, name in enumerate(FEATURE_NAMES)}
    assert np.array_equal(whole.title, features[:, column["title_similarity"]])
    assert np.array_equal(whole.shared > 0, features[:, column["any_shared_coauthor"]] > 0)
    for flag, name in ((pairs.LINKED, "coauthor_graph_log"), (pairs.NAME_INITIAL, "name_initial"),
                       (pairs.NAME_PREFIX, "name_prefix"), (pairs.SAME_VENUE, "venue_overlap"),
                       (pairs.MIDDLE_MATCH, "middle_match")):
        assert np.array_equal(whole.has(flag), features[:, column[name]] != 0), name
        assert whole.has(flag).any(), name  # the evidence is there on real rows
    assert np.array_equal(whole.has(pairs.SAME_AFFILIATION),
                          features[:, column["affiliation_similarity"]] >= strict.SAME_AFFILIATION)
    for pair in range(len(whole.left)):
        assert reasons_for(whole, pair) == _reasons_from_features(features, whole.shared, pair)
    # the strict rule (off in builds) reads the kept flags: the same pairs as from the features
    common = 0.0  # every name counts as common, so the evidence decides
    expected = ((features[:, column["any_shared_coauthor"]] == 0) & (features[:, column["coauthor_graph_log"]] == 0)
                & (features[:, column["affiliation_similarity"]] < strict.SAME_AFFILIATION)
                & (features[:, column["middle_match"]] == 0))
    assert np.array_equal(strict.unsupported(whole, corpus, common), expected)


def test_unique_pairs_is_numpys_unique_over_columns() -> None:
    """One int64 key per pair must give np.unique(axis=1)'s pairs in its order, also when keys would overflow."""
    rng = np.random.default_rng(20261202)
    left, right = rng.integers(0, 50, 2_000), rng.integers(0, 70, 2_000)
    expected = np.unique(np.stack([left, right]), axis=1)
    for got, want in zip(pairs.unique_pairs(left, right), expected, strict=True):
        assert np.array_equal(got, want)
    huge = np.array([2**62, 5, 2**62, 5], dtype=np.int64), np.array([7, 2**40, 7, 3], dtype=np.int64)
    expected = np.unique(np.stack(huge), axis=1)  # left * width would overflow int64: the fallback
    for got, want in zip(pairs.unique_pairs(*huge), expected, strict=True):
        assert np.array_equal(got, want)
    empty = pairs.unique_pairs(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    assert [len(a) for a in empty] == [0, 0]
