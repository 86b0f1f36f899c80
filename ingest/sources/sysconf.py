"""Reader for the systems-venue crawl (`sysconf/<venue>_base_data.json.gz`).

A dict keyed by year of `{Title, Year, DOI Number, OpenAlex Link, Authors and
Institutions: [{Author, Institutions: [{Institution Name, Country}]}]}`. Titles keep
DBLP's trailing period, which is dropped here. Every institution an author lists is
kept; the first is the authorship's printed affiliation, unless it is a known OpenAlex
look-alike mis-link listed beside the real organisation (ingest/institutions).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from graph import ids
from graph.records import Authorship, Institution, Paper, Provenance
from graph.venues import canonical_venue
from ingest.institutions.link import primary_affiliation
from ingest.sources.common import ReadStream, name_flags, quarantine

SOURCE = "sysconf"


def venue_of(path: Path) -> str:
    short = path.name.split("_", 1)[0]
    return canonical_venue(short) or short.upper()


def read(path: Path, retrieved_at: str, institutions: dict[str, Institution] | None = None) -> ReadStream:
    """Yield papers; `institutions` (if given) collects every institution seen, keyed by id."""
    venue = venue_of(path)
    try:
        by_year = json.load(gzip.open(path))
    except (OSError, ValueError) as exc:
        yield quarantine(SOURCE, path.name, f"file is not readable gzip JSON: {exc}")
        return
    provenance = Provenance([SOURCE], retrieved_at)
    for year_key in sorted(by_year):
        for index, entry in enumerate(by_year[year_key]):
            locator = f"{path.name}:{year_key}[{index}]"
            if not isinstance(entry, dict):
                yield quarantine(SOURCE, locator, "entry is not an object", entry)
                continue
            title = str(entry.get("Title") or "").strip().rstrip(".").strip()
            year_raw = str(entry.get("Year") or year_key)
            if not title:
                yield quarantine(SOURCE, locator, "empty title", entry)
                continue
            if not year_raw.isdigit():
                yield quarantine(SOURCE, locator, f"year is not a number: {year_raw!r}", entry)
                continue
            year = int(year_raw)
            doi = (entry.get("DOI Number") or "").strip() or None
            authors = entry.get("Authors and Institutions") or []
            first_author = str((authors[0] or {}).get("Author") or "") if isinstance(authors, list) and authors \
                and isinstance(authors[0], dict) else ""
            paper = Paper(id=ids.paper_id(doi=doi, title=title, year=year, first_author=first_author),
                          title=title, year=year,
                          venue_id=ids.venue_id(venue), venue_name=venue, doi=doi, provenance=provenance)
            if not isinstance(authors, list) or not authors:
                yield quarantine(SOURCE, locator, "no authors listed", entry)
            for position, author in enumerate(authors if isinstance(authors, list) else []):
                name = str((author or {}).get("Author") or "").strip()
                if not name:
                    yield quarantine(SOURCE, f"{locator}.author[{position}]", "author without a name", author)
                    continue
                affiliation, institution_id, country = None, None, None
                listed: list[tuple[str, str | None, str]] = []
                for inst in author.get("Institutions") or []:
                    inst_name = str((inst or {}).get("Institution Name") or "").strip()
                    if not inst_name:
                        continue
                    inst_country = (inst.get("Country") or None)
                    record = Institution(ids.institution_id(inst_name), inst_name, inst_country, None, provenance)
                    if institutions is not None:
                        institutions.setdefault(record.id, record)
                    listed.append((inst_name, inst_country, record.id))
                if listed:
                    # OpenAlex sometimes lists a look-alike ("Berkeley College") before the real one
                    first = primary_affiliation([(n, c) for n, c, _ in listed]) if len(listed) > 1 else 0
                    affiliation, country, institution_id = listed[first]
                paper.authorships.append(Authorship(
                    paper_id=paper.id, position=position, name=name, affiliation=affiliation,
                    institution_id=institution_id, country=country, flags=name_flags(name)))
            yield paper
