"""Linking a build's authorships: ids from the source travel to the organisation; per-person mis-link fix."""

from __future__ import annotations

import json
from pathlib import Path

from graph.records import Authorship, Institution, Paper, Provenance
from ingest.institutions.link import correct_mislinks, link_institutions, primary_affiliation

PROV = Provenance(["openalex"], "2026-01-01")


def paper(pid: str, year: int, *authors: tuple[str, str | None, str | None]) -> Paper:
    p = Paper(id=pid, title=pid, year=year, venue_id="venue:osdi", provenance=PROV)
    for position, (author_id, affiliation, inst_id) in enumerate(authors):
        p.authorships.append(Authorship(paper_id=pid, position=position, name=author_id, author_id=author_id,
                                        affiliation=affiliation, institution_id=inst_id))
    return p


def test_source_ror_and_openalex_ids_reach_the_organisation_node() -> None:
    source = Institution("inst:ror:042nb2s44", "Massachusetts Institute of Technology", "US",
                         "https://ror.org/042nb2s44", PROV, openalex_id="I63966007")
    papers = [paper("p1", 2023, ("a", "Massachusetts Institute of Technology", source.id), ("b", "MIT CSAIL", None),
                    ("c", "Independent Researcher", None), ("d", None, None))]
    nodes, report = link_institutions(papers, {source.id: source})
    by_id = {n.id: n for n in nodes}
    mit = by_id["inst:org:mit"]
    assert (mit.ror, mit.openalex_id, mit.country, mit.type, mit.curated) == (
        "https://ror.org/042nb2s44", "I63966007", "US", "education", True)
    assert by_id["inst:org:mit-csail"].parent_id == "inst:org:mit"
    assert [a.institution_id for a in papers[0].authorships] == ["inst:org:mit", "inst:org:mit-csail", None, None]
    assert papers[0].authorships[2].affiliation == "Independent Researcher"  # the raw string stays
    assert (report.authorships, report.linked, report.not_organisation) == (3, 2, 1)


def test_user_decisions_apply_in_the_build(tmp_path: Path) -> None:
    folder = tmp_path / "institutions"
    folder.mkdir()
    (folder / "decisions.jsonl").write_text(json.dumps(
        {"action": "alias", "affiliation": "Berkeley", "schema": 1,
         "target": {"id": "inst:org:ucb", "name": "University of California, Berkeley"}}) + "\n")
    papers = [paper("p1", 2023, ("a", "Berkeley", None))]
    link_institutions(papers, {}, tmp_path)
    assert papers[0].authorships[0].institution_id == "inst:org:ucb"
    assert (folder / "mapping.jsonl").exists()


def test_a_person_openalex_put_at_a_look_alike_is_moved_to_where_they_are_elsewhere() -> None:
    papers = [paper("p1", 2022, ("stoica", "University of California, Berkeley", None)),
              paper("p2", 2023, ("stoica", "Berkeley College", None), ("other", "Berkeley College", None))]
    nodes, _ = link_institutions(papers)
    kept, moved = correct_mislinks(papers, nodes)
    assert moved == 1
    assert papers[1].authorships[0].institution_id == "inst:org:ucb"
    assert papers[1].authorships[1].institution_id == "inst:org:berkeley-college"  # no other evidence: kept
    assert {n.id for n in kept} == {"inst:org:ucb", "inst:org:berkeley-college"}


def test_the_listed_institution_that_is_not_a_mislink_is_printed() -> None:
    assert primary_affiliation([("Berkeley College", "US"), ("University of California, Berkeley", "US")]) == 1
    assert primary_affiliation([("Tsinghua University", "CN"), ("Peking University", "CN")]) == 0
