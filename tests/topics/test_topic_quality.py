"""Regression guard: micro-F1 on the frozen held-out splits may not fall below the recorded value.

The floors are `tests/data/topics_quality_baseline.json`, written by
`benchmarks/bench_topics_quality.py --record` (both held-out splits, rules and learned layer,
title only and with text). A change to the taxonomy, the scoring or the learned layer that
costs more than the margin fails here; a deliberate trade-off re-records the floors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ingest.topics.evaluate import BASELINE, V3_SET, load_dev_set, load_v3_set
from ingest.topics.split import split_of
from ingest.topics.taxonomy import PILLARS, TOPICS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

MICRO_MARGIN = 0.02  # about one paper's worth of decisions on a held-out split


@pytest.fixture(scope="module")
def results() -> dict:
    from bench_topics_quality import run_all

    return run_all()


def test_labelled_sets_are_well_formed() -> None:
    dev = load_dev_set()
    v3 = load_v3_set(dev=dev)
    assert len(dev) >= 300 and len(v3) >= 800
    assert sum(p.heldout for p in v3) >= 200
    assert len({p.id for p in dev}) == len(dev) and len({p.id for p in v3}) == len(v3)
    for p in dev + v3:
        assert p.pillars <= set(PILLARS) and p.topics <= set(TOPICS), p.id
        assert ("ml_for_systems" in p.pillars) == ("ml_for_systems" in p.topics), p.id
    rows = [json.loads(line) for line in V3_SET.read_text(encoding="utf-8").splitlines()]
    assert all(r["split"] == split_of(r["id"]) for r in rows)  # the frozen split, recomputable from the id
    assert not any("abstract" in r for r in rows if r["source"] == "mlanthology")  # derived terms only
    second = [json.loads(line) for line in V3_SET.with_name("topics_v3_second.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert len(second) >= 100 and {r["id"] for r in second} <= {p.id for p in v3}
    assert all(set(r["pillars"]) <= set(PILLARS) and set(r["topics"]) <= set(TOPICS) for r in second)


def test_f1_does_not_regress(results: dict) -> None:
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))
    for split, configs in floors.items():
        for config, kinds in configs.items():
            for kind, floor in kinds.items():
                got = results[split][config][kind]["micro"]["f1"]
                assert got >= floor - MICRO_MARGIN, (split, config, kind, got, floor)


def test_learned_layer_beats_rules_on_the_v3_held_out_split(results: dict) -> None:
    held = results["v3 held-out"]
    for kind in ("pillars", "topics"):
        assert held["learned, with text"][kind]["micro"]["f1"] > held["rules, with text"][kind]["micro"]["f1"]
