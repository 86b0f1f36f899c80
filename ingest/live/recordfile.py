"""Keep one record file per source up to date, and count what an ingest changed in it.

`data_dir/records/<source>.jsonl` holds the latest version of every paper the source
has given (one per paper id) and the institutions those papers point at. An ingest
replaces the papers it fetched again and keeps the rest, so ingesting MLSys and then
SOSP keeps both, and fetching the same pages twice changes nothing.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from graph.records import Institution, Paper, Quarantined
from ingest.recordio import atomic_write_lines, dumps, read_records, undated, write_records


@dataclass
class MergeCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    redated: int = 0  # of the updated: only their date changed (fetched again on another day)


def combine(old: Paper, new: Paper) -> Paper:
    """Two records of one paper from one source (a search hit, then its batch details): new values win."""
    merged = copy.deepcopy(old)
    for attr in ("title", "year", "venue_id", "venue_name", "abstract", "doi", "arxiv_id", "s2_id", "openreview_id",
                 "openalex_id", "dblp_key", "url"):
        value = getattr(new, attr)
        if value not in (None, ""):
            setattr(merged, attr, value)
    if new.authorships:
        merged.authorships = new.authorships
    merged.references = sorted(set(old.references) | set(new.references))
    merged.provenance = old.provenance.merged(new.provenance)
    for authorship in merged.authorships:
        authorship.paper_id = merged.id
    return merged


def add_papers(into: dict[str, Paper], papers: Iterable[Paper]) -> None:
    for paper in papers:
        known = into.get(paper.id)
        into[paper.id] = paper if known is None else combine(known, paper)


def update_record_file(path: Path, papers: dict[str, Paper], institutions: dict[str, Institution]) -> MergeCounts:
    """Replace the given papers in the file (by id), keep the others, and count new/updated/unchanged."""
    existing_papers: dict[str, str] = {}
    existing_insts: dict[str, Institution] = {}
    kept: dict[str, Paper] = {}
    if path.exists():
        for item in read_records(path):
            if isinstance(item, Paper):
                existing_papers[item.id] = dumps(item)
                kept[item.id] = item
            elif isinstance(item, Institution):
                existing_insts[item.id] = item
    counts = MergeCounts()
    for paper_id, paper in papers.items():
        before = existing_papers.get(paper_id)
        if before is None:
            counts.new += 1
        elif before == dumps(paper):
            counts.unchanged += 1
        else:
            counts.updated += 1
            counts.redated += dumps(undated(kept[paper_id])) == dumps(undated(paper))
        kept[paper_id] = paper
    all_insts = {**existing_insts, **institutions}
    used = {a.institution_id for p in kept.values() for a in p.authorships if a.institution_id}
    write_records(path, [*kept.values(), *(i for i_id, i in all_insts.items() if i_id in used)])
    return counts


def write_jsonl(path: Path, papers: dict[str, Paper], institutions: dict[str, Institution]) -> int:
    """`--to-jsonl`: just this run's records, in the same format as the record files."""
    used = {a.institution_id for p in papers.values() for a in p.authorships if a.institution_id}
    return write_records(path, [*papers.values(), *(i for i_id, i in institutions.items() if i_id in used)])


def _quarantine_key(row: dict) -> tuple[str, str, str]:
    return (str(row.get("source")), str(row.get("locator")), str(row.get("reason")))


def update_quarantine_file(path: Path, quarantined: Iterable[Quarantined]) -> int:
    """Add quarantined records (source, request, reason, raw) once each, however often the pages are re-read."""
    rows: dict[tuple[str, str, str], dict] = {}
    if path.exists():
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                rows[_quarantine_key(row)] = row
    for q in quarantined:
        row = json.loads(json.dumps(asdict(q), ensure_ascii=False, default=str))
        rows[_quarantine_key(row)] = row
    if rows or path.exists():
        atomic_write_lines(path, (json.dumps(rows[key], ensure_ascii=False, sort_keys=True) for key in sorted(rows)))
    return len(rows)
