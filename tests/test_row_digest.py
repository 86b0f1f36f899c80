"""`incremental._row_digest`: equal rows give equal digests however their objects are shared, and every
difference a MERGE would write (a value, its type, a float's last bit) gives another digest."""

from __future__ import annotations

import sys
from collections import Counter

from ingest.incremental import _row_digest


def _row(name: str, **props: object) -> list[dict]:
    return [{"id": "author:1", "props": {"name": name, "papers": 3, "score": 0.25, "ids": ["a", "b"], **props}}]


def test_equal_rows_give_equal_digests_whatever_objects_they_share() -> None:
    shared = sys.intern("Ion Stoica")
    copied = "".join(["Ion ", "Stoica"])  # equal, another object, not interned
    assert copied is not shared
    assert _row_digest(_row(shared) + _row(shared)) == _row_digest(_row(shared) + _row(copied))


def test_every_difference_changes_the_digest() -> None:
    base = _row_digest(_row("Ion Stoica"))
    variants = [_row("Ion Stoica", papers=3.0), _row("Ion Stoica", papers=True), _row("Ion  Stoica"),
                _row("Ion Stoica", ids=("a", "b")), _row("Ion Stoica", score=0.25000000000000006),
                _row("Ion Stoica", extra=None)]
    digests = {_row_digest(rows) for rows in variants}
    assert base not in digests and len(digests) == len(variants)


def test_a_value_marshal_cannot_write_is_digested_too() -> None:
    counted = _row("Ion Stoica", venues=Counter(OSDI=2))  # a dict subclass: marshal refuses it
    assert _row_digest(counted) == _row_digest(_row("Ion Stoica", venues=Counter(OSDI=2)))
    assert _row_digest(counted) != _row_digest(_row("Ion Stoica", venues=Counter(OSDI=3)))
