"""Papers related to one paper: shared authors, shared topics weighted by rarity, citations.

Why a small ranking of our own rather than embeddings: each signal is a fact a reader can
check on the page ("2 shared authors · topics: Inference and serving · cited by this
paper"), and it costs four indexed reads through the store API, so the Paper page shows
it on first visit without a precomputed table. On the full snapshot the topic read walks
thousands of papers per pillar (1-1.6 s), so the explorer answers the author and topic
signals from an in-memory index with the same rows (graph/related_index.py) once loaded.

Score of a candidate = shared authors (1 each) + the weights of the shared topics +
1.5 when one paper cites the other. A topic's weight is its inverse document frequency
scaled to 0..1 (ln(N/df) / ln N): a topic few papers carry (0.6-0.8 on the full
snapshot) says more than a pillar every fifth paper carries (~0.1). Weights travel to
the store as integers per mille so both stores sum them exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph.store import GraphStore, Row

if TYPE_CHECKING:
    from graph.related_index import RelatedIndex

CANDIDATES = 50  # per signal, before merging
CITATION_WEIGHT = 1.5
AUTHOR_WEIGHT = 1.0
PER_MILLE = 1000


@dataclass
class Related:
    id: str
    title: str
    year: int | None
    venue: str | None
    shared_authors: list[str] = field(default_factory=list)
    shared_topics: list[tuple[str, int]] = field(default_factory=list)  # (topic name, weight per mille)
    cites: bool = False  # this paper cites the candidate
    cited_by: bool = False  # the candidate cites this paper

    @property
    def score(self) -> float:
        return (AUTHOR_WEIGHT * len(self.shared_authors) + sum(w for _, w in self.shared_topics) / PER_MILLE
                + (CITATION_WEIGHT if self.cites or self.cited_by else 0.0))

    def reason(self, max_topics: int = 3) -> str:
        """One short line: why this paper is listed."""
        parts = []
        if self.shared_authors:
            n = len(self.shared_authors)
            names = ", ".join(self.shared_authors[:2]) + (" …" if n > 2 else "")
            parts.append(f"{n} shared author{'s' if n != 1 else ''} ({names})")
        if self.shared_topics:
            names = [name for name, _ in sorted(self.shared_topics, key=lambda t: (-t[1], t[0]))]
            parts.append("topics: " + ", ".join(names[:max_topics]) + (" …" if len(names) > max_topics else ""))
        if self.cites:
            parts.append("cited by this paper")
        if self.cited_by:
            parts.append("cites this paper")
        return " · ".join(parts)


def topic_weights(frequencies: list[Row], total_papers: int) -> list[Row]:
    """{id, label, name, weight} per topic of the paper: ln(N/df) / ln N in per mille, df = 1 + other papers."""
    if total_papers < 2:
        return []
    scale = math.log(total_papers)
    out = []
    for row in frequencies:
        df = 1 + int(row.get("papers") or 0)
        if df <= 1:
            continue  # no other paper carries it: nothing to share
        out.append({"id": row["id"], "label": row["label"], "name": row.get("name") or row["label"],
                    "weight": max(1, round(PER_MILLE * math.log(total_papers / df) / scale))})
    return out


def related_papers(store: GraphStore, paper_id: str, limit: int = 10,
                   citations: tuple[list[Row], list[Row]] | None = None,
                   index: RelatedIndex | None = None) -> list[Related]:
    """The `limit` best related papers, best first (ties: newer first, then id).

    `citations` is (papers this one cites, papers citing it) when the caller already has them.
    `index` (graph/related_index.py) answers the author and topic signals from memory, with the same rows as
    the store's queries; without it the store answers them.
    """
    signals: GraphStore | RelatedIndex = index if index is not None else store
    found: dict[str, Related] = {}

    def entry(row: Row) -> Related:
        if row["id"] not in found:
            found[row["id"]] = Related(row["id"], row.get("title") or row["id"], row.get("year"), row.get("venue"))
        return found[row["id"]]

    for row in signals.related_by_authors(paper_id, CANDIDATES):
        entry(row).shared_authors = sorted(row.get("names") or [])
    weights = topic_weights(signals.related_topic_frequencies(paper_id), signals.paper_count())
    by_label = {w["label"]: w for w in weights}
    for row in signals.related_by_topics(paper_id, weights, CANDIDATES):
        entry(row)
    if citations is None:
        from graph.explore import paper_citations

        citations = paper_citations(store, paper_id, CANDIDATES)
    cites, cited_by = citations
    for row in cites:
        entry(row).cites = True
    for row in cited_by:
        entry(row).cited_by = True
    # Shared topics for every candidate, however it was found (a co-author's paper may share a rare topic too).
    labels = signals.paper_topic_labels(found) if by_label and found else {}
    for candidate in found.values():
        candidate.shared_topics = [(by_label[label]["name"], by_label[label]["weight"])
                                   for label in sorted(set(labels.get(candidate.id) or [])) if label in by_label]
    ranked = sorted(found.values(), key=lambda r: (-round(r.score, 6), -(r.year or 0), r.id))
    return ranked[:limit]
