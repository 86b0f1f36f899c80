"""The agglomeration's merge order, checked against the form it replaced.

Why: `average_linkage` keeps one heap key per cluster instead of one per link (issue 20: on
100k synthetic papers the heap popped ~31 keys per merge). Which link merges next, how ties
break, which merges are refused, rivals' claims and the near misses must all stay what they were,
or people move. `benchmarks/linkage_reference.py` keeps the earlier loop, copied unchanged from
ingest/identity/cluster.py at a558943; both run on random blocks with tied scores, missing pairs,
conflicting ids, refusals and imputed pairs, and must give the same records and the same calls.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.linkage_reference import every_link_in_a_heap
from ingest.identity.cluster import MergeRecord, average_linkage


@st.composite
def _blocks(draw: st.DrawFn) -> dict:
    """A block of 2-9 clusters: coarse probabilities (so scores tie), some pairs unscored, some ids in conflict."""
    count = draw(st.integers(2, 9))
    members, start = {}, 0
    for cid in range(count):
        size = draw(st.integers(1, 3))
        members[cid * 3] = list(range(start, start + size))  # cluster ids with gaps, as roots are
        start += size
    ids = sorted(members)
    links = {}
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if not draw(st.booleans()):
                continue
            full = len(members[a]) * len(members[b])
            pairs = full if draw(st.integers(0, 5)) else draw(st.integers(1, full))
            each = draw(st.sampled_from([0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]))
            top = draw(st.sampled_from([each, min(1.0, each + 0.1)]))
            links[(a, b) if draw(st.booleans()) else (b, a)] = (each * pairs, pairs, top, draw(st.integers(0, 50)))
    labelled = draw(st.sets(st.sampled_from(ids), max_size=3))
    refused = draw(st.sets(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=3))
    return {"members": members, "links": links, "labelled": labelled, "refused": refused,
            "threshold": draw(st.sampled_from([0.6, 0.7])), "floor": draw(st.sampled_from([0.4, 0.55])),
            "weight": draw(st.sampled_from([0.0, 0.6])), "impute": draw(st.sampled_from([None, 0.5, 0.75]))}


def _run(agglomerate: Callable[..., list[MergeRecord]], block: dict) -> tuple[list, list]:
    calls: list[tuple[int, int, int]] = []

    def merge(a: int, b: int, best_pair: int) -> list[str] | None:
        calls.append((a, b, best_pair))
        return None if (a, b) in block["refused"] else [f"pair {best_pair}"]

    labelled = block["labelled"]
    records = agglomerate({cid: list(items) for cid, items in block["members"].items()}, dict(block["links"]),
                          merge, block["threshold"], block["floor"],
                          (lambda x, y: x in labelled and y in labelled) if len(labelled) > 1 else None,
                          block["weight"], block["impute"])
    return [(r.left, r.right, r.linkage, r.merged, r.reasons, r.best_pair) for r in records], calls


@settings(max_examples=2000, deadline=None)
@given(_blocks())
def test_merges_ties_refusals_claims_and_near_misses_are_the_heap_of_every_links(block: dict) -> None:
    assert _run(average_linkage, block) == _run(every_link_in_a_heap, block)


def test_a_person_of_many_mentions_merges_as_before() -> None:
    # one prolific person (40 singletons, every pair strong) beside two namesakes: the shape the new heap is for
    members = {cid: [cid] for cid in range(42)}
    links = {(a, b): (0.9 if b < 40 else 0.2, 1, 0.9 if b < 40 else 0.2, a * 100 + b)
             for a in range(42) for b in range(a + 1, 42)}
    block = {"members": members, "links": links, "labelled": set(), "refused": set(), "threshold": 0.7,
             "floor": 0.1, "weight": 0.6, "impute": None}
    records, calls = _run(average_linkage, block)
    assert (records, calls) == _run(every_link_in_a_heap, block)
    merged = [left + right for left, right, _score, was_merged, _reasons, _pair in records if was_merged]
    assert len(merged) == 39 and sorted(merged[-1]) == list(range(40))  # the namesakes 40 and 41 stay apart
