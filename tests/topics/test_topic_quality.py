"""Regression guard: F1 on the hand-labelled set may not fall below the recorded value.

The floor is `tests/data/topics_quality_baseline.json`, written by
`benchmarks/bench_topics_quality.py --record`. A change to the taxonomy or the scoring
that costs more than the margin fails here; a deliberate trade-off re-records the floor.
"""

from __future__ import annotations

import json

import pytest

from ingest.topics import default_tagger
from ingest.topics.evaluate import BASELINE, evaluate, load_dev_set
from ingest.topics.taxonomy import PILLARS, TOPICS

MICRO_MARGIN = 0.02  # about one paper's worth of decisions on the held-out split
MACRO_MARGIN = 0.03  # macro averages over rare labels move in bigger steps


@pytest.fixture(scope="module")
def results() -> dict:
    papers = load_dev_set()
    tagger = default_tagger()
    return {split: evaluate(tagger, [p for p in papers if p.split == split]) for split in ("dev", "heldout")}


def test_dev_set_is_well_formed() -> None:
    papers = load_dev_set()
    assert len(papers) >= 200
    assert {p.split for p in papers} == {"dev", "heldout"}
    assert sum(p.split == "heldout" for p in papers) >= 0.25 * len(papers)
    assert len({p.id for p in papers}) == len(papers)
    for p in papers:
        assert p.pillars <= set(PILLARS) and p.topics <= set(TOPICS), p.id
        assert ("ml_for_systems" in p.pillars) == ("ml_for_systems" in p.topics), p.id


@pytest.mark.parametrize("split", ["dev", "heldout"])
@pytest.mark.parametrize("kind", ["pillars", "topics"])
def test_f1_does_not_regress(results: dict, split: str, kind: str) -> None:
    floor = json.loads(BASELINE.read_text(encoding="utf-8"))[split][kind]
    got = results[split][kind]
    assert got["micro"]["f1"] >= floor["micro"] - MICRO_MARGIN, (split, kind, got["micro"])
    assert got["macro"]["f1"] >= floor["macro"] - MACRO_MARGIN, (split, kind, got["macro"])
