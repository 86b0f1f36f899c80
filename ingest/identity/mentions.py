"""The flat view of an authorship that the author resolver works on.

Resolution needs, per mention, its name, its paper's title/venue/year and the names of
its co-authors. The same shape comes from `Paper` records during a build and from
JSON lines in `mlsys-atlas resolve`, so the resolver is evaluated on exactly the code
path the build runs.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from graph.records import Authorship, Paper

# Strong id kinds, most trusted first: two mentions sharing one are the same person,
# two mentions with different values of one kind are never merged.
STRONG_ID_KINDS: tuple[str, ...] = ("orcid", "openreview", "dblp", "s2", "openalex")
AUTHORSHIP_ID_FIELDS = {"orcid": "orcid", "openreview": "openreview_id", "dblp": "dblp_pid",
                         "s2": "s2_author_id", "openalex": "openalex_id"}


@dataclass(slots=True)
class Mention:
    """One author name on one paper, with the context used as evidence."""

    mention_id: str
    name: str
    paper_id: str
    title: str = ""
    coauthors: list[str] = field(default_factory=list)
    affiliation: str | None = None
    venue: str | None = None
    year: int | None = None
    strong_ids: dict[str, str] = field(default_factory=dict)
    authorship: Authorship | None = field(default=None, repr=False, compare=False)


def mention_id_of(paper_id: str, position: int) -> str:
    return f"{paper_id}#{position}"


# the five id fields of an authorship read in one C call: most authorships carry none (checked first)
_ID_VALUES = attrgetter(*AUTHORSHIP_ID_FIELDS.values())


def strong_ids_of(authorship: Authorship) -> dict[str, str]:
    values = _ID_VALUES(authorship)
    if not any(values):  # no id at all (most authorships): the loop below would find none
        return {}
    ids: dict[str, str] = {}
    for kind, value in zip(AUTHORSHIP_ID_FIELDS, values, strict=True):  # called per authorship
        if value:
            text = str(value).strip()
            if text:
                ids[kind] = text
    return ids


def mentions_from_papers(papers: Iterable[Paper], wanted: Container[str] | None = None) -> Iterator[Mention]:
    """Every author mention of `papers`, or with `wanted` only those with these mention ids, in the same order.

    Why `wanted`: an online ingest takes people whole, so their papers hold several times the run's
    mentions, and making each of those (with its co-author list) was ~0.5 s of an ingest.
    """
    for paper in papers:
        names: list[str] | None = None
        for index, authorship in enumerate(paper.authorships):
            mention_id = mention_id_of(paper.id, authorship.position)
            if wanted is not None and mention_id not in wanted:
                continue
            if names is None:
                names = [a.name for a in paper.authorships]
            yield Mention(
                mention_id=mention_id, name=authorship.name,
                paper_id=paper.id, title=paper.title, coauthors=names[:index] + names[index + 1:],
                affiliation=authorship.affiliation, venue=paper.venue_id, year=paper.year,
                strong_ids=strong_ids_of(authorship), authorship=authorship)


def mention_from_json(row: dict[str, Any]) -> Mention:
    """Read one `resolve --input` row; missing optional fields are simply absent evidence."""
    missing = [key for key in ("mention_id", "name", "paper_id") if key not in row]
    if missing:
        raise ValueError(f"mention row lacks {', '.join(missing)}")
    for key in ("name", "title", "affiliation", "venue"):
        if row.get(key) is not None and not isinstance(row[key], str):
            raise ValueError(f"'{key}' must be a string or null, got {type(row[key]).__name__}")
    if not isinstance(row.get("coauthors") or [], list):
        raise ValueError("'coauthors' must be a list of names")
    if not isinstance(row.get("strong_ids") or {}, dict):
        raise ValueError("'strong_ids' must be an object")
    strong = {kind: str(row[kind]) for kind in STRONG_ID_KINDS if row.get(kind)}
    for kind, value in (row.get("strong_ids") or {}).items():
        if kind in STRONG_ID_KINDS and value:
            strong[kind] = str(value)
    year = row.get("year")
    return Mention(
        mention_id=str(row["mention_id"]), name=str(row["name"] or ""), paper_id=str(row["paper_id"]),
        title=str(row.get("title") or ""), coauthors=[str(c) for c in row.get("coauthors") or []],
        affiliation=row.get("affiliation") or None, venue=row.get("venue") or None,
        year=int(year) if isinstance(year, int | str) and str(year).isdigit() else None, strong_ids=strong)


def read_mentions(path: Path) -> Iterator[Mention]:
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield mention_from_json(json.loads(line))
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{path}:{line_no}: {exc}") from exc
