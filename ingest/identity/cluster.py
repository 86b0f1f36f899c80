"""Constrained clustering: union-find for strong ids, average-linkage agglomeration for the rest.

Hand-written rather than `scipy.cluster.hierarchy` because the constraints are the
point: two clusters holding different ids of one kind (two OpenReview profiles, two
ORCIDs) must never merge, and neither may clusters a reviewer has kept apart. Average
linkage over the pairwise probabilities (the S2AND choice) means one lucky pair cannot
chain two people together; pairs that were never scored (incompatible names, same
paper) forbid the merge. Pair probabilities are computed once (`pairs.py`) and merged
clusters' links are summed, so a merge never re-scores anything.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

Score = TypeVar("Score", float, "np.ndarray")  # one link, or every link of a block at once


class ConstrainedUnionFind:
    """Union-find whose sets carry strong ids; a union that would join two ids of one kind is refused.

    `force_union` is the exception: a duplicate profile joined on strong evidence, or a
    curator's merge. The joined set then holds both values of that kind (`joined`), and
    a later cluster holding either value is no conflict.
    """

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.ids: dict[int, dict[str, str]] = {}
        self.joined: dict[int, dict[str, set[str]]] = {}  # root -> kind -> every value it holds, after forced joins

    def find(self, item: int) -> int:
        parent = self.parent  # a local: find is called millions of times per resolution
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def roots(self) -> np.ndarray:
        """`find` of every item at once (int64), by pointer jumping in numpy.

        Why: the steps that need every mention's root (id profiles, block links, the partition)
        called `find` ~290k times each. The roots are the same; only the path compression that
        `find` would have done is skipped, which changes no root.
        """
        parent = np.asarray(self.parent, dtype=np.int64)
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                return parent
            parent = grand

    def add_ids(self, item: int, ids: dict[str, str]) -> None:
        if ids:
            self.ids.setdefault(self.find(item), {}).update(ids)

    def values(self, root: int, kind: str) -> set[str]:
        """Every value of one id kind a set holds (more than one only after a forced join)."""
        joined = self.joined.get(root, {}).get(kind)
        if joined:
            return joined
        value = self.ids.get(root, {}).get(kind)
        return {value} if value else set()

    def conflicts(self, a: int, b: int) -> bool:
        root_a, root_b = self.find(a), self.find(b)
        ids_a, ids_b = self.ids.get(root_a, {}), self.ids.get(root_b, {})
        for kind, value in ids_a.items():
            other = ids_b.get(kind)
            if other is not None and other != value and (
                    not self.joined or not self.values(root_a, kind) & self.values(root_b, kind)):
                return True
        return False

    def union(self, a: int, b: int) -> bool:
        """Join the sets of a and b unless their strong ids conflict; True if they are (now) one set."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        if self.conflicts(root_a, root_b):
            return False
        self._link(root_a, root_b)
        return True

    def force_union(self, a: int, b: int) -> None:
        """Join two sets even if their ids conflict; the set keeps every value of each kind."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self._link(root_a, root_b)

    def _link(self, root_a: int, root_b: int) -> None:
        if root_b < root_a:
            root_a, root_b = root_b, root_a
        ids_a, ids_b = self.ids.get(root_a), self.ids.get(root_b)
        if not ids_a and not ids_b and not self.joined:  # most unions: no ids on either side
            self.parent[root_b] = root_a
            return
        if self.joined or any((ids_a or {}).get(k, v) != v for k, v in (ids_b or {}).items()):
            kinds = set(ids_a or {}) | set(ids_b or {})
            values = {kind: self.values(root_a, kind) | self.values(root_b, kind) for kind in kinds}
            self.joined.pop(root_b, None)
            multi = {kind: found for kind, found in values.items() if len(found) > 1}
            if multi:
                self.joined[root_a] = multi
            else:
                self.joined.pop(root_a, None)
        self.parent[root_b] = root_a
        merged = {**self.ids.pop(root_b, {}), **self.ids.get(root_a, {})}
        if merged:
            self.ids[root_a] = merged


def linkage_score(total: Score, pairs: Score, best: Score, single_weight: float) -> Score:
    """(1 - w) * average pair probability + w * best pair probability; floats or numpy arrays alike."""
    return (1.0 - single_weight) * total / pairs + single_weight * best


@dataclass
class MergeRecord:
    """One agglomeration step (or a near miss) with what the review queue needs to show it."""

    left: list[int]
    right: list[int]
    linkage: float
    merged: bool
    reasons: list[str] = field(default_factory=list)
    best_pair: int = -1  # index of the strongest scored mention pair between the two sides


def average_linkage(
    members: dict[int, list[int]],
    pair_links: dict[tuple[int, int], tuple[float, int, float, int]],
    merge: Callable[[int, int, int], list[str] | None],
    threshold: float,
    review_floor: float,
    conflicting: Callable[[int, int], bool] | None = None,
    single_weight: float = 0.0,
    impute: float | None = None,
) -> list[MergeRecord]:
    """Best-first average-linkage merging over fixed pair probabilities, with cannot-links.

    `members` maps a cluster id to its mentions; `pair_links[(a, b)]` holds the summed
    probability, the number of scored mention pairs, and the strongest pair (probability
    and index) between clusters a and b. Two clusters may merge only if *every* mention
    pair between them was scored: an unscored pair (incompatible given names, one paper)
    is a cannot-link, and stays one after any merge, so such links are dropped for good.
    Merging updates sums (Lance-Williams), never re-scores features, which is what keeps
    large name groups cheap. `merge(a, b, best_pair)` folds b into a and returns the
    reasons, or None to refuse (strong-id conflict, a reviewer's no). With `single_weight`
    w > 0 the linkage is (1 - w) * average + w * best pair, so a long true chain whose far
    ends share nothing is not split for that alone.

    `conflicting(b, c)` says two clusters can never be one (different strong ids). When
    both claim the same cluster a above the threshold, a goes to the claimant with the
    most summed evidence, not the best average: otherwise a one-mention profile that S2
    split off 'Matei Zaharia' would take every unlabelled 'Matei Zaharia' from the real one.

    `impute` (a sparse name group, `sparse_groups.py`): the probability of every pair that was not
    enumerated, so a missing pair is averaged in at that value instead of forbidding the merge.
    """
    if impute is not None:
        pair_links = {key: _imputed(link, len(members[key[0]]) * len(members[key[1]]), impute)
                      for key, link in pair_links.items()}
    if len(pair_links) == 1:  # most calls: two clusters, one link (the same steps as the loop below)
        return _one_link(members, pair_links, merge, threshold, review_floor, single_weight)
    members = {cid: list(items) for cid, items in members.items()}
    # links[a][b] = [summed probability, scored pairs, best probability, best pair], shared by both sides
    links: dict[int, dict[int, list]] = {cid: {} for cid in members}
    # linkage_score written out in the loops below (the same operations in the same order, so the
    # same floats): this loop is the resolution's hottest Python, one call per link after each merge.
    keep_weight = 1.0 - single_weight

    def linkage(link: list, full: int) -> float:
        return keep_weight * link[0] / full + single_weight * link[2]

    # The next merge is the link of highest score, ties to the smallest (a, b). Each cluster a
    # owns its links to clusters b > a, and the heap holds one key (-score, a, b) per owner: its
    # best owned link of at least the threshold. A merge changes every link of the merged cluster.
    # A heap of every link (the earlier form, benchmarks/linkage_reference.py) popped ~31 keys per
    # merge at 100k synthetic papers; here ~2, because a changed link is pushed only when it beats
    # its owner's key. An owner whose best link got worse or went is `stale`: its key stays in the
    # heap as a bound (its links are all at least as bad), and it finds its best link again when
    # the key comes up.
    best: dict[int, tuple[float, int, int]] = {}
    for (a, b), (total, pairs, top, best_pair) in pair_links.items():
        full = len(members[a]) * len(members[b])
        if pairs < full:
            continue  # an unscored pair between them: never one person
        links[a][b] = links[b][a] = [total, pairs, top, best_pair]
        score = keep_weight * total / full + single_weight * top
        if score >= threshold:
            key = (-score, a, b) if a < b else (-score, b, a)
            if key[1] not in best or key < best[key[1]]:
                best[key[1]] = key
    heap = list(best.values())
    heapq.heapify(heap)
    heappush, heappop = heapq.heappush, heapq.heappop
    stale: set[int] = set()
    # A key taken from the heap whose merge a rival claimed, and then refused, is not queued again
    # until one of its clusters merges: what the heap of every link did, kept so no person moves.
    set_aside: set[tuple[int, int]] = set()

    def find_best(a: int) -> None:
        """a's best owned link again, after it got worse or went (see above)."""
        stale.discard(a)
        size_a, found = len(members[a]), None
        for c, link in links[a].items():
            if c > a and (not set_aside or (a, c) not in set_aside):
                score = keep_weight * link[0] / (size_a * len(members[c])) + single_weight * link[2]
                if score >= threshold and (found is None or (-score, c) < found[::2]):
                    found = (-score, a, c)
        if found is None:
            best.pop(a, None)
        else:
            best[a] = found
            heappush(heap, found)

    records: list[MergeRecord] = []
    while heap:
        key = heappop(heap)
        neg, a, b = key
        if best.get(a) != key or a not in members:
            continue  # superseded by a better key of its owner
        if a in stale:
            find_best(a)
            continue
        if conflicting is not None:
            a, b, neg = _strongest_claim(a, b, neg, links, members, conflicting, threshold, linkage)
        reasons = merge(a, b, links[a][b][3])
        if reasons is None:
            del links[a][b], links[b][a]
            if (a, b) != key[1:]:
                set_aside.add(key[1:])
            for owner in sorted({key[1], a, b}):
                find_best(owner)
            continue
        if set_aside:
            set_aside = {pair for pair in set_aside if a not in pair and b not in pair}
        left, right = members[a], members.pop(b)
        records.append(MergeRecord(list(left), right, -neg, True, reasons))
        size_left = len(left)
        left.extend(right)
        best.pop(b, None)
        stale.discard(b)
        del links[a][b], links[b][a]
        links_a = links[a]
        if impute is not None:  # a side's pairs with the clusters only the other side has links to
            _impute_one_sided(links_a, links[b], members, size_left, len(right), impute)
        for c, link_bc in links.pop(b).items():
            del links[c][b]
            if c < b and c in best and best[c][2] == b:
                stale.add(c)  # its best link went into a's
            link_ac = links_a.get(c)
            if link_ac is None:
                links_a[c] = links[c][a] = link_bc
            else:
                link_ac[0] += link_bc[0]
                link_ac[1] += link_bc[1]
                if link_bc[2] > link_ac[2]:
                    link_ac[2], link_ac[3] = link_bc[2], link_bc[3]
        # every link of a changed (Lance-Williams sums above; never re-scored)
        size_a, own = len(left), None
        for c in list(links_a):
            link = links_a[c]
            full = size_a * len(members[c])
            if link[1] < full:
                del links_a[c], links[c][a]  # an unscored pair between them: never one person
                if c < a and c in best and best[c][2] == a:
                    stale.add(c)
                continue
            score = keep_weight * link[0] / full + single_weight * link[2]
            if c > a:
                if score >= threshold and (own is None or (-score, c) < own[::2]):
                    own = (-score, a, c)
            elif c in best and best[c][2] == a and (-score, c, a) > best[c]:
                stale.add(c)  # its best link got worse: its key is now a bound
            elif score >= threshold and (c not in best or (-score, c, a) < best[c]):
                best[c] = (-score, c, a)
                heappush(heap, best[c])
        stale.discard(a)
        if own is None:
            best.pop(a, None)
        else:
            best[a] = own
            heappush(heap, own)
        if key[1] in members and key[1] != a:
            find_best(key[1])  # a rival's claim merged another pair: the popped key's owner needs one again
    records.extend(_near_misses(members, links, threshold, review_floor, linkage))
    return records


def _near_misses(members: dict[int, list[int]], links: dict[int, dict[int, list]], threshold: float,
                 review_floor: float, linkage: Callable[[list, int], float]) -> list[MergeRecord]:
    """The links left between the review floor and the threshold, in order of (a, b): a reviewer's near misses."""
    found = []
    for a in sorted(links):
        for b in sorted(c for c in links[a] if c > a):
            link = links[a][b]
            score = linkage(link, len(members[a]) * len(members[b]))
            if review_floor <= score < threshold:
                found.append(MergeRecord(list(members[a]), list(members[b]), score, False, best_pair=link[3]))
    return found


def _imputed(link: tuple[float, int, float, int], full: int, impute: float) -> tuple[float, int, float, int]:
    """A link with its pairs not enumerated added at the imputed probability."""
    total, pairs, best, best_pair = link
    return (total + (full - pairs) * impute, full, best, best_pair) if pairs < full else link


def _impute_one_sided(links_a: dict[int, list], links_b: dict[int, list], members: dict[int, list[int]],
                      size_a: int, size_b: int, impute: float) -> None:
    """Before b is folded into a: a link only one side has gets the other side's pairs with that
    cluster at the imputed probability (all of them: none was enumerated), so every link stays whole."""
    for c, link in links_a.items():
        if c not in links_b:
            added = size_b * len(members[c])
            link[0] += added * impute
            link[1] += added
    for c, link in links_b.items():
        if c not in links_a:
            added = size_a * len(members[c])
            link[0] += added * impute
            link[1] += added


def _one_link(members: dict[int, list[int]], pair_links: dict[tuple[int, int], tuple[float, int, float, int]],
              merge: Callable[[int, int, int], list[str] | None], threshold: float, review_floor: float,
              single_weight: float) -> list[MergeRecord]:
    """`average_linkage` of a single link: merge, near miss or nothing, without the heap.

    No rival can claim either side (`_strongest_claim` needs two links), so the result is the
    one the loop gives; the score is computed with the same operations, so it is the same float.
    """
    ((a, b), (total, pairs, best, best_pair)), = pair_links.items()
    if b < a:
        a, b = b, a
    full = len(members[a]) * len(members[b])
    if pairs < full:
        return []
    score = (1.0 - single_weight) * total / full + single_weight * best
    if score < review_floor:
        return []
    if score < threshold:
        return [MergeRecord(list(members[a]), list(members[b]), score, False, best_pair=best_pair)]
    left, right = list(members[a]), list(members[b])
    reasons = merge(a, b, best_pair)
    return [] if reasons is None else [MergeRecord(left, right, score, True, reasons)]


def _strongest_claim(a: int, b: int, neg: float, links: dict[int, dict[int, list]], members: dict[int, list[int]],
                     conflicting: Callable[[int, int], bool], threshold: float,
                     linkage: Callable[[list, int], float]) -> tuple[int, int, float]:
    """The pair to merge instead of (a, b) when a rival of one side also claims the other (see above)."""
    for x, y in ((a, b), (b, a)):
        if len(links[x]) < 2:
            continue  # no rival can claim x
        best, best_total = y, links[x][y][0]
        size_x = len(members[x])
        for c, link in links[x].items():
            if not link[0] > best_total or c == y:  # the cheap tests first; the same conjunction as before
                continue
            full = size_x * len(members[c])
            if link[1] == full and linkage(link, full) >= threshold and conflicting(y, c):
                best, best_total = c, link[0]
        if best != y:
            lo, hi = (x, best) if x < best else (best, x)
            return lo, hi, -linkage(links[x][best], len(members[x]) * len(members[best]))
    return a, b, neg
