"""Flat rows and CSV for every analysis result, so pages and the CLI export the same tables.

Results are dataclasses with nested lists; a CSV cell holds one scalar, so lists are
joined with "; " and nested dicts flattened into `parent.child` columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from graph.exports import csv_text
from graph.fileio import atomic_write_text


def flat(value: Any) -> dict[str, Any]:
    """One CSV-ready dict from a dataclass or mapping (lists joined, nested mappings prefixed)."""
    raw = asdict(value) if is_dataclass(value) and not isinstance(value, type) else dict(value)
    out: dict[str, Any] = {}
    for key, item in raw.items():
        if isinstance(item, Mapping):
            for sub, sub_item in flat(item).items():
                out[f"{key}.{sub}"] = sub_item
        elif isinstance(item, list | tuple | set | frozenset):
            out[key] = "; ".join(_cell(x) for x in item)
        else:
            out[key] = item
    return out


def _cell(value: Any) -> str:
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, Mapping):
        return " ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ":".join(str(v) for v in value)
    return str(value)


def rows(items: Iterable[Any]) -> list[dict[str, Any]]:
    return [flat(item) for item in items]


def to_csv_text(items: Iterable[Any]) -> str:
    """CSV text of dataclasses or dicts through the project's one formula-safe writer
    (`graph.exports.csv_text`): a name such as `=HYPERLINK(…)` is shown, never run."""
    return csv_text(rows(items), lineterminator="\n")


def write_csv(items: Iterable[Any], path: Path) -> Path:
    """Written atomically: a failure keeps the previous file."""
    return atomic_write_text(path, to_csv_text(items))
