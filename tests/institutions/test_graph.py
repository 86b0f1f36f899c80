"""Institutions in a real build (the shared small build: seed list, OSDI, NSDI, ICML 2023, ICLR 2022)."""

from __future__ import annotations

from pathlib import Path

from graph import queries as q
from graph.analytics.sectors import classify_institution
from graph.falkor_store import FalkorStore
from ingest.build import BuildReport
from ingest.institutions.decisions import read_mapping


def node(store: FalkorStore, node_id: str) -> dict:
    rows = store.read(q.GET_NODE, {"id": node_id})
    assert rows, node_id
    return rows[0]["props"]


def test_institution_nodes_are_organisations_with_country_and_type(small_store: FalkorStore) -> None:
    rows = small_store.read("MATCH (i:Institution) RETURN i.id AS id, i.country AS country, i.type AS type, "
                            "i.curated AS curated, i.name AS name, i.country_source AS country_source, "
                            "i.type_source AS type_source")
    assert rows and all(r["type"] for r in rows)
    # every node says where its country and type came from; "none" exactly when there is no country
    assert all(r["country_source"] in ("table", "source-field", "string", "sibling", "none") for r in rows)
    assert all((r["country"] is None) == (r["country_source"] == "none") for r in rows)
    assert all(r["type_source"] in ("table", "name", "none") for r in rows)
    curated = [r for r in rows if r["curated"]]
    assert len(curated) > 150 and all(r["country"] for r in curated)
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))  # one node per organisation name
    berkeley = node(small_store, "inst:org:ucb")
    assert berkeley["country"] == "US" and berkeley["type"] == "education" and "UC Berkeley" in berkeley["aliases"]


def test_units_are_part_of_their_organisation(small_store: FalkorStore) -> None:
    rows = small_store.read("MATCH (u:Institution)-[:PART_OF]->(o:Institution) RETURN u.id AS unit, o.id AS org")
    pairs = {(r["unit"], r["org"]) for r in rows}
    assert ("inst:org:mit-csail", "inst:org:mit") in pairs
    assert ("inst:org:microsoft-research", "inst:org:microsoft") in pairs
    topics = small_store.read("MATCH (t:Topic)-[:PART_OF]->(p:Topic) RETURN count(t) AS n")
    assert topics[0]["n"] > 0  # the taxonomy's PART_OF is still written


def test_analytics_count_units_at_their_organisation(small_store: FalkorStore) -> None:
    institutions = {r["institution"] for r in small_store.author_institution_rows()}
    assert "inst:org:microsoft" in institutions and "inst:org:mit-csail" not in institutions


def test_berkeley_people_are_at_uc_berkeley_not_berkeley_college(small_store: FalkorStore) -> None:
    stoica = small_store.read("MATCH (a:Author) WHERE a.name = $name RETURN a.id AS id, "
                              "a.latest_institution AS latest, a.latest_year AS year", {"name": "Ion Stoica"})
    assert stoica and stoica[0]["latest"] == "University of California, Berkeley"
    college = small_store.read("MATCH (a:Author)-[:AFFILIATED_WITH]->(i:Institution {id: $id}) RETURN a.name AS name",
                               {"id": "inst:org:berkeley-college"})
    assert "Ion Stoica" not in {r["name"] for r in college}


def test_affiliations_keep_the_year_and_unresolved_strings_stay_raw(small_store: FalkorStore) -> None:
    years = small_store.read("MATCH ()-[e:AFFILIATED_WITH]->() RETURN count(e) AS n, min(e.year) AS low")
    assert years[0]["n"] > 1000 and years[0]["low"] >= 2000
    raw = small_store.read("MATCH (:Author)-[e:AUTHORED]->() WHERE e.affiliation = $text RETURN count(e) AS n",
                           {"text": "Independent Researcher"})
    assert raw[0]["n"] >= 0  # kept as printed on the authorship (count depends on the subset)


def test_build_writes_the_string_mapping_beside_the_store(small_build: tuple[FalkorStore, BuildReport, Path]) -> None:
    _, report, data_dir = small_build
    rows = read_mapping(data_dir)
    assert len(rows) > 1000
    linked = {r["institution_id"] for r in rows if r["institution_id"]}
    assert 100 < report.institutions < len(rows) and len(linked) < len(rows)  # far fewer nodes than strings
    assert {"alias", "several"} <= {r["method"] for r in rows}


def test_sector_comes_from_the_type() -> None:
    assert classify_institution("anything", "company") == "industry"
    assert classify_institution("Google DeepMind") == "industry"
    assert classify_institution("Lawrence Berkeley National Laboratory") == "lab"
    assert classify_institution("Berkeley College") == "academia"


def test_searching_an_organisation_finds_one_node_by_any_of_its_names(small_store: FalkorStore) -> None:
    assert [r["id"] for r in small_store.search_institutions("carnegie mellon")] == ["inst:org:cmu"]
    assert "inst:org:cmu" in [r["id"] for r in small_store.search_institutions("CMU")]
    assert small_store.search_institutions("uc berkeley")[0]["id"] == "inst:org:ucb"
