"""The explorer's questions that the core store interface does not ask, plus the small
summaries (venue mix, papers per year, ego network) the pages draw.

Every statement comes from `graph.queries` (the EXPLORE_* block) and runs through
`store.read`, so this works on any backend and nothing here knows about Streamlit:
the pages stay thin renderers and these functions are tested without a browser.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlparse

from graph import queries as q
from graph.ids import fold
from graph.store import GraphStore, Row

# Node kinds by id prefix (graph.ids): lets a deep link or a provenance lookup pick the
# label-specific (indexed) statement instead of scanning every node.
ID_PREFIX_LABEL: dict[str, str] = {
    "author": "Author", "paper": "Paper", "inst": "Institution", "venue": "Venue", "topic": "Topic",
}
COMMUNITIES: tuple[str, ...] = ("systems", "architecture", "data", "ml", "mlsys", "other")
COMMUNITY_NAMES: dict[str, str] = {"systems": "Systems", "architecture": "Architecture", "data": "Data", "ml": "ML",
                                   "mlsys": "MLSys", "other": "Other"}
RELATIONSHIPS: tuple[str, ...] = q.REL_TYPES


def node_label(node_id: str) -> str | None:
    """The label a node id belongs to, or None for an id of unknown shape."""
    prefix = (node_id or "").split(":", 1)[0]
    return ID_PREFIX_LABEL.get(prefix) if ":" in (node_id or "") else None


def community_name(community: str | None) -> str:
    return COMMUNITY_NAMES.get(community or "other", "Other")


# ------------------------------------------------------------------ indexes and lists
def author_index_rows(store: GraphStore) -> list[Row]:
    return store.read(q.EXPLORE_AUTHOR_INDEX)


def institution_index_rows(store: GraphStore) -> list[Row]:
    return store.read(q.EXPLORE_INSTITUTION_INDEX)


def title_keys(store: GraphStore) -> list[str]:
    return [r["key"] for r in store.read(q.EXPLORE_PAPER_TITLE_KEYS) if r.get("key")]


def venues(store: GraphStore) -> list[Row]:
    return store.read(q.EXPLORE_VENUES)


def topics(store: GraphStore) -> list[Row]:
    return store.read(q.EXPLORE_TOPICS)


def top_authors(store: GraphStore, community: str, limit: int = 8) -> list[Row]:
    return store.read(q.EXPLORE_TOP_AUTHORS_BY_COMMUNITY, {"community": community, "limit": limit})


# ------------------------------------------------------------------ search
def search_papers(store: GraphStore, text: str, *, year_from: int | None = None, year_to: int | None = None,
                  venues: Sequence[str] | None = None, pillar: str | None = None,
                  include_abstracts: bool = False, limit: int = 200) -> list[Row]:
    """Papers whose title (or abstract) holds every word of the text, best matches first.

    An empty text with at least one facet browses the facet; an empty text alone returns
    nothing (45k papers are not a search result).
    """
    tokens = fold(text).split()
    if not tokens and not (venues or pillar or year_from or year_to):
        return []
    params = {"tokens": tokens, "abstracts": include_abstracts, "year_from": year_from, "year_to": year_to,
              "venues": list(venues) if venues else None, "pillar": pillar or None, "limit": max(limit * 3, 300)}
    rows = store.read(q.EXPLORE_SEARCH_PAPERS, params)
    phrase = " ".join(tokens)

    def rank(row: Row) -> tuple[int, int, str]:
        key = row.get("title_key") or ""
        tier = 0 if phrase and f" {phrase} " in f" {key} " else 1 if phrase and phrase in key else 2
        if tokens and not all(t in key for t in tokens):
            tier = 3  # matched through the abstract only
        return tier, -(row.get("year") or 0), key

    ranked = sorted(rows, key=rank)[:limit]
    for row in ranked:
        row.pop("title_key", None)
    return ranked


# ------------------------------------------------------------------ people
def papers_by_year(papers: Iterable[Row]) -> list[Row]:
    """Papers per (year, community): the bars of a profile's timeline."""
    counts = Counter((p.get("year"), p.get("community") or "other") for p in papers if p.get("year"))
    return [{"year": year, "community": community_name(c), "papers": n}
            for (year, c), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1]))]


def venue_mix(papers: Sequence[Row]) -> list[Row]:
    """How a person's papers split between systems, ML, MLSys and other venues, with shares."""
    total = len(papers)
    counts = Counter(p.get("community") or "other" for p in papers)
    venues_by_community: dict[str, Counter[str]] = defaultdict(Counter)
    for p in papers:
        venues_by_community[p.get("community") or "other"][p.get("venue") or "?"] += 1
    return [
        {"community": community_name(c), "papers": counts[c], "share": counts[c] / total if total else 0.0,
         "venues": ", ".join(f"{v} ({n})" for v, n in venues_by_community[c].most_common())}
        for c in COMMUNITIES if counts[c]
    ]


def pillar_mix(topic_rows: Iterable[Row]) -> list[Row]:
    """Papers per pillar/topic over a person's career, from `store.author_topics` rows."""
    totals: Counter[tuple[str, str]] = Counter()
    for row in topic_rows:
        totals[(row.get("label") or "?", row.get("kind") or "topic")] += int(row.get("papers") or 0)
    return [{"label": label, "kind": kind, "papers": n}
            for (label, kind), n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]


def institutions_over_time(rows: Iterable[Row]) -> list[Row]:
    """One row per institution with the years a person was affiliated, earliest first, and `printed`: how many of
    their papers print it (one is weak evidence: a source can print a paper's affiliations out of order)."""
    years: dict[str, set[int]] = defaultdict(set)
    printed: Counter[str] = Counter()
    info: dict[str, Row] = {}
    for row in rows:
        info.setdefault(row["id"], row)
        printed[row["id"]] += int(row.get("papers") or 0)
        if row.get("year") is not None:
            years[row["id"]].add(int(row["year"]))
    out = []
    for inst_id, row in info.items():
        ys = sorted(years.get(inst_id, ()))
        out.append({"id": inst_id, "name": row.get("name"), "country": row.get("country"),
                    "first_year": ys[0] if ys else None, "last_year": ys[-1] if ys else None,
                    "years": ", ".join(map(str, ys)), "printed": printed[inst_id]})
    return sorted(out, key=lambda r: (r["first_year"] or 0, r["last_year"] or 0, r["name"] or ""))


# ------------------------------------------------------------------ graphs the pages draw
@dataclass
class GraphView:
    """Nodes and edges of a small subgraph, ready to lay out, draw or export."""

    nodes: dict[str, Row] = field(default_factory=dict)  # id -> {id, kind, name, weight, ...}
    edges: dict[tuple[str, str, str], Row] = field(default_factory=dict)  # (source, target, rel) -> {...}

    def add_node(self, node_id: str, kind: str, name: str, **attrs: Any) -> None:
        node = self.nodes.setdefault(node_id, {"id": node_id, "kind": kind, "name": name or node_id, "weight": 0})
        for key, value in attrs.items():
            if value is not None:
                node[key] = value

    def add_edge(self, source: str, target: str, rel: str, **attrs: Any) -> None:
        key = (source, target, rel)
        edge = self.edges.setdefault(key, {"source": source, "target": target, "rel": rel, "weight": 0})
        edge["weight"] = edge["weight"] + int(attrs.pop("weight", 1) or 1)
        for name, value in attrs.items():
            if value is not None:
                edge[name] = value

    def drop_nodes(self, keep: Iterable[str]) -> None:
        keep_set = set(keep)
        self.nodes = {k: v for k, v in self.nodes.items() if k in keep_set}
        self.edges = {k: e for k, e in self.edges.items() if k[0] in keep_set and k[1] in keep_set}


def ego_network(store: GraphStore, author_id: str, limit: int = 30) -> GraphView:
    """A person, their strongest co-authors, and which of those co-authors wrote together."""
    view = GraphView()
    person = store.author(author_id)
    if person is None:
        return view
    view.add_node(author_id, "Author", person.get("name", author_id), weight=person.get("paper_count", 0), ego=True)
    rows = store.ego_network(author_id, limit)
    members = {r["id"] for r in rows}
    for row in rows:
        view.add_node(row["id"], "Author", row["name"], weight=row["weight"])
        view.add_edge(author_id, row["id"], "CO_AUTHOR", weight=row["weight"])
    for row in rows:
        for other in row.get("neighbours") or []:
            if other in members and row["id"] < other:
                view.add_edge(row["id"], other, "CO_AUTHOR")
    return view


def neighbourhood(store: GraphStore, node_id: str, *, types: Sequence[str] | None = None,
                  year_from: int | None = None, year_to: int | None = None, limit: int = 25) -> list[Row]:
    """Neighbours of any node (one hop, every relationship type unless filtered)."""
    label = node_label(node_id)
    if label is None:
        return []
    params = {"id": node_id, "types": list(types) if types else None, "year_from": year_from, "year_to": year_to,
              "limit": limit * 4}  # AFFILIATED_WITH repeats per year: fetch more, keep `limit` distinct
    seen: dict[tuple[str, str], Row] = {}
    for row in store.read(q.EXPLORE_NEIGHBOURS[label], params):
        key = (row["id"], row["rel"])
        if key in seen:
            previous = seen[key]
            previous["years"] = sorted({*previous["years"], *([row["year"]] if row.get("year") else [])})
            continue
        row["years"] = [row["year"]] if row.get("year") else []
        seen[key] = row
        if len(seen) >= limit:
            break
    return list(seen.values())


def paper_topics_by_id(store: GraphStore, ids: Iterable[str]) -> dict[str, list[str]]:
    ids = list(ids)
    if not ids:
        return {}
    return {r["id"]: list(r["topics"]) for r in store.read(q.EXPLORE_PAPER_TOPICS_BY_ID, {"ids": ids})}


def paper_author_lists(store: GraphStore, ids: Iterable[str]) -> dict[str, list[str]]:
    """Author names of each paper in printed order (for BibTeX and tables)."""
    ids = list(ids)
    if not ids:
        return {}
    out: dict[str, list[str]] = {}
    for row in store.read(q.EXPLORE_PAPER_AUTHOR_LISTS, {"ids": ids}):
        authors = sorted(row["authors"], key=lambda a: (a.get("position") is None, a.get("position") or 0))
        out[row["id"]] = [a["name"] for a in authors]
    return out


def paper_citations(store: GraphStore, paper_id: str, limit: int = 50) -> tuple[list[Row], list[Row]]:
    """(papers this one cites, papers citing it) among the papers in the graph."""
    params = {"id": paper_id, "limit": limit}
    return store.read(q.EXPLORE_PAPER_CITES, params), store.read(q.EXPLORE_PAPER_CITED_BY, params)


# ------------------------------------------------------------------ institutions
def institution(store: GraphStore, inst_id: str) -> Row | None:
    rows = store.read(q.EXPLORE_GET_INSTITUTION, {"id": inst_id})
    if not rows and (current := store.current_id(inst_id)) not in (None, inst_id):
        rows = store.read(q.EXPLORE_GET_INSTITUTION, {"id": current})  # an id of an earlier id scheme
    return rows[0]["props"] if rows else None


def institution_units(store: GraphStore, inst_id: str) -> list[Row]:
    """The units of an organisation (FAIR of Meta, DeepMind of Google): {id, name}, by name."""
    return store.read(q.EXPLORE_INSTITUTION_UNITS, {"id": inst_id})


def institution_authors(store: GraphStore, inst_id: str, limit: int = 200) -> list[Row]:
    """The people of the institution and its units: an organisation's page counts what the analytics credit to
    it, and they count a unit's papers and people at its organisation."""
    return store.read(q.EXPLORE_INSTITUTION_AUTHORS, {"id": inst_id, "limit": limit})


def institution_papers_by_year(store: GraphStore, inst_id: str) -> list[Row]:
    rows = store.read(q.EXPLORE_INSTITUTION_PAPERS_BY_YEAR, {"id": inst_id})
    return [{**r, "community": community_name(r.get("community"))} for r in rows if r.get("year")]


def affiliation_coverage(store: GraphStore) -> dict[int, float]:
    """year -> share of that year's papers (all venues) with an affiliation printed and resolved.

    Why: the sources print affiliations for some years and not others (none of the snapshot's 2020 ML papers
    have one), so a short bar on an institution's chart can be missing data rather than fewer papers.
    """
    return {int(r["year"]): int(r["printed"] or 0) / int(r["papers"])
            for r in store.read(q.AFFILIATION_COVERAGE_BY_YEAR) if r.get("papers")}


# ------------------------------------------------------------------ provenance
def node_provenance(store: GraphStore, node_id: str) -> Row | None:
    """A node's own properties (with `sources`, `retrieved_at`) and where its relationships came from."""
    label = node_label(node_id)
    if label is None:
        return None
    node = store.node(node_id)
    if node is None:
        return None
    relationships = store.read(q.EXPLORE_RELATIONSHIP_PROVENANCE[label], {"id": node_id})
    return {"label": label, "props": node["props"], "relationships": relationships}


# ------------------------------------------------------------------ links
SAFE_SCHEMES = ("http", "https")


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s), else None: data must never smuggle a javascript: link."""
    if not url or not isinstance(url, str):
        return None
    parsed = urlparse(url.strip())
    return url.strip() if parsed.scheme.lower() in SAFE_SCHEMES and parsed.netloc else None


def paper_links(paper: Row) -> list[tuple[str, str]]:
    """(label, URL) for every external page of a paper we can build from its ids."""
    links: list[tuple[str, str]] = []
    if url := safe_url(paper.get("url")):
        links.append(("Publisher / source page", url))
    builders = (
        ("doi", "DOI", "https://doi.org/{}"),
        ("arxiv_id", "arXiv", "https://arxiv.org/abs/{}"),
        ("openreview_id", "OpenReview", "https://openreview.net/forum?id={}"),
        ("s2_id", "Semantic Scholar", "https://www.semanticscholar.org/paper/{}"),
        ("openalex_id", "OpenAlex", "https://openalex.org/{}"),
        ("dblp_key", "DBLP", "https://dblp.org/rec/{}"),
    )
    for field_name, label, template in builders:
        value = paper.get(field_name)
        if value:
            links.append((label, template.format(quote(str(value), safe="/.~_-"))))
    seen: set[str] = set()
    return [(label, url) for label, url in links if not (url in seen or seen.add(url))]


def author_links(author: Row) -> list[tuple[str, str]]:
    builders = (
        ("openreview_id", "OpenReview", "https://openreview.net/profile?id={}"),
        ("s2_id", "Semantic Scholar", "https://www.semanticscholar.org/author/{}"),
        ("orcid", "ORCID", "https://orcid.org/{}"),
        ("dblp_pid", "DBLP", "https://dblp.org/pid/{}"),
        ("openalex_id", "OpenAlex", "https://openalex.org/{}"),
    )
    return [(label, template.format(quote(str(author[key]), safe="/.~_-")))
            for key, label, template in builders if author.get(key)]
