"""Profiles and trends on the tiny graph, and the industry/academia heuristic."""

from __future__ import annotations

import pytest

from graph.analytics.profile import person_profile
from graph.analytics.projections import Projection
from graph.analytics.sectors import classify_institution
from graph.analytics.trends import country_mix, institution_mix, sector_mix, topic_movers, topic_shares
from graph.errors import AtlasError
from tests.analytics.conftest import aid


def test_profile_of_the_bridge(tiny: Projection) -> None:
    p = person_profile(tiny, aid("dana"))
    assert (p.name, p.papers, p.first_year, p.last_year, p.background) == ("Dana Bridge", 7, 2019, 2021, "both")
    assert [(v["venue"], v["papers"]) for v in p.venue_mix] == [("ICML", 3), ("OSDI", 3), ("MLSys", 1)]
    assert [(t["label"], t["papers"]) for t in p.topic_totals] == [("software", 3), ("hardware", 2), ("metrics", 2)]
    y2021 = next(r for r in p.community_mix if r["year"] == 2021)
    assert (y2021["papers"], y2021["systems"], y2021["ml"], y2021["mlsys"]) == (4, 0.25, 0.5, 0.25)
    assert p.coauthors[0] == {"id": aid("ana"), "name": "Ana Lopez", "joint_papers": 2, "last_year": 2021}
    assert p.institutions == [{"year": 2020, "institution": "inst:uni", "name": "University of Examples",
                               "country": "US"}]
    assert p.community is not None and p.community.size >= 2


def test_profile_of_an_unknown_person(tiny: Projection) -> None:
    with pytest.raises(AtlasError):
        person_profile(tiny, "author:nobody")


def test_topic_shares_per_year(tiny: Projection) -> None:
    rows = {(r["year"], r["label"]): r for r in topic_shares(tiny)}
    assert rows[(2021, "software")]["papers"] == 3 and rows[(2021, "software")]["total"] == 7
    assert rows[(2021, "software")]["share"] == round(3 / 7, 4)
    by_venue = {(r["venue"], r["label"]): r["share"] for r in topic_shares(tiny, "venue")}
    assert by_venue[("OSDI", "software")] == 0.75


def test_rising_and_falling_topics(tiny: Projection) -> None:
    moves = {m.label: m for m in topic_movers(tiny, window=1, min_papers=1)}
    assert moves["software"].direction == "rising" and moves["software"].change_pp == pytest.approx(100 * 3 / 7, 0.01)
    assert moves["metrics"].direction == "falling"  # 2 of 4 papers in 2020, 1 of 7 in 2021


def test_rising_and_falling_leaves_out_years_with_few_papers(tiny: Projection) -> None:
    """A year with fewer papers than `min_year_papers` is left out, as the trend chart leaves it out. The tiny graph
    has 1, 2, 4 and 7 papers in 2018-2021: with 4, software counts only its 2020-2021 papers (p7, p8, p12), and
    with 5 only 2021 is left, so there is no earlier window to compare it with."""
    moves = {m.label: m for m in topic_movers(tiny, window=1, min_papers=1, min_year_papers=4)}
    assert moves["software"].papers == 3 and moves["software"].change_pp == pytest.approx(100 * 3 / 7, 0.01)
    assert topic_movers(tiny, window=1, min_papers=1)[0].papers == 5  # all years: p1 and p2 too
    assert topic_movers(tiny, window=1, min_papers=1, min_year_papers=5) == []


def test_institution_country_and_sector_mix(tiny: Projection) -> None:
    countries = {(r["year"], r["country"]): r["share"] for r in country_mix(tiny)}
    assert countries[(2020, "US")] == 0.75  # p3, p5, p10 of the four 2020 papers
    sectors = {(r["year"], r["sector"]): r["papers"] for r in sector_mix(tiny)}
    assert sectors[(2021, "academia")] == 1 and sectors[(2021, "unknown")] == 6
    top = institution_mix(tiny, top=1, by_year=False)
    assert top == [{"institution": "inst:uni", "name": "University of Examples", "country": "US", "papers": 5,
                    "share": round(5 / 14, 4)}]


@pytest.mark.parametrize(("name", "sector"), [
    ("Google DeepMind", "industry"), ("Microsoft Research Asia", "industry"), ("NVIDIA Corporation", "industry"),
    ("Samsung Advanced Institute of Technology", "industry"), ("ETH Zurich", "academia"),
    ("University of California, Berkeley", "academia"), ("Toyota Technological Institute at Chicago", "academia"),
    ("Max Planck Institute for Intelligent Systems", "lab"), ("Lawrence Berkeley National Laboratory", "lab"),
    ("Berkeley College", "academia"), ("Acme", "unknown"), (None, "unknown"),
])
def test_sector_from_organisation_type(name: str | None, sector: str) -> None:
    assert classify_institution(name) == sector


def test_sector_mix_takes_the_organisation_type_before_the_name() -> None:
    """An organisation node's type (every node has one, issue 14) decides its sector; its name only where the graph
    gives no type. "Acme" names no sector, but the graph says it is a company."""
    from graph.analytics.projections import GraphData

    papers = [{"paper": "paper:1", "title": "t", "year": 2021, "venue": "MLSys", "community": "mlsys",
               "authors": ["author:a"]},
              {"paper": "paper:2", "title": "u", "year": 2021, "venue": "MLSys", "community": "mlsys",
               "authors": ["author:b"]}]
    affiliations = [{"author": "author:a", "institution": "inst:acme", "name": "Acme", "country": "US",
                     "type": "company", "year": 2021},
                    {"author": "author:b", "institution": "inst:other", "name": "Acme Two", "country": "US",
                     "year": 2021}]
    proj = Projection(GraphData.from_rows(papers, (), affiliations))
    assert {r["sector"]: r["papers"] for r in sector_mix(proj)} == {"industry": 1, "unknown": 1}
