"""The shipped pair model: loads, scores in numpy like scikit-learn would, and weighs evidence sensibly."""

from __future__ import annotations

import json

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from ingest.identity.features import FEATURE_NAMES, Corpus
from ingest.identity.mentions import Mention, mentions_from_papers
from ingest.identity.model import MODEL_PATH, default_model, fit_scorer, model_from_json
from ingest.identity.names import parse_name
from ingest.identity.pairs import pair_features_of
from ingest.sources import papercopilot
from tests.identity.conftest import read


def test_model_json_round_trips_and_matches_the_features() -> None:
    data = json.loads(MODEL_PATH.read_text())
    assert data["features"] == list(FEATURE_NAMES)
    model = model_from_json(data)
    assert model_from_json(model.to_json()).threshold == model.threshold
    assert model.review_low <= model.threshold <= model.review_high
    assert 0.0 <= model.single_weight < 1.0


def test_a_model_for_other_features_is_refused() -> None:
    data = json.loads(MODEL_PATH.read_text())
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="retrain"):
        model_from_json(data)


@pytest.mark.filterwarnings("ignore::UserWarning")  # scikit-learn: small batch clipped, shell fit not converged
def test_numpy_forward_pass_equals_scikit_learn() -> None:
    sklearn = pytest.importorskip("sklearn.neural_network")
    rng = np.random.default_rng(3)
    features = rng.normal(size=(400, len(FEATURE_NAMES))).astype(np.float32)
    labels = (features[:, 0] + features[:, 5] * features[:, 12] > 0).astype(np.int8)
    scorer = fit_scorer(features, labels)
    network = sklearn.MLPClassifier(hidden_layer_sizes=(32, 16))
    network.fit((features - scorer.mean) / scorer.scale, labels)  # only to get a fitted shell of the right shape
    network.coefs_ = [w.astype(np.float64) for w, _ in scorer.layers]
    network.intercepts_ = [b.astype(np.float64) for _, b in scorer.layers]
    expected = network.predict_proba((features - scorer.mean) / scorer.scale)[:, 1]
    assert np.allclose(scorer.probabilities(features), expected, atol=1e-4)


def _pair(first: Mention, second: Mention, others: list[Mention]) -> float:
    mentions = [first, second, *others]
    corpus = Corpus(mentions, [parse_name(m.name) for m in mentions])
    features, _ = pair_features_of(corpus, np.array([0]), np.array([1]))
    return float(default_model().probabilities(features)[0])


def test_shared_coauthors_raise_the_probability_of_a_common_name() -> None:
    # the corpus statistics (how common 'Wei Wang' is) come from the real NeurIPS 2021 authorships
    others = list(mentions_from_papers(read(papercopilot, "papercopilot/nips/nips2021.json.gz")))
    strangers = _pair(Mention("a", "Wei Wang", "pa", "graph kernels", ["Ann Smith"], None, "venue:x", 2021),
                      Mention("b", "Wei Wang", "pb", "speech codecs", ["Bob Jones"], None, "venue:x", 2022), others)
    lab = ["Ann Smith", "Carl Kay"]
    colleagues = _pair(Mention("a", "Wei Wang", "pa", "graph kernels", lab, None, "venue:x", 2021),
                       Mention("b", "Wei Wang", "pb", "graph kernels again", lab, None, "venue:x", 2022), others)
    assert colleagues > 0.9 > 0.5 > strangers


def test_coauthors_who_published_together_link_two_mentions() -> None:
    first = Mention("a", "Bo Li", "pa", "t", ["Ann Smith"], None, None, 2021)
    second = Mention("b", "Bo Li", "pb", "t", ["Bob Jones"], None, None, 2022)
    together = [Mention("c0", "Ann Smith", "pc", "t", ["Bob Jones"]),
                Mention("c1", "Bob Jones", "pc", "t", ["Ann Smith"])]
    column = FEATURE_NAMES.index("coauthor_graph_log")
    for others, expected in ((together, np.log1p(1)), ([], 0.0)):
        mentions = [first, second, *others]
        corpus = Corpus(mentions, [parse_name(m.name) for m in mentions])
        features, shared = pair_features_of(corpus, np.array([0]), np.array([1]))
        assert shared[0] == 0 and features[0, column] == pytest.approx(expected)


def _reference_probabilities(scorers: tuple, features: np.ndarray) -> np.ndarray:
    """The forward pass as first written (a new array per step, each scorer standardising alone)."""
    total = 0
    for scorer in scorers:
        hidden = (features - scorer.mean) / scorer.scale
        for weights, bias in scorer.layers[:-1]:
            hidden = np.maximum(hidden @ weights + bias, 0.0)
        weights, bias = scorer.layers[-1]
        logits = (hidden @ weights + bias).ravel().astype(np.float64)
        total = total + 1.0 / (1.0 + np.exp(-logits))
    return total / len(scorers)


def test_in_place_forward_pass_gives_the_same_floats() -> None:
    """The shipped ensemble's probabilities are bit for bit those of the straightforward formulation."""
    model = default_model()
    rng = np.random.default_rng(11)
    features = rng.normal(size=(5_000, len(FEATURE_NAMES))).astype(np.float32)
    features[:, 1] = features[:, 1] > 0  # a binary column, as most features are
    with threadpool_limits(limits=1, user_api="blas"):  # as PairModel.probabilities: one BLAS thread
        reference = _reference_probabilities(model.scorers, features)
    assert np.array_equal(model.probabilities(features), reference)
