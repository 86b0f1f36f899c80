"""Shortcuts in the post-clustering steps answer as the code they replace (real ICLR 2022 rows).

Why: resolution must not move a single mention for speed (issue 13's CPU budget). Each shortcut
here is compared with the straightforward formulation it replaced, on every case a real corpus
offers: `ConstrainedUnionFind.roots` against `find` per item, `ClusterEvidence.linked` against the
paper-by-paper walk it now answers from each co-author's union of papers, `coauthor_counts`
against one `update` per member (same counts, same order), `ParsedName`'s cached keys against
their definition, the corpus built from the run's known parses against one that parses every
co-author name again, and the namesake guard counting each rival's co-authors once per cluster
against counting them for every candidate.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from graph.records import Paper
from ingest.identity import namesakes
from ingest.identity.cluster import ConstrainedUnionFind
from ingest.identity.evidence import ClusterEvidence
from ingest.identity.features import Corpus
from ingest.identity.mentions import Mention, mentions_from_papers
from ingest.identity.model import default_model
from ingest.identity.names import parse_name
from ingest.identity.partition import Partition
from ingest.identity.resolver import _Run

# printed names cleaning changes (a DBLP homonym number, a title, a marker, two people in one):
# the parse of the printed name is not the parse of its cleaned form, so they must not be handed on as known
_CHANGED_BY_CLEANING = ["Wei Wang 0001", "Dr. Jane Doe", "Matei Zaharia*", "Ada Lovelace and Alan Turing"]


@pytest.fixture(scope="module")
def run(_iclr2022_papers: list[Paper]) -> _Run:
    mentions = list(mentions_from_papers(_iclr2022_papers))
    printed = [m.name for m in mentions[:3]]
    mentions += [Mention(f"x-{k}#0", name, f"x-{k}", "A paper", [*printed, *_CHANGED_BY_CLEANING], None, "iclr", 2022)
                 for k, name in enumerate(_CHANGED_BY_CLEANING)]
    run = _Run(mentions, default_model(), ())
    run.clean_all()
    return run


@pytest.fixture(scope="module")
def corpus(run: _Run) -> Corpus:
    return Corpus(run.mentions, run.parsed)


def test_known_parses_are_the_parses_of_their_printed_names(run: _Run) -> None:
    assert len(run.parsed_printed) > 1_000
    assert all(parsed == parse_name(name) for name, parsed in run.parsed_printed.items())
    assert not set(_CHANGED_BY_CLEANING) & set(run.parsed_printed)


def test_corpus_from_known_parses_is_the_corpus_from_parsing(run: _Run, corpus: Corpus) -> None:
    known = Corpus(run.mentions, run.parsed, run.parsed_printed)
    assert known.coauthors == corpus.coauthors
    assert known.coauthor_names == corpus.coauthor_names
    assert vars(known).keys() == vars(corpus).keys()
    assert all(getattr(known, k) == getattr(corpus, k) for k in vars(corpus) if k not in ("parsed", "mentions"))


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


class _RecountedRivals(namesakes._RivalCoauthors):
    """The guard as it was: a rival's co-authors counted again for every candidate."""

    def __getitem__(self, label: int) -> Any:
        return self.evidence.coauthor_counts(self.partition.members[label]).keys()


def _guarded(run: _Run) -> tuple[Partition, int]:
    rejected = {i for i, _ in run.rejected}
    partition = Partition.from_union_find(run.uf, (i for i in range(len(run.mentions)) if i not in rejected))
    moved = namesakes.guard(partition, ClusterEvidence(run.corpus), run.mentions, run.parsed, run.mention_ids,
                            run.seeds)
    return partition, moved


def test_guard_counts_rivals_once_and_moves_the_same_mentions(_iclr2022_papers: list[Paper],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    run = _Run(list(mentions_from_papers(_iclr2022_papers)), default_model(), ())
    run.clean_all()
    run.link_strong_ids()
    run.cluster_blocks()
    counted_once, moved = _guarded(run)
    monkeypatch.setattr(namesakes, "_RivalCoauthors", _RecountedRivals)
    recounted, moved_again = _guarded(run)
    notes = Counter(n[0].split(" (")[0] for n in counted_once.mention_notes.values() if n)
    assert notes["moved to a namesake it shares co-authors with"] >= 5  # rule 1 runs here
    assert (moved, counted_once.label, counted_once.mention_notes) == (moved_again, recounted.label,
                                                                       recounted.mention_notes)
