"""Connection paths on the tiny graph, where every shortest path is known."""

from __future__ import annotations

from graph.analytics.paths import collaboration_distance, connection_paths
from graph.analytics.projections import Projection
from tests.analytics.conftest import aid


def test_shortest_path_first_with_evidence_per_hop(tiny: Projection) -> None:
    result = connection_paths(tiny, aid("ana"), aid("emil"), k=3)
    assert result.status == "found"
    assert [p.authors for p in result.paths][0] == [aid("ana"), aid("dana"), aid("emil")]
    first_hop = result.paths[0].hops[0]
    assert first_hop.kind == "coauthor"
    assert first_hop.joint_papers == 2
    assert [p["id"] for p in first_hop.papers] == ["paper:p12", "paper:p2"]  # newest first
    assert first_hop.years == [2019, 2021] and first_hop.venues == ["OSDI"]
    assert first_hop.evidence == "2 joint papers (2019-2021; OSDI)"
    assert "2 hops apart" in result.message


def test_alternatives_are_longer_and_strongest_first(tiny: Projection) -> None:
    result = connection_paths(tiny, aid("ana"), aid("emil"), k=3)
    assert [p.length for p in result.paths] == [2, 3, 3]
    # Ana-Dana-Fatima-Emil and Ana-Ben-Dana-Emil both have 4 joint papers; the first has the more recent ones.
    assert result.paths[1].authors == [aid("ana"), aid("dana"), aid("fatima"), aid("emil")]
    rows = result.rows()
    assert rows[0]["path"] == 1 and rows[0]["from"] == "Ana Lopez" and "OSDI" in str(rows[0]["papers"])


def test_same_person_unknown_and_no_path(tiny: Projection) -> None:
    assert connection_paths(tiny, aid("ana"), aid("ana")).status == "same_person"
    unknown = connection_paths(tiny, aid("ana"), "author:nobody")
    assert unknown.status == "unknown_person" and "author:nobody" in unknown.message
    apart = connection_paths(tiny, aid("ana"), aid("paul"))
    assert apart.status == "no_path" and apart.paths == [] and "not connected" in apart.message
    alone = connection_paths(tiny, aid("ana"), aid("zoe"))
    assert alone.status == "no_path" and "Zoe Solo has no co-authors" in alone.message


def test_institution_hops_connect_what_coauthorship_does_not(tiny: Projection) -> None:
    assert connection_paths(tiny, aid("ana"), aid("qi")).status == "no_path"
    result = connection_paths(tiny, aid("ana"), aid("qi"), via_institutions=True)
    assert result.status == "found"
    hops = result.paths[0].hops
    assert [h.kind for h in hops] == ["coauthor", "same_institution"]
    assert hops[1].institution_name == "University of Examples" and hops[1].year == 2020
    assert hops[1].evidence == "both at University of Examples in 2020"


def test_coauthorship_beats_an_equally_short_institution_hop(tiny: Projection) -> None:
    result = connection_paths(tiny, aid("dana"), aid("emil"), k=1, via_institutions=True)
    assert [h.kind for h in result.paths[0].hops] == ["coauthor"]


def test_collaboration_distance(tiny: Projection) -> None:
    assert collaboration_distance(tiny, aid("ana"), aid("gao")) == 2
    assert collaboration_distance(tiny, aid("ana"), aid("paul")) is None
