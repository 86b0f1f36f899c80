"""The user's corrections to institution resolution, kept in the data directory so every rebuild applies them.

`mlsys-atlas institutions alias|merge|split` append to `institutions/decisions.jsonl`
(one JSON object a line, `schema` versioned, never rewritten by a build; the last
decision on the same subject wins, like `ingest/identity/review.py`). Three kinds:

- alias: this affiliation string names that organisation (an existing key/id, or a new
  one described in the decision);
- split: this string is taken off the organisation it resolved to and becomes its own
  organisation (or, with `target: null`, "not an organisation");
- merge: every string that resolves to organisation A resolves to B instead.

Decisions name strings and organisation ids, never build-order positions, so they
survive rebuilds and table updates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph import config
from ingest.institutions.resolver import InstitutionResolver, Resolution
from ingest.institutions.table import ID_PREFIX, TYPES, Organisation, OrgTable, match_key

DECISIONS_FILE = "decisions.jsonl"
MAPPING_FILE = "mapping.jsonl"  # written by each build: string -> organisation, for `institutions show`
SCHEMA = 1
ACTIONS = ("alias", "split", "merge")


def institutions_dir(base: Path | None = None) -> Path:
    path = (base or config.data_dir()) / "institutions"
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_decisions(base: Path | None = None) -> list[dict[str, Any]]:
    """Every decision in the order made; a malformed line raises ValueError with its number."""
    path = institutions_dir(base) / DECISIONS_FILE
    if not path.exists():
        return []
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path}: line {number} is not JSON: {exc}") from exc
        if not isinstance(row, dict) or row.get("action") not in ACTIONS:
            raise ValueError(f"{path}: line {number} is not an institution decision")
        if int(row.get("schema", 1)) > SCHEMA:
            raise ValueError(f"{path}: line {number} was written by a newer version (schema {row['schema']})")
        rows.append(row)
    return rows


def record(decision: dict[str, Any], base: Path | None = None) -> dict[str, Any]:
    row = {**decision, "schema": SCHEMA, "decided_at": datetime.now(UTC).isoformat(timespec="seconds")}
    with open(institutions_dir(base) / DECISIONS_FILE, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return row


def target_record(org: Organisation) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "country": org.country, "type": org.type,
            "parent_id": None}


def organisation_from_record(target: dict[str, Any], table: OrgTable) -> Organisation:
    """The table's own organisation when the id is a table id, else one described by the decision."""
    target_id = str(target["id"])
    if target_id.startswith(ID_PREFIX) and target_id[len(ID_PREFIX):] in table.orgs:
        return table.orgs[target_id[len(ID_PREFIX):]]
    org_type = target.get("type") if target.get("type") in TYPES else "other"
    return Organisation(key=target_id.split(":", 1)[-1], name=str(target.get("name") or target_id),
                        country=target.get("country") or None, type=org_type, node_id=target_id, curated=True)


@dataclass
class CorrectedResolver:
    """The resolver with the user's decisions applied on top (exact strings first, then merges)."""

    base: InstitutionResolver
    by_string: dict[str, Organisation | None]
    redirect: dict[str, Organisation]

    @classmethod
    def load(cls, base_dir: Path | None = None, resolver: InstitutionResolver | None = None) -> CorrectedResolver:
        resolver = resolver or InstitutionResolver()
        by_string: dict[str, Organisation | None] = {}
        redirect: dict[str, Organisation] = {}
        for row in load_decisions(base_dir):
            target = row.get("target")
            org = organisation_from_record(target, resolver.table) if target else None
            if row["action"] in ("alias", "split"):
                by_string[match_key(str(row["affiliation"]))] = org
            elif org is not None:
                redirect[str(row["source"])] = org
        return cls(resolver, by_string, redirect)

    @property
    def table(self) -> OrgTable:
        return self.base.table

    def resolve(self, affiliation: str, country: str | None = None) -> Resolution:
        if not self.by_string:  # the common case: no string decisions, no need to fold every string
            return self._merged(self.base.resolve(affiliation, country))
        key = match_key(affiliation)
        if key in self.by_string:
            org = self.by_string[key]
            if org is None:
                return Resolution(None, 1.0, "decision", "marked not an organisation by a user decision")
            return Resolution(self._redirected(org), 1.0, "decision")
        return self._merged(self.base.resolve(affiliation, country))

    def _merged(self, result: Resolution) -> Resolution:
        if self.redirect and result.organisation is not None and result.organisation.id in self.redirect:
            return Resolution(self._redirected(result.organisation), result.confidence, "decision")
        return result

    def _redirected(self, org: Organisation) -> Organisation:
        seen = set()
        while org.id in self.redirect and org.id not in seen:
            seen.add(org.id)
            org = self.redirect[org.id]
        return org


def read_mapping(base: Path | None = None) -> list[dict[str, Any]]:
    path = institutions_dir(base) / MAPPING_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
