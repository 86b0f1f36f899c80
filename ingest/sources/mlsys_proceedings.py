"""Reader for the MLSys proceedings index extracts (`mlsys_proceedings/mlsys<year>_index_extract.tsv`).

Columns `hash` (the paper's hash in proceedings.mlsys.org URLs, unique within a year),
`title`, `authors_ordered_comma_separated`; extracted field for field from copies of the
2024 and 2025 index pages. These lists are partial (the pages show fewer papers than the
conference accepted) but their years are right, which the Semantic Scholar seed's are
not: `s2_seed` uses them to correct its years (`index_titles`), and a paper on both
lists becomes one node (same title and year, see ingest/identity/papers.py).
The source has no licence, so only these bibliographic facts are read and shipped.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from graph import ids
from graph.records import Authorship, Paper, Provenance
from ingest.sources.common import ReadStream, name_flags, quarantine

SOURCE = "mlsys_proceedings"
_FILE = re.compile(r"^mlsys(?P<year>\d{4})_index_extract\.tsv$")
_HASH = re.compile(r"^[0-9a-f]{32}$")
URL = "https://proceedings.mlsys.org/paper_files/paper/{year}/hash/{hash}-Abstract-Conference.html"


def year_of(path: Path) -> int:
    match = _FILE.match(path.name)
    if not match:
        raise ValueError(f"not an MLSys index extract: {path.name}")
    return int(match.group("year"))


def index_titles(paths: list[Path]) -> dict[str, tuple[int, str]]:
    """Proceedings title -> (year, title) for every readable row of the given extracts."""
    titles: dict[str, tuple[int, str]] = {}
    for path in paths:
        year = year_of(path)
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                title = " ".join(str(row.get("title") or "").split())
                if title:
                    titles[title] = (year, title)
    return titles


def read(path: Path, retrieved_at: str) -> ReadStream:
    try:
        year = year_of(path)
    except ValueError as exc:
        yield quarantine(SOURCE, path.name, str(exc))
        return
    provenance = Provenance([SOURCE], retrieved_at)
    with open(path, newline="", encoding="utf-8") as handle:
        for line_no, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            locator = f"{path.name}:{line_no}"
            title = " ".join(str(row.get("title") or "").split())
            paper_hash = str(row.get("hash") or "").strip()
            if not title:
                yield quarantine(SOURCE, locator, "empty title", dict(row))
                continue
            if not _HASH.match(paper_hash):
                yield quarantine(SOURCE, locator, "missing or malformed proceedings hash", dict(row))
                continue
            names = [" ".join(n.split()) for n in str(row.get("authors_ordered_comma_separated") or "").split(",")]
            names = [n for n in names if n]
            if not names:
                yield quarantine(SOURCE, locator, "no authors listed", {"title": title})
            paper = Paper(id=ids.paper_id(title=title, year=year, first_author=names[0] if names else ""),
                          title=title, year=year, venue_id=ids.venue_id("MLSys"), venue_name="MLSys",
                          url=URL.format(year=year, hash=paper_hash), provenance=provenance)
            paper.authorships = [Authorship(paper_id=paper.id, position=i, name=name, flags=name_flags(name))
                                 for i, name in enumerate(names)]
            yield paper
