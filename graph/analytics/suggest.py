"""Whom could I work with: collaborator suggestions 2-3 hops away, each explained in one line.

Score = network proximity x interest factor x activity, where
- network proximity is Adamic-Adar over shared co-authors with every term weighted by
  the recency of both ties (a co-author from 2012 introduces less than one from 2024),
  plus a damped three-hop term (the local-path index of Lü et al., 2009) so people
  two introductions away can still surface when few people share a co-author (it is
  skipped for people with 300+ two-hop candidates, where it could not reach the top);
- the interest factor rewards topic and venue similarity (mode "similar"), deliberate
  complementarity - a systems-leaning person meets an ML-leaning one on a shared topic
  (mode "complementary") - or both ("balanced", the default);
- activity halves every two years since the candidate last published, so the list
  suggests people who are still working.
Interests only re-rank the 300 best candidates by network x activity. Existing co-authors
are never suggested. `evaluate_time_split` measures all of this against a baseline.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Literal

from graph.analytics.projections import GraphData, Projection
from graph.errors import AtlasError

Mode = Literal["balanced", "similar", "complementary", "network"]
MODES: tuple[str, ...] = ("balanced", "similar", "complementary", "network")

THREE_HOP_DAMPING = 0.1  # epsilon of the local-path index: a 3-hop path counts a tenth of a 2-hop one
THREE_HOP_BELOW = 300  # reach 3 hops only from a 2-hop neighbourhood smaller than this (bounds work for hubs)
COMPLEMENT_MIN = 0.3  # complementarity worth mentioning in the explanation
RERANK_POOL = 300  # interest factors are computed for the best candidates by network x activity only


@dataclass
class Suggestion:
    author: str
    name: str
    score: float  # relative to the best suggestion of the list (1.0)
    hops: int
    explanation: str
    shared_coauthors: list[str] = field(default_factory=list)  # names, strongest first (at most 5)
    shared_coauthor_count: int = 0
    adamic_adar: float = 0.0  # plain Adamic-Adar index (no recency)
    network: float = 0.0  # recency-weighted Adamic-Adar + damped 3-hop term
    similarity: float = 0.0
    complementarity: float = 0.0
    last_active: int | None = None


def cosine(a: Counter[str] | None, b: Counter[str] | None) -> float:
    if not a or not b:
        return 0.0
    if len(b) < len(a):
        a, b = b, a
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    if not dot:
        return 0.0
    return dot / (_norm(a) * _norm(b))


def _norm(counts: Counter[str]) -> float:
    return math.sqrt(sum(v * v for v in counts.values()))


def adamic_adar(proj: Projection, u: str, v: str) -> float:
    """Plain Adamic-Adar index: sum over shared co-authors w of 1 / log(degree(w))."""
    graph = proj.graph
    if u not in graph or v not in graph:
        return 0.0
    return sum(1.0 / math.log(graph.degree(w)) for w in set(graph[u]) & set(graph[v]))


def _network(proj: Projection, me: str, max_hops: int) -> tuple[dict[str, float], dict[str, int]]:
    """Network proximity of every candidate (recency-weighted AA at 2 hops, damped local path at 3) and hops.

    Three-hop people are scored only when the two-hop neighbourhood is small (fewer than
    THREE_HOP_BELOW people): a damped 3-hop score never reaches a crowded top 10, and
    skipping them keeps suggestions for prolific people interactive.
    """
    adj = proj.graph._adj
    rec = proj.recency_table
    mine = adj[me]
    score: dict[str, float] = defaultdict(float)
    for a, tie in mine.items():
        neighbours = adj[a]
        weight = rec[tie["last"]] / math.log(max(2, len(neighbours)))
        for v, tie2 in neighbours.items():
            if v not in mine and v != me:
                score[v] += weight * rec[tie2["last"]]
    hops = dict.fromkeys(score, 2)
    if max_hops >= 3 and 0 < len(score) < THREE_HOP_BELOW:
        three: dict[str, float] = defaultdict(float)
        for b, s_b in list(score.items()):
            neighbours = adj[b]
            weight = THREE_HOP_DAMPING * s_b / math.log(max(2, len(neighbours)))
            for c, tie in neighbours.items():
                if c not in score and c not in mine and c != me:
                    three[c] += weight * rec[tie["last"]]
        for c, s_c in three.items():
            score[c] = s_c
            hops[c] = 3
    return score, hops


def _introducers(proj: Projection, me: str, other: str, hops: dict[str, int], network: dict[str, float]) -> list[str]:
    """Who links the two, strongest first: shared co-authors (2 hops) or the 2-hop people next to `other`."""
    adj = proj.graph._adj
    rec = proj.recency_table
    if hops[other] == 2:
        shared = set(adj[me]).intersection(adj[other])
        strength = {a: rec[adj[me][a]["last"]] * rec[adj[a][other]["last"]] / math.log(max(2, len(adj[a])))
                    for a in shared}
    else:
        strength = {b: network[b] for b in adj[other] if hops.get(b) == 2}
    return sorted(strength, key=lambda a: (-strength[a], a))


def _interest(proj: Projection, me: str, other: str) -> tuple[float, float]:
    """(similarity, complementarity) in [0, 1] from topic and venue mixes and systems/ML lean."""
    topics_me, topics_other = proj.author_topics.get(me), proj.author_topics.get(other)
    venue_sim = cosine(proj.author_venues.get(me), proj.author_venues.get(other))
    topic_sim = cosine(topics_me, topics_other) if topics_me and topics_other else None
    similarity = venue_sim if topic_sim is None else 0.5 * (venue_sim + topic_sim)
    lean_me, lean_other = proj.systems_lean.get(me), proj.systems_lean.get(other)
    complementarity = 0.0
    if topic_sim and lean_me is not None and lean_other is not None:
        complementarity = abs(lean_me - lean_other) * topic_sim
    return similarity, complementarity


def _factor(mode: str, similarity: float, complementarity: float) -> float:
    """Multiplier on network x activity: interests re-rank people the network already found plausible."""
    if mode == "similar":
        return 1.0 + similarity
    if mode == "complementary":
        return 1.0 + 2.0 * complementarity
    if mode == "network":
        return 1.0
    return 1.0 + 0.5 * similarity + 0.5 * complementarity


def _side(lean: float | None) -> str:
    if lean is None:
        return "unknown"
    return "systems venues" if lean >= 0.6 else "ML venues" if lean <= 0.4 else "both systems and ML venues"


def _explain(proj: Projection, me: str, other: str, hops: int, introducers: list[str], n_shared: int,
             complementarity: float) -> str:
    parts: list[str] = []
    if hops == 2:
        names = [proj.name(a) for a in introducers[:2]]
        more = f" and {n_shared - 2} more" if n_shared > 2 else ""
        noun = "shared co-author" if n_shared == 1 else "shared co-authors"
        parts.append(f"{n_shared} {noun} ({', '.join(names)}{more})")
    else:
        parts.append(f"3 hops away via {proj.name(introducers[0])}" if introducers else "3 hops away")
    topics_me, topics_other = proj.author_topics.get(me, Counter()), proj.author_topics.get(other, Counter())
    shared_topics = sorted(set(topics_me) & set(topics_other), key=lambda t: (-min(topics_me[t], topics_other[t]), t))
    if shared_topics:
        parts.append(f"both work on {' and '.join(f'“{proj.topic_name(t)}”' for t in shared_topics[:2])}")
    else:
        venues_me, venues_other = proj.author_venues.get(me, Counter()), proj.author_venues.get(other, Counter())
        shared_venues = sorted(set(venues_me) & set(venues_other),
                               key=lambda v: (-min(venues_me[v], venues_other[v]), v))
        if shared_venues:
            parts.append(f"both publish at {', '.join(shared_venues[:2])}")
    if complementarity >= COMPLEMENT_MIN:
        their_top = [t for t, _ in topics_other.most_common() if t not in topics_me]
        my_top = [t for t, _ in topics_me.most_common()]
        if their_top and my_top:
            parts.append(f"strong on “{proj.topic_name(their_top[0])}” where you are on “{proj.topic_name(my_top[0])}”")
        else:
            parts.append(f"publishes at {_side(proj.systems_lean.get(other))} where you publish at "
                         f"{_side(proj.systems_lean.get(me))}")
    last = proj.author_last_year.get(other)
    if last:
        parts.append(f"active in {last}")
    return "; ".join(parts)


def rank_candidates(proj: Projection, author: str, *, mode: str = "balanced", max_hops: int = 3,
                    limit: int = 10) -> list[tuple[str, float]]:
    """Author ids and raw scores, best first (the fast path the evaluation uses; no explanations)."""
    return _rank(proj, author, mode, max_hops, limit)[0]


def _rank(proj: Projection, author: str, mode: str, max_hops: int,
          limit: int) -> tuple[list[tuple[str, float]], dict[str, float], dict[str, int]]:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    if author not in proj.graph:
        return [], {}, {}
    network, hops = _network(proj, author, max_hops)
    last = proj.author_last_year
    activity = proj.activity_table
    pool = heapq.nlargest(max(RERANK_POOL, limit), ((net * activity[last[other]], other)
                                                    for other, net in network.items()))
    if mode == "network":
        return sorted(((other, score) for score, other in pool), key=lambda kv: (-kv[1], kv[0]))[:limit], network, hops
    scored = []
    for base, other in pool:
        similarity, complementarity = _interest(proj, author, other)
        scored.append((other, base * _factor(mode, similarity, complementarity)))
    scored.sort(key=lambda kv: (-kv[1], kv[0]))
    return scored[:limit], network, hops


def suggest_collaborators(proj: Projection, author: str, k: int = 10, *, mode: str = "balanced",
                          max_hops: int = 3) -> list[Suggestion]:
    """Up to `k` people 2..`max_hops` hops from `author` who have not written with them, explained.

    An empty list means the person has no co-authors in the projection's years.
    """
    if not proj.known(author):
        raise AtlasError(f"No person with id {author!r} in the graph.")
    ranked, network, hops = _rank(proj, author, mode, max_hops, k)
    if not ranked:
        return []
    best = ranked[0][1] or 1.0
    out: list[Suggestion] = []
    for other, score in ranked:
        introducers = _introducers(proj, author, other, hops, network)
        n_shared = len(introducers) if hops[other] == 2 else 0
        similarity, complementarity = _interest(proj, author, other)
        out.append(Suggestion(
            author=other, name=proj.name(other), score=round(score / best, 4), hops=hops[other],
            explanation=_explain(proj, author, other, hops[other], introducers, n_shared, complementarity),
            shared_coauthors=[proj.name(a) for a in introducers[:5]] if hops[other] == 2 else [],
            shared_coauthor_count=n_shared, adamic_adar=round(adamic_adar(proj, author, other), 4),
            network=round(network[other], 4), similarity=round(similarity, 4),
            complementarity=round(complementarity, 4), last_active=proj.author_last_year.get(other),
        ))
    return out


# ---------------------------------------------------------------- baseline and evaluation
def _dominant(counter: Counter[str] | None) -> str | None:
    if not counter:
        return None
    return min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def baseline_suggestions(proj: Projection, author: str, k: int = 10) -> list[str]:
    """Most-published people in the person's dominant topic (their dominant venue when untagged),
    excluding themselves and their co-authors: the popularity baseline suggestions must beat."""
    topic = _dominant(proj.author_topics.get(author))
    key = ("topic", topic) if topic else ("venue", _dominant(proj.author_venues.get(author)))
    if key[1] is None:
        return []

    def ranking() -> list[str]:
        tallies = proj.author_topics if key[0] == "topic" else proj.author_venues
        people = [a for a, counts in tallies.items() if counts.get(key[1])]
        return sorted(people, key=lambda a: (-len(proj.author_papers[a]), a))

    ranked = proj.memo(("baseline", key), ranking)
    exclude = set(proj.graph[author]) | {author} if author in proj.graph else {author}
    out: list[str] = []
    for other in ranked:
        if other not in exclude:
            out.append(other)
            if len(out) >= k:
                break
    return out


@dataclass
class RankingMetrics:
    recall_at_k: float
    mrr: float
    hit_rate: float  # queries with at least one hidden co-author in the top k


@dataclass
class TimeSplitEvaluation:
    """Suggestions for people active before `test_year`, scored against the co-authorships they formed in it."""

    test_year: int
    k: int
    depth: int  # list length the MRR is computed over
    queries: int
    positives: int
    reachable_within_3_hops: float  # share of hidden pairs the network could reach at all
    suggestions: RankingMetrics
    baseline: RankingMetrics
    mode: str = "balanced"

    @property
    def recall_ratio(self) -> float:
        return self.suggestions.recall_at_k / self.baseline.recall_at_k if self.baseline.recall_at_k else math.inf


def _metrics(rankings: list[list[str]], positives: list[set[str]], k: int) -> RankingMetrics:
    recalls, reciprocal, hits = [], [], 0
    for ranked, pos in zip(rankings, positives, strict=True):
        top = ranked[:k]
        found = len(pos.intersection(top))
        recalls.append(found / len(pos))
        hits += found > 0
        rank = next((i for i, a in enumerate(ranked, start=1) if a in pos), None)
        reciprocal.append(1.0 / rank if rank else 0.0)
    n = len(rankings) or 1
    return RankingMetrics(round(sum(recalls) / n, 4), round(sum(reciprocal) / n, 4), round(hits / n, 4))


def hidden_coauthorships(data: GraphData, train: Projection, test_year: int) -> dict[str, set[str]]:
    """New co-author pairs of `test_year` between people who both published before it."""
    positives: dict[str, set[str]] = defaultdict(set)
    for paper in data.papers:
        if paper.year != test_year or len(paper.authors) > 100:
            continue
        known = [a for a in paper.authors if a in train.graph]
        for u in known:
            for v in known:
                if u != v and not train.graph.has_edge(u, v):
                    positives[u].add(v)
    return dict(positives)


def evaluate_time_split(data: GraphData, test_year: int | None = None, *, k: int = 10, depth: int = 50,
                        max_queries: int | None = 2000, seed: int = 0, mode: str = "balanced") -> TimeSplitEvaluation:
    """Hide the last year's new co-authorships, suggest from the years before, compare to the baseline.

    Both rankers answer the same queries (a seeded sample of at most `max_queries` people
    with hidden pairs); recall@k is averaged per query, MRR uses the top `depth`.
    """
    years = [p.year for p in data.papers if p.year is not None]
    test_year = test_year or max(years)
    train = Projection(data, year_to=test_year - 1)
    positives = hidden_coauthorships(data, train, test_year)
    queries = sorted(positives)
    if max_queries is not None and len(queries) > max_queries:
        queries = sorted(random.Random(seed).sample(queries, max_queries))
    ours, base, pos_sets = [], [], []
    reachable = total = 0
    for author in queries:
        ranked = rank_candidates(train, author, mode=mode, max_hops=3, limit=max(depth, k))
        ours.append([a for a, _ in ranked])
        base.append(baseline_suggestions(train, author, max(depth, k)))
        pos_sets.append(positives[author])
        two_hop = {b for a in train.graph[author] for b in train.graph[a]}
        three_hop = two_hop | {c for b in two_hop for c in train.graph[b]} if len(two_hop) < 5000 else two_hop
        reachable += len(positives[author] & three_hop)
        total += len(positives[author])
    if not queries:
        raise AtlasError(f"No new co-authorships in {test_year} between people who published before it.")
    return TimeSplitEvaluation(
        test_year=test_year, k=k, depth=max(depth, k), queries=len(queries), positives=total,
        reachable_within_3_hops=round(reachable / total, 4) if total else 0.0,
        suggestions=_metrics(ours, pos_sets, k), baseline=_metrics(base, pos_sets, k), mode=mode)
