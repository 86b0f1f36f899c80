"""Curators' merges, splits and aliases: recorded with who/when/why, applied on every rebuild, undoable.

Real snapshot rows (the MLSys S2 export with NSDI and OSDI), a real data directory, and
for the command line a real embedded store built through the build path.
"""

from __future__ import annotations

import argparse
import copy
import json
from collections import defaultdict
from pathlib import Path

import pytest

from graph.falkor_store import FalkorStore
from graph.records import Paper
from ingest.build import build as build_graph
from ingest.identity import curation, merge_papers, resolve_authors
from ingest.identity.cli import register
from tests.identity.conftest import SNAPSHOT


def rebuild(papers: list[Paper]) -> tuple[dict[str, str], dict[str, object]]:
    """One 'rebuild': resolve fresh copies; mention id -> person id, and person id -> Author."""
    merged = merge_papers(copy.deepcopy(papers))
    authors = {a.id: a for a in resolve_authors(merged)}
    return {f"{a.paper_id}#{a.position}": a.author_id for p in merged for a in p.authorships}, authors


def mentions_by_person(assignment: dict[str, str]) -> dict[str, list[str]]:
    people: dict[str, list[str]] = defaultdict(list)
    for mention, person in assignment.items():
        people[person].append(mention)
    return people


def test_decisions_round_trip_through_rebuilds_export_and_import(systems_papers: list[Paper], data_dir: Path,
                                                                 tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    before, authors = rebuild(systems_papers)
    people = mentions_by_person(before)
    stoica = max((pid for pid in people if authors[pid].name == "Ion Stoica"), key=lambda pid: len(people[pid]))
    carved = sorted(people[stoica])[:2]
    rest = [m for m in people[stoica] if m not in carved]
    # two profiles of one name that the resolver kept apart: a curator joins them
    by_name: dict[str, list[str]] = defaultdict(list)
    for pid, author in authors.items():
        by_name[author.name].append(pid)
    pairs = [sorted(pids, key=lambda pid: (-len(people[pid]), pid))[:2] for _, pids in sorted(by_name.items())
             if len(pids) >= 2]
    # prefer two profiles holding ids of one kind: a curator's merge may join them, a resolver's may not
    left, right = next((pair for pair in pairs if authors[pair[0]].openreview_id and authors[pair[1]].openreview_id),
                       pairs[0])
    merge = curation.record("merge", "ana", "same person: shared lab", people[left], people[right])
    split = curation.record("split", "ana", "two papers of a namesake", carved, rest, names=["Ion Stoica"])
    alias = curation.record("alias", "ana", "signs as I. S.", rest[:2], alias="I. S. Stoica")
    for _ in range(2):  # every rebuild applies them
        after, authors_after = rebuild(systems_papers)
        assert after[people[left][0]] == after[people[right][0]]
        assert any("merge by curator ana" in r for r in authors_after[after[people[left][0]]].merge_reasons)
        assert after[carved[0]] == after[carved[1]] != after[rest[0]]
        assert "I. S. Stoica" in authors_after[after[rest[0]]].aliases
    rows = [json.loads(line) for line in curation.curation_path().read_text().splitlines()]
    assert rows[0] == {"format": curation.FORMAT, "version": curation.VERSION}
    assert {r["id"] for r in rows[1:]} == {merge["id"], split["id"], alias["id"]}
    assert all(r["who"] == "ana" and r["at"] and r["why"] and r["mentions"] for r in rows[1:])

    # export, then import into another data directory: the same people come out
    exported = tmp_path / "decisions.jsonl"
    assert curation.export(exported) == 3
    other = tmp_path / "other-data"
    monkeypatch.setenv("ATLAS_DATA_DIR", str(other))
    with open(exported, "a", encoding="utf-8") as handle:
        handle.write('{"action": "merge", "who": "x"}\nnot json\n')
    assert curation.import_file(exported) == (3, 2)  # malformed rows are quarantined with the reason
    assert curation.import_file(exported) == (0, 2)  # importing twice adds nothing
    quarantined = (other / "identity" / curation.REJECTED_FILE).read_text().splitlines()
    assert any("no mentions" in line or "missing id" in line for line in quarantined)
    imported, _ = rebuild(systems_papers)
    assert imported[people[left][0]] == imported[people[right][0]] and imported[carved[0]] != imported[rest[0]]

    # undo restores the resolver's own answer
    curation.undo(split["id"], "ben", "it was him after all")
    undone, _ = rebuild(systems_papers)
    assert undone[carved[0]] == undone[rest[0]] == before[rest[0]]
    with pytest.raises(KeyError):
        curation.undo(split["id"], "ben")


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="mlsys-atlas")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_people_commands_on_a_built_graph(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = FalkorStore(data_dir, "atlas")
    try:
        build_graph(store, SNAPSHOT, data_dir, quiet=True, only_files=lambda p: p.name == "ML_Seed_Papers.csv")
    finally:
        store.close()
    assert run_cli("people", "show", "Stoica") == 0
    shown = capsys.readouterr().out
    person_id = shown.split()[0]
    assert person_id.startswith("author:") and "papers)" in shown
    assert run_cli("people", "show", "Stoica", "--json") == 0
    profiles_json = json.loads(capsys.readouterr().out)
    assert profiles_json[0]["id"] == person_id and "mentions" not in profiles_json[0]
    assert run_cli("people", "show", "no such person at all") == 1
    capsys.readouterr()
    assert run_cli("people", "show", person_id, "--papers") == 0
    papers = [line.split()[1].rsplit("#", 1)[0] for line in capsys.readouterr().out.splitlines()
              if line.strip().startswith("mention ")]
    assert len(papers) >= 2
    assert run_cli("people", "split", person_id, "--papers", papers[0], "--why", "a namesake's paper") == 0
    assert run_cli("people", "alias", person_id, "I. Stoica", "--why", "initials", "--who", "ana") == 0
    assert run_cli("people", "split", person_id, "--papers", *papers, "--why", "all of them") == 1
    capsys.readouterr()
    assert run_cli("people", "decisions") == 0
    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == 2 and "split" in listing[0] and "ana" in listing[1]
    assert run_cli("people", "undo", listing[0].split()[0], "--why", "mistake") == 0
    assert run_cli("people", "undo", "cur-nope") == 1
    capsys.readouterr()
    run_cli("people", "decisions")
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_profile_summary_takes_main_affiliation_from_own_recent_papers() -> None:
    from ingest.identity import profiles

    institutions = [{"name": "MIT", "year": 2016}, {"name": "MIT", "year": 2017}, {"name": "Stanford", "year": 2019},
                    {"name": "Stanford", "year": 2021}, {"name": "Databricks", "year": 2021},
                    {"name": "Stanford", "year": 2022}]
    papers = [{"id": "p1", "year": 2016, "venue": "NSDI", "position": 0},
              {"id": "p2", "year": 2022, "venue": "NSDI", "position": 2},
              {"id": "p3", "year": 2021, "venue": "ICML", "position": 1}]
    summary = profiles.summarise({"id": "author:x", "name": "Matei Zaharia", "dblp_pid": "z/MateiZaharia"},
                                 papers, institutions)
    assert summary["main_affiliation"] == "Stanford" and summary["years"] == (2016, 2022)
    assert summary["top_venues"][0] == "NSDI" and summary["mentions"] == ["p1#0", "p2#2", "p3#1"]
    assert profiles.one_line(summary) == "2016–2022 · Stanford · NSDI, ICML · DBLP z/MateiZaharia"


def test_proposals_from_the_explorer_are_kept_apart_from_decisions(data_dir: Path) -> None:
    row = curation.propose("split", "UConn paper, no shared co-author", ["p1#0"], ["p2#0"], names=["Song Han"])
    assert curation.proposals() == [row] and curation.active_decisions() == []
    with pytest.raises(ValueError):
        curation.propose("merge", "  ", ["p1#0"])
