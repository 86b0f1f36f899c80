"""Score the resolver on a hand-labelled set (tests/data/institutions_labelled.jsonl).

B³ precision/recall/F1 of the string -> organisation clustering (top-level organisation;
a string the resolver answers "no organisation" for is a singleton), accuracy and B³-F1 on the
unit where the label has one (issue 14 asks >= 0.90 "on the unit where one exists"), precision
and recall of the "not an organisation" answer, and whether any look-alike pair was put
together. Used by the benchmark and the tests so the two report the same numbers.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any, Protocol

from ingest.institutions.resolver import Resolution
from ingest.institutions.table import OrgTable

# Organisations that must never share a node (keys of the labelled set and of the table).
UC_CAMPUSES = ("ucb", "ucla", "ucsd", "ucsb", "uci", "ucdavis", "ucsc", "ucr", "ucmerced", "ucsf")
LOOK_ALIKES: tuple[tuple[str, str], ...] = (
    ("ucb", "berkeley-college"), ("ucb", "lbnl"), ("berkeley-college", "lbnl"),
    ("washu", "uw"), ("washu", "wsu"), ("uw", "wsu"), ("gwu", "uw"), ("gwu", "washu"),
    ("uic", "uchicago"), ("ttic", "uchicago"), ("ucla", "ucla-health"), ("ugent", "ghent-hospital"),
    ("mizzou", "columbia"), ("ku", "lbnl"), ("urbana-univ", "uiuc"), ("eth", "epfl"),
    *combinations(UC_CAMPUSES, 2),
)


class Resolves(Protocol):
    table: OrgTable

    def resolve(self, affiliation: str, country: str | None = None) -> Resolution: ...


def load_labelled(path: Path, split: str | None = None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


@dataclass
class Scores:
    items: int
    organisations: int
    b3_precision: float
    b3_recall: float
    b3_f1: float
    unit_items: int
    unit_accuracy: float
    not_org_predicted: int
    not_org_precision: float
    not_org_recall: float
    look_alike_pairs_checked: int
    look_alike_pairs_merged: list[tuple[str, str]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    # B³ of string -> unit over the items whose label names a unit: the gold cluster is the labelled unit, the
    # predicted one the unit the resolver names (its organisation when it names none, a singleton when nothing).
    unit_b3_precision: float = 1.0
    unit_b3_recall: float = 1.0
    unit_b3_f1: float = 1.0


def _b3(gold: list[str], predicted: list[str]) -> tuple[float, float]:
    by_gold: dict[str, set[int]] = defaultdict(set)
    by_pred: dict[str, set[int]] = defaultdict(set)
    for i, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        by_gold[g].add(i)
        by_pred[p].add(i)
    precision = recall = 0.0
    for g, p in zip(gold, predicted, strict=True):
        overlap = len(by_gold[g] & by_pred[p])
        precision += overlap / len(by_pred[p])
        recall += overlap / len(by_gold[g])
    n = len(gold) or 1
    return precision / n, recall / n


def score(resolver: Resolves, rows: Iterable[dict[str, Any]]) -> Scores:
    rows = list(rows)
    table = resolver.table
    gold, predicted, errors = [], [], []
    unit_hits = unit_items = 0
    unit_gold: list[str] = []
    unit_predicted: list[str] = []
    not_org_predicted = not_org_right = not_org_gold = 0
    cluster_members: dict[str, set[str]] = defaultdict(set)  # predicted organisation -> gold keys
    for index, row in enumerate(rows):
        result = resolver.resolve(row["affiliation"], row.get("given_country"))
        org = result.organisation
        top_id = unit_name = None
        if org is not None:
            curated_key = org.key if org.curated and org.key in table.orgs and org.node_id is None else None
            top_id = table.orgs[table.top(curated_key)].id if curated_key else org.id
            unit_name = org.name if curated_key and table.orgs[curated_key].parent else None
        if not row["is_organisation"]:
            not_org_gold += 1
        if org is None:
            not_org_predicted += 1
            not_org_right += not row["is_organisation"]
        if row["is_organisation"]:
            gold.append(row["organisation_key"])
            predicted.append(top_id or f"none:{index}")
            if top_id:
                cluster_members[top_id].add(row["organisation_key"])
            if row.get("unit"):
                unit_items += 1
                unit_hits += unit_name == row["unit"]
                unit_gold.append(row["unit"])
                unit_predicted.append(f"unit:{unit_name}" if unit_name else top_id or f"none:{index}")
        ok = (top_id is None) if not row["is_organisation"] else top_id is not None
        if not ok or (row.get("unit") and unit_name != row["unit"]):
            errors.append({"affiliation": row["affiliation"], "expected": row.get("organisation"),
                           "unit": row.get("unit"), "got": org.name if org else None, "method": result.method})
    p, r = _b3(gold, predicted)
    up, ur = _b3(unit_gold, unit_predicted) if unit_gold else (1.0, 1.0)
    gold_keys = set(gold)
    checked = [(a, b) for a, b in LOOK_ALIKES if a in gold_keys and b in gold_keys]
    merged = [(a, b) for a, b in checked if any({a, b} <= members for members in cluster_members.values())]
    return Scores(
        items=len(rows), organisations=len(gold), b3_precision=round(p, 4), b3_recall=round(r, 4),
        b3_f1=round(2 * p * r / (p + r), 4) if p + r else 0.0, unit_items=unit_items,
        unit_accuracy=round(unit_hits / unit_items, 4) if unit_items else 1.0,
        not_org_predicted=not_org_predicted,
        not_org_precision=round(not_org_right / not_org_predicted, 4) if not_org_predicted else 1.0,
        not_org_recall=round(not_org_right / not_org_gold, 4) if not_org_gold else 1.0,
        look_alike_pairs_checked=len(checked), look_alike_pairs_merged=merged, errors=errors,
        unit_b3_precision=round(up, 4), unit_b3_recall=round(ur, 4),
        unit_b3_f1=round(2 * up * ur / (up + ur), 4) if up + ur else 0.0)


@dataclass
class CountryScore:
    """Countries of tail strings against hand labels (tests/data/institutions_tail_countries.md)."""

    items: int
    labelled: int  # items whose label has a country
    given: int  # items the resolver gives a country
    correct: int
    wrong: list[tuple[str, str | None, str]] = field(default_factory=list)  # (string, label, given)

    @property
    def precision(self) -> float:
        return self.correct / self.given if self.given else 1.0

    @property
    def coverage(self) -> float:
        """Share of the strings a careful human can place that the resolver places correctly."""
        return self.correct / self.labelled if self.labelled else 0.0


def score_countries(resolver: Resolves, items: Iterable[dict[str, Any]]) -> CountryScore:
    """Precision and coverage of the country the resolver gives each string (no source country).
    A country given where the label has none counts as wrong: a wrong country is worse than none."""
    items = list(items)
    given = correct = 0
    wrong: list[tuple[str, str | None, str]] = []
    for item in items:
        org = resolver.resolve(item["affiliation"]).organisation
        country = org.country if org is not None else None
        if not country:
            continue
        given += 1
        if country == item["country"]:
            correct += 1
        else:
            wrong.append((item["affiliation"], item["country"], country))
    return CountryScore(len(items), sum(1 for i in items if i["country"]), given, correct, wrong)
