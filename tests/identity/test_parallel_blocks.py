"""Blocks clustered in two processes (ingest/identity/parallel_blocks.py) give the people of one process.

The review items are made the same way in a forked child while the caller's next step runs.

Real ICLR 2022 rows (Paper Copilot names and affiliations, OpenReview tilde ids: strong-id
profiles whose mentions sit in several blocks) and real forked processes. The fork threshold
is lowered so that this corpus is split at all; a worker that fails leaves its blocks to the
parent, with the same people.
"""

from __future__ import annotations

import copy

import pytest

from graph.forked import Forked
from graph.records import Paper
from ingest.identity import parallel_blocks, resolver
from ingest.identity.authors import clean_authorships
from ingest.identity.incremental import NameStats, name_info, resolve_blocks
from ingest.identity.mentions import Mention, mentions_from_papers
from ingest.identity.model import default_model
from ingest.identity.resolver import Resolution, _Run, resolve


def _mentions(papers: list[Paper]) -> list[Mention]:
    papers = copy.deepcopy(papers)
    for paper in papers:
        clean_authorships(paper, [])
    return list(mentions_from_papers(papers))


def _facts(resolution: Resolution) -> tuple:
    return (resolution.person_ids, resolution.confidences, [vars(p) for p in resolution.people],
            resolution.review_items, resolution.rejected, resolution.joins, resolution.moved)


@pytest.fixture(scope="module")
def iclr_mentions(_iclr2022_papers: list[Paper]) -> list[Mention]:
    """ICLR 2022, plus one profile printed under two initials (two blocks, one OpenReview id) and a namesake.

    Quinn, not Bob: 'Bob' is a hypocorism of Robert, and the shared co-authors would now join the two blocks
    (ingest/identity/goes_by.py)."""
    extra = [Mention(f"x-{k}#0", name, f"x-{k}", title, ["Ada Lovelace", "Alan Turing"], None, "iclr", 2022,
                     {"openreview": "~Robert_Smithson1"})
             for k, (name, title) in enumerate((("Robert Smithson", "Sparse attention for graphs"),
                                                ("Quinn Smithson", "Graph attention made sparse"),
                                                ("R. Smithson", "Sparse graph transformers")))]
    extra.append(Mention("x-3#0", "Quinn Smithson", "x-3", "Sparse graph attention", ["Ada Lovelace"], None, "iclr",
                         2022))
    return _mentions(_iclr2022_papers) + extra


@pytest.fixture(scope="module")
def sequential(iclr_mentions: list[Mention]) -> tuple:
    return _facts(resolve(iclr_mentions, workers=1))


def test_two_processes_give_the_people_of_one(iclr_mentions: list[Mention], sequential: tuple,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel_blocks, "MIN_PAIRS", 0)
    forked: list[bool] = []
    original = parallel_blocks.cluster_in_two

    def counted(*args, **kwargs) -> bool:
        forked.append(original(*args, **kwargs))
        return forked[-1]

    monkeypatch.setattr(parallel_blocks, "cluster_in_two", counted)
    assert _facts(resolve(iclr_mentions, workers=2)) == sequential
    assert forked == [True]


def test_a_failing_worker_leaves_its_blocks_to_this_process(iclr_mentions: list[Mention], sequential: tuple,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel_blocks, "MIN_PAIRS", 0)

    def broken(*_args: object) -> dict:
        raise RuntimeError("injected failure in the worker")  # runs in the forked child only

    monkeypatch.setattr(parallel_blocks, "_state_of", broken)
    assert _facts(resolve(iclr_mentions, workers=2)) == sequential


def _split_by_strong_ids(mentions: list[Mention]) -> tuple[_Run, dict[str, list[int]], list[str], list[str]]:
    """The run (ids linked), its blocks of two or more mentions, and their split by strong-id profiles."""
    run = _Run(mentions, default_model(), [])
    run.clean_all()
    run.link_strong_ids()
    blocks = {key: members for key, members in run.blocks().items() if len(members) > 1}
    keys = sorted(blocks)
    mine, theirs = parallel_blocks.split_components(keys, blocks, run.seeds, {k: len(blocks[k]) for k in keys})
    return run, blocks, mine, theirs


def test_no_strong_id_profile_spans_both_halves(iclr_mentions: list[Mention]) -> None:
    run, blocks, mine, theirs = _split_by_strong_ids(iclr_mentions)
    keys = sorted(blocks)
    assert sorted(mine + theirs) == keys and mine and theirs
    side = {key: 0 for key in mine} | {key: 1 for key in theirs}
    sides_of_seed: dict[int, set[int]] = {}
    for key, members in blocks.items():
        for i in members:
            sides_of_seed.setdefault(run.seeds[i], set()).add(side[key])
    assert all(len(sides) == 1 for sides in sides_of_seed.values())
    keys_of_seed: dict[int, set[str]] = {}
    for key, members in blocks.items():
        for i in members:
            keys_of_seed.setdefault(run.seeds[i], set()).add(key)
    assert any(len(found) > 1 for found in keys_of_seed.values()), \
        "the corpus has profiles in several blocks: the case the split must respect"


def test_review_items_made_in_a_child_meanwhile_are_the_same(iclr_mentions: list[Mention], sequential: tuple,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # The build's next step (Author records) runs while a forked child makes the review items: same items.
    monkeypatch.setattr(resolver, "REVIEW_FORK_MENTIONS", 0)
    started: list[Forked] = []
    monkeypatch.setattr(resolver, "Forked", lambda *args, **kwargs: started.append(Forked(*args, **kwargs))
                        or started[-1])
    seen: list[tuple[int, int]] = []
    resolution = resolve(iclr_mentions, workers=2,
                         meanwhile=lambda done: seen.append((len(done.people), len(done.review_items))))
    assert _facts(resolution) == sequential
    assert resolution.review_items, "the corpus has review items: the case the child must get right"
    assert seen == [(len(resolution.people), 0)]  # called once, before the items were in
    assert [pending.in_child for pending in started] == [True]


def test_a_failing_next_step_stops_the_review_child(iclr_mentions: list[Mention],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolver, "REVIEW_FORK_MENTIONS", 0)
    started: list[Forked] = []
    monkeypatch.setattr(resolver, "Forked", lambda *args, **kwargs: started.append(Forked(*args, **kwargs))
                        or started[-1])

    def broken(_resolution: Resolution) -> None:
        raise RuntimeError("injected failure in the next step")

    with pytest.raises(RuntimeError, match="injected failure"):
        resolve(iclr_mentions, workers=2, meanwhile=broken)
    assert started and started[0]._process is not None and not started[0]._process.is_alive()


def test_the_online_resolver_on_two_processes_keeps_cached_people_whole(iclr_mentions: list[Mention],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The online resolver (identity/incremental.py) starts from cached people; a curator's merge makes one
    # of two people of different names, in two blocks, with no strong id joining them. The split between
    # the processes must keep that person's blocks on one side, as it keeps a strong-id profile's
    # (ingest/incremental.py passes the build's workers).
    whole = resolve(iclr_mentions, workers=1)
    new = set(range(0, len(iclr_mentions), 7))
    members: dict[str, list[int]] = {}
    for i, person_id in enumerate(whole.person_ids):
        if person_id and i not in new:
            members.setdefault(person_id, []).append(i)
    fixed = [group for group in members.values() if len(group) > 1]
    run, blocks, mine, theirs = _split_by_strong_ids(iclr_mentions)
    side = {i: 0 for key in mine for i in blocks[key]} | {i: 1 for key in theirs for i in blocks[key]}
    # the largest cached person of each side, by the split the strong ids alone would make: merged by a curator
    left, right = (max((g for g in fixed if all(side.get(i) == k for i in g)), key=len) for k in (0, 1))
    fixed = [g for g in fixed if g is not left and g is not right] + [left + right]
    stats = NameStats()
    for mention in iclr_mentions:
        stats.add(name_info(mention))
    for title in {mention.title for mention in iclr_mentions}:
        stats.add_title(title)

    def online(workers: int) -> tuple:
        return _facts(resolve_blocks(iclr_mentions, stats, fixed=fixed, new=sorted(new), workers=workers))

    one = online(1)
    monkeypatch.setattr(parallel_blocks, "MIN_PAIRS", 0)
    splits: list[tuple[list[str], list[str]]] = []
    original = parallel_blocks.split_components
    monkeypatch.setattr(parallel_blocks, "split_components", lambda *args: splits.append(original(*args)) or splits[-1])
    assert online(2) == one
    assert len(splits) == 1 and all(splits[0])  # the blocks were clustered in two processes
    block_of = {i: key for key, found in run.blocks().items() for i in found}
    sides = [set(part) for part in splits[0]]
    assert any({block_of[i] for i in left + right} <= part for part in sides)  # the merged person on one side
