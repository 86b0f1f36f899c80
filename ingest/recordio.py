"""Canonical records as JSON lines: the on-disk form of everything the live ingestors fetch.

Ingested papers are kept as records (not as graph rows) so that loading is always the
normal build - snapshot plus these files through `assemble` and `load` - and identities
stay consistent however often or in whatever order sources are ingested. Each line is
one record tagged with its kind (`"record": "paper"` or `"institution"`), because a
paper's resolved `institution_id` is only loadable together with its Institution.

Files are written atomically (temporary file + rename) in a deterministic order, so a
killed writer leaves the previous file and two equal record sets give identical bytes.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from graph.records import Authorship, Institution, Paper, Provenance, Quarantined, TopicTag

RECORDS_DIR = "records"
PAPER = "paper"
INSTITUTION = "institution"

_PAPER_FIELDS = {f.name for f in fields(Paper)}
_AUTHORSHIP_FIELDS = {f.name for f in fields(Authorship)}
_INSTITUTION_FIELDS = {f.name for f in fields(Institution)}


def paper_to_dict(paper: Paper) -> dict[str, Any]:
    return {"record": PAPER, **asdict(paper)}


def institution_to_dict(institution: Institution) -> dict[str, Any]:
    return {"record": INSTITUTION, **asdict(institution)}


def _provenance(raw: Any) -> Provenance:
    raw = raw or {}
    return Provenance(sources=[str(s) for s in raw.get("sources") or []],
                      retrieved_at=str(raw.get("retrieved_at") or ""))


def _require(data: dict[str, Any], key: str, kind: type) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        raise ValueError(f"field {key!r} must be {kind.__name__}, got {type(value).__name__}")
    return value


def paper_from_dict(data: dict[str, Any]) -> Paper:
    """Rebuild a Paper; unknown keys are ignored so older files stay readable after the schema grows."""
    if not isinstance(data, dict):
        raise ValueError("paper record is not an object")
    _require(data, "id", str)
    _require(data, "title", str)
    _require(data, "venue_id", str)
    values = {k: v for k, v in data.items() if k in _PAPER_FIELDS}
    authorships = []
    for raw in data.get("authorships") or []:
        if not isinstance(raw, dict):
            raise ValueError("authorship is not an object")
        _require(raw, "name", str)
        authorships.append(Authorship(**{k: v for k, v in raw.items() if k in _AUTHORSHIP_FIELDS}))
    values["authorships"] = authorships
    values["topics"] = [TopicTag(str(t["topic"]), float(t["score"]), list(t.get("evidence") or []))
                        for t in data.get("topics") or []]
    values["references"] = [str(r) for r in data.get("references") or []]
    values["provenance"] = _provenance(data.get("provenance"))
    return Paper(**values)


def institution_from_dict(data: dict[str, Any]) -> Institution:
    if not isinstance(data, dict):
        raise ValueError("institution record is not an object")
    _require(data, "id", str)
    _require(data, "name", str)
    values = {k: v for k, v in data.items() if k in _INSTITUTION_FIELDS}
    values["provenance"] = _provenance(data.get("provenance"))
    return Institution(**values)


def record_to_dict(record: Paper | Institution) -> dict[str, Any]:
    return paper_to_dict(record) if isinstance(record, Paper) else institution_to_dict(record)


def record_from_dict(data: dict[str, Any]) -> Paper | Institution:
    kind = data.get("record", PAPER) if isinstance(data, dict) else None
    if kind == PAPER:
        return paper_from_dict(data)
    if kind == INSTITUTION:
        return institution_from_dict(data)
    raise ValueError(f"unknown record kind {kind!r}")


_Dated = TypeVar("_Dated", Paper, Institution)


def _sort_key(record: Paper | Institution) -> tuple[int, str]:
    return (0 if isinstance(record, Institution) else 1, record.id)


def dumps(record: Paper | Institution) -> str:
    return json.dumps(record_to_dict(record), ensure_ascii=False, sort_keys=True)


def undated(record: _Dated) -> _Dated:
    """The record without its retrieval date: a source fetched again on a later day gives the same record
    with a new date (the server's Date header), which is no change of content."""
    return replace(record, provenance=Provenance(record.provenance.sources, ""))


def atomic_write_lines(path: Path, lines: Iterable[str]) -> None:
    """Replace `path` with the lines (each gets a newline) so that readers, and a crash, see old or new only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for line in lines:
                out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; these are ordinary data files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_records(path: Path, records: Iterable[Paper | Institution]) -> int:
    """Atomically replace `path` with the records, institutions first, each kind sorted by id."""
    ordered = sorted(records, key=_sort_key)
    atomic_write_lines(path, (dumps(record) for record in ordered))
    return len(ordered)


def read_records(path: Path) -> Iterator[Paper | Institution | Quarantined]:
    """Yield every record of a file; a line that does not parse is yielded as Quarantined, never dropped."""
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield record_from_dict(json.loads(line))
            except (ValueError, TypeError, KeyError) as exc:
                yield Quarantined("records", f"{path.name}:{line_no}", f"unreadable record line: {exc}",
                                  line[:2000])


def records_dir(data_dir: Path) -> Path:
    return data_dir / RECORDS_DIR


def read_record_dir(directory: Path) -> tuple[list[Paper], dict[str, Institution], list[Quarantined], list[str]]:
    """Everything ingested so far: papers, institutions by id, unreadable lines and the files read (sorted)."""
    papers: list[Paper] = []
    institutions: dict[str, Institution] = {}
    quarantined: list[Quarantined] = []
    files: list[str] = []
    if not directory.is_dir():
        return papers, institutions, quarantined, files
    for path in sorted(directory.glob("*.jsonl")):
        files.append(f"{RECORDS_DIR}/{path.name}")
        for item in read_records(path):
            if isinstance(item, Paper):
                papers.append(item)
            elif isinstance(item, Institution):
                known = institutions.get(item.id)
                institutions[item.id] = item if known is None else _merge_institution(known, item)
            else:
                quarantined.append(item)
    return papers, institutions, quarantined, files


def _merge_institution(a: Institution, b: Institution) -> Institution:
    return replace(a, country=a.country or b.country, ror=a.ror or b.ror, openalex_id=a.openalex_id or b.openalex_id,
                   provenance=a.provenance.merged(b.provenance))
