"""Small helpers every live parser uses to read untrusted API values without crashing.

API answers are data from outside: any field can be missing, null, the wrong type or
nonsense. These helpers turn each of those into None, and `guard` turns anything that
still goes wrong inside one record into a quarantined record with the reason, so one
bad record never stops a page and is never silently dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from graph import ids
from graph.records import Authorship, Paper, Provenance, Quarantined
from graph.venues import canonical_venue
from ingest.sources.common import name_flags

T = TypeVar("T")
_SPACE = re.compile(r"\s+")
_RAW_LIMIT = 4000
RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError)


def text(value: Any) -> str | None:
    """A non-empty single-spaced string, or None."""
    if not isinstance(value, str):
        return None
    value = _SPACE.sub(" ", value).strip()
    return value or None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def year_of(value: Any) -> int | None:
    """A plausible publication year (1900-2100) from an int, '2024' or '2024-05-01', else None."""
    if isinstance(value, str):
        value = value.strip()[:4]
    year = as_int(value)
    return year if year is not None and 1900 <= year <= 2100 else None


def strip_prefix(value: str | None, *prefixes: str) -> str | None:
    if value is None:
        return None
    for prefix in prefixes:
        if value.lower().startswith(prefix.lower()):
            value = value[len(prefix):]
    return value.strip() or None


def doi_of(value: Any) -> str | None:
    """A bare DOI from '10.x/y', 'https://doi.org/10.x/y' or 'doi:10.x/y'."""
    doi = strip_prefix(text(value), "https://doi.org/", "http://doi.org/", "https://dx.doi.org/",
                       "http://dx.doi.org/", "doi:")
    return doi if doi and doi.startswith("10.") and "/" in doi else None


_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z][a-z\-]*(\.[A-Z]{2})?/\d{7})(v\d+)?$")


def arxiv_id_of(value: Any) -> str | None:
    """An arXiv id without version from '1707.08567v1', 'arXiv:...', 'http://arxiv.org/abs/...' or a DOI."""
    raw = text(value)
    if raw is None:
        return None
    raw = raw.split("arxiv.org/abs/", 1)[-1].split("arxiv.org/pdf/", 1)[-1]
    raw = strip_prefix(raw, "10.48550/arxiv.", "arxiv:") or ""
    raw = raw.removesuffix(".pdf")
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.match(raw)
        if match:
            return match.group(1)
    return None


def venue_name(raw: str | None, hint: str | None = None) -> str:
    """Short venue name: a known venue recognised in `raw`, else the job's venue, else the raw string."""
    known = canonical_venue(raw or "")
    if known is None and raw and raw.lower().startswith("arxiv"):
        known = "arXiv"  # OpenAlex: "arXiv (Cornell University)"; S2: "ArXiv", "arXiv.org"
    return known or hint or raw or "Other"


def raw_excerpt(raw: Any) -> Any:
    """The offending record, cut to a size a quarantine file can hold."""
    try:
        encoded = json.dumps(raw, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        encoded = repr(raw)
    return raw if len(encoded) <= _RAW_LIMIT else encoded[:_RAW_LIMIT] + "..."


def guard(source: str, locator: str, raw: Any, build: Callable[[], T]) -> T | Quarantined:
    """Run one record's parser; any error in it becomes a quarantined record with the reason."""
    try:
        return build()
    except RECORD_ERRORS as exc:
        return Quarantined(source, locator, f"unparsable record ({type(exc).__name__}: {exc})"[:300],
                           raw_excerpt(raw))


def new_paper(source: str, retrieved_at: str, *, title: str, year: int | None, venue: str,
              doi: str | None = None, arxiv_id: str | None = None, s2_id: str | None = None,
              openreview_id: str | None = None, openalex_id: str | None = None, dblp_key: str | None = None,
              abstract: str | None = None, url: str | None = None, references: list[str] | None = None) -> Paper:
    """A Paper with its id derived the same way as every snapshot reader (strongest external id first)."""
    paper_id = ids.paper_id(doi=doi, openreview_id=openreview_id, s2_id=s2_id, arxiv_id=arxiv_id,
                            openalex_id=openalex_id, dblp_key=dblp_key, title=title, year=year)
    return Paper(id=paper_id, title=title, year=year, venue_id=ids.venue_id(venue), venue_name=venue,
                 abstract=abstract, doi=doi, arxiv_id=arxiv_id, s2_id=s2_id, openreview_id=openreview_id,
                 openalex_id=openalex_id, dblp_key=dblp_key, url=url, references=sorted(set(references or [])),
                 provenance=Provenance([source], retrieved_at))


def authorship(paper: Paper, position: int, name: str, **ids_and_affiliation: Any) -> Authorship:
    return Authorship(paper_id=paper.id, position=position, name=name, flags=name_flags(name), **ids_and_affiliation)
