"""A person's profile: what they work on over time, where they publish, whom with, and their community.

All from the cached projection, so a profile page answers without a store round trip;
the Louvain community is the one cached for the projection (computed once on first use).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from graph.analytics.communities import Community, community_of
from graph.analytics.overlap import classify, community_shares
from graph.analytics.projections import Projection
from graph.errors import AtlasError


@dataclass
class PersonProfile:
    author: str
    name: str
    aliases: list[str]
    papers: int
    first_year: int | None
    last_year: int | None
    background: str  # systems | ml | both | neither: venues published at in range (any year)
    systems_lean: float | None  # share of systems+ML work at systems venues (MLSys counts half)
    topic_mix: list[dict[str, object]] = field(default_factory=list)  # year, label, kind, papers, share
    topic_totals: list[dict[str, object]] = field(default_factory=list)  # label, kind, papers, share
    venue_mix: list[dict[str, object]] = field(default_factory=list)  # venue, community, papers, share
    community_mix: list[dict[str, object]] = field(default_factory=list)  # year, papers, systems, ml, mlsys, other
    coauthors: list[dict[str, object]] = field(default_factory=list)  # id, name, joint_papers, last_year
    institutions: list[dict[str, object]] = field(default_factory=list)  # year, institution, name, country
    community: Community | None = None


def person_profile(proj: Projection, author: str, *, with_community: bool = True,
                   top_coauthors: int = 15) -> PersonProfile:
    """Pillar/topic mix per year (shares of that year's papers), venue mix, co-authors, affiliations, community."""
    if not proj.known(author):
        raise AtlasError(f"No person with id {author!r} in the graph.")
    record = proj.data.authors[author]
    pids = proj.author_papers.get(author, [])
    papers = [proj.papers[pid] for pid in pids]
    years = [p.year for p in papers if p.year is not None]
    per_year: Counter[int | None] = Counter(p.year for p in papers)
    topic_year: dict[tuple[int | None, str], int] = defaultdict(int)
    totals: Counter[str] = Counter()
    for p in papers:
        for tag in proj.data.paper_topics.get(p.id, ()):
            topic_year[(p.year, tag.label)] += 1
            totals[tag.label] += 1
    kinds = proj.topic_kinds
    topic_mix = [{"year": y, "label": label, "kind": kinds.get(label, "topic"), "papers": n,
                  "share": round(n / per_year[y], 4)}
                 for (y, label), n in sorted(topic_year.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1]))]
    n_papers = len(papers) or 1
    topic_totals = [{"label": label, "kind": kinds.get(label, "topic"), "papers": n, "share": round(n / n_papers, 4)}
                    for label, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    venues = Counter((p.venue, p.community) for p in papers)
    venue_mix = [{"venue": v, "community": c, "papers": n, "share": round(n / n_papers, 4)}
                 for (v, c), n in sorted(venues.items(), key=lambda kv: (-kv[1], kv[0]))]
    by_year: dict[int | None, Counter[str]] = defaultdict(Counter)
    for p in papers:
        by_year[p.year][p.community] += 1
    community_mix = [{"year": y, "papers": sum(c.values()), **community_shares(c)}
                     for y, c in sorted(by_year.items(), key=lambda kv: kv[0] or 0)]
    adj = proj.graph._adj.get(author, {})
    coauthors = [{"id": o, "name": proj.name(o), "joint_papers": t["weight"], "last_year": t["last"] or None}
                 for o, t in sorted(adj.items(), key=lambda kv: (-kv[1]["weight"], -kv[1]["last"], kv[0]))]
    institutions = [{"year": y, "institution": i, "name": proj.institution_info.get(i, (i, None))[0],
                     "country": proj.institution_info.get(i, (i, None))[1]}
                    for y, ids in sorted(proj.author_institutions.get(author, {}).items(), key=lambda kv: kv[0] or 0)
                    for i in sorted(ids)]
    own = proj.author_sides.get(author, Counter())
    return PersonProfile(
        author=author, name=record.name, aliases=list(record.aliases), papers=len(papers),
        first_year=min(years) if years else None, last_year=max(years) if years else None,
        background=classify(own.get("systems", 0) > 0, own.get("ml", 0) > 0),
        systems_lean=round(proj.systems_lean[author], 3) if author in proj.systems_lean else None,
        topic_mix=topic_mix, topic_totals=topic_totals, venue_mix=venue_mix, community_mix=community_mix,
        coauthors=coauthors[:top_coauthors], institutions=institutions,
        community=community_of(proj, author) if with_community and author in proj.graph else None)
