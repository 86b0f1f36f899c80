"""The agglomeration loop `cluster.average_linkage` ran until session 59: every link in one heap.

Why it is kept: it is the baseline of benchmarks/bench_linkage.py (measured in the same run) and
the reference of tests/identity/test_cluster_order.py, which checks that the loop with one heap
key per cluster merges, refuses, claims and reports near misses exactly as this one did. Copied
unchanged from ingest/identity/cluster.py at a558943; it shares that module's helpers.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from ingest.identity.cluster import MergeRecord, _impute_one_sided, _imputed, _one_link, _strongest_claim


def every_link_in_a_heap(
    members: dict[int, list[int]],
    pair_links: dict[tuple[int, int], tuple[float, int, float, int]],
    merge: Callable[[int, int, int], list[str] | None],
    threshold: float,
    review_floor: float,
    conflicting: Callable[[int, int], bool] | None = None,
    single_weight: float = 0.0,
    impute: float | None = None,
) -> list[MergeRecord]:
    """`cluster.average_linkage` as it was: one heap entry per link, pushed again after every merge."""
    if impute is not None:
        pair_links = {key: _imputed(link, len(members[key[0]]) * len(members[key[1]]), impute)
                      for key, link in pair_links.items()}
    if len(pair_links) == 1:
        return _one_link(members, pair_links, merge, threshold, review_floor, single_weight)
    members = {cid: list(items) for cid, items in members.items()}
    # links[a][b] = [summed probability, scored pairs, best probability, best pair], shared by both sides
    links: dict[int, dict[int, list]] = {cid: {} for cid in members}
    version = dict.fromkeys(members, 0)
    heap: list[tuple[float, int, int, int, int]] = []
    # linkage_score written out in the loops below (the same operations in the same order, so the
    # same floats): this loop is the resolution's hottest Python, one call per link after each merge.
    keep_weight = 1.0 - single_weight

    def linkage(link: list, full: int) -> float:
        return keep_weight * link[0] / full + single_weight * link[2]

    for (a, b), (total, pairs, best, best_pair) in pair_links.items():
        full = len(members[a]) * len(members[b])
        if pairs < full:
            continue  # an unscored pair between them: never one person
        links[a][b] = links[b][a] = [total, pairs, best, best_pair]
        score = keep_weight * total / full + single_weight * best
        if score >= review_floor:
            heap.append((-score, a, b, 0, 0) if a < b else (-score, b, a, 0, 0))
    heapq.heapify(heap)
    heappush, heappop = heapq.heappush, heapq.heappop

    records: list[MergeRecord] = []
    near: dict[tuple[int, int], tuple[float, int, int]] = {}
    while heap:
        neg, a, b, version_a, version_b = heappop(heap)
        if a not in members or b not in members or version[a] != version_a or version[b] != version_b \
                or b not in links[a]:  # stale, or refused since it was queued
            continue
        if -neg < threshold:
            near[(a, b)] = (-neg, version_a, version_b)
            continue
        if conflicting is not None:
            a, b, neg = _strongest_claim(a, b, neg, links, members, conflicting, threshold, linkage)
        left, right = list(members[a]), list(members[b])
        reasons = merge(a, b, links[a][b][3])
        if reasons is None:
            del links[a][b], links[b][a]
            continue
        records.append(MergeRecord(left, right, -neg, True, reasons))
        members[a].extend(members.pop(b))
        version[a] += 1
        del links[a][b], links[b][a]
        links_a = links[a]
        if impute is not None:  # a side's pairs with the clusters only the other side has links to
            _impute_one_sided(links_a, links[b], members, len(left), len(right), impute)
        for c, link_bc in links.pop(b).items():
            del links[c][b]
            link_ac = links_a.get(c)
            if link_ac is None:
                links_a[c] = links[c][a] = link_bc
            else:
                link_ac[0] += link_bc[0]
                link_ac[1] += link_bc[1]
                if link_bc[2] > link_ac[2]:
                    link_ac[2], link_ac[3] = link_bc[2], link_bc[3]
        # re-queue a's links (Lance-Williams sums above; never re-scored), in order of c
        size_a, stamp_a = len(members[a]), version[a]
        for c in sorted(links_a):
            link = links_a[c]
            full = size_a * len(members[c])
            if link[1] < full:
                del links_a[c], links[c][a]  # an unscored pair between them: never one person
                continue
            score = keep_weight * link[0] / full + single_weight * link[2]
            if score >= review_floor:
                heappush(heap, (-score, a, c, stamp_a, version[c]) if a < c else (-score, c, a, version[c], stamp_a))
    for (a, b), (score, version_a, version_b) in sorted(near.items()):
        if a in members and b in members and (version[a], version[b]) == (version_a, version_b) \
                and b in links[a]:
            records.append(MergeRecord(list(members[a]), list(members[b]), score, False,
                                       best_pair=links[a][b][3]))
    return records
