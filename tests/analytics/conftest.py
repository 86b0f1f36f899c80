"""A tiny real store with known answers, and the shared small snapshot store as a projection.

The tiny graph (people by first name; PAPERS below is the whole truth):
- systems side: Ana, Ben, Chen (OSDI 2018), Ben and Kim1 (ATC); Ana-Dana twice, Ben-Dana (OSDI);
- ML side: Emil, Fatima, Gao (ICML 2019); Dana-Emil twice, Dana-Fatima (ICML);
- Dana is the bridge (3.5 joint papers to each side); MLSys 2021: Dana+Hiro, Chen+Gao;
- a separate component Paul-Qi and Paul-Kim2 (NeurIPS), and Zoe alone (ICML);
- Dana and Qi were both at the University of Examples in 2020 (Gao in 2019, Chen in 2018);
- two different people are called "Alex Kim": Kim1 (ATC) and Kim2 (NeurIPS, at MIT).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from stores import loaded_store

from graph.analytics import clear_cache
from graph.analytics.projections import Projection, projection
from graph.falkor_store import FalkorStore
from graph.ids import topic_id
from graph.loader import GraphBatch
from graph.records import Author, Authorship, Institution, Paper, Provenance, Topic, TopicTag
from graph.venues import venue_record

PROV = Provenance(["test"], "2024-01-01T00:00:00Z")
NAMES = {
    "ana": "Ana Lopez", "ben": "Ben Okafor", "chen": "Chen Wei", "dana": "Dana Bridge", "emil": "Emil Novak",
    "fatima": "Fatima Haddad", "gao": "Gao Lin", "hiro": "Hiro Sato", "zoe": "Zoe Solo", "paul": "Paul Park",
    "qi": "Qi Quan", "kim1": "Alex Kim", "kim2": "Alex Kim",
}
UNI = "inst:uni"
MIT = "inst:mit"
# paper -> (venue, year, authors, pillar tags)
PAPERS: dict[str, tuple[str, int, list[str], list[str]]] = {
    "p1": ("OSDI", 2018, ["ana", "ben", "chen"], ["software"]),
    "p2": ("OSDI", 2019, ["ana", "dana"], ["software"]),
    "p3": ("OSDI", 2020, ["ben", "dana"], ["hardware"]),
    "p4": ("ICML", 2019, ["emil", "fatima", "gao"], ["metrics"]),
    "p5": ("ICML", 2020, ["dana", "emil"], ["metrics"]),
    "p6": ("ICML", 2021, ["dana", "fatima"], []),
    "p7": ("MLSys", 2021, ["dana", "hiro"], ["hardware", "software"]),
    "p8": ("MLSys", 2021, ["chen", "gao"], ["software"]),
    "p9": ("ICML", 2021, ["zoe"], []),
    "p10": ("NeurIPS", 2020, ["paul", "qi"], ["metrics"]),
    "p12": ("OSDI", 2021, ["ana", "dana"], ["software"]),
    "p13": ("ICML", 2021, ["dana", "emil"], ["metrics"]),
    "p14": ("ATC", 2020, ["ben", "kim1"], []),
    "p15": ("NeurIPS", 2021, ["kim2", "paul"], []),
}
# (person, paper) -> institution
AFFILIATIONS = {("dana", "p5"): UNI, ("gao", "p4"): UNI, ("qi", "p10"): UNI, ("chen", "p1"): UNI,
                ("kim2", "p15"): MIT}


def aid(person: str) -> str:
    return f"author:{person}"


def tiny_batch() -> GraphBatch:
    papers = []
    for pid, (venue, year, people, tags) in PAPERS.items():
        paper_id = f"paper:{pid}"
        papers.append(Paper(
            id=paper_id, title=f"Paper {pid.upper()} on {venue}", year=year, venue_id=venue_record(venue).id,
            venue_name=venue, provenance=PROV, topics=[TopicTag(t, 0.75, ["test"]) for t in tags],
            authorships=[Authorship(paper_id, i, NAMES[p], author_id=aid(p), institution_id=AFFILIATIONS.get((p, pid)))
                         for i, p in enumerate(people)]))
    venues = {p.venue_name for p in papers}
    return GraphBatch(
        papers=papers,
        authors=[Author(aid(p), name, provenance=PROV, openreview_id=f"~{p}1") for p, name in NAMES.items()],
        venues=[venue_record(v, PROV) for v in sorted(venues)],
        institutions=[Institution(UNI, "University of Examples", "US", provenance=PROV),
                      Institution(MIT, "Massachusetts Institute of Technology", "US", provenance=PROV)],
        topics=[Topic(topic_id(t), t, t.title(), "pillar", [t]) for t in ("hardware", "software", "metrics",
                                                                         "ml_for_systems")],
    )


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    with loaded_store(tmp_path_factory.mktemp("atlas-tiny"), "tiny", tiny_batch()) as store:
        yield store


@pytest.fixture()
def tiny(tiny_store: FalkorStore) -> Projection:
    """The tiny graph, all years, read through the real store and projection cache."""
    return projection(tiny_store)


@pytest.fixture(scope="session")
def small_projection(small_store: FalkorStore) -> Projection:
    clear_cache()
    return projection(small_store)


@pytest.fixture(scope="session")
def small_data_dir(small_build: tuple[FalkorStore, object, Path]) -> Path:
    return small_build[2]
