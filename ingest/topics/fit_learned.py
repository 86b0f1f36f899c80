"""Fit the learned topic layer on the tuning splits and write `learned_model.json`.

    python -m ingest.topics.fit_learned [--out PATH] [--fallback]

Needs scikit-learn (a dev dependency); the product reads the result with numpy only.
Reproducible: fixed seeds, folds and grid; papers in a fixed order. Trains on the tuning
papers of both labelled sets (dev split of `topics_dev.jsonl`, tuning split of
`topics_v3.jsonl`) and never sees a held-out paper. The regularisation C and each label's
decision threshold are chosen by 5-fold cross-validation inside the tuning papers (with
`--fallback`, also the labels the rules keep deciding, `rule_labels`: measured and rejected).
`python -m ingest.topics.tuning_cv` estimates what these choices are worth (nested CV).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ingest.topics import default_tagger
from ingest.topics.evaluate import LabelledPaper, load_dev_set, load_v3_set
from ingest.topics.learned import IMPLIED, MODEL_PATH, label_matrix, meta_features, taxonomy_digest, text_grams
from ingest.topics.tagger import TITLE_ONLY
from ingest.topics.taxonomy import LABELS

SEED = 20261201
MIN_DF = 4
C_GRID = (4.0, 8.0, 16.0, 32.0, 64.0, 128.0)  # the optimum sat at the old edge (32)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.71, 0.05))
MIN_POSITIVES = 8  # fewer positives with text: the label keeps the 0.5 threshold, too few to tune one


def training_papers() -> list[LabelledPaper]:
    dev = load_dev_set()
    return [p for p in dev + load_v3_set(dev=dev) if not p.heldout]


@dataclass(frozen=True)
class Featurised:
    """What the layer is fitted on, per paper: lemma grams, rule features, the rules' own tags, input kind."""

    grams: list[set[str]]
    metas: list[dict[str, float]]
    rules: np.ndarray  # papers x LABELS, 0/1: the labels the rules alone give
    with_text: np.ndarray  # bool: the paper has an abstract or derived terms (the layer decides only these)


def featurise(papers: Sequence[LabelledPaper]) -> Featurised:
    grams, metas, given, text = [], [], [], []
    for analysis in default_tagger().analyse(p.text() for p in papers):
        grams.append(text_grams(analysis.doc))
        metas.append(meta_features(analysis))
        given.append(frozenset(t.topic for t in analysis.tags))
        text.append(analysis.paper.input_kind != TITLE_ONLY)
    return Featurised(grams, metas, label_matrix(given, LABELS), np.asarray(text, dtype=bool))


def build_matrix(grams: Sequence[set[str]], metas: Sequence[dict[str, float]], vocab: list[str], idf: np.ndarray,
                 meta_names: list[str]) -> Any:
    from scipy.sparse import csr_matrix

    index = {g: i for i, g in enumerate(vocab)}
    meta_index = {m: len(vocab) + i for i, m in enumerate(meta_names)}
    rows, cols, vals = [], [], []
    for r, (gs, meta) in enumerate(zip(grams, metas, strict=True)):
        idx = sorted(index[g] for g in gs if g in index)
        v = idf[idx]
        norm = float(np.sqrt((v ** 2).sum())) or 1.0
        for i, x in zip(idx, v / norm, strict=True):
            rows.append(r), cols.append(i), vals.append(float(x))
        for k, x in meta.items():
            if k in meta_index:
                rows.append(r), cols.append(meta_index[k]), vals.append(x)
    return csr_matrix((vals, (rows, cols)), shape=(len(grams), len(vocab) + len(meta_names)))


def vocabulary(grams: Sequence[set[str]]) -> tuple[list[str], np.ndarray]:
    df: dict[str, int] = {}
    for gs in grams:
        for g in gs:
            df[g] = df.get(g, 0) + 1
    vocab = sorted(g for g, n in df.items() if n >= MIN_DF)
    n = len(grams)
    idf = np.asarray([np.log((1 + n) / (1 + df[g])) + 1 for g in vocab])
    return vocab, idf


def fit_one(x: Any, y: np.ndarray, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    if y.sum() == 0 or y.sum() == len(y):
        return None
    return LogisticRegression(C=c, max_iter=2000, solver="liblinear", random_state=SEED).fit(x, y)


def predict_one(model: Any, x: Any, y_const: int) -> np.ndarray:
    return model.predict_proba(x)[:, 1] if model is not None else np.full(x.shape[0], float(y_const))


def out_of_fold(grams: list[set[str]], metas: list[dict[str, float]], y: np.ndarray, meta_names: list[str],
                c: float) -> np.ndarray:
    """Out-of-fold probabilities, the vocabulary rebuilt inside each fold so no fold sees its test terms."""
    from sklearn.model_selection import KFold

    probs = np.zeros(y.shape, dtype=float)
    for train, test in KFold(5, shuffle=True, random_state=SEED).split(grams):
        vocab, idf = vocabulary([grams[i] for i in train])
        x_train = build_matrix([grams[i] for i in train], [metas[i] for i in train], vocab, idf, meta_names)
        x_test = build_matrix([grams[i] for i in test], [metas[i] for i in test], vocab, idf, meta_names)
        for j in range(y.shape[1]):
            model = fit_one(x_train, y[train, j], c)
            probs[test, j] = predict_one(model, x_test, int(y[train, j].max(initial=0)))
    return probs


def micro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = int((y & pred).sum())
    fp, fn = int(((1 - y) & pred).sum()), int((y & (1 - pred)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


@dataclass(frozen=True)
class Choice:
    """Per-label decisions taken from out-of-fold probabilities: a threshold, and whether the rules decide."""

    thresholds: np.ndarray
    use_rules: np.ndarray  # bool per label


def choose(y: np.ndarray, probs: np.ndarray, rules: np.ndarray, rows: np.ndarray,
           fallback: bool = False, margin: float = 0.0) -> Choice:
    """Thresholds and the rule fallback, judged on `rows` only (the papers the layer will decide: with text).

    With `fallback`, a label keeps the rules when the layer's out-of-fold F1 does not beat the
    rules' F1 on those papers by `margin`. Off by default: in nested CV the choice flips from
    fold to fold on labels with a dozen positives and costs micro-F1 (BENCHMARKS.md, follow-up 2).
    """
    y, probs, rules = y[rows], probs[rows], rules[rows]
    thresholds = np.full(y.shape[1], 0.5)
    use_rules = np.zeros(y.shape[1], dtype=bool)
    for j in range(y.shape[1]):
        col = y[:, j:j + 1]
        if col.sum() >= MIN_POSITIVES:
            thresholds[j] = max(THRESHOLDS, key=lambda t: (micro_f1(col, (probs[:, j:j + 1] >= t).astype(int)),
                                                           -abs(t - 0.5)))
        learned_f1 = micro_f1(col, (probs[:, j:j + 1] >= thresholds[j]).astype(int))
        use_rules[j] = fallback and micro_f1(col, rules[:, j:j + 1]) >= learned_f1 + margin
    return Choice(thresholds, use_rules)


def decide(probs: np.ndarray, choice: Choice, rules: np.ndarray, with_text: np.ndarray) -> np.ndarray:
    """The product's labels (papers x LABELS) from the layer's probabilities, as `LearnedTagger` gives them."""
    pred = (probs >= choice.thresholds).astype(int)
    pred[:, choice.use_rules] = rules[:, choice.use_rules]
    for topic, pillar in IMPLIED.items():
        pred[:, LABELS.index(pillar)] |= pred[:, LABELS.index(topic)]
    pred[~with_text] = rules[~with_text]
    return pred


def fit(papers: Sequence[LabelledPaper], fallback: bool = False) -> dict[str, Any]:
    feats = featurise(papers)
    grams, metas = feats.grams, feats.metas
    meta_names = sorted({k for m in metas for k in m})
    y = label_matrix([p.pillars | p.topics for p in papers], LABELS)
    scores = {}
    for c in C_GRID:
        probs = out_of_fold(grams, metas, y, meta_names, c)
        scores[c] = micro_f1(y, (probs >= 0.5).astype(int))
    best_c = max(C_GRID, key=lambda c: (scores[c], -c))
    probs = out_of_fold(grams, metas, y, meta_names, best_c)
    choice = choose(y, probs, feats.rules, feats.with_text, fallback)
    cv_f1 = micro_f1(y, decide(probs, choice, feats.rules, feats.with_text))

    vocab, idf = vocabulary(grams)
    x = build_matrix(grams, metas, vocab, idf, meta_names)
    weights: dict[str, dict[str, float]] = {}
    bias: dict[str, float] = {}
    for j, label in enumerate(LABELS):
        model = fit_one(x, y[:, j], best_c)
        if model is None:
            weights[label], bias[label] = {}, -20.0 if y[:, j].sum() == 0 else 20.0
            continue
        coef = model.coef_[0]
        weights[label] = {str(i): round(float(w), 4) for i, w in enumerate(coef) if abs(w) >= 0.02}
        bias[label] = round(float(model.intercept_[0]), 4)
    return {
        "format": 1, "taxonomy": taxonomy_digest(), "labels": list(LABELS), "vocab": vocab,
        "idf": [round(float(v), 4) for v in idf], "meta": meta_names, "weights": weights, "bias": bias,
        "thresholds": {label: round(float(t), 2) for label, t in zip(LABELS, choice.thresholds, strict=True)},
        "rule_labels": [label for label, r in zip(LABELS, choice.use_rules, strict=True) if r],
        "info": {"seed": SEED, "C": best_c, "cv_micro_f1_by_C": {str(c): round(s, 4) for c, s in scores.items()},
                 "cv_micro_f1_product": round(cv_f1, 4), "training_papers": len(papers),
                 "min_df": MIN_DF, "fitted_by": "python -m ingest.topics.fit_learned"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--fallback", action="store_true", help="let the rules decide the labels where the layer "
                        "did not beat them in CV (rejected by nested CV: python -m ingest.topics.tuning_cv --fallback)")
    args = parser.parse_args(argv)
    papers = training_papers()
    model = fit(papers, fallback=args.fallback)
    args.out.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    info = model["info"]
    print(f"fitted on {info['training_papers']} tuning papers; C={info['C']}; "
          f"CV micro-F1 {info['cv_micro_f1_by_C']} -> {info['cv_micro_f1_product']} as the product decides "
          f"(tuned thresholds, rules for {model['rule_labels']} and on titles); "
          f"{len(model['vocab'])} terms -> {args.out} ({args.out.stat().st_size // 1024} KiB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
