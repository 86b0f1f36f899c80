"""Curators' decisions about people: merge, split, alias, and undo, kept across every rebuild.

A decision names mentions (`paper_id#position`), never person ids: person ids are
derived from clusters and may change when the model or the data does, mention ids do
not. Each decision records who made it, when, which mentions on each side, and why.

The file is `identity/curation.jsonl` in the data directory: a header line naming the
format and its version, then one decision per line, appended and never rewritten, so
the history is the file. Undo appends an `undo` row. Export copies the file; import
adds the decisions it does not hold yet (by decision id) and quarantines malformed rows
with the reason in `identity/curation_rejected.jsonl`.

Applied after clustering, the namesake guard and duplicate joins (`apply`), so a human
decision has the last word: a merge may join two ids of one kind (recorded as such on
the person), a split carves the named mentions out whatever ids they carry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from graph.ids import digest
from graph.proposals import PROPOSALS_FILE, proposals, propose  # noqa: F401 - moved; kept for old imports
from ingest.identity.partition import Partition
from ingest.identity.review import review_dir

CURATION_FILE = "curation.jsonl"
REJECTED_FILE = "curation_rejected.jsonl"
FORMAT = "mlsys-atlas-curation"
VERSION = 1
ACTIONS = ("merge", "split", "alias", "undo")


def curation_path(base: Path | None = None) -> Path:
    return review_dir(base) / CURATION_FILE


def _header() -> str:
    return json.dumps({"format": FORMAT, "version": VERSION}) + "\n"


def validate(row: dict) -> str | None:
    """Why a decision row is unusable, or None."""
    if not isinstance(row, dict):
        return "not an object"
    if row.get("action") not in ACTIONS:
        return f"unknown action {row.get('action')!r}"
    for key in ("id", "who", "at"):
        if not isinstance(row.get(key), str) or not row[key]:
            return f"missing {key}"
    if row["action"] == "undo":
        return None if isinstance(row.get("undoes"), str) else "undo names no decision"
    mentions = row.get("mentions")
    if not isinstance(mentions, list) or not mentions or not all(isinstance(m, str) for m in mentions):
        return "no mentions"
    if row["action"] == "merge" and not row.get("other_mentions"):
        return "a merge needs mentions on both sides"
    if row["action"] == "alias" and not (isinstance(row.get("alias"), str) and row["alias"].strip()):
        return "an alias needs a name"
    return None


def _read_rows(path: Path) -> tuple[list[dict], list[tuple[int, str, str]]]:
    """(valid decision rows, [(line number, reason, raw line)]) of a curation file."""
    rows: list[dict] = []
    bad: list[tuple[int, str, str]] = []
    if not path.exists():
        return rows, bad
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append((line_no, f"not JSON: {exc.msg}", line))
            continue
        if isinstance(row, dict) and "format" in row:
            if row.get("format") != FORMAT or int(row.get("version", 0)) > VERSION:
                raise ValueError(f"{path}: not a curation file of version <= {VERSION}: {row}")
            continue
        reason = validate(row)
        if reason:
            bad.append((line_no, reason, line))
        else:
            rows.append(row)
    return rows, bad


def all_decisions(base: Path | None = None) -> list[dict]:
    """Every decision in file order, each with `undone` set if a later row undid it."""
    rows, _ = _read_rows(curation_path(base))
    undone = {row["undoes"] for row in rows if row["action"] == "undo"}
    return [{**row, "undone": row["id"] in undone} for row in rows if row["action"] != "undo"]


def active_decisions(base: Path | None = None) -> list[dict]:
    return [row for row in all_decisions(base) if not row["undone"]]


def _append(rows: Iterable[dict], base: Path | None) -> None:
    path = curation_path(base)
    if not path.exists():
        path.write_text(_header(), encoding="utf-8")
    with open(path, "a", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")


def record(action: str, who: str, why: str, mentions: Sequence[str], other_mentions: Sequence[str] = (),
           alias: str | None = None, names: Sequence[str] = (), base: Path | None = None,
           at: str | None = None) -> dict:
    """Append one decision (it takes effect on the next build) and return it."""
    at = at or datetime.now(UTC).isoformat(timespec="seconds")
    row = {"action": action, "who": who, "at": at, "why": why, "mentions": sorted(mentions),
           "other_mentions": sorted(other_mentions), "names": list(names)}
    if alias:
        row["alias"] = alias.strip()
    row["id"] = f"cur-{digest(action, at, who, *row['mentions'], *row['other_mentions'], alias or '', length=10)}"
    reason = validate(row)
    if reason:
        raise ValueError(f"cannot record {action}: {reason}")
    _append([row], base)
    return row


def undo(decision_id: str, who: str, why: str = "", base: Path | None = None) -> dict:
    known = {row["id"]: row for row in all_decisions(base)}
    if decision_id not in known:
        raise KeyError(f"no curation decision {decision_id!r}")
    if known[decision_id]["undone"]:
        raise KeyError(f"decision {decision_id!r} is already undone")
    at = datetime.now(UTC).isoformat(timespec="seconds")
    row = {"action": "undo", "undoes": decision_id, "who": who, "at": at, "why": why,
           "id": f"cur-{digest('undo', decision_id, at, length=10)}"}
    _append([row], base)
    return row


def export(target: Path, base: Path | None = None) -> int:
    """Copy every decision (undos included) to `target`; returns how many."""
    rows, _ = _read_rows(curation_path(base))
    target.write_text(_header() + "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in rows),
                      encoding="utf-8")
    return len(rows)


def import_file(source: Path, base: Path | None = None) -> tuple[int, int]:
    """Add the decisions of `source` not held yet; (added, quarantined)."""
    rows, bad = _read_rows(source)
    held = {row["id"] for row in _read_rows(curation_path(base))[0]}
    new = [row for row in rows if row["id"] not in held]
    if new:
        _append(new, base)
    if bad:
        with open(review_dir(base) / REJECTED_FILE, "a", encoding="utf-8") as handle:
            for line_no, reason, raw in bad:
                handle.write(json.dumps({"source": f"{source}:{line_no}", "reason": reason, "raw": raw}) + "\n")
    return len(new), len(bad)


def apply(partition: Partition, decisions: Sequence[dict], index: dict[str, int],
          ids_of_mention: dict[int, dict[str, str]]) -> list[tuple[int, str]]:
    """Apply active decisions in order to the partition; returns (anchor mention, alias) pairs."""
    aliases: list[tuple[int, str]] = []
    for row in decisions:
        present = [index[m] for m in row["mentions"] if m in index and index[m] in partition.label]
        note = f"{row['action']} by curator {row['who']} on {row['at'][:10]} ({row['id']}): {row.get('why') or ''}"
        if not present:
            continue
        if row["action"] == "merge":
            others = [index[m] for m in row["other_mentions"] if m in index and index[m] in partition.label]
            labels = sorted({partition.label[i] for i in present + others},
                            key=lambda label: -len(partition.members[label]))
            if len(labels) < 2:
                continue
            kinds = set()
            for label in labels[1:]:
                kinds |= partition.conflict(labels[0], label)
            joined = note + (f" [joins two {', '.join(sorted(kinds))} ids]" if kinds else "")
            for label in labels[1:]:
                partition.join(labels[0], label, joined)
        elif row["action"] == "split":
            before = {partition.label[i] for i in present}
            ids: dict[str, str] = {}
            for i in present:
                ids.update(ids_of_mention.get(i, {}))
            target = partition.detach(present, note, ids)
            partition.notes[target].append(note)
            for label in before:
                if label in partition.members:
                    partition.recompute_ids(label, ids_of_mention)
            partition.recompute_ids(target, ids_of_mention)
        elif row["action"] == "alias":
            aliases.append((present[0], row["alias"]))
    return aliases
