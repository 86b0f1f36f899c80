"""A Venue node's provenance is every source and the latest date of the papers published in it.

`pipeline._venues_for` gathers them per venue and merges once; the node must record what merging each paper's
provenance in turn records (the union of the sources, sorted, and the latest retrieval date), for known venues and
for venues only the records name.
"""

from __future__ import annotations

from functools import reduce

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.ids import venue_id
from graph.records import Paper, Provenance
from graph.venues import venue_record
from ingest.pipeline import _venues_for

_VENUES = ["MLSys", "OSDI", "NeurIPS", "Some Workshop"]
_SOURCES = ["dblp", "openalex", "openreview", "s2", "snapshot"]
_DATES = ["", "2025-01-02", "2025-11-30", "2026-03-04T10:00:00"]

papers_drawn = st.lists(st.tuples(st.sampled_from(_VENUES), st.lists(st.sampled_from(_SOURCES), max_size=3),
                                  st.sampled_from(_DATES)), min_size=1, max_size=30)


def _paper(at: int, venue: str, sources: list[str], date: str) -> Paper:
    return Paper(id=f"paper:{at}", title=f"Paper {at}", year=2024, venue_id=venue_id(venue), venue_name=venue,
                 provenance=Provenance(sources, date))


@settings(max_examples=200, deadline=None)
@given(drawn=papers_drawn)
def test_each_venue_merges_its_papers_provenance(drawn: list[tuple[str, list[str], str]]) -> None:
    papers = [_paper(at, *row) for at, row in enumerate(drawn)]
    venues = _venues_for(papers)
    assert [v.id for v in venues] == list(dict.fromkeys(p.venue_id for p in papers))  # order of first paper
    for venue in venues:
        own = [p.provenance for p in papers if p.venue_id == venue.id]
        expected = reduce(Provenance.merged, own, venue_record(venue.name).provenance)
        assert (venue.provenance.sources, venue.provenance.retrieved_at) == (expected.sources, expected.retrieved_at)


def test_a_venue_keeps_every_source_and_the_latest_date() -> None:
    papers = [_paper(0, "MLSys", ["dblp"], "2025-01-02"), _paper(1, "MLSys", ["openreview", "dblp"], "2026-01-01"),
              _paper(2, "OSDI", ["s2"], "")]
    mlsys, osdi = _venues_for(papers)
    assert (mlsys.name, mlsys.provenance.sources, mlsys.provenance.retrieved_at) == \
        ("MLSys", ["dblp", "openreview"], "2026-01-01")
    assert (osdi.provenance.sources, osdi.provenance.retrieved_at) == (["s2"], "")
