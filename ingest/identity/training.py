"""Fit the pairwise model and choose the clustering thresholds on labelled mentions.

The candidate pairs are exactly those the resolver scores (`pairs.candidate_pairs`:
same block, compatible given names, different papers), featurised by the same code.
The model is fitted in the setting a build runs in: the labelled mentions inside the
whole snapshot with every strong id hidden, where name-commonness features take their
full-corpus values (fitting on a set resolved alone made the model merge too readily at
full scale). Pairs from the set resolved alone are added so the weights also hold for a
small corpus such as `mlsys-atlas resolve` on an outside file. To teach the model what
an initial-only form ('M. Zaharia') is worth, a copy of some mentions is abbreviated, a
trick that keeps the labels true. The merge threshold is the one maximising B-cubed F1
of the labelled mentions inside the snapshot; the review band is where merges stop
being reliably right.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ingest.identity.evaluate import score
from ingest.identity.features import FEATURE_NAMES, Corpus
from ingest.identity.mentions import Mention
from ingest.identity.model import PairModel, fit_weights
from ingest.identity.names import clean_name, parse_name
from ingest.identity.pairs import candidate_pairs
from ingest.identity.resolver import _Run, resolve

ABBREVIATED_SHARE = 0.1
MAX_REVIEW_WIDTH = 0.15


def abbreviate(mentions: Sequence[Mention], truth: Sequence[str | None], share: float,
               seed: int = 7) -> tuple[list[Mention], list[str | None]]:
    """Add copies of a share of mentions with the given name cut to its initial (on a fresh paper id)."""
    rng = random.Random(seed)
    extra, extra_truth = [], []
    for mention, label in zip(mentions, truth, strict=True):
        parsed = parse_name(clean_name(mention.name)[0].name)
        if label and len(parsed.given) > 1 and rng.random() < share:
            short = f"{parsed.given[0].upper()}. {' '.join(t.title() for t in parsed.surname_full.split())}"
            extra.append(replace(mention, mention_id=mention.mention_id + "~abbr", name=short,
                                 paper_id=mention.paper_id + "~abbr"))
            extra_truth.append(label)
    return [*mentions, *extra], [*truth, *extra_truth]


def labelled_pairs(mentions: Sequence[Mention], truth: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of every candidate pair whose two mentions both carry a label."""
    run = _Run(mentions, PairModel(tuple(0.0 for _ in FEATURE_NAMES), 0.0, 0.5, 0.5, 0.5), ())
    run.clean_all()
    table = candidate_pairs(Corpus(run.mentions, run.parsed), run.blocks())
    codes: dict[str, int] = {}
    label = np.fromiter((codes.setdefault(t, len(codes)) if t else -1 for t in truth), dtype=np.int64,
                        count=len(truth))
    left, right = label[table.left], label[table.right]
    both = (left >= 0) & (right >= 0)
    return table.features[both], (left[both] == right[both]).astype(np.int8)


def choose_thresholds(mentions: Sequence[Mention], truth: Sequence[str | None], weights: tuple[float, ...],
                      bias: float, grid: Sequence[float]) -> tuple[float, float, float, dict[float, float]]:
    """Pick the merge threshold by B-cubed F1 and the review band from merge precision."""
    scored = [i for i, label in enumerate(truth) if label]
    results: dict[float, float] = {}
    for threshold in grid:
        model = PairModel(weights, bias, threshold, threshold, threshold)
        resolution = resolve(mentions, model=model)
        results[threshold] = score([resolution.person_ids[i] for i in scored],
                                   [str(truth[i]) for i in scored]).b3_f1
    best = max(results, key=lambda t: (results[t], -abs(t - 0.5)))
    probe = PairModel(weights, bias, best, best, 0.0)
    run = _Run(mentions, probe, ())
    run.clean_all()
    run.link_strong_ids()
    run.cluster_blocks()

    def majority(members: list[int]) -> str | None:
        labels = Counter(truth[i] for i in members if truth[i])
        return labels.most_common(1)[0][0] if labels else None

    outcomes = sorted((r.linkage, majority(r.left) is not None and majority(r.left) == majority(r.right),
                       r.merged) for r in run.records)
    band = 0.05
    review_high, review_low = best + band, best - band
    for low in np.arange(best, best + MAX_REVIEW_WIDTH, band):
        in_bin = [ok for link, ok, merged in outcomes if merged and low <= link < low + band]
        if in_bin and sum(in_bin) / len(in_bin) < 0.9:
            review_high = low + band  # merges this uncertain still go to a person
    for high in np.arange(best, best - MAX_REVIEW_WIDTH, -band):
        in_bin = [ok for link, ok, merged in outcomes if not merged and high - band <= link < high]
        if in_bin and sum(in_bin) / len(in_bin) >= 0.25:
            review_low = high - band  # near misses this often right are worth a look
    review_high, review_low = round(float(review_high), 2), round(float(review_low), 2)
    return float(best), max(review_high, best), min(review_low, best), results


def train(alone: Sequence[Mention], alone_truth: Sequence[str | None], in_corpus: Sequence[Mention],
          in_corpus_truth: Sequence[str | None], trained_on: str,
          grid: Sequence[float] = (0.4, 0.5, 0.6, 0.7, 0.8)) -> tuple[PairModel, dict]:
    """Fit on the labelled set alone and inside the corpus; thresholds from the in-corpus setting."""
    parts = []
    for mentions, truth in ((alone, alone_truth), (in_corpus, in_corpus_truth)):
        augmented, augmented_truth = abbreviate(mentions, truth, ABBREVIATED_SHARE)
        parts.append(labelled_pairs(augmented, augmented_truth))
    features = np.concatenate([f for f, _ in parts])
    labels = np.concatenate([y for _, y in parts])
    weights, bias = fit_weights(features, labels)
    threshold, high, low, curve = choose_thresholds(in_corpus, in_corpus_truth, weights, bias, grid)
    model = PairModel(weights, bias, threshold, high, low, trained_on)
    return model, {"pairs": int(len(labels)), "positives": int(labels.sum()), "f1_by_threshold": curve}
