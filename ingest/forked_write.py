"""Write files in forked children, so a cold build does not wait for its own cache.

Pickling and compressing the build cache's entries took ~10 s of a ~60 s cold build on the
full snapshot (read files 2.8 s, merged papers 2.7, resolution 2.9, tags 0.3, rows 1.9),
all on the critical path while the second core sat idle for most of it. A forked child
sees the objects exactly as they were at the fork (copy-on-write), so it writes the same
bytes a synchronous write would, even if this process changes them afterwards; the
writer here pickles in the child and carries on.

Semantics kept: a reader in this process waits for a pending write of the same path
(`wait(path)`), the build waits for all of them before it returns, and at exit nothing
is left half-done (`atexit`). A child that fails leaves no file (writes go through a
temporary file renamed into place) and a warning: the cache is an optimisation, so a
lost entry is recomputed next time, never wrong. Where `fork` is unavailable (not Linux)
the write happens in this process, as before.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

FORK_AVAILABLE = sys.platform == "linux" and hasattr(os, "fork")

# Writers yield the cores to the build's own processes (resolution here, tagging in its worker): the build
# waits for its entries only at the very end, so a write that runs in the gaps costs it nothing, while one
# that takes a core from resolution delays everything after it (BENCHMARKS.md, "Build").
WRITER_NICENESS = 10

_pending: dict[int, tuple[Path, ...]] = {}  # child pid -> the paths it writes


def write_in_child(paths: tuple[Path, ...], write: Callable[[], None]) -> None:
    """Run `write` (which creates `paths`) in a forked child; in this process where fork is unavailable."""
    if not FORK_AVAILABLE:
        write()
        return
    for path in paths:  # a newer write of a path must not race an older one
        wait(path)
    sys.stdout.flush()  # nothing buffered here may be written twice (the child never flushes)
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: write, then leave without running this process's exit handlers or flushing
        status = 0
        try:
            os.nice(WRITER_NICENESS)
            write()
        except BaseException:  # noqa: BLE001 - reported to the parent by the exit status, details on stderr
            status = 1
            os.write(2, f"cache write in child {os.getpid()} failed:\n{traceback.format_exc()}".encode())
        os._exit(status)
    _pending[pid] = paths


def wait(path: Path | None = None) -> None:
    """Wait for the pending writes of `path` (every pending write with None)."""
    for pid, paths in list(_pending.items()):
        if path is None or path in paths:
            _reap(pid)


def pending() -> int:
    return len(_pending)


def _reap(pid: int) -> None:
    paths = _pending.pop(pid)
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:  # already reaped elsewhere (e.g. a SIGCHLD handler): nothing to report
        return
    if os.waitstatus_to_exitcode(status) != 0:
        log.warning("writing %s in a child process failed (exit status %s); it will be recomputed next time",
                    ", ".join(p.name for p in paths), os.waitstatus_to_exitcode(status))


atexit.register(wait)
