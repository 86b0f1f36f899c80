"""`pairs._block_pairs` enumerates exactly the pairs of a block whose given names could be one person's.

A pair it misses is never scored, so two mentions of one person stay apart; a pair it repeats is scored and
counted twice. Both are checked against the definition itself: every pair of mentions whose given names
`names.given_relation` relates, or one of whose parenthesised nicknames ('Harry (Huazhe) Xu') it relates to the
other's given name, each once. The blocks mix initials, prefixes, hypocorisms, unrelated names, the empty name and
mentions that share a nickname, as large name blocks do.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.identity.names import given_relation
from ingest.identity.pairs import _block_pairs

_NAMES = ["", "h", "ha", "har", "harry", "harold", "hal", "huazhe", "hua", "t", "tom", "thomas", "tommy", "m",
          "matt", "matthew", "mathew", "y", "yu", "yun", "yuan", "w", "will", "william", "wei"]
_NICKNAMES = [("huazhe",), ("harry",), ("tom",), ("yun",), ("huazhe", "hua"), ("huazhe", "tom"), ("yun", "wei")]


def _brute(givens: list[str], alternatives: dict[int, tuple[str, ...]]) -> list[tuple[int, int]]:
    def related(i: int, j: int) -> bool:
        return (given_relation(givens[i], givens[j]) is not None
                or any(given_relation(name, givens[j]) for name in alternatives.get(i, ()))
                or any(given_relation(name, givens[i]) for name in alternatives.get(j, ())))

    return [(i, j) for i in range(len(givens)) for j in range(i + 1, len(givens)) if related(i, j)]


@settings(max_examples=300, deadline=None)
@given(givens=st.lists(st.sampled_from(_NAMES), min_size=2, max_size=40),
       nicknamed=st.dictionaries(st.integers(0, 39), st.sampled_from(_NICKNAMES), max_size=8))
def test_each_related_pair_once(givens: list[str], nicknamed: dict[int, tuple[str, ...]]) -> None:
    alternatives = {i: names for i, names in nicknamed.items() if i < len(givens)}
    left, right = _block_pairs(list(range(len(givens))), givens, alternatives or None)
    found = sorted(zip(left.tolist(), right.tolist(), strict=True))
    assert found == _brute(givens, alternatives)  # sorted, and each pair once


def test_a_nickname_pairs_its_mention_with_every_mention_of_the_names_it_relates() -> None:
    # 0: 'Harry (Huazhe) Xu'; 1, 3: 'Huazhe Xu'; 2: 'Hua Xu' (a prefix of the nickname); 4: 'Tom Xu' (unrelated)
    givens = ["harry", "huazhe", "hua", "huazhe", "tom"]
    left, right = _block_pairs([0, 1, 2, 3, 4], givens, {0: ("huazhe",)})
    assert sorted(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3),
                                                                       (2, 3)]
