"""Precision, recall and F1 of the tagger against the hand-labelled sets.

Two sets: the older dev set (`topics_dev.jsonl`, titles, its own `split` field) and the
v3 set labelled blind from title + abstract + venue (`topics_v3.jsonl`, split frozen by
`ingest.topics.split`). A v3 paper that is also in the dev set keeps the dev set's split:
a paper tuned on before cannot become held-out later, and a held-out one stays held out.

Shared by the quality benchmark and the regression tests so both measure the same thing.
Micro scores pool every (paper, label) decision; macro scores average per-label F1 over
the labels that occur in the gold split (a label nobody has cannot be recalled).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.ids import venue_id
from graph.venues import canonical_venue, community_of
from ingest.topics.split import split_of
from ingest.topics.tagger import PaperText, TopicTagger, community_of_venue_id, pillars_and_topics
from ingest.topics.taxonomy import PILLARS, TOPICS

DEV_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "topics_dev.jsonl"
V3_SET = DEV_SET.with_name("topics_v3.jsonl")
BASELINE = DEV_SET.with_name("topics_quality_baseline.json")  # recorded F1, the regression floor
TUNING_SPLITS = frozenset({"dev", "tuning"})


@dataclass(frozen=True)
class LabelledPaper:
    id: str
    split: str  # "dev"/"tuning" (tuned on) or "heldout" (never tuned on)
    title: str
    abstract: str | None
    venue: str
    pillars: frozenset[str]
    topics: frozenset[str]
    derived_terms: tuple[str, ...] = ()
    confidence: str = "high"
    source: str = ""

    @property
    def heldout(self) -> bool:
        return self.split not in TUNING_SPLITS

    def text(self, title_only: bool = False) -> PaperText:
        """What the tagger reads for this paper (the title alone when `title_only`)."""
        if title_only:
            return PaperText(self.title, None, community_of_venue(self.venue))
        return PaperText(self.title, self.abstract, community_of_venue(self.venue), self.derived_terms)


def community_of_venue(venue: str) -> str | None:
    """The venue community as `mlsys-atlas tag` and the build see it (raw name or short name)."""
    short = canonical_venue(venue or "")
    return community_of(short) if short else community_of_venue_id(venue_id(venue)) if venue else None


def title_key(title: str) -> str:
    """A title folded for matching the same paper across sources."""
    return " ".join(re.sub(r"\W+", " ", title.lower()).split())


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
                                        frozenset(r["pillars"]), frozenset(r["topics"]),
                                        tuple(r.get("derived_terms") or ()), r.get("confidence", "high"), "dev"))
    return papers


def load_v3_set(path: Path = V3_SET, dev: Sequence[LabelledPaper] | None = None) -> list[LabelledPaper]:
    """The v3 labelled set, each paper with its effective split (the dev set's, where the paper is in both)."""
    dev = load_dev_set() if dev is None else dev
    dev_split = {title_key(p.title): p.split for p in dev}
    papers = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            split = dev_split.get(title_key(r["title"]), split_of(r["id"]))
            papers.append(LabelledPaper(r["id"], "tuning" if split == "dev" else split, r["title"], r.get("abstract"),
                                        r.get("venue") or "", frozenset(r["pillars"]), frozenset(r["topics"]),
                                        tuple(r.get("derived_terms") or ()), r.get("confidence") or "medium",
                                        r.get("source") or ""))
    return papers


def predict(tagger: TopicTagger, papers: Sequence[LabelledPaper], title_only: bool = False
            ) -> list[tuple[set[str], set[str]]]:
    texts = [p.text(title_only) for p in papers]
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


def evaluate(tagger: TopicTagger, papers: Sequence[LabelledPaper], title_only: bool = False
             ) -> dict[str, dict[str, Any]]:
    """Scores for pillars and for topics on the given papers."""
    return score(papers, predict(tagger, papers, title_only))


def score(papers: Sequence[LabelledPaper], predicted: Sequence[tuple[set[str], set[str]]]
          ) -> dict[str, dict[str, Any]]:
    """Pillar and topic scores of any predictor's (pillars, topics) per paper."""
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
