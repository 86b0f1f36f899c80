"""The namesake guard and the duplicate joins change only the clusters a run lets them (`_Run.guarded`).

Why: the online resolver (identity/incremental.py) lets them look only at clusters holding a new mention;
every other cluster is a cached person they judged in the build that made it, with the whole corpus's
evidence. Real ICLR 2022 rows, where the guard moves mentions (rule 1) when it may look at every cluster.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph.records import Paper
from ingest.identity.mentions import mentions_from_papers
from ingest.identity.model import default_model
from ingest.identity.partition import Partition
from ingest.identity.resolver import _Run


def _resolved(papers: list[Paper], guarded: Callable[[Partition], set[int] | None]
              ) -> tuple[_Run, dict[int, int]]:
    """A run through `after_clustering` with `guarded` in force, and each mention's cluster before it."""

    class Run(_Run):
        def guarded(self, partition: Partition) -> set[int] | None:
            return guarded(partition)

    run = Run(list(mentions_from_papers(papers)), default_model(), ())
    run.clean_all()
    run.link_strong_ids()
    run.cluster_blocks()
    roots = run.uf.roots().tolist()
    rejected = {i for i, _ in run.rejected}
    before = {i: roots[i] for i in range(len(run.mentions)) if i not in rejected}
    run.after_clustering()
    return run, before


@pytest.fixture(scope="module")
def everywhere(_iclr2022_papers: list[Paper]) -> tuple[_Run, dict[int, int]]:
    return _resolved(_iclr2022_papers, lambda _partition: None)


def _moved_from(run: _Run, before: dict[int, int]) -> set[int]:
    """The clusters (labels before the guard) that lost a mention to another cluster."""
    labels: dict[int, set[int]] = {}
    for i, root in before.items():
        labels.setdefault(root, set()).add(run.partition.label[i])
    return {root for root, after in labels.items() if len(after) > 1}


def test_the_guard_moves_mentions_when_it_may_look_everywhere(everywhere: tuple[_Run, dict[int, int]]) -> None:
    run, before = everywhere
    assert run.moved >= 5
    assert len(_moved_from(run, before)) >= 5


def test_nothing_moves_or_joins_when_no_cluster_may_change(_iclr2022_papers: list[Paper]) -> None:
    run, before = _resolved(_iclr2022_papers, lambda _partition: set())
    assert (run.moved, run.joins) == (0, [])
    assert {i: run.partition.label[i] for i in before} == before


def test_only_the_guarded_clusters_lose_mentions(_iclr2022_papers: list[Paper],
                                                 everywhere: tuple[_Run, dict[int, int]]) -> None:
    """Half of the clusters the unrestricted guard took mentions from are guarded; the other half keep theirs."""
    run, before = everywhere
    split = sorted(_moved_from(run, before))
    guarded = set(split[::2])
    limited, before_limited = _resolved(_iclr2022_papers, lambda _partition: guarded)
    assert before_limited == before  # the same clustering underneath
    moved_from = _moved_from(limited, before_limited)
    assert moved_from and moved_from <= guarded
