"""Reader for Paper Copilot venue lists (`papercopilot/<venue>/<venue><year>.json.gz`).

One JSON list per venue-year. Only accepted papers are read (`status` filters out
rejected, withdrawn, desk-rejected, still-active and workshop-track rows). Authors are
a string split by ';' or ', ' depending on the file; `authorids` (OpenReview tilde ids)
and `aff` (affiliations) are aligned with them where present. Where a file gives ids
but no names, the name is read from the tilde id.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

from graph import ids
from graph.records import Authorship, Institution, Paper, Provenance
from ingest.sources.common import (
    ReadStream,
    name_flags,
    name_from_tilde_id,
    printed_institution_id,
    quarantine,
    split_author_string,
)

SOURCE = "papercopilot"
NOT_ACCEPTED = {"reject", "withdraw", "desk reject", "active", "workshop"}
VENUES = {"icml": "ICML", "nips": "NeurIPS", "iclr": "ICLR"}
_FILE = re.compile(r"^(?P<venue>[a-z]+)(?P<year>\d{4})\.json(\.gz)?$")
_OPENREVIEW_ID = re.compile(r"^[A-Za-z0-9_\-]{8,14}$")


def parse_file_name(path: Path) -> tuple[str, int]:
    match = _FILE.match(path.name)
    if not match or match.group("venue") not in VENUES:
        raise ValueError(f"not a Paper Copilot venue file name: {path.name}")
    return VENUES[match.group("venue")], int(match.group("year"))


def openreview_id_of(record: dict) -> str | None:
    link = str(record.get("or") or "")
    if "forum?id=" in link:
        return link.split("forum?id=", 1)[1].split("&", 1)[0]
    rid = str(record.get("id") or "")
    if rid.startswith("site_") or rid.isdigit() or not _OPENREVIEW_ID.match(rid):
        return None
    return rid


def read(path: Path, retrieved_at: str, institutions: dict[str, Institution] | None = None,
         skipped: Counter | None = None, derived_terms: dict[str, list[str]] | None = None) -> ReadStream:
    """Yield accepted papers; `skipped` (if given) counts rows left out by status.

    `derived_terms` maps a record `id` to the terms derived from its abstract elsewhere
    (ML Anthology, joined when the snapshot was vendored; see ingest/sources/mlanthology.py).
    """
    venue, year = parse_file_name(path)
    try:
        records = json.load(gzip.open(path)) if path.suffix == ".gz" else json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        yield quarantine(SOURCE, path.name, f"file is not readable JSON: {exc}")
        return
    provenance = Provenance([SOURCE], retrieved_at)
    for index, record in enumerate(records):
        locator = f"{path.name}[{index}]"
        if not isinstance(record, dict):
            yield quarantine(SOURCE, locator, "record is not an object", record)
            continue
        status = str(record.get("status") or "").strip()
        if status.lower() in NOT_ACCEPTED:
            if skipped is not None:
                skipped[f"{venue} {year} {status}"] += 1
            continue
        title = str(record.get("title") or "").strip()
        if not title:
            yield quarantine(SOURCE, locator, "empty title", record)
            continue
        openreview_id = openreview_id_of(record)
        names = split_author_string(str(record.get("author") or record.get("authors") or ""))
        tilde_ids = [t.strip() for t in str(record.get("authorids") or "").split(";")] if record.get("authorids") \
            else []
        affs = [a.strip() for a in str(record.get("aff") or "").split(";")] if record.get("aff") else []
        if not names and tilde_ids:
            names = [name_from_tilde_id(t) or "" for t in tilde_ids]
        paper = Paper(
            id=ids.paper_id(openreview_id=openreview_id, title=title, year=year,
                            first_author=names[0] if names else ""),
            title=title, year=year, venue_id=ids.venue_id(venue), venue_name=venue, openreview_id=openreview_id,
            url=record.get("or") or record.get("proceeding") or record.get("site") or None, provenance=provenance,
            derived_terms=(derived_terms or {}).get(str(record.get("id")), []))
        if not names:
            yield quarantine(SOURCE, locator, "no authors listed", {"title": title, "status": status})
        if tilde_ids and len(tilde_ids) != len(names):
            yield quarantine(SOURCE, locator, f"{len(tilde_ids)} author ids for {len(names)} names; ids not used",
                             {"title": title})
            tilde_ids = []
        if affs and len(affs) != len(names):
            affs = []  # misaligned affiliations would attach people to the wrong institution
        for position, name in enumerate(names):
            if not name:
                yield quarantine(SOURCE, f"{locator}.author[{position}]", "author without a name", record.get("title"))
                continue
            tilde = tilde_ids[position] if tilde_ids and tilde_ids[position].startswith("~") else None
            affiliation = affs[position] if affs and affs[position] else None
            paper.authorships.append(Authorship(
                paper_id=paper.id, position=position, name=name, affiliation=affiliation,
                institution_id=printed_institution_id(affiliation, provenance, institutions), openreview_id=tilde,
                flags=name_flags(name)))
        yield paper
