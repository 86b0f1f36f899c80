"""Topic tagging with spaCy (first version: phrase patterns for the four pillars).

`tag_papers` sets `Paper.topics`; `taxonomy()` gives the Topic nodes and their
PART_OF links. The topic-tagging issue replaces the internals with the full taxonomy,
keeping these signatures.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import spacy
from spacy.matcher import PhraseMatcher

from graph.ids import topic_id
from graph.records import Paper, Topic, TopicTag

TAGGER_VERSION = 0

PILLARS = {
    "hardware": ("Hardware systems for ML", ["accelerator", "fpga", "asic", "tpu", "systolic array", "hardware"]),
    "software": ("Software systems for ML", ["compiler", "framework", "distributed training", "serving",
                                              "scheduler", "cluster", "parameter server", "pipeline parallelism"]),
    "metrics": ("ML beyond accuracy", ["quantization", "pruning", "privacy", "fairness", "energy", "latency",
                                       "interpretability", "robustness"]),
    "ml_for_systems": ("ML for systems", ["learned index", "query optimizer", "learned cost model"]),
}


def taxonomy() -> tuple[list[Topic], list[tuple[str, str]]]:
    topics = [Topic(topic_id(label), label, name, "pillar", [label]) for label, (name, _) in PILLARS.items()]
    return topics, []


@lru_cache(maxsize=1)
def _matcher() -> tuple[spacy.language.Language, PhraseMatcher]:
    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for label, (_, terms) in PILLARS.items():
        matcher.add(label, [nlp.make_doc(t) for t in terms])
    return nlp, matcher


def tag_papers(papers: Iterable[Paper]) -> None:
    nlp, matcher = _matcher()
    papers = list(papers)
    texts = (f"{p.title}. {p.abstract or ''}" for p in papers)
    for paper, doc in zip(papers, nlp.pipe(texts, batch_size=256), strict=True):
        evidence: dict[str, list[str]] = {}
        for match_id, start, end in matcher(doc):
            evidence.setdefault(nlp.vocab.strings[match_id], []).append(doc[start:end].text)
        paper.topics = [TopicTag(label, min(1.0, 0.5 + 0.25 * len(ev)), sorted(set(ev)))
                        for label, ev in sorted(evidence.items())]
