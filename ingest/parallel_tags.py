"""Topic tagging in a forked worker process, so a cold build uses both cores.

Why: identity resolution and topic tagging were ~60% and ~30% of a cold build's CPU and
ran one after the other. Tagging reads only a merged paper's title, abstract or derived
terms and venue (`ingest.topics.paper_text`), never its authors, and resolution never
reads tags, so the two can run at once: the wall time becomes about max(resolve, tag)
instead of their sum. When resolution comes from the build cache (a changed decision
file does not re-tag; a changed tagger does not re-resolve), the tagging itself is split
between the worker and this process.

How: the worker is forked (`fork` start method), so it inherits the papers without pickling
and reads their texts itself; only the tags come back. Nothing here imports spaCy until this
process tags papers itself (ingest/topics: a cold build's own process never does). Tags are per paper (the Dask
path relies on the same fact, tests/scale/test_distributed.py), so any split gives the
same tags, in the same order. A build runs with the cyclic GC paused, which the fork
inherits: the child does not walk (and so copy) the parent's whole heap.

Where a worker cannot be started (no `fork` on the platform, a process limit) or dies,
the papers are tagged in this process instead and `say` is told why: the result is the
same, only slower.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from graph.forked import die_with_parent
from graph.records import Paper, TopicTag
from ingest import topics

log = logging.getLogger(__name__)

# The papers the forked worker tags: set just before the fork, read by the child, which
# inherits this module's state (nothing is pickled on the way in).
_INHERITED: Sequence[Paper] = ()


def _tag_inherited(start: int, stop: int, conn: Connection, parent: int, parents_end: Connection) -> None:
    """Runs in the worker: tags its inherited slice of the papers and sends the tags back (or the error)."""
    die_with_parent(parent)
    parents_end.close()  # else sending more than the pipe's buffer would wait for ever on a killed build
    try:
        reply: tuple[bool, object] = (True, tag_texts(_INHERITED[start:stop]))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        reply = (False, traceback.format_exc())
    conn.send(reply)
    conn.close()


def tag_texts(papers: Sequence[Paper]) -> list[list[TopicTag]]:
    """Tag in this process, exactly as `ingest.topics.tag_papers` does."""
    return list(topics.product_tagger().tag([topics.paper_text(p) for p in papers]))


class BackgroundTagging:
    """Tags of a list of papers, computed by a forked worker (all of them, or the last part of them).

    `share` is the fraction of the papers the worker tags (from the end of the list); this
    process tags the rest when `result()` is called, then takes the worker's part. Use it as
    a context manager, so the worker is stopped if the build fails before `result()`.
    """

    def __init__(self, papers: Sequence[Paper], say: Callable[[str], None], *, share: float = 1.0) -> None:
        global _INHERITED
        self._papers = list(papers)
        self._on_stage = say
        self._split = len(self._papers) - round(len(self._papers) * min(max(share, 0.0), 1.0))
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        if self._split == len(self._papers):
            return  # nothing for a worker to do
        _INHERITED = self._papers
        try:
            context = multiprocessing.get_context("fork")
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_tag_inherited,
                                      args=(self._split, len(self._papers), send, os.getpid(), receive),
                                      name="atlas-tagging", daemon=True)
            process.start()
            send.close()  # the child's end: once the child exits, recv() sees EOF instead of blocking
            self._process, self._conn = process, receive
        except (ValueError, OSError) as exc:  # no fork here, or no process could be made
            self._say(f"could not start a worker process for tagging ({type(exc).__name__}: {exc}); "
                      "tagging in this process instead")
            self._split = len(self._papers)
        finally:
            _INHERITED = ()  # the child has its copy

    def _say(self, text: str) -> None:
        """A fallback is logged (a quiet build has no stage lines) and told to the caller's stage lines."""
        log.warning("%s", text)
        self._on_stage(text)

    @property
    def worker_pid(self) -> int | None:
        """The worker's process id while it runs (for logs and tests), None without a worker."""
        return self._process.pid if self._process is not None else None

    @property
    def in_worker(self) -> int:
        """How many papers the worker process is tagging (0 when it could not start)."""
        return len(self._papers) - self._split

    def result(self) -> list[list[TopicTag]]:
        """Every paper's tags, in the order of the papers given."""
        mine = tag_texts(self._papers[:self._split]) if self._split else []
        if self._conn is None:
            return mine
        try:
            ok, payload = self._conn.recv()
        except (EOFError, OSError) as exc:  # killed (out of memory?) before it could answer
            code = self._process.exitcode if self._process is not None else None
            self._say(f"the tagging worker process died (exit code {code}, {type(exc).__name__}); "
                      "tagging its papers in this process instead")
            ok, payload = True, tag_texts(self._papers[self._split:])
        finally:
            self.close()
        if not ok:
            raise RuntimeError(f"tagging failed in the worker process:\n{payload}")
        theirs = payload
        if not isinstance(theirs, list) or len(mine) + len(theirs) != len(self._papers):
            raise RuntimeError(f"the tagging worker returned {type(theirs).__name__} for {self.in_worker} papers")
        return mine + theirs

    def close(self) -> None:
        """Stop the worker if it still runs (e.g. resolution failed) and reap it."""
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            if self._process.is_alive():
                self._process.join(timeout=1.0)  # it exits right after sending its reply
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
        self._process, self._conn = None, None

    def __enter__(self) -> BackgroundTagging:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
