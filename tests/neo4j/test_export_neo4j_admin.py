"""`mlsys-atlas export neo4j-admin`: the files `neo4j-admin database import full` reads.

The strongest check available without Neo4j: the same graph is MERGEd online into the
embedded store and exported to CSV, and reading the CSV back under the importer's rules
(tests/neo4j/admin_csv.py) must give exactly the nodes, relationships and typed
property values the online load produced.
"""

from __future__ import annotations

import csv
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from admin_csv import ImportedGraph, load_export, parse_header
from stores import loaded_store
from tiny_graph import QUOTED_TITLE, SCRIPT_TITLE, tiny_batch

from atlas_cli.main import main
from graph import queries as q
from graph.export_neo4j_admin import ExportError, batch_rows, export, export_batch, export_store
from graph.falkor_store import FalkorStore


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    with loaded_store(tmp_path_factory.mktemp("export-store"), "atlas", tiny_batch()) as store:
        yield store


def online_graph(store: FalkorStore) -> ImportedGraph:
    """What online MERGE left in the store, in the importer's shape (empty lists dropped, see README.txt)."""
    graph = ImportedGraph()

    def kept(props: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if v != []}

    for label in q.NODE_LABELS:
        rows = store.read(f"MATCH (n:{label}) RETURN n.id AS id, properties(n) AS props")
        graph.nodes[label] = {r["id"]: kept(r["props"]) for r in rows}
    for rel_type, (start, end) in q.REL_ENDPOINTS.items():
        for r in store.read(q.EXPORT_REL_PAGE[rel_type], {"ids": list(graph.nodes[start])}):
            graph.relationships.append({"START_ID": (start, r["start"]), "END_ID": (end, r["end"]),
                                        "type": rel_type, "props": kept(r["props"])})
    return graph


def rel_key(rel: dict[str, Any]) -> tuple[Any, ...]:
    return rel["type"], rel["START_ID"], rel["END_ID"], sorted(rel["props"].items())


def typed(value: Any) -> Any:
    """Values with their types, so 2021 (int) and 2021.0 (float) do not compare equal."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return type(value).__name__, value


def assert_same_graph(imported: ImportedGraph, online: ImportedGraph) -> None:
    for label in q.NODE_LABELS:
        assert typed(imported.nodes[label]) == typed(online.nodes[label]), label
        assert all(labels == [label] for labels in imported.labels[label].values())
    assert sorted(map(repr, map(rel_key, map(typed, imported.relationships)))) == sorted(
        map(repr, map(rel_key, map(typed, online.relationships))))


@pytest.mark.parametrize("source", ["batch", "store"])
def test_import_gives_the_graph_online_loading_builds(tiny_store: FalkorStore, tmp_path: Path, source: str) -> None:
    if source == "batch":
        summary = export_batch(tiny_batch(), tmp_path)
    else:
        summary = export_store(tiny_store, tmp_path, page=2)  # several pages even for a tiny graph
    imported = load_export(tmp_path)
    assert_same_graph(imported, online_graph(tiny_store))
    assert imported.nodes["AtlasBuild"]["atlas"]["status"] == "complete"
    assert summary.nodes["Paper"] == 5 and summary.relationships["AUTHORED"] == 10


def test_headers_use_id_spaces_labels_types_and_typed_properties(tmp_path: Path) -> None:
    export_batch(tiny_batch(), tmp_path)
    with open(tmp_path / "nodes" / "Paper.csv", newline="", encoding="utf-8") as handle:
        paper_header = next(csv.reader(handle))
    assert paper_header[:2] == ["id:ID(Paper)", ":LABEL"]
    assert {"year:int", "sources:string[]", "title", "abstract"} <= set(paper_header)
    with open(tmp_path / "relationships" / "AUTHORED.csv", newline="", encoding="utf-8") as handle:
        authored_header = next(csv.reader(handle))
    assert authored_header[:3] == [":START_ID(Author)", ":END_ID(Paper)", ":TYPE"]
    assert "position:int" in authored_header
    for path in (tmp_path / "relationships").glob("*.csv"):
        start, end = q.REL_ENDPOINTS[path.stem]
        header = (tmp_path / "relationships" / path.name).read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith(f":START_ID({start}),:END_ID({end}),:TYPE")
    with open(tmp_path / "relationships" / "HAS_TOPIC.csv", newline="", encoding="utf-8") as handle:
        assert "score:double" in next(csv.reader(handle))  # 64-bit, like Cypher floats; `float` would round
    for path in tmp_path.rglob("*.csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            parse_header(next(csv.reader(handle)))  # every header field is valid importer syntax


def test_awkward_text_survives_quoting_exactly(tmp_path: Path) -> None:
    titles = [QUOTED_TITLE, SCRIPT_TITLE, 'Line one\nline two "quoted", with; punctuation',
              "  padded  ", "back\\slash and \r\n windows", "", "Ünïcödé — 漢字 🚀"]
    nodes = {"Paper": [{"id": f"p{i}", "props": {"title": t, "aliases": [t.strip() or "x", "a;b", "c,d"]}}
                       for i, t in enumerate(titles)]}
    summary = export(nodes, {}, tmp_path)
    imported = load_export(tmp_path)
    assert [imported.nodes["Paper"][f"p{i}"]["title"] for i in range(len(titles))] == titles
    assert imported.nodes["Paper"]["p0"]["aliases"] == [QUOTED_TITLE, "a;b", "c,d"]
    assert summary.multiline and "--multiline-fields=true" in summary.command
    raw = (tmp_path / "nodes" / "Paper.csv").read_text(encoding="utf-8")
    assert '"Serving ""Large"" Models, Fast"' in raw  # quotes doubled inside a quoted field
    assert ',""\n' in raw  # an empty string stays a (quoted) empty string, not a missing value


def test_values_get_the_narrowest_faithful_type(tmp_path: Path) -> None:
    nodes = {"Paper": [
        {"id": "a", "props": {"big": 2**40, "small": 7, "mixed": 1, "flag": True, "none": None, "score": 0.1}},
        {"id": "b", "props": {"big": 1, "small": -3, "mixed": 2.5, "flag": False, "none": None, "score": 1}},
    ]}
    export(nodes, {}, tmp_path)
    header = (tmp_path / "nodes" / "Paper.csv").read_text().splitlines()[0].split(",")
    assert {"big:long", "small:int", "mixed:double", "flag:boolean", "none", "score:double"} <= set(header)
    imported = load_export(tmp_path).nodes["Paper"]
    assert imported["a"] == {"id": "a", "big": 2**40, "small": 7, "mixed": 1.0, "flag": True, "score": 0.1}
    assert imported["b"]["mixed"] == 2.5 and "--multiline-fields" not in export(nodes, {}, tmp_path).command


@pytest.mark.parametrize(("props", "message"), [
    ({"meta": {"a": 1}}, "cannot hold maps"),
    ({"aliases": ["ok", "bad\x1fvalue"]}, "array delimiter"),
    ({"score": float("nan")}, "non-finite"),
])
def test_values_the_importer_cannot_hold_are_refused(tmp_path: Path, props: dict[str, Any], message: str) -> None:
    with pytest.raises(ExportError, match=message):
        export({"Paper": [{"id": "p", "props": props}]}, {}, tmp_path)


def test_rows_collapse_like_merge_and_dangling_relationships_are_dropped(tmp_path: Path) -> None:
    nodes, rels = batch_rows(tiny_batch())
    first = rels["AUTHORED"][0]
    rels["AUTHORED"].append({**first, "props": {**first["props"], "position": 9}})  # same MERGE key, later row
    rels["CITES"].append({"start": "paper:doi:10.1/p1", "end": "paper:not-exported", "props": {}})
    nodes["Venue"].append({**nodes["Venue"][0], "props": {**nodes["Venue"][0]["props"], "name": "OSDI'"}})
    summary = export(nodes, rels, tmp_path)
    assert summary.duplicates == {"AUTHORED": 1, "Venue": 1}
    assert summary.dropped_relationships == {"CITES": 1}
    imported = load_export(tmp_path)
    assert imported.nodes["Venue"][nodes["Venue"][0]["id"]]["name"] == "OSDI'"
    positions = [r["props"]["position"] for r in imported.relationships if r["type"] == "AUTHORED"
                 and (r["START_ID"][1], r["END_ID"][1]) == (first["start"], first["end"])]
    assert positions == [9]
    affiliated = [r for r in imported.relationships if r["type"] == "AFFILIATED_WITH"
                  and r["START_ID"][1] == "author:ana" and r["END_ID"][1] == "inst:mit"]
    assert sorted(r["props"]["year"] for r in affiliated) == [2021, 2023]  # the year is part of the key


def test_readme_holds_the_exact_command_for_the_files_written(tmp_path: Path) -> None:
    summary = export_batch(tiny_batch(), tmp_path, database="atlas")
    readme = (tmp_path / "README.txt").read_text(encoding="utf-8")
    assert summary.command in readme and "/import/nodes/Paper.csv" in readme
    args = shlex.split(summary.command.replace("\\\n", " "))
    assert args[:5] == ["neo4j-admin", "database", "import", "full", "atlas"]
    assert "--array-delimiter=U+001F" in args and "--overwrite-destination=true" in args
    named = sorted(a.split("=", 1)[1] for a in args if a.startswith(("--nodes=", "--relationships=")))
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.csv"))
    assert named == written


def test_cli_exports_the_built_graph(tiny_store: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tiny_store.server.data_dir))
    monkeypatch.setenv("ATLAS_GRAPH", "atlas")
    monkeypatch.setenv("ATLAS_STORE", "embedded")
    out = tmp_path / "export"
    assert main(["export", "neo4j-admin", str(out)]) == 0
    assert "neo4j-admin database import full neo4j" in capsys.readouterr().out
    assert_same_graph(load_export(out), online_graph(tiny_store))
    assert main(["export", "neo4j-admin", str(out)]) == 2  # not empty: refused without --force
    assert "not empty" in capsys.readouterr().err
