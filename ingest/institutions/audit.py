"""Which organisation nodes of a set of papers lack a country or a real type, and the strings behind each.

Issue 14 asks that every organisation node has a country and a type (education / company /
facility / nonprofit / government / healthcare / archive; `other` says "no evidence", not a
type). This lists the nodes that fail it, each with the printed strings that made it and how
many authorships print them, so a person can add table rows or ambiguous strings for exactly
those nodes. It runs over the link stage (no graph build): `mlsys-atlas institutions audit`
on the bundled snapshot takes about the read stage plus two seconds. The link stage lists a
superset of the build's nodes (the build's per-person mis-link step only removes nodes).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.records import Institution, Paper
from ingest.institutions.link import link_institutions

NO_TYPE = "other"


@dataclass
class IncompleteNode:
    """A node without a country or typed `other`, with the strings (and their authorship counts) behind it."""

    id: str
    name: str
    country: str | None
    type: str
    strings: list[tuple[str, int]] = field(default_factory=list)

    @property
    def authorships(self) -> int:
        return sum(n for _, n in self.strings)

    @property
    def missing(self) -> str:
        return "+".join(m for m, bad in (("country", not self.country), ("type", self.type == NO_TYPE)) if bad)


def incomplete_nodes(papers: Iterable[Paper], institutions: Iterable[Institution]) -> list[IncompleteNode]:
    """Nodes lacking a country or a real type, most authorships first (papers already linked)."""
    strings: dict[str, Counter] = defaultdict(Counter)
    for paper in papers:
        for authorship in paper.authorships:
            if authorship.institution_id and authorship.affiliation:
                strings[authorship.institution_id][authorship.affiliation] += 1
    found = [IncompleteNode(i.id, i.name, i.country, i.type or NO_TYPE,
                            sorted(strings[i.id].items(), key=lambda kv: (-kv[1], kv[0])))
             for i in institutions if not i.country or (i.type or NO_TYPE) == NO_TYPE]
    return sorted(found, key=lambda n: (-n.authorships, n.id))


def audit_snapshot(snapshot_dir: Path) -> tuple[list[IncompleteNode], int]:
    """Link every affiliation of the snapshot with the shipped table (no user decisions) and audit the nodes.
    Returns the incomplete nodes and the number of nodes in all."""
    from ingest.snapshot import read_snapshot  # the reader is heavy; only the audit needs it

    snapshot = read_snapshot(snapshot_dir)
    institutions, _ = link_institutions(snapshot.papers, snapshot.institutions)
    return incomplete_nodes(snapshot.papers, institutions), len(institutions)
