"""The float32 co-author products of pairs.py count exactly what the float64 ones did (real NeurIPS 2021 rows).

The build's rows must not move when the pair features are computed faster: the counts of
shared co-authors, linked co-author pairs and common reach are sums of ones, so the float32
path must give the very same numbers as the straightforward float64 sparse products below.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from scipy import sparse

from ingest.identity import pairs
from ingest.identity.features import Corpus
from ingest.identity.mentions import mentions_from_papers
from ingest.identity.names import parse_name
from ingest.identity.pairs import (
    _GRAPH_MAX_AUTHORS,
    PairTable,
    _coauthor_graph_dots,
    _coauthor_matrix,
    candidate_pairs,
)
from ingest.sources import papercopilot
from tests.identity.conftest import read


def _row_dots64(matrix: sparse.csr_matrix, left: np.ndarray, right: np.ndarray,
                right_matrix: sparse.csr_matrix | None = None) -> np.ndarray:
    other = matrix if right_matrix is None else right_matrix
    return np.asarray(matrix[left].multiply(other[right]).sum(axis=1)).ravel()


def _reference(corpus: Corpus, coauthors: sparse.csr_matrix, left: np.ndarray, right: np.ndarray,
               max_degree: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The float64 formulation the build used before (one product per count, rows gathered twice).

    Names of more than `max_degree` co-author names stay out of the reach; by default the module's
    `pairs._GRAPH_MAX_DEGREE` at call time, so a monkeypatched limit is the reference's too.
    """
    codes: dict[str, int] = {}
    paper = np.asarray([codes.setdefault(m.paper_id, len(codes)) for m in corpus.mentions])
    by_paper = sparse.csr_matrix((np.ones(len(paper)), (paper, np.arange(len(paper)))), shape=(len(codes), len(paper)))
    authors = (by_paper @ coauthors).tocsr()
    authors.data[:] = 1.0
    authors = sparse.diags((np.diff(authors.indptr) <= _GRAPH_MAX_AUTHORS).astype(np.float64)) @ authors
    graph = (authors.T @ authors).tocsr()
    graph.setdiag(0)
    graph.eliminate_zeros()
    graph.data[:] = 1.0
    limit = pairs._GRAPH_MAX_DEGREE if max_degree is None else max_degree
    graph = (sparse.diags((np.diff(graph.indptr) <= limit).astype(np.float64)) @ graph).tocsr()
    reach = (coauthors @ graph).tocsr()
    reach.data[:] = 1.0
    return _row_dots64(reach, left, right, coauthors), _row_dots64(reach, left, right)


def _nips2021_pairs() -> tuple[Corpus, PairTable]:
    """NeurIPS 2021's corpus and its candidate pairs: real name blocks and co-author evidence."""
    mentions = list(mentions_from_papers(read(papercopilot, "papercopilot/nips/nips2021.json.gz")))
    parsed = [parse_name(m.name) for m in mentions]
    corpus = Corpus(mentions, parsed)
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(parsed):
        if name.surname:
            blocks[name.block_key].append(i)
    return corpus, candidate_pairs(corpus, blocks)


def test_coauthor_counts_equal_the_float64_products() -> None:
    corpus, table = _nips2021_pairs()
    left, right = table.left, table.right
    assert len(left) > 1000
    coauthors = _coauthor_matrix(corpus)
    linked, reach = _coauthor_graph_dots(corpus, coauthors, left, right)
    expected_linked, expected_reach = _reference(corpus, coauthors, left, right)
    assert linked.dtype == reach.dtype == np.float64
    assert np.array_equal(linked, expected_linked) and np.array_equal(reach, expected_reach)
    assert reach.max() > 10 and (linked > 0).sum() > 100  # the evidence is there, not all zeros
    assert np.array_equal(table.shared, _row_dots64(coauthors, left, right))


def test_gram_and_row_products_count_the_same(monkeypatch) -> None:
    """Every pair counted by a Gram product, or every pair by row products: the same counts as the reference."""
    corpus, table = _nips2021_pairs()
    left, right = table.left, table.right
    coauthors = _coauthor_matrix(corpus)
    expected = _reference(corpus, coauthors, left, right)
    for group_min, block_min, cells in ((1, 1, 16_000_000), (10**9, 10**9, 16_000_000), (1, 1, 0), (5, 20, 200)):
        monkeypatch.setattr(pairs, "_GROUP_MIN_PAIRS", group_min)
        monkeypatch.setattr(pairs, "_BLOCK_MIN_PAIRS", block_min)
        monkeypatch.setattr(pairs, "_GRAM_MAX_CELLS", cells)
        linked, reach = _coauthor_graph_dots(corpus, coauthors, left, right)
        assert np.array_equal(linked, expected[0]) and np.array_equal(reach, expected[1])


def test_names_past_the_degree_limit_are_not_reached_through(monkeypatch: pytest.MonkeyPatch) -> None:
    """A co-author name with more co-author names than the limit adds nothing to the reach, but still counts.

    NeurIPS 2021 alone has no name past the build's limit, so the limit is lowered to one its
    busiest names pass: the counts must be the reference's with that limit, differ from the
    counts without it, and match a set computation of the rule on pairs whose counts moved.
    """
    corpus, table = _nips2021_pairs()
    left, right = table.left, table.right
    coauthors = _coauthor_matrix(corpus)
    unlimited = _coauthor_graph_dots(corpus, coauthors, left, right)
    assert np.array_equal(unlimited[1], _reference(corpus, coauthors, left, right, max_degree=10**9)[1])
    monkeypatch.setattr(pairs, "_GRAPH_MAX_DEGREE", 40)
    first, graph = pairs._coauthor_graph(corpus, coauthors)
    linked, reach = _coauthor_graph_dots(corpus, coauthors, left, right)
    expected_linked, expected_reach = _reference(corpus, coauthors, left, right)
    assert np.array_equal(linked, expected_linked) and np.array_equal(reach, expected_reach)
    moved = np.flatnonzero(reach != unlimited[1])
    assert len(moved) > 100 and (reach <= unlimited[1]).all()  # the limit only takes reach away
    # the rule on sets: reach = names next to a co-author of at most 40 names; a busy name is still a column
    monkeypatch.setattr(pairs, "_GRAPH_MAX_DEGREE", 10**9)
    _, whole = pairs._coauthor_graph(corpus, coauthors)
    neighbours = [set(whole.indices[whole.indptr[k]:whole.indptr[k + 1]]) for k in range(whole.shape[0])]
    assert max(map(len, neighbours)) > 40 and graph.nnz < whole.nnz

    def reach_of(mention: int) -> set[int]:
        keys = first.indices[first.indptr[mention]:first.indptr[mention + 1]]
        return set().union(*(neighbours[k] for k in keys if len(neighbours[k]) <= 40))

    for k in moved[:: max(len(moved) // 50, 1)].tolist():
        l_reach, r_reach = reach_of(int(left[k])), reach_of(int(right[k]))
        r_keys = set(first.indices[first.indptr[right[k]]:first.indptr[right[k] + 1]].tolist())
        assert reach[k] == len(l_reach & r_reach) and linked[k] == len(l_reach & r_keys)


@pytest.mark.parametrize("kernel", ["scipy's kernel", "fallback"])
def test_one_pass_product_gives_the_arrays_of_scipys_product(kernel: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`pairs._matmat` (scipy's kernel run once, sized by a bound) returns the very arrays of `a @ b`.

    On real co-author matrices: float weights whose sums depend on the order of the terms, rows
    gathered with empty ones among them (first, last), and a Gram product against a transpose;
    also through the fallback a scipy without `_sparsetools` would take.
    """
    if kernel == "fallback":
        monkeypatch.setattr(pairs, "_sparsetools", None)
    mentions = list(mentions_from_papers(read(papercopilot, "papercopilot/nips/nips2021.json.gz")))
    corpus = Corpus(mentions, [parse_name(m.name) for m in mentions])
    coauthors = _coauthor_matrix(corpus)
    first, graph = pairs._coauthor_graph(corpus, coauthors)
    weighted = sparse.csr_matrix(coauthors.multiply(1.0 / np.log2(2.0 + np.arange(coauthors.shape[1]))[None, :]))
    empty = np.flatnonzero(np.diff(first.indptr) == 0)
    assert len(empty) > 0  # mentions without co-authors: empty rows
    rows = np.r_[empty[0], np.arange(0, first.shape[0], 7), empty[-1]]
    reach = (first[rows] @ graph).tocsr()
    cases = [(first[rows], graph), (weighted[rows], graph.astype(np.float64)),
             (reach, reach[: len(rows) // 2].T.tocsr()), (first[empty[:3]], graph)]
    for a, b in cases:
        expected, got = (a @ b).tocsr(), pairs._matmat(a, b)
        assert got.shape == expected.shape and got.dtype == expected.dtype
        for part in ("indptr", "indices", "data"):
            assert np.array_equal(getattr(got, part), getattr(expected, part)), part
    assert reach.nnz > 10_000 and weighted[rows].nnz > 1_000  # the cases are not trivial


def test_shared_counts_of_one_gather_equal_two_row_products() -> None:
    """`PairFeaturizer._shared_counts` (rows gathered once) is `_row_dots` of `first` and `rarity`, bit for bit."""
    corpus, table = _nips2021_pairs()
    featurizer = pairs.PairFeaturizer(corpus)
    assert featurizer.rarity_squared is not None  # the one-gather path, not its fallback
    shared, rare = featurizer._shared_counts(table.left, table.right)
    assert np.array_equal(shared, pairs._row_dots(featurizer.first, table.left, table.right))
    assert np.array_equal(rare, pairs._row_dots(featurizer.rarity, table.left, table.right))
    assert (shared > 0).sum() > 100 and len(np.unique(rare)) > 50  # real evidence, many distinct sums


def test_a_pickled_featuriser_gives_the_same_features() -> None:
    """What a Dask worker is sent (`PairFeaturizer.__getstate__`: no corpus, no `rarity` beside `rarity_squared`)
    featurises every pair as the original does (the nickname branch: tests/identity/test_pairs_distributed.py)."""
    import pickle

    corpus, table = _nips2021_pairs()
    featurizer = pairs.PairFeaturizer(corpus)
    sent = pickle.loads(pickle.dumps(featurizer))
    assert sent.corpus is None and sent.rarity is None and featurizer.corpus is corpus
    for got, expected in zip(sent.features(table.left, table.right), featurizer.features(table.left, table.right),
                             strict=True):
        assert np.array_equal(got, expected)
