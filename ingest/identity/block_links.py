"""The links between the clusters of every block, summed for all blocks at once before clustering.

Why: `resolver._Run._cluster_block` summed each block's pair probabilities per pair of clusters with
some twenty numpy calls (a Python loop for blocks of few pairs); over the snapshot's ~22k blocks
the per-call overhead alone took seconds. Here the same sums are made in one pass over every pair.

Why it is exact: a block whose clusters (the strong-id profiles seeded before clustering) have no
mention in another block has, when its turn comes, the very clusters it had before any block was
clustered: clustering another block cannot touch them. So its links can be computed up front
from the roots of that moment. Blocks sharing a profile with another block are left out and keep
the per-block path. For the others the result is what the per-block paths give, number for number:
the same float sums (`np.bincount` adds a link's pairs in pair order, as the Python loop does),
the same strongest pair (the first of the best), the same order of the links (cluster-id order for
large blocks, first-pair order for small ones), and for large blocks the same filter to the
components of links at or above the review floor (see `_cluster_block`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from ingest.identity.cluster import linkage_score
from ingest.identity.pairs import unique_pairs

Links = dict[tuple[int, int], tuple[float, int, float, int]]
CHUNK_PAIRS = 250_000  # candidate pairs summed per pass (~30 MB of temporary arrays)


@dataclass
class BlockLinks:
    """What `_cluster_block` needs of one block: its clusters' order and the links between them."""

    roots: list[int]  # the clusters to agglomerate, in the order the per-block path gives them
    links: Links


def members_of(block: Sequence[int], found: BlockLinks, roots: Sequence[int]) -> dict[int, list[int]]:
    """The block's mentions per cluster, for the clusters of `found` (in its order)."""
    members: dict[int, list[int]] = {root: [] for root in found.roots}
    for i in block:
        items = members.get(roots[i])
        if items is not None:
            items.append(i)
    return members


def local_blocks(keys: Sequence[str], blocks: dict[str, list[int]], roots: np.ndarray) -> list[str]:
    """The keys (in the given order) of blocks whose every cluster lies inside the block."""
    block_of = np.full(len(roots), -1, dtype=np.int64)
    for b, key in enumerate(keys):
        block_of[blocks[key]] = b
    blocked = np.flatnonzero(block_of >= 0)
    root_of_pair, _ = unique_pairs(roots[blocked], block_of[blocked])  # each (root, block) once, by root
    root_ids, spans = np.unique(root_of_pair, return_counts=True)
    shared = np.isin(roots[blocked], root_ids[spans > 1])  # mentions of a profile in two blocks or more
    foreign = np.zeros(len(keys), dtype=bool)
    foreign[block_of[blocked][shared]] = True
    return [key for b, key in enumerate(keys) if not foreign[b]]


def precompute(keys: Iterable[str], blocks: dict[str, list[int]], block_ranges: dict[str, tuple[int, int]],
               left: np.ndarray, right: np.ndarray, probabilities: np.ndarray, roots: np.ndarray,
               review_floor: float, single_weight: float, small_pairs: int) -> dict[str, BlockLinks | None]:
    """Per block key: its clusters and links, or None when nothing in it can merge or be reviewed.

    `roots` holds each mention's cluster root as it stands now; only pass blocks whose clusters lie
    inside them (`local_blocks`). Blocks of at most `small_pairs` pairs follow the small-block rule
    (every valid link, all the block's clusters, nothing if no link reaches the floor); larger ones
    keep the links inside the components of links at or above the floor. A key missing from the
    result was not computed (see `_precompute`): it takes the per-block path.
    """
    result: dict[str, BlockLinks | None] = {}
    for chunk in _chunks(keys, block_ranges):
        result.update(_precompute(chunk, blocks, block_ranges, left, right, probabilities, roots, review_floor,
                                  single_weight, small_pairs))
    return result


class ChunkedLinks:
    """`precompute` one chunk at a time, when clustering reaches it: only that chunk's links are held.

    Blocks are clustered in key order, the order of their pair ranges, so each chunk is computed once.
    """

    def __init__(self, keys: Iterable[str], blocks: dict[str, list[int]], block_ranges: dict[str, tuple[int, int]],
                 left: np.ndarray, right: np.ndarray, probabilities: np.ndarray, roots: np.ndarray,
                 review_floor: float, single_weight: float, small_pairs: int) -> None:
        self._chunks = list(_chunks(keys, block_ranges))
        self._chunk_of = {key: k for k, chunk in enumerate(self._chunks) for key in chunk}
        self._arguments = (blocks, block_ranges, left, right, probabilities, roots, review_floor, single_weight,
                           small_pairs)
        self._current = -1
        self._found: dict[str, BlockLinks | None] = {}

    def lookup(self, key: str) -> tuple[bool, BlockLinks | None]:
        """(True, the block's links or None) if precomputed; (False, None) if it takes the per-block path."""
        chunk = self._chunk_of.get(key)
        if chunk is None:
            return False, None
        if chunk != self._current:
            self._found, self._current = {}, chunk  # drop the previous chunk first
            self._found = _precompute(self._chunks[chunk], *self._arguments)
        if key not in self._found:
            return False, None
        return True, self._found[key]


def _chunks(keys: Iterable[str], block_ranges: dict[str, tuple[int, int]]) -> Iterator[list[str]]:
    """Keys in order of their pair ranges, CHUNK_PAIRS pairs at a time (the temporary arrays stay small)."""
    chunk: list[str] = []
    pairs = 0
    for key in sorted(keys, key=lambda key: block_ranges[key][0]):
        chunk.append(key)
        pairs += block_ranges[key][1] - block_ranges[key][0]
        if pairs >= CHUNK_PAIRS:
            yield chunk
            chunk, pairs = [], 0
    if chunk:
        yield chunk


def _precompute(keys: list[str], blocks: dict[str, list[int]], block_ranges: dict[str, tuple[int, int]],
                left: np.ndarray, right: np.ndarray, probabilities: np.ndarray, roots: np.ndarray,
                review_floor: float, single_weight: float, small_pairs: int) -> dict[str, BlockLinks | None]:
    """`precompute` of some blocks, in order of their pair ranges."""
    n = len(roots)
    if (len(keys) + 1) * n * n >= 2 ** 62:  # the link keys would overflow int64: the per-block path instead
        return {}
    result: dict[str, BlockLinks | None] = dict.fromkeys(keys)
    starts = np.array([block_ranges[key][0] for key in keys], dtype=np.int64)
    stops = np.array([block_ranges[key][1] for key in keys], dtype=np.int64)
    lengths = stops - starts
    owner = np.repeat(np.arange(len(keys)), lengths)
    index = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    small = lengths <= small_pairs
    # cluster sizes inside each block (every block mention counts, scored or not; no cluster spans two blocks)
    size = np.bincount(roots[np.fromiter(chain.from_iterable(blocks[key] for key in keys), dtype=np.int64)],
                       minlength=n)
    u, v = roots[left[index]], roots[right[index]]
    between = u != v
    owner, index = owner[between], index[between]
    lo, hi = np.minimum(u, v)[between], np.maximum(u, v)[between]
    if not len(index):
        return result
    scores = probabilities[index]
    link_keys, inverse = np.unique((owner * n + lo) * n + hi, return_inverse=True)
    totals = np.bincount(inverse, weights=scores, minlength=len(link_keys))
    counts = np.bincount(inverse, minlength=len(link_keys))
    # per link: its best probability, the first pair holding it (the strongest pair), and its first pair
    best = np.full(len(link_keys), -np.inf)
    np.maximum.at(best, inverse, scores)
    holds_best = scores == best[inverse]
    best_pair = np.full(len(link_keys), np.iinfo(np.int64).max)
    np.minimum.at(best_pair, inverse[holds_best], index[holds_best])
    first_pair = np.full(len(link_keys), np.iinfo(np.int64).max)
    np.minimum.at(first_pair, inverse, index)
    link_owner, link_lo, link_hi = link_keys // (n * n), link_keys // n % n, link_keys % n
    full = size[link_lo] * size[link_hi]
    valid = counts == full
    reaches = valid & (linkage_score(totals, np.maximum(full, 1), best, single_weight) >= review_floor)
    keep = valid.copy()
    # large blocks: only links inside a component of links at or above the floor (as `_cluster_block`)
    large_link = ~small[link_owner]
    active = reaches & large_link
    unit_of_lo, unit_of_hi = link_owner * n + link_lo, link_owner * n + link_hi  # (block, cluster) ids
    units = np.unique(np.concatenate([unit_of_lo[active], unit_of_hi[active]]))
    if len(units):
        half = int(active.sum())
        unit_lo = np.searchsorted(units, unit_of_lo[active])
        unit_hi = np.searchsorted(units, unit_of_hi[active])
        graph = sparse.coo_matrix((np.ones(half), (unit_lo, unit_hi)), shape=(len(units), len(units)))
        _, component = connected_components(graph, directed=False)
        position_lo = np.searchsorted(units, unit_of_lo).clip(max=len(units) - 1)
        position_hi = np.searchsorted(units, unit_of_hi).clip(max=len(units) - 1)
        inside = (units[position_lo] == unit_of_lo) & (units[position_hi] == unit_of_hi) \
            & (component[position_lo] == component[position_hi])
    else:
        inside = np.zeros(len(link_keys), dtype=bool)
    keep &= ~large_link | inside
    # a block takes part only if one of its links reaches the floor (large: one active link)
    taking = np.zeros(len(keys), dtype=bool)
    taking[link_owner[reaches]] = True
    keep &= taking[link_owner]
    # order: large blocks by cluster ids (the link keys' order), small blocks by their first pair
    kept = np.flatnonzero(keep)
    kept = kept[np.lexsort((np.where(small[link_owner[kept]], first_pair[kept], 0), link_owner[kept]))]
    owners = link_owner[kept]
    bounds = np.searchsorted(owners, np.arange(len(keys) + 1))
    columns = (link_lo[kept].tolist(), link_hi[kept].tolist(), totals[kept].tolist(), counts[kept].tolist(),
               best[kept].tolist(), best_pair[kept].tolist())
    unit_list = units.tolist()
    unit_bounds = np.searchsorted(units, np.arange(len(keys) + 1) * n).tolist()
    for b, key in enumerate(keys):
        start, stop = int(bounds[b]), int(bounds[b + 1])
        if start == stop:
            continue
        a_, b_, t_, c_, s_, p_ = (column[start:stop] for column in columns)
        links = {(x, y): (t, c, s, p) for x, y, t, c, s, p in zip(a_, b_, t_, c_, s_, p_, strict=True)}
        if small[b]:
            block_roots = list(dict.fromkeys(roots[blocks[key]].tolist()))
        else:
            block_roots = [unit - b * n for unit in unit_list[unit_bounds[b]:unit_bounds[b + 1]]]
        result[key] = BlockLinks(block_roots, links)
    return result
