"""Bridges: participation coefficient and cross-community betweenness with hand-computed answers."""

from __future__ import annotations

import pytest

from graph.analytics.bridges import bridge_institutions, bridge_people, cross_betweenness, participation, sides
from graph.analytics.projections import Projection
from tests.analytics.conftest import aid


def test_participation_coefficient() -> None:
    assert participation(5, 5) == 1.0
    assert participation(3, 0) == 0.0
    assert participation(3, 1) == pytest.approx(2 * (1 - 0.75**2 - 0.25**2))
    assert participation(0, 0) == 0.0


def test_dana_is_the_top_bridge(tiny: Projection) -> None:
    top = bridge_people(tiny, 3)
    dana = top[0]
    assert dana.author == aid("dana")
    # 3.5 joint papers to each side (Hiro, MLSys only, counts half to each) -> P = 1, score 4*3.5*3.5/7.
    assert (dana.systems_links, dana.ml_links, dana.participation) == (3.5, 3.5, 1.0)
    assert dana.score == pytest.approx(7.0)
    assert dana.systems_coauthors[0] == "Ana Lopez" and dana.ml_coauthors[0] == "Emil Novak"
    assert "own papers: 3 systems, 3 ML, 1 MLSys" in dana.evidence
    # summed over co-authors, so co-authorships, not papers (a paper with several co-authors counts once for each)
    assert dana.evidence.startswith("co-authorships 3.5 with the systems side, 3.5 with the ML side")
    chen = next(b for b in bridge_people(tiny, 20) if b.author == aid("chen"))
    assert chen.score == pytest.approx(2.25) and chen.participation == pytest.approx(0.75)


def test_sides_follow_the_systems_lean(tiny: Projection) -> None:
    systems, ml = sides(tiny)
    assert systems == sorted(aid(p) for p in ("ana", "ben", "chen", "kim1"))
    assert aid("dana") not in systems + ml and aid("hiro") not in systems + ml  # balanced or MLSys only


def test_cross_community_betweenness_known_answer(tiny: Projection) -> None:
    # 4 systems sources x 7 ML targets = 28 pairs; Dana lies on 6 of their shortest paths, Ben and Chen on 3,
    # Gao on 2: Ana, Ben, Kim1 reach Emil and Fatima only through Dana; Ana, Ben, Kim1 reach Gao through Chen
    # (Kim1 also through Ben); Chen reaches Emil and Fatima through Gao.
    shares = cross_betweenness(tiny, samples=64)
    assert shares == pytest.approx({aid("dana"): 6 / 28, aid("ben"): 3 / 28, aid("chen"): 3 / 28,
                                    aid("gao"): 2 / 28})
    ranked = bridge_people(tiny, 2, method="betweenness")
    assert ranked[0].author == aid("dana") and ranked[0].betweenness == pytest.approx(6 / 28, abs=1e-6)


def test_bridge_institutions(tiny: Projection) -> None:
    (uni,) = bridge_institutions(tiny)
    assert uni.name == "University of Examples" and uni.members == 4
    # Members Dana (3.5/3.5), Gao (0.75/2.25), Qi (0/1), Chen (2.25/0.75).
    assert (uni.systems_links, uni.ml_links) == (6.5, 7.5)
    assert uni.score == pytest.approx(4 * 6.5 * 7.5 / 14, abs=1e-3)
    assert uni.bridge_people[0] == "Dana Bridge"
