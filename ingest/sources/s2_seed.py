"""Reader for the Semantic Scholar export of MLSys papers (`mlsys_seed_s2/ML_Seed_Papers.csv`).

The `Authors` column comes in two shapes: a Python-literal list of
`{'Name', 'Author ID'}` dicts, or bare names joined with ':' into which S2's PDF
extraction sometimes mixed affiliations ('UC Berkeley') or title fragments. Citations
and References follow the same two shapes. Rows are keyed by S2 paper id; the file
repeats some rows, which are merged here.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

from graph import ids
from graph.records import Authorship, Paper, Provenance, Quarantined
from graph.venues import canonical_venue
from ingest.sources import mlsys_editions
from ingest.sources.common import ReadStream, looks_like_organisation, name_flags, quarantine

SOURCE = "mlsys_seed_s2"
_S2_ID = re.compile(r"^[0-9a-f]{40}$")


def _parse_id_list(raw: str) -> list[str]:
    raw = (raw or "").strip()
    if not raw:
        return []
    if raw.startswith("["):
        try:
            values = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            return [v for v in re.findall(r"[0-9a-f]{40}", raw)]
        return [str(v) for v in values if _S2_ID.match(str(v))]
    return [v for v in raw.split(":") if _S2_ID.match(v)]


def parse_authors(raw: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Return ([(name, s2 author id)], [problems]) for either shape of the column."""
    raw = (raw or "").strip()
    problems: list[str] = []
    if not raw:
        return [], ["empty author list"]
    if raw.startswith("["):
        try:
            values = ast.literal_eval(raw)
        except (ValueError, SyntaxError) as exc:
            return [], [f"author list is not a valid Python literal ({exc.__class__.__name__})"]
        authors = []
        for item in values:
            if not isinstance(item, dict) or not str(item.get("Name") or "").strip():
                problems.append(f"author entry without a name: {item!r}"[:200])
                continue
            author_id = item.get("Author ID")
            authors.append((str(item["Name"]).strip(), str(author_id) if author_id else None))
        return authors, problems
    authors = []
    for token in raw.split(":"):
        token = token.strip()
        if not token:
            continue
        if looks_like_organisation(token) and len(token.split()) <= 2 or token.endswith(("Heights", "Csail")):
            problems.append(f"affiliation mixed into author list: {token!r}")
            continue
        match = re.match(r"^(.*?)\s+(University of .*|.* University)$", token)
        if match and len(match.group(1).split()) >= 2:
            problems.append(f"affiliation split off an author name: {match.group(2)!r}")
            token = match.group(1)
        head, _, tail = token.partition(". ")
        if tail and len(head.split()) >= 2 and len(head.split()[-1]) > 1 and re.match(r"^[A-Z][a-z]+[A-Z]", tail):
            # "Ming Zhang. CherryPick": a CamelCase system name glued after a full name
            problems.append(f"title fragment glued to an author name: {token!r}")
            token = head
        authors.append((token, None))
    return authors, problems


def _year(row: dict) -> int | None:
    raw = (row.get("Year") or "").strip()
    return int(raw) if raw.isdigit() else None


def _mlsys_editions(rows: list[dict], proceedings: dict[str, tuple[int, str]]) -> dict[int, mlsys_editions.Edition]:
    """Edition of every row S2 labels MLSys, by row index (see ingest/sources/mlsys_editions.py)."""
    positions = [i for i, row in enumerate(rows) if canonical_venue((row.get("Venue") or "").strip()) == "MLSys"]
    found = mlsys_editions.assign([((rows[i].get("Title") or "").strip(), _year(rows[i])) for i in positions],
                                  proceedings)
    return dict(zip(positions, found, strict=True))


def read(path: Path, retrieved_at: str, proceedings: dict[str, tuple[int, str]] | None = None) -> ReadStream:
    """`proceedings` (title -> (year, title), from `mlsys_proceedings.index_titles`) corrects MLSys years."""
    by_id: dict[str, Paper] = {}
    problems_by_id: dict[str, list[str]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    editions = _mlsys_editions(rows, proceedings or {})
    for index, row in enumerate(rows):
        line_no = index + 2
        locator = f"{path.name}:{line_no}"
        s2_id = (row.get("Paper ID") or "").strip()
        title = (row.get("Title") or "").strip()
        if not _S2_ID.match(s2_id):
            yield quarantine(SOURCE, locator, "missing or malformed Semantic Scholar paper id", dict(row))
            continue
        if not title:
            yield quarantine(SOURCE, locator, "empty title", dict(row))
            continue
        year = _year(row)
        venue_raw = (row.get("Venue") or "").strip()
        venue = canonical_venue(venue_raw) or venue_raw or "Other"
        edition = editions.get(index)
        if edition is not None:
            venue, year, title = edition.venue, edition.year, edition.title or title
        authors, problems = parse_authors(row.get("Authors", ""))
        paper = Paper(
            id=ids.paper_id(s2_id=s2_id, title=title, year=year), title=title, year=year,  # S2 id always set
            venue_id=ids.venue_id(venue), venue_name=venue, abstract=(row.get("Abstract") or "").strip() or None,
            s2_id=s2_id, url=(row.get("URL") or "").strip() or None,
            references=[f"s2:{r}" for r in _parse_id_list(row.get("References", ""))],
            provenance=Provenance([SOURCE], retrieved_at),
        )
        paper.authorships = [
            Authorship(paper_id=paper.id, position=i, name=name, s2_author_id=s2_author, flags=name_flags(name))
            for i, (name, s2_author) in enumerate(authors)
        ]
        if year is None:
            problems.append("no year given")
        previous = by_id.get(s2_id)
        if previous is None or _richer(paper, previous):
            by_id[s2_id] = paper
            problems_by_id[s2_id] = [f"{locator}: {p}" for p in problems]
    for s2_id, paper in by_id.items():
        for problem in problems_by_id[s2_id]:
            locator, reason = problem.split(": ", 1)
            yield Quarantined(SOURCE, f"{locator} ({s2_id})", reason, None)
        yield paper


def _richer(new: Paper, old: Paper) -> bool:
    """Of two rows for one paper keep the one with S2 author ids, then an abstract."""
    def score(p: Paper) -> tuple[int, int, int]:
        return (sum(1 for a in p.authorships if a.s2_author_id), int(bool(p.abstract)), len(p.authorships))
    return score(new) > score(old)

