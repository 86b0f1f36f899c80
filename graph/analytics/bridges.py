"""Bridges: the people and institutions that connect the systems and ML parts of the co-author graph.

Each author's *systems lean* (share of their systems+ML papers at systems venues, MLSys
papers counting half to each side) places their co-authors on the two sides. Two
measures, both reported with evidence:

- **Participation** (default, O(edges)): for person i with joint-paper-weighted links
  k_sys to the systems side and k_ml to the ML side (each co-author split by their lean),
  the participation coefficient P = 1 - (k_sys/k)^2 - (k_ml/k)^2 (Guimerà & Amaral)
  over the two sides, rescaled to [0, 1]. The ranking score P x k = 4 k_sys k_ml / k
  rewards people who are both balanced and well connected.
- **Cross-community betweenness** (`method="betweenness"`): the share of shortest paths
  from systems-side to ML-side people that pass through i (Brandes' subset betweenness,
  `subset_betweenness.py`), estimated from a seeded sample of systems-side sources because
  every source costs a pass over the whole graph.

Institutions aggregate their members' links the same way (k_sys, k_ml over the links of
anyone affiliated there in range), with fractional counting, as the Leiden Ranking counts
papers: a member's links count in proportion to the share of their papers that print the
institution (`membership_shares`). Counted whole, one source record printing a prolific
author's co-author's university against their name brought their whole network to it.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from graph.analytics.projections import Projection
from graph.analytics.subset_betweenness import dependency_sums
from graph.credit import printed_by_author

# systems-side sources sampled for cross betweenness (the CLI's --samples default). 32 until session 71, when each
# source cost ~1.1 s: their top 20 shared 16 % with a 2,048-source estimate's, 256 share 68 % (~9 s on the full
# snapshot; two 2,048-source estimates share 85 %; benchmarks/bench_betweenness_samples.py, BENCHMARKS.md)
DEFAULT_SAMPLES = 256
Method = Literal["participation", "betweenness"]


@dataclass
class BridgePerson:
    author: str
    name: str
    score: float  # ranking score of the chosen method
    participation: float  # in [0, 1]
    systems_links: float  # joint papers with co-authors, weighted by their systems lean
    ml_links: float
    betweenness: float | None  # share of sampled systems->ML shortest paths through the person
    lean: float | None  # own systems lean
    systems_papers: int
    ml_papers: int
    mlsys_papers: int
    systems_coauthors: list[str] = field(default_factory=list)  # strongest systems-leaning co-authors
    ml_coauthors: list[str] = field(default_factory=list)
    evidence: str = ""


@dataclass
class BridgeInstitution:
    institution: str
    name: str
    country: str | None
    score: float  # 4 k_sys k_ml / k over all members' links, each member's by their share (grows with size)
    score_per_member: float  # the same per member (small, focused bridge groups)
    participation: float
    systems_links: float
    ml_links: float
    members: int
    systems_papers: int
    ml_papers: int
    mlsys_papers: int
    bridge_people: list[str] = field(default_factory=list)
    evidence: str = ""


def side_links(proj: Projection, author: str) -> tuple[float, float]:
    """(k_sys, k_ml): joint papers with each co-author, summed over co-authors (co-authorships, not papers),
    each split by that co-author's systems lean."""
    lean = proj.systems_lean
    k_sys = k_ml = 0.0
    for other, tie in proj.graph._adj.get(author, {}).items():
        share = lean.get(other)
        if share is not None:
            k_sys += tie["weight"] * share
            k_ml += tie["weight"] * (1.0 - share)
    return k_sys, k_ml


def participation(k_sys: float, k_ml: float) -> float:
    """Participation coefficient over the two sides, rescaled so a perfect 50/50 split is 1."""
    k = k_sys + k_ml
    if k <= 0:
        return 0.0
    return 2.0 * (1.0 - (k_sys / k) ** 2 - (k_ml / k) ** 2)


def sides(proj: Projection) -> tuple[list[str], list[str]]:
    """Systems-side (lean > 0.5) and ML-side (lean < 0.5) authors; balanced or MLSys-only people are neither."""
    systems = sorted(a for a, s in proj.systems_lean.items() if s > 0.5 and a in proj.graph)
    ml = sorted(a for a, s in proj.systems_lean.items() if s < 0.5 and a in proj.graph)
    return systems, ml


def cross_betweenness(proj: Projection, samples: int = DEFAULT_SAMPLES, seed: int = 42) -> dict[str, float]:
    """Share of shortest systems->ML paths through each person, from `samples` seeded systems-side sources."""
    def compute() -> dict[str, float]:
        systems, ml = sides(proj)
        if not systems or not ml:
            return {}
        connected = [a for a in systems if proj.graph.degree(a) > 0]
        sources = sorted(random.Random(seed).sample(connected, min(samples, len(connected))))
        pairs = len(sources) * len(ml)
        # 12 significant digits: people whose shares are equal (one paper's co-authors, often) tie exactly and
        # are ranked by id, whatever order the sums were added in (they differed in the last bit: 36149.0 and
        # 36149.00000000001 joint paths)
        return {a: float(f"{total / pairs:.12g}") for a, total in dependency_sums(proj.graph, sources, ml).items()}

    return proj.memo(("cross_betweenness", samples, seed), compute)


def _own_papers(proj: Projection, author: str) -> Counter[str]:
    """Papers per side of the systems-ML axis (systems = systems, architecture and data venues)."""
    return proj.author_sides.get(author, Counter())


def _top_side(proj: Projection, author: str, want_systems: bool, n: int = 3) -> list[str]:
    lean = proj.systems_lean
    people = [(o, t["weight"]) for o, t in proj.graph._adj.get(author, {}).items()
              if o in lean and ((lean[o] > 0.5) if want_systems else (lean[o] < 0.5))]
    people.sort(key=lambda kv: (-kv[1], kv[0]))
    return [proj.name(o) for o, _ in people[:n]]


def bridge_people(proj: Projection, top: int = 50, *, method: Method = "participation", samples: int = DEFAULT_SAMPLES,
                  seed: int = 42) -> list[BridgePerson]:
    """The `top` people ranked by the chosen bridge measure, each with co-authors on both sides as evidence."""
    if method not in ("participation", "betweenness"):
        raise ValueError("method must be 'participation' or 'betweenness'")
    betweenness = cross_betweenness(proj, samples, seed) if method == "betweenness" else {}
    scored: list[tuple[float, str, float, float, float]] = []
    for author in proj.graph.nodes:
        k_sys, k_ml = side_links(proj, author)
        p = participation(k_sys, k_ml)
        score = betweenness.get(author, 0.0) if method == "betweenness" else p * (k_sys + k_ml)
        if score > 0:
            scored.append((score, author, p, k_sys, k_ml))
    scored.sort(key=lambda row: (-row[0], row[1]))
    out: list[BridgePerson] = []
    for score, author, p, k_sys, k_ml in scored[:top]:
        own = _own_papers(proj, author)
        sys_names, ml_names = _top_side(proj, author, True), _top_side(proj, author, False)
        # k_sys / k_ml are sums over co-authors (a paper with five co-authors counts five times), split by each
        # co-author's lean: co-authorships, not papers ("569.6 joint papers" for a 170-paper author misled)
        evidence = (f"co-authorships {k_sys:.1f} with the systems side, {k_ml:.1f} with the ML side (joint papers per "
                    "co-author, split by that co-author's lean); "
                    f"own papers: {own.get('systems', 0)} systems, {own.get('ml', 0)} ML, {own.get('mlsys', 0)} MLSys")
        out.append(BridgePerson(
            author=author, name=proj.name(author), score=round(score, 6), participation=round(p, 4),
            systems_links=round(k_sys, 2), ml_links=round(k_ml, 2),
            betweenness=round(betweenness[author], 6) if author in betweenness else None,
            lean=round(proj.systems_lean[author], 3) if author in proj.systems_lean else None,
            systems_papers=own.get("systems", 0), ml_papers=own.get("ml", 0), mlsys_papers=own.get("mlsys", 0),
            systems_coauthors=sys_names, ml_coauthors=ml_names, evidence=evidence))
    return out


def membership_shares(proj: Projection) -> dict[tuple[str, str], float]:
    """(author, institution) -> the share of the author's papers with a printed affiliation (in range) that print
    it; a paper printing two of the author's institutions counts half to each, so an author's shares sum to 1."""
    shares: dict[tuple[str, str], float] = {}
    papers: Counter[str] = Counter()
    for paper in proj.papers.values():
        for author, institutions in printed_by_author(paper.listed).items():
            papers[author] += 1
            for institution in institutions:
                shares[(author, institution)] = shares.get((author, institution), 0.0) + 1 / len(institutions)
    return {(author, institution): n / papers[author] for (author, institution), n in shares.items()}


def bridge_institutions(proj: Projection, top: int = 30, *, bridge_list: list[BridgePerson] | None = None
                        ) -> list[BridgeInstitution]:
    """Institutions whose members' co-authorships span both sides, ranked by 4 k_sys k_ml / k, each member's links
    counted by their `membership_shares` (1 for a member none of whose papers in range prints an affiliation).
    `bridge_people`: the members among the ranked bridge people, by their bridge score times that same share."""
    members: dict[str, set[str]] = {}
    for (institution, _), people in proj.institution_members.items():
        members.setdefault(institution, set()).update(people)
    shares = membership_shares(proj)
    bridges = bridge_list if bridge_list is not None else bridge_people(proj, top=500)
    bridge_rank = {b.author: i for i, b in enumerate(bridges)}
    bridge_score = {b.author: b.score for b in bridges}
    papers: dict[str, Counter[str]] = {}
    for paper in proj.papers.values():
        for institution in proj.paper_institutions(paper):
            papers.setdefault(institution, Counter())[paper.side] += 1
    links = {a: side_links(proj, a) for people in members.values() for a in people}
    rows: list[BridgeInstitution] = []
    for institution, people in members.items():
        k_sys = sum(links[a][0] * shares.get((a, institution), 1.0) for a in people)
        k_ml = sum(links[a][1] * shares.get((a, institution), 1.0) for a in people)
        p = participation(k_sys, k_ml)
        score = p * (k_sys + k_ml)
        if score <= 0:
            continue
        counts = papers.get(institution, Counter())
        name, country = proj.institution_info.get(institution, (institution, None))
        # a member's own bridge score counts by their share here too, as their links do: a bridge person who
        # printed the institution on one paper of many is not the face of its bridging
        ranked_people = sorted((a for a in people if a in bridge_rank),
                               key=lambda a: (-shares.get((a, institution), 1.0) * bridge_score[a],
                                              bridge_rank[a]))[:5]
        rows.append(BridgeInstitution(
            institution=institution, name=name, country=country, score=round(score, 3),
            score_per_member=round(score / len(people), 3), participation=round(p, 4),
            systems_links=round(k_sys, 2), ml_links=round(k_ml, 2), members=len(people),
            systems_papers=counts.get("systems", 0), ml_papers=counts.get("ml", 0),
            mlsys_papers=counts.get("mlsys", 0), bridge_people=[proj.name(a) for a in ranked_people],
            evidence=(f"{len(people)} members; papers: {counts.get('systems', 0)} systems, {counts.get('ml', 0)} ML, "
                      f"{counts.get('mlsys', 0)} MLSys; links {k_sys:.0f} systems-side / {k_ml:.0f} ML-side")))
    rows.sort(key=lambda r: (-r.score, r.institution))
    return rows[:top]
