"""Merges and splits proposed by explorer users ("Report a problem" on a Person page).

Why here and not beside the curation decisions in `ingest.identity.curation`: the pages
write proposals and must never import ingest. A proposal is only a note for a curator
(`mlsys-atlas people proposals` lists them); it is never applied as is, so it needs none
of the identity machinery. The file is `identity/proposals.jsonl` in the data directory.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from graph import config
from graph.ids import digest

PROPOSALS_FILE = "proposals.jsonl"


def _identity_dir(base: Path | None) -> Path:
    path = (base or config.data_dir()) / "identity"  # the same folder as ingest.identity.review.review_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def propose(action: str, why: str, mentions: Sequence[str], other_mentions: Sequence[str] = (),
            names: Sequence[str] = (), base: Path | None = None) -> dict:
    """Record a user's proposed merge or split with its evidence; `mlsys-atlas people proposals` lists them."""
    if action not in ("merge", "split") or not mentions or not why.strip():
        raise ValueError("a proposal is a merge or a split, of some mentions, with the evidence")
    at = datetime.now(UTC).isoformat(timespec="seconds")
    row = {"id": f"prop-{digest(action, at, *mentions, length=10)}", "action": action, "why": why.strip(), "at": at,
           "mentions": sorted(mentions), "other_mentions": sorted(other_mentions), "names": list(names)}
    with open(_identity_dir(base) / PROPOSALS_FILE, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")
    return row


def proposals(base: Path | None = None) -> list[dict]:
    path = _identity_dir(base) / PROPOSALS_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
