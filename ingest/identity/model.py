"""The pairwise model: a small neural network over the pair features, and the clustering thresholds.

Why a network and not the logistic model it replaced: whether a shared co-author or
the same affiliation settles a match depends on how common the name is ('Bo Li' at
Tsinghua is several people, 'Matei Zaharia' anywhere is one), and a linear model cannot
express that interaction. Gradient-boosted trees scored the same on held-out data, but
evaluating hundreds of trees over two million pairs in numpy is slow, while this network
is two matrix products. Five networks fitted from different seeds are averaged: one
network's hard-block F1 moved by ±0.005 with the seed, the average does not. Weights
and thresholds live in `model.json`, written by `benchmarks/bench_identity.py --train`
from OpenReview-labelled ICLR mentions (never from the ICML/NeurIPS sets the benchmark
scores). Scoring needs only numpy; fitting
uses scikit-learn, a development dependency.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from ingest.identity.features import FEATURE_NAMES

MODEL_PATH = Path(__file__).with_name("model.json")
HIDDEN_LAYERS = (32, 16)
ENSEMBLE_SEEDS = (0, 1, 2, 3, 4)
MAX_EPOCHS = 60  # most epochs per network (scikit-learn max_iter); early stopping may end a fit sooner
# pairs per forward pass, so the hidden activations stay small. The probabilities' last bits depend on
# which rows share a float32 matrix product (BLAS kernels), so callers that score a corpus in parts
# (pairs.candidate_pairs) cut it at multiples of this: the same floats as one call over all pairs.
_CHUNK = 250_000


@dataclass(frozen=True)
class Scorer:
    """A multi-layer perceptron (ReLU hidden layers, logistic output) over standardised features."""

    mean: np.ndarray
    scale: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # (weights, bias) per layer, the last one has one output

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        out = np.empty(features.shape[0], dtype=np.float64)
        for start in range(0, features.shape[0], _CHUNK):
            out[start:start + _CHUNK] = self.forward(self.standardise(features[start:start + _CHUNK]))
        return out

    def standardise(self, rows: np.ndarray) -> np.ndarray:
        """(rows - mean) / scale, in a new array."""
        hidden = rows - self.mean
        hidden /= self.scale
        return hidden

    def forward(self, standardised: np.ndarray) -> np.ndarray:
        """Probabilities of standardised rows (at most `_CHUNK`; left unchanged).

        The operations of `(x @ w + b)`, `max(., 0)` and `1 / (1 + exp(-z))` in that order, each
        written in place: the same floats without a temporary array per step (resolution scores
        ~3M pairs five times).
        """
        hidden = standardised
        for weights, bias in self.layers[:-1]:
            hidden = hidden @ weights
            hidden += bias
            np.maximum(hidden, 0.0, out=hidden)
        weights, bias = self.layers[-1]
        logits = hidden @ weights
        logits += bias
        z = logits.ravel().astype(np.float64)
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        return np.divide(1.0, z, out=z)

    def to_json(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "layers": [{"weights": w.tolist(), "bias": b.tolist()} for w, b in self.layers]}


def scorer_from_json(data: dict) -> Scorer:
    as32 = np.float32
    return Scorer(np.asarray(data["mean"], dtype=as32), np.asarray(data["scale"], dtype=as32),
                  tuple((np.asarray(layer["weights"], dtype=as32), np.asarray(layer["bias"], dtype=as32))
                        for layer in data["layers"]))


@dataclass(frozen=True)
class PairModel:
    """Pair scorers (their probabilities are averaged) plus the thresholds the clustering uses."""

    scorers: tuple[Scorer, ...]
    threshold: float  # linkage at or above which clusters merge
    review_high: float  # merges below this are queued for review
    review_low: float  # near misses at or above this are queued for review
    single_weight: float = 0.0  # linkage = (1 - w) * average pair probability + w * best pair probability
    trained_on: str = ""

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Averaged pair probabilities, computed with one BLAS thread.

        Why one: the products are small (a few hidden units), so BLAS threads cost ~3x the CPU for
        no gain on 2 cores, and a float32 product's last bits depend on how BLAS splits it over
        threads: pinned, the probabilities (and so the people) are the same on any machine.
        """
        if features.shape[0] == 0:
            return np.zeros(0)
        out = np.empty(features.shape[0], dtype=np.float64)
        with threadpool_limits(limits=1, user_api="blas"):
            for start in range(0, features.shape[0], _CHUNK):
                rows = features[start:start + _CHUNK]
                standardised: dict[tuple[bytes, bytes], np.ndarray] = {}  # scorers fitted on one table share it
                total = np.zeros(rows.shape[0], dtype=np.float64)
                for scorer in self.scorers:
                    key = (scorer.mean.tobytes(), scorer.scale.tobytes())
                    if key not in standardised:
                        standardised[key] = scorer.standardise(rows)
                    total += scorer.forward(standardised[key])  # 0 + p0 + p1 + ...: the order `sum` added in
                total /= len(self.scorers)
                out[start:start + _CHUNK] = total
        return out

    def to_json(self) -> dict:
        return {"features": list(FEATURE_NAMES), "scorers": [scorer.to_json() for scorer in self.scorers],
                "threshold": self.threshold,
                "review_high": self.review_high, "review_low": self.review_low,
                "single_weight": self.single_weight, "trained_on": self.trained_on}


def model_from_json(data: dict) -> PairModel:
    if list(data["features"]) != list(FEATURE_NAMES) or "scorers" not in data:
        raise ValueError("model.json was trained on other features; retrain with bench_identity.py --train")
    return PairModel(tuple(scorer_from_json(scorer) for scorer in data["scorers"]), float(data["threshold"]),
                     float(data["review_high"]), float(data["review_low"]), float(data.get("single_weight", 0.0)),
                     str(data.get("trained_on", "")))


@lru_cache(maxsize=1)
def default_model() -> PairModel:
    return model_from_json(json.loads(MODEL_PATH.read_text()))


def fit_scorer(features: np.ndarray, labels: np.ndarray, seed: int = 0) -> Scorer:
    """Fit the network (scikit-learn, imported here so a build never needs it)."""
    from sklearn.neural_network import MLPClassifier

    if len(set(labels.tolist())) < 2:
        raise ValueError(f"need labelled pairs of both kinds to fit, got {len(labels)} pairs; "
                         "do the mentions carry ground-truth ids?")
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale == 0] = 1.0
    network = MLPClassifier(hidden_layer_sizes=HIDDEN_LAYERS, max_iter=MAX_EPOCHS, early_stopping=True, batch_size=1024,
                            random_state=seed)
    network.fit((features - mean) / scale, labels)
    return Scorer(mean.astype(np.float32), scale.astype(np.float32),
                  tuple((w.astype(np.float32), b.astype(np.float32))
                        for w, b in zip(network.coefs_, network.intercepts_, strict=True)))


def fit_scorers(features: np.ndarray, labels: np.ndarray) -> tuple[Scorer, ...]:
    return tuple(fit_scorer(features, labels, seed) for seed in ENSEMBLE_SEEDS)
