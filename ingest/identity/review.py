"""The review queue: uncertain merges a person should confirm, and the decisions they made.

Each build rewrites `review_queue.jsonl` with the merges whose confidence fell between
the model's two review thresholds (merged but doubtful, or kept apart but close).
Decisions go to `review_decisions.jsonl`, which a build never rewrites: they name the
two mentions on either side, not a person id, so they still apply when a rebuild
renumbers nothing and when it reshuffles clusters. An accepted item becomes a
must-link, a rejected one a cannot-link, on every later build.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from graph import config
from ingest.identity.resolver import Decision
from ingest.identity.review_items import ReviewItems, encode

QUEUE_FILE = "review_queue.jsonl"
DECISIONS_FILE = "review_decisions.jsonl"


def review_dir(base: Path | None = None) -> Path:
    path = (base or config.data_dir()) / "identity"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_queue(items: Sequence[dict], base: Path | None = None) -> Path:
    path = review_dir(base) / QUEUE_FILE
    tmp = path.with_suffix(".tmp")
    lines = items.lines() if isinstance(items, ReviewItems) else map(encode, items)
    with open(tmp, "w", encoding="utf-8") as handle:  # a line at a time: never the whole queue as one string
        for line in lines:
            handle.write(line + "\n")
    tmp.replace(path)  # atomic: the explorer never reads half a queue
    return path


def load_decisions(base: Path | None = None) -> list[Decision]:
    """Every decision, the latest one per item winning."""
    latest: dict[str, Decision] = {}
    for row in _read_jsonl(review_dir(base) / DECISIONS_FILE):
        latest[row["item_id"]] = Decision(row["item_id"], row["left_mention"], row["right_mention"],
                                          bool(row["accept"]))
    return list(latest.values())


def review_queue(base: Path | None = None, include_decided: bool = False) -> list[dict]:
    """Items of the last build's queue, each with `decision` ('accepted', 'rejected' or None)."""
    decided = {d.item_id: d for d in load_decisions(base)}
    items = []
    for item in _read_jsonl(review_dir(base) / QUEUE_FILE):
        decision = decided.get(item["item_id"])
        item["decision"] = None if decision is None else ("accepted" if decision.accept else "rejected")
        if include_decided or decision is None:
            items.append(item)
    return items


def decide(item_id: str, accept: bool, base: Path | None = None) -> dict:
    """Record a verdict on a queued item; it takes effect on the next build."""
    item = next((i for i in _read_jsonl(review_dir(base) / QUEUE_FILE) if i["item_id"] == item_id), None)
    if item is None:
        raise KeyError(f"no review item {item_id!r} in the current queue")
    row = {"item_id": item_id, "left_mention": item["left_mention"], "right_mention": item["right_mention"],
           "accept": accept, "decided_at": datetime.now(UTC).isoformat(timespec="seconds")}
    with open(review_dir(base) / DECISIONS_FILE, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, sort_keys=True) + "\n")
    return row
