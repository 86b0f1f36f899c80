"""Compute a function's result in a forked child while this process does something else.

Why: parts of a cold build run in its own process while the other core is partly idle.
Scoring the later half of the candidate pairs (ingest/identity/pairs.py), packing the
relationship tokens of `GRAPH.BULK` and making the people-search tables are each
independent of what this process does meanwhile (BENCHMARKS.md, "Build"). A forked child
sees this process's objects as they were at the fork (nothing is pickled on the way in),
so its result is what a call here would have returned.

Semantics kept: `result()` returns the value or raises the exception the call raised;
a child that cannot be started or dies (killed, out of memory) is not an error: the
function is then called here, so the answer never depends on whether a fork worked.
With `fork=False` (ATLAS_BUILD_WORKERS=1, or no `fork` on this platform) it is a plain
call, made when `result()` is first asked for.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

FORK_AVAILABLE = sys.platform == "linux"


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make this forked child end when its parent does (Linux; elsewhere nothing).

    Why: a child's result is only ever read by its parent, and a child outliving a killed
    build keeps the files it inherited open, the data directory's build lock among them, so
    the next build would wait for a lock nobody will release.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _child(function: Callable[..., Any], args: tuple[Any, ...], conn: Connection, parent: int,
           parents_end: Connection) -> None:
    die_with_parent(parent)
    parents_end.close()  # else a write larger than the pipe's buffer would wait for ever on a dead parent
    try:
        reply: tuple[str, Any] = ("value", function(*args))
    except Exception as exc:  # noqa: BLE001 - raised again in the parent, as a call there would raise it
        reply = ("raised", exc)
    try:
        conn.send(reply)
    except Exception:  # noqa: BLE001 - e.g. an exception that does not pickle: the parent calls again
        conn.send(("failed", traceback.format_exc()))
    conn.close()


class Forked(Generic[T]):
    """`function(*args)`, computed in a forked child when `fork` (else at `result()`)."""

    def __init__(self, function: Callable[..., T], *args: Any, fork: bool = True, name: str = "atlas-forked"
                 ) -> None:
        self._function, self._args = function, args
        self._process: Any = None
        self._receive: Connection | None = None
        self._done = False
        self._value: T | None = None
        if not (fork and FORK_AVAILABLE):
            return
        try:
            context = multiprocessing.get_context("fork")
            receive, send = context.Pipe(duplex=False)
            sys.stdout.flush()  # nothing buffered here may be written twice
            sys.stderr.flush()
            process = context.Process(target=_child, args=(function, args, send, os.getpid(), receive), name=name,
                                      daemon=True)
            process.start()
            send.close()
        except (OSError, ValueError) as exc:
            log.warning("could not start a child process for %s (%s: %s); computing it here", name,
                        type(exc).__name__, exc)
            return
        self._process, self._receive = process, receive

    @property
    def in_child(self) -> bool:
        return self._process is not None

    def result(self) -> T:
        if self._done:
            return self._value  # type: ignore[return-value]
        if self._receive is not None:
            try:
                kind, payload = self._receive.recv()
            except (EOFError, OSError) as exc:
                self._process.join(timeout=5.0)  # reaped, so that its exit code is known
                kind, payload = "failed", f"the child died ({type(exc).__name__}, exit code {self._process.exitcode})"
            finally:
                self._close()
            if kind == "raised":
                raise payload
            if kind == "value":
                self._finish(payload)
                return payload
            log.warning("%s failed in its child process; computing it here:\n%s", self._process.name, payload)
        self._finish(self._function(*self._args))
        return self._value  # type: ignore[return-value]

    def _finish(self, value: T) -> None:
        self._value, self._done = value, True
        self._function, self._args = None, ()  # type: ignore[assignment]  # let the inputs go

    def _close(self) -> None:
        assert self._receive is not None
        self._receive.close()
        self._receive = None
        self._process.join(timeout=5.0)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()

    def cancel(self) -> None:
        """Stop a child whose result is no longer wanted (an error elsewhere)."""
        if self._receive is not None:
            self._process.terminate()
            self._close()
        self._done = True
        self._function, self._args = None, ()  # type: ignore[assignment]  # let the inputs go
