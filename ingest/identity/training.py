"""Fit the pairwise model and choose the clustering thresholds on labelled mentions.

The candidate pairs are exactly those the resolver scores (`pairs.candidate_pairs`:
same block, compatible given names, different papers), featurised by the same code.
The model is fitted in the setting a build runs in: the labelled mentions inside the
whole snapshot with every strong id hidden, where name-commonness features take their
full-corpus values (fitting on a set resolved alone made the model merge too readily at
full scale). Pairs from the set resolved alone are added so the weights also hold for a
small corpus such as `mlsys-atlas resolve` on an outside file. To teach the model what
an initial-only form ('M. Zaharia') is worth, a copy of some mentions is abbreviated, a
trick that keeps the labels true. Labels are the OpenReview ids with one person's
duplicate profiles joined (`evaluate.collapse_duplicate_profiles`): otherwise the model
is taught that '~Ion_Stoica1' and '~Ion_Stoica2', sharing Joseph Gonzalez, are two
people. The merge threshold and the linkage's weight on the best pair are chosen on
the same ICLR labels (alone and inside the snapshot) to bring the worse of overall and
hard-block B-cubed F1 closest to its target (`shortfall`); the review band is where
merges stop being reliably right (inside the snapshot). `retune` redoes only that
choice for fitted networks, which are deterministic (fixed seeds).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ingest.identity.evaluate import collapse_duplicate_profiles, hard_mask, score
from ingest.identity.features import FEATURE_NAMES, Corpus
from ingest.identity.mentions import Mention
from ingest.identity.model import PairModel, Scorer, fit_scorers
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
    width = len(FEATURE_NAMES)
    placeholder = Scorer(np.zeros(width, np.float32), np.ones(width, np.float32),
                         ((np.zeros((width, 1), np.float32), np.zeros(1, np.float32)),))
    run = _Run(mentions, PairModel((placeholder,), 0.5, 0.5, 0.5), ())  # only names and blocks are used
    run.clean_all()
    table = candidate_pairs(Corpus(run.mentions, run.parsed), run.blocks())
    codes: dict[str, int] = {}
    label = np.fromiter((codes.setdefault(t, len(codes)) if t else -1 for t in truth), dtype=np.int64,
                        count=len(truth))
    left, right = label[table.left], label[table.right]
    both = (left >= 0) & (right >= 0)
    return table.features[both], (left[both] == right[both]).astype(np.int8)


OVERALL_TARGET, HARD_TARGET = 0.99, 0.90  # B-cubed F1 targets of the identity issue


def quality(mentions: Sequence[Mention], truth: Sequence[str | None], model: PairModel) -> tuple[float, float]:
    """B-cubed F1 over all labelled mentions and over the hard blocks (names several people share)."""
    resolution = resolve(mentions, model=model)
    scored = [i for i, label in enumerate(truth) if label]
    predicted = [resolution.person_ids[i] for i in scored]
    labels = [str(truth[i]) for i in scored]
    hard = [k for k, is_hard in enumerate(hard_mask([mentions[i].name for i in scored], labels)) if is_hard]
    overall = score(predicted, labels).b3_f1
    return overall, score([predicted[k] for k in hard], [labels[k] for k in hard]).b3_f1


def shortfall(overall: float, hard: float) -> float:
    """How far the worse of the two scores is from its target (negative: short of it).

    Selecting on this rather than on a mean keeps one score from being bought with the
    other: an equal-weight mean chose a threshold that lifted hard blocks and dropped the
    overall score below the exact-name baseline.
    """
    return min(overall - OVERALL_TARGET, hard - HARD_TARGET)


def choose_thresholds(settings: Sequence[tuple[Sequence[Mention], Sequence[str | None]]],
                      scorers: tuple[Scorer, ...],
                      grid: Sequence[tuple[float, float]]) -> tuple[float, float, float, float, dict]:
    """Pick (threshold, single_weight) by `shortfall` averaged over the settings; review band from the last."""
    results: dict[tuple[float, float], list[tuple[float, float]]] = {}
    for threshold, single_weight in grid:
        model = PairModel(scorers, threshold, threshold, threshold, single_weight)
        results[(threshold, single_weight)] = [quality(m, t, model) for m, t in settings]

    def mean_shortfall(key: tuple[float, float]) -> float:
        return sum(shortfall(*scores) for scores in results[key]) / len(results[key])

    best, weight = max(results, key=lambda key: (mean_shortfall(key), -abs(key[0] - 0.5)))
    mentions, truth = settings[-1]
    probe = PairModel(scorers, best, best, 0.0, weight)
    run = _Run(mentions, probe, ())
    run.keep_confident_merges = True  # every merge's outcome is read below, not only the reviewable ones
    run.clean_all()
    run.link_strong_ids()
    run.cluster_blocks()

    def majority(members: list[int]) -> str | None:
        labels = Counter(truth[i] for i in members if truth[i])
        return labels.most_common(1)[0][0] if labels else None

    sides = ((r, majority(r.left), majority(r.right)) for r in run.records)
    # only merges between two labelled sides say anything about precision
    outcomes = sorted((r.linkage, left == right, r.merged) for r, left, right in sides if left and right)
    band = 0.05
    review_high, review_low = best + band, best - band
    for low in np.arange(best, best + MAX_REVIEW_WIDTH - band / 2, band):
        in_bin = [ok for link, ok, merged in outcomes if merged and low <= link < low + band]
        if in_bin and sum(in_bin) / len(in_bin) < 0.9:
            review_high = low + band  # merges this uncertain still go to a person
    for high in np.arange(best, best - MAX_REVIEW_WIDTH + band / 2, -band):
        in_bin = [ok for link, ok, merged in outcomes if not merged and high - band <= link < high]
        if in_bin and sum(in_bin) / len(in_bin) >= 0.25:
            review_low = high - band  # near misses this often right are worth a look
    review_high, review_low = round(float(review_high), 2), round(float(review_low), 2)
    return float(best), max(review_high, best), min(review_low, best), weight, results


GRID = tuple((threshold, weight) for weight in (0.2, 0.4, 0.6) for threshold in (0.5, 0.6, 0.7, 0.8))


def train(alone: Sequence[Mention], alone_truth: Sequence[str | None], in_corpus: Sequence[Mention],
          in_corpus_truth: Sequence[str | None], trained_on: str,
          grid: Sequence[tuple[float, float]] = GRID) -> tuple[PairModel, dict]:
    """Fit on the labelled set alone and inside the corpus; thresholds chosen on both (`choose_thresholds`)."""
    alone_truth = collapse_duplicate_profiles(alone, alone_truth)
    in_corpus_truth = collapse_duplicate_profiles(in_corpus, in_corpus_truth)
    parts = []
    for mentions, truth in ((alone, alone_truth), (in_corpus, in_corpus_truth)):
        augmented, augmented_truth = abbreviate(mentions, truth, ABBREVIATED_SHARE)
        parts.append(labelled_pairs(augmented, augmented_truth))
    features = np.concatenate([f for f, _ in parts])
    labels = np.concatenate([y for _, y in parts])
    model, info = _tune(fit_scorers(features, labels), [(alone, alone_truth), (in_corpus, in_corpus_truth)],
                        trained_on, grid)
    return model, {"pairs": int(len(labels)), "positives": int(labels.sum()), **info}


def retune(scorers: tuple[Scorer, ...], alone: Sequence[Mention], alone_truth: Sequence[str | None],
           in_corpus: Sequence[Mention], in_corpus_truth: Sequence[str | None], trained_on: str,
           grid: Sequence[tuple[float, float]] = GRID) -> tuple[PairModel, dict]:
    """Choose threshold, linkage weight and review band for fitted scorers (no refit; see `train`)."""
    settings = [(alone, collapse_duplicate_profiles(alone, alone_truth)),
                (in_corpus, collapse_duplicate_profiles(in_corpus, in_corpus_truth))]
    return _tune(scorers, settings, trained_on, grid)


def _tune(scorers: tuple[Scorer, ...], settings: Sequence[tuple[Sequence[Mention], Sequence[str | None]]],
          trained_on: str, grid: Sequence[tuple[float, float]]) -> tuple[PairModel, dict]:
    threshold, high, low, weight, curve = choose_thresholds(settings, scorers, grid)
    model = PairModel(scorers, threshold, high, low, weight, trained_on)
    return model, {"b3_f1_overall_and_hard_alone_and_in_corpus": {
        f"{t} / {w}": [[round(x, 4) for x in scores] for scores in per_setting]
        for (t, w), per_setting in curve.items()}}
