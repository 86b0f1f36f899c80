"""How am I connected to X: the shortest collaboration paths between two people, with evidence.

Paths come from Yen's k-shortest simple paths (networkx) on the co-author graph. With
`via_institutions`, a second kind of hop joins two people affiliated with the same
institution in the same year. Those hops go through an (institution, year) node - never
a clique per institution (Google has hundreds of authors a year) - so the search sees
an institution hop as two steps, and paths are then ranked by cost: 1 per co-authorship,
1.1 per shared institution, so a joint paper (stronger evidence than a shared employer)
wins a tie. The k shown are the best of the first 2k+1 paths in search order; searching
unweighted and re-ranking is ~100x faster than a weighted Yen's, whose every spur search
is a Dijkstra through those big institution nodes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx

from graph.analytics.projections import Projection

INSTITUTION_HOP_COST = 1.1  # a shared institution-year costs a little more than a co-authorship (1.0)
MAX_EVIDENCE_PAPERS = 5
MAX_CANDIDATES = 30  # paths examined before ranking: bounds the work in dense neighbourhoods

Status = Literal["found", "same_person", "no_path", "unknown_person"]


@dataclass
class Hop:
    """One step of a path and why it exists."""

    source: str
    source_name: str
    target: str
    target_name: str
    kind: Literal["coauthor", "same_institution"]
    joint_papers: int = 0
    papers: list[dict[str, object]] = field(default_factory=list)  # newest first: id, title, year, venue
    years: list[int] = field(default_factory=list)
    venues: list[str] = field(default_factory=list)  # most frequent first
    institution: str | None = None
    institution_name: str | None = None
    year: int | None = None
    strength: float = 0.0  # joint papers weighted by recency (projections.HALF_LIFE_YEARS)

    @property
    def evidence(self) -> str:
        """One human line: '3 joint papers (2019-2023; OSDI, NSDI)' or 'both at Google in 2021'."""
        if self.kind == "same_institution":
            return f"both at {self.institution_name} in {self.year}"
        span = f"{self.years[0]}-{self.years[-1]}" if len(self.years) > 1 else (str(self.years[0]) if self.years
                                                                                 else "undated")
        noun = "joint paper" if self.joint_papers == 1 else "joint papers"
        return f"{self.joint_papers} {noun} ({span}; {', '.join(self.venues)})"


@dataclass
class ConnectionPath:
    authors: list[str]
    names: list[str]
    hops: list[Hop]

    @property
    def length(self) -> int:
        return len(self.hops)


@dataclass
class ConnectionResult:
    status: Status
    source: str
    target: str
    source_name: str
    target_name: str
    message: str
    paths: list[ConnectionPath] = field(default_factory=list)

    def rows(self) -> list[dict[str, object]]:
        """One row per hop (path number, step, people, kind, evidence, paper titles) for tables and CSV."""
        out: list[dict[str, object]] = []
        for number, path in enumerate(self.paths, start=1):
            for step, hop in enumerate(path.hops, start=1):
                out.append({
                    "path": number, "hops": path.length, "step": step, "from": hop.source_name, "to": hop.target_name,
                    "from_id": hop.source, "to_id": hop.target, "kind": hop.kind, "evidence": hop.evidence,
                    "papers": "; ".join(f"{p['title']} ({p['venue']} {p['year']})" for p in hop.papers),
                })
        return out


def _typed_graph(proj: Projection) -> nx.Graph:
    """Co-author edges plus author-(institution, year) edges: an institution hop is two steps."""
    def build() -> nx.Graph:
        graph = nx.Graph()
        graph.add_nodes_from(proj.graph.nodes)
        graph.add_edges_from(proj.graph.edges)
        for (institution, year), members in sorted(proj.institution_members.items(), key=lambda kv: (kv[0][0],
                                                                                                       kv[0][1] or 0)):
            if len(members) < 2 or year is None:
                continue
            node = ("institution", institution, year)
            graph.add_edges_from((author, node) for author in sorted(members))
        return graph

    return proj.memo("typed_graph", build)


def _coauthor_hop(proj: Projection, u: str, v: str, evidence_papers: int) -> Hop:
    papers = proj.joint_papers(u, v)
    years = sorted({p.year for p in papers if p.year is not None})
    venues = [venue for venue, _ in Counter(p.venue for p in papers).most_common()]
    shown = [{"id": p.id, "title": p.title, "year": p.year, "venue": p.venue} for p in papers[:evidence_papers]]
    strength = proj.graph[u][v]["strength"] if proj.graph.has_edge(u, v) else 0.0
    return Hop(u, proj.name(u), v, proj.name(v), "coauthor", len(papers), shown, years, venues, strength=strength)


def _to_path(proj: Projection, nodes: list[object], evidence_papers: int) -> ConnectionPath:
    authors: list[str] = [n for n in nodes if isinstance(n, str)]
    hops: list[Hop] = []
    i = 0
    while i < len(nodes) - 1:
        u, nxt = nodes[i], nodes[i + 1]
        assert isinstance(u, str)
        if isinstance(nxt, tuple):  # institution node: the hop ends at the author after it
            v = nodes[i + 2]
            assert isinstance(v, str)
            _, institution, year = nxt
            name = proj.institution_info.get(institution, (institution, None))[0]
            hops.append(Hop(u, proj.name(u), v, proj.name(v), "same_institution", institution=institution,
                            institution_name=name, year=year))
            i += 2
        else:
            assert isinstance(nxt, str)
            hops.append(_coauthor_hop(proj, u, nxt, evidence_papers))
            i += 1
    return ConnectionPath(authors, [proj.name(a) for a in authors], hops)


def path_cost(path: ConnectionPath) -> float:
    return sum(1.0 if h.kind == "coauthor" else INSTITUTION_HOP_COST for h in path.hops)


def _strength(path: ConnectionPath) -> tuple[float, int, int, float, tuple[str, ...]]:
    """Sort key among paths: lower cost (fewer hops, co-authorship over institutions), the strongest
    weakest link, more joint papers, more recent ones (then the ids, so ties break the same way every run)."""
    links = [h.joint_papers if h.kind == "coauthor" else 0 for h in path.hops]
    return (round(path_cost(path), 6), -min(links, default=0), -sum(links),
            -round(sum(h.strength for h in path.hops), 9), tuple(path.authors))


def connection_paths(proj: Projection, source: str, target: str, k: int = 3, *, via_institutions: bool = False,
                     max_extra_hops: int = 2, evidence_papers: int = MAX_EVIDENCE_PAPERS) -> ConnectionResult:
    """Up to `k` shortest collaboration paths from `source` to `target` (author ids), each hop with evidence.

    Alternatives are at most `max_extra_hops` longer than the shortest path; among paths
    of equal length the ones with the strongest weakest link, then the most (recent) joint
    papers, come first.
    """
    source_name, target_name = proj.name(source), proj.name(target)

    def result(status: Status, message: str, paths: list[ConnectionPath] | None = None) -> ConnectionResult:
        return ConnectionResult(status, source, target, source_name, target_name, message, paths or [])

    for person in (source, target):
        if not proj.known(person):
            return result("unknown_person", f"No person with id {person!r} in the graph.")
    if source == target:
        return result("same_person", f"{source_name} and {target_name} are the same person.")
    graph = _typed_graph(proj) if via_institutions else proj.graph
    span = f" in {proj.year_from or '…'}-{proj.year_to or '…'}" if proj.year_from or proj.year_to else ""
    for person, name in ((source, source_name), (target, target_name)):
        if person not in graph or graph.degree(person) == 0:
            others = "co-authors or institution colleagues" if via_institutions else "co-authors"
            return result("no_path", f"No path: {name} has no {others}{span} in the graph.")

    found: list[ConnectionPath] = []
    seen: set[tuple[str, ...]] = set()
    limit: float | None = None  # cost of the cheapest path + max_extra_hops
    try:
        for examined, nodes in enumerate(nx.shortest_simple_paths(graph, source, target), start=1):
            steps = len(nodes) - 1
            # Cheapest cost a path of this many steps can have (institution hops: 2 steps for 1.1).
            floor = steps * INSTITUTION_HOP_COST / 2 if via_institutions else float(steps)
            if limit is not None and floor > limit:
                break
            if len(found) >= 2 * k + 1:  # enough candidates to pick the k strongest
                break
            path = _to_path(proj, list(nodes), evidence_papers)
            cost = path_cost(path)
            limit = cost + max_extra_hops if limit is None else min(limit, cost + max_extra_hops)
            key = tuple(path.authors)
            if cost <= limit and key not in seen:  # same people via a paper or an institution: keep one
                seen.add(key)
                found.append(path)
            if examined >= MAX_CANDIDATES:
                break
    except nx.NetworkXNoPath:
        pass
    if not found:
        kinds = "co-authorship or shared institutions" if via_institutions else "co-authorship"
        return result("no_path", f"No path: {source_name} and {target_name} are not connected by {kinds}{span}.")
    found.sort(key=_strength)
    found = [p for p in found if limit is None or path_cost(p) <= limit][:k]
    hops = found[0].length
    message = (f"{source_name} and {target_name} are {hops} hop{'s' if hops != 1 else ''} apart; "
               f"{len(found)} path{'s' if len(found) != 1 else ''} shown.")
    return result("found", message, found)


def collaboration_distance(proj: Projection, source: str, target: str) -> int | None:
    """Hops between two people in the co-author graph, or None when unconnected (cheap: one BFS)."""
    try:
        return int(nx.shortest_path_length(proj.graph, source, target))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return None
