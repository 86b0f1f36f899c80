"""Floors on the hand-labelled set (tests/data/institutions_labelled.md says how it was made).

The held-out split was frozen before any rule was written and is only measured, never
tuned on; the floors sit just under the numbers of the last measurement (BENCHMARKS.md).
"""

from __future__ import annotations

import pytest

from graph import config
from ingest.institutions import InstitutionResolver
from ingest.institutions.evaluate import LOOK_ALIKES, load_labelled, score

LABELLED = config.PROJECT_ROOT / "tests" / "data" / "institutions_labelled.jsonl"


def test_labelled_set_is_large_and_split() -> None:
    rows = load_labelled(LABELLED)
    assert len({r["affiliation"] for r in rows}) == len(rows) >= 300
    held = [r for r in rows if r["split"] == "heldout"]
    assert 0.3 < len(held) / len(rows) < 0.5
    assert {r["stratum"] for r in rows} >= {"head", "middle", "tail", "lookalike"}


# Tuning "not an organisation" precision 1.000 -> 0.935 on 2026-12-01 (issue 14, fifth pass): "Fidian" (labelled a
# company of unknown country) and "IMAG" (labelled IMAG Grenoble; the snapshot also prints IMAG Montpellier, and
# IMAG Granada exists) are kept raw so that every node has a country and no alias names three organisations.
@pytest.mark.parametrize(("split", "b3_floor", "unit_floor", "not_org_floor"), [
    ("tuning", 0.99, 0.99, 0.93),
    ("heldout", 0.95, 0.90, 0.90),
])
def test_quality_floors(resolver: InstitutionResolver, split: str, b3_floor: float, unit_floor: float,
                        not_org_floor: float) -> None:
    scores = score(resolver, load_labelled(LABELLED, split))
    assert scores.b3_f1 >= b3_floor
    assert scores.unit_accuracy >= unit_floor
    assert scores.unit_b3_f1 >= unit_floor  # issue 14: >= 0.90 on the unit where one exists (held-out 0.947)
    assert scores.not_org_precision >= not_org_floor
    assert scores.look_alike_pairs_checked >= 20 and scores.look_alike_pairs_merged == []


def test_look_alike_pairs_are_distinct_organisations(resolver: InstitutionResolver) -> None:
    for a, b in LOOK_ALIKES:
        assert resolver.table.orgs[a].id != resolver.table.orgs[b].id


def _unit_row(affiliation: str, unit: str) -> dict:
    return {"affiliation": affiliation, "is_organisation": True, "organisation_key": "google", "unit": unit}


def test_unit_b3_counts_a_unit_read_as_its_organisation_or_another_unit(resolver: InstitutionResolver) -> None:
    right = score(resolver, [_unit_row("Google Brain", "Google Brain"), _unit_row("DeepMind", "Google DeepMind")])
    assert right.unit_b3_f1 == 1.0 and right.unit_items == 2
    # "Google" names the organisation, not the Google Research the label says: the unit cluster splits
    wrong = score(resolver, [_unit_row("Google Research", "Google Research"), _unit_row("Google", "Google Research")])
    assert wrong.unit_b3_precision == 1.0 and wrong.unit_b3_recall == 0.5 and wrong.unit_accuracy == 0.5
