"""Issue 17, item 8: a record whose venue_id does not match its venue is quarantined, not silently
left without a venue."""

from __future__ import annotations

from graph.records import Authorship, Paper, Provenance, Quarantined
from graph.venues import venue_record
from ingest.pipeline import assemble, venue_mismatch

PROV = Provenance(["openalex"], "2026-04-14")


def _paper(pid: str, venue_id: str, venue_name: str) -> Paper:
    return Paper(id=pid, title=f"A paper {pid}", year=2024, venue_id=venue_id, venue_name=venue_name,
                 provenance=PROV, authorships=[Authorship(pid, 0, "Ada Lovelace")])


def test_mismatched_venue_is_quarantined_with_the_reason() -> None:
    good = _paper("paper:good", venue_record("OSDI").id, "OSDI")
    wrong = _paper("paper:wrong", "venue:sosp-typo", "OSDI")
    nameless = _paper("paper:nameless", "osdi", "")
    untracked = _paper("paper:untracked", venue_record("Some Workshop").id, "Some Workshop")
    quarantine: list[Quarantined] = []
    batch = assemble([good, wrong, nameless, untracked], tag=False, quarantine=quarantine)
    assert sorted(p.title for p in batch.papers) == ["A paper paper:good", "A paper paper:untracked"]
    reasons = {q.locator: q.reason for q in quarantine}
    assert "does not match its venue 'OSDI'" in reasons["paper:wrong"]
    assert "names no venue" in reasons["paper:nameless"]
    assert {v.id for v in batch.venues} == {p.venue_id for p in batch.papers}  # every paper keeps its venue
    assert venue_mismatch(good) is None
