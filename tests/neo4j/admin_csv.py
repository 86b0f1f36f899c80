"""Read an export directory the way `neo4j-admin database import full` reads it, and check it.

No Neo4j can run here, so the importer's documented input rules are re-applied to what
`mlsys-atlas export neo4j-admin` wrote, with the standard `csv` module doing the CSV
parsing (RFC 4180 quoting, `""` inside quotes, newlines inside quoted fields). The
importer also tells a quoted empty string (`""`: an empty string property) from an empty
field (no property), which `csv` cannot report, so a small scanner records which fields
were quoted and must agree with `csv` on every value:
https://neo4j.com/docs/operations-manual/current/tools/neo4j-admin/neo4j-admin-import/#import-tool-header-format
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "point", "date",
         "localtime", "time", "localdatetime", "datetime", "duration"}
SPECIAL = re.compile(r"^(?P<name>[^:]*):(?P<kind>ID|START_ID|END_ID)(?:\((?P<space>[A-Za-z_][A-Za-z0-9_]*)\))?$")
TYPED = re.compile(r"^(?P<name>[^:]+):(?P<type>[a-z]+)(?P<array>\[\])?$")
RANGES = {"int": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


@dataclass
class Column:
    name: str
    kind: str  # "ID", "START_ID", "END_ID", "LABEL", "TYPE", "property"
    type: str = "string"
    array: bool = False
    space: str | None = None


@dataclass
class ImportedGraph:
    """What the importer would create: nodes per id space, relationships with typed properties."""

    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # space -> id -> props
    labels: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # space -> id -> labels
    relationships: list[dict[str, Any]] = field(default_factory=list)


def parse_header(line: list[str]) -> list[Column]:
    columns = []
    for raw in line:
        if raw in (":LABEL", ":TYPE"):
            columns.append(Column("", raw[1:]))
            continue
        special = SPECIAL.match(raw)
        if special:
            columns.append(Column(special["name"], special["kind"], space=special["space"]))
            continue
        typed = TYPED.match(raw)
        if typed:
            assert typed["type"] in TYPES, f"unknown property type in header field {raw!r}"
            columns.append(Column(typed["name"], "property", typed["type"], bool(typed["array"])))
            continue
        assert raw and ":" not in raw, f"malformed header field {raw!r}"
        columns.append(Column(raw, "property"))
    return columns


def quoted_flags(data: str) -> list[list[bool]]:
    """For each record, whether each field was quoted (the importer's `""` versus empty)."""
    records: list[list[bool]] = [[]]
    i, at_field_start, quoted = 0, True, False
    while i < len(data):
        ch = data[i]
        if at_field_start:
            quoted, at_field_start = ch == '"', False
            if quoted:
                i += 1
                while True:
                    end = data.index('"', i)
                    if data[end + 1:end + 2] == '"':
                        i = end + 2
                        continue
                    i = end + 1
                    break
                continue
        if ch == ",":
            records[-1].append(quoted)
            at_field_start = True
        elif ch == "\n":
            records[-1].append(quoted)
            records.append([])
            at_field_start = True
        i += 1
    return [r for r in records if r]


def convert(text: str, column: Column, array_delimiter: str, quoted: bool = False) -> Any:
    """A field's value as the importer stores it; an empty unquoted field means no property."""
    if text == "" and not (quoted and column.type == "string" and not column.array):
        return None
    if column.array:
        return [convert_scalar(part, column.type) for part in text.split(array_delimiter)]
    return convert_scalar(text, column.type)


def convert_scalar(text: str, kind: str) -> Any:
    if kind in RANGES:
        value = int(text)
        low, high = RANGES[kind]
        assert low <= value <= high, f"{value} does not fit {kind}"
        return value
    if kind in ("float", "double"):
        return float(text)
    if kind == "boolean":
        assert text in ("true", "false"), text
        return text == "true"
    return text


def read_rows(path: Path) -> tuple[list[Column], list[list[tuple[str, bool]]]]:
    """Header columns and rows of (text, quoted) fields."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=",", quotechar='"', doublequote=True, strict=True))
    flags = quoted_flags(path.read_text(encoding="utf-8"))
    assert len(flags) == len(rows), f"{path.name}: scanner and csv disagree on the number of records"
    header = parse_header(rows[0])
    for number, (row, quoted) in enumerate(zip(rows[1:], flags[1:], strict=True), start=2):
        assert len(row) == len(header) == len(quoted), (
            f"{path.name} line {number}: {len(row)} fields for {len(header)} columns")
    return header, [list(zip(row, quoted, strict=True)) for row, quoted in zip(rows[1:], flags[1:], strict=True)]


def load_export(directory: Path, array_delimiter: str = "\x1f") -> ImportedGraph:
    """Import `directory` in memory, failing on anything `neo4j-admin` would reject."""
    graph = ImportedGraph()
    for path in sorted((directory / "nodes").glob("*.csv")):
        header, rows = read_rows(path)
        id_columns = [c for c in header if c.kind == "ID"]
        assert len(id_columns) == 1 and id_columns[0].space, f"{path.name}: one :ID(space) column needed"
        assert any(c.kind == "LABEL" for c in header), f"{path.name}: no :LABEL column"
        space = id_columns[0].space
        nodes = graph.nodes.setdefault(space, {})
        labels = graph.labels.setdefault(space, {})
        for row in rows:
            props: dict[str, Any] = {}
            node_id, node_labels = None, []
            for column, (text, quoted) in zip(header, row, strict=True):
                if column.kind == "ID":
                    node_id = text
                    if column.name:
                        props[column.name] = text
                elif column.kind == "LABEL":
                    node_labels = [label for label in text.split(";") if label]
                else:
                    value = convert(text, column, array_delimiter, quoted)
                    if value is not None:
                        props[column.name] = value
            assert node_id, f"{path.name}: a node without an id"
            assert node_id not in nodes, f"{path.name}: duplicate id {node_id!r} in id space {space}"
            nodes[node_id], labels[node_id] = props, node_labels
    for path in sorted((directory / "relationships").glob("*.csv")):
        header, rows = read_rows(path)
        kinds = [c.kind for c in header]
        assert kinds[:3] == ["START_ID", "END_ID", "TYPE"], f"{path.name}: header starts {kinds[:3]}"
        for row in rows:
            rel: dict[str, Any] = {"props": {}}
            for column, (text, quoted) in zip(header, row, strict=True):
                if column.kind in ("START_ID", "END_ID"):
                    assert text in graph.nodes.get(column.space or "", {}), (
                        f"{path.name}: {column.kind} {text!r} is not a node in id space {column.space}")
                    rel[column.kind] = (column.space, text)
                elif column.kind == "TYPE":
                    rel["type"] = text
                else:
                    value = convert(text, column, array_delimiter, quoted)
                    if value is not None:
                        rel["props"][column.name] = value
            graph.relationships.append(rel)
    return graph
