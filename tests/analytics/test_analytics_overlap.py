"""Systems-ML overlap on the tiny graph: background classes, author and institution shares."""

from __future__ import annotations

import pytest

from graph.analytics.overlap import (
    BackgroundYear,
    author_shares,
    background_by_year,
    background_change,
    change_start,
    institution_shares,
    mlsys_author_backgrounds,
    venue_communities,
)
from graph.analytics.projections import Projection
from tests.analytics.conftest import aid


def test_mlsys_backgrounds_with_evidence(tiny: Projection) -> None:
    rows = {r.author: r for r in mlsys_author_backgrounds(tiny, "prior")}
    assert {a: r.background for a, r in rows.items()} == {
        aid("dana"): "both", aid("chen"): "systems", aid("gao"): "ml", aid("hiro"): "neither"}
    dana = rows[aid("dana")]
    assert (dana.year, dana.systems_papers, dana.ml_papers) == (2021, 2, 1)  # OSDI 2019+2020, ICML 2020
    assert (dana.first_systems_year, dana.first_ml_year) == (2019, 2020)
    any_mode = {r.author: r for r in mlsys_author_backgrounds(tiny, "any")}
    assert (any_mode[aid("dana")].systems_papers, any_mode[aid("dana")].ml_papers) == (3, 3)


def test_background_fractions_per_year(tiny: Projection) -> None:
    (year,) = background_by_year(tiny)
    assert (year.year, year.authors, year.systems, year.ml, year.both, year.neither) == (2021, 4, 1, 1, 1, 1)
    assert year.both_share == 0.25
    assert background_change([year]) == {}  # one year: no change to report


def test_the_change_says_the_year_it_is_measured_from() -> None:
    """MLSys has no 2018 edition: "since 2018" is measured from 2019, and the page and CLI say 2019."""
    def year(y: int, systems: int) -> BackgroundYear:
        return BackgroundYear(y, 10, systems, 0, 0, 10 - systems, systems / 10, 0.0, 0.0, (10 - systems) / 10)

    rows = [year(2017, 1), year(2019, 2), year(2021, 5)]
    assert change_start(rows) == 2019 and change_start(rows, since=2020) == 2021
    assert change_start(rows, since=2022) is None
    assert background_change(rows)["systems_pp"] == 30.0  # 2019's 20 % -> 2021's 50 %


def test_mode_is_validated(tiny: Projection) -> None:
    with pytest.raises(ValueError):
        mlsys_author_backgrounds(tiny, "sometimes")  # type: ignore[arg-type]


def test_author_shares(tiny: Projection) -> None:
    (overall,) = author_shares(tiny, [aid("dana")], by_year=False)
    assert overall["papers"] == 7
    assert (overall["systems"], overall["ml"], overall["mlsys"]) == (round(3 / 7, 4), round(3 / 7, 4), round(1 / 7, 4))
    per_year = author_shares(tiny, [aid("dana")])
    assert [r["year"] for r in per_year] == [2019, 2020, 2021]


def test_institution_shares_credit_papers_by_author_year(tiny: Projection) -> None:
    rows = {r["year"]: r for r in institution_shares(tiny) if r["institution"] == "inst:uni"}
    # 2020: Dana was affiliated that year, so her OSDI paper (p3) counts with p5 and Qi's p10.
    assert rows[2020]["papers"] == 3
    assert (rows[2020]["systems"], rows[2020]["ml"]) == (round(1 / 3, 4), round(2 / 3, 4))
    assert rows[2018]["systems"] == 1.0 and rows[2019]["ml"] == 1.0


def test_venue_communities(tiny: Projection) -> None:
    table = {r["venue"]: r["community"] for r in venue_communities(tiny)}
    assert table == {"OSDI": "systems", "ATC": "systems", "ICML": "ml", "NeurIPS": "ml", "MLSys": "mlsys"}
