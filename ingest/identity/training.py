"""Fit the pairwise model and choose the clustering thresholds on labelled mentions.

The candidate pairs are exactly those the resolver scores (same block, compatible
given names, different papers). To teach the model what an initial-only form ('M.
Zaharia') is worth, a copy of some mentions is abbreviated, a trick that keeps the
labels true. The merge threshold is the one maximising B-cubed F1 on the training
set; the review band is where merges stop being reliably right.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ingest.identity.evaluate import score
from ingest.identity.features import FEATURE_NAMES, Corpus, pair_features
from ingest.identity.mentions import Mention
from ingest.identity.model import PairModel, fit_weights
from ingest.identity.names import clean_name, parse_name
from ingest.identity.resolver import _Run, resolve

ABBREVIATED_SHARE = 0.1
MAX_PAIRS_PER_BLOCK = 20_000
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


def labelled_pairs(mentions: Sequence[Mention], truth: Sequence[str | None],
                   seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Every comparable pair of labelled mentions in a block (sampled in huge blocks), with labels."""
    run = _Run(mentions, PairModel(tuple(0.0 for _ in FEATURE_NAMES), 0.0, 0.5, 0.5, 0.5), ())
    run.clean_all()
    corpus = Corpus(run.mentions, run.parsed)
    blocks: dict[str, list[int]] = defaultdict(list)
    rejected = {i for i, _ in run.rejected}
    for i in range(len(mentions)):
        if i not in rejected and truth[i]:
            blocks[run.parsed[i].block_key].append(i)
    rng = random.Random(seed)
    pairs: list[tuple[int, int]] = []
    for key in sorted(blocks):
        block = blocks[key]
        candidates = [(block[a], block[b]) for a, b in run.candidate_clusters([[i] for i in block])]
        if len(candidates) > MAX_PAIRS_PER_BLOCK:
            candidates = rng.sample(candidates, MAX_PAIRS_PER_BLOCK)
        pairs.extend(candidates)
    features, kept = pair_features(corpus, pairs)
    labels = np.asarray([truth[pairs[k][0]] == truth[pairs[k][1]] for k in kept], dtype=np.int8)
    return features, labels


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


def train(mentions: Sequence[Mention], truth: Sequence[str | None], trained_on: str) -> tuple[PairModel, dict]:
    augmented, augmented_truth = abbreviate(mentions, truth, ABBREVIATED_SHARE)
    features, labels = labelled_pairs(augmented, augmented_truth)
    weights, bias = fit_weights(features, labels)
    grid = [round(x, 2) for x in np.arange(0.3, 0.91, 0.1)]
    threshold, high, low, curve = choose_thresholds(mentions, truth, weights, bias, grid)
    model = PairModel(weights, bias, threshold, high, low, trained_on)
    return model, {"pairs": int(len(labels)), "positives": int(labels.sum()), "f1_by_threshold": curve}
