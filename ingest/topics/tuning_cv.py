"""Nested cross-validation on the tuning papers only: what the learned layer, as the product uses it, is worth.

    python -m ingest.topics.tuning_cv [--repeats 3] [--c 64] [--fallback] [--per-label] [--errors LABEL ...]

Why: every change to the rules or the layer must be chosen without the held-out split, and
the layer's per-label choices (thresholds, which labels the rules keep) are themselves fitted,
so they are chosen again inside each outer fold from inner out-of-fold probabilities, exactly
as `fit_learned` chooses them for the shipped model. Outer folds: 5-fold, repeated with
`--repeats` seeds; the product's behaviour is scored (the layer on papers with text, the rules
on titles). The rules are scored on the same papers, but they are in-sample: the taxonomy was
written from these papers. `--errors LABEL` lists the tuning papers the product misses or adds
for a label out-of-fold (for error analysis; it never reads a held-out paper).
Needs scikit-learn, like `fit_learned`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

from ingest.topics.evaluate import LabelledPaper, score
from ingest.topics.fit_learned import (
    SEED,
    Featurised,
    build_matrix,
    choose,
    decide,
    featurise,
    fit_one,
    out_of_fold,
    predict_one,
    training_papers,
    vocabulary,
)
from ingest.topics.learned import label_matrix
from ingest.topics.taxonomy import LABELS, PILLARS, TOPICS


def nested_predictions(feats: Featurised, y: np.ndarray, repeats: int, c: float, fallback: bool,
                       margin: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold product labels (repeats x papers x LABELS) and how often each label fell back to the rules."""
    from sklearn.model_selection import KFold

    meta_names = sorted({k for m in feats.metas for k in m})
    pred = np.zeros((repeats, *y.shape), dtype=int)
    fell_back = np.zeros(y.shape[1], dtype=int)
    for r in range(repeats):
        for train, test in KFold(5, shuffle=True, random_state=SEED + r).split(feats.grams):
            grams = [feats.grams[i] for i in train]
            metas = [feats.metas[i] for i in train]
            inner = out_of_fold(grams, metas, y[train], meta_names, c)
            choice = choose(y[train], inner, feats.rules[train], feats.with_text[train], fallback, margin)
            fell_back += choice.use_rules
            vocab, idf = vocabulary(grams)
            x_train = build_matrix(grams, metas, vocab, idf, meta_names)
            x_test = build_matrix([feats.grams[i] for i in test], [feats.metas[i] for i in test], vocab, idf,
                                  meta_names)
            probs = np.zeros((len(test), y.shape[1]))
            for j in range(y.shape[1]):
                probs[:, j] = predict_one(fit_one(x_train, y[train, j], c), x_test, int(y[train, j].max(initial=0)))
            pred[r, test] = decide(probs, choice, feats.rules[test], feats.with_text[test])
    return pred, fell_back


def as_sets(pred: np.ndarray) -> list[tuple[set[str], set[str]]]:
    out = []
    for row in pred:
        labels = {label for label, v in zip(LABELS, row, strict=True) if v}
        out.append((labels & set(PILLARS), labels & set(TOPICS)))
    return out


def report(papers: Sequence[LabelledPaper], feats: Featurised, pred: np.ndarray, per_label: bool) -> str:
    repeats = pred.shape[0]
    lines = ["| papers | n | tagger | pillar micro-F1 | topic micro-F1 |", "|---|---|---|---|---|"]
    per: dict[str, dict] = {}
    for name, mask in (("all tuning", np.ones(len(papers), dtype=bool)), ("with text", feats.with_text)):
        subset = [p for p, m in zip(papers, mask, strict=True) if m]
        for tagger, rows in (("rules", feats.rules[mask][None].repeat(repeats, 0)), ("product (CV)", pred[:, mask])):
            s = score(subset * repeats, as_sets(rows.reshape(-1, rows.shape[-1])))
            per[f"{name}, {tagger}"] = s
            lines.append(f"| {name} | {len(subset)} | {tagger} | {s['pillars']['micro']['f1']:.3f} | "
                         f"{s['topics']['micro']['f1']:.3f} |")
    if per_label:
        lines += ["", "with text, per label (rules -> product CV)", "",
                  "| label | rules P | R | F1 | product P | R | F1 | n |", "|---" * 8 + "|"]
        for label in LABELS:
            kind = "pillars" if label in PILLARS else "topics"
            a = per["with text, rules"][kind]["per_label"][label]
            b = per["with text, product (CV)"][kind]["per_label"][label]
            lines.append(f"| {label} | {a['precision']:.2f} | {a['recall']:.2f} | {a['f1']:.2f} | "
                         f"{b['precision']:.2f} | {b['recall']:.2f} | {b['f1']:.2f} | {a['support'] // repeats} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--c", type=float, default=64.0)
    parser.add_argument("--fallback", action="store_true", help="let the rules decide labels where the layer does "
                        "not beat them (measured and rejected: BENCHMARKS.md)")
    parser.add_argument("--margin", type=float, default=0.0, help="the rules keep a label only if they beat the layer "
                        "by this much (with --fallback)")
    parser.add_argument("--per-label", action="store_true")
    parser.add_argument("--errors", metavar="LABEL", choices=LABELS, nargs="+", default=[])
    args = parser.parse_args(argv)
    papers = training_papers()
    feats = featurise(papers)
    y = label_matrix([p.pillars | p.topics for p in papers], LABELS)
    pred, fell_back = nested_predictions(feats, y, args.repeats, args.c, args.fallback, args.margin)
    print(report(papers, feats, pred, args.per_label))
    folds = 5 * args.repeats
    print("\nrules kept (outer folds of", folds, "):",
          ", ".join(f"{label} {n}" for label, n in zip(LABELS, fell_back, strict=True) if n) or "none")
    for label in args.errors:
        j = LABELS.index(label)
        votes = pred[:, :, j].mean(axis=0)
        for i, p in enumerate(papers):
            gold = y[i, j] == 1
            if gold != (votes[i] >= 0.5):
                kind = "MISSED" if gold else "ADDED"
                print(f"{label} {kind} {p.id} [{p.text().input_kind}, rules {feats.rules[i, j]}] {p.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
