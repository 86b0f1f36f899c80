"""Very large name groups resolve from their evidence pairs plus an imputed probability (issue 20).

Why: a name block's pairs grow with the square of its mentions, so past `MAX_BLOCK_PAIRS` a block is
split by given name and a group over `SPARSE_GROUP_MENTIONS` enumerates only pairs that share a
co-author, an affiliation or a neighbour in corpus order (`sparse_groups.py`). The snapshot never
reaches those sizes, so here the limits are lowered on real data (ICLR 2022, OpenReview ids hidden
and kept as truth): the sparse path must score about what the exact one scores with far fewer
pairs, and must need its imputation to do so (without it a missing pair forbids a merge).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from graph.records import Paper
from ingest.identity import evaluate, resolver, sparse_groups
from ingest.identity.cluster import average_linkage
from ingest.identity.mentions import mentions_from_papers
from ingest.identity.model import default_model
from ingest.identity.names import parse_name
from ingest.identity.pairs import _block_pairs


@pytest.fixture(scope="module")
def hidden_iclr(_iclr2022_papers: list[Paper]) -> tuple[list, list]:
    return evaluate.hide_ids(list(mentions_from_papers(_iclr2022_papers)), "openreview")


def _sparse_limits(monkeypatch: pytest.MonkeyPatch, window: int = 2) -> None:
    monkeypatch.setattr(sparse_groups, "MAX_BLOCK_PAIRS", 20)
    monkeypatch.setattr(sparse_groups, "SPARSE_GROUP_MENTIONS", 3)
    monkeypatch.setattr(sparse_groups, "evidence_pairs", functools.partial(sparse_groups.evidence_pairs,
                                                                           window=window))


def _b3_f1(resolution: resolver.Resolution, truth: list) -> float:
    scored = [i for i, t in enumerate(truth) if t]
    return evaluate.score([resolution.person_ids[i] for i in scored], [truth[i] for i in scored]).b3_f1


def test_split_blocks_only_past_the_pair_limit_and_mark_large_given_names_sparse() -> None:
    names = ["Jun Li"] * 6 + ["Jie Li"] * 2 + ["J. Li"] * 2 + ["Wei Wang"] * 3
    parsed = [parse_name(name) for name in names]
    blocks = {"li|j": list(range(10)), "wang|w": [10, 11, 12]}
    givens = [p.given for p in parsed]
    assert sparse_groups.pair_count(blocks["li|j"], parsed) == len(_block_pairs(blocks["li|j"], givens)[0])
    same, none = sparse_groups.split_large_groups(blocks, parsed, max_pairs=45, sparse_from=3)
    assert same == blocks and none == set()  # 15 + 1 + 1 + 2 * 8 = 33 pairs: not split
    split, sparse = sparse_groups.split_large_groups(blocks, parsed, max_pairs=20, sparse_from=3)
    assert split == {"li|j|j": [8, 9], "li|j|jie": [6, 7], "li|j|jun": list(range(6)), "wang|w": [10, 11, 12]}
    assert sparse == {"li|j|jun"}


def test_evidence_pairs_share_a_key_stay_within_the_window_and_never_one_paper() -> None:
    block = list(range(40))
    coauthors = [(7,)] * 40  # one co-author on every paper: a prolific pair of people
    affiliations = [None] * 40
    paper = np.arange(40)
    paper[1] = paper[0]  # two mentions of one paper
    left, right = sparse_groups.evidence_pairs(block, coauthors, affiliations, paper, window=3)
    assert np.all(left < right) and np.all(right - left <= 3)
    assert len(left) == 3 * 40 - 6 - 1  # each with its next three, but for the end and the one shared paper
    assert (0, 1) not in set(zip(left.tolist(), right.tolist(), strict=True))
    sample = sparse_groups.sample_pairs("li|j|jun", block, left, right, paper, size=50)
    again = sparse_groups.sample_pairs("li|j|jun", block, left, right, paper, size=50)
    assert all(np.array_equal(a, b) for a, b in zip(sample, again, strict=True)) and len(sample[0]) == 50
    enumerated = set(zip(left.tolist(), right.tolist(), strict=True))
    assert not enumerated & set(zip(sample[0].tolist(), sample[1].tolist(), strict=True))


def test_an_imputed_pair_averages_in_where_an_unscored_pair_forbids_the_merge() -> None:
    members = {0: [0], 1: [1], 2: [2]}
    links = {(0, 1): (0.95, 1, 0.95, 0), (1, 2): (0.9, 1, 0.9, 1)}  # no pair of 0 and 2 was enumerated

    def merge(a: int, b: int, pair: int) -> list[str]:
        return ["evidence"]

    exact = average_linkage(members, links, merge, 0.7, 0.55, single_weight=0.6)
    imputed = average_linkage(members, links, merge, 0.7, 0.55, single_weight=0.6, impute=0.8)
    assert [r.merged for r in exact] == [True]  # {0, 1} and 2: the pair 0-2 is a cannot-link
    assert [r.merged for r in imputed] == [True, True]
    assert imputed[1].linkage == pytest.approx(0.4 * (0.9 + 0.8) / 2 + 0.6 * 0.9)


def test_sparse_groups_score_as_the_exact_pairs_with_half_of_them(hidden_iclr, monkeypatch) -> None:
    hidden, truth = hidden_iclr
    exact_run = resolver._Run(hidden, default_model(), ())
    exact = resolver.run_resolution(exact_run)
    _sparse_limits(monkeypatch)
    sparse_run = resolver._Run(hidden, default_model(), ())
    sparse = resolver.run_resolution(sparse_run)
    assert len(sparse_run.sparse) > 100
    assert len(sparse_run.table.left) < 0.6 * len(exact_run.table.left)
    assert _b3_f1(sparse, truth) >= _b3_f1(exact, truth) - 0.005

    # without the imputation a pair left out is a cannot-link: recall falls (0.995 -> 0.87 measured)
    monkeypatch.setattr(resolver._Run, "_cluster_key", _cluster_key_without_imputation)
    assert _b3_f1(resolver.resolve(hidden), truth) < _b3_f1(exact, truth) - 0.03


def _cluster_key_without_imputation(self, key, blocks, table, probabilities, local, root_list) -> None:
    self._cluster_block(blocks[key], table, probabilities, *table.block_ranges[key])


def test_streamed_and_two_worker_paths_give_the_same_people_with_sparse_groups(hidden_iclr, monkeypatch) -> None:
    hidden, _ = hidden_iclr
    _sparse_limits(monkeypatch)
    whole = resolver.resolve(hidden)
    two = resolver.resolve(hidden, workers=2)
    monkeypatch.setattr(resolver, "STREAM_PAIRS_FROM_MENTIONS", 0)
    streamed = resolver.resolve(hidden)
    assert whole.person_ids == two.person_ids == streamed.person_ids
    assert whole.confidences == two.confidences == streamed.confidences
