"""Pairs made, scored and clustered a run of blocks at a time give the very people of the whole table (ICLR 2022).

Why: a build of a large corpus no longer holds every candidate pair (issue 20, bounded memory:
`pairs.stream_candidate_pairs`, `resolver._Run._cluster_streamed`). People must not move because of
that: the streamed probabilities must be bit-identical to the whole table's, each run must hold
whole blocks, and resolution (clusters, confidences, review items, the duplicate-profile joins that
read kept pairs after clustering) must be the same. The forward pass is shrunk (`model._CHUNK`) so
that a real corpus spans many runs and blocks straddle the chunk boundaries.
"""

from __future__ import annotations

import numpy as np
import pytest

from graph.records import Paper
from ingest.identity import model as pair_model
from ingest.identity import resolver
from ingest.identity.features import Corpus
from ingest.identity.mentions import mentions_from_papers
from ingest.identity.model import default_model
from ingest.identity.pairs import candidate_pairs, stream_candidate_pairs
from ingest.identity.resolver import _Run, resolve


@pytest.fixture(scope="module")
def iclr_mentions(_iclr2022_papers: list[Paper]) -> list:
    return list(mentions_from_papers(_iclr2022_papers))


def test_streamed_tables_are_the_whole_table_in_runs_of_whole_blocks(iclr_mentions, monkeypatch) -> None:
    run = _Run(iclr_mentions, default_model(), ())
    run.clean_all()
    corpus, blocks = Corpus(run.mentions, run.parsed), run.blocks()
    model = default_model()
    for rows in (1_000, 4_096):
        monkeypatch.setattr(pair_model, "_CHUNK", rows)
        whole = candidate_pairs(corpus, blocks, model=model)
        tables = list(stream_candidate_pairs(corpus, blocks, model))
        assert len(tables) >= len(whole.left) // rows - 1 >= 3
        assert sum(len(t.left) for t in tables) == len(whole.left) > 10_000
        offset = 0
        for table in tables:  # each run: consecutive whole blocks, ranges relative to the run
            spans = list(table.block_ranges.values())
            assert spans[0][0] == 0 and spans[-1][1] == len(table.left)
            assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
            for key, (start, stop) in table.block_ranges.items():
                assert whole.block_ranges[key] == (offset + start, offset + stop)
            offset += len(table.left)
        for name in ("left", "right", "shared", "title", "evidence", "probabilities"):
            joined = np.concatenate([getattr(t, name) for t in tables])
            assert joined.dtype == getattr(whole, name).dtype
            assert np.array_equal(joined, getattr(whole, name)), (rows, name)  # bit for bit


def test_a_streamed_resolution_is_the_whole_tables_resolution(iclr_mentions, monkeypatch) -> None:
    monkeypatch.setattr(pair_model, "_CHUNK", 2_000)
    whole = resolve(iclr_mentions)
    streamed_runs = []
    original = resolver._Run._cluster_streamed

    def spy(self, *args):
        streamed_runs.append(self)
        return original(self, *args)

    monkeypatch.setattr(resolver._Run, "_cluster_streamed", spy)
    monkeypatch.setattr(resolver, "STREAM_PAIRS_FROM_MENTIONS", 0)
    streamed = resolve(iclr_mentions)
    assert len(streamed_runs) == 1  # the streamed path really ran
    kept = streamed_runs[0].table
    assert 0 < len(kept.left) < len(whole.person_ids) * 100  # only the blocks the duplicate join can read
    assert streamed.person_ids == whole.person_ids
    assert streamed.confidences == whole.confidences
    assert streamed.review_items == whole.review_items
    assert streamed.people == whole.people
    assert whole.joins and streamed.joins == whole.joins  # duplicate profiles joined from the kept pairs
