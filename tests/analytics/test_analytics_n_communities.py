"""Organiser analyses over five communities: architecture and data count on the systems side and on
their own, ASPLOS counts in both architecture and systems, and MLSys workshop items are not MLSys.

The graph (people by first name; PAPERS is the whole truth):
- Hana: ISCA 2019, then MLSys 2021 -> systems background, via architecture only;
- Ivan: ASPLOS 2020, then MLSys 2021 -> systems background, counted in architecture *and* systems;
- Jo: ICML 2019 and SIGMOD 2020, then MLSys 2021 -> both (data and ML);
- Ken: an MLSys workshop item in 2018, then MLSys 2021 -> neither (MLSys work is never a background);
- Lee: only an MLSys workshop item in 2018 -> not an MLSys author of any year.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.analytics import clear_cache
from graph.analytics.bridges import bridge_people
from graph.analytics.overlap import SMALL_SAMPLE, background_by_year, mlsys_author_backgrounds
from graph.analytics.projections import Projection, projection
from graph.falkor_store import FalkorStore
from graph.loader import GraphBatch, load
from graph.records import Author, Authorship, Paper, Provenance
from graph.venues import venue_record

PROV = Provenance(["test"], "2024-01-01T00:00:00Z")
PAPERS: dict[str, tuple[str, int, list[str]]] = {
    "isca": ("ISCA", 2019, ["hana"]),
    "asplos": ("ASPLOS", 2020, ["ivan"]),
    "icml": ("ICML", 2019, ["jo"]),
    "sigmod": ("SIGMOD", 2020, ["jo"]),
    "ws": ("MLSys-WS", 2018, ["ken", "lee"]),
    "mlsys1": ("MLSys", 2021, ["hana", "ivan"]),
    "mlsys2": ("MLSys", 2021, ["jo", "ken"]),
}


def _batch() -> GraphBatch:
    papers = [Paper(id=f"paper:{pid}", title=f"Paper {pid}", year=year, venue_id=venue_record(venue).id,
                    venue_name=venue, provenance=PROV,
                    authorships=[Authorship(f"paper:{pid}", i, p.title(), author_id=f"author:{p}")
                                 for i, p in enumerate(people)])
              for pid, (venue, year, people) in PAPERS.items()]
    people = sorted({p for _, _, ps in PAPERS.values() for p in ps})
    return GraphBatch(papers=papers, authors=[Author(f"author:{p}", p.title(), provenance=PROV) for p in people],
                      venues=[venue_record(v, PROV) for v in sorted({v for v, _, _ in PAPERS.values()})])


@pytest.fixture(scope="module")
def proj(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Projection]:
    store = FalkorStore(tmp_path_factory.mktemp("atlas-n-communities"), "ncomm")
    with store.building() as target:
        load(target, _batch())
    clear_cache()
    yield projection(store)
    store.close()


def test_workshop_items_are_not_the_conference(proj: Projection) -> None:
    rows = mlsys_author_backgrounds(proj, "prior")
    assert {r.year for r in rows} == {2021}
    assert "author:lee" not in {r.author for r in rows}


def test_backgrounds_over_the_systems_side(proj: Projection) -> None:
    rows = {r.author.split(":")[1]: r for r in mlsys_author_backgrounds(proj, "prior")}
    assert {a: r.background for a, r in rows.items()} == {
        "hana": "systems", "ivan": "systems", "jo": "both", "ken": "neither"}
    assert rows["ivan"].communities == ("systems", "architecture")  # ASPLOS counts in both
    assert rows["jo"].communities == ("data", "ml")


def test_each_community_reported_on_its_own(proj: Projection) -> None:
    (year,) = background_by_year(proj)
    assert (year.authors, year.systems, year.both, year.neither) == (4, 2, 1, 1)
    assert year.community_shares == {"systems": 0.25, "architecture": 0.5, "data": 0.25, "ml": 0.25}
    assert year.small_sample is (year.authors < SMALL_SAMPLE)


def test_architecture_and_data_lean_to_the_systems_side(proj: Projection) -> None:
    lean = proj.systems_lean
    assert lean["author:hana"] == pytest.approx(0.75)  # ISCA 1 + half of MLSys vs half of MLSys
    assert lean["author:jo"] == pytest.approx(0.5)  # SIGMOD 1 + 0.5 vs ICML 1 + 0.5
    assert "author:lee" not in lean or lean["author:lee"] == pytest.approx(0.5)
    assert isinstance(bridge_people(proj, 5), list)
