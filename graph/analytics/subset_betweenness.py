"""Brandes' subset betweenness on an unweighted graph, with every source's breadth-first pass as sparse products.

Why: networkx's `betweenness_centrality_subset` walks the graph in Python, ~1.1 s per source on the full snapshot's
co-author graph (103k people, 660k links): the 32 sampled sources of the betweenness bridge list took ~35 s of one
core. Here a block of sources is a block of columns: each breadth-first level is one sparse-matrix product over
the adjacency matrix, forward for the shortest-path counts and backward for the dependencies (the level-synchronous
form of Brandes' algorithm, as in GraphBLAS's betweenness). Same sums as networkx, in another order: values agree
to ~1e-15 relative (tests/analytics/test_subset_betweenness.py, BENCHMARKS.md "Analytics › Cross betweenness").
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import networkx as nx
import numpy as np
import scipy.sparse

from graph.analytics.adjacency import adjacency_matrix

CELLS_PER_BLOCK = 4_000_000  # nodes x sources held at once (~32 MB per float array): bounds memory at 1M people


def dependency_sums(graph: nx.Graph, sources: Sequence[Hashable], targets: Iterable[Hashable]) -> dict[Hashable, float]:
    """For each node v, the sum over pairs (s, t) of a source and a target (s != t, v not s) of the share of
    shortest s-t paths through v, counted by hops; only nodes with a positive sum are returned.

    This is networkx's `betweenness_centrality_subset(graph, sources, targets, normalized=False)` of an undirected
    graph times two (networkx halves it because an undirected pair is otherwise seen from both ends, although
    here each pair is seen once, from its source). A target next to its source passes through no one; a target
    not in the graph is never reached.
    """
    if graph.is_directed():
        raise ValueError("dependency_sums counts the hops of an undirected graph")
    nodes = list(graph)
    if not nodes or not sources:
        return {}
    position = {node: i for i, node in enumerate(nodes)}
    adjacency = adjacency_matrix(graph)
    is_target = np.zeros(len(nodes), dtype=bool)
    is_target[[position[t] for t in targets if t in position]] = True  # as networkx: others are never reached
    starts = np.array([position[s] for s in sources], dtype=np.int64)
    block = max(1, CELLS_PER_BLOCK // len(nodes))
    totals = np.zeros(len(nodes))
    for first in range(0, len(starts), block):
        totals += _block_dependencies(adjacency, starts[first:first + block], is_target)
    return {nodes[i]: float(totals[i]) for i in np.flatnonzero(totals > 0)}


def _block_dependencies(adjacency: scipy.sparse.csr_array, starts: np.ndarray, is_target: np.ndarray) -> np.ndarray:
    """Each node's dependency summed over one block of sources (one column per source).

    The backward pass touches only each level's own cells (flat indices kept from the forward pass), so its
    elementwise work is one pass over the block, not one per level."""
    n, width = adjacency.shape[0], len(starts)
    seen = np.zeros((n, width), dtype=bool)
    paths = np.zeros((n, width))  # shortest paths from each column's source (sigma)
    levels = [starts * width + np.arange(width)]  # flat cells at 0, 1, 2... hops from their column's source
    seen.ravel()[levels[0]] = True
    paths.ravel()[levels[0]] = 1.0
    frontier = paths.copy()
    cells = levels[0]
    while True:
        reached = _product(adjacency, frontier, cells // width)
        new = (reached > 0) & ~seen
        cells = np.flatnonzero(new)
        if not len(cells):
            break
        levels.append(cells)
        seen |= new
        frontier = np.where(new, reached, 0.0)
        paths.ravel()[cells] = reached.ravel()[cells]
    flat_paths = paths.ravel()
    dependency = np.zeros(n * width)
    share = np.zeros((n, width))  # each level's (dependency + 1 if a target) / paths
    for level in range(len(levels) - 1, 0, -1):
        here, before = levels[level], levels[level - 1]
        share.ravel()[here] = (dependency[here] + is_target[here // width]) / flat_paths[here]
        behind = _product(adjacency, share, here // width)
        dependency[before] += flat_paths[before] * behind.ravel()[before]
        # `share` keeps the deeper levels' values: harmless, as a node's neighbours lie within one level of it
    dependency[levels[0]] = 0.0  # networkx adds nothing to the source itself
    return dependency.reshape(n, width).sum(axis=1)


def _product(adjacency: scipy.sparse.csr_array, block: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`adjacency @ block` where only `rows` (sorted, repeats allowed) of the block can hold what is read.

    A level's first and last few hops hold a few hundred people: multiplying by their rows alone (the
    adjacency is symmetric, so `adjacency[rows].T`) skips most of the work of ~9 of the full snapshot's ~14
    levels. Other rows of the block may hold a deeper level's values, which reach only rows not read."""
    rows = rows[np.flatnonzero(np.diff(rows, prepend=-1))]
    if 4 * len(rows) >= adjacency.shape[0]:
        return adjacency @ block
    return adjacency[rows].T @ block[rows]
