"""`resolve_authors`: the build's entry point for author identity.

Before clustering, each paper's author list is cleaned where the bad input lives
(`names.clean_name`): non-people are removed and quarantined with the reason, joined
names are split into two authorships, a person printed twice on one paper keeps the
first authorship (the second is quarantined, its ids merged in), and repaired names
carry flags. Then every remaining authorship gets its `author_id` and one `Author` per
person is returned with aliases, strong ids, merge confidence and reasons.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from operator import attrgetter
from pathlib import Path
from typing import Any

from graph.records import Author, Authorship, Paper, Provenance, Quarantined
from ingest.identity import curation, review
from ingest.identity.mentions import (
    AUTHORSHIP_ID_FIELDS,
    STRONG_ID_KINDS,
    mention_id_of,
    mentions_from_papers,
    strong_ids_of,
)
from ingest.identity.model import PairModel
from ingest.identity.names import clean_name, fold
from ingest.identity.resolver import Resolution, resolve

SOURCE = "identity"
_AUTHOR_ID_FIELDS = {"s2": "s2_id", "openreview": "openreview_id", "openalex": "openalex_id", "orcid": "orcid",
                     "dblp": "dblp_pid"}
_ID_VALUES = attrgetter(*AUTHORSHIP_ID_FIELDS.values())  # every id field in one C call


def _conflicting(a: Authorship, b: Authorship) -> bool:
    ids_a, ids_b = strong_ids_of(a), strong_ids_of(b)
    return any(kind in ids_b and ids_b[kind] != value for kind, value in ids_a.items())


def _has_strong_id(authorship: Authorship) -> bool:
    """bool(strong_ids_of(authorship)) without building the dict: asked once per authorship."""
    values = _ID_VALUES(authorship)
    if not any(values):  # most authorships: no id field set
        return False
    for value in values:
        if value and str(value).strip():
            return True
    return False


def clean_authorships(paper: Paper, quarantine: list[Quarantined]) -> None:
    """Apply name cleaning to one paper's author list in place (see module docstring)."""
    cleaned: list[Authorship] = []
    split = False
    for authorship in paper.authorships:
        names = clean_name(authorship.name, _has_strong_id(authorship))
        if names[0].rejected and len(names) == 1:
            quarantine.append(Quarantined(SOURCE, f"{paper.id}#{authorship.position}", names[0].rejected,
                                          authorship.name))
            continue
        split |= len(names) > 1
        for index, name in enumerate(names):
            if name.rejected:
                quarantine.append(Quarantined(SOURCE, f"{paper.id}#{authorship.position}", name.rejected, name.name))
                continue
            flags = sorted({*authorship.flags, *name.flags}) if authorship.flags or name.flags else []
            if index == 0:
                authorship.name, authorship.flags = name.name, flags
                cleaned.append(authorship)
            else:
                cleaned.append(Authorship(paper_id=paper.id, position=authorship.position, name=name.name,
                                          flags=flags))
    kept: dict[str, Authorship] = {}
    deduplicated: list[Authorship] = []
    for authorship in cleaned:
        folded = fold(authorship.name)
        first = kept.get(folded)
        if first is not None and not _conflicting(first, authorship):
            for attr in ("affiliation", "institution_id", "country", "s2_author_id", "openreview_id",
                         "openalex_id", "orcid", "dblp_pid"):
                if not getattr(first, attr) and getattr(authorship, attr):
                    setattr(first, attr, getattr(authorship, attr))
            quarantine.append(Quarantined(SOURCE, f"{paper.id}#{authorship.position}",
                                          "duplicate author in one paper; merged into the first", authorship.name))
            continue
        kept.setdefault(folded, authorship)
        deduplicated.append(authorship)
    if split:
        deduplicated = [replace(a, position=i) if a.position != i else a for i, a in enumerate(deduplicated)]
    paper.authorships = deduplicated


def resolve_authors(papers: Iterable[Paper], quarantine: list[Quarantined] | None = None,
                    data_dir: Path | None = None, model: PairModel | None = None, workers: int = 1,
                    client: Any | None = None) -> list[Author]:
    """Assign `author_id` on every authorship and return one Author per person.

    `quarantine` (if given) receives the author strings that are not people;
    reviewer decisions are read from, and the new review queue written to, the
    identity folder of `data_dir` (default: the configured data directory). `workers` 2
    clusters the blocks in two processes (same people; see `parallel_blocks.py`); a Dask `client`
    scores the candidate pairs on its cluster (same people; see `dask_pairs.py`).
    """
    papers = list(papers)
    sink: list[Quarantined] = [] if quarantine is None else quarantine
    for paper in papers:
        clean_authorships(paper, sink)
    mentions = list(mentions_from_papers(papers))
    legacy_mention_ids = {mention_id_of(p.id, a.position): mention_id_of(p.id_aliases[0], a.position)
                          for p in papers if p.id_aliases for a in p.authorships}
    authors: list[Author] = []
    provenance_of = {paper.id: paper.provenance for paper in papers}

    def make_authors(done: Resolution) -> None:
        authors.extend(authors_from(done, provenance_of))
        # nothing reads the people once they are Author records; the review items (made next, when not in a
        # forked child) were the build's memory peak at 1M papers, and ~400 MiB of it were these Person objects
        # (BENCHMARKS.md, "Memory (issue 20)", session 54)
        done.people.clear()

    resolution = resolve(mentions, model=model, decisions=review.load_decisions(data_dir),
                         curation=curation.active_decisions(data_dir), legacy_mention_ids=legacy_mention_ids,
                         workers=workers, meanwhile=make_authors, client=client)
    review.write_queue(resolution.review_items, data_dir)
    return authors


def authors_from(resolution: Resolution, provenance_of: Mapping[str, Provenance]) -> list[Author]:
    """One Author per resolved person, each mention's authorship pointed at it (the build and the
    incremental ingest make them the same way, so their rows compare field by field)."""
    authors: list[Author] = []
    mentions = resolution.mentions
    for person in resolution.people:
        reasons = person.reasons + [f"also {kind} id {', '.join(values)}"
                                    for kind, values in sorted(person.duplicate_ids.items())]
        author = Author(id=person.person_id, name=person.name, aliases=person.aliases,
                        merge_confidence=person.confidence, merge_reasons=reasons,
                        provenance=Provenance([], ""), id_aliases=person.id_aliases)
        for kind in STRONG_ID_KINDS:
            if kind in person.strong_ids:
                setattr(author, _AUTHOR_ID_FIELDS[kind], person.strong_ids[kind])
        # the provenance every member's paper would merge in one by one (`Provenance.merged`), folded at once
        sources: set[str] = set()
        latest = ""
        person_id = person.person_id
        for index in person.members:
            mention = mentions[index]
            authorship = mention.authorship
            if authorship is not None:
                authorship.author_id = person_id
            provenance = provenance_of[mention.paper_id]
            sources.update(provenance.sources)
            if provenance.retrieved_at > latest:  # max(latest, retrieved_at): the first of equals is kept
                latest = provenance.retrieved_at
        if person.members:
            author.provenance = Provenance(sorted(sources), latest)
        authors.append(author)
    return authors
