"""Bulk export for `neo4j-admin database import full`: CSV files plus the exact command.

Online loading (`mlsys-atlas build --store neo4j`) MERGEs in transactions and is right
up to a few hundred thousand papers. Past that - all of DBLP, millions of nodes - the
offline importer is one to two orders of magnitude faster because it writes the store
files directly, so this module writes its input format
(https://neo4j.com/docs/operations-manual/current/tools/neo4j-admin/neo4j-admin-import/):

- one node file per label, header `id:ID(Label),:LABEL,prop,prop:long,prop:string[]...`,
  each label its own id space (so relationship files say `:START_ID(Author)`);
- one relationship file per type, header `:START_ID(A),:END_ID(B),:TYPE,prop...`;
- every string quoted (`"` doubled inside), so an empty string stays distinct from a
  missing value (an empty unquoted field), which the importer treats as "no property";
- arrays joined by U+001F (unit separator), which no title or name contains (checked), so
  aliases with `;` or `,` survive; `--multiline-fields=true` only when a value has a newline.

The files reproduce what online MERGE would build: duplicate rows collapse onto their
key (last row wins, as with `SET n += r.props`), and relationships whose end nodes are not
in the export are dropped (MATCH would skip them), so the import never needs
`--skip-bad-relationships`. A completed `AtlasBuild` marker node is included so the
Neo4j store knows the imported graph is built.
"""

from __future__ import annotations

import json
import math
import shlex
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from graph import queries as q
from graph.errors import AtlasError
from graph.loader import GraphBatch, node_rows, rel_rows
from graph.store import GraphStore, Row

ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_FLAG = "U+001F"
DEFAULT_DATABASE = "neo4j"
INT_RANGE = (-(2**31), 2**31 - 1)  # the importer's `int` is 32-bit; larger integers are written as `long`

# Where each relationship's end ids live in `graph.loader.rel_rows`, and the extra MERGE
# key some types have (AFFILIATED_WITH is one relationship per year).
REL_ROW_KEYS: dict[str, tuple[str, str]] = {
    "AUTHORED": ("author_id", "paper_id"),
    "PUBLISHED_IN": ("paper_id", "venue_id"),
    "AFFILIATED_WITH": ("author_id", "institution_id"),
    "HAS_TOPIC": ("paper_id", "topic_id"),
    "PART_OF": ("topic_id", "pillar_id"),
    "CITES": ("paper_id", "cited_id"),
}
REL_MERGE_KEYS: dict[str, tuple[str, ...]] = {"AFFILIATED_WITH": ("year",)}
MARKER_LABEL = "AtlasBuild"


class ExportError(AtlasError):
    """A value the importer cannot represent faithfully."""


@dataclass
class ExportSummary:
    directory: Path
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    dropped_relationships: dict[str, int] = field(default_factory=dict)  # an end node is not in the export
    duplicates: dict[str, int] = field(default_factory=dict)  # rows that collapsed onto an earlier key
    multiline: bool = False
    command: str = ""


# ---------------------------------------------------------------- values and headers

def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int" if INT_RANGE[0] <= value <= INT_RANGE[1] else "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    raise ExportError(f"Neo4j properties cannot hold {type(value).__name__} values ({value!r:.60}).")


def _column_type(kinds: set[str]) -> str:
    """The importer type for a column from the kinds of its values (`double`, not 32-bit `float`)."""
    if kinds <= {"int"}:
        return "int"
    if kinds <= {"int", "long"}:
        return "long"
    if kinds <= {"int", "long", "double"}:
        return "double"
    if kinds == {"boolean"}:
        return "boolean"
    return "string"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _scalar(value: Any, column_type: str) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise ExportError(f"Cannot export the non-finite number {value!r}.")
    if column_type == "string":
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(float(value)) if column_type == "double" else str(int(value))


def _field(value: Any, column_type: str) -> str:
    """One CSV field: missing -> empty, strings and arrays quoted, numbers bare."""
    if value is None:
        return ""
    if column_type.endswith("[]"):
        element_type = column_type[:-2]
        parts = [_scalar(v, element_type) for v in value if v is not None]
        for part in parts:
            if ARRAY_DELIMITER in part:
                raise ExportError(f"An array element contains the array delimiter U+001F: {part!r:.60}")
        return _quote(ARRAY_DELIMITER.join(parts)) if parts else ""
    text = _scalar(value, column_type)
    return _quote(text) if column_type == "string" else text


def _header_name(key: str, column_type: str) -> str:
    return key if column_type == "string" else f"{key}:{column_type}"


# ---------------------------------------------------------------- one CSV file

class _Table:
    """Rows spooled to disk while the columns and their types are learnt, then written with the header.

    The header must name every column and its type before the first row, and a property
    may first appear (or first be non-null) in the last row, so rows are spooled as JSON
    lines rather than held in memory: exports of millions of rows stay flat in memory.
    """

    def __init__(self, fixed: list[str]) -> None:
        self.fixed = fixed  # leading columns (ids, :LABEL / :TYPE), already formatted
        self.kinds: dict[str, set[str]] = {}
        self.array_kinds: dict[str, set[str]] = {}
        self.rows = 0
        self._spool: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")

    def add(self, lead: list[str], props: Mapping[str, Any]) -> None:
        for key, value in props.items():
            if value is None:
                self.kinds.setdefault(key, set())
            elif isinstance(value, list | tuple):
                kinds = self.array_kinds.setdefault(key, set())
                kinds.update(_kind(v) for v in value if v is not None)
            elif isinstance(value, dict):
                raise ExportError(f"Neo4j properties cannot hold maps (property {key!r}).")
            else:
                self.kinds.setdefault(key, set()).add(_kind(value))
        self._spool.write(json.dumps([lead, props], ensure_ascii=False) + "\n")
        self.rows += 1

    def columns(self) -> dict[str, str]:
        types: dict[str, str] = {}
        for key in sorted(set(self.kinds) | set(self.array_kinds)):
            if key in self.array_kinds:
                if self.kinds.get(key):
                    raise ExportError(f"Property {key!r} holds both lists and single values.")
                types[key] = _column_type(self.array_kinds[key] or {"string"}) + "[]"
            else:
                types[key] = _column_type(self.kinds[key] or {"string"})
        return types

    def write(self, path: Path) -> bool:
        """Write header and rows; True if any field holds a line break (needs --multiline-fields)."""
        columns = self.columns()
        multiline = False
        self._spool.seek(0)
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(",".join([*self.fixed, *(_header_name(k, t) for k, t in columns.items())]) + "\n")
            for line in self._spool:
                lead, props = json.loads(line)
                fields = [*lead, *(_field(props.get(key), t) for key, t in columns.items())]
                row = ",".join(fields)
                multiline = multiline or "\n" in row or "\r" in row
                out.write(row + "\n")
        self._spool.close()
        return multiline


# ---------------------------------------------------------------- the export

def export(nodes: Mapping[str, Iterable[Row]], relationships: Mapping[str, Iterable[Row]], out_dir: Path, *,
           database: str = DEFAULT_DATABASE, graph_name: str = "atlas", trusted: bool = False) -> ExportSummary:
    """Write node rows (`{"id", "props"}`) and relationship rows (`{"start", "end", "props"}`).

    `trusted=True` skips de-duplication and the end-node check, for rows read back from a
    store (MERGE already made them unique and a relationship cannot outlive its nodes).
    """
    out_dir = Path(out_dir)
    (out_dir / "nodes").mkdir(parents=True, exist_ok=True)
    (out_dir / "relationships").mkdir(parents=True, exist_ok=True)
    summary = ExportSummary(out_dir)
    node_files: list[str] = []
    rel_files: list[str] = []
    ids: dict[str, set[str]] = {}

    marker = _Table([f"graph:ID({MARKER_LABEL})", ":LABEL"])
    marker.add([_quote(graph_name), MARKER_LABEL], {"status": "complete", "built_at": _now(), "source": "neo4j-admin"})
    summary.multiline |= marker.write(out_dir / "nodes" / f"{MARKER_LABEL}.csv")
    node_files.append(f"nodes/{MARKER_LABEL}.csv")

    for label in q.NODE_LABELS:
        table = _Table([f"id:ID({label})", ":LABEL"])
        rows = nodes.get(label, ())
        unique = rows if trusted else _last_per_key(rows, lambda r: r["id"], summary.duplicates, label)
        seen = ids.setdefault(label, set())
        for row in unique:
            node_id = str(row["id"])
            if not trusted:
                seen.add(node_id)
            table.add([_quote(node_id), label], {k: v for k, v in row["props"].items() if k != "id"})
        summary.nodes[label] = table.rows
        summary.multiline |= table.write(out_dir / "nodes" / f"{label}.csv")
        node_files.append(f"nodes/{label}.csv")

    for rel_type in q.REL_TYPES:
        start_label, end_label = q.REL_ENDPOINTS[rel_type]
        table = _Table([f":START_ID({start_label})", f":END_ID({end_label})", ":TYPE"])
        merge_keys = REL_MERGE_KEYS.get(rel_type, ())
        rows = relationships.get(rel_type, ())
        if not trusted:
            rows = _last_per_key(rows, lambda r, keys=merge_keys: (r["start"], r["end"], *(r["props"].get(k)
                                                                                            for k in keys)),
                                 summary.duplicates, rel_type)
        dropped = 0
        for row in rows:
            start, end = str(row["start"]), str(row["end"])
            if not trusted and (start not in ids[start_label] or end not in ids[end_label]):
                dropped += 1
                continue
            table.add([_quote(start), _quote(end), rel_type], row["props"])
        if dropped:
            summary.dropped_relationships[rel_type] = dropped
        summary.relationships[rel_type] = table.rows
        summary.multiline |= table.write(out_dir / "relationships" / f"{rel_type}.csv")
        rel_files.append(f"relationships/{rel_type}.csv")

    summary.command = import_command(node_files, rel_files, database=database, multiline=summary.multiline)
    (out_dir / "README.txt").write_text(_readme(summary, node_files, rel_files, database), encoding="utf-8")
    return summary


def _last_per_key(rows: Iterable[Row], key_of: Any, duplicates: dict[str, int], kind: str) -> list[Row]:
    """Collapse rows onto their MERGE key, keeping the last (what `MERGE ... SET += props` leaves)."""
    by_key: dict[Any, Row] = {}
    count = 0
    for row in rows:
        count += 1
        key = key_of(row)
        by_key.pop(key, None)  # re-insert so the output keeps the order of last occurrence
        by_key[key] = row
    if count > len(by_key):
        duplicates[kind] = count - len(by_key)
    return list(by_key.values())


def batch_rows(batch: GraphBatch) -> tuple[dict[str, list[Row]], dict[str, list[Row]]]:
    """A GraphBatch as export rows (the same rows `graph.loader.load` MERGEs)."""
    nodes = node_rows(batch)
    relationships: dict[str, list[Row]] = {}
    for rel_type, rows in rel_rows(batch).items():
        start_key, end_key = REL_ROW_KEYS[rel_type]
        merge_keys = REL_MERGE_KEYS.get(rel_type, ())
        relationships[rel_type] = [
            {"start": r[start_key], "end": r[end_key], "props": {**{k: r[k] for k in merge_keys}, **r["props"]}}
            for r in rows
        ]
    return nodes, relationships


def export_batch(batch: GraphBatch, out_dir: Path, *, database: str = DEFAULT_DATABASE,
                 graph_name: str = "atlas") -> ExportSummary:
    nodes, relationships = batch_rows(batch)
    return export(nodes, relationships, out_dir, database=database, graph_name=graph_name)


def store_rows(store: GraphStore, page: int = 5_000) -> tuple[dict[str, Iterator[Row]], dict[str, Iterator[Row]]]:
    """A built graph read back for export: all ids of a label, then properties and relationships by id.

    Ids are ordered in Python (FalkorDB's index orders strings case-insensitively in range
    scans, so paging on `id > $after` is unreliable there); everything else is fetched in
    chunks of `page` ids, so no single reply holds a whole label's properties.
    """
    ids: dict[str, list[str]] = {}

    def ids_of(label: str) -> list[str]:
        if label not in ids:
            ids[label] = sorted(row["id"] for row in store.read(q.EXPORT_IDS[label]))
        return ids[label]

    def node_pages(label: str) -> Iterator[Row]:
        label_ids = ids_of(label)
        for start in range(0, len(label_ids), page):
            rows = store.read(q.EXPORT_NODES_BY_ID[label], {"ids": label_ids[start:start + page]})
            yield from sorted(rows, key=lambda r: r["id"])

    def rel_pages(rel_type: str) -> Iterator[Row]:
        start_ids = ids_of(q.REL_ENDPOINTS[rel_type][0])
        for start in range(0, len(start_ids), page):
            rows = store.read(q.EXPORT_REL_PAGE[rel_type], {"ids": start_ids[start:start + page]})
            yield from sorted(rows, key=lambda r: (r["start"], r["end"], json.dumps(r["props"], sort_keys=True)))

    return ({label: node_pages(label) for label in q.NODE_LABELS},
            {rel_type: rel_pages(rel_type) for rel_type in q.REL_TYPES})


def export_store(store: GraphStore, out_dir: Path, *, database: str = DEFAULT_DATABASE, graph_name: str = "atlas",
                 page: int = 5_000) -> ExportSummary:
    nodes, relationships = store_rows(store, page)
    return export(nodes, relationships, out_dir, database=database, graph_name=graph_name, trusted=True)


# ---------------------------------------------------------------- the command and README

def import_command(node_files: list[str], rel_files: list[str], *, database: str = DEFAULT_DATABASE,
                   multiline: bool = False, prefix: str = "") -> str:
    """`neo4j-admin database import full` (Neo4j 5 and 2025.x) for these files, run from the export directory."""
    flags = ["--overwrite-destination=true", f"--array-delimiter={ARRAY_DELIMITER_FLAG}", "--id-type=string"]
    if multiline:
        flags.append("--multiline-fields=true")
    flags += [f"--nodes={prefix}{f}" for f in node_files]
    flags += [f"--relationships={prefix}{f}" for f in rel_files]
    head = f"neo4j-admin database import full {shlex.quote(database)}"
    return " \\\n    ".join([head, *(shlex.quote(flag) for flag in flags)])


def _readme(summary: ExportSummary, node_files: list[str], rel_files: list[str], database: str) -> str:
    counts = "\n".join([*(f"  {label:<16} {n:>12,} nodes" for label, n in summary.nodes.items()),
                        *(f"  {rel:<16} {n:>12,} relationships" for rel, n in summary.relationships.items())])
    dropped = "".join(f"\n  {rel}: {n:,} dropped (an end node is not in the export)"
                      for rel, n in summary.dropped_relationships.items())
    docker = import_command(node_files, rel_files, database=database, multiline=summary.multiline, prefix="/import/")
    return f"""MLSys Atlas - bulk import into Neo4j with neo4j-admin
=====================================================

Written {_now()} by `mlsys-atlas export neo4j-admin`.

{counts}{dropped}

Use this for big graphs (millions of nodes: all of DBLP or OpenAlex); up to a few
hundred thousand papers, `mlsys-atlas build --store neo4j` loads online and is simpler.

1. Stop the database (the importer writes store files directly):
     neo4j stop                              # Community / single server
     (Enterprise: STOP DATABASE {database}, or import into a new database name)

2. From THIS directory run (Neo4j 5.x or 2025.x; it REPLACES database '{database}'):

{summary.command}

   Or with Docker, mounting this directory at /import and your data volume at /data:

docker run --rm -v "$PWD":/import -v neo4j-data:/data neo4j:5 \\
    {docker}

3. Start Neo4j (Enterprise, new database: CREATE DATABASE {database}) and create the
   constraints, indexes and full-text indexes the explorer uses:
     NEO4J_URI=... NEO4J_USERNAME=... NEO4J_PASSWORD=... mlsys-atlas neo4j schema --apply

Format notes: every label is its own id space (`id:ID(Paper)`), so relationship files
name the space of each end (`:START_ID(Author)`). Strings are always quoted; an empty
field is a missing property. Arrays (`sources:string[]`) are joined with U+001F
(--array-delimiter=U+001F), since titles and names may contain `;` and `,`. Empty arrays
become missing properties.
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
