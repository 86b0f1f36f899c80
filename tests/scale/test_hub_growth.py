"""`benchmarks/hub_growth.py` counts each year's busiest printed names; a year whose papers print no
author (a proceedings front matter, say) has no hub and must not stop the report."""

from __future__ import annotations

from benchmarks.hub_growth import slope, yearly_hubs
from graph.records import Authorship, Paper


def _paper(key: str, year: int, names: list[str]) -> Paper:
    return Paper(id=key, title=key, year=year, venue_id="v",
                 authorships=[Authorship(paper_id=key, position=i, name=n) for i, n in enumerate(names)])


def test_a_year_without_authors_has_no_row() -> None:
    papers = [_paper("a", 2020, ["Ada Lovelace", "Alan Turing"]), _paper("b", 2020, ["Ada Lovelace"]),
              _paper("c", 2021, []), _paper("d", 2022, ["Alan Turing", "ALAN TURING"])]
    rows = yearly_hubs(papers)
    assert rows == [(2020, 2, 2, 2, 1.5), (2022, 1, 1, 1, 1.0)]  # a name counts once per paper
    assert slope(rows, 3) > 0
