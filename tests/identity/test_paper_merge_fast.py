"""`papers._similar_title_pairs` (one rapidfuzz `cdist` call) against the pairwise loop it replaced.

The merge joins two records when their title keys reach TITLE_MATCH; the batch call must find
the same pairs in the same order, including scores right at the threshold, where a float32
matrix (cdist's default) would round differently from `fuzz.ratio`'s float64.
"""

from __future__ import annotations

import itertools

from rapidfuzz import fuzz

from graph.records import Paper, Provenance
from ingest.identity import papers
from ingest.identity.papers import TITLE_MATCH, _similar_title_pairs, title_key

TITLES = [
    "Efficient Memory Management for Large Language Model Serving with PagedAttention",
    "Efficient memory management for large language model serving with PagedAttention.",
    "Efficient Memory Management for Large Language Model Serving with Paged Attention",
    "Efficient Memory Management for Large Language Models Serving with PagedAttention",
    "Efficient Memory Management for Small Language Model Serving with PagedAttention",
    "TVM: An Automated End-to-End Optimizing Compiler for Deep Learning",
    "TVM: An Automated End-to-End Optimizing Compiler for Deep-Learning",
    "TVM: end-to-end optimization stack for deep learning",
    "Ray: A Distributed Framework for Emerging AI Applications",
    "Ray: A Distributed Framework for Emerging {AI} Applications",
    "abcdefghijklmnopqrst",  # 19 of 20 characters kept: ratio 97.4
    "abcdefghijklmnopqrs",
    "abcdefghijklmnopqrsx",  # one substitution in 20: ratio 95.0, exactly the threshold
    "abcdefghijklmnopqxyz",
]


def _loop(keys: list[str]) -> list[tuple[int, int]]:
    return [(x, y) for x, y in itertools.combinations(range(len(keys)), 2)
            if fuzz.ratio(keys[x], keys[y]) >= TITLE_MATCH]


def test_batch_pairs_equal_the_pairwise_loop_in_order() -> None:
    keys = list(dict.fromkeys(title_key(t) for t in TITLES))
    expected = _loop(keys)
    assert _similar_title_pairs(keys) == expected
    assert (keys.index("abcdefghijklmnopqrst"), keys.index("abcdefghijklmnopqrsx")) in expected  # at 95.0 itself
    assert len(expected) >= 5  # the near-duplicates above are found, not only exact keys


def test_merge_still_joins_near_identical_titles_once() -> None:
    records = [Paper(id=f"p{i}", title=title, year=2023, venue_id="mlsys", venue_name="MLSys",
                     provenance=Provenance([f"source-{i}"], "2026-12-02"))
               for i, title in enumerate([TITLES[0], TITLES[1], TITLES[3]])]
    merged = papers.merge_papers(records)
    assert len(merged) == 1
    assert sorted(merged[0].provenance.sources) == ["source-0", "source-1", "source-2"]
