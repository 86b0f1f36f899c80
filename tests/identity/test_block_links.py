"""Links summed for all blocks at once (ingest/identity/block_links.py) equal the per-block ones.

Real ICLR 2022 rows (Paper Copilot names, OpenReview tilde ids) plus one OpenReview profile
printed under three given names, so that one profile spans two blocks (Quinn, not Bob: a hypocorism
of Robert now joins the blocks, ingest/identity/goes_by.py). For every block whose
clusters lie inside it, the precomputed clusters and links must be those `_Run.links_of_block`
gives when the block's turn comes: same keys in the same order, same floats; the blocks a
profile spans must be left to the per-block path. Small chunks force several passes.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from graph.records import Paper
from ingest.identity import block_links, strict
from ingest.identity.authors import clean_authorships
from ingest.identity.features import Corpus
from ingest.identity.mentions import Mention, mentions_from_papers
from ingest.identity.model import default_model
from ingest.identity.pairs import candidate_pairs
from ingest.identity.resolver import SMALL_BLOCK_PAIRS, _Run, resolve


@pytest.fixture(scope="module")
def mentions(_iclr2022_papers: list[Paper]) -> list[Mention]:
    papers = copy.deepcopy(_iclr2022_papers)
    for paper in papers:
        clean_authorships(paper, [])
    extra = [Mention(f"x-{k}#0", name, f"x-{k}", title, ["Ada Lovelace", "Alan Turing"], None, "iclr", 2022,
                     {"openreview": "~Robert_Smithson1"})
             for k, (name, title) in enumerate((("Robert Smithson", "Sparse attention for graphs"),
                                                ("Quinn Smithson", "Graph attention made sparse"),
                                                ("R. Smithson", "Sparse graph transformers")))]
    extra += [Mention(f"x-{k}#0", name, f"x-{k}", title, ["Ada Lovelace"], None, "iclr", 2022)  # no id: pairs
              for k, (name, title) in enumerate((("Quinn Smithson", "Sparse graph attention"),
                                                 ("Robert Smithson", "Attention for sparse graphs")), start=3)]
    return list(mentions_from_papers(papers)) + extra


def test_precomputed_links_equal_the_per_block_links(mentions: list[Mention],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(block_links, "CHUNK_PAIRS", 5_000)
    run = _Run(mentions, default_model(), ())
    run.clean_all()
    run.link_strong_ids()
    corpus = Corpus(run.mentions, run.parsed)
    blocks = run.blocks()
    table = candidate_pairs(corpus, blocks)
    probabilities = strict.cap_unsupported(run.model.probabilities(table.features), table, corpus,
                                           strict.COMMON, strict.CAP)
    keys = sorted(table.block_ranges)
    roots = np.fromiter(map(run.uf.find, range(len(run.mentions))), dtype=np.int64, count=len(run.mentions))
    local = block_links.local_blocks(keys, blocks, roots)
    assert set(keys) - set(local) >= {"smithson|r", "smithson|q"}  # one profile, two blocks
    found = block_links.precompute(local, blocks, table.block_ranges, table.left, table.right, probabilities,
                                   roots, run.model.review_low, run.model.single_weight, SMALL_BLOCK_PAIRS)
    assert set(found) == set(local)
    chunked = block_links.ChunkedLinks(local, blocks, table.block_ranges, table.left, table.right, probabilities,
                                       roots, run.model.review_low, run.model.single_weight, SMALL_BLOCK_PAIRS)
    assert all(chunked.lookup(key) == (True, found[key]) for key in keys if key in found)  # one chunk at a time
    assert chunked.lookup("smithson|r") == (False, None)
    sizes = [table.block_ranges[key][1] - table.block_ranges[key][0] for key in local]
    assert min(sizes) <= SMALL_BLOCK_PAIRS < max(sizes)  # both paths of `links_of_block` are compared
    root_list = roots.tolist()
    compared = 0
    for key in keys:  # the clustering order: each block's links as they stand when its turn comes
        expected = run.links_of_block(blocks[key], table, probabilities, *table.block_ranges[key])
        if key in found:
            got = found[key]
            if expected is None:
                assert got is None, key
            else:
                assert got is not None, key
                members = block_links.members_of(blocks[key], got, root_list)
                assert list(members.items()) == list(expected[0].items()), key
                assert list(got.links.items()) == list(expected[1].items()), key
                compared += 1
        if expected is not None:
            run._agglomerate(*expected, table)
    assert compared >= 50  # blocks with links to agglomerate (the others are compared as None)


def test_resolution_is_unchanged_without_precomputed_links(mentions: list[Mention],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with_links = resolve(mentions)
    monkeypatch.setattr(block_links, "local_blocks", lambda *_args: [])  # every block on the per-block path
    without = resolve(mentions)
    assert with_links.person_ids == without.person_ids
    assert with_links.confidences == without.confidences
    assert [vars(p) for p in with_links.people] == [vars(p) for p in without.people]
    assert with_links.review_items == without.review_items
