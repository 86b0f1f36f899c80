"""Names in every script reach the store: a tiny snapshot built through the real build path.

Before id scheme 2 the fold deleted letters it could not turn into ASCII: "Πάνος Λουρίδας"
and "Али Саиди" folded to "", their author id was "", and the AUTHORED and AFFILIATED_WITH
rows keyed on it matched no node and were dropped without a word (16 authorships and 6
affiliations of the full snapshot). Now they are transliterated, and a record whose id
still folds to nothing is quarantined with the reason and refused by the loader.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.falkor_store import FalkorStore
from graph.ids import fold, legacy_institution_id, legacy_paper_id
from graph.loader import EmptyIdError, check_ids
from graph.records import Author, Authorship, Institution, Paper, Quarantined
from ingest.build import BuildReport, build, quarantined_records
from ingest.id_guard import quarantine_empty_ids
from ingest.identity.resolver import person_id_for
from tests.conftest import SNAPSHOT

# (title, authors, affiliations): ICLR 2024 rows in Paper Copilot's shape; the names are the examples
ROWS = [
    ("Transliterated Names in Knowledge Graphs",
     ["Πάνος Λουρίδας", "Али Саиди", "Þórður Jónsson"],
     ["Οικονομικό Πανεπιστήμιο Αθηνών", "Московский государственный университет", "Háskóli Íslands"]),
    ("Scaling Laws Across Scripts",
     ["王伟", "Дмитрий Ветров", "Matei Zaharia"],
     ["清华大学", "Высшая школа экономики", "Stanford University"]),
    ("μLayer: Low Latency On-Device Inference",
     ["Youngsok Kim", "Πάνος Λουρίδας"],
     ["μLab Research", "Οικονομικό Πανεπιστήμιο Αθηνών"]),
]
NO_LETTERS = "—"  # folds to nothing even when transliterated


def _snapshot(root: Path, rows: list[tuple[str, list[str], list[str]]]) -> Path:
    snapshot = root / "snapshot"
    (snapshot / "papercopilot" / "iclr").mkdir(parents=True)
    shutil.copy(SNAPSHOT / "MANIFEST.json", snapshot / "MANIFEST.json")
    records = [{"title": title, "author": ";".join(names), "aff": ";".join(affs), "status": "Poster"}
               for title, names, affs in rows]
    with gzip.open(snapshot / "papercopilot" / "iclr" / "iclr2024.json.gz", "wt", encoding="utf-8") as out:
        json.dump(records, out, ensure_ascii=False)
    return snapshot


@pytest.fixture(scope="module")
def scripts_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FalkorStore, BuildReport, Path]]:
    root = tmp_path_factory.mktemp("scripts")
    rows = [*ROWS, ("A Paper With a Dash for an Author", ["Ada Lovelace", NO_LETTERS], ["", ""])]
    data_dir = root / "data"
    store = FalkorStore(data_dir, "atlas")
    report = build(store, _snapshot(root, rows), data_dir, quiet=True, include_ingested=False, use_cache=False)
    yield store, report, data_dir
    store.close()


def test_every_authorship_in_every_script_reaches_the_store(scripts_build) -> None:
    store, _report, _data_dir = scripts_build
    printed = store.read("MATCH (a:Author)-[e:AUTHORED]->(p:Paper) RETURN e.name_as_printed AS name, a.id AS id")
    expected = sorted([*(name for _title, names, _affs in ROWS for name in names), "Ada Lovelace"])
    assert sorted(r["name"] for r in printed) == expected
    assert all(r["id"].startswith("author:") and len(r["id"]) > len("author:") for r in printed)
    people = {r["name"]: r["key"] for r in store.read("MATCH (a:Author) RETURN a.name AS name, a.search_key AS key")}
    assert people["Πάνος Λουρίδας"] == "panos loyridas" and people["Али Саиди"] == "ali saidi"
    assert people["Þórður Jónsson"] == "thordur jonsson" and people["王伟"] == "wangwei"
    assert [r["name"] for r in store.search_authors("Dmitriy Vetrov")] == ["Дмитрий Ветров"]


def test_every_affiliation_in_every_script_reaches_the_store(scripts_build) -> None:
    store, _report, _data_dir = scripts_build
    rows = store.read("MATCH (a:Author)-[:AFFILIATED_WITH]->(i:Institution) RETURN a.name AS person, i.id AS inst")
    affiliated = {(r["person"], r["inst"]) for r in rows}
    expected_people = {name for _title, names, _affs in ROWS for name in names}
    assert {person for person, _ in affiliated} == expected_people
    assert all(len(inst) > len("inst:") for _, inst in affiliated)
    names = {r["name"] for r in store.read("MATCH (i:Institution) RETURN i.name AS name")}
    assert "清华大学" in names or "Tsinghua University" in names
    assert not store.read("MATCH (i:Institution) WHERE i.id = 'inst:' OR i.name = '-' RETURN i.id AS id")


def test_ids_of_id_scheme_1_resolve_to_the_new_nodes(scripts_build) -> None:
    """A paper keyed on its title and a Greek first author, the people whose id came from that paper's
    old id, and an organisation whose name lost its 'μ' keep answering to their scheme-1 ids."""
    store, _report, _data_dir = scripts_build
    title, names, _affs = ROWS[0]
    old_paper = legacy_paper_id(title=title, year=2024, first_author=names[0])
    paper = store.paper(old_paper)
    assert paper is not None and paper["title"] == title and paper["id"] != old_paper
    assert paper["id_aliases"] == [old_paper]
    old_person = person_id_for({}, f"{old_paper}#2")  # Þórður Jónsson, third author of that paper
    assert store.current_id(old_person) != old_person
    assert store.author(old_person)["name"] == "Þórður Jónsson"  # type: ignore[index]
    old_inst = legacy_institution_id("μLab Research")
    assert old_inst == "inst:lab-research" and store.current_id(old_inst) == "inst:mlab-research"
    assert store.node(old_inst)["props"]["name"] == "μLab Research"  # type: ignore[index]


def test_a_name_with_no_letters_is_quarantined_not_dropped(scripts_build) -> None:
    store, report, data_dir = scripts_build
    reasons = [q for q in quarantined_records(data_dir) if q["raw"] == NO_LETTERS]
    assert [q["reason"] for q in reasons] == ["empty author id: the name has no letter or digit identity "
                                              "resolution can key on"]
    assert report.quarantined_by_reason.get("ids: empty author id") == 1
    assert store.read("MATCH (a:Author)-[:AUTHORED]->(p:Paper) WHERE p.title STARTS WITH 'A Paper With' "
                      "RETURN a.name AS name") == [{"name": "Ada Lovelace"}]


def test_the_guard_quarantines_every_kind_of_empty_id() -> None:
    paper = Paper("paper:t:x", "A title", 2024, "venue:iclr", authorships=[
        Authorship("paper:t:x", 0, "Ada Lovelace", author_id="author:ada", institution_id="inst:"),
        Authorship("paper:t:x", 1, "—", author_id="")])
    quarantine: list[Quarantined] = []
    authors, places = quarantine_empty_ids([paper], [Author("author:ada", "Ada Lovelace"), Author("", "—")],
                                           [Institution("inst:", "-"), Institution("inst:mit", "MIT")], quarantine)
    assert [a.id for a in authors] == ["author:ada"] and [i.id for i in places] == ["inst:mit"]
    assert [(a.author_id, a.institution_id) for a in paper.authorships] == [("author:ada", None)]
    assert [(q.locator, q.reason.split(":")[0]) for q in quarantine] == [
        ("paper:t:x#0", "empty institution id"), ("paper:t:x#1", "empty author id"), ("", "empty author id"),
        ("inst:", "empty institution id")]


def test_the_loader_refuses_an_empty_id() -> None:
    check_ids({"Author": [{"id": "author:a", "props": {}}]}, {"AUTHORED": [{"author_id": "author:a",
                                                                            "paper_id": "paper:t:x", "props": {}}]})
    with pytest.raises(EmptyIdError, match="AUTHORED author_id=''"):
        check_ids({}, {"AUTHORED": [{"author_id": "", "paper_id": "paper:t:x", "props": {}}]})
    with pytest.raises(EmptyIdError, match="Institution id='inst:'"):
        check_ids({"Institution": [{"id": "inst:", "props": {}}]}, {})


def test_the_fold_transliterates() -> None:
    assert fold("Дмитрий Ветров") == "dmitriy vetrov"
    assert fold("Þórður") == "thordur"
    assert fold("μLayer") == "mlayer"
    assert fold("Cheng\u2010zhong") == fold("Cheng-zhong") == "cheng zhong"
    assert fold("\\textbf{Zaharia}") == "zaharia" and fold("Łukasz Kaiser") == "lukasz kaiser"
