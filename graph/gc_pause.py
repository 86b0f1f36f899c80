"""Pausing Python's cyclic garbage collector around bulk work.

A build and a cache load allocate millions of small acyclic objects (records, row dicts, tuples);
the collector's repeated full scans of them cost ~20% of a build and half of a cache load
(measured: 4.7 vs 9-11 s for the full snapshot's analytics cache) and reclaim nothing.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_frozen_for_good = False  # `freeze` was called: objects sit in the permanent generation for good


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The collector off inside the block, back to its previous state after it (nesting is safe).

    Leaving the outermost block moves every object the block left alive to the oldest generation
    (`gc.freeze` then `gc.unfreeze`) before the collector is back on. Why: they were all still in the
    youngest one, so the first allocation afterwards scanned them all. After a cold build that was ~0.5 s
    for ~570k survivors (mostly the name-parsing memos), reclaiming 20–50 objects (BENCHMARKS.md, session
    47). They stay collectable: the oldest generation's full collections still scan them. Not when another
    caller has frozen objects for good (`freeze`: the explorer's preload, ui/serve.py): `gc.unfreeze` would
    thaw those too, and every full collection afterwards scanned the whole preload again (each page of the
    explorer took 0.3-1.1 s longer, BENCHMARKS.md, "Store reads"). Then what the block made stays young.

    Threads (the explorer's reads): the collector is process-wide, so a block that begins inside another
    thread's block finds it off and leaves it alone; the block that turned it off turns it back on, even if
    the other is still running (which then finishes with the collector on: slower, never wrong). It is never
    left off (tests/test_gc_pause.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not _frozen_for_good:  # unfreezing would also thaw what `freeze` froze
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def freeze() -> None:
    """`gc.freeze()` of objects kept for the process's life (the explorer's preload, ui/serve.py), which
    `gc_paused` then leaves frozen. (It asks this flag, not `gc.get_freeze_count()`, which walks every
    frozen object: ~0.1 s per store read after the preload.)"""
    global _frozen_for_good
    gc.freeze()
    _frozen_for_good = True


def unfreeze() -> None:
    """Undo `freeze` (tests that run the preload in their own process)."""
    global _frozen_for_good
    gc.unfreeze()
    _frozen_for_good = False
