"""The Institution page names the years whose papers rarely carry an affiliation.

Why: the sources print affiliations for some years and not others (none of the snapshot's 2020 ML papers have
one), so a short bar on an institution's chart can be missing data rather than fewer papers. The graph below:
in 2020 one of eight papers has an affiliation printed, in 2021 all four do; Ana printed Carnegie Mellon on one
paper of each year.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
from apphelpers import assert_clean, open_page
from stores import loaded_store

from graph import explore
from graph.falkor_store import FalkorStore
from graph.loader import GraphBatch
from graph.records import Author, Authorship, Institution, Paper, Provenance
from graph.venues import venue_record

PROV = Provenance(["test"], "2024-01-01T00:00:00Z")
CMU = "inst:cmu"
# paper -> (year, author, printed institution or None)
PAPERS = {f"a{i}": (2020, "bo", None) for i in range(7)} | {"c0": (2020, "ana", CMU)} \
    | {f"c{i}": (2021, "ana", CMU) for i in range(1, 5)}


def batch() -> GraphBatch:
    papers = [Paper(id=f"paper:{pid}", title=f"Paper {pid}", year=year, venue_id=venue_record("OSDI").id,
                    venue_name="OSDI", provenance=PROV,
                    authorships=[Authorship(f"paper:{pid}", 0, person.title(), author_id=f"author:{person}",
                                            institution_id=institution)])
              for pid, (year, person, institution) in PAPERS.items()]
    return GraphBatch(papers=papers, venues=[venue_record("OSDI", PROV)],
                      authors=[Author(f"author:{p}", p.title(), provenance=PROV) for p in ("ana", "bo")],
                      institutions=[Institution(CMU, "Carnegie Mellon University", "US", provenance=PROV)])


@pytest.fixture()
def coverage_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[FalkorStore]:
    with loaded_store(tmp_path_factory.mktemp("atlas-coverage"), "coverage", batch()) as store:
        monkeypatch.setenv("ATLAS_DATA_DIR", str(store.server.data_dir))
        monkeypatch.setenv("ATLAS_GRAPH", "coverage")
        monkeypatch.setenv("ATLAS_STORE", "embedded")
        yield store


def test_the_years_with_few_affiliations_are_named_under_the_chart(coverage_env: FalkorStore) -> None:
    assert explore.affiliation_coverage(coverage_env) == {2020: 1 / 8, 2021: 1.0}
    at = open_page("pages/institution.py", institution=CMU)
    assert_clean(at)
    (note,) = [c.value for c in at.caption if "few papers of" in c.value]
    assert "2020 (12%)" in note and "2021" not in note


def unit_batch() -> GraphBatch:
    """Ana printed the lab (a unit of Acme) on u1 and Acme itself on u2: Acme's page counts both, as the analytics
    credit both to Acme; the lab's page counts the lab's."""
    papers = [Paper(id=f"paper:{pid}", title=f"Paper {pid}", year=2021, venue_id=venue_record("OSDI").id,
                    venue_name="OSDI", provenance=PROV,
                    authorships=[Authorship(f"paper:{pid}", 0, "Ana", author_id="author:ana", institution_id=inst)])
              for pid, inst in (("u1", "inst:acme-lab"), ("u2", "inst:acme"))]
    return GraphBatch(papers=papers, venues=[venue_record("OSDI", PROV)],
                      authors=[Author("author:ana", "Ana", provenance=PROV)],
                      institutions=[Institution("inst:acme", "Acme", "US", provenance=PROV),
                                    Institution("inst:acme-lab", "Acme Lab", "US", provenance=PROV,
                                                parent_id="inst:acme")])


def test_an_organisations_page_counts_and_links_its_units(tmp_path_factory: pytest.TempPathFactory,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    with loaded_store(tmp_path_factory.mktemp("atlas-units"), "units", unit_batch()) as store:
        monkeypatch.setenv("ATLAS_DATA_DIR", str(store.server.data_dir))
        monkeypatch.setenv("ATLAS_GRAPH", "units")
        monkeypatch.setenv("ATLAS_STORE", "embedded")
        for page, papers, caption, linked in (("inst:acme", "2", "Counts include its 1 unit:", "inst:acme-lab"),
                                              ("inst:acme-lab", "1", "Part of Acme", "inst:acme")):
            at = open_page("pages/institution.py", institution=page)
            assert_clean(at)
            assert {m.label: m.value for m in at.metric}["Papers"] == papers, page
            assert any(c.value.startswith(caption) for c in at.caption), page
            assert linked in [parse_qs(link.proto.query_string).get("institution", [""])[0]
                              for link in at.get("page_link")], page
