"""What `mlsys-atlas export` writes: the papers of the whole graph or of a filtered view, read from the store.

A view is a set of papers (a person's, a venue's, a topic's, within years); its people are their
authors. Every filter is one parameterised read from `graph.queries` through `store.read`, so the
same code serves FalkorDB and Neo4j, and the writers in `graph.exports` only ever see plain dicts.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph import queries as q
from graph.errors import InputError
from graph.ids import fold
from graph.store import GraphStore
from graph.words import plural

CHUNK = 500  # ids per read: small enough for either store, large enough that a full export is ~100 reads


@dataclass(frozen=True)
class ExportFilter:
    person: str | None = None  # an author id, external id (ORCID, DBLP pid, ...) or name
    venues: tuple[str, ...] = ()  # short names or ids
    year_from: int | None = None
    year_to: int | None = None
    topic: str | None = None  # a topic label, name or id
    pick: int | None = None  # the N-th namesake when `person` fits several people

    def is_whole_graph(self) -> bool:
        return not (self.person or self.venues or self.topic or self.year_from or self.year_to)


@dataclass
class ExportView:
    """The chosen papers (each with `authors` in byline order and `topics`) and what was asked for."""

    papers: list[dict[str, Any]]
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def people(self) -> int:
        return len({a["id"] for p in self.papers for a in p["authors"]})


def parse_years(text: str | None) -> tuple[int | None, int | None]:
    """"2019-2024", "2019", "2019-" or "-2024" -> (from, to); a clear error for anything else."""
    if not text:
        return None, None
    start, sep, end = text.strip().partition("-")
    try:
        year_from = int(start) if start.strip() else None
        year_to = (int(end) if end.strip() else None) if sep else year_from
    except ValueError:
        raise InputError(f"--years wants YEAR or FROM-TO (e.g. 2019-2024), got {text!r}.") from None
    if year_from and year_to and year_from > year_to:
        raise InputError(f"--years {text}: the first year is after the second.")
    return year_from, year_to


def resolve_person(store: GraphStore, text: str, pick: int | None = None) -> dict[str, Any]:
    """{id, name} of the person an id, external id or name means.

    Namesakes are handled as everywhere else on the command line: `pick` chooses the N-th
    (by papers), a namesake with by far the most papers is taken (the returned `note` says
    so), and otherwise the error lists the candidates.
    """
    from graph.analytics.people import clear_namesake

    text = text.strip()
    found = store.read(q.GET_AUTHOR, {"id": text})
    if found:
        return {"id": text, "name": found[0]["props"].get("name")}
    by_external = store.read(q.AUTHOR_BY_EXTERNAL_ID, {"id": text})
    if len(by_external) == 1:
        return {"id": by_external[0]["id"], "name": by_external[0]["name"]}
    key = fold(text)
    if not key:
        raise InputError(f"--person {text!r}: give a name or an author id.")
    hits = store.read(q.SEARCH_AUTHORS, {"q": key, "limit": 50})
    exact = [h for h in hits if key in {fold(n) for n in [h.get("name") or "", *(h.get("aliases") or [])]}]
    chosen = sorted(exact or hits, key=lambda h: (-(h.get("papers") or 0), h["id"]))
    if len(chosen) == 1:
        return {"id": chosen[0]["id"], "name": chosen[0]["name"]}
    if not chosen:
        raise InputError(f"--person {text!r}: nobody of that name in the graph (try `mlsys-atlas search`).")
    options = "; ".join(f"{n}. {h['name']} ({h['id']}, {plural(h.get('papers') or 0, 'paper')})"
                        for n, h in enumerate(chosen[:8], 1))
    if pick is not None:
        if not 1 <= pick <= len(chosen):
            raise InputError(f"--pick {pick}: {text!r} has {len(chosen)} candidates: {options}")
        return {"id": chosen[pick - 1]["id"], "name": chosen[pick - 1]["name"]}
    clear = clear_namesake([h.get("papers") or 0 for h in chosen])
    if clear is not None:
        return {"id": chosen[clear]["id"], "name": chosen[clear]["name"],
                "note": f"{text!r} fits {len(chosen)} people; taking the one with by far the most papers "
                        f"(--pick N to choose another): {options}"}
    raise InputError(f"--person {text!r} fits several people: {options}. Pass --pick N or the author id.")


def _resolve_venues(store: GraphStore, names: Sequence[str]) -> list[str]:
    venues = store.read(q.EXPLORE_VENUES)
    by_key = {fold(v["name"] or ""): v["id"] for v in venues} | {v["id"]: v["id"] for v in venues}
    ids = []
    for name in names:
        venue = by_key.get(name) or by_key.get(fold(name))
        if venue is None:
            known = ", ".join(sorted(v["name"] for v in venues if v.get("papers"))[:40])
            raise InputError(f"--venue {name!r}: no such venue. Known venues: {known}.")
        ids.append(venue)
    return ids


def _resolve_topic(store: GraphStore, text: str) -> dict[str, Any]:
    topics = store.read(q.EXPLORE_TOPICS)
    key = fold(text)
    for topic in topics:
        if text == topic["id"] or key in {fold(topic.get("label") or ""), fold(topic.get("name") or "")}:
            return topic
    known = ", ".join(t["label"] for t in topics[:60])
    raise InputError(f"--topic {text!r}: no such topic. Topics: {known}.")


def select_paper_ids(store: GraphStore, view: ExportFilter) -> tuple[list[str], dict[str, Any]]:
    """The ids of the papers in the view (sorted) and the filters as resolved (person id, venue ids, ...)."""
    venues = _resolve_venues(store, view.venues) if view.venues else None
    resolved: dict[str, Any] = {"years": [view.year_from, view.year_to] if (view.year_from or view.year_to) else None,
                                "venues": venues}
    chosen: list[set[str]] = []
    if view.person:
        person = resolve_person(store, view.person, view.pick)
        if person.get("note"):
            print(f"note: {person.pop('note')}", file=sys.stderr)
        resolved["person"] = person
        chosen.append({r["id"] for r in store.read(q.EXPORT_AUTHOR_PAPER_IDS, {"id": person["id"]})})
    if view.topic:
        topic = _resolve_topic(store, view.topic)
        resolved["topic"] = {"id": topic["id"], "label": topic["label"]}
        chosen.append({r["id"] for r in store.read(q.EXPORT_TOPIC_PAPER_IDS, {"id": topic["id"]})})
    if venues or view.year_from or view.year_to or not chosen:  # a person alone need not read every paper id
        rows = store.read(q.EXPORT_PAPER_IDS, {"year_from": view.year_from, "year_to": view.year_to,
                                               "venues": venues})
        chosen.append({r["id"] for r in rows})
    return sorted(set.intersection(*chosen)), {k: v for k, v in resolved.items() if v}


def read_papers(store: GraphStore, ids: Sequence[str], progress: Callable[[int], None] | None = None
                ) -> list[dict[str, Any]]:
    """Papers with venue, authors (byline order) and topic labels, read CHUNK ids at a time.

    Sorted by year, venue and title, so a bibliography reads chronologically and two runs on the
    same graph write the same file.
    """
    papers: list[dict[str, Any]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        authors: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in store.read(q.EXPORT_AUTHORS_BY_PAPER, {"ids": chunk}):
            authors[row["paper"]].append(row)
        topics: dict[str, set[str]] = defaultdict(set)
        for row in store.read(q.EXPORT_TOPICS_BY_PAPER, {"ids": chunk}):
            if row.get("label"):
                topics[row["paper"]].add(row["label"])
        for row in store.read(q.EXPORT_PAPERS_BY_ID, {"ids": chunk}):
            byline = sorted(authors.get(row["id"], ()), key=lambda a: (a.get("position") is None,
                                                                       a.get("position") or 0, a["id"]))
            papers.append({**row, "authors": [{"id": a["id"], "name": a.get("name")} for a in byline],
                           "topics": sorted(topics.get(row["id"], ()))})
        if progress is not None:
            progress(len(chunk))
    papers.sort(key=lambda p: (p.get("year") or 0, p.get("venue") or "", p.get("title") or "", p["id"]))
    return papers


def export_view(store: GraphStore, view: ExportFilter, progress: Callable[[int], None] | None = None,
                on_selected: Callable[[int], None] | None = None) -> ExportView:
    ids, resolved = select_paper_ids(store, view)
    if on_selected is not None:
        on_selected(len(ids))
    return ExportView(read_papers(store, ids, progress), resolved)
