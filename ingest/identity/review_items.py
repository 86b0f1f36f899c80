"""The review queue of a resolution, held on disk as the JSON lines its file gets until someone reads an item.

Why: a build keeps the queue from resolution until it writes `review_queue.jsonl`. As dicts (two
sides of up to five papers each) 118,128 items of 250k synthetic papers took 227 MiB, and at 1M
papers they were the build's memory peak; held as text in memory they still added ~0.45 GiB there
(BENCHMARKS.md, "Memory"). So the lines go to an unnamed temporary file as each item is made, and
memory keeps two integers per item. Writing the queue copies the lines; reading an item parses one.
The file is the process's own: the OS deletes it when the object is gone or the process ends, and a
pickle (the forked child that makes the items, `resolver.run_resolution`) carries the lines themselves.
"""

from __future__ import annotations

import json
import os
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any, overload


def encode(item: dict) -> str:
    """One queue line (without its newline): the form `review.write_queue` has always written (ASCII)."""
    return json.dumps(item, sort_keys=True)


class ReviewItems(Sequence[dict]):
    """A sequence of review items (dicts) whose lines live in a temporary file; each read parses a fresh dict."""

    def __init__(self, items: Iterable[dict] = ()) -> None:
        self._file: IO[bytes] | None = None
        self._written = 0  # bytes written so far: where the next line starts
        self._starts = array("q")  # per item, in order: its line's offset and length in the file
        self._sizes = array("q")
        for item in items:
            self.add(item)

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> ReviewItems:
        made = cls()
        for line in lines:
            made._append(line)
        return made

    def add(self, item: dict) -> int:
        """Append an item; returns its position, for `reorder`."""
        return self._append(encode(item))

    def reorder(self, positions: Sequence[int]) -> None:
        """Keep the items at these positions, in this order (items not named are dropped)."""
        self._starts = array("q", (self._starts[k] for k in positions))
        self._sizes = array("q", (self._sizes[k] for k in positions))

    def lines(self) -> Iterator[str]:
        if self._file is not None:
            self._file.flush()
        for start, size in zip(self._starts, self._sizes, strict=True):
            yield self._read(start, size)

    def _append(self, line: str) -> int:
        data = line.encode("utf-8")  # ASCII from `encode`; any text from `from_lines`
        if self._file is None:
            self._file = tempfile.TemporaryFile()
        self._file.write(data)
        self._starts.append(self._written)
        self._sizes.append(len(data))
        self._written += len(data)
        return len(self._starts) - 1

    def _read(self, start: int, size: int) -> str:
        assert self._file is not None
        return os.pread(self._file.fileno(), size, start).decode("utf-8")  # positional: no shared seek

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> dict: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict]: ...

    def __getitem__(self, index: int | slice) -> dict | list[dict]:
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        if self._file is not None:
            self._file.flush()
        position = range(len(self))[index]  # negative indices; IndexError past the end
        return json.loads(self._read(self._starts[position], self._sizes[position]))

    def __iter__(self) -> Iterator[dict]:
        return (json.loads(line) for line in self.lines())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ReviewItems):
            return len(self) == len(other) and all(
                mine == theirs for mine, theirs in zip(self.lines(), other.lines(), strict=True))
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(other) == len(self) and all(mine == theirs for mine, theirs in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compared by content, like a list: not hashable

    def __reduce__(self) -> tuple[Any, tuple[list[str]]]:
        return ReviewItems.from_lines, (list(self.lines()),)

    def __repr__(self) -> str:
        return f"ReviewItems({len(self)} items)"
