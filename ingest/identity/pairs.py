"""Every candidate mention pair of a resolution, generated and scored once, in numpy.

Why vectorised: re-scoring pooled cluster profiles after each merge cost ~17 µs per
pair in Python and dominated resolution (1.8M scorings for the snapshot). Here the
candidate pairs (same block, compatible given names, different papers) are enumerated
once per block, their features are computed in a few array operations (co-author and
title overlap as row products of sparse matrices, affiliation similarity once per
distinct pair of affiliation strings), and the model scores them in one dot product.
Clustering then works on these fixed pair probabilities (average linkage, see
`cluster.average_linkage`), so a merge costs dictionary updates, not feature work.

Memory (issue 20): the nineteen float32 features and their float64 inputs of every pair of the
corpus at once were the peak of a build, and pairs grow faster than papers inside name blocks.
Given the model, `candidate_pairs` featurises and scores the pairs in bounded chunks
(`_SCORE_CHUNKS` of the model's forward passes) and keeps per pair only what clustering and the reasons shown to
reviewers read: the two mention indices (int32), the probability (float64, as the model
returns it), the shared co-author count, the title similarity and a byte of evidence flags.
Each pair's features depend only on the pair and on corpus-wide inputs made once
(`PairFeaturizer`), and the chunks start where the model's own forward passes over all pairs
would start, so the numbers are those of the whole-corpus computation, bit for bit
(tests/identity/test_pairs_chunked.py).
"""

from __future__ import annotations

import sys
from collections import defaultdict, deque
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from scipy import sparse

try:  # scipy's own sparse kernels, called once instead of twice (see `_matmat`); private, hence the fallback
    from scipy.sparse import _sparsetools
except ImportError:  # pragma: no cover - a scipy that moved them: the public product, same numbers
    _sparsetools = None

from graph.forked import Forked
from ingest.identity import hypocorisms, name_prior, sparse_groups
from ingest.identity import model as pair_model
from ingest.identity.features import FEATURE_NAMES, Corpus
from ingest.identity.model import PairModel
from ingest.identity.names import ParsedName, fold, given_relation

_GRAPH_MAX_AUTHORS = 25  # larger papers stay out of the co-author graph
# co-author names with more distinct co-author names than this are not reached through (see `_without_hub_rows`)
_GRAPH_MAX_DEGREE = 1_000
_CHUNK = 10_000  # pairs per sparse row-product: gathered rows of long co-author-graph rows stay small
_GROUP_MIN_PAIRS = 1_000  # pairs of one (block, given name, given name) group counted by one Gram product
_BLOCK_MIN_PAIRS = 100  # the rest of a block's pairs counted by one Gram product
_GRAM_MAX_CELLS = 16_000_000  # largest dense Gram product (64 MB of float32); larger groups use row products


PRIOR_FEATURE = "name_commonness_prior"  # a candidate feature (benchmarks/prior_feature_experiment.py)
# columns an experiment adds to FEATURE_NAMES, by name: f(featurizer, left, right) -> float64 per pair
EXTRA_COLUMNS: dict[str, Callable[[PairFeaturizer, np.ndarray, np.ndarray], np.ndarray]] = {}
_SCORE_CHUNKS = 1  # model forward passes (model._CHUNK pairs each) featurised and scored at once (~0.1 GB)
# pairs from which one forward pass's features are made in two processes (`_score_one_chunk_in_two`)
_FEATURES_IN_TWO_FROM = 50_000

# evidence flags per pair (`PairTable.evidence`): what the reasons and the strict rule read of the features
LINKED = 1  # coauthor_graph_log > 0
SAME_AFFILIATION = 2  # affiliation_similarity >= 0.8
NAME_INITIAL = 4
NAME_PREFIX = 8
SAME_VENUE = 16
MIDDLE_MATCH = 32
_SAME_AFFILIATION_AT = 0.8
_FLAG_COLUMNS = ((LINKED, "coauthor_graph_log"), (NAME_INITIAL, "name_initial"), (NAME_PREFIX, "name_prefix"),
                 (SAME_VENUE, "venue_overlap"), (MIDDLE_MATCH, "middle_match"))
_COLUMN = {name: k for k, name in enumerate(FEATURE_NAMES)}
Sample = tuple[np.ndarray, np.ndarray] | None  # a sparse block's pairs to impute from


@dataclass
class PairTable:
    """Candidate pairs (left < right, mention indices), what is kept of their features, and per-block ranges."""

    left: np.ndarray  # int32
    right: np.ndarray  # int32
    shared: np.ndarray  # int32 raw shared co-author counts, for the reasons shown to reviewers
    title: np.ndarray  # float32 title similarity (the feature's value), for the reasons
    evidence: np.ndarray  # uint8 flags (LINKED, SAME_AFFILIATION, ...), for the reasons and strict.py
    block_ranges: dict[str, tuple[int, int]]  # block key -> slice of the pair arrays
    probabilities: np.ndarray | None = None  # float64 model probabilities, when scored while built
    features: np.ndarray | None = None  # float32 (FEATURE_NAMES order), only when built without a model
    # sparse block key -> the probability its pairs not enumerated count with (sparse_groups.py)
    imputed: dict[str, float] = field(default_factory=dict)

    def has(self, flag: int) -> np.ndarray:
        """Boolean per pair: does its evidence carry `flag`?"""
        return (self.evidence & flag) != 0


def _nickname_pairs(block: Sequence[int], by_given: Mapping[str, Sequence[int]],
                    alternatives: dict[int, tuple[str, ...]]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Pairs a parenthesised nickname makes possible: 'Harry (Huazhe) Xu' with 'Huazhe Xu'.

    Each nickname is compared with the block's distinct given names, not with every mention: a large block
    holds hundreds of mentions of a few dozen names, and asking `given_relation` per mention made `_block_pairs`
    ~1.2 s of CPU of a snapshot resolution, ~0.8 s since (BENCHMARKS.md, "Incremental ingest › session 68").
    The partners come out grouped by given name, not in block order; the caller removes repeated pairs and
    sorts them (`unique_pairs`), so the pairs are the same. (`given_index.GivenIndex` also finds a block's
    related given names, but always with the empty one, which `given_relation` relates to no nickname.)
    """
    lefts, rights = [], []
    partners_of: dict[tuple[str, ...], np.ndarray] = {}  # mentions printing the same nickname(s) share partners
    for i in block:
        names = alternatives.get(i)
        if not names:
            continue
        partners = partners_of.get(names)
        if partners is None:
            related = [owners for given, owners in by_given.items()
                       if any(given_relation(name, given) for name in names)]
            partners = partners_of[names] = np.fromiter(chain.from_iterable(related), dtype=np.int64)
        partners = partners[partners != i]
        if len(partners):
            lefts.append(np.full(len(partners), i, dtype=np.int64))
            rights.append(partners)
    return lefts, rights


@lru_cache(maxsize=256)
def _upper_pairs(size: int) -> tuple[np.ndarray, np.ndarray]:
    """np.triu_indices(size, k=1), memoised: the same small sizes come back for tens of thousands of names."""
    a, b = np.triu_indices(size, k=1)
    a.flags.writeable = b.flags.writeable = False  # shared between calls
    return a, b


def _block_pairs(block: Sequence[int], givens: Sequence[str],
                 alternatives: dict[int, tuple[str, ...]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs inside one block whose given names could be one person's (same, initial or short form,
    or through a mention's parenthesised nickname)."""
    by_given: dict[str, list[int]] = defaultdict(list)
    for i in block:
        by_given[givens[i]].append(i)
    names = sorted(by_given)
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    for gi, given in enumerate(names):
        owners = np.asarray(by_given[given], dtype=np.int64)
        if len(owners) > 1:
            a, b = _upper_pairs(len(owners)) if len(owners) <= 256 else np.triu_indices(len(owners), k=1)
            lefts.append(owners[a])
            rights.append(owners[b])
        # related names: an initial relates to every name of the block; a short form to the
        # names it prefixes, which sort right after it
        others: list[str] = []
        if len(given) == 1:
            others = [n for n in names if n != given]
        elif len(given) >= 3:
            others = []
            for other in names[gi + 1:]:
                if not other.startswith(given):
                    break
                others.append(other)
            # a hypocorism of the block ('tom' / 'thomas'), each pair of names once (from the one sorted first)
            others += sorted(n for n in hypocorisms.relatives(given)
                             if n > given and n in by_given and not n.startswith(given))
        for other in others:
            if given_relation(given, other) is None:
                continue
            partners = np.asarray(by_given[other], dtype=np.int64)
            lefts.append(np.repeat(owners, len(partners)))
            rights.append(np.tile(partners, len(owners)))
    nickname = False
    if alternatives:
        more_left, more_right = _nickname_pairs(block, by_given, alternatives)
        nickname = bool(more_left)
        lefts += more_left
        rights += more_right
    if not lefts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    left, right = np.concatenate(lefts), np.concatenate(rights)
    left, right = np.minimum(left, right), np.maximum(left, right)
    if nickname:  # a nickname pair may repeat one found by the given names
        left, right = unique_pairs(left, right)
    return left, right


def unique_pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(np.stack([left, right]), axis=1)` of non-negative int64 indices, as two arrays.

    Why: `unique` along an axis sorts the columns as structured records, ~10 ms for a large
    block's pairs and a third of pair enumeration on the snapshot (also `block_links.local_blocks`).
    One int64 key per pair (left * width + right, right < width) sorts in the same order, (left,
    right) lexicographic, so the distinct pairs come out the same and in the same order.
    """
    if not len(left):
        return left.copy(), right.copy()
    width = int(right.max()) + 1
    if int(left.max()) >= (np.iinfo(np.int64).max - width) // width:  # the keys would overflow: the original
        unique = np.unique(np.stack([left, right]), axis=1)
        return unique[0], unique[1]
    keys = np.unique(left.astype(np.int64, copy=False) * width + right)
    return keys // width, keys % width


def _row_dots(matrix: sparse.csr_matrix, left: np.ndarray, right: np.ndarray,
              right_matrix: sparse.csr_matrix | None = None) -> np.ndarray:
    """Dot products of matrix rows `left` with rows `right` (of `right_matrix` if given)."""
    other = matrix if right_matrix is None else right_matrix
    out = np.zeros(len(left), dtype=np.float64)
    for start in range(0, len(left), _CHUNK):
        stop = start + _CHUNK
        out[start:stop] = np.asarray(matrix[left[start:stop]].multiply(other[right[start:stop]]).sum(axis=1)).ravel()
    return out


def _coauthor_matrix(corpus: Corpus) -> sparse.csr_matrix:
    rows = np.repeat(np.arange(len(corpus.coauthors)), [len(c) for c in corpus.coauthors])
    # the keys of each set in set order: building the CSR matrix from (row, col) pairs sorts each row's columns
    cols = np.fromiter(chain.from_iterable(corpus.coauthors), dtype=np.int64, count=len(rows))
    width = int(cols.max()) + 1 if len(cols) else 1
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(corpus.coauthors), width))


def _column_values(matrix: sparse.csr_matrix, width: int) -> np.ndarray:
    """The value each column holds in `matrix` (0 for an empty column); every entry of a column must be equal."""
    values = np.zeros(width, dtype=matrix.dtype)
    values[matrix.indices] = matrix.data
    return values


def _coauthor_graph(corpus: Corpus, coauthors: sparse.csr_matrix) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """(first, graph): each mention's co-authors, and who published with whom (small papers only), float32 ones."""
    paper_codes: dict[str, int] = {}
    paper = np.fromiter((paper_codes.setdefault(m.paper_id, len(paper_codes)) for m in corpus.mentions),
                        dtype=np.int64, count=len(corpus.mentions))
    # float32 throughout: only the sparsity structure is kept (values are reset to ones), and
    # products of positive counts never cancel, so the structure is the float64 one.
    by_paper = sparse.csr_matrix((np.ones(len(paper), dtype=np.float32), (paper, np.arange(len(paper)))),
                                 shape=(len(paper_codes), len(paper)))
    first = sparse.csr_matrix((np.ones(coauthors.nnz, dtype=np.float32), coauthors.indices, coauthors.indptr),
                              shape=coauthors.shape)
    authors = (by_paper @ first).tocsr()
    authors.data[:] = 1.0
    sizes = np.diff(authors.indptr)
    authors = sparse.diags((sizes <= _GRAPH_MAX_AUTHORS).astype(np.float32)) @ authors
    graph = (authors.T @ authors).tocsr()
    graph.setdiag(0)
    graph.eliminate_zeros()
    graph.data[:] = 1.0
    return first, _without_hub_rows(graph)


def _without_hub_rows(graph: sparse.csr_matrix) -> sparse.csr_matrix:
    """`graph` with the rows of names of more than `_GRAPH_MAX_DEGREE` co-author names emptied.

    Why: a mention's reach is its co-authors' co-authors, so one co-author name that thousands
    of names published with puts all of them in the reach. Such a name is either one name
    shared by many people ('Wei Wang' of every lab) or one of the few most prolific people,
    through whom nearly everyone is two steps from everyone: in both cases what it adds to
    the reach says little about one lab. It also made the counts grow faster than the corpus
    (issue 20): the synthetic corpus's busiest name has 3,299 co-author names at 250k papers,
    where the snapshot's busiest ('Yang Liu', several people) has 732. The name itself stays a column: a mention
    whose co-author published with it still counts it in `linked`. 1,000 is above every name
    of the snapshot, on whose real pairs the model was fitted, so no resolution of the snapshot
    moves (BENCHMARKS.md, "session 37").
    """
    degree = np.diff(graph.indptr)
    if not (degree > _GRAPH_MAX_DEGREE).any():
        return graph
    kept = (sparse.diags((degree <= _GRAPH_MAX_DEGREE).astype(graph.dtype)) @ graph).tocsr()
    kept.eliminate_zeros()
    return kept


def _distinct_names(parsed: Sequence[ParsedName]) -> tuple[list[ParsedName], np.ndarray]:
    """(distinct parsed-name objects in order of first use, each mention's index into them).

    Why: parsed names are memoised (`names.parse_name`), so ~290k mentions share far fewer
    objects; a per-name column is computed once per object and gathered, instead of a Python
    generator step per mention and column. Order of first use keeps every code given in order of
    first appearance the same as a pass over the mentions.
    """
    keys = list(map(id, parsed))
    code_of = {key: code for code, key in enumerate(dict.fromkeys(keys))}
    by_key = dict(zip(keys, parsed, strict=True))
    return [by_key[key] for key in code_of], np.fromiter(map(code_of.__getitem__, keys), dtype=np.int64,
                                                            count=len(keys))


def _given_coding(names: Sequence[ParsedName]) -> dict[str, int]:
    """Given name -> its code, in order of first appearance: the coding of `_name_codes` and `_hypocorism_keys`."""
    given_of: dict[str, int] = {}
    for p in names:
        given_of.setdefault(p.given, len(given_of))
    return given_of


def _hypocorism_keys(names: Sequence[ParsedName]) -> tuple[np.ndarray, int]:
    """(`given code * width + given code` of every ordered pair of the corpus's given names that are hypocorisms
    of one another, sorted; width), in `_name_codes`' coding."""
    given_of = _given_coding(names)
    width = max(len(given_of), 1)
    keys = [code * width + given_of[other] for given, code in given_of.items()
            for other in hypocorisms.relatives(given) if other in given_of]
    return np.sort(np.asarray(keys, dtype=np.int64)), width


def _name_codes(corpus: Corpus, distinct: tuple[list[ParsedName], np.ndarray] | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """(given name code, block code) per mention: the keys of the Gram product groups."""
    names, index = distinct or _distinct_names(corpus.parsed)
    given_of = _given_coding(names)
    block_of: dict[str, int] = {}
    given = np.fromiter((given_of[p.given] for p in names), dtype=np.int64, count=len(names))
    block = np.fromiter((block_of.setdefault(p.block_key, len(block_of)) for p in names), dtype=np.int64,
                        count=len(names))
    return given[index], block[index]


def _coauthor_graph_dots(corpus: Corpus, coauthors: sparse.csr_matrix, left: np.ndarray,
                         right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Second-order co-author evidence: (linked, common reach) per pair.

    Two students of one 'Bo Li' rarely share a paper with each other's, but they have
    published together: `linked` counts co-author pairs (one from each mention) that
    share a paper. `reach` counts the people both mentions' co-authors have published
    with, a looser sign of one lab. Papers with many authors stay out of the graph,
    where co-occurrence says little.
    """
    first, graph = _coauthor_graph(corpus, coauthors)
    if not len(left):
        return np.zeros(0), np.zeros(0)
    # Both counts are sums of ones, exact in float32 (rows are far shorter than 2**24): half the
    # bytes of float64 to gather and multiply.
    return _graph_counts(_name_codes(corpus), first, graph, left, right)


def _matmat(a: sparse.csr_matrix, b: sparse.csr_matrix) -> sparse.csr_matrix:
    """`a @ b` of two CSR matrices, in one pass of scipy's kernel instead of two.

    Why: `a @ b` runs scipy's kernel twice, once only to count the product's entries
    (`csr_matmat_maxnnz`) and once to fill them; in the co-author products (`_graph_counts`) the
    count was ~40% of their time. An upper bound of the count costs one gather: a row of the
    product has at most one entry per product of an entry of `a` with an entry of `b`'s matching
    row, and at most `b.shape[1]` entries. The arrays are sized by it and the same kernel
    (`csr_matmat`) fills them once: the very arrays `a @ b` gives, so the very numbers
    (tests/identity/test_pairs_exact.py). The bound is computed here, never passed in: the kernel
    writes without checking, so a short array would be memory corruption.
    """
    m, n = a.shape[0], b.shape[1]
    summed = np.r_[0, np.cumsum(np.diff(b.indptr)[a.indices], dtype=np.int64)]  # b's row sizes over a's entries
    bound = int(np.minimum(summed[a.indptr[1:]] - summed[a.indptr[:-1]], n).sum())
    if _sparsetools is None or max(bound, a.nnz, b.nnz, m + 1, n + 1) >= np.iinfo(np.int32).max:
        return (a @ b).tocsr()
    index = np.int32  # what `a @ b` picks while every count fits in int32
    indptr = np.empty(m + 1, dtype=index)
    indices = np.empty(bound, dtype=index)
    data = np.empty(bound, dtype=np.result_type(a.dtype, b.dtype))
    _sparsetools.csr_matmat(m, n, a.indptr.astype(index, copy=False), a.indices.astype(index, copy=False),
                            a.data, b.indptr.astype(index, copy=False), b.indices.astype(index, copy=False),
                            b.data, indptr, indices, data)
    nnz = int(indptr[-1])
    return sparse.csr_matrix((data[:nnz].copy(), indices[:nnz].copy(), indptr), shape=(m, n))


def _graph_counts(codes: tuple[np.ndarray, np.ndarray], first: sparse.csr_matrix, graph: sparse.csr_matrix,
                  left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(reach_l . first_r, reach_l . reach_r) per pair: Gram products where pairs are dense, row products elsewhere.

    Why: the per-pair row product gathers and merges both `reach` rows (~500 entries) for each
    of the snapshot's ~3M pairs, though a mention's row is gathered once per partner. The
    candidate pairs of a block are nearly complete bipartite sets (one given name against
    another), so for a group of pairs sharing (block, left given name, right given name), and
    then for the rest of a large block, `R[lefts] @ R[rights].T` gathers each row once and
    counts only entries both rows hold; the pairs are read off the small dense product
    (20.5 -> ~6 s of CPU on the snapshot). Counts of ones in float32 are exact either way, so
    the result is identical to the row products (tests/identity/test_pairs_exact.py).

    The `reach` rows (`first @ graph`: a mention's two-hop neighbourhood) are made for the rows a
    group or chunk needs, never for the whole corpus at once: that matrix was the build's peak
    memory on large corpora (issue 20, benchmarks/bench_memory.py). A row does not depend on
    which other rows are made with it, so the counts are the same.
    """

    def reach_of(rows: np.ndarray) -> sparse.csr_matrix:
        reach = _matmat(first[rows], graph)
        reach.data[:] = 1.0
        return reach

    linked, common = np.zeros(len(left), dtype=np.float64), np.zeros(len(left), dtype=np.float64)
    done = np.zeros(len(left), dtype=bool)

    def gram(index: np.ndarray) -> None:
        # the reach rows of both sides made once: a group of one given name has most mentions on both sides
        rows, at = np.unique(np.concatenate([left[index], right[index]]), return_inverse=True)
        lefts, left_at = np.unique(at[:len(index)], return_inverse=True)
        rights, right_at = np.unique(at[len(index):], return_inverse=True)
        if len(lefts) * len(rights) > _GRAM_MAX_CELLS:
            return  # the dense product would be too large: row products below
        reach = reach_of(rows)
        gathered = reach[lefts] if len(lefts) < len(rows) else reach
        right_reach = (reach[rights] if len(rights) < len(rows) else reach).T.tocsr()
        common[index] = _matmat(gathered, right_reach).toarray()[left_at, right_at]
        linked[index] = _matmat(gathered, first[rows[rights]].T.tocsr()).toarray()[left_at, right_at]
        done[index] = True

    given, block = codes
    width = max(int(given.max()) + 1 if len(given) else 1, 1)
    group = (block[left] * width + given[left]) * width + given[right]
    for keys, minimum in ((group, _GROUP_MIN_PAIRS), (block[left], _BLOCK_MIN_PAIRS)):
        candidates = np.flatnonzero(~done)
        if not len(candidates):
            break
        order = candidates[np.argsort(keys[candidates], kind="stable")]
        sorted_keys = keys[order]
        starts = np.r_[0, np.flatnonzero(np.diff(sorted_keys)) + 1]
        stops = np.r_[starts[1:], len(order)]
        for g in np.flatnonzero(stops - starts >= minimum).tolist():
            gram(order[starts[g]:stops[g]])
    rest = np.flatnonzero(~done)
    for start in range(0, len(rest), _CHUNK):
        chunk = rest[start:start + _CHUNK]
        rows, at = np.unique(np.concatenate([left[chunk], right[chunk]]), return_inverse=True)
        reach = reach_of(rows)
        gathered = reach[at[:len(chunk)]]  # gathered once for both products
        linked[chunk] = np.asarray(gathered.multiply(first[right[chunk]]).sum(axis=1)).ravel()
        common[chunk] = np.asarray(gathered.multiply(reach[at[len(chunk):]]).sum(axis=1)).ravel()
    return linked, common


def _title_matrix(corpus: Corpus) -> sparse.csr_matrix:
    """Unit IDF title vectors, built once per paper and gathered per mention."""
    vocabulary: dict[str, int] = {}
    paper_row: dict[str, int] = {}
    rows, cols, values = [], [], []
    for paper_id, vector in corpus.vectors.items():
        paper_row[paper_id] = len(paper_row)
        for word, weight in vector.items():
            rows.append(paper_row[paper_id])
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
            values.append(weight)
    by_paper = sparse.csr_matrix((values, (rows, cols)), shape=(max(len(paper_row), 1), max(len(vocabulary), 1)))
    return by_paper[[paper_row[m.paper_id] for m in corpus.mentions]]


class _Affiliations:
    """token_set_ratio / 100 of pairs' affiliations (0, and missing=1, where either side has none).

    Each distinct pair of affiliation strings is scored once per resolution: the scores of the
    chunks seen so far are kept as sorted (key, score) arrays, 16 bytes per string pair.
    """

    def __init__(self, corpus: Corpus) -> None:
        ids: dict[str, int] = {}
        self.strings: list[str] = []
        self.codes = np.full(len(corpus.mentions), -1, dtype=np.int64)
        for i, mention in enumerate(corpus.mentions):
            if mention.affiliation:
                text = fold(mention.affiliation)
                if text not in ids:
                    ids[text] = len(self.strings)
                    self.strings.append(text)
                self.codes[i] = ids[text]
        self.known_keys = np.zeros(0, dtype=np.int64)
        self.known_scores = np.zeros(0, dtype=np.float64)

    def __call__(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.codes[left], self.codes[right]
        present = (a >= 0) & (b >= 0)
        similarity = np.zeros(len(left))
        width = max(len(self.strings), 1)
        lo, hi = np.minimum(a, b)[present], np.maximum(a, b)[present]
        keys, inverse = np.unique(lo * width + hi, return_inverse=True)
        at = np.searchsorted(self.known_keys, keys).clip(max=max(len(self.known_keys) - 1, 0))
        known = (self.known_keys[at] == keys) if len(self.known_keys) else np.zeros(len(keys), dtype=bool)
        new_keys = keys[~known]
        strings = self.strings
        new_scores = np.fromiter((1.0 if key // width == key % width else
                                  fuzz.token_set_ratio(strings[key // width], strings[key % width]) / 100
                                  for key in new_keys.tolist()), dtype=np.float64, count=len(new_keys))
        scores = np.empty(len(keys), dtype=np.float64)
        scores[known] = self.known_scores[at[known]]
        scores[~known] = new_scores
        if len(new_keys):  # both sorted and disjoint: an insertion keeps the keys sorted, in linear time
            where = np.searchsorted(self.known_keys, new_keys)
            self.known_keys = np.insert(self.known_keys, where, new_keys)
            self.known_scores = np.insert(self.known_scores, where, new_scores)
        similarity[present] = scores[inverse]
        return similarity, (~present).astype(np.float64)


def _affiliations(corpus: Corpus, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """token_set_ratio / 100 per pair (0 and missing=1 where either side has none), each string pair once."""
    return _Affiliations(corpus)(left, right)


class PairFeaturizer:
    """The corpus-wide inputs of the pair features, made once; `features(left, right)` for any set of pairs.

    Why a class: scoring chunk by chunk (issue 20) must not redo the co-author graph, the
    title vectors or the per-mention name statistics for every chunk. A pair's features
    depend only on the pair and on these inputs, so any chunking gives the same numbers.
    """

    def __init__(self, corpus: Corpus) -> None:
        n = len(corpus.mentions)
        parsed = corpus.parsed
        # kept for experiments' extra columns (EXTRA_COLUMNS); `features` reads only what follows, so a
        # featuriser pickled without it (`__getstate__`: a Dask worker's copy) gives the same numbers
        self.corpus: Corpus | None = corpus
        self.size, self.distinct_names = corpus.size, corpus.distinct_names
        coauthors = _coauthor_matrix(corpus)
        df = np.asarray(coauthors.sum(axis=0)).ravel()
        # each shared co-author weighs by the rarity of their name: 'Wei Wang' is weak evidence
        self.rarity = sparse.csr_matrix(coauthors.multiply(np.sqrt(1.0 / np.log2(2.0 + df))[None, :]))
        self.title = _title_matrix(corpus)
        # `first` is the co-author matrix in float32 ones: it also counts the shared co-authors
        # (counts of ones: exact in float32, half the bytes)
        self.first, self.graph = _coauthor_graph(corpus, coauthors)
        # the squared rarity of each co-author, when `rarity` holds it at the very entries of `first`
        # (it does: both are the co-author matrix's structure): see `_shared_counts`
        same = np.array_equal(self.rarity.indptr, self.first.indptr) and \
            np.array_equal(self.rarity.indices, self.first.indices)
        self.rarity_squared = _column_values(self.rarity, coauthors.shape[1]) ** 2 if same else None
        del coauthors
        names, index = _distinct_names(parsed)
        self.names, self.name_index = names, index  # each mention's parsed name: names[name_index[mention]]
        self.codes = _name_codes(corpus, (names, index))
        self.affiliations = _Affiliations(corpus)
        venue_ids: dict[str, int] = {}
        self.venue = np.fromiter((venue_ids.setdefault(m.venue, len(venue_ids)) if m.venue else -1
                                  for m in corpus.mentions), dtype=np.int64, count=n)
        self.year = np.fromiter((m.year or -1 for m in corpus.mentions), dtype=np.int64, count=n)
        k = len(names)  # the per-name columns: once per distinct parsed name, then gathered per mention
        self.given_len = np.fromiter((len(p.given) for p in names), dtype=np.int64, count=k)[index]
        self.given_code = self.codes[0]  # given names coded in order of first appearance
        self.hypocorism_keys, self.given_width = _hypocorism_keys(names)
        self.middle = np.fromiter((ord(p.middle_initials[0]) if p.middles and p.middle_initials else -1
                                   for p in names), dtype=np.int64, count=k)[index]
        self.has_nickname = np.fromiter((bool(p.alt_givens) for p in names), dtype=bool, count=k)[index]
        self.group = np.fromiter((corpus.group_counts[p.group_key] for p in names), dtype=np.float64, count=k)[index]
        self.block = np.fromiter((corpus.block_counts[p.block_key] for p in names), dtype=np.float64, count=k)[index]
        self.surname = np.fromiter((corpus.surname_counts[p.surname] for p in names), dtype=np.float64,
                                   count=k)[index]
        self.given_count = np.fromiter((corpus.given_counts[p.given] for p in names), dtype=np.float64,
                                       count=k)[index]
        self.surname_div = np.fromiter((corpus.surname_diversity[p.surname] for p in names), dtype=np.float64,
                                       count=k)[index]
        self.given_div = np.fromiter((corpus.given_diversity[p.given] for p in names), dtype=np.float64,
                                     count=k)[index]
        # how common each name is anywhere (the snapshot's prior when the corpus is smaller than it): only
        # when the model reads it (`PRIOR_FEATURE`)
        self.prior_common = (name_prior.commonness_of(names, corpus)[index] if PRIOR_FEATURE in FEATURE_NAMES
                             else None)

    def __getstate__(self) -> dict[str, object]:
        """Everything `features` reads, without the corpus (its Python objects are most of its bytes), and
        without `rarity` when `rarity_squared` stands for it (`_shared_counts`; one of the largest arrays a Dask
        worker is sent)."""
        return {**self.__dict__, "corpus": None, "rarity": None if self.rarity_squared is not None else self.rarity}

    def _shared_counts(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(shared co-authors, their summed squared rarity) per pair: both rows gathered once for both.

        Why: `rarity` has `first`'s entries with other values, so the element-wise product of two
        `first` rows holds exactly the columns the `rarity` product holds, in the same order; the
        rarity sum reads the squared value of each (w * w: the float the `rarity` product makes)
        and adds them in that order, so both numbers are those of two `_row_dots`, bit for bit.
        """
        if self.rarity_squared is None:
            return _row_dots(self.first, left, right), _row_dots(self.rarity, left, right)
        shared = np.zeros(len(left), dtype=np.float64)
        rare = np.zeros(len(left), dtype=np.float64)
        for start in range(0, len(left), _CHUNK):
            stop = start + _CHUNK
            both = self.first[left[start:stop]].multiply(self.first[right[start:stop]]).tocsr()
            shared[start:stop] = np.asarray(both.sum(axis=1)).ravel()
            weights = sparse.csr_matrix((self.rarity_squared[both.indices], both.indices, both.indptr),
                                        shape=both.shape)
            rare[start:stop] = np.asarray(weights.sum(axis=1)).ravel()
        return shared, rare

    def features(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(float32 features in FEATURE_NAMES order, float64 shared co-author counts) of the pairs."""
        names, name_index = self.names, self.name_index
        shared, shared_rare = self._shared_counts(left, right)
        title = _row_dots(self.title, left, right)
        if len(left):
            linked, reach = _graph_counts(self.codes, self.first, self.graph, left, right)
        else:
            linked, reach = np.zeros(0), np.zeros(0)
        affiliation, affiliation_missing = self.affiliations(left, right)
        venue, year, given_len, given_code, middle = self.venue, self.year, self.given_len, self.given_code, self.middle
        group, block, surname, given_count = self.group, self.block, self.surname, self.given_count
        surname_div, given_div, has_nickname = self.surname_div, self.given_div, self.has_nickname
        both_years = (year[left] >= 0) & (year[right] >= 0)
        year_gap = np.where(both_years, np.minimum(np.abs(year[left] - year[right]), 10) / 10, 0.5)
        same_venue = ((venue[left] >= 0) & (venue[left] == venue[right])).astype(np.float64)
        same = given_code[left] == given_code[right]
        for k in np.flatnonzero(has_nickname[left] | has_nickname[right]).tolist():
            # 'Harry (Huazhe) Xu' and 'Huazhe Xu' have the same given name
            a, b = names[name_index[left[k]]], names[name_index[right[k]]]
            same[k] = bool(set(a.given_names()) & set(b.given_names()))
        if len(self.hypocorism_keys):
            # 'josh' and 'joshua', 'tom' and 'thomas' are one given name: as a short form ('prefix') the model
            # reads them as two people's, since most short forms it was fitted on are syllables of Chinese
            # names ('jun' / 'junyi'), and it gave Josh Tenenbaum and Joshua B. Tenenbaum ~0 (BENCHMARKS.md)
            same |= np.isin(given_code[left] * self.given_width + given_code[right], self.hypocorism_keys)
        initial = ~same & ((given_len[left] == 1) | (given_len[right] == 1))
        prefix = ~same & ~initial
        both_middles = (middle[left] >= 0) & (middle[right] >= 0)
        middle_match = both_middles & (middle[left] == middle[right])
        middle_conflict = both_middles & (middle[left] != middle[right])
        name_count = np.where(same, group[left], np.where(initial, block[left], group[left] + group[right]))
        longer = np.where(given_len[left] >= given_len[right], left, right)
        per_100k = 100_000 / self.size
        per_10k_names = 10_000 / self.distinct_names
        # one column at a time, each dropped once written: all nineteen float64 columns at once were the
        # peak of a snapshot build (~0.5 GB for 2.9M pairs; issue 20, benchmarks/bench_memory.py)
        columns: dict[str, Callable[[], np.ndarray]] = {
            "shared_coauthors_log": lambda: np.log1p(shared),
            "any_shared_coauthor": lambda: (shared > 0).astype(np.float64),
            "shared_coauthors_rarity": lambda: shared_rare,
            "coauthor_graph_log": lambda: np.log1p(linked),
            "coauthor_reach_log": lambda: np.log1p(reach),
            "affiliation_similarity": lambda: affiliation,
            "affiliation_missing": lambda: affiliation_missing,
            "title_similarity": lambda: title,
            "venue_overlap": lambda: same_venue,
            "year_gap": lambda: year_gap,
            "name_initial": lambda: initial.astype(np.float64),
            "name_prefix": lambda: prefix.astype(np.float64),
            "middle_conflict": lambda: middle_conflict.astype(np.float64),
            "middle_match": lambda: middle_match.astype(np.float64),
            "name_frequency": lambda: np.log1p(name_count * per_100k),
            "surname_frequency": lambda: np.log1p(surname[left] * per_100k),
            "given_frequency": lambda: np.log1p(given_count[longer] * per_100k),
            "surname_diversity": lambda: np.log1p(surname_div[left] * per_10k_names),
            "given_diversity": lambda: np.log1p(given_div[longer] * per_10k_names),
            PRIOR_FEATURE: lambda: np.log1p(self.prior_common[longer]),
        }
        features = np.empty((len(left), len(FEATURE_NAMES)), dtype=np.float32)  # float32: half the memory traffic
        for column, name in enumerate(FEATURE_NAMES):
            features[:, column] = columns[name]() if name in columns else EXTRA_COLUMNS[name](self, left, right)
        return features, shared


def _kept(features: np.ndarray, shared: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(shared int32, title float32, evidence flags uint8): what is kept of a chunk's features."""
    evidence = np.zeros(len(features), dtype=np.uint8)
    for flag, name in _FLAG_COLUMNS:
        evidence[features[:, _COLUMN[name]] != 0] |= flag
    # compared as the Python floats `reasons_for` used to read (float32 widened to float64)
    evidence[features[:, _COLUMN["affiliation_similarity"]].astype(np.float64) >= _SAME_AFFILIATION_AT] \
        |= SAME_AFFILIATION
    return shared.astype(np.int32), features[:, _COLUMN["title_similarity"]].copy(), evidence


def _enumerated(corpus: Corpus, blocks: dict[str, list[int]], new: np.ndarray | None = None,
                sparse: Container[str] = ()) -> Iterator[tuple[str, np.ndarray, np.ndarray, Sample]]:
    """(block key, left, right: int32, sorted; the pairs to impute from) of every block with candidate
    pairs, in key order. A `sparse` block's pairs are those with evidence (`sparse_groups.py`), and it
    comes with a sample of its other pairs; any other block's sample is None."""
    parsed = corpus.parsed
    givens = [p.given for p in parsed]
    alternatives = {i: p.alt_givens for i, p in enumerate(parsed) if p.alt_givens}
    paper_codes: dict[str, int] = {}
    paper = np.fromiter((paper_codes.setdefault(m.paper_id, len(paper_codes)) for m in corpus.mentions),
                        dtype=np.int64, count=len(corpus.mentions))
    affiliations = [m.affiliation for m in corpus.mentions] if sparse else []
    for key in sorted(blocks):
        block = blocks[key]
        if len(block) < 2 or (new is not None and not new[block].any()):
            continue
        sample: Sample = None
        if key in sparse:
            left, right = sparse_groups.evidence_pairs(block, corpus.coauthors, affiliations, paper)
            sample = sparse_groups.sample_pairs(key, block, left, right, paper)
        else:
            left, right = _block_pairs(block, givens, {i: alternatives[i] for i in block if i in alternatives}
                                       if alternatives else None)
        keep = paper[left] != paper[right]  # co-authors of one paper are never one person
        if new is not None:
            keep &= new[left] | new[right]
        left, right = left[keep], right[keep]
        if len(left):
            order = np.lexsort((right, left))
            yield key, left[order].astype(np.int32), right[order].astype(np.int32), sample


def _imputed_probability(featurizer: PairFeaturizer, model: PairModel, sample: tuple[np.ndarray, np.ndarray]) -> float:
    """The mean probability of a sparse block's sampled pairs (0 if it has none): its own forward
    pass, apart from the chunks of the enumerated pairs, so those keep their numbers."""
    left, right = sample
    if not len(left):
        return 0.0
    features, _ = featurizer.features(left.astype(np.int32), right.astype(np.int32))
    return float(np.mean(model.probabilities(features)))


def candidate_pairs(corpus: Corpus, blocks: dict[str, list[int]], new: np.ndarray | None = None,
                    model: PairModel | None = None, workers: int = 1, sparse: Container[str] = (),
                    client: Any | None = None) -> PairTable:
    """Enumerate, featurise and (given `model`) score every candidate pair of every block (module docstring).

    With `model`, pairs are featurised and scored `_SCORE_CHUNKS * model._CHUNK` at a time
    and the features are dropped (`PairTable.probabilities` is set); without, the features of
    all pairs are kept (`PairTable.features`: model fitting and tests, on small corpora).
    With `new` (a boolean per mention), only pairs holding a new mention: the online resolver's
    pairs (identity/incremental.py), by the same rules and in the same order. With `workers` 2
    and a model, the later half of the chunks is featurised and scored in a forked child
    (`graph/forked.py`) while this process does the first half: chunks are independent, so the
    table is the same either way (tests/identity/test_pairs_chunked.py); pairs that fit one chunk
    (an ingest's online run) are featurised half here, half in the child (`_score_one_chunk_in_two`).
    With a Dask `client` and a model, every chunk is featurised and scored on the cluster instead
    (`dask_pairs.PairScorer`).
    """
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    ranges: dict[str, tuple[int, int]] = {}
    offset = 0
    samples: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for key, left, right, sample in _enumerated(corpus, blocks, new, sparse):
        lefts.append(left)
        rights.append(right)
        ranges[key] = (offset, offset + len(left))
        offset += len(left)
        if sample is not None:
            samples[key] = sample
    left_all = np.concatenate(lefts) if lefts else np.zeros(0, dtype=np.int32)
    right_all = np.concatenate(rights) if rights else np.zeros(0, dtype=np.int32)
    lefts.clear()
    rights.clear()
    featurizer = PairFeaturizer(corpus)
    imputed = {key: _imputed_probability(featurizer, model, sample) for key, sample in samples.items()} \
        if model is not None else {}
    # whole multiples of the model's forward-pass rows, at the same offsets as one call over every
    # pair: a float32 matrix product's last bits depend on the rows it is given with (BLAS kernels)
    rows = _SCORE_CHUNKS * pair_model._CHUNK
    starts = list(range(0, len(left_all), rows)) or [0]
    if client is not None and model is not None:
        scorer = _scorer(featurizer, model, client)
        for start in starts:
            scorer.submit(left_all[start:start + rows], right_all[start:start + rows])
        kept = [scorer.next() for _ in starts]
    elif workers > 1 and model is not None and len(starts) == 1 and len(left_all) >= _FEATURES_IN_TWO_FROM:
        kept = [_score_one_chunk_in_two(featurizer, model, left_all, right_all)]
    else:
        half = (len(starts) + 1) // 2
        theirs = Forked(_score_chunks, featurizer, model, left_all, right_all, starts[half:], rows,
                        fork=workers > 1 and model is not None and len(starts) > 1, name="atlas-pair-scores")
        kept = _score_chunks(featurizer, model, left_all, right_all, starts[:half], rows) + theirs.result()
    # one column at a time, its chunks dropped once joined: twice the kept pairs at once was the
    # top of this step (9.5M pairs at 100k synthetic papers: +0.24 GB)
    parts_of = [list(parts) for parts in zip(*kept, strict=True)]
    kept.clear()
    columns = []
    for parts in parts_of:
        columns.append(np.concatenate(parts) if len(parts) > 1 else parts[0])
        parts.clear()
    left, right, shared, title, evidence, last = columns
    if model is not None:
        return PairTable(left, right, shared, title, evidence, ranges, probabilities=last, imputed=imputed)
    return PairTable(left, right, shared, title, evidence, ranges, features=last)


class _ScorerHere:
    """`dask_pairs.PairScorer`'s interface in this process: each chunk is scored when it is submitted."""

    window = 0

    def __init__(self, featurizer: PairFeaturizer, model: PairModel) -> None:
        self.featurizer, self.model = featurizer, model
        self._done: deque[tuple[np.ndarray, ...]] = deque()

    def submit(self, left: np.ndarray, right: np.ndarray) -> None:
        self._done.append(_score_chunks(self.featurizer, self.model, left, right, [0], len(left))[0])

    def pending(self) -> int:
        return len(self._done)

    def next(self) -> tuple[np.ndarray, ...]:
        return self._done.popleft()


def _scorer(featurizer: PairFeaturizer, model: PairModel, client: Any | None) -> Any:
    if client is None:
        return _ScorerHere(featurizer, model)
    from ingest.identity.dask_pairs import PairScorer  # only when a cluster is given

    return PairScorer(client, featurizer, model)


def stream_candidate_pairs(corpus: Corpus, blocks: dict[str, list[int]], model: PairModel,
                           sparse: Container[str] = (), client: Any | None = None) -> Iterator[PairTable]:
    """`candidate_pairs(corpus, blocks, model=model)` in runs of whole blocks, never all pairs at once.

    Why (issue 20, bounded memory): the kept pairs of every block (25 B each, plus the freed
    chunks the allocator keeps) were the largest holder of a big build, growing faster than the
    corpus. Each table yielded holds consecutive blocks in key order whose pairs are all scored,
    with ranges relative to it. Pairs are featurised and scored at the same global offsets as
    `candidate_pairs` (the model's forward-pass rows over all pairs in key order), so every
    number is bit for bit the same; what is held at once is one chunk and the largest block.
    One process (no forked scorer), or with a Dask `client` the chunks are scored on the cluster,
    a few at a time (`dask_pairs.PairScorer.window`) while this process enumerates the next ones.
    """
    featurizer = PairFeaturizer(corpus)
    scorer = _scorer(featurizer, model, client)
    in_flight: deque[int] = deque()  # pair counts of the chunks submitted and not yet taken back
    rows = _SCORE_CHUNKS * pair_model._CHUNK
    pending: list[tuple[str, int]] = []  # blocks not yet yielded, in order, with their pair counts
    unscored: list[tuple[np.ndarray, np.ndarray]] = []
    waiting = 0  # pairs in `unscored`
    scored: list[list[np.ndarray]] = [[] for _ in range(6)]  # left, right, shared, title, evidence, probabilities
    ready = 0  # scored pairs not yet yielded
    imputed: dict[str, float] = {}

    def score(count: int) -> None:
        nonlocal waiting
        left = np.concatenate([a for a, _ in unscored]) if len(unscored) > 1 else unscored[0][0]
        right = np.concatenate([b for _, b in unscored]) if len(unscored) > 1 else unscored[0][1]
        unscored[:] = [(left[count:], right[count:])] if len(left) > count else []
        waiting -= count
        scorer.submit(left[:count], right[:count])
        in_flight.append(count)
        while scorer.pending() > scorer.window:
            take()

    def take() -> None:
        """The oldest submitted chunk's columns, appended to `scored`."""
        nonlocal ready
        for column, values in zip(scored, scorer.next(), strict=True):
            column.append(values)
        ready += in_flight.popleft()

    def finished() -> PairTable | None:
        """The scored blocks at the head of `pending` as one table (None if none is whole yet)."""
        nonlocal ready
        count = taken = 0
        while taken < len(pending) and count + pending[taken][1] <= ready:
            count += pending[taken][1]
            taken += 1
        if not taken:
            return None
        columns = []
        for k, parts in enumerate(scored):
            joined = np.concatenate(parts) if len(parts) > 1 else parts[0]
            scored[k] = [joined[count:]] if len(joined) > count else []
            columns.append(joined[:count])
        ranges: dict[str, tuple[int, int]] = {}
        offset = 0
        for key, size in pending[:taken]:
            ranges[key] = (offset, offset + size)
            offset += size
        del pending[:taken]
        ready -= count
        left, right, shared, title, evidence, probabilities = columns
        return PairTable(left, right, shared, title, evidence, ranges, probabilities=probabilities,
                         imputed={key: imputed.pop(key) for key in ranges if key in imputed})

    for key, left, right, sample in _enumerated(corpus, blocks, sparse=sparse):
        if sample is not None:
            imputed[key] = _imputed_probability(featurizer, model, sample)
        pending.append((key, len(left)))
        unscored.append((left, right))
        waiting += len(left)
        while waiting >= rows:
            score(rows)
            table = finished()
            if table is not None:
                yield table
    if waiting:
        score(waiting)  # the last, shorter chunk, as `candidate_pairs` scores it
    while scorer.pending():
        take()
    table = finished()
    if table is not None:
        yield table


def _score_chunks(featurizer: PairFeaturizer, model: PairModel | None, left_all: np.ndarray, right_all: np.ndarray,
                  starts: Sequence[int], rows: int) -> list[tuple[np.ndarray, ...]]:
    """The kept columns (and probabilities, or features without a model) of the chunks starting at `starts`."""
    kept: list[tuple[np.ndarray, ...]] = []
    for start in starts:
        left, right = left_all[start:start + rows], right_all[start:start + rows]
        features, shared = featurizer.features(left, right)
        scored = model.probabilities(features) if model is not None else features
        kept.append((left, right, *_kept(features, shared), scored))
    return kept


def _score_one_chunk_in_two(featurizer: PairFeaturizer, model: PairModel, left: np.ndarray, right: np.ndarray
                            ) -> tuple[np.ndarray, ...]:
    """`_score_chunks` of pairs that fit one forward pass, their later half featurised in a forked child.

    Why: an ingest's online run scores ~100k pairs, one forward pass, so the split by chunks above
    leaves the second core idle while they are featurised (~0.5 s of the run on the full snapshot).
    A pair's features do not depend on the pairs made with it (`test_features_do_not_depend_on_the_chunk`),
    so the halves joined are the features of one call; the forward pass stays one call over all of
    them, since a float32 product's last bits depend on the rows it is given with.
    """
    middle = len(left) // 2
    theirs = Forked(featurizer.features, left[middle:], right[middle:], name="atlas-pair-features")
    mine = featurizer.features(left[:middle], right[:middle])
    their_features, their_shared = theirs.result()
    features, shared = np.concatenate([mine[0], their_features]), np.concatenate([mine[1], their_shared])
    return (left, right, *_kept(features, shared), model.probabilities(features))


def pair_features_of(corpus: Corpus, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Features (FEATURE_NAMES order) of mention pairs whose names are compatible, as singleton clusters."""
    return PairFeaturizer(corpus).features(left, right)


def reasons_for(table: PairTable, pair: int) -> list[str]:
    """Human-readable reasons from the strongest pair between two merged clusters."""
    evidence = int(table.evidence[pair])
    title = float(table.title[pair])
    reasons = []
    shared = int(table.shared[pair])
    if shared:
        reasons.append(f"{shared} shared co-author(s)")
    if evidence & SAME_AFFILIATION:
        reasons.append("similar affiliation")
    if evidence & NAME_INITIAL:
        reasons.append("initial matches full given name")
    elif evidence & NAME_PREFIX:
        reasons.append("short form of the given name")
    if evidence & SAME_VENUE:
        reasons.append("same venue")
    if title >= 0.2:
        reasons.append(f"similar titles ({title:.2f})")
    if not reasons:
        reasons.append("name match only (uncommon name)")
    # ~75 distinct texts over millions of merges: every cluster's tally (resolver._Run.reasons) shares them
    return list(map(sys.intern, reasons))
