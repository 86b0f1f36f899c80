"""The snapshot runs the new readers on their files, with the MANIFEST's dates, and corrects MLSys years."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ingest.snapshot import manifest, read_snapshot

SNAP = Path(__file__).resolve().parents[2] / "data" / "snapshot"
FILES = {"ISCA.json.gz", "micro2018.json.gz", "mlsys2025_index_extract.tsv", "neurips-2025.json.gz",
         "ML_Seed_Papers.csv"}


def test_new_sources_are_registered_with_their_dates() -> None:
    read = read_snapshot(SNAP, only_files=lambda path: path.name in FILES)
    by_source = Counter(p.provenance.sources[0] for p in read.papers)
    assert by_source == {"sysconf_eitanf": 54, "micro2018": 74, "mlsys_proceedings": 61, "mlanthology": 5823,
                         "mlsys_seed_s2": 431}
    dates = {p.provenance.sources[0]: p.provenance.retrieved_at for p in read.papers}
    entries = manifest(SNAP)
    for source in ("sysconf_eitanf", "micro2018", "mlsys_proceedings", "mlanthology"):
        assert dates[source] == entries[source]["retrieved_at"]
    # the 2024 index page is not read here, but it still corrects the seed's years
    awq = next(p for p in read.papers if p.title.startswith("AWQ"))
    assert (awq.venue_name, awq.year) == ("MLSys", 2024)
    assert {f.split("/")[0] for f in read.files} == {"mlsys_seed_s2", "mlsys_proceedings", "sysconf_eitanf",
                                                     "micro2018", "mlanthology"}
