"""An experiment's extra pair-feature column (`pairs.EXTRA_COLUMNS`), and the title-space column it was built for.

Why: benchmarks/prior_feature_experiment.py fits the pair networks with candidate columns that a
build never computes. The column must land last in the feature table, hold what it claims, and stay
out of a build's features unless an experiment names it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from ingest.identity import pairs
from ingest.identity.features import FEATURE_NAMES, Corpus
from ingest.identity.mentions import Mention
from ingest.identity.names import parse_name

TITLE_SPACE = Path(__file__).resolve().parents[2] / "benchmarks" / "title_space.py"


@pytest.fixture(scope="module")
def title_space():
    spec = importlib.util.spec_from_file_location("title_space_experiment", TITLE_SPACE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def _corpus() -> Corpus:
    mentions = [Mention("a#0", "Kun Zhang", "a", "Causal discovery with latent confounders", []),
                Mention("b#0", "Kun Zhang", "b", "Identifiability of structural equation models", []),
                Mention("c#0", "Kun Zhang", "c", "Sparse attention kernels for accelerators", [])]
    return Corpus(mentions, [parse_name(m.name) for m in mentions])


def test_a_build_computes_no_extra_column() -> None:
    assert not pairs.EXTRA_COLUMNS
    features, _ = pairs.PairFeaturizer(_corpus()).features(np.array([0, 0]), np.array([1, 2]))
    assert features.shape == (2, len(FEATURE_NAMES))


def test_the_title_space_column_joins_titles_on_one_subject_without_a_shared_word(monkeypatch, title_space) -> None:
    # a hand-made space: 'causal' and 'structural' point one way, 'attention' and 'kernels' another
    words = ["causal", "discovery", "structural", "equation", "attention", "kernels"]
    vectors = np.array([[1, 0], [1, 0.2], [1, 0], [0.9, 0.1], [0, 1], [0.1, 1]], dtype=np.float32)
    space = title_space.TitleSpace({w: k for k, w in enumerate(words)}, vectors)
    monkeypatch.setattr(title_space, "shipped", lambda: space)
    monkeypatch.setitem(pairs.EXTRA_COLUMNS, title_space.COLUMN, title_space._similarity)
    monkeypatch.setattr(pairs, "FEATURE_NAMES", (*FEATURE_NAMES, title_space.COLUMN))
    features, _ = pairs.PairFeaturizer(_corpus()).features(np.array([0, 0]), np.array([1, 2]))
    assert features.shape[1] == len(FEATURE_NAMES) + 1
    title_overlap = features[:, FEATURE_NAMES.index("title_similarity")]
    assert title_overlap[0] == 0.0  # no title word in common ...
    assert features[0, -1] > 0.95 > 0.3 > features[1, -1]  # ... and yet one subject, unlike the third title


def test_a_fitted_title_space_puts_words_of_the_same_titles_together(title_space) -> None:
    pytest.importorskip("sklearn")
    titles = [f"causal discovery structural models {k}" for k in range(5)] + \
             [f"attention kernels accelerators sparse {k}" for k in range(5)]
    space = title_space.fit(titles, dimensions=2)
    vectors = space.embed(["causal discovery", "structural models", "sparse accelerators"])
    assert vectors[0] @ vectors[1] > 0.9 > 0.1 > abs(vectors[0] @ vectors[2])
