"""Topic analytics for organisers and members: trends, venues, co-occurrence, people, places.

Plain functions from a store to lists of dicts (no pandas, no Streamlit), built on the
store's projections so the same numbers come out of FalkorDB and Neo4j. Labels are the
tagger's: pillars (`hardware`, `software`, `metrics`, `ml_for_systems`) and CFP topics;
`ml_for_systems` is one node of kind "pillar", so `kind="pillar"` lists it and
`kind="topic"` lists the other sixteen.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from graph import queries as q
from graph.credit import credited_institutions
from graph.store import GraphStore

Row = dict[str, Any]


def _facts(store: GraphStore, kind: str | None, rows: list[Row] | None = None) -> list[Row]:
    """One row per (paper, label) with the paper's year and venue (`rows`: those facts, already read)."""
    if rows is None:
        rows = store.read(q.TOPIC_PAPER_FACTS)
    return [r for r in rows if kind is None or r["kind"] == kind]


def _papers_per_community_year(store: GraphStore) -> Counter[tuple[str | None, int | None]]:
    totals: Counter[tuple[str | None, int | None]] = Counter()
    for row in store.read(q.PAPERS_PER_VENUE_YEAR):
        totals[(row["community"], row["year"])] += row["papers"]
    return totals


def _papers_per_year(store: GraphStore) -> Counter[int | None]:
    totals: Counter[int | None] = Counter()
    for (_community, year), papers in _papers_per_community_year(store).items():
        totals[year] += papers
    return totals


def label_year_counts(store: GraphStore, kind: str | None = None, *, facts: list[Row] | None = None) -> list[Row]:
    """Papers per label and year, with the share of that year's papers (all papers, tagged or not).

    The share, not the count, is what shows a shift in the community: the snapshot grows
    every year, so raw counts rise for every label.
    """
    totals = _papers_per_year(store)
    counts: Counter[tuple[str, str, int | None]] = Counter()
    for r in _facts(store, kind, facts):
        counts[(r["label"], r["kind"], r["year"])] += 1
    return [{"label": label, "kind": k, "year": year, "papers": n,
             "share": round(n / totals[year], 4) if totals[year] else None}
            for (label, k, year), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][2] or 0))]


def label_community_year_counts(store: GraphStore, kind: str | None = None, *,
                                facts: list[Row] | None = None) -> list[Row]:
    """Papers per label, venue community and year, with the share of that community's papers that year.

    Why: the venue communities enter the snapshot in different years (the ML venues' lists start in 2018), so
    a share of all papers jumps when a community's papers arrive. Within one community a share compares
    like with like."""
    totals = _papers_per_community_year(store)
    counts: Counter[tuple[str, str, str | None, int | None]] = Counter()
    for r in _facts(store, kind, facts):
        counts[(r["label"], r["kind"], r["community"], r["year"])] += 1
    return [{"label": label, "kind": k, "community": community, "year": year, "papers": n,
             "share": round(n / totals[(community, year)], 4) if totals[(community, year)] else None}
            for (label, k, community, year), n in
            sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][2] or "", kv[0][3] or 0))]


def label_venue_counts(store: GraphStore, kind: str | None = None) -> list[Row]:
    """Papers per label, venue and year, with the venue's community (systems / ml / mlsys)."""
    counts: Counter[tuple[str, str, str | None, str | None, int | None]] = Counter()
    for r in _facts(store, kind):
        counts[(r["label"], r["kind"], r["venue"], r["community"], r["year"])] += 1
    return [{"label": label, "kind": k, "venue": venue, "community": community, "year": year, "papers": n}
            for (label, k, venue, community, year), n in
            sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][2] or "", kv[0][4] or 0))]


def label_community_counts(store: GraphStore, kind: str | None = None, *,
                           facts: list[Row] | None = None) -> list[Row]:
    """Papers per label and venue community: where each topic is published (systems vs ML venues)."""
    counts: Counter[tuple[str, str, str | None]] = Counter()
    for r in _facts(store, kind, facts):
        counts[(r["label"], r["kind"], r["community"])] += 1
    return [{"label": label, "kind": k, "community": community, "papers": n}
            for (label, k, community), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][2] or ""))]


def cooccurrence(store: GraphStore, kind: str | None = "topic", min_papers: int = 1, *,
                 facts: list[Row] | None = None) -> list[Row]:
    """Pairs of labels given to the same paper, with the count and Jaccard overlap, most shared first."""
    labels_by_paper: dict[str, set[str]] = defaultdict(set)
    for r in _facts(store, kind, facts):
        labels_by_paper[r["paper"]].add(r["label"])
    single: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for labels in labels_by_paper.values():
        single.update(labels)
        pairs.update(combinations(sorted(labels), 2))
    rows = [{"a": a, "b": b, "papers": n, "jaccard": round(n / (single[a] + single[b] - n), 4)}
            for (a, b), n in pairs.items() if n >= min_papers]
    return sorted(rows, key=lambda r: (-r["papers"], r["a"], r["b"]))


def _label_papers(store: GraphStore, label: str) -> set[str]:
    return {r["paper"] for r in store.read(q.TOPIC_PAPER_FACTS) if r["label"] == label}


def top_authors(store: GraphStore, label: str, limit: int = 20) -> list[Row]:
    """Authors with the most papers carrying `label`."""
    papers = _label_papers(store, label)
    counts: Counter[str] = Counter()
    for row in store.coauthor_papers():
        if row["paper"] in papers:
            counts.update(set(row["authors"]))
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    names = store.author_names_by_id(a for a, _ in top)
    return [{"id": a, "name": names.get(a, a), "papers": n} for a, n in top]


def top_institutions(store: GraphStore, label: str, limit: int = 20) -> list[Row]:
    """Institutions with the most papers carrying `label`.

    A paper counts once for each institution it is credited to (`graph.credit.credited_institutions`: what its
    authors printed on it; for an author who printed nothing, the ones the author printed most in the paper's year).
    """
    papers = _label_papers(store, label)
    where: dict[tuple[str, int | None], set[str]] = defaultdict(set)
    info: dict[str, Row] = {}
    for r in store.author_institution_rows():
        if r["main"]:
            where[(r["author"], r["year"])].add(r["institution"])
        info[r["institution"]] = {"name": r["name"], "country": r["country"]}
    org = {r["unit"]: r["org"] for r in store.read(q.INSTITUTION_PARENTS)}  # as AUTHOR_INSTITUTION_ROWS
    credited: dict[str, set[str]] = defaultdict(set)
    for row in store.read(q.ANALYTICS_PAPER_ROWS):
        if row["paper"] not in papers:
            continue
        year = row["year"]
        listed = [(author, org.get(inst, inst)) for author, inst in row["listed"] or ()]
        for inst in credited_institutions(row["authors"], year, listed,
                                          lambda author, year=year: where.get((author, year), set())):
            credited[inst].add(row["paper"])
    top = sorted(credited.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
    return [{"id": i, "name": info[i]["name"], "country": info[i]["country"], "papers": len(p)} for i, p in top]


def top_papers(store: GraphStore, label: str, limit: int = 20) -> list[Row]:
    """The highest-scoring papers for `label`, with the evidence that earned the tag."""
    return store.read(q.TOPIC_TOP_PAPERS, {"label": label, "limit": limit})


def labels_present(rows: Iterable[Row]) -> list[str]:
    """Distinct labels in any of the row lists above, sorted (handy for chart legends)."""
    return sorted({r["label"] for r in rows if "label" in r})


# ---------------------------------------------------------------- from the analytics projection
# The functions above read the store on every call (every paper's author list for one topic's
# leaders: 17-23 s per topic on the full snapshot). The explorer asks them through these, which
# answer from the in-memory projection for every label at once and memoise the result on it, so
# `graph.analytics.build_cache` saves them with the build and a fresh server starts warm.
TABLES = ("label_year_counts", "label_community_year_counts", "label_community_counts", "cooccurrence")


def table(store: GraphStore, proj: Any, name: str, kind: str | None, *, facts: list[Row] | None = None) -> list[Row]:
    """One of TABLES, once per projection (`facts`: the paper-label facts, already read)."""
    if name not in TABLES:
        raise ValueError(f"unknown topic table {name!r}")
    return proj.memo(("answer", "topic_table", name, kind), lambda: globals()[name](store, kind, facts=facts))


def all_tables(store: GraphStore, proj: Any, kinds: Iterable[str | None] = ("pillar", "topic")) -> None:
    """Every table of TABLES for `kinds`, memoised on `proj`, reading the paper-label facts once.

    Why: each table read every (paper, label) fact from the store, ~1 s apiece on the full snapshot, and
    `mlsys-atlas warm` asks six of them (BENCHMARKS.md, "Analytics", session 55)."""
    facts: list[Row] | None = None
    for name in TABLES:
        for kind in kinds:
            if ("answer", "topic_table", name, kind) not in proj._memo:
                facts = store.read(q.TOPIC_PAPER_FACTS) if facts is None else facts
                table(store, proj, name, kind, facts=facts)


def leaders_from_projection(proj: Any, limit: int = 20) -> dict[str, dict[str, list[Row]]]:
    """label -> {"authors", "institutions"}: the same counts as `top_authors` / `top_institutions`,
    for every label in one pass over the projection's papers."""
    authors: dict[str, Counter[str]] = defaultdict(Counter)
    institutions: dict[str, Counter[str]] = defaultdict(Counter)
    for pid, tags in proj.data.paper_topics.items():
        paper = proj.papers.get(pid)
        if paper is None:
            continue
        credited = proj.paper_institutions(paper)
        for label in {t.label for t in tags}:
            authors[label].update(paper.authors)
            institutions[label].update(credited)
    out: dict[str, dict[str, list[Row]]] = {}
    for label in set(authors) | set(institutions):
        top_a = sorted(authors[label].items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        top_i = sorted(institutions[label].items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        out[label] = {
            "authors": [{"id": a, "name": proj.name(a), "papers": n} for a, n in top_a],
            "institutions": [{"id": i, "name": proj.institution_info.get(i, (i, None))[0],
                              "country": proj.institution_info.get(i, (i, None))[1], "papers": n} for i, n in top_i],
        }
    return out


def all_leaders(store: GraphStore, proj: Any, limit: int = 20) -> dict[str, dict[str, list[Row]]]:
    """People, institutions and top papers of every label, memoised on the projection."""
    def compute() -> dict[str, dict[str, list[Row]]]:
        leaders = leaders_from_projection(proj, limit)
        for label in set(leaders) | set(proj.topic_kinds):
            entry = leaders.setdefault(label, {"authors": [], "institutions": []})
            entry["papers"] = top_papers(store, label, limit)
        return leaders

    return proj.memo(("answer", "topic_leaders", limit), compute)


def topic_leaders(store: GraphStore, proj: Any, label: str, limit: int = 20) -> dict[str, list[Row]]:
    return all_leaders(store, proj, limit).get(label, {"authors": [], "institutions": [], "papers": []})
