"""Scoring the author resolver against ground truth nobody here wrote.

Labelled sets come from the snapshot: OpenReview tilde ids on ICML 2023-2024, NeurIPS
2021 and ICLR 2021-2025 authorships, and Semantic Scholar author ids in the MLSys
export. The ids are hidden from the resolver (`hide_ids`) and used only to score:
B-cubed precision/recall/F1 (per mention, so a big person weighs by their papers) and
pairwise F1, overall and on the hard blocks (printed names shared by several true
people), next to the exact-name baseline of the identity issue.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from graph.records import Paper
from ingest.identity.mentions import Mention, mentions_from_papers
from ingest.identity.names import parse_name


@dataclass(frozen=True)
class Scores:
    mentions: int
    b3_precision: float
    b3_recall: float
    b3_f1: float
    pair_precision: float
    pair_recall: float
    pair_f1: float


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(predicted: Sequence[str], truth: Sequence[str]) -> Scores:
    """B-cubed and pairwise scores of predicted cluster labels against true labels."""
    n = len(truth)
    if n == 0:
        return Scores(0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    pred_sizes, true_sizes = Counter(predicted), Counter(truth)
    joint = Counter(zip(predicted, truth, strict=True))
    precision = sum(joint[(p, t)] / pred_sizes[p] for p, t in zip(predicted, truth, strict=True)) / n
    recall = sum(joint[(p, t)] / true_sizes[t] for p, t in zip(predicted, truth, strict=True)) / n

    def pairs(counts: Counter) -> int:
        return sum(c * (c - 1) // 2 for c in counts.values())

    true_pos, pred_pairs, true_pairs = pairs(joint), pairs(pred_sizes), pairs(true_sizes)
    pair_p = true_pos / pred_pairs if pred_pairs else 1.0
    pair_r = true_pos / true_pairs if true_pairs else 1.0
    return Scores(n, precision, recall, _f1(precision, recall), pair_p, pair_r, _f1(pair_p, pair_r))


def hard_mask(names: Sequence[str], truth: Sequence[str]) -> list[bool]:
    """True for mentions whose printed name is shared by several true people."""
    people: dict[str, set[str]] = defaultdict(set)
    for name, label in zip(names, truth, strict=True):
        people[name].add(label)
    return [len(people[name]) > 1 for name in names]


@dataclass
class LabelledSet:
    """Mentions with their ground-truth ids hidden, and those ids kept aside for scoring."""

    name: str
    mentions: list[Mention]
    truth: list[str | None]  # per mention; None where the source gives no id (clustered, not scored)
    description: str = ""


def hide_ids(mentions: Sequence[Mention], kind: str) -> tuple[list[Mention], list[str | None]]:
    truth = [m.strong_ids.get(kind) for m in mentions]
    return [replace(m, strong_ids={}, authorship=None) for m in mentions], truth


def load_papers(snapshot: Path, papercopilot_files: Sequence[str] = (), aicpl_files: Sequence[str] = (),
                s2: bool = False) -> list[Paper]:
    from ingest.identity.papers import merge_papers
    from ingest.sources import aicpl, papercopilot, s2_seed

    papers: list[Paper] = []
    for name in papercopilot_files:
        papers += [p for p in papercopilot.read(snapshot / "papercopilot" / name, "") if isinstance(p, Paper)]
    for name in aicpl_files:
        papers += [p for p in aicpl.read(snapshot / "aicpl" / name, "") if isinstance(p, Paper)]
    if s2:
        papers += [p for p in s2_seed.read(snapshot / "mlsys_seed_s2" / "ML_Seed_Papers.csv", "")
                   if isinstance(p, Paper)]
    return merge_papers(papers)


def labelled_set(name: str, papers: Sequence[Paper], kind: str, description: str = "") -> LabelledSet:
    mentions, truth = hide_ids(list(mentions_from_papers(papers)), kind)
    return LabelledSet(name, mentions, truth, description)


HELD_OUT = ("icml/icml2023.json.gz", "icml/icml2024.json.gz", "nips/nips2021.json.gz")
ICLR_PAPERCOPILOT = ("iclr/iclr2021.json.gz", "iclr/iclr2022.json.gz", "iclr/iclr2023.json.gz")
ICLR_AICPL = tuple(f"{folder}/iclr{year}.json.gz" for folder in ("openreview_profile_authorids",
                                                                  "openreview_profiles")
                   for year in range(2022, 2026))


def snapshot_sets(snapshot: Path) -> list[LabelledSet]:
    """The three labelled sets of the benchmark (ICLR is the training set of model.json)."""
    return [
        labelled_set("ICML 2023-24 + NeurIPS 2021", load_papers(snapshot, HELD_OUT), "openreview",
                     "held out; the issue's baseline set"),
        labelled_set("ICLR 2021-2025", load_papers(snapshot, ICLR_PAPERCOPILOT, ICLR_AICPL), "openreview",
                     "training set of model.json"),
        labelled_set("MLSys S2 export", load_papers(snapshot, s2=True), "s2", "S2 author ids; mostly initials"),
    ]


def collapse_duplicate_profiles(mentions: Sequence[Mention], truth: Sequence[str | None]) -> list[str | None]:
    """Join ground-truth ids with one name (surname + first given name) that share a co-author.

    OpenReview lets a person end up with two profiles ('~Ion_Stoica1' and '~Ion_Stoica2',
    '~Christopher_Re1' and '~Christopher_Ré1', '~James_Zou1' and '~James_Y._Zou1', each
    pair with a co-author in common), so the raw ids call a correct merge wrong. The rule
    is mechanical and blind to the resolver; it is used for the training labels and for a
    second score column next to the raw one, never instead of it.
    """
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(truth):
        if label:
            by_label[label].append(i)
    labels_by_name: dict[str, set[str]] = defaultdict(set)
    for label, items in by_label.items():
        for i in items:
            labels_by_name[parse_name(mentions[i].name).group_key].add(label)
    parent: dict[str, str] = {}

    def find(label: str) -> str:
        while parent.get(label, label) != label:
            label = parent[label]
        return label

    for labels in labels_by_name.values():
        ordered = sorted(labels)
        coauthors = {label: {c for i in by_label[label] for c in mentions[i].coauthors} for label in ordered}
        for k, first in enumerate(ordered):
            for second in ordered[k + 1:]:
                if coauthors[first] & coauthors[second]:
                    parent[find(second)] = find(first)
    return [find(label) if label else label for label in truth]


def exact_name_labels(mentions: Sequence[Mention]) -> list[str]:
    """The issue's baseline: one person per exact printed name string."""
    return [m.name for m in mentions]
