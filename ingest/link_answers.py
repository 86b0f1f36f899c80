"""The institution resolver's answers kept between incremental ingests (ingest/incremental.py).

Why: an ingest links every paper's affiliations again (an organisation node's strings, sources and counts
come from all the papers linked to it), and resolving the ~6,300 distinct (affiliation, country) pairs of
the snapshot was about half of that stage. `InstitutionResolver.resolve` is a pure function of the pair and
the shipped table, memoised per instance (`answers()` / `remember()`); the state keeps that memo as plain
tuples and the next ingest puts it back before linking, so only strings never seen are resolved. The user's institution
decisions are applied on top by `CorrectedResolver`, as before (they are part of the state's base key:
changing them means a full build). A table organisation is kept by key and comes back as the table's own
object; an organisation made up from an unmatched string is kept field by field.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from pathlib import Path
from typing import Any

from ingest.institutions.decisions import CorrectedResolver
from ingest.institutions.resolver import InstitutionResolver, Resolution
from ingest.institutions.table import Organisation, OrgTable

Key = tuple[str, "str | None"]
_ORG_FIELDS = attrgetter(*(f.name for f in dataclasses.fields(Organisation)))


def _encode_org(org: Organisation | None, table: OrgTable) -> str | tuple | None:
    if org is None:
        return None
    if table.orgs.get(org.key) is org:
        return org.key
    return _ORG_FIELDS(org)


def _decode_org(value: str | tuple | None, table: OrgTable) -> Organisation | None:
    if value is None:
        return None
    if isinstance(value, str):
        return table.orgs[value]
    return Organisation(*value)


def encode(answers: dict[Key, Resolution], table: OrgTable) -> dict[Key, tuple]:
    return {key: (_encode_org(r.organisation, table), r.confidence, r.method, r.reason, r.named)
            for key, r in answers.items()}


def resolver_with(data_dir: Path, kept: dict[Key, tuple]) -> CorrectedResolver:
    """The resolver `link_institutions` would load, its memo filled with the kept answers (a kept table key
    the table no longer has, which a changed table would make the base key catch first, is resolved again)."""
    resolver = CorrectedResolver.load(data_dir)
    table = resolver.table
    resolver.base.remember({key: Resolution(_decode_org(org, table), confidence, method, reason, named)
                            for key, (org, confidence, method, reason, named) in kept.items()
                            if not (isinstance(org, str) and org not in table.orgs)})
    return resolver


def answers_of(resolver: CorrectedResolver, kept: dict[Key, Any]) -> dict[Key, tuple]:
    """The kept answers plus those the resolver found since `resolver_with` (kept ones are not re-encoded)."""
    fresh = encode({key: r for key, r in resolver.base.answers().items() if key not in kept}, resolver.table)
    return {**kept, **fresh} if fresh else kept


def answers_for(papers: Any, source_country: dict[str, str | None]) -> dict[Key, tuple]:
    """Answers for a full build's state: every distinct (affiliation, country) pair of the papers resolved
    once, as `link_institutions` asks (`source_country`: mention id -> the country of the institution its
    source gave). The user's decisions are not needed: they apply on top of these answers."""
    resolver = InstitutionResolver()
    for paper in papers:
        prefix = f"{paper.id}#"  # mention_id_of
        for a in paper.authorships:
            if a.affiliation:
                resolver.resolve(a.affiliation, a.country or source_country.get(f"{prefix}{a.position}"))
    return encode(resolver.answers(), resolver.table)
