"""MICRO 2018 (MICRO-51) papers with affiliations, from the conference site's program page.

The source (hide-irie/MICRO51, `Program/main.md`) is a GPL-3.0 website template, so the
page itself is not shipped: `parse_program` extracts the bibliographic facts when the
snapshot is vendored, and `read` reads that extract (`micro2018/micro2018.json.gz`:
`{venue, year, papers: [{title, authors: [[name, affiliation]]}]}`).

In the program's HTML table each paper cell is a bold title on its own lines, a
"[Lightning-talk Video]" link, then "Name (Affiliation), Name (Affiliation), ...";
affiliations may hold commas ("QCRI, HBKU"), so names are split only outside parentheses.
Keynotes, breaks and session headers have no lightning-talk link and are not papers.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path

from graph import ids
from graph.records import Institution, Paper, Provenance
from ingest.sources.common import ReadStream, printed_authorship, quarantine
from ingest.sources.sysconf_eitanf import split_affiliation

SOURCE = "micro2018"
_PAPER_CELL = re.compile(
    r"<strong>\s*\n(?P<title>[^<\n]+?)\s*\n\s*</strong>\s*<br>\s*"
    r"<strong>\[(?:<a [^>]*>)?Lightning-talk Video(?:</a>)?\]</strong>(?P<authors>[^<]*)")


def split_authors(text: str) -> list[str]:
    """Split 'A (X), B (Y, Z)' at commas outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [" ".join(p.split()) for p in parts if p.strip()]


def parse_program(page: str) -> list[dict]:
    """The papers of the program page, in program order: [{title, authors: [[name, affiliation]]}]."""
    papers = []
    for match in _PAPER_CELL.finditer(page):
        title = " ".join(html.unescape(match.group("title")).split())
        authors = [list(split_affiliation(a)) for a in split_authors(html.unescape(match.group("authors")))]
        papers.append({"title": title, "authors": authors})
    return papers


def read(path: Path, retrieved_at: str, institutions: dict[str, Institution] | None = None) -> ReadStream:
    try:
        wrapper = json.load(gzip.open(path))
        venue, year, records = str(wrapper["venue"]), int(wrapper["year"]), wrapper["papers"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        yield quarantine(SOURCE, path.name, f"not a program extract: {exc!r}")
        return
    provenance = Provenance([SOURCE], retrieved_at)
    for index, record in enumerate(records):
        locator = f"{path.name}[{index}]"
        title = " ".join(str((record or {}).get("title") or "").split()) if isinstance(record, dict) else ""
        if not title:
            yield quarantine(SOURCE, locator, "record without a title", record)
            continue
        authors = [a for a in record.get("authors") or [] if isinstance(a, list) and len(a) == 2]
        if len(authors) != len(record.get("authors") or []):
            yield quarantine(SOURCE, locator, "author entry is not a [name, affiliation] pair", record)
        if not authors:
            yield quarantine(SOURCE, locator, "no authors listed", {"title": title})
        paper = Paper(id=ids.paper_id(title=title, year=year, first_author=str(authors[0][0]) if authors else ""),
                      title=title, year=year, venue_id=ids.venue_id(venue), venue_name=venue, provenance=provenance)
        seen: set[str] = set()
        for position, (name, affiliation) in enumerate(authors):
            name, affiliation = str(name or "").strip(), (str(affiliation).strip() if affiliation else None)
            if not name:
                yield quarantine(SOURCE, f"{locator}.author[{position}]", "author without a name", affiliation)
                continue
            if name in seen:  # "Bo Yuan (City University of New York), Bo Yuan (Rutgers University)"
                yield quarantine(SOURCE, f"{locator}.author[{position}]",
                                 "author listed twice (second affiliation); second listing dropped",
                                 [name, affiliation])
                continue
            seen.add(name)
            paper.authorships.append(printed_authorship(paper, position, name, affiliation, provenance, institutions))
        yield paper
