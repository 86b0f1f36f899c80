"""The Data page's sources table (ui/sources.py) against the bundled MANIFEST.json."""

from __future__ import annotations

import json

from graph.config import PROJECT_ROOT
from ui.sources import source_rows

MANIFEST = json.loads((PROJECT_ROOT / "data" / "snapshot" / "MANIFEST.json").read_text(encoding="utf-8"))


def test_the_dblp_files_show_the_papers_tagged_dblp_and_no_live_ingest_row() -> None:
    freshness = {"dblp": {"papers": 9796, "retrieved_at": "2024-12-28"},
                 "sysconf": {"papers": 3450, "retrieved_at": "2025-01-01"},
                 "openalex": {"papers": 12, "retrieved_at": "2026-12-06"}}  # a live ingest: in no manifest entry
    rows = {row["Source"]: row for row in source_rows(MANIFEST, freshness)}
    assert rows["dblp_crosstex"]["Papers"] == "9,796 (with dblp_search_api: “dblp”)"
    assert rows["dblp_search_api"]["Papers"] == "9,796 (with dblp_crosstex: “dblp”)"
    assert rows["sysconf"]["Papers"] == "3,450"
    assert "dblp" not in rows  # the snapshot's DBLP records are not a live ingest
    assert rows["openalex"]["Origin"] == "live ingest" and rows["openalex"]["Papers"] == "12"
    assert set(rows) == {*MANIFEST, "openalex"}
