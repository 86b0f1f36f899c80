"""Constrained clustering: union-find for strong ids, average-linkage agglomeration for the rest.

Hand-written rather than `scipy.cluster.hierarchy` because the constraints are the
point: two clusters holding different ids of one kind (two OpenReview profiles, two
ORCIDs) must never merge, and neither may clusters a reviewer has kept apart. Average
linkage over the pairwise probabilities (the S2AND choice) means one lucky pair cannot
chain two people together; pairs that were never scored (incompatible names, same
paper) forbid the merge.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


class ConstrainedUnionFind:
    """Union-find whose sets carry strong ids; a union that would join two ids of one kind is refused."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.ids: dict[int, dict[str, str]] = {}

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def add_ids(self, item: int, ids: dict[str, str]) -> None:
        if ids:
            self.ids.setdefault(self.find(item), {}).update(ids)

    def conflicts(self, a: int, b: int) -> bool:
        ids_a, ids_b = self.ids.get(self.find(a), {}), self.ids.get(self.find(b), {})
        return any(kind in ids_b and ids_b[kind] != value for kind, value in ids_a.items())

    def union(self, a: int, b: int) -> bool:
        """Join the sets of a and b unless their strong ids conflict; True if they are (now) one set."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        if self.conflicts(root_a, root_b):
            return False
        if root_b < root_a:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        merged = {**self.ids.pop(root_b, {}), **self.ids.get(root_a, {})}
        if merged:
            self.ids[root_a] = merged
        return True


@dataclass
class MergeRecord:
    """One agglomeration step (or a near miss) with what the review queue needs to show it."""

    left: list[int]
    right: list[int]
    linkage: float
    merged: bool
    reasons: list[str] = field(default_factory=list)


def agglomerate(
    clusters: list[list[int]],
    candidates: Iterable[tuple[int, int]],
    linkage: Callable[[int, int], float | None],
    merge: Callable[[int, int], list[str] | None],
    threshold: float,
    review_floor: float,
) -> list[MergeRecord]:
    """Best-first merging of clusters (indices into `clusters`) while the linkage stays >= threshold.

    `linkage(a, b)` scores two current clusters from their merged evidence profiles
    (None: never merge); `merge(a, b)` folds b into a and returns the reasons, or None
    to refuse (strong-id conflict, a reviewer's no). Only `candidates` pairs and the pairs they inherit are
    ever scored, which keeps the work inside name-compatible groups. Returns one record
    per merge plus one per near miss (linkage in [review_floor, threshold)).
    """
    members = {cid: list(items) for cid, items in enumerate(clusters)}
    neighbours: dict[int, set[int]] = {cid: set() for cid in members}
    for a, b in candidates:
        if a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    version = dict.fromkeys(members, 0)
    heap: list[tuple[float, int, int, int, int]] = []

    def push(a: int, b: int) -> None:
        score = linkage(a, b)
        if score is not None and score >= review_floor:
            lo, hi = (a, b) if a < b else (b, a)
            heapq.heappush(heap, (-score, lo, hi, version[lo], version[hi]))

    for a in sorted(neighbours):
        for b in neighbours[a]:
            if a < b:
                push(a, b)
    records: list[MergeRecord] = []
    near: dict[tuple[int, int], tuple[float, int, int]] = {}
    while heap:
        neg, a, b, version_a, version_b = heapq.heappop(heap)
        if a not in members or b not in members or version[a] != version_a or version[b] != version_b:
            continue
        if -neg < threshold:
            near[(a, b)] = (-neg, version_a, version_b)
            continue
        left, right = list(members[a]), list(members[b])
        reasons = merge(a, b)
        if reasons is None:
            neighbours[a].discard(b)
            neighbours[b].discard(a)
            continue
        records.append(MergeRecord(left, right, -neg, True, reasons))
        members[a].extend(members.pop(b))
        version[a] += 1
        for c in neighbours.pop(b):
            if c != a:
                neighbours[c].discard(b)
                neighbours[c].add(a)
                neighbours[a].add(c)
        neighbours[a].discard(b)
        for c in sorted(neighbours[a]):
            push(a, c)
    for (a, b), (score, version_a, version_b) in sorted(near.items()):
        if a in members and b in members and (version[a], version[b]) == (version_a, version_b):
            records.append(MergeRecord(list(members[a]), list(members[b]), score, False))
    return records
