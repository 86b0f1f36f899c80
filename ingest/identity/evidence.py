"""Cluster-level evidence shared by the namesake guard and the duplicate-profile joins.

Both ask the same questions of whole clusters rather than of mention pairs: which
co-authors two clusters share (by full name, so 'Y. Wang' is never evidence), whether a
mention is linked to the rest of its cluster through a co-author's co-author, whether
two affiliations could be one place, and how close a title is to a cluster's topics.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain

from rapidfuzz import fuzz

from ingest.identity.features import Corpus
from ingest.identity.names import fold

GRAPH_MAX_AUTHORS = 25  # as in pairs.py: co-authorship on larger papers says little
SAME_PLACE = 70  # token_set_ratio at or above which two affiliation strings may be one institution


class ClusterEvidence:
    """Co-author keys, affiliations and titles of clusters of one corpus, computed on demand."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._papers_of_key: dict[int, list[frozenset[int]]] | None = None
        self._reach: dict[int, frozenset[int]] = {}  # co-author key -> everyone on its (small) papers

    def coauthor_counts(self, members: Iterable[int]) -> Counter[int]:
        # one counting pass in C over every member's keys (one `update` per member paid the call's checks
        # each time); the same counts, inserted in the same order
        return Counter(chain.from_iterable(map(self.corpus.coauthors.__getitem__, members)))

    def shared_coauthors(self, left: Iterable[int], right: Iterable[int]) -> set[int]:
        return set(self.coauthor_counts(left)) & set(self.coauthor_counts(right))

    def names(self, keys: Iterable[int], limit: int = 4) -> list[str]:
        return sorted(self.corpus.coauthor_names.get(k, "?") for k in keys)[:limit]

    def _paper_sets(self) -> dict[int, list[frozenset[int]]]:
        """Co-author key -> author sets of the papers they are on (papers of at most 25 authors)."""
        if self._papers_of_key is None:
            by_paper: dict[str, set[int]] = defaultdict(set)
            for mention, keys in zip(self.corpus.mentions, self.corpus.coauthors, strict=True):
                by_paper[mention.paper_id].update(keys)
            papers_of_key: dict[int, list[frozenset[int]]] = defaultdict(list)
            for keys in by_paper.values():
                if len(keys) <= GRAPH_MAX_AUTHORS:
                    frozen = frozenset(keys)
                    for key in frozen:
                        papers_of_key[key].append(frozen)
            self._papers_of_key = papers_of_key
        return self._papers_of_key

    def forget_reach(self) -> None:
        """Drop the co-author-of-co-author caches (`linked`'s): after the namesake guard and the
        duplicate joins nothing asks, and they held ~55 MiB at 50k synthetic papers to the end."""
        self._papers_of_key = None
        self._reach = {}

    def linked(self, mention: int, cluster_keys: Counter[int], own: bool = True) -> bool:
        """True if the mention shares a co-author with the cluster, or one of its co-authors
        published with one of the cluster's. With `own` the mention is inside the cluster,
        so its own co-authors are taken out of `cluster_keys` first."""
        keys = self.corpus.coauthors[mention]
        if own:
            # A co-author the mention shares with another cluster member (count above its own one)
            # answers at once; the set of the cluster's other keys, which costs the whole cluster per
            # mention, is built only for the co-author's co-author question.
            if any(cluster_keys.get(k, 0) > 1 for k in keys):
                return True
            # every key of the mention now counts at most once (its own): the cluster's other keys are
            # the rest, a C-level set difference rather than a test per key of the cluster
            others = cluster_keys.keys() - keys
        else:
            others = set(cluster_keys)
        if not others:
            return False
        if not others.isdisjoint(keys):
            return True
        # a paper of the co-author holds one of the others iff the union of those papers does: each
        # co-author's union is made once per resolution, not walked paper by paper for every mention
        reach = self._reach
        for key in keys:
            near = reach.get(key)
            if near is None:
                near = reach[key] = frozenset().union(*self._paper_sets().get(key, ()))
            if not near.isdisjoint(others):
                return True
        return False

    def title_similarity(self, mention: int, members: Sequence[int]) -> float:
        """Best IDF cosine between the mention's title and the titles of the others."""
        vectors = self.corpus.vectors
        own_paper = self.corpus.mentions[mention].paper_id
        own = vectors.get(own_paper, {})
        best = 0.0
        for i in members:
            paper = self.corpus.mentions[i].paper_id
            if i == mention or paper == own_paper:
                continue
            other = vectors.get(paper, {})
            best = max(best, sum(weight * other.get(word, 0.0) for word, weight in own.items()))
        return best


def same_place(left: str, right: str) -> bool:
    return fuzz.token_set_ratio(fold(left), fold(right)) >= SAME_PLACE
