"""Coverage as a first-class fact: for every venue-year, how much of what it published the graph holds.

Every per-year number an organiser reads is only as good as the lists behind it (MLSys
2024 from a partial proceedings page is not "MLSys 2024"), so coverage is computed from
the graph's own paper counts and a small table of facts shipped with the snapshot
(`data/snapshot/COVERAGE.csv`): for a venue and a span of years, whether the source lists
are full listings (`complete`) or known to be partial (`partial`), and, where a public
number exists, how many papers the venue accepted that year.

Status of a venue-year:
- `complete`: the accepted count is known and the graph holds at least 95% of it, or the
  facts say the source is a full listing of the venue's papers for that year;
- `partial`: the graph holds fewer than 95% of a known accepted count, or the facts say
  the listing is partial;
- `missing`: a year inside a span the facts cover with no paper in the graph;
- `unknown`: papers exist but nothing says what share of the venue they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from graph.venues import venue_info

FACTS_FILE = "COVERAGE.csv"
COMPLETE_SHARE = 0.95
Status = str  # complete | partial | missing | unknown


@dataclass(frozen=True)
class CoverageFact:
    venue: str
    year_from: int
    year_to: int
    status: str  # complete | partial: what the source listing is
    accepted: int | None  # papers the venue accepted (single-year rows only), when a public number exists
    source: str
    note: str = ""


@dataclass(frozen=True)
class CoverageRow:
    venue: str
    year: int
    community: str
    kind: str
    papers: int
    accepted: int | None
    status: Status
    source: str
    note: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_facts(snapshot_dir: Path | None) -> list[CoverageFact]:
    """The facts table beside the snapshot; none when the snapshot has no table (a custom snapshot)."""
    path = Path(snapshot_dir) / FACTS_FILE if snapshot_dir else None
    if path is None or not path.exists():
        return []
    facts = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            accepted = (row.get("accepted") or "").strip()
            facts.append(CoverageFact(
                row["venue"].strip(), int(row["year_from"]), int(row["year_to"]), row["status"].strip(),
                int(accepted) if accepted else None, (row.get("source") or "").strip(),
                (row.get("note") or "").strip()))
    return facts


def _fact_for(facts: list[CoverageFact], venue: str, year: int) -> CoverageFact | None:
    """The most specific fact covering a venue-year (a single-year row beats a span)."""
    covering = [f for f in facts if f.venue == venue and f.year_from <= year <= f.year_to]
    return min(covering, key=lambda f: f.year_to - f.year_from, default=None)


def _status(papers: int, fact: CoverageFact | None) -> Status:
    if fact is None:
        return "unknown" if papers else "missing"
    if papers == 0:
        return "missing"
    if fact.accepted:
        return "complete" if papers >= COMPLETE_SHARE * fact.accepted else "partial"
    return fact.status


def coverage_table(papers_per_venue_year: Iterable[dict[str, Any]], facts: list[CoverageFact]) -> list[CoverageRow]:
    """One row per venue-year the graph holds or the facts expect, sorted by venue and year."""
    counts: dict[tuple[str, int], int] = {}
    for row in papers_per_venue_year:
        if row.get("year") is not None and row.get("venue"):
            key = (str(row["venue"]), int(row["year"]))
            counts[key] = counts.get(key, 0) + int(row.get("papers") or 0)
    expected = {(f.venue, y) for f in facts for y in range(f.year_from, f.year_to + 1)}
    rows = []
    for venue, year in sorted(set(counts) | expected):
        info = venue_info(venue)
        fact = _fact_for(facts, venue, year)
        papers = counts.get((venue, year), 0)
        accepted = fact.accepted if fact and fact.year_from == fact.year_to else None
        rows.append(CoverageRow(venue, year, info.community, info.kind, papers, accepted, _status(papers, fact),
                                fact.source if fact else "", fact.note if fact else ""))
    return rows


def status_of(rows: Iterable[CoverageRow], venue: str, year: int | None) -> Status:
    for row in rows:
        if row.venue == venue and row.year == year:
            return row.status
    return "missing"


def summary(rows: list[CoverageRow]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in rows:
        out[row.status] = out.get(row.status, 0) + 1
    return out
