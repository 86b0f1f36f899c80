"""Experiment (issue 13, route c): a low-rank word space for titles, as a candidate pair feature.

Why: the pair model's `title_similarity` is an IDF-weighted word overlap, zero for most pairs
of one person's papers ('causal discovery …' and '… structural equation models') and for
most pairs of two namesakes alike. Latent semantic analysis (a truncated SVD of the
snapshot's title-word matrix) puts words that occur in the same titles near each other,
so a person's papers stay close while a vision namesake and an RL namesake move apart.
The space is fitted once on the snapshot's titles (no labels), so a small set of mentions
resolved alone would be placed in the same space as a full build. `register()` adds the
column `title_topic_similarity` (cosine of the two titles) to `pairs.EXTRA_COLUMNS`;
`benchmarks/prior_feature_experiment.py topic` fits and scores the model with it.
Measured on the validation split and not kept (BENCHMARKS.md, identity, session 33).
"""

from __future__ import annotations

import functools
import math
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

from ingest.identity.features import _words

SPACE_PATH = Path(tempfile.gettempdir()) / "title_space_experiment.npz"  # made by the experiment, never shipped
COLUMN = "title_topic_similarity"
DIMENSIONS = 64
MIN_TITLES = 3  # a word seen in fewer titles has no reliable neighbours


@dataclass(frozen=True)
class TitleSpace:
    """IDF-weighted word vectors (float32, words x dimensions); a title is their normalised sum."""

    vocabulary: dict[str, int]
    vectors: np.ndarray

    def embed(self, titles: Sequence[str]) -> np.ndarray:
        """Unit vectors of the titles (float32 rows); a title with no known word is all zeros."""
        out = np.zeros((len(titles), self.vectors.shape[1]), dtype=np.float32)
        index = self.vocabulary
        for row, title in enumerate(titles):
            # in vocabulary order: a set's order changes with the string hash seed, and so would the sum's last bits
            known = sorted(index[w] for w in _words(title) if w in index)
            if known:
                total = self.vectors[known].sum(axis=0)
                norm = float(np.linalg.norm(total))
                if norm > 0:
                    out[row] = total / norm
        return out


def fit(documents: Iterable[str], dimensions: int = DIMENSIONS) -> TitleSpace:
    """Truncated SVD of the unit TF-IDF word matrix of distinct documents (needs scikit-learn).

    A document is a title, or a title followed by its paper's derived abstract terms: more
    words seen beside each title word, while a mention is still placed by its title alone.
    """
    from scipy import sparse
    from sklearn.decomposition import TruncatedSVD

    word_sets = [_words(t) for t in dict.fromkeys(documents)]
    counts = Counter(chain.from_iterable(word_sets))
    words = sorted(w for w, c in counts.items() if c >= MIN_TITLES)
    vocabulary = {w: k for k, w in enumerate(words)}
    n = len(word_sets)
    idf = np.array([math.log((1 + n) / (1 + counts[w])) + 1.0 for w in words])
    rows, cols = [], []
    for row, ws in enumerate(word_sets):
        for w in ws:
            if w in vocabulary:
                rows.append(row)
                cols.append(vocabulary[w])
    matrix = sparse.csr_matrix((idf[cols], (rows, cols)), shape=(n, len(words)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ matrix
    svd = TruncatedSVD(n_components=dimensions, random_state=0, algorithm="randomized", n_iter=7)
    svd.fit(matrix)
    # a title's coordinates are its unit TF-IDF row times the components: fold the IDF into each word
    vectors = (svd.components_.T * idf[:, None]).astype(np.float32)
    return TitleSpace(vocabulary, vectors)


def save(space: TitleSpace, path: Path | None = None) -> None:
    words = sorted(space.vocabulary, key=space.vocabulary.__getitem__)
    np.savez_compressed(path or SPACE_PATH, words=np.array(words), vectors=space.vectors.astype(np.float16))


def load(path: Path | None = None) -> TitleSpace:
    with np.load(path or SPACE_PATH) as data:
        words = data["words"].tolist()
        vectors = data["vectors"].astype(np.float32)
    return TitleSpace({w: k for k, w in enumerate(words)}, vectors)


@functools.cache
def shipped() -> TitleSpace:
    """The space at SPACE_PATH, read once per process."""
    return load()


def _similarity(featurizer: object, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Cosine of the two papers' title vectors per pair (the vectors made once per featurizer)."""
    cached = getattr(featurizer, "_title_topics", None)
    if cached is None:
        mentions = featurizer.corpus.mentions
        row_of: dict[str, int] = {}
        titles: list[str] = []
        for m in mentions:
            if m.paper_id not in row_of:
                row_of[m.paper_id] = len(titles)
                titles.append(m.title)
        paper = np.fromiter((row_of[m.paper_id] for m in mentions), dtype=np.int64, count=len(mentions))
        cached = (shipped().embed(titles), paper)
        featurizer._title_topics = cached
    vectors, paper = cached
    out = np.empty(len(left), dtype=np.float64)
    for start in range(0, len(left), 10_000):
        stop = start + 10_000
        # float64 products and sum: einsum's float32 SIMD path gives last bits that vary from run to
        # run (with the arrays' alignment), and the networks' fit amplifies them
        a = vectors[paper[left[start:stop]]].astype(np.float64)
        out[start:stop] = (a * vectors[paper[right[start:stop]]]).sum(axis=1)
    return out


def register() -> None:
    from ingest.identity import pairs

    pairs.EXTRA_COLUMNS[COLUMN] = _similarity
