"""Communities: Louvain on the co-author graph, each labelled by its top topics and institutions.

Louvain runs in networkit's compiled code (graph/analytics/louvain.py), deterministic for a fixed seed
and node order; the projection builds the graph in sorted order, so the same data and seed give the
same partition on every run and machine. Communities are numbered by size (largest first,
ties by smallest member id) so ids are stable too. Singletons (solo authors) and tiny
groups are kept in the partition but left out of reports below `min_size`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from graph.analytics.louvain import louvain_groups
from graph.analytics.projections import Projection

DEFAULT_SEED = 42


@dataclass
class Community:
    id: int
    size: int
    label: str  # distinctive topics · top institutions · top venues, e.g. "hardware · Tsinghua University · NSDI"
    papers: int
    top_topics: list[tuple[str, float]] = field(default_factory=list)  # (label, share of the community's papers)
    top_institutions: list[tuple[str, int]] = field(default_factory=list)  # (name, members)
    top_venues: list[tuple[str, int]] = field(default_factory=list)  # (venue, papers)
    top_members: list[tuple[str, str, int]] = field(default_factory=list)  # (id, name, co-authors)
    systems_share: float = 0.0  # of the community's papers at systems / ML / MLSys venues
    ml_share: float = 0.0
    mlsys_share: float = 0.0


def partition(proj: Projection, *, seed: int = DEFAULT_SEED, resolution: float = 1.0) -> dict[str, int]:
    """author id -> community id (0 = largest), memoised per projection, seed and resolution."""
    def compute() -> dict[str, int]:
        groups = louvain_groups(proj.graph, seed=seed, resolution=resolution)
        ordered = sorted((sorted(g) for g in groups), key=lambda members: (-len(members), members[0]))
        return {author: i for i, members in enumerate(ordered) for author in members}

    return proj.memo(("louvain", seed, resolution), compute)


def _topic_shares(proj: Projection) -> dict[str, float]:
    def compute() -> dict[str, float]:
        counts: Counter[str] = Counter()
        for pid in proj.papers:
            counts.update(tag.label for tag in proj.data.paper_topics.get(pid, ()))
        return {label: c / (len(proj.papers) or 1) for label, c in counts.items()}

    return proj.memo("topic_shares", compute)


def _describe(proj: Projection, cid: int, members: list[str]) -> Community:
    paper_ids = {pid for a in members for pid in proj.author_papers.get(a, ())}
    topics: Counter[str] = Counter()
    venues: Counter[str] = Counter()
    communities: Counter[str] = Counter()
    for pid in paper_ids:
        paper = proj.papers[pid]
        venues[paper.venue] += 1
        communities[paper.community] += 1
        for tag in proj.data.paper_topics.get(pid, ()):
            topics[tag.label] += 1
    institutions: Counter[str] = Counter()
    for author in members:
        for inst in {i for ids in proj.author_institutions.get(author, {}).values() for i in ids}:
            institutions[proj.institution_info.get(inst, (inst, None))[0]] += 1
    n = len(paper_ids) or 1
    top_topics = [(label, round(c / n, 3)) for label, c in sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
    # The label names what sets the community apart: topics by lift over their share in the whole graph.
    overall = _topic_shares(proj)
    support = max(2, n // 100)
    distinctive = sorted(((label, (c / n) / overall[label]) for label, c in topics.items()
                          if c >= support and overall.get(label)), key=lambda kv: (-kv[1], kv[0]))
    top_insts = sorted(institutions.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    top_venues = sorted(venues.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    degree = proj.graph.degree
    top_members = sorted(members, key=lambda a: (-degree(a), a))[:5]
    parts = [" + ".join(proj.topic_name(t) for t, _ in distinctive[:2]),  # names may hold commas
             ", ".join(name for name, _ in top_insts[:2]), "/".join(v for v, _ in top_venues[:2])]
    return Community(
        id=cid, size=len(members), label=" · ".join(p for p in parts if p) or f"community {cid}",
        papers=len(paper_ids), top_topics=top_topics, top_institutions=top_insts, top_venues=top_venues,
        top_members=[(a, proj.name(a), degree(a)) for a in top_members],
        systems_share=round(communities.get("systems", 0) / n, 3), ml_share=round(communities.get("ml", 0) / n, 3),
        mlsys_share=round(communities.get("mlsys", 0) / n, 3))


def louvain_communities(proj: Projection, *, seed: int = DEFAULT_SEED, resolution: float = 1.0, min_size: int = 3,
                        top: int | None = 50) -> list[Community]:
    """Labelled communities of at least `min_size` people, largest first (at most `top`)."""
    groups = _members(proj, seed, resolution)
    out = []
    for cid in sorted(groups):
        if len(groups[cid]) < min_size or (top is not None and len(out) >= top):
            break  # ids are ordered by size, so everything after is smaller
        out.append(proj.memo(("community", seed, resolution, cid), lambda c=cid: _describe(proj, c, groups[c])))
    return out


def community_of(proj: Projection, author: str, *, seed: int = DEFAULT_SEED,
                 resolution: float = 1.0) -> Community | None:
    """The labelled community of one person (None when they are not in the co-author graph)."""
    parts = partition(proj, seed=seed, resolution=resolution)
    if author not in parts:
        return None
    cid = parts[author]
    return proj.memo(("community", seed, resolution, cid),
                     lambda: _describe(proj, cid, _members(proj, seed, resolution)[cid]))


def _members(proj: Projection, seed: int, resolution: float) -> dict[int, list[str]]:
    """community id -> sorted members, indexed once so a profile does not scan every author."""
    def compute() -> dict[int, list[str]]:
        groups: dict[int, list[str]] = {}
        for author, cid in sorted(partition(proj, seed=seed, resolution=resolution).items()):
            groups.setdefault(cid, []).append(author)
        return groups

    return proj.memo(("community_members", seed, resolution), compute)


def modularity(proj: Projection, *, seed: int = DEFAULT_SEED, resolution: float = 1.0) -> float:
    """Modularity of the partition (how community-like the groups are; > 0.3 is clearly structured)."""
    groups: dict[int, set[str]] = {}
    for author, cid in partition(proj, seed=seed, resolution=resolution).items():
        groups.setdefault(cid, set()).add(author)
    return float(nx.community.modularity(proj.graph, list(groups.values()), weight="weight", resolution=resolution))
