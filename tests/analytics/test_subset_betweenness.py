"""The vectorised subset betweenness against networkx's, on graphs that exercise its edge cases."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.analytics import subset_betweenness
from graph.analytics.subset_betweenness import dependency_sums


def networkx_sums(graph: nx.Graph, sources: list, targets: list) -> dict:
    raw = nx.betweenness_centrality_subset(graph, sources, targets, normalized=False)
    return {node: 2.0 * value for node, value in raw.items() if value > 0}  # networkx halves undirected graphs


def assert_same(graph: nx.Graph, sources: list, targets: list) -> None:
    expected = networkx_sums(graph, sources, targets)
    got = dependency_sums(graph, sources, targets)
    assert got.keys() == expected.keys()
    assert got == pytest.approx(expected, rel=1e-12)


def test_a_grid_has_many_shortest_paths_per_pair() -> None:
    """Paths split evenly at every corner: the counts (sigma) and the shares both matter."""
    grid = nx.grid_2d_graph(6, 7)
    assert_same(grid, [(0, 0), (5, 0), (2, 3)], [(5, 6), (0, 6), (3, 3), (4, 1)])


@pytest.mark.parametrize("seed", range(6))
def test_random_graphs_with_isolated_people_and_several_components(seed: int) -> None:
    rng = random.Random(seed)
    graph = nx.gnp_random_graph(80, 0.04, seed=seed)
    graph.add_edges_from([(100, 101), (101, 102)])  # a component no source reaches, holding targets
    graph.add_node(200)  # an isolated person
    graph.add_edge(5, 5)  # a loop changes no shortest path
    nodes = list(graph)
    sources = rng.sample(nodes, 8)
    targets = rng.sample(nodes, 30) + [102, 200, 999]  # 999: not in the graph, so never reached
    assert_same(graph, sources, targets)


def test_a_source_that_is_also_a_target_of_the_other_sources() -> None:
    """A source never counts as its own target, but counts as one for every other source."""
    path = nx.path_graph(["a", "b", "c", "d", "e"])
    assert_same(path, ["a", "e"], ["a", "e", "c"])
    assert dependency_sums(path, ["a", "e"], ["a", "e", "c"]) == {"b": 3.0, "c": 2.0, "d": 3.0}


def test_blocks_of_sources_add_up_to_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large graphs split the sources into blocks of columns to bound memory."""
    graph = nx.gnp_random_graph(60, 0.08, seed=3)
    sources, targets = list(range(0, 60, 7)), list(range(1, 60, 2))
    whole = dependency_sums(graph, sources, targets)
    monkeypatch.setattr(subset_betweenness, "CELLS_PER_BLOCK", 60 * 3)  # three sources per block
    assert dependency_sums(graph, sources, targets) == pytest.approx(whole, rel=1e-12)
    assert_same(graph, sources, targets)


def test_a_directed_graph_is_refused() -> None:
    with pytest.raises(ValueError, match="undirected"):
        dependency_sums(nx.DiGraph([(0, 1), (1, 2)]), [0], [2])


def test_nothing_to_count() -> None:
    assert dependency_sums(nx.Graph(), [], []) == {}
    assert dependency_sums(nx.path_graph(3), [], [2]) == {}
    assert dependency_sums(nx.path_graph(3), [0], []) == {}
