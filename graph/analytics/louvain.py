"""Louvain communities through networkit's compiled Louvain (PLM), for a networkx graph.

Why: networkx's `louvain_communities` is pure Python: ~25 s on the full snapshot's co-author graph (103k people,
660k links), the longest step of `mlsys-atlas warm`, and growing faster than the graph. networkit's PLM (MIT, C++)
runs the same method, with a refinement phase, in ~1.7 s there (~0.5 s of it PLM itself, the rest reading the graph
into its arrays), and its partition scores a higher modularity (0.784 against 0.777; BENCHMARKS.md, "Analytics ›
Louvain in compiled code").

PLM run sequentially ("none") visits nodes in id order, so the seed is the order: node ids are a seeded
permutation of the graph's nodes. One networkit thread: the sums are then taken in one order on every machine (the
same partition everywhere), and no OpenMP thread pool exists to break a later `fork` (libgomp is not fork-safe).
"""

from __future__ import annotations

import sys
from collections.abc import Hashable
from types import ModuleType

import networkx as nx
import numpy as np
import scipy.sparse

from graph.analytics.adjacency import adjacency_matrix

# What `import networkit` also imports when it is installed, for its link prediction and plots, none of which runs
# here: 1.7 s of its 2.2 s import in the dev environment `make setup` makes (0.47 s without them).
_EXTRAS_NOT_USED = ("sklearn", "matplotlib")


def _networkit() -> ModuleType:
    """networkit, imported without the extras above unless something imported them already. A `None` in
    `sys.modules` makes an import fail, and networkit imports them only if it can; the block is lifted at once.
    For those ~0.5 s another thread importing either would fail: nothing in the product imports them (only
    model-fitting scripts use sklearn, and notebooks matplotlib)."""
    if "networkit" in sys.modules:
        return sys.modules["networkit"]
    blocked = [name for name in _EXTRAS_NOT_USED if name not in sys.modules]
    sys.modules.update(dict.fromkeys(blocked))
    try:
        import networkit
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return networkit


def louvain_groups(graph: nx.Graph, *, seed: int, resolution: float = 1.0,
                   weight: str = "weight") -> list[set[Hashable]]:
    """The graph's nodes split into communities (every node in exactly one, isolated nodes alone), by Louvain
    with refinement maximising modularity at `resolution` (networkx's meaning: below 1 fewer, larger groups)."""
    if graph.is_directed():
        raise ValueError("louvain_groups partitions an undirected graph")
    nodes = list(graph)
    if not nodes:
        return []
    order = np.random.default_rng(seed).permutation(len(nodes))  # order[k]: the node networkit calls k
    rank = np.empty(len(nodes), dtype=np.int64)
    rank[order] = np.arange(len(nodes))
    networkit = _networkit()
    upper = scipy.sparse.triu(adjacency_matrix(graph, weight=weight), format="coo")  # each link once
    networkit.setNumberOfThreads(1)
    linked = networkit.GraphFromCoo((upper.data, (rank[upper.row], rank[upper.col])), n=len(nodes), weighted=True)
    method = networkit.community.PLM(linked, refine=True, gamma=resolution, par="none")
    method.run()
    labels = method.getPartition().getVector()
    groups: dict[int, set[Hashable]] = {}
    for k, label in enumerate(labels):
        groups.setdefault(label, set()).add(nodes[order[k]])
    return list(groups.values())
