"""Helpers the snapshot readers share: author-list splitting, name checks, quarantine records."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from graph import ids
from graph.records import Authorship, Institution, Paper, Provenance, Quarantined

ReadItem = Paper | Quarantined
ReadStream = Iterator[ReadItem]

# Words that mark an organisation rather than a person when they turn up in an author list.
_ORG_WORDS = re.compile(
    r"\b(university|universit[éäy]|institute|college|school|laborator(y|ies)|lab|labs|research|inc|corp|"
    r"corporation|ltd|gmbh|google|amazon|microsoft|facebook|meta|nvidia|intel|ibm|apple|alibaba|baidu|"
    r"tencent|huawei|csail|uc|mit|cmu|eth|epfl|heights|department|dept|center|centre|academy|diux|"
    r"technologies|systems inc)\b",
    re.IGNORECASE,
)
_TILDE = re.compile(r"^~(?P<body>.+?)(?P<num>\d+)$")


def split_author_string(raw: str) -> list[str]:
    """Split a list written as 'A;B;C' or 'A, B, C' (papercopilot uses both).

    Some lists carry HTML entities ("D&#x27;Oosterlinck") whose ';' would split a name,
    so entities are decoded first.
    """
    raw = html.unescape(raw or "").strip()
    if not raw:
        return []
    parts = raw.split(";") if ";" in raw else raw.split(",")
    return [p.strip() for p in parts]


def name_from_tilde_id(tilde: str) -> str | None:
    """'~Matei_Zaharia1' -> 'Matei Zaharia'; None for anything that is not a tilde id."""
    match = _TILDE.match((tilde or "").strip())
    if not match:
        return None
    return match.group("body").replace("_", " ").strip() or None


def looks_like_organisation(name: str) -> bool:
    return bool(_ORG_WORDS.search(name))


def name_flags(name: str) -> list[str]:
    """Reasons a printed name is suspicious but still kept (for identity resolution to weigh)."""
    flags = []
    tokens = name.replace(".", ". ").split()
    if len(tokens) == 1:
        flags.append("single_token_name")
    if tokens and all(len(t.rstrip(".")) <= 1 for t in tokens[:-1]) and len(tokens) > 1:
        flags.append("initials_only")
    if "Ã" in name or "â€" in name:
        flags.append("mojibake")
    return flags


def quarantine(source: str, locator: str, reason: str, raw: Any = None) -> Quarantined:
    return Quarantined(source=source, locator=locator, reason=reason, raw=raw)


def printed_institution_id(affiliation: str | None, provenance: Provenance,
                           institutions: dict[str, Institution] | None) -> str | None:
    """The source Institution id of an affiliation as printed, the Institution kept in `institutions` (the
    institution resolver maps the string to an organisation at build time); None without an affiliation."""
    if not affiliation:
        return None
    institution = Institution(ids.institution_id(affiliation), affiliation, None, None, provenance)
    if institutions is not None:
        institutions.setdefault(institution.id, institution)
    return institution.id


def printed_authorship(paper: Paper, position: int, name: str, affiliation: str | None, provenance: Provenance,
                       institutions: dict[str, Institution] | None) -> Authorship:
    """An authorship with its affiliation as printed (`printed_institution_id`)."""
    return Authorship(paper_id=paper.id, position=position, name=name, affiliation=affiliation,
                      institution_id=printed_institution_id(affiliation, provenance, institutions),
                      flags=name_flags(name))
