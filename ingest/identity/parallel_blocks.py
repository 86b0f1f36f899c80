"""Per-block agglomeration on two cores, with the people of one process.

Why: after the pair probabilities are known, clustering blocks (`resolver._Run._cluster_block`)
is the longest single-threaded step of a cold build that runs once topic tagging (the other
core's work, `ingest/parallel_tags.py`) has finished.

Why it is exact: blocks only interact through the union-find, and only when a cluster that exists
before clustering starts (a strong-id profile; for the online resolver of
`identity/incremental.py` also a cached person, who may span blocks after a curator's merge) has
mentions in two blocks. Blocks joined that way form one component; components are split between
this process and one forked worker, each processes its blocks in the sequential order, and the
worker sends back the state of the mentions it owns (roots, ids, reasons, merge confidences) and
its merge records per block. The records are put back in block order, as one process would have
appended them. A worker that cannot be started or fails leaves this process's state untouched: its
blocks are then clustered here. `ATLAS_BUILD_WORKERS=1` never forks
(tests/scale/test_scale_parallel.py, tests/identity/test_parallel_blocks.py: same people either
way).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from graph.forked import die_with_parent

if TYPE_CHECKING:
    from ingest.identity.resolver import _Run

log = logging.getLogger(__name__)

MIN_PAIRS = 200_000  # below this many candidate pairs a fork costs more than it saves


def split_components(keys: Sequence[str], blocks: dict[str, list[int]], seeds: Sequence[int],
                     weights: dict[str, int]) -> tuple[list[str], list[str]]:
    """Two sets of block keys (each in the given order) such that no starting cluster (`seeds`: each
    mention's root) spans both.

    Components (blocks sharing a root) go, heaviest first, to the lighter side; ties by key.
    """
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    owner: dict[int, str] = {}
    for key in keys:
        for i in blocks[key]:
            first = owner.setdefault(seeds[i], key)
            if first != key:
                a, b = sorted((find(first), find(key)))
                if a != b:
                    parent[b] = a
    components: dict[str, list[str]] = {}
    for key in keys:
        components.setdefault(find(key), []).append(key)
    sides: tuple[set[str], set[str]] = (set(), set())
    loads = [0, 0]
    for _root, members in sorted(components.items(), key=lambda item: (-sum(weights[k] for k in item[1]), item[0])):
        side = 0 if loads[0] <= loads[1] else 1
        sides[side].update(members)
        loads[side] += sum(weights[k] for k in members)
    return [k for k in keys if k in sides[0]], [k for k in keys if k in sides[1]]


def _run_blocks(run: _Run, keys: Sequence[str], cluster: Callable[[str], None]) -> dict[str, list]:
    """Cluster the blocks in order; the merge records each block appended."""
    per_block: dict[str, list] = {}
    for key in keys:
        start = len(run.records)
        cluster(key)
        per_block[key] = run.records[start:]
    return per_block


def _state_of(run: _Run, owned: Sequence[int], per_block: dict[str, list]) -> dict[str, Any]:
    """What the worker changed, restricted to the mentions it owns."""
    uf = run.uf
    owned_set = set(owned)
    roots = [uf.find(i) for i in owned]
    return {
        "roots": roots,
        "ids": {root: uf.ids[root] for root in set(roots) if root in uf.ids},
        "joined": {root: uf.joined[root] for root in set(roots) if root in uf.joined},
        "reasons": {key: counts for key, counts in run.reasons.items() if key in owned_set},
        "merge_conf": {i: run.merge_conf[i] for i in owned if i in run.merge_conf},
        "records": per_block,
    }


def _worker(run: _Run, keys: Sequence[str], owned: Sequence[int], cluster: Callable[[str], None],
            conn: Connection, parent: int, parents_end: Connection) -> None:
    die_with_parent(parent)
    parents_end.close()  # else a reply larger than the pipe's buffer would wait for ever on a killed build
    try:
        reply: tuple[bool, object] = (True, _state_of(run, owned, _run_blocks(run, keys, cluster)))
    except BaseException:  # noqa: BLE001 - reported to the parent, which clusters these blocks itself
        reply = (False, traceback.format_exc())
    conn.send(reply)
    conn.close()


def _adopt(run: _Run, owned: Sequence[int], state: dict[str, Any]) -> None:
    """Take the worker's state of its mentions; this process never touched them."""
    uf = run.uf
    for i in owned:
        uf.ids.pop(i, None)
        uf.joined.pop(i, None)
    for i, root in zip(owned, state["roots"], strict=True):
        uf.parent[i] = root
    uf.ids.update(state["ids"])
    uf.joined.update(state["joined"])
    for key, counts in state["reasons"].items():
        run.reasons[key] = counts
    run.merge_conf.update(state["merge_conf"])


def cluster_in_two(run: _Run, keys: Sequence[str], blocks: dict[str, list[int]], weights: dict[str, int],
                   cluster: Callable[[str], None], roots: Sequence[int]) -> bool:
    """Cluster the blocks `keys` in this process and one forked worker; False (nothing done) if not worth it.

    `roots`: each mention's cluster before any block is clustered (the strong-id profiles; for the online
    resolver also the cached people it starts from): a cluster spanning two blocks keeps them on one side."""
    if sum(weights.values()) < MIN_PAIRS:
        return False
    mine, theirs = split_components(keys, blocks, roots, weights)
    if not mine or not theirs:
        return False
    their_roots = {roots[i] for key in theirs for i in blocks[key]}
    owned = [i for i, root in enumerate(roots) if root in their_roots]
    before = run.records
    run.records = []
    try:
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_worker, args=(run, theirs, owned, cluster, send, os.getpid(), receive),
                                  name="atlas-clustering", daemon=True)
        process.start()
        send.close()
    except (ValueError, OSError) as exc:
        log.warning("could not start a worker process for clustering (%s: %s); clustering here", type(exc).__name__,
                    exc)
        run.records = before
        return False
    try:
        per_block = _run_blocks(run, mine, cluster)
        try:
            ok, payload = receive.recv()
        except (EOFError, OSError) as exc:
            ok, payload = False, f"the worker died (exit code {process.exitcode}, {type(exc).__name__})"
    finally:
        receive.close()
        process.join(timeout=5.0)
        if process.is_alive():
            process.terminate()
            process.join()
    if ok:
        assert isinstance(payload, dict)
        _adopt(run, owned, payload)
        per_block.update(payload["records"])
    else:
        log.warning("clustering in the worker process failed; clustering its blocks here:\n%s", payload)
        per_block.update(_run_blocks(run, theirs, cluster))
    run.records = before + [record for key in keys for record in per_block[key]]
    return True
