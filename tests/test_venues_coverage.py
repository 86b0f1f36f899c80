"""The venue table and the coverage facts shipped with the snapshot: data with reasons, and statuses
computed the same way wherever they are shown."""

from __future__ import annotations

from pathlib import Path

from graph import config
from graph.coverage import CoverageFact, coverage_table, read_facts, status_of
from graph.venues import (
    BACKGROUND_COMMUNITIES,
    KNOWN_VENUES,
    canonical_venue,
    communities_of,
    side_of,
    venue_record,
)


def test_every_venue_has_a_community_and_a_reason() -> None:
    for short, info in KNOWN_VENUES.items():
        assert info.community in {"mlsys", "systems", "architecture", "data", "ml", "other"}, short
        assert info.why, f"{short} needs a reason in the venue table"
    assert {c for c in BACKGROUND_COMMUNITIES} <= {i.community for i in KNOWN_VENUES.values()}


def test_asplos_spans_architecture_and_systems() -> None:
    assert communities_of("ASPLOS") == ("architecture", "systems")
    venue = venue_record("ASPLOS")
    assert (venue.community, venue.also_communities) == ("architecture", ["systems"])
    assert side_of("architecture") == side_of("data") == side_of("systems") == "systems"
    assert side_of("ml") == "ml" and side_of("mlsys") == "mlsys"


def test_workshops_are_their_own_venues() -> None:
    assert venue_record("MLSys-WS").kind == "workshop"
    assert venue_record("MLSys-WS").community == "mlsys"
    assert venue_record("MLSys").kind == "conference"


def test_raw_venue_strings() -> None:
    assert canonical_venue("PVLDB") == "VLDB"
    assert canonical_venue("International Symposium on Microarchitecture") == "MICRO"
    assert canonical_venue("Some Workshop") is None


FACTS = [
    CoverageFact("ISCA", 2016, 2018, "complete", None, "dblp"),
    CoverageFact("ISCA", 2017, 2017, "complete", 54, "survey"),
    CoverageFact("MLSys", 2024, 2024, "partial", None, "proceedings"),
]


def test_statuses() -> None:
    held = [{"venue": "ISCA", "year": 2017, "papers": 40}, {"venue": "ISCA", "year": 2016, "papers": 50},
            {"venue": "MLSys", "year": 2024, "papers": 37}, {"venue": "OSDI", "year": 2020, "papers": 70}]
    table = coverage_table(held, FACTS)
    by_key = {(r.venue, r.year): r for r in table}
    assert by_key[("ISCA", 2017)].status == "partial"  # 40 of 54 accepted
    assert by_key[("ISCA", 2017)].accepted == 54
    assert by_key[("ISCA", 2016)].status == "complete"  # a full listing
    assert by_key[("ISCA", 2018)].status == "missing"  # expected, none held
    assert by_key[("MLSys", 2024)].status == "partial"
    assert by_key[("OSDI", 2020)].status == "unknown"  # nothing says what share these are
    assert status_of(table, "MLSys", 2030) == "missing"
    full = coverage_table([{"venue": "ISCA", "year": 2017, "papers": 52}], FACTS)
    assert status_of(full, "ISCA", 2017) == "complete"  # >= 95% of 54


def test_shipped_facts_parse_and_name_known_venues() -> None:
    facts = read_facts(config.snapshot_dir())
    assert facts, "data/snapshot/COVERAGE.csv is missing"
    for fact in facts:
        assert fact.venue in KNOWN_VENUES, fact
        assert fact.status in {"complete", "partial"}, fact
        assert fact.year_from <= fact.year_to, fact
        assert fact.accepted is None or fact.year_from == fact.year_to, f"accepted needs a single year: {fact}"
    mlsys = {f.year_from: f.status for f in facts if f.venue == "MLSys"}
    assert mlsys[2024] == mlsys[2025] == "partial"


def test_missing_facts_file_means_no_facts(tmp_path: Path) -> None:
    assert read_facts(tmp_path) == []
