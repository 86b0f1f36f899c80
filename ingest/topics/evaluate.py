"""Precision, recall and F1 of the tagger against the hand-labelled development set.

Shared by the quality benchmark and the regression test so both measure the same thing.
Micro scores pool every (paper, label) decision; macro scores average per-label F1 over
the labels that occur in the gold split (a label nobody has cannot be recalled).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.ids import venue_id
from ingest.topics.tagger import PaperText, TopicTagger, community_of_venue_id, pillars_and_topics
from ingest.topics.taxonomy import PILLARS, TOPICS

DEV_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "topics_dev.jsonl"
BASELINE = DEV_SET.with_name("topics_quality_baseline.json")  # recorded F1, the regression floor


@dataclass(frozen=True)
class LabelledPaper:
    id: str
    split: str  # "dev" (tuned on) or "heldout" (never tuned on)
    title: str
    abstract: str | None
    venue: str
    pillars: frozenset[str]
    topics: frozenset[str]


@dataclass(frozen=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


def load_dev_set(path: Path = DEV_SET) -> list[LabelledPaper]:
    papers = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            papers.append(LabelledPaper(r["id"], r["split"], r["title"], r.get("abstract"), r["venue"],
                                        frozenset(r["pillars"]), frozenset(r["topics"])))
    return papers


def predict(tagger: TopicTagger, papers: Sequence[LabelledPaper]) -> list[tuple[set[str], set[str]]]:
    texts = [PaperText(p.title, p.abstract, community_of_venue_id(venue_id(p.venue))) for p in papers]
    out = []
    for tags in tagger.tag(texts):
        pillars, topics = pillars_and_topics(tags)
        out.append((set(pillars), set(topics)))
    return out


def label_counts(gold: Iterable[frozenset[str]], pred: Iterable[set[str]], labels: Sequence[str]
                 ) -> dict[str, Counts]:
    counts = {label: Counts() for label in labels}
    for g, p in zip(gold, pred, strict=True):
        for label in labels:
            counts[label] += Counts(int(label in g and label in p), int(label not in g and label in p),
                                    int(label in g and label not in p))
    return counts


def summarise(counts: dict[str, Counts]) -> dict[str, Any]:
    micro = sum(counts.values(), Counts())
    present = [c for c in counts.values() if c.tp + c.fn]
    return {
        "per_label": {label: {"precision": c.precision, "recall": c.recall, "f1": c.f1, "support": c.tp + c.fn}
                      for label, c in counts.items()},
        "micro": {"precision": micro.precision, "recall": micro.recall, "f1": micro.f1},
        "macro": {"precision": sum(c.precision for c in present) / len(present) if present else 0.0,
                  "recall": sum(c.recall for c in present) / len(present) if present else 0.0,
                  "f1": sum(c.f1 for c in present) / len(present) if present else 0.0},
    }


def evaluate(tagger: TopicTagger, papers: Sequence[LabelledPaper]) -> dict[str, dict[str, Any]]:
    """Scores for pillars and for topics on the given papers."""
    predicted = predict(tagger, papers)
    return {
        "pillars": summarise(label_counts([p.pillars for p in papers], [p for p, _ in predicted], PILLARS)),
        "topics": summarise(label_counts([p.topics for p in papers], [t for _, t in predicted], TOPICS)),
    }


def errors(tagger: TopicTagger, papers: Sequence[LabelledPaper]) -> list[dict[str, Any]]:
    """Papers whose predicted labels differ from the gold ones (for error analysis on the dev split)."""
    out = []
    for paper, (pillars, topics) in zip(papers, predict(tagger, papers), strict=True):
        gold, got = paper.pillars | paper.topics, pillars | topics
        if gold != got:
            out.append({"id": paper.id, "title": paper.title, "missing": sorted(gold - got),
                        "extra": sorted(got - gold)})
    return out
