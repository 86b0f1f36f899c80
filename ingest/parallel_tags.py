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
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from graph.forked import die_with_parent
from graph.records import Paper, TopicTag
from ingest import topics
from ingest.identity.papers import title_key

log = logging.getLogger(__name__)

# The papers the forked worker tags: set just before the fork, read by the child, which
# inherits this module's state (nothing is pickled on the way in).
_INHERITED: Sequence[Paper] = ()


def _tag_inherited(start: int, stop: int, conn: Connection, parent: int, parents_ends: tuple[Connection, ...]) -> None:
    """Runs in the worker: tags its inherited slice of the papers and sends the tags back (or the error)."""
    _in_worker(parent, parents_ends)
    try:
        reply: tuple[bool, object] = (True, tag_texts(_INHERITED[start:stop]))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        reply = (False, traceback.format_exc())
    conn.send(reply)
    conn.close()


def _in_worker(parent: int, parents_ends: tuple[Connection, ...]) -> None:
    die_with_parent(parent)
    for end in parents_ends:
        end.close()  # else sending more than the pipe's buffer would wait for ever on a killed build


def tag_texts(papers: Sequence[Paper]) -> list[list[TopicTag]]:
    """Tag in this process, exactly as `ingest.topics.tag_papers` does."""
    return list(topics.product_tagger().tag([topics.paper_text(p) for p in papers]))


class _TaggingWorker:
    """A forked tagging worker's process and pipe, its fallback and its clean-up (shared by the two kinds below)."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self._on_stage = say
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    def _fork(self, target: Callable[..., None], papers: Sequence[Paper], *args: object,
              orders: bool = False) -> Connection | None:
        """Start `target(*args, [orders' end,] reply end, parent pid, this process's ends)` in a child that inherits
        `papers`. With `orders`, a second pipe carries messages to the child; its sending end is returned. When no
        child can be started, `_process` stays None and this process tags instead (said once)."""
        global _INHERITED
        _INHERITED = papers
        try:
            context = multiprocessing.get_context("fork")
            receive, send = context.Pipe(duplex=False)
            to_child, from_parent = context.Pipe(duplex=False) if orders else (None, None)
            ours = (receive,) if from_parent is None else (receive, from_parent)
            theirs = () if to_child is None else (to_child,)
            process = context.Process(target=target, args=(*args, *theirs, send, os.getpid(), ours),
                                      name="atlas-tagging", daemon=True)
            process.start()
            for end in (send, *theirs):  # the child's ends: once it exits, recv() here sees EOF instead of blocking
                end.close()
            self._process, self._conn = process, receive
            return from_parent
        except (ValueError, OSError) as exc:  # no fork here, or no process could be made
            self._say(f"could not start a worker process for tagging ({type(exc).__name__}: {exc}); "
                      "tagging in this process instead")
            return None
        finally:
            _INHERITED = ()  # the child has its copy

    def _say(self, text: str) -> None:
        """A fallback is logged (a quiet build has no stage lines) and told to the caller's stage lines."""
        log.warning("%s", text)
        self._on_stage(text)

    def _reply(self, count: int, redo: Callable[[], list[list[TopicTag]]]) -> list[list[TopicTag]]:
        """The worker's tags (`count` lists); `redo` makes them here when the worker died before answering."""
        try:
            ok, payload = self._conn.recv() if self._conn is not None else (True, None)
        except (EOFError, OSError) as exc:  # killed (out of memory?) before it could answer
            code = self._process.exitcode if self._process is not None else None
            self._say(f"the tagging worker process died (exit code {code}, {type(exc).__name__}); "
                      "tagging its papers in this process instead")
            ok, payload = True, redo()
        finally:
            self.close()
        if not ok:
            raise RuntimeError(f"tagging failed in the worker process:\n{payload}")
        if not isinstance(payload, list) or len(payload) != count:
            raise RuntimeError(f"the tagging worker returned {type(payload).__name__} for {count} papers")
        return payload

    @property
    def worker_pid(self) -> int | None:
        """The worker's process id while it runs (for logs and tests), None without a worker."""
        return self._process.pid if self._process is not None else None

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

    def __enter__(self) -> _TaggingWorker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class BackgroundTagging(_TaggingWorker):
    """Tags of a list of papers, computed by a forked worker (all of them, or the last part of them).

    `share` is the fraction of the papers the worker tags (from the end of the list); this
    process tags the rest when `result()` is called, then takes the worker's part. Use it as
    a context manager, so the worker is stopped if the build fails before `result()`.
    """

    def __init__(self, papers: Sequence[Paper], say: Callable[[str], None], *, share: float = 1.0) -> None:
        super().__init__(say)
        self._papers = list(papers)
        self._split = len(self._papers) - round(len(self._papers) * min(max(share, 0.0), 1.0))
        if self._split == len(self._papers):
            return  # nothing for a worker to do
        self._fork(_tag_inherited, self._papers, self._split, len(self._papers))
        if self._process is None:
            self._split = len(self._papers)

    @property
    def in_worker(self) -> int:
        """How many papers the worker process is tagging (0 when it could not start)."""
        return len(self._papers) - self._split

    def result(self) -> list[list[TopicTag]]:
        """Every paper's tags, in the order of the papers given."""
        mine = tag_texts(self._papers[:self._split]) if self._split else []
        if self._conn is None:
            return mine
        return mine + self._reply(self.in_worker, lambda: tag_texts(self._papers[self._split:]))

    def __enter__(self) -> BackgroundTagging:
        return self


class RecordTagging(_TaggingWorker):
    """Tags of the merged papers, from a worker forked before the merge that tags the records' inputs meanwhile.

    Why: a cold build reads its files (~4 s) and merges the records (~3 s) on one core; the tagging worker
    (~18 s of CPU) started after the merge and then shared the two cores with resolution and its clustering
    children (BENCHMARKS.md, "Build"). A merged paper's tagging input (`topics.paper_text`) is one of its
    records' in all but ~0.2 % of the snapshot's papers, and tags are a function of the input alone (the
    ingest's tag cache and the Dask path rely on it too), so the worker can start on the records.

    How: the worker inherits the records (fork) and tags the input of each title's first record (the
    snapshot's 57,934 such inputs hold 57,612 of the 57,937 merged papers' inputs). `merged()` then sends it,
    per merged paper, a record with the same input or, where none has it, the merged paper's input; the
    worker tags what it has not yet and answers one tag list per merged paper, in order.
    """

    def __init__(self, records: Sequence[Paper], say: Callable[[str], None]) -> None:
        super().__init__(say)
        self._inputs = list(map(topics.tagging_fields, records))  # as read: the merge changes records in place
        self._merged: list[Paper] = []
        self._orders = self._fork(_tag_records, records, orders=True)

    @property
    def started(self) -> bool:
        """Whether the worker runs (else the caller tags another way)."""
        return self._process is not None

    def merged(self, papers: Sequence[Paper], members: Sequence[Sequence[int]]) -> None:
        """Tell the worker which inputs the merged `papers` have (`members`: their records' positions)."""
        self._merged = list(papers)
        sources: list[int] = []
        inputs: list[Any] = []
        for paper, group in zip(self._merged, members, strict=True):
            fields = topics.tagging_fields(paper)
            source = next((k for k in group if topics.same_tagging_input(fields, self._inputs[k])), -1)
            sources.append(source)
            if source < 0:
                inputs.append(topics.paper_text(paper))
        try:
            if self._orders is not None:
                self._orders.send((sources, inputs))
        except OSError:  # the worker died: `result()` finds out and tags here
            pass
        finally:
            if self._orders is not None:
                self._orders.close()
            self._orders = None

    def result(self) -> list[list[TopicTag]]:
        """Every merged paper's tags, in the order `merged()` was given them."""
        return self._reply(len(self._merged), lambda: tag_texts(self._merged))

    def close(self) -> None:
        if self._orders is not None:
            self._orders.close()
            self._orders = None
        super().close()

    def __enter__(self) -> RecordTagging:
        return self


def _tag_records(orders: Connection, conn: Connection, parent: int, parents_ends: tuple[Connection, ...]) -> None:
    """Runs in the worker: tags the inherited records' inputs, then answers the merged papers (`RecordTagging`)."""
    _in_worker(parent, parents_ends)
    # the orders are read as soon as they come: the parent's send of them would wait while the pipe is full
    received: list[Any] = []
    reader = threading.Thread(target=lambda: received.append(_received(orders)), name="atlas-tag-orders",
                              daemon=True)
    reader.start()
    try:
        records = _INHERITED
        first_of: dict[str, int] = {}
        for at, paper in enumerate(records):
            first_of.setdefault(title_key(paper.title), at)
        texts = list(dict.fromkeys(topics.paper_text(records[at]) for at in first_of.values()))
        done = dict(zip(texts, _tag_inputs(texts), strict=True))
        reader.join()
        if isinstance(received[0], BaseException):
            raise received[0]
        sources, inputs = received[0]
        extra = iter(inputs)
        wanted = [topics.paper_text(records[k]) if k >= 0 else next(extra) for k in sources]
        missing = [text for text in dict.fromkeys(wanted) if text not in done]
        done.update(zip(missing, _tag_inputs(missing), strict=True))
        used: set[int] = set()
        reply: tuple[bool, object] = (True, [_own_copy(done[text], used) for text in wanted])
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        reply = (False, traceback.format_exc())
    conn.send(reply)
    conn.close()


def _received(orders: Connection) -> object:
    """The parent's orders, or why none came (it closed its end: the build failed before the merge ended)."""
    try:
        return orders.recv()
    except (EOFError, OSError) as exc:
        return exc


def _own_copy(tags: list[TopicTag], used: set[int]) -> list[TopicTag]:
    """`tags` the first time, a copy after: papers of one input get tags of their own, as if tagged one by one
    (a TopicTag is mutable)."""
    if id(tags) not in used:
        used.add(id(tags))
        return tags
    return [TopicTag(tag.topic, tag.score, list(tag.evidence)) for tag in tags]


def _tag_inputs(texts: Sequence[Any]) -> list[list[TopicTag]]:
    return list(topics.product_tagger().tag(texts)) if texts else []
