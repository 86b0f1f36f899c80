"""Average-linkage agglomeration over fixed pair probabilities: cannot-links, claims, refusals."""

from __future__ import annotations

from ingest.identity.cluster import average_linkage


def _merge_all(a: int, b: int, best_pair: int) -> list[str]:
    return [f"pair {best_pair}"]


def test_a_missing_pair_forbids_the_merge_even_after_other_merges() -> None:
    # 0-1 and 1-2 are strong, 0-2 was never scored (say 'Matt' vs 'Matthias'): 2 must stay apart
    members = {0: [0], 1: [1], 2: [2]}
    links = {(0, 1): (0.99, 1, 0.99, 7), (1, 2): (0.95, 1, 0.95, 8)}
    records = average_linkage(members, links, _merge_all, threshold=0.6, review_floor=0.5)
    merged = [r for r in records if r.merged]
    assert len(merged) == 1 and sorted(merged[0].left + merged[0].right) == [0, 1]
    assert merged[0].reasons == ["pair 7"]


def test_average_not_best_pair_decides() -> None:
    # cluster {0, 1} against 2: one strong pair (0.9) and one weak (0.1) average 0.5 < 0.6
    members = {0: [0], 1: [1], 2: [2]}
    links = {(0, 1): (0.99, 1, 0.99, 0), (0, 2): (0.9, 1, 0.9, 1), (1, 2): (0.1, 1, 0.1, 2)}
    records = average_linkage(members, links, _merge_all, threshold=0.6, review_floor=0.4)
    assert [sorted(r.left + r.right) for r in records if r.merged] == [[0, 1]]
    near = [r for r in records if not r.merged]
    assert len(near) == 1 and abs(near[0].linkage - 0.5) < 1e-9


def test_conflicting_claimants_yield_to_the_strongest_evidence() -> None:
    # 1 (unlabelled, 3 mentions) is claimed by 0 (1 mention, avg 0.99) and 2 (4 mentions, avg 0.9);
    # 0 and 2 hold different strong ids, so 1 goes to 2, which has the most summed evidence
    members = {0: [0], 1: [1, 2, 3], 2: [4, 5, 6, 7]}
    links = {(0, 1): (0.99 * 3, 3, 0.99, 0), (1, 2): (0.9 * 12, 12, 0.95, 1)}
    records = average_linkage(members, links, _merge_all, threshold=0.6, review_floor=0.5,
                              conflicting=lambda x, y: {x, y} == {0, 2})
    assert [sorted(r.left + r.right) for r in records if r.merged] == [[1, 2, 3, 4, 5, 6, 7]]
    without_ids = average_linkage(members, links, _merge_all, threshold=0.6, review_floor=0.5)
    assert [sorted(r.left + r.right) for r in without_ids if r.merged][0] == [0, 1, 2, 3]


def test_a_refused_merge_is_never_retried() -> None:
    members = {0: [0], 1: [1], 2: [2]}
    links = {(0, 1): (0.9, 1, 0.9, 0), (0, 2): (0.8, 1, 0.8, 1), (1, 2): (0.85, 1, 0.85, 2)}
    calls: list[tuple[int, int]] = []

    def refuse_all(a: int, b: int, best_pair: int) -> None:
        calls.append((a, b))
        return None

    records = average_linkage(members, links, refuse_all, threshold=0.6, review_floor=0.5)
    assert not [r for r in records if r.merged] and len(calls) == len(set(calls)) == 3


def test_single_weight_lets_a_strong_pair_lift_a_weak_average() -> None:
    # {0, 1} against 2: pairs 0.95 and 0.15 average 0.55; with half the weight on the best pair, 0.75
    members = {0: [0], 1: [1], 2: [2]}
    links = {(0, 1): (0.99, 1, 0.99, 0), (0, 2): (0.95, 1, 0.95, 1), (1, 2): (0.15, 1, 0.15, 2)}
    average_only = average_linkage(members, links, _merge_all, threshold=0.6, review_floor=0.5)
    assert [sorted(r.left + r.right) for r in average_only if r.merged] == [[0, 1]]
    lifted = average_linkage(members, links, _merge_all, threshold=0.6, review_floor=0.5, single_weight=0.5)
    assert [sorted(r.left + r.right) for r in lifted if r.merged] == [[0, 1], [0, 1, 2]]
    assert abs(lifted[-1].linkage - 0.75) < 1e-9
