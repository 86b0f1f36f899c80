"""graph/gc_pause.py: what leaving a pause does to the collector."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from graph import gc_pause
from graph.gc_pause import gc_paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture()
def collections_started() -> Iterator[list[int]]:
    started: list[int] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            started.append(info["generation"])

    was_enabled = gc.isenabled()
    gc.enable()
    gc.collect()
    gc.callbacks.append(note)
    try:
        yield started
    finally:
        gc.callbacks.remove(note)
        if not was_enabled:
            gc.disable()


def test_what_a_pause_leaves_alive_is_not_scanned_when_it_ends(collections_started: list[int]) -> None:
    with gc_paused():
        kept = [[] for _ in range(50_000)]  # far past the youngest generation's threshold (700)
    assert gc.isenabled()
    more = [[] for _ in range(100)]  # what made the collector scan all 50k at once
    assert collections_started == []
    assert all(map(gc.is_tracked, kept)) and len(more) == 100


def test_a_cycle_dropped_during_a_pause_is_still_collected(collections_started: list[int]) -> None:
    with gc_paused():
        first, second = _Node(), _Node()
        first.other, second.other = second, first
        gone = weakref.ref(first)
        del first, second
    assert gone() is not None  # a cycle: only the collector frees it
    gc.collect()
    assert gone() is None  # promoted to the oldest generation, not frozen for good
    assert gc.get_freeze_count() == 0


def test_pauses_in_two_threads_that_overlap_leave_the_collector_on() -> None:
    """`FalkorStore.read` pauses the collector, and the explorer reads from several threads at once. The
    collector is process-wide, so the second block finds it off; when the blocks end in the other order than
    they began, it must still end on (a block that restored the state it found would leave it off for good)."""
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with gc_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with gc_paused():  # found the collector off: the first thread's pause
            second_in.set()
            first_out.wait(5)

    was_enabled = gc.isenabled()
    gc.enable()
    try:
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert gc.isenabled()
        assert gc.get_freeze_count() == 0
    finally:
        if not was_enabled:
            gc.disable()


def _frozen(obj: object) -> bool:
    """In the permanent generation: tracked, yet in none of the collector's three generations. (Not by
    `gc.get_freeze_count()`: any other frozen object that dies while the test runs, in this xdist worker's
    other code, lowers the count; CI failed on that once.)"""
    return gc.is_tracked(obj) and all(other is not obj for other in gc.get_objects())


def test_a_pause_leaves_what_another_caller_froze_frozen() -> None:
    """The explorer's preload freezes its caches (ui/serve.py) so that full collections skip them; every store
    read pauses the collector, and unfreezing at its end thawed the preload, which every later full collection
    then scanned again."""
    gc.collect()
    cached = [[index] for index in range(10_000)]
    gc_pause.freeze()
    try:
        assert _frozen(cached) and _frozen(cached[-1])
        with gc_paused():
            made = [[index] for index in range(1_000)]
        assert _frozen(cached) and _frozen(cached[-1])
        assert gc.isenabled() and all(map(gc.is_tracked, made))
        assert not _frozen(made)
    finally:
        gc_pause.unfreeze()
    assert gc.get_freeze_count() == 0 and not _frozen(cached)
