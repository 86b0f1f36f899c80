"""`GivenIndex` finds exactly the given names `names.given_relation` relates, in the block's order.

The ingest's online run takes a cached person into its run by these lookups (`incremental._online_subset`); a
name the index missed would leave a person out that a full build compares, one it added too many would put
more people into the run. Both are checked against `given_relation` itself, over blocks of initials, prefixes,
hypocorisms (both directions of the table), unrelated names and the empty given name.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.identity.given_index import GivenIndex
from ingest.identity.names import given_relation

# related in every way given_relation knows: initials, prefixes of 3+ letters (and the 2-letter ones that are not),
# hypocorisms one way only ('bob' -> 'bert' is in the table, 'bert' -> 'bob' is not), and names only alike
_NAMES = ["", "t", "th", "tho", "thom", "thomas", "tom", "tommy", "tomas", "m", "ma", "mat", "matt", "matthew",
          "mathew", "matthias", "mattie", "b", "bo", "bob", "bobby", "bert", "robert", "rob", "r", "al", "alex",
          "alexander", "alec", "a", "wei", "weiwei", "w", "william", "will", "wil", "willy", "yu", "yun", "y", "yuan"]


def _brute(values: dict[str, int], givens: tuple[str, ...] | None) -> list[int]:
    return [value for name, value in values.items()
            if not name or givens is None or any(given_relation(g, name) is not None for g in givens)]


@settings(max_examples=400, deadline=None)
@given(block=st.lists(st.sampled_from(_NAMES), unique=True, max_size=25),
       givens=st.none() | st.lists(st.sampled_from(_NAMES), max_size=3).map(tuple))
def test_the_index_finds_what_given_relation_relates_in_the_blocks_order(block: list[str],
                                                                         givens: tuple[str, ...] | None) -> None:
    values = {name: at for at, name in enumerate(block)}
    assert GivenIndex(values).related(givens) == _brute(values, givens)


def test_each_relation_is_found() -> None:
    values = {name: name for name in ["", "t", "thomas", "tom", "tommy", "tomas", "matt", "yu"]}
    index = GivenIndex(values)
    # 'tom': itself, its initial, its prefix-longer names, its hypocorism 'thomas', and the empty name
    assert index.related(("tom",)) == ["", "t", "thomas", "tom", "tommy", "tomas"]
    assert index.related(("t",)) == ["", "t", "thomas", "tom", "tommy", "tomas"]  # an initial meets its letter
    assert index.related(("yu",)) == ["", "yu"]  # two letters are no prefix of anything
    assert index.related(("matthew",)) == ["", "matt"]  # 'matt' is a prefix of 3+ letters
    assert index.related(None) == list(values)
