"""The pairwise model: logistic-regression weights and clustering thresholds learned from data.

Weights and thresholds live in `model.json`, written by
`benchmarks/bench_identity.py --train` from OpenReview-labelled ICLR mentions (never
from the ICML/NeurIPS sets the benchmark scores). Scoring is a dot product in numpy, so
the build needs no machine-learning library; fitting uses scikit-learn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.identity.features import FEATURE_NAMES

MODEL_PATH = Path(__file__).with_name("model.json")


@dataclass(frozen=True)
class PairModel:
    """Logistic weights over `FEATURE_NAMES` plus the thresholds the clustering uses."""

    weights: tuple[float, ...]
    bias: float
    threshold: float  # average linkage at or above which clusters merge
    review_high: float  # merges below this are queued for review
    review_low: float  # near misses at or above this are queued for review
    trained_on: str = ""

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        if features.shape[0] == 0:
            return np.zeros(0)
        logits = features @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def to_json(self) -> dict:
        return {"features": list(FEATURE_NAMES), "weights": list(self.weights), "bias": self.bias,
                "threshold": self.threshold, "review_high": self.review_high, "review_low": self.review_low,
                "trained_on": self.trained_on}


def model_from_json(data: dict) -> PairModel:
    if list(data["features"]) != list(FEATURE_NAMES):
        raise ValueError("model.json was trained on other features; retrain with bench_identity.py --train")
    return PairModel(tuple(float(w) for w in data["weights"]), float(data["bias"]), float(data["threshold"]),
                     float(data["review_high"]), float(data["review_low"]), str(data.get("trained_on", "")))


@lru_cache(maxsize=1)
def default_model() -> PairModel:
    return model_from_json(json.loads(MODEL_PATH.read_text()))


def fit_weights(features: np.ndarray, labels: np.ndarray) -> tuple[tuple[float, ...], float]:
    """Fit logistic weights (scikit-learn, imported here so a build never needs it)."""
    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    classifier.fit(features, labels)
    return tuple(float(w) for w in classifier.coef_[0]), float(classifier.intercept_[0])
