"""The Institution page names the years whose papers rarely carry an affiliation.

Why: the sources print affiliations for some years and not others (none of the snapshot's 2020 ML papers have
one), so a short bar on an institution's chart can be missing data rather than fewer papers. The graph below:
in 2020 one of eight papers has an affiliation printed, in 2021 all four do; Ana printed Carnegie Mellon on one
paper of each year.
"""

from __future__ import annotations

from collections.abc import Iterator

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
