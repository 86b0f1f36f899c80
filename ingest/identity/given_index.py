"""The given names of one name block, found by how another given name can relate to them.

Why: an ingest takes into its run every cached person of a new mention's block whose given name
`names.given_relation` relates to the mention's (`incremental._online_subset`). It asked that of every
given name of the block, once per new mention, and blocks such as 'wang|y' hold hundreds of given names
and meet many new mentions: the function took 0.67 s of CPU of a ~10 s ingest of 1,000 ICML papers, ~0.53 s
since (BENCHMARKS.md, "Incremental ingest › session 67"). Each relation
`given_relation` knows has a lookup here instead (the name itself, its initial, its prefixes, the
names it prefixes, its hypocorisms), so a mention costs what it finds, not what its block holds.
`tests/identity/test_given_index.py` checks the lookups against `given_relation` itself.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

from ingest.identity import hypocorisms

_PREFIX_MIN = 3  # the shortest short form `given_relation` calls a prefix
Holder = TypeVar("Holder")


class GivenIndex(Generic[Holder]):
    """`values` (given name -> what the block holds under it) looked up by related given names."""

    def __init__(self, values: Mapping[str, Holder]) -> None:
        self.values = values
        self._order = {given: at for at, given in enumerate(values)}
        self._long = sorted(given for given in values if len(given) > 1)
        self._by_first: dict[str, list[str]] = defaultdict(list)
        for given in values:
            if given:
                self._by_first[given[0]].append(given)

    def related(self, givens: Iterable[str] | None) -> list[Holder]:
        """The values of the block's given names one of `givens` may be (`given_relation` is not None), with the
        empty given name's (a name without one meets everyone); every value when `givens` is None. In the
        block's own order, as a loop over it would meet them."""
        if givens is None:
            return list(self.values.values())
        found = {""} & self.values.keys()
        for given in givens:
            found |= self._related_to(given)
        return [self.values[given] for given in sorted(found, key=self._order.__getitem__)]

    def _related_to(self, given: str) -> set[str]:
        values = self.values
        found = {given} & values.keys()  # 'same' (for the empty name too)
        if not given:
            return found
        if len(given) == 1:  # an initial: every name of that letter
            found.update(self._by_first.get(given, ()))
            return found
        if given[0] in values:  # an initial of it
            found.add(given[0])
        for end in range(_PREFIX_MIN, len(given)):  # its prefixes of 3 letters or more
            if given[:end] in values:
                found.add(given[:end])
        if len(given) >= _PREFIX_MIN:  # the longer names it is a prefix of
            at = bisect_left(self._long, given)
            while at < len(self._long) and self._long[at].startswith(given):
                found.add(self._long[at])
                at += 1
        found.update(name for name in hypocorisms.relatives(given) if len(name) > 1 and name in values)
        return found


__all__ = ["GivenIndex"]
