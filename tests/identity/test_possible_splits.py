"""Possible splits found through an index of co-author keys, checked against the pairwise definition.

Why: `possible_splits` compared every prolific profile of a name group with every later profile, a
set intersection per pair (quadratic in the group, ~4 % of resolution at 1M synthetic papers). It
now follows each profile's co-author keys to the later profiles that hold one. The review queue
must not change: the same partners, in the same order, for every prolific profile.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.identity.resolver import _holders, _later_sharers


def _pairwise(k: int, big: int, labels: list[int], counts: dict[int, set[int]]) -> list[int]:
    """The loop the index replaced: every later profile whose keys meet `big`'s."""
    return [other for other in labels[k + 1:] if counts[big] & counts[other]]


@st.composite
def _groups(draw: st.DrawFn) -> tuple[list[int], dict[int, set[int]]]:
    """A name group: profile labels with gaps, in a drawn order, each with a few keys from a small pool."""
    labels = draw(st.lists(st.integers(0, 500), min_size=1, max_size=25, unique=True))
    pool = draw(st.integers(1, 12))
    counts = {label: set(draw(st.lists(st.integers(0, pool), max_size=6))) for label in labels}
    return labels, counts


@settings(max_examples=1_000, deadline=None)
@given(_groups())
def test_the_index_finds_the_pairwise_partners_in_order(group: tuple[list[int], dict[int, set[int]]]) -> None:
    labels, counts = group
    holders = _holders(labels, counts)
    for k, big in enumerate(labels):
        assert _later_sharers(k, big, labels, counts, holders) == _pairwise(k, big, labels, counts)


def test_a_profile_is_never_its_own_partner_nor_one_before_it() -> None:
    labels = [7, 3, 9, 4]
    counts = {7: {1, 2}, 3: {2}, 9: {5}, 4: {1, 5}}
    holders = _holders(labels, counts)
    assert _later_sharers(0, 7, labels, counts, holders) == [3, 4]
    assert _later_sharers(1, 3, labels, counts, holders) == []  # 7 shares key 2 but comes before it
    assert _later_sharers(2, 9, labels, counts, holders) == [4]
