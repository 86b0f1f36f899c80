"""One build at a time per data directory.

Two builds (or an ingest, which rebuilds) on one data directory used to share the
staging graph key: the second deleted what the first was writing, and both reported
success over an empty graph. `build_lock` is an `fcntl` lock on `build.lock` in the
data directory: the kernel drops it when its holder dies, even on SIGKILL, so a killed
build never blocks the next one. A second build waits (saying so) for the first, up to
`ATLAS_BUILD_LOCK_WAIT` seconds, then stops with a one-line error.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from graph.errors import BuildLockedError

LOCK_NAME = "build.lock"


def _holder(handle_path: Path) -> str:
    try:
        pid = handle_path.read_text().strip()
    except OSError:
        return "another process"
    return f"pid {pid}" if pid else "another process"


@contextlib.contextmanager
def build_lock(data_dir: Path, *, wait: float = 900.0, poll: float = 0.2,
               notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the data directory's build lock for the block, waiting up to `wait` seconds for it."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = data_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildLockedError(
                        f"another build or ingest ({_holder(path)}) is still running on {data_dir}; "
                        f"waited {wait:g}s. Let it finish and run this again.") from None
                if not told:
                    message = (f"another build or ingest ({_holder(path)}) is running on {data_dir}; "
                               f"waiting for it to finish (up to {wait:g}s)...")
                    (notify or (lambda m: print(m, file=sys.stderr, flush=True)))(message)
                    told = True
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def build_running(data_dir: Path) -> bool:
    """Whether some process holds the build lock right now (without waiting for it)."""
    path = data_dir / LOCK_NAME
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
