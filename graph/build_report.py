"""The last build's report and quarantine, read from the files the build writes beside the store.

Why in the graph layer: the explorer's Data page and the analytics cache read what the
last build did, and neither may import the ingest pipeline that writes it
(`ingest.build`). The build also hands the report to the store, which keeps it in the same
transaction as the graph; `last_report(data_dir, store)` prefers that copy and re-writes a
stale file from it (a build killed between the swap and the file write).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from graph.fileio import PRIVATE_FILE_MODE, atomic_write_text
from graph.store import GraphStore

REPORT_FILE = "build_report.json"
QUARANTINE_FILE = "quarantine.jsonl"


def last_report(data_dir: Path, store: GraphStore | None = None) -> dict[str, Any] | None:
    """The report of the live graph: the store's copy when it keeps one (the file is re-written from
    it if a killed build left the file behind), else the file beside the store."""
    path = data_dir / REPORT_FILE
    stored = store.stored_report() if store is not None else None
    if stored is not None:
        with contextlib.suppress(OSError):
            if not path.exists() or path.read_text(encoding="utf-8") != stored:
                atomic_write_text(path, stored, file_mode=PRIVATE_FILE_MODE)
        return json.loads(stored)
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    except ValueError:
        return None


def quarantined_records(data_dir: Path, limit: int = 1000) -> list[dict[str, Any]]:
    path = data_dir / QUARANTINE_FILE
    if not path.exists():
        return []
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            rows.append(json.loads(line))
            if len(rows) >= limit:
                break
    return rows
