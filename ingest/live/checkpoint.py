"""Per-source, per-job checkpoints: which pages are done and the paging state after the last one.

Written atomically after every page, after that page is in the raw-response store, so a
process killed at any moment leaves either the previous checkpoint or the new one. On a
re-run the pages listed are replayed from the store (no requests) and fetching resumes
with the saved state - no page is fetched twice and none is skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.live.base import PageRequest
from ingest.recordio import atomic_write_lines

VERSION = 1


@dataclass
class Checkpoint:
    source: str
    job: str
    pages: list[PageRequest] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    complete: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"version": VERSION, "source": self.source, "job": self.job, "complete": self.complete,
                "state": self.state, "pages": [p.to_json() for p in self.pages]}


class CheckpointStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, source: str, job: str) -> Path:
        return self.directory / source / f"{job}.json"

    def load(self, source: str, job: str) -> Checkpoint:
        path = self.path(source, job)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Checkpoint(source, job)
        except ValueError:
            return Checkpoint(source, job)  # unreadable: start over; the store still saves the requests
        if data.get("version") != VERSION:
            return Checkpoint(source, job)
        return Checkpoint(source, job, [PageRequest.from_json(p) for p in data.get("pages", [])],
                          dict(data.get("state") or {}), bool(data.get("complete")))

    def save(self, checkpoint: Checkpoint) -> None:
        atomic_write_lines(self.path(checkpoint.source, checkpoint.job),
                           [json.dumps(checkpoint.to_json(), sort_keys=True)])

    def reset(self, source: str, job: str) -> None:
        self.path(source, job).unlink(missing_ok=True)
