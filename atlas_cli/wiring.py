"""Plug the ingest pieces the graph layer's analytics need into `graph.providers`.

The command line and the explorer both sit above the two layers, so they are where the
graph layer meets the ingest pipeline: `install()` is called once at start-up by
`atlas_cli.main` and by `app.py`. Importing this module is cheap; the ingest modules (and
spaCy) are imported only when a provider is first called.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph import providers


def tag_titles(titles: list[str], venue: str = "MLSys") -> list[list[str]]:
    """Tag titles with the project's topic tagger, as papers submitted to `venue`."""
    from graph.ids import venue_id
    from graph.records import Paper
    from ingest.topics import tag_papers

    papers = [Paper(id=f"submission:{i}", title=t, year=None, venue_id=venue_id(venue)) for i, t in enumerate(titles)]
    tag_papers(papers)
    return [[tag.topic for tag in p.topics] for p in papers]


def organisation_type(name: str) -> str | None:
    """The type of the organisation `name` resolves to in the shipped organisation table."""
    from ingest.institutions.link import shipped_resolver

    org = shipped_resolver().resolve(name).organisation
    return org.type if org is not None else None


def snapshot_batch(snapshot_dir: Path) -> Any:
    """The snapshot read and assembled into one batch of records (`export neo4j-admin --source snapshot`)."""
    from ingest.pipeline import assemble
    from ingest.snapshot import read_snapshot

    snapshot = read_snapshot(snapshot_dir)
    return assemble(snapshot.papers, snapshot.institutions)


def install() -> None:
    providers.install(title_tagger=tag_titles, organisation_typer=organisation_type)
