"""The review queue of a resolution, held as the JSON lines its file gets until someone reads an item.

Why: a build keeps the queue from resolution until it writes `review_queue.jsonl`. As dicts (two
sides of up to five papers each) 118,128 items of 250k synthetic papers took 227 MiB against 53 MiB
pickled, and at 1M papers they were the build's memory peak (BENCHMARKS.md, "Memory"). As the lines
of the queue file (sorted keys, ASCII), writing the file is a join and reading an item parses one line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import overload


def encode(item: dict) -> str:
    """One queue line (without its newline): the form `review.write_queue` has always written."""
    return json.dumps(item, sort_keys=True)


class ReviewItems(Sequence[dict]):
    """A sequence of review items (dicts) stored as their queue lines; each read parses a fresh dict."""

    __slots__ = ("_lines",)

    def __init__(self, items: Iterable[dict] = ()) -> None:
        self._lines = [encode(item) for item in items]

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> ReviewItems:
        made = cls()
        made._lines = list(lines)
        return made

    def lines(self) -> list[str]:
        return self._lines

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> dict: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict]: ...

    def __getitem__(self, index: int | slice) -> dict | list[dict]:
        if isinstance(index, slice):
            return [json.loads(line) for line in self._lines[index]]
        return json.loads(self._lines[index])

    def __iter__(self) -> Iterator[dict]:
        return (json.loads(line) for line in self._lines)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ReviewItems):
            return self._lines == other._lines
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(other) == len(self) and all(mine == theirs for mine, theirs in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking sequence: like a list, not hashable

    def __repr__(self) -> str:
        return f"ReviewItems({len(self._lines)} items)"
