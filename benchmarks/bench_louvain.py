"""Louvain on the co-author graph: networkit's compiled PLM (what `communities.partition` runs) against networkx's
pure-Python `louvain_communities` (what it ran until session 72), on the same graph in the same run.

Why: Louvain was the longest step of `mlsys-atlas warm` (~25 s on the full snapshot) and grew faster than the
graph. This reports, per dataset, each method's seconds (median of `--rounds`), the ratio, the modularity of
each partition (networkx's own `modularity`, the same weights), how many communities of 3+ people each finds,
and how alike the two partitions are (normalised mutual information, NMI; 1 = the same split), next to how alike
one method's partitions are under two seeds (round i runs with seed 42 + i; the first round's partitions are
compared).

    ATLAS_DATA_DIR=DIR PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_louvain.py [--sizes snapshot,250000]
        [--rounds 3] [--no-networkx-above 100000]

`snapshot` reads the built store named by ATLAS_DATA_DIR (`mlsys-atlas build` first); a number is that many
synthetic papers (`benchmarks/synth.py`, straight into the projection, as `bench_analytics.py` does). networkx is
left out above `--no-networkx-above` papers (minutes to hours).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Hashable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import networkx as nx  # noqa: E402
from bench_analytics import snapshot_data, synthetic_direct  # noqa: E402
from sklearn.metrics import normalized_mutual_info_score  # noqa: E402

from graph.analytics.communities import DEFAULT_SEED  # noqa: E402
from graph.analytics.louvain import louvain_groups  # noqa: E402
from graph.analytics.projections import Projection  # noqa: E402

Groups = list[set[Hashable]]


def timed_rounds(run: Callable[[int], Groups], rounds: int) -> tuple[float, list[Groups]]:
    """Median seconds over `rounds` runs, round i with seed DEFAULT_SEED + i, and each round's partition."""
    seconds, partitions = [], []
    for i in range(rounds):
        started = time.perf_counter()
        partitions.append(run(DEFAULT_SEED + i))
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), partitions


def nmi(graph: nx.Graph, first: Groups, second: Groups) -> float:
    return normalized_mutual_info_score(labels(graph, first), labels(graph, second))


def describe(graph: nx.Graph, groups: Groups) -> tuple[float, int]:
    return (nx.community.modularity(graph, groups, weight="weight"), sum(1 for group in groups if len(group) >= 3))


def labels(graph: nx.Graph, groups: Groups) -> list[int]:
    label = {node: i for i, group in enumerate(groups) for node in group}
    return [label[node] for node in graph]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="snapshot", help="comma list: snapshot and/or synthetic paper counts")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-networkx-above", type=int, default=100_000, help="papers; networkx is skipped above")
    args = parser.parse_args()
    print("| dataset | people | links | networkit s | networkx s | ratio | modularity (networkit, networkx) "
          "| communities of 3+ (networkit, networkx) | NMI networkit-networkx "
          "| NMI across seeds (networkit, networkx) |")
    print("|---|---:|---:|---:|---:|---:|---|---|---:|---|")
    for size in args.sizes.split(","):
        data = snapshot_data()[0] if size == "snapshot" else synthetic_direct(int(size), 0)[0]
        graph = Projection(data).graph
        fast_s, fasts = timed_rounds(lambda seed, g=graph: louvain_groups(g, seed=seed), args.rounds)
        fast = fasts[0]
        fast_q, fast_n = describe(graph, fast)
        fast_seeds = f"{nmi(graph, fast, fasts[1]):.3f}" if len(fasts) > 1 else "—"
        row = [size, f"{graph.number_of_nodes():,}", f"{graph.number_of_edges():,}", f"{fast_s:.2f}"]
        if len(data.papers) <= args.no_networkx_above:
            slow_s, slows = timed_rounds(lambda seed, g=graph: nx.community.louvain_communities(
                g, weight="weight", seed=seed), args.rounds)
            slow = slows[0]
            slow_q, slow_n = describe(graph, slow)
            slow_seeds = f"{nmi(graph, slow, slows[1]):.3f}" if len(slows) > 1 else "—"
            row += [f"{slow_s:.2f}", f"{fast_s / slow_s:.3f}", f"{fast_q:.4f}, {slow_q:.4f}", f"{fast_n}, {slow_n}",
                    f"{nmi(graph, fast, slow):.3f}", f"{fast_seeds}, {slow_seeds}"]
        else:
            row += ["—", "—", f"{fast_q:.4f}, —", f"{fast_n}, —", "—", f"{fast_seeds}, —"]
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
