"""Shortcuts in the post-clustering steps answer as the code they replace (real ICLR 2022 rows).

Why: resolution must not move a single mention for speed (issue 13's CPU budget). Each shortcut
here is compared with the straightforward formulation it replaced, on every case a real corpus
offers: `ConstrainedUnionFind.roots` against `find` per item, `ClusterEvidence.linked` against the
paper-by-paper walk it now answers from each co-author's union of papers, `coauthor_counts`
against one `update` per member (same counts, same order), and `ParsedName`'s cached keys against
their definition.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from graph.records import Paper
from ingest.identity.cluster import ConstrainedUnionFind
from ingest.identity.evidence import ClusterEvidence
from ingest.identity.features import Corpus
from ingest.identity.mentions import mentions_from_papers
from ingest.identity.model import default_model
from ingest.identity.resolver import _Run


@pytest.fixture(scope="module")
def corpus(_iclr2022_papers: list[Paper]) -> Corpus:
    run = _Run(list(mentions_from_papers(_iclr2022_papers)), default_model(), ())
    run.clean_all()
    return Corpus(run.mentions, run.parsed)


def _linked_reference(evidence: ClusterEvidence, mention: int, cluster_keys: Counter[int], own: bool) -> bool:
    """`linked` as it was: the cluster's other keys by comprehension, then every paper of every co-author."""
    keys = evidence.corpus.coauthors[mention]
    if own:
        if any(cluster_keys.get(k, 0) > 1 for k in keys):
            return True
        others = {k for k, count in cluster_keys.items() if count > (1 if k in keys else 0)}
    else:
        others = set(cluster_keys)
    if not others:
        return False
    if not others.isdisjoint(keys):
        return True
    papers = evidence._paper_sets()
    return any(not authors.isdisjoint(others) for key in keys for authors in papers.get(key, ()))


def test_roots_are_find_of_every_item() -> None:
    rng = random.Random(7)
    uf = ConstrainedUnionFind(2_000)
    for _ in range(1_500):
        uf.union(rng.randrange(2_000), rng.randrange(2_000))
    expected = [ConstrainedUnionFind.find(uf, i) for i in range(2_000)]  # compresses paths as it goes
    assert uf.roots().tolist() == expected


def test_coauthor_counts_are_the_member_by_member_counts(corpus: Corpus) -> None:
    evidence = ClusterEvidence(corpus)
    rng = random.Random(3)
    for _ in range(300):
        members = rng.sample(range(len(corpus.mentions)), rng.randint(1, 40))
        expected: Counter[int] = Counter()
        for i in members:
            expected.update(corpus.coauthors[i])
        got = evidence.coauthor_counts(members)
        assert list(got.items()) == list(expected.items())


def test_linked_answers_as_the_paper_by_paper_walk(corpus: Corpus) -> None:
    evidence = ClusterEvidence(corpus)
    reference = ClusterEvidence(corpus)
    by_group: dict[str, list[int]] = {}
    for i, name in enumerate(corpus.parsed):
        by_group.setdefault(name.group_key, []).append(i)
    rng = random.Random(11)
    clusters = [members for members in by_group.values() if len(members) >= 2]
    # random 'clusters' too: most of their mentions share nothing, so the co-author's-co-author walk runs
    clusters += [rng.sample(range(len(corpus.mentions)), rng.randint(2, 30)) for _ in range(400)]
    answers = Counter()
    for members in clusters:
        counts = evidence.coauthor_counts(members)
        for i in members:
            expected = _linked_reference(reference, i, counts, own=True)
            assert evidence.linked(i, counts) == expected
            answers[expected] += 1
        outsider = rng.randrange(len(corpus.mentions))
        assert evidence.linked(outsider, counts, own=False) == _linked_reference(reference, outsider, counts, False)
    assert answers[True] > 100 and answers[False] > 100  # both answers were asked


def test_cached_name_keys_are_their_definition(corpus: Corpus) -> None:
    for name in corpus.parsed[:5_000]:
        assert name.block_key == f"{name.surname}|{name.given[:1]}"
        assert name.group_key == f"{name.surname}|{name.given}"
        assert name.__dict__["group_key"] is name.group_key  # stored once, read from the instance after
