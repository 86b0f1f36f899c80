"""From raw records to a loadable graph batch: merge papers, resolve people, tag topics.

Both `mlsys-atlas build` (snapshot) and `mlsys-atlas ingest` (live APIs) go through
`assemble`, so every path into the store is the same idempotent one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from graph.ids import venue_id
from graph.loader import GraphBatch
from graph.records import Author, Institution, Paper, Quarantined, Venue
from graph.venues import KNOWN_VENUES, venue_record
from ingest import identity, topics


def _venues_for(papers: Iterable[Paper]) -> list[Venue]:
    by_id: dict[str, Venue] = {}
    short_by_id = {venue_id(name): name for name in KNOWN_VENUES}
    for paper in papers:
        venue = by_id.get(paper.venue_id)
        if venue is None:
            short = short_by_id.get(paper.venue_id) or paper.venue_name or paper.venue_id.split(":", 1)[1]
            venue = by_id[paper.venue_id] = venue_record(short)
        venue.provenance = venue.provenance.merged(paper.provenance)
    return list(by_id.values())


def assemble(papers: list[Paper], institutions: dict[str, Institution] | None = None,
             *, tag: bool = True, quarantine: list[Quarantined] | None = None,
             data_dir: Path | None = None) -> GraphBatch:
    """`quarantine` receives the mentions identity resolution refuses as people ("et al.", organisations)."""
    merged = identity.merge_papers(papers)
    authors = identity.resolve_authors(merged, quarantine=quarantine, data_dir=data_dir)
    if tag:
        topics.tag_papers(merged)
    return batch_from(merged, authors, institutions)


def batch_from(merged: list[Paper], authors: list[Author], institutions: dict[str, Institution] | None) -> GraphBatch:
    """The batch of resolved, tagged papers (shared with ingest/cache.py, which runs the stages one by one)."""
    topic_nodes, topic_parents = topics.taxonomy()
    used_institutions = {a.institution_id for p in merged for a in p.authorships if a.institution_id}
    return GraphBatch(
        papers=merged,
        authors=authors,
        venues=_venues_for(merged),
        institutions=[i for i_id, i in sorted((institutions or {}).items()) if i_id in used_institutions],
        topics=topic_nodes,
        topic_parents=topic_parents,
    )
