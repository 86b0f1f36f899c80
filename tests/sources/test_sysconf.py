"""The systems-venue reader on real OSDI rows and on broken entries."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from graph.records import Institution, Paper, Quarantined
from ingest.sources import sysconf

SNAP = Path(__file__).resolve().parents[2] / "data" / "snapshot" / "sysconf"


def test_osdi_real_rows() -> None:
    institutions: dict[str, Institution] = {}
    items = list(sysconf.read(SNAP / "osdi_base_data.json.gz", "2025-01-01", institutions))
    papers = [i for i in items if isinstance(i, Paper)]
    assert len(papers) == 419
    sabre = next(p for p in papers if p.title.startswith("Sabre"))
    assert not sabre.title.endswith(".")  # DBLP's trailing period dropped
    assert sabre.venue_name == "OSDI" and sabre.year == 2024
    first = sabre.authorships[0]
    assert first.name == "Nikita Lazarev"
    assert first.affiliation == "Massachusetts Institute of Technology (MIT), CSAIL"
    assert first.country == "US"
    assert first.institution_id in institutions


def test_asplos_rows_carry_dois() -> None:
    papers = [i for i in sysconf.read(SNAP / "asplos_base_data.json.gz", "2025-01-01") if isinstance(i, Paper)]
    assert len(papers) == 1010
    assert sum(1 for p in papers if p.doi) == 1010
    assert all(p.id == f"paper:doi:{p.doi.lower()}" for p in papers)


def test_broken_entries_are_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "osdi_base_data.json.gz"
    with gzip.open(path, "wt") as handle:
        json.dump({"2020": ["not a dict", {"Title": "", "Year": "2020"}, {"Title": "T.", "Year": "20x0"},
                            {"Title": "Only title.", "Year": "2020", "Authors and Institutions": []},
                            {"Title": "Nameless author.", "Year": "2020",
                             "Authors and Institutions": [{"Author": "", "Institutions": []}]}]}, handle)
    items = list(sysconf.read(path, "2025-01-01"))
    reasons = [i.reason for i in items if isinstance(i, Quarantined)]
    assert reasons == ["entry is not an object", "empty title", "year is not a number: '20x0'",
                       "no authors listed", "author without a name"]
    assert [p.title for p in items if isinstance(p, Paper)] == ["Only title", "Nameless author"]


def test_unreadable_file_is_quarantined_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "nsdi_base_data.json.gz"
    path.write_bytes(b"not gzip")
    items = list(sysconf.read(path, "2025-01-01"))
    assert len(items) == 1 and isinstance(items[0], Quarantined)
    assert "not readable gzip JSON" in items[0].reason
