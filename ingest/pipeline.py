"""From raw records to a loadable graph batch: merge papers, resolve people, tag topics.

Both `mlsys-atlas build` (snapshot) and `mlsys-atlas ingest` (live APIs) go through
`assemble`, so every path into the store is the same idempotent one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from graph.ids import venue_id
from graph.loader import GraphBatch
from graph.records import Author, Institution, Paper, Provenance, Quarantined, Venue
from graph.venues import KNOWN_VENUES, venue_record
from ingest import identity, topics
from ingest.distributed import client_from_settings
from ingest.id_guard import quarantine_empty_ids
from ingest.institutions.link import LinkReport, correct_mislinks, link_institutions


def _venues_for(papers: Iterable[Paper]) -> list[Venue]:
    """Each venue of the papers, its provenance merged with all of theirs.

    The papers' sources and dates are gathered per venue and merged once: merging them paper by paper made a
    Provenance (and sorted its sources) per paper, ~0.1 s of each build and each ingest's rows."""
    by_id: dict[str, Venue] = {}
    sources: dict[str, set[str]] = {}
    latest: dict[str, str] = {}
    short_by_id = {venue_id(name): name for name in KNOWN_VENUES}
    for paper in papers:
        key = paper.venue_id
        if key not in by_id:
            short = short_by_id.get(key) or paper.venue_name or key.split(":", 1)[1]
            by_id[key] = venue_record(short)
            sources[key], latest[key] = set(), ""
        provenance = paper.provenance
        sources[key].update(provenance.sources)
        if provenance.retrieved_at > latest[key]:
            latest[key] = provenance.retrieved_at
    for key, venue in by_id.items():
        venue.provenance = venue.provenance.merged(Provenance(sorted(sources[key]), latest[key]))
    return list(by_id.values())


def venue_mismatch(paper: Paper, short_by_id: dict[str, str] | None = None) -> str | None:
    """Why a paper's venue_id cannot be the node its venue makes, or None.

    The Venue node is made from the venue's name; a paper whose `venue_id` is not that node's id
    would be written with no PUBLISHED_IN edge, losing its venue without a word."""
    short_by_id = short_by_id if short_by_id is not None else {venue_id(n): n for n in KNOWN_VENUES}
    if paper.venue_id in short_by_id:
        return None
    name = paper.venue_name or (paper.venue_id.split(":", 1)[1] if paper.venue_id.startswith("venue:") else "")
    if not name.strip():
        return f"venue_id {paper.venue_id!r} names no venue (expected 'venue:<name>')"
    if venue_id(name) != paper.venue_id:
        return f"venue_id {paper.venue_id!r} does not match its venue {name!r} (expected {venue_id(name)!r})"
    return None


def drop_venue_mismatches(papers: list[Paper], quarantine: list[Quarantined] | None) -> list[Paper]:
    short_by_id = {venue_id(n): n for n in KNOWN_VENUES}
    kept = []
    for paper in papers:
        reason = venue_mismatch(paper, short_by_id)
        if reason is None:
            kept.append(paper)
        elif quarantine is not None:
            quarantine.append(Quarantined(",".join(paper.provenance.sources) or "records", paper.id, reason,
                                          {"title": paper.title, "venue_id": paper.venue_id,
                                           "venue_name": paper.venue_name}))
    return kept


def assemble(papers: list[Paper], institutions: dict[str, Institution] | None = None,
             *, tag: bool = True, quarantine: list[Quarantined] | None = None,
             data_dir: Path | None = None, institution_report: LinkReport | None = None) -> GraphBatch:
    """`quarantine` receives the mentions identity resolution refuses as people ("et al.", organisations).

    Printed affiliations are resolved to organisations here (ingest/institutions), after papers
    are merged, so every source's strings meet the same alias table and the user's decisions;
    `institution_report` (if given) receives the counts and the time that took.
    """
    merged = identity.merge_papers(drop_venue_mismatches(papers, quarantine))
    organisations, report = link_institutions(merged, institutions, data_dir)
    if institution_report is not None:
        vars(institution_report).update(vars(report))
    with client_from_settings() as client:  # ATLAS_DASK: pairs scored and papers tagged on a Dask cluster
        authors = identity.resolve_authors(merged, quarantine=quarantine, data_dir=data_dir, client=client)
        organisations, _ = correct_mislinks(merged, organisations)  # needs the people identity just found
        if tag:
            topics.tag_papers(merged, client=client)
    return batch_from(merged, authors, organisations, [] if quarantine is None else quarantine)


def batch_from(merged: list[Paper], authors: list[Author], organisations: list[Institution],
               quarantine: list[Quarantined]) -> GraphBatch:
    """The batch of resolved, tagged papers (shared with ingest/cache.py, which runs the stages one by one).

    Records whose id folded to nothing go to `quarantine` instead (ingest/id_guard.py)."""
    authors, organisations = quarantine_empty_ids(merged, authors, organisations, quarantine)
    topic_nodes, topic_parents = topics.taxonomy()
    return GraphBatch(
        papers=merged,
        authors=authors,
        venues=_venues_for(merged),
        institutions=organisations,
        topics=topic_nodes,
        topic_parents=topic_parents,
    )
