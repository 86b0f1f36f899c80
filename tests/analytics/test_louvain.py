"""networkit's Louvain behind `louvain_groups`: planted groups found, weights and resolution honoured, the same
partition for the same seed in another process, and no worse than networkx's Louvain where both can be checked."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import networkx as nx
import pytest

from graph.analytics.louvain import louvain_groups


def canonical(groups: list[set]) -> list[list]:
    return sorted(sorted(group, key=str) for group in groups)


def planted(groups: int, size: int, seed: int) -> nx.Graph:
    """Dense groups (p_in 0.6) sparsely linked (p_out 0.01), node labels as strings."""
    graph = nx.planted_partition_graph(groups, size, 0.6, 0.01, seed=seed)
    return nx.relabel_nodes(graph, {node: f"n{node:03d}" for node in graph})


def test_planted_groups_are_found_and_every_node_is_placed_once() -> None:
    graph = planted(4, 20, seed=3)
    graph.add_node("alone")
    groups = louvain_groups(graph, seed=42)
    assert sorted(node for group in groups for node in group) == sorted(graph)
    truth = [{f"n{i:03d}" for i in range(k * 20, (k + 1) * 20)} for k in range(4)] + [{"alone"}]
    assert canonical(groups) == canonical(truth)


def test_weights_decide_when_the_links_alone_do_not() -> None:
    """A complete graph: unweighted it is one community; its weights split it into the heavy groups."""
    heavy = [{"a", "b", "c", "d"}, {"e", "f", "g", "h"}]
    graph = nx.Graph()
    for u, v in itertools.combinations(sorted(heavy[0] | heavy[1]), 2):
        graph.add_edge(u, v, weight=10.0 if any({u, v} <= group for group in heavy) else 0.1)
    assert canonical(louvain_groups(graph, seed=42)) == canonical(heavy)
    assert canonical(louvain_groups(nx.Graph(graph.edges()), seed=42)) == [sorted(heavy[0] | heavy[1])]


def test_resolution_trades_fewer_for_more_groups() -> None:
    graph = planted(4, 20, seed=3)
    assert len(louvain_groups(graph, seed=42, resolution=0.01)) == 1
    assert len(louvain_groups(graph, seed=42, resolution=1.0)) == 4
    assert len(louvain_groups(graph, seed=42, resolution=20.0)) > 4


def test_at_least_as_modular_as_networkx_on_known_graphs() -> None:
    for graph in (nx.karate_club_graph(), nx.les_miserables_graph(), planted(6, 15, seed=8)):
        ours = nx.community.modularity(graph, louvain_groups(graph, seed=42), weight="weight")
        theirs = nx.community.modularity(graph, nx.community.louvain_communities(graph, weight="weight", seed=42),
                                         weight="weight")
        assert ours >= theirs - 1e-9


def test_the_seed_is_the_order_and_the_same_seed_gives_the_same_partition_in_another_process() -> None:
    graph = nx.les_miserables_graph()
    here = canonical(louvain_groups(graph, seed=7))
    assert canonical(louvain_groups(graph, seed=7)) == here
    assert any(canonical(louvain_groups(graph, seed=seed)) != here for seed in range(8))  # the seed is used
    script = ("import json, networkx as nx\nfrom graph.analytics.louvain import louvain_groups\n"
              "groups = louvain_groups(nx.les_miserables_graph(), seed=7)\n"
              "print(json.dumps(sorted(sorted(g) for g in groups)))")
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(other.stdout) == here


def test_empty_and_directed_graphs() -> None:
    assert louvain_groups(nx.Graph(), seed=42) == []
    with pytest.raises(ValueError, match="undirected"):
        louvain_groups(nx.DiGraph([(1, 2)]), seed=42)


def test_networkit_comes_without_the_extras_it_would_import_and_they_stay_importable() -> None:
    """networkit imports scikit-learn and matplotlib when installed (the dev tools install both): 1.7 s of its
    import, for features never used here. They are held back while it imports, and can be imported after."""
    script = ("import sys, networkx as nx\nfrom graph.analytics.louvain import louvain_groups\n"
              "louvain_groups(nx.karate_club_graph(), seed=1)\n"
              "held_back = 'networkit' in sys.modules and 'sklearn' not in sys.modules "
              "and 'matplotlib' not in sys.modules\n"
              "import sklearn, matplotlib.pyplot\nprint(held_back)")
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == "True"
