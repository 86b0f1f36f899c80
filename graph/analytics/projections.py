"""Projections: the store's papers, topics and affiliations as networkx graphs and tallies.

Every analysis needs the same few views of the graph (who wrote what with whom, which
topics and venues a person publishes in, where they were affiliated), so they are read
from the store once per store *contents* (`GraphData`, keyed by a cheap fingerprint
query) and narrowed to a year range in Python (`Projection`, cached per range). That
keeps interactive questions (paths, suggestions, profiles) to networkx work only.

Deterministic by construction: papers are processed in id order and author lists
sorted, so the co-author graph - and everything seeded on it, like Louvain - is the
same on every build of the same data.
"""

from __future__ import annotations

import functools
import pickle
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import networkx as nx

from graph import queries as q
from graph.credit import credited_institutions
from graph.gc_pause import gc_paused
from graph.records import pickled_by_fields
from graph.store import GraphStore, Row
from graph.venues import COMMUNITY_ORDER, KNOWN_VENUES, side_of, venue_info

# A joint paper's weight in the recency-weighted tie strength halves every HALF_LIFE_YEARS.
HALF_LIFE_YEARS = 3.0
# A suggested collaborator's activity weight halves for every ACTIVITY_HALF_LIFE_YEARS without a paper.
ACTIVITY_HALF_LIFE_YEARS = 2.0
# Papers with more authors than this add no co-author edges: a 300-author consortium paper
# says little about who works with whom, and its clique would dominate the graph.
MAX_AUTHORS_FOR_EDGES = 100
# Venue communities as stored on Venue nodes (graph.venues), in display order.
COMMUNITIES: tuple[str, ...] = COMMUNITY_ORDER
# The systems-ML axis: systems, architecture and data venues are the systems side.
SIDES: tuple[str, ...] = ("systems", "ml", "mlsys", "other")

T = TypeVar("T")
# The all-years projection's derived views that the build cache saves (graph/analytics/build_cache.py), so a
# fresh process (a CLI command, the server's preload) unpickles them in ~1 s instead of computing them (~5 s on
# the full snapshot: the co-author graph alone is 1.7 s). "name_index" is graph.analytics.people's index parts.
SAVED_VIEWS: tuple[str, ...] = ("author_papers", "graph", "topic_kinds", "author_topics", "author_venues",
                                "author_communities", "author_sides", "author_last_year", "systems_lean",
                                "author_institutions", "institution_members", "institution_info")
MISSING = object()


def saved_view(func: Callable[[Any], T]) -> cached_property[T]:
    """A cached property that a projection loaded from the build cache restores instead of computing.

    Same value either way: the saved one was computed by this same function on the same data (the
    file is keyed by the build and the store's counts), so answers never depend on where it came from.
    """
    @functools.wraps(func)
    def restore_or_compute(self: Projection) -> T:
        value = self.restore(func.__name__)
        return func(self) if value is MISSING else value

    return cached_property(restore_or_compute)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class PaperRecord:
    id: str
    title: str
    year: int | None
    venue: str
    community: str  # the venue's primary community
    authors: tuple[str, ...]
    side: str = ""  # systems | ml | mlsys | other: where the community sits on the systems-ML axis
    kind: str = "conference"  # the venue's kind: a workshop item is never counted as the conference
    communities: tuple[str, ...] = ()  # primary first, then the venue's further communities (ASPLOS)
    # (author, institution) of each authorship whose printed affiliation resolved to an institution
    listed: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, id: str, title: str, year: int | None, venue: str, community: str,
           authors: tuple[str, ...], listed: tuple[tuple[str, str], ...] = ()) -> PaperRecord:
        """A record whose side, kind and communities follow from the venue table (graph.venues)."""
        if venue in KNOWN_VENUES:
            info = venue_info(venue)
            kind, communities = info.kind, (community, *[c for c in info.also if c != community])
        else:
            kind, communities = "conference", (community,)
        return cls(id, title, year, venue, community, authors, side_of(community), kind, communities, listed)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Affiliation:
    author: str
    institution: str
    name: str
    country: str | None
    year: int | None
    type: str | None = None  # the organisation's type (education, company, ...): its sector (graph.analytics.sectors)
    main: bool = True  # printed on the most of the author's papers that year (graph.loader.main_organisations): imputed


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class AuthorRecord:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    external_ids: tuple[tuple[str, str], ...] = ()  # (kind, value): orcid, dblp_pid, ..., id_alias (an old id)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TopicTag:
    label: str
    kind: str
    score: float


@dataclass
class GraphData:
    """Everything the analytics read from one store, independent of any year range."""

    papers: list[PaperRecord]
    paper_topics: dict[str, tuple[TopicTag, ...]]
    affiliations: list[Affiliation]
    authors: dict[str, AuthorRecord]
    fingerprint: tuple[Any, ...] = ()
    taxonomy: dict[str, str] = field(default_factory=dict)  # every Topic node's label -> kind, tagged or not
    topic_names: dict[str, str] = field(default_factory=dict)  # label -> the name people read ("llm": "Large ...")

    @classmethod
    def from_rows(cls, paper_rows: Iterable[Row], topic_rows: Iterable[Row] = (),
                  institution_rows: Iterable[Row] = (), author_rows: Iterable[Row] = (),
                  fingerprint: tuple[Any, ...] = (), topic_nodes: Iterable[Row] = (),
                  parents: Mapping[str, str] | None = None) -> GraphData:
        """Build from rows shaped like the store's projection queries (also used for synthetic data).

        `parents`: unit -> organisation (q.INSTITUTION_PARENTS), so an authorship's printed unit is credited to
        the organisation, as the affiliation rows are."""
        org = parents or {}
        papers = sorted(
            (PaperRecord.of(r["paper"], r.get("title") or "", r.get("year"), r.get("venue") or "",
                            r.get("community") or "other", tuple(sorted(set(r.get("authors") or ()))),
                            tuple(sorted({(str(a), org.get(i, i)) for a, i in r.get("listed") or ()})))
             for r in paper_rows),
            key=lambda p: p.id,
        )
        topics: dict[str, list[TopicTag]] = defaultdict(list)
        for r in topic_rows:
            topics[r["paper"]].append(TopicTag(r["label"], r.get("kind") or "topic", float(r.get("score") or 0.0)))
        affiliations = sorted(
            (Affiliation(r["author"], r["institution"], r.get("name") or r["institution"], r.get("country"),
                         r.get("year"), r.get("type"), r.get("main") is not False) for r in institution_rows),
            key=lambda a: (a.author, a.year or 0, a.institution),
        )
        authors: dict[str, AuthorRecord] = {}
        for r in author_rows:
            ids = tuple((k, str(r[k])) for k in ("orcid", "dblp_pid", "openreview_id", "s2_id", "openalex_id")
                        if r.get(k))
            ids += tuple(("id_alias", str(alias)) for alias in r.get("id_aliases") or ())  # ids of id scheme 1
            authors[r["id"]] = AuthorRecord(r["id"], r.get("name") or r["id"], tuple(r.get("aliases") or ()), ids)
        for paper in papers:  # authors the author rows missed still get a record
            for author in paper.authors:
                if author not in authors:
                    authors[author] = AuthorRecord(author, author)
        topic_nodes = list(topic_nodes)
        return cls(papers, {p: tuple(sorted(t, key=lambda x: x.label)) for p, t in topics.items()},
                   affiliations, authors, fingerprint, {r["label"]: r.get("kind") or "topic" for r in topic_nodes},
                   {r["label"]: r["name"] for r in topic_nodes if r.get("name")})


def store_key(store: GraphStore) -> tuple[Any, ...]:
    """Which graph a store handle points at: two handles on the same data share one cache entry."""
    server = getattr(store, "server", None)
    location = str(getattr(server, "data_dir", "")) or str(getattr(store, "uri", "")) or str(id(store))
    return (store.backend, location, getattr(store, "graph_name", ""))


# Node and relationship counts the databases answer from their statistics (well under a
# millisecond each, at any size): a rebuild, an ingest or a re-tagging changes at least one.
FINGERPRINT_LABELS = ("Paper", "Author", "Topic", "Institution")
FINGERPRINT_RELS = ("AUTHORED", "HAS_TOPIC", "AFFILIATED_WITH")


def fingerprint(store: GraphStore) -> tuple[Any, ...]:
    """Cheap summary of the store's contents, checked on every `projection` call to invalidate the cache."""
    counts = [store.read(q.COUNT_LABEL[label]) for label in FINGERPRINT_LABELS]
    counts += [store.read(q.COUNT_REL[rel]) for rel in FINGERPRINT_RELS]
    return tuple(next(iter(rows[0].values())) if rows else None for rows in counts)


def read_graph_data(store: GraphStore) -> GraphData:
    """Read the four projection row sets from the store (a few seconds on the full snapshot)."""
    return GraphData.from_rows(store.read(q.ANALYTICS_PAPER_ROWS), store.paper_topic_rows(),
                               store.author_institution_rows(), store.read(q.ANALYTICS_AUTHOR_ROWS),
                               fingerprint(store), store.read(q.ANALYTICS_TOPIC_NODES),
                               {r["unit"]: r["org"] for r in store.read(q.INSTITUTION_PARENTS)})


def recency(year: int | None, ref_year: int | None, half_life: float = HALF_LIFE_YEARS) -> float:
    """Weight in (0, 1]: 1 for work in the reference year, halving every `half_life` years before it."""
    if year is None or ref_year is None:
        return 0.5
    return 0.5 ** (max(0, ref_year - year) / half_life)


class Projection:
    """The data of one year range as a co-author graph plus per-author and per-institution tallies.

    Heavy derived views (typed graph for institution hops, Louvain partitions, background
    classes) are computed on first use and memoised on the projection, so a cached
    projection answers interactive questions with networkx work only.
    """

    def __init__(self, data: GraphData, year_from: int | None = None, year_to: int | None = None, *,
                 saved_views: bytes | dict[str, Any] | None = None) -> None:
        """`saved_views`: the pickled SAVED_VIEWS of this same data and range (the build cache's), unpickled
        on the first use of any of them; the co-author graph and every tally are otherwise computed on first
        use, so a question that needs none of them (a saved Louvain answer) never pays for them."""
        self.data = data
        self.year_from, self.year_to = year_from, year_to
        self.papers: dict[str, PaperRecord] = {p.id: p for p in data.papers if self._in_range(p.year)}
        years = [p.year for p in self.papers.values() if p.year is not None]
        self.ref_year: int | None = max(years) if years else None
        self.first_year: int | None = min(years) if years else None
        self._memo: dict[Any, Any] = {}
        self._lock = threading.RLock()  # re-entrant: one derived view may build on another
        self._saved_blob = saved_views if isinstance(saved_views, bytes) else None
        self._saved: dict[str, Any] | None = saved_views if isinstance(saved_views, dict) else None
        self.has_saved_views = saved_views is not None

    def restore(self, name: str) -> Any:
        """The saved value of a view (unpickling every saved view at the first call), or MISSING."""
        if self._saved_blob is None and self._saved is None:
            return MISSING
        with self._lock:
            if self._saved is None:
                with gc_paused():  # millions of small acyclic objects: the collector's scans would double it
                    self._saved = pickle.loads(self._saved_blob)  # noqa: S301 - the build cache's own file
                self._saved_blob = None
            return self._saved.pop(name, MISSING)

    def views_to_save(self) -> bytes:
        """SAVED_VIEWS of this projection, pickled together for the build cache (computing what is missing)."""
        from graph.analytics.people import name_index

        views = {name: getattr(self, name) for name in SAVED_VIEWS}
        views["name_index"] = name_index(self).parts()
        return pickle.dumps(views, protocol=pickle.HIGHEST_PROTOCOL)

    @saved_view
    def author_papers(self) -> dict[str, list[str]]:
        """author -> ids of their papers in range, oldest first."""
        author_papers: dict[str, list[str]] = defaultdict(list)
        for paper in self.papers.values():
            for author in paper.authors:
                author_papers[author].append(paper.id)
        for ids in author_papers.values():
            ids.sort(key=lambda pid: (self.papers[pid].year or 0, pid))
        return dict(author_papers)

    @saved_view
    def graph(self) -> nx.Graph:
        """The co-author graph (see _coauthor_graph)."""
        return self._coauthor_graph()

    def _in_range(self, year: int | None) -> bool:
        if year is None:
            return self.year_from is None and self.year_to is None
        return (self.year_from is None or year >= self.year_from) and (self.year_to is None or year <= self.year_to)

    def _coauthor_graph(self) -> nx.Graph:
        """Undirected, one node per author with a paper in range; edge data: weight (joint papers),
        last (latest joint year), strength (joint papers weighted by recency).

        Memory: most links rest on a single paper, so all single-paper links of one year share
        one read-only data dict (a link gets its own dict at its second joint paper). That
        halves the graph's footprint at a million papers; nothing may write to edge data.
        """
        graph = nx.Graph()
        graph.add_nodes_from(sorted(self.author_papers))
        adj = graph._adj  # direct adjacency writes: 3x faster than add_edge for millions of pairs
        single: dict[int, dict[str, Any]] = {}
        for paper in self.papers.values():
            authors = paper.authors
            if len(authors) < 2 or len(authors) > MAX_AUTHORS_FOR_EDGES:
                continue
            rec = recency(paper.year, self.ref_year)
            year = paper.year or 0
            shared = single.get(year)
            if shared is None:
                shared = single[year] = {"weight": 1, "last": year, "strength": rec}
            for i, u in enumerate(authors):
                adj_u = adj[u]
                for v in authors[i + 1:]:
                    edge = adj_u.get(v)
                    if edge is None:
                        adj_u[v] = adj[v][u] = shared
                        continue
                    if edge["weight"] == 1:  # second joint paper: the link gets data of its own
                        edge = adj_u[v] = adj[v][u] = dict(edge)
                    edge["weight"] += 1
                    edge["strength"] += rec
                    if year > edge["last"]:
                        edge["last"] = year
        return graph

    # ------------------------------------------------------------ lookups
    def name(self, author: str) -> str:
        record = self.data.authors.get(author)
        return record.name if record else author

    def topic_name(self, label: str) -> str:
        """The Topic node's name ("Large language models" for `llm`); the label, spaced, if it has none."""
        return self.data.topic_names.get(label) or label.replace("_", " ")

    def known(self, author: str) -> bool:
        """Whether the store knows the person at all (in any year)."""
        return author in self.data.authors

    def joint_papers(self, u: str, v: str) -> list[PaperRecord]:
        """Papers both wrote, newest first (the evidence behind a co-author edge)."""
        mine = self.author_papers.get(u, [])
        theirs = set(self.author_papers.get(v, []))
        papers = [self.papers[pid] for pid in mine if pid in theirs]
        return sorted(papers, key=lambda p: (-(p.year or 0), p.id))

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """Compute a derived view once per projection (thread-safe for Streamlit's threads)."""
        if key in self._memo:
            return self._memo[key]
        with self._lock:
            if key not in self._memo:
                self._memo[key] = compute()
        return self._memo[key]

    # ------------------------------------------------------------ per-author tallies
    @saved_view
    def topic_kinds(self) -> dict[str, str]:
        """label -> "pillar" | "topic" for the taxonomy's Topic nodes and every label found on a paper."""
        return {**self.data.taxonomy, **{t.label: t.kind for tags in self.data.paper_topics.values() for t in tags}}

    @saved_view
    def author_topics(self) -> dict[str, Counter[str]]:
        """Papers per topic label (pillars and finer topics alike) for every author."""
        result: dict[str, Counter[str]] = {}
        for author, pids in self.author_papers.items():
            counts: Counter[str] = Counter()
            for pid in pids:
                for tag in self.data.paper_topics.get(pid, ()):
                    counts[tag.label] += 1
            if counts:
                result[author] = counts
        return result

    @saved_view
    def author_venues(self) -> dict[str, Counter[str]]:
        """Papers per venue for every author (identical tallies are one shared, read-only Counter)."""
        return self._interned_tallies(lambda pid: self.papers[pid].venue)

    @saved_view
    def author_communities(self) -> dict[str, Counter[str]]:
        """Papers per venue community for every author (shared, read-only Counters as above)."""
        return self._interned_tallies(lambda pid: self.papers[pid].community)

    @saved_view
    def author_sides(self) -> dict[str, Counter[str]]:
        """Papers per side of the systems-ML axis (systems | ml | mlsys | other) for every author."""
        return self._interned_tallies(lambda pid: self.papers[pid].side)

    def _interned_tallies(self, key: Callable[[str], str]) -> dict[str, Counter[str]]:
        # Most people have one or two papers, so a million authors share a few thousand distinct tallies.
        shared: dict[tuple[tuple[str, int], ...], Counter[str]] = {}
        result: dict[str, Counter[str]] = {}
        for author, pids in self.author_papers.items():
            counts = Counter(key(pid) for pid in pids)
            frozen = tuple(sorted(counts.items()))
            result[author] = shared.setdefault(frozen, counts)
        return result

    @cached_property
    def recency_table(self) -> defaultdict[int | None, float]:
        """recency(year) for every year of the range, looked up in the hot loops instead of recomputed."""
        table: defaultdict[int | None, float] = defaultdict(lambda: recency(None, self.ref_year))
        for year in range((self.first_year or 0) - 1, (self.ref_year or 0) + 1):
            table[year] = recency(year, self.ref_year)
        table[0] = recency(None, self.ref_year)
        return table

    @cached_property
    def activity_table(self) -> defaultdict[int | None, float]:
        """Candidate activity by last publication year: halves every two years before the reference year."""
        half_life = ACTIVITY_HALF_LIFE_YEARS
        table: defaultdict[int | None, float] = defaultdict(lambda: recency(None, self.ref_year, half_life))
        for year in range((self.first_year or 0) - 1, (self.ref_year or 0) + 1):
            table[year] = recency(year, self.ref_year, half_life)
        return table

    @saved_view
    def author_last_year(self) -> dict[str, int]:
        return {a: max((self.papers[pid].year or 0) for pid in pids) for a, pids in self.author_papers.items()}

    @saved_view
    def systems_lean(self) -> dict[str, float]:
        """Share of an author's systems+ML work that is systems-side (MLSys papers count half to each side).

        Systems side = systems, architecture and data venues (graph.venues.SYSTEMS_SIDE).
        1.0 = only systems-side venues, 0.0 = only ML venues; authors with neither are absent.
        """
        lean: dict[str, float] = {}
        for author, counts in self.author_sides.items():
            sys_w = counts.get("systems", 0) + 0.5 * counts.get("mlsys", 0)
            ml_w = counts.get("ml", 0) + 0.5 * counts.get("mlsys", 0)
            if sys_w + ml_w > 0:
                lean[author] = sys_w / (sys_w + ml_w)
        return lean

    # ------------------------------------------------------------ institutions
    @cached_property
    def affiliations(self) -> list[Affiliation]:
        return [a for a in self.data.affiliations if self._in_range(a.year) and a.author in self.author_papers]

    @saved_view
    def author_institutions(self) -> dict[str, dict[int | None, set[str]]]:
        """author -> year -> institution ids (AFFILIATED_WITH is recorded per author and year)."""
        result: dict[str, dict[int | None, set[str]]] = defaultdict(lambda: defaultdict(set))
        for a in self.affiliations:
            result[a.author][a.year].add(a.institution)
        return {k: dict(v) for k, v in result.items()}

    @cached_property
    def author_main_institutions(self) -> dict[tuple[str, int | None], set[str]]:
        """(author, year) -> the institutions the author printed on the most papers that year (`Affiliation.main`):
        what a paper on which the author printed nothing is credited to."""
        result: dict[tuple[str, int | None], set[str]] = defaultdict(set)
        for a in self.affiliations:
            if a.main:
                result[(a.author, a.year)].add(a.institution)
        return dict(result)

    @saved_view
    def institution_members(self) -> dict[tuple[str, int | None], set[str]]:
        """(institution, year) -> authors affiliated there that year."""
        result: dict[tuple[str, int | None], set[str]] = defaultdict(set)
        for a in self.affiliations:
            result[(a.institution, a.year)].add(a.author)
        return dict(result)

    @saved_view
    def institution_info(self) -> dict[str, tuple[str, str | None]]:
        """institution id -> (name, country)."""
        return {a.institution: (a.name, a.country) for a in self.data.affiliations}

    def institution_types(self) -> dict[str, str]:
        """institution id -> the organisation's type (education, company, facility, ...), where the graph has one."""
        return self.memo(("institution_types",),
                         lambda: {a.institution: a.type for a in self.data.affiliations if a.type})

    def paper_institutions(self, paper: PaperRecord) -> set[str]:
        """Institutions credited with a paper: the ones its authors printed on it; for an author who printed none
        we could resolve, the ones the author printed most in the paper's year (`author_main_institutions`).

        Why not every author's affiliations of the year: an author printing Google on one paper and Berkeley on
        another credited both papers to both, and one source record whose affiliations are out of order (a
        co-author's university printed against a prolific author's name) credited all of that author's papers
        of the year to that university.
        """
        main = self.author_main_institutions
        return credited_institutions(paper.authors, paper.year, paper.listed,
                                     lambda author: main.get((author, paper.year), set()))

    # ------------------------------------------------------------ bipartite views
    def bipartite(self, kind: str = "topic") -> nx.Graph:
        """Author-topic or author-venue bipartite graph (edge weight = papers), for custom analyses."""
        if kind not in {"topic", "venue"}:
            raise ValueError("kind must be 'topic' or 'venue'")

        def build() -> nx.Graph:
            tallies = self.author_topics if kind == "topic" else self.author_venues
            graph = nx.Graph()
            for author, counts in tallies.items():
                graph.add_node(author, bipartite=0)
                for label, n in counts.items():
                    graph.add_node((kind, label), bipartite=1)
                    graph.add_edge(author, (kind, label), weight=n)
            return graph

        return self.memo(("bipartite", kind), build)

    def describe(self) -> str:
        span = f"{self.first_year}-{self.ref_year}" if self.ref_year else "no dated papers"
        return (f"{len(self.papers):,} papers, {self.graph.number_of_nodes():,} authors, "
                f"{self.graph.number_of_edges():,} co-author links ({span})")


# ---------------------------------------------------------------- cache
@dataclass
class _Cache:
    data: OrderedDict[tuple[Any, ...], GraphData] = field(default_factory=OrderedDict)
    projections: OrderedDict[tuple[Any, ...], Projection] = field(default_factory=OrderedDict)
    warm: dict[int, dict[Any, Any]] = field(default_factory=dict)  # id(GraphData) -> memo entries from disk
    views: dict[int, bytes | dict[str, Any]] = field(default_factory=dict)  # id(GraphData) -> SAVED_VIEWS read
    lock: threading.Lock = field(default_factory=threading.Lock)


_CACHE = _Cache()
MAX_CACHED_DATA = 2
MAX_CACHED_PROJECTIONS = 8


def projection(store: GraphStore, year_from: int | None = None, year_to: int | None = None, *,
               refresh: bool = False) -> Projection:
    """The cached projection of `store` for a year range (None = open-ended).

    A few count queries per call (`fingerprint`) detect a rebuilt store; otherwise no
    store work happens after the first call for that store.
    """
    key = store_key(store)
    stamp = fingerprint(store)
    with _CACHE.lock:
        data = _CACHE.data.get(key)
        if refresh or data is None or data.fingerprint != stamp:
            from graph.analytics import build_cache  # the disk copy of this build's rows and slow views

            saved = None if refresh else build_cache.load(store, stamp)
            data = saved[0] if saved else read_graph_data(store)
            _CACHE.warm[id(data)] = saved[1] if saved else {}
            views = build_cache.load_views(store, stamp) if saved else None
            if views is not None:
                _CACHE.views[id(data)] = views
            _CACHE.data[key] = data
            _CACHE.projections = OrderedDict((k, v) for k, v in _CACHE.projections.items() if k[0] != key)
            while len(_CACHE.data) > MAX_CACHED_DATA:
                _CACHE.data.popitem(last=False)
            live = {id(d) for d in _CACHE.data.values()}
            _CACHE.warm = {k: v for k, v in _CACHE.warm.items() if k in live}
            _CACHE.views = {k: v for k, v in _CACHE.views.items() if k in live}
        proj_key = (key, year_from, year_to)
        proj = _CACHE.projections.get(proj_key)
        if proj is None or proj.data is not data:
            all_years = year_from is None and year_to is None  # the saved views are the all-years projection's
            # handed over, not kept: the projection drops the bytes once it has unpickled them
            proj = Projection(data, year_from, year_to, saved_views=_CACHE.views.pop(id(data), None) if all_years
                              else None)
            if all_years:
                proj._memo.update(_CACHE.warm.get(id(data), {}))
            _CACHE.projections[proj_key] = proj
            while len(_CACHE.projections) > MAX_CACHED_PROJECTIONS:
                _CACHE.projections.popitem(last=False)
        _CACHE.projections.move_to_end(proj_key)
        return proj


def clear_cache() -> None:
    """Forget every cached projection (tests, or after a rebuild the fingerprint could not see)."""
    with _CACHE.lock:
        _CACHE.data.clear()
        _CACHE.projections.clear()
        _CACHE.warm.clear()
        _CACHE.views.clear()
